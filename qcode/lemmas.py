"""The lemmas a Dutch word form may belong to, for search: from the word alone, the same at import
and at query time, asked once per distinct word.

Three sources, each filling the others' gaps (measured in benchmarks/search_recall_bench.py):
- simplemma's Dutch dictionary (past tenses, plurals, adjectives: ging → gaan, zware → zwaar);
- spaCy's lookup table from spacy-lookups-data (diminutives, many participles: gesprekjes → gesprek);
- qcode's table of strong and irregular verbs (`dutch_verbs`) and spelling rules for regular verbs
  and noun/adjective endings (gestopt → stoppen, werk → werken), each candidate kept only when a
  dictionary knows it as a base form.

A form may belong to more than one lemma (werk: the noun and the verb werken): search expands a word
to every form sharing one of its lemmas. The dictionaries' first answer is the word's main lemma,
stored in `fragments.lemmas`.
"""
from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from importlib import metadata

from qcode.dutch_verbs import irregular_forms

# Separable particles: a form starting with one is also read as particle + verb (opgezegd → opzeggen).
PARTICLES = ("terug", "samen", "tegen", "door", "over", "voor", "mee", "aan", "uit", "weg", "toe",
             "neer", "vast", "los", "bij", "op", "af", "in", "na", "om")
# Inseparable prefixes: their participles have no ge- (vertrokken, besloten, ontvangen).
PREFIXES = ("ont", "ver", "her", "be", "er")
_VOWELS = set("aeiouy")
_DIAERESIS = str.maketrans("ëïöü", "eiou")  # geïnteresseerd, geëvalueerd: the mark only splits ge- off
# Verb endings → the stem they leave: present (werkt), past (werkte, meldden), participle (-d/-t).
_VERB_ENDINGS = ("ten", "den", "te", "de", "t", "d")
# Noun and adjective endings → the base they leave (spelling repaired by _bases).
# Comparatives (-er, -st) are the dictionaries' work: as a rule, -er found nouns (werker → werk).
_NOUN_ENDINGS = ("etjes", "etje", "tjes", "pjes", "tje", "pje", "jes", "je", "'s", "en", "s", "e", "n")


def describe() -> dict[str, str]:
    """The lemmatizer's sources and versions, for `qcode doctor`."""
    return {"lemmas": "simplemma + spaCy lookup table + qcode's verb table and rules, once per distinct word",
            "simplemma": metadata.version("simplemma"), "spacy-lookups-data": metadata.version("spacy-lookups-data")}


class DutchLemmas:
    """`lemmas(word)`: the lemmas of a lower-cased word form, main lemma first; cached per word."""

    def __init__(self) -> None:
        import simplemma
        from simplemma.strategies import DefaultStrategy, DictionaryLookupStrategy

        from qcode import lemma_tables

        dictionary = lemma_tables.DictionaryFactory()  # the dictionaries as tries in the cache folder
        self._simplemma = simplemma.Lemmatizer(lemmatization_strategy=DefaultStrategy(dictionary_factory=dictionary))
        self._lookup = DictionaryLookupStrategy(dictionary)  # simplemma's dictionary alone
        self._bases: dict[str, bool] = {}
        self._spacy = lemma_tables.spacy_table()
        self._spacy_lemmas = lemma_tables.spacy_lemmas()
        self._irregular = irregular_forms()
        self._cache: dict[str, tuple[str, ...]] = {}

    def lemmas(self, word: str) -> tuple[str, ...]:
        found = self._cache.get(word)
        if found is None:
            found = self._cache[word] = self._analyse(word)
        return found

    def lemma(self, word: str) -> str:
        return self.lemmas(word)[0]

    def _analyse(self, word: str) -> tuple[str, ...]:
        if not any(c.isalpha() for c in word):
            return (word,)
        lemmas: list[str] = []
        irregular = self._irregular_lemma(word)
        if irregular:
            lemmas.append(irregular)
        dictionary = self._dictionary(word)
        lemmas.extend(dictionary)
        if word not in self._irregular:  # the table's forms are known: rules would only add noise (waren → war)
            base = not dictionary or dictionary[0] == word  # a base form, or a word the dictionaries lack
            lemmas.extend(self._by_rules(word, inflected=not base))
        if not dictionary and word.endswith(("en", "'s")) and len(word) > 6:
            lemmas.append(word[:-1] if word.endswith("en") else word[:-2])  # leidinggevenden, cao's
        return tuple(dict.fromkeys(lemmas)) or (word,)

    def _dictionary(self, word: str) -> list[str]:
        lemmas = []
        lemma = self._simplemma.lemmatize(word, "nl").lower()
        if "_" in lemma:  # a separable verb: op_merken for "merkte (op)", op_houden for "opgehouden"
            particle, _, verb = lemma.partition("_")
            lemma = particle + verb if word.startswith(particle) else verb
        if lemma != word or self._known(word):
            lemmas.append(lemma)
        spacy_lemma = self._spacy.get(word)
        if spacy_lemma:
            lemmas.append(spacy_lemma.lower())
        elif word in self._spacy_lemmas:
            lemmas.append(word)
        return list(dict.fromkeys(lemmas))

    def _known_base(self, word: str) -> bool:
        """A rule's candidate is a lemma a dictionary knows: spaCy's table has forms of it, or simplemma
        gives the word as its own lemma."""
        known = self._bases.get(word)
        if known is None:
            # The verb table's words are found through the table only: its forms are no base of another
            # word (waar → waren "to roam"), and its verbs have the forms it gives (geld is no form of gelden).
            known = word not in self._irregular and (
                word in self._spacy_lemmas or (self._lookup.get_lemma(word, "nl") or "").lower() == word)
            self._bases[word] = known
        return known

    def _known(self, word: str) -> bool:
        return self._lookup.get_lemma(word, "nl") is not None

    def _irregular_lemma(self, word: str) -> str | None:
        """The infinitive of a strong or irregular verb form, also after a prefix or particle
        (vertrok → vertrekken, opgegeven → opgeven), where a dictionary knows that verb."""
        if word in self._irregular:
            return self._irregular[word]
        for prefix in (*PARTICLES, *PREFIXES):
            infinitive = self._irregular.get(word[len(prefix):]) if word.startswith(prefix) else None
            if infinitive and len(word) - len(prefix) > 1 and self._known_base(prefix + infinitive):
                return prefix + infinitive
        return None

    def _by_rules(self, word: str, inflected: bool) -> list[str]:
        """Base forms the spelling rules find and a dictionary knows. A base form itself (werk, begin)
        is read as a verb stem, and as a participle unless it is a noun (gedurfd, not gebied); an
        inflected or unknown one also by its endings (gevoeld, merkte, gesprekken)."""
        if not inflected:
            found = [c for c in _infinitives(word) if c != word and self._known_base(c)]
            if word.startswith("ge") and word[-1] in "dt" and not self._is_noun(word):
                found.extend(c for stem in _verb_stems(word) for c in _infinitives(stem) if self._known_base(c))
            return found
        found = []
        for stem in _verb_stems(word):
            found.extend(c for c in _infinitives(stem) if c != word and self._known_base(c))
        for particle in PARTICLES:
            if word.startswith(particle) and len(word) > len(particle) + 2:
                rest = word[len(particle):]
                stems = _verb_stems(rest) + [rest]
                found.extend(particle + c for stem in stems for c in _infinitives(stem)
                             if self._known_base(particle + c))
        for ending in _NOUN_ENDINGS:
            if word.endswith(ending) and len(word) - len(ending) >= 3:
                found.extend(c for c in _bases(word[:-len(ending)]) if c != word and self._known_base(c))
        return found

    def _is_noun(self, word: str) -> bool:
        """A dictionary has a plural of the word (gebied: gebieden), so it is not a participle."""
        return any(self._known(word + ending) and self._dictionary(word + ending)[:1] == [word]
                   for ending in ("en", "s"))


