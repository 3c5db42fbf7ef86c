// The authorization target: Authorization and Cookie header values -> secrets.
#include <functional>

#include "src/http/core/auth.h"
#include "src/http/core/message.h"
#include "tests/fuzz/fuzz_targets.h"

namespace orgd::fuzz {

namespace {

// Every form of credential: a refused one is 401 bad_authorization (or absent),
// an accepted secret is 1 to kMaxCredentialBytes visible ASCII bytes.
void AnyCredentialForm(std::string_view input) {
  http::HttpRequest req;
  req.headers = {{"Authorization", std::string(input)}, {"Cookie", std::string(input)}};
  for (auto parse : {http::ParseAuthorizationCredential, http::ParseSessionCookie}) {
    std::string secret;
    Status s = parse(req, &secret);
    if (s.IsNotFound()) continue;
    if (!s.ok()) {
      Expect(s.IsUnauthenticated() && s.reason() == "bad_authorization",
             "a refused credential is a 401 bad_authorization", s.ToString());
      continue;
    }
    Expect(!secret.empty() && secret.size() <= http::kMaxCredentialBytes,
           "a secret has 1 to kMaxCredentialBytes bytes");
    for (char c : secret) Expect(c > ' ' && c <= '~', "a secret is visible ASCII", secret);
  }
}

}  // namespace

void Authorization(std::string_view input) {
  AnyCredentialForm(input);
  std::string_view key;
  Status s = http::ParseBearer(input, &key);
  if (!s.ok()) {
    Expect(s.IsUnauthenticated() && s.reason() == "bad_authorization",
           "a refused header is a 401 bad_authorization", s.ToString());
    return;
  }
  constexpr std::string_view kScheme = "Bearer ";
  Expect(input.size() > kScheme.size() &&
             http::EqualsIgnoreCase(input.substr(0, kScheme.size()), kScheme),
         "an accepted header starts with the Bearer scheme");
  // The key is a view into the header, after the scheme.
  std::less_equal<const char*> le;
  Expect(le(input.data() + kScheme.size(), key.data()) &&
             le(key.data() + key.size(), input.data() + input.size()),
         "the key lies inside the header, after the scheme");
  Expect(!key.empty() && key.size() <= http::kMaxCredentialBytes,
         "the key has 1 to kMaxCredentialBytes bytes");
  for (char c : key) {
    Expect(c > ' ' && c <= '~', "the key is visible ASCII", key);
  }
  // Only spaces surround the key.
  for (char c : input.substr(kScheme.size(), key.data() - input.data() - kScheme.size())) {
    Expect(c == ' ', "only spaces come between the scheme and the key");
  }
  for (char c : input.substr(key.data() + key.size() - input.data())) {
    Expect(c == ' ', "only spaces follow the key");
  }
}

}  // namespace orgd::fuzz
