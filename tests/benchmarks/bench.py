"""Benchmark wpmigrate on generated exports: wall time, CPU time, peak memory.

One command runs it all (about 8 minutes on the 2-core machine, exports cached)::

    python -m tests.benchmarks.bench

Exports of 2,000, 5,000 and 20,000 posts are generated once with
``../shared/bench/gen_wxr.py`` and cached under ``--workdir``. Each command
runs as a child of a small launcher process (``launch.py``); its CPU time
(user + sys, of the whole process tree, worker processes included) and peak
resident memory come from the operating system (``os.wait4``'s rusage), its
wall time from a monotonic clock around it. The plain ``lxml.etree.iterparse``
walk in ``baseline.py`` and the floor of a site conversion in ``floor.py`` run
in the same session, and every figure is also given as a ratio to the walk.
``--repeat N`` keeps the best wall time of N runs.

Prints a Markdown table and the targets (see docs/benchmarks.md), writes
everything as JSON; ``--check`` exits 1 when a target is missed, and
``--profile`` writes pyinstrument reports of ``info``, ``convert --to json``
and ``convert --to hugo`` on the smallest export.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SHARED = Path(os.environ.get("WPMIGRATE_SHARED", ROOT.parent / "shared"))
GEN_WXR = SHARED / "bench" / "gen_wxr.py"
BASELINE = HERE / "baseline.py"
FLOOR = HERE / "floor.py"
LAUNCH = HERE / "launch.py"

DEFAULT_SIZES = (2000, 5000, 20000)

#: Name, what it needs installed (("writer", name) or ("command", name)), argv after ``wpmigrate``.
#: ``{in}`` is the export, ``{out}`` a fresh output path.
COMMANDS: list[tuple[str, tuple[str, str] | None, list[str]]] = [
    ("baseline", None, []),
    ("startup (--version)", None, ["--version"]),
    ("site floor", None, []),
    ("info --json", ("command", "info"), ["info", "--json", "{in}"]),
    ("convert --to json", ("writer", "json"), ["convert", "{in}", "--to", "json", "-o", "{out}.json", "-q"]),
    ("convert --to jsonl", ("writer", "jsonl"), ["convert", "{in}", "--to", "jsonl", "-o", "{out}.jsonl", "-q"]),
    ("convert --to hugo", ("writer", "hugo"), ["convert", "{in}", "--to", "hugo", "-o", "{out}", "-q"]),
    ("convert --to wxr", ("writer", "wxr"), ["convert", "{in}", "--to", "wxr", "-o", "{out}.xml", "-q"]),
    ("validate", ("command", "validate"), ["validate", "{in}"]),
]

#: Rows that are context, not judged: the iterparse floor, the interpreter plus
#: CLI start-up, and the floor of a site conversion (``floor.py``).
NO_TARGETS = ("baseline", "startup (--version)", "site floor")
#: The conversion whose least possible cost ``floor.py`` measures.
FLOOR_OF = "convert --to hugo"

#: Commands profiled by --profile, on the smallest export.
PROFILED = ("info --json", "convert --to json", "convert --to hugo")

#: Speed targets on the largest export: command -> (max ratio to the baseline's wall, strict).
SPEED_TARGETS: dict[str, tuple[float, bool]] = {
    "info --json": (1.5, False),
    "validate": (1.5, False),
    "convert --to json": (2.0, False),
    "convert --to hugo": (4.0, True),
}
MEMORY_GROWTH = 1.3  # peak on the largest export <= this x peak on the smallest
MEMORY_CAP_MB = 150.0  # peak on any export below this
SCALING = 1.25  # per-post cost on the largest export <= this x on the smallest

#: Exit statuses that still count as a measurement: validate exits 1 when it
#: finds errors in the export, which is its job, not a failure to run.
OK_STATUS = {"validate": (0, 1)}


# ---------------------------------------------------------------- running children

@dataclass
class Run:
    wall_s: float
    cpu_s: float
    user_s: float
    sys_s: float
    peak_mb: float
    status: int


def run_child(argv: list[str], *, cwd: Path, stderr_path: Path, env: dict | None = None) -> Run:
    """Run ``argv`` through ``launch.py``; its wall clock, CPU and peak RSS.

    On Linux a process's peak resident set (``ru_maxrss``) includes the image
    of the process it was forked from, up to its ``exec``: started from this
    harness, which grows as it deletes big outputs, every small command would
    report the harness's peak. The launcher is a fresh, small process that
    starts the command and measures it (see ``launch.py``).
    """
    done = subprocess.run([sys.executable, str(LAUNCH), str(stderr_path), *argv], cwd=cwd,
                          stdin=subprocess.DEVNULL, capture_output=True, env=env, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"launch.py failed: {done.stderr.decode(errors='replace').strip()}")
    got = json.loads(done.stdout)
    return Run(wall_s=got["wall_s"], cpu_s=got["user_s"] + got["sys_s"], user_s=got["user_s"],
               sys_s=got["sys_s"], peak_mb=got["peak_kb"] / 1024.0, status=got["status"])


def wpmigrate_argv(args: list[str]) -> list[str]:
    return [sys.executable, "-m", "migrate", *args]


def child_env() -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    env.pop("WPMIGRATE_DEBUG", None)
    return env


# ---------------------------------------------------------------- what is installed

_PROBE = """
import json
from migrate import registry
from migrate.cli import cli
writers = []
for name, plugin in registry.plugins(registry.WRITERS).items():
    try:
        plugin.load()
    except Exception:
        continue
    writers.append(name)
