//! What NodeResourcesFit's scoring strategies and NodeResourcesBalancedAllocation share:
//! upstream's resourceAllocationScorer (pkg/scheduler/framework/plugins/noderesources/
//! resource_allocation.go), the resource-name predicates it relies on, and args decoding.

use serde_yaml::Value;

use crate::api::types::ResourceName;
use crate::api::validation::is_qualified_name;
use crate::scheduler::framework::{NodeInfo, PodInfo};

// ---------------------------------------------------------------------------------------------
// Resource names (pkg/apis/core/v1/helper/helpers.go, pkg/scheduler/util/utils.go)

/// v1.ResourceDefaultNamespacePrefix.
const RESOURCE_DEFAULT_NAMESPACE_PREFIX: &str = "kubernetes.io/";
/// v1.DefaultResourceRequestsPrefix.
const DEFAULT_RESOURCE_REQUESTS_PREFIX: &str = "requests.";
/// v1.ResourceHugePagesPrefix.
const RESOURCE_HUGE_PAGES_PREFIX: &str = "hugepages-";
/// v1.ResourceAttachableVolumesPrefix.
const RESOURCE_ATTACHABLE_VOLUMES_PREFIX: &str = "attachable-volumes-";

/// IsPrefixedNativeResource: the name is in the `kubernetes.io/` domain.
fn is_prefixed_native_resource(name: &str) -> bool {
    name.contains(RESOURCE_DEFAULT_NAMESPACE_PREFIX)
}

/// IsNativeResource: no domain, or the `kubernetes.io/` one.
fn is_native_resource(name: &str) -> bool {
    !name.contains('/') || is_prefixed_native_resource(name)
}

/// IsExtendedResourceName: a domain-qualified name outside `kubernetes.io/` that is still a
/// qualified name once prefixed with `requests.` (as a quota would name it).
pub fn is_extended_resource_name(name: &str) -> bool {
    if is_native_resource(name) || name.starts_with(DEFAULT_RESOURCE_REQUESTS_PREFIX) {
        return false;
    }
    is_qualified_name(&format!("{DEFAULT_RESOURCE_REQUESTS_PREFIX}{name}")).is_empty()
}

/// IsScalarResourceName: extended resources, hugepages, prefixed native resources and
/// attachable volumes, the names framework.Resource keeps in ScalarResources.
pub fn is_scalar_resource_name(name: &str) -> bool {
    is_extended_resource_name(name)
        || name.starts_with(RESOURCE_HUGE_PAGES_PREFIX)
        || is_prefixed_native_resource(name)
        || name.starts_with(RESOURCE_ATTACHABLE_VOLUMES_PREFIX)
}

// ---------------------------------------------------------------------------------------------
// Scored resources

/// config.ResourceSpec: a resource a scorer looks at and its weight.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResourceSpec {
    pub name: String,
    pub weight: i64,
}

impl ResourceSpec {
    pub fn new(name: &str, weight: i64) -> ResourceSpec {
        ResourceSpec {
            name: name.to_string(),
            weight,
        }
    }
}

/// The resources scored by default (pkg/scheduler/apis/config/v1/defaults.go:
/// defaultResourceSpec): cpu and memory, weight 1 each.
pub fn default_resource_spec() -> Vec<ResourceSpec> {
    vec![ResourceSpec::new("cpu", 1), ResourceSpec::new("memory", 1)]
}

/// How a scored resource is looked up, resolved once when the plugin is built so scoring a
/// node does no string work.
#[derive(Clone, Debug)]
enum Kind {
    Cpu,
    Memory,
    EphemeralStorage,
    /// A scalar resource (IsScalarResourceName), found in the scalar lists.
    Scalar,
    /// Anything else (`pods`, `storage`, an unqualified name): never in a node's scalar
    /// resources, so calculateResourceAllocatableRequest always gives (0, 0).
    Other(ResourceName),
}

/// A ResourceSpec resolved for scoring.
#[derive(Clone, Debug)]
pub struct ScoredResource {
    pub name: String,
    pub weight: i64,
    kind: Kind,
}

