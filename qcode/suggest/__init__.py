"""Code suggestions, on this machine only (see docs/suggest.md)."""
