"""Where the shipped defaults are: the sources, the taxonomy, the instance templates and
the demo site, from a source checkout and from an installed wheel alike.

They are package data (``crawler.defaults`` is the repository's config/ folder,
``crawler.demo_site`` its demo/ folder, mapped in pyproject.toml), so an installed
leadwatch finds them inside its own package and an editable install in the checkout.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def _package_dir(package: str) -> Path:
    # Installed packages are plain directories (wheels are unpacked), so the resource
    # path is a real file system path that child processes can be given.
    return Path(str(files(package)))


def defaults_dir() -> Path:
    """The folder with the shipped sources.toml and taxonomy.toml."""
    return _package_dir("crawler.defaults")


def shipped_sources() -> Path:
    """The shipped sources file: the defaults every instance extends or overrides."""
    return defaults_dir() / "sources.toml"


def shipped_taxonomy() -> Path:
    """The shipped taxonomy file: the defaults every instance extends or overrides."""
    return defaults_dir() / "taxonomy.toml"


def shipped_gazetteer() -> Path:
    """The shipped gazetteer: place names by province, city and district."""
    return defaults_dir() / "gazetteer.toml"


def instance_template(name: str) -> Path:
    """The file `leadwatch init` writes as ``name`` into a new instance directory
    (leadwatch.toml, sources.toml or taxonomy.toml)."""
    return defaults_dir() / "instance" / name


def demo_site() -> Path:
    """The bundled demo site's document root."""
    return _package_dir("crawler.demo_site") / "site"
