"""Benchmarks: each prints its figures beside the goal, measured against a baseline run side by side."""
