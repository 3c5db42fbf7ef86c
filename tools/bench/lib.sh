# Shell functions shared by the benchmark scripts in tools/bench/ (sourced, not
# run): notes, CPU accounting, one wrk run as a table row, nginx's fixed reply.
#
# The sourcing script sets, before calling them:
#   OUT  the directory of raw outputs (notes.txt, NAME.txt, NAME.top)
#   T    a scratch directory (rows, wrk.time, nginx.conf, nginx.pid)
#   D    wrk's duration, e.g. 8s
#   NPORT  the port nginx listens on (nginx_start)

note() { echo "# $(date -u +%T) $*" | tee -a "$OUT/notes.txt" >&2; }

# CPU seconds used so far by the processes PIDS (utime + stime of /proc/PID/stat).
cpu_s() {
  local t=0 p v
  for p in "$@"; do
    v=$(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0); t=$((t + v))
  done
  awk -v t="$t" -v hz="$(getconf CLK_TCK)" 'BEGIN{printf "%.2f", t / hz}'
}
pct() { awk -v a="$1" -v b="$2" -v w="$3" 'BEGIN{printf "%.0f%%", 100 * (b - a) / w}'; }
now_s() { date +%s.%N; }

# run_wrk NAME WHAT CONNS URL SCRIPT "PIDS of the server" — one wrk run, its raw
# output in $OUT/NAME.txt, a top snapshot halfway in $OUT/NAME.top, and a row
# in $T/rows: what|conns|req/s|p50|p99|non2xx|socket errors|cpu note.
run_wrk() {
  local name=$1 what=$2 c=$3 url=$4 script=$5 pids=$6
  local secs=${D%s} a b t0 t1 wp wcpu
  a=$(cpu_s $pids); t0=$(now_s)
  TIMEFORMAT='%U %S'
  { time timeout $((secs + 60)) wrk -t1 -c"$c" -d"$D" --latency ${script:+-s "$script"} "$url" \
      >"$OUT/$name.txt" 2>&1 ; } 2>"$T/wrk.time" &
  wp=$!
  sleep $((secs / 2)); top -b -n2 -d1 -w 200 | awk '/^top -/{n++} n==2' | head -25 >"$OUT/$name.top" || true
  wait $wp || true
  t1=$(now_s); b=$(cpu_s $pids)
  wcpu=$(awk -v w="$(awk -v a="$t0" -v b="$t1" 'BEGIN{print b - a}')" '{printf "%.0f%%", 100 * ($1 + $2) / w}' "$T/wrk.time")
  local server; server=$(pct "$a" "$b" "$(awk -v a="$t0" -v b="$t1" 'BEGIN{print b - a}')")
  awk -v w="$what" -v c="$c" -v cpu="server $server, wrk $wcpu" '
    /Requests\/sec/{r=$2} /^ +50%/{p50=$2} /^ +99%/{p99=$2} /Non-2xx/{bad=$NF}
    /Socket errors/{se=$0; sub(/^ *Socket errors: */, "", se)}
    END{printf "%s|%s|%.0f|%s|%s|%d|%s|%s\n", w, c, r, p50, p99, bad+0, se, cpu}' \
    "$OUT/$name.txt" | tee -a "$T/rows" >/dev/null
  note "$(tail -1 "$T/rows")"
}

# nginx_start BODYFILE — nginx (2 workers, access log off) on 127.0.0.1:$NPORT
# answering every request with the bytes of BODYFILE as application/json; sets
# NGINX_PIDS (its workers, for run_wrk) and NGINX_HOW (how the body is served).
# Keep-alive connections are never closed (keepalive_requests: nginx 1.22 closes
# one after 1,000 requests by default, orgd does not). A body that fits in one
# config parameter (nginx refuses one over 4 KiB) is a `return 200 '...'`; a
# larger one is a static file, kept open (open_file_cache).
nginx_start() {
  local file=$1 BODY
  if [ "$(wc -c <"$file")" -le 3500 ]; then
    BODY=$(sed "s/'/\\\\'/g" "$file")
    NGINX_HOW="return 200 '<body>'"
    cat >"$T/nginx.conf" <<NG
worker_processes 2; pid $T/nginx.pid; error_log $T/nginx.err; daemon on;
events { worker_connections 4096; }
http { access_log off; keepalive_requests 1000000; server { listen 127.0.0.1:$NPORT; location / { default_type application/json;
  return 200 '$BODY'; } } }
NG
  else
    # in a directory nginx's workers (user nobody when started as root) can read; $T is 0700
    local www; www=$(mktemp -d "${TMPDIR:-/tmp}/nginx-body.XXXXXX"); echo "$www" >"$T/nginx-www"
    cp "$file" "$www/body.json"; chmod 755 "$www"; chmod 644 "$www/body.json"
    NGINX_HOW="a static file, open_file_cache"
    cat >"$T/nginx.conf" <<NG
worker_processes 2; pid $T/nginx.pid; error_log $T/nginx.err; daemon on;
events { worker_connections 4096; }
http { access_log off; keepalive_requests 1000000; open_file_cache max=16 inactive=3600s; open_file_cache_valid 3600s;
  server { listen 127.0.0.1:$NPORT; root $www; location / { default_type application/json;
  try_files /body.json =404; } } }
NG
  fi
  nginx -c "$T/nginx.conf"; sleep 0.5
  NGINX_PIDS=$(pgrep -P "$(cat "$T/nginx.pid")" | tr '\n' ' ')
}

# nginx_stop — stops the nginx of nginx_start and waits (up to 5 s) until it is gone.
nginx_stop() {
  local p; p=$(cat "$T/nginx.pid")
  kill "$p"; rm -f "$T/nginx.pid"
  for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
  nginx_clean
}
# nginx_clean — removes the static body of nginx_start, if any (also for a cleanup trap).
nginx_clean() {
  if [ -f "$T/nginx-www" ]; then rm -rf "$(cat "$T/nginx-www")"; rm -f "$T/nginx-www"; fi
}
