"""A horizontal bar chart of the themes by participants mentioning them, main reason stacked."""
from __future__ import annotations

from pathlib import Path

from qcode.aggregate import CodeCount
from qcode.display import visible_line
from qcode.outputs import Guard, writing

FORMATS = (".png", ".svg")


def theme_chart(counts: list[CodeCount], path: Path, total: int, lang: str = "nl", guard: Guard | None = None) -> Path:
    """Write the chart; the most mentioned theme on top."""
    import warnings

    with warnings.catch_warnings():  # a glyph missing from the font is drawn as a box, not told on the terminal
        warnings.simplefilter("ignore")
        return _draw(counts, path, total, lang, guard)


def _draw(counts: list[CodeCount], path: Path, total: int, lang: str, guard: Guard | None) -> Path:
    import matplotlib
    matplotlib.use("Agg")  # no display, no network: a file only
    import matplotlib.pyplot as plt

    if path.suffix.lower() not in FORMATS:
        raise ValueError(path.suffix)
    ordered = list(reversed(counts))
    labels = [visible_line(c.label).replace("$", r"\$") for c in ordered]  # '$' would start mathtext
    main = [c.main for c in ordered]
    other = [c.participants - c.main for c in ordered]
    words = {"nl": ("belangrijkste reden om te vertrekken", "genoemd, niet de belangrijkste reden",
                    f"aantal deelnemers (van {total})"),
             "en": ("main reason to leave", "mentioned, not the main reason", f"participants (of {total})")}[lang]
    figure, axes = plt.subplots(figsize=(8, 0.42 * len(labels) + 1.4), dpi=150)
    axes.barh(labels, main, color="#1f3864", label=words[0])
    axes.barh(labels, other, left=main, color="#8faadc", label=words[1])
    axes.set_xlabel(words[2])
    axes.set_xlim(0, max(total, 1))
    axes.xaxis.get_major_locator().set_params(integer=True)
    axes.spines[["top", "right"]].set_visible(False)
    axes.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncol=2, frameon=False, fontsize=8)
    figure.tight_layout()
    try:
        with writing(path, guard) as temporary:
            figure.savefig(temporary, bbox_inches="tight",  # long labels and the legend stay inside the image
                           format=path.suffix.lower().lstrip("."),
                           metadata={"Software": None} if path.suffix.lower() == ".png" else {"Date": None})
    finally:
        plt.close(figure)
    return path
