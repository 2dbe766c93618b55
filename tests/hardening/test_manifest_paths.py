"""Batch manifests: job names and outputs never lead a job out of its place.

What is legitimate: an ``output`` the manifest gives (relative to the
manifest's folder, or absolute) is the user's choice, like ``convert -o``;
it may be anywhere, and is still never allowed to replace a folder wpmigrate
did not write. What is not: a job *name* is only ever a file name inside the
output root (names that are not one path component are refused, Windows
device names, trailing dots and the like are neutralised), and no output may
be another's, nested in another's, the output root, the batch's own files, an
input or the manifest. Every refusal is a ``ConfigError`` naming the manifest
line.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from migrate.batch.manifest import load_manifest
from migrate.errors import ConfigError
from migrate.output import MARKER, check_relpath, safe_component

from tests.hardening.conftest import SEED, cli


def _q(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)  # a YAML double-quoted scalar


@pytest.fixture
def box(tmp_path) -> Path:
    """A manifest folder holding an export, beside a folder that is not ours."""
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "keep.txt").write_text("keep")
    m = tmp_path / "m"
    m.mkdir()
    (m / "in.xml").write_bytes(SEED.read_bytes())
    return m


def manifest(box: Path, jobs: list[dict], head: str = "") -> Path:
    lines = [head] if head else []
    lines.append("jobs:")
    for job in jobs:
        job = {"name": job["name"], "inputs": "in.xml", "to": "json", **job}
        first = True
        for k, v in job.items():
            lines.append(("  - " if first else "    ") + f"{k}: {_q(v)}")
            first = False
    p = box / "m.yaml"
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return p


def refused(path: Path, *needles: str) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        load_manifest(path)
    err = info.value
    assert err.file == str(path) and err.line is not None, str(err)
    assert str(err).startswith(f"{path}:{err.line}"), str(err)
    for needle in needles:
        assert needle in str(err), (needle, str(err))
    return err


def snapshot(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): "dir" if p.is_dir() else hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*"))}


@pytest.mark.parametrize("name", ["../x", "../../etc", "a/b", "a/../..", "/abs", "a\\b", "..\\x", ".", "..",
                                  ".hidden", "a\x00b", "line\nbreak", "tab\there", "\x1bx"])
def test_name_that_is_not_one_file_name_is_refused_at_its_line(box, name):
    m = manifest(box, [{"name": "fine"}, {"name": name}])
    err = refused(m, "not a usable job name")
    assert err.line == 5  # the second job's name


@pytest.mark.parametrize("writer,suffix", [("json", ".json"), ("hugo", "")])
@pytest.mark.parametrize("name", ["CON", "aux.txt", "nul", "COM1", "lpt9.md", "site. ", "site...", "a:b",
                                  "what?", "pipe|d", "\U0001F600" * 100, " ", "é" * 150])
def test_name_is_neutralised_as_a_file_name(box, name, writer, suffix):
    batch = load_manifest(manifest(box, [{"name": name, "to": writer}]))
    out = Path(batch.jobs[0].output)
    assert out.parent == box
    assert out.name == safe_component(name, fallback="job") + suffix
    check_relpath(out.name)
    assert len(out.name.encode()) <= 160
    assert batch.jobs[0].name == name  # the job keeps its name in the state and the report


def test_neutralised_names_are_written_inside_the_root(box):
    names = ["CON", "aux.txt", "a:b", "site. "]
    m = manifest(box, [{"name": n} for n in names])
    before = snapshot(box.parent / "outside")
    r = cli("batch", str(m), "--jobs", "1")
    assert r.returncode == 0, r.stderr
    for n in names:
        assert (box / (safe_component(n) + ".json")).is_file(), n
    assert not (box / "CON.json").exists() and not (box / "site. .json").exists()
    assert snapshot(box.parent / "outside") == before


@pytest.mark.parametrize("a,b", [("site", "site"), ("Site", "site"), ("caf\u00e9", "cafe\u0301")])
def test_duplicate_names_are_refused(box, a, b):
    refused(manifest(box, [{"name": a}, {"name": b}]), "used twice")


def test_names_that_neutralise_to_one_output_are_refused(box):
    err = refused(manifest(box, [{"name": "CON"}, {"name": "_CON"}]), "the same output")
    assert err.line == 5


@pytest.mark.parametrize("outputs,how", [
    (["x", "x"], "the same output"),
    (["x", "x/y"], "nested outputs"),
    (["x/y/z", "x"], "nested outputs"),
    (["x", "./x/../x"], "the same output"),
])
def test_nested_or_shared_outputs_are_refused(box, outputs, how):
    jobs = [{"name": f"j{i}", "output": o, "to": "hugo"} for i, o in enumerate(outputs)]
    refused(manifest(box, jobs), how)


@pytest.mark.parametrize("output,needle", [
    (".", "output root"), ("..", "output root"), ("../..", "output root"),
    ("in.xml", "would replace an input"), ("m.yaml", "the manifest itself"),
    (".wpmigrate-batch.json", "the batch's own"), ("batch-report.json", "the batch's own"),
])
def test_outputs_that_would_replace_the_batchs_own_files_are_refused(box, output, needle):
    refused(manifest(box, [{"name": "a", "output": output}]), needle)


def test_output_folder_holding_the_manifest_is_refused(box, tmp_path):
    m = manifest(box, [{"name": "a", "output": ".", "to": "hugo", "inputs": str(SEED)}],
                 head=f"output_root: {_q(str(tmp_path / 'elsewhere'))}")
    refused(m, "the manifest itself")


def test_explicit_outputs_outside_the_root_are_the_users_choice(box, tmp_path):
    """``output: ../outside`` or an absolute path is taken as given, like ``-o``: written
    when new, never replacing a folder wpmigrate did not write."""
    fresh = tmp_path / "fresh-abs"
    m = manifest(box, [{"name": "rel", "output": "../outside", "to": "hugo"},
                       {"name": "abs", "output": str(fresh), "to": "hugo"}])
    batch = load_manifest(m)
    assert [j.output for j in batch.jobs] == [str(tmp_path / "outside"), str(fresh)]
    before = snapshot(tmp_path / "outside")
    r = cli("batch", str(m), "--jobs", "1")
    assert r.returncode == 1
    assert "did not write" in (r.stdout + r.stderr + (box / ".wpmigrate-batch.log").read_text())
    assert snapshot(tmp_path / "outside") == before
    assert (fresh / MARKER).is_file()
    assert not any(n.startswith(".outside.") for n in os.listdir(tmp_path))
