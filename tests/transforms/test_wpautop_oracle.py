"""Differential test: our ``wpautop`` against WordPress's own, run under PHP.

Every classic (non-block) item of every WXR export in the shared corpus, plus
a generated export, goes through ``oracle.php`` (the real ``wpautop()`` and
``shortcode_unautop()`` loaded from Debian's WordPress package) and through
``migrate.transforms.wpautop``; the two must agree byte for byte.

The test fails (it does not skip) when PHP, the oracle or the WordPress
sources cannot be had: a missing oracle must not look like a pass.
"""

from __future__ import annotations

import difflib
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest
from lxml import etree

from migrate.transforms.wpautop import has_blocks, shortcode_unautop, wpautop

TESTS_DIR = Path(__file__).resolve().parents[1]
REPO_ROOT = TESTS_DIR.parent
SETUP_SCRIPT = TESTS_DIR / "setup_wordpress_oracle.sh"
#: Core's registered shortcodes: what oracle.php gives shortcode_unautop by default.
CORE_SHORTCODES = ("wp_caption", "caption", "gallery", "playlist", "audio", "video", "embed")


def shared_dir() -> Path:
    env = os.environ.get("WPMIGRATE_SHARED")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2].parent / "shared"


@dataclass(frozen=True)
class Post:
    source: str
    post_id: str
    content: str


def _children_by_local_name(item: etree._Element, name: str) -> list[etree._Element]:
    return [c for c in item if isinstance(c.tag, str) and etree.QName(c).localname == name]


def _content_of(item: etree._Element) -> str | None:
    for child in _children_by_local_name(item, "encoded"):
        if "purl.org/rss/1.0/modules/content" in (etree.QName(child).namespace or ""):
            return child.text or ""
    return None


def classic_posts(path: Path) -> Iterator[Post]:
    """Items of any type whose content has no block markup (WordPress autops them)."""
    parser = etree.XMLParser(recover=True, huge_tree=True, resolve_entities=False)
    root = etree.parse(str(path), parser).getroot()
    if root is None:
        return
    for n, item in enumerate(root.iter("item")):
        content = _content_of(item)
        if content is None or has_blocks(content):
            continue
        ids = _children_by_local_name(item, "post_id")
        post_id = (ids[0].text or "").strip() if ids else ""
        yield Post(path.name, post_id or f"item#{n}", content)


def corpus_files() -> list[Path]:
    return sorted((shared_dir() / "corpus").rglob("*.xml"))


@pytest.fixture(scope="session")
def wordpress_src(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """WordPress's wp-includes, fetched once (cached under tests/.cache)."""
    dest = REPO_ROOT / "tests" / ".cache" / "wordpress"
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
    except OSError:
        dest = tmp_path_factory.mktemp("wordpress")
    proc = subprocess.run(
        ["sh", str(SETUP_SCRIPT), str(dest)], capture_output=True, text=True
    )
    if proc.returncode != 0 or not (dest / "wp-includes" / "formatting.php").is_file():
        pytest.fail(f"could not fetch WordPress sources:\n{proc.stdout}\n{proc.stderr}")
    return dest


@pytest.fixture(scope="session")
def oracle(wordpress_src: Path):
    """Callable running oracle.php over a list of contents, one process per call."""
    php = shutil.which("php")
    if php is None:
        pytest.fail("php is not installed (apt-get install -y php-cli): the oracle cannot run")
    script = shared_dir() / "tools" / "wpautop-oracle" / "oracle.php"
    if not script.is_file():
        pytest.fail(f"wpautop oracle not found at {script}")

    def run(contents: list[str]) -> list[dict]:
        lines = "".join(
            json.dumps({"id": i, "content": c}, ensure_ascii=False) + "\n"
            for i, c in enumerate(contents)
        )
        proc = subprocess.run(
            [php, str(script), "--wp-src", str(wordpress_src), "--unautop"],
            input=lines.encode("utf-8"),
            capture_output=True,
        )
        if proc.returncode != 0:
            pytest.fail(f"oracle failed ({proc.returncode}): {proc.stderr.decode()}")
        # Split on "\n" only: str.splitlines() would also cut at U+0085/U+2028,
        # which PHP writes unescaped inside the JSON strings.
        text = proc.stdout.decode("utf-8")
        out = [json.loads(line) for line in text.split("\n") if line.strip()]
        assert len(out) == len(contents), "oracle returned a different number of lines"
        return out

    return run


def _diff(expected: str, actual: str) -> str:
    return "\n".join(
        difflib.unified_diff(
            expected.splitlines(), actual.splitlines(), "wordpress", "ours", lineterm="", n=1
        )
    )


def compare(posts: list[Post], oracle) -> tuple[int, list[str]]:
    """Run both implementations; return (compared, mismatch reports)."""
    if not posts:
        return 0, []
    answers = oracle([p.content for p in posts])
    problems: list[str] = []
    for post, answer in zip(posts, answers):
        if answer.get("html") is None:
            problems.append(f"{post.source} post {post.post_id}: oracle gave no html: {answer}")
            continue
        ours = wpautop(post.content)
        if ours != answer["html"]:
            problems.append(f"{post.source} post {post.post_id} (wpautop):\n{_diff(answer['html'], ours)}")
            continue
        ours_u = shortcode_unautop(ours, CORE_SHORTCODES)
        if ours_u != answer["html_unautop"]:
            problems.append(
                f"{post.source} post {post.post_id} (shortcode_unautop):\n"
                f"{_diff(answer['html_unautop'], ours_u)}"
            )
    return len(posts), problems


def test_corpus_exists() -> None:
    assert corpus_files(), f"no WXR files under {shared_dir() / 'corpus'}"


@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: p.name)
def test_corpus_file_matches_wordpress(path: Path, oracle) -> None:
    posts = list(classic_posts(path))
    compared, problems = compare(posts, oracle)
    assert not problems, f"{len(problems)}/{compared} posts differ:\n\n" + "\n\n".join(problems)


