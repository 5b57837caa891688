"""Store benchmark: build a 100,000-article corpus, measure inserts, size and search latency.

    python bench/store.py [--articles 100000] [--workers 2] [--repeat 15] [--db PATH]

Articles come from bench/corpus.py (synthetic 中工网-like text, ~700 characters of body).
They go through the real Store (add_article + flush in batches of 1,000: upserts, history,
people triggers, jieba (rjieba) segmentation in a pool of --workers processes, FTS5 indexing).
Then every query is run --repeat times through Store.search (limit 10, snippet included);
p50/p95 per query length, and for queries in the search syntax (-, NOT, OR, "phrases"), are
printed as a markdown table and written to
bench/results/store.json. Target: p95 < 50 ms at 100,000 articles.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from corpus import article  # noqa: E402

from workercrawl.store import Store  # noqa: E402
from workercrawl.store import search as fts  # noqa: E402

ROOT = Path(__file__).resolve().parent
QUERIES = {
    "2 characters": ["工会", "职工", "权益", "技能", "安全", "企业"],
    "3 characters": ["农民工", "劳动者", "总工会", "快递员", "工会法", "工作室"],
    "4 characters": ["劳动竞赛", "职工书屋", "安全生产", "工匠精神", "法律援助", "技能竞赛"],
}
# --scale: common words (in 3-50% of the articles) and rare ones (under 0.5%). The generator's
# vocabulary is small (bench/corpus.py), so its rare words are people's names, and places and
# words that segmentation finds at phrase boundaries (沙市区 in 长沙市区, 群众组织 in
# 职工群众组织): real words, found as a searcher would find them.
SCALE_QUERIES = {
    "2 characters, common": ["工会", "职工", "权益"],
    "2 characters, rare": ["李强", "王明", "丁磊"],
    "3 characters, common": ["农民工", "劳动者", "总工会"],
    "3 characters, rare": ["沙市区"],
    "4 characters, common": ["劳动竞赛", "法律援助", "工匠精神"],
    "4 characters, rare": ["群众组织", "广州市区", "稳定物价"],
}
# The query syntax (search.py): exclusions, OR, exact phrases (a phrase of several words is checked
# against the article text, row by row: its cost grows with the rows the rest of the query finds).
SYNTAX = {"syntax": ["工会 -职工", "农民工 OR 快递员", "工会 NOT 安全", '"劳动竞赛"', '"技能竞赛"', '"开展劳动竞赛"',
                     '工会 -"职工书屋"']}
# Recall is measured for these too: 服务站 sits inside 服务站点, which jieba cuts 服务|站点 — a
# word the segmentation cannot see, and the price of word-based search.
RECALL_EXTRA = ["服务站"]
BATCH = 1000


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def build(path: Path, n: int, workers: int) -> dict:
    seg_seconds = 0.0
    with multiprocessing.get_context("fork").Pool(workers, initializer=fts.tokenizer) as pool:
        def segmenter(texts: list[str]) -> list[str]:
            nonlocal seg_seconds
            started = time.perf_counter()
            out = pool.map(fts.segment, texts, chunksize=max(1, len(texts) // (workers * 4)))
            seg_seconds += time.perf_counter() - started
            return out

        store = Store(path, segmenter=segmenter)
        generate = store_seconds = 0.0
        chars = 0
        for start in range(0, n, BATCH):
            t0 = time.perf_counter()
            batch = [article(i) for i in range(start, min(n, start + BATCH))]
            t1 = time.perf_counter()
            for item in batch:
                store.add_article(item, fetched_at="2025-01-01T00:00:00+00:00", spider="bench", run_id=None)
                chars += len(item["body"]) + len(item["title"])
            store.flush()
            t2 = time.perf_counter()
            generate, store_seconds = generate + t1 - t0, store_seconds + t2 - t1
            if (start // BATCH) % 10 == 9:
                print(f"  {start + BATCH:>7,} articles  {(start + BATCH) / store_seconds:,.0f}/s", file=sys.stderr)
        store.close()
    return {"articles": n, "generate_seconds": round(generate, 1), "store_seconds": round(store_seconds, 1),
            "segment_seconds": round(seg_seconds, 1), "insert_rate": round(n / store_seconds),
            "insert_rate_without_segmentation": round(n / (store_seconds - seg_seconds)),
            "characters": chars, "segment_workers": workers}


def sizes(path: Path) -> dict:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    out = {"file_bytes": path.stat().st_size}
    try:  # per-table pages, where SQLite has the dbstat table
        groups = {"articles": ("articles", "idx_articles", "sqlite_autoindex_articles"),
                  "search (segmented text + FTS index)": ("article_search", "articles_fts", "idx_article_search",
                                                          "sqlite_autoindex_article_search"),
                  "people": ("article_people", "idx_article_people", "sqlite_autoindex_article_people")}
        pages = dict(conn.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name").fetchall())
        out["parts"] = {label: sum(v for k, v in pages.items() if k.startswith(prefixes))
                        for label, prefixes in groups.items()}
    except sqlite3.Error:
        pass
    conn.close()
    return out


def latency(path: Path, repeat: int, since: str | None = None, queries: dict = QUERIES, limit: int = 10,
            order: str = "relevance") -> dict:
    store = Store(path, create=False)
    out = {}
    try:
        for label, words in queries.items():
            samples, per_query = [], {}
            for word in words:
                store.search(word, limit=limit, since=since, order=order)  # warm the cache and jieba
                times = []
                for _ in range(repeat):
                    started = time.perf_counter()
                    hits = store.search(word, limit=limit, since=since, order=order)
                    times.append((time.perf_counter() - started) * 1000)
                matches = store.count_matches(word, since=since)
                assert hits or queries is SCALE_QUERIES, word
                per_query[word] = {"matches": matches, "p50_ms": round(statistics.median(times), 1)}
                samples += times
            out[label] = {"p50_ms": round(statistics.median(samples), 1), "p95_ms": round(percentile(samples, 0.95), 1),
                          "max_ms": round(max(samples), 1), "samples": len(samples), "queries": per_query}
    finally:
        store.close()
    return out


def _timed(fn, repeat: int = 3) -> float:
    """Median milliseconds of fn() over repeat runs (after one warm-up run)."""
    fn()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times), 1)


def queries(path: Path, repeat: int = 3) -> dict:
    """`stats`, every canned query of the datasette metadata and the dashboard's queries, each as
    datasette runs it (the plugin's functions registered, a read-only connection)."""
    import yaml

    from workercrawl.store.datasette_plugin import charts

    meta = yaml.safe_load((ROOT.parent / "workercrawl" / "store" / "datasette_plugin" / "metadata.yml").read_text("utf-8"))
    canned = meta["databases"]["*"]["queries"] if "databases" in meta else meta["database"]["queries"]
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    fts.register_functions(conn)
    name = conn.execute("SELECT name FROM article_people GROUP BY name ORDER BY count(*) DESC LIMIT 1").fetchone()[0]
    params = {"source": "工人日报", "name": name, "q": "工会", "since": "", "until": "", "limit": ""}
    out: dict[str, dict] = {"canned": {}, "dashboard": {}}
    for key, query in canned.items():
        sql = query["sql"]
        for q in (["工会", "劳动竞赛"] if ":q" in sql else [None]):
            args = {**params, **({"q": q} if q else {})}
            label = key + (f" q={q}" if q else "")
            out["canned"][label] = _timed(lambda: conn.execute(sql, args).fetchall(), repeat)
    for key in ("PER_WEEK_SITE", "PER_WEEK_SOURCE", "PEOPLE", "TERM_TREND", "RUNS"):
        sql = getattr(charts, key)
        out["dashboard"][key.lower()] = _timed(lambda: conn.execute(sql, {"q": charts.DEFAULT_TERM}).fetchall(), repeat)
    conn.close()
    store = Store(path, create=False)
    out["stats"] = _timed(store.stats, repeat)
    store.close()
    return out


def export_rss(path: Path) -> dict:
    """`workercrawl export` (jsonl, every article) in its own process: wall and peak RSS."""
    command = [sys.executable, "-m", "workercrawl.cli", "export", "--format", "jsonl", "--output", os.devnull,
               "--db", str(path)]
    started = time.perf_counter()
    proc = subprocess.Popen(command, cwd=ROOT.parent, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status):
        raise RuntimeError(err.decode()[-2000:])
    return {"seconds": round(time.perf_counter() - started, 1), "peak_rss_mb": round(usage.ru_maxrss / 1024)}


def optimize(path: Path) -> dict:
    """What docs/operations.md recommends after a bulk load: merge the FTS index's segments
    into one b-tree, and ANALYZE (PRAGMA optimize) so the planner knows the tables' shapes."""
    conn = sqlite3.connect(path)
    started = time.perf_counter()
    conn.execute("INSERT INTO articles_fts (articles_fts) VALUES ('optimize')")
    conn.commit()
    merged = time.perf_counter()
    conn.execute("PRAGMA optimize=0x10002")
    conn.commit()
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return {"fts_optimize_s": round(merged - started, 1), "analyze_s": round(time.perf_counter() - merged, 1)}


def scale(path: Path, built: dict, repeat: int, do_optimize: bool) -> dict:
    result = {"build": built, "articles": built["articles"]}
    started = time.perf_counter()  # opening the store applies pending migrations (0009's indexes)
    Store(path, create=False).close()
    result["open_and_upgrade_s"] = round(time.perf_counter() - started, 1)
    if do_optimize:
        print("optimizing …", file=sys.stderr)
        result["optimize"] = optimize(path)
    result["size"] = sizes(path)
    print("searching …", file=sys.stderr)
    result["search"] = latency(path, repeat, queries=SCALE_QUERIES, limit=20)
    result["search_newest"] = latency(path, repeat, queries=SCALE_QUERIES, limit=20, order="newest")
    print("stats, canned and dashboard queries …", file=sys.stderr)
    result["queries"] = queries(path)
    print("export …", file=sys.stderr)
    result["export"] = export_rss(path)
    result["machine"] = {"python": platform.python_version(), "sqlite": sqlite3.sqlite_version,
                         "cpus": os.cpu_count(), "platform": platform.platform()}
    return result


def scale_report(r: dict) -> None:
    mb = 1024 * 1024
    n = r["articles"]
    b = r["build"]
    print(f"\n### Store at {n:,} articles\n")
    print("| measure | value |\n|---|---|")
    print(f"| insert rate (Store.add_article + flush, batches of {BATCH}) | {b['insert_rate']:,} articles/s "
          f"({b['store_seconds']:,} s; generating the articles {b['generate_seconds']} s more) |")
    print(f"| first open (pending migrations applied) | {r.get('open_and_upgrade_s', '—')} s |")
    if "optimize" in r:
        print(f"| FTS optimize (one segment) / ANALYZE | {r['optimize']['fts_optimize_s']} s / {r['optimize']['analyze_s']} s |")
    print(f"| database size | {r['size']['file_bytes'] / mb:,.0f} MiB, {r['size']['file_bytes'] / mb / (n / 1000):.2f} MiB per 1,000 articles |")
    for part, value in r["size"].get("parts", {}).items():
        print(f"| … {part} | {value / mb:,.0f} MiB |")
    print(f"| `workercrawl stats` | {r['queries']['stats']:,} ms |")
    print(f"| `workercrawl export` (jsonl, all) | {r['export']['seconds']} s, peak RSS {r['export']['peak_rss_mb']} MB |")
    for label, ms in r["queries"]["canned"].items():
        print(f"| canned query {label} | {ms:,} ms |")
    for label, ms in r["queries"]["dashboard"].items():
        print(f"| dashboard query {label} | {ms:,} ms |")
    print("\n| query (top 20) | relevance p50 | relevance p95 | newest-first p50 | newest-first p95 | queries (matching articles) |")
    print("|---|---|---|---|---|---|")
    for label, row in r["search"].items():
        new = r["search_newest"][label]
        words = ", ".join(f"{w} ({q['matches']:,})" for w, q in row["queries"].items())
        print(f"| {label} | {row['p50_ms']} ms | {row['p95_ms']} ms | {new['p50_ms']} ms | {new['p95_ms']} ms | {words} |")


def plot(results: list[dict], out: Path) -> None:
    """Search p95 by corpus size (log scale), one line per query class and order: a small SVG
    written by hand (no plotting library), from bench/results/store-scale-*.json."""
    results = sorted(results, key=lambda r: r["articles"])
    sizes_ = [r["articles"] for r in results]
    series = []
    colors = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b"]
    for i, label in enumerate(SCALE_QUERIES):
        for order, dash in (("search", ""), ("search_newest", "6 4")):
            points = [(r["articles"], r[order][label]["p95_ms"]) for r in results if label in r.get(order, {})]
            series.append((f"{label}, {'relevance' if order == 'search' else 'newest first'}", colors[i % 6], dash, points))
    import math
    w, h, left, right, top, bottom = 760, 420, 60, 250, 40, 50
    lo, hi = math.log10(min(sizes_)), math.log10(max(sizes_))
    ymax = max(110.0, max(p for _, _, _, pts in series for _, p in pts) * 1.1)  # the targets in view

    def x(n):
        return left + (math.log10(n) - lo) / ((hi - lo) or 1) * (w - left - right)

    def y(v):
        return h - bottom - v / ymax * (h - top - bottom)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" font-family="sans-serif" font-size="12">',
             f'<rect width="{w}" height="{h}" fill="white"/>',
             f'<text x="{left}" y="22" font-size="14">Search p95 (ms, top 20) by corpus size — bench/store.py --scale</text>',
             f'<line x1="{left}" y1="{h - bottom}" x2="{w - right}" y2="{h - bottom}" stroke="black"/>',
             f'<line x1="{left}" y1="{top}" x2="{left}" y2="{h - bottom}" stroke="black"/>']
    for n in sizes_:
        parts.append(f'<text x="{x(n):.0f}" y="{h - bottom + 18}" text-anchor="middle">{n:,}</text>')
    step = 10 ** math.floor(math.log10(ymax / 2)) if ymax > 2 else 1
    v = 0.0
    while v <= ymax:
        parts.append(f'<line x1="{left}" y1="{y(v):.0f}" x2="{w - right}" y2="{y(v):.0f}" stroke="#ddd"/>'
                     f'<text x="{left - 6}" y="{y(v) + 4:.0f}" text-anchor="end">{v:g}</text>')
        v += step * (2 if ymax / step > 10 else 1)
    for target, label in ((100, "relevance target"), (50, "newest-first target")):
        if target <= ymax:
            parts.append(f'<line x1="{left}" y1="{y(target):.0f}" x2="{w - right}" y2="{y(target):.0f}" stroke="red" '
                         f'stroke-dasharray="2 3"/><text x="{w - right - 4}" y="{y(target) - 4:.0f}" text-anchor="end" '
                         f'fill="red">{label} {target} ms</text>')
    parts.append(f'<text x="{(left + w - right) / 2:.0f}" y="{h - 12}" text-anchor="middle">articles (log scale)</text>')
    for i, (label, color, dash, pts) in enumerate(series):
        path = " ".join(f"{x(n):.1f},{y(p):.1f}" for n, p in pts)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="2" stroke-dasharray="{dash}"/>')
        ly = top + 10 + i * 18
        parts.append(f'<line x1="{w - right + 12}" y1="{ly}" x2="{w - right + 40}" y2="{ly}" stroke="{color}" '
                     f'stroke-width="2" stroke-dasharray="{dash}"/><text x="{w - right + 46}" y="{ly + 4}">{label}</text>')
    parts.append("</svg>")
    out.write_text("\n".join(parts) + "\n", "utf-8")


