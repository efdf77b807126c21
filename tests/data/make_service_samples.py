"""Writes the transcription-service samples in tests/data/services (run once; the files are committed).

Synthetic Dutch exit interviews, no real person: each sample takes its own stretch of the
question-and-answer pool below, so that no two samples hold the same words (qcode refuses the same
interview under two names). Run from the repository: python tests/data/make_service_samples.py
"""
from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).parent / "services"

POOL = [
    ("Kun je iets vertellen over je laatste functie?",
     "Ik was zeven jaar maatschappelijk werker in een sociaal wijkteam, vooral met gezinnen met schulden."),
    ("Wat trok je destijds in dit vak?",
     "Dat je echt naast mensen staat. Je ziet iemand weer grip krijgen op zijn leven, daar deed ik het voor."),
    ("Hoe zag een gewone werkweek eruit?",
     "Drie dagen huisbezoeken en overleggen, en eigenlijk twee dagen alleen maar rapporteren in het systeem."),
    ("Was dat rapporteren altijd al zo veel?",
     "Nee, dat is sluipend gegaan. Elk jaar kwam er een formulier bij, en er ging er nooit een af."),
    ("Wanneer begon je te twijfelen of je wilde blijven?",
     "Na de reorganisatie van twee jaar geleden. Mijn vaste collega's werden over andere wijken verdeeld."),
    ("Wat deed die reorganisatie met het team?",
     "Het team viel uit elkaar. Je kende elkaars cliënten niet meer, dus je kon ook niet meer even sparren."),
    ("Had je het gevoel dat je leidinggevende je steunde?",
     "Ze was goedwillend, maar ze had vijfendertig mensen onder zich. Een gesprek moest je weken vooruit plannen."),
    ("Kreeg je ruimte om je te ontwikkelen?",
     "Ik heb twee keer om een opleiding systemisch werken gevraagd. Beide keren was er geen budget."),
    ("Hoe was de werkdruk in je laatste jaar?",
     "Te hoog. Ik had achtendertig gezinnen terwijl twintig al veel is. Ik sliep slecht en werd prikkelbaar."),
    ("Heb je dat ergens aangekaart?",
     "Ja, in het werkoverleg en bij de ondernemingsraad. Er werd geknikt, en daarna gebeurde er niks."),
    ("Wat was uiteindelijk de druppel?",
     "Een moeder die ik niet op tijd kon helpen omdat ik met een verantwoordingsrapport bezig was. Dat heb ik mezelf kwalijk genomen."),
    ("Hoe reageerden je collega's toen je vertrok?",
     "Begripvol. Twee van hen zijn zelf ook aan het solliciteren, dat zegt eigenlijk genoeg."),
    ("Wat doe je nu?",
     "Ik werk als beleidsadviseur bij de gemeente. Ander werk, maar ik kan er wel iets van mijn ervaring in kwijt."),
    ("Wat is er beter in je nieuwe baan?",
     "Ik word serieus genomen, ik heb tijd om na te denken en mijn salaris is een stuk hoger."),
    ("Mis je iets van het oude werk?",
     "Het contact met de gezinnen, absoluut. Soms fiets ik door de wijk en denk ik: hoe zou het met ze gaan?"),
    ("Hoe keek je tegen je salaris aan?",
     "Voor het werk dat je doet is het te weinig. Met een hbo-opleiding en tien jaar ervaring zat ik in schaal negen."),
    ("Speelde het salaris mee in je besluit?",
     "Niet als hoofdreden, maar het hielp wel. Als je al op je tandvlees loopt, weegt zo'n loonstrook zwaarder."),
    ("Hoe ging de samenwerking met andere organisaties?",
     "Moeizaam. De schuldhulp, de jeugdzorg en wij werkten langs elkaar heen, iedereen op zijn eigen eilandje."),
    ("Kun je daar een voorbeeld van geven?",
     "Een gezin had vier hulpverleners en geen van ons wist wat de ander deed. Dat moest de moeder ons vertellen."),
    ("Sloot je opleiding aan op de praktijk?",
     "Gesprekstechnieken had ik goed geleerd. Maar over wachtlijsten, indicaties en registratie leerde je niks."),
    ("Hoe werd je ingewerkt toen je begon?",
     "Eigenlijk niet. Ik kreeg op dag twee al een volle caseload en een collega die zei: bel me als je vastloopt."),
    ("Wat had je in die eerste tijd nodig gehad?",
     "Een maatje, een vaste intervisiegroep en een half jaar een kleinere caseload. Zo moeilijk is het niet."),
    ("Heb je zelf nog dingen geprobeerd voordat je wegging?",
     "Ik ben minder uren gaan werken en heb een coachtraject gedaan. Dat gaf lucht, maar het probleem bleef."),
    ("Hoe keek de organisatie naar jouw vertrek?",
     "Er was een exitgesprek van tien minuten. Er werd vooral gevraagd wanneer ik mijn laptop kwam inleveren."),
    ("Wat zou je het management willen meegeven?",
     "Vertrouw je professionals. Minder controle, meer ruimte voor het echte werk, en luister als mensen alarm slaan."),
    ("En wat zou de gemeente anders kunnen doen?",
     "Stop met contracten van een jaar. Elke aanbesteding zet alles weer op losse schroeven, ook voor de cliënten."),
    ("Wat betekende de aanbesteding voor jou persoonlijk?",
     "Onzekerheid. Ik wist in november nog niet of ik in januari bij dezelfde werkgever zou zitten."),
    ("Zou je ooit terugkeren naar het sociaal werk?",
     "Misschien, als de omstandigheden veranderen. Met een redelijke caseload en een team dat bij elkaar blijft, ja."),
    ("Wat zou je een student sociaal werk aanraden?",
     "Kies je werkgever zorgvuldig. Vraag bij je sollicitatie naar de caseload en naar de begeleiding van starters."),
    ("Hoe was het contact met je cliënten?",
     "Dat was het mooiste deel. Ik had een vader die na drie jaar schuldenvrij was, dat vergeet ik nooit meer."),
    ("Werd je werk gewaardeerd?",
     "Door cliënten wel, door de organisatie weinig. Complimenten kwamen alleen als de cijfers klopten."),
    ("Hoe ging je om met agressie?",
     "Ik ben een keer bedreigd bij een huisbezoek. Daarna moest ik zelf een melding maken, niemand belde me terug."),
    ("Wat deed dat met je?",
     "Ik voelde me alleen gelaten. Sindsdien ging ik met een knoop in mijn maag naar sommige adressen."),
    ("Had je mogelijkheden om door te groeien?",
     "Nauwelijks. Je kon teamleider worden, maar dan stop je met het werk waarvoor je gekozen hebt."),
    ("Hoe zou een goede combinatiefunctie eruit zien?",
     "Half uitvoerend en half beleid of opleiding. Dan blijf je in de praktijk en kun je toch groeien."),
    ("Hoe ervaarde je de vergadercultuur?",
     "We vergaderden over vergaderingen. Elk overleg eindigde met een nieuwe werkgroep en geen besluit."),
    ("Heb je het gevoel dat je vertrek te voorkomen was geweest?",
     "Ja. Met een kleinere caseload en een opleiding had ik er waarschijnlijk nog gewerkt."),
    ("Is er nog iets wat je kwijt wilt?",
     "Alleen dat ik hoop dat dit onderzoek gelezen wordt door mensen die er iets mee kunnen."),
    ("Hoe was de sfeer onder collega's?",
     "Heel hecht, zeker in het begin. We hielpen elkaar en lachten veel, ook op zware dagen."),
    ("Merkte je verschil tussen nieuwe en ervaren collega's?",
     "Nieuwe collega's vertrokken vaak binnen een jaar. Ervaren collega's bleven, maar werden steeds stiller."),
]


