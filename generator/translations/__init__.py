"""Translations as pairs: Markdown split into blocks, blocks aligned across languages, the record
of what each translation was last synced with (`translations.lock`), and each document's status."""
