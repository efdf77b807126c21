"""The results chapters: counts and quotes per theme, rendered through an editable Jinja2 template.

The template writes Markdown; Word and HTML are made from that Markdown by pandoc (`documents`), so one
template, which the researcher may change, decides the wording and layout of all three formats.
"""
from __future__ import annotations

import os
import re
import traceback
from dataclasses import dataclass, field
from functools import partial
from importlib import resources
from pathlib import Path
from collections.abc import Callable
from typing import TYPE_CHECKING

import jinja2
import jinja2.compiler
import jinja2.filters
import jinja2.nodes
from jinja2.sandbox import SandboxedEnvironment, SecurityError
import markupsafe

from qcode import aggregate, pseudonymised
from qcode.errors import Problem, UsageError
from qcode.outputs import Guard, check_target, check_targets, create_text, format_for, writing, xml_text
from qcode.render import attribution, chapter, dutch, placeholders
from qcode.render.markdown_text import Markdown, escape, link

if TYPE_CHECKING:
    from qcode.anonymise import Pseudonymiser

LANGUAGES = ("nl", "en")
COUNTS = ("soft", "exact")
DEFAULT_TEMPLATES = resources.files("qcode.render") / "templates"


@dataclass(slots=True)
class QuoteItem:
    """A quote as an edited template may still show it (`section.quotes`). `text` is the participant's words
    escaped; the attribution is data, escaped by the template as it writes it. The ★ is never printed."""
    text: str
    attribution: str
    star: bool
    main: bool


@dataclass
class Section:
    number: str
    id: str
    title: str
    body: Markdown  # the own-text file with its placeholders filled
    sentence: str  # the theme's count sentence, for templates that place it themselves
    count: aggregate.CodeCount
    quotes: list[QuoteItem]  # the quotes the body shows, in its order
    subs: list = field(default_factory=list)  # kept empty: sub-themes are headings in the body now

    @property
    def own_text(self) -> Markdown:  # the name templates made before placeholders used
        return self.body


@dataclass
class ReportOptions:
    coder: str | None = None
    start: int = 1
    max_quotes: int | None = None
    attributes: tuple[str, ...] = ()
    lang: str = "nl"
    text_dir: Path | None = None
    chart: Path | None = None
    counts: str = "soft"
    reference_doc: Path | None = None  # the house style for Word (checked by `documents.check_reference_doc`)
    coarsen_attributions: bool = True  # False (--no-anonymise): every attribution as it is, however rare


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
    intro: Markdown = Markdown()
    intro_number: str | None = None  # the introduction's own chapter, when the results start at 2 or later
    opening: Markdown = Markdown()
    conclusion: Markdown = Markdown()
    draft_note: str | None = None  # coding is not complete: the document says so at the top
    attribution_note: str | None = None  # for the CLI: how many attributions were coarsened (Attributor.note)
    missing_texts: dict[Path, str] = field(default_factory=dict)  # own-text files to make, with their draft
    uses: list[chapter.Use] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


