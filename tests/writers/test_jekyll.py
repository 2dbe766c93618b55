"""Jekyll flavour: file names, drafts, redirect_from, Staticman comment files."""

from __future__ import annotations

import pytest
import yaml

import migrate
from migrate.errors import UsageError
from tests.writers.conftest import SAMPLES


def fm(path):
    return yaml.safe_load(path.read_text().split("---\n", 2)[1])


def test_layout_and_front_matter(tmp_path):
    site = tmp_path / "s"
    migrate.convert([SAMPLES / "site-structure.xml"], "jekyll", site)
    post = fm(site / "_posts/2024-04-26-opening-hours-from-june.md")
    assert post["render_with_liquid"] is False
    assert post["redirect_from"] == ["/2024/04/26/new-opening-hours/", "/2024/04/26/summer-hours/"]
    assert post["categories"] == ["News"] and post["permalink"] == "/2024/04/26/opening-hours-from-june/"
    assert (site / "_drafts/key-holders-rota.md").is_file()
    assert (site / "about/our-team/volunteers/index.md").is_file()
    conf = yaml.safe_load((site / "_config.yml").read_text())
    assert "jekyll-redirect-from" in conf["plugins"] and "_redirects" in conf["include"]


def test_staticman_comment_files(tmp_path):
    site = tmp_path / "s"
    migrate.convert([SAMPLES / "last-train-home.xml"], "jekyll", site)
    folder = site / "_data/comments/last-train-home-movie-review"
    entries = [yaml.safe_load(p.read_text()) for p in sorted(folder.glob("entry*.yml"))]
    assert [e["name"] for e in entries][:4] == ["Sara", "Lady Tam Li", "Collins", "Paul Tontodonati"]
    tom = next(e for e in entries if e["name"] == "Tom")
    paul = next(e for e in entries if e["name"] == "Paul Tontodonati")
    assert tom["_parent"] == paul["_id"] and paul["_parent"] == ""
    assert [e["type"] for e in entries].count("pingback") == 1
    assert all(len(e["email"]) in (0, 32) and "@" not in e["email"] for e in entries)
    assert set(entries[0]) >= {"_id", "_parent", "name", "email", "url", "date", "message", "type"}


def test_only_yaml_front_matter(tmp_path):
    with pytest.raises(UsageError):
        migrate.convert([SAMPLES / "last-train-home.xml"], "jekyll", tmp_path / "s", {"front_matter": "toml"})
