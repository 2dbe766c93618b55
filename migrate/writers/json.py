"""The model as JSON: one document (``json``) or one record a line (``jsonl``).

Both stream: items are serialised one at a time, so the dump of a 200 MB
export never holds more than one item. ``schemas/export.schema.json``
describes both shapes.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Mapping

from migrate import codec
from migrate.errors import Report
from migrate.model import Export
from migrate.output import OutputFile

_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def write_json(export: Export, output: Path, options: Mapping[str, Any], report: Report) -> None:
    """The export as one JSON document (schemas/export.schema.json)."""
    with OutputFile(output) as fh:
        head = _dumps(codec.header(export.site))
        fh.write(head[:-1] + ',"items":[')
        first = True
        for post in export.posts():
            fh.write("\n" if first else ",\n")
            fh.write(_dumps(codec.post_to_dict(post)))
            first = False
        fh.write("\n]}\n")


def write_jsonl(export: Export, output: Path, options: Mapping[str, Any], report: Report) -> None:
    """The export as JSON Lines: a site record, then a record per item."""
    with OutputFile(output) as fh:
        head = codec.header(export.site)
        fh.write(_dumps({"record": "site", **head}) + "\n")
        for post in export.posts():
            fh.write(_dumps({"record": "item", "item": codec.post_to_dict(post)}) + "\n")


write_json.output_kind = "file"  # type: ignore[attr-defined]
write_jsonl.output_kind = "file"  # type: ignore[attr-defined]
