"""Many sites in one run, end to end: five replica sites on 127.0.0.1 (a port each), a sites file
naming them, and a real `workercrawl crawl --all --sites FILE --parallel 5` process. The sites'
server records when each request arrived and was answered, per port: never more requests in
flight per site than CONCURRENT_REQUESTS_PER_DOMAIN (a server that reads a request late only
shortens what it sees in flight, so this can only under-count). The crawl records when each request
left (bench/manysites_probe.py): two requests to a site never leave closer than DOWNLOAD_DELAY
(the server's own times can lag on a loaded machine, so they are not used for the gaps)."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from manysites import ENTRY, Recorder, in_flight, serve  # noqa: E402  (bench/manysites.py: the same replicas)
from sitegen import generate  # noqa: E402

PER_DOMAIN = 2
DELAY = 0.2
# The probe stamps a request a moment after the downloader let it go (the HTTP handler call): two
# stamps can sit up to that moment closer than the gates that released them.
PROBE_OFFSET = 0.002


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
    sent_log = tmp_path / "sent.jsonl"
    env = {**os.environ, "MANYSITES_PROBE": str(sent_log),
           "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "bench"), os.environ.get("PYTHONPATH", "")])}
    env.pop("WORKERCRAWL_SITES", None)
    try:
        result = subprocess.run(
            [sys.executable, "-m", "workercrawl.cli", "crawl", "--all", "--sites", str(sites_file), "--parallel", "5",
             "--db", str(db), "-s", f"CONCURRENT_REQUESTS_PER_DOMAIN={PER_DOMAIN}", "-s", f"DOWNLOAD_DELAY={DELAY}",
             "-s", f"AUTOTHROTTLE_START_DELAY={DELAY}", "-s", "AUTOTHROTTLE_ENABLED=0", "-s", "LOG_LEVEL=WARNING",
             "-s", 'EXTENSIONS={"workercrawl.quietlogs.QuietNetworkLogs": 0, "manysites_probe.Probe": 10}'],
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
    sent: dict[int, list[float]] = {}
    for line in sent_log.read_text("utf-8").splitlines():
        row = json.loads(line)
        sent.setdefault(urlsplit(row["url"]).port, []).append(row["t"])
    for key, spans in logs.items():
        assert len(spans) == 14, (key, [p for _, _, p in spans])  # robots.txt, the list, 12 articles
        # Requests overlapped (latency 0.4 s > delay 0.2 s), and never more than the setting.
        assert in_flight(spans) == PER_DOMAIN, key
        left = sorted(sent[ports[key]])
        assert len(left) == 14, key
        assert min(b - a for a, b in zip(left, left[1:])) >= DELAY - PROBE_OFFSET, key
    # The sites were crawled at the same time, not one after the other.
    first_end = min(max(e for _, e, _ in spans) for spans in logs.values())
    last_start = max(min(s for s, _, _ in spans) for spans in logs.values())
    assert last_start < first_end
