"""The packaged datasette plugin: metadata and canned queries on a workercrawl database whatever
its file name, readable defaults (hidden tables, articles columns, article page, search marks)."""

from __future__ import annotations

import asyncio
import json
import re

import pytest

datasette_app = pytest.importorskip("datasette.app", reason="datasette not installed")

from workercrawl.store import Store  # noqa: E402
from workercrawl.store import datasette_plugin  # noqa: E402

ARTICLES = [
    ("全国总工会部署开展劳动竞赛", "各地工会组织职工开展劳动竞赛。\n第二段：<script>alert(1)</script>工会", "工人日报", ["李国"]),
    ("农民工讨薪有了法律援助", "[图片]工会法律援助中心维护农民工权益。", "中工网", ["阮向民"]),
    ("化工会议召开", "化工企业讨论安全生产。", "新华社", []),
]


def url_of(n: int) -> str:
    return f"http://www.workercn.cn/c/2024-05-{n:02d}/{n}.shtml"


def build(path):
    store = Store(path)
    for n, (title, body, source, authors) in enumerate(ARTICLES, start=1):
        store.add_article({"url": url_of(n), "title": title, "body": body, "source": source, "site": "中工网",
                           "published_at": f"2024-05-{n:02d}", "authors": authors, "editors": ["王编"]},
                          fetched_at="t", spider="s", run_id=None)
    store.add_alias(url_of(1) + "?sid=7", url_of(1), "duplicate", seen_at="t", run_id=None)
    store.close()
    return path


@pytest.fixture(params=["workercrawl.db", "wc.db"])
def db(tmp_path, request):
    return build(tmp_path / request.param)


def register():
    from datasette.plugins import pm

    if not pm.is_registered(datasette_plugin) and not any(
            getattr(p, "__name__", "") == datasette_plugin.__name__ for p in pm.get_plugins()):
        pm.register(datasette_plugin, name="workercrawl")  # an install that predates the entry point


def get_all(db, paths: list[str], *, files=()) -> dict[str, object]:
    register()

    async def run():
        ds = datasette_app.Datasette([str(db), *map(str, files)])  # no metadata file: the plugin's
        await ds.invoke_startup()
        out = {}
        for path in paths:
            response = await ds.client.get(path)
            assert response.status_code in (200, 302), (path, response.status_code, response.text[:500])
            out[path] = response.json() if ".json" in path else response
        return out

    return asyncio.run(run())


def test_canned_queries(db):
    name = db.stem
    base = f"/{name}/{{}}.json?_shape=array"
    answers = get_all(db, [
        base.format("latest_articles"),
        base.format("articles_by_source") + "&source=工人日报",
        base.format("articles_by_reporter") + "&name=阮向民",
        base.format("articles_per_month"),
        base.format("search") + "&q=工会&since=&limit=",
        base.format("search") + "&q=劳动竞赛&since=2024-05-01&limit=5",
        base.format("search_words") + "&q=农民工",
        f"/{name}.json",
    ])
    latest, by_source, by_reporter, per_month, search, search4, words, database = answers.values()
    assert [r["published_at"] for r in latest] == ["2024-05-03", "2024-05-02", "2024-05-01"]
    assert [r["title"] for r in by_source] == ["全国总工会部署开展劳动竞赛"]
    assert [(r["role"], r["title"]) for r in by_reporter] == [("author", "农民工讨薪有了法律援助")]
    assert per_month == [{"month": "2024-05", "articles": 3}]
    assert {r["title"] for r in search} == {"全国总工会部署开展劳动竞赛", "农民工讨薪有了法律援助"}  # not 化工会议
    assert all("[工会]" in r["snippet"] for r in search)
    assert [r["title"] for r in search4] == ["全国总工会部署开展劳动竞赛"]
    assert [r["title"] for r in words] == ["农民工讨薪有了法律援助"]
    tables = {t["name"]: t for t in database["tables"]}
    assert {"articles", "article_people", "article_versions", "runs", "rejects"} <= set(tables)
    hidden = {t["name"] for t in database["tables"] if t["hidden"]}
    assert {"_sqlite_migrations", "article_search", "articles_fts", "meta"} <= hidden


EXAMPLE_PARAMS = {"source": "工人日报", "name": "阮向民", "q": "工会", "since": "", "until": "", "limit": "",
                  "min_copies": "1", "story": "1"}


