"""The project's `anonimiseren.yaml`: what is always replaced (and by what) and what never is.

    altijd:
      Stichting Welzijn Oost: "[organisatie]"
      Petra:                      # empty: the label of its category ("[naam 1]")
    nooit:
      - Movisie
      - Jeugdwet

Read with line-numbered errors like the codebook; rewritten round-trip (comments and order kept)
when a review decision adds a text to one of the lists.
"""
from __future__ import annotations

import io
import unicodedata
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from qcode import safe_yaml
from qcode.errors import AnonymiseSettingsError, Problem

FILE_NAME = "anonimiseren.yaml"
MAX_BYTES = 2_000_000
HINT = ("write 'altijd:' with 'text: replacement' lines and 'nooit:' with '- text' lines "
        "(see docs/anonymise.md)")
HEADER = ("# What qcode always replaces in exports (altijd: text: replacement) and never replaces (nooit).\n"
          "# Review decisions add lines here; edit freely. See docs/anonymise.md.\n")


class AnonymiseSettings(BaseModel):
    """`altijd`: text → replacement (None: its category's label); `nooit`: texts never replaced."""

    model_config = ConfigDict(extra="forbid")

    altijd: dict[str, str | None] = {}
    nooit: list[str] = []

    @field_validator("altijd", mode="before")
    @classmethod
    def _none_is_empty_mapping(cls, value: Any) -> Any:
        return {} if value is None else value

    @field_validator("nooit", mode="before")
    @classmethod
    def _none_is_empty_list(cls, value: Any) -> Any:
        return [] if value is None else value


def settings_path(project_folder: Path) -> Path:
    return Path(project_folder) / FILE_NAME


def load_settings(project_folder: Path | str) -> AnonymiseSettings:
    """The settings beside qcode.db; an absent file is empty settings."""
    settings, _ = read_settings(settings_path(Path(project_folder)))
    return settings


def read_settings(path: Path) -> tuple[AnonymiseSettings, CommentedMap]:
    """The validated settings and the round-trip document they came from (for rewriting)."""
    text = _read_text(path)
    if text is None or not text.strip():
        return AnonymiseSettings(), CommentedMap()
    try:
        document = safe_yaml.load_edited(text, path, _yaml(), what="the file")
    except safe_yaml.YamlFileError as error:
        raise AnonymiseSettingsError([error.problem]) from None
    if document is None:
        return AnonymiseSettings(), CommentedMap()
    if not isinstance(document, CommentedMap):
        raise AnonymiseSettingsError([Problem("the file is a mapping with 'altijd' and 'nooit'", path, 1, hint=HINT)])
    problems = _shape_problems(path, document)
    if problems:
        raise AnonymiseSettingsError(problems)
    try:
        settings = AnonymiseSettings.model_validate(document)
    except ValidationError as error:  # what _shape_problems does not foresee, still with a line
        raise AnonymiseSettingsError([_problem(path, document, e) for e in error.errors()]) from None
    return _normalised(settings), document


def _read_text(path: Path) -> str | None:
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise AnonymiseSettingsError([Problem(f"the file is {size / 1e6:.1f} MB; it may be at most "
                                                  f"{MAX_BYTES // 1_000_000} MB", path, hint=HINT)])
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise AnonymiseSettingsError([Problem("this is a folder, not a file", path,
                                              hint=f"remove the folder; {FILE_NAME} is a text file")]) from None
    except UnicodeDecodeError:
        raise AnonymiseSettingsError([Problem("the file is not UTF-8 text", path,
                                              hint="save the file as UTF-8")]) from None
    except OSError as error:
        raise AnonymiseSettingsError([Problem(f"cannot read the file ({error.strerror})", path,
                                              hint="check that you may read it")]) from None


