"""What `qcode import X.qdpx`, `qcode export qdpx`, `qcode codebook export X.qdc` and `qcode codebook load X.qdc` do."""
from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qcode import codebook as cb
from qcode import codebook_db, coding
from qcode.codings_io import _mark_transcripts_seen
from qcode.db import transaction
from qcode.errors import InputError, Problem, UsageError
from qcode.importer import store_documents
from qcode.outputs import check_target, writing
from qcode.readers import ReadError
from qcode.refi import codebook, export, load, xml

if TYPE_CHECKING:
    from qcode.anonymise import Pseudonymiser
    from qcode.project import Project


# -- export --------------------------------------------------------------------------------------
def export_qdpx(project: Project, target: Path, coders: list[str] | None = None,
                pseudonymiser: Pseudonymiser | None = None) -> export.ExportSummary:
    known = {row[0] for row in project.conn.execute("SELECT DISTINCT coder FROM codings")}
    unknown = [c for c in coders or [] if c not in known]
    if unknown:
        raise UsageError(f"no codings by {', '.join(unknown)}", hint=f"coders with codings: {', '.join(sorted(known)) or 'none'}")
    with writing(target, project.output_guard()) as temporary:
        return export.write(project.conn, temporary, project.root.name or "qcode", coders, pseudonymiser)


def export_qdc(project: Project, target: Path) -> int:
    tree = export._code_tree(project.conn, set())
    if not tree:
        raise UsageError("the project has no codebook yet", hint="load one first: qcode codebook load FILE.yaml")
    with writing(target, project.output_guard()) as temporary:
        temporary.write_bytes(codebook.qdc_bytes(tree, "qcode"))
    return sum(1 for _ in export._walk(tree))


# -- codebooks -----------------------------------------------------------------------------------
def read_qdc(path: Path) -> list[codebook.RefiCode]:
    try:
        data = path.read_bytes()
    except OSError:
        raise InputError([Problem("cannot read this codebook", path, hint="check the path and permissions")]) from None
    root = xml.parse(data, path)
    if xml.local(root) not in ("CodeBook", "Codebook"):
        raise InputError([Problem(f"this is not a REFI-QDA codebook (its root is {xml.local(root)!r})", path,
                                  hint="export the codebook again as .qdc")])
    codes = codebook.read_codes(xml.child(root, "Codes"))
    if not codes:
        raise InputError([Problem("the codebook has no codes", path, hint="export it again with its codes")])
    return codes


def yaml_for(codes: list[codebook.RefiCode], name: str) -> tuple[str, dict[str, str]]:
    """qcode's YAML for REFI codes (ids made from the names, or kept from qcode's own export)."""
    from ruamel.yaml import YAML
    import io

    entries, ids = codebook.to_yaml_codes(codes)
    document = {"name": name, "version": "1", "language": "nl", "codes": entries}
    stream = io.StringIO()
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.allow_unicode = True
    yaml.sort_base_mapping_type_on_output = False  # type: ignore[attr-defined]
    yaml.width = 100
    stream.write(f"# Codeboek gemaakt door qcode uit {name} (REFI-QDA). Bewerk het gerust; laad het met\n"
                 "# qcode codebook load.\n")
    yaml.dump(document, stream)
    return stream.getvalue(), ids


def write_yaml_beside(project: Project, text: str, target: Path) -> Path:
    """Write the YAML, unless the same file is there already; a different one is never overwritten."""
    if target.exists():
        if target.read_text(encoding="utf-8", errors="replace") == text:
            return target
        raise UsageError(f"{target.name} is there already and differs from this codebook", path=target,
                         hint="load that file with qcode codebook load, or move it away and try again")
    check_target(target, project.output_guard())
    with writing(target, project.output_guard()) as temporary:
        temporary.write_text(text, encoding="utf-8")
    return target


def load_qdc(project: Project, path: Path) -> tuple[Path, codebook_db.LoadResult]:
    codes = read_qdc(path)
    text, _ = yaml_for(codes, path.stem)
    target = write_yaml_beside(project, text, path.with_suffix(".yaml"))
    return target, project.load_codebook(target)


