"""The shared static-site core: slugs, collisions, comments, front matter, output safety."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest
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
