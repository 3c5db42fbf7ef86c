#!/usr/bin/env bash
# Measures the operator tools on a synthetic store (docs/benchmarks.md, "Audit
# tools"): `orgd-replay verify` (scan + verify) and `orgd-rebuild` over EVENTS
# events, each run next to references measured in the same minute on the same
# machine: RocksDB's own sequential read and batched random write
# (db_bench readseq / fillrandom) and OpenSSL's SHA-256.
#
#   tools/bench/audit_tools.sh                       # EVENTS=10000000 RUNS=3
#   EVENTS=1000000 RUNS=1 tools/bench/audit_tools.sh # a quick look
#   STORE=/tmp/big tools/bench/audit_tools.sh        # reuse (or keep) a generated store
#
# Environment: BUILD (build directory; default build-audit, configured
# RelWithDebInfo like CI), EVENTS, RUNS, STORE (a store orgd-genlog made; it is
# kept), TMPDIR. Needs db_bench (Debian rocksdb-tools) and openssl. A 10M-event
# store takes about 2.1 GB and 15-20 minutes to generate on a 2-core machine.
set -euo pipefail

cd "$(dirname "$0")/../.."
ROOT=$(pwd)
BUILD=${BUILD:-$ROOT/build-audit}
EVENTS=${EVENTS:-10000000}
RUNS=${RUNS:-3}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/orgd-audit.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

command -v db_bench >/dev/null || { echo "db_bench missing: apt-get install rocksdb-tools" >&2; exit 2; }
if [ ! -x "$BUILD/orgd-genlog" ]; then
  cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DORGD_BUILD_TESTS=OFF >/dev/null
fi
ninja -C "$BUILD" -j "${JOBS:-2}" orgd-genlog orgd-replay orgd-rebuild >/dev/null

now() { date +%s.%N; }
# seconds COMMAND...: runs it quietly and prints its wall time in seconds.
seconds() {
  local t0
  t0=$(now)
  "$@" >"$WORK/last.out" 2>&1 || { cat "$WORK/last.out" >&2; exit 1; }
  awk -v a="$(now)" -v b="$t0" 'BEGIN { printf "%.3f", a - b }'
}
rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", n / s }'; }

if [ -z "${STORE:-}" ]; then
  STORE=$WORK/store
  echo "== generating $EVENTS events into $STORE"
  s=$(seconds "$BUILD/orgd-genlog" --data "$STORE" --events "$EVENTS")
  echo "orgd-genlog: $(printf '%.0f' "$s") s, $(rate "$EVENTS" "$s") events/s"
fi
echo "== store: $(du -sh "$STORE" | cut -f1), $EVENTS events"
echo "== load before: $(cut -d' ' -f1-3 /proc/loadavg)"

# References, on a db_bench store of 480-byte values (about an org record).
ref_db=$WORK/dbbench
refs() {
  rm -rf "$ref_db"
  db_bench --db="$ref_db" --benchmarks=fillrandom,readseq --num=2000000 --value_size=480 \
    --key_size=16 --batch_size=1000 --compression_type=snappy --sync=0 --threads=1 2>&1 |
    awk '/^fillrandom|^readseq/ {printf "%s %s ", $1, $5}'
  openssl speed -seconds 2 -bytes 256 -evp sha256 2>/dev/null |
    awk '/^sha256/ {sub("k", "", $2); printf "sha256-256B %.0f\n", $2 * 1000 / 256}'
}

printf '%-8s %-10s %12s %12s   %s\n' run what seconds events/s "references (ops/s)"
for run in $(seq "$RUNS"); do
  s=$(seconds "$BUILD/orgd-replay" verify --data "$STORE")
  grep -q "^OK: $EVENTS events" "$WORK/last.out" || { cat "$WORK/last.out" >&2; exit 1; }
  printf '%-8s %-10s %12.1f %12s   %s\n' "$run" verify "$s" "$(rate "$EVENTS" "$s")" "$(refs)"
done
for run in $(seq "$RUNS"); do
  s=$(seconds "$BUILD/orgd-rebuild" --data "$STORE" --restart)
  printf '%-8s %-10s %12.1f %12s   %s\n' "$run" rebuild "$s" "$(rate "$EVENTS" "$s")" "$(refs)"
done
s=$(seconds "$BUILD/orgd-rebuild" --data "$STORE" --verify)
echo "rebuild --verify (rebuilt models equal the live ones): $(printf '%.1f' "$s") s"
echo "== load after: $(cut -d' ' -f1-3 /proc/loadavg)"
