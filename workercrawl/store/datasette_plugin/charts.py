"""The dashboard's charts: SQL over a workercrawl database, and a Vega-Lite spec for each.

The data are queried on the server and inlined in the spec (no fetch from the page), so the
page works offline and a screenshot shows what the database held when it was served.
Rendered in the browser by the vendored vega-embed (static/), as SVG.
"""

from __future__ import annotations

DEFAULT_TERM = "工会"
TOP_SOURCES = 8
TOP_PEOPLE = 15
FONT = "Noto Sans CJK SC, Noto Sans SC, Source Han Sans SC, WenQuanYi Micro Hei, sans-serif"
CONFIG = {"font": FONT, "view": {"stroke": None}, "axis": {"labelFontSize": 11, "titleFontSize": 12},
          "title": {"fontSize": 14, "anchor": "start"}}

# Monday of the article's week: date(d, '-6 days', 'weekday 1') (weekday 1 = the next Monday, or d itself)
from ..schema import WEEK_EXPR as WEEK  # noqa: E402


def _per_week(column: str) -> str:
    """Articles per week and `column` (site or source), the top ones apart and the rest as 其他:
    counted per (week, column) first, straight from an index on the week expression (schema.py,
    0009), then folded: no date computed per article."""
    return f"""
WITH top AS (SELECT {column} FROM articles WHERE coalesce({column}, '') != ''
             GROUP BY {column} ORDER BY count(*) DESC LIMIT {TOP_SOURCES}),
per AS (SELECT {WEEK} AS week, {column}, count(*) AS n FROM articles
        WHERE published_at >= '1990' GROUP BY 1, 2)
SELECT week, CASE WHEN {column} IN (SELECT {column} FROM top) THEN {column} ELSE '其他' END AS {column},
       sum(n) AS articles
FROM per GROUP BY week, 2 ORDER BY week"""


PER_WEEK_SITE = _per_week("site")
PER_WEEK_SOURCE = _per_week("source")

PEOPLE = f"""
SELECT * FROM (
  SELECT name, CASE role WHEN 'author' THEN '记者/作者' ELSE '编辑' END AS role, count(*) AS articles,
         row_number() OVER (PARTITION BY role ORDER BY count(*) DESC, name) AS n
  FROM article_people GROUP BY name, role)
WHERE n <= {TOP_PEOPLE} ORDER BY role, articles DESC"""

# The dates of the matches from the narrow (id, published_at) index (schema.py, 0009; the
# search row's published_at is the article's, kept in step by a trigger).
TERM_TREND = """
SELECT substr(s.published_at, 1, 7) AS month, count(*) AS articles
FROM articles_fts
CROSS JOIN article_search AS s INDEXED BY idx_article_search_id_published_at ON s.id = articles_fts.rowid
WHERE articles_fts MATCH workercrawl_match(:q) AND s.published_at >= '1990'
GROUP BY month ORDER BY month"""

TOP_STORIES = 15
# The most reprinted stories, each bar split by the sites that printed a copy. The label keeps the
# story's id: two reports can share a headline.
REPRINTED = f"""
WITH top AS (SELECT id, title, copies, first_published_at FROM stories WHERE copies > 1
             ORDER BY copies DESC, first_published_at DESC, id LIMIT {TOP_STORIES})
SELECT top.id, '#' || top.id || ' ' || substr(coalesce(top.title, ''), 1, 22) AS story,
       coalesce(a.site, '?') AS site, count(*) AS copies, top.first_published_at
FROM top JOIN articles AS a ON a.story_id = top.id
GROUP BY top.id, a.site ORDER BY top.copies DESC, top.id"""

RUNS = """
SELECT id, '#' || id || ' ' || coalesce(nullif(finish_reason, ''), '未结束') AS run,
       coalesce(finish_reason, '') AS finish_reason, spider, started_at,
       '文章 articles' AS category, coalesce(articles, 0) AS n
FROM (SELECT * FROM runs ORDER BY id DESC LIMIT 30)
UNION ALL
SELECT r.id, '#' || r.id || ' ' || coalesce(nullif(r.finish_reason, ''), '未结束'),
       coalesce(r.finish_reason, ''), r.spider, r.started_at,
       '拒绝 ' || coalesce(j.reason, '?'), count(*)
FROM (SELECT * FROM runs ORDER BY id DESC LIMIT 30) AS r JOIN rejects AS j ON j.run_id = r.id
GROUP BY r.id, j.reason
ORDER BY 1"""


def fill_months(values: list[dict]) -> list[dict]:
    """Months without a match as 0, from the first month with one to the last: a trend, not dots."""
    counts = {v["month"]: v["articles"] for v in values if v.get("month") and len(v["month"]) == 7}
    if not counts:
        return []
    year, month = map(int, min(counts).split("-"))
    out, last = [], max(counts)
    while (key := f"{year:04d}-{month:02d}") <= last:
        out.append({"month": key, "articles": counts.get(key, 0)})
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


