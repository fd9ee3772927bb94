"""How stored things look on screen and in JSON (the CLI's output contract)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.console import Console, ConsoleOptions, RenderResult
from rich.markup import escape
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

from crawler.present.amounts import headline_amount, lead_amounts
from crawler.present.labels import EVENT_LABELS, RUN_STATUS_LABELS, STATUS_LABELS, label
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


Marks = dict[int, tuple[int, str | None, str]]  # lead id -> (event id, status, note)


def lead_dict(lead: Lead, marks: Marks | None = None) -> dict[str, Any]:
    """One lead, with its event in the register and that event's follow-up mark."""
    event_id, status, note = (marks or {}).get(lead.id, (None, None, ""))
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
        "event_id": event_id,
        "status": status,
        "note": note or None,
    }


def article_status(article: Article, marks: Marks | None) -> tuple[str | None, str | None]:
    """One mark for the article: followed when one of its leads' events is followed, else
    dismissed when one is (as the lists show it)."""
    found = [(marks or {}).get(lead.id) for lead in article.leads]
    marked = [m for m in found if m and m[1]]
    for wanted in ("followed", "dismissed"):
        for _, status, note in marked:
            if status == wanted:
                return status, note or None
    return None, None


def article_dict(
    article: Article, *, body: bool = False, marks: Marks | None = None
) -> dict[str, Any]:
    """One article for `--json`; ``marks`` (see :func:`crawler.store.status.lead_marks`)
    adds each lead's event, status and note."""
    status, note = article_status(article, marks)
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
        "leads": [lead_dict(lead, marks) for lead in article.leads],
        "status": status,
        "note": note,
    }
    if body:
        data["body"] = article.body
    return data


def _short_list(names: list[str], limit: int = 3) -> str:
    shown = "、".join(names[:limit])
    return shown + (f" 等{len(names)}家" if len(names) > limit else "")


def sector_labels(article: Article) -> str:
    return "、".join(t.label or t.name for t in article.tags if t.kind == "sector")


def fold_aliases(names: list[str]) -> list[str]:
    """``names`` without the ones that only abbreviate an earlier one (国投 after
    国家开发投资集团, 中国商飞 after 中国商用飞机有限责任公司: the classifier names a known
    partner by its canonical name followed by the page's own spelling)."""
    kept: list[str] = []
    for name in dict.fromkeys(n for n in names if n):
        if not any(_abbreviates(name, longer) for longer in kept):
            kept.append(name)
    return kept


def _abbreviates(short: str, long: str) -> bool:
    """True if ``short``'s characters occur in ``long`` in order (国投 in 国家开发投资集团)."""
    if len(short) >= len(long):
        return False
    rest = iter(long)
    return all(ch in rest for ch in short)


def counterpart_names(article: Article, limit: int = 3) -> str:
    """合作方: the organisations the article's leads sign with, visit or land (not every
    partner the text mentions), strongest lead first, at most ``limit`` shown."""
    leads = sorted(article.leads, key=lambda x: -x.score)
    return _short_list(fold_aliases([c for x in leads for c in x.counterparts]), limit)


def amount_text(article: Article) -> str:
    """The largest amount among an article's leads, as the text gave it (总投资约3亿元)."""
    amounts = [x for x in article.leads if x.amount_yuan or x.amount_text]
    if not amounts:
        return ""
    return headline_amount(max(amounts, key=lambda x: x.amount_yuan or 0))


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
    """sector, counterparts, event, amount, title — the table `demo` and `items` print.

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
            Text(counterpart_names(article)),
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
            label(RUN_STATUS_LABELS, r.status),
            local(r.started_at),
            str(r.pages_fetched),
            str(r.articles_fetched),
            str(r.articles_new),
            str(r.articles_updated),
            str(r.errors),
        )
    return table


def print_article(console: Console, article: Article, marks: Marks | None = None) -> None:
    """Full view of one article: fields, tags with evidence, leads (each with its event's
    follow-up status and note), body (all escaped)."""
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
        kind = "行业" if tag.kind == "sector" else "提及伙伴"
        console.print(Text(f"  {kind}: {tag.label or tag.name} ({tag.score:.1f}) {shown}"))
    for lead in article.leads:
        amount = lead_amounts(lead)
        console.print(
            Text(
                f"  线索: {EVENT_LABELS.get(lead.event, lead.event)} {amount} "
                f"{'、'.join(lead.counterparts)} — {lead.sentence}"
            )
        )
        event_id, status, note = (marks or {}).get(lead.id, (None, None, ""))
        if event_id is not None:
            mark = STATUS_LABELS.get(status, status) if status else "未标记"
            console.print(Text(f"    事件 #{event_id} · {mark}" + (f" · {note}" if note else "")))
    console.print()
    console.print(Text(article.body))
