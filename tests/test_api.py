"""The HTTP API: filters, pages, one item by id, exports, auth, validation and hardening — through
FastAPI's TestClient on DuckDB and PostgreSQL, and through a real `sitrep serve` (uvicorn) process."""
from __future__ import annotations

import io
import json
import os
import socket
import subprocess
import sys
import time

import httpx
import pyarrow.parquet as pq
import pytest
from fastapi.testclient import TestClient

from sitrep.api import create_app
from sitrep.export import acled_columns
from sitrep.record import Record

from .api_fixtures import TEXT_A, TEXT_B, seed

TOKEN = "s3cret-token-for-tests"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
ALL_EVENTS = {"kenya-a#evt:1", "kenya-a#evt:2", "kenya-b#evt:1", "kenya-b#evt:2",
              "libya-c#evt:1", "libya-c#evt:2", "libya-c#evt:3"}
INJECTIONS = ["' OR '1'='1", "x'; DROP TABLE events; --", "%", "_", "\\", "\" OR 1=1 --", "1) UNION SELECT * FROM documents --",
              "$$; DELETE FROM events; $$", "ö' || (SELECT version()) || '"]


@pytest.fixture
def seeded(store_url):
    return seed(store_url)


@pytest.fixture
def client(seeded):
    with TestClient(create_app(seeded.url, TOKEN)) as c:
        yield c


@pytest.fixture
def duck(tmp_path):
    return seed(f"duckdb:///{tmp_path / 'api.duckdb'}")


@pytest.fixture(scope="module")
def reader(tmp_path_factory):
    """One DuckDB-backed client for the tests that only read (validation, injection, headers)."""
    seeded = seed(f"duckdb:///{tmp_path_factory.mktemp('reader') / 'api.duckdb'}")
    with TestClient(create_app(seeded.url, TOKEN)) as c:
        yield c


def ids(response: httpx.Response) -> set[str]:
    assert response.status_code == 200, response.text
    return {item["id"] for item in response.json()["items"]}


def fused_battle(client: TestClient) -> dict:
    (battle,) = client.get("/events", params={"fused": "true", "country": "Kenya", "event_type": "Battles"}).json()["items"]
    return battle


@pytest.mark.parametrize("params, expected", [
    ({}, ALL_EVENTS),
    ({"start": "2019-03-05"}, {"kenya-a#evt:2", "kenya-b#evt:2"}),
    ({"end": "2016-12-31"}, {"libya-c#evt:1", "libya-c#evt:2", "libya-c#evt:3"}),
    ({"start": "2019-03-04", "end": "2019-03-04"}, {"kenya-a#evt:1", "kenya-b#evt:1"}),
    ({"bbox": "15,30,18,32"}, {"libya-c#evt:1", "libya-c#evt:2"}),
    ({"country": "kenya"}, {"kenya-a#evt:1", "kenya-a#evt:2", "kenya-b#evt:1", "kenya-b#evt:2"}),
    ({"admin1": "Tripoli"}, {"libya-c#evt:3"}),
    ({"actor": "Islamic State"}, {"libya-c#evt:1", "libya-c#evt:2"}),
    ({"event_type": "Protests"}, {"libya-c#evt:3"}),
    ({"event_type": "Air/drone strike"}, {"libya-c#evt:2"}),
    ({"q": "roadside"}, {"kenya-b#evt:2"}),
    ({"country": "Kenya", "event_type": "Battles"}, {"kenya-a#evt:1", "kenya-b#evt:1"}),
    ({"country": "Chad"}, set()),
])
def test_api_events_filters(client, params, expected):
    assert ids(client.get("/events", params=params)) == expected


def test_api_events_fused_merges_reports(client):
    response = client.get("/events", params={"fused": "true", "country": "Kenya"})
    assert response.json()["total"] == 3  # the two reports of the Mandera attack are one event
    battle = fused_battle(client)
    assert battle["corroboration"] == 2 and battle["id"].startswith("fev:")


def test_api_events_pagination(client):
    seen, offset = [], 0
    while True:
        body = client.get("/events", params={"limit": 3, "offset": offset}).json()
        assert body["total"] == len(ALL_EVENTS) and body["limit"] == 3 and body["offset"] == offset
        if not body["items"]:
            break
        seen += [item["id"] for item in body["items"]]
        offset += 3
    assert len(seen) == len(set(seen)) and set(seen) == ALL_EVENTS
    dates = [e["event_date"] for e in client.get("/events").json()["items"]]
    assert dates == sorted(dates)


