"""Bounded load test of `sitrep serve` on 127.0.0.1 (issue 10). Run by hand:

    .venv/bin/python bench/load.py [--events 10000] [--requests 600] [--levels 1,5,20] [--max-seconds 60]

1. Builds a DuckDB store holding about --events events: real records extracted from a few articles
   (the seed fixture, tests/corpus, examples/), cloned with shifted dates and ids — extraction of ten
   thousand documents would make the set-up, not the server, the subject of the benchmark.
2. Starts `sitrep serve` on a free 127.0.0.1 port with a token.
3. At each concurrency level sends a fixed number of mixed requests (filtered /events pages, fused
   events, one event, claims, entities, and ~2 % POST /documents writes), stopping early at
   --max-seconds in all. Nothing leaves the loopback interface.
4. Prints requests/s, p50/p95/p99 latency per endpoint class and the error count, then checks that
   every acknowledged write is in the store.
"""
from __future__ import annotations

import argparse
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import quote

import httpx

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
HOST = "127.0.0.1"
TOKEN = "load-test-token"


def seed_documents() -> list:
    from sitrep import ingest

    paths = [p for p in (SHARED / "fixtures", ROOT / "tests" / "corpus", ROOT / "examples") if p.exists()]
    return [d for d in ingest.read([str(p) for p in paths], published="2020-06-01")
            if isinstance(d, ingest.Document)]


def clone(record, n: int, shift_days: int):
    """A copy of `record` as another document `n`, its dates moved by `shift_days`."""
    data = record.model_dump(by_alias=True)
    data["document"]["id"] = f"{record.document.id}~{n}"

    def move(iso: str | None) -> str | None:
        return iso and (date.fromisoformat(iso) + timedelta(days=shift_days)).isoformat()

    data["document"]["published"] = move(data["document"]["published"])
    for event in data["events"]:
        event["event_date"] = move(event["event_date"])
    for d in data["dates"]:
        d["date"] = move(d["date"])
    return type(record).model_validate(data)


