"""Score extraction against a golden corpus (tests/fixtures layout, see its README).

Body: token precision/recall/F1 (each CJK character a token); fields: exact match.
Shared by the quality-gate test and the benchmark scripts.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .extract.text import norm_space, tokens

FIELDS = ("title", "published_at", "source", "authors", "editors", "site", "channel", "pretitle", "subtitle")


@dataclass
class Case:
    name: str
    html: bytes
    url: str
    spec: dict
    headers: dict | None = None
    # pages 2..N: bytes, or (bytes, headers) when the spec gives a page its own headers
    more_pages: list = field(default_factory=list)

    @property
    def expected(self) -> dict:
        return self.spec.get("expected") or {}

    @property
    def family(self) -> str:
        return self.name.split("/", 1)[0]


def load_corpus(root: Path) -> list[Case]:
    cases = []
    for spec_path in sorted(Path(root).glob("*/*.json")):
        spec = json.loads(spec_path.read_text("utf-8"))
        html_path = spec_path.with_suffix(".html")
        if not html_path.exists():
            continue
        more = [_more_page(spec_path.parent, entry) for entry in spec.get("more_pages", [])]
        cases.append(Case(
            name=f"{spec_path.parent.name}/{spec_path.stem}", html=html_path.read_bytes(),
            url=spec["url"], spec=spec, headers=spec.get("headers"), more_pages=more,
        ))
    return cases


def _more_page(folder: Path, entry):
    """A `more_pages` entry: a file name, or {"file": name, "headers": {...}} for a page served
    with its own headers (extract_article takes it as a (body, headers) pair)."""
    if isinstance(entry, str):
        return (folder / entry).read_bytes()
    body = (folder / entry["file"]).read_bytes()
    return (body, entry["headers"]) if entry.get("headers") is not None else body


def prf(predicted: str, gold: str) -> tuple[float, float, float]:
    """Token precision, recall and F1 over multisets."""
    p, g = Counter(tokens(predicted or "")), Counter(tokens(gold or ""))
    if not p and not g:
        return 1.0, 1.0, 1.0
    common = sum((p & g).values())
    precision = common / sum(p.values()) if p else 0.0
    recall = common / sum(g.values()) if g else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def _norm(value):
    if isinstance(value, list):
        return [norm_space(str(v)) for v in value]
    if isinstance(value, str):
        return norm_space(value) or None
    return value


@dataclass
class Score:
    name: str
    status_ok: bool
    precision: float = 0.0
    recall: float = 0.0
    f1: float = 0.0
    fields: dict = field(default_factory=dict)  # field -> (ok, got, want)
    missing_with: list = field(default_factory=list)
    leaked_without: list = field(default_factory=list)


def score(case: Case, result: dict) -> Score:
    """Compare one extraction result (an Article/Rejection as dict) with its case."""
    want_status = case.spec.get("status", "article")
    got_status = result.get("status")
    if want_status != "article":
        ok = got_status == "rejected" and (result.get("reason") or "").startswith(case.spec.get("reason", ""))
        return Score(case.name, ok)
    if got_status != "article":
        return Score(case.name, False, fields={f: (False, None, case.expected.get(f)) for f in FIELDS if f in case.expected})
    body = result.get("body") or ""
    precision, recall, f1 = prf(body, case.expected.get("body", ""))
    fields = {}
    for name in FIELDS:
        if name in case.expected:
            got, want = _norm(result.get(name)), _norm(case.expected[name])
            if want == []:
                want = []
            fields[name] = (got == want or (not got and not want), got, want)
    if "published_at" in case.expected:
        # the day alone: what tools that return no time (trafilatura) can be compared on
        got, want = str(result.get("published_at") or "")[:10], str(case.expected["published_at"] or "")[:10]
        fields["published_day"] = (got == want, got or None, want or None)
        # to the minute: gold shows seconds only where the page does; a tool that adds :00 is right
        got, want = _minute(result.get("published_at")), _minute(case.expected["published_at"])
        fields["published_minute"] = (got == want, got, want)
    if "images" in case.expected:
        got = len(result.get("images") or [])
        fields["images"] = (got == case.expected["images"], got, case.expected["images"])
    flat = norm_space(body)
    return Score(
        case.name, True, precision, recall, f1, fields,
        missing_with=[s for s in case.spec.get("with", []) if norm_space(s) not in flat],
        leaked_without=[s for s in case.spec.get("without", []) if norm_space(s) in flat],
    )


def _minute(value) -> str | None:
    """An ISO time cut to the minute, its offset kept (a day alone stays a day)."""
    text = str(value or "")
    if not text:
        return None
    if "T" not in text:
        return text[:10]
    offset = text[19:] if len(text) > 19 and text[16] == ":" else text[16:]
    return text[:16] + offset


def _names_rates(articles: list[Score], field_name: str) -> dict:
    """Over the names a tool output for a field: the share not in the gold (false positives),
    and how many it output; pages whose gold leaves the field out are not rated."""
    output = wrong = 0
    for s in articles:
        if field_name not in s.fields:
            continue
        _, got, want = s.fields[field_name]
        got = got if isinstance(got, list) else ([got] if got else [])
        want = set(want if isinstance(want, list) else ([want] if want else []))
        output += len(got)
        wrong += sum(1 for name in got if name not in want)
    return {f"{field_name}_false_names": wrong / output if output else 0.0, f"{field_name}_names_output": output}


def summarize(scores: list[Score]) -> dict:
    """Corpus-level figures: mean body P/R/F1 over articles, exact-match rate per field."""
    articles = [s for s in scores if s.fields or s.f1]
    out = {"pages": len(scores), "status_ok": sum(s.status_ok for s in scores) / max(1, len(scores))}
    if articles:
        for key in ("precision", "recall", "f1"):
            out[f"body_{key}"] = sum(getattr(s, key) for s in articles) / len(articles)
        names = sorted({f for s in articles for f in s.fields})
        for name in names:
            rated = [s.fields[name][0] for s in articles if name in s.fields]
            out[name] = sum(rated) / len(rated)
        out["without_leaks"] = sum(len(s.leaked_without) for s in articles)
        out["with_missing"] = sum(len(s.missing_with) for s in articles)
        # boilerplate residue: the share of articles whose body keeps a `without` snippet
        out["residue"] = sum(1 for s in articles if s.leaked_without) / len(articles)
        for name in ("authors", "editors"):
            out.update(_names_rates(articles, name))
        # a source where the page names none: invented
        unnamed = [s for s in articles if "source" in s.fields and not s.fields["source"][2]]
        out["source_invented"] = (sum(1 for s in unnamed if s.fields["source"][1]) / len(unnamed)) if unnamed else 0.0
    return out
