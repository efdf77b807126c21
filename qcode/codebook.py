"""The codebook: YAML ⇄ Pydantic models, validation with line numbers, storage, rename and merge."""
from __future__ import annotations

import hashlib
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from qcode import safe_yaml
from qcode.errors import CodebookError, Problem

# Code ids as researchers write them: letters (any case, accents too), digits, '-', '_' and '.',
# starting with a letter and ending with a letter or digit ('werkdruk-burn-out', 'steun.gebrek',
# 'eigen_acties'); ids differing only in case are refused as duplicates (they name one file on Windows).
SLUG = r"^[^\W\d_](?:[\w.\-]*[^\W_])?$"
ID_RULE = ("letters, digits, '-', '_' and '.', starting with a letter and ending with a letter or digit "
           "(e.g. 'werkdruk-burn-out', 'steun.gebrek', 'eigen_acties')")
MAX_BYTES = 2_000_000


class Code(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=SLUG)
    label: str = Field(min_length=1)
    chapter: str | None = None
    description: str | None = None
    include: str | None = None
    exclude: str | None = None
    examples: list[str] = []
    keywords: list[str] = []
    color: str | None = Field(default=None, pattern=r"^#[0-9a-fA-F]{6}$")
    role: Literal["recommendations"] | None = None
    kind: Literal["reason", "context"] | None = None  # None: the parent's kind (see `effective_kinds`)
    codes: list[Code] = []


class Codebook(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1)
    version: str
    language: str = "nl"
    codes: list[Code] = Field(min_length=1)

    @field_validator("version", mode="before")
    @classmethod
    def _version_as_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, (int, float)) else value

    def walk(self) -> Iterator[tuple[Code, Code | None, int]]:
        """Every code in document order with its parent and depth."""
        def visit(codes: list[Code], parent: Code | None, depth: int) -> Iterator[tuple[Code, Code | None, int]]:
            for code in codes:
                yield code, parent, depth
                yield from visit(code.codes, code, depth + 1)
        yield from visit(self.codes, None, 0)

    def content_hash(self) -> str:
        """A hash of the content; a `kind` left unset is left out, so codebooks from before `kind` keep theirs."""
        data = _without_unset_kinds(self.model_dump(mode="json"))
        return hashlib.sha256(json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()).hexdigest()

    def effective_kinds(self) -> dict[str, str]:
        """Every code's kind: its own, else its parent's; a theme without one is a reason, unless it holds
        the recommendations (what participants advise is no reason to leave)."""
        kinds: dict[str, str] = {}
        for code, parent, _ in self.walk():
            inherited = kinds[parent.id] if parent else ("context" if code.role == "recommendations" else "reason")
            kinds[code.id] = code.kind or inherited
        return kinds


def _without_unset_kinds(node: Any) -> Any:
    if isinstance(node, dict):
        return {key: _without_unset_kinds(value) for key, value in node.items()
                if not (key == "kind" and value is None)}
    if isinstance(node, list):
        return [_without_unset_kinds(item) for item in node]
    return node


