"""Verified quote edits: what a researcher may change in a participant's words, and the first difference named."""
from __future__ import annotations

import pytest

from qcode.quote_edits import EditProblem, verify_edit, word_count

ORIGINAL = ("Nou, ik werkte daar al twaalf jaar, en ik merkte dat ik gewoon niet verder kon groeien. Er was "
            "geen functie boven mij. Dus ja, toen heeft hij gezegd: ‘solliciteer maar elders’. Waarom zou ik "
            "blijven?")


@pytest.mark.parametrize("edited", [
    ORIGINAL,
    # a clarification in square brackets
    "Er was geen functie boven mij [gebrek aan ontwikkelingsmogelijkheden].",
    "[In het wijkteam] Er was geen functie boven mij.",
    # a bracket standing in place of the word it replaces
    "Dus ja, toen heeft [de teamleider] gezegd: ‘solliciteer maar elders’.",
    # cuts at the start, in the middle and at the end, in every notation
    "… ik merkte dat ik gewoon niet verder kon groeien.",
    "Nou, ik werkte daar al twaalf jaar […] niet verder kon groeien.",
    "Nou, ik werkte daar al twaalf jaar [...] Er was geen functie boven mij.",
    "Nou, ik werkte daar al twaalf jaar (…) Waarom zou ik blijven?",
    "Nou, ik werkte daar al twaalf jaar... Dus ja, toen heeft hij gezegd …",
    "Er was geen functie boven mij. Dus ja …",
    "ik merkte dat ik gewoon niet verder kon groeien […] […] [dus] Waarom zou ik blijven?",
    # an excerpt without marks at either end; a capital for the first word of the excerpt
    "Ik merkte dat ik gewoon niet verder kon groeien.",
    "twaalf jaar, en ik merkte",
    # typographic against straight quotes, collapsed and odd whitespace
    "toen heeft hij gezegd: 'solliciteer maar elders'.",
    "toen heeft hij gezegd: “solliciteer maar elders”.",
    "Nou,  ik werkte\n daar al\ttwaalf\u00a0jaar",
    # neutral punctuation beside a cut
    "Er was geen functie boven mij […] Waarom zou ik blijven?",
    "ik werkte daar al twaalf jaar. […] Er was geen functie boven mij.",
])
def test_accepted(edited):
    assert verify_edit(ORIGINAL, edited) is None


@pytest.mark.parametrize("edited, word_number, word, reason", [
    # a changed word (the first difference is named by the edit's own word)
    ("Er was geen baan boven mij.", 4, "baan", "not the participant's next word"),
    ("Er was geen functies boven mij.", 4, "functies", "not the participant's next word"),
    # reordered words
    ("Er was boven mij geen functie.", 3, "boven", "not the participant's next word"),
    ("Er was geen functie boven mij. Nou, ik werkte daar al twaalf jaar.", 7, "Nou", "not the participant's next word"),
    # a word added outside brackets
    ("Er was echt geen functie boven mij.", 3, "echt", "not the participant's next word"),
    ("Er was geen functie boven mij […] [en] toen heeft hij echt gezegd", 11, "echt",
     "not the participant's next word"),
    # a question mark the participant did not ask
    ("Er was geen functie boven mij?", 6, "mij", "punctuation after it"),
    # a word from elsewhere
    ("Ik wilde weg.", 2, "wilde", "not the participant's next word"),
])
def test_refused_with_the_first_difference(edited, word_number, word, reason):
    problem = verify_edit(ORIGINAL, edited)
    assert isinstance(problem, EditProblem)
    assert (problem.word_number, problem.word) == (word_number, word)
    assert reason in problem.reason
    assert edited[problem.position - 1:].startswith(word)
    assert str(problem).startswith(f"word {word_number} ({word!r}, character {problem.position}) ")


@pytest.mark.parametrize("edited, position, shown, reason", [
    ("Er was geen [functie boven mij.", 13, "[", "never closed"),
    ("Er was [geen [functie] boven mij.", 8, "[", "never closed"),
    ("Er was geen] functie boven mij.", 12, "]", "no '[' before it"),
    ("Er was geen func…tie boven mij.", 17, "…", "cuts inside a word"),
    ("Er was geen func[…]tie boven mij.", 17, "[…]", "cuts inside a word"),
    ("Er was geen func...tie boven mij.", 17, "...", "cuts inside a word"),
])
def test_refused_marks(edited, position, shown, reason):
    problem = verify_edit(ORIGINAL, edited)
    assert (problem.position, problem.word, problem.word_number) == (position, shown, None)
    assert reason in problem.reason


