"""leadwatch text analysis: sectors, partners and cooperation leads in Chinese news.

Pure text in, tags out: no I/O apart from reading the taxonomy file, no database, no
Scrapy, nothing imported from the rest of leadwatch.

>>> from classifiers import load_taxonomy, Classifier
>>> clf = Classifier(load_taxonomy("config/taxonomy.toml"))   # doctest: +SKIP
>>> clf.classify(title, body).to_dict()                       # doctest: +SKIP
"""

from .amounts import Amount, parse_amounts
from .classifier import Classifier
from .models import Classification, Lead, PartnerTag, SectorTag
from .normalize import fold
from .sentences import split_sentences
from .taxonomy import Taxonomy, TaxonomyError, load_taxonomy

__all__ = [
    "Amount",
    "Classification",
    "Classifier",
    "Lead",
    "PartnerTag",
    "SectorTag",
    "Taxonomy",
    "TaxonomyError",
    "fold",
    "load_taxonomy",
    "parse_amounts",
    "split_sentences",
]
