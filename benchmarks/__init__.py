"""Benchmarks: every figure is a ratio against NumPyro measured in the same run."""
