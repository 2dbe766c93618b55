"""The Dask executor against a real local cluster: the same outputs as the
local executor, a failing job isolated, resume the same."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from batchhelp import CORPUS, gen, need, read_json

distributed = pytest.importorskip("distributed")

from migrate.batch.executors import DaskExecutor  # noqa: E402
from migrate.batch.manifest import load_manifest  # noqa: E402
from migrate.batch.runner import run_batch  # noqa: E402


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None, silence_logs=40) as c:
        yield c


def _manifest(tmp_path: Path) -> Path:
    for k in range(3):
        gen(tmp_path / f"s{k}.xml", 20, 40 + k)
    shutil.copy(need(CORPUS / "tryghost-mg-wp-xml/sample.xml"), tmp_path / "bad.xml")
    m = tmp_path / "m.yaml"
    m.write_text("defaults: {to: json}\njobs:\n"
                 + "".join(f"  - {{name: s{k}, inputs: s{k}.xml}}\n" for k in range(3))
                 + "  - {name: bad, inputs: bad.xml}\n", encoding="utf-8")
    return m


def test_dask_matches_local_and_isolates_failures(cluster, tmp_path):
    m = _manifest(tmp_path)
    local = run_batch(load_manifest(m, output_root=str(tmp_path / "local")), jobs=2)
    dask = run_batch(load_manifest(m, output_root=str(tmp_path / "dask")), executor="dask",
                     scheduler=cluster.scheduler_address)
    assert dask.executor == "dask"
    for summary in (local, dask):
        status = {r.name: r.status for r in summary.results}
        assert status == {"s0": "done", "s1": "done", "s2": "done", "bad": "failed"}
        assert summary.exit_code == 1
    bad = next(r for r in dask.results if r.name == "bad")
    assert bad.error["line"] == 109 and bad.error["file"].endswith("bad.xml")
    workers = {r.worker for r in dask.results}
    assert len(workers) >= 1 and all(":" in w for w in workers)
    for k in range(3):
        a = (tmp_path / "local" / f"s{k}.json").read_bytes()
        b = (tmp_path / "dask" / f"s{k}.json").read_bytes()
        assert a == b
    report = read_json(tmp_path / "dask" / "batch-report.json")
    assert report["executor"] == "dask" and report["totals"]["done"] == 3
    # resume works the same: finished jobs are skipped
    again = run_batch(load_manifest(m, output_root=str(tmp_path / "dask")), executor="dask",
                      scheduler=cluster.scheduler_address)
    assert {r.name: r.status for r in again.results} == {"s0": "skipped", "s1": "skipped", "s2": "skipped",
                                                         "bad": "failed"}


def test_missing_scheduler_is_a_usage_error():
    from migrate.errors import UsageError

    with pytest.raises(UsageError, match="--scheduler"):
        DaskExecutor(None)


def test_missing_dask_names_the_extra(monkeypatch):
    import builtins

    from migrate.errors import UsageError

    real = builtins.__import__

    def fake(name, *a, **k):
        if name == "distributed" or name.startswith("distributed."):
            raise ImportError("No module named 'distributed'")
        return real(name, *a, **k)

    monkeypatch.setattr(builtins, "__import__", fake)
    with pytest.raises(UsageError, match=r"wpmigrate\[dask\]"):
        DaskExecutor("tcp://127.0.0.1:1")._import()
