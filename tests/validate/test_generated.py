"""The shared generator's export validates with no error.

gen_wxr picks ``_thumbnail_id`` at random among earlier ids, so most of them
name a post or a page, not an attachment: that deliberate sloppiness is the
only thing reported, as thumbnail-not-attachment warnings.
"""

from __future__ import annotations

from migrate.validate.engine import validate


def test_generated_200_has_no_error(generated_200):
    path, counts = generated_200
    res = validate([str(path)])
    assert res.count("error") == 0, [str(f) for f in res.findings if f.severity == "error"][:5]
    assert {code for code, _ in res.counts} <= {"thumbnail-not-attachment"}
    assert res.files[0].items == counts["items"]
    assert res.files[0].comments == counts["comments"]
    assert res.exit_code() == 0
    assert res.exit_code(strict=True) == (1 if res.count("warning") else 0)
