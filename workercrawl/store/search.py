"""Chinese full-text search: jieba-segmented shadow rows indexed by FTS5 (unicode61), bm25-ranked.

Why a segmented shadow: FTS5's trigram tokenizer cannot match 2-character words (工会, 职工),
and unicode61 alone reads a run of Han characters as one token. So every article gets a row
in `article_search` holding its title and body cut by jieba (`cut_for_search`, generalised:
words plus every dictionary word inside them: 劳动竞赛 → 劳动 竞赛 劳动竞赛), space-joined, and
`articles_fts` indexes that table (external content). A query is cut the same way.

Sync: segmentation needs Python, so SQL triggers cannot do it. The store writes shadow rows
itself, in the same transaction as the article rows (`index_missing`). Triggers do the rest,
so any client (sqlite3, datasette) keeps the index correct: article_search → articles_fts on
insert/update/delete; deleting an article, or changing its text outside the store, deletes
its shadow row (a stale entry is never searched; `reindex` or the next crawl of the page puts
it back); a changed `published_at` is copied over.
"""

from __future__ import annotations

import functools
import logging
import math
import re
import threading
from dataclasses import dataclass
from typing import Callable

logger = logging.getLogger(__name__)

_WORD = re.compile(r"\w")  # a token worth indexing has a letter or digit (Han characters are letters)
_HYPHENS = re.compile(r"-+")
_lock = threading.Lock()
_tokenizer = None

# The search, as one query (search_sql). bm25(articles_fts, 4.0, 1.0): a hit in the title weighs
# as much as four in the body. ORDER BY bm25(…) LIMIT n (not ORDER BY rank) lets SQLite keep
# only the best n while scoring: a third faster on words that half the articles contain.
# workercrawl_match(:q) parses the query (see parse_query) into an FTS5 expression, and
# workercrawl_snippet(body, :q) cuts a snippet from the original body: both are registered on
# the store's connection and, through the datasette plugin, in datasette. An exact "phrase" is
# also checked against the original text, row by row, but only when the query has one:
# workercrawl_phrases(:q) is their number (a constant SQLite computes once), and the check
# (workercrawl_phrases_in) reads the article only for rows that MATCH already found.
# :until || '~' makes a date prefix inclusive ('~' sorts after every character of a date).
# The tables and triggers: schema.py, 0004_search.
_WHERE = """articles_fts MATCH workercrawl_match(:q)
    AND (coalesce(:since, '') = ''
         OR rowid IN (SELECT id FROM article_search WHERE published_at >= :since))
    AND (coalesce(:until, '') = ''
         OR rowid IN (SELECT id FROM article_search WHERE published_at < :until || '~'))
    AND (workercrawl_phrases(:q) = 0
         OR (SELECT workercrawl_phrases_in(:q, a.pretitle, a.title, a.subtitle, a.body)
             FROM article_search AS s JOIN articles AS a ON a.url = s.url
             WHERE s.id = articles_fts.rowid))"""

RANK_CAP = 50_000  # matches scored at most (the most recently indexed): see search_sql


def _scored(cap: int) -> str:
    """The matches, newest-indexed first, at most `cap` of them scored (search_sql says why)."""
    return f"""\
  SELECT rowid AS id, bm25(articles_fts, 4.0, 1.0) AS score
  FROM articles_fts
  WHERE {_WHERE}
  ORDER BY rowid DESC
  LIMIT {int(cap)}
"""


def search_sql(cap: int = RANK_CAP) -> str:
    """The search as one query. FTS5 hands the matches over newest-indexed first (ORDER BY rowid
    DESC: no sort), bm25 scores at most `cap` of them, and the best :limit are kept. A word in
    more than `cap` articles (工会 in half of a million) is ranked among its `cap` most recently
    indexed matches, each with the score the full ranking gives it: scoring all of them costs
    ~1 µs a match, half a second at a million articles. Up to `cap` matches (every word of a
    corpus of up to ~100,000 articles) the ranking is the full one."""
    return f"""\
WITH scored AS (
{_scored(cap)}), hits AS (
  SELECT id, score FROM scored
  ORDER BY score, id
  LIMIT coalesce(nullif(:limit, ''), 20)
)
SELECT a.published_at, a.source, a.title, workercrawl_snippet(a.body, :q) AS snippet,
       a.url, a.site, a.channel, hits.score
FROM hits
JOIN article_search AS s ON s.id = hits.id
JOIN articles AS a ON a.url = s.url
ORDER BY hits.score, hits.id"""


