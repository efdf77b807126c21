"""Modules loaded on first use, so that `qcode --help` does not pay for spaCy, numpy or Jinja2."""
from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any


class module:  # noqa: N801  (reads as a function at the call site: `cb = lazy.module("qcode.codebook")`)
    """Stands in for a module until one of its names is used; then imports it and answers from it."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._module: ModuleType | None = None

    def __getattr__(self, attribute: str) -> Any:
        if self._module is None:
            self._module = importlib.import_module(self._name)
        return getattr(self._module, attribute)

    def __repr__(self) -> str:
        return f"<lazy module {self._name!r}>"
