"""``.wpmigrate.yaml``: which rules run, at which severity, for which files.

The file is found in the current folder or its parents, up to the git root
(the folder holding ``.git``), unless ``--config FILE`` names one. It is
checked against ``schemas/config.schema.json`` (JSON Schema 2020-12); every
problem is reported as ``FILE:LINE: message`` using the YAML marks, and the
run stops with exit status 2.
"""

from __future__ import annotations

import difflib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import yaml

from migrate import schemas
from migrate.errors import ConfigError, Severity
from migrate.validate.rules import RULES

CONFIG_NAMES = (".wpmigrate.yaml", ".wpmigrate.yml")

#: A rule's effective setting: a severity, or None when switched off.
Level = Severity | None


def schema() -> dict:
    return schemas.load("config.schema.json")


def find_config(start: Path | None = None) -> Path | None:
    """The nearest ``.wpmigrate.yaml`` from ``start`` up to the git root."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        for name in CONFIG_NAMES:
            candidate = folder / name
            if candidate.is_file():
                return candidate
        if (folder / ".git").exists():
            return None
    return None


# ------------------------------------------------------------------ globs

def glob_regex(pattern: str) -> re.Pattern[str]:
    """A glob as a regular expression over '/'-separated relative paths.

    ``*`` and ``?`` stay inside one folder, ``**`` crosses folders, ``[…]`` is
    a character class. A pattern without ``/`` matches the name at any depth,
    as in ``.gitignore``.
    """
    pat = pattern.strip()
    if pat.startswith("./"):
        pat = pat[2:]
    anywhere = "/" not in pat.rstrip("/")
    pat = pat.lstrip("/")
    out = []
    i = 0
    while i < len(pat):
        c = pat[i]
        if pat.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pat.startswith("**", i):
            out.append(".*")
            i += 2
        elif c == "*":
            out.append("[^/]*")
            i += 1
        elif c == "?":
            out.append("[^/]")
            i += 1
        elif c == "[":
            j = pat.find("]", i + 2)
            if j < 0:
                out.append(re.escape(c))
                i += 1
            else:
                body = pat[i + 1:j]
                if body.startswith("!"):
                    body = "^" + body[1:]
                out.append("[" + body.replace("\\", "\\\\") + "]")
                i = j + 1
        else:
            out.append(re.escape(c))
            i += 1
    prefix = "(?:.*/)?" if anywhere else ""
    return re.compile("^" + prefix + "".join(out) + "$")


# ----------------------------------------------------------------- config

def _level(value: Any, code: str) -> Level:
    if value is False or value == "off":
        return None
    if value is True or value == "on":
        return RULES[code].severity
    return value  # type: ignore[no-any-return]


@dataclass
class Override:
    patterns: tuple[re.Pattern[str], ...]
    rules: dict[str, Level]


@dataclass
class Config:
    """Effective settings; ``Config()`` is the catalogue's defaults."""

    path: Path | None = None
    rules: dict[str, Level] = field(default_factory=dict)
    overrides: list[Override] = field(default_factory=list)
    strict: bool | None = None
    max_warnings: int | None = None
    known_shortcodes: frozenset[str] = frozenset()
    one_site: bool | None = None
    _cache: dict[str, dict[str, Level]] = field(default_factory=dict, repr=False)

    @property
    def base(self) -> Path:
        return self.path.parent if self.path else Path.cwd()

    def relative(self, file: str) -> str:
        """``file`` as matched by override globs: relative to the config's folder."""
        on_disk = file.split("!", 1)[0]  # a zip member is matched by its archive
        p = Path(on_disk)
        try:
            return p.resolve().relative_to(self.base.resolve()).as_posix()
        except (ValueError, OSError):
            return p.as_posix()

    def levels_for(self, file: str) -> dict[str, Level]:
        """Every rule's severity (or None) for one file."""
        got = self._cache.get(file)
        if got is not None:
            return got
        levels: dict[str, Level] = {code: r.severity for code, r in RULES.items()}
        levels.update(self.rules)
        if self.overrides:
            rel = self.relative(file)
            for ov in self.overrides:
                if any(p.match(rel) for p in ov.patterns):
                    levels.update(ov.rules)
        self._cache[file] = levels
        return levels

    def switched_off(self) -> set[str]:
        """Rules off for every file (overrides cannot switch them back on)."""
        off = {c for c, lv in self.rules.items() if lv is None}
        for ov in self.overrides:
            off -= {c for c, lv in ov.rules.items() if lv is not None}
        return off


