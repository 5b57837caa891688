"""`workercrawl crawl`: spiders in turn, a lock against overlapping runs, and run health."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from conftest import FAST
from test_crawl_e2e import WORKERCN, rows
from workercrawl import health, schedule
from workercrawl.cli import cli
from workercrawl.store import Store


def scheduled(tmp_path, site, *extra, spiders=("workercn",)):
    args = ["crawl", *spiders, "--db", str(tmp_path / "w.db"),
            "-a", f"start_url={site.url}/acftu,{site.url}/27/27.shtml"]
    for name, value in {**FAST, "WORKERCRAWL_RAW_DB": str(tmp_path / "raw.db"), "LOG_LEVEL": "WARNING"}.items():
        args += ["-s", f"{name}={value}"]
    return CliRunner().invoke(cli, args + list(extra))


def test_scheduled_runs_and_a_new_template_degrades(replica, tmp_path):
    site, _ = replica("workercn")
    first = scheduled(tmp_path, site)
    assert first.exit_code == 0, first.output
    assert re.search(rf"workercn: run 1 OK \({len(WORKERCN)} articles", first.output)
    second = scheduled(tmp_path, site)  # incremental: nothing new, still healthy
    assert second.exit_code == 0 and "run 2 OK (0 articles" in second.output, second.output

    # The site switches to a new template that our extractor cannot read.
    shell = (b"<html><head><meta charset='utf-8'><title>\xe6\x96\xb0\xe7\x89\x88</title></head>"
             b"<body><div id='app'></div><script src='/app.js'></script></body></html>")
    site.rewrite = lambda path, body: shell if re.search(r"\d{6,}\.shtml$|news-\d\.html$", path) else body
    third = scheduled(tmp_path, site, "-a", "refresh=1")
    assert third.exit_code == 1, third.output
    assert "run 3 DEGRADED" in third.output and "rejected:" in third.output and "a new template?" in third.output
    db = tmp_path / "w.db"
    assert rows(db, "SELECT count(*) AS n FROM articles WHERE run_id = 3")[0]["n"] == 0  # no empty articles
    assert len(rows(db, "SELECT url FROM articles")) == len(WORKERCN)  # the old ones are kept
    reasons = {r["reason"] for r in rows(db, "SELECT reason FROM rejects WHERE run_id = 3")}
    assert "not-article" in reasons


def test_a_second_invocation_is_refused_while_one_runs(tmp_path):
    db = tmp_path / "w.db"
    with schedule.crawl_lock(tmp_path / "w.db.lock"):
        result = CliRunner().invoke(cli, ["crawl", "workercn", "--db", str(db)])
    assert result.exit_code == 1
    assert result.output.count("\n") == 1 and "another workercrawl crawl is running" in result.output
    assert not db.exists()


def test_available_crawls_come_from_the_registry():
    from workercrawl import sites

    known = schedule.available()
    assert list(known) == [k for k in sites.keys() if not sites.entry(k).extra.get("unsupported")]
    assert list(known)[:2] == ["workercn", "grrb"] and "acftu" not in known  # unsupported: never scheduled
    assert (known["workercn"].spider, known["workercn"].args) == ("workercn", {})
    assert (known["grrb"].spider, known["grrb"].args) == ("grrb", {})
    assert (known["nfgb"].spider, known["nfgb"].args) == ("sites", {"site": "nfgb"})
    command = schedule.scrapy_command(known["nfgb"], {"since": "2024-05-01"}, {})
    assert command[-6:] == ["crawl", "sites", "-a", "site=nfgb", "-a", "since=2024-05-01"]


@pytest.mark.parametrize("argv, message", [
    (["crawl", "nosuchspider"], "unknown spider 'nosuchspider'"),
    (["crawl"], "name the spiders to run, or --all"),
    (["crawl", "--all", "workercn"], "not both"),
    (["crawl", "workercn", "-s", "NOVALUE"], "-s takes NAME=VALUE"),
    (["crawl", "workercn", "--db", "/proc/no/such/dir/w.db"], "cannot create the lock file"),
])
def test_bad_command_lines(argv, message):
    result = CliRunner().invoke(cli, argv)
    assert result.exit_code == 1 and message in result.output and "Traceback" not in result.output


def test_a_locked_database_is_a_one_line_error(tmp_path):
    db = tmp_path / "w.db"
    Store(db).close()
    holder = Store(db)
    holder.db.conn.execute("BEGIN EXCLUSIVE")
    try:
        result = CliRunner().invoke(cli, ["crawl", "workercn", "--db", str(db), "--timeout", "0.2"])
    finally:
        holder.db.conn.rollback()
        holder.close()
    assert result.exit_code == 1 and "locked by another process" in result.output
    assert result.output.count("\n") == 1


# -- the judgement itself, on hand-made runs ---------------------------------------------------

def _run(store, links, articles, stats=None, reason="finished"):
    run_id = store.start_run("workercn", {"start_url": "x"})
    for n, (time_, source) in enumerate(articles):
        store.add_article({"url": f"https://www.workercn.cn/c/2024-05-20/{run_id}{n:03}.shtml", "title": "t",
                           "body": f"正文{run_id}-{n}", "published_at": time_, "source": source},
                          fetched_at="2024-05-20T00:00:00+00:00", spider="workercn", run_id=run_id)
    store.flush()
    store.finish_run(run_id, reason, {"workercrawl/article_links": links, "workercrawl/articles": len(articles),
                                      **(stats or {})})
    return run_id


def test_health_flags_collapse_coverage_errors_and_failures(tmp_path):
    good = [("2024-05-20T09:00:00+08:00", "工人日报")] * 4
    with_store = Store(tmp_path / "w.db")
    try:
        store = with_store
        assert health.judge(store, _run(store, 40, good)).ok
        assert health.judge(store, _run(store, 38, [])).ok  # incremental: nothing new is fine
        collapsed = health.judge(store, _run(store, 3, []))
        assert collapsed.status == "degraded" and "collapse: 3 article links" in collapsed.line()
        bare = health.judge(store, _run(store, 40, [("2024-05-20", None)] * 4))
        assert bare.status == "degraded" and "have a publish time" in bare.line() and "have a source" in bare.line()
        errors = health.judge(store, _run(store, 40, good[:1], {"workercrawl/failed/timeout": 5}))
        assert errors.status == "degraded" and "errors: 5 fetches failed" in errors.line()
        assert health.judge(store, _run(store, 40, good, reason="bad-arguments")).status == "failed"
        assert health.judge(store, None, "workercn").status == "failed"
    finally:
        with_store.close()


def test_ignored_requests_count_as_failed_fetches_robots_and_offsite_do_not():
    """An IgnoreRequest that is neither robots.txt nor the host allow-list is a request that was
    not made for a reason nobody chose: the health counts show it (it was missing from them)."""
    stats = {"workercrawl/failed/ignored": 2, "workercrawl/failed/robots-disallowed": 5,
             "workercrawl/failed/offsite": 1, "workercrawl/failed/timeout": 1}
    assert health.failed_fetches(stats) == 3
    verdict = health.judge_run(health.run_from_stats({**stats, "finish_reason": "finished", "finish_time": "t",
                                                      "workercrawl/fetched": 1}, spider="sites", site="nfgb"))
    assert "3 fetches failed" in verdict.line() and verdict.status == "degraded"
    assert "errors: 3 fetches failed after retries (ignored 2, timeout 1)" in verdict.line()


def test_coverage_is_judged_against_the_same_sites_earlier_runs(tmp_path):
    """`sites` serves many sites: a site's first run was judged DEGRADED against the publish-time
    coverage of other sites. Now each site has its own baseline, and a first run has none."""
    store = Store(tmp_path / "w.db")
    try:
        def run(site, articles):
            run_id = store.start_run("sites", {"site": site}, site=site)
            for n, (time_, source) in enumerate(articles):
                store.add_article({"url": f"https://{site}.example.cn/c/{run_id}-{n}.html", "title": f"标题{n}",
                                   "body": f"{site}正文{run_id}-{n}", "published_at": time_, "source": source},
                                  fetched_at="t", spider="sites", run_id=run_id)
            store.flush()
            store.finish_run(run_id, "finished", {"workercrawl/article_links": 10, "workercrawl/articles": len(articles),
                                                  "workercrawl/fetched": 5})
            return run_id

        timed = [("2024-05-20T09:00:00+08:00", "工人日报")] * 4
        dated = [("2024-05-20", "南方工报")] * 4
        assert health.judge(store, run("nfgb-like", timed)).ok
        first = health.judge(store, run("bjzgh-like", dated))  # another site, no times: its own first run
        assert first.ok, first.line()
        assert health.judge(store, run("bjzgh-like", dated)).ok  # the same as its own baseline
        worse = health.judge(store, run("nfgb-like", dated))
        assert worse.status == "degraded" and "have a publish time" in worse.line()
    finally:
        store.close()


def test_an_incremental_run_that_stops_paginating_is_no_collapse(tmp_path):
    """A big site's scheduled run reads list page 1, finds every link known and stops paginating
    (bench/crawl.py's re-crawl: 22 links on 1 list page, 5,500 on 250 before): its list pages hold
    as many links as ever. A new template leaves its list pages without article links: collapse."""
    store = Store(tmp_path / "w.db")
    try:
        good = [("2024-05-20T09:00:00+08:00", "工人日报")] * 4
        for _ in range(2):
            assert health.judge(store, _run(store, 5500, good, {"workercrawl/list_pages": 250})).ok
        stopped = health.judge(store, _run(store, 22, [], {"workercrawl/list_pages": 1}))
        assert stopped.ok, stopped.line()
        broken = health.judge(store, _run(store, 2, [], {"workercrawl/list_pages": 3}))
        assert broken.status == "degraded" and "collapse: 2 article links on 3 list pages" in broken.line()
    finally:
        store.close()
