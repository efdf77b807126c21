"""Verified quote edits: the printed quote may differ from the participant's words only in marked ways.

Allowed, and nothing else:
- an insertion in square brackets, `[gebrek aan ontwikkelingsmogelijkheden]`, which may also stand in
  the place of the words it replaces (`toen zei [de manager]` for `toen zei hij`): the brackets tell
  the reader those words are the researcher's;
- a cut, marked `…`, `...`, `[…]`, `[...]`, `(…)` or `(...)`, anywhere between words;
- leaving out words at the very start or end of the quote without a mark (every quote is an excerpt);
- whitespace, and typographic against straight quote marks (’‘‚ “”„ «» against ' and ");
- a capital or small first letter of the words after a cut or bracket (and of the quote's first word);
- punctuation beside the words: a full stop, comma, colon, semicolon, quote mark, parenthesis, dash
  or slash may be added or dropped; a question or exclamation mark only where the participant has one.

Everything else outside brackets must be the participant's own words, whole and in their order.
A refused edit is described by the position and word *of the edit* (the researcher's typing), never
by the transcript's text.

A quote sheet written pseudonymised holds labels such as "[naam 1]" and "[organisatie]" for the
identifiers it replaced: `restore_replacements` puts the participant's words back where a label
stands for them, so the sheet reads back as the participant's words.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from itertools import islice
from typing import Protocol

_QUOTE_MARKS = str.maketrans({"’": "'", "‘": "'", "‚": "'", "‛": "'", "`": "'", "´": "'",
                              "“": '"', "”": '"', "„": '"', "‟": '"', "«": '"', "»": '"'})
_WORD = re.compile(r"\w+(?:['\-.]\w+)*")
_EDIT_PART = re.compile(r"(?P<cut>\[\s*(?:…|\.{3,})\s*\]|\(\s*(?:…|\.{3,})\s*\)|…|\.{3,})"
                        r"|(?P<insert>\[[^\[\]]*\])|(?P<open>\[)|(?P<close>\])")
# punctuation an edit may add or drop beside the participant's words; ? and ! carry meaning
NEUTRAL = frozenset(".,;:\"'()-–—/")
SHOWN_WORD = 30  # characters of the edit's word an error shows at most


@dataclass(frozen=True)
class EditProblem:
    """Where an edit first departs from the participant's words: 1-based character and word of the edit."""

    position: int
    word_number: int | None
    word: str
    reason: str

    def __str__(self) -> str:
        if self.word_number is not None:
            return f"word {self.word_number} ({self.word!r}, character {self.position}) {self.reason}"
        if self.word:
            return f"{self.word!r} at character {self.position} {self.reason}"
        return self.reason


@dataclass
class _Run:
    """A stretch of the edit between cuts and brackets: words and the punctuation around them."""

    words: list[str]
    starts: list[int]  # each word's position in the edit (0-based)
    numbers: list[int]  # each word's number in the edit (1-based)
    seps: list[str]  # len(words) + 1: before the first word, between words, after the last


def normalise(text: str) -> str:
    """Unicode NFC with typographic quote marks made straight: the form both sides are compared in.
    Every character maps to one, so positions in it are positions in the text."""
    return unicodedata.normalize("NFC", text).translate(_QUOTE_MARKS)


def word_count(text: str) -> int:
    """Words as a reader counts them: cut marks, dashes and bracket signs are none."""
    return len(_WORD.findall(normalise(text)))


def verify_edit(original: str, edited: str, replacements: Replacements | None = None) -> EditProblem | None:
    """None when `edited` is `original` changed only as this module allows; else the first difference.
    With `replacements` (an export's `Pseudonymiser`), its labels standing for an identifier ("[naam 1]'s
    collega" for "Petra's collega") are allowed too: they are put back first (`restore_replacements`)."""
    if replacements is not None:
        edited = restore_replacements(original, edited, replacements)
    edited = normalise(edited)
    runs, problem = _runs(edited)
    if problem:
        return problem
    if not any(run.words for run in runs):
        return EditProblem(1, None, "", "the quote has none of the participant's words outside brackets")
    words, seps = _tokens(normalise(original))
    at = 0  # the first original word still free
    for run in runs:
        if not run.words:
            continue
        found, problem = _find(run, words, seps, at)
        if problem:
            return problem
        at = found + len(run.words)
    return None


