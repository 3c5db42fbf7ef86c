#include "storage/keys.h"

namespace orgd::storage {

void AppendBE64(std::string* out, uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) out->push_back(static_cast<char>(v >> shift));
}

std::string EncodeBE64(uint64_t v) {
  std::string s;
  s.reserve(8);
  AppendBE64(&s, v);
  return s;
}

uint64_t DecodeBE64(std::string_view s) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = v << 8 | static_cast<uint8_t>(s[i]);
  return v;
}

std::string StreamEntryPrefix(std::string_view stream) {
  std::string k(stream);
  k.push_back('\0');
  return k;
}

std::string StreamEntryKey(std::string_view stream, uint64_t version) {
  std::string k = StreamEntryPrefix(stream);
  AppendBE64(&k, version);
  return k;
}

std::string IdempotencyKey(std::string_view scope, std::string_view key) {
  std::string k(scope);
  k.push_back('\0');
  k.append(key);
  return k;
}

}  // namespace orgd::storage
