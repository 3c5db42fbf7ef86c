#!/usr/bin/env bash
# orgd's HTTP benchmark, per ../shared/BENCHMARKING.md: every figure beside its
# reference, measured in the same run on the same disk.
#
#   tools/bench/bench.sh            # RUNS=3 D=8s CONNS="1 16 64 256"
#   PEER=1 tools/bench/bench.sh     # also the better-auth peer (needs its setup.sh)
#
# Prints a markdown table: what, connections, req/s, p50, p99, non-2xx, and the
# ratios. A row with non-2xx replies is void. Durable writes: every 2xx was
# fsync'ed (group commit, sync=true, --threads 2).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
RUNS=${RUNS:-3}; D=${D:-8s}; CONNS=${CONNS:-"1 16 64 256"}
PORT=${PORT:-18480}; NPORT=$((PORT + 1))
export ORGD_KEY=sk-benchbenchbenchbenchbenchbenchbenchbench

./tools/setup.sh deps >/dev/null
command -v wrk >/dev/null && command -v nginx >/dev/null && command -v db_bench >/dev/null || {
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y --no-install-recommends wrk nginx-light rocksdb-tools >/dev/null
  service nginx stop >/dev/null 2>&1 || true  # Debian starts it on port 80; we run our own
}
cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DORGD_BUILD_TESTS=OFF >/dev/null
ninja -C build-bench orgd >/dev/null

