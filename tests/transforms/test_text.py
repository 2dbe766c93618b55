"""Visible text of HTML: what tests and excerpt summaries compare."""

from __future__ import annotations

from migrate.transforms.text import normalize_space, visible_text


def test_blocks_separate_words_and_hidden_text_is_left_out():
    assert visible_text("<p>one</p><p>two<script>x()</script></p>&nbsp;three") == "one two three"


def test_text_nested_deeper_than_the_parser_goes_is_kept():
    depth = 5000
    html = "<div>" * depth + "deep <em>word</em>" + "</div>" * depth
    assert visible_text(html) == "deep word"


def test_unparseable_input_falls_back_to_its_text():
    assert visible_text("  ") == "" and normalize_space(" a\u00a0\n b ") == "a b"