def build(conn, options: ReportOptions, text_dir: Path, pseudonymiser: Pseudonymiser | None = None) -> Report:
    """Count, fill every own-text file's placeholders, and note the files still to be made. `pseudonymiser`
    replaces identifiers in every quote, attribution and spread it fills in (None: the raw text)."""
    from qcode import quote_choice
    from qcode.render import coverage, methods

    if options.counts not in COUNTS:
        raise UsageError(f"counts must be soft or exact, not {options.counts!r}", hint="--counts exact")
    if aggregate.is_survey(conn) and conn.execute("SELECT 1 FROM questions LIMIT 1").fetchone():
        from qcode.render import survey_chapter
        return survey_chapter.build(conn, options, text_dir, pseudonymiser)
    coder = aggregate.require_codings(conn, options.coder)
    attributes = attribution.check_attributes(conn, options.attributes)
    total = aggregate.participant_total(conn)
    survey = aggregate.is_survey(conn)
    themes = aggregate.themes(conn, coder)
    data = placeholders.ChapterData(conn, coder, total, survey, options.lang, attributes, options.max_quotes,
                                    options.counts, themes, options.start + 1,
                                    lambda: methods.method_paragraph(conn, coder, options.lang),
                                    attributor=attributor(conn, attributes, options, pseudonymiser),
                                    pseudonymiser=pseudonymiser)
    report = Report(options.start, coder, total, survey, [], aggregate.ranked(themes), None,
                    Markdown(options.start + 1), link(str(options.chart)) if options.chart else None)
    for theme in themes:
        recommending = theme.role == "recommendations"
        number = Markdown(options.start + 2 if recommending else f"{options.start}.{len(report.sections) + 1}")
        section = _section(theme, number, data, text_dir, report, level=2 if recommending else 3)
        if recommending:
            report.recommendations = section
        else:
            report.sections.append(section)
    if options.start > 1:
        report.intro_number = Markdown(options.start - 1)
    report.intro = _part(chapter.INTRO, data, text_dir, report)
    report.opening = _part(chapter.OPENING, data, text_dir, report)
    report.conclusion = _part(chapter.CONCLUSION, data, text_dir, report)
    seen = coverage.coverage(conn, coder)
    first = [] if seen.complete else [Problem(seen.message(), hint="code the rest, or pass another --coder")]
    report.draft_note = None if seen.complete else seen.note(options.lang)
    first += [Problem(message, hint="keep one main reason per participant ('qcode code', or the codings sheet)")
              for message in coverage.double_main_reasons(conn, coder)]
    first += [Problem(str(found), hint="export the quote sheet again and decide anew")
              for found in quote_choice.stale_decisions(conn, coder)]
    report.warnings = first + report.warnings
    report.attribution_note = data.attributor.note() if data.attributor else None
    return report


def attributor(conn, attributes: tuple[str, ...], options: ReportOptions,
               pseudonymiser: Pseudonymiser | None = None) -> attribution.Attributor:
    """Who said each quote, for one report: coarsened unless `options.coarsen_attributions` is off, then
    pseudonymised when the report is."""
    return attribution.Attributor(conn, attributes, lang=options.lang, coarsen=options.coarsen_attributions,
                                  pseudonymiser=pseudonymiser)


def _section(theme: aggregate.Theme, number: str, data: placeholders.ChapterData, text_dir: Path, report: Report,
             level: int) -> Section:
    from qcode import quote_choice

    path = text_dir / f"{theme.id}.md"
    defaults = chapter.theme_defaults(theme.id, [(sub.id, sub.label) for sub in theme.subs], data.lang, level,
                                      data.survey)
    text = chapter.read_text(path)
    if text is None:
        text = report.missing_texts[path] = chapter.theme_draft(theme.label, defaults, data.lang)
    filler = placeholders.Filler(data, theme)
    filler.prepare(text)
    expanded = chapter.expand(path, text, filler, defaults)
    report.uses += expanded.uses
    report.warnings += expanded.warnings
    report.warnings += [Problem(str(found), path, hint="cut it in the quote sheet's 'citaat' column, then "
                                                        "'qcode quotes import'")
                        for found in quote_choice.long_quotes(filler.quotes)]
    sentence = placeholders.count_sentence(theme.count.participants, theme.count.main, data.total,
                                           kind=placeholders.kind_of(theme), survey=data.survey, lang=data.lang,
                                           counts=data.counts)
    shown = partial(pseudonymised.text, data.pseudonymiser)
    quotes = [QuoteItem(escape(shown(q.text)), data.attribute(q), q.star, q.main) for q in filler.quotes]
    return Section(number, theme.id, theme.chapter or theme.label, expanded.text, Markdown(sentence), theme.count,
                   quotes)


def _part(part: str, data: placeholders.ChapterData, text_dir: Path, report: Report) -> Markdown:
    path = text_dir / f"{part}.md"
    text = chapter.read_text(path)
    if text is None:
        text = report.missing_texts[path] = chapter.part_draft(part, data.lang)
    expanded = chapter.expand(path, text, placeholders.Filler(data))
    report.uses += expanded.uses
    report.warnings += expanded.warnings
    return expanded.text


