// orgd-soak: a long mixed read/write load on a running orgd that samples the
// server's memory, open files and latency, for the soak run of
// docs/reliability.md (tools/soak/soak.sh runs it for 10 minutes).
//
//   orgd-soak --url http://127.0.0.1:8080 --key KEY [--duration 10m]
//             [--phases 8,64,256] [--phase-length 60s] [--write-ratio 0.2]
//             [--pid PID] [--sample-every 5s] [--out FILE.csv]
//
// Phases: one connection count at a time, each for --phase-length, cycling
// through --phases until --duration is up. A thread per connection of the
// largest phase is started at once; a phase with fewer connections parks the
// rest with their connections closed, so the server also sees connections
// come and go. Every connection runs the request mix of soak_mix.h.
//
// Samples: every --sample-every, one line (and one CSV row) of the interval
// just ended: requests/s, reads/s, writes/s, p50/p99/max latency of that
// interval alone, replies the mix did not expect by class, and the server's
// RSS and open file descriptors (from /proc/PID with --pid).
//
// The verdict (exit status 1 when either fails, 2 for a bad command line):
//   - no unexpected reply: no 5xx, no status the mix does not accept, no
//     connection failure or timeout;
//   - flat memory: for runs of at least 60 s with --pid, the RSS at the end
//     (median of the last three samples) is at most --rss-slack-mib (default
//     32, one memtable of the store) above the peak RSS of the first half.
//     The first half has seen every phase and the store's caches and
//     memtables at work, so what grows beyond its peak later is a leak.
#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <map>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "common/thread_annotations.h"
#include "tools/soak/soak_client.h"
#include "tools/soak/soak_mix.h"
#include "tools/soak/soak_stats.h"

namespace {

using namespace std::chrono_literals;
using orgd::soak::Interval;
using orgd::soak::Outcome;
using orgd::soak::ProcessSample;
using Millis = std::chrono::milliseconds;

constexpr const char* kUsage = R"(orgd-soak - a long mixed load on a running orgd, sampling its
memory, open files and latency

Usage:
  orgd-soak (--url http://HOST:PORT | --port PORT) --key API_KEY [options]

  --duration D        how long to run (default 10m); D is N, Ns, Nm, Nh or Nms
  --phases N,N,...    connection counts, one at a time in turn (default 8,64,256)
  --phase-length D    time per phase (default 60s, or less so that every phase
                      runs once: duration / phases, a multiple of --sample-every)
  --write-ratio R     share of requests that write, 0 to 1 (default 0.2)
  --pid PID           the server's process: sample its RSS and open fds
  --sample-every D    one sample per interval of D (default 5s)
  --out FILE          the samples as CSV
  --timeout D         longest wait for a connect, a send or a reply (default 10s)
  --rss-slack-mib N   allowed RSS growth, MiB (default 32; see below)

The key must be a site-admin key (ORGD_ADMIN_KEY of `orgd serve`). Exit status 0
when the run passes, 1 when it fails, 2 for a bad command line. It fails on any
reply the mix does not expect (a 5xx, a status other than the 304/404/409/412 the
mix provokes, a connection failure or timeout) and, for runs of 60 s or more with
--pid, when the RSS at the end (median of the last 3 samples) is more than
--rss-slack-mib above the highest RSS of the run's first half.
)";

// The CSV's columns, in order; a row per sample.
constexpr const char* kCsvHeader =
    "elapsed_s,connections,req_per_s,reads_per_s,writes_per_s,p50_ms,p99_ms,max_ms,"
    "expected_non2xx,err_status,err_5xx,err_conn,rss_mib,fds";

// Shorter runs are dominated by warm-up: their memory is not judged.
constexpr Millis kShortestJudgedRun = 60s;
// A connection that failed waits this long before it connects again.
constexpr Millis kReconnectPause = 100ms;

struct Args {
  std::string url, key, out;
  Millis duration = 10min, phase_length{0}, sample_every = 5s, timeout = 10s;
  std::vector<int> phases = {8, 64, 256};
  double write_ratio = 0.2, rss_slack_mib = 32;
  pid_t pid = 0;
};

// One sample: the interval that ended elapsed_s into the run.
struct Row {
  double elapsed_s = 0;
  int connections = 0;
  double seconds = 0;  // the interval's length
  Interval in;
  ProcessSample proc;

