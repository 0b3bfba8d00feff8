//! Per-kind object validation run by the API server on create and update, porting
//! upstream's checks and messages (pkg/apis/{core,apps,batch}/validation/validation.go)
//! for the fields kubesim models.

use crate::api::json::format_quantity;
use crate::api::selector::{LabelSelector, SelectorOperator};
use crate::api::types::{
    Body, Container, ContainerPort, Handler, IntOrString, Kind, Lifecycle, Object, ObjectMeta,
    PodSpec, Probe, Protocol, ResourceName, ResourceRequirements, RestartPolicy, StringMap,
    TaintEffect, Toleration, TolerationOperator, UnsatisfiableConstraintAction,
};
use crate::api::validation::{
    aggregate_message, go_quote, is_dns1123_label, is_qualified_name, is_valid_label_value,
    name_is_dns1035_label, name_is_dns_label, name_is_dns_subdomain, validate_annotations,
    validate_label_name, validate_labels, validate_object_meta_name, BadValue, ErrorList,
    FieldError, FieldPath, ValidateNameFn,
};

// Message constants of pkg/apis/core/validation/validation.go.
const IS_NEGATIVE_ERROR_MSG: &str = "must be greater than or equal to 0";
const IS_NOT_POSITIVE_ERROR_MSG: &str = "must be greater than zero";
const FIELD_IMMUTABLE_ERROR_MSG: &str = "field is immutable";
const PORT_RANGE_ERROR_MSG: &str = "must be between 1 and 65535, inclusive";

/// Validates `obj` as the API server does on create (`old` = `None`) or on update
/// (`old` = the stored object). Errors come in upstream's order.
pub fn validate_object(obj: &Object, old: Option<&Object>) -> ErrorList {
    let mut errs = validate_object_meta(&obj.meta, obj.kind());
    let old_body = old.map(|o| &o.body);
    match &obj.body {
        Body::Pod(pod) => {
            errs.extend(validate_pod_spec(&pod.spec, &FieldPath::new("spec")));
            if let Some(Body::Pod(old_pod)) = old_body {
                errs.extend(validate_pod_update(&pod.spec, &old_pod.spec));
            }
        }
        Body::ReplicaSet(rs) => {
            let spec = FieldPath::new("spec");
            validate_nonnegative(i64::from(rs.replicas), &spec.child("replicas"), &mut errs);
            validate_nonnegative(
                i64::from(rs.min_ready_seconds),
                &spec.child("minReadySeconds"),
                &mut errs,
            );
            validate_apps_selector_and_template(
                &rs.selector,
                &rs.template,
                "ReplicaSet",
                &spec,
                &mut errs,
            );
            if let Some(Body::ReplicaSet(old_rs)) = old_body {
                validate_selector_immutable(&rs.selector, &old_rs.selector, &spec, &mut errs);
            }
        }
        Body::ReplicationController(rc) => validate_rc(rc, &mut errs),
        Body::Deployment(d) => {
            validate_deployment_spec(d, &mut errs);
            if let Some(Body::Deployment(old_d)) = old_body {
                let spec = FieldPath::new("spec");
                validate_selector_immutable(&d.selector, &old_d.selector, &spec, &mut errs);
            }
        }
        Body::Job(job) => {
            validate_job_spec(job, &mut errs);
            validate_generated_selector(job, obj.meta.uid, &mut errs);
            if let Some(Body::Job(old_job)) = old_body {
                validate_job_update(job, old_job, &mut errs);
            }
        }
        Body::Service(svc) => validate_service(svc, &mut errs),
        Body::Node(node) => validate_node_taints(&node.spec.taints, &mut errs),
        Body::Endpoints(ep) => validate_endpoints(ep, &mut errs),
        Body::Event(ev) => validate_event(ev, &obj.meta, &mut errs),
        Body::Lease(lease) => validate_lease_spec(lease, &mut errs),
        Body::PriorityClass(pc) => match old_body {
            Some(Body::PriorityClass(old_pc)) => {
                validate_priority_class_update(pc, old_pc, &mut errs)
            }
            _ => validate_priority_class(pc, &obj.meta.name, &mut errs),
        },
        Body::Namespace(_) => {}
    }
    errs
}

/// The message of `errs.ToAggregate()`: one error as is, several as `[a, b]`.
pub fn render_errors(errors: &[FieldError]) -> String {
    aggregate_message(errors).unwrap_or_default()
}

// ---------------------------------------------------------------------------
// Go `%#v` renderings of values upstream reports as structs or maps
// ---------------------------------------------------------------------------

/// `%#v` of a `map[string]string` (keys sorted, as fmt prints maps); empty prints as nil,
/// which is what a manifest without the field decodes to.
fn go_map(map: &StringMap) -> String {
    if map.is_empty() {
        return "map[string]string(nil)".to_string();
    }
    let pairs: Vec<String> = map
        .iter()
        .map(|(k, v)| format!("{}:{}", go_quote(k), go_quote(v)))
        .collect();
    format!("map[string]string{{{}}}", pairs.join(", "))
}

/// `%#v` of a `[]string`.
fn go_string_slice<S: AsRef<str>>(items: &[S]) -> String {
    if items.is_empty() {
        return "[]string(nil)".to_string();
    }
    let quoted: Vec<String> = items.iter().map(|s| go_quote(s.as_ref())).collect();
    format!("[]string{{{}}}", quoted.join(", "))
}

/// Go prints a non-nil pointer nested in a struct as its address, which differs per run;
/// a fixed stand-in keeps messages deterministic.
const GO_POINTER_STANDIN: &str = "0xc000000000";

/// `%#v` of a `metav1.LabelSelector` (field.Invalid with `spec.selector`).
fn go_label_selector(sel: &LabelSelector) -> String {
    let exprs = if sel.match_expressions.is_empty() {
        "[]v1.LabelSelectorRequirement(nil)".to_string()
    } else {
        let items: Vec<String> = sel
            .match_expressions
            .iter()
            .map(|r| {
                format!(
                    "v1.LabelSelectorRequirement{{Key:{}, Operator:{}, Values:{}}}",
                    go_quote(&r.key),
                    go_quote(selector_operator_str(r.operator)),
                    go_string_slice(&r.values)
                )
            })
            .collect();
        format!("[]v1.LabelSelectorRequirement{{{}}}", items.join(", "))
    };
    format!(
        "v1.LabelSelector{{MatchLabels:{}, MatchExpressions:{}}}",
        go_map(&sel.match_labels),
        exprs
    )
}

/// metav1 knows only the set-based operators; `=`/`!=` from the string form map onto them.
fn selector_operator_str(op: SelectorOperator) -> &'static str {
    match op {
        SelectorOperator::In | SelectorOperator::Equals => "In",
        SelectorOperator::NotIn | SelectorOperator::NotEquals => "NotIn",
        SelectorOperator::Exists => "Exists",
        SelectorOperator::DoesNotExist => "DoesNotExist",
    }
}

/// `%#v` of an `intstr.IntOrString` (its `String()` has a pointer receiver, so upstream's
/// error body falls back to the raw struct).
fn go_int_or_string(v: &IntOrString) -> String {
    match v {
        IntOrString::Int(i) => format!("intstr.IntOrString{{Type:0, IntVal:{i}, StrVal:\"\"}}"),
        IntOrString::String(s) => {
            format!(
                "intstr.IntOrString{{Type:1, IntVal:0, StrVal:{}}}",
                go_quote(s)
            )
        }
    }
}

fn go_ptr(type_name: &str, present: bool) -> String {
    if present {
        format!("(*{type_name})({GO_POINTER_STANDIN})")
    } else {
        format!("(*{type_name})(nil)")
    }
}

fn toleration_operator_str(op: TolerationOperator) -> &'static str {
    match op {
        TolerationOperator::Equal => "Equal",
        TolerationOperator::Exists => "Exists",
    }
}

fn effect_str(effect: Option<TaintEffect>) -> &'static str {
    effect.map(TaintEffect::as_str).unwrap_or("")
}

/// `%#v` of a `core.Toleration`.
fn go_toleration(t: &Toleration) -> String {
    format!(
        "core.Toleration{{Key:{}, Operator:{}, Value:{}, Effect:{}, TolerationSeconds:{}}}",
        go_quote(&t.key),
        go_quote(toleration_operator_str(t.operator)),
        go_quote(&t.value),
        go_quote(effect_str(t.effect)),
        go_ptr("int64", t.toleration_seconds.is_some())
    )
}

fn raw(s: String) -> BadValue {
    BadValue::Raw(s)
}

// ---------------------------------------------------------------------------
// Small shared checks
// ---------------------------------------------------------------------------

/// `ValidateNonnegativeField`.
fn validate_nonnegative(value: i64, path: &FieldPath, errs: &mut ErrorList) {
    if value < 0 {
        errs.push(FieldError::invalid(path, value, IS_NEGATIVE_ERROR_MSG));
    }
}

/// `ValidateDNS1123Label`.
fn validate_dns1123_label(value: &str, path: &FieldPath, errs: &mut ErrorList) {
    for msg in is_dns1123_label(value) {
        errs.push(FieldError::invalid(path, value, msg));
    }
}

/// `validation.IsValidPortNum`.
fn is_valid_port_num(port: i64) -> bool {
    (1..=65535).contains(&port)
}

/// `validation.IsValidPortName`.
fn is_valid_port_name(port: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if port.len() > 15 {
        errs.push(crate::api::validation::max_len_error(15));
    }
    if port.is_empty()
        || !port
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        errs.push(
            "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)".to_string(),
        );
    }
    if !port.bytes().any(|b| b.is_ascii_lowercase()) {
        errs.push("must contain at least one letter (a-z)".to_string());
    }
    if port.contains("--") {
        errs.push("must not contain consecutive hyphens".to_string());
    }
    if port.starts_with('-') || port.ends_with('-') {
        errs.push("must not begin or end with a hyphen".to_string());
    }
    errs
}

/// `ValidatePortNumOrName`.
fn validate_port_num_or_name(port: &IntOrString, path: &FieldPath, errs: &mut ErrorList) {
    match port {
        IntOrString::Int(i) => {
            if !is_valid_port_num(i64::from(*i)) {
                errs.push(FieldError::invalid(path, *i, PORT_RANGE_ERROR_MSG));
            }
        }
        IntOrString::String(s) => {
            for msg in is_valid_port_name(s) {
                errs.push(FieldError::invalid(path, s.as_str(), msg));
            }
        }
    }
}

/// `ValidateImmutableField` for values already rendered the way upstream prints them.
fn validate_immutable(changed: bool, new_value: BadValue, path: &FieldPath, errs: &mut ErrorList) {
    if changed {
        errs.push(FieldError::invalid(
            path,
            new_value,
            FIELD_IMMUTABLE_ERROR_MSG,
        ));
    }
}

// ---------------------------------------------------------------------------
// ObjectMeta (staging/src/k8s.io/apimachinery/pkg/api/validation/objectmeta.go)
// ---------------------------------------------------------------------------

/// The name rule of each kind: `ValidatePodName`, `ValidateServiceName` (DNS-1035),
/// `ValidateNamespaceName` (DNS-1123 label), `ValidateNodeName`, ... (DNS subdomain).
fn name_fn(kind: Kind) -> ValidateNameFn {
    match kind {
        Kind::Namespace => name_is_dns_label,
        Kind::Service => name_is_dns1035_label,
        _ => name_is_dns_subdomain,
    }
}

/// `ValidateObjectMetaAccessor`: name/generateName, namespace (required for namespaced
/// kinds, forbidden otherwise), generation, labels, annotations and finalizers.
fn validate_object_meta(meta: &ObjectMeta, kind: Kind) -> ErrorList {
    let path = FieldPath::new("metadata");
    let mut errs = validate_object_meta_name(&meta.name, &meta.generate_name, name_fn(kind), &path);
    let ns_path = path.child("namespace");
    if kind.namespaced() {
        if meta.namespace.is_empty() {
            errs.push(FieldError::required(&ns_path, ""));
        } else {
            for msg in name_is_dns_label(&meta.namespace, false) {
                errs.push(FieldError::invalid(&ns_path, meta.namespace.as_str(), msg));
            }
        }
    } else if !meta.namespace.is_empty() {
        errs.push(FieldError::forbidden(&ns_path, "not allowed on this type"));
    }
    validate_nonnegative(meta.generation, &path.child("generation"), &mut errs);
    errs.extend(validate_labels(meta.labels.iter(), &path.child("labels")));
    errs.extend(validate_annotations(
        meta.annotations.iter(),
        &path.child("annotations"),
    ));
    // ValidateFinalizers: each a qualified name; orphan and foreground are exclusive.
    let fin_path = path.child("finalizers");
    for f in &meta.finalizers {
        for msg in is_qualified_name(f) {
            errs.push(FieldError::invalid(&fin_path, f.as_str(), msg));
        }
    }
    let has = |name: &str| meta.finalizers.iter().any(|f| f == name);
    if has("orphan") && has("foregroundDeletion") {
        errs.push(FieldError::invalid(
            &fin_path,
            raw(go_string_slice(&meta.finalizers)),
            "finalizer orphan and foregroundDeletion cannot be both set",
        ));
    }
    errs
}

// ---------------------------------------------------------------------------
// Pod spec (pkg/apis/core/validation/validation.go)
// ---------------------------------------------------------------------------