def test_generated_export_matches_wordpress(oracle, tmp_path: Path) -> None:
    gen = shared_dir() / "bench" / "gen_wxr.py"
    out = tmp_path / "generated.xml"
    proc = subprocess.run(
        [sys.executable, str(gen), "--posts", "50", "--out", str(out)],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    files = [out] if out.is_file() else sorted(out.rglob("*.xml")) if out.is_dir() else []
    posts = [p for f in files for p in classic_posts(f)]
    assert posts, "the generated export has no classic posts"
    compared, problems = compare(posts, oracle)
    assert not problems, f"{len(problems)}/{compared} posts differ:\n\n" + "\n\n".join(problems)


#: Pieces that exercise every rule of wpautop: block/inline tags, the special
#: cases (option, object, source, figcaption, script/style/svg, pre), comments,
#: CDATA, every kind of whitespace PCRE and Python disagree on, and the
#: placeholders wpautop itself uses.
_FUZZ_PIECES = (
    "<p>", "</p>", "<p class='x'>", "<div>", "</div>", "<div\nid=a>", "<pre>", "</pre>",
    "<pre class=\"x\">", "<br>", "<br />", "<br/>", "<BR>", "<option>", "</option>",
    "<select>", "<object>", "</object>", "<param name=a>", "<embed src=x>", "</embed>",
    "<source src=a>", "<track>", "<video>", "</video>", "[video]", "[/video]", "<audio a>",
    "<figure>", "</figure>", "<figcaption>", "</figcaption>", "<script>", "</script>",
    "<style>", "</style>", "<svg>", "</svg>", "<!--", "-->", "<!-- c -->", "<!--more-->",
    "<![CDATA[", "]]>", "<li>", "</li>", "<ul>", "</ul>", "<blockquote>", "</blockquote>",
    "<Blockquote cite=q>", "<hr>", "<hr/>", "<table>", "<td>", "</td>", "<h2>", "</h2>",
    "<address>", "</address>", "<form>", "</form>", "[gallery]", "[gallery ids=\"1,2\"]",
    "[caption]", "[/caption]", "[embed]", "[/embed]", "[caption/]", "[[gallery]]",
    "[playlist /]", "[audio]", "\n", "\n\n", "\n\n\n", " ", "  ", "\t", "\r", "\r\n",
    "\x0b", "\x0c", "\xa0", "&nbsp;", "\u2028", "\x85", "\u3000", "é", "word", "two words",
    "<", ">", "/", "[", "]", "<a href='x'>", "</a>", "<img src=x />", "<span>", "</span>",
    "<pre wp-pre-tag-0></pre>", "<pre wp-pre-tag-1></pre>", "<!-- wpnl -->",
    "<WPPreserveNewline />", "<input>", "<math>", "<section>", "</section>",
)


def _fuzz_cases(n: int, seed: int = 20240601) -> list[str]:
    import random

    rng = random.Random(seed)
    cases = []
    for _ in range(n):
        k = rng.randint(0, 30)
        cases.append("".join(rng.choice(_FUZZ_PIECES) for _ in range(k)))
    return cases


def test_random_snippets_match_wordpress(oracle) -> None:
    """Thousands of generated snippets: corners real posts rarely reach."""
    posts = [Post("fuzz", str(i), c) for i, c in enumerate(_fuzz_cases(4000))]
    compared, problems = compare(posts, oracle)
    shown = "\n\n".join(
        f"{p}\ninput: {posts[int(p.split()[2])].content!r}" for p in problems[:10]
    )
    assert not problems, f"{len(problems)}/{compared} snippets differ:\n\n{shown}"