SEARCH_SQL = search_sql()

# Newest first (`workercrawl search --newest`, Store.search(order="newest")): the same matches,
# by published_at (then by id, the order rows were indexed), undated articles last. Two plans
# give the same rows, chosen by how many articles the query finds (run_search counts up to
# _newest_few, which costs little: FTS5 reads rowids without scoring):
# - few matches: every match joined to its date (from the narrow (id, published_at) index of
#   schema.py 0009, not the wide segmented row) and sorted (cost grows with the matches);
# - many: walk article_search by date, newest first (its published_at index), and probe the
#   index for each row by rowid until :limit match (cost grows with articles / matches).
# Neither scores anything: bm25 over half a million matches is what makes relevance slow.
_DATES = """(coalesce(:since, '') = '' OR s.published_at >= :since)
    AND (coalesce(:until, '') = '' OR s.published_at < :until || '~')"""
_PHRASES = """(workercrawl_phrases(:q) = 0
         OR (SELECT workercrawl_phrases_in(:q, a.pretitle, a.title, a.subtitle, a.body)
             FROM articles AS a WHERE a.url = s.url))"""
_PHRASES_BY_ID = """(workercrawl_phrases(:q) = 0
         OR (SELECT workercrawl_phrases_in(:q, a.pretitle, a.title, a.subtitle, a.body)
             FROM article_search AS t JOIN articles AS a ON a.url = t.url WHERE t.id = s.id))"""
_NEWEST_SELECT = """SELECT a.published_at, a.source, a.title, workercrawl_snippet(a.body, :q) AS snippet,
       a.url, a.site, a.channel, NULL AS score
FROM hits
JOIN article_search AS s ON s.id = hits.id
JOIN articles AS a ON a.url = s.url
ORDER BY hits.published_at IS NULL, hits.published_at DESC, hits.id DESC"""
NEWEST_FEW_SQL = f"""\
WITH hits AS (
  SELECT s.id, s.published_at
  FROM articles_fts
  CROSS JOIN article_search AS s INDEXED BY idx_article_search_id_published_at ON s.id = articles_fts.rowid
  WHERE articles_fts MATCH workercrawl_match(:q) AND {_DATES} AND {_PHRASES_BY_ID}
  ORDER BY s.published_at IS NULL, s.published_at DESC, s.id DESC
  LIMIT coalesce(nullif(:limit, ''), 20)
)
{_NEWEST_SELECT}"""
NEWEST_MANY_SQL = f"""\
WITH hits AS (
  SELECT s.id, s.published_at
  FROM article_search AS s INDEXED BY idx_article_search_published_at
  WHERE {_DATES}
    AND EXISTS (SELECT 1 FROM articles_fts WHERE articles_fts MATCH workercrawl_match(:q) AND articles_fts.rowid = s.id)
    AND {_PHRASES}
  ORDER BY s.published_at DESC, s.id DESC
  LIMIT coalesce(nullif(:limit, ''), 20)
)
{_NEWEST_SELECT}"""
# Undated articles come last; the walk above reaches them last too (NULL sorts lowest), so the
# two plans agree. Which is cheaper: sorting m matches costs ~1.3 µs each; the walk probes about
# limit × articles / m rows at ~30 µs each (bench/store.py --scale, a million articles). They cost
# the same at m = sqrt(limit × articles × NEWEST_PROBE_COST): 22,000 matches for the top 20 of a
# million (~30 ms either way), fewer in a smaller corpus. NEWEST_FEW (tests) overrides.
NEWEST_PROBE_COST = 25
NEWEST_FEW: int | None = None


def _newest_few(db, limit: int) -> int:
    if NEWEST_FEW is not None:
        return NEWEST_FEW
    articles = db.execute("SELECT coalesce(max(id), 0) FROM article_search").fetchone()[0]
    return max(1000, int(math.sqrt(max(1, limit) * articles * NEWEST_PROBE_COST)))


_FEW_COUNT_SQL = """SELECT count(*) FROM (SELECT 1 FROM articles_fts WHERE articles_fts MATCH workercrawl_match(:q)
LIMIT :cap)"""
ORDERS = ("relevance", "newest")

# How many articles the search finds (SEARCH_SQL shows the best :limit of them).
COUNT_SQL = f"""\
SELECT count(*) AS matches
FROM articles_fts
WHERE {_WHERE}"""

