"""Many sites in one run, end to end: five replica sites on 127.0.0.1 (a port each), a sites file
naming them, and a real `workercrawl crawl --all --sites FILE --parallel 5` process. The sites'
server records when each request arrived and was answered, per port, so politeness is checked
from the sites' side: per site, never more requests in flight than CONCURRENT_REQUESTS_PER_DOMAIN,
and two requests never start closer than DOWNLOAD_DELAY."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from manysites import ENTRY, Recorder, in_flight, serve  # noqa: E402  (bench/manysites.py: the same replicas)
from sitegen import generate  # noqa: E402

PER_DOMAIN = 2
DELAY = 0.2
# The server stamps a request when its request line has been read; that can lag the client's
# send by a scheduling slice on a loaded machine, so a gap is allowed that much less.
CLOCK_SLACK = 0.03


def test_politeness_holds_per_site_when_many_sites_are_crawled_at_once(tmp_path):
    recorder, servers, entries, ports = Recorder(), [], [], {}
    for n in range(5):
        generate(tmp_path / f"site{n}", 12, seed=n)
        server, port = serve(tmp_path / f"site{n}", recorder, latency=0.4)  # slow enough to overlap
        servers.append(server)
        ports[f"replica{n}"] = port
        entries.append(ENTRY.format(key=f"replica{n}", n=n, port=port))
    sites_file = tmp_path / "sites.toml"
    sites_file.write_text("\n".join(entries), "utf-8")
    db = tmp_path / "many.db"
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    env.pop("WORKERCRAWL_SITES", None)
    try:
        result = subprocess.run(
            [sys.executable, "-m", "workercrawl.cli", "crawl", "--all", "--sites", str(sites_file), "--parallel", "5",
             "--db", str(db), "-s", f"CONCURRENT_REQUESTS_PER_DOMAIN={PER_DOMAIN}", "-s", f"DOWNLOAD_DELAY={DELAY}",
             "-s", f"AUTOTHROTTLE_START_DELAY={DELAY}", "-s", "AUTOTHROTTLE_ENABLED=0", "-s", "LOG_LEVEL=WARNING"],
            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    finally:
        for server in servers:
            server.shutdown()
    assert result.returncode == 0, result.stderr[-2000:]
    verdicts = [line for line in result.stdout.splitlines() if ": run " in line]
    assert len(verdicts) == 5 and all(" OK " in line for line in verdicts), result.stdout
    with sqlite3.connect(db) as conn:
        assert dict(conn.execute("SELECT site, count(*) FROM runs GROUP BY site")) == {f"replica{n}": 1 for n in range(5)}
        assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 5 * 12
    logs = {key: recorder.requests.get(port, []) for key, port in ports.items()}
    for key, spans in logs.items():
        assert len(spans) == 14, (key, [p for _, _, p in spans])  # robots.txt, the list, 12 articles
        # Requests overlapped (latency 0.4 s > delay 0.2 s), and never more than the setting.
        assert in_flight(spans) == PER_DOMAIN, key
        starts = sorted(s for s, _, _ in spans)
        gaps = [b - a for a, b in zip(starts, starts[1:])]
        assert min(gaps) >= DELAY - CLOCK_SLACK, (key, min(gaps))
    # The sites were crawled at the same time, not one after the other.
    first_end = min(max(e for _, e, _ in spans) for spans in logs.values())
    last_start = max(min(s for s, _, _ in spans) for spans in logs.values())
    assert last_start < first_end
