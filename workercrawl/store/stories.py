"""Stories: the same report on several papers and sites, grouped.

A 工人日报 report reappears on 中工网, people.cn and provincial union sites with another
template, a new headline, trimmed paragraphs or an editor's note. Each such copy is its own
articles row (a different URL, often a different site); `articles.story_id` groups them, and
`articles.duplicate_of` names the story's original: the earliest published copy (ties: the
copy whose site is the paper named as 来源, then the first seen).

How copies are found (chosen by measurement, bench/stories.py, docs/benchmarks.md):
MinHash over character 5-shingles of the clean body (punctuation and spaces dropped), 64
hash functions, LSH in 16 bands of 4 rows. Each band's hash is one row of `story_bands`, keyed by hash: an article's
candidates are one indexed lookup (16 keys, the newest PER_KEY rows of each), never a scan. A candidate is a copy when the estimated containment of the
shorter body in the longer is at least CONTAINMENT, the shorter is at least LENGTH_RATIO of
the longer (an e-paper 导读 snippet of a report is not a copy of it), and at least SENTENCES
of the shorter's text is in sentences the longer has verbatim (a trimmed copy, one with an
editor's note: yes; two cities' 送温暖 reports from one template: no).

Not the same thing as aliases (aliases.py): an alias is another URL of one page on one host
and never gets its own row; a copy is another article, kept, grouped into a story.
"""

from __future__ import annotations

import hashlib
import re

import numpy as np

SHINGLE = 5            # characters per shingle
PERMUTATIONS = 64      # MinHash functions
BANDS, ROWS = 16, 4    # LSH: candidate when one band of 4 minima agrees (J≈0.5: 1 in 2 chance per band)
CONTAINMENT = 0.6      # estimated |A∩B| / min(|A|, |B|) of a candidate (MinHash: cheap, first)
LENGTH_RATIO = 0.45    # min(|A|, |B|) / max(|A|, |B|) of a copy
SENTENCES = 0.8        # share of the shorter body's characters in sentences the longer has verbatim
PER_KEY = 8            # band entries read per key, newest first: a template's hot bands stay bounded
VERIFIED = 6           # candidates verified at most, those sharing the most bands first
_SEED = 20240501
_rng = np.random.default_rng(_SEED)
_A = (_rng.integers(1, 2**63, PERMUTATIONS, dtype=np.uint64) << np.uint64(1)) | np.uint64(1)
_B = _rng.integers(0, 2**63, PERMUTATIONS, dtype=np.uint64)
_BASE = np.uint64(1099511628211)
_POWERS = np.array([int(_BASE) ** i % 2**64 for i in range(SHINGLE)], dtype=np.uint64)
_DROP = re.compile(r"[\W_]+", re.UNICODE)
_SENTENCE = re.compile(r"[。！？!?；;\n]+")


def sentences(body: str) -> dict[str, int]:
    """{normalized sentence: its length} of a body."""
    found = {}
    for part in _SENTENCE.split(body or ""):
        text = _DROP.sub("", part)
        if text:
            found[text] = len(text)
    return found


def sentence_containment(a: str, b: str) -> float:
    """Share of the shorter body's characters in sentences the longer one has verbatim: a
    trimmed or annotated copy keeps its sentences; a template filled with other names, places
    and numbers changes most of them (shingles alone cannot tell the two apart)."""
    sa, sb = sentences(a), sentences(b)
    short, long_ = (sa, sb) if sum(sa.values()) <= sum(sb.values()) else (sb, sa)
    total = sum(short.values())
    return sum(n for text, n in short.items() if text in long_) / total if total else 0.0


