#include "src/queries/user_search_index.h"

#include <algorithm>
#include <functional>
#include <utility>

namespace orgd {
namespace {

using search_internal::Bitmap;

// Separates the fields in the text arena. A word holding it matches nothing,
// so a match never spans two fields.
constexpr char kSeparator = '\0';

char AsciiLower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// A gram of 1 to 3 bytes as one number: its length in the top byte, then its
// bytes. Only ever held in memory, never written anywhere.
uint32_t GramKey(const char* p, size_t n) {
  uint32_t key = static_cast<uint32_t>(n) << 24;
  for (size_t i = 0; i < n; ++i) {
    key |= static_cast<uint32_t>(static_cast<unsigned char>(p[i])) << (16 - 8 * i);
  }
  return key;
}

// Appends field to *text lower-cased, at most kMaxFieldBytes of it, NUL as
// space; and to *display the same bytes as given (same length, same places).
void AppendField(std::string_view field, std::string* text, std::string* display) {
  field = field.substr(0, UserSearchIndex::kMaxFieldBytes);
  for (char c : field) {
    text->push_back(c == kSeparator ? ' ' : AsciiLower(c));
    display->push_back(c == kSeparator ? ' ' : c);
  }
}

// The arena text of a: "first\0last" and, with a username, "\0@username";
// lower-cased into *text, as given into *display.
void BuildText(const SearchAccount& a, std::string* text, std::string* display) {
  text->clear();
  display->clear();
  AppendField(a.first_name, text, display);
  text->push_back(kSeparator);
  display->push_back(kSeparator);
  AppendField(a.last_name, text, display);
  if (!a.username.empty()) {
    text->append({kSeparator, '@'});
    display->append({kSeparator, '@'});
    AppendField(a.username, text, display);
  }
}

// Every distinct 1-, 2- and 3-byte gram inside one field of text, sorted.
void TextGrams(std::string_view text, std::vector<uint32_t>* grams) {
  grams->clear();
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(kSeparator, start);
    if (end == std::string_view::npos) end = text.size();
    for (size_t i = start; i < end; ++i) {
      for (size_t n = 1; n <= 3 && i + n <= end; ++n) grams->push_back(GramKey(&text[i], n));
    }
    start = end + 1;
  }
  std::sort(grams->begin(), grams->end());
  grams->erase(std::unique(grams->begin(), grams->end()), grams->end());
}

// Elements of sorted a that are not in sorted b.
void Difference(const std::vector<uint32_t>& a, const std::vector<uint32_t>& b,
                std::vector<uint32_t>* out) {
  out->clear();
  std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(*out));
}

}  // namespace

// Buffers reused across the accounts of one write.
struct UserSearchIndex::Scratch {
  std::string text, display;
  std::vector<uint32_t> old_grams, new_grams, diff;
};

// How one term (an AND of words) is answered: candidates from the bitmaps,
// then a substring check of the words the bitmaps do not decide.
struct UserSearchIndex::TermPlan {
  bool empty = true;                             // matches nothing
  const roaring_bitmap_t* candidates = nullptr;  // owned_ or one posting list
  Bitmap owned;
  // A lazy plan's other posting lists: a match is in each of them.
  std::vector<const roaring_bitmap_t*> filters;
  std::vector<std::string_view> confirm;  // words to check on the arena
};

// The best `limit` ordinals seen so far, in a heap whose front is the worst.
class UserSearchIndex::TopK {
 public:
  TopK(const UserSearchIndex* index, size_t limit) : index_(index), limit_(limit) {
    heap_.reserve(std::min<size_t>(limit, 1024));
  }
  // True when ordinal would enter the current top.
  bool Wants(uint32_t ordinal) const NO_THREAD_SAFETY_ANALYSIS {
    return heap_.size() < limit_ || index_->Before(ordinal, heap_.front());
  }
  bool full() const { return heap_.size() >= limit_; }
  // The rank of the last of the top. REQUIRES: !heap_.empty().
  int64_t worst_rank() const NO_THREAD_SAFETY_ANALYSIS { return index_->rank_ms_[heap_.front()]; }
  void Add(uint32_t ordinal) NO_THREAD_SAFETY_ANALYSIS {
    auto before = [this](uint32_t a, uint32_t b)
                      NO_THREAD_SAFETY_ANALYSIS { return index_->Before(a, b); };
    if (heap_.size() == limit_) {
      std::pop_heap(heap_.begin(), heap_.end(), before);
      heap_.pop_back();
    }
    heap_.push_back(ordinal);
    std::push_heap(heap_.begin(), heap_.end(), before);
  }
  // The ordinals, best first. Leaves the TopK empty.
  std::vector<uint32_t> Take() NO_THREAD_SAFETY_ANALYSIS {
    std::sort_heap(heap_.begin(), heap_.end(),
                   [this](uint32_t a, uint32_t b)
                       NO_THREAD_SAFETY_ANALYSIS { return index_->Before(a, b); });
    return std::move(heap_);
  }

