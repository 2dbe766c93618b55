"""Writes: atomic, safe to repeat, and clear when the disk says no.

For the directory writers (Hugo, Jekyll, Pelican) and the file writers
(JSON, JSON Lines, WXR): a conversion killed mid-way leaves the previous
output byte for byte; a full disk, a read-only file system or a file where a
folder should be gives exit status 1 and one line naming the path and the
reason, with nothing half-written left behind; running a conversion again
over its own output gives the same bytes, and a folder wpmigrate did not
write is refused unless ``--force``.
"""

from __future__ import annotations

import errno
import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import migrate
import migrate.output
from migrate.errors import OutputError
from migrate.output import MARKER, OutputFile, OutputTree

from tests.hardening.conftest import ROOT, SEED, cli

SHARED = Path(os.environ.get("WPMIGRATE_SHARED") or ROOT.parent / "shared")
GEN = SHARED / "bench" / "gen_wxr.py"

#: writer -> output name (a folder for sites, a file for dumps)
OUTPUTS = {"hugo": "site", "jekyll": "site", "pelican": "site",
           "json": "export.json", "jsonl": "export.jsonl", "wxr": "export.xml"}
WRITERS = list(OUTPUTS)
FOLDER_WRITERS = ["hugo", "jekyll", "pelican"]
FILE_WRITERS = ["json", "jsonl", "wxr"]


def fingerprint(path: Path) -> dict[str, str]:
    """Every file (path and SHA-256) and folder of an output, dotfiles included."""
    if path.is_symlink():
        return {".": "link:" + os.readlink(path)}
    if path.is_file():
        return {".": hashlib.sha256(path.read_bytes()).hexdigest()}
    out = {}
    for p in sorted(path.rglob("*")):
        rel = str(p.relative_to(path))
        out[rel] = "dir" if p.is_dir() and not p.is_symlink() else hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def temps(out: Path) -> list[str]:
    """Temporary siblings of an output (``.NAME.tmp-*``, ``.NAME.old-*``)."""
    if not out.parent.is_dir():
        return []
    return sorted(n for n in os.listdir(out.parent) if n.startswith(f".{out.name}.tmp-")
                  or n.startswith(f".{out.name}.old-"))


def assert_one_line_error(r: subprocess.CompletedProcess, *needles: str) -> str:
    assert r.returncode == 1, (r.returncode, r.stderr)
    err = r.stderr.strip()
    assert "Traceback" not in err and "internal error" not in err, err
    assert len(err.splitlines()) == 1, err
    assert err.startswith("wpmigrate: error: "), err
    for needle in needles:
        assert needle in err, (needle, err)
    return err


def convert_seed(writer: str, out: Path, *extra: str) -> subprocess.CompletedProcess:
    return cli("convert", str(SEED), "--to", writer, "-o", str(out), "-q", *extra)


@pytest.fixture(scope="module")
def big_export(tmp_path_factory) -> Path:
    """1,500 generated posts: a few seconds of work for every writer."""
    if not GEN.exists():
        pytest.fail(f"the shared benchmark generator is missing at {GEN} (set WPMIGRATE_SHARED)")
    p = tmp_path_factory.mktemp("big") / "big.xml"
    subprocess.run([sys.executable, str(GEN), "--posts", "1500", "--out", str(p)], check=True,
                   capture_output=True, timeout=300)
    return p


@pytest.fixture(scope="module")
def medium_export(tmp_path_factory) -> Path:
    """200 generated posts: more than 512 KB of output in every format."""
    if not GEN.exists():
        pytest.fail(f"the shared benchmark generator is missing at {GEN} (set WPMIGRATE_SHARED)")
    p = tmp_path_factory.mktemp("medium") / "medium.xml"
    subprocess.run([sys.executable, str(GEN), "--posts", "200", "--out", str(p)], check=True,
                   capture_output=True, timeout=300)
    return p


# ------------------------------------------------------------ killed mid-way

