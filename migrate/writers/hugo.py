"""Hugo site writer (the implementation is in migrate.writers.static)."""

from migrate.writers.static.hugo import write

__all__ = ["write"]
