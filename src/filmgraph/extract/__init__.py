"""Stage 2, extract: spaCy reads the review text into people, works, roles, comparisons, events.

spaCy is imported only inside this package, and only when a stage first runs; what leaves it is
plain dataclasses (``types.py``).
"""

from .stage import EXTRACTOR_VERSION, SpacyTextStage, load_model, make_text_stage
from .types import (CastRole, Comparison, Event, Evidence, ExtractionResult, Mention, PersonRole, Subject, Work)

__all__ = [
    "EXTRACTOR_VERSION", "SpacyTextStage", "load_model", "make_text_stage", "CastRole", "Comparison", "Event",
    "Evidence", "ExtractionResult", "Mention", "PersonRole", "Subject", "Work",
]
