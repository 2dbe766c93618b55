"""The shared static-site core: slugs, collisions, comments, front matter, output safety."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
import yaml

import migrate
from migrate.errors import OutputError, Report
from migrate.model import Comment, Post, Site, WPDate, in_memory
from migrate.writers.static import core, frontmatter

SITE = Site(title="T", link="https://ex.example")


def post(pid: int, slug: str = "", title: str = "", **kw) -> Post:
    kw.setdefault("date", WPDate("2012-05-01 10:00:00", "2012-05-01 08:00:00"))
    return Post(id=pid, slug=slug, title=title, status=kw.pop("status", "publish"), **kw)


def files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_slugs_decoded_unicode_kept_and_never_escaping(tmp_path):
    posts = [
        post(1, "%e4%b8%ad%e6%96%87-post", "中文"),
        post(2, "", "Hello, World!"),
        post(3, "", ""),
        post(4, "../../etc/passwd", "x"),
        post(5, "con", "Reserved"),
    ]
    migrate.write(in_memory(SITE, posts), "hugo", tmp_path / "s")
    names = sorted(p.parent.name for p in (tmp_path / "s/content/posts").glob("*/index.md"))
    assert names == sorted(["中文-post", "hello-world", "post-3", "etc-passwd", "_con"])
    assert not (tmp_path / "etc").exists()


def test_collisions_get_suffixes_by_id_whatever_the_file_order(tmp_path):
    a = [post(30, "same", "A"), post(10, "same", "B"), post(20, "same", "C")]
    rep = Report()
    migrate.write(in_memory(SITE, a), "hugo", tmp_path / "a", {}, rep)
    migrate.write(in_memory(SITE, list(reversed(a))), "hugo", tmp_path / "b", {}, Report())
    assert files(tmp_path / "a") == files(tmp_path / "b")
    text = (tmp_path / "a/content/posts/same/index.md").read_text()
    assert "wp_id: 10" in text
    assert "wp_id: 30" in (tmp_path / "a/content/posts/same-3/index.md").read_text()
    assert rep.counts["slug-collision"] == 2


def test_output_is_deterministic(tmp_path):
    src = Path(__file__).resolve().parents[2] / "samples" / "site-structure.xml"
    for n in "ab":
        migrate.convert([src], "jekyll", tmp_path / n)
    assert files(tmp_path / "a") == files(tmp_path / "b")


def _commented() -> Post:
    cs = (
        Comment(id=1, author="A", author_email=" Alice@Example.COM ", author_ip="192.0.2.55", content="hi"),
        Comment(id=2, parent=1, approved="0", author="B", author_email="b@example.com", content="pending"),
        Comment(id=3, parent=2, author="C", author_email="c@example.com", content="reply to pending"),
        Comment(id=4, approved="spam", author="S", author_email="s@example.com", content="buy"),
        Comment(id=5, approved="trash", author="T", content="gone"),
        Comment(id=6, type="pingback", author="Blog", author_url="https://other.example/x", content="[…] ping"),
    )
    return post(1, "c", "C", comments=cs)


@pytest.mark.parametrize("choice,ids", [
    ("approved", [1, 3, 6]), ("pending", [1, 2, 3, 6]), ("none", []), ("all", [1, 2, 3, 4, 5, 6]),
])
def test_comments_option(tmp_path, choice, ids):
    rep = Report()
    migrate.write(in_memory(SITE, [_commented()]), "hugo", tmp_path / "s", {"comments": choice}, rep)
    data = tmp_path / "s/data/comments/c.json"
    got = [c["id"] for c in json.loads(data.read_text())["comments"]] if data.exists() else []
    assert sorted(got) == ids
    if choice == "approved":
        recs = {c["id"]: c for c in json.loads(data.read_text())["comments"]}
        assert recs[3]["parent"] == 1  # the pending parent is hidden: nearest shown ancestor
        assert recs[1]["email_md5"] == core.email_hash("alice@example.com")
        assert rep.counts["comment-skipped-spam"] == 1 and rep.counts["comment-skipped-pending"] == 1
    for p in (tmp_path / "s").rglob("*"):
        if p.is_file():
            t = p.read_text(errors="replace").lower()
            assert "alice@example.com" not in t and "192.0.2.55" not in t


@pytest.mark.parametrize("writer", ["hugo", "jekyll", "pelican"])
def test_private_comments_are_never_published(tmp_path, writer):
    """Editorial notes (WordPress 6.9) and order notes are admin-only, approved or not;
    a comment under a note moves up to the note's parent."""
    cs = (
        Comment(id=1, author="A", content="public"),
        Comment(id=2, parent=1, type="note", author="Editor", content="rewrite this paragraph"),
        Comment(id=3, parent=2, author="B", content="reply under the note"),
        Comment(id=4, type="order_note", approved="0", content="paid by card"),
    )
    rep = Report()
    site = tmp_path / "s"
    migrate.write(in_memory(SITE, [post(1, "c", "C", comments=cs)]), writer, site, {"comments": "all"}, rep)
    text = "\n".join(p.read_text(errors="replace") for p in site.rglob("*") if p.is_file())
    assert "public" in text and "reply under the note" in text
    assert "rewrite this paragraph" not in text and "paid by card" not in text
    found, = [f for f in rep if f.code == "comment-skipped-private"]
    assert found.message.startswith("2 private comment(s)")
    if writer == "hugo":
        recs = {c["id"]: c for c in json.loads((site / "data/comments/c.json").read_text())["comments"]}
        assert sorted(recs) == [1, 3] and recs[3]["parent"] == 1


