// Claim constraints (dra-semantics.md §8.5): matchAttribute and distinctAttribute, in scalar
// mode and, with ListTypeAttributes, list (set) mode.
//
// A constraint applies to a device chosen for request R (or subrequest R/S) when its request
// list is empty, names R, or names R/S. Add() returns false to refuse a device; Remove() undoes
// the most recent accepted Add() for that request. As in Kubernetes 1.37 (which fixed the 1.36
// quirks of dra-semantics.md §13.5, §13.6): list-mode matchAttribute restores the intersection it
// had before the removed device, and distinctAttribute compares with every accepted device's value.
//
// Lifetime: a constraint keeps pointers to attribute values of the devices passed to Add(), so
// those devices (the snapshot's) must outlive it; a search's constraints do.
//
// Thread safety: not thread-safe; owned by one search.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/model/device.h"

namespace allot::alloc {

class Constraint {
 public:
  virtual ~Constraint() = default;
  // `request` is the base request name, `subrequest` empty for plain requests.
  virtual bool Add(const std::string& request, const std::string& subrequest, const model::Device& device,
                   const std::string& driver) = 0;
  virtual void Remove(const std::string& request, const std::string& subrequest) = 0;
};

std::unique_ptr<Constraint> MakeMatchAttribute(std::vector<std::string> requests, std::string attribute,
                                               bool list_mode);
std::unique_ptr<Constraint> MakeDistinctAttribute(std::vector<std::string> requests, std::string attribute,
                                                  bool list_mode);

}  // namespace allot::alloc
