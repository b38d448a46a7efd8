"""NumPyro interoperability: conversion between typed and NumPyro objects.

Nothing is imported here, so that the core can import `_convert` without a
cycle; the public names are re-exported from `typed_dists`.
"""
