"""Dutch number words, fractions and count sentences of the report."""
from __future__ import annotations

import re

import pytest

from qcode.errors import UsageError
from qcode.render import english
from qcode.render.dutch import (WORDS, amount, capitalise, count_sentence, fraction, fraction_filter,
                                mention_sentence, number)


@pytest.mark.parametrize("n, word", [(0, "nul"), (1, "één"), (7, "zeven"), (11, "elf"), (17, "zeventien"),
                                     (20, "twintig"), (21, "21"), (150, "150")])
def test_number_words_up_to_twenty_then_digits(n, word):
    assert number(n) == word


@pytest.mark.parametrize("part, whole, phrase", [
    (0, 12, "geen van de"), (12, 12, "alle"), (6, 12, "de helft van de"), (4, 12, "een derde van de"),
    (3, 12, "een kwart van de"), (8, 12, "twee derde van de"), (9, 12, "driekwart van de"),
    (11, 12, "bijna alle"), (17, 20, "bijna alle"), (7, 20, "ruim een derde van de"),
    (11, 20, "ruim de helft van de"), (9, 20, "bijna de helft van de"), (5, 17, "ruim een kwart van de"),
    (7, 17, None), (1, 12, None), (2, 12, None), (5, 12, None)])
def test_fraction_phrases_where_they_fit(part, whole, phrase):
    assert fraction(part, whole) == phrase


def test_fraction_refuses_impossible_shares():
    with pytest.raises(ValueError):
        fraction(5, 4)
    with pytest.raises(ValueError):
        fraction(0, 0)


@pytest.mark.parametrize("mentioned, main, total, sentence", [
    (7, 3, 17, "Zeven van de zeventien deelnemers noemen dit; voor drie van hen was het de belangrijkste reden "
               "om te vertrekken."),
    (0, 0, 17, "Geen van de zeventien deelnemers noemt dit."),
    (1, 0, 17, "Slechts één deelnemer noemt dit; voor deze deelnemer was het niet de belangrijkste reden om te "
               "vertrekken."),
    (17, 17, 17, "Alle zeventien deelnemers noemen dit; voor hen allemaal was het de belangrijkste reden om te "
                 "vertrekken."),
    (6, 1, 12, "De helft van de deelnemers (zes van de twaalf) noemt dit; voor één van hen was het de "
               "belangrijkste reden om te vertrekken."),
    (16, 0, 17, "Bijna alle deelnemers (zestien van de zeventien) noemen dit; voor geen van hen was het de "
                "belangrijkste reden om te vertrekken."),
    (7, 2, 20, "Ruim een derde van de deelnemers (zeven van de twintig) noemt dit; voor twee van hen was het de "
               "belangrijkste reden om te vertrekken."),
    (25, 4, 40, "Bijna twee derde van de deelnemers (25 van de 40) noemt dit; voor vier van hen was het de "
                "belangrijkste reden om te vertrekken."),
])
def test_mention_sentences(mentioned, main, total, sentence):
    """The report's sentence before count_sentence (kept while the report still calls it)."""
    assert mention_sentence(mentioned, main, total) == sentence


def test_capitalise_keeps_the_accent_rule():
    assert capitalise("één deelnemer") == "Eén deelnemer"
    assert capitalise("zeven") == "Zeven"


# -- count_sentence: every (mentioned, main, total), checked for what a Dutch editor would refuse -----------
VERBS = {"noemde": (False, "past"), "noemden": (True, "past"), "noemt": (False, "present"),
         "noemen": (True, "present")}
NUMBER_WORDS = "|".join(WORDS[2:])
# subjects whose verb is singular / plural, as they may stand in a sentence (lowercased)
SINGULAR_SUBJECTS = re.compile(
    r"(één \w+|een enkeling|één van de \w+ \w+|geen van de( \w+)? \w+|geen van beide \w+|de \w+|niemand"
    r"|één andere \w+|((ruim|bijna|ongeveer) )?(een kwart|een derde|de helft|twee derde|driekwart) van de \w+"
    r"|een klein deel van de \w+|((ruim|bijna) )?een op de (tien|vijf) \w+)")
PLURAL_SUBJECTS = re.compile(
    rf"((twee|enkele|verschillende) \w+|(bijna )?alle( \w+ de)? \w+|alle \d+ \w+|beide \w+|de meeste \w+"
    rf"|de meesten|(twee|drie|vier) op de vijf \w+|({NUMBER_WORDS}|\d+)( van de ({NUMBER_WORDS}|\d+))? \w+|ze|er \d+)")