 private:
  const UserSearchIndex* const index_;  // REQUIRES: index_->mu_ held while in use
  const size_t limit_;
  std::vector<uint32_t> heap_;
};

// ---- writers ----------------------------------------------------------------

void UserSearchIndex::Upsert(const SearchAccount& a) {
  Scratch scratch;
  WriterLock lock(&mu_);
  UpsertLocked(a, &scratch);
}

void UserSearchIndex::UpsertMany(const std::vector<SearchAccount>& accounts) {
  Scratch scratch;
  WriterLock lock(&mu_);
  for (const SearchAccount& a : accounts) UpsertLocked(a, &scratch);
  if (accounts.size() >= 4096) {
    // Array containers grow by doubling; give the slack back after a build.
    for (auto& [gram, bitmap] : postings_) roaring_bitmap_shrink_to_fit(bitmap.get());
    text_.shrink_to_fit();
    ids_.shrink_to_fit();
  }
}

void UserSearchIndex::UpsertLocked(const SearchAccount& a, Scratch* s) {
  BuildText(a, &s->text, &s->display);
  uint32_t ordinal = FindOrdinal(a.account_id);
  bool was_live = false;
  if (ordinal == kNoOrdinal) {
    ordinal = InsertOrdinalLocked(a.account_id);
  } else {
    was_live = live_[ordinal] != 0;
  }
  if (was_live && DisplayOf(ordinal) == s->display) {
    SetTimesLocked(ordinal, a.created_ms, a.last_active_ms);
    return;
  }
  s->old_grams.clear();
  if (was_live) TextGrams(TextOf(ordinal), &s->old_grams);
  TextGrams(s->text, &s->new_grams);
  Difference(s->old_grams, s->new_grams, &s->diff);
  RemovePostingsLocked(ordinal, s->diff);
  Difference(s->new_grams, s->old_grams, &s->diff);
  AddPostingsLocked(ordinal, s->diff);
  SetTextLocked(ordinal, s->text, s->display);
  SetTimesLocked(ordinal, a.created_ms, a.last_active_ms);
  if (!was_live) {
    live_[ordinal] = 1;
    ++live_count_;
  }
}

void UserSearchIndex::Remove(std::string_view account_id) {
  std::vector<uint32_t> grams;
  WriterLock lock(&mu_);
  uint32_t ordinal = FindOrdinal(account_id);
  if (ordinal == kNoOrdinal || !live_[ordinal]) return;
  TextGrams(TextOf(ordinal), &grams);
  RemovePostingsLocked(ordinal, grams);
  SetTextLocked(ordinal, {}, {});
  live_[ordinal] = 0;
  --live_count_;
}

void UserSearchIndex::Touch(std::string_view account_id, int64_t last_active_ms) {
  WriterLock lock(&mu_);
  uint32_t ordinal = FindOrdinal(account_id);
  if (ordinal == kNoOrdinal || !live_[ordinal]) return;
  if (last_active_ms > last_active_ms_[ordinal]) {
    SetTimesLocked(ordinal, created_ms_[ordinal], last_active_ms);
  }
}

uint32_t UserSearchIndex::InsertOrdinalLocked(std::string_view account_id) {
  if ((id_end_.size() + 1) * 2 > slots_.size()) GrowSlotsLocked();
  auto ordinal = static_cast<uint32_t>(id_end_.size());
  ids_.append(account_id);
  id_end_.push_back(ids_.size());
  text_begin_.push_back(0);
  text_size_.push_back(0);
  created_ms_.push_back(0);
  last_active_ms_.push_back(0);
  rank_ms_.push_back(0);
  live_.push_back(0);
  size_t mask = slots_.size() - 1;
  size_t i = std::hash<std::string_view>{}(account_id)&mask;
  while (slots_[i] != kNoOrdinal) i = (i + 1) & mask;
  slots_[i] = ordinal;
  return ordinal;
}

