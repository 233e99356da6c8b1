// Syntactic check of Kubernetes quantity strings (no arithmetic, no range checks).
//
// Grammar (k8s.io/apimachinery/pkg/api/resource):
//   quantity        ::= signedNumber suffix
//   signedNumber    ::= [ "+" | "-" ] number
//   number          ::= digits | digits "." digits | digits "." | "." digits
//   suffix          ::= binarySI | decimalSI | decimalExponent
//   binarySI        ::= Ki | Mi | Gi | Ti | Pi | Ei
//   decimalSI       ::= m | "" | k | M | G | T | P | E
//   decimalExponent ::= ( "e" | "E" ) [ "+" | "-" ] digits
// No whitespace is allowed anywhere.
//
// Thread safety: pure function.
#pragma once

#include <string_view>

namespace allot::api {

// True iff `text` matches the quantity grammar above.
bool IsValidQuantitySyntax(std::string_view text);

}  // namespace allot::api
