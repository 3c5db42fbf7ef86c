#include "src/commands/core/command.h"

namespace orgd {

const char* CommandName(const CommandBody& body) {
  struct Visitor {
    const char* operator()(const CreateOrg&) const { return "CreateOrg"; }
    const char* operator()(const UpdateOrg&) const { return "UpdateOrg"; }
    const char* operator()(const DeleteOrg&) const { return "DeleteOrg"; }
    const char* operator()(const IssueApiKey&) const { return "IssueApiKey"; }
  };
  return std::visit(Visitor{}, body);
}

}  // namespace orgd
