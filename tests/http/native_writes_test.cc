#include "src/http/native/native.h"

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "src/events/credential_events.h"
#include "src/http/service.h"
#include "storage/event_store.h"
#include "tests/http/raw_client.h"
#include "tests/http/test_server.h"
#include "tests/test_util.h"

// The native API's writes and pages over real HTTP: a real orgd on a
// loopback port, a real store, requests as bytes on a socket.

namespace orgd::http {
namespace {

using nlohmann::json;
using test::Headers;
using test::RawClient;
using test::RawResponse;
using namespace std::chrono_literals;

constexpr const char* kAdminKey = test::kTestAdminKey;

using test::BodyOf;
using test::IsError;

// A real orgd on a loopback port over a fresh store with a bootstrapped
// site-admin key; requests go over one keep-alive connection.
class NativeWritesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // The system clock: a replay must be told apart from a reply made anew
    // by its times.
    ASSERT_OK(server_.Start(dir_.Sub("data"), [](ServiceOptions& o) { o.api.clock = nullptr; }));
    ASSERT_EQ(Position(), 1u);  // the ApiKeyIssued event
    port_ = server_.port();
    ASSERT_TRUE(client_.Connect(port_));
  }

  void TearDown() override {
    client_.Close();
    EXPECT_OK(server_.Stop());
  }

  uint64_t Position() const { return server_.position(); }

  // The bytes of a request made with key (and a JSON body, if any).
  static std::string Request(std::string_view method, std::string_view target,
                             std::string_view body = {}, Headers extra = {},
                             std::string_view key = kAdminKey) {
    if (!key.empty()) extra.emplace_back("Authorization", "Bearer " + std::string(key));
    if (!body.empty()) extra.emplace_back("Content-Type", "application/json");
    return test::FormatRequest(method, target, body, extra);
  }

  // One exchange on the test's connection (reconnecting once when the server
  // closed it).
  std::optional<RawResponse> Call(std::string_view method, std::string_view target,
                                  std::string_view body = {}, Headers extra = {},
                                  std::string_view key = kAdminKey) {
    const std::string req = Request(method, target, body, extra, key);
    auto r = client_.RoundTrip(req);
    if (!r && client_.Connect(port_)) r = client_.RoundTrip(req);
    return r;
  }

  // Sends every request at once on one connection, then reads the replies in order.
  std::vector<RawResponse> Pipeline(const std::vector<std::string>& requests) {
    RawClient c;
    std::vector<RawResponse> out;
    if (!c.Connect(port_)) {
      ADD_FAILURE() << "cannot connect";
      return out;
    }
    std::string all;
    for (const auto& r : requests) all += r;
    if (!c.Send(all)) {
      ADD_FAILURE() << "send failed";
      return out;
    }
    for (size_t i = 0; i < requests.size(); ++i) {
      auto r = c.Read(10s);
      if (!r) {
        ADD_FAILURE() << "no reply to request " << i;
        return out;
      }
      out.push_back(std::move(*r));
    }
    return out;
  }

  // Orgs "org-1" .. "org-<n>", which get ids 1 .. n on a fresh store.
  void GivenOrgs(int n) {
    std::vector<std::string> requests;
    for (int i = 1; i <= n; ++i) {
      requests.push_back(
          Request("POST", "/api/v1/orgs", json{{"name", "org-" + std::to_string(i)}}.dump()));
    }
    std::vector<RawResponse> replies = Pipeline(requests);
    ASSERT_EQ(replies.size(), requests.size());
    for (int i = 0; i < n; ++i) {
      ASSERT_EQ(replies[i].status, 201) << replies[i].body;
      ASSERT_EQ(BodyOf(replies[i])["id"], i + 1) << replies[i].body;
    }
  }
  void GivenOrgsDeleted(const std::vector<uint64_t>& ids) {
    std::vector<std::string> requests;
    for (uint64_t id : ids) requests.push_back(Request("DELETE", "/api/v1/orgs/" + std::to_string(id)));
    std::vector<RawResponse> replies = Pipeline(requests);
    ASSERT_EQ(replies.size(), requests.size());
    for (const auto& r : replies) ASSERT_EQ(r.status, 204) << r.body;
  }
  // An org named name at version `version` (created, then retitled).
  void GivenOrgAtVersion(const std::string& name, uint64_t version) {
    auto created = Call("POST", "/api/v1/orgs", json{{"name", name}, {"title", "v1"}}.dump());
    ASSERT_TRUE(created);
    ASSERT_EQ(created->status, 201) << created->body;
    for (uint64_t v = 2; v <= version; ++v) {
      auto r = Call("PATCH", "/api/v1/orgs/" + name,
                    json{{"title", "v" + std::to_string(v)}}.dump());
      ASSERT_TRUE(r);
      ASSERT_EQ(r->status, 200) << r->body;
      ASSERT_EQ(r->Header("ETag"), "\"" + std::to_string(v) + "\"");
    }
  }

