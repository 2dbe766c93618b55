"""Batch manifests: a YAML list of jobs, or one job per export found in a folder.

A manifest is checked against ``schemas/manifest.schema.json``; every
problem is reported with the manifest line it is on (YAML marks), as a
:class:`~migrate.errors.ConfigError`. Relative paths are relative to the
manifest's folder. See docs/batch.md for the format.
"""

from __future__ import annotations

import glob
import json
import os
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

import yaml

from migrate.batch.jobs import JobSpec
from migrate.errors import ConfigError, UsageError
from migrate.output import safe_component

STATE_NAME = ".wpmigrate-batch.json"
LOG_NAME = ".wpmigrate-batch.log"
LOCK_NAME = ".wpmigrate-batch.lock"
REPORT_NAME = "batch-report.json"

_GLOB_CHARS = re.compile(r"[*?\[]")
_SPLIT_SUFFIX = re.compile(r"^(?P<stem>.+?)\.(?P<n>\d{3,})$")
#: file extensions of file writers whose extension is not their name.
_SUFFIXES = {"wxr": ".xml", "atom": ".xml", "disqus": ".xml", "jsonfeed": ".json"}
#: option keys holding paths (made relative to the manifest's folder).
_PATH_OPTIONS = ("media_dir",)


@dataclass
class Batch:
    """Resolved jobs and where the batch keeps its state."""

    root: Path
    jobs: list[JobSpec]
    source: str = ""
    warnings: list[str] = field(default_factory=list)

    @property
    def state_path(self) -> Path:
        return self.root / STATE_NAME

    @property
    def log_path(self) -> Path:
        return self.root / LOG_NAME

    @property
    def report_path(self) -> Path:
        return self.root / REPORT_NAME


# ----------------------------------------------------------------- YAML

class _Loader(yaml.SafeLoader):
    """SafeLoader without implicit dates: ``since: 2020-01-01`` stays a string."""


_Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _line(node: yaml.Node | None) -> tuple[int | None, int | None]:
    if node is None:
        return None, None
    return node.start_mark.line + 1, node.start_mark.column + 1


def _child(node: yaml.Node | None, key: Any, *, key_node: bool = False) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if isinstance(k, yaml.ScalarNode) and k.value == str(key):
                return k if key_node else v
    elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and 0 <= key < len(node.value):
        return node.value[key]
    return None


def _node_at(root: yaml.Node, path: Iterable[Any]) -> yaml.Node:
    node = root
    for key in path:
        nxt = _child(node, key)
        if nxt is None:
            break
        node = nxt
    return node


def _where(path: Iterable[Any]) -> str:
    out = ""
    for key in path:
        out += f"[{key}]" if isinstance(key, int) else (f".{key}" if out else str(key))
    return out or "the manifest"


def _check_duplicate_keys(node: yaml.Node, file: str) -> None:
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, yaml.MappingNode):
            seen: dict[str, yaml.Node] = {}
            for k, v in n.value:
                if isinstance(k, yaml.ScalarNode):
                    if k.value in seen:
                        line, col = _line(k)
                        raise ConfigError(
                            f"key {k.value!r} appears twice in one mapping "
                            f"(first on line {_line(seen[k.value])[0]})", file=file, line=line, column=col)
                    seen[k.value] = k
                stack.append(v)
        elif isinstance(n, yaml.SequenceNode):
            stack.extend(n.value)


def parse_yaml(text: str, file: str) -> tuple[Any, yaml.Node | None]:
    """The data and the node tree (for line numbers) of a YAML document."""
    try:
        node = yaml.compose(text, Loader=_Loader)
        data = yaml.load(text, Loader=_Loader) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise ConfigError(
            f"not valid YAML: {exc.problem or exc.context}",
            file=file, line=mark.line + 1 if mark else None, column=mark.column + 1 if mark else None,
        ) from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"not valid YAML: {exc}", file=file) from exc
    if node is not None:
        _check_duplicate_keys(node, file)
    return data, node


# --------------------------------------------------------------- schema

@lru_cache(maxsize=1)
def schema() -> dict:
    """The manifest schema, ``schemas/manifest.schema.json`` (installed as migrate.schemas)."""
    try:
        from migrate import schemas

        return schemas.load("manifest.schema.json")
    except (ImportError, FileNotFoundError):  # a checkout whose editable install predates migrate.schemas
        path = Path(__file__).resolve().parents[2] / "schemas" / "manifest.schema.json"
        return json.loads(path.read_text(encoding="utf-8"))