# --stories: one hit per story (its best-scoring copy), with how many copies the story has. The
# matches are scored as in search_sql (at most RANK_CAP, the most recently indexed), then
# collapsed: the window over every scored match is the price of collapsing, paid only when asked.
def story_search_sql(order: str = "relevance", cap: int = RANK_CAP) -> str:
    ordering = "r.score, r.id" if order == "relevance" else \
        "a.published_at IS NULL, a.published_at DESC, r.id DESC"
    return f"""\
WITH hits AS (
{_scored(cap)}), ranked AS (
  SELECT a.url, hits.id, hits.score, a.story_id,
         row_number() OVER (PARTITION BY coalesce(a.story_id, -s.id) ORDER BY hits.score, a.url) AS rank
  FROM hits
  JOIN article_search AS s ON s.id = hits.id
  JOIN articles AS a ON a.url = s.url
)
SELECT a.published_at, a.source, a.title, workercrawl_snippet(a.body, :q) AS snippet,
       a.url, a.site, a.channel, r.score, r.story_id, coalesce(st.copies, 1) AS copies
FROM ranked AS r
JOIN articles AS a ON a.url = r.url
LEFT JOIN stories AS st ON st.id = r.story_id
WHERE r.rank = 1
ORDER BY {ordering}
LIMIT coalesce(nullif(:limit, ''), 20)"""


STORY_SEARCH_SQL = story_search_sql("relevance")
STORY_NEWEST_SQL = story_search_sql("newest")

# The matches first (_WHERE's bare `rowid` is the index's alone), then their stories.
STORY_COUNT_SQL = f"""\
SELECT count(DISTINCT coalesce(a.story_id, -s.id)) AS matches
FROM (SELECT rowid AS id FROM articles_fts WHERE {_WHERE}) AS m
JOIN article_search AS s ON s.id = m.id
JOIN articles AS a ON a.url = s.url"""

_UPSERT = """INSERT INTO article_search (url, published_at, title, body) VALUES (?, ?, ?, ?)
ON CONFLICT (url) DO UPDATE SET published_at = excluded.published_at, title = excluded.title,
body = excluded.body"""


# -- segmentation ----------------------------------------------------------------------------

def tokenizer():
    """One jieba tokenizer per process, initialised on first use.

    rjieba (jieba-rs): jieba's own dictionary and HMM, the same cut as the Python jieba (checked
    on the corpus, see _words), at a tenth of its CPU and half its memory. A private instance, not rjieba's global one: a word
    added elsewhere in the process must not make queries segment differently from stored rows.
    """
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                import rjieba

                _tokenizer = rjieba.Jieba()
    return _tokenizer


def _words(tok, text: str | None) -> list[str]:
    """The precise cut without punctuation. jieba-rs keeps "2023-2025" and "COVID-19" whole
    where jieba splits them: split them the same way (as FTS5's unicode61 would anyway)."""
    out = []
    for word in tok.cut(text or ""):
        if "-" in word and len(word) > 1:
            out += [part for part in _HYPHENS.split(word) if _WORD.search(part)]
        elif _WORD.search(word):
            out.append(word)
    return out


def tokens(text: str) -> list[str]:
    """The indexed words of text: jieba's cut_for_search, generalised.

    Each word of the precise cut, preceded by every dictionary word inside it (shortest
    first): 全国总工会 → 全国 总工 工会 总工会 全国总工会. cut_for_search stops at sub-words of
    2 and 3 characters; going on makes 4-character words findable inside longer ones.
    Punctuation and whitespace are dropped.
    """
    out = []
    for word in _words(tokenizer(), text):
        if len(word) > 2:
            out += _inside(word)
        out.append(word)
    return out


@functools.lru_cache(maxsize=1 << 16)
def _inside(word: str) -> tuple[str, ...]:
    """The dictionary words inside word, shortest first (news repeats its words: cached)."""
    tok, n = tokenizer(), len(word)
    # cut_all lists the candidates in text order; has_word keeps dictionary words only
    return tuple(sorted((w for w in tok.cut_all(word) if 2 <= len(w) < n and tok.has_word(w)), key=len))


def segment(text: str) -> str:
    """The indexed form of text: its tokens joined by spaces."""
    return " ".join(tokens(text))


def segment_all(texts: list[str]) -> list[str]:
    """The default segmenter of the store (a process pool can stand in for bulk loads)."""
    return [segment(t) for t in texts]


