"""Helpers that tests and benchmarks share: fakes, builders, hostile input, stacks to start.

Tests and benchmarks import from here, never from each other.
"""
