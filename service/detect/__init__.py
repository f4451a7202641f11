"""Language detection: which language an article is in, and so which model translates it.

`core` holds the rules, `engines` the detectors (lingua, langdetect), `routing` the language → model map.
"""

from .core import Candidate, Detection, detect, detect_paragraphs, detectable_codes
from .engines import Engine, EngineName
from .routing import Routing

__all__ = [
    "Candidate",
    "Detection",
    "Engine",
    "EngineName",
    "Routing",
    "detect",
    "detect_paragraphs",
    "detectable_codes",
]
