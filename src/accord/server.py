"""The HTTP API and dashboard over a coded store (`accord serve`).

Owns the routes (JSON endpoints, the dashboard page and its static files), how requests share
the DuckDB store (each read through its own cursor of a connection held only while requests
come, so other processes can write between bursts; writes one at a time), the write
guard (`POST /code` only with `allow_write` and a bearer token) and the request-body limit.
Queries live in accord.analyse and accord.store; every parameter reaches DuckDB bound.
"""

from __future__ import annotations

import datetime
import os
import secrets
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, MutableMapping
from contextlib import asynccontextmanager, contextmanager
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

import duckdb
from fastapi import Depends, FastAPI, HTTPException, Query
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field

from accord import __version__
from accord.analyse import (
    DYAD_COLUMNS,
    FREQUENCIES,
    EventFilter,
    article_view,
    cluster_page,
    codes_in_store,
    dyad_rows,
    event_page,
)
from accord.storage_lock import SharedConnection, StoreUnavailable
from accord.store import Store

WEB_DIR = Path(__file__).with_name("web")
TOKEN_ENV = "ACCORD_TOKEN"
DEFAULT_MAX_BODY_BYTES = 1_000_000
DEFAULT_LIMIT = 50
MAX_LIMIT = 500
# DuckDB takes OFFSET as a 64-bit integer; far below that, any offset past the end is empty.
MAX_OFFSET = 1_000_000_000
CODE_PATTERN = r"^\s*[A-Za-z]{3}\s*$"
# Module level: FastAPI resolves dependency annotations in the module's namespace.
_BEARER = HTTPBearer(auto_error=False, description="the token given to `accord serve`")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


# ---------------------------------------------------------------- the store behind the app


