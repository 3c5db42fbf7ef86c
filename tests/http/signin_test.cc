#include "src/http/core/auth.h"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>

#include "common/time_util.h"
#include "storage/event_store.h"
#include "tests/http/test_server.h"
#include "tests/test_util.h"

// Credentials and sign-in over real HTTP: every credential form, passwords,
// sessions, API keys, access tokens, their expiry and revocation, and the
// failed-sign-in limits (issue 14, "Passwords", "Credentials", "System API").

namespace orgd::test {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

constexpr char kPassword[] = "correct horse battery";
constexpr int64_t kHour = 3600 * 1000;

std::string Base64(std::string_view s) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < s.size(); i += 3) {
    const uint32_t n = (uint8_t(s[i]) << 16) | (uint8_t(s[i + 1]) << 8) | uint8_t(s[i + 2]);
    for (int k = 18; k >= 0; k -= 6) out += kAlphabet[(n >> k) & 63];
  }
  if (i + 1 == s.size()) {
    const uint32_t n = uint8_t(s[i]) << 16;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += "==";
  } else if (i + 2 == s.size()) {
    const uint32_t n = (uint8_t(s[i]) << 16) | (uint8_t(s[i + 1]) << 8);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += '=';
  }
  return out;
}

Headers SessionCookie(std::string_view token) {
  return {{"Cookie", "theme=dark; orgd_session=" + std::string(token)}};
}

json LoginBody(std::string_view email, std::string_view password) {
  return json{{"email", std::string(email)}, {"password", std::string(password)}};
}

// A server with small failed-sign-in limits: 3 failures, then a 60 s lockout.
class SignInTest : public ::testing::Test {
 protected:
  static constexpr int64_t kLockoutMs = 60'000;

  void SetUp() override {
    ASSERT_OK(server_.Start(dir_.Sub("data"), [](http::ServiceOptions& o) {
      o.auth.public_url = "http://orgd.test:8080";
      o.sign_in.max_failures = 3;
      o.sign_in.window_ms = 10 * 60'000;
      o.sign_in.lockout_ms = kLockoutMs;
      o.sign_in.max_lockout_ms = 4 * kLockoutMs;
    }));
    client_ = server_.NewClient();
    sue_ =
        client_->CreateAccount("sue@example.com", {{"first_name", "Sue"}, {"password", kPassword}});
    ASSERT_FALSE(sue_.empty());
  }
  void TearDown() override {
    client_.reset();
    EXPECT_OK(server_.Stop());
  }

  std::optional<RawResponse> Login(std::string_view email, std::string_view password) {
    return client_->Call("POST", "/api/v1/auth/login", LoginBody(email, password).dump());
  }
  std::optional<RawResponse> LoginFrom(const std::string& ip, std::string_view email,
                                       std::string_view password) {
    return CallFrom(ip, server_.port(), "POST", "/api/v1/auth/login",
                    LoginBody(email, password).dump());
  }
  std::optional<RawResponse> WhoAmI(std::string_view auth, Headers headers = {}) {
    return client_->Call("GET", "/api/v1/whoami", {}, auth, std::move(headers));
  }
  // The key's last_used_at as GET .../keys lists it (null when unused or not listed).
  json LastUsedAt(const std::string& account, const std::string& key_id) {
    auto r = client_->AsAdmin("GET", "/api/v1/accounts/" + account + "/keys");
    for (const auto& k : BodyOf(r).value("keys", json::array())) {
      if (k.value("id", "") == key_id) return k.value("last_used_at", json());
    }
    return json();
  }

  TempDir dir_;
  TestServer server_;
  std::unique_ptr<TestClient> client_;
  std::string sue_;
};

