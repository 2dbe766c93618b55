"""Broken and mutated exports: only MigrateError escapes the reader; transforms never raise.

``WPMIGRATE_FUZZ_EXAMPLES`` raises the Hypothesis budget for a longer campaign
(see docs/fuzzing.md); CI runs a small fixed budget.
"""

from __future__ import annotations

import os
import re
import signal
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import migrate
from migrate.errors import InputError, MigrateError
from migrate.transforms.blocks import parse_blocks, serialize_blocks
from migrate.transforms.context import TransformContext
from migrate.transforms.pipeline import to_markdown
from migrate.transforms.shortcodes import expand_shortcodes
from migrate.transforms.wpautop import wpautop

from tests.hardening.conftest import SAMPLES, gzip_of, zip_of

EXAMPLES = int(os.environ.get("WPMIGRATE_FUZZ_EXAMPLES", "60"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=EXAMPLES <= 60,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture])
SAMPLE_BYTES = {p.name: p.read_bytes() for p in sorted(SAMPLES.glob("*.xml"))}


@contextmanager
def time_limit(seconds: int):
    def boom(*_):
        raise TimeoutError(f"no answer within {seconds} s")
    old = signal.signal(signal.SIGALRM, boom)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def read_all(path: Path, recover: bool) -> None:
    export = migrate.read(path, recover=recover)
    migrate.info(export)


@st.composite
def mutated_export(draw) -> bytes:
    data = bytearray(SAMPLE_BYTES[draw(st.sampled_from(sorted(SAMPLE_BYTES)))])
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["flip", "delete", "duplicate", "insert"]))
        i = draw(st.integers(0, len(data) - 1))
        j = min(len(data), i + draw(st.integers(1, 400)))
        if op == "flip":
            data[i] = draw(st.integers(0, 255))
        elif op == "delete":
            del data[i:j]
        elif op == "duplicate":
            data[i:i] = data[i:j]
        else:
            data[i:i] = draw(st.sampled_from([b"&", b"<", b"]]>", b"<![CDATA[", b"\x00", b"\xff\xfe",
                                               b"<!DOCTYPE x>", b"<item>", b"</item>", b"&#0;", b"\x1b"]))
        if not data:
            data = bytearray(b"<")
    return bytes(data)


@FUZZ
@given(data=mutated_export(), recover=st.booleans())
def test_mutated_exports_only_raise_migrate_errors(tmp_path_factory, data, recover):
    path = tmp_path_factory.mktemp("fz") / "m.xml"
    path.write_bytes(data)
    with time_limit(20):
        try:
            read_all(path, recover)
        except MigrateError:
            pass


ANY_TEXT = st.one_of(
    st.text(max_size=300),
    st.lists(st.sampled_from(list("[]/<>!-= \"'\nx") + ["wp:", "<!-- ", " -->", "[caption", "[/caption]",
                                                        "<p>", "</p>", "<pre>", "{\"a\":", "wp:group ", "/wp:"]),
             max_size=120).map("".join),
)


@FUZZ
@given(text=ANY_TEXT)
def test_transforms_never_raise(text):
    with time_limit(20):
        parse_blocks(text)
        serialize_blocks(parse_blocks(text))
        expand_shortcodes(text, TransformContext())
        wpautop(text)
        to_markdown(text, TransformContext())


# ------------------------------------------------------------ truncation at every point

def _complete_items_before(data: bytes, cut: int) -> int:
    return data[:cut].count(b"</item>")