class StoreAccess:
    """The app's way into its store: one shared connection, held only while requests come.

    Each read gets a cursor of its own (DuckDB connections are not thread-safe); the file is
    let go between bursts of requests and whenever an accord writer waits for it, so
    `accord code --db` and `accord watch` can store into the store being served
    (accord.storage_lock.SharedConnection, docs/store.md). Writes go one at a time.
    """

    def __init__(self, path: Path, writable: bool) -> None:
        self.path = path
        self.writable = writable
        self._shared = SharedConnection(str(path), read_only=not writable)
        self._write_lock = threading.Lock()

    def check(self) -> None:
        """Open the store once now, so a store that cannot be served stops the start."""
        Store(self.path, read_only=not self.writable).close()

    @contextmanager
    def reader(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with self._shared.cursor() as cursor:
            yield cursor

    @contextmanager
    def store(self) -> Iterator[Store]:
        with self._write_lock, self._shared.cursor() as cursor:
            yield Store.borrowing(cursor, self.path)

    def close(self) -> None:
        self._shared.close()


# ---------------------------------------------------------------- request body limit


class BodyLimit:
    """Answers 413 to a request whose body is over `max_bytes`, declared or streamed."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = dict(scope.get("headers") or []) if scope["type"] == "http" else {}
        if b"content-length" not in headers and b"transfer-encoding" not in headers:
            await self.app(scope, receive, send)
            return
        declared = headers.get(b"content-length", b"0")
        if not declared.isdigit():
            await _json_error(send, 400, "Content-Length must be a number of bytes")
            return
        if int(declared) > self.max_bytes:
            await self._refuse(send)
            return
        body = await self._read_body(receive)
        if body is None:
            await self._refuse(send)
            return
        await self.app(scope, _replay(body, receive), send)

    async def _read_body(self, receive: Receive) -> bytes | None:
        """The whole body, or None as soon as it grows past the limit (a lying header)."""
        parts: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return b"".join(parts)
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                return None
            parts.append(chunk)
            if not message.get("more_body", False):
                return b"".join(parts)

    async def _refuse(self, send: Send) -> None:
        await _json_error(send, 413, f"request body over {self.max_bytes} bytes")


def _replay(body: bytes, receive: Receive) -> Receive:
    delivered = False

    async def replayed() -> Message:
        nonlocal delivered
        if delivered:
            return await receive()
        delivered = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replayed


async def _json_error(send: Send, status: int, detail: str) -> None:
    response = JSONResponse({"detail": detail}, status_code=status)
    await response({"type": "http"}, _nothing_to_receive, send)


async def _nothing_to_receive() -> Message:
    return {"type": "http.disconnect"}


# ---------------------------------------------------------------- validation helpers


def invalid(location: str, field: str, message: str, value: object) -> RequestValidationError:
    """A 422 in FastAPI's own shape, naming the field, for checks beyond a single value."""
    return RequestValidationError([{"type": "value_error", "loc": (location, field),
                                    "msg": message, "input": value}])


@lru_cache(maxsize=1)
def _event_types() -> frozenset[str]:
    from accord.knowledge import plover_types

    return frozenset(plover_types())


@lru_cache(maxsize=1)
def _country_names() -> dict[str, str]:
    from accord.knowledge import read_table

    names = {row["code"]: row["name"] for row in read_table("countries.tsv")}
    # Organisation codes name a kind of body, not one body (organisations.tsv).
    return names | {"UNO": "United Nations", "EUR": "European Union",
                    "IGO": "Intergovernmental organisations", "NGO": "Non-governmental "
                    "organisations", "ISM": "Transnational militant groups"}


def _checked_type(value: str | None) -> str | None:
    if value is None:
        return None
    if value.strip().upper() not in _event_types():
        raise invalid("query", "type", f"not a PLOVER type: {', '.join(sorted(_event_types()))}",
                      value)
    return value


def _checked_span(start: date | None, end: date | None) -> None:
    if start and end and start > end:
        raise invalid("query", "end", "end must not be before start", end.isoformat())


# ---------------------------------------------------------------- parameters shared by routes

Code = Annotated[str | None, Query(pattern=CODE_PATTERN, description="a code, e.g. KAZ")]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description=f"page size (max {MAX_LIMIT})")]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="rows to skip")]
EventType = Annotated[str | None, Query(alias="type", max_length=20,
                                        description="a PLOVER type, e.g. AGREE")]
Quad = Annotated[int | None, Query(ge=1, le=4, description="quad class 1-4")]
Start = Annotated[date | None, Query(description="first date, inclusive (YYYY-MM-DD)")]
End = Annotated[date | None, Query(description="last date, inclusive (YYYY-MM-DD)")]


class Page(BaseModel):
    total: int = Field(description="how many match the filters")
    limit: int
    offset: int
    items: list[dict[str, Any]]


class CodeRequest(BaseModel):
    """One article to code: the fields of a JSONL input line."""

    text: str = Field(min_length=1, description="the article text (plain, wire format or HTML)")
    id: str | None = Field(None, max_length=200, description="document id (default: from hash)")
    date: datetime.date | None = Field(None, description="publication date")
    title: str | None = Field(None, max_length=1000)
    url: str | None = Field(None, max_length=2000)


# ---------------------------------------------------------------- the app


def create_app(
    db_path: str | Path,
    allow_write: bool = False,
    token: str | None = None,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
) -> FastAPI:
    """The API and dashboard over the store at `db_path`.

    Read-only (and the store must exist) unless `allow_write`; writing then needs `token`,
    or the ACCORD_TOKEN environment variable, sent as `Authorization: Bearer <token>`.
    """
    path = Path(db_path)
    token = token or os.environ.get(TOKEN_ENV) or None
    if allow_write and not token:
        raise ValueError(f"writing needs a token: pass one or set {TOKEN_ENV}")
    if not allow_write and not path.exists():
        raise FileNotFoundError(f"no accord store at {path}")
    access = StoreAccess(path, writable=allow_write)
    access.check()

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        access.close()

    # The docs page is served from vendored files below, not from a CDN.
    app = FastAPI(title="accord", version=__version__, lifespan=lifespan, docs_url=None,
                  redoc_url=None,
                  description="Political events coded from news, with the evidence for each.")
    app.state.access = access
    app.add_middleware(BodyLimit, max_bytes=max_body_bytes)
    app.add_exception_handler(StoreUnavailable, _store_unavailable)
    _add_read_routes(app, access)
    _add_write_route(app, access, allow_write, token)
    _add_dashboard(app)
    return app


