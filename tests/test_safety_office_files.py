"""Word and Excel files that are not what their name says, damaged, encrypted, oversized or hostile:
one clear message naming the file, exit 1, the database as it was, and --skip-bad skips them.

Every file is made here: zips of hand-written parts, OLE containers as the few bytes qcode looks at.
"""
from __future__ import annotations

import struct
import zipfile
from pathlib import Path

import openpyxl
import pytest

from conftest import database_dump
from office_files import labelled, word_parts, write_docx, write_zip
from qcode import Project

GOOD_BODY = labelled("Interviewer", "Hoe was je eerste werkdag?") + labelled("Respondent", "Druk maar leuk.")
BILLION_LAUGHS = ('<!DOCTYPE lolz [<!ENTITY lol "lol">'
                  + "".join(f'<!ENTITY lol{i + 1} "{("&lol" + str(i) + ";") * 10 if i else "&lol;" * 10}">'
                            for i in range(9)) + "]>")
XXE = '<!DOCTYPE d [<!ENTITY geheim SYSTEM "file:///etc/hostname">]>'


def ole(*stream_names: str) -> bytes:
    """The start of an OLE compound file with directory entries of these names (what qcode inspects)."""
    entries = b"".join(name.encode("utf-16-le").ljust(64, b"\x00") + struct.pack("<H", 2 * len(name) + 2)
                       + b"\x00" * 62 for name in ("Root Entry", *stream_names))
    return bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * 504 + entries + b"\x00" * 1024


def rewritten(source: Path, target: Path, changes: dict[str, str | bytes | None]) -> Path:
    """A copy of the zip `source` with parts replaced (or removed, for None)."""
    with zipfile.ZipFile(source) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    for name, data in changes.items():
        if data is None:
            parts.pop(name)
        else:
            parts[name] = data
    return write_zip(target, parts)


def survey_xlsx(path: Path) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Antwoorden"
    sheet.append(["respondent", "antwoord"])
    sheet.append(["R01", "De werkdruk was te hoog."])
    sheet.append(["R02", "Ik kreeg geen waardering."])
    workbook.save(path)
    return path


