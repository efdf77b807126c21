"""A horizontal bar chart of the themes by participants mentioning them, main reason stacked."""
from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from qcode import pseudonymised
from qcode.aggregate import CodeCount
from qcode.display import visible_line
from qcode.outputs import Guard, writing

FORMATS = (".png", ".svg")


MAIN_COLOUR, OTHER_COLOUR = "#1f3864", "#8faadc"  # themes without a colour in the codebook
LEGEND_MAIN, LEGEND_OTHER = "#4d4d4d", "#c8c8c8"  # the legend when themes have colours of their own


def codebook_colours(conn: sqlite3.Connection) -> dict[str, str]:
    """Each code's colour from the codebook (`color: "#d62728"`), where it has one."""
    return dict(conn.execute("SELECT id, color FROM codes WHERE color IS NOT NULL AND color != ''").fetchall())


def lighter(colour: str, share: float = 0.55) -> str:
    """The colour mixed with white: the "mentioned, not the main reason" part of a theme's bar."""
    red, green, blue = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return "#" + "".join(f"{round(c + (255 - c) * share):02x}" for c in (red, green, blue))


def theme_chart(counts: list[CodeCount], path: Path, total: int, lang: str = "nl", guard: Guard | None = None,
                colours: dict[str, str] | None = None, pseudonymiser: Any = None) -> Path:
    """Write the chart; the most mentioned theme on top, each bar in its theme's codebook colour.
    `pseudonymiser` (a qcode.anonymise.Pseudonymiser) replaces any identifier in a label; None: as they are."""
    import warnings

    with warnings.catch_warnings():  # a glyph missing from the font is drawn as a box, not told on the terminal
        warnings.simplefilter("ignore")
        return _draw(counts, path, total, lang, guard, colours or {}, pseudonymiser)


def _draw(counts: list[CodeCount], path: Path, total: int, lang: str, guard: Guard | None,
          colours: dict[str, str], pseudonymiser: Any = None) -> Path:
    import matplotlib
    matplotlib.use("Agg")  # no display, no network: a file only
    import matplotlib.pyplot as plt

    if path.suffix.lower() not in FORMATS:
        raise ValueError(path.suffix)
    ordered = list(reversed(counts))
    labels = [visible_line(pseudonymised.text(pseudonymiser, c.label)).replace("$", r"\$") for c in ordered]  # '$' would start mathtext
    main = [c.main for c in ordered]
    other = [c.participants - c.main for c in ordered]
    words = {"nl": ("belangrijkste reden om te vertrekken", "genoemd, niet de belangrijkste reden",
                    f"aantal deelnemers (van {total})"),
             "en": ("main reason to leave", "mentioned, not the main reason", f"participants (of {total})")}[lang]
    figure, axes = plt.subplots(figsize=(8, 0.42 * len(labels) + 1.4), dpi=150)
    own = [colours.get(c.id) for c in ordered]
    axes.barh(labels, main, color=[c or MAIN_COLOUR for c in own])
    axes.barh(labels, other, left=main, color=[lighter(c) if c else OTHER_COLOUR for c in own])
    from matplotlib.patches import Patch
    coloured = any(own)
    handles = [Patch(color=LEGEND_MAIN if coloured else MAIN_COLOUR, label=words[0]),
               Patch(color=LEGEND_OTHER if coloured else OTHER_COLOUR, label=words[1])]
    axes.set_xlabel(words[2])
    axes.set_xlim(0, max(total, 1))
    axes.xaxis.get_major_locator().set_params(integer=True)
    axes.spines[["top", "right"]].set_visible(False)
    axes.legend(handles=handles, loc="lower left", bbox_to_anchor=(0, 1.0), ncol=2, frameon=False, fontsize=8)
    figure.tight_layout()
    try:
        with writing(path, guard) as temporary:
            figure.savefig(temporary, bbox_inches="tight",  # long labels and the legend stay inside the image
                           format=path.suffix.lower().lstrip("."),
                           metadata={"Software": None} if path.suffix.lower() == ".png" else {"Date": None})
    finally:
        plt.close(figure)
    return path
