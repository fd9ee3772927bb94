"""Test suite of leadwatch (a package, so helpers import as tests.helpers)."""
