"""The quality gate: floors on the golden corpus (tests/fixtures, see its README).

Same figures as `python bench/quality.py` prints; a rule change that lowers them fails here.
"""

import re
from pathlib import Path

import pytest

from workercrawl.extract import extract_article
from workercrawl.quality import load_corpus, score, summarize

CORPUS = load_corpus(Path(__file__).parent / "fixtures")
FLOORS = {  # measured (the lower of a page's own host and a replica's), minus a small epsilon
    "body_f1": 0.995,
    "title": 0.995,
    "published_at": 0.99,
    "source": 0.975,   # a replica of a self-media page that names no host of its own: 0.983
    "editors": 0.995,
    "authors": 0.98,   # the same pages: 0.987
    "site": 0.96,      # 0.966 at a replica (127.0.0.1 when the page names no host), 0.990 at home
    "channel": 0.995,
}


def _replica(url: str) -> str:
    """The same page served by a local replica: the path survives, the host does not."""
    return re.sub(r"^https?://[^/]+", "http://127.0.0.1:8765", url)


@pytest.fixture(scope="module", params=["original host", "replica host"])
def scores(request):
    """Each page read at its own URL, and at a 127.0.0.1 URL as a replica crawl fetches it."""
    where = (lambda url: url) if request.param == "original host" else _replica
    return [
        score(case, extract_article(case.html, where(case.url), case.headers, case.more_pages).to_dict())
        for case in CORPUS
    ]


def test_corpus_is_big_and_varied():
    assert len(CORPUS) >= 40
    families = {case.family for case in CORPUS}
    for family in ("workercn-new", "workercn-old", "workercn-epaper", "nonarticle"):
        assert family in families
    assert sum(1 for c in CORPUS if c.family.startswith("generic-")) >= 12
    assert any(not _is_utf8(c.html) for c in CORPUS), "GBK-encoded pages belong in the corpus"


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


@pytest.mark.parametrize("name, floor", FLOORS.items())
def test_floor(scores, name, floor):
    figures = summarize(scores)
    assert figures[name] >= floor, f"{name} {figures[name]:.3f} < {floor}"


def test_every_page_gets_the_right_status(scores):
    wrong = [s.name for s in scores if not s.status_ok]
    assert not wrong


def test_no_boilerplate_in_any_body(scores):
    leaks = {s.name: s.leaked_without for s in scores if s.leaked_without}
    assert not leaks


def test_article_text_is_kept(scores):
    missing = {s.name: s.missing_with for s in scores if s.missing_with}
    assert not missing


def test_issue_16_rates_false_names_invented_sources_residue_and_minutes():
    from workercrawl.quality import Case, score, summarize

    spec = {"expected": {"body": "正文第一段。", "title": "题", "source": None, "authors": ["方敏", "王乐文"],
                         "editors": [], "published_at": "2024-05-20T09:41:00+08:00"},
            "without": ["扫码关注"]}
    case = Case(name="x", html=b"", url="http://x", spec=spec)
    got = score(case, {"status": "article", "body": "正文第一段。扫码关注", "title": "题", "source": "收录于合集",
                       "authors": ["方敏", "发布于北京经济日报官方账号"], "editors": [],
                       "published_at": "2024-05-20T09:41+08:00"})
    assert got.fields["published_minute"][0] and not got.fields["published_at"][0]
    rates = summarize([got])
    assert rates["authors_false_names"] == 0.5 and rates["authors_names_output"] == 2
    assert rates["source_invented"] == 1.0 and rates["residue"] == 1.0 and rates["editors_false_names"] == 0.0
