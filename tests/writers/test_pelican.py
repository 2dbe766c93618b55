"""Pelican flavour: metadata header, statuses, settings, comment data."""

from __future__ import annotations

import json

import migrate
from tests.writers.conftest import SAMPLES


def header(path) -> dict:
    head = path.read_text().split("\n\n", 1)[0]
    return dict(line.split(": ", 1) for line in head.splitlines())


def test_header_and_statuses(tmp_path):
    site = tmp_path / "s"
    migrate.convert([SAMPLES / "site-structure.xml"], "pelican", site)
    h = header(site / "content/posts/opening-hours-from-june.md")
    assert h["Title"] == "Opening hours from June" and h["Date"] == "2024-04-26 12:00:00+01:00"
    assert h["Category"] == "News" and h["Status"] == "published" and h["Slug"] == "opening-hours-from-june"
    assert header(site / "content/posts/key-holders-rota.md")["Status"] == "draft"
    assert header(site / "content/posts/ten-years-on-mill-lane.md")["Status"] == "draft"
    page = header(site / "content/pages/about/our-team/volunteers.md")
    assert page["Url"] == "about/our-team/volunteers/"
    assert header(site / "content/pages/book/the-lantern-keeper.md")["Status"] == "hidden"
    conf = (site / "pelicanconf.py").read_text()
    assert 'ARTICLE_URL = "{date:%Y}/{date:%m}/{date:%d}/{slug}/"' in conf
    compile(conf, "pelicanconf.py", "exec")


def test_comment_data(tmp_path):
    site = tmp_path / "s"
    migrate.convert([SAMPLES / "last-train-home.xml"], "pelican", site)
    data = json.loads((site / "comments/last-train-home-movie-review.json").read_text())
    kinds = [c["type"] for c in data["comments"]]
    assert kinds.count("comment") == 5 and kinds.count("pingback") == 1
    assert all("<p>" in c["content_html"] or c["content_html"] for c in data["comments"])
    assert header(site / "content/posts/last-train-home-movie-review.md")["Comments_key"] == "last-train-home-movie-review"
