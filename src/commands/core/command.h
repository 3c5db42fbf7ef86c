// Commands: what callers ask orgd to change, and what the writer reports back.
//
// A command is a plain struct in its aggregate's folder
// (src/commands/<aggregate>/commands.h) with a frozen name and two free
// functions found by argument-dependent lookup:
//
//   struct CreateOrg { static constexpr std::string_view kName = "CreateOrg"; ... };
//   Status Validate(const CreateOrg&);                       // stateless, any thread
//   Result<Decision> Decide(const StateView&, const CommandMeta&, const CreateOrg&);
//
// Command wraps any such struct, so the writer, the HTTP layer and tests move
// commands around without a central list of them. Decisions are pure: they
// read state only through a StateView, return events plus a typed result or a
// typed error, and know nothing of HTTP or JSON.
//
// Plain values; distinct objects may be used from different threads.
#pragma once

#include <concepts>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "storage/kv/model_store.h"
#include "storage/log/event_log.h"

namespace orgd {

// Who asks, and how; filled in by the surface after authentication.
struct CommandMeta {
  std::string actor;            // "key:<key_id>", "system"
  std::string account_id;       // the caller's account; empty for a site key or the system
  bool site_admin = false;
  std::string request_id;
  std::string idempotency_key;  // empty: none
  std::string fingerprint;      // identifies the request, for idempotency
  std::optional<uint64_t> if_match;  // the stream version the caller expects
};

// The state a decision may read: the committed read models plus the writer's
// pending batch, or an in-memory state in tests. Not shareable.
class StateView {
 public:
  virtual ~StateView() = default;
  // The pending view of a projection's model, by projection name.
  // REQUIRES: name is one of AllProjections().
  virtual const ModelReader& model(std::string_view projection) const = 0;
  // The stream's version; 0 for no stream.
  virtual Status StreamVersion(std::string_view stream, uint64_t* version) const = 0;
};

// What a command created, changed or deleted: each surface renders it.
struct CommandResult {
  // These numbers are written to disk (idempotency records) and should not be changed.
  enum class Kind : uint8_t {
    kCreated = 1,  // a new entity (native: 201)
    kChanged = 2,  // an existing one changed (200)
    kDeleted = 3,  // it is gone (204)
  };
  Kind kind = Kind::kChanged;
  std::string entity;    // the entity kind: "org", "api_key"
  std::string id;        // its id, as the surfaces address it: "42"
  std::string stream;    // the stream whose version the result carries
  // Filled in by the writer once the events are appended:
  uint64_t version = 0;  // that stream's version after the command: the ETag
  uint64_t position = 0; // the last event appended (0: none)
  // The entity's stored state after the command, from the model that keeps
  // it (Projection::Snapshot); empty for a deletion or an entity no model keeps.
  std::string snapshot;
};

// What a decision returns: the events to append, the versions they expect,
// and the result to report.
struct Decision {
  std::vector<NewEvent> events;
  std::vector<StreamExpectation> expected;
  CommandResult result;
};

namespace internal {
template <typename T>
concept CommandStruct = requires(const T& c, const StateView& s, const CommandMeta& m) {
  { T::kName } -> std::convertible_to<std::string_view>;
  { Validate(c) } -> std::same_as<Status>;
  { Decide(s, m, c) } -> std::same_as<Result<Decision>>;
};
// Unqualified calls outside any class, so argument-dependent lookup finds the
// aggregate's functions.
template <typename T>
Status CallValidate(const T& c) {
  return Validate(c);
}
template <typename T>
Result<Decision> CallDecide(const StateView& s, const CommandMeta& m, const T& c) {
  return Decide(s, m, c);
}
}  // namespace internal

// Any command, with who asks for it.
class Command {
 public:
  CommandMeta meta;

  Command() = default;
  template <internal::CommandStruct T>
  Command(CommandMeta m, T body)
      : meta(std::move(m)), body_(std::make_shared<Model<T>>(std::move(body))) {}

  // "CreateOrg": for metrics and logs.
  std::string_view name() const { return body_ ? body_->name() : "none"; }
  // The stateless checks (lengths, formats): cheap, on the submitting thread.
  Status Validate() const { return body_ ? body_->Validate() : Status::InvalidArgument("no command"); }
  Result<Decision> Decide(const StateView& s) const {
    if (!body_) return Status::InvalidArgument("no command");
    return body_->Decide(s, meta);
  }
  // The struct inside when it is a T, else nullptr.
  template <typename T>
  const T* As() const {
    auto* m = dynamic_cast<const Model<T>*>(body_.get());
    return m ? &m->value : nullptr;
  }
  template <typename T>
  T* As() {
    auto* m = dynamic_cast<Model<T>*>(body_.get());
    return m ? &m->value : nullptr;
  }

 private:
  struct Concept {
    virtual ~Concept() = default;
    virtual std::string_view name() const = 0;
    virtual Status Validate() const = 0;
    virtual Result<Decision> Decide(const StateView& s, const CommandMeta& m) const = 0;
  };
  template <typename T>
  struct Model final : Concept {
    explicit Model(T v) : value(std::move(v)) {}
    std::string_view name() const override { return T::kName; }
    Status Validate() const override { return internal::CallValidate(value); }
    Result<Decision> Decide(const StateView& s, const CommandMeta& m) const override {
      return internal::CallDecide(s, m, value);
    }
    T value;
  };
  std::shared_ptr<Concept> body_;
};

// What a command came to.
struct CommandOutcome {
  Status error;           // OK on success
  CommandResult result;   // on success
  bool replayed = false;  // answered from an earlier request with the same Idempotency-Key
};

// PreconditionFailed "version_mismatch" (with the current version) when the
// command carries an If-Match that is not version; what: "org acme".
Status CheckIfMatch(const CommandMeta& m, uint64_t version, std::string_view what);

// The outcome's encoding in an idempotency record, and back. Frozen: see
// docs/storage.md, "Idempotency records".
std::string EncodeOutcome(const CommandResult& r);
Status DecodeOutcome(std::string_view bytes, CommandResult* out);

}  // namespace orgd
