// The native organizations API: /api/v1/orgs, with an org's usage and metadata.
#include <algorithm>
#include <charconv>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/json_util.h"
#include "common/random.h"
#include "src/commands/orgs/commands.h"
#include "src/http/core/errors.h"
#include "src/http/native/native.h"
#include "src/queries/read_views.h"

namespace orgd::http {

namespace {

using nlohmann::json;

Status ParseObject(std::string_view body, json* j) {
  ORGD_RETURN_IF_ERROR(ParseJson(body, j));
  if (!j->is_object()) return Status::InvalidArgument("the body must be a JSON object", "bad_body");
  return Status::OK();
}

Status StringField(const std::string& key, const json& v, std::string* out) {
  if (!v.is_string()) {
    return Status::InvalidArgument("'" + key + "' must be a string", "bad_field");
  }
  *out = v.get<std::string>();
  return Status::OK();
}

Status UnknownField(const std::string& key, std::string_view allowed) {
  return Status::InvalidArgument("unknown field '" + key + "'; allowed: " + std::string(allowed),
                                 "unknown_field");
}

// True when query names key, however its value is encoded.
bool HasParam(std::string_view query, std::string_view key) {
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    if (pair.substr(0, pair.find('=')) == key) return true;
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
  }
  return false;
}

// A positive integer query parameter within [1, max], or def when absent.
Status PageParam(std::string_view query, std::string_view key, size_t def, size_t max,
                 size_t* out) {
  auto raw = QueryParam(query, key);
  if (!raw && !HasParam(query, key)) {  // QueryParam is nullopt for a bad escape too
    *out = def;
    return Status::OK();
  }
  size_t n = 0;
  std::string_view v = raw ? std::string_view(*raw) : std::string_view();
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (!raw || ec != std::errc() || end != v.data() + v.size() || n < 1 || n > max) {
    return Status::InvalidArgument(std::string(key) + " must be an integer from 1 to " +
                                       std::to_string(max),
                                   "bad_pagination");
  }
  *out = n;
  return Status::OK();
}

std::string Quoted(uint64_t version) { return "\"" + std::to_string(version) + "\""; }

// Whether an If-None-Match header names etag (RFC 9110 13.1.2): "*", or a
// comma-separated list of entity tags compared weakly (W/"3" matches "3").
bool NoneMatchHits(std::string_view header, std::string_view etag) {
  while (!header.empty()) {
    const size_t comma = header.find(',');
    std::string_view tag = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
    while (!tag.empty() && (tag.front() == ' ' || tag.front() == '\t')) tag.remove_prefix(1);
    while (!tag.empty() && (tag.back() == ' ' || tag.back() == '\t')) tag.remove_suffix(1);
    if (tag.starts_with("W/")) tag.remove_prefix(2);
    if (tag == "*" || tag == etag) return true;
  }
  return false;
}

constexpr std::string_view kQuotaFields[] = {"max_members", "row_limit", "storage_quota",
                                             "asset_quota_mb"};

bool IsQuotaField(std::string_view key) {
  return std::find(std::begin(kQuotaFields), std::end(kQuotaFields), key) != std::end(kQuotaFields);
}

// A whole number >= 0, or (when null_ok) null for 0.
Status CounterField(const std::string& key, const json& v, bool null_ok, uint64_t* out) {
  if (null_ok && v.is_null()) {
    *out = 0;
    return Status::OK();
  }
  if (!v.is_number_unsigned()) {
    return Status::InvalidArgument(
        "'" + key + "' must be a whole number >= 0" + (null_ok ? " or null" : ""), "bad_field");
  }
  *out = v.get<uint64_t>();
  return Status::OK();
}

Status SetQuota(const std::string& key, const json& v, UpdateOrg* out) {
  uint64_t n = 0;
  ORGD_RETURN_IF_ERROR(CounterField(key, v, /*null_ok=*/true, &n));  // null: unlimited
  if (key == "max_members") out->max_members = n;
  if (key == "row_limit") out->row_limit = n;
  if (key == "storage_quota") out->storage_quota = n;
  if (key == "asset_quota_mb") out->asset_quota_mb = n;
  return Status::OK();
}

// {"max_members": 5, ...}: the quotas as GET shows them.
Status SetQuotas(const json& v, UpdateOrg* out) {
  if (!v.is_object()) {
    return Status::InvalidArgument(
        "'quotas' must be an object of max_members, row_limit, storage_quota, asset_quota_mb",
        "bad_field");
  }
  for (const auto& [key, q] : v.items()) {
    if (!IsQuotaField(key)) {
      return UnknownField("quotas." + key, "max_members, row_limit, storage_quota, asset_quota_mb");
    }
    ORGD_RETURN_IF_ERROR(SetQuota(key, q, out));
  }
  return Status::OK();
}

// One of the org attributes that POST and PATCH accept alike (role, quotas,
// subscription, auto_join, auto_join_role); *handled is false for another key.
Status DecodeOrgAttribute(const std::string& key, const json& v, UpdateOrg* out, bool* handled) {
  *handled = true;
  if (IsQuotaField(key)) return SetQuota(key, v, out);
  if (key == "quotas") return SetQuotas(v, out);
  if (key == "auto_join") {
    if (!v.is_boolean()) {
      return Status::InvalidArgument("'auto_join' must be true or false", "bad_field");
    }
    out->auto_join = v.get<bool>();
    return Status::OK();
  }
  std::optional<std::string>* text = nullptr;
  if (key == "role") text = &out->role;
  if (key == "subscription") text = &out->subscription;
  if (key == "auto_join_role") text = &out->auto_join_role;
  if (text == nullptr) {
    *handled = false;
    return Status::OK();
  }
  text->emplace();
  ORGD_RETURN_IF_ERROR(StringField(key, v, &**text));
  if (key == "role" && (*text)->empty()) {
    return Status::InvalidArgument("'role' must name a plan", "invalid_plan");
  }
  return Status::OK();
}

constexpr std::string_view kAttributes =
    "role, max_members, row_limit, storage_quota, asset_quota_mb, quotas, subscription, "
    "auto_join, auto_join_role";

}  // namespace