# -- import --------------------------------------------------------------------------------------
def import_qdpx(project: Project, path: Path) -> load.QdpxImport:
    refi = load.read(path)
    report = load.QdpxImport(sources=len(refi.sources))
    report.not_imported.extend(refi.not_imported)
    report.reading, report.readings = load.reading_of(refi)
    flags = {guid: key for code in refi.codes if codebook.is_flag_category(code) for child in code.codes
             for key, name in codebook.FLAGS.items() if child.name == name for guid in [child.guid]}
    conn = project.conn
    existing = {row[0]: row[1] for row in conn.execute("SELECT id, label FROM codes WHERE active = 1")}
    loaded = None
    if existing:
        code_ids = _match_codes(refi.codes, existing, report, conn)
    else:
        text, code_ids = yaml_for(refi.codes, path.stem)
        target = write_yaml_beside(project, text, project.root / f"codeboek-{codebook.unique_id(path.stem, set())}.yaml")
        loaded = cb.read_codebook(target)
        report.codebook = target
    with transaction(project.db) as conn:
        if loaded is not None:
            codebook_db.store(conn, loaded, source=project._remembered(loaded.path))
        documents, kept = _documents(refi, path, report, conn)
        stored = store_documents(conn, documents, project.unit, _pipeline())
        report.transcripts_new, report.transcripts_changed = stored.new, stored.changed
        report.transcripts_unchanged += stored.unchanged
        report.participants = len({participant for _, participant, _, _ in documents})
        _same_coders(conn, refi, report)
        _codings(conn, refi, kept, code_ids, flags, report)
    return report


def _pipeline():  # type: ignore[no-untyped-def]
    from qcode.segment import load_pipeline
    return load_pipeline


def _match_codes(codes: list[codebook.RefiCode], existing: dict[str, str], report: load.QdpxImport,
                 conn: sqlite3.Connection) -> dict[str, str]:
    """Codes of the file matched to the project's: by the qcode id in the description, else by label, and
    where a label is in two branches (NVivo allows it) by the labels of its parents too."""
    parents = dict(conn.execute("SELECT id, parent_id FROM codes"))
    labels = dict(conn.execute("SELECT id, label FROM codes"))

    def path_of(code_id: str) -> tuple[str, ...]:
        chain = []
        while code_id:
            chain.append(labels.get(code_id, "").casefold())
            code_id = parents.get(code_id)
        return tuple(reversed(chain))

    by_label: dict[str, list[str]] = {}
    for code_id, label in existing.items():
        by_label.setdefault(label.casefold(), []).append(code_id)
    by_path = {path_of(code_id): code_id for code_id in existing}
    ids, missing, ambiguous = {}, [], []

    def visit(code: codebook.RefiCode, above: tuple[str, ...]) -> None:
        here = (*above, code.name.casefold())
        wanted = codebook._parse_description(code.description).get("id")
        found = by_label.get(code.name.casefold(), [])
        code_id = (wanted if wanted in existing else found[0] if len(found) == 1 else by_path.get(here))
        if code_id:
            ids[code.guid] = code_id
        elif len(found) > 1:
            ambiguous.append(" › ".join(part for part in (*[p.title() for p in above], code.name)))
        else:
            missing.append(code.name)
        for child in code.codes:
            visit(child, here)

    for top in codes:
        if not codebook.is_flag_category(top):
            visit(top, ())
    if missing:
        shown = ", ".join(repr(name) for name in missing[:10]) + (f" and {len(missing) - 10} more" if len(missing) > 10 else "")
        report.not_imported.append(f"{len(missing)} codes not in the project's codebook: {shown} (add them to the "
                                   "codebook YAML, load it, and import again)")
    if ambiguous:
        report.not_imported.append(f"the codings of {', '.join(repr(a) for a in ambiguous[:10])}: that label is in "
                                   "several branches of the project's codebook and the file's branch matches none "
                                   "(rename one, or give the codes the same parents)")
    return ids


