#include "core/cel/types.h"

namespace allot::cel {

std::string Type::ToString() const {
  switch (kind_) {
    case TypeKind::kDyn: return "dyn";
    case TypeKind::kAny: return "any";
    case TypeKind::kNull: return "null_type";
    case TypeKind::kBool: return "bool";
    case TypeKind::kInt: return "int";
    case TypeKind::kUint: return "uint";
    case TypeKind::kDouble: return "double";
    case TypeKind::kString: return "string";
    case TypeKind::kBytes: return "bytes";
    case TypeKind::kList: return "list(" + elem().ToString() + ")";
    case TypeKind::kMap: return "map(" + key().ToString() + ", " + value_type().ToString() + ")";
    case TypeKind::kOptional: return "optional_type(" + elem().ToString() + ")";
    case TypeKind::kType: return params_.empty() ? "type" : "type(" + elem().ToString() + ")";
    case TypeKind::kOpaque: {
      std::string s = name_;
      if (!params_.empty()) {
        s += "(";
        for (size_t i = 0; i < params_.size(); ++i) {
          if (i) s += ", ";
          s += params_[i].ToString();
        }
        s += ")";
      }
      return s;
    }
    case TypeKind::kObject: return name_;
    case TypeKind::kTypeParam: return name_;
    case TypeKind::kError: return "*error*";
  }
  return "?";
}

}  // namespace allot::cel
