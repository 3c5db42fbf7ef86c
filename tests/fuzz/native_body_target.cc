// The native-body target: JSON bodies -> commands.
#include <nlohmann/json.hpp>

#include <optional>
#include <string>

#include "src/commands/core/command.h"
#include "src/http/core/api.h"
#include "src/commands/orgs/commands.h"
#include "src/http/native/native.h"
#include "tests/fuzz/fuzz_targets.h"

namespace orgd::fuzz {

namespace {

using nlohmann::json;

// The body a client would send for c.
std::string BodyOf(const CreateOrg& c) {
  return json{{"name", c.name},
              {"title", c.title},
              {"description", c.description},
              {"email_address", c.email_address},
              {"link", c.link}}
      .dump();
}

std::string BodyOf(const UpdateOrg& u) {
  json j = json::object();
  auto put = [&j](const char* key, const std::optional<std::string>& v) {
    if (v) j[key] = *v;
  };
  put("title", u.title);
  put("description", u.description);
  put("email_address", u.email_address);
  put("link", u.link);
  return j.dump();
}

bool SameFields(const UpdateOrg& a, const UpdateOrg& b) {
  return a.title == b.title && a.description == b.description &&
         a.email_address == b.email_address && a.link == b.link;
}

void CheckCreate(std::string_view input) {
  CreateOrg c;
  if (!http::DecodeCreateOrg(input, &c).ok()) return;
  std::string body = BodyOf(c);  // throws, and so fails, on a string that is not UTF-8
  CreateOrg again;
  Status s = http::DecodeCreateOrg(body, &again);
  Expect(s.ok(), "a decoded CreateOrg decodes again from its own JSON", s.ToString());
  Expect(again.name == c.name && again.title == c.title && again.description == c.description &&
             again.email_address == c.email_address && again.link == c.link,
         "a CreateOrg survives a round trip through JSON", body);
}

void CheckUpdate(std::string_view input) {
  UpdateOrg u;
  if (!http::DecodeUpdateOrg(input, &u).ok()) return;
  std::string body = BodyOf(u);
  UpdateOrg again;
  Status s = http::DecodeUpdateOrg(body, &again);
  Expect(s.ok(), "a decoded UpdateOrg decodes again from its own JSON", s.ToString());
  Expect(SameFields(u, again), "an UpdateOrg survives a round trip through JSON", body);
}

}  // namespace

void NativeBody(std::string_view input) {
  CheckCreate(input);
  CheckUpdate(input);
}

}  // namespace orgd::fuzz
