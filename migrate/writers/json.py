"""The model as JSON: one document (``json``) or one record a line (``jsonl``).

Both stream: items are serialised one at a time, so the dump of a 200 MB
export never holds more than one item. ``schemas/export.schema.json``
describes both shapes.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import IO, Any, Iterator, Mapping

from migrate import codec
from migrate.errors import Report
from migrate.model import Export, Post
from migrate.output import OutputFile
from migrate.readers import halves

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


#: An export file at least this big is read in halves, the second serialised by another process.
HALVES_FROM = 32 << 20


def _write_items(fh: IO[str], posts: Iterator[Post], kind: str, first: bool = True) -> int:
    """Write each item as ``kind`` (json, jsonl) wants it; how many."""
    n = 0
    for post in posts:
        if kind == "json":
            fh.write("\n" if first and not n else ",\n")
            _write_item(fh, codec.post_to_dict(post))
        else:
            _write_item(fh, codec.post_to_dict(post), '{"record":"item","item":', "}\n")
        n += 1
    return n


def _write_items_to(posts: Iterator[Post], path: str, kind: str) -> int:
    """In another process: the second half's items, as they follow the first half's, into ``path``."""
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        return _write_items(fh, posts, kind, first=False)


def _items(export: Export, out: OutputFile, fh: IO[str], kind: str) -> None:
    """Every item: a big export's second half serialised by another process while this one writes the first."""
    scratch = out.scratch() if halves.worth_halving(export, HALVES_FROM) else None
    if scratch is not None:
        start = fh.tell()

        def first(posts: Iterator[Post]) -> Any:
            return _write_items(fh, posts, kind) or halves.FAILED

        if halves.read_in_halves(export, HALVES_FROM, first, _write_items_to, (str(scratch), kind)) is not None:
            fh.flush()  # then the bytes go straight on: no decoding and encoding of the half again
            with open(scratch, "rb") as rest:
                shutil.copyfileobj(rest, fh.buffer, 1 << 16)  # type: ignore[attr-defined]
            return
        fh.seek(start)
        fh.truncate()
    _write_items(fh, export.posts(), kind)


def write_json(export: Export, output: Path, options: Mapping[str, Any], report: Report) -> None:
    """The export as one JSON document (schemas/export.schema.json)."""
    out = OutputFile(output)
    with out as fh:
        head = _dumps(codec.header(export.site))
        fh.write(head[:-1] + ',"items":[')
        _items(export, out, fh, "json")
        fh.write("\n]}\n")


def write_jsonl(export: Export, output: Path, options: Mapping[str, Any], report: Report) -> None:
    """The export as JSON Lines: a site record, then a record per item."""
    out = OutputFile(output)
    with out as fh:
        head = codec.header(export.site)
        fh.write(_dumps({"record": "site", **head}) + "\n")
        _items(export, out, fh, "jsonl")


write_json.output_kind = "file"  # type: ignore[attr-defined]
write_jsonl.output_kind = "file"  # type: ignore[attr-defined]
