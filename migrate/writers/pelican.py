"""Pelican site writer (the implementation is in migrate.writers.static)."""

from migrate.writers.static.pelican import write

__all__ = ["write"]