  // A new site-admin key through POST /api/v1/keys: {"id","key",...}.
  json IssueKey(std::string_view as_key = kAdminKey, Headers extra = {},
                std::string_view body = R"({"label":"ci"})") {
    auto r = Call("POST", "/api/v1/keys", body, extra, as_key);
    if (!r || r->status != 201) {
      ADD_FAILURE() << "POST /api/v1/keys: " << (r ? r->body : "no response");
      return json::object();
    }
    return BodyOf(*r);
  }

  // The id of the bootstrap key, as the first event of the log records it.
  std::string BootstrapKeyId() {
    EventEnvelope first;
    EXPECT_OK(server_.store()->ReadEvent(1, &first));
    ApiKeyIssued issued;
    EXPECT_OK(DecodeAs(first, &issued));
    return issued.key_id;
  }

  int StatusWithKey(std::string_view key) {
    auto r = Call("GET", "/api/v1/orgs", {}, {}, key);
    return r ? r->status : 0;
  }

  test::TempDir dir_;
  test::TestServer server_;
  uint16_t port_ = 0;
  RawClient client_;
};

// ------------------------------------------------- (a) idempotent replay

TEST_F(NativeWritesTest, AReplayedCreateAnswersTheFirstReplyAfterTheOrgChanged) {
  const std::string body = R"({"name":"acme","title":"Acme"})";
  const Headers key = {{"Idempotency-Key", "create-acme-1"}};
  auto first = Call("POST", "/api/v1/orgs", body, key);
  ASSERT_TRUE(first);
  ASSERT_EQ(first->status, 201) << first->body;
  EXPECT_EQ(first->Header("ETag"), "\"1\"");
  EXPECT_EQ(first->Header("Idempotent-Replayed"), std::nullopt);

  auto patched = Call("PATCH", "/api/v1/orgs/acme", R"({"title":"Acme Now"})");
  ASSERT_TRUE(patched);
  ASSERT_EQ(patched->status, 200) << patched->body;
  const uint64_t before = Position();

  auto again = Call("POST", "/api/v1/orgs", body, key);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, first->status);
  EXPECT_EQ(again->body, first->body) << "the org as it was, not as it is now";
  EXPECT_EQ(BodyOf(*again)["title"], "Acme");
  EXPECT_EQ(again->Header("ETag"), first->Header("ETag"));
  EXPECT_EQ(again->Header("Idempotent-Replayed"), "true");
  EXPECT_EQ(Position(), before) << "a replay appended an event";

  auto now = Call("GET", "/api/v1/orgs/acme");
  ASSERT_TRUE(now);
  EXPECT_EQ(BodyOf(*now)["title"], "Acme Now") << "the replay changed the org";
  EXPECT_EQ(now->Header("ETag"), "\"2\"");
}