  double rate(uint64_t n) const { return seconds > 0 ? static_cast<double>(n) / seconds : 0; }
  uint64_t errors() const {
    return in.count(Outcome::kBadStatus) + in.count(Outcome::kServerError) +
           in.count(Outcome::kConnection);
  }
};

int Fail(const std::string& msg) {
  std::fprintf(stderr, "orgd-soak: %s\n(see orgd-soak --help)\n", msg.c_str());
  return 2;
}

template <typename T>
bool ParseNumber(std::string_view s, T* out) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && end == s.data() + s.size() && !s.empty();
}

// "90", "90s", "10m", "1h" or "500ms".
bool ParseDuration(std::string_view s, Millis* out) {
  int64_t unit = 1000;
  if (s.ends_with("ms")) {
    unit = 1;
    s.remove_suffix(2);
  } else if (s.ends_with("s") || s.ends_with("m") || s.ends_with("h")) {
    unit = s.back() == 's' ? 1000 : s.back() == 'm' ? 60'000 : 3'600'000;
    s.remove_suffix(1);
  }
  int64_t n = 0;
  if (!ParseNumber(s, &n) || n <= 0) return false;
  *out = Millis(n * unit);
  return true;
}

bool ParsePhases(std::string_view s, std::vector<int>* out) {
  out->clear();
  while (!s.empty()) {
    const size_t comma = s.find(',');
    int n = 0;
    if (!ParseNumber(s.substr(0, comma), &n) || n < 1 || n > 4096) return false;
    out->push_back(n);
    s = comma == std::string_view::npos ? std::string_view() : s.substr(comma + 1);
  }
  return !out->empty();
}

// Fills in the default phase length and checks the options fit together.
std::string Settle(Args* a) {
  if (a->url.empty() || a->key.empty()) return "--url (or --port) and --key are required";
  if (a->phase_length.count() == 0) {
    const auto each = std::min<Millis>(60s, a->duration / static_cast<int64_t>(a->phases.size()));
    a->phase_length = std::max(a->sample_every, each / a->sample_every * a->sample_every);
  }
  if (a->sample_every > a->duration) return "--sample-every is longer than --duration";
  if (a->phase_length % a->sample_every != Millis(0)) {
    return "--phase-length must be a multiple of --sample-every";
  }
  return "";
}

std::string ParseArgs(const std::vector<std::string_view>& args, Args* a) {
  for (size_t i = 0; i < args.size(); ++i) {
    if (i + 1 >= args.size()) return "missing value for " + std::string(args[i]);
    const std::string_view flag = args[i];
    const std::string v(args[++i]);
    uint16_t port = 0;
    bool ok = true;
    if (flag == "--url") {
      a->url = v;
    } else if (flag == "--port") {
      ok = ParseNumber(std::string_view(v), &port) && port > 0;
      a->url = "http://127.0.0.1:" + v;
    } else if (flag == "--key") {
      a->key = v;
    } else if (flag == "--duration") {
      ok = ParseDuration(v, &a->duration);
    } else if (flag == "--phases") {
      ok = ParsePhases(v, &a->phases);
    } else if (flag == "--phase-length") {
      ok = ParseDuration(v, &a->phase_length);
    } else if (flag == "--write-ratio") {
      ok = std::sscanf(v.c_str(), "%lf", &a->write_ratio) == 1 && a->write_ratio >= 0 &&
           a->write_ratio <= 1;
    } else if (flag == "--pid") {
      ok = ParseNumber(std::string_view(v), &a->pid) && a->pid > 0;
    } else if (flag == "--sample-every") {
      ok = ParseDuration(v, &a->sample_every);
    } else if (flag == "--out") {
      a->out = v;
    } else if (flag == "--timeout") {
      ok = ParseDuration(v, &a->timeout);
    } else if (flag == "--rss-slack-mib") {
      ok = std::sscanf(v.c_str(), "%lf", &a->rss_slack_mib) == 1 && a->rss_slack_mib >= 0;
    } else {
      return "unknown option " + std::string(flag);
    }
    if (!ok) return "bad value for " + std::string(flag) + ": " + v;
  }
  return Settle(a);
}