def clauses_with_verbs(sentence: str):
    """(subject, verb) of every clause with a form of 'noemen', the subject found by the clause's word order."""
    for clause in re.split(r"; |, maar ", sentence.rstrip(".")):
        found = re.search(r"\b(noemde|noemden|noemt|noemen)\b", clause)
        if not found:
            continue
        before, verb, after = clause[:found.start()].strip(), found.group(1), clause[found.end():].strip()
        if before.lower() in ("in totaal", "verder"):
            subject = after.rsplit(" het", 1)[0]
        elif before.startswith("Van de "):  # 'Van de 40 deelnemers noemden er 25 dit'
            subject = after.split(" dit")[0]
        elif before == "ze":
            subject = "ze"
        else:
            subject = before
        yield subject.lower().replace("eén", "één"), verb


def check_dutch(sentence: str, mentioned: int, main: int, total: int, kind: str, counts: str, order: str,
                tense: str) -> None:
    assert sentence[0].isupper(), sentence
    assert sentence.endswith(".") and not sentence.endswith(".."), sentence
    assert not sentence[0].isdigit(), sentence
    assert "  " not in sentence and " ," not in sentence and " ;" not in sentence, sentence
    for digits in re.findall(r"\d+", sentence):
        assert int(digits) > 20, f"{digits} should be a word: {sentence}"
    if mentioned == 1:
        assert "van hen" not in sentence and "noemden" not in sentence and "noemen" not in sentence, sentence
    if mentioned == 2:
        assert "van hen" not in sentence and "hen allemaal" not in sentence, sentence
        if kind == "reason" and (order == "mention" or main == 0) and main < 2:
            assert "beiden" in sentence, sentence
    if total == 2 and mentioned == 2:
        assert re.search(r"\bbeide|allebei", sentence, re.I), sentence
    if kind == "context" or mentioned == 0:
        assert "reden" not in sentence, sentence
    if kind == "reason" and main > 0:
        assert "de belangrijkste reden om te vertrekken" in sentence, sentence
    if mentioned == 0:
        assert sentence.startswith("Geen van") or sentence.endswith(" niet."), sentence
    if counts == "exact" and total >= 3:
        assert re.search(rf"\b{number(total)}\b", sentence), f"exact counts name the total: {sentence}"
    if counts == "soft" and total > 5:
        assert not re.search(rf"\b({NUMBER_WORDS}|\d+) van de ({NUMBER_WORDS}|\d+)\b", sentence), sentence
    if kind == "reason" and order == "main" and main > 0:
        assert sentence.startswith("Voor "), sentence
    wrong_tense = r"\b(noemt|noemen|is)\b" if tense == "past" else r"\b(noemde|noemden|was)\b"
    assert not re.search(wrong_tense, sentence), sentence
    for subject, verb in clauses_with_verbs(sentence):
        plural = VERBS[verb][0]
        pattern = PLURAL_SUBJECTS if plural else SINGULAR_SUBJECTS
        assert pattern.fullmatch(subject), f"{subject!r} does not take {verb!r}: {sentence}"