def own_text(path: Path) -> Markdown:
    """The researcher's file without comments; '' while the file is not there (kept for callers of old)."""
    text = chapter.read_text(path)
    return Markdown(_COMMENT.sub("", text).strip()) if text else Markdown()


_COMMENT = re.compile(r"<!--.*?-->", re.S)


def _make_own_texts(missing: dict[Path, str], guard: Guard | None) -> None:
    for path, draft in missing.items():
        create_text(path, draft, guard)


# -- templates ----------------------------------------------------------------------------------
def template_environment(project_templates: Path) -> jinja2.Environment:
    loader = jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(project_templates)),
                                  jinja2.FileSystemLoader(str(DEFAULT_TEMPLATES))])
    # Every {{ value }} passes `_markdown_output`: data is escaped however a template is edited.
    # Autoescaping marks what the template itself made (a macro's or a block's output) as written.
    env = _ReportSandbox(loader=loader, undefined=jinja2.StrictUndefined, keep_trailing_newline=True,
                         trim_blocks=True, lstrip_blocks=True, autoescape=True, finalize=_markdown_output)
    env.code_generator_class = _PlainJoins
    plain = jinja2.nodes.EvalContext(env)
    plain.autoescape = False
    env.filters["join"] = lambda value, d="", attribute=None: jinja2.filters.sync_do_join(plain, value, d, attribute)
    env.filters["number"] = dutch.number
    env.filters["capitalise"] = dutch.capitalise
    env.filters["fraction"] = dutch.fraction_filter
    env.filters["md"] = _as_text  # escaping happens on output, once; kept so older templates still run
    env.filters["safe"] = _as_text  # data never becomes live Markdown, not even on request
    return env


class _PlainJoins(jinja2.compiler.CodeGenerator):
    """`a ~ b` joins as plain text, so the joined value is escaped as a whole when written. (Autoescape
    would join a macro's output and data as HTML: data HTML-escaped, its Markdown left live.)"""

    def visit_Concat(self, node: jinja2.nodes.Concat, frame) -> None:
        self.write("str_join((")
        for argument in node.nodes:
            self.visit(argument, frame)
            self.write(", ")
        self.write("))")


class _ReportSandbox(SandboxedEnvironment):
    """Templates travel with a copied project, so one may come from someone else: Jinja's sandbox keeps
    it from Python's internals (no `__globals__`, no `os`), and a multiplication or power from
    growing a string, list or number past what a report needs."""

    intercepted_binops = frozenset({"*", "**"})
    LONGEST = 10_000_000

    def call_binop(self, context, operator, left, right):  # type: ignore[no-untyped-def]
        sizes = [len(x) if isinstance(x, str | list | tuple) else None for x in (left, right)]
        if operator == "*" and any(size is not None for size in sizes):
            times = right if sizes[0] is not None else left
            length = sizes[0] if sizes[0] is not None else sizes[1]
            if isinstance(times, int) and times * (length or 0) > self.LONGEST:
                raise SecurityError("a repeated text or list longer than a report needs")
        if operator == "**" and isinstance(right, int | float) and abs(right) > 64:
            raise SecurityError("a power larger than a report needs")
        return super().call_binop(context, operator, left, right)


def _markdown_output(value: object) -> object:
    """A value as the template writes it: the template's own output as it is, data escaped for Markdown.
    (Jinja's autoescape then keeps the result as it is: it only HTML-escapes what is not Markup.)"""
    if type(value) is not str and hasattr(value, "__html__"):  # a macro's, caller's or {% set %} block's output
        return value
    return markupsafe.Markup(escape(value))  # a Markdown value comes back from `escape` as it is


def _as_text(value: object) -> object:
    return value if isinstance(value, str | int | float) else str(value)


