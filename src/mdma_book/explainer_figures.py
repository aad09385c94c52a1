"""Figure builders for the explainer chapters, by topic.

The builders live in one module per topic: :mod:`mdma_book.figures_mechanism`
(the mechanism diagram), :mod:`mdma_book.figures_concentration` (the
concentration model) and :mod:`mdma_book.figures_timelines` (the treatment
course and the history timeline). This module gathers them under the one name
the chapters and the live panels import.
"""

from __future__ import annotations

from mdma_book.figures_concentration import concentration_figure
from mdma_book.figures_mechanism import mechanism_diagram
from mdma_book.figures_timelines import history_timeline, treatment_course_figure

__all__ = ["concentration_figure", "history_timeline", "mechanism_diagram", "treatment_course_figure"]