class LoadedCodebook(BaseModel):
    """A validated codebook with the round-trip YAML it came from (for rewriting)."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    path: Path
    codebook: Codebook
    document: Any  # ruamel's CommentedMap, comments and order preserved
    text: str


def _yaml() -> YAML:
    yaml = YAML()  # round-trip: keeps comments, order and line numbers
    yaml.preserve_quotes = True
    yaml.width = 100
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def read_codebook(path: Path) -> LoadedCodebook:
    """Parse and validate a codebook file; every problem is reported with its YAML line."""
    text = _read_text(path)
    try:
        document = safe_yaml.load_edited(text, path, _yaml(), what="the codebook")
    except safe_yaml.YamlFileError as error:
        raise CodebookError([error.problem]) from None
    if not isinstance(document, CommentedMap):
        raise CodebookError([Problem("a codebook is a mapping with name, version, language and codes",
                                     path, 1, hint="see codebooks/exitstudie.yaml for an example")])
    problems = []
    try:
        codebook = Codebook.model_validate(document)
    except ValidationError as error:
        problems = [_problem(path, document, e) for e in error.errors()]
    problems += _duplicate_ids(path, document)  # reported with the other problems, not after them
    if problems:
        raise CodebookError(sorted(problems, key=lambda p: p.line or 0))
    return LoadedCodebook(path=path, codebook=codebook, document=document, text=text)


def _read_text(path: Path) -> str:
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise CodebookError([Problem(f"the file is {size / 1e6:.1f} MB; a codebook may be at most "
                                         f"{MAX_BYTES // 1_000_000} MB", path,
                                         hint="is this the codebook? A codebook of a few hundred codes is "
                                              "well under 1 MB")])
        return path.read_text(encoding="utf-8-sig")
    except (FileNotFoundError, NotADirectoryError):
        raise CodebookError([Problem("no such file", path, hint="check the path to the codebook")]) from None
    except IsADirectoryError:
        raise CodebookError([Problem("this is a folder, not a codebook file", path,
                                     hint="give the codebook's .yaml file")]) from None
    except UnicodeDecodeError:
        raise CodebookError([Problem("the codebook is not UTF-8 text", path,
                                     hint="save the file as UTF-8")]) from None
    except OSError as error:
        raise CodebookError([Problem(f"cannot read the codebook ({error.strerror})", path,
                                     hint="check that the file exists and that you may read it")]) from None


def _problem(path: Path, document: CommentedMap, error: dict) -> Problem:
    location = tuple(error["loc"])
    line, described = _locate(document, location)
    in_code = len(location) > 2 and location[0] == "codes"  # ("codes", 0, "label"), not ("name",)
    if error["type"] == "extra_forbidden":
        message = f"unknown field {location[-1]!r}"
        hint = f"allowed fields: {', '.join(Code.model_fields if in_code else Codebook.model_fields)}"
    elif error["type"] == "missing":
        message = f"field {location[-1]!r} is missing"
        hint = ("every code needs an id and a label" if in_code else
                "a codebook starts with its name and version, then its codes (see codebooks/exitstudie.yaml)")
    elif error["type"] == "string_pattern_mismatch" and location[-1] == "id":
        described = ""
        message = f"code id {_value(document, location)!r} is not a valid id"
        hint = f"use {ID_RULE}"
    elif location[-1] == "kind" and in_code:
        message = f"kind {_value(document, location)!r} is not a kind of theme"
        hint = ("use 'kind: reason' (a reason to leave: mentions and main reasons) or 'kind: context' "
                "(a positive or background theme: mentions only); leave it out to take the parent's kind")
    else:
        message = f"{location[-1]}: {error['msg'].lower()}"
        hint = None
    return Problem(f"{described}{message}", path, line, hint)


def _locate(document: Any, location: tuple) -> tuple[int | None, str]:
    """The YAML line of the deepest existing node on `location`, and the code it belongs to."""
    node, line, code_id = document, 1, None
    for key in location:
        if isinstance(node, CommentedMap) and key in node:
            line = node.lc.key(key)[0] + 1
            code_id = node.get("id", code_id) if isinstance(node.get("id"), str) else code_id
            node = node[key]
        elif isinstance(node, CommentedSeq) and isinstance(key, int) and key < len(node):
            line = node.lc.item(key)[0] + 1
            node = node[key]
        else:
            if isinstance(node, CommentedMap):
                line = node.lc.line + 1
                code_id = node.get("id", code_id) if isinstance(node.get("id"), str) else code_id
            break
    return line, f"code {code_id!r}: " if code_id else ""


def _value(document: Any, location: tuple) -> Any:
    node = document
    for key in location:
        node = node[key]
    return node


def _duplicate_ids(path: Path, document: CommentedMap) -> list[Problem]:
    """Ids used twice, or differing only in case; nodes too malformed to hold an id are the
    validation's problem, skipped here."""
    first: dict[str, tuple[str, int]] = {}
    problems = []
    for node in _code_nodes(document):
        code_id = node.get("id")
        if not isinstance(code_id, str):
            continue
        line = node.lc.key("id")[0] + 1
        earlier = first.get(code_id.casefold())
        if earlier is None:
            first[code_id.casefold()] = (code_id, line)
        elif earlier[0] == code_id:
            problems.append(Problem(f"code id {code_id!r} appears twice (first on line {earlier[1]})",
                                    path, line, hint="give every code a unique id"))
        else:
            problems.append(Problem(f"code id {code_id!r} differs from {earlier[0]!r} (line {earlier[1]}) only "
                                    "in case", path, line, hint="give every code a unique id"))
    return problems


def _code_nodes(node: CommentedMap) -> Iterator[CommentedMap]:
    children = node.get("codes")
    for child in children if isinstance(children, CommentedSeq) else []:
        if isinstance(child, CommentedMap):
            yield child
            yield from _code_nodes(child)


def find_node(document: CommentedMap, code_id: str) -> tuple[CommentedMap, CommentedSeq]:
    """The YAML mapping of a code and the list that holds it."""
    def search(node: CommentedMap) -> tuple[CommentedMap, CommentedSeq] | None:
        children = node.get("codes") or []
        for child in children:
            if child["id"] == code_id:
                return child, children
            found = search(child)
            if found:
                return found
        return None
    found = search(document)
    if found is None:
        raise KeyError(code_id)
    return found


def rename_in_yaml(loaded: LoadedCodebook, old: str, new: str, label: str | None) -> str:
    node, _ = find_node(loaded.document, old)
    node["id"] = new
    if label:
        node["label"] = label
    return dump(loaded.document)


def merge_in_yaml(loaded: LoadedCodebook, source: str, target: str) -> str:
    """Remove `source`, hand its sub-codes, examples and keywords to `target`."""
    node, siblings = find_node(loaded.document, source)
    target_node, _ = find_node(loaded.document, target)
    siblings.remove(node)
    for field in ("examples", "keywords"):
        extra = [x for x in node.get(field) or [] if x not in (target_node.get(field) or [])]
        if extra:
            target_node.setdefault(field, CommentedSeq()).extend(extra)
    if node.get("codes"):
        target_node.setdefault("codes", CommentedSeq()).extend(node["codes"])
    return dump(loaded.document)


def dump(document: CommentedMap) -> str:
    stream = io.StringIO()
    _yaml().dump(document, stream)
    return stream.getvalue()


def parse_text(text: str) -> Codebook:
    """Validate rewritten YAML before it is stored (a rename must not break the file)."""
    return Codebook.model_validate(YAML(typ="safe", pure=True).load(text))


def is_slug(value: str) -> bool:
    return re.match(SLUG, value) is not None


def code_rows(codebook: Codebook, version_id: int) -> list[dict[str, Any]]:
    kinds = codebook.effective_kinds()
    return [
        {"id": code.id, "parent_id": parent.id if parent else None, "label": code.label,
         "chapter": code.chapter, "description": code.description, "include": code.include,
         "exclude": code.exclude, "examples": json.dumps(code.examples, ensure_ascii=False),
         "keywords": json.dumps(code.keywords, ensure_ascii=False), "color": code.color,
         "role": code.role, "kind": kinds[code.id], "position": position, "active": 1, "version_id": version_id}
        for position, (code, parent, _) in enumerate(codebook.walk())
    ]
