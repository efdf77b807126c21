"""REFI-QDA files written the way each tool writes them (see ../shared/refi/NOTES.md), for the tests."""
from __future__ import annotations

import uuid
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import quoteattr, escape


def guid(*key: object) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_OID, "/".join(map(str, key))))


@dataclass
class Phrase:
    """A selection of `text` (found in the source) coded with `code` by `user`."""
    text: str
    code: str
    user: str = "Eva"
    occurrence: int = 0  # which occurrence of the text in the source
    excerpt: str | None = None  # what the tool puts in the selection's name


@dataclass
class Source:
    name: str
    raw: str  # the text exactly as the tool stores it (line ends included)
    phrases: list[Phrase] = field(default_factory=list)
    case: str | None = None
    kind: str = "TextSource"


def offsets(raw: str, phrase: Phrase, unit: str) -> tuple[int, int]:
    """Where a tool counting in `unit` puts the phrase: 'points', 'utf16', 'points-crlf1', 'utf16-crlf1'."""
    position = -1
    for _ in range(phrase.occurrence + 1):
        position = raw.index(phrase.text, position + 1)
    end = position + len(phrase.text)

    def count(upto: int) -> int:
        before = raw[:upto]
        if unit.endswith("crlf1"):
            before = before.replace("\r\n", "\n")
        return len(before.encode("utf-16-le")) // 2 if unit.startswith("utf16") else len(before)
    return count(position), count(end)


def qdpx(path: Path, sources: list[Source], codes: list[str], *, unit: str = "points", namespace: str = "urn:QDA-XML:project:1.0",
         qde_name: str = "project.qde", folder: str = "sources", path_style: str = "internal", bom: bool = False,
         extra_members: dict[str, bytes] | None = None, users: tuple[str, ...] = ("Eva", "Tom"),
         cases: dict[str, dict[str, str]] | None = None) -> Path:
    """Write a .qdpx: codes flat by name; every phrase one selection with one coding."""
    lines = ['<?xml version="1.0" encoding="utf-8"?>', f'<Project xmlns="{namespace}" name="synthetic">', "<Users>"]
    lines += [f'<User guid="{guid("user", u)}" name={quoteattr(u)}/>' for u in users]
    lines += ["</Users>", "<CodeBook><Codes>"]
    lines += [f'<Code guid="{guid("code", c)}" name={quoteattr(c)} isCodable="true"/>' for c in codes]
    lines += ["</Codes></CodeBook>"]
    if cases:
        names = sorted({k for values in cases.values() for k in values})
        lines += ["<Variables>"] + [f'<Variable guid="{guid("var", n)}" name="{n}" typeOfVariable="Text"/>' for n in names]
        lines += ["</Variables>", "<Cases>"]
        for source in sources:
            if source.case in cases:
                lines.append(f'<Case guid="{guid("case", source.case)}" name={quoteattr(source.case)}>')
                for key, value in cases[source.case].items():
                    lines.append(f'<VariableValue><VariableRef targetGUID="{guid("var", key)}"/>'
                                 f'<TextValue>{escape(value)}</TextValue></VariableValue>')
                lines.append(f'<SourceRef targetGUID="{guid("source", source.name)}"/></Case>')
        lines.append("</Cases>")
    lines.append("<Sources>")
    members: dict[str, bytes] = {}
    for source in sources:
        file = f"{guid('file', source.name)}.txt"
        reference = {"internal": f"internal://{file}", "relative": f"relative:///{file}", "bare": file}[path_style]
        lines.append(f'<{source.kind} guid="{guid("source", source.name)}" name={quoteattr(source.name)} '
                     f'plainTextPath="{reference}">')
        for number, phrase in enumerate(source.phrases):
            start, end = offsets(source.raw, phrase, unit)
            name = f" name={quoteattr(phrase.excerpt)}" if phrase.excerpt is not None else ""
            lines.append(f'<PlainTextSelection guid="{guid("sel", source.name, number)}"{name} startPosition="{start}" '
                         f'endPosition="{end}" creatingUser="{guid("user", phrase.user)}">'
                         f'<Coding guid="{guid("coding", source.name, number)}" creatingUser="{guid("user", phrase.user)}">'
                         f'<CodeRef targetGUID="{guid("code", phrase.code)}"/></Coding></PlainTextSelection>')
        lines.append(f"</{source.kind}>")
        members[f"{folder}/{file}"] = (b"\xef\xbb\xbf" if bom else b"") + source.raw.encode("utf-8")
    lines += ["</Sources>", "</Project>"]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(qde_name, (b"\xef\xbb\xbf" if bom else b"") + "\n".join(lines).encode("utf-8"))
        for name, data in {**members, **(extra_members or {})}.items():
            archive.writestr(name, data)
    return path
