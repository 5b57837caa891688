"""The datasette plugin: workercrawl's metadata, canned queries, search functions, templates,
readable defaults and a chart dashboard, on every workercrawl database whatever its file name.

Registered through the `datasette` entry point in pyproject.toml, so with workercrawl installed
`workercrawl serve FILE` (or plain `datasette FILE`) gets all of it. A package, not a module:
datasette serves a plugin package's `static/` folder (at /-/static-plugins/<module>/) and adds its
`templates/` folder to the template search path.

Which databases: at startup every attached database is asked for the `_sqlite_migrations` rows
of migration set "workercrawl"; `get_metadata` then hands the `database` block of metadata.yml
to each of those under its own name (workercrawl.db, wc.db, 2024-archive.db …). A database
without those rows is left as datasette shows it.
"""

from __future__ import annotations

import contextvars
import json
import re
import weakref
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

import yaml
from datasette import hookimpl
from datasette.utils.asgi import Response
from markupsafe import Markup, escape

from .. import stories
from ..search import query_words, register_functions, tokens
from . import charts

HERE = Path(__file__).parent
_static_name: str | None = None
MIGRATION_SET = "workercrawl"
# The articles table's first screen: what an analyst reads a row by (url, the key, is always shown)
ARTICLE_COLUMNS = ("published_at", "site", "channel", "source", "title", "authors")

_metadata: dict | None = None
_ours: "weakref.WeakKeyDictionary[object, set[str]]" = weakref.WeakKeyDictionary()


def metadata() -> dict:
    """metadata.yml, parsed once: top-level title/description, and `database` (the per-database block)."""
    global _metadata
    if _metadata is None:
        _metadata = yaml.safe_load((HERE / "metadata.yml").read_text("utf-8"))
    return _metadata


def static(datasette, path: str) -> str:
    """URL of a file in static/. datasette mounts it under the plugin's name: the distribution's
    ("workercrawl") when installed through the entry point, else the module's."""
    global _static_name
    if _static_name is None:
        from datasette.plugins import get_plugins

        names = [p["name"] for p in get_plugins() if p["static_path"] and Path(p["static_path"]) == HERE / "static"]
        _static_name = names[0] if names else __name__
    return datasette.urls.static_plugins(_static_name, path)


def workercrawl_databases(datasette) -> set[str]:
    """Names of the attached databases that are workercrawl stores (found at startup)."""
    return _ours.get(datasette, set())


async def detect(datasette) -> set[str]:
    found = set()
    for name, db in list(datasette.databases.items()):
        if name == "_internal" or db.is_memory:
            continue
        try:
            if not await db.table_exists("_sqlite_migrations"):
                continue
            rows = await db.execute("SELECT 1 FROM _sqlite_migrations WHERE migration_set = ? LIMIT 1",
                                    [MIGRATION_SET])
        except Exception:  # a locked, damaged or foreign file: not ours to describe
            continue
        if rows.first():
            found.add(name)
    _ours[datasette] = found
    return found


@hookimpl
def startup(datasette):
    async def inner():
        await detect(datasette)

    return inner


@hookimpl
def prepare_connection(conn):
    register_functions(conn)


@hookimpl
def get_metadata(datasette, key, database, table):
    names = workercrawl_databases(datasette)
    if not names:
        return {}
    meta = metadata()
    return {
        "title": meta["title"],
        "description_html": meta["description_html"],
        "databases": {name: with_dashboard_link(datasette, name, meta["database"]) for name in names},
    }


def with_dashboard_link(datasette, name: str, database: dict) -> dict:
    """The database's description, with a link to its dashboard (shown on the database page)."""
    href = escape(f"{datasette.urls.database(name)}/-/dashboard")
    return {**database, "description_html": f'{escape(database["description"])} '
                                             f'<a href="{href}"><b>Dashboard · 图表</b></a>'}


@hookimpl
def extra_css_urls(template, database, table, columns, view_name, request, datasette):
    return [static(datasette, "workercrawl.css")]


# -- the articles table: readable columns by default -------------------------------------------

