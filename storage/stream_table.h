// StreamTable: what a log scan learned about each stream, keyed by stream id.
// An open-addressing table with linear probing: one 64-byte slot per stream,
// holding its hash, its counters and, up to 20 bytes, the stream id itself
// (longer ids live in an arena), so a lookup mostly touches one cache line.
// VerifyLog looks a stream up for every event of logs of millions, where
// std::unordered_map spent most of the time chasing nodes.
//
// Not shareable: one thread fills and reads one table.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>

namespace orgd::storage {

class StreamTable {
 public:
  struct Entry {
    uint64_t first_version = 0;  // the first version seen, and where
    uint64_t first_position = 0;
    uint64_t version = 0;  // the last version seen, and where
    uint64_t last_position = 0;
  };

  StreamTable() = default;
  ~StreamTable();
  // A moved-from table is empty.
  StreamTable(StreamTable&& other) noexcept { *this = std::move(other); }
  StreamTable& operator=(StreamTable&& other) noexcept;

  // The entry of key; a zeroed one is inserted when absent (*inserted says so).
  // The pointer is valid until the next insertion.
  Entry* Upsert(std::string_view key, bool* inserted);
  // nullptr when absent.
  const Entry* Find(std::string_view key) const;
  size_t size() const { return size_; }

  // Calls f(std::string_view key, const Entry&) for every entry, in no set order.
  template <typename F>
  void ForEach(F&& f) const {
    for (size_t i = 0; i < capacity_; ++i) {
      if (slots_[i].length != 0) f(KeyOf(slots_[i]), slots_[i].entry);
    }
  }

 private:
  static constexpr size_t kInline = 20;
  struct alignas(64) Slot {
    uint64_t hash = 0;
    Entry entry;
    uint32_t length = 0;  // the key's length + 1; 0 marks an empty slot
    char key[kInline] = {};  // the key when it fits, else its offset in arena_
  };
  static_assert(sizeof(Slot) == 64);

  std::string_view KeyOf(const Slot& s) const {
    const size_t n = s.length - 1;
    if (n <= kInline) return std::string_view(s.key, n);
    uint64_t offset;
    std::memcpy(&offset, s.key, sizeof offset);
    return std::string_view(arena_).substr(offset, n);
  }
  // Where probing for hash starts: the hash mixed with this table's salt, its
  // high half scaled to [0, capacity_). The salt matters: ForEach visits
  // keys in slot order, and inserting them in that order into a table with
  // the same mapping would pile them into one ever-growing run.
  size_t Home(uint64_t hash) const {
    uint64_t x = hash ^ salt_;  // splitmix64's finalizer
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return ((x >> 32) * capacity_) >> 32;
  }
  // The slot holding key, or the empty slot where it belongs.
  size_t Probe(std::string_view key, uint64_t hash) const;
  void Grow();
  static uint64_t NewSalt();
  // capacity empty slots, in memory the kernel may back with huge pages (a
  // table of millions of slots otherwise misses the TLB on every lookup).
  static Slot* Allocate(size_t capacity);
  static void Free(Slot* slots);

  uint64_t salt_ = NewSalt();
  Slot* slots_ = nullptr;  // capacity_ of them, at most 80% full; grows by half
  size_t capacity_ = 0;
  std::string arena_;
  size_t size_ = 0;
};

}  // namespace orgd::storage
