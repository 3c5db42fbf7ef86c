#!/usr/bin/env bash
# orgd's members benchmark, per ../shared/BENCHMARKING.md: every figure beside a
# reference measured in the same run (nginx's fixed reply of the same size,
# POST /api/v1/orgs and db_bench's single-writer synced rate, the better-auth peer).
#
#   tools/bench/members_bench.sh                   # MEMBERS=100000 ORGS=1000 D=8s CONNS=64 BUILD=build
#   MEMBERS=2000 ORGS=50 D=2s PEER=0 tools/bench/members_bench.sh   # a quick check of the script
#   PEER=0 tools/bench/members_bench.sh            # skip the better-auth peer
#   OUT=/tmp/members tools/bench/members_bench.sh  # raw outputs elsewhere
#
# Other settings: CURSORS=50 (cursors each page run rotates over), POSITIONS=1 (also
# the first, middle and last page each alone; 0: not), PORT=18500 (orgd; nginx on
# PORT+1), PEER=auto (run the peer's setup.sh and, if it works, its bench.sh; 0: skip),
# PEER_PORT=3200, PEER_DIR=../shared/peers/better-auth.
#
# Builds nothing: expects $BUILD/orgd (ninja -C $BUILD orgd), and warns when a
# source file is newer. Installs wrk, nginx-light and rocksdb-tools if missing.
#
# 1. orgd on a fresh store. As the site admin (ORGD_ADMIN_KEY), through the API,
#    each phase timed: org `big`; MEMBERS accounts (POST /api/v1/accounts:batch,
#    1,000 a request, no passwords), made members of big (POST
#    /api/v1/memberships:batch, 10,000 pairs a request, role member); ORGS orgs
#    o-1..o-ORGS (POST /api/v1/orgs, 16 at once); an account `multi` with an API
#    key, member of all of them (memberships:batch) and of big. The first loaded
#    account (`reader`, role member: no view_emails) gets an API key too.
#    Checks with curl (notes): page sizes and totals, the next cursor, a full walk
#    of both lists (limit=1000) from which the cursors are taken, emails hidden
#    from the reader, the check's reply, one request of every wrk script.
# 2. wrk -t1 -c$CONNS -d$D --latency, one run each: member upserts (PUT
#    /api/v1/orgs/big/members/{account}, the role flipped member<->editor so each
#    request changes something), POST /api/v1/orgs, db_bench fillseq --sync=1; a
#    page of 100 of big's members (rotating over cursors from first to last page)
#    as the site admin and as the reader, and (POSITIONS=1) the first, middle and
#    last page alone; a page of multi's orgs with its own key; POST /api/v1/check
#    (one check); nginx's fixed reply of (a) the size of a 100-member page and
#    (b) the size of the check's reply.
# 3. the peer (better-auth): its bench.sh with WS=1 (invite-member and
#    get-full-organization on a 1,000-member org among others), after orgd stopped.
# A wrk run with a "Non-2xx" line is void (VOID in the table). Prints a markdown
# summary; raw outputs go to $OUT (default docs/bench-runs/members-<date>).
set -euo pipefail
export LC_ALL=C
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
MEMBERS=${MEMBERS:-100000}; ORGS=${ORGS:-1000}; D=${D:-8s}; CONNS=${CONNS:-64}
CURSORS=${CURSORS:-50}; POSITIONS=${POSITIONS:-1}; PAGE=100
BUILD=${BUILD:-build}; PORT=${PORT:-18500}; NPORT=$((PORT + 1)); PEER_PORT=${PEER_PORT:-3200}
PEER=${PEER:-auto}
PEER_DIR=${PEER_DIR:-$ROOT/../shared/peers/better-auth}
OUT=${OUT:-$ROOT/docs/bench-runs/members-$(date -u +%Y-%m-%d)}
KEY=sk-membersbenchmembersbenchmembers01
ORGD=$ROOT/$BUILD/orgd
[ -x "$ORGD" ] || { echo "missing $ORGD: build it first (ninja -C $BUILD orgd)" >&2; exit 2; }
if [ "$MEMBERS" -lt $((2 * PAGE)) ] || [ "$ORGS" -lt 1 ]; then
  echo "MEMBERS must be at least $((2 * PAGE)) and ORGS at least 1" >&2; exit 2
