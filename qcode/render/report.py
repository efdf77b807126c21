"""The results chapters: counts and quotes per theme, rendered through an editable Jinja2 template.

The template writes Markdown; Word and HTML are made from that Markdown (`markdown_blocks`), so one
template, which the researcher may change, decides the wording and layout of all three formats.
"""
from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import jinja2

from qcode import aggregate
from qcode.errors import UsageError
from qcode.render import dutch, english

LANGUAGES = ("nl", "en")
DEFAULT_TEMPLATES = resources.files("qcode.render") / "templates"
TEXT_HINT = {
    "nl": "<!-- Eigen tekst bij '{label}'. Schrijf hieronder; qcode neemt deze tekst op in het rapport "
          "en overschrijft dit bestand nooit. -->\n",
    "en": "<!-- Your own text on '{label}'. Write below; qcode puts it in the report and never "
          "overwrites this file. -->\n",
}
_COMMENT = re.compile(r"<!--.*?-->", re.S)
AGE_KEYS = {"age", "leeftijd"}


@dataclass(slots=True)
class QuoteItem:
    """A quote as the template shows it; text and attribution are already escaped for Markdown."""
    text: str
    attribution: str
    star: bool
    main: bool


@dataclass
class SubSection:
    number: str
    id: str
    title: str
    count: aggregate.CodeCount
    quotes: list[QuoteItem]


@dataclass
class Section:
    number: str
    id: str
    title: str
    own_text: str
    sentence: str
    count: aggregate.CodeCount
    quotes: list[QuoteItem]  # coded with the theme itself
    subs: list[SubSection] = field(default_factory=list)


@dataclass
class ReportOptions:
    coder: str | None = None
    start: int = 1
    max_quotes: int | None = None
    attributes: tuple[str, ...] = ()
    lang: str = "nl"
    text_dir: Path | None = None
    chart: Path | None = None


@dataclass
class Report:
    start: int
    coder: str
    participants: int
    survey: bool
    sections: list[Section]
    ranking: list[aggregate.CodeCount]
    recommendations: Section | None
    conclusion_number: str
    chart: str | None


def build(conn, options: ReportOptions, text_dir: Path) -> Report:
    """Count and collect everything the report shows; create missing own-text files on the way."""
    coder = aggregate.require_codings(conn, options.coder)
    total = aggregate.participant_total(conn)
    survey = aggregate.is_survey(conn)
    by_sub: dict[str, list[aggregate.Quote]] = {}
    for quote in aggregate.quotes(conn, coder):
        by_sub.setdefault(quote.sub, []).append(quote)
    sections, recommendations = [], None
    themes = aggregate.themes(conn, coder)
    for theme in themes:
        recommending = theme.role == "recommendations"
        number = str(options.start + 2) if recommending else f"{options.start}.{len(sections) + 1}"
        section = _section(theme, number, by_sub, total, survey, options, text_dir)
        if recommending:
            recommendations = section
        else:
            sections.append(section)
    return Report(options.start, coder, total, survey, sections, aggregate.ranked(themes), recommendations,
                  str(options.start + 1), str(options.chart) if options.chart else None)


def _section(theme: aggregate.Theme, number: str, by_sub: dict[str, list[aggregate.Quote]], total: int,
             survey: bool, options: ReportOptions, text_dir: Path) -> Section:
    words = dutch if options.lang == "nl" else english
    noun = ("respondenten", "respondent") if survey else ("deelnemers", "deelnemer")
    if options.lang == "en":
        noun = ("respondents", "respondent") if survey else ("participants", "participant")
    sentence = words.mention_sentence(theme.count.participants, theme.count.main, total, *noun)
    if survey:
        sentence = sentence.split(";")[0] + "."
    section = Section(number, theme.id, theme.chapter or theme.label, own_text(text_dir, theme, options.lang),
                      sentence, theme.count, _quote_items(by_sub.get(theme.id, []), options))
    for sub in theme.subs:
        quoted = _quote_items(by_sub.get(sub.id, []), options)
        if quoted or sub.participants:
            section.subs.append(SubSection(f"{number}.{len(section.subs) + 1}", sub.id, sub.label, sub, quoted))
    return section


def own_text(folder: Path, theme: aggregate.Theme, lang: str) -> str:
    """The researcher's text for a theme; the file is made, with a hint, the first time."""
    path = folder / f"{theme.id}.md"
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        path.write_text(TEXT_HINT[lang].format(label=theme.label), encoding="utf-8")
    return _COMMENT.sub("", path.read_text(encoding="utf-8")).strip()


