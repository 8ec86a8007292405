"""Source PDFs, served by kb's own file id: the path comes from the database, never from the URL,
so no request can name a file the knowledge base did not ingest."""

from __future__ import annotations

import os
import re
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from kb.web import params
from kb.web.service import Kb

_NAME = re.compile(r"([0-9]{1,13})\.pdf")


def source_of(kb: Kb, file_id: int) -> tuple[str, int] | None:
    row = kb.conn.execute("SELECT path, size FROM files WHERE id = ?", (file_id,)).fetchone()
    return (row["path"], row["size"]) if row else None


async def pdf_file(request: Request) -> Response:
    m = _NAME.fullmatch(request.path_params["name"])
    if m is None:
        raise params.BadRequest("files are named by their id: /files/<number>.pdf", 404)
    file_id = params.path_id(m.group(1), "file")
    found = await request.app.state.service.run(source_of, file_id)
    if found is None:
        raise params.BadRequest(f"no file with id {file_id}", 404)
    path, size = Path(found[0]), found[1]
    if path.suffix.lower() != ".pdf":
        raise params.BadRequest(f"file {file_id} is not a PDF", 404)
    try:
        current = os.stat(path)
    except OSError:
        raise params.BadRequest(f"file {file_id} is no longer where it was ingested from", 404) from None
    if current.st_size != size:
        raise params.BadRequest(f"file {file_id} has changed since it was ingested (run `kb ingest` again)", 409)
    return FileResponse(path, media_type="application/pdf", filename=path.name, content_disposition_type="inline",
                        stat_result=current)


routes = [Route("/files/{name}", pdf_file, name="file")]
