"""Terminal escapes and Rich markup in data never reach the terminal raw (issue 11, item 3).

A study whose transcript, file name, codebook, memos and coder names hold the classic attacks —
window title (OSC), clear screen, hidden text, carriage-return overwrite, a bidi override and an
8-bit CSI — is run through every command that shows data. The output may hold no raw control
character (newline aside), the words around the controls must still be there, and markup written
by a participant prints literally.
"""
from __future__ import annotations

import asyncio
import io
import json
import re
from pathlib import Path

import pytest
from rich.console import Console
from rich.table import Table
from rich.text import Text
from typer.testing import CliRunner

from qcode import Project
from qcode.cli import app
from qcode.cli.common import SafeConsole
from qcode.display import json_text, visible, visible_line
from qcode.tui import CoderApp

TITLE, CLEAR, HIDDEN, RESET = "\x1b]0;gehackt\x07", "\x1b[2J", "\x1b[8m", "\x1b[0m"
RLO, PDF, CSI8 = "\u202e", "\u202c", "\x9b"
ATTACKS = [TITLE, CLEAR, HIDDEN, RLO, CSI8, "\r", "\x08"]

TRANSCRIPT = (
    "I: Waarom ben je vertrokken?\n\n"
    f"R: De werkdruk{TITLE} was te hoog{CLEAR} en het team{HIDDEN} viel uit{RESET}. Ik bleef\rIk ging weg.\n\n"
    f"Dit is {RLO}omgekeerd{PDF} en {CSI8}2J acht-bit, met [bold red]ALARM[/] en [link=http://example.org]klik[/link] :smile:.\n\n"
    "I: En daarna?\n\n"
    "R: Daarna ben ik bij de gemeente gaan werken.\n"
)
SECOND = "I: Hoe lang werkte je daar?\n\nR: Zes jaar, als ambulant hulpverlener in de wijk.\n"
HOSTILE_NAME = f"U02{CLEAR}{RLO}.txt"
CODEBOOK = r'''name: "Exitstudie \e]0;titel\a"
version: "1.0"
codes:
  - id: werkdruk
    label: "Werkdruk \e[2J hoog \x9b2J \u202Eomgekeerd [bold red]ALARM[/]"
    description: "Te veel \e[8m taken \r en registratie"
    codes:
      - id: werkdruk-registratie
        label: "Registratie\u202E en verantwoording"
        examples: ["Elke \e[2J activiteit moest in het systeem."]
  - id: groei
    label: "Geen doorgroei :smile:"
'''

# a raw control character: C0 except newline, DEL, C1, bidi controls, line separators, surrogates
RAW = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u206f"
                 "\ud800-\udfff]")


def assert_clean(output: str) -> None:
    found = RAW.search(output)
    assert found is None, f"raw {found.group()!r} at {found.start()}: {output[max(0, found.start() - 40):found.end() + 40]!r}"


@pytest.fixture(scope="module")
def study(tmp_path_factory) -> Path:
    """A project with the hostile transcript, a hostile file name and codebook, and two coders."""
    root = tmp_path_factory.mktemp("hostile")
    (root / "in").mkdir()
    (root / "in" / "U01.txt").write_text(TRANSCRIPT, encoding="utf-8")
    (root / "in" / HOSTILE_NAME).write_text(SECOND, encoding="utf-8")
    (root / "codebook.yaml").write_text(CODEBOOK, encoding="utf-8")
    folder = root / "studie"
    with Project.init(folder) as project:
        project.load_codebook(root / "codebook.yaml")
        project.import_paths([root / "in"])
        first = project.fragments(transcript="U01", role="participant")[0].id
    sheets = root / "codings"
    sheets.mkdir()
    (sheets / "anna.csv").write_text(f"fragment,code,memo\n{first},werkdruk,\"let op{CLEAR} {RLO}hier\"\n",
                                     encoding="utf-8")
    (sheets / "bram.csv").write_text(f"fragment,code,memo\n{first},werkdruk-registratie,\"echt{TITLE}\"\n",
                                     encoding="utf-8")
    for coder in ("anna", "bram"):
        result = qcode(folder, "codings", "import", str(sheets / f"{coder}.csv"), "--coder", coder, "--read-whole")
        assert result.exit_code == 0, result.output
    return folder


