// The only translation unit of the library that includes Beast and Asio.
#include "src/http/core/server.h"

#include <array>
#include <atomic>
#include <charconv>
#include <future>
#include <mutex>
#include <optional>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/status.hpp>
#include <spdlog/spdlog.h>
#include <thread>
#include <vector>

#include "src/http/core/api.h"
#include "src/http/core/errors.h"

// GCC 12 takes the frames of coroutines that await asio::async_write for
// memory from the wrong allocator: Asio allocates and frees them with its own
// operator new and delete (thread_info_base's recycling cache), which GCC
// reads across inlining as a mismatch. A false positive; clang is quiet.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

namespace orgd::http {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;

namespace {

constexpr auto kUseTuple = net::as_tuple(net::use_awaitable);

// Where the Api's reply meets the session waiting for it. Reads are answered
// inside Api::Handle, and the session takes the reply without suspending;
// writes are answered later from the writer thread, and the session waits.
class Rendezvous {
 public:
  void Deliver(HttpResponse r) {
    std::unique_lock lock(mu_);
    if (waiter_) {
      auto waiter = std::move(waiter_);
      lock.unlock();
      waiter(std::move(r));
      return;
    }
    result_ = std::move(r);
  }
  std::optional<HttpResponse> Take() {
    std::lock_guard lock(mu_);
    return std::exchange(result_, std::nullopt);
  }
  // Completes with the reply on the executor of the awaiting coroutine.
  template <typename Token>
  auto AsyncWait(Token&& token) {
    return net::async_initiate<Token, void(HttpResponse)>(
        [this](auto handler) {
          auto shared = std::make_shared<decltype(handler)>(std::move(handler));
          auto resume = [shared](HttpResponse res) {
            auto ex = net::get_associated_executor(*shared);
            net::post(ex, [shared, res = std::move(res)]() mutable { (*shared)(std::move(res)); });
          };
          std::unique_lock lock(mu_);
          if (result_) {
            HttpResponse r = std::move(*result_);
            result_.reset();
            lock.unlock();
            resume(std::move(r));
          } else {
            waiter_ = std::move(resume);
          }
        },
        token);
  }

