"""The consultation report: a section per open question, written from the researcher's own files.

Each question's file (`exports/tekst/vraag-<id>.md`) is the whole body of its section, with the same
kind of live placeholders as the interview chapter, filled from that question's answers only:

    [[telling]]              who answered the question (n, and the share of all respondents)
    [[telling CODE]]         "29 procent van de respondenten (n=572) noemt dit"; words for a small n
    [[tabel]]                the captioned frequency table, most mentioned first, with a total row
    [[citaten CODE 3]]       quotes from the answers to this question, attributed (--attribute rol)
    [[verdeling ATTR CODE]]  the share mentioning CODE per group of ATTR, with each group's n
    [[woorden]]              the words respondents use most (lemmas, Dutch stop words left out)
    [[samenvatting]]         "Concluderend: …" the categories mentioned most

No main reason is ever counted or named: a survey has none. The introduction, the opening and the
conclusion are own files too; `[[methode]]` tells how many took part and answered each question.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qcode import aggregate, pseudonymised, survey_counts
from qcode.render import chapter, dutch, placeholders
from qcode.render.chapter import Filled, Placeholder, PlaceholderError
from qcode.render.markdown_text import Markdown, escape

PERCENT_FROM = 20  # from this n on, shares are percentages; below it, words as in the interview report
DRAFT_CATEGORIES = 6


@dataclass
class Question:
    id: str
    text: str
    title: str  # the section title: the chapter title of the theme its answers are coded with, else the text
    counts: survey_counts.QuestionCounts
    fragments: set[int] = field(default_factory=set)  # its answers' fragments
    pool: Any = None  # its codings as quotes (quote_choice.QuotePool), read on the first [[citaten]]
    wordings: list[tuple[int, str]] | None = None  # its answers' words, normalised, by fragment id


@dataclass
class Tables:
    chapter: int
    number: int = 0

    def next(self) -> str:
        self.number += 1
        return f"{self.chapter}.{self.number}"


def questions(conn, coder: str) -> list[Question]:  # type: ignore[no-untyped-def]
    level = "auto"
    found = []
    themes = {row[0]: row[1] for row in conn.execute("SELECT id, COALESCE(chapter, label) FROM codes "
                                                     "WHERE parent_id IS NULL")}
    for counted in survey_counts.counts(conn, coder, level=level):
        fragments = {row[0] for row in conn.execute(
            "SELECT f.id FROM fragments f JOIN turns t ON t.id = f.turn_id WHERE t.question = ? "
            "AND t.role = 'participant'", (counted.id,))}
        found.append(Question(counted.id, counted.text, _title(conn, coder, counted, themes), counted, fragments))
    return found


def _title(conn, coder: str, counted: survey_counts.QuestionCounts, themes: dict[str, str]) -> str:  # type: ignore[no-untyped-def]
    """The theme nearly all of the question's codings sit under, by its chapter title; else the question."""
    rows = conn.execute(aggregate.LINEAGE + f"SELECT l.theme, COUNT(*) FROM {survey_counts.ANSWER_CODINGS} "
                        "JOIN lineage l ON l.id = c.code_id WHERE t.question = ? AND c.coder = ? "
                        "GROUP BY l.theme ORDER BY 2 DESC", (counted.id, coder)).fetchall()
    total = sum(n for _, n in rows)
    if rows and rows[0][1] >= 0.9 * total and rows[0][0] in themes:
        return themes[rows[0][0]]
    return counted.text


def file_name(question_id: str) -> str:
    return "vraag-" + re.sub(r"[^A-Za-z0-9._-]+", "-", question_id).strip("-").lower() + ".md"


