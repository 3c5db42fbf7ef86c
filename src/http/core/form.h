// The named text fields a request carries, whatever its form: the query
// string, and a body that is application/x-www-form-urlencoded,
// multipart/form-data or a JSON object. For the compat surfaces, whose
// products accept all of them (Django REST framework, EduBase). Plain values.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"
#include "src/http/core/message.h"

namespace orgd::http {

class FormFields {
 public:
  // Reads the query string's fields (when with_query) and then the body's,
  // by its Content-Type; a body without one is read as JSON when it starts
  // with '{', else as urlencoded. In a JSON object a string is its text, a
  // number or boolean its JSON text, each element of an array one value of
  // the key; null and nested objects are left out. InvalidArgument "bad_body"
  // for a body that is not what its type says.
  static Status Parse(const HttpRequest& req, bool with_query, FormFields* out);

  // The key's first value; nullopt when absent.
  std::optional<std::string> Get(std::string_view key) const;
  // Every value of the key, in order.
  std::vector<std::string> All(std::string_view key) const;
  bool Has(std::string_view key) const { return Get(key).has_value(); }

  void Add(std::string key, std::string value) {
    fields_.emplace_back(std::move(key), std::move(value));
  }

 private:
  Status AddUrlEncoded(std::string_view text);
  Status AddMultipart(std::string_view body, std::string_view content_type);
  Status AddJson(std::string_view body);

  std::vector<std::pair<std::string, std::string>> fields_;
};

}  // namespace orgd::http
