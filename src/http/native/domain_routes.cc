// An org's DNS domains: /api/v1/orgs/{org}/domains (claimed and released by
// members holding "manage_domains", verified by a site admin) and
// /api/v1/domains/{domain} (which org answers for a host name: the one that
// verified it, else the nearest verified wildcard).
#include <nlohmann/json.hpp>

#include "common/random.h"
#include "src/commands/core/command.h"
#include "src/commands/domains/commands.h"
#include "src/http/core/errors.h"
#include "src/http/native/json_body.h"
#include "src/http/native/native.h"
#include "src/queries/read_views.h"

namespace orgd::http {
namespace {

using nlohmann::json;

constexpr size_t kDefaultPage = 100;
constexpr size_t kMaxPage = 1000;
constexpr std::string_view kVerifySuffix = ":verify";
// What the org publishes in DNS: "orgd-verification=<token>".
constexpr size_t kVerificationTokenChars = 32;

HttpResponse JsonReply(int status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

// POST /orgs/{org}/domains {domain}
void ClaimRoute(Api& api, Call call) {
  json j;
  ClaimDomain c;
  c.org = call.params[0];
  std::string domain;
  bool has_domain = false;
  Status s = ParseBodyObject(call.req.body, &j);
  for (auto it = j.begin(); s.ok() && it != j.end(); ++it) {
    if (it.key() == "domain") {
      s = ReadString(it.key(), *it, &domain);
      has_domain = true;
    } else {
      s = UnknownFieldError(it.key(), "domain");
    }
  }
  if (s.ok() && !has_domain) s = Status::InvalidArgument("'domain' is required", "missing_field");
  if (s.ok()) s = NormalizeDomain(domain, /*allow_wildcard=*/true, &c.domain);
  c.verification_token = "orgd-verification=" + RandomBase62(kVerificationTokenChars);
  if (s.ok()) s = Validate(c);
  if (!s.ok()) return call.Fail(s);
  api.SubmitCommand(std::move(call), Command{{}, std::move(c)}, ResponseFor);
}

// GET /orgs/{org}/domains?limit=&after=
void ListRoute(const Api& api, Call call) {
  const std::string_view q = call.req.Query();
  size_t limit = 0;
  std::string after;
  Status s = LimitParam(q, "limit", kDefaultPage, kMaxPage, &limit);
  if (s.ok()) s = TextParam(q, "after", &after);
  if (s.ok() && after.size() > 253) {
    s = Status::InvalidArgument("after must be the 'next' of a previous page", "bad_cursor");
  }
  OrgRecord org;
  if (s.ok()) s = api.views().FindOrg(call.params[0], &org);
  if (s.IsNotFound()) s = Status::NotFound("no org '" + call.params[0] + "'", "unknown_org");
  DomainReader::Page page;
  if (s.ok()) s = api.views().ListDomains(org.id, after, limit, &page);
  if (!s.ok()) return call.Fail(s);
  std::string body = "{\"domains\":[";
  for (size_t i = 0; i < page.domains.size(); ++i) {
    if (i) body += ',';
    body += DomainJson(page.domains[i]);
  }
  body += "],\"limit\":" + std::to_string(limit) +
          ",\"next\":" + (page.next.empty() ? std::string("null") : DumpJson(json(page.next))) +
          "}";
  call.reply(JsonReply(200, std::move(body)));
}

// POST /orgs/{org}/domains/{domain}:verify (the router sees one segment).
void VerifyRoute(Api& api, Call call) {
  const std::string& segment = call.params[1];
  if (!segment.ends_with(kVerifySuffix)) {
    return call.Fail(Status::NotFound(
        "no route POST /api/v1/orgs/" + call.params[0] + "/domains/" + segment, "no_route"));
  }
  VerifyDomain c;
  c.org = call.params[0];
  Status s =
      NormalizeDomain(std::string_view(segment).substr(0, segment.size() - kVerifySuffix.size()),
                      /*allow_wildcard=*/true, &c.domain);
  if (s.ok()) s = Validate(c);
  if (!s.ok()) return call.Fail(s);
  api.SubmitCommand(std::move(call), Command{{}, std::move(c)}, ResponseFor);
}

void ReleaseRoute(Api& api, Call call) {
  ReleaseDomain c;
  c.org = call.params[0];
  Status s = NormalizeDomain(call.params[1], /*allow_wildcard=*/true, &c.domain);
  if (s.ok()) s = Validate(c);
  if (!s.ok()) return call.Fail(s);
  api.SubmitCommand(std::move(call), Command{{}, std::move(c)}, ResponseFor);
}

// GET /domains/{domain}: {domain, org_id, org, matched}.
void ResolveRoute(const Api& api, Call call) {
  std::string host;
  Status s = NormalizeDomain(call.params[0], /*allow_wildcard=*/false, &host);
  DomainMatch m;
  if (s.ok()) s = api.views().ResolveDomain(host, &m);
  OrgRecord org;
  if (s.ok()) s = api.views().FindOrg(std::to_string(m.org_id), &org);
  if (s.IsNotFound()) {
    s = Status::NotFound("no org verified '" + host + "' or a wildcard of it", "unknown_domain");
  }
  if (!s.ok()) return call.Fail(s);
  call.reply(JsonReply(
      200, DumpJson(json{
               {"domain", host}, {"org_id", org.id}, {"org", org.name}, {"matched", m.matched}})));
}

}  // namespace

void RegisterDomainRoutes(Api& api) {
  const Surface* native = &NativeSurface();
  using P = RoutePolicy;
  const std::string org = "/api/v1/orgs/{org}/domains";
  api.Add(native, "POST", org, P::OrgCapability("manage_domains"),
          [&api](Call c) { ClaimRoute(api, std::move(c)); });
  api.Add(native, "GET", org, P::OrgCapability("view_org"),
          [&api](Call c) { ListRoute(api, std::move(c)); });
  api.Add(native, "DELETE", org + "/{domain}", P::OrgCapability("manage_domains"),
          [&api](Call c) { ReleaseRoute(api, std::move(c)); });
  // "{domain}:verify": a site admin confirms the claim.
  api.Add(native, "POST", org + "/{domain}", P::SiteAdmin(),
          [&api](Call c) { VerifyRoute(api, std::move(c)); });
  api.Add(native, "GET", "/api/v1/domains/{domain}", P::AnyCredential(),
          [&api](Call c) { ResolveRoute(api, std::move(c)); });
}

}  // namespace orgd::http
