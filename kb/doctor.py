"""Health checks of a knowledge base, and repairs of everything that can be rebuilt from it.

SQLite holds the durable record; the full-text rows, vectors, the FAISS cache and the theme
tags are derived from the stored passages, so a repair can recompute them. Rows that point at
nothing (orphans) are deleted. Intact papers and passages are never deleted. A source file that
has moved is only reported: the stored text is complete without it.

Checks only read; `run(..., repair=True)` repairs in dependency order (orphans before the
full-text index, vectors before the dense index and the themes) and then checks again.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from kb.errors import KbError
from kb.search import vectors
from kb.store import db

OK, PROBLEM, REPAIRED, WARNING = "ok", "problem", "repaired", "warning"


@dataclass
class Result:
    """The outcome of one check, as printed."""

    check: str
    status: str  # ok | problem | repaired | warning
    detail: str
    repairable: bool = False  # a problem that `--repair` would work on

    def as_json(self) -> dict:
        return {"check": self.check, "status": self.status, "detail": self.detail}


@dataclass
class Finding:
    """What a check saw: healthy or not, and whether a repair would do something."""

    ok: bool
    detail: str
    fix: bool = False  # --repair has something to do (a problem it can repair, or a cache not built yet)
    warning: bool = False  # not healthy, but nothing is wrong with the knowledge base itself


@dataclass
class Context:
    conn: sqlite3.Connection
    kb_dir: Path
    _embedder: object = field(default=None, repr=False)

    def embedder(self):
        """The embedder that made the stored vectors (the default one when none are stored)."""
        if self._embedder is None:
            from kb.search import indexing

            self._embedder = indexing.embedder_for(self.conn, self.kb_dir)
        return self._embedder

    def count(self, sql: str, args: tuple = ()) -> int:
        return self.conn.execute(sql, args).fetchone()[0]


# --- opening ----------------------------------------------------------------------------------

def open_unmigrated(kb_dir: Path) -> sqlite3.Connection | None:
    """The database opened as it is, for when db.connect fails (e.g. a migration cannot be applied).

    None when there is no readable SQLite database to look at.
    """
    path = Path(kb_dir) / db.DB_NAME
    if not path.is_file():
        return None
    try:
        conn = sqlite3.connect(path, timeout=30.0, isolation_level=None)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA busy_timeout=30000")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError:
        return None
    return conn


# --- 1. schema, integrity, foreign keys ---------------------------------------------------------

def newest_version() -> int:
    return max(v for v, _ in db.migrations())


def _shape(conn: sqlite3.Connection) -> dict[tuple[str, str], tuple]:
    """(type, name) of every schema object -> the columns of a table (empty for other objects)."""
    out = {}
    for row in conn.execute("SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'").fetchall():
        kind, name = row[0], row[1]
        cols = ()
        if kind == "table":
            cols = tuple((c[1], c[2].upper(), c[3], c[5])
                         for c in conn.execute(f"PRAGMA table_info({_quote(name)})").fetchall())
        out[(kind, name)] = cols
    return out


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def expected_shape() -> dict[tuple[str, str], tuple]:
    """The schema every migration applied to an empty database produces."""
    mem = sqlite3.connect(":memory:")
    try:
        for _, sql in db.migrations():
            mem.executescript(sql)
        return _shape(mem)
    finally:
        mem.close()


def schema_differences(conn: sqlite3.Connection) -> list[str]:
    have, want = _shape(conn), expected_shape()
    out = [f"missing {k} {n}" for k, n in sorted(set(want) - set(have))]
    out += [f"unexpected {k} {n}" for k, n in sorted(set(have) - set(want))]
    out += [f"table {n} has other columns" for k, n in sorted(set(have) & set(want)) if have[(k, n)] != want[(k, n)]]
    return out


def check_schema(ctx: Context) -> Finding:
    version, newest = db.schema_version(ctx.conn), newest_version()
    diffs = schema_differences(ctx.conn)
    if version == newest and not diffs:
        return Finding(True, f"version {version} (newest)")
    if version != newest and not diffs:
        return Finding(False, f"version {version} recorded, but the tables are those of version {newest}", fix=True)
    shown = "; ".join(diffs[:3]) + (f"; +{len(diffs) - 3} more" if len(diffs) > 3 else "")
    hint = " (made by a newer kb?)" if version > newest else ""
    return Finding(False, f"version {version}, newest {newest}{hint}: {shown}")


def repair_schema(ctx: Context) -> str:
    newest = newest_version()
    ctx.conn.execute(f"PRAGMA user_version={newest}")
    return f"version set to {newest}"


def check_integrity(ctx: Context) -> Finding:
    rows = [r[0] for r in ctx.conn.execute("PRAGMA integrity_check").fetchall()]
    if rows == ["ok"]:
        return Finding(True, "SQLite integrity check passed")
    return Finding(False, f"{len(rows)} error(s): {rows[0]}", fix=True)


def repair_integrity(ctx: Context) -> str:
    ctx.conn.execute("REINDEX")
    return "indexes rebuilt (REINDEX)"


def check_foreign_keys(ctx: Context) -> Finding:
    rows = ctx.conn.execute("PRAGMA foreign_key_check").fetchall()
    if not rows:
        return Finding(True, "no broken references")
    tables = sorted({r[0] for r in rows})
    return Finding(False, f"{len(rows)} row(s) refer to missing rows (in {', '.join(tables)})")


# --- 2. orphans -----------------------------------------------------------------------------------

# name -> (rows that point at nothing, how to get rid of them)
ORPHANS: dict[str, tuple[str, str]] = {
    "papers without file": (
        "FROM papers WHERE file_id NOT IN (SELECT id FROM files)",
        "DELETE FROM papers WHERE file_id NOT IN (SELECT id FROM files)"),
    "pages without file": (
        "FROM pages WHERE file_id NOT IN (SELECT id FROM files)",
        "DELETE FROM pages WHERE file_id NOT IN (SELECT id FROM files)"),
    "sections without paper": (
        "FROM sections WHERE paper_id NOT IN (SELECT id FROM papers)",
        "DELETE FROM sections WHERE paper_id NOT IN (SELECT id FROM papers)"),
    "passages without paper": (
        "FROM passages WHERE paper_id NOT IN (SELECT id FROM papers)",
        "DELETE FROM passages WHERE paper_id NOT IN (SELECT id FROM papers)"),
    "passage_vectors": (
        "FROM passage_vectors WHERE passage_id NOT IN (SELECT id FROM passages)",
        "DELETE FROM passage_vectors WHERE passage_id NOT IN (SELECT id FROM passages)"),
    "sentence_vectors": (
        "FROM sentence_vectors WHERE passage_id NOT IN (SELECT id FROM passages)",
        "DELETE FROM sentence_vectors WHERE passage_id NOT IN (SELECT id FROM passages)"),
    "passage_themes": (
        "FROM passage_themes WHERE passage_id NOT IN (SELECT id FROM passages)",
        "DELETE FROM passage_themes WHERE passage_id NOT IN (SELECT id FROM passages)"),
    "full-text rows": (
        "FROM passages_fts WHERE rowid NOT IN (SELECT id FROM passages)",
        "DELETE FROM passages_fts WHERE rowid IN "
        "(SELECT rowid FROM passages_fts WHERE rowid NOT IN (SELECT id FROM passages))"),
    "refs without paper": (
        "FROM refs WHERE paper_id NOT IN (SELECT id FROM papers)",
        "DELETE FROM refs WHERE paper_id NOT IN (SELECT id FROM papers)"),
    "refs to missing works": (  # the reference itself is fine: only its link to the work goes
        "FROM refs WHERE work_id IS NOT NULL AND work_id NOT IN (SELECT id FROM works)",
        "UPDATE refs SET work_id = NULL WHERE work_id IS NOT NULL AND work_id NOT IN (SELECT id FROM works)"),
    "citations": (
        "FROM citations WHERE passage_id NOT IN (SELECT id FROM passages) OR ref_id NOT IN (SELECT id FROM refs)",
        "DELETE FROM citations WHERE passage_id NOT IN (SELECT id FROM passages) "
        "OR ref_id NOT IN (SELECT id FROM refs)"),
}


def orphan_counts(ctx: Context) -> dict[str, int]:
    counts = {name: ctx.count(f"SELECT count(*) {where}") for name, (where, _) in ORPHANS.items()}
    return {k: v for k, v in counts.items() if v}


def check_orphans(ctx: Context) -> Finding:
    counts = orphan_counts(ctx)
    if not counts:
        return Finding(True, "no orphaned rows")
    held = ""
    if "papers without file" in counts:
        n = ctx.count("SELECT count(*) FROM passages WHERE paper_id IN "
                      "(SELECT id FROM papers WHERE file_id NOT IN (SELECT id FROM files))")
        held = f" (those papers hold {n} passage(s); a repair deletes them too)"
    return Finding(False, f"{sum(counts.values())} orphaned row(s): "
                          + ", ".join(f"{name} {n}" for name, n in counts.items()) + held, fix=True)


def repair_orphans(ctx: Context) -> str:
    """Delete every orphan in one transaction (parents first: their cascades take most children)."""
    conn = ctx.conn
    with db.transaction(conn):
        n_vectors = ctx.count("SELECT count(*) FROM passage_vectors")
        n_passages = ctx.count("SELECT count(*) FROM passages")
        n = sum(conn.execute(action).rowcount for _, action in ORPHANS.values())
        if ctx.count("SELECT count(*) FROM passage_vectors") != n_vectors:
            vectors.touch(conn)  # cached dense indexes hold the deleted vectors
        gone = n_passages - ctx.count("SELECT count(*) FROM passages")
    return f"{n} row(s) deleted or unlinked" + (f", {gone} passage(s) with them" if gone else "")


# --- 3. full-text index ---------------------------------------------------------------------------

def _stem_df_stale(ctx: Context) -> int:
    """Stems whose stored document frequency differs from the full-text index's."""
    return ctx.count("SELECT count(*) FROM (SELECT term, doc FROM passages_fts_vocab EXCEPT SELECT term, df FROM stem_df"
                     " UNION ALL SELECT term, df FROM stem_df EXCEPT SELECT term, doc FROM passages_fts_vocab)")


