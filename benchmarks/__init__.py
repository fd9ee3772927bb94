"""`make bench`: throughput benchmarks, each reported as a ratio to a baseline of the same run."""
