"""Generated sites built by the real generators, and what the built HTML shows.

Golden files: ``tests/golden/<sample>/<flavour>/…`` hold the generated site of
every sample, compared byte for byte. After an intended change, refresh them
with::

    WPMIGRATE_UPDATE_GOLDEN=1 pytest tests/writers

and review the diff before committing.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import lxml.html
import pytest

import migrate
from migrate.model import Post, Site, WPDate, in_memory

from tests.writers.conftest import (
    FLAVOURS, ROOT, SAMPLES, SHARED, Built, build_command, corpus_inputs, read_any, sample_inputs,
)

GOLDEN = ROOT / "tests" / "golden"
UPDATE = os.environ.get("WPMIGRATE_UPDATE_GOLDEN") == "1"
_HUGE = lxml.html.HTMLParser(huge_tree=True, encoding="utf-8")


def parse(path: Path):
    return lxml.html.parse(str(path), _HUGE).getroot()


# ------------------------------------------------------------ every site builds


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_every_sample_builds_without_warnings(sample_sites, flavour):
    assert sample_sites
    for (name, fl), built in sorted(sample_sites.items()):
        if fl == flavour:
            built.check()


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_every_corpus_export_builds_without_warnings(corpus_sites, flavour):
    assert len(corpus_sites) == 3 * len(corpus_inputs()) >= 3 * 20
    for (name, fl), built in sorted(corpus_sites.items()):
        if fl == flavour:
            built.check()


_WP_ID = re.compile(r"^\s*wp_id\s*[:=]\s*\"?(-?\d+)", re.I | re.M)


def test_every_page_of_every_export_is_written_once(sample_sites, corpus_sites):
    """Each item a static site shows (published, future, draft … posts, pages, custom types)
    has exactly one page, found by the id in its front matter; nothing is dropped unseen."""
    from migrate.writers.static.core import is_page_of_site

    inputs = {**sample_inputs(), **corpus_inputs()}
    for (name, flavour), built in sorted({**sample_sites, **corpus_sites}.items()):
        if built.error:
            continue  # refused inputs: test_refused_samples_are_not_converted
        shown = [p.id for p in read_any(inputs[name]).posts() if is_page_of_site(p.type, p.status)]
        got: list[int] = []
        for page in built.site.rglob("*.md"):
            m = _WP_ID.search(page.read_text(encoding="utf-8").split("\n\n", 1)[0])
            if m:
                got.append(int(m.group(1)))
        assert sorted(got) == sorted(set(shown)), (name, flavour)
        # an item left out must have been reported: a repeated id keeps its first item (the
        # count also holds attachments that repeat an id)
        assert len(shown) - len(got) <= built.counts.get("item-id-repeated", 0), (name, flavour)


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_block_footnotes_are_on_the_page_and_linked_both_ways(corpus_sites, flavour):
    """64-block-test-data's "Footnotes" post: the notes live only in its footnotes meta."""
    built = corpus_sites[("wptt-theme-test-data__64-block-test-data", flavour)]
    page = parse(next(p for p in built.public.rglob("*.html") if p.parent.name == "footnotes"
                      or p.stem == "footnotes"))
    note = "f51b5ea0-388d-4673-ae03-1fc47853970f"
    assert page.xpath(f"//a[@href='#{note}']/@id") == [f"{note}-link"]  # the reference
    assert page.xpath(f"//a[@id='{note}']")  # the note's anchor
    assert page.xpath(f"//a[@href='#{note}-link']")  # and the way back
    assert "Another note" in page.text_content()


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_a_title_with_markup_reads_as_its_words(corpus_sites, flavour):
    """The theme unit test's "Markup: Title <em>With</em> <b>Mark<sup>up</sup></b>"."""
    built = corpus_sites[("wptt-theme-test-data__themeunittestdata.wordpress", flavour)]
    page = next(p for p in built.public.rglob("index.html") if "markup-title-with-markup" in str(p))
    html_text = page.read_text(encoding="utf-8")
    assert "&lt;em&gt;" not in html_text and "<em>With" not in html_text
    assert "Markup: Title With Markup" in parse(page).xpath("string(//title)")
    assert built.counts["title-markup-removed"] >= 1


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_the_featured_image_is_in_the_front_matter_and_on_the_page(sample_sites, flavour):
    """_thumbnail_id names the attachment; without a media folder its old URL is kept."""
    page = parse(next(sample_sites[("site-structure", flavour)].public.rglob("welcome-to-the-reading-room/index.html")))
    src = page.xpath("//figure[@class='entry-image']/img/@src")
    assert src == ["https://reading-room.example.org/wp-content/uploads/2024/04/reading-room-interior.jpg"], flavour


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_an_export_written_by_another_tool_keeps_every_post_and_comment(sample_sites, flavour):
    """samples/third-party.xml: no post or comment ids, a pubDate as the only date, no date at all,
    a comment without a date, a reply to a lost comment, a repeated id."""
    built = sample_sites[("third-party", flavour)]
    built.check()
    for path in ("2009/03/hall-reopens", "2009/03/march-minutes", "2009/06/picnic", "1970/01/undated-notice",
                 "about"):
        assert (built.public / path / "index.html").is_file(), (flavour, path)
    page = parse(built.public / "2009/03/hall-reopens/index.html")
    authors = [a.strip() for a in page.xpath("//*[contains(@class, 'comment-author')]//text()") if a.strip()]
    assert sorted(authors) == ["Ana", "Dmitri", "Rosa"], flavour
    assert built.counts["date-missing"] == 1 and built.counts["item-id-repeated"] == 1
    read = migrate.Report()
    assert len(list(migrate.read(sample_inputs()["third-party"], report=read).posts())) == 6
    assert read.counts == {"item-id-missing": 4, "comment-id-missing": 2}