fi
command -v wrk >/dev/null && command -v nginx >/dev/null && command -v db_bench >/dev/null || {
  export DEBIAN_FRONTEND=noninteractive
  timeout 600 apt-get install -y --no-install-recommends wrk nginx-light rocksdb-tools >/dev/null
  service nginx stop >/dev/null 2>&1 || true  # Debian starts it on port 80; we run our own
}
mkdir -p "$OUT"
T=$(mktemp -d "$ROOT/.bench.XXXXXX")  # the store on the same disk as ./data would be
PG_STARTED=
cleanup() {
  for p in "$T"/*.pid; do [ -f "$p" ] && kill "$(cat "$p")" 2>/dev/null; done
  sleep 0.5; nginx_clean; rm -rf "$T"
  if [ -n "$PG_STARTED" ]; then "$PEER_DIR/stop.sh" || true; fi
}
trap cleanup EXIT
. "$ROOT/tools/bench/lib.sh"  # note, cpu_s, pct, now_s, run_wrk, nginx_start, nginx_stop
: >"$OUT/notes.txt"

BIN_INFO="$BUILD/orgd built $(date -u -r "$ORGD" +%Y-%m-%dT%H:%MZ), sha256 $(sha256sum "$ORGD" | cut -c1-12)"
NEWER=$(find src common storage -newer "$ORGD" -type f \( -name '*.cc' -o -name '*.h' \) 2>/dev/null | wc -l || true)
note "orgd members benchmark, MEMBERS=$MEMBERS ORGS=$ORGS, $(nproc) cores, wrk -t1 -c$CONNS -d$D, $BIN_INFO"
if [ "$NEWER" -gt 0 ]; then note "WARNING: $NEWER source files are newer than $ORGD: the binary may be stale"; fi
note "load before start: $(uptime)"
top -b -n1 -w 200 | head -20 >"$OUT/top-before.txt" || true

B="http://127.0.0.1:$PORT"
# api METHOD PATH [BODY or @FILE] [TOKEN]: one request (default: as the site admin);
# prints the HTTP status, the reply is in $T/r.json.
api() {
  local m=$1 p=$2 body=${3:-} tok=${4:-$KEY} a=()
  if [ -n "$body" ]; then a=(-H 'Content-Type: application/json' --data-binary "$body"); fi
  curl -s -o "$T/r.json" -w '%{http_code}' -X "$m" -H "Authorization: Bearer $tok" "${a[@]}" "$B$p" || true
}
need() {  # STATUS WHAT: a setup request must succeed, or the run stops
  case $1 in 2??) ;; *) echo "$2: HTTP $1: $(head -c 400 "$T/r.json")" >&2; exit 1 ;; esac
}
FAILED=0
verdict() {  # OK(1 or empty) WHAT: a check before timing, noted; a failed one is flagged in the summary
  if [ "$1" = 1 ]; then note "check ok: $2"; else note "CHECK FAILED: $2"; FAILED=$((FAILED + 1)); fi
}
count() { grep -o -- "$1" "${2:-$T/r.json}" 2>/dev/null | wc -l || true; }  # occurrences of a string
jnum() { grep -o "\"$1\":[0-9]*" "${2:-$T/r.json}" | head -1 | cut -d: -f2 || true; }
jnext() { sed -n 's/.*"next":"\([^"]*\)"}$/\1/p' "${1:-$T/r.json}"; }  # a page's next cursor
ids_of() {  # FIELD [FILE]: the account_id (uuid) or org_id (number) of each entry of a page
  if [ "$1" = account_id ]; then grep -o '"account_id":"[^"]*"' "${2:-$T/r.json}" | cut -d'"' -f4 || true
  else grep -o '"org_id":[0-9]*' "${2:-$T/r.json}" | cut -d: -f2 || true; fi
}
logpos() { curl -sf "$B/metrics" | awk '/^orgd_log_position /{print $2}' || true; }
secs_since() { awk -v a="$1" -v b="$(now_s)" 'BEGIN{printf "%.1f", b - a}'; }
: >"$T/loads"
phase_begin() { P_T0=$(now_s); P_C0=$(cpu_s "$OPID"); }
phase_end() {  # WHAT COUNT UNIT: a row of the loading table
  local raw s c rate cpu; raw=$(awk -v a="$P_T0" -v b="$(now_s)" 'BEGIN{print b - a}'); c=$(cpu_s "$OPID")
  s=$(awk -v s="$raw" 'BEGIN{printf "%.1f", s}')
  rate=$(awk -v n="$2" -v s="$raw" 'BEGIN{if (s > 0) printf "%.0f", n / s; else print "-"}')
  cpu=$(awk -v a="$P_C0" -v b="$c" -v s="$raw" 'BEGIN{if (s > 0) printf "%.0f%%", 100 * (b - a) / s; else print "-"}')
  echo "$1|$s|$rate $3/s|$cpu" >>"$T/loads"
  note "loaded: $1 in $s s ($rate $3/s, orgd CPU $cpu)"
}

# --- 1. orgd on a fresh store, loaded through the API -----------------------------
ORGD_ADMIN_KEY=$KEY ORGD_LOG_LEVEL=warn "$ORGD" serve --data "$T/data" --listen 127.0.0.1:$PORT \
  >"$OUT/orgd.log" 2>&1 &
OPID=$!; echo $OPID >"$T/orgd.pid"
for _ in $(seq 100); do curl -sf -o /dev/null "$B/healthz" && break; sleep 0.1; done
curl -sf -o /dev/null "$B/healthz" || { echo "orgd did not start:" >&2; cat "$OUT/orgd.log" >&2; exit 1; }
note "orgd pid $OPID started"
LOAD_T0=$(now_s)

# The body of one POST /api/v1/accounts:batch: accounts FROM..FROM+COUNT-1, with
# made-up first and last names (so a member entry is the size of a real one).
gen_accounts() {
  awk -v s="$1" -v n="$2" 'function cap(x) { return toupper(substr(x, 1, 1)) substr(x, 2) } BEGIN {
    k = split("al be ca da el fi go ha is jo ka li ma no ol pa ri sa ta ul va we xe yo za", y, " ")
    printf "{\"accounts\":["
    for (i = s; i < s + n; i++) {
      f = cap(y[i % k + 1]) y[int(i / k) % k + 1]
      l = cap(y[int(i / 7) % k + 1]) y[int(i / 49) % k + 1] y[i % 3 + 1] "son"
      printf "%s{\"email\":\"m%d@members.example.org\",\"first_name\":\"%s\",\"last_name\":\"%s\"}", \
        (i > s ? "," : ""), i, f, l
    }
    print "]}" }'
}
# The body of one POST /api/v1/memberships:batch from a file of names (orgs) or ids (users).
gen_batch() {  # FILE orgs|users OTHER_SIDE_JSON_LIST
  awk -v side="$2" -v other="$3" 'BEGIN{printf "{\"%s\":[", side} {printf "%s\"%s\"", (NR > 1 ? "," : ""), $0}
    END{printf "],\"%s\":%s,\"role\":\"member\"}\n", (side == "orgs" ? "users" : "orgs"), other}' "$1"
}

phase_begin
st=$(api POST /api/v1/orgs '{"name":"big","title":"Big"}'); need "$st" "POST /api/v1/orgs big"
: >"$T/ids"
for ((s = 0; s < MEMBERS; s += 1000)); do
  n=$((MEMBERS - s < 1000 ? MEMBERS - s : 1000))
  gen_accounts "$s" "$n" >"$T/body.json"
  st=$(api POST /api/v1/accounts:batch "@$T/body.json"); need "$st" "accounts:batch from $s"
  grep -o '"id":"[^"]*"' "$T/r.json" | cut -d'"' -f4 >>"$T/ids"
done
phase_end "org big and $MEMBERS accounts (POST /api/v1/accounts:batch, 1,000 a request)" "$MEMBERS" accounts
[ "$(wc -l <"$T/ids")" -eq "$MEMBERS" ] || { echo "got $(wc -l <"$T/ids") account ids, want $MEMBERS" >&2; exit 1; }
gen_accounts 0 3 >"$OUT/sample-accounts.json"

phase_begin
rm -f "$T"/chunk.*; split -l 10000 "$T/ids" "$T/chunk."
for f in "$T"/chunk.*; do
  gen_batch "$f" users '["big"]' >"$T/body.json"
  st=$(api POST /api/v1/memberships:batch "@$T/body.json"); need "$st" "memberships:batch ($f)"
  [ "$(count '"account_id":')" -eq "$(wc -l <"$f")" ] || { echo "memberships:batch: not all added: $(head -c 300 "$T/r.json")" >&2; exit 1; }
done
phase_end "$MEMBERS memberships of big (POST /api/v1/memberships:batch, 10,000 a request)" "$MEMBERS" memberships

phase_begin
awk -v n="$ORGS" -v b="$B" -v k="$KEY" 'BEGIN{
  for (i = 1; i <= n; i++) {
    if (i > 1) print "next"
    printf "url = \"%s/api/v1/orgs\"\nheader = \"Authorization: Bearer %s\"\n", b, k
    printf "header = \"Content-Type: application/json\"\noutput = \"/dev/null\"\nwrite-out = \"%%{http_code}\\n\"\n"
    printf "data = \"{\\\"name\\\":\\\"o-%d\\\",\\\"title\\\":\\\"Org %d\\\"}\"\n", i, i
  } }' >"$T/orgs.curl"
curl -s --parallel --parallel-max 16 -K "$T/orgs.curl" >"$T/orgs.codes" 2>"$T/orgs.err" || true
ok=$(grep -c '^201$' "$T/orgs.codes" || true)
[ "$ok" -eq "$ORGS" ] || { echo "POST /api/v1/orgs o-*: $ok of $ORGS created: $(sort "$T/orgs.codes" | uniq -c | tr '\n' ' ')" >&2; exit 1; }
phase_end "$ORGS orgs o-1..o-$ORGS (POST /api/v1/orgs, 16 at once)" "$ORGS" orgs

phase_begin
st=$(api POST /api/v1/accounts:batch '{"accounts":[{"email":"multi@members.example.org","first_name":"Multi","last_name":"Orgs"}]}')
need "$st" "account multi"
MULTI=$(grep -o '"id":"[^"]*"' "$T/r.json" | cut -d'"' -f4)
st=$(api POST "/api/v1/accounts/$MULTI/keys" '{"name":"members bench"}'); need "$st" "key of multi"
MULTI_KEY=$(sed -n 's/.*"key":"\([^"]*\)".*/\1/p' "$T/r.json")
seq 1 "$ORGS" | sed 's/^/o-/' >"$T/orgnames"
rm -f "$T"/ochunk.*; split -l 10000 "$T/orgnames" "$T/ochunk."
for f in "$T"/ochunk.*; do
  gen_batch "$f" orgs "[\"$MULTI\"]" >"$T/body.json"
  st=$(api POST /api/v1/memberships:batch "@$T/body.json"); need "$st" "memberships:batch of multi ($f)"
done
st=$(api POST /api/v1/memberships:batch "{\"orgs\":[\"big\"],\"users\":[\"$MULTI\"],\"role\":\"member\"}")
need "$st" "multi in big"
phase_end "account multi, its key, in $((ORGS + 1)) orgs (POST /api/v1/memberships:batch)" "$((ORGS + 1))" memberships
READER=$(head -1 "$T/ids")
st=$(api POST "/api/v1/accounts/$READER/keys" '{"name":"members bench reader"}'); need "$st" "key of reader"
READER_KEY=$(sed -n 's/.*"key":"\([^"]*\)".*/\1/p' "$T/r.json")
LOAD_S=$(secs_since "$LOAD_T0")
note "loading done in $LOAD_S s; multi = $MULTI, reader = $READER (role member)"
sleep 2  # let background work (flushes, compactions) settle a little
RSS_LOADED=$(awk '/^VmRSS/{printf "%.0f", $2 / 1024}' "/proc/$OPID/status")
STORE=$(du -sm "$T/data" | awk '{print $1}')
note "after loading: VmRSS $RSS_LOADED MiB, store $STORE MiB on disk"

# --- checks before timing (curl) ------------------------------------------------
TOTAL_BIG=$((MEMBERS + 1)); TOTAL_MULTI=$((ORGS + 1))
want_page() { echo $(($1 < PAGE ? $1 : PAGE)); }  # entries of a first page of a list of N
st=$(api GET "/api/v1/orgs/big/members?limit=$PAGE"); cp "$T/r.json" "$OUT/reply-members-first.json"
n=$(count '"account_id":'); em=$(count '"email":'); tot=$(jnum total); nx=$(jnext); ids_of account_id >"$T/p1"
verdict "$([ "$st" = 200 ] && [ "$n" -eq "$PAGE" ] && [ "$em" -eq "$PAGE" ] && [ "$tot" = "$TOTAL_BIG" ] && [ "$nx" = "$(tail -1 "$T/p1")" ] && echo 1)" \
  "GET /api/v1/orgs/big/members?limit=$PAGE (site admin): HTTP $st, $n entries, $em with an email, total $tot (want $TOTAL_BIG), next $nx, $(wc -c <"$T/r.json") bytes"
st=$(api GET "/api/v1/orgs/big/members?limit=$PAGE&after=$nx"); ids_of account_id >"$T/p2"
n=$(wc -l <"$T/p2")
verdict "$([ "$st" = 200 ] && [ "$n" -eq "$(want_page $((TOTAL_BIG - PAGE)))" ] && [[ "$(head -1 "$T/p2")" > "$nx" ]] && [ -z "$(sort "$T/p1" "$T/p2" | uniq -d)" ] && echo 1)" \
  "the next cursor: page 2 (after=$nx): HTTP $st, $n entries, the first $(head -1 "$T/p2") after page 1's last, none repeated"
st=$(api GET "/api/v1/accounts/$MULTI/orgs?limit=$PAGE" "" "$MULTI_KEY"); cp "$T/r.json" "$OUT/reply-account-orgs-first.json"
n=$(count '"org_id":'); tot=$(jnum total); nx=$(jnext)
verdict "$([ "$st" = 200 ] && [ "$n" -eq "$(want_page "$TOTAL_MULTI")" ] && [ "$tot" = "$TOTAL_MULTI" ] && echo 1)" \
  "GET /api/v1/accounts/{multi}/orgs?limit=$PAGE (multi's key): HTTP $st, $n entries (want $(want_page "$TOTAL_MULTI")), total $tot (want $TOTAL_MULTI), next ${nx:-null}"
# The next cursor of the account's orgs (with a smaller page when it has fewer than 2 pages of 100).
L2=$((TOTAL_MULTI > PAGE ? PAGE : (TOTAL_MULTI + 1) / 2))
st=$(api GET "/api/v1/accounts/$MULTI/orgs?limit=$L2" "" "$MULTI_KEY"); ids_of org_id >"$T/q1"; nx=$(jnext)
st=$(api GET "/api/v1/accounts/$MULTI/orgs?limit=$L2&after=$nx" "" "$MULTI_KEY"); ids_of org_id >"$T/q2"
verdict "$([ "$st" = 200 ] && [ -n "$nx" ] && [ "$(head -1 "$T/q2")" -gt "$nx" ] && [ "$(cat "$T/q1" "$T/q2" | sort -u | wc -l)" -eq "$(cat "$T/q1" "$T/q2" | wc -l)" ] && echo 1)" \
  "the next cursor of multi's orgs (limit=$L2): after=$nx gives $(wc -l <"$T/q2") more, the first $(head -1 "$T/q2"), none repeated"
st=$(api POST /api/v1/check "{\"checks\":[{\"account\":\"$READER\",\"org\":\"big\",\"capability\":\"view_members\"}]}")
cp "$T/r.json" "$OUT/reply-check.json"
verdict "$([ "$st" = 200 ] && [ "$(cat "$T/r.json")" = '{"results":[true]}' ] && echo 1)" \
  "POST /api/v1/check {account: reader, org: big, capability: view_members} (site admin): HTTP $st, $(cat "$T/r.json")"

# Walk both lists (limit=1000): every entry once, in order; the cursors come from the walks.
walk() {  # PATH FIELD TOKEN OUTFILE: prints the number of pages
  local after="" st pages=0; : >"$4"
  while :; do
    st=$(api GET "$1?limit=1000${after:+&after=$after}" "" "$3"); need "$st" "walk $1 after ${after:-(start)}"
    ids_of "$2" >>"$4"; pages=$((pages + 1))
    after=$(jnext); [ -n "$after" ] || break
  done
  echo "$pages"
}
t0=$(now_s); pages=$(walk /api/v1/orgs/big/members account_id "$KEY" "$T/all.members")
verdict "$([ "$(wc -l <"$T/all.members")" -eq "$TOTAL_BIG" ] && [ "$(sort -u "$T/all.members" | wc -l)" -eq "$TOTAL_BIG" ] && sort -c "$T/all.members" 2>/dev/null && echo 1)" \
  "walk of big's members, limit=1000: $pages pages in $(secs_since "$t0") s, $(wc -l <"$T/all.members") entries (want $TOTAL_BIG), distinct and in account-id order"
t0=$(now_s); pages=$(walk "/api/v1/accounts/$MULTI/orgs" org_id "$MULTI_KEY" "$T/all.orgs")
verdict "$([ "$(wc -l <"$T/all.orgs")" -eq "$TOTAL_MULTI" ] && [ "$(sort -u "$T/all.orgs" | wc -l)" -eq "$TOTAL_MULTI" ] && sort -nc "$T/all.orgs" 2>/dev/null && echo 1)" \
  "walk of multi's orgs, limit=1000: $pages pages in $(secs_since "$t0") s, $(wc -l <"$T/all.orgs") entries (want $TOTAL_MULTI), distinct and in org-id order"

# CURSORS cursors spread from the first page to the last full one ("-": the first page).
pick_cursors() {  # LIST N OUT: also writes "POSITION CURSOR" of the first, middle and last page to OUT.pos
  awk -v n="$2" -v page=$PAGE -v pos="$3.pos" '{id[NR] = $0} END{
    last = NR - page; if (last < 0) last = 0
    for (i = 0; i < n; i++) {
      p = (n > 1) ? int(i * last / (n - 1) + 0.5) : 0
      if (p in seen) continue
      seen[p] = 1; print (p == 0 ? "-" : id[p])
    }
    m = int(last / 2)
    printf "0 -\n%d %s\n%d %s\n", m, (m == 0 ? "-" : id[m]), last, (last == 0 ? "-" : id[last]) >pos
  }' "$1" >"$3"
}
pick_cursors "$T/all.members" "$CURSORS" "$T/cursors.members"
pick_cursors "$T/all.orgs" "$CURSORS" "$T/cursors.orgs"
cp "$T/cursors.members" "$OUT/cursors-members.txt"; cp "$T/cursors.orgs" "$OUT/cursors-account-orgs.txt"
note "cursors: $(wc -l <"$T/cursors.members") over big's members (pages starting at entries 1..$((TOTAL_BIG - PAGE + 1))), $(wc -l <"$T/cursors.orgs") over multi's orgs"
# every cursor gives a full page (admin): checked with curl, the reply sizes noted
bad=0; : >"$T/sizes"
while read -r c; do
  q="limit=$PAGE"; [ "$c" = - ] || q="$q&after=$c"
  st=$(api GET "/api/v1/orgs/big/members?$q"); n=$(count '"account_id":')
  if [ "$st" != 200 ] || [ "$n" -ne "$PAGE" ]; then bad=$((bad + 1)); fi
  wc -c <"$T/r.json" >>"$T/sizes"
