"""Generate a large 中工网 replica site for crawl benchmarks, from the test replica's templates.

The list and article pages are the hand-made replica pages in workercrawl/demo/sites/workercn with their
headline list and article text swapped for generated ones, so the crawl sees real template
markup (nav, sidebars, footers) at any size.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPLICA = ROOT / "workercrawl" / "demo" / "sites" / "workercn"
LIST_TEMPLATE = REPLICA / "acftu" / "index.html"
ARTICLE_TEMPLATE = REPLICA / "c" / "2024-05-20" / "7100001.shtml"

_SUBJECTS = ["全国总工会", "省总工会", "市总工会", "区总工会", "产业工会", "企业工会", "基层工会", "职工服务中心"]
_ACTIONS = ["部署开展", "组织举办", "深入推进", "启动实施", "持续开展", "总结推广"]
_TOPICS = ["职工技能竞赛", "劳动和技能竞赛", "户外劳动者服务站点建设", "农民工欠薪治理", "职工书屋建设",
           "困难职工帮扶", "新就业形态劳动者入会", "劳模工匠进校园", "安康杯竞赛", "集体协商要约行动"]
_SENTENCES = [
    "{s}有关负责人表示，要把{t}作为服务职工的重要抓手，推动工作向一线延伸。",
    "据了解，今年以来全市共有{n}名职工参与{t}，覆盖企业{m}家。",
    "活动现场，来自{m}家企业的职工代表围绕{t}交流经验，气氛热烈。",
    "下一步，{s}将加强督促指导，及时总结推广{t}中的好经验好做法。",
    "“{t}让我们一线职工有了展示本领的舞台。”一名参赛职工说。",
    "通知要求，各级工会要坚持问题导向，切实把{t}办成职工满意的实事。",
]
_SOURCES = ["工人日报", "中工网", "新华社", "浙江工人日报", "央视网"]
_EDITORS = ["李方", "张天一", "王群", "刘畅"]


def _paragraphs(rng: random.Random, subject: str, topic: str) -> list[str]:
    out = []
    for _ in range(rng.randint(4, 9)):
        sentences = [rng.choice(_SENTENCES).format(s=subject, t=topic, n=rng.randint(100, 90000), m=rng.randint(5, 900))
                     for _ in range(rng.randint(2, 4))]
        out.append("".join(sentences))
    return out


def _article(template: str, title: str, when: dt.datetime, source: str, editor: str, paragraphs: list[str]) -> str:
    body = "\n".join(f"      <p>\u3000\u3000{p}</p>" for p in paragraphs)
    page = re.sub(r"<title>.*?</title>", f"<title>{title} - 工会 - 中工网</title>", template, count=1, flags=re.S)
    page = re.sub(r"<h1>.*?</h1>", f"<h1>{title}</h1>", page, count=1, flags=re.S)
    page = re.sub(r'<span class="time">.*?</span>', f'<span class="time">{when:%Y-%m-%d %H:%M:%S}</span>', page, count=1)
    page = re.sub(r'<span class="source">.*?</span>', f'<span class="source">来源: {source}</span>', page, count=1)
    page = re.sub(r'(<div class="ccontent">).*?(\n    </div>)', lambda m: m.group(1) + "\n" + body + m.group(2), page, count=1, flags=re.S)
    return re.sub(r'<div class="editor">.*?</div>', f'<div class="editor">编辑: {editor}</div>', page, count=1)


def _list_page(template: str, items: list[tuple[str, str, dt.datetime, str]], page: int, pages: int) -> str:
    lis = []
    for url, title, when, source in items:
        ident = url.rsplit("/", 1)[1].split(".")[0]
        lis.append(
            f'      <li id="li_{ident}">\n        <h3><a href="{url}" target="_blank">{title}</a></h3>\n'
            f'        <div class="info"><div class="info2">{when:%Y-%m-%d %H:%M:%S}'
            f"<span style='float:right'>{source}</span></div></div>\n      </li>"
        )
    html = re.sub(r'(<ul class="list" id="list">).*?(\n    </ul>)', lambda m: m.group(1) + "\n" + "\n".join(lis) + m.group(2), template, count=1, flags=re.S)
    pager = [f'<span class="cur">{page}</span>']
    if page < pages:
        pager.append(f'<a href="/acftu/index_{page + 1}.shtml">下一页</a>')
    return re.sub(r'(<div class="page" id="page">).*?(</div>)', lambda m: m.group(1) + "".join(pager) + m.group(2), html, count=1, flags=re.S)


def generate(folder: Path, articles: int, per_list: int = 20, seed: int = 7) -> list[Path]:
    """Write `articles` article pages and their channel list pages; return the article paths."""
    rng = random.Random(seed)
    article_template = ARTICLE_TEMPLATE.read_text("utf-8")
    list_template = LIST_TEMPLATE.read_text("utf-8")
    start = dt.datetime(2024, 6, 30, 18, 0, 0)
    items, paths = [], []
    for index in range(articles):
        when = start - dt.timedelta(minutes=37 * index)
        subject, topic = rng.choice(_SUBJECTS), rng.choice(_TOPICS)
        title = f"{subject}{rng.choice(_ACTIONS)}{topic}（{index + 1}）"
        url = f"/c/{when:%Y-%m-%d}/{8000000 + index}.shtml"
        source = rng.choice(_SOURCES)
        path = folder / url.lstrip("/")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(_article(article_template, title, when, source, rng.choice(_EDITORS), _paragraphs(rng, subject, topic)), "utf-8")
        items.append((url, title, when, source))
        paths.append(path)
    pages = max(1, -(-articles // per_list))
    (folder / "acftu").mkdir(parents=True, exist_ok=True)
    for page in range(1, pages + 1):
        name = "index.html" if page == 1 else f"index_{page}.shtml"
        chunk = items[(page - 1) * per_list: page * per_list]
        (folder / "acftu" / name).write_text(_list_page(list_template, chunk, page, pages), "utf-8")
    (folder / "robots.txt").write_text("User-agent: *\nDisallow: /preview/\n", "utf-8")
    return paths
