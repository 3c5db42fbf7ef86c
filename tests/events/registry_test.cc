#include "src/events/registry.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "src/events/credential_events.h"
#include "src/events/org_events.h"
#include "storage/log/record.h"
#include "tests/test_util.h"

// The event registry and the payload codec it derives from each event
// declaration: every registered type, each concrete event, the failures a
// stored payload can have, upcasting, and the envelope fuzz target's seeds.

namespace orgd {
namespace {

using nlohmann::json;

// Strings a payload must carry through unchanged: JSON's escapes, control
// characters and multi-byte UTF-8.
constexpr std::string_view kQuotes = "say \"hello\"";
constexpr std::string_view kBackslashes = "C:\\orgs\\acme\\";
constexpr std::string_view kNewlines = "line one\nline two\r\n\ttabbed";
constexpr std::string_view kUtf8 = "Zo\xc3\xab's caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x9a\x80";

template <typename T>
std::string Show(const T& v) {
  std::ostringstream out;
  out << ::testing::PrintToString(v);
  return out.str();
}

// Passes when every declared field of a and b holds the same value.
template <typename E>
::testing::AssertionResult SameFields(const E& a, const E& b) {
  std::string diff;
  std::apply(
      [&](const auto&... f) {
        auto one = [&](const auto& field) {
          if (!(a.*(field.member) == b.*(field.member))) {
            diff += std::string(field.name) + ": " + Show(a.*(field.member)) + " vs " +
                    Show(b.*(field.member)) + "; ";
          }
        };
        (one(f), ...);
      },
      E::kFields);
  if (diff.empty()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << E::kType << " differs in " << diff;
}

// ToPayload, then FromPayload at the current version.
template <typename E>
E RoundTrip(const E& e) {
  E back;
  const std::string payload = ToPayload(e);
  Status s = FromPayload(payload, E::kVersion, &back);
  EXPECT_OK(s) << payload;
  return back;
}

template <typename E>
Status Decode(std::string_view payload, uint32_t version = E::kVersion) {
  E e;
  return FromPayload(payload, version, &e);
}

// ---------------------------------------------------------------- registry

TEST(EventRegistryTest, EveryTypeOfEveryAggregateIsRegisteredOnce) {
  std::vector<std::string_view> names;
  for (const EventTypeInfo& t : EventRegistry::Get().types()) names.push_back(t.type);
  std::vector<std::string_view> sorted = names;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(std::adjacent_find(sorted.begin(), sorted.end()), sorted.end())
      << "a type is registered twice";
  for (std::string_view expected :
       {OrgCreated::kType, OrgUpdated::kType, OrgDeleted::kType, ApiKeyIssued::kType,
        ApiKeyRevoked::kType}) {
    EXPECT_NE(std::find(names.begin(), names.end(), expected), names.end()) << expected;
    EXPECT_NE(EventRegistry::Get().Find(expected), nullptr) << expected;
  }
  EXPECT_EQ(EventRegistry::Get().Find("OrgRenamed"), nullptr);
}

TEST(EventRegistryTest, EverySamplePayloadRecodesToTheSameBytes) {
  ASSERT_FALSE(EventRegistry::Get().types().empty());
  for (const EventTypeInfo& t : EventRegistry::Get().types()) {
    const std::string sample = t.sample();
    std::string canonical;
    Status s = t.recode(sample, t.version, &canonical);
    EXPECT_OK(s) << t.type << ": " << sample;
    EXPECT_EQ(canonical, sample) << t.type;
    json parsed = json::parse(sample, nullptr, false);
    ASSERT_TRUE(parsed.is_object()) << t.type << ": " << sample;
    // Only declared fields are written (empty optionals are left out).
    for (const auto& [member, value] : parsed.items()) {
      EXPECT_NE(std::find(t.fields.begin(), t.fields.end(), member), t.fields.end())
          << t.type << " writes an undeclared member " << member;
    }
  }
}

TEST(EventRegistryTest, KnownVersionsAreOneToCurrent) {
  for (const EventTypeInfo& t : EventRegistry::Get().types()) {
    ASSERT_GE(t.version, 1u) << t.type;
    for (uint32_t v = 1; v <= t.version; ++v) EXPECT_TRUE(IsKnownEventType(t.type, v)) << t.type;
    EXPECT_FALSE(IsKnownEventType(t.type, 0)) << t.type;
    EXPECT_FALSE(IsKnownEventType(t.type, t.version + 1)) << t.type;
  }
  EXPECT_FALSE(IsKnownEventType("OrgRenamed", 1));
  EXPECT_FALSE(IsKnownEventType("", 1));
  EXPECT_FALSE(IsKnownEventType("orgcreated", 1));  // names are exact
}

TEST(EventRegistryTest, RecodeRefusesVersionsOutsideOneToCurrent) {
  for (const EventTypeInfo& t : EventRegistry::Get().types()) {
    std::string canonical;
    EXPECT_TRUE(t.recode(t.sample(), 0, &canonical).IsCorruption()) << t.type;
    EXPECT_TRUE(t.recode(t.sample(), t.version + 1, &canonical).IsCorruption()) << t.type;
  }
}

// ------------------------------------------------------- concrete events

TEST(EventPayloadTest, OrgCreatedKeepsEveryFieldThroughItsPayload) {
  OrgCreated e;
  e.id = 18'446'744'073'709'551'615u;  // the largest uint64
  e.uuid = "6f1c2a9e-4b7d-4e0a-9c3b-2d5e8f1a7b40";
  e.name = "acme-labs";
  e.title = std::string(kQuotes);
  e.description = std::string(kNewlines);
  e.email_address = "ops@acme.example";
  e.link = std::string(kBackslashes);
  e.role = std::string(kUtf8);
  e.created_by = "key:Q3mXk9aT2bLr7VfE";
  EXPECT_TRUE(SameFields(RoundTrip(e), e));
  EXPECT_TRUE(json::parse(ToPayload(e)).is_object());
}

TEST(EventPayloadTest, OrgUpdatedKeepsWhichOptionalsAreSet) {
  OrgUpdated e;
  e.id = 42;
  e.title = std::string(kUtf8);
  e.description = std::string();  // set, and empty: clears the field
  e.link = std::string(kQuotes) + std::string(kBackslashes) + std::string(kNewlines);
  // email_address stays unset: the field does not change.
  const std::string payload = ToPayload(e);
  EXPECT_EQ(payload.find("email_address"), std::string::npos) << payload;
  EXPECT_NE(payload.find("\"description\":\"\""), std::string::npos) << payload;
  OrgUpdated back = RoundTrip(e);
  EXPECT_TRUE(SameFields(back, e));
  EXPECT_EQ(back.email_address, std::nullopt);
  EXPECT_EQ(back.description, std::string());
}

TEST(EventPayloadTest, OrgUpdatedWithOnlyItsIdHasNoOtherMembers) {
  OrgUpdated e;
  e.id = 7;
  EXPECT_EQ(ToPayload(e), R"({"id":7})");
  OrgUpdated back = RoundTrip(e);
  EXPECT_TRUE(SameFields(back, e));
}

TEST(EventPayloadTest, OrgDeletedKeepsEveryField) {
  OrgDeleted e{1234567890123, std::string(kUtf8) + std::string(kQuotes)};
  EXPECT_TRUE(SameFields(RoundTrip(e), e));
}

TEST(EventPayloadTest, ApiKeyIssuedKeepsEveryField) {
  ApiKeyIssued e;
  e.key_id = "R4nYl0bU3cMs8WgF";
  e.key_sha256 = std::string(64, 'b');
  e.account_id = std::string(kBackslashes);
  e.site_admin = true;
  e.label = std::string(kNewlines) + std::string(kUtf8);
  e.expires_ms = 9'223'372'036'854'775'807;  // the largest int64
  EXPECT_TRUE(SameFields(RoundTrip(e), e));
  e.site_admin = false;
  e.expires_ms = 0;
  EXPECT_TRUE(SameFields(RoundTrip(e), e));
}

TEST(EventPayloadTest, ApiKeyIssuedKeepsANegativeExpiry) {
  // int64 fields are signed: a negative value takes the slow reader.
  ApiKeyIssued e;
  e.key_id = "k";
  e.key_sha256 = std::string(64, 'c');
  e.expires_ms = -1;
  EXPECT_TRUE(SameFields(RoundTrip(e), e));
}

TEST(EventPayloadTest, ApiKeyRevokedKeepsEveryField) {
  ApiKeyRevoked e{"Q3mXk9aT2bLr7VfE", std::string(64, 'a'),
                  "key:" + std::string(kQuotes) + std::string(kUtf8)};
  EXPECT_TRUE(SameFields(RoundTrip(e), e));
}

TEST(EventPayloadTest, TheOrgAttributeEventsKeepEveryField) {
  OrgCreated created;
  created.id = 3;
  created.name = "acme";
  created.max_members = 25;
  created.asset_quota_mb = 0;  // set, and 0: recorded as such
  created.subscription = "active";
  created.auto_join = false;
  created.auto_join_role = std::string(kUtf8);
  EXPECT_TRUE(SameFields(RoundTrip(created), created));
  OrgUpdated updated;
  updated.id = 3;
  updated.role = "guest";
  updated.row_limit = 18'446'744'073'709'551'615u;
  updated.auto_join = true;
  EXPECT_TRUE(SameFields(RoundTrip(updated), updated));
  OrgUsageSet usage{3, 10, std::nullopt, 0};
  EXPECT_EQ(ToPayload(usage), R"({"id":3,"rows":10,"assets_mb":0})");
  EXPECT_TRUE(SameFields(RoundTrip(usage), usage));
  OrgMetadataSet set{3, "billing.id", std::string(kQuotes) + std::string(kNewlines)};
  EXPECT_TRUE(SameFields(RoundTrip(set), set));
  OrgMetadataRemoved removed{3, "billing.id"};
  EXPECT_TRUE(SameFields(RoundTrip(removed), removed));
  ApiKeyIssued key;
  key.key_id = "k";
  key.key_sha256 = std::string(64, 'd');
  key.org_id = 3;
  EXPECT_TRUE(SameFields(RoundTrip(key), key));
}

TEST(EventPayloadTest, OrgEventsOfOlderBuildsReadWithTheDefaults) {
  OrgCreated created;
  ASSERT_OK(FromPayload(R"({"id":1,"uuid":"u","name":"n","title":"","description":"",)"
                        R"("email_address":"","link":"","role":"default","created_by":"key:a"})",
                        1, &created));
  EXPECT_EQ(created.max_members, std::nullopt);
  EXPECT_EQ(created.subscription, std::nullopt);
  EXPECT_EQ(created.auto_join, std::nullopt);
  ApiKeyIssued key;
  ASSERT_OK(FromPayload(R"({"key_id":"k","key_sha256":"s","account_id":"","site_admin":true,)"
                        R"("label":"l","expires_ms":0})",
                        1, &key));
  EXPECT_EQ(key.org_id, std::nullopt);
  EXPECT_TRUE(Decode<OrgMetadataSet>(R"({"id":1,"key":"k"})").IsCorruption())
      << "value is required";
  EXPECT_TRUE(Decode<OrgUsageSet>(R"({"id":1,"rows":-1})").IsCorruption());
}

TEST(EventPayloadTest, MembersInAnyOrderAndUnknownMembersAreRead) {
  OrgDeleted e;
  ASSERT_OK(FromPayload(R"({"future":{"x":[1]},"name":"acme","id":9})", 1, &e));
  EXPECT_EQ(e.id, 9u);
  EXPECT_EQ(e.name, "acme");
}

// ------------------------------------------------------ corrupt payloads

// Each bad payload twice: as FlatJson's fast path reads it, and with an
// escaped member that sends it down nlohmann's path.
std::vector<std::string> BothReaders(std::string_view members) {
  return {"{" + std::string(members) + "}",
          "{" + std::string(members) + ",\"pad\":\"\\n\"}"};
}

TEST(EventPayloadCorruptionTest, AMissingRequiredFieldIsCorruption) {
  for (const std::string& p : BothReaders(R"("id":1)")) {
    Status s = Decode<OrgDeleted>(p);
    EXPECT_TRUE(s.IsCorruption()) << p << ": " << s.ToString();
    EXPECT_NE(s.message().find("name"), std::string::npos) << s.message();
  }
  for (const std::string& p : BothReaders(R"("title":"x")")) {
    EXPECT_TRUE(Decode<OrgUpdated>(p).IsCorruption()) << p;  // id is not optional
  }
  for (const std::string& p : BothReaders(R"("key_id":"k","key_sha256":"s")")) {
    EXPECT_TRUE(Decode<ApiKeyRevoked>(p).IsCorruption()) << p;  // no revoked_by
  }
}

TEST(EventPayloadCorruptionTest, AFieldOfTheWrongTypeIsCorruption) {
  for (std::string_view members :
       {R"("id":"1","name":"acme")", R"("id":1,"name":7)", R"("id":true,"name":"acme")",
        R"("id":1,"name":null)", R"("id":1.5,"name":"acme")", R"("id":[1],"name":"acme")"}) {
    for (const std::string& p : BothReaders(members)) {
      EXPECT_TRUE(Decode<OrgDeleted>(p).IsCorruption()) << p;
    }
  }
  // An optional that is present must still have its type.
  for (const std::string& p : BothReaders(R"("id":1,"title":5)")) {
    EXPECT_TRUE(Decode<OrgUpdated>(p).IsCorruption()) << p;
  }
  const std::string key = R"("key_id":"k","key_sha256":"s","account_id":"","label":"l")";
  for (std::string_view bad : {R"("site_admin":"true","expires_ms":0)",
                               R"("site_admin":1,"expires_ms":0)",
                               R"("site_admin":false,"expires_ms":"0")",
                               R"("site_admin":false,"expires_ms":9223372036854775808)"}) {
    for (const std::string& p : BothReaders(key + "," + std::string(bad))) {
      EXPECT_TRUE(Decode<ApiKeyIssued>(p).IsCorruption()) << p;
    }
  }
}

TEST(EventPayloadCorruptionTest, ANegativeNumberForAnUnsignedFieldIsCorruption) {
  for (const std::string& p : BothReaders(R"("id":-1,"name":"acme")")) {
    Status s = Decode<OrgDeleted>(p);
    EXPECT_TRUE(s.IsCorruption()) << p << ": " << s.ToString();
  }
  for (const std::string& p : BothReaders(R"("id":18446744073709551616,"name":"acme")")) {
    EXPECT_TRUE(Decode<OrgDeleted>(p).IsCorruption()) << p;  // beyond uint64
  }
}

TEST(EventPayloadCorruptionTest, SchemaVersionsOutsideOneToCurrentAreCorruption) {
  const std::string payload = ToPayload(OrgDeleted{1, "acme"});
  EXPECT_OK(Decode<OrgDeleted>(payload, OrgDeleted::kVersion));
  EXPECT_TRUE(Decode<OrgDeleted>(payload, 0).IsCorruption());
  EXPECT_TRUE(Decode<OrgDeleted>(payload, OrgDeleted::kVersion + 1).IsCorruption());
  EXPECT_TRUE(Decode<ApiKeyIssued>(ToPayload(ApiKeyIssued{}), 0).IsCorruption());
  EXPECT_TRUE(
      Decode<ApiKeyIssued>(ToPayload(ApiKeyIssued{}), ApiKeyIssued::kVersion + 1).IsCorruption());
}

TEST(EventPayloadCorruptionTest, TextThatIsNoJsonObjectIsCorruption) {
  for (std::string_view bad : {"", "[]", "\"acme\"", "{", R"({"id":1,"name":"acme"} x)",
                               "{\"id\":1,\"name\":\"\xff\"}", "null"}) {
    EXPECT_TRUE(Decode<OrgDeleted>(bad).IsCorruption()) << bad;
  }
}

TEST(EventPayloadCorruptionTest, DecodeAsRefusesAnotherType) {
  EventEnvelope env;
  env.type = std::string(OrgCreated::kType);
  env.payload = ToPayload(OrgDeleted{1, "acme"});
  OrgDeleted out;
  EXPECT_TRUE(DecodeAs(env, &out).IsCorruption());
  env.type = std::string(OrgDeleted::kType);
  ASSERT_OK(DecodeAs(env, &out));
  EXPECT_EQ(out.name, "acme");
}

// ------------------------------------------------------------- upcasting

// A test-only event whose v1 called the field "title": v2 renamed it.
struct OrgRetitled {
  static constexpr std::string_view kType = "TestOrgRetitled";
  static constexpr uint32_t kVersion = 2;
  uint64_t id = 0;
  std::string display_name;
  static constexpr auto kFields = std::make_tuple(Field("id", &OrgRetitled::id),
                                                  Field("display_name", &OrgRetitled::display_name));
  static Status Upcast(uint32_t from, nlohmann::json* j) {
    if (from != 1) return Status::Corruption("no upcaster from " + std::to_string(from));
    auto title = j->find("title");
    if (title == j->end()) return Status::Corruption("v1 lacks title");
    (*j)["display_name"] = *title;
    j->erase("title");
    return Status::OK();
  }
};

// Three versions: v1 -> v2 adds "role", v2 -> v3 renames "owner" to "created_by".
// Records which steps ran.
struct OrgClaimed {
  static constexpr std::string_view kType = "TestOrgClaimed";
  static constexpr uint32_t kVersion = 3;
  uint64_t id = 0;
  std::string role;
  std::string created_by;
  static constexpr auto kFields =
      std::make_tuple(Field("id", &OrgClaimed::id), Field("role", &OrgClaimed::role),
                      Field("created_by", &OrgClaimed::created_by));
  static inline std::vector<uint32_t> steps;
  static Status Upcast(uint32_t from, nlohmann::json* j) {
    steps.push_back(from);
    if (from == 1) {
      (*j)["role"] = "default";
    } else if (from == 2) {
      (*j)["created_by"] = (*j)["owner"];
      j->erase("owner");
    }
    return Status::OK();
  }
};

// Version 2 without an upcaster: v1 payloads cannot be read.
struct OrgArchived {
  static constexpr std::string_view kType = "TestOrgArchived";
  static constexpr uint32_t kVersion = 2;
  uint64_t id = 0;
  static constexpr auto kFields = std::make_tuple(Field("id", &OrgArchived::id));
};

TEST(EventUpcastTest, AVersionOnePayloadIsUpcastToTheCurrentVersion) {
  OrgRetitled e;
  ASSERT_OK(FromPayload(R"({"id":5,"title":"Acme \"Labs\""})", 1, &e));
  EXPECT_EQ(e.id, 5u);
  EXPECT_EQ(e.display_name, "Acme \"Labs\"");
  // Without escapes (FlatJson could read it) the upcaster still runs.
  ASSERT_OK(FromPayload(R"({"id":6,"title":"Acme"})", 1, &e));
  EXPECT_EQ(e.display_name, "Acme");
}

TEST(EventUpcastTest, ACurrentPayloadIsReadWithoutTheUpcaster) {
  OrgRetitled e;
  ASSERT_OK(FromPayload(R"({"id":5,"display_name":"Acme"})", 2, &e));
  EXPECT_EQ(e.display_name, "Acme");
  // A v1 payload stored as v2 is not upcast, so it lacks display_name.
  EXPECT_TRUE(FromPayload(R"({"id":5,"title":"Acme"})", 2, &e).IsCorruption());
}

TEST(EventUpcastTest, AnUpcasterErrorIsCorruption) {
  OrgRetitled e;
  Status s = FromPayload(R"({"id":5})", 1, &e);
  EXPECT_TRUE(s.IsCorruption()) << s.ToString();
  EXPECT_NE(s.message().find("v1 lacks title"), std::string::npos) << s.message();
}

TEST(EventUpcastTest, EachVersionStepRunsOnceInOrder) {
  OrgClaimed::steps.clear();
  OrgClaimed e;
  ASSERT_OK(FromPayload(R"({"id":1,"owner":"key:abc"})", 1, &e));
  EXPECT_EQ(OrgClaimed::steps, (std::vector<uint32_t>{1, 2}));
  EXPECT_EQ(e.role, "default");
  EXPECT_EQ(e.created_by, "key:abc");
  OrgClaimed::steps.clear();
  ASSERT_OK(FromPayload(R"({"id":1,"role":"guest","owner":"system"})", 2, &e));
  EXPECT_EQ(OrgClaimed::steps, (std::vector<uint32_t>{2}));
  EXPECT_EQ(e.role, "guest");
  EXPECT_EQ(e.created_by, "system");
  OrgClaimed::steps.clear();
  ASSERT_OK(FromPayload(R"({"id":1,"role":"guest","created_by":"system"})", 3, &e));
  EXPECT_TRUE(OrgClaimed::steps.empty());
}

TEST(EventUpcastTest, AnOldVersionWithoutAnUpcasterIsCorruption) {
  OrgArchived e;
  EXPECT_TRUE(FromPayload(R"({"id":1})", 1, &e).IsCorruption());
  ASSERT_OK(FromPayload(R"({"id":1})", 2, &e));
}

TEST(EventUpcastTest, ARegistryRecodesAnOldPayloadAsTheCurrentVersion) {
  EventRegistry r;
  r.Add<OrgRetitled>();
  const EventTypeInfo* t = r.Find(OrgRetitled::kType);
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->version, 2u);
  EXPECT_EQ(t->fields, (std::vector<std::string_view>{"id", "display_name"}));
  std::string canonical;
  ASSERT_OK(t->recode(R"({"title":"Acme","id":3})", 1, &canonical));
  EXPECT_EQ(canonical, R"({"id":3,"display_name":"Acme"})");
  // Test types stay out of orgd's own registry.
  EXPECT_EQ(EventRegistry::Get().Find(OrgRetitled::kType), nullptr);
}

// ------------------------------------------ the envelope fuzz seed corpus

std::string Contents(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// The seeds of the envelope fuzz target are stored records (and some bare
// payloads, which are no records): every record of a known type decodes
// through the registry.
TEST(EnvelopeSeedCorpusTest, EveryRecordOfAKnownTypeDecodesThroughTheRegistry) {
  namespace fs = std::filesystem;
  const fs::path dir = ORGD_ENVELOPE_CORPUS_DIR;
  ASSERT_TRUE(fs::is_directory(dir)) << dir;
  size_t records = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    const std::string bytes = Contents(entry.path());
    EventEnvelope env;
    if (!DecodeEnvelope(bytes, &env).ok()) continue;  // a bare payload seed
    const EventTypeInfo* t = EventRegistry::Get().Find(env.type);
    if (t == nullptr) continue;
    ++records;
    EXPECT_TRUE(IsKnownEventType(env.type, env.schema_version))
        << entry.path().filename() << ": " << env.type << " v" << env.schema_version;
    std::string canonical;
    Status s = t->recode(env.payload, env.schema_version, &canonical);
    EXPECT_OK(s) << entry.path().filename() << ": " << env.payload;
    // The canonical payload is a fixed point.
    std::string again;
    EXPECT_OK(t->recode(canonical, t->version, &again)) << canonical;
    EXPECT_EQ(again, canonical) << entry.path().filename();
  }
  EXPECT_GE(records, 5u) << "the corpus should hold records of every org and key event";
}

}  // namespace
}  // namespace orgd
