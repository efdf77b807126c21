"""Finding identifiers in a text: Dutch patterns (organisations, schools, municipalities,
neighbourhoods, addresses, phone numbers, e-mail, websites, dates, ages), the names qcode knows,
and deduce (loaded only when something is scanned, see `deduce_detector`).

Every detector returns `Finding`s with offsets into the text; `detect` merges them, the longer of
two overlapping findings winning (so "Stichting Welzijn Oost" beats deduce's "Oost").
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

PATTERNS_VERSION = "patronen-1"

# category → the Dutch label an export prints; "N" in the person label is numbered per export.
CATEGORIES = {
    "persoon": "[naam N]",
    "plaats": "[plaats]",
    "gemeente": "[gemeente]",
    "wijk": "[wijk]",
    "organisatie": "[organisatie]",
    "school": "[school]",
    "adres": "[adres]",
    "telefoon": "[telefoonnummer]",
    "email": "[e-mailadres]",
    "datum": "[datum]",
    "leeftijd": "[leeftijd]",
    "website": "[website]",
}


@dataclass(frozen=True)
class Finding:
    start: int
    end: int
    text: str
    category: str
    source: str  # "patroon", "bekend", "deduce"


# -- names: capitalised words, with Dutch joining words between them --------------------------------
_UPPER = "A-ZÀ-ÖØ-Þ"
# Words that start a sentence or a clause, never a name ("de gemeente Ik vond …" is a missing full stop).
_NOT_NAMES = frozenset("""
ik je jij u hij zij ze we wij jullie men dat dit die deze er daar hier toen nu dan dus maar en of
want omdat als ook nog wel niet geen al een in op aan bij met voor na naar uit van tot om over door
ja nee nou oké ok goed echt gewoon eigenlijk misschien zo wat wie waar waarom hoe welke mijn jouw zijn
haar ons onze hun
""".split())
_JOINERS = r"(?:van|de|der|den|het|voor|aan|op|in|ter|te|'t|’t)"
_WORD = rf"[{_UPPER}][\w\-]*"
_NAME_WORD = rf"(?!(?i:{'|'.join(sorted(_NOT_NAMES, key=len, reverse=True))})\b){_WORD}"
# "Zorg en Welzijn" is one name, "Jeugdzorg Gelderland en de GGZ" two: "en" joins two name words directly.
_NOT_AFTER_EN = r"(?!(?i:stichting|gemeente|wijk|buurt|basisschool|school|vereniging|woningcorporatie)\b|GG[DZ]\b)"
NAME = rf"{_NAME_WORD}(?:[ \t]+(?:(?:{_JOINERS}[ \t]+)*|en[ \t]+{_NOT_AFTER_EN}){_NAME_WORD})*"
_ARTICLES = frozenset({"de", "het", "'t", "’t", "een"})


def _cap(word: str) -> str:
    """`word` with its first letter in either case: `[Ss]tichting`."""
    first = word[0]
    return f"[{first.upper()}{first.lower()}]{word[1:]}" if first.isalpha() and first.islower() else word


# -- organisations --------------------------------------------------------------------------------
# A head word, then its proper name: "Stichting Welzijn Oost", "het wijkteam Noord", "GGD Flevoland".
_ORGANISATION_HEADS = """stichting vereniging coöperatie woningcorporatie woningbouwvereniging woonstichting
woonbedrijf woningstichting zorggroep zorginstelling zorgorganisatie welzijnsorganisatie welzijnsstichting
jeugdzorg jeugdhulp jeugdzorginstelling ggd ggz welzijn buurthuis buurtcentrum wijkcentrum jongerencentrum
ziekenhuis verpleeghuis zorgcentrum woonzorgcentrum verzorgingshuis bibliotheek kerk moskee bedrijf
instelling organisatie fonds thuiszorg kinderopvang kinderdagverblijf opvang huisartsenpraktijk praktijk
reclassering""".split()
_TEAM_HEAD = r"[\w]+team"  # wijkteam, buurtteam, jeugdteam, sociaal-wijkteam
_SCHOOL_HEADS = """basisschool school hogeschool universiteit college lyceum gymnasium atheneum
scholengemeenschap academie roc mbo-school vmbo-school praktijkschool""".split()
_ACRONYM_HEADS = {"ggd": "GGD", "ggz": "GGZ", "roc": "ROC"}
# Name, then the head: "het Noorderpoort College", "Radboud Universiteit", "Albeda College".
_SCHOOL_TAILS = ("College", "Lyceum", "Gymnasium", "Universiteit", "Hogeschool", "Academie", "Scholengemeenschap")
_ORGANISATION_TAILS = ("Ziekenhuis", "Zorggroep", "Stichting", "Welzijn", "Jeugdzorg", "Thuiszorg")
# One capitalised word ending in a school or organisation word: "Noorderpoortcollege", "Regenboogschool".
_COMPOUND_AREA = re.compile(rf"(?<![\w])[{_UPPER}][a-zà-ÿ]{{2,}}(?:wijk|buurt|kwartier)(?![\w])")
_COMPOUND_SCHOOL = re.compile(rf"(?<![\w])[{_UPPER}][a-zà-ÿ]{{2,}}(?:college|lyceum|school|academie)(?![\w])")

_PLACE_HEADS = {"gemeente": "gemeente", "provincie": "plaats", "stad": "plaats", "dorp": "plaats",
                "wijk": "wijk", "buurt": "wijk", "woonwijk": "wijk", "stadsdeel": "wijk", "stadswijk": "wijk",
                "dorpskern": "wijk", "kern": "wijk"}


def _head_pattern(heads: Iterable[str]) -> str:
    parts = [_ACRONYM_HEADS.get(h) or _cap(h) for h in heads]
    return "|".join(sorted(parts, key=len, reverse=True))


_HEADED = re.compile(
    rf"(?<![\w])(?P<head>{_head_pattern(_ORGANISATION_HEADS)}|{_head_pattern(_SCHOOL_HEADS)}|"
    rf"{_head_pattern(_PLACE_HEADS)}|{_TEAM_HEAD})"
    rf"[ \t]+(?:(?:van|voor|de|het)[ \t]+)?(?P<name>{NAME})")
_TAILED = re.compile(rf"(?<![\w])(?P<name>{NAME})[ \t]+(?P<tail>{'|'.join(_SCHOOL_TAILS + _ORGANISATION_TAILS)})(?![\w])")
_TITLED = re.compile(  # "mevrouw De Vries", "collega Petra", "juf Anouk", "mijn leidinggevende Karin"
    r"(?<![\w])(?:[Mm]eneer|[Mm]evrouw|[Mm]evr\.|[Dd]hr\.|[Dd]e heer|[Jj]uf|[Mm]eester|[Dd]okter|[Cc]ollega|"
    r"[Ll]eidinggevende|[Mm]anager|[Tt]eamleider|[Tt]eamleidster|[Cc]oördinator|[Dd]irecteur|[Dd]irectrice|"
    r"[Bb]uurvrouw|[Bb]uurman|[Cc]liënt|[Cc]lient|[Mm]entor|[Bb]egeleider|[Bb]egeleidster|[Ww]ethouder)"
    rf"[ \t]+(?P<name>{NAME})")


def _head_category(head: str) -> str:
    key = head.lower()
    if key in _PLACE_HEADS:
        return _PLACE_HEADS[key]
    if key in _SCHOOL_HEADS or key.endswith("school"):
        return "school"
    return "organisatie"


_TRAILING_ARTICLES = re.compile(r"(?:[ \t]+(?:De|Het|'t|’t|Een))+$")


def _trimmed_name(match: re.Match[str]) -> tuple[int, int] | None:
    """The name's span without a trailing article ("gemeente De"), or None when nothing is left."""
    start = match.start("name")
    name = _TRAILING_ARTICLES.sub("", match.group("name"))
    if name.lower() in _ARTICLES:
        return None
    return start, start + len(name)


