#!/usr/bin/env bash
# orgd's accounts benchmark (issue 14), per ../shared/BENCHMARKING.md: every
# figure beside nginx's fixed reply, measured in the same run.
#
#   tools/bench/accounts_bench.sh                 # N=1000000 D=8s CONNS=32 BUILD=build
#   N=100000 BUILD=build-bench tools/bench/accounts_bench.sh
#   PEER=0 tools/bench/accounts_bench.sh          # skip the better-auth peer
#
# Builds nothing: expects $BUILD/orgd and $BUILD/orgd-load-accounts (ninja -C
# $BUILD orgd orgd-load-accounts). Installs wrk and nginx-light if missing.
#
# 1. starts orgd on a fresh store (interactive Argon2id limits) and loads N
#    accounts with orgd-load-accounts (POST /api/v1/accounts:batch, through the
#    writer), timing it; records orgd's VmRSS and VmHWM after loading;
# 2. wrk -t1 -c$CONNS -d$D --latency: user search by a substring word and by
#    an exact email (as a signed-in non-admin), nginx's fixed JSON reply,
#    sign-in with a password (at -c$SIGNIN_CONNS: bounded by Argon2id by
#    design), GET /api/v1/whoami with a session token;
# 3. if the better-auth peer (../shared/peers/better-auth) can be set up, its
#    GET /api/auth/get-session at the same settings.
# A wrk run with a "Non-2xx" line is void. Prints a markdown table; raw outputs
# go to $OUT (default docs/bench-runs/accounts-<date>).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
N=${N:-1000000}; D=${D:-8s}; CONNS=${CONNS:-32}; SIGNIN_CONNS=${SIGNIN_CONNS:-4}
K=${K:-64}                      # accounts with a password (sign-in rotates over them)
LOAD_CONNS=${LOAD_CONNS:-2}; BATCH=${BATCH:-1000}
BUILD=${BUILD:-build}; PORT=${PORT:-18490}; NPORT=$((PORT + 1)); PEER_PORT=${PEER_PORT:-3190}
PEER=${PEER:-auto}              # auto: run ../shared/peers/better-auth/setup.sh and measure; 0: skip
PEER_DIR=${PEER_DIR:-$ROOT/../shared/peers/better-auth}
OUT=${OUT:-$ROOT/docs/bench-runs/accounts-$(date -u +%Y-%m-%d)}
KEY=sk-accountsbenchaccountsbenchaccounts01
ORGD=$ROOT/$BUILD/orgd; LOADER=$ROOT/$BUILD/orgd-load-accounts
for b in "$ORGD" "$LOADER"; do
  [ -x "$b" ] || { echo "missing $b: build it first (ninja -C $BUILD orgd orgd-load-accounts)" >&2; exit 2; }
