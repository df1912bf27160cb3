"""``/dumps/jixiao.nq``: the whole dataset as N-Quads (the snapshot the query workers load)."""
from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException
from fastapi.responses import FileResponse

from api.server.deps import get_pool
from api.server.sparql.pool import QueryPool

router = APIRouter()


@router.get("/dumps/jixiao.nq", tags=["SPARQL"], summary="Download the dataset (N-Quads, one graph per source file)",
            response_class=FileResponse)
def dump(pool: QueryPool = Depends(get_pool)) -> FileResponse:
    # a fixed file the server wrote itself; no part of the path comes from the client
    path = pool.snapshot_path
    if not path:
        raise HTTPException(404, "no dump is available for a remote store; ask the store itself")
    return FileResponse(path, media_type="application/n-quads", filename="jixiao.nq")