def test_refused_samples_are_not_converted(tmp_path):
    for name in ("not-wxr.xml", "doctype-entity.xml"):
        with pytest.raises(migrate.InputError):
            migrate.convert([SAMPLES / "malformed" / name], "hugo", tmp_path / name, recover=True)
        assert not (tmp_path / name).exists()


# ------------------------------------------------------------ the seed thread


def _seed_page(built: Built) -> Path:
    built.check()
    found = [p for p in built.public.rglob("index.html") if "last-train-home-movie-review" in str(p)]
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_seed_thread_nests_and_pingbacks_stand_apart(sample_sites, flavour):
    page = parse(_seed_page(sample_sites[("last-train-home", flavour)]))
    lists = page.xpath("//ol[contains(concat(' ', @class, ' '), ' comment-list ')]")
    assert len(lists) == 1
    top = lists[0].xpath("./li")
    authors = [li.xpath("string(./article//*[contains(@class, 'comment-author')])").strip() for li in top]
    assert authors == ["Sara", "Lady Tam Li", "Collins", "Paul Tontodonati"]
    paul = top[3]
    replies = paul.xpath("./ol[contains(@class, 'children')]/li")
    assert [r.xpath("string(./article//*[contains(@class, 'comment-author')])").strip() for r in replies] == ["Tom"]
    assert "find a decent copy" in replies[0].text_content()
    # the pingback is listed apart, under its own heading, and not among the comments
    pings = page.xpath("//section[@id='pingbacks']")
    assert len(pings) == 1
    assert "Pingbacks" in pings[0].xpath("string(./h2)")
    items = pings[0].xpath(".//li")
    assert len(items) == 1 and "Mandarin Lane" in items[0].text_content()
    assert "Mandarin Lane" not in lists[0].text_content()
    assert page.xpath("string(//section[@id='comments']/h2)").strip().startswith("5 ")
    # a one-paragraph comment is a paragraph like the others
    collins = top[2].xpath(".//*[contains(@class, 'comment-content')]")[0]
    assert collins.xpath("./p") and "being completely silent" in collins.xpath("string(./p)")


# ------------------------------------------------------------ goldens


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("name", sorted(sample_inputs()))
@pytest.mark.parametrize("flavour", FLAVOURS)
def test_golden_site(tmp_path, name, flavour):
    # a fresh conversion: the built sites hold the generators' caches and locks
    site = tmp_path / "site"
    migrate.write(read_any(sample_inputs()[name]), flavour, site)
    golden = GOLDEN / name / flavour
    got = _tree(site)
    if UPDATE:
        if golden.exists():
            shutil.rmtree(golden)
        for rel, data in got.items():
            dest = golden / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(data)
        return
    assert golden.is_dir(), f"no golden site for {name}/{flavour}: run WPMIGRATE_UPDATE_GOLDEN=1 pytest tests/writers"
    want = _tree(golden)
    assert sorted(got) == sorted(want)
    for rel in want:
        if (got[rel] != want[rel]) and rel.endswith((".md", ".json", ".yml", ".toml", ".py", ".map")):
            assert got[rel].decode("utf-8") == want[rel].decode("utf-8"), f"{name}/{flavour}/{rel}"
        assert got[rel] == want[rel], f"{name}/{flavour}/{rel} differs from the golden file"


# ------------------------------------------------------------ privacy


def _personal_data(files: list[Path]) -> set[str]:
    """Commenters' e-mails and IPs, except those the blog's own posts publish.

    (A blog author who also comments may print their address in a post: that
    text is the author's, and is kept as written.)
    """
    found: set[str] = set()
    published: list[str] = []
    export = read_any(files)
    for post in export.posts():
        published.append(f"{post.title}\n{post.content}\n{post.excerpt}".lower())
        for c in post.comments:
            for v in (c.author_email, c.author_ip):
                v = (v or "").strip()
                if len(v) >= 6:
                    found.add(v.lower())
    public = "\n".join(published)
    return {s for s in found if s not in public}