def draft(question: Question, lang: str) -> str:
    """A question's first own file: who answered, the table, the categories mentioned most, a conclusion."""
    nl = lang == "nl"
    name = chapter._name
    what = (f"de tekst bij vraag {question.id} ('{question.text}')" if nl else
            f"the text on question {question.id} ('{question.text}')")
    lines = [f"[[{name('telling', lang)}]]", "", f"[[{name('tabel', lang)}]]", ""]
    for category in question.counts.categories[:DRAFT_CATEGORIES]:
        lines += [f"### {escape(category.label)}", "", f"[[{name('telling', lang)} {category.id}]]", "",
                  f"[[{name('citaten', lang)} {category.id} 2]]", ""]
    lines += [f"[[{name('samenvatting', lang)}]]", ""]  # "Concluderend: …" opens the closing paragraph
    return chapter._hint(what, lang) + SURVEY_HINT[lang] + "\n" + "\n".join(lines)


SURVEY_HINT = {
    "nl": "<!-- Alleen in een enquête: [[tabel]] de frequentietabel, [[verdeling KENMERK CODE]] per groep, "
          "[[woorden]] de meest gebruikte woorden, [[samenvatting]] de meest genoemde onderwerpen. -->\n",
    "en": "<!-- Surveys only: [[table]] the frequency table, [[spread ATTRIBUTE CODE]] per group, [[words]] the "
          "words used most, [[summary]] the categories mentioned most. -->\n",
}
PART_DRAFTS = {
    "nl": {chapter.INTRO: "Dit hoofdstuk beschrijft de antwoorden op de open vragen van de consultatie.\n\n"
                          "## Werkwijze\n\n[[methode]]\n",
           chapter.OPENING: "Per open vraag beschrijven we hoeveel respondenten de vraag beantwoordden, welke "
                            "onderwerpen ze noemden en hoe vaak, met citaten.\n",
           chapter.CONCLUSION: "<!-- Vat per vraag samen wat opvalt; de zinnen hieronder mogen blijven of weg. -->\n\n"
                               "[[samenvatting alle]]\n"},
    "en": {chapter.INTRO: "This chapter describes the answers to the consultation's open questions.\n\n"
                          "## Method\n\n[[method]]\n",
           chapter.OPENING: "For each open question we describe how many respondents answered it, which topics "
                            "they mentioned and how often, with quotes.\n",
           chapter.CONCLUSION: "[[summary all]]\n"},
}


