"""A small synthetic exit study for the quote tests: four leavers, a two-theme codebook, real files on disk."""
from __future__ import annotations

from pathlib import Path

from qcode import Project

CODEBOOK = """\
name: Citatenstudie
version: "1"
language: nl
codes:
  - id: werkdruk
    label: Werkdruk
    codes:
      - id: werkdruk-registratie
        label: Registratiedruk
      - id: werkdruk-productie
        label: Sturen op productie
  - id: doorgroei
    label: Doorgroeimogelijkheden
"""

TRANSCRIPTS = {
    "P01": [
        "Ik werkte acht jaar in het wijkteam. Het begon eigenlijk heel mooi.",
        "Op een gegeven moment zat ik meer achter de computer dan bij de gezinnen. Elk gesprek moest "
        "in drie systemen worden vastgelegd. Dat was voor mij de druppel.",
        "En dan werd er ook nog geteld hoeveel trajecten je per maand afsloot, alsof het een fabriek was.",
        "Doorgroeien kon niet. Er was geen functie tussen mij en de manager.",
    ],
    "P02": [
        "De registratie nam echt de helft van mijn week in beslag.",
        "Ik merkte dat ik moe werd van de cijfers. Niemand vroeg hoe het met de cliënt ging, alleen hoeveel "
        "uur ik had geschreven. Toen dacht ik: dit is mijn vak niet meer.",
    ],
    "P03": [
        "Wij moesten elk kwartaal laten zien dat we genoeg huisbezoeken deden.",
        "Ik wilde graag senior worden, maar die plekken waren er gewoon niet.",
    ],
    "P04": [
        "Het rapporteren was het ergste. Uren per week, voor niemand.",
    ],
    "P05": [
        "Kijk, ik begon elke maandag met een lijst van wat er die week in het systeem moest, en dat was al "
        "een halve dag werk voordat ik ook maar één gezin had gezien. Dan kwamen de evaluaties, de "
        "tussenrapportages voor de gemeente, de registratie van elk telefoontje en elk huisbezoek, en aan "
        "het eind van de maand de productiecijfers die weer naar de manager gingen. Ik snap dat er "
        "verantwoording moet zijn, echt, maar op een gegeven moment ging het alleen nog maar daarover. In "
        "het teamoverleg werd niet meer over cliënten gepraat, alleen over achterstanden in het dossier. En "
        "als je dan een gezin in crisis had en daar een middag voor vrijmaakte, dan liep je weer achter met "
        "je administratie en kreeg je daar een opmerking over. Dat heeft me uiteindelijk de das omgedaan, "
        "denk ik, meer dan de cliënten zelf ooit hebben gedaan.",
    ],
}


def make_study(folder: Path) -> Path:
    """Transcripts (I:/R:), a participants sheet and the codebook, written as a researcher would have them."""
    folder.mkdir(parents=True, exist_ok=True)
    for participant, answers in TRANSCRIPTS.items():
        lines = []
        for number, answer in enumerate(answers, start=1):
            lines += [f"I: Vraag {number}, kun je daar iets meer over vertellen?", "", f"R: {answer}", ""]
        (folder / f"{participant}.txt").write_text("\n".join(lines), encoding="utf-8")
    (folder / "participants.csv").write_text(
        "participant,transcript,age,former_role\n"
        "P01,P01.txt,38,maatschappelijk werker\nP02,P02.txt,45,wijkcoach\n"
        "P03,P03.txt,29,jongerenwerker\nP04,P04.txt,52,schoolmaatschappelijk werker\n"
        "P05,P05.txt,34,gezinscoach\n", encoding="utf-8")
    return folder


def open_study(tmp_path: Path) -> Project:
    files = make_study(tmp_path / "bestanden")
    project = Project.init(tmp_path / "studie")
    (project.root / "codeboek.yaml").write_text(CODEBOOK, encoding="utf-8")
    project.load_codebook(project.root / "codeboek.yaml")
    project.import_paths([files])
    return project


def fragment(project: Project, participant: str, words: str) -> int:
    [found] = [f.id for f in project.fragments(participant=participant, role="participant") if words in f.text]
    return found


def coding_id(project: Project, fragment_id: int, code: str, coder: str = "anna") -> int:
    return project.conn.execute("SELECT id FROM codings WHERE fragment_id = ? AND code_id = ? AND coder = ?",
                                (fragment_id, code, coder)).fetchone()[0]
