"""JSON Schemas of what wpmigrate reads and writes.

This folder is installed as the package ``migrate.schemas`` (see
``pyproject.toml``), so the schemas the code validates against are the very
files documented here, in a checkout and in an installed wheel alike.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib.resources import files


@lru_cache(maxsize=None)
def load(name: str) -> dict:
    """The schema ``name`` (e.g. ``"config.schema.json"``) as a dict."""
    return json.loads(files(__name__).joinpath(name).read_text(encoding="utf-8"))
