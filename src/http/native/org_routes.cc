// The native organizations API: /api/v1/orgs.
#include <charconv>
#include <nlohmann/json.hpp>

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

namespace {

void CreateOrgRoute(Api& api, Call call) {
  orgd::CreateOrg c;
  Status s = DecodeCreateOrg(call.req.body, &c);
  if (!s.ok()) return call.Fail(s);
  c.uuid = NewUuid();
  api.SubmitCommand(std::move(call), Command{{}, std::move(c)}, ResponseFor);
}

void UpdateOrgRoute(Api& api, Call call) {
  orgd::UpdateOrg c;
  Status s = DecodeUpdateOrg(call.req.body, &c);
  if (!s.ok()) return call.Fail(s);
  c.org = call.params[0];
  api.SubmitCommand(std::move(call), Command{{}, std::move(c)}, ResponseFor);
}

void DeleteOrgRoute(Api& api, Call call) {
  orgd::DeleteOrg c{call.params[0]};
  api.SubmitCommand(std::move(call), Command{{}, std::move(c)}, ResponseFor);
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
  api.Add(native, "GET", "/api/v1/orgs/{org}", admin,
          [&api](Call c) { GetOrgRoute(api, std::move(c)); });
  api.Add(native, "PATCH", "/api/v1/orgs/{org}", admin,
          [&api](Call c) { UpdateOrgRoute(api, std::move(c)); });
  api.Add(native, "DELETE", "/api/v1/orgs/{org}", admin,
          [&api](Call c) { DeleteOrgRoute(api, std::move(c)); });
}

}  // namespace orgd::http
