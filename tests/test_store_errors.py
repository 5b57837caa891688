"""Bad databases: every store command exits non-zero with one clear line, no traceback, and
the file is left as it was (missing, corrupt, damaged, newer, locked, read-only)."""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
import subprocess

import pytest
from click.testing import CliRunner

from workercrawl.cli import cli
from workercrawl.store import DatabaseReadOnly, SchemaTooNew, Store, StoreError
from workercrawl.store.schema import main as main_migrations

from test_store_upgrade import first_release_db

COMMANDS = [["search", "工会"], ["stats"], ["export", "--format", "jsonl"], ["export", "--format", "csv"]]


def invoke(args, db, *extra):
    return CliRunner().invoke(cli, [*args, "--db", str(db), "--timeout", "0", *extra])


def assert_one_line_error(result, *needles):
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and not isinstance(result.exception, (sqlite3.Error, StoreError))
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]
    assert result.stdout == ""


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def current_db(path):
    store = Store(path)
    store.add_article({"url": "http://a.cn/1.html", "title": "工会新闻", "body": "基层工会服务职工。",
                       "authors": ["李国"], "editors": []}, fetched_at="t", spider="s", run_id=None)
    store.close()
    return path


def applied(path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return [r[0] for r in conn.execute("SELECT name FROM _sqlite_migrations ORDER BY id")]
    finally:
        conn.close()


@pytest.mark.parametrize("args", COMMANDS)
def test_missing_database(tmp_path, args):
    target = tmp_path / "nope" / "workercrawl.db"
    assert_one_line_error(invoke(args, target), str(target), "no such database")
    assert not target.exists() and not target.parent.exists()


@pytest.mark.parametrize("args", COMMANDS)
def test_random_bytes(tmp_path, args):
    path = tmp_path / "workercrawl.db"
    path.write_bytes(os.urandom(20000))
    before = digest(path)
    assert_one_line_error(invoke(args, path), str(path), "not a SQLite database")
    assert digest(path) == before


@pytest.mark.parametrize("args", COMMANDS)
def test_damaged_pages(tmp_path, args):
    path = current_db(tmp_path / "workercrawl.db")
    data = bytearray(path.read_bytes())
    page = 4096
    data[page:] = os.urandom(len(data) - page)  # the header page survives, the tables do not
    path.write_bytes(bytes(data))
    before = digest(path)
    result = invoke(args, path)
    assert_one_line_error(result, str(path))
    assert digest(path) == before


@pytest.mark.parametrize("args", COMMANDS)
@pytest.mark.parametrize("marker", ["migration", "user_version"])
def test_newer_schema(tmp_path, args, marker):
    path = current_db(tmp_path / "workercrawl.db")
    conn = sqlite3.connect(path)
    if marker == "migration":
        conn.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
                     "VALUES ('workercrawl', '0099_from_the_future', 'x')")
    else:
        conn.execute("PRAGMA user_version = 99")
    conn.commit()
    conn.close()
    before = digest(path)
    assert_one_line_error(invoke(args, path), str(path), "newer workercrawl")
    assert digest(path) == before
    with pytest.raises(SchemaTooNew):  # the crawler's Store refuses it too
        Store(path)


@contextlib.contextmanager
def writer_holding_lock(path, exclusive: bool):
    """Another process's connection in the middle of a write transaction."""
    conn = sqlite3.connect(path, isolation_level=None)
    if exclusive:  # locking_mode=EXCLUSIVE: not even WAL readers get in
        conn.execute("PRAGMA locking_mode=EXCLUSIVE")
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("INSERT INTO runs (spider) VALUES ('other')")
    try:
        yield
    finally:
        conn.execute("ROLLBACK")
        conn.close()


@pytest.mark.parametrize("args", COMMANDS)
def test_locked_while_an_upgrade_is_needed(tmp_path, args):
    path = tmp_path / "workercrawl.db"
    first_release_db(path)
    with writer_holding_lock(path, exclusive=False):
        assert_one_line_error(invoke(args, path), str(path), "locked by another process")
    assert applied(path) == ["0001_articles_rejects_runs"]  # nothing half-applied


@pytest.mark.parametrize("args", COMMANDS)
def test_locked_exclusively(tmp_path, args):
    path = current_db(tmp_path / "workercrawl.db")
    with writer_holding_lock(path, exclusive=True):
        assert_one_line_error(invoke(args, path), "locked by another process")


@pytest.mark.parametrize("args", COMMANDS)
def test_readers_are_not_blocked_by_a_crawl_writing(tmp_path, args):
    path = current_db(tmp_path / "workercrawl.db")
    with writer_holding_lock(path, exclusive=False):  # WAL: a normal writer never blocks readers
        result = invoke(args, path)
    assert result.exit_code == 0, result.output


@contextlib.contextmanager
def read_only(path):
    """Make path read-only, for root too (chattr +i); skip where that is impossible."""
    if os.geteuid() != 0:
        path.chmod(0o444)
        try:
            yield
        finally:
            path.chmod(0o644)
        return
    if subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode != 0:
        pytest.skip("cannot make a file read-only for root here (chattr +i)")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)


@pytest.mark.parametrize("args", COMMANDS)
def test_read_only_database_that_needs_an_upgrade(tmp_path, args):
    path = tmp_path / "workercrawl.db"
    first_release_db(path)
    before = digest(path)
    with read_only(path):
        assert_one_line_error(invoke(args, path), str(path), "read-only")
    assert digest(path) == before and applied(path) == ["0001_articles_rejects_runs"]


@pytest.mark.parametrize("args", COMMANDS)
def test_read_only_current_database_can_still_be_read(tmp_path, args):
    path = current_db(tmp_path / "workercrawl.db")
    with read_only(path):
        result = invoke(args, path)
        assert result.exit_code == 0, result.output
        store = Store(path)  # a crawl into it fails on the first write, clearly, and counts its batch
        store.add_article({"url": "http://a.cn/2.html", "title": "t", "body": "b"}, fetched_at="t", spider="s",
                          run_id=None)
        with pytest.raises(DatabaseReadOnly, match="read-only") as failed:
            store.flush()
        assert failed.value.lost.articles == 1 and store.pending == 0
        store.close()


def test_a_failing_upgrade_changes_nothing(tmp_path):
    path = tmp_path / "workercrawl.db"
    first_release_db(path)
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE article_people (x)")  # makes migration 0003 fail, after 0002 ran
    conn.commit()
    conn.close()
    result = invoke(["stats"], path)
    assert_one_line_error(result, str(path), "article_people")
    assert applied(path) == ["0001_articles_rejects_runs"]
    conn = sqlite3.connect(path)
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    conn.close()
    assert "article_versions" not in tables  # 0002 was rolled back with 0003
    assert main_migrations.name == "workercrawl"


@pytest.mark.parametrize("args", COMMANDS)
def test_a_clean_wal_database_on_a_read_only_folder_can_still_be_read(tmp_path, args):
    """On a read-only filesystem SQLite cannot create the -shm file a WAL database needs:
    "unable to open database file". A clean file is then read as immutable."""
    folder = tmp_path / "ro"
    path = current_db(folder / "workercrawl.db")
    with contextlib.closing(sqlite3.connect(path)) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    before = digest(path)
    with read_only(folder):
        result = invoke(args, path)
    assert result.exit_code == 0, result.output
    assert digest(path) == before and sorted(p.name for p in folder.iterdir()) == ["workercrawl.db"]
    if args[0] == "search":
        assert "工会新闻" in result.stdout
