"""What each placeholder of the chapter becomes: counts, quotes, spreads, the method and the ranking.

`Filler` fills the placeholders of one file (one section, or the introduction or conclusion) from
the project's data; `chapter.expand` calls it per placeholder. Each fragment is quoted once per
section: quotes picked by id (`[[citaat ID]]`) are set aside first, and every `[[citaten CODE]]`
skips what the section has already shown.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from qcode import aggregate, pseudonymised
from qcode.render import attribution as attribution_mod
from qcode.render import dutch, english
from qcode.render.chapter import Filled, Placeholder, PlaceholderError, parse
from qcode.render.markdown_text import escape

DEFAULT_QUOTES = 4
COUNT_WORDS = {"exact": ("counts", "exact"), "zacht": ("counts", "soft"), "soft": ("counts", "soft"),
               "reden": ("order", "main"), "main": ("order", "main"), "noemen": ("order", "mention"),
               "mention": ("order", "mention"), "verleden": ("tense", "past"), "past": ("tense", "past"),
               "heden": ("tense", "present"), "present": ("tense", "present")}
ONLY = {"alleen", "only"}
ALL = {"alle", "all"}


@dataclass(slots=True)
class ChapterQuote:
    """A quote as the chapter prints it (the participant's words as printed, never with a ★)."""
    coding_id: int
    fragment_id: int
    code: str
    participant: str
    attributes: dict[str, Any]
    text: str
    main: bool
    star: bool
    coder: str
    words: int = 0  # of the printed text


@dataclass
class ChapterData:
    """What every file of one report is filled from."""
    conn: sqlite3.Connection
    coder: str
    total: int
    survey: bool
    lang: str
    attributes: tuple[str, ...]
    max_quotes: int | None
    counts: str
    themes: list[aggregate.Theme]
    conclusion_number: int
    method: Callable[[], str]
    codes: dict[str, tuple[str, str | None]] = field(default_factory=dict)  # id → (label, parent)
    attributor: attribution_mod.Attributor | None = None  # None: coarsened where an attribution could identify
    pseudonymiser: Any = None  # a qcode.anonymise.Pseudonymiser, or None for the raw text (--no-anonymise)

    def __post_init__(self) -> None:
        self.codes = {code: (label, parent) for code, label, parent in
                      self.conn.execute("SELECT id, label, parent_id FROM codes")}
        if self.attributor is None:
            self.attributor = attribution_mod.Attributor(self.conn, self.attributes, lang=self.lang)

    def attribute(self, quote: Any) -> str:
        """Who said a quote, as this report prints it ('jongerenwerker, 25–34 jaar')."""
        return self.attributor(quote.attributes, quote.participant)  # type: ignore[misc]

    def kind(self, code: str) -> str:
        """reason or context, from the codebook (a sub-code may differ from its theme)."""
        theme = self.theme_of(code)
        if theme is None:
            return "reason"
        counted = [theme.count, *theme.subs]
        own = next((c for c in counted if c.id == code), None)
        return kind_of(own) if own is not None and getattr(own, "kind", None) else kind_of(theme)

    def theme_of(self, code: str) -> aggregate.Theme | None:
        while code in self.codes and self.codes[code][1] is not None:
            code = self.codes[code][1]  # type: ignore[assignment]
        return next((t for t in self.themes if t.id == code), None)


# -- the three switch points for work landing beside this (counts, quote choice) ----------------------
def count_sentence(mentioned: int, main: int, total: int, *, kind: str, survey: bool, lang: str,
                   counts: str = "soft", order: str = "main", tense: str = "past") -> str:
    """The count sentence in the report's language; a context theme and a survey get no main-reason clause."""
    words = dutch if lang == "nl" else english
    noun = {("nl", True): ("respondenten", "respondent"), ("nl", False): ("deelnemers", "deelnemer"),
            ("en", True): ("respondents", "respondent"), ("en", False): ("participants", "participant")}[lang, survey]
    return words.count_sentence(mentioned, main, total, kind="context" if survey else kind, counts=counts,
                                order=order, tense=tense, noun=noun)


def kind_of(count: Any) -> str:
    return getattr(count, "kind", None) or "reason"


def choose_quotes(conn: sqlite3.Connection, coder: str, code: str, *, limit: int | None,
                  skip: set[int], only: bool) -> list[ChapterQuote]:
    """The quotes of a code (its sub-codes too unless `only`), as `quote_choice` chooses and orders them:
    the researcher's decisions from the quote sheet, else each participant's best first; none of `skip`."""
    from qcode import quote_choice

    return [chapter_quote(q) for q in quote_choice.choose(conn, coder, code, limit=limit, skip_fragments=skip,
                                                           sub_codes=not only)]


def quote_by_coding(conn: sqlite3.Connection, coding_id: int) -> ChapterQuote | None:
    """One quote by its coding id, in its printed words (the researcher's verified edit, if any)."""
    from qcode import quote_choice

    found = quote_choice.by_coding(conn, coding_id)
    return chapter_quote(found) if found else None


def chapter_quote(quote) -> ChapterQuote:  # a quote_choice.ChosenQuote
    return ChapterQuote(quote.coding_id, quote.fragment_id, quote.code, quote.participant, quote.attributes,
                        quote.text, quote.main, quote.star, quote.coder, quote.words)


def branch_count(conn: sqlite3.Connection, coder: str, code: str) -> tuple[int, int]:
    """Participants with a coding in the branch, and those for whom one of them is the main reason."""
    return conn.execute(
        "WITH RECURSIVE branch(id) AS (SELECT ?2 UNION ALL SELECT c.id FROM codes c JOIN branch b "
        "ON c.parent_id = b.id) "
        "SELECT COUNT(DISTINCT tr.participant_id), COUNT(DISTINCT CASE WHEN c.main THEN tr.participant_id END) "
        "FROM codings c JOIN fragments f ON f.id = c.fragment_id JOIN turns t ON t.id = f.turn_id "
        "AND t.role = 'participant' JOIN transcripts tr ON tr.id = f.transcript_id "
        "WHERE c.coder = ?1 AND c.code_id IN (SELECT id FROM branch)", (coder, code)).fetchone()


# -- filling one file ---------------------------------------------------------------------------
class Filler:
    """Fills the placeholders of one file; `theme` is the section's theme (None for the other parts)."""

    def __init__(self, data: ChapterData, theme: aggregate.Theme | None = None) -> None:
        self.data = data
        self.theme = theme
        self.quoted: set[int] = set()  # fragments this section has shown
        self.picked: set[int] = set()  # fragments the researcher picked by coding id
        self.quotes: list[ChapterQuote] = []

    def prepare(self, text: str) -> None:
        """Set the quotes picked by id aside, so no automatic group shows them a second time."""
        for item in parse(text):
            if isinstance(item, Placeholder) and item.name == "citaat" and item.args and item.args[0].isdigit():
                found = quote_by_coding(self.data.conn, int(item.args[0]))
                if found:
                    self.picked.add(found.fragment_id)

    def __call__(self, placeholder: Placeholder) -> Filled:
        fill = getattr(self, "_" + placeholder.name, None)
        if fill is None:  # a survey's own placeholder in an interview chapter
            raise PlaceholderError(f"[[{placeholder.name}]] belongs in a survey report", "alleen in een enquête")
        return fill(placeholder)

    # [[telling]] [[telling CODE]] [[telling exact noemen heden]]
    def _telling(self, placeholder: Placeholder) -> Filled:
        options = {"counts": self.data.counts}
        codes = []
        for word in placeholder.args:
            if word.lower() in COUNT_WORDS:
                key, value = COUNT_WORDS[word.lower()]
                options[key] = value
            else:
                codes.append(word)
        if len(codes) > 1:
            raise PlaceholderError(f"[[telling]] counts one code, not {len(codes)}", "meer dan één code")
        code = codes[0] if codes else (self.theme.id if self.theme else None)
        if code is None:
            raise PlaceholderError("[[telling]] outside a theme's own file needs a code: [[telling CODE]]",
                                   "geen code genoemd")
        self._require_code(code)
        mentioned, main = branch_count(self.data.conn, self.data.coder, code)
        sentence = count_sentence(mentioned, main, self.data.total, kind=self.data.kind(code),
                                  survey=self.data.survey, lang=self.data.lang, **options)
        return Filled(sentence, sentence)

    # [[citaten CODE]] [[citaten CODE 2]] [[citaten CODE alleen]] [[citaten CODE alle]]
    def _citaten(self, placeholder: Placeholder) -> Filled:
        if not placeholder.args:
            raise PlaceholderError("[[citaten]] needs a code: [[citaten CODE]]", "geen code genoemd")
        code, *rest = placeholder.args
        self._require_code(code)
        limit: int | None = self.data.max_quotes or DEFAULT_QUOTES
        only = False
        for word in rest:
            if word.isdigit() and int(word) > 0:
                limit = int(word)
            elif word.lower() in ALL:
                limit = None
            elif word.lower() in ONLY:
                only = True
            else:
                raise PlaceholderError(f"[[citaten]] does not know {word!r} (a number, 'alle' or 'alleen')",
                                       f"onbekend woord ‘{word}’")
        found = self._choose_quotes(code, limit, self.quoted | self.picked, only)
        for quote in found:
            self._shown(quote)
        listed = ", ".join(f"#{q.coding_id} {q.participant}" for q in found)
        summary = f"{len(found)} quote{'s' if len(found) != 1 else ''}" + (f": {listed}" if found else "")
        return Filled("\n\n".join(self._print(q) for q in found), summary)

    # [[citaat ID]]
    def _citaat(self, placeholder: Placeholder) -> Filled:
        if len(placeholder.args) != 1 or not placeholder.args[0].isdigit():
            raise PlaceholderError("[[citaat]] takes one coding id: [[citaat 123]]", "geen coderingsnummer")
        coding_id = int(placeholder.args[0])
        quote = quote_by_coding(self.data.conn, coding_id)
        if quote is None:
            raise PlaceholderError(f"there is no coding {coding_id} (it may have been removed)",
                                   f"codering {coding_id} bestaat niet (meer)")
        if quote.participant is None or not _is_participant(self.data.conn, quote.fragment_id):
            raise PlaceholderError(f"coding {coding_id} is on an interviewer's words, which are never quoted",
                                   f"codering {coding_id} is geen citaat van een deelnemer")
        note = ""
        if quote.coder != self.data.coder:
            note = f" (coded by {quote.coder}, not {self.data.coder})"
        if quote.fragment_id in self.quoted:
            note += " (this fragment is already quoted in this section)"
        self._shown(quote)
        return Filled(self._print(quote), f"#{coding_id} {quote.participant} {quote.code}{note}")

    def _choose_quotes(self, code: str, limit: int | None, skip: set[int], only: bool) -> list[ChapterQuote]:
        return choose_quotes(self.data.conn, self.data.coder, code, limit=limit, skip=skip, only=only)

    def _shown(self, quote: ChapterQuote) -> None:
        self.quoted.add(quote.fragment_id)
        self.quotes.append(quote)

    def _print(self, quote: ChapterQuote) -> str:
        who = self.data.attribute(quote)  # pseudonymised by the attributor, when the export is
        return f"> *“{escape(pseudonymised.text(self.data.pseudonymiser, quote.text))}”*\n>\n> – {escape(who)}"

    def _require_code(self, code: str) -> None:
        if code not in self.data.codes:
            from qcode.suggest_names import did_you_mean

            labels = {id_: label for id_, (label, _) in self.data.codes.items()}
            raise PlaceholderError(f"unknown code {code!r}{did_you_mean(code, labels, labels)}",
                                   f"onbekende code ‘{code}’")

    # the rest follow in their own modules
    def _methode(self, placeholder: Placeholder) -> Filled:
        text = self.data.method()
        return Filled(text, text)

    def _verdeling(self, placeholder: Placeholder) -> Filled:
        from qcode.render.spread import spread_sentence

        if len(placeholder.args) != 1:
            raise PlaceholderError("[[verdeling]] takes one attribute: [[verdeling destination]]",
                                   "geen kenmerk genoemd")
        sentence = spread_sentence(self.data.conn, placeholder.args[0], self.data.lang)
        if sentence is None:
            raise PlaceholderError(f"no participant has the attribute {placeholder.args[0]!r}",
                                   f"onbekend kenmerk ‘{placeholder.args[0]}’")
        return Filled(escape(pseudonymised.text(self.data.pseudonymiser, sentence)), sentence)

    def _rangorde(self, placeholder: Placeholder) -> Filled:
        ranked = ranking(self.data.themes)
        if not ranked:
            return Filled("", "no reason to leave has been coded")
        nl = self.data.lang == "nl"
        header = ("| Reden om te vertrekken | Belangrijkste reden | Genoemd |" if nl else
                  "| Reason for leaving | Main reason | Mentioned |")
        rows = [header, "| --- | ---: | ---: |"]
        rows += [f"| {escape(theme.chapter or theme.label)} | {theme.count.main} | {theme.count.participants} |"
                 for theme in ranked]
        caption = (f"Tabel {self.data.conclusion_number}.1 Redenen om te vertrekken, naar het aantal deelnemers voor "
                   f"wie het de belangrijkste reden was (n = {self.data.total})" if nl else
                   f"Table {self.data.conclusion_number}.1 Reasons for leaving, by the number of participants for whom "
                   f"each was the main reason (n = {self.data.total})")
        return Filled("\n".join(rows) + f"\n\nTable: {caption}", f"{len(ranked)} themes, "
                      f"first {ranked[0].id}")

    def _tabel(self, placeholder: Placeholder) -> Filled:
        theme = self.theme if not placeholder.args else self.data.theme_of(placeholder.args[0])
        if theme is None:
            raise PlaceholderError("[[tabel]] outside a theme's own file needs a theme: [[tabel CODE]]",
                                   "geen thema genoemd")
        nl = self.data.lang == "nl"
        rows = ["| Code | Aantal keer genoemd |" if nl else "| Code | Times mentioned |", "| --- | ---: |"]
        rows += [f"| {escape(sub.label)} | {sub.codings} |" for sub in theme.subs]
        return Filled("\n".join(rows), f"{len(theme.subs)} codes")


def ranking(themes: list[aggregate.Theme]) -> list[aggregate.Theme]:
    """Reasons to leave, by participants for whom each was the main reason, then by participants mentioning it;
    context themes and the recommendations stay out, as do themes nobody mentioned."""
    reasons = [t for t in themes if t.role != "recommendations" and kind_of(t) == "reason" and t.count.participants]
    return sorted(reasons, key=lambda t: (-t.count.main, -t.count.participants, t.chapter or t.label))


def _is_participant(conn: sqlite3.Connection, fragment_id: int) -> bool:
    return conn.execute("SELECT t.role FROM fragments f JOIN turns t ON t.id = f.turn_id WHERE f.id = ?",
                        (fragment_id,)).fetchone()[0] == "participant"
