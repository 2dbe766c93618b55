"""Input forms and versions: gz, zip, split sites, WXR 1.0, https namespaces,
split CDATA, plain-text fields, and the errors a bad file gets."""

from __future__ import annotations

import gzip
import zipfile
from pathlib import Path

import pytest

import migrate
from migrate.errors import InputError, UnsafeInputError
from tests.conftest import CORPUS, SAMPLES

HEAD = """<?xml version="1.0" encoding="UTF-8" ?>
<!-- generator="WordPress/6.5" created="2024-05-01 10:00" -->
<rss version="2.0" xmlns:excerpt="{ns}excerpt/" xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:wfw="http://wellformedweb.org/CommentAPI/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="{ns}">
<channel>
<title>Test site</title><link>https://example.org</link><description>d</description>
<language>en-US</language><wp:wxr_version>{version}</wp:wxr_version>
<wp:base_site_url>https://example.org</wp:base_site_url><wp:base_blog_url>https://example.org</wp:base_blog_url>
{channel}
"""


def item(pid: int, body: str = "", extra: str = "", **f: str) -> str:
    return f"""<item><title>{f.get('title', f'Post {pid}')}</title><link>https://example.org/?p={pid}</link>
<dc:creator><![CDATA[{f.get('creator', 'admin')}]]></dc:creator><guid isPermaLink="false">https://example.org/?p={pid}</guid>
<description></description><content:encoded><![CDATA[{body}]]></content:encoded><excerpt:encoded><![CDATA[]]></excerpt:encoded>
<wp:post_id>{pid}</wp:post_id><wp:post_date><![CDATA[2024-01-02 10:00:00]]></wp:post_date>
<wp:post_date_gmt><![CDATA[2024-01-02 08:00:00]]></wp:post_date_gmt><wp:post_name><![CDATA[post-{pid}]]></wp:post_name>
<wp:status><![CDATA[{f.get('status', 'publish')}]]></wp:status><wp:post_parent>{f.get('parent', 0)}</wp:post_parent>
<wp:menu_order>0</wp:menu_order><wp:post_type><![CDATA[{f.get('type', 'post')}]]></wp:post_type>
{extra}</item>
"""


def wxr(items: str, *, ns: str = "http://wordpress.org/export/1.2/", version: str = "1.2", channel: str = "") -> str:
    return HEAD.format(ns=ns, version=version, channel=channel) + items + "</channel>\n</rss>\n"


def write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def ids(path, **kw) -> list[int]:
    return [p.id for p in migrate.read(path, **kw).posts()]


def test_generated_export_matches_generator_counts(generated_200):
    path, expected = generated_200
    got = migrate.info(path)
    assert got["items"] == expected["items"]
    assert got["post_types"] == expected["post_types"]
    assert got["statuses"] == expected["statuses"]
    assert got["comments"] == expected["comments"]
    assert got["comment_kinds"] == expected["comment_types"]
    assert got["threaded_comments"] == expected["threaded_comments"]
    assert got["max_thread_depth"] == expected["max_depth"]
    assert got["authors"] == expected["authors"]
    assert got["terms"]["category"] == expected["categories"]
    assert got["terms"]["post_tag"] == expected["tags"]
    assert sum(n for t, n in got["terms"].items() if t not in ("category", "post_tag")) == expected["terms"]


