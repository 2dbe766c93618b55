"""Shared helpers for the static-site writer tests: inputs, conversion, real builds.

The generators are run for real (``hugo``, ``jekyll``, ``pelican``); a missing
one is a test failure, not a skip — ``tests/install-test-deps.sh`` installs
them. Sites of every sample and corpus export are converted and built once
per session, in parallel.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional

import pytest

import migrate
from migrate.errors import InputError, Report

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples"
SHARED = Path(os.environ.get("WPMIGRATE_SHARED") or ROOT.parent / "shared")
CORPUS = SHARED / "corpus"
FLAVOURS = ("hugo", "jekyll", "pelican")

#: samples/malformed files that must be refused, not repaired
REFUSED = {"not-wxr.xml", "doctype-entity.xml"}


def sample_inputs() -> dict[str, list[Path]]:
    """name → files of one export, for every sample (the split one as one export)."""
    found: dict[str, list[Path]] = {}
    for p in sorted(SAMPLES.glob("*.xml")):
        found[p.stem] = [p]
    split = sorted((SAMPLES / "split").glob("*.xml"))
    if split:
        found["split"] = split
    for p in sorted((SAMPLES / "malformed").glob("*.xml")):
        if p.name not in REFUSED:
            found["malformed-" + p.stem] = [p]
    return found


def corpus_inputs() -> dict[str, list[Path]]:
    return {
        str(p.relative_to(CORPUS).with_suffix("")).replace("/", "__"): [p]
        for p in sorted(CORPUS.rglob("*.xml"))
    }


def read_any(files: list[Path], report: Optional[Report] = None) -> migrate.Export:
    """Read strictly; an export that is not well-formed is read with ``recover``."""
    rep = report if report is not None else Report()
    try:
        export = migrate.read(files, report=rep)
        for _ in export.posts():
            pass
        return export
    except InputError:
        return migrate.read(files, recover=True, report=Report())


def one_piece_and_halves(monkeypatch, threshold_module: Any, spied_module: Any, spied: str,
                         out_for: Callable[[str], Path], convert: Callable[[Path], Any]) -> tuple[Any, Any, bool]:
    """``convert(out)`` with the export read in one piece, then in halves.

    ``threshold_module.HALVES_FROM`` is put out of reach, then to 0;
    ``spied_module.<spied>`` is watched to tell whether the halves were
    really used (a run may decline them and read in one piece).
    ``out_for("one")`` and ``out_for("halves")`` name the outputs. A
    MigrateError becomes ``("error", message, whether the output exists)``.
    Returns (one piece, halves, whether the halves held).
    """
    held: list[bool] = []
    real = getattr(spied_module, spied)

    def spy(*args, **kw):
        got = real(*args, **kw)
        held.append(got is not None)
        return got

    monkeypatch.setattr(spied_module, spied, spy)
    results = []
    for name, threshold in (("one", 1 << 62), ("halves", 0)):
        monkeypatch.setattr(threshold_module, "HALVES_FROM", threshold)
        out = out_for(name)
        try:
            results.append(convert(out))
        except migrate.errors.MigrateError as exc:
            results.append(("error", str(exc), out.exists()))
    monkeypatch.setattr(spied_module, spied, real)
    return results[0], results[1], bool(held) and held[-1]


def require(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.fail(f"{tool} is not installed: run tests/install-test-deps.sh as root")
    return path


def build_command(flavour: str, site: Path, public: Path) -> tuple[list[str], Path]:
    if flavour == "hugo":
        return [require("hugo"), "--source", str(site), "-d", str(public), "--panicOnWarning"], site
    if flavour == "jekyll":
        return [require("jekyll"), "build", "-s", str(site), "-d", str(public)], site
    if flavour == "pelican":
        return [require("pelican"), "content", "-s", "pelicanconf.py", "-o", str(public),
                "--fatal", "warnings"], site
    raise ValueError(flavour)


#: words in a generator's output that mean something went wrong
_BAD = ("WARN", "ERROR", "Error", "Warning", "warning:", "Deprecation", "Conflict", "Liquid Exception",
        "CRITICAL", "Traceback")


def problems(output: str) -> list[str]:
    return [line for line in output.splitlines() if any(b in line for b in _BAD)]


@dataclass
class Built:
    name: str
    flavour: str
    site: Path
    public: Path
    returncode: int = -1
    output: str = ""
    #: the loss report's counts by finding code
    counts: dict = field(default_factory=dict)
    error: str = ""

    def check(self) -> None:
        assert not self.error, f"{self.name}/{self.flavour}: conversion failed: {self.error}"
        assert self.returncode == 0, f"{self.name}/{self.flavour} build failed:\n{self.output}"
        bad = problems(self.output)
        assert not bad, f"{self.name}/{self.flavour} build printed warnings:\n" + "\n".join(bad)


def convert_and_build(name: str, files: list[Path], flavour: str, base: Path,
                      options: Optional[dict] = None) -> Built:
    site = base / name / flavour / "site"
    public = base / name / flavour / "public"
    b = Built(name, flavour, site, public)
    report = Report()
    try:
        export = read_any(files)
        migrate.write(export, flavour, site, dict(options or {}), report)
        b.counts = report.counts
    except Exception as exc:  # reported by Built.check
        b.error = f"{type(exc).__name__}: {exc}"
        return b
    cmd, cwd = build_command(flavour, site, public)
    env = dict(os.environ, LANG="C.UTF-8", LC_ALL="C.UTF-8", TZ="UTC")
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=env, timeout=600)
    b.returncode = proc.returncode
    b.output = proc.stdout + proc.stderr
    return b


def build_all(jobs: list[tuple[str, list[Path], str]], base: Path) -> dict[tuple[str, str], Built]:
    for flavour in FLAVOURS:
        build_command(flavour, base, base)  # fail early if a generator is missing
    # conversions are Python (one process each, no shared GIL); builds are subprocesses
    workers = (os.cpu_count() or 2) + 1
    with ProcessPoolExecutor(workers) as pool:
        futures = {(n, f): pool.submit(convert_and_build, n, files, f, base) for n, files, f in jobs}
        return {k: fut.result() for k, fut in futures.items()}


@pytest.fixture(scope="session")
def sample_sites(tmp_path_factory) -> dict[tuple[str, str], Built]:
    base = tmp_path_factory.mktemp("sample-sites")
    jobs = [(n, files, f) for n, files in sample_inputs().items() for f in FLAVOURS]
    return build_all(jobs, base)


@pytest.fixture(scope="session")
def corpus_sites(tmp_path_factory) -> dict[tuple[str, str], Built]:
    if not CORPUS.is_dir():
        pytest.fail(f"the shared corpus is missing at {CORPUS} (set WPMIGRATE_SHARED)")
    base = tmp_path_factory.mktemp("corpus-sites")
    jobs = [(n, files, f) for n, files in corpus_inputs().items() for f in FLAVOURS]
    return build_all(jobs, base)