def organisations(text: str) -> list[Finding]:
    found = []
    for match in _HEADED.finditer(text):
        span = _trimmed_name(match)
        if span is None:
            continue
        category = _head_category(match.group("head"))
        start = match.start("head")
        found.append(Finding(start, span[1], text[start:span[1]], category, "patroon"))
        if category in ("gemeente", "plaats") or (category == "wijk" and not _generic_area(text[span[0]:span[1]])):
            found.append(Finding(span[0], span[1], text[span[0]:span[1]], category, "patroon"))
    for match in _TAILED.finditer(text):
        words = match.group("name").split()
        if words[0].lower() in _ARTICLES and len(words) == 1:
            continue
        tail = match.group("tail")
        category = "school" if tail in _SCHOOL_TAILS else "organisatie"
        found.append(Finding(match.start(), match.end(), match.group(), category, "patroon"))
    for match in _COMPOUND_SCHOOL.finditer(text):
        found.append(Finding(match.start(), match.end(), match.group(), "school", "patroon"))
    for match in _COMPOUND_AREA.finditer(text):
        found.append(Finding(match.start(), match.end(), match.group(), "wijk", "patroon"))
    for match in _TITLED.finditer(text):
        span = _trimmed_name(match)
        if span is not None:
            found.append(Finding(span[0], span[1], text[span[0]:span[1]], "persoon", "patroon"))
    return found


