// RawClient: a small blocking HTTP/1.1 client over a POSIX socket, for tests
// that must send bytes a proper client library would refuse to send.
//
// A RawClient is not shareable: use each one from a single thread. Every wait
// is bounded by a timeout, so a misbehaving server fails a test instead of
// hanging it.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace orgd::test {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct RawResponse {
  int status = 0;
  Headers headers;
  std::string body;

  // The first header with this name (ASCII case-insensitive), or nullopt.
  std::optional<std::string> Header(std::string_view name) const;
};

// The bytes of one HTTP/1.1 request. Adds Host, and Content-Length when body
// is not empty; extra headers go out exactly as given.
std::string FormatRequest(std::string_view method, std::string_view target,
                          std::string_view body = {}, const Headers& extra = {});

class RawClient {
 public:
  static constexpr std::chrono::milliseconds kWait{5000};

  RawClient() = default;
  ~RawClient();  // Close()s.
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  // Connects to 127.0.0.1:port; false when refused or failed.
  bool Connect(uint16_t port);
  // Sends all of bytes; false when the connection failed (closed or reset).
  bool Send(std::string_view bytes);
  // Reads one full response (status line, headers, Content-Length body).
  // nullopt when the connection closed, or timeout passed, before one arrived.
  std::optional<RawResponse> Read(std::chrono::milliseconds timeout = kWait);
  // Send(request) then Read().
  std::optional<RawResponse> RoundTrip(std::string_view request);
  // True when the server closes the connection (EOF or reset) within timeout
  // without sending more bytes.
  bool WaitClosed(std::chrono::milliseconds timeout = kWait);
  // Half-closes: sends end of stream (a FIN), and replies can still be read.
  bool ShutdownSend();
  // Closes with a reset (an RST), as a crashed or killed client does.
  void Abort();
  void Close();

 private:
  // Appends what arrives to buffer_ before deadline; false on EOF, error or timeout.
  bool Fill(std::chrono::steady_clock::time_point deadline);

  int fd_ = -1;
  std::string buffer_;  // received, not yet consumed
};

}  // namespace orgd::test