def _documents(refi: load.RefiProject, path: Path, report: load.QdpxImport,
               conn: sqlite3.Connection):  # type: ignore[no-untyped-def]
    """Each source as a document to store; one whose text a transcript of that name already holds is left
    as it is (its timestamps and format kept), its selections placed on that transcript's fragments."""
    documents, kept, names = [], [], set()
    stored = dict(conn.execute("SELECT name, text FROM transcripts"))
    for source in refi.sources:
        name = source.name
        number = 2
        while name.casefold() in names:
            name, number = f"{source.name} ({number})", number + 1
        names.add(name.casefold())
        if stored.get(name) == source.text.text:
            kept.append((source, name))
            report.transcripts_unchanged += 1
            continue
        participant, attributes = refi.cases.get(source.guid, (Path(source.name).stem or source.name, {}))
        attributes = dict(attributes)
        variables = dict(source.variables)
        interviewer = {label.strip() for label in str(variables.pop(load.INTERVIEWER_VARIABLE, "") or "").split(";")
                       if label.strip()}
        speakers = {label.strip() for label in str(variables.pop(load.SPEAKERS_VARIABLE, "") or "").split(";")
                    if label.strip()}
        attributes.update(variables)
        try:
            document = load.document_for(source, name, participant, path, interviewer, speakers)
        except ReadError as error:
            report.not_imported.append(f"source {source.name!r}: {error.problem.message}")
            continue
        documents.append((document, participant, attributes, interviewer))
        kept.append((source, name))
    return documents, kept


def _same_coders(conn: sqlite3.Connection, refi: load.RefiProject, report: load.QdpxImport) -> None:
    """A user named like a coder of the project but for case ('eva', 'Eva') is that coder: tools differ in case."""
    known = {coder.casefold(): coder for (coder,) in conn.execute("SELECT DISTINCT coder FROM codings")}
    for guid, name in refi.users.items():
        same = known.get(name.casefold())
        if same and same != name:
            refi.users[guid] = same
            report.notes.append(f"user {name!r} is taken as the project's coder {same!r}")


def _codings(conn: sqlite3.Connection, refi: load.RefiProject, kept: list, code_ids: dict[str, str],
             flags: dict[str, str], report: load.QdpxImport) -> None:
    pairs, texts_of, source_texts = [], {}, []
    for source, name in kept:
        fragments = load.fragments_of(conn, name)
        texts_of.update({fragment_id: text for fragment_id, _, text, _ in fragments})
        mapping = load.FragmentMap(source.text.text, fragments)
        for selection in source.selections:
            pairs.append((selection, mapping))
            source_texts.append(source.text)
    codings = load.collect_codings(pairs, report.reading, texts_of, source_texts, refi.users, code_ids, flags,
                                   refi.notes, report)
    rows = []
    for (fragment_id, code_id, coder), entry in sorted(codings.items()):
        spans = sorted({span for span in entry["spans"] if span is not None})
        whole = None in entry["spans"]
        span = None if whole or not spans else (min(s for s, _ in spans), max(e for _, e in spans))
        rows.append((fragment_id, code_id, coder, entry["main"], entry["star"], "\n\n".join(entry["memos"]) or None,
                     span, spans if len(spans) > 1 and not whole else []))
    existing = {(f, c, who): (bool(m), bool(s), memo, (a, b) if a is not None else None) for f, c, who, m, s, memo, a, b
                in conn.execute("SELECT fragment_id, code_id, coder, main, star, memo, span_start, span_end FROM codings")}
    changed = [row for row in rows if existing.get(row[:3]) != (bool(row[3]), bool(row[4]), row[5], row[6])]
    coding.apply_checked(conn, [row[:7] for row in changed])  # what is there already is left as it is
    rows = changed
    for fragment_id, code_id, coder, *_, extra in rows:
        coding_id = conn.execute("SELECT id FROM codings WHERE fragment_id = ? AND code_id = ? AND coder = ?",
                                 (fragment_id, code_id, coder)).fetchone()[0]
        conn.execute("DELETE FROM coding_spans WHERE coding_id = ?", (coding_id,))
        conn.executemany('INSERT INTO coding_spans (coding_id, start, "end") VALUES (?, ?, ?)',
                         [(coding_id, start, end) for start, end in extra])
    _mark_transcripts_seen(conn, {(coder, fragment_id) for fragment_id, _, coder, *_ in rows})
    report.codings = len(rows)
    report.memos = sum(1 for row in rows if row[5])
    report.coders = sorted({row[2] for row in rows})
