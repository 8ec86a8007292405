"""One paper, several sources: copies of a paper in several files recognised and grouped.

`keys` (title + first author + year), `minhash` (near-identical text, banded for look-up),
`groups` (matching at ingest, canonical member, `kb dedup`); the SQL lives in kb/store/groups.py.
"""