def shingle_hashes(body: str) -> np.ndarray:
    """Distinct 64-bit hashes of the character 5-shingles of the body, punctuation and spaces
    dropped (a template's spacing or full-width punctuation changes nothing)."""
    text = _DROP.sub("", body or "")
    if len(text) < SHINGLE:
        return np.zeros(0, dtype=np.uint64) if not text else np.array([hash_text(text)], dtype=np.uint64)
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    n = len(codes) - SHINGLE + 1
    hashes = np.zeros(n, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for i in range(SHINGLE):
            hashes += codes[i:i + n] * _POWERS[i]
    return np.unique(hashes)


def hash_text(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "little")


def signature(body: str) -> tuple[np.ndarray, int] | None:
    """(MinHash signature: PERMUTATIONS uint32, number of shingles), or None for an empty body."""
    hashes = shingle_hashes(body)
    if not len(hashes):
        return None
    with np.errstate(over="ignore"):
        mixed = (hashes[:, None] * _A[None, :] + _B[None, :]) >> np.uint64(32)
    return mixed.min(axis=0).astype(np.uint32), len(hashes)


def band_keys(sig: np.ndarray) -> list[int]:
    """One signed 64-bit key per band (the band number is part of the key)."""
    keys = []
    for band in range(BANDS):
        chunk = bytes([band]) + sig[band * ROWS:(band + 1) * ROWS].tobytes()
        keys.append(int.from_bytes(hashlib.blake2b(chunk, digest_size=8).digest(), "little", signed=True))
    return keys


def similarity(a: np.ndarray, na: int, b: np.ndarray, nb: int) -> tuple[float, float, float]:
    """(estimated Jaccard, containment of the shorter in the longer, length ratio)."""
    jaccard = float(np.count_nonzero(a == b)) / len(a)
    inter = jaccard * (na + nb) / (1 + jaccard)
    return jaccard, inter / min(na, nb), min(na, nb) / max(na, nb)


def choose(sig: np.ndarray, n: int, body: str, candidates) -> int | None:
    """The story of the best candidate that is a copy: candidates are (signature, shingles,
    story, a function returning its body); MinHash first, the sentence check on the survivors."""
    scored = []
    for other, m, story, get_body in candidates:
        jaccard, containment, ratio = similarity(sig, n, other, m)
        if containment >= CONTAINMENT and ratio >= LENGTH_RATIO:
            scored.append((-jaccard, story, get_body))
    for _, story, get_body in sorted(scored, key=lambda s: s[0]):
        if sentence_containment(body, get_body()) >= SENTENCES:
            return story
    return None


class MemoryIndex:
    """The same assignment in memory (the benchmark; the store keeps it in SQLite)."""

    def __init__(self):
        self.bands: dict[int, list[int]] = {}
        self.items: list[tuple[np.ndarray, int, int, str]] = []  # (signature, shingles, story, body)
        self.stories = 0

    def add(self, body: str) -> int:
        found = signature(body)
        if found is None:
            self.stories += 1
            self.items.append((None, 0, self.stories, body))
            return self.stories
        sig, n = found
        keys = band_keys(sig)
        shared: dict[int, int] = {}
        for key in keys:
            for item in self.bands.get(key, ())[-PER_KEY:]:
                shared[item] = shared.get(item, 0) + 1
        candidates = [(item, self.items[item]) for item in sorted(shared, key=lambda i: (-shared[i], -i))[:VERIFIED]]
        story = choose(sig, n, body, [(s, m, other_story, (lambda b=b: b)) for _, (s, m, other_story, b) in candidates])
        if story is None:
            self.stories += 1
            story = self.stories
        index = len(self.items)
        self.items.append((sig, n, story, body))
        for key in keys:
            self.bands.setdefault(key, []).append(index)
        return story


# -- in the store -------------------------------------------------------------------------------

def _sig_blob(sig: np.ndarray) -> bytes:
    return sig.astype("<u4").tobytes()


def _blob_sig(blob: bytes) -> np.ndarray:
    return np.frombuffer(blob, dtype="<u4")


def _is_source_site(site: str | None, source: str | None) -> bool:
    return bool(site and source and (site == source or site in source or source in site))


# The LSH index. Bands point at signatures by integer id, and a band's number is inside its hash:
# 16 rows of two integers per article in a WITHOUT ROWID table (no URL repeated 16 times, no
# second index); a signature's old bands are found again from the signature itself.
SCHEMA = (
    "CREATE TABLE story_signatures (id INTEGER PRIMARY KEY, url TEXT NOT NULL UNIQUE, story_id INTEGER, "
    "content_hash TEXT, shingles INTEGER, signature BLOB)",
    "CREATE TABLE story_bands (hash INTEGER NOT NULL, signature_id INTEGER NOT NULL, "
    "PRIMARY KEY (hash, signature_id)) WITHOUT ROWID",
)
_NEWEST = " UNION ALL ".join(
    f"SELECT * FROM (SELECT signature_id FROM story_bands WHERE hash = ? ORDER BY signature_id DESC LIMIT {PER_KEY})"
    for _ in range(BANDS))
_CANDIDATES = (
    "SELECT s.url, s.story_id, s.shingles, s.signature FROM "
    f"(SELECT signature_id AS id, count(*) AS shared FROM ({_NEWEST}) GROUP BY signature_id "
    f"ORDER BY shared DESC, signature_id DESC LIMIT {VERIFIED}) AS c JOIN story_signatures AS s ON s.id = c.id "
    "ORDER BY c.shared DESC, c.id DESC")


def assign(db, rows: list[dict]) -> set[int]:
    """Give each articles row (url, body, content_hash) a story: the story of a stored copy,
    else a new one; then refresh the stories touched. Rows whose body did not change keep
    theirs. Returns the story ids touched."""
    touched: set[int] = set()
    for row in rows:
        url = row["url"]
        old = db.execute("SELECT id, story_id, content_hash, signature FROM story_signatures WHERE url = ?",
                         [url]).fetchone()
        if old is not None:
            touched.add(old[1])
            if old[2] == row.get("content_hash"):
                continue  # the same body: the same story (its date may have moved: refreshed below)
            if old[3] is not None:
                db.executemany("DELETE FROM story_bands WHERE hash = ? AND signature_id = ?",
                               [(key, old[0]) for key in band_keys(_blob_sig(old[3]))])
            db.execute("DELETE FROM story_signatures WHERE id = ?", [old[0]])
        found = signature(row.get("body") or "")
        story, keys = None, []
        if found is not None:
            sig, n = found
            keys = band_keys(sig)
            candidates = db.execute(_CANDIDATES, keys).fetchall()

            def body_of(other_url):
                return lambda: (db.execute("SELECT body FROM articles WHERE url = ?", [other_url]).fetchone()
                                or [""])[0]
            story = choose(sig, n, row.get("body") or "",
                           [(_blob_sig(blob), m, other_story, body_of(other_url))
                            for other_url, other_story, m, blob in candidates if blob is not None])
        alone = story is None and all(key in row for key in ("title", "site", "published_at"))
        if alone:  # a story of one copy, complete at once: no refresh to pay (most articles)
            story = db.execute(
                "INSERT INTO stories (original_url, title, site, first_published_at, copies, sites) "
                "VALUES (?, ?, ?, ?, 1, 1)", [url, row["title"], row["site"], row["published_at"]]).lastrowid
        elif story is None:
            story = db.execute("INSERT INTO stories (original_url, copies) VALUES (?, 1)", [url]).lastrowid
        signature_id = db.execute(
            "INSERT INTO story_signatures (url, story_id, content_hash, shingles, signature) VALUES (?, ?, ?, ?, ?)",
            [url, story, row.get("content_hash"), found[1] if found else 0,
             _sig_blob(found[0]) if found else None]).lastrowid
        if keys:
            db.executemany("INSERT OR IGNORE INTO story_bands (hash, signature_id) VALUES (?, ?)",
                           [(key, signature_id) for key in keys])
        if alone:
            db.execute("UPDATE articles SET story_id = ?, duplicate_of = NULL WHERE url = ?", [story, url])
        else:
            db.execute("UPDATE articles SET story_id = ? WHERE url = ?", [story, url])
            touched.add(story)
    refresh(db, touched)
    return touched


def refresh(db, story_ids) -> None:
    """Recompute each story's original, title, first date, copies and sites, and its
    members' duplicate_of; a story left without members is deleted."""
    for story in sorted(s for s in story_ids if s is not None):
        members = db.execute(
            "SELECT url, published_at, site, source, title, first_seen FROM articles WHERE story_id = ?",
            [story]).fetchall()
        if not members:
            db.execute("DELETE FROM stories WHERE id = ?", [story])
            continue
        original = min(members, key=lambda m: (m[1] is None, (m[1] or "")[:19], not _is_source_site(m[2], m[3]),
                                               m[5] or "", m[0]))
        sites = sorted({m[2] or "" for m in members})
        db.execute("UPDATE stories SET original_url = ?, title = ?, site = ?, first_published_at = ?, copies = ?, "
                   "sites = ? WHERE id = ?",
                   [original[0], original[4], original[2], original[1], len(members), len(sites), story])
        db.execute("UPDATE articles SET duplicate_of = CASE WHEN url = ? THEN NULL ELSE ? END "
                   "WHERE story_id = ? AND duplicate_of IS NOT (CASE WHEN url = ? THEN NULL ELSE ? END)",
                   [original[0], original[0], story, original[0], original[0]])


def rebuild(db, batch: int = 1000) -> int:
    """Forget every story and assign all articles again, oldest first. Returns the stories."""
    db.execute("DELETE FROM story_bands")
    db.execute("DELETE FROM story_signatures")
    db.execute("DELETE FROM stories")
    db.execute("UPDATE articles SET story_id = NULL, duplicate_of = NULL "
               "WHERE story_id IS NOT NULL OR duplicate_of IS NOT NULL")
    last = None
    while True:
        where = "" if last is None else "WHERE (coalesce(published_at, '~'), url) > (?, ?)"
        chunk = [dict(zip(("url", "body", "content_hash", "published_at"), r)) for r in db.execute(
            f"SELECT url, body, content_hash, coalesce(published_at, '~') FROM articles {where} "
            f"ORDER BY coalesce(published_at, '~'), url LIMIT {batch}", [] if last is None else list(last))]
        if not chunk:
            break
        assign(db, chunk)
        last = (chunk[-1]["published_at"], chunk[-1]["url"])
    return db.execute("SELECT count(*) FROM stories").fetchone()[0]


def _when(value: str | None):
    """published_at as an aware datetime (a day alone: its midnight in China), or None."""
    import datetime as dt
    if not value:
        return None
    try:
        when = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=dt.timezone(dt.timedelta(hours=8)))


