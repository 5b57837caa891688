"""Extraction speed: ms per page (median, p95) for each tool on the same pages, in one run.

    python bench/speed.py [--pages fixtures|gne|aeb|all] [--repeat 3]

Ratios are to bare trafilatura (`trafilatura.bare_extraction` with its defaults on the
decoded page), the baseline the extraction core must stay within 1.5x of. The
"trafilatura" row is the same library with metadata extraction on, as the quality
benchmark runs it.
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from tools import available  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "bench"


def pages(which: str) -> list[tuple[str, bytes, str]]:
    out = []
    if which in ("fixtures", "all"):
        for spec in sorted((ROOT / "tests" / "fixtures").glob("*/*.json")):
            html = spec.with_suffix(".html")
            if html.exists():
                out.append((f"fixtures/{spec.stem}", html.read_bytes(), json.loads(spec.read_text("utf-8"))["url"]))
    if which in ("gne", "all") and (SHARED / "gne" / "pages").is_dir():
        for path in sorted((SHARED / "gne" / "pages").glob("*/*.html")):
            out.append((f"gne/{path.parent.name}/{path.name}", path.read_bytes(), f"http://{path.parent.name}.example.com/a.html"))
    if which in ("aeb", "all") and (SHARED / "aeb" / "html").is_dir():
        for path in sorted((SHARED / "aeb" / "html").glob("*.html.gz")):
            out.append((f"aeb/{path.name[:12]}", gzip.decompress(path.read_bytes()), "http://example.com/article"))
    return out


def bare_trafilatura(body, url, headers=None):
    """The baseline: `trafilatura.bare_extraction` with its defaults, on the decoded page."""
    import trafilatura

    from workercrawl.extract.decode import decode_html

    return trafilatura.bare_extraction(decode_html(body, headers)[0], url=url)


def measure(tools: dict, corpus, repeat: int) -> dict[str, list[float]]:
    """Per page, every tool in turn: a busy machine slows all tools alike."""
    timings: dict[str, list[float]] = {name: [] for name in tools}
    for _, body, url in corpus:
        for name, tool in tools.items():
            best = float("inf")
            for _ in range(repeat):
                start = time.perf_counter()
                try:
                    tool(body, url)
                except Exception:
                    pass
                best = min(best, time.perf_counter() - start)
            timings[name].append(best * 1000)
    return timings


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", default="all", choices=["fixtures", "gne", "aeb", "all"])
    parser.add_argument("--repeat", type=int, default=3, help="runs per page; the fastest counts")
    parser.add_argument("--json", default=str(ROOT / "bench" / "results" / "speed.json"))
    args = parser.parse_args(argv)
    corpus = pages(args.pages)
    tools = {"trafilatura-bare": bare_trafilatura, **available()}
    for _, tool in tools.items():  # warm imports and caches outside the timings
        tool(corpus[0][1], corpus[0][2])
    results = {}
    for name, ms in measure(tools, corpus, args.repeat).items():
        ordered = sorted(ms)
        results[name] = {
            "pages": len(ms), "mean_ms": statistics.fmean(ms), "median_ms": statistics.median(ms),
            "p95_ms": ordered[int(0.95 * (len(ordered) - 1))],
        }
    base = results.get("trafilatura-bare")
    print(f"\n## Extraction speed ({len(corpus)} pages: {args.pages}; best of {args.repeat} per page)\n")
    print("| tool | median ms | p95 ms | mean ms | mean vs trafilatura |")
    print("|---|---|---|---|---|")
    for name, r in results.items():
        ratio = f"{r['mean_ms'] / base['mean_ms']:.2f}x" if base else "—"
        r["ratio_to_trafilatura"] = r["mean_ms"] / base["mean_ms"] if base else None
        print(f"| {name} | {r['median_ms']:.1f} | {r['p95_ms']:.1f} | {r['mean_ms']:.1f} | {ratio} |")
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(results, indent=2), "utf-8")
    print(f"\nwritten: {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
