"""Readers and writers, found through entry points.

Built-ins are registered in ``pyproject.toml`` exactly like a third party's
would be, so a plugin package adds a format without touching this code:

    [project.entry-points."migrate.writers"]
    zola = "my_package.zola:write"

A writer name may carry pandoc-style flags: ``hugo+bundles-comments`` asks
the ``hugo`` writer for ``{"bundles": True, "comments": False}``.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from functools import lru_cache
from importlib.metadata import entry_points
from typing import Any, Callable

from migrate.errors import UsageError

READERS = "migrate.readers"
WRITERS = "migrate.writers"


@dataclass(frozen=True)
class Plugin:
    name: str
    group: str
    target: str
    load: Callable[[], Any]

    def description(self) -> str:
        fn = self.load()
        doc = (getattr(fn, "__doc__", None) or "").strip()
        return doc.splitlines()[0] if doc else ""


@lru_cache(maxsize=None)
def plugins(group: str) -> dict[str, Plugin]:
    found: dict[str, Plugin] = {}
    for ep in entry_points(group=group):
        found.setdefault(ep.name, Plugin(ep.name, group, ep.value, ep.load))
    return dict(sorted(found.items()))


def _lookup(group: str, name: str, what: str) -> Callable:
    table = plugins(group)
    if name not in table:
        known = ", ".join(table) or "none installed"
        raise UsageError(f"unknown {what} {name!r} (known: {known})")
    try:
        return table[name].load()
    except Exception as exc:  # a broken plugin must not look like our bug
        raise UsageError(f"the {what} {name!r} ({table[name].target}) failed to load: {exc}") from exc


def reader(name: str) -> Callable:
    return _lookup(READERS, name, "reader")


def writer(name: str) -> Callable:
    return _lookup(WRITERS, name, "writer")


_FLAG = re.compile(r"([+-])([A-Za-z0-9_]+)")


def parse_format(spec: str) -> tuple[str, dict[str, bool]]:
    """``hugo+bundles-comments`` → ``("hugo", {"bundles": True, "comments": False})``."""
    m = re.match(r"^([A-Za-z0-9_.]+)((?:[+-][A-Za-z0-9_]+)*)$", spec.strip())
    if not m:
        raise UsageError(f"bad format {spec!r}: expected NAME or NAME+flag-flag")
    flags = {f: sign == "+" for sign, f in _FLAG.findall(m.group(2))}
    return m.group(1), flags


#: File endings that name their reader outright, so no reader is loaded to sniff.
_BY_SUFFIX = ((".xml", "wxr"), (".xml.gz", "wxr"), (".zip", "wxr"), (".json", "json"), (".jsonl", "json"))


def detect_reader(path: str) -> str:
    """Pick a reader for a path: by its ending, else by asking each reader's ``sniff``."""
    low = path.lower()
    for suffix, name in _BY_SUFFIX:
        if low.endswith(suffix) and name in plugins(READERS):
            return name
    try:
        with open(path, "rb") as fh:
            head = fh.read(4096)
    except OSError:
        head = b""
    order = sorted(plugins(READERS), key=lambda n: n != "json")  # the specific one first
    for name in order:
        fn = reader(name)
        sniff = getattr(sys.modules.get(fn.__module__), "sniff", None)
        if sniff is not None and sniff(head, path):
            return name
    return "wxr"