def _fts_corrupt(ctx: Context) -> str | None:
    try:
        ctx.conn.execute("INSERT INTO passages_fts(passages_fts) VALUES ('integrity-check')")
    except sqlite3.DatabaseError as exc:
        return str(exc)
    return None


def check_fulltext(ctx: Context) -> Finding:
    n_passages = ctx.count("SELECT count(*) FROM passages")
    n_rows = ctx.count("SELECT count(*) FROM passages_fts")
    missing = ctx.count("SELECT count(*) FROM passages WHERE id NOT IN (SELECT rowid FROM passages_fts)")
    problems = []
    corrupt = _fts_corrupt(ctx)
    if corrupt:
        problems.append(f"index damaged ({corrupt})")
    if missing:
        problems.append(f"{missing} passage(s) without a full-text row")
    if n_rows - n_passages + missing:
        problems.append(f"{n_rows - n_passages + missing} row(s) without a passage")
    stale = _stem_df_stale(ctx)
    if stale:
        problems.append(f"{stale} stem count(s) out of date")
    if problems:
        return Finding(False, f"{n_rows} rows for {n_passages} passages: " + "; ".join(problems),
                       fix=bool(corrupt or missing or stale))
    return Finding(True, f"{n_rows} rows for {n_passages} passages")


def repair_fulltext(ctx: Context) -> str:
    from kb.search import lexical

    done = []
    if _fts_corrupt(ctx):
        ctx.conn.execute("INSERT INTO passages_fts(passages_fts) VALUES ('rebuild')")
        done.append("index rebuilt")
    n = lexical.ensure_index(ctx.conn)
    if n:
        done.append(f"{n} row(s) added")
    if _stem_df_stale(ctx):
        with db.transaction(ctx.conn):
            ctx.conn.execute("DELETE FROM stem_df")
            ctx.conn.execute("INSERT INTO stem_df(term, df) SELECT term, doc FROM passages_fts_vocab")
        done.append("stem counts recomputed")
    return ", ".join(done) or "nothing to do"