markdown_escape = escape  # the one escaping rule for data in Markdown (markdown_text.escape)


def render_markdown(report: Report, project_templates: Path, lang: str) -> str:
    """The report as Markdown; an error in an edited template is reported with its file and line."""
    env = template_environment(project_templates)
    name = f"report.{lang}.md.j2"
    try:
        return env.get_template(name).render(report=report)
    except jinja2.TemplateSyntaxError as error:
        where = _template_file(error.name or name, env)
        raise UsageError(f"the template has an error: {error.message}", path=where, line=error.lineno,
                         hint="fix the template, or delete it to use qcode's own") from None
    except jinja2.TemplateNotFound as error:
        where, line = _failing_line(error, env, name)
        missing = repr(error.name) if _spelled_in(str(error.name), where, line) else "a template"
        raise UsageError(f"the template includes {missing}, which is not there", path=where, line=line,
                         hint="remove or correct the line that includes it") from None
    except SecurityError as error:
        where, line = _failing_line(error, env, name)
        raise UsageError("the template uses something a report template may not (Python internals, or a "
                         "text, list or number far larger than a report)", path=where, line=line,
                         hint="remove that line, or delete the template to use qcode's own") from None
    except UnicodeDecodeError:
        raise UsageError("the template is not UTF-8 text", path=_template_file(name, env),
                         hint="save the template as UTF-8") from None
    except Exception as error:  # noqa: BLE001 - an edited template can fail in any way; say where
        where, line = _failing_line(error, env, name)
        what = _undefined_message(error, where, line) if isinstance(error, jinja2.UndefinedError) else (
            f"the template fails here ({type(error).__name__})")
        raise UsageError(what, path=where, line=line,
                         hint="fix the template, or delete it to use qcode's own") from None


def _template_file(name: str, env: jinja2.Environment) -> Path | str:
    """The file a template name is loaded from (the project's own before qcode's), without reading it."""
    for loader in getattr(env.loader, "loaders", [env.loader]):
        for folder in getattr(loader, "searchpath", []):
            if (Path(folder) / name).is_file():
                return Path(folder) / name
    return name


def _failing_line(error: BaseException, env: jinja2.Environment, name: str) -> tuple[Path | str, int | None]:
    """The template file and line of the innermost template frame (Jinja rewrites frames to its lines)."""
    files = {str(_template_file(t, env)) for t in env.list_templates() if t.endswith(".j2")}
    for frame in reversed(traceback.extract_tb(error.__traceback__)):
        if frame.filename in files:
            return Path(frame.filename), frame.lineno
    return _template_file(name, env), None


def _undefined_message(error: jinja2.UndefinedError, where: Path | str, line: int | None) -> str:
    """Name the unknown variable when the template spells it; a data value might be a participant's words."""
    found = re.search(r"'([^']{1,80})' (?:is undefined|has no attribute '([^']{1,80})')", str(error.message))
    name = (found.group(2) or found.group(1)) if found else None
    if name and re.fullmatch(r"\w+", name) and _spelled_in(name, where, line):
        return f"the template uses {name!r}, which does not exist here"
    return "the template uses a variable or attribute that does not exist"


def _spelled_in(name: str, where: Path | str, line: int | None) -> bool:
    """Whether the template's line spells `name` itself (so it is no participant's words)."""
    try:
        source = Path(where).read_text(encoding="utf-8").splitlines()[line - 1] if line else ""
    except (OSError, UnicodeDecodeError, IndexError):
        return False
    return re.search(rf"(?<!\w){re.escape(name)}(?!\w)", source) is not None


def init_templates(project_templates: Path, guard: Guard | None = None) -> list[Path]:
    """Copy qcode's default templates into the project, leaving any the researcher already has."""
    sources = [source for source in sorted(DEFAULT_TEMPLATES.iterdir(), key=lambda s: s.name)
               if source.name.endswith(".j2")]
    missing = [project_templates / source.name for source in sources
               if not (project_templates / source.name).exists() and not (project_templates / source.name).is_symlink()]
    check_targets(missing, guard)  # all of them, or none
    written = []
    for source in sources:
        target = project_templates / source.name
        if create_text(target, source.read_text(encoding="utf-8"), guard):
            written.append(target)
    return written


