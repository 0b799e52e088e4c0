"""Reliability tests: hostile requests, failing dependencies and shutdowns."""
