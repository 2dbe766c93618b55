"""Jekyll site writer (the implementation is in migrate.writers.static)."""

from migrate.writers.static.jekyll import write

__all__ = ["write"]