# --- 4. vectors -----------------------------------------------------------------------------------

def _bad_vectors(ctx: Context, dim: int) -> tuple[int, int]:
    """Passage and sentence vectors whose byte length does not fit the recorded dimension."""
    bad = ctx.count("SELECT count(*) FROM passage_vectors WHERE length(vec) != ? "
                    "AND passage_id IN (SELECT id FROM passages)", (dim * 4,))
    bad_s = ctx.count("SELECT count(*) FROM sentence_vectors WHERE length(vecs) != n * ? * 2 "
                      "AND passage_id IN (SELECT id FROM passages)", (dim,))
    return bad, bad_s


def _missing_vectors(ctx: Context) -> int:
    return ctx.count("SELECT count(*) FROM passages WHERE id NOT IN (SELECT passage_id FROM passage_vectors)")


def check_vectors(ctx: Context) -> Finding:
    n_passages = ctx.count("SELECT count(*) FROM passages")
    if not n_passages:
        return Finding(True, "no passages")
    rec = vectors.recorded_embedder(ctx.conn)
    if rec is None:
        return Finding(False, f"no embedder recorded: {n_passages} passage(s) not embedded "
                              "(ingested with --no-embed?)", fix=True)
    name, dim = rec["name"], rec["dim"]
    missing = _missing_vectors(ctx)
    bad, bad_s = _bad_vectors(ctx, dim)
    problems = []
    if missing:
        problems.append(f"{missing} passage(s) without a vector")
    if bad:
        problems.append(f"{bad} vector(s) of the wrong size")
    if bad_s:
        problems.append(f"{bad_s} sentence vector set(s) of the wrong size")
    if problems:
        return Finding(False, f"{name} ({dim}-d): " + "; ".join(problems), fix=True)
    return Finding(True, f"{n_passages} passages embedded with {name} ({dim}-d)")


