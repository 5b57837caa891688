"""Scrapy commands of the project (COMMANDS_MODULE): `crawl` ends with the run's verdict."""