impl ScoredResource {
    pub fn new(spec: &ResourceSpec) -> ScoredResource {
        let kind = match spec.name.as_str() {
            "cpu" => Kind::Cpu,
            "memory" => Kind::Memory,
            "ephemeral-storage" => Kind::EphemeralStorage,
            n if is_scalar_resource_name(n) => Kind::Scalar,
            n => Kind::Other(ResourceName::parse(n)),
        };
        ScoredResource {
            name: spec.name.clone(),
            weight: spec.weight,
            kind,
        }
    }
}

/// resourceAllocationScorer.calculatePodResourceRequest: the pod's request for one resource,
/// resourcehelper.PodRequests with (`use_requested == false`) or without the
/// NonMissingContainerRequests defaults for cpu and memory (100m, 200Mi per container).
/// Pod overhead and pod-level resources are not modelled.
pub fn pod_request(pod: &PodInfo, res: &ScoredResource, use_requested: bool) -> i64 {
    match &res.kind {
        Kind::Cpu if !use_requested => pod.non_zero_milli_cpu,
        Kind::Memory if !use_requested => pod.non_zero_memory,
        Kind::Cpu => pod.requests.milli_cpu,
        Kind::Memory => pod.requests.memory,
        Kind::EphemeralStorage => pod.requests.ephemeral_storage,
        Kind::Scalar => pod.requests.scalar_value(&res.name),
        Kind::Other(name) => pod.requests.get(name),
    }
}

/// calculatePodResourceRequestList: the pod's request for each scored resource, in order.
pub fn pod_request_list(
    pod: &PodInfo,
    resources: &[ScoredResource],
    use_requested: bool,
) -> Vec<i64> {
    resources
        .iter()
        .map(|r| pod_request(pod, r, use_requested))
        .collect()
}

/// isBestEffortPod: the pod requests none of the scored resources.
pub fn is_best_effort(pod_requests: &[i64]) -> bool {
    pod_requests.iter().all(|&r| r == 0)
}

/// calculateResourceAllocatableRequest: (allocatable, requested including the pod) of one
/// resource on the node; (0, 0) for a scalar resource the pod does not request, or one the
/// node does not have. cpu and memory use the node's non-zero requests unless
/// `use_requested`.
pub fn allocatable_request(
    node: &NodeInfo,
    res: &ScoredResource,
    pod_request: i64,
    use_requested: bool,
) -> (i64, i64) {
    let requested = if use_requested {
        &node.requested
    } else {
        &node.non_zero_requested
    };
    match &res.kind {
        Kind::Scalar if pod_request == 0 => (0, 0),
        Kind::Cpu => (
            node.allocatable.milli_cpu,
            requested.milli_cpu + pod_request,
        ),
        Kind::Memory => (node.allocatable.memory, requested.memory + pod_request),
        Kind::EphemeralStorage => (
            node.allocatable.ephemeral_storage,
            node.requested.ephemeral_storage + pod_request,
        ),
        Kind::Scalar => match node
            .allocatable
            .scalar
            .iter()
            .find(|(k, _)| k == res.name.as_str())
        {
            Some((_, alloc)) => (*alloc, node.requested.scalar_value(&res.name) + pod_request),
            None => (0, 0),
        },
        Kind::Other(_) => (0, 0),
    }
}

