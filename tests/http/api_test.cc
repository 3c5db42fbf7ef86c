#include "src/http/core/api.h"

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "src/commands/core/command.h"
#include "src/commands/orgs/commands.h"
#include "src/http/native/native.h"
#include "src/http/service.h"
#include "storage/event_store.h"
#include "tests/test_util.h"

namespace orgd::http {
namespace {

using nlohmann::json;
using Headers = std::vector<std::pair<std::string, std::string>>;

constexpr char kAdminKey[] = "sk-test-admin-key-0123456789";

// The value of a response header, or "<absent>".
std::string HeaderOf(const HttpResponse& r, std::string_view name) {
  for (const auto& [k, v] : r.headers) {
    if (EqualsIgnoreCase(k, name)) return v;
  }
  return "<absent>";
}

json BodyOf(const HttpResponse& r) { return json::parse(r.body, nullptr, false); }

// Passes when r is {"error":{"code":code,"message":<not empty>}} with status.
::testing::AssertionResult IsError(const HttpResponse& r, int status, std::string_view code) {
  json j = BodyOf(r);
  bool shaped = j.is_object() && j.contains("error") && j["error"].is_object() &&
                j["error"].value("code", "") == code && j["error"].contains("message") &&
                j["error"]["message"].is_string() &&
                !j["error"]["message"].get<std::string>().empty();
  if (r.status == status && shaped) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "expected " << status << " " << code << ", got " << r.status << " " << r.body;
}

// A body nested depth levels deep: {"title":[[...]]}.
std::string Nested(int depth) {
  return "{\"title\":" + std::string(depth - 1, '[') + std::string(depth - 1, ']') + "}";
}

// ------------------------------------------------------------ ParseIfMatch

std::optional<uint64_t> IfMatch(std::string_view value) {
  std::optional<uint64_t> out = 999;
  EXPECT_OK(ParseIfMatch(value, &out)) << value;
  return out;
}

TEST(ParseIfMatchTest, AcceptsQuotedAndBareVersions) {
  EXPECT_EQ(IfMatch("\"3\""), 3u);
  EXPECT_EQ(IfMatch("3"), 3u);
  EXPECT_EQ(IfMatch("  \"12\"  "), 12u);
  EXPECT_EQ(IfMatch("\"9999999999999999999\""), 9999999999999999999u);
}

TEST(ParseIfMatchTest, StarMatchesAnyVersion) { EXPECT_EQ(IfMatch("*"), std::nullopt); }

// If-Match compares strongly (RFC 9110 13.1.1), and versions are numbers
// from 1: a weak tag or a tag that is no version never matches (version 0).
TEST(ParseIfMatchTest, WellFormedTagsThatAreNoVersionNeverMatch) {
  for (std::string_view never : {"W/\"3\"", "W/\"1\"", "\"stale-0\"", "\"\"", "\"-1\"",
                                 "\"12345678901234567890\"", "\"99999999999999999999\"",
                                 "\"1.0\""}) {
    EXPECT_EQ(IfMatch(never), 0u) << never;
  }
}

TEST(ParseIfMatchTest, RefusesWhatIsNotAnEntityTag) {
  for (std::string_view bad : {"", "abc", "\"1\", \"2\"", "\"3", "W/", "W/3", "v1",
                               "12345678901234567890", "1.0", "0x10", "\"a\"b\""}) {
    std::optional<uint64_t> out;
    Status s = ParseIfMatch(bad, &out);
    EXPECT_TRUE(s.IsInvalidArgument()) << "'" << bad << "': " << s.ToString();
    EXPECT_EQ(s.reason(), "bad_if_match");
  }
}

// ------------------------------------------------------------ ParseBearer

TEST(ParseBearerTest, ExtractsTheKeyWithAnySchemeCase) {
  for (std::string_view header : {"Bearer sk-abc", "bearer sk-abc", "BEARER   sk-abc  "}) {
    std::string_view key;
    ASSERT_OK(ParseBearer(header, &key));
    EXPECT_EQ(key, "sk-abc") << header;
  }
}

TEST(ParseBearerTest, RefusesOtherSchemesAndMalformedKeys) {
  for (std::string_view bad :
       {"", "Basic abc", "Token abc", "Bearer", "Bearer ", "Bearer    ", "Bearerabc", "Bearer\tabc",
        "Bearer a b", "Bearer ab\x01", "Bearer \xc3\xa9t\xc3\xa9"}) {
    std::string_view key;
    Status s = ParseBearer(bad, &key);
    EXPECT_TRUE(s.IsUnauthenticated()) << "'" << bad << "': " << s.ToString();
  }
}

TEST(ParseBearerTest, KeysLongerThanTheLimitAreRefused) {
  std::string_view key;
  EXPECT_OK(ParseBearer("Bearer " + std::string(kMaxCredentialBytes, 'k'), &key));
  EXPECT_TRUE(
      ParseBearer("Bearer " + std::string(kMaxCredentialBytes + 1, 'k'), &key).IsUnauthenticated());
}

// ------------------------------------------------- QueryParam, PercentDecode

TEST(QueryParamTest, FindsTheFirstValueAndDecodesIt) {
  EXPECT_EQ(QueryParam("a=1&b=x%20y+z", "b"), "x y z");
  EXPECT_EQ(QueryParam("a=1&b=2", "a"), "1");
  EXPECT_EQ(QueryParam("a=1&a=2", "a"), "1");
  EXPECT_EQ(QueryParam("flag&b=2", "flag"), "");
  EXPECT_EQ(QueryParam("a=&b=2", "a"), "");
}

TEST(QueryParamTest, AbsentOrBadlyEncodedIsNullopt) {
  EXPECT_EQ(QueryParam("", "a"), std::nullopt);
  EXPECT_EQ(QueryParam("a=1", "b"), std::nullopt);
  EXPECT_EQ(QueryParam("ab=1", "a"), std::nullopt);
  EXPECT_EQ(QueryParam("a=%zz", "a"), std::nullopt);
  EXPECT_EQ(QueryParam("a=%4", "a"), std::nullopt);
}

TEST(PercentDecodeTest, DecodesEscapesAndPlusOnlyWhenAsked) {
  std::string out;
  ASSERT_TRUE(PercentDecode("%41%62c%2f", &out));
  EXPECT_EQ(out, "Abc/");
  ASSERT_TRUE(PercentDecode("a+b", &out));
  EXPECT_EQ(out, "a+b");
  ASSERT_TRUE(PercentDecode("a+b", &out, /*plus_is_space=*/true));
  EXPECT_EQ(out, "a b");
  ASSERT_TRUE(PercentDecode("", &out));
  EXPECT_EQ(out, "");
}

TEST(PercentDecodeTest, RefusesTruncatedOrNonHexEscapes) {
  std::string out;
  for (std::string_view bad : {"%", "%4", "a%", "ab%4", "%g1", "%1g"}) {
    EXPECT_FALSE(PercentDecode(bad, &out)) << bad;
  }
}

// ------------------------------------------------------------------ Router

Router TestRouter() {
  Router r;
  r.Add("GET", "/orgs", 1);
  r.Add("POST", "/orgs", 2);
  r.Add("GET", "/orgs/{org}", 3);
  r.Add("DELETE", "/orgs/{org}", 4);
  r.Add("GET", "/orgs/{org}/members/{member}", 5);
  return r;
}

TEST(RouterTest, MatchesMethodAndLiteralPath) {
  Router r = TestRouter();
  Router::Match get = r.Find("GET", "/orgs");
  EXPECT_EQ(get.kind, Router::Match::Kind::kFound);
  EXPECT_EQ(get.id, 1);
  EXPECT_EQ(get.pattern, "/orgs");
  EXPECT_TRUE(get.params.empty());
  EXPECT_EQ(r.Find("POST", "/orgs").id, 2);
}

TEST(RouterTest, PathParamsAreDecodedInPatternOrder) {
  Router r = TestRouter();  // the match's pattern is a view into it
  Router::Match m = r.Find("GET", "/orgs/a%20b/members/42");
  ASSERT_EQ(m.kind, Router::Match::Kind::kFound);
  EXPECT_EQ(m.id, 5);
  EXPECT_EQ(m.pattern, "/orgs/{org}/members/{member}");
  EXPECT_EQ(m.params, (std::vector<std::string>{"a b", "42"}));
}

TEST(RouterTest, WrongMethodListsTheAllowedMethods) {
  Router r = TestRouter();
  Router::Match m = r.Find("PUT", "/orgs");
  EXPECT_EQ(m.kind, Router::Match::Kind::kWrongMethod);
  EXPECT_EQ(m.allow, "GET, POST");
  EXPECT_EQ(m.pattern, "/orgs");
  EXPECT_EQ(r.Find("PATCH", "/orgs/acme").allow, "GET, DELETE");
}

TEST(RouterTest, UnknownPathsAndUndecodableParamsAreNoRoute) {
  Router r = TestRouter();
  for (std::string_view path :
       {"/", "/nope", "/orgs/x/y", "/orgs/", "/orgs/%zz", "/orgs//members/1"}) {
    EXPECT_EQ(r.Find("GET", path).kind, Router::Match::Kind::kNoRoute) << path;
  }
}

TEST(RouterTest, TargetsThatAreNotAbsolutePathsAreBadPaths) {
  Router r = TestRouter();
  for (std::string_view path : {"", "orgs", "*", "http://host/orgs"}) {
    EXPECT_EQ(r.Find("GET", path).kind, Router::Match::Kind::kBadPath) << path;
  }
}

// ------------------------------------------------- DecodeCreateOrg/UpdateOrg

TEST(DecodeCreateOrgTest, ReadsEveryField) {
  CreateOrg c;
  ASSERT_OK(DecodeCreateOrg(R"({"name":"acme","title":"Acme","description":"d",
                               "email_address":"a@b.io","link":"https://acme.io"})",
                            &c));
  EXPECT_EQ(c.name, "acme");
  EXPECT_EQ(c.title, "Acme");
  EXPECT_EQ(c.description, "d");
  EXPECT_EQ(c.email_address, "a@b.io");
  EXPECT_EQ(c.link, "https://acme.io");
}

