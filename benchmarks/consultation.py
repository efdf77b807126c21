"""A synthetic national consultation of social workers: closed questions, open answers, and their coding.

The answers are built from hand-written Dutch sentences, each expressing one category of the
consultation codebook (`codebooks/consultatie.yaml`), so every answer's coding is known. Seeded:
the same arguments give the same sheet. Used two ways:

    python benchmarks/consultation.py --example          # the example study's consultation (150 respondents)
    from consultation import write_sheet                  # the survey benchmark (1,200 × 10 questions)
"""
from __future__ import annotations

import argparse
import csv
import random
from pathlib import Path

REPO = Path(__file__).parent.parent

QUESTIONS = {
    "V07": "Hoe ervaart u de samenwerking met zorgaanbieders en andere partners in de wijk?",
    "V12": "Wat is voor u de belangrijkste reden om het sociaal werk (misschien) te verlaten?",
    "V15": "Wat zou uw werkgever kunnen doen om u voor het sociaal werk te behouden?",
}

# question → category code → sentences that say it (each a whole sentence, as respondents write them)
SENTENCES: dict[str, dict[str, list[str]]] = {
    "V07": {
        "samenwerking-eilandjes": [
            "Iedereen werkt op zijn eigen eilandje.",
            "Er zijn zoveel organisaties in de wijk dat niemand nog weet wie wat doet.",
            "We zitten met vijf hulpverleners bij één gezin en niemand stemt af.",
            "De zorgaanbieders kennen ons niet en wij kennen hen niet.",
            "Elke partner heeft zijn eigen systeem en zijn eigen overleg.",
            "Afstemming kost meer tijd dan de hulp zelf.",
            "Het is erg versnipperd, je moet steeds opnieuw uitzoeken bij wie je moet zijn.",
        ],
        "samenwerking-goed": [
            "Met de huisartsen in onze wijk gaat het eigenlijk heel goed.",
            "De lijntjes met de wijkverpleging zijn kort, we bellen elkaar gewoon even.",
            "Sinds we samen in één gebouw zitten loopt het veel beter.",
            "Met de meeste partners werk ik prettig samen.",
            "We hebben een vast wijkoverleg en dat werkt echt.",
            "Ik ken de mensen bij de GGZ persoonlijk, dat scheelt enorm.",
        ],
        "samenwerking-wachtlijsten": [
            "Verwijzen heeft weinig zin, want overal zijn wachtlijsten.",
            "Voor jeugdhulp wacht een gezin al snel een half jaar.",
            "De specialistische zorg zit vol, dus wij houden mensen veel te lang vast.",
            "We vangen op wat eigenlijk bij de GGZ hoort, omdat daar geen plek is.",
            "Mensen vallen tussen wal en schip terwijl ze op de wachtlijst staan.",
        ],
        "samenwerking-kastje-muur": [
            "Cliënten worden van het kastje naar de muur gestuurd.",
            "Iedereen zegt dat het niet bij hen hoort.",
            "Als het ingewikkeld wordt, schuift iedereen het door naar het sociaal werk.",
            "Het wijkteam verwijst terug naar ons en wij weer naar het wijkteam.",
            "Niemand wil eigenaar zijn van een moeilijke casus.",
        ],
        "samenwerking-privacy": [
            "Door de privacyregels mogen we bijna niets delen, ook niet als het nodig is.",
            "Ik krijg geen informatie terug nadat ik iemand heb doorverwezen.",
            "Toestemming regelen voor elk gesprek met een partner kost veel tijd.",
            "De AVG wordt gebruikt als reden om niet samen te werken.",
        ],
    },
    "V12": {
        "reden-werkdruk": [
            "De werkdruk is gewoon te hoog.",
            "Mijn caseload is in twee jaar bijna verdubbeld.",
            "Ik kom niet meer toe aan de mensen zelf, alleen nog aan brandjes blussen.",
            "Ik zat tegen een burn-out aan en ben toen even gestopt.",
            "Er komen steeds taken bij en er gaat nooit iets af.",
            "Collega's vallen uit en het werk wordt verdeeld over wie er nog is.",
            "Ik neem het werk elke avond mee naar huis in mijn hoofd.",
        ],
        "reden-salaris": [
            "Het salaris staat niet in verhouding tot de verantwoordelijkheid.",
            "Ik zit al jaren aan het einde van mijn schaal.",
            "In het onderwijs verdien ik met dezelfde opleiding meer.",
            "Met dit salaris kan ik als alleenstaande geen huis betalen.",
            "Bij de gemeente krijg je voor vergelijkbaar werk twee schalen hoger.",
        ],
        "reden-doorgroei": [
            "Er zijn geen doorgroeimogelijkheden, je blijft altijd uitvoerend werker.",
            "Na tien jaar doe ik nog precies hetzelfde werk.",
            "Een specialistische functie of senior rol bestaat bij ons niet.",
            "Ik heb twee keer intern gesolliciteerd en beide keren ging het naar iemand van buiten.",
            "Ik wil me ontwikkelen, maar daar is geen ruimte of budget voor.",
        ],
        "reden-administratie": [
            "Ik ben meer tijd kwijt aan registreren dan aan het gesprek zelf.",
            "Elke financier wil andere formulieren en andere cijfers.",
            "De verantwoording naar de gemeente slokt mijn tijd op.",
            "We registreren in drie systemen die niet met elkaar praten.",
            "Alles moet worden vastgelegd, ook wat niemand ooit leest.",
        ],
        "reden-aanbesteding": [
            "Elke twee jaar een nieuwe aanbesteding, dan weet je weer niet of je baan blijft.",
            "Ik heb al drie keer een andere werkgever gehad voor hetzelfde werk in dezelfde wijk.",
            "Tijdelijke contracten omdat de subsidie maar voor een jaar is.",
            "De gemeente verandert steeds van koers en wij moeten mee.",
        ],
        "reden-agressie": [
            "De agressie van cliënten is toegenomen en niemand doet er iets mee.",
            "Na een bedreiging werd ik de volgende dag weer gewoon ingeroosterd.",
            "Ik voel me niet meer veilig bij huisbezoeken.",
            "Schelden en intimidatie horen er inmiddels bij, en dat zou niet zo moeten zijn.",
        ],
        "reden-leiding": [
            "Mijn leidinggevende heeft geen idee wat het werk inhoudt.",
            "Er is geen waardering vanuit de organisatie, alleen maar sturing op cijfers.",
            "Het management zit ver weg en luistert niet naar de werkvloer.",
            "Bij problemen sta je er alleen voor.",
        ],
        "reden-blijven": [
            "Ik ben niet van plan te vertrekken, ik doe dit werk met plezier.",
            "Ik blijf, omdat ik elke dag zie dat het verschil maakt.",
            "Vertrekken ben ik niet van plan, al is het soms zwaar.",
            "Voorlopig blijf ik, mijn team houdt me hier.",
        ],
    },
    "V15": {
        "behoud-caseload": [
            "Een eerlijke caseload, zodat ik mijn werk goed kan doen.",
            "Minder cliënten per werker.",
            "Zorgen dat vacatures snel worden ingevuld, zodat wij het werk niet erbij hoeven te doen.",
            "Ruimte in het rooster om ook eens na te denken over een casus.",
        ],
        "behoud-salaris": [
            "Een beter salaris en een hogere schaal voor ervaren werkers.",
            "Betalen zoals de gemeente betaalt.",
            "Een reiskostenvergoeding die de kosten echt dekt.",
            "Waardering mag ook in euro's.",
        ],
        "behoud-ontwikkeling": [
            "Scholing en tijd om die scholing ook te volgen.",
            "Doorgroeimogelijkheden, bijvoorbeeld een rol als specialist of werkbegeleider.",
            "Een opleidingsbudget dat je zelf mag besteden.",
            "Meer ruimte voor intervisie en supervisie.",
            "Een goed inwerkprogramma voor nieuwe collega's.",
        ],
        "behoud-administratie": [
            "Minder administratie, één systeem in plaats van drie.",
            "Alleen vastleggen wat echt nodig is.",
            "Ondersteuning door een administratief medewerker.",
        ],
        "behoud-zekerheid": [
            "Vaste contracten in plaats van steeds een jaar.",
            "Afspraken met de gemeente voor langere tijd, zodat we niet elke twee jaar opnieuw beginnen.",
            "Zekerheid dat mijn baan blijft als de aanbesteding wisselt.",
        ],
        "behoud-vertrouwen": [
            "Vertrouwen in de professional in plaats van alles controleren.",
            "Een leidinggevende die het vak kent en achter je staat.",
            "Serieus luisteren naar wat wij op de werkvloer zien.",
            "Meer eigen regie over hoe ik mijn werk indeel.",
            "Na een incident echte nazorg, niet alleen een formulier.",
        ],
    },
}