def _error_node(err, root: yaml.Node) -> yaml.Node:
    node = _node_at(root, err.absolute_path)
    if err.validator == "additionalProperties" and isinstance(err.instance, dict):
        allowed = set(err.schema.get("properties", {}))
        extras = [k for k in err.instance if k not in allowed]
        if extras:
            return _child(node, extras[0], key_node=True) or node
    return node


def _describe(err) -> str:
    where = _where(err.absolute_path)
    if err.validator == "additionalProperties" and isinstance(err.instance, dict):
        allowed = sorted(err.schema.get("properties", {}))
        extras = [k for k in err.instance if k not in set(allowed)]
        hint = f" (allowed: {', '.join(allowed)})" if allowed else ""
        return f"{where}: unknown key {extras[0]!r}{hint}" if extras else f"{where}: {err.message}"
    if err.validator == "pattern" and err.absolute_path and err.absolute_path[-1] == "name":
        return f"{where}: {err.instance!r} is not a usable job name (one path component, not starting with '.')"
    if err.validator == "required":
        return f"{where}: {err.message}"
    return f"{where}: {err.message}"


def validate(data: Any, root: yaml.Node | None, file: str) -> None:
    """Raise ConfigError for the first schema violation (by line), listing the others."""
    import jsonschema

    validator = jsonschema.Draft202012Validator(schema())
    errors = list(validator.iter_errors(data))
    if not errors:
        return
    if root is None:
        raise ConfigError("the manifest is empty; it needs a 'jobs' list", file=file)

    def leaf(err):
        # oneOf/anyOf: the most specific sub-error says more than "not valid under any".
        if err.context:
            return jsonschema.exceptions.best_match(err.context)
        return err

    located = []
    for err in errors:
        err = leaf(err)
        line, col = _line(_error_node(err, root))
        located.append((line or 0, col or 0, _describe(err)))
    located.sort()
    line, col, msg = located[0]
    more = "".join(f"\n  line {ln}: {m}" for ln, _, m in located[1:10])
    if len(located) > 10:
        more += f"\n  … and {len(located) - 10} more"
    raise ConfigError(msg + more, file=file, line=line or None, column=col or None)


# ---------------------------------------------------------------- inputs

def _natural_key(name: str) -> tuple:
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"(\d+)", name))


def _is_export_file(path: Path) -> bool:
    from migrate.readers.sources import _member_is_export

    return _member_is_export(path.name) or path.name.lower().endswith(".zip")


def _expand_folder(folder: Path) -> list[Path]:
    return sorted((p for p in folder.rglob("*") if p.is_file() and _is_export_file(p)),
                  key=lambda p: _natural_key(str(p)))


def is_url(path: str) -> bool:
    return bool(re.match(r"^[A-Za-z][A-Za-z0-9+.-]+://", path))


def resolve_inputs(entries: list[str], base: Path) -> tuple[list[str], list[str]]:
    """Files (absolute, in order, no repeats) for manifest input entries; and problems."""
    files: list[str] = []
    problems: list[str] = []
    for entry in entries:
        if is_url(entry):
            files.append(entry)
            continue
        path = Path(os.path.expanduser(entry))
        if not path.is_absolute():
            path = base / path
        if _GLOB_CHARS.search(entry):
            found = [Path(p) for p in glob.glob(str(path), recursive=True)]
            matched: list[Path] = []
            for p in sorted(found, key=lambda p: _natural_key(str(p))):
                matched.extend(_expand_folder(p) if p.is_dir() else [p] if p.is_file() else [])
            if not matched:
                problems.append(f"{entry!r} matches no file")
            files.extend(str(p) for p in matched)
        elif path.is_dir():
            found = _expand_folder(path)
            if not found:
                problems.append(f"the folder {entry!r} holds no export (.xml, .xml.gz or .zip)")
            files.extend(str(p) for p in found)
        elif path.exists():
            files.append(str(path))
        else:
            problems.append(f"no such input {entry!r} (looked for {path})")
    seen: set[str] = set()
    unique = [f for f in files if not (f in seen or seen.add(f))]  # type: ignore[func-returns-value]
    return [os.path.abspath(f) if not is_url(f) else f for f in unique], problems


# ---------------------------------------------------------------- writers

def writer_kind(to: str) -> tuple[str, str]:
    """(output kind, file suffix) of the writer named in ``to``; UsageError if unknown."""
    from migrate import registry

    name, _flags = registry.parse_format(to)
    fn = registry.writer(name)
    kind = getattr(fn, "output_kind", "folder")
    suffix = getattr(fn, "output_suffix", None) or _SUFFIXES.get(name, f".{name}")
    return kind, suffix


