"""Search recall: does a search word find every inflection of its lemma? Today's lemmatizer beside
the candidates.

Usage:  .venv/bin/python benchmarks/search_recall_bench.py [--families FILE] [--show NAME]

The corpus is every form of every family in benchmarks/data/word_families.txt (verbs, nouns and
adjectives, forms as they occur in interviews). Each candidate lemmatizer fills a word-form table
the way an import does, and each query word is expanded the way `qcode search` expands it (every
form sharing one of its lemmas, queries.expand_word). For every family:

lemma    the family's lemma as the search word finds all its other forms (families fully found)
pairs    any form as the search word: the share of (search word, other form) pairs found
false    forms of *other* families a search brings in (pairs), e.g. lagen (liggen) for laag
ms/word  time to lemmatise each form and expand each search, per form (a busy machine varies 3×)
"""
from __future__ import annotations

import argparse
import sqlite3
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parent))

from qcode.queries import expand_word  # noqa: E402

Lemmatizer = Callable[[str], Iterable[str]]
FAMILIES = HERE / "data" / "word_families.txt"


def read_families(path: Path) -> list[tuple[str, list[str]]]:
    families = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            kind, *forms = line.split()
            families.append((kind, forms))
    return families


def word_form_table(vocabulary: Iterable[str], lemmatize: Lemmatizer) -> sqlite3.Connection:
    """The word_forms table an import with this lemmatizer would leave (form, lemma) for every form."""
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE word_forms (form TEXT, lemma TEXT, PRIMARY KEY (form, lemma)) WITHOUT ROWID")
    conn.execute("CREATE INDEX word_forms_lemma ON word_forms(lemma)")
    conn.executemany("INSERT OR IGNORE INTO word_forms VALUES (?, ?)",
                     [(form, lemma) for form in vocabulary for lemma in lemmatize(form)])
    return conn


def measure(families: list[tuple[str, list[str]]], lemmatize: Lemmatizer) -> dict:
    vocabulary = sorted({form for _, forms in families for form in forms})
    owners: dict[str, set[int]] = {}
    for number, (_, forms) in enumerate(families):
        for form in forms:
            owners.setdefault(form, set()).add(number)
    conn = word_form_table(vocabulary, lemmatize)
    lemma_full, pairs, found, false = 0, 0, 0, 0
    missed: list[str] = []
    merged: set[tuple[str, str]] = set()
    by_kind: dict[str, list[int]] = {}
    for number, (kind, forms) in enumerate(families):
        expanded = expand_word(conn, forms[0], lemmatize)
        full = all(form in expanded for form in forms)
        lemma_full += full
        by_kind.setdefault(kind, [0, 0])[0] += full
        by_kind[kind][1] += 1
        if not full:
            missed.append(f"{forms[0]}: " + " ".join(f for f in forms if f not in expanded))
        for word in forms:
            expanded = expand_word(conn, word, lemmatize)
            others = [f for f in forms if f != word]
            pairs += len(others)
            found += sum(f in expanded for f in others)
            for form in expanded:
                if form in owners and number not in owners[form]:
                    false += 1
                    merged.add((word, form))
    return {"families": len(families), "lemma_full": lemma_full, "pair_recall": found / pairs, "false": false,
            "missed": missed, "merged": sorted(merged), "by_kind": by_kind}


def spacy_lookup() -> Lemmatizer:
    """Today's lemmas: spaCy's lookup table, one lemma a word."""
    from qcode.lemmas import _spacy_table

    table = _spacy_table()
    return lambda word: (table.get(word, word).lower(),)


def simplemma_only() -> Lemmatizer:
    import simplemma

    return lambda word: (simplemma.lemmatize(word, "nl").lower().replace("_", ""),)


def dictionaries_only() -> Lemmatizer:
    """simplemma and spaCy's table together, without qcode's verb table and rules."""
    from qcode.lemmas import DutchLemmas

    lemmas = DutchLemmas()
    return lambda word: lemmas._dictionary(word) or [word]


def spacy_with_rules() -> Lemmatizer:
    """spaCy's table, qcode's verb table and rules (candidates checked against spaCy's table only)."""
    from qcode.lemmas import DutchLemmas

    lemmas = DutchLemmas()
    table = lemmas._spacy

    class SpacyOnly:  # stands in for simplemma's dictionary where rules check a candidate
        @staticmethod
        def get_lemma(word: str, _lang: str) -> str | None:
            return table.get(word) or (word if word in lemmas._spacy_lemmas else None)

    lemmas._lookup = SpacyOnly()  # type: ignore[assignment]

    def lemmatize(word: str) -> list[str]:
        own = [table.get(word, word).lower()]
        irregular = lemmas._irregular_lemma(word)
        rules = lemmas._by_rules(word, inflected=own != [word] or word not in table)
        return list(dict.fromkeys([*([irregular] if irregular else []), *own, *rules]))
    return lemmatize


def qcode_lemmas() -> Lemmatizer:
    """What qcode uses: qcode.lemmas.DutchLemmas (simplemma + spaCy's table + verb table and rules)."""
    from qcode.lemmas import DutchLemmas

    return DutchLemmas().lemmas


CANDIDATES: dict[str, Callable[[], Lemmatizer]] = {
    "spaCy lookup (before)": spacy_lookup,
    "spaCy lookup + rules": spacy_with_rules,
    "simplemma": simplemma_only,
    "simplemma + spaCy": dictionaries_only,
    "qcode (all + rules)": qcode_lemmas,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--families", type=Path, default=FAMILIES)
    parser.add_argument("--show", help="list the misses and false merges of the candidate whose name starts so")
    args = parser.parse_args()
    families = read_families(args.families)
    kinds = sorted({kind for kind, _ in families})
    print(f"{len(families)} families ({', '.join(f'{sum(k == kind for k, _ in families)} {kind}s' for kind in kinds)})"
          f" from {args.families.name}\n")
    print(f"{'lemmatizer':24} {'lemma':>9} {'pairs':>7} {'false':>6}  " + "  ".join(f"{k:>10}" for k in kinds)
          + f"  {'ms/word':>7}")
    results = {}
    for name, make in CANDIDATES.items():
        lemmatize = make()
        lemmatize("huis")  # dictionaries load on first use: not counted
        started = time.perf_counter()
        result = measure(families, lemmatize)
        seconds = time.perf_counter() - started
        words = sum(len(forms) for _, forms in families)
        results[name] = result
        kind_cells = "  ".join(f"{result['by_kind'][k][0]:>4}/{result['by_kind'][k][1]:<5}" for k in kinds)
        print(f"{name:24} {result['lemma_full']:>4}/{result['families']:<4} {result['pair_recall']:>7.1%}"
              f" {result['false']:>6}  {kind_cells}  {seconds * 1000 / words:>7.2f}")
    if args.show:
        name = next(n for n in results if n.lower().startswith(args.show.lower()))
        print(f"\n{name}: families not fully found from their lemma")
        print("  " + "\n  ".join(results[name]["missed"]) if results[name]["missed"] else "  (none)")
        print(f"{name}: false merges (search word → form of another family)")
        print("  " + ", ".join(f"{a}→{b}" for a, b in results[name]["merged"]) or "  (none)")


if __name__ == "__main__":
    main()
