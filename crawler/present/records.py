"""How stored things look on screen and in JSON (the CLI's output contract)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.console import Console, ConsoleOptions, RenderResult
from rich.markup import escape
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

from crawler.present.amounts import format_yuan
from crawler.present.labels import EVENT_LABELS, STATUS_LABELS
from crawler.store.models import Article, CrawlRun, Lead
from crawler.timeutil import iso, local

if TYPE_CHECKING:
    from crawler.store.search import Hit, Segments

HIGHLIGHT = "bold red"


def run_dict(run: CrawlRun) -> dict[str, Any]:
    return {
        "id": run.id,
        "source": run.source,
        "status": run.status,
        "started_at": iso(run.started_at),
        "finished_at": iso(run.finished_at),
        "pages_fetched": run.pages_fetched,
        "articles_fetched": run.articles_fetched,
        "articles_new": run.articles_new,
        "articles_updated": run.articles_updated,
        "errors": run.errors,
        "counters": run.counters or {},
        "message": run.message,
        "pid": run.pid,  # the crawl process (NULL before schema revision 0006)
        "host": run.host,
    }


def lead_dict(lead: Lead) -> dict[str, Any]:
    return {
        "event": lead.event,
        "amount_yuan": lead.amount_yuan,
        "currency": lead.currency,
        "amount_text": lead.amount_text,
        "counterparts": lead.counterparts,
        "place": lead.place,
        "sentence": lead.sentence,
        "score": lead.score,
        "amounts": lead.amounts or [],
    }


def article_dict(article: Article, *, body: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": article.id,
        "url": article.url,
        "source": article.source,
        "title": article.title,
        "published_at": iso(article.published_at),
        "publisher": article.publisher,
        "first_seen_at": iso(article.first_seen_at),
        "sectors": [
            {"id": t.name, "label": t.label, "score": t.score, "evidence": t.evidence}
            for t in article.tags
            if t.kind == "sector"
        ],
        "partners": [
            {"name": t.name, "score": t.score, "evidence": t.evidence}
            for t in article.tags
            if t.kind == "partner"
        ],
        "leads": [lead_dict(lead) for lead in article.leads],
    }
    if body:
        data["body"] = article.body
    return data


def _short_list(names: list[str], limit: int = 3) -> str:
    shown = "、".join(names[:limit])
    return shown + (f" 等{len(names)}家" if len(names) > limit else "")


def sector_labels(article: Article) -> str:
    return "、".join(t.label or t.name for t in article.tags if t.kind == "sector")


def partner_names(article: Article, limit: int = 3) -> str:
    """The strongest partners of an article, at most ``limit`` shown."""
    tags = sorted((t for t in article.tags if t.kind == "partner"), key=lambda t: -t.score)
    return _short_list([t.name for t in tags], limit)


def amount_text(article: Article) -> str:
    """The largest amount among an article's leads, formatted (3亿元)."""
    amounts = [x for x in article.leads if x.amount_yuan or x.amount_text]
    if not amounts:
        return ""
    top = max(amounts, key=lambda x: x.amount_yuan or 0)
    return format_yuan(top.amount_yuan, top.currency, top.amount_text)


def event_labels(article: Article) -> str:
    return "、".join(dict.fromkeys(EVENT_LABELS.get(x.event, x.event) for x in article.leads))


class FitTable(Table):
    """A table at its natural width when that fits the console, else exactly as wide as
    the console, with the ``ratio`` columns sharing what the fixed columns leave.

    (rich alone would shrink columns only down to their longest word, and a Chinese
    title is one long word, so it would crop the table at the terminal's edge.)
    """

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        self.expand = False
        natural = Measurement.get(console, options.update_width(100_000), self).maximum
        self.expand = natural > options.max_width
        yield from super().__rich_console__(console, options)


def _table(title: str = "") -> Table:
    # Crawled text goes into cells as rich Text, never as markup: a title such as
    # "[/]通知" would otherwise raise a MarkupError or restyle the table.
    return FitTable(title=title or None, show_lines=False, pad_edge=False)


