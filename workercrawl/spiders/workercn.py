"""中工网 workercn.cn: `scrapy crawl workercn` is `scrapy crawl sites -a site=workercn`.

    scrapy crawl workercn [-a start_url=URL[,URL…]] [-a max_list_pages=N] [-a max_pages=N]

Channel lists → pagination → articles of all three URL families; the rules are the
[site.workercn] entry of workercrawl/sites.toml, the navigation is the sites spider's.
"""

from __future__ import annotations

from .configured import SitesSpider


class WorkercnSpider(SitesSpider):
    name = "workercn"
    site_key = "workercn"  # sites.toml [site.workercn], whose `spider` names this class
