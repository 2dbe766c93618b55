"""Our own JSON dump read back (``.json`` document or ``.jsonl`` lines).

The document form is streamed with ijson, so reading a dump is as flat in
memory as writing it.
"""

from __future__ import annotations

import json
from typing import Iterable, Iterator

import ijson

from migrate import codec
from migrate.errors import InputError, Report
from migrate.model import Export, Post, Site
from migrate.readers.sources import InputSource, sources_for
from migrate.readers.wxr import ReadOptions


def _is_lines(source: InputSource) -> bool:
    with source.open() as fh:
        first = fh.readline(1 << 16).decode("utf-8", errors="replace")
    return first.lstrip().startswith('{"record"')


def _check(head: dict, name: str) -> None:
    if head.get("format") != codec.FORMAT:
        raise InputError(f"not a wpmigrate dump: format is {head.get('format')!r}", file=name, line=1)
    if head.get("version") != codec.VERSION:
        raise InputError(f"unsupported dump version {head.get('version')!r}", file=name, line=1)


def _lines(source: InputSource) -> Iterator[tuple[int, dict]]:
    with source.open() as fh:
        for n, raw in enumerate(fh, 1):
            if not raw.strip():
                continue
            try:
                yield n, json.loads(raw)
            except ValueError as exc:
                raise InputError(f"not valid JSON: {exc}", file=source.name, line=n) from exc


def _site_of(source: InputSource) -> Site:
    if _is_lines(source):
        for n, rec in _lines(source):
            if rec.get("record") != "site":
                raise InputError("the first record must be the site", file=source.name, line=n)
            _check(rec, source.name)
            return codec.site_from_dict(rec["site"])
        raise InputError("the dump is empty", file=source.name, line=1)
    with source.open() as fh:
        try:
            parser = ijson.parse(fh, use_float=True)
            head: dict = {}
            for prefix, event, value in parser:
                if prefix in ("format", "version") and event in ("string", "number"):
                    head[prefix] = value
                elif prefix == "site" and event == "start_map":
                    _check(head, source.name)
                    break
            else:
                raise InputError("not a wpmigrate dump: no site", file=source.name, line=1)
        except ijson.JSONError as exc:
            raise InputError(f"not valid JSON: {exc}", file=source.name) from exc
    with source.open() as fh:
        try:
            return codec.site_from_dict(next(ijson.items(fh, "site", use_float=True)))
        except (ijson.JSONError, StopIteration, KeyError) as exc:
            raise InputError(f"unreadable site record: {exc}", file=source.name) from exc


def _posts_of(source: InputSource) -> Iterator[Post]:
    if _is_lines(source):
        for n, rec in _lines(source):
            if rec.get("record") == "item":
                try:
                    yield codec.post_from_dict(rec["item"])
                except (KeyError, TypeError) as exc:
                    raise InputError(f"item record is missing {exc}", file=source.name, line=n) from exc
        return
    with source.open() as fh:
        try:
            for d in ijson.items(fh, "items.item", use_float=True):
                yield codec.post_from_dict(d)
        except ijson.JSONError as exc:
            raise InputError(f"not valid JSON: {exc}", file=source.name) from exc


def read(sources: Iterable[str] | str, options: ReadOptions | None = None, report: Report | None = None) -> Export:
    """wpmigrate's own JSON / JSON Lines dump, read back into the model."""
    if isinstance(sources, str):
        sources = [sources]
    srcs = sources_for(sources)
    if len(srcs) != 1:
        raise InputError("give one JSON dump at a time", file=srcs[0].name if srcs else None)
    source = srcs[0]
    site = _site_of(source)
    export = Export(site, lambda: _posts_of(source), name=source.name)
    export.extra_info["report"] = report if report is not None else Report()
    return export


def sniff(head: bytes, name: str) -> bool:
    """True for our dumps: a JSON object naming the wpmigrate format."""
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff \r\n\t")
    return text.startswith("{") and (codec.FORMAT in text or '"record"' in text)