# -- queries: the syntax ------------------------------------------------------------------------
#
# One parser (parse_query) serves `workercrawl search` (Store.search → run_search) and SQL
# (workercrawl_match, workercrawl_phrases, workercrawl_phrases_in in SEARCH_SQL), so a query
# means the same in the terminal and in datasette:
#
#   工会 农民工        space-separated parts must all match (AND; the word AND may be typed)
#   农民工 OR 民工     either part; OR joins the two parts beside it: 工会 农民工 OR 民工 is
#                      工会 and (农民工 or 民工)
#   工会 -职工         - before a part, or NOT before it, excludes the articles it matches
#   "职工权益"         an exact phrase: these characters in this order (spaces and case aside);
#                      “中文引号” too; an unclosed quote runs to the end of the query
#
# A plain part keeps the segmentation semantics above: one word matches that word (工会 finds
# 全国总工会, not 化工会议), several words typed together must stand together (NEAR). A phrase
# is searched as a plain part, then kept only where the original title or body has it
# character for character (workercrawl_phrases_in). Operators are upper case; or, not, and
# are words. Every word reaches FTS5 quoted, so nothing the user types is FTS5 syntax; NEAR
# and parentheses, FTS5 syntax this one lacks, are refused with a message rather than
# searched as words.

# Bounds on a query: FTS5 NEAR over many words costs about the square of the query's length
# (800 characters took 8 s, 6,000 over a minute). Real queries are a few words.
MAX_QUERY_CHARS = 200
MAX_QUERY_WORDS = 24

QUOTES = '"“”＂'
MINUS = "-－"
OPERATORS = ("OR", "NOT", "AND")
_NEEDS = {
    "OR": "OR needs a word or phrase on each side, and cannot join an exclusion (农民工 OR 民工)",
    "NOT": "NOT needs a word or phrase after it (工会 NOT 职工)",
}
_ONLY_EXCLUSIONS = ("add at least one word to search for: - and NOT only exclude articles from those "
                    "the other words find (工会 -职工)")
_NEAR = ("NEAR is not an operator here: words typed together already stand together (技能竞赛); "
         'to search for the word, quote it: "NEAR"')
_PARENTHESES = ("parentheses are not supported: OR joins the two parts beside it (工会 农民工 OR 民工 is "
                '工会 and either of the others); to search for text with them, quote it: "…"')


class BadQuery(ValueError):
    """A query that cannot be searched; the message says why and what to type instead."""


class QueryTooLong(BadQuery):
    """A search query beyond MAX_QUERY_CHARS characters or MAX_QUERY_WORDS words."""


def _quote(phrase: str) -> str:
    return '"' + phrase.replace('"', '""') + '"'


def _normal(text: str | None) -> str:
    """Text as a phrase is compared: whitespace runs as one space, case folded."""
    return " ".join((text or "").split()).casefold()


@dataclass(frozen=True)
class Term:
    """One part of a query: a word or words typed together, or a quoted phrase."""

    text: str
    phrase: bool = False

    @functools.cached_property
    def words(self) -> tuple[str, ...]:
        """jieba's precise cut, punctuation dropped."""
        return tuple(_words(tokenizer(), self.text))

    @functools.cached_property
    def literal(self) -> bool:
        """A phrase that must be checked character by character: more than its one word
        (several words, punctuation). "工会" is just the word 工会."""
        return self.phrase and not (len(self.words) == 1 and _normal(self.text) == self.words[0].casefold())

    @functools.cached_property
    def needles(self) -> tuple[tuple[str, bool], ...]:
        """What the phrase check looks for in the text: the phrase (normalized), or each word,
        each with whether it can be looked for as it is (no whitespace, no letter case: Chinese)."""
        wanted = [_normal(self.text)] if self.literal else [w.casefold() for w in self.words]
        return tuple((w, not any(c.isspace() for c in w) and w.upper() == w) for w in wanted)

    @functools.cached_property
    def expression(self) -> str:
        """The FTS5 expression. One word: that token (every dictionary word is indexed, inside
        longer words too). Several words typed together (技能竞赛 → 技能|竞赛, 开展劳动竞赛 →
        开展|劳动竞赛) must stand together: NEAR, leaving room for the sub-words stored before
        each word, the words in the middle, and two tokens per joint where the text's own
        segmentation differs (女职工权益: 女职工 is stored between 职工 and 权益)."""
        words = self.words
        if len(words) == 1:
            return _quote(words[0])
        room = sum(len(tokens(w)) - 1 for w in words[1:]) + (len(words) - 2) + 2 * (len(words) - 1)
        return "NEAR(" + " ".join(_quote(w) for w in words) + f", {room})"


