// GET /api/v1/openapi.json: the OpenAPI 3.1 document of the native API.
//
// The document is docs/openapi.json, embedded at build time as a byte array
// (cmake/embed_file.cmake writes openapi_document.cc in the build tree), so
// what is served is always the file in docs/. tests/http/openapi_test.cc
// checks it against the routes registered here.
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

#include "src/http/native/native.h"

namespace orgd::embedded {
extern const unsigned char kOpenApiJson[];
extern const std::size_t kOpenApiJson_size;
}  // namespace orgd::embedded

namespace orgd::http {
namespace {

std::string_view OpenApiDocument() {
  return {reinterpret_cast<const char*>(embedded::kOpenApiJson), embedded::kOpenApiJson_size};
}

}  // namespace

void RegisterOpenApiRoutes(Api& api) {
  const Surface* native = &NativeSurface();
  api.Add(native, "GET", "/api/v1/openapi.json", RoutePolicy::Public(), [](Call c) {
    HttpResponse r;
    r.content_type = "application/json";
    r.body = std::string(OpenApiDocument());
    r.AddHeader("Cache-Control", "no-cache");
    c.reply(std::move(r));
  });
}

}  // namespace orgd::http
