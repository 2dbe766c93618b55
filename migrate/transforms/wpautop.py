"""WordPress's ``wpautop()`` and ``shortcode_unautop()``, ported rule for rule.

Classic-editor posts are stored without ``<p>``/``<br>``: WordPress adds them
on display with ``wpautop()`` (``wp-includes/formatting.php``).  To show the
same paragraphs after a migration we must apply the very same rules, in the
same order, so every regular expression below mirrors one ``preg_*`` call of
the PHP source (WordPress 6.1; the rules have not changed since 5.x).

PCRE (as PHP runs it, without the ``/u`` flag, on UTF-8 bytes) and Python's
``re`` (on ``str``) differ in ways that matter here; each is handled once:

* ``\\s`` in PCRE without ``/u`` is ASCII whitespace ``[ \\t\\n\\v\\f\\r]``;
  Python's ``\\s`` also matches U+00A0, U+2028, U+0085 … -> every pattern is
  compiled with ``re.ASCII`` (which also makes ``\\w`` and ``/i`` ASCII-only,
  as PCRE's default C-locale tables are).
* PHP's ``trim()`` strips only `` \\t\\n\\r\\0\\x0B``; ``str.strip()`` strips all
  Unicode whitespace -> ``_PHP_TRIM`` is passed explicitly.
* ``wp_spaces_regexp()`` is ``[\\r\\n\\t ]|\\xC2\\xA0|&nbsp;`` on bytes; on ``str``
  the two bytes ``C2 A0`` are the one character U+00A0.
* PCRE conditionals with an assertion (``(?(?=…)yes|no)``, used by
  ``get_html_split_regex()``) do not exist in ``re``; they are rewritten as an
  alternation of mutually exclusive lookaheads, which matches the same text.
* ``$`` without ``/m`` or ``/D`` means "end, or before a final newline" in both
  engines; possessive quantifiers (``*+``) exist in ``re`` since Python 3.11.
* Some rules are quadratic as regexes, in both engines: those starting with
  ``\\s*`` rescan a long whitespace run from each position in it, and the
  ``HEAD[^>]*>TAIL`` ones rescan to the next ``>`` from each tag start.  They
  are rewritten (see ``_lead_ws``, ``_sub_tag``, ``_newlines_to_br``,
  ``_preserve_newlines``) to give the same replacements in linear time; the
  differential test against WordPress checks that they do.
"""

from __future__ import annotations

import re
from typing import Iterable

__all__ = ["wpautop", "shortcode_unautop", "has_blocks", "wp_html_split"]

_A = re.ASCII
#: Characters PHP's trim() removes by default.
_PHP_TRIM = " \t\n\r\0\x0b"
#: PCRE's \s without /u (space, \t, \n, \v, \f, \r).
_WS = r"[ \t\n\x0b\x0c\r]"
#: WordPress's wp_spaces_regexp() default, as characters rather than bytes.
_SPACES = r"[\r\n\t ]|\xa0|&nbsp;"

_ALLBLOCKS = (
    r"(?:table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li"
    r"|pre|form|map|area|blockquote|address|math|style|p|h[1-6]|hr|fieldset|legend"
    r"|section|article|aside|hgroup|header|footer|nav|figure|figcaption|details"
    r"|menu|summary)"
)

# ---------------------------------------------------------------- html split.
# get_html_split_regex(): comments, CDATA, or any other "<...>" (unterminated
# ones run to the end of input).  PCRE's "(?(?=!--|!\[CDATA\[) (?(?=!-) C | D)
# | [^>]*>? )" becomes three alternatives guarded by exclusive lookaheads.
_COMMENT = r"!(?:-(?!->)[^\-]*+)*+(?:-->)?"
_CDATA = r"!\[CDATA\[[^\]]*+(?:](?!]>)[^\]]*+)*+(?:]]>)?"
_HTML_SPLIT_RE = re.compile(
    r"(<(?:(?=!--)" + _COMMENT + r"|(?=!\[CDATA\[)" + _CDATA
    + r"|(?!!--|!\[CDATA\[)[^>]*>?))",
    _A,
)

