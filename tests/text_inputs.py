"""Helpers for the plain-text input tests: write crafted files, import them through the CLI."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

INTERVIEW = (
    "I: Hoe lang werkt u al in de thuiszorg?\n\n"
    "R: Sinds 2011. Eerst als helpende, later als verzorgende.\n\n"
    "I: Wat vindt u het zwaarst?\n\n"
    "R: De registratie. Ik schrijf meer dan ik zorg.\n"
)


def dump(folder: Path) -> list[str]:
    """Everything in the project database, to check that a refused import changed nothing."""
    conn = sqlite3.connect(folder / "qcode.db")
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def init(cli) -> None:
    assert cli("init", str(cli.folder), project=False).exit_code == 0


def refused(cli, *args: str) -> str:
    """Import `args`, expect a clear refusal that leaves the database as it was; the message."""
    before = dump(cli.folder)
    result = cli("import", *args)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert dump(cli.folder) == before
    return " ".join(result.output.split())


def imported(cli, *args: str) -> dict:
    """Import `args` and return the JSON summary."""
    result = cli("import", "--json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def status(cli) -> dict:
    return json.loads(cli("status", "--json").output)


def fragments(cli, *args: str) -> list[dict]:
    return json.loads(cli("fragments", "--json", *args).output)


def stored(folder: Path, sql: str, *params) -> list[tuple]:
    conn = sqlite3.connect(folder / "qcode.db")
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def attributes(folder: Path, participant: str) -> dict:
    rows = stored(folder, "SELECT attributes FROM participants WHERE id = ?", participant)
    return json.loads(rows[0][0])
