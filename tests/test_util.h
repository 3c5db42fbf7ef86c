// Helpers shared by orgd's tests: a temporary directory, Status assertions that
// print the Status, and domain helpers that open a store with every projection
// and drive the real Writer.
//
// Every helper here is for one test thread; none is shareable.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <string>

#include "src/commands/core/command.h"
#include "src/commands/credentials/commands.h"
#include "src/commands/orgs/commands.h"
#include "src/commands/core/writer.h"
#include "common/status.h"
#include "src/projections/core/projection.h"
#include "storage/event_store.h"

namespace rocksdb {
class Env;
}

namespace orgd::test {

// A fresh directory under $TMPDIR (or /tmp), removed with its contents when
// the TempDir is destroyed.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // path() + "/" + name
  std::string Sub(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// For ASSERT_PRED_FORMAT1: fails with "expr returned <Status::ToString()>".
::testing::AssertionResult AssertStatus(const char* expr, const Status& s);
template <typename T>
::testing::AssertionResult AssertStatus(const char* expr, const Result<T>& r) {
  return AssertStatus(expr, r.status());
}

// StoreOptions for path with every projection's column family, as orgd runs.
StoreOptions DomainStoreOptions(const std::string& path, rocksdb::Env* env = nullptr);

// A committed read model, usable where a const ModelReader& is wanted.
class ModelHandle {
 public:
  explicit ModelHandle(std::unique_ptr<ModelReader> r) : r_(std::move(r)) {}
  operator const ModelReader&() const { return *r_; }

 private:
  std::unique_ptr<ModelReader> r_;
};

// The native status of a command's outcome: 201, 200 or 204; 0 for an error.
int StatusOf(const CommandOutcome& o);

// A store, its projections and a started Writer: orgd's write path without HTTP.
// Close() stops the writer and closes the store; Open() may then run again.
class WritePath {
 public:
  explicit WritePath(StoreOptions options, WriterOptions writer_options = {})
      : options_(std::move(options)), writer_options_(std::move(writer_options)) {}
  ~WritePath();

  // Opens the store, the projections (catching them up) and starts the writer.
  // hook, if set, becomes the writer's TEST_SetBeforeCommitHook.
  Status Open(std::function<void(size_t)> hook = nullptr);
  Status Close();
  // Stops the writer, leaving the store open for tools such as RebuildInto.
  void StopWriter();

  // Queues cmd; the future receives its outcome. A refused Submit becomes the
  // outcome's error at once.
  std::future<CommandOutcome> Submit(Command cmd);
  // Submits cmd and waits for its outcome.
  CommandOutcome Run(Command cmd) { return Submit(std::move(cmd)).get(); }

  EventStore* store() const { return store_.get(); }
  ProjectionSet* projections() const { return projections_.get(); }
  Writer* writer() const { return writer_.get(); }
  // The committed orgs model.
  ModelHandle orgs() const;
  uint64_t last_position() const { return store_->last_position(); }
  // Events the last Open's ProjectionSet::CatchUp applied.
  uint64_t caught_up() const { return caught_up_; }

 private:
  const StoreOptions options_;
  const WriterOptions writer_options_;
  std::unique_ptr<EventStore> store_;
  std::unique_ptr<ProjectionSet> projections_;
  std::unique_ptr<Writer> writer_;
  uint64_t caught_up_ = 0;
};

// Command builders. The actor is a site admin unless the meta says otherwise.
CommandMeta AdminMeta(std::string actor = "key:admin");
Command MakeCreateOrg(const std::string& name, CommandMeta meta = AdminMeta());
Command MakeUpdateOrgTitle(const std::string& org, const std::string& title,
                           std::optional<uint64_t> if_match = std::nullopt,
                           CommandMeta meta = AdminMeta());
Command MakeDeleteOrg(const std::string& org, CommandMeta meta = AdminMeta());

}  // namespace orgd::test

#define ASSERT_OK(expr) ASSERT_PRED_FORMAT1(::orgd::test::AssertStatus, expr)
#define EXPECT_OK(expr) EXPECT_PRED_FORMAT1(::orgd::test::AssertStatus, expr)
