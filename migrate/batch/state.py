"""What a batch has done: the state file, the run log, the lock, stale temp files.

The state file (``OUTPUT_ROOT/.wpmigrate-batch.json``) records each
finished job with a fingerprint of everything its output depends on: the
full SHA-256 of every input file, the writer and its flags, options,
filters, ``recover``, the output path and the wpmigrate version. A re-run
skips a job whose fingerprint is unchanged and whose output is still there.

Why a full content hash: size and mtime miss an edit that keeps the size
within the filesystem's timestamp granularity, and a copy that preserves
mtimes (``cp -p``, ``rsync -t``) of a different version; hashing only the
first and last megabyte misses an edit in the middle (one comment fixed in
a 100 MB export), and a stale skip silently loses that edit, which is the
one thing this tool must not do. SHA-256 reads at around a gigabyte per
second, far faster than parsing the same bytes, and is paid once per file:
the digest is cached under the file's (size, mtime_ns, ctime_ns, inode) and
read again only when one of them changed. ``ctime`` cannot be set by a
user, so a content change always shows there.

The file is rewritten atomically (temporary file + ``os.replace``) after
every job, so a batch killed at any moment leaves a valid state: jobs that
finished are recorded, the one that was running is not, and is redone.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import re
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Iterable

from migrate.batch.jobs import STATUS_DONE, JobResult, JobSpec
from migrate.batch.manifest import LOCK_NAME, LOG_NAME, STATE_NAME, is_url
from migrate.errors import UsageError

STATE_VERSION = 1
_HASH_BLOCK = 1 << 20


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


def atomic_write_json(path: Path, data: Any) -> None:
    """Write JSON so that readers see the old file or the new one, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.tmp-", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            json.dump(data, fh, indent=1, ensure_ascii=False, sort_keys=False)
            fh.write("\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def sha256_file(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(_HASH_BLOCK):
            h.update(block)
    return h.hexdigest()


def _stat_key(st: os.stat_result) -> list[int]:
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]


