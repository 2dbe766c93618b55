"""What a content transform needs to know besides the text itself.

One context per item being converted: it says which item the findings are
about, how internal links and upload URLs map to the new site, and how an
attachment id (from ``[gallery ids=…]`` or an image block) becomes a URL.
Writers build it; transforms only read it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Optional

from migrate.errors import Report, Severity


def _no_url(url: str) -> Optional[str]:
    return None


def _no_attachment(attachment_id: int) -> Optional["AttachmentInfo"]:
    return None


def _no_children(post_id: int) -> list["AttachmentInfo"]:
    return []


def _no_block(block_id: int) -> Optional[str]:
    return None


@dataclass(frozen=True, slots=True)
class AttachmentInfo:
    id: int
    url: str
    title: str = ""
    caption: str = ""
    alt: str = ""
    mime: str = ""


@dataclass
class TransformContext:
    report: Report = field(default_factory=Report)
    item_id: Optional[int] = None
    item_title: Optional[str] = None
    file: Optional[str] = None
    line: Optional[int] = None
    #: old internal URL -> new URL, or None when the URL is not internal/known.
    resolve_link: Callable[[str], Optional[str]] = _no_url
    #: upload URL (any resized variant) -> new media URL/path, or None.
    resolve_media: Callable[[str], Optional[str]] = _no_url
    #: attachment id -> its URL and captions, or None when not in the export.
    attachment: Callable[[int], Optional[AttachmentInfo]] = _no_attachment
    #: post id -> its attached media in WordPress's gallery order (menu_order, id);
    #: what ``[gallery]`` without ``ids`` shows.
    attached: Callable[[int], list[AttachmentInfo]] = _no_children
    #: the post's ``footnotes`` meta (JSON), which the core/footnotes block shows
    footnotes: str = ""
    #: reusable block (``wp_block`` item) id -> its content, or None when not in the export
    reusable: Callable[[int], Optional[str]] = _no_block

    def finding(self, code: str, severity: Severity, message: str) -> None:
        """Record a finding about the current item."""
        self.report.emit(
            code,
            severity,
            message,
            file=self.file,
            line=self.line,
            item_id=self.item_id,
            item_title=self.item_title,
        )
