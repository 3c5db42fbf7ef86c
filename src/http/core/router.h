// Router: maps a method and a path to a named route and its path parameters.
//
// Patterns are literal segments and "{param}" segments: "/api/v1/orgs/{org}".
// Routes are added before serving starts; after that a Router is immutable
// and Match() is safe from any thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace orgd::http {

class Router {
 public:
  // Registers method + pattern under id (a small integer the caller chooses)
  // and name (the route's label in metrics: the pattern itself is a good one).
  void Add(std::string_view method, std::string_view pattern, int id);

  struct Match {
    enum class Kind { kFound, kNoRoute, kWrongMethod, kBadPath } kind = Kind::kNoRoute;
    int id = -1;
    std::string_view pattern;         // the matched pattern (kFound, kWrongMethod), the router's
    std::vector<std::string> params;  // percent-decoded, in pattern order
    std::string allow;                // kWrongMethod: "GET, POST"
  };
  Match Find(std::string_view method, std::string_view path) const;

 private:
  struct Route {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;  // "{}" marks a parameter
    int id;
  };
  std::vector<Route> routes_;
};

}  // namespace orgd::http
