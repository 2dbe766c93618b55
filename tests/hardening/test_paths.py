"""Paths: names from the export never leave the output folder.

A conversion runs inside a sandbox folder holding the output folder, a
decoy "outside" folder, a media folder and a secret file beside it. Every
hostile name is used as a slug, a title, a term name and slug, a taxonomy, a
post type, an author login and an attachment file name. Afterwards the
sandbox is compared with its snapshot: the only new or changed files are
inside the output, no symlink was followed, nothing outside was read.
"""

from __future__ import annotations

import hashlib
import json
import os
import unicodedata
from pathlib import Path

import pytest

import migrate
from migrate.errors import OutputError
from migrate.output import check_relpath, safe_component

from tests.hardening.conftest import build_wxr, zip_of

SECRET = "OUTSIDE-SECRET-5a1e"

HOSTILE = [
    "../../escape", "../../../../../../tmp/escape", "a/../../b", "..", ".", "...", "/abs-escape",
    "..\\..\\escape", "C:\\Windows\\escape", "C:escape", "c:/escape", "\\\\server\\share\\x",
    "%2e%2e%2fescape", "%2E%2E/%2E%2E/escape", "..%2f..%2fescape", "%00nul",
    "CON", "aux", "aux.txt", "NUL.md", "com1", "LPT9.html", "con ", "Con.tar.gz",
    "a" * 1000, "é" * 400, "\U0001F600" * 200,
    "\uff0e\uff0e\uff0fescape", "\u2025/escape", "..\u200b/escape", "e\u0301", "\u00e9",
    "\u202eevil\u202c", "-", " ", "~", ".hidden", "index", "_index", "index.md", "tag/x",
    "line\nbreak", "tab\there", "\x7f", "<>:\"|?*",
]


def _items(sandbox: Path) -> tuple[list[dict], list[tuple[str, str, str]]]:
    abs_target = str(sandbox / "abs-target")
    names = HOSTILE + [abs_target, abs_target + "/../escape"]
    items: list[dict] = []
    terms: list[tuple[str, str, str]] = []
    pid = 1
    for i, name in enumerate(names):
        terms.append(("category", name, name))
        terms.append(("post_tag", name + "-t", name))
        items.append({"id": pid, "slug": name, "title": name, "terms": [
            ("category", name, name), ("post_tag", name + "-t", name), (name, "x", name)]})
        items.append({"id": pid + 1, "slug": "", "title": name, "type": "page"})
        items.append({"id": pid + 2, "slug": name, "title": f"child {i}", "type": "page", "parent": pid + 1})
        items.append({"id": pid + 3, "slug": name, "title": f"custom {i}", "type": name})
        url_name = name.replace("\\", "/")
        items.append({
            "id": pid + 4, "slug": name, "title": f"file {i}", "type": "attachment", "status": "inherit",
            "parent": pid, "attachment_url": f"https://hostile.example/wp-content/uploads/{url_name}",
            "meta": [("_wp_attached_file", name)],
        })
        items.append({"id": pid + 5, "slug": f"img-{i}", "title": f"img {i}", "content":
                      f'<img src="https://hostile.example/wp-content/uploads/{url_name}"> '
                      f'<a href="https://hostile.example/wp-content/uploads/2024/05/../../../secret.jpg">s</a>'})
        pid += 10
    # attachments reaching for the secret beside the media folder
    for j, rel in enumerate(["../secret.jpg", "2024/../../secret.jpg", str(sandbox / "secret.jpg"),
                             "2024/05/link-out.jpg"]):
        items.append({"id": 9000 + j, "slug": f"s{j}", "title": f"s{j}", "type": "attachment",
                      "status": "inherit", "attachment_url": f"https://hostile.example/wp-content/uploads/{rel}",
                      "meta": [("_wp_attached_file", rel)]})
    return items, terms


def _snapshot(root: Path, skip: Path) -> dict[str, str]:
    """Every path under ``root`` with its content hash (or link target), except ``skip``
    (the output) and the folders holding it."""
    def mine(p: Path) -> bool:
        return p == skip or skip in p.parents or p in skip.parents

    out = {}
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        d = Path(dirpath)
        dirnames[:] = [n for n in dirnames if not (d / n == skip or skip in (d / n).parents)]
        for n in filenames + dirnames:
            p = d / n
            if mine(p):
                continue
            if p.is_symlink():
                out[str(p)] = "link:" + os.readlink(p)
            elif p.is_dir():
                out[str(p) + "/"] = "dir"
            else:
                out[str(p)] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


