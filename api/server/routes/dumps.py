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
    from graph.replica import published_dump

    # the published snapshot's N-Quads file, which the SPARQL workers' in-memory copies are
    # loaded from: written once per snapshot (reading RocksDB term by term is slow at 10k+)
    shared = published_dump(store)
    if shared is not None:
        return FileResponse(shared, media_type="application/n-quads", filename="jixiao.nq")
    # other stores: written to a private temporary file, streamed, then deleted
    fd, path = tempfile.mkstemp(prefix="jixiao-dump-", suffix=".nq")
    os.close(fd)
    try:
        store.export("nq", path)
    except BaseException:
        os.unlink(path)
        raise
    return FileResponse(path, media_type="application/n-quads", filename="jixiao.nq",
                        background=BackgroundTask(os.unlink, path))
