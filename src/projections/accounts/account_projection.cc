#include "src/projections/accounts/account_projection.h"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "common/json_util.h"
#include "common/random.h"
#include "src/events/account_events.h"
#include "src/events/credential_events.h"
#include "src/events/org_events.h"
#include "storage/keys.h"

namespace orgd {
namespace {

using nlohmann::json;
using storage::AppendBE64;
using storage::DecodeBE64;
using storage::EncodeBE64;

constexpr std::string_view kCountKey{"\0count", 6};

std::string IdKey(std::string_view id) { return "a" + std::string(id); }
std::string EmailKey(std::string_view email) { return "e" + std::string(email); }
std::string UsernameKey(std::string_view username) { return "n" + LowerAscii(username); }
std::string HomeOrgKey(uint64_t org, std::string_view id) {
  std::string k = "h";
  AppendBE64(&k, org);
  k += id;
  return k;
}

Status AddToCount(ModelWriter& w, int delta) {
  uint64_t n;
  ORGD_RETURN_IF_ERROR(ReadBE64(w, kCountKey, 0, &n));
  w.Put(kCountKey, EncodeBE64(delta < 0 && n == 0 ? 0 : n + delta));
  return Status::OK();
}

// The stored value: BE64(version) + JSON. NotFound "account_deleted" for a
// deleted account's remnant.
Status ReadRecord(const ModelReader& r, std::string_view id, AccountRecord* out) {
  std::string v;
  Status s = r.Get(IdKey(id), &v);
  if (s.IsNotFound()) {
    return Status::NotFound("no account " + std::string(id), "unknown_account");
  }
  ORGD_RETURN_IF_ERROR(s);
  if (v.size() < 8) return Status::Corruption("accounts model: short record");
  return AccountFromJson(std::string_view(v).substr(8), DecodeBE64(v), out);
}

void WriteRecord(ModelWriter& w, const AccountRecord& a) {
  std::string v = EncodeBE64(a.version);
  v += AccountToJson(a);
  w.Put(IdKey(a.id), v);
}

Status ApplyCreated(const EventEnvelope& e, ModelWriter& w) {
  AccountCreated c;
  ORGD_RETURN_IF_ERROR(DecodeAs(e, &c));
  AccountRecord a;
  a.id = c.account_id;
  a.email = c.email;
  a.first_name = c.first_name;
  a.last_name = c.last_name;
  a.username = c.username;
  a.site_admin = c.site_admin;
  a.home_org_id = c.home_org_id;
  a.home_org = c.home_org;
  a.created_ms = e.timestamp_ms;
  a.version = e.stream_version;
  WriteRecord(w, a);
  w.Put(EmailKey(a.email), a.id);
  if (!a.username.empty()) w.Put(UsernameKey(a.username), a.id);
  if (a.home_org_id != 0) w.Put(HomeOrgKey(a.home_org_id, a.id), "");
  return AddToCount(w, 1);
}

Status ApplyUpdated(const EventEnvelope& e, ModelWriter& w) {
  AccountUpdated u;
  ORGD_RETURN_IF_ERROR(DecodeAs(e, &u));
  AccountRecord a;
  ORGD_RETURN_IF_ERROR(ReadRecord(w, u.account_id, &a));
  if (u.email && *u.email != a.email) {
    w.Delete(EmailKey(a.email));
    a.email = *u.email;
    w.Put(EmailKey(a.email), a.id);
  }
  if (u.username && *u.username != a.username) {
    if (!a.username.empty()) w.Delete(UsernameKey(a.username));
    a.username = *u.username;
    if (!a.username.empty()) w.Put(UsernameKey(a.username), a.id);
  }
  if (u.home_org_id && *u.home_org_id != a.home_org_id) {
    if (a.home_org_id != 0) w.Delete(HomeOrgKey(a.home_org_id, a.id));
    a.home_org_id = *u.home_org_id;
    a.home_org = u.home_org.value_or("");
    if (a.home_org_id != 0) w.Put(HomeOrgKey(a.home_org_id, a.id), "");
  }
  if (u.first_name) a.first_name = *u.first_name;
  if (u.last_name) a.last_name = *u.last_name;
  if (u.site_admin) a.site_admin = *u.site_admin;
  if (u.active) a.active = *u.active;
  a.version = e.stream_version;
  WriteRecord(w, a);
  return Status::OK();
}

Status ApplyDeleted(const EventEnvelope& e, ModelWriter& w) {
  AccountDeleted d;
  ORGD_RETURN_IF_ERROR(DecodeAs(e, &d));
  AccountRecord a;
  ORGD_RETURN_IF_ERROR(ReadRecord(w, d.account_id, &a));
  w.Delete(EmailKey(a.email));
  if (!a.username.empty()) w.Delete(UsernameKey(a.username));
  if (a.home_org_id != 0) w.Delete(HomeOrgKey(a.home_org_id, a.id));
  std::string v = EncodeBE64(e.stream_version);
  v += R"({"id":")" + a.id + R"(","deleted":true})";
  w.Put(IdKey(a.id), v);
  return AddToCount(w, -1);
}

// The accounts whose home org it was become org-less: their record shows no
// home org and the "h" entries go. No event of theirs: their versions stay.
Status ApplyOrgDeleted(const EventEnvelope& e, ModelWriter& w) {
  OrgDeleted d;
  ORGD_RETURN_IF_ERROR(DecodeAs(e, &d));
  const std::string prefix = HomeOrgKey(d.id, "");
  std::vector<std::string> ids;
  {
    auto it = w.NewIterator(d.id == UINT64_MAX ? std::string("i") : HomeOrgKey(d.id + 1, ""));
    // A pending batch's iterator may pass the bound: check each key.
    for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
      ids.emplace_back(it->key().substr(prefix.size()));
    }
    ORGD_RETURN_IF_ERROR(it->status());
  }
  for (const auto& id : ids) {
    w.Delete(HomeOrgKey(d.id, id));
    AccountRecord a;
    Status s = ReadRecord(w, id, &a);
    if (s.IsNotFound()) continue;  // a deleted account keeps no index entry, but be lenient
    ORGD_RETURN_IF_ERROR(s);
    if (a.home_org_id != d.id) continue;
    a.home_org_id = 0;
    a.home_org.clear();
    WriteRecord(w, a);
  }
  return Status::OK();
}

// The stream moved on (the hash itself lives in the credentials model).
Status ApplyPasswordSet(const EventEnvelope& e, ModelWriter& w) {
  AccountPasswordSet p;
  ORGD_RETURN_IF_ERROR(DecodeAs(e, &p));
  AccountRecord a;
  ORGD_RETURN_IF_ERROR(ReadRecord(w, p.account_id, &a));
  a.version = e.stream_version;
  WriteRecord(w, a);
  return Status::OK();
}

// A credential's use, or a sign-in: the account was active then.
Status ApplyActive(std::string_view account_id, int64_t at_ms, ModelWriter& w) {
  if (account_id.empty()) return Status::OK();  // a site key
  AccountRecord a;
  Status s = ReadRecord(w, account_id, &a);
  if (s.IsNotFound()) return Status::OK();  // deleted since
  ORGD_RETURN_IF_ERROR(s);
  if (at_ms <= a.last_active_ms) return Status::OK();
  a.last_active_ms = at_ms;
  WriteRecord(w, a);
  return Status::OK();
}

}  // namespace