WEIGHTS = {"samenwerking-eilandjes": 3, "samenwerking-wachtlijsten": 3, "samenwerking-goed": 2,
           "samenwerking-kastje-muur": 2, "samenwerking-privacy": 1, "reden-werkdruk": 6, "reden-salaris": 3,
           "reden-doorgroei": 2, "reden-administratie": 3, "reden-aanbesteding": 2, "reden-agressie": 1,
           "reden-leiding": 2, "reden-blijven": 2, "behoud-caseload": 4, "behoud-salaris": 3, "behoud-ontwikkeling": 3,
           "behoud-administratie": 2, "behoud-zekerheid": 1, "behoud-vertrouwen": 2}  # how often each comes up
EXCLUSIVE = {"reden-blijven"}  # said alone: not leaving is no reason to leave
OPENERS = [""] * 12 + ["Eerlijk gezegd: ", "Kort gezegd: ", "Tja. ", "Voor mij is het duidelijk. ", "Lastig. "]
ROLES = ["maatschappelijk werker", "jongerenwerker", "opbouwwerker", "schoolmaatschappelijk werker",
         "welzijnswerker", "sociaal raadslid", "ambulant hulpverlener", "buurtwerker"]
SECTORS = ["welzijn", "welzijn", "welzijn", "gemeente", "jeugdhulp", "onderwijs", "ggz"]
YEARS = ["0-2 jaar", "3-5 jaar", "6-10 jaar", "11-20 jaar", "meer dan 20 jaar"]
REGIONS = ["Noord", "Oost", "Zuid", "West", "Midden"]