def test_api_event_detail_has_every_source_with_evidence(client):
    detail = client.get(f"/events/{fused_battle(client)['id']}").json()
    assert [s["document"]["id"] for s in detail["sources"]] == ["kenya-a", "kenya-b"]
    assert detail["sources"][0]["document"]["title"] == "Police post attacked in Mandera"
    for source, text in zip(detail["sources"], (TEXT_A, TEXT_B)):
        for span in source["evidence"]:
            assert text[span["start"]:span["end"]] == span["text"]
    assert 0 <= detail["confidence"] <= 1
    one = client.get("/events/kenya-b%23evt:2").json()
    assert one["fatalities"] == 2 and [s["document"]["source"] for s in one["sources"]] == ["Coast Wire"]


@pytest.mark.parametrize("path", ["/events/fev:000000000000", "/events/nodoc%23evt:1", "/entities/ent:nobody",
                                  "/documents/no-such-document"])
def test_api_unknown_ids_are_404(reader, path):
    assert reader.get(path).status_code == 404


def test_api_timeline_counts_per_day(client):
    days = client.get("/events/timeline", params={"country": "Kenya"}).json()["days"]
    assert days == [{"date": "2019-03-04", "count": 2}, {"date": "2019-03-05", "count": 1},
                    {"date": "2019-03-06", "count": 1}]


@pytest.mark.parametrize("params, expected", [
    ({}, {"kenya-a#c:1", "kenya-b#c:1"}),
    ({"status": "uncertain"}, {"kenya-b#c:1"}),
    ({"claimant": "POLICE"}, {"kenya-a#c:1", "kenya-b#c:1"}),
    ({"claimant": "army"}, set()),
    ({"contradictions": "true"}, {"kenya-a#c:1", "kenya-b#c:1"}),
    ({"q": "Dahir", "end": "2019-03-05"}, {"kenya-a#c:1"}),
])
def test_api_claims_filters(client, params, expected):
    assert ids(client.get("/claims", params=params)) == expected


def test_api_claim_groups_show_both_sides_of_a_contradiction(client):
    (group,) = client.get("/claims/groups", params={"contradictions": "true"}).json()["items"]
    assert group["contradiction"] and group["sources"] == 2
    assert [(m["status"], m["document"]["source"]) for m in group["members"]] == [
        ("asserted", "Northern Courier"), ("uncertain", "Coast Wire")]


def test_api_entities_and_entity_page(client):
    assert ids(client.get("/entities", params={"q": "dahir"})) == {"ent:abdi-dahir"}
    assert ids(client.get("/entities", params={"type": "ARMED_GROUP"})) == {"ent:al-shabaab", "ent:isis"}
    entity = client.get("/entities/ent:abdi-dahir").json()
    assert entity["aliases"] == ["Abdi Dahir"] and entity["mention_count"] == 2
    assert {m["document"]["id"] for m in entity["mentions"]} == {"kenya-a", "kenya-b"}
    (relation,) = entity["relations"]
    assert (relation["predicate"], relation["object_id"]) == ("member_of", "ent:al-shabaab")


def test_api_document_is_the_sitrep_record(client, seeded):
    body = client.get("/documents/kenya-a").json()
    assert body["schema"] == "sitrep/1"
    assert Record.model_validate(body) == seeded.records[0]


def test_api_exports(client):
    csv = client.get("/export.csv")
    assert csv.headers["content-type"].startswith("text/csv")
    lines = csv.text.splitlines()
    assert lines[0].split(",") == list(acled_columns()) and len(lines) == 1 + len(ALL_EVENTS)
    geo = client.get("/export.geojson", params={"country": "Libya"}).json()
    assert geo["type"] == "FeatureCollection" and len(geo["features"]) == 3
    assert geo["features"][0]["geometry"]["coordinates"] == [16.5887, 31.2049]  # RFC 7946: lon, lat
    table = pq.read_table(io.BytesIO(client.get("/export.parquet", params={"fused": "true"}).content))
    assert table.num_rows == len(ALL_EVENTS) - 1


def test_api_correction_and_merge_are_applied(client):
    battle = fused_battle(client)
    fixed = client.post(f"/events/{battle['id']}/corrections", json={"set": {"fatalities": "5"}, "author": "t"},
                        headers=AUTH)
    assert fixed.status_code == 200, fixed.text
    assert client.get(f"/events/{battle['id']}").json()["fatalities"] == 5
    merged = client.post("/entities/merge", json={"keep": "ent:al-shabaab", "merge": "Islamic State"}, headers=AUTH)
    assert merged.status_code == 200, merged.text
    assert "Islamic State" in client.get("/entities/ent:al-shabaab").json()["aliases"]


