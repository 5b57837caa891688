"""Scrapy item pipelines: thin adapters from PageItems to extraction and the store.

    extraction (100) → validation (200) → storage (300)
"""
