"""Scrapy's downloader, with DOWNLOAD_DELAY held between the moments requests to a site leave.

Scrapy holds the delay between the moments it *schedules* two downloads from a site's slot; the
download itself starts when the reactor next runs it. When the reactor was busy for longer than
the delay (extracting pages inline, writing a batch to the store), a download scheduled earlier
and the next one, scheduled on time, left together: `bench/manysites.py` measured two requests to
one site 1 ms apart with a 0.1 s delay, on 3 of 50 sites, from the crawl's own clock. Here a
download that would leave less than the delay after the previous one to its slot waits for the
rest; it counts against the slot's concurrency while it waits, so CONCURRENT_REQUESTS_PER_DOMAIN
still holds too.
"""

from __future__ import annotations

from time import monotonic

from scrapy.core.downloader import Downloader
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import reactor
from twisted.internet.task import deferLater


class PoliteDownloader(Downloader):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.left: dict[str, float] = {}  # slot key → when its last request left

    async def _download(self, slot, request):
        delay = slot.delay
        if delay:
            key = request.meta.get(self.DOWNLOAD_SLOT) or self.get_slot_key(request)
            slot.transferring.add(request)  # waiting counts as in flight (Downloader._download removes it)
            try:
                while (wait := self.left.get(key, float("-inf")) + delay - monotonic()) > 0:
                    await maybe_deferred_to_future(deferLater(reactor, wait, lambda: None))
            except BaseException:
                slot.transferring.discard(request)
                raise
            self.left[key] = monotonic()
        return await super()._download(slot, request)
