#include "storage/kv/memory_model.h"

#include <vector>

namespace orgd {
namespace {

class MemoryIterator final : public ModelIterator {
 public:
  explicit MemoryIterator(std::vector<std::pair<std::string, std::string>> entries)
      : entries_(std::move(entries)), at_(entries_.size()) {}
  void Seek(std::string_view target) override {
    at_ = 0;
    while (at_ < entries_.size() && std::string_view(entries_[at_].first) < target) ++at_;
  }
  bool Valid() const override { return at_ < entries_.size(); }
  void Next() override { ++at_; }
  std::string_view key() const override { return entries_[at_].first; }
  std::string_view value() const override { return entries_[at_].second; }
  Status status() const override { return Status::OK(); }

 private:
  const std::vector<std::pair<std::string, std::string>> entries_;
  size_t at_;
};

}  // namespace

Status MemoryModel::Get(std::string_view key, std::string* value) const {
  auto it = entries_.find(key);
  if (it == entries_.end()) return Status::NotFound("no such key");
  *value = it->second;
  return Status::OK();
}

std::unique_ptr<ModelIterator> MemoryModel::NewIterator(std::string_view upper_bound) const {
  std::vector<std::pair<std::string, std::string>> copy;
  for (const auto& [k, v] : entries_) {
    if (!upper_bound.empty() && std::string_view(k) >= upper_bound) break;
    copy.emplace_back(k, v);
  }
  return std::make_unique<MemoryIterator>(std::move(copy));
}

void MemoryModel::Put(std::string_view key, std::string_view value) {
  entries_.insert_or_assign(std::string(key), std::string(value));
}

void MemoryModel::Delete(std::string_view key) {
  if (auto it = entries_.find(key); it != entries_.end()) entries_.erase(it);
}

}  // namespace orgd