TEST_F(NativeWritesTest, TheSameIdempotencyKeyForAnotherRequestIs409) {
  const std::string body = R"({"name":"acme"})";
  const Headers key = {{"Idempotency-Key", "create-acme-2"}};
  auto first = Call("POST", "/api/v1/orgs", body, key);
  ASSERT_TRUE(first);
  ASSERT_EQ(first->status, 201) << first->body;
  const uint64_t before = Position();

  EXPECT_TRUE(IsError(Call("POST", "/api/v1/orgs", R"({"name":"other"})", key), 409,
                      "idempotency_key_reused"));
  // The same body with an If-Match is another request too.
  Headers with_if_match = key;
  with_if_match.emplace_back("If-Match", "\"1\"");
  EXPECT_TRUE(IsError(Call("POST", "/api/v1/orgs", body, with_if_match), 409,
                      "idempotency_key_reused"));
  EXPECT_EQ(Position(), before);
  EXPECT_TRUE(IsError(Call("GET", "/api/v1/orgs/other"), 404, "unknown_org"));
  // The first request itself still replays.
  auto again = Call("POST", "/api/v1/orgs", body, key);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 201);
  EXPECT_EQ(again->Header("Idempotent-Replayed"), "true");
}

// ---------------------------------------------------------- (b) If-Match

TEST_F(NativeWritesTest, IfMatchTagsThatAreNotTheCurrentStrongVersionGet412AndChangeNothing) {
  ASSERT_NO_FATAL_FAILURE(GivenOrgAtVersion("acme", 3));
  auto before = Call("GET", "/api/v1/orgs/acme");
  ASSERT_TRUE(before);
  ASSERT_EQ(before->Header("ETag"), "\"3\"");
  const uint64_t position = Position();

  for (std::string tag : {R"("stale-0")", R"("7")", R"(W/"1")", R"(W/"3")"}) {
    auto patch = Call("PATCH", "/api/v1/orgs/acme", R"({"title":"changed"})", {{"If-Match", tag}});
    EXPECT_TRUE(IsError(patch, 412, "version_mismatch")) << tag;
    if (patch) {
      EXPECT_EQ(patch->Header("ETag"), "\"3\"") << tag;  // the version it has
    }
    EXPECT_TRUE(IsError(Call("DELETE", "/api/v1/orgs/acme", {}, {{"If-Match", tag}}), 412,
                        "version_mismatch"))
        << tag;
  }
  EXPECT_EQ(Position(), position);
  auto after = Call("GET", "/api/v1/orgs/acme");
  ASSERT_TRUE(after);
  EXPECT_EQ(after->body, before->body);
  EXPECT_EQ(after->Header("ETag"), "\"3\"");

  auto matching = Call("PATCH", "/api/v1/orgs/acme", R"({"title":"changed"})", {{"If-Match", "\"3\""}});
  ASSERT_TRUE(matching);
  EXPECT_EQ(matching->status, 200) << matching->body;
  EXPECT_EQ(matching->Header("ETag"), "\"4\"");
}

TEST_F(NativeWritesTest, AnIfMatchThatIsNoSingleEntityTagGets400) {
  ASSERT_NO_FATAL_FAILURE(GivenOrgAtVersion("acme", 3));
  const uint64_t position = Position();
  for (std::string value : {"abc", R"("1", "2")"}) {
    EXPECT_TRUE(IsError(
        Call("PATCH", "/api/v1/orgs/acme", R"({"title":"changed"})", {{"If-Match", value}}), 400,
        "bad_if_match"))
        << value;
    EXPECT_TRUE(IsError(Call("DELETE", "/api/v1/orgs/acme", {}, {{"If-Match", value}}), 400,
                        "bad_if_match"))
        << value;
  }
  EXPECT_EQ(Position(), position);
}

// -------------------------------------------------------- (c) digit names

TEST_F(NativeWritesTest, AnAllDigitNameIsRefused) {
  EXPECT_TRUE(IsError(Call("POST", "/api/v1/orgs", R"({"name":"123"})"), 400, "invalid_name"));
  EXPECT_EQ(Position(), 1u);
  auto mixed = Call("POST", "/api/v1/orgs", R"({"name":"123a"})");
  ASSERT_TRUE(mixed);
  EXPECT_EQ(mixed->status, 201) << mixed->body;
}

TEST_F(NativeWritesTest, AnAllDigitReferenceIsAnId) {
  ASSERT_NO_FATAL_FAILURE(GivenOrgs(42));
  auto r = Call("GET", "/api/v1/orgs/42");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(BodyOf(*r)["id"], 42);
  EXPECT_EQ(BodyOf(*r)["name"], "org-42");
  auto by_name = Call("GET", "/api/v1/orgs/org-42");
  ASSERT_TRUE(by_name);
  EXPECT_EQ(by_name->body, r->body);
  EXPECT_TRUE(IsError(Call("GET", "/api/v1/orgs/43"), 404, "unknown_org"));
}

