"""Codebook files: validation with YAML line numbers, versions, rename and merge."""
from __future__ import annotations

import textwrap

import pytest

from conftest import add_coding
from qcode import Project
from qcode.errors import CodebookError, UsageError

VALID = textwrap.dedent("""\
    # Codebook voor de test; codes splitsen en samenvoegen met qcode codebook rename/merge
    name: Exitstudie test
    version: "1.0"
    language: nl
    codes:
      - id: doorgroeimogelijkheden
        label: Doorgroeimogelijkheden
        chapter: Een grote bottleneck – gebrek aan doorgroeimogelijkheden
        description: Het ontbreken van perspectief om te groeien.
        examples: ["Ik zat aan mijn plafond.", "Er was geen seniorfunctie."]
        codes:
          - id: doorgroei-plafond
            label: Plafond bereikt
          - id: doorgroei-sollicitatie
            label: Interne sollicitatie mislukt  # vaak de druppel
            keywords: [sollicitatie, afgewezen]
      - id: werkdruk
        label: Werkdruk
        codes:
          - id: werkdruk-burn-out
            label: Burn-out
      - id: aanbevelingen
        label: Aanbevelingen
        role: recommendations
        codes:
          - id: aanbeveling-intervisie
            label: Intervisie en supervisie
    """)


