// orgd's fuzz targets as plain functions, so that libFuzzer's driver
// (fuzz_main.cc, built with ORGD_FUZZ and clang) and the GoogleTest replay of
// the corpora and of every input that once failed (regression_test.cc, any
// compiler) run the very same code.
//
// A target takes any bytes, runs them through one part of orgd and checks
// properties that hold for every input. A violated property prints what
// failed and aborts, which libFuzzer reports as a crash and ctest as a failed
// test; a sanitizer report ends the process the same way.
//
// Thread safety: RequestPath shares one store per process and may be called
// by one thread at a time; the other targets from any thread.
#pragma once

#include <span>
#include <string_view>

namespace orgd::fuzz {

// Raw bytes as one connection delivers them -> Beast's request parser with
// the server's limits -> router -> authentication -> handler -> writer ->
// store -> serialized responses (http::ServeBytes). The store is a real one,
// in a temporary directory, opened on first use and removed at exit; its
// only credential is kAdminKey.
void RequestPath(std::string_view input);

// A request body -> the native API's command decoding (DecodeCreateOrg,
// DecodeUpdateOrg); what decodes must survive a round trip through JSON.
void NativeBody(std::string_view input);

// A stored record -> DecodeEnvelope and DecodeEnvelopeView, then its payload
// -> FromPayload of every event type at the record's schema version
// (upcasting included). Decoded values must survive re-encoding, and the fast
// payload reader must agree with the nlohmann one. Bytes that are no record
// are decoded as a payload, so the payload readers are also reached directly.
void Envelope(std::string_view input);

// An Authorization header value -> ParseBearer; an accepted key must be the
// bounded, visible-ASCII token after "Bearer ". The same bytes as an
// Authorization (Bearer, Token, Basic) or Cookie header -> every credential
// parser: refused with 401 or a bounded, visible-ASCII secret.
void Authorization(std::string_view input);

// The site-admin key RequestPath's store is bootstrapped with. The request
// corpus and dictionary carry it, so inputs get past authentication.
inline constexpr std::string_view kAdminKey = "sk-fuzz-admin-0123456789abcdef";

struct Target {
  std::string_view name;  // of its fuzzer, corpus, dictionary and regressions
  void (*run)(std::string_view input);
};

// Every target: request, native_body, envelope, authorization.
std::span<const Target> Targets();
// The target called name, or nullptr.
const Target* FindTarget(std::string_view name);

// Aborts after printing property and detail unless holds. For the targets.
void Expect(bool holds, std::string_view property, std::string_view detail = {});

}  // namespace orgd::fuzz