print(json.dumps({"writers": writers, "commands": sorted(cli.commands)}))
"""


def installed(env: dict) -> tuple[set[str], set[str]]:
    """The writers that load and the commands the CLI has, in this checkout (one child process)."""
    done = subprocess.run([sys.executable, "-c", _PROBE], cwd=ROOT, env=env, capture_output=True, text=True,
                          check=False)
    if done.returncode != 0:
        raise SystemExit(f"bench: wpmigrate does not import: {done.stderr.strip()[-500:]}")
    found = json.loads(done.stdout.strip().splitlines()[-1])
    return set(found["writers"]), set(found["commands"])


# ---------------------------------------------------------------- exports

def export_for(posts: int, workdir: Path) -> tuple[Path, dict]:
    """The generated export of ``posts`` posts, made once and cached with its counts."""
    exports = workdir / "exports"
    exports.mkdir(parents=True, exist_ok=True)
    xml = exports / f"wxr-{posts}.xml"
    counts_file = exports / f"wxr-{posts}.counts.json"
    if xml.is_file() and counts_file.is_file():
        return xml, json.loads(counts_file.read_text())
    if not GEN_WXR.is_file():
        raise SystemExit(f"bench: the generator is missing: {GEN_WXR} (set WPMIGRATE_SHARED)")
    print(f"generating {posts:,} posts -> {xml}", file=sys.stderr, flush=True)
    part = xml.with_suffix(".xml.part")
    done = subprocess.run([sys.executable, str(GEN_WXR), "--posts", str(posts), "--out", str(part)],
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"bench: the generator failed: {done.stderr.strip()[-500:]}")
    last = [ln for ln in done.stderr.strip().splitlines() if ln.startswith("{")][-1]
    counts = json.loads(last)
    part.replace(xml)
    counts_file.write_text(json.dumps(counts, sort_keys=True) + "\n")
    return xml, counts


# ---------------------------------------------------------------- machine

def machine_info() -> dict:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gb = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    try:
        from lxml import etree

        lxml_version = ".".join(map(str, etree.LXML_VERSION))
        libxml2 = ".".join(map(str, etree.LIBXML_VERSION))
    except ImportError:  # pragma: no cover
        lxml_version = libxml2 = ""
    try:
        affinity = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover
        affinity = os.cpu_count()
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                            text=True, check=False).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain", "--", "migrate"], cwd=ROOT, capture_output=True,
                           text=True, check=False).stdout.splitlines()
    return {
        "cpu_model": cpu or platform.processor() or "unknown",
        "cores": os.cpu_count(),
        "usable_cores": affinity,
        "memory_gb": mem_gb,
        "python": platform.python_version(),
        "python_implementation": platform.python_implementation(),
        "lxml": lxml_version,
        "libxml2": libxml2,
        "platform": platform.platform(),
        "git_commit": commit,
        "uncommitted_in_migrate": [ln[3:] for ln in dirty],
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }


def file_system_probe(workdir: Path, n: int = 400) -> dict:
    """What creating files costs where the outputs go: folder + file, and file alone, in µs.

    A static site is tens of thousands of files; on some machines (virtual
    disks, sandboxes) creating one costs far more than writing its bytes, and
    that shows in `convert --to hugo` whatever the converter does.
    """

    base = Path(tempfile.mkdtemp(prefix="fs-probe-", dir=workdir))
    data = b"x" * 4096
    try:
        def timed(make) -> float:
            t0 = time.perf_counter()
            for i in range(n):
                make(i)
            return (time.perf_counter() - t0) / n * 1e6

        def folder_and_file(i: int) -> None:
            (base / f"d{i}").mkdir()
            (base / f"d{i}" / "index.md").write_bytes(data)

        folder = timed(folder_and_file)
        file_only = timed(lambda i: (base / f"f{i}.md").write_bytes(data))
    finally:
        shutil.rmtree(base, ignore_errors=True)
    return {"folder_and_file_us": round(folder), "file_us": round(file_only)}


# ---------------------------------------------------------------- measuring

@dataclass
class Result:
    command: str
    posts: int
    items: int
    comments: int
    runs: list[dict] = field(default_factory=list)
    wall_s: float | None = None
    cpu_s: float | None = None
    peak_mb: float | None = None
    status: int | None = None
    skipped: str | None = None
    failed: str | None = None
    ratio_wall: float | None = None
    ratio_cpu: float | None = None
    ratio_peak: float | None = None
    us_per_post: float | None = None


def measure(name: str, argv_tmpl: list[str], xml: Path, counts: dict, posts: int, repeat: int,
            workdir: Path, env: dict) -> Result:
    res = Result(name, posts, counts.get("items", 0), counts.get("comments", 0))
    out_dir = workdir / "out"
    out_dir.mkdir(parents=True, exist_ok=True)
    slug = name.replace("--", "").replace(" ", "-").replace("--", "-").strip("-")
    out = out_dir / f"{slug}-{posts}"
    logs = workdir / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    for i in range(repeat):
        for stale in (out, *out.parent.glob(out.name + ".*")):
            if stale.is_dir():
                shutil.rmtree(stale)
            elif stale.exists():
                stale.unlink()
        if name == "baseline":
            argv = [sys.executable, str(BASELINE), str(xml)]
        elif name == "site floor":
            argv = [sys.executable, str(FLOOR), str(xml), str(out)]
        else:
            argv = wpmigrate_argv([a.replace("{in}", str(xml)).replace("{out}", str(out)) for a in argv_tmpl])
        err = logs / f"{slug}-{posts}.stderr"
        run = run_child(argv, cwd=ROOT, stderr_path=err, env=env)
        res.runs.append(asdict(run))
        if run.status not in OK_STATUS.get(name, (0,)):
            tail = err.read_text(errors="replace").strip().splitlines()[-3:]
            res.failed = f"exit {run.status}: " + " | ".join(tail)
            break
    good = [r for r in res.runs if r["status"] in OK_STATUS.get(name, (0,))]
    if good:
        best = min(good, key=lambda r: r["wall_s"])
        res.wall_s, res.cpu_s, res.peak_mb, res.status = best["wall_s"], best["cpu_s"], best["peak_mb"], best["status"]
        res.us_per_post = res.wall_s * 1e6 / posts
    for stale in (out, *out.parent.glob(out.name + ".*")):  # outputs are big; keep the disk clean
        if stale.is_dir():
            shutil.rmtree(stale, ignore_errors=True)
        elif stale.exists():
            stale.unlink()
    return res


def add_ratios(results: list[Result]) -> None:
    base = {r.posts: r for r in results if r.command == "baseline" and r.wall_s}
    for r in results:
        b = base.get(r.posts)
        if b is None or r.wall_s is None:
            continue
        r.ratio_wall = r.wall_s / b.wall_s
        r.ratio_cpu = r.cpu_s / b.cpu_s if b.cpu_s else None
        r.ratio_peak = r.peak_mb / b.peak_mb if b.peak_mb else None


# ---------------------------------------------------------------- reporting

def fmt(x: float | None, spec: str) -> str:
    return "—" if x is None else format(x, spec)


def table(results: list[Result]) -> str:
    lines = [
        "| command | posts | wall s | CPU s | peak MB | × baseline wall | × baseline CPU | × baseline peak | µs/post |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        if r.skipped or r.failed:
            why = f"skipped: {r.skipped}" if r.skipped else f"failed: {r.failed}"
            lines.append(f"| `{r.command}` | {r.posts:,} | {why} | | | | | | |")
            continue
        lines.append(
            f"| `{r.command}` | {r.posts:,} | {r.wall_s:.2f} | {r.cpu_s:.2f} | {r.peak_mb:.0f} | "
            f"{fmt(r.ratio_wall, '.2f')} | {fmt(r.ratio_cpu, '.2f')} | {fmt(r.ratio_peak, '.2f')} | "
            f"{r.us_per_post:,.0f} |"
        )
    return "\n".join(lines)


@dataclass
class Check:
    target: str
    command: str
    ok: bool | None  # None: could not be judged (skipped, failed, too few sizes)
    detail: str


def checks(results: list[Result], sizes: list[int]) -> list[Check]:
    out: list[Check] = []
    small, large = min(sizes), max(sizes)
    by = {(r.command, r.posts): r for r in results}
    names = [c[0] for c in COMMANDS if c[0] not in NO_TARGETS]
    for name in names:
        rs = [by.get((name, n)) for n in sizes]
        if any(r is None or r.wall_s is None for r in rs):
            why = next((r.skipped or r.failed for r in rs if r is not None and (r.skipped or r.failed)), "not run")
            out.append(Check("all", name, None, f"not measured ({why})"))
            continue
        lo, hi = by[(name, small)], by[(name, large)]
        # Flat memory.
        worst = max(r.peak_mb for r in rs)  # type: ignore[union-attr]
        if small != large:
            grow_ok = hi.peak_mb <= MEMORY_GROWTH * lo.peak_mb
            out.append(Check(
                "flat memory", name, grow_ok,
                f"peak {hi.peak_mb:.0f} MB at {large:,} vs {lo.peak_mb:.0f} MB at {small:,} "
                f"= {hi.peak_mb / lo.peak_mb:.2f}× (target ≤ {MEMORY_GROWTH}×)",
            ))
        out.append(Check("memory cap", name, worst < MEMORY_CAP_MB,
                         f"largest peak {worst:.0f} MB (target < {MEMORY_CAP_MB:.0f} MB)"))
        # Speed against the baseline, on the largest export.
        if name in SPEED_TARGETS and hi.ratio_wall is not None:
            limit, strict = SPEED_TARGETS[name]
            ok = hi.ratio_wall < limit if strict else hi.ratio_wall <= limit
            out.append(Check(
                "speed", name, ok,
                f"{hi.wall_s:.2f} s at {large:,} = {hi.ratio_wall:.2f}× baseline "
                f"(target {'<' if strict else '≤'} {limit}×; CPU {fmt(hi.ratio_cpu, '.2f')}× baseline CPU)",
            ))
        # Linear scaling.
        if small != large:
            per = ", ".join(f"{n:,}: {by[(name, n)].us_per_post:,.0f}" for n in sizes)
            ratio = hi.us_per_post / lo.us_per_post  # type: ignore[operator]
            out.append(Check(
                "linear scaling", name, ratio <= SCALING,
                f"µs/post {per}; {large:,}/{small:,} = {ratio:.2f} (target ≤ {SCALING})",
            ))
    return out


def floor_note(results: list[Result], sizes: list[int], cores: int) -> str | None:
    """What the site floor says of FLOOR_OF's speed target on the largest export."""
    large = max(sizes)
    by = {(r.command, r.posts): r for r in results}
    floor, base = by.get(("site floor", large)), by.get(("baseline", large))
    if floor is None or base is None or floor.cpu_s is None or not base.wall_s or FLOOR_OF not in SPEED_TARGETS:
        return None
    best = floor.cpu_s / cores
    limit = SPEED_TARGETS[FLOOR_OF][0]
    budget = limit * base.wall_s * cores
    return (f"`{FLOOR_OF}` cannot take less CPU than the site floor: {floor.cpu_s:.2f} s at {large:,} posts, "
            f"so at best {best:.2f} s of wall time on {cores} cores = {best / base.wall_s:.2f}× baseline "
            f"(target < {limit}×: {budget:.1f} s of CPU on {cores} cores, "
            f"{budget - floor.cpu_s:+.1f} s beyond the floor for everything else)")