class SurveyFiller(placeholders.Filler):
    """The interview chapter's filler, narrowed to one question's answers, with the survey's own placeholders."""

    def __init__(self, data: placeholders.ChapterData, question: Question | None, all_questions: list[Question],
                 tables: Tables) -> None:
        super().__init__(data)
        self.question = question
        self.all_questions = all_questions
        self.tables = tables

    def _need_question(self, name: str) -> Question:
        if self.question is None:
            raise PlaceholderError(f"[[{name}]] belongs in a question's own file (vraag-ID.md)", "geen vraag hier")
        return self.question

    def _telling(self, placeholder: Placeholder) -> Filled:
        question = self._need_question("telling")
        counts = question.counts
        nl = self.data.lang == "nl"
        if not placeholder.args:
            share = _percent(counts.answered, counts.respondents)
            sentence = (f"Van de {_n(counts.respondents)} respondenten beantwoordden {_n(counts.answered)} deze vraag "
                        f"({share} procent); samen noemden ze {_n(counts.mentions)} keer een onderwerp, "
                        "meerdere per antwoord." if nl else
                        f"Of the {counts.respondents} respondents, {counts.answered} answered this question "
                        f"({share} percent); together they mentioned a topic {counts.mentions} times.")
            return Filled(sentence, sentence)
        code = placeholder.args[0]
        self._require_code(code)
        respondents = self._respondents(code)
        sentence = share_sentence(respondents, counts.answered, self.data.lang)
        return Filled(sentence, sentence)

    def _respondents(self, code: str) -> int:
        question = self._need_question("telling")
        return self.data.conn.execute(
            "WITH RECURSIVE branch(id) AS (SELECT ? UNION ALL SELECT c.id FROM codes c JOIN branch b ON "
            f"c.parent_id = b.id) SELECT COUNT(DISTINCT tr.participant_id) FROM {survey_counts.ANSWER_CODINGS} "
            "JOIN transcripts tr ON tr.id = f.transcript_id WHERE t.question = ? AND t.role = 'participant' "
            "AND c.coder = ? AND c.code_id IN (SELECT id FROM branch)",
            (code, question.id, self.data.coder)).fetchone()[0]

    def _tabel(self, placeholder: Placeholder) -> Filled:
        question = self._need_question("tabel")
        counts = question.counts
        nl = self.data.lang == "nl"
        rows = ["| Onderwerp | Aantal keer genoemd | Procent van n |" if nl else "| Topic | Times mentioned | Percent of n |",
                "| --- | ---: | ---: |"]
        rows += [f"| {escape(c.label)} | {c.mentions} | {_percent(c.respondents, counts.answered)} |"
                 for c in counts.categories]
        rows.append(f"| **{'Totaal' if nl else 'Total'}** | **{counts.mentions}** | |")
        caption = (f"Tabel {self.tables.next()} {escape(question.text)} (n={counts.answered}, {counts.mentions} "
                   "antwoorden, meerdere antwoorden mogelijk)" if nl else
                   f"Table {self.tables.next()} {escape(question.text)} (n={counts.answered}, {counts.mentions} "
                   "answers, several answers possible)")
        return Filled("\n".join(rows) + f"\n\nTable: {caption}", f"{len(counts.categories)} categories, n={counts.answered}")

    def _citaten(self, placeholder: Placeholder) -> Filled:
        question = self._need_question("citaten")
        aside = self._same_words_as_shown(question)
        self.quoted |= aside  # no answer twice in other words
        try:
            return super()._citaten(placeholder)
        finally:
            self.quoted -= aside

    def _choose_quotes(self, code: str, limit: int | None, skip: set[int], only: bool) -> list[placeholders.ChapterQuote]:
        """Quotes from this question's answers only, out of the question's codings read once."""
        from qcode import quote_choice

        question = self._need_question("citaten")
        if question.pool is None:
            question.pool = quote_choice.QuotePool(self.data.conn, self.data.coder, question.id)
        return [placeholders.chapter_quote(q) for q in question.pool.choose(code, limit=limit, skip_fragments=skip,
                                                                              sub_codes=not only)]

    def _same_words_as_shown(self, question: Question) -> set[int]:
        """Answers worded exactly alike ('Nee.', a sentence many wrote) are quoted once: all but the first of
        each such group, and every one worded like a quote already shown, are set aside."""
        shown = {" ".join(q.text.split()).casefold() for q in self.quotes}
        if question.wordings is None:
            marks = ", ".join("?" * len(question.fragments))
            question.wordings = [(fid, " ".join(text.split()).casefold()) for fid, text in self.data.conn.execute(
                f"SELECT id, text FROM fragments WHERE id IN ({marks}) ORDER BY id", tuple(question.fragments))]
        first: set[str] = set()
        aside = set()
        for fid, words in question.wordings:
            if words in shown or words in first:
                aside.add(fid)
            first.add(words)
        return aside

    def _verdeling(self, placeholder: Placeholder) -> Filled:
        if len(placeholder.args) != 2 or self.question is None:
            return super()._verdeling(placeholder)
        attribute, code = placeholder.args
        self._require_code(code)
        from qcode.errors import UsageError
        try:
            shares = survey_counts.breakdown(self.data.conn, self.data.coder, self.question.id, code, attribute)
        except UsageError as error:
            raise PlaceholderError(error.problem.message, f"onbekend kenmerk ‘{attribute}’") from None
        nl = self.data.lang == "nl"
        label = self.data.codes[code][0]
        rows = [f"| {escape(attribute)} | n | {'Noemen dit' if nl else 'Mention it'} | {'Procent' if nl else 'Percent'} |",
                "| --- | ---: | ---: | ---: |"]
        rows += [f"| {escape(pseudonymised.text(self.data.pseudonymiser, s.group))} | {s.answered} | {s.respondents} | {_percent(s.respondents, s.answered)} |"
                 for s in shares]
        caption = (f"Tabel {self.tables.next()} {escape(label)}, naar {escape(attribute)} (n per groep: wie de vraag "
                   "beantwoordde)" if nl else f"Table {self.tables.next()} {escape(label)}, by {escape(attribute)} "
                   "(n per group: those who answered the question)")
        return Filled("\n".join(rows) + f"\n\nTable: {caption}", f"{len(shares)} groups")

    def _woorden(self, placeholder: Placeholder) -> Filled:
        from qcode import word_counts

        question = self._need_question("woorden")
        top = int(placeholder.args[0]) if placeholder.args and placeholder.args[0].isdigit() else 15
        words = word_counts.frequencies(self.data.conn, question=question.id, top=top,
                                        keep=lambda word: pseudonymised.keeps_word(self.data.pseudonymiser, word))
        nl = self.data.lang == "nl"
        rows = ["| Woord | Aantal keer | Respondenten |" if nl else "| Word | Times | Respondents |", "| --- | ---: | ---: |"]
        rows += [f"| {escape(w.word)} | {w.count} | {w.respondents} |" for w in words]
        caption = (f"Tabel {self.tables.next()} De meest gebruikte woorden in de antwoorden (grondvormen, zonder "
                   "stopwoorden)" if nl else f"Table {self.tables.next()} The words used most in the answers (lemmas, "
                   "without stop words)")
        return Filled("\n".join(rows) + f"\n\nTable: {caption}", f"{len(words)} words")

    def _samenvatting(self, placeholder: Placeholder) -> Filled:
        if self.question is not None:
            text = summary(self.question, self.data.lang)
            return Filled(text, text)
        texts = [f"**{escape(q.title)}.** {summary(q, self.data.lang, lead=False)}" for q in self.all_questions]
        return Filled("\n\n".join(texts), f"{len(texts)} questions")

    def _rangorde(self, placeholder: Placeholder) -> Filled:
        raise PlaceholderError("[[rangorde]] ranks reasons to leave, which a survey does not count; use [[tabel]]",
                               "geen rangorde in een enquête")

    def _methode(self, placeholder: Placeholder) -> Filled:
        text = method(self.all_questions, self.data, self.data.lang)
        return Filled(text, text)


