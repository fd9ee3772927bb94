"""`leadwatch extract` (pages → title, date, source, body) and `leadwatch classify`
(texts → sectors, partners, leads): the pipeline's two steps on given input, no store."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from rich.text import Text

from crawler.cli.common import ExitStatus, console, err_console, read_text, taxonomy_files
from crawler.config import find_config

# --- extract --------------------------------------------------------------------------


def cmd_extract(args: argparse.Namespace) -> int:
    status = ExitStatus.OK
    located = find_config(args.config).path  # an instance is optional here
    config_path = located if located.is_file() else None
    for record in extract_targets(args.targets, url=args.url, config_path=config_path):
        if "error" in record:
            status = ExitStatus.FAILED
        if args.json:
            print(json.dumps(record, ensure_ascii=False))
        else:
            console.print(Text(str(record.get("path")), style="bold"))
            for key in ("title", "published_at", "source", "error"):
                if key in record:
                    console.print(f"  {key}: {record[key]}", markup=False)
            if "body" in record:
                console.print(f"  body: {record['body'][:200]}…", markup=False)
    return status


def extract_targets(
    targets: list[str], url: str | None = None, config_path: Path | None = None
) -> Iterator[dict[str, Any]]:
    """One record per target: path, title, published_at (ISO or None), source, body.
    URLs are fetched through Scrapy with ``config_path``'s ``[crawl]`` settings."""
    from crawler.crawl.fetch import fetch_urls

    urls = [t for t in targets if t.startswith(("http://", "https://"))]
    fetched = dict(zip(urls, fetch_urls(urls, config_path), strict=True)) if urls else {}
    for target in targets:
        if target in fetched:
            body, meta = fetched[target]
            if "error" in meta:
                yield {"path": target, "error": meta["error"]}
            elif meta.get("status", 200) >= 400:
                yield {"path": target, "error": f"HTTP {meta['status']}"}
            else:
                yield _record(target, body, meta["url"], meta.get("content_type") or None)
            continue
        try:
            body = Path(target).read_bytes()
        except OSError as exc:
            yield {"path": target, "error": f"cannot read: {exc.strerror}"}
            continue
        yield _record(target, body, url or "", None)


def _record(path: str, body: bytes, url: str, content_type: str | None) -> dict[str, Any]:
    from crawler.extract import extract_article
    from crawler.timeutil import iso

    try:
        extracted = extract_article(body, url, content_type=content_type)
    except Exception as exc:  # a page that cannot be parsed is reported, not fatal
        return {"path": path, "error": f"{type(exc).__name__}: {exc}"}
    return {
        "path": path,
        "title": extracted.title,
        "published_at": iso(extracted.published_at),
        "source": extracted.source,
        "body": extracted.body,
        "warnings": list(extracted.warnings),
    }


# --- classify -------------------------------------------------------------------------


def cmd_classify(args: argparse.Namespace) -> int:
    from classifiers import Classifier, load_taxonomy

    classifier = Classifier(load_taxonomy(*taxonomy_files(args)))
    status = ExitStatus.OK
    for target in args.files or ["-"]:
        try:
            raw = sys.stdin.buffer.read() if target == "-" else Path(target).read_bytes()
            text = read_text(raw)
        except OSError as exc:
            record: dict = {"path": target, "error": f"cannot read: {exc.strerror}"}
        except ValueError as exc:
            record = {"path": target, "error": str(exc)}
        else:
            title, _, body = text.strip().partition("\n")
            result = classifier.classify(title.strip(), body.strip()).to_dict()
            record = {"path": target, **result}
        if "error" in record:
            status = ExitStatus.FAILED
        if args.json:
            print(json.dumps(record, ensure_ascii=False))
        elif "error" in record:
            err_console.print(f"{target}: {record['error']}", markup=False)
        else:
            _print_classification(target, title.strip(), result)
    return status


def _print_classification(target: str, title: str, result: dict) -> None:
    console.print(Text.assemble((target, "bold"), f": {title}"))
    for s in result["sectors"]:
        console.print(f"  行业 {s['label']} ({s['score']:.1f})", markup=False)
    for p in result["partners"]:
        console.print(f"  合作方 {p['name']} ({p['score']:.1f})", markup=False)
    for lead in result["leads"]:
        console.print(
            f"  线索 {lead['event']} {lead['amount_yuan']} {lead['counterparts']}", markup=False
        )
    if not (result["sectors"] or result["partners"] or result["leads"]):
        console.print("  (no sector, partner or lead found)")


def register(add: Callable[..., argparse.ArgumentParser]) -> None:
    """Add extract and classify to the `leadwatch` parser."""
    p = add("extract", cmd_extract, "extract title, date, source and body from pages")
    p.add_argument("targets", nargs="+", metavar="PATH_OR_URL")
    p.add_argument("--url", help="the URL a local file was saved from")
    p.add_argument("--json", action="store_true", help="one JSON object per line")

    p = add(
        "classify", cmd_classify, "tag texts (first line = title) with sectors, partners, leads"
    )
    p.add_argument("files", nargs="*", metavar="FILE", help="text files, or - for stdin")
    p.add_argument("--taxonomy", help="taxonomy file (default: the config's)")
    p.add_argument("--json", action="store_true", help="one JSON object per line")
