#include "tests/process_util.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <rocksdb/db.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include "tests/test_util.h"

namespace orgd::test {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int ExitCode(int wstatus) {
  if (WIFEXITED(wstatus)) return WEXITSTATUS(wstatus);
  if (WIFSIGNALED(wstatus)) return 128 + WTERMSIG(wstatus);
  return -1;
}

// Runs in the child: redirects, sets the environment and execs; never returns.
[[noreturn]] void Exec(const std::string& binary, const std::vector<std::string>& args,
                       const std::vector<std::pair<std::string, std::string>>& env,
                       const std::string& out, const std::string& err) {
  int o = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  int e = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (o < 0 || e < 0 || dup2(o, STDOUT_FILENO) < 0 || dup2(e, STDERR_FILENO) < 0) _exit(126);
  for (const auto& [k, v] : env) setenv(k.c_str(), v.c_str(), 1);
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(binary.c_str()));
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  execv(binary.c_str(), argv.data());
  _exit(127);
}

uint16_t FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  close(fd);
  return ntohs(a.sin_port);
}

}  // namespace

std::map<std::string, std::string> ReadFamily(const EventStore& store, const std::string& name) {
  std::map<std::string, std::string> out;
  auto* cf = store.cf(name);
  if (cf == nullptr) return out;
  std::unique_ptr<rocksdb::Iterator> it(store.db()->NewIterator(rocksdb::ReadOptions(), cf));
  for (it->SeekToFirst(); it->Valid(); it->Next())
    out[it->key().ToString()] = it->value().ToString();
  EXPECT_TRUE(it->status().ok()) << it->status().ToString();
  return out;
}

ToolRun RunTool(const std::string& binary, const std::vector<std::string>& args,
                const std::vector<std::pair<std::string, std::string>>& env) {
  TempDir io;
  const std::string out = io.Sub("stdout"), err = io.Sub("stderr");
  ToolRun run;
  pid_t pid = fork();
  if (pid == 0) Exec(binary, args, env, out, err);
  int wstatus = 0;
  if (pid < 0 || waitpid(pid, &wstatus, 0) != pid) return run;
  run.exit_code = ExitCode(wstatus);
  run.out = ReadFile(out);
  run.err = ReadFile(err);
  return run;
}

// ------------------------------------------------------------------ HttpClient

HttpClient::HttpClient(uint16_t port, std::string key) : key_(std::move(key)) {
  fd_ = socket(AF_INET, SOCK_STREAM, 0);
  timeval tv{10, 0};
  setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) Close();
}

HttpClient::~HttpClient() { Close(); }

int HttpClient::Exchange(const std::string& method, const std::string& target,
                         const std::string& body, std::string* reply) {
  std::string req = method + " " + target + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                    key_ + "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  if (!open() ||
      send(fd_, req.data(), req.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(req.size())) {
    Close();
    return 0;
  }
  size_t header_end;
  while ((header_end = buf_.find("\r\n\r\n")) == std::string::npos) {
    if (!Fill()) return 0;
  }
  const std::string head = buf_.substr(0, header_end);
  const size_t cl = head.find("Content-Length: ");
  const size_t length = cl == std::string::npos ? 0 : std::stoul(head.substr(cl + 16));
  while (buf_.size() < header_end + 4 + length) {
    if (!Fill()) return 0;
  }
  *reply = buf_.substr(header_end + 4, length);
  buf_.erase(0, header_end + 4 + length);
  return std::stoi(head.substr(9, 3));
}

bool HttpClient::Fill() {
  char tmp[4096];
  ssize_t n = open() ? recv(fd_, tmp, sizeof tmp, 0) : -1;
  if (n <= 0) {
    Close();
    return false;
  }
  buf_.append(tmp, static_cast<size_t>(n));
  return true;
}

void HttpClient::Close() {
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
}

// ------------------------------------------------------------------ ServerProcess

ServerProcess::ServerProcess(std::string binary, std::string data_dir, std::string admin_key)
    : binary_(std::move(binary)),
      data_dir_(std::move(data_dir)),
      admin_key_(std::move(admin_key)) {}

ServerProcess::~ServerProcess() { Stop(); }

bool ServerProcess::Start(const std::vector<std::string>& extra_args) {
  port_ = FreePort();
  std::vector<std::string> args = {"serve", "--data", data_dir_, "--threads", "2",
                                   "--listen", "127.0.0.1:" + std::to_string(port_)};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  pid_ = fork();
  if (pid_ == 0) {
    Exec(binary_, args, {{"ORGD_ADMIN_KEY", admin_key_}, {"ORGD_LOG_LEVEL", "warn"}}, "/dev/null",
         data_dir_ + ".stderr");
  }
  for (int i = 0; i < 200; ++i) {
    HttpClient c(port_, admin_key_);
    std::string body;
    if (c.open() && c.Exchange("GET", "/healthz", "", &body) == 200) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

int ServerProcess::Kill(int sig) {
  if (pid_ <= 0) return -1;
  kill(pid_, sig);
  int wstatus = 0;
  waitpid(pid_, &wstatus, 0);
  pid_ = -1;
  return ExitCode(wstatus);
}

}  // namespace orgd::test