@pytest.fixture
def sandbox(tmp_path):
    box = tmp_path / "sandbox"
    (box / "outside").mkdir(parents=True)
    (box / "outside" / "keep.txt").write_text(SECRET)
    (box / "secret.jpg").write_text(SECRET)
    media = box / "media" / "2024" / "05"
    media.mkdir(parents=True)
    (media / "ok.jpg").write_bytes(b"\xff\xd8 fine")
    # a symlink inside the user's media folder pointing outside it: followed or
    # not, the bytes may only land inside the output
    (media / "link-out.jpg").symlink_to(box / "secret.jpg")
    items, terms = _items(box)
    export = box / "in.xml"
    export.write_text(build_wxr(items, terms, login="../../admin"), encoding="utf-8")
    return box


WRITERS = ["hugo", "jekyll", "pelican", "json", "jsonl", "wxr", "ghost", "disqus", "atom", "jsonfeed"]


@pytest.mark.parametrize("writer", WRITERS)
def test_hostile_names_stay_inside(sandbox, writer, monkeypatch):
    monkeypatch.chdir(sandbox / "outside")  # a writer using relative paths would write here
    site = writer in ("hugo", "jekyll", "pelican")
    out = sandbox / "out" / ("site" if site else f"export.{writer}")
    before = _snapshot(sandbox.parent, out)
    opts = {"media_dir": str(sandbox / "media")} if site else {}
    report = migrate.convert([sandbox / "in.xml"], writer, out, opts)
    if site:  # neutralised names are reported, not silently changed
        assert report.counts.get("slug-collision") and report.counts.get("media-unsafe-path"), report.counts
    after = _snapshot(sandbox.parent, out)
    assert after == before, "files appeared or changed outside the output: " + repr(
        {k: v for k, v in after.items() if before.get(k) != v})
    assert out.exists()
    files = [p for p in out.rglob("*")] if out.is_dir() else [out]
    for p in files:
        assert not p.is_symlink()
        assert out == p or out in p.resolve().parents
        rel = p.relative_to(out) if p != out else Path(p.name)
        for part in rel.parts:
            assert part not in (".", "..")
            assert "\x00" not in part and "\\" not in part
            assert len(part.encode()) <= 255
            stem = part.split(".")[0].strip().lower()
            assert stem not in ("con", "prn", "aux", "nul") and not (
                stem[:3] in ("com", "lpt") and stem[3:].isdigit()), part
        if p.is_file() and site:
            data = p.read_bytes()
            if p.suffix.lower() in (".jpg", ".jpeg"):
                assert SECRET.encode() not in data or p.name == "link-out.jpg", p
    if site:
        assert not any(SECRET.encode() in p.read_bytes() for p in files
                       if p.is_file() and p.name != "link-out.jpg")


@pytest.mark.parametrize("writer", ["hugo", "jekyll", "pelican"])
def test_unsafe_attachment_paths_are_reported(tmp_path, writer):
    export = tmp_path / "in.xml"
    export.write_text(build_wxr([{"id": 1, "slug": "a"}, {
        "id": 2, "slug": "s", "type": "attachment", "status": "inherit", "parent": 1,
        "attachment_url": "https://hostile.example/wp-content/uploads/2024/../../secret.jpg",
        "meta": [("_wp_attached_file", "2024/../../secret.jpg")]}]))
    (tmp_path / "media").mkdir()
    report = migrate.convert([export], writer, tmp_path / "out", {"media_dir": str(tmp_path / "media")})
    assert any("secret.jpg" in f.message for f in report), [str(f) for f in report]


def test_secret_beside_media_dir_is_never_read(sandbox, monkeypatch):
    """``_wp_attached_file`` of ``../secret.jpg``: the file beside the media folder is not opened."""
    opened: list[str] = []
    real_read_bytes = Path.read_bytes

    def spy(self):
        opened.append(str(self))
        return real_read_bytes(self)

    monkeypatch.setattr(Path, "read_bytes", spy)
    migrate.convert([sandbox / "in.xml"], "hugo", sandbox / "out" / "site", {"media_dir": str(sandbox / "media")})
    assert not [p for p in opened if Path(p).resolve() == (sandbox / "secret.jpg").resolve()
                and not p.endswith("link-out.jpg")]


def test_output_symlinks_are_not_written_through(sandbox):
    """A previous output with symlinks planted in it: the new run replaces the folder, never
    writes through a link, and the targets outside stay byte-identical."""
    out = sandbox / "out" / "site"
    migrate.convert([sandbox / "in.xml"], "hugo", out)
    victim_dir = sandbox / "outside"
    for p in list(out.rglob("*.md"))[:5]:
        p.unlink()
        p.symlink_to(victim_dir / "keep.txt")
    content = next(p for p in out.iterdir() if p.is_dir() and p.name == "content")
    shutil_target = content / "posts"
    if shutil_target.exists():
        import shutil
        shutil.rmtree(shutil_target)
    shutil_target.symlink_to(victim_dir, target_is_directory=True)
    before = _snapshot(sandbox.parent, out)
    migrate.convert([sandbox / "in.xml"], "hugo", out)
    assert _snapshot(sandbox.parent, out) == before
    assert (victim_dir / "keep.txt").read_text() == SECRET
    assert not any(p.is_symlink() for p in out.rglob("*"))


