"""`workercrawl crawl`: run the configured spiders in turn, one at a time, and judge each run.

Each spider runs as a `python -m scrapy crawl` subprocess (a fresh reactor per run, and a crash
stays in the child). A lock file beside the database keeps scheduled runs from overlapping: the
lock is an flock, released by the kernel when the process dies, so a killed run never leaves a
stale lock behind.
"""

from __future__ import annotations

import fcntl
import json
import os
import signal
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from . import health


class ScheduleError(Exception):
    """A one-line reason a scheduled crawl cannot start."""


@dataclass
class Target:
    label: str                   # what the user named: a sites.toml KEY (workercn, grrb, nfgb…)
    spider: str                  # the Scrapy spider
    args: dict = field(default_factory=dict)


def available() -> dict[str, Target]:
    """Every crawl `workercrawl crawl` knows: each supported sites.toml entry, in file order.
    The registry says which spider runs it (a dedicated one such as `workercn`, else `sites`)."""
    from .sites import catalog, spider_for

    return {row["key"]: Target(row["key"], *spider_for(row["key"]))
            for row in catalog() if not row["unsupported"]}


def targets(names: tuple[str, ...], everything: bool) -> list[Target]:
    known = available()
    if everything and names:
        raise ScheduleError("give --all or spider names, not both")
    if everything:
        return list(known.values())
    if not names:
        raise ScheduleError(f"name the spiders to run, or --all ({', '.join(known)})")
    unknown = [n for n in names if n not in known]
    if unknown:
        raise ScheduleError(f"unknown spider {unknown[0]!r}; known: {', '.join(known)}")
    return [known[n] for n in dict.fromkeys(names)]


def pairs(values: tuple[str, ...], option: str) -> dict[str, str]:
    """('NAME=VALUE', …) → {NAME: VALUE}."""
    out = {}
    for value in values:
        name, sep, rest = value.partition("=")
        if not sep or not name.strip():
            raise ScheduleError(f"{option} takes NAME=VALUE, got {value!r}")
        out[name.strip()] = rest
    return out


@contextmanager
def crawl_lock(path: Path):
    """Hold an exclusive lock on `path` for the block, or raise ScheduleError at once."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(path, "a+")
    except OSError as exc:
        raise ScheduleError(f"{path}: cannot create the lock file ({exc.strerror})") from None
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "?"
            raise ScheduleError(f"another workercrawl crawl is running (pid {holder}, lock {path}); "
                                "not starting a second one") from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        yield handle
    finally:
        handle.close()


def scrapy_command(target: Target, args: dict, settings: dict) -> list[str]:
    cmd = [sys.executable, "-m", "scrapy", "crawl", target.spider]
    for name, value in {**target.args, **args}.items():
        cmd += ["-a", f"{name}={value}"]
    for name, value in settings.items():
        cmd += ["-s", f"{name}={value}"]
    return cmd


def _start(target: Target, args: dict, settings: dict, echo, lock=None, output=None) -> "_Running":
    env = dict(os.environ)
    env.setdefault("SCRAPY_SETTINGS_MODULE", "workercrawl.settings")
    echo(f"{target.label}: crawling ({target.spider})")
    folder = tempfile.TemporaryDirectory(prefix="workercrawl-verdict-")
    verdict_file = Path(folder.name) / "verdict.json"
    command = scrapy_command(target, args, {**settings, "WORKERCRAWL_VERDICT_FILE": str(verdict_file)})
    child = subprocess.Popen(command, env=env, pass_fds=(lock.fileno(),) if lock is not None else (),
                             stdout=output, stderr=output)
    return _Running(target, child, folder, verdict_file)


@dataclass
class _Running:
    target: Target
    child: subprocess.Popen
    folder: tempfile.TemporaryDirectory
    verdict_file: Path

    def verdict(self, code: int) -> health.Verdict:
        """The verdict the crawl wrote (FAILED when it wrote none or exited non-zero)."""
        try:
            verdict = health.Verdict.from_dict(json.loads(self.verdict_file.read_text("utf-8")))
        except (OSError, ValueError):
            verdict = health.Verdict(None, self.target.label)
            verdict.flag(health.FAILED, f"scrapy exited with status {code} and gave no verdict (killed?)")
        finally:
            self.folder.cleanup()
        if code != 0 and verdict.status != health.FAILED:
            verdict.flag(health.FAILED, f"scrapy exited with status {code}")
            verdict.summary = None
        return verdict


def run_one(target: Target, args: dict, settings: dict, echo, lock=None, output=None) -> health.Verdict:
    """Run one spider to completion; its verdict is the one the crawl itself printed (written
    to a verdict file), so `workercrawl crawl` and `scrapy crawl` always agree.

    The crawl inherits the lock (`lock`, the open lock file): an flock belongs to the open file,
    so a crawl whose parent was killed still holds it and no second run starts beside it.
    SIGTERM (systemd stopping the service, `kill`) is passed on: the crawl stops gracefully and
    prints its verdict, and raises Interrupted here so no further spider starts.
    `output` (an open file): where the crawl's log goes instead of this process's stderr."""
    running = _start(target, args, settings, echo, lock, output)
    stopped = []

    def forward(signum, frame):
        stopped.append(signum)
        running.child.send_signal(signum)

    previous = signal.signal(signal.SIGTERM, forward)
    try:
        code = running.child.wait()
    finally:
        signal.signal(signal.SIGTERM, previous)
    verdict = running.verdict(code)
    if stopped:
        raise Interrupted(verdict)
    return verdict


def run_many(targets: list[Target], args: dict, settings: dict, echo, lock=None, parallel: int = 1,
             done=None) -> list[health.Verdict]:
    """Run the spiders, up to `parallel` at a time (each its own `scrapy crawl` process, so each
    site keeps its own politeness: CONCURRENT_REQUESTS_PER_DOMAIN and DOWNLOAD_DELAY hold per
    site while the run as a whole stays busy). Verdicts in the order the runs end; `done(verdict)`
    is called as each ends. SIGTERM is passed on to every running crawl; no further one starts,
    and once they have all ended Interrupted carries the last verdict."""
    if parallel <= 1:
        verdicts = []
        for target in targets:
            verdicts.append(run_one(target, args, settings, echo, lock))
            if done:
                done(verdicts[-1])
        return verdicts
    waiting, running, verdicts, stopped = list(targets), [], [], []

    def forward(signum, frame):
        stopped.append(signum)
        for run in running:
            run.child.send_signal(signum)

    previous = signal.signal(signal.SIGTERM, forward)
    try:
        while waiting or running:
            while waiting and len(running) < parallel and not stopped:
                running.append(_start(waiting.pop(0), args, settings, echo, lock))
            if not running:
                break
            pid, status = os.wait()  # the next crawl to end (this process has no other children)
            for run in [r for r in running if r.child.pid == pid]:
                run.child.returncode = os.waitstatus_to_exitcode(status)
                running.remove(run)
                verdict = run.verdict(run.child.returncode)
                verdicts.append(verdict)
                if done and not stopped:
                    done(verdict)
    finally:
        signal.signal(signal.SIGTERM, previous)
    if stopped:  # every running crawl was stopped and has ended
        raise Interrupted(verdicts[-1] if verdicts else health.Verdict(None, "crawl"))
    return verdicts


class Interrupted(Exception):
    """SIGTERM during a run: that run's verdict, and no more runs."""

    def __init__(self, verdict: health.Verdict):
        super().__init__(verdict.line())
        self.verdict = verdict
