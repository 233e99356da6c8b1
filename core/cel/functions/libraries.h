// The seam between the CEL engine and the library files in core/cel/functions/.
//
// Each library is one family of functions registered into a FunctionRegistry (function_registry.h).
// The engine (core/cel/env.cc) calls every Register* function below when it builds an environment.
// A library's .cc file lives in core/cel/functions/ and is picked up by core/cel/CMakeLists.txt's glob.
// Until a library's file exists the engine builds without it: CMake defines ALLOT_CEL_HAVE_<NAME>=1
// only when a file matching core/cel/functions/<name>*.cc exists (see functions/README.md).
//
// Thread safety: registration runs once per environment on one thread; see function_registry.h for
// the rules on implementations.
#pragma once

#include <string_view>

#include "core/cel/function_registry.h"
#include "core/cel/value.h"
#include "base/status.h"
#include "core/quantity/quantity.h"

// core/cel/CMakeLists.txt defines every ALLOT_CEL_HAVE_<FAMILY> as 0 or 1 for allot_cel; a file compiled
// without those definitions sees every family as absent.
#ifndef ALLOT_CEL_HAVE_QUANTITY
#define ALLOT_CEL_HAVE_QUANTITY 0
#endif
#ifndef ALLOT_CEL_HAVE_SEMVER
#define ALLOT_CEL_HAVE_SEMVER 0
#endif
#ifndef ALLOT_CEL_HAVE_STRINGS
#define ALLOT_CEL_HAVE_STRINGS 0
#endif
#ifndef ALLOT_CEL_HAVE_REGEX
#define ALLOT_CEL_HAVE_REGEX 0
#endif
#ifndef ALLOT_CEL_HAVE_LISTS
#define ALLOT_CEL_HAVE_LISTS 0
#endif

namespace allot::cel {

// ---- functions/quantity*.cc ---------------------------------------------------------------------
// Declares quantity(), isQuantity(), sign() (global), isGreaterThan/isLessThan/compareTo/add/sub/
// asInteger/isInteger/asApproximateFloat on kubernetes.Quantity (cel.md 2.10). `==` on Quantity is the
// engine's (via OpaqueValue::Equals).
Status RegisterQuantityLibrary(FunctionRegistry& registry);
// Wraps a Quantity as a kubernetes.Quantity value (an OpaqueValue whose type_name() is
// "kubernetes.Quantity"). Used by Device::Prepare for capacities.
Value MakeQuantityValue(quantity::Quantity q);

// ---- functions/semver*.cc -----------------------------------------------------------------------
// semver(s), semver(s, bool), isSemver(s), isSemver(s, bool), major/minor/patch, isGreaterThan/
// isLessThan/compareTo on kubernetes.Semver (cel.md 2.11).
Status RegisterSemverLibrary(FunctionRegistry& registry);
// Strict (blang/semver Parse) parse into a kubernetes.Semver value. The error message is blang's text
// (e.g. "No Major.Minor.Patch elements found"); Device::Prepare prefixes
// "attribute <name>: parse semantic version: ".
StatusOr<Value> ParseSemverValue(std::string_view text);

// ---- functions/strings*.cc ----------------------------------------------------------------------
// ext.Strings v2: charAt indexOf lastIndexOf lowerAscii upperAscii replace split substring trim join
// strings.quote format (cel.md 2.7). (size/contains/startsWith/endsWith/matches are the engine's.)
Status RegisterStringsLibrary(FunctionRegistry& registry);

// ---- functions/regex*.cc ------------------------------------------------------------------------
// find, findAll (cel.md 2.12). `matches` is the engine's.
Status RegisterRegexLibrary(FunctionRegistry& registry);

// ---- functions/lists*.cc ------------------------------------------------------------------------
// K8s lists v0 (isSorted sum min max indexOf lastIndexOf), ext.Sets, ext.Lists v3 non-macro functions.
Status RegisterListsLibrary(FunctionRegistry& registry);

}  // namespace allot::cel
