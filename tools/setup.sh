#!/usr/bin/env bash
# orgd's one entry point for a fresh Debian 12 machine.
#
#   tools/setup.sh run     install what is missing, build, serve on ./data
#   tools/setup.sh test    install what is missing, build, run every test
#   tools/setup.sh deps    only install the build and test dependencies
#   tools/setup.sh build   only build (Release-with-debug-info, in ./build)
#
# Environment: ORGD_LISTEN (default 127.0.0.1:8080), ORGD_DATA (default ./data),
# ORGD_ADMIN_KEY (first start only), JOBS (default: cores), FUZZ_SECONDS (test:
# each fuzz target's run, default 30).
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
JOBS=${JOBS:-$(nproc)}

# Build and test dependencies, all from Debian 12's own archive.
PACKAGES=(
  g++ cmake ninja-build ccache pkg-config
  libboost1.81-dev librocksdb-dev nlohmann-json3-dev libspdlog-dev
  libsodium-dev libssl-dev libgtest-dev libgmock-dev libbenchmark-dev libroaring-dev
)
# For the clang stage of `test` only (the -Wthread-safety build and the
# fuzzers): clang, its libFuzzer and sanitizer runtimes, and llvm-symbolizer
# for readable reports.
FUZZ_PACKAGES=(clang libclang-rt-14-dev llvm-14)

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

install_packages() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "== installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get install -y --no-install-recommends "${missing[@]}" ||
    { as_root apt-get update && as_root apt-get install -y --no-install-recommends "${missing[@]}"; }
}

# build DIR [cmake options...] [-- targets...]  (no targets: everything)
build() {
  local dir=$1 opts=() targets=()
  shift
  while [ $# -gt 0 ] && [ "$1" != -- ]; do opts+=("$1"); shift; done
  [ $# -gt 0 ] && shift && targets=("$@")
  cmake -S "$ROOT" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "${opts[@]}" >/dev/null
  ninja -C "$dir" -j "$JOBS" "${targets[@]}"
}

# The test programs (ninja targets) of the tests matching REGEX, as the
# normal build in ./build lists them (run after its tests).
tsan_targets() {
  ctest --test-dir build -N -R "$1" --show-only=json-v1 | tr -d '\n ' |
    grep -o '"command":\["[^"]*"' | sed 's|.*/||; s|"$||' | sort -u
}

cmd=${1:-}
case "$cmd" in
  deps)
    install_packages "${PACKAGES[@]}"
    ;;
  build)
    install_packages "${PACKAGES[@]}"
    build build -DORGD_BUILD_TESTS=ON
    ;;
  run)
    install_packages "${PACKAGES[@]}"
    build build -DORGD_BUILD_TESTS=OFF
    exec ./build/orgd serve --data "${ORGD_DATA:-./data}" --listen "${ORGD_LISTEN:-127.0.0.1:8080}"
    ;;
  test)
    install_packages "${PACKAGES[@]}"
    echo "== tests"
    build build -DORGD_BUILD_TESTS=ON -DORGD_BUILD_BENCHMARKS=ON
    ctest --test-dir build --output-on-failure -j "$JOBS"
    echo "== tests under AddressSanitizer + UndefinedBehaviorSanitizer"
    build build-asan -DORGD_BUILD_TESTS=ON -DORGD_WITH_ASAN=ON
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1 \
      UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
      ctest --test-dir build-asan --output-on-failure -j "$JOBS"
    echo "== writer, storage and HTTP tests under ThreadSanitizer"
    TSAN_TESTS='Writer|EventLog|Server|Api|ConnectionLimit|IdleTimeout|StorageFault|DiskFull|InProcessBackup|WorkPool|SignInLimiter|UserSearch|SignIn|Accounts|CredentialCache|MembersTest'
    # Only the test programs holding those tests (as the normal build lists
    # them), plus orgd for the tests that start it: the stage stays bounded
    # as the suite grows.
    mapfile -t TSAN_TARGETS < <(tsan_targets "$TSAN_TESTS")
    build build-tsan -DORGD_BUILD_TESTS=ON -DORGD_WITH_TSAN=ON -- orgd orgd-replay orgd-rebuild \
      "${TSAN_TARGETS[@]}"
    TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1:suppressions=$ROOT/tests/tsan.supp \
      ctest --test-dir build-tsan --output-on-failure -j "$JOBS" -R "$TSAN_TESTS"
    echo "== clang build (-Wthread-safety -Werror) and fuzzing (${FUZZ_SECONDS:-30} s per target under ASan+UBSan)"
    install_packages "${FUZZ_PACKAGES[@]}"
    # Every library and executable, not only the fuzzers, so that clang's
    # -Wthread-safety checks all of orgd's code (docs/reliability.md).
    cmake -S "$ROOT" -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DCMAKE_CXX_COMPILER=clang++ -DORGD_FUZZ=ON -DORGD_BUILD_TESTS=OFF >/dev/null
    ninja -C build-fuzz -j "$JOBS"
    # 30 s each keeps the whole run within CI's hour on 2 cores; longer runs by hand.
    FUZZ_SECONDS=${FUZZ_SECONDS:-30} tests/fuzz/run_fuzzers.sh build-fuzz
    ;;
  *)
    sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'
    [ "$cmd" = "-h" ] || [ "$cmd" = "--help" ]
    ;;
esac
