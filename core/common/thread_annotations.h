// Clang thread-safety annotations (no-ops elsewhere) and an annotated mutex.
#pragma once

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

// std::mutex with capability annotations, so -Wthread-safety checks its users.
class ALLOT_CAPABILITY("mutex") Mutex {
 public:
  void Lock() ALLOT_ACQUIRE() { mu_.lock(); }
  void Unlock() ALLOT_RELEASE() { mu_.unlock(); }
  std::mutex& native() { return mu_; }

 private:
  std::mutex mu_;
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
