// Invitations over real HTTP (issue 15, item 5): made by members holding
// invite (never with a role above their own), shown to whoever holds the
// token, accepted by the invited account (which joins in the same write) or
// declined; resent with a new token, revoked, expired on a manual clock;
// cursor pages; every error code, and that refused requests write nothing.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "common/time_util.h"
#include "src/projections/core/rebuild.h"
#include "src/projections/domains/domain_projection.h"
#include "src/projections/invitations/invitation_projection.h"
#include "src/projections/members/member_projection.h"
#include "tests/http/test_server.h"
#include "tests/test_util.h"

namespace orgd::test {
namespace {

using nlohmann::json;

constexpr char kPublicUrl[] = "https://orgd.example.com";
constexpr int64_t kDayMs = 24 * 3600 * 1000;

class InvitationsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK(server_.Start(dir_.Sub("data"), [](http::ServiceOptions& o) {
      o.auth.public_url = kPublicUrl;
      // Positions tell whether a refused request wrote anything.
      o.api.credential_use_interval_ms = 0;
    }));
    client_ = server_.NewClient();
    ASSERT_TRUE(HasStatus(client_->AsAdmin("POST", "/api/v1/orgs", R"({"name":"acme"})"), 201));
    ASSERT_TRUE(HasStatus(client_->AsAdmin("POST", "/api/v1/orgs", R"({"name":"beta"})"), 201));
    teacher_ = Person("teacher@example.com", &teacher_id_);
    ASSERT_TRUE(HasStatus(PutMember("acme", teacher_id_, "teacher"), 201));
    ann_ = Person("ann@example.com", &ann_id_);
    bob_ = Person("bob@example.com", &bob_id_);
  }
  void TearDown() override {
    client_.reset();
    EXPECT_OK(server_.Stop());
  }

  // A new account and the Authorization value of a key of it.
  std::string Person(const std::string& email, std::string* id) {
    *id = client_->CreateAccount(email, json{{"first_name", "F"}, {"last_name", email}});
    return Bearer(client_->IssueKey(*id).value("key", ""));
  }
  std::optional<RawResponse> PutMember(const std::string& org, const std::string& who,
                                       const std::string& role) {
    return client_->AsAdmin("PUT", "/api/v1/orgs/" + org + "/members/" + who,
                            json{{"role", role}}.dump());
  }
  std::optional<RawResponse> Invite(json body, std::string_view auth, std::string org = "acme",
                                    Headers headers = {}) {
    return client_->Call("POST", "/api/v1/orgs/" + org + "/invitations", body.dump(), auth,
                         std::move(headers));
  }
  // An invitation the teacher made; its reply.
  json Invited(const std::string& email, const std::string& role = "member",
               json extra = json::object()) {
    extra["email"] = email;
    extra["role"] = role;
    auto r = Invite(extra, teacher_);
    EXPECT_TRUE(HasStatus(r, 201));
    return BodyOf(r);
  }
  std::optional<RawResponse> Answer(const std::string& token, std::string_view verb,
                                    std::string_view auth) {
    return client_->Call("POST", "/api/v1/invitations/" + token + ":" + std::string(verb), {},
                         auth);
  }
  std::optional<RawResponse> Show(const std::string& token) {
    return client_->Call("GET", "/api/v1/invitations/" + token);
  }
  std::string Path(const json& inv) {
    return "/api/v1/orgs/acme/invitations/" + std::to_string(inv["id"].get<uint64_t>());
  }
  std::string RoleIn(const std::string& org, const std::string& account) {
    auto r = client_->AsAdmin("GET", "/api/v1/orgs/" + org + "/members/" + account);
    return r && r->status == 200 ? BodyOf(r).value("role", "") : "";
  }

  TempDir dir_;
  TestServer server_;
  std::unique_ptr<TestClient> client_;
  std::string teacher_, teacher_id_, ann_, ann_id_, bob_, bob_id_;
};

