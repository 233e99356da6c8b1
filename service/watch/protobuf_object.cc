// Wire-level protobuf editing of Kubernetes objects: see protobuf_object.h.
#include "service/watch/protobuf_object.h"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <optional>

namespace allot::svc {

namespace {

constexpr std::string_view kMagic("k8s\0", 4);
constexpr uint32_t kUnknownRawField = 2;    // runtime.Unknown.raw
constexpr uint32_t kObjectMetaField = 1;    // <Object>.metadata
constexpr uint32_t kMetaNameField = 1;
constexpr uint32_t kMetaResourceVersionField = 6;
constexpr uint32_t kMetaFinalizersField = 14;
constexpr uint32_t kLengthDelimited = 2;

// One field as it appears on the wire: `encoded` covers tag, length and payload; for a length-delimited
// field `payload` is the bytes after the length.
struct WireField {
  uint32_t number = 0;
  uint32_t wire_type = 0;
  std::string_view encoded;
  std::string_view payload;
};

std::optional<uint64_t> ReadVarint(std::string_view data, size_t& pos) {
  uint64_t value = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (pos >= data.size()) return std::nullopt;
    auto byte = static_cast<uint8_t>(data[pos++]);
    value |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) return value;
  }
  return std::nullopt;
}

void AppendVarint(std::string& out, uint64_t value) {
  while (value >= 0x80) {
    out.push_back(static_cast<char>((value & 0x7f) | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<char>(value));
}

void AppendLengthDelimited(std::string& out, uint32_t number, std::string_view payload) {
  AppendVarint(out, (static_cast<uint64_t>(number) << 3) | kLengthDelimited);
  AppendVarint(out, payload.size());
  out.append(payload);
}

// Splits a message into its fields. `what` names the message in errors.
StatusOr<std::vector<WireField>> ParseFields(std::string_view data, std::string_view what) {
  std::vector<WireField> fields;
  size_t pos = 0;
  auto bad = [&](std::string_view why) {
    return InvalidArgumentError("protobuf " + std::string(what) + " at byte " + std::to_string(pos) + ": " +
                                std::string(why));
  };
  while (pos < data.size()) {
    size_t start = pos;
    auto tag = ReadVarint(data, pos);
    if (!tag) return bad("truncated tag");
    WireField field;
    field.number = static_cast<uint32_t>(*tag >> 3);
    field.wire_type = static_cast<uint32_t>(*tag & 7);
    if (field.number == 0) return bad("field number 0");
    switch (field.wire_type) {
      case 0:
        if (!ReadVarint(data, pos)) return bad("truncated varint");
        break;
      case 1:
        if (data.size() - pos < 8) return bad("truncated fixed64");
        pos += 8;
        break;
      case 5:
        if (data.size() - pos < 4) return bad("truncated fixed32");
        pos += 4;
        break;
      case kLengthDelimited: {
        auto length = ReadVarint(data, pos);
        if (!length || *length > data.size() - pos) return bad("length beyond the end");
        field.payload = data.substr(pos, *length);
        pos += *length;
        break;
      }
      default:
        return bad("unsupported wire type " + std::to_string(field.wire_type));
    }
    field.encoded = data.substr(start, pos - start);
    fields.push_back(field);
  }
  return fields;
}

// The single length-delimited field `number` of `fields`; kInvalidArgument if absent.
StatusOr<WireField> FindMessageField(const std::vector<WireField>& fields, uint32_t number, std::string_view what) {
  for (const auto& f : fields) {
    if (f.number == number && f.wire_type == kLengthDelimited) return f;
  }
  return InvalidArgumentError("protobuf object without " + std::string(what));
}

// Rebuilds `fields`, replacing the (first) length-delimited field `number` by `payload`.
std::string ReplaceField(const std::vector<WireField>& fields, uint32_t number, std::string_view payload) {
  std::string out;
  bool replaced = false;
  for (const auto& f : fields) {
    if (!replaced && f.number == number && f.wire_type == kLengthDelimited) {
      AppendLengthDelimited(out, number, payload);
      replaced = true;
    } else {
      out.append(f.encoded);
    }
  }
  return out;
}

struct Layers {
  std::vector<WireField> envelope;  // runtime.Unknown
  std::vector<WireField> object;    // the object inside raw
  std::vector<WireField> meta;      // its ObjectMeta
};

StatusOr<Layers> Open(std::string_view envelope) {
  if (envelope.substr(0, kMagic.size()) != kMagic) {
    return InvalidArgumentError("not a Kubernetes protobuf object (missing the \"k8s\\0\" prefix)");
  }
  Layers layers;
  auto outer = ParseFields(envelope.substr(kMagic.size()), "envelope");
  if (!outer.ok()) return outer.status();
  layers.envelope = std::move(outer).value();
  auto raw = FindMessageField(layers.envelope, kUnknownRawField, "raw");
  if (!raw.ok()) return raw.status();
  auto object = ParseFields(raw->payload, "object");
  if (!object.ok()) return object.status();
  layers.object = std::move(object).value();
  auto meta = FindMessageField(layers.object, kObjectMetaField, "metadata");
  if (!meta.ok()) return meta.status();
  auto meta_fields = ParseFields(meta->payload, "metadata");
  if (!meta_fields.ok()) return meta_fields.status();
  layers.meta = std::move(meta_fields).value();
  return layers;
}

// Re-wraps edited metadata fields into a full envelope.
std::string Close(const Layers& layers, const std::string& meta) {
  std::string object = ReplaceField(layers.object, kObjectMetaField, meta);
  return std::string(kMagic) + ReplaceField(layers.envelope, kUnknownRawField, object);
}

StatusOr<std::string> EditFinalizers(std::string_view envelope,
                                     const std::function<std::string(const Layers&)>& edit) {
  auto layers = Open(envelope);
  if (!layers.ok()) return layers.status();
  return Close(*layers, edit(*layers));
}

bool IsFinalizer(const WireField& f, std::string_view finalizer) {
  return f.number == kMetaFinalizersField && f.wire_type == kLengthDelimited && f.payload == finalizer;
}

}  // namespace

StatusOr<ProtobufObjectMeta> ReadProtobufObjectMeta(std::string_view envelope) {
  auto layers = Open(envelope);
  if (!layers.ok()) return layers.status();
  ProtobufObjectMeta meta;
  for (const auto& f : layers->meta) {
    if (f.wire_type != kLengthDelimited) continue;
    if (f.number == kMetaNameField) meta.name = std::string(f.payload);
    if (f.number == kMetaResourceVersionField) meta.resource_version = std::string(f.payload);
    if (f.number == kMetaFinalizersField) meta.finalizers.emplace_back(f.payload);
  }
  return meta;
}

StatusOr<std::string> AddFinalizerToProtobufObject(std::string_view envelope, std::string_view finalizer) {
  return EditFinalizers(envelope, [&](const Layers& layers) {
    std::string meta;
    bool present = false;
    for (const auto& f : layers.meta) {
      present = present || IsFinalizer(f, finalizer);
      meta.append(f.encoded);
    }
    if (!present) AppendLengthDelimited(meta, kMetaFinalizersField, finalizer);
    return meta;
  });
}

StatusOr<std::string> RemoveFinalizerFromProtobufObject(std::string_view envelope, std::string_view finalizer) {
  return EditFinalizers(envelope, [&](const Layers& layers) {
    std::string meta;
    for (const auto& f : layers.meta) {
      if (!IsFinalizer(f, finalizer)) meta.append(f.encoded);
    }
    return meta;
  });
}

}  // namespace allot::svc