_AREAS = frozenset({"noord", "oost", "zuid", "west", "centrum", "midden", "noordoost", "noordwest", "zuidoost",
                    "zuidwest", "binnenstad", "oud"})


def _generic_area(name: str) -> bool:
    return all(word.lower() in _AREAS for word in name.replace("-", " ").split())


# -- contact details, addresses, dates, ages -------------------------------------------------------
_EMAIL = re.compile(r"(?<![\w.+\-])[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)*\.[A-Za-z]{2,}(?![\w])")
_WEBSITE = re.compile(r"(?<![\w@])(?:https?://[^\s<>\"]+[^\s<>\".,;:!?)]|www\.[\w\-]+(?:\.[\w\-]+)+(?:/[^\s<>\"]*[^\s<>\".,;:!?)])?|"
                      r"[\w\-]+(?:\.[\w\-]+)*\.(?:nl|com|org|net|eu|info|be)(?:/[^\s<>\"]*[^\s<>\".,;:!?)])?)(?![\w@])")
# Dutch numbers: 10 digits from 0 (06-12345678, 010 123 45 67), or +31 and 9 (+31 6 12345678, +31(0)6 …).
_PHONE = re.compile(r"(?<![\w+])(?:(?:\+|00)31[ \-]?(?:\(0\)[ \-]?)?[1-9](?:[ \-]?\d){8}|0[1-9](?:[ \-]?\d){8}|"
                    r"0[89]00[ \-]?\d{4}(?:\d{3})?)(?![\w])")
_POSTCODE = rf"[1-9]\d{{3}}[ \t]?(?!SA|SD|SS)[A-Z]{{2}}"
_STREET_ENDINGS = ("straat|laan|weg|plein|gracht|kade|singel|dijk|hof|park|steeg|pad|dreef|baan|markt|wal|haven|"
                   "boulevard|allee|plantsoen|erf|veld|kamp|hoek|ring|burg|brink|dam|poort|zijde|oord|tuin|akker|"
                   "straatweg|kanaal|vaart|polder")
_STREET = rf"(?:[{_UPPER}][\w\-.]*[ \t]+)*(?:[{_UPPER}][\w\-]*(?:{_STREET_ENDINGS}))"
_ADDRESS = re.compile(
    rf"(?<![\w])(?:{_STREET}[ \t]+\d{{1,5}}(?:[ \t]?[a-zA-Z](?![\w]))?(?:[ \t]?-[ \t]?\d{{1,4}})?"
    rf"(?:,?[ \t]+{_POSTCODE}(?:[ \t]+[{_UPPER}][\w\-]+)?)?|{_POSTCODE}(?:[ \t]+[{_UPPER}][\w\-]+)?)(?![\w])")
_MONTHS = ("januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december|"
           "jan|feb|mrt|apr|jun|jul|aug|sep|sept|okt|nov|dec")
_DATE = re.compile(rf"(?<![\w/\-.])(?:\d{{1,2}}[\-/.]\d{{1,2}}[\-/.](?:19|20)\d{{2}}|(?:19|20)\d{{2}}-\d{{2}}-\d{{2}}|"
                   rf"\d{{1,2}}(?:e|ste|de)?[ \t]+(?i:{_MONTHS})\.?[ \t]+(?:19|20)\d{{2}})(?![\w])")

