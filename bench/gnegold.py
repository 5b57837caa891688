"""Gold for the real Chinese news pages in ../shared/bench/gne/pages (they ship without any).

The pages are not ours to copy, so an annotation holds no article text: it is a recipe that
rebuilds the gold body from the page itself at benchmark time, plus the short facts a reader
sees on the page (title, time, source, names). One JSON file per page in bench/gne-gold/:

    {
      "page": "163/1.html",                      path under ../shared/bench/gne/pages
      "url": "https://...",                      the page's own canonical URL, or null
      "status": "article",                       or "rejected" (+ "reason") for a non-article
      "expected": {"title": ..., "published_at": "2019-05-07T09:30:00+08:00", "source": ...,
                   "authors": [...], "editors": [...]},   a key left out is not rated;
                                                 a page showing a date only: "2019-05-07";
                                                 seconds from a machine-readable time on the
                                                 page (meta, script) that agrees to the minute
      "body": {
        "include": ["//div[@id='endText']"],     XPath of the element(s) holding the article
        "exclude": ["//div[@id='endText']//div[@class='ep-source']"],   boilerplate inside them
        "drop": ["^责任编辑"]                     regexes: lines of the included text to drop
      },
      "notes": "who annotated, what the page has"
    }

    python bench/gnegold.py show 163/1        the gold a recipe yields (to check it by eye)
    python bench/gnegold.py check             every recipe resolves to a non-empty body
    python bench/gnegold.py --corpus real show 001-gov-kaili-zhaopin
                                              the same for ../shared/bench/real-zh-dev, gold in
                                              bench/real-gold/ ("page": "pages/001-....html")
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import lxml.html

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from workercrawl.extract.decode import decode_html  # noqa: E402
from workercrawl.quality import Case  # noqa: E402

PAGES = ROOT.parent / "shared" / "bench" / "gne" / "pages"
GOLD = ROOT / "bench" / "gne-gold"
# Issue 16's development corpus: real pages nobody here wrote, annotated the same way.
REAL_PAGES = ROOT.parent / "shared" / "bench" / "real-zh-dev"
REAL_GOLD = ROOT / "bench" / "real-gold"
CORPORA = {"gne": (GOLD, PAGES), "real": (REAL_GOLD, REAL_PAGES)}
_BLOCKS = {
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "table", "tr", "td",
    "th", "section", "article", "blockquote", "pre", "figure", "figcaption", "dd", "dt", "hr",
}
_NOISE = ("script", "style", "noscript", "template", "iframe", "textarea", "select", "button")


def _lines(element) -> list[str]:
    """Visible text of an element, one line per block element or <br>."""
    parts: list[str] = []

    def text(value: str | None) -> None:
        if value:  # a line break in the page's source is only whitespace
            parts.append(value.replace("\r", " ").replace("\n", " "))

    def walk(node):
        tag = node.tag if isinstance(node.tag, str) else None
        if tag is None or tag in _NOISE:
            text(node.tail)
            return
        if tag in _BLOCKS:
            parts.append("\n")
        text(node.text)
        for child in node:
            walk(child)
        if tag in _BLOCKS:
            parts.append("\n")
        if node is not element:
            text(node.tail)

    walk(element)
    lines = (" ".join(line.replace("\u3000", " ").split()) for line in "".join(parts).split("\n"))
    return [line for line in lines if line]


def gold_body(html: bytes, recipe: dict) -> str:
    text, _ = decode_html(html, None)
    tree = lxml.html.fromstring(text)
    for xpath in recipe.get("exclude", []):
        for node in tree.xpath(xpath):
            if node.getparent() is not None:
                node.drop_tree()  # keeps the text that follows the element
    drops = [re.compile(p) for p in recipe.get("drop", [])]
    lines = []
    for xpath in recipe["include"]:
        for node in tree.xpath(xpath):
            lines.extend(line for line in _lines(node) if not any(d.search(line) for d in drops))
    return "\n".join(lines)


def load_cases(gold_dir: Path = GOLD, pages_dir: Path = PAGES, corpus: str = "gne") -> list[Case]:
    """Annotated pages as quality Cases (gold body rebuilt from the page); [] without ../shared."""
    cases = []
    if not pages_dir.is_dir():
        return cases
    for path in sorted(Path(gold_dir).glob("*.json")):
        spec = json.loads(path.read_text("utf-8"))
        page = pages_dir / spec["page"]
        if not page.exists():
            continue
        html = page.read_bytes()
        site, number = spec["page"].rsplit("/", 1)
        url = spec.get("url") or f"http://{site}.example.com/{number}"
        spec = dict(spec, url=url)
        if spec.get("status", "article") == "article":
            spec["expected"] = dict(spec.get("expected") or {}, body=gold_body(html, spec["body"]))
        cases.append(Case(name=f"{corpus}/{path.stem}", html=html, url=url, spec=spec))
    return cases


def corpus_cases(corpus: str) -> list[Case]:
    gold_dir, pages_dir = CORPORA[corpus]
    return load_cases(gold_dir, pages_dir, corpus)


def main(argv: list[str]) -> int:
    corpus = "gne"
    if argv[:1] == ["--corpus"] and len(argv) > 1:
        corpus, argv = argv[1], argv[2:]
        if corpus not in CORPORA:
            print(f"unknown corpus {corpus!r}; one of {', '.join(CORPORA)}", file=sys.stderr)
            return 2
    gold_dir = CORPORA[corpus][0]
    if argv[:1] == ["show"] and len(argv) == 2:
        name = Path(argv[1]).name.removesuffix(".html") if corpus == "real" else argv[1].replace("/", "-").removesuffix(".html")
        for case in corpus_cases(corpus):
            if case.name == f"{corpus}/{name}":
                print(json.dumps({k: v for k, v in case.spec.items() if k != "body"}, ensure_ascii=False, indent=2))
                return 0
        print(f"no annotation {gold_dir.relative_to(ROOT)}/{name}.json (or its page is missing)", file=sys.stderr)
        return 2
    if argv[:1] == ["check"]:
        bad = 0
        for case in corpus_cases(corpus):
            body = case.expected.get("body", "")
            if case.spec.get("status", "article") == "article" and len(body) < 50:
                print(f"{case.name}: gold body has {len(body)} characters")
                bad += 1
        print(f"{len(corpus_cases(corpus))} annotated pages, {bad} with a suspect body")
        return 1 if bad else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