def leads_table(articles: list[Article], title: str = "") -> Table:
    """sector, partner, event, amount, title — the table `demo` and `items` print.

    ID, date and amount never wrap; the other columns fold so the table fits the
    terminal, the title getting the largest share.
    """
    table = _table(title)
    table.add_column("ID", justify="right", no_wrap=True)
    table.add_column("日期", no_wrap=True)
    table.add_column("行业", overflow="fold", ratio=2)
    table.add_column("合作方", overflow="fold", ratio=3)
    table.add_column("事件", overflow="fold", ratio=2)
    table.add_column("金额", justify="right", no_wrap=True)
    table.add_column("标题", overflow="fold", ratio=6)
    for article in articles:
        table.add_row(
            str(article.id),
            local(article.published_at, fmt="%Y-%m-%d"),
            Text(sector_labels(article)),
            Text(partner_names(article)),
            event_labels(article),
            amount_text(article),
            Text(article.title),
        )
    return table


def segments_text(segments: Segments, style: str = "") -> Text:
    """Highlighted pieces as rich Text (matches in :data:`HIGHLIGHT`)."""
    text = Text(style=style)
    for piece, hit in segments:
        text.append(piece, style=HIGHLIGHT if hit else None)
    return text


def search_table(hits: list[Hit], statuses: dict[int, tuple[str, str]] | None = None) -> Table:
    """Search results: title and snippet with the query's words highlighted."""
    statuses = statuses or {}
    table = _table()
    table.add_column("ID", justify="right", no_wrap=True)
    table.add_column("日期", no_wrap=True)
    table.add_column("行业", overflow="fold", ratio=2)
    table.add_column("线索", overflow="fold", ratio=2)
    table.add_column("标题 / 摘要", overflow="fold", ratio=9)
    for hit in hits:
        a = hit.article
        cell = segments_text(hit.title, style="bold")
        cell.append("\n")
        cell.append_text(segments_text(hit.snippet, style="dim"))
        lead = " ".join(x for x in (event_labels(a), amount_text(a)) if x)
        status = statuses.get(a.id)
        if status:
            lead = f"{lead} [{STATUS_LABELS.get(status[0], status[0])}]".strip()
        table.add_row(
            str(a.id),
            local(a.published_at, fmt="%Y-%m-%d"),
            Text(sector_labels(a)),
            Text(lead),
            cell,
        )
    return table


def hit_dict(hit: Hit, status: tuple[str, str] | None = None) -> dict[str, Any]:
    """A search result for `search --json`: the article, its score, highlighted text as
    plain strings plus the [start, end) offsets of the matches."""
    from crawler.store.search import plain

    title, title_spans = plain(hit.title)
    snippet, spans = plain(hit.snippet)
    return {
        **article_dict(hit.article),
        "score": float(f"{hit.score:.6g}"),  # bm25: relative within one query
        "title_highlights": [list(s) for s in title_spans],
        "snippet": snippet,
        "snippet_highlights": [list(s) for s in spans],
        "status": status[0] if status else None,
        "note": status[1] if status else None,
    }


def runs_table(runs: list[CrawlRun]) -> Table:
    table = _table()
    for col in ("ID", "来源", "状态", "开始", "页面", "文章", "新增", "更新", "错误"):
        table.add_column(col, no_wrap=True)
    for r in runs:
        table.add_row(
            str(r.id),
            r.source,
            r.status,
            local(r.started_at),
            str(r.pages_fetched),
            str(r.articles_fetched),
            str(r.articles_new),
            str(r.articles_updated),
            str(r.errors),
        )
    return table


def print_article(console: Console, article: Article) -> None:
    """Full view of one article: fields, tags with evidence, leads, body (all escaped)."""
    console.print(f"[bold]{escape(article.title)}[/bold]", highlight=False)
    console.print(Text(article.url))
    console.print(
        Text(
            f"发布时间：{local(article.published_at)}  来源：{article.publisher or '—'}  "
            f"采集：{article.source}"
        )
    )
    for tag in article.tags:
        terms = tag.evidence.get("terms", {}) if isinstance(tag.evidence, dict) else {}
        shown = "、".join(terms) if terms else ""
        kind = "行业" if tag.kind == "sector" else "合作方"
        console.print(Text(f"  {kind}: {tag.label or tag.name} ({tag.score:.1f}) {shown}"))
    for lead in article.leads:
        amount = format_yuan(lead.amount_yuan, lead.currency, lead.amount_text)
        console.print(
            Text(
                f"  线索: {EVENT_LABELS.get(lead.event, lead.event)} {amount} "
                f"{'、'.join(lead.counterparts)} — {lead.sentence}"
            )
        )
    console.print()
    console.print(Text(article.body))
