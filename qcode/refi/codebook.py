"""Codes between qcode's codebook and REFI-QDA's nested `Code` elements.

qcode's include/exclude rules, examples and keywords travel inside the REFI description, under
Dutch headings a reader of another tool understands, and come back from it; the last line names
the qcode id, so a code keeps its id on a round trip.
"""
from __future__ import annotations

import re
import unicodedata
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import Any

from qcode.refi import xml
from qcode.refi.ids import make_guid

FIELDS = {"Wel coderen:": "include", "Niet coderen:": "exclude", "Hoofdstuk:": "chapter", "Soort:": "kind",
          "Rol:": "role", "Trefwoorden:": "keywords", "Voorbeelden:": "examples", "qcode-id:": "id"}
FLAG_CATEGORY = "qcode"
FLAGS = {"main": "hoofdreden", "star": "kerncitaat"}
_ID = re.compile(r"^[a-z0-9][a-z0-9._-]*$")


@dataclass
class RefiCode:
    guid: str
    name: str
    codable: bool = True
    color: str | None = None
    description: str | None = None
    codes: list[RefiCode] = field(default_factory=list)

    def walk(self):  # type: ignore[no-untyped-def]
        yield self
        for code in self.codes:
            yield from code.walk()


# -- reading -------------------------------------------------------------------------------------
def read_codes(codes_element: ET.Element | None) -> list[RefiCode]:
    return [] if codes_element is None else [_code(e) for e in xml.children(codes_element, "Code")]


def _code(element: ET.Element) -> RefiCode:
    return RefiCode(guid=xml.guid(element) or "", name=(element.get("name") or "").strip() or "code",
                    codable=(element.get("isCodable") or "true").strip().lower() not in ("false", "0"),
                    color=_color(element.get("color")), description=xml.text_of(element, "Description"),
                    codes=[_code(child) for child in xml.children(element, "Code")])


def _color(value: str | None) -> str | None:
    if not value or not re.fullmatch(r"#?([0-9a-fA-F]{6}|[0-9a-fA-F]{3})", value.strip()):
        return None
    digits = value.strip().lstrip("#")
    return "#" + (digits if len(digits) == 6 else "".join(c * 2 for c in digits)).lower()


def is_flag_category(code: RefiCode) -> bool:
    return code.name == FLAG_CATEGORY and not code.codable and {c.name for c in code.codes} <= set(FLAGS.values())


def to_yaml_codes(codes: list[RefiCode]) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """qcode's codebook entries, and each REFI guid's qcode id (flags left out)."""
    used: set[str] = set()
    ids: dict[str, str] = {}

    def convert(code: RefiCode) -> dict[str, Any]:
        entry: dict[str, Any] = {"id": "", "label": code.name}
        entry.update(_parse_description(code.description))
        wanted = entry.pop("id") or ""
        code_id = wanted if _ID.match(wanted) and wanted not in used else unique_id(code.name, used)
        used.add(code_id)
        ids[code.guid] = code_id
        result: dict[str, Any] = {"id": code_id, "label": code.name}
        for key in ("chapter", "kind", "role"):
            if entry.get(key):
                result[key] = entry[key]
        if code.color:
            result["color"] = code.color
        for key in ("description", "include", "exclude", "examples", "keywords"):
            if entry.get(key):
                result[key] = entry[key]
        if code.codes:
            result["codes"] = [convert(child) for child in code.codes]
        return result

    return [convert(code) for code in codes if not is_flag_category(code)], ids


def unique_id(name: str, used: set[str]) -> str:
    """A code id made from a name: 'Werkdruk & burn-out' → 'werkdruk-burn-out'."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    base = "-".join(re.findall(r"[a-z0-9]+", ascii_name)) or "code"
    if not base[0].isalpha():
        base = "code-" + base
    candidate, number = base, 2
    while candidate in used:
        candidate, number = f"{base}-{number}", number + 1
    return candidate


def _parse_description(text: str | None) -> dict[str, Any]:
    if not text:
        return {}
    found: dict[str, Any] = {}
    lines = text.replace("\r\n", "\n").split("\n")
    plain: list[str] = []
    current: str | None = None
    for line in lines:
        heading = next((h for h in FIELDS if line.startswith(h)), None)
        if heading:
            current = FIELDS[heading]
            rest = line[len(heading):].strip()
            if current == "keywords":
                found["keywords"] = [k.strip() for k in rest.split(",") if k.strip()]
            elif current == "examples":
                found["examples"] = [rest] if rest else []
            elif rest:
                found[current] = rest
        elif current == "examples" and line.startswith("- "):
            found["examples"].append(line[2:].strip())
        elif current is None:
            plain.append(line)
    description = "\n".join(plain).strip()
    if description:
        found["description"] = description
    return found


# -- writing -------------------------------------------------------------------------------------
def description(node: Any) -> str | None:
    """A qcode code's definition as one readable REFI description."""
    parts = [node.description.strip()] if getattr(node, "description", None) else []
    lines = []
    for heading, key in FIELDS.items():
        value = getattr(node, key, None)
        if key in ("id",) or not value:
            continue
        if key == "keywords":
            lines.append(f"{heading} {', '.join(value)}")
        elif key == "examples":
            lines.append(heading)
            lines.extend(f"- {example}" for example in value)
        elif key != "kind" or value != "reason":
            lines.append(f"{heading} {value}")
    lines.append(f"qcode-id: {node.id}")
    return "\n\n".join(["\n".join(parts)] if parts else []) + ("\n\n" if parts else "") + "\n".join(lines)


def code_element(parent: ET.Element, ns: str, node: Any) -> None:
    attributes = {"guid": make_guid("code", node.id), "name": node.label, "isCodable": "true"}
    if getattr(node, "color", None):
        attributes["color"] = node.color
    element = ET.SubElement(parent, f"{{{ns}}}Code", attributes)
    ET.SubElement(element, f"{{{ns}}}Description").text = description(node)
    for child in node.children:
        code_element(element, ns, child)


def flag_codes(parent: ET.Element, ns: str) -> None:
    """qcode's main reason and key quote as codes of their own, applied beside the code they qualify."""
    category = ET.SubElement(parent, f"{{{ns}}}Code", {"guid": make_guid("flag", FLAG_CATEGORY), "name": FLAG_CATEGORY,
                                                       "isCodable": "false"})
    ET.SubElement(category, f"{{{ns}}}Description").text = (
        "Markeringen uit qcode: 'hoofdreden' staat op een fragment naast de code die voor deze deelnemer de "
        "belangrijkste reden was om te vertrekken; 'kerncitaat' naast de code waarvoor het een sleutelcitaat is.")
    for flag in FLAGS.values():
        ET.SubElement(category, f"{{{ns}}}Code", {"guid": flag_guid(flag), "name": flag, "isCodable": "true"})


def flag_guid(flag: str) -> str:
    return make_guid("flag", flag)


def qdc_bytes(tree: list[Any], origin: str) -> bytes:
    ns = xml.CODEBOOK_NS
    root = ET.Element(f"{{{ns}}}CodeBook", {"origin": origin})
    codes = ET.SubElement(root, f"{{{ns}}}Codes")
    for node in tree:
        code_element(codes, ns, node)
    return serialise(root, ns)


def serialise(root: ET.Element, ns: str) -> bytes:
    ET.register_namespace("", ns)
    ET.indent(root, space=" ")
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="utf-8") + b"\n"
