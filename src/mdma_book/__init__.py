"""The logic behind the book: data loading and validation, statistics, figures.

Chapters stay narrative and call into this package:

>>> from mdma_book import evidence, figures
>>> figures.phase3_outcome_rates(evidence.phase3_outcomes())  # doctest: +SKIP
"""

__version__ = "0.1.0"
