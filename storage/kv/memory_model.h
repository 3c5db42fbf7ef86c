// MemoryModel: a read model held in a std::map, for decisions and folds that
// run without a store (decision unit tests, tools that fold a few events).
// It is a complete ModelWriter: reads see its writes, iterators walk keys in
// byte order. Not shareable: one thread uses it.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "storage/kv/model_store.h"

namespace orgd {

class MemoryModel final : public ModelWriter {
 public:
  Status Get(std::string_view key, std::string* value) const override;
  // Iterates over a copy of the keys as of this call.
  std::unique_ptr<ModelIterator> NewIterator(std::string_view upper_bound = {}) const override;
  void Put(std::string_view key, std::string_view value) override;
  void Delete(std::string_view key) override;

  const std::map<std::string, std::string, std::less<>>& entries() const { return entries_; }

 private:
  std::map<std::string, std::string, std::less<>> entries_;
};

}  // namespace orgd