void UserSearchIndex::GrowSlotsLocked() {
  std::vector<uint32_t> slots(std::max<size_t>(16, slots_.size() * 2), kNoOrdinal);
  size_t mask = slots.size() - 1;
  for (uint32_t ordinal : slots_) {
    if (ordinal == kNoOrdinal) continue;
    size_t i = std::hash<std::string_view>{}(IdOf(ordinal)) & mask;
    while (slots[i] != kNoOrdinal) i = (i + 1) & mask;
    slots[i] = ordinal;
  }
  slots_ = std::move(slots);
}

void UserSearchIndex::SetTextLocked(uint32_t ordinal, std::string_view text,
                                    std::string_view display) {
  text_garbage_ += text_size_[ordinal];
  text_begin_[ordinal] = text_.size();
  text_size_[ordinal] = static_cast<uint32_t>(text.size());
  text_.append(text);
  display_.append(display);  // the same length: the two arenas share offsets
  if (text_garbage_ > (1u << 20) && text_garbage_ * 2 > text_.size()) CompactTextLocked();
}

void UserSearchIndex::CompactTextLocked() {
  std::string text, display;
  text.reserve(text_.size() - text_garbage_);
  display.reserve(text_.size() - text_garbage_);
  for (size_t o = 0; o < text_begin_.size(); ++o) {
    const uint64_t begin = text_begin_[o];
    text_begin_[o] = text.size();
    text.append(text_, begin, text_size_[o]);
    display.append(display_, begin, text_size_[o]);
  }
  text_ = std::move(text);
  display_ = std::move(display);
  text_garbage_ = 0;
}

void UserSearchIndex::AddPostingsLocked(uint32_t ordinal, const std::vector<uint32_t>& grams) {
  for (uint32_t gram : grams) {
    Bitmap& bitmap = postings_[gram];
    if (!bitmap) bitmap.reset(roaring_bitmap_create());
    roaring_bitmap_add(bitmap.get(), ordinal);
  }
}

void UserSearchIndex::RemovePostingsLocked(uint32_t ordinal, const std::vector<uint32_t>& grams) {
  for (uint32_t gram : grams) {
    auto it = postings_.find(gram);
    if (it == postings_.end()) continue;
    roaring_bitmap_remove(it->second.get(), ordinal);
    if (roaring_bitmap_is_empty(it->second.get())) postings_.erase(it);
  }
}

void UserSearchIndex::SetTimesLocked(uint32_t ordinal, int64_t created_ms, int64_t last_active_ms) {
  // Each change keeps creation times in ordinal order, or ends that order
  // for good (Match then walks every candidate).
  if ((ordinal > 0 && created_ms < created_ms_[ordinal - 1]) ||
      (ordinal + 1 < created_ms_.size() && created_ms > created_ms_[ordinal + 1])) {
    created_ordered_ = false;
  }
  created_ms_[ordinal] = created_ms;
  last_active_ms_[ordinal] = last_active_ms;
  rank_ms_[ordinal] = std::max(created_ms, last_active_ms);
  if (!active_) active_.reset(roaring_bitmap_create());
  if (last_active_ms > created_ms) {
    roaring_bitmap_add(active_.get(), ordinal);
  } else {
    roaring_bitmap_remove(active_.get(), ordinal);
  }
}

// ---- readers ----------------------------------------------------------------

uint32_t UserSearchIndex::FindOrdinal(std::string_view account_id) const {
  if (slots_.empty()) return kNoOrdinal;
  size_t mask = slots_.size() - 1;
  size_t i = std::hash<std::string_view>{}(account_id)&mask;
  while (slots_[i] != kNoOrdinal) {
    if (IdOf(slots_[i]) == account_id) return slots_[i];
    i = (i + 1) & mask;
  }
  return kNoOrdinal;
}

std::string_view UserSearchIndex::IdOf(uint32_t ordinal) const {
  uint64_t begin = ordinal == 0 ? 0 : id_end_[ordinal - 1];
  return std::string_view(ids_).substr(begin, id_end_[ordinal] - begin);
}

std::string_view UserSearchIndex::DisplayOf(uint32_t ordinal) const {
  return std::string_view(display_.data() + text_begin_[ordinal], text_size_[ordinal]);
}

std::string_view UserSearchIndex::TextOf(uint32_t ordinal) const {
  return std::string_view(text_).substr(text_begin_[ordinal], text_size_[ordinal]);
}

const roaring_bitmap_t* UserSearchIndex::Postings(uint32_t gram) const {
  auto it = postings_.find(gram);
  return it == postings_.end() ? nullptr : it->second.get();
}

