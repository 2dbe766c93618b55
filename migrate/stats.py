"""Counts over an export, in one streaming pass (``wpmigrate info``)."""

from __future__ import annotations

from collections import Counter
from typing import Iterable

from migrate.model import _PLAIN_COMMENT_TYPES, Comment, Export


def thread_depths(comments: Iterable[Comment]) -> dict[int, int]:
    """Depth of each comment id in its post's thread (top level = 1).

    A parent that is not among the post's comments makes the comment top
    level, as WordPress's importer does. Iterative and linear: a 10,000-deep
    reply chain costs no recursion and no quadratic walk; cycles end at the
    point they close.
    """
    parent_of = {c.id: c.parent for c in comments}
    depth: dict[int, int] = {}
    for cid in parent_of:
        if cid in depth:
            continue
        chain = []
        on_chain: set[int] = set()
        node = cid
        while node not in depth:
            chain.append(node)
            on_chain.add(node)
            parent = parent_of.get(node, 0)
            if parent == 0 or parent not in parent_of or parent in on_chain:
                depth[node] = 1
                chain.pop()
                break
            node = parent
        base = depth[node]
        for n in reversed(chain):
            base += 1
            depth[n] = base
    return depth


def info(export: Export) -> dict:
    """The summary ``wpmigrate info --json`` prints; keys are stable."""
    post_types: Counter = Counter()
    statuses: Counter = Counter()
    kinds: Counter = Counter()
    comment_statuses: Counter = Counter()
    items = comments = threaded = max_depth = 0
    plain = _PLAIN_COMMENT_TYPES
    for post in export.posts():
        items += 1
        post_types[post.type] += 1
        statuses[post.status] += 1
        cs = post.comments
        if not cs:
            continue
        comments += len(cs)
        replies = 0
        for c in cs:
            t = c.type
            kinds["comment" if t in plain else t] += 1
            comment_statuses[c.approved] += 1
            if c.parent != 0:
                replies += 1
        if replies:
            threaded += replies
            depth = max(thread_depths(cs).values())
            if depth > max_depth:
                max_depth = depth
        elif max_depth < 1:
            max_depth = 1  # comments, none a reply: every thread is one deep
    terms: Counter = Counter(t.taxonomy for t in export.site.terms)
    return {
        "wxr_version": export.site.wxr_version,
        "items": items,
        "post_types": dict(sorted(post_types.items())),
        "statuses": dict(sorted(statuses.items())),
        "comments": comments,
        "comment_kinds": dict(sorted(kinds.items())),
        "comment_statuses": dict(sorted(comment_statuses.items())),
        "threaded_comments": threaded,
        "max_thread_depth": max_depth,
        "authors": len(export.site.authors),
        "terms": dict(sorted(terms.items())),
    }


_STATUS_NAMES = {"1": "approved", "0": "pending"}


def format_info(data: dict, site_title: str = "", sources: tuple[str, ...] = ()) -> str:
    """A readable rendering of :func:`info`."""

    def counts(d: dict, names: dict | None = None) -> str:
        if not d:
            return "none"
        return ", ".join(f"{(names or {}).get(k, k) or '(empty)'} {v}" for k, v in d.items())

    lines = []
    if site_title:
        lines.append(f"Site:      {site_title}")
    if sources:
        lines.append(f"Files:     {', '.join(sources)}")
    lines += [
        f"WXR:       {data['wxr_version'] or 'unknown'}",
        f"Items:     {data['items']} ({counts(data['post_types'])})",
        f"Statuses:  {counts(data['statuses'])}",
        f"Comments:  {data['comments']} ({counts(data['comment_kinds'])})",
        f"Approval:  {counts(data['comment_statuses'], _STATUS_NAMES)}",
        f"Threads:   {data['threaded_comments']} replies, deepest thread {data['max_thread_depth']}",
        f"Authors:   {data['authors']}",
        f"Terms:     {counts(data['terms'])}",
    ]
    return "\n".join(lines)