Status DecodeCreateOrg(std::string_view body, CreateOrg* out) {
  static const std::string kAllowed =
      "name, title, description, email_address, link, " + std::string(kAttributes);
  json j;
  ORGD_RETURN_IF_ERROR(ParseObject(body, &j));
  bool has_name = false;
  UpdateOrg attrs;
  for (const auto& [key, v] : j.items()) {
    bool handled = false;
    if (key == "name") {
      ORGD_RETURN_IF_ERROR(StringField(key, v, &out->name));
      has_name = true;
    } else if (key == "title") {
      ORGD_RETURN_IF_ERROR(StringField(key, v, &out->title));
    } else if (key == "description") {
      ORGD_RETURN_IF_ERROR(StringField(key, v, &out->description));
    } else if (key == "email_address") {
      ORGD_RETURN_IF_ERROR(StringField(key, v, &out->email_address));
    } else if (key == "link") {
      ORGD_RETURN_IF_ERROR(StringField(key, v, &out->link));
    } else {
      ORGD_RETURN_IF_ERROR(DecodeOrgAttribute(key, v, &attrs, &handled));
      if (!handled) return UnknownField(key, kAllowed);
    }
  }
  if (!has_name) return Status::InvalidArgument("'name' is required", "missing_field");
  if (attrs.role) out->role = *attrs.role;
  out->max_members = attrs.max_members.value_or(out->max_members);
  out->row_limit = attrs.row_limit.value_or(out->row_limit);
  out->storage_quota = attrs.storage_quota.value_or(out->storage_quota);
  out->asset_quota_mb = attrs.asset_quota_mb.value_or(out->asset_quota_mb);
  if (attrs.subscription) out->subscription = *attrs.subscription;
  out->auto_join = attrs.auto_join.value_or(out->auto_join);
  if (attrs.auto_join_role) out->auto_join_role = *attrs.auto_join_role;
  return Status::OK();
}

