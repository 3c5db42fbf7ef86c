// SHA-256 over OpenSSL's EVP interface, and hex helpers.
//
// A Sha256 object is not shareable: use one per thread. The free functions are
// thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace orgd {

using Digest = std::array<uint8_t, 32>;

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  // Starts a new digest; Update() any number of times; Final() ends it.
  void Reset();
  void Update(std::string_view data);
  void Update(const Digest& d) {
    Update(std::string_view(reinterpret_cast<const char*>(d.data()), d.size()));
  }
  Digest Final();

 private:
  struct Impl;
  Impl* impl_;
};

// One-shot digest.
Digest Sha256Of(std::string_view data);

std::string ToHex(std::string_view bytes);
inline std::string ToHex(const Digest& d) {
  return ToHex(std::string_view(reinterpret_cast<const char*>(d.data()), d.size()));
}
// Parses exactly 64 hex digits; false otherwise.
bool DigestFromHex(std::string_view hex, Digest* out);

}  // namespace orgd