def qcode(folder: Path, *args: str):
    return CliRunner().invoke(app, ["--project", str(folder), *args], catch_exceptions=False)


def test_visible_shows_every_control_and_keeps_the_words():
    shown = visible(TRANSCRIPT)
    assert_clean(shown.replace("\n", ""))
    assert "De werkdruk␛]0;gehackt␇ was te hoog␛[2J en het team␛[8m viel uit␛[0m. Ik bleef␍Ik ging weg." in shown
    assert "Dit is \\u202eomgekeerd\\u202c en \\x9b2J acht-bit" in shown
    assert visible("regel één\n\tregel twee") == "regel één\n\tregel twee"
    assert visible_line("regel één\n\tregel twee") == "regel één␊␉regel twee"
    assert visible("Zo'n 30% van de collega’s — “echt” — ging weg 👋🏽") == "Zo'n 30% van de collega’s — “echt” — ging weg 👋🏽"
    assert visible("bad \udcff name") == "bad \\udcff name"


@pytest.mark.parametrize("args, expected", [
    (("show", "U01"), ["gehackt", "was te hoog", "omgekeerd", "acht-bit"]),
    (("show", HOSTILE_NAME), ["U02␛[2J", "ambulant hulpverlener"]),
    (("search", "werkdruk"), ["gehackt", "was te hoog"]),
    (("search", "hulpverlener"), ["U02␛[2J"]),
    (("fragments",), ["gehackt", "U02␛[2J"]),
    (("fragments", "--role", "participant", "--transcript", "U01"), ["gehackt"]),
    (("codings",), ["gehackt", "werkdruk-registratie"]),
    (("disagreements", "--coders", "anna,bram"), ["gehackt", "let op", "echt"]),
    (("agreement", "--coders", "anna,bram"), ["Werkdruk"]),
    (("coders",), ["anna", "bram"]),
    (("status",), ["Exitstudie ␛]0;titel␇"]),
    (("codebook", "show", "--ids", "--definitions"), ["Werkdruk ␛[2J hoog", "Te veel ␛[8m taken", "Registratie"]),
    (("matrix", "--coder", "anna"), ["Werkdruk"]),
])
def test_commands_show_controls_as_symbols(study, args, expected):
    result = qcode(study, *args)
    assert result.exit_code == 0, result.output
    assert_clean(result.output)
    for words in expected:
        assert words in result.output, words


def test_markup_in_data_prints_literally(study):
    for args in (("show", "U01"), ("search", "ALARM"), ("fragments", "--transcript", "U01")):
        output = qcode(study, *args).output
        assert "[bold red]ALARM[/]" in output
        assert "[link=http://example.org]klik[/link]" in output or "[link=http://example.org]" in output
    assert "[bold red]ALARM[/]" in qcode(study, "codebook", "show").output
    assert ":smile:" in qcode(study, "show", "U01").output  # no emoji codes replaced in data
    assert "Geen doorgroei :smile:" in qcode(study, "codebook", "show").output


def test_json_escapes_every_control_and_keeps_the_data(study):
    result = qcode(study, "fragments", "--transcript", "U01", "--json")
    assert_clean(result.output.replace("\n", ""))
    texts = [row["text"] for row in json.loads(result.output)]
    with Project.open(study) as project:
        assert texts == [f.text for f in project.fragments(transcript="U01")]
    assert any(TITLE in t for t in texts) and any(RLO in t and CSI8 in t for t in texts)  # data unchanged
    assert json.loads(json_text(json.dumps(["a\u202eb\x9b\x7f"], ensure_ascii=False))) == ["a\u202eb\x9b\x7f"]


def test_import_summary_and_errors_show_hostile_file_names(study, tmp_path):
    bad = tmp_path / f"kapot{CLEAR}{TITLE}.pdf"
    bad.write_bytes(b"%PDF-1.4")
    good = tmp_path / "U09.txt"
    good.write_text("I: Vertel eens.\n\nR: Ik werkte in de jeugdzorg.\n", encoding="utf-8")
    with Project.open(study) as project:
        before = list(project.conn.iterdump())
    refused = qcode(study, "import", str(bad), str(good))
    assert refused.exit_code == 1
    assert_clean(refused.output)
    assert "kapot␛[2J␛]0;gehackt␇.pdf" in refused.output
    missing = qcode(study, "import", str(tmp_path / f"weg{CLEAR}.txt"))
    assert missing.exit_code == 1 and "weg␛[2J.txt" in missing.output
    assert_clean(missing.output)
    with Project.open(study) as project:
        assert list(project.conn.iterdump()) == before
    two_lines = tmp_path / "kapot\nregel.pdf"
    two_lines.write_bytes(b"%PDF-1.4")
    skipped = qcode(study, "import", "--skip-bad", str(bad), str(two_lines))
    assert skipped.exit_code == 0 and "kapot␛[2J" in skipped.output
    assert "kapot␊regel.pdf: " in skipped.output  # a file name stays on its line
    assert_clean(skipped.output)


