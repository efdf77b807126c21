"""Turning aggregated counts and quotes into files: the report, quote sheets, charts, Dutch words."""
