"""`workercrawl search`, `stats` and `export` over a real database."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from workercrawl.cli import cli
from workercrawl.store import Store

ARTICLES = [
    ("http://www.workercn.cn/c/2024-05-20/7100001.shtml", "全国总工会部署开展劳动竞赛", "各地工会组织职工开展劳动竞赛。",
     "2024-05-20T09:12:33+08:00", "工人日报", "工会", ["李国", "孙欣"], ["李方"]),
    ("http://www.workercn.cn/c/2024-04-02/7000002.shtml", "农民工讨薪有了法律援助", "工会法律援助中心维护农民工权益。",
     "2024-04-02", "中工网", "权益", [], ["李方"]),
    ("http://acftu.workercn.cn/27/202105/08/1.shtml", "职工书屋建设", "全省建成职工书屋三千家。",
     None, None, "工会", ["阮向民"], []),
]


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "workercrawl.db"
    store = Store(path)
    run = store.start_run("workercn")
    for url, title, body, published, source, channel, authors, editors in ARTICLES:
        store.add_article({"url": url, "title": title, "body": body, "published_at": published, "source": source,
                           "site": "中工网", "channel": channel, "authors": authors, "editors": editors},
                          fetched_at="2024-05-21T00:00:00+00:00", spider="workercn", run_id=run)
    store.add_reject(url="http://www.workercn.cn/c/x.shtml", reason="not-article", detail="video", status=200,
                     kind="article", spider="workercn", run_id=run, fetched_at="t")
    store.flush()
    store.finish_run(run, "finished", {"response_received_count": 4, "workercrawl/articles": 3,
                                       "workercrawl/rejected": 1, "log_count/ERROR": 0})
    store.close()
    return path


def run(*args, env=None):
    result = CliRunner().invoke(cli, [str(a) for a in args], env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


def test_search_prints_date_source_title_snippet(db):
    out = run("search", "劳动竞赛", "--db", db).stdout
    assert out.splitlines() == [
        " 1. 2024-05-20T09:12:33+08:00  工人日报  全国总工会部署开展劳动竞赛",
        "    各地工会组织职工开展[劳动竞赛]。",
        "    http://www.workercn.cn/c/2024-05-20/7100001.shtml",
    ]


def test_search_json_since_and_no_match(db):
    hits = [json.loads(line) for line in run("search", "工会", "--json", "--db", db).stdout.splitlines()]
    assert len(hits) == 2 and {"published_at", "source", "title", "snippet", "url", "score"} <= set(hits[0])
    recent = run("search", "工会", "--since", "2024-05", "--json", "--db", db).stdout.splitlines()
    assert [json.loads(line)["title"] for line in recent] == ["全国总工会部署开展劳动竞赛"]
    empty = run("search", "快递", "--db", db)
    assert empty.stdout == "" and "no matches" in empty.stderr


def test_db_from_environment(db):
    assert "农民工" in run("search", "农民工", env={"WORKERCRAWL_DB": str(db)}).stdout


def test_stats(db):
    report = json.loads(run("stats", "--json", "--db", db).stdout)
    assert report["articles"] == 3 and report["rejects"] == 1 and report["runs"] == 1
    assert report["coverage"] == {"published_at": 0.6667, "time": 0.3333, "source": 0.6667,
                                  "authors": 0.6667, "editors": 0.6667}
    assert report["by_site"] == [{"site": "中工网", "articles": 3}]
    assert report["by_channel"][0] == {"site": "中工网", "channel": "工会", "articles": 2}
    assert {r["source"]: r["articles"] for r in report["by_source"]} == {"工人日报": 1, "中工网": 1, None: 1}
    assert report["by_month"] == [{"month": "2024-04", "articles": 1}, {"month": "2024-05", "articles": 1},
                                  {"month": None, "articles": 1}]
    assert report["last_run"]["finish_reason"] == "finished" and report["last_run_rejects"][0]["reason"] == "not-article"
    text = run("stats", "--db", db).stdout
    assert "3 articles" in text and "authors 66.7%" in text and "2024-05" in text and "(none)" in text


def test_export_jsonl_and_csv(db, tmp_path):
    records = [json.loads(line) for line in run("export", "--format", "jsonl", "--db", db).stdout.splitlines()]
    assert [r["published_at"] for r in records] == [None, "2024-04-02", "2024-05-20T09:12:33+08:00"]
    assert records[2]["authors"] == ["李国", "孙欣"] and records[2]["body"] == "各地工会组织职工开展劳动竞赛。"
    since = run("export", "--format", "jsonl", "--since", "2024-05-01", "--db", db).stdout.splitlines()
    assert len(since) == 1
    target = tmp_path / "out.csv"
    result = run("export", "--format", "csv", "--output", target, "--bom", "--db", db)
    assert "3 articles exported" in result.stderr and result.stdout == ""
    assert target.read_bytes().startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(target.read_text("utf-8-sig"))))
    assert len(rows) == 3 and rows[2]["authors"] == "李国、孙欣" and rows[2]["title"] == "全国总工会部署开展劳动竞赛"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out.csv")] == []  # no temporary left


def test_export_to_an_unwritable_place_is_a_clear_error(db, tmp_path):
    result = CliRunner().invoke(cli, ["export", "--format", "csv", "--output", str(tmp_path / "no" / "x.csv"),
                                      "--db", str(db)])
    assert result.exit_code != 0 and "Traceback" not in result.output