def test_every_canned_query_runs_on_a_database_not_called_workercrawl(tmp_path):
    path = build(tmp_path / "wc.db")
    queries = datasette_plugin.metadata()["database"]["queries"]
    paths = []
    for key, spec in queries.items():
        params = sorted(set(re.findall(r":(\w+)", spec["sql"])))
        assert set(params) <= set(EXAMPLE_PARAMS), (key, params)
        paths.append(f"/wc/{key}.json?_shape=array&" + "&".join(f"{p}={EXAMPLE_PARAMS[p]}" for p in params))
    answers = get_all(path, paths)
    for path_, rows in answers.items():
        assert isinstance(rows, list) and rows, path_  # every query answers something on this data
    html = get_all(path, ["/wc/search?q=工会&since=&limit="])["/wc/search?q=工会&since=&limit="].text
    assert "Search (Chinese, any text)" in html  # the canned query's metadata applies to wc.db


def test_metadata_only_for_workercrawl_databases(tmp_path):
    import sqlite3

    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.commit()
    path = build(tmp_path / "mine.db")
    answers = get_all(path, ["/mine.json", "/other.json"], files=[other])
    assert answers["/mine.json"]["tables"] and "search" in {q["name"] for q in answers["/mine.json"]["queries"]}
    assert answers["/other.json"]["queries"] == []


def test_metadata_describes_real_tables_and_columns(db):
    store = Store(db)
    try:
        described = datasette_plugin.metadata()["database"]["tables"]
        for table, spec in described.items():
            assert table in store.db.table_names(), table
            assert set(spec.get("columns", {})) <= set(store.db[table].columns_dict), table
    finally:
        store.close()


def test_readable_pages(tmp_path):
    path = build(tmp_path / "wc.db")
    from urllib.parse import quote

    from datasette.utils import tilde_encode

    row = "/wc/articles/" + tilde_encode(url_of(1))
    pages = get_all(path, ["/wc/articles", "/wc/articles?_col=title", row,
                           "/wc/search?q=" + quote("工会") + "&since=&limit="])
    redirect = pages["/wc/articles"]
    assert redirect.status_code == 302
    assert "_col=published_at" in redirect.headers["location"] and "_col=body" not in redirect.headers["location"]
    article = pages[row].text
    assert "<p>各地工会组织职工开展劳动竞赛。</p>" in article  # paragraphs
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in article and "<script>alert(1)" not in article
    assert url_of(1) + "?sid=7" in article and "Other URLs" in article  # article_aliases
    assert 'rel="noopener noreferrer nofollow"' in article
    search = pages["/wc/search?q=" + quote("工会") + "&since=&limit="].text
    assert "<mark>工会</mark>" in search and "[工会]" not in search
    assert "[图片]" in search and "<mark>图片</mark>" not in search  # the request's q decides the marks
    assert "&lt;script&gt;" in search or "script" not in search  # hostile text stays text
    scores = re.findall(r'class="wc-relevance"[^>]*>([^<]+)<', search)
    assert scores and all(float(s) >= 0 for s in scores)
    assert "WITH hits AS" not in search  # hide_sql


def test_mark_snippet_escapes_before_marking():
    marked = datasette_plugin.mark_snippet('<b onclick="x">[工会]</b> a[b]')
    assert str(marked) == '&lt;b onclick=&#34;x&#34;&gt;<mark>工会</mark>&lt;/b&gt; a<mark>b</mark>'
    assert json.dumps(str(datasette_plugin.mark_snippet("<>")))  # plain text in, escaped out
    # with the query known, the article's own brackets are not marks
    assert str(datasette_plugin.mark_snippet("见[图片]，[工会]干部", "工会")) == "见[图片]，<mark>工会</mark>干部"


def test_term_trend_fills_empty_months():
    from workercrawl.store.datasette_plugin.charts import fill_months

    assert fill_months([{"month": "2023-11", "articles": 2}, {"month": "2024-02", "articles": 1}]) == [
        {"month": "2023-11", "articles": 2}, {"month": "2023-12", "articles": 0},
        {"month": "2024-01", "articles": 0}, {"month": "2024-02", "articles": 1}]
    assert fill_months([]) == [] and fill_months([{"month": None, "articles": 3}]) == []


