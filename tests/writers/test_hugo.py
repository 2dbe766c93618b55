"""Hugo flavour: layout, flags, front-matter formats, media beside posts."""

from __future__ import annotations

import subprocess
import tomllib
from pathlib import Path

import pytest
import yaml

import migrate
from migrate.errors import Report
from tests.writers.conftest import SAMPLES, build_command, problems

STRUCTURE = SAMPLES / "site-structure.xml"


def build(site: Path, public: Path) -> str:
    cmd, cwd = build_command("hugo", site, public)
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0 and not problems(out), out
    return out


def fm(path: Path) -> dict:
    text = path.read_text()
    assert text.startswith("---\n")
    return yaml.safe_load(text.split("---\n", 2)[1])


def test_bundles_pages_drafts_and_config(tmp_path):
    site = tmp_path / "s"
    migrate.convert([STRUCTURE], "hugo", site)
    assert (site / "content/about/our-team/volunteers/index.md").is_file()
    assert (site / "content/about/_index.md").is_file()  # a parent page is a branch bundle
    post = fm(site / "content/posts/opening-hours-from-june/index.md")
    assert post["aliases"] == ["/2024/04/26/new-opening-hours/", "/2024/04/26/summer-hours/"]
    assert post["params"]["wp_id"] == 38 and post["draft"] is False
    assert fm(site / "content/posts/key-holders-rota/index.md")["draft"] is True  # private
    future = fm(site / "content/posts/ten-years-on-mill-lane/index.md")
    assert future["draft"] is False and str(future["date"]).startswith("2030-01-15")
    conf = tomllib.loads((site / "hugo.toml").read_text())
    assert conf["baseURL"] == "https://reading-room.example.org/"
    assert conf["markup"]["goldmark"]["renderer"]["unsafe"] is True
    assert conf["permalinks"]["posts"] == "/:year/:month/:day/:slug/"
    assert conf["taxonomies"] == {"category": "categories", "tag": "tags", "genre": "genre"}
    for p in (site / "content").rglob("*.md"):
        assert "?p=" not in "".join(l for l in p.read_text().splitlines() if l.startswith("aliases"))
    assert "p=34" in (site / "static/_redirects").read_text() or "p=30" in (site / "static/_redirects").read_text()
    build(site, tmp_path / "public")
    pub = tmp_path / "public"
    assert (pub / "2024/04/28/welcome-to-the-reading-room/index.html").is_file()
    assert (pub / "about/our-team/volunteers/index.html").is_file()
    assert (pub / "books/the-lantern-keeper/index.html").is_file()
    assert (pub / "2024/04/26/summer-hours/index.html").is_file()  # alias page
    assert (pub / "genre/mystery/index.html").is_file()
    assert (pub / "_redirects").is_file()


@pytest.mark.parametrize("fmt", ["toml", "json"])
def test_other_front_matter_formats_build(tmp_path, fmt):
    site = tmp_path / "s"
    migrate.convert([SAMPLES / "last-train-home.xml"], "hugo", site, {"front_matter": fmt})
    text = next((site / "content/posts").rglob("index.md")).read_text()
    assert text.startswith("+++\n" if fmt == "toml" else "{\n")
    build(site, tmp_path / "public")
    assert list((tmp_path / "public/2011/03/07").rglob("index.html"))


def test_flat_flag(tmp_path):
    migrate.convert([SAMPLES / "last-train-home.xml"], "hugo+flat", tmp_path / "s")
    assert (tmp_path / "s/content/posts/last-train-home-movie-review.md").is_file()


