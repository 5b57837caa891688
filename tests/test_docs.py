"""The documentation holds together: README's front page and docs/ link to files and headings
that exist, and README keeps the two set-up commands and every command's name."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"[`*_~]", "", heading.strip().lower())
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    found, fence = set(), False
    for line in path.read_text("utf-8").splitlines():
        if line.startswith("```"):
            fence = not fence
        elif not fence and re.match(r"^#{1,6} ", line):
            found.add(slug(line.lstrip("#")))
    return found


def test_every_relative_link_and_anchor_exists():
    for page in PAGES:
        text = re.sub(r"```.*?```", "", page.read_text("utf-8"), flags=re.S)
        for target in re.findall(r"\]\(([^)\s]+)\)", text):
            if target.startswith(("http://", "https://", "mailto:")):
                continue
            file, _, anchor = target.partition("#")
            path = (page.parent / file).resolve() if file else page
            assert path.exists(), f"{page.name}: link to missing {target}"
            if anchor and path.suffix == ".md":
                assert anchor in anchors(path), f"{page.name}: no heading #{anchor} in {path.name}"


def test_the_front_page_stays_a_front_page():
    readme = (ROOT / "README.md").read_text("utf-8")
    assert len(readme.encode("utf-8")) < 12_000, "README.md is the front page: move details to docs/"
    assert "python3 -m pip install -U pip && python3 -m pip install -e . && scrapy crawl workercn" in readme
    assert "python3 -m pip install -U pip && python3 -m pip install -e '.[test]' && python3 -m pytest" in readme
    assert readme.index("workercrawl demo") < readme.index("## Crawl")  # see it work first
