"""Everything SQLite: schema migrations, batched upserts, raw pages, runs and rejects."""

from .rows import content_hash, raw_body
from .store import FlushResult, Store, open_db

__all__ = ["Store", "FlushResult", "open_db", "content_hash", "raw_body"]