 private:
  std::mutex mu_;
  std::optional<HttpResponse> result_;
  std::function<void(HttpResponse)> waiter_;
};

// The reply to req. rv is the connection's, idle between requests.
net::awaitable<HttpResponse> Answer(Api* api, const std::shared_ptr<Rendezvous>& rv,
                                    HttpRequest req) {
  api->Handle(std::move(req), [rv](HttpResponse r) { rv->Deliver(std::move(r)); });
  if (auto r = rv->Take()) co_return std::move(*r);
  co_return co_await rv->AsyncWait(net::use_awaitable);
}

HttpRequest FromBeast(bhttp::request<bhttp::string_body>&& in) {
  HttpRequest req;
  req.method = std::string(in.method_string());
  req.target = std::string(in.target());
  req.headers.reserve(8);
  for (const auto& field : in) {
    req.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  req.body = std::move(in.body());
  return req;
}

// A reply on the wire: its status line and header block, rendered into a
// string the session reuses, and the body, written behind it in one gather
// write. The same bytes Beast's serializer writes for such a response, with
// no field list built per request.
struct WireReply {
  std::string head;
  std::string body;

  // Renders r for a request of HTTP version (10 or 11), taking its body.
  void Set(HttpResponse&& r, unsigned version, bool keep_alive) {
    head.clear();
    head.append(version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ");
    AppendNumber(static_cast<unsigned>(r.status));
    head.push_back(' ');
    head.append(bhttp::obsolete_reason(static_cast<bhttp::status>(r.status)));
    head.append("\r\nServer: orgd\r\n");
    if (!r.body.empty()) AppendField("Content-Type", r.content_type);
    for (const auto& [name, value] : r.headers) AppendField(name, value);
    // RFC 9110 §8.6: never a Content-Length on a 204 (nor on a 304 here).
    if (r.status != 204 && r.status != 304) {
      head.append("Content-Length: ");
      AppendNumber(r.body.size());
      head.append("\r\n");
    }
    if (version >= 11 && !keep_alive) head.append("Connection: close\r\n");
    if (version < 11 && keep_alive) head.append("Connection: keep-alive\r\n");
    head.append("\r\n");
    body = std::move(r.body);
  }
  std::array<net::const_buffer, 2> Buffers() const { return {net::buffer(head), net::buffer(body)}; }
  std::string Bytes() const { return head + body; }

 private:
  void AppendNumber(size_t n) {
    char digits[24];
    auto [end, ec] = std::to_chars(digits, digits + sizeof digits, n);
    head.append(digits, end);
  }
  // A header line; a CR or LF in a value (never put there on purpose) is
  // dropped so that no value can split the header block.
  void AppendField(std::string_view name, std::string_view value) {
    head.append(name).append(": ");
    for (char c : value) {
      if (c != '\r' && c != '\n') head.push_back(c);
    }
    head.append("\r\n");
  }
};

// The reply for a request that could not be read, or nothing (just close).
std::optional<HttpResponse> ReadErrorResponse(const beast::error_code& ec) {
  if (ec == bhttp::error::header_limit) {
    return ErrorResponse(431, "headers_too_large", "request headers exceed the limit");
  }
  if (ec == bhttp::error::body_limit || ec == bhttp::error::buffer_overflow) {
    return ErrorResponse(413, "body_too_large", "request body exceeds the limit");
  }
  const beast::error_code eos = bhttp::error::end_of_stream;
  if (ec.category() == eos.category() && ec != eos && ec != bhttp::error::partial_message) {
    return ErrorResponse(400, "bad_request", "malformed HTTP request: " + ec.message());
  }
  return std::nullopt;  // closed, reset, timed out, cut short: nobody to answer
}

// The input limits of a request, the same for a socket and for ServeBytes.
void SetLimits(const ServerOptions& opt, bhttp::request_parser<bhttp::string_body>& parser) {
  parser.header_limit(static_cast<uint32_t>(opt.header_limit));
  parser.body_limit(opt.body_limit);
}

// Beast reads a request whose Transfer-Encoding does not end in chunked as
// one without a body (or with its Content-Length), and the body's bytes as the
// next request: a way to smuggle a request past a proxy that frames it the
// other way. RFC 9112 §6.3 asks for a 400 and a close instead.
beast::error_code CheckFraming(const bhttp::request_parser<bhttp::string_body>& parser) {
  const auto& fields = parser.get();
  if (!parser.chunked() && fields.find(bhttp::field::transfer_encoding) != fields.end()) {
    return bhttp::error::bad_transfer_encoding;
  }
  return {};
}

// Bounded: a pipelining client cannot make it grow past one full request.
beast::flat_buffer ReadBuffer(const ServerOptions& opt) {
  return beast::flat_buffer(opt.header_limit + opt.body_limit + 64 * 1024);
}

// A connection without a socket, for ServeBytes: reads hand out the input and
// then end of stream. A Beast SyncReadStream; not shareable.
class ByteStream {
 public:
  explicit ByteStream(std::string_view input) : input_(input) {}

  template <typename MutableBuffers>
  size_t read_some(const MutableBuffers& buffers, beast::error_code& ec) {
    ec = {};
    if (input_.empty()) {
      ec = net::error::eof;
      return 0;
    }
    size_t n = net::buffer_copy(buffers, net::buffer(input_.data(), input_.size()));
    input_.remove_prefix(n);
    return n;
  }
  template <typename MutableBuffers>
  size_t read_some(const MutableBuffers& buffers) {
    beast::error_code ec;
    size_t n = read_some(buffers, ec);
    if (ec) throw beast::system_error(ec);
    return n;
  }
 private:
  std::string_view input_;  // not yet read
};

}  // namespace

std::vector<std::unique_ptr<net::io_context>> MakeContexts(int n) {
  std::vector<std::unique_ptr<net::io_context>> out;
  for (int i = 0; i < std::max(1, n); ++i) out.push_back(std::make_unique<net::io_context>(1));
  return out;
}

struct Server::Impl {
  Impl(Api* a, ServerOptions o) : api(a), opt(std::move(o)) {}

  net::awaitable<void> AcceptLoop();
  net::awaitable<void> Session(beast::tcp_stream stream);
  net::awaitable<void> Refuse(beast::tcp_stream stream);
  net::awaitable<void> WaitDrained();
  // Reads one request into parser; the error, if any.
  net::awaitable<beast::error_code> ReadRequest(beast::tcp_stream& stream, beast::flat_buffer& buffer,
                                                bhttp::request_parser<bhttp::string_body>& parser);
  // Ends the stream after the last reply, then reads and drops what the
  // client still sends (at most max_bytes, for at most limit) before closing.
  net::awaitable<void> LingeringClose(beast::tcp_stream& stream, size_t max_bytes,
                                      std::chrono::milliseconds limit);
  void BeginDrain();

  Api* const api;
  const ServerOptions opt;
  // One single-threaded io_context per thread: a connection lives on one of
  // them for good, so sessions need no strand and the schedulers no locks.
  // The first also runs the acceptor, the signals and the drain.
  std::vector<std::unique_ptr<net::io_context>> contexts = MakeContexts(opt.threads);
  net::io_context& control = *contexts[0];
  size_t next_context = 0;  // round robin of accepted sockets; control only
  tcp::acceptor acceptor{control};
  net::signal_set signals{control};
  std::atomic<int64_t> in_flight{0};
  std::atomic<bool> draining{false};
  std::atomic<uint16_t> port{0};
};

Server::Server(Api* api, ServerOptions options)
    : impl_(std::make_unique<Impl>(api, std::move(options))) {}

Server::~Server() {
  for (auto& c : impl_->contexts) c->stop();
}

Status Server::Listen() {
  beast::error_code ec;
  auto address = net::ip::make_address(impl_->opt.host, ec);
  if (ec) return Status::InvalidArgument("bad listen address '" + impl_->opt.host + "'");
  tcp::endpoint endpoint{address, impl_->opt.port};
  tcp::acceptor& a = impl_->acceptor;
  a.open(endpoint.protocol(), ec);
  if (!ec) a.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) a.bind(endpoint, ec);
  if (!ec) a.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    return Status::Unavailable("cannot listen on " + impl_->opt.host + ":" +
                               std::to_string(impl_->opt.port) + ": " + ec.message());
  }
  impl_->port = a.local_endpoint().port();
  return Status::OK();
}

uint16_t Server::port() const { return impl_->port.load(); }

void Server::Run() {
  Impl& s = *impl_;
  if (s.opt.handle_signals) {
    s.signals.add(SIGTERM);
    s.signals.add(SIGINT);
    s.signals.async_wait([&s](const beast::error_code& ec, int sig) {
      if (ec) return;
      spdlog::info("signal {}: draining", sig);
      s.BeginDrain();
    });
  }
  net::co_spawn(s.control, s.AcceptLoop(), net::detached);
  // Keeps the other contexts running while they have no connection yet.
  std::vector<net::executor_work_guard<net::io_context::executor_type>> work;
  std::vector<std::thread> threads;
  for (size_t i = 1; i < s.contexts.size(); ++i) {
    work.push_back(net::make_work_guard(*s.contexts[i]));
    threads.emplace_back([c = s.contexts[i].get()] { c->run(); });
  }
  s.control.run();
  for (auto& t : threads) t.join();
}

void Server::Stop() {
  net::post(impl_->control, [s = impl_.get()] { s->BeginDrain(); });
}

void Server::Impl::BeginDrain() {
  if (draining.exchange(true)) return;
  api->SetDraining();
  beast::error_code ec;
  acceptor.close(ec);
  signals.cancel(ec);
  net::co_spawn(control, WaitDrained(), net::detached);
}

net::awaitable<void> Server::Impl::WaitDrained() {
  auto deadline = std::chrono::steady_clock::now() + opt.drain_timeout;
  net::steady_timer timer(co_await net::this_coro::executor);
  while (in_flight.load() > 0 && std::chrono::steady_clock::now() < deadline) {
    timer.expires_after(std::chrono::milliseconds(5));
    co_await timer.async_wait(kUseTuple);
  }
  if (in_flight.load() > 0) spdlog::warn("drain timed out with {} requests in flight", in_flight.load());
  for (auto& c : contexts) c->stop();
}

net::awaitable<void> Server::Impl::AcceptLoop() {
  for (;;) {
    net::io_context& home = *contexts[next_context++ % contexts.size()];
    auto [ec, socket] = co_await acceptor.async_accept(home, kUseTuple);
    if (ec) {
      if (!acceptor.is_open() || ec == net::error::operation_aborted) co_return;
      spdlog::warn("accept: {}", ec.message());
      // Out of descriptors or similar: let the condition pass before retrying.
      net::steady_timer pause(co_await net::this_coro::executor, std::chrono::milliseconds(50));
      co_await pause.async_wait(kUseTuple);
      continue;
    }
    ConnectionStats& stats = api->connection_stats();
    auto executor = socket.get_executor();
    if (stats.open.load() >= static_cast<int64_t>(opt.max_connections)) {
      ++stats.rejected;
      net::co_spawn(executor, Refuse(beast::tcp_stream(std::move(socket))), net::detached);
      continue;
    }
    ++stats.open;
    ++stats.accepted;
    net::co_spawn(executor, Session(beast::tcp_stream(std::move(socket))), net::detached);
  }
}

net::awaitable<void> Server::Impl::Refuse(beast::tcp_stream stream) {
  WireReply res;
  res.Set(ErrorResponse(503, "too_many_connections", "too many open connections"), 11, false);
  stream.expires_after(std::chrono::seconds(1));
  co_await net::async_write(stream, res.Buffers(), kUseTuple);
  // Not counted among the connections, so it must not linger; but a request
  // that has arrived already is dropped, so that the close does not reset
  // the connection under a client that sent one at once (see LingeringClose).
  tcp::socket& socket = stream.socket();
  beast::error_code ec;
  socket.shutdown(tcp::socket::shutdown_send, ec);
  char sink[4096];
  size_t dropped = 0;
  while (!ec && dropped < opt.header_limit && socket.available(ec) > 0) {
    dropped += socket.read_some(net::buffer(sink), ec);
  }
}

net::awaitable<void> Server::Impl::LingeringClose(beast::tcp_stream& stream, size_t max_bytes,
                                                  std::chrono::milliseconds limit) {
  // Closing a socket with unread input resets the connection, and a client
  // still sending (a request refused after its head, or requests pipelined
  // behind the last reply) would see the reset, not the reply, or lose the
  // reply with it (RFC 9112 §9.6). So the server half-closes and drops the
  // rest, within bounds, so that no client can hold the connection this way.
  beast::error_code ec;
  stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  if (ec) co_return;  // already closed (a timeout) or reset
  stream.expires_after(limit);
  char sink[4096];
  for (size_t dropped = 0; dropped < max_bytes;) {
    auto [rec, n] = co_await stream.async_read_some(net::buffer(sink), kUseTuple);
    if (rec) break;  // the client's end of stream, a reset, or the limit
    dropped += n;
  }
}

net::awaitable<beast::error_code> Server::Impl::ReadRequest(
    beast::tcp_stream& stream, beast::flat_buffer& buffer,
    bhttp::request_parser<bhttp::string_body>& parser) {
  SetLimits(opt, parser);
  stream.expires_after(opt.idle_timeout);
  auto [ec, n] = co_await bhttp::async_read_header(stream, buffer, parser, kUseTuple);
  if (!ec) ec = CheckFraming(parser);
  if (!ec && !parser.is_done()) {
    stream.expires_after(opt.read_timeout);
    std::tie(ec, n) = co_await bhttp::async_read(stream, buffer, parser, kUseTuple);
  }
  co_return ec;
}

net::awaitable<void> Server::Impl::Session(beast::tcp_stream stream) {
  struct OpenGuard {
    ConnectionStats& stats;
    ~OpenGuard() { --stats.open; }
  } guard{api->connection_stats()};
  beast::flat_buffer buffer = ReadBuffer(opt);
  std::string peer;
  {
    beast::error_code pec;
    auto endpoint = stream.socket().remote_endpoint(pec);
    if (!pec) peer = endpoint.address().to_string();
  }
  auto rendezvous = std::make_shared<Rendezvous>();  // one a connection, reused
  WireReply out;
  for (;;) {
    bhttp::request_parser<bhttp::string_body> parser;
    beast::error_code ec = co_await ReadRequest(stream, buffer, parser);
    if (ec) {
      if (auto res = ReadErrorResponse(ec)) {
        api->Observe("unread", "other", res->status, 0);
        stream.expires_after(opt.read_timeout);
        out.Set(std::move(*res), 11, false);
        co_await net::async_write(stream, out.Buffers(), kUseTuple);
      }
      break;
    }
    bhttp::request<bhttp::string_body> beast_req = parser.release();
    const unsigned version = beast_req.version();
    bool keep_alive = beast_req.keep_alive();
    ++in_flight;
    HttpRequest req = FromBeast(std::move(beast_req));
    req.remote_address = peer;
    HttpResponse res = co_await Answer(api, rendezvous, std::move(req));
    keep_alive = keep_alive && !res.close && !draining.load();
    stream.expires_after(opt.read_timeout);
    out.Set(std::move(res), version, keep_alive);
    auto [wec, written] = co_await net::async_write(stream, out.Buffers(), kUseTuple);
    --in_flight;
    if (wec || !keep_alive) break;
  }
  // Bounded as reading a request is: one full request's bytes, in the read timeout.
  co_await LingeringClose(stream, buffer.max_size(), opt.read_timeout);
}

std::vector<std::string> ServeBytes(Api* api, std::string_view bytes,
                                    const ServerOptions& options) {
  ByteStream stream(bytes);
  beast::flat_buffer buffer = ReadBuffer(options);
  std::vector<std::string> responses;
  for (;;) {
    // As Session and ReadRequest, with blocking reads of the bytes.
    bhttp::request_parser<bhttp::string_body> parser;
    SetLimits(options, parser);
    beast::error_code ec;
    bhttp::read_header(stream, buffer, parser, ec);
    if (!ec) ec = CheckFraming(parser);
    if (!ec && !parser.is_done()) bhttp::read(stream, buffer, parser, ec);
    if (ec) {
      if (auto res = ReadErrorResponse(ec)) {
        api->Observe("unread", "other", res->status, 0);
        WireReply out;
        out.Set(std::move(*res), 11, false);
        responses.push_back(out.Bytes());
      }
      break;
    }
    bhttp::request<bhttp::string_body> beast_req = parser.release();
    const unsigned version = beast_req.version();
    bool keep_alive = beast_req.keep_alive();
    // The reply of a write comes from the writer thread, after Handle returned.
    auto done = std::make_shared<std::promise<HttpResponse>>();
    std::future<HttpResponse> reply = done->get_future();
    api->Handle(FromBeast(std::move(beast_req)),
                [done](HttpResponse r) { done->set_value(std::move(r)); });
    HttpResponse res = reply.get();
    keep_alive = keep_alive && !res.close;
    WireReply out;
    out.Set(std::move(res), version, keep_alive);
    responses.push_back(out.Bytes());
    if (!keep_alive) break;
  }
  return responses;
}

}  // namespace orgd::http