_UNITS = ["een", "twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen"]
_TENS = ["twintig", "dertig", "veertig", "vijftig", "zestig", "zeventig", "tachtig", "negentig"]
_TEENS = ["tien", "elf", "twaalf", "dertien", "veertien", "vijftien", "zestien", "zeventien", "achttien", "negentien"]
_NUMBER_WORDS = _TEENS + _TENS + [f"{u}{'ën' if u.endswith('e') else 'en'}{t}" for t in _TENS for u in _UNITS]
_AGE_NUMBER = rf"(?:1[0-9]|[2-9][0-9]|1[01][0-9]|(?i:{'|'.join(sorted(_NUMBER_WORDS, key=len, reverse=True))}))"
_PERSON_WORDS = "jongen|meisje|man|vrouw|kind|puber|zoon|dochter|jongere|moeder|vader|cliënt|client"
_AGE = re.compile(
    rf"(?<![\w])(?:"
    rf"(?P<old>{_AGE_NUMBER}[ \t]+jaar[ \t]+oud)|"
    rf"(?P<jarig>{_AGE_NUMBER}(?:-|[ \t])?jarige?)|"
    rf"(?i:op|voor|na)[ \t]+(?i:mijn|zijn|haar|je)[ \t]+(?P<ordinal>{_AGE_NUMBER}(?:e|ste|de))(?![\w])|"
    rf"(?<=,)[ \t]*(?P<attribute>{_AGE_NUMBER}[ \t]+jaar)(?=[ \t]*[,.;)])|"
    rf"(?<![\w])(?i:{_PERSON_WORDS})[ \t]+van[ \t]+(?P<person>{_AGE_NUMBER}(?:[ \t]+jaar(?:[ \t]+oud)?)?)"
    rf"(?![\w])(?![ \t]*(?:kilo|euro|procent|uur|minuten|cm|meter|m2|m²|%))|"
    rf"(?i:ik ben|ben ik|hij is|is hij|zij is|ze is|is ze|was ik(?: toen)?|ik was(?: toen| pas| net)?|"
    rf"(?:hij|zij|ze) was(?: toen| pas| net)?|werd ik|ik werd|ik word|word ik|toen ik|"
    rf"leeftijd(?: van)?:?)"
    rf"[ \t]+(?P<age>{_AGE_NUMBER}(?:[ \t]+jaar(?:[ \t]+oud)?)?)"
    rf"(?=[ \t]*(?:[,.;:!?)]|$|oud\b|geworden\b|was\b|en\b|nu\b|toen\b|ofzo\b|of zo\b)))")


def contacts(text: str) -> list[Finding]:
    found = [Finding(m.start(), m.end(), m.group(), "email", "patroon") for m in _EMAIL.finditer(text)]
    emails = [(f.start, f.end) for f in found]
    for match in _WEBSITE.finditer(text):
        if not any(s <= match.start() < e for s, e in emails):
            found.append(Finding(match.start(), match.end(), match.group(), "website", "patroon"))
    found += [Finding(m.start(), m.end(), m.group(), "telefoon", "patroon") for m in _PHONE.finditer(text)]
    found += [Finding(m.start(), m.end(), m.group(), "adres", "patroon") for m in _ADDRESS.finditer(text)]
    found += [Finding(m.start(), m.end(), m.group(), "datum", "patroon") for m in _DATE.finditer(text)]
    return found


_BARE_AGE = re.compile(rf"{_AGE_NUMBER}(?:e|ste|de)?(?:[ \t]+jaar)?")


def is_bare_age(text: str) -> bool:
    """'25', 'zesendertig', '25e', '29 jaar': a number that is an age only by the words around it."""
    return _BARE_AGE.fullmatch(text.strip()) is not None


_RANGE_BEFORE = re.compile(rf"(?:\d+|{_AGE_NUMBER})[ \t]*(?:tot|en|t/m|-|–)[ \t]*$")


def ages(text: str) -> list[Finding]:
    """A person's age; not the end of a range ('25 tot 57 jaar oud' is a group of people)."""
    found = []
    for match in _AGE.finditer(text):
        group = next(g for g in ("old", "jarig", "ordinal", "attribute", "person", "age") if match.group(g))
        start, end = match.span(group)
        if _RANGE_BEFORE.search(text[max(0, start - 30):start]):
            continue
        found.append(Finding(start, end, text[start:end], "leeftijd", "patroon"))
    return found


def patterns(text: str) -> list[Finding]:
    return organisations(text) + contacts(text) + ages(text)


