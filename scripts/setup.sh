#!/usr/bin/env bash
# Set up everything on a fresh Debian machine (idempotent), then run the main job on the fixture.
set -euo pipefail
cd "$(dirname "$0")/.."

python=$(command -v python3.11 || command -v python3)
[ -x .venv/bin/python ] || "$python" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[test,spark]'

# Debian packages the test suite starts for real: a PostgreSQL server and headless Chromium.
need=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v java >/dev/null 2>&1 || need+=(openjdk-17-jre-headless)  # Spark (tests/test_spark.py)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  else
    echo "note: install ${need[*]} (Debian packages) to run the PostgreSQL and browser tests" >&2
  fi
fi

# The gazetteer index (GeoNames → SQLite under the user cache; ~15 s once, reused afterwards).
.venv/bin/sitrep gazetteer build

# The main job: extract the seed article (or the bundled demo when ../shared is absent).
article=../shared/fixtures/sirte-2016-10-13.txt
[ -f "$article" ] || article=examples/demo-article.txt
.venv/bin/sitrep extract "$article" --published 2016-10-13 --source "Libya Observer" --format json > out.json
echo "wrote out.json ($(wc -c < out.json) bytes) from $article"
# ...and store it in the default DuckDB store, ./sitrep.duckdb (a re-run skips it), then show the fused events.
.venv/bin/sitrep ingest "$article" --published 2016-10-13 --source "Libya Observer"
.venv/bin/sitrep query events --fused
