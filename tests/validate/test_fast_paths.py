"""The validator's shortcuts give exactly the findings of the plain checks.

Each shortcut skips work only where it can prove the plain check would find
nothing; these tests compare both on documents built to sit just beside the
boundary of each shortcut (a candidate that must still be found, a near miss
that must still be skipped).
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from migrate.errors import InputError
from migrate.readers.sources import sources_for
from migrate.readers.wxr import ReadOptions, iter_item_elements
from migrate.validate.engine import Results, SiteValidator
from migrate.validate.scan import ScanStream
from tests.conftest import corpus_files
from tests.validate.wxrgen import comment, item, write, wxr


def _run(paths: list[Path], **options) -> tuple:
    """Everything a report shows of one site's validation, in report order."""
    results = Results()
    site = SiteValidator(results, **options)
    site.validate([s for p in paths for s in sources_for([str(p)])])
    return ([f.to_dict() for f in results.sorted_findings()], sorted(results.counts.items()),
            sorted(results.repeated.items()), sorted(results.beyond.items()),
            [(f.name, f.items, f.comments, f.parsed) for f in results.files])


# ------------------------------------------------------------ parser first

#: What the scanner flags: C0 controls, U+FFFE/U+FFFF, and bytes that are not UTF-8.
BAD_BYTES = [bytes([b]) for b in range(32) if b not in (9, 10, 13)] + [
    "\ufffe".encode(), "\uffff".encode(), b"\x80", b"\xbf", b"\xc0\x80", b"\xc1\xbf", b"\xe0\x80\x80",
    b"\xed\xa0\x80", b"\xed\xbf\xbf", b"\xf4\x90\x80\x80", b"\xf5\x80\x80\x80", b"\xfe", b"\xff", b"\xc3",
    b"\xe4\xb8", b"\xf0\x9f\x98", b"caf\xe9", b"\xc3(", b"\xe2\x28\xa1",
]
#: "@" marks each place a bad byte is tried: prologue, attributes, text, CDATA,
#: comments, processing instructions, space between elements, after the root.
_DOC = (b'<?xml version="1.0" encoding="@ENC@"?>\n<!-- c1 @ -->\n<?pi @?>\n'
        b'<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/" a="@">\n<channel @>\n'
        b'<title>T @</title><wp:wxr_version>1.2</wp:wxr_version>\n<item @><title><![CDATA[x @ y]]></title>'
        b'<wp:post_id a="@">1@</wp:post_id><!-- @ --><?p @?> @ </item>@<item><wp:comment>'
        b'<wp:comment_content>@</wp:comment_content></wp:comment></item>\n</channel>@</rss>@\n<!-- @ -->@')


def _with_bad(bad: bytes, at: int, encoding: str) -> bytes:
    parts = _DOC.replace(b"@ENC@", encoding.encode()).split(b"@")
    return b"".join(p + (bad if k == at else b"") for k, p in enumerate(parts[:-1])) + parts[-1]


@pytest.mark.parametrize("encoding", ["UTF-8", "utf8"])
@pytest.mark.parametrize("bad", BAD_BYTES, ids=lambda b: b.hex())
def test_parser_stops_wherever_the_scanner_flags(tmp_path, bad, encoding):
    """The ground parser_first stands on: libxml2 refuses each flagged byte, in every place."""
    places = _DOC.count(b"@") - 2
    clean = write(tmp_path, _with_bad(b"", -1, encoding))
    assert sum(1 for _ in iter_item_elements(sources_for([str(clean)])[0], ReadOptions(), None)) == 2
    for at in range(places):
        data = _with_bad(bad, at, encoding)
        scanner = ScanStream(io.BytesIO(data))
        scanner.read()
        assert scanner.problems, (bad, at)
        path = write(tmp_path, data, f"bad{at}.xml")
        with pytest.raises(InputError):
            for _ in iter_item_elements(sources_for([str(path)])[0], ReadOptions(), None):
                pass


def _items_with(n: int, bad_at: dict[int, str]) -> list[str]:
    return [item(i, content=f"text {i} " + bad_at.get(i, "") + " more",
                 comments=(comment(100 + i, approved="maybe" if i % 3 == 0 else "1"),))
            for i in range(1, n + 1)]


@pytest.mark.parametrize("bad_at", [
    {}, {1: "\x07"}, {5: "\x07"}, {9: "\x01 and \x02"}, {2: "\udce9", 7: "\x0b"}, {3: "\uffff"},
], ids=str)
def test_parser_first_reports_as_the_scanned_read(tmp_path, bad_at):
    """Items before the first bad byte are checked once, the rest and every problem through the scanner."""
    text = wxr(*_items_with(9, bad_at), item(1, slug="again"))
    path = write(tmp_path, text.encode("utf-8", "surrogateescape"))
    fast = _run([path])
    assert fast == _run([path], parser_first=False)
    assert fast[4][0][1:] == (10, 9, True)


def test_parser_first_on_a_file_not_well_formed(tmp_path):
    text = wxr(*_items_with(4, {}), item(5, link="https://example.org/?a=1&b=2"), *_items_with(2, {}))
    path = write(tmp_path, text)
    fast = _run([path])
    assert fast == _run([path], parser_first=False)
    assert [f["code"] for f in fast[0]].count("xml-not-well-formed") == 1


@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: p.name)
def test_parser_first_on_the_corpus(path):
    assert _run([path]) == _run([path], parser_first=False)