def _any_of(terms) -> str:
    expressions = list(dict.fromkeys(t.expression for t in terms))
    return expressions[0] if len(expressions) == 1 else "(" + " OR ".join(expressions) + ")"


@dataclass(frozen=True)
class Query:
    """A parsed query: every group must match (AND), one term of a group is enough (OR); no
    excluded term may match."""

    groups: tuple[tuple[Term, ...], ...]
    excluded: tuple[Term, ...]

    @property
    def terms(self) -> tuple[Term, ...]:
        return tuple(t for group in self.groups for t in group) + self.excluded

    @functools.cached_property
    def match(self) -> str:
        """The FTS5 MATCH expression ("" when there is nothing to search for). Excluded
        phrases are left to the phrase check: FTS5 cannot tell a phrase from its words."""
        ands = list(dict.fromkeys(_any_of(group) for group in self.groups))
        if not ands:
            return ""
        positive = " AND ".join(ands)
        nots = [t for t in self.excluded if not t.literal]
        if not nots:
            return positive
        return f"{'(' + positive + ')' if len(ands) > 1 else positive} NOT {_any_of(nots)}"

    @functools.cached_property
    def phrases(self) -> int:
        """How many phrases need the check against the original text."""
        return sum(t.literal for t in self.terms)


def _lex(query: str):
    """(text, phrase, minus) for each part: whitespace separates parts, a quote opens a phrase
    that the next quote (or the end) closes, a - glued to a part marks an exclusion."""
    i, n = 0, len(query)
    while i < n:
        if query[i].isspace():
            i += 1
            continue
        minus = query[i] in MINUS and i + 1 < n and not query[i + 1].isspace()
        i += minus
        if query[i] in QUOTES:
            end = i + 1
            while end < n and query[end] not in QUOTES:
                end += 1
            yield query[i + 1:end], True, minus
            i = end + 1
            continue
        end = i
        while end < n and not query[end].isspace() and query[end] not in QUOTES:
            end += 1
        yield query[i:end], False, minus
        i = end


@functools.lru_cache(maxsize=256)
def parse_query(query: str) -> Query:
    """The query's groups and exclusions, or BadQuery with a message a person can act on."""
    groups: list[list[Term]] = []
    excluded: list[Term] = []
    pending = None  # "OR" or "NOT", waiting for its part
    joinable = False  # the last part was an included one: OR may follow
    for text, phrase, minus in _lex(query or ""):
        if not phrase:
            if not minus and text in OPERATORS:
                if pending or (text == "OR" and not joinable):
                    raise BadQuery(_NEEDS[pending or text])
                if text == "AND":
                    joinable = False
                else:
                    pending = text
                continue
            if not minus and text == "NEAR":
                raise BadQuery(_NEAR)
            if "(" in text or ")" in text:
                raise BadQuery(_PARENTHESES)
        term = Term(text, phrase)
        if not term.words:  # punctuation only: nothing to search for
            continue
        if minus or pending == "NOT":
            if pending == "OR":
                raise BadQuery(_NEEDS["OR"])
            excluded.append(term)
            joinable = False
        else:
            if pending == "OR":
                groups[-1].append(term)
            else:
                groups.append([term])
            joinable = True
        pending = None
    if pending:
        raise BadQuery(_NEEDS[pending])
    if excluded and not groups:
        raise BadQuery(_ONLY_EXCLUSIONS)
    return Query(tuple(tuple(g) for g in groups), tuple(excluded))


def check_query(query: str) -> str:
    """The query (stripped), or BadQuery: QueryTooLong, or a syntax error."""
    text = (query or "").strip()
    if len(text) > MAX_QUERY_CHARS:
        raise QueryTooLong(f"the query is {len(text)} characters long; search takes at most {MAX_QUERY_CHARS} "
                           "(a few words: 工会 农民工 欠薪)")
    words = sum(len(t.words) for t in parse_query(text).terms)
    if words > MAX_QUERY_WORDS:
        raise QueryTooLong(f"the query has {words} words; search takes at most {MAX_QUERY_WORDS}")
    return text


def fts_query(query: str) -> str:
    """The FTS5 MATCH expression of a query ("" when it has no word); BadQuery if it is wrong."""
    return parse_query(query).match