/// resourceAllocationScorer.score's loop: calls `f(resource, allocatable, requested)` for
/// each scored resource whose allocatable is non-zero ("Only fill the extended resource
/// entry when it's non-zero"), in order. Allocates nothing.
pub fn for_each_allocated(
    node: &NodeInfo,
    resources: &[ScoredResource],
    pod_requests: &[i64],
    use_requested: bool,
    mut f: impl FnMut(&ScoredResource, i64, i64),
) {
    for (res, &pod_req) in resources.iter().zip(pod_requests) {
        let (alloc, req) = allocatable_request(node, res, pod_req, use_requested);
        if alloc != 0 {
            f(res, alloc, req);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Args decoding: the strict JSON decoding upstream applies to pluginConfig args, over YAML.

/// The Go type name of a YAML value, as `encoding/json` names it in unmarshal errors.
fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Sequence(_) => "array",
        Value::Mapping(_) | Value::Tagged(_) => "object",
    }
}

/// `json: cannot unmarshal <kind> into Go struct field <Struct>.<path> of type <type>`.
pub fn type_error(v: &Value, go_struct: &str, path: &str, go_type: &str) -> String {
    format!(
        "json: cannot unmarshal {} into Go struct field {go_struct}.{path} of type {go_type}",
        json_kind(v)
    )
}

/// The fields of an args object, rejecting keys outside `known` the way strict decoding does
/// (`apiVersion` and `kind` are accepted and ignored). `null` is an empty object.
pub fn fields<'a>(
    v: &'a Value,
    go_struct: &str,
    path: &str,
    known: &[&str],
) -> Result<Vec<(&'a str, &'a Value)>, String> {
    let map = match v {
        Value::Null => return Ok(Vec::new()),
        Value::Mapping(m) => m,
        other => {
            return Err(if path.is_empty() {
                format!(
                    "json: cannot unmarshal {} into Go value of type {go_struct}",
                    json_kind(other)
                )
            } else {
                type_error(other, go_struct, path, go_struct)
            })
        }
    };
    let mut out = Vec::new();
    for (k, val) in map {
        let Some(key) = k.as_str() else {
            return Err(format!("strict decoding error: invalid key {k:?}"));
        };
        if path.is_empty() && (key == "apiVersion" || key == "kind") {
            continue;
        }
        if !known.contains(&key) {
            let full = if path.is_empty() {
                key.to_string()
            } else {
                format!("{path}.{key}")
            };
            return Err(format!("strict decoding error: unknown field \"{full}\""));
        }
        out.push((key, val));
    }
    Ok(out)
}

/// A string field; `null` is "".
pub fn string(v: &Value, go_struct: &str, path: &str) -> Result<String, String> {
    match v {
        Value::Null => Ok(String::new()),
        Value::String(s) => Ok(s.clone()),
        other => Err(type_error(other, go_struct, path, "string")),
    }
}

/// An integer field of a Go integer type (`int32`, `int64`); `null` is 0.
pub fn integer(v: &Value, go_struct: &str, path: &str, go_type: &str) -> Result<i64, String> {
    let (lo, hi) = if go_type == "int32" {
        (i32::MIN as i64, i32::MAX as i64)
    } else {
        (i64::MIN, i64::MAX)
    };
    match v {
        Value::Null => Ok(0),
        Value::Number(n) => match n.as_i64() {
            Some(i) if (lo..=hi).contains(&i) => Ok(i),
            _ => Err(format!(
                "json: cannot unmarshal number {n} into Go struct field {go_struct}.{path} of type {go_type}"
            )),
        },
        other => Err(type_error(other, go_struct, path, go_type)),
    }
}

/// A list field; `null` is empty.
pub fn list<'a>(v: &'a Value, go_struct: &str, path: &str) -> Result<&'a [Value], String> {
    match v {
        Value::Null => Ok(&[]),
        Value::Sequence(s) => Ok(s),
        other => Err(type_error(other, go_struct, path, "[]")),
    }
}

/// A list of strings (`ignoredResources`).
pub fn string_list(v: &Value, go_struct: &str, path: &str) -> Result<Vec<String>, String> {
    list(v, go_struct, path)?
        .iter()
        .map(|s| string(s, go_struct, path))
        .collect()
}