def test_gzip_and_zip_inputs(tmp_path, generated_200):
    path, expected = generated_200
    gz = tmp_path / "site.xml.gz"
    gz.write_bytes(gzip.compress(path.read_bytes()))
    assert migrate.info(gz)["items"] == expected["items"]
    zp = tmp_path / "site.zip"
    with zipfile.ZipFile(zp, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(path, "export/site.wordpress.2024-01-01.000.xml")
        zf.writestr("__MACOSX/._junk.xml", b"junk")
        zf.writestr("readme.txt", b"not an export")
    assert migrate.info(zp)["items"] == expected["items"]


def test_corrupt_gzip_is_a_clear_error(tmp_path):
    bad = tmp_path / "broken.xml.gz"
    bad.write_bytes(gzip.compress(wxr(item(1)).encode())[:-30])
    with pytest.raises(InputError) as err:
        list(migrate.read(bad).posts())
    assert str(bad) in str(err.value)


def test_split_site_dedups_and_resolves_across_files(tmp_path):
    a = write(tmp_path, "site.000.xml", wxr(item(1) + item(2), channel="<wp:author><wp:author_id>1</wp:author_id><wp:author_login><![CDATA[admin]]></wp:author_login></wp:author><wp:category><wp:term_id>3</wp:term_id><wp:category_nicename><![CDATA[news]]></wp:category_nicename><wp:category_parent><![CDATA[]]></wp:category_parent><wp:cat_name><![CDATA[News]]></wp:cat_name></wp:category>"))
    b = write(tmp_path, "site.001.xml", wxr(item(2) + item(3, parent="1", type="page"), channel="<wp:author><wp:author_id>1</wp:author_id><wp:author_login><![CDATA[admin]]></wp:author_login></wp:author><wp:category><wp:term_id>3</wp:term_id><wp:category_nicename><![CDATA[news]]></wp:category_nicename><wp:category_parent><![CDATA[]]></wp:category_parent><wp:cat_name><![CDATA[News]]></wp:cat_name></wp:category>"))
    report = migrate.Report()
    export = migrate.read([a, b], report=report)
    assert [p.id for p in export.posts()] == [1, 2, 3]
    assert len(export.site.authors) == 1 and len(export.site.terms) == 1
    assert report.counts == {"item-duplicate": 1}
    dup, = list(report)
    assert dup.file == str(b) and dup.item_id == 2 and dup.line
    # the folder form reads the same files in natural order
    assert ids(tmp_path) == [1, 2, 3]


def test_same_file_repeated_ids_are_kept(tmp_path):
    p = write(tmp_path, "x.xml", wxr(item(7) + item(7)))
    assert ids(p) == [7, 7]


def test_items_without_an_id_get_stand_in_ids_and_a_finding(tmp_path):
    """Tools other than WordPress write items without <wp:post_id>; each is its own item."""
    no_id = item(0).replace("<wp:post_id>0</wp:post_id>", "")
    text = wxr(item(5) + item(0) + no_id + item(0).replace("<wp:post_id>0<", "<wp:post_id>abc<"))
    a = write(tmp_path, "a.xml", text)
    report = migrate.Report()
    posts = list(migrate.read(a, report=report).posts())
    lines = [p.source.line for p in posts]
    assert [p.id for p in posts] == [5, -lines[1], -lines[2], -lines[3]]
    assert report.counts == {"item-id-missing": 3}
    assert [f.line for f in report] == lines[1:] and all(f.file == str(a) for f in report)
    # items written on one line (a minified export) are told apart too
    one_line = write(tmp_path, "one-line.xml", wxr(item(0) + item(0)).replace("\n", " "))
    assert ids(one_line) == [-1, -10_000_000_000_001]
    # a later file of a split export: its stand-ins cannot meet the first file's
    b = write(tmp_path, "b.xml", wxr(item(0)))
    assert ids([a, b])[-1] == -(1_000_000_000 + lines[0])
    # written back to WXR, the item has WordPress's "no id" again
    migrate.convert([a], "wxr", tmp_path / "out.xml")
    back = (tmp_path / "out.xml").read_text()
    assert back.count("<wp:post_id>0</wp:post_id>") == 3 and "-" + str(lines[1]) not in back


def test_comments_without_an_id_get_stand_in_ids_and_a_finding(tmp_path):
    from tests.validate.wxrgen import comment

    no_id = comment(0).replace("<wp:comment_id>0</wp:comment_id>", "")
    p = write(tmp_path, "c.xml", wxr(item(1, extra=comment(4) + no_id + comment(0) + comment(5, parent=4))))
    report = migrate.Report()
    post, = migrate.read(p, report=report).posts()
    lines = [c.source.line for c in post.comments]
    assert lines[1] == lines[2]  # written on one line: the second on that line is told apart
    assert [c.id for c in post.comments] == [4, -lines[1], -(lines[2] + 10_000_000_000_000), 5]
    assert [c.parent for c in post.comments] == [0, 0, 0, 4]
    assert report.counts == {"comment-id-missing": 2}
    assert [f.line for f in report] == lines[1:3] and {f.item_id for f in report} == {1}


def test_https_namespace_and_wordpress_com_authors(tmp_path):
    ch = "<wp:wp_author><wp:author_login>jo</wp:author_login><wp:author_email>jo@example.com</wp:author_email></wp:wp_author>"
    p = write(tmp_path, "com.xml", wxr(item(1), ns="https://wordpress.org/export/1.2/", channel=ch))
    export = migrate.read(p)
    a, = export.site.authors
    assert (a.login, a.id, a.email, a.element) == ("jo", None, "jo@example.com", "wp_author")
    assert export.site.generator == "WordPress/6.5"
    assert ids(p) == [1]


def test_wxr_10_builds_authors_and_terms_from_items(tmp_path):
    cats = ('<category><![CDATA[Life]]></category><category domain="category" nicename="life"><![CDATA[Life]]></category>'
            '<category domain="tag"><![CDATA[Tea Time]]></category>')
    p = write(tmp_path, "old.xml", wxr(item(1, extra=cats, creator="jo"), ns="http://wordpress.org/export/1.0/", version="1.0"))
    export = migrate.read(p)
    assert [a.login for a in export.site.authors] == ["jo"]
    assert {(t.taxonomy, t.slug, t.name) for t in export.site.terms} == {
        ("category", "life", "Life"), ("post_tag", "tea-time", "Tea Time")}
    assert not export.site.declares_terms
    post, = export.posts()
    assert [(t.taxonomy, t.slug) for t in post.terms] == [("", ""), ("category", "life"), ("tag", "")]


def test_split_cdata_and_plain_text_fields(tmp_path):
    body = "code ]]]]><![CDATA[> end"
    extra = "<wp:postmeta><wp:meta_key>k</wp:meta_key><wp:meta_value>a &amp; b</wp:meta_value></wp:postmeta>"
    p = write(tmp_path, "c.xml", wxr(item(1, body=body, extra=extra, title="Fish &amp; Chips &#8217;")))
    post, = migrate.read(p).posts()
    assert post.content == "code ]]> end"
    assert post.meta == (("k", "a & b"),)
    assert post.title == "Fish & Chips \u2019"


def test_dates_zero_gmt_and_aware(tmp_path):
    p = write(tmp_path, "d.xml", wxr(item(1)))
    post, = migrate.read(p).posts()
    assert post.date.aware().isoformat() == "2024-01-02T10:00:00+02:00"
    t = wxr(item(2)).replace("2024-01-02 08:00:00", "0000-00-00 00:00:00")
    post, = migrate.read(write(tmp_path, "z.xml", t)).posts()
    assert post.date.gmt == "0000-00-00 00:00:00" and post.date.gmt_dt is None
    assert post.date.aware().isoformat() == "2024-01-02T10:00:00+00:00"


def test_unknown_elements_are_kept_in_place(tmp_path):
    extra = '<wp:postmeta><wp:meta_key>a</wp:meta_key><wp:meta_value>1</wp:meta_value></wp:postmeta><podcast:episode xmlns:podcast="https://podcastindex.org/namespace/1.0">3</podcast:episode>'
    p = write(tmp_path, "u.xml", wxr(item(1, extra=extra)).replace("<language>", "<generator>https://wordpress.org/?v=6.5</generator><language>"))
    export = migrate.read(p)
    assert any("generator" in e.xml for e in export.site.extra)
    post, = export.posts()
    ex, = post.extra
    assert "podcast:episode" in ex.xml and ">3<" in ex.xml
    assert ex.position == 16


@pytest.mark.parametrize("text, message", [
    ("", "the file is empty"),
    ("hello, world", "not XML"),
    ('<?xml version="1.0"?><html><body/></html>', "root element is <html>"),
    ('<?xml version="1.0"?><rss version="2.0"><channel><title>feed</title><item><title>x</title></item></channel></rss>', "plain RSS feed"),
])
def test_not_wxr(tmp_path, text, message):
    p = write(tmp_path, "n.xml", text)
    with pytest.raises(InputError) as err:
        migrate.read(p)
    assert message in str(err.value) and str(p) in str(err.value)


def test_html_entities_are_named_at_their_place_and_repaired_on_request(tmp_path):
    """Other tools write HTML's named entities outside CDATA; XML knows five."""
    text = wxr(item(1, title="Caf&eacute;&nbsp;night &amp; day &bogus; &#233;"))
    p = write(tmp_path, "e.xml", text)
    line = text.splitlines().index(next(l for l in text.splitlines() if "&eacute;" in l)) + 1
    with pytest.raises(InputError) as err:
        list(migrate.read(p).posts())
    assert f"e.xml:{line}:" in str(err.value) and "Entity 'eacute' not defined" in str(err.value)
    report = migrate.Report()
    post, = migrate.read(p, recover=True, report=report).posts()
    assert post.title == "Caf\u00e9\u00a0night & day &bogus; \u00e9"
    assert report.counts == {"xml-html-entity-repaired": 1, "xml-stray-ampersand-repaired": 1}
    assert {f.line for f in report} == {line}


def test_doctype_is_refused_before_parsing(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET")
    text = f'<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY x SYSTEM "file://{secret}">]>\n' + wxr(item(1, body="&x;")).split("\n", 1)[1]
    p = write(tmp_path, "e.xml", text)
    with pytest.raises(UnsafeInputError) as err:
        migrate.read(p)
    assert f"{p}:2:" in str(err.value) and "DOCTYPE" in str(err.value)


def test_control_characters_and_truncation_recover(tmp_path):
    text = wxr(item(1, body="bell\x0b and esc\x1b") + item(2) + item(3))
    p = write(tmp_path, "ctl.xml", text)
    with pytest.raises(InputError) as err:
        list(migrate.read(p).posts())
    assert err.value.line and "--recover" in str(err.value)
    report = migrate.Report()
    posts = list(migrate.read(p, recover=True, report=report).posts())
    assert [x.id for x in posts] == [1, 2, 3] and posts[0].content == "bell and esc"
    fixed, = [f for f in report if f.code == "xml-invalid-char-repaired"]
    assert fixed.line == text[:text.index("bell")].count("\n") + 1

    cut = text[: text.index("<wp:post_id>3")]
    t = write(tmp_path, "cut.xml", cut)
    with pytest.raises(InputError):
        list(migrate.read(t).posts())
    report = migrate.Report()
    assert [x.id for x in migrate.read(t, recover=True, report=report).posts()] == [1, 2]
    trunc, = [f for f in report if f.code == "xml-truncated"]
    assert "incomplete" in trunc.message and trunc.line


def test_version_findings(tmp_path):
    report = migrate.Report()
    migrate.read(write(tmp_path, "v.xml", wxr(item(1), version="1.3")), report=report)
    assert report.counts == {"wxr-version-newer": 1}
    report = migrate.Report()
    migrate.read(write(tmp_path, "w.xml", wxr(item(1)).replace("<wp:wxr_version>1.2</wp:wxr_version>", "")), report=report)
    assert report.counts == {"wxr-version-missing": 1}


def test_missing_file_and_folder_errors(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        migrate.read(tmp_path / "nope.xml")
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="holds no export"):
        migrate.read(tmp_path / "empty")


def test_corpus_multiple_folder_reads_as_one_site():
    folder = CORPUS / "tryghost-mg-wp-xml" / "multiple"
    posts = list(migrate.read(folder, recover=True).posts())
    assert len(posts) == len({p.id for p in posts}) == 6


def test_channel_elements_after_items_are_reported(tmp_path):
    text = wxr(item(1)).replace("</channel>", "<wp:category><wp:term_id>9</wp:term_id><wp:category_nicename>late</wp:category_nicename></wp:category></channel>")
    report = migrate.Report()
    assert ids(write(tmp_path, "late.xml", text), report=report) == [1]
    late, = [f for f in report if f.code == "channel-after-items"]
    assert "wp:category" in late.message and late.line


def test_serialized_meta_decodes_on_request_and_stays_raw():
    from migrate.phpserial import PhpSerialError

    post = next(p for p in migrate.read(SAMPLES / "site-structure.xml").posts()
                if p.meta_value("_wp_attachment_metadata"))
    raw = post.meta_value("_wp_attachment_metadata")
    assert raw.startswith("a:") and post.meta_decoded("_wp_attachment_metadata")["file"]
    assert post.meta_decoded("no-such-key", "absent") == "absent"
    broken = migrate.Post(1, meta=(("k", 's:99:"short";'),))
    with pytest.raises(PhpSerialError):
        broken.meta_decoded("k")
    assert migrate.Post(1, meta=(("k", "plain"),)).meta_decoded("k") == "plain"