def build_store(path: Path, target_events: int) -> int:
    from sitrep.extract import Extractor
    from sitrep.store import Store

    records = [r for r in Extractor().run(seed_documents()) if hasattr(r, "events") and r.events]
    per_round = sum(len(r.events) for r in records)
    if not per_round:
        raise SystemExit("the seed documents produced no events")
    rounds = -(-target_events // per_round)
    total = 0
    with Store(f"duckdb:///{path}") as store:
        for n in range(rounds):
            # 45 days apart: far outside every fusion window, so each round adds distinct incidents
            batch = [clone(r, n, shift_days=n * 45) for r in records]
            store.write([(r, f"{r.document.id}-hash") for r in batch])
            total += sum(len(r.events) for r in batch)
    return total


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def wait_ready(base: str, proc: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"sitrep serve exited with {proc.returncode}")
        try:
            if httpx.get(f"{base}/events?limit=1", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.3)
    raise SystemExit("sitrep serve did not become ready")


def make_requests(n: int, rng: random.Random, event_ids: list[str], writes: list[str]) -> list[tuple]:
    """(class, method, path, json) tuples; about 2 % writes."""
    plans = []
    for i in range(n):
        roll = rng.random()
        if roll < 0.02:
            doc_id = f"load-{len(writes)}-{i}"
            writes.append(doc_id)
            text = (f"Gunmen attacked a police post in Garissa on Monday, killing {rng.randint(1, 9)} officers, "
                    f"police said. Report number {doc_id}.")
            plans.append(("write", "POST", "/documents", {"id": doc_id, "text": text, "published": "2020-06-03"}))
        elif roll < 0.45:
            start = date(2016, 1, 1) + timedelta(days=rng.randint(0, 3000))
            path = (f"/events?start={start}&end={start + timedelta(days=90)}&limit=50"
                    + rng.choice(["", "&event_type=Battles", "&bbox=10,25,20,35", "&q=forces", "&country=Libya"]))
            plans.append(("events", "GET", path, None))
        elif roll < 0.6:
            plans.append(("events", "GET", f"/events?fused=true&limit=50&offset={rng.randint(0, 200)}", None))
        elif roll < 0.75:
            plans.append(("event", "GET", f"/events/{quote(rng.choice(event_ids), safe='')}", None))
        elif roll < 0.88:
            plans.append(("claims", "GET", rng.choice(["/claims?limit=50", "/claims?status=denied",
                                                        "/claims/groups?contradictions=true"]), None))
        else:
            plans.append(("entities", "GET", f"/entities?limit=50&offset={rng.randint(0, 50)}", None))
    return plans


def run_level(base: str, clients: int, plans: list[tuple], deadline: float) -> dict:
    latencies: dict[str, list[float]] = defaultdict(list)
    errors: list[str] = []
    acked: list[str] = []
    headers = {"Authorization": f"Bearer {TOKEN}"}

    def one(client: httpx.Client, plan: tuple) -> None:
        kind, method, path, body = plan
        if time.monotonic() > deadline:
            return
        t0 = time.perf_counter()
        try:
            resp = client.request(method, path, json=body, headers=headers if method == "POST" else None)
        except httpx.HTTPError as err:
            errors.append(f"{method} {path}: {type(err).__name__}")
            return
        latencies[kind].append(time.perf_counter() - t0)
        if resp.status_code >= 400:
            errors.append(f"{method} {path}: {resp.status_code}")
        elif method == "POST":
            acked.append(body["id"])

    started = time.perf_counter()
    with httpx.Client(base_url=base, timeout=60) as client, ThreadPoolExecutor(clients) as pool:
        list(pool.map(lambda p: one(client, p), plans))
    elapsed = time.perf_counter() - started
    done = sum(len(v) for v in latencies.values())
    return {"clients": clients, "requests": done, "rps": done / elapsed, "latencies": latencies,
            "errors": errors, "acked": acked}


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] * 1000 if len(values) > 1 else (
        values[0] * 1000 if values else float("nan"))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=10_000)
    ap.add_argument("--requests", type=int, default=600, help="requests per concurrency level")
    ap.add_argument("--levels", default="1,5,20")
    ap.add_argument("--max-seconds", type=float, default=60.0, help="cap on the whole load phase")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "load.duckdb"
        t0 = time.perf_counter()
        stored = build_store(db, args.events)
        print(f"store: {stored} events in {time.perf_counter() - t0:.1f} s ({db})")
        port = free_port()
        base = f"http://{HOST}:{port}"
        env = {**os.environ, "SITREP_TOKEN": TOKEN}
        proc = subprocess.Popen([str(ROOT / ".venv" / "bin" / "sitrep"), "serve", "--db", f"duckdb:///{db}",
                                 "--host", HOST, "--port", str(port)], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            wait_ready(base, proc)
            ids = [e["id"] for e in httpx.get(f"{base}/events?limit=200").json()["items"]]
            rng = random.Random(args.seed)
            deadline = time.monotonic() + args.max_seconds
            all_acked, total_errors = [], 0
            print(f"{'clients':>7} {'requests':>8} {'req/s':>7}  {'class':<9}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}"
                  f"  errors")
            for level in (int(x) for x in args.levels.split(",")):
                writes: list[str] = []
                result = run_level(base, level, make_requests(args.requests, rng, ids, writes), deadline)
                all_acked += result["acked"]
                total_errors += len(result["errors"])
                for i, (kind, values) in enumerate(sorted(result["latencies"].items())):
                    head = (f"{result['clients']:>7} {result['requests']:>8} {result['rps']:>7.1f}" if i == 0
                            else " " * 24)
                    print(f"{head}  {kind:<9}{pct(values, 50):>8.1f}{pct(values, 95):>8.1f}{pct(values, 99):>8.1f}"
                          + (f"  {len(result['errors'])}" if i == 0 else ""))
                for err in result["errors"][:5]:
                    print(f"        error: {err}")
            lost = [d for d in all_acked if httpx.get(f"{base}/documents/{d}", timeout=30).status_code != 200]
            print(f"errors: {total_errors}; acknowledged writes: {len(all_acked)}, lost: {len(lost)}")
            return 1 if total_errors or lost else 0
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()


if __name__ == "__main__":
    sys.exit(main())
