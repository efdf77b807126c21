"""Pseudonymising what an export writes: every identifier the project knows, replaced by its label.

One `Pseudonymiser` per export: it numbers persons in the order it meets them ("[naam 1]" stays
the same person throughout the export), counts what it replaced, and knows its own labels, so a
quote edit that replaced a name is recognised as allowed. The database's text is never changed.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from qcode.anonymise import settings as settings_mod
from qcode.anonymise.detect import CATEGORIES, ages, compile_words, is_bare_age, variants
from qcode.anonymise.store import Progress, finding_groups, known_names, scan, stored_decisions

if TYPE_CHECKING:
    from qcode.project import Project

_NUMBERED_NAME = re.compile(r"\[naam \d+\]")
_ORDINARY_IN_NAMES = frozenset(
    "welzijn zorg jeugd jeugdzorg gezin gezinnen sociaal maatschappelijk werk wijk buurt team oost west noord zuid "
    "centrum midden stad regio school college basisschool gemeente stichting vereniging de het van en in".split())


@dataclass(frozen=True)
class Replaced:
    """What one identifier text becomes: its category, the researcher's replacement (None: the
    category's label), and whether anyone reviewed it."""

    category: str
    replacement: str | None
    reviewed: bool

    @property
    def in_context_only(self) -> bool:
        """A bare age ('25', 'zesendertig', '29 jaar') is replaced only where the words around it make
        it an age: replaced everywhere, '25 gezinnen' and 'van zesendertig naar tweeëndertig uur' lost
        their numbers."""
        return self.category == "leeftijd"


class Pseudonymiser:
    """Replaces every identifier in a text, whole words, the longest first, in one pass."""

    def __init__(self, targets: dict[str, Replaced], kept: Iterable[str] = ()) -> None:
        self.targets = targets
        self.replaced: dict[str, int] = {}
        self._kept = set(kept)  # decided keep/never, or on the nooit list: never replaced
        self._numbers: dict[str, int] = {}
        self._forms: dict[str, str] = {}
        everywhere = [text for text, target in targets.items() if not (target.in_context_only and is_bare_age(text))]
        for text in sorted(everywhere, key=len, reverse=True):
            for form in sorted(variants(text)):
                self._forms.setdefault(form, text)
        for text in everywhere:  # a text as written wins over another's capitalised form
            self._forms[text] = text
        # The pattern finds only the first words of the texts; each hit is then checked against the
        # texts starting with that word, longest first. Thousands of "Stichting …" and "Petra …" share
        # a few hundred first words, so the pattern compiles in milliseconds, not seconds.
        self._starting: dict[str, list[str]] = {}
        for form in self._forms:
            self._starting.setdefault(_first_word(form), []).append(form)
        for forms in self._starting.values():
            forms.sort(key=len, reverse=True)
        self._pattern = _first_words_pattern(self._starting) if self._starting else None
        self._name_words: set[str] | None = None
        self._labels = set(CATEGORIES.values()) | {t.replacement for t in targets.values() if t.replacement}

    @property
    def unreviewed(self) -> int:
        """Distinct identifiers replaced in this export that nobody reviewed yet."""
        return sum(1 for text in self.replaced if not self.targets[text].reviewed)

    def apply(self, text: str) -> str:
        if not text:
            return text
        in_context = {finding.start: finding for finding in ages(text) if finding.text not in self._kept}
        parts, done = [], 0
        for start, end, label in self._hits(text, in_context):
            if start < done:
                continue
            parts += [text[done:start], label]
            done = end
        if not parts:
            return text
        parts.append(text[done:])
        return "".join(parts)

    def _hits(self, text: str, in_context: dict) -> list[tuple[int, int, str]]:
        """(start, end, label) of every identifier in `text`, in order; the caller skips overlaps."""
        hits = []
        for match in self._pattern.finditer(text) if self._pattern is not None else ():
            form = self._longest_form_at(text, match.start(), match.group())
            if form is not None:
                hits.append((match.start(), match.start() + len(form), form))
        for finding in in_context.values():
            if not any(start <= finding.start < end for start, end, _ in hits):
                self.targets.setdefault(finding.text, Replaced("leeftijd", None, False))
                self._forms.setdefault(finding.text, finding.text)
                hits.append((finding.start, finding.end, finding.text))
        hits.sort()
        chosen, done = [], 0
        for start, end, form in hits:
            if start >= done:
                chosen.append((start, end, self._replacement(form)))
                done = end
        return chosen

    def _longest_form_at(self, text: str, start: int, first: str) -> str | None:
        for form in self._starting.get(first, ()):
            end = start + len(form)
            if text.startswith(form, start) and not (end < len(text) and _is_word(text[end])):
                return form
        return None

    def _replacement(self, form: str) -> str:
        text = self._forms[form]
        self.replaced[text] = self.replaced.get(text, 0) + 1
        target = self.targets[text]
        if target.replacement:
            return target.replacement
        if target.category == "persoon":
            return f"[naam {self._number(text)}]"
        return CATEGORIES.get(target.category, "[geanonimiseerd]")

    def _number(self, text: str) -> int:
        """The person's number in this export: 'Petra de Vries' shares Petra's when Petra is a name too."""
        first = text.split()[0]
        key = first if first != text and self.targets.get(first, None) and \
            self.targets[first].category == "persoon" else text
        if key not in self._numbers:
            self._numbers[key] = len(self._numbers) + 1
        return self._numbers[key]

    def note(self) -> str:
        """One English line for the command that exported."""
        count = len(self.replaced)
        line = f"pseudonymised: {count} identifier{'' if count == 1 else 's'} replaced"
        if self.unreviewed:
            line += f", {self.unreviewed} of them not yet reviewed (qcode anonymise --review)"
        return line

    def names_word(self, word: str) -> bool:
        """Whether a single word is a distinctive part of an identifier ('Marja' of 'Marja de Boer',
        'Kievitshoek' of 'wijkteam Kievitshoek'): a word count must not show it on its own. An
        organisation's head and its ordinary words ('Stichting', 'Welzijn', 'Oost') are not."""
        if self._name_words is None:
            self._name_words = set()
            for text, target in self.targets.items():
                parts = re.findall(r"\w+", text)
                if target.category in ("organisatie", "school"):
                    parts = [part for part in parts[1:] if part.casefold() not in _ORDINARY_IN_NAMES]
                self._name_words.update(part.casefold() for part in parts if part[:1].isupper() and len(part) > 1)
        return word.casefold() in self._name_words

    def is_replacement(self, text: str) -> bool:
        """Whether a bracketed text is one of this export's labels or the researcher's replacements."""
        text = text.strip()
        return text in self._labels or _NUMBERED_NAME.fullmatch(text) is not None

    def __repr__(self) -> str:
        return f"<Pseudonymiser of {len(self.targets)} identifiers>"


