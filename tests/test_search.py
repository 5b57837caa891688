"""Chinese full-text search: segmentation, recall for 2-, 3- and 4-character words, ranking,
sync on insert/update/delete (by the store and by other clients), the documented SQL."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from workercrawl.store import Store
from workercrawl.store import search as fts

ROOT = Path(__file__).parent.parent
BASE = "http://www.workercn.cn/c/2024-05-{:02d}/71000{:02d}.shtml"

# (day, title, body): each query word sits alone, inside longer words, and near look-alikes
CORPUS = [
    (1, "全国总工会召开会议", "全国总工会书记处研究部署基层工会建设。"),
    (2, "职工书屋建设五年间", "全省建成职工书屋三千家，服务一线职工。"),
    (3, "维护农民工合法权益", "法律援助帮助农民工讨薪，维护劳动者合法权益。"),
    (4, "全国劳动竞赛委员会表彰先进", "各地开展劳动竞赛和技能竞赛，激发职工创新活力。"),
    (5, "化工会议讨论安全生产", "化工企业负责人参加会议，部署安全生产检查。"),
    (6, "快递小哥有了暖心驿站", "杭州新建户外劳动者服务站点120个，外卖骑手可以歇脚。"),
    (7, "新春送温暖", "工会干部走访慰问困难职工家庭。"),
    (8, "技能培训进车间", "技能培训和劳动竞赛同步开展。"),
    (9, "关爱女性劳动者", "落实特殊劳动保护，维护女职工权益。"),
]
EXPECTED = {
    "工会": {1, 7},           # 全国总工会, 基层工会, 工会干部 — not 化工会议
    "职工": {2, 4, 7, 9},     # 职工书屋, 一线职工, 困难职工, 女职工
    "权益": {3, 9},
    "农民工": {3},
    "劳动者": {3, 6, 9},
    "总工会": {1},
    "劳动竞赛": {4, 8},       # title: inside 全国劳动竞赛委员会; body: on its own
    "技能竞赛": {4},          # two words typed together stay together: not 技能培训和劳动竞赛
    "职工书屋": {2},
    "安全生产": {5},
    "快递小哥": {6},
    "工会 职工": {7},         # every word must match
    "职工权益": {9},          # 女职工权益: stored 职工 女职工 权益, still together
    "劳动保护": {9},
}


@pytest.fixture
def store(tmp_path):
    opened = Store(tmp_path / "workercrawl.db")
    for day, title, body in CORPUS:
        opened.add_article({"url": BASE.format(day, day), "title": title, "body": body, "source": "工人日报",
                            "published_at": f"2024-05-{day:02d}T08:00:00+08:00", "authors": [], "editors": []},
                           fetched_at="t", spider="s", run_id=None)
    opened.flush()
    yield opened
    opened.close()


def days(hits) -> set[int]:
    return {int(h["url"].split("/")[4][-2:]) for h in hits}


@pytest.mark.parametrize("query", sorted(EXPECTED))
def test_finds_two_three_and_four_character_words(store, query):
    assert days(store.search(query, limit=50)) == EXPECTED[query]


def test_segmentation_keeps_sub_words():
    assert fts.segment("开展劳动竞赛，维护农民工权益。") == "开展 劳动 竞赛 劳动竞赛 维护 农民 民工 农民工 权益"
    assert fts.segment("全国总工会") == "全国 总工 工会 总工会 全国总工会"  # every dictionary word inside
    assert fts.fts_query("劳动竞赛") == '"劳动竞赛"'
    assert fts.fts_query("技能竞赛 农民工") == 'NEAR("技能" "竞赛", 2) AND "农民工"'
    assert fts.fts_query('工会 "OR') == '"工会" AND "OR"'  # operators and quotes are text
    assert fts.fts_query("，。 ") == "" and fts.match_expression("") == '""'


def test_results_carry_date_source_title_and_snippet(store):
    (hit,) = store.search("农民工")
    assert hit["published_at"] == "2024-05-03T08:00:00+08:00" and hit["source"] == "工人日报"
    assert hit["title"] == "维护农民工合法权益"
    assert hit["snippet"] == "法律援助帮助[农民工]讨薪，维护劳动者合法权益。"
    assert hit["score"] < 0  # bm25: lower is better


def test_title_hits_rank_first(store):
    hits = store.search("职工书屋 职工")
    assert days(hits[:1]) == {2}
    assert [h["score"] for h in hits] == sorted(h["score"] for h in hits)


def test_since_and_limit(store):
    assert days(store.search("职工", since="2024-05-04")) == {4, 7, 9}
    assert days(store.search("职工", since="2024-05")) == {2, 4, 7, 9}
    assert len(store.search("职工", limit=1)) == 1
    assert store.search("，") == []
    with pytest.raises(ValueError):
        store.search("职工", since="last week")
    with pytest.raises(ValueError):
        store.search("职工", limit=0)


def test_index_follows_store_updates(store):
    url = BASE.format(5, 5)
    store.add_article({"url": url, "title": "化工企业工会成立", "body": "企业工会为职工服务。",
                       "published_at": "2024-05-05", "authors": [], "editors": []},
                      fetched_at="t2", spider="s", run_id=None)
    store.flush()
    assert 5 in days(store.search("工会")) and days(store.search("安全生产")) == set()
    assert store.count("article_search") == len(CORPUS)
    assert store.db.execute("SELECT count(*) FROM articles_fts").fetchone()[0] == len(CORPUS)


def test_index_follows_other_clients(store):
    url = BASE.format(3, 3)
    # deleted in sqlite3/datasette: gone from the index
    store.db.execute("DELETE FROM articles WHERE url = ?", [url])
    assert store.search("农民工") == [] and store.count("article_search") == len(CORPUS) - 1
    # text edited outside the store: the stale entry is dropped, reindex puts the new text in
    url = BASE.format(2, 2)
    store.db.execute("UPDATE articles SET body = '新正文讲农民工。' WHERE url = ?", [url])
    assert 2 not in days(store.search("职工书屋"))
    assert store.reindex_search() == 1
    assert days(store.search("农民工")) == {2} and days(store.search("职工书屋")) == {2}  # title still has it
    # a new date is copied to the index: `since` sees it
    store.db.execute("UPDATE articles SET published_at = '2024-06-01' WHERE url = ?", [BASE.format(1, 1)])
    assert days(store.search("总工会", since="2024-06")) == {1}
    assert store.reindex_search(everything=True) == len(CORPUS) - 1
    store.optimize_search()
    assert days(store.search("工会")) == {1, 7}


def test_jieba_is_silent_and_initialised_once():
    code = ("from workercrawl.store import search as s; a = s.tokenizer(); s.segment('工会'); "
            "assert s.tokenizer() is a; print(s.segment('职工权益'))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "职工 权益" and done.stderr == ""


def _normalized(sql: str) -> str:
    return re.sub(r"\s+", " ", sql).strip()


def test_the_documented_query_is_the_one_the_store_runs():
    doc = (ROOT / "docs" / "search.md").read_text("utf-8")
    assert _normalized(fts.SEARCH_SQL) in _normalized(doc)
    yaml = pytest.importorskip("yaml")
    meta = yaml.safe_load((ROOT / "workercrawl" / "store" / "datasette_plugin" / "metadata.yml").read_text("utf-8"))
    assert _normalized(meta["database"]["queries"]["search"]["sql"]) == _normalized(fts.SEARCH_SQL)


@pytest.mark.parametrize("few", [True, False], ids=["sort-the-matches", "walk-by-date"])
@pytest.mark.parametrize("query", sorted(EXPECTED) + ["工会 -职工", '"劳动竞赛"', "农民工 OR 快递小哥"])
def test_newest_first_is_the_same_matches_by_date_whichever_plan(store, query, few, monkeypatch):
    """order="newest": exactly the articles relevance finds, by published_at descending (then
    the later-indexed first, undated last), whether the query finds few articles (sorted) or
    many (a walk of the date index probing the search index row by row)."""
    store.db.execute("UPDATE articles SET published_at = NULL WHERE url = ?", [BASE.format(9, 9)])
    store.db.execute("UPDATE articles SET published_at = '2024-05-07' WHERE url = ?", [BASE.format(4, 4)])
    monkeypatch.setattr(fts, "NEWEST_FEW", 10_000 if few else 0)
    relevance = store.search(query, limit=50)
    newest = store.search(query, limit=50, order="newest")
    assert {h["url"] for h in newest} == {h["url"] for h in relevance}
    dated = [h["published_at"] for h in newest if h["published_at"]]
    assert dated == sorted(dated, reverse=True)
    assert all(h["published_at"] for h in newest[:len(dated)])  # undated ones last
    assert store.search(query, limit=1, order="newest") == newest[:1]
    since = store.search(query, limit=50, order="newest", since="2024-05-04", until="2024-05-07")
    assert since == [h for h in newest if h["published_at"] and "2024-05-04" <= h["published_at"][:10] <= "2024-05-07"]


def test_unknown_order_is_refused(store):
    with pytest.raises(ValueError, match="newest"):
        store.search("工会", order="oldest")


def test_relevance_over_a_very_common_word_ranks_the_latest_matches_with_the_same_scores(store, monkeypatch):
    """Above RANK_CAP matches only the RANK_CAP most recently indexed ones are scored; their
    scores are the ones the full search gives them."""
    full = {h["url"]: h["score"] for h in store.search("职工", limit=50)}
    monkeypatch.setattr(fts, "SEARCH_SQL", fts.search_sql(cap=2))
    capped = store.search("职工", limit=50)
    assert len(capped) == 2
    latest = [r[0] for r in store.db.execute(
        "SELECT s.url FROM article_search s WHERE s.id IN (SELECT rowid FROM articles_fts "
        "WHERE articles_fts MATCH '\"职工\"') ORDER BY s.id DESC LIMIT 2")]
    assert {h["url"] for h in capped} == set(latest)
    assert all(h["score"] == full[h["url"]] for h in capped)
    assert [h["score"] for h in capped] == sorted(h["score"] for h in capped)