def test_package_data_ships_the_plugins_files():
    """A non-editable install must carry metadata.yml, templates/ and static/ (pyproject's package-data)."""
    import tomllib
    from fnmatch import fnmatch
    from pathlib import Path

    root = Path(datasette_plugin.__file__).parent
    package = root.parent.parent  # workercrawl/
    patterns = tomllib.loads((package.parent / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"][
        "package-data"]["workercrawl"]
    files = [p for p in root.rglob("*") if p.is_file() and p.suffix not in (".py", ".pyc")]
    assert {p.name for p in files} >= {"metadata.yml", "row.html", "workercrawl.css", "vega.min.js", "LICENSE-vega.txt"}
    for path in files:
        relative = path.relative_to(package).as_posix()
        assert any(fnmatch(relative, pattern) or fnmatch(relative, pattern.replace("**/", "*/"))
                   for pattern in patterns), relative


def test_canned_search_takes_the_query_syntax(db):
    base = f"/{db.stem}/search.json?_shape=array&since=&limit=&q="
    answers = get_all(db, [base + "工会+-农民工", base + "农民工+OR+化工", base + "%22法律援助中心%22",
                           base + "工会&until=2024-05-01"])
    excluded, either, phrase, until = answers.values()
    assert [r["title"] for r in excluded] == ["全国总工会部署开展劳动竞赛"]
    assert {r["title"] for r in either} == {"农民工讨薪有了法律援助", "化工会议召开"}
    assert [r["title"] for r in phrase] == ["农民工讨薪有了法律援助"]
    assert [r["title"] for r in until] == ["全国总工会部署开展劳动竞赛"]


def test_canned_search_explains_a_bad_query(db):
    register()

    async def run():
        ds = datasette_app.Datasette([str(db)])
        await ds.invoke_startup()
        return await ds.client.get(f"/{db.stem}/search.json?q=-工会&since=&until=&limit=")

    assert "add at least one word to search for" in asyncio.run(run()).text


REPORT = [
    "本报讯（记者 马学礼）全国总工会近日印发通知，部署各级工会在全国范围内开展“工会进万家”系列活动，推动工会工作向基层延伸。",
    "通知要求，各级工会要围绕职工群众急难愁盼问题，组织工会干部深入企业车间、职工家庭走访慰问，面对面倾听职工诉求。",
    "活动期间，各级工会将聚焦新就业形态劳动者、农民工和困难职工等群体，开展政策宣讲、法律咨询和技能培训等服务。",
    "通知提出，要用好职工服务中心、户外劳动者服务站点和网上工会平台，建立职工诉求收集、办理和反馈机制。",
    "通知强调，要把活动开展情况纳入工会工作考核，防止形式主义，确保活动取得实效，让职工感受到工会组织的温暖。",
]


def test_a_story_page_lists_its_copies_and_the_article_page_links_them(tmp_path):
    path = build(tmp_path / "wc.db")
    store = Store(path)
    copies = [  # the e-paper's original (a day only), 中工网's reprint (new headline, a paragraph
        # trimmed) the same day, people.cn's the next morning with an editor's note
        ("https://www.grrb.com.cn/1.html", "全总部署开展“工会进万家”系列活动", REPORT, "工人日报", "2024-05-20"),
        ("https://www.workercn.cn/c/9.shtml", "“工会进万家”<b>启动</b>", REPORT[:2] + REPORT[3:], "中工网",
         "2024-05-20T10:26:40+08:00"),
        ("http://acftu.people.com.cn/n1/9.html", "全总部署开展“工会进万家”系列活动",
         ["【编者按】今天我们转载《工人日报》的报道。"] + REPORT[:3] + REPORT[4:], "中国工会新闻", "2024-05-21T08:15:00+08:00"),
    ]
    for url, title, paragraphs, site, published in copies:
        store.add_article({"url": url, "title": title, "body": "\n".join(paragraphs), "site": site, "source": "工人日报",
                           "published_at": published}, fetched_at="t", spider="s", run_id=None)
    store.close()
    from datasette.utils import tilde_encode

    import sqlite3
    (story,) = sqlite3.connect(path).execute("SELECT id FROM stories WHERE copies = 3").fetchone()
    pages = get_all(path, [f"/wc/stories/{story}", "/wc/articles/" + tilde_encode(copies[1][0]),
                           "/wc/articles/" + tilde_encode(url_of(1)),
                           f"/wc/story_copies.json?_shape=array&story={story}",
                           "/wc/most_reprinted.json?_shape=array&min_copies="])
    story_page, article, single, listed, top = pages.values()
    for html in (story_page.text, article.text):
        assert html.count('<tr class="wc-original">') == 1 and "+1 d" in html and "当天 same day" in html
        assert all(f'rel="noopener noreferrer nofollow">{url}</a>' in html for url, *_ in copies)
        assert "“工会进万家”&lt;b&gt;启动&lt;/b&gt;" in html and "<b>启动</b>" not in html  # page text stays text
    assert "3 copies on 3 sites" in article.text and "同一报道" not in single.text  # a single copy: no block
    assert [(r["site"], r["delay"]) for r in listed] == [("工人日报", "original"), ("中工网", "+0 d"),
                                                         ("中国工会新闻", "+1 d")]
    assert [(r["story"], r["copies"], r["sites"]) for r in top] == [(story, 3, 3)]