def respondent(rng: random.Random, number: int, questions: dict[str, dict[str, list[str]]],
               answer_rate: float, longest: int) -> tuple[dict[str, object], list[tuple[str, str, list[str]]]]:
    """One row of the sheet, and its answers as (question, text, categories)."""
    row: dict[str, object] = {"respondent": f"R{number:04d}", "rol": rng.choice(ROLES), "sector": rng.choice(SECTORS),
                              "jaren_in_het_werk": rng.choice(YEARS), "regio": rng.choice(REGIONS),
                              "leeftijd": rng.randint(23, 63)}
    answers = []
    for question, categories in questions.items():
        if rng.random() > answer_rate:
            row[question] = None
            continue
        by_weight = sorted(sorted(categories), key=lambda c: -rng.random() ** (1 / WEIGHTS.get(c, 1)))
        chosen = by_weight[:rng.choice([1, 1, 1, 2, 2, 3])]  # a weighted draw without replacement
        chosen = [c for c in chosen if c in EXCLUSIVE][:1] or chosen
        sentences = [rng.choice(categories[category]) for category in chosen]
        while longest > 60 and rng.random() < 0.5 and len(" ".join(sentences).split()) < longest - 25:
            category = rng.choice(chosen)
            sentences.append(rng.choice(categories[category]))  # a longer answer says more of the same
        opener, body = rng.choice(OPENERS), " ".join(dict.fromkeys(sentences))
        if opener.endswith(": "):
            body = body[:1].lower() + body[1:]  # after a colon the sentence goes on in lower case
        text = opener + body
        if any(text == given for _, given, _ in answers):  # the same words twice from one respondent: once
            row[question] = None
            continue
        row[question] = text
        answers.append((question, text, chosen))
    return row, answers


def build(respondents: int, questions: dict[str, dict[str, list[str]]], seed: int = 12, answer_rate: float = 0.8,
          longest: int = 60) -> tuple[list[dict[str, object]], list[tuple[str, str, str, list[str]]]]:
    rng = random.Random(seed)
    rows, codings = [], []
    for number in range(1, respondents + 1):
        row, answers = respondent(rng, number, questions, answer_rate, longest)
        rows.append(row)
        codings += [(str(row["respondent"]), question, text, chosen) for question, text, chosen in answers]
    return rows, codings


