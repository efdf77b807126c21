"""deduce, the Dutch de-identification library, as one of the identifier detectors.

deduce's first construction builds lookup structures from its name and place lists for ~150 s
(~1.2 GB), then loads them from a cache in seconds. qcode keeps that cache in the user's cache
folder (`$QCODE_CACHE_DIR`, else `$XDG_CACHE_HOME/qcode` or `~/.cache/qcode`, in `deduce-<version>`),
builds it under a file lock so two commands never build it at once, writes it whole or not at all,
keeps one loaded instance per process and remembers what it found per text.
"""
from __future__ import annotations

import gc
import importlib.metadata
import importlib.util
import logging
import os
import re
import shutil
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from qcode.anonymise.detect import Finding
from qcode.errors import QcodeError

CACHE_ENV = "QCODE_CACHE_DIR"
BUILD_MESSAGE = "building the name detector's lookup tables once, ~2-3 minutes (kept in {folder})"
_CACHE_FILE = Path("cache") / "lookup_structs.pickle"  # where deduce keeps it under its cache_path
MEMO_LIMIT = 200_000  # texts whose findings are remembered in this process

# deduce's tags (after its own clean-up: "patient", "persoon", "straat+huisnummer" …) → qcode's categories
_TAGS = {"persoon": "persoon", "patient": "persoon", "naam": "persoon", "voornaam": "persoon",
         "achternaam": "persoon", "initiaal": "persoon", "locatie": "plaats", "woonplaats": "plaats",
         "straat": "adres", "huisnummer": "adres", "postcode": "adres", "adres": "adres",
         "instelling": "organisatie", "ziekenhuis": "organisatie", "zorginstelling": "organisatie",
         "datum": "datum", "leeftijd": "leeftijd", "telefoonnummer": "telefoon", "emailadres": "email",
         "email": "email", "url": "website"}

_instance: Any = None
_instance_lock = threading.Lock()
_memo: dict[str, tuple[Finding, ...]] = {}


def available() -> bool:
    return importlib.util.find_spec("deduce") is not None


def version() -> str:
    return importlib.metadata.version("deduce")


def cache_root() -> Path:
    explicit = os.environ.get(CACHE_ENV)
    if explicit:
        return Path(explicit).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base).expanduser() / "qcode"


def cache_folder() -> Path:
    return cache_root() / f"deduce-{version()}"


def is_built() -> bool:
    return (cache_folder() / _CACHE_FILE).is_file()


def prepare(progress_message: Callable[[str], None] | None = None) -> Any:
    """The process's deduce instance: loaded from the cache, built into it first when missing."""
    global _instance
    with _instance_lock:
        if _instance is None:
            _instance = _load_or_build(progress_message)
        return _instance


def _load_or_build(progress_message: Callable[[str], None] | None) -> Any:
    folder = cache_folder()
    if is_built():
        loaded = _construct(folder)
        if loaded is not None:
            return loaded
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise _cache_error(folder, error) from None
    with _file_lock(folder / ".lock"):
        if is_built():  # another process built it while this one waited
            loaded = _construct(folder)
            if loaded is not None:
                return loaded
        announce = progress_message or _print_to_stderr
        announce(BUILD_MESSAGE.format(folder=folder))
        return _build(folder)


def _build(folder: Path) -> Any:
    """Build into a private folder, then move the cache file into place: a killed build leaves nothing half-written."""
    building = folder / f".building-{os.getpid()}"
    shutil.rmtree(building, ignore_errors=True)
    try:
        deduce = _construct(building, build=True)
        target = folder / _CACHE_FILE
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(building / _CACHE_FILE, target)
    except OSError as error:
        raise _cache_error(folder, error) from None
    finally:
        shutil.rmtree(building, ignore_errors=True)
    return deduce


def _construct(cache_path: Path, build: bool = False) -> Any:
    """A Deduce over `cache_path`; None when its cache cannot be read (then it is built again)."""
    with _quiet_deduce():
        from deduce import Deduce

    paused = gc.isenabled() and not build
    if paused:
        gc.disable()  # unpickling millions of small objects: the collector's passes double the load time
    try:
        with _quiet_deduce():
            return Deduce(cache_path=cache_path, build_lookup_structs=build)
    except MemoryError:
        raise
    except Exception:  # a truncated or foreign pickle: build it again
        if build:
            raise
        (cache_path / _CACHE_FILE).unlink(missing_ok=True)
        return None
    finally:
        gc.freeze()  # millions of long-lived objects: without this, each full collection walks them all (~15 s)
        if paused:
            gc.enable()