Status DecodeUpdateOrg(std::string_view body, UpdateOrg* out) {
  static const std::string kAllowed =
      "title, description, email_address, link, " + std::string(kAttributes);
  json j;
  ORGD_RETURN_IF_ERROR(ParseObject(body, &j));
  for (const auto& [key, v] : j.items()) {
    std::optional<std::string>* field = nullptr;
    if (key == "title") field = &out->title;
    if (key == "description") field = &out->description;
    if (key == "email_address") field = &out->email_address;
    if (key == "link") field = &out->link;
    if (key == "name") {
      return Status::InvalidArgument("an organization's name cannot be changed", "immutable_field");
    }
    if (field == nullptr) {
      bool handled = false;
      ORGD_RETURN_IF_ERROR(DecodeOrgAttribute(key, v, out, &handled));
      if (!handled) return UnknownField(key, kAllowed);
      continue;
    }
    if (v.is_null()) {
      *field = std::string();  // null clears the field
    } else {
      field->emplace();
      ORGD_RETURN_IF_ERROR(StringField(key, v, &**field));
    }
  }
  return Status::OK();
}

Status DecodeSetOrgUsage(std::string_view body, SetOrgUsage* out) {
  json j;
  ORGD_RETURN_IF_ERROR(ParseObject(body, &j));
  for (const auto& [key, v] : j.items()) {
    std::optional<uint64_t>* field = nullptr;
    if (key == "rows") field = &out->rows;
    if (key == "storage") field = &out->storage;
    if (key == "assets_mb") field = &out->assets_mb;
    if (field == nullptr) return UnknownField(key, "rows, storage, assets_mb");
    field->emplace();
    ORGD_RETURN_IF_ERROR(CounterField(key, v, /*null_ok=*/false, &**field));
  }
  return Status::OK();
}

Status DecodeSetOrgMetadata(std::string_view body, SetOrgMetadata* out) {
  json j;
  ORGD_RETURN_IF_ERROR(ParseObject(body, &j));
  bool has_value = false;
  for (const auto& [key, v] : j.items()) {
    if (key != "value") return UnknownField(key, "value");
    ORGD_RETURN_IF_ERROR(StringField(key, v, &out->value));
    has_value = true;
  }
  if (!has_value) return Status::InvalidArgument("'value' is required", "missing_field");
  return Status::OK();
}

Status CheckPlan(const std::vector<std::string>& plans, const std::string& role) {
  if (std::find(plans.begin(), plans.end(), role) != plans.end()) return Status::OK();
  std::string allowed;
  for (const auto& p : plans) allowed += (allowed.empty() ? "" : ", ") + p;
  return Status::InvalidArgument("unknown plan '" + role + "'; allowed: " + allowed,
                                 "unknown_plan");
}

