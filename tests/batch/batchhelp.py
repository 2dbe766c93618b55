"""Helpers for the batch tests: generated exports, corpus paths, running the CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"
GEN = SHARED / "bench" / "gen_wxr.py"
PLUGINS = Path(__file__).resolve().parent / "plugins"

# The misbehaving writers in plugins/ are a plugin package: only the CLI
# subprocesses started by cli()/popen() see it (PYTHONPATH), so the writer
# list of the test session itself is untouched.


def need(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"{path} is not available")
    return path


def gen(out: Path, posts: int, seed: int) -> Path:
    """A generated export (deterministic for posts and seed); cached per session folder."""
    need(GEN)
    out.parent.mkdir(parents=True, exist_ok=True)
    if not out.exists():
        subprocess.run([sys.executable, str(GEN), "--posts", str(posts), "--seed", str(seed), "--out", str(out)],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return out


def env() -> dict:
    e = dict(os.environ)
    e["PYTHONPATH"] = os.pathsep.join([str(PLUGINS), str(ROOT), e.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    e["WPMIGRATE_PROGRESS"] = "lines"
    return e


def cli(*args: str, cwd: Path | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "migrate", *map(str, args)], capture_output=True, text=True,
                          env=env(), cwd=cwd, timeout=timeout)


def popen(*args: str, cwd: Path | None = None, log: Path | None = None) -> subprocess.Popen:
    """Start the CLI; output goes to ``log`` (not a pipe: processes it leaves behind would hold a pipe open)."""
    out = open(log, "w") if log is not None else subprocess.DEVNULL
    try:
        return subprocess.Popen([sys.executable, "-m", "migrate", *map(str, args)], stdout=out,
                                stderr=subprocess.STDOUT, env=env(), cwd=cwd)
    finally:
        if log is not None:
            out.close()


def read_json(path: Path):
    return json.loads(Path(path).read_text(encoding="utf-8"))


# --- functions for parallel_map tests (module level: worker processes import them)

def square_slowly(x: int) -> int:
    import random
    import time

    time.sleep(random.Random(x).random() * 0.01)
    return x * x


def fail_on_13(x: int) -> int:
    if x == 13:
        raise ValueError(f"unlucky {x}")
    return x
