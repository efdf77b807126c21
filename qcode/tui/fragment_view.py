"""The middle of the coder: the fragment, what came before and after, and what this coder applied."""
from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from qcode.display import visible, visible_line
from qcode.records import AppliedCoding, CodeEntry, FragmentContext, FragmentRecord, seconds_as_clock

KEY_ATTRIBUTES = 4  # participant attributes shown in the top line, these first where a study has them
PREFERRED_ATTRIBUTES = ("former_role", "age", "organisation_type", "destination", "year_left")


def info_line(context: FragmentContext, coder: str, still_open: int | None = None) -> Text:
    """Participant, key attributes and progress: `U03 · jongerenwerker · 34 …   fragment 5/31 …`."""
    fragment, progress = context.fragment, context.progress
    line = Text(visible_line(fragment.participant), style="bold", no_wrap=True, overflow="ellipsis")
    line.append(f"  {visible_line(fragment.transcript)} turn {fragment.turn}")
    if fragment.timestamp is not None:
        line.append(f" [{seconds_as_clock(fragment.timestamp)}]")
    shown = key_attributes(context.attributes)
    if shown:
        line.append(visible_line("  · " + " · ".join(f"{k}: {v}" for k, v in shown)), style="italic")
    if still_open is not None:  # settling a consensus: seen means settled
        line.append(f"\n{visible_line(coder)}: disputed fragment {progress.position}/{progress.total} · "
                    f"{still_open} still to settle")
        return line
    line.append(f"\n{visible_line(coder)}: fragment {progress.position}/{progress.total} · this transcript "
                f"{progress.transcript_seen}/{progress.transcript_total} seen · project "
                f"{progress.project_seen}/{progress.project_total} seen")
    return line



def key_attributes(attributes: dict) -> list[tuple[str, object]]:
    present = {k: v for k, v in attributes.items() if k not in ("participant", "transcript") and v not in (None, "")}
    ordered = [k for k in PREFERRED_ATTRIBUTES if k in present] + [k for k in present if k not in PREFERRED_ATTRIBUTES]
    return [(k, present[k]) for k in ordered[:KEY_ATTRIBUTES]]


def fragment_text(context: FragmentContext, codes: dict[str, CodeEntry], target: str | None) -> Text:
    """The reading pane: question and neighbours dimmed, the fragment with numbered sentences."""
    text = Text()
    if context.question:
        text.append(f"I: {visible(context.question)}\n\n", style="dim italic")
    if context.before:
        text.append(_neighbour(context.before), style="dim")
    span = next(((c.span_start, c.span_end) for c in context.codings if c.code == target
                 and c.span_start is not None), None)
    fragment = context.fragment.text
    text.append(f"{visible_line(context.fragment.speaker)} ▸ ", style="bold cyan")
    for number, (start, end) in enumerate(context.sentences, start=1):
        if len(context.sentences) > 1:
            text.append(f"[{number}] ", style="dim cyan")
        inside = span is not None and span[0] <= start and end <= span[1]
        text.append(visible(fragment[start:end]), style="bold reverse" if inside else "bold")
        text.append(" ")
    if not context.sentences:
        text.append(visible(fragment), style="bold")
    text.append("\n\n")
    if context.after:
        text.append(_neighbour(context.after).rstrip("\n"), style="dim")
    return text


def decisions_text(context: FragmentContext, codes: dict[str, CodeEntry], target: str | None, coder: str,
                   settled: bool | None = None) -> Text:
    """What was decided on this fragment: each compared coder's choices (when settling a consensus),
    then this coder's codings; always on screen, below the reading pane."""
    text = Text()
    for other, choices in context.others.items():
        text.append(f"{visible_line(other)}: ", style="bold magenta")
        text.append(visible(", ".join(_choice(c, codes) for c in choices)) or "no code", style="magenta")
        text.append("\n")
    if settled is not None:
        text.append(f"{visible_line(coder)} ", style="bold")
        text.append("(settled):" if settled else "(open: settle with a key below):",
                    style="bold green" if settled else "bold yellow")
        text.append("\n")
    if any(c.star for c in context.codings):
        text.append("★ key quote\n", style="bold yellow")
    for applied in context.codings:
        text.append_text(coding_line(applied, codes, applied.code == target, context.sentences))
    if not context.codings:
        text.append("(no code yet)" if settled is not None else "(not coded yet: pick a code on the right)",
                    style="dim")
    text.rstrip()
    return text


def _choice(applied: AppliedCoding, codes: dict[str, CodeEntry]) -> str:
    entry = codes.get(applied.code)
    marks = (" HOOFDREDEN" if applied.main else "") + (f" (memo: {applied.memo})" if applied.memo else "")
    return (entry.label if entry else applied.code) + marks


def _neighbour(fragment: FragmentRecord) -> str:
    who = "I" if fragment.role == "interviewer" else fragment.speaker
    return f"{visible_line(who)}: {visible(fragment.text)}\n\n"


def coding_line(applied: AppliedCoding, codes: dict[str, CodeEntry], current: bool,
                sentences: list[tuple[int, int]]) -> Text:
    entry = codes.get(applied.code)
    line = Text("▶ " if current else "  ")
    line.append("■ " if entry is not None and entry.color else "  ", style=entry.color if entry else "")
    line.append(f"✓ {visible_line(entry.label if entry else applied.code)}", style="bold green")
    line.append(f" ({visible_line(applied.code)})", style="dim")
    if applied.main:
        line.append("  HOOFDREDEN", style="bold red")
    if applied.span_start is not None:
        numbers = [n for n, (s, e) in enumerate(sentences, 1)
                   if applied.span_start <= s and e <= (applied.span_end or 0)]
        line.append(f"  quote: sentence {numbers[0]}" + (f"–{numbers[-1]}" if len(numbers) > 1 else "")
                    if numbers else "  quote: part")
    if applied.memo:
        line.append(f"  memo: {visible(applied.memo)}", style="italic")
    line.append("\n")
    return line


class InfoBar(Static):
    """Who and where: participant, attributes and progress (always two lines, so no re-layout)."""

    def show(self, text: Text) -> None:
        self.text = text
        self.update(text, layout=False)


class FragmentView(Static):
    """The current fragment in its context; `text` keeps what is shown, for tests and screenshots."""

    def show(self, text: Text) -> None:
        self.text = text
        self.update(text)


class DecisionsView(Static):
    """The codings of the fragment, below the reading pane: it never scrolls out of sight."""

    def show(self, text: Text) -> None:
        self.text = text
        self.update(text)
