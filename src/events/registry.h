// The event registry: every event type declares once its frozen on-disk name,
// schema version, fields and upcasters, and everything else derives from that
// declaration: encoding, decoding, IsKnownEventType, replay's generic
// printing and the envelope fuzz target.
//
// A declaration, in src/events/<aggregate>_events.h:
//
//   struct OrgDeleted {
//     static constexpr std::string_view kType = "OrgDeleted";   // frozen
//     static constexpr uint32_t kVersion = 1;                   // payload schema
//     uint64_t id = 0;
//     std::string name;
//     static constexpr auto kFields =
//         std::make_tuple(Field("id", &OrgDeleted::id), Field("name", &OrgDeleted::name));
//   };
//
// Field types: std::string, uint64_t, int64_t, bool, std::optional of those
// (absent in the payload when empty), and std::vector<std::string> (a JSON
// array of strings; lists of ids, capabilities). A type whose schema changed gives
// kVersion > 1 and `static Status Upcast(uint32_t from, nlohmann::json* payload)`,
// which turns a payload of version `from` into one of version from + 1.
// Each aggregate's events.cc registers its types (RegisterOrgEvents), and
// all_events.cc lists the aggregates: the one registration line per aggregate.
//
// Thread safety: the registry is filled once, on first use, and read-only
// afterwards; every function here is safe from any thread.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <vector>

#include "common/json_util.h"
#include "common/status.h"
#include "storage/log/record.h"

namespace orgd {

// One field of an event type: its name in the payload and its member.
template <typename E, typename T>
struct FieldDesc {
  std::string_view name;
  T E::*member;
};
template <typename E, typename T>
constexpr FieldDesc<E, T> Field(std::string_view name, T E::*member) {
  return {name, member};
}

namespace events_internal {

// The payload writer and reader for one field value; defined in registry.cc
// for the supported types.
void WriteValue(std::string* out, const std::string& v);
void WriteValue(std::string* out, uint64_t v);
void WriteValue(std::string* out, int64_t v);
void WriteValue(std::string* out, bool v);
void WriteValue(std::string* out, const std::vector<std::string>& v);

// A parsed payload, whichever parser read it.
class PayloadReader {
 public:
  virtual ~PayloadReader() = default;
  // Absent: NotFound. Present with another type: Corruption.
  virtual Status Read(std::string_view key, std::string* out) const = 0;
  virtual Status Read(std::string_view key, uint64_t* out) const = 0;
  virtual Status Read(std::string_view key, int64_t* out) const = 0;
  virtual Status Read(std::string_view key, bool* out) const = 0;
  virtual Status Read(std::string_view key, std::vector<std::string>* out) const = 0;
};

using UpcastFn = Status (*)(uint32_t from, nlohmann::json* payload);

// A payload parsed for reading: FlatJson's fast path for a flat payload of
// the current version (no allocation), else nlohmann, after running upcast
// once per version step from `from` to `current`. Not shareable; text must
// outlive it.
class ParsedPayload final : public PayloadReader {
 public:
  ParsedPayload();
  ~ParsedPayload() override;
  Status Parse(std::string_view text, uint32_t from, uint32_t current, std::string_view type,
               UpcastFn upcast);
  // REQUIRES: Parse returned OK.
  const PayloadReader& reader() const { return *this; }

  Status Read(std::string_view key, std::string* out) const override;
  Status Read(std::string_view key, uint64_t* out) const override;
  Status Read(std::string_view key, int64_t* out) const override;
  Status Read(std::string_view key, bool* out) const override;
  Status Read(std::string_view key, std::vector<std::string>* out) const override;

