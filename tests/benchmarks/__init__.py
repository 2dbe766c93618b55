"""Benchmarks: run by hand (``python -m tests.benchmarks.bench``), never by pytest."""