def match_expression(query: str) -> str:
    """fts_query of a checked query; a query without words becomes an expression that matches
    nothing. BadQuery (QueryTooLong, a syntax error) if the query cannot be searched."""
    return fts_query(check_query(query)) or '""'


def _sql_match(query: str) -> str:
    """workercrawl_match(q): match_expression, a bad query made an SQL error that carries its
    message. A Python function's exception reaches SQL as 'user-defined function raised
    exception' only; an FTS5 column filter on a column named after the message makes FTS5 say
    'no such column: add at least one word to search for …' — in datasette too."""
    try:
        return match_expression(query)
    except BadQuery as exc:
        return _quote(str(exc)) + ' : ""'


def phrase_count(query: str) -> int:
    """workercrawl_phrases(q): how many phrases of the query need the check (0: none, or a bad
    query, which workercrawl_match reports)."""
    try:
        return parse_query(query).phrases
    except BadQuery:
        return 0


def _contained(wanted: str, as_is: bool, texts: list[str | None], normal: list[str]) -> bool:
    """wanted (normalized) in one of texts, compared as _normal does; as_is: no need to
    normalize the texts (most phrases: Chinese, no space)."""
    if as_is:
        return any(wanted in text for text in texts if text)
    if not normal:
        normal.extend(_normal(text) for text in texts)
    return any(wanted in text for text in normal)


def phrases_in(query: str, pretitle: str | None, title: str | None, subtitle: str | None, body: str | None) -> int:
    """workercrawl_phrases_in(q, pretitle, title, subtitle, body): 1 if an article that MATCH
    found also has the query's phrases, character for character, in its title (with 引题/副题)
    or body, and none of its excluded phrases.

    A group with a phrase ("职工权益" OR 农民工) holds if one of its terms does: a phrase as
    text, another term by its words appearing in the text. MATCH found the row through one of
    the terms, so this never drops a row the query wants; it keeps a wrong one only when the
    phrase's words stand near each other, not as the phrase, and the other term's characters
    appear without being its words (工会 inside 化工会议)."""
    try:
        parsed = parse_query(query)
    except BadQuery:
        return 0
    texts = [pretitle, title, subtitle, body]
    normal: list[str] = []

    def holds(term: Term) -> bool:
        return all(_contained(wanted, as_is, texts, normal) for wanted, as_is in term.needles)

    for group in parsed.groups:
        if any(t.literal for t in group) and not any(holds(t) for t in group):
            return 0
    return int(not any(holds(t) for t in parsed.excluded if t.literal))


@functools.lru_cache(maxsize=256)
def _shown(query: str) -> tuple[str, ...]:
    """What a snippet marks: the included phrases (as typed) and words."""
    try:
        included = [t for group in parse_query(query).groups for t in group]
    except BadQuery:
        return ()
    return tuple(" ".join(t.text.split()) for t in included if t.literal) + tuple(
        w for t in included for w in t.words)


def query_words(query: str) -> tuple[str, ...]:
    """The words of a query's included parts (not of its exclusions)."""
    try:
        return tuple(w for group in parse_query(query).groups for t in group for w in t.words)
    except BadQuery:
        return ()


def snippet(body: str | None, query: str, width: int = 60, before: int = 18) -> str:
    """A window of the original body around the first query word or phrase, matches in [brackets]."""
    text = " ".join((body or "").split())
    words = _shown(query)
    if not text or not words:
        return text[:width] + ("…" if len(text) > width else "")
    candidates = sorted(set(words), key=len, reverse=True)
    found = [(text.find(w), w) for w in candidates if w in text]
    if not found:  # matched through sub-words: show where they are
        parts = sorted({t for w in words for t in tokens(w) if len(t) > 1}, key=len, reverse=True)
        found = [(text.find(p), p) for p in parts if p in text]
        candidates = parts
    start = max(0, min(found)[0] - before) if found else 0
    window = text[start:start + width]
    if found:
        pattern = re.compile("|".join(re.escape(w) for w in candidates))
        window = pattern.sub(lambda m: f"[{m.group(0)}]", window)
    return ("…" if start else "") + window + ("…" if start + width < len(text) else "")


