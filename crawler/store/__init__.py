"""The store: SQLAlchemy models, the database handle and the queries the app needs."""

from crawler.store.db import Database

__all__ = ["Database"]
