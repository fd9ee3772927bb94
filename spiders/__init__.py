"""Scrapy spiders: a generic config-driven listing spider and a feed spider."""