async def _store_unavailable(_: object, error: Exception) -> JSONResponse:
    # Busy past the bounded wait, or gone: the client may try again; the reason is one line.
    return JSONResponse({"detail": str(error)}, status_code=503, headers={"Retry-After": "5"})


def _add_read_routes(app: FastAPI, access: StoreAccess) -> None:
    @app.get("/health", tags=["store"])
    def health() -> dict[str, Any]:
        """Whether the store answers, and how much it holds."""
        with access.store() as store:
            counts = store.counts()
            clusters = store.cluster_count()
        return {"status": "ok", "version": __version__, "writable": access.writable,
                **counts, "clusters": clusters}

    @app.get("/codes", tags=["store"])
    def codes() -> list[dict[str, Any]]:
        """Every actor or recipient code in the store, with its name and event count."""
        names = _country_names()
        with access.reader() as con:
            rows = codes_in_store(con)
        return [{"code": code, "name": names.get(code, code), "events": n} for code, n in rows]

    @app.get("/events", tags=["events"])
    def events(
        actor: Code = None, recipient: Code = None, event_type: EventType = None,
        quad: Quad = None, start: Start = None, end: End = None,
        place: Annotated[str | None, Query(max_length=200,
                                           description="part of the place name")] = None,
        country: Annotated[str | None, Query(
            pattern=CODE_PATTERN, description="country code of the event place")] = None,
        q: Annotated[str | None, Query(max_length=200,
                                       description="words in the evidence sentence")] = None,
        a: Code = None, b: Code = None,
        limit: Limit = DEFAULT_LIMIT, offset: Offset = 0,
    ) -> Page:
        """Event records matching every filter, in date order. `a` and `b` together keep
        the events between two codes, either way round or acting jointly."""
        _checked_span(start, end)
        selection = EventFilter(actor=actor, recipient=recipient,
                                event_type=_checked_type(event_type), quad=quad, start=start,
                                end=end, place=place, country=country,
                                text=q, dyad=_dyad_pair(a, b, required=False))
        with access.reader() as con:
            total, items = event_page(con, selection, limit, offset)
        return Page(total=total, limit=limit, offset=offset, items=items)

    @app.get("/clusters", tags=["events"])
    def clusters(
        actor: Code = None, recipient: Code = None, event_type: EventType = None,
        quad: Quad = None, start: Start = None, end: End = None,
        limit: Limit = DEFAULT_LIMIT, offset: Offset = 0,
    ) -> Page:
        """Groups of records reporting the same real-world event, most mentioned first."""
        _checked_span(start, end)
        selection = EventFilter(actor=actor, recipient=recipient,
                                event_type=_checked_type(event_type), quad=quad, start=start,
                                end=end)
        with access.reader() as con:
            total, items = cluster_page(con, selection, limit, offset)
        return Page(total=total, limit=limit, offset=offset, items=items)

    @app.get("/dyad", tags=["dyads"])
    def dyad(
        a: Annotated[str, Query(pattern=CODE_PATTERN, description="a code, e.g. KAZ")],
        b: Annotated[str, Query(pattern=CODE_PATTERN, description="the other code")],
        freq: Literal["week", "month", "quarter"] = "month",
        clustered: bool = False, directed: bool = False,
    ) -> dict[str, Any]:
        """How two codes relate over time: per period, events per quad class and mean scores."""
        pair = _dyad_pair(a, b, required=True)
        assert pair is not None and freq in FREQUENCIES
        with access.reader() as con:
            rows = dyad_rows(con, pair[0], pair[1], freq, clustered, directed)
        return {"a": pair[0], "b": pair[1], "freq": freq, "clustered": clustered,
                "directed": directed,
                "periods": [dict(zip(DYAD_COLUMNS, row, strict=True)) for row in rows]}

    @app.get("/top-dyads", tags=["dyads"])
    def top_dyads(limit: Limit = 20) -> list[dict[str, Any]]:
        """The most active pairs of codes, with counts per quad class and mean scores."""
        with access.store() as store:
            return store.dyad_summary(limit=limit)

    @app.get("/articles/{doc_id}", tags=["events"])
    def article(
        doc_id: Annotated[str, PathParam(min_length=1, max_length=500)],
        content_hash: Annotated[str | None, Query(
            pattern=r"^[0-9a-f]{64}$", description="which text, when several share the id")
        ] = None,
    ) -> dict[str, Any]:
        """One article: its text and the events coded from it, in text order."""
        with access.reader() as con:
            found = article_view(con, doc_id, content_hash)
        if found is None:
            raise HTTPException(404, f"no article {doc_id!r} in the store")
        return found


