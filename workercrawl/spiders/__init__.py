"""Spiders: navigation only (start points, list pages, pagination, article links)."""
