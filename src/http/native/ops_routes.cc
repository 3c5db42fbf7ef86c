// Operations endpoints: /healthz, /readyz, /metrics.
#include <nlohmann/json.hpp>

#include "common/time_util.h"
#include "src/commands/core/writer.h"
#include "src/http/native/native.h"
#include "src/queries/read_views.h"

namespace orgd::http {

namespace {

HttpResponse StatusJson(int code, std::string_view status) {
  HttpResponse r;
  r.status = code;
  r.body = "{\"status\":\"" + std::string(status) + "\"}";
  return r;
}

// Alive: the process answers.
HttpResponse Healthz() { return StatusJson(200, "ok"); }

// Ready: worth sending work to. Not while draining, nor while the writer
// refuses writes; then the body says why and whether it ends by itself:
//   {"status":"recovering","reason":"no_space","since":"...",
//    "reads":"ok","writes":"refused until the disk has room"}
//   {"status":"read_only", ... "writes":"refused until orgd is restarted"}
// Anyone may ask, so the storage error itself stays in the log (the writer
// logs it when the state begins); the reply has only its code.
HttpResponse Readyz(const Api& api) {
  if (api.draining()) return StatusJson(503, "draining");
  const Writer& writer = api.writer();
  if (writer.stats().state.load(std::memory_order_acquire) == WriterState::kHealthy) {
    return StatusJson(200, "ready");
  }
  const WriterHealth h = writer.health();
  HttpResponse r;
  r.status = 503;
  r.body = nlohmann::json{{"status", WriterStateName(h.state)},
                          {"reason", h.reason},
                          {"since", FormatIsoMs(h.since_ms)},
                          {"reads", "ok"},
                          {"writes", h.state == WriterState::kRecovering
                                         ? "refused until the disk has room"
                                         : "refused until orgd is restarted"}}
               .dump();
  return r;
}

HttpResponse Metrics(Api& api) {
  std::string out;
  out.reserve(16 * 1024);
  api.latency().Render("orgd_http_request_duration_seconds", &out);

  const WriterStats& w = api.writer().stats();
  RenderType("orgd_writer_batch_size", "histogram", &out);
  w.batch_size.Render("orgd_writer_batch_size", "", &out);
  RenderType("orgd_writer_commit_seconds", "histogram", &out);
  w.commit_seconds.Render("orgd_writer_commit_seconds", "", &out);
  RenderType("orgd_writer_commands_total", "counter", &out);
  RenderSample("orgd_writer_commands_total", "", static_cast<double>(w.commands.load()), &out);
  RenderType("orgd_writer_failed_commits_total", "counter", &out);
  RenderSample("orgd_writer_failed_commits_total", "", static_cast<double>(w.failed_commits.load()),
               &out);
  RenderType("orgd_writer_refused_total", "counter", &out);
  RenderSample("orgd_writer_refused_total", "", static_cast<double>(w.refused.load()), &out);
  RenderType("orgd_writer_recoveries_total", "counter", &out);
  RenderSample("orgd_writer_recoveries_total", "", static_cast<double>(w.recoveries.load()), &out);
  RenderType("orgd_writer_state", "gauge", &out);
  const WriterState state = w.state.load();
  for (WriterState s : {WriterState::kHealthy, WriterState::kRecovering, WriterState::kReadOnly}) {
    RenderSample("orgd_writer_state", "state=\"" + std::string(WriterStateName(s)) + "\"",
                 s == state ? 1.0 : 0.0, &out);
  }
  RenderType("orgd_writer_queue_depth", "gauge", &out);
  RenderSample("orgd_writer_queue_depth", "", static_cast<double>(w.queue_depth.load()), &out);

  RenderType("orgd_log_position", "gauge", &out);
  RenderSample("orgd_log_position", "", static_cast<double>(api.views().last_position()), &out);

  const ConnectionStats& connections = api.connection_stats();
  RenderType("orgd_http_connections_open", "gauge", &out);
  RenderSample("orgd_http_connections_open", "", static_cast<double>(connections.open.load()), &out);
  RenderType("orgd_http_connections_accepted_total", "counter", &out);
  RenderSample("orgd_http_connections_accepted_total", "",
               static_cast<double>(connections.accepted.load()), &out);
  RenderType("orgd_http_connections_rejected_total", "counter", &out);
  RenderSample("orgd_http_connections_rejected_total", "",
               static_cast<double>(connections.rejected.load()), &out);

  HttpResponse r;
  r.content_type = "text/plain; version=0.0.4";
  r.body = std::move(out);
  return r;
}

}  // namespace

void RegisterOpsRoutes(Api& api) {
  const Surface* native = &NativeSurface();
  const auto open = RoutePolicy::Public();
  api.Add(native, "GET", "/healthz", open, [](Call c) { c.reply(Healthz()); });
  api.Add(native, "GET", "/readyz", open, [&api](Call c) { c.reply(Readyz(api)); });
  api.Add(native, "GET", "/metrics", open, [&api](Call c) { c.reply(Metrics(api)); });
}

}  // namespace orgd::http
