// orgd-rebuild: rebuilds read models from the log, or checks them against it.
//
//   orgd-rebuild --data DIR [--projection NAME ...] [--verify]
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "src/projections/projection.h"
#include "src/projections/rebuild.h"

namespace {

constexpr const char* kUsage = R"(orgd-rebuild - rebuild orgd's read models from the event log

Usage:
  orgd-rebuild --data DIR [--projection NAME ...] [--verify]

  --projection NAME   only this projection (repeatable; default: all)
  --verify            rebuild into scratch column families and compare with the live
                      ones; exit 0 when they match, 1 (printing the first difference) if not

The server must be stopped: a running server's lock is refused.
)";

int Fail(const std::string& msg) {
  std::fprintf(stderr, "orgd-rebuild: %s\n", msg.c_str());
  return 2;
}

// A progress line: a bar on a terminal, plain lines otherwise.
class Progress {
 public:
  explicit Progress(std::string name) : name_(std::move(name)), tty_(isatty(STDERR_FILENO)) {}
  void operator()(const orgd::RebuildProgress& p) {
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    double rate = secs > 0 ? p.applied / secs : 0;
    double eta = rate > 0 ? (p.total - p.applied) / rate : 0;
    int pct = p.total ? static_cast<int>(100.0 * p.applied / p.total) : 100;
    if (tty_) {
      std::string bar(pct / 4, '#');
      bar.resize(25, '.');
      std::fprintf(stderr, "\r%-12s [%s] %3d%% %llu/%llu events  %.0f ev/s  ETA %.0fs ", name_.c_str(),
                   bar.c_str(), pct, static_cast<unsigned long long>(p.applied),
                   static_cast<unsigned long long>(p.total), rate, eta);
    } else if (secs - last_line_ >= 1.0 || p.applied == p.total) {
      last_line_ = secs;
      std::fprintf(stderr, "%s: %llu/%llu events (%d%%), %.0f ev/s, ETA %.0fs\n", name_.c_str(),
                   static_cast<unsigned long long>(p.applied), static_cast<unsigned long long>(p.total),
                   pct, rate, eta);
    }
  }
  void Done() {
    if (tty_) std::fputc('\n', stderr);
  }

 private:
  const std::string name_;
  const bool tty_;
  const std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  double last_line_ = -1;
};

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string_view> args(argv + 1, argv + argc);
  std::string data;
  std::vector<std::string> only;
  bool verify = false;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--help" || args[i] == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    }
    if (args[i] == "--verify") {
      verify = true;
      continue;
    }
    if (i + 1 >= args.size()) return Fail("missing value for " + std::string(args[i]));
    if (args[i] == "--data") data = args[++i];
    else if (args[i] == "--projection") only.emplace_back(args[++i]);
    else return Fail("unknown option " + std::string(args[i]));
  }
  if (data.empty()) return Fail("--data DIR is required (see --help)");

  auto projections = orgd::AllProjections();
  for (const auto& name : only) {
    bool known = false;
    for (const auto& p : projections) known |= p->name() == name;
    if (!known) return Fail("no projection named '" + name + "'");
  }
  orgd::StoreOptions so;
  so.path = data;
  so.extra_column_families = orgd::AllProjectionColumnFamilies();
  std::unique_ptr<orgd::EventStore> store;
  orgd::Status s = orgd::EventStore::Open(so, &store);
  if (s.IsUnavailable()) return Fail("the store is in use (stop the server first): " + s.message());
  if (!s.ok()) return Fail(s.ToString());

  int rc = 0;
  for (const auto& p : projections) {
    std::string name(p->name());
    if (!only.empty() && std::find(only.begin(), only.end(), name) == only.end()) continue;
    std::string live = orgd::ColumnFamilyName(name);
    std::string target = verify ? "scratch." + name : live;
    Progress progress(name);
    s = orgd::RebuildInto(store.get(), *p, target, [&](const auto& pr) { progress(pr); });
    progress.Done();
    if (!s.ok()) return Fail("rebuilding " + name + ": " + s.ToString());
    if (!verify) continue;
    std::string difference;
    s = orgd::CompareColumnFamilies(store.get(), live, target, &difference);
    orgd::Status dropped = store->DropColumnFamily(target);
    if (!s.ok()) return Fail("comparing " + name + ": " + s.ToString());
    if (!dropped.ok()) return Fail("dropping " + target + ": " + dropped.ToString());
    if (difference.empty()) {
      std::printf("%s: rebuilt model equals the live one\n", name.c_str());
    } else {
      std::printf("%s: DIFFERS: %s\n", name.c_str(), difference.c_str());
      rc = 1;
    }
  }
  s = store->Close();
  if (!s.ok()) return Fail("closing: " + s.ToString());
  return rc;
}
