#include "tests/fuzz/fuzz_targets.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

// Replays, through the same functions the fuzzers call, each target's seed
// corpus (tests/fuzz/corpus/<target>/) and every input that once made it fail
// (tests/fuzz/regressions/<target>/). A violated property or a sanitizer
// report aborts the test binary, so ctest reports the test as failed; the
// file being replayed is printed first.

namespace orgd::fuzz {
namespace {

namespace fs = std::filesystem;

// The files of tests/fuzz/<kind>/<target>/, sorted; none when it is absent.
std::vector<fs::path> InputsOf(std::string_view kind, std::string_view target) {
  fs::path dir = fs::path(ORGD_FUZZ_DIR) / kind / target;
  std::vector<fs::path> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.is_regular_file()) out.push_back(entry.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string Contents(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void Replay(const Target& target, const std::vector<fs::path>& inputs) {
  for (const fs::path& input : inputs) {
    std::fprintf(stderr, "replaying %s\n", input.c_str());
    target.run(Contents(input));
  }
}

class FuzzReplayTest : public ::testing::TestWithParam<Target> {};

TEST_P(FuzzReplayTest, SeedCorpusPassesEveryProperty) {
  std::vector<fs::path> seeds = InputsOf("corpus", GetParam().name);
  ASSERT_FALSE(seeds.empty()) << "every target has a seed corpus";
  Replay(GetParam(), seeds);
}

TEST_P(FuzzReplayTest, EveryInputThatOnceFailedNowPasses) {
  Replay(GetParam(), InputsOf("regressions", GetParam().name));
}

INSTANTIATE_TEST_SUITE_P(Targets, FuzzReplayTest,
                         ::testing::ValuesIn(Targets().begin(), Targets().end()),
                         [](const ::testing::TestParamInfo<Target>& info) {
                           return std::string(info.param.name);
                         });

}  // namespace
}  // namespace orgd::fuzz
