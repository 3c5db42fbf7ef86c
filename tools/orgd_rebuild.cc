// orgd-rebuild: rebuilds read models from the log, or checks them against it.
//
//   orgd-rebuild --data DIR [--projection NAME ...] [--verify] [--restart] [--batch N]
//
// A rebuild commits its model with its checkpoint every --batch events. When
// it is interrupted (Ctrl-C, a kill, a crash), the next run finds the model's
// "rebuilding" mark and continues from that checkpoint; see RebuildInto.
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "src/projections/core/projection.h"
#include "src/projections/core/rebuild.h"

namespace {

constexpr const char* kUsage = R"(orgd-rebuild - rebuild orgd's read models from the event log

Usage:
  orgd-rebuild --data DIR [--projection NAME ...] [--verify] [--restart] [--batch N]

  --projection NAME   only this projection (repeatable; default: all)
  --verify            rebuild into scratch column families and compare with the live
                      ones; exit 0 when they match, 1 (printing the first difference) if not
  --restart           start over even where an interrupted rebuild could be resumed
  --batch N           events per committed batch (default 16384)
  --cache-mb N        memory for model entries already written, read back without
                      RocksDB (default 1024); about the size of the model is best

The server must be stopped: a running server's lock is refused.

A rebuild interrupted by Ctrl-C (it stops after the current batch, exit status 130), by
a kill or by a crash continues from its last committed batch on the next run. A server
started on a half-rebuilt model completes it as well.
)";

// Set by SIGINT/SIGTERM; the rebuild stops after its current batch.
std::atomic<bool> g_stop{false};

extern "C" void OnSignal(int) { g_stop.store(true); }

int Fail(const std::string& msg) {
  std::fprintf(stderr, "orgd-rebuild: %s\n", msg.c_str());
  return 2;
}

std::string U64(uint64_t v) { return std::to_string(v); }

// A progress line: a bar on a terminal, plain lines otherwise. Rates count the
// events of this run only, not those a resumed rebuild had folded before.
class Progress {
 public:
  explicit Progress(std::string name) : name_(std::move(name)), tty_(isatty(STDERR_FILENO)) {}

  void operator()(const orgd::RebuildProgress& p) {
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    const uint64_t done = p.applied - p.resumed_from;
    const double rate = secs > 0 ? done / secs : 0;
    const double eta = rate > 0 ? (p.total - p.applied) / rate : 0;
    const int pct = p.total ? static_cast<int>(100.0 * p.applied / p.total) : 100;
    if (tty_) {
      std::string bar(pct / 4, '#');
      bar.resize(25, '.');
      std::fprintf(stderr, "\r%-12s [%s] %3d%% %s/%s events  %.0f ev/s  ETA %.0fs ",
                   name_.c_str(), bar.c_str(), pct, U64(p.applied).c_str(), U64(p.total).c_str(),
                   rate, eta);
    } else if (secs - last_line_ >= 1.0 || p.applied == p.total) {
      last_line_ = secs;
      std::fprintf(stderr, "%s: %s/%s events (%d%%), %.0f ev/s, ETA %.0fs\n", name_.c_str(),
                   U64(p.applied).c_str(), U64(p.total).c_str(), pct, rate, eta);
    }
    TestHook(p);
  }

  void Done() {
    if (tty_) std::fputc('\n', stderr);
  }

  double seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }

 private:
  // ORGD_TEST_HOOKS builds only (tests/tools): ORGD_TEST_RAISE_AFTER_BATCHES="K:SIGNAL"
  // raises SIGNAL right after the K-th committed batch, a deterministic interruption.
  void TestHook(const orgd::RebuildProgress& p) {
#ifdef ORGD_TEST_HOOKS
    const char* hook = std::getenv("ORGD_TEST_RAISE_AFTER_BATCHES");
    int after = 0, sig = 0;
    if (hook && std::sscanf(hook, "%d:%d", &after, &sig) == 2 &&
        p.batches == static_cast<uint64_t>(after)) {
      std::fflush(stderr);
      raise(sig);
    }
#endif
  }

  const std::string name_;
  const bool tty_;
  const std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  double last_line_ = -1;
};

struct Args {
  std::string data;
  std::vector<std::string> only;
  bool verify = false;
  orgd::RebuildOptions options;
};