// The run's connections: a thread each, of which the first `active` send
// requests and the others wait with their connection closed.
//
// SetActive() and Stop() from one controlling thread.
class Connections {
 public:
  // "endpoint", "args" and "*stats" must remain live until Stop() returns.
  Connections(const orgd::soak::Endpoint& endpoint, const Args& args,
              orgd::soak::SoakStats* stats)
      : endpoint_(endpoint), args_(args), stats_(stats) {
    for (int i = 0; i < threads_wanted(); ++i) threads_.emplace_back([this, i] { Run(i); });
  }
  ~Connections() { Stop(); }

  void SetActive(int n) {
    orgd::MutexLock lock(&mu_);
    active_.store(n);
    wake_.SignalAll();
  }

  // Lets requests in flight finish (each within --timeout) and joins.
  void Stop() {
    {
      orgd::MutexLock lock(&mu_);
      stopping_.store(true);
      wake_.SignalAll();
    }
    for (auto& t : threads_) t.join();
    threads_.clear();
  }

  // Connections opened in all; complete after Stop().
  uint64_t connects() const { return connects_.load(); }

 private:
  // A thread per connection of the largest phase.
  int threads_wanted() const { return *std::max_element(args_.phases.begin(), args_.phases.end()); }

  // Eight random digits, so that org names of different runs on one store differ.
  static std::string RunTag() { return std::to_string(std::random_device{}() % 100'000'000); }

  void Run(int index) {
    orgd::soak::SoakClient client(endpoint_, args_.key, args_.timeout);
    orgd::soak::SoakMix mix(&client, stats_, &directory_, {args_.write_ratio, run_tag_, index});
    while (!stopping_.load()) {
      if (index >= active_.load()) {
        client.Close();
        orgd::MutexLock lock(&mu_);
        while (!stopping_.load() && index >= active_.load()) wake_.Wait();
        continue;
      }
      if (mix.Step() == Outcome::kConnection) std::this_thread::sleep_for(kReconnectPause);
    }
    connects_.fetch_add(client.connects());
  }

  // Constant after construction.
  const orgd::soak::Endpoint& endpoint_;
  const Args& args_;
  orgd::soak::SoakStats* const stats_;
  const std::string run_tag_ = RunTag();

  // Shared by the connection threads, safe for concurrent access.
  orgd::soak::OrgDirectory directory_{static_cast<size_t>(threads_wanted())};
  std::atomic<uint64_t> connects_{0};

  // Changed under mu_ (so a parked thread cannot miss its wake-up), read
  // without it by the running ones.
  orgd::Mutex mu_;
  orgd::CondVar wake_{&mu_};
  std::atomic<int> active_{0};
  std::atomic<bool> stopping_{false};

  std::vector<std::thread> threads_;  // the controlling thread's
};

// Checks that the server answers and takes the key, before any load.
bool Preflight(const orgd::soak::Endpoint& endpoint, const Args& a) {
  orgd::soak::SoakClient client(endpoint, a.key, a.timeout);
  orgd::soak::Reply r = client.Exchange("GET", "/healthz", "");
  if (r.status != 200) {
    std::fprintf(stderr, "orgd-soak: %s does not answer GET /healthz with 200 (%s)\n",
                 a.url.c_str(), r.status ? std::to_string(r.status).c_str() : "no reply");
    return false;
  }
  r = client.Exchange("GET", "/api/v1/orgs?per_page=1", "");
  if (r.status != 200) {
    std::fprintf(stderr, "orgd-soak: GET /api/v1/orgs with the key: %d %s (a site-admin key?)\n",
                 r.status, r.body.c_str());
    return false;
  }
  return true;
}

std::string CsvLine(const Row& r) {
  char line[256];
  std::snprintf(line, sizeof line,
                "%.1f,%d,%.1f,%.1f,%.1f,%.3f,%.3f,%.3f,%llu,%llu,%llu,%llu,%.1f,%d", r.elapsed_s, r.connections, r.rate(r.in.requests()), r.rate(r.in.reads),
                r.rate(r.in.writes), r.in.p50_ms, r.in.p99_ms, r.in.max_ms,
                static_cast<unsigned long long>(r.in.count(Outcome::kExpected)),
                static_cast<unsigned long long>(r.in.count(Outcome::kBadStatus)),
                static_cast<unsigned long long>(r.in.count(Outcome::kServerError)),
                static_cast<unsigned long long>(r.in.count(Outcome::kConnection)),
                r.proc.rss_mib, r.proc.fds);
  return line;
}