bool UserSearchIndex::Before(uint32_t a, uint32_t b) const {
  if (rank_ms_[a] != rank_ms_[b]) return rank_ms_[a] > rank_ms_[b];
  if (created_ms_[a] != created_ms_[b]) return created_ms_[a] > created_ms_[b];
  return IdOf(a) < IdOf(b);
}

// ---- Match ------------------------------------------------------------------

namespace {

// Calls f(ordinal) for each member of b, ascending, reading in blocks.
template <typename F>
void ForEachOrdinal(const roaring_bitmap_t* b, F&& f) {
  // Highest ordinal first: ordinals are handed out as accounts arrive, so
  // the newest (the best ranked, unless an older one was active since) come
  // first and fill the top at once; the rest then mostly fail TopK::Wants,
  // a comparison, instead of each passing the substring check and the heap.
  roaring_uint32_iterator_t it;
  roaring_init_iterator_last(b, &it);
  for (; it.has_value; roaring_previous_uint32_iterator(&it)) f(it.current_value);
}

// Calls f(ordinal) for each member of b, highest first, while f returns true.
template <typename F>
void ForEachOrdinalWhile(const roaring_bitmap_t* b, F&& f) {
  roaring_uint32_iterator_t it;
  roaring_init_iterator_last(b, &it);
  for (; it.has_value && f(it.current_value); roaring_previous_uint32_iterator(&it)) {
  }
}

// Intersecting stops once this few candidates are left; the substring check
// is cheaper than further bitmaps then.
constexpr uint64_t kFewCandidates = 32;

}  // namespace

