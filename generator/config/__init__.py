"""site.yaml, parsed once into one validated, frozen description of the site; every language
setting lives here.

`types` holds what the rest of riji reads, `values` the checks any setting can need,
`sections` the languages, menu, feeds, checks and publish targets, `podcast` the podcast
channel's rules, and `load` reads the file and ties them together.
"""
from .load import load_config
from .types import Config, Language, MenuItem, Podcast

__all__ = ["Config", "Language", "MenuItem", "Podcast", "load_config"]