_FIRST_WORD = re.compile(r"\w+|[\s\S]")


def _first_word(form: str) -> str:
    """'Stichting Welzijn Oost' → 'Stichting', '06-12345678' → '06', '+31 6 …' → '+'."""
    return _FIRST_WORD.match(form).group()  # type: ignore[union-attr]


def _first_words_pattern(words: Iterable[str]) -> re.Pattern[str]:
    """Whole first words ('Petra', '06'), and first characters that are no letter ('+' of '+31 6 …')."""
    letters = [w for w in words if _is_word(w[0])]
    others = sorted(w for w in words if not _is_word(w[0]))
    parts = [compile_words(letters, with_variants=False).pattern] if letters else []
    if others:
        parts.append(rf"(?<![\w])[{''.join(re.escape(c) for c in others)}]")
    return re.compile("|".join(parts))


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"


def pseudonymiser(project: Project, *, fragment_ids: Iterable[int] | None = None,
                  progress: Progress | None = None) -> Pseudonymiser:
    """The replacer for one export: scans the given fragments not scanned yet (None: scans nothing),
    then replaces every stored identifier not decided keep/never, the `altijd` list and the known
    names, minus `nooit`."""
    if fragment_ids is not None:
        scan(project, fragment_ids=fragment_ids, progress=progress)
    return Pseudonymiser(targets(project), kept_texts(project))


def kept_texts(project: Project) -> set[str]:
    """Texts decided keep or never, and the nooit list: never replaced, also where found in context."""
    decided = {text for text, (decision, _) in stored_decisions(project.conn).items() if decision in ("keep", "never")}
    return decided | set(settings_mod.load_settings(project.root).nooit)


def targets(project: Project) -> dict[str, Replaced]:
    conn = project.conn
    settings = settings_mod.load_settings(project.root)
    decisions = stored_decisions(conn)
    groups = finding_groups(conn)
    chosen: dict[str, Replaced] = {}
    for text, (category, _, sources) in groups.items():
        decision, replacement = decisions.get(text, (None, None))
        if "bekend" in sources:
            chosen[text] = Replaced("persoon" if category == "persoon" else category, replacement, True)
        elif decision not in ("keep", "never"):
            chosen[text] = Replaced(category, replacement, decision is not None)
    for text, category in known_names(conn).items():
        decision, replacement = decisions.get(text, (None, None))
        chosen[text] = Replaced(category, replacement if decision in ("replace", "always") else None, True)
    for text, replacement in settings.altijd.items():
        category = groups[text][0] if text in groups else chosen[text].category if text in chosen else "persoon"
        stored = decisions.get(text, (None, None))[1]
        chosen[text] = Replaced(category, replacement or stored, True)
    for text in settings.nooit:
        chosen.pop(text, None)
    return chosen
