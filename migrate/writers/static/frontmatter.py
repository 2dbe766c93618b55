"""Front matter as YAML, TOML or JSON, written by hand so the bytes are ours.

A general serialiser would pick quoting styles, line widths and date forms
for us; static-site generators are picky about exactly those (Hugo wants an
RFC 3339 date with its offset, Jekyll a ``YYYY-MM-DD HH:MM:SS +HHMM`` one).
Values are limited to what front matter needs: strings, bools, ints, dates
(:class:`Bare` for a pre-formatted, unquoted scalar), lists of those, and
one level of nested mappings. Key order is the caller's.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any, Mapping

__all__ = ["Bare", "yaml_text", "toml_text", "json_text", "render", "yaml_str", "DELIMITERS"]


class Bare(str):
    """A scalar written as is (a date the target parses itself)."""


# characters YAML (1.1, as Psych and go-yaml read it) would fold or refuse
_YAML_ODD = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]")


def yaml_str(s: str) -> str:
    """A double-quoted YAML scalar (JSON escapes, plus YAML's own line breaks)."""
    out = _json_quote(s)  # what json.dumps(s, ensure_ascii=False) does, without its call overhead
    if _YAML_ODD.search(out) is None:
        return out
    return _YAML_ODD.sub(lambda m: f"\\u{ord(m.group()):04x}", out)


_json_quote = json.encoder.encode_basestring  # type: ignore[attr-defined]
_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


def _yaml_scalar(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, Bare):
        return str(v)
    if isinstance(v, datetime):
        return v.isoformat()
    return yaml_str(str(v))


def _yaml_lines(data: Mapping[str, Any], indent: int = 0) -> list[str]:
    pad = " " * indent
    lines: list[str] = []
    for k, v in data.items():
        key = k if _PLAIN_KEY.fullmatch(k) else yaml_str(k)
        if isinstance(v, Mapping):
            if not v:
                continue
            lines.append(f"{pad}{key}:")
            lines.extend(_yaml_lines(v, indent + 2))
        elif isinstance(v, (list, tuple)):
            lines.append(f"{pad}{key}: [" + ", ".join(_yaml_scalar(x) for x in v) + "]")
        else:
            lines.append(f"{pad}{key}: {_yaml_scalar(v)}")
    return lines


def yaml_text(data: Mapping[str, Any]) -> str:
    return "\n".join(_yaml_lines(data)) + "\n"


_TOML_ESC = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r", "\b": "\\b", "\f": "\\f"}


def _toml_str(s: str) -> str:
    def esc(m: re.Match[str]) -> str:
        ch = m.group()
        return _TOML_ESC.get(ch) or f"\\u{ord(ch):04x}"

    return '"' + re.sub(r'[\\"\x00-\x1f\x7f]', esc, s) + '"'


def _toml_key(k: str) -> str:
    return k if re.fullmatch(r"[A-Za-z0-9_-]+", k) else _toml_str(k)


def _toml_scalar(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, datetime):
        return v.isoformat()
    if isinstance(v, Bare):
        return str(v)
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_toml_scalar(x) for x in v) + "]"
    return _toml_str(str(v))


def toml_text(data: Mapping[str, Any]) -> str:
    lines: list[str] = []
    tables: list[tuple[str, Mapping[str, Any]]] = []
    for k, v in data.items():
        if isinstance(v, Mapping):
            if v:
                tables.append((k, v))
        else:
            lines.append(f"{_toml_key(k)} = {_toml_scalar(v)}")
    for name, table in tables:
        lines.append(f"[{_toml_key(name)}]")
        for k, v in table.items():
            lines.append(f"  {_toml_key(k)} = {_toml_scalar(v)}")
    return "\n".join(lines) + "\n"


def _plain(v: Any) -> Any:
    if isinstance(v, datetime):
        return v.isoformat()
    if isinstance(v, Mapping):
        return {k: _plain(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    return v


def json_text(data: Mapping[str, Any]) -> str:
    return json.dumps(_plain({k: v for k, v in data.items() if v != {}}), ensure_ascii=False, indent=2) + "\n"


DELIMITERS = {"yaml": ("---\n", "---\n"), "toml": ("+++\n", "+++\n"), "json": ("", "")}


def render(data: Mapping[str, Any], fmt: str) -> str:
    """The front-matter block, delimiters included, ready to put before a body."""
    if fmt == "yaml":
        return "---\n" + yaml_text(data) + "---\n"
    if fmt == "toml":
        return "+++\n" + toml_text(data) + "+++\n"
    if fmt == "json":
        return json_text(data)
    raise ValueError(f"unknown front matter format {fmt!r}")
