"""The dashboard in a real headless Chromium (Debian's, driven by Playwright): map markers, the
evidence panel, the brushable timeline, the claim ledger, keyboard use, narrow screens, no request
to any other host, and stored HTML shown as text. Screenshots go to docs/img/ for the README."""
from __future__ import annotations

import json
import math
import socket
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator
from urllib.parse import urlsplit

import httpx
import pytest
import uvicorn

from sitrep.api import create_app
from sitrep.ingest import read
from sitrep.store import Store, ingest

from .api_fixtures import seed
from .conftest import FIXTURE, ROOT

sync_api = pytest.importorskip("playwright.sync_api")
CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
SHOTS = ROOT / "docs" / "img"
ARTICLE = ROOT / "tests" / "data" / "sirte-followup.txt"
SIRTE = (31.2049, 16.5887)
TOKEN = "dashboard-test-token"

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium (scripts/setup.sh installs it)")


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 12742 * math.asin(math.sqrt(a))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def serving(url: str) -> Iterator[str]:
    """The app under uvicorn in a thread of this process, on a free 127.0.0.1 port."""
    server = uvicorn.Server(uvicorn.Config(create_app(url, TOKEN), host="127.0.0.1", port=free_port(),
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{server.config.port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)


@pytest.fixture(scope="module")
def sirte_store(tmp_path_factory, extractor) -> str:
    """The fixture and the follow-up article written for these tests, through the real pipeline."""
    if not FIXTURE.exists():
        pytest.skip("../shared/fixtures is absent")
    url = f"duckdb:///{tmp_path_factory.mktemp('dash') / 'sirte.duckdb'}"
    with Store(url) as store:
        summary = ingest(store, read([str(FIXTURE), str(ARTICLE)]), extractor)
    assert summary.ingested == 2, summary.failed
    return url


@pytest.fixture(scope="module")
def sirte_server(sirte_store) -> Iterator[str]:
    with serving(sirte_store) as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield launched
        launched.close()


class Session:
    """A page that records every request and every console error, for the assertions at the end."""

    def __init__(self, browser, base: str, width: int = 1280, height: int = 800):
        self.base = base
        self.page = browser.new_page(viewport={"width": width, "height": height})
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))

    def open(self, path: str = "/") -> None:
        self.page.goto(self.base + path)
        self.page.wait_for_selector("body[data-ready=true]", timeout=20_000)

    def marker_ids(self) -> list[str]:
        markers = self.page.locator("#map path.leaflet-interactive[data-event-id]")
        return [markers.nth(i).get_attribute("data-event-id") for i in range(markers.count())]

    def list_ids(self) -> list[str]:
        items = self.page.locator("#event-list a.event-item")
        return [items.nth(i).get_attribute("data-event-id") for i in range(items.count())]

    def shot(self, name: str, full_page: bool = False) -> None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SHOTS / name), full_page=full_page)

    def check_clean(self) -> None:
        """Nothing left this origin, nothing failed in the console (a CSP violation would), nothing ran."""
        origin = urlsplit(self.base).netloc
        foreign = [u for u in self.requests if urlsplit(u).scheme != "data" and urlsplit(u).netloc != origin]
        assert self.requests and not foreign, foreign
        assert not self.errors, self.errors
        assert not self.dialogs, self.dialogs
        self.page.close()


def api_events(base: str, **params) -> list[dict]:
    return httpx.get(f"{base}/events", params={"fused": "true", "limit": 1000, **params}).json()["items"]


def test_dashboard_map_evidence_timeline(browser, sirte_server):
    s = Session(browser, sirte_server)
    s.open()
    events = {e["id"]: e for e in api_events(sirte_server)}
    near_sirte = {i for i, e in events.items()
                  if e["latitude"] is not None and km(e["latitude"], e["longitude"], *SIRTE) <= 25}
    shown = set(s.marker_ids())
    assert len(shown & near_sirte) >= 4, (shown, near_sirte)
    map_box = s.page.locator("#map").bounding_box()
    for event_id in shown & near_sirte:  # each marker is on screen, inside the map
        box = s.page.locator(f'#map path[data-event-id="{event_id}"]').bounding_box()
        assert map_box["x"] <= box["x"] and box["x"] + box["width"] <= map_box["x"] + map_box["width"]
    s.shot("dashboard-map.png")

    chosen = sorted(shown & near_sirte)[0]
    s.page.locator(f'#map path[data-event-id="{chosen}"]').click()
    panel = s.page.locator("#event-panel")
    panel.locator("mark.evidence").first.wait_for()
    detail = httpx.get(f"{sirte_server}/events/{chosen.replace('#', '%23')}").json()
    expected = {span["text"].strip() for src in detail["sources"] for span in src["evidence"]}
    marked = set(panel.locator("mark.evidence").all_inner_texts())
    assert marked and marked <= expected
    assert panel.locator(".source h4 a").count() == len(detail["sources"])  # a link to every source document
    s.shot("dashboard-event.png")

    s.page.keyboard.press("Escape")
    s.page.locator("#event-list-wrap").wait_for()
    before = s.list_ids()
    overlay = s.page.locator("#timeline .overlay").bounding_box()
    y = overlay["y"] + overlay["height"] / 2
    s.page.mouse.move(overlay["x"] + overlay["width"] * 0.6, y)
    s.page.mouse.down()
    s.page.mouse.move(overlay["x"] + overlay["width"] * 0.99, y, steps=8)
    s.page.mouse.up()
    s.page.wait_for_function("(n) => document.querySelectorAll('#event-list a.event-item').length !== n",
                             arg=len(before))
    after = s.list_ids()
    start, end = s.page.input_value("#range input[name=start]"), s.page.input_value("#range input[name=end]")
    assert start and end and 0 < len(after) < len(before)
    assert all(start <= events[i]["event_date"] <= end for i in after)
    assert set(s.marker_ids()) == set(after)  # the map follows the timeline
    s.shot("dashboard-timeline.png")
    s.check_clean()


