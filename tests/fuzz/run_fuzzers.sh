#!/usr/bin/env bash
# Runs orgd's libFuzzer targets for a bounded time each, one after the other,
# each on a scratch copy of its seed corpus: the corpora in the repository are
# never written. Build the fuzzers first (docs/reliability.md, "Fuzzing").
#
#   tests/fuzz/run_fuzzers.sh [BUILD_DIR]    (default: build-fuzz)
#
# Environment: FUZZ_SECONDS per target (default 60); FUZZ_TARGETS, a
# space-separated subset of "request native_body envelope authorization";
# FUZZ_KEEP=DIR keeps the grown corpora, the logs and any failing input in DIR.
#
# Stops with a non-zero status at the first target that finds a crash, a leak,
# undefined behaviour, a violated property or an input slower than 10 s,
# printing the end of its log and where the failing input was saved.
set -euo pipefail

cd "$(dirname "$0")/../.."
ROOT=$(pwd)
BUILD=${1:-build-fuzz}
SECONDS_EACH=${FUZZ_SECONDS:-60}
read -r -a TARGETS <<<"${FUZZ_TARGETS:-request native_body envelope authorization}"

if [ -n "${FUZZ_KEEP:-}" ]; then
  WORK=$FUZZ_KEEP
  mkdir -p "$WORK"
else
  WORK=$(mktemp -d "${TMPDIR:-/tmp}/orgd-fuzz.XXXXXX")
  trap 'rm -rf "$WORK"' EXIT
fi

# Debian's llvm-14 installs llvm-symbolizer, which the reports use for
# function names and lines, outside PATH.
[ -x /usr/lib/llvm-14/bin/llvm-symbolizer ] && export PATH=$PATH:/usr/lib/llvm-14/bin
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:strict_string_checks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

for t in "${TARGETS[@]}"; do
  fuzzer=$BUILD/fuzz_$t
  [ -x "$fuzzer" ] || { echo "no $fuzzer: build it with 'ninja -C $BUILD fuzzers'" >&2; exit 2; }
  corpus=$WORK/corpus/$t
  artifacts=$WORK/artifacts/$t
  mkdir -p "$corpus" "$artifacts" "$WORK/tmp/$t"
  cp -R "$ROOT/tests/fuzz/corpus/$t/." "$corpus/"
  options=(-max_total_time="$SECONDS_EACH" -timeout=10 -print_final_stats=1
           -artifact_prefix="$artifacts/")
  [ -f "$ROOT/tests/fuzz/$t.dict" ] && options+=(-dict="$ROOT/tests/fuzz/$t.dict")
  echo "== fuzz_$t: $SECONDS_EACH s on $(ls "$corpus" | wc -l) seeds"
  start=$(date +%s)
  # The request target's store lives under TMPDIR, inside the scratch area.
  if ! TMPDIR=$WORK/tmp/$t "$fuzzer" "${options[@]}" "$corpus" >"$WORK/$t.log" 2>&1; then
    tail -n 80 "$WORK/$t.log"
    # Keep the evidence, even when the scratch area would be removed.
    saved=$(mktemp -d "${TMPDIR:-/tmp}/orgd-fuzz-failure.XXXXXX")
    cp -R "$artifacts/." "$WORK/$t.log" "$saved/"
    echo "fuzz_$t FAILED; failing input and log in $saved" >&2
    echo "add the input to tests/fuzz/regressions/$t/ once the cause is fixed" >&2
    exit 1
  fi
  # libFuzzer's last status line: "#N DONE cov: C ft: F corp: U/S lim: L exec/s: E rss: R"
  grep -E '^#[0-9]+[[:space:]]+DONE' "$WORK/$t.log" | tail -n 1 | sed 's/^/   /'
  grep -E '^stat::(number_of_executed_units|average_exec_per_sec|new_units_added|peak_rss_mb)' \
    "$WORK/$t.log" | sed 's/^/   /'
  echo "   $(($(date +%s) - start)) s; load average $(cut -d' ' -f1-3 /proc/loadavg)"
done
echo "== fuzzing: no failures in ${#TARGETS[@]} targets"
