"""`qcode codebook load|check|show|rename|merge`."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer
from rich.markup import escape
from rich.tree import Tree

from qcode.cli.common import console, open_project, print_json
from qcode.errors import UsageError

if TYPE_CHECKING:
    from qcode.codebook_db import CodeNode, LoadResult

CodebookFile = Annotated[Optional[Path], typer.Option(
    "--codebook", dir_okay=False,
    help="The codebook YAML file to rewrite (default: the file it was loaded from, inside the project).")]

app = typer.Typer(help="Load, check, show and edit the codebook (a YAML file of themes and sub-codes).",
                  no_args_is_help=True)


@app.command("load")
def load(ctx: typer.Context, file: Annotated[Path, typer.Argument(help="The codebook YAML (or REFI-QDA .qdc) file.")]) -> None:
    """Validate a codebook and make it the project's; a changed file is stored as a new version.

    A REFI-QDA codebook (.qdc, from ATLAS.ti, MAXQDA, NVivo, QualCoder or Taguette) is written as
    qcode's YAML next to it (ids made from the names) and that file is loaded.

    Examples:
      qcode codebook load codebooks/exitstudie.yaml
      qcode codebook load codeboek-atlas.qdc
    """
    project = open_project(ctx)
    if file.suffix.lower() == ".qdc":
        written, result = project.load_qdc(file)
        _report(result, f"Loaded {file} as {written}")
        return
    result = project.load_codebook(file)
    _report(result, f"Loaded {file}")


@app.command("check")
def check(file: Annotated[Path, typer.Argument(help="The codebook YAML file.")]) -> None:
    """Validate a codebook file without storing it; errors name the YAML line.

    Example:  qcode codebook check codebooks/exitstudie.yaml
    """
    from qcode.project import Project

    codebook = Project.check_codebook(file)
    codes = list(codebook.walk())
    themes = sum(1 for _, parent, _ in codes if parent is None)
    console.print(f"[green]✓[/] {escape(str(file))}: {escape(codebook.name)} {escape(codebook.version)}, "
                  f"{themes} themes, {len(codes) - themes} sub-codes — valid.")


@app.command("show")
def show(ctx: typer.Context,
         ids: Annotated[bool, typer.Option("--ids", help="Show code ids beside the labels.")] = False,
         definitions: Annotated[bool, typer.Option(help="Show each code's description.")] = False,
         as_json: Annotated[bool, typer.Option("--json", help="Print the tree as JSON.")] = False) -> None:
    """Draw the codebook tree, with the number of codings per code and coder.

    Example:  qcode codebook show --ids
    """
    tree = open_project(ctx).codebook_tree()
    if not tree:
        raise UsageError("the project has no codebook yet", hint="qcode codebook load codebooks/FILE.yaml")
    if as_json:
        print_json([_as_dict(node) for node in tree])
        return
    root = Tree("[bold]codebook[/]")
    for node in tree:
        _add(root, node, ids, definitions)
    console.print(root)


def _add(parent: Tree, node: CodeNode, ids: bool, definitions: bool, parent_kind: str = "reason") -> None:
    label = f"[bold]{escape(node.label)}[/]" if node.depth == 0 else escape(node.label)
    if ids:
        label += f" [dim]{escape(node.id)}[/]"
    if node.role:
        label += f" [magenta]({escape(node.role)})[/]"
    elif node.kind != parent_kind:  # a context theme, or a sub-code whose kind differs from its theme's
        label += f" [green]({escape(node.kind)})[/]"
    if not node.active:
        label += " [yellow](retired: not in the codebook file, kept for its codings)[/]"
    if node.counts:
        label += "  " + "  ".join(f"[cyan]{escape(c)}[/] {n}" for c, n in node.counts.items())
    if definitions and node.description:
        label += f"\n[dim]{escape(node.description)}[/]"
    branch = parent.add(label)
    for child in node.children:
        _add(branch, child, ids, definitions, node.kind)


def _as_dict(node: CodeNode) -> dict:
    return {"id": node.id, "label": node.label, "role": node.role, "kind": node.kind, "active": node.active,
            "counts": node.counts, "total": node.total, "codes": [_as_dict(c) for c in node.children]}


@app.command("rename")
def rename(ctx: typer.Context, old: Annotated[str, typer.Argument(help="The current code id.")],
           new: Annotated[str, typer.Argument(help="The new code id.")],
           label: Annotated[str | None, typer.Option(help="A new label as well.")] = None,
           codebook: CodebookFile = None) -> None:
    """Rename a code: its codings follow, and the YAML file is rewritten (comments kept).

    The file rewritten is the one the codebook was loaded from, inside the project folder (a copied
    project edits its own copy); a file outside the project is rewritten only when named with --codebook.

    Example:  qcode codebook rename doorgroei-plafond doorgroei-plafond-bereikt --label "Plafond bereikt"
    """
    result = open_project(ctx).rename_code(old, new, label, codebook)
    _report(result, f"Renamed {old} to {new}")


@app.command("merge")
def merge(ctx: typer.Context, source: Annotated[str, typer.Argument(help="The code that disappears.")],
          target: Annotated[list[str], typer.Argument(help="INTO TARGET, or just TARGET.", metavar="[INTO] TARGET")],
          codebook: CodebookFile = None) -> None:
    """Merge code A into code B: A's codings, sub-codes, examples and keywords move to B.

    Example:  qcode codebook merge werkdruk-extra-taken into werkdruk-productie
    """
    words = [w for w in target if w.lower() != "into"]
    if len(words) != 1:
        raise UsageError("name one target code", hint="qcode codebook merge A into B")
    result = open_project(ctx).merge_codes(source, words[0], codebook)
    _report(result, f"Merged {source} into {words[0]}")


def _report(result: LoadResult, done: str) -> None:
    if not result.changed:
        console.print(f"{escape(done)}: the codebook is unchanged (version {result.version_id}).")
        return
    console.print(f"[green]✓[/] {escape(done)}: codebook version {result.version_id}.")
    for title, ids in (("added", result.added), ("removed", result.removed),
                       ("retired (kept for their codings)", result.retired)):
        if ids:
            listed = ", ".join(ids) if len(ids) <= 10 else f"{len(ids)} codes (see qcode codebook show --ids)"
            console.print(f"  {title}: {escape(listed)}")
