#include "src/http/core/router.h"

#include "src/http/core/message.h"

namespace orgd::http {

namespace {

std::vector<std::string_view> Split(std::string_view path) {
  std::vector<std::string_view> out;
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  while (true) {
    size_t slash = path.find('/');
    out.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

}  // namespace

void Router::Add(std::string_view method, std::string_view pattern, int id) {
  Route r{std::string(method), std::string(pattern), {}, id};
  for (std::string_view seg : Split(pattern)) {
    bool param = seg.size() >= 2 && seg.front() == '{' && seg.back() == '}';
    r.segments.emplace_back(param ? "{}" : std::string(seg));
  }
  routes_.push_back(std::move(r));
}

Router::Match Router::Find(std::string_view method, std::string_view path) const {
  Match m;
  if (path.empty() || path.front() != '/') {
    m.kind = Match::Kind::kBadPath;
    return m;
  }
  std::vector<std::string_view> segs = Split(path);
  for (const Route& r : routes_) {
    if (r.segments.size() != segs.size()) continue;
    std::vector<std::string> params;
    bool ok = true;
    for (size_t i = 0; i < segs.size() && ok; ++i) {
      if (r.segments[i] == "{}") {
        std::string decoded;
        if (segs[i].empty() || !PercentDecode(segs[i], &decoded)) {
          ok = false;
        } else {
          params.push_back(std::move(decoded));
        }
      } else {
        ok = r.segments[i] == segs[i];
      }
    }
    if (!ok) continue;
    if (r.method != method) {
      m.kind = Match::Kind::kWrongMethod;
      m.pattern = r.pattern;
      if (!m.allow.empty()) m.allow += ", ";
      m.allow += r.method;
      continue;
    }
    m.kind = Match::Kind::kFound;
    m.id = r.id;
    m.pattern = r.pattern;
    m.params = std::move(params);
    m.allow.clear();
    return m;
  }
  return m;
}

}  // namespace orgd::http