def _runs(edited: str) -> tuple[list[_Run], EditProblem | None]:
    runs: list[_Run] = []
    numbered = {match.start(): number for number, match in enumerate(_WORD.finditer(edited), start=1)}
    last = 0
    for match in _EDIT_PART.finditer(edited):
        kind = match.lastgroup
        if kind in ("open", "close"):
            shown = "[" if kind == "open" else "]"
            reason = "is never closed" if kind == "open" else "has no '[' before it"
            return runs, EditProblem(match.start() + 1, None, shown, reason + " (an insertion goes in [ ])")
        if kind == "cut" and _inside_word(edited, match.start(), match.end()):
            return runs, EditProblem(match.start() + 1, None, match.group(),
                                     "cuts inside a word: cut whole words only")
        runs.append(_run(edited, last, match.start(), numbered))
        last = match.end()
    runs.append(_run(edited, last, len(edited), numbered))
    return runs, None


def _inside_word(text: str, start: int, end: int) -> bool:
    return 0 < start and end < len(text) and text[start - 1].isalnum() and text[end].isalnum()


def _run(edited: str, start: int, end: int, numbered: dict[int, int]) -> _Run:
    words, starts, numbers, seps = [], [], [], []
    position = start
    for match in _WORD.finditer(edited, start, end):
        seps.append(_punctuation(edited[position:match.start()]))
        words.append(match.group())
        starts.append(match.start())
        numbers.append(numbered.get(match.start(), 0))
        position = match.end()
    seps.append(_punctuation(edited[position:end]))
    return _Run(words, starts, numbers, seps)


def _tokens(text: str) -> tuple[list[str], list[str]]:
    """The original's words and the punctuation before, between and after them."""
    words, seps, position = [], [], 0
    for match in _WORD.finditer(text):
        seps.append(_punctuation(text[position:match.start()]))
        words.append(match.group())
        position = match.end()
    seps.append(_punctuation(text[position:]))
    return words, seps


def _punctuation(between: str) -> str:
    return "".join(between.split())


def _find(run: _Run, words: list[str], seps: list[str], at: int) -> tuple[int, EditProblem | None]:
    """The first place from `at` where the run's words stand in the original; else how far the best try got."""
    best: tuple[int, EditProblem] | None = None
    first = run.words[0]
    for start in range(at, len(words)):
        if not _same_first_word(first, words[start]):
            continue
        matched, problem = _compare(run, words, seps, start)
        if problem is None:
            return start, None
        if best is None or matched > best[0]:
            best = (matched, problem)
    if best is not None:
        return -1, best[1]
    return -1, _word_problem(run, 0, "is not the participant's next word (changed, added or moved?)")


def _same_first_word(edit: str, original: str) -> bool:
    """Equal, or equal but for the case of the first letter (a quote starting mid-sentence)."""
    return edit == original or (edit[1:] == original[1:] and edit[:1].lower() == original[:1].lower())


def _compare(run: _Run, words: list[str], seps: list[str], start: int) -> tuple[int, EditProblem | None]:
    """How many of the run's words match from `start`, and the first problem, if any."""
    for i, word in enumerate(run.words):
        if start + i >= len(words) or (i and word != words[start + i]):
            return i, _word_problem(run, i, "is not the participant's next word (changed, added or moved?)")
        if not _allowed(run.seps[i], seps[start + i], i == 0):
            return i, _word_problem(run, i, "has punctuation before it that the transcript does not have there")
    last = len(run.words)
    if not _allowed(run.seps[last], seps[start + last], True):
        return last, _word_problem(run, last - 1, "has punctuation after it that the transcript does not have there")
    return last, None


def _allowed(edit: str, original: str, edge: bool) -> bool:
    """Punctuation of the edit against the transcript's at the same place.

    Between two words of one stretch only neutral marks may differ; at a cut or bracket the
    transcript's marks may be dropped too. Added marks must be neutral or the transcript's own."""
    if edit == original:
        return True
    added = set(edit) - set(original)
    if any(mark not in NEUTRAL for mark in added):
        return False
    dropped = set(original) - set(edit)
    return edge or all(mark in NEUTRAL for mark in dropped)


def _word_problem(run: _Run, index: int, reason: str) -> EditProblem:
    word = run.words[index]
    shown = word if len(word) <= SHOWN_WORD else word[:SHOWN_WORD - 1] + "…"
    return EditProblem(run.starts[index] + 1, run.numbers[index], shown, reason)


# -- pseudonymised quotes read back ---------------------------------------------------------------
class Replacements(Protocol):
    """What `restore_replacements` needs of a `qcode.anonymise.Pseudonymiser`."""

    def apply(self, text: str) -> str: ...
    def is_replacement(self, text: str) -> bool: ...


