"""Search syntax — OR, NOT / -, "phrases" — one parser for `workercrawl search` (Store.search) and
SQL (workercrawl_match in SEARCH_SQL, datasette's canned query); dates for --since/--until; the
total number of matches."""

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
from workercrawl.store import Store
from workercrawl.store import search as fts

ROOT = Path(__file__).parent.parent
URL = "http://www.workercn.cn/c/{}/71{:05d}.shtml"

# (n, published_at, title, body)
CORPUS = [
    (1, "2024-01-15", "全国总工会部署劳动竞赛", "各地工会组织职工开展劳动竞赛。"),
    (2, "2024-02-29", "农民工讨薪有了法律援助", "工会法律援助中心维护农民工权益。"),
    (3, "2024-03-10", "职工书屋建设", "全省建成职工书屋三千家，服务一线职工。"),
    (4, "2024-04-01", "化工会议讨论安全生产", "化工企业负责人参加会议。"),
    (5, "2024-05-20T10:00:00+08:00", "技能培训进车间", "技能培训和劳动竞赛同步开展，工会积极参与。"),
    (6, "2024-05-31T23:00:00+08:00", "女职工权益保护", "落实特殊劳动保护，维护女职工权益。"),
    (7, "2024-06-01", "开展技能竞赛", "举办技能竞赛活动。"),
    (8, "2024-06-02", "保障合法权益", "依法保障职工合法权益。"),
]
TEXT = {n: title + body for n, _, title, body in CORPUS}


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("syntax") / "workercrawl.db"
    store = Store(path)
    for n, published, title, body in CORPUS:
        store.add_article({"url": URL.format(published[:10], n), "title": title, "body": body, "source": "工人日报",
                           "published_at": published, "authors": [], "editors": []},
                          fetched_at="t", spider="s", run_id=None)
    store.close()
    return path


@pytest.fixture
def store(db):
    opened = Store(db)
    yield opened
    opened.close()


def numbers(hits) -> set[int]:
    return {int(h["url"][-11:-6]) for h in hits}


def cli_run(*args, env=None):
    return CliRunner().invoke(cli, [str(a) for a in args], env=env)


def cli_json(db, *query) -> list[dict]:
    result = cli_run("search", "--json", "-n", 50, "--db", db, *query)  # options first: query may hold --
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def sql_rows(db, query, since="", until="", limit=50) -> list[dict]:
    """SEARCH_SQL on a plain sqlite3 connection with the functions registered (as datasette runs it)."""
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    fts.register_functions(conn)
    try:
        return [dict(r) for r in conn.execute(fts.SEARCH_SQL, {"q": query, "since": since, "until": until,
                                                               "limit": limit})]
    finally:
        conn.close()


# -- the observed failures --------------------------------------------------------------------

def test_a_minus_excludes(db):
    hits = cli_json(db, "工会 -职工")
    assert numbers(hits) == {2, 5}
    assert not any("职工" in TEXT[n] for n in numbers(hits))


def test_a_query_starting_with_minus_is_not_a_usage_error(db):
    for args in (["--", "-职工", "工会"], ["-职工", "工会"], ["工会", "-职工"]):
        assert numbers(cli_json(db, *args)) == {2, 5}, args
    only = cli_run("search", "-工会", "--db", db)
    assert only.exit_code == 2 and "add at least one word to search for" in only.output
    assert "No such option" not in only.output and "Traceback" not in only.output


def test_options_still_work_around_a_minus_query(db):
    result = cli_run("search", "-职工", "--json", "工会", "-n", "1", "--db", db)
    assert result.exit_code == 0, result.output
    assert len(result.stdout.splitlines()) == 1 and json.loads(result.stdout)["url"]
    typo = cli_run("search", "工会", "--jsno", "--db", db)
    assert typo.exit_code == 2 and "--jsno" in typo.output


def test_or(store):
    assert numbers(store.search("农民工 OR 女职工")) == {2, 6}
    assert numbers(store.search("工会 农民工 OR 职工书屋")) == {2}  # OR binds the parts beside it
    assert numbers(store.search("农民工 OR 职工书屋 OR 技能竞赛")) == {2, 3, 7}


def test_not(store):
    assert numbers(store.search("工会 NOT 职工")) == numbers(store.search("工会 -职工")) == {2, 5}
    assert numbers(store.search("劳动竞赛 NOT 职工 NOT 技能")) == set()
    assert numbers(store.search("劳动竞赛 -技能培训")) == {1}
    assert numbers(store.search("权益 -女职工 -农民工")) == {8}