def test_only_brackets_and_cuts_is_not_a_quote():
    problem = verify_edit(ORIGINAL, "[…] [de teamleider] …")
    assert problem is not None and "none of the participant's words" in problem.reason


def test_a_cut_word_is_refused_and_a_long_word_is_shortened_in_the_message():
    assert verify_edit(ORIGINAL, "Er was geen functie boven m.").word == "m"
    long_word = "ontwikkelingsmogelijkhedenbeleidsmedewerkersfunctie"
    problem = verify_edit(ORIGINAL, f"Er was geen {long_word}")
    assert problem.word_number == 4 and len(problem.word) == 30 and problem.word.endswith("…")


def test_the_participants_own_ellipsis_and_brackets_are_theirs():
    original = "Ik dacht... nou ja, laat maar. [lacht] Het was gewoon te veel."
    assert verify_edit(original, "Ik dacht... nou ja, laat maar.") is None
    assert verify_edit(original, "Ik dacht […] Het was gewoon te veel.") is None
    assert verify_edit(original, "Het was gewoon te veel [werkdruk].") is None
    assert verify_edit(original, "Het was gewoon veel te veel.").word_number == 4


def test_word_count_counts_words_not_marks():
    assert word_count("Er was geen functie […] boven mij [in het team] …") == 9
    assert word_count("zo’n e-mail om 11.30 uur") == 5


# -- quotes from a pseudonymised quote sheet --------------------------------------------------------
NAMED = ("Petra's aanpak was anders. Ik werkte zes jaar bij Stichting Welzijn Oost en Petra de Vries belde "
         "me 's avonds op 06-12345678, ook in het weekend.")


@pytest.fixture
def replacer():
    from qcode.anonymise.pseudonymise import Pseudonymiser, Replaced

    return Pseudonymiser({"Petra de Vries": Replaced("persoon", None, True), "Petra": Replaced("persoon", None, True),
                          "Stichting Welzijn Oost": Replaced("organisatie", None, True),
                          "06-12345678": Replaced("telefoon", None, False)})


def test_a_pseudonymised_quote_reads_back_as_the_participants_words(replacer):
    from qcode.anonymise.pseudonymise import Pseudonymiser
    from qcode.quote_edits import restore_replacements

    printed = replacer.apply(NAMED)
    assert "[organisatie]" in printed and "[naam 1]'s aanpak" in printed and "Petra" not in printed
    fresh = Pseudonymiser(replacer.targets)  # another export's replacer: its numbers may differ
    assert restore_replacements(NAMED, printed, fresh) == NAMED
    assert verify_edit(NAMED, printed, fresh) is None


def test_an_edit_of_a_pseudonymised_quote_keeps_the_edit_and_gets_the_words_back(replacer):
    from qcode.quote_edits import restore_replacements

    edited = "Ik werkte zes jaar bij [organisatie] […] [naam 7] belde me 's avonds op [telefoonnummer]"
    assert restore_replacements(NAMED, edited, replacer) == (
        "Ik werkte zes jaar bij Stichting Welzijn Oost […] Petra de Vries belde me 's avonds op 06-12345678")
    assert verify_edit(NAMED, "[naam 1]'s aanpak was anders [volgens haar collega's].", replacer) is None


def test_a_bracket_the_researcher_typed_is_not_put_back(replacer):
    from qcode.quote_edits import restore_replacements

    own = "Ik werkte zes jaar bij [een stichting] en [naam 2] belde me"
    assert restore_replacements(NAMED, own, replacer) == "Ik werkte zes jaar bij [een stichting] en Petra de Vries belde me"
    # a label that stands where no identifier is, stays a label (and an allowed insertion)
    assert restore_replacements(NAMED, "Ik werkte [organisatie] zes jaar", replacer) == "Ik werkte [organisatie] zes jaar"
    assert verify_edit(NAMED, "Ik werkte zes jaar bij [organisatie] en [naam 1] belde me", replacer) is None
    assert verify_edit(NAMED, "Ik werkte zes jaar bij [organisatie] en [naam 1] belde haar", replacer) is not None
