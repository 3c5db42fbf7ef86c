// SoakClient: one blocking HTTP/1.1 keep-alive connection to orgd, for the
// soak tool's workers (tools/soak/orgd_soak.cc).
//
// A SoakClient is not shareable: each worker thread owns one. Every wait is
// bounded (connect, send and receive time out), any failure closes the
// connection, and the next Exchange() connects again. It speaks just enough
// HTTP for orgd's replies: a status line, headers and a Content-Length body.
#pragma once

#include <sys/socket.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace orgd::soak {

// Where the server listens, resolved once before the workers start.
struct Endpoint {
  sockaddr_storage addr{};
  socklen_t addr_len = 0;
  std::string host_header;  // "host:port", sent as Host
};

// Parses "http://HOST[:PORT][/]" (PORT defaults to 80) and resolves HOST.
// On failure returns false and says why in *error.
bool ResolveUrl(std::string_view url, Endpoint* out, std::string* error);

// One reply. status 0 means there was none: the connection could not be
// made, a send or receive failed or timed out, or the reply did not parse.
struct Reply {
  int status = 0;
  std::string body;
  std::optional<uint64_t> etag;  // the version in an ETag such as "3"
};

using Headers = std::vector<std::pair<std::string, std::string>>;

class SoakClient {
 public:
  // "endpoint" must remain live while this client is in use.
  SoakClient(const Endpoint& endpoint, std::string api_key, std::chrono::milliseconds timeout);
  ~SoakClient();  // Close()s.
  SoakClient(const SoakClient&) = delete;
  SoakClient& operator=(const SoakClient&) = delete;

  // Sends one request (Authorization: Bearer with the key, plus extra
  // headers) on the open connection, or on a new one, and reads the reply.
  Reply Exchange(std::string_view method, std::string_view target, std::string_view body,
                 const Headers& extra = {});
  // Closes the connection, if one is open.
  void Close();
  // Connections opened so far (a keep-alive client opens one unless the
  // server or a failure closes it).
  uint64_t connects() const { return connects_; }

 private:
  bool Connect();
  bool SendAll(const std::string& bytes);
  // Appends what one recv() returns to buf_; false (and closed) on failure.
  bool Fill();
  // Parses the head at the start of buf_ (ending at head_end) into *r.
  bool ParseHead(size_t head_end, Reply* r, size_t* content_length, bool* close) const;
  bool ReadReply(std::string_view method, Reply* r);

  const Endpoint& endpoint_;
  const std::string authorization_;  // the whole header line
  const std::chrono::milliseconds timeout_;
  int fd_ = -1;
  std::string buf_;  // bytes received and not yet consumed
  uint64_t connects_ = 0;
};

}  // namespace orgd::soak