// ------------------------------------------------------- (d) cursor pages

class NativePagesTest : public NativeWritesTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(NativeWritesTest::SetUp());
    ASSERT_NO_FATAL_FAILURE(GivenOrgs(25));
    // Some at the start, some in the middle, and the last one.
    ASSERT_NO_FATAL_FAILURE(GivenOrgsDeleted({1, 2, 3, 9, 10, 11, 12, 17, 18, 25}));
    for (uint64_t id = 1; id <= 25; ++id) {
      if (!std::set<uint64_t>{1, 2, 3, 9, 10, 11, 12, 17, 18, 25}.count(id)) live_.push_back(id);
    }
    ASSERT_EQ(live_.size(), 15u);
  }

  // Walks /api/v1/orgs?limit=<limit> following "next"; the ids in order.
  std::vector<uint64_t> Walk(size_t limit) {
    std::vector<uint64_t> ids;
    std::string target = "/api/v1/orgs?limit=" + std::to_string(limit);
    for (int pages = 0; pages < 100; ++pages) {
      auto r = Call("GET", target);
      if (!r || r->status != 200) {
        ADD_FAILURE() << target << ": " << (r ? r->body : "no response");
        return ids;
      }
      json page = BodyOf(*r);
      EXPECT_EQ(page["total"], live_.size()) << target;
      EXPECT_EQ(page["limit"], limit) << target;
      EXPECT_FALSE(page["orgs"].empty()) << "an empty page before the end: " << target;
      EXPECT_LE(page["orgs"].size(), limit) << target;
      for (const json& org : page["orgs"]) ids.push_back(org["id"].get<uint64_t>());
      if (page["next"].is_null()) return ids;
      if (!page["next"].is_string()) {
        ADD_FAILURE() << "next is neither a string nor null: " << page;
        return ids;
      }
      target = "/api/v1/orgs?limit=" + std::to_string(limit) +
               "&after=" + page["next"].get<std::string>();
    }
    ADD_FAILURE() << "more than 100 pages";
    return ids;
  }

  std::vector<uint64_t> live_;
};

TEST_F(NativePagesTest, FollowingNextVisitsEveryLiveOrgOnceInIdOrder) {
  EXPECT_EQ(Walk(4), live_);
  EXPECT_EQ(Walk(5), live_);  // the last page ends exactly at the last org
  EXPECT_EQ(Walk(1), live_);
  EXPECT_EQ(Walk(100), live_);
}

TEST_F(NativePagesTest, ACursorAtADeletedOrgGoesOnFromTheNextLiveOne) {
  auto r = Call("GET", "/api/v1/orgs?limit=2&after=9");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  json page = BodyOf(*r);
  ASSERT_EQ(page["orgs"].size(), 2u) << page;
  EXPECT_EQ(page["orgs"][0]["id"], 13);
  EXPECT_EQ(page["orgs"][1]["id"], 14);
  EXPECT_EQ(page["next"], "14");
  auto end = Call("GET", "/api/v1/orgs?limit=2&after=24");
  ASSERT_TRUE(end);
  json last = BodyOf(*end);
  EXPECT_TRUE(last["orgs"].empty()) << last;
  EXPECT_TRUE(last["next"].is_null()) << last;
  EXPECT_EQ(last["total"], 15);
}

TEST_F(NativePagesTest, ACursorBeyondEveryIdGivesAnEmptyLastPage) {
  for (std::string_view after : {"25", "1000", "18446744073709551614", "18446744073709551615"}) {
    auto r = Call("GET", "/api/v1/orgs?limit=4&after=" + std::string(after));
    ASSERT_TRUE(r) << after;
    ASSERT_EQ(r->status, 200) << after << ": " << r->body;
    json page = BodyOf(*r);
    EXPECT_TRUE(page["orgs"].empty()) << "after=" << after << ": " << page;
    EXPECT_TRUE(page["next"].is_null()) << "after=" << after << ": " << page;
    EXPECT_EQ(page["total"], 15) << after;
  }
}

