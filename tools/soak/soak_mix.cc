#include "tools/soak/soak_mix.h"

#include <algorithm>
#include <charconv>
#include <cstdio>

namespace orgd::soak {

namespace {

// Unexpected replies printed on stderr, for the whole run.
constexpr int kMaxReported = 10;
std::atomic<int> reported{0};

// Prints the first kMaxReported unexpected replies, so a failed run says
// what went wrong.
void ReportUnexpected(std::string_view method, const std::string& target, const Reply& reply) {
  if (reported.fetch_add(1, std::memory_order_relaxed) >= kMaxReported) return;
  const std::string what = reply.status == 0 ? "no reply (connection failed or timed out)"
                                             : "status " + std::to_string(reply.status);
  std::fprintf(stderr, "orgd-soak: %s for %.*s %s %.200s\n", what.c_str(),
               static_cast<int>(method.size()), method.data(), target.c_str(), reply.body.c_str());
}

Outcome Classify(int status, std::initializer_list<int> accepted) {
  if (status == 0) return Outcome::kConnection;
  if (std::find(accepted.begin(), accepted.end(), status) != accepted.end()) {
    return status >= 200 && status < 300 ? Outcome::kOk : Outcome::kExpected;
  }
  return status >= 500 ? Outcome::kServerError : Outcome::kBadStatus;
}

// The top-level "id" of an org's JSON; 0 if absent. (A string value cannot
// hold the unescaped "id": searched for.)
uint64_t OrgIdOf(const std::string& json) {
  constexpr std::string_view kKey = "\"id\":";
  const size_t at = json.find(kKey);
  if (at == std::string::npos) return 0;
  uint64_t id = 0;
  const char* begin = json.data() + at + kKey.size();
  std::from_chars(begin, json.data() + json.size(), id);
  return id;
}

std::string OrgPath(uint64_t id) { return "/api/v1/orgs/" + std::to_string(id); }

std::string Quoted(uint64_t version) { return "\"" + std::to_string(version) + "\""; }

}  // namespace

void OrgDirectory::Publish(int connection, const std::vector<uint64_t>& ids) {
  const size_t first = static_cast<size_t>(connection) * kMaxOwnedOrgs;
  for (size_t i = 0; i < kMaxOwnedOrgs; ++i) {
    slots_[first + i].store(i < ids.size() ? ids[i] : 0, std::memory_order_relaxed);
  }
  const size_t used = first + kMaxOwnedOrgs;
  size_t seen = used_slots_.load(std::memory_order_relaxed);
  while (used > seen && !used_slots_.compare_exchange_weak(seen, used, std::memory_order_relaxed)) {
  }
}

// Connections start in index order, so the slots in use are a prefix and a
// phase with few connections does not draw from the empty slots of the rest.
uint64_t OrgDirectory::RandomOwnedByAnyone(std::mt19937_64* rng) const {
  const size_t used = used_slots_.load(std::memory_order_relaxed);
  if (used == 0) return 0;
  const size_t i = std::uniform_int_distribution<size_t>(0, used - 1)(*rng);
  return slots_[i].load(std::memory_order_relaxed);
}

void OrgDirectory::NoteId(uint64_t id) {
  uint64_t highest = highest_.load(std::memory_order_relaxed);
  while (id > highest && !highest_.compare_exchange_weak(highest, id, std::memory_order_relaxed)) {
  }
}

SoakMix::SoakMix(SoakClient* client, SoakStats* stats, OrgDirectory* directory,
                 MixOptions options)
    : client_(client),
      stats_(stats),
      directory_(directory),
      options_(std::move(options)),
      rng_(std::random_device{}()) {}

Outcome SoakMix::Step() {
  if (Chance(options_.write_ratio)) {
    const double w = std::uniform_real_distribution<double>(0, 1)(rng_);
    enum { kCreate, kPatch, kDelete } kind = w < 0.3 ? kCreate : w < 0.8 ? kPatch : kDelete;
    if (kind == kCreate && owned_.size() >= kMaxOwnedOrgs) kind = kDelete;
    if (kind != kCreate && owned_.empty()) kind = kCreate;
    switch (kind) {
      case kCreate: return Chance(1.0 / 30) && !owned_.empty() ? CreateTakenName() : Create();
      case kPatch: return Chance(0.9) ? PatchOwned() : PatchOthers();
      case kDelete: return DeleteOldest();
    }
  }
  const double r = std::uniform_real_distribution<double>(0, 1)(rng_);
  if (r < 0.45 && !owned_.empty()) return GetOwned();
  if (r < 0.80 && directory_->highest() > 0) return GetOthers();
  return ListPage();
}

Outcome SoakMix::Send(bool write, std::string_view method, const std::string& target,
                      const std::string& body, const Headers& headers,
                      std::initializer_list<int> accepted, Reply* reply) {
  const auto start = std::chrono::steady_clock::now();
  *reply = client_->Exchange(method, target, body, headers);
  const auto took = std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::steady_clock::now() - start);
  const Outcome outcome = Classify(reply->status, accepted);
  stats_->Record(write, outcome, took);
  if (outcome != Outcome::kOk && outcome != Outcome::kExpected) {
    ReportUnexpected(method, target, *reply);
  }
  return outcome;
}

