// SoakMix: the requests of one soak connection, and the orgs it owns.
//
// Each connection creates orgs with names unique to the run and keeps up to
// kMaxOwnedOrgs of them with the version it last saw, so the store's live
// orgs stay bounded however long the run. A step is one request, drawn at
// random:
//
//   writes (--write-ratio): 30% create an org (1 in 30 of them reusing an
//     owned org's name, which must get 409), 50% patch (9 in 10 an owned org
//     with If-Match of its known version, 1 in 10 another connection's org
//     without), 20% delete the oldest owned org with If-Match; a create when
//     kMaxOwnedOrgs are owned deletes instead, and a patch or delete with
//     none owned creates;
//   reads: 45% get an owned org (1 in 5 with If-None-Match), 35% get another
//     connection's org (1 in 10 of them a random id up to the highest, most
//     of which are deleted: 404), 20% a page (1-5) of the org list.
//
// Only the owner deletes an org, so a 404 for an owned one is a lost write;
// another connection's patch can make an If-Match stale, so a 412 is
// expected (its ETag gives the new version).
//
// A SoakMix is not shareable: one per worker thread. The connections share
// an OrgDirectory.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <initializer_list>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "tools/soak/soak_client.h"
#include "tools/soak/soak_stats.h"

namespace orgd::soak {

// The most orgs one connection keeps alive.
inline constexpr size_t kMaxOwnedOrgs = 16;

// Which orgs each connection owns, for requests that target another
// connection's org, and the highest org id seen.
//
// Safe for concurrent access: each connection writes only its own slots
// (Publish), any thread reads any slot. A read may see an org whose delete is
// under way; the request then gets the 404 the mix accepts.
class OrgDirectory {
 public:
  explicit OrgDirectory(size_t connections) : slots_(connections * kMaxOwnedOrgs) {}

  // Replaces the ids that connection owns (at most kMaxOwnedOrgs).
  void Publish(int connection, const std::vector<uint64_t>& ids);
  // The id in a random slot of the connections that published so far (0
  // when that slot is empty or none did).
  uint64_t RandomOwnedByAnyone(std::mt19937_64* rng) const;
  void NoteId(uint64_t id);
  uint64_t highest() const { return highest_.load(std::memory_order_relaxed); }

 private:
  std::vector<std::atomic<uint64_t>> slots_;  // kMaxOwnedOrgs per connection
  std::atomic<size_t> used_slots_{0};  // the slots of connections 0 to the highest that published
  std::atomic<uint64_t> highest_{0};
};

struct MixOptions {
  double write_ratio = 0.2;  // the share of steps that write
  std::string run_tag;       // makes org names unique to the run: [a-z0-9]{1,8}
  int connection = 0;        // this connection's number in the run
};

class SoakMix {
 public:
  // "*client", "*stats" and "*directory" must remain live while this mix is
  // in use; directory is shared by every connection of the run.
  SoakMix(SoakClient* client, SoakStats* stats, OrgDirectory* directory, MixOptions options);

  // Sends one request and records it in the stats; returns its outcome.
  Outcome Step();

 private:
  // An org this connection created and has not deleted.
  struct OwnedOrg {
    uint64_t id = 0;
    uint64_t version = 0;
    std::string name;
  };

  Outcome Create();
  Outcome CreateTakenName();
  Outcome PatchOwned();
  Outcome PatchOthers();
  Outcome DeleteOldest();
  Outcome GetOwned();
  Outcome GetOthers();
  Outcome ListPage();

  // Sends a request, times it, classifies the reply against the statuses
  // the mix accepts for it, and records it.
  Outcome Send(bool write, std::string_view method, const std::string& target,
               const std::string& body, const Headers& headers, std::initializer_list<int> accepted,
               Reply* reply);
  void NoteVersion(OwnedOrg* org, const Reply& reply);
  // The index of a random owned org. REQUIRES: !owned_.empty()
  size_t RandomOwned();
  // Drops owned_[i] after a 404 for it (a lost write, already counted), so
  // the loss is reported once rather than on every later request.
  void ForgetIfLost(size_t i, const Reply& reply);
  // Tells the directory what this connection owns now.
  void Publish();
  // Another connection's org (or, with probability random_share, any id up to
  // the highest); 0 when none is known.
  uint64_t OthersOrg(double random_share);
  bool Chance(double p) { return std::bernoulli_distribution(p)(rng_); }

  SoakClient* const client_;
  SoakStats* const stats_;
  OrgDirectory* const directory_;
  const MixOptions options_;
  std::mt19937_64 rng_;
  std::deque<OwnedOrg> owned_;  // oldest first
  uint64_t created_ = 0;        // names used so far
};

}  // namespace orgd::soak
