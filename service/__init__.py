"""wirebrief: clean, detect, translate and summarize news articles."""

__version__ = "0.1.0"
