"""Stories: syndicated copies of one report on several sites group into one story; templated
near-misses (two cities' 送温暖 reports, monthly 公告, a 导读 snippet) do not."""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
import stories as bench  # noqa: E402  (bench/stories.py: the corpus and its copies)
from corpus import article  # noqa: E402

from workercrawl.cli import cli  # noqa: E402
from workercrawl.store import Store  # noqa: E402
from workercrawl.store import stories  # noqa: E402

FETCHED = "2024-05-21T00:00:00+00:00"


def _store(tmp_path, name="s.db"):
    return Store(tmp_path / name)


def _add(store, **article_fields):
    store.add_article({"title": "标题", "site": "中工网", "source": None, **article_fields},
                      fetched_at=FETCHED, spider="test", run_id=None)


def _report(i=1):
    return article(i, 5)["body"]


def test_copies_group_and_the_earliest_is_the_original(tmp_path):
    rng = random.Random(1)
    body = _report()
    store = _store(tmp_path)
    _add(store, url="https://www.workercn.cn/c/1.shtml", body=bench._copy(rng, body), title="转载标题",
         published_at="2024-05-20T10:00:00+08:00", site="中工网", source="工人日报")
    _add(store, url="https://www.grrb.com.cn/a/1.html", body=body, title="原标题",
         published_at="2024-05-20T06:00:00+08:00", site="工人日报", source="工人日报")
    _add(store, url="http://acftu.people.com.cn/n1/1.html", body=bench._copy(rng, body),
         published_at="2024-05-21", site="人民网", source="工人日报")
    _add(store, url="https://www.workercn.cn/c/2.shtml", body=_report(2), published_at="2024-05-20")
    store.flush()
    rows = {r["url"]: r for r in store.db.query("SELECT url, story_id, duplicate_of FROM articles")}
    grrb = rows["https://www.grrb.com.cn/a/1.html"]
    assert grrb["duplicate_of"] is None
    assert rows["https://www.workercn.cn/c/1.shtml"]["story_id"] == grrb["story_id"]
    assert rows["https://www.workercn.cn/c/1.shtml"]["duplicate_of"] == "https://www.grrb.com.cn/a/1.html"
    assert rows["http://acftu.people.com.cn/n1/1.html"]["story_id"] == grrb["story_id"]
    assert rows["https://www.workercn.cn/c/2.shtml"]["story_id"] != grrb["story_id"]
    [top] = store.stories(min_copies=2)
    assert (top["copies"], top["sites"], top["title"]) == (3, 3, "原标题")
    assert [c["delay_hours"] for c in top["copies_list"]][:2] == [0.0, 4.0]
    store.close()


def test_a_tie_goes_to_the_paper_named_as_source(tmp_path):
    body = _report(3)
    store = _store(tmp_path)
    _add(store, url="https://www.workercn.cn/c/3.shtml", body=body + "\n编者按：转载。", published_at="2024-05-20",
         site="中工网", source="工人日报")
    _add(store, url="https://www.grrb.com.cn/a/3.html", body=body, published_at="2024-05-20",
         site="工人日报", source="工人日报")
    store.flush()
    story = store.db.execute("SELECT original_url, copies FROM stories WHERE copies = 2").fetchone()
    assert tuple(story) == ("https://www.grrb.com.cn/a/3.html", 2)
    store.close()


@pytest.mark.parametrize("kind", ["w", "n", "s"])
def test_near_misses_stay_apart(tmp_path, kind):
    items = [(label, body) for label, body in bench.corpus(3000, 11)]
    family = {}
    for label, body in items:
        if label[0] == kind or (kind == "s" and label[0] == "r"):
            family.setdefault(label, body)
    store = _store(tmp_path)
    for n, (label, body) in enumerate(family.items()):
        _add(store, url=f"https://example.org/{n}.html", body=body, published_at="2024-01-01")
    store.flush()
    assert store.db.execute("SELECT count(*) FROM stories").fetchone()[0] == len(family)
    store.close()


def test_a_changed_body_is_assigned_again_and_rebuild_agrees(tmp_path):
    body, other = _report(4), _report(5)
    store = _store(tmp_path)
    _add(store, url="https://a.example/1", body=body, published_at="2024-01-01")
    _add(store, url="https://b.example/1", body=body, published_at="2024-01-02")
    store.flush()
    assert store.db.execute("SELECT count(*) FROM stories").fetchone()[0] == 1
    _add(store, url="https://b.example/1", body=other, published_at="2024-01-02")  # re-extracted: another text
    store.flush()
    rows = {r["url"]: r for r in store.db.query("SELECT url, story_id, duplicate_of FROM articles")}
    assert rows["https://a.example/1"]["story_id"] != rows["https://b.example/1"]["story_id"]
    assert rows["https://b.example/1"]["duplicate_of"] is None
    assert store.db.execute("SELECT copies FROM stories ORDER BY id").fetchall() == [(1,), (1,)]
    before = store.db.execute("SELECT count(*) FROM stories").fetchone()[0]
    assert store.rebuild_stories() == before == 2
    store.close()


def test_store_assignment_matches_the_benchmark_index(tmp_path):
    items = bench.corpus(600, 3)
    memory = stories.MemoryIndex()
    expected = [memory.add(body) for _, body in items]
    store = _store(tmp_path)
    for n, (_, body) in enumerate(items):
        _add(store, url=f"https://example.org/{n:04d}", body=body, published_at="2024-01-01")
    store.flush()
    got = [r[0] for r in store.db.execute("SELECT story_id FROM articles ORDER BY url")]
    same = lambda labels: {(i, j) for i in range(len(labels)) for j in range(i) if labels[i] == labels[j]}  # noqa: E731
    assert same(got) == same(expected)
    store.close()