void PrintRow(const Row& r) {
  std::printf("%7.1fs %4d conns %8.0f req/s (%6.0f r %6.0f w)  p50 %7.2f  p99 %7.2f  max %8.2f ms"
              "  rss %7.1f MiB  fds %4d  errors %llu\n",
              r.elapsed_s, r.connections, r.rate(r.in.requests()), r.rate(r.in.reads),
              r.rate(r.in.writes), r.in.p50_ms, r.in.p99_ms, r.in.max_ms, r.proc.rss_mib,
              r.proc.fds, static_cast<unsigned long long>(r.errors()));
  std::fflush(stdout);
}

// Runs the phases, one sample per tick; every row also goes to csv (if any).
std::vector<Row> Soak(const orgd::soak::Endpoint& endpoint, const Args& a, std::FILE* csv,
                      uint64_t* connects) {
  orgd::soak::SoakStats stats;
  Connections connections(endpoint, a, &stats);
  const auto phase_at = [&](Millis t) {
    return a.phases[static_cast<size_t>(t / a.phase_length) % a.phases.size()];
  };
  const auto start = std::chrono::steady_clock::now();
  auto last = start;
  std::vector<Row> rows;
  int active = phase_at(0ms);
  connections.SetActive(active);
  for (Millis t = std::min(a.sample_every, a.duration);;
       t = std::min(t + a.sample_every, a.duration)) {
    std::this_thread::sleep_until(start + t);
    const bool end = t >= a.duration;
    if (end) connections.Stop();  // what is in flight lands in the last sample
    Row row;
    const auto now = std::chrono::steady_clock::now();
    row.elapsed_s = std::chrono::duration<double>(now - start).count();
    row.seconds = std::chrono::duration<double>(now - last).count();
    row.connections = active;
    row.in = stats.TakeInterval();
    if (a.pid > 0) row.proc = orgd::soak::SampleProcess(a.pid);
    last = now;
    if (csv) {
      std::fprintf(csv, "%s\n", CsvLine(row).c_str());
      std::fflush(csv);
    }
    PrintRow(row);
    rows.push_back(row);
    if (end) break;
    active = phase_at(t);
    connections.SetActive(active);
  }
  *connects = connections.connects();
  return rows;
}

template <typename T>
T Median(std::vector<T> v) {
  if (v.empty()) return T{};
  std::nth_element(v.begin(), v.begin() + v.size() / 2, v.end());
  return v[v.size() / 2];
}

// One line per connection count: its samples' median req/s and p50, and the
// median and max of their p99s (a stable p99 has the two close).
void PrintPhases(const std::vector<Row>& rows) {
  std::map<int, std::vector<const Row*>> by_connections;
  for (const Row& r : rows) by_connections[r.connections].push_back(&r);
  std::printf("  conns  samples   req/s  p50 ms  p99 ms (median)  p99 ms (max)\n");
  for (const auto& [connections, phase] : by_connections) {
    std::vector<double> rates, p50s, p99s;
    for (const Row* r : phase) {
      rates.push_back(r->rate(r->in.requests()));
      p50s.push_back(r->in.p50_ms);
      p99s.push_back(r->in.p99_ms);
    }
    std::printf("  %5d  %7zu  %6.0f  %6.2f  %15.2f  %12.2f\n", connections, phase.size(),
                Median(rates), Median(p50s), Median(p99s),
                *std::max_element(p99s.begin(), p99s.end()));
  }
}

// The memory rule of the header comment; false when it fails. Says why in *why.
bool JudgeMemory(const std::vector<Row>& rows, const Args& a, std::string* why) {
  if (a.pid <= 0) {
    *why = "not judged (no --pid)";
    return true;
  }
  for (const Row& r : rows) {
    if (r.proc.rss_mib < 0) {
      *why = "FAILED: no server process to read at " + std::to_string(r.elapsed_s) + " s";
      return false;
    }
  }
  if (a.duration < kShortestJudgedRun || rows.size() < 4) {
    *why = "not judged (a run shorter than 60 s is mostly warm-up)";
    return true;
  }
  const double half = std::chrono::duration<double>(a.duration).count() / 2;
  double peak = 0;
  for (const Row& r : rows) {
    if (r.elapsed_s <= half) peak = std::max(peak, r.proc.rss_mib);
  }
  const double end = Median(std::vector<double>{rows[rows.size() - 3].proc.rss_mib,
                                                rows[rows.size() - 2].proc.rss_mib,
                                                rows.back().proc.rss_mib});
  char line[200];
  std::snprintf(line, sizeof line,
                "end RSS %.1f MiB is %+.1f MiB from the first half's peak %.1f MiB (allowed +%.0f)",
                end, end - peak, peak, a.rss_slack_mib);
  const bool ok = end - peak <= a.rss_slack_mib;
  *why = std::string(ok ? "ok: " : "FAILED: ") + line;
  return ok;
}

