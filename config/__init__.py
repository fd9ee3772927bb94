"""The shipped defaults, installed as the package ``crawler.defaults`` (pyproject.toml).

sources.toml and taxonomy.toml are the defaults every instance starts from; instance/
holds what `leadwatch init` writes into a new instance directory. No code lives here:
read the files through :mod:`crawler.shipped`.
"""