# ------------------------------------------------------------ wpautop steps.
_BR_BR_RE = re.compile(r"<br\s*/?>\s*<br\s*/?>", _A)
#: Where "(<BLOCK[\s/>])" starts: no match can start inside another (only
#: its first character is a "<"), so inserting at each start is the same sub.
_BLOCK_OPEN_AT = re.compile(r"(?=<" + _ALLBLOCKS + r"[\s/>])", _A)
_BLOCK_CLOSE_RE = re.compile(r"(</" + _ALLBLOCKS + r">)", _A)
_HR_RE = re.compile(r"(<hr\s*?/?>)", _A)
def _lead_ws(body: str, trail: str = "") -> re.Pattern[str]:
    """``\\s*(body)trail`` that never restarts inside a whitespace run.

    A whitespace run not followed by ``body`` is consumed whole by the second
    alternative and put back unchanged (replacement ``\\1\\2``), so the next
    attempt starts after it; where ``body`` follows, both forms match the same
    text (``body`` starts with ``<`` or ``[``, never with whitespace).
    """
    return re.compile(_WS + r"*+(" + body + r")" + trail + r"|(" + _WS + r"++)", _A)


_OPTION_BEFORE_RE = _lead_ws(r"<option")
_OPTION_AFTER_RE = re.compile(r"</option>\s*", _A)
_OBJECT_OPEN_RE = re.compile(r"(<object[^>]*>)\s*", _A)
_OBJECT_CLOSE_RE = _lead_ws(r"</object>")
_PARAM_EMBED_RE = _lead_ws(r"</?(?:param|embed)[^>]*>", r"\s*")
_AV_OPEN_RE = re.compile(r"([<\[](?:audio|video)[^>\]]*[>\]])\s*", _A)
_AV_CLOSE_RE = _lead_ws(r"[<\[]/(?:audio|video)[>\]]")
_SOURCE_TRACK_RE = _lead_ws(r"<(?:source|track)[^>]*>", r"\s*")
_FIGCAPTION_OPEN_RE = _lead_ws(r"<figcaption[^>]*>")
_FIGCAPTION_CLOSE_RE = re.compile(r"</figcaption>\s*", _A)
_MULTI_NL_RE = re.compile(r"\n\n+", _A)
_PARA_SPLIT_RE = re.compile(r"\n\s*\n", _A)
_EMPTY_P_RE = re.compile(r"<p>\s*</p>", _A)
_UNCLOSED_P_RE = re.compile(r"<p>([^<]+)</(div|address|form)>", _A)
# The patterns "HEAD[^>]*>TAIL" are run by _sub_tag(): heads here, tails below.
_P_WRAPS_BLOCK_HEAD = re.compile(r"<p>\s*(</?" + _ALLBLOCKS + r")", _A)
_P_END_TAIL = re.compile(r"\s*</p>", _A)
_P_LI_RE = re.compile(r"<p>(<li.+?)</p>", _A)
_P_BLOCKQUOTE_RE = re.compile(r"<p><blockquote([^>]*)>", _A | re.I)
_BLOCK_HEAD = re.compile(r"(</?" + _ALLBLOCKS + r")", _A)
_PRESERVE_OPEN_RE = re.compile(r"<(script|style|svg)", _A)
#: From the first newline of a whitespace run to the run's end (see _newlines_to_br).
_NL_RUN_RE = re.compile(r"\n" + _WS + r"*", _A)
_WS_CHARS = " \t\n\x0b\x0c\r"
_BR_TAIL = re.compile(r"\s*<br />", _A)
_BR_BEFORE_BLOCK_HEAD = re.compile(r"<br />(\s*</?(?:p|li|div|dl|dd|dt|th|pre|td|ul|ol))", _A)
_TRAILING_NL_P_RE = re.compile(r"\n</p>$", _A)
_PRE_PLACEHOLDER_RE = re.compile(r"<pre wp-pre-tag-(\d+)></pre>", _A)


def wp_html_split(text: str) -> list[str]:
    """Split into text and HTML elements/comments, like ``wp_html_split()``.

    Odd indices are the elements (``preg_split`` with DELIM_CAPTURE).
    """
    return _HTML_SPLIT_RE.split(text)


#: A newline inside a tag, for text without comments or CDATA (where a tag is
#: "<" up to the next ">"): the last "<" before such a newline starts a match.
_NL_IN_TAG = re.compile(r"<[^<>]*\n")


def _replace_newlines_in_tags(text: str) -> str:
    """``wp_replace_in_html_tags($text, ["\\n" => " <!-- wpnl --> "])``."""
    if "<!" not in text and _NL_IN_TAG.search(text) is None:
        return text  # no element holds a newline: splitting would find nothing to change
    parts = wp_html_split(text)
    changed = False
    for i in range(1, len(parts), 2):
        if "\n" in parts[i]:
            parts[i] = parts[i].replace("\n", " <!-- wpnl --> ")
            changed = True
    return "".join(parts) if changed else text


