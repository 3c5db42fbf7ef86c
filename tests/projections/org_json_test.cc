// The fast paths of the org record codec (org_json.cc), of the org event
// payloads and of the ISO time helpers must give exactly what the plain
// nlohmann::json and libc code gives: stored models are compared byte for byte
// with rebuilt ones, and records written by either must read the same.
#include <gtest/gtest.h>

#include <ctime>
#include <nlohmann/json.hpp>
#include <random>

#include "common/time_util.h"
#include "src/events/credential_events.h"
#include "src/events/org_events.h"
#include "src/projections/orgs/org_projection.h"

namespace orgd {
namespace {

using nlohmann::json;

// Texts that exercise every escaping rule, and plain ones.
const std::vector<std::string> kTexts = {"",
                                         "acme",
                                         "Acme, Inc.",
                                         "quote \" and backslash \\ and slash /",
                                         "tab\there\nnewline\rreturn\bback\fform",
                                         std::string("nul \0 byte", 10),
                                         "\x01\x1f\x7f",
                                         "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80",
                                         "https://example.org/a?b=c&d=e",
                                         std::string(300, 'x')};

class OrgJsonTest : public ::testing::Test {
 protected:
  const std::string& Text() { return kTexts[rng_() % kTexts.size()]; }
  int64_t Ms() {
    return static_cast<int64_t>(rng_() % 4102444800000ULL) -
           (rng_() % 4 == 0 ? 86400000 * 365LL : 0);
  }
  OrgRecord Random() {
    OrgRecord o;
    o.id = rng_() % 3 == 0 ? rng_() : rng_() % 1000;
    o.uuid = Text();
    o.name = Text();
    o.title = Text();
    o.description = Text();
    o.email_address = Text();
    o.link = Text();
    o.role = Text();
    o.created_by = Text();
    o.max_members = Counter();
    o.row_limit = Counter();
    o.storage_quota = Counter();
    o.asset_quota_mb = Counter();
    o.usage_rows = Counter();
    o.usage_storage = Counter();
    o.usage_assets_mb = Counter();
    o.subscription = rng_() % 4 == 0 ? Text() : kSubscriptions[rng_() % 3];
    o.auto_join = rng_() % 2 == 0;
    o.auto_join_role = rng_() % 4 == 0 ? Text() : "member";
    o.created_ms = Ms();
    o.updated_ms = Ms();
    o.version = rng_() % 100;
    return o;
  }
  // 0 (unlimited, shown as null) often, small and huge numbers otherwise.
  uint64_t Counter() {
    switch (rng_() % 4) {
      case 0:
        return 0;
      case 1:
        return rng_();
      default:
        return rng_() % 10000;
    }
  }
  static constexpr const char* kSubscriptions[] = {"none", "active", "cancelled"};
  std::mt19937_64 rng_{20261123};
};

void ExpectSameRecord(const OrgRecord& a, const OrgRecord& b) {
  EXPECT_EQ(OrgToJson(a), OrgToJson(b));
  EXPECT_EQ(a.created_ms, b.created_ms);
  EXPECT_EQ(a.updated_ms, b.updated_ms);
  EXPECT_EQ(a.max_members, b.max_members);
  EXPECT_EQ(a.row_limit, b.row_limit);
  EXPECT_EQ(a.storage_quota, b.storage_quota);
  EXPECT_EQ(a.asset_quota_mb, b.asset_quota_mb);
  EXPECT_EQ(a.usage_rows, b.usage_rows);
  EXPECT_EQ(a.usage_storage, b.usage_storage);
  EXPECT_EQ(a.usage_assets_mb, b.usage_assets_mb);
  EXPECT_EQ(a.subscription, b.subscription);
  EXPECT_EQ(a.auto_join, b.auto_join);
  EXPECT_EQ(a.auto_join_role, b.auto_join_role);
}

TEST_F(OrgJsonTest, WriterMatchesNlohmannByteForByte) {
  for (int i = 0; i < 20000; ++i) {
    OrgRecord o = Random();
    ASSERT_EQ(OrgToJson(o), internal::ReferenceOrgToJsonForTest(o)) << "record " << i;
  }
}

TEST_F(OrgJsonTest, ReaderMatchesNlohmannOnWrittenRecords) {
  for (int i = 0; i < 20000; ++i) {
    OrgRecord o = Random();
    const std::string text = OrgToJson(o);
    OrgRecord fast, reference;
    ASSERT_TRUE(OrgFromJson(text, o.version, &fast).ok()) << text;
    ASSERT_TRUE(internal::ReferenceOrgFromJsonForTest(text, &reference).ok());
    reference.version = o.version;
    ExpectSameRecord(fast, reference);
    EXPECT_EQ(OrgToJson(fast), text);  // a round trip changes nothing
    ExpectSameRecord(fast, o);
  }
}

TEST_F(OrgJsonTest, QuotasAndUsageAreNestedObjectsAndUnlimitedIsNull) {
  OrgRecord o;
  o.id = 7;
  o.name = "acme";
  o.role = "default";
  o.max_members = 25;
  o.usage_storage = 4096;
  const json j = json::parse(OrgToJson(o));
  EXPECT_EQ(j["quotas"], json::parse(R"({"max_members":25,"row_limit":null,"storage_quota":null,
                                         "asset_quota_mb":null})"));
  EXPECT_EQ(j["usage"], json::parse(R"({"rows":0,"storage":4096,"assets_mb":0})"));
  EXPECT_EQ(j["subscription"], "none");
  EXPECT_EQ(j["auto_join"], false);
  EXPECT_EQ(j["auto_join_role"], "member");
}

TEST_F(OrgJsonTest, ReaderMatchesNlohmannOnUnusualText) {
  const std::string dates =
      R"("created_at":"2026-01-02T03:04:05.678Z","updated_at":"2026-01-02T03:04:05Z")";
  const std::vector<std::string> texts = {
      " { \"id\" : 7 ,\n\t" + dates + ", \"name\":\"n\" } ",
      "{" + dates + ",\"name\":\"first\",\"id\":1,\"name\":\"last\",\"id\":2}",
      "{" + dates + ",\"id\":3,\"title\":\"\\u0041\\u00e9\\ud83d\\ude00\",\"link\":\"a\\/b\"}",
      "{" + dates + ",\"id\":3,\"title\":null,\"role\":true,\"extra\":{\"nested\":[1,2]}}",
      "{" + dates + ",\"id\":3.0}",
      "{" + dates + ",\"id\":-3}",
      "{" + dates + ",\"id\":\"3\"}",
      "{" + dates + ",\"id\":03}",
      "{" + dates + ",\"id\":18446744073709551616}",
      "{" + dates + ",\"id\":1} trailing",
      "{" + dates + ",\"id\":1,}",
      "{\"id\":1,\"created_at\":\"yesterday\",\"updated_at\":\"2026-01-02T03:04:05Z\"}",
      "{\"id\":1}",
      "{" + dates + ",\"id\":1,\"name\":\"bad \xff utf8\"}",
      "[]",
      "",
      "{",
      // The nested quotas and usage, written and unusual.
      "{" + dates + R"(,"id":1,"quotas":{"max_members":3,"row_limit":null},"usage":{"rows":9}})",
      "{" + dates + R"(,"id":1,"quotas":{},"usage":{}})",
      "{" + dates + R"(,"id":1,"quotas":3,"usage":"x","subscription":null,"auto_join":1})",
      "{" + dates + R"(,"id":1,"quotas":{"max_members":-3,"row_limit":2.5}})",
      "{" + dates + R"(,"id":1,"quotas":{"max_members":"}{"},"usage":{"rows":1}})",
      "{" + dates + R"(,"id":1,"quotas":{"max_members":1},"quotas":{"max_members":2}})",
      "{" + dates + R"(,"id":1,"quotas":{"max_members":1},"quotas":null})",
      "{" + dates + R"(,"id":1,"quotas":null,"quotas":{"max_members":1}})",
      "{" + dates + R"(,"id":1,"quotas":{"max_members":1,"max_members":2}})",
      "{" + dates + R"(,"id":1,"quotas":{"a":{"b":1}}})",
      "{" + dates + R"(,"id":1,"quotas":{"a":[1]}})",
      "{" + dates + R"(,"id":1,"usage":{"rows":1},"extra":{"x":1},"quotas":{"row_limit":4}})",
      "{" + dates + R"(,"id":1,"quotas":{"max_members":5}})",
      "{" + dates + R"(,"id":1,"quotas":{"max_members":5}})",
      "{" + dates + R"(,"id":1,"quotas":{"max_members":5})",
      "{" + dates + R"(,"id":1,"quotas":{"max_members":5}}})",
      "{" + dates + R"(,"id":1,"quotas":{"max_members":18446744073709551616}})",
      "{" + dates + R"(,"id":1,"title":"a "quotas":{ b","quotas":{"row_limit":6}})",
      "{" + dates + R"(,"id":1,"auto_join":true,"auto_join_role":"x","subscription":"active"})",
      "{" + dates + R"(,"quotas":{"max_members":5}})"};
  for (const std::string& text : texts) {
    OrgRecord fast, reference;
    Status a = OrgFromJson(text, 1, &fast);
    Status b = internal::ReferenceOrgFromJsonForTest(text, &reference);
    ASSERT_EQ(a.ok(), b.ok()) << text << ": " << a.ToString() << " vs " << b.ToString();
    if (!a.ok()) {
      EXPECT_TRUE(a.IsCorruption()) << text;
      continue;
    }
    reference.version = 1;
    ExpectSameRecord(fast, reference);
  }
}

TEST_F(OrgJsonTest, AMetadataEntryIsWhatNlohmannWrites) {
  for (const std::string& value : kTexts) {
    json j = json::object();
    j["key"] = "billing.id";
    j["value"] = value;
    EXPECT_EQ(OrgMetadataJson("billing.id", value), j.dump()) << value;
  }
}

TEST_F(OrgJsonTest, InvalidUtf8IsLeftToNlohmann) {
  OrgRecord o = Random();
  o.title = "bad \xc3 utf8";
  EXPECT_ANY_THROW(internal::ReferenceOrgToJsonForTest(o));
  EXPECT_ANY_THROW(OrgToJson(o));  // as before the fast path existed
}

TEST_F(OrgJsonTest, PayloadsReadAsBefore) {
  for (int i = 0; i < 5000; ++i) {
    OrgUpdated u;
    u.id = rng_() % 100000;
    if (rng_() % 2) u.title = Text();
    if (rng_() % 2) u.description = Text();
    if (rng_() % 2) u.link = Text();
    OrgUpdated back;
    ASSERT_TRUE(FromPayload(ToPayload(u), OrgUpdated::kVersion, &back).ok());
    EXPECT_EQ(back.id, u.id);
    EXPECT_EQ(back.title, u.title);
    EXPECT_EQ(back.description, u.description);
    EXPECT_EQ(back.email_address, u.email_address);
    EXPECT_EQ(back.link, u.link);
  }
  OrgUpdated u;
  EXPECT_TRUE(FromPayload(R"({"id":1,"title":null})", 1, &u).IsCorruption());
  EXPECT_TRUE(FromPayload(R"({"title":"x"})", 1, &u).IsCorruption());
  EXPECT_TRUE(FromPayload(R"({"id":1})", 2, &u).IsCorruption());  // a future schema
  OrgCreated c;
  EXPECT_TRUE(FromPayload(R"({"id":1,"uuid":"u","name":"n"})", 1, &c).IsCorruption());
  OrgDeleted d;
  ASSERT_TRUE(FromPayload(R"({"name":"n\u0041","id":9})", 1, &d).ok());
  EXPECT_EQ(d.name, "nA");
  EXPECT_EQ(d.id, 9u);
}

std::string LibcFormat(int64_t ms) {
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  int millis = static_cast<int>(ms % 1000);
  if (millis < 0) {
    millis += 1000;
    --secs;
  }
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, millis);
  return buf;
}

TEST_F(OrgJsonTest, IsoTimesMatchLibc) {
  for (int i = 0; i < 200000; ++i) {
    const int64_t ms = static_cast<int64_t>(rng_() % 600000000000000ULL) - 62000000000000LL;
    const std::string text = FormatIsoMs(ms);
    ASSERT_EQ(text, LibcFormat(ms)) << ms;
    int64_t back = 0;
    if (text.size() == 24) {
      ASSERT_TRUE(ParseIsoMs(text, &back)) << text;
      ASSERT_EQ(back, ms) << text;
    }
  }
  int64_t ms = 0;
  ASSERT_TRUE(ParseIsoMs("2026-02-31T10:00:00Z", &ms));  // carried over as timegm does
  EXPECT_EQ(FormatIsoMs(ms), "2026-03-03T10:00:00.000Z");
  ASSERT_TRUE(ParseIsoMs("2026-1-5T1:2:3Z", &ms));  // the lenient form still parses
  EXPECT_EQ(FormatIsoMs(ms), "2026-01-05T01:02:03.000Z");
  EXPECT_FALSE(ParseIsoMs("2026-01-05T01:02:03+02:00", &ms));
  EXPECT_FALSE(ParseIsoMs("2026-13-05T01:02:03Z", &ms));
}

}  // namespace
}  // namespace orgd