std::string LowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

namespace {

// What nlohmann writes for the record, byte for byte; false when a field is
// not valid UTF-8 (validated input always is).
bool FastAccountToJson(const AccountRecord& a, std::string* out) {
  auto text = [&](std::string_view key, const std::string& v) {
    out->append(",\"").append(key).append("\":");
    return AppendJsonString(out, v);
  };
  auto number = [&](std::string_view key, uint64_t v) {
    out->append(",\"").append(key).append("\":").append(std::to_string(v));
  };
  auto flag = [&](std::string_view key, bool v) {
    out->append(",\"").append(key).append("\":").append(v ? "true" : "false");
  };
  out->reserve(256);
  // Keys in nlohmann's (sorted) order.
  out->assign("{\"active\":").append(a.active ? "true" : "false");
  number("created_ms", static_cast<uint64_t>(a.created_ms));
  bool ok = text("email", a.email);
  flag("email_verified", a.email_verified);
  ok = text("first_name", a.first_name) && ok;
  ok = text("home_org", a.home_org) && ok;
  number("home_org_id", a.home_org_id);
  ok = text("id", a.id) && ok;
  number("last_active_ms", static_cast<uint64_t>(a.last_active_ms));
  ok = text("last_name", a.last_name) && ok;
  flag("site_admin", a.site_admin);
  ok = text("username", a.username) && ok;
  out->push_back('}');
  return ok && a.created_ms >= 0 && a.last_active_ms >= 0;
}

}  // namespace