async def rows(db, sql: str, params=None) -> list[dict]:
    return [dict(r) for r in await db.execute(sql, params or {})]


def _stacked(title: str, values: list[dict], color: str, color_title: str) -> dict:
    return {
        "title": title,
        "data": {"values": values},
        "mark": {"type": "bar", "tooltip": True, "width": 3},
        "width": 640, "height": 260,
        "encoding": {
            "x": {"field": "week", "type": "temporal", "title": "周（周一）", "axis": {"format": "%Y-%m"}},
            "y": {"field": "articles", "type": "quantitative", "title": "文章数", "axis": {"tickMinStep": 1}},
            "color": {"field": color, "type": "nominal", "title": color_title},
        },
        "config": CONFIG,
    }


async def build(db, q: str) -> dict[str, dict]:
    """{chart id: Vega-Lite spec (+ title_zh, note for the page)}, in page order."""
    specs = {}
    specs["per-week-site"] = _stacked(f"每周文章数 · 按网站（前 {TOP_SOURCES}）", await rows(db, PER_WEEK_SITE), "site", "网站")
    specs["per-week-source"] = _stacked(f"每周文章数 · 按来源（前 {TOP_SOURCES}）",
                                        await rows(db, PER_WEEK_SOURCE), "source", "来源")
    specs["people"] = {
        "title": f"记者与编辑 · 文章最多的 {TOP_PEOPLE} 位",
        "data": {"values": await rows(db, PEOPLE)},
        "facet": {"column": {"field": "role", "type": "nominal", "title": None}},
        "spec": {
            "mark": {"type": "bar", "tooltip": True}, "width": 280,
            "encoding": {
                "y": {"field": "name", "type": "nominal", "sort": "-x", "title": None},
                "x": {"field": "articles", "type": "quantitative", "title": "文章数"},
                "color": {"field": "role", "type": "nominal", "legend": None},
            },
        },
        "resolve": {"scale": {"y": "independent"}},
        "config": CONFIG,
    }
    specs["term"] = {
        "title": f"「{q}」每月文章数",
        "data": {"values": fill_months(await rows(db, TERM_TREND, {"q": q}))},
        "mark": {"type": "line", "point": True, "tooltip": True},
        "width": 640, "height": 220,
        "encoding": {
            "x": {"field": "month", "type": "temporal", "timeUnit": "yearmonth", "title": "月份",
                  "axis": {"format": "%Y-%m", "tickCount": "month", "labelOverlap": True}},
            "y": {"field": "articles", "type": "quantitative", "title": "含该词的文章",
                  "axis": {"tickMinStep": 1, "format": "d"}},
        },
        "config": CONFIG,
    }
    reprinted = await rows(db, REPRINTED) if await db.table_exists("stories") else []
    specs["reprinted"] = {
        "title": f"转载最多的报道 · 前 {TOP_STORIES} 篇（按网站）",
        "data": {"values": reprinted},
        "mark": {"type": "bar", "tooltip": True},
        "width": 560, "height": {"step": 22},
        "encoding": {
            "y": {"field": "story", "type": "nominal", "title": None, "sort": "-x"},
            "x": {"field": "copies", "type": "quantitative", "title": "篇数（含原文）",
                  "aggregate": "sum", "axis": {"tickMinStep": 1, "format": "d"}},
            "color": {"field": "site", "type": "nominal", "title": "网站"},
            "tooltip": [{"field": "story"}, {"field": "site"}, {"field": "first_published_at"},
                        {"field": "copies", "type": "quantitative", "aggregate": "sum"}],
        },
        "config": CONFIG,
    }
    specs["runs"] = {
        "title": "抓取健康 · 最近 30 次运行（文章与拒绝原因）",
        "data": {"values": await rows(db, RUNS)},
        "mark": {"type": "bar", "tooltip": True},
        "width": 640, "height": 260,
        "encoding": {
            "x": {"field": "run", "type": "ordinal", "title": "运行（结束原因）", "sort": {"field": "id"},
                  "axis": {"labelAngle": -45}},
            "y": {"field": "n", "type": "quantitative", "title": "页面数"},
            "color": {"field": "category", "type": "nominal", "title": "结果"},
            "tooltip": [{"field": "run"}, {"field": "spider"}, {"field": "started_at"},
                        {"field": "category"}, {"field": "n", "type": "quantitative"}],
        },
        "config": CONFIG,
    }
    notes = {
        "per-week-site": "Articles per week (weeks start on Monday) by publishing site, the eight biggest; the rest as 其他.",
        "per-week-source": "Articles per week by 来源, the eight commonest sources; the rest as 其他.",
        "people": "Top reporters and editors (article_people).",
        "term": "Articles per month containing the search term (the same matching as the search query).",
        "reprinted": "The most reprinted stories (one report on several papers and sites), copies per site; the original counts as one.",
        "runs": "Crawl health: articles stored and pages rejected (by reason) in each run; the label is the run's finish_reason.",
    }
    for key, spec in specs.items():
        spec["title_zh"] = spec["title"]
        spec["note"] = notes[key]
    return specs
