"""What an analyst says about organisations: the watchlist and alias reviews (never
derived, kept through every rebuild)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from crawler.register.names import clean
from crawler.store.models import OrgAlias, Organisation, utcnow


def follow(session: Session, org_id: int, by: str = "", on: bool = True) -> Organisation:
    """Put an organisation on the watchlist (``on=False`` takes it off): any new event of
    it leads the next digest, wherever it happened."""
    org = session.get(Organisation, org_id)
    if org is None:
        raise LookupError(f"no organisation with id {org_id}")
    if on and org.followed_at is None:
        org.followed_at, org.followed_by = utcnow(), by
    elif not on:
        org.followed_at, org.followed_by = None, ""
    return org


def review_alias(
    session: Session, org_id: int, alias: str, confirmed: bool, by: str = ""
) -> OrgAlias:
    """Confirm (``True``) or reject (``False``) an alias of an organisation; an alias it
    does not have yet is added as the analyst's. A rejected alias is never used to match
    a report to the organisation again; the next link step or rebuild applies it."""
    text = clean(alias)
    if not text:
        raise ValueError("an alias needs at least one character")
    if session.get(Organisation, org_id) is None:
        raise LookupError(f"no organisation with id {org_id}")
    row = session.scalar(select(OrgAlias).where(OrgAlias.org_id == org_id, OrgAlias.alias == text))
    if row is None:
        row = OrgAlias(org_id=org_id, alias=text, origin="analyst")
        session.add(row)
    row.confirmed, row.reviewed_by, row.reviewed_at = confirmed, by, utcnow()
    return row
