"""Opening a database safely: WAL, migrations in one transaction, and one-line errors.

Every SQLite failure leaves this package as a StoreError whose message names the file and
says what is wrong in one line: locked by another writer, read-only, not a database (or
damaged), written by a newer workercrawl, missing. Upgrades run all pending migrations in
one IMMEDIATE transaction: a failed or interrupted upgrade leaves the file as it was.
"""

from __future__ import annotations

import functools
import os
import sqlite3
import tempfile
from pathlib import Path

from sqlite_utils import Database, Migrations

DEFAULT_TIMEOUT = 10.0  # seconds to wait for another writer's lock


class StoreError(Exception):
    """A database problem, explained in one line."""


class DatabaseMissing(StoreError):
    pass


class DatabaseLocked(StoreError):
    pass


class DatabaseReadOnly(StoreError):
    pass


class DatabaseCorrupt(StoreError):
    pass


class SchemaTooNew(StoreError):
    pass


class NotOurs(StoreError):
    """A SQLite file that some other program (or the other half of the pair) owns."""


def describe(exc: BaseException, path, timeout: float | None = None) -> StoreError:
    """The StoreError for an sqlite3 error raised while using the database at path."""
    if isinstance(exc, StoreError):
        return exc
    code = getattr(exc, "sqlite_errorname", "") or ""
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    low = text.lower()
    if code.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in low:
        waited = f" (waited {timeout:g} s)" if timeout is not None else ""
        return DatabaseLocked(f"{path}: the database is locked by another process{waited}; "
                              "try again when it has finished")
    if code.startswith("SQLITE_READONLY") or "readonly" in low or "read-only" in low:
        return DatabaseReadOnly(f"{path}: the database is read-only and this command must write to it ({text})")
    if code.startswith(("SQLITE_NOTADB", "SQLITE_CORRUPT")) or "not a database" in low or "malformed" in low:
        return DatabaseCorrupt(f"{path}: not a SQLite database, or a damaged one ({text})")
    if code.startswith("SQLITE_CANTOPEN"):
        return StoreError(f"{path}: cannot open the database ({text})")
    if code.startswith("SQLITE_FULL"):
        return StoreError(f"{path}: the disk is full ({text})")
    return StoreError(f"{path}: {text}")


def guarded(method):
    """Store methods raise StoreError, never a bare sqlite3 error."""
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except sqlite3.Error as exc:
            raise describe(exc, self.path, self.timeout) from exc
    return wrapper


def _known_newer(db: Database, migrations: Migrations) -> str | None:
    """Why this file is from a newer schema than this code knows, or None."""
    known = {m.name for m in migrations._migrations}
    unknown = [m.name for m in migrations.applied(db) if m.name not in known]
    if unknown:
        return f"migration {unknown[-1]!r} of set {migrations.name!r}"
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version > len(known):
        return f"schema version {version}, this code knows {len(known)}"
    return None


def _upgrade(db: Database, migrations: Migrations) -> None:
    """Apply every pending migration, and stamp user_version, in one transaction."""
    pending = migrations.pending(db)
    if not pending:
        return
    if not all(m.transactional for m in pending):  # e.g. VACUUM: cannot run inside a transaction
        migrations.apply(db)
    else:
        db.conn.execute("BEGIN IMMEDIATE")
        try:
            migrations.apply(db)  # nested: each migration becomes a savepoint
            db.conn.execute(f"PRAGMA user_version = {len(migrations._migrations)}")
            db.conn.execute("COMMIT")
        except BaseException:
            if db.conn.in_transaction:
                db.conn.execute("ROLLBACK")
            raise


# What each migration set is called for people: the refusal names what a file is instead.
KINDS = {"workercrawl": "a workercrawl articles database", "workercrawl-raw": "a workercrawl raw-page file"}