def _shape_problems(path: Path, document: CommentedMap) -> list[Problem]:
    """Every problem of the file at once, each with its line."""
    problems = []
    for key in document:
        if key not in ("altijd", "nooit"):
            problems.append(Problem(f"unknown field {str(key)!r}", path, document.lc.key(key)[0] + 1,
                                    hint="the fields are 'altijd' (always replace) and 'nooit' (never replace)"))
    always = document.get("altijd")
    if always is not None and not isinstance(always, CommentedMap):
        problems.append(Problem("'altijd' is a list of 'text: replacement' lines", path,
                                document.lc.key("altijd")[0] + 1,
                                hint='for example \'  Stichting Welzijn Oost: "[organisatie]"\''))
    elif always is not None:
        for key, value in always.items():
            line = always.lc.key(key)[0] + 1
            if not isinstance(key, str) or not key.strip():
                problems.append(Problem("an empty or non-text entry under 'altijd'", path, line,
                                        hint="each line is a text as it appears, a colon, and its replacement"))
            elif value is not None and not isinstance(value, str):
                problems.append(Problem(f"the replacement of {key!r} is not text", path, line,
                                        hint='quote it, for example "[organisatie]"'))
    never = document.get("nooit")
    if never is not None and not isinstance(never, CommentedSeq):
        problems.append(Problem("'nooit' is a list of '- text' lines", path, document.lc.key("nooit")[0] + 1,
                                hint="for example '  - Movisie'"))
    elif never is not None:
        for index, value in enumerate(never):
            if not isinstance(value, str) or not value.strip():
                problems.append(Problem("an empty or non-text entry under 'nooit'", path,
                                        never.lc.item(index)[0] + 1, hint="each line is '- ' and a text"))
    if isinstance(always, CommentedMap) and isinstance(never, CommentedSeq):
        both = {str(k).strip() for k in always} & {str(v).strip() for v in never}
        for index, value in enumerate(never):
            if str(value).strip() in both:
                problems.append(Problem(f"{str(value).strip()!r} is under both 'altijd' and 'nooit'", path,
                                        never.lc.item(index)[0] + 1, hint="keep it in one of the two lists"))
    return sorted(problems, key=lambda p: p.line or 0)


def _problem(path: Path, document: CommentedMap, error: dict) -> Problem:
    location = tuple(error["loc"])
    line = document.lc.key(location[0])[0] + 1 if location and location[0] in document else 1
    return Problem(f"{'.'.join(str(part) for part in location)}: {error['msg'].lower()}", path, line, hint=HINT)


def _normalised(settings: AnonymiseSettings) -> AnonymiseSettings:
    def clean(text: str) -> str:
        return " ".join(unicodedata.normalize("NFC", text).split())
    return AnonymiseSettings(altijd={clean(k): v for k, v in settings.altijd.items()},
                             nooit=[clean(v) for v in settings.nooit])


def _yaml() -> YAML:
    yaml = YAML()  # round-trip: keeps comments, order and line numbers
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def with_decision(document: CommentedMap, text: str, decision: str, replacement: str | None, *,
                  new_file: bool = False) -> str:
    """The file's new text after a decision: 'always' adds `text` to altijd, 'never' to nooit; any
    decision first takes it out of both (a later decision overrules an earlier one)."""
    document = document if isinstance(document, CommentedMap) else CommentedMap()
    always = document.get("altijd")
    if isinstance(always, CommentedMap):
        for key in [k for k in always if isinstance(k, str) and " ".join(k.split()) == text]:
            del always[key]
    never = document.get("nooit")
    if isinstance(never, CommentedSeq):
        for index in reversed([i for i, v in enumerate(never) if isinstance(v, str) and " ".join(v.split()) == text]):
            del never[index]
    if decision == "always":
        if not isinstance(always, CommentedMap):
            always = document["altijd"] = CommentedMap()
        always[text] = replacement
    elif decision == "never":
        if not isinstance(never, CommentedSeq):
            never = document["nooit"] = CommentedSeq()
        never.append(text)
    stream = io.StringIO()
    _yaml().dump(document, stream)
    written = stream.getvalue()
    if written.strip() in ("{}", ""):
        written = ""
    return HEADER + written if new_file else written
