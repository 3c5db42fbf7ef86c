// orgd-load-accounts: creates N accounts in a running orgd through
// POST /api/v1/accounts:batch (so every account goes through the writer, as
// a real import would), for the accounts benchmark (tools/bench/accounts_bench.sh).
//
//   orgd-load-accounts --url http://127.0.0.1:8080 --key sk-... --count 1000000
//       [--batch 1000] [--connections 2] [--seed 1] [--start 0]
//       [--passwords K] [--names-out FILE] [--timeout-s 300]
//
// Names are synthetic: first and last names are made of syllables by a seeded
// generator (no list of real people), ~2,000 first and ~5,000 last names,
// drawn with a skew so that some are common and most are rare. Account i
// (counted from --start) is, deterministically from the seed:
//   first, last   two names from the pools
//   username      <first><last initial><i>, lower case, for ~90 % of accounts
//   email         <first>.<last>.<i>@example.<tld>, lower case (unique by i)
//   password      password-<i> for the first K accounts (--passwords K); none
//                 for the others (orgd then stores no hash at all)
// Batches carry an Idempotency-Key derived from the seed and their range, so a
// batch retried after a lost connection is not applied twice. A 503 is retried
// after its Retry-After; any other non-2xx reply aborts with the reply shown.
//
// --names-out FILE writes, after a successful load, query material:
//   FILE.words   a few thousand distinct lower-case substrings (3-6 letters)
//                of the first and last names of created accounts
//   FILE.emails  a few thousand emails of created accounts, one per line
//   FILE.logins  "<email> <password>" of the K accounts with a password
//
// Progress goes to stderr (redrawn in place on a terminal, plain lines
// otherwise); the final summary line goes to stdout.
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_set>
#include <vector>

#include <nlohmann/json.hpp>

#include "tools/soak/soak_client.h"  // Endpoint, ResolveUrl

namespace {

using Clock = std::chrono::steady_clock;

// ---------------------------------------------------------------- options

struct Options {
  std::string url = "http://127.0.0.1:8080";
  std::string key;
  uint64_t count = 0;
  uint64_t batch = 1000;
  int connections = 2;
  uint64_t seed = 1;
  uint64_t start = 0;
  uint64_t passwords = 0;
  std::string names_out;
  int timeout_s = 300;
  uint64_t print = 0;  // --print N: show N accounts and exit
};

constexpr const char* kUsage = R"(usage: orgd-load-accounts --url http://HOST:PORT --key sk-... --count N
    [--batch 1000] [--connections 2] [--seed 1] [--start 0] [--passwords K]
    [--names-out FILE] [--timeout-s 300]

Creates N accounts through POST /api/v1/accounts:batch with synthetic names.
  --key K          a site-admin API key (default: $ORGD_ADMIN_KEY)
  --batch B        accounts per request, 1 to 1000 (default 1000)
  --connections C  parallel keep-alive connections (default 2)
  --seed S         seed of the name generator (default 1)
  --start I        index of the first account (emails and usernames carry it;
                   use a new range to add accounts to a store loaded before)
  --passwords K    the first K accounts (from --start) get the password password-<i>
  --names-out F    write F.words, F.emails (and F.logins) for the benchmarks
  --timeout-s T    longest wait for one reply (default 300)
  --print N        print the first N accounts (from --start) as TSV and exit
)";

bool ParseU64(std::string_view s, uint64_t* out) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return !s.empty() && ec == std::errc() && end == s.data() + s.size();
}