#: the generators' own caches (Jekyll's holds its default config, host 127.0.0.1)
_CACHES = {".jekyll-cache", "__pycache__", ".sass-cache"}


def _grep(root: Path, needles: set[str]) -> list[tuple[str, str]]:
    hits = []
    for p in root.rglob("*"):
        if p.is_file() and not _CACHES.intersection(p.relative_to(root).parts):
            text = p.read_bytes().decode("utf-8", errors="replace").lower()
            for n in needles:
                if n in text:
                    hits.append((str(p), n))
    return hits


def test_no_commenter_email_or_ip_in_any_site(sample_sites, corpus_sites):
    inputs = {**sample_inputs(), **corpus_inputs()}
    checked = 0
    for (name, flavour), built in sorted({**sample_sites, **corpus_sites}.items()):
        secrets = _personal_data(inputs[name])
        if not secrets:
            continue
        checked += 1
        assert not _grep(built.site, secrets), (name, flavour)
        if built.public.exists():
            assert not _grep(built.public, secrets), (name, flavour)
    assert checked >= 10


# ------------------------------------------------------------ Liquid stays off


def test_jekyll_never_runs_liquid_in_wordpress_text(tmp_path):
    post = Post(
        id=7, title="Templates {{ site.title }}", slug="templates", status="publish",
        content="<p>Write {{ site.title }} and {% if true %}yes{% endif %} in Jekyll.</p>",
        date=WPDate("2012-05-01 10:00:00", "2012-05-01 08:00:00"),
        link="https://ex.example/2012/05/01/templates/",
    )
    export = in_memory(Site(title="SITE-TITLE-X", link="https://ex.example"), [post])
    site, public = tmp_path / "site", tmp_path / "public"
    migrate.write(export, "jekyll", site)
    cmd, cwd = build_command("jekyll", site, public)
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    page = parse(next(public.rglob("templates/index.html")))
    body = page.xpath("string(//div[@class='entry-content'])")
    assert "{{ site.title }}" in body and "{% if true %}yes{% endif %}" in body
    assert "SITE-TITLE-X" not in body


def test_hugo_prints_shortcode_lookalikes_literally_and_embeds_as_shortcodes(tmp_path):
    post = Post(
        id=8, title="Shortcodes", slug="shortcodes", status="publish",
        content="<p>Type {{< youtube abc >}} or {{% note %}} or a lone {{< here.</p>\n\n"
                "[embed]https://www.youtube.com/watch?v=aqz-KE-bpKQ[/embed]\n\n"
                '[caption id="" align="alignnone" width="640"][embed]https://vimeo.com/146022717[/embed] '
                "The film night[/caption]\n\n"
                "[embed]https://youtu.be/aqz-KE-bpKQ?t=30[/embed]",
        date=WPDate("2012-05-01 10:00:00", "2012-05-01 08:00:00"),
    )
    export = in_memory(Site(title="S", link="https://ex.example"), [post])
    site, public = tmp_path / "site", tmp_path / "public"
    migrate.write(export, "hugo", site)
    cmd, cwd = build_command("hugo", site, public)
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    page = parse(next(public.rglob("shortcodes/index.html")))
    body = page.xpath("string(//div[@class='entry-content'])")
    assert "{{< youtube abc >}}" in body and "{{% note %}}" in body and "{{< here" in body
    # real embeds became Hugo's players; one with a start time stays a link to keep it
    players = page.xpath("//div[@class='entry-content']//iframe/@src")
    assert players == ["https://www.youtube.com/embed/aqz-KE-bpKQ", "https://player.vimeo.com/video/146022717"]
    assert "The film night" in body
    assert page.xpath("//div[@class='entry-content']//a/@href")[-1] == "https://youtu.be/aqz-KE-bpKQ?t=30"


# ------------------------------------------------------------ a big export


@pytest.mark.slow  # about 75 s here: convert ~50 s, hugo build ~25 s
def test_generated_2000_post_export_converts_and_builds_with_hugo(tmp_path):
    gen = SHARED / "bench" / "gen_wxr.py"
    assert gen.is_file(), f"missing {gen}"
    xml = tmp_path / "big.xml"
    subprocess.run(["python3", str(gen), "--posts", "2000", "--out", str(xml)], check=True,
                   capture_output=True)
    t0 = time.perf_counter()
    report = migrate.convert([xml], "hugo", tmp_path / "site")
    t1 = time.perf_counter()
    cmd, cwd = build_command("hugo", tmp_path / "site", tmp_path / "public")
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    t2 = time.perf_counter()
    print(f"2000 posts: convert {t1 - t0:.1f} s, hugo build {t2 - t1:.1f} s")
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert not re.search(r"^(WARN|ERROR)", proc.stdout + proc.stderr, re.M)
    pages = list((tmp_path / "public").rglob("index.html"))
    assert len(pages) > 1500
    assert report.count("error") == 0