TEST_F(NativePagesTest, BadCursorsAndLimitsGet400) {
  for (std::string_view q : {"after=abc", "after=-1", "limit=4&after=abc", "limit=4&after=-1",
                             "limit=4&after=", "limit=4&after=1.5"}) {
    EXPECT_TRUE(IsError(Call("GET", "/api/v1/orgs?" + std::string(q)), 400, "bad_cursor")) << q;
  }
  for (std::string_view q : {"limit=0", "limit=101", "limit=-1", "limit=x"}) {
    auto r = Call("GET", "/api/v1/orgs?" + std::string(q));
    ASSERT_TRUE(r) << q;
    EXPECT_EQ(r->status, 400) << q << ": " << r->body;
    EXPECT_TRUE(IsError(r, 400, "bad_pagination")) << q;
  }
  auto most = Call("GET", "/api/v1/orgs?limit=100");
  ASSERT_TRUE(most);
  EXPECT_EQ(most->status, 200);
}

TEST_F(NativePagesTest, OffsetPagesStillWork) {
  auto r = Call("GET", "/api/v1/orgs?page=2&per_page=4");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  json page = BodyOf(*r);
  std::vector<uint64_t> ids;
  for (const json& org : page["orgs"]) ids.push_back(org["id"].get<uint64_t>());
  EXPECT_EQ(ids, std::vector<uint64_t>(live_.begin() + 4, live_.begin() + 8));
  EXPECT_EQ(page["page"], 2);
  EXPECT_EQ(page["per_page"], 4);
  EXPECT_EQ(page["next_page"], 3);
  EXPECT_EQ(page["total"], 15);
  auto last = Call("GET", "/api/v1/orgs?page=4&per_page=4");
  ASSERT_TRUE(last);
  json last_page = BodyOf(*last);
  EXPECT_EQ(last_page["orgs"].size(), 3u) << last_page;
  EXPECT_TRUE(last_page["next_page"].is_null());
  EXPECT_TRUE(IsError(Call("GET", "/api/v1/orgs?page=1000&per_page=100"), 400, "page_too_deep"));
}

TEST_F(NativeWritesTest, AfterEveryOrgWasDeletedTheListShowsOnlyNewOnes) {
  ASSERT_NO_FATAL_FAILURE(GivenOrgs(3));
  ASSERT_NO_FATAL_FAILURE(GivenOrgsDeleted({2, 1, 3}));
  auto empty = Call("GET", "/api/v1/orgs?limit=4");
  ASSERT_TRUE(empty);
  json none = BodyOf(*empty);
  EXPECT_TRUE(none["orgs"].empty()) << none;
  EXPECT_EQ(none["total"], 0);
  EXPECT_TRUE(none["next"].is_null());
  auto created = Call("POST", "/api/v1/orgs", R"({"name":"after-all"})");
  ASSERT_TRUE(created);
  ASSERT_EQ(created->status, 201) << created->body;
  for (std::string_view q : {"limit=4", "page=1&per_page=4", "limit=4&after=0"}) {
    auto r = Call("GET", "/api/v1/orgs?" + std::string(q));
    ASSERT_TRUE(r) << q;
    json page = BodyOf(*r);
    ASSERT_EQ(page["orgs"].size(), 1u) << q << ": " << page;
    EXPECT_EQ(page["orgs"][0]["id"], 4) << q;
    EXPECT_EQ(page["total"], 1) << q;
  }
}

// --------------------------------------------------------- (e) site keys

TEST_F(NativeWritesTest, AnIssuedSiteKeyWorksAtOnce) {
  json issued = IssueKey();
  ASSERT_TRUE(issued.contains("key") && issued["key"].is_string()) << issued;
  ASSERT_TRUE(issued.contains("id") && issued["id"].is_string()) << issued;
  const std::string key = issued["key"];
  EXPECT_TRUE(key.starts_with("sk-")) << key;
  EXPECT_FALSE(issued["id"].get<std::string>().empty());
  EXPECT_EQ(issued["label"], "ci");
  EXPECT_EQ(issued["site_admin"], true);
  EXPECT_EQ(StatusWithKey(key), 200);
  EXPECT_EQ(Position(), 2u);
}

