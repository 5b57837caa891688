"""Shared fixtures: replica sites served on 127.0.0.1 and a `scrapy crawl` subprocess runner."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from workercrawl.demo import SITES  # the replicas `workercrawl demo` serves: workercn, grrb, ldwb, …
from workercrawl.demo.server import Hit, ReplicaServer  # noqa: F401  (tests import them from here)

TESTS = Path(__file__).parent
TEST_SITES = TESTS / "sites"  # replicas only the tests serve: union-b, union-c, antibot
PROJECT = TESTS.parent


def site_dir(name: str) -> Path:
    """The one copy of replica `name`: packaged (workercrawl/demo/sites) or test-only (tests/sites)."""
    return SITES / name if (SITES / name).is_dir() else TEST_SITES / name


def replica_file(path: str) -> Path:
    """replica_file("ldwb/content/…/content_301001.htm"): a file of a replica, by site and path."""
    name, _, rest = path.partition("/")
    return site_dir(name) / rest


@pytest.fixture
def replica():
    """replica("workercn") → (site server, spam-mirror server); both stopped after the test."""
    started: list[ReplicaServer] = []

    def start(name: str) -> tuple[ReplicaServer, ReplicaServer]:
        mirror = ReplicaServer(site_dir(name)).start()  # a spam mirror: same paths, another host
        site = ReplicaServer(site_dir(name), {b"__MIRROR__": mirror.url.encode()}).start()
        started.extend([site, mirror])
        return site, mirror

    yield start
    for server in started:
        server.stop()


FAST = {
    "DOWNLOAD_DELAY": "0",
    "AUTOTHROTTLE_ENABLED": "0",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "8",
    "RETRY_TIMES": "0",
    "LOG_LEVEL": "INFO",
}


@dataclass
class Crawl:
    db: Path
    raw: Path
    proc: subprocess.CompletedProcess


@pytest.fixture
def crawl(tmp_path):
    """crawl("workercn", start_url=…, **spider_args) runs `python -m scrapy crawl` to completion
    and checks its exit status (`expect`: 0, or 1 for a run that must fail) and verdict line."""

    def run(spider: str, settings: dict | None = None, expect: int = 0, **args) -> Crawl:
        db, raw = tmp_path / "workercrawl.db", tmp_path / "raw.db"
        cmd = [sys.executable, "-m", "scrapy", "crawl", spider]
        for key, value in args.items():
            cmd += ["-a", f"{key}={value}"]
        merged = {**FAST, "WORKERCRAWL_DB": str(db), "WORKERCRAWL_RAW_DB": str(raw), **(settings or {})}
        for key, value in merged.items():
            cmd += ["-s", f"{key}={value}"]
        env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "workercrawl.settings", "PYTHONPATH": str(PROJECT)}
        proc = subprocess.run(cmd, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
        assert proc.returncode == expect, proc.stderr[-4000:]
        verdicts = [line for line in proc.stderr.splitlines() if line.startswith("workercrawl: ")]
        assert len(verdicts) == 1 and (" FAILED " in verdicts[0]) == (expect == 1), proc.stderr[-4000:]
        return Crawl(db, raw, proc)

    return run
