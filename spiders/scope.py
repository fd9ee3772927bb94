"""Where a crawl may go: one rule for every request of a source's crawl.

A URL is in scope when its origin (scheme, host and port) is one of the source's own:
the origins of its ``start_urls`` and of its ``allowed_origins``. ``allowed_domains``
widens that to named hosts and their subdomains, on the default port of http (80) and
https (443) only; an IP address there matches itself only (``x.127.0.0.1`` is not a
subdomain of anything). Hosts are compared the way Scrapy will request them:
lower-case and IDNA (punycode); ``host.`` with a trailing dot is another host (for an
IP address it would be looked up in DNS). Everything else, including port 0,
a port out of range and a scheme other than http(s), is out of scope.

Pure functions of the URL; the spider filters the links it finds with
:meth:`CrawlScope.allows`, and the downloader middleware (crawler.crawl.offsite) drops
every other request that leaves the scope, whatever made it.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from w3lib.url import safe_url_string

DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True, order=True)
class Origin:
    """scheme://host:port, normalised (the port always explicit)."""

    scheme: str
    host: str
    port: int

    def __str__(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.scheme}://{host}:{self.port}"


def normalise_host(host: str) -> str:
    """``host`` as compared: lower case, IDNA-encoded ('' if unusable)."""
    host = host.strip()
    if not host:
        return ""
    try:
        # safe_url_string applies the IDNA encoding Scrapy's requests use.
        parsed = urlsplit(safe_url_string(f"http://{host}/"))
        return parsed.hostname or ""
    except ValueError:
        return ""


def origin_of(url: str) -> Origin | None:
    """The origin Scrapy would connect to for ``url``; None when it has none we could
    ever allow (not http(s), no host, port 0 or out of range, malformed)."""
    try:
        parts = urlsplit(safe_url_string(url.strip()))
        scheme = parts.scheme.lower()
        host = parts.hostname or ""
        port = parts.port if parts.port is not None else DEFAULT_PORTS.get(scheme)
    except ValueError:  # e.g. "Port out of range 0-65535", a bad IPv6 literal
        return None
    if scheme not in DEFAULT_PORTS or not host or not port:
        return None
    return Origin(scheme, host, port)


def is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class CrawlScope:
    """The origins and domains one source's crawl may request."""

    origins: frozenset[Origin]
    domains: tuple[str, ...] = ()

    @classmethod
    def of(
        cls, start_urls: Iterable[str], origins: Iterable[str] = (), domains: Iterable[str] = ()
    ) -> CrawlScope:
        """The scope of a source: its start URLs' origins, plus ``origins`` and ``domains``
        (an unusable entry allows nothing)."""
        found = {o for url in [*start_urls, *origins] if (o := origin_of(url)) is not None}
        names = {
            normalise_host(urlsplit(d).hostname or "") if "://" in d else normalise_host(d)
            for d in domains
        }
        return cls(frozenset(found), tuple(sorted(n for n in names if n)))

    def allows(self, url: str) -> bool:
        """True when a request for ``url`` stays within the scope."""
        return self.refusal(url) is None

    def refusal(self, url: str) -> str | None:
        """Why ``url`` is out of scope (a short phrase for the log), or None."""
        origin = origin_of(url)
        if origin is None:
            return "not an http(s) URL with a usable host and port"
        if origin in self.origins:
            return None
        if origin.port == DEFAULT_PORTS[origin.scheme] and self._domain_match(origin.host):
            return None
        return f"{origin} is not one of the crawl's origins"

    def _domain_match(self, host: str) -> bool:
        for domain in self.domains:
            if host == domain:
                return True
            # An IP address has no subdomains, and a name that ends like one is not its
            # subdomain ("x.127.0.0.1" would be looked up in DNS).
            if not is_ip(domain) and not is_ip(host) and host.endswith("." + domain):
                return True
        return False

    def describe(self) -> str:
        """The scope in one line, for the crawl log."""
        parts = [str(o) for o in sorted(self.origins)]
        parts += [f"{d} (+ subdomains, default ports)" for d in self.domains]
        return ", ".join(parts) or "(nothing)"
