"""Extraction quality, side by side: workercrawl, bare trafilatura, readability-lxml, GNE.

    python bench/quality.py [--corpus fixtures|holdout|gne|real|aeb|all] [--json bench/results/quality.json]

Chinese corpora (tests/fixtures, tests/holdout, and the 62 real pages of ../shared/bench/gne
with our annotations in bench/gne-gold, see bench/gnegold.py): body token P/R/F1 (each CJK
character a token) and exact-match rates per field, as tests/test_quality.py computes them.
The real-zh-dev corpus (../shared/bench/real-zh-dev, 100 real pages nobody here wrote, gold in
bench/real-gold): the same, plus the rates issue 16 tracks — names output that are not names
of the gold (authors_false_names, editors_false_names), sources where the page names none
(source_invented), articles keeping boilerplate (residue) and the time to the minute.
AEB (../shared/bench/aeb, English, when present): body P/R/F1 by AEB's 4-token shingles.
A tool's failure on a page (exception, nothing extracted) scores 0 on that page.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from gnegold import corpus_cases  # noqa: E402
from gnegold import load_cases as gne_cases  # noqa: E402
from tools import available  # noqa: E402

from workercrawl.quality import load_corpus, score, summarize  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
AEB = ROOT.parent / "shared" / "bench" / "aeb"
_WORD = re.compile(r"\w+", re.UNICODE)


def chinese(cases: list, tools: dict) -> dict:
    out = {}
    for name, tool in tools.items():
        scores = []
        for case in cases:
            try:
                result = tool(case.html, case.url, case.headers, case.more_pages)
            except Exception as exc:  # a tool's crash is its result
                result = {"status": "rejected", "reason": f"{type(exc).__name__}"}
            scores.append(score(case, result))
        out[name] = summarize(scores)
    return out


def _shingles(text: str, n: int = 4) -> set:
    words = _WORD.findall(text or "")
    return {tuple(words[i: i + n]) for i in range(max(0, len(words) - n + 1))}


def aeb(tools: dict, limit: int | None = None) -> dict:
    truth = json.loads((AEB / "ground-truth.json").read_text("utf-8"))
    items = sorted(truth.items())[:limit]
    out = {}
    for name, tool in tools.items():
        precisions, recalls = [], []
        for key, gold in items:
            body = gzip.decompress((AEB / "html" / f"{key}.html.gz").read_bytes())
            try:
                result = tool(body, gold.get("url") or "http://example.com/", {"Content-Type": "text/html; charset=utf-8"})
                predicted = result.get("body") or ""
            except Exception:
                predicted = ""
            want, got = _shingles(gold.get("articleBody", "")), _shingles(predicted)
            common = len(want & got)
            precisions.append(common / len(got) if got else (1.0 if not want else 0.0))
            recalls.append(common / len(want) if want else 1.0)
        p, r = sum(precisions) / len(items), sum(recalls) / len(items)
        out[name] = {"pages": len(items), "body_precision": p, "body_recall": r, "body_f1": 2 * p * r / (p + r) if p + r else 0.0}
    return out


COLUMNS = ("pages", "body_precision", "body_recall", "body_f1", "title", "published_day", "published_at", "source", "authors", "editors", "status_ok")
REAL_COLUMNS = ("pages", "body_f1", "title", "published_day", "published_minute", "source", "source_invented",
                "authors", "authors_false_names", "editors", "editors_false_names", "residue", "status_ok")


def table(title: str, results: dict, columns: tuple = COLUMNS) -> str:
    lines = [f"\n## {title}\n", "| tool | " + " | ".join(columns) + " |", "|---" * (len(columns) + 1) + "|"]
    for tool, figures in results.items():
        cells = []
        for column in columns:
            value = figures.get(column)
            cells.append("—" if value is None else (str(value) if isinstance(value, int) else f"{value:.3f}"))
        lines.append(f"| {tool} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", default="all", choices=["fixtures", "holdout", "gne", "real", "aeb", "all"])
    parser.add_argument("--tools", default=",".join(available()), help="comma-separated tool names")
    parser.add_argument("--json", default=str(ROOT / "bench" / "results" / "quality.json"))
    args = parser.parse_args(argv)
    tools = {k: v for k, v in available().items() if k in args.tools.split(",")}
    results = {}
    for corpus in ("fixtures", "holdout"):
        folder = ROOT / "tests" / corpus
        if args.corpus in (corpus, "all") and folder.is_dir():
            results[corpus] = chinese(load_corpus(folder), tools)
            print(table(f"{corpus} ({folder.relative_to(ROOT)})", results[corpus]))
    cases = gne_cases() if args.corpus in ("gne", "all") else []
    if cases:
        results["gne"] = chinese(cases, tools)
        print(table(f"gne: {len(cases)} real pages (../shared/bench/gne, gold in bench/gne-gold)", results["gne"]))
    cases = corpus_cases("real") if args.corpus in ("real", "all") else []
    if cases:
        results["real"] = chinese(cases, tools)
        print(table(f"real: {len(cases)} real pages (../shared/bench/real-zh-dev, gold in bench/real-gold)",
                    results["real"], REAL_COLUMNS))
    if args.corpus in ("aeb", "all") and AEB.is_dir():
        aeb_tools = {k: v for k, v in tools.items() if k != "gne"}  # GNE targets Chinese pages only
        results["aeb"] = aeb(aeb_tools)
        print(table("AEB (English, 4-token shingles)", results["aeb"]))
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(results, ensure_ascii=False, indent=2), "utf-8")
    print(f"\nwritten: {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
