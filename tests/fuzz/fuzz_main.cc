// libFuzzer's entry point for one target, chosen when the fuzzer is built:
// ORGD_FUZZ_TARGET names it (tests/fuzz/fuzz.cmake builds one fuzzer per
// target from this file).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "tests/fuzz/fuzz_targets.h"

#ifndef ORGD_FUZZ_TARGET
#error "ORGD_FUZZ_TARGET must name a target of tests/fuzz/fuzz_targets.h"
#endif

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const orgd::fuzz::Target* const target = orgd::fuzz::FindTarget(ORGD_FUZZ_TARGET);
  orgd::fuzz::Expect(target != nullptr, "ORGD_FUZZ_TARGET names a target", ORGD_FUZZ_TARGET);
  target->run(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