bool ParseOptions(int argc, char** argv, Options* o, std::string* error) {
  if (const char* k = std::getenv("ORGD_ADMIN_KEY")) o->key = k;
  for (int i = 1; i < argc; ++i) {
    std::string_view flag = argv[i];
    if (flag == "--help" || flag == "-h") {
      std::fputs(kUsage, stdout);
      std::exit(0);
    }
    if (i + 1 >= argc) {
      *error = "missing value after " + std::string(flag);
      return false;
    }
    std::string_view v = argv[++i];
    uint64_t n = 0;
    const bool number = ParseU64(v, &n);
    if (flag == "--url") {
      o->url = std::string(v);
    } else if (flag == "--key") {
      o->key = std::string(v);
    } else if (flag == "--count" && number && n >= 1) {
      o->count = n;
    } else if (flag == "--batch" && number && n >= 1 && n <= 1000) {
      o->batch = n;
    } else if (flag == "--connections" && number && n >= 1 && n <= 256) {
      o->connections = static_cast<int>(n);
    } else if (flag == "--seed" && number) {
      o->seed = n;
    } else if (flag == "--start" && number) {
      o->start = n;
    } else if (flag == "--passwords" && number) {
      o->passwords = n;
    } else if (flag == "--names-out") {
      o->names_out = std::string(v);
    } else if (flag == "--print" && number) {
      o->print = n;
    } else if (flag == "--timeout-s" && number && n >= 1 && n <= 86400) {
      o->timeout_s = static_cast<int>(n);
    } else {
      *error = "bad option or value: " + std::string(flag) + " " + std::string(v);
      return false;
    }
  }
  if (o->print) return true;
  if (o->count == 0) {
    *error = "--count N is required";
    return false;
  }
  if (o->key.empty()) {
    *error = "--key is required (a site-admin key), or set ORGD_ADMIN_KEY";
    return false;
  }
  o->passwords = std::min(o->passwords, o->count);
  return true;
}

// ---------------------------------------------------------------- names

