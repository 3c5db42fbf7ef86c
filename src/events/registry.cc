#include "src/events/registry.h"

#include <nlohmann/json.hpp>

#include <limits>

#include "common/json_util.h"

namespace orgd {
namespace events_internal {
namespace {

using nlohmann::json;

Status WrongType(std::string_view key) {
  return Status::Corruption("payload field " + std::string(key) + " has the wrong type");
}

// Reads FlatJson's views: only what it parsed exactly.
class FlatReader final : public PayloadReader {
 public:
  explicit FlatReader(const FlatJson& j) : j_(j) {}
  Status Read(std::string_view key, std::string* out) const override {
    const FlatJson::Value* v = j_.Find(key);
    if (v == nullptr) return Status::NotFound(std::string(key));
    if (v->kind != FlatJson::Value::Kind::kString) return WrongType(key);
    out->assign(v->text);
    return Status::OK();
  }
  Status Read(std::string_view key, uint64_t* out) const override {
    const FlatJson::Value* v = j_.Find(key);
    if (v == nullptr) return Status::NotFound(std::string(key));
    if (v->kind != FlatJson::Value::Kind::kUnsigned) return WrongType(key);
    *out = v->number;
    return Status::OK();
  }
  Status Read(std::string_view key, int64_t* out) const override {
    uint64_t u = 0;
    ORGD_RETURN_IF_ERROR(Read(key, &u));
    if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return WrongType(key);
    *out = static_cast<int64_t>(u);
    return Status::OK();
  }
  Status Read(std::string_view key, bool* out) const override {
    const FlatJson::Value* v = j_.Find(key);
    if (v == nullptr) return Status::NotFound(std::string(key));
    if (v->kind == FlatJson::Value::Kind::kTrue) *out = true;
    else if (v->kind == FlatJson::Value::Kind::kFalse) *out = false;
    else return WrongType(key);
    return Status::OK();
  }
  // FlatJson declines arrays, so a list present here is never one.
  Status Read(std::string_view key, std::vector<std::string>* out) const override {
    if (j_.Find(key) == nullptr) return Status::NotFound(std::string(key));
    return WrongType(key);
  }

 private:
  const FlatJson& j_;
};

// Reads a nlohmann tree. Integers come only from JSON integers in range:
// get<T>() would convert any number (-1 wraps, 2.5 becomes 2), and a float
// out of range is undefined behaviour there.
class TreeReader final : public PayloadReader {
 public:
  explicit TreeReader(const json& j) : j_(j) {}
  Status Read(std::string_view key, std::string* out) const override {
    const json* v = Find(key);
    if (v == nullptr) return Status::NotFound(std::string(key));
    if (!v->is_string()) return WrongType(key);
    *out = v->get<std::string>();
    return Status::OK();
  }
  Status Read(std::string_view key, uint64_t* out) const override {
    const json* v = Find(key);
    if (v == nullptr) return Status::NotFound(std::string(key));
    if (!v->is_number_unsigned()) return WrongType(key);
    *out = v->get<uint64_t>();
    return Status::OK();
  }
  Status Read(std::string_view key, int64_t* out) const override {
    const json* v = Find(key);
    if (v == nullptr) return Status::NotFound(std::string(key));
    if (!v->is_number_integer() ||
        (v->is_number_unsigned() &&
         v->get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))) {
      return WrongType(key);
    }
    *out = v->get<int64_t>();
    return Status::OK();
  }
  Status Read(std::string_view key, bool* out) const override {
    const json* v = Find(key);
    if (v == nullptr) return Status::NotFound(std::string(key));
    if (!v->is_boolean()) return WrongType(key);
    *out = v->get<bool>();
    return Status::OK();
  }
  Status Read(std::string_view key, std::vector<std::string>* out) const override {
    const json* v = Find(key);
    if (v == nullptr) return Status::NotFound(std::string(key));
    if (!v->is_array()) return WrongType(key);
    out->clear();
    out->reserve(v->size());
    for (const json& item : *v) {
      if (!item.is_string()) return WrongType(key);
      out->push_back(item.get<std::string>());
    }
    return Status::OK();
  }

