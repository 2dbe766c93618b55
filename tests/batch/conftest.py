"""Fixtures for the batch tests; helpers live in batchhelp.py beside this file."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))



@pytest.fixture(autouse=True)
def _fresh_registry():
    from migrate import registry

    registry.plugins.cache_clear()
    yield
