"""Kill a batch with a real signal, resume it: each job done exactly once,
outputs byte-identical to an uninterrupted run, no temporary files left."""

from __future__ import annotations

import json
import signal
import time
from collections import Counter
from pathlib import Path

import pytest

from batchhelp import cli, gen, popen, read_json
from migrate.batch.state import read_log

N_JOBS = 4


@pytest.fixture(scope="module")
def exports(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("exports")
    for k in range(N_JOBS):
        gen(d / f"site{k}.xml", 150, 100 + k)
    return d


@pytest.fixture(scope="module")
def reference(exports, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("ref")
    r = cli("batch", exports, "--to", "json", "-o", out, "--jobs", "2", "--quiet")
    assert r.returncode == 0, r.stderr
    return out


def _done_jobs(root: Path) -> int:
    try:
        state = json.loads((root / ".wpmigrate-batch.json").read_text())
    except (OSError, ValueError):
        return 0
    return sum(1 for j in state["jobs"].values() if j["status"] == "done")


def _interrupt(exports: Path, out: Path, sig: int) -> tuple[int, list]:
    import psutil

    log = out.parent / f"interrupted-{sig}.log"
    proc = popen("batch", exports, "--to", "json", "-o", out, "--jobs", "1", log=log)
    children: list = []
    deadline = time.monotonic() + 60
    try:
        while _done_jobs(out) < 1:
            assert proc.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "no job finished in time"
            try:
                children = psutil.Process(proc.pid).children(recursive=True) or children
            except psutil.NoSuchProcess:
                pass
            time.sleep(0.02)
        done = _done_jobs(out)
        assert done < N_JOBS, "the batch finished before it could be interrupted; use bigger jobs"
        children = psutil.Process(proc.pid).children(recursive=True) or children
        proc.send_signal(sig)
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    # workers do not outlive the batch, even one killed with SIGKILL
    gone, alive = psutil.wait_procs(children, timeout=15)
    assert not alive, f"worker processes outlived the batch: {alive}"
    return proc.returncode, children


def _check_resumed(out: Path, reference: Path) -> None:
    report = read_json(out / "batch-report.json")
    assert report["totals"]["failed"] == 0
    names = [f"site{k}" for k in range(N_JOBS)]
    for name in names:
        assert (out / f"{name}.json").read_bytes() == (reference / f"{name}.json").read_bytes(), name
    done = Counter(e["job"] for e in read_log(out) if e["event"] == "done")
    assert done == Counter({n: 1 for n in names}), done
    state = read_json(out / ".wpmigrate-batch.json")
    assert {n: j["status"] for n, j in state["jobs"].items()} == {n: "done" for n in names}
    leftovers = [p.name for p in out.iterdir() if ".tmp-" in p.name or ".old-" in p.name]
    assert not leftovers, leftovers


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_kill_and_resume(exports, reference, tmp_path, sig):
    out = tmp_path / "out"
    code, _ = _interrupt(exports, out, sig)
    assert code == (128 + signal.SIGTERM if sig == signal.SIGTERM else -signal.SIGKILL)
    finished_before = _done_jobs(out)
    # what an interrupted write leaves, and look-alikes that must survive the cleanup
    (out / ".site3.json.tmp-abcd_123").write_text("half")
    (out / ".site3.json.tmp-short").write_text("not ours")
    (out / "notes.tmp-abcdefgh").write_text("not ours")
    r = cli("batch", exports, "--to", "json", "-o", out, "--jobs", "1")
    assert r.returncode == 0, r.stderr
    report = read_json(out / "batch-report.json")
    assert report["totals"]["skipped"] == finished_before
    assert report["totals"]["done"] == N_JOBS - finished_before
    assert (out / ".site3.json.tmp-short").exists() and (out / "notes.tmp-abcdefgh").exists()
    (out / ".site3.json.tmp-short").unlink()
    (out / "notes.tmp-abcdefgh").unlink()
    _check_resumed(out, reference)
    if sig == signal.SIGTERM:
        events = [e["event"] for e in read_log(out)]
        assert "interrupted" in events


def test_force_redoes_everything(tmp_path):
    from migrate.batch.manifest import discover
    from migrate.batch.runner import run_batch

    for k in range(3):
        gen(tmp_path / "in" / f"s{k}.xml", 3, k)
    batch = discover(tmp_path / "in", "json", tmp_path / "out")
    assert run_batch(batch, jobs=2).totals()["done"] == 3
    assert run_batch(batch, jobs=2).totals()["skipped"] == 3
    assert run_batch(batch, jobs=2, force=True).totals()["done"] == 3
    done = Counter(e["job"] for e in read_log(tmp_path / "out") if e["event"] == "done")
    assert set(done.values()) == {2}


def test_stale_temp_cleanup_touches_only_our_leftovers(tmp_path):
    from migrate.batch.state import clean_stale_temps
    from migrate.output import MARKER

    out = tmp_path / "site"
    ours_dir = tmp_path / ".site.tmp-ab12cd34"
    ours_dir.mkdir()
    (ours_dir / MARKER).write_text("x")
    (ours_dir / "post.md").write_text("half")
    old_dir = tmp_path / ".site.old-zz99yy88"
    old_dir.mkdir()
    foreign_dir = tmp_path / ".site.tmp-qq11ww22"  # right name, but not written by wpmigrate
    foreign_dir.mkdir()
    (foreign_dir / "precious.txt").write_text("keep")
    other_job = tmp_path / ".site2.tmp-ab12cd34"
    other_job.write_text("another output's temp")
    target = tmp_path / "elsewhere"
    target.mkdir()
    (target / MARKER).write_text("x")
    (tmp_path / ".site.tmp-link1234").symlink_to(target)
    removed = clean_stale_temps([str(out)])
    assert sorted(p.name for p in removed) == [".site.old-zz99yy88", ".site.tmp-ab12cd34"]
    assert foreign_dir.exists() and other_job.exists() and target.exists()
    assert (tmp_path / ".site.tmp-link1234").is_symlink()
