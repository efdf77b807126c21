"""Dutch number words, fractions and count sentences of the report."""
from __future__ import annotations

import pytest

from qcode.render.dutch import capitalise, fraction, mention_sentence, number


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
    assert mention_sentence(mentioned, main, total) == sentence


def test_capitalise_keeps_the_accent_rule():
    assert capitalise("één deelnemer") == "Eén deelnemer"
    assert capitalise("zeven") == "Zeven"
