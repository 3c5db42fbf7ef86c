#include "tests/http/raw_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <charconv>

namespace orgd::test {

namespace {

using Clock = std::chrono::steady_clock;

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Parses the status line and headers (head excludes the final blank line).
std::optional<RawResponse> ParseHead(std::string_view head) {
  RawResponse r;
  size_t eol = head.find("\r\n");
  std::string_view status_line = head.substr(0, eol);
  if (!status_line.starts_with("HTTP/1.") || status_line.size() < 12) return std::nullopt;
  auto [end, ec] = std::from_chars(status_line.data() + 9, status_line.data() + 12, r.status);
  if (ec != std::errc()) return std::nullopt;
  while (eol != std::string_view::npos) {
    head.remove_prefix(eol + 2);
    eol = head.find("\r\n");
    std::string_view line = head.substr(0, eol);
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) return std::nullopt;
    r.headers.emplace_back(std::string(line.substr(0, colon)),
                           std::string(Trim(line.substr(colon + 1))));
  }
  return r;
}

// How many body bytes follow the head; nullopt: until the connection closes.
std::optional<size_t> BodyLength(const RawResponse& r) {
  if (r.status / 100 == 1 || r.status == 204 || r.status == 304) return 0;
  auto cl = r.Header("Content-Length");
  if (!cl) return std::nullopt;
  size_t n = 0;
  std::from_chars(cl->data(), cl->data() + cl->size(), n);
  return n;
}

}  // namespace

std::optional<std::string> RawResponse::Header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (EqualsIgnoreCase(k, name)) return v;
  }
  return std::nullopt;
}

std::string FormatRequest(std::string_view method, std::string_view target, std::string_view body,
                          const Headers& extra) {
  std::string out;
  out.append(method).append(" ").append(target).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
  for (const auto& [k, v] : extra) out.append(k).append(": ").append(v).append("\r\n");
  if (!body.empty())
    out.append("Content-Length: ").append(std::to_string(body.size())).append("\r\n");
  out.append("\r\n").append(body);
  return out;
}

RawClient::~RawClient() { Close(); }

void RawClient::Close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  buffer_.clear();
}

bool RawClient::ShutdownSend() { return fd_ >= 0 && ::shutdown(fd_, SHUT_WR) == 0; }

void RawClient::Abort() {
  if (fd_ < 0) return;
  // A zero linger time makes close() discard what is unsent and reset.
  linger reset{1, 0};
  ::setsockopt(fd_, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
  Close();
}

bool RawClient::Connect(uint16_t port) {
  Close();
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    Close();
    return false;
  }
  return true;
}

bool RawClient::Send(std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

bool RawClient::Fill(Clock::time_point deadline) {
  if (fd_ < 0) return false;
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  if (left.count() <= 0) return false;
  pollfd p{fd_, POLLIN, 0};
  int ready = ::poll(&p, 1, static_cast<int>(left.count()));
  if (ready <= 0) return false;
  char chunk[16 * 1024];
  ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
  if (n <= 0) return false;
  buffer_.append(chunk, static_cast<size_t>(n));
  return true;
}

std::optional<RawResponse> RawClient::Read(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  size_t head_end;
  while ((head_end = buffer_.find("\r\n\r\n")) == std::string::npos) {
    if (!Fill(deadline)) return std::nullopt;
  }
  std::optional<RawResponse> r = ParseHead(std::string_view(buffer_).substr(0, head_end));
  if (!r) return std::nullopt;
  buffer_.erase(0, head_end + 4);
  std::optional<size_t> length = BodyLength(*r);
  if (!length) {
    while (Fill(deadline)) {
    }
    length = buffer_.size();
  }
  while (buffer_.size() < *length) {
    if (!Fill(deadline)) return std::nullopt;
  }
  r->body = buffer_.substr(0, *length);
  buffer_.erase(0, *length);
  return r;
}

std::optional<RawResponse> RawClient::RoundTrip(std::string_view request) {
  if (!Send(request)) return std::nullopt;
  return Read();
}

bool RawClient::WaitClosed(std::chrono::milliseconds timeout) {
  if (fd_ < 0 || !buffer_.empty()) return false;
  pollfd p{fd_, POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return false;
  char c;
  ssize_t n = ::recv(fd_, &c, 1, 0);
  return n == 0 || (n < 0 && (errno == ECONNRESET || errno == EPIPE));
}

}  // namespace orgd::test