TEST_F(SignInTest, EveryCredentialFormAuthenticates) {
  const std::string key = client_->IssueKey(sue_).value("key", "");
  const std::string session = client_->Login("sue@example.com", kPassword);
  ASSERT_FALSE(key.empty());
  ASSERT_FALSE(session.empty());
  struct Form {
    const char* name;
    std::string auth;
    Headers headers;
  };
  const Form forms[] = {
      {"Bearer key", "Bearer " + key, {}},
      {"bearer key (lower case)", "bearer " + key, {}},
      {"Token key", "Token " + key, {}},
      {"Basic base64(key:)", "Basic " + Base64(key + ":"), {}},
      {"Basic base64(key:anything)", "Basic " + Base64(key + ":ignored"), {}},
      {"Bearer session token", "Bearer " + session, {}},
      {"the session cookie", "", SessionCookie(session)},
  };
  for (const Form& f : forms) {
    auto r = WhoAmI(f.auth, f.headers);
    ASSERT_TRUE(HasStatus(r, 200)) << f.name;
    json who = BodyOf(*r);
    EXPECT_EQ(who["account_id"], sue_) << f.name;
    EXPECT_EQ(who["site_admin"], false) << f.name;
    EXPECT_EQ(who["server_time"], server_.clock().now()) << f.name;
  }
}

TEST_F(SignInTest, BadCredentialsAre401) {
  EXPECT_TRUE(IsError(WhoAmI({}), 401, "missing_credentials"));
  EXPECT_TRUE(IsError(WhoAmI("Basic !!!not*base64!!!"), 401, "bad_authorization"));
  EXPECT_TRUE(IsError(WhoAmI("Basic " + Base64(":password-only")), 401, "bad_authorization"));
  EXPECT_TRUE(IsError(WhoAmI("Digest abc"), 401, "bad_authorization"));
  EXPECT_TRUE(IsError(WhoAmI("Bearer"), 401, "bad_authorization"));
  EXPECT_TRUE(IsError(WhoAmI("Bearer sk-NoSuchKey0123456789abcdefgh"), 401, "invalid_credentials"));
  EXPECT_TRUE(IsError(WhoAmI("Basic " + Base64("sk-NoSuchKey0123456789abcdefgh:")), 401,
                      "invalid_credentials"));
  EXPECT_TRUE(IsError(WhoAmI({}, SessionCookie("NoSuchSession")), 401, "invalid_credentials"));
  EXPECT_TRUE(IsError(WhoAmI({}, {{"Cookie", "other=1"}}), 401, "missing_credentials"));
}

TEST_F(SignInTest, ASiteKeyIsASiteAdminWithoutAnAccount) {
  auto r = WhoAmI(Bearer(kTestAdminKey));
  ASSERT_TRUE(HasStatus(r, 200));
  EXPECT_TRUE(BodyOf(*r)["account_id"].is_null()) << r->body;
  EXPECT_EQ(BodyOf(*r)["site_admin"], true);
}

TEST_F(SignInTest, PingAnswersTheServerTime) {
  auto r = client_->AsAdmin("GET", "/api/v1/ping");
  ASSERT_TRUE(HasStatus(r, 200));
  EXPECT_EQ(BodyOf(*r), (json{{"now", server_.clock().now()}}));
  EXPECT_TRUE(HasStatus(client_->Call("GET", "/api/v1/ping"), 401));
}

TEST_F(SignInTest, LoginAnswersATokenAndAnHttpOnlyLaxCookie) {
  auto r = Login("  SUE@example.com ", kPassword);
  ASSERT_TRUE(HasStatus(r, 200));
  json body = BodyOf(*r);
  const std::string token = body.value("token", "");
  EXPECT_GE(token.size(), 22u);
  EXPECT_EQ(body["account_id"], sue_);
  EXPECT_EQ(body["expires_at"], FormatIsoMs(server_.clock().now() + int64_t{7} * 24 * kHour));
  const std::string cookie = r->Header("Set-Cookie").value_or("");
  EXPECT_TRUE(cookie.starts_with("orgd_session=" + token + ";")) << cookie;
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("SameSite=Lax"), std::string::npos) << cookie;
  EXPECT_EQ(cookie.find("Secure"), std::string::npos) << cookie;
  EXPECT_EQ(BodyOf(WhoAmI(Bearer(token)))["account_id"], sue_);
}

