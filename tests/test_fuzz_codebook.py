"""Fuzzing `qcode codebook load`: random bytes, damaged YAML and random valid codebooks.

A load ends in exit 0 with the file's codes in the project, or in exit 1 naming the file with the
database as it was (codings on a filled project untouched). The harness is in test_fuzz_import.
"""
from __future__ import annotations

import shutil
import sqlite3

from hypothesis import given
from hypothesis import strategies as st

from test_fuzz_import import (
    HOSTILE, KINDS, Blob, Made, assert_clean_ending, fresh_project, fuzz_settings, mutated, scratch, run,
)

LABELS = ["Werkdruk", "Registratiedruk", "Salaris", "Leidinggevende", "Teamsfeer", "Agressie en spanning",
          "Doorgroeien", "Reorganisatie", "Aanbesteding", "Waardering", "Privé-omstandigheden"]
YAML_HOSTILE = HOSTILE + [
    "&anker ", "*anker", "<<: *anker\n", "!!binary aGFsbG8=", "!!set {a, b}", "!!omap [a: 1]", "!!float nan",
    "!python/name:os.system", "!!python/object/new:os.system [echo]", "? [a, b]\n  : c", "key: &x [*x]\n",
    "\t", "    ", "- ", "codes:\n", "  - id: x\n", "id: ", "label: ", "version: 2\n", "%TAG ! tag:x,2024:\n",
    "--- !!map\n", "name: |\n  blok\n",
]


def slug(label: str, n: int) -> str:
    base = "".join(c if c.isalnum() else "-" for c in label.lower().replace("é", "e")).strip("-")
    return f"{'-'.join(p for p in base.split('-') if p)}-{n}"


@st.composite
def codebook_yaml(draw) -> Made:
    """A valid codebook with themes, sub-codes and optional fields; `paragraphs` holds its code ids."""
    name = draw(st.sampled_from(["Exitstudie", "Uitstroom jeugdwerk"]))
    version = draw(st.sampled_from(["1", "2.1", '"2026-11"']))
    lines = ["# Codeboek exitstudie", f"name: {name}", f"version: {version}", "language: nl", "codes:"]
    ids = []

    def add(depth: int, count: int) -> None:
        for _ in range(count):
            label = draw(st.sampled_from(LABELS))
            code_id = slug(label, len(ids) + 1)
            ids.append(code_id)
            pad = "  " * (2 * depth + 1)
            lines.extend([f"{pad}- id: {code_id}", f"{pad}  label: {label}"])
            if draw(st.booleans()):
                lines.append(f"{pad}  description: 'Alles over {label.lower()}, ook: indirect.'")
            if draw(st.booleans()):
                lines.append(f"{pad}  keywords: [{label.lower()}, druk]")
            if draw(st.booleans()):
                lines.append(f"{pad}  color: '#{draw(st.integers(0, 0xFFFFFF)):06x}'")
            if depth < 3 and draw(st.booleans()):
                lines.append(f"{pad}  codes:")
                add(depth + 1, draw(st.integers(1, 3)))

    add(0, draw(st.integers(1, 4)))
    return Made("\n".join(lines).encode("utf-8") + b"\n", ids)


@st.composite
def yaml_mutated(draw, data: bytes) -> Blob:
    """Damage at the byte level or at YAML's level: anchors, aliases, tags, indentation, deep nesting."""
    kind = draw(st.sampled_from(["bytes", "yaml", "yaml", "deep", "alias"]))
    if kind == "bytes":
        return draw(mutated(data))
    text = data.decode("utf-8")
    lines = text.split("\n")
    if kind == "deep":
        depth = draw(st.sampled_from([50, 200, 450]))
        nested = "".join(f"{'  ' * (2 * d)}- id: diep-{d}\n{'  ' * (2 * d)}  label: Diep\n{'  ' * (2 * d)}  codes:\n"
                         for d in range(depth)) + f"{'  ' * (2 * depth)}- id: bodem\n{'  ' * (2 * depth)}  label: Bodem\n"
        if draw(st.booleans()):
            nested = "[" * depth + "]" * depth + "\n"
        return Blob(("\n".join(lines[:5]) + "\n" + nested).encode("utf-8"))
    if kind == "alias":  # a small expansion that only costs when walked: bounded here (4^6 nodes)
        bomb = ["a0: &a0 [Werkdruk, Salaris, Team, Loon]"]
        for level in range(1, 7):
            previous = f"*a{level - 1}"
            bomb.append(f"a{level}: &a{level} [{previous}, {previous}, {previous}, {previous}]")
        return Blob(("\n".join(bomb) + "\n" + text.replace("keywords: [", "keywords: [*a6, ", 1)).encode("utf-8"))
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(lines)))
        token = draw(st.sampled_from(YAML_HOSTILE))
        if draw(st.booleans()) and at < len(lines):
            column = draw(st.integers(0, len(lines[at])))
            lines[at] = lines[at][:column] + token + lines[at][column:]
        else:
            lines.insert(at, token)
    return Blob("\n".join(lines).encode("utf-8", errors="surrogatepass"))


def check_load(data: bytes | Blob, kind: str, ids: list[str] | None = None) -> None:
    workdir = scratch()
    try:
        folder = fresh_project(kind, workdir)
        path = workdir / "codeboek.yaml"
        path.write_bytes(data.data if isinstance(data, Blob) else data)
        outcome = run(folder, "codebook", "load", str(path))
        assert_clean_ending(outcome, ["codeboek.yaml"], marker=None)
        conn = sqlite3.connect(folder / "qcode.db")
        try:
            active = {row[0] for row in conn.execute("SELECT id FROM codes WHERE active = 1")}
            codings = conn.execute("SELECT COUNT(*) FROM codings").fetchone()[0]
        finally:
            conn.close()
        if outcome.exit_code == 0:
            assert active, "a codebook loaded without codes"
            assert codings == (3 if kind == "prefilled" else 0), "loading a codebook lost codings"
        if ids is not None:
            assert outcome.exit_code == 0, f"a valid codebook was refused: {outcome.output[-2000:]}"
            assert active == set(ids)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


@fuzz_settings(25)
@given(made=codebook_yaml(), kind=KINDS)
def test_valid_codebooks_load(made, kind):
    check_load(made.data, kind, made.paragraphs)


@fuzz_settings(60)
@given(data=st.data(), kind=KINDS)
def test_damaged_codebooks_end_cleanly(data, kind):
    made = data.draw(codebook_yaml())
    check_load(data.draw(yaml_mutated(made.data)), kind)


@fuzz_settings(30)
@given(data=st.one_of(st.binary(max_size=2000),
                      st.text(max_size=1500).map(lambda t: t.encode("utf-8", errors="surrogatepass"))),
       kind=KINDS)
def test_random_codebook_bytes_end_cleanly(data, kind):
    check_load(data, kind)
