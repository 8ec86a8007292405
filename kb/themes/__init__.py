"""Themes: a taxonomy file, a tagger that scores passages against it, and their storage."""
