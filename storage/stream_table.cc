#include "storage/stream_table.h"

#include <sys/mman.h>

#include <atomic>
#include <cstdlib>
#include <functional>
#include <new>

namespace orgd::storage {

uint64_t StreamTable::NewSalt() {
  static std::atomic<uint64_t> next{0};
  return (next.fetch_add(1) + 1) * 0x9e3779b97f4a7c15ULL;
}

namespace {
constexpr size_t kHugePage = size_t{2} << 20;
}  // namespace

StreamTable::Slot* StreamTable::Allocate(size_t capacity) {
  const size_t bytes = (capacity * sizeof(Slot) + kHugePage - 1) / kHugePage * kHugePage;
  void* p = std::aligned_alloc(kHugePage, bytes);
  if (p == nullptr) throw std::bad_alloc();
  madvise(p, bytes, MADV_HUGEPAGE);  // advice only: fine if refused
  std::memset(p, 0, bytes);          // all zero: every slot empty
  return static_cast<Slot*>(p);
}

void StreamTable::Free(Slot* slots) { std::free(slots); }

StreamTable::~StreamTable() { Free(slots_); }

StreamTable& StreamTable::operator=(StreamTable&& other) noexcept {
  if (this == &other) return *this;
  Free(slots_);
  salt_ = other.salt_;  // the slots were placed with it
  slots_ = std::exchange(other.slots_, nullptr);
  capacity_ = std::exchange(other.capacity_, 0);
  arena_ = std::move(other.arena_);
  other.arena_.clear();
  size_ = std::exchange(other.size_, 0);
  return *this;
}

size_t StreamTable::Probe(std::string_view key, uint64_t hash) const {
  for (size_t i = Home(hash);; i = i + 1 == capacity_ ? 0 : i + 1) {
    const Slot& s = slots_[i];
    if (s.length == 0) return i;
    if (s.hash == hash && s.length == key.size() + 1 && KeyOf(s) == key) return i;
  }
}

void StreamTable::Grow() {
  Slot* const old = slots_;
  const size_t old_capacity = capacity_;
  capacity_ = old_capacity == 0 ? 1024 : old_capacity + old_capacity / 2;
  slots_ = Allocate(capacity_);
  for (size_t k = 0; k < old_capacity; ++k) {
    if (old[k].length == 0) continue;
    size_t i = Home(old[k].hash);
    while (slots_[i].length != 0) i = i + 1 == capacity_ ? 0 : i + 1;
    slots_[i] = old[k];
  }
  Free(old);
}

StreamTable::Entry* StreamTable::Upsert(std::string_view key, bool* inserted) {
  if ((size_ + 1) * 5 > capacity_ * 4) Grow();
  const uint64_t hash = std::hash<std::string_view>()(key);
  Slot& s = slots_[Probe(key, hash)];
  *inserted = s.length == 0;
  if (*inserted) {
    s.hash = hash;
    s.length = static_cast<uint32_t>(key.size() + 1);
    if (key.size() <= kInline) {
      std::memcpy(s.key, key.data(), key.size());
    } else {
      const uint64_t offset = arena_.size();
      std::memcpy(s.key, &offset, sizeof offset);
      arena_.append(key);
    }
    ++size_;
  }
  return &s.entry;
}

const StreamTable::Entry* StreamTable::Find(std::string_view key) const {
  if (capacity_ == 0) return nullptr;
  const Slot& s = slots_[Probe(key, std::hash<std::string_view>()(key))];
  return s.length == 0 ? nullptr : &s.entry;
}

}  // namespace orgd::storage
