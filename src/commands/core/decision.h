// Decisions: pure functions from (state, command) to events or a typed error.
//
// A decision reads state only through a StateView (the committed read models
// plus the writer's pending batch) and never writes; the writer appends what
// it returns. Call from the writer thread (a StateView is not shareable).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "src/commands/core/command.h"
#include "storage/log/record.h"
#include "src/projections/core/projection.h"
#include "storage/event_store.h"

namespace orgd {

// The state a decision may read. "*batch" and "*projections" must outlive it.
class StateView {
 public:
  StateView(AppendBatch* batch, const ProjectionSet* projections);
  // The pending view of a projection's model, by projection name.
  // REQUIRES: name is one of AllProjections().
  const CfReader& model(std::string_view projection) const;
  Status StreamVersion(std::string_view stream, uint64_t* version) const {
    return batch_->StreamVersion(stream, version);
  }

 private:
  AppendBatch* const batch_;
  const ProjectionSet* const projections_;
  std::vector<std::unique_ptr<ProjectionWriter>> models_;
};

struct Decision {
  std::vector<NewEvent> events;
  std::vector<StreamExpectation> expected;
  int status = 200;  // 200, 201 or 204 on success
  // What the reply shows, read back after the events were applied.
  enum class Show { kNothing, kOrg };
  Show show = Show::kNothing;
  uint64_t org_id = 0;        // with kOrg
  std::string version_of;     // the stream whose version becomes the ETag
};

Result<Decision> Decide(const StateView& state, const Command& cmd);

// Per-domain decisions (decide_org.cc, decide_credential.cc).
Result<Decision> DecideCreateOrg(const StateView& s, const CommandMeta& m, const CreateOrg& c);
Result<Decision> DecideUpdateOrg(const StateView& s, const CommandMeta& m, const UpdateOrg& c);
Result<Decision> DecideDeleteOrg(const StateView& s, const CommandMeta& m, const DeleteOrg& c);
Result<Decision> DecideIssueApiKey(const StateView& s, const CommandMeta& m, const IssueApiKey& c);

// Rules shared by every surface (native API and compat adapters).
// 1-39 characters of [a-z0-9-], no leading, trailing or double hyphen.
Status ValidateOrgName(std::string_view name);
// At most max_chars code points; no control characters (newline and tab
// allowed when multiline).
Status ValidateText(std::string_view field, std::string_view value, size_t max_chars,
                    bool multiline = false);
// Empty, or a plausible address of at most 254 characters.
Status ValidateEmail(std::string_view field, std::string_view value);

}  // namespace orgd
