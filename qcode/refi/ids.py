"""Stable GUIDs: the same project exported twice gives the same file, and another tool sees the same objects."""
from __future__ import annotations

import uuid

NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "qcode:refi-qda")


def make_guid(kind: str, *key: object) -> str:
    return str(uuid.uuid5(NAMESPACE, "\x1f".join([kind, *map(str, key)])))
