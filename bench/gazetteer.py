"""Gazetteer index: build time (once), open time and lookup cost (every process).

    .venv/bin/python bench/gazetteer.py            # builds into a temporary directory
    .venv/bin/python bench/gazetteer.py --keep     # builds into the user cache (what sitrep uses)

Targets (issue 4): build < 60 s once, open < 1 s afterwards, on a 2-core machine. Open and
lookups run in a fresh process each time so that nothing is warm from the build.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sitrep.gazetteer import build_index, default_path, stats

NAMES = ["Tripoli", "Sirte", "Misrata", "Cairo", "Alexandria", "Paris", "Kabul", "Mogadishu", "Ohio",
         "Walker County", "U.S.", "Jiza", "Springfield", "Nairobi", "Kandahar"]

PROBE = """
import sys, time
t0 = time.perf_counter()
from sitrep.gazetteer import Gazetteer
from pathlib import Path
t1 = time.perf_counter()
gaz = Gazetteer(Path(sys.argv[1]))
t2 = time.perf_counter()
names = sys.argv[2:]
for name in names:
    gaz.candidates(name)
t3 = time.perf_counter()
print(f"{t1 - t0:.3f} {t2 - t1:.4f} {(t3 - t2) / len(names) * 1000:.3f}")
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="build into the user cache instead of a temp dir")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = default_path() if args.keep else Path(tmp) / default_path().name
        started = time.perf_counter()
        build_index(path)
        build = time.perf_counter() - started
        counts = stats(path)
        print(f"build   {build:6.1f} s   {counts['place']} places, {counts['name']} names, "
              f"{path.stat().st_size / 1e6:.0f} MB  ({path})")
        runs = [subprocess.run([sys.executable, "-c", PROBE, str(path), *NAMES], capture_output=True,
                               text=True, check=True).stdout.split() for _ in range(3)]
        imp, opened, lookup = (min(float(r[i]) for r in runs) for i in range(3))
        print(f"open    {opened:6.4f} s   (import of sitrep.gazetteer {imp:.2f} s, best of 3 fresh processes)")
        print(f"lookup  {lookup:6.3f} ms  per name, cold cache ({len(NAMES)} names)")


if __name__ == "__main__":
    main()
