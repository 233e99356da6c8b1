#include "service/extender/reservations.h"

namespace allot::svc {

void ReservationTable::UpdateGauge() {
  if (metrics_ != nullptr) metrics_->reservations_in_flight->Add({}).Set(static_cast<double>(by_claim_.size()));
}

void ReservationTable::ReleaseLocked(std::map<std::string, Reservation>::iterator it, std::string_view reason) {
  by_claim_.erase(it);
  if (metrics_ != nullptr) metrics_->reservations_released->Add({{"reason", std::string(reason)}}).Increment();
}

void ReservationTable::Add(Reservation r) {
  MutexLock lock(mu_);
  r.expires = std::chrono::steady_clock::now() + ttl_;
  std::string key = r.claim_key;
  by_claim_[key] = std::move(r);
  UpdateGauge();
}

void ReservationTable::Release(const std::string& claim_key, std::string_view reason) {
  MutexLock lock(mu_);
  auto it = by_claim_.find(claim_key);
  if (it == by_claim_.end()) return;
  ReleaseLocked(it, reason);
  UpdateGauge();
}

std::vector<Reservation> ReservationTable::Active() {
  MutexLock lock(mu_);
  auto now = std::chrono::steady_clock::now();
  std::vector<Reservation> out;
  for (auto it = by_claim_.begin(); it != by_claim_.end();) {
    if (it->second.expires <= now) {
      auto victim = it++;
      ReleaseLocked(victim, "expired");
      continue;
    }
    out.push_back(it->second);
    ++it;
  }
  UpdateGauge();
  return out;
}

std::optional<Reservation> ReservationTable::Find(const std::string& claim_key) {
  MutexLock lock(mu_);
  auto it = by_claim_.find(claim_key);
  if (it == by_claim_.end() || it->second.expires <= std::chrono::steady_clock::now()) return std::nullopt;
  return it->second;
}

void ReservationTable::Observe(const StoreSnapshot& snapshot) {
  MutexLock lock(mu_);
  if (by_claim_.empty()) return;
  for (auto it = by_claim_.begin(); it != by_claim_.end();) {
    auto claim = snapshot.Find(ObjectKind::kResourceClaim, it->first);
    bool observed = claim == nullptr;
    if (claim != nullptr) {
      auto status = claim->find("status");
      observed = status != claim->end() && status->is_object() && status->contains("allocation") &&
                 !(*status)["allocation"].is_null();
    }
    if (observed) {
      auto victim = it++;
      ReleaseLocked(victim, "observed");
    } else {
      ++it;
    }
  }
  UpdateGauge();
}

size_t ReservationTable::size() {
  MutexLock lock(mu_);
  return by_claim_.size();
}

}  // namespace allot::svc