def combinations(total: int):
    if total <= 30:
        for mentioned in range(total + 1):
            for main in range(mentioned + 1):
                yield mentioned, main
        return
    shares = {0, 1, 2, 3, 4, 5, 8, 9, 10, 12, 20, 21}
    shares |= {total * k // 20 for k in range(21)} | {total * k // 20 + 1 for k in range(20)} | {total - 1}
    for mentioned in sorted(s for s in shares if 0 <= s <= total):
        for main in sorted({0, 1, 2, 3, 9, 21, mentioned // 4, mentioned // 3, mentioned // 2, mentioned - 1,
                            mentioned}):
            if 0 <= main <= mentioned:
                yield mentioned, main


@pytest.mark.parametrize("total", [*range(1, 31), 40, 45, 64, 99, 100, 101, 150, 250, 333, 1200])
def test_every_count_sentence_is_proper_dutch(total):
    checked = 0
    for mentioned, main in combinations(total):
        for kind in ("reason", "context"):
            for counts in ("soft", "exact"):
                for order in ("main", "mention"):
                    for tense in ("past", "present"):
                        sentence = count_sentence(mentioned, main, total, kind=kind, counts=counts, order=order,
                                                  tense=tense)
                        check_dutch(sentence, mentioned, main, total, kind, counts, order, tense)
                        checked += 1
    assert checked >= 16 * min(total + 1, 40)


def test_the_checks_catch_what_an_editor_would():
    """The invariants above are not vacuous: each refuses a sentence with the mistake it is about."""
    bad = [("Eén deelnemer noemde dit; voor één van hen was het de belangrijkste reden om te vertrekken.", 1, 1, 17),
           ("Twee deelnemers noemden dit; voor één van hen was het de belangrijkste reden om te vertrekken.", 2, 1, 17),
           ("Zeven deelnemers noemde dit.", 7, 0, 17),
           ("Een enkeling noemden dit.", 1, 0, 17),
           ("25 van de 40 deelnemers noemden dit.", 25, 0, 40),
           ("Voor 3 deelnemers was dit de belangrijkste reden om te vertrekken.", 3, 3, 17),
           ("geen van de deelnemers noemde dit.", 0, 0, 17),
           ("Ruim een derde van de deelnemers noemde dit", 6, 0, 17)]
    for sentence, mentioned, main, total in bad:
        with pytest.raises(AssertionError):
            check_dutch(sentence, mentioned, main, total, "reason", "soft", "mention", "past")
    with pytest.raises(AssertionError):
        check_dutch("Enkele deelnemers noemden dit als reden.", 3, 0, 17, "context", "soft", "main", "past")


# Read as an editor of a Dutch exit study would, one by one. (mentioned, main, total, options) → sentence
SOFT = {}
EXACT = {"counts": "exact"}
MENTION = {"order": "mention"}
CONTEXT = {"kind": "context"}
HAND_CHECKED = [
    # the default: main reasons first, soft words, past tense
    (7, 3, 17, SOFT, "Voor enkele deelnemers was dit de belangrijkste reden om te vertrekken; in totaal noemde "
                     "ruim een derde van de deelnemers het."),
    (6, 6, 17, SOFT, "Voor ruim een derde van de deelnemers was dit de belangrijkste reden om te vertrekken; "
                     "verder noemde niemand het."),
    (12, 6, 17, SOFT, "Voor ruim een derde van de deelnemers was dit de belangrijkste reden om te vertrekken; in "
                      "totaal noemde ruim twee derde van de deelnemers het."),
    (1, 1, 17, SOFT, "Voor één deelnemer was dit de belangrijkste reden om te vertrekken; verder noemde niemand "
                     "het."),
    (3, 1, 17, SOFT, "Voor één deelnemer was dit de belangrijkste reden om te vertrekken; twee anderen noemden het "
                     "ook."),
    (2, 1, 17, SOFT, "Voor één deelnemer was dit de belangrijkste reden om te vertrekken; één andere deelnemer "
                     "noemde het ook."),
    (6, 2, 30, SOFT, "Voor twee deelnemers was dit de belangrijkste reden om te vertrekken; enkele anderen noemden "
                     "het ook."),
    (1, 0, 17, SOFT, "Een enkeling noemde dit, maar niet als de belangrijkste reden om te vertrekken."),
    (1, 0, 6, SOFT, "Eén deelnemer noemde dit, maar niet als de belangrijkste reden om te vertrekken."),
    (0, 0, 17, SOFT, "Geen van de deelnemers noemde dit."),
    (16, 0, 17, SOFT, "Bijna alle deelnemers noemden dit, maar voor niemand was het de belangrijkste reden om te "
                      "vertrekken."),
    (17, 4, 17, SOFT, "Voor enkele deelnemers was dit de belangrijkste reden om te vertrekken; in totaal noemden "
                      "alle deelnemers het."),
    (14, 2, 17, SOFT, "Voor twee deelnemers was dit de belangrijkste reden om te vertrekken; in totaal noemden de "
                      "meesten het."),
    (13, 5, 17, SOFT, "Voor ruim een kwart van de deelnemers was dit de belangrijkste reden om te vertrekken; in "
                      "totaal noemde ruim driekwart van de deelnemers het."),
    (8, 8, 17, SOFT, "Voor ongeveer de helft van de deelnemers was dit de belangrijkste reden om te vertrekken; "
                     "verder noemde niemand het."),
    (16, 4, 20, SOFT, "Voor enkele deelnemers was dit de belangrijkste reden om te vertrekken; in totaal "
                      "noemden vier op de vijf deelnemers het."),
    (5, 0, 20, SOFT, "Een kwart van de deelnemers noemde dit, maar voor niemand was het de belangrijkste reden om "
                     "te vertrekken."),
    (17, 17, 17, SOFT, "Voor alle deelnemers was dit de belangrijkste reden om te vertrekken."),
    (30, 12, 150, SOFT, "Voor een klein deel van de deelnemers was dit de belangrijkste reden om te vertrekken; in totaal "
                        "noemde een op de vijf deelnemers het."),
    (60, 20, 150, SOFT, "Voor ruim een op de tien deelnemers was dit de belangrijkste reden om te vertrekken; in "
                        "totaal noemden twee op de vijf deelnemers het."),
    # small groups: exact words even when soft, 'beide' and 'allebei' for two
    (2, 1, 2, SOFT, "Voor één van de twee deelnemers was dit de belangrijkste reden om te vertrekken; ze noemden "
                    "het allebei."),
    (1, 1, 2, SOFT, "Voor één van de twee deelnemers was dit de belangrijkste reden om te vertrekken; de ander "
                    "noemde het niet."),
    (2, 2, 2, SOFT, "Voor beide deelnemers was dit de belangrijkste reden om te vertrekken."),
    (2, 0, 2, SOFT, "Beide deelnemers noemden dit, maar voor geen van beiden was het de belangrijkste reden om te "
                    "vertrekken."),
    (0, 0, 2, SOFT, "Geen van beide deelnemers noemde dit."),
    (3, 2, 4, SOFT, "Voor twee van de vier deelnemers was dit de belangrijkste reden om te vertrekken; in totaal "
                    "noemden drie deelnemers het."),
    (3, 3, 3, MENTION, "Alle drie de deelnemers noemden dit; voor hen allemaal was het de belangrijkste reden om "
                       "te vertrekken."),
    # one participant
    (1, 1, 1, SOFT, "Voor de deelnemer was dit de belangrijkste reden om te vertrekken."),
    (1, 0, 1, SOFT, "De deelnemer noemde dit, maar niet als de belangrijkste reden om te vertrekken."),
    (0, 0, 1, SOFT, "De deelnemer noemde dit niet."),
    (1, 1, 1, MENTION, "De deelnemer noemde dit als de belangrijkste reden om te vertrekken."),
    # mentions first
    (7, 3, 17, MENTION, "Ruim een derde van de deelnemers noemde dit; voor drie van hen was het de belangrijkste "
                        "reden om te vertrekken."),
    (2, 1, 17, MENTION, "Twee deelnemers noemden dit; voor één van beiden was het de belangrijkste reden om te "
                        "vertrekken."),
    (2, 2, 17, MENTION, "Twee deelnemers noemden dit; voor hen allebei was het de belangrijkste reden om te "
                        "vertrekken."),
    (1, 1, 17, MENTION, "Eén deelnemer noemde dit als de belangrijkste reden om te vertrekken."),
    (4, 4, 17, MENTION, "Enkele deelnemers noemden dit; voor hen allemaal was het de belangrijkste reden om te "
                        "vertrekken."),
    (85, 30, 150, MENTION, "Ruim de helft van de deelnemers noemde dit; voor ruim een derde van hen was het de "
                           "belangrijkste reden om te vertrekken."),
    (90, 30, 150, MENTION, "Drie op de vijf deelnemers noemden dit; voor een derde van hen was het de "
                           "belangrijkste reden om te vertrekken."),
    (120, 4, 150, MENTION, "Vier op de vijf deelnemers noemden dit; voor enkelen van hen was het de belangrijkste "
                           "reden om te vertrekken."),
    # exact
    (7, 3, 17, EXACT, "Voor drie van de zeventien deelnemers was dit de belangrijkste reden om te vertrekken; in "
                      "totaal noemden zeven deelnemers het."),
    (7, 3, 17, {**EXACT, **MENTION}, "Zeven van de zeventien deelnemers noemden dit; voor drie van hen was het de "
                                     "belangrijkste reden om te vertrekken."),
    (1, 0, 17, EXACT, "Eén van de zeventien deelnemers noemde dit, maar niet als de belangrijkste reden om te "
                      "vertrekken."),
    (17, 2, 17, EXACT, "Voor twee van de zeventien deelnemers was dit de belangrijkste reden om te vertrekken; in "
                       "totaal noemden alle zeventien de deelnemers het."),
    (0, 0, 17, EXACT, "Geen van de zeventien deelnemers noemde dit."),
    (25, 4, 40, {**EXACT, **MENTION}, "Van de 40 deelnemers noemden er 25 dit; voor vier van hen was het de "
                                      "belangrijkste reden om te vertrekken."),
    (25, 4, 40, EXACT, "Voor vier van de 40 deelnemers was dit de belangrijkste reden om te vertrekken; in totaal "
                       "noemden 25 deelnemers het."),
    (150, 0, 150, EXACT, "Alle 150 deelnemers noemden dit, maar voor geen van hen was het de belangrijkste reden om "
                         "te vertrekken."),
    # present tense
    (7, 3, 17, {"tense": "present"}, "Voor enkele deelnemers is dit de belangrijkste reden om te vertrekken; in "
                                     "totaal noemt ruim een derde van de deelnemers het."),
    (9, 0, 17, {"tense": "present"}, "Ongeveer de helft van de deelnemers noemt dit, maar voor niemand is het de "
                                     "belangrijkste reden om te vertrekken."),
    # context themes: mentions only, whatever the main reasons say
    (16, 3, 17, CONTEXT, "Bijna alle deelnemers noemden dit."),
    (4, 0, 17, CONTEXT, "Enkele deelnemers noemden dit."),
    (6, 0, 20, CONTEXT, "Ruim een kwart van de deelnemers noemde dit."),
    (1, 0, 17, CONTEXT, "Een enkeling noemde dit."),
    (0, 0, 17, CONTEXT, "Geen van de deelnemers noemde dit."),
    (7, 0, 17, {**CONTEXT, **EXACT}, "Zeven van de zeventien deelnemers noemden dit."),
    (2, 0, 2, CONTEXT, "Beide deelnemers noemden dit."),
    # another noun
    (300, 40, 1200, {"noun": ("respondenten", "respondent")},
     "Voor een klein deel van de respondenten was dit de belangrijkste reden om te vertrekken; in totaal noemde "
     "een kwart van de respondenten het."),
    (1, 0, 1200, {"noun": ("respondenten", "respondent"), "kind": "context"}, "Een enkeling noemde dit."),
]


@pytest.mark.parametrize("mentioned, main, total, options, sentence", HAND_CHECKED)
def test_count_sentences_read_by_an_editor(mentioned, main, total, options, sentence):
    assert count_sentence(mentioned, main, total, **options) == sentence


def test_hand_checked_table_is_large_and_varied():
    assert len(HAND_CHECKED) >= 40
    assert len({(m, n, t, tuple(sorted(o.items()))) for m, n, t, o, _ in HAND_CHECKED}) == len(HAND_CHECKED)


def test_count_sentence_defaults_read_like_the_exit_study():
    """Main reasons first, soft words, past tense."""
    assert count_sentence(6, 6, 17) == count_sentence(6, 6, 17, kind="reason", counts="soft", order="main",
                                                      tense="past", noun=("deelnemers", "deelnemer"))
    assert count_sentence(6, 6, 17).startswith("Voor ruim een derde van de deelnemers was dit")


@pytest.mark.parametrize("option, value", [("kind", "reden"), ("counts", "vague"), ("order", "first"),
                                           ("tense", "future")])
def test_unknown_options_are_refused_with_the_choices(option, value):
    with pytest.raises(UsageError, match=f"{option} must be one of"):
        count_sentence(3, 1, 17, **{option: value})


@pytest.mark.parametrize("mentioned, main, total", [(5, 6, 17), (18, 0, 17), (-1, 0, 17), (0, 0, 0)])
def test_impossible_counts_are_refused(mentioned, main, total):
    with pytest.raises(ValueError):
        count_sentence(mentioned, main, total)


def test_a_context_theme_ignores_main_reasons_even_when_marked():
    assert count_sentence(3, 5, 17, kind="context") == "Enkele deelnemers noemden dit."


@pytest.mark.parametrize("part, whole, counts, text, plural", [
    (7, 17, "soft", "ruim een derde van de deelnemers", False),
    (14, 17, "soft", "de meeste deelnemers", True),
    (1, 17, "soft", "een enkeling", False),
    (7, 17, "exact", "zeven van de zeventien deelnemers", True),
    (1, 17, "exact", "één van de zeventien deelnemers", False),
    (2, 2, "soft", "beide deelnemers", True),
    (3, 3, "exact", "alle drie de deelnemers", True),
])
def test_amount_phrases_with_their_verb_number(part, whole, counts, text, plural):
    group = amount(part, whole, counts=counts)
    assert (group.text, group.plural) == (text, plural)


def test_fraction_filter_in_an_edited_template(tmp_path):
    """An edited template phrases its own count: the filter gives the words and whether the verb is plural."""
    from qcode.render.report import template_environment

    (tmp_path / "eigen.md.j2").write_text(
        "{% set wie = count.participants | fraction(total) %}"
        "{{ wie | capitalise }} {{ 'vertelden' if wie.plural else 'vertelde' }} hierover; "
        "{{ count.main | fraction(total, 'uitstromers', counts='exact') }}.\n", encoding="utf-8")
    template = template_environment(tmp_path).get_template("eigen.md.j2")
    text = template.render(count={"participants": 14, "main": 3}, total=17)
    assert text == "De meeste deelnemers vertelden hierover; drie van de zeventien uitstromers.\n"
    text = template.render(count={"participants": 9, "main": 1}, total=17)
    assert text == "Ongeveer de helft van de deelnemers vertelde hierover; één van de zeventien uitstromers.\n"
    assert str(fraction_filter(3, 150, "respondenten")) == "enkele respondenten"


# -- the English counterpart (qcode report --lang en) --------------------------------------------
@pytest.mark.parametrize("mentioned, main, total, options, sentence", [
    (7, 3, 17, {}, "For a few participants this was the main reason to leave; in all, just over a third of the "
                   "participants mentioned it."),
    (7, 3, 17, {"order": "mention", "counts": "exact"}, "Seven of the seventeen participants mentioned this; for "
                                                         "three of them it was the main reason to leave."),
    (2, 1, 17, {"order": "mention"}, "Two participants mentioned this; for one of them it was the main reason to "
                                     "leave."),
    (1, 1, 2, {"tense": "present"}, "For one of the two participants this is the main reason to leave; the other "
                                    "does not mention it."),
    (1, 0, 17, {}, "One participant mentioned this, but not as the main reason to leave."),
    (0, 0, 17, {}, "None of the participants mentioned this."),
    (0, 0, 1, {"tense": "present"}, "The participant does not mention this."),
    (25, 4, 40, {"order": "mention", "counts": "exact"}, "Of the 40 participants, 25 mentioned this; for four of "
                                                          "them it was the main reason to leave."),
    (16, 2, 17, {"kind": "context"}, "Almost all participants mentioned this."),
    (9, 0, 12, {"tense": "present"}, "Three quarters of the participants mention this, but for none of them is it "
                                     "the main reason to leave."),
])
def test_english_count_sentences(mentioned, main, total, options, sentence):
    assert english.count_sentence(mentioned, main, total, **options) == sentence


@pytest.mark.parametrize("total", [1, 2, 3, 5, 6, 17, 30, 150])
def test_every_english_count_sentence_keeps_the_rules(total):
    for mentioned, main in combinations(total):
        for kind in ("reason", "context"):
            for counts in ("soft", "exact"):
                for order in ("main", "mention"):
                    for tense in ("past", "present"):
                        sentence = english.count_sentence(mentioned, main, total, kind=kind, counts=counts,
                                                          order=order, tense=tense)
                        assert sentence[0].isupper() and sentence.endswith("."), sentence
                        assert all(int(d) > 20 for d in re.findall(r"\d+", sentence)), sentence
                        assert ("reason" in sentence) == (kind == "reason" and mentioned > 0), sentence
                        if mentioned == 1:
                            assert "of them" not in sentence, sentence
                        if mentioned == 2 and kind == "reason" and (order == "mention" or main == 0):
                            assert re.search(r"\b(both|one|neither) of them\b", sentence), sentence


def test_the_counts_table_in_the_manual_is_what_qcode_writes():
    from conftest import REPO

    manual = (REPO / "docs/report.md").read_text(encoding="utf-8").split("## Counts", 1)[1]
    rows = re.findall(r"^\| (\d+), (\d+|–), of (\d+)(, context)? \| (.+?) \|$", manual, re.M)
    assert len(rows) >= 6
    for mentioned, main, total, context, sentence in rows:
        kind = "context" if context else "reason"
        assert count_sentence(int(mentioned), 0 if main == "–" else int(main), int(total), kind=kind) == sentence