def share_sentence(respondents: int, answered: int, lang: str) -> str:
    """'29 procent van de respondenten (n=572) noemt dit.'; for a small n the count in words."""
    nl = lang == "nl"
    if answered >= PERCENT_FROM:
        share = _percent(respondents, answered)
        return (f"{share} procent van de respondenten (n={answered}) noemt dit." if nl else
                f"{share} percent of the respondents (n={answered}) mention this.")
    return placeholders.count_sentence(respondents, 0, answered, kind="context", survey=True, lang=lang,
                                       counts="exact", tense="present")


def summary(question: Question, lang: str, lead: bool = True) -> str:
    counts = question.counts
    nl = lang == "nl"
    top = counts.categories[:3]
    if not top:
        return "Er zijn nog geen antwoorden gecodeerd." if nl else "No answers have been coded yet."
    named = [f"{c.label[:1].lower() + c.label[1:]} ({_percent(c.respondents, counts.answered)} procent)" if nl else
             f"{c.label[:1].lower() + c.label[1:]} ({_percent(c.respondents, counts.answered)} percent)" for c in top]
    listed = named[0] if len(named) == 1 else ", ".join(named[:-1]) + (" en " if nl else " and ") + named[-1]
    if nl:
        return f"{'Concluderend: de' if lead else 'De'} meest genoemde onderwerpen zijn {escape(listed)} (n={counts.answered})."
    return f"{'In short: the' if lead else 'The'} topics mentioned most are {escape(listed)} (n={counts.answered})."