/// `ValidatePodSpec`, for the modelled fields, in upstream's order.
fn validate_pod_spec(spec: &PodSpec, path: &FieldPath) -> ErrorList {
    let mut errs = ErrorList::new();
    validate_volumes(spec, &path.child("volumes"), &mut errs);
    let grace = spec.termination_grace_period_seconds;
    validate_containers(
        &spec.containers,
        grace,
        &path.child("containers"),
        &mut errs,
    );
    validate_init_containers(spec, grace, &path.child("initContainers"), &mut errs);
    validate_host_network_deps(spec, path, &mut errs);
    errs.extend(validate_labels(
        spec.rare.node_selector.iter(),
        &path.child("nodeSelector"),
    ));
    validate_topology_spread_constraints(spec, &path.child("topologySpreadConstraints"), &mut errs);
    if !spec.node_name.is_empty() {
        for msg in name_is_dns_subdomain(&spec.node_name, false) {
            errs.push(FieldError::invalid(
                &path.child("nodeName"),
                spec.node_name.as_str(),
                msg,
            ));
        }
    }
    if let Some(ads) = spec.rare.active_deadline_seconds {
        if !(1..=i64::from(i32::MAX)).contains(&ads) {
            errs.push(FieldError::invalid(
                &path.child("activeDeadlineSeconds"),
                ads,
                format!("must be between 1 and {}, inclusive", i32::MAX),
            ));
        }
    }
    if !spec.rare.hostname.is_empty() {
        validate_dns1123_label(&spec.rare.hostname, &path.child("hostname"), &mut errs);
    }
    if !spec.rare.subdomain.is_empty() {
        validate_dns1123_label(&spec.rare.subdomain, &path.child("subdomain"), &mut errs);
    }
    validate_tolerations(&spec.tolerations, &path.child("tolerations"), &mut errs);
    if !spec.rare.priority_class_name.is_empty() {
        for msg in name_is_dns_subdomain(&spec.rare.priority_class_name, false) {
            errs.push(FieldError::invalid(
                &path.child("priorityClassName"),
                spec.rare.priority_class_name.as_str(),
                msg,
            ));
        }
    }
    errs
}

/// `ValidateVolumes`: names required, DNS-1123 labels, unique.
fn validate_volumes(spec: &PodSpec, path: &FieldPath, errs: &mut ErrorList) {
    let mut seen: Vec<&str> = Vec::new();
    for (i, vol) in spec.rare.volumes.iter().enumerate() {
        let name_path = path.index(i).child("name");
        if vol.name.is_empty() {
            errs.push(FieldError::required(&name_path, ""));
        } else {
            validate_dns1123_label(&vol.name, &name_path, errs);
        }
        if seen.contains(&vol.name.as_str()) {
            errs.push(FieldError::duplicate(&name_path, vol.name.as_str()));
        } else {
            seen.push(&vol.name);
        }
    }
}

/// `validateContainers`: the regular containers.
fn validate_containers(
    containers: &[Container],
    grace: i64,
    path: &FieldPath,
    errs: &mut ErrorList,
) {
    if containers.is_empty() {
        errs.push(FieldError::required(path, ""));
        return;
    }
    let mut names: Vec<&str> = Vec::new();
    for (i, ctr) in containers.iter().enumerate() {
        let cpath = path.index(i);
        validate_container_common(ctr, &cpath, errs);
        if names.contains(&ctr.name.as_str()) {
            errs.push(FieldError::duplicate(
                &cpath.child("name"),
                ctr.name.as_str(),
            ));
        } else {
            names.push(&ctr.name);
        }
        validate_container_hooks_and_probes(ctr, grace, &cpath, errs);
        if ctr.restart_policy.is_some() {
            errs.push(FieldError::forbidden(
                &cpath.child("restartPolicy"),
                "may not be set for non-init containers",
            ));
        }
    }
    check_host_port_conflicts(containers, path, errs);
}

/// `validateInitContainers`: names unique across init and regular containers; probes and
/// lifecycle only for sidecars (`restartPolicy: Always`).
fn validate_init_containers(spec: &PodSpec, grace: i64, path: &FieldPath, errs: &mut ErrorList) {
    let mut names: Vec<&str> = spec.containers.iter().map(|c| c.name.as_str()).collect();
    const NOT_SIDECAR: &str = "may not be set for init containers without restartPolicy=Always";
    for (i, ctr) in spec.rare.init_containers.iter().enumerate() {
        let cpath = path.index(i);
        validate_container_common(ctr, &cpath, errs);
        let sidecar = ctr.restart_policy == Some(RestartPolicy::Always);
        if let Some(policy) = ctr.restart_policy {
            if !sidecar {
                errs.push(FieldError::not_supported(
                    &cpath.child("restartPolicy"),
                    policy.as_str(),
                    &["Always"],
                ));
            }
        }
        if names.contains(&ctr.name.as_str()) {
            errs.push(FieldError::duplicate(
                &cpath.child("name"),
                ctr.name.as_str(),
            ));
        } else if !ctr.name.is_empty() {
            names.push(&ctr.name);
        }
        // Upstream checks each init container alone, so the index is always [0].
        check_host_port_conflicts(std::slice::from_ref(ctr), path, errs);
        if sidecar {
            validate_container_hooks_and_probes(ctr, grace, &cpath, errs);
        } else {
            if ctr.lifecycle.is_some() {
                errs.push(FieldError::forbidden(
                    &cpath.child("lifecycle"),
                    NOT_SIDECAR,
                ));
            }
            for (field, present) in [
                ("livenessProbe", ctr.liveness_probe.is_some()),
                ("readinessProbe", ctr.readiness_probe.is_some()),
                ("startupProbe", ctr.startup_probe.is_some()),
            ] {
                if present {
                    errs.push(FieldError::forbidden(&cpath.child(field), NOT_SIDECAR));
                }
            }
        }
    }
}

/// `validateContainerCommon`: name, image, ports, resources.
fn validate_container_common(ctr: &Container, path: &FieldPath, errs: &mut ErrorList) {
    let name_path = path.child("name");
    if ctr.name.is_empty() {
        errs.push(FieldError::required(&name_path, ""));
    } else {
        validate_dns1123_label(&ctr.name, &name_path, errs);
    }
    if ctr.image.is_empty() {
        errs.push(FieldError::required(&path.child("image"), ""));
    }
    validate_container_ports(&ctr.ports, &path.child("ports"), errs);
    validate_resource_requirements(&ctr.resources, &path.child("resources"), errs);
}

/// `validateContainerPorts`.
fn validate_container_ports(ports: &[ContainerPort], path: &FieldPath, errs: &mut ErrorList) {
    let mut names: Vec<&str> = Vec::new();
    for (i, port) in ports.iter().enumerate() {
        let ppath = path.index(i);
        if !port.name.is_empty() {
            let msgs = is_valid_port_name(&port.name);
            if !msgs.is_empty() {
                for msg in msgs {
                    errs.push(FieldError::invalid(
                        &ppath.child("name"),
                        port.name.as_str(),
                        msg,
                    ));
                }
            } else if names.contains(&port.name.as_str()) {
                errs.push(FieldError::duplicate(
                    &ppath.child("name"),
                    port.name.as_str(),
                ));
            } else {
                names.push(&port.name);
            }
        }
        if port.container_port == 0 {
            errs.push(FieldError::required(&ppath.child("containerPort"), ""));
        } else if !is_valid_port_num(i64::from(port.container_port)) {
            errs.push(FieldError::invalid(
                &ppath.child("containerPort"),
                port.container_port,
                PORT_RANGE_ERROR_MSG,
            ));
        }
        if port.host_port != 0 && !is_valid_port_num(i64::from(port.host_port)) {
            errs.push(FieldError::invalid(
                &ppath.child("hostPort"),
                port.host_port,
                PORT_RANGE_ERROR_MSG,
            ));
        }
    }
}

/// `AccumulateUniqueHostPorts`: a `hostIP/protocol/hostPort` may be used once.
fn check_host_port_conflicts(containers: &[Container], path: &FieldPath, errs: &mut ErrorList) {
    let mut seen: Vec<String> = Vec::new();
    for (ci, ctr) in containers.iter().enumerate() {
        for (pi, port) in ctr.ports.iter().enumerate() {
            if port.host_port == 0 {
                continue;
            }
            let key = format!(
                "{}/{}/{}",
                port.host_ip,
                port.protocol.as_str(),
                port.host_port
            );
            if seen.contains(&key) {
                let p = path.index(ci).child("ports").index(pi).child("hostPort");
                errs.push(FieldError::duplicate(&p, key));
            } else {
                seen.push(key);
            }
        }
    }
}

/// `helper.IsOvercommitAllowed`: native resources other than hugepages.
fn is_overcommit_allowed(name: &ResourceName) -> bool {
    let s = name.as_str();
    let native = !s.contains('/') || s.contains("kubernetes.io/");
    native && !s.starts_with("hugepages-")
}

/// `ValidateContainerResourceRequirements`: quantities non-negative, requests <= limits
/// (equal for resources that cannot be overcommitted).
fn validate_resource_requirements(
    req: &ResourceRequirements,
    path: &FieldPath,
    errs: &mut ErrorList,
) {
    let lim_path = path.child("limits");
    let req_path = path.child("requests");
    for (name, amount) in req.limits.iter() {
        if amount < 0 {
            errs.push(FieldError::invalid(
                &lim_path.key(name.as_str()),
                format_quantity(name, amount),
                IS_NEGATIVE_ERROR_MSG,
            ));
        }
    }
    for (name, amount) in req.requests.iter() {
        let q = format_quantity(name, amount);
        if amount < 0 {
            errs.push(FieldError::invalid(
                &req_path.key(name.as_str()),
                q.clone(),
                IS_NEGATIVE_ERROR_MSG,
            ));
        }
        match req.limits.get(name) {
            Some(limit) => {
                let lq = format_quantity(name, limit);
                if amount != limit && !is_overcommit_allowed(name) {
                    errs.push(FieldError::invalid(
                        &req_path,
                        q,
                        format!("must be equal to {} limit of {lq}", name.as_str()),
                    ));
                } else if amount > limit {
                    errs.push(FieldError::invalid(
                        &req_path,
                        q,
                        format!(
                            "must be less than or equal to {} limit of {lq}",
                            name.as_str()
                        ),
                    ));
                }
            }
            None if !is_overcommit_allowed(name) => errs.push(FieldError::required(
                &lim_path,
                "Limit must be set for non overcommitable resources",
            )),
            None => {}
        }
    }
}

/// The lifecycle hooks and probes of a regular container or sidecar
/// (`validateLifecycle`, `validateLivenessProbe`, `validateReadinessProbe`,
/// `validateStartupProbe`).
fn validate_container_hooks_and_probes(
    ctr: &Container,
    grace: i64,
    path: &FieldPath,
    errs: &mut ErrorList,
) {
    if let Some(lc) = &ctr.lifecycle {
        validate_lifecycle(lc, grace, &path.child("lifecycle"), errs);
    }
    let probes: [(&str, &Option<Box<Probe>>, bool); 3] = [
        ("livenessProbe", &ctr.liveness_probe, true),
        ("readinessProbe", &ctr.readiness_probe, false),
        ("startupProbe", &ctr.startup_probe, true),
    ];
    for (field, probe, success_must_be_one) in probes {
        let Some(probe) = probe else { continue };
        let ppath = path.child(field);
        validate_probe(probe, grace, &ppath, errs);
        if success_must_be_one && probe.success_threshold != 1 {
            errs.push(FieldError::invalid(
                &ppath.child("successThreshold"),
                probe.success_threshold,
                "must be 1",
            ));
        }
    }
}

/// `validateProbe`.
fn validate_probe(probe: &Probe, grace: i64, path: &FieldPath, errs: &mut ErrorList) {
    validate_handler(&probe.handler, grace, path, errs);
    for (field, value) in [
        ("initialDelaySeconds", probe.initial_delay_seconds),
        ("timeoutSeconds", probe.timeout_seconds),
        ("periodSeconds", probe.period_seconds),
        ("successThreshold", probe.success_threshold),
        ("failureThreshold", probe.failure_threshold),
    ] {
        validate_nonnegative(i64::from(value), &path.child(field), errs);
    }
    if let Some(t) = probe.termination_grace_period_seconds {
        if t <= 0 {
            errs.push(FieldError::invalid(
                &path.child("terminationGracePeriodSeconds"),
                t,
                "must be greater than 0",
            ));
        }
    }
}

/// `validateLifecycle`.
fn validate_lifecycle(lc: &Lifecycle, grace: i64, path: &FieldPath, errs: &mut ErrorList) {
    if let Some(h) = &lc.post_start {
        validate_handler(h, grace, &path.child("postStart"), errs);
    }
    if let Some(h) = &lc.pre_stop {
        validate_handler(h, grace, &path.child("preStop"), errs);
    }
}

/// `validateHandler` with `validateExecAction`, `validateHTTPGetAction`,
/// `validateTCPSocketAction`, `validateGRPCAction` and `validateSleepAction`.
fn validate_handler(h: &Handler, grace: i64, path: &FieldPath, errs: &mut ErrorList) {
    match h {
        Handler::Exec { command } => {
            if command.is_empty() {
                errs.push(FieldError::required(
                    &path.child("exec").child("command"),
                    "",
                ));
            }
        }
        Handler::HttpGet {
            path: p,
            port,
            scheme,
        } => {
            let hpath = path.child("httpGet");
            if p.is_empty() {
                errs.push(FieldError::required(&hpath.child("path"), ""));
            }
            validate_port_num_or_name(port, &hpath.child("port"), errs);
            // An empty scheme is the unset field, defaulted to HTTP.
            if !scheme.is_empty() && scheme != "HTTP" && scheme != "HTTPS" {
                errs.push(FieldError::not_supported(
                    &hpath.child("scheme"),
                    scheme.as_str(),
                    &["HTTP", "HTTPS"],
                ));
            }
        }
        Handler::TcpSocket { port } => {
            validate_port_num_or_name(port, &path.child("tcpSocket").child("port"), errs);
        }
        Handler::Grpc { port, .. } => {
            if !is_valid_port_num(i64::from(*port)) {
                errs.push(FieldError::invalid(
                    &path.child("grpc").child("port"),
                    *port,
                    PORT_RANGE_ERROR_MSG,
                ));
            }
        }
        Handler::Sleep { seconds } => {
            if *seconds < 0 || *seconds > grace {
                errs.push(FieldError::invalid(
                    &path.child("sleep"),
                    *seconds,
                    format!(
                        "must be non-negative and less than terminationGracePeriodSeconds ({grace})"
                    ),
                ));
            }
        }
    }
}

/// `validatePodHostNetworkDeps`: with hostNetwork, a set hostPort must equal the
/// containerPort (an unset one is defaulted to it, so 0 passes).
fn validate_host_network_deps(spec: &PodSpec, path: &FieldPath, errs: &mut ErrorList) {
    if !spec.host_network {
        return;
    }
    for (i, ctr) in spec.containers.iter().enumerate() {
        for (j, port) in ctr.ports.iter().enumerate() {
            if port.host_port != 0 && port.host_port != port.container_port {
                let p = path.child("containers").index(i).child("ports").index(j);
                errs.push(FieldError::invalid(
                    &p.child("hostPort"),
                    port.host_port,
                    "must match `containerPort` when `hostNetwork` is true",
                ));
            }
        }
    }
}

