"""`workercrawl serve` end to end: a database built by `workercrawl extract` of the test fixtures,
served on a free port, read by headless Chromium (Debian's `chromium`): the dashboard's charts
render as SVG with Chinese labels, an article page, a search with <mark>s, the articles table.
Screenshots go to tests/screenshots/ (git-ignored). Skipped only when no chromium is installed
(.ci/run installs it: apt-get install chromium fonts-noto-cjk)."""

from __future__ import annotations

import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest

ROOT = Path(__file__).parent.parent
SHOTS = Path(__file__).parent / "screenshots"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def env() -> dict:
    out = dict(os.environ)
    out["PYTHONPATH"] = str(ROOT) + (os.pathsep + out["PYTHONPATH"] if out.get("PYTHONPATH") else "")
    out.pop("WORKERCRAWL_DB", None)
    return out


def workercrawl(*args, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "workercrawl.cli", *args], capture_output=True, text=True,
                          env=env(), timeout=300, **kwargs)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# -- the command's refusals (no browser needed) ------------------------------------------------------

def test_serve_refuses_a_missing_or_foreign_database(tmp_path):
    missing = workercrawl("serve", str(tmp_path / "nothing.db"))
    assert missing.returncode == 1 and missing.stderr.count("\n") == 1 and "nothing.db" in missing.stderr
    foreign = tmp_path / "other.db"
    sqlite3.connect(foreign).execute("CREATE TABLE t (x)").connection.commit()
    refused = workercrawl("serve", str(foreign))
    assert refused.returncode == 1 and refused.stderr.count("\n") == 1 and "other.db" in refused.stderr
    assert "not a workercrawl" in refused.stderr and "not serving it" in refused.stderr
    assert "Traceback" not in refused.stderr


# -- the browser ------------------------------------------------------------------------------------

REPLICAS = ROOT / "workercrawl" / "demo" / "sites"
SYNDICATED = [
    ("grrb/papers/grrb/2024/05/20/1/news-2.html", "https://www.workercn.cn/papers/grrb/2024/05/20/1/news-2.html"),
    ("workercn/c/2024-05-20/7100010.shtml", "https://www.workercn.cn/c/2024-05-20/7100010.shtml"),
    ("acftu-people/n1/2024/0521/c67502-40230010.html", "http://acftu.people.com.cn/n1/2024/0521/c67502-40230010.html"),
]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (apt-get install -y chromium fonts-noto-cjk)")
    folder = tmp_path_factory.mktemp("serve")
    db = folder / "wc.db"  # not workercrawl.db: the plugin must not care
    built = workercrawl("extract", str(ROOT / "tests" / "fixtures"), "--db", str(db))
    assert built.returncode == 0, built.stderr[-2000:]
    for page, url in SYNDICATED:  # one 工人日报 report on three sites: a story for the chart and pages
        added = workercrawl("extract", str(REPLICAS / page), "--url", url, "--db", str(db))
        assert added.returncode == 0, added.stderr[-2000:]
    port = free_port()
    log = open(folder / "serve.log", "w")
    proc = subprocess.Popen([sys.executable, "-m", "workercrawl.cli", "serve", str(db), "--port", str(port)],
                            stdout=log, stderr=subprocess.STDOUT, env=env())
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(base + "/-/versions.json", timeout=2).read()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError((folder / "serve.log").read_text()[-2000:])
                time.sleep(0.2)
        yield {"base": base, "db": db, "folder": folder}
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def chromium(server, path: str, shot: str, height: int = 1400) -> str:
    """The DOM after scripts ran (virtual time lets vega-embed finish), and a screenshot."""
    SHOTS.mkdir(exist_ok=True)
    common = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
              "--hide-scrollbars", f"--user-data-dir={server['folder'] / ('profile-' + shot)}",
              "--virtual-time-budget=10000", f"--window-size=1400,{height}"]
    url = server["base"] + path
    dom = subprocess.run(common + ["--dump-dom", url], capture_output=True, text=True, timeout=120)
    assert dom.returncode == 0, dom.stderr[-2000:]
    shot_path = SHOTS / f"{shot}.png"
    taken = subprocess.run(common + [f"--screenshot={shot_path}", url], capture_output=True, text=True, timeout=120)
    assert taken.returncode == 0 and shot_path.stat().st_size > 10_000, taken.stderr[-2000:]
    return dom.stdout


def no_error(dom: str) -> None:
    assert "wc-chart-error" not in dom.replace('class="wc-chart-error"', "")  # the CSS name alone is fine
    assert "Chart failed" not in dom
    assert 'class="message-error"' not in dom and "Internal Server Error" not in dom