namespace {

void CreateOrgRoute(Api& api, Call call) {
  orgd::CreateOrg c;
  Status s = DecodeCreateOrg(call.req.body, &c);
  const std::vector<std::string>& plans = api.options().org_plans;
  if (s.ok() && c.role.empty() && !plans.empty()) c.role = plans.front();
  if (s.ok()) s = CheckPlan(plans, c.role);
  if (!s.ok()) return call.Fail(s);
  c.uuid = NewUuid();
  api.SubmitCommand(std::move(call), Command{{}, std::move(c)}, ResponseFor);
}

void UpdateOrgRoute(Api& api, Call call) {
  orgd::UpdateOrg c;
  Status s = DecodeUpdateOrg(call.req.body, &c);
  if (s.ok() && c.role) s = CheckPlan(api.options().org_plans, *c.role);
  if (!s.ok()) return call.Fail(s);
  c.org = call.params[0];
  api.SubmitCommand(std::move(call), Command{{}, std::move(c)}, ResponseFor);
}

void DeleteOrgRoute(Api& api, Call call) {
  orgd::DeleteOrg c{call.params[0]};
  api.SubmitCommand(std::move(call), Command{{}, std::move(c)}, ResponseFor);
}

void SetOrgUsageRoute(Api& api, Call call) {
  SetOrgUsage c;
  Status s = DecodeSetOrgUsage(call.req.body, &c);
  if (!s.ok()) return call.Fail(s);
  c.org = call.params[0];
  api.SubmitCommand(std::move(call), Command{{}, std::move(c)}, ResponseFor);
}

void SetOrgMetadataRoute(Api& api, Call call) {
  SetOrgMetadata c;
  Status s = DecodeSetOrgMetadata(call.req.body, &c);
  if (!s.ok()) return call.Fail(s);
  c.org = call.params[0];
  c.key = call.params[1];
  api.SubmitCommand(std::move(call), Command{{}, std::move(c)}, ResponseFor);
}

void RemoveOrgMetadataRoute(Api& api, Call call) {
  RemoveOrgMetadata c{call.params[0], call.params[1]};
  api.SubmitCommand(std::move(call), Command{{}, std::move(c)}, ResponseFor);
}

HttpResponse NoStoreJson(std::string body) {
  HttpResponse r;
  r.body = std::move(body);
  r.AddHeader("Cache-Control", "no-store");
  return r;
}

void GetOrgMetadataRoute(const Api& api, Call call) {
  Status s = ValidateOrgMetadataKey(call.params[1]);
  std::string value;
  if (s.ok()) s = api.views().FindOrgMetadata(call.params[0], call.params[1], &value);
  if (!s.ok()) return call.Fail(s);
  call.reply(NoStoreJson(OrgMetadataJson(call.params[1], value)));
}

void ListOrgMetadataRoute(const Api& api, Call call) {
  std::vector<std::pair<std::string, std::string>> entries;
  Status s = api.views().ListOrgMetadata(call.params[0], &entries);
  if (!s.ok()) return call.Fail(s);
  json metadata = json::object();
  for (auto& [key, value] : entries) metadata[key] = std::move(value);
  call.reply(NoStoreJson(json{{"metadata", std::move(metadata)}}.dump(
      -1, ' ', false, json::error_handler_t::replace)));
}

void GetOrgRoute(const Api& api, Call call) {
  OrgDoc doc;
  Status s = api.views().FindOrgDoc(call.params[0], &doc);
  if (!s.ok()) return call.Fail(s);
  HttpResponse r;
  r.body = std::move(doc.json);
  std::string etag = Quoted(doc.version);
  if (auto inm = call.req.Header("If-None-Match"); inm && NoneMatchHits(*inm, etag)) {
    r.status = 304;
    r.body.clear();
  }
  r.AddHeader("ETag", std::move(etag));
  call.reply(std::move(r));
}

// A cursor: the decimal id of the last org of the previous page.
Status CursorParam(std::string_view query, uint64_t* after) {
  auto raw = QueryParam(query, "after");
  *after = 0;
  if (!raw && !HasParam(query, "after")) return Status::OK();
  std::string_view v = raw ? std::string_view(*raw) : std::string_view();
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), *after);
  if (!raw || v.empty() || ec != std::errc() || end != v.data() + v.size()) {
    return Status::InvalidArgument("after must be the 'next' of a previous page", "bad_cursor");
  }
  return Status::OK();
}