/// `validateTopologySpreadConstraints`: maxSkew, topologyKey, repeats and minDomains.
fn validate_topology_spread_constraints(spec: &PodSpec, path: &FieldPath, errs: &mut ErrorList) {
    let cs = &spec.rare.topology_spread_constraints;
    for (i, c) in cs.iter().enumerate() {
        let p = path.index(i);
        if c.max_skew <= 0 {
            errs.push(FieldError::invalid(
                &p.child("maxSkew"),
                c.max_skew,
                IS_NOT_POSITIVE_ERROR_MSG,
            ));
        }
        if c.topology_key.is_empty() {
            errs.push(FieldError::required(
                &p.child("topologyKey"),
                "can not be empty",
            ));
        }
        let action = match c.when_unsatisfiable {
            UnsatisfiableConstraintAction::DoNotSchedule => "DoNotSchedule",
            UnsatisfiableConstraintAction::ScheduleAnyway => "ScheduleAnyway",
        };
        let repeated = cs[i + 1..].iter().any(|o| {
            o.topology_key == c.topology_key && o.when_unsatisfiable == c.when_unsatisfiable
        });
        if repeated {
            errs.push(FieldError::duplicate(
                &p.child("{topologyKey, whenUnsatisfiable}"),
                format!("{{{}, {action}}}", c.topology_key),
            ));
        }
        if let Some(min) = c.min_domains {
            let mp = p.child("minDomains");
            if min <= 0 {
                errs.push(FieldError::invalid(&mp, min, IS_NOT_POSITIVE_ERROR_MSG));
            }
            if c.when_unsatisfiable != UnsatisfiableConstraintAction::DoNotSchedule {
                errs.push(FieldError::invalid(
                    &mp,
                    min,
                    format!(
                        "can only use minDomains if whenUnsatisfiable=DoNotSchedule, not {action}"
                    ),
                ));
            }
        }
    }
}