def repair_vectors(ctx: Context) -> str:
    conn = ctx.conn
    rec = vectors.recorded_embedder(conn)
    dropped = 0
    if rec is not None and any(_bad_vectors(ctx, rec["dim"])):
        dim = rec["dim"]
        with db.transaction(conn):  # wrong-sized vectors are unusable: drop them and embed those passages again
            bad = [r[0] for r in conn.execute(
                "SELECT passage_id FROM passage_vectors WHERE length(vec) != ? UNION "
                "SELECT passage_id FROM sentence_vectors WHERE length(vecs) != n * ? * 2", (dim * 4, dim))]
            conn.executemany("DELETE FROM passage_vectors WHERE passage_id = ?", [(i,) for i in bad])
            conn.executemany("DELETE FROM sentence_vectors WHERE passage_id = ?", [(i,) for i in bad])
            vectors.touch(conn)
        dropped = len(bad)
    embedder = ctx.embedder()
    n = vectors.embed_missing(conn, embedder)
    return (f"{dropped} wrong-sized dropped, " if dropped else "") + f"{n} passage(s) embedded with {embedder.name}"


# --- 5. dense index cache -------------------------------------------------------------------------

def _faiss_message(exc: Exception) -> str:
    msg = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return re.sub(r"^Error in .*? at \S+:\d+: ", "", msg)