// A sign-in's event names the account as its actor, and a retried sign-in
// with an Idempotency-Key is a new sign-in: its token is never stored, so a
// replayed reply could only hand out a token that does not exist.
TEST_F(SignInTest, ASignInIsRecordedAsTheAccountsAndNeverReplayed) {
  const Headers keyed = {{"Idempotency-Key", "login-1"}};
  auto first = client_->Call("POST", "/api/v1/auth/login",
                             LoginBody("sue@example.com", kPassword).dump(), {}, keyed);
  auto second = client_->Call("POST", "/api/v1/auth/login",
                              LoginBody("sue@example.com", kPassword).dump(), {}, keyed);
  ASSERT_TRUE(HasStatus(first, 200));
  ASSERT_TRUE(HasStatus(second, 200));
  EXPECT_FALSE(second->Header("Idempotent-Replayed").has_value());
  const std::string a = BodyOf(*first).value("token", "");
  const std::string b = BodyOf(*second).value("token", "");
  EXPECT_NE(a, b);
  EXPECT_EQ(BodyOf(WhoAmI(Bearer(a)))["account_id"], sue_);
  EXPECT_EQ(BodyOf(WhoAmI(Bearer(b)))["account_id"], sue_);
  int sessions = 0;
  for (auto it = server_.store()->NewLogIterator(); it->Valid(); it->Next()) {
    EventEnvelope e;
    ASSERT_OK(it->Decode(&e));
    if (e.type != "SessionStarted") continue;
    ++sessions;
    EXPECT_EQ(e.actor, "account:" + sue_);
    EXPECT_EQ(e.idempotency_key, "");
  }
  EXPECT_EQ(sessions, 2);
}