_LABEL_NUMBER = re.compile(r"\s*\d+")
_STRETCH_END = re.compile(r"\[\s*(?:…|\.{3,})\s*\]|\(\s*(?:…|\.{3,})\s*\)|…|\.{3,}|\[[^\[\]]*\]")


def restore_replacements(original: str, edited: str, replacements: Replacements) -> str:
    """`edited` with each label an export put in for an identifier ("[naam 2]", "[organisatie]") put back as
    the participant's words it stands for, so a quote sheet written pseudonymised reads back as the
    participant's words (and an edit of it as an edit of those words). A label is put back only where the
    edit's words around it stand in the original and the words in its place are an identifier that
    `replacements` would label alike; a bracket the researcher typed stays."""
    if "[" not in edited:
        return edited
    plain = unicodedata.normalize("NFC", original)
    source = plain.translate(_QUOTE_MARKS)  # same length: positions in one are positions in the other
    pieces: list[str] = []
    last = 0
    for stretch in _stretches(edited, replacements):
        start, end = stretch
        pieces.append(edited[last:start])
        pieces.append(_restored(edited[start:end], source, plain, replacements))
        last = end
    pieces.append(edited[last:])
    return "".join(pieces)


def _stretches(edited: str, replacements: Replacements) -> list[tuple[int, int]]:
    """The stretches of the edit between cuts and the researcher's own brackets that hold a label."""
    stretches, start, holds = [], 0, False
    for match in _STRETCH_END.finditer(edited):
        if match.group().startswith("[") and replacements.is_replacement(match.group()):
            holds = True
            continue
        if holds:
            stretches.append((start, match.start()))
        start, holds = match.end(), False
    if holds:
        stretches.append((start, len(edited)))
    return stretches


def _restored(stretch: str, source: str, plain: str, replacements: Replacements) -> str:
    """The stretch with its labels put back, found in the source with each label standing on the whole words of
    an identifier; the stretch as it is when it is not found so."""
    parts = re.split(r"(\[[^\[\]]*\])", stretch)  # literal, label, literal, …, literal
    literals = [_literal(normalise(part)) for part in parts[::2]]
    labels = parts[1::2]
    starts = ([m.start() for m in re.finditer(f"(?=(?:{literals[0].pattern}))", source, re.IGNORECASE)]
              if parts[0].strip() else [m.start() for m in re.finditer(r"(?<!\w)\w", source)])
    for start in starts:
        spans = _match_from(source, start, literals, labels, replacements)
        if spans is not None:
            words = iter(plain[begin:end] for begin, end in spans)
            return "".join(next(words) if index % 2 else part for index, part in enumerate(parts))
    return stretch


def _literal(part: str) -> re.Pattern[str]:
    words = part.split()
    if not words:
        return re.compile(r"\s*")
    inner = r"\s+".join(map(re.escape, words))
    return re.compile((r"\s*" if part[:1].isspace() else "") + inner + (r"\s*" if part[-1:].isspace() else ""),
                      re.IGNORECASE)


def _match_from(source: str, at: int, literals: list[re.Pattern[str]], labels: list[str],
                replacements: Replacements) -> list[tuple[int, int]] | None:
    """Where the identifier standing for each label is, matching literal, label, literal … from `at`; None if not."""
    found = literals[0].match(source, at)
    if found is None:
        return None
    if not labels:
        return []
    at = found.end()
    for end in _word_ends(source, at):
        if _labels_alike(replacements.apply(source[at:end]), labels[0], replacements):
            rest = _match_from(source, end, literals[1:], labels[1:], replacements)
            if rest is not None:
                return [(at, end), *rest]
    return None


def _word_ends(source: str, at: int, words: int = 6) -> list[int]:
    """Where the next one to `words` words from `at` end (a word ends before every character that is not one)."""
    if at >= len(source) or not source[at].isalnum():
        return []
    return [at + m.end() for m in islice(_WORD_END.finditer(source[at:at + 200]), words)]


_WORD_END = re.compile(r"\w(?!\w)")


def _labels_alike(replaced: str, label: str, replacements: Replacements) -> bool:
    """Whether an identifier's own replacement is the label in the sheet ("[naam 1]" and "[naam 3]" alike)."""
    return replacements.is_replacement(replaced) and _LABEL_NUMBER.sub("", replaced) == _LABEL_NUMBER.sub("", label)