// An error message, or "" when the arguments are fine.
std::string ParseArgs(const std::vector<std::string_view>& args, Args* a) {
  a->options.events_per_batch = 16384;
  a->options.cache_bytes = size_t{1024} << 20;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string_view flag = args[i];
    if (flag == "--verify") {
      a->verify = true;
      continue;
    }
    if (flag == "--restart") {
      a->options.resume = false;
      continue;
    }
    if (i + 1 >= args.size()) return "missing value for " + std::string(flag);
    const std::string_view v = args[++i];
    if (flag == "--data") {
      a->data = v;
    } else if (flag == "--projection") {
      a->only.emplace_back(v);
    } else if (flag == "--batch" || flag == "--cache-mb") {
      size_t n = 0;
      auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
      if (ec != std::errc() || end != v.data() + v.size() || (flag == "--batch" && n == 0)) {
        return std::string(flag) + " wants a positive number";
      }
      if (flag == "--batch") {
        a->options.events_per_batch = n;
      } else {
        a->options.cache_bytes = n << 20;
      }
    } else {
      return "unknown option " + std::string(flag);
    }
  }
  return a->data.empty() ? "--data DIR is required (see --help)" : "";
}

// Rebuilds one projection into target; 0 when done, 130 when interrupted, 2 on an error.
int RebuildOne(orgd::EventStore* store, const orgd::Projection& p, const std::string& target,
               const orgd::RebuildOptions& options) {
  const std::string name(p.name());
  std::optional<uint64_t> interrupted;
  orgd::Status s = orgd::FindInterruptedRebuild(*store, target, &interrupted);
  if (!s.ok()) return Fail("inspecting " + target + ": " + s.ToString());
  if (interrupted && options.resume) {
    std::fprintf(stderr, "%s: resuming from position %s\n", name.c_str(),
                 U64(*interrupted).c_str());
  } else if (interrupted) {
    std::fprintf(stderr, "%s: --restart: dropping the interrupted rebuild\n", name.c_str());
  }
  Progress progress(name);
  s = orgd::RebuildInto(store, p, target, [&](const auto& pr) { progress(pr); }, options);
  progress.Done();
  if (s.reason() == "rebuild_interrupted") {
    std::fprintf(stderr, "%s: interrupted: %s\n", name.c_str(), s.message().c_str());
    return 130;
  }
  if (!s.ok()) return Fail("rebuilding " + name + ": " + s.ToString());
  std::fprintf(stderr, "%s: rebuilt from %s events in %.1fs\n", name.c_str(),
               U64(store->last_position()).c_str(), progress.seconds());
  return 0;
}

// Compares a scratch rebuild with the live model and drops it; 0 equal, 1 not, 2 error.
int CompareAndDrop(orgd::EventStore* store, const std::string& name, const std::string& target) {
  const std::string live = orgd::ColumnFamilyName(name);
  std::string difference;
  orgd::Status s = orgd::CompareColumnFamilies(store, live, target, &difference);
  orgd::Status dropped = store->DropColumnFamily(target);
  if (!s.ok()) return Fail("comparing " + name + ": " + s.ToString());
  if (!dropped.ok()) return Fail("dropping " + target + ": " + dropped.ToString());
  if (difference.empty()) {
    std::printf("%s: rebuilt model equals the live one\n", name.c_str());
    return 0;
  }
  std::printf("%s: DIFFERS: %s\n", name.c_str(), difference.c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string_view> args(argv + 1, argv + argc);
  if (std::find(args.begin(), args.end(), "--help") != args.end() ||
      std::find(args.begin(), args.end(), "-h") != args.end()) {
    std::fputs(kUsage, stdout);
    return 0;
  }
  Args a;
  if (std::string error = ParseArgs(args, &a); !error.empty()) return Fail(error);
  auto projections = orgd::AllProjections();
  for (const auto& name : a.only) {
    bool known = false;
    for (const auto& p : projections) known |= p->name() == name;
    if (!known) return Fail("no projection named '" + name + "'");
  }
  orgd::StoreOptions so;
  so.path = a.data;
  so.extra_column_families = orgd::AllProjectionColumnFamilies();
  std::unique_ptr<orgd::EventStore> store;
  orgd::Status s = orgd::EventStore::Open(so, &store);
  if (s.IsUnavailable()) return Fail("the store is in use (stop the server first): " + s.message());
  if (!s.ok()) return Fail(s.ToString());

  signal(SIGINT, OnSignal);
  signal(SIGTERM, OnSignal);
  a.options.stop = &g_stop;
  int rc = 0;
  for (const auto& p : projections) {
    const std::string name(p->name());
    if (!a.only.empty() && std::find(a.only.begin(), a.only.end(), name) == a.only.end()) continue;
    const std::string target = a.verify ? "scratch." + name : orgd::ColumnFamilyName(name);
    int one = RebuildOne(store.get(), *p, target, a.options);
    if (one == 0 && a.verify) one = CompareAndDrop(store.get(), name, target);
    if (one == 2 || one == 130) {
      rc = one;
      break;
    }
    rc = std::max(rc, one);
  }
  // Table files hold the result, so the next open need not replay it from the log.
  s = store->Flush();
  if (s.ok()) s = store->Close();
  if (!s.ok()) return Fail("closing: " + s.ToString());
  return rc;
}