def print_checks(cs: list[Check]) -> None:
    print("\n## Targets\n")
    for c in cs:
        mark = {True: "ok  ", False: "MISS", None: "n/a "}[c.ok]
        print(f"- {mark} {c.target:<15} `{c.command}`: {c.detail}")


# ---------------------------------------------------------------- profiling

def profile(xml: Path, posts: int, workdir: Path, env: dict, available: dict[str, bool],
            skipped: dict[str, str]) -> list[dict]:
    """pyinstrument on the profiled commands: a text tree and a top-functions summary each."""
    try:
        from pyinstrument.session import Session
    except ImportError:
        print("\nprofile: pyinstrument is not installed (pip install pyinstrument); no profile made")
        return []
    prof_dir = workdir / "profiles"
    prof_dir.mkdir(parents=True, exist_ok=True)
    summaries = []
    for name, need, argv_tmpl in COMMANDS:
        if name not in PROFILED:
            continue
        if not available.get(name, False):
            print(f"\nprofile: `{name}` not profiled: {skipped.get(name, 'not available')}")
            continue
        slug = name.replace("--", "").replace(" ", "-").strip("-").replace("--", "-")
        out = workdir / "out" / f"profile-{slug}-{posts}"
        for stale in (out, *out.parent.glob(out.name + ".*")):
            if stale.is_dir():
                shutil.rmtree(stale)
            elif stale.exists():
                stale.unlink()
        args = [a.replace("{in}", str(xml)).replace("{out}", str(out)) for a in argv_tmpl]
        session_file = prof_dir / f"{slug}-{posts}.pyisession"
        cmd = [sys.executable, "-m", "pyinstrument", "-r", "pyisession", "-o", str(session_file),
               "-m", "migrate", *args]
        print(f"profiling: {' '.join(cmd[1:])}", file=sys.stderr, flush=True)
        done = subprocess.run(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                              check=False)
        if not session_file.is_file():
            print(f"profile: `{name}` failed: {done.stderr.strip()[-300:]}")
            continue
        text_file = prof_dir / f"{slug}-{posts}.txt"
        subprocess.run([sys.executable, "-m", "pyinstrument", "--load", str(session_file), "-r", "text",
                        "--no-color", "--unicode", "-o", str(text_file)], cwd=ROOT, env=env, check=False)
        session = Session.load(str(session_file))
        top = top_functions(session)
        summaries.append({"command": name, "posts": posts, "duration_s": session.duration,
                          "report": str(text_file.relative_to(workdir)) if text_file.is_relative_to(workdir) else str(text_file),
                          "command_line": "python -m pyinstrument -m migrate " + " ".join(args),
                          **top})
        print(f"\n### Profile: `{name}` on {posts:,} posts ({session.duration:.2f} s sampled)\n")
        print("Self time (where the samples were taken), by function:\n")
        for row in top["self"][:12]:
            print(f"- {row['percent']:5.1f} %  {row['function']}  ({row['where']})")
        print("\nTime by wpmigrate file (library and built-in time charged to the innermost wpmigrate caller):\n")
        for row in top["self_by_file"][:8]:
            print(f"- {row['percent']:5.1f} %  {row['function']}")
        print("\nInclusive time of wpmigrate's own functions:\n")
        for row in top["inclusive"][:12]:
            print(f"- {row['percent']:5.1f} %  {row['function']}  ({row['where']})")
    return summaries