def register_functions(conn) -> None:
    """The SQL functions of SEARCH_SQL on a sqlite3 connection: workercrawl_match(q),
    workercrawl_snippet(body, q), workercrawl_phrases(q), workercrawl_phrases_in(q, …)."""
    conn.create_function("workercrawl_match", 1, _sql_match, deterministic=True)
    conn.create_function("workercrawl_snippet", 2, snippet, deterministic=True)
    conn.create_function("workercrawl_phrases", 1, phrase_count, deterministic=True)
    conn.create_function("workercrawl_phrases_in", 5, phrases_in, deterministic=True)


# -- keeping the shadow rows ---------------------------------------------------------------------

Segmenter = Callable[[list[str]], list[str]]


def _title(row: dict) -> str:
    return " ".join(part for part in (row.get("pretitle"), row.get("title"), row.get("subtitle")) if part)


def indexed_texts(article: dict) -> tuple[str, str]:
    """The two texts of an article (or article row) that `write` segments: title, body."""
    return _title(article), article.get("body") or ""


def write(db, articles: list[dict], segmenter: Segmenter = segment_all) -> int:
    """Upsert the shadow rows of these article rows (within the caller's transaction)."""
    if not articles:
        return 0
    texts = segmenter([text for row in articles for text in indexed_texts(row)])
    params = [
        (row["url"], row.get("published_at"), texts[2 * i], texts[2 * i + 1])
        for i, row in enumerate(articles)
    ]
    db.conn.executemany(_UPSERT, params)
    return len(params)


def index_missing(db, articles: list[dict], segmenter: Segmenter = segment_all) -> int:
    """Index those of the just-written article rows that have no shadow row: new ones, and
    those whose text changed (the stale trigger deleted their row)."""
    urls = list({row["url"] for row in articles})
    marks = ",".join("?" * len(urls))
    present = {r[0] for r in db.execute(f"SELECT url FROM article_search WHERE url IN ({marks})", urls)}
    latest = {row["url"]: row for row in articles}
    return write(db, [row for url, row in latest.items() if url not in present], segmenter)


def reindex(db, segmenter: Segmenter = segment_all, *, everything: bool = False, chunk: int = 500) -> int:
    """Segment articles that have no shadow row (all of them with everything=True)."""
    if everything:
        db.execute("DELETE FROM article_search")
    done, after = 0, ""
    while True:
        batch = [dict(r) for r in db.query(
            "SELECT url, title, pretitle, subtitle, body, published_at FROM articles a "
            "WHERE url > ? AND NOT EXISTS (SELECT 1 FROM article_search s WHERE s.url = a.url) "
            "ORDER BY url LIMIT ?", [after, chunk])]
        if not batch:
            return done
        done += write(db, batch, segmenter)
        after = batch[-1]["url"]
        logger.info("indexed %d articles for search", done)


# -- running a search ------------------------------------------------------------------------------

def _params(query: str, since: str | None, until: str | None, limit: int | None = None) -> dict:
    return {"q": query, "since": since or "", "until": until or "", "limit": limit}


def run_search(db, query: str, limit: int, since: str | None, until: str | None = None,
               order: str = "relevance", by_story: bool = False) -> list[dict]:
    """order: "relevance" (bm25) or "newest"; by_story: one hit per story (its best copy),
    with story_id and copies, in that order."""
    query = check_query(query)
    if not fts_query(query):
        return []
    params = _params(query, since, until, limit)
    if order not in ORDERS:
        raise ValueError(f"order must be one of {', '.join(ORDERS)}, not {order!r}")
    if by_story:
        sql = STORY_SEARCH_SQL if order == "relevance" else STORY_NEWEST_SQL
    elif order == "relevance":
        sql = SEARCH_SQL
    else:
        sql = NEWEST_MANY_SQL if _more_than(db, query, _newest_few(db, limit)) else NEWEST_FEW_SQL
    return [dict(r) for r in db.query(sql, params)]


def _more_than(db, query: str, n: int) -> bool:
    """Whether MATCH alone finds more than n articles (counts at most n + 1 rowids, unscored)."""
    return db.execute(_FEW_COUNT_SQL, {"q": query, "cap": n + 1}).fetchone()[0] > n


def count_matches(db, query: str, since: str | None = None, until: str | None = None,
                  by_story: bool = False) -> int:
    """How many articles (by_story: stories) the query finds (run_search returns the best `limit`)."""
    query = check_query(query)
    if not fts_query(query):
        return 0
    return db.execute(STORY_COUNT_SQL if by_story else COUNT_SQL, _params(query, since, until)).fetchone()[0]