// splitmix64: small, fast and the same on every platform (std's
// distributions are not), so a seed always gives the same names.
struct Rng {
  uint64_t s;
  explicit Rng(uint64_t seed) : s(seed) {}
  uint64_t Next() {
    uint64_t z = (s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  uint64_t Below(uint64_t n) { return Next() % n; }
  double Unit() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  template <size_t N>
  const char* Pick(const char* const (&a)[N]) {
    return a[Below(N)];
  }
};

uint64_t Mix(uint64_t a, uint64_t b) {
  Rng r(a * 0x9e3779b97f4a7c15ULL ^ (b + 0x632be59bd9b4e019ULL));
  r.Next();
  return r.Next();
}

// Syllables: an onset, a vowel and, sometimes, a coda; then an ending. Only
// the first syllable may lack an onset.
constexpr const char* kOnsets[] = {"b", "br", "c",  "ch", "d", "dr", "f", "g",  "gr", "h",
                                   "j", "k",  "l",  "l",  "m", "m",  "n", "n",  "p",  "r",
                                   "r", "s",  "sh", "st", "t", "th", "v", "w",  "z",  "tr",
                                   "kl", "fr", "y",  "qu"};
constexpr const char* kVowels[] = {"a", "a", "a", "e", "e", "e", "i", "i", "o", "o",
                                   "u", "y", "ai", "ea", "ie", "ei", "au", "ia"};
constexpr const char* kCodas[] = {"n", "n", "l", "r", "r", "s", "m", "th", "nd", "rk",
                                  "nn", "ll", "t", "x", "ck"};
constexpr const char* kFirstEnds[] = {"",   "",   "",    "",   "a",  "a",  "o",   "ie", "y",
                                      "na", "on", "ina", "el", "ah", "us", "ric", "lyn", "da",
                                      "ra", "an", "en",  "is", "ette"};
constexpr const char* kLastEnds[] = {"",     "",     "",     "",      "son",  "sen",   "berg",
                                     "ley",  "ton",  "ski",  "ez",    "ova",  "ridge", "wood",
                                     "man",  "er",   "field", "stein", "ford", "ing",   "well",
                                     "baum", "ic",   "ard",  "holm",  "vik",  "oglu",  "ani",
                                     "ak",   "ov",   "ini",  "es",    "ez",   "ers"};

std::string Capitalized(std::string s) {
  if (!s.empty() && s[0] >= 'a' && s[0] <= 'z') s[0] = static_cast<char>(s[0] - 'a' + 'A');
  return s;
}

std::string Lower(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

bool IsVowel(char c) { return std::strchr("aeiouy", c) != nullptr; }

// One made-up name: syllables and an ending.
std::string MakeName(Rng& r, int min_syllables, int max_syllables, bool last) {
  const int n = min_syllables + static_cast<int>(r.Below(max_syllables - min_syllables + 1));
  std::string s;
  for (int i = 0; i < n; ++i) {
    if (i > 0 || r.Below(6) != 0) s += r.Pick(kOnsets);
    s += r.Pick(kVowels);
    if (r.Below(3) == 0) s += r.Pick(kCodas);
  }
  std::string_view end = last ? r.Pick(kLastEnds) : r.Pick(kFirstEnds);
  // No run of three vowels ("-iea"): drop an ending that would make one.
  if (!end.empty() && IsVowel(end[0]) && IsVowel(s.back())) end = {};
  s += end;
  return s;
}

// size distinct names of 3 to 9 (first) or 11 (last) letters.
std::vector<std::string> MakePool(uint64_t seed, size_t size, bool last) {
  Rng r(seed);
  std::unordered_set<std::string> seen;
  std::vector<std::string> pool;
  while (pool.size() < size) {
    std::string s = last ? MakeName(r, 1, 3, true) : MakeName(r, 1, 2, false);
    if (s.size() < 3 || s.size() > (last ? 11u : 9u) || !seen.insert(s).second) continue;
    pool.push_back(Capitalized(std::move(s)));
  }
  return pool;
}

constexpr const char* kTlds[] = {"com", "org", "net", "io", "de", "fr", "co.uk"};

struct Person {
  std::string first, last, username, email, password;
};

class Names {
 public:
  // Accounts pw_begin .. pw_end - 1 get a password.
  Names(uint64_t seed, uint64_t pw_begin, uint64_t pw_end)
      : seed_(seed),
        pw_begin_(pw_begin),
        pw_end_(pw_end),
        first_(MakePool(Mix(seed, 1), 2000, false)),
        last_(MakePool(Mix(seed, 2), 5000, true)) {}

  // Account i, the same for the same seed. Names are drawn with a skew (the
  // square of a uniform number): the most common first name is ~2 % of
  // accounts, the most common last name ~1.4 %; most names are rare.
  Person Make(uint64_t i) const {
    Rng r(Mix(seed_, i + 1000));
    Person p;
    const double u = r.Unit(), v = r.Unit();
    p.first = first_[static_cast<size_t>(u * u * first_.size())];
    p.last = last_[static_cast<size_t>(v * v * last_.size())];
    const std::string f = Lower(p.first), l = Lower(p.last), n = std::to_string(i);
    if (r.Below(10) != 0) p.username = f + l[0] + n;
    p.email = f + "." + l + "." + n + "@example." + r.Pick(kTlds);
    if (i >= pw_begin_ && i < pw_end_) p.password = "password-" + n;
    return p;
  }

  size_t first_count() const { return first_.size(); }
  size_t last_count() const { return last_.size(); }

 private:
  uint64_t seed_;
  uint64_t pw_begin_, pw_end_;
  std::vector<std::string> first_, last_;
};

// Names are [A-Za-z] and emails [a-z0-9.@], but escape anyway.
void AppendJsonString(std::string* out, std::string_view s) {
  out->push_back('"');
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out->push_back('\\');
      out->push_back(c);
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out->append(buf);
    } else {
      out->push_back(c);
    }
  }
  out->push_back('"');
}

std::string BatchBody(const Names& names, uint64_t begin, uint64_t end) {
  std::string b;
  b.reserve(160 * (end - begin) + 32);
  b += "{\"accounts\":[";
  for (uint64_t i = begin; i < end; ++i) {
    const Person p = names.Make(i);
    if (i != begin) b += ',';
    b += "{\"email\":";
    AppendJsonString(&b, p.email);
    b += ",\"first_name\":";
    AppendJsonString(&b, p.first);
    b += ",\"last_name\":";
    AppendJsonString(&b, p.last);
    if (!p.username.empty()) {
      b += ",\"username\":";
      AppendJsonString(&b, p.username);
    }
    if (!p.password.empty()) {
      b += ",\"password\":";
      AppendJsonString(&b, p.password);
    }
    b += '}';
  }
  b += "]}";
  return b;
}

// ---------------------------------------------------------------- HTTP

// The reply to one request. status 0: no reply (connect, send or receive
// failed or timed out, or the reply did not parse).
struct Response {
  int status = 0;
  std::string body;
  int retry_after_s = -1;  // the Retry-After header in seconds, if any
};

bool IEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

std::string_view TrimSpace(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// One blocking HTTP/1.1 keep-alive connection (one per worker thread). Like
// tools/soak's SoakClient, but it also reports Retry-After.
class Connection {
 public:
  Connection(const orgd::soak::Endpoint& ep, std::string key, std::chrono::seconds timeout)
      : ep_(ep), key_(std::move(key)), timeout_(timeout) {}
  ~Connection() { Close(); }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  Response Post(std::string_view target, std::string_view idempotency_key, std::string_view body) {
    std::string req;
    req.reserve(body.size() + 512);
    req.append("POST ").append(target).append(" HTTP/1.1\r\nHost: ").append(ep_.host_header);
    req.append("\r\nAuthorization: Bearer ").append(key_);
    req.append("\r\nIdempotency-Key: ").append(idempotency_key);
    req.append("\r\nContent-Type: application/json\r\nContent-Length: ");
    req.append(std::to_string(body.size())).append("\r\n\r\n").append(body);
    Response r;
    if ((fd_ < 0 && !Connect()) || !SendAll(req) || !Read(&r)) {
      Close();
      return Response{};
    }
    return r;
  }

  void Close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    buf_.clear();
  }

 private:
  bool Connect() {
    fd_ = ::socket(ep_.addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd_ < 0) return false;
    if (::connect(fd_, reinterpret_cast<const sockaddr*>(&ep_.addr), ep_.addr_len) != 0) {
      pollfd p{fd_, POLLOUT, 0};
      int err = 0;
      socklen_t len = sizeof err;
      if (errno != EINPROGRESS || ::poll(&p, 1, 10'000) != 1 ||
          ::getsockopt(fd_, SOL_SOCKET, SO_ERROR, &err, &len) != 0 || err != 0) {
        Close();
        return false;
      }
    }
    ::fcntl(fd_, F_SETFL, ::fcntl(fd_, F_GETFL) & ~O_NONBLOCK);
    timeval tv{static_cast<time_t>(timeout_.count()), 0};
    int one = 1;
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return true;
  }

  bool SendAll(const std::string& bytes) {
    size_t sent = 0;
    while (sent < bytes.size()) {
      ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return false;
      sent += static_cast<size_t>(n);
    }
    return true;
  }

  bool Fill() {
    char tmp[64 * 1024];
    ssize_t n = ::recv(fd_, tmp, sizeof tmp, 0);
    if (n <= 0) return false;
    buf_.append(tmp, static_cast<size_t>(n));
    return true;
  }

  bool Read(Response* r) {
    size_t head_end;
    while ((head_end = buf_.find("\r\n\r\n")) == std::string::npos) {
      if (buf_.size() > 64 * 1024 || !Fill()) return false;
    }
    std::string_view head(buf_.data(), head_end);
    if (!head.starts_with("HTTP/1.") || head.size() < 12) return false;
    auto [p, ec] = std::from_chars(head.data() + 9, head.data() + 12, r->status);
    if (ec != std::errc()) return false;
    bool close = head.starts_with("HTTP/1.0"), has_length = false;
    size_t length = 0;
    size_t pos = head.find("\r\n");
    while (pos != std::string_view::npos) {
      size_t next = head.find("\r\n", pos + 2);
      std::string_view line = head.substr(pos + 2, next == std::string_view::npos
                                                       ? std::string_view::npos
                                                       : next - pos - 2);
      pos = next;
      size_t colon = line.find(':');
      if (colon == std::string_view::npos) continue;
      std::string_view name = line.substr(0, colon), value = TrimSpace(line.substr(colon + 1));
      if (IEquals(name, "Content-Length")) {
        auto [e, ec2] = std::from_chars(value.data(), value.data() + value.size(), length);
        has_length = ec2 == std::errc() && length <= (64u << 20);
        if (!has_length) return false;
      } else if (IEquals(name, "Connection")) {
        close = IEquals(value, "close");
      } else if (IEquals(name, "Retry-After")) {
        int s = 0;
        auto [e, ec2] = std::from_chars(value.data(), value.data() + value.size(), s);
        if (ec2 == std::errc()) r->retry_after_s = s;
      } else if (IEquals(name, "Transfer-Encoding")) {
        return false;  // orgd sends whole bodies
      }
    }
    if (r->status == 204 || r->status == 304 || r->status < 200) {
      length = 0;
    } else if (!has_length) {
      return false;
    }
    const size_t total = head_end + 4 + length;
    while (buf_.size() < total) {
      if (!Fill()) return false;
    }
    r->body.assign(buf_, head_end + 4, length);
    buf_.erase(0, total);
    if (close) Close();
    return true;
  }

  const orgd::soak::Endpoint& ep_;
  const std::string key_;
  const std::chrono::seconds timeout_;
  int fd_ = -1;
  std::string buf_;
};

// ---------------------------------------------------------------- loading

struct Range {
  uint64_t begin, end;
};

// The requests: the accounts with a password go in small batches (each
// password costs one Argon2id hash on orgd's hash pool, tens of ms, and a
// batch is hashed by one pool thread), the rest in --batch.
std::vector<Range> Plan(const Options& o) {
  constexpr uint64_t kPasswordBatch = 16;
  std::vector<Range> plan;
  const uint64_t first = o.start, end = o.start + o.count;
  const uint64_t pw_end = first + o.passwords;  // o.passwords <= o.count
  for (uint64_t i = first; i < pw_end; i += kPasswordBatch) {
    plan.push_back({i, std::min(pw_end, i + kPasswordBatch)});
  }
  for (uint64_t i = pw_end; i < end; i += o.batch) plan.push_back({i, std::min(end, i + o.batch)});
  return plan;
}

struct Shared {
  const Options* opt;
  const Names* names;
  const orgd::soak::Endpoint* ep;
  const std::vector<Range>* plan;
  std::atomic<size_t> next{0};
  std::atomic<uint64_t> done{0};
  std::atomic<uint64_t> retries_503{0};
  std::atomic<uint64_t> reconnects{0};
  std::atomic<bool> failed{false};
  std::mutex error_mu;
  std::string error;

  void Fail(std::string why) {
    std::lock_guard<std::mutex> lock(error_mu);
    if (!failed.exchange(true)) error = std::move(why);
  }
};

std::string Excerpt(const std::string& s) {
  return s.size() <= 600 ? s : s.substr(0, 600) + "...";
}

void Worker(Shared* sh) {
  Connection conn(*sh->ep, sh->opt->key, std::chrono::seconds(sh->opt->timeout_s));
  for (;;) {
    if (sh->failed.load()) return;
    const size_t k = sh->next.fetch_add(1);
    if (k >= sh->plan->size()) return;
    const Range r = (*sh->plan)[k];
    const std::string body = BatchBody(*sh->names, r.begin, r.end);
    const std::string idem = "load-accounts-s" + std::to_string(sh->opt->seed) + "-" +
                             std::to_string(r.begin) + "-" + std::to_string(r.end);
    const std::string what =
        "accounts " + std::to_string(r.begin) + ".." + std::to_string(r.end - 1);
    int transport_failures = 0;
    for (;;) {
      if (sh->failed.load()) return;
      Response res = conn.Post("/api/v1/accounts:batch", idem, body);
      if (res.status == 0) {
        // No reply: the batch may or may not have been applied. The same
        // Idempotency-Key makes the retry safe either way.
        if (++transport_failures > 5) {
          return sh->Fail(what + ": no reply from " + sh->opt->url + " after 6 attempts " +
                          "(connection refused, reset or timed out after " +
                          std::to_string(sh->opt->timeout_s) + " s)");
        }
        sh->reconnects.fetch_add(1);
        std::this_thread::sleep_for(std::chrono::milliseconds(500 * transport_failures));
        continue;
      }
      if (res.status == 503) {
        sh->retries_503.fetch_add(1);
        const int wait = res.retry_after_s >= 0 ? std::min(res.retry_after_s, 60) : 1;
        std::this_thread::sleep_for(std::chrono::milliseconds(wait == 0 ? 100 : 1000 * wait));
        continue;
      }
      if (res.status < 200 || res.status > 299) {
        return sh->Fail(what + ": HTTP " + std::to_string(res.status) + ": " + Excerpt(res.body));
      }
      const auto reply = nlohmann::json::parse(res.body, nullptr, /*allow_exceptions=*/false);
      if (!reply.is_object() || !reply.contains("created") ||
          reply["created"] != r.end - r.begin) {
        return sh->Fail(what + ": HTTP " + std::to_string(res.status) + " but the reply does not " +
                        "say \"created\": " + std::to_string(r.end - r.begin) + ": " +
                        Excerpt(res.body));
      }
      sh->done.fetch_add(r.end - r.begin);
      break;
    }
  }
}

std::string Duration(double s) {
  if (s < 0 || s > 1e7) return "--:--";
  const auto t = static_cast<uint64_t>(s + 0.5);
  char buf[32];
  if (t >= 3600) {
    std::snprintf(buf, sizeof buf, "%lu:%02lu:%02lu", static_cast<unsigned long>(t / 3600),
                  static_cast<unsigned long>(t / 60 % 60), static_cast<unsigned long>(t % 60));
  } else {
    std::snprintf(buf, sizeof buf, "%lu:%02lu", static_cast<unsigned long>(t / 60),
                  static_cast<unsigned long>(t % 60));
  }
  return buf;
}

// 1234567 -> "1,234,567"
std::string Grouped(uint64_t n) {
  std::string s = std::to_string(n), out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (i != 0 && (s.size() - i) % 3 == 0) out += ',';
    out += s[i];
  }
  return out;
}

void DrawProgress(bool tty, uint64_t done, uint64_t total, double elapsed) {
  const double rate = elapsed > 0 ? done / elapsed : 0;
  const double eta = rate > 0 ? (total - done) / rate : -1;
  const double frac = total ? static_cast<double>(done) / total : 1;
  char line[256];
  if (tty) {
    constexpr int kWidth = 30;
    const int filled = static_cast<int>(frac * kWidth);
    std::string bar(filled, '#');
    bar.resize(kWidth, '.');
    std::snprintf(line, sizeof line, "\r[%s] %s/%s %5.1f%%  %s/s  ETA %s \x1b[K", bar.c_str(),
                  Grouped(done).c_str(), Grouped(total).c_str(), 100 * frac,
                  Grouped(static_cast<uint64_t>(rate)).c_str(), Duration(eta).c_str());
  } else {
    std::snprintf(line, sizeof line, "%s/%s accounts (%.1f%%), %s/s, %s elapsed, ETA %s\n",
                  Grouped(done).c_str(), Grouped(total).c_str(), 100 * frac,
                  Grouped(static_cast<uint64_t>(rate)).c_str(), Duration(elapsed).c_str(),
                  Duration(eta).c_str());
  }
  std::fputs(line, stderr);
  std::fflush(stderr);
}

// ---------------------------------------------------------------- query material

bool WriteNames(const Options& o, const Names& names, std::string* error) {
  const uint64_t n = o.count;
  auto open = [&](const std::string& path, std::ofstream* f) {
    f->open(path, std::ios::trunc);
    if (!*f) *error = "cannot write " + path + ": " + std::strerror(errno);
    return static_cast<bool>(*f);
  };
  Rng r(Mix(o.seed, 3));
  // Words: substrings of 3 to 6 letters of the names of created accounts.
  {
    std::ofstream f;
    if (!open(o.names_out + ".words", &f)) return false;
    std::unordered_set<std::string> seen;
    for (int attempt = 0; attempt < 200000 && seen.size() < 4000; ++attempt) {
      const Person p = names.Make(o.start + r.Below(n));
      const std::string name = Lower(r.Below(2) ? p.first : p.last);
      if (name.size() < 3) continue;
      const size_t len = 3 + r.Below(std::min<size_t>(6, name.size()) - 3 + 1);
      const std::string w = name.substr(r.Below(name.size() - len + 1), len);
      if (seen.insert(w).second) f << w << '\n';
    }
  }
  // Emails of created accounts, spread over the whole range.
  {
    std::ofstream f;
    if (!open(o.names_out + ".emails", &f)) return false;
    const uint64_t k = std::min<uint64_t>(n, 4000);
    for (uint64_t j = 0; j < k; ++j) {
      const uint64_t lo = j * n / k, hi = (j + 1) * n / k;
      f << names.Make(o.start + lo + r.Below(hi - lo)).email << '\n';
    }
  }
  if (o.passwords > 0) {
    std::ofstream f;
    if (!open(o.names_out + ".logins", &f)) return false;
    for (uint64_t i = o.start; i < o.start + o.passwords; ++i) {
      const Person p = names.Make(i);
      f << p.email << ' ' << p.password << '\n';
    }
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  Options opt;
  std::string error;
  if (!ParseOptions(argc, argv, &opt, &error)) {
    std::fprintf(stderr, "orgd-load-accounts: %s\n\n%s", error.c_str(), kUsage);
    return 2;
  }
  if (opt.print) {
    const Names names(opt.seed, opt.start, opt.start + opt.passwords);
    for (uint64_t i = opt.start; i < opt.start + opt.print; ++i) {
      const Person p = names.Make(i);
      std::printf("%s\t%s\t%s\t%s\t%s\n", p.first.c_str(), p.last.c_str(), p.username.c_str(),
                  p.email.c_str(), p.password.c_str());
    }
    return 0;
  }
  orgd::soak::Endpoint ep;
  if (!orgd::soak::ResolveUrl(opt.url, &ep, &error)) {
    std::fprintf(stderr, "orgd-load-accounts: %s\n", error.c_str());
    return 2;
  }
  const Names names(opt.seed, opt.start, opt.start + opt.passwords);
  const std::vector<Range> plan = Plan(opt);
  const bool tty = ::isatty(STDERR_FILENO) == 1;
  std::fprintf(stderr,
               "orgd-load-accounts: %s accounts (%lu..%lu) to %s in %zu requests over %d "
               "connections; %zu first and %zu last names (seed %lu); %lu with a password\n",
               Grouped(opt.count).c_str(), static_cast<unsigned long>(opt.start),
               static_cast<unsigned long>(opt.start + opt.count - 1), opt.url.c_str(), plan.size(),
               opt.connections, names.first_count(), names.last_count(),
               static_cast<unsigned long>(opt.seed),
               static_cast<unsigned long>(opt.passwords));

  Shared sh;
  sh.opt = &opt;
  sh.names = &names;
  sh.ep = &ep;
  sh.plan = &plan;
  const auto t0 = Clock::now();
  std::vector<std::thread> workers;
  for (int i = 0; i < opt.connections; ++i) workers.emplace_back(Worker, &sh);

  // Progress: a redraw at most 5 times a second on a terminal, a line every
  // 2 s otherwise.
  const auto interval = tty ? std::chrono::milliseconds(200) : std::chrono::milliseconds(2000);
  auto last_draw = t0;
  while (sh.done.load() < opt.count && !sh.failed.load()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    const auto now = Clock::now();
    if (now - last_draw >= interval) {
      last_draw = now;
      DrawProgress(tty, sh.done.load(), opt.count,
                   std::chrono::duration<double>(now - t0).count());
    }
    // Workers all gone without finishing or failing cannot happen, but do
    // not spin forever if it does.
    if (sh.next.load() >= plan.size() + workers.size() && sh.done.load() < opt.count &&
        !sh.failed.load()) {
      break;
    }
  }
  for (auto& t : workers) t.join();
  const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
  DrawProgress(tty, sh.done.load(), opt.count, secs);
  if (tty) std::fputc('\n', stderr);

  if (sh.failed.load()) {
    std::fprintf(stderr,
                 "orgd-load-accounts: FAILED after %s accounts in %.1f s: %s\n"
                 "(batches are atomic: accounts of earlier batches exist; rerun with the same "
                 "--seed and --start to skip nothing, or a new --start)\n",
                 Grouped(sh.done.load()).c_str(), secs, sh.error.c_str());
    return 1;
  }
  if (sh.done.load() != opt.count) {
    std::fprintf(stderr, "orgd-load-accounts: only %lu of %lu accounts were confirmed\n",
                 static_cast<unsigned long>(sh.done.load()),
                 static_cast<unsigned long>(opt.count));
    return 1;
  }
  if (!opt.names_out.empty() && !WriteNames(opt, names, &error)) {
    std::fprintf(stderr, "orgd-load-accounts: %s\n", error.c_str());
    return 1;
  }
  std::printf(
      "loaded %lu accounts in %.2f s: %.0f accounts/s (%zu requests, %d connections, %lu "
      "retries after 503, %lu after no reply)\n",
      static_cast<unsigned long>(opt.count), secs, opt.count / secs, plan.size(), opt.connections,
      static_cast<unsigned long>(sh.retries_503.load()),
      static_cast<unsigned long>(sh.reconnects.load()));
  return 0;
}
