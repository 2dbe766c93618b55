"""The least CPU any Markdown site conversion with comments costs here.

Runs only the steps no such conversion can skip, each at its fastest, in one
process: the reader's walk over every item and comment; WordPress's
``wpautop`` on classic bodies and, after ``make_clickable``, on comments
(as WordPress shows them); the HTML-to-Markdown library on both; one
Markdown file per item in a folder of its own and one comments file per
commented item. Nothing else: no links, shortcodes, blocks, front matter,
URL map or personal-data checks. ``convert --to hugo`` does all of that
too, so its CPU time cannot be below this one's, and its wall time on N
cores not below this CPU time divided by N. Prints the counts and the CPU
seconds of each step as JSON::

    python tests/benchmarks/floor.py export.xml OUTPUT_DIR
"""

from __future__ import annotations

import json
import os
import sys
import time

import migrate
from migrate.transforms.html_markdown import _convert as html_to_markdown  # the library, options prepared once
from migrate.transforms.pipeline import make_clickable
from migrate.transforms.wpautop import has_blocks, wpautop


def run(path: str, out: str) -> dict:
    steps = dict.fromkeys(("read", "autop", "markdown", "files"), 0.0)
    items = comments = 0
    clock = time.process_time
    os.makedirs(out, exist_ok=True)
    posts = iter(migrate.read(path).posts())
    while True:
        t0 = clock()
        post = next(posts, None)
        t1 = clock()
        steps["read"] += t1 - t0
        if post is None:
            break
        items += 1
        body = post.content if has_blocks(post.content) else wpautop(post.content)
        shown = [wpautop(make_clickable(c.content)) for c in post.comments]
        t2 = clock()
        md = html_to_markdown(body)
        thread = [html_to_markdown(c) for c in shown]
        t3 = clock()
        folder = os.path.join(out, str(items))
        os.mkdir(folder)
        with open(os.path.join(folder, "index.md"), "w", encoding="utf-8") as fh:
            fh.write(md)
        if thread:
            comments += len(thread)
            with open(os.path.join(out, f"{items}.json"), "w", encoding="utf-8") as fh:
                json.dump(thread, fh, ensure_ascii=False)
        steps["autop"] += t2 - t1
        steps["markdown"] += t3 - t2
        steps["files"] += clock() - t3
    return {"items": items, "comments": comments, "cpu_s": {k: round(v, 3) for k, v in steps.items()}}


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print("usage: floor.py EXPORT.xml OUTPUT_DIR", file=sys.stderr)
        return 2
    print(json.dumps(run(args[0], args[1])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
