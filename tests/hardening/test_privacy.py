"""Commenters' e-mail addresses and IPs never appear in a static site."""

from __future__ import annotations


import pytest

import migrate

from tests.conftest import corpus_files
from tests.hardening.conftest import SAMPLES

EXPORTS = corpus_files() + sorted(SAMPLES.glob("*.xml"))


@pytest.mark.parametrize("writer", ["hugo", "jekyll", "pelican"])
def test_no_commenter_email_or_ip_in_static_sites(tmp_path, writer):
    assert EXPORTS
    checked = 0
    for i, export in enumerate(EXPORTS):
        try:
            posts = list(migrate.read(export).posts())
        except migrate.InputError:
            continue  # refused exports are tested elsewhere
        secrets = {s.strip().lower() for p in posts for c in p.comments
                   for s in (c.author_email, c.author_ip) if len(s.strip()) > 3}
        # an address the site published itself (in a post's text) is not a commenter's secret
        published = " ".join(f"{p.title} {p.content} {p.excerpt}" for p in posts).lower()
        secrets = {s for s in secrets if s not in published}
        out = tmp_path / f"site{i}"
        migrate.convert([export], writer, out, {"comments": "all"})
        for f in out.rglob("*"):
            if f.is_file():
                text = f.read_bytes().decode("utf-8", errors="replace").lower()
                leaked = [s for s in secrets if s in text]
                assert not leaked, f"{export} → {f.relative_to(out)}: {leaked[:3]}"
        checked += len(secrets)
    assert checked > 20