WRITES = [
    ("/documents", {"text": "Troops clashed with rebels in Goma on Monday."}),
    ("/events/fev:000000000000/corrections", {"set": {"fatalities": "3"}}),
    ("/entities/merge", {"keep": "ent:police", "merge": "ent:abdi-dahir"}),
]


@pytest.mark.parametrize("path, body", WRITES)
@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {TOKEN}"},
                                     {"Authorization": f"Bearer {TOKEN}x"}])
def test_api_writes_without_the_token_are_401(duck, path, body, headers):
    with TestClient(create_app(duck.url, TOKEN)) as c:
        response = c.post(path, json=body, headers=headers)
    assert response.status_code == 401 and response.headers["www-authenticate"] == "Bearer"


def test_api_writes_are_refused_when_no_token_is_configured(duck):
    with TestClient(create_app(duck.url, None)) as c:
        response = c.post(WRITES[2][0], json=WRITES[2][1], headers=AUTH)
    assert response.status_code == 403


MALFORMED_GETS = [
    "/events?start=2019-02-30", "/events?start=yesterday", "/events?end=2019-01-01&start=2019-02-01",
    "/events?bbox=1,2,3", "/events?bbox=a,b,c,d", "/events?bbox=10,10,0,0", "/events?bbox=0,0,200,10",
    "/events?limit=0", "/events?limit=100000", "/events?offset=-1", "/events?limit=ten", "/events?fused=perhaps",
    "/events?q=" + "x" * 201, "/claims?status=rumoured", "/entities?type=ALIEN", "/events/bad%00id",
    "/export.csv?start=13/01/2019", "/events/timeline?bbox=,,,",
]


@pytest.mark.parametrize("url", MALFORMED_GETS)
def test_api_malformed_queries_are_422(reader, url):
    response = reader.get(url)
    assert response.status_code == 422, response.text
    assert response.json()["detail"]


MALFORMED_POSTS = [
    ("/documents", b"{not json"),
    ("/documents", b"[]"),
    ("/documents", json.dumps({"title": "no body"}).encode()),
    ("/documents", json.dumps({"text": "a", "html": "<p>b</p>"}).encode()),
    ("/documents", json.dumps({"text": ""}).encode()),
    ("/documents", json.dumps({"text": "a", "published": "last week"}).encode()),
    ("/documents", json.dumps({"text": "a", "url": "javascript:alert(1)"}).encode()),
    ("/documents", json.dumps({"text": "a", "extra": 1}).encode()),
    ("/documents", json.dumps({"text": 42}).encode()),
    ("/documents", json.dumps({"html": "<html><body><script>x()</script></body></html>"}).encode()),
    ("/documents", json.dumps({"text": "Les forces gouvernementales ont repris le contrôle de la ville après "
                                       "des combats qui ont duré toute la nuit, selon un porte-parole de "
                                       "l'armée qui a parlé à la presse lundi matin."}).encode()),
    ("/documents", json.dumps({"text": "a", "language": "english"}).encode()),
    ("/documents", json.dumps({"text": "Troops clashed on Monday.", "published": "0001-01-01"}).encode()),
    ("/documents", b'{"text": "lone \\ud800 surrogate"}'),
    ("/documents", b'{"text": "\xff\xfe not UTF-8"}'),
    ("/documents", b"[" * 100_000 + b"]" * 100_000),
    ("/entities/merge", json.dumps({"keep": "ent:police"}).encode()),
    ("/entities/merge", json.dumps({"keep": "ent:police", "merge": "nobody at all"}).encode()),
    ("/entities/merge", json.dumps({"keep": "ent:police", "merge": "ent:police"}).encode()),
]


@pytest.mark.parametrize("path, body", MALFORMED_POSTS)
def test_api_malformed_bodies_are_422(duck, path, body):
    with TestClient(create_app(duck.url, TOKEN)) as c:
        response = c.post(path, content=body, headers=AUTH | {"Content-Type": "application/json"})
    assert response.status_code == 422, response.text


@pytest.mark.parametrize("change", [{}, {"id": "x"}, {"notes": "x" * 3000}, {"fatalities": "-3"},
                                    {"event_date": "soon"}])
def test_api_malformed_corrections_are_422(reader, change):
    response = reader.post(f"/events/{fused_battle(reader)['id']}/corrections", json={"set": change}, headers=AUTH)
    assert response.status_code == 422, response.text


@pytest.mark.parametrize("param", ["country", "admin1", "actor", "event_type", "q"])
def test_api_injection_strings_in_filters_are_plain_text(reader, param):
    for attack in INJECTIONS:
        for path in ("/events", "/events/timeline", "/claims", "/entities"):
            name = param if path.startswith("/events") else ("claimant" if path == "/claims" else "q")
            response = reader.get(path, params={name: attack})
            assert response.status_code == 200, (path, attack, response.text)
            assert not response.json().get("items") and not response.json().get("days")
    assert ids(reader.get("/events", params={"limit": 100})) == ALL_EVENTS


