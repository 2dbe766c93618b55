"""The corpus catalogue's independent counts, parsed from CATALOGUE.md.

The catalogue was counted with lxml in recover mode and cross-checked with
regular expressions, not with our reader, so it is the reference the reader
is held to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Entry:
    path: str
    items: int = 0
    post_types: dict[str, int] = field(default_factory=dict)
    statuses: dict[str, int] = field(default_factory=dict)
    comments: int = 0
    comment_types: dict[str, int] = field(default_factory=dict)
    threaded: int = 0
    approved: dict[str, int] = field(default_factory=dict)
    well_formed: bool = True
    wxr_version: str = ""


def _counts(text: str) -> dict[str, int]:
    text = text.strip()
    if text in ("-", "", "<none>"):
        return {}
    out = {}
    for part in text.split(","):
        key, _, n = part.strip().rpartition(":")
        out["" if key == "(empty)" else key] = int(n)
    return out


def load(catalogue: Path) -> dict[str, Entry]:
    text = catalogue.read_text(encoding="utf-8")
    entries: dict[str, Entry] = {}
    for block in re.split(r"^### ", text, flags=re.M)[1:]:
        path = block.split("`")[1]
        e = Entry(path)
        m = re.search(r"wxr_version: `([^`]*)`", block)
        e.wxr_version = m.group(1) if m else ""
        m = re.search(r"Well-formed: lxml (yes|NO)", block)
        e.well_formed = bool(m and m.group(1) == "yes")
        m = re.search(r"\* Items: (\d+) .*?by post_type: (.*?); by status: (.*?); items with", block)
        assert m, f"catalogue entry for {path} has no item line"
        e.items = int(m.group(1))
        e.post_types = _counts(m.group(2))
        e.statuses = _counts(m.group(3))
        m = re.search(r"\* Comments: (\d+); by type: (.*?); comment_approved: (.*?); threaded \(parent != 0\): (\d+)", block)
        assert m, f"catalogue entry for {path} has no comment line"
        e.comments = int(m.group(1))
        e.comment_types = _counts(m.group(2))
        e.approved = _counts(m.group(3))
        e.threaded = int(m.group(4))
        entries[path] = e
    return entries