TEST_F(SignInTest, TheCookieIsSecureWhenThePublicUrlIsHttps) {
  TempDir dir;
  TestServer https;
  ASSERT_OK(https.Start(dir.Sub("data"), [](http::ServiceOptions& o) {
    o.auth.public_url = "https://orgd.example.com";
  }));
  auto c = https.NewClient();
  c->CreateAccount("tom@example.com", {{"password", kPassword}});
  auto r = c->Call("POST", "/api/v1/auth/login", LoginBody("tom@example.com", kPassword).dump());
  ASSERT_TRUE(HasStatus(r, 200));
  const std::string cookie = r->Header("Set-Cookie").value_or("");
  EXPECT_NE(cookie.find("; Secure"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos) << cookie;
  c.reset();
  EXPECT_OK(https.Stop());
}

TEST_F(SignInTest, AWrongPasswordAndAnUnknownEmailGetTheSame401) {
  auto wrong = Login("sue@example.com", "not the password");
  auto unknown = Login("nobody@example.com", kPassword);
  ASSERT_TRUE(IsError(wrong, 401, "invalid_credentials"));
  ASSERT_TRUE(IsError(unknown, 401, "invalid_credentials"));
  EXPECT_EQ(wrong->body, unknown->body);
  EXPECT_FALSE(wrong->Header("Set-Cookie").has_value());
  EXPECT_TRUE(IsError(Login("sue@example.com", ""), 401, "invalid_credentials"));
  EXPECT_TRUE(IsError(
      client_->Call("POST", "/api/v1/auth/login", json{{"email", "sue@example.com"}}.dump()), 400,
      "bad_body"));
}

TEST_F(SignInTest, AnAccountWithoutAPasswordCannotSignIn) {
  client_->CreateAccount("nopw@example.com");
  auto r = Login("nopw@example.com", "whatever it is");
  ASSERT_TRUE(IsError(r, 401, "invalid_credentials"));
  EXPECT_EQ(r->body, Login("nobody@example.com", "whatever it is")->body);
}

TEST_F(SignInTest, SettingAPasswordReplacesTheOldOne) {
  const std::string session = client_->Login("sue@example.com", kPassword);
  auto set = client_->Call("PUT", "/api/v1/accounts/" + sue_ + "/password",
                           json{{"password", "a brand new password"}}.dump(), Bearer(session));
  ASSERT_TRUE(HasStatus(set, 204));
  EXPECT_TRUE(IsError(Login("sue@example.com", kPassword), 401, "invalid_credentials"));
  EXPECT_TRUE(HasStatus(Login("sue@example.com", "a brand new password"), 200));

  // A site admin sets anyone's, also for an account that had none.
  const std::string nopw = client_->CreateAccount("una@example.com");
  ASSERT_TRUE(HasStatus(client_->AsAdmin("PUT", "/api/v1/accounts/" + nopw + "/password",
                                         json{{"password", "set by the admin"}}.dump()),
                        204));
  EXPECT_TRUE(HasStatus(Login("una@example.com", "set by the admin"), 200));
  ASSERT_TRUE(HasStatus(client_->AsAdmin("PUT", "/api/v1/accounts/sue@example.com/password",
                                         json{{"password", "the admin's choice"}}.dump()),
                        204));
  EXPECT_TRUE(HasStatus(Login("sue@example.com", "the admin's choice"), 200));
  EXPECT_TRUE(
      IsError(Login("sue@example.com", "a brand new password"), 401, "invalid_credentials"));
}

TEST_F(SignInTest, APasswordIsSetOnlyBySelfOrASiteAdminAndOnlyWithAGoodBody) {
  const std::string other =
      client_->CreateAccount("vera@example.com", {{"password", "vera's password"}});
  const std::string as_sue = Bearer(client_->Login("sue@example.com", kPassword));
  const std::string path = "/api/v1/accounts/" + other + "/password";
  // The session's first use is recorded after its reply; a write queued behind it lets it commit.
  ASSERT_EQ(client_->WhoAmIStatus(as_sue), 200);
  ASSERT_TRUE(HasStatus(
      client_->AsAdmin("PATCH", "/api/v1/accounts/" + sue_, json{{"last_name", "S"}}.dump()), 200));
  const uint64_t before = server_.position();
  EXPECT_TRUE(
      IsError(client_->Call("PUT", path, json{{"password", "sue was here!"}}.dump(), as_sue), 404,
              "unknown_account"));
  const std::string own = "/api/v1/accounts/" + sue_ + "/password";
  EXPECT_TRUE(IsError(client_->Call("PUT", own, json{{"pw", "long enough"}}.dump(), as_sue), 400,
                      "bad_body"));
  EXPECT_TRUE(IsError(client_->Call("PUT", own, json{{"password", 12345678}}.dump(), as_sue), 400,
                      "bad_body"));
  EXPECT_TRUE(IsError(client_->Call("PUT", own, json{{"password", "short"}}.dump(), as_sue), 400,
                      "invalid_password"));
  EXPECT_TRUE(HasStatus(client_->Call("PUT", own, "not json", as_sue), 400));
  EXPECT_TRUE(IsError(client_->Call("PUT", own, json{{"password", "long enough"}}.dump()), 401,
                      "missing_credentials"));
  EXPECT_EQ(server_.position(), before);
  EXPECT_TRUE(HasStatus(Login("vera@example.com", "vera's password"), 200));
  EXPECT_TRUE(HasStatus(Login("sue@example.com", kPassword), 200));
}

TEST_F(SignInTest, LogoutRevokesTheSessionAtOnce) {
  const std::string token = client_->Login("sue@example.com", kPassword);
  const std::string other = client_->Login("sue@example.com", kPassword);
  ASSERT_EQ(client_->WhoAmIStatus(Bearer(token)), 200);
  auto out = client_->Call("POST", "/api/v1/auth/logout", {}, {}, SessionCookie(token));
  ASSERT_TRUE(HasStatus(out, 204));
  const std::string cleared = out->Header("Set-Cookie").value_or("");
  EXPECT_TRUE(cleared.starts_with("orgd_session=;")) << cleared;
  EXPECT_NE(cleared.find("Max-Age=0"), std::string::npos) << cleared;
  EXPECT_TRUE(IsError(WhoAmI(Bearer(token)), 401, "invalid_credentials"));
  EXPECT_TRUE(IsError(WhoAmI({}, SessionCookie(token)), 401, "invalid_credentials"));
  EXPECT_TRUE(IsError(client_->Call("POST", "/api/v1/auth/logout", {}, Bearer(token)), 401,
                      "invalid_credentials"));
  // Only that session: another one of the same account goes on.
  EXPECT_EQ(client_->WhoAmIStatus(Bearer(other)), 200);
  // An API key is not signed out, it is revoked by id.
  const std::string key = client_->IssueKey(sue_).value("key", "");
  EXPECT_TRUE(
      IsError(client_->Call("POST", "/api/v1/auth/logout", {}, Bearer(key)), 400, "not_a_session"));
  EXPECT_EQ(client_->WhoAmIStatus(Bearer(key)), 200);
}

TEST_F(SignInTest, FailedSignInsLockTheAccountFromEveryAddress) {
  client_->CreateAccount("walt@example.com", {{"password", "walt's password"}});
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(IsError(LoginFrom("127.0.0.2", "sue@example.com", "guess " + std::to_string(i)),
                        401, "invalid_credentials"))
        << i;
  }
  // Locked: even the right password, from another address, until the lockout ends.
  auto locked = LoginFrom("127.0.0.3", "SUE@example.com", kPassword);
  ASSERT_TRUE(IsError(locked, 429, "too_many_attempts"));
  EXPECT_EQ(locked->Header("Retry-After").value_or(""), "60");
  server_.clock().Advance(30'000);
  auto later = LoginFrom("127.0.0.3", "sue@example.com", kPassword);
  ASSERT_TRUE(IsError(later, 429, "too_many_attempts"));
  EXPECT_EQ(later->Header("Retry-After").value_or(""), "30");
  // Another account from that other address is not affected.
  EXPECT_TRUE(HasStatus(LoginFrom("127.0.0.3", "walt@example.com", "walt's password"), 200));
  server_.clock().Advance(30'000);
  EXPECT_TRUE(HasStatus(LoginFrom("127.0.0.3", "sue@example.com", kPassword), 200));
}

TEST_F(SignInTest, FailedSignInsLockTheAddressForEveryAccount) {
  for (const char* email : {"x1@example.com", "x2@example.com", "x3@example.com"}) {
    EXPECT_TRUE(IsError(LoginFrom("127.0.0.4", email, "some guess"), 401, "invalid_credentials"))
        << email;
  }
  auto locked = LoginFrom("127.0.0.4", "sue@example.com", kPassword);
  ASSERT_TRUE(IsError(locked, 429, "too_many_attempts"));
  EXPECT_EQ(locked->Header("Retry-After").value_or(""), "60");
  // The account itself is not locked: from another address it signs in.
  EXPECT_TRUE(HasStatus(LoginFrom("127.0.0.5", "sue@example.com", kPassword), 200));
  server_.clock().Advance(kLockoutMs);
  EXPECT_TRUE(HasStatus(LoginFrom("127.0.0.4", "sue@example.com", kPassword), 200));
}

TEST_F(SignInTest, ASessionExpires) {
  const std::string token = client_->Login("sue@example.com", kPassword);
  server_.clock().Advance(int64_t{7} * 24 * kHour - 1);
  EXPECT_EQ(client_->WhoAmIStatus(Bearer(token)), 200);
  server_.clock().Advance(1);
  EXPECT_TRUE(IsError(WhoAmI(Bearer(token)), 401, "expired_credentials"));
  EXPECT_TRUE(IsError(WhoAmI({}, SessionCookie(token)), 401, "expired_credentials"));
}

TEST_F(SignInTest, AnApiKeyWithExpiresAtExpires) {
  const int64_t expires = server_.clock().now() + kHour;
  json issued = client_->IssueKey(sue_, {{"name", "ci"}, {"expires_at", FormatIsoMs(expires)}});
  EXPECT_EQ(issued["expires_at"], FormatIsoMs(expires));
  const std::string key = issued.value("key", "");
  EXPECT_EQ(client_->WhoAmIStatus(Bearer(key)), 200);
  server_.clock().Advance(kHour);
  EXPECT_TRUE(IsError(WhoAmI(Bearer(key)), 401, "expired_credentials"));
  EXPECT_TRUE(IsError(
      client_->AsAdmin("POST", "/api/v1/accounts/" + sue_ + "/keys",
                       json{{"expires_at", FormatIsoMs(server_.clock().now() - 1000)}}.dump()),
      400, "bad_field"));
}

TEST_F(SignInTest, AnAccountRevokesItsOwnKeyButNotAnothersKey) {
  const std::string as_sue = Bearer(client_->Login("sue@example.com", kPassword));
  json own = client_->IssueKey(sue_, json::object(), as_sue);
  const std::string other = client_->CreateAccount("xena@example.com");
  json others = client_->IssueKey(other);
  ASSERT_EQ(client_->WhoAmIStatus(Bearer(own.value("key", ""))), 200);

  EXPECT_TRUE(IsError(client_->Call("DELETE", "/api/v1/keys/" + others.value("id", ""), {}, as_sue),
                      404, "unknown_key"));
  EXPECT_EQ(client_->WhoAmIStatus(Bearer(others.value("key", ""))), 200);
  EXPECT_TRUE(
      IsError(client_->Call("DELETE", "/api/v1/keys/NoSuchKeyId", {}, as_sue), 404, "unknown_key"));

  ASSERT_TRUE(
      HasStatus(client_->Call("DELETE", "/api/v1/keys/" + own.value("id", ""), {}, as_sue), 204));
  EXPECT_TRUE(IsError(WhoAmI(Bearer(own.value("key", ""))), 401, "invalid_credentials"));
  EXPECT_TRUE(
      HasStatus(client_->Call("DELETE", "/api/v1/keys/" + own.value("id", ""), {}, as_sue), 404));
  // A site admin revokes anyone's.
  ASSERT_TRUE(HasStatus(client_->AsAdmin("DELETE", "/api/v1/keys/" + others.value("id", "")), 204));
  EXPECT_EQ(client_->WhoAmIStatus(Bearer(others.value("key", ""))), 401);
}

TEST_F(SignInTest, AKeyIsShownOnceAndListedWithItsLastUse) {
  auto r = client_->AsAdmin("POST", "/api/v1/accounts/" + sue_ + "/keys",
                            json{{"name", "laptop"}}.dump());
  ASSERT_TRUE(HasStatus(r, 201));
  json issued = BodyOf(*r);
  const std::string key = issued.value("key", "");
  ASSERT_TRUE(key.starts_with("sk-")) << key;
  EXPECT_GE(key.size(), 3u + 22u);  // >= 128 bits of base62
  EXPECT_EQ(
      key.find_first_not_of("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", 3),
      std::string::npos)
      << key;
  EXPECT_EQ(issued["name"], "laptop");
  EXPECT_EQ(issued["scope"], "account");
  EXPECT_TRUE(issued["expires_at"].is_null());
  EXPECT_EQ(issued["created_at"], FormatIsoMs(server_.clock().now()));
  const std::string id = issued.value("id", "");
  ASSERT_FALSE(id.empty());

  auto listed = client_->AsAdmin("GET", "/api/v1/accounts/" + sue_ + "/keys");
  ASSERT_TRUE(HasStatus(listed, 200));
  EXPECT_EQ(listed->body.find(key), std::string::npos) << listed->body;
  EXPECT_EQ(listed->body.find(key.substr(3)), std::string::npos) << listed->body;
  json keys = BodyOf(*listed)["keys"];
  ASSERT_EQ(keys.size(), 1u) << listed->body;
  EXPECT_EQ(keys[0]["id"], id);
  EXPECT_EQ(keys[0]["name"], "laptop");
  EXPECT_FALSE(keys[0].contains("key"));
  EXPECT_TRUE(keys[0]["last_used_at"].is_null());

  server_.clock().Advance(5000);
  const int64_t used_at = server_.clock().now();
  ASSERT_EQ(client_->WhoAmIStatus(Bearer(key)), 200);
  // The use is recorded after the reply, without blocking it.
  json last = LastUsedAt(sue_, id);
  for (int i = 0; i < 100 && last.is_null(); ++i) {
    std::this_thread::sleep_for(10ms);
    last = LastUsedAt(sue_, id);
  }
  EXPECT_EQ(last, FormatIsoMs(used_at));
  // The account lists its own keys too.
  EXPECT_TRUE(
      HasStatus(client_->Call("GET", "/api/v1/accounts/" + sue_ + "/keys", {}, Bearer(key)), 200));
}

TEST_F(SignInTest, AProjectKeyNeedsAProjectAndActsInIt) {
  EXPECT_TRUE(IsError(client_->AsAdmin("POST", "/api/v1/accounts/" + sue_ + "/keys",
                                       json{{"scope", "project"}}.dump()),
                      400, "invalid_project_id"));
  EXPECT_TRUE(IsError(client_->AsAdmin("POST", "/api/v1/accounts/" + sue_ + "/keys",
                                       json{{"scope", "account"}, {"project_id", "p-1"}}.dump()),
                      400, "invalid_project_id"));
  EXPECT_TRUE(IsError(
      client_->AsAdmin("POST", "/api/v1/accounts/" + sue_ + "/keys", json{{"scope", "org"}}.dump()),
      400, "invalid_scope"));
  json issued = client_->IssueKey(sue_, {{"scope", "project"}, {"project_id", "proj-42"}});
  EXPECT_EQ(issued["scope"], "project");
  EXPECT_EQ(issued["project_id"], "proj-42");
  auto who = WhoAmI(Bearer(issued.value("key", "")));
  ASSERT_TRUE(HasStatus(who, 200));
  EXPECT_EQ(BodyOf(*who)["project_id"], "proj-42") << who->body;
  EXPECT_FALSE(BodyOf(*who).contains("account_id")) << who->body;
  EXPECT_EQ(BodyOf(*who)["site_admin"], false);
  // It acts in its project only: not on its account, its password or its keys.
  const std::string as_project = Bearer(issued.value("key", ""));
  const std::string account = "/api/v1/accounts/" + sue_;
  EXPECT_TRUE(IsError(client_->Call("POST", account + "/keys", "{}", as_project), 403,
                      "project_scoped_key"));
  EXPECT_TRUE(IsError(client_->Call("PATCH", account, R"({"first_name":"P"})", as_project), 403,
                      "project_scoped_key"));
  EXPECT_TRUE(IsError(
      client_->Call("PUT", account + "/password", R"({"password":"project pass"})", as_project),
      403, "project_scoped_key"));
  EXPECT_TRUE(IsError(client_->Call("DELETE", "/api/v1/keys/" + issued.value("id", ""), {},
                                    as_project),
                      403, "project_scoped_key"));
}

TEST_F(SignInTest, AccessTokensAreIssuedBySiteAdminsAndSignInManyTimes) {
  const std::string as_sue = client_->IssueKey(sue_).value("key", "");
  EXPECT_TRUE(HasStatus(
      client_->Call("POST", "/api/v1/accounts/" + sue_ + "/access-tokens", {}, Bearer(as_sue)),
      403));
  auto r = client_->AsAdmin("POST", "/api/v1/accounts/" + sue_ + "/access-tokens");
  ASSERT_TRUE(HasStatus(r, 201));
  json issued = BodyOf(*r);
  const std::string token = issued.value("token", "");
  ASSERT_FALSE(token.empty());
  EXPECT_EQ(issued["url"], "http://orgd.test:8080/auth/impersonate?auth_token=" + token);
  EXPECT_EQ(issued["expires_at"], FormatIsoMs(server_.clock().now() + 24 * kHour));

  for (int i = 0; i < 2; ++i) {
    auto in = client_->Call("GET", "/auth/impersonate?auth_token=" + token);
    ASSERT_TRUE(HasStatus(in, 200)) << i;
    EXPECT_EQ(BodyOf(*in)["id"], sue_);
    EXPECT_EQ(BodyOf(*in)["email"], "sue@example.com");
    const std::string cookie = in->Header("Set-Cookie").value_or("");
    ASSERT_TRUE(cookie.starts_with("orgd_session=")) << cookie;
    EXPECT_NE(cookie.find("HttpOnly"), std::string::npos) << cookie;
    const std::string session = cookie.substr(13, cookie.find(';') - 13);
    auto who = WhoAmI({}, SessionCookie(session));
    ASSERT_TRUE(HasStatus(who, 200)) << i;
    EXPECT_EQ(BodyOf(*who)["account_id"], sue_);
  }
  // Not a credential of its own.
  EXPECT_TRUE(IsError(WhoAmI(Bearer(token)), 401, "invalid_credentials"));
  EXPECT_TRUE(IsError(WhoAmI({}, SessionCookie(token)), 401, "invalid_credentials"));

  EXPECT_TRUE(HasStatus(client_->AsAdmin("DELETE", "/api/v1/access-tokens/" + token), 204));
  EXPECT_TRUE(
      IsError(client_->Call("GET", "/auth/impersonate?auth_token=" + token), 401, "invalid_token"));
  EXPECT_TRUE(
      IsError(client_->AsAdmin("DELETE", "/api/v1/access-tokens/" + token), 404, "unknown_token"));
  EXPECT_TRUE(IsError(client_->Call("GET", "/auth/impersonate?auth_token=NoSuchToken"), 401,
                      "invalid_token"));
  EXPECT_TRUE(IsError(client_->Call("GET", "/auth/impersonate"), 400, "missing_token"));
}

TEST_F(SignInTest, AnAccessTokenExpires) {
  json body{{"expires_at", FormatIsoMs(server_.clock().now() + kHour)}};
  auto r = client_->AsAdmin("POST", "/api/v1/accounts/" + sue_ + "/access-tokens", body.dump());
  ASSERT_TRUE(HasStatus(r, 201));
  const std::string token = BodyOf(*r).value("token", "");
  EXPECT_EQ(BodyOf(*r)["expires_at"], body["expires_at"]);
  EXPECT_TRUE(HasStatus(client_->Call("GET", "/auth/impersonate?auth_token=" + token), 200));
  server_.clock().Advance(kHour);
  auto late = client_->Call("GET", "/auth/impersonate?auth_token=" + token);
  EXPECT_TRUE(IsError(late, 401, "invalid_token"));
  EXPECT_FALSE(late && late->Header("Set-Cookie").has_value());
  EXPECT_TRUE(
      IsError(client_->AsAdmin("POST", "/api/v1/accounts/" + sue_ + "/access-tokens",
                               json{{"expires_at", FormatIsoMs(server_.clock().now())}}.dump()),
              400, "bad_field"));
}

TEST_F(SignInTest, ImpersonateRedirectsWhenARedirectIsConfigured) {
  TempDir dir;
  TestServer redirecting;
  ASSERT_OK(redirecting.Start(dir.Sub("data"), [](http::ServiceOptions& o) {
    o.auth.impersonate_redirect = "https://app.example.com/projects";
  }));
  auto c = redirecting.NewClient();
  const std::string id = c->CreateAccount("yan@example.com");
  auto issued = c->AsAdmin("POST", "/api/v1/accounts/" + id + "/access-tokens");
  ASSERT_TRUE(HasStatus(issued, 201));
  auto r = c->Call("GET", "/auth/impersonate?auth_token=" + BodyOf(*issued).value("token", ""));
  ASSERT_TRUE(HasStatus(r, 302));
  EXPECT_EQ(r->Header("Location").value_or(""), "https://app.example.com/projects");
  const std::string cookie = r->Header("Set-Cookie").value_or("");
  ASSERT_TRUE(cookie.starts_with("orgd_session=")) << cookie;
  const std::string session = cookie.substr(13, cookie.find(';') - 13);
  auto who = c->Call("GET", "/api/v1/whoami", {}, {}, SessionCookie(session));
  ASSERT_TRUE(HasStatus(who, 200));
  EXPECT_EQ(BodyOf(*who)["account_id"], id);
  c.reset();
  EXPECT_OK(redirecting.Stop());
}

TEST_F(SignInTest, ADeactivatedAccountCanNoLongerAuthenticate) {
  const std::string key = client_->IssueKey(sue_).value("key", "");
  const std::string session = client_->Login("sue@example.com", kPassword);
  auto token = client_->AsAdmin("POST", "/api/v1/accounts/" + sue_ + "/access-tokens");
  ASSERT_TRUE(HasStatus(token, 201));
  ASSERT_TRUE(HasStatus(
      client_->AsAdmin("PATCH", "/api/v1/accounts/" + sue_, json{{"active", false}}.dump()), 200));
  EXPECT_TRUE(IsError(WhoAmI(Bearer(key)), 401, "invalid_credentials"));
  EXPECT_TRUE(IsError(WhoAmI(Bearer(session)), 401, "invalid_credentials"));
  EXPECT_TRUE(IsError(WhoAmI({}, SessionCookie(session)), 401, "invalid_credentials"));
  EXPECT_TRUE(IsError(Login("sue@example.com", kPassword), 401, "invalid_credentials"));
  EXPECT_TRUE(HasStatus(
      client_->Call("GET", "/auth/impersonate?auth_token=" + BodyOf(*token).value("token", "")),
      401));
}

}  // namespace
}  // namespace orgd::test
