// A StateView held in memory for decision tests: no store, no writer.
// Earlier decisions' events are folded through the real projections into
// MemoryModels, so a decision reads exactly what it would read in the writer.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "src/commands/core/command.h"
#include "src/projections/core/projection.h"
#include "storage/kv/memory_model.h"

namespace orgd {

// The StateView of these tests: one MemoryModel per projection and the
// streams' versions, advanced by Commit() as the log would advance them.
class FoldedState final : public StateView {
 public:
  FoldedState() : projections_(AllProjections()) {
    for (const auto& p : projections_) {
      models_.emplace(std::string(p->name()), std::make_unique<MemoryModel>());
    }
  }

  const ModelReader& model(std::string_view projection) const override {
    auto it = models_.find(projection);
    if (it == models_.end()) {
      ADD_FAILURE() << "a decision asked for model '" << projection << "', which no projection has";
      std::abort();
    }
    return *it->second;
  }

  Status StreamVersion(std::string_view stream, uint64_t* version) const override {
    auto it = versions_.find(stream);
    *version = it == versions_.end() ? 0 : it->second;
    return Status::OK();
  }

  // Appends d's events as the log does (every expectation checked first,
  // nothing appended on a mismatch) and folds each into every projection.
  Status Commit(const Decision& d, const CommandMeta& meta) {
    for (const StreamExpectation& e : d.expected) {
      uint64_t v;
      ORGD_RETURN_IF_ERROR(StreamVersion(e.stream_id, &v));
      if (v != e.version) {
        return Status::Conflict("stream " + e.stream_id + " is at " + std::to_string(v))
            .WithCurrentVersion(v);
      }
    }
    for (const NewEvent& n : d.events) {
      EventEnvelope env;
      env.position = ++position_;
      env.stream_id = n.stream_id;
      env.stream_version = ++versions_[n.stream_id];
      env.type = n.type;
      env.schema_version = n.schema_version;
      env.timestamp_ms = 1'700'000'000'000 + static_cast<int64_t>(position_);
      env.actor = meta.actor;
      env.request_id = meta.request_id;
      env.payload = n.payload;
      for (const auto& p : projections_) {
        ORGD_RETURN_IF_ERROR(p->Apply(env, *models_.at(std::string(p->name()))));
      }
    }
    return Status::OK();
  }

  uint64_t position() const { return position_; }

 private:
  const std::vector<std::unique_ptr<Projection>> projections_;
  std::map<std::string, std::unique_ptr<MemoryModel>, std::less<>> models_;
  std::map<std::string, uint64_t, std::less<>> versions_;
  uint64_t position_ = 0;
};

}  // namespace orgd
