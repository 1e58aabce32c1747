"""The benchmark's server: the real sync server app plus one bare endpoint.

``POST /bench/bare`` reads the request body and answers a constant, on the same
uvicorn, middleware and worker setup, so it is the ceiling a push is compared to.
Used only by ``bench_sync_server.py`` (``uvicorn benchmarks.bench_app:create --factory``).
"""

from __future__ import annotations

from fastapi import FastAPI, Request

from sync_server.app import create_app_from_environment


def create() -> FastAPI:
    app = create_app_from_environment()

    @app.post("/bench/bare", include_in_schema=False)
    async def bare(request: Request) -> dict[str, bool]:
        await request.body()
        return {"ok": True}

    return app