def _node_at(node: yaml.Node | None, path: Iterable[Any]) -> yaml.Node | None:
    for part in path:
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                if k.value == part:
                    node = v
                    break
            else:
                return node
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
        else:
            return node
    return node


def _key_node(node: yaml.Node | None, key: str) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for k, _ in node.value:
            if k.value == key:
                return k
    return None


def _describe(err: Any, root: yaml.Node | None) -> tuple[int | None, str]:
    """A line and a readable message for one jsonschema error."""
    path = list(err.absolute_path)
    node = _node_at(root, path)
    where = ".".join(str(p) for p in path) or "the top level"
    line = node.start_mark.line + 1 if node is not None else None
    if err.validator == "additionalProperties":
        extra = re.findall(r"'([^']+)'", err.message.split("(", 1)[-1])
        allowed = sorted((err.schema.get("properties") or {}))
        if extra:
            key = _key_node(node, extra[0])
            if key is not None:
                line = key.start_mark.line + 1
            hint = difflib.get_close_matches(extra[0], allowed, n=1)
            tip = f"; did you mean {hint[0]!r}?" if hint else f"; allowed: {', '.join(allowed)}"
            return line, f"unknown key {extra[0]!r} in {where}{tip}"
    if err.validator == "propertyNames" or "propertyNames" in err.absolute_schema_path:
        bad = err.instance
        key = _key_node(node, bad) if isinstance(bad, str) else None
        if key is not None:
            line = key.start_mark.line + 1
        hint = difflib.get_close_matches(str(bad), list(RULES), n=1)
        tip = f"; did you mean {hint[0]!r}?" if hint else ""
        return line, f"unknown rule {bad!r} in {where}{tip} (wpmigrate validate --list-rules lists them)"
    if err.validator == "oneOf" and path and path[-1] in RULES:
        return line, (f"{where}: {err.instance!r} is not a severity; use error, warning, notice, "
                      "off or on")
    return line, f"{where}: {err.message}"


def load_config(path: str | os.PathLike[str]) -> Config:
    """Read and check one configuration file; raise ConfigError (exit 2) when wrong."""
    import jsonschema

    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read the configuration: {exc}", file=str(p)) from exc
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(
            f"not valid YAML: {problem}", file=str(p),
            line=mark.line + 1 if mark else None, column=mark.column + 1 if mark else None,
        ) from exc
    validator = jsonschema.Draft202012Validator(schema())
    errors = sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))
    if errors:
        described = sorted((_describe(e, root) for e in errors), key=lambda x: (x[0] or 0, x[1]))
        first_line, first = described[0]
        rest = "".join(f"\n{p}:{ln}: {msg}" if ln else f"\n{p}: {msg}" for ln, msg in described[1:])
        raise ConfigError(f"invalid configuration: {first}{rest}", file=str(p), line=first_line)
    section = (data or {}).get("validate") or {}
    cfg = Config(path=p)
    cfg.rules = {code: _level(v, code) for code, v in (section.get("rules") or {}).items()}
    for ov in section.get("overrides") or []:
        files = ov["files"]
        patterns = (files,) if isinstance(files, str) else tuple(files)
        cfg.overrides.append(Override(
            tuple(glob_regex(x) for x in patterns),
            {code: _level(v, code) for code, v in (ov.get("rules") or {}).items()},
        ))
    cfg.strict = section.get("strict")
    cfg.max_warnings = section.get("max-warnings")
    cfg.known_shortcodes = frozenset(section.get("known-shortcodes") or ())
    cfg.one_site = section.get("one-site")
    return cfg


def resolve_config(explicit: str | None, *, start: Path | None = None, use_default: bool = True) -> Config:
    """``--config FILE``, else the nearest ``.wpmigrate.yaml``, else defaults."""
    if explicit:
        if not Path(explicit).is_file():
            raise ConfigError("no such configuration file", file=explicit)
        return load_config(explicit)
    if use_default:
        found = find_config(start)
        if found is not None:
            return load_config(found)
    return Config()


__all__ = ["CONFIG_NAMES", "Config", "Level", "find_config", "glob_regex", "load_config", "resolve_config", "schema"]
