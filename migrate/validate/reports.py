"""Report formats of ``wpmigrate validate``: text, json, junit, sarif, github.

Each renderer takes the :class:`~migrate.validate.engine.Results` of a run
and returns the whole report as a string. Findings come sorted by file and
line; counts are exact even where findings were capped.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Callable
from urllib.parse import quote

import click
from lxml import etree

from migrate import __version__
from migrate.errors import SEVERITIES, Finding
from migrate.validate.engine import Results
from migrate.validate.rules import RULES

FORMATS = ("text", "json", "junit", "sarif", "github")
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_SARIF_LEVEL = {"error": "error", "warning": "warning", "notice": "note"}
_COLOURS = {"error": "red", "warning": "yellow", "notice": "cyan"}


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _totals(results: Results) -> str:
    return ", ".join(_plural(results.count(s), s) for s in SEVERITIES)


def _item(f: Finding) -> str:
    if f.item_id is None and not f.item_title:
        return ""
    title = f' "{f.item_title}"' if f.item_title else ""
    ident = f"item {f.item_id}" if f.item_id is not None else "item"
    return f" [{ident}{title}]"


# ------------------------------------------------------------------- text

def render_text(results: Results, *, color: bool = False) -> str:
    def st(text: str, **kw) -> str:
        return click.style(text, **kw) if color else text

    lines: list[str] = []
    for f in results.sorted_findings():
        sev = st(f"{f.severity:<7}", fg=_COLOURS[f.severity], bold=f.severity == "error")
        loc = st(f.location() or "-", bold=True)
        lines.append(f"{loc}: {sev} {f.message} {st(f.code, dim=True)}{_item(f)}")
    if lines:
        lines.append("")
    for fs in results.files:
        state = "" if fs.parsed else " (stopped early)"
        lines.append(f"{fs.name}: {_plural(fs.items, 'item')}, {_plural(fs.comments, 'comment')}{state}")
    by_code = results.by_code()
    if by_code:
        lines.append("")
        lines.append("By rule:")
        for code, sevs in by_code.items():
            for sev, n in sevs.items():
                hidden = []
                if results.repeated[code]:
                    hidden.append(f"{results.repeated[code]} repeats on one line not shown")
                if results.beyond[code]:
                    hidden.append(f"{results.beyond[code]} past the limit not shown")
                extra = f" ({'; '.join(hidden)})" if hidden else ""
                lines.append(f"  {n:>7}  {st(f'{sev:<7}', fg=_COLOURS[sev])}  {code}{extra}")
    for msg in results.fatal:
        lines.append(st(f"cannot read: {msg}", fg="red", bold=True))
    lines.append("")
    summary = f"{_plural(len(results.files), 'file')} checked: {_totals(results)}"
    lines.append(st(summary, bold=True, fg="red" if results.count("error") else None))
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------- json

def to_dict(results: Results, *, exit_code: int | None = None) -> dict:
    return {
        "tool": "wpmigrate validate",
        "version": __version__,
        "files": [vars(f).copy() for f in results.files],
        "summary": {
            "by_severity": {s: results.count(s) for s in SEVERITIES},
            "by_code": results.by_code(),
            "not_shown": {c: results.repeated[c] + results.beyond[c]
                          for c in sorted(set(results.repeated) | set(results.beyond))},
        },
        "fatal": list(results.fatal),
        "exit_code": exit_code,
        "findings": [f.to_dict() for f in results.sorted_findings()],
    }


def render_json(results: Results, *, exit_code: int | None = None) -> str:
    return json.dumps(to_dict(results, exit_code=exit_code), indent=2, ensure_ascii=False) + "\n"


# ------------------------------------------------------------------ junit

def render_junit(results: Results, *, failing: tuple[str, ...] = ("error", "warning")) -> str:
    """One test case per rule; rules with errors or warnings fail, switched-off rules are skipped."""
    off = results.config.switched_off()
    per_code: dict[str, list[Finding]] = {}
    for f in results.sorted_findings():
        per_code.setdefault(f.code, []).append(f)
    by_code = results.by_code()
    suites = etree.Element("testsuites", name="wpmigrate validate")
    suite = etree.SubElement(suites, "testsuite", name="wpmigrate validate")
    failures = skipped = 0
    for code, rule in RULES.items():
        case = etree.SubElement(suite, "testcase", classname=f"wpmigrate.validate.{rule.category}", name=code)
        counts = by_code.get(code, {})
        found = per_code.get(code, [])
        body = "\n".join(f"{f.location()}: {f.severity}: {f.message}{_item(f)}" for f in found)
        total = sum(counts.values())
        if code in off and not total:
            etree.SubElement(case, "skipped", message="switched off in the configuration")
            skipped += 1
        elif any(counts.get(s) for s in failing):
            fail = etree.SubElement(case, "failure", type=code,
                                    message=f"{code}: {', '.join(_plural(n, s) for s, n in counts.items())}"
                                            f" — {rule.summary}")
            fail.text = body
            failures += 1
        elif total:
            out = etree.SubElement(case, "system-out")
            out.text = body
    suite.set("tests", str(len(RULES)))
    suite.set("failures", str(failures))
    suite.set("errors", "0")
    suite.set("skipped", str(skipped))
    suites.set("tests", str(len(RULES)))
    suites.set("failures", str(failures))
    return etree.tostring(suites, xml_declaration=True, encoding="UTF-8", pretty_print=True).decode("utf-8")


# ------------------------------------------------------------------ sarif

def _uri(file: str) -> str:
    on_disk = file.split("!", 1)[0]
    p = Path(on_disk)
    try:
        rel = p.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except (ValueError, OSError):
        rel = p.resolve().as_uri() if p.is_absolute() else p.as_posix()
        if rel.startswith("file:"):
            return rel
    return quote(rel, safe="/")


def render_sarif(results: Results) -> str:
    codes = list(RULES)
    index = {c: i for i, c in enumerate(codes)}
    rules = [{
        "id": r.code,
        "name": "".join(w.capitalize() for w in r.code.split("-")),
        "shortDescription": {"text": r.summary},
        "fullDescription": {"text": r.summary},
        "defaultConfiguration": {"level": _SARIF_LEVEL[r.severity]},
        "properties": {"category": r.category},
    } for r in RULES.values()]
    out_results = []
    for f in results.sorted_findings():
        res: dict = {
            "ruleId": f.code,
            "ruleIndex": index[f.code],
            "level": _SARIF_LEVEL[f.severity],
            "message": {"text": f.message + _item(f)},
        }
        if f.file:
            loc: dict = {"artifactLocation": {"uri": _uri(f.file)}}
            if f.line:
                region: dict = {"startLine": f.line}
                if f.column:
                    region["startColumn"] = f.column
                loc["region"] = region
            res["locations"] = [{"physicalLocation": loc}]
        props = {k: v for k, v in (("itemId", f.item_id), ("itemTitle", f.item_title)) if v is not None}
        if props:
            res["properties"] = props
        out_results.append(res)
    doc = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "wpmigrate",
                "version": __version__,
                "rules": rules,
            }},
            "invocations": [{
                "executionSuccessful": not results.fatal,
                "toolExecutionNotifications": [
                    {"level": "error", "message": {"text": m}} for m in results.fatal
                ],
            }],
            "results": out_results,
        }],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


# ----------------------------------------------------------------- github

def gh_escape_data(s: str) -> str:
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def gh_escape_property(s: str) -> str:
    return gh_escape_data(s).replace(":", "%3A").replace(",", "%2C")


def render_github(results: Results) -> str:
    """GitHub Actions workflow commands, one per finding, then a plain summary."""
    lines = []
    for f in results.sorted_findings():
        props = []
        if f.file:
            props.append(f"file={gh_escape_property(_rel(f.file))}")
        if f.line:
            props.append(f"line={f.line}")
        if f.column:
            props.append(f"col={f.column}")
        props.append(f"title={gh_escape_property(f.code)}")
        lines.append(f"::{f.severity} {','.join(props)}::{gh_escape_data(f.message + _item(f))}")
    for msg in results.fatal:
        lines.append(f"::error title=unreadable-input::{gh_escape_data(msg)}")
    lines.append(f"wpmigrate validate: {_plural(len(results.files), 'file')} checked: {_totals(results)}")
    return "\n".join(lines) + "\n"


def _rel(file: str) -> str:
    on_disk = file.split("!", 1)[0]
    try:
        return Path(on_disk).resolve().relative_to(Path.cwd().resolve()).as_posix()
    except (ValueError, OSError):
        return on_disk


RENDERERS: dict[str, Callable[..., str]] = {
    "text": render_text, "json": render_json, "junit": render_junit, "sarif": render_sarif,
    "github": render_github,
}


def use_color(output: str | None) -> bool | None:
    """Colour for the text report: never into a file or with NO_COLOR; else click decides (tty)."""
    if output or os.environ.get("NO_COLOR"):
        return False
    return None


__all__ = ["FORMATS", "RENDERERS", "gh_escape_data", "gh_escape_property", "render_github", "render_json",
           "render_junit", "render_sarif", "render_text", "to_dict", "use_color"]