def test_media_beside_post_and_in_static(tmp_path):
    uploads = tmp_path / "uploads/2024/04"
    uploads.mkdir(parents=True)
    (uploads / "reading-room-interior.jpg").write_bytes(b"JPEG1")
    rep = Report()
    site = tmp_path / "s"
    migrate.convert([STRUCTURE], "hugo", site, {"media_dir": str(tmp_path / "uploads")}, report=rep)
    bundle = site / "content/posts/welcome-to-the-reading-room"
    assert (bundle / "reading-room-interior.jpg").read_bytes() == b"JPEG1"
    assert rep.counts.get("media-missing", 0) >= 1  # floor-plan.png is not in the folder
    body = (site / "content/posts/repair-cafe-night-one/index.md").read_text()
    assert "/2024/04/28/welcome-to-the-reading-room/reading-room-interior.jpg" in body
    # the featured image (_thumbnail_id) is copied like the images of the content, and shown
    local = "/2024/04/28/welcome-to-the-reading-room/reading-room-interior.jpg"
    assert fm(bundle / "index.md")["images"] == [local]
    build(site, tmp_path / "public")
    assert (tmp_path / "public" / local.lstrip("/")).is_file()
    page = (tmp_path / "public/2024/04/28/welcome-to-the-reading-room/index.html").read_text()
    assert f'<figure class="entry-image"><img src="{local}"' in page


@pytest.mark.parametrize("url,want", [
    ("https://www.youtube.com/watch?v=aqz-KE-bpKQ", "aqz-KE-bpKQ"),
    ("http://youtube.com/watch?v=aqz-KE-bpKQ&feature=youtu.be", "aqz-KE-bpKQ"),
    ("https://youtu.be/aqz-KE-bpKQ", "aqz-KE-bpKQ"),
    ("https://www.youtube.com/embed/aqz-KE-bpKQ", "aqz-KE-bpKQ"),
    ("https://www.youtube-nocookie.com/embed/aqz-KE-bpKQ", "aqz-KE-bpKQ"),
    ("https://m.youtube.com/shorts/_-abc-DEF_1", "_-abc-DEF_1"),
    # what the shortcode cannot say stays a link: start times, playlists, odd ids, other hosts
    ("https://youtu.be/aqz-KE-bpKQ?t=30", None),
    ("https://www.youtube.com/watch?v=aqz-KE-bpKQ&list=PL0", None),
    ("https://www.youtube.com/watch?v=aqz-KE-bpKQ#t=1m", None),
    ("https://www.youtube.com/watch?v=vid2", None),
    ("https://www.youtube.com/playlist?list=PL0", None),
    ("https://notyoutube.com/watch?v=aqz-KE-bpKQ", None),
    ("ftp://youtube.com/watch?v=aqz-KE-bpKQ", None),
])
def test_youtube_ids(url, want):
    from migrate.writers.static.hugo import youtube_id

    assert youtube_id(url) == want


@pytest.mark.parametrize("url,want", [
    ("https://vimeo.com/146022717", "146022717"),
    ("https://player.vimeo.com/video/146022717", "146022717"),
    ("https://vimeo.com/channels/staffpicks/146022717", "146022717"),
    ("https://vimeo.com/146022717/0a1b2c3d4e", None),  # unlisted: the hash is needed to play it
    ("https://vimeo.com/146022717?h=0a1b2c3d4e", None),
    ("https://vimeo.com/about", None),
])
def test_vimeo_ids(url, want):
    from migrate.writers.static.hugo import vimeo_id

    assert vimeo_id(url) == want


def test_embeds_are_hugo_shortcodes_only_for_hugo(tmp_path):
    """Jekyll has no built-in video tag: there the embed stays the URL, as WordPress stores it."""
    from tests.validate.wxrgen import item, wxr, write

    src = write(tmp_path, wxr(item(1, content="Intro\n\n[embed]https://youtu.be/aqz-KE-bpKQ[/embed]"),
                              item(2, content="Intro\n\nhttps://youtu.be/aqz-KE-bpKQ")))  # WordPress's auto-embed
    migrate.convert([src], "hugo", tmp_path / "h")
    migrate.convert([src], "jekyll", tmp_path / "j")
    hugo_body = (tmp_path / "h/content/posts/item-1/index.md").read_text().split("---\n", 2)[2]
    assert hugo_body == "\nIntro\n\n{{< youtube aqz-KE-bpKQ >}}\n"
    assert (tmp_path / "h/content/posts/item-2/index.md").read_text().split("---\n", 2)[2] == hugo_body
    jekyll_body = sorted((tmp_path / "j/_posts").glob("*.md"))[0].read_text().split("---\n", 2)[2]
    assert jekyll_body.endswith("Intro\n\n<https://youtu.be/aqz-KE-bpKQ>\n")