done <"$T/cursors.members"
verdict "$([ "$bad" = 0 ] && echo 1)" "every member cursor gives HTTP 200 and $PAGE entries as the site admin ($bad did not); reply sizes $(sort -n "$T/sizes" | sed -n '1p;$p' | paste -sd- -) bytes"
bad=0
while read -r c; do
  q="limit=$PAGE"; [ "$c" = - ] || q="$q&after=$c"
  st=$(api GET "/api/v1/accounts/$MULTI/orgs?$q" "" "$MULTI_KEY"); n=$(count '"org_id":')
  if [ "$st" != 200 ] || [ "$n" -ne "$(want_page "$TOTAL_MULTI")" ]; then bad=$((bad + 1)); fi
done <"$T/cursors.orgs"
verdict "$([ "$bad" = 0 ] && echo 1)" "every cursor of multi's orgs gives HTTP 200 and $(want_page "$TOTAL_MULTI") entries ($bad did not)"

# One request of each wrk script, with curl.
read -r _ MID < <(sed -n 2p "$T/cursors.members.pos")
if [ "$MID" = - ]; then st=$(api GET "/api/v1/orgs/big/members?limit=$PAGE")
else st=$(api GET "/api/v1/orgs/big/members?limit=$PAGE&after=$MID"); fi
cp "$T/r.json" "$OUT/reply-members-admin.json"
n=$(count '"account_id":'); em=$(count '"email":')
verdict "$([ "$st" = 200 ] && [ "$n" -eq "$PAGE" ] && [ "$em" -eq "$PAGE" ] && echo 1)" \
  "page.lua as the site admin (the middle page): HTTP $st, $n entries, $em with an email, $(wc -c <"$T/r.json") bytes"
