"""The demo: every site family's replica served on 127.0.0.1, crawled by the real spiders.

One ReplicaServer per family (threads of this process), then one `python -m scrapy crawl`
per family, in turn, exactly as `workercrawl crawl KEY` runs it (schedule.run_one), with
`-a start_url=<the replica>` and the politeness delays off for the local servers only. Crawl
logs go to NAME.log beside the database; the verdict lines are printed.

A family passes when its run is OK *and* it found articles: stored now, or (a re-run) already
stored and skipped as known, *and* the database holds articles of its server. Anything else —
a dead port, a wrong start URL that answers 404, a site whose template no longer reads — fails
the whole demo with one line and exit status 1, never a quiet "OK (0 articles)".

Re-runs are incremental: each family's server takes the port its last demo run used (read
from the runs table), so the URLs are the same and known articles are not fetched again.
--fresh deletes the demo database, its raw file and log first.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from . import SITES
from .server import ReplicaServer

DEFAULT_DB = "data/demo.db"
# Local servers only: no politeness delay, no throttle, no retries of a refused connection.
SETTINGS = {"DOWNLOAD_DELAY": "0", "AUTOTHROTTLE_ENABLED": "0", "CONCURRENT_REQUESTS_PER_DOMAIN": "8",
            "RETRY_TIMES": "0", "LOG_LEVEL": "INFO"}
LOCAL = "127.0.0.1"
NEXT = ("workercrawl search 工会 --db {db}", "workercrawl stats --db {db}", "workercrawl serve {db}")


@dataclass(frozen=True)
class Family:
    key: str                    # what the demo calls it (a sites.toml KEY, or the generic crawl's replica)
    replica: str                # folder under workercrawl/demo/sites
    site: str | None            # sites.toml KEY whose spider runs it; None: the generic crawl
    starts: tuple[str, ...]     # start paths on the replica
    what: str
    args: dict = field(default_factory=dict)


FAMILIES = (
    Family("workercn", "workercn", "workercn", ("/acftu", "/27/27.shtml"),
           "中工网: new /c/ pages, old per-channel pages (GBK, a two-page article), e-paper articles"),
    Family("grrb", "grrb", "grrb", ("/",), "工人日报 e-paper, issue 2024-05-20", {"date": "2024-05-20"}),
    Family("ldwb", "ldwb", "ldwb", ("/",), "劳动午报, a Founder e-paper, issue 2024-05-20", {"date": "2024-05-20"}),
    Family("acftu-people", "acftu-people", "acftu-people", ("/GB/67502/index.html",), "中国工会新闻 on people.cn (GBK)"),
    Family("nfgb", "nfgb", "nfgb", ("/yw/",), "南方工报"),
    Family("bjzgh", "bjzgh", "bjzgh", ("/ghzz/bjgt/xwdt/",), "北京市总工会, a site added by configuration only"),
    Family("union-a", "union-a", None, ("/",), "an unknown union site (东川市总工会): the generic crawl"),
)
KEYS = tuple(f.key for f in FAMILIES)


class DemoError(Exception):
    """A one-line reason the demo cannot run or did not work."""


@dataclass
class Outcome:
    family: Family
    start_url: str
    origin: str                 # scheme://host:port of its server: the family's articles start with it
    verdict: object = None      # health.Verdict
    found: int = 0              # articles this run stored or skipped as already stored
    stored: int = 0             # articles of this server in the database
    problem: str | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


def target_of(family: Family):
    from ..schedule import Target, available

    if family.site is None:
        return Target(family.key, "sites", {})
    target = available()[family.site]
    return Target(family.key, target.spider, dict(target.args))


def judge(outcome: Outcome, run: dict | None) -> None:
    """outcome.problem: why this family did not work, or None."""
    verdict = outcome.verdict
    stats = (run or {}).get("stats") or {}
    outcome.found = ((run or {}).get("articles") or 0) + stats.get("workercrawl/skipped_known", 0)
    if verdict is None or verdict.status != "ok":
        why = "; ".join(verdict.reasons) if verdict is not None and verdict.reasons else "see the crawl log"
        outcome.problem = f"the run {verdict.status.upper() if verdict else 'FAILED'} ({why})"
    elif outcome.found == 0 or outcome.stored == 0:
        outcome.problem = f"0 articles from {outcome.start_url} (a wrong start URL? nothing there reads as an article)"


def paths_of(db: Path) -> list[Path]:
    """The demo's files: the database, its raw file, their WAL/SHM files and the crawl log."""
    from ..store.store import derived_raw_path

    files = [db, derived_raw_path(db), db.with_suffix(".log")]
    return [Path(f"{f}{tail}") for f in files for tail in ("", "-wal", "-shm")]


def previous_ports(db: Path, timeout: float) -> dict[str, int]:
    """{family key: port} its last demo run used; DemoError when `db` is not a demo database."""
    if not db.exists():
        return {}
    from ..store import Store, StoreError

    try:
        store = Store(db, None, create=False, timeout=timeout)
    except StoreError as exc:
        raise DemoError(str(exc)) from None
    try:
        runs = store.runs_since(0)
    finally:
        store.close()
    ports = {}
    for run in runs:
        try:
            args = json.loads(run.get("args") or "{}")
        except ValueError:
            args = {}
        urls = [u for u in str(args.get("start_url") or "").split(",") if u]
        hosts = {urlsplit(u).hostname for u in urls}
        if hosts != {LOCAL}:
            raise DemoError(f"{db} is not a demo database (run {run['id']} crawled "
                            f"{', '.join(urls) or 'the real sites'}); give the demo its own --db")
        for family in FAMILIES:
            target = target_of(family)
            if run["spider"] == target.spider and args.get("site") == target.args.get("site"):
                ports[family.key] = urlsplit(urls[0]).port
    return ports


