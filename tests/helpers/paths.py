"""Paths of the repository and its fixture sites."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TESTS = REPO / "tests"
DEMO_SITE = REPO / "demo" / "site"
SITES = TESTS / "sites"
TAXONOMY = REPO / "config" / "taxonomy.toml"
