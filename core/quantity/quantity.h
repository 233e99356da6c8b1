// Kubernetes resource.Quantity, exactly: parsing of every suffix form (binary SI "Ki".."Ei",
// decimal SI "n","u","m","","k","M","G","T","P","E", decimal exponent "e3"/"E3"), the
// canonical string form (Quantity.String()), exact comparison, add/sub, Value() rounding up,
// and the limits and quirks of apimachinery's implementation described in
// ../shared/docs/cel.md (Quantity section).
//
// Contract (API shape agreed between core/quantity, core/cel, core/model and core/alloc;
// the quantity work may add members but must not change these):
//
//   StatusOr<Quantity> Quantity::Parse(std::string_view text);
//       InvalidArgument with a message naming the text on bad syntax
//       (apimachinery's "quantities must match the regular expression ..." wording is fine).
//   Quantity Quantity::FromInt64(int64_t value, Format format = Format::kDecimalSI);
//   std::string ToString() const;          // canonical form, as Go's Quantity.String()
//   int Compare(const Quantity& other) const;   // -1, 0, +1; exact
//   Quantity Add(const Quantity& other) const;  Quantity Sub(const Quantity& other) const;
//   int64_t Value() const;                 // rounded up (away from zero) to an integer, saturating
//   int Sign() const;  bool IsZero() const;  Format format() const;
//   bool operator==/!=/</<=/>/>= via Compare.
//
// Thread safety: a value type; immutable after construction.
#pragma once
