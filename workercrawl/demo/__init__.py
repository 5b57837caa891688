"""`workercrawl demo`: the bundled replica sites served on 127.0.0.1 and crawled offline.

`sites/` holds small hand-made copies of each site family's templates (see sites/README.md);
the tests serve the same folders (tests/conftest.py), so there is one copy of each replica.
server.py serves a folder; runner.py starts one server per family and crawls each with the real
spiders. Importing this package imports neither Scrapy nor the store.
"""

from pathlib import Path

SITES = Path(__file__).parent / "sites"
