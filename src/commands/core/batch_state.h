// BatchState: the StateView of the writer, the committed read models plus
// the pending batch. Not shareable: the writer thread makes one per batch.
#pragma once

#include "src/commands/core/command.h"
#include "src/projections/core/projection.h"

namespace orgd {

class BatchState final : public StateView {
 public:
  // "*batch" and "*projections" must outlive it.
  BatchState(LogBatch* batch, const ProjectionSet* projections)
      : batch_(batch), projections_(projections) {}
  const ModelReader& model(std::string_view projection) const override {
    return batch_->Model(projections_->model(projection));
  }
  Status StreamVersion(std::string_view stream, uint64_t* version) const override {
    return batch_->StreamVersion(stream, version);
  }

 private:
  LogBatch* const batch_;
  const ProjectionSet* const projections_;
};

}  // namespace orgd
