"""The HTTP API and the analyst dashboard: a FastAPI app over one store.

Reads (`/events`, `/claims`, `/entities`, `/documents/{id}`, `/export.*`) are open, or need the bearer
token when the app is made with `protect_reads=True`; writes (`POST /documents`, event corrections,
entity merges) always need it. The token is compared in constant time. Every query goes through
`sitrep.store` (parameterised SQLAlchemy Core), malformed input is a 422 with a reason, bodies are
capped at `max_body` bytes, CORS is off unless origins are given, and every response carries a
Content-Security-Policy that allows only this origin — the dashboard loads nothing from elsewhere.
"""
# No `from __future__ import annotations`: FastAPI reads the dependency annotations of the nested
# endpoint functions at run time, and postponed ones could not see their enclosing scopes.
import json
import secrets
import tempfile
import threading
from contextlib import asynccontextmanager
from datetime import date
from functools import cached_property
from hashlib import sha256
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal, Sequence

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Path as PathParam, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, ConfigDict, Field, model_validator
from starlette.background import BackgroundTask
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from . import __version__, export
from .errors import SitrepError
from .ingest import Document, prepare, read_jsonl
from .record import ClaimStatus, EntityType, ErrorRecord
from .store import Filters, Store, api_queries as q, ingest, parse_bbox
from .store.loader import Extracts

MAX_BODY = 5_000_000  # bytes; a news article with its HTML is well under this
MAX_LIMIT = 1000
MAX_TEXT_PARAM = 200
# Ids are free text (file stems, JSONL ids, "doc#evt:1"): any printable characters, bounded length.
ID_PATTERN = r"^[^\x00-\x1f\x7f]{1,300}$"
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "font-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
]
EXPORTS = {  # path suffix → (sitrep.export format, media type)
    "csv": ("acled-csv", "text/csv; charset=utf-8"),
    "geojson": ("geojson", "application/geo+json"),
    "parquet": ("parquet", "application/vnd.apache.parquet"),
}


def web_root() -> Path:
    """The dashboard's static files, shipped inside the package."""
    return Path(str(resources.files("sitrep") / "web"))


