"""A Scrapy spider loader that makes one spider per configured source.

So ``scrapy list`` prints the sources of config/sources.toml and ``scrapy crawl NAME``
crawls one of them, with no Python written per source.
"""

from __future__ import annotations

from scrapy import Request, Spider
from scrapy.settings import BaseSettings

from crawler.config import Config, Source, load_config_or_defaults
from spiders.feed import FeedSpider
from spiders.listing import ListingSpider

SPIDER_TYPES: dict[str, type[Spider]] = {"listing": ListingSpider, "feed": FeedSpider}


def spider_class_for(source: Source) -> type[Spider]:
    """A spider class bound to ``source`` (its name is the source's name)."""
    base = SPIDER_TYPES[source.type]
    return type(f"{base.__name__}_{source.name}", (base,), {"name": source.name, "source": source})


class SourceSpiderLoader:
    """Implements scrapy's ISpiderLoader over the configured sources."""

    def __init__(self, settings: BaseSettings):
        self._config: Config = load_config_or_defaults(settings.get("LEADWATCH_CONFIG"))
        self._spiders = {s.name: spider_class_for(s) for s in self._config.sources}

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> SourceSpiderLoader:
        return cls(settings)

    def load(self, spider_name: str) -> type[Spider]:
        try:
            return self._spiders[spider_name]
        except KeyError:
            known = ", ".join(self._spiders) or "(none)"
            raise KeyError(f"Spider not found: {spider_name}. Known sources: {known}") from None

    def list(self) -> list[str]:
        return list(self._spiders)

    def find_by_request(self, request: Request) -> list[str]:
        return [
            name
            for name, cls in self._spiders.items()
            if any(request.url.startswith(u) for u in cls.source.start_urls)
        ]

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"<SourceSpiderLoader {self.list()}>"