def check_dense(ctx: Context) -> Finding:
    """Read the cache's files only (FAISS, no embedding model)."""
    from kb.search import dense

    rec = vectors.recorded_embedder(ctx.conn)
    n_vectors = ctx.count("SELECT count(*) FROM passage_vectors")
    if rec is None or not n_vectors:
        return Finding(True, "no vectors to index")
    name, dim = rec["name"], rec["dim"]
    folder, index_path, meta_path = dense._paths(ctx.kb_dir, name)
    ids_path = folder / f"{index_path.stem}.ids.npy"
    if not index_path.exists() and not meta_path.exists():
        return Finding(True, f"not built yet for {name} (the next search builds it)", fix=True)
    try:
        meta = json.loads(meta_path.read_text())
        generation, meta_dim = meta["generation"], meta["dim"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return Finding(False, f"{meta_path.name} unreadable ({type(exc).__name__})", fix=True)
    if generation != vectors.generation(ctx.conn):
        return Finding(False, "stale: built from an older generation of the vectors", fix=True)
    if meta_dim != dim:
        return Finding(False, f"built for {meta_dim}-d vectors, the stored ones are {dim}-d", fix=True)
    import faiss
    import numpy as np

    try:
        index = faiss.read_index(str(index_path), faiss.IO_FLAG_MMAP | faiss.IO_FLAG_READ_ONLY)
    except (RuntimeError, OSError) as exc:
        return Finding(False, f"{index_path.name} unreadable: {_faiss_message(exc)}", fix=True)
    try:
        n_ids = len(np.load(ids_path, mmap_mode="r"))
    except (OSError, ValueError) as exc:
        return Finding(False, f"{ids_path.name} unreadable ({type(exc).__name__})", fix=True)
    if index.d != dim:
        return Finding(False, f"index is {index.d}-d, the stored vectors are {dim}-d", fix=True)
    if index.ntotal != n_ids:
        return Finding(False, f"index holds {index.ntotal} vectors but {n_ids} ids", fix=True)
    if index.ntotal != n_vectors:
        return Finding(False, f"index holds {index.ntotal} vectors, the knowledge base {n_vectors}", fix=True)
    return Finding(True, f"{index.ntotal} vectors ({meta.get('kind', '?')}, {dim}-d), current")


def repair_dense(ctx: Context) -> str:
    from kb.search import dense

    rec = vectors.recorded_embedder(ctx.conn)
    if rec is None:
        return "no vectors to index"
    folder, index_path, meta_path = dense._paths(ctx.kb_dir, rec["name"])
    for path in (meta_path, index_path, folder / f"{index_path.stem}.ids.npy"):
        path.unlink(missing_ok=True)
    built = dense.open_index(ctx.conn, ctx.kb_dir, rec["name"], rec["dim"])
    return f"rebuilt ({len(built.ids)} vectors)"


# --- 6. themes ------------------------------------------------------------------------------------

def check_themes(ctx: Context) -> Finding:
    from kb.themes import store as theme_store
    from kb.themes import taxonomy

    n_passages = ctx.count("SELECT count(*) FROM passages")
    if not n_passages:
        return Finding(True, "no passages")
    try:
        current = taxonomy.load(None, ctx.kb_dir)
    except KbError as exc:
        return Finding(False, str(exc))
    stored = theme_store.stored_taxonomy(ctx.conn)
    if stored is None:
        return Finding(False, "passages not tagged yet", fix=True)
    if stored.get("digest") != current.digest:
        return Finding(False, f"tagged with {stored.get('source')} ({stored.get('digest')}), "
                              f"the themes in force are {current.source} ({current.digest})", fix=True)
    untagged = _missing_vectors(ctx)
    if untagged:
        return Finding(False, f"{untagged} passage(s) without a vector have no themes", fix=True)
    tagged = ctx.count("SELECT count(DISTINCT passage_id) FROM passage_themes")
    return Finding(True, f"tagged with {current.source}: {tagged} of {n_passages} passages have a theme")


def repair_themes(ctx: Context) -> str:
    from kb.themes import store as theme_store

    if vectors.recorded_embedder(ctx.conn) is None:
        return "cannot tag: no vectors"
    tagger = theme_store.tagger_for(ctx.kb_dir, ctx.embedder())
    n = theme_store.retag(ctx.conn, tagger)
    return f"{n} passage(s) re-tagged with {tagger.taxonomy.source}"


# --- 7. source files ------------------------------------------------------------------------------

def check_sources(ctx: Context) -> Finding:
    paths = [r[0] for r in ctx.conn.execute("SELECT path FROM files ORDER BY id")]
    gone = [p for p in paths if not Path(p).exists()]
    if not gone:
        return Finding(True, f"all {len(paths)} source file(s) present")
    more = f" (+{len(gone) - 1} more)" if len(gone) > 1 else ""
    return Finding(False, f"{len(gone)} of {len(paths)} source file(s) moved or deleted: {gone[0]}{more}; "
                          "the stored text is complete without them", warning=True)


# --- running --------------------------------------------------------------------------------------

Check = Callable[[Context], Finding]
Repair = Callable[[Context], str]

# In repair order: what a later repair relies on is repaired first.
CHECKS: list[tuple[str, Check, Repair | None]] = [
    ("schema", check_schema, repair_schema),
    ("integrity", check_integrity, repair_integrity),
    ("orphans", check_orphans, repair_orphans),
    ("foreign-keys", check_foreign_keys, None),  # the orphan repair deletes what it reports
    ("full-text", check_fulltext, repair_fulltext),
    ("vectors", check_vectors, repair_vectors),
    ("dense-index", check_dense, repair_dense),
    ("themes", check_themes, repair_themes),
    ("source-files", check_sources, None),
]


def _safe(check: Check, ctx: Context) -> Finding:
    try:
        return check(ctx)
    except sqlite3.DatabaseError as exc:
        return Finding(False, f"cannot check: {exc}")


def run(conn: sqlite3.Connection, kb_dir: Path, *, repair: bool = False,
        progress: Callable[[str], None] | None = None) -> list[Result]:
    """Every check's result; with `repair`, after repairing what can be repaired."""
    ctx = Context(conn, Path(kb_dir))
    before = {name: _safe(check, ctx) for name, check, _ in CHECKS}
    if not repair:
        return [_result(name, before[name], before[name], None) for name, _, _ in CHECKS]
    actions: dict[str, str] = {}
    for name, check, fix in CHECKS:
        if fix is None:
            continue
        # Earlier repairs may change what is needed (new vectors make the dense index stale, and
        # the passages just embedded have no themes yet), so a step runs if it was needed before or is now.
        now = before[name] if not actions else _safe(check, ctx)
        if not (before[name].fix or now.fix):
            continue
        if progress is not None:
            progress(f"repairing {name}: {now.detail}")
        try:
            actions[name] = fix(ctx)
        except (KbError, sqlite3.DatabaseError, OSError, RuntimeError) as exc:
            actions[name] = f"repair failed: {exc}"
    return [_result(name, before[name], _safe(check, ctx), actions.get(name)) for name, check, _ in CHECKS]


def _result(name: str, before: Finding, after: Finding, action: str | None) -> Result:
    if not after.ok:
        detail = after.detail + (f" ({action})" if action and action.startswith("repair failed") else "")
        return Result(name, WARNING if after.warning else PROBLEM, detail, repairable=after.fix and action is None)
    if action is not None or not before.ok:
        return Result(name, REPAIRED, f"{before.detail} -> {action or 'fixed by the repairs above'}")
    return Result(name, OK, after.detail)


def healthy(results: list[Result]) -> bool:
    """True when no problem remains (warnings do not count)."""
    return all(r.status != PROBLEM for r in results)