class SecurityHeaders:
    """ASGI middleware adding the CSP and friends to every response (dashboard, API, static files)."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = [*message.get("headers", []),
                                      *((k, v) for k, v in SECURITY_HEADERS if k not in present)]
            await send(message)

        await self.app(scope, receive, send_with_headers)


# --- request bodies ------------------------------------------------------------------------------

class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_max_length=MAX_BODY)

    @model_validator(mode="before")
    @classmethod
    def valid_unicode(cls, data: Any) -> Any:
        """JSON can carry lone surrogates ("\\ud800"), which no UTF-8 hash, parser or database accepts."""
        try:
            json.dumps(data, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError("the body holds text that is not valid Unicode (a lone surrogate)") from None
        return data


class DocumentIn(Strict):
    """A document to ingest: plain text or an HTML page (boilerplate removed), with its metadata."""

    id: str | None = Field(default=None, pattern=ID_PATTERN, description="Defaults to a hash of the content.")
    text: str | None = Field(default=None, min_length=1)
    html: str | None = Field(default=None, min_length=1)
    published: date | None = Field(default=None, ge=date(1900, 1, 1), le=date(2100, 12, 31))
    source: str | None = Field(default=None, max_length=300)
    url: str | None = Field(default=None, max_length=2000, pattern=r"^https?://\S+$")
    title: str | None = Field(default=None, max_length=1000)
    language: str | None = Field(default=None, pattern=r"^[a-z]{2}$", description="ISO 639-1; English is supported")

    @model_validator(mode="after")
    def one_body(self) -> "DocumentIn":
        if (self.text is None) == (self.html is None):
            raise ValueError("give exactly one of 'text' and 'html'")
        return self

    def document(self) -> Document | ErrorRecord:
        """The document exactly as a JSONL line with these fields would be read (same checks)."""
        fields = self.model_dump(mode="json", exclude_none=True)
        content = self.text if self.text is not None else self.html
        fields.setdefault("id", "api-" + sha256(content.encode("utf-8")).hexdigest()[:16])
        (item,) = read_jsonl([json.dumps(fields)], "api")
        return prepare(item)


class EventCorrection(Strict):
    """Field → new value, as `sitrep edit event ID --set field=value` takes them ("null" clears)."""

    set: dict[Annotated[str, Field(max_length=50)], Annotated[str, Field(max_length=2000)]] = Field(min_length=1)
    author: str | None = Field(default=None, max_length=200)


class EntityMerge(Strict):
    keep: str = Field(pattern=ID_PATTERN, description="Entity id or name that stays")
    merge: str = Field(pattern=ID_PATTERN, description="Entity id or name merged into it")
    author: str | None = Field(default=None, max_length=200)


class IngestResult(BaseModel):
    id: str
    outcome: Literal["stored", "skipped"]


# --- query parameters ----------------------------------------------------------------------------

Text = Annotated[str | None, Query(max_length=MAX_TEXT_PARAM)]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT)]
Offset = Annotated[int, Query(ge=0, le=10_000_000)]
Id = Annotated[str, PathParam(pattern=ID_PATTERN)]


def bbox_param(bbox: Annotated[str | None, Query(
        max_length=100, description="min_lon,min_lat,max_lon,max_lat (GeoJSON order)")] = None,
               ) -> tuple[float, float, float, float] | None:
    if bbox is None:
        return None
    try:
        return parse_bbox(bbox)
    except SitrepError as err:
        raise RequestValidationError([{"type": "value_error", "loc": ("query", "bbox"), "msg": str(err),
                                       "input": bbox}]) from None


def event_filters(start: Annotated[date | None, Query(description="Earliest event date")] = None,
                  end: Annotated[date | None, Query(description="Latest event date")] = None,
                  bbox: Annotated[tuple[float, float, float, float] | None, Depends(bbox_param)] = None,
                  country: Text = None, admin1: Text = None, actor: Text = None,
                  event_type: Annotated[str | None, Query(
                      max_length=MAX_TEXT_PARAM, description="Event type or sub-event type (part of)")] = None,
                  q: Annotated[str | None, Query(
                      max_length=MAX_TEXT_PARAM, description="Words in notes, location or evidence")] = None,
                  ) -> Filters:
    if start and end and start > end:
        raise RequestValidationError([{"type": "value_error", "loc": ("query", "end"),
                                       "msg": "end is before start", "input": end.isoformat()}])
    return Filters(since=start and start.isoformat(), until=end and end.isoformat(), country=country,
                   admin1=admin1, bbox=bbox, actor=actor, type=event_type, text=q)


# --- the app -------------------------------------------------------------------------------------

class Service:
    """What the endpoints share: the store, the extractor (loaded on first ingest), the write lock."""

    def __init__(self, store: Store, extractor: Extracts | None):
        self.store = store
        self._extractor = extractor
        self.write_lock = threading.Lock()  # one writer at a time: DuckDB allows a single writing transaction

    @cached_property
    def extractor(self) -> Extracts:
        if self._extractor is not None:
            return self._extractor
        from .extract import Extractor

        return Extractor()


def bearer_checker(token: str | None, required: bool):
    """A dependency that lets a request through only with `Authorization: Bearer <token>`."""
    scheme = HTTPBearer(auto_error=False, description="The token the server was started with (SITREP_TOKEN)")
    expected = token.encode("utf-8") if token else None

    def check(credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(scheme)]) -> None:
        if not required:
            return
        if expected is None:
            raise HTTPException(403, "writes are disabled: start the server with SITREP_TOKEN set")
        given = credentials.credentials.encode("utf-8") if credentials else b""
        if not secrets.compare_digest(given, expected):
            raise HTTPException(401, "a valid bearer token is required", headers={"WWW-Authenticate": "Bearer"})

    return check


def _page(result: q.Page, limit: int, offset: int, items: list[Any]) -> dict:
    return {"total": result.total, "limit": limit, "offset": offset, "items": items}


def _event_detail(store: Store, row: dict) -> dict:
    """A flat event plus every source document with its evidence spans."""
    flat = export.flat_event(row)
    if "corroboration" in row:
        sources = [dict(s) for s in row["sources"]]
    else:
        sources = [{"document_id": row["document_id"], "event_id": row["event_id"], "source": row.get("source"),
                    "published": row.get("published"), "event_date": row["event_date"],
                    "location": row["location"], "fatalities": row["fatalities"], "evidence": row["evidence"] or []}]
    meta = q.document_meta(store, (s["document_id"] for s in sources))
    for s in sources:
        s["document"] = meta.get(s["document_id"], {"id": s["document_id"]})
    return {**{k: v for k, v in flat.items() if k != "evidence"}, "sources": sources}


def _entity_detail(row: dict) -> dict:
    return {**row, "mention_count": sum(len(m["spans"] or []) for m in row["mentions"]),
            "mentions": [{"document_id": m["document_id"], "name": m["name"], "spans": m["spans"] or []}
                         for m in row["mentions"]],
            "relations": [{**{k: r[k] for k in ("document_id", "subject", "predicate", "object", "status", "evidence")},
                           "subject_id": r["subject_entity"], "object_id": r["object_entity"]}
                          for r in row["relations"]]}


def build_router(service: Service) -> APIRouter:
    """The JSON endpoints; reads and writes get their token dependency where they are included."""
    store = service.store
    router = APIRouter()

    @router.get("/events", tags=["events"], summary="Events, filtered and paged")
    def list_events(filters: Annotated[Filters, Depends(event_filters)], limit: Limit = 50, offset: Offset = 0,
                    fused: bool = False) -> dict:
        """Per-document events, or with `fused=true` the cross-document events (one per incident)."""
        result = q.events_page(store, filters, fused, limit, offset)
        return _page(result, limit, offset, [export.flat_event(r) for r in result.rows])

    @router.get("/events/timeline", tags=["events"], summary="Events per day")
    def events_timeline(filters: Annotated[Filters, Depends(event_filters)], fused: bool = False) -> dict:
        return {"days": [{"date": day, "count": n} for day, n in q.timeline(store, filters, fused)]}

    @router.get("/events/{event_id}", tags=["events"], summary="One event with its sources and evidence")
    def get_event(event_id: Id) -> dict:
        """A fused event (`fev:…`) or a per-document one (`<document id>#<event id>`)."""
        row = q.event(store, event_id)
        if row is None:
            raise HTTPException(404, f"no event {event_id!r}")
        return _event_detail(store, row)

    @router.get("/claims", tags=["claims"], summary="Claims by claimant and status")
    def list_claims(start: Annotated[date | None, Query(description="Earliest publication date")] = None,
                    end: Annotated[date | None, Query(description="Latest publication date")] = None,
                    status: ClaimStatus | None = None, claimant: Text = None,
                    actor: Annotated[str | None, Query(max_length=MAX_TEXT_PARAM,
                                                       description="Claims by or about this actor")] = None,
                    q_: Annotated[str | None, Query(alias="q", max_length=MAX_TEXT_PARAM)] = None,
                    contradictions: Annotated[bool, Query(description="Only claims in a contradiction")] = False,
                    limit: Limit = 50, offset: Offset = 0) -> dict:
        filters = Filters(since=start and start.isoformat(), until=end and end.isoformat(), type=status,
                          actor=actor, text=q_)
        result = q.claims_page(store, filters, claimant, contradictions, limit, offset)
        docs = q.document_meta(store, (r["document_id"] for r in result.rows))
        return _page(result, limit, offset, [
            {"id": f"{r['document_id']}{q.EVENT_ID_SEPARATOR}{r['claim_id']}", **r,
             "document": docs.get(r["document_id"], {"id": r["document_id"]})} for r in result.rows])

    @router.get("/claims/groups", tags=["claims"], summary="The same proposition across sources")
    def list_claim_groups(contradictions: bool = False, status: ClaimStatus | None = None,
                          q_: Annotated[str | None, Query(alias="q", max_length=MAX_TEXT_PARAM)] = None,
                          limit: Limit = 50, offset: Offset = 0) -> dict:
        """Claim groups; with `contradictions=true` only those where one source asserts what another
        denies or doubts, each member with its claimant, status and evidence."""
        result = q.claim_groups_page(store, Filters(type=status, text=q_), contradictions, limit, offset)
        docs = q.document_meta(store, (m["document_id"] for r in result.rows for m in r["members"]))
        for r in result.rows:
            for m in r["members"]:
                m["document"] = docs.get(m["document_id"], {"id": m["document_id"]})
        return _page(result, limit, offset, result.rows)

    @router.get("/entities", tags=["entities"], summary="Cross-document entities")
    def list_entities(q_: Annotated[str | None, Query(alias="q", max_length=MAX_TEXT_PARAM,
                                                      description="Part of a name or alias")] = None,
                      type: EntityType | None = None, limit: Limit = 50, offset: Offset = 0) -> dict:
        result = q.entities_page(store, Filters(text=q_, type=type), limit, offset)
        return _page(result, limit, offset, result.rows)

    @router.get("/entities/{entity_id}", tags=["entities"], summary="One entity: aliases, mentions, relations")
    def get_entity(entity_id: Id) -> dict:
        row = q.entity(store, entity_id)
        if row is None:
            raise HTTPException(404, f"no entity {entity_id!r}")
        detail = _entity_detail(row)
        docs = q.document_meta(store, [m["document_id"] for m in detail["mentions"]]
                               + [r["document_id"] for r in detail["relations"]])
        for item in (*detail["mentions"], *detail["relations"]):
            item["document"] = docs.get(item["document_id"], {"id": item["document_id"]})
        return detail

    @router.get("/documents/{document_id}", tags=["documents"], summary="A document's sitrep/1 record")
    def get_document(document_id: Id) -> dict:
        record = q.record(store, document_id)
        if record is None:
            raise HTTPException(404, f"no document {document_id!r}")
        return record.model_dump(mode="json", by_alias=True)

    def export_events(suffix: str):
        fmt, media = EXPORTS[suffix]

        def endpoint(filters: Annotated[Filters, Depends(event_filters)], fused: bool = False) -> FileResponse:
            handle = tempfile.NamedTemporaryFile(suffix=f".{suffix}", delete=False)
            handle.close()
            path = Path(handle.name)
            export.export(store, fmt, output=path, fused=fused, filters=filters)
            return FileResponse(path, media_type=media, filename=f"sitrep-events.{suffix}",
                                background=BackgroundTask(path.unlink, missing_ok=True))

        endpoint.__doc__ = f"Events as {fmt} (through `sitrep.export`), with the filters of /events."
        return endpoint

    for suffix in EXPORTS:
        router.add_api_route(f"/export.{suffix}", export_events(suffix), methods=["GET"], tags=["export"],
                             response_class=FileResponse, summary=f"Export events as {suffix}")
    return router


def build_write_router(service: Service) -> APIRouter:
    store = service.store
    router = APIRouter()

    @router.post("/documents", tags=["documents"], status_code=201, summary="Ingest a document")
    def post_document(body: DocumentIn) -> IngestResult:
        """Extract and store one document (text, or HTML whose boilerplate is removed); fusion is refreshed."""
        item = body.document()
        if isinstance(item, ErrorRecord):  # refused before the pipeline is even loaded
            raise HTTPException(422, f"{item.id}: {item.error}")
        outcomes: list[str] = []
        with service.write_lock:
            summary = ingest(store, [item], service.extractor, on_document=lambda _, outcome: outcomes.append(outcome))
        if summary.failed:
            raise HTTPException(422, f"{item.id}: {summary.failed[0][1]}")
        return IngestResult(id=item.id, outcome=outcomes[0])

    @router.post("/events/{event_id}/corrections", tags=["events"], summary="Correct a fused event")
    def correct_event(event_id: Id, body: EventCorrection) -> dict:
        """Set fields of a fused event; stored as an audited correction that survives re-ingest."""
        if q.event(store, event_id) is None or q.split_event_id(event_id):
            raise HTTPException(404, f"no fused event {event_id!r}")
        with service.write_lock:
            row = store.edit_event(event_id, body.set, author=body.author or "api")
        return export.flat_event(row)

    @router.post("/entities/merge", tags=["entities"], summary="Merge two entities")
    def merge_entities(body: EntityMerge) -> dict:
        """Make `merge` the same entity as `keep`; stored as an audited correction."""
        with service.write_lock:
            return store.merge_entities(body.keep, body.merge, author=body.author or "api")

    return router


def create_app(db_url: str | None, token: str | None, *, protect_reads: bool = False,
               cors_origins: Sequence[str] = (), max_body: int = MAX_BODY,
               extractor: Extracts | None = None) -> FastAPI:
    """The app over the store at `db_url`. `token` guards writes (and reads with `protect_reads`);
    without a token, writes are refused. `extractor` lets a caller share an already loaded pipeline."""
    if protect_reads and not token:
        raise ValueError("protect_reads needs a token")
    service = Service(Store(db_url), extractor)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        yield
        service.store.close()

    app = FastAPI(title="sitrep", version=__version__, max_body_size=max_body, docs_url=None, redoc_url=None,
                  lifespan=lifespan,
                  description="Conflict events, claims and entities extracted from news, with their evidence.")
    app.state.service = service
    read = Depends(bearer_checker(token, required=protect_reads))
    write = Depends(bearer_checker(token, required=True))
    app.include_router(build_router(service), dependencies=[read])
    app.include_router(build_write_router(service), dependencies=[write])

    @app.exception_handler(RequestValidationError)
    async def invalid_input(request: Request, err: RequestValidationError) -> Response:
        """FastAPI's 422, written as ASCII JSON: the input it echoes may hold lone surrogates, which
        UTF-8 cannot encode (the default handler would fail with a 500)."""
        body = json.dumps({"detail": jsonable_encoder(err.errors())}, ensure_ascii=True)
        return Response(body, status_code=422, media_type="application/json")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, err: StarletteHTTPException) -> Response:
        """FastAPI answers a body it cannot parse at all (bad UTF-8, nesting too deep) with a 400; for
        the client that is malformed input like any other, so it gets the same 422."""
        if err.status_code == 400:
            return JSONResponse({"detail": err.detail}, status_code=422)
        return await http_exception_handler(request, err)

    @app.exception_handler(SitrepError)
    async def sitrep_error(request: Request, err: SitrepError) -> JSONResponse:
        """Library errors are the client's to fix (unknown field, ambiguous name): 422 with the reason."""
        return JSONResponse({"detail": str(err)}, status_code=422)

    root = web_root()

    @app.get("/", include_in_schema=False)
    def dashboard() -> FileResponse:
        return FileResponse(root / "index.html")

    @app.get("/docs", include_in_schema=False)
    def docs() -> FileResponse:
        return FileResponse(root / "docs.html")

    app.mount("/static", StaticFiles(directory=root), name="static")
    if cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=list(cors_origins), allow_methods=["GET", "POST"],
                           allow_headers=["Authorization", "Content-Type"])
    app.add_middleware(SecurityHeaders)
    return app