def test_exact_phrase(store):
    assert numbers(store.search("职工权益")) == {6, 8}  # words standing together (NEAR): 职工合法权益 too
    assert numbers(store.search('"职工权益"')) == {6}  # the exact characters: only 女职工权益
    assert numbers(store.search("“职工权益”")) == {6}  # Chinese quotation marks
    assert numbers(store.search('"劳动竞赛"')) == numbers(store.search("劳动竞赛")) == {1, 5}
    assert numbers(store.search('"劳动竞赛同步"')) == {5}
    assert numbers(store.search('劳动竞赛 -"各地工会"')) == {5}
    assert numbers(store.search('"维护女职工" OR 农民工')) == {2, 6}
    assert numbers(store.search('"维护职工" OR 农民工')) == {2}


def test_unbalanced_quote_is_a_phrase_to_the_end(store):
    assert numbers(store.search('工会 "劳动竞赛')) == {1, 5}
    assert numbers(store.search('"职工权益')) == {6}
    assert numbers(store.search('工会 "')) == numbers(store.search("工会"))


def test_since_and_until_take_real_dates_only(db):
    for bad in ("2024-13-45", "2024-02-30", "2023-02-29", "2024-00", "24-05", "last week"):
        result = cli_run("search", "工会", "--since", bad, "--db", db)
        assert result.exit_code == 2 and "Traceback" not in result.output, bad
        error = [line for line in result.output.splitlines() if line.startswith("Error")]
        assert len(error) == 1 and bad in error[0], result.output
        assert cli_run("search", "工会", "--until", bad, "--db", db).exit_code == 2
        assert cli_run("export", "--format", "jsonl", "--until", bad, "--db", db).exit_code == 2
    assert numbers(cli_json(db, "工会", "--since", "2024-02-29")) == {2, 5}


def test_until_is_inclusive(store, db):
    assert numbers(store.search("职工", until="2024-05")) == {1, 3, 6}  # 2024-05-31T23:00 is in May
    assert numbers(store.search("职工", until="2024-05-30")) == {1, 3}
    assert numbers(store.search("职工", since="2024-03", until="2024-06-02")) == {3, 6, 8}
    assert numbers(cli_json(db, "职工", "--until", "2024-03-10")) == {1, 3}
    exported = cli_run("export", "--format", "jsonl", "--since", "2024-02", "--until", "2024-04", "--db", db)
    assert [json.loads(line)["published_at"] for line in exported.stdout.splitlines()] == [
        "2024-02-29", "2024-03-10", "2024-04-01"]
    assert "3 articles exported" in exported.stderr


def test_the_total_is_on_stderr(db):
    result = cli_run("search", "职工", "-n", 2, "--db", db)
    assert result.exit_code == 0
    assert result.stderr.strip() == "4 matches for 职工 (showing 2)"
    assert result.stdout.count("http://") == 2
    everything = cli_run("search", "工会", "OR", "农民工", "--json", "--db", db)
    assert everything.stderr.strip() == "3 matches for 工会 OR 农民工"
    assert [json.loads(line)["url"] for line in everything.stdout.splitlines()]  # stdout: JSON only
    one = cli_run("search", "技能竞赛", "--db", db)
    assert one.stderr.strip() == "1 match for 技能竞赛"


def test_store_counts_matches(store):
    assert store.count_matches("职工") == 4
    assert store.count_matches("职工", since="2024-05", until="2024-06-01") == 1
    assert store.count_matches('"职工权益" OR 农民工') == 2
    assert store.count_matches("，") == 0
    with pytest.raises(fts.BadQuery):
        store.count_matches("-职工")


QUERIES = ["工会", "工会 -职工", "-职工 工会", "工会 NOT 职工", "农民工 OR 女职工", "工会 农民工 OR 职工书屋",
           '"职工权益"', "职工权益", '劳动竞赛 -"各地工会"', '"维护女职工" OR 农民工', '工会 "劳动竞赛',
           "劳动竞赛 技能", "技能竞赛 OR 职工书屋 -全省"]


@pytest.mark.parametrize("query", QUERIES)
def test_sql_and_cli_give_the_same_rows(db, query):
    by_cli = [hit["url"] for hit in cli_json(db, query)]
    assert by_cli == [row["url"] for row in sql_rows(db, query)]
    assert len(by_cli) == cli_count(db, query)


def cli_count(db, query) -> int:
    store = Store(db)
    try:
        return store.count_matches(query)
    finally:
        store.close()


def test_sql_dates_and_errors(db):
    assert [r["url"] for r in sql_rows(db, "职工", since="2024-03", until="2024-05")] == \
        [r["url"] for r in sql_rows(db, "职工", since="2024-03", until="2024-05-31T23:00")]
    assert len(sql_rows(db, "职工", until="2024-05")) == 3
    with pytest.raises(sqlite3.OperationalError, match="add at least one word to search for"):
        sql_rows(db, "-职工")
    with pytest.raises(sqlite3.OperationalError, match="OR needs"):
        sql_rows(db, "工会 OR")


