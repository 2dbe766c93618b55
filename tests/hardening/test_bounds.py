"""Bounds: depth, size and count never turn into recursion, quadratic time or
memory that grows with the input."""

from __future__ import annotations

import gc
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

import migrate
from migrate import phpserial
from migrate.errors import InputError
from migrate.stats import thread_depths
from migrate.threads import build_threads, walk
from migrate.transforms.blocks import parse_blocks, render_blocks, serialize_blocks
from migrate.transforms.context import TransformContext
from migrate.transforms.html_markdown import html_to_markdown
from migrate.transforms.pipeline import prepare_html, to_markdown
from migrate.transforms.shortcodes import expand_shortcodes
from migrate.transforms.wpautop import wpautop

from tests.hardening.conftest import ROOT, WXR_HEAD, build_wxr, item_xml

ALL_WRITERS = ["hugo", "jekyll", "pelican", "json", "jsonl", "wxr", "ghost", "disqus",
               "atom+comments", "jsonfeed+comments"]


def best_of(fn, n: int = 3) -> float:
    """The best of ``n`` timings of ``fn``, each repeated until it lasts 50 ms."""
    best = float("inf")
    for _ in range(n):
        reps, t0 = 0, time.perf_counter()
        while True:
            fn()
            reps += 1
            elapsed = time.perf_counter() - t0
            if elapsed > 0.05:
                break
        best = min(best, elapsed / reps)
    return best


def assert_linear(make, run, small: int = 2000, large: int = 10000, limit: float = 8.0, rounds: int = 3) -> None:
    """``run(make(large))`` takes less than ``limit`` times ``run(make(small))``.

    Each round times the small and the large input back to back and the best
    round's ratio counts, so a burst of load on a shared runner cannot fall on
    one side only; a quadratic cost still shows as (large/small)x the limit.
    The garbage collector is off while timing, as ``timeit`` has it: a full
    collection walks every object of the whole test session, which is more
    likely to fall in the larger run and is not the cost being measured.
    """
    a, b = make(small), make(large)
    run(a)  # warm caches and imports
    pairs = []
    gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        for _ in range(rounds):
            ts, tl = best_of(lambda: run(a), 1), best_of(lambda: run(b), 1)
            pairs.append((tl / max(ts, 1e-3), ts, tl))
    finally:
        if was_enabled:
            gc.enable()
    ratio, ts, tl = min(pairs)
    assert ratio < limit, f"{small}: {ts:.3f} s, {large}: {tl:.3f} s (x{ratio:.1f})"


def chain_comments(n: int) -> list[dict]:
    return [{"id": i, "parent": i - 1, "content": f"reply {i}",
             "date": f"2024-05-01 {10 + i // 3600 % 10:02d}:{i // 60 % 60:02d}:{i % 60:02d}"}
            for i in range(1, n + 1)]


def deep_thread_export(tmp_path: Path, n: int) -> Path:
    p = tmp_path / f"deep{n}.xml"
    if not p.exists():
        p.write_text(build_wxr([{"id": 1, "slug": "deep", "comments": chain_comments(n)}]))
    return p


# ------------------------------------------------------------ comment threads

def test_deep_thread_model_functions_linear(tmp_path):
    posts = {n: next(migrate.read(deep_thread_export(tmp_path, n)).posts()) for n in (2000, 10000)}
    assert max(thread_depths(posts[10000].comments).values()) == 10000
    assert_linear(lambda n: posts[n].comments, thread_depths)
    assert_linear(lambda n: posts[n].comments, lambda cs: list(walk(build_threads(cs))))
    roots = build_threads(posts[10000].comments)
    assert [n.depth for n in walk(roots)][-1] == 9999


def test_deep_thread_info_linear(tmp_path):
    assert migrate.info(migrate.read(deep_thread_export(tmp_path, 10000)))["max_thread_depth"] == 10000
    assert_linear(lambda n: deep_thread_export(tmp_path, n), lambda p: migrate.info(migrate.read(p)))


@pytest.mark.parametrize("writer", ALL_WRITERS)
def test_deep_thread_every_writer(tmp_path, writer):
    """A reply chain deeper than Python's recursion limit converts with every writer."""
    assert sys.getrecursionlimit() < 1500
    out = tmp_path / "o"
    migrate.convert([deep_thread_export(tmp_path, 1500)], writer, out)
    assert out.exists()


