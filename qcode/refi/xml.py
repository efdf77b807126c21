"""XML as the REFI-QDA tools write it: any namespace (or none), a BOM, never a DOCTYPE or entity."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

from qcode.errors import InputError, Problem

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
_DECLARATIONS = re.compile(r"<!\s*(DOCTYPE|ENTITY)", re.I)


def parse(data: bytes, path: Path, member: str | None = None) -> ET.Element:
    """The root element; a DOCTYPE or entity declaration (what XML bombs are made of) is refused."""
    where = f"{member} in this file" if member else "this file"
    text = data.decode("utf-16" if b"\x00" in data[:200] else "utf-8", "ignore")
    if _DECLARATIONS.search(text):
        raise InputError([Problem(f"{where} declares a DOCTYPE or entities, which a REFI-QDA file never needs",
                                  path, hint="export the file again from its program; qcode does not "
                                             "expand XML entities")])
    try:
        return ET.fromstring(data)
    except ET.ParseError as error:
        line = error.position[0] if error.position else None
        raise InputError([Problem(f"{where} is not well-formed XML ({_reason(error)})", path, line=line,
                                  hint="export the file again from its program")]) from None


def _reason(error: ET.ParseError) -> str:
    return str(error).split(":")[0]


def local(element: ET.Element) -> str:
    """The element's name without its namespace: tools write 1.0, 0:4, 1:0 or none."""
    return element.tag.rsplit("}", 1)[-1]


def children(element: ET.Element, name: str) -> Iterator[ET.Element]:
    return (child for child in element if local(child) == name)


def child(element: ET.Element, name: str) -> ET.Element | None:
    return next(children(element, name), None)


def text_of(element: ET.Element, name: str) -> str | None:
    found = child(element, name)
    return None if found is None or found.text is None else found.text


def guid(element: ET.Element, attribute: str = "guid") -> str | None:
    """GUIDs compared case-insensitively and without braces: tools differ in both."""
    value = element.get(attribute)
    return value.strip().strip("{}").lower() if value else None