# -- the parser ----------------------------------------------------------------------------------

def test_match_expressions():
    assert fts.fts_query("工会 -职工") == '"工会" NOT "职工"'
    assert fts.fts_query("工会 NOT 职工 NOT 权益") == '"工会" NOT ("职工" OR "权益")'
    assert fts.fts_query("工会 农民工 OR 职工") == '"工会" AND ("农民工" OR "职工")'
    assert fts.fts_query("工会 AND 职工") == '"工会" AND "职工"'
    assert fts.fts_query("工会 农民工 -职工") == '("工会" AND "农民工") NOT "职工"'
    assert fts.fts_query("技能竞赛 -劳动竞赛") == 'NEAR("技能" "竞赛", 2) NOT "劳动竞赛"'
    assert fts.fts_query('"技能竞赛"') == 'NEAR("技能" "竞赛", 2)'  # + the exact characters (phrase check)
    assert fts.fts_query("工会 or not") == '"工会" AND "or" AND "not"'  # operators are upper case
    assert fts.fts_query('工会 "OR"') == '"工会" AND "OR"'  # quoted: a word
    assert fts.fts_query("工会 工会 OR 工会") == '"工会"'


def test_parsed_query():
    parsed = fts.parse_query('工会 "职工 权益" OR 农民工 -"化工 会议" NOT 安全')
    assert [[t.text for t in group] for group in parsed.groups] == [["工会"], ["职工 权益", "农民工"]]
    assert [t.text for t in parsed.excluded] == ["化工 会议", "安全"]
    assert [t.phrase for t in parsed.excluded] == [True, False]
    assert fts.parse_query('"工会"').groups[0][0].literal is False  # one word: the word itself
    assert fts.parse_query('"职工权益"').groups[0][0].literal is True


@pytest.mark.parametrize("query, message", [
    ("-工会", "add at least one word to search for"),
    ("NOT 工会 -职工", "add at least one word to search for"),
    ("工会 OR", "OR needs a word or phrase on each side"),
    ("OR 工会", "OR needs a word or phrase on each side"),
    ("工会 OR OR 职工", "OR needs a word or phrase on each side"),
    ("工会 OR -职工", "OR needs a word or phrase on each side"),
    ("工会 NOT", "NOT needs a word or phrase after it"),
    ("工会 NEAR 职工", "NEAR"),
    ("(工会 权益) OR 职工", "parentheses"),
])
def test_syntax_errors_are_clear(query, message):
    with pytest.raises(fts.BadQuery, match=message.replace("(", r"\(")):
        fts.match_expression(query)


def test_user_text_never_reaches_fts5_as_syntax(store):
    """Any mix of FTS5 syntax and text is searched or refused with BadQuery — never an FTS5 error."""
    import random

    pieces = ['"', "“", "”", "-", "*", "^", ":", "+", "(", ")", "{", "}", "NEAR", "NEAR(", "AND", "OR", "NOT",
              "title:", "body:", "工会", "职工", "-工会", '"工会', "''", ",", "，", "/", "\\", "\x00", "劳动竞赛"]
    rng = random.Random(7)
    for _ in range(600):
        query = rng.choice(["", " "]).join(rng.choice(pieces) for _ in range(rng.randint(1, 6)))
        try:
            store.search(query)
            store.count_matches(query)
        except fts.BadQuery:
            pass


def test_length_bounds_still_hold():
    with pytest.raises(fts.QueryTooLong):
        fts.check_query("工会" * 150)
    with pytest.raises(fts.QueryTooLong):
        fts.check_query(" OR ".join(["工会"] * 30))
    assert issubclass(fts.QueryTooLong, fts.BadQuery) and issubclass(fts.BadQuery, ValueError)


def test_snippet_marks_included_words_and_phrases():
    body = "落实特殊劳动保护，维护女职工权益。"
    assert fts.snippet(body, "权益 -女职工") == "落实特殊劳动保护，维护女职工[权益]。"
    assert fts.snippet(body, '"维护女职工" OR 工会') == "落实特殊劳动保护，[维护女职工]权益。"


def test_search_minus_in_a_real_process(db, tmp_path):
    """The installed console script's path: python -m workercrawl.cli, a real process."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "workercrawl.cli", "search", "-职工", "工会", "--db", str(db)],
                          capture_output=True, text=True, timeout=120, env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip() == "2 matches for -职工 工会"
    assert "职工" not in done.stdout.replace("-职工", "")
