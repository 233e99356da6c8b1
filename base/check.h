// ALLOT_CHECK: invariant checks for conditions that "cannot happen" (bugs), Envoy-style.
// Never use these on data that comes from the API server or from requests: that data
// gets a Status.
#pragma once

#include <cstdio>
#include <cstdlib>

#define ALLOT_CHECK(cond)                                                            \
  do {                                                                               \
    if (!(cond)) {                                                                   \
      std::fprintf(stderr, "%s:%d: ALLOT_CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                  \
    }                                                                                \
  } while (0)

#ifdef NDEBUG
#define ALLOT_DCHECK(cond) \
  do {                     \
  } while (0)
#else
#define ALLOT_DCHECK(cond) ALLOT_CHECK(cond)
#endif
