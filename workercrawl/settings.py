"""Scrapy settings for workercrawl: polite by default, every cap overridable with -s NAME=VALUE."""

from scrapy.settings import default_settings as _scrapy_defaults  # lower case: not a setting

from workercrawl import __version__

BOT_NAME = "workercrawl"
SPIDER_MODULES = ["workercrawl.spiders"]
NEWSPIDER_MODULE = "workercrawl.spiders"

# -- Politeness -----------------------------------------------------------------------------
# Name the project and a contact so a site operator can reach us (placeholder: set yours).
USER_AGENT = (
    f"workercrawl/{__version__} (+https://github.com/workercrawl/workercrawl; "
    "contact: workercrawl@example.org)"
)
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
# DOWNLOAD_DELAY is a floor between two requests to a site: Scrapy's default jitter (0.5x-1.5x)
# would let two requests start half a delay apart (bench/manysites.py measures it per site).
DOWNLOAD_DELAY_JITTER = 0  # Scrapy >= 2.19
if not hasattr(_scrapy_defaults, "DOWNLOAD_DELAY_JITTER"):
    RANDOMIZE_DOWNLOAD_DELAY = False  # the same before 2.19 (setting it on 2.19 warns: deprecated)
# ... and a floor between the moments two requests to a site *leave*, not only between the
# moments Scrapy schedules them (a busy reactor could let two leave together: downloader.py).
DOWNLOADER = "workercrawl.downloader.PoliteDownloader"
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 30

# -- Faults ---------------------------------------------------------------------------------
# Retry 5xx, 408/429 and network errors (Scrapy's defaults), then the spider's errback records
# the URL in `rejects`: HTTP errors are never dropped silently.
RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
REDIRECT_MAX_TIMES = 5
# Download big pages so extraction can reject them with a reason ("too-large" above 8 MB)
# instead of a cancelled download; beyond this a download is cancelled and recorded.
DOWNLOAD_MAXSIZE = 16 * 1024 * 1024
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024

# -- Safety caps (0 disables; override: -s CLOSESPIDER_PAGECOUNT=500) --------------------------
CLOSESPIDER_TIMEOUT = 4 * 3600
CLOSESPIDER_PAGECOUNT = 20000
CLOSESPIDER_ERRORCOUNT = 500

# -- Components -----------------------------------------------------------------------------
DOWNLOADER_MIDDLEWARES = {
    # Strict host allow-list (host:port for -a start_url hosts) instead of hostname-only offsite.
    "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
    "workercrawl.middlewares.AllowedHostsMiddleware": 50,
    # 412/521 and 200 pages that are only a 瑞数/加速乐 challenge script → reject "anti-bot-challenge".
    # Below HttpCompression (590) and Redirect (600): sees final, decoded responses; above Retry (550).
    "workercrawl.middlewares.AntiBotMiddleware": 560,
    # A → B → A redirects fail the request (reject redirect-loop) instead of vanishing in the dupefilter.
    "workercrawl.middlewares.RedirectLoopMiddleware": 610,
}
SPIDER_MIDDLEWARES = {
    # Count the pages that reached a callback (after HttpErrorMiddleware, 50): a run that read
    # none failed.
    "workercrawl.middlewares.FetchCounterMiddleware": 60,
    # Skip articles already stored; stop paginating when a list page holds only known (or,
    # with -a since, older) articles. -a refresh=1 fetches again; WORKERCRAWL_INCREMENTAL=0 disables.
    "workercrawl.incremental.IncrementalMiddleware": 600,
}
EXTENSIONS = {
    # An unreachable site is one log line per failure, not a Twisted traceback (the verdict says the rest).
    "workercrawl.quietlogs.QuietNetworkLogs": 0,
}
ITEM_PIPELINES = {
    "pipelines.extraction.ExtractionPipeline": 100,
    "pipelines.validation.ValidationPipeline": 200,
    "pipelines.storage.StoragePipeline": 300,
}

# -- workercrawl ----------------------------------------------------------------------------
WORKERCRAWL_DB = "data/workercrawl.db"     # articles, rejects, runs ("" disables storage)
# Compressed raw pages: "" = the database's own raw file (recorded in it, else data/workercrawl.raw.db
# beside it), a path = that file (refused if it belongs to another database), "off" = none.
WORKERCRAWL_RAW_DB = ""
WORKERCRAWL_BATCH_SIZE = 50                # items per write transaction
WORKERCRAWL_DB_TIMEOUT = 30.0              # seconds a batch waits for another writer's lock
WORKERCRAWL_INCREMENTAL = True             # skip articles already in the store (see incremental.py)
# Extraction in N worker processes (0 = in the crawl process). Inline is faster at polite
# crawl rates; workers help only when extraction, not the site, is the bottleneck.
WORKERCRAWL_EXTRACT_WORKERS = 0

# Items/requests handled in parallel per response. Scrapy starts this many asyncio tasks for
# every response (default 100); our callbacks yield one item (two after a failed continuation
# page) or requests, which need no parallelism, so 4 loses nothing and saves ~1 ms CPU per page.
CONCURRENT_ITEMS = 4

# `scrapy crawl` ends with the run's verdict on stderr and exits 1 when the run failed
# (workercrawl/commands/crawl.py). WORKERCRAWL_VERDICT_FILE: also write it there as JSON.
COMMANDS_MODULE = "workercrawl.commands"
WORKERCRAWL_VERDICT_FILE = ""

TELNETCONSOLE_ENABLED = False
LOG_LEVEL = "INFO"
FEED_EXPORT_ENCODING = "utf-8"
