"""The quality gate on ../shared/bench/real-zh-dev: 100 real pages nobody here wrote (national,
provincial and portal news, self-media, blogs, tech media, old GBK pages and 20 non-articles),
scored against our hand-made gold (bench/real-gold, materialised by bench/gnegold.py).

First contact (before any rule was changed for them) is bench/results/quality-real-first-contact.json;
docs/benchmarks.md has both tables. The floors are the measured values minus one page's worth,
as trafilatura's evaluation gate pins its score; the rates that must stay low have ceilings.
Skipped when ../shared is absent (the product does not need it).
"""

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
import gnegold  # noqa: E402

from workercrawl.extract import extract_article  # noqa: E402
from workercrawl.quality import score, summarize  # noqa: E402

PAGES = gnegold.REAL_PAGES / "pages"
pytestmark = pytest.mark.skipif(not PAGES.is_dir(), reason="../shared/bench/real-zh-dev is absent")

FLOORS = {  # measured, minus about one page of the field's rated pages
    "body_f1": 0.92,
    "title": 0.90,
    "published_day": 0.93,
    "published_minute": 0.86,
    "source": 0.92,
    "authors": 0.91,
    "editors": 0.93,
    "status_ok": 0.95,
}
CEILINGS = {  # the limits: < 3% of names output are not names, < 3% invented sources
    "authors_false_names": 0.03,
    "editors_false_names": 0.03,
    "source_invented": 0.03,
    "residue": 0.07,
}


@pytest.fixture(scope="module")
def figures():
    cases = gnegold.corpus_cases("real")
    return summarize([score(c, extract_article(c.html, c.url, c.headers).to_dict()) for c in cases])


def test_every_dev_page_is_annotated():
    annotated = {json.loads(p.read_text("utf-8"))["page"] for p in gnegold.REAL_GOLD.glob("*.json")}
    pages = {f"pages/{p.name}" for p in PAGES.glob("*.html")}
    assert pages == annotated


def test_every_recipe_rebuilds_a_body():
    for case in gnegold.corpus_cases("real"):
        if case.spec.get("status", "article") == "article":
            assert len(case.expected["body"]) >= 50, case.name


@pytest.mark.parametrize("name, floor", FLOORS.items())
def test_floor(figures, name, floor):
    assert figures[name] >= floor, f"{name}: {figures[name]:.3f} < {floor}"


@pytest.mark.parametrize("name, ceiling", CEILINGS.items())
def test_ceiling(figures, name, ceiling):
    assert figures[name] <= ceiling, f"{name}: {figures[name]:.3f} > {ceiling}"
