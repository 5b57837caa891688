"""Everything SQLite: schema migrations, batched upserts, raw pages, runs and rejects, history,
people, Chinese full-text search, stats and export."""

from .db import (DatabaseCorrupt, DatabaseLocked, DatabaseMissing, DatabaseReadOnly, SchemaTooNew,
                 StoreError, open_db)
from .rows import content_hash, raw_body
from .store import FlushResult, Store

__all__ = [
    "Store", "FlushResult", "open_db", "content_hash", "raw_body", "StoreError", "DatabaseMissing",
    "DatabaseLocked", "DatabaseReadOnly", "DatabaseCorrupt", "SchemaTooNew",
]
