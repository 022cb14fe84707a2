"""Benchmarks: run apart from the tests, they print their figures (``python -m benchmarks``)."""
