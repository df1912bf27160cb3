"""``/dumps/jixiao.nq``: the whole dataset as N-Quads (one named graph per source file)."""
from __future__ import annotations

import os
import tempfile

from fastapi import APIRouter, Depends
from fastapi.responses import FileResponse
from starlette.background import BackgroundTask

from api.server.deps import get_store

router = APIRouter()


@router.get("/dumps/jixiao.nq", tags=["SPARQL"], summary="Download the dataset (N-Quads, one graph per source file)",
            response_class=FileResponse)
def dump(store=Depends(get_store)) -> FileResponse:
    # written to a private temporary file, streamed, then deleted: no client-chosen path
    fd, path = tempfile.mkstemp(prefix="jixiao-dump-", suffix=".nq")
    os.close(fd)
    try:
        store.export("nq", path)
    except BaseException:
        os.unlink(path)
        raise
    return FileResponse(path, media_type="application/n-quads", filename="jixiao.nq",
                        background=BackgroundTask(os.unlink, path))