def _verb_stems(word: str) -> list[str]:
    """Stems a verb form may have: werkte → werk, gewerkt → werk, verteld → vertel. Strong verbs'
    participles (geweten) are left to the verb table: as a rule, ge-X-en found nouns (gezinnen → zinnen)."""
    stems = []
    participle = word[2:].translate(_DIAERESIS) if word.startswith("ge") and len(word) > 4 else None
    for form in (word, participle):
        if not form:
            continue
        for ending in _VERB_ENDINGS:
            if form.endswith(ending) and len(form) - len(ending) >= 2:
                stems.append(form[:-len(ending)])
        if form is not word:
            stems.append(form)  # gemeld, gewacht: the stem ends in the participle's d or t
    return stems


def _infinitives(stem: str) -> list[str]:
    """Infinitives a stem may come from: stop → stoppen, praat → praten, leef → leven, twijfel → twijfelen.

    A stem ending in a vowel is left to the verb table (gaan, doen, zien): as a rule it found nouns
    (zi(t) → zin)."""
    if len(stem) < 2 or stem[-1] in _VOWELS:
        return []
    candidates = []
    for base in dict.fromkeys((stem, stem[:-1] + {"f": "v", "s": "z"}.get(stem[-1], stem[-1]))):
        if len(base) >= 3 and base[-2] == base[-3] and base[-2] in "aeou":
            candidates.append(base[:-2] + base[-1] + "en")  # praat → praten, leer → leren
        elif base[-2] in _VOWELS and (len(base) < 3 or base[-3] not in _VOWELS):
            candidates.append(base + base[-1] + "en")  # a short vowel: stop → stoppen, herstel → herstellen
            if base[-2:] in ("el", "er", "en", "em"):
                candidates.append(base + "en")  # an unstressed last syllable: twijfel → twijfelen
        else:
            candidates.append(base + "en")  # werk → werken, bied → bieden
    return candidates


def _bases(stem: str) -> list[str]:
    """Base forms a stem left by an ending may have: zwar(e) → zwaar, drukk(e) → druk, boz(e) → boos."""
    candidates = [stem]
    if len(stem) >= 2 and stem[-1] == stem[-2] and stem[-1] not in _VOWELS:
        candidates.append(stem[:-1])  # drukke → druk, gesprekken → gesprek
    changed = stem[:-1] + {"v": "f", "z": "s"}.get(stem[-1], stem[-1])
    if changed != stem:
        candidates.append(changed)  # boze → boos, lieve → lief
    for base in (stem, changed):
        if len(base) >= 3 and base[-2] in "aeou" and base[-3] not in _VOWELS and base[-1] not in _VOWELS:
            candidates.append(base[:-1] + base[-2] + base[-1])  # zware → zwaar, hoge → hoog
    return candidates


def _spacy_table() -> Mapping[str, str]:
    """spaCy's Dutch lookup table (form → lemma)."""
    from qcode.lemma_tables import spacy_table

    return spacy_table()


@lru_cache(maxsize=1)
def dutch_lemmas() -> DutchLemmas:
    return DutchLemmas()
