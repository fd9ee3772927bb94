"""leadwatch core: configuration, extraction, pipelines, store and the CLI."""

__version__ = "0.1.0"
