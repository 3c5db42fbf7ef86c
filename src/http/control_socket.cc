#include "src/http/control_socket.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>


namespace orgd::http {
namespace {

constexpr size_t kMaxRequest = 4096;
constexpr int kRequestTimeoutSeconds = 5;

Status Errno(const std::string& what) {
  return Status::IOError(what + ": " + std::strerror(errno));
}

// Fills addr for path; false when the path does not fit a socket address.
bool SocketAddress(const std::string& path, sockaddr_un* addr) {
  *addr = sockaddr_un{};
  addr->sun_family = AF_UNIX;
  if (path.size() >= sizeof(addr->sun_path)) return false;
  std::memcpy(addr->sun_path, path.c_str(), path.size() + 1);
  return true;
}

// bind()s fd to addr so that the socket file is owner-only from the moment
// it exists: bind creates it with mode 0777 & ~umask, so it runs under umask
// 077 (mode 0700; the x bit means nothing on a socket). A chmod after bind
// would leave a window in which anyone could connect.
//
// umask is process-wide, so the window is this one call: a file or directory
// another thread (RocksDB's) creates meanwhile is made owner-only too, never
// more open than it asked for. Nothing else in orgd changes the umask.
int BindOwnerOnly(int fd, const sockaddr_un& addr) {
  const mode_t old_mask = umask(077);
  const int rc = bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr);
  const int bind_errno = errno;
  umask(old_mask);
  errno = bind_errno;
  return rc;
}

bool SendAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n <= 0 && errno != EINTR) return false;
    if (n > 0) data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

// Reads up to the first newline; false on a timeout, a close or an overlong line.
bool ReadLine(int fd, int timeout_ms, std::string* line) {
  char buf[1024];
  while (line->find('\n') == std::string::npos) {
    if (line->size() > kMaxRequest) return false;
    pollfd p{fd, POLLIN, 0};
    int ready = poll(&p, 1, timeout_ms);
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return false;
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return false;
    line->append(buf, static_cast<size_t>(n));
  }
  line->resize(line->find('\n'));
  return true;
}

std::string ErrorReply(std::string_view message) {
  return nlohmann::json{{"ok", false}, {"error", message}}.dump();
}

}  // namespace

std::string ControlSocketPath(const std::string& data_dir) { return data_dir + "/orgd.ctl"; }

ControlSocket::ControlSocket(std::string path, Handler handler)
    : path_(std::move(path)), handler_(std::move(handler)) {}

ControlSocket::~ControlSocket() { Stop(); }

Status ControlSocket::Start() {
  sockaddr_un addr;
  if (!SocketAddress(path_, &addr)) {
    return Status::InvalidArgument("control socket path too long: " + path_);
  }
  listen_fd_ = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) return Errno("control socket");
  unlink(path_.c_str());
  if (BindOwnerOnly(listen_fd_, addr) != 0) {
    Status s = Errno("binding " + path_);
    Stop();
    return s;
  }
  wake_fd_ = eventfd(0, EFD_CLOEXEC);
  if (listen(listen_fd_, 8) != 0 || wake_fd_ < 0) {
    Status s = Errno("listening on " + path_);
    Stop();
    return s;
  }
  thread_ = std::thread([this] { Run(); });
  return Status::OK();
}

void ControlSocket::Stop() {
  if (thread_.joinable()) {
    uint64_t one = 1;
    if (write(wake_fd_, &one, sizeof one) != sizeof one) std::abort();  // cannot stop the thread
    thread_.join();
  }
  if (listen_fd_ >= 0) {
    close(listen_fd_);
    unlink(path_.c_str());
  }
  if (wake_fd_ >= 0) close(wake_fd_);
  listen_fd_ = wake_fd_ = -1;
}

void ControlSocket::Run() {
  pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {wake_fd_, POLLIN, 0}};
  for (;;) {
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (fds[1].revents != 0) return;
    if ((fds[0].revents & POLLIN) == 0) continue;
    int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    Serve(fd);
    close(fd);
  }
}

void ControlSocket::Serve(int fd) const {
  std::string line;
  if (!ReadLine(fd, kRequestTimeoutSeconds * 1000, &line)) {
    SendAll(fd, ErrorReply("expected one request line of at most 4 KiB within 5 s") + "\n");
    return;
  }
  SendAll(fd, handler_(line) + "\n");
}

std::string HandleControlRequest(const BackupFn& backup, std::string_view request) {
  auto j = nlohmann::json::parse(request, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return ErrorReply("the request is not a JSON object");
  auto op = j.find("op");
  auto to = j.find("to");
  if (op == j.end() || *op != "backup") return ErrorReply("unknown op; known: backup");
  if (to == j.end() || !to->is_string() || !to->get<std::string>().starts_with("/")) {
    return ErrorReply("backup needs \"to\": an absolute path");
  }
  uint64_t position = 0;
  Status s = backup(to->get<std::string>(), &position);
  if (!s.ok()) return ErrorReply(s.ToString());
  return nlohmann::json{{"ok", true}, {"position", position}}.dump();
}

Status RequestBackup(const std::string& socket_path, const std::string& to,
                     std::chrono::milliseconds timeout, uint64_t* position) {
  sockaddr_un addr;
  if (!SocketAddress(socket_path, &addr)) {
    return Status::InvalidArgument("control socket path too long: " + socket_path);
  }
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Errno("control socket");
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    Status s = Status::Unavailable("no server answers on " + socket_path + ": " +
                                       std::strerror(errno), "no_server");
    close(fd);
    return s;
  }
  std::string reply;
  const std::string request = nlohmann::json{{"op", "backup"}, {"to", to}}.dump() + "\n";
  const bool answered = SendAll(fd, request) &&
                        ReadLine(fd, static_cast<int>(timeout.count()), &reply);
  close(fd);
  if (!answered) return Status::Unavailable("the server did not answer on " + socket_path);
  auto j = nlohmann::json::parse(reply, nullptr, /*allow_exceptions=*/false);
  auto ok = j.is_object() ? j.find("ok") : j.end();
  if (ok == j.end() || !ok->is_boolean()) {
    return Status::Internal("the server's reply is not understood: " + reply);
  }
  if (!ok->get<bool>()) {
    auto error = j.find("error");
    return Status::IOError(error != j.end() && error->is_string() ? error->get<std::string>()
                                                                   : reply);
  }
  auto p = j.find("position");
  *position = p != j.end() && p->is_number_unsigned() ? p->get<uint64_t>() : 0;
  return Status::OK();
}

}  // namespace orgd::http
