// The native organizations API: /api/v1/orgs.
#include <charconv>
#include <nlohmann/json.hpp>

#include "src/commands/core/writer.h"
#include "common/json_util.h"
#include "common/random.h"
#include "src/http/core/api.h"
#include "src/http/core/errors.h"
#include "src/projections/orgs/org_projection.h"

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

}  // namespace

Status DecodeCreateOrg(std::string_view body, CreateOrg* out) {
  static constexpr std::string_view kAllowed = "name, title, description, email_address, link";
  json j;
  ORGD_RETURN_IF_ERROR(ParseObject(body, &j));
  bool has_name = false;
  for (const auto& [key, v] : j.items()) {
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
      return UnknownField(key, kAllowed);
    }
  }
  if (!has_name) return Status::InvalidArgument("'name' is required", "missing_field");
  return Status::OK();
}

Status DecodeUpdateOrg(std::string_view body, UpdateOrg* out) {
  static constexpr std::string_view kAllowed = "title, description, email_address, link";
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
    if (field == nullptr) return UnknownField(key, kAllowed);
    if (v.is_null()) {
      *field = std::string();  // null clears the field
    } else {
      field->emplace();
      ORGD_RETURN_IF_ERROR(StringField(key, v, &**field));
    }
  }
  return Status::OK();
}

void Api::OnCreateOrg(Call call) {
  orgd::CreateOrg c;
  Status s = DecodeCreateOrg(call.req.body, &c);
  if (!s.ok()) return call.reply(ErrorResponse(s));
  c.uuid = NewUuid();
  Submit(std::move(call), Command{{}, std::move(c)});
}

void Api::OnUpdateOrg(Call call) {
  orgd::UpdateOrg c;
  Status s = DecodeUpdateOrg(call.req.body, &c);
  if (!s.ok()) return call.reply(ErrorResponse(s));
  c.org = call.params[0];
  Submit(std::move(call), Command{{}, std::move(c)});
}

void Api::OnDeleteOrg(Call call) {
  orgd::DeleteOrg c{call.params[0]};
  Submit(std::move(call), Command{{}, std::move(c)});
}

void Api::OnGetOrg(Call call) {
  if (!call.principal.site_admin) {
    return call.reply(ErrorResponse(Status::Forbidden("only site admins may read organizations")));
  }
  StoreCfReader reader(store_, orgs_cf_);
  HttpResponse r;
  uint64_t version = 0;
  Status s = OrgReader(reader).FindJson(call.params[0], &version, &r.body);
  if (!s.ok()) return call.reply(ErrorResponse(s));
  std::string etag = Quoted(version);
  if (auto inm = call.req.Header("If-None-Match"); inm && NoneMatchHits(*inm, etag)) {
    r.status = 304;
    r.body.clear();
  }
  r.AddHeader("ETag", std::move(etag));
  call.reply(std::move(r));
}

void Api::OnListOrgs(Call call) {
  if (!call.principal.site_admin) {
    return call.reply(ErrorResponse(Status::Forbidden("only site admins may list organizations")));
  }
  size_t page = 0, per_page = 0;
  Status s = PageParam(call.req.Query(), "page", 1, 1'000'000, &page);
  if (s.ok()) {
    s = PageParam(call.req.Query(), "per_page", options_.default_page_size, options_.max_page_size,
                  &per_page);
  }
  StoreCfReader reader(store_, orgs_cf_);
  OrgReader orgs(reader);
  OrgReader::Page result;
  uint64_t total = 0;
  if (s.ok()) s = orgs.List(0, (page - 1) * per_page, per_page, &result);
  if (s.ok()) s = orgs.Count(&total);
  if (!s.ok()) return call.reply(ErrorResponse(s));
  HttpResponse r;
  r.body = "{\"orgs\":[";
  for (size_t i = 0; i < result.orgs.size(); ++i) {
    if (i) r.body += ',';
    r.body += result.orgs[i];
  }
  bool more = page * per_page < total;
  r.body += "],\"page\":" + std::to_string(page) + ",\"per_page\":" + std::to_string(per_page) +
            ",\"total\":" + std::to_string(total) +
            ",\"next_page\":" + (more ? std::to_string(page + 1) : std::string("null")) + "}";
  call.reply(std::move(r));
}

}  // namespace orgd::http
