#!/usr/bin/env bash
# The whole suite: lint and the import layers, then every test on SQLite and, side by side, on
# PostgreSQL when reachable.
# Says loudly what it could not run (PostgreSQL down, no Chromium for the browser tests, no xmlsec1
# for the SAML2 tests).
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
PG_URL="${CIVICO_TEST_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/test}"
export CIVICO_VAR_DIR="${CIVICO_VAR_DIR:-$PWD/var/test}"
export CIVICO_TASKS_BACKEND="${CIVICO_TASKS_BACKEND:-django_tasks.backends.immediate.ImmediateBackend}"
unset DATABASE_URL
warnings=()
status=0

banner() { printf '\n\033[1m== %s ==\033[0m\n' "$*"; }

banner "ruff"
$BIN/ruff check civico tests bench || status=1

banner "import layers (lint-imports, contracts in pyproject.toml; see docs/architettura.md)"
$BIN/lint-imports --no-cache --no-logo || status=1

if [ -x "${CIVICO_CHROMIUM:-/usr/bin/chromium}" ]; then
  browser="yes"
else
  browser="no"
  warnings+=("NO CHROMIUM at ${CIVICO_CHROMIUM:-/usr/bin/chromium}: browser tests were SKIPPED (apt-get install chromium).")
fi

if [ ! -x .venv-spid-sp-test/bin/spid_sp_test ] && [ -z "${CIVICO_SPID_SP_TEST:-}" ]; then
  warnings+=("NO SPID-SP-TEST in .venv-spid-sp-test: AgID's SAML checks were SKIPPED (make .venv-spid-sp-test/.installato).")
fi
if ! command -v xmlsec1 >/dev/null; then
  warnings+=("NO XMLSEC1: the SPID/CIE SAML2 tests were SKIPPED (apt-get install xmlsec1).")
fi

# The two backends run side by side (each pytest is one process, the machine has two cores): the
# suite's wall time is the slower backend's, not the sum. CIVICO_TEST_SERIAL=1 runs them one after
# the other. Each run has its own var dir; the PostgreSQL run's output is printed when it ends.
pg_reachable() {
  $BIN/python - "$PG_URL" <<'PY' 2>/dev/null
import sys, psycopg
from psycopg.conninfo import conninfo_to_dict, make_conninfo
# Django creates test_<name> from the server's maintenance database: the named one need not exist.
info = conninfo_to_dict(sys.argv[1])
info["dbname"] = "postgres"
psycopg.connect(make_conninfo(**info), connect_timeout=3).close()
PY
}

run_pg() {
  DATABASE_URL="$PG_URL" CIVICO_VAR_DIR="$CIVICO_VAR_DIR-pg" $BIN/pytest -q -p no:cacheprovider --durations=25
}

pg_pid=""
if pg_reachable; then
  pg="ran"
  if [ -z "${CIVICO_TEST_SERIAL:-}" ]; then
    pg_log="$(mktemp)"
    banner "tests on PostgreSQL ($PG_URL) started alongside SQLite; output follows SQLite's"
    run_pg >"$pg_log" 2>&1 &
    pg_pid=$!
    # Interrupted (Ctrl-C, CI timeout): the PostgreSQL run stops too instead of running on alone.
    trap 'pkill -P "$pg_pid" 2>/dev/null; kill "$pg_pid" 2>/dev/null; exit 130' INT TERM
  fi
else
  pg="SKIPPED"
  warnings+=("POSTGRESQL NOT REACHABLE at $PG_URL: the PostgreSQL run was SKIPPED.")
fi

banner "tests on SQLite"
$BIN/pytest -q -p no:cacheprovider --durations=25  # the slowest, to keep the suite under its budget
sqlite_rc=$?
[ $sqlite_rc -eq 0 ] || status=1

if [ "$pg" = "ran" ]; then
  banner "tests on PostgreSQL ($PG_URL)"
  if [ -n "$pg_pid" ]; then
    tail -n +1 --pid="$pg_pid" -f "$pg_log"  # what it printed so far, then live until it ends
    wait "$pg_pid"
    pg_rc=$?
    rm -f "$pg_log"
  else
    run_pg
    pg_rc=$?
  fi
  [ $pg_rc -eq 0 ] || status=1
  pg="ran (exit $pg_rc)"
fi

banner "dependency audit (pip-audit)"
# Audits the locked requirements against the PyPA advisory database. Found vulnerabilities fail
# the run; an unreachable vulnerability service only warns (CI must not go red offline).
audit_json="$(mktemp)"
$BIN/pip-audit --requirement requirements.lock --no-deps --disable-pip --progress-spinner off \
  --format json --output "$audit_json" >/dev/null 2>"$audit_json.err"
audit_rc=$?
if [ -s "$audit_json" ]; then
  if [ $audit_rc -ne 0 ]; then
    $BIN/python -c 'import json,sys; d=json.load(open(sys.argv[1])); [print(f"{x[\"name\"]} {x[\"version\"]}: {v[\"id\"]} fix {v.get(\"fix_versions\")}") for x in d["dependencies"] for v in x.get("vulns",[])]' "$audit_json"
    status=1
    audit="VULNERABILITIES FOUND"
  else
    audit="clean"
  fi
else
  audit="NOT RUN"
  warnings+=("PIP-AUDIT COULD NOT REACH THE VULNERABILITY SERVICE: dependencies were NOT audited ($(tail -1 "$audit_json.err")).")
fi
rm -f "$audit_json" "$audit_json.err"

banner "summary"
echo "backends: SQLite ran (exit $sqlite_rc); PostgreSQL $pg; browser tests: $browser; pip-audit: $audit"
for w in "${warnings[@]}"; do printf '\033[1;31mWARNING: %s\033[0m\n' "$w"; done
exit $status