if [ "$MID" = - ]; then st=$(api GET "/api/v1/orgs/big/members?limit=$PAGE" "" "$READER_KEY")
else st=$(api GET "/api/v1/orgs/big/members?limit=$PAGE&after=$MID" "" "$READER_KEY"); fi
cp "$T/r.json" "$OUT/reply-members-reader.json"
n=$(count '"account_id":'); em=$(count '"email":')
verdict "$([ "$st" = 200 ] && [ "$n" -eq "$PAGE" ] && [ "$em" -eq 0 ] && echo 1)" \
  "page.lua as the reader (a member without view_emails; the middle page): HTTP $st, $n entries, $em with an email, $(wc -c <"$T/r.json") bytes"
read -r _ OMID < <(sed -n 2p "$T/cursors.orgs.pos")
if [ "$OMID" = - ]; then st=$(api GET "/api/v1/accounts/$MULTI/orgs?limit=$PAGE" "" "$MULTI_KEY")
else st=$(api GET "/api/v1/accounts/$MULTI/orgs?limit=$PAGE&after=$OMID" "" "$MULTI_KEY"); fi
cp "$T/r.json" "$OUT/reply-account-orgs.json"
verdict "$([ "$st" = 200 ] && [ "$(count '"org_id":')" -eq "$(want_page "$TOTAL_MULTI")" ] && echo 1)" \
  "page.lua as multi on its orgs (the middle page): HTTP $st, $(count '"org_id":') entries, $(wc -c <"$T/r.json") bytes"