/// `resources: [{name, weight}]` (config/v1 ResourceSpec), `path` naming the list.
pub fn resource_specs(v: &Value, path: &str) -> Result<Vec<ResourceSpec>, String> {
    let mut out = Vec::new();
    for item in list(v, "ResourceSpec", path)? {
        let mut spec = ResourceSpec::new("", 0);
        for (key, val) in fields(item, "ResourceSpec", path, &["name", "weight"])? {
            match key {
                "name" => spec.name = string(val, "ResourceSpec", &format!("{path}.name"))?,
                _ => {
                    spec.weight = integer(val, "ResourceSpec", &format!("{path}.weight"), "int64")?
                }
            }
        }
        out.push(spec);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::super::test_util::{make_node, pod_full};
    use super::*;
    use crate::scheduler::framework::{DEFAULT_MEMORY_REQUEST, DEFAULT_MILLI_CPU_REQUEST};

    /// resource_allocation_test.go: TestResourceAllocationScorerCalculateRequests (the
    /// non-zero cpu and memory requests Fit scores with). Skipped: "overhead only",
    /// "container + requestless container + overhead" and "init container + container +
    /// requestless container + overhead" (pod overhead is not modelled).
    #[test]
    fn calculate_requests() {
        const ONE_MI: i64 = 1048576;
        let cpu = ScoredResource::new(&ResourceSpec::new("cpu", 1));
        let memory = ScoredResource::new(&ResourceSpec::new("memory", 1));
        let small_init: &[(&str, &str)] = &[("cpu", "1m"), ("memory", "1")];
        let small: &[(&str, &str)] = &[("cpu", "3m"), ("memory", "3")];
        let cases = [
            (
                "1x requestless container",
                pod_full("", &[&[]], &[]),
                DEFAULT_MILLI_CPU_REQUEST,
                DEFAULT_MEMORY_REQUEST,
            ),
            (
                "2x requestless container",
                pod_full("", &[&[], &[]], &[]),
                2 * DEFAULT_MILLI_CPU_REQUEST,
                2 * DEFAULT_MEMORY_REQUEST,
            ),
            (
                "request container + requestless container",
                pod_full("", &[&[("cpu", "1"), ("memory", "1Mi")], &[]], &[]),
                1000 + DEFAULT_MILLI_CPU_REQUEST,
                ONE_MI + DEFAULT_MEMORY_REQUEST,
            ),
            (
                "requestless init container + small init container + small container ",
                pod_full("", &[small], &[(&[], false), (small_init, false)]),
                DEFAULT_MILLI_CPU_REQUEST,
                DEFAULT_MEMORY_REQUEST,
            ),
            (
                "requestless init container + small init container + small container + requestless container ",
                pod_full("", &[small, &[]], &[(&[], false), (small_init, false)]),
                3 + DEFAULT_MILLI_CPU_REQUEST,
                3 + DEFAULT_MEMORY_REQUEST,
            ),
        ];
        for (name, pod, want_cpu, want_memory) in cases {
            assert_eq!(pod_request(&pod, &cpu, false), want_cpu, "{name}: cpu");
            assert_eq!(
                pod_request(&pod, &memory, false),
                want_memory,
                "{name}: memory"
            );
        }
    }

    /// resource_allocation_test.go: TestCalculateResourceAllocatableRequest,
    /// "device-plugin-resource-feature-disabled" (the other cases need DRA).
    #[test]
    fn calculate_resource_allocatable_request() {
        let node = make_node(
            "resource-node",
            &[("extended.resource.dra.io/something", "4")],
        );
        let res = ScoredResource::new(&ResourceSpec::new("extended.resource.dra.io/something", 1));
        assert_eq!(allocatable_request(&node, &res, 1, false), (4, 1));
        // A scalar resource the pod does not request is left out of scoring.
        assert_eq!(allocatable_request(&node, &res, 0, false), (0, 0));
    }

    #[test]
    fn resource_name_predicates_match_upstream_helpers() {
        // (name, extended, scalar), per pkg/apis/core/v1/helper/helpers_test.go's cases.
        let cases = [
            ("cpu", false, false),
            ("memory", false, false),
            ("pods", false, false),
            ("ephemeral-storage", false, false),
            ("example.com/aaa", true, true),
            ("nvidia.com/gpu", true, true),
            ("kubernetes.io/something", false, true),
            ("subdomain.kubernetes.io/something", false, true),
            ("hugepages-2Mi", false, true),
            ("attachable-volumes-aws-ebs", false, true),
            ("requests.example.com/foo", false, false),
            ("example.com/a/b", false, false),
            ("foo", false, false),
        ];
        for (name, extended, scalar) in cases {
            assert_eq!(is_extended_resource_name(name), extended, "{name}");
            assert_eq!(is_scalar_resource_name(name), scalar, "{name}");
        }
    }
}
