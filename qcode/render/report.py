"""The results chapters: counts and quotes per theme, rendered through an editable Jinja2 template.

The template writes Markdown; Word and HTML are made from that Markdown (`markdown_blocks`), so one
template, which the researcher may change, decides the wording and layout of all three formats.
"""
from __future__ import annotations

import os
import re
import traceback
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import jinja2
import jinja2.compiler
import jinja2.filters
import jinja2.nodes
from jinja2.sandbox import SandboxedEnvironment, SecurityError
import markupsafe

from qcode import aggregate
from qcode.errors import UsageError
from qcode.outputs import Guard, check_target, check_targets, create_text, writing, xml_text
from qcode.render import dutch, english
from qcode.render.markdown_text import Markdown, escape, link

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
    """A quote as the template shows it. `text` is the participants' words escaped (adjacent ones joined with
    qcode's ' […] '); the attribution is data, escaped by the template as it writes it."""
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
    missing_texts: dict[Path, str] = field(default_factory=dict)  # own-text files to make, with their hint


def build(conn, options: ReportOptions, text_dir: Path) -> Report:
    """Count and collect everything the report shows, and the own-text files still to be made."""
    coder = aggregate.require_codings(conn, options.coder)
    total = aggregate.participant_total(conn)
    survey = aggregate.is_survey(conn)
    by_sub: dict[str, list[aggregate.Quote]] = {}
    for quote in aggregate.quotes(conn, coder):
        by_sub.setdefault(quote.sub, []).append(quote)
    sections, recommendations = [], None
    themes = aggregate.themes(conn, coder)
    missing: dict[Path, str] = {}
    for theme in themes:
        recommending = theme.role == "recommendations"
        number = Markdown(options.start + 2 if recommending else f"{options.start}.{len(sections) + 1}")
        section = _section(theme, number, by_sub, total, survey, options, text_dir, missing)
        if recommending:
            recommendations = section
        else:
            sections.append(section)
    return Report(options.start, coder, total, survey, sections, aggregate.ranked(themes), recommendations,
                  Markdown(options.start + 1), link(str(options.chart)) if options.chart else None, missing)


def _section(theme: aggregate.Theme, number: str, by_sub: dict[str, list[aggregate.Quote]], total: int,
             survey: bool, options: ReportOptions, text_dir: Path, missing: dict[Path, str]) -> Section:
    words = dutch if options.lang == "nl" else english
    noun = ("respondenten", "respondent") if survey else ("deelnemers", "deelnemer")
    if options.lang == "en":
        noun = ("respondents", "respondent") if survey else ("participants", "participant")
    sentence = words.mention_sentence(theme.count.participants, theme.count.main, total, *noun)
    if survey:
        sentence = sentence.split(";")[0] + "."
    sentence = Markdown(sentence)  # qcode's own words and numbers
    text_file = text_dir / f"{theme.id}.md"
    if not (text_file.exists() or text_file.is_symlink()):
        # no '--' from a label: it could end the comment and leave the rest live in the researcher's text
        missing[text_file] = TEXT_HINT[options.lang].format(label=re.sub(r"-{2,}", "-", theme.label))
    section = Section(number, theme.id, theme.chapter or theme.label, own_text(text_file), sentence, theme.count,
                      _quote_items(by_sub.get(theme.id, []), options))
    for sub in theme.subs:
        quoted = _quote_items(by_sub.get(sub.id, []), options)
        if quoted or sub.participants:
            section.subs.append(SubSection(Markdown(f"{number}.{len(section.subs) + 1}"), sub.id, sub.label, sub,
                                           quoted))
    return section


def own_text(path: Path) -> Markdown:
    """The researcher's text for a theme, without comments; '' while the file is not there.
    It is Markdown on purpose, so the template writes it as it is."""
    from qcode.readers import ReadError
    from qcode.readers.decoding import decode

    if not (path.exists() or path.is_symlink()):
        return Markdown()
    if not path.is_file():
        raise UsageError("your own text for this theme should be a file", path=path,
                         hint="remove or rename what is there; qcode makes the file on the next report")
    try:
        text = decode(path.read_bytes(), path)
    except ReadError as error:
        raise UsageError(error.problem.message, path=path, hint="save the file as UTF-8 text") from None
    except OSError as error:
        raise UsageError(f"cannot read your own text: {os.strerror(error.errno or 0)}", path=path,
                         hint="check the file's permissions") from None
    return Markdown(_COMMENT.sub("", text).strip())


def _make_own_texts(missing: dict[Path, str], guard: Guard | None) -> None:
    for path, hint in missing.items():
        create_text(path, hint, guard)


def _quote_items(quotes: list[aggregate.Quote], options: ReportOptions) -> list[QuoteItem]:
    """Starred quotes first, then main reasons, then in transcript order; at most --max-quotes."""
    groups = _adjacent_groups(quotes)
    flags = [(any(q.star for q in group), any(q.main for q in group)) for group in groups]
    order = sorted(range(len(groups)), key=lambda i: (not flags[i][0], not flags[i][1]))
    if options.max_quotes:
        order = order[:options.max_quotes]
    return [QuoteItem(Markdown(" […] ".join([escape(q.text) for q in groups[i]])), attribution(groups[i][0], options),
                      *flags[i]) for i in order]


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


def write(conn, root: Path, options: ReportOptions, fmt: str, output: Path | None, guard: Guard | None = None) -> Path:
    """Build the report and write it as .md, .docx or .html; return the file written.

    Nothing is written until the template has rendered: then the missing own-text files, the chart
    and the report, each whole or not at all."""
    from qcode.render import chart, markdown_blocks

    if fmt not in FORMATS:
        raise UsageError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    if options.lang not in LANGUAGES:
        raise UsageError(f"language must be one of {', '.join(LANGUAGES)}, not {options.lang!r}")
    output = output or root / "exports" / f"rapport.{fmt}"
    text_dir = options.text_dir or root / "exports" / "tekst"
    guard = (guard or Guard()).protect(text_dir.glob("*.md"), "your own text for the report")
    check_target(output, guard)  # a refused output is known before anything is written
    if options.chart is not None:
        check_target(options.chart, guard.protect([output], "the report itself"))
    report = build(conn, options, text_dir)
    if options.chart is not None:
        report.chart = link(os.path.relpath(options.chart.resolve(), output.resolve().parent))
    markdown = render_markdown(report, root / "templates", options.lang)
    beside = guard.protect([output], "the report itself")
    check_targets([*report.missing_texts, *([options.chart] if options.chart is not None else [])], beside)
    _make_own_texts(report.missing_texts, beside)
    if options.chart is not None:
        chart.theme_chart(report.ranking, options.chart, report.participants, options.lang, beside)
    with writing(output, guard) as temporary:
        markdown = xml_text(markdown)  # a control character in an own text or template: shown, not passed on
        if fmt == "md":
            temporary.write_text(markdown, encoding="utf-8", errors="replace")
        elif fmt == "docx":
            markdown_blocks.to_docx(markdown_blocks.parse(markdown), temporary, output.parent)
        else:
            title = "Resultaten" if options.lang == "nl" else "Results"
            temporary.write_text(markdown_blocks.to_html(markdown_blocks.parse(markdown), title, output.parent),
                                 encoding="utf-8", errors="replace")
    return output

