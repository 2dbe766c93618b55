"""The rule catalogue of ``wpmigrate validate``.

Each rule has a stable code (used in configuration, SARIF, JUnit and GitHub
annotations), a default severity and a one-line explanation. Severities mean:

* ``error``: WordPress's importer or a converter loses or corrupts data, or
  cannot read the file at all. Fails the build.
* ``warning``: something is very probably wrong and will show after a
  migration (a broken thread, a lost featured image, a wrong date). Fails the
  build with ``--strict`` or past ``--max-warnings``.
* ``notice``: worth knowing, often legitimate (filtered exports).

``docs/validate.md`` lists the same table; a test keeps them in step.
"""

from __future__ import annotations

from dataclasses import dataclass

from migrate.errors import Severity


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    severity: Severity
    category: str
    summary: str


_RULES = (
    # ------------------------------------------------------------ structure
    Rule("xml-not-well-formed", "error", "structure",
         "The file is not well-formed XML (raw '&', unclosed tag, cut short); nothing after the error can be read."),
    Rule("not-wxr", "error", "structure",
         "The file is not a WordPress export: empty, not XML, no <rss>/<channel>, or no WordPress export namespace."),
    Rule("xml-doctype", "error", "structure",
         "The file has a DOCTYPE: WordPress never writes one and its importer refuses it (entity expansion risk)."),
    Rule("wxr-version-missing", "error", "structure",
         "No <wp:wxr_version>: WordPress's importer stops with 'missing/invalid WXR version number'."),
    Rule("wxr-version-invalid", "error", "structure",
         "<wp:wxr_version> is not a number like 1.2: WordPress's importer refuses the file."),
    Rule("wxr-version-newer", "warning", "structure",
         "The WXR version is newer than 1.2: the importer only warns, but elements may be unknown to every tool."),
    Rule("xml-control-char", "error", "structure",
         "A character XML 1.0 forbids (C0 control, U+FFFE/U+FFFF): strict parsers, the importer's included, reject the file."),
    Rule("encoding-invalid-utf8", "error", "structure",
         "Bytes that are not UTF-8 in a file declared UTF-8: parsers reject the file or read the text wrongly."),
    Rule("encoding-mojibake", "warning", "structure",
         "Text that looks double-encoded ('Ã©', 'â€™'): the exporter re-encoded invalid UTF-8 as Latin-1."),
    Rule("xml-namespace-undeclared", "warning", "structure",
         "<rss> does not declare a prefix the file uses (wp:, content:, dc: …): XML parsers refuse it, WordPress reads it by name."),
    # ------------------------------------------------------------- identity
    Rule("post-id-invalid", "warning", "identity",
         "An item has no <wp:post_id> or one that is not a positive integer: the importer gives it a new id, nothing can refer to it."),
    Rule("post-id-duplicate", "error", "identity",
         "Two items of one file share a post id: WordPress's importer skips the second as 'already exists', so it is lost."),
    Rule("item-duplicate", "notice", "identity",
         "An item of a split export repeats a post id of an earlier file of the same site (--one-site); the first is kept."),
    Rule("comment-id-invalid", "warning", "identity",
         "A comment id or parent that is not a positive integer a database column can hold: the comment cannot be threaded."),
    Rule("comment-id-duplicate", "warning", "identity",
         "Two comments share a comment id: threads that point at that id become ambiguous."),
    Rule("slug-duplicate", "warning", "identity",
         "Two published items of one type and parent share a slug: WordPress renames the second on import, its URL changes."),
    Rule("slug-empty", "warning", "identity",
         "A published item has an empty slug: WordPress derives one from the title on import, so its URL changes."),
    # ----------------------------------------------------------- references
    Rule("comment-parent-missing", "warning", "references",
         "A comment's parent is not in the export: the importer keeps the dangling id and the reply loses its thread."),
    Rule("comment-parent-other-post", "warning", "references",
         "A comment's parent is a comment on another item: threads cannot cross items, the reply loses its thread."),
    Rule("comment-parent-cycle", "error", "references",
         "Comments are each other's parents (or their own): no tool can order the thread."),
    Rule("post-parent-missing", "warning", "references",
         "An item's parent is not in the export: the importer makes it top level, so its URL and menu position change."),
    Rule("post-parent-cycle", "error", "references",
         "Items are each other's parents (or their own): WordPress breaks the loop arbitrarily, URLs change."),
    Rule("attachment-parent-missing", "notice", "references",
         "An attachment's parent item is not in the export (common in filtered exports): it is imported unattached."),
    Rule("thumbnail-missing", "warning", "references",
         "_thumbnail_id names an item that is not in the export: the featured image is lost."),
    Rule("thumbnail-not-attachment", "warning", "references",
         "_thumbnail_id names an item that is not an attachment: WordPress shows no featured image."),
    Rule("creator-unknown", "warning", "references",
         "dc:creator is not a declared author: the importer assigns the item to whoever runs the import."),
    Rule("term-undeclared", "notice", "references",
         "An item uses a term its export does not declare (for taxonomies the export declares): name only, no parent or description."),
    Rule("term-parent-missing", "warning", "references",
         "A declared term's parent slug is not declared before it: the importer creates the term at the top level."),
    # --------------------------------------------------------------- values
    Rule("date-invalid", "error", "values",
         "A date is not 'YYYY-MM-DD HH:MM:SS' or not a real date: the item or comment gets a wrong date."),
    Rule("date-missing", "warning", "values",
         "An item or comment has no date, or only empty or zero ones (other tools' exports): the importer dates it at the import."),
    Rule("date-offset-mismatch", "warning", "values",
         "Local and GMT dates differ by an offset the site does not use (±1 h daylight saving is accepted): one of them is wrong."),
    Rule("status-unknown", "warning", "values",
         "A post status WordPress core does not know (a plugin's custom status?): converters treat it as unpublished."),
    Rule("comment-approval-unknown", "warning", "values",
         "A comment_approved value other than 1, 0, spam, trash, post-trashed: converters cannot tell if it is public."),
    Rule("meta-serialized-invalid", "warning", "values",
         "A meta value looks like PHP serialize() output but does not decode: WordPress reads it as a plain string."),
    Rule("attachment-url-invalid", "error", "values",
         "An attachment has no wp:attachment_url or one that is not an http(s) URL: the importer cannot fetch the file."),
    # -------------------------------------------------------------- content
    Rule("block-unbalanced", "warning", "content",
         "Gutenberg block comments do not pair up (an opener without closer, a stray or mismatched closer): the editor shows 'invalid block'."),
    Rule("shortcode-unknown", "warning", "content",
         "A shortcode that no converter handles: it stays as literal [text] after a migration."),
    Rule("link-internal-missing", "notice", "content",
         "A link to this site points at an item that is not in the export: it will break after a migration."),
)

RULES: dict[str, Rule] = {r.code: r for r in _RULES}
CATEGORIES: tuple[str, ...] = ("structure", "identity", "references", "values", "content")


def rule(code: str) -> Rule:
    return RULES[code]


__all__ = ["CATEGORIES", "RULES", "Rule", "rule"]
