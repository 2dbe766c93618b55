"""Exports whose <rss> forgets to declare WXR's prefixes are read as WordPress reads them."""

from __future__ import annotations

import dataclasses
import io
import re
from pathlib import Path

import pytest

import migrate
from migrate.errors import InputError, Report
from migrate.readers.namespaces import STANDARD, DeclaringStream, missing_declarations
from tests.conftest import SAMPLES

SAMPLE = SAMPLES / "last-train-home.xml"


def _without(tmp_path: Path, *prefixes: str, text: str | None = None, name: str = "export.xml") -> Path:
    text = SAMPLE.read_text(encoding="utf-8") if text is None else text
    for p in prefixes:
        text, n = re.subn(rf'[ \t]*xmlns:{p}="[^"]*"', "", text)
        assert n == 1, p
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _read(path: Path) -> tuple[list, Report]:
    report = Report()
    export = migrate.read(path, report=report)
    posts = [dataclasses.replace(p, source=dataclasses.replace(p.source, file="")) for p in export.posts()]
    comments = [[dataclasses.replace(c, source=dataclasses.replace(c.source, file="")) for c in p.comments]
                for p in posts]
    return [(dataclasses.replace(p, comments=()), cs) for p, cs in zip(posts, comments)], report


def _line_col(text: str, needle: str) -> tuple[int, int]:
    at = text.index(needle)
    return text.count("\n", 0, at) + 1, at - (text.rfind("\n", 0, at) + 1) + 1


def _undeclared(report: Report) -> list:
    return [f for f in report if f.code == "xml-namespace-undeclared"]


@pytest.mark.parametrize("prefixes, first_use", [
    (("wp",), "<wp:"),                              # in the header
    (("content",), "<content:"),                    # only among the items
    (tuple(STANDARD), "<wp:"),                      # none declared
    (("excerpt", "dc"), "<dc:"),
])
def test_undeclared_prefixes_read_the_same_items(tmp_path, prefixes, first_use):
    expected, clean = _read(SAMPLE)
    assert not _undeclared(clean)
    path = _without(tmp_path, *prefixes)
    got, report = _read(path)
    assert got == expected
    finding, = _undeclared(report)
    text = path.read_text(encoding="utf-8")
    line, column = _line_col(text, first_use)
    tag_end = text.index(">", text.index(first_use)) + 1
    assert finding.line == line and column <= finding.column <= column + tag_end - text.index(first_use)
    assert finding.severity == "warning" and finding.file == str(path)
    assert f"{first_use[1:]}" in finding.message


def test_site_header_is_read_when_wp_is_undeclared(tmp_path):
    site = migrate.read(_without(tmp_path, "wp")).site
    assert site == dataclasses.replace(migrate.read(SAMPLE).site, sources=site.sources, extra=site.extra)
    assert site.wxr_version == "1.2" and site.authors and site.terms


def test_an_unknown_undeclared_prefix_is_still_an_error(tmp_path):
    text = SAMPLE.read_text(encoding="utf-8").replace("<channel>", "<channel>\n<itunes:author>x</itunes:author>", 1)
    path = tmp_path / "export.xml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as err:
        list(migrate.read(path).posts())
    assert err.value.line == _line_col(text, "<itunes:")[0]
    assert "itunes" in err.value.message and "a namespace error, which --recover does not repair" in err.value.message


def test_other_namespace_errors_do_not_send_to_recover(tmp_path):
    text = SAMPLE.read_text(encoding="utf-8").replace("<channel>", '<channel xmlns:1bad="urn:x">', 1)
    path = tmp_path / "export.xml"
    path.write_text(text, encoding="utf-8")
    for recover in (False, True):
        with pytest.raises(InputError) as err:
            list(migrate.read(path, recover=recover).posts())
        assert err.value.line == _line_col(text, "<channel")[0]
        assert "--recover does not repair" in err.value.message and "run with --recover" not in err.value.message


def test_an_error_on_the_root_line_keeps_its_column(tmp_path):
    """The declarations go into the root's start tag; a later error on that line
    is placed where it is in the file, not where it is in the stream."""
    from tests.validate.wxrgen import item, wxr

    one_line = wxr(item(1), item(2)).replace("\n", "")
    one_line = one_line.replace("</wp:post_type>", "</wp:post_typo>", 2).replace("</wp:post_typo>", "</wp:post_type>", 1)
    path = _without(tmp_path, "wp", text=one_line)
    with pytest.raises(InputError) as err:
        list(migrate.read(path).posts())
    broken = path.read_text(encoding="utf-8")
    line, column = _line_col(broken, "</wp:post_typo>")
    assert err.value.line == line == 1 and column > 1000
    assert abs(err.value.column - column) <= len("</wp:post_typo>")


def test_missing_declarations_finds_the_root_behind_its_prologue():
    head = ('\ufeff<?xml version="1.0"?>\n<!-- a <rss> in a comment -->\n<?pi x?>\n'
            '<rss version="2.0" data-x="a > b" xmlns:dc="http://purl.org/dc/elements/1.1/"\n'
            ' xmlns:wp="http://wordpress.org/export/1.1/">\n<channel>').encode()
    offset, line, missing = missing_declarations(head)
    assert head[offset - 4:offset] == b"<rss" and line == 4
    assert missing == ["excerpt", "content", "wfw"]
    assert missing_declarations(b'<?xml version="1.0"?>\n<rss version="2.0"') is None


def test_declaring_stream_adds_only_what_is_missing():
    doc = b'<?xml version="1.0"?>\n<rss xmlns:wp="http://wordpress.org/export/1.0/"><channel/></rss>\n'
    stream = DeclaringStream(io.BytesIO(doc))
    out = stream.read()
    assert stream.prefixes == ["excerpt", "content", "dc", "wfw"]
    assert out.count(b"xmlns:wp=") == 1 and b'xmlns:content="http://purl.org/rss/1.0/modules/content/"' in out
    assert out.replace(b"".join(b' xmlns:%s="%s"' % (p.encode(), STANDARD[p].encode())
                                for p in stream.prefixes), b"") == doc
    assert (stream.line, stream.column) == (2, 5)
    full = b'<rss ' + b" ".join(b'xmlns:%s="%s"' % (p.encode(), u.encode()) for p, u in STANDARD.items()) + b"/>"
    assert DeclaringStream(io.BytesIO(full)).read() == full
