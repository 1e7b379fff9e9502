"""Scorers for the public corpora in ../shared/data (never shipped with the package)."""