sed 1d "$T/ids" >"$T/upsert.ids"  # all loaded accounts but the reader (and multi)
U1=$(head -1 "$T/upsert.ids")
st=$(api PUT "/api/v1/orgs/big/members/$U1" '{"role":"editor"}'); r1=$(count '"role":"editor"')
st2=$(api PUT "/api/v1/orgs/big/members/$U1" '{"role":"member"}'); r2=$(count '"role":"member"')
verdict "$([ "$st" = 200 ] && [ "$r1" = 1 ] && [ "$st2" = 200 ] && [ "$r2" = 1 ] && echo 1)" \
  "member_upsert.lua: PUT /api/v1/orgs/big/members/$U1 {role: editor} HTTP $st, then {role: member} HTTP $st2 (back as loaded)"
st=$(api POST /api/v1/orgs '{"name":"probe-create","title":"Bench"}')
verdict "$([ "$st" = 201 ] && echo 1)" "create_org.lua: POST /api/v1/orgs {name, title}: HTTP $st"
awk -v k=$(((MEMBERS + 999) / 1000)) '(NR - 1) % k == 0' "$T/ids" >"$T/check.ids"; echo "$MULTI" >>"$T/check.ids"
st=$(api POST /api/v1/check "{\"checks\":[{\"account\":\"$(head -1 "$T/check.ids")\",\"org\":\"big\",\"capability\":\"view_members\"}]}")
verdict "$([ "$st" = 200 ] && [ "$(cat "$T/r.json")" = '{"results":[true]}' ] && echo 1)" \
  "check.lua ($(wc -l <"$T/check.ids") accounts of big): HTTP $st, $(cat "$T/r.json")"

