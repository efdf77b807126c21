"""A synthetic corpus of Dutch-looking exit interviews for benchmarks (seeded, reproducible)."""
from __future__ import annotations

import random
from pathlib import Path

_OPENERS = ["Ik", "Wij", "Mijn leidinggevende", "De organisatie", "Een collega", "De gemeente", "Die cliënt",
            "Het team", "Mijn coördinator", "De jongeren", "Het wijkteam", "Onze directeur"]
_VERBS = ["merkte", "vond", "zei", "wilde", "kon", "moest", "probeerde", "vroeg", "zag", "begreep", "hoorde",
          "registreerde", "besprak", "regelde", "miste", "verwachtte", "ervoer", "deelde"]
_WORDS = """eigenlijk gewoon steeds meer werkdruk registratie systeem cliënten gesprekken huisbezoek
aanbesteding subsidie contract jaar wijk school jeugdzorg ketenpartners overleg vergadering intervisie
supervisie waardering erkenning salaris schaal plafond doorgroeien functie senior coördinator
sollicitatie afgewezen burn-out ziekmelding collega's leidinggevende vertrouwen veiligheid agressie
bedreigd geschreeuw politie melding nazorg opleiding stage praktijk theorie energie uitdaging
ontwikkeling cursus budget tijd administratie verantwoording productie uren caseload wachtlijst
gezin kinderen jongeren ouderen bewoners buurthuis project initiatief gemeente beleid wethouder
raad politiek bezuiniging reorganisatie team sfeer cultuur communicatie ruimte vrijheid regie
nieuwe baan onderwijs docent beleidsmedewerker zzp freelance trainer rust balans privé thuis""".split()
_TAILS = ["dat het zo niet langer kon", "maar niemand luisterde", "en daar werd ik moe van",
          "omdat er geen geld voor was", "terwijl de cliënten daar niets aan hadden", "en toen ben ik gestopt",
          "want dat hoorde er nu eenmaal bij", "zonder dat iemand vroeg hoe het ging"]
_QUESTIONS = ["Kun je daar een voorbeeld van geven?", "Hoe reageerde je leidinggevende daarop?",
              "Wat gaf je in die periode energie?", "Hoe lang heb je erover nagedacht om te vertrekken?",
              "Wat is er in je nieuwe baan echt beter?", "Wat zou je werkgevers in het sociaal werk adviseren?"]


def sentence(rng: random.Random) -> str:
    middle = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(4, 12)))
    return f"{rng.choice(_OPENERS)} {rng.choice(_VERBS)} {middle} {rng.choice(_TAILS)}."


def transcript(rng: random.Random, words: int) -> str:
    lines, count = [], 0
    while count < words:
        question = rng.choice(_QUESTIONS)
        lines.append(f"I: {question}\n")
        count += len(question.split())
        paragraphs = []
        for _ in range(rng.randint(1, 3)):
            paragraph = " ".join(sentence(rng) for _ in range(rng.randint(2, 6)))
            paragraphs.append(paragraph)
            count += len(paragraph.split())
        lines.append("R: " + "\n\n".join(paragraphs) + "\n")
    return "\n".join(lines)


def write_corpus(folder: Path, transcripts: int, words: int = 10_000, seed: int = 7) -> int:
    """Write `transcripts` files of about `words` words; return the words written."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    total = 0
    for number in range(1, transcripts + 1):
        text = transcript(rng, words)
        (folder / f"T{number:04d}.txt").write_text(text, encoding="utf-8")
        total += len(text.split())
    return total