def test_output_folder_that_is_a_symlink_is_refused(sandbox):
    link = sandbox / "out-link"
    link.symlink_to(sandbox / "outside", target_is_directory=True)
    before = _snapshot(sandbox.parent, sandbox / "nothing")
    for writer in ("hugo", "jekyll", "pelican"):
        with pytest.raises(OutputError):
            migrate.convert([sandbox / "in.xml"], writer, link)
    assert _snapshot(sandbox.parent, sandbox / "nothing") == before


@pytest.mark.parametrize("writer", ["json", "wxr", "atom"])
def test_output_file_that_is_a_symlink_is_replaced_not_followed(sandbox, writer):
    link = sandbox / "out.file"
    link.symlink_to(sandbox / "outside" / "keep.txt")
    migrate.convert([sandbox / "in.xml"], writer, link)
    assert (sandbox / "outside" / "keep.txt").read_text() == SECRET
    assert not link.is_symlink() and link.stat().st_size > 0


def test_zip_member_names_are_display_only(tmp_path, monkeypatch):
    """Zip members named ``../x.xml`` or ``/abs.xml`` are read, never extracted anywhere."""
    seed = (Path(__file__).resolve().parents[2] / "samples" / "last-train-home.xml").read_bytes()
    z = tmp_path / "in" / "site.zip"
    z.parent.mkdir()
    z.write_bytes(zip_of({"../../evil.xml": seed, "/abs/evil2.xml": seed, "C:\\evil3.xml": seed}))
    monkeypatch.chdir(z.parent)
    before = _snapshot(tmp_path, tmp_path / "none")
    export = migrate.read(z)
    assert len(list(export.posts())) == 1  # the same post three times, deduplicated
    assert _snapshot(tmp_path, tmp_path / "none") == before


def test_json_dump_names_with_nul_and_separators(tmp_path):
    """The JSON reader accepts what XML cannot carry (NUL); names are still neutralised."""
    seed = Path(__file__).resolve().parents[2] / "samples" / "last-train-home.xml"
    dump = tmp_path / "d.json"
    migrate.convert([seed], "json", dump)
    doc = json.loads(dump.read_text())
    doc["items"][0]["slug"] = "../\u0000../escape"
    doc["items"][0]["title"] = "\u0000/../t"
    dump.write_text(json.dumps(doc))
    out = tmp_path / "box" / "site"
    before = _snapshot(tmp_path, out)
    migrate.convert([dump], "hugo", out)
    assert _snapshot(tmp_path, out) == before
    assert all("\x00" not in str(p) for p in out.rglob("*"))


@pytest.mark.parametrize("name", HOSTILE)
def test_safe_component(name):
    s = safe_component(name)
    assert s and s not in (".", "..") and "/" not in s and "\\" not in s and "\x00" not in s
    assert len(s.encode()) <= 150
    assert s == unicodedata.normalize("NFC", s)
    check_relpath(s)  # does not raise


@pytest.mark.parametrize("rel", ["../x", "a/../../x", "/etc/x", "C:\\x", "C:x", "a\\..\\x", "a\x00b", "",
                                 "CON", "a/aux.txt", "./x/..", "a//../b"])
def test_check_relpath_refuses(rel):
    with pytest.raises(OutputError):
        check_relpath(rel)


@pytest.mark.parametrize("writer", ["hugo", "jekyll", "pelican"])
@pytest.mark.parametrize("types", [("index", "_index"), ("Book", "book"), ("../../escape", "escape")])
def test_post_types_sharing_a_folder_do_not_collide(tmp_path, writer, types):
    """Two post types whose names give the same folder, with the same slug: both are written."""
    export = tmp_path / "in.xml"
    export.write_text(build_wxr([{"id": 1, "slug": "same", "type": types[0]},
                                 {"id": 2, "slug": "same", "type": types[1]}]))
    report = migrate.convert([export], writer, tmp_path / "out")
    assert "slug-collision" in report.counts


@pytest.mark.parametrize("writer", ["hugo", "jekyll", "pelican"])
def test_media_name_too_long_for_the_file_system(tmp_path, writer):
    """An upload name of 1,000 bytes is reported missing, not an OSError."""
    name = "2024/05/" + "a" * 1000 + ".jpg"
    export = tmp_path / "in.xml"
    export.write_text(build_wxr([
        {"id": 1, "slug": "a", "content": f'<img src="https://hostile.example/wp-content/uploads/{name}">'},
        {"id": 2, "slug": "f", "type": "attachment", "status": "inherit", "parent": 1,
         "attachment_url": f"https://hostile.example/wp-content/uploads/{name}",
         "meta": [("_wp_attached_file", name)]}]))
    (tmp_path / "media").mkdir()
    report = migrate.convert([export], writer, tmp_path / "out", {"media_dir": str(tmp_path / "media")})
    assert "media-missing" in report.counts