@pytest.mark.parametrize("writer", ["hugo", "jekyll", "pelican"])
def test_plugins_private_post_types_are_not_pages(tmp_path, writer):
    """A contact form response or a coupon is 'publish' in the export, yet no page of the site."""
    items = [post(1, "hello", "Hello", content="public words"),
             post(2, "", "Jane Roe", type="feedback",
                  content="AUTHOR: Jane Roe\nAUTHOR EMAIL: jane@example.com\nIP: 198.51.100.7\n\nCall me"),
             post(3, "summer", "summer", type="shop_coupon", content="SUMMER-50-OFF"),
             post(4, "shoes", "Shoes", type="product", content="shoe words")]
    rep = Report()
    site = tmp_path / "s"
    migrate.write(in_memory(SITE, items), writer, site, {}, rep)
    text = "\n".join(p.read_text(errors="replace") for p in site.rglob("*") if p.is_file())
    assert "public words" in text and "shoe words" in text
    assert "jane@example.com" not in text and "Jane Roe" not in text and "SUMMER-50-OFF" not in text
    skipped = sorted(f.message for f in rep if f.code == "item-skipped")
    assert skipped == ["1 item(s) with type feedback are not pages of a static site and were not written",
                       "1 item(s) with type shop_coupon are not pages of a static site and were not written"]


def test_comments_flag_off(tmp_path):
    migrate.write(in_memory(SITE, [_commented()]), "hugo-comments", tmp_path / "s")
    assert not (tmp_path / "s/data").exists()


def test_front_matter_formats_parse_back():
    from datetime import datetime, timedelta, timezone
    d = datetime(2011, 3, 7, 22, 20, 5, tzinfo=timezone(timedelta(hours=8)))
    data = {"title": 'He said "hi"\n\u2028: {x}', "date": d, "draft": False, "tags": ["a, b", "c++"],
            "params": {"wp_id": 3, "author": "Zoë"}}
    y = yaml.safe_load(frontmatter.yaml_text(data))
    assert y["title"] == data["title"] and y["tags"] == data["tags"] and y["params"]["author"] == "Zoë"
    t = tomllib.loads(frontmatter.toml_text(data))
    assert t["title"] == data["title"] and t["date"] == d and t["params"]["wp_id"] == 3
    j = json.loads(frontmatter.json_text(data))
    assert j["date"] == "2011-03-07T22:20:05+08:00"


