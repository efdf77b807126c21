"""The dictionaries behind `qcode.lemmas`, as tries built once in the user's cache folder.

simplemma's Dutch dictionary (370,000 forms, front-coded and compressed in its wheel) and spaCy's
lookup table (213,000 forms, gzipped JSON) take 0.5–1 s to decode in every process that lemmatises,
while an import asks them about a few thousand words. So the first use writes each as a MARISA trie
(`marisa-trie`) to the cache folder, named by the versions of the packages it came from, and every
later process maps the file into memory in a millisecond; a lookup is then about a microsecond.

The tries hold exactly the packages' data, so the lemmas are the same as from the packages' own
loaders. Where no trie can be written (a read-only home, no cache folder), the packages' data is
decoded in memory as before.
"""
from __future__ import annotations

import gzip
import json
import os
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from functools import lru_cache
from importlib import metadata, resources
from pathlib import Path
from typing import Any

FORMAT = 1  # raise when what the tries hold changes


def cache_folder() -> Path:
    """Where the tries live: `$QCODE_CACHE`, else the user's cache folder for qcode."""
    given = os.environ.get("QCODE_CACHE")
    if given:
        return Path(given)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("qcode"))


def _trie_path(name: str, package: str) -> Path:
    return cache_folder() / "lemmas" / f"{name}-{metadata.version(package)}-v{FORMAT}.marisa"


class TrieMap(Mapping[str, str]):
    """A read-only str → str mapping over a marisa BytesTrie (one value per key)."""

    __slots__ = ("_trie",)

    def __init__(self, trie: Any) -> None:
        self._trie = trie

    def get(self, key: str, default: Any = None) -> Any:  # type: ignore[override]
        found = self._trie.get(key)
        return found[0].decode() if found else default

    def __getitem__(self, key: str) -> str:
        found = self._trie.get(key)
        if not found:
            raise KeyError(key)
        return str(found[0].decode())

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and key in self._trie

    def __iter__(self) -> Iterator[str]:
        return iter(self._trie.iterkeys())

    def __len__(self) -> int:
        return len(self._trie)


def _mapped(path: Path, kind: str, build: Any) -> Any:
    """The trie at `path` mapped into memory, written first (atomically) when missing or unreadable;
    None when marisa-trie is missing or the folder cannot be written."""
    try:
        import marisa_trie
    except ImportError:
        return None
    factory = marisa_trie.BytesTrie if kind == "bytes" else marisa_trie.Trie
    if path.exists():
        try:
            return factory().mmap(str(path))
        except Exception:  # a damaged file (a disk full while another process wrote it): build again
            pass
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        os.close(handle)
        try:
            build(factory).save(temporary)
            os.replace(temporary, path)
        finally:
            Path(temporary).unlink(missing_ok=True)
        return factory().mmap(str(path))
    except OSError:
        return None


def _bytes_items(pairs: Iterable[tuple[str, str]]) -> Iterator[tuple[str, bytes]]:
    return ((key, value.encode()) for key, value in pairs)


@lru_cache(maxsize=1)
def simplemma_dictionary() -> Mapping[str, str]:
    """simplemma's Dutch dictionary (form → lemma)."""
    from simplemma.strategies.dictionaries.dictionary_factory import (
        DEFAULT_DICTIONARY_FACTORY,
        _load_dictionary_from_disk,
    )

    def build(factory: Any) -> Any:
        return factory((key.decode(), value) for key, value in _load_dictionary_from_disk("nl").items())

    trie = _mapped(_trie_path("simplemma-nl", "simplemma"), "bytes", build)
    return TrieMap(trie) if trie is not None else DEFAULT_DICTIONARY_FACTORY.get_dictionary("nl")


class DictionaryFactory:
    """simplemma's dictionary factory protocol, answering with the trie."""

    def get_dictionary(self, lang: str) -> Mapping[str, str]:
        if lang != "nl":
            raise ValueError(f"only Dutch is loaded, not {lang!r}")
        return simplemma_dictionary()


def _spacy_json() -> dict[str, str]:
    data = resources.files("spacy_lookups_data") / "data" / "nl_lemma_lookup.json.gz"
    with data.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as text:
        return dict(json.load(text))


@lru_cache(maxsize=1)
def spacy_table() -> Mapping[str, str]:
    """spaCy's Dutch lookup table (form → lemma), from spacy-lookups-data's file."""
    trie = _mapped(_trie_path("spacy-nl-lookup", "spacy-lookups-data"), "bytes",
                   lambda factory: factory(_bytes_items(_spacy_json().items())))
    return TrieMap(trie) if trie is not None else _spacy_json()


@lru_cache(maxsize=1)
def spacy_lemmas() -> Any:
    """Every lemma of spaCy's Dutch lookup table (supports `in`)."""
    trie = _mapped(_trie_path("spacy-nl-lemmas", "spacy-lookups-data"), "keys",
                   lambda factory: factory(set(_spacy_json().values())))
    return trie if trie is not None else frozenset(_spacy_json().values())


def prepare() -> None:
    """Build the tries now (the first import would otherwise)."""
    simplemma_dictionary(), spacy_table(), spacy_lemmas()
