// The OpenAPI document (issue 15, item 10): GET /api/v1/openapi.json, over
// real HTTP and without a credential, serves docs/openapi.json byte for byte,
// and that document describes exactly the native routes the server
// registers: the same methods and patterns, each with its RoutePolicy as
// x-orgd-policy, every $ref resolving.
#include <gtest/gtest.h>

#include <cctype>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "src/http/core/api.h"
#include "tests/http/test_server.h"
#include "tests/test_util.h"

#ifndef ORGD_SOURCE_DIR
#error "ORGD_SOURCE_DIR must name the source tree"
#endif

namespace orgd::test {
namespace {

using nlohmann::json;
using http::RoutePolicy;

constexpr const char* kMethods[] = {"get", "put", "post", "delete", "options", "head", "patch",
                                    "trace"};

bool IsMethod(const std::string& key) {
  for (const char* m : kMethods) {
    if (key == m) return true;
  }
  return false;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// A route's policy as the document names it.
std::string PolicyName(const RoutePolicy& p) {
  using A = RoutePolicy::Access;
  switch (p.access) {
    case A::kPublic: return "public";
    case A::kAnyCredential: return "any_credential";
    case A::kSiteAdmin: return "site_admin";
    case A::kOrgCapability: return "org:" + std::string(p.capability);
  }
  return "?";
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// Every "$ref" in j, with where it was found.
void CollectRefs(const json& j, const std::string& where,
                 std::vector<std::pair<std::string, std::string>>* out) {
  if (j.is_object()) {
    for (const auto& [key, v] : j.items()) {
      if (key == "$ref" && v.is_string()) out->emplace_back(v.get<std::string>(), where);
      CollectRefs(v, where + "/" + key, out);
    }
  } else if (j.is_array()) {
    for (size_t i = 0; i < j.size(); ++i) CollectRefs(j[i], where + "/" + std::to_string(i), out);
  }
}

// The value a local "#/..." reference names, or nullptr.
const json* Resolve(const json& doc, const std::string& ref) {
  if (ref.size() < 2 || ref.substr(0, 2) != "#/") return nullptr;
  try {
    const json::json_pointer ptr(ref.substr(1));
    if (!doc.contains(ptr)) return nullptr;
    return &doc.at(ptr);
  } catch (const json::exception&) {
    return nullptr;
  }
}

// The names in a pattern's {parameters}, in order.
std::vector<std::string> PatternParams(const std::string& pattern) {
  std::vector<std::string> out;
  size_t at = 0;
  while ((at = pattern.find('{', at)) != std::string::npos) {
    const size_t end = pattern.find('}', at);
    if (end == std::string::npos) break;
    out.push_back(pattern.substr(at + 1, end - at - 1));
    at = end + 1;
  }
  return out;
}

class OpenApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK(server_.Start(dir_.Sub("data")));
    client_ = server_.NewClient();
    reply_ = client_->Call("GET", "/api/v1/openapi.json");  // no credential
    ASSERT_TRUE(HasStatus(reply_, 200));
    doc_ = json::parse(reply_->body, nullptr, /*allow_exceptions=*/false);
    ASSERT_TRUE(doc_.is_object()) << "the document is not a JSON object";
    for (const http::Api::RouteInfo& r : server_.service()->api()->routes()) {
      if (r.surface == "native") routes_[{Lower(r.method), r.pattern}] = r.policy;
    }
    ASSERT_FALSE(routes_.empty());
  }
  void TearDown() override {
    client_.reset();
    EXPECT_OK(server_.Stop());
  }

  // Every documented operation: (method, path) -> operation.
  std::map<std::pair<std::string, std::string>, const json*> Operations() const {
    std::map<std::pair<std::string, std::string>, const json*> out;
    if (!doc_.contains("paths") || !doc_["paths"].is_object()) return out;
    const json& paths = doc_["paths"];
    for (const auto& [path, item] : paths.items()) {
      if (!item.is_object()) continue;
      for (const auto& [key, op] : item.items()) {
        if (IsMethod(key)) out[{key, path}] = &op;
      }
    }
    return out;
  }

  TempDir dir_;
  TestServer server_;
  std::unique_ptr<TestClient> client_;
  std::optional<RawResponse> reply_;
  json doc_;
  std::map<std::pair<std::string, std::string>, RoutePolicy> routes_;
};

TEST_F(OpenApiTest, IsOpenApi31WithInfoAndPaths) {
  EXPECT_EQ(reply_->Header("Content-Type").value_or(""), "application/json");
  ASSERT_TRUE(doc_["openapi"].is_string());
  EXPECT_EQ(doc_["openapi"].get<std::string>().rfind("3.1.", 0), 0u) << doc_["openapi"];
  ASSERT_TRUE(doc_["info"].is_object());
  EXPECT_TRUE(doc_["info"]["title"].is_string());
  EXPECT_TRUE(doc_["info"]["version"].is_string());
  ASSERT_TRUE(doc_["paths"].is_object());
  EXPECT_FALSE(doc_["paths"].empty());
  const json& schemes = doc_["components"]["securitySchemes"];
  ASSERT_TRUE(schemes.is_object());
  bool bearer = false, cookie = false;
  for (const auto& [name, s] : schemes.items()) {
    bearer = bearer || (s.value("type", "") == "http" && s.value("scheme", "") == "bearer");
    cookie = cookie || (s.value("in", "") == "cookie" && s.value("name", "") == "orgd_session");
  }
  EXPECT_TRUE(bearer) << "no bearer security scheme";
  EXPECT_TRUE(cookie) << "no orgd_session cookie security scheme";
  for (const char* schema : {"Org", "Account", "Member", "Role", "Department", "Project", "Group",
                             "Invitation", "Domain", "Message", "Error"}) {
    EXPECT_TRUE(doc_["components"]["schemas"].contains(schema)) << schema;
  }
  const json& error = doc_["components"]["schemas"]["Error"]["properties"]["error"]["properties"];
  EXPECT_TRUE(error.contains("code") && error.contains("message"));
}

TEST_F(OpenApiTest, ServesDocsOpenApiJsonByteForByte) {
  const std::string file = ReadFile(std::string(ORGD_SOURCE_DIR) + "/docs/openapi.json");
  ASSERT_FALSE(file.empty()) << "cannot read docs/openapi.json";
  EXPECT_TRUE(reply_->body == file) << "the served document (" << reply_->body.size()
                                    << " bytes) is not docs/openapi.json (" << file.size()
                                    << " bytes): rebuild";
}

TEST_F(OpenApiTest, EveryRouteIsDocumented) {
  const auto ops = Operations();
  for (const auto& [key, policy] : routes_) {
    EXPECT_TRUE(ops.count(key))
        << "route " << key.first << " " << key.second << " (" << PolicyName(policy)
        << ") is missing from docs/openapi.json";
  }
}

TEST_F(OpenApiTest, EveryDocumentedOperationIsARoute) {
  for (const auto& [key, op] : Operations()) {
    EXPECT_TRUE(routes_.count(key))
        << "docs/openapi.json documents " << key.first << " " << key.second
        << ", which the router does not have";
  }
}

TEST_F(OpenApiTest, PoliciesMatchTheRouter) {
  for (const auto& [key, op] : Operations()) {
    auto route = routes_.find(key);
    if (route == routes_.end()) continue;  // reported above
    const std::string what = key.first + " " + key.second;
    const std::string want = PolicyName(route->second);
    EXPECT_EQ(op->value("x-orgd-policy", "<none>"), want) << what;
    // Public routes take no credential; the others use the document's security.
    const json security = op->value("security", json());
    const bool open = security.is_array() && security.empty();
    EXPECT_EQ(open, want == "public") << what << ": security: [] exactly on public routes";
  }
}

TEST_F(OpenApiTest, OperationsAreComplete) {
  const json& paths = doc_.at("paths");
  std::set<std::string> ids;
  for (const auto& [key, op] : Operations()) {
    const std::string what = key.first + " " + key.second;
    ASSERT_TRUE(op->is_object()) << what;
    const json id = op->value("operationId", json());
    ASSERT_TRUE(id.is_string()) << what << ": no operationId";
    EXPECT_TRUE(ids.insert(id.get<std::string>()).second)
        << what << ": operationId " << id << " is not unique";
    EXPECT_TRUE(op->value("summary", json()).is_string()) << what << ": no summary";
    const json tags = op->value("tags", json());
    EXPECT_TRUE(tags.is_array() && !tags.empty()) << what << ": no tags";
    const json responses = op->value("responses", json());
    EXPECT_TRUE(responses.is_object() && !responses.empty()) << what << ": no responses";
    // Each {parameter} of the path is declared, on the path item or the operation.
    std::set<std::string> declared;
    for (const json& list : {paths.at(key.second).value("parameters", json::array()),
                             op->value("parameters", json::array())}) {
      if (!list.is_array()) continue;
      for (const json& p : list) {
        const json* param = p.contains("$ref") && p["$ref"].is_string()
                                ? Resolve(doc_, p["$ref"].get<std::string>())
                                : &p;
        if (param && param->is_object() && param->value("in", "") == "path") {
          declared.insert(param->value("name", ""));
        }
      }
    }
    for (const std::string& name : PatternParams(key.second)) {
      EXPECT_TRUE(declared.count(name)) << what << ": path parameter {" << name
                                        << "} is not declared";
    }
  }
}

TEST_F(OpenApiTest, EveryRefResolves) {
  std::vector<std::pair<std::string, std::string>> refs;
  CollectRefs(doc_, "", &refs);
  EXPECT_FALSE(refs.empty());
  for (const auto& [ref, where] : refs) {
    EXPECT_NE(Resolve(doc_, ref), nullptr) << "$ref " << ref << " at " << where
                                           << " does not resolve";
  }
}

}  // namespace
}  // namespace orgd::test
