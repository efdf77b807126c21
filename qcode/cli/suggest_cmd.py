"""`qcode suggest`: code suggestions with reasons, applied as a coder of their own, or evaluated."""
from __future__ import annotations

from typing import Annotated, Optional

import typer
from rich.table import Table

from qcode.cli.common import console, open_project, print_json, shown
from qcode.errors import UsageError

NO_KEYWORDS_HINT = ("Hint: the codebook has no keywords or examples; until you have coded a few dozen "
                    "fragments, suggestions are only as good as those (add keywords: and examples: per code).")


def register(app: typer.Typer) -> None:
    app.command("suggest")(suggest)


def suggest(
    ctx: typer.Context,
    coder: Annotated[Optional[str], typer.Option(
        help="Whose codings it learns from and whose uncoded fragments it lists; with --apply, "
             "the coder the suggestions are written as (a new one, e.g. model).")] = None,
    transcript: Annotated[Optional[str], typer.Option(help="Only this transcript.")] = None,
    fragment: Annotated[Optional[list[int]], typer.Option(help="Only these fragment ids (repeatable).")] = None,
    top: Annotated[int, typer.Option(min=1, max=20, help="Suggestions per fragment.")] = 3,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON, for scripts.")] = False,
    apply: Annotated[bool, typer.Option("--apply", help="Write the suggestions as --coder's codings.")] = False,
    learn_from: Annotated[Optional[str], typer.Option(
        help="With --apply: the coder whose codings the model learns from (default: the codebook alone).")] = None,
    min_score: Annotated[float, typer.Option(min=0.0, max=1.0, help="With --apply: the lowest score written.")] = 0.4,
    evaluate: Annotated[bool, typer.Option("--evaluate", help="Cross-validate on --coder's codings.")] = False,
    folds: Annotated[int, typer.Option(min=2, max=50, help="With --evaluate: folds, split by transcript.")] = 5,
) -> None:
    """Suggest codes for fragments, from the codebook and the coder's own codings, with a reason each.

    Nothing leaves this machine. Examples:
      qcode suggest --coder anna --transcript U03
      qcode suggest --coder anna --fragment 412 --json
      qcode suggest --apply --coder model --learn-from anna   then  qcode agreement --coders anna,model
      qcode suggest --evaluate --coder anna --folds 5
    """
    project = open_project(ctx)
    if evaluate:
        if not coder:
            raise UsageError("--evaluate needs the coder whose codings it is tested on", hint="e.g. --coder anna")
        _show_evaluation(project.evaluate_suggestions(coder, folds), as_json)
        return
    if apply:
        if not coder:
            raise UsageError("--apply needs the coder the suggestions are written as", hint="e.g. --coder model")
        done = project.apply_suggestions(coder, learn_from=learn_from, min_score=min_score, top=top,
                                         transcript=transcript)
        if as_json:
            print_json(vars(done))
        else:
            console.print(f"✓ {done.codings} suggested codings written as {shown(done.coder)} on "
                          f"{done.fragments} fragments (score ≥ {min_score}).")
            if learn_from:
                console.print(f"Measure them: qcode agreement --coders {shown(learn_from)},{shown(done.coder)}")
        return
    found = project.suggestions(coder=coder, transcript=transcript, fragments=fragment or (), top=top)
    if as_json:
        print_json([s.as_json() for s in found])
        return
    _show_suggestions(found, project)


def _show_suggestions(found: list, project) -> None:  # type: ignore[no-untyped-def]
    from qcode.suggest.codebook_rules import load_codebook

    if not load_codebook(project.conn).has_keywords_or_examples:
        console.print(f"[yellow]{NO_KEYWORDS_HINT}[/]")
    if not found:
        console.print("No suggestions: every fragment asked for is coded, or nothing matched.")
        return
    table = Table(title="Suggestions", show_lines=False)
    for column in ("fragment", "#", "code", "score", "why"):
        table.add_column(column, justify="right" if column in ("fragment", "#", "score") else "left")
    for s in found:
        table.add_row(str(s.fragment) if s.rank == 1 else "", str(s.rank), shown(s.code), f"{s.score:.2f}",
                      shown(s.reason))
    console.print(table)
    console.print(f"From {'the coder' if found[0].source == 'model' else 'the codebook'}; "
                  "suggestions never code anything by themselves.")


def _show_evaluation(result, as_json: bool) -> None:  # type: ignore[no-untyped-def]
    if as_json:
        from dataclasses import asdict

        print_json(asdict(result))
        return
    console.print(f"{shown(result.coder)}: {result.fragments} coded fragments in {result.transcripts} transcripts, "
                  f"{result.folds} folds by transcript (no test interview in training).")
    summary = Table(title="Suggestions measured like a coder")
    for column in ("level", "method", "macro-F1", "top-1", "top-3"):
        summary.add_column(column, justify="left" if column in ("level", "method") else "right")
    for r in result.results:
        summary.add_row(r.level, "model" if r.method == "model" else "keywords only",
                        f"{r.macro_f1:.2f}", f"{r.top1:.2f}", f"{r.top3:.2f}")
    console.print(summary)
    for level in ("theme", "code"):
        model, keywords = result.figures("model", level), result.figures("keywords", level)
        base = {c.code: c for c in keywords.per_code}
        table = Table(title=f"Per {level}: precision / recall / F1 (keywords-only F1)")
        for column in (level, "n", "P", "R", "F1", "kw F1"):
            table.add_column(column, justify="left" if column == level else "right")
        for c in model.per_code:
            table.add_row(shown(c.code), str(c.support), f"{c.precision:.2f}", f"{c.recall:.2f}", f"{c.f1:.2f}",
                          f"{base[c.code].f1:.2f}" if c.code in base else "")
        console.print(table)
