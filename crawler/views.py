"""How stored things look on screen and in JSON (the CLI's output contract)."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

from alerts.render import EVENT_LABELS, format_yuan
from crawler.store.models import Article, CrawlRun, Lead
from crawler.timeutil import iso, local


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
        "message": run.message,
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


def best_lead(article: Article) -> Lead | None:
    return max(article.leads, key=lambda lead: lead.score, default=None)


def leads_table(articles: list[Article], title: str = "") -> Table:
    """sector, partner, event, amount, title — the table `demo` and `items` print."""
    table = Table(title=title or None, show_lines=False, expand=False)
    table.add_column("ID", justify="right", no_wrap=True)
    table.add_column("日期", no_wrap=True)
    table.add_column("行业", overflow="fold")
    table.add_column("合作方", overflow="fold")
    table.add_column("事件", no_wrap=True)
    table.add_column("金额", justify="right", no_wrap=True)
    table.add_column("标题", overflow="fold")
    for article in articles:
        lead = best_lead(article)
        events = "、".join(dict.fromkeys(EVENT_LABELS.get(x.event, x.event) for x in article.leads))
        amount = ""
        if lead is not None:
            amounts = [x for x in article.leads if x.amount_yuan or x.amount_text]
            if amounts:
                top = max(amounts, key=lambda x: x.amount_yuan or 0)
                amount = format_yuan(top.amount_yuan, top.currency, top.amount_text)
        table.add_row(
            str(article.id),
            local(article.published_at, fmt="%Y-%m-%d"),
            sector_labels(article),
            partner_names(article),
            events,
            amount,
            article.title,
        )
    return table


def runs_table(runs: list[CrawlRun]) -> Table:
    table = Table()
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
    """Full view of one article: fields, tags with evidence, leads, body."""
    console.print(f"[bold]{article.title}[/bold]", highlight=False)
    console.print(f"{article.url}", highlight=False)
    console.print(
        f"发布时间：{local(article.published_at)}  来源：{article.publisher or '—'}  "
        f"采集：{article.source}",
        highlight=False,
    )
    for tag in article.tags:
        terms = tag.evidence.get("terms", {}) if isinstance(tag.evidence, dict) else {}
        shown = "、".join(terms) if terms else ""
        kind = "行业" if tag.kind == "sector" else "合作方"
        console.print(
            f"  {kind}: {tag.label or tag.name} ({tag.score:.1f}) {shown}", highlight=False
        )
    for lead in article.leads:
        amount = format_yuan(lead.amount_yuan, lead.currency, lead.amount_text)
        console.print(
            f"  线索: {EVENT_LABELS.get(lead.event, lead.event)} {amount} "
            f"{'、'.join(lead.counterparts)} — {lead.sentence}",
            highlight=False,
        )
    console.print()
    console.print(article.body, highlight=False)