def _dyad_pair(a: str | None, b: str | None, required: bool) -> tuple[str, str] | None:
    if a is None and b is None and not required:
        return None
    for name, value in (("a", a), ("b", b)):
        if value is None:
            raise invalid("query", name, "a dyad needs both a and b", value)
    assert a is not None and b is not None
    if a.strip().upper() == b.strip().upper():
        raise invalid("query", "b", "a dyad needs two different codes", b)
    return a.strip().upper(), b.strip().upper()


def _add_write_route(
    app: FastAPI, access: StoreAccess, allow_write: bool, token: str | None
) -> None:
    def writer(
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_BEARER)],
    ) -> None:
        if not allow_write or token is None:
            raise HTTPException(403, "this server is read-only (start it with --allow-write)")
        if credentials is None:
            raise HTTPException(401, "a bearer token is required",
                                headers={"WWW-Authenticate": "Bearer"})
        if not secrets.compare_digest(credentials.credentials.encode(), token.encode()):
            raise HTTPException(403, "wrong token")

    @app.post("/code", tags=["write"], dependencies=[Depends(writer)])
    def code(request: CodeRequest) -> dict[str, Any]:
        """Code one article, store it with its events, and return them."""
        return _code_and_store(access, request)


def _code_and_store(access: StoreAccess, request: CodeRequest) -> dict[str, Any]:
    from accord.analyse import update_clusters
    from accord.pipeline import code_articles
    from accord.readers import record_articles
    from accord.store import content_hash

    record = request.model_dump()
    record["date"] = request.date.isoformat() if request.date else None
    default_id = "api-" + content_hash(request.text)[:12]
    coded, rejects = [], []
    for item in code_articles(record_articles(record, default_id, "POST /code")):
        if isinstance(item, tuple):
            coded.append(item)
        else:
            rejects.append(item.to_dict())
    added = duplicates = 0
    if coded:
        with access.store() as store:
            added, duplicates = store.add_batch(coded, coder_version=__version__)
            update_clusters(store)
    return {"added": added, "duplicates": duplicates, "rejected": rejects,
            "events": [event.to_dict() for _, events in coded for event in events]}


def _add_dashboard(app: FastAPI) -> None:
    app.mount("/static", StaticFiles(directory=WEB_DIR), name="static")

    @app.get("/", include_in_schema=False)
    def dashboard() -> FileResponse:
        return FileResponse(WEB_DIR / "index.html")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        vendor = "/static/vendor/swagger-ui"
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json", title="accord API",
            swagger_js_url=f"{vendor}/swagger-ui-bundle.js",
            swagger_css_url=f"{vendor}/swagger-ui.css", swagger_favicon_url="/static/favicon.svg")
