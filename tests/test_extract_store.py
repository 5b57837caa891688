"""`workercrawl extract PATH…` stores saved pages (HTML files and WARC archives) like a crawl."""

from __future__ import annotations

import io
import json
import sqlite3
from pathlib import Path

from click.testing import CliRunner
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from workercrawl import reextract
from workercrawl.cli import cli
from workercrawl.demo import SITES
from workercrawl.store import Store

SITE = SITES / "workercn"
ARTICLE = "c/2024-05-20/7100001.shtml"
VIDEO = "c/2024-05-19/7100004.shtml"
URL = "https://www.workercn.cn/" + ARTICLE


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def write_warc(path: Path) -> None:
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        for url, body, ctype, status in [
            (URL, (SITE / ARTICLE).read_bytes(), "text/html; charset=utf-8", "200 OK"),
            ("https://www.workercn.cn/" + VIDEO, (SITE / VIDEO).read_bytes(), "text/html", "200 OK"),
            ("https://www.workercn.cn/logo.png", b"\x89PNG....", "image/png", "200 OK"),
            ("https://www.workercn.cn/c/2024-05-20/404.shtml", b"<html>gone</html>", "text/html", "404 Not Found"),
        ]:
            headers = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
            record = writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers,
                                               warc_headers_dict={"WARC-Date": "2024-05-21T08:00:00Z"})
            writer.write_record(record)
        writer.write_record(writer.create_warc_record("https://www.workercn.cn/", "request",
                                                      payload=io.BytesIO(b"GET / HTTP/1.1\r\n\r\n")))


def test_extract_stores_html_files_into_the_database_and_raw_file(tmp_path):
    page = tmp_path / "saved" / "a.shtml"
    page.parent.mkdir()
    page.write_bytes((SITE / ARTICLE).read_bytes())
    (tmp_path / "saved" / "a.shtml.url").write_text(URL)
    db, raw = tmp_path / "w.db", tmp_path / "raw.db"
    result = invoke("extract", tmp_path / "saved", "--db", db, "--raw", raw)
    assert result.exit_code == 0, result.output
    assert "1 pages, 1 articles, 0 rejected" in result.output
    store = Store(db, raw)
    try:
        row = store.article(URL)
        assert row["spider"] == "extract" and row["title"] and json.loads(row["editors"])
        (stored,) = store.raw_pages(URL)
        assert stored["body"] == page.read_bytes()
        assert store.db["runs"].get(row["run_id"])["spider"] == "extract"
    finally:
        store.close()
    assert reextract.run(db, raw, workers=1).changes == 0  # what extract stored, reextract agrees with
    again = invoke("extract", page, "--db", db, "--raw", raw)  # the same page again: an unchanged upsert
    assert again.exit_code == 0
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*), (SELECT count(*) FROM article_versions) FROM articles").fetchone() == (1, 0)


def test_extract_reads_warc_files(tmp_path):
    warc = tmp_path / "capture.warc.gz"
    write_warc(warc)
    db, raw = tmp_path / "w.db", tmp_path / "raw.db"
    result = invoke("extract", warc, "--db", db, "--raw", raw)
    assert result.exit_code == 0, result.output
    assert "3 pages, 1 articles, 2 rejected" in result.output  # the image and the request are not pages
    with sqlite3.connect(db) as conn:
        row = conn.execute("SELECT url, fetched_at, spider FROM articles").fetchone()
        rejects = dict(conn.execute("SELECT reason, status FROM rejects ORDER BY id"))
    assert row == (URL, "2024-05-21T08:00:00+00:00", "extract")
    assert rejects == {"not-article": 200, "http-error": 404}
    with sqlite3.connect(raw) as conn:
        assert conn.execute("SELECT count(*) FROM pages").fetchone() == (2,)  # 2xx pages only, as a crawl
    # --json prints instead of storing, WARC records too: the rows, an articles row or a rejects row
    printed = invoke("extract", "--json", warc, "--db", tmp_path / "other.db")
    records = [json.loads(line) for line in printed.output.splitlines()]
    assert [r.get("reason") or "article" for r in records] == ["article", "not-article", "http-error"]
    assert records[0]["fetched_at"] == "2024-05-21T08:00:00+00:00" and records[0]["spider"] == "extract"
    assert not (tmp_path / "other.db").exists()


def test_extract_refuses_url_with_a_warc(tmp_path):
    warc = tmp_path / "capture.warc.gz"
    write_warc(warc)
    result = CliRunner().invoke(cli, ["extract", "--url", URL, str(warc)])
    assert result.exit_code != 0 and "--url needs exactly one HTML file" in result.output
