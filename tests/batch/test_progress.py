"""The progress display: plain lines off a terminal, nothing when quiet, counts right."""

from __future__ import annotations

import io

from batchhelp import gen
from migrate.progress import (
    LineProgress, NullProgress, PassCounter, estimate_items, make_progress, track,
)


def test_line_progress_prints_finished_jobs_and_overall():
    out = io.StringIO()
    p = LineProgress(jobs=2, stream=out, interval=0)
    p.start("a", total=10)
    p.advance("a", 10)
    p.finish("a", "done")
    p.start("b")
    p.finish("b", "failed")
    p.close()
    text = out.getvalue()
    assert "[done] a: 10/10 items" in text and "[failed] b" in text
    assert "jobs 2/2 finished (1 failed)" in text
    o = p.overall()
    assert o["items"] == 10 and o["finished"]["done"] == 1


def test_make_progress_chooses():
    assert isinstance(make_progress(quiet=True), NullProgress)
    assert isinstance(make_progress(stream=io.StringIO()), LineProgress)  # not a terminal


def test_live_progress_renders(monkeypatch):
    class Tty(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.delenv("WPMIGRATE_PROGRESS", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    out = Tty()
    p = make_progress(jobs=1, stream=out)
    p.start("site", total=4)
    p.advance("site", 2)
    p._render() if hasattr(p, "_render") else None
    p.finish("site", "done")
    p.close()
    assert "site" in out.getvalue()


def test_track_counts_items_and_time_left(tmp_path):
    import migrate

    src = gen(tmp_path / "g.xml", 10, 2)
    total = estimate_items([src])
    info = migrate.info([str(src)])
    assert total == info["items"]
    p = NullProgress(jobs=1)
    export = track(migrate.read([str(src)]), p, "g", total)
    n = sum(1 for _ in export.posts())
    n2 = sum(1 for _ in export.posts())  # a second pass is not counted twice
    assert n == n2 == total and p.jobs["g"].done == total


def test_pass_counter_counts_comments():
    class P:
        def __init__(self, k):
            self.comments = (None,) * k

    c = PassCounter()
    assert len(list(c.wrap([P(1), P(2), P(0)]))) == 3
    assert (c.items, c.comments) == (3, 3)


def test_tracking_hook_for_convert(tmp_path):
    import pytest

    import migrate
    from migrate.progress import tracking

    src = gen(tmp_path / "g.xml", 5, 3)
    out = io.StringIO()
    p = LineProgress(stream=out, interval=3600)
    with tracking(p, migrate.read([str(src)]), "g.xml", estimate_items([src])) as export:
        migrate.write(export, "json", tmp_path / "g.json")
    assert p.jobs["g.xml"].status == "done" and p.jobs["g.xml"].done == p.jobs["g.xml"].total
    assert "[done] g.xml" in out.getvalue()
    with pytest.raises(RuntimeError):
        with tracking(p, migrate.read([str(src)]), "again") as export:
            raise RuntimeError("disk gone")
    assert p.jobs["again"].status == "failed"


def test_worker_progress_reaches_the_batch_from_each_worker_process(tmp_path):
    """Start (with the worker's pid) and item counts come back from the local executor's workers."""
    import os

    from migrate.batch.manifest import discover
    from migrate.batch.state import read_log
    from migrate.batch.runner import run_batch

    for k in range(3):
        gen(tmp_path / "in" / f"s{k}.xml", 4, k)
    seen: dict[str, list] = {}

    class Recorder(NullProgress):
        def start(self, job, total=None):
            seen.setdefault(job, []).append(("start", total))

        def advance(self, job, n=1):
            seen.setdefault(job, []).append(("advance", n))

    batch = discover(tmp_path / "in", "json", tmp_path / "out")
    summary = run_batch(batch, jobs=2, progress=Recorder())
    assert summary.totals()["done"] == 3
    for name in ("s0", "s1", "s2"):
        events = seen[name]
        assert events[0][0] == "start" and events[0][1], events
        advanced = sum(n for kind, n in events if kind == "advance")
        written = next(r for r in summary.results if r.name == name).written["items"]
        assert 0 < advanced <= written + 1, (advanced, written)
    starts = [e for e in read_log(tmp_path / "out") if e["event"] == "start"]
    assert {e["job"] for e in starts} == {"s0", "s1", "s2"}
    assert all(isinstance(e["pid"], int) and e["pid"] != os.getpid() for e in starts)
