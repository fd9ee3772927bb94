"""leadwatch text analysis: sectors, partners and cooperation leads in Chinese news.

Pure text in, tags out: no I/O apart from reading the taxonomy file and the jieba
dictionary cache it keeps in the temp dir (see classifiers.dictionary), no database, no
Scrapy, nothing imported from the rest of leadwatch.

>>> from classifiers import load_taxonomy, Classifier
>>> clf = Classifier(load_taxonomy("config/taxonomy.toml"))   # doctest: +SKIP
>>> clf.classify(title, body).to_dict()                       # doctest: +SKIP

The names below are imported on first use: the taxonomy and its line finder load
without jieba (~0.6 s), which only the classifier itself needs.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .amounts import Amount, parse_amounts
    from .classifier import Classifier
    from .models import Classification, Lead, PartnerTag, SectorTag
    from .normalize import fold
    from .sentences import split_sentences
    from .taxonomy import Problem, Taxonomy, TaxonomyError, check_taxonomy, load_taxonomy

_WHERE = {
    "Amount": "amounts",
    "parse_amounts": "amounts",
    "Classifier": "classifier",
    "Classification": "models",
    "Lead": "models",
    "PartnerTag": "models",
    "SectorTag": "models",
    "fold": "normalize",
    "split_sentences": "sentences",
    "Problem": "taxonomy",
    "Taxonomy": "taxonomy",
    "TaxonomyError": "taxonomy",
    "check_taxonomy": "taxonomy",
    "load_taxonomy": "taxonomy",
}

__all__ = [
    "Amount",
    "Classification",
    "Classifier",
    "Lead",
    "PartnerTag",
    "Problem",
    "SectorTag",
    "Taxonomy",
    "TaxonomyError",
    "check_taxonomy",
    "fold",
    "load_taxonomy",
    "parse_amounts",
    "split_sentences",
]


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'classifiers' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_WHERE[name]}", __name__), name)
    globals()[name] = value
    return value