# --- 2. the wrk figures ---------------------------------------------------------
: >"$T/rows"; : >"$T/order"
fig() {  # NAME REF WHAT CONNS URL SCRIPT PIDS: run_wrk, the row kept as $T/row.NAME; REF: its reference
  local name=$1 ref=$2; shift 2
  run_wrk "$name" "$@"
  tail -1 "$T/rows" >"$T/row.$name"; echo "$name|$ref" >>"$T/order"
}
LP0=$(logpos)
ORGD_KEY=$KEY ACCOUNTS=$T/upsert.ids ORG=big fig upsert "" \
  "orgd member upsert PUT /api/v1/orgs/big/members/{account} (durable; role member<->editor over $(wc -l <"$T/upsert.ids") accounts)" \
  "$CONNS" "$B/api/v1/orgs/big/members" tools/bench/member_upsert.lua "$OPID"
LP1=$(logpos); REQS=$(grep -oE '[0-9]+ requests in' "$OUT/upsert.txt" | cut -d' ' -f1 || true)
note "member upserts: the log grew by $((LP1 - LP0)) events for ${REQS:-?} requests answered (one event per change: no upsert was a no-op if these match, give or take the requests in flight at the end)"
ORGD_KEY=$KEY SALT="m$RANDOM" fig post-org "" "orgd POST /api/v1/orgs (durable, a new org each)" \
  "$CONNS" "$B/api/v1/orgs" tools/bench/create_org.lua "$OPID"
rm -rf "$T/dbb"
db_bench --db="$T/dbb" --benchmarks=fillseq --sync=1 --num=5000 --value_size=300 --compression_type=none \
  >"$OUT/db_bench.txt" 2>&1 || true
rm -rf "$T/dbb"
DBB=$(awk '/^fillseq/{for(i=1;i<=NF;i++) if($i=="ops/sec") print $(i-1)}' "$OUT/db_bench.txt")
echo "db_bench fillseq --sync=1 --num=5000 --value_size=300, 1 writer (ops/s)|1|${DBB:-0}|||0||" >"$T/row.db_bench"
echo "db_bench|" >>"$T/order"; note "db_bench fillseq --sync=1: ${DBB:-failed} ops/s"

NCM=$(wc -l <"$T/cursors.members"); NCO=$(wc -l <"$T/cursors.orgs")
TOKEN=$KEY CURSORS=$T/cursors.members fig page-admin nginx-page \
  "orgd GET /api/v1/orgs/big/members?limit=$PAGE&after= (site admin, with emails; $NCM cursors, first to last page)" \
  "$CONNS" "$B/api/v1/orgs/big/members" tools/bench/page.lua "$OPID"
TOKEN=$READER_KEY CURSORS=$T/cursors.members fig page-member nginx-page \
  "orgd GET /api/v1/orgs/big/members?limit=$PAGE&after= (a plain member: no emails; $NCM cursors)" \
  "$CONNS" "$B/api/v1/orgs/big/members" tools/bench/page.lua "$OPID"
if [ "$POSITIONS" != 0 ]; then
  i=0
  for pos in first middle last; do
    i=$((i + 1)); read -r p c < <(sed -n "${i}p" "$T/cursors.members.pos"); echo "$c" >"$T/cursor.$pos"
    TOKEN=$KEY CURSORS=$T/cursor.$pos fig "page-$pos" nginx-page \
      "orgd GET /api/v1/orgs/big/members, the $pos page alone (site admin; entries $((p + 1))-$((p + PAGE)) of $TOTAL_BIG)" \
      "$CONNS" "$B/api/v1/orgs/big/members" tools/bench/page.lua "$OPID"
  done
fi
nginx_start "$OUT/reply-members-admin.json"
NGINX_A="$(wc -c <"$OUT/reply-members-admin.json") bytes, $NGINX_HOW"
verdict "$(curl -sf "http://127.0.0.1:$NPORT/members" | cmp -s - "$OUT/reply-members-admin.json" && echo 1)" \
  "nginx (a) replies the 100-member page's bytes ($NGINX_A)"
fig nginx-page "" "nginx fixed reply (a): the 100-member page ($NGINX_A; 2 workers)" \
  "$CONNS" "http://127.0.0.1:$NPORT/members" "" "$NGINX_PIDS"
nginx_stop
TOKEN=$MULTI_KEY CURSORS=$T/cursors.orgs fig account-orgs nginx-page \
  "orgd GET /api/v1/accounts/{multi}/orgs?limit=$PAGE&after= (its own key; $NCO cursor(s) over $TOTAL_MULTI orgs; reply $(wc -c <"$OUT/reply-account-orgs.json") bytes)" \
  "$CONNS" "$B/api/v1/accounts/$MULTI/orgs" tools/bench/page.lua "$OPID"
ORGD_KEY=$KEY ACCOUNTS=$T/check.ids ORG=big CAPABILITY=view_members fig check nginx-check \
  "orgd POST /api/v1/check, one check (site admin; $(wc -l <"$T/check.ids") accounts of big)" \
  "$CONNS" "$B/api/v1/check" tools/bench/check.lua "$OPID"
nginx_start "$OUT/reply-check.json"
NGINX_B="$(wc -c <"$OUT/reply-check.json") bytes, $NGINX_HOW"
verdict "$(curl -sf "http://127.0.0.1:$NPORT/check" | cmp -s - "$OUT/reply-check.json" && echo 1)" \
  "nginx (b) replies the check's bytes ($NGINX_B)"
fig nginx-check "" "nginx fixed reply (b): the check's reply ($NGINX_B; 2 workers)" \
  "$CONNS" "http://127.0.0.1:$NPORT/check" "" "$NGINX_PIDS"
nginx_stop