TEST_F(NativeWritesTest, ARevokedKeyGets401AtOnce) {
  json issued = IssueKey();
  const std::string key = issued.value("key", "");
  const std::string id = issued.value("id", "");
  ASSERT_EQ(StatusWithKey(key), 200);
  auto revoked = Call("DELETE", "/api/v1/keys/" + id);
  ASSERT_TRUE(revoked);
  EXPECT_EQ(revoked->status, 204) << revoked->body;
  auto refused = Call("GET", "/api/v1/orgs", {}, {}, key);
  EXPECT_TRUE(IsError(refused, 401, "invalid_credentials"));
  EXPECT_TRUE(IsError(Call("DELETE", "/api/v1/keys/" + id), 404, "unknown_key"));
  EXPECT_EQ(StatusWithKey(kAdminKey), 200);
}

TEST_F(NativeWritesTest, TheBootstrapKeyIsReplacedButTheLastSiteAdminKeyStays) {
  const std::string bootstrap_id = BootstrapKeyId();
  ASSERT_FALSE(bootstrap_id.empty());
  EXPECT_TRUE(IsError(Call("DELETE", "/api/v1/keys/" + bootstrap_id), 409, "last_site_admin_key"));
  EXPECT_EQ(StatusWithKey(kAdminKey), 200);

  json replacement = IssueKey();
  const std::string key = replacement.value("key", "");
  const std::string id = replacement.value("id", "");
  auto revoked = Call("DELETE", "/api/v1/keys/" + bootstrap_id, {}, {}, key);
  ASSERT_TRUE(revoked);
  EXPECT_EQ(revoked->status, 204) << revoked->body;
  EXPECT_EQ(StatusWithKey(kAdminKey), 401);

  const uint64_t position = Position();
  EXPECT_TRUE(
      IsError(Call("DELETE", "/api/v1/keys/" + id, {}, {}, key), 409, "last_site_admin_key"));
  EXPECT_EQ(Position(), position);
  EXPECT_EQ(StatusWithKey(key), 200);
}

TEST_F(NativeWritesTest, AReplayedKeyIssueShowsTheSameKeyWithoutItsSecret) {
  const Headers idem = {{"Idempotency-Key", "issue-deploy-key"}};
  const std::string body = R"({"label":"deploy"})";
  auto first = Call("POST", "/api/v1/keys", body, idem);
  ASSERT_TRUE(first);
  ASSERT_EQ(first->status, 201) << first->body;
  json issued = BodyOf(*first);
  ASSERT_TRUE(issued["key"].is_string()) << issued;
  const uint64_t position = Position();
  std::this_thread::sleep_for(5ms);  // a reply made anew would show another created_at

  auto again = Call("POST", "/api/v1/keys", body, idem);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 201) << again->body;
  EXPECT_EQ(again->Header("Idempotent-Replayed"), "true");
  json replayed = BodyOf(*again);
  EXPECT_TRUE(replayed.contains("key") && replayed["key"].is_null()) << replayed;
  EXPECT_EQ(replayed["label"], "deploy");
  EXPECT_EQ(Position(), position) << "a replay issued another key";
  EXPECT_EQ(replayed["id"], issued["id"]) << "the replay names another key than the one issued";
  EXPECT_EQ(replayed["created_at"], issued["created_at"]);
  EXPECT_EQ(again->Header("ETag"), first->Header("ETag"));
  // The key the first reply gave is the one that works.
  EXPECT_EQ(StatusWithKey(issued["key"].get<std::string>()), 200);
}

// ----------------------------------------------------------- (f) /readyz

TEST_F(NativeWritesTest, ReadyzWhileHealthyIs200Ready) {
  auto r = Call("GET", "/readyz", {}, {}, /*key=*/"");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, R"({"status":"ready"})");
  EXPECT_EQ(r->Header("Content-Type"), "application/json");
}

}  // namespace
}  // namespace orgd::http
