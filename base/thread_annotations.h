// Clang thread-safety annotations (no-ops elsewhere) and an annotated mutex.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>

#if defined(__clang__)
#define ALLOT_THREAD_ANNOTATION_(x) __attribute__((x))
#else
#define ALLOT_THREAD_ANNOTATION_(x)
#endif

#define ALLOT_CAPABILITY(x) ALLOT_THREAD_ANNOTATION_(capability(x))
#define ALLOT_SCOPED_CAPABILITY ALLOT_THREAD_ANNOTATION_(scoped_lockable)
#define ALLOT_GUARDED_BY(x) ALLOT_THREAD_ANNOTATION_(guarded_by(x))
#define ALLOT_PT_GUARDED_BY(x) ALLOT_THREAD_ANNOTATION_(pt_guarded_by(x))
#define ALLOT_REQUIRES(...) ALLOT_THREAD_ANNOTATION_(requires_capability(__VA_ARGS__))
#define ALLOT_EXCLUDES(...) ALLOT_THREAD_ANNOTATION_(locks_excluded(__VA_ARGS__))
#define ALLOT_ACQUIRE(...) ALLOT_THREAD_ANNOTATION_(acquire_capability(__VA_ARGS__))
#define ALLOT_RELEASE(...) ALLOT_THREAD_ANNOTATION_(release_capability(__VA_ARGS__))

namespace allot {

// std::mutex with capability annotations, so -Wthread-safety checks its users. Every mutex in allot is
// one of these, and what it guards says so with ALLOT_GUARDED_BY; clang builds turn a violation into an
// error (-Werror=thread-safety, cmake/AllotHelpers.cmake).
class ALLOT_CAPABILITY("mutex") Mutex {
 public:
  void Lock() ALLOT_ACQUIRE() { mu_.lock(); }
  void Unlock() ALLOT_RELEASE() { mu_.unlock(); }
  std::mutex& native() { return mu_; }

 private:
  std::mutex mu_;
};

// std::condition_variable for a Mutex the caller holds (held again when a wait returns). No predicate
// overloads: clang cannot see that a predicate lambda runs under the lock, so callers loop, e.g.
//   while (!done_) cv_.Wait(mu_);
//   while (!done_ && cv_.WaitUntil(mu_, deadline)) {}
class CondVar {
 public:
  void Wait(Mutex& mu) ALLOT_REQUIRES(mu) {
    std::unique_lock<std::mutex> lock(mu.native(), std::adopt_lock);
    cv_.wait(lock);
    lock.release();
  }
  // False once `deadline` has passed (a wake-up before it, spurious or not, returns true).
  template <class Clock, class Duration>
  bool WaitUntil(Mutex& mu, std::chrono::time_point<Clock, Duration> deadline) ALLOT_REQUIRES(mu) {
    std::unique_lock<std::mutex> lock(mu.native(), std::adopt_lock);
    bool woke = cv_.wait_until(lock, deadline) == std::cv_status::no_timeout;
    lock.release();
    return woke;
  }
  void NotifyOne() { cv_.notify_one(); }
  void NotifyAll() { cv_.notify_all(); }

 private:
  std::condition_variable cv_;
};

class ALLOT_SCOPED_CAPABILITY MutexLock {
 public:
  explicit MutexLock(Mutex& mu) ALLOT_ACQUIRE(mu) : mu_(mu) { mu_.Lock(); }
  ~MutexLock() ALLOT_RELEASE() { mu_.Unlock(); }
  MutexLock(const MutexLock&) = delete;
  MutexLock& operator=(const MutexLock&) = delete;

 private:
  Mutex& mu_;
};

}  // namespace allot
