"""Nothing here is a test: the benchmark is run by hand, see docs/benchmarks.md."""

collect_ignore_glob = ["*"]
