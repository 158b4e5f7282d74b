"""riji (日记): a static-site generator for a bilingual English + Chinese diary."""

__version__ = "0.1.0"
