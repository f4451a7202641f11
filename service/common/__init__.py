"""Neutral helpers with no domain knowledge: clock, ids, database claims, polling threads."""