def _protect_pre(text: str) -> tuple[str, list[str]]:
    """Swap each ``<pre>…</pre>`` for a placeholder so autop leaves it alone.

    Same splitting as WordPress: on ``</pre>``, from the first ``<pre`` of
    each piece; a piece without ``<pre`` is kept as it is.
    """
    parts = text.split("</pre>")
    last = parts.pop()
    out: list[str] = []
    pres: list[str] = []
    for part in parts:
        start = part.find("<pre")
        if start < 0:
            out.append(part)
            continue
        out.append(part[:start])
        out.append(f"<pre wp-pre-tag-{len(pres)}></pre>")
        pres.append(part[start:] + "</pre>")
    out.append(last)
    return "".join(out), pres


def _restore_pre(text: str, pres: list[str]) -> str:
    """Put the ``<pre>`` blocks back, with ``str_replace($keys, $values)``'s result.

    PHP replaces key 0 everywhere, then key 1 in the result, and so on; a
    value holding a later placeholder's text therefore has it expanded too,
    an earlier one not.  Expanding each value from the last one backwards
    gives that result in one pass instead of one pass per ``<pre>``.
    """
    expanded: list[str] = [""] * len(pres)
    for i in range(len(pres) - 1, -1, -1):
        expanded[i] = _PRE_PLACEHOLDER_RE.sub(
            lambda m, i=i: _later_pre(m, i, expanded), pres[i]
        )
    return _PRE_PLACEHOLDER_RE.sub(lambda m: _later_pre(m, -1, expanded), text)


def _later_pre(m: re.Match[str], after: int, expanded: list[str]) -> str:
    n = int(m.group(1))
    if after < n < len(expanded) and m.group(1) == str(n):
        return expanded[n]
    return m.group(0)


def _sub_tag(text: str, head: re.Pattern[str], tail: re.Pattern[str] | None) -> str:
    """``re.sub(HEAD[^>]*>TAIL, group 1 .. the ">")`` in linear time.

    ``HEAD`` holds group 1 (where the kept tag starts).  ``[^>]*>`` can only
    end at the first ``>`` after the head, so that position is found with a
    remembered ``str.find`` instead of a rescan per start: the regex form is
    quadratic on input like ``<p<p<p…`` with no ``>``.
    """
    out: list[str] = []
    pos = search = 0
    gt_from, gt = -1, -1  # gt: first ">" at or after gt_from (or -1: none)
    while True:
        m = head.search(text, search)
        if m is None:
            break
        if gt_from < 0 or m.end() < gt_from or 0 <= gt < m.end():
            gt_from, gt = m.end(), text.find(">", m.end())
        if gt < 0:
            break  # no ">" after here: nothing further can match
        end = gt + 1
        if tail is not None:
            t = tail.match(text, end)
            if t is None:
                search = m.start() + 1
                continue
            end = t.end()
        out.append(text[pos : m.start()])
        out.append(text[m.start(1) : gt + 1])
        pos = search = end
    if not out:
        return text
    out.append(text[pos:])
    return "".join(out)


#: A ">" followed by the tail of "(</?BLOCK[^>]*>)\s*</p>" / "…\s*<br />".
_GT_BEFORE_P_END = re.compile(r">(?=\s*</p>)", _A)
_GT_BEFORE_BR = re.compile(r">(?=\s*<br />)", _A)


def _drop_after_block_tag(text: str, gt_re: re.Pattern[str], tail: re.Pattern[str]) -> str:
    """``_sub_tag(text, _BLOCK_HEAD, tail)``, driven by the tails rather than the heads.

    Every ``<p>`` and ``</p>`` is a block head, but few are followed by the
    tail, so this visits the rare ``>`` that are (``gt_re``) instead. The
    regex drops the tail after ``>`` exactly when a head starts after the
    previous ``>`` (or after the previous replacement) and before this one:
    ``[^>]*`` cannot cross a ``>``, and a leftmost head there ends its tag at
    this ``>``.
    """
    out: list[str] = []
    pos = 0  # where the regex resumes: after the last replacement
    for c in gt_re.finditer(text):
        gt = c.start()
        if gt < pos:
            continue
        lo = text.rfind(">", pos, gt) + 1 or pos
        if _BLOCK_HEAD.search(text, lo, gt) is None:
            continue
        out.append(text[pos : gt + 1])
        pos = tail.match(text, gt + 1).end()
    if not out:
        return text
    out.append(text[pos:])
    return "".join(out)


