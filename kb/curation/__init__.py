"""Curation by hand: corrections that outlive re-ingest (`kb edit`) and removal (`kb remove`).

`fields` is imported by the readers in kb/library.py, so it must not import them back; `edit`,
`bibfile` and `remove` are the commands' logic and may.
"""
