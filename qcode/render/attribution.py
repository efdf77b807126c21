"""Who said a quote, as every output prints it: 'jongerenwerker, 29 jaar' from the chosen attributes.

The report, the survey report and the quote sheets (xlsx, csv, docx) all attribute through an
`Attributor` built once per export, so a quote is attributed the same way everywhere, an unknown
attribute is refused the same way everywhere, and an attribution that fits fewer than three
participants is coarsened everywhere ('andere functie, 25–34 jaar'; `qcode.anonymise.attribution_risk`)
unless the researcher accepted it or the export is made with `--no-anonymise`.
"""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Protocol

from qcode.errors import UsageError

if TYPE_CHECKING:
    from qcode.anonymise.attribution_risk import Coarsening

AGE_KEYS = {"age", "leeftijd"}
YEARS = {"nl": "jaar", "en": "years"}


class Replacer(Protocol):  # what an Attributor needs of `qcode.anonymise.Pseudonymiser`
    def apply(self, text: str) -> str: ...


def known_attributes(conn: sqlite3.Connection) -> list[str]:
    """Every attribute some participant with a transcript has, sorted."""
    names: set[str] = set()
    for (values,) in conn.execute("SELECT attributes FROM participants WHERE id IN "
                                  "(SELECT participant_id FROM transcripts)"):
        names.update(json.loads(values or "{}"))
    return sorted(names)


def check_attributes(conn: sqlite3.Connection, attributes: Iterable[str]) -> tuple[str, ...]:
    """The chosen attributes without repeats; one no participant has is refused, naming the known ones."""
    chosen = tuple(dict.fromkeys(a for a in attributes if a))
    known = known_attributes(conn)
    unknown = [a for a in chosen if a not in known]
    if unknown:
        raise UsageError(f"no participant has the attribute {unknown[0]!r}",
                         hint=f"known attributes: {', '.join(known)}" if known else
                         "this project has no participant attributes; add a participants sheet")
    return chosen


def raw_value(attributes: Mapping[str, Any], key: str) -> str | None:
    """An attribute's value as text ('29' also for a spreadsheet's 29.0); None when it has none."""
    value = attributes.get(key)
    if value is None or isinstance(value, bool):
        return None if value is None else str(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


def is_age(key: str) -> bool:
    return key.lower() in AGE_KEYS


def shown_value(key: str, text: str, lang: str = "nl") -> str:
    """A value as the attribution prints it: an age gets 'jaar'."""
    if is_age(key) and text.isdigit():
        return f"{text} {YEARS.get(lang, YEARS['nl'])}"
    return text


def printed_values(attributes: Mapping[str, Any], chosen: Iterable[str], lang: str = "nl") -> tuple[str, ...]:
    """The parts of an attribution as printed, without coarsening: ('jongerenwerker', '29 jaar')."""
    parts = []
    for key in chosen:
        text = raw_value(attributes, key)
        if text is not None:
            parts.append(shown_value(key, text, lang))
    return tuple(parts)


def attribution(attributes: Mapping[str, Any], chosen: Iterable[str], participant: str, lang: str = "nl") -> str:
    """'jongerenwerker, 29 jaar': the chosen attributes that have a value, in the order chosen; the participant
    id when none are chosen or none has a value. As it is: exports print through an `Attributor`."""
    return ", ".join(printed_values(attributes, tuple(chosen), lang)) or participant


class Attributor:
    """Attributions for one export: coarsened where they fit fewer than k participants (unless accepted),
    or as they are (`coarsen=False`, `--no-anonymise`); then pseudonymised when a pseudonymiser is given.

    Built once per export (the coarsening is decided over every participant of the project, not only the
    quoted ones, so it is the same in every export made with the same attributes)."""

    def __init__(self, conn: sqlite3.Connection, chosen: Iterable[str], *, lang: str = "nl", coarsen: bool = True,
                 pseudonymiser: Replacer | None = None, k: int = 3) -> None:
        self.chosen = tuple(chosen)
        self.lang = lang
        self.pseudonymiser = pseudonymiser
        self.coarsening: Coarsening | None = None
        if coarsen and self.chosen:
            from qcode.anonymise.attribution_risk import coarsening

            self.coarsening = coarsening(conn, self.chosen, k=k, lang=lang)
        self.changed: set[str] = set()  # the attributions as they are that this export printed otherwise

    def __call__(self, attributes: Mapping[str, Any], participant: str) -> str:
        """Who said it, as this export prints it."""
        raw = printed_values(attributes, self.chosen, self.lang)
        parts = raw if self.coarsening is None else self.coarsening.printed(attributes)
        if parts != raw:
            self.changed.add(", ".join(raw) or participant)
        if not parts:
            return self._pseudonymised(participant)
        words = self._words(attributes)
        return ", ".join(self._pseudonymised(part) if part in words else part for part in parts)

    def columns(self, attributes: Mapping[str, Any]) -> dict[str, str]:
        """Each chosen attribute's own value, as a sheet's attribute column shows it: coarsened alike
        ('' where the coarsening left the attribute out)."""
        if self.coarsening is None:
            shown = {key: raw_value(attributes, key) or "" for key in self.chosen}
        else:
            shown = self.coarsening.columns(attributes)
        words = self._words(attributes)
        return {key: self._pseudonymised(value) if value in words else value for key, value in shown.items()}

    def _words(self, attributes: Mapping[str, Any]) -> set[str]:
        """The participant's own values that are words, as printed: what the pseudonymiser may change. A number
        (an age) and qcode's own labels ('25–34 jaar', 'andere functie') are the coarsening's to widen: a
        pseudonymiser that knows '25' as an age would turn '25–34 jaar' into '[leeftijd]–34 jaar'."""
        words = set()
        for key in self.chosen:
            value = raw_value(attributes, key)
            if value is not None and not value.isdigit():
                words.update((value, shown_value(key, value, self.lang)))
        return words

    def _pseudonymised(self, text: str) -> str:
        return self.pseudonymiser.apply(text) if self.pseudonymiser is not None and text else text

    def note(self) -> str | None:
        """English, for the CLI: how many attributions this export coarsened, None when none."""
        if not self.changed or self.coarsening is None:
            return None
        count = len(self.changed)
        return (f"attributions coarsened so that each fits at least {self.coarsening.k} participants: {count} "
                f"printed otherwise ({self.coarsening.describe()}); see qcode anonymise --report")