// GET /api/v1/orgs: cursor pages (limit, after) or, for old clients, offset
// pages (page, per_page) up to ApiOptions::max_page_offset. Either way the
// reply has total and page from one snapshot, and next: the cursor of the
// next page, null at the end.
void ListOrgsRoute(const Api& api, Call call) {
  const ApiOptions& o = api.options();
  const std::string_view q = call.req.Query();
  const bool cursor = HasParam(q, "limit") || HasParam(q, "after");
  size_t page = 1, per_page = 0;
  uint64_t after = 0;
  Status s = cursor ? CursorParam(q, &after) : PageParam(q, "page", 1, 1'000'000, &page);
  if (s.ok()) {
    s = PageParam(q, cursor ? "limit" : "per_page", o.default_page_size, o.max_page_size,
                  &per_page);
  }
  if (s.ok() && (page - 1) * per_page > o.max_page_offset) {
    s = Status::InvalidArgument("pages beyond the first " + std::to_string(o.max_page_offset) +
                                    " orgs are reached with the cursor: limit and after=next",
                                "page_too_deep");
  }
  OrgPage result;
  if (s.ok()) s = api.views().ListOrgs(after, (page - 1) * per_page, per_page, &result);
  if (!s.ok()) return call.Fail(s);
  HttpResponse r;
  r.body = "{\"orgs\":[";
  for (size_t i = 0; i < result.orgs.size(); ++i) {
    if (i) r.body += ',';
    r.body += result.orgs[i];
  }
  r.body += "],";
  if (!cursor) {
    const bool more = page * per_page < result.total;
    r.body += "\"page\":" + std::to_string(page) + ",\"per_page\":" + std::to_string(per_page) +
              ",\"next_page\":" + (more ? std::to_string(page + 1) : std::string("null")) + ",";
  } else {
    r.body += "\"limit\":" + std::to_string(per_page) + ",";
  }
  r.body += "\"total\":" + std::to_string(result.total) + ",\"next\":" +
            (result.next_after ? "\"" + std::to_string(result.next_after) + "\"" : "null") + "}";
  call.reply(std::move(r));
}

}  // namespace

void RegisterOrgRoutes(Api& api) {
  const Surface* native = &NativeSurface();
  const auto admin = RoutePolicy::SiteAdmin();
  api.Add(native, "POST", "/api/v1/orgs", admin,
          [&api](Call c) { CreateOrgRoute(api, std::move(c)); });
  api.Add(native, "GET", "/api/v1/orgs", admin,
          [&api](Call c) { ListOrgsRoute(api, std::move(c)); });
  using P = RoutePolicy;
  api.Add(native, "GET", "/api/v1/orgs/{org}", P::OrgCapability("view_org"),
          [&api](Call c) { GetOrgRoute(api, std::move(c)); });
  // manage_org (manage_domains for auto-join); plan, quotas and subscription: site admins.
  api.Add(native, "PATCH", "/api/v1/orgs/{org}", P::OrgCapability("view_org"),
          [&api](Call c) { UpdateOrgRoute(api, std::move(c)); });
  api.Add(native, "DELETE", "/api/v1/orgs/{org}", P::OrgCapability("delete_org"),
          [&api](Call c) { DeleteOrgRoute(api, std::move(c)); });
  api.Add(native, "PUT", "/api/v1/orgs/{org}/usage", admin,
          [&api](Call c) { SetOrgUsageRoute(api, std::move(c)); });
  api.Add(native, "GET", "/api/v1/orgs/{org}/metadata", P::OrgCapability("view_org"),
          [&api](Call c) { ListOrgMetadataRoute(api, std::move(c)); });
  api.Add(native, "GET", "/api/v1/orgs/{org}/metadata/{key}", P::OrgCapability("view_org"),
          [&api](Call c) { GetOrgMetadataRoute(api, std::move(c)); });
  api.Add(native, "PUT", "/api/v1/orgs/{org}/metadata/{key}", P::OrgCapability("manage_org"),
          [&api](Call c) { SetOrgMetadataRoute(api, std::move(c)); });
  api.Add(native, "DELETE", "/api/v1/orgs/{org}/metadata/{key}", P::OrgCapability("manage_org"),
          [&api](Call c) { RemoveOrgMetadataRoute(api, std::move(c)); });
}

}  // namespace orgd::http