def test_deep_thread_conversion_linear(tmp_path):
    """Reader, threads and the WXR writer: 2,000 vs 10,000 deep costs linear time."""
    k = iter(range(100))
    assert_linear(lambda n: deep_thread_export(tmp_path, n),
                  lambda p: migrate.convert([p], "wxr", tmp_path / f"o{next(k)}.xml"), rounds=1)


# ------------------------------------------------------------ nested content

NESTED = {
    "blocks": lambda n: "<!-- wp:group -->\n<div class=\"wp-block-group\">" * n + "deepword"
                        + "</div>\n<!-- /wp:group -->" * n,
    "shortcodes": lambda n: "[caption]" * n + "deepword" + "[/caption]" * n,
    "unknown-shortcodes": lambda n: "".join(f'[t{i % 50} a="{i}"]' for i in range(n)) + "deepword"
                                    + "".join(f"[/t{i % 50}]" for i in reversed(range(n))),
    "unclosed-blocks": lambda n: "<!-- wp:group -->" * n + "deepword",
    "unclosed-shortcodes": lambda n: "[caption]" * n + "deepword",
}


@pytest.mark.parametrize("kind", NESTED)
def test_nested_content_transforms_linear(kind):
    make = NESTED[kind]
    text = make(10000)
    assert "deepword" in to_markdown(text, TransformContext())
    assert "deepword" in wpautop(text)
    assert "deepword" in expand_shortcodes(text, TransformContext())
    assert serialize_blocks(parse_blocks(text)).count("deepword") == 1
    assert "deepword" in render_blocks(parse_blocks(text), TransformContext())
    # 5x the input: linear is x5, quadratic x25; x10 leaves room for a busy 2-core runner
    assert_linear(make, lambda t: to_markdown(t, TransformContext()), limit=10)


#: Text shaped to make a backtracking pattern rescan the rest of the post for
#: each piece: bare '<' before line breaks, unclosed '<p ' and style attributes,
#: a CSS url( of escapes that never closes.
#: Each starts with a URL on its own line, so the auto-embed step does its work.
UNCLOSED = {
    "lt-before-newlines": lambda n: "https://youtu.be/abc\n" + "a <b\n" * n,
    "open-paragraphs": lambda n: "https://youtu.be/abc\n" + "<p " * n,
    "tags-with-newlines": lambda n: "https://youtu.be/abc\n" + '<a\nhref="x">y</a>\n' * n,
    "unclosed-styles": lambda n: "https://youtu.be/abc\n" + '<p style="url(' * n,
    "css-escapes": lambda n: "https://youtu.be/abc\n" + '<p style="background: url(' + "\\1" * n + '(">x</p>',
}


@pytest.mark.parametrize("kind", UNCLOSED)
def test_auto_embeds_and_styles_linear(kind):
    make = UNCLOSED[kind]
    assert 'data-provider="youtube"' in prepare_html(make(100), TransformContext())
    assert_linear(make, lambda t: to_markdown(t, TransformContext()), limit=10)


@pytest.mark.parametrize("tag", ["div", "blockquote", "ul-li", "em"])
@pytest.mark.parametrize("n", [600, 5000])
def test_deeply_nested_html_keeps_its_text(tag, n):
    """Beyond libxml2's depth limit (255, 2,048 with huge_tree) and html-to-markdown's
    (~1,000 nested lists), the deepest wrappers are unwrapped and every word is kept."""
    open_, close = ("<ul><li>", "</li></ul>") if tag == "ul-li" else (f"<{tag}>", f"</{tag}>")
    html = "".join(f"{open_}w{i} " for i in range(n)) + "deepword" + "".join(f" t{i}{close}" for i in range(n))
    ctx = TransformContext()
    md = html_to_markdown(html, ctx)
    assert "deepword" in md
    words = set(re.findall(r"\b[wt]\d+\b", md))
    assert words == {f"{c}{i}" for c in "wt" for i in range(n)}
    assert "html-nesting-flattened" in ctx.report.counts
    assert_linear(lambda k: open_ * k + "deepword" + close * k,
                  lambda t: html_to_markdown(t, TransformContext()), small=1000, large=5000, limit=10, rounds=2)


@pytest.mark.parametrize("writer", ["hugo", "jekyll", "pelican", "wxr", "ghost"])
def test_nested_content_every_writer(tmp_path, writer):
    items = [{"id": i + 1, "slug": k, "content": NESTED[k](10000)} for i, k in enumerate(NESTED)]
    p = tmp_path / "in.xml"
    p.write_text(build_wxr(items))
    migrate.convert([p], writer, tmp_path / "out")


