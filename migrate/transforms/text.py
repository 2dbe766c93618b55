"""The words a reader sees in an HTML fragment.

Used to check that a conversion kept every word (tests, loss reports): two
renderings of the same content must give the same visible text, whatever
their markup. Block boundaries and ``<br>`` count as spaces; tags, comments,
attribute values (image alt text included) and script/style bodies do not.
"""

from __future__ import annotations

import re

from migrate.transforms.html_markdown import parse_fragment

__all__ = ["visible_text", "normalize_space"]

_BLOCK = frozenset(
    "address article aside blockquote body br dd details dialog div dl dt fieldset "
    "figcaption figure footer form h1 h2 h3 h4 h5 h6 header hr html li main nav ol p "
    "pre section summary table tbody td tfoot th thead tr ul caption iframe video audio "
    "img source track object embed".split()
)
_HIDDEN = frozenset({"script", "style", "template", "noscript", "head", "title"})
_WS = re.compile(r"\s+")


def normalize_space(text: str) -> str:
    """Collapse every run of whitespace (no-break space included) to one space."""
    return _WS.sub(" ", text.replace("\u00a0", " ")).strip()


def visible_text(fragment: str) -> str:
    """Visible text of an HTML fragment, whitespace-normalised."""
    if not fragment or not fragment.strip():
        return ""
    root = parse_fragment(fragment)
    if root is None:
        return normalize_space(fragment)
    out: list[str] = []
    # (element, entering?) pairs: an explicit stack, no recursion
    stack: list[tuple[object, bool]] = [(root, True)]
    while stack:
        node, entering = stack.pop()
        el = node  # type: ignore[assignment]
        tag = el.tag if isinstance(el.tag, str) else ""
        if entering:
            if not isinstance(el.tag, str):  # comment or processing instruction
                if el.tail:
                    out.append(el.tail)
                continue
            name = tag.lower()
            if name in _HIDDEN:
                if el.tail:
                    out.append(el.tail)
                continue
            if name in _BLOCK:
                out.append(" ")
            if el.text:
                out.append(el.text)
            stack.append((el, False))
            stack.extend((c, True) for c in reversed(list(el)))
        else:
            if tag.lower() in _BLOCK:
                out.append(" ")
            if el.tail and el is not root:
                out.append(el.tail)
    return normalize_space("".join(out))