TEST_F(InvitationsTest, AnInvitationShowsItsTokenOnceAndTheTokenShowsTheInvitation) {
  auto made = Invite(json{{"email", "Ann@Example.com"}, {"role", "member"}}, teacher_, "acme",
                     {{"Idempotency-Key", "inv-1"}});
  ASSERT_TRUE(HasStatus(made, 201));
  const json inv = BodyOf(made);
  EXPECT_TRUE(inv["id"].is_number_unsigned());
  EXPECT_EQ(inv["email"], "ann@example.com");
  EXPECT_EQ(inv["role"], "member");
  EXPECT_TRUE(inv["department"].is_null());
  EXPECT_EQ(inv["status"], "pending");
  EXPECT_TRUE(inv["created_by"].is_string());
  EXPECT_TRUE(inv["created_at"].is_string());
  EXPECT_TRUE(inv["org_id"].is_number_unsigned());
  const std::string token = inv["token"];
  EXPECT_EQ(token.size(), 32u);
  EXPECT_EQ(inv["url"], std::string(kPublicUrl) + "/invitations/" + token);
  // Seven days by default.
  EXPECT_EQ(inv["expires_at"], FormatIsoMs(ManualClock::kStartMs + 7 * kDayMs));
  EXPECT_EQ(inv.count("token_sha256"), 0u);
  // A replay answers the same, but the token was never stored.
  auto again = Invite(json{{"email", "Ann@Example.com"}, {"role", "member"}}, teacher_, "acme",
                      {{"Idempotency-Key", "inv-1"}});
  ASSERT_TRUE(HasStatus(again, 201));
  EXPECT_EQ(BodyOf(again)["id"], inv["id"]);
  EXPECT_TRUE(BodyOf(again)["token"].is_null());
  EXPECT_TRUE(BodyOf(again)["url"].is_null());
  // Members with invite read it without the token.
  auto got = client_->Call("GET", Path(inv), {}, teacher_);
  ASSERT_TRUE(HasStatus(got, 200));
  EXPECT_EQ(BodyOf(got).count("token"), 0u);
  EXPECT_EQ(BodyOf(got)["email"], "ann@example.com");
  // Anyone holding the token sees what it invites to, without a credential.
  auto shown = Show(token);
  ASSERT_TRUE(HasStatus(shown, 200));
  EXPECT_EQ(BodyOf(shown)["org"], "acme");
  EXPECT_EQ(BodyOf(shown)["role"], "member");
  EXPECT_EQ(BodyOf(shown)["status"], "pending");
  EXPECT_EQ(BodyOf(shown)["expires_at"], inv["expires_at"]);
  EXPECT_TRUE(IsError(Show("no-such-token"), 404, "unknown_invitation"));
}

TEST_F(InvitationsTest, AcceptingMakesTheInvitedAccountAMemberOnce) {
  json inv = Invited("ann@example.com", "member", json{{"expires_in", 3600}});
  EXPECT_EQ(inv["expires_at"], FormatIsoMs(ManualClock::kStartMs + 3600 * 1000));
  auto accepted = Answer(inv["token"], "accept", ann_);
  ASSERT_TRUE(HasStatus(accepted, 200));
  EXPECT_EQ(BodyOf(accepted)["status"], "accepted");
  EXPECT_EQ(BodyOf(accepted)["used_by"], ann_id_);
  EXPECT_EQ(RoleIn("acme", ann_id_), "member");
  auto member = client_->AsAdmin("GET", "/api/v1/orgs/acme/members/" + ann_id_);
  EXPECT_EQ(BodyOf(member)["email"], "ann@example.com");
  EXPECT_EQ(BodyOf(member)["last_name"], "ann@example.com");
  EXPECT_TRUE(IsError(Answer(inv["token"], "accept", ann_), 409, "invitation_used"));
  EXPECT_TRUE(IsError(Answer(inv["token"], "decline", ann_), 409, "invitation_used"));
  EXPECT_EQ(BodyOf(Show(inv["token"]))["status"], "accepted");
  // An existing member who accepts takes the invitation's role.
  json promote = Invited("ann@example.com", "teacher");
  ASSERT_TRUE(HasStatus(Answer(promote["token"], "accept", ann_), 200));
  EXPECT_EQ(RoleIn("acme", ann_id_), "teacher");
}