done
command -v wrk >/dev/null && command -v nginx >/dev/null || {
  export DEBIAN_FRONTEND=noninteractive
  timeout 600 apt-get install -y --no-install-recommends wrk nginx-light >/dev/null
  service nginx stop >/dev/null 2>&1 || true  # Debian starts it on port 80; we run our own
}
mkdir -p "$OUT"
T=$(mktemp -d "$ROOT/.bench.XXXXXX")  # the store on the same disk as ./data would be
PG_STARTED=
cleanup() {
  for p in "$T"/*.pid; do [ -f "$p" ] && kill "$(cat "$p")" 2>/dev/null; done
  sleep 0.5; rm -rf "$T"
  if [ -n "$PG_STARTED" ]; then "$PEER_DIR/stop.sh" || true; fi
}
trap cleanup EXIT
. "$ROOT/tools/bench/lib.sh"  # note, cpu_s, pct, now_s, run_wrk, nginx_start, nginx_stop
: >"$OUT/notes.txt"

note "orgd accounts benchmark, N=$N, $(nproc) cores, wrk -t1 -c$CONNS -d$D, build $BUILD ($(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo ?))"
note "load before start: $(uptime)"
top -b -n1 -w 200 | head -20 >"$OUT/top-before.txt" || true

# --- 1. orgd on a fresh store, N accounts --------------------------------------
ORGD_ADMIN_KEY=$KEY ORGD_LOG_LEVEL=warn "$ORGD" serve --data "$T/data" --listen 127.0.0.1:$PORT \
  --password-opslimit 2 --password-memlimit-kib 65536 >"$OUT/orgd.log" 2>&1 &
OPID=$!; echo $OPID >"$T/orgd.pid"
for _ in $(seq 100); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/healthz" && break; sleep 0.1; done
curl -sf -o /dev/null "http://127.0.0.1:$PORT/healthz" || { echo "orgd did not start:" >&2; cat "$OUT/orgd.log" >&2; exit 1; }
rss() { awk '/^VmRSS|^VmHWM/{printf "%s %.0f MiB  ", $1, $2 / 1024}' "/proc/$OPID/status"; }
note "orgd pid $OPID started: $(rss)"

a=$(cpu_s $OPID); t0=$(now_s)
timeout 3600 "$LOADER" --url "http://127.0.0.1:$PORT" --key "$KEY" --count "$N" --batch "$BATCH" \
  --connections "$LOAD_CONNS" --passwords "$K" --names-out "$T/q" >"$OUT/load.txt" 2>"$OUT/load.err" &
LPID=$!
sleep 5; top -b -n2 -d1 -w 200 | awk '/^top -/{n++} n==2' | head -25 >"$OUT/load.top" || true
wait $LPID || { echo "loading failed:" >&2; tail -5 "$OUT/load.err" >&2; exit 1; }
t1=$(now_s); b=$(cpu_s $OPID)
LOAD_S=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.1f", b - a}')
LOAD_RATE=$(awk -v n="$N" -v s="$LOAD_S" 'BEGIN{printf "%.0f", n / s}')
LOAD_CPU=$(pct "$a" "$b" "$LOAD_S")
cat "$OUT/load.txt" >&2
note "loaded $N accounts in $LOAD_S s ($LOAD_RATE/s); orgd CPU $LOAD_CPU during the load"
sleep 2  # let background work (compactions, checkpoints) settle a little
RSS_LOADED=$(awk '/^VmRSS/{printf "%.0f", $2 / 1024}' "/proc/$OPID/status")
HWM_LOADED=$(awk '/^VmHWM/{printf "%.0f", $2 / 1024}' "/proc/$OPID/status")
STORE=$(du -sm "$T/data" | awk '{print $1}')
note "after loading: VmRSS $RSS_LOADED MiB, VmHWM $HWM_LOADED MiB, store $STORE MiB on disk"
head -100 "$T/q.words" >"$OUT/queries.words"; head -100 "$T/q.emails" >"$OUT/queries.emails"  # samples; the seed makes them all again

# A session for a normal (non-admin) account: the searches and whoami use it.
read -r EMAIL0 PW0 <"$T/q.logins"
curl -sf -o "$T/login.json" -H 'Content-Type: application/json' \
  -d "{\"email\":\"$EMAIL0\",\"password\":\"$PW0\"}" "http://127.0.0.1:$PORT/api/v1/auth/login" ||
  { echo "sign-in of $EMAIL0 failed" >&2; exit 1; }
SESSION=$(sed -n 's/.*"token":"\([^"]*\)".*/\1/p' "$T/login.json")
[ -n "$SESSION" ] || { echo "no token in $(cat "$T/login.json")" >&2; exit 1; }
curl -sf -o "$T/whoami.json" -H "Authorization: Bearer $SESSION" "http://127.0.0.1:$PORT/api/v1/whoami"
note "signed in as $EMAIL0; whoami: $(cat "$T/whoami.json")"

# Checks before timing: how many hits the queries give (with curl, as that user).
enc() { local s=${1//%/%25}; s=${s//@/%40}; s=${s//+/%2B}; s=${s// /%20}; s=${s//&/%26}; echo "$s"; }
hits() {
  { curl -sf -H "Authorization: Bearer $SESSION" "http://127.0.0.1:$PORT/api/v1/accounts?query=$(enc "$1")" || true; } |
    { grep -o '"id":' || true; } | wc -l
}
w_hit=0; w_tot=0; w_sum=0
for w in $(head -50 "$T/q.words"); do h=$(hits "$w"); w_tot=$((w_tot + 1)); w_sum=$((w_sum + h)); if [ "$h" -gt 0 ]; then w_hit=$((w_hit + 1)); fi; done
note "check: $w_hit of the first $w_tot words have hits ($w_sum hits in all; limit 20 each); e.g. '$(head -1 "$T/q.words")': $(hits "$(head -1 "$T/q.words")") hits"
e_one=0; e_tot=0
for e in $(awk 'NR % 80 == 1' "$T/q.emails"); do h=$(hits "$e"); e_tot=$((e_tot + 1)); if [ "$h" -eq 1 ]; then e_one=$((e_one + 1)); fi; done
E1=$(head -1 "$T/q.emails")
curl -sf -H "Authorization: Bearer $SESSION" "http://127.0.0.1:$PORT/api/v1/accounts?query=$(enc "$E1")" >"$OUT/check-email.json"
note "check: $e_one of $e_tot sampled emails give exactly 1 hit; $E1 -> $(head -c 300 "$OUT/check-email.json")"
curl -sf -H "Authorization: Bearer $SESSION" "http://127.0.0.1:$PORT/api/v1/accounts?query=$(head -1 "$T/q.words")" >"$OUT/check-word.json"
note "check: a word reply is $(wc -c <"$OUT/check-word.json") bytes"

# --- 2. the wrk figures --------------------------------------------------------
: >"$T/rows"
B="http://127.0.0.1:$PORT"
QUERIES=$T/q.words TOKEN=$SESSION run_wrk search-word "orgd search by substring word (GET /api/v1/accounts?query=w)" \
  "$CONNS" "$B/api/v1/accounts" tools/bench/search.lua "$OPID"
QUERIES=$T/q.emails TOKEN=$SESSION run_wrk search-email "orgd search by exact email" \
  "$CONNS" "$B/api/v1/accounts" tools/bench/search.lua "$OPID"

# nginx: a fixed reply of the size of whoami's (tools/bench/lib.sh: nginx_start).
nginx_start "$T/whoami.json"
run_wrk nginx "nginx fixed JSON reply (2 workers, whoami-sized body)" "$CONNS" "http://127.0.0.1:$NPORT/whoami" "" "$NGINX_PIDS"
nginx_stop

LOGINS=$T/q.logins run_wrk signin "orgd sign-in with a password (POST /api/v1/auth/login; Argon2id-bound)" \
  "$SIGNIN_CONNS" "$B/api/v1/auth/login" tools/bench/signin.lua "$OPID"
SESSION=$SESSION run_wrk whoami "orgd session check (GET /api/v1/whoami, session token)" \
  "$CONNS" "$B/api/v1/whoami" tools/bench/whoami.lua "$OPID"

RSS_END=$(awk '/^VmRSS/{printf "%.0f", $2 / 1024}' "/proc/$OPID/status")
HWM_END=$(awk '/^VmHWM/{printf "%.0f", $2 / 1024}' "/proc/$OPID/status")
note "after the wrk runs: VmRSS $RSS_END MiB, VmHWM $HWM_END MiB"
curl -sf "$B/metrics" >"$OUT/metrics.txt" || true
kill "$OPID"; wait "$OPID" 2>/dev/null || true; rm -f "$T/orgd.pid"

# --- 3. the better-auth peer's get-session ---------------------------------------
PEER_NOTE=""
if [ "$PEER" != 0 ]; then
  STATE=${BETTER_AUTH_PEER_STATE:-${TMPDIR:-/tmp}/better-auth-peer}
  PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | tail -1 || true)
  pg_was_up=
  if [ -n "$PGBIN" ] && [ -d "$STATE/pg/data" ] &&
    su postgres -c "$PGBIN/pg_ctl -D '$STATE/pg/data' status" >/dev/null 2>&1; then pg_was_up=1; fi
  if [ ! -x "$PEER_DIR/setup.sh" ]; then
    PEER_NOTE="no peer at $PEER_DIR"
  elif ! timeout 900 "$PEER_DIR/setup.sh" >"$OUT/peer-setup.txt" 2>&1; then
    PEER_NOTE="peer setup failed (see peer-setup.txt): $(tail -1 "$OUT/peer-setup.txt")"
  else
    if [ -z "$pg_was_up" ]; then PG_STARTED=1; fi
    export DATABASE_URL=postgres://postgres@127.0.0.1:${PGPORT:-55432}/peer
    WORKERS=1 PORT=$PEER_PORT NODE_ENV=production node "$STATE/server.mjs" >"$OUT/peer-node.log" 2>&1 &
    echo $! >"$T/node.pid"; NODE_PID=$(cat "$T/node.pid")
    for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$PEER_PORT/api/auth/ok" && break; sleep 0.1; done
    em="accounts-bench-$RANDOM$RANDOM@example.org"
    curl -s -o "$T/peer-signup.json" -c "$T/jar" -H 'Content-Type: application/json' \
      -H "Origin: http://127.0.0.1:$PEER_PORT" \
      -d "{\"email\":\"$em\",\"password\":\"bench-password-1\",\"name\":\"Bench\"}" \
      "http://127.0.0.1:$PEER_PORT/api/auth/sign-up/email" || true
    COOKIE=$(awk '/session_token/{print $6"="$7; exit}' "$T/jar")
    st=$(curl -s -o "$T/sess.json" -w '%{http_code}' -H "Cookie: $COOKIE" "http://127.0.0.1:$PEER_PORT/api/auth/get-session")
    if [ "$st" = 200 ] && grep -q "\"email\":\"$em\"" "$T/sess.json"; then
      note "peer: signed up $em; get-session HTTP $st"
      PG_PIDS=$(pgrep -u postgres -d ' ' postgres || true)
      COOKIE=$COOKIE run_wrk peer-get-session "better-auth get-session (1 Node process, PostgreSQL)" \
        "$CONNS" "http://127.0.0.1:$PEER_PORT/api/auth/get-session" "$PEER_DIR/get_auth.lua" "$NODE_PID $PG_PIDS"
    else
      PEER_NOTE="peer get-session check failed (HTTP $st): $(head -c 200 "$T/sess.json")"
    fi
    kill "$NODE_PID"; wait "$NODE_PID" 2>/dev/null || true; rm -f "$T/node.pid"
  fi
  if [ -n "$PEER_NOTE" ]; then note "$PEER_NOTE"; fi
fi

# --- the table -----------------------------------------------------------------------
NGINX_RPS=$(awk -F'|' '/^nginx/{print $3}' "$T/rows")
{
  echo "# orgd accounts benchmark $(date -u +%Y-%m-%dT%H:%MZ)"
  echo
  echo "$N accounts, $(nproc) cores, wrk -t1 -d$D --latency; orgd $BUILD at $(git rev-parse --short HEAD 2>/dev/null || echo ?)" \
       "(+ uncommitted changes: $(git status --porcelain 2>/dev/null | wc -l) files); Argon2id opslimit 2, memlimit 64 MiB."
  echo "Load before the run: $(head -1 "$OUT/top-before.txt" | sed 's/.*load average/load average/')"
  echo
  echo "| loading | value | goal |"
  echo "|---|---|---|"
  echo "| $N accounts via POST /api/v1/accounts:batch ($BATCH per request, $LOAD_CONNS connections) | $LOAD_S s, $LOAD_RATE accounts/s (orgd CPU $LOAD_CPU) | < 60 s |"
  echo "| orgd RSS after loading (VmRSS / VmHWM) | $RSS_LOADED MiB / $HWM_LOADED MiB | < 1 GiB |"
  echo "| orgd RSS after the wrk runs (VmRSS / VmHWM) | $RSS_END MiB / $HWM_END MiB | |"
  echo "| store on disk after loading | $STORE MiB | |"
  echo
  echo "| what | conns | req/s | p50 | p99 | × nginx | non-2xx | CPU (of one core) |"
  echo "|---|---|---|---|---|---|---|---|"
  while IFS='|' read -r what c r p50 p99 bad se cpu; do
    ratio=$(awk -v a="$r" -v b="$NGINX_RPS" 'BEGIN{if (b > 0) printf "%.2f", a / b}')
    v=""
    if [ "$bad" != 0 ]; then v=" **VOID**"; fi
    if [ -n "$se" ]; then v="$v (socket errors: $se)"; fi
    echo "| $what$v | $c | $r | $p50 | $p99 | $ratio | $bad | $cpu |"
  done <"$T/rows"
  if [ -n "$PEER_NOTE" ]; then echo; echo "better-auth: $PEER_NOTE"; fi
  echo
  echo "Goals (issue 14): load < 60 s; RSS < 1 GiB; searches >= 20,000/s with p99 < 5 ms at 32 connections;"
  echo "whoami >= 0.7 x nginx. Sign-in is bounded by Argon2id (interactive limits) on the hash pool by design."
} | tee "$OUT/summary.md"