/// `ValidateTolerations`.
fn validate_tolerations(tolerations: &[Toleration], path: &FieldPath, errs: &mut ErrorList) {
    for (i, t) in tolerations.iter().enumerate() {
        let p = path.index(i);
        if !t.key.is_empty() {
            errs.extend(validate_label_name(&t.key, &p.child("key")));
        }
        let op = toleration_operator_str(t.operator);
        if t.key.is_empty() && t.operator != TolerationOperator::Exists {
            errs.push(FieldError::invalid(
                &p.child("operator"),
                op,
                "operator must be Exists when `key` is empty, which means \"match all values and all keys\"",
            ));
        }
        if t.toleration_seconds.is_some() && t.effect != Some(TaintEffect::NoExecute) {
            errs.push(FieldError::invalid(
                &p.child("effect"),
                effect_str(t.effect),
                "effect must be 'NoExecute' when `tolerationSeconds` is set",
            ));
        }
        match t.operator {
            TolerationOperator::Equal => {
                let msgs = is_valid_label_value(&t.value);
                if !msgs.is_empty() {
                    errs.push(FieldError::invalid(
                        &p.child("operator"),
                        t.value.as_str(),
                        msgs.join(";"),
                    ));
                }
            }
            TolerationOperator::Exists => {
                if !t.value.is_empty() {
                    errs.push(FieldError::invalid(
                        &p.child("operator"),
                        raw(go_toleration(t)),
                        "value must be empty when `operator` is 'Exists'",
                    ));
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Pod update (ValidatePodUpdate)
// ---------------------------------------------------------------------------

/// The list in upstream's "pod updates may not change fields other than" message.
const UPDATABLE_POD_SPEC_FIELDS: &str = "`spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)";

/// `ValidatePodUpdate`: only images, activeDeadlineSeconds (shortened), added
/// tolerations and a negative grace period raised to 1 may change.
fn validate_pod_update(new: &PodSpec, old: &PodSpec) -> ErrorList {
    let spec_path = FieldPath::new("spec");
    let mut errs = ErrorList::new();
    for (field, new_c, old_c) in [
        ("containers", &new.containers, &old.containers),
        (
            "initContainers",
            &new.rare.init_containers,
            &old.rare.init_containers,
        ),
    ] {
        let p = spec_path.child(field);
        // ValidateContainerUpdates
        if new_c.len() != old_c.len() {
            errs.push(FieldError::forbidden(
                &p,
                "pod updates may not add or remove containers",
            ));
            return errs;
        }
        for (i, c) in new_c.iter().enumerate() {
            if c.image.is_empty() {
                errs.push(FieldError::required(&p.index(i).child("image"), ""));
            }
            if c.image.trim() != c.image.as_str() {
                errs.push(FieldError::invalid(
                    &p.index(i).child("image"),
                    c.image.as_str(),
                    "must not have leading or trailing whitespace",
                ));
            }
        }
    }
    let ads_path = spec_path.child("activeDeadlineSeconds");
    match (
        new.rare.active_deadline_seconds,
        old.rare.active_deadline_seconds,
    ) {
        (Some(n), _) if !(0..=i64::from(i32::MAX)).contains(&n) => {
            errs.push(FieldError::invalid(
                &ads_path,
                n,
                format!("must be between 0 and {}, inclusive", i32::MAX),
            ));
            return errs;
        }
        (Some(n), Some(o)) if o < n => {
            errs.push(FieldError::invalid(
                &ads_path,
                n,
                "must be less than or equal to previous value",
            ));
            return errs;
        }
        (None, Some(_)) => errs.push(FieldError {
            kind: crate::api::validation::ErrorKind::Invalid,
            field: ads_path.to_string(),
            bad_value: None,
            detail: "must not update from a positive integer to nil value".to_string(),
        }),
        _ => {}
    }
    // validateOnlyAddedTolerations: every old toleration must survive (tolerationSeconds
    // may change).
    let tol_path = spec_path.child("tolerations");
    let kept = old.tolerations.iter().all(|o| {
        new.tolerations.iter().any(|n| {
            n.key == o.key && n.operator == o.operator && n.value == o.value && n.effect == o.effect
        })
    });
    if !kept {
        errs.push(FieldError::forbidden(
            &tol_path,
            "existing toleration can not be modified except its tolerationSeconds",
        ));
    } else {
        validate_tolerations(&new.tolerations, &tol_path, &mut errs);
    }
    if new == old {
        return errs;
    }
    let mut munged = new.clone();
    for (c, o) in munged.containers.iter_mut().zip(&old.containers) {
        c.image = o.image.clone();
    }
    for (c, o) in munged
        .rare
        .init_containers
        .iter_mut()
        .zip(&old.rare.init_containers)
    {
        c.image = o.image.clone();
    }
    munged.rare.active_deadline_seconds = old.rare.active_deadline_seconds;
    munged.tolerations = old.tolerations.clone();
    if old.termination_grace_period_seconds < 0 && munged.termination_grace_period_seconds == 1 {
        munged.termination_grace_period_seconds = old.termination_grace_period_seconds;
    }
    if munged != *old {
        // Upstream appends a cmp.Diff of the two specs on the following lines; not rendered.
        errs.push(FieldError::forbidden(
            &spec_path,
            format!("pod updates may not change fields other than {UPDATABLE_POD_SPEC_FIELDS}"),
        ));
    }
    errs
}

// ---------------------------------------------------------------------------
// Workloads (pkg/apis/apps/validation, pkg/apis/core/validation for RCs)
// ---------------------------------------------------------------------------

/// `ValidatePodTemplateSpec`: template labels (at `template.labels`, as upstream),
/// annotations and the pod spec.
fn validate_pod_template(
    labels: &StringMap,
    annotations: &StringMap,
    spec: &PodSpec,
    path: &FieldPath,
    errs: &mut ErrorList,
) {
    errs.extend(validate_labels(labels.iter(), &path.child("labels")));
    errs.extend(validate_annotations(
        annotations.iter(),
        &path.child("annotations"),
    ));
    errs.extend(validate_pod_spec(spec, &path.child("spec")));
}

/// The `selector` / template labels mismatch error.
fn selector_mismatch(labels: &StringMap, template_path: &FieldPath) -> FieldError {
    FieldError::invalid(
        &template_path.child("metadata").child("labels"),
        raw(go_map(labels)),
        "`selector` does not match template `labels`",
    )
}

/// `ValidateLabelSelector` (apimachinery/pkg/apis/meta/v1/validation).
fn validate_label_selector(sel: &LabelSelector, path: &FieldPath, errs: &mut ErrorList) {
    for (i, r) in sel.match_expressions.iter().enumerate() {
        let p = path.child("matchExpressions").index(i);
        match r.operator {
            SelectorOperator::In
            | SelectorOperator::NotIn
            | SelectorOperator::Equals
            | SelectorOperator::NotEquals => {
                if r.values.is_empty() {
                    errs.push(FieldError::required(
                        &p.child("values"),
                        "must be specified when `operator` is 'In' or 'NotIn'",
                    ));
                }
            }
            SelectorOperator::Exists | SelectorOperator::DoesNotExist => {
                if !r.values.is_empty() {
                    errs.push(FieldError::forbidden(
                        &p.child("values"),
                        "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
                    ));
                }
            }
        }
        errs.extend(validate_label_name(&r.key, &p.child("key")));
    }
    errs.extend(validate_labels(
        sel.match_labels.iter(),
        &path.child("matchLabels"),
    ));
}

/// The selector part of `ValidateReplicaSetSpec`/`ValidateDeploymentSpec` and
/// `ValidatePodTemplateSpecForReplicaSet`. The model cannot tell a missing selector from
/// `{}`; it is treated as missing (the common case), which upstream reports as Required
/// and, since a nil selector matches nothing, as a template mismatch too.
fn validate_apps_selector_and_template(
    selector: &LabelSelector,
    template: &crate::api::types::PodTemplateSpec,
    kind: &str,
    spec: &FieldPath,
    errs: &mut ErrorList,
) {
    let sel_path = spec.child("selector");
    let tpath = spec.child("template");
    if selector.is_empty() {
        errs.push(FieldError::required(&sel_path, ""));
        errs.push(selector_mismatch(&template.labels, &tpath));
    } else {
        validate_label_selector(selector, &sel_path, errs);
        if !selector.matches(&template.labels) {
            errs.push(selector_mismatch(&template.labels, &tpath));
        }
    }
    validate_pod_template(
        &template.labels,
        &template.annotations,
        &template.spec,
        &tpath,
        errs,
    );
    validate_template_restart_always(&template.spec, kind, &tpath, errs);
}

/// The tail of `ValidatePodTemplateSpecForReplicaSet`/`ValidatePodTemplateSpecForRC`.
fn validate_template_restart_always(
    spec: &PodSpec,
    kind: &str,
    tpath: &FieldPath,
    errs: &mut ErrorList,
) {
    if spec.restart_policy != RestartPolicy::Always {
        errs.push(FieldError::not_supported(
            &tpath.child("spec").child("restartPolicy"),
            spec.restart_policy.as_str(),
            &["Always"],
        ));
    }
    if spec.rare.active_deadline_seconds.is_some() {
        errs.push(FieldError::forbidden(
            &tpath.child("spec").child("activeDeadlineSeconds"),
            format!("activeDeadlineSeconds in {kind} is not Supported"),
        ));
    }
}

/// The apps/v1 strategies' `ValidateUpdate`: `spec.selector` may not change.
fn validate_selector_immutable(
    new: &LabelSelector,
    old: &LabelSelector,
    spec: &FieldPath,
    errs: &mut ErrorList,
) {
    validate_immutable(
        new != old,
        raw(go_label_selector(new)),
        &spec.child("selector"),
        errs,
    );
}

/// `ValidateReplicationControllerSpec` with `ValidatePodTemplateSpecForRC`.
fn validate_rc(rc: &crate::api::types::ReplicationController, errs: &mut ErrorList) {
    let spec = FieldPath::new("spec");
    validate_nonnegative(
        i64::from(rc.min_ready_seconds),
        &spec.child("minReadySeconds"),
        errs,
    );
    if rc.selector.is_empty() {
        errs.push(FieldError::required(&spec.child("selector"), ""));
    }
    validate_nonnegative(i64::from(rc.replicas), &spec.child("replicas"), errs);
    let tpath = spec.child("template");
    let Some(template) = &rc.template else {
        errs.push(FieldError::required(&tpath, ""));
        return;
    };
    if !rc.selector.is_empty() && !template.labels.contains_all(&rc.selector) {
        errs.push(selector_mismatch(&template.labels, &tpath));
    }
    validate_pod_template(
        &template.labels,
        &template.annotations,
        &template.spec,
        &tpath,
        errs,
    );
    validate_template_restart_always(&template.spec, "ReplicationController", &tpath, errs);
}

/// `ValidateDeploymentSpec`.
fn validate_deployment_spec(d: &crate::api::types::Deployment, errs: &mut ErrorList) {
    let spec = FieldPath::new("spec");
    validate_nonnegative(i64::from(d.replicas), &spec.child("replicas"), errs);
    validate_apps_selector_and_template(&d.selector, &d.template, "ReplicaSet", &spec, errs);
    if let crate::api::types::DeploymentStrategy::RollingUpdate {
        max_surge,
        max_unavailable,
    } = &d.strategy
    {
        validate_rolling_update(
            max_surge,
            max_unavailable,
            &spec.child("strategy").child("rollingUpdate"),
            errs,
        );
    }
    validate_nonnegative(
        i64::from(d.min_ready_seconds),
        &spec.child("minReadySeconds"),
        errs,
    );
    if let Some(limit) = d.revision_history_limit {
        validate_nonnegative(i64::from(limit), &spec.child("revisionHistoryLimit"), errs);
    }
    if let Some(revision) = d.rollback_to {
        // ValidateRollback, at upstream's path `spec.rollback.revision`.
        validate_nonnegative(revision, &spec.child("rollback").child("revision"), errs);
    }
    if let Some(pds) = d.progress_deadline_seconds {
        let p = spec.child("progressDeadlineSeconds");
        validate_nonnegative(i64::from(pds), &p, errs);
        if pds <= d.min_ready_seconds {
            errs.push(FieldError::invalid(
                &p,
                pds,
                "must be greater than minReadySeconds",
            ));
        }
    }
}

/// `getPercentValue`: the number of a valid percent string.
fn percent_value(v: &IntOrString) -> Option<i64> {
    match v {
        IntOrString::String(s) if is_valid_percent(s) => {
            Some(s[..s.len() - 1].parse::<i64>().unwrap_or(i64::MAX))
        }
        _ => None,
    }
}

/// `validation.IsValidPercent`: `^[0-9]+%$`.
fn is_valid_percent(s: &str) -> bool {
    s.len() > 1 && s.ends_with('%') && s[..s.len() - 1].bytes().all(|b| b.is_ascii_digit())
}

/// `getIntOrPercentValue` (`IntValue()` of a non-percent string is its `Atoi`, 0 if
/// not a number).
fn int_or_percent_value(v: &IntOrString) -> i64 {
    match (percent_value(v), v) {
        (Some(p), _) => p,
        (None, IntOrString::Int(i)) => i64::from(*i),
        (None, IntOrString::String(s)) => s.parse::<i32>().map(i64::from).unwrap_or(0),
    }
}

/// `ValidatePositiveIntOrPercent`.
fn validate_positive_int_or_percent(v: &IntOrString, path: &FieldPath, errs: &mut ErrorList) {
    match v {
        IntOrString::String(s) => {
            if !is_valid_percent(s) {
                errs.push(FieldError::invalid(
                    path,
                    raw(go_int_or_string(v)),
                    crate::api::validation::regex_error(
                        "a valid percent string must be a numeric string followed by an ending '%'",
                        "[0-9]+%",
                        &["1%", "93%"],
                    ),
                ));
            }
        }
        IntOrString::Int(i) => validate_nonnegative(i64::from(*i), path, errs),
    }
}

/// `ValidateRollingUpdateDeployment`.
fn validate_rolling_update(
    max_surge: &IntOrString,
    max_unavailable: &IntOrString,
    path: &FieldPath,
    errs: &mut ErrorList,
) {
    let mu_path = path.child("maxUnavailable");
    validate_positive_int_or_percent(max_unavailable, &mu_path, errs);
    validate_positive_int_or_percent(max_surge, &path.child("maxSurge"), errs);
    if int_or_percent_value(max_unavailable) == 0 && int_or_percent_value(max_surge) == 0 {
        errs.push(FieldError::invalid(
            &mu_path,
            raw(go_int_or_string(max_unavailable)),
            "may not be 0 when `maxSurge` is 0",
        ));
    }
    // IsNotMoreThan100Percent
    if percent_value(max_unavailable).is_some_and(|p| p > 100) {
        errs.push(FieldError::invalid(
            &mu_path,
            raw(go_int_or_string(max_unavailable)),
            "must not be greater than 100%",
        ));
    }
}

// ---------------------------------------------------------------------------
// Jobs (pkg/apis/batch/validation/validation.go)
// ---------------------------------------------------------------------------

/// `ValidateJobSpec` with `validateJobSpec`. kubesim does not generate a Job's selector
/// (upstream's strategy does, from the UID), so a missing selector is only an error with
/// `manualSelector: true`.
/// job strategy validateGeneratedSelector (pkg/registry/batch/job/strategy.go): without
/// `manualSelector`, the selector (generated on create) must select exactly the pods labelled
/// with this Job's controller UID. A selector written by the user fails it.
fn validate_generated_selector(
    job: &crate::api::types::Job,
    uid: crate::api::types::Uid,
    errs: &mut ErrorList,
) {
    if job.manual_selector {
        return;
    }
    let Some(sel) = &job.selector else {
        return;
    };
    let mut expected = StringMap::new();
    expected.insert("batch.kubernetes.io/controller-uid", uid.to_string());
    if !sel.matches(&expected) {
        // metav1.LabelSelector's String(), as field.Invalid prints it.
        let labels: String = sel
            .match_labels
            .iter()
            .map(|(k, v)| format!("{k}: {v},"))
            .collect();
        errs.push(FieldError::invalid(
            &FieldPath::new("spec").child("selector"),
            raw(format!(
                "&LabelSelector{{MatchLabels:map[string]string{{{labels}}},MatchExpressions:[]LabelSelectorRequirement{{}},}}"
            )),
            "`selector` not auto-generated",
        ));
    }
}

fn validate_job_spec(job: &crate::api::types::Job, errs: &mut ErrorList) {
    let spec = FieldPath::new("spec");
    validate_nonnegative(i64::from(job.parallelism), &spec.child("parallelism"), errs);
    if let Some(c) = job.completions {
        validate_nonnegative(i64::from(c), &spec.child("completions"), errs);
    }
    if let Some(ads) = job.active_deadline_seconds {
        validate_nonnegative(ads, &spec.child("activeDeadlineSeconds"), errs);
    }
    validate_nonnegative(
        i64::from(job.backoff_limit),
        &spec.child("backoffLimit"),
        errs,
    );
    if let Some(ttl) = job.ttl_seconds_after_finished {
        validate_nonnegative(i64::from(ttl), &spec.child("ttlSecondsAfterFinished"), errs);
    }
    if job.completion_mode == crate::api::types::CompletionMode::Indexed {
        if job.completions.is_none() {
            errs.push(FieldError::required(
                &spec.child("completions"),
                "when completion mode is Indexed",
            ));
        }
        if job.parallelism > 100_000 {
            errs.push(FieldError::invalid(
                &spec.child("parallelism"),
                job.parallelism,
                "must be less than or equal to 100000 when completion mode is Indexed",
            ));
        }
    }
    let tpath = spec.child("template");
    let t = &job.template;
    validate_pod_template(&t.labels, &t.annotations, &t.spec, &tpath, errs);
    let rp_path = tpath.child("spec").child("restartPolicy");
    if t.spec.restart_policy == RestartPolicy::Always {
        errs.push(FieldError::required(
            &rp_path,
            "valid values: \"OnFailure\", \"Never\"",
        ));
    }
    match &job.selector {
        None if job.manual_selector => {
            errs.push(FieldError::required(&spec.child("selector"), ""));
            // LabelSelectorAsSelector(nil) matches nothing.
            errs.push(selector_mismatch(&t.labels, &tpath));
        }
        None => {}
        Some(sel) => {
            validate_label_selector(sel, &spec.child("selector"), errs);
            if !sel.matches(&t.labels) {
                errs.push(selector_mismatch(&t.labels, &tpath));
            }
        }
    }
}

/// `ValidateJobSpecUpdate`: completions (unless Indexed and changed in tandem with
/// parallelism), selector, completionMode and the template are immutable; a suspended Job
/// that never started may change its template's scheduling directives.
fn validate_job_update(
    job: &crate::api::types::Job,
    old: &crate::api::types::Job,
    errs: &mut ErrorList,
) {
    let spec = FieldPath::new("spec");
    let cpath = spec.child("completions");
    let completions_value = || match job.completions {
        Some(c) => BadValue::from(c),
        None => BadValue::Raw("null".to_string()),
    };
    if job.completions != old.completions {
        if job.completion_mode == crate::api::types::CompletionMode::Indexed {
            if let Some(c) = job.completions {
                if c != job.parallelism {
                    errs.push(FieldError::invalid(
                        &cpath,
                        c,
                        "can only be modified in tandem with spec.parallelism",
                    ));
                }
            }
        } else {
            validate_immutable(true, completions_value(), &cpath, errs);
        }
    }
    let selector_value = match &job.selector {
        Some(sel) => raw(go_label_selector(sel)),
        None => BadValue::Raw("null".to_string()),
    };
    validate_immutable(
        job.selector != old.selector,
        selector_value,
        &spec.child("selector"),
        errs,
    );
    // validatePodTemplateUpdate
    let mut old_template = old.template.clone();
    if job.suspend && old.status.start_time.is_none() {
        old_template.spec.rare.node_selector = job.template.spec.rare.node_selector.clone();
        old_template.spec.tolerations = job.template.spec.tolerations.clone();
        old_template.spec.affinity = job.template.spec.affinity.clone();
        old_template.annotations = job.template.annotations.clone();
        old_template.labels = job.template.labels.clone();
    }
    // Upstream prints the whole core.PodTemplateSpec with %#v; it is abbreviated here.
    validate_immutable(
        job.template != old_template,
        BadValue::Raw(
            "core.PodTemplateSpec{ObjectMeta:v1.ObjectMeta{...}, Spec:core.PodSpec{...}}"
                .to_string(),
        ),
        &spec.child("template"),
        errs,
    );
    let mode = |m: crate::api::types::CompletionMode| match m {
        crate::api::types::CompletionMode::NonIndexed => "NonIndexed",
        crate::api::types::CompletionMode::Indexed => "Indexed",
    };
    validate_immutable(
        job.completion_mode != old.completion_mode,
        BadValue::from(mode(job.completion_mode)),
        &spec.child("completionMode"),
        errs,
    );
}

// ---------------------------------------------------------------------------
// Services, nodes, endpoints, events (pkg/apis/core/validation/validation.go)
// ---------------------------------------------------------------------------

/// The node port range the API server allocates from (`--service-node-port-range`).
const NODE_PORT_RANGE: std::ops::RangeInclusive<i32> = 30000..=32767;

/// `%#v` of the `core.ServicePort{Protocol, Port}` key of upstream's duplicate check.
fn go_service_port_key(protocol: Protocol, port: i32) -> String {
    format!(
        "core.ServicePort{{Name:\"\", Protocol:{}, AppProtocol:(*string)(nil), Port:{port}, TargetPort:intstr.IntOrString{{Type:0, IntVal:0, StrVal:\"\"}}, NodePort:0}}",
        go_quote(protocol.as_str())
    )
}

/// `ValidateService`. A nodePort outside the range is reported alone, as upstream's
/// allocator rejects it before validation runs.
fn validate_service(svc: &crate::api::types::Service, errs: &mut ErrorList) {
    use crate::api::types::ServiceType;
    let spec = FieldPath::new("spec");
    let ports_path = spec.child("ports");
    if matches!(svc.type_, ServiceType::NodePort | ServiceType::LoadBalancer) {
        for (i, p) in svc.ports.iter().enumerate() {
            if p.node_port != 0 && !NODE_PORT_RANGE.contains(&p.node_port) {
                errs.push(FieldError::invalid(
                    &ports_path.index(i).child("nodePort"),
                    p.node_port,
                    "provided port is not in the valid range. The range of valid ports is 30000-32767",
                ));
                return;
            }
        }
    }
    let headless = svc.cluster_ip == "None";
    if svc.ports.is_empty() && !headless && svc.type_ != ServiceType::ExternalName {
        errs.push(FieldError::required(&ports_path, ""));
    }
    let cluster_ip0 = spec.child("clusterIPs").index(0);
    match svc.type_ {
        ServiceType::LoadBalancer => {
            if headless {
                errs.push(FieldError::invalid(
                    &cluster_ip0,
                    "None",
                    "may not be set to 'None' for LoadBalancer services",
                ));
            }
            for (i, p) in svc.ports.iter().enumerate() {
                if p.port == 10250 {
                    errs.push(FieldError::invalid(
                        &ports_path.index(i),
                        p.port,
                        "may not expose port 10250 externally since it is used by kubelet",
                    ));
                }
            }
        }
        ServiceType::NodePort => {
            if headless {
                errs.push(FieldError::invalid(
                    &cluster_ip0,
                    "None",
                    "may not be set to 'None' for NodePort services",
                ));
            }
        }
        ServiceType::ExternalName => {
            if !svc.cluster_ip.is_empty() {
                errs.push(FieldError::forbidden(
                    &spec.child("clusterIPs"),
                    "may not be set for ExternalName services",
                ));
            }
            let cname = svc
                .external_name
                .strip_suffix('.')
                .unwrap_or(&svc.external_name);
            let path = spec.child("externalName");
            if cname.is_empty() {
                errs.push(FieldError::required(&path, ""));
            } else {
                for msg in crate::api::validation::is_dns1123_subdomain(cname) {
                    errs.push(FieldError::invalid(&path, cname, msg));
                }
            }
        }
        ServiceType::ClusterIP => {}
    }
    // validateServicePort
    let mut names: Vec<&str> = Vec::new();
    for (i, p) in svc.ports.iter().enumerate() {
        let pp = ports_path.index(i);
        if svc.ports.len() > 1 && p.name.is_empty() {
            errs.push(FieldError::required(&pp.child("name"), ""));
        } else if !p.name.is_empty() {
            validate_dns1123_label(&p.name, &pp.child("name"), errs);
            if names.contains(&p.name.as_str()) {
                errs.push(FieldError::duplicate(&pp.child("name"), p.name.as_str()));
            } else {
                names.push(&p.name);
            }
        }
        if !is_valid_port_num(i64::from(p.port)) {
            errs.push(FieldError::invalid(
                &pp.child("port"),
                p.port,
                PORT_RANGE_ERROR_MSG,
            ));
        }
        validate_port_num_or_name(&p.target_port, &pp.child("targetPort"), errs);
    }
    if let Some(sel) = &svc.selector {
        errs.extend(validate_labels(sel.iter(), &spec.child("selector")));
    }
    if svc.type_ == ServiceType::ClusterIP {
        for (i, p) in svc.ports.iter().enumerate() {
            if p.node_port != 0 {
                errs.push(FieldError::forbidden(
                    &ports_path.index(i).child("nodePort"),
                    "may not be used when `type` is 'ClusterIP'",
                ));
            }
        }
    }
    let mut node_ports: Vec<(Protocol, i32)> = Vec::new();
    for (i, p) in svc.ports.iter().enumerate() {
        if p.node_port == 0 {
            continue;
        }
        let key = (p.protocol, p.node_port);
        if node_ports.contains(&key) {
            errs.push(FieldError::duplicate(
                &ports_path.index(i).child("nodePort"),
                p.node_port,
            ));
        }
        node_ports.push(key);
    }
    let mut ports: Vec<(Protocol, i32)> = Vec::new();
    for (i, p) in svc.ports.iter().enumerate() {
        let key = (p.protocol, p.port);
        if ports.contains(&key) {
            errs.push(FieldError::duplicate(
                &ports_path.index(i),
                raw(go_service_port_key(p.protocol, p.port)),
            ));
        }
        ports.push(key);
    }
}

/// `validateNodeTaints`: key, value, and uniqueness by key and effect.
fn validate_node_taints(taints: &[crate::api::types::Taint], errs: &mut ErrorList) {
    let path = FieldPath::new("spec").child("taints");
    let mut seen: Vec<(&str, TaintEffect)> = Vec::new();
    for (i, t) in taints.iter().enumerate() {
        let p = path.index(i);
        errs.extend(validate_label_name(&t.key, &p.child("key")));
        let msgs = is_valid_label_value(&t.value);
        if !msgs.is_empty() {
            errs.push(FieldError::invalid(
                &p.child("value"),
                t.value.as_str(),
                msgs.join(";"),
            ));
        }
        let key = (t.key.as_str(), t.effect);
        if seen.contains(&key) {
            let value = format!(
                "core.Taint{{Key:{}, Value:{}, Effect:{}, TimeAdded:{}}}",
                go_quote(&t.key),
                go_quote(&t.value),
                go_quote(t.effect.as_str()),
                go_ptr("v1.Time", t.time_added.is_some())
            );
            let mut err = FieldError::duplicate(&p, raw(value));
            err.detail = "taints must be unique by key and effect pair".to_string();
            errs.push(err);
            continue;
        }
        seen.push(key);
    }
}

/// `validateEndpointSubsets` (`ValidateEndpoints`): addresses present and valid IPs,
/// port names (required when there are several) and numbers.
fn validate_endpoints(ep: &crate::api::types::Endpoints, errs: &mut ErrorList) {
    let path = FieldPath::new("subsets");
    for (i, ss) in ep.subsets.iter().enumerate() {
        let sp = path.index(i);
        if ss.addresses.is_empty() && ss.not_ready_addresses.is_empty() {
            errs.push(FieldError::required(
                &sp,
                "must specify `addresses` or `notReadyAddresses`",
            ));
        }
        for (field, addrs) in [
            ("addresses", &ss.addresses),
            ("notReadyAddresses", &ss.not_ready_addresses),
        ] {
            for (j, a) in addrs.iter().enumerate() {
                let ap = sp.child(field).index(j);
                if a.ip.parse::<std::net::IpAddr>().is_err() {
                    errs.push(FieldError::invalid(
                        &ap.child("ip"),
                        a.ip.as_str(),
                        "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)",
                    ));
                }
                if !a.hostname.is_empty() {
                    validate_dns1123_label(&a.hostname, &ap.child("hostname"), errs);
                }
                if !a.node_name.is_empty() {
                    for msg in name_is_dns_subdomain(&a.node_name, false) {
                        errs.push(FieldError::invalid(
                            &ap.child("nodeName"),
                            a.node_name.as_str(),
                            msg,
                        ));
                    }
                }
            }
        }
        for (j, port) in ss.ports.iter().enumerate() {
            let pp = sp.child("ports").index(j);
            if ss.ports.len() > 1 && port.name.is_empty() {
                errs.push(FieldError::required(&pp.child("name"), ""));
            } else if !port.name.is_empty() {
                validate_dns1123_label(&port.name, &pp.child("name"), errs);
            }
            if !is_valid_port_num(i64::from(port.port)) {
                errs.push(FieldError::invalid(
                    &pp.child("port"),
                    port.port,
                    PORT_RANGE_ERROR_MSG,
                ));
            }
        }
    }
}

/// `legacyValidateEvent` (events.go) for core/v1 Events without `eventTime`: the
/// involved object's namespace must match the Event's (an empty one allows `default`).
fn validate_event(ev: &crate::api::types::Event, meta: &ObjectMeta, errs: &mut ErrorList) {
    let involved_ns = ev
        .involved_object
        .as_ref()
        .map(|r| r.namespace.as_str())
        .unwrap_or("");
    let ok = if involved_ns.is_empty() {
        meta.namespace.is_empty() || meta.namespace == "default"
    } else {
        meta.namespace == involved_ns
    };
    if !ok {
        errs.push(FieldError::invalid(
            &FieldPath::new("involvedObject").child("namespace"),
            involved_ns,
            "does not match event.namespace",
        ));
    }
}

/// ValidateLeaseSpec (pkg/apis/coordination/validation/validation.go); the name is a DNS
/// subdomain like every kind's default. spec.strategy and spec.preferredHolder are not modelled.
fn validate_lease_spec(lease: &crate::api::types::Lease, errs: &mut ErrorList) {
    let spec = FieldPath::new("spec");
    if let Some(d) = lease.lease_duration_seconds.filter(|d| *d <= 0) {
        errs.push(FieldError::invalid(
            &spec.child("leaseDurationSeconds"),
            i64::from(d),
            "must be greater than 0",
        ));
    }
    if let Some(n) = lease.lease_transitions.filter(|n| *n < 0) {
        errs.push(FieldError::invalid(
            &spec.child("leaseTransitions"),
            i64::from(n),
            IS_NEGATIVE_ERROR_MSG,
        ));
    }
}

/// ValidatePriorityClass (pkg/apis/scheduling/validation/validation.go), past the object meta:
/// a `system-` name must be one of the built-in classes with its value and globalDefault;
/// any other class may not exceed HighestUserDefinablePriority. The preemptionPolicy is one of
/// the enum's values by construction.
fn validate_priority_class(
    pc: &crate::api::types::PriorityClass,
    name: &str,
    errs: &mut ErrorList,
) {
    use crate::api::types::{
        is_known_system_priority_class, HIGHEST_USER_DEFINABLE_PRIORITY,
        SYSTEM_PRIORITY_CLASS_PREFIX,
    };
    if name.starts_with(SYSTEM_PRIORITY_CLASS_PREFIX) {
        if let Err(e) = is_known_system_priority_class(name, pc.value, pc.global_default) {
            errs.push(FieldError::forbidden(
                &FieldPath::new("metadata").child("name"),
                format!(
                    "priority class names with '{SYSTEM_PRIORITY_CLASS_PREFIX}' prefix are reserved for system use only. error: {e}"
                ),
            ));
        }
    } else if pc.value > HIGHEST_USER_DEFINABLE_PRIORITY {
        errs.push(FieldError::forbidden(
            &FieldPath::new("value"),
            format!(
                "maximum allowed value of a user defined priority is {HIGHEST_USER_DEFINABLE_PRIORITY}"
            ),
        ));
    }
}

/// ValidatePriorityClassUpdate: value and preemptionPolicy are immutable. (The strategy's
/// ValidateUpdate runs only this, not ValidatePriorityClass.)
fn validate_priority_class_update(
    pc: &crate::api::types::PriorityClass,
    old: &crate::api::types::PriorityClass,
    errs: &mut ErrorList,
) {
    if pc.value != old.value {
        errs.push(FieldError::forbidden(
            &FieldPath::new("value"),
            "may not be changed in an update.",
        ));
    }
    // A *PreemptionPolicy renders dereferenced and quoted, a nil one as "null".
    let policy = pc.preemption_policy.map_or("null", |p| p.as_str());
    validate_immutable(
        pc.preemption_policy != old.preemption_policy,
        policy.into(),
        &FieldPath::new("preemptionPolicy"),
        errs,
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::selector::Requirement;
    use crate::api::types::{
        CompletionMode, Deployment, DeploymentStrategy, EndpointAddress, EndpointPort,
        EndpointSubset, Endpoints, Event, Job, Namespace, Node, NodeSpec, ObjectReference, Pod,
        PodTemplateSpec, PullPolicy, ReplicaSet, ReplicationController, Service, ServicePort,
        ServiceType, Taint, TopologySpreadConstraint,
    };

    fn container(name: &str, image: &str) -> Container {
        Container {
            name: name.into(),
            image: image.into(),
            image_pull_policy: PullPolicy::IfNotPresent,
            resources: ResourceRequirements::default(),
            ports: Vec::new(),
            liveness_probe: None,
            readiness_probe: None,
            startup_probe: None,
            lifecycle: None,
            restart_policy: None,
        }
    }

    fn meta(name: &str, namespace: &str) -> ObjectMeta {
        ObjectMeta {
            name: name.into(),
            namespace: namespace.into(),
            generation: 1,
            ..ObjectMeta::default()
        }
    }

    fn pod_spec() -> PodSpec {
        PodSpec {
            containers: vec![container("web", "nginx")],
            termination_grace_period_seconds: 30,
            ..PodSpec::default()
        }
    }

    fn pod() -> Object {
        Object {
            meta: meta("web", "default"),
            body: Body::Pod(Pod {
                spec: pod_spec(),
                ..Pod::default()
            }),
        }
    }

    fn pod_spec_mut(obj: &mut Object) -> &mut PodSpec {
        match &mut obj.body {
            Body::Pod(p) => &mut p.spec,
            _ => unreachable!("not a pod"),
        }
    }

    fn probe(handler: Handler) -> Box<Probe> {
        Box::new(Probe {
            handler,
            initial_delay_seconds: 0,
            timeout_seconds: 1,
            period_seconds: 10,
            success_threshold: 1,
            failure_threshold: 3,
            termination_grace_period_seconds: None,
        })
    }

    fn port(container_port: i32) -> ContainerPort {
        ContainerPort {
            name: "".into(),
            container_port,
            host_port: 0,
            host_ip: "".into(),
            protocol: Protocol::Tcp,
        }
    }

    fn messages(errs: &[FieldError]) -> Vec<String> {
        errs.iter().map(ToString::to_string).collect()
    }

    /// A table case: its name, the mutation of a valid object, the expected messages.
    type Case<'a, T> = (&'a str, Box<dyn Fn(&mut T)>, Vec<&'a str>);

    /// Runs table cases: each mutation of a fresh object must give exactly `want`.
    fn check_cases(base: fn() -> Object, cases: Vec<Case<Object>>) {
        for (name, mutate, want) in cases {
            let mut obj = base();
            mutate(&mut obj);
            let got = messages(&validate_object(&obj, None));
            assert_eq!(got, want, "case {name:?}");
        }
    }

    #[test]
    fn valid_objects_pass() {
        assert!(validate_object(&pod(), None).is_empty());
        assert_eq!(render_errors(&[]), "");
    }

    /// objectmeta_test.go TestValidateObjectMetaNamespaces and friends.
    #[test]
    fn object_meta() {
        let sub = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
        let label_msg = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
        let sub_bad = format!("metadata.name: Invalid value: \"Web_1\": {sub}");
        let ns_bad = format!("metadata.namespace: Invalid value: \"A\": {label_msg}");
        check_cases(
            pod,
            vec![
                (
                    "name required",
                    Box::new(|o: &mut Object| o.meta.name = "".into()),
                    vec!["metadata.name: Required value: name or generateName is required"],
                ),
                (
                    "subdomain",
                    Box::new(|o: &mut Object| o.meta.name = "Web_1".into()),
                    vec![&sub_bad],
                ),
                (
                    "dots fine in a pod name",
                    Box::new(|o: &mut Object| o.meta.name = "web.v1".into()),
                    vec![],
                ),
                (
                    "namespace required",
                    Box::new(|o: &mut Object| o.meta.namespace = "".into()),
                    vec!["metadata.namespace: Required value"],
                ),
                (
                    "namespace is a label",
                    Box::new(|o: &mut Object| o.meta.namespace = "A".into()),
                    vec![&ns_bad],
                ),
                (
                    "negative generation",
                    Box::new(|o: &mut Object| o.meta.generation = -1),
                    vec!["metadata.generation: Invalid value: -1: must be greater than or equal to 0"],
                ),
                (
                    "orphan and foreground",
                    Box::new(|o: &mut Object| {
                        o.meta.finalizers = vec!["orphan".into(), "foregroundDeletion".into()]
                    }),
                    vec!["metadata.finalizers: Invalid value: []string{\"orphan\", \"foregroundDeletion\"}: finalizer orphan and foregroundDeletion cannot be both set"],
                ),
            ],
        );
        let mut bad_label = pod();
        bad_label.meta.labels.insert("app", "-x");
        let got = messages(&validate_object(&bad_label, None));
        assert_eq!(got.len(), 1);
        assert!(got[0].starts_with("metadata.labels: Invalid value: \"-x\": a valid label"));
    }

    /// validation_test.go TestValidateContainers / TestValidatePodSpec (error cases).
    #[test]
    fn pod_spec_cases() {
        let name_msg = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
        let bad_name = format!("spec.containers[0].name: Invalid value: \"Web\": {name_msg}");
        check_cases(
            pod,
            vec![
                (
                    "no containers",
                    Box::new(|o: &mut Object| pod_spec_mut(o).containers.clear()),
                    vec!["spec.containers: Required value"],
                ),
                (
                    "name required",
                    Box::new(|o: &mut Object| pod_spec_mut(o).containers[0].name = "".into()),
                    vec!["spec.containers[0].name: Required value"],
                ),
                (
                    "name is a label",
                    Box::new(|o: &mut Object| pod_spec_mut(o).containers[0].name = "Web".into()),
                    vec![&bad_name],
                ),
                (
                    "duplicate name",
                    Box::new(|o: &mut Object| {
                        pod_spec_mut(o).containers.push(container("web", "busybox"))
                    }),
                    vec!["spec.containers[1].name: Duplicate value: \"web\""],
                ),
                (
                    "init container duplicates a container",
                    Box::new(|o: &mut Object| {
                        pod_spec_mut(o).rare.init_containers.push(container("web", "busybox"))
                    }),
                    vec!["spec.initContainers[0].name: Duplicate value: \"web\""],
                ),
                (
                    "image required",
                    Box::new(|o: &mut Object| pod_spec_mut(o).containers[0].image = "".into()),
                    vec!["spec.containers[0].image: Required value"],
                ),
                (
                    "containerPort range",
                    Box::new(|o: &mut Object| pod_spec_mut(o).containers[0].ports = vec![port(70000)]),
                    vec!["spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive"],
                ),
                (
                    "containerPort required",
                    Box::new(|o: &mut Object| pod_spec_mut(o).containers[0].ports = vec![port(0)]),
                    vec!["spec.containers[0].ports[0].containerPort: Required value"],
                ),
                (
                    "hostPort range",
                    Box::new(|o: &mut Object| {
                        let mut p = port(80);
                        p.host_port = -1;
                        pod_spec_mut(o).containers[0].ports = vec![p];
                    }),
                    vec!["spec.containers[0].ports[0].hostPort: Invalid value: -1: must be between 1 and 65535, inclusive"],
                ),
                (
                    "port name",
                    Box::new(|o: &mut Object| {
                        let mut p = port(80);
                        p.name = "a--b".into();
                        pod_spec_mut(o).containers[0].ports = vec![p];
                    }),
                    vec!["spec.containers[0].ports[0].name: Invalid value: \"a--b\": must not contain consecutive hyphens"],
                ),
                (
                    "host port conflict",
                    Box::new(|o: &mut Object| {
                        let mut p = port(80);
                        p.host_port = 8080;
                        let mut q = port(81);
                        q.host_port = 8080;
                        pod_spec_mut(o).containers[0].ports = vec![p, q];
                    }),
                    vec!["spec.containers[0].ports[1].hostPort: Duplicate value: \"/TCP/8080\""],
                ),
                (
                    "requests above limits",
                    Box::new(|o: &mut Object| {
                        let r = &mut pod_spec_mut(o).containers[0].resources;
                        r.requests.set(ResourceName::Cpu, 2000);
                        r.limits.set(ResourceName::Cpu, 1000);
                    }),
                    vec!["spec.containers[0].resources.requests: Invalid value: \"2\": must be less than or equal to cpu limit of 1"],
                ),
                (
                    "memory requests above limits",
                    Box::new(|o: &mut Object| {
                        let r = &mut pod_spec_mut(o).containers[0].resources;
                        r.requests.set(ResourceName::Memory, 256 << 20);
                        r.limits.set(ResourceName::Memory, 128 << 20);
                    }),
                    vec!["spec.containers[0].resources.requests: Invalid value: \"256Mi\": must be less than or equal to memory limit of 128Mi"],
                ),
                (
                    "extended resource needs a limit",
                    Box::new(|o: &mut Object| {
                        let r = &mut pod_spec_mut(o).containers[0].resources;
                        r.requests.set(ResourceName::Other("nvidia.com/gpu".into()), 1);
                    }),
                    vec!["spec.containers[0].resources.limits: Required value: Limit must be set for non overcommitable resources"],
                ),
                (
                    "extended resource request equals limit",
                    Box::new(|o: &mut Object| {
                        let r = &mut pod_spec_mut(o).containers[0].resources;
                        r.requests.set(ResourceName::Other("nvidia.com/gpu".into()), 1);
                        r.limits.set(ResourceName::Other("nvidia.com/gpu".into()), 2);
                    }),
                    vec!["spec.containers[0].resources.requests: Invalid value: \"1\": must be equal to nvidia.com/gpu limit of 2"],
                ),
                (
                    "negative request",
                    Box::new(|o: &mut Object| {
                        let r = &mut pod_spec_mut(o).containers[0].resources;
                        r.requests.set(ResourceName::Cpu, -100);
                    }),
                    vec!["spec.containers[0].resources.requests[cpu]: Invalid value: \"-100m\": must be greater than or equal to 0"],
                ),
                (
                    "liveness successThreshold",
                    Box::new(|o: &mut Object| {
                        let mut p = probe(Handler::TcpSocket { port: IntOrString::Int(80) });
                        p.success_threshold = 2;
                        pod_spec_mut(o).containers[0].liveness_probe = Some(p);
                    }),
                    vec!["spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1"],
                ),
                (
                    "readiness successThreshold may exceed 1",
                    Box::new(|o: &mut Object| {
                        let mut p = probe(Handler::TcpSocket { port: IntOrString::Int(80) });
                        p.success_threshold = 2;
                        pod_spec_mut(o).containers[0].readiness_probe = Some(p);
                    }),
                    vec![],
                ),
                (
                    "negative probe numbers",
                    Box::new(|o: &mut Object| {
                        let mut p = probe(Handler::Exec { command: vec!["true".into()] });
                        p.initial_delay_seconds = -1;
                        p.period_seconds = -2;
                        pod_spec_mut(o).containers[0].readiness_probe = Some(p);
                    }),
                    vec![
                        "spec.containers[0].readinessProbe.initialDelaySeconds: Invalid value: -1: must be greater than or equal to 0",
                        "spec.containers[0].readinessProbe.periodSeconds: Invalid value: -2: must be greater than or equal to 0",
                    ],
                ),
                (
                    "probe handler",
                    Box::new(|o: &mut Object| {
                        let p = probe(Handler::HttpGet {
                            path: "".into(),
                            port: IntOrString::Int(0),
                            scheme: "FTP".into(),
                        });
                        pod_spec_mut(o).containers[0].startup_probe = Some(p);
                    }),
                    vec![
                        "spec.containers[0].startupProbe.httpGet.path: Required value",
                        "spec.containers[0].startupProbe.httpGet.port: Invalid value: 0: must be between 1 and 65535, inclusive",
                        "spec.containers[0].startupProbe.httpGet.scheme: Unsupported value: \"FTP\": supported values: \"HTTP\", \"HTTPS\"",
                    ],
                ),
                (
                    "init container probe needs sidecar",
                    Box::new(|o: &mut Object| {
                        let mut c = container("init", "busybox");
                        c.liveness_probe = Some(probe(Handler::Exec { command: vec!["true".into()] }));
                        pod_spec_mut(o).rare.init_containers.push(c);
                    }),
                    vec!["spec.initContainers[0].livenessProbe: Forbidden: may not be set for init containers without restartPolicy=Always"],
                ),
                (
                    "init container restartPolicy",
                    Box::new(|o: &mut Object| {
                        let mut c = container("init", "busybox");
                        c.restart_policy = Some(RestartPolicy::Never);
                        pod_spec_mut(o).rare.init_containers.push(c);
                    }),
                    vec!["spec.initContainers[0].restartPolicy: Unsupported value: \"Never\": supported values: \"Always\""],
                ),
                (
                    "preStop sleep beyond grace",
                    Box::new(|o: &mut Object| {
                        pod_spec_mut(o).containers[0].lifecycle = Some(Box::new(Lifecycle {
                            post_start: None,
                            pre_stop: Some(Handler::Sleep { seconds: 60 }),
                        }));
                    }),
                    vec!["spec.containers[0].lifecycle.preStop.sleep: Invalid value: 60: must be non-negative and less than terminationGracePeriodSeconds (30)"],
                ),
                (
                    "activeDeadlineSeconds",
                    Box::new(|o: &mut Object| pod_spec_mut(o).rare.active_deadline_seconds = Some(0)),
                    vec!["spec.activeDeadlineSeconds: Invalid value: 0: must be between 1 and 2147483647, inclusive"],
                ),
                (
                    "node selector value",
                    Box::new(|o: &mut Object| {
                        pod_spec_mut(o).rare.node_selector.insert("disk", "ssd!");
                    }),
                    vec!["spec.nodeSelector: Invalid value: \"ssd!\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"],
                ),
                (
                    "topology spread",
                    Box::new(|o: &mut Object| {
                        pod_spec_mut(o).rare.topology_spread_constraints.push(TopologySpreadConstraint {
                            max_skew: 0,
                            topology_key: "".into(),
                            when_unsatisfiable: UnsatisfiableConstraintAction::ScheduleAnyway,
                            label_selector: None,
                            min_domains: Some(2),
                            node_affinity_policy: None,
                            node_taints_policy: None,
                            match_label_keys: Vec::new(),
                        });
                    }),
                    vec![
                        "spec.topologySpreadConstraints[0].maxSkew: Invalid value: 0: must be greater than zero",
                        "spec.topologySpreadConstraints[0].topologyKey: Required value: can not be empty",
                        "spec.topologySpreadConstraints[0].minDomains: Invalid value: 2: can only use minDomains if whenUnsatisfiable=DoNotSchedule, not ScheduleAnyway",
                    ],
                ),
            ],
        );
    }

    fn toleration(key: &str, operator: TolerationOperator, value: &str) -> Toleration {
        Toleration {
            key: key.into(),
            operator,
            value: value.into(),
            effect: Some(TaintEffect::NoSchedule),
            toleration_seconds: None,
        }
    }

    /// validation_test.go TestValidateTolerations (error cases).
    #[test]
    fn tolerations() {
        check_cases(
            pod,
            vec![
                (
                    "exists with value",
                    Box::new(|o: &mut Object| {
                        pod_spec_mut(o).tolerations = vec![toleration("foo", TolerationOperator::Exists, "bar")];
                    }),
                    vec!["spec.tolerations[0].operator: Invalid value: core.Toleration{Key:\"foo\", Operator:\"Exists\", Value:\"bar\", Effect:\"NoSchedule\", TolerationSeconds:(*int64)(nil)}: value must be empty when `operator` is 'Exists'"],
                ),
                (
                    "empty key needs Exists",
                    Box::new(|o: &mut Object| {
                        pod_spec_mut(o).tolerations = vec![toleration("", TolerationOperator::Equal, "bar")];
                    }),
                    vec!["spec.tolerations[0].operator: Invalid value: \"Equal\": operator must be Exists when `key` is empty, which means \"match all values and all keys\""],
                ),
                (
                    "tolerationSeconds needs NoExecute",
                    Box::new(|o: &mut Object| {
                        let mut t = toleration("foo", TolerationOperator::Exists, "");
                        t.toleration_seconds = Some(60);
                        pod_spec_mut(o).tolerations = vec![t];
                    }),
                    vec!["spec.tolerations[0].effect: Invalid value: \"NoSchedule\": effect must be 'NoExecute' when `tolerationSeconds` is set"],
                ),
                (
                    "bad key",
                    Box::new(|o: &mut Object| {
                        pod_spec_mut(o).tolerations = vec![toleration("nospecialchars^=@", TolerationOperator::Equal, "bar")];
                    }),
                    vec!["spec.tolerations[0].key: Invalid value: \"nospecialchars^=@\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"],
                ),
            ],
        );
    }

    /// validation_test.go TestValidatePodUpdate.
    #[test]
    fn pod_update() {
        let forbidden = format!("spec: Forbidden: pod updates may not change fields other than {UPDATABLE_POD_SPEC_FIELDS}");
        let cases: Vec<Case<PodSpec>> = vec![
            ("no change", Box::new(|_: &mut PodSpec| {}), vec![]),
            (
                "image",
                Box::new(|s: &mut PodSpec| s.containers[0].image = "nginx:2".into()),
                vec![],
            ),
            (
                "image removed",
                Box::new(|s: &mut PodSpec| s.containers[0].image = "".into()),
                vec![
                    "spec.containers[0].image: Required value",
                    "spec.containers[0].image: Required value",
                ],
            ),
            (
                "deadline set",
                Box::new(|s: &mut PodSpec| s.rare.active_deadline_seconds = Some(30)),
                vec![],
            ),
            (
                "toleration added",
                Box::new(|s: &mut PodSpec| {
                    s.tolerations
                        .push(toleration("foo", TolerationOperator::Exists, ""))
                }),
                vec![],
            ),
            (
                "node selector",
                Box::new(|s: &mut PodSpec| {
                    s.rare.node_selector.insert("disk", "ssd");
                }),
                vec![&forbidden],
            ),
            (
                "grace period",
                Box::new(|s: &mut PodSpec| s.termination_grace_period_seconds = 10),
                vec![&forbidden],
            ),
            (
                "container added",
                Box::new(|s: &mut PodSpec| s.containers.push(container("side", "busybox"))),
                vec!["spec.containers: Forbidden: pod updates may not add or remove containers"],
            ),
        ];
        for (name, mutate, want) in cases {
            let old = pod();
            let mut new = pod();
            mutate(pod_spec_mut(&mut new));
            assert_eq!(
                messages(&validate_object(&new, Some(&old))),
                want,
                "case {name:?}"
            );
        }

        // activeDeadlineSeconds may only shrink, and not be removed.
        let mut old = pod();
        pod_spec_mut(&mut old).rare.active_deadline_seconds = Some(30);
        let mut new = old.clone();
        pod_spec_mut(&mut new).rare.active_deadline_seconds = Some(60);
        assert_eq!(
            messages(&validate_object(&new, Some(&old))),
            vec!["spec.activeDeadlineSeconds: Invalid value: 60: must be less than or equal to previous value"]
        );
        pod_spec_mut(&mut new).rare.active_deadline_seconds = None;
        assert_eq!(
            messages(&validate_object(&new, Some(&old))),
            vec!["spec.activeDeadlineSeconds: Invalid value: null: must not update from a positive integer to nil value"]
        );

        // Existing tolerations may not change.
        let mut old = pod();
        pod_spec_mut(&mut old).tolerations =
            vec![toleration("foo", TolerationOperator::Exists, "")];
        let mut new = old.clone();
        pod_spec_mut(&mut new).tolerations[0].key = "bar".into();
        assert_eq!(
            messages(&validate_object(&new, Some(&old))),
            vec!["spec.tolerations: Forbidden: existing toleration can not be modified except its tolerationSeconds"]
        );
        let errs = validate_object(&new, Some(&old));
        assert_eq!(render_errors(&errs), "spec.tolerations: Forbidden: existing toleration can not be modified except its tolerationSeconds");
    }

    fn labels(pairs: &[(&str, &str)]) -> StringMap {
        pairs.iter().map(|(k, v)| (*k, *v)).collect()
    }

    fn template(restart: RestartPolicy) -> Box<PodTemplateSpec> {
        let mut spec = pod_spec();
        spec.restart_policy = restart;
        Box::new(PodTemplateSpec {
            labels: labels(&[("app", "web")]),
            annotations: StringMap::new(),
            spec,
        })
    }

    fn deployment() -> Object {
        Object {
            meta: meta("web", "default"),
            body: Body::Deployment(Deployment {
                replicas: 3,
                selector: LabelSelector::from_match_labels(labels(&[("app", "web")])),
                template: template(RestartPolicy::Always),
                strategy: DeploymentStrategy::RollingUpdate {
                    max_surge: IntOrString::String("25%".into()),
                    max_unavailable: IntOrString::String("25%".into()),
                },
                min_ready_seconds: 0,
                revision_history_limit: Some(10),
                paused: false,
                progress_deadline_seconds: Some(600),
                rollback_to: None,
                status: Default::default(),
            }),
        }
    }

    fn deployment_mut(obj: &mut Object) -> &mut Deployment {
        match &mut obj.body {
            Body::Deployment(d) => d,
            _ => unreachable!("not a deployment"),
        }
    }

    fn replica_set() -> Object {
        Object {
            meta: meta("web", "default"),
            body: Body::ReplicaSet(ReplicaSet {
                replicas: 1,
                selector: LabelSelector::from_match_labels(labels(&[("app", "web")])),
                template: template(RestartPolicy::Always),
                ..ReplicaSet::default()
            }),
        }
    }

    fn rc() -> Object {
        Object {
            meta: meta("web", "default"),
            body: Body::ReplicationController(ReplicationController {
                replicas: 1,
                selector: labels(&[("app", "web")]),
                template: Some(template(RestartPolicy::Always)),
                ..ReplicationController::default()
            }),
        }
    }

    fn job() -> Object {
        Object {
            meta: meta("pi", "default"),
            body: Body::Job(Job {
                parallelism: 1,
                completions: Some(1),
                backoff_limit: 6,
                template: template(RestartPolicy::Never),
                ..Job::default()
            }),
        }
    }

    fn job_mut(obj: &mut Object) -> &mut Job {
        match &mut obj.body {
            Body::Job(j) => j,
            _ => unreachable!("not a job"),
        }
    }

    fn service_port(name: &str, port: i32) -> ServicePort {
        ServicePort {
            name: name.into(),
            protocol: Protocol::Tcp,
            port,
            target_port: IntOrString::Int(port),
            node_port: 0,
        }
    }

    fn service() -> Object {
        Object {
            meta: meta("web", "default"),
            body: Body::Service(Service {
                selector: Some(labels(&[("app", "web")])),
                ports: vec![service_port("", 80)],
                cluster_ip: "10.96.0.10".into(),
                ..Service::default()
            }),
        }
    }

    fn service_mut(obj: &mut Object) -> &mut Service {
        match &mut obj.body {
            Body::Service(s) => s,
            _ => unreachable!("not a service"),
        }
    }

    #[test]
    fn valid_workloads_pass() {
        for obj in [deployment(), replica_set(), rc(), job(), service()] {
            assert!(validate_object(&obj, None).is_empty(), "{:?}", obj.kind());
            assert!(
                validate_object(&obj, Some(&obj)).is_empty(),
                "{:?}",
                obj.kind()
            );
        }
    }

    /// apps validation_test.go TestValidateDeployment (error cases).
    #[test]
    fn deployment_cases() {
        let percent_msg = "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')";
        let bad_percent = format!("spec.strategy.rollingUpdate.maxSurge: Invalid value: intstr.IntOrString{{Type:1, IntVal:0, StrVal:\"20Percent\"}}: {percent_msg}");
        let rolling = |surge: IntOrString, unavailable: IntOrString| {
            move |o: &mut Object| {
                deployment_mut(o).strategy = DeploymentStrategy::RollingUpdate {
                    max_surge: surge.clone(),
                    max_unavailable: unavailable.clone(),
                }
            }
        };
        check_cases(
            deployment,
            vec![
                (
                    "negative replicas",
                    Box::new(|o: &mut Object| deployment_mut(o).replicas = -1),
                    vec!["spec.replicas: Invalid value: -1: must be greater than or equal to 0"],
                ),
                (
                    "missing selector",
                    Box::new(|o: &mut Object| deployment_mut(o).selector = LabelSelector::default()),
                    vec![
                        "spec.selector: Required value",
                        "spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"web\"}: `selector` does not match template `labels`",
                    ],
                ),
                (
                    "selector does not match",
                    Box::new(|o: &mut Object| {
                        deployment_mut(o).template.labels = labels(&[("app", "x"), ("tier", "fe")])
                    }),
                    vec!["spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"x\", \"tier\":\"fe\"}: `selector` does not match template `labels`"],
                ),
                (
                    "restartPolicy must be Always",
                    Box::new(|o: &mut Object| {
                        deployment_mut(o).template.spec.restart_policy = RestartPolicy::Never
                    }),
                    vec!["spec.template.spec.restartPolicy: Unsupported value: \"Never\": supported values: \"Always\""],
                ),
                (
                    "activeDeadlineSeconds in template",
                    Box::new(|o: &mut Object| {
                        deployment_mut(o).template.spec.rare.active_deadline_seconds = Some(10)
                    }),
                    vec!["spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in ReplicaSet is not Supported"],
                ),
                (
                    "template container",
                    Box::new(|o: &mut Object| deployment_mut(o).template.spec.containers.clear()),
                    vec!["spec.template.spec.containers: Required value"],
                ),
                (
                    "bad percent",
                    Box::new(rolling(
                        IntOrString::String("20Percent".into()),
                        IntOrString::Int(1),
                    )),
                    vec![&bad_percent],
                ),
                (
                    "negative maxUnavailable",
                    Box::new(rolling(IntOrString::Int(1), IntOrString::Int(-1))),
                    vec!["spec.strategy.rollingUpdate.maxUnavailable: Invalid value: -1: must be greater than or equal to 0"],
                ),
                (
                    "both zero",
                    Box::new(rolling(IntOrString::Int(0), IntOrString::Int(0))),
                    vec!["spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}: may not be 0 when `maxSurge` is 0"],
                ),
                (
                    "both zero percent",
                    Box::new(rolling(
                        IntOrString::String("0%".into()),
                        IntOrString::String("0%".into()),
                    )),
                    vec!["spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:\"0%\"}: may not be 0 when `maxSurge` is 0"],
                ),
                (
                    "over 100%",
                    Box::new(rolling(
                        IntOrString::Int(1),
                        IntOrString::String("110%".into()),
                    )),
                    vec!["spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:\"110%\"}: must not be greater than 100%"],
                ),
                (
                    "recreate",
                    Box::new(|o: &mut Object| deployment_mut(o).strategy = DeploymentStrategy::Recreate),
                    vec![],
                ),
                (
                    "revisionHistoryLimit",
                    Box::new(|o: &mut Object| deployment_mut(o).revision_history_limit = Some(-2)),
                    vec!["spec.revisionHistoryLimit: Invalid value: -2: must be greater than or equal to 0"],
                ),
                (
                    "progress deadline not above minReadySeconds",
                    Box::new(|o: &mut Object| {
                        let d = deployment_mut(o);
                        d.min_ready_seconds = 600;
                    }),
                    vec!["spec.progressDeadlineSeconds: Invalid value: 600: must be greater than minReadySeconds"],
                ),
                (
                    "rollback revision",
                    Box::new(|o: &mut Object| deployment_mut(o).rollback_to = Some(-1)),
                    vec!["spec.rollback.revision: Invalid value: -1: must be greater than or equal to 0"],
                ),
                (
                    "template label key",
                    Box::new(|o: &mut Object| {
                        let d = deployment_mut(o);
                        d.template.labels.insert("-bad", "x");
                    }),
                    vec!["spec.template.labels: Invalid value: \"-bad\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"],
                ),
                (
                    "selector expression without values",
                    Box::new(|o: &mut Object| {
                        deployment_mut(o).selector.match_expressions.push(Requirement {
                            key: "tier".into(),
                            operator: SelectorOperator::In,
                            values: Vec::new(),
                        })
                    }),
                    vec![
                        "spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
                        "spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"web\"}: `selector` does not match template `labels`",
                    ],
                ),
            ],
        );
    }

    /// apps validation_test.go TestValidateDeploymentUpdate (selector immutability).
    #[test]
    fn deployment_and_replica_set_update() {
        let old = deployment();
        let mut new = deployment();
        let d = deployment_mut(&mut new);
        d.selector = LabelSelector::from_match_labels(labels(&[("app", "web"), ("v", "2")]));
        d.template.labels.insert("v", "2");
        assert_eq!(
            messages(&validate_object(&new, Some(&old))),
            vec!["spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{\"app\":\"web\", \"v\":\"2\"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable"]
        );
        // Scaling and image changes are fine.
        let mut new = deployment();
        deployment_mut(&mut new).replicas = 5;
        deployment_mut(&mut new).template.spec.containers[0].image = "nginx:2".into();
        assert!(validate_object(&new, Some(&old)).is_empty());

        let old = replica_set();
        let mut new = replica_set();
        if let Body::ReplicaSet(rs) = &mut new.body {
            rs.selector.match_expressions.push(Requirement {
                key: "app".into(),
                operator: SelectorOperator::Exists,
                values: Vec::new(),
            });
        }
        assert_eq!(
            messages(&validate_object(&new, Some(&old))),
            vec!["spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{\"app\":\"web\"}, MatchExpressions:[]v1.LabelSelectorRequirement{v1.LabelSelectorRequirement{Key:\"app\", Operator:\"Exists\", Values:[]string(nil)}}}: field is immutable"]
        );
    }

    /// apps validation_test.go TestValidateReplicaSet and core TestValidateReplicationController.
    #[test]
    fn replica_set_and_rc_cases() {
        check_cases(
            replica_set,
            vec![
                (
                    "negative replicas",
                    Box::new(|o: &mut Object| {
                        if let Body::ReplicaSet(rs) = &mut o.body {
                            rs.replicas = -1;
                        }
                    }),
                    vec!["spec.replicas: Invalid value: -1: must be greater than or equal to 0"],
                ),
                (
                    "restartPolicy",
                    Box::new(|o: &mut Object| {
                        if let Body::ReplicaSet(rs) = &mut o.body {
                            rs.template.spec.restart_policy = RestartPolicy::OnFailure;
                        }
                    }),
                    vec!["spec.template.spec.restartPolicy: Unsupported value: \"OnFailure\": supported values: \"Always\""],
                ),
            ],
        );
        check_cases(
            rc,
            vec![
                (
                    "empty selector",
                    Box::new(|o: &mut Object| {
                        if let Body::ReplicationController(rc) = &mut o.body {
                            rc.selector = StringMap::new();
                        }
                    }),
                    vec!["spec.selector: Required value"],
                ),
                (
                    "mismatch",
                    Box::new(|o: &mut Object| {
                        if let Body::ReplicationController(rc) = &mut o.body {
                            rc.selector = labels(&[("app", "db")]);
                        }
                    }),
                    vec!["spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"web\"}: `selector` does not match template `labels`"],
                ),
                (
                    "no template",
                    Box::new(|o: &mut Object| {
                        if let Body::ReplicationController(rc) = &mut o.body {
                            rc.template = None;
                        }
                    }),
                    vec!["spec.template: Required value"],
                ),
                (
                    "template deadline",
                    Box::new(|o: &mut Object| {
                        if let Body::ReplicationController(rc) = &mut o.body {
                            if let Some(t) = &mut rc.template {
                                t.spec.rare.active_deadline_seconds = Some(5);
                            }
                        }
                    }),
                    vec!["spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in ReplicationController is not Supported"],
                ),
            ],
        );
    }

    /// batch validation_test.go TestValidateJob (error cases).
    #[test]
    fn job_cases() {
        check_cases(
            job,
            vec![
                (
                    "restartPolicy Always",
                    Box::new(|o: &mut Object| {
                        job_mut(o).template.spec.restart_policy = RestartPolicy::Always
                    }),
                    vec!["spec.template.spec.restartPolicy: Required value: valid values: \"OnFailure\", \"Never\""],
                ),
                (
                    "negative numbers",
                    Box::new(|o: &mut Object| {
                        let j = job_mut(o);
                        j.parallelism = -1;
                        j.completions = Some(-1);
                        j.active_deadline_seconds = Some(-1);
                        j.backoff_limit = -1;
                    }),
                    vec![
                        "spec.parallelism: Invalid value: -1: must be greater than or equal to 0",
                        "spec.completions: Invalid value: -1: must be greater than or equal to 0",
                        "spec.activeDeadlineSeconds: Invalid value: -1: must be greater than or equal to 0",
                        "spec.backoffLimit: Invalid value: -1: must be greater than or equal to 0",
                    ],
                ),
                (
                    "indexed needs completions",
                    Box::new(|o: &mut Object| {
                        let j = job_mut(o);
                        j.completion_mode = CompletionMode::Indexed;
                        j.completions = None;
                    }),
                    vec!["spec.completions: Required value: when completion mode is Indexed"],
                ),
                (
                    "manual selector required",
                    Box::new(|o: &mut Object| job_mut(o).manual_selector = true),
                    vec![
                        "spec.selector: Required value",
                        "spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"web\"}: `selector` does not match template `labels`",
                    ],
                ),
                (
                    "selector mismatch",
                    // Upstream's fixtures set manualSelector; without it the strategy's
                    // generated-selector check (below) applies too.
                    Box::new(|o: &mut Object| {
                        job_mut(o).manual_selector = true;
                        job_mut(o).selector =
                            Some(LabelSelector::from_match_labels(labels(&[("app", "pi")])))
                    }),
                    vec!["spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"web\"}: `selector` does not match template `labels`"],
                ),
            ],
        );
    }

    /// job strategy validateGeneratedSelector: a selector the user wrote without
    /// manualSelector is refused; the generated one passes.
    #[test]
    fn job_selector_must_be_generated_unless_manual() {
        let mut o = job();
        job_mut(&mut o).selector =
            Some(LabelSelector::from_match_labels(labels(&[("app", "web")])));
        let errs = messages(&validate_object(&o, None));
        assert_eq!(
            errs,
            vec!["spec.selector: Invalid value: &LabelSelector{MatchLabels:map[string]string{app: web,},MatchExpressions:[]LabelSelectorRequirement{},}: `selector` not auto-generated"]
        );
        let uid = o.meta.uid.to_string();
        let mut generated = StringMap::new();
        generated.insert("batch.kubernetes.io/controller-uid", uid.clone());
        job_mut(&mut o)
            .template
            .labels
            .insert("batch.kubernetes.io/controller-uid", uid);
        job_mut(&mut o).selector = Some(LabelSelector::from_match_labels(generated));
        assert!(validate_object(&o, None).is_empty());
    }

    /// batch validation_test.go TestValidateJobUpdate.
    #[test]
    fn job_update() {
        let old = job();
        let mut new = job();
        job_mut(&mut new).template.spec.containers[0].image = "perl:2".into();
        assert_eq!(
            messages(&validate_object(&new, Some(&old))),
            vec!["spec.template: Invalid value: core.PodTemplateSpec{ObjectMeta:v1.ObjectMeta{...}, Spec:core.PodSpec{...}}: field is immutable"]
        );
        let mut new = job();
        job_mut(&mut new).completions = Some(5);
        assert_eq!(
            messages(&validate_object(&new, Some(&old))),
            vec!["spec.completions: Invalid value: 5: field is immutable"]
        );
        // Parallelism, deadline and suspension may change.
        let mut new = job();
        job_mut(&mut new).parallelism = 4;
        job_mut(&mut new).active_deadline_seconds = Some(100);
        assert!(validate_object(&new, Some(&old)).is_empty());
        // A suspended Job that never started may change scheduling directives.
        let mut old = job();
        job_mut(&mut old).suspend = true;
        let mut new = old.clone();
        job_mut(&mut new)
            .template
            .spec
            .rare
            .node_selector
            .insert("zone", "a");
        assert!(validate_object(&new, Some(&old)).is_empty());
    }

    /// validation_test.go TestValidateServiceCreate (error cases).
    #[test]
    fn service_cases() {
        check_cases(
            service,
            vec![
                (
                    "name is a DNS-1035 label",
                    Box::new(|o: &mut Object| o.meta.name = "1web".into()),
                    vec!["metadata.name: Invalid value: \"1web\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"],
                ),
                (
                    "ports required",
                    Box::new(|o: &mut Object| service_mut(o).ports.clear()),
                    vec!["spec.ports: Required value"],
                ),
                (
                    "headless without ports",
                    Box::new(|o: &mut Object| {
                        let s = service_mut(o);
                        s.ports.clear();
                        s.cluster_ip = "None".into();
                    }),
                    vec![],
                ),
                (
                    "port range",
                    Box::new(|o: &mut Object| service_mut(o).ports[0].port = 65536),
                    vec!["spec.ports[0].port: Invalid value: 65536: must be between 1 and 65535, inclusive"],
                ),
                (
                    "names required with several ports",
                    Box::new(|o: &mut Object| {
                        let s = service_mut(o);
                        s.ports = vec![service_port("http", 80), service_port("", 443)];
                    }),
                    vec!["spec.ports[1].name: Required value"],
                ),
                (
                    "duplicate names",
                    Box::new(|o: &mut Object| {
                        let s = service_mut(o);
                        s.ports = vec![service_port("http", 80), service_port("http", 443)];
                    }),
                    vec!["spec.ports[1].name: Duplicate value: \"http\""],
                ),
                (
                    "duplicate ports",
                    Box::new(|o: &mut Object| {
                        let s = service_mut(o);
                        s.ports = vec![service_port("a", 80), service_port("b", 80)];
                    }),
                    vec!["spec.ports[1]: Duplicate value: core.ServicePort{Name:\"\", Protocol:\"TCP\", AppProtocol:(*string)(nil), Port:80, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}, NodePort:0}"],
                ),
                (
                    "nodePort on ClusterIP",
                    Box::new(|o: &mut Object| service_mut(o).ports[0].node_port = 30080),
                    vec!["spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"],
                ),
                (
                    "nodePort range",
                    Box::new(|o: &mut Object| {
                        let s = service_mut(o);
                        s.type_ = ServiceType::NodePort;
                        s.ports[0].node_port = 80;
                    }),
                    vec!["spec.ports[0].nodePort: Invalid value: 80: provided port is not in the valid range. The range of valid ports is 30000-32767"],
                ),
                (
                    "duplicate nodePort",
                    Box::new(|o: &mut Object| {
                        let s = service_mut(o);
                        s.type_ = ServiceType::NodePort;
                        s.ports = vec![service_port("a", 80), service_port("b", 81)];
                        s.ports[0].node_port = 30080;
                        s.ports[1].node_port = 30080;
                    }),
                    vec!["spec.ports[1].nodePort: Duplicate value: 30080"],
                ),
                (
                    "headless NodePort",
                    Box::new(|o: &mut Object| {
                        let s = service_mut(o);
                        s.type_ = ServiceType::NodePort;
                        s.cluster_ip = "None".into();
                    }),
                    vec!["spec.clusterIPs[0]: Invalid value: \"None\": may not be set to 'None' for NodePort services"],
                ),
                (
                    "ExternalName needs a name",
                    Box::new(|o: &mut Object| {
                        let s = service_mut(o);
                        s.type_ = ServiceType::ExternalName;
                        s.cluster_ip = "".into();
                        s.ports.clear();
                    }),
                    vec!["spec.externalName: Required value"],
                ),
                (
                    "ExternalName with trailing dot",
                    Box::new(|o: &mut Object| {
                        let s = service_mut(o);
                        s.type_ = ServiceType::ExternalName;
                        s.cluster_ip = "".into();
                        s.external_name = "db.example.com.".into();
                    }),
                    vec![],
                ),
                (
                    "bad targetPort name",
                    Box::new(|o: &mut Object| {
                        service_mut(o).ports[0].target_port = IntOrString::String("-http".into())
                    }),
                    vec!["spec.ports[0].targetPort: Invalid value: \"-http\": must not begin or end with a hyphen"],
                ),
            ],
        );
    }

    fn taint(key: &str, value: &str, effect: TaintEffect) -> Taint {
        Taint {
            key: key.into(),
            value: value.into(),
            effect,
            time_added: None,
        }
    }

    /// validation_test.go TestValidateNode (taint cases), namespace names, events.
    #[test]
    fn node_namespace_event_endpoints() {
        let node = |taints: Vec<Taint>| Object {
            meta: meta("node-1", ""),
            body: Body::Node(Node {
                spec: NodeSpec {
                    taints,
                    ..NodeSpec::default()
                },
                ..Node::default()
            }),
        };
        assert!(
            validate_object(&node(vec![taint("a", "b", TaintEffect::NoSchedule)]), None).is_empty()
        );
        assert_eq!(
            messages(&validate_object(
                &node(vec![
                    taint("dedicated", "gpu", TaintEffect::NoSchedule),
                    taint("dedicated", "cpu", TaintEffect::NoSchedule),
                    taint("dedicated", "cpu", TaintEffect::NoExecute),
                ]),
                None
            )),
            vec!["spec.taints[1]: Duplicate value: core.Taint{Key:\"dedicated\", Value:\"cpu\", Effect:\"NoSchedule\", TimeAdded:(*v1.Time)(nil)}: taints must be unique by key and effect pair"]
        );
        let errs = messages(&validate_object(
            &node(vec![taint("", "x y", TaintEffect::NoSchedule)]),
            None,
        ));
        // An empty key breaks both the non-empty rule and the name regex.
        assert_eq!(errs.len(), 3, "{errs:?}");
        assert!(errs[0]
            .starts_with("spec.taints[0].key: Invalid value: \"\": name part must be non-empty"));
        assert!(errs[2].starts_with("spec.taints[0].value: Invalid value: \"x y\": a valid label"));
        let mut namespaced_node = node(Vec::new());
        namespaced_node.meta.namespace = "default".into();
        assert_eq!(
            messages(&validate_object(&namespaced_node, None)),
            vec!["metadata.namespace: Forbidden: not allowed on this type"]
        );

        let ns = |name: &str| Object {
            meta: meta(name, ""),
            body: Body::Namespace(Namespace::default()),
        };
        assert!(validate_object(&ns("team-a"), None).is_empty());
        assert_eq!(
            messages(&validate_object(&ns("team.a"), None)),
            vec!["metadata.name: Invalid value: \"team.a\": must not contain dots"]
        );

        let event = |ns: &str, involved_ns: &str| Object {
            meta: meta("web.17a", ns),
            body: Body::Event(Event {
                involved_object: Some(ObjectReference {
                    kind: "Pod".into(),
                    namespace: involved_ns.into(),
                    name: "web".into(),
                    uid: Default::default(),
                }),
                ..Event::default()
            }),
        };
        assert!(validate_object(&event("default", "default"), None).is_empty());
        assert!(validate_object(&event("default", ""), None).is_empty());
        assert_eq!(
            messages(&validate_object(&event("prod", "default"), None)),
            vec!["involvedObject.namespace: Invalid value: \"default\": does not match event.namespace"]
        );

        let ep = Object {
            meta: meta("web", "default"),
            body: Body::Endpoints(Endpoints {
                subsets: vec![EndpointSubset {
                    addresses: vec![EndpointAddress {
                        ip: "10.0.0.300".into(),
                        hostname: "".into(),
                        node_name: "".into(),
                        target_ref: None,
                    }],
                    not_ready_addresses: Vec::new(),
                    ports: vec![EndpointPort {
                        name: "".into(),
                        port: 0,
                        protocol: Protocol::Tcp,
                    }],
                }],
            }),
        };
        assert_eq!(
            messages(&validate_object(&ep, None)),
            vec![
                "subsets[0].addresses[0].ip: Invalid value: \"10.0.0.300\": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)",
                "subsets[0].ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive",
            ]
        );
    }

    // After pkg/apis/coordination/validation/validation_test.go TestValidateLeaseSpec.
    #[test]
    fn lease_spec() {
        let lease = |duration: Option<i32>, transitions: Option<i32>| Object {
            meta: meta("node-1", "kube-node-lease"),
            body: Body::Lease(crate::api::types::Lease {
                holder_identity: "node-1".into(),
                lease_duration_seconds: duration,
                lease_transitions: transitions,
                ..Default::default()
            }),
        };
        assert!(validate_object(&lease(Some(40), Some(0)), None).is_empty());
        assert!(validate_object(&lease(None, None), None).is_empty());
        assert_eq!(
            messages(&validate_object(&lease(Some(0), Some(-1)), None)),
            vec![
                "spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0",
                "spec.leaseTransitions: Invalid value: -1: must be greater than or equal to 0",
            ]
        );
        let mut bad_name = lease(None, None);
        bad_name.meta.name = "Node_1".into();
        assert_eq!(validate_object(&bad_name, None).len(), 1);
    }

    // After pkg/apis/scheduling/validation/validation_test.go TestValidatePriorityClass
    // ("Name with system critical prefix", "Unknown system class", "value too large") and
    // TestValidatePriorityClassUpdate.
    #[test]
    fn priority_classes() {
        use crate::api::types::{PreemptionPolicy, PriorityClass};
        let class = |name: &str, value: i32, global_default: bool| Object {
            meta: meta(name, ""),
            body: Body::PriorityClass(PriorityClass {
                value,
                global_default,
                preemption_policy: Some(PreemptionPolicy::PreemptLowerPriority),
                description: Default::default(),
            }),
        };
        // Valid: a user class at the limit, a negative one, the built-ins as they are.
        for ok in [
            class("tier1", 1_000_000_000, true),
            class("low", -100, false),
            class("system-node-critical", 2_000_001_000, false),
            class("system-cluster-critical", 2_000_000_000, false),
        ] {
            assert!(validate_object(&ok, None).is_empty(), "{:?}", ok.meta.name);
        }
        let reserved = "metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only. error: ";
        let cases: Vec<(Object, String)> = vec![
            (
                class("tier1", 1_000_000_001, false),
                "value: Forbidden: maximum allowed value of a user defined priority is 1000000000"
                    .into(),
            ),
            (
                class("system-something", 1, false),
                format!("{reserved}system-something is not a known system priority class"),
            ),
            (
                class("system-node-critical", 2_000_000_000, false),
                format!("{reserved}value of system-node-critical PriorityClass must be 2000001000"),
            ),
            (
                class("system-cluster-critical", 2_000_000_000, true),
                format!(
                    "{reserved}globalDefault of system-cluster-critical PriorityClass must be false"
                ),
            ),
        ];
        for (obj, want) in cases {
            assert_eq!(messages(&validate_object(&obj, None)), vec![want]);
        }
        let mut namespaced = class("tier1", 1, false);
        namespaced.meta.namespace = "default".into();
        assert_eq!(
            messages(&validate_object(&namespaced, None)),
            vec!["metadata.namespace: Forbidden: not allowed on this type"]
        );

        // Updates: value and preemptionPolicy are immutable; globalDefault and the description
        // may change, and the create-time checks do not run again.
        let old = class("tier1", 1000, false);
        let mut new = class("tier1", 1000, true);
        if let Body::PriorityClass(pc) = &mut new.body {
            pc.description = "now the default".into();
        }
        assert!(validate_object(&new, Some(&old)).is_empty());
        let mut new = class("tier1", 2000, false);
        if let Body::PriorityClass(pc) = &mut new.body {
            pc.preemption_policy = Some(PreemptionPolicy::Never);
        }
        assert_eq!(
            messages(&validate_object(&new, Some(&old))),
            vec![
                "value: Forbidden: may not be changed in an update.",
                "preemptionPolicy: Invalid value: \"Never\": field is immutable",
            ]
        );
        let system = class("system-node-critical", 2_000_001_000, false);
        assert!(validate_object(
            &class("system-node-critical", 2_000_001_000, true),
            Some(&system)
        )
        .is_empty());
    }

    #[test]
    fn go_renderings() {
        assert_eq!(go_map(&StringMap::new()), "map[string]string(nil)");
        assert_eq!(
            go_map(&labels(&[("b", "2"), ("a", "\"q\"")])),
            "map[string]string{\"a\":\"\\\"q\\\"\", \"b\":\"2\"}"
        );
        assert_eq!(go_string_slice::<&str>(&[]), "[]string(nil)");
        assert_eq!(
            render_errors(&[
                FieldError::required(&FieldPath::new("a"), ""),
                FieldError::required(&FieldPath::new("b"), ""),
            ]),
            "[a: Required value, b: Required value]"
        );
    }

    proptest::proptest! {
        #[test]
        fn never_panics(name in "\\PC{0,70}", value in "\\PC{0,20}", n in proptest::prelude::any::<i32>()) {
            let mut p = pod();
            p.meta.name = name.as_str().into();
            let spec = pod_spec_mut(&mut p);
            spec.containers[0].name = value.as_str().into();
            spec.containers[0].ports = vec![port(n)];
            spec.tolerations = vec![toleration(&value, TolerationOperator::Exists, &value)];
            let _ = render_errors(&validate_object(&p, Some(&pod())));
            let mut d = deployment();
            let dm = deployment_mut(&mut d);
            dm.replicas = n;
            dm.strategy = DeploymentStrategy::RollingUpdate {
                max_surge: IntOrString::String(value.as_str().into()),
                max_unavailable: IntOrString::String(format!("{value}%").into()),
            };
            let _ = render_errors(&validate_object(&d, Some(&deployment())));
            let mut s = service();
            service_mut(&mut s).ports[0].target_port = IntOrString::String(name.as_str().into());
            service_mut(&mut s).external_name = name.as_str().into();
            service_mut(&mut s).type_ = ServiceType::ExternalName;
            let _ = render_errors(&validate_object(&s, None));
        }
    }
}