 private:
  const json* Find(std::string_view key) const {
    auto it = j_.find(key);
    return it == j_.end() ? nullptr : &*it;
  }
  const json& j_;
};

}  // namespace

void WriteValue(std::string* out, const std::string& v) {
  const size_t mark = out->size();
  if (!AppendJsonString(out, v)) {  // not UTF-8: as nlohmann writes it, with U+FFFD
    out->resize(mark);
    *out += json(v).dump(-1, ' ', false, json::error_handler_t::replace);
  }
}
void WriteValue(std::string* out, uint64_t v) { *out += std::to_string(v); }
void WriteValue(std::string* out, int64_t v) { *out += std::to_string(v); }
void WriteValue(std::string* out, bool v) { *out += v ? "true" : "false"; }
void WriteValue(std::string* out, const std::vector<std::string>& v) {
  *out += '[';
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) *out += ',';
    WriteValue(out, v[i]);
  }
  *out += ']';
}

struct ParsedPayload::Tree {
  json j;
  TreeReader reader{j};
};

ParsedPayload::ParsedPayload() = default;
ParsedPayload::~ParsedPayload() = default;

Status ParsedPayload::Parse(std::string_view text, uint32_t from, uint32_t current,
                            std::string_view type, UpcastFn upcast) {
  if (from == 0 || from > current) {
    return Status::Corruption(std::string(type) + " schema version " + std::to_string(from) +
                              " is not readable by this build");
  }
  if (from == current && flat_.Parse(text)) return Status::OK();
  tree_ = std::make_unique<Tree>();
  Status parsed = ParseJson(text, &tree_->j);
  if (!parsed.ok()) return Status::Corruption(std::string(type) + " payload: " + parsed.message());
  if (!tree_->j.is_object()) return Status::Corruption(std::string(type) + " payload is not an object");
  for (uint32_t v = from; v < current; ++v) {
    if (upcast == nullptr) return Status::Corruption(std::string(type) + " has no upcaster");
    Status s = upcast(v, &tree_->j);
    if (!s.ok()) return Status::Corruption(std::string(type) + ": " + s.message());
  }
  return Status::OK();
}

Status ParsedPayload::Read(std::string_view key, std::string* out) const {
  return tree_ ? tree_->reader.Read(key, out) : FlatReader(flat_).Read(key, out);
}
Status ParsedPayload::Read(std::string_view key, uint64_t* out) const {
  return tree_ ? tree_->reader.Read(key, out) : FlatReader(flat_).Read(key, out);
}
Status ParsedPayload::Read(std::string_view key, int64_t* out) const {
  return tree_ ? tree_->reader.Read(key, out) : FlatReader(flat_).Read(key, out);
}
Status ParsedPayload::Read(std::string_view key, bool* out) const {
  return tree_ ? tree_->reader.Read(key, out) : FlatReader(flat_).Read(key, out);
}
Status ParsedPayload::Read(std::string_view key, std::vector<std::string>* out) const {
  return tree_ ? tree_->reader.Read(key, out) : FlatReader(flat_).Read(key, out);
}

}  // namespace events_internal

const EventTypeInfo* EventRegistry::Find(std::string_view type) const {
  for (const auto& t : types_) {
    if (t.type == type) return &t;
  }
  return nullptr;
}

bool IsKnownEventType(std::string_view type, uint32_t version) {
  const EventTypeInfo* t = EventRegistry::Get().Find(type);
  return t != nullptr && version >= 1 && version <= t->version;
}

nlohmann::json PayloadForDisplay(std::string_view type, uint32_t version, std::string_view payload) {
  const EventTypeInfo* t = EventRegistry::Get().Find(type);
  std::string canonical;
  if (t != nullptr && t->recode(payload, version, &canonical).ok()) {
    return nlohmann::json::parse(canonical, nullptr, false);
  }
  nlohmann::json raw = nlohmann::json::parse(payload, nullptr, false);
  return raw.is_discarded() ? nlohmann::json(std::string(payload)) : raw;
}

}  // namespace orgd
