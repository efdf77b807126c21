"""The lemma dictionaries as tries in the cache folder: the same data as the packages' own, built once,
rebuilt when damaged, and the packages' own loaders where nothing can be written."""
from __future__ import annotations

import os
import stat

import pytest

from qcode import lemma_tables
from qcode.lemmas import DutchLemmas


def _spacy_trie(folder):  # type: ignore[no-untyped-def]
    path = folder / "spacy.marisa"
    trie = lemma_tables._mapped(path, "bytes", lambda factory: factory(
        lemma_tables._bytes_items(lemma_tables._spacy_json().items())))
    return path, trie


def test_the_trie_holds_the_table_exactly(tmp_path):
    path, trie = _spacy_trie(tmp_path)
    table = lemma_tables._spacy_json()
    mapped = lemma_tables.TrieMap(trie)
    assert path.is_file() and len(mapped) == len(table)
    assert all(mapped.get(form) == lemma for form, lemma in table.items())
    assert mapped.get("gesprekjes") == "gesprek" and mapped.get("qwertyuiop") is None
    assert "qwertyuiop" not in mapped and "gesprekjes" in mapped


def test_a_damaged_trie_is_built_again(tmp_path):
    path, _ = _spacy_trie(tmp_path)
    size = path.stat().st_size
    path.write_bytes(b"not a trie at all")
    _, trie = _spacy_trie(tmp_path)
    assert path.stat().st_size == size
    assert lemma_tables.TrieMap(trie).get("cliënten") == "cliënt"


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a read-only folder")
def test_an_unwritable_cache_folder_gives_none_so_the_packages_load_as_before(tmp_path):
    tmp_path.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        assert _spacy_trie(tmp_path)[1] is None
    finally:
        tmp_path.chmod(stat.S_IRWXU)


def test_a_cache_path_that_is_a_file_gives_none(tmp_path):
    (tmp_path / "blocked").write_text("a file where the folder should be", encoding="utf-8")
    assert lemma_tables._mapped(tmp_path / "blocked" / "spacy.marisa", "keys", lambda factory: factory(["a"])) is None


def test_lemmas_from_the_tries_are_those_from_the_packages_data(monkeypatch):
    from simplemma.strategies.dictionaries.dictionary_factory import DEFAULT_DICTIONARY_FACTORY

    words = ["werkte", "gesprekken", "zware", "opgezegd", "vertrok", "leidinggevenden", "cliënten", "geïnteresseerd",
             "wijkverpleging", "huisbezoeken", "doorverwezen", "ingeroosterd", "werk", "waren", "agressieve"]
    from_tries = [DutchLemmas().lemmas(word) for word in words]

    class Packages:
        @staticmethod
        def get_dictionary(lang):  # type: ignore[no-untyped-def]
            return DEFAULT_DICTIONARY_FACTORY.get_dictionary(lang)

    table = lemma_tables._spacy_json()
    monkeypatch.setattr(lemma_tables, "DictionaryFactory", Packages)
    monkeypatch.setattr(lemma_tables, "spacy_table", lambda: table)
    monkeypatch.setattr(lemma_tables, "spacy_lemmas", lambda: frozenset(table.values()))
    assert [DutchLemmas().lemmas(word) for word in words] == from_tries
    assert from_tries[0] == ("werken",) and from_tries[5][0] == "leidinggevende"


def test_the_cache_folder_follows_qcode_cache(monkeypatch, tmp_path):
    monkeypatch.setenv("QCODE_CACHE", str(tmp_path))
    assert lemma_tables._trie_path("simplemma-nl", "simplemma").parent == tmp_path / "lemmas"