def _where(frame) -> str:
    path = frame.file_path or ""
    marker = f"{os.sep}migrate{os.sep}"
    if marker in path:
        path = "migrate/" + path.split(marker, 1)[1]
    elif "site-packages" in path:
        path = path.split("site-packages" + os.sep, 1)[1]
    elif path.startswith(sys.base_prefix):
        path = "stdlib:" + os.path.basename(path)
    return f"{path}:{frame.line_no}" if frame.line_no else path


def top_functions(session) -> dict:
    """Where the time goes, three ways, each as seconds and percent of the run.

    ``self``: self time per function summed over the whole call tree (a
    built-in is named with its caller); ``self_by_file``: all time charged to
    the innermost wpmigrate file on the stack; ``inclusive``: total time of
    wpmigrate's own functions (counted once per stack, so recursion is fair).
    """
    root = session.root_frame(trim_stem=False)
    total = session.duration or (root.time if root else 0.0) or 1.0
    from pyinstrument.frame import SYNTHETIC_FRAME_IDENTIFIERS

    self_t: dict[tuple[str, str], float] = {}
    incl: dict[tuple[str, str], float] = {}
    by_file: dict[tuple[str, str], float] = {}

    def visit(frame, stack: frozenset, caller: str, owner: str) -> None:
        if frame.identifier in SYNTHETIC_FRAME_IDENTIFIERS:
            return  # "[self]" and friends: already in their parent's total_self_time
        where = _where(frame)
        builtin = where.startswith("<built-in>")
        if builtin:  # C functions: say who called them, charge their time to the caller's file
            where = f"built-in, called from {caller}"
        key = (frame.function or "?", where)
        self_t[key] = self_t.get(key, 0.0) + frame.total_self_time
        if where.startswith("migrate/"):
            owner = where.rpartition(":")[0] or where
        by_file[(owner, "")] = by_file.get((owner, ""), 0.0) + frame.total_self_time
        if key not in stack and where.startswith("migrate/") and not where.startswith("migrate/__main__"):
            incl[key] = incl.get(key, 0.0) + frame.time
        for child in frame.children:
            visit(child, stack | {key}, caller if builtin else where, owner)

    if root is not None:
        visit(root, frozenset(), "?", "(outside wpmigrate: interpreter start-up)")

    def rows(d: dict) -> list[dict]:
        return [{"function": f, "where": w, "seconds": round(t, 3), "percent": round(100 * t / total, 1)}
                for (f, w), t in sorted(d.items(), key=lambda kv: -kv[1])[:25]]

    return {"self": rows(self_t), "inclusive": rows(incl), "self_by_file": rows(by_file)}