def test_codebook_check_of_a_hostile_codebook(study, tmp_path):
    path = tmp_path / "cb.yaml"
    path.write_text(CODEBOOK, encoding="utf-8")
    result = qcode(study, "codebook", "check", str(path))
    assert result.exit_code == 0 and "Exitstudie ␛]0;titel␇" in result.output
    assert_clean(result.output)


def test_a_styled_console_passes_only_its_own_escape_codes():
    """On a colour terminal Rich writes SGR codes itself; every other escape in data is made visible."""
    out = io.StringIO()
    console = SafeConsole(file=out, force_terminal=True, color_system="truecolor", width=100)
    table = Table("tekst", "als Text")
    table.add_row(f"hoog{CLEAR} en{TITLE} weg {RLO}x{CSI8}", Text(f"laag{CLEAR}"))
    console.print(table)
    console.print(Text(f"los{HIDDEN}tekst"), f"[bold]vet{CLEAR}[/]")
    written = re.sub(r"\x1b\[[0-9;]*m", "", out.getvalue())  # Rich's own styles
    assert_clean(written)
    assert "hoog␛[2J en␛]0;gehackt␇ weg \\u202ex\\x9b" in written  # strings: shown before the layout
    assert "los␛[8mtekst" in written and "vet␛[2J" in written  # Text made from data: the net


def test_the_coder_shows_no_raw_controls(study, tmp_path):
    import shutil
    copy = Path(shutil.copytree(study, tmp_path / "kopie"))

    async def scenario():
        with Project.open(copy) as project:
            coder = CoderApp(project.coding_session("anna", transcript="U01"))
            async with coder.run_test(size=(150, 50)) as pilot:
                await pilot.pause()
                shown = [coder.query_one("#info").text.plain,
                         coder.query_one("#fragment").text.plain + "\n" + coder.query_one("#decisions").text.plain,
                         rendered_screen(coder)]
                await pilot.press("d")  # the definition of the highlighted code
                await pilot.pause()
                shown.append(rendered_screen(coder))
                await pilot.press("escape", "e")  # the memo prompt, filled with the memo
                await pilot.pause()
                shown.append(rendered_screen(coder))
                await pilot.press("enter")  # unchanged: the stored memo stays as it was
                await pilot.pause()
                return shown
    shown = asyncio.run(scenario())
    for screen in shown:
        assert_clean(screen)
    assert "De werkdruk␛]0;gehackt␇ was te hoog␛[2J" in shown[1]
    assert "let op␛[2J" in shown[1]  # the memo
    assert "Werkdruk ␛[2J hoog" in shown[2]  # the code tree
    with Project.open(copy) as project:
        assert project.codings(coder="anna")[0].memo == f"let op{CLEAR} {RLO}hier"


def rendered_screen(coder) -> str:
    """What the terminal would get for the whole screen, as text (the way Textual's screenshots do)."""
    console = Console(width=150, height=50, file=io.StringIO(), record=True, force_terminal=True,
                      color_system="truecolor", legacy_windows=False)
    console.print(coder.screen._compositor.render_update(full=True, screen_stack=coder._background_screens))
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", console.export_text(styles=False))


def test_the_chart_draws_controls_as_symbols_and_prints_no_warnings(study, tmp_path, capfd):
    import warnings

    chart = tmp_path / "themas.png"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = qcode(study, "chart", "--coder", "anna", "-o", str(chart))
    assert result.exit_code == 0, result.output
    assert not caught  # matplotlib's glyph warnings would print on the terminal, control characters and all
    captured = capfd.readouterr()
    for output in (result.output, captured.out, captured.err):
        assert_clean(output)
        assert "Warning" not in output and "Glyph" not in output
    assert chart.stat().st_size > 1000