def declared_size(path: Path, member: str, size: int) -> Path:
    """Make the zip's headers claim `size` bytes for `member`, without changing its data."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(member)
    name = member.encode()
    for signature, offset in ((b"PK\x01\x02", 24), (b"PK\x03\x04", 22)):
        at = data.find(signature)
        while at != -1:
            name_at = at + (46 if signature == b"PK\x01\x02" else 30)
            if data[name_at:name_at + len(name)] == name:
                struct.pack_into("<I", data, at + offset, size)
            at = data.find(signature, at + 4)
    path.write_bytes(bytes(data))
    assert info.file_size != size
    return path


# file name → (its bytes or a file to copy, words the message must contain)
def _docx_cases(tmp: Path) -> dict[str, tuple[bytes | Path, list[str]]]:
    good = write_docx(tmp / "good.docx", GOOD_BODY)
    no_document = word_parts(GOOD_BODY)
    del no_document["word/document.xml"]
    workbook = survey_xlsx(tmp / "wb.xlsx")
    return {case[0]: case[1:] for case in [
        ("tekst.docx", b"Interviewer: Hallo\nRespondent: Dag\n", ["plain-text", "rename it to .txt"]),
        ("leeg.docx", b"", ["empty"]),
        ("oud.docx", ole("WordDocument", "1Table"), ["Word 97-2003", "save it as Word Document (.docx)"]),
        ("versleuteld.docx", ole("EncryptionInfo", "EncryptedPackage"),
         ["password", "cannot read encrypted files", "Encrypt with Password"]),
        ("rtf.docx", b"{\\rtf1\\ansi Interviewer: Hallo}", ["RTF"]),
        ("half.docx", good.read_bytes()[:len(good.read_bytes()) // 2], ["incomplete or damaged"]),
        ("kapot.docx", write_zip(tmp / "k.docx", {**word_parts(GOOD_BODY), "word/document.xml":
                                 '<?xml version="1.0"?><w:document><w:body><w:p></w:body>'}),
         ["word/document.xml", "not well-formed XML"]),
        ("zonder.docx", write_zip(tmp / "z.docx", no_document), ["word/document.xml is missing"]),
        ("werkboek.docx", workbook, ["Excel workbook", ".xlsx"]),
        ("odt.docx", write_zip(tmp / "o.odt", {"mimetype": "application/vnd.oasis.opendocument.text",
                                               "content.xml": "<office:document-content/>"}),
         ["OpenDocument", "LibreOffice"]),
        ("zip.docx", write_zip(tmp / "a.zip", {"notities.txt": "Interviewer: Hallo"}), ["not an Office document"]),
        ("lachen.docx", write_docx(tmp / "l.docx", GOOD_BODY.replace("Druk", "&lol9;"), prolog=BILLION_LAUGHS),
         ["word/document.xml", "DOCTYPE"]),
        ("stijl.docx", write_zip(tmp / "s.docx", {**word_parts(GOOD_BODY), "word/styles.xml":
                                 '<?xml version="1.0"?><!DOCTYPE s [<!ENTITY a "b">]><w:styles '
                                 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>'}),
         ["word/styles.xml", "DOCTYPE"]),
        ("utf16.docx", write_zip(tmp / "u.docx", {**word_parts(GOOD_BODY), "word/document.xml":
                                 word_parts(GOOD_BODY, prolog=BILLION_LAUGHS)["word/document.xml"]
                                 .replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")}),
         ["word/document.xml", "DOCTYPE"]),
    ]}


DOCX_CASES = ["tekst.docx", "leeg.docx", "oud.docx", "versleuteld.docx", "rtf.docx", "half.docx", "kapot.docx",
              "zonder.docx", "werkboek.docx", "odt.docx", "zip.docx", "lachen.docx", "stijl.docx", "utf16.docx"]
XLSX_CASES = ["tekst.xlsx", "oud.xlsx", "versleuteld.xlsx", "half.xlsx", "kapot.xlsx", "zonder.xlsx",
              "doctype.xlsx", "document.xlsx"]


def _xlsx_cases(tmp: Path) -> dict[str, tuple[bytes | Path, list[str]]]:
    good = survey_xlsx(tmp / "goed.xlsx")
    sheet = zipfile.ZipFile(good).read("xl/worksheets/sheet1.xml").decode()
    doctype = '<!DOCTYPE x [<!ENTITY a "R01">]>' + sheet.replace(">R01<", ">&a;<")
    return {case[0]: case[1:] for case in [
        ("tekst.xlsx", b"respondent,antwoord\nR01,Te druk\n", ["plain-text", "rename it to .csv"]),
        ("oud.xlsx", ole("Workbook", "SummaryInformation"), ["Excel 97-2003", "Excel Workbook (.xlsx)"]),
        ("versleuteld.xlsx", ole("EncryptionInfo", "EncryptedPackage"),
         ["password", "cannot read encrypted files", "Protect Workbook"]),
        ("half.xlsx", good.read_bytes()[:len(good.read_bytes()) * 2 // 3], ["incomplete or damaged"]),
        ("kapot.xlsx", rewritten(good, tmp / "k.xlsx", {"xl/worksheets/sheet1.xml": sheet[:len(sheet) // 2]}),
         ["xl/worksheets/sheet1.xml", "not well-formed XML"]),
        ("zonder.xlsx", rewritten(good, tmp / "z.xlsx", {"xl/worksheets/sheet1.xml": None}),
         ["xl/worksheets/sheet1.xml", "missing"]),
        ("doctype.xlsx", rewritten(good, tmp / "d.xlsx", {"xl/worksheets/sheet1.xml": doctype}),
         ["xl/worksheets/sheet1.xml", "DOCTYPE"]),
        ("document.xlsx", write_docx(tmp / "w.docx", GOOD_BODY), ["Word document", ".docx"]),
    ]}


def _imported(cli, tmp_path: Path) -> list[str]:
    cli("init", str(cli.folder), project=False)
    first = tmp_path / "eerder"
    first.mkdir()
    (first / "U00.txt").write_text("Interviewer: Hoe gaat het?\nRespondent: Goed.\n", encoding="utf-8")
    assert cli("import", str(first)).exit_code == 0
    with Project.open(cli.folder) as project:
        return database_dump(project)


def _dump(cli) -> list[str]:
    with Project.open(cli.folder) as project:
        return database_dump(project)


def _write(folder: Path, name: str, source: bytes | Path) -> Path:
    folder.mkdir(exist_ok=True)
    target = folder / name
    target.write_bytes(source if isinstance(source, bytes) else source.read_bytes())
    return target


def _assert_refused(result, name: str, words: list[str]) -> None:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    flat = " ".join(result.output.split())
    assert name in flat
    for word in words:
        assert word in flat, f"{word!r} not in {flat!r}"


def test_every_case_is_tested(tmp_path):
    assert sorted(_docx_cases(tmp_path)) == sorted(DOCX_CASES)
    assert sorted(_xlsx_cases(tmp_path)) == sorted(XLSX_CASES)


@pytest.mark.parametrize("name", DOCX_CASES)
def test_a_bad_word_file_is_refused_with_a_clear_message(cli, tmp_path, name):
    source, words = _docx_cases(tmp_path)[name]
    before = _imported(cli, tmp_path)
    bad = _write(tmp_path / "nieuw", name, source)
    write_docx(tmp_path / "nieuw" / "U02.docx", GOOD_BODY)
    _assert_refused(cli("import", str(tmp_path / "nieuw")), name, words)
    assert _dump(cli) == before
    skipped = cli("import", "--skip-bad", str(tmp_path / "nieuw"))
    assert skipped.exit_code == 0, skipped.output
    assert bad.name in skipped.output
    with Project.open(cli.folder) as project:
        names = [row[0] for row in project.conn.execute("SELECT name FROM transcripts ORDER BY name")]
    assert names == ["U00.txt", "U02.docx"]


@pytest.mark.parametrize("name", XLSX_CASES)
def test_a_bad_excel_survey_is_refused_with_a_clear_message(cli, tmp_path, name):
    source, words = _xlsx_cases(tmp_path)[name]
    before = _imported(cli, tmp_path)
    bad = _write(tmp_path / "nieuw", name, source)
    good = survey_xlsx(tmp_path / "nieuw" / "enquete.xlsx")
    options = ["--id-column", "respondent", "--text-column", "antwoord"]
    _assert_refused(cli("import", *options, str(bad), str(good)), name, words)
    assert _dump(cli) == before
    skipped = cli("import", "--skip-bad", *options, str(bad), str(good))
    assert skipped.exit_code == 0, skipped.output
    with Project.open(cli.folder) as project:
        assert project.conn.execute("SELECT count(*) FROM transcripts WHERE format = 'survey'").fetchone()[0] == 2


def test_a_bad_participants_sheet_stops_the_transcripts_beside_it(cli, tmp_path):
    before = _imported(cli, tmp_path)
    folder = tmp_path / "nieuw"
    _write(folder, "participants.xlsx", _xlsx_cases(tmp_path)["versleuteld.xlsx"][0])
    write_docx(folder / "U02.docx", GOOD_BODY)
    _assert_refused(cli("import", str(folder)), "participants.xlsx", ["encrypted"])
    assert _dump(cli) == before


def test_a_bad_codings_sheet_is_refused(cli, tmp_path):
    before = _imported(cli, tmp_path)
    sheet = _write(tmp_path, "codes.xlsx", _xlsx_cases(tmp_path)["doctype.xlsx"][0])
    _assert_refused(cli("codings", "import", str(sheet), "--coder", "anna"), "codes.xlsx", ["DOCTYPE"])
    assert _dump(cli) == before


def test_an_external_entity_leaks_nothing(cli, tmp_path):
    """XXE: the DOCTYPE is refused before any parser could fetch the file it names."""
    before = _imported(cli, tmp_path)
    body = labelled("Interviewer", "Waar woon je?") + labelled("Respondent", "In &geheim;.")
    bad = write_docx(tmp_path / "xxe.docx", body, prolog=XXE)
    result = cli("import", str(bad))
    _assert_refused(result, "xxe.docx", ["DOCTYPE"])
    hostname = Path("/etc/hostname").read_text().strip() if Path("/etc/hostname").exists() else "\x00"
    assert hostname not in result.output
    assert _dump(cli) == before


# Sizes: what a zip would unpack to is bounded before any library opens it.

def test_a_zip_bomb_is_refused_before_it_is_unpacked(cli, tmp_path):
    """The issue's case: a small .docx whose document.xml unpacks to 400 MB."""
    before = _imported(cli, tmp_path)
    bomb = tmp_path / "bom.docx"
    parts = word_parts(GOOD_BODY)
    document = parts.pop("word/document.xml").encode()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            member.write(document[:-len("</w:body></w:document>")])
            padding = b" " * (1 << 24)
            for _ in range(24):
                member.write(padding)
            member.write(b"</w:body></w:document>")
    assert bomb.stat().st_size < 2_000_000
    result = cli("import", str(bomb))
    _assert_refused(result, "bom.docx", ["unpacks to", "MB", "3-hour transcript"])
    assert _dump(cli) == before


