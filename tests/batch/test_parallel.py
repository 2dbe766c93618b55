"""parallel_map: order kept, exceptions clear, read-ahead bounded."""

from __future__ import annotations

import pytest

from batchhelp import fail_on_13, square_slowly
from migrate.parallel import parallel_map


def test_keeps_order():
    assert list(parallel_map(square_slowly, range(200), workers=2, chunk_size=7)) == [x * x for x in range(200)]


def test_inline_and_empty():
    assert list(parallel_map(square_slowly, range(10), workers=0, chunk_size=3)) == [x * x for x in range(10)]
    assert list(parallel_map(square_slowly, [], workers=2)) == []


def test_exception_names_the_item():
    with pytest.raises(ValueError, match="unlucky 13") as info:
        list(parallel_map(fail_on_13, range(100), workers=2, chunk_size=5))
    assert any("item #13" in n for n in getattr(info.value, "__notes__", []))
    assert "fail_on_13" in str(info.value.__cause__)  # the worker's traceback
    with pytest.raises(ValueError, match="unlucky 13") as info:
        list(parallel_map(fail_on_13, range(100), workers=0, chunk_size=5))
    assert any("item #13" in n for n in info.value.__notes__)


def test_read_ahead_is_bounded():
    pulled = 0

    def source():
        nonlocal pulled
        for i in range(400):
            pulled += 1
            yield i

    chunk, in_flight = 4, 3
    worst = 0
    for n, value in enumerate(parallel_map(square_slowly, source(), workers=2, chunk_size=chunk,
                                           max_in_flight=in_flight), start=1):
        assert value == (n - 1) ** 2
        worst = max(worst, pulled - n)
    # submitted chunks plus the chunk being handed out
    assert worst <= (in_flight + 1) * chunk
    assert pulled == 400


def test_early_close_cancels():
    it = parallel_map(square_slowly, range(10_000), workers=2, chunk_size=10)
    assert next(it) == 0
    it.close()  # must not hang or compute the remaining 10,000


def test_bad_arguments():
    with pytest.raises(ValueError):
        list(parallel_map(square_slowly, [1], chunk_size=0))
