"""Stories benchmark: syndicated copies must group, templated near-misses must not.

    python bench/stories.py [--articles 20000] [--seed 7] [--store-articles 100000]

The corpus (deterministic for a seed): originals from bench/corpus.py (templated 中工网-like
text: unrelated articles already share many phrases), and for some of them 1–4 syndicated
copies — headline changed, 10–30% of the paragraphs trimmed, two paragraphs swapped, an
editor's note (编者按) added; only the clean body and title reach the store, so a template or
site swap is nothing more. Near-misses that must NOT merge: two cities' 送温暖 reports from one
template (other names, numbers, places), monthly 公告 with the same boilerplate, and e-paper
导读 snippets (a report's lead paragraph, alone).

Methods compared on the same corpus: MinHash/LSH (workercrawl/store/stories.py: 64 hashes,
16 bands × 4 rows, verified by estimated containment and length ratio) and SimHash (64 bits,
Hamming distance ≤ 3, 4-block pigeonhole index), both on character 5-shingles of the body.
Precision and recall are pairwise: over all pairs of articles, a pair is positive when both
are copies of one report; predicted when both got the same story.

Then the store path (stories.assign into SQLite tables story_signatures / story_bands, the
SQL Store.flush runs) is timed at --store-articles articles: ms per article by tranche of
10,000 and the process's resident memory after each (flat: the index lives in SQLite, not in memory).
Results: a markdown table, and bench/results/stories.json.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sqlite3
import sys
import tempfile
import time
from collections import defaultdict
from itertools import combinations, islice
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from corpus import PLACES, SURNAMES, GIVEN, article  # noqa: E402

from workercrawl.store import stories  # noqa: E402

ROOT = Path(__file__).resolve().parent
NOTES = ["编者按：{}的做法，为各地工会做好新就业形态劳动者服务提供了有益借鉴。本报今日转载，以飨读者。",
         "编者按：近年来，各级工会围绕职工急难愁盼持续发力。现将{}的经验做法刊发如下，供参考。",
         "（本文转载自工人日报，原标题有改动。{}相关报道见今日第三版。）"]
WARMTH = [
    "{date}，{city}总工会党组书记、主席{name}带队走访慰问困难职工和一线劳动者，为他们送去米、面、油等慰问品和慰问金。",
    "据了解，今年“两节”送温暖活动期间，{city}各级工会共筹集资金{money}万元，慰问困难职工{n}户、农民工{m}人、劳模{k}名。",
    "在{place}，{name2}一家人热情地把慰问组迎进屋。“感谢工会一直惦记着我们！”{name2}说，去年他家里遭遇变故，是工会帮助他渡过了难关。",
    "{name}详细询问了职工的生活、工作情况，叮嘱相关部门要把困难职工的冷暖放在心上，确保他们温暖过冬、安心过节。",
    "随后，慰问组来到{place}项目工地，为坚守岗位的{n2}名建筑工人送上节日祝福和慰问品。",
    "{city}总工会相关负责人表示，将持续深化送温暖活动，推动帮扶工作常态化、长效化，让职工群众感受到工会组织的温暖。",
]
NOTICE = [
    "根据《中华人民共和国工会法》和《中国工会章程》有关规定，为进一步加强工会经费收支管理，现将有关事项公告如下。",
    "一、{month}月份全市各级工会共收缴工会经费{money}万元，同比增长{pct}%，拨付基层工会经费{money2}万元。",
    "二、本月审计发现问题{n}项，已整改{m}项，涉及{unit}等{k}家单位，整改情况将在下月公告中一并公布。",
    "三、各基层工会应严格执行经费使用管理办法，不得超范围、超标准开支，不得用工会经费请客送礼。",
    "四、欢迎广大职工和会员对工会经费使用情况进行监督，监督电话：{phone}。",
    "特此公告。{city}总工会经费审查委员会 {year}年{month}月{day}日",
]


def _name(rng):
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _copy(rng: random.Random, body: str) -> str:
    paragraphs = body.split("\n")
    trim = round(len(paragraphs) * rng.uniform(0.10, 0.30))
    for _ in range(min(trim, len(paragraphs) - 2)):
        paragraphs.pop(rng.randrange(1, len(paragraphs)))  # the lead stays
    if len(paragraphs) > 3 and rng.random() < 0.6:  # reordered a little
        i = rng.randrange(1, len(paragraphs) - 1)
        paragraphs[i], paragraphs[i + 1] = paragraphs[i + 1], paragraphs[i]
    if rng.random() < 0.5:
        note = rng.choice(NOTES).format(rng.choice(PLACES))
        paragraphs.insert(0, note) if rng.random() < 0.7 else paragraphs.append(note)
    return "\n".join(paragraphs)


def corpus(n: int, seed: int) -> list[tuple[str, str]]:
    """[(truth label, body)]: same label = copies of one report."""
    return list(islice(generate(seed), n))


def generate(seed: int):
    """(truth label, body) pairs, endlessly (the store path reads them a tranche at a time)."""
    rng = random.Random(seed)
    i = 0
    while True:
        items: list[tuple[str, str]] = []
        kind = rng.random()
        if kind < 0.55:  # a report, maybe syndicated
            body = article(i, seed)["body"]
            items.append((f"r{i}", body))
            for _ in range(rng.choice((0, 0, 1, 2, 3, 4))):
                items.append((f"r{i}", _copy(rng, body)))
            if rng.random() < 0.1:  # an e-paper 导读 snippet of it: not a copy
                items.append((f"s{i}", body.split("\n")[0][:rng.randint(60, 140)]))
        elif kind < 0.8:  # 送温暖 reports of one template, other cities
            for city in rng.sample(PLACES, rng.randint(2, 4)):
                values = dict(date=rng.choice(("1月15日", "1月18日", "近日", "春节前夕")), city=city.rstrip("市省"),
                              name=_name(rng), name2=_name(rng), place=rng.choice(PLACES) + rng.choice(("城区", "工业园区", "新区")),
                              money=rng.randint(100, 9000), n=rng.randint(100, 9000), m=rng.randint(100, 9000),
                              k=rng.randint(10, 900), n2=rng.randint(20, 300))
                items.append((f"w{i}{city}", "\n".join(p.format(**values) for p in WARMTH)))
        else:  # monthly 公告 of one union
            city = rng.choice(PLACES).rstrip("市省")
            year = rng.randint(2019, 2024)
            for month in rng.sample(range(1, 13), rng.randint(2, 4)):
                values = dict(month=month, year=year, day=rng.randint(1, 28), city=city, money=rng.randint(100, 9000),
                              money2=rng.randint(100, 9000), pct=rng.randint(1, 30), n=rng.randint(1, 40),
                              m=rng.randint(1, 40), k=rng.randint(1, 40), unit=rng.choice(("市建设局工会", "市教育工会", "市交通运输工会")),
                              phone=f"0{rng.randint(100, 999)}-{rng.randint(1000000, 9999999)}")
                items.append((f"n{i}-{month}", "\n".join(p.format(**values) for p in NOTICE)))
        i += 1
        yield from items


def simhash(body: str) -> int:
    hashes = stories.shingle_hashes(body)
    if not len(hashes):
        return 0
    bits = ((hashes[:, None] >> np.arange(64, dtype=np.uint64)[None, :]) & np.uint64(1)).astype(np.int32)
    votes = bits.sum(axis=0) * 2 - len(hashes)
    return int(sum(1 << b for b in range(64) if votes[b] > 0))


class SimHashIndex:
    DISTANCE, BLOCKS = 3, 4

    def __init__(self):
        self.tables = [defaultdict(list) for _ in range(self.BLOCKS)]
        self.items: list[tuple[int, int]] = []
        self.stories = 0

    def add(self, body: str) -> int:
        h = simhash(body)
        keys = [(h >> (16 * b)) & 0xFFFF for b in range(self.BLOCKS)]
        story = None
        for b, key in enumerate(keys):
            for item in self.tables[b][key]:
                other, other_story = self.items[item]
                if bin(h ^ other).count("1") <= self.DISTANCE:
                    story = other_story
                    break
            if story is not None:
                break
        if story is None:
            self.stories += 1
            story = self.stories
        index = len(self.items)
        self.items.append((h, story))
        for b, key in enumerate(keys):
            self.tables[b][key].append(index)
        return story


def pairs(labels: list) -> set[tuple[int, int]]:
    groups = defaultdict(list)
    for i, label in enumerate(labels):
        groups[label].append(i)
    return {pair for members in groups.values() for pair in combinations(members, 2)}


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_rss_mb() -> float:
    """Resident memory now (the peak would hide a flat line under the quality part's corpus)."""
    try:
        return int(Path("/proc/self/statm").read_text().split()[1]) * resource.getpagesize() / 2**20
    except OSError:
        return rss_mb()


def quality(items, index) -> dict:
    rss = rss_mb()
    started = time.perf_counter()
    predicted = [index.add(body) for _, body in items]
    seconds = time.perf_counter() - started
    truth, found = pairs([label for label, _ in items]), pairs(predicted)
    right = len(truth & found)
    false_merges = defaultdict(int)
    for a, b in found - truth:
        false_merges[items[a][0][0] + items[b][0][0]] += 1
    return {"precision": right / len(found) if found else 1.0, "recall": right / len(truth) if truth else 1.0,
            "true_pairs": len(truth), "found_pairs": len(found), "false_pairs": dict(false_merges),
            "ms_per_article": 1000 * seconds / len(items), "rss_growth_mb": rss_mb() - rss}


def store_path(n: int, seed: int) -> list[dict]:
    """stories.assign into the store's tables (same SQL as Store.flush), tranche by tranche."""
    from workercrawl.store import schema  # noqa: F401 (the tables below are 0008_stories')
    with tempfile.TemporaryDirectory() as tmp:
        conn = sqlite3.connect(Path(tmp) / "stories.db", isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.executescript("""
CREATE TABLE articles (url TEXT PRIMARY KEY, body TEXT, content_hash TEXT, published_at TEXT, site TEXT,
  source TEXT, title TEXT, first_seen TEXT, story_id INTEGER, duplicate_of TEXT);
CREATE INDEX articles_story ON articles (story_id);
CREATE TABLE stories (id INTEGER PRIMARY KEY, original_url TEXT, title TEXT, site TEXT, first_published_at TEXT,
  copies INTEGER, sites INTEGER);
""")
        for statement in stories.SCHEMA:  # the index exactly as migration 0008 creates it
            conn.execute(statement)
        results, tranche = [], 10_000
        items = generate(seed)
        for start in range(0, n, tranche):
            # whole rows, as Store.flush hands them over (a one-copy story is complete at once)
            rows = [{"url": f"u{start + j}", "body": body, "content_hash": str(start + j), "title": f"t{start + j}",
                     "site": "中工网", "published_at": "2024-01-01"}
                    for j, (_, body) in enumerate(islice(items, min(tranche, n - start)))]
            conn.execute("BEGIN")
            conn.executemany("INSERT INTO articles (url, body, content_hash, title, site, published_at) "
                             "VALUES (?, ?, ?, ?, ?, ?)",
                             [(r["url"], r["body"], r["content_hash"], r["title"], r["site"], r["published_at"])
                              for r in rows])
            conn.execute("COMMIT")
            started = time.perf_counter()
            for batch in range(0, len(rows), 1000):
                conn.execute("BEGIN")
                stories.assign(conn, rows[batch:batch + 1000])
                conn.execute("COMMIT")
            results.append({"articles": start + len(rows),
                            "ms_per_article": 1000 * (time.perf_counter() - started) / len(rows),
                            "rss_mb": round(current_rss_mb(), 1)})
            print(f"  store path: {results[-1]}", file=sys.stderr)
        conn.close()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--store-articles", type=int, default=100_000)
    args = parser.parse_args()
    items = corpus(args.articles, args.seed)
    kinds = defaultdict(int)
    for label, _ in items:
        kinds[label[0]] += 1
    print(f"corpus: {len(items)} articles ({dict(kinds)}: r report or copy, s 导读 snippet, w 送温暖, n 公告)")
    results = {"MinHash/LSH 64×(16 bands × 4), containment ≥ %.2f, length ratio ≥ %.2f"
               % (stories.CONTAINMENT, stories.LENGTH_RATIO): quality(items, stories.MemoryIndex()),
               "SimHash 64 bits, Hamming ≤ 3": quality(items, SimHashIndex())}
    print("\n| method | pairwise precision | pairwise recall | true pairs | found | false pairs by kind | ms/article "
          "(in memory) |\n|---|---|---|---|---|---|---|")
    for name, r in results.items():
        print(f"| {name} | {r['precision']:.4f} | {r['recall']:.4f} | {r['true_pairs']} | {r['found_pairs']} | "
              f"{r['false_pairs'] or '-'} | {r['ms_per_article']:.3f} |")
    store = store_path(args.store_articles, args.seed) if args.store_articles else []
    if store:
        print("\nstore path (stories.assign in SQLite, batches of 1,000):\n\n| articles stored | ms/article "
              "(this tranche) | RSS MB |\n|---|---|---|")
        for r in store:
            print(f"| {r['articles']:,} | {r['ms_per_article']:.3f} | {r['rss_mb']} |")
    out = ROOT / "results" / "stories.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"args": vars(args), "quality": results, "store": store}, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