def test_a_tightly_packed_part_is_refused(cli, tmp_path):
    before = _imported(cli, tmp_path)
    parts = word_parts(GOOD_BODY)
    parts["word/document.xml"] = parts["word/document.xml"].replace("<w:sectPr/>", " " * 20_000_000 + "<w:sectPr/>")
    bomb = write_zip(tmp_path / "dicht.docx", parts)
    _assert_refused(cli("import", str(bomb)), "dicht.docx", ["times its packed size", "limit is 100 times"])
    assert _dump(cli) == before


def test_declared_sizes_are_bounded_and_a_lie_about_them_does_not_help(cli, tmp_path):
    before = _imported(cli, tmp_path)
    big = declared_size(write_docx(tmp_path / "groot.docx", GOOD_BODY), "word/document.xml", 3_000_000_000)
    _assert_refused(cli("import", str(big)), "groot.docx", ["unpacks to", "MB"])
    parts = word_parts(GOOD_BODY)
    parts["word/document.xml"] = parts["word/document.xml"].replace("<w:sectPr/>", " " * 500_000 + "<w:sectPr/>")
    small = declared_size(write_zip(tmp_path / "klein.docx", parts), "word/document.xml", 1_000)
    _assert_refused(cli("import", str(small)), "klein.docx", ["damaged"])
    assert _dump(cli) == before


def test_too_many_parts_are_refused(cli, tmp_path):
    before = _imported(cli, tmp_path)
    parts = word_parts(GOOD_BODY)
    parts.update({f"word/media/leeg{i}.bin": b"" for i in range(10_001)})
    crowded = write_zip(tmp_path / "vol.docx", parts, compression=zipfile.ZIP_STORED)
    _assert_refused(cli("import", str(crowded)), "vol.docx", ["10,006 parts", "the limit is 10,000"])
    assert _dump(cli) == before


@pytest.mark.parametrize("name, advice", [("U03.doc", "save it as Word Document (.docx)"),
                                          ("U03.odt", "save it as Word Document (.docx)"),
                                          ("enquete.xls", "save it as Excel Workbook (.xlsx)")])
def test_an_older_or_other_office_format_says_how_to_save_it(cli, tmp_path, name, advice):
    before = _imported(cli, tmp_path)
    bad = _write(tmp_path / "nieuw", name, ole("WordDocument"))
    _assert_refused(cli("import", str(bad.parent)), name, [f"cannot read {bad.suffix} files", advice])
    assert _dump(cli) == before
