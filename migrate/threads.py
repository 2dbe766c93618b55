"""Comment threads: rebuild the reply tree from ``comment_parent`` ids.

WordPress stores threads as a flat list where each comment names its parent.
Exports are not always consistent: a parent may be missing (deleted, or left
out because it is spam), ids may repeat, and a hand-edited or corrupted file
can even make a loop. Every writer needs the same answer to all of these, so
it lives here:

* children are ordered as WordPress shows them: by date, then by id;
* a comment whose parent is not in the list is attached to its nearest
  ancestor that is (``ancestors`` gives the parents of comments left out),
  else it becomes a top-level comment (finding ``comment-orphan``);
* a loop is broken at its oldest member, which becomes top level
  (finding ``comment-cycle``);
* a repeated id keeps its first comment (finding ``comment-duplicate-id``).

Everything is iterative and linear in the number of comments, so a thread a
hundred thousand replies deep is no different from a flat one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Generic, Iterable, Iterator, Mapping, Optional, TypeVar

from migrate.errors import Report
from migrate.model import Comment

__all__ = ["Node", "build_threads", "walk", "effective_parents", "comment_sort_key"]

T = TypeVar("T")


@dataclass(eq=False, slots=True)
class Node(Generic[T]):
    """One comment in a thread; ``parent`` is the effective parent id (0 = top level)."""

    comment: T
    id: int
    parent: int = 0
    depth: int = 0
    children: list["Node[T]"] = field(default_factory=list)


def comment_sort_key(c: Comment) -> tuple:
    """Date order as WordPress shows it (GMT when known), ids breaking ties."""
    gmt = c.date.gmt_dt
    local = c.date.local_dt
    if gmt is not None:
        stamp = gmt.replace(tzinfo=None).isoformat()
    elif local is not None:
        stamp = local.isoformat()
    else:
        stamp = ""
    return (stamp, c.id)


def effective_parents(
    ids: Iterable[int],
    parent_of: Mapping[int, int],
    ancestors: Optional[Mapping[int, int]] = None,
) -> tuple[dict[int, int], set[int], set[int]]:
    """Each id's parent among ``ids``, climbing through ``ancestors`` when needed.

    Returns ``(parents, orphans, cycle_breaks)``: ``parents[id]`` is 0 for a
    top-level comment; ``orphans`` are ids whose parent could not be found;
    ``cycle_breaks`` are ids that were made top level to break a loop.
    """
    present = dict.fromkeys(ids)
    ancestors = ancestors or {}
    parents: dict[int, int] = {}
    orphans: set[int] = set()
    for cid in present:
        p = parent_of.get(cid, 0)
        seen: set[int] = set()
        # climb through comments that are not shown (a hidden or missing parent)
        while p and p not in present and p in ancestors and p not in seen:
            seen.add(p)
            p = ancestors[p]
        if p and p not in present:
            orphans.add(cid)
            p = 0
        if p == cid:
            p = 0
        parents[cid] = p
    # loops: colour walk, each node visited once overall
    state: dict[int, int] = {}  # 1 = on the current path, 2 = done
    breaks: set[int] = set()
    for start in present:
        if state.get(start):
            continue
        path: list[int] = []
        node = start
        while node and not state.get(node):
            state[node] = 1
            path.append(node)
            node = parents[node]
        if node and state.get(node) == 1:
            # ``node`` is on the current path: the members from it on form a loop
            loop = path[path.index(node):]
            victim = min(loop)
            parents[victim] = 0
            breaks.add(victim)
        for n in path:
            state[n] = 2
    return parents, orphans, breaks


def build_threads(
    comments: Iterable[T],
    *,
    report: Optional[Report] = None,
    item_id: Optional[int] = None,
    item_title: Optional[str] = None,
    ancestors: Optional[Mapping[int, int]] = None,
    key: Optional[Callable[[T], tuple]] = None,
    id_of: Callable[[T], int] = lambda c: c.id,  # type: ignore[attr-defined]
    parent_of: Callable[[T], int] = lambda c: c.parent,  # type: ignore[attr-defined]
) -> list[Node[T]]:
    """The top-level nodes of the threads, children filled in, in display order.

    ``ancestors`` maps the ids of comments that are *not* in ``comments`` to
    their parents, so a reply to a left-out comment joins the nearest shown
    ancestor instead of losing its place entirely.
    """
    sort_key = key or comment_sort_key  # type: ignore[assignment]
    by_id: dict[int, T] = {}
    duplicates = 0
    for c in comments:
        cid = id_of(c)
        if cid in by_id:
            duplicates += 1
            continue
        by_id[cid] = c
    where = {"item_id": item_id, "item_title": item_title}
    if duplicates and report is not None:
        report.emit("comment-duplicate-id", "warning",
                    f"{duplicates} comment(s) repeat an id already used on this item; the first was kept",
                    **where)
    parents, orphans, breaks = effective_parents(
        by_id, {cid: parent_of(c) for cid, c in by_id.items()}, ancestors)
    if report is not None:
        if orphans:
            report.emit("comment-orphan", "notice",
                        f"{len(orphans)} comment(s) reply to a comment that is not in the export; "
                        "shown as top-level comments", **where)
        if breaks:
            report.emit("comment-cycle", "warning",
                        f"comment parents form a loop; broke it by making comment(s) "
                        f"{', '.join(map(str, sorted(breaks)))} top level", **where)
    nodes = {cid: Node(c, cid, parents[cid]) for cid, c in by_id.items()}
    ordered = sorted(nodes.values(), key=lambda n: sort_key(n.comment))
    roots: list[Node[T]] = []
    for n in ordered:
        if n.parent:
            nodes[n.parent].children.append(n)
        else:
            roots.append(n)
    # depths, top down, without recursion
    stack = [(r, 0) for r in roots]
    while stack:
        n, d = stack.pop()
        n.depth = d
        stack.extend((ch, d + 1) for ch in n.children)
    return roots


def walk(roots: Iterable[Node[T]]) -> Iterator[Node[T]]:
    """Every node in display order (depth first, parents before replies)."""
    stack = list(reversed(list(roots)))
    while stack:
        n = stack.pop()
        yield n
        stack.extend(reversed(n.children))