# -------------------------------------------------------------- the manifest

def _merge(defaults: dict, job: dict, key: str) -> dict:
    return {**(defaults.get(key) or {}), **(job.get(key) or {})}


def _resolve_path_options(options: dict, base: Path) -> dict:
    out = dict(options)
    for key in _PATH_OPTIONS:
        v = out.get(key)
        if isinstance(v, str) and v and not is_url(v) and not os.path.isabs(v):
            out[key] = str((base / os.path.expanduser(v)).resolve())
    return out


def _abs(path: str, base: Path) -> str:
    if is_url(path):
        return path
    p = Path(os.path.expanduser(path))
    return os.path.abspath(p if p.is_absolute() else base / p)


def load_manifest(path: str | os.PathLike, *, output_root: str | None = None,
                  default_to: str | None = None) -> Batch:
    """Read, validate and resolve a manifest file."""
    mpath = Path(path)
    file = str(mpath)
    try:
        text = mpath.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError("no such manifest", file=file) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read the manifest: {exc}", file=file) from exc
    data, node = parse_yaml(text, file)
    validate(data, node, file)
    assert node is not None
    base = mpath.resolve().parent
    root = Path(_abs(output_root, Path.cwd())) if output_root else Path(_abs(data.get("output_root", "."), base))
    defaults = data.get("defaults") or {}
    specs: list[JobSpec] = []
    kinds: dict[str, tuple[str, str]] = {}
    for i, job in enumerate(data["jobs"]):
        jnode = _node_at(node, ["jobs", i])
        line, col = _line(jnode)
        origin = f"{file}:{line}"
        to = job.get("to") or defaults.get("to") or default_to
        if not to:
            raise ConfigError(f"jobs[{i}] ({job['name']}): no writer: give 'to' in the job or in 'defaults'",
                              file=file, line=line, column=col)
        if to not in kinds:
            try:
                kinds[to] = writer_kind(to)
            except UsageError as exc:
                tnode = _child(jnode, "to") or _node_at(node, ["defaults", "to"]) or jnode
                tl, tc = _line(tnode)
                raise ConfigError(f"jobs[{i}] ({job['name']}): {exc.message}", file=file, line=tl, column=tc) from exc
        kind, suffix = kinds[to]
        entries = job["inputs"] if isinstance(job["inputs"], list) else [job["inputs"]]
        files, problems = resolve_inputs(entries, base)
        if "output" in job:
            output = _abs(job["output"], base)  # the user's choice, like convert's -o
        else:
            # the name as a file name: Windows device names, trailing dots, ':' … neutralised
            output = str(root / (safe_component(job["name"], fallback="job") + (suffix if kind == "file" else "")))
        options = _resolve_path_options(_merge(defaults, job, "options"), base)
        recover = job.get("recover", defaults.get("recover", False))
        specs.append(JobSpec(
            name=job["name"], files=tuple(files), to=to, output=output, options=options,
            filters=_merge(defaults, job, "filters"), recover=bool(recover), inputs=tuple(entries),
            input_errors=tuple(f"{origin}: {p}" for p in problems), origin=origin, output_kind=kind,
        ))
    batch = Batch(root=root, jobs=specs, source=file)
    check_batch(batch, lines={s.name: s.origin for s in specs}, file=file)
    manifest_key = _key(str(mpath))
    for spec in specs:
        if not is_url(spec.output) and manifest_key[: len(_key(spec.output))] == _key(spec.output):
            raise ConfigError(f"job {spec.name!r}: its output {spec.output} would replace the manifest itself",
                              file=file, line=_line_of(spec.origin))
    return batch


# ------------------------------------------------------------ a folder of exports

def _stem(path: Path) -> tuple[str, str]:
    """(site stem, kind) for an export file: ``blog.001.xml`` → ``("blog", "xml")``."""
    name = path.name
    low = name.lower()
    for ext, kind in ((".xml.gz", "xml"), (".xml", "xml"), (".zip", "zip")):
        if low.endswith(ext):
            name = name[: -len(ext)]
            break
    else:
        kind = "other"
    m = _SPLIT_SUFFIX.match(name)
    return (m.group("stem") if m else name), kind


