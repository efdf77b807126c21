"""What a fragment is; apart from segment.py so that naming the units does not load spaCy."""
from __future__ import annotations

from typing import Literal

Unit = Literal["paragraph", "sentence", "turn"]
UNITS: tuple[Unit, ...] = ("paragraph", "sentence", "turn")
