"""The validator's shortcuts give exactly the findings of the plain checks.

Each shortcut skips work only where it can prove the plain check would find
nothing; these tests compare both on documents built to sit just beside the
boundary of each shortcut (a candidate that must still be found, a near miss
that must still be skipped).
"""

from __future__ import annotations

import io
import re
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


# ------------------------------------------------------------ content checks

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from migrate.transforms import blocks  # noqa: E402
from migrate.validate.engine import _block_delimiters  # noqa: E402

#: Pieces content is built from: shortcode and block syntax, near misses, links to the site.
_PIECES = [
    "[", "]", "[/", "/]", "[[", "]]", "caption", "gallery", "mystery", "Mystery_2", "x", "a-b", "-", "_", "1",
    " ", "\n", "=", '"', "'", "<", ">", "<b>", "</b>", "é", "fooé", ".", "&", "<!--", "-->", " -->", "/-->",
    "<!-- wp:paragraph -->", "<!-- /wp:paragraph -->", "<!-- wp:image {\"id\":3} /-->", "<!-- wp:x/y ",
    "{", "}", "} -->", "wp:", "/wp:", "core/", "<!-- wp:group {\"a\":\"-->\"} -->", "<!-- /wp:group -->",
    '<a href="https://example.org/gone/">', "<a HREF='/2020/01/x/'>", '<a href="/?p=77">', "href=",
    '<a href="https://www.example.org/item-1/">', '<a href="https://other.net/y/">', "</a>",
]
_content = st.lists(st.sampled_from(_PIECES), max_size=40).map("".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(first=_content, second=_content)
def test_prefilters_report_as_the_full_checks(tmp_path, first, second):
    path = write(tmp_path, wxr(item(1, content=first), item(2, content=second),
                                item(3, content=first + second)))
    assert _run([path]) == _run([path], prefilter=False)


@pytest.mark.parametrize("content, reported", [
    ("[mystery a=1]", True),             # unknown, with attributes: reported
    ("[caption a=1]x[/caption]", False),  # known
    ("[[mystery a=1]]", False),          # escaped
    ("<b title='[mystery a=1]'>", False),  # inside a tag
    ("[caption-x a=1]", True),           # a known name's prefix is not the name
    ("[captionx a=1][caption a=1]", True),
    ("[é a=1]", False),                  # not a name the rule reports
])
def test_shortcode_prefilter_near_misses(tmp_path, content, reported):
    path = write(tmp_path, wxr(item(1, content=content)))
    found = _run([path])
    assert found == _run([path], prefilter=False)
    assert any(f["code"] == "shortcode-unknown" for f in found[0]) is reported


def _tokens(doc: str) -> list[tuple[bool, str, int]]:
    out, pos, tok = [], 0, blocks._Tokenizer(doc)
    while (t := tok.next(pos)) is not None:
        if t.kind != blocks._VOID:
            out.append((t.kind == blocks._CLOSER, t.name, t.start))
        pos = t.start + t.length
    return out


@settings(max_examples=300, deadline=None)
@given(doc=_content)
def test_block_delimiters_as_the_block_parser_finds_them(doc):
    assert list(_block_delimiters(doc)) == _tokens(doc)


def test_block_delimiters_on_the_corpus():
    import re

    for path in corpus_files():
        text = path.read_text("utf-8", "replace")
        for body in re.findall(r"<!\[CDATA\[(.*?)\]\]>", text, re.S):
            if "wp:" in body:
                assert list(_block_delimiters(body)) == _tokens(body), path


# ------------------------------------------------------------------ halves

from migrate.readers import halves  # noqa: E402


@pytest.fixture
def split_all(monkeypatch):
    """Every file is read in halves, and each merge that happens is counted."""
    monkeypatch.setattr(halves, "SPLIT_MIN_BYTES", 0)
    merged: list[bool] = []
    real = SiteValidator._merge

    def merge(self, part, summary):
        ok = real(self, part, summary)
        merged.append(ok)
        return ok

    monkeypatch.setattr(SiteValidator, "_merge", merge)
    return merged


def _many(n: int, **kw) -> list[str]:
    return [item(i, content=f"<a href=\"https://example.org/item-{i % 7}/\">x</a> [mystery a={i}]",
                 meta=(("_thumbnail_id", str(i + 1)),), cats=(("category", "news"), ("post_tag", f"t{i % 3}")),
                 comments=(comment(1000 + i, parent=1000 + i - 1 if i > 1 else 0),), **kw)
            for i in range(1, n + 1)]


@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: p.name)
def test_halves_on_the_corpus(path, split_all):
    assert _run([path]) == _run([path], halves=False)


@pytest.mark.parametrize("case", ["clean", "id", "slug", "comment", "term", "bad byte", "not well-formed",
                                  "item in the header", "item in the middle's text", "wp undeclared",
                                  "content undeclared"])
def test_halves_report_as_one_read(tmp_path, split_all, case):
    items = _many(40)
    head = {}
    if case == "id":
        items[35] = item(3, slug="other")
    elif case == "slug":
        items[35] = item(99, slug="item-2")
    elif case == "comment":
        items[35] = item(99, comments=(comment(1003),))
    elif case == "term":
        items[2] = item(3, cats=(("category", "sports"),))
        items[35] = item(99, cats=(("category", "sports"),))
    elif case == "bad byte":
        items[35] = item(99, content="bell\x07here")
    elif case == "not well-formed":
        items[35] = item(99, link="https://example.org/?a=1&b=2")
    elif case == "item in the header":
        head = {"prolog": "<!-- an <item> in a comment -->"}
    elif case == "item in the middle's text":  # the cut falls inside a CDATA section
        for k in range(15, 26):
            items[k] = item(k + 1, content="\n<item>\n" * 200)
    text = wxr(*items, **head)
    if case.endswith("undeclared"):  # each half meets it; one read reports it once
        prefix = case.split()[0]
        text = re.sub(rf' xmlns:{prefix}="[^"]*"', "", text, count=1)
    path = write(tmp_path, text)
    got = _run([path])
    assert got == _run([path], halves=False)
    assert got == _run([path], halves=False, parser_first=False)
    # a repeated identity is found when merging; a half that does not parse is never merged
    expected = {"clean": [True], "id": [False], "slug": [False], "comment": [False], "term": [False],
                "bad byte": [], "not well-formed": [], "item in the header": [], "item in the middle's text": [],
                "wp undeclared": [True], "content undeclared": [True]}
    assert split_all == expected[case]
    if case.endswith("undeclared"):
        assert [f["code"] for f in got[0]].count("xml-namespace-undeclared") == 1


def test_halves_of_one_site(tmp_path, split_all):
    """Later files meet the ids and threads the forked half found."""
    a = write(tmp_path, wxr(*_many(30)), "a.xml")
    b = write(tmp_path, wxr(*_many(50)[30:], item(5, slug="again"), item(7, type="page", parent=33)), "b.xml")
    assert _run([a, b]) == _run([a, b], halves=False)
    assert split_all[0] is True


def test_halves_of_a_generated_export(generated_200, split_all):
    path, counts = generated_200
    got = _run([path])
    assert got == _run([path], halves=False)
    assert split_all == [True]
    assert got[4][0][1:] == (counts["items"], counts["comments"], True)
