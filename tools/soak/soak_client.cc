#include "tools/soak/soak_client.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>

namespace orgd::soak {

namespace {

// Longest reply head and body accepted; orgd's replies are far smaller.
constexpr size_t kMaxHead = 64 * 1024;
constexpr size_t kMaxBody = 16 * 1024 * 1024;

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

template <typename T>
bool ParseNumber(std::string_view s, T* out) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && end == s.data() + s.size() && !s.empty();
}

// The version in an ETag: "3" or W/"3".
std::optional<uint64_t> ParseEtag(std::string_view v) {
  if (v.starts_with("W/")) v.remove_prefix(2);
  if (v.size() < 2 || v.front() != '"' || v.back() != '"') return std::nullopt;
  uint64_t n = 0;
  if (!ParseNumber(v.substr(1, v.size() - 2), &n)) return std::nullopt;
  return n;
}

// Splits "HOST[:PORT]" (HOST may be a bracketed IPv6 address).
bool SplitHostPort(std::string_view authority, std::string* host, std::string* port) {
  *port = "80";
  if (authority.starts_with("[")) {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) return false;
    *host = std::string(authority.substr(1, close - 1));
    authority.remove_prefix(close + 1);
    if (authority.empty()) return true;
    if (authority.front() != ':') return false;
    *port = std::string(authority.substr(1));
  } else {
    size_t colon = authority.rfind(':');
    *host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) *port = std::string(authority.substr(colon + 1));
  }
  uint16_t n = 0;
  return !host->empty() && ParseNumber(std::string_view(*port), &n) && n != 0;
}

}  // namespace

bool ResolveUrl(std::string_view url, Endpoint* out, std::string* error) {
  constexpr std::string_view kScheme = "http://";
  if (!url.starts_with(kScheme)) {
    *error = "the URL must start with http:// (https is not supported): " + std::string(url);
    return false;
  }
  url.remove_prefix(kScheme.size());
  std::string_view authority = url.substr(0, url.find('/'));
  std::string_view path = url.substr(authority.size());
  std::string host, port;
  if (!SplitHostPort(authority, &host, &port) || (!path.empty() && path != "/")) {
    *error = "expected http://HOST[:PORT]: " + std::string(kScheme) + std::string(url);
    return false;
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (int rc = getaddrinfo(host.c_str(), port.c_str(), &hints, &found); rc != 0) {
    *error = "cannot resolve " + host + ": " + gai_strerror(rc);
    return false;
  }
  std::memcpy(&out->addr, found->ai_addr, found->ai_addrlen);
  out->addr_len = found->ai_addrlen;
  out->host_header = std::string(authority);
  freeaddrinfo(found);
  return true;
}

SoakClient::SoakClient(const Endpoint& endpoint, std::string api_key,
                       std::chrono::milliseconds timeout)
    : endpoint_(endpoint),
      authorization_("Authorization: Bearer " + std::move(api_key) + "\r\n"),
      timeout_(timeout) {}

SoakClient::~SoakClient() { Close(); }

void SoakClient::Close() {
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
  buf_.clear();
}

// Connects without blocking longer than timeout_, then makes the socket
// blocking with send and receive timeouts of the same length.
bool SoakClient::Connect() {
  ++connects_;
  fd_ = socket(endpoint_.addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd_ < 0) return false;
  const auto* addr = reinterpret_cast<const sockaddr*>(&endpoint_.addr);
  if (connect(fd_, addr, endpoint_.addr_len) != 0) {
    pollfd p{fd_, POLLOUT, 0};
    int err = 0;
    socklen_t len = sizeof err;
    if (errno != EINPROGRESS || poll(&p, 1, static_cast<int>(timeout_.count())) != 1 ||
        getsockopt(fd_, SOL_SOCKET, SO_ERROR, &err, &len) != 0 || err != 0) {
      Close();
      return false;
    }
  }
  fcntl(fd_, F_SETFL, fcntl(fd_, F_GETFL) & ~O_NONBLOCK);
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(timeout_).count();
  timeval tv{static_cast<time_t>(us / 1'000'000), static_cast<suseconds_t>(us % 1'000'000)};
  int one = 1;
  setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return true;
}

bool SoakClient::SendAll(const std::string& bytes) {
  size_t sent = 0;
  while (sent < bytes.size()) {
    ssize_t n = send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<size_t>(n);
  }
  return true;
}

bool SoakClient::Fill() {
  char tmp[16 * 1024];
  ssize_t n = recv(fd_, tmp, sizeof tmp, 0);
  if (n <= 0) return false;
  buf_.append(tmp, static_cast<size_t>(n));
  return true;
}

Reply SoakClient::Exchange(std::string_view method, std::string_view target,
                           std::string_view body, const Headers& extra) {
  std::string req;
  req.reserve(256 + body.size());
  req.append(method).append(" ").append(target).append(" HTTP/1.1\r\nHost: ");
  req.append(endpoint_.host_header).append("\r\n").append(authorization_);
  for (const auto& [name, value] : extra) {
    req.append(name).append(": ").append(value).append("\r\n");
  }
  if (!body.empty() || method == "POST" || method == "PATCH") {
    req.append("Content-Type: application/json\r\nContent-Length: ");
    req.append(std::to_string(body.size())).append("\r\n");
  }
  req.append("\r\n").append(body);
  Reply r;
  if ((fd_ < 0 && !Connect()) || !SendAll(req) || !ReadReply(method, &r)) {
    Close();
    return Reply{};
  }
  return r;
}

bool SoakClient::ParseHead(size_t head_end, Reply* r, size_t* content_length,
                           bool* close) const {
  std::string_view head(buf_.data(), head_end);
  size_t eol = head.find("\r\n");
  std::string_view status_line = head.substr(0, eol);
  if (!status_line.starts_with("HTTP/1.") || status_line.size() < 12 ||
      !ParseNumber(status_line.substr(9, 3), &r->status)) {
    return false;
  }
  *close = status_line.starts_with("HTTP/1.0");
  bool has_length = false;
  while (eol != std::string_view::npos) {
    head.remove_prefix(eol + 2);
    eol = head.find("\r\n");
    std::string_view line = head.substr(0, eol);
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view name = line.substr(0, colon), value = Trim(line.substr(colon + 1));
    if (EqualsIgnoreCase(name, "Content-Length")) {
      has_length = ParseNumber(value, content_length) && *content_length <= kMaxBody;
      if (!has_length) return false;
    } else if (EqualsIgnoreCase(name, "Connection")) {
      *close = EqualsIgnoreCase(value, "close");
    } else if (EqualsIgnoreCase(name, "ETag")) {
      r->etag = ParseEtag(value);
    } else if (EqualsIgnoreCase(name, "Transfer-Encoding")) {
      return false;  // orgd sends whole bodies
    }
  }
  const bool bodiless = r->status < 200 || r->status == 204 || r->status == 304;
  if (bodiless) *content_length = 0;
  return has_length || bodiless;
}

bool SoakClient::ReadReply(std::string_view method, Reply* r) {
  size_t head_end;
  while ((head_end = buf_.find("\r\n\r\n")) == std::string::npos) {
    if (buf_.size() > kMaxHead || !Fill()) return false;
  }
  size_t length = 0;
  bool close = false;
  if (!ParseHead(head_end + 2, r, &length, &close)) return false;
  if (method == "HEAD") length = 0;
  const size_t total = head_end + 4 + length;
  while (buf_.size() < total) {
    if (!Fill()) return false;
  }
  r->body.assign(buf_, head_end + 4, length);
  buf_.erase(0, total);
  if (close) Close();
  return true;
}

}  // namespace orgd::soak
