#!/usr/bin/env bash
# The compat adapters' hot reads beside the native route they translate to,
# with the same wrk settings, alternating, RUNS times (../shared/BENCHMARKING.md):
# CoCalc's org.get (POST /api/conat/hub) against GET /api/v1/orgs/{org}, as the
# same site-admin account's API key.
#
#   tools/bench/compat_bench.sh        # RUNS=3 D=8s CONNS=64 ADMINS=5 MEMBERS=1000 BUILD=build
#
# Expects $BUILD/orgd. The org has ADMINS admins (org.get lists them) among
# MEMBERS members. Prints a markdown table and the ratio of the medians.
set -euo pipefail
export LC_ALL=C
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
RUNS=${RUNS:-3}; D=${D:-8s}; CONNS=${CONNS:-64}; ADMINS=${ADMINS:-5}; MEMBERS=${MEMBERS:-1000}
BUILD=${BUILD:-build}; PORT=${PORT:-18700}
ORGD=$ROOT/$BUILD/orgd
[ -x "$ORGD" ] || { echo "missing $ORGD: build it first (ninja -C $BUILD orgd)" >&2; exit 2; }
command -v wrk >/dev/null || { DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends wrk >/dev/null; }
T=$(mktemp -d "$ROOT/.bench.XXXXXX")
cleanup() { [ -f "$T/orgd.pid" ] && kill "$(cat "$T/orgd.pid")" 2>/dev/null; sleep 0.5; rm -rf "$T"; }
trap cleanup EXIT
SITE=sk-compatbenchcompatbenchcompat01
B=http://127.0.0.1:$PORT
ORGD_ADMIN_KEY=$SITE ORGD_LOG_LEVEL=warn "$ORGD" serve --data "$T/data" --listen 127.0.0.1:$PORT >"$T/orgd.log" 2>&1 &
echo $! >"$T/orgd.pid"
for _ in $(seq 100); do curl -sf -o /dev/null "$B/healthz" && break; sleep 0.1; done
json_field() { sed -n "s/.*\"$1\":\"\\([^\"]*\\)\".*/\\1/p"; }
post() { curl -sf -X POST -H "Authorization: Bearer $SITE" -H 'Content-Type: application/json' --data-binary "$2" "$B$1"; }
ROOT_ID=$(post /api/v1/accounts '{"email":"root@bench.example","first_name":"Root","site_admin":true}' | json_field id)
KEY=$(post "/api/v1/accounts/$ROOT_ID/keys" '{"name":"compat bench"}' | json_field key)
post /api/v1/orgs '{"name":"acme","title":"Acme","description":"The org both routes read"}' >/dev/null
awk -v n="$MEMBERS" 'BEGIN{printf "{\"accounts\":["; for (i = 0; i < n; i++) printf "%s{\"email\":\"u%d@bench.example\",\"first_name\":\"U\",\"last_name\":\"N%d\"}", (i ? "," : ""), i, i; print "]}"}' >"$T/accounts.json"
post /api/v1/accounts:batch "@$T/accounts.json" | grep -o '"id":"[^"]*"' | cut -d'"' -f4 >"$T/ids"
awk 'BEGIN{printf "{\"orgs\":[\"acme\"],\"users\":["} {printf "%s\"%s\"", (NR > 1 ? "," : ""), $0} END{print "],\"role\":\"member\"}"}' "$T/ids" >"$T/batch.json"
post /api/v1/memberships:batch "@$T/batch.json" >/dev/null
head -"$ADMINS" "$T/ids" | while read -r id; do
  curl -sf -X PUT -H "Authorization: Bearer $SITE" -d '{"role":"admin"}' "$B/api/v1/orgs/acme/members/$id" >/dev/null
done
export AUTH="Basic $(printf '%s:' "$KEY" | base64 -w0)" BODY='{"name":"org.get","args":[{"name":"acme"}]}' ORGD_KEY=$KEY
HUB=$(curl -s -X POST -H "Authorization: $AUTH" --data-binary "$BODY" "$B/api/conat/hub")
NATIVE=$(curl -s -H "Authorization: Bearer $KEY" "$B/api/v1/orgs/acme")
echo "# org.get: $HUB"
echo "# native:  $NATIVE"
[ "$(echo "$HUB" | grep -o '"admin_account_ids":\[[^]]*\]' | tr ',' '\n' | grep -c '-')" -eq "$ADMINS" ] ||
  { echo "org.get does not list $ADMINS admins" >&2; exit 1; }
rate() { awk '/Requests\/sec/{print $2}' "$1"; }
echo "| run | GET /api/v1/orgs/acme (req/s) | CoCalc org.get (req/s) | ratio |"
echo "|---|---|---|---|"
: >"$T/ratios"
for r in $(seq "$RUNS"); do
  timeout 120 wrk -t1 -c"$CONNS" -d"$D" --latency -s tools/bench/get_org.lua "$B/api/v1/orgs/acme" >"$T/n.txt"
  timeout 120 wrk -t1 -c"$CONNS" -d"$D" --latency -s tools/bench/hub_call.lua "$B/api/conat/hub" >"$T/h.txt"
  for f in n h; do grep -q Non-2xx "$T/$f.txt" && { echo "run $r: non-2xx replies ($f)" >&2; exit 1; }; done
  n=$(rate "$T/n.txt"); h=$(rate "$T/h.txt")
  ratio=$(awk -v a="$h" -v b="$n" 'BEGIN{printf "%.2f", a / b}'); echo "$ratio" >>"$T/ratios"
  echo "| $r | $n | $h | $ratio |"
done
echo "median ratio (org.get / native), wrk -t1 -c$CONNS -d$D, $ADMINS admins among $MEMBERS members: $(sort -n "$T/ratios" | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'); spread $(sort -n "$T/ratios" | sed -n '1p;$p' | paste -sd- -)"
