"""Choosing quotes: the default selection and order, decisions overriding it, warnings; on a real project."""
from __future__ import annotations

import pytest

from qcode import quote_choice
from qcode.db import transaction
from qcode.errors import UsageError

from conftest import add_coding
from quote_study import coding_id, fragment, open_study


@pytest.fixture
def study(tmp_path):
    """anna's codings, chosen so that every rule of the default order decides something:

    P01: main reason (registratie), a short theme coding, a longer one (productie)
    P02: a starred fragment coded twice in the branch (registratie and productie), a short one
    P03: one coding (productie)
    P04: a span that cuts a sentence (registratie)
    """
    project = open_study(tmp_path)
    ids = {
        "computer": fragment(project, "P01", "achter de computer"),
        "wijkteam": fragment(project, "P01", "acht jaar in het wijkteam"),
        "fabriek": fragment(project, "P01", "alsof het een fabriek"),
        "helft": fragment(project, "P02", "de helft van mijn week"),
        "cijfers": fragment(project, "P02", "moe werd van de cijfers"),
        "kwartaal": fragment(project, "P03", "elk kwartaal"),
        "rapporteren": fragment(project, "P04", "Het rapporteren"),
        "senior": fragment(project, "P03", "senior worden"),
    }
    project.assign(ids["computer"], ["werkdruk-registratie"], "anna", main=True)
    project.assign(ids["wijkteam"], ["werkdruk"], "anna")
    project.assign(ids["fabriek"], ["werkdruk-productie"], "anna")
    project.assign(ids["cijfers"], ["werkdruk-registratie", "werkdruk-productie"], "anna", star=True)
    project.assign(ids["helft"], ["werkdruk-registratie"], "anna")
    project.assign(ids["kwartaal"], ["werkdruk-productie"], "anna")
    project.assign(ids["rapporteren"], ["werkdruk-registratie"], "anna", span=(32, 45))  # "Uren per week"
    project.assign(ids["senior"], ["doorgroei"], "anna")
    project.assign(ids["senior"], ["doorgroei"], "bram", star=True)
    project.ids = ids
    yield project
    project.close()


def fragments_of(quotes) -> list[int]:
    return [q.fragment_id for q in quotes]


def test_default_is_each_participants_best_quote_first_four_at_most(study):
    f = study.ids
    chosen = quote_choice.choose(study.conn, "anna", "werkdruk")
    # round one: starred (P02), main reason (P01), whole sentences (P03) before a cut sentence (P04)
    assert fragments_of(chosen) == [f["cijfers"], f["computer"], f["kwartaal"], f["rapporteren"]]
    assert [q.participant for q in chosen] == ["P02", "P01", "P03", "P04"]
    assert [q.order for q in chosen] == [1, 2, 3, 4]
    assert chosen[3].text == "Uren per week" and chosen[3].original == "Uren per week"
    assert chosen[0].star and chosen[1].main and chosen[0].words == 32
    assert chosen[0].attributes["former_role"] == "wijkcoach"


def test_second_quotes_come_after_everyone_has_one_and_a_fragment_never_twice(study):
    f = study.ids
    chosen = quote_choice.choose(study.conn, "anna", "werkdruk", limit=None)
    # round two: the shortest first (P02's 11 words, then P01's 12); round three: P01's third
    assert fragments_of(chosen) == [f["cijfers"], f["computer"], f["kwartaal"], f["rapporteren"], f["helft"],
                                    f["wijkteam"], f["fabriek"]]
    every = quote_choice.candidates(study.conn, "anna", "werkdruk", limit=None)
    [twice] = [q for q in every if not q.included]
    assert twice.fragment_id == f["cijfers"] and twice.order is None  # its second coding in the branch


def test_a_sub_code_has_only_its_own_quotes(study):
    f = study.ids
    chosen = quote_choice.choose(study.conn, "anna", "werkdruk-registratie")
    assert fragments_of(chosen) == [f["cijfers"], f["computer"], f["rapporteren"], f["helft"]]
    assert {q.code for q in chosen} == {"werkdruk-registratie"}
    assert fragments_of(quote_choice.choose(study.conn, "anna", "werkdruk-productie", limit=2)) == [
        f["cijfers"], f["kwartaal"]]