TEST_F(InvitationsTest, OnlyTheInvitedAccountAnswersAndNotASiteKey) {
  json inv = Invited("ann@example.com");
  const uint64_t before = server_.position();
  EXPECT_TRUE(IsError(Answer(inv["token"], "accept", bob_), 403, "email_mismatch"));
  EXPECT_TRUE(IsError(Answer(inv["token"], "decline", bob_), 403, "email_mismatch"));
  EXPECT_TRUE(
      IsError(Answer(inv["token"], "accept", Bearer(kTestAdminKey)), 403, "account_required"));
  EXPECT_TRUE(IsError(Answer("wrong-token", "accept", ann_), 404, "unknown_invitation"));
  EXPECT_TRUE(IsError(Answer(inv["token"], "accept", ""), 401, "missing_credentials"));
  EXPECT_TRUE(IsError(Answer(inv["token"], "join", ann_), 404, "no_route"));
  EXPECT_EQ(server_.position(), before);
  // any_email: whoever signs in with the token.
  json open = Invited("someone@example.com", "viewer", json{{"any_email", true}});
  EXPECT_EQ(open["any_email"], true);
  ASSERT_TRUE(HasStatus(Answer(open["token"], "accept", bob_), 200));
  EXPECT_EQ(RoleIn("acme", bob_id_), "viewer");
  // Declined: no member, and it is used.
  ASSERT_TRUE(HasStatus(Answer(inv["token"], "decline", ann_), 200));
  EXPECT_EQ(BodyOf(Show(inv["token"]))["status"], "declined");
  EXPECT_EQ(RoleIn("acme", ann_id_), "");
  EXPECT_TRUE(IsError(Answer(inv["token"], "accept", ann_), 409, "invitation_used"));
}

