// Key encodings of the storage layer. These layouts are written to disk and
// should not be changed; docs/storage.md describes them in prose.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace orgd::storage {

// Column family names. These names are written to disk and should not be changed.
inline constexpr char kLogCf[] = "log";                 // position -> event record
inline constexpr char kStreamsCf[] = "streams";         // stream heads and stream index
inline constexpr char kIdempotencyCf[] = "idempotency"; // scope\0key -> first result

// 8-byte big-endian, so byte order is numeric order.
std::string EncodeBE64(uint64_t v);
void AppendBE64(std::string* out, uint64_t v);
// REQUIRES: s.size() >= 8
uint64_t DecodeBE64(std::string_view s);

// streams CF: "<stream>" -> BE64 current version (the stream head).
inline std::string StreamHeadKey(std::string_view stream) { return std::string(stream); }
// streams CF: "<stream>\0<BE64 version>" -> BE64 position.
std::string StreamEntryKey(std::string_view stream, uint64_t version);
// The common prefix of every entry key of one stream.
std::string StreamEntryPrefix(std::string_view stream);

// idempotency CF: "<scope>\0<key>".
std::string IdempotencyKey(std::string_view scope, std::string_view key);

}  // namespace orgd::storage