RSS_END=$(awk '/^VmRSS/{printf "%.0f", $2 / 1024}' "/proc/$OPID/status")
HWM_END=$(awk '/^VmHWM/{printf "%.0f", $2 / 1024}' "/proc/$OPID/status")
curl -sf "$B/metrics" >"$OUT/metrics.txt" || true
BATCH=$(awk '/^orgd_writer_batch_size_sum/{s=$2} /^orgd_writer_batch_size_count/{c=$2} END{if (c) printf "%.1f", s / c}' "$OUT/metrics.txt")
note "after the wrk runs: VmRSS $RSS_END MiB, VmHWM $HWM_END MiB; writer: ${BATCH:-?} commands per fsync'ed batch on average over the whole run"
kill "$OPID"; wait "$OPID" 2>/dev/null || true; rm -f "$T/orgd.pid"

# --- 3. the better-auth peer ------------------------------------------------------
PEER_NOTE=""
if [ "$PEER" != 0 ]; then
  STATE=${BETTER_AUTH_PEER_STATE:-${TMPDIR:-/tmp}/better-auth-peer}
  PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | tail -1 || true)
  pg_was_up=
  if [ -n "$PGBIN" ] && [ -d "$STATE/pg/data" ] &&
    su postgres -c "$PGBIN/pg_ctl -D '$STATE/pg/data' status" >/dev/null 2>&1; then pg_was_up=1; fi
  if [ ! -x "$PEER_DIR/setup.sh" ] || [ ! -x "$PEER_DIR/bench.sh" ]; then
    PEER_NOTE="skipped: no peer at $PEER_DIR"
  elif ! timeout 900 "$PEER_DIR/setup.sh" >"$OUT/peer-setup.txt" 2>&1; then
    PEER_NOTE="skipped: its setup.sh failed (see peer-setup.txt): $(tail -1 "$OUT/peer-setup.txt")"
    if [ -z "$pg_was_up" ]; then PG_STARTED=1; fi  # it may have started PostgreSQL before failing
  else
    if [ -z "$pg_was_up" ]; then PG_STARTED=1; fi
    note "peer: $(tail -1 "$OUT/peer-setup.txt"); running its bench.sh (WS=1 D=$D C=$CONNS)"
    rc=0
    WS=1 D=$D C=$CONNS PORT=$PEER_PORT timeout 1800 "$PEER_DIR/bench.sh" >"$OUT/peer.md" 2>"$OUT/peer-checks.txt" || rc=$?
    if [ "$rc" != 0 ]; then PEER_NOTE="its bench.sh exited with status $rc (see peer.md, peer-checks.txt)"; fi
    nf=$(grep -c 'CHECK FAILED' "$OUT/peer-checks.txt" || true)
    if [ "$nf" -gt 0 ]; then PEER_NOTE="${PEER_NOTE:+$PEER_NOTE; }$nf of its curl checks FAILED (peer-checks.txt)"; fi
    sed 's/^/peer: /' "$OUT/peer-checks.txt" >>"$OUT/notes.txt"
  fi
  if [ -n "$PEER_NOTE" ]; then note "peer: $PEER_NOTE"; fi
fi