// Prints the summary; returns the exit status.
int Summarize(const std::vector<Row>& rows, const Args& a, uint64_t connects) {
  Interval total;
  double seconds = 0, max_rss = 0;
  int max_fds = -1;
  std::vector<double> p99s;
  for (const Row& r : rows) {
    total.reads += r.in.reads;
    total.writes += r.in.writes;
    for (int o = 0; o < orgd::soak::kOutcomes; ++o) total.outcomes[o] += r.in.outcomes[o];
    seconds += r.seconds;
    max_rss = std::max(max_rss, r.proc.rss_mib);
    max_fds = std::max(max_fds, r.proc.fds);
    p99s.push_back(r.in.p99_ms);
  }
  const auto count = [&](Outcome o) { return static_cast<unsigned long long>(total.count(o)); };
  const unsigned long long errors =
      count(Outcome::kBadStatus) + count(Outcome::kServerError) + count(Outcome::kConnection);
  std::printf("\n== summary: %.0f s, %llu requests (%.0f/s; %llu reads, %llu writes), %llu "
              "connections opened\n",
              seconds, static_cast<unsigned long long>(total.requests()),
              seconds > 0 ? static_cast<double>(total.requests()) / seconds : 0,
              static_cast<unsigned long long>(total.reads),
              static_cast<unsigned long long>(total.writes),
              static_cast<unsigned long long>(connects));
  PrintPhases(rows);
  std::printf("p99 of the intervals: median %.2f ms, max %.2f ms\n", Median(p99s),
              *std::max_element(p99s.begin(), p99s.end()));
  std::printf("RSS: first %.1f MiB, last %.1f MiB, max %.1f MiB\n", rows.front().proc.rss_mib,
              rows.back().proc.rss_mib, max_rss);
  std::printf("fds: first %d, last %d, max %d\n", rows.front().proc.fds, rows.back().proc.fds,
              max_fds);
  std::printf("unexpected replies: %llu (%llu bad status, %llu 5xx, %llu connection failures); "
              "expected non-2xx: %llu\n",
              errors, count(Outcome::kBadStatus), count(Outcome::kServerError),
              count(Outcome::kConnection), count(Outcome::kExpected));
  std::string memory;
  const bool memory_ok = JudgeMemory(rows, a, &memory);
  std::printf("memory: %s\n", memory.c_str());
  const bool pass = memory_ok && errors == 0;
  std::printf("result: %s\n", pass ? "PASS" : "FAIL");
  return pass ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string_view> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h") {
    std::fputs(kUsage, stdout);
    return args.empty() ? 2 : 0;
  }
  Args a;
  if (std::string error = ParseArgs(args, &a); !error.empty()) return Fail(error);
  orgd::soak::Endpoint endpoint;
  if (std::string error; !orgd::soak::ResolveUrl(a.url, &endpoint, &error)) return Fail(error);
  if (!Preflight(endpoint, a)) return 1;

  std::FILE* csv = nullptr;
  if (!a.out.empty()) {
    csv = std::fopen(a.out.c_str(), "w");
    if (csv == nullptr) return Fail("cannot write " + a.out);
    std::fprintf(csv, "%s\n", kCsvHeader);
  }
  std::string phases;
  for (int n : a.phases) phases += (phases.empty() ? "" : ",") + std::to_string(n);
  const std::string server = a.pid > 0 ? ", server pid " + std::to_string(a.pid) : "";
  std::printf("orgd-soak: %s for %.0f s, connections %s (%.0f s each, in turn), %.0f%% writes, "
              "a sample every %.1f s%s\n",
              a.url.c_str(), std::chrono::duration<double>(a.duration).count(), phases.c_str(),
              std::chrono::duration<double>(a.phase_length).count(), a.write_ratio * 100,
              std::chrono::duration<double>(a.sample_every).count(), server.c_str());
  uint64_t connects = 0;
  std::vector<Row> rows = Soak(endpoint, a, csv, &connects);
  if (csv) std::fclose(csv);
  return Summarize(rows, a, connects);
}
