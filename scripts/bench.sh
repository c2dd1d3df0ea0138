#!/usr/bin/env bash
# Benchmarks of the requirement pool at scale: each figure beside a raw-SQL baseline of the same
# query, from the same run (tests/perf/bench.py). Never part of scripts/test.sh.
#
#   scripts/bench.sh                                   1,000,000 requirements, 100,000 customers
#   scripts/bench.sh --requirements 100000 --customers 10000     a smaller pool
#   scripts/bench.sh --only pool --only status --runs 100        some figures, more runs
#
# It uses its own database, reqhub_bench (created UTF-8 / C.UTF-8 from template0 if missing, then
# migrated), on the PostgreSQL that scripts/setup.sh finds, and seeds it once with
# `manage.py seed_demo --customers N --requirements M` (about four minutes at full scale); later
# runs reuse the data, topping it up if a larger scale is asked for. The scale can also come
# from REQHUB_BENCH_REQUIREMENTS / REQHUB_BENCH_CUSTOMERS. The table is also written to
# test-artifacts/bench.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -n "${DATABASE_URL:-}" ]; then
  # Same server as the one configured, never the same database.
  DATABASE_URL=$(python3.11 -c 'import sys, urllib.parse as u; p = u.urlparse(sys.argv[1]); print(p._replace(path="/reqhub_bench").geturl())' "$DATABASE_URL")
  export DATABASE_URL
fi
export REQHUB_DB_NAME=reqhub_bench
source scripts/setup.sh
export DJANGO_SETTINGS_MODULE=reqhub.settings.local REQHUB_BENCH=1
.venv/bin/python manage.py migrate --noinput -v 0
.venv/bin/python tests/perf/bench.py "$@"