# --- the summary ------------------------------------------------------------------
rate_of() {  # NAME: its req/s; nothing when the run is void (non-2xx, no reply) or missing
  [ -f "$T/row.$1" ] && awk -F'|' '$6 == 0 && $3 > 0 {print $3}' "$T/row.$1" || true
}
ratio() {  # A B: A / B; VOID when either is missing
  if [ -z "$1" ] || [ -z "$2" ]; then echo VOID; else awk -v a="$1" -v b="$2" 'BEGIN{printf "%.2f", a / b}'; fi
}
to_ms() {  # a wrk latency (512.00us, 1.20ms, 1.01s) in ms
  awk -v v="$1" 'BEGIN{ if (v ~ /us$/) printf "%.3f", v / 1000; else if (v ~ /ms$/) printf "%.3f", v + 0;
    else if (v ~ /s$/) printf "%.3f", v * 1000; else print "" }'
}
atleast() {  # RATIO GOAL: met / not met
  if [ "$1" = VOID ] || [ -z "$1" ]; then echo "VOID"
  else awk -v r="$1" -v g="$2" 'BEGIN{print (r >= g) ? "met" : "**not met**"}'; fi
}
p99_of() { [ -f "$T/row.$1" ] && awk -F'|' '{print $5}' "$T/row.$1" || true; }
peer_row() { [ -f "$OUT/peer.md" ] && grep -F -- "$1" "$OUT/peer.md" | grep -F -- "${2:-|}" | head -1 || true; }
peer_rate() {  # a peer table row: its req/s; nothing when it had non-2xx replies
  [ -n "$1" ] && echo "$1" | awk -F'|' '{r = $3; b = $6; gsub(/ /, "", r); gsub(/ /, "", b); if (b == 0 && r > 0) print r}' || true
}
R_UP=$(rate_of upsert); R_POST=$(rate_of post-org); R_DBB=${DBB:-}
R_NA=$(rate_of nginx-page); R_NB=$(rate_of nginx-check)
INV_ROW=$(peer_row "invite-member"); GF_ROW=$(peer_row "get-full-org, 1,000-member org" "default cap")
R_INV=$(peer_rate "$INV_ROW"); R_GF=$(peer_rate "$GF_ROW")
ratio_text() {  # NAME REF: the ratio column of a row
  case $1 in
    upsert) echo "$(ratio "$R_UP" "$R_POST") × POST /orgs; $(ratio "$R_UP" "$R_DBB") × db_bench" ;;
    post-org) echo "$(ratio "$R_POST" "$R_DBB") × db_bench" ;;
    db_bench) echo "reference (writes)" ;;
    nginx-page) echo "reference (a)" ;;
    nginx-check) echo "reference (b)" ;;
    *) case $2 in
         nginx-page) echo "$(ratio "$(rate_of "$1")" "$R_NA") × nginx (a)" ;;
         nginx-check) echo "$(ratio "$(rate_of "$1")" "$R_NB") × nginx (b)" ;;
         *) echo "" ;;
       esac ;;
  esac
}
{
  echo "# orgd members benchmark $(date -u +%Y-%m-%dT%H:%MZ)"
  echo
  echo "$MEMBERS accounts in org big (+ multi: $TOTAL_BIG members), multi in $TOTAL_MULTI orgs; $(nproc) cores;" \
       "wrk -t1 -c$CONNS -d$D --latency, one run each; $BIN_INFO."
  echo "Load before the run: $(head -1 "$OUT/top-before.txt" | sed 's/.*load average/load average/')"
  if [ "$NEWER" -gt 0 ]; then echo; echo "**WARNING: $NEWER source files are newer than the binary (stale build?).**"; fi
  if [ "$FAILED" -gt 0 ]; then echo; echo "**$FAILED check(s) before timing FAILED: see notes.txt.**"; fi
  echo
  echo "| loading (as the site admin, through the API) | seconds | rate | orgd CPU |"
  echo "|---|---|---|---|"
  while IFS='|' read -r what s rate cpu; do echo "| $what | $s | $rate | $cpu |"; done <"$T/loads"
  echo "| all of it, with the keys | $LOAD_S | | |"
  echo "| orgd VmRSS after loading / after the wrk runs (VmHWM) | $RSS_LOADED MiB / $RSS_END MiB ($HWM_END MiB) | | |"
  echo "| store on disk after loading | $STORE MiB | | |"
  echo
  echo "| what | conns | req/s | p50 | p99 | ratio | non-2xx | CPU (of one core) |"
  echo "|---|---|---|---|---|---|---|---|"
  while IFS='|' read -r name ref; do
    IFS='|' read -r what c r p50 p99 bad se cpu <"$T/row.$name"
    v=""
    if [ "$bad" != 0 ]; then v=" **VOID**"; fi
    if [ "$r" = 0 ]; then v=" **VOID** (no reply: see $name.txt)"; fi
    if [ -n "$se" ]; then v="$v (socket errors: $se)"; fi
    echo "| $what$v | $c | $r | $p50 | $p99 | $(ratio_text "$name" "$ref") | $bad | $cpu |"
  done <"$T/order"
  echo
  echo "nginx (a): $NGINX_A, the site admin's middle page; the plain member's page is $(wc -c <"$OUT/reply-members-reader.json") bytes," \
       "a page of multi's orgs $(wc -c <"$OUT/reply-account-orgs.json") bytes (both compared with (a)). nginx (b): $NGINX_B."
  echo
  echo "| goal | measured | |"
  echo "|---|---|---|"
  echo "| member upserts beside POST /orgs and db_bench sync=1 (64 conns) | $(ratio "$R_UP" "$R_POST") × POST /orgs, $(ratio "$R_UP" "$R_DBB") × db_bench (POST /orgs: $(ratio "$R_POST" "$R_DBB") × db_bench) | report |"
  declare -A LABEL=([page-admin]="page of 100 members, site admin, rotating over $NCM cursors"
    [page-member]="page of 100 members, a plain member (no emails), rotating over $NCM cursors"
    [page-first]="the first page alone" [page-middle]="the middle page alone" [page-last]="the last page alone"
    [account-orgs]="page of multi's orgs, its own key, rotating over $NCO cursor(s)")
  for n in page-admin page-member page-first page-middle page-last account-orgs; do
    [ -f "$T/row.$n" ] || continue
    rt=$(ratio "$(rate_of "$n")" "$R_NA")
    echo "| ${LABEL[$n]} ≥ 0.5 × nginx (a) | $rt | $(atleast "$rt" 0.5) |"
  done
  rt=$(ratio "$(rate_of check)" "$R_NB"); p99=$(p99_of check); p99ms=$(to_ms "$p99")
  met=$(atleast "$rt" 0.7)
  if [ "$met" = met ] && ! awk -v p="$p99ms" 'BEGIN{exit !(p != "" && p < 1)}'; then met="**not met** (p99)"; fi
  echo "| check ≥ 0.7 × nginx (b), p99 < 1 ms | $rt, p99 $p99 | $met |"
  if [ -f "$OUT/peer.md" ]; then
    rt=$(ratio "$R_UP" "$R_INV")
    echo "| member upsert ≥ 100 × the peer's invite-member | $rt (${R_INV:-VOID}/s) | $(atleast "$rt" 100) |"
    rt=$(ratio "$(rate_of page-admin)" "$R_GF")
    echo "| member page (site admin) ≥ 100 × the peer's get-full-organization, 1,000-member org (100 members, default cap) | $rt (${R_GF:-VOID}/s) | $(atleast "$rt" 100) |"
  else
    echo "| ≥ 100 × the peer (invite-member; get-full-organization) | not measured: ${PEER_NOTE:-PEER=0} | |"
  fi
  if [ -f "$OUT/peer.md" ]; then
    echo
    echo "The peer (better-auth + organization plugin on PostgreSQL, 1 Node process; its bench.sh WS=1," \
         "run after orgd stopped, with its own nginx and db_bench)${PEER_NOTE:+ — $PEER_NOTE}:"
    echo
    cat "$OUT/peer.md"
  fi
  echo
  echo "Goals: member upserts reported beside POST /orgs and db_bench sync=1; member pages and the account's orgs" \
       "≥ 0.5 × nginx of the page's size, whatever the page's position; check ≥ 0.7 × nginx with p99 < 1 ms;" \
       "≥ 100 × the peer. A row with non-2xx replies is VOID, and so is every ratio using it."
} | tee "$OUT/summary.md"
