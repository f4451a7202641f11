"""Shipped defaults, found through importlib.resources: the model registry and the summary prompts.

In a source checkout these are links to `models/registry.toml` and `prompts/` (the files people edit); a built
wheel holds copies, so an installed package finds them wherever it runs.
"""
