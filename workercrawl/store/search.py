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
import re
import threading
from typing import Callable

logger = logging.getLogger(__name__)

_WORD = re.compile(r"\w")  # a token worth indexing has a letter or digit (Han characters are letters)
_HYPHENS = re.compile(r"-+")
_lock = threading.Lock()
_tokenizer = None

# The search, as one query. bm25(articles_fts, 4.0, 1.0): a hit in the title weighs as much as
# four in the body. ORDER BY bm25(…) LIMIT n (not ORDER BY rank) lets SQLite keep only the
# best n while scoring: a third faster on words that half the articles contain.
# workercrawl_match(:q) segments the query (see fts_query) and workercrawl_snippet(body, :q)
# cuts a snippet from the original body: both are registered on the store's connection and,
# through the datasette plugin, in datasette. The tables and triggers: schema.py, 0004_search.
SEARCH_SQL = """\
WITH hits AS (
  SELECT rowid AS id, bm25(articles_fts, 4.0, 1.0) AS score
  FROM articles_fts
  WHERE articles_fts MATCH workercrawl_match(:q)
    AND (coalesce(:since, '') = ''
         OR rowid IN (SELECT id FROM article_search WHERE published_at >= :since))
  ORDER BY score
  LIMIT coalesce(nullif(:limit, ''), 20)
)
SELECT a.published_at, a.source, a.title, workercrawl_snippet(a.body, :q) AS snippet,
       a.url, a.site, a.channel, hits.score
FROM hits
JOIN article_search AS s ON s.id = hits.id
JOIN articles AS a ON a.url = s.url
ORDER BY hits.score"""

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
    tok = tokenizer()
    out = []
    for word in _words(tok, text):
        n = len(word)
        if n > 2:
            # cut_all lists the candidates in text order; has_word keeps dictionary words only
            inside = [w for w in tok.cut_all(word) if 2 <= len(w) < n and tok.has_word(w)]
            out += sorted(inside, key=len)
        out.append(word)
    return out


def segment(text: str) -> str:
    """The indexed form of text: its tokens joined by spaces."""
    return " ".join(tokens(text))


def segment_all(texts: list[str]) -> list[str]:
    """The default segmenter of the store (a process pool can stand in for bulk loads)."""
    return [segment(t) for t in texts]


def _quote(phrase: str) -> str:
    return '"' + phrase.replace('"', '""') + '"'


@functools.lru_cache(maxsize=256)
def query_words(query: str) -> tuple[str, ...]:
    """The words of a query: jieba's precise cut of each space-separated part."""
    tok = tokenizer()
    return tuple(w for part in (query or "").split() for w in _words(tok, part))


def _part_term(part: str) -> str | None:
    """One space-separated part of a query.

    One word: that token (every dictionary word is indexed, inside longer words too). Several
    words typed together (技能竞赛 → 技能|竞赛, 开展劳动竞赛 → 开展|劳动竞赛) must stand
    together: NEAR, leaving room for the sub-words stored before each word, the words in the
    middle, and two tokens per joint where the text's own segmentation differs (女职工权益:
    女职工 is stored between 职工 and 权益).
    """
    words = _words(tokenizer(), part)
    if len(words) <= 1:
        return _quote(words[0]) if words else None
    room = sum(len(tokens(w)) - 1 for w in words[1:]) + (len(words) - 2) + 2 * (len(words) - 1)
    return "NEAR(" + " ".join(_quote(w) for w in words) + f", {room})"


@functools.lru_cache(maxsize=256)
def fts_query(query: str) -> str:
    """An FTS5 MATCH expression for a user query: every space-separated part must match (AND).

    Users' quotes and operators are taken as text. Returns "" when the query has no word.
    """
    terms = []
    for part in (query or "").split():
        term = _part_term(part)
        if term and term not in terms:
            terms.append(term)
    return " AND ".join(terms)


def match_expression(query: str) -> str:
    """fts_query for SQL: a query without words becomes an expression that matches nothing;
    an overlong query raises QueryTooLong (an SQL error with that message in datasette)."""
    return fts_query(check_query(query)) or '""'


def snippet(body: str | None, query: str, width: int = 60, before: int = 18) -> str:
    """A window of the original body around the first query word, matches in [brackets]."""
    text = " ".join((body or "").split())
    words = query_words(query)
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
    """workercrawl_match(q) and workercrawl_snippet(body, q) on a sqlite3 connection."""
    conn.create_function("workercrawl_match", 1, match_expression, deterministic=True)
    conn.create_function("workercrawl_snippet", 2, snippet, deterministic=True)


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


# Bounds on a query: FTS5 NEAR over many words costs about the square of the query's length
# (800 characters took 8 s, 6,000 over a minute). Real queries are a few words.
MAX_QUERY_CHARS = 200
MAX_QUERY_WORDS = 24


class QueryTooLong(ValueError):
    """A search query beyond MAX_QUERY_CHARS characters or MAX_QUERY_WORDS words."""


def check_query(query: str) -> str:
    """The query, or QueryTooLong with a message a person can act on."""
    text = (query or "").strip()
    if len(text) > MAX_QUERY_CHARS:
        raise QueryTooLong(f"the query is {len(text)} characters long; search takes at most {MAX_QUERY_CHARS} "
                           "(a few words: 工会 农民工 欠薪)")
    words = query_words(text)
    if len(words) > MAX_QUERY_WORDS:
        raise QueryTooLong(f"the query has {len(words)} words; search takes at most {MAX_QUERY_WORDS}")
    return text


def run_search(db, query: str, limit: int, since: str | None) -> list[dict]:
    query = check_query(query)
    if not fts_query(query):
        return []
    return [dict(r) for r in db.query(SEARCH_SQL, {"q": query, "since": since or "", "limit": limit})]
