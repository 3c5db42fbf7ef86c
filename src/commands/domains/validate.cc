// The stateless checks of the domain commands: the shape of a DNS name,
// before the command is queued.
#include "src/commands/domains/commands.h"

namespace orgd {
namespace {

constexpr size_t kMaxDomainChars = 253;
constexpr size_t kMaxLabelChars = 63;
constexpr size_t kMaxTokenChars = 128;

bool IsLabelChar(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; }

// Labels separated by single dots; how many into *labels.
bool IsDnsName(std::string_view name, size_t* labels) {
  *labels = 0;
  if (name.empty() || name.size() > kMaxDomainChars) return false;
  while (true) {
    const size_t dot = name.find('.');
    const std::string_view label = name.substr(0, dot);
    if (label.empty() || label.size() > kMaxLabelChars || label.front() == '-' ||
        label.back() == '-') {
      return false;
    }
    for (char c : label) {
      if (!IsLabelChar(c)) return false;
    }
    ++*labels;
    if (dot == std::string_view::npos) return true;
    name.remove_prefix(dot + 1);
  }
}

Status CheckOrgRef(std::string_view org) {
  if (org.empty() || org.size() > 64)
    return Status::InvalidArgument("bad org reference", "bad_org");
  return Status::OK();
}

Status CheckNormalized(std::string_view domain) {
  std::string normal;
  ORGD_RETURN_IF_ERROR(NormalizeDomain(domain, true, &normal));
  if (normal != domain) {
    return Status::InvalidArgument("domain must be lower case", "invalid_domain");
  }
  return Status::OK();
}

}  // namespace

Status NormalizeDomain(std::string_view in, bool allow_wildcard, std::string* out) {
  out->clear();
  for (char c : in) out->push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  const bool wildcard = out->starts_with("*.");
  std::string_view name = *out;
  if (wildcard) name.remove_prefix(2);
  size_t labels = 0;
  if ((wildcard && !allow_wildcard) || !IsDnsName(name, &labels) || (!wildcard && labels < 2) ||
      out->size() > kMaxDomainChars) {
    return Status::InvalidArgument(
        std::string("domain must be a DNS name such as example.com") +
            (allow_wildcard ? " or a wildcard such as *.example.com" : ""),
        "invalid_domain");
  }
  return Status::OK();
}

Status Validate(const ClaimDomain& c) {
  ORGD_RETURN_IF_ERROR(CheckOrgRef(c.org));
  ORGD_RETURN_IF_ERROR(CheckNormalized(c.domain));
  if (c.verification_token.empty() || c.verification_token.size() > kMaxTokenChars) {
    return Status::InvalidArgument("a verification token is required", "bad_field");
  }
  return Status::OK();
}

Status Validate(const VerifyDomain& c) {
  ORGD_RETURN_IF_ERROR(CheckOrgRef(c.org));
  return CheckNormalized(c.domain);
}

Status Validate(const ReleaseDomain& c) {
  ORGD_RETURN_IF_ERROR(CheckOrgRef(c.org));
  return CheckNormalized(c.domain);
}

}  // namespace orgd