@hookimpl
def asgi_wrapper(datasette):
    """GET /<db>/articles with no arguments → the same page with ?_col= the readable columns.

    datasette 0.65's metadata has no default column selection; a redirect keeps the choice
    visible in the URL, and the column menu ("Show all columns") still reaches url and body.
    """

    def wrap(app):
        async def redirect_articles(scope, receive, send):
            if scope["type"] == "http":  # the search's q, for render_cell (0.65 passes it no request)
                q = dict(parse_qsl(scope.get("query_string", b"").decode("utf-8", "replace"))).get("q")
                _query.set(q)
            if scope["type"] == "http" and scope.get("method") == "GET" and not scope.get("query_string"):
                for name in workercrawl_databases(datasette):
                    if scope.get("path") == datasette.urls.table(name, "articles"):
                        query = urlencode([("_col", c) for c in ARTICLE_COLUMNS] + [("_sort_desc", "published_at")])
                        location = f"{scope['path']}?{query}"
                        await send({"type": "http.response.start", "status": 302,
                                    "headers": [(b"location", location.encode("latin-1")),
                                                (b"content-type", b"text/plain")]})
                        await send({"type": "http.response.body", "body": b""})
                        return
            await app(scope, receive, send)

        return redirect_articles

    return wrap


# -- search results: <mark> highlights, positive relevance -------------------------------------

_BRACKETED = re.compile(r"\[([^\[\]\n]{1,40})\]")
_query: contextvars.ContextVar[str | None] = contextvars.ContextVar("workercrawl_query", default=None)


def markable(query: str | None) -> set[str] | None:
    """The words workercrawl_snippet brackets for this query (None: unknown, any [x] is a mark)."""
    if not query:
        return None
    words = query_words(query)
    return set(words) | {t for w in words for t in tokens(w)}


def mark_snippet(text: str, query: str | None = None) -> Markup:
    """workercrawl_snippet's [word] highlights as <mark>word</mark>: each piece of the article
    text is escaped first, only then are the marks added (page text is hostile input). With the
    query known, only its words are marks: brackets the article itself has stay brackets."""
    words = markable(query)
    out, last = [], 0
    for m in _BRACKETED.finditer(text):
        if words is not None and m.group(1) not in words:
            continue
        out.append(str(escape(text[last:m.start()])))
        out.append(f"<mark>{escape(m.group(1))}</mark>")
        last = m.end()
    out.append(str(escape(text[last:])))
    return Markup("".join(out))


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    if table is not None or database not in workercrawl_databases(datasette):
        return None
    keys = row.keys() if hasattr(row, "keys") else ()
    if column == "snippet" and isinstance(value, str):
        return mark_snippet(value, _query.get())
    if column == "title" and "snippet" in keys and "url" in keys and isinstance(value, str):
        from datasette.utils import tilde_encode  # the search's titles open the article page

        href = f"{datasette.urls.table(database, 'articles')}/{tilde_encode(row['url'])}"
        return Markup(f'<a href="{escape(href)}">{escape(value)}</a>')
    if column == "score" and "snippet" in keys and isinstance(value, (int, float)):
        # bm25 is negative, lower is better: show -bm25, higher is better
        return Markup(f'<span class="wc-relevance" title="bm25 {value:.4f}">{-value:.2f}</span>')
    return None


# -- the article page ----------------------------------------------------------------------------

def _safe_link(url: str | None) -> str | None:
    return url if isinstance(url, str) and re.match(r"https?://", url, re.I) else None


def _names(value) -> list[str]:
    try:
        names = json.loads(value) if isinstance(value, str) else (value or [])
    except ValueError:
        return [value] if value else []
    return [str(n) for n in names] if isinstance(names, list) else [str(names)]


async def article_page(datasette, database: str, url: str) -> dict | None:
    db = datasette.get_database(database)
    rows = await db.execute("SELECT * FROM articles WHERE url = ?", [url])
    row = rows.first()
    if row is None:
        return None
    article = dict(row)
    aliases = []
    if await db.table_exists("article_aliases"):
        aliases = [dict(r) for r in await db.execute(
            "SELECT url, reason, first_seen, last_seen FROM article_aliases WHERE article_url = ? ORDER BY url",
            [url])]
        for alias in aliases:
            alias["link"] = _safe_link(alias["url"])
    versions = (await db.execute("SELECT count(*) FROM article_versions WHERE url = ?", [url])).first()[0] \
        if await db.table_exists("article_versions") else 0
    story = await story_page(datasette, database, article.get("story_id")) if article.get("story_id") else None
    return {
        "row": article,
        "paragraphs": [p.strip() for p in (article.get("body") or "").split("\n") if p.strip()],
        "authors": _names(article.get("authors")),
        "editors": _names(article.get("editors")),
        "link": _safe_link(article.get("url")),
        "fetched_link": _safe_link(article.get("fetched_url")) if article.get("fetched_url") != article.get("url") else None,
        "aliases": aliases,
        "versions": versions,
        "story": story if story and story["row"]["copies"] > 1 else None,
    }


