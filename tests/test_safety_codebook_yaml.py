"""Codebook YAML within bounds: alias bombs, deep nesting and huge files are refused with file and line."""
from __future__ import annotations

from pathlib import Path

import pytest

from conftest import database_dump

HEAD = "name: Exitstudie\nversion: 1\n"
CODE = "codes:\n  - id: werkdruk\n    label: Werkdruk\n"


def laughs() -> str:
    """Nine levels of nine aliases: 9^9 (387 million) strings from some 500 bytes."""
    lines = ['lach: &l0 ["ha", "ha", "ha", "ha", "ha", "ha", "ha", "ha", "ha"]']
    for level in range(1, 9):
        lines.append(f"lach{level}: &l{level} [" + ", ".join([f"*l{level - 1}"] * 9) + "]")
    return HEAD + "\n".join(lines) + "\n" + CODE


def nested(depth: int) -> str:
    lines, indent = [HEAD + "codes:"], ""
    for level in range(depth):
        lines += [f"{indent}  - id: thema-{level}", f"{indent}    label: Thema {level}", f"{indent}    codes:"]
        indent += "    "
    lines += [f"{indent}  - id: einde", f"{indent}    label: Einde"]
    return "\n".join(lines) + "\n"


BAD = {
    "billion-laughs": (laughs(), "expands to more than", "aliases"),
    "nested-400": (nested(400), "nested more than", "flatten"),
    "flow-nested-5000": (HEAD + "codes: " + "[" * 5000 + "]" * 5000 + "\n", "nested more than", "flatten"),
    "alias-to-itself": (HEAD + "codes: &alles\n  - id: lus\n    label: Lus\n    codes: *alles\n",
                        "refers to a part of itself", "aliases"),
    "huge": (HEAD + CODE + "    description: >\n" + ("      lange tekst over werkdruk\n" * 120_000),
             "a codebook may be at most", "well under"),
}


@pytest.mark.parametrize("name", BAD, ids=list(BAD))
def test_a_codebook_beyond_the_bounds_is_refused_with_file_and_line(cli, tmp_path, name):
    text, message, hint = BAD[name]
    path = tmp_path / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    cli("init", str(cli.folder), project=False)
    from qcode import Project
    with Project.open(cli.folder) as project:
        before = database_dump(project)
    for command in (("codebook", "check", str(path)), ("codebook", "load", str(path))):
        result = cli(*command)
        assert result.exit_code == 1, result.output
        assert isinstance(result.exception, SystemExit)
        flat = " ".join(result.output.split())
        assert f"{path.name}" in flat and message in flat and hint in flat, flat
        if name != "huge":
            assert f"{path.name}:" in flat  # with its line
    with Project.open(cli.folder) as project:
        assert database_dump(project) == before


def test_the_line_named_is_where_the_depth_is_exceeded(cli, tmp_path):
    path = tmp_path / "diep.yaml"
    path.write_text(nested(30), encoding="utf-8")
    result = cli("codebook", "check", str(path), project=False)
    assert result.exit_code == 1
    line = int(result.output.split("diep.yaml:")[1].split(":")[0])
    assert "id: thema-" in path.read_text(encoding="utf-8").splitlines()[line - 1]


def test_modest_anchors_and_a_few_levels_still_load(cli, tmp_path):
    path = tmp_path / "ankers.yaml"
    path.write_text(HEAD + "codes:\n  - id: werkdruk\n    label: Werkdruk\n    keywords: &druk [druk, uren, taken]\n"
                    "    codes:\n      - id: werkdruk-uren\n        label: Uren\n        keywords: *druk\n"
                    + "".join(f"{'    ' * (k + 2)}codes:\n{'    ' * (k + 2)}  - id: laag-{k}\n"
                              f"{'    ' * (k + 2)}    label: Laag {k}\n" for k in range(4)),
                    encoding="utf-8")
    result = cli("codebook", "check", str(path), project=False)
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("control", ["\x1b[31m", "\x00", "\x07", "\x9b", "\x7f"])
def test_a_control_character_in_a_codebook_is_named_with_its_line(cli, tmp_path, control):
    cli("init", str(cli.folder), project=False)
    path = tmp_path / "codeboek.yaml"
    path.write_text(f'name: Exitstudie\nversion: "1"\ncodes:\n  - id: werkdruk\n    label: Werk{control}druk\n',
                    encoding="utf-8")
    for command in (("codebook", "check", str(path)), ("codebook", "load", str(path))):
        result = cli(*command)
        assert result.exit_code == 1, result.output
        assert f"{path}:5" in result.output and "control character" in result.output
        assert "unexpected" not in result.output and "\x1b" not in result.output and "\x00" not in result.output
