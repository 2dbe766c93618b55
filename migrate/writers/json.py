"""The model as JSON: one document (``json``) or one record a line (``jsonl``).

Both stream: items are serialised one at a time, so the dump of a 200 MB
export never holds more than one item. ``schemas/export.schema.json``
describes both shapes.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import IO, Any, Mapping

from migrate import codec
from migrate.errors import Report
from migrate.model import Export
from migrate.output import OutputFile

_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode

#: Content longer than this is written in escaped pieces of this size, so a
#: 100 MB post is not held once more as one encoded string.
_PIECE = 1 << 20
_MARK = "\x00wpmigrate-content\x00"
_MARK_JSON = _dumps(_MARK)


def _write_item(fh: IO[str], item: dict, prefix: str = "", suffix: str = "") -> None:
    """Write ``prefix``, ``item`` as JSON, ``suffix``; a long ``content`` in pieces."""
    content = item["content"]
    if len(content) > _PIECE:
        before, sep, after = _dumps({**item, "content": _MARK}).partition(_MARK_JSON)
        if sep and _MARK_JSON not in after:  # else the marker text is in the item itself
            fh.write(prefix + before + '"')
            for start in range(0, len(content), _PIECE):
                fh.write(_dumps(content[start:start + _PIECE])[1:-1])
            fh.write('"' + after + suffix)
            return
    fh.write(prefix + _dumps(item) + suffix)


def write_json(export: Export, output: Path, options: Mapping[str, Any], report: Report) -> None:
    """The export as one JSON document (schemas/export.schema.json)."""
    with OutputFile(output) as fh:
        head = _dumps(codec.header(export.site))
        fh.write(head[:-1] + ',"items":[')
        first = True
        for post in export.posts():
            fh.write("\n" if first else ",\n")
            _write_item(fh, codec.post_to_dict(post))
            first = False
        fh.write("\n]}\n")


def write_jsonl(export: Export, output: Path, options: Mapping[str, Any], report: Report) -> None:
    """The export as JSON Lines: a site record, then a record per item."""
    with OutputFile(output) as fh:
        head = codec.header(export.site)
        fh.write(_dumps({"record": "site", **head}) + "\n")
        for post in export.posts():
            _write_item(fh, codec.post_to_dict(post), '{"record":"item","item":', "}\n")


write_json.output_kind = "file"  # type: ignore[attr-defined]
write_jsonl.output_kind = "file"  # type: ignore[attr-defined]
