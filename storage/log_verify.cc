#include "storage/log_verify.h"

#include <unordered_map>

#include "storage/event_store.h"

namespace orgd {

namespace {

void Fail(VerifyReport* r, uint64_t position, std::string problem) {
  r->first_bad_position = position;
  r->problem = std::move(problem);
}

}  // namespace

Status VerifyLog(const EventStore& store, VerifyReport* report,
                 const std::function<void(uint64_t)>& progress) {
  *report = VerifyReport{};
  std::unordered_map<std::string, uint64_t> stream_versions;
  Digest prev{};
  uint64_t expected = 1;
  auto it = store.NewLogIterator(1);
  EventEnvelope e;
  for (; it->Valid(); it->Next(), ++expected) {
    const uint64_t pos = it->position();
    if (pos != expected) {
      Fail(report, expected, "position " + std::to_string(expected) + " is missing (next is " +
                                 std::to_string(pos) + ")");
      return Status::OK();
    }
    if (!it->Decode(&e).ok() || e.position != pos) {
      Fail(report, pos, "record does not decode or names another position");
      return Status::OK();
    }
    if (!VerifyChainLink(prev, it->record())) {
      Fail(report, pos, "hash chain broken: the record was changed, or one before it removed");
      return Status::OK();
    }
    prev = e.hash;
    uint64_t& version = stream_versions[e.stream_id];
    if (e.stream_version != version + 1) {
      Fail(report, pos, "stream " + e.stream_id + " jumps from version " + std::to_string(version) +
                            " to " + std::to_string(e.stream_version));
      return Status::OK();
    }
    version = e.stream_version;
    ++report->events;
    if (progress && (report->events & 0xFFFF) == 0) progress(report->events);
  }
  ORGD_RETURN_IF_ERROR(it->status());
  for (const auto& [stream, version] : stream_versions) {
    uint64_t indexed = 0;
    ORGD_RETURN_IF_ERROR(store.StreamVersion(stream, &indexed));
    // A live writer may have moved a stream on since the scan's snapshot.
    const bool moved_on = indexed > version && store.last_position() > report->events;
    if (indexed != version && !moved_on) {
      Fail(report, expected - 1, "stream index says " + stream + " is at version " +
                                     std::to_string(indexed) + ", the log says " +
                                     std::to_string(version));
      return Status::OK();
    }
  }
  if (progress) progress(report->events);
  return Status::OK();
}

}  // namespace orgd
