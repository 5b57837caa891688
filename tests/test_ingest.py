"""The one ingestion path: whichever command stores a page, the row is the same."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from workercrawl.cli import cli

PROJECT = Path(__file__).resolve().parent.parent
FIXTURES = PROJECT / "tests" / "fixtures"
BOOKKEEPING = ("fetched_at", "first_seen", "last_seen", "run_id",  # when and by which run: differ by nature
               "story_id", "duplicate_of")  # given by the store among the articles it holds


def stored_rows(db: Path, table: str) -> list[dict]:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(f"SELECT * FROM {table} ORDER BY rowid")]
    finally:
        conn.close()


def comparable(row: dict) -> dict:
    out = {k: v for k, v in row.items() if k not in BOOKKEEPING and k != "id"}
    return {k: json.loads(v) if k in ("authors", "editors", "images") and isinstance(v, str) else v
            for k, v in out.items()}


@pytest.mark.parametrize("name", ["workercn-epaper/gonghui-byline-photo", "ldwb/" + sorted(
    p.stem for p in (FIXTURES / "ldwb").glob("*.html"))[0], "workercn-old/acftu-2pages-short-last-page"])
def test_extract_json_prints_exactly_the_stored_row(tmp_path, name):
    """`extract --json` once printed page_no "03" where the store kept "3": both now come from
    workercrawl.ingest, so the printed row equals the stored one column for column."""
    page = FIXTURES / f"{name}.html"
    url = json.loads(page.with_suffix(".json").read_text("utf-8"))["url"]
    runner = CliRunner()
    printed = runner.invoke(cli, ["extract", "--json", "--url", url, str(page)])
    assert printed.exit_code == 0, printed.output
    row = json.loads(printed.stdout)
    db = tmp_path / "w.db"
    stored = runner.invoke(cli, ["extract", "--url", url, str(page), "--db", str(db)])
    assert stored.exit_code == 0, stored.output
    table = "rejects" if "reason" in row else "articles"
    [kept] = stored_rows(db, table)
    assert comparable(row) == comparable(kept)
    if table == "articles" and "epaper" in name:
        assert row["page_no"] == "3"


def test_crawled_and_reextracted_rows_are_the_rows_extract_prints(tmp_path, replica, crawl):
    """The seam across commands: a crawled e-paper article, then `extract --json` on its raw
    page, then `reextract`: the same row (navigation facts come from the stored nav)."""
    site, _ = replica("ldwb")
    result = crawl("sites", site="ldwb", start_url=f"{site.url}/content/2024-05/20/node_1.htm")
    articles = {r["url"]: r for r in stored_rows(result.db, "articles")}
    assert articles
    raw = {r["url"]: r for r in stored_rows(result.raw, "pages")}
    from workercrawl.reextract import _fetched, _nav
    from workercrawl import ingest

    for url, crawled in articles.items():
        page = raw[url]
        again = ingest.stored_row(ingest.read([_fetched(page)], _nav(page, None)), spider=crawled["spider"],
                                  run_id=None, fetched_at=crawled["fetched_at"], pages=crawled["pages"])
        assert comparable(again) == comparable(crawled), url
    runner = CliRunner()
    report = runner.invoke(cli, ["reextract", "--db", str(result.db), "--json", "--workers", "1"])
    assert json.loads(report.stdout)["changes"] == 0


SCRAPY_FREE = """
import sys, json
import workercrawl.extract, workercrawl.ingest, workercrawl.reextract, workercrawl.store
from workercrawl import ingest, reextract
from workercrawl.items import Fetched
page = open(sys.argv[1], "rb").read()
ingest.read([Fetched("https://ldwb.workerbj.cn/content/2024-05/20/content_301001.htm", 200, {}, page, "t")])
report = reextract.run(sys.argv[2], dry_run=True, workers=1)
loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("scrapy", "twisted")
                or m.startswith("workercrawl.spiders") or m.split(".")[0] == "pipelines")
print(json.dumps({"loaded": loaded, "extracted": report.extracted}))
"""


def test_extraction_ingestion_reextraction_and_the_store_load_no_scrapy(tmp_path):
    """Re-extraction workers and `workercrawl extract` must not load Scrapy, Twisted, the
    spiders or the pipelines: checked in a fresh interpreter, after doing real work."""
    page = sorted((FIXTURES / "ldwb").glob("*.html"))[0]
    db = tmp_path / "w.db"
    assert CliRunner().invoke(cli, ["extract", str(page), "--db", str(db)]).exit_code == 0
    env = {**os.environ, "PYTHONPATH": str(PROJECT)}
    proc = subprocess.run([sys.executable, "-c", SCRAPY_FREE, str(page), str(db)], capture_output=True, text=True,
                          env=env, cwd=tmp_path, timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = json.loads(proc.stdout)
    assert out["loaded"] == [] and out["extracted"] == 1, out