std::string AccountToJson(const AccountRecord& a) {
  std::string fast;
  if (FastAccountToJson(a, &fast)) return fast;
  return internal::ReferenceAccountToJsonForTest(a);
}

std::string internal::ReferenceAccountToJsonForTest(const AccountRecord& a) {
  json j{{"id", a.id},
         {"email", a.email},
         {"first_name", a.first_name},
         {"last_name", a.last_name},
         {"username", a.username},
         {"site_admin", a.site_admin},
         {"home_org_id", a.home_org_id},
         {"home_org", a.home_org},
         {"created_ms", a.created_ms},
         {"last_active_ms", a.last_active_ms},
         {"email_verified", a.email_verified},
         {"active", a.active}};
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

Status AccountFromJson(std::string_view text, uint64_t version, AccountRecord* out) {
  out->version = version;
  FlatJson f;
  if (f.Parse(text)) {
    using Kind = FlatJson::Value::Kind;
    auto str = [&](std::string_view k, std::string* o) {
      const FlatJson::Value* x = f.Find(k);
      if (x == nullptr || x->kind != Kind::kString) return false;
      o->assign(x->text);
      return true;
    };
    auto num = [&](std::string_view k, auto* o) {
      const FlatJson::Value* x = f.Find(k);
      if (x == nullptr || x->kind != Kind::kUnsigned) return false;
      *o = static_cast<std::decay_t<decltype(*o)>>(x->number);
      return true;
    };
    auto flag = [&](std::string_view k, bool* o) {
      const FlatJson::Value* x = f.Find(k);
      if (x == nullptr || (x->kind != Kind::kTrue && x->kind != Kind::kFalse)) return false;
      *o = x->kind == Kind::kTrue;
      return true;
    };
    if (f.Find("deleted") != nullptr) {
      str("id", &out->id);
      return Status::NotFound("account " + out->id + " was deleted", "account_deleted");
    }
    if (str("id", &out->id) && str("email", &out->email) && str("first_name", &out->first_name) &&
        str("last_name", &out->last_name) && str("username", &out->username) &&
        flag("site_admin", &out->site_admin) && num("home_org_id", &out->home_org_id) &&
        str("home_org", &out->home_org) && num("created_ms", &out->created_ms) &&
        num("last_active_ms", &out->last_active_ms) &&
        flag("email_verified", &out->email_verified) && flag("active", &out->active)) {
      return Status::OK();
    }
  }
  json j;
  Status parsed = ParseJson(text, &j);
  if (!parsed.ok() || !j.is_object()) return Status::Corruption("accounts model: record");
  try {
    out->id = j.at("id").get<std::string>();
    if (j.contains("deleted")) {
      return Status::NotFound("account " + out->id + " was deleted", "account_deleted");
    }
    out->email = j.at("email").get<std::string>();
    out->first_name = j.at("first_name").get<std::string>();
    out->last_name = j.at("last_name").get<std::string>();
    out->username = j.at("username").get<std::string>();
    out->site_admin = j.at("site_admin").get<bool>();
    out->home_org_id = j.at("home_org_id").get<uint64_t>();
    out->home_org = j.at("home_org").get<std::string>();
    out->created_ms = j.at("created_ms").get<int64_t>();
    out->last_active_ms = j.at("last_active_ms").get<int64_t>();
    out->email_verified = j.at("email_verified").get<bool>();
    out->active = j.at("active").get<bool>();
  } catch (const json::exception&) {
    return Status::Corruption("accounts model: record fields");
  }
  return Status::OK();
}

Status AccountFromSnapshot(std::string_view snapshot, AccountRecord* out) {
  if (snapshot.size() < 8) return Status::Corruption("account snapshot");
  return AccountFromJson(snapshot.substr(8), DecodeBE64(snapshot), out);
}

Status AccountProjection::Apply(const EventEnvelope& e, ModelWriter& w) const {
  if (e.type == AccountCreated::kType) return ApplyCreated(e, w);
  if (e.type == AccountUpdated::kType) return ApplyUpdated(e, w);
  if (e.type == AccountDeleted::kType) return ApplyDeleted(e, w);
  if (e.type == AccountPasswordSet::kType) return ApplyPasswordSet(e, w);
  if (e.type == OrgDeleted::kType) return ApplyOrgDeleted(e, w);
  if (e.type == CredentialUsed::kType) {
    CredentialUsed u;
    ORGD_RETURN_IF_ERROR(DecodeAs(e, &u));
    return ApplyActive(u.account_id, u.at_ms, w);
  }
  if (e.type == SessionStarted::kType) {
    SessionStarted s;
    ORGD_RETURN_IF_ERROR(DecodeAs(e, &s));
    return ApplyActive(s.account_id, e.timestamp_ms, w);
  }
  return Status::OK();
}

Status AccountProjection::Snapshot(std::string_view kind, std::string_view id, const ModelReader& r,
                                   std::string* out) const {
  if (kind != kEntity) return Status::NotFound("not an account");
  return r.Get(IdKey(id), out);
}

Status AccountReader::FindById(std::string_view id, AccountRecord* out) const {
  return ReadRecord(r_, id, out);
}

Status AccountReader::Find(std::string_view ref, AccountRecord* out) const {
  if (IsUuid(ref)) return FindById(LowerAscii(ref), out);
  std::string id;
  Status s = IdForEmail(LowerAscii(ref), &id);
  if (s.IsNotFound()) {
    return Status::NotFound("no account '" + std::string(ref) + "'", "unknown_account");
  }
  ORGD_RETURN_IF_ERROR(s);
  return FindById(id, out);
}

Status AccountReader::IdForEmail(std::string_view email, std::string* id) const {
  return r_.Get(EmailKey(email), id);
}

Status AccountReader::IdForUsername(std::string_view username, std::string* id) const {
  return r_.Get(UsernameKey(username), id);
}

Status AccountReader::Count(uint64_t* n) const { return ReadBE64(r_, kCountKey, 0, n); }

Status AccountReader::ForEach(const std::function<Status(const AccountRecord&)>& fn) const {
  auto it = r_.NewIterator("b");
  for (it->Seek("a"); it->Valid() && it->key().starts_with("a"); it->Next()) {
    std::string_view v = it->value();
    if (v.size() < 8) return Status::Corruption("accounts model: short record");
    AccountRecord a;
    Status s = AccountFromJson(v.substr(8), DecodeBE64(v), &a);
    if (s.IsNotFound()) continue;  // deleted
    ORGD_RETURN_IF_ERROR(s);
    ORGD_RETURN_IF_ERROR(fn(a));
  }
  return it->status();
}

}  // namespace orgd
