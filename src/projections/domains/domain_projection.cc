#include "src/projections/domains/domain_projection.h"

#include <nlohmann/json.hpp>

#include <charconv>

#include "common/email.h"
#include "common/time_util.h"
#include "src/events/domain_events.h"
#include "src/events/org_events.h"
#include "storage/keys.h"

namespace orgd {
namespace {

using nlohmann::json;

// ------------------------------------------------------------------ keys

std::string ClaimKey(std::string_view domain, uint64_t org) {
  std::string k = "c";
  k.append(domain).push_back('\0');
  storage::AppendBE64(&k, org);
  return k;
}
std::string OrgPrefix(uint64_t org) {
  std::string k = "o";
  storage::AppendBE64(&k, org);
  return k;
}
std::string OrgKey(uint64_t org, std::string_view domain) { return OrgPrefix(org).append(domain); }
std::string VerifiedKey(std::string_view domain) { return "v" + std::string(domain); }

Status LoadClaim(const ModelReader& r, std::string_view domain, uint64_t org, DomainRecord* out) {
  std::string v;
  Status s = r.Get(ClaimKey(domain, org), &v);
  if (s.IsNotFound()) {
    return Status::NotFound("no claim of domain '" + std::string(domain) + "'", "unknown_domain");
  }
  ORGD_RETURN_IF_ERROR(s);
  return DecodeDomain(v, out);
}

// ------------------------------------------------------------------ folding

Status ApplyClaimed(const EventEnvelope& e, ModelWriter& w) {
  DomainClaimed c;
  ORGD_RETURN_IF_ERROR(DecodeAs(e, &c));
  DomainRecord d;
  d.domain = c.domain;
  d.org_id = c.org_id;
  d.verification_token = c.verification_token;
  d.created_ms = e.timestamp_ms;
  d.created_by = c.claimed_by;
  w.Put(ClaimKey(c.domain, c.org_id), DomainJson(d));
  w.Put(OrgKey(c.org_id, c.domain), "");
  return Status::OK();
}

Status ApplyVerified(const EventEnvelope& e, ModelWriter& w) {
  DomainVerified v;
  ORGD_RETURN_IF_ERROR(DecodeAs(e, &v));
  DomainRecord d;
  ORGD_RETURN_IF_ERROR(LoadClaim(w, v.domain, v.org_id, &d));
  d.verified = true;
  d.verified_ms = e.timestamp_ms;
  d.verified_by = v.verified_by;
  w.Put(ClaimKey(v.domain, v.org_id), DomainJson(d));
  w.Put(VerifiedKey(v.domain), storage::EncodeBE64(v.org_id));
  return Status::OK();
}

// Drops org's claim of domain, freeing the name when the org held it verified.
Status Release(ModelWriter& w, std::string_view domain, uint64_t org) {
  w.Delete(ClaimKey(domain, org));
  w.Delete(OrgKey(org, domain));
  std::string owner;
  Status s = w.Get(VerifiedKey(domain), &owner);
  if (s.IsNotFound()) return Status::OK();
  ORGD_RETURN_IF_ERROR(s);
  if (owner.size() == 8 && storage::DecodeBE64(owner) == org) w.Delete(VerifiedKey(domain));
  return Status::OK();
}

Status ApplyReleased(const EventEnvelope& e, ModelWriter& w) {
  DomainReleased r;
  ORGD_RETURN_IF_ERROR(DecodeAs(e, &r));
  return Release(w, r.domain, r.org_id);
}

Status ApplyOrgDeleted(const EventEnvelope& e, ModelWriter& w) {
  OrgDeleted d;
  ORGD_RETURN_IF_ERROR(DecodeAs(e, &d));
  const std::string prefix = OrgPrefix(d.id);
  std::vector<std::string> domains;
  {
    // Collect first: a writer's iterator must not see its own deletes mid-walk.
    auto it = w.NewIterator(PrefixEnd(prefix));
    for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
      domains.emplace_back(it->key().substr(prefix.size()));
    }
    ORGD_RETURN_IF_ERROR(it->status());
  }
  for (const auto& domain : domains) ORGD_RETURN_IF_ERROR(Release(w, domain, d.id));
  return Status::OK();
}

std::string TextOr(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// "<org id>/<domain>"
bool SplitId(std::string_view id, uint64_t* org, std::string_view* domain) {
  const size_t slash = id.find('/');
  if (slash == std::string_view::npos || slash == 0) return false;
  auto [end, ec] = std::from_chars(id.data(), id.data() + slash, *org);
  if (ec != std::errc() || end != id.data() + slash) return false;
  *domain = id.substr(slash + 1);
  return true;
}

}  // namespace

std::string DomainJson(const DomainRecord& d) {
  return json{{"domain", d.domain},
              {"org_id", d.org_id},
              {"verification_token", d.verification_token},
              {"verified", d.verified},
              {"created_at", FormatIsoMs(d.created_ms)},
              {"created_by", d.created_by},
              {"verified_at", d.verified ? json(FormatIsoMs(d.verified_ms)) : json(nullptr)},
              {"verified_by", d.verified ? json(d.verified_by) : json(nullptr)}}
      .dump(-1, ' ', false, json::error_handler_t::replace);
}

Status DecodeDomain(std::string_view text, DomainRecord* out) {
  json j = json::parse(text, nullptr, false);
  auto org = j.is_object() ? j.find("org_id") : j.end();
  if (!j.is_object() || org == j.end() || !org->is_number_unsigned()) {
    return Status::Corruption("domains model: bad claim");
  }
  out->domain = TextOr(j, "domain");
  out->org_id = org->get<uint64_t>();
  out->verification_token = TextOr(j, "verification_token");
  auto verified = j.find("verified");
  out->verified = verified != j.end() && verified->is_boolean() && verified->get<bool>();
  if (!ParseIsoMs(TextOr(j, "created_at"), &out->created_ms)) out->created_ms = 0;
  out->created_by = TextOr(j, "created_by");
  if (!ParseIsoMs(TextOr(j, "verified_at"), &out->verified_ms)) out->verified_ms = 0;
  out->verified_by = TextOr(j, "verified_by");
  return Status::OK();
}

Status DomainProjection::Apply(const EventEnvelope& e, ModelWriter& w) const {
  const std::string_view t = e.type;
  if (t == DomainClaimed::kType) return ApplyClaimed(e, w);
  if (t == DomainVerified::kType) return ApplyVerified(e, w);
  if (t == DomainReleased::kType) return ApplyReleased(e, w);
  if (t == OrgDeleted::kType) return ApplyOrgDeleted(e, w);
  return Status::OK();
}

Status DomainProjection::Snapshot(std::string_view kind, std::string_view id, const ModelReader& r,
                                  std::string* out) const {
  uint64_t org = 0;
  std::string_view domain;
  if (kind != kEntity || !SplitId(id, &org, &domain)) return Status::NotFound("no snapshot");
  return r.Get(ClaimKey(domain, org), out);
}

// ------------------------------------------------------------------ reader

Status DomainReader::FindClaim(uint64_t org_id, std::string_view domain, DomainRecord* out) const {
  return LoadClaim(r_, domain, org_id, out);
}

Status DomainReader::VerifiedOwner(std::string_view domain, uint64_t* org_id) const {
  std::string v;
  Status s = r_.Get(VerifiedKey(domain), &v);
  if (s.IsNotFound()) {
    return Status::NotFound("no org verified '" + std::string(domain) + "'", "unknown_domain");
  }
  ORGD_RETURN_IF_ERROR(s);
  if (v.size() != 8) return Status::Corruption("domains model: bad owner");
  *org_id = storage::DecodeBE64(v);
  return Status::OK();
}

Status DomainReader::Resolve(std::string_view host, DomainMatch* out) const {
  Status s = VerifiedOwner(host, &out->org_id);
  if (s.ok()) {
    out->matched = std::string(host);
    return Status::OK();
  }
  if (!s.IsNotFound()) return s;
  // The nearest wildcard first: drop one leading label at a time.
  std::string_view rest = host;
  for (size_t dot = rest.find('.'); dot != std::string_view::npos; dot = rest.find('.')) {
    rest.remove_prefix(dot + 1);
    if (rest.empty()) break;
    const std::string wildcard = "*." + std::string(rest);
    s = VerifiedOwner(wildcard, &out->org_id);
    if (s.ok()) {
      out->matched = wildcard;
      return Status::OK();
    }
    if (!s.IsNotFound()) return s;
  }
  return Status::NotFound("no org verified '" + std::string(host) + "' or a wildcard of it",
                          "unknown_domain");
}

Status DomainReader::List(uint64_t org_id, std::string_view after, size_t limit, Page* out) const {
  out->domains.clear();
  out->next.clear();
  const std::string prefix = OrgPrefix(org_id);
  auto it = r_.NewIterator(PrefixEnd(prefix));
  std::string start = prefix + std::string(after);
  if (!after.empty()) start.push_back('\0');  // just past the cursor
  std::string last;
  for (it->Seek(start); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    const std::string_view domain = it->key().substr(prefix.size());
    if (out->domains.size() == limit) {
      out->next = last;
      break;
    }
    DomainRecord d;
    Status s = LoadClaim(r_, domain, org_id, &d);
    if (s.IsNotFound()) return Status::Corruption("domains model: index without claim");
    ORGD_RETURN_IF_ERROR(s);
    out->domains.push_back(std::move(d));
    last.assign(domain);
  }
  return it->status();
}

Status DomainReader::ClaimCount(uint64_t org_id, size_t max, size_t* n) const {
  *n = 0;
  const std::string prefix = OrgPrefix(org_id);
  auto it = r_.NewIterator(PrefixEnd(prefix));
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix) && *n < max; it->Next()) {
    ++*n;
  }
  return it->status();
}

Status FindOrgForEmailDomain(const ModelReader& domains_model, std::string_view email,
                             uint64_t* org_id) {
  const std::string normal = NormalizeEmail(email);
  const size_t at = normal.rfind('@');
  if (at == std::string::npos || at + 1 >= normal.size()) {
    return Status::NotFound("'" + normal + "' has no domain", "unknown_domain");
  }
  DomainMatch m;
  ORGD_RETURN_IF_ERROR(
      DomainReader(domains_model).Resolve(std::string_view(normal).substr(at + 1), &m));
  *org_id = m.org_id;
  return Status::OK();
}

}  // namespace orgd
