"""The benchmark harness runs end to end on a tiny export (its figures are not judged here)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_bench_runs_on_a_tiny_export(tmp_path: Path, shared: Path) -> None:
    out = tmp_path / "results.json"
    done = subprocess.run(
        [sys.executable, "-m", "tests.benchmarks.bench", "--posts", "20", "--only", "info,json",
         "--workdir", str(tmp_path),
         "--json", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "| command | posts | wall s | CPU s | peak MB |" in done.stdout
    data = json.loads(out.read_text())
    assert data["machine"]["cores"] >= 1 and data["machine"]["lxml"]
    fs = data["machine"]["file_system"]
    assert fs["folder_and_file_us"] > 0 and fs["file_us"] > 0
    assert not [p for p in tmp_path.iterdir() if p.name.startswith("fs-probe-")], "the probe cleans up"
    rows = {r["command"]: r for r in data["results"]}
    base = rows["baseline"]
    assert base["wall_s"] > 0 and base["peak_mb"] > 1 and base["ratio_wall"] == pytest.approx(1.0)
    info = rows["info --json"]
    assert info["failed"] is None and info["wall_s"] > 0 and info["cpu_s"] > 0 and info["peak_mb"] > 1
    assert info["items"] == data["exports"]["20"]["counts"]["items"]
    floor = rows["site floor"]
    assert floor["failed"] is None and 0 < floor["cpu_s"]
    assert data["floor"].startswith("`convert --to hugo` cannot take less CPU than the site floor")
    assert data["floor"] in done.stdout
    for r in data["results"]:  # each row was measured, or says why not
        assert r["failed"] is None, r
        assert (r["wall_s"] is not None) != (r["skipped"] is not None), r
