// The organizations read model: folds the org events (OrgCreated,
// OrgUpdated, OrgUsageSet, OrgMetadataSet, OrgMetadataRemoved, OrgDeleted).
//
// Layout of "proj.orgs" (frozen; see docs/storage.md):
//   "i" BE64(id)   -> BE64(version) + the org's public JSON
//   "m" BE64(id) key -> the metadata value (raw bytes)           (schema 3)
//   "n" name       -> BE64(id)
//   "u" uuid       -> BE64(id)
//   "\0count"      -> BE64(number of live orgs)
//   "\0next_id"    -> BE64(the id the next org gets)
//   "\0first_live" -> BE64(the lowest live id), absent when none  (schema 2)
//   "\0schema"     -> BE64(3)
//   "\0checkpoint" -> BE64(last position applied)
// A list starts at the lowest live id, so the first page never walks the
// deleted orgs before it; later pages seek past them with their cursor.
// Every event of an org's stream rewrites its "i" record (its version is the
// stream's); a deleted org's metadata goes with it.
// OrgProjection is immutable and shareable; an OrgReader is not shareable.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "src/projections/core/projection.h"
#include "storage/kv/model_store.h"

namespace orgd {

struct OrgRecord {
  uint64_t id = 0;
  std::string uuid;
  std::string name;
  std::string title;
  std::string description;
  std::string email_address;
  std::string link;
  std::string role;  // the plan
  std::string created_by;
  // Quotas; 0 is unlimited. The membership decisions read max_members.
  uint64_t max_members = 0;
  uint64_t row_limit = 0;
  uint64_t storage_quota = 0;
  uint64_t asset_quota_mb = 0;
  // The usage a site admin reported (OrgUsageSet).
  uint64_t usage_rows = 0;
  uint64_t usage_storage = 0;
  uint64_t usage_assets_mb = 0;
  std::string subscription = "none";  // "none", "active", "cancelled"
  bool auto_join = false;
  std::string auto_join_role = "member";
  int64_t created_ms = 0;
  int64_t updated_ms = 0;
  uint64_t version = 0;  // the org stream's version: the ETag
};

// The org as the native API shows it (empty strings as null; quotas and
// usage as nested objects, an unlimited quota as null), byte for byte what
// nlohmann::json writes for it (org_json.cc has fast paths for both).
std::string OrgToJson(const OrgRecord& org);
Status OrgFromJson(std::string_view json, uint64_t version, OrgRecord* out);

// One metadata entry as the native API shows it: {"key":...,"value":...}.
std::string OrgMetadataJson(std::string_view key, std::string_view value);

namespace internal {
// The plain nlohmann::json codec that the fast paths must match; for tests.
std::string ReferenceOrgToJsonForTest(const OrgRecord& org);
Status ReferenceOrgFromJsonForTest(std::string_view json, OrgRecord* out);
}  // namespace internal

class OrgProjection final : public Projection {
 public:
  static constexpr std::string_view kName = "orgs";
  // The entity kind of its snapshots: the org's public JSON.
  static constexpr std::string_view kEntity = "org";
  // The entity kind of a metadata entry's snapshot, by id "<org id>/<key>":
  // OrgMetadataJson.
  static constexpr std::string_view kMetadataEntity = "org_metadata";
  std::string_view name() const override { return kName; }
  // 2: "\0first_live". 3: the org attributes in the record, "m" metadata.
  uint32_t schema() const override { return 3; }
  Status Apply(const EventEnvelope& e, ModelWriter& w) const override;
  Status Snapshot(std::string_view kind, std::string_view id, const ModelReader& r,
                  std::string* out) const override;
};

// Queries over the orgs model; "r" must outlive the reader.
class OrgReader {
 public:
  explicit OrgReader(const ModelReader& r) : r_(r) {}

  // id_or_name: all digits is an id, anything else a name. NotFound if absent.
  Status Find(std::string_view id_or_name, OrgRecord* out) const;
  // The stored JSON and version, without decoding: the GET fast path.
  Status FindJson(std::string_view id_or_name, uint64_t* version, std::string* json) const;
  // The id of a live org, without reading its record (NotFound "unknown_org").
  Status IdOf(std::string_view id_or_name, uint64_t* id) const;
  Status NameTaken(std::string_view name, bool* taken) const;
  // The value of the org's metadata key; NotFound "unknown_metadata_key".
  Status Metadata(uint64_t org_id, std::string_view key, std::string* value) const;
  // Every metadata entry of the org, in key order (SetOrgMetadata bounds their number).
  Status ListMetadata(uint64_t org_id, std::vector<std::pair<std::string, std::string>>* out) const;
  Status MetadataCount(uint64_t org_id, size_t* n) const;
  Status NextId(uint64_t* id) const;
  Status Count(uint64_t* n) const;

  struct Page {
    std::vector<std::string> orgs;  // JSON, ascending id
    uint64_t next_after = 0;        // pass as after_id for the next page; 0 at the end
  };
  // Up to limit orgs with id > after_id, skipping the first skip of them.
  Status List(uint64_t after_id, size_t skip, size_t limit, Page* out) const;

 private:
  Status ResolveId(std::string_view id_or_name, uint64_t* id) const;
  const ModelReader& r_;
};

}  // namespace orgd
