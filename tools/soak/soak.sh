#!/usr/bin/env bash
# orgd's soak run (docs/reliability.md, "Soak"): a fresh server under a mixed
# read/write load for DURATION, sampling its memory, open files and latency,
# then a clean stop and both integrity checks of what it wrote.
#
#   tools/soak/soak.sh                  # 10 minutes: 8, 64, 256 connections, 60 s each, in turn
#   DURATION=60s tools/soak/soak.sh     # a short try (20 s per phase)
#
# Settings (environment): DURATION (10m), PHASES (8,64,256), PHASE_LENGTH
# (orgd-soak's default: 60s, shorter when the run is), WRITE_RATIO (0.2),
# SAMPLE_EVERY (5s), THREADS (orgd's HTTP threads, 2), RESULTS (the results
# directory, default build-soak/soak-results/<UTC time>), KEEP=1 to keep the
# data directory.
#
# Steps: build (RelWithDebInfo, in build-soak); `orgd serve` on an empty data
# directory in a temp dir, on a free port, with a known site-admin key;
# orgd-soak against it with --pid; SIGTERM and a check that it exits 0;
# `orgd-replay verify` (the hash chain) and `orgd-rebuild --verify` (read
# models equal a rebuild from the log) on the data directory. RESULTS gets
# soak.csv (a row per sample), soak.txt (orgd-soak's output), summary.txt (the
# run's settings, load average before and after, the summary and every
# check), orgd.log (the server's stderr), rocksdb.LOG (the store's own log:
# flushes and compactions) and the verify outputs.
#
# Exit status: 0 when orgd-soak passed (see orgd-soak --help) and every check
# after it did; 1 otherwise.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
DURATION=${DURATION:-10m}
PHASES=${PHASES:-8,64,256}
WRITE_RATIO=${WRITE_RATIO:-0.2}
SAMPLE_EVERY=${SAMPLE_EVERY:-5s}
THREADS=${THREADS:-2}
RESULTS=${RESULTS:-$ROOT/build-soak/soak-results/$(date -u +%Y%m%dT%H%M%SZ)}
KEY=sk-soaksoaksoaksoaksoaksoaksoaksoaksoak0

cmake -S . -B build-soak -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
ninja -C build-soak orgd orgd-soak orgd-replay orgd-rebuild >/dev/null
BIN=$ROOT/build-soak
mkdir -p "$RESULTS"

T=$(mktemp -d "${TMPDIR:-/tmp}/orgd-soak.XXXXXX")
PID=
cleanup() {
  [ -n "$PID" ] && kill -KILL "$PID" 2>/dev/null || true
  if [ "${KEEP:-0}" = 1 ]; then echo "data kept in $T/data"; else rm -rf "$T"; fi
}
trap cleanup EXIT

# The server, on a port it picks itself (the only race-free free port).
ORGD_ADMIN_KEY=$KEY ORGD_LOG_LEVEL=warn "$BIN/orgd" serve --data "$T/data" \
  --listen 127.0.0.1:0 --threads "$THREADS" >"$T/orgd.out" 2>"$T/orgd.err" &
PID=$!
PORT=
for _ in $(seq 100); do
  PORT=$(sed -n 's|^orgd listening on http://127.0.0.1:\([0-9]*\).*|\1|p' "$T/orgd.out")
  [ -n "$PORT" ] && break
  sleep 0.1
done
[ -n "$PORT" ] || { echo "orgd did not start:"; cat "$T/orgd.err"; exit 1; }

COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo '?')
git diff --quiet HEAD 2>/dev/null || COMMIT="$COMMIT (with uncommitted changes)"
{
  echo "# orgd soak $(date -u +%Y-%m-%dT%H:%M:%SZ), commit $COMMIT"
  echo "machine: $(nproc) cores, $(free -m | awk '/^Mem:/{print $2}') MiB;" \
    "orgd --threads $THREADS, pid $PID, port $PORT"
  echo "settings: DURATION=$DURATION PHASES=$PHASES PHASE_LENGTH=${PHASE_LENGTH:-default}" \
    "WRITE_RATIO=$WRITE_RATIO SAMPLE_EVERY=$SAMPLE_EVERY"
  echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
} >"$RESULTS/summary.txt"

SOAK_RC=0
"$BIN/orgd-soak" --port "$PORT" --key "$KEY" --pid "$PID" --duration "$DURATION" \
  --phases "$PHASES" --write-ratio "$WRITE_RATIO" --sample-every "$SAMPLE_EVERY" \
  ${PHASE_LENGTH:+--phase-length "$PHASE_LENGTH"} --out "$RESULTS/soak.csv" \
  2>&1 | tee "$RESULTS/soak.txt" || SOAK_RC=${PIPESTATUS[0]}
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$RESULTS/summary.txt"

# A clean stop: SIGTERM drains and closes the store; exit status 0. A drain
# that hangs is killed after a minute (and then fails).
kill -TERM "$PID"
( sleep 60; kill -KILL "$PID" 2>/dev/null ) &
WATCHDOG=$!
SERVER_RC=0
wait "$PID" || SERVER_RC=$?
PID=
kill "$WATCHDOG" 2>/dev/null || true
cp "$T/orgd.err" "$RESULTS/orgd.log"
cp "$T/data/LOG" "$RESULTS/rocksdb.LOG" 2>/dev/null || true  # flushes and compactions

REPLAY_RC=0
"$BIN/orgd-replay" verify --data "$T/data" >"$RESULTS/replay-verify.txt" 2>&1 || REPLAY_RC=$?
REBUILD_RC=0
"$BIN/orgd-rebuild" --data "$T/data" --verify >"$RESULTS/rebuild-verify.txt" 2>&1 || REBUILD_RC=$?

check() {  # check NAME RC: one line of the summary; remembers a failure
  if [ "$2" = 0 ]; then echo "ok    $1"; else echo "FAIL  $1 (exit status $2)"; FAILED=1; fi
}
FAILED=0
{
  sed -n '/^== summary/,$p' "$RESULTS/soak.txt"
  echo "data directory: $(du -sh "$T/data" | cut -f1)"
  echo
  check "orgd-soak (no unexpected reply, flat memory)" "$SOAK_RC"
  check "orgd stopped cleanly on SIGTERM" "$SERVER_RC"
  check "orgd-replay verify: $(tail -1 "$RESULTS/replay-verify.txt")" "$REPLAY_RC"
  MODELS=$(grep -c 'equals the live one' "$RESULTS/rebuild-verify.txt" || true)
  check "orgd-rebuild --verify: $MODELS read models equal a rebuild from the log" "$REBUILD_RC"
} >>"$RESULTS/summary.txt"
echo
cat "$RESULTS/summary.txt"
echo "results in $RESULTS"
exit "$FAILED"