def test_skip_fragments_keeps_each_fragment_once_per_section(study):
    f = study.ids
    first = quote_choice.choose(study.conn, "anna", "werkdruk-registratie", limit=2)
    later = quote_choice.choose(study.conn, "anna", "werkdruk-productie",
                                skip_fragments={q.fragment_id for q in first})
    assert f["cijfers"] not in fragments_of(later)
    assert fragments_of(later) == [f["kwartaal"], f["fabriek"]]
    # with P02's best fragment skipped, P02's next one still comes in the first round
    assert fragments_of(quote_choice.choose(study.conn, "anna", "werkdruk", skip_fragments={f["cijfers"]}))[:4] == [
        f["computer"], f["helft"], f["kwartaal"], f["rapporteren"]]


def test_each_coder_has_their_own_quotes_and_an_unknown_code_is_refused(study):
    [bram] = quote_choice.choose(study.conn, "bram", "doorgroei")
    assert bram.star and bram.coder == "bram"
    assert quote_choice.choose(study.conn, "bram", "werkdruk") == []
    with pytest.raises(UsageError, match="unknown code 'werkdrukk'"):
        quote_choice.choose(study.conn, "anna", "werkdrukk")


def test_by_coding_gives_one_quote_or_none(study):
    f = study.ids
    quote = quote_choice.by_coding(study.conn, coding_id(study, f["rapporteren"], "werkdruk-registratie"))
    assert (quote.fragment_id, quote.text, quote.participant, quote.code) == (
        f["rapporteren"], "Uren per week", "P04", "werkdruk-registratie")
    assert quote.included and not quote.whole_sentences
    assert quote_choice.by_coding(study.conn, 10_000) is None


def _decide(project, coding: int, include=None, order=None, text=None):
    with transaction(project.db) as conn:
        return quote_choice.decide(conn, coding, include=include, order=order, text=text, by="lies")


def test_decisions_override_the_default(study):
    f = study.ids
    anna = lambda fragment_id, code: coding_id(study, fragment_id, code)  # noqa: E731
    _decide(study, anna(f["cijfers"], "werkdruk-registratie"), include=False)
    _decide(study, anna(f["fabriek"], "werkdruk-productie"), order=1)
    _decide(study, anna(f["computer"], "werkdruk-registratie"), order=9,
            text="Op een gegeven moment zat ik meer achter de computer dan bij de gezinnen […] Dat was voor mij "
                 "de druppel.")
    chosen = quote_choice.choose(study.conn, "anna", "werkdruk")
    # the researcher's first, then the default fills the free places, their 9th comes last;
    # P02's starred fragment is left out under registratie, but still stands under productie
    assert fragments_of(chosen) == [f["fabriek"], f["cijfers"], f["kwartaal"], f["computer"]]
    assert chosen[1].code == "werkdruk-productie"
    assert chosen[3].edited and chosen[3].text.endswith("[…] Dat was voor mij de druppel.")
    assert chosen[3].original.startswith("Op een gegeven moment") and "drie systemen" in chosen[3].original
    assert chosen[3].words == 20
    text = study.conn.execute("SELECT text FROM fragments WHERE id = ?", (f["computer"],)).fetchone()[0]
    assert "drie systemen" in text  # the fragment itself never changes


def test_chosen_quotes_beyond_the_limit_are_all_printed(study):
    f = study.ids
    for name in ("helft", "wijkteam", "fabriek", "kwartaal", "rapporteren"):
        code = study.conn.execute("SELECT code_id FROM codings WHERE fragment_id = ? AND coder = 'anna'",
                                  (f[name],)).fetchone()[0]
        _decide(study, coding_id(study, f[name], code), include=True)
    chosen = quote_choice.choose(study.conn, "anna", "werkdruk", limit=2)
    assert len(chosen) == 5 and f["cijfers"] not in fragments_of(chosen)


def test_a_refused_edit_is_never_stored(study):
    quote = quote_choice.choose(study.conn, "anna", "werkdruk-productie")[0]
    with pytest.raises(UsageError, match="word 1"):
        _decide(study, quote.coding_id, text="Iedereen moest elk kwartaal laten zien dat we genoeg huisbezoeken deden.")
    assert study.conn.execute("SELECT COUNT(*) FROM quote_decisions").fetchone()[0] == 0