def _newlines_to_br(text: str) -> str:
    """``preg_replace('|(?<!<br />)\\s*\\n|', "<br />\\n", $text)``, linear.

    The regex starts a match at the first whitespace of a run (one later when
    the run follows ``<br />``) and, greedy, ends it at the run's last
    newline.  Matching from each run's first newline and looking back over
    the run gives the same replacements without rescanning long runs of
    spaces from every position.
    """
    out: list[str] = []
    pos = 0
    for m in _NL_RUN_RE.finditer(text):
        start = m.start()
        while start > pos and text[start - 1] in _WS_CHARS:
            start -= 1
        last_nl = text.rfind("\n", m.start(), m.end())
        if text.endswith("<br />", 0, start):
            start += 1
            if start > last_nl:
                continue
        out.append(text[pos:start])
        out.append("<br />\n")
        pos = last_nl + 1
    if not out:
        return text
    out.append(text[pos:])
    return "".join(out)


def _preserve_newlines(text: str) -> str:
    """``<(script|style|svg).*?</\\1>`` (with /s): newlines -> placeholder.

    Done with ``str.find`` so an unclosed ``<script`` costs one scan, not one
    per later position (the regex would rescan the rest of the text each time).
    """
    out: list[str] = []
    pos = 0
    missing: dict[str, int] = {}  # tag -> position from which "</tag>" is absent
    search_from = 0
    while True:
        m = _PRESERVE_OPEN_RE.search(text, search_from)
        if m is None:
            break
        tag = m.group(1)
        close = f"</{tag}>"
        end = -1
        if m.end() < missing.get(tag, len(text) + 1):
            end = text.find(close, m.end())
            if end < 0:
                missing[tag] = m.end()
        if end < 0:
            search_from = m.start() + 1
            continue
        end += len(close)
        out.append(text[pos : m.start()])
        out.append(text[m.start() : end].replace("\n", "<WPPreserveNewline />"))
        pos = search_from = end
    if not out:
        return text
    out.append(text[pos:])
    return "".join(out)


def _group1_then_blank_line(m: re.Match[str]) -> str:
    return m.group(1) + "\n\n"


def _blockquote_then_p(m: re.Match[str]) -> str:
    return "<blockquote" + m.group(1) + "><p>"


def wpautop(text: str, br: bool = True) -> str:
    """Replace double line breaks with paragraphs, exactly as WordPress does.

    With ``br`` the remaining single newlines become ``<br />`` (except
    inside ``<script>``, ``<style>`` and ``<svg>``); ``<pre>`` is untouched.
    """
    if text.strip(_PHP_TRIM) == "":
        return ""
    text = text + "\n"
    if "\r" not in text and ("<" not in text or _NOT_INLINE_TAG.search(text) is None):
        return _plain_autop(text, br)
    return _autop(text, br)


def _autop(text: str, br: bool) -> str:
    """The general path of :func:`wpautop`, for non-blank text ending in a newline."""
    pres: list[str] = []
    if "<pre" in text:
        text, pres = _protect_pre(text)

    if "<br" in text:
        text = _BR_BR_RE.sub("\n\n", text)
    text = _BLOCK_OPEN_AT.sub("\n\n", text)
    if "</" in text:
        text = _BLOCK_CLOSE_RE.sub(_group1_then_blank_line, text)
    if "<hr" in text:
        text = _HR_RE.sub(_group1_then_blank_line, text)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _replace_newlines_in_tags(text)

    if "<option" in text:
        text = _OPTION_BEFORE_RE.sub("\\1\\2", text)
        text = _OPTION_AFTER_RE.sub("</option>", text)
    if "</object>" in text:
        text = _OBJECT_OPEN_RE.sub("\\1", text)
        text = _OBJECT_CLOSE_RE.sub("\\1\\2", text)
        text = _PARAM_EMBED_RE.sub("\\1\\2", text)
    if "<source" in text or "<track" in text:
        text = _AV_OPEN_RE.sub("\\1", text)
        text = _AV_CLOSE_RE.sub("\\1\\2", text)
        text = _SOURCE_TRACK_RE.sub("\\1\\2", text)
    if "<figcaption" in text:
        text = _FIGCAPTION_OPEN_RE.sub("\\1\\2", text)
        text = _FIGCAPTION_CLOSE_RE.sub("</figcaption>", text)

    text = _MULTI_NL_RE.sub("\n\n", text)
    paragraphs = [p for p in _PARA_SPLIT_RE.split(text) if p != ""]
    text = "".join(f"<p>{p.strip(chr(10))}</p>\n" for p in paragraphs)

    text = _EMPTY_P_RE.sub("", text)
    if "</div>" in text or "</address>" in text or "</form>" in text:
        text = _UNCLOSED_P_RE.sub("<p>\\1</p></\\2>", text)
    text = _sub_tag(text, _P_WRAPS_BLOCK_HEAD, _P_END_TAIL)
    if "<p><li" in text:
        text = _P_LI_RE.sub("\\1", text)
    text = _P_BLOCKQUOTE_RE.sub(_blockquote_then_p, text)
    text = text.replace("</blockquote></p>", "</p></blockquote>")
    text = _sub_tag(text, _P_WRAPS_BLOCK_HEAD, None)
    text = _drop_after_block_tag(text, _GT_BEFORE_P_END, _P_END_TAIL)

    if br:
        text = _preserve_newlines(text)
        text = text.replace("<br>", "<br />").replace("<br/>", "<br />")
        text = _newlines_to_br(text)
        text = text.replace("<WPPreserveNewline />", "\n")

    text = _drop_after_block_tag(text, _GT_BEFORE_BR, _BR_TAIL)
    text = _sub_tag(text, _BR_BEFORE_BLOCK_HEAD, None)
    text = _TRAILING_NL_P_RE.sub("</p>", text)

    if pres:
        text = _restore_pre(text, pres)
    if "<!-- wpnl -->" in text:
        text = text.replace(" <!-- wpnl --> ", "\n").replace("<!-- wpnl -->", "\n")
    return text