def _wait_for_temp(proc: subprocess.Popen, out: Path, timeout: float = 240) -> Path:
    """The temporary sibling of ``out`` once it holds something, the run still going."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"the conversion ended (status {proc.returncode}) before its temporary output "
                        "was seen; the generated export is too small for this machine")
        for name in (n for n in temps(out) if ".tmp-" in n):
            tmp = out.parent / name
            try:
                started = tmp.stat().st_size > 0 if tmp.is_file() else len(os.listdir(tmp)) > 1
            except FileNotFoundError:
                started = False
            if started:
                return tmp
        time.sleep(0.01)
    pytest.fail(f"no temporary output beside {out} after {timeout:.0f} s")


@pytest.mark.slow
@pytest.mark.parametrize("writer", WRITERS)
def test_killed_conversion_leaves_previous_output(tmp_path, big_export, writer):
    out = tmp_path / "box" / OUTPUTS[writer]
    r = convert_seed(writer, out)
    assert r.returncode == 0, r.stderr
    before = fingerprint(out)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "migrate", "convert", str(big_export), "--to", writer,
                             "-o", str(out), "-q"], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        tmp = _wait_for_temp(proc, out)
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert fingerprint(out) == before, "a killed run changed the previous output"
    assert tmp.exists(), "the killed run's temporary output should still be there"
    # a killed run's temporaries (the output, and a working file beside it when a
    # big dump is read in halves) are removed by the next run writing the same
    # output (only once a second old: younger, they could be a concurrent run's)
    old = time.time() - 60
    for name in temps(out):
        os.utime(out.parent / name, (old, old))
    r = convert_seed(writer, out)
    assert r.returncode == 0, r.stderr
    assert fingerprint(out) == before
    assert temps(out) == []


# ------------------------------------------------------------ stale temporaries

def _backdate(p: Path) -> None:
    old = time.time() - 60
    os.utime(p, (old, old), follow_symlinks=False)


def test_stale_temp_cleanup_spares_live_runs_and_look_alikes(tmp_path):
    out = tmp_path / "export.json"
    site = tmp_path / "site"
    decoys = {
        ".export.json.tmp-short": "not ours: wrong length",
        ".export.json2.tmp-abcdefgh": "another output's",
        "export.json.tmp-abcdefgh": "no leading dot",
        ".site.tmp-abcdefgh/precious.txt": "right name, but a folder wpmigrate did not write",
    }
    for rel, text in decoys.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    target = tmp_path / "elsewhere"
    target.mkdir()
    (target / MARKER).write_text("x")
    (tmp_path / ".site.tmp-link1234").symlink_to(target, target_is_directory=True)
    stale_dir = tmp_path / ".site.tmp-stale123"
    stale_dir.mkdir()
    (stale_dir / MARKER).write_text("x")
    stale_file = tmp_path / ".export.json.tmp-stale123"
    stale_file.write_text("half")
    for p in [*(tmp_path / rel for rel in decoys), tmp_path / ".site.tmp-abcdefgh", tmp_path / ".site.tmp-link1234",
              stale_dir, stale_file]:
        _backdate(p)

    with OutputFile(out) as live:  # a live run, its temporary older than a second
        live.write("{}")
        live_tmp = tmp_path / next(n for n in temps(out) if n != stale_file.name)
        _backdate(live_tmp)
        with OutputTree(site) as live_tree:
            live_tree.write_text("a.md", "a")
            _backdate(live_tree.tmp)
            with OutputFile(out) as second:  # a second run of the same output meanwhile
                second.write("[]")
            with OutputTree(site) as second_tree:
                second_tree.write_text("b.md", "b")
            assert live_tmp.exists() and live_tree.tmp.exists(), "a live run's temporary was removed"
        assert (site / "a.md").read_text() == "a"
    assert out.read_text() == "{}"
    assert not stale_dir.exists() and not stale_file.exists()
    for rel, text in decoys.items():
        assert (tmp_path / rel).read_text() == text, rel
    assert (tmp_path / ".site.tmp-link1234").is_symlink() and (target / MARKER).exists()


# ------------------------------------------------------------ cannot write

@pytest.mark.parametrize("writer", WRITERS)
def test_parent_is_a_regular_file(tmp_path, writer):
    box = tmp_path / "box"
    box.mkdir()
    blocker = box / "afile"
    blocker.write_text("keep")
    before = fingerprint(box)
    for out in (blocker / OUTPUTS[writer], blocker / "deeper" / OUTPUTS[writer]):
        r = convert_seed(writer, out)
        assert_one_line_error(r, str(blocker), "is a file, not a folder")
    assert fingerprint(box) == before


class _FullDisk:
    """A file whose writes fail with ``err`` once ``budget`` bytes were written in all."""

    budget = 0

    def __init__(self, fh, err: int, at_close: bool = False) -> None:
        self._fh = fh
        self._err = err
        self._at_close = at_close

    def write(self, data):
        if not self._at_close:
            _FullDisk.budget -= len(data)
            if _FullDisk.budget < 0:
                raise OSError(self._err, os.strerror(self._err))
        return self._fh.write(data)

    def writelines(self, lines):
        for line in lines:
            self.write(line)

    def close(self):
        self._fh.close()
        if self._at_close:
            raise OSError(self._err, os.strerror(self._err))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __getattr__(self, name):
        return getattr(self._fh, name)


def _simulate(monkeypatch, err: int, *, budget: int = 2000, at_close: bool = False) -> None:
    """Make every output write fail with ``err`` after ``budget`` bytes (or at close)."""
    import builtins

    real_fdopen, real_open = os.fdopen, builtins.open
    _FullDisk.budget = budget

    def fdopen(fd, *a, **kw):
        return _FullDisk(real_fdopen(fd, *a, **kw), err, at_close)

    def open_(file, mode="r", *a, **kw):
        fh = real_open(file, mode, *a, **kw)
        return _FullDisk(fh, err, at_close) if "x" in mode or "w" in mode else fh

    monkeypatch.setattr(migrate.output.os, "fdopen", fdopen)
    monkeypatch.setattr(migrate.output, "open", open_, raising=False)


# site files are written whole (write_bytes): their close is covered by on-write
@pytest.mark.parametrize("writer,at_close", [(w, False) for w in WRITERS] + [(w, True) for w in FILE_WRITERS],
                         ids=[f"{w}-on-write" for w in WRITERS] + [f"{w}-on-close" for w in FILE_WRITERS])
def test_no_space_left_simulated(tmp_path, monkeypatch, writer, at_close):
    """ENOSPC from the file system, raised in-process: always runs (root may not mount)."""
    out = tmp_path / "box" / OUTPUTS[writer]
    migrate.convert([SEED], writer, out)
    before = fingerprint(out)
    _simulate(monkeypatch, errno.ENOSPC, at_close=at_close)
    with pytest.raises(OutputError) as info:
        migrate.convert([SEED], writer, out)
    monkeypatch.undo()
    assert "no space left" in str(info.value)
    assert str(out) in str(info.value)
    assert ".tmp-" not in str(info.value), "the error names the temporary path, not the output"
    assert fingerprint(out) == before
    assert temps(out) == []


@pytest.mark.parametrize("writer", WRITERS)
def test_read_only_simulated(tmp_path, monkeypatch, writer):
    """EROFS when the temporary output is created: always runs."""
    out = tmp_path / "box" / OUTPUTS[writer]
    migrate.convert([SEED], writer, out)
    before = fingerprint(out)

    def refuse(*a, **kw):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS))

    monkeypatch.setattr(migrate.output.tempfile, "mkdtemp", refuse)
    monkeypatch.setattr(migrate.output.tempfile, "mkstemp", refuse)
    with pytest.raises(OutputError) as info:
        migrate.convert([SEED], writer, out)
    monkeypatch.undo()
    assert "read-only" in str(info.value) and str(out.parent) in str(info.value)
    assert fingerprint(out) == before and temps(out) == []


@pytest.fixture
def tmpfs(tmp_path):
    """A 512 KB tmpfs, or a skip naming why (the simulated tests above always run)."""
    mnt = tmp_path / "tmpfs"
    mnt.mkdir()
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", str(mnt)],
                       capture_output=True, text=True)
    if r.returncode != 0:
        why = (r.stderr or r.stdout).strip() or f"status {r.returncode}"
        print(f"cannot mount a tmpfs: {why}")
        pytest.skip(f"cannot mount a tmpfs here ({why}); test_no_space_left_simulated and "
                    "test_read_only_simulated cover this")
    yield mnt
    subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


@pytest.mark.parametrize("writer", WRITERS)
def test_no_space_left_on_a_full_tmpfs(tmpfs, medium_export, writer):
    out = tmpfs / OUTPUTS[writer]
    r = convert_seed(writer, out)
    assert r.returncode == 0, r.stderr
    before = fingerprint(out)
    r = cli("convert", str(medium_export), "--to", writer, "-o", str(out), "-q")
    assert_one_line_error(r, "no space left", str(out))
    assert ".tmp-" not in r.stderr
    assert fingerprint(out) == before
    assert sorted(os.listdir(tmpfs)) == [out.name], "something half-written was left"


@pytest.mark.parametrize("writer", WRITERS)
def test_read_only_tmpfs(tmpfs, writer):
    out = tmpfs / OUTPUTS[writer]
    r = convert_seed(writer, out)
    assert r.returncode == 0, r.stderr
    before = fingerprint(out)
    r = subprocess.run(["mount", "-o", "remount,ro", str(tmpfs)], capture_output=True, text=True)
    if r.returncode != 0:
        pytest.skip(f"cannot remount a tmpfs read-only here ({r.stderr.strip()}); "
                    "test_read_only_simulated covers this")
    for target in (out, tmpfs / ("new-" + OUTPUTS[writer])):
        r = convert_seed(writer, target)
        assert_one_line_error(r, "read-only", str(tmpfs))
    assert fingerprint(out) == before
    assert sorted(os.listdir(tmpfs)) == [out.name]


# ------------------------------------------------------------ running again

@pytest.mark.parametrize("writer", WRITERS)
def test_rerun_over_own_output_is_idempotent(tmp_path, writer):
    out = tmp_path / "box" / OUTPUTS[writer]
    r = convert_seed(writer, out)
    assert r.returncode == 0, r.stderr
    first = fingerprint(out)
    if writer in FOLDER_WRITERS:
        assert MARKER in first
    r = convert_seed(writer, out)  # no --force: the folder is our own
    assert r.returncode == 0, r.stderr
    assert fingerprint(out) == first
    assert temps(out) == []


@pytest.mark.parametrize("writer", FOLDER_WRITERS)
def test_folder_wpmigrate_did_not_write_is_refused_unless_forced(tmp_path, writer):
    out = tmp_path / "box" / "mysite"
    (out / "content").mkdir(parents=True)
    (out / "owners-page.html").write_text("<p>the owner's own page</p>")
    (out / "content" / "about.md").write_text("about")
    before = fingerprint(out)
    r = convert_seed(writer, out)
    assert_one_line_error(r, str(out), "did not write", MARKER)
    assert fingerprint(out) == before
    assert temps(out) == []
    r = convert_seed(writer, out, "--force")
    assert r.returncode == 0, r.stderr
    assert (out / MARKER).exists() and not (out / "owners-page.html").exists()
    assert temps(out) == []


@pytest.mark.parametrize("writer", FOLDER_WRITERS)
def test_empty_folder_is_used_without_force(tmp_path, writer):
    out = tmp_path / "empty"
    out.mkdir()
    r = convert_seed(writer, out)
    assert r.returncode == 0, r.stderr
    assert (out / MARKER).exists()


@pytest.mark.parametrize("writer", FILE_WRITERS)
def test_file_output_that_is_a_folder_is_refused(tmp_path, writer):
    out = tmp_path / "box" / OUTPUTS[writer]
    out.mkdir(parents=True)
    (out / "keep.txt").write_text("keep")
    before = fingerprint(out)
    r = convert_seed(writer, out)
    assert_one_line_error(r, str(out), "is a folder")
    assert fingerprint(out) == before and temps(out) == []


def test_files_written_by_workers_are_confined_claimed_and_scratch_is_removed(tmp_path):
    """What worker processes write goes through the same checks, and is claimed by the tree."""
    import pickle

    target = tmp_path / "site"
    with OutputTree(target) as out:
        staged = pickle.loads(pickle.dumps(out.staged()))  # as a worker process gets it
        staged.write_text("content/a/index.md", "A")
        out.register("content/a/index.md")
        for bad in ("../escape.md", "/abs.md", "content/../../x.md", "a\\b.md"):
            with pytest.raises(OutputError):
                staged.write_text(bad, "no")
        with pytest.raises(OutputError, match="two things"):
            staged.write_text("content/a/index.md", "again")
        with pytest.raises(OutputError, match="two things"):
            out.register("CONTENT/A/index.md")  # the same path to a case-insensitive disk
        scratch = out.scratch("items")
        scratch.write_bytes(b"working data")
    assert (target / "content/a/index.md").read_text() == "A"
    assert not (tmp_path / "escape.md").exists()
    assert sorted(p.name for p in target.iterdir()) == [MARKER, "content"], "scratch files are not output"


def test_a_worker_never_rebuilds_an_abandoned_staging_folder(tmp_path):
    out = OutputTree(tmp_path / "site")
    out.__enter__()
    staged = out.staged()
    out.abort()
    with pytest.raises(OutputError, match="removed"):
        staged.write_text("content/late/index.md", "late")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("message,want", [("database or disk is full", "no space left"),
                                          ("disk I/O error", "working plan")])
def test_a_failing_plan_store_is_an_output_error(tmp_path, monkeypatch, message, want):
    """SQLite under the static writers' plan fails as the file writes do: a clear error, nothing left."""
    import sqlite3

    from migrate.writers.static import plan_store

    out = tmp_path / "box" / "site"
    migrate.convert([SEED], "hugo", out)
    before = fingerprint(out)

    def fail(self):
        raise sqlite3.OperationalError(message)

    monkeypatch.setattr(plan_store.PlanStore, "_writing", fail)
    with pytest.raises(OutputError) as info:
        migrate.convert([SEED], "hugo", out)
    monkeypatch.undo()
    assert want in str(info.value) and str(out) in str(info.value)
    assert ".tmp-" not in str(info.value)
    assert fingerprint(out) == before and temps(out) == []
