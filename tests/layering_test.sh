#!/usr/bin/env bash
# The layers' include rules (docs/architecture.md), checked on the sources:
#   storage/ includes nothing from src/;
#   only the composition root (src/http/service.cc) in src/http includes storage/;
#   no header outside storage/ names a rocksdb type, and no file outside
#   storage/ includes a RocksDB header (tests aside);
#   events include no projections, commands, queries or http; projections no
#   commands, queries or http; commands and queries no http.
# Prints each violation and exits 1 when there is one.
set -uo pipefail
cd "$(dirname "$0")/.."
bad=0
violation() { echo "layering: $*"; bad=1; }
includes() {  # includes DIR PATTERN: file:line of each matching #include
  grep -rnE "^#include [\"<]($2)" "$1" --include='*.h' --include='*.cc' 2>/dev/null
}

while read -r hit; do [ -n "$hit" ] && violation "storage includes src/: $hit"; done < <(includes storage 'src/')
while read -r hit; do
  [ -z "$hit" ] && continue
  case "$hit" in src/http/service.cc:*) ;; *) violation "src/http includes storage/ outside the composition root: $hit" ;; esac
done < <(includes src/http 'storage/')
while read -r hit; do [ -n "$hit" ] && violation "a header outside storage names rocksdb: $hit"; done \
  < <(grep -rn 'rocksdb::' src common --include='*.h')
while read -r hit; do [ -n "$hit" ] && violation "RocksDB header outside storage: $hit"; done \
  < <(includes src 'rocksdb/'; includes common 'rocksdb/'; includes tools 'rocksdb/')
while read -r hit; do [ -n "$hit" ] && violation "events reach up: $hit"; done \
  < <(includes src/events 'src/(projections|commands|queries|http)/')
while read -r hit; do [ -n "$hit" ] && violation "projections reach up: $hit"; done \
  < <(includes src/projections 'src/(commands|queries|http)/')
while read -r hit; do [ -n "$hit" ] && violation "commands reach up: $hit"; done \
  < <(includes src/commands 'src/(queries|http)/')
while read -r hit; do [ -n "$hit" ] && violation "queries reach up: $hit"; done \
  < <(includes src/queries 'src/(commands|http)/')
while read -r hit; do [ -n "$hit" ] && violation "common reaches up: $hit"; done \
  < <(includes common 'src/|storage/')

if [ "$bad" = 0 ]; then echo "layering: OK"; fi
exit "$bad"