def pairs(start: int, count: int) -> list[tuple[str, str]]:
    return [POOL[(start + i) % len(POOL)] for i in range(count)]


def clock(seconds: int, hours: bool = True) -> str:
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h:02d}:{m:02d}:{s:02d}" if hours else f"{h * 60 + m}:{s:02d}"


def timed(start: int, count: int, ask: str, answer: str) -> list[tuple[str, int, str]]:
    """(speaker, seconds, words) for each turn, the answers longer than the questions."""
    turns, now = [], 3
    for question, reply in pairs(start, count):
        turns.append((ask, now, question))
        now += 6 + len(question) // 12
        turns.append((answer, now, reply))
        now += 14 + len(reply) // 8
    return turns


def otter() -> str:
    """Otter.ai: 'Name  m:ss' on its own line, the words below, a blank line between turns."""
    turns = timed(0, 16, "Sanne Visser", "Ruben de Wit")
    return "\n\n".join(f"{who}  {clock(at, hours=False)}\n{words}" for who, at, words in turns) + "\n"


def otter_unnamed() -> str:
    """Otter.ai before speakers are named: 'Speaker 1  0:03'."""
    turns = timed(20, 14, "Speaker 1", "Speaker 2")
    return "\n\n".join(f"{who}  {clock(at, hours=False)}\n{words}" for who, at, words in turns) + "\n"