def serve(family: Family, port: int | None) -> ReplicaServer:
    root = SITES / family.replica
    # __MIRROR__ marks links to a spam mirror (the tests serve one): here a host that is never requested
    substitutions = {b"__MIRROR__": b"http://spam-mirror.invalid"}
    if port:
        try:
            return ReplicaServer(root, substitutions, port=port).start()
        except OSError:
            pass  # taken: another port, and these articles are stored again under it
    return ReplicaServer(root, substitutions).start()


def run(db: Path, *, fresh: bool = False, only: tuple[str, ...] = (), start_urls: dict[str, str] | None = None,
        timeout: float = 10.0, echo=print, note=print) -> list[Outcome]:
    """Serve and crawl the families (all, or `only`); returns one Outcome per family.
    `start_urls` {family: URL} replaces a family's replica start page (a dead port, a wrong path)."""
    from .. import schedule
    from ..store import Store, StoreError

    start_urls = dict(start_urls or {})
    unknown = [k for k in (*only, *start_urls) if k not in KEYS]
    if unknown:
        raise DemoError(f"unknown family {unknown[0]!r}; the demo's families: {', '.join(KEYS)}")
    families = [f for f in FAMILIES if not only or f.key in only]
    ports = previous_ports(db, timeout)  # refuses a database that is not the demo's, --fresh or not
    db.parent.mkdir(parents=True, exist_ok=True)
    lock = db.with_name(db.name + ".lock")
    servers: list[ReplicaServer] = []
    outcomes: list[Outcome] = []
    try:
        with schedule.crawl_lock(lock) as held:
            if fresh:
                for path in paths_of(db):
                    path.unlink(missing_ok=True)
                ports = {}
            for family in families:
                if family.key in start_urls:
                    url = start_urls[family.key]
                else:
                    server = serve(family, ports.get(family.key))
                    servers.append(server)
                    url = ",".join(server.url + path for path in family.starts)
                split = urlsplit(url.split(",")[0])
                outcomes.append(Outcome(family, url, f"{split.scheme}://{split.netloc}/"))
            settings = {**SETTINGS, "WORKERCRAWL_DB": str(db)}
            with open(db.with_suffix(".log"), "a", encoding="utf-8") as log:
                for outcome in outcomes:
                    log.write(f"\n== {time.strftime('%Y-%m-%d %H:%M:%S')} {outcome.family.key}: {outcome.start_url}\n")
                    log.flush()
                    args = {**outcome.family.args, "start_url": outcome.start_url}
                    outcome.verdict = schedule.run_one(target_of(outcome.family), args, settings, note, held, output=log)
                    line = outcome.verdict.line()  # the generic crawl's verdict names its spider, `sites`
                    echo(line if line.startswith(f"{outcome.family.key}: ") else f"{outcome.family.key}: {line.partition(': ')[2]}")
    except schedule.ScheduleError as exc:
        raise DemoError(str(exc)) from None
    except schedule.Interrupted as stop:
        raise DemoError(f"stopped by SIGTERM during {stop.verdict.spider}: {stop.verdict.line()}") from None
    finally:
        for server in servers:
            server.stop()
    try:
        store = Store(db, None, create=False, timeout=timeout)
    except StoreError as exc:
        raise DemoError(str(exc)) from None
    try:
        for outcome in outcomes:
            outcome.stored = store.articles_under(outcome.origin)
            judge(outcome, store.run(outcome.verdict.run_id) if outcome.verdict.run_id else None)
    finally:
        store.close()
    return outcomes


def report(db: Path, outcomes: list[Outcome]) -> list[str]:
    """What was stored: articles per family (this run's servers), per site, and what to try next."""
    from ..store import Store

    store = Store(db, True, create=False)
    try:
        stats, raw = store.stats(), store.raw_path
    finally:
        store.close()
    width = max(len(o.family.key) for o in outcomes)
    lines = [f"stored in {db} (raw pages: {raw}; crawl logs: {db.with_suffix('.log')}):"]
    for o in outcomes:
        lines.append(f"  {o.family.key:<{width}}  {o.stored:>3} articles  {o.family.what}")
    by_site = ", ".join(f"{row['site'] or '(none)'} {row['articles']}" for row in stats["by_site"])
    lines.append(f"  {stats['articles']} articles in all, by site: {by_site}")
    lines.append("next, try:")
    lines += [f"  {command.format(db=db)}" for command in NEXT]
    return lines


def failure(outcomes: list[Outcome], db: Path) -> str | None:
    """The one line a failed demo ends with, or None."""
    bad = [o for o in outcomes if not o.ok]
    if not bad:
        return None
    return (f"workercrawl demo FAILED: {'; '.join(f'{o.family.key}: {o.problem}' for o in bad)} "
            f"(crawl log: {db.with_suffix('.log')})")

