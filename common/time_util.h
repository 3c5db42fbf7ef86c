// Wall-clock helpers. Thread-safe.
#pragma once

#include <cstdint>
#include <string>

namespace orgd {

// Milliseconds since the Unix epoch.
int64_t NowMs();

// "2026-11-23T09:33:47.123Z"
std::string FormatIsoMs(int64_t ms);

// Parses "2026-11-23T09:33:47Z", with optional ".mmm" and "+00:00"; false when malformed.
bool ParseIsoMs(const std::string& s, int64_t* ms);

}  // namespace orgd