def amberscript_after() -> str:
    """Amberscript: 'Interviewer [00:00:03]' then the words; a title above."""
    turns = timed(5, 15, "Interviewer", "Respondent")
    body = "\n\n".join(f"{who} [{clock(at)}]\n{words}" for who, at, words in turns)
    return f"Exitinterview 14 - transcriptie Amberscript\n\n{body}\n"


def amberscript_before() -> str:
    """Amberscript's other layout: '00:00:03 Spreker 1' then the words, long answers wrapped."""
    turns = timed(10, 15, "Spreker 1", "Spreker 2")
    blocks = []
    for who, at, words in turns:
        cut = words.find(", ")
        wrapped = words if cut < 0 else words[:cut + 1] + "\n" + words[cut + 2:]
        blocks.append(f"{clock(at)} {who}\n{wrapped}")
    return "\n\n".join(blocks) + "\n"


def zoom_vtt() -> str:
    """Zoom's cloud-recording transcript: numbered cues, 'Name: words' inside, no <v> tags; the
    interviewer, the participant and a second researcher who takes notes and asks one question."""
    turns = timed(15, 14, "Marieke Jansen", "Thomas Bakker")
    turns.insert(9, ("Eva de Boer", turns[8][1] + 30, "Mag ik daar even op doorvragen: wie besliste daarover?"))
    lines, number = ["WEBVTT", ""], 0
    for who, at, words in turns:
        halves = [words] if len(words) < 70 else [words[:words.rfind(" ", 0, len(words) // 2)],
                                                   words[words.rfind(" ", 0, len(words) // 2) + 1:]]
        for i, half in enumerate(halves):
            number += 1
            begin = at * 1000 + i * 4000
            lines += [str(number), f"{_vtt_time(begin)} --> {_vtt_time(begin + 3900)}", f"{who}: {half}", ""]
    return "\n".join(lines)


def _vtt_time(millis: int, comma: bool = False) -> str:
    seconds, ms = divmod(millis, 1000)
    return f"{clock(seconds)}{',' if comma else '.'}{ms:03d}"


def srt_named() -> str:
    """SubRip with 'Name: words' cues (as exported by several transcription tools)."""
    turns = timed(25, 14, "Interviewer", "Deelnemer")
    cues = []
    for number, (who, at, words) in enumerate(turns, start=1):
        cues.append(f"{number}\n{_vtt_time(at * 1000, True)} --> {_vtt_time(at * 1000 + 5000, True)}\n{who}: {words}\n")
    return "\n".join(cues)


def srt_unnamed() -> str:
    """SubRip subtitles without speaker names, a long answer split over two cues."""
    cues, number = [], 0
    for who, at, words in timed(30, 12, "", ""):
        parts = [words] if len(words) < 60 else [words[:words.rfind(" ", 0, 60)], words[words.rfind(" ", 0, 60) + 1:]]
        for i, part in enumerate(parts):
            number += 1
            begin = at * 1000 + i * 3000
            cues.append(f"{number}\n{_vtt_time(begin, True)} --> {_vtt_time(begin + 2900, True)}\n{part}\n")
    return "\n".join(cues)


def teams_word(path: Path) -> None:
    """Teams' transcript downloaded as Word: 'Name   m:ss' in one paragraph, the words in the next."""
    import docx

    document = docx.Document()
    document.add_paragraph("Exitinterview 9 - transcript")
    document.add_paragraph("25 november 2026, 10:02:14")
    for who, at, words in timed(35, 15, "Marieke Jansen", "Lotte van Dijk"):
        document.add_paragraph(f"{who}   {clock(at, hours=False)}")
        document.add_paragraph(words)
    document.save(path)


def labelled(start: int, count: int, ask: str, answer: str, title: str = "") -> str:
    """A typed transcript: 'Label: words' per turn, a blank line between turns."""
    body = "\n\n".join(f"{ask if i % 2 == 0 else answer}: {words}"
                        for i, words in enumerate(w for pair in pairs(start, count) for w in pair))
    return f"{title}\n\n{body}\n" if title else body + "\n"


def focus_group() -> str:
    """A group talk: the moderator and three participants, numbered."""
    lines = ["Gespreksleider: Welkom allemaal. Wie wil beginnen over de werkdruk?"]
    for i, (question, answer) in enumerate(pairs(2, 12)):
        lines.append(f"Deelnemer {i % 3 + 1}: {answer}")
        lines.append(f"Gespreksleider: {question}")
    lines.append("Deelnemer 2: Ik sluit me daar helemaal bij aan.")
    return "\n\n".join(lines) + "\n"


LABELLED = {  # file name: (start in the pool, pairs, interviewer label, participant label)
    "onderzoeker.txt": (3, 14, "Onderzoeker", "Geïnterviewde"),
    "o-en-g.txt": (8, 13, "O", "G"),
    "q-en-a.txt": (13, 12, "Q", "A"),
    "interviewster.txt": (18, 12, "interviewster", "Geinterviewde"),
    "interviewer-genummerd.txt": (23, 12, "INTERVIEWER 1", "Respondent (R03)"),
    "int-punt.txt": (28, 12, "Int.", "Resp."),
    "namen.txt": (33, 12, "Sanne", "Pieter"),
}


def teams_word_cues(path: Path) -> None:
    """Teams' older download as Word: per cue one paragraph, 'h:m:s.f --> h:m:s.f', the name and the
    words on lines of their own (Shift+Enter breaks); a long answer runs over several cues."""
    import docx

    document = docx.Document()
    document.add_paragraph("Transcript")
    for who, at, words in timed(38, 13, "Marieke Jansen", "Youssef El Amrani"):
        halves = [words] if len(words) < 80 else [words[:words.rfind(" ", 0, len(words) // 2)],
                                                   words[words.rfind(" ", 0, len(words) // 2) + 1:]]
        for i, half in enumerate(halves):
            start = at + i * 4
            run = document.add_paragraph().add_run(f"0:{start // 60}:{start % 60}.{(start * 37) % 1000} --> "
                                                   f"0:{(start + 4) // 60}:{(start + 4) % 60}.0")
            run.add_break()
            run.add_text(who)
            run.add_break()
            run.add_text(half)
    document.save(path)


def main() -> None:
    files = {"otter.txt": otter(), "otter-sprekers.txt": otter_unnamed(), "amberscript.txt": amberscript_after(),
             "amberscript-tijd-eerst.txt": amberscript_before(), "zoom.vtt": zoom_vtt(), "ondertitels.srt": srt_named(),
             "zonder-sprekers.srt": srt_unnamed()}
    files |= {name: labelled(*spec) for name, spec in LABELLED.items()}
    files["focusgroep.txt"] = focus_group()
    for name, text in files.items():
        (HERE / name).write_text(text, encoding="utf-8")
    teams_word(HERE / "teams-export.docx")
    teams_word_cues(HERE / "teams-cues.docx")


if __name__ == "__main__":
    main()