def test_decisions_are_logged_and_idempotent(study):
    quote = quote_choice.choose(study.conn, "anna", "werkdruk-productie")[1]
    assert _decide(study, quote.coding_id, include=True, order=2, text="[…] moesten elk kwartaal laten zien […]")
    assert not _decide(study, quote.coding_id, include=True, order=2, text="[…] moesten elk kwartaal laten zien […]")
    rows = study.conn.execute("SELECT coder, action, fragment_id, code_id, detail FROM coding_log "
                              "WHERE action = 'quote decision'").fetchall()
    assert len(rows) == 1
    assert rows[0][:4] == ("lies", "quote decision", quote.fragment_id, "werkdruk-productie")
    assert "kwartaal" not in rows[0][4]  # the log says what changed, never the participant's words


def test_a_removed_coding_leaves_a_warning_not_a_crash(study):
    f = study.ids
    coding = coding_id(study, f["kwartaal"], "werkdruk-productie")
    _decide(study, coding, include=True, order=1, text="[…] elk kwartaal laten zien […]")
    study.unassign(f["kwartaal"], ["werkdruk-productie"], "anna")
    assert f["kwartaal"] not in fragments_of(quote_choice.choose(study.conn, "anna", "werkdruk", limit=None))
    [warning] = quote_choice.stale_decisions(study.conn, "anna")
    assert warning.coding_id == coding and "no longer exists" in str(warning) and "kwartaal" not in str(warning)
    # coded again (a new coding, perhaps a new id): the decision applies again
    study.assign(f["kwartaal"], ["werkdruk-productie"], "anna")
    assert quote_choice.stale_decisions(study.conn, "anna") == []
    assert quote_choice.choose(study.conn, "anna", "werkdruk")[0].text == "[…] elk kwartaal laten zien […]"


def test_long_quotes_are_warned_about(study):
    quotes = quote_choice.choose(study.conn, "anna", "werkdruk")
    assert quote_choice.long_quotes(quotes) == []
    [warning] = quote_choice.long_quotes(quotes, longest=30)
    assert warning.coding_id == quotes[0].coding_id and "32 words" in str(warning)
    assert quote_choice.warnings(study.conn, "anna", quotes) == []


def test_a_code_without_its_sub_codes_and_an_interviewers_words(study):
    f = study.ids
    assert quote_choice.choose(study.conn, "anna", "werkdruk", sub_codes=False)[0].fragment_id == f["wijkteam"]
    assert len(quote_choice.choose(study.conn, "anna", "werkdruk", sub_codes=False)) == 1
    question = next(fr.id for fr in study.fragments(participant="P01") if fr.role == "interviewer")
    add_coding(study, question, "werkdruk")  # as an older version or another tool may have left it
    assert question not in fragments_of(quote_choice.choose(study.conn, "anna", "werkdruk", limit=None))
    asked = quote_choice.by_coding(study.conn, coding_id(study, question, "werkdruk"))
    assert asked.fragment_id == question and asked.text.startswith("Vraag 1")


def test_a_coding_of_several_stretches_is_printed_with_a_cut_between_them(study):
    f = study.ids
    text = study.conn.execute("SELECT text FROM fragments WHERE id = ?", (f["computer"],)).fetchone()[0]
    first = (0, text.index(" dan bij"))  # "Op een gegeven moment zat ik meer achter de computer"
    second = (text.index("Dat was"), len(text))
    coding = coding_id(study, f["computer"], "werkdruk-registratie")
    with transaction(study.db) as conn:  # as a REFI-QDA import leaves two selections of one code
        conn.execute("UPDATE codings SET span_start = ?, span_end = ? WHERE id = ?", (first[0], second[1], coding))
        conn.executemany('INSERT INTO coding_spans (coding_id, start, "end") VALUES (?, ?, ?)',
                         [(coding, *first), (coding, *second)])
    quote = quote_choice.by_coding(study.conn, coding)
    assert quote.text == "Op een gegeven moment zat ik meer achter de computer […] Dat was voor mij de druppel."
    assert not _decide(study, coding, text=quote.text)  # the printed words themselves are no edit
    assert study.conn.execute("SELECT COUNT(*) FROM quote_decisions").fetchone()[0] == 0