def test_api_request_body_limit(duck):
    with TestClient(create_app(duck.url, TOKEN, max_body=1000)) as c:
        response = c.post("/documents", json={"text": "x" * 2000}, headers=AUTH)
    assert response.status_code == 413


def test_api_reads_can_require_the_token(duck):
    with TestClient(create_app(duck.url, TOKEN, protect_reads=True)) as c:
        assert c.get("/events").status_code == 401
        assert c.get("/events", headers=AUTH).status_code == 200
        assert c.get("/").status_code == 200  # the page itself holds no data; it asks for the token


def test_api_cors_is_off_by_default(duck):
    origin = {"Origin": "http://elsewhere.example"}
    preflight = origin | {"Access-Control-Request-Method": "GET"}
    with TestClient(create_app(duck.url, TOKEN)) as c:
        assert "access-control-allow-origin" not in c.get("/events", headers=origin).headers
        assert "access-control-allow-origin" not in c.options("/events", headers=preflight).headers
    with TestClient(create_app(duck.url, TOKEN, cors_origins=["http://elsewhere.example"])) as c:
        assert c.get("/events", headers=origin).headers["access-control-allow-origin"] == "http://elsewhere.example"


def test_api_dashboard_and_docs_have_a_same_origin_csp(reader):
    for path in ("/", "/docs", "/static/app.js", "/events"):
        headers = reader.get(path).headers
        assert "default-src 'self'" in headers["content-security-policy"]
        assert "script-src 'self';" in headers["content-security-policy"]  # no 'unsafe-inline', no other host
        assert headers["x-content-type-options"] == "nosniff"
    assert reader.get("/openapi.json").json()["paths"]["/events"]


def test_api_post_document_ingests(duck, extractor):
    text = "Soldiers clashed with rebels in Goma on Monday. Two soldiers were killed, the army said."
    with TestClient(create_app(duck.url, TOKEN, extractor=extractor)) as c:
        first = c.post("/documents", json={"id": "goma-1", "text": text, "published": "2020-05-05",
                                           "source": "Great Lakes Daily"}, headers=AUTH)
        again = c.post("/documents", json={"id": "goma-1", "text": text, "published": "2020-05-05"}, headers=AUTH)
        page = c.post("/documents", json={"id": "goma-2", "published": "2020-05-06", "html": (
            "<html><head><title>Goma clashes</title></head><body><nav>Home</nav><article><h1>Goma clashes</h1>"
            f"<p>{text}</p><p>Residents fled north after the fighting, aid workers said.</p></article></body></html>")},
            headers=AUTH)
        record = c.get("/documents/goma-1").json()
    assert (first.status_code, first.json()["outcome"]) == (201, "stored")
    assert again.json()["outcome"] == "skipped"
    assert page.status_code == 201, page.text
    assert record["document"]["source"] == "Great Lakes Daily" and record["document"]["chars"] == len(text)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def server(duck):
    """`sitrep serve` in its own process on a free 127.0.0.1 port; stopped after the test."""
    port = free_port()
    env = os.environ | {"SITREP_TOKEN": TOKEN}
    proc = subprocess.Popen([sys.executable, "-m", "sitrep", "serve", "--db", duck.url, "--port", str(port)],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"{base}/openapi.json", timeout=1)
                break
            except httpx.TransportError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"sitrep serve did not start:\n{proc.stdout.read() if proc.poll() is not None else ''}")
                time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_api_real_uvicorn_server(server):
    with httpx.Client(base_url=server, timeout=10) as http:
        first = http.get("/events", params={"country": "Kenya", "limit": 3}).json()
        second = http.get("/events", params={"country": "Kenya", "limit": 3, "offset": 3}).json()
        assert first["total"] == second["total"] == 4
        assert len(first["items"]) == 3 and len(second["items"]) == 1
        assert http.get("/events", params={"start": "2019-13-01"}).status_code == 422
        assert http.post("/entities/merge", json={"keep": "ent:police", "merge": "Abdi Dahir"}).status_code == 401
        assert http.post("/entities/merge", json={"keep": 1}, headers=AUTH).status_code == 422
        assert http.post("/entities/merge", content=b"x" * 6_000_000, headers=AUTH).status_code == 413
        page = http.get("/")
        assert page.status_code == 200 and "default-src 'self'" in page.headers["content-security-policy"]
        assert http.get("/static/vendor/leaflet.js").status_code == 200
