"""Every export of the shared corpus reads, and its counts equal the catalogue's."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter

import pytest

import migrate
from migrate.errors import InputError
from tests.catalogue import load
from tests.conftest import CORPUS, corpus_files

CATALOGUE = load(CORPUS / "CATALOGUE.md")
FILES = corpus_files()


def test_catalogue_covers_every_file():
    assert {str(p.relative_to(CORPUS)) for p in FILES} == set(CATALOGUE)


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(CORPUS)))
def test_counts_match_catalogue(path):
    entry = CATALOGUE[str(path.relative_to(CORPUS))]
    report = migrate.Report()
    export = migrate.read(path, recover=not entry.well_formed, report=report)
    posts = list(export.posts())
    comments = [c for p in posts for c in p.comments]
    assert len(posts) == entry.items
    assert dict(Counter(p.type for p in posts)) == entry.post_types
    assert dict(Counter(p.status for p in posts)) == entry.statuses
    assert len(comments) == entry.comments
    assert dict(Counter(c.type for c in comments)) == entry.comment_types
    assert dict(Counter(c.approved for c in comments)) == entry.approved
    assert sum(1 for c in comments if c.parent != 0) == entry.threaded
    assert export.site.wxr_version == entry.wxr_version
    if entry.well_formed:
        assert not [f for f in report if f.code.startswith("xml-")]


MALFORMED = [p for p in FILES if not CATALOGUE[str(p.relative_to(CORPUS))].well_formed]


def test_catalogue_lists_malformed_files():
    assert len(MALFORMED) >= 1


@pytest.mark.parametrize("path", MALFORMED, ids=lambda p: str(p.relative_to(CORPUS)))
def test_malformed_fails_with_position_and_recovers(path):
    with pytest.raises(InputError) as err:
        list(migrate.read(path).posts())
    e = err.value
    assert e.file == str(path) and e.line and e.column
    assert str(e).startswith(f"{path}:{e.line}:{e.column}: not well-formed XML")
    report = migrate.Report()
    posts = list(migrate.read(path, recover=True, report=report).posts())
    assert posts
    repairs = [f for f in report if f.code == "xml-stray-ampersand-repaired"]
    assert repairs and all(f.line for f in repairs)
    assert e.line in {f.line for f in repairs}


@pytest.mark.parametrize("path", MALFORMED[:1], ids=lambda p: p.name)
def test_cli_error_is_one_line_exit_1(path):
    done = subprocess.run([sys.executable, "-m", "migrate", "info", str(path)], capture_output=True, text=True)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    line, = done.stderr.strip().splitlines()
    assert line.startswith(f"wpmigrate: error: {path}:") and "not well-formed XML" in line
    ok = subprocess.run([sys.executable, "-m", "migrate", "info", "--recover", str(path)], capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    assert "xml-stray-ampersand-repaired" in ok.stderr