@contextmanager
def _quiet_deduce() -> Iterator[None]:
    """deduce configures the root logger (DEBUG, to stdout) when imported, and logs while building:
    keep qcode's output its own."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        yield
    finally:
        for handler in root.handlers[:]:
            if handler not in handlers:
                root.removeHandler(handler)
        root.setLevel(level)


@contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    """An exclusive lock on `path` across processes, waited for (a build takes minutes)."""
    handle = open(path, "a+b")
    try:
        if sys.platform == "win32":  # pragma: no cover - qcode's CI is Linux
            import msvcrt

            while True:
                try:
                    msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
                    break
                except OSError:
                    time.sleep(1)
        else:
            import fcntl

            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        yield
    finally:
        handle.close()  # closing releases the lock


def _cache_error(folder: Path, error: OSError) -> QcodeError:
    return QcodeError(f"cannot write the name detector's cache ({error.strerror or type(error).__name__})",
                      path=folder, hint=f"make the folder writable, or set {CACHE_ENV} to a folder you may write")


def _print_to_stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def deduce_findings(text: str) -> list[Finding]:
    """What deduce finds in `text`, in qcode's categories; remembered per text in this process."""
    found = _memo.get(text)
    if found is None:
        found = tuple(_annotate(text))
        if len(_memo) >= MEMO_LIMIT:
            _memo.clear()
        _memo[text] = found
    return list(found)


def _annotate(text: str) -> Iterator[Finding]:
    deduce = prepare()
    document = deduce.deidentify(text)
    for annotation in document.annotations:
        category = category_of(annotation.tag)
        if category == "plaats" and any(c.isdigit() for c in annotation.text):
            category = "adres"  # deduce tags "Kerkstraat 12" as a location
        if category is None or not annotation.text.strip():
            continue
        if category in ("persoon", "plaats") and _a_word_opening_a_sentence(deduce, text, annotation):
            continue
        start, found = annotation.start_char, annotation.text
        if category == "persoon":  # "mevrouw Tuinman" → "Tuinman": exports print "mevrouw [naam 1]"
            title = _TITLE.match(found)
            if title and title.end() < len(found):
                start, found = start + title.end(), found[title.end():]
        yield Finding(start, start + len(found), found, category, "deduce")


_TITLE = re.compile(r"(?i:(?:mevrouw|meneer|mevr\.?|mw\.?|dhr\.?|de heer|dokter|dr\.?|juf|meester|zuster|broeder|"
                    r"prof\.?|mr\.?|ir\.?|drs\.?|ing\.?)\s+)+")


_SENTENCE_END = frozenset(".!?:;…\n\"'“”‘’(-–—")


def _a_word_opening_a_sentence(deduce: Any, text: str, annotation: Any) -> bool:
    """deduce takes a capitalised Dutch word opening a sentence for a name or place ("Sloot je opleiding
    …", "Best veel", "Scholing was er nauwelijks"): such a one-word finding is dropped, unless it is a
    first name ("Jan belde"). The same word met in the middle of a sentence is still found, and then
    replaced everywhere."""
    word = annotation.text
    if " " in word.strip() or not word[:1].isupper():
        return False
    before = text[:annotation.start_char].rstrip()
    if before and before[-1] not in _SENTENCE_END:
        return False
    if [word] in deduce.lookup_structs["first_name"]:
        return False
    import simplemma

    return simplemma.is_known(word.lower(), lang="nl")


def category_of(tag: str) -> str | None:
    """qcode's category of a deduce tag ("straat+huisnummer" → adres, "patient" → persoon); None for
    numbers qcode does not replace (bsn, id)."""
    if tag in _TAGS:
        return _TAGS[tag]
    for part in tag.split("+"):
        if part in _TAGS:
            return _TAGS[part]
    return None


def ensure_cache(progress_message: Callable[[str], None] | None = None) -> bool:
    """Build the cache when it is missing, in a child process (whose ~1.2 GB go back when it ends);
    True when it had to be built. For a test run's controller or an installer."""
    if not available() or is_built():
        return False
    import subprocess

    (progress_message or _print_to_stderr)(BUILD_MESSAGE.format(folder=cache_folder()))
    subprocess.run([sys.executable, "-c", "from qcode.anonymise.deduce_detector import prepare; "
                    "prepare(progress_message=lambda message: None)"], check=True)
    return True