UserSearchIndex::TermPlan UserSearchIndex::PlanTerm(const std::vector<std::string>& words,
                                                    bool lazy) const {
  TermPlan plan;
  std::vector<uint32_t> grams;
  for (const std::string& w : words) {
    if (w.empty() || w.find(kSeparator) != std::string::npos) return plan;
    if (w.size() <= 3) {
      grams.push_back(GramKey(w.data(), w.size()));  // the posting list is exact
      continue;
    }
    size_t n = std::min(w.size(), kMaxWordGramBytes);
    for (size_t i = 0; i + 3 <= n; ++i) grams.push_back(GramKey(&w[i], 3));
    plan.confirm.push_back(w);
  }
  if (grams.empty()) return plan;
  std::sort(grams.begin(), grams.end());
  grams.erase(std::unique(grams.begin(), grams.end()), grams.end());
  std::vector<std::pair<uint64_t, const roaring_bitmap_t*>> lists;
  for (uint32_t gram : grams) {
    const roaring_bitmap_t* p = Postings(gram);
    if (p == nullptr) return plan;
    lists.emplace_back(roaring_bitmap_get_cardinality(p), p);
  }
  std::sort(lists.begin(), lists.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  plan.empty = false;
  if (lists.size() == 1) {
    plan.candidates = lists[0].second;
    return plan;
  }
  if (lazy) {
    // The rarest list drives the walk and the others only filter it: a walk
    // that stops early then never pays for a whole intersection.
    plan.candidates = lists[0].second;
    for (size_t i = 1; i < lists.size(); ++i) plan.filters.push_back(lists[i].second);
    return plan;
  }
  plan.owned.reset(roaring_bitmap_and(lists[0].second, lists[1].second));
  for (size_t i = 2; i < lists.size(); ++i) {
    if (roaring_bitmap_get_cardinality(plan.owned.get()) <= kFewCandidates) {
      // Not every word's grams were applied: check every word on the text.
      plan.confirm.assign(words.begin(), words.end());
      break;
    }
    roaring_bitmap_and_inplace(plan.owned.get(), lists[i].second);
  }
  plan.empty = roaring_bitmap_is_empty(plan.owned.get());
  plan.candidates = plan.owned.get();
  return plan;
}

bool UserSearchIndex::Confirmed(const TermPlan& plan, uint32_t ordinal) const {
  for (const roaring_bitmap_t* f : plan.filters) {
    if (!roaring_bitmap_contains(f, ordinal)) return false;
  }
  if (plan.confirm.empty()) return true;
  std::string_view text = TextOf(ordinal);
  for (std::string_view w : plan.confirm) {
    if (text.find(w) == std::string_view::npos) return false;
  }
  return true;
}

std::vector<std::string> UserSearchIndex::Match(const std::vector<std::vector<std::string>>& terms,
                                                size_t limit) const {
  std::vector<std::string> out;
  ReaderLock lock(&mu_);
  for (uint32_t o : MatchLocked(terms, limit)) out.emplace_back(IdOf(o));
  return out;
}

std::vector<SearchAccount> UserSearchIndex::MatchAccounts(
    const std::vector<std::vector<std::string>>& terms, size_t limit) const {
  std::vector<SearchAccount> out;
  ReaderLock lock(&mu_);
  for (uint32_t o : MatchLocked(terms, limit)) {
    SearchAccount a;
    a.account_id = IdOf(o);
    std::string_view d = DisplayOf(o);
    size_t end = d.find(kSeparator);
    a.first_name = d.substr(0, end);
    d.remove_prefix(end + 1);
    end = d.find(kSeparator);
    a.last_name = d.substr(0, end);
    if (end != std::string_view::npos) a.username = d.substr(end + 2);  // after "\0@"
    a.created_ms = created_ms_[o];
    a.last_active_ms = last_active_ms_[o];
    out.push_back(std::move(a));
  }
  return out;
}

std::vector<uint32_t> UserSearchIndex::MatchLocked(
    const std::vector<std::vector<std::string>>& terms, size_t limit) const {
  std::vector<uint32_t> out;
  if (limit == 0 || terms.empty()) return out;
  // With creation order the walk stops early (below): plans stay lazy.
  const bool early = created_ordered_ && active_ != nullptr;
  std::vector<TermPlan> plans;
  for (const auto& words : terms) {
    TermPlan plan = PlanTerm(words, /*lazy=*/early);
    if (!plan.empty) plans.push_back(std::move(plan));
  }
  if (plans.empty()) return out;
  TopK top(this, limit);
  // The candidates: one term's, or the union of the terms' (each account once).
  Bitmap all;
  const roaring_bitmap_t* candidates = plans[0].candidates;
  if (plans.size() > 1) {
    std::vector<const roaring_bitmap_t*> lists;
    for (const TermPlan& plan : plans) lists.push_back(plan.candidates);
    all.reset(roaring_bitmap_or_many(lists.size(), lists.data()));
    candidates = all.get();
  }
  auto visit = [&](uint32_t o) NO_THREAD_SAFETY_ANALYSIS {
    if (!top.Wants(o)) return;
    for (const TermPlan& plan : plans) {
      if ((plans.size() == 1 || roaring_bitmap_contains(plan.candidates, o)) &&
          Confirmed(plan, o)) {
        top.Add(o);
        return;
      }
    }
  };
  if (!early) {
    ForEachOrdinal(candidates, visit);
  } else {
    // Creation times rise with ordinals, so an account never active since
    // its creation ranks by its creation and the walk from the newest can
    // stop at the first such one that cannot enter the top; the accounts
    // active since (usually few) are visited first, whatever their ordinal.
    Bitmap active(roaring_bitmap_and(candidates, active_.get()));
    ForEachOrdinal(active.get(), visit);
    ForEachOrdinalWhile(candidates, [&](uint32_t o) NO_THREAD_SAFETY_ANALYSIS {
      if (roaring_bitmap_contains(active_.get(), o)) return true;  // visited
      if (top.full() && created_ms_[o] < top.worst_rank()) return false;
      visit(o);
      return true;
    });
  }
  return top.Take();
}

size_t UserSearchIndex::size() const {
  ReaderLock lock(&mu_);
  return live_count_;
}

size_t UserSearchIndex::MemoryBytes() const {
  ReaderLock lock(&mu_);
  size_t bytes = ids_.capacity() + text_.capacity() + display_.capacity();
  if (active_) bytes += roaring_bitmap_portable_size_in_bytes(active_.get());
  bytes += id_end_.capacity() * sizeof(uint64_t) + slots_.capacity() * sizeof(uint32_t);
  bytes += text_begin_.capacity() * sizeof(uint64_t) + text_size_.capacity() * sizeof(uint32_t);
  bytes +=
      (created_ms_.capacity() + rank_ms_.capacity() + last_active_ms_.capacity()) * sizeof(int64_t);
  bytes += live_.capacity();
  // A hash node (next pointer, key, value, cached hash) per gram, a bucket
  // pointer per bucket, and each bitmap's containers.
  bytes += postings_.size() * (4 * sizeof(void*) + sizeof(roaring_bitmap_t));
  bytes += postings_.bucket_count() * sizeof(void*);
  for (const auto& [gram, bitmap] : postings_) {
    roaring_statistics_t st;
    roaring_bitmap_statistics(bitmap.get(), &st);
    bytes += st.n_bytes_array_containers + st.n_bytes_run_containers + st.n_bytes_bitset_containers;
    bytes += st.n_containers * (sizeof(void*) + 2 * sizeof(uint16_t) + sizeof(void*));
  }
  return bytes;
}

}  // namespace orgd
