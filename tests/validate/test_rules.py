"""Each rule of the catalogue: a failing and a passing fixture, built in code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from migrate.validate.engine import validate
from migrate.validate.rules import RULES
from tests.validate.wxrgen import attachment, cdata, comment, item, write, wxr

FIXTURES = Path(__file__).parent / "fixtures"

# code -> (failing document(s), passing document(s)); a list means several files of one site.
CASES: dict[str, tuple[object, object]] = {
    "xml-not-well-formed": (wxr(item(1, link="https://example.org/?a=1&b=2")),
                            wxr(item(1, link="https://example.org/?a=1&amp;b=2"))),
    "not-wxr": ('<?xml version="1.0"?>\n<feed><entry/></feed>\n', wxr(item(1))),
    "xml-doctype": (wxr(item(1), prolog="<!DOCTYPE rss>"), wxr(item(1))),
    "wxr-version-missing": (wxr(item(1), version=None), wxr(item(1))),
    "wxr-version-invalid": (wxr(item(1), version="one"), wxr(item(1), version="1.1")),
    "wxr-version-newer": (wxr(item(1), version="1.3"), wxr(item(1), version="1.0")),
    "xml-control-char": (wxr(item(1, content="bell\x07here")).encode(), wxr(item(1, content="tab\there")).encode()),
    "encoding-invalid-utf8": (wxr(item(1, content="caf\udce9")).encode("utf-8", "surrogateescape"),
                              wxr(item(1, content="café")).encode()),
    "xml-namespace-undeclared": (wxr(item(1)).replace(' xmlns:content="http://purl.org/rss/1.0/modules/content/"', ""),
                                 wxr(item(1))),
    "encoding-mojibake": (wxr(item(1, content="Caf\u00c3\u00a9 and it\u00e2\u20ac\u2122s")),
                          wxr(item(1, content="Café and it’s, ÀÉÎ, Ελληνικά, 风行"))),
    "post-id-invalid": (wxr(item("abc"), item(2**63)), wxr(item(7), item(2**63 - 1))),
    "post-id-duplicate": (wxr(item(5), item(5, slug="other")), wxr(item(5), item(6))),
    "item-duplicate": ([wxr(item(5)), wxr(item(5), item(6))], [wxr(item(5)), wxr(item(6))]),
    "comment-id-invalid": (wxr(item(1, comments=(comment(2**64),)), item(2, comments=(comment(3, parent=2**70),))),
                           wxr(item(1, comments=(comment(2**62),)))),
    "comment-id-duplicate": (wxr(item(1, comments=(comment(7),)), item(2, comments=(comment(7),))),
                             wxr(item(1, comments=(comment(7),)), item(2, comments=(comment(8),)))),
    "slug-duplicate": (wxr(item(1, slug="a"), item(2, slug="a")),
                       wxr(item(1, slug="a"), item(2, slug="a", status="draft"), item(3, slug="a", type="page"))),
    "slug-empty": (wxr(item(1, slug="")),
                   wxr(item(1, slug="", status="draft"), item(2, slug="", type="nav_menu_item"),
                       item(3, slug="", type="attachment", status="inherit",
                            attachment_url="https://example.org/a.jpg"))),
    "comment-parent-missing": (wxr(item(1, comments=(comment(2, parent=99),))),
                               wxr(item(1, comments=(comment(3, parent=2), comment(2))))),
    "comment-parent-other-post": (wxr(item(1, comments=(comment(1),)), item(2, comments=(comment(2, parent=1),))),
                                  wxr(item(1, comments=(comment(1),)), item(2, comments=(comment(2),)))),
    "comment-parent-cycle": (wxr(item(1, comments=(comment(1, parent=2), comment(2, parent=1)))),
                             wxr(item(1, comments=(comment(1), comment(2, parent=1))))),
    "post-parent-missing": (wxr(item(1, type="page", parent=99)),
                            # a parent defined after its child still counts
                            wxr(item(1, type="page", parent=2), item(2, type="page"))),
    "post-parent-cycle": (wxr(item(1, type="page", parent=2), item(2, type="page", parent=1)),
                          wxr(item(1, type="page", parent=2), item(2, type="page"))),
    "attachment-parent-missing": (wxr(attachment(1, parent=99)), wxr(attachment(1, parent=2), item(2))),
    "thumbnail-missing": (wxr(item(1, meta=(("_thumbnail_id", "99"),))),
                          wxr(item(1, meta=(("_thumbnail_id", "2"),)), attachment(2, parent=1))),
    "thumbnail-not-attachment": (wxr(item(1, meta=(("_thumbnail_id", "2"),)), item(2)),
                                 wxr(item(1, meta=(("_thumbnail_id", "2"),)), attachment(2))),
    "creator-unknown": (wxr(item(1, creator="bob")), wxr(item(1, creator="admin"))),
    "term-undeclared": (wxr(item(1, cats=(("category", "sports"),))),
                        wxr(item(1, cats=(("category", "news"), ("post_format", "post-format-aside"),
                                          ("post_tag", "undeclared-but-no-tags-declared"))))),
    "term-parent-missing": (wxr(item(1), terms=(("category", "child", "ghost"),)),
                            wxr(item(1), terms=(("category", "top", ""), ("category", "child", "top")))),
    "date-invalid": (wxr(item(1, date="2021-02-30 10:00:00")),
                     wxr(item(1, date="2021-02-28 10:00:00", gmt="2021-02-28 08:00:00"),
                         item(2, status="draft", gmt="0000-00-00 00:00:00"))),
    "date-missing": (wxr(re.sub(r"<wp:post_date(_gmt)?>.*?</wp:post_date(_gmt)?>", "", item(1)),
                         item(2, date="", gmt="0000-00-00 00:00:00", comments=(comment(1, date="", gmt=""),))),
                     wxr(item(1), re.sub(r"<wp:post_date>.*?</wp:post_date>", "", item(2)),
                         item(3, comments=(comment(1),)))),
    # majority +02:00; +03:00 is daylight saving (accepted), +05:00 is not
    "date-offset-mismatch": (
        wxr(item(1), item(2), item(3), item(4, date="2020-01-01 15:00:00", gmt="2020-01-01 10:00:00")),
        wxr(item(1), item(2), item(3), item(4, date="2020-07-01 13:00:00", gmt="2020-07-01 10:00:00"))),
    "status-unknown": (wxr(item(1, status="weird")), wxr(item(1, status="private"), item(2, status="future"))),
    "comment-approval-unknown": (wxr(item(1, comments=(comment(1, approved="maybe"),))),
                                 wxr(item(1, comments=(comment(1, approved="spam"), comment(2, approved="0"))))),
    "meta-serialized-invalid": (wxr(item(1, meta=(("opts", 'a:1:{s:3:"ab";i:1;}'),))),
                                wxr(item(1, meta=(("opts", 'a:1:{s:2:"ab";i:1;}'), ("plain", "a:b"))))),
    "attachment-url-invalid": (wxr(attachment(1, url="not a url")),
                               wxr(attachment(1), attachment(2, url="/wp-content/uploads/x.jpg"))),
    "block-unbalanced": (wxr(item(1, content="<!-- wp:paragraph -->\n<p>x</p>\n<!-- wp:quote -->q<!-- /wp:quote -->")),
                         wxr(item(1, content="<!-- wp:paragraph -->\n<p>x</p>\n<!-- /wp:paragraph -->\n<!-- wp:spacer /-->"))),
    "shortcode-unknown": (wxr(item(1, content='Text\n[myplugin_box color="red"]x[/myplugin_box]')),
                          wxr(item(1, content='[gallery ids="1,2"] and [sic] and [1]'))),
    "link-internal-missing": (wxr(item(1, content='<a href="https://example.org/2020/01/01/gone/">x</a>')),
                              wxr(item(1, content='<a href="https://example.org/item-2/">x</a> '
                                       '<a href="/item-2/2/">page 2</a> <a href="https://other.example/x/">o</a> '
                                       '<a href="https://example.org/wp-content/uploads/a.pdf">f</a> '
                                       '<a href="https://example.org/category/news/">c</a>'),
                                  item(2))),
}

#: A byte that marks where the failing fixture's finding must be (line and column).
MARKERS: dict[str, bytes] = {
    "xml-control-char": b"\x07",
    "encoding-invalid-utf8": b"\xe9",
    "date-invalid": b"2021-02-30",
    "status-unknown": b"weird",
    "creator-unknown": b"bob",
}


def _position(doc: object, marker: bytes) -> tuple[int, int]:
    data = doc if isinstance(doc, bytes) else str(doc).encode()
    for n, line in enumerate(data.split(b"\n"), 1):
        if marker in line:
            return n, len(line[:line.index(marker)].decode("utf-8", "replace")) + 1
    raise AssertionError(marker)


def test_every_rule_has_a_case():
    assert set(CASES) == set(RULES)


def _paths(tmp: Path, doc: object) -> list[str]:
    docs = doc if isinstance(doc, list) else [doc]
    return [str(write(tmp, d, f"part{i}.xml")) for i, d in enumerate(docs)]


@pytest.mark.parametrize("code", sorted(CASES))
def test_rule_fails_and_passes(code: str, tmp_path: Path):
    failing, passing = CASES[code]
    bad = tmp_path / "bad"
    good = tmp_path / "good"
    bad.mkdir()
    good.mkdir()
    one_site = code == "item-duplicate"
    res = validate(_paths(bad, failing), one_site=one_site)
    found = [f for f in res.findings if f.code == code]
    assert found, f"{code} not reported: {[str(f) for f in res.findings]}"
    f = found[0]
    assert f.severity == RULES[code].severity
    assert f.file and f.line, f"{code} finding has no location: {f}"
    assert f.message and len(f.message) > 20
    if code in MARKERS:
        line, col = _position(failing, MARKERS[code])
        assert f.line == line, str(f)
        if f.column is not None:
            assert f.column == col, str(f)
    ok = validate(_paths(good, passing), one_site=one_site)
    assert not [x for x in ok.findings if x.code == code], [str(x) for x in ok.findings]


def test_item_findings_carry_id_and_title(tmp_path: Path):
    res = validate([str(write(tmp_path, wxr(item(5, title="First"), item(5, title="Second", slug="s"))))])
    (f,) = [x for x in res.findings if x.code == "post-id-duplicate"]
    assert f.item_id == 5 and f.item_title == "Second"
    assert "line" in f.message and "First" in f.message


def test_not_well_formed_points_at_line_and_column(tmp_path: Path):
    doc = wxr(item(1), item(2, link="https://example.org/?a=1&b=2"))
    line = next(i for i, ln in enumerate(doc.splitlines(), 1) if "&b=2" in ln)
    res = validate([str(write(tmp_path, doc))])
    (f,) = [x for x in res.findings if x.code == "xml-not-well-formed"]
    # libxml2's column: just after the entity name it could not finish ("&b" then no ';')
    assert (f.line, f.column) == (line, doc.splitlines()[line - 1].index("&b") + 3)
    assert "&amp;" in f.message
    assert res.exit_code() == 1


def test_exact_comment_parent_line(tmp_path: Path):
    doc = wxr(item(1, comments=(comment(2, parent=99),)))
    res = validate([str(write(tmp_path, doc))])
    (f,) = [x for x in res.findings if x.code == "comment-parent-missing"]
    assert "<wp:comment_parent>99</wp:comment_parent>" in doc.splitlines()[f.line - 1]


def test_control_characters_do_not_stop_the_file(tmp_path: Path):
    doc = wxr(item(1, content="a\x0bb"), item(2, status="weird"))
    res = validate([str(write(tmp_path, doc.encode()))])
    codes = {f.code for f in res.findings}
    assert {"xml-control-char", "status-unknown"} <= codes


def test_same_line_findings_are_capped(tmp_path: Path):
    one_line = wxr(*(item(i, slug="") for i in range(1, 9))).replace("\n", " ")
    res = validate([str(write(tmp_path, one_line))], per_line=3)
    assert res.counts[("slug-empty", "warning")] == 8
    assert len([f for f in res.findings if f.code == "slug-empty"]) == 3
    assert res.repeated["slug-empty"] == 5


def test_several_files_malformed_one_does_not_stop_the_others(tmp_path: Path):
    bad = write(tmp_path, wxr(item(1, link="a&b")), "bad.xml")
    good = write(tmp_path, wxr(item(1, status="weird")), "good.xml")
    res = validate([str(bad), str(good)])
    assert {f.file for f in res.findings} == {str(bad), str(good)}
    assert [f.code for f in res.findings if f.file == str(good)] == ["status-unknown"]


def test_one_site_resolves_references_across_files(tmp_path: Path):
    a = write(tmp_path, wxr(item(1, type="page", parent=2)), "site.000.xml")
    b = write(tmp_path, wxr(item(2, type="page")), "site.001.xml")
    alone = validate([str(a), str(b)])
    assert [f.code for f in alone.findings] == ["post-parent-missing"]
    together = validate([str(a), str(b)], one_site=True)
    assert together.findings == []


def test_reference_rules_skip_missing_checks_after_a_parse_error(tmp_path: Path):
    doc = wxr(item(1, type="page", parent=2), item(2, type="page", link="x&y"))
    res = validate([str(write(tmp_path, doc))])
    assert [f.code for f in res.findings] == ["xml-not-well-formed"]


def test_handwritten_fixtures():
    assert validate([str(FIXTURES / "valid.xml")]).findings == []
    res = validate([str(FIXTURES / "broken-ampersand.xml")])
    (f,) = res.findings
    assert (f.code, f.line, f.column) == ("xml-not-well-formed", 48, 41)


def test_gzip_input(tmp_path: Path):
    import gzip

    p = tmp_path / "site.xml.gz"
    p.write_bytes(gzip.compress(wxr(item(1, status="weird")).encode()))
    res = validate([str(p)])
    assert [f.code for f in res.findings] == ["status-unknown"]


def test_rule_codes_are_stable_kebab_case():
    for code, r in RULES.items():
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", code)
        assert r.severity in ("error", "warning", "notice")
        assert "\n" not in r.summary and len(r.summary) < 160


def test_cdata_helper_roundtrip():
    assert cdata("a]]>b") == "<![CDATA[a]]]]><![CDATA[>b]]>"


def test_an_undefined_entity_is_found_at_its_place(tmp_path: Path):
    """libxml2 reports it as "no element found" at 0:0 unless its log is read."""
    doc = wxr(item(1), item(2, link="https://example.org/caf&eacute;/"))
    res = validate(_paths(tmp_path, doc))
    f, = [f for f in res.findings if f.code == "xml-not-well-formed"]
    assert f.line == _position(doc, b"&eacute;")[0] and f.column
    assert "Entity 'eacute' not defined" in f.message


def test_a_comment_without_any_date_is_date_missing_at_its_line(tmp_path: Path):
    undated = re.sub(r"<wp:comment_date(_gmt)?>.*?</wp:comment_date(_gmt)?>", "", comment(7))
    doc = wxr(item(1, comments=(comment(6), undated)))
    res = validate(_paths(tmp_path, doc))
    found = [f for f in res.findings if f.code == "date-missing"]
    assert len(found) == 1 and "comment" in found[0].message
    assert found[0].line == _position(doc, b"<wp:comment_id>7<")[0]


def test_empty_and_zero_dates_count_as_missing(tmp_path: Path):
    """WordPress's importer dates an item or comment whose dates are empty or
    zero at the time of the import, as if they were absent."""
    doc = wxr(item(1, date="", gmt=""),
              item(2, date="0000-00-00 00:00:00", gmt="0000-00-00 00:00:00", comments=(comment(5, date="", gmt=""),)),
              item(3, status="draft", gmt="0000-00-00 00:00:00", comments=(comment(6, gmt="0000-00-00 00:00:00"),)),
              item(4, date="2020-13-01 10:00:00", gmt=""))
    res = validate([str(write(tmp_path, doc))])
    missing = sorted(f.line for f in res.findings if f.code == "date-missing")
    lines = doc.split("\n")
    starts = [n for n, t in enumerate(lines, 1) if t == "<item>"]
    comment_5 = next(n for n, t in enumerate(lines, 1) if "<wp:comment_id>5<" in t)
    assert missing == sorted([starts[0], starts[1], comment_5])
    assert [f.code for f in res.findings if f.code == "date-invalid"] == ["date-invalid"]
