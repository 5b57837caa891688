"""`workercrawl demo`: the real command in a subprocess, every family into one SQLite file, and a
family that stores nothing failing the demo loudly (never a quiet "OK (0 articles)")."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from urllib.parse import urlsplit

from click.testing import CliRunner

from conftest import PROJECT, ReplicaServer, site_dir
from workercrawl.cli import cli
from workercrawl.demo import SITES
from workercrawl.demo.runner import FAMILIES, KEYS, NEXT

ENV = {**os.environ, "PYTHONPATH": str(PROJECT)}
# family → articles its replica holds (the same counts the e2e crawl tests check)
EXPECTED = {"workercn": 11, "grrb": 5, "ldwb": 3, "acftu-people": 5, "nfgb": 4, "bjzgh": 3, "union-a": 4}


def demo(cwd, *args, timeout=120):
    return subprocess.run([sys.executable, "-m", "workercrawl.cli", "demo", *map(str, args)], cwd=cwd, env=ENV,
                          capture_output=True, text=True, timeout=timeout)


def per_family(db) -> dict[str, int]:
    """Articles per family, told apart by the runs that stored them (each family has its own server)."""
    with sqlite3.connect(db) as conn:
        runs = conn.execute("SELECT spider, args FROM runs").fetchall()
        origins = {}
        for spider, args in runs:
            args = json.loads(args)
            url = urlsplit(args["start_url"].split(",")[0])
            key = args.get("site") or (spider if spider != "sites" else "union-a")
            origins[key] = f"{url.scheme}://{url.netloc}/"
        return {key: conn.execute("SELECT count(*) FROM articles WHERE url LIKE ? || '%'", [origin]).fetchone()[0]
                for key, origin in origins.items()}


def assert_one_syndicated_story(db):
    """The replicas carry one 工人日报 report three times: the e-paper's page 1 (the original),
    中工网's reprint under a new headline with a paragraph trimmed, and people.cn's the next
    morning with an editor's note added. Crawled by three spiders, they form one story; every
    other article, topical neighbours included, is a story of its own."""
    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        articles = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        assert conn.execute("SELECT count(DISTINCT story_id) FROM articles").fetchone()[0] == articles - 2
        (story,) = conn.execute("SELECT * FROM stories WHERE copies > 1").fetchall()
        assert (story["copies"], story["sites"], story["site"]) == (3, 3, "工人日报")
        assert story["original_url"].endswith("/papers/grrb/2024/05/20/1/news-2.html")
        copies = conn.execute("SELECT url, duplicate_of FROM articles WHERE story_id = ? ORDER BY url",
                              [story["id"]]).fetchall()
        assert sorted(c["url"].split("/", 3)[3] for c in copies) == [
            "c/2024-05-20/7100010.shtml", "n1/2024/0521/c67502-40230010.html", "papers/grrb/2024/05/20/1/news-2.html"]
        assert sorted(c["duplicate_of"] or "" for c in copies) == ["", story["original_url"], story["original_url"]]
    shown = subprocess.run([sys.executable, "-m", "workercrawl.cli", "stories", "--db", str(db)], env=ENV,
                           capture_output=True, text=True, timeout=60)
    assert shown.returncode == 0, shown.stderr
    assert [line.split()[0] for line in shown.stdout.splitlines()] == ["3", "original", "same", "+1"]


def test_demo_crawls_every_family_into_one_database(tmp_path):
    db = tmp_path / "out" / "demo.db"
    proc = demo(tmp_path, "--db", db)
    assert proc.returncode == 0, proc.stderr[-4000:]
    assert per_family(db) == EXPECTED
    assert (tmp_path / "out" / "demo.raw.db").is_file() and (tmp_path / "out" / "demo.log").is_file()
    lines = proc.stdout.splitlines()
    for key in KEYS:  # one verdict line per family, and its count in the summary
        assert any(line.startswith(f"{key}: run ") and " OK (" in line for line in lines), (key, proc.stdout)
        assert any(line.split()[:3] == [key, str(EXPECTED[key]), "articles"] for line in lines), (key, proc.stdout)
    for command in NEXT:
        assert f"  {command.format(db=db)}" in lines
    assert "workercrawl serve" in proc.stdout and "Traceback" not in proc.stderr
    assert_one_syndicated_story(db)

    # a re-run is incremental: same addresses, nothing stored twice, known articles not fetched again
    again = demo(tmp_path, "--db", db)
    assert again.returncode == 0, again.stderr[-4000:]
    assert per_family(db) == EXPECTED
    assert all("(0 articles stored" in line for line in again.stdout.splitlines() if ": run " in line)
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == sum(EXPECTED.values())


def test_a_family_at_a_dead_port_fails_the_demo(tmp_path):
    proc = demo(tmp_path, "--db", tmp_path / "d.db", "--only", "nfgb", "--only", "bjzgh",
                "--start-url", "nfgb=http://127.0.0.1:1/yw/")
    assert proc.returncode == 1
    failed = [line for line in proc.stderr.splitlines() if line.startswith("workercrawl demo FAILED")]
    assert len(failed) == 1 and "nfgb: the run FAILED" in failed[0] and "bjzgh" not in failed[0], proc.stderr
    assert "next, try" not in proc.stdout


def test_a_start_url_with_no_articles_is_never_a_quiet_ok(tmp_path):
    server = ReplicaServer(site_dir("nfgb")).start()
    try:  # the page exists and the run itself is OK, but it is a video stub: 0 articles
        proc = demo(tmp_path, "--db", tmp_path / "d.db", "--only", "nfgb",
                    "--start-url", f"nfgb={server.url}/sp/content/post_1360009.html")
    finally:
        server.stop()
    assert proc.returncode == 1
    assert "nfgb: run 1 OK (0 articles stored" in proc.stdout
    (failed,) = [line for line in proc.stderr.splitlines() if line.startswith("workercrawl demo FAILED")]
    assert "nfgb: 0 articles from" in failed


def test_fresh_starts_over_and_a_real_database_is_refused(tmp_path):
    db = tmp_path / "d.db"
    assert demo(tmp_path, "--db", db, "--only", "bjzgh").returncode == 0
    proc = demo(tmp_path, "--db", db, "--only", "bjzgh", "--fresh")
    assert proc.returncode == 0 and "bjzgh: run 1 OK (3 articles stored" in proc.stdout, proc.stderr
    with sqlite3.connect(db) as conn:  # a database with a crawl of a real site is not the demo's
        conn.execute("UPDATE runs SET args = ?", [json.dumps({"start_url": "https://www.bjzgh.org/ghzz/bjgt/xwdt/"})])
    for extra in ((), ("--fresh",)):
        proc = demo(tmp_path, "--db", db, "--only", "bjzgh", *extra)
        assert proc.returncode == 1 and "is not a demo database" in proc.stderr and db.exists()


def test_help_and_bad_arguments():
    result = CliRunner().invoke(cli, ["demo", "--help"])
    assert result.exit_code == 0 and "Examples:" in result.output and "  workercrawl demo --fresh" in result.output
    result = CliRunner().invoke(cli, ["demo", "--only", "acftu"])
    assert result.exit_code == 1 and "unknown family 'acftu'" in result.output
    result = CliRunner().invoke(cli, ["demo", "--start-url", "nfgb"])
    assert result.exit_code == 1 and "NAME=VALUE" in result.output


def test_the_demo_families_are_packaged_replicas():
    assert {f.replica for f in FAMILIES} == {p.name for p in SITES.iterdir() if p.is_dir()}
    for family in FAMILIES:
        assert (SITES / family.replica / "_site.toml").is_file()
