"""The floor the reader is measured against: plain ``lxml.etree.iterparse``.

Touches every item and every comment (reads the fields a reader must read:
post id, title, content, type, status; comment id, parent, content), then
clears each item and its preceding siblings, as any streaming reader must.
Prints the counts as JSON so the harness can check the walk was complete::

    python tests/benchmarks/baseline.py export.xml
"""

from __future__ import annotations

import json
import sys

from lxml import etree

WP = "{http://wordpress.org/export/1.2/}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"


def walk(path: str) -> dict:
    items = comments = chars = 0
    ctx = etree.iterparse(
        path, events=("end",), tag="item", resolve_entities=False, no_network=True,
        huge_tree=True, strip_cdata=True,
    )
    for _, item in ctx:
        items += 1
        for child in item:
            tag = child.tag
            if tag == WP + "comment":
                comments += 1
                for c in child:
                    if c.tag in (WP + "comment_id", WP + "comment_parent", WP + "comment_content"):
                        chars += len(c.text or "")
            elif tag in ("title", CONTENT, WP + "post_id", WP + "post_type", WP + "status"):
                chars += len(child.text or "")
        item.clear()
        while item.getprevious() is not None:
            del item.getparent()[0]
    del ctx
    return {"items": items, "comments": comments, "chars": chars}


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: baseline.py EXPORT.xml", file=sys.stderr)
        return 2
    print(json.dumps(walk(args[0])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
