// Server: the HTTP/1.1 front of orgd, on Boost.Beast with C++20 coroutines.
//
// Accepts connections on N threads, reads each request within the limits of
// ServerOptions, passes it to Api::Handle and writes the reply. Every input is
// bounded (header and body size, idle and read time, connections at once).
// SIGTERM/SIGINT or Stop() drain: the listener closes, /readyz turns 503,
// requests in flight finish (up to drain_timeout), then Run() returns.
//
// Thread safety: Stop() and port() from any thread; Listen() and Run() from
// one controlling thread. Beast and Asio stay inside server.cc.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace orgd::http {

class Api;

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;  // 0: any free port (see port())
  int threads = 2;
  size_t header_limit = 16 * 1024;  // bytes of request line + headers; more: 431
  size_t body_limit = 1024 * 1024;  // bytes of body; more: 413
  // Longest wait for a request's headers to arrive complete (also the
  // keep-alive idle time), and for its body or the reply's write.
  std::chrono::milliseconds idle_timeout{30'000};
  std::chrono::milliseconds read_timeout{30'000};
  size_t max_connections = 4096;  // beyond it, new connections get 503 and are closed
  std::chrono::milliseconds drain_timeout{10'000};
  bool handle_signals = true;  // drain on SIGTERM and SIGINT
};

class Server {
 public:
  // "*api" must outlive the server. Whatever completes requests (the
  // writer) must be stopped before the server is destroyed.
  Server(Api* api, ServerOptions options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and listens. InvalidArgument for a bad address, Unavailable when taken.
  Status Listen();
  // The bound port, after Listen().
  uint16_t port() const;
  // Serves until Stop() or a signal, then drains and returns.
  void Run();
  // Begins the drain; Run() returns when it is done.
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Serves the bytes one connection delivers, without a socket: reads requests
// from bytes as a session reads them from its socket (the same Beast parser,
// the limits of options, the same replies to unreadable requests), passes
// each to api->Handle, waits for its reply, and returns the serialized
// responses in order. Stops where a session would close the connection: after
// a read error, after a reply without keep-alive, or at the end of bytes.
// Timeouts, the connection cap and the drain do not apply. For the request-
// path fuzzer (tests/fuzz). Safe from any thread, as Api::Handle is.
std::vector<std::string> ServeBytes(Api* api, std::string_view bytes,
                                    const ServerOptions& options = {});

}  // namespace orgd::http