async def story_page(datasette, database: str, story_id) -> dict | None:
    """A story's row and its copies (each with its delay after the original and a link to its
    article page), or None."""
    from datasette.utils import tilde_encode

    db = datasette.get_database(database)
    if not await db.table_exists("stories"):
        return None
    row = (await db.execute("SELECT * FROM stories WHERE id = ?", [story_id])).first()
    if row is None:
        return None
    row = dict(row)
    copies = await db.execute_fn(lambda conn: stories.copies_of(conn, row["id"], row["original_url"],
                                                               row["first_published_at"]))
    for copy in copies:
        copy["page"] = f"{datasette.urls.table(database, 'articles')}/{tilde_encode(copy['url'])}"
        copy["link"] = _safe_link(copy["url"])
        if copy["original"]:
            copy["delay"] = "原文 original"
        elif copy["delay_hours"] is not None:
            copy["delay"] = f"+{copy['delay_hours']:g} h"
        elif copy["delay_days"] is not None:
            copy["delay"] = "当天 same day" if copy["delay_days"] == 0 else f"+{copy['delay_days']} d"
        else:
            copy["delay"] = "?"
    return {"row": row, "copies": copies,
            "page": f"{datasette.urls.table(database, 'stories')}/{row['id']}"}


@hookimpl
def extra_template_vars(template, database, table, columns, view_name, request, datasette):
    async def inner():
        ours = database in workercrawl_databases(datasette)
        out = {"workercrawl_databases": sorted(workercrawl_databases(datasette))}
        if ours:
            out["workercrawl_dashboard"] = datasette.urls.path(f"{datasette.urls.database(database)}/-/dashboard")
        if ours and view_name == "row" and table == "articles" and request is not None:
            from datasette.utils import urlsafe_components

            pks = urlsafe_components(request.url_vars.get("pks", ""))
            if len(pks) == 1:
                out["workercrawl_article"] = await article_page(datasette, database, pks[0])
        if ours and view_name == "row" and table == "stories" and request is not None:
            from datasette.utils import urlsafe_components

            pks = urlsafe_components(request.url_vars.get("pks", ""))
            if len(pks) == 1 and pks[0].isdigit():
                out["workercrawl_story"] = await story_page(datasette, database, int(pks[0]))
        return out

    return inner


# -- the dashboard -------------------------------------------------------------------------------

async def dashboard(datasette, request):
    database = request.url_vars["database"]
    if database not in workercrawl_databases(datasette):
        return Response.html(f"<p>{escape(database)}: not a workercrawl database</p>", status=404)
    q = (request.args.get("q") or "").strip() or charts.DEFAULT_TERM
    db = datasette.get_database(database)
    specs = await charts.build(db, q)
    vega_specs = {key: {k: v for k, v in spec.items() if k not in ("title_zh", "note")} for key, spec in specs.items()}
    payload = json.dumps(vega_specs, ensure_ascii=False).replace("<", "\\u003c").replace("&", "\\u0026")
    return Response.html(await datasette.render_template(
        "workercrawl_dashboard.html",
        {
            "database": database,
            "q": q,
            "charts": [{"id": key, "title": spec["title_zh"], "note": spec["note"]} for key, spec in specs.items()],
            "specs_json": Markup(payload),
            "vega": [static(datasette, f) for f in
                     ("vega.min.js", "vega-lite.min.js", "vega-embed.min.js")],
            "script": static(datasette, "dashboard.js"),
        },
        request=request,
    ))


async def dashboard_index(datasette, request):
    names = sorted(workercrawl_databases(datasette))
    if not names:
        return Response.html("<p>No workercrawl database is attached.</p>", status=404)
    return Response.redirect(f"{datasette.urls.database(names[0])}/-/dashboard")


@hookimpl
def register_routes(datasette):
    return [
        (r"^/-/dashboard$", dashboard_index),
        (r"^/(?P<database>[^/]+)/-/dashboard$", dashboard),
    ]
