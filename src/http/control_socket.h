// ControlSocket: a running server's local control channel, a Unix-domain
// socket in its data directory (ControlSocketPath). `orgd backup` uses it to
// have the server checkpoint its own store, since only the process holding
// the store's lock can make a RocksDB checkpoint of it.
//
// It takes no API key: whoever may open the data directory could copy its
// files anyway, so the directory's permissions are the access control (the
// socket file is also owner-only, mode 0700, from the moment bind creates
// it). It is not reachable from the network.
//
// One request per connection, one JSON line each way:
//   {"op":"backup","to":"/absolute/dir"}  ->  {"ok":true,"position":1234}
//                                         or  {"ok":false,"error":"..."}
// Requests are served one at a time on the socket's own thread; a request
// must arrive within 5 seconds and fit in 4 KiB.
//
// Thread safety: Start and Stop from one controlling thread; the handler runs
// on the socket's thread. The free functions are thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <thread>

#include "common/status.h"

namespace orgd::http {

// "<data_dir>/orgd.ctl"
std::string ControlSocketPath(const std::string& data_dir);

class ControlSocket {
 public:
  // Turns a request line into a reply line (both without the newline).
  using Handler = std::function<std::string(std::string_view request)>;

  ControlSocket(std::string path, Handler handler);
  ~ControlSocket();  // Stop()s.
  ControlSocket(const ControlSocket&) = delete;
  ControlSocket& operator=(const ControlSocket&) = delete;

  // Binds path (replacing a file left there by a killed server: the caller
  // holds the store's lock, so no other server uses it) and starts serving.
  // The socket file is created owner-only; for the one bind() call the
  // process's umask is 077 (see BindOwnerOnly in control_socket.cc).
  Status Start();
  // Stops accepting, lets a request in progress finish, removes the file.
  void Stop();

 private:
  void Run();
  void Serve(int fd) const;

  const std::string path_;
  const Handler handler_;
  int listen_fd_ = -1;
  int wake_fd_ = -1;  // an eventfd that Stop() signals
  std::thread thread_;
};

// Makes a consistent copy of the store in dir (EventStore::Backup).
using BackupFn = std::function<Status(const std::string& dir, uint64_t* position)>;

// The server side of the protocol: executes one request line with backup.
std::string HandleControlRequest(const BackupFn& backup, std::string_view request);

// The client side: asks the server listening on socket_path to back its store
// up into to (an absolute path) and waits up to timeout for the answer.
// Unavailable (reason "no_server") when nothing listens on socket_path.
Status RequestBackup(const std::string& socket_path, const std::string& to,
                     std::chrono::milliseconds timeout, uint64_t* position);

}  // namespace orgd::http