def discover(folder: str | os.PathLike, to: str, output_root: str | os.PathLike, *,
             options: dict | None = None, filters: dict | None = None, recover: bool = False) -> Batch:
    """One job per export found in ``folder``; WP-CLI split files (``x.000.xml``,
    ``x.001.xml`` …) of one site become one job named by their common stem."""
    from migrate.output import safe_component

    src = Path(folder).resolve()
    root = Path(os.path.abspath(output_root))
    try:
        kind, suffix = writer_kind(to)
    except UsageError:
        raise
    files = [p for p in _expand_folder(src) if root != p and root not in p.parents]
    if not files:
        raise UsageError("the folder holds no export (.xml, .xml.gz or .zip)", file=str(src))
    groups: dict[tuple[str, str, str], list[Path]] = {}
    for p in files:
        stem, k = _stem(p)
        rel_parent = p.parent.relative_to(src)
        groups.setdefault((str(rel_parent), stem, k), []).append(p)
    named: dict[str, list[tuple[tuple[str, str, str], list[Path]]]] = {}
    for key, paths in groups.items():
        rel_parent, stem, _k = key
        parts = [x for x in Path(rel_parent).parts if x not in (".", "")] + [stem]
        name = safe_component("-".join(parts), fallback="export")
        named.setdefault(name, []).append((key, paths))
    specs: list[JobSpec] = []
    for name, entries in sorted(named.items(), key=lambda kv: _natural_key(kv[0])):
        for key, paths in entries:
            job_name = name if len(entries) == 1 else safe_component(f"{name}-{key[2]}")
            output = str(root / (job_name + (suffix if kind == "file" else "")))
            ordered = sorted(paths, key=lambda p: _natural_key(str(p)))
            specs.append(JobSpec(
                name=job_name, files=tuple(str(p) for p in ordered), to=to, output=output,
                options=dict(options or {}), filters=dict(filters or {}), recover=recover,
                inputs=tuple(str(p.relative_to(src)) for p in ordered), origin=str(ordered[0]),
                output_kind=kind,
            ))
    batch = Batch(root=root, jobs=specs, source=str(src))
    check_batch(batch, lines={s.name: s.origin for s in specs}, file=str(src))
    return batch


# ------------------------------------------------------------------- checks

def _key(path: str) -> tuple[str, ...]:
    real = os.path.realpath(path)
    return tuple(os.path.normcase(real).split(os.sep))


def check_batch(batch: Batch, *, lines: dict[str, str], file: str) -> None:
    """Names unique; outputs distinct, not nested, not the batch's own files, not inputs."""
    seen: dict[str, JobSpec] = {}
    for spec in batch.jobs:
        key = unicodedata.normalize("NFC", spec.name).casefold()  # one file name on macOS and Windows
        if key in seen:
            also = seen[key]
            same = "" if also.name == spec.name else f" (as {also.name!r}: names differing only in case are one name)"
            raise ConfigError(f"job name {spec.name!r} is used twice{same} (also at {also.origin})",
                              file=file, line=_line_of(spec.origin))
        seen[key] = spec
    root_key = _key(str(batch.root))
    reserved = {_key(str(p)): p.name for p in (batch.state_path, batch.log_path, batch.report_path,
                                                batch.root / LOCK_NAME)}
    outs = []
    for spec in batch.jobs:
        if is_url(spec.output):
            continue
        k = _key(spec.output)
        if k == root_key[: len(k)]:
            raise ConfigError(
                f"job {spec.name!r}: its output {spec.output} is the batch's output root or holds it; "
                "give each job its own folder inside", file=file, line=_line_of(spec.origin))
        if k in reserved:
            raise ConfigError(f"job {spec.name!r}: its output {spec.output} is the batch's own {reserved[k]}",
                              file=file, line=_line_of(spec.origin))
        outs.append((k, spec))
    outs.sort(key=lambda t: t[0])
    for (ka, a), (kb, b) in zip(outs, outs[1:]):
        if kb[: len(ka)] == ka:
            how = "the same output" if ka == kb else "nested outputs"
            raise ConfigError(
                f"jobs {a.name!r} ({a.origin}) and {b.name!r} ({b.origin}) have {how}: "
                f"{a.output} and {b.output}; no job may write into another's output",
                file=file, line=_line_of(b.origin))
    inputs = [(_key(f), spec) for spec in batch.jobs for f in spec.files if not is_url(f)]
    for ko, spec in outs:
        for ki, other in inputs:
            if ki[: len(ko)] == ko:
                raise ConfigError(
                    f"job {spec.name!r}: its output {spec.output} would replace an input of job "
                    f"{other.name!r} ({os.sep.join(ki)})", file=file, line=_line_of(spec.origin))


def _line_of(origin: str) -> int | None:
    m = re.search(r":(\d+)$", origin)
    return int(m.group(1)) if m else None
