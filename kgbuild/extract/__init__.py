"""Extraction stage: paper title + abstract -> entities, relations and results.

``extract`` streams :class:`~kgbuild.models.Extraction` records in input order, and
``extract_chunks`` whatever a given stage makes of each chunk of them; with ``workers > 1``
chunks of papers go to a process pool where each worker builds the spaCy pipeline once.
No spaCy object crosses the process boundary.
"""

from __future__ import annotations

from kgbuild.extract.parallel import extract, extract_chunks
from kgbuild.extract.resources import data_fingerprint

CODE_VERSION = "2"
# Changes when the code's rule version, what is stored per paper (2: mentions say whether
# the paper evaluates the entity; evaluation summaries) or any lexicon/pattern file changes,
# so stored papers are rewritten exactly when what they would store could differ.
EXTRACTOR_VERSION = f"{CODE_VERSION}+{data_fingerprint()}"

__all__ = ["EXTRACTOR_VERSION", "extract", "extract_chunks"]
