"""REFI-QDA exchange (.qdpx projects, .qdc codebooks): round trips, the tools' quirks, hostile files."""
from __future__ import annotations

import io
import json
import shutil
import zipfile
from pathlib import Path

import pytest
import xmlschema
from typer.testing import CliRunner

from qcode import Project
from qcode.cli import app
from tests.conftest import REPO, database_dump
from tests.refi_files import Phrase, Source, qdpx

REFI = REPO.parent / "shared" / "refi"
PROJECT_SCHEMA = xmlschema.XMLSchema(str(REFI / "Project-mrt2019.xsd"))
CODEBOOK_SCHEMA = xmlschema.XMLSchema(str(REFI / "Codebook.xsd"))
runner = CliRunner()


def qcode(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def valid_qdpx(path: Path) -> bytes:
    with zipfile.ZipFile(path) as archive:
        qde = archive.read("project.qde")
        for name in archive.namelist():
            assert name == "project.qde" or name.startswith("sources/")
            if name.startswith("sources/"):
                text = archive.read(name)
                assert not text.startswith(b"\xef\xbb\xbf") and b"\r" not in text
    PROJECT_SCHEMA.validate(io.BytesIO(qde))
    return qde


@pytest.fixture(scope="module")
def coded(tmp_path_factory) -> Path:
    """The example study with anna's and bram's codings, a few narrowed and multi-span quotes."""
    folder = tmp_path_factory.mktemp("refi") / "studie"
    shutil.copytree(REPO / "transcripts", folder / "transcripts")
    shutil.copytree(REPO / "codebooks", folder / "codebooks")
    with Project.init(folder) as project:
        project.load_codebook(folder / "codebooks" / "exitstudie.yaml")
        project.import_paths([folder / "transcripts"])
        for coder in ("anna", "bram"):
            project.import_codings(folder / "transcripts" / "codings" / f"{coder}.csv", read_whole=True)
        conn = project.conn
        first, second = conn.execute("SELECT c.id, c.fragment_id, f.text FROM codings c JOIN fragments f "
                                     "ON f.id = c.fragment_id WHERE c.coder = 'anna' AND length(f.text) > 120 "
                                     "ORDER BY c.id LIMIT 2").fetchall()
        conn.execute("UPDATE codings SET span_start = 0, span_end = 40, star = 1 WHERE id = ?", (first[0],))
        conn.execute("UPDATE codings SET span_start = 5, span_end = 100 WHERE id = ?", (second[0],))
        conn.executemany('INSERT INTO coding_spans (coding_id, start, "end") VALUES (?, ?, ?)',
                         [(second[0], 5, 30), (second[0], 60, 100)])
    return folder


def snapshot(folder: Path) -> dict[str, list]:
    with Project.open(folder) as project:
        conn = project.conn

        def rows(sql: str) -> list:
            return conn.execute(sql).fetchall()
        return {
            "transcripts": rows("SELECT name, participant_id, text FROM transcripts ORDER BY name"),
            "fragments": rows('SELECT s.name, f.idx, f.text, f.start, f."end", t.role, t.speaker FROM fragments f '
                              "JOIN transcripts s ON s.id = f.transcript_id JOIN turns t ON t.id = f.turn_id "
                              "ORDER BY s.name, f.idx"),
            "codings": rows("SELECT s.name, f.idx, c.code_id, c.coder, c.main, c.star, c.memo, c.span_start, "
                            "c.span_end FROM codings c JOIN fragments f ON f.id = c.fragment_id JOIN transcripts s "
                            "ON s.id = f.transcript_id ORDER BY 1, 2, 3, 4"),
            "spans": rows('SELECT s.name, f.idx, c.code_id, c.coder, x.start, x."end" FROM coding_spans x JOIN codings c '
                          "ON c.id = x.coding_id JOIN fragments f ON f.id = c.fragment_id JOIN transcripts s "
                          "ON s.id = f.transcript_id ORDER BY 1, 2, 3, 4, 5"),
            "participants": rows("SELECT id, attributes FROM participants ORDER BY id"),
            "codes": rows("SELECT id, parent_id, label, description, include, exclude, examples, keywords, color, "
                          "chapter, role FROM codes WHERE active = 1 ORDER BY id"),
        }


def test_round_trip_keeps_everything_and_exports_the_same_bytes_twice(coded, tmp_path):
    first, second = tmp_path / "a.qdpx", tmp_path / "b.qdpx"
    assert qcode("--project", str(coded), "export", "qdpx", "-o", str(first)).exit_code == 0
    assert qcode("--project", str(coded), "export", "qdpx", "-o", str(second)).exit_code == 0
    assert first.read_bytes() == second.read_bytes()
    qde = valid_qdpx(first)
    assert b"hoofdreden" in qde and b"kerncitaat" in qde
    copy = tmp_path / "kopie"
    assert qcode("init", str(copy)).exit_code == 0
    result = qcode("--project", str(copy), "import", str(first), "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["not_imported"] == [] and summary["reading"] == "code points"
    before, after = snapshot(coded), snapshot(copy)
    assert before["spans"] and after["spans"] == before["spans"]
    for table in before:
        assert after[table] == before[table], table
    again = qcode("--project", str(copy), "import", str(first), "--json")  # importing twice changes nothing
    assert json.loads(again.output)["transcripts_unchanged"] == 12
    assert snapshot(copy) == after


@pytest.mark.parametrize("sample", ["handmade_reference_spec_minimal", "qualcoder40_reexport_of_reference"])
def test_the_reference_samples_land_on_their_excerpts(sample, tmp_path):
    source = REFI / "samples" / f"{sample}.qdpx"
    with zipfile.ZipFile(source) as archive:
        qde = archive.read(next(n for n in archive.namelist() if n.endswith(".qde"))).decode("utf-8-sig")
    names = {int(s.split('startPosition="')[1].split('"')[0]): s.split(' name="')[1].split('"')[0]
             for s in qde.split("<PlainTextSelection")[1:]}
    with Project.init(tmp_path / "p") as project:
        report = project.import_qdpx(source)
        codings = project.codings()
        assert report.coders == ["ana", "ben"] and len(codings) == 6 == qde.count("<PlainTextSelection")
        assert {row.code for row in codings} == {"joy", "cost", "time"}
        assert sum(1 for _ in qde.split("<Code ")[1:]) == 5 == project.conn.execute("SELECT count(*) FROM codes").fetchone()[0]
        quoted = {row.text[row.span_start:row.span_end] if row.span_start is not None else row.text for row in codings}
        assert quoted == set(names.values())
        assert any("note" in line for line in report.not_imported) or "NoteRef" not in qde


NVIVO_TEXT = ("Interviewer: Hoe was je laatste jaar bij de stichting?\r\n"
              "Fatima: Eerlijk gezegd 😩 was het zwaar. De wachtlijst werd elke maand langer.\r\n"
              "Interviewer: En je leidinggevende?\r\n"
              "Fatima: Die zag het niet 🙈 en zei alleen dat we harder moesten werken. Harder werken, "
              "terwijl ik al avonden doorwerkte.\r\n")


@pytest.mark.parametrize("unit, reading", [("utf16", "UTF-16 units, CRLF as two"),
                                           ("points", "code points, CRLF as two"),
                                           ("points-crlf1", "code points"),
                                           ("utf16-crlf1", "UTF-16 units")])
def test_offsets_are_read_as_the_tool_counted_them(unit, reading, tmp_path):
    phrases = [Phrase("De wachtlijst werd elke maand langer", "werkdruk"),
               Phrase("dat we harder moesten werken", "werkdruk", user="Tom"),
               Phrase("Harder werken", "werkdruk"), Phrase("ik al avonden doorwerkte", "werkdruk"),
               Phrase("Die zag het niet", "leiding")]
    path = qdpx(tmp_path / "nvivo.qdpx", [Source("Interview Fatima", NVIVO_TEXT, phrases, case="Fatima")],
                ["werkdruk", "leiding"], unit=unit, folder="Sources", bom=True, qde_name="Exitstudie.QDE",
                namespace="urn:QDA-XML:project:1:0", cases={"Fatima": {"functie": "jongerenwerker"}})
    with Project.init(tmp_path / "p") as project:
        report = project.import_qdpx(path)
        assert report.reading == reading
        quoted = sorted((row.coder, row.code, row.text[row.span_start:row.span_end]) for row in project.codings())
        assert quoted == sorted([("Eva", "werkdruk", "De wachtlijst werd elke maand langer"),
                                 ("Tom", "werkdruk", "dat we harder moesten werken"),
                                 ("Eva", "werkdruk", "Harder werken, terwijl ik al avonden doorwerkte"),
                                 ("Eva", "leiding", "Die zag het niet")])
        spans = project.conn.execute('SELECT start, "end" FROM coding_spans ORDER BY start').fetchall()
        fragment = [row for row in project.codings() if row.code == "werkdruk" and row.coder == "Eva"
                    and "Harder" in row.text][0]
        assert [fragment.text[s:e] for s, e in spans] == ["Harder werken", "ik al avonden doorwerkte"]
        assert project.transcript("Interview Fatima").participant == "Fatima"


def test_several_selections_of_one_code_in_one_paragraph_survive_a_round_trip(tmp_path):
    text = ("Interviewer: Wat woog het zwaarst?\nSanne: De registratie kostte uren. Daarna nog overleg. "
            "En dan weer registreren in drie systemen.\nInterviewer: Dank je.\nSanne: Graag gedaan.\n")
    phrases = [Phrase("De registratie kostte uren", "bureaucratie"),
               Phrase("weer registreren in drie systemen", "bureaucratie")]
    path = qdpx(tmp_path / "in.qdpx", [Source("S01", text, phrases)], ["bureaucratie"])
    with Project.init(tmp_path / "p") as project:
        project.import_qdpx(path)
        (coding,) = project.codings()
        assert coding.text[coding.span_start:coding.span_end].startswith("De registratie")
        out = tmp_path / "out.qdpx"
        project.export_qdpx(out)
        qde = valid_qdpx(out).decode()
        assert qde.count("<PlainTextSelection") == 2
        assert 'name="De registratie kostte uren"' in qde and 'name="weer registreren in drie systemen"' in qde


def test_what_is_not_imported_is_listed(tmp_path):
    text = "Interviewer: Vertel eens.\nKees: Het geld was op.\nInterviewer: Hoe bedoel je?\nKees: Geen budget meer.\n"
    phrases = [Phrase("Vertel eens", "geld"), Phrase("Het geld was op", "geld")]
    pdf = Source("scan.pdf", "", [], kind="PDFSource")
    path = qdpx(tmp_path / "x.qdpx", [Source("K01", text, phrases), pdf], ["geld"])
    with Project.init(tmp_path / "p") as project:
        report = project.import_qdpx(path)
        assert len(project.codings()) == 1
        text_of = " | ".join(report.not_imported)
        assert "PDF source 'scan.pdf'" in text_of and "interviewer" in text_of


@pytest.mark.parametrize("members, message", [
    ({"project.qde": b"<Project/>", "../../evil.txt": b"x"}, "outside the project"),
    ({"project.qde": b'<?xml version="1.0"?><!DOCTYPE p [<!ENTITY a "aaaa">]><Project name="x">&a;</Project>'},
     "DOCTYPE"),
    ({"project.qde": b"<Project", "sources/a.txt": b"x"}, "not well-formed"),
    ({"a.qde": b"<Project/>", "b.qde": b"<Project/>"}, "2 project files"),
    ({"project.qde": b"<Project/>", "sources/big.txt": b"0" * 30_000_000}, "zip bomb"),
])
def test_hostile_files_are_refused_with_nothing_written(members, message, tmp_path):
    path = tmp_path / "kwaad.qdpx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    folder = tmp_path / "p"
    Project.init(folder).close()
    with Project.open(folder) as project:
        before = database_dump(project)
    result = qcode("--project", str(folder), "import", str(path))
    assert result.exit_code == 1 and message in result.output and "Traceback" not in result.output
    with Project.open(folder) as project:
        assert database_dump(project) == before
    assert sorted(p.name for p in folder.iterdir()) == ["qcode.db"] or not list(folder.glob("*.yaml"))


def test_not_a_zip_is_refused(tmp_path):
    path = tmp_path / "leeg.qdpx"
    path.write_text("dit is geen project", encoding="utf-8")
    folder = tmp_path / "p"
    Project.init(folder).close()
    result = qcode("--project", str(folder), "import", str(path))
    assert result.exit_code == 1 and "not a zip" in result.output


def test_codebook_round_trip_through_qdc(coded, tmp_path):
    target = tmp_path / "codeboek.qdc"
    result = qcode("--project", str(coded), "codebook", "export", str(target))
    assert result.exit_code == 0, result.output
    CODEBOOK_SCHEMA.validate(str(target))
    folder = tmp_path / "nieuw"
    qcode("init", str(folder))
    result = qcode("--project", str(folder), "codebook", "load", str(target))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "codeboek.yaml").exists()
    assert snapshot(folder)["codes"] == snapshot(coded)["codes"]
    again = qcode("--project", str(folder), "codebook", "load", str(target))  # the same YAML: no complaint
    assert again.exit_code == 0


def test_a_taguette_codebook_gets_ids_from_its_names(tmp_path):
    source = tmp_path / "taguette.qdc"
    shutil.copy(REFI / "samples" / "taguette152_codebook_driver.qdc", source)
    with Project.init(tmp_path / "p") as project:
        written, _ = project.load_qdc(source)
        assert written == tmp_path / "taguette.yaml"
        ids = [row[0] for row in project.conn.execute("SELECT id FROM codes ORDER BY position")]
        assert ids == ["interesting", "barriers", "barriers-cost", "emotions-joie"]


def test_an_existing_project_keeps_its_codebook_and_lists_unknown_codes(coded, tmp_path):
    text = ("Interviewer: Hoe ging het?\nNoor: Ik had geen tijd meer voor mijn cliënten.\n"
            "Interviewer: En nu?\nNoor: Nu wel.\n")
    phrases = [Phrase("geen tijd meer", "Werkdruk"), Phrase("mijn cliënten", "Iets heel anders")]
    path = qdpx(tmp_path / "x.qdpx", [Source("N01", text, phrases)], ["Werkdruk", "Iets heel anders"])
    folder = tmp_path / "kopie"
    shutil.copytree(coded, folder)
    with Project.open(folder) as project:
        report = project.import_qdpx(path)
        assert report.codebook is None
        assert [row.code for row in project.codings(coder="Eva")] == ["werkdruk"]
        assert any("'Iets heel anders'" in line for line in report.not_imported)


def test_export_qdpx_only_the_named_coders(coded, tmp_path):
    out = tmp_path / "anna.qdpx"
    result = qcode("--project", str(coded), "export", "qdpx", "-o", str(out), "--coder", "anna", "--json")
    assert json.loads(result.output)["users"] == 1
    assert b'name="bram"' not in valid_qdpx(out)
    refused = qcode("--project", str(coded), "export", "qdpx", "-o", str(out), "--coder", "nobody")
    assert refused.exit_code == 1 and "no codings by nobody" in refused.output


@pytest.mark.parametrize("path_style", ["relative", "bare"])
@pytest.mark.parametrize("namespace", ["urn:QDA-XML:project:0:4", ""])
def test_source_paths_and_namespaces_as_tools_write_them(path_style, namespace, tmp_path):
    text = "Interviewer: Waarom ging je weg?\nMila: De aanbesteding.\nInterviewer: Hoe dan?\nMila: Elk jaar onzeker.\n"
    path = qdpx(tmp_path / "x.qdpx", [Source("M01", text, [Phrase("Elk jaar onzeker", "aanbesteding",
                                                                  excerpt="Elk jaar…")])],
                ["aanbesteding"], namespace=namespace, path_style=path_style, folder="Sources")
    if not namespace:
        with zipfile.ZipFile(path) as archive:
            members = {name: archive.read(name) for name in archive.namelist()}
        members["project.qde"] = members["project.qde"].replace(b' xmlns=""', b"")
        with zipfile.ZipFile(path, "w") as archive:
            for name, data in members.items():
                archive.writestr(name, data)
    with Project.init(tmp_path / "p") as project:
        project.import_qdpx(path)
        (coding,) = project.codings()
        assert coding.text == "Elk jaar onzeker." and coding.text[coding.span_start:coding.span_end] == "Elk jaar onzeker"


@pytest.mark.parametrize("namespace", ['xmlns="urn:QDA-XML:codebook:0:4"', 'xmlns="urn:QDA-XML:codebook:1:0"', ""])
def test_codebooks_in_every_namespace_seen(namespace, tmp_path):
    source = tmp_path / "boek.qdc"
    source.write_text(f'\ufeff<?xml version="1.0" encoding="utf-8"?><CodeBook {namespace}><Codes>'
                      '<Code guid="{AAAAAAAA-0000-0000-0000-000000000001}" name="Werkdruk" isCodable="false" color="#c00">'
                      '<Description>Te veel werk.</Description>'
                      '<Code guid="aaaaaaaa-0000-0000-0000-000000000002" name="Burn-out" isCodable="true"/>'
                      '<Code guid="aaaaaaaa-0000-0000-0000-000000000003" name="Burn-out" isCodable="true"/></Code>'
                      "</Codes></CodeBook>", encoding="utf-8")
    with Project.init(tmp_path / "p") as project:
        project.load_qdc(source)
        rows = project.conn.execute("SELECT id, parent_id, label, color, description FROM codes ORDER BY position").fetchall()
        assert rows == [("werkdruk", None, "Werkdruk", "#cc0000", "Te veel werk."),
                        ("burn-out", "werkdruk", "Burn-out", None, None),
                        ("burn-out-2", "werkdruk", "Burn-out", None, None)]


def test_a_selection_across_paragraphs_becomes_a_coding_on_each(tmp_path):
    text = ("Interviewer: Hoe begon het?\nLotte: Het begon met de reorganisatie. Toen kwam er een nieuwe manager.\n\n"
            "Die had geen idee van ons werk. Daarna ging het snel.\nInterviewer: En toen?\nLotte: Toen ben ik gegaan.\n")
    selected = "een nieuwe manager.\n\nDie had geen idee"
    path = qdpx(tmp_path / "x.qdpx", [Source("L01", text, [Phrase(selected, "leiding")])], ["leiding"])
    with Project.init(tmp_path / "p") as project:
        project.import_qdpx(path)
        quoted = [row.text[row.span_start:row.span_end] for row in project.codings()]
        assert quoted == ["een nieuwe manager.", "Die had geen idee"]


def test_utf16_offsets_after_many_emoji_land_on_their_words(tmp_path):
    text = ("Interviewer: Hoe was het? 🙂\r\nRespondent: Zwaar 😩😩. Mijn leidinggevende 👩‍💼 luisterde nooit. Dat was "
            "de druppel 💧.\r\nInterviewer: En nu?\r\nRespondent: Nu gaat het 👍 beter.\r\n")
    phrases = [Phrase("luisterde nooit", "leiding"), Phrase("de druppel", "vertrek"), Phrase("beter", "nu")]
    path = qdpx(tmp_path / "x.qdpx", [Source("E01", text, phrases)], ["leiding", "vertrek", "nu"], unit="utf16")
    with Project.init(tmp_path / "p") as project:
        project.import_qdpx(path)
        assert sorted(row.text[row.span_start:row.span_end] for row in project.codings()) == [
            "beter", "de druppel", "luisterde nooit"]


def test_a_name_in_two_branches_is_matched_by_its_parent_in_an_existing_project(tmp_path):
    (tmp_path / "boek.yaml").write_text(
        "name: t\nversion: '1'\ncodes:\n"
        "  - id: redenen\n    label: Redenen\n    codes:\n      - {id: leiding-slecht, label: Leidinggevende}\n"
        "  - id: positief\n    label: Positief\n    codes:\n      - {id: leiding-goed, label: Leidinggevende}\n",
        encoding="utf-8")
    text = "Interviewer: En je baas?\nMila: Die steunde me nooit.\nInterviewer: Echt?\nMila: Echt niet.\n"
    path = qdpx(tmp_path / "x.qdpx", [Source("M01", text, [Phrase("steunde me nooit", "Leidinggevende")])],
                ["Leidinggevende"])
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    from tests.refi_files import guid
    nested = (f'<Code guid="{guid("p1")}" name="Redenen" isCodable="false"><Code guid="{guid("code", "Leidinggevende")}" '
              f'name="Leidinggevende" isCodable="true"/></Code><Code guid="{guid("p2")}" name="Positief" '
              f'isCodable="false"><Code guid="{guid("x")}" name="Leidinggevende" isCodable="true"/></Code>').encode()
    qde = members["project.qde"]
    start, end = qde.index(b"<Codes>") + len(b"<Codes>"), qde.index(b"</Codes>")
    members["project.qde"] = qde[:start] + nested + qde[end:]
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    with Project.init(tmp_path / "p") as project:
        project.load_codebook(tmp_path / "boek.yaml")
        report = project.import_qdpx(path)
        assert [row.code for row in project.codings()] == ["leiding-slecht"]
        assert report.not_imported == []


def test_a_project_importing_its_own_export_keeps_its_transcripts_as_they_are(coded, tmp_path):
    folder = tmp_path / "zelfde"
    shutil.copytree(coded, folder)
    out = tmp_path / "eigen.qdpx"
    with Project.open(folder) as project:
        project.export_qdpx(out)
        before = database_dump(project)
        report = project.import_qdpx(out)
        assert (report.transcripts_new, report.transcripts_changed, report.transcripts_unchanged) == (0, 0, 12)
        assert report.not_imported == []
        after = [line for line in database_dump(project) if "coding_log" not in line and "INSERT INTO \"seen\"" not in line]
    kept = [line for line in before if "coding_log" not in line and "INSERT INTO \"seen\"" not in line]
    assert [line for line in after if "codings" in line] == [line for line in kept if "codings" in line]
    assert [line for line in after if "turns" in line] == [line for line in kept if "turns" in line]  # timestamps too


def test_a_second_case_on_a_source_and_a_user_differing_in_case(coded, tmp_path):
    text = "Interviewer: Hoe ging het?\nIris: Slecht, de werkdruk.\nInterviewer: En nu?\nIris: Beter.\n"
    path = qdpx(tmp_path / "x.qdpx", [Source("I01", text, [Phrase("de werkdruk", "Werkdruk", user="ANNA")],
                                             case="Iris")], ["Werkdruk"], users=("ANNA",),
                cases={"Iris": {"functie": "wijkwerker"}})
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    from tests.refi_files import guid
    grouping = (f'<Case guid="{guid("case", "Regio Noord")}" name="Regio Noord"><VariableValue><VariableRef '
                f'targetGUID="{guid("var", "functie")}"/><TextValue>noord</TextValue></VariableValue>'
                f'<SourceRef targetGUID="{guid("source", "I01")}"/></Case>').encode()
    members["project.qde"] = members["project.qde"].replace(b"</Cases>", grouping + b"</Cases>")
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    folder = tmp_path / "kopie"
    shutil.copytree(coded, folder)
    with Project.open(folder) as project:
        report = project.import_qdpx(path)
        assert [row.coder for row in project.codings(coder="anna") if row.transcript == "I01"] == ["anna"]
        assert any("'ANNA' is taken as the project's coder 'anna'" in note for note in report.notes)
        assert any("Regio Noord" in line for line in report.not_imported)
        assert project.transcript("I01").participant == "Iris"