def test_hugo_escape():
    assert core.hugo_escape("a {{< x >}} b") == "a {{</* x */>}} b"
    assert core.hugo_escape("{{% y %}}") == "{{%/* y */%}}"
    assert "{{<" not in core.hugo_escape("lone {{< here").replace("{{</*", "")
    assert core.escape_body_start("---\nx") == "\\---\nx"


def test_failed_run_leaves_previous_output(tmp_path, monkeypatch):
    out = tmp_path / "s"
    migrate.write(in_memory(SITE, [post(1, "one", "One")]), "hugo", out)
    before = files(out)

    def boom(*a, **k):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(core, "to_markdown", boom)
    with pytest.raises(RuntimeError):
        migrate.write(in_memory(SITE, [post(2, "two", "Two")]), "hugo", out)
    assert files(out) == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".s.tmp")]


def test_refuses_foreign_folder(tmp_path):
    (tmp_path / "s").mkdir()
    (tmp_path / "s" / "mine.txt").write_text("keep")
    with pytest.raises(OutputError):
        migrate.write(in_memory(SITE, [post(1, "one", "One")]), "hugo", tmp_path / "s")
    assert (tmp_path / "s" / "mine.txt").read_text() == "keep"


def test_password_protected_posts_become_drafts(tmp_path):
    rep = Report()
    migrate.write(in_memory(SITE, [post(1, "secret", "S", password="pw")]), "hugo", tmp_path / "s", {}, rep)
    assert "draft: true" in (tmp_path / "s/content/posts/secret/index.md").read_text()
    assert rep.counts["password-protected"] == 1


# ---------------------------------------------------------------- pass two in worker processes

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


@pytest.mark.parametrize("writer", ["hugo", "jekyll", "pelican"])
def test_jobs_1_and_2_write_the_same_bytes_and_findings(tmp_path, writer):
    inputs = [SAMPLES / "site-structure.xml"]
    one = migrate.convert(inputs, writer, tmp_path / "one", {"jobs": "1"})
    two = migrate.convert(inputs, writer, tmp_path / "two", {"jobs": "2"})
    assert files(tmp_path / "one") == files(tmp_path / "two")
    assert one.counts == two.counts
    assert [str(f) for f in one] == [str(f) for f in two]


def test_jobs_in_workers_on_many_items_keeps_order_and_comments(tmp_path):
    posts = [post(i, f"p{i}", f"Post {i}", content=f"<p>Body {i} https://ex.example/p{i - 1}/</p>",
                  comments=(Comment(id=1000 + i, content=f"nice {i} mail me at a{i}@ex.example",
                                    author_email=f"a{i}@ex.example",
                                    date=WPDate("2012-05-02 10:00:00", "2012-05-02 08:00:00")),))
             for i in range(1, 120)]
    exp = in_memory(SITE, posts)
    migrate.write(exp, "hugo", tmp_path / "one", {"jobs": "1"})
    migrate.write(exp, "hugo", tmp_path / "two", {"jobs": "2"})
    a, b = files(tmp_path / "one"), files(tmp_path / "two")
    assert a == b
    data = json.loads(a["data/comments/p7.json"])
    assert data["post_id"] == 7 and "[removed]" in data["comments"][0]["content_html"]


@pytest.mark.parametrize("bad", ["0", "-1", "two"])
def test_jobs_must_be_a_positive_number(tmp_path, bad):
    with pytest.raises(migrate.errors.UsageError):
        migrate.write(in_memory(SITE, [post(1, "a")]), "hugo", tmp_path / "s", {"jobs": bad})


