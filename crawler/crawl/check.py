"""`leadwatch sources check NAME`: what the crawler sees on a source, without storing it.

The parent (:func:`check_source`) runs ``python -m crawler.crawl.check`` in a child
process, which crawls with the source's own spider and the crawl's settings (robots.txt,
user agent, retries, size limits) but no pipelines: it fetches the first list page and
the first article it links to, and writes what it found as JSON. The parent turns that
into a :class:`CheckReport` with warnings that say which setting to fix.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crawler.config import Config, Source
from crawler.crawl.childenv import child_environment

# How many article links the report keeps (and the CLI shows).
SHOWN_LINKS = 5


@dataclass(frozen=True)
class Finding:
    """One warning; ``action`` means the admin has to change something."""

    text: str
    action: bool


@dataclass
class CheckReport:
    """What the check child found on the first list page and its first article."""

    source: Source
    list_url: str
    list_status: int | None = None
    list_error: str | None = None
    link_count: int = 0
    links: list[str] = field(default_factory=list)
    next_page: str | None = None
    article_url: str | None = None
    article_status: int | None = None
    article_error: str | None = None
    fields: dict[str, Any] = field(default_factory=dict)
    extraction_warnings: list[str] = field(default_factory=list)

    @property
    def findings(self) -> list[Finding]:
        """Warnings about the list page, the pager and the article, in that order."""
        out: list[Finding] = []
        if self.list_error or self.list_status is None:
            why = self.list_error or "not fetched"
            return [Finding(f"list page could not be fetched: {why}; check start_urls", True)]
        if not self.link_count:
            out.append(Finding("no article links: set selectors.list_links", True))
        if self.source.type == "listing" and not self.next_page and self.source.max_pages > 1:
            out.append(
                Finding(
                    "no next page found: set selectors.next_page "
                    "(or max_pages = 1 for a one-page column)",
                    True,
                )
            )
        if self.article_url and (self.article_error or self.article_status is None):
            why = self.article_error or "not fetched"
            out.append(Finding(f"article could not be fetched: {why}", True))
        out += [_extraction_finding(w) for w in self.extraction_warnings]
        return out

    @property
    def healthy(self) -> bool:
        return not any(f.action for f in self.findings)

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source.name,
            "list_url": self.list_url,
            "list_status": self.list_status,
            "list_error": self.list_error,
            "article_links": self.link_count,
            "first_links": self.links,
            "next_page": self.next_page,
            "article_url": self.article_url,
            "article_status": self.article_status,
            "article_error": self.article_error,
            "fields": self.fields,
            "warnings": [{"text": f.text, "action": f.action} for f in self.findings],
            "healthy": self.healthy,
        }


# Extraction warnings that mean a field is missing, and the setting that fixes it.
_MISSING = (
    ("no date found", "no date found: set selectors.date"),
    ("no title found", "no title found: set selectors.title"),
    ("no body found", "no body found: set selectors.body"),
    ("body container is empty", "body container is empty: set selectors.body"),
    ("matched nothing", None),
    ("matched no date", None),
)


def _extraction_finding(warning: str) -> Finding:
    for needle, text in _MISSING:
        if needle in warning:
            return Finding(text or warning, True)
    if "disagrees with the visible date" in warning:
        return Finding(f"PubDate disagrees with the visible date ({warning})", False)
    return Finding(warning, False)


def check_source(config: Config, name: str, *, timeout_s: float = 120) -> CheckReport:
    """Fetch the first list page and one article of source ``name`` in a Scrapy child."""
    source = config.source(name)
    with tempfile.TemporaryDirectory(prefix="leadwatch-check-") as tmp:
        out = Path(tmp) / "check.json"
        cmd = [sys.executable, "-m", "crawler.crawl.check", name]
        cmd += ["--config", str(config.path), "--out", str(out)]
        try:
            proc = subprocess.run(
                cmd, capture_output=True, text=True, timeout=timeout_s, env=child_environment()
            )
            failure = f"check process exited with {proc.returncode}: {proc.stderr[-500:]}"
        except subprocess.TimeoutExpired:
            failure = f"check timed out after {timeout_s:.0f} s"
        data = json.loads(out.read_text("utf-8")) if out.exists() else {"list_error": failure}
    return CheckReport(source=source, list_url=source.start_urls[0], **data)


# --- the child process ----------------------------------------------------------------


def _check_spider(source: Source, found: dict[str, Any]) -> type:
    """The source's own spider, reduced to one list page and its first article."""
    from crawler.crawl.spiderloader import spider_class_for
    from crawler.extract import extract_article
    from crawler.items import LIST
    from spiders.failures import classify_failure

    base: Any = spider_class_for(source)

    class CheckSpider(base):  # type: ignore[misc, valid-type]
        async def start(self) -> Any:
            yield self.list_request(self.source.start_urls[0], page=1)

        def parse_list(self, response: Any) -> Any:
            page = self.read_list_page(response)
            found.setdefault("list_status", response.status)
            if page.next_requests and "next_page" not in found:
                nxt = page.next_requests[0]
                found["next_page"] = nxt.url if nxt.method == "GET" else f"{nxt.method} {nxt.url}"
            is_index = self.source.type == "feed" and response.meta.get("lw_page", 1) == 1
            if is_index and not page.article_urls and page.next_requests:
                yield page.next_requests[0]  # a sitemap index: look into its first sitemap
                return
            found["link_count"] = len(page.article_urls)
            found["links"] = page.article_urls[:SHOWN_LINKS]
            if page.article_urls:
                found["article_url"] = page.article_urls[0]
                yield self.article_request(page.article_urls[0])

        def parse_article(self, response: Any) -> Any:
            found["article_status"] = response.status
            extracted = extract_article(
                self.decode(response), response.url, selectors=self.article_selectors
            )
            published = extracted.published_at
            found["fields"] = {
                "title": extracted.title,
                "published_at": published.isoformat() if published else None,
                "source": extracted.source,
                "body": extracted.body,
            }
            found["extraction_warnings"] = list(extracted.warnings)
            return []

        def on_error(self, failure: Any) -> None:
            kind = classify_failure(failure)
            is_list = failure.request.meta.get("lw_kind") == LIST
            found["list_error" if is_list else "article_error"] = kind.message

    return CheckSpider


def main(argv: list[str] | None = None) -> int:
    """Child entry point: ``python -m crawler.crawl.check NAME --config X --out F``."""
    from scrapy.crawler import CrawlerProcess

    from crawler.config import load_config
    from crawler.crawl.job import scrapy_settings

    parser = argparse.ArgumentParser(prog="python -m crawler.crawl.check")
    parser.add_argument("source")
    parser.add_argument("--config", default="leadwatch.toml")
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    config = load_config(args.config)
    source = config.source(args.source)
    settings = scrapy_settings(config)
    # The crawl's politeness and limits, none of its storage or bookkeeping.
    settings.setdict(
        {"ITEM_PIPELINES": {}, "SPIDER_MIDDLEWARES": {}, "EXTENSIONS": {}, "LOG_LEVEL": "ERROR"},
        priority="cmdline",
    )
    found: dict[str, Any] = {}
    process = CrawlerProcess(settings)
    process.crawl(_check_spider(source, found))
    process.start()
    Path(args.out).write_text(json.dumps(found, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