def test_dashboard_claims_and_entities(browser, sirte_server):
    s = Session(browser, sirte_server)
    s.open("/#/claims")
    s.page.locator("#ledger > *").first.wait_for()
    claims = httpx.get(f"{sirte_server}/claims", params={"limit": 1000}).json()["items"]
    assert s.page.locator("#ledger li").count() == len(claims)
    claimants = {(c["claimant"] or "Unattributed").lower() for c in claims}
    assert s.page.locator("#ledger .ledger-group").count() == len(claimants)
    statuses = set(s.page.locator("#ledger .badge:not(.count)").all_inner_texts())
    assert statuses <= {"asserted", "denied", "uncertain", "reported", "refused", "predicted", "planned",
                        "contradicted"}
    s.page.click("text=Entities")
    s.page.locator("#entity-list a").first.click()
    s.page.locator("#view-entity h2").wait_for()
    assert s.page.locator("#view-entity .snippets li").count() >= 1
    s.shot("dashboard-entity.png")
    name = s.page.locator("#view-entity h2").inner_text().rsplit(" ", 1)[0]
    s.page.click("text=Show this actor's events")
    expected = api_events(s.base, actor=name)
    s.page.wait_for_function("(n) => document.querySelector('#event-count').textContent === String(n)",
                             arg=len(expected))
    assert set(s.list_ids()) == {e["id"] for e in expected}
    s.check_clean()


def test_dashboard_keyboard_and_narrow_screen(browser, sirte_server):
    s = Session(browser, sirte_server, width=390, height=844)
    s.open()
    s.page.keyboard.press("Tab")  # the skip link comes first
    assert s.page.evaluate("document.activeElement.textContent") == "Skip to content"
    marker = s.page.locator("#map path[data-event-id]").first
    marker.focus()
    s.page.keyboard.press("Enter")
    s.page.locator("#event-panel mark.evidence").first.wait_for()
    assert s.page.evaluate("document.activeElement.closest('#event-panel') !== null")
    s.page.keyboard.press("Escape")
    s.page.locator("#event-list-wrap").wait_for()
    s.page.fill("#range input[name=start]", "2016-10-15")
    s.page.fill("#range input[name=end]", "2016-10-31")
    s.page.locator("#range button[type=submit]").press("Enter")
    s.page.wait_for_function("() => document.querySelector('#page-info').textContent.includes('of')")
    listed = {e["id"]: e for e in api_events(s.base, start="2016-10-15", end="2016-10-31")}
    s.page.wait_for_function("(n) => document.querySelectorAll('#event-list a.event-item').length === n",
                             arg=len(listed))
    width = s.page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the page scrolls sideways on a narrow screen"
    s.page.evaluate("window.scrollTo(0, 0)")
    s.shot("dashboard-narrow.png", full_page=True)
    s.check_clean()


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """A server over the hand-built records: a contradiction, and HTML stored in a title and a text."""
    seeded = seed(f"duckdb:///{tmp_path_factory.mktemp('demo') / 'demo.duckdb'}")
    with serving(seeded.url) as base:
        yield base, seeded


def test_dashboard_claim_ledger_shows_contradictions_side_by_side(browser, demo):
    s = Session(browser, demo[0])
    s.open("/#/claims")
    contradiction = s.page.locator("#contradictions .contradiction")
    contradiction.first.wait_for()
    assert contradiction.count() == 1
    sides = contradiction.locator(".side-claim")
    assert [sides.nth(i).locator(".badge").inner_text() for i in range(2)] == ["asserted", "uncertain"]
    first, second = (sides.nth(i).bounding_box() for i in range(2))
    assert abs(first["y"] - second["y"]) < 5 and first["x"] < second["x"]  # side by side at 1280 px
    groups = s.page.locator("#ledger .ledger-group")
    assert groups.count() == 1 and groups.locator("li").count() == 2  # "police" and "Police": one claimant
    s.shot("dashboard-claims.png")
    s.check_clean()


def test_dashboard_api_docs_work_offline(browser, demo):
    s = Session(browser, demo[0])
    s.page.goto(f"{demo[0]}/docs")
    s.page.locator(".opblock").first.wait_for()
    assert s.page.locator(".opblock").count() >= 10
    s.check_clean()


def test_dashboard_shows_stored_html_as_text(browser, demo):
    base, seeded = demo
    hostile = next(r for r in seeded.records if "<script>" in json.dumps(r.model_dump()))
    s = Session(browser, base)
    s.open()
    title = s.page.title()
    (protest,) = api_events(base, event_type="Protests")
    s.page.locator(f'#map path[data-event-id="{protest["id"]}"]').hover()
    tooltip = s.page.locator(".leaflet-tooltip")
    tooltip.wait_for()
    assert "<img" in tooltip.inner_text() and tooltip.locator("img").count() == 0
    s.page.locator("#event-list a.event-item", has_text="Peaceful protest").click()
    s.page.locator("#event-panel mark.evidence").first.wait_for()
    assert "<script>alert('stored')</script>" in s.page.locator("#event-panel").inner_text()
    s.page.goto(f"{base}/#/documents/{hostile.document.id}")
    s.page.locator("#view-document h2").wait_for()
    assert s.page.locator("#view-document h2").inner_text() == hostile.document.title
    assert s.page.locator("#view-document img, #view-document script, #view-document b").count() == 0
    assert s.page.title() == title
    s.check_clean()
