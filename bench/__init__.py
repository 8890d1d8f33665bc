"""Benchmarks of the offline loop and the fake Azure: ``python -m bench`` (see bench/README.md)."""