def test_dashboard_renders_charts_with_chinese_labels(server):
    dom = chromium(server, "/wc/-/dashboard?q=" + quote("劳动竞赛"), "dashboard", height=2600)
    no_error(dom)
    charts = re.findall(r'<div class="wc-chart[^"]*" id="chart-([\w-]+)"[^>]*>(.*?)</svg>', dom, re.S)
    assert {name for name, _ in charts} == {"per-week-site", "per-week-source", "people", "term", "reprinted", "runs"}
    for name, inner in charts:
        assert "<svg" in inner and 'class="marks"' in inner, name  # vega drew into it
        assert re.search(r"<path[^>]+d=\"M", inner), name  # with marks, not an empty frame
    svg_text = " ".join(re.findall(r"<text[^>]*>([^<]+)</text>", dom))
    for label in ("每周文章数", "按来源", "文章数", "记者/作者", "编辑", "「劳动竞赛」每月文章数", "抓取健康", "中工网",
                  "转载最多的报道", "中国工会新闻"):
        assert label in svg_text, label
    assert 'data-rendered="1"' in dom and dom.count('data-rendered="1"') == 6


def test_article_page_search_and_table_in_the_browser(server):
    con = sqlite3.connect(server["db"])
    url, title = con.execute("SELECT a.url, a.title FROM articles a JOIN article_aliases x ON x.article_url = a.url "
                             "ORDER BY a.url LIMIT 1").fetchone()
    alias = con.execute("SELECT url FROM article_aliases WHERE article_url = ?", [url]).fetchone()[0]
    con.close()
    from datasette.utils import tilde_encode

    article = chromium(server, "/wc/articles/" + tilde_encode(url), "article")
    no_error(article)
    assert f"<h1>{title}</h1>" in article
    assert "其他网址" in article and alias in article  # article_aliases
    assert len(re.findall(r"<p>[^<]{10,}</p>", article)) >= 2  # the body as paragraphs

    search = chromium(server, "/wc/search?q=" + quote("劳动竞赛") + "&since=&limit=", "search")
    no_error(search)
    assert search.count("<mark>劳动竞赛</mark>") >= 2 and "[劳动竞赛]" not in search
    scores = [float(s) for s in re.findall(r'class="wc-relevance"[^>]*>([^<]+)<', search)]
    assert scores and all(s > 0 for s in scores) and scores == sorted(scores, reverse=True)
    assert 'id="sql-editor"' not in search and "WITH hits AS" not in search

    table = chromium(server, "/wc/articles", "articles")
    no_error(table)
    assert 'class="col-published_at' in table and 'class="col-title' in table and 'class="col-authors' in table
    assert 'class="col-body' not in table  # not on the first screen
    assert "column-descriptions" in table  # present but folded away by the plugin's CSS

    database = chromium(server, "/wc", "database")
    no_error(database)
    listed = re.findall(r'<h3><a href="/wc/([^"?]+)"', database)
    assert "articles" in listed and "_sqlite_migrations" not in listed and "article_search" not in listed
    assert 'href="/wc/-/dashboard"' in database
    assert listed[0] == "articles" and "select * from articles" in database  # not _sqlite_migrations


def test_story_page_and_an_article_in_a_story(server):
    con = sqlite3.connect(server["db"])
    story, copies = con.execute("SELECT id, copies FROM stories ORDER BY copies DESC LIMIT 1").fetchone()
    con.close()
    assert copies == 3
    page = chromium(server, f"/wc/stories/{story}", "story")
    no_error(page)
    assert "全总部署开展“工会进万家”系列活动" in page and page.count('<tr class="wc-original">') == 1
    assert all(url in page for _, url in SYNDICATED) and "+1 d" in page
    from datasette.utils import tilde_encode

    article = chromium(server, "/wc/articles/" + tilde_encode(SYNDICATED[1][1]), "article-in-story")
    no_error(article)
    assert "同一报道" in article and "3 copies on 3 sites" in article and f'href="/wc/stories/{story}"' in article


def test_ci_installs_chromium_before_the_readme_test_command():
    readme = (ROOT / "README.md").read_text("utf-8")
    command = next(line for line in readme.splitlines() if line.endswith("python3 -m pytest") and "pip install" in line)
    ci = (ROOT / ".ci" / "run").read_text("utf-8")
    assert command in ci.splitlines()  # the exact line
    assert ci.index("apt-get install -y chromium fonts-noto-cjk") < ci.index(command)