# ---------------------------------------------------------------- main

def parse_sizes(text: str) -> list[int]:
    try:
        sizes = sorted({int(x.replace("_", "")) for x in text.split(",") if x.strip()})
    except ValueError:
        raise argparse.ArgumentTypeError(f"--posts takes numbers separated by commas, got {text!r}") from None
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError("--posts needs at least one positive number")
    return sizes


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tests.benchmarks.bench",
                                 description=__doc__.split("\n")[0])
    ap.add_argument("--posts", type=parse_sizes, default=list(DEFAULT_SIZES),
                    help="export sizes in posts, comma separated (default 2000,5000,20000)")
    ap.add_argument("--repeat", type=int, default=1, help="runs of each measurement; the best wall time is kept")
    ap.add_argument("--workdir", type=Path, default=ROOT / "bench-results",
                    help="where exports are cached and outputs written (default bench-results/)")
    ap.add_argument("--json", dest="json_path", type=Path, default=None,
                    help="write the results here (default WORKDIR/results.json)")
    ap.add_argument("--only", default="", help="measure only these commands (comma separated, e.g. 'info,hugo'); "
                                                 "the baseline always runs")
    ap.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    ap.add_argument("--profile", action="store_true",
                    help="also profile info, convert --to json and --to hugo on the smallest export (pyinstrument)")
    a = ap.parse_args(argv)
    if a.repeat < 1:
        ap.error("--repeat must be at least 1")
    workdir: Path = a.workdir.resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    json_path: Path = a.json_path or workdir / "results.json"
    sizes: list[int] = a.posts
    env = child_env()

    machine = machine_info()
    writers, commands = installed(env)
    only = [x.strip() for x in a.only.split(",") if x.strip()]
    available: dict[str, bool] = {}
    skipped: dict[str, str] = {}
    for name, need, _ in COMMANDS:
        if only and name not in NO_TARGETS and not any(o in name for o in only):
            skipped[name] = "not selected (--only)"
            continue
        if need is None:
            available[name] = True
        elif need[0] == "writer":
            available[name] = need[1] in writers
        else:
            available[name] = need[1] in commands
        if not available[name]:
            skipped[name] = f"the {need[1]} {need[0]} is not installed yet"  # type: ignore[index]
            print(f"note: skipping `wpmigrate {name}`: {skipped[name]}", flush=True)

    machine["file_system"] = file_system_probe(workdir)
    print(f"machine: {machine['cpu_model']}, {machine['cores']} cores, Python {machine['python']}, "
          f"lxml {machine['lxml']} (libxml2 {machine['libxml2']}), commit {machine['git_commit']}, "
          f"load {machine['load_average_at_start']}", flush=True)
    fs = machine["file_system"]
    print(f"file system under {workdir}: a folder with a 4 KB file {fs['folder_and_file_us']} µs, "
          f"a file {fs['file_us']} µs", flush=True)

    results: list[Result] = []
    exports: dict[int, dict] = {}
    for posts in sizes:
        xml, counts = export_for(posts, workdir)
        exports[posts] = {"file": str(xml), "bytes": xml.stat().st_size, "counts": counts}
        for name, _, argv_tmpl in COMMANDS:
            if name in skipped:
                if not skipped[name].startswith("not selected"):
                    results.append(Result(name, posts, counts.get("items", 0), counts.get("comments", 0),
                                          skipped=skipped[name]))
                continue
            print(f"  {posts:>6,} posts  {name} …", end="", file=sys.stderr, flush=True)
            r = measure(name, argv_tmpl, xml, counts, posts, a.repeat, workdir, env)
            print(f" {r.wall_s:.2f} s" if r.wall_s is not None else f" {r.failed}", file=sys.stderr, flush=True)
            results.append(r)
    add_ratios(results)

    print(f"\n## Results ({a.repeat} run{'s' if a.repeat > 1 else ''} each, best wall time)\n")
    print(f"Machine: {machine['cpu_model']}, {machine['cores']} cores, {machine['memory_gb']} GB, "
          f"Python {machine['python']}, lxml {machine['lxml']}, commit {machine['git_commit']}; "
          f"creating a folder with a file takes {fs['folder_and_file_us']} µs, a file {fs['file_us']} µs.\n")
    for posts in sizes:
        e = exports[posts]
        print(f"- {posts:,} posts: {e['bytes'] / 1e6:.0f} MB, {e['counts'].get('items', 0):,} items, "
              f"{e['counts'].get('comments', 0):,} comments")
    print()
    print(table(results))
    cs = checks(results, sizes)
    print_checks(cs)
    note = floor_note(results, sizes, machine["cores"] or 1)
    if note:
        print(f"\n{note}")
    if len(sizes) > 1:
        print("\nPer-post cost (µs/post, wall) by size:\n")
        by = {(r.command, r.posts): r for r in results}
        print("| command | " + " | ".join(f"{n:,}" for n in sizes) + " |")
        print("|---|" + "---:|" * len(sizes))
        for name, _, _ in COMMANDS:
            cells = [by.get((name, n)) for n in sizes]
            if all(c is None for c in cells):
                continue
            print(f"| `{name}` | " + " | ".join(
                fmt(c.us_per_post if c else None, ",.0f") for c in cells) + " |")

    profiles: list[dict] = []
    if a.profile:
        xml, _ = export_for(min(sizes), workdir)
        profiles = profile(xml, min(sizes), workdir, env, available, skipped)

    machine["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    payload = {
        "created": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        "machine": machine,
        "settings": {"posts": sizes, "repeat": a.repeat, "generator": str(GEN_WXR)},
        "exports": exports,
        "targets": {
            "memory_growth_max": MEMORY_GROWTH, "memory_cap_mb": MEMORY_CAP_MB, "scaling_max": SCALING,
            "speed_max_ratio": {k: {"ratio": v[0], "strict": v[1]} for k, v in SPEED_TARGETS.items()},
        },
        "results": [asdict(r) for r in results],
        "checks": [asdict(c) for c in cs],
        "floor": note,
        "profiles": profiles,
        "markdown_table": table(results),
    }
    json_path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", dir=json_path.parent, delete=False, suffix=".tmp",
                                     encoding="utf-8") as tmp:
        json.dump(payload, tmp, indent=2, ensure_ascii=False)
        tmp.write("\n")
    os.replace(tmp.name, json_path)
    print(f"\nwrote {json_path}")

    failed = [r for r in results if r.failed]
    missed = [c for c in cs if c.ok is False]
    if failed:
        print(f"{len(failed)} measurement(s) failed: " + "; ".join(f"{r.command} at {r.posts:,}" for r in failed))
    if a.check and (missed or failed):
        print(f"--check: {len(missed)} target(s) missed, {len(failed)} failure(s)")
        return 1
    return 0


if __name__ == "__main__":
    if __package__ in (None, ""):
        sys.path.insert(0, str(ROOT))
    sys.exit(main())
