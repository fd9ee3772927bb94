"""The bundled demo site (site/), installed as the package ``crawler.demo_site``.

`leadwatch demo` serves it on 127.0.0.1; no code lives here (see :mod:`crawler.shipped`).
"""