 private:
  struct Tree;
  FlatJson flat_;
  std::unique_ptr<Tree> tree_;  // only when the fast path declined
};

template <typename T>
struct IsOptional : std::false_type {};
template <typename T>
struct IsOptional<std::optional<T>> : std::true_type {};

template <typename E, typename = void>
struct HasUpcast : std::false_type {};
template <typename E>
struct HasUpcast<E, std::void_t<decltype(&E::Upcast)>> : std::true_type {};

}  // namespace events_internal

// The payload of e as JSON text: fields in declaration order, empty optionals
// left out.
template <typename E>
std::string ToPayload(const E& e) {
  std::string out = "{";
  bool first = true;
  std::apply(
      [&](const auto&... f) {
        auto one = [&](const auto& field) {
          const auto& v = e.*(field.member);
          using V = std::decay_t<decltype(v)>;
          if constexpr (events_internal::IsOptional<V>::value) {
            if (!v) return;
          }
          if (!first) out += ',';
          first = false;
          out += '"';
          out += field.name;
          out += "\":";
          if constexpr (events_internal::IsOptional<V>::value) {
            events_internal::WriteValue(&out, *v);
          } else {
            events_internal::WriteValue(&out, v);
          }
        };
        (one(f), ...);
      },
      E::kFields);
  out += '}';
  return out;
}

// Parses a stored payload written with schema_version, upcasting it to the
// current version. Corruption when it does not fit the schema.
template <typename E>
Status FromPayload(std::string_view text, uint32_t schema_version, E* out) {
  events_internal::UpcastFn upcast = nullptr;
  if constexpr (events_internal::HasUpcast<E>::value) upcast = &E::Upcast;
  events_internal::ParsedPayload parsed;
  ORGD_RETURN_IF_ERROR(parsed.Parse(text, schema_version, E::kVersion, E::kType, upcast));
  const events_internal::PayloadReader& r = parsed.reader();
  {
        Status result;
        std::apply(
            [&](const auto&... f) {
              auto one = [&](const auto& field) {
                if (!result.ok()) return;
                auto& v = out->*(field.member);
                using V = std::decay_t<decltype(v)>;
                if constexpr (events_internal::IsOptional<V>::value) {
                  typename V::value_type x{};
                  Status s = r.Read(field.name, &x);
                  if (s.ok()) {
                    v = std::move(x);
                  } else if (s.IsNotFound()) {
                    v.reset();
                  } else {
                    result = s;
                  }
                } else {
                  Status s = r.Read(field.name, &v);
                  if (s.IsNotFound()) {
                    result = Status::Corruption(std::string(E::kType) + " lacks " +
                                                std::string(field.name));
                  } else {
                    result = s;
                  }
                }
              };
              (one(f), ...);
            },
            E::kFields);
        if (!result.ok()) return Status::Corruption(std::string(E::kType) + ": " + result.message());
        return result;
  }
}

// Builds the NewEvent for a typed payload on a stream.
template <typename E>
NewEvent MakeEvent(std::string stream_id, const E& e) {
  return NewEvent{std::move(stream_id), std::string(E::kType), E::kVersion, ToPayload(e)};
}

// Decodes an envelope's payload as E; Corruption when the type does not match.
template <typename E>
Status DecodeAs(const EventEnvelope& env, E* out) {
  if (env.type != E::kType) return Status::Corruption("event is not " + std::string(E::kType));
  return FromPayload(env.payload, env.schema_version, out);
}

// What the registry knows of one event type.
struct EventTypeInfo {
  std::string_view type;
  uint32_t version = 0;
  std::vector<std::string_view> fields;
  // Decodes a stored payload (upcasting it) and encodes it again at the
  // current version: the canonical payload. Corruption when it does not fit.
  std::function<Status(std::string_view payload, uint32_t version, std::string* canonical)> recode;
  // A sample payload of the current version, for tests and fuzz seeds.
  std::function<std::string()> sample;
};

class EventRegistry {
 public:
  // Declares E. REQUIRES: called during registration only (all_events.cc).
  template <typename E>
  void Add() {
    EventTypeInfo info;
    info.type = E::kType;
    info.version = E::kVersion;
    std::apply([&](const auto&... f) { (info.fields.push_back(f.name), ...); }, E::kFields);
    info.recode = [](std::string_view payload, uint32_t version, std::string* out) {
      E e;
      ORGD_RETURN_IF_ERROR(FromPayload(payload, version, &e));
      *out = ToPayload(e);
      return Status::OK();
    };
    info.sample = [] { return ToPayload(E{}); };
    types_.push_back(std::move(info));
  }

  // The registry of every event type orgd knows (all_events.cc).
  static const EventRegistry& Get();

  // nullptr when the type is unknown.
  const EventTypeInfo* Find(std::string_view type) const;
  const std::vector<EventTypeInfo>& types() const { return types_; }

 private:
  std::vector<EventTypeInfo> types_;
};

// True when type names a known event type and version is one we can read.
bool IsKnownEventType(std::string_view type, uint32_t version);

// The event as JSON for people and tools: its payload decoded through the
// registry (upcast to the current version, "schema_version" then says which
// version was stored). Unknown types and unreadable payloads are shown raw.
nlohmann::json PayloadForDisplay(std::string_view type, uint32_t version, std::string_view payload);

}  // namespace orgd