# Scratch space on the same disk as ./data would be.
T=$(mktemp -d "$ROOT/.bench.XXXXXX")
cleanup() {
  for p in "$T"/*.pid; do [ -f "$p" ] && kill "$(cat "$p")" 2>/dev/null; done
  sleep 0.5; rm -rf "$T"
}
trap cleanup EXIT

# wrk_row WHAT CONNS FILE: one table row from wrk's output.
wrk_row() {
  awk -v w="$1" -v c="$2" '/Requests\/sec/{r=$2} /^ +50%/{p50=$2} /^ +99%/{p99=$2} /Non-2xx/{bad=$NF}
    END{printf "| %s | %s | %.0f | %s | %s | %d |\n", w, c, r, p50, p99, bad+0}' "$3"
}
# median of the numbers on stdin
median() { sort -n | awk '{a[NR]=$1} END{print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
# run_wrk WHAT CONNS URL [SCRIPT]: RUNS runs; prints the median row, keeps the spread.
run_wrk() {
  local what=$1 c=$2 url=$3 script=${4:-}
  local rows=()
  for i in $(seq "$RUNS"); do
    SALT="$RANDOM$i$c" wrk -t1 -c"$c" -d"$D" --latency ${script:+-s "$script"} "$url" >"$T/w" 2>&1
    rows+=("$(wrk_row "$what" "$c" "$T/w")")
  done
  local rates; rates=$(printf '%s\n' "${rows[@]}" | awk -F'|' '{print $4}')
  local med; med=$(echo "$rates" | median)
  local lo hi; lo=$(echo "$rates" | sort -n | head -1); hi=$(echo "$rates" | sort -n | tail -1)
  # the row whose rate is the median (or the closest)
  printf '%s\n' "${rows[@]}" | awk -F'|' -v m="$med" '{d=$4-m; d=d<0?-d:d; if(NR==1||d<best){best=d; row=$0}} END{print row}' |
    sed "s/\$/ ${lo// /}–${hi// /} |/"
  echo "$med" >"$T/last"
}

echo "# orgd benchmark $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, RUNS=$RUNS, $D per run, wrk -t1"
echo
echo "| what | conns | req/s (median) | p50 | p99 | non-2xx | spread req/s |"
echo "|---|---|---|---|---|---|---|"

# Reference 1: one fsync per write.
for i in $(seq "$RUNS"); do
  rm -rf "$T/dbb"
  db_bench --db="$T/dbb" --benchmarks=fillseq --sync=1 --num=5000 --value_size=300 --compression_type=none 2>/dev/null |
    awk '/^fillseq/{for(i=1;i<=NF;i++) if($i=="ops/sec") print $(i-1)}'
done >"$T/dbb.txt"
DBB=$(median <"$T/dbb.txt")
echo "| db_bench fillseq --sync=1, 1 writer (ops/s) | 1 | $DBB | | | | $(sort -n "$T/dbb.txt" | head -1)–$(sort -n "$T/dbb.txt" | tail -1) |"

# orgd on a fresh store.
ORGD_ADMIN_KEY=$ORGD_KEY ORGD_LOG_LEVEL=warn ./build-bench/orgd serve --data "$T/data" \
  --listen 127.0.0.1:$PORT --threads 2 >"$T/orgd.log" 2>&1 &
echo $! >"$T/orgd.pid"
for _ in $(seq 100); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/healthz" && break; sleep 0.1; done

declare -A WRITE
for c in $CONNS; do
  run_wrk "orgd POST /api/v1/orgs (durable)" "$c" "http://127.0.0.1:$PORT/api/v1/orgs" tools/bench/create_org.lua
  WRITE[post$c]=$(cat "$T/last")
done
export ORGS=1000
for c in $CONNS; do
  run_wrk "orgd PATCH /api/v1/orgs/{id} (durable)" "$c" "http://127.0.0.1:$PORT/api/v1/orgs/1" tools/bench/patch_org.lua
  WRITE[patch$c]=$(cat "$T/last")
done
curl -sf -o "$T/org.json" -H "Authorization: Bearer $ORGD_KEY" "http://127.0.0.1:$PORT/api/v1/orgs/1"
NAME=$(sed 's/.*"name":"\([^"]*\)".*/\1/' "$T/org.json")
run_wrk "orgd GET /api/v1/orgs/{name}" 64 "http://127.0.0.1:$PORT/api/v1/orgs/$NAME" tools/bench/get_org.lua
GET=$(cat "$T/last")

# Reference 2: nginx returning the same JSON body, fixed.
BODY=$(sed "s/'/\\\\'/g" "$T/org.json")
cat >"$T/nginx.conf" <<NG
worker_processes 2; pid $T/nginx.pid; error_log $T/nginx.err; daemon on;
events { worker_connections 4096; }
http { access_log off; server { listen 127.0.0.1:$NPORT; location / { default_type application/json;
  return 200 '$BODY'; } } }
NG
nginx -c "$T/nginx.conf"
sleep 0.3
run_wrk "nginx fixed JSON reply (2 workers)" 64 "http://127.0.0.1:$NPORT/org"
NGINX=$(cat "$T/last")
kill "$(cat "$T/nginx.pid")"; rm -f "$T/nginx.pid"

echo
echo "Batch sizes seen by the writer (from /metrics):"
curl -sf "http://127.0.0.1:$PORT/metrics" | grep -E '^orgd_writer_(batch_size|commit_seconds)_(sum|count)' | sed 's/^/    /'
echo
echo "| ratio | value | goal |"
echo "|---|---|---|"
for c in $CONNS; do
  echo "| orgd POST at $c conns / db_bench sync=1 | $(awk -v a="${WRITE[post$c]}" -v b="$DBB" 'BEGIN{printf "%.1f×", a/b}') | ≥ 5× at 64 |"
done
for c in $CONNS; do
  echo "| orgd PATCH at $c conns / db_bench sync=1 | $(awk -v a="${WRITE[patch$c]}" -v b="$DBB" 'BEGIN{printf "%.1f×", a/b}') | ≥ 5× at 64 |"
done
echo "| orgd GET / nginx fixed reply, 64 conns | $(awk -v a="$GET" -v b="$NGINX" 'BEGIN{printf "%.0f%%", 100*a/b}') | ≥ 50% |"

if [ -n "${PEER:-}" ]; then
  echo
  echo "better-auth peer (create and get-full at 64 conns, 1 Node process):"
  QUICK=1 WS=1 "$ROOT/../shared/peers/better-auth/bench.sh"
fi