def test_gallery_without_ids_shows_the_posts_attached_images(tmp_path):
    def att(aid: int, parent: int, name: str) -> Post:
        return post(aid, name, name.title(), type="attachment", status="inherit", parent=parent,
                    attachment_url=f"https://ex.example/wp-content/uploads/2012/05/{name}.jpg")

    posts = [post(1, "g", "G", content="[gallery]"), att(3, 1, "third"), att(2, 1, "second"),
             att(4, 9, "elsewhere")]
    report = Report()
    migrate.write(in_memory(SITE, posts), "hugo", tmp_path / "s", report=report)
    body = (tmp_path / "s/content/posts/g/index.md").read_text()
    assert "second.jpg" in body and "third.jpg" in body and "elsewhere" not in body
    assert body.index("second.jpg") < body.index("third.jpg")  # id order when menu_order ties
    assert "gallery-unresolved" not in report.counts


def test_gallery_follows_menu_order_before_id(tmp_path):
    def att(aid: int, order: int, name: str) -> Post:
        return post(aid, name, name.title(), type="attachment", status="inherit", parent=1, menu_order=order,
                    attachment_url=f"https://ex.example/wp-content/uploads/2012/05/{name}.jpg")

    posts = [post(1, "g", "G", content="[gallery]"), att(2, 5, "last"), att(3, 1, "first")]
    migrate.write(in_memory(SITE, posts), "hugo", tmp_path / "s")
    body = (tmp_path / "s/content/posts/g/index.md").read_text()
    assert body.index("first.jpg") < body.index("last.jpg")


def test_items_are_read_once_and_converted_from_the_spool(tmp_path):
    """Pass two converts what pass one spooled: a second pass over the export is never asked for."""
    posts = [post(i, f"p{i}", f"Post {i}", content=f"<p>Body {i}</p>") for i in range(1, 60)]
    opened: list[int] = []

    def open_posts():
        opened.append(1)
        return iter(posts)

    exp = migrate.model.Export(SITE, open_posts)
    for jobs in ("1", "2"):
        opened.clear()
        migrate.write(exp, "hugo", tmp_path / jobs, {"jobs": jobs})
        assert len(opened) == 1
    assert files(tmp_path / "1") == files(tmp_path / "2")
    assert "Body 59" in files(tmp_path / "1")["content/posts/p59/index.md"].decode()


def test_spool_keeps_file_order_first_copy_of_an_id_and_what_this_process_handles(tmp_path):
    att = Post(id=7, type="attachment", status="inherit", attachment_url="https://ex.example/wp-content/uploads/a.jpg")
    skipped = Post(id=8, type="nav_menu_item", comments=(Comment(id=1), Comment(id=2)))
    items = [post(i, f"p{i}") for i in range(100, core.CHUNK_SIZE + 102)]
    dup = post(100, "again")
    spool = core._Spool(tmp_path / "spool")
    idents = list(spool.fill([items[0], att, dup, skipped, *items[1:]]))
    spool.done_writing()
    # every identity, the repeat too (the planner reports it); only the first copy is spooled
    assert [i.id for i in idents] == [100, 7, 100, 8] + [p.id for p in items[1:]]
    frames = list(spool.frames())
    assert [f[0] for f in frames] == [[("attachment", 7, att.attachment_url), ("comments", 2)], []]
    got = [p for _, where in frames for p in core._read_posts(where)]
    assert got == items  # the later copy of id 100 is not there, order kept
    assert len(core._read_posts(frames[0][1])) == core.CHUNK_SIZE


def test_a_path_chosen_twice_is_refused_when_workers_write(tmp_path, monkeypatch):
    """Two items planned onto one file: refused whether this process or a worker wrote it."""
    from migrate.writers.static.hugo import HugoFlavour

    orig = HugoFlavour.place

    def place(self, entry, planner):
        orig(self, entry, planner)
        if entry.id in (3, 30):
            entry.file = "content/posts/same.md"

    monkeypatch.setattr(HugoFlavour, "place", place)
    posts = [post(i, f"p{i}") for i in range(1, 40)]
    for jobs in ("1", "2"):
        with pytest.raises(OutputError, match="two things were to be written"):
            migrate.write(in_memory(SITE, posts), "hugo", tmp_path / f"s{jobs}", {"jobs": jobs})
        assert not (tmp_path / f"s{jobs}").exists()
        assert not [p for p in tmp_path.iterdir() if p.name.startswith(f".s{jobs}.")], "no temporary left"