def write(tmp_path, text, name="codes.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(path) -> list[str]:
    with pytest.raises(CodebookError) as raised:
        Project.check_codebook(path)
    return [str(p).split("\n")[0] for p in raised.value.problems]


def test_valid_codebook_parses_into_a_tree(tmp_path):
    codebook = Project.check_codebook(write(tmp_path, VALID))
    ids = [(code.id, parent.id if parent else None) for code, parent, _ in codebook.walk()]
    assert ids[:3] == [("doorgroeimogelijkheden", None), ("doorgroei-plafond", "doorgroeimogelijkheden"),
                       ("doorgroei-sollicitatie", "doorgroeimogelijkheden")]
    assert codebook.codes[2].role == "recommendations"


def test_duplicate_id_names_both_lines(tmp_path):
    path = write(tmp_path, VALID.replace("id: werkdruk-burn-out", "id: doorgroei-plafond"))
    assert problems_of(path) == [f"{path}:20: code id 'doorgroei-plafond' appears twice (first on line 12)"]


def test_missing_label_names_the_code_and_line(tmp_path):
    path = write(tmp_path, VALID.replace("    label: Werkdruk\n", ""))
    assert problems_of(path) == [f"{path}:17: code 'werkdruk': field 'label' is missing"]


def test_bad_slug_unknown_field_and_bad_role(tmp_path):
    text = (VALID.replace("id: doorgroei-plafond", "id: Doorgroei Plafond")
            .replace("description: Het", "defintion: Het").replace("role: recommendations", "role: advies"))
    path = write(tmp_path, text)
    found = problems_of(path)
    assert f"{path}:12: code id 'Doorgroei Plafond' is not a valid id" in found
    assert f"{path}:9: code 'doorgroeimogelijkheden': unknown field 'defintion'" in found
    assert any(p.startswith(f"{path}:24: code 'aanbevelingen': role:") for p in found)


def test_yaml_syntax_error_has_its_line(tmp_path):
    path = write(tmp_path, VALID.replace("    label: Werkdruk\n", "    label: [Werkdruk\n"))
    [problem] = problems_of(path)
    assert problem.startswith(f"{path}:19: invalid YAML: expected ',' or ']'")
    assert problem.endswith("(the '[' of line 18)")


def test_load_records_versions_only_when_the_content_changes(project, tmp_path):
    path = write(tmp_path, VALID)
    first = project.load_codebook(path)
    assert first.changed and "werkdruk-burn-out" in first.added
    assert not project.load_codebook(path).changed
    write(tmp_path, VALID.replace("# Codebook voor de test", "# Een ander commentaar"))
    assert not project.load_codebook(path).changed
    write(tmp_path, VALID.replace("Burn-out", "Burn-out en uitval"))
    assert project.load_codebook(path).version_id == first.version_id + 1


def test_a_code_dropped_from_the_file_is_kept_while_it_has_codings(project, tmp_path, awkward):
    path = write(tmp_path, VALID)
    project.load_codebook(path)
    project.import_paths([awkward / "bom.txt"])
    add_coding(project, project.fragments(role="participant")[0].id, "werkdruk-burn-out")
    result = project.load_codebook(write(tmp_path, VALID.replace(
        "    codes:\n      - id: werkdruk-burn-out\n        label: Burn-out\n", "")))
    assert result.retired == ["werkdruk-burn-out"] and result.removed == []
    node = project.codebook_tree()[1].children[0]
    assert (node.id, node.active, node.counts) == ("werkdruk-burn-out", False, {"anna": 1})


def test_rename_carries_codings_and_rewrites_the_yaml_keeping_comments(project, tmp_path, awkward):
    path = write(project.root, VALID)
    project.load_codebook(path)
    project.import_paths([awkward / "bom.txt"])
    add_coding(project, project.fragments(role="participant")[0].id, "doorgroei-sollicitatie")
    project.rename_code("doorgroei-sollicitatie", "doorgroei-interne-sollicitatie", label="Sollicitatie afgewezen")
    assert project.conn.execute("SELECT code_id FROM codings").fetchall() == [("doorgroei-interne-sollicitatie",)]
    rewritten = path.read_text(encoding="utf-8")
    assert "id: doorgroei-interne-sollicitatie" in rewritten
    [label_line] = [line for line in rewritten.splitlines() if "Sollicitatie afgewezen" in line]
    assert label_line.split() == ["label:", "Sollicitatie", "afgewezen", "#", "vaak", "de", "druppel"]
    assert rewritten.startswith("# Codebook voor de test")
    assert Project.check_codebook(path).codes[0].codes[1].id == "doorgroei-interne-sollicitatie"
    assert not project.load_codebook(path).changed  # the project already holds what the file says


def test_merge_moves_codings_and_combines_a_coders_double_coding(project, tmp_path, awkward):
    path = write(project.root, VALID)
    project.load_codebook(path)
    project.import_paths([awkward / "bom.txt"])
    first, second = project.fragments(role="participant")
    add_coding(project, first.id, "doorgroei-plafond", memo="plafond")
    add_coding(project, first.id, "doorgroei-sollicitatie", memo="sollicitatie")
    add_coding(project, second.id, "doorgroei-sollicitatie", coder="bram")
    project.merge_codes("doorgroei-sollicitatie", "doorgroei-plafond")
    rows = project.conn.execute("SELECT fragment_id, code_id, coder, memo FROM codings ORDER BY fragment_id").fetchall()
    assert rows == [(first.id, "doorgroei-plafond", "anna", "plafond / sollicitatie"),
                    (second.id, "doorgroei-plafond", "bram", None)]
    codebook = Project.check_codebook(path)
    assert [c.id for c in codebook.codes[0].codes] == ["doorgroei-plafond"]
    assert codebook.codes[0].codes[0].keywords == ["sollicitatie", "afgewezen"]
    log = project.conn.execute("SELECT action, code_id FROM coding_log").fetchall()
    assert log == [("merged", "doorgroei-sollicitatie")]


def test_rename_and_merge_refuse_what_cannot_be(project, tmp_path):
    path = write(project.root, VALID)
    project.load_codebook(path)
    with pytest.raises(UsageError, match="already a code 'werkdruk'"):
        project.rename_code("doorgroei-plafond", "werkdruk")
    with pytest.raises(UsageError, match="no code 'bestaat-niet'"):
        project.merge_codes("bestaat-niet", "werkdruk")
    with pytest.raises(UsageError, match="is part of it"):
        project.merge_codes("doorgroeimogelijkheden", "doorgroei-plafond")
    write(project.root, VALID.replace("Burn-out", "Uitval"))
    with pytest.raises(UsageError, match="was edited since it was loaded"):
        project.rename_code("werkdruk", "werkdruk-algemeen")
    assert "Uitval" in path.read_text(encoding="utf-8")