Status DecodeCreate(std::string_view body) {
  CreateOrg c;
  return DecodeCreateOrg(body, &c);
}

TEST(DecodeCreateOrgTest, NameIsRequired) {
  EXPECT_EQ(DecodeCreate("{}").reason(), "missing_field");
}

TEST(DecodeCreateOrgTest, UnknownFieldsAndWrongTypesNameTheField) {
  Status unknown = DecodeCreate(R"({"name":"a","plan":"x"})");
  EXPECT_EQ(unknown.reason(), "unknown_field");
  EXPECT_NE(unknown.message().find("'plan'"), std::string::npos) << unknown.message();
  Status number = DecodeCreate(R"({"name":1})");
  EXPECT_EQ(number.reason(), "bad_field");
  EXPECT_NE(number.message().find("'name'"), std::string::npos) << number.message();
  EXPECT_EQ(DecodeCreate(R"({"name":"a","title":null})").reason(), "bad_field");
  EXPECT_EQ(DecodeCreate(R"({"name":"a","link":["x"]})").reason(), "bad_field");
}

TEST(DecodeCreateOrgTest, BodyMustBeOneJsonObject) {
  EXPECT_EQ(DecodeCreate("[]").reason(), "bad_body");
  EXPECT_EQ(DecodeCreate("\"acme\"").reason(), "bad_body");
  for (std::string_view bad :
       {"", "{", "{\"name\":}", "{\"name\":\"a\"} x", "{'name':'a'}", "{\"name\":\"\xff\"}"}) {
    EXPECT_EQ(DecodeCreate(bad).reason(), "malformed_json") << bad;
  }
}