@given(st.text())
def test_yaml_str_quotes_as_json_does_plus_yamls_own_line_breaks(s):
    import re

    want = re.sub("[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]", lambda m: f"\\u{ord(m.group()):04x}",
                  json.dumps(s, ensure_ascii=False))
    assert frontmatter.yaml_str(s) == want
    assert yaml.safe_load(f"k: {frontmatter.yaml_str(s)}")["k"] == s


def test_workers_read_the_same_plan_from_its_store(tmp_path):
    """Worker processes get the converter with its plan store by path, and answer as the writer does."""
    import io

    from migrate.writers.static.hugo import HugoFlavour
    from migrate.writers.static.plan_store import PlanStore

    exp = migrate.read([SAMPLES / "site-structure.xml"])
    flavour = HugoFlavour({})
    planner = core.Planner(exp, flavour, {}, Report(), store=PlanStore(tmp_path / "plan.sqlite"))
    conv = core._Converter(flavour, planner, None)
    buf = io.BytesIO()
    core.dump_plan(conv, buf)
    assert len(buf.getvalue()) < 8192, "the plan goes by the path of its store, not by value"
    buf.seek(0)
    got = core.load_plan(buf).planner
    for name in ("entries", "identities", "media", "attachments", "children"):
        assert list(getattr(got, name).items()) == list(getattr(planner, name).items()), name
    assert list(got.entries.items()) and list(got.identities.items())
    for e in planner.entries.values():
        old = planner.identities[e.id]
        assert got.urlmap.new_url_of(old) == planner.urlmap.new_url_of(old)
        for url in (old.link, old.guid):
            assert got.urlmap.resolve(url) == planner.urlmap.resolve(url)
    assert list(got.redirect_pairs.sorted()) == list(planner.redirect_pairs.sorted())


# ------------------------------------------------------------ pass one in halves

def _halves_export(tmp_path, n: int = 60, *, extra_items: tuple[str, ...] = (), tail: str = "") -> Path:
    from tests.validate.wxrgen import attachment, comment, item, wxr, write

    items = [item(1, type="page", slug="about"), item(2, type="page", slug="team", parent=1)]
    for i in range(10, 10 + n):
        items.append(item(i, content=f"<p>Post {i} links <a href='https://example.org/item-{i + 1}/'>next</a></p>",
                          comments=(comment(1000 + i), comment(5000 + i, parent=1000 + i))))
        if i % 7 == 0:
            items.append(attachment(900 + i, parent=i))
    items.extend(extra_items)
    text = wxr(*items)
    if tail:
        text = text.replace("</channel>", tail + "\n</channel>")
    return write(tmp_path, text)


def _convert_both_ways(tmp_path, monkeypatch, inputs: list[Path], out_for=None):
    """(one piece, halves, whether halves held): output files, findings or the error."""
    from tests.writers.conftest import one_piece_and_halves

    def convert(out):
        rep = migrate.convert(inputs, "hugo", out, {"jobs": "2"})
        return files(out), [str(f) for f in rep]

    return one_piece_and_halves(monkeypatch, core, core, "_pass_one_in_halves",
                                out_for or (lambda name: tmp_path / name), convert)


def test_pass_one_in_halves_gives_what_one_piece_gives(tmp_path, monkeypatch):
    src = _halves_export(tmp_path, tail="<wp:term><wp:term_slug>late</wp:term_slug></wp:term>")
    serial, halved, held = _convert_both_ways(tmp_path, monkeypatch, [src])
    assert held
    assert serial == halved
    assert any("channel-after-items" in f for f in halved[1]), "the second half's reader findings are kept"


