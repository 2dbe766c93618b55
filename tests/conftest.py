"""Shared test fixtures: where the shared corpus lives, generated exports."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import settings

# CI runs the property tests with a fixed seed so a run is repeatable; locally
# they explore new examples each time (WPMIGRATE_FUZZ_EXAMPLES widens the
# fuzz tests, see docs/fuzzing.md).
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("WPMIGRATE_SHARED", ROOT.parent / "shared"))
CORPUS = SHARED / "corpus"
GEN_WXR = SHARED / "bench" / "gen_wxr.py"
SAMPLES = ROOT / "samples"


def corpus_files() -> list[Path]:
    return sorted(CORPUS.rglob("*.xml"))


def generate(out: Path, posts: int, seed: int | None = None) -> dict:
    """Run the shared generator; return the counts it printed (its last line)."""
    cmd = [sys.executable, str(GEN_WXR), "--posts", str(posts), "--out", str(out)]
    if seed is not None:
        cmd += ["--seed", str(seed)]
    done = subprocess.run(cmd, check=True, capture_output=True, text=True)
    last = (done.stderr.strip() or done.stdout.strip()).splitlines()[-1]
    return json.loads(last)


@pytest.fixture(scope="session")
def shared() -> Path:
    assert SHARED.is_dir(), f"the shared folder is missing: {SHARED} (set WPMIGRATE_SHARED)"
    return SHARED


@pytest.fixture(scope="session")
def generated_200(tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("gen") / "gen200.xml"
    return out, generate(out, 200)
