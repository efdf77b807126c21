"""An edited report template that is wrong ends in its file and line, never a traceback (issue 11).

The templates are the researcher's own after `qcode report --init-templates`; a syntax error, an
unknown variable, a failing expression or a file saved in another encoding each end in one message
naming templates/report.nl.md.j2 and the line, with nothing written and no participant's words.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from qcode import Project

INTERVIEW = """I: Wat was voor jou de belangrijkste reden om te stoppen?

R: Geheimzinnig antwoord over de werkdruk op de afdeling.
"""
CODEBOOK = """name: Uitstroom
version: "1"
codes:
  - id: werkdruk
    label: Werkdruk
"""


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("templates") / "studie"
    folder.mkdir()
    (folder / "U01.txt").write_text(INTERVIEW, encoding="utf-8")
    (folder / "codeboek.yaml").write_text(CODEBOOK, encoding="utf-8")
    with Project.init(folder) as project:
        project.load_codebook(folder / "codeboek.yaml")
        project.import_paths([folder / "U01.txt"])
        [answer] = project.fragments(role="participant")
        project.assign(answer.id, ["werkdruk"], "anna", main=True)
        project.init_templates()
    return folder


@pytest.fixture
def studie(template, cli) -> Path:
    return Path(shutil.copytree(template, cli.folder))


def _edit(studie: Path, line: int, text: str, encoding: str = "utf-8") -> Path:
    """Put `text` at the start of line `line` (1-based) of the Dutch template."""
    path = studie / "templates" / "report.nl.md.j2"
    lines = path.read_bytes().splitlines(keepends=True)
    lines[line - 1] = (text + "\n").encode(encoding) + lines[line - 1]
    path.write_bytes(b"".join(lines))
    return path


def _said(result) -> str:
    return " ".join(result.output.split())


def _files(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if not p.name.startswith("qcode.db"))


@pytest.mark.parametrize("broken, found", [
    ("{% if report.sections %}", "the template has an error"),          # an unclosed block
    ("{{ report.sections | nofilter }}", "nofilter"),                  # an unknown filter
    ("{{ report.secties }}", "'secties'"),                              # an unknown attribute
    ("{{ rapport.start }}", "'rapport'"),                               # an unknown variable
    ("{{ 1 // 0 }}", "ZeroDivisionError"),                              # an expression that fails
])
@pytest.mark.parametrize("fmt", ["md", "docx"])
def test_a_broken_template_names_its_file_and_line_and_writes_nothing(studie, cli, broken, found, fmt):
    template = _edit(studie, 5, broken)
    before = _files(studie)
    result = cli("report", "--coder", "anna", "--format", fmt)
    said = _said(result)
    assert result.exit_code == 1 and "Traceback" not in said, said
    line = 6 if broken.startswith("{% if") else 5  # an unclosed block is found where the file ends
    if broken.startswith("{% if"):
        line = len(template.read_text(encoding="utf-8").splitlines())
    assert f"{template}:{line}" in said and found in said, said
    assert _files(studie) == before  # no report, no own-text files, no chart


def test_an_unknown_attribute_of_a_quote_never_shows_the_quote(studie, cli):
    template = studie / "templates" / "report.nl.md.j2"
    text = template.read_text(encoding="utf-8")
    assert "{% for section in report.sections %}" in text
    template.write_text(text.replace("{% for section in report.sections %}", "{% for section in report.sections %}"
                                     "{% for quote in section.quotes %}{{ {}[quote.text] }}{% endfor %}"),
                        encoding="utf-8")
    result = cli("report", "--coder", "anna")
    said = _said(result)
    assert result.exit_code == 1 and str(template) in said
    assert "Geheimzinnig" not in said and "werkdruk op de afdeling" not in said


def test_a_template_saved_in_another_encoding_is_named(studie, cli):
    template = _edit(studie, 3, "Één citaat – café", encoding="cp1252")
    result = cli("report", "--coder", "anna")
    assert result.exit_code == 1 and str(template) in _said(result) and "UTF-8" in _said(result)


def test_an_own_text_in_another_encoding_or_a_folder_is_named(studie, cli):
    assert cli("report", "--coder", "anna").exit_code == 0
    own = studie / "exports" / "tekst" / "werkdruk.md"
    own.write_bytes("Eigen tekst met café en één fout\n".encode("cp1252"))
    assert cli("report", "--coder", "anna").exit_code == 0  # cp1252 is read as Dutch Windows text
    own.unlink()
    own.mkdir()
    result = cli("report", "--coder", "anna")
    assert result.exit_code == 1 and str(own) in _said(result) and "should be a file" in _said(result)


@pytest.mark.parametrize("hostile", [
    '{{ cycler.__init__.__globals__.os.system("touch {marker}") }}',
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    '{{ "x" * 10**10 }}',
    "{{ 2 ** 100000000 }}",
])
def test_a_template_from_someone_else_cannot_reach_python_or_exhaust_memory(studie, cli, tmp_path, hostile):
    marker = tmp_path / "uitgevoerd"
    template = _edit(studie, 5, hostile.replace("{marker}", str(marker)))
    before = _files(studie)
    result = cli("report", "--coder", "anna")
    said = _said(result)
    assert result.exit_code == 1 and "Traceback" not in said, said
    assert f"{template}:5" in said and "may not" in said, said
    assert not marker.exists()
    assert _files(studie) == before
