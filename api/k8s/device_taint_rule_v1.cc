// JSON codecs for resource.k8s.io/v1 DeviceTaintRule.
#include "api/k8s/device_taint_rule_v1.h"

#include "api/internal/json_fields.h"

namespace allot::api {

template <class V>
void Fields(V& v, internal::Visited<V, DeviceTaintSelector>& o) {
  v.OmitEmpty("driver", o.driver);
  v.OmitEmpty("pool", o.pool);
  v.OmitEmpty("device", o.device);
}
ALLOT_API_DEFINE_JSON(DeviceTaintSelector);

template <class V>
void Fields(V& v, internal::Visited<V, DeviceTaintRuleSpec>& o) {
  v.OmitEmpty("deviceSelector", o.device_selector);
  v.Required("taint", o.taint);
}
ALLOT_API_DEFINE_JSON(DeviceTaintRuleSpec);

template <class V>
void Fields(V& v, internal::Visited<V, DeviceTaintRule>& o) {
  internal::KindAndMetadata(v, o);
  v.Optional("spec", o.spec);
}
ALLOT_API_DEFINE_JSON(DeviceTaintRule);

ALLOT_API_DEFINE_JSON(DeviceTaintRuleList);

}  // namespace allot::api