def method(all_questions: list[Question], data: placeholders.ChapterData, lang: str) -> str:
    if not all_questions:
        return ""
    everyone = max(q.counts.respondents for q in all_questions)
    answered = [q.counts.answered for q in all_questions]
    codes = data.conn.execute("SELECT COUNT(*), COUNT(*) FILTER (WHERE parent_id IS NULL) FROM codes "
                              "WHERE active = 1").fetchone()
    if lang == "nl":
        spread = (f"beantwoordden tussen {_n(min(answered))} en {_n(max(answered))} respondenten"
                  if min(answered) != max(answered) else f"beantwoordden {_n(answered[0])} respondenten")
        return (f"Aan de consultatie deden {_n(everyone)} respondenten mee. De vragenlijst bevatte "
                f"{_n(len(all_questions))} open {'vraag' if len(all_questions) == 1 else 'vragen'}; per vraag "
                f"{spread} de vraag. De antwoorden zijn gecodeerd met een codeboek van {_n(codes[1])} thema's en "
                f"{_n(codes[0] - codes[1])} categorieën; een antwoord kan meerdere categorieën hebben.")
    return (f"{everyone} respondents took part in the consultation. The questionnaire had {len(all_questions)} open "
            f"questions, each answered by {min(answered)} to {max(answered)} respondents. The answers were coded with a "
            f"codebook of {codes[1]} themes and {codes[0] - codes[1]} categories; an answer can have several.")


def _n(number: int) -> str:
    return dutch.number(number)


def _percent(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 0


# -- the report --------------------------------------------------------------------------------------
def build(conn, options, text_dir: Path, pseudonymiser=None):  # type: ignore[no-untyped-def]
    """The survey's Report: a section per open question, from its own file; `pseudonymiser` (None: the raw
    text) replaces identifiers in what it quotes and counts."""
    from qcode.render import attribution
    from qcode.render.report import Report, Section, attributor

    coder = aggregate.require_codings(conn, options.coder)
    attributes = attribution.check_attributes(conn, options.attributes)
    found = questions(conn, coder)
    everyone = max((q.counts.respondents for q in found), default=aggregate.participant_total(conn))
    themes = aggregate.themes(conn, coder)
    data = placeholders.ChapterData(conn, coder, everyone, True, options.lang, attributes, options.max_quotes,
                                    "exact", themes, options.start + 1, lambda: "",
                                    attributor=attributor(conn, attributes, options, pseudonymiser),
                                    pseudonymiser=pseudonymiser)
    report = Report(options.start, coder, everyone, True, [], [], None, Markdown(options.start + 1),
                    None)
    tables = Tables(options.start)
    for number, question in enumerate(found, start=1):
        path = text_dir / file_name(question.id)
        text = chapter.read_text(path)
        if text is None:
            text = report.missing_texts[path] = draft(question, options.lang)
        filler = SurveyFiller(data, question, found, tables)
        filler.prepare(text)
        expanded = chapter.expand(path, text, filler)
        report.uses += expanded.uses
        report.warnings += expanded.warnings
        count = aggregate.CodeCount(question.id, question.text, question.counts.answered, 0, question.counts.mentions)
        report.sections.append(Section(Markdown(f"{options.start}.{number}"), question.id, question.title,
                                       expanded.text, Markdown(""), count, []))
    for part in (chapter.INTRO, chapter.OPENING, chapter.CONCLUSION):
        path = text_dir / f"{part}.md"
        text = chapter.read_text(path)
        if text is None:
            text = report.missing_texts[path] = chapter._hint(chapter.PART_NAMES[options.lang][part],
                                                              options.lang) + "\n" + PART_DRAFTS[options.lang][part]
        expanded = chapter.expand(path, text, SurveyFiller(data, None, found, Tables(options.start + 1)))
        report.uses += expanded.uses
        report.warnings += expanded.warnings
        setattr(report, {chapter.INTRO: "intro", chapter.OPENING: "opening", chapter.CONCLUSION: "conclusion"}[part],
                expanded.text)
    if options.start > 1:
        report.intro_number = Markdown(options.start - 1)
    from qcode.errors import Problem
    from qcode.render import coverage

    seen = coverage.coverage(conn, coder)
    report.draft_note = None if seen.complete else seen.note(options.lang)
    if not seen.complete:
        report.warnings.insert(0, Problem(seen.message(), hint="code the rest, or pass another --coder"))
    report.attribution_note = data.attributor.note() if data.attributor else None
    return report
