"""Machine-readable facts a page carries in its scripts and meta tags: the publish time
(WeChat's `var ct = "1581517074"`, qq's `"pubtime": …`, Baidu's `"pubDate": …`) and the
publisher (`source: '…'`, `"media": "…"`), for when the visible page does not say.

Read once per page, lazily: most pages never need it.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cached_property

from .normalize import DATE_RE, make_iso, normalize_datetime, normalize_source

# "date" last: a generic key, trusted only when nothing more specific is given (一点资讯's docinfo)
_TIME_KEYS = ("pubtime", "publish_time", "publishTime", "pubTime", "ptime", "pubDate", "datePublished", "ct", "date")
_SOURCE_KEYS = ("source", "media", "mediaName", "media_name")
_FIELD = re.compile(
    r"""["']?\b(""" + "|".join(_TIME_KEYS + _SOURCE_KEYS) + r""")\b["']?\s*[:=]\s*["']([^"'\n<>]{1,40})["']"""
)
_CHINA = dt.timezone(dt.timedelta(hours=8))


class PageData:
    def __init__(self, tree):
        self.tree = tree

    @cached_property
    def _scripts(self) -> str:
        return "\n".join(s.text or "" for s in self.tree.iter("script"))

    @cached_property
    def fields(self) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for key, value in _FIELD.findall(self._scripts):
            found.setdefault(key, []).append(value.strip())
        return found

    def _only(self, key: str) -> str | None:
        """A key's value when the page gives it once, or always the same: a list of related
        stories repeats the key with other values, and then none of them is trusted."""
        values = set(self.fields.get(key, ()))
        return values.pop() if len(values) == 1 else None

    @cached_property
    def published_at(self) -> str | None:
        """The first publish time given to the second, else the first given as a day."""
        days = []
        for key in _TIME_KEYS:
            value = self._only(key)
            if not value:
                continue
            if key == "ct":  # a Unix time
                if re.fullmatch(r"1\d{9}", value):
                    moment = dt.datetime.fromtimestamp(int(value), _CHINA)
                    return make_iso(moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second)
                continue
            iso = normalize_datetime(value)
            if iso and len(iso) > 10:
                return iso
            days += [iso] if iso else []
        return days[0] if days else None

    def source(self, account: str | None = None) -> str | None:
        """The publisher the page data names (not the byline's own account)."""
        for key in _SOURCE_KEYS:
            value = self._only(key)
            if value and re.search(r"[\u4e00-\u9fff]", value) and "//" not in value and value != account:
                return normalize_source(value)
        return None

    @cached_property
    def _machine_times(self) -> list[str]:
        """Full dates anywhere in meta tags and scripts (publish, update and serve times)."""
        texts = [m.get("content") or "" for m in self.tree.iter("meta")] + [self._scripts]
        out = []
        for text in texts:
            for match in DATE_RE.finditer(text):
                iso = make_iso(*match.group("y", "m", "d", "H", "M", "S"))
                if iso:
                    out.append(iso)
        return out

    def with_year(self, month: int, day: int, hour: int | None, minute: int | None) -> str | None:
        """A date shown without its year ('10-08 12:00'): the year of a machine date of the
        same day, else the latest year that does not put it after the page was served."""
        same_day = [t for t in self._machine_times if int(t[5:7]) == month and int(t[8:10]) == day]
        if same_day:
            year = int(same_day[0][:4])
        elif self._machine_times:
            served = max(self._machine_times)[:10]
            year = int(served[:4])
            if f"{year:04d}-{month:02d}-{day:02d}" > served:
                year -= 1
        else:
            return None
        return make_iso(year, month, day, hour, minute)

    def refine(self, iso: str | None, tagged: str | None) -> str | None:
        """A time shown to the minute takes its seconds from a machine time of that minute."""
        if not iso or len(iso) < 19 or not iso[:19].endswith(":00"):
            return iso
        for machine in (tagged, self.published_at):
            machine = normalize_datetime(machine) if machine else None
            if machine and len(machine) >= 19 and machine[:16] == iso[:16]:
                return machine
        return iso