# ------------------------------------------------------------ deep XML

def _deep_xml(tmp_path: Path, depth: int) -> Path:
    head, doc = WXR_HEAD.format(login="admin"), item_xml({"id": 1, "slug": "x"})
    doc = doc.replace("\t</item>", "<unknown xmlns=\"urn:x\">" + "<d>" * depth + "deepword"
                      + "</d>" * depth + "</unknown>\n\t</item>")
    p = tmp_path / f"deep{depth}.xml"
    p.write_text(head + doc + "</channel></rss>\n")
    return p


def test_deep_xml_elements_refused_cleanly(tmp_path):
    """100,000 nested elements inside an item: libxml2's depth limit gives a clear
    InputError, fast; with recover the stop is reported."""
    p = _deep_xml(tmp_path, 100_000)
    t0 = time.perf_counter()
    with pytest.raises(InputError, match=r"deep100000\.xml:\d+:\d+: .*depth"):
        list(migrate.read(p).posts())
    report = migrate.Report()
    try:
        list(migrate.read(p, recover=True, report=report).posts())
    except InputError:
        pass
    else:
        assert report.count("error"), "a stop at the depth limit must be reported"
    assert time.perf_counter() - t0 < 2


@pytest.mark.parametrize("writer", ["json", "wxr", "hugo"])
def test_deep_xml_within_parser_limit_round_trips(tmp_path, writer):
    p = _deep_xml(tmp_path, 1500)
    post = next(migrate.read(p).posts())
    assert "deepword" in post.extra[-1].xml
    report = migrate.convert([p], writer, tmp_path / "out")
    if writer != "hugo":  # kept, or its loss reported (wxr: wxr-extra-invalid)
        assert "deepword" in (tmp_path / "out").read_text() or report.count("warning") + report.count("error")


# ------------------------------------------------------------ size and count

def _child_peak_mb(args: list[str], timeout: float = 120) -> tuple[float, subprocess.CompletedProcess]:
    """Run ``python -m migrate ARGS`` under a fresh wrapper; return the child's peak RSS."""
    wrapper = ("import resource, subprocess, sys\n"
               "r = subprocess.run([sys.executable, '-m', 'migrate', *sys.argv[1:]], capture_output=True)\n"
               "sys.stderr.buffer.write(r.stderr)\n"
               "sys.stderr.buffer.write(r.stdout)\n"
               "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, r.returncode)\n")
    done = subprocess.run([sys.executable, "-c", wrapper, *args], capture_output=True, text=True,
                          timeout=timeout, cwd=ROOT)
    kb, rc = done.stdout.split()
    done.stdout = done.stderr
    assert rc == "0", done.stderr
    return int(kb) / 1024, done