def _timed(value: str | None) -> bool:
    return bool(value and "T" in value)


def most_reprinted(db, since: str | None = None, min_copies: int = 2, limit: int | None = 20) -> list[dict]:
    """Stories with at least min_copies copies (first published on or after `since`), most
    copies first; each with `copies_list`: url, site, title, published_at, delay_hours after
    the original (both with a time) or delay_days (one of them a day only; None without both
    dates), the original first."""
    sql = ("SELECT id, original_url, title, site, first_published_at, copies, sites FROM stories "
           "WHERE copies >= ?" + (" AND first_published_at >= ?" if since else "")
           + " ORDER BY copies DESC, first_published_at DESC, id" + (f" LIMIT {int(limit)}" if limit else ""))
    found = []
    for row in db.execute(sql, [min_copies] + ([since] if since else [])).fetchall():
        story = dict(zip(("id", "original_url", "title", "site", "first_published_at", "copies", "sites"), row))
        story["copies_list"] = copies_of(db, story["id"], story["original_url"], story["first_published_at"])
        found.append(story)
    return found


def copies_of(db, story_id: int, original_url: str | None = None, first_published_at: str | None = None) -> list[dict]:
    """A story's copies, the original first: url, site, title, published_at, delay_hours after
    the original (both with a time) or delay_days (one of them a day only), original."""
    if original_url is None:
        got = db.execute("SELECT original_url, first_published_at FROM stories WHERE id = ?", [story_id]).fetchone()
        if got is None:
            return []
        original_url, first_published_at = got
    start = _when(first_published_at)
    members = []
    for url, site, title, published in db.execute(
            "SELECT url, site, title, published_at FROM articles WHERE story_id = ? "
            "ORDER BY duplicate_of IS NOT NULL, published_at, url", [story_id]):
        when = _when(published)
        hours = days = None
        if when and start:
            if _timed(published) and _timed(first_published_at):
                hours = round((when - start).total_seconds() / 3600, 1)
            else:  # an e-paper gives a day only: hours from its midnight would be made up
                days = (when.date() - start.date()).days
        members.append({"url": url, "site": site, "title": title, "published_at": published,
                        "delay_hours": hours, "delay_days": days, "original": url == original_url})
    return members
