"""`kb serve`: the knowledge base as a local, read-only web app (imports Starlette; load it lazily)."""

from kb.web.app import create_app, serve

__all__ = ["create_app", "serve"]
