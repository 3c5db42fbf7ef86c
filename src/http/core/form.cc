#include "src/http/core/form.h"

#include <nlohmann/json.hpp>


namespace orgd::http {
namespace {

Status BadBody(std::string what) { return Status::InvalidArgument(std::move(what), "bad_body"); }

std::string_view TrimSpace(std::string_view v) {
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
  return v;
}

// The value of a parameter of a header ("multipart/form-data; boundary=x",
// `form-data; name="a"`), unquoted; empty when absent.
std::string_view HeaderParam(std::string_view header, std::string_view name) {
  size_t at = 0;
  while ((at = header.find(';', at)) != std::string_view::npos) {
    std::string_view rest = TrimSpace(header.substr(++at));
    if (rest.size() > name.size() && EqualsIgnoreCase(rest.substr(0, name.size()), name) &&
        rest[name.size()] == '=') {
      std::string_view v = rest.substr(name.size() + 1);
      if (!v.empty() && v.front() == '"') {
        const size_t end = v.find('"', 1);
        return end == std::string_view::npos ? std::string_view() : v.substr(1, end - 1);
      }
      return v.substr(0, v.find(';'));
    }
  }
  return {};
}

}  // namespace

Status FormFields::AddUrlEncoded(std::string_view text) {
  while (!text.empty()) {
    const size_t amp = text.find('&');
    std::string_view pair = text.substr(0, amp);
    text = amp == std::string_view::npos ? std::string_view() : text.substr(amp + 1);
    if (pair.empty()) continue;
    const size_t eq = pair.find('=');
    std::string key, value;
    if (!PercentDecode(pair.substr(0, eq), &key, /*plus_is_space=*/true) ||
        (eq != std::string_view::npos &&
         !PercentDecode(pair.substr(eq + 1), &value, /*plus_is_space=*/true))) {
      return BadBody("a form field has a bad %-escape");
    }
    Add(std::move(key), std::move(value));
  }
  return Status::OK();
}

Status FormFields::AddMultipart(std::string_view body, std::string_view content_type) {
  const std::string_view boundary = HeaderParam(content_type, "boundary");
  if (boundary.empty() || boundary.size() > 200) return BadBody("multipart body without a boundary");
  const std::string delimiter = "--" + std::string(boundary);
  size_t at = body.find(delimiter);
  if (at == std::string_view::npos) return BadBody("multipart body without its boundary");
  for (;;) {
    at += delimiter.size();
    if (body.substr(at, 2) == "--") return Status::OK();  // the closing delimiter
    if (body.substr(at, 2) != "\r\n") return BadBody("multipart boundary not followed by CRLF");
    at += 2;
    const size_t head_end = body.find("\r\n\r\n", at);
    if (head_end == std::string_view::npos) return BadBody("multipart part without headers' end");
    std::string_view head = body.substr(at, head_end - at);
    const size_t next = body.find("\r\n" + delimiter, head_end + 4);
    if (next == std::string_view::npos) return BadBody("multipart part without its end");
    std::string_view name;
    while (!head.empty()) {
      const size_t eol = head.find("\r\n");
      std::string_view line = head.substr(0, eol);
      head = eol == std::string_view::npos ? std::string_view() : head.substr(eol + 2);
      constexpr std::string_view kDisposition = "content-disposition:";
      if (line.size() > kDisposition.size() &&
          EqualsIgnoreCase(line.substr(0, kDisposition.size()), kDisposition)) {
        name = HeaderParam(line, "name");
      }
    }
    if (name.empty()) return BadBody("multipart part without a name");
    Add(std::string(name), std::string(body.substr(head_end + 4, next - head_end - 4)));
    at = next + 2;
  }
}

Status FormFields::AddJson(std::string_view body) {
  nlohmann::json j = nlohmann::json::parse(body, nullptr, false);
  if (!j.is_object()) return BadBody("the body must be a JSON object");
  auto text = [](const nlohmann::json& v, std::string* out) {
    if (v.is_string()) {
      *out = v.get<std::string>();
    } else if (v.is_number() || v.is_boolean()) {
      *out = v.dump();
    } else {
      return false;
    }
    return true;
  };
  for (auto& [key, value] : j.items()) {
    std::string t;
    if (value.is_array()) {
      for (const auto& e : value) {
        if (text(e, &t)) Add(key, t);
      }
    } else if (text(value, &t)) {
      Add(key, t);
    }
  }
  return Status::OK();
}

Status FormFields::Parse(const HttpRequest& req, bool with_query, FormFields* out) {
  *out = FormFields();
  if (with_query) ORGD_RETURN_IF_ERROR(out->AddUrlEncoded(req.Query()));
  std::string_view body = req.body;
  if (TrimSpace(body).empty()) return Status::OK();
  const std::string_view type = req.Header("Content-Type").value_or("");
  const std::string_view mime = TrimSpace(type.substr(0, type.find(';')));
  if (EqualsIgnoreCase(mime, "multipart/form-data")) return out->AddMultipart(body, type);
  if (EqualsIgnoreCase(mime, "application/x-www-form-urlencoded")) {
    return out->AddUrlEncoded(body);
  }
  if (EqualsIgnoreCase(mime, "application/json") || (mime.empty() && TrimSpace(body)[0] == '{')) {
    return out->AddJson(body);
  }
  if (mime.empty()) return out->AddUrlEncoded(body);
  return Status::InvalidArgument("unsupported Content-Type '" + std::string(mime) + "'",
                                 "unsupported_media_type");
}

std::optional<std::string> FormFields::Get(std::string_view key) const {
  for (const auto& [k, v] : fields_) {
    if (k == key) return v;
  }
  return std::nullopt;
}

std::vector<std::string> FormFields::All(std::string_view key) const {
  std::vector<std::string> out;
  for (const auto& [k, v] : fields_) {
    if (k == key) out.push_back(v);
  }
  return out;
}

}  // namespace orgd::http