@pytest.fixture(scope="module")
def post_100mb(tmp_path_factory) -> Path:
    p = tmp_path_factory.mktemp("big") / "big.xml"
    chunk = "<p>Ein langer Beitrag über nichts — " + "x" * 960 + "</p>\n"
    before, after = item_xml({"id": 1, "slug": "big", "content": "SPLIT"}).split("SPLIT")
    with open(p, "w", encoding="utf-8") as fh:
        fh.write(WXR_HEAD.format(login="admin") + before)
        for _ in range(100 * 1024 * 1024 // len(chunk.encode())):
            fh.write(chunk)
        fh.write(after + "</channel></rss>\n")
    assert p.stat().st_size > 100 * 1024 * 1024
    return p


def test_100mb_single_post_info_bounded_memory(post_100mb):
    peak, done = _child_peak_mb(["info", "--json", str(post_100mb)])
    assert '"items": 1' in done.stdout
    assert peak < 600, f"info peaked at {peak:.0f} MB"


def test_100mb_single_post_json_bounded_memory(post_100mb, tmp_path):
    out = tmp_path / "big.json"
    peak, done = _child_peak_mb(["convert", str(post_100mb), "--to", "json", "-o", str(out)])
    assert out.stat().st_size > 100 * 1024 * 1024
    assert peak < 600, f"convert --to json peaked at {peak:.0f} MB"


def _tiny_items(p: Path, n: int) -> Path:
    with open(p, "w") as fh:
        fh.write(WXR_HEAD.format(login="admin"))
        for i in range(1, n + 1):
            fh.write(f"<item><title>t{i}</title><wp:post_id>{i}</wp:post_id><wp:post_type>post</wp:post_type>"
                     f"<wp:status>publish</wp:status></item>\n")
        fh.write("</channel></rss>\n")
    return p


def test_many_tiny_items_linear_and_flat(tmp_path):
    """20,000 vs 100,000 tiny items: time grows linearly, memory does not grow."""
    small, large = _tiny_items(tmp_path / "s.xml", 20_000), _tiny_items(tmp_path / "l.xml", 100_000)
    t0 = time.perf_counter()
    m_small, _ = _child_peak_mb(["info", "--json", str(small)])
    t_small = time.perf_counter() - t0
    t0 = time.perf_counter()
    m_large, done = _child_peak_mb(["info", "--json", str(large)])
    t_large = time.perf_counter() - t0
    assert '"items": 100000' in done.stdout
    assert t_large < 8 * t_small, (t_small, t_large)
    assert m_large < m_small + 40, f"{m_small:.0f} MB for 50k items, {m_large:.0f} MB for 200k"


def test_long_attribute_and_text_without_doctype(tmp_path):
    """A 30 MB attribute and a 30 MB text node read in linear time."""
    big = "y" * (30 * 1024 * 1024)
    doc = item_xml({"id": 1, "slug": "a", "content": big}).replace(
        "<category", "<category", 1).replace("\t</item>", f'<x:big xmlns:x="urn:x" a="{big}"/>\n\t</item>')
    p = tmp_path / "long.xml"
    p.write_text(WXR_HEAD.format(login="admin") + doc + "</channel></rss>\n")
    t0 = time.perf_counter()
    post = next(migrate.read(p).posts())
    assert len(post.content) == len(big) and len(post.extra[-1].xml) > len(big)
    assert time.perf_counter() - t0 < 10


# ------------------------------------------------------------ PHP serialized values

@pytest.mark.parametrize("value", [
    's:99999999999:"x";', 's:9223372036854775807:"x";', 's:99999999999999999999999:"x";',
    "a:99999999999:{}", "a:2147483647:{i:0;i:1;}", "a:1:{i:0;" * 100_000 + "N;" + "}" * 100_000,
    'O:8:"stdClass":99999999999:{}', "C:3:\"Foo\":99999999999:{}", "i:" + "9" * 100_000 + ";",
"a:1:{" * 5 + "r:99999999;" + "}" * 5,
])
def test_phpserial_refuses_without_allocating(value):
    t0 = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(phpserial.PhpSerialError):
        phpserial.loads(value)
    assert time.perf_counter() - t0 < 1
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 100 * 1024  # KB


@pytest.mark.parametrize("writer", ["hugo", "jekyll", "pelican", "json", "wxr", "ghost"])
def test_hostile_serialized_meta_converts(tmp_path, writer):
    hostile = ['s:99999999999:"x";', "a:1:{i:0;" * 50_000 + "N;" + "}" * 50_000, "a:99999999:{}"]
    items = [{"id": 1, "slug": "a", "content": '<img class="wp-image-2" src="https://hostile.example/wp-content/uploads/a.jpg">',
              "meta": [("_thumbnail_id", "2")]},
             {"id": 2, "slug": "img", "type": "attachment", "status": "inherit", "parent": 1,
              "attachment_url": "https://hostile.example/wp-content/uploads/a.jpg",
              "meta": [("_wp_attached_file", "a.jpg")] + [("_wp_attachment_metadata", h) for h in hostile]
              + [("_menu_item_classes", h) for h in hostile]}]
    p = tmp_path / "in.xml"
    p.write_text(build_wxr(items))
    migrate.convert([p], writer, tmp_path / "out")


def test_personal_data_redaction_linear_in_commenters():
    """Every comment is searched for every commenter's e-mail and IP; thousands of commenters stay linear."""
    from types import SimpleNamespace

    from migrate.writers.static.core import _Secrets

    def make(n: int):
        people = [SimpleNamespace(author_email=f"reader{i}@example.org", author_ip=f"10.{i // 65536 % 256}."
                                  f"{i // 256 % 256}.{i % 256}") for i in range(n)]
        texts = [f"comment {i} quoting reader{(i * 7) % n}@example.org about the ending" for i in range(n)]
        return people, texts

    def run(made) -> None:
        people, texts = made
        secrets = _Secrets(people)
        for t in texts:
            assert secrets.sub(t)[1]

    assert_linear(make, run, limit=10)