def test_pass_one_falls_back_when_an_id_is_in_both_halves(tmp_path, monkeypatch):
    from tests.validate.wxrgen import item

    src = _halves_export(tmp_path, extra_items=(item(10, slug="again", content="second copy"),))
    serial, halved, held = _convert_both_ways(tmp_path, monkeypatch, [src])
    assert not held
    assert serial == halved


def test_items_without_ids_are_all_written_in_one_piece_and_in_halves(tmp_path, monkeypatch):
    from tests.validate.wxrgen import item

    src = _halves_export(tmp_path, extra_items=(item("", slug="no-id-one"), item("", slug="no-id-two")))
    serial, halved, held = _convert_both_ways(tmp_path, monkeypatch, [src])
    assert held
    assert serial == halved
    written, findings = halved
    assert "content/posts/no-id-one/index.md" in written and "content/posts/no-id-two/index.md" in written
    assert sum("item-id-missing" in f for f in findings) == 2


def test_a_repeated_id_keeps_the_first_item_and_says_so(tmp_path):
    from tests.validate.wxrgen import item, wxr, write

    src = write(tmp_path, wxr(item(7, slug="first"), item(7, slug="second"), item(8)))
    report = migrate.convert([src], "hugo", tmp_path / "out")
    posts = sorted(p.parent.name for p in (tmp_path / "out/content/posts").rglob("index.md"))
    assert posts == ["first", "item-8"]
    assert report.counts.get("item-id-repeated") == 1
    found, = [f for f in report if f.code == "item-id-repeated"]
    assert found.item_id == 7 and "post id 7 is used again" in found.message


def test_pass_one_falls_back_when_the_cut_is_not_between_items(tmp_path, monkeypatch):
    from migrate.readers import halves
    from tests.validate.wxrgen import item

    src = _halves_export(tmp_path, extra_items=(item(777, content="sample feed:\n<item>\n<title>x</title>\n</item>"),))
    data = src.read_bytes()
    fake = data.index(b"\n<item>\n<title>x</title>") + 1
    monkeypatch.setattr(halves, "find_cuts", lambda source: (data.index(b"<item>"), fake))
    serial, halved, held = _convert_both_ways(tmp_path, monkeypatch, [src])
    assert not held
    assert serial == halved
    assert "sample feed" in halved[0]["content/posts/item-777/index.md"].decode()


def test_a_broken_second_half_reports_as_one_piece_does(tmp_path, monkeypatch):
    from tests.validate.wxrgen import item

    src = _halves_export(tmp_path, extra_items=(item(888).replace("</title>", "</titel>", 1),))
    serial, halved, held = _convert_both_ways(tmp_path, monkeypatch, [src])
    assert not held
    assert serial == halved
    assert serial[0] == "error" and "export.xml" in serial[1] and not serial[2]


def test_every_corpus_export_converts_the_same_in_halves(tmp_path, monkeypatch):
    """Real exports (the malformed ones too) read in halves give one piece's site, findings or error."""
    from tests.writers.conftest import corpus_inputs

    taken = 0
    for name, inputs in corpus_inputs().items():
        one, halved, held = _convert_both_ways(tmp_path, monkeypatch, inputs,
                                               lambda way, name=name: tmp_path / f"{name}-{way}")
        assert one == halved, name
        taken += held
    assert taken >= 10, "most corpus files were really read in halves"


def _convert_in_daemon(src: str, out: str, to: str, queue) -> None:
    """In a daemonic process (as a Dask worker is): every reading in halves and pool forced on."""
    from migrate.writers import json as json_writer

    core.HALVES_FROM = json_writer.HALVES_FROM = 0
    try:
        rep = migrate.convert([src], to, out, {"jobs": "2"} if to == "hugo" else {})
        queue.put(("ok", sorted(rep.counts)))
    except BaseException as exc:  # what a batch job would report
        queue.put(("failed", f"{type(exc).__name__}: {exc}"))


