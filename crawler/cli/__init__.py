"""The `leadwatch` command: one module per command group; commands parse, call, print.

``main`` is the one error boundary; ``common`` holds what the groups share (consoles,
config and database access, argument types).
"""

from crawler.cli.main import build_parser, main

__all__ = ["build_parser", "main"]