@pytest.mark.parametrize("name", ["last-train-home.xml", "site-structure.xml"])
def test_truncated_at_many_points(tmp_path, name):
    """With recover every complete item before the cut is read and the cut is reported
    with its line; without, a clear InputError; never another exception."""
    data = SAMPLE_BYTES[name]
    first_item = data.index(b"<item>")
    cuts = sorted(set(range(first_item, len(data) - 20, max(1, (len(data) - first_item) // 150))))
    cuts += [m.end() for m in re.finditer(rb"</item>", data)][:-1]
    path = tmp_path / name
    for cut in cuts:
        path.write_bytes(data[:cut])
        with pytest.raises(InputError, match=re.escape(str(path)) + r":\d+"):
            list(migrate.read(path).posts())
        report = migrate.Report()
        try:
            posts = list(migrate.read(path, recover=True, report=report).posts())
        except InputError as exc:
            pytest.fail(f"cut at byte {cut}: recover gave up: {exc}")
        assert len(posts) == _complete_items_before(data, cut), f"cut at byte {cut}"
        cuts_reported = [f for f in report if f.code == "xml-truncated"]
        assert cuts_reported and cuts_reported[0].line, f"cut at byte {cut}: {[str(f) for f in report]}"


# ------------------------------------------------------------ broken files

SEED = SAMPLE_BYTES["last-train-home.xml"]


@pytest.mark.parametrize("name, data", [
    ("empty.xml", b""),
    ("space.xml", b"   \n\t\n"),
    ("nul.xml", b"\x00" * 4096),
    ("binary.xml", bytes(range(256)) * 64),
    ("png.xml", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100),
    ("corrupt.xml.gz", gzip_of(SEED)[:200] + b"\x00garbage" * 50),
    ("truncated.xml.gz", gzip_of(SEED)[:-30]),
    ("not-gzip.gz", b"\x1f\x8b" + b"\xff" * 100),
    ("corrupt.zip", zip_of({"a.xml": SEED})[:120]),
    ("garbage.zip", b"PK\x03\x04" + b"\x00" * 200),
    ("empty.zip", zip_of({})),
    ("no-xml.zip", zip_of({"readme.txt": b"hi"})),
])
def test_broken_containers_and_bytes(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    for recover in (False, True):
        with time_limit(20):
            with pytest.raises(InputError) as info:
                read_all(path, recover)
        assert str(path) in str(info.value)


@pytest.mark.parametrize("variant", ["crlf", "cr", "mixed", "bom", "latin1-declared-utf8-content",
                                     "utf8-declared-latin1-content"])
def test_encodings_and_line_endings(tmp_path, variant):
    data = SEED
    if variant == "crlf":
        data = data.replace(b"\n", b"\r\n")
    elif variant == "cr":
        data = data.replace(b"\n", b"\r")
    elif variant == "mixed":
        lines = data.split(b"\n")
        data = b"".join(line + (b"\r\n", b"\n", b"\r")[i % 3] for i, line in enumerate(lines))
    elif variant == "bom":
        data = b"\xef\xbb\xbf" + data
    elif variant == "latin1-declared-utf8-content":
        data = data.replace(b'encoding="UTF-8"', b'encoding="ISO-8859-1"')
    else:
        data = data.decode("utf-8").encode("latin-1", errors="replace")
    path = tmp_path / "e.xml"
    path.write_bytes(data)
    expected = next(migrate.read(SAMPLES / "last-train-home.xml").posts())
    try:
        post = next(migrate.read(path).posts())
    except InputError as exc:  # a clear refusal with a position is acceptable ...
        assert re.match(re.escape(str(path)) + r":\d+", str(exc))
        post = next(migrate.read(path, recover=True).posts())  # ... and recover reads it
    if variant in ("crlf", "cr", "mixed", "bom"):
        assert post.content.replace("\r\n", "\n").replace("\r", "\n") == expected.content.replace("\r\n", "\n")
        assert post.title == expected.title
    else:  # every word is still there, if not every character
        words = re.findall(r"[A-Za-z]{4,}", expected.content)
        assert all(w in post.content for w in words)


#: Elements other tools' exports leave out; the importer copes without each of them.
OPTIONAL_ELEMENTS = (
    "wp:post_id", "wp:post_date", "wp:post_date_gmt", "wp:comment_id", "wp:comment_date",
    "wp:comment_date_gmt", "wp:post_name", "wp:status", "wp:post_type", "dc:creator", "guid", "link",
    "wp:comment_parent", "wp:post_parent", "pubDate", "wp:comment_approved", "title",
)


@FUZZ
@given(name=st.sampled_from(sorted(n for n in SAMPLE_BYTES if n != "third-party.xml")),
       dropped=st.lists(st.tuples(st.sampled_from(OPTIONAL_ELEMENTS), st.integers(0, 7)), min_size=1, max_size=6))
def test_missing_optional_elements_lose_nothing_unseen(name, dropped, tmp_path_factory):
    """Leave out elements (some or all occurrences): a static site still has one page per item
    it shows, or the conversion says which it left out; nothing else escapes."""
    from migrate.writers.static.core import is_page_of_site

    text = SAMPLE_BYTES[name].decode("utf-8")
    for tag, keep_every in dropped:  # keep_every 0: drop all; n: keep every n-th occurrence
        pattern = re.compile(rf"<{tag}(?:\s[^>]*)?>.*?</{tag}>|<{tag}\s*/>", re.S)
        seen = iter(range(1 << 30))
        text = pattern.sub(lambda m: m.group(0) if keep_every and next(seen) % keep_every == 0 else "", text)
    tmp = tmp_path_factory.mktemp("missing")
    src = tmp / name
    src.write_text(text, encoding="utf-8")
    try:
        shown = [p for p in migrate.read(src).posts() if is_page_of_site(p.type, p.status)]
    except MigrateError:
        return  # e.g. no <channel> title left is fine; a clear error is the promise
    for to in ("hugo", "jekyll"):
        report = migrate.convert([src], to, tmp / to)
        ids = [m.group(1) for p in (tmp / to).rglob("*.md")
               if (m := re.search(r"(?im)^\s*wp_id\s*:\s*(-?\d+)", p.read_text(encoding="utf-8")))]
        assert len(ids) == len(set(ids))
        assert len(shown) - len(ids) <= report.counts.get("item-id-repeated", 0), (to, dict(report.counts))
