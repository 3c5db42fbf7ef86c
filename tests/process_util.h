// Helpers for tests that drive orgd's binaries as processes (the crash test,
// the operator-tool tests): running a tool (exit code and output), a real
// `orgd serve` on a loopback port, a small blocking HTTP client for it, and
// reading a store's families whole.
//
// Every helper here is for one test thread, except that distinct HttpClient
// objects may be used from different threads.
#pragma once

#include <signal.h>
#include <sys/types.h>

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace orgd {
class EventStore;
}

namespace orgd::test {

// Every key and value of a column family (empty when it is not open).
std::map<std::string, std::string> ReadFamily(const EventStore& store, const std::string& name);

struct ToolRun {
  int exit_code = -1;  // 128 + the signal when a signal ended it
  std::string out;     // what it wrote to stdout
  std::string err;     // and to stderr
};

// Runs binary with args (and extra environment variables), waits for it.
ToolRun RunTool(const std::string& binary, const std::vector<std::string>& args,
                const std::vector<std::pair<std::string, std::string>>& env = {});

// One blocking HTTP/1.1 connection to 127.0.0.1:port, authenticated with key.
// Any failure closes it; Exchange then returns 0.
class HttpClient {
 public:
  HttpClient(uint16_t port, std::string key);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  bool open() const { return fd_ >= 0; }
  // The reply's status (0 on any failure) and body.
  int Exchange(const std::string& method, const std::string& target, const std::string& body,
               std::string* reply);

 private:
  bool Fill();
  void Close();
  const std::string key_;
  int fd_ = -1;
  std::string buf_;
};

// `orgd serve` on a data directory, with admin_key as ORGD_ADMIN_KEY.
class ServerProcess {
 public:
  ServerProcess(std::string binary, std::string data_dir, std::string admin_key);
  ~ServerProcess();  // Stop()s.
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  // Starts it on a free port (a new one each time) and waits until /healthz
  // answers; false if it does not. Its stderr goes to data_dir + ".stderr".
  // extra_args follow the default serve options (as --idle-timeout-ms 500).
  bool Start(const std::vector<std::string>& extra_args = {});
  // SIGTERM and wait; the exit code (128 + signal when killed).
  int Stop() { return Kill(SIGTERM); }
  // Sends sig and waits; the exit code as Stop's. -1 when it is not running.
  int Kill(int sig);
  uint16_t port() const { return port_; }
  // The server's process id; -1 when it is not running.
  pid_t pid() const { return pid_; }
  const std::string& admin_key() const { return admin_key_; }

 private:
  const std::string binary_, data_dir_, admin_key_;
  uint16_t port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace orgd::test