void SoakMix::NoteVersion(OwnedOrg* org, const Reply& reply) {
  if (reply.etag) org->version = *reply.etag;
}

size_t SoakMix::RandomOwned() {
  return std::uniform_int_distribution<size_t>(0, owned_.size() - 1)(rng_);
}

void SoakMix::ForgetIfLost(size_t i, const Reply& reply) {
  if (reply.status != 404) return;
  owned_.erase(owned_.begin() + static_cast<std::ptrdiff_t>(i));
  Publish();
}

void SoakMix::Publish() {
  std::vector<uint64_t> ids;
  for (const OwnedOrg& org : owned_) ids.push_back(org.id);
  directory_->Publish(options_.connection, ids);
}

uint64_t SoakMix::OthersOrg(double random_share) {
  const uint64_t highest = directory_->highest();
  if (highest == 0) return 0;
  // A few tries: some slots are empty (parked connections own few orgs early on).
  for (int attempt = 0; attempt < 4 && !Chance(random_share); ++attempt) {
    if (uint64_t id = directory_->RandomOwnedByAnyone(&rng_)) return id;
  }
  return std::uniform_int_distribution<uint64_t>(1, highest)(rng_);
}

Outcome SoakMix::Create() {
  OwnedOrg org;
  org.name = "soak-" + options_.run_tag + "-" + std::to_string(options_.connection) + "-" +
             std::to_string(created_++);
  const std::string body = "{\"name\":\"" + org.name + "\",\"title\":\"Soak " + org.name +
                           "\",\"description\":\"made by orgd-soak\"}";
  Reply reply;
  const Outcome outcome = Send(true, "POST", "/api/v1/orgs", body, {}, {201}, &reply);
  if (outcome != Outcome::kOk) return outcome;
  org.id = OrgIdOf(reply.body);
  NoteVersion(&org, reply);
  if (org.id == 0) return outcome;  // not in the reply: cannot be used again
  directory_->NoteId(org.id);
  owned_.push_back(std::move(org));
  Publish();
  return outcome;
}

Outcome SoakMix::CreateTakenName() {
  const std::string body = "{\"name\":\"" + owned_[RandomOwned()].name + "\"}";
  Reply reply;
  return Send(true, "POST", "/api/v1/orgs", body, {}, {409}, &reply);
}

Outcome SoakMix::PatchOwned() {
  const size_t i = RandomOwned();
  OwnedOrg& org = owned_[i];
  const std::string body = "{\"title\":\"Soak title " + std::to_string(rng_() % 100000) + "\"}";
  Reply reply;
  const Outcome outcome = Send(true, "PATCH", OrgPath(org.id), body,
                               {{"If-Match", Quoted(org.version)}}, {200, 412}, &reply);
  NoteVersion(&org, reply);  // the new version, or the current one with a 412
  ForgetIfLost(i, reply);
  return outcome;
}

Outcome SoakMix::PatchOthers() {
  const uint64_t id = std::max<uint64_t>(1, OthersOrg(0));
  const std::string body = "{\"link\":\"https://example.com/soak/" + std::to_string(rng_() % 997) +
                           "\"}";
  Reply reply;
  return Send(true, "PATCH", OrgPath(id), body, {}, {200, 404}, &reply);
}

Outcome SoakMix::DeleteOldest() {
  OwnedOrg& org = owned_.front();
  Reply reply;
  const Outcome outcome = Send(true, "DELETE", OrgPath(org.id), "",
                               {{"If-Match", Quoted(org.version)}}, {204, 412}, &reply);
  if (reply.status == 412) {
    NoteVersion(&org, reply);  // try again later with the current version
  } else {
    owned_.pop_front();  // deleted, or unknown after a failure: not to be used again
    Publish();
  }
  return outcome;
}

Outcome SoakMix::GetOwned() {
  const size_t i = RandomOwned();
  OwnedOrg& org = owned_[i];
  Headers headers;
  if (Chance(0.2)) headers.emplace_back("If-None-Match", Quoted(org.version));
  Reply reply;
  const Outcome outcome = Send(false, "GET", OrgPath(org.id), "", headers, {200, 304}, &reply);
  NoteVersion(&org, reply);
  ForgetIfLost(i, reply);
  return outcome;
}

Outcome SoakMix::GetOthers() {
  const uint64_t id = OthersOrg(0.1);
  Reply reply;
  return Send(false, "GET", OrgPath(id), "", {}, {200, 404}, &reply);
}

Outcome SoakMix::ListPage() {
  const int page = std::uniform_int_distribution<int>(1, 5)(rng_);
  Reply reply;
  return Send(false, "GET", "/api/v1/orgs?page=" + std::to_string(page) + "&per_page=20", "", {},
              {200}, &reply);
}

}  // namespace orgd::soak