TEST(DecodeCreateOrgTest, NestingIsLimitedTo32Levels) {
  // 32 levels parse (then the array is refused as a title); 33 do not.
  EXPECT_EQ(DecodeCreate(Nested(32)).reason(), "bad_field");
  EXPECT_EQ(DecodeCreate(Nested(33)).reason(), "json_too_deep");
  EXPECT_EQ(DecodeCreate(std::string(100'000, '[')).reason(), "json_too_deep");
}

TEST(DecodeUpdateOrgTest, NullClearsAFieldAndAbsentKeepsIt) {
  UpdateOrg u;
  ASSERT_OK(DecodeUpdateOrg(R"({"title":null,"link":"https://x.io"})", &u));
  EXPECT_EQ(u.title, std::string());
  EXPECT_EQ(u.link, "https://x.io");
  EXPECT_EQ(u.description, std::nullopt);
  EXPECT_EQ(u.email_address, std::nullopt);
}

TEST(DecodeUpdateOrgTest, NameIsImmutableAndOtherFieldsAreChecked) {
  UpdateOrg u;
  EXPECT_EQ(DecodeUpdateOrg(R"({"name":"b"})", &u).reason(), "immutable_field");
  EXPECT_EQ(DecodeUpdateOrg(R"({"color":"red"})", &u).reason(), "unknown_field");
  EXPECT_EQ(DecodeUpdateOrg(R"({"title":5})", &u).reason(), "bad_field");
  EXPECT_EQ(DecodeUpdateOrg(R"({"description":{}})", &u).reason(), "bad_field");
  EXPECT_EQ(DecodeUpdateOrg("[]", &u).reason(), "bad_body");
}

// ------------------------------------------------- Api::Handle, no socket

// A Service on a fresh store with a bootstrapped site-admin key; requests go
// straight to Api::Handle.
class ApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ServiceOptions options;
    options.data_dir = dir_.Sub("data");
    ASSERT_OK(Service::Open(options, &service_));
    auto key = service_->Bootstrap(std::string(kAdminKey));
    ASSERT_OK(key);
    ASSERT_EQ(Position(), 1u);  // the ApiKeyIssued event
  }
  void TearDown() override {
    if (service_) {
      ASSERT_OK(service_->Close());
    }
  }

  uint64_t Position() const { return service_->store()->last_position(); }

  // Passes req to Api::Handle and waits for its reply.
  HttpResponse Send(std::string method, std::string target, std::string body = "",
                    Headers headers = {}) {
    auto done = std::make_shared<std::promise<HttpResponse>>();
    auto reply = done->get_future();
    service_->api()->Handle(
        HttpRequest{std::move(method), std::move(target), std::move(headers), std::move(body), {}},
        [done](HttpResponse r) { done->set_value(std::move(r)); });
    if (reply.wait_for(std::chrono::seconds(10)) != std::future_status::ready) {
      ADD_FAILURE() << "no reply within 10 s";
      return HttpResponse{};
    }
    return reply.get();
  }
  // Send() with the admin's key.
  HttpResponse Call(std::string method, std::string target, std::string body = "",
                    Headers headers = {}) {
    headers.emplace_back("Authorization", std::string("Bearer ") + kAdminKey);
    return Send(std::move(method), std::move(target), std::move(body), std::move(headers));
  }
  HttpResponse Create(const std::string& name, json fields = json::object(), Headers headers = {}) {
    fields["name"] = name;
    return Call("POST", "/api/v1/orgs", fields.dump(), std::move(headers));
  }
  HttpResponse Get(const std::string& org) { return Call("GET", "/api/v1/orgs/" + org); }
  HttpResponse Patch(const std::string& org, const std::string& body, Headers headers = {}) {
    return Call("PATCH", "/api/v1/orgs/" + org, body, std::move(headers));
  }

  test::TempDir dir_;
  std::unique_ptr<Service> service_;
};

TEST_F(ApiTest, CreateAnswers201WithEtagAndTheOrg) {
  HttpResponse r = Create("acme", {{"title", "Acme Inc"}, {"email_address", "ops@acme.io"}});
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(HeaderOf(r, "ETag"), "\"1\"");
  EXPECT_EQ(r.content_type, "application/json");
  EXPECT_NE(HeaderOf(r, "X-Request-Id"), "<absent>");
  json org = BodyOf(r);
  EXPECT_EQ(org["name"], "acme");
  EXPECT_EQ(org["title"], "Acme Inc");
  EXPECT_EQ(org["email_address"], "ops@acme.io");
  EXPECT_TRUE(org["description"].is_null());
  EXPECT_TRUE(org["link"].is_null());
  EXPECT_TRUE(org["id"].is_number_unsigned());
  EXPECT_EQ(org["uuid"].get<std::string>().size(), 36u);
  EXPECT_EQ(org["version"], 1);
  EXPECT_TRUE(org["created_by"].get<std::string>().starts_with("key:"));
  EXPECT_EQ(Position(), 2u);
}

TEST_F(ApiTest, GetFindsTheOrgByIdAndByName) {
  HttpResponse created = Create("acme");
  ASSERT_EQ(created.status, 201) << created.body;
  std::string id = std::to_string(BodyOf(created)["id"].get<uint64_t>());
  HttpResponse by_id = Get(id);
  HttpResponse by_name = Get("acme");
  ASSERT_EQ(by_id.status, 200) << by_id.body;
  ASSERT_EQ(by_name.status, 200) << by_name.body;
  EXPECT_EQ(by_id.body, created.body);
  EXPECT_EQ(by_name.body, created.body);
  EXPECT_EQ(HeaderOf(by_name, "ETag"), "\"1\"");
  EXPECT_TRUE(IsError(Get("nope"), 404, "unknown_org"));
  EXPECT_TRUE(IsError(Get("12345"), 404, "unknown_org"));
}

TEST_F(ApiTest, ListPagesThroughAllOrgsInIdOrder) {
  for (int i = 1; i <= 5; ++i) ASSERT_EQ(Create("org-" + std::to_string(i)).status, 201);
  auto page = [&](std::string_view query) {
    return BodyOf(Call("GET", "/api/v1/orgs?" + std::string(query)));
  };
  json first = page("per_page=2");
  ASSERT_EQ(first["orgs"].size(), 2u) << first;
  EXPECT_EQ(first["orgs"][0]["name"], "org-1");
  EXPECT_EQ(first["orgs"][1]["name"], "org-2");
  EXPECT_EQ(first["page"], 1);
  EXPECT_EQ(first["per_page"], 2);
  EXPECT_EQ(first["total"], 5);
  EXPECT_EQ(first["next_page"], 2);
  json last = page("page=3&per_page=2");
  ASSERT_EQ(last["orgs"].size(), 1u) << last;
  EXPECT_EQ(last["orgs"][0]["name"], "org-5");
  EXPECT_TRUE(last["next_page"].is_null());
  json beyond = page("page=4&per_page=2");
  EXPECT_TRUE(beyond["orgs"].empty());
  EXPECT_TRUE(beyond["next_page"].is_null());
  json all = BodyOf(Call("GET", "/api/v1/orgs"));
  EXPECT_EQ(all["orgs"].size(), 5u);
  EXPECT_EQ(all["per_page"], 30);
}

TEST_F(ApiTest, BadPaginationGets400) {
  for (std::string_view q : {"page=0", "page=-1", "page=x", "page=", "page=1.5", "page=1000001",
                             "per_page=0", "per_page=101", "per_page=abc", "per_page=%zz"}) {
    EXPECT_TRUE(IsError(Call("GET", "/api/v1/orgs?" + std::string(q)), 400, "bad_pagination")) << q;
  }
  EXPECT_EQ(Call("GET", "/api/v1/orgs?per_page=100").status, 200);
}

TEST_F(ApiTest, PatchWithNullClearsAField) {
  ASSERT_EQ(Create("acme", {{"title", "Acme"}, {"link", "https://acme.io"}}).status, 201);
  HttpResponse r = Patch("acme", R"({"title":null})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(HeaderOf(r, "ETag"), "\"2\"");
  EXPECT_TRUE(BodyOf(r)["title"].is_null());
  json now = BodyOf(Get("acme"));
  EXPECT_TRUE(now["title"].is_null());
  EXPECT_EQ(now["link"], "https://acme.io");
  EXPECT_EQ(now["version"], 2);
}

TEST_F(ApiTest, PatchRefusesNameUnknownAndEmptyChanges) {
  ASSERT_EQ(Create("acme").status, 201);
  EXPECT_TRUE(IsError(Patch("acme", R"({"name":"other"})"), 400, "immutable_field"));
  EXPECT_TRUE(IsError(Patch("acme", R"({"color":"red"})"), 400, "unknown_field"));
  EXPECT_TRUE(IsError(Patch("acme", "{}"), 400, "empty_update"));
  EXPECT_TRUE(IsError(Patch("nope", R"({"title":"x"})"), 404, "unknown_org"));
  EXPECT_EQ(Position(), 2u);
}

TEST_F(ApiTest, CreateRefusesUnknownFieldsAndWrongTypes) {
  EXPECT_TRUE(IsError(Create("acme", {{"plan", "gold"}}), 400, "unknown_field"));
  EXPECT_TRUE(IsError(Call("POST", "/api/v1/orgs", R"({"name":42})"), 400, "bad_field"));
  EXPECT_TRUE(IsError(Create("acme", {{"title", json::array({"x"})}}), 400, "bad_field"));
  EXPECT_TRUE(
      IsError(Create("acme", {{"email_address", "not-an-email"}}), 400, "invalid_email_address"));
  EXPECT_TRUE(IsError(Call("POST", "/api/v1/orgs", "[]"), 400, "bad_body"));
  EXPECT_TRUE(IsError(Call("POST", "/api/v1/orgs", "{}"), 400, "missing_field"));
  ASSERT_EQ(Create("acme").status, 201);
  EXPECT_TRUE(IsError(Patch("acme", R"({"link":{}})"), 400, "bad_field"));
  EXPECT_EQ(Position(), 2u);
}

TEST_F(ApiTest, MalformedJsonGets400) {
  for (std::string_view bad :
       {"", "{\"name\":", "{\"name\":\"a\"} trailing", "{\"name\":\"\xff\"}"}) {
    EXPECT_TRUE(IsError(Call("POST", "/api/v1/orgs", std::string(bad)), 400, "malformed_json"))
        << bad;
  }
  EXPECT_EQ(Position(), 1u);
}

TEST_F(ApiTest, NestingDeeperThan32LevelsGets400) {
  EXPECT_TRUE(IsError(Call("POST", "/api/v1/orgs", Nested(33)), 400, "json_too_deep"));
  EXPECT_TRUE(
      IsError(Call("POST", "/api/v1/orgs", std::string(100'000, '[')), 400, "json_too_deep"));
  EXPECT_TRUE(IsError(Call("POST", "/api/v1/orgs", Nested(32)), 400, "bad_field"));
  EXPECT_EQ(Position(), 1u);
}

TEST_F(ApiTest, InvalidNamesGet400WithAMessage) {
  for (const std::string& name :
       {std::string("-acme"), std::string("acme-"), std::string("ac--me"), std::string("Acme"),
        std::string(40, 'a'), std::string(), std::string("ac me"), std::string("acm\xc3\xa9")}) {
    EXPECT_TRUE(IsError(Create(name), 400, "invalid_name")) << "'" << name << "'";
  }
  EXPECT_EQ(Position(), 1u);
  EXPECT_EQ(Create(std::string(39, 'a')).status, 201);
  EXPECT_EQ(Create("a-1-b").status, 201);
}

TEST_F(ApiTest, TakenNameGets409) {
  ASSERT_EQ(Create("acme").status, 201);
  EXPECT_TRUE(IsError(Create("acme"), 409, "name_taken"));
  EXPECT_EQ(Position(), 2u);
}

TEST_F(ApiTest, WrongIfMatchGets412AndChangesNothing) {
  ASSERT_EQ(Create("acme", {{"title", "Old"}}).status, 201);
  HttpResponse r = Patch("acme", R"({"title":"New"})", {{"If-Match", "\"7\""}});
  EXPECT_TRUE(IsError(r, 412, "version_mismatch"));
  EXPECT_EQ(HeaderOf(r, "ETag"), "\"1\"");  // the version the org has
  EXPECT_TRUE(IsError(Call("DELETE", "/api/v1/orgs/acme", "", {{"If-Match", "\"2\""}}), 412,
                      "version_mismatch"));
  HttpResponse now = Get("acme");
  EXPECT_EQ(BodyOf(now)["title"], "Old");
  EXPECT_EQ(HeaderOf(now, "ETag"), "\"1\"");
  EXPECT_EQ(Position(), 2u);
  EXPECT_TRUE(
      IsError(Patch("acme", R"({"title":"New"})", {{"If-Match", "v1"}}), 400, "bad_if_match"));
}

TEST_F(ApiTest, MatchingIfMatchSucceedsOnce) {
  ASSERT_EQ(Create("acme").status, 201);
  HttpResponse r = Patch("acme", R"({"title":"New"})", {{"If-Match", "\"1\""}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(HeaderOf(r, "ETag"), "\"2\"");
  EXPECT_EQ(BodyOf(r)["title"], "New");
  EXPECT_EQ(Patch("acme", R"({"title":"Again"})", {{"If-Match", "\"1\""}}).status, 412);
  EXPECT_EQ(Patch("acme", R"({"title":"Any"})", {{"If-Match", "*"}}).status, 200);
}

TEST_F(ApiTest, IfNoneMatchWithTheCurrentEtagGets304) {
  ASSERT_EQ(Create("acme").status, 201);
  HttpResponse same = Call("GET", "/api/v1/orgs/acme", "", {{"If-None-Match", "\"1\""}});
  EXPECT_EQ(same.status, 304);
  EXPECT_TRUE(same.body.empty());
  EXPECT_EQ(HeaderOf(same, "ETag"), "\"1\"");
  HttpResponse older = Call("GET", "/api/v1/orgs/acme", "", {{"If-None-Match", "\"0\""}});
  EXPECT_EQ(older.status, 200);
  EXPECT_EQ(BodyOf(older)["name"], "acme");
}

TEST_F(ApiTest, IfNoneMatchTakesListsWeakTagsAndStar) {
  ASSERT_EQ(Create("acme").status, 201);
  for (const char* hit : {"\"0\", \"1\"", "W/\"1\"", "\"7\",W/\"1\"", "*", " \"1\" "}) {
    EXPECT_EQ(Call("GET", "/api/v1/orgs/acme", "", {{"If-None-Match", hit}}).status, 304) << hit;
  }
  for (const char* miss : {"\"0\", \"2\"", "W/\"2\"", "1", "\"11\"", ""}) {
    EXPECT_EQ(Call("GET", "/api/v1/orgs/acme", "", {{"If-None-Match", miss}}).status, 200) << miss;
  }
}

TEST_F(ApiTest, IdempotencyKeyReplaysTheFirstResultAndAppendsNothing) {
  HttpResponse first = Create("acme", {}, {{"Idempotency-Key", "k-1"}});
  ASSERT_EQ(first.status, 201) << first.body;
  EXPECT_EQ(HeaderOf(first, "Idempotent-Replayed"), "<absent>");
  const uint64_t after_first = Position();
  HttpResponse again = Create("acme", {}, {{"Idempotency-Key", "k-1"}});
  EXPECT_EQ(again.status, 201) << again.body;
  EXPECT_EQ(again.body, first.body);
  EXPECT_EQ(HeaderOf(again, "Idempotent-Replayed"), "true");
  EXPECT_EQ(HeaderOf(again, "ETag"), "\"1\"");  // the first reply's
  EXPECT_EQ(Position(), after_first);
  HttpResponse deleted = Call("DELETE", "/api/v1/orgs/acme", "", {{"Idempotency-Key", "k-2"}});
  EXPECT_EQ(deleted.status, 204);
  HttpResponse deleted_again =
      Call("DELETE", "/api/v1/orgs/acme", "", {{"Idempotency-Key", "k-2"}});
  EXPECT_EQ(deleted_again.status, 204);
  EXPECT_EQ(HeaderOf(deleted_again, "Idempotent-Replayed"), "true");
  EXPECT_EQ(Position(), after_first + 1);
}

TEST_F(ApiTest, IdempotencyKeyReusedForAnotherBodyGets409) {
  ASSERT_EQ(Create("acme", {}, {{"Idempotency-Key", "k-1"}}).status, 201);
  const uint64_t before = Position();
  EXPECT_TRUE(
      IsError(Create("other", {}, {{"Idempotency-Key", "k-1"}}), 409, "idempotency_key_reused"));
  EXPECT_EQ(Position(), before);
  EXPECT_EQ(Get("other").status, 404);
  EXPECT_TRUE(IsError(Create("other", {}, {{"Idempotency-Key", ""}}), 400, "bad_idempotency_key"));
  EXPECT_TRUE(IsError(Create("other", {}, {{"Idempotency-Key", std::string(256, 'k')}}), 400,
                      "bad_idempotency_key"));
}

TEST_F(ApiTest, MissingOrMalformedOrUnknownCredentialsGet401WithAChallenge) {
  struct Case {
    std::optional<std::string> authorization;
    std::string code;
  };
  for (const Case& c :
       {Case{std::nullopt, "missing_credentials"}, Case{"Basic abc", "bad_authorization"},
        Case{"Bearer", "bad_authorization"}, Case{"Bearer sk-unknown", "invalid_credentials"},
        Case{std::string("Bearer ") + kAdminKey + "x", "invalid_credentials"}}) {
    Headers headers;
    if (c.authorization) headers.emplace_back("Authorization", *c.authorization);
    HttpResponse r = Send("GET", "/api/v1/orgs", "", headers);
    EXPECT_TRUE(IsError(r, 401, c.code)) << c.authorization.value_or("<none>");
    EXPECT_EQ(HeaderOf(r, "WWW-Authenticate"), "Bearer realm=\"orgd\"");
  }
  EXPECT_EQ(Send("POST", "/api/v1/orgs", R"({"name":"acme"})").status, 401);
  EXPECT_EQ(Position(), 1u);
  EXPECT_EQ(Send("GET", "/healthz").status, 200);  // operations need no key
}

TEST_F(ApiTest, UnknownRouteGets404NoRoute) {
  EXPECT_TRUE(IsError(Call("GET", "/api/v1/nope"), 404, "no_route"));
  EXPECT_TRUE(IsError(Call("GET", "/api/v2/orgs"), 404, "no_route"));
  EXPECT_TRUE(IsError(Send("GET", "/"), 404, "no_route"));
  EXPECT_TRUE(IsError(Send("GET", "*"), 400, "bad_target"));
}

TEST_F(ApiTest, WrongMethodGets405WithAllow) {
  HttpResponse r = Call("PUT", "/api/v1/orgs", R"({"name":"acme"})");
  EXPECT_TRUE(IsError(r, 405, "method_not_allowed"));
  EXPECT_EQ(HeaderOf(r, "Allow"), "POST, GET");
  EXPECT_EQ(HeaderOf(Call("POST", "/api/v1/orgs/acme"), "Allow"), "GET, PATCH, DELETE");
  EXPECT_EQ(HeaderOf(Send("POST", "/healthz"), "Allow"), "GET");
  EXPECT_EQ(Position(), 1u);
}

TEST_F(ApiTest, DeleteGives204ThenGetGives404AndTheNameIsFreeAgain) {
  HttpResponse created = Create("acme");
  ASSERT_EQ(created.status, 201);
  uint64_t first_id = BodyOf(created)["id"];
  HttpResponse deleted = Call("DELETE", "/api/v1/orgs/acme");
  EXPECT_EQ(deleted.status, 204);
  EXPECT_TRUE(deleted.body.empty());
  EXPECT_EQ(Get("acme").status, 404);
  EXPECT_EQ(Get(std::to_string(first_id)).status, 404);
  EXPECT_EQ(Call("DELETE", "/api/v1/orgs/acme").status, 404);
  HttpResponse again = Create("acme");
  ASSERT_EQ(again.status, 201) << again.body;
  EXPECT_NE(BodyOf(again)["id"], first_id);
  EXPECT_EQ(BodyOf(Call("GET", "/api/v1/orgs"))["total"], 1);
}

TEST_F(ApiTest, ReadyzTurns503WhenDraining) {
  EXPECT_EQ(Send("GET", "/readyz").body, R"({"status":"ready"})");
  service_->api()->SetDraining();
  HttpResponse r = Send("GET", "/readyz");
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.body, R"({"status":"draining"})");
  EXPECT_EQ(Send("GET", "/healthz").status, 200);
}

TEST_F(ApiTest, MetricsShowRequestsWriterAndLogPosition) {
  ASSERT_EQ(Create("acme").status, 201);
  ASSERT_EQ(Get("nope").status, 404);
  HttpResponse r = Send("GET", "/metrics");
  ASSERT_EQ(r.status, 200);
  EXPECT_TRUE(r.content_type.starts_with("text/plain"));
  for (std::string_view line :
       {"# TYPE orgd_http_request_duration_seconds histogram\n",
        "orgd_http_request_duration_seconds_count{route=\"/api/v1/"
        "orgs\",method=\"POST\",status=\"201\"} 1\n",
        "orgd_http_request_duration_seconds_bucket{route=\"/api/v1/orgs/"
        "{org}\",method=\"GET\",status=\"404\",le=\"+Inf\"} 1\n",
        "# TYPE orgd_writer_batch_size histogram\n", "orgd_writer_batch_size_count 2\n",
        "# TYPE orgd_writer_commit_seconds histogram\n", "orgd_writer_commit_seconds_count 2\n",
        "# TYPE orgd_log_position gauge\n", "\norgd_log_position 2\n"}) {
    EXPECT_NE(r.body.find(line), std::string::npos) << "missing: " << line << "\nin:\n" << r.body;
  }
}

}  // namespace
}  // namespace orgd::http
