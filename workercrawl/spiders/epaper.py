"""E-paper arithmetic shared by every e-paper entry: which days a run covers, which issue a URL
belongs to, where an issue's first page is (also under a mirror), and 版次/版名 labels."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit, urlunsplit

CHINA = dt.timezone(dt.timedelta(hours=8))  # "today's issue" is a China day
_URL_DAY = re.compile(r"(?<!\d)((?:19|20)\d\d)[-/_]?(0[1-9]|1[0-2])[-/_]?(0[1-9]|[12]\d|3[01])(?!\d)")
_PAGE_LABEL = re.compile(r"第?\s*0*(\d{1,3})\s*版\s*[:：]?\s*(.*)$")


def china_today() -> dt.date:
    return dt.datetime.now(CHINA).date()


def parse_day(value: str, arg: str) -> dt.date:
    text = value.strip().replace("/", "-")
    if re.fullmatch(r"\d{8}", text):
        text = f"{text[:4]}-{text[4:6]}-{text[6:]}"
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"-a {arg} must be a date like 2024-05-20, got {value!r}") from None


def issue_dates(date=None, since=None, until=None, max_days=400, today=None) -> list[dt.date]:
    """The issue days one run covers (-a date, or -a since [-a until]), oldest first."""
    if date and (since or until):
        raise ValueError("give either -a date or -a since/-a until, not both")
    if date:
        return [parse_day(date, "date")]
    if not since and not until:
        return []
    first = parse_day(since, "since") if since else parse_day(until, "until")
    last = parse_day(until, "until") if until else (today or china_today())
    if first > last:
        raise ValueError(f"-a since ({first}) is after -a until ({last})")
    days = (last - first).days + 1
    if max_days and days > max_days:
        raise ValueError(f"{days} days requested; one run covers at most {max_days} (sites.toml max_days)")
    return [first + dt.timedelta(days=n) for n in range(days)]


def url_day(url: str) -> dt.date | None:
    """The issue day a URL's path names (…/2024-05/20/…, …/202405/20/…, …/2024/05/20/…)."""
    found = _URL_DAY.search(urlsplit(url).path)
    return dt.date(*map(int, found.groups())) if found else None


def issue_key(url: str) -> str:
    """Which e-paper issue a URL belongs to: the date in its path, else its folder."""
    day = url_day(url)
    return day.isoformat() if day else urlsplit(url).path.rsplit("/", 1)[0]


def issue_url(template: str, day: dt.date, base: str | None = None) -> str:
    """The issue's first page; under a mirror/replica base URL when one is given.

    The mirror keeps the site's paths from some folder on: if the base holds a folder of
    issue_url's fixed part (papers/grrb/ of papers/grrb/{date}/1/page.html), the issue path
    continues from there (…/mirror/grrb/2024/05/21/ → …/mirror/grrb/<day>/1/page.html);
    otherwise the whole issue path goes under the base folder.
    """
    url = template.format(date=day)
    if not base:
        return url
    parts, own = urlsplit(base), urlsplit(url)
    fixed = [s for s in urlsplit(template).path.split("{", 1)[0].rsplit("/", 1)[0].split("/") if s]
    issue = own.path.lstrip("/").split("/")
    folder = parts.path if parts.path.endswith("/") or "." not in parts.path.rsplit("/", 1)[-1] \
        else parts.path.rsplit("/", 1)[0]
    held = [s for s in folder.split("/") if s]
    path = held + issue
    for n, name in enumerate(fixed):
        if name in held:
            path = held[:held.index(name)] + issue[n:]
            break
    return urlunsplit((parts.scheme, parts.netloc, "/" + "/".join(path), own.query, ""))


def page_label(text: str) -> dict:
    """{page_no, page_name} of a page-list entry ("第03版：工会" / "03版：工会" → 3, 工会)."""
    found = _PAGE_LABEL.search(text)
    if not found:
        return {}
    return {"page_no": str(int(found.group(1))), "page_name": found.group(2).strip() or None}