def check_ours(db: Database, path: Path, migrations: Migrations) -> None:
    """Refuse, before anything is written, a file that is not this kind of workercrawl file:
    another program's database, or the other file of the pair. An empty file is fresh."""
    tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    if not tables:
        return
    sets = set()
    if "_sqlite_migrations" in tables:
        sets = {r[0] for r in db.execute("SELECT DISTINCT migration_set FROM _sqlite_migrations")}
    if migrations.name in sets:
        return
    wanted = KINDS.get(migrations.name, migrations.name)
    found = next((KINDS[s] for s in sorted(sets) if s in KINDS), None)
    if found:
        raise NotOurs(f"{path}: is {found}, not {wanted}")
    shown = ", ".join(sorted(t for t in tables if not t.startswith("sqlite_"))[:5])
    raise NotOurs(f"{path}: not {wanted} (it holds other tables: {shown}); refusing to write to it")


def _on_read_only_folder(exc: sqlite3.OperationalError, path: Path) -> bool:
    """The file exists but cannot be opened because its folder is read-only, and no WAL
    content waits in PATH-wal (which an immutable open would not see)."""
    if getattr(exc, "sqlite_errorname", "") != "SQLITE_CANTOPEN" or not path.is_file():
        return False
    if os.access(path.parent, os.W_OK) and not _immutable_dir(path.parent):
        return False
    wal = path.with_name(path.name + "-wal")
    return not wal.exists() or wal.stat().st_size == 0


def _immutable_dir(folder: Path) -> bool:
    """Root passes os.access; a read-only mount or `chattr +i` still refuses a new file."""
    try:
        probe = tempfile.NamedTemporaryFile(dir=folder, prefix=".workercrawl-probe-")
    except OSError:
        return True
    probe.close()
    return False


def open_db(path: str | Path, migrations: Migrations, *, create: bool = True,
            timeout: float = DEFAULT_TIMEOUT, readonly: bool = False) -> Database:
    """Open (creating the folder and file if create), switch to WAL, apply pending migrations.

    A file that is current is only read: a read-only or busy file can still be queried.
    A file that is not this kind of workercrawl file is refused before anything is written
    (journal mode untouched). readonly: open without write access, never change the file
    (no WAL switch, no migrations); a file that needs an upgrade is refused.
    """
    path = Path(path)
    if not path.exists():
        if not create:
            raise DatabaseMissing(f"{path}: no such database (run a crawl first, or pass --db PATH)")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"{path}: cannot create the database folder ({exc.strerror})") from None
    elif path.is_dir():
        raise StoreError(f"{path}: is a folder, not a database file")
    elif readonly and not path.exists():
        raise DatabaseMissing(f"{path}: no such database")
    conn = None
    try:
        if readonly:
            conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=timeout)
        else:
            conn = sqlite3.connect(str(path), timeout=timeout)
        db = Database(conn)
        try:
            db.execute("SELECT count(*) FROM sqlite_master").fetchone()  # not a database → NOTADB here
        except sqlite3.OperationalError as exc:
            if not _on_read_only_folder(exc, path):
                raise
            # A WAL database needs its -shm file beside it; on a read-only filesystem SQLite
            # cannot create one. A clean file (no WAL content left) is read as immutable.
            conn.close()
            conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True, timeout=timeout)
            db = Database(conn)
            db.execute("SELECT count(*) FROM sqlite_master").fetchone()
            readonly = True
        check_ours(db, path, migrations)
        newer = _known_newer(db, migrations)
        if newer:
            raise SchemaTooNew(f"{path}: written by a newer workercrawl ({newer}); upgrade workercrawl to use it")
        if readonly:
            if migrations.pending(db):
                raise DatabaseReadOnly(f"{path}: opened read-only, and this workercrawl must first upgrade "
                                       "its schema (run any command without --dry-run once)")
            return db
        if db.journal_mode != "wal":
            db.enable_wal()
        db.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL: durable commits minus the last on power loss
        db.execute("PRAGMA foreign_keys=ON")
        try:
            _upgrade(db, migrations)
        except sqlite3.Error as exc:
            error = describe(exc, path, timeout)
            if isinstance(error, DatabaseReadOnly):
                error = DatabaseReadOnly(f"{path}: the database is read-only, and this workercrawl must first "
                                         "upgrade its schema (open it once with write access)")
            raise error from None
        return db
    except (sqlite3.Error, StoreError) as exc:
        if conn is not None:
            conn.close()
        raise describe(exc, path, timeout) from None