TEST_F(InvitationsTest, AnExpiredInvitationIsGoneUntilResentWithANewToken) {
  json inv = Invited("ann@example.com", "member", json{{"expires_in", 60}});
  server_.clock().Advance(60'000);
  EXPECT_TRUE(IsError(Answer(inv["token"], "accept", ann_), 410, "invitation_expired"));
  EXPECT_TRUE(IsError(Answer(inv["token"], "decline", ann_), 410, "invitation_expired"));
  EXPECT_EQ(BodyOf(Show(inv["token"]))["status"], "expired");
  EXPECT_EQ(BodyOf(client_->Call("GET", Path(inv), {}, teacher_))["status"], "expired");
  // Resent: a new token and expiry; the old token leads nowhere.
  auto resent = client_->Call("POST", Path(inv) + ":resend", R"({"expires_in":120})", teacher_);
  ASSERT_TRUE(HasStatus(resent, 200));
  const json fresh = BodyOf(resent);
  EXPECT_EQ(fresh["id"], inv["id"]);
  EXPECT_EQ(fresh["status"], "pending");
  EXPECT_NE(fresh["token"], inv["token"]);
  EXPECT_EQ(fresh["url"],
            std::string(kPublicUrl) + "/invitations/" + fresh["token"].get<std::string>());
  EXPECT_EQ(fresh["expires_at"], FormatIsoMs(server_.clock().now() + 120'000));
  EXPECT_TRUE(IsError(Show(inv["token"]), 404, "unknown_invitation"));
  EXPECT_TRUE(IsError(Answer(inv["token"], "accept", ann_), 404, "unknown_invitation"));
  ASSERT_TRUE(HasStatus(Answer(fresh["token"], "accept", ann_), 200));
  // A used one is not resent.
  EXPECT_TRUE(
      IsError(client_->Call("POST", Path(inv) + ":resend", {}, teacher_), 409, "invitation_used"));
  EXPECT_TRUE(IsError(client_->Call("POST", Path(inv) + ":renew", {}, teacher_), 404, "no_route"));
}

TEST_F(InvitationsTest, ARevokedInvitationIsGoneAndAUsedOneCannotBeRevoked) {
  json inv = Invited("ann@example.com");
  ASSERT_TRUE(HasStatus(client_->Call("DELETE", Path(inv), {}, teacher_), 204));
  EXPECT_TRUE(IsError(Answer(inv["token"], "accept", ann_), 410, "invitation_revoked"));
  EXPECT_EQ(BodyOf(Show(inv["token"]))["status"], "revoked");
  EXPECT_TRUE(IsError(client_->Call("DELETE", Path(inv), {}, teacher_), 410, "invitation_revoked"));
  EXPECT_TRUE(IsError(client_->Call("POST", Path(inv) + ":resend", {}, teacher_), 410,
                      "invitation_revoked"));
  json used = Invited("bob@example.com");
  ASSERT_TRUE(HasStatus(Answer(used["token"], "accept", bob_), 200));
  EXPECT_TRUE(IsError(client_->Call("DELETE", Path(used), {}, teacher_), 409, "invitation_used"));
  EXPECT_TRUE(IsError(client_->Call("DELETE", "/api/v1/orgs/acme/invitations/999", {}, teacher_),
                      404, "unknown_invitation"));
  // Another org's invitation is not reachable through this org.
  const std::string other =
      "/api/v1/orgs/beta/invitations/" + std::to_string(inv["id"].get<uint64_t>());
  EXPECT_TRUE(IsError(client_->AsAdmin("GET", other), 404, "unknown_invitation"));
  EXPECT_TRUE(IsError(client_->AsAdmin("DELETE", other), 404, "unknown_invitation"));
}

TEST_F(InvitationsTest, NobodyInvitesWithARoleAboveTheirOwn) {
  std::string viewer_id;
  const std::string viewer = Person("viewer@example.com", &viewer_id);
  ASSERT_TRUE(HasStatus(PutMember("acme", viewer_id, "viewer"), 201));
  const uint64_t before = server_.position();
  EXPECT_TRUE(IsError(Invite(json{{"email", "x@example.com"}, {"role", "editor"}}, teacher_), 403,
                      "rank_too_high"));
  EXPECT_TRUE(IsError(Invite(json{{"email", "x@example.com"}, {"role", "owner"}}, teacher_), 403,
                      "rank_too_high"));
  // A member without invite: 403; an outsider: 404 (it learns nothing of the org).
  EXPECT_TRUE(IsError(Invite(json{{"email", "x@example.com"}, {"role", "viewer"}}, viewer), 403,
                      "missing_capability"));
  EXPECT_TRUE(IsError(client_->Call("GET", "/api/v1/orgs/acme/invitations", {}, viewer), 403,
                      "missing_capability"));
  EXPECT_TRUE(IsError(Invite(json{{"email", "x@example.com"}, {"role", "viewer"}}, bob_), 404,
                      "unknown_org"));
  EXPECT_TRUE(
      IsError(client_->Call("GET", "/api/v1/orgs/acme/invitations", {}, bob_), 404, "unknown_org"));
  EXPECT_TRUE(
      IsError(Invite(json{{"email", "x@example.com"}, {"role", "member"}}, teacher_, "beta"), 404,
              "unknown_org"));
  EXPECT_EQ(server_.position(), before);
  // A site key may invite with any role, even owner.
  ASSERT_TRUE(HasStatus(
      Invite(json{{"email", "x@example.com"}, {"role", "owner"}}, Bearer(kTestAdminKey)), 201));
}

TEST_F(InvitationsTest, AnInviterWhoLostTheRankCannotHaveTheInvitationAccepted) {
  json inv = Invited("ann@example.com", "teacher");
  json other = Invited("bob@example.com", "member");
  std::string carol_id;
  const std::string carol = Person("carol@example.com", &carol_id);
  json third = Invited("carol@example.com", "viewer");
  // Demoted to member: a teacher invitation no longer holds, a member one does.
  ASSERT_TRUE(HasStatus(PutMember("acme", teacher_id_, "member"), 200));
  EXPECT_TRUE(IsError(Answer(inv["token"], "accept", ann_), 403, "inviter_lacks_rank"));
  EXPECT_EQ(RoleIn("acme", ann_id_), "");
  EXPECT_EQ(BodyOf(Show(inv["token"]))["status"], "pending");
  ASSERT_TRUE(HasStatus(Answer(other["token"], "accept", bob_), 200));
  EXPECT_EQ(RoleIn("acme", bob_id_), "member");
  // Gone from the org: none of its invitations holds.
  ASSERT_TRUE(
      HasStatus(client_->AsAdmin("DELETE", "/api/v1/orgs/acme/members/" + teacher_id_), 204));
  EXPECT_TRUE(IsError(Answer(third["token"], "accept", carol), 403, "inviter_lacks_rank"));
  // Back with the rank: it holds again.
  ASSERT_TRUE(HasStatus(PutMember("acme", teacher_id_, "teacher"), 201));
  ASSERT_TRUE(HasStatus(Answer(inv["token"], "accept", ann_), 200));
  EXPECT_EQ(RoleIn("acme", ann_id_), "teacher");
}

TEST_F(InvitationsTest, AcceptingRespectsTheOrgsMaxMembers) {
  json inv = Invited("ann@example.com");
  ASSERT_TRUE(
      HasStatus(client_->AsAdmin("PATCH", "/api/v1/orgs/acme", R"({"max_members":1})"), 200));
  EXPECT_TRUE(IsError(Answer(inv["token"], "accept", ann_), 409, "quota_exceeded"));
  ASSERT_TRUE(
      HasStatus(client_->AsAdmin("PATCH", "/api/v1/orgs/acme", R"({"max_members":2})"), 200));
  ASSERT_TRUE(HasStatus(Answer(inv["token"], "accept", ann_), 200));
}

TEST_F(InvitationsTest, TheListPagesWithoutAHiddenCapAndFiltersByStatus) {
  std::vector<std::string> tokens;
  for (int i = 0; i < 25; ++i) {
    tokens.push_back(Invited("p" + std::to_string(i) + "@example.com")["token"]);
  }
  ASSERT_TRUE(HasStatus(client_->AsAdmin("POST", "/api/v1/orgs/beta/invitations",
                                         R"({"email":"elsewhere@example.com","role":"member"})"),
                        201));
  std::set<uint64_t> seen;
  std::string next;
  int pages = 0;
  do {
    auto r = client_->Call(
        "GET", "/api/v1/orgs/acme/invitations?limit=10" + (next.empty() ? "" : "&after=" + next),
        {}, teacher_);
    ASSERT_TRUE(HasStatus(r, 200));
    const json page = BodyOf(r);
    EXPECT_LE(page["invitations"].size(), 10u);
    for (const auto& i : page["invitations"])
      EXPECT_TRUE(seen.insert(i["id"].get<uint64_t>()).second);
    next = page["next"].is_null() ? "" : page["next"].get<std::string>();
    ++pages;
  } while (!next.empty() && pages < 10);
  EXPECT_EQ(seen.size(), 25u) << "only acme's, all of them";
  EXPECT_EQ(pages, 3);
  // Statuses: 1 revoked, 1 accepted, 1 declined, the rest pending until they expire.
  auto id_of = [&](const std::string& token) { return BodyOf(Show(token))["id"].get<uint64_t>(); };
  ASSERT_TRUE(HasStatus(
      client_->Call("DELETE", "/api/v1/orgs/acme/invitations/" + std::to_string(id_of(tokens[0])),
                    {}, teacher_),
      204));
  std::string p1_id, p2_id;
  const std::string p1 = Person("p1@example.com", &p1_id);
  const std::string p2 = Person("p2@example.com", &p2_id);
  ASSERT_TRUE(HasStatus(Answer(tokens[1], "accept", p1), 200));
  ASSERT_TRUE(HasStatus(Answer(tokens[2], "decline", p2), 200));
  auto count = [&](const std::string& status) {
    auto r = client_->Call("GET", "/api/v1/orgs/acme/invitations?limit=1000&status=" + status, {},
                           teacher_);
    EXPECT_TRUE(HasStatus(r, 200));
    const json page = BodyOf(r);  // a named value: the loop must not outlive it
    for (const auto& i : page["invitations"]) EXPECT_EQ(i["status"], status);
    return page["invitations"].size();
  };
  EXPECT_EQ(count("revoked"), 1u);
  EXPECT_EQ(count("accepted"), 1u);
  EXPECT_EQ(count("declined"), 1u);
  EXPECT_EQ(count("pending"), 22u);
  EXPECT_EQ(count("expired"), 0u);
  server_.clock().Advance(7 * kDayMs);
  EXPECT_EQ(count("pending"), 0u);
  EXPECT_EQ(count("expired"), 22u);
  // Filtered pages follow the cursor too.
  auto first =
      client_->Call("GET", "/api/v1/orgs/acme/invitations?status=expired&limit=20", {}, teacher_);
  ASSERT_TRUE(HasStatus(first, 200));
  const std::string after = BodyOf(first)["next"];
  auto rest = client_->Call(
      "GET", "/api/v1/orgs/acme/invitations?status=expired&limit=20&after=" + after, {}, teacher_);
  EXPECT_EQ(BodyOf(rest)["invitations"].size(), 2u);
  EXPECT_TRUE(BodyOf(rest)["next"].is_null());
}

TEST_F(InvitationsTest, BadInputIsRefusedAndChangesNothing) {
  const uint64_t before = server_.position();
  auto bad = [&](json body, std::string_view code) {
    EXPECT_TRUE(IsError(Invite(body, teacher_), 400, code)) << body.dump();
  };
  bad(json{{"role", "member"}}, "missing_field");
  bad(json{{"email", "a@example.com"}}, "missing_field");
  bad(json{{"email", "not-an-email"}, {"role", "member"}}, "invalid_email");
  bad(json{{"email", "a@example.com"}, {"role", "wizard"}}, "unknown_role");
  bad(json{{"email", "a@example.com"}, {"role", "member"}, {"department", "Nope"}},
      "unknown_department");
  bad(json{{"email", "a@example.com"}, {"role", "member"}, {"expires_in", 59}}, "bad_field");
  bad(json{{"email", "a@example.com"}, {"role", "member"}, {"expires_in", 30 * 24 * 3600 + 1}},
      "bad_field");
  bad(json{{"email", "a@example.com"}, {"role", "member"}, {"any_email", "yes"}}, "bad_field");
  bad(json{{"email", "a@example.com"}, {"role", "member"}, {"token", "mine"}}, "unknown_field");
  EXPECT_TRUE(IsError(client_->Call("POST", "/api/v1/orgs/acme/invitations", "[]", teacher_), 400,
                      "bad_body"));
  const std::string list = "/api/v1/orgs/acme/invitations";
  EXPECT_TRUE(IsError(client_->Call("GET", list + "?status=open", {}, teacher_), 400, "bad_query"));
  EXPECT_TRUE(IsError(client_->Call("GET", list + "?after=x", {}, teacher_), 400, "bad_cursor"));
  EXPECT_TRUE(
      IsError(client_->Call("GET", list + "?limit=0", {}, teacher_), 400, "bad_pagination"));
  EXPECT_TRUE(
      IsError(client_->Call("GET", list + "/abc", {}, teacher_), 404, "unknown_invitation"));
  EXPECT_TRUE(IsError(client_->Call("POST", list + "/1:resend", R"({"expires_in":5})", teacher_),
                      400, "bad_field"));
  EXPECT_EQ(server_.position(), before);
}

// The models the writer kept equal what the log alone folds into.
TEST_F(InvitationsTest, TheInvitationAndDomainModelsRebuildFromTheLogAlone) {
  json accepted = Invited("ann@example.com", "member");
  ASSERT_TRUE(HasStatus(Answer(accepted["token"], "accept", ann_), 200));
  json declined = Invited("bob@example.com", "viewer");
  ASSERT_TRUE(HasStatus(Answer(declined["token"], "decline", bob_), 200));
  json revoked = Invited("x@example.com");
  ASSERT_TRUE(HasStatus(client_->Call("DELETE", Path(revoked), {}, teacher_), 204));
  json resent = Invited("y@example.com");
  ASSERT_TRUE(HasStatus(client_->Call("POST", Path(resent) + ":resend", {}, teacher_), 200));
  ASSERT_TRUE(HasStatus(client_->AsAdmin("POST", "/api/v1/orgs/beta/invitations",
                                         R"({"email":"z@example.com","role":"member"})"),
                        201));
  for (const char* org : {"acme", "beta"}) {
    for (const char* domain : {"kept.test", "*.wild.test", "dropped.test"}) {
      ASSERT_TRUE(
          HasStatus(client_->AsAdmin("POST", "/api/v1/orgs/" + std::string(org) + "/domains",
                                     json{{"domain", domain}}.dump()),
                    201));
    }
  }
  ASSERT_TRUE(
      HasStatus(client_->AsAdmin("POST", "/api/v1/orgs/beta/domains/kept.test:verify"), 200));
  ASSERT_TRUE(
      HasStatus(client_->AsAdmin("POST", "/api/v1/orgs/acme/domains/*.wild.test:verify"), 200));
  ASSERT_TRUE(HasStatus(client_->AsAdmin("DELETE", "/api/v1/orgs/acme/domains/dropped.test"), 204));
  ASSERT_TRUE(HasStatus(client_->AsAdmin("DELETE", "/api/v1/orgs/beta"), 204));
  client_.reset();
  ASSERT_OK(server_.Stop());

  WritePath path(DomainStoreOptions(dir_.Sub("data")));
  ASSERT_OK(path.Open());
  path.StopWriter();
  for (const auto& p : path.projections()->projections()) {
    if (p->name() != InvitationProjection::kName && p->name() != DomainProjection::kName &&
        p->name() != MemberProjection::kName) {
      continue;
    }
    const std::string live = ColumnFamilyName(p->name());
    const std::string scratch = "scratch." + std::string(p->name());
    ASSERT_OK(RebuildInto(path.store(), *p, scratch));
    std::string difference;
    ASSERT_OK(CompareColumnFamilies(path.store(), live, scratch, &difference));
    EXPECT_EQ(difference, "") << live;
  }
  InvitationRecord r;
  ModelHandle invitations(
      path.store()->ReadModel(path.projections()->model(InvitationProjection::kName)));
  ASSERT_OK(InvitationReader(invitations).Find(accepted["id"].get<uint64_t>(), &r));
  EXPECT_EQ(r.status, "accepted");
  ModelHandle domains(path.store()->ReadModel(path.projections()->model(DomainProjection::kName)));
  DomainMatch m;
  ASSERT_OK(DomainReader(domains).Resolve("a.wild.test", &m));
  EXPECT_TRUE(DomainReader(domains).Resolve("kept.test", &m).IsNotFound()) << "freed with beta";
  ASSERT_OK(path.Close());
}

}  // namespace
}  // namespace orgd::test
