"""Re-extraction throughput: `reextract.run` over N stored raw pages, 1 and 2 workers.

    python bench/reextract.py [--articles 10000] [--workers 1,2]

Generates N article pages (bench/sitegen.py), stores them as a crawl would (Store.add_raw_page,
zlib), fills the articles once, then for each worker count: marks every article as produced by
an older extractor with no editors (so every row is rewritten through upsert + history), times
a re-extraction in a fresh process (pages/s, peak RSS of the main process and of the largest
worker), and times a second run, which must change nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from sitegen import generate  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent

_RUNNER = """
import json, resource, sys, time
from workercrawl import reextract
db, raw, workers = sys.argv[1], sys.argv[2], int(sys.argv[3])
start = time.perf_counter()
report = reextract.run(db, raw, workers=workers, samples=0)
wall = time.perf_counter() - start
print(json.dumps({"wall_s": wall, "pages": report.extracted, "changes": report.changes,
                  "updated": report.updated, "new": report.new,
                  "main_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "worker_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""


def reextract_in_subprocess(db: Path, raw: Path, workers: int) -> dict:
    out = subprocess.run([sys.executable, "-c", _RUNNER, str(db), str(raw), str(workers)], cwd=ROOT,
                         check=True, capture_output=True, text=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["pages_per_s"] = result["pages"] / result["wall_s"]
    return result


def store_raw(site: Path, paths: list[Path], db: Path, raw: Path) -> None:
    from workercrawl.store import Store

    store = Store(db, raw)
    try:
        for path in paths:
            url = "http://127.0.0.1:8000/" + path.relative_to(site).as_posix()
            store.add_raw_page(url=url, article_url=url, part=1, status=200,
                               headers={"Content-Type": "text/html; charset=utf-8"}, encoding="utf-8",
                               body=path.read_bytes(), fetched_at="2024-07-01T00:00:00+00:00",
                               spider="workercn", run_id=None)
            # Crawled into this database (re-extraction reads no other database's pages): as an
            # older extractor's rejection, which the first re-extraction turns into an article.
            store.add_reject(url=url, reason="not-article", detail="older extractor", status=200, kind="article",
                             spider="workercn", run_id=None, fetched_at="2024-07-01T00:00:00+00:00",
                             extractor_version="0")
            if store.pending >= 500:
                store.flush()
    finally:
        store.close()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=10000)
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--json", default=str(ROOT / "bench" / "results" / "reextract.json"))
    args = parser.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory(prefix="wc-reextract-") as tmp:
        tmp = Path(tmp)
        paths = generate(tmp / "site", args.articles)
        db, raw = tmp / "w.db", tmp / "raw.db"
        store_raw(tmp / "site", paths, db, raw)
        shutil.rmtree(tmp / "site")
        fill = reextract_in_subprocess(db, raw, os.cpu_count() or 1)
        assert fill["new"] == args.articles, fill
        for workers in (int(w) for w in args.workers.split(",")):
            with sqlite3.connect(db) as conn:  # an older extractor's output: every row will change
                conn.execute("UPDATE articles SET extractor_version = '0', editors = '[]'")
            first = reextract_in_subprocess(db, raw, workers)
            second = reextract_in_subprocess(db, raw, workers)
            rows.append({"workers": workers, "first": first, "second": second})
        raw_mb = raw.stat().st_size / 2**20
    print(f"\n## Re-extraction ({args.articles} stored pages, raw file {raw_mb:.0f} MB, {os.cpu_count()} cores)\n")
    print("| workers | run | pages | changes | wall s | pages/s | peak RSS main MB | peak RSS worker MB |")
    print("|---|---|---|---|---|---|---|---|")
    for row in rows:
        for name in ("first", "second"):
            r = row[name]
            print(f"| {row['workers']} | {name} | {r['pages']} | {r['changes']} | {r['wall_s']:.1f} | "
                  f"{r['pages_per_s']:.0f} | {r['main_rss_mb']:.0f} | {r['worker_rss_mb']:.0f} |")
    if len(rows) > 1:
        print(f"\nscaling {rows[0]['workers']} → {rows[-1]['workers']} workers: "
              f"{rows[-1]['first']['pages_per_s'] / rows[0]['first']['pages_per_s']:.2f}×")
    result = {"articles": args.articles, "raw_mb": raw_mb, "fill": fill, "runs": rows}
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(result, indent=2), "utf-8")
    print(f"\nwritten: {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
