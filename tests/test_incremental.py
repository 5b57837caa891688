"""Incremental crawling: a second run over an unchanged replica fetches only list pages."""

from __future__ import annotations

import json

from test_crawl_e2e import WORKERCN, crawl_workercn, rows

LIST_PAGES = {"/acftu", "/acftu/index_2.shtml", "/27/27.shtml", "/27/27_2.shtml"}


def last_stats(db) -> dict:
    return json.loads(rows(db, "SELECT stats FROM runs ORDER BY id DESC LIMIT 1")[0]["stats"])


def test_second_run_fetches_only_list_pages(replica, crawl):
    site, _ = replica("workercn")
    first = crawl_workercn(crawl, site)
    assert len(rows(first.db, "SELECT url FROM articles")) == len(WORKERCN)
    assert any(p not in LIST_PAGES | {"/robots.txt"} for p in site.paths())

    site.log.clear()
    second = crawl_workercn(crawl, site)
    fetched = site.paths()
    # Only the first page of each list: every article on it is known, so pagination stops.
    assert sorted(fetched) == ["/27/27.shtml", "/acftu", "/robots.txt"], fetched
    stats = last_stats(second.db)
    assert stats["workercrawl/skipped_known"] >= 6  # articles, the video stub and the 404 link
    assert stats["workercrawl/pagination_stopped"] == 2
    assert "workercrawl/articles" not in stats
    run = rows(second.db, "SELECT * FROM runs ORDER BY id DESC LIMIT 1")[0]
    assert run["finish_reason"] == "finished" and run["articles"] == 0
    assert len(rows(second.db, "SELECT url FROM articles")) == len(WORKERCN)

    # -a refresh=1 fetches every article again.
    site.log.clear()
    third = crawl_workercn(crawl, site, refresh=1)
    assert {p.split("?")[0] for p in site.paths()} >= set(WORKERCN) | LIST_PAGES
    assert last_stats(third.db)["workercrawl/articles/unchanged"] == len(WORKERCN)


def test_a_new_article_on_page_one_is_fetched_alone(replica, crawl):
    from sqlite_utils import Database

    site, _ = replica("workercn")
    first = crawl_workercn(crawl, site)
    new = site.url + "/c/2024-05-20/7100001.shtml"
    Database(first.db).execute("DELETE FROM articles WHERE url = ?", [new]).connection.commit()
    site.log.clear()
    second = crawl_workercn(crawl, site)
    # Page 1 held an unknown article, so page 2 is read too; it holds only known ones: the end.
    assert sorted(site.paths()) == [
        "/27/27.shtml", "/acftu", "/acftu/index_2.shtml", "/c/2024-05-20/7100001.shtml", "/robots.txt"]
    assert [r["url"] for r in rows(second.db, "SELECT url FROM articles WHERE run_id = 2")] == [new]


def test_since_stops_pagination_at_old_articles(replica, crawl):
    site, _ = replica("workercn")
    result = crawl_workercn(crawl, site, since="2024-05-18")
    fetched = site.paths()
    assert "/27/27.shtml" in fetched and "/27/27_2.shtml" not in fetched  # page 1 holds only 2021 articles
    assert not [p for p in fetched if p.startswith("/27/2021")]
    stored = {r["url"].removeprefix(site.url) for r in rows(result.db, "SELECT url FROM articles")}
    assert stored and all(WORKERCN[p][1] >= "2024-05-18" for p in stored), stored
    stats = last_stats(result.db)
    assert stats["workercrawl/skipped_old"] >= 2 and stats["workercrawl/pagination_stopped"] >= 1


def test_bad_arguments_close_the_spider_with_one_error_line(crawl):
    for args, words in (({"since": "2024-13-01"}, "-a since must be a date"),
                        ({"refresh": "maybe"}, "-a refresh must be 1 or 0"),
                        ({"site": "nosuchsite"}, "no site 'nosuchsite'")):
        spider = "sites" if "site" in args else "workercn"
        result = crawl(spider, start_url="http://127.0.0.1:9/", expect=1, **args)
        errors = [line for line in result.proc.stderr.splitlines() if " ERROR: " in line]
        assert len(errors) == 1 and "bad arguments: " + words in errors[0], result.proc.stderr[-2000:]
        verdict = result.proc.stderr.splitlines()[-1]
        assert "FAILED" in verdict and "closed: bad-arguments (" + words in verdict, verdict
        assert "Traceback" not in result.proc.stderr
        run = rows(result.db, "SELECT * FROM runs ORDER BY id DESC LIMIT 1")[0]
        assert run["finish_reason"] == "bad-arguments" and run["requests"] == 0
