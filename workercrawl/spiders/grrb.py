"""工人日报 e-paper: `scrapy crawl grrb` is `scrapy crawl sites -a site=grrb`.

    scrapy crawl grrb -a date=2024-05-20
    scrapy crawl grrb -a since=2024-05-01 [-a until=2024-05-20]
    scrapy crawl grrb -a date=2024-05-20 -a start_url=http://127.0.0.1:8000/

Page 1 of each issue → every page (ul#pageUrl) → its articles (ul#pageTitle); the rules are the
[site.grrb] entry of workercrawl/sites.toml, the navigation is the sites spider's e-paper path.
A start URL that is an issue page or an article is fetched as is; any other is a mirror base under
which papers/grrb/YYYY/MM/DD/1/page.html is built for each date (-a date/since/until, else the
date in the URL); a start URL with no date at all is an index whose issue pages and articles are
followed. With no start URL and no date, today's issue (China time) is fetched.
"""

from __future__ import annotations

from .configured import SitesSpider


class GrrbSpider(SitesSpider):
    name = "grrb"
    site_key = "grrb"  # sites.toml [site.grrb], whose `spider` names this class
