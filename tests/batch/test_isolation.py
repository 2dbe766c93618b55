"""A job that fails in any way (bad input, a bug, a dead worker process) fails
alone: the others finish, the batch exits 1 with each error recorded."""

from __future__ import annotations

from pathlib import Path

import pytest

from batchhelp import cli, gen, read_json
from migrate.batch.manifest import load_manifest
from migrate.batch.runner import run_batch


def manifest(tmp_path: Path, jobs: list[tuple[str, str]]) -> Path:
    for k in range(len(jobs)):
        gen(tmp_path / f"s{k}.xml", 3, k)
    body = "".join(f"  - name: {name}\n    inputs: s{k}.xml\n    to: {to}\n" for k, (name, to) in enumerate(jobs))
    m = tmp_path / "m.yaml"
    m.write_text("output_root: out\njobs:\n" + body, encoding="utf-8")
    return m


def test_crashing_workers_fail_only_their_job(tmp_path):
    # two jobs take their worker process down while others run beside them
    m = manifest(tmp_path, [("a", "json"), ("exits", "test_crash"), ("b", "json"),
                            ("segfault", "test_segv"), ("bug", "test_boom"), ("c", "json")])
    r = cli("batch", m, "--jobs", "2")
    assert r.returncode == 1, r.stderr
    report = read_json(tmp_path / "out" / "batch-report.json")
    status = {j["name"]: j["status"] for j in report["jobs"]}
    assert status == {"a": "done", "exits": "failed", "b": "done", "segfault": "failed",
                      "bug": "failed", "c": "done"}
    errors = {j["name"]: j["error"] for j in report["jobs"] if j["error"]}
    assert errors["exits"]["type"] == "WorkerDied" and "exited with status 13" in errors["exits"]["text"]
    assert errors["segfault"]["type"] == "WorkerDied" and "SIGSEGV" in errors["segfault"]["text"]
    assert errors["bug"]["bug"] and "RuntimeError: boom" in errors["bug"]["text"]
    assert "Traceback" in errors["bug"]["traceback"]
    for name in "abc":
        assert (tmp_path / "out" / f"{name}.json").is_file()


def test_cli_exit_status(tmp_path):
    m = manifest(tmp_path, [("a", "json"), ("b", "jsonl")])
    r = cli("batch", m, "--jobs", "2", "--report", tmp_path / "r.json")
    assert r.returncode == 0, r.stderr
    assert read_json(tmp_path / "r.json")["totals"]["done"] == 2
    assert read_json(tmp_path / "r.json") == read_json(tmp_path / "out" / "batch-report.json")


def test_second_batch_on_same_root_is_refused(tmp_path):
    from migrate.batch.state import BatchLock
    from migrate.errors import UsageError

    (tmp_path / "out").mkdir()
    with BatchLock(tmp_path / "out"):
        with pytest.raises(UsageError, match="another wpmigrate batch"):
            with BatchLock(tmp_path / "out"):
                pass


def test_fsspec_urls_are_staged(tmp_path):
    pytest.importorskip("fsspec")
    src = gen(tmp_path / "s.xml", 3, 9)
    m = tmp_path / "m.yaml"
    m.write_text(f"output_root: out\njobs:\n  - name: u\n    inputs: file://{src}\n    to: json\n"
                 f"    output: file://{tmp_path}/remote/u.json\n", encoding="utf-8")
    summary = run_batch(load_manifest(m), jobs=1)
    assert summary.exit_code == 0, summary.table()
    import migrate

    assert migrate.info([str(tmp_path / "remote/u.json")])["items"] == migrate.info([str(src)])["items"]
    again = run_batch(load_manifest(m), jobs=1)
    assert [r.status for r in again.results] == ["skipped"]