class BatchState:
    """The state file of one output root."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.path = root / STATE_NAME
        self.jobs: dict[str, dict] = {}
        self.files: dict[str, dict] = {}
        self.warning: str | None = None
        self._load()

    def _load(self) -> None:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if data.get("version") != STATE_VERSION:
                raise ValueError(f"unknown state version {data.get('version')!r}")
            self.jobs = dict(data.get("jobs") or {})
            self.files = dict(data.get("files") or {})
        except FileNotFoundError:
            return
        except (OSError, ValueError, AttributeError) as exc:
            aside = self.path.with_name(self.path.name + ".unreadable")
            try:
                os.replace(self.path, aside)
            except OSError:
                pass
            self.warning = f"the state file {self.path} could not be read ({exc}); it was moved to {aside.name} and every job is redone"

    def save(self) -> None:
        atomic_write_json(self.path, {"version": STATE_VERSION, "updated": _now(),
                                      "jobs": self.jobs, "files": self.files})

    # -- fingerprints ----------------------------------------------------------
    def file_digest(self, path: str) -> str:
        """Content digest of an input, from the cache when its stat is unchanged."""
        if is_url(path):
            return self._url_digest(path)
        st = os.stat(path)
        key = _stat_key(st)
        cached = self.files.get(path)
        if cached and cached.get("stat") == key:
            return cached["sha256"]
        digest = sha256_file(path)
        self.files[path] = {"stat": key, "sha256": digest}
        return digest

    @staticmethod
    def _url_digest(url: str) -> str:
        import fsspec

        fs, p = fsspec.core.url_to_fs(url)
        info = fs.info(p)
        token = fs.checksum(p) if hasattr(fs, "checksum") else json.dumps(info, sort_keys=True, default=str)
        return f"fsspec:{token}"

    def fingerprints(self, specs: Iterable[JobSpec], workers: int = 4) -> dict[str, str | None]:
        """Fingerprint of each job (None when its inputs cannot be read: it will fail anyway)."""
        specs = list(specs)
        paths = sorted({f for s in specs for f in s.files})
        digests: dict[str, str | None] = {}

        def one(p: str) -> tuple[str, str | None]:
            try:
                return p, self.file_digest(p)
            except Exception:
                return p, None

        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:  # hashlib releases the GIL
            digests.update(pool.map(one, paths))
        out: dict[str, str | None] = {}
        for s in specs:
            if s.input_errors or any(digests.get(f) is None for f in s.files):
                out[s.name] = None
                continue
            out[s.name] = fingerprint(s, [digests[f] for f in s.files])  # type: ignore[misc]
        return out

    # -- jobs ---------------------------------------------------------------
    def is_done(self, spec: JobSpec, fp: str | None) -> bool:
        rec = self.jobs.get(spec.name)
        if fp is None or not rec or rec.get("status") != STATUS_DONE or rec.get("fingerprint") != fp:
            return False
        return is_url(spec.output) or output_present(spec)

    def record(self, result: JobResult, fp: str | None) -> None:
        prev = self.jobs.get(result.name) or {}
        self.jobs[result.name] = {
            "status": result.status,
            "fingerprint": fp,
            "output": result.output,
            "finished": _now(),
            "seconds": result.seconds,
            "runs": int(prev.get("runs", 0)) + 1,
            "result": result.to_dict(),
        }
        self.save()

    def previous(self, name: str) -> JobResult | None:
        rec = self.jobs.get(name)
        if rec and rec.get("result"):
            return JobResult.from_dict(rec["result"])
        return None


def fingerprint(spec: JobSpec, digests: list[str]) -> str:
    from migrate import __version__

    data = {
        "wpmigrate": __version__,
        "inputs": [[f, d] for f, d in zip(spec.files, digests)],
        "to": spec.to, "options": spec.options, "filters": spec.filters,
        "recover": spec.recover, "output": spec.output,
    }
    blob = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str).encode("utf-8")
    return hashlib.sha256(blob).hexdigest()


def output_present(spec: JobSpec) -> bool:
    p = Path(spec.output)
    if spec.output_kind == "file":
        return p.is_file()
    return p.is_dir()


# ------------------------------------------------------------------ run log

class RunLog:
    """An append-only JSON-lines log of job events, across runs (audit trail)."""

    def __init__(self, root: Path) -> None:
        self.path = root / LOG_NAME
        root.mkdir(parents=True, exist_ok=True)
        self._fh = open(self.path, "a", encoding="utf-8", newline="\n")

    def event(self, event: str, job: str | None = None, **data: Any) -> None:
        rec = {"time": _now(), "event": event, **({"job": job} if job else {}), **data}
        self._fh.write(json.dumps(rec, ensure_ascii=False, default=str) + "\n")
        self._fh.flush()

    def close(self) -> None:
        self._fh.close()


def read_log(root: Path) -> list[dict]:
    try:
        lines = (root / LOG_NAME).read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []
    out = []
    for line in lines:
        try:
            out.append(json.loads(line))
        except ValueError:
            continue  # a line cut by a kill
    return out


# --------------------------------------------------------------------- lock

class BatchLock:
    """An exclusive lock on an output root: two batches must not share one."""

    def __init__(self, root: Path) -> None:
        self.path = root / LOCK_NAME
        self._fh = None

    def __enter__(self) -> "BatchLock":
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._fh = open(self.path, "a+")
        try:
            import fcntl
        except ImportError:  # Windows: no advisory lock; best effort
            return self
        try:
            fcntl.flock(self._fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            self._fh.close()
            raise UsageError(
                "another wpmigrate batch is running on this output folder; wait for it or use another -o",
                file=str(self.path.parent)) from None
        self._fh.seek(0)
        self._fh.truncate()
        self._fh.write(f"{os.getpid()}\n")
        self._fh.flush()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._fh is not None:
            self._fh.close()  # closing releases the lock


# ------------------------------------------------------------- stale temps

_RANDOM = r"[a-z0-9_]{8}"


def stale_temps(output: str) -> list[Path]:
    """Temporary siblings an interrupted atomic write of ``output`` left behind.

    Only names exactly of the form the atomic writers use for this very
    output (``.NAME.tmp-XXXXXXXX``, ``.NAME.old-XXXXXXXX``) are matched; a
    folder only when it carries wpmigrate's marker file or is empty.
    Nothing else is ever touched.
    """
    from migrate.output import MARKER

    target = Path(output)
    parent = target.parent
    if not parent.is_dir():
        return []
    rx = re.compile(rf"^\.{re.escape(target.name)}\.(tmp|old)-{_RANDOM}$")
    out = []
    try:
        entries = list(os.scandir(parent))
    except OSError:
        return []
    for e in entries:
        if not rx.match(e.name):
            continue
        p = Path(e.path)
        if e.is_symlink():
            continue
        if e.is_dir():
            try:
                if (p / MARKER).is_file() or not any(p.iterdir()):
                    out.append(p)
            except OSError:
                continue
        elif e.is_file():
            out.append(p)
    return out


def clean_stale_temps(outputs: Iterable[str]) -> list[Path]:
    """Remove what :func:`stale_temps` finds; call only while holding the batch lock."""
    removed = []
    for output in outputs:
        if is_url(output):
            continue
        for p in stale_temps(output):
            try:
                if p.is_dir():
                    shutil.rmtree(p)
                else:
                    p.unlink()
                removed.append(p)
            except OSError:
                pass
    return removed
