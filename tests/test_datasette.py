"""datasette answers the canned queries of datasette/metadata.yml (skipped without datasette)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

datasette_app = pytest.importorskip("datasette.app", reason="datasette not installed (pip install -e '.[datasette]')")
yaml = pytest.importorskip("yaml")

from workercrawl.store import Store  # noqa: E402

METADATA = Path(__file__).parent.parent / "datasette" / "metadata.yml"


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "workercrawl.db"  # the database name in metadata.yml comes from the file name
    store = Store(path)
    for n, (title, body, source, authors) in enumerate([
        ("全国总工会部署开展劳动竞赛", "各地工会组织职工开展劳动竞赛。", "工人日报", ["李国"]),
        ("农民工讨薪有了法律援助", "工会法律援助中心维护农民工权益。", "中工网", ["阮向民"]),
        ("化工会议召开", "化工企业讨论安全生产。", "新华社", []),
    ], start=1):
        store.add_article({"url": f"http://www.workercn.cn/c/2024-05-{n:02d}/{n}.shtml", "title": title, "body": body,
                           "source": source, "published_at": f"2024-05-{n:02d}", "authors": authors, "editors": []},
                          fetched_at="t", spider="s", run_id=None)
    store.close()
    return path


def get_all(db, paths: list[str]) -> dict[str, list[dict]]:
    from datasette.plugins import pm

    from workercrawl.store import datasette_plugin

    if not pm.is_registered(datasette_plugin) and "workercrawl" not in {pm.get_name(p) for p in pm.get_plugins()}:
        pm.register(datasette_plugin, name="workercrawl")  # an install that predates the entry point

    async def run():
        ds = datasette_app.Datasette([str(db)], metadata=yaml.safe_load(METADATA.read_text("utf-8")))
        await ds.invoke_startup()
        out = {}
        for path in paths:
            response = await ds.client.get(path)
            assert response.status_code == 200, (path, response.text[:500])
            out[path] = response.json()
        return out

    return asyncio.run(run())


def test_canned_queries(db):
    base = "/workercrawl/{}.json?_shape=array"
    answers = get_all(db, [
        base.format("latest_articles"),
        base.format("articles_by_source") + "&source=工人日报",
        base.format("articles_by_reporter") + "&name=阮向民",
        base.format("articles_per_month"),
        base.format("search") + "&q=工会&since=&limit=",
        base.format("search") + "&q=劳动竞赛&since=2024-05-01&limit=5",
        base.format("search_words") + "&q=农民工",
        "/workercrawl.json",
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


def test_metadata_describes_real_tables_and_columns(db):
    store = Store(db)
    try:
        described = yaml.safe_load(METADATA.read_text("utf-8"))["databases"]["workercrawl"]["tables"]
        for table, spec in described.items():
            assert table in store.db.table_names(), table
            assert set(spec.get("columns", {})) <= set(store.db[table].columns_dict), table
    finally:
        store.close()


def test_canned_search_takes_the_query_syntax(db):
    base = "/workercrawl/search.json?_shape=array&since=&limit=&q="
    answers = get_all(db, [base + "工会+-农民工", base + "农民工+OR+化工", base + "%22法律援助中心%22",
                           base + "工会&until=2024-05-01"])
    excluded, either, phrase, until = answers.values()
    assert [r["title"] for r in excluded] == ["全国总工会部署开展劳动竞赛"]
    assert {r["title"] for r in either} == {"农民工讨薪有了法律援助", "化工会议召开"}
    assert [r["title"] for r in phrase] == ["农民工讨薪有了法律援助"]
    assert [r["title"] for r in until] == ["全国总工会部署开展劳动竞赛"]


def test_canned_search_explains_a_bad_query(db):
    from datasette.plugins import pm

    from workercrawl.store import datasette_plugin

    if not pm.is_registered(datasette_plugin) and "workercrawl" not in {pm.get_name(p) for p in pm.get_plugins()}:
        pm.register(datasette_plugin, name="workercrawl")

    async def run():
        ds = datasette_app.Datasette([str(db)], metadata=yaml.safe_load(METADATA.read_text("utf-8")))
        await ds.invoke_startup()
        return await ds.client.get("/workercrawl/search.json?q=-工会&since=&until=&limit=")

    response = asyncio.run(run())
    assert "add at least one word to search for" in response.text