# -- names qcode knows -------------------------------------------------------------------------------
class KnownNames:
    """Whole-word occurrences of the names qcode knows (speakers, participants that are names, …)."""

    def __init__(self, names: dict[str, str]) -> None:
        self.names = names  # text → category
        self._pattern = compile_words(names) if names else None

    def find(self, text: str) -> list[Finding]:
        if self._pattern is None:
            return []
        found = []
        for match in self._pattern.finditer(text):
            key = self._pattern_key(match.group())
            if key is not None:
                found.append(Finding(match.start(), match.end(), match.group(), self.names[key], "bekend"))
        return found

    def _pattern_key(self, matched: str) -> str | None:
        if matched in self.names:
            return matched
        for text in self.names:
            if matched in variants(text):
                return text
        return None


def variants(text: str) -> set[str]:
    """The forms of `text` replaced along with it: as written, capitalised (sentence start) and in capitals."""
    forms = {text}
    if text[:1].islower():
        forms.add(text[0].upper() + text[1:])
    if len(text) > 2 and any(c.isalpha() for c in text):
        forms.add(text.upper())
    return forms


def compile_words(texts: Iterable[str], *, with_variants: bool = True) -> re.Pattern[str]:
    """One pattern matching any of `texts` (and their `variants`) as whole words, the longest at each
    position first.

    Built as a trie (`Petra|Peter` → `Pet(?:ra|er)`), so matching costs little more with thousands of
    texts than with five. The check that no letter stands before the match comes after its first
    character (a fixed-width look-behind), so the regex engine can skip to the possible first
    characters instead of trying every position.
    """
    trie: dict = {}
    for text in texts:
        for form in variants(text) if with_variants else (text,):
            node = trie
            for char in form:
                node = node.setdefault(char, {})
            node[""] = True
    branches = []
    for char, child in sorted(trie.items()):
        if char == "":
            continue
        branches.append(re.escape(char) + r"(?<![\w][\s\S])" + _trie_regex(child))
    return re.compile(rf"(?:{'|'.join(branches) or '(?!)'})(?![\w])")


def _trie_regex(node: dict) -> str:
    literal = []
    while len(node) == 1 and "" not in node:  # a chain without branches: one literal
        (char, node), = node.items()
        literal.append(re.escape(char))
    ends_here = "" in node
    branches = [re.escape(char) + _trie_regex(child) for char, child in sorted(node.items()) if char != ""]
    if not branches:
        return "".join(literal)
    alternatives = branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"
    if ends_here:
        alternatives = f"(?:{alternatives})?"
    return "".join(literal) + alternatives


# -- all together ----------------------------------------------------------------------------------
def merged(findings: Iterable[Finding]) -> list[Finding]:
    """Overlapping findings reduced to the longest (a known name before a pattern before deduce on ties)."""
    rank = {"bekend": 0, "patroon": 1, "deduce": 2}
    ordered = sorted(findings, key=lambda f: (-(f.end - f.start), rank.get(f.source, 3), f.start))
    taken: list[Finding] = []
    for finding in ordered:
        if not any(finding.start < other.end and other.start < finding.end for other in taken):
            taken.append(finding)
    return sorted(taken, key=lambda f: f.start)


def extras(findings: Iterable[Finding]) -> list[Finding]:
    """Findings inside a longer one that stand on their own too: "Almere" of "gemeente Almere"."""
    return [f for f in findings if f.source == "patroon" and f.category in ("gemeente", "plaats", "wijk")]


def _repeated(text: str, found: list[Finding]) -> list[Finding]:
    """Other whole-word occurrences in `text` of what was found ("collega Yvonne … maar Yvonne had")."""
    by_text = {f.text: f for f in found}
    if not by_text:
        return []
    pattern = compile_words(by_text)
    return [Finding(m.start(), m.end(), m.group(), by_text[m.group()].category, by_text[m.group()].source)
            for m in pattern.finditer(text) if m.group() in by_text]


def detect(text: str, known: KnownNames | None = None, *, use_deduce: bool = False) -> list[Finding]:
    """Every identifier in `text`; overlapping findings keep the longest, and a place name inside a
    municipality or neighbourhood phrase is kept beside it (it is replaced wherever it stands)."""
    found = patterns(text) + (known.find(text) if known else [])
    if use_deduce:
        from qcode.anonymise.deduce_detector import deduce_findings

        found += deduce_findings(text)
    found += _repeated(text, found)
    kept = merged(found)
    inner = [f for f in extras(found) if f not in kept and any(k.start <= f.start and f.end <= k.end for k in kept)]
    return sorted(kept + list(dict.fromkeys(inner)), key=lambda f: (f.start, -f.end))