def _syndicated_db(tmp_path):
    rng = random.Random(2)
    body = _report(6)
    store = _store(tmp_path, "cli.db")
    _add(store, url="https://www.grrb.com.cn/a/6.html", body=body, title="工会送温暖 原标题",
         published_at="2024-05-20T06:00:00+08:00", site="工人日报", source="工人日报")
    _add(store, url="https://www.workercn.cn/c/6.shtml", body=bench._copy(rng, body), title="新标题",
         published_at="2024-05-20T08:30:00+08:00", site="中工网", source="工人日报")
    _add(store, url="https://www.workercn.cn/c/7.shtml", body=_report(7), title="另一篇",
         published_at="2024-05-21T08:30:00+08:00", site="中工网")
    store.close()
    return str(tmp_path / "cli.db")


def test_cli_stories_stats_export_and_search_by_story(tmp_path):
    db = _syndicated_db(tmp_path)
    runner = CliRunner()
    shown = runner.invoke(cli, ["stories", "--db", db])
    assert shown.exit_code == 0, shown.output
    assert "2 copies on 2 sites" in shown.output and "+2.5 h" in shown.output and "原标题" in shown.output
    as_json = runner.invoke(cli, ["stories", "--json", "--db", db, "--since", "2024-05-20"])
    [story] = [json.loads(line) for line in as_json.stdout.splitlines()]
    assert story["original_url"] == "https://www.grrb.com.cn/a/6.html" and len(story["copies_list"]) == 2
    assert runner.invoke(cli, ["stories", "--json", "--db", db, "--since", "2024-06"]).stdout == ""
    rebuilt = runner.invoke(cli, ["stories", "--rebuild", "--db", db, "--min-copies", "1"])
    assert rebuilt.exit_code == 0 and "2 stories after the rebuild" in rebuilt.output
    stats = runner.invoke(cli, ["stats", "--db", db])
    assert "3 articles (2 distinct stories, 1 reprinted)" in stats.output
    exported = runner.invoke(cli, ["export", "--format", "jsonl", "--db", db])
    rows = [json.loads(line) for line in exported.stdout.splitlines()]
    assert len({r["story_id"] for r in rows}) == 2
    assert sorted(r["duplicate_of"] or "" for r in rows) == ["", "", "https://www.grrb.com.cn/a/6.html"]
    word = _report(6).split("\n")[0][:4]
    every = runner.invoke(cli, ["search", word, "--json", "-n", "50", "--db", db])
    collapsed = runner.invoke(cli, ["search", word, "--stories", "--json", "-n", "50", "--db", db])
    assert collapsed.exit_code == 0, collapsed.output
    hits, story_hits = every.stdout.splitlines(), [json.loads(x) for x in collapsed.stdout.splitlines()]
    assert len(story_hits) == len(hits) - 1
    assert len({h["story_id"] for h in story_hits}) == len(story_hits)
    assert "stories for" in collapsed.stderr or "story for" in collapsed.stderr


def test_generated_corpus_meets_the_precision_and_recall_floor():
    """The floor of docs/benchmarks.md#stories on a corpus the method was not tuned on (another
    seed): syndicated copies (headline changed, 10–30% of the paragraphs trimmed, two swapped, an
    editor's note) against 送温暖 templates, monthly 公告 and 导读 snippets."""
    result = bench.quality(bench.corpus(4000, 11), stories.MemoryIndex())
    assert result["true_pairs"] > 1000
    assert result["precision"] >= 0.99, result
    assert result["recall"] >= 0.95, result


def test_search_by_story_newest_first(tmp_path):
    db = _syndicated_db(tmp_path)
    runner = CliRunner()
    newest = runner.invoke(cli, ["search", "工会", "--stories", "--newest", "--json", "-n", "50", "--db", db])
    assert newest.exit_code == 0, newest.output
    hits = [json.loads(x) for x in newest.stdout.splitlines()]
    assert len({h["story_id"] for h in hits}) == len(hits) == 2
    dates = [h["published_at"] for h in hits]
    assert dates == sorted(dates, reverse=True)


def test_a_story_of_one_copy_is_complete_without_a_refresh(tmp_path):
    store = _store(tmp_path)
    _add(store, url="https://www.workercn.cn/c/8.shtml", body=_report(8), title="独家报道",
         published_at="2024-05-22T07:00:00+08:00", site="中工网", source="中工网")
    store.flush()
    (row,) = store.db.query("SELECT s.original_url, s.title, s.site, s.first_published_at, s.copies, s.sites, "
                            "a.duplicate_of FROM stories s JOIN articles a ON a.story_id = s.id")
    assert row == {"original_url": "https://www.workercn.cn/c/8.shtml", "title": "独家报道", "site": "中工网",
                   "first_published_at": "2024-05-22T07:00:00+08:00", "copies": 1, "sites": 1,
                   "duplicate_of": None}
    store.close()


def test_search_by_story_counts_the_stories_it_found(tmp_path):
    """-n smaller than the matches: the total on stderr is counted in stories (its SQL once
    joined the index to the articles and left `rowid` ambiguous)."""
    db = _syndicated_db(tmp_path)
    for order in ([], ["--newest"]):
        shown = CliRunner().invoke(cli, ["search", "工会", "--stories", "-n", "1", "--db", db, *order])
        assert shown.exit_code == 0, shown.output
        assert "2 stories for 工会 (showing 1)" in shown.stderr, shown.stderr