def _quote_items(quotes: list[aggregate.Quote], options: ReportOptions) -> list[QuoteItem]:
    """Starred quotes first, then main reasons, then in transcript order; at most --max-quotes."""
    groups = _adjacent_groups(quotes)
    flags = [(any(q.star for q in group), any(q.main for q in group)) for group in groups]
    order = sorted(range(len(groups)), key=lambda i: (not flags[i][0], not flags[i][1]))
    if options.max_quotes:
        order = order[:options.max_quotes]
    return [QuoteItem(markdown_escape(" […] ".join([q.text for q in groups[i]])),
                      markdown_escape(attribution(groups[i][0], options)), *flags[i]) for i in order]


def _adjacent_groups(quotes: list[aggregate.Quote]) -> list[list[aggregate.Quote]]:
    """Quotes of one participant on one sub-theme that stand next to each other (at most an interviewer's
    interjection between them) become one, joined with […]."""
    groups: list[list[aggregate.Quote]] = []
    seen: set[tuple[str, int]] = set()
    for quote in quotes:  # in transcript order already (aggregate.quotes)
        if (quote.transcript, quote.index) in seen:  # the same fragment under two codes of one sub-theme
            continue
        seen.add((quote.transcript, quote.index))
        last = groups[-1][-1] if groups else None
        if last and last.transcript == quote.transcript and quote.index - last.index <= 2:
            groups[-1].append(quote)
        else:
            groups.append([quote])
    return groups


def attribution(quote: aggregate.Quote, options: ReportOptions) -> str:
    """'jongerenwerker, 34 jaar' from the chosen attributes; the participant id when none are chosen."""
    if not options.attributes:
        return quote.participant
    parts = []
    for key in options.attributes:
        value = quote.attributes.get(key)
        if value in (None, ""):
            continue
        if key in AGE_KEYS and str(value).isdigit():
            value = f"{value} {'jaar' if options.lang == 'nl' else 'years'}"
        parts.append(str(value))
    return ", ".join(parts) or quote.participant


# -- templates ----------------------------------------------------------------------------------
def template_environment(project_templates: Path) -> jinja2.Environment:
    loader = jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(project_templates)),
                                  jinja2.FileSystemLoader(str(DEFAULT_TEMPLATES))])
    env = jinja2.Environment(loader=loader, undefined=jinja2.StrictUndefined, keep_trailing_newline=True,
                             trim_blocks=True, lstrip_blocks=True)
    env.filters["number"] = dutch.number
    env.filters["capitalise"] = dutch.capitalise
    env.filters["md"] = markdown_escape
    return env


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_#|])")


def markdown_escape(text: str) -> str:
    """Keep a participant's words from being read as Markdown ('*', '_', '#', '|', …), on one line."""
    if "\n" in text:
        text = " ".join(text.split())
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def render_markdown(report: Report, project_templates: Path, lang: str) -> str:
    template = template_environment(project_templates).get_template(f"report.{lang}.md.j2")
    return template.render(report=report)


def init_templates(project_templates: Path) -> list[Path]:
    """Copy qcode's default templates into the project, leaving any the researcher already has."""
    project_templates.mkdir(parents=True, exist_ok=True)
    written = []
    for source in DEFAULT_TEMPLATES.iterdir():
        target = project_templates / source.name
        if source.name.endswith(".j2") and not target.exists():
            with resources.as_file(source) as path:
                shutil.copyfile(path, target)
            written.append(target)
    return written


# -- writing ------------------------------------------------------------------------------------
FORMATS = ("md", "docx", "html")


def write(conn, root: Path, options: ReportOptions, fmt: str, output: Path | None) -> Path:
    """Build the report and write it as .md, .docx or .html; return the file written."""
    from qcode.render import chart, markdown_blocks

    if fmt not in FORMATS:
        raise UsageError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    if options.lang not in LANGUAGES:
        raise UsageError(f"language must be one of {', '.join(LANGUAGES)}, not {options.lang!r}")
    output = output or root / "exports" / f"rapport.{fmt}"
    text_dir = options.text_dir or root / "exports" / "tekst"
    report = build(conn, options, text_dir)
    if options.chart is not None:
        chart.theme_chart(report.ranking, options.chart, report.participants, options.lang)
        report.chart = os.path.relpath(options.chart.resolve(), output.resolve().parent)
    markdown = render_markdown(report, root / "templates", options.lang)
    output.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "md":
        output.write_text(markdown, encoding="utf-8")
    elif fmt == "docx":
        markdown_blocks.to_docx(markdown_blocks.parse(markdown), output, output.parent)
    else:
        title = "Resultaten" if options.lang == "nl" else "Results"
        output.write_text(markdown_blocks.to_html(markdown_blocks.parse(markdown), title, output.parent),
                          encoding="utf-8")
    return output