def recall(path: Path) -> dict:
    """Search (the MATCH Store.search runs) against plain substring search, per query word."""
    words = [w for ws in QUERIES.values() for w in ws] + RECALL_EXTRA
    conn = sqlite3.connect(path)
    contains = {w: set() for w in words}
    for url, text in conn.execute("SELECT url, coalesce(pretitle, '') || ' ' || title || ' ' || coalesce(subtitle, '') || ' ' || body FROM articles"):
        for w in words:
            if w in text:
                contains[w].add(url)
    out = {}
    for w in words:
        found = {url for (url,) in conn.execute(
            "SELECT s.url FROM articles_fts JOIN article_search s ON s.id = articles_fts.rowid "
            "WHERE articles_fts MATCH ?", [fts.fts_query(w)])}
        both = len(found & contains[w])
        out[w] = {"containing": len(contains[w]), "found": len(found),
                  "recall": round(both / len(contains[w]), 4) if contains[w] else None,
                  "precision": round(both / len(found), 4) if found else None}
    conn.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--db", help="Build here and keep it (default: a temporary file, removed).")
    parser.add_argument("--reuse", action="store_true",
                        help="--db exists: measure it as it is (its build figures come from PATH.build.json).")
    parser.add_argument("--build-only", action="store_true", help="Build --db and stop.")
    parser.add_argument("--scale", action="store_true",
                        help="The scale measures instead: common and rare words by relevance and newest first (top "
                             "20), stats, canned and dashboard queries, export's peak RSS; JSON to "
                             "bench/results/store-scale-N.json.")
    parser.add_argument("--optimize", action="store_true", help="With --scale: FTS optimize + ANALYZE first.")
    parser.add_argument("--plot", metavar="SVG", help="Only draw search p95 by corpus size from "
                        "bench/results/store-scale-*.json into this SVG file, and stop.")
    args = parser.parse_args()
    if args.plot:
        found = [json.loads(p.read_text("utf-8")) for p in (ROOT / "results").glob("store-scale-*.json")]
        plot(found, Path(args.plot))
        print(f"written: {args.plot} ({', '.join(str(r['articles']) for r in found)} articles)")
        return

    tmp = None if args.db else tempfile.TemporaryDirectory(prefix="workercrawl-bench-")
    path = Path(args.db) if args.db else Path(tmp.name) / "workercrawl.db"
    sidecar = path.with_name(path.name + ".build.json")
    began = time.perf_counter()
    if path.exists() and args.reuse:
        built = json.loads(sidecar.read_text("utf-8"))
        print(f"reusing {path} ({built['articles']:,} articles)", file=sys.stderr)
    elif path.exists():
        sys.exit(f"{path} exists: pass a new path, or --reuse to measure it")
    else:
        print(f"building {args.articles:,} articles into {path} …", file=sys.stderr)
        built = build(path, args.articles, args.workers)
        sidecar.write_text(json.dumps(built, indent=2) + "\n", "utf-8")
    if args.build_only:
        print(json.dumps(built), file=sys.stderr)
        return
    args.articles = built["articles"]
    if args.scale:
        result = scale(path, built, args.repeat, args.optimize)
        (ROOT / "results").mkdir(exist_ok=True)
        out = ROOT / "results" / f"store-scale-{args.articles}.json"
        out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", "utf-8")
        scale_report(result)
        print(f"\nwritten: {out}")
        return
    size = sizes(path)
    print("searching …", file=sys.stderr)
    search = latency(path, args.repeat)
    since = latency(path, max(3, args.repeat // 3), since="2024-01-01")
    syntax = latency(path, args.repeat, queries=SYNTAX)
    print("recall …", file=sys.stderr)
    found = recall(path)
    result = {
        "build": built, "size": size, "recall": found,
        "bytes_per_1000_articles": round(size["file_bytes"] / (args.articles / 1000)),
        "search": search, "search_since_2024": since, "search_syntax": syntax,
        "target_p95_ms": 50, "total_seconds": round(time.perf_counter() - began),
        "machine": {"python": platform.python_version(), "sqlite": sqlite3.sqlite_version,
                    "cpus": os.cpu_count(), "platform": platform.platform()},
    }
    (ROOT / "results").mkdir(exist_ok=True)
    (ROOT / "results" / "store.json").write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", "utf-8")
    report(result)
    if tmp:
        tmp.cleanup()


def report(r: dict) -> None:
    b, mb = r["build"], 1024 * 1024
    print(f"\n### Store benchmark: {b['articles']:,} articles\n")
    print("| measure | value |\n|---|---|")
    print(f"| insert rate (Store.add_article + flush, batches of {BATCH}) | {b['insert_rate']:,} articles/s |")
    print(f"| … of which jieba segmentation ({b['segment_workers']} processes) | {b['segment_seconds']} s "
          f"of {b['store_seconds']} s; without it {b['insert_rate_without_segmentation']:,} articles/s |")
    print(f"| database size | {r['size']['file_bytes'] / mb:,.0f} MiB, {r['bytes_per_1000_articles'] / mb:.2f} MiB "
          "per 1,000 articles |")
    for part, value in r["size"].get("parts", {}).items():
        print(f"| … {part} | {value / mb:,.0f} MiB |")
    print("\n| query length | p50 | p95 | max | samples | queries (matching articles) |\n|---|---|---|---|---|---|")
    for label, row in r["search"].items():
        queries = ", ".join(f"{w} ({q['matches']:,}: {q['p50_ms']} ms)" for w, q in row["queries"].items())
        print(f"| {label} | {row['p50_ms']} ms | {row['p95_ms']} ms | {row['max_ms']} ms | {row['samples']} | {queries} |")
    for label, row in r["search_since_2024"].items():
        print(f"| {label}, since 2024 | {row['p50_ms']} ms | {row['p95_ms']} ms | {row['max_ms']} ms | {row['samples']} | |")
    for label, row in r.get("search_syntax", {}).items():
        queries = ", ".join(f"{w} ({q['matches']:,}: {q['p50_ms']} ms)" for w, q in row["queries"].items())
        print(f"| {label} | {row['p50_ms']} ms | {row['p95_ms']} ms | {row['max_ms']} ms | {row['samples']} | {queries} |")
    print("\n| word | articles containing it | found by search | recall | precision |\n|---|---|---|---|---|")
    for word, row in r["recall"].items():
        print(f"| {word} | {row['containing']:,} | {row['found']:,} | {row['recall']} | {row['precision']} |")
    print(f"\ntarget: p95 < {r['target_p95_ms']} ms; total {r['total_seconds']} s on {r['machine']['cpus']} CPUs, "
          f"SQLite {r['machine']['sqlite']}")


if __name__ == "__main__":
    main()
