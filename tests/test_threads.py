"""Comment threads rebuilt from parent ids: order, orphans, loops, depth."""

from __future__ import annotations

import time

from migrate.errors import Report
from migrate.model import Comment, WPDate
from migrate.threads import build_threads, walk


def c(cid: int, parent: int = 0, minute: int = 0) -> Comment:
    return Comment(id=cid, parent=parent, date=WPDate(f"2011-01-01 10:{minute:02d}:00", f"2011-01-01 09:{minute:02d}:00"))


def shape(roots):
    out = []
    for n in walk(roots):
        out.append((n.id, n.parent, n.depth))
    return out


def test_order_by_date_then_id_and_nesting():
    roots = build_threads([c(5, 0, 3), c(2, 0, 1), c(3, 2, 2), c(4, 2, 2), c(1, 0, 9)])
    assert [r.id for r in roots] == [2, 5, 1]
    assert shape(roots) == [(2, 0, 0), (3, 2, 1), (4, 2, 1), (5, 0, 0), (1, 0, 0)]


def test_orphan_goes_top_level_with_finding():
    rep = Report()
    roots = build_threads([c(1), c(2, 99)], report=rep, item_id=7)
    assert [r.id for r in roots] == [1, 2]
    assert rep.counts == {"comment-orphan": 1}


def test_hidden_parent_climbs_to_nearest_shown_ancestor():
    rep = Report()
    roots = build_threads([c(1), c(3, 2, 5)], report=rep, ancestors={2: 1})
    assert shape(roots) == [(1, 0, 0), (3, 1, 1)]
    assert not rep.counts


def test_cycle_broken_at_smallest_id():
    rep = Report()
    roots = build_threads([c(3, 2, 1), c(2, 4, 2), c(4, 3, 3), c(9)], report=rep)
    assert rep.counts == {"comment-cycle": 1}
    assert [n.id for n in walk(roots)] == [9, 2, 3, 4]
    assert len(list(walk(roots))) == 4


def test_self_parent_and_duplicates():
    rep = Report()
    roots = build_threads([c(1, 1), c(1, 0, 5), c(2, 1)], report=rep)
    assert shape(roots) == [(1, 0, 0), (2, 1, 1)]
    assert rep.counts == {"comment-duplicate-id": 1}


def test_deep_chain_is_linear_and_iterative():
    n = 50_000
    chain = [c(i, i - 1) for i in range(1, n + 1)]
    t = time.perf_counter()
    roots = build_threads(chain)
    nodes = list(walk(roots))
    assert time.perf_counter() - t < 10
    assert len(nodes) == n and nodes[-1].depth == n - 1


def test_big_loop_is_linear():
    n = 30_000
    loop = [c(i, (i % n) + 1) for i in range(1, n + 1)]
    rep = Report()
    roots = build_threads(loop, report=rep)
    assert [r.id for r in roots] == [1]
    assert len(list(walk(roots))) == n