@pytest.mark.parametrize("to", ["hugo", "json"])
def test_a_daemonic_process_converts_without_starting_processes(tmp_path, to):
    """Dask's worker processes are daemonic: Python refuses them children, so nothing may ask for any."""
    import multiprocessing

    from tests.validate.wxrgen import item, wxr, write

    src = write(tmp_path, wxr(*[item(i, content=f"<p>Post {i}</p>") for i in range(1, 40)]))
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_convert_in_daemon, args=(str(src), str(tmp_path / "out"), to, queue), daemon=True)
    proc.start()
    status, detail = queue.get(timeout=120)
    proc.join(30)
    assert status == "ok", detail
    if to == "hugo":
        assert "jobs-in-one-process" in detail
        assert (tmp_path / "out" / "content/posts/item-39/index.md").exists()
    else:
        assert json.loads((tmp_path / "out").read_text())["items"][-1]["id"] == 39


secret_text = st.text(alphabet="abcAB.@1:0-", max_size=12)


@given(st.lists(secret_text, max_size=10) | st.lists(secret_text, min_size=70, max_size=150, unique=True),
       st.lists(secret_text, max_size=5), st.text(alphabet="abcAB.@1:0- x", max_size=60))
@example([f"reader{i}@ex.org" for i in range(100)] + ["ab", "1"], ["10.0.0.1"],
         "Ask READER17@ex.org or reader1@ex.org (10.0.0.1), ab")
def test_secrets_found_through_the_index_as_one_by_one(emails, ips, text):
    """Posts with many commenters look secrets up through an n-gram index: it finds what testing each finds."""
    from types import SimpleNamespace

    people = [SimpleNamespace(author_email=e, author_ip=ips[i % len(ips)] if ips else "") for i, e in enumerate(emails)]
    secrets = core._Secrets(people)
    low = text.lower()
    direct = [s for s, lo in zip(secrets.items, secrets.lowered) if lo in low]
    assert secrets.found(low) == direct
    out, hit = secrets.sub(text)
    assert hit == bool(direct) and (out == text) == (not direct)


def test_a_featured_image_that_is_not_in_the_export_is_reported(tmp_path):
    from tests.validate.wxrgen import attachment, item, wxr, write

    src = write(tmp_path, wxr(item(1, meta=(("_thumbnail_id", "99"),)), item(2, meta=(("_thumbnail_id", "3"),)),
                              attachment(3, parent=2)))
    report = migrate.convert([src], "hugo", tmp_path / "out")
    found, = [f for f in report if f.code == "featured-image-missing"]
    assert found.item_id == 1 and "_thumbnail_id 99" in found.message
    assert "images: [" in (tmp_path / "out/content/posts/item-2/index.md").read_text()
    assert "images:" not in (tmp_path / "out/content/posts/item-1/index.md").read_text()


def test_a_reusable_block_shows_its_content_in_every_post_that_uses_it(tmp_path):
    from tests.validate.wxrgen import item, wxr, write

    use = '<!-- wp:paragraph --><p>Post {}</p><!-- /wp:paragraph --><!-- wp:block {{"ref":9}} /-->'
    src = write(tmp_path, wxr(item(1, content=use.format(1)), item(2, content=use.format(2)),
                              item(9, type="wp_block", slug="call", content="<!-- wp:paragraph --><p>Come "
                                   "to the <em>meeting</em></p><!-- /wp:paragraph -->")))
    for jobs in ("1", "2"):
        report = migrate.convert([src], "hugo", tmp_path / jobs, {"jobs": jobs})
        for n in (1, 2):
            assert "Come to the *meeting*" in (tmp_path / jobs / f"content/posts/item-{n}/index.md").read_text()
        assert not (tmp_path / jobs / "content/posts/call").exists()  # a wp_block is no page of its own
        assert "block-dynamic" not in report.counts