# -- writing ------------------------------------------------------------------------------------
FORMATS = ("md", "docx", "html")


@dataclass
class Written:
    path: Path
    report: Report


def check(conn, root: Path, options: ReportOptions) -> Report:
    """Everything the report would say and every warning, with nothing written (`qcode report --check`)."""
    if options.lang not in LANGUAGES:
        raise UsageError(f"language must be one of {', '.join(LANGUAGES)}, not {options.lang!r}")
    report = build(conn, options, options.text_dir or root / "exports" / "tekst")
    render_markdown(report, root / "templates", options.lang)  # an edited template's error shows here too
    return report


def write(conn, root: Path, options: ReportOptions, fmt: str | None, output: Path | None,
          guard: Guard | None = None,
          pseudonymiser: Pseudonymiser | None | Callable[[], Pseudonymiser | None] = None) -> Written:
    """Build the report and write it as .md, .docx or .html; return the file written and what it said.
    `pseudonymiser` replaces every identifier the project knows, in the data and in the researcher's own
    text (None: the raw text, as `--no-anonymise` asks; a function making one is called on first use, so a
    report that fails before it writes a word scans and stores nothing).

    Nothing is written until the template has rendered: then the missing own-text files, the chart
    and the report, each whole or not at all."""
    from qcode.render import chart, documents

    if options.lang not in LANGUAGES:
        raise UsageError(f"language must be one of {', '.join(LANGUAGES)}, not {options.lang!r}")
    text_dir = options.text_dir or root / "exports" / "tekst"
    guard = (guard or Guard()).protect(text_dir.glob("*.md"), "your own text for the report")
    if options.reference_doc is not None:
        guard = guard.protect([options.reference_doc], "the house-style Word file")
    if output is not None:
        check_target(output, guard)  # a protected file is refused as such, whatever its extension
    fmt = format_for(output, fmt, FORMATS, "md")  # `None`: from the extension of `output`
    output = output or root / "exports" / f"rapport.{fmt}"
    check_target(output, guard)  # a refused output is known before anything is written
    reference_doc = None
    if options.reference_doc is not None and fmt == "docx":
        reference_doc = documents.check_reference_doc(options.reference_doc)
    if options.chart is not None:
        check_target(options.chart, guard.protect([output], "the report itself"))
    if text_dir.exists() and not text_dir.is_dir():  # known now, before a scan stores what it found
        check_target(text_dir / f"{chapter.INTRO}.md", guard)
    if callable(pseudonymiser) and not hasattr(pseudonymiser, "apply"):
        pseudonymiser = pseudonymised.Lazy(pseudonymiser)  # type: ignore[assignment]
    report = build(conn, options, text_dir, pseudonymiser)
    if options.chart is not None:
        report.chart = link(os.path.relpath(options.chart.resolve(), output.resolve().parent))
    markdown = pseudonymised.markdown(pseudonymiser, render_markdown(report, root / "templates", options.lang))
    beside = guard.protect([output], "the report itself")
    check_targets([*report.missing_texts, *([options.chart] if options.chart is not None else [])], beside)
    _make_own_texts(report.missing_texts, beside)
    if options.chart is not None:
        chart.theme_chart(report.ranking, options.chart, report.participants, options.lang, beside,
                          chart.codebook_colours(conn), pseudonymiser)
    with writing(output, guard) as temporary:
        markdown = xml_text(markdown)  # a control character in an own text or template: shown, not passed on
        if fmt == "md":
            temporary.write_text(markdown, encoding="utf-8", errors="replace")
        else:
            documents.convert(markdown, temporary, fmt, output=output, lang=options.lang,
                              title="Resultaten" if options.lang == "nl" else "Results",
                              reference_doc=reference_doc)
    return Written(output, report)