def write_sheet(path: Path, rows: list[dict[str, object]], questions: list[str], question_texts: dict[str, str]) -> None:
    """An Excel export as survey tools write one: a header of column codes, one row per respondent."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Antwoorden"
    columns = ["respondent", "rol", "sector", "jaren_in_het_werk", "regio", "leeftijd", *questions]
    sheet.append(columns)
    for row in rows:
        sheet.append([row.get(column) for column in columns])
    texts = book.create_sheet("Vragen")
    texts.append(["vraag", "tekst"])
    for question in questions:
        texts.append([question, question_texts.get(question, question)])
    book.save(path)


def write_codings(path: Path, sheet_name: str, codings: list[tuple[str, str, str, list[str]]], coder: str) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["transcript", "text", "code", "coder"])
        for respondent_id, _, text, categories in codings:
            for category in categories:
                writer.writerow([f"{sheet_name}#{respondent_id}", text, category, coder])


def write_questions(path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["vraag", "tekst"])
        for question, text in QUESTIONS.items():
            writer.writerow([question, text])


# What some respondents of the example wrote beyond the stock sentences: the names, places, phone numbers
# and e-mail addresses people put in an open answer (all invented), for the test that no export of the
# example carries them (tests/test_example_identifiers.py). (respondent, question) → (words, the words as written)
EXAMPLE_DETAILS: dict[tuple[str, str], tuple[str, str]] = {
    ("R0078", "V07"): ("met een partner kost veel tijd.", "met het wijkteam Kievitshoek kost veel tijd."),
    ("R0133", "V07"): ("werk ik prettig samen.", "werk ik prettig samen, vooral met Jeroen van de GGD."),
    ("R0027", "V12"): ("andere formulieren en andere cijfers.",
                       "andere formulieren en andere cijfers, en de gemeente Dalvoorde spant de kroon."),
    ("R0157", "V15"): ("als de aanbesteding wisselt.", "als Stichting Welzijn Vlietbergen de aanbesteding verliest."),
    ("R0079", "V15"): ("op de werkvloer zien.", "op de werkvloer zien, zoals Marja de Boer dat vroeger deed."),
    ("R0041", "V15"): ("na te denken over een casus.",
                       "na te denken over een casus. Voor een toelichting kunt u mij bellen: 06-23 84 61 07."),
    ("R0120", "V12"): ("ook wat niemand ooit leest.",
                       "ook wat niemand ooit leest. Mail gerust als u meer wilt weten: w.hendriks@buurtwerkdalvoorde.nl"),
}


def with_details(rows: list[dict[str, object]], codings: list[tuple[str, str, str, list[str]]],
                 details: dict[tuple[str, str], tuple[str, str]]) -> tuple[list, list]:
    """The sheet and its codings with some answers worded as `details` says (their categories unchanged)."""
    texts = {}
    for row in rows:
        for question in QUESTIONS:
            if (row["respondent"], question) in details:
                words, written = details[(str(row["respondent"]), question)]
                assert words in str(row[question]), (row["respondent"], question)
                row[question] = texts[(row["respondent"], question)] = str(row[question]).replace(words, written)
    return rows, [(r, q, texts.get((r, q), text), chosen) for r, q, text, chosen in codings]


def example() -> None:
    """The example study's consultation: 160 respondents, three open questions, coded by anna."""
    folder = REPO / "transcripts" / "survey"
    folder.mkdir(parents=True, exist_ok=True)
    rows, codings = with_details(*build(160, SENTENCES, seed=12, answer_rate=0.78), EXAMPLE_DETAILS)
    write_sheet(folder / "consultatie.xlsx", rows, list(QUESTIONS), QUESTIONS)
    write_questions(folder / "vragen.csv")
    write_codings(folder / "consultatie-codering-anna.csv", "consultatie.xlsx", codings, "anna")
    print(f"{len(rows)} respondents, {len(codings)} answers, "
          f"{sum(len(c[3]) for c in codings)} codings → {folder}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--example", action="store_true", help="write the example study's consultation files")
    if parser.parse_args().example:
        example()
    else:
        parser.print_help()
