"""Pseudonymised exports (issue 15): finding identifiers, review decisions, replacing them in exports.

    from qcode.anonymise import scan, identifiers, decide, pseudonymiser
    scan(project)                                   # the detectors over fragments not scanned yet
    for identifier in identifiers(project, unreviewed_only=True): ...
    decide(project, "Stichting Welzijn Oost", "always", by="sanne")
    replacer = pseudonymiser(project)               # one per export
    replacer.apply("Petra werkte bij Stichting Welzijn Oost.")  # "[naam 1] werkte bij [organisatie]."

Importing this package loads neither deduce nor the detectors' patterns: the names are imported on first use.
"""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from qcode.anonymise.detect import CATEGORIES
    from qcode.anonymise.pseudonymise import Pseudonymiser, pseudonymiser
    from qcode.anonymise.settings import AnonymiseSettings, load_settings
    from qcode.anonymise.store import Identifier, decide, identifiers, scan

__all__ = ["load_settings", "AnonymiseSettings", "Identifier", "CATEGORIES", "scan", "identifiers", "decide",
           "pseudonymiser", "Pseudonymiser"]
_WHERE = {"load_settings": "settings", "AnonymiseSettings": "settings", "CATEGORIES": "detect",
          "Identifier": "store", "scan": "store", "identifiers": "store", "decide": "store",
          "pseudonymiser": "pseudonymise", "Pseudonymiser": "pseudonymise"}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(importlib.import_module(f"qcode.anonymise.{_WHERE[name]}"), name)
    raise AttributeError(f"module 'qcode.anonymise' has no attribute {name!r}")
