#include "src/commands/core/decision.h"

namespace orgd {

StateView::StateView(AppendBatch* batch, const ProjectionSet* projections)
    : batch_(batch), projections_(projections) {
  for (size_t i = 0; i < projections->projections().size(); ++i) {
    models_.push_back(std::make_unique<ProjectionWriter>(batch, projections->cf(i)));
  }
}

const CfReader& StateView::model(std::string_view projection) const {
  const auto& all = projections_->projections();
  for (size_t i = 0; i < all.size(); ++i) {
    if (all[i]->name() == projection) return *models_[i];
  }
  std::abort();  // a decision asked for a model that does not exist: a bug
}

Result<Decision> Decide(const StateView& state, const Command& cmd) {
  struct Visitor {
    const StateView& s;
    const CommandMeta& m;
    Result<Decision> operator()(const CreateOrg& c) const { return DecideCreateOrg(s, m, c); }
    Result<Decision> operator()(const UpdateOrg& c) const { return DecideUpdateOrg(s, m, c); }
    Result<Decision> operator()(const DeleteOrg& c) const { return DecideDeleteOrg(s, m, c); }
    Result<Decision> operator()(const IssueApiKey& c) const { return DecideIssueApiKey(s, m, c); }
  };
  return std::visit(Visitor{state, cmd.meta}, cmd.body);
}

}  // namespace orgd
