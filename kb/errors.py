"""Errors that reach the user as one line, never as a traceback."""


class KbError(Exception):
    """Base class: the message is complete and meant for the user."""


class IngestError(KbError):
    """A file could not be ingested; the message says why (the caller adds the file name)."""


class StoreError(KbError):
    """The knowledge base directory or database cannot be used."""


class EmbedderMismatch(KbError):
    """The index was built by another embedder than the one asked for."""