#: A "<" that does not start a one-line tag of an inline element no rule acts
#: on: none of these names is, or starts, the name of a block element (the
#: rules' heads are "</?BLOCK" without an end), ``br``, ``pre`` or one of the
#: elements with rules of their own (option, object, source, figcaption …).
_NOT_INLINE_TAG = re.compile(
    r"<(?!/?(?:a|abbr|b|cite|code|del|em|i|img|ins|kbd|mark|q|s|small|span|strike|strong|sub|sup|u)"
    r"(?=[\s/>])[^<>\n]*>)",
    _A,
)


def _plain_autop(text: str, br: bool) -> str:
    """:func:`wpautop` of a text with no carriage return and no markup but inline tags.

    The same steps, less those that only act on tags other than inline ones
    (there are none but the paragraphs' own, and no empty paragraph is left to
    match them). Comments are mostly such text.
    """
    text = _MULTI_NL_RE.sub("\n\n", text)
    paragraphs = [p for p in _PARA_SPLIT_RE.split(text) if p != ""]
    text = "".join(f"<p>{p.strip(chr(10))}</p>\n" for p in paragraphs)
    text = _EMPTY_P_RE.sub("", text)
    text = _drop_after_block_tag(text, _GT_BEFORE_P_END, _P_END_TAIL)
    if br:
        text = _newlines_to_br(text)
    text = _drop_after_block_tag(text, _GT_BEFORE_BR, _BR_TAIL)
    text = _sub_tag(text, _BR_BEFORE_BLOCK_HEAD, None)
    return _TRAILING_NL_P_RE.sub("</p>", text)


_UNAUTOP_CACHE: dict[tuple[str, ...], re.Pattern[str]] = {}


def _unautop_regex(tags: tuple[str, ...]) -> re.Pattern[str]:
    pattern = _UNAUTOP_CACHE.get(tags)
    if pattern is None:
        tagregexp = "|".join(re.escape(t) for t in tags)
        pattern = re.compile(
            r"<p>(?:" + _SPACES + r")*+"
            r"(\[(" + tagregexp + r")(?![\w-])"
            r"[^\]/]*(?:/(?!\])[^\]/]*)*?"
            r"(?:/\]|\](?:[^\[]*+(?:\[(?!/\2\])[^\[]*+)*+\[/\2\])?))"
            r"(?:" + _SPACES + r")*+</p>",
            _A,
        )
        if len(_UNAUTOP_CACHE) < 64:
            _UNAUTOP_CACHE[tags] = pattern
    return pattern


def shortcode_unautop(text: str, tags: Iterable[str]) -> str:
    """Unwrap ``<p>[shortcode]</p>`` for the registered ``tags`` (WordPress's rule).

    ``tags`` plays the role of the global ``$shortcode_tags``, in its order
    (alternation order matters for names that prefix each other).
    """
    tag_tuple = tuple(dict.fromkeys(tags))
    if not tag_tuple:
        return text
    return _unautop_regex(tag_tuple).sub(r"\1", text)


def has_blocks(text: str) -> bool:
    """WordPress's ``has_blocks()`` on a string: any ``<!-- wp:`` marker.

    Block-editor content is not passed through ``wpautop`` by WordPress.
    """
    return "<!-- wp:" in text
