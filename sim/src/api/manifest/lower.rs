//! Lowering from the k8s-openapi types into kubesim's internal objects, applying the upstream
//! defaulting functions (pkg/apis/{core,apps,batch}/v1/defaults.go and their generated
//! `zz_generated.defaults.go` callers) for every modelled field.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1 as apps;
use k8s_openapi::api::batch::v1 as batch;
use k8s_openapi::api::coordination::v1 as coordination;
use k8s_openapi::api::core::v1 as core;
use k8s_openapi::api::scheduling::v1 as scheduling;
use k8s_openapi::apimachinery::pkg::api::resource::Quantity as K8sQuantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1 as meta;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString as K8sIntOrString;

use crate::api::quantity::Quantity;
use crate::api::selector::{LabelSelector, Requirement, SelectorOperator};
use crate::api::types::*;

use super::{ApiVersion, Warning};

/// An error found while lowering: the field path and upstream-style message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct LowerError {
    pub path: String,
    pub message: String,
}

type R<T> = Result<T, LowerError>;

fn error(path: impl Into<String>, message: impl Into<String>) -> LowerError {
    LowerError {
        path: path.into(),
        message: message.into(),
    }
}

/// field.NotSupported's wording (staging/src/k8s.io/apimachinery/pkg/util/validation/field/errors.go).
fn unsupported(path: impl Into<String>, value: &str, supported: &[&str]) -> LowerError {
    let list: Vec<String> = supported.iter().map(|s| format!("{s:?}")).collect();
    error(
        path,
        format!(
            "Unsupported value: {value:?}: supported values: {}",
            list.join(", ")
        ),
    )
}

/// Parses a string enum; `None` and `""` give `default` (None: the field is required).
fn parse_enum<T: Copy>(
    value: Option<&str>,
    path: &str,
    options: &[(&str, T)],
    default: Option<T>,
) -> R<T> {
    match value.unwrap_or("") {
        "" => default.ok_or_else(|| error(path, "Required value")),
        v => options
            .iter()
            .find(|(s, _)| *s == v)
            .map(|(_, t)| *t)
            .ok_or_else(|| {
                let names: Vec<&str> = options.iter().map(|(s, _)| *s).collect();
                unsupported(path, v, &names)
            }),
    }
}

fn name(s: &Option<String>) -> Name {
    s.as_deref().unwrap_or("").into()
}

fn names(v: &Option<Vec<String>>) -> Vec<Name> {
    v.iter().flatten().map(|s| Name::from(s.as_str())).collect()
}

fn string_map(m: &Option<BTreeMap<String, String>>) -> StringMap {
    m.iter()
        .flatten()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect()
}

fn int_or_string(v: &K8sIntOrString) -> IntOrString {
    match v {
        K8sIntOrString::Int(i) => IntOrString::Int(*i),
        K8sIntOrString::String(s) => IntOrString::String(s.as_str().into()),
    }
}

/// Parses a UID in RFC 4122 form (dashes optional). kubesim UIDs are 128-bit numbers.
pub(super) fn parse_uid(s: &str) -> Option<Uid> {
    let hex: String = s.chars().filter(|c| *c != '-').collect();
    if hex.len() != 32 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    u128::from_str_radix(&hex, 16).ok().map(Uid)
}

/// A UID field: empty is 0; a value that is not a UUID is dropped with a warning.
fn uid_field(s: Option<&str>, path: &str, w: &mut Vec<Warning>) -> Uid {
    match s.unwrap_or("") {
        "" => Uid(0),
        v => parse_uid(v).unwrap_or_else(|| {
            w.push(Warning {
                path: path.into(),
                message: format!("invalid UID {v:?}: kubesim UIDs are RFC 4122 UUIDs; ignored"),
            });
            Uid(0)
        }),
    }
}

// ---------------------------------------------------------------------------------------------
// Metadata

pub(super) fn object_meta(m: &meta::ObjectMeta, kind: Kind, w: &mut Vec<Warning>) -> R<ObjectMeta> {
    let resource_version = match m.resource_version.as_deref().unwrap_or("") {
        "" => 0,
        s => s.parse::<u64>().map_err(|_| {
            error(
                "metadata.resourceVersion",
                format!("Invalid value: {s:?}: invalid resource version"),
            )
        })?,
    };
    let mut owner_references = Vec::new();
    for (i, r) in m.owner_references.iter().flatten().enumerate() {
        owner_references.push(OwnerReference {
            api_version: r.api_version.as_str().into(),
            kind: r.kind.as_str().into(),
            name: r.name.as_str().into(),
            uid: uid_field(
                Some(&r.uid),
                &format!("metadata.ownerReferences[{i}].uid"),
                w,
            ),
            controller: r.controller.unwrap_or(false),
            block_owner_deletion: r.block_owner_deletion.unwrap_or(false),
        });
    }
    Ok(ObjectMeta {
        name: name(&m.name),
        generate_name: name(&m.generate_name),
        // Cluster-scoped objects have no namespace; the apiserver clears one given in the
        // manifest (staging/src/k8s.io/apiserver/pkg/registry/rest/create.go, BeforeCreate).
        namespace: if kind.namespaced() {
            name(&m.namespace)
        } else {
            Name::default()
        },
        uid: uid_field(m.uid.as_deref(), "metadata.uid", w),
        resource_version,
        generation: m.generation.unwrap_or(0),
        creation_timestamp: 0,
        deletion_timestamp: None,
        deletion_grace_period_seconds: m.deletion_grace_period_seconds,
        labels: string_map(&m.labels),
        annotations: string_map(&m.annotations),
        owner_references,
        finalizers: names(&m.finalizers),
    })
}

/// metav1.LabelSelector; values of set-based requirements are sorted as labels.NewRequirement
/// sorts them.
fn label_selector(s: &meta::LabelSelector, path: &str) -> R<LabelSelector> {
    let mut match_expressions = Vec::new();
    for (i, r) in s.match_expressions.iter().flatten().enumerate() {
        let operator = match r.operator.as_str() {
            "In" => SelectorOperator::In,
            "NotIn" => SelectorOperator::NotIn,
            "Exists" => SelectorOperator::Exists,
            "DoesNotExist" => SelectorOperator::DoesNotExist,
            other => {
                return Err(error(
                    format!("{path}.matchExpressions[{i}].operator"),
                    format!("Invalid value: {other:?}: not a valid selector operator"),
                ))
            }
        };
        let mut values = names(&r.values);
        values.sort();
        match_expressions.push(Requirement {
            key: r.key.as_str().into(),
            operator,
            values,
        });
    }
    Ok(LabelSelector {
        match_labels: string_map(&s.match_labels),
        match_expressions,
    })
}

fn opt_label_selector(s: &Option<meta::LabelSelector>, path: &str) -> R<Option<LabelSelector>> {
    s.as_ref().map(|s| label_selector(s, path)).transpose()
}

fn condition(
    type_: &str,
    status: &str,
    reason: &Option<String>,
    message: &Option<String>,
    path: &str,
) -> R<Condition> {
    let status = match status {
        "" => ConditionStatus::Unknown,
        s => ConditionStatus::parse(s).ok_or_else(|| {
            unsupported(format!("{path}.status"), s, &["False", "True", "Unknown"])
        })?,
    };
    Ok(Condition::new(type_, status).with_reason(name(reason), name(message)))
}

// ---------------------------------------------------------------------------------------------
// Pods

/// The tag upstream's parsers.ParseImageName (pkg/util/parsers/parsers.go) reports: the
/// explicit tag; `latest` when the reference has neither tag nor digest; empty with only a
/// digest; None when the reference does not parse.
fn image_tag(image: &str) -> Option<&str> {
    if image.is_empty() || image.chars().any(|c| c.is_whitespace()) {
        return None;
    }
    let (name, digest) = match image.split_once('@') {
        Some((n, d)) => (n, Some(d)),
        None => (image, None),
    };
    if digest == Some("") {
        return None;
    }
    let last_slash = name.rfind('/').map_or(0, |i| i + 1);
    let (repo, tag) = match name[last_slash..].rfind(':') {
        Some(i) => (&name[..last_slash + i], Some(&name[last_slash + i + 1..])),
        None => (name, None),
    };
    // Docker references: path components are lowercase; only a registry host (a first
    // component with '.' or ':' or `localhost`) may have capitals.
    let mut components: Vec<&str> = repo.split('/').collect();
    if components.len() > 1 {
        let first = components[0];
        if first.contains('.') || first.contains(':') || first == "localhost" {
            components.remove(0);
        }
    }
    if components
        .iter()
        .any(|c| c.is_empty() || c.chars().any(|ch| ch.is_ascii_uppercase()))
    {
        return None;
    }
    match (tag, digest) {
        (Some(""), _) => None,
        (Some(t), _) => Some(t),
        (None, None) => Some("latest"),
        (None, Some(_)) => Some(""),
    }
}

/// SetDefaults_Container (pkg/apis/core/v1/defaults.go): `Always` when the image's tag is
/// `latest` (which is also what an untagged, undigested reference means), else `IfNotPresent`.
pub fn default_pull_policy(image: &str) -> PullPolicy {
    if image_tag(image) == Some("latest") {
        PullPolicy::Always
    } else {
        PullPolicy::IfNotPresent
    }
}

/// A resource list: `cpu` in millicores, everything else in units. Values are rounded up as
/// SetDefaults_ResourceList rounds them (to milli scale, then up to whole units here).
fn resource_list(m: &Option<BTreeMap<String, K8sQuantity>>, path: &str) -> R<ResourceList> {
    let mut out = ResourceList::new();
    for (key, q) in m.iter().flatten() {
        let quantity: Quantity =
            q.0.parse()
                .map_err(|e: crate::api::quantity::QuantityError| {
                    error(format!("{path}.{key}"), e.to_string())
                })?;
        let resource = ResourceName::parse(key);
        let amount = if resource == ResourceName::Cpu {
            quantity.milli_value()
        } else {
            quantity.value()
        };
        out.set(resource, amount);
    }
    Ok(out)
}

fn protocol(p: Option<&str>, path: &str) -> R<Protocol> {
    parse_enum(
        p,
        path,
        &[
            ("TCP", Protocol::Tcp),
            ("UDP", Protocol::Udp),
            ("SCTP", Protocol::Sctp),
        ],
        Some(Protocol::Tcp),
    )
}

fn restart_policy(p: Option<&str>, path: &str, default: Option<RestartPolicy>) -> R<RestartPolicy> {
    parse_enum(
        p,
        path,
        &[
            ("Always", RestartPolicy::Always),
            ("OnFailure", RestartPolicy::OnFailure),
            ("Never", RestartPolicy::Never),
        ],
        default,
    )
}

/// HTTPGetAction with SetDefaults_HTTPGetAction: path `/`, scheme `HTTP`.
fn http_get(h: &core::HTTPGetAction) -> Handler {
    Handler::HttpGet {
        path: match h.path.as_deref() {
            None | Some("") => "/".into(),
            Some(p) => p.into(),
        },
        port: int_or_string(&h.port),
        scheme: match h.scheme.as_deref() {
            None | Some("") => "HTTP".into(),
            Some(s) => s.into(),
        },
    }
}

/// Exactly one handler must be set (validateHandler in pkg/apis/core/validation/validation.go).
fn one_handler(mut handlers: Vec<Handler>, path: &str) -> R<Handler> {
    match handlers.len() {
        0 => Err(error(path, "Required value: must specify a handler type")),
        1 => Ok(handlers.remove(0)),
        _ => Err(error(
            path,
            "Forbidden: may not specify more than 1 handler type",
        )),
    }
}

/// core/v1 Probe with SetDefaults_Probe: timeout 1, period 10, success 1, failure 3.
fn probe(p: &core::Probe, path: &str) -> R<Probe> {
    let mut handlers = Vec::new();
    if let Some(e) = &p.exec {
        handlers.push(Handler::Exec {
            command: names(&e.command),
        });
    }
    if let Some(h) = &p.http_get {
        handlers.push(http_get(h));
    }
    if let Some(t) = &p.tcp_socket {
        handlers.push(Handler::TcpSocket {
            port: int_or_string(&t.port),
        });
    }
    if let Some(g) = &p.grpc {
        handlers.push(Handler::Grpc {
            port: g.port,
            service: name(&g.service),
        });
    }
    let nonzero = |v: Option<i32>, default: i32| match v {
        None | Some(0) => default,
        Some(v) => v,
    };
    Ok(Probe {
        handler: one_handler(handlers, path)?,
        initial_delay_seconds: p.initial_delay_seconds.unwrap_or(0),
        timeout_seconds: nonzero(p.timeout_seconds, 1),
        period_seconds: nonzero(p.period_seconds, 10),
        success_threshold: nonzero(p.success_threshold, 1),
        failure_threshold: nonzero(p.failure_threshold, 3),
        termination_grace_period_seconds: p.termination_grace_period_seconds,
    })
}

fn lifecycle_handler(h: &core::LifecycleHandler, path: &str) -> R<Handler> {
    let mut handlers = Vec::new();
    if let Some(e) = &h.exec {
        handlers.push(Handler::Exec {
            command: names(&e.command),
        });
    }
    if let Some(g) = &h.http_get {
        handlers.push(http_get(g));
    }
    if let Some(t) = &h.tcp_socket {
        handlers.push(Handler::TcpSocket {
            port: int_or_string(&t.port),
        });
    }
    if let Some(s) = &h.sleep {
        handlers.push(Handler::Sleep { seconds: s.seconds });
    }
    one_handler(handlers, path)
}

fn container(c: &core::Container, path: &str) -> R<Container> {
    let image = name(&c.image);
    let image_pull_policy = parse_enum(
        c.image_pull_policy.as_deref(),
        &format!("{path}.imagePullPolicy"),
        &[
            ("Always", PullPolicy::Always),
            ("IfNotPresent", PullPolicy::IfNotPresent),
            ("Never", PullPolicy::Never),
        ],
        Some(default_pull_policy(&image)),
    )?;
    let empty = core::ResourceRequirements::default();
    let res = c.resources.as_ref().unwrap_or(&empty);
    let resources = ResourceRequirements {
        requests: resource_list(&res.requests, &format!("{path}.resources.requests"))?,
        limits: resource_list(&res.limits, &format!("{path}.resources.limits"))?,
    };
    let mut ports = Vec::new();
    for (i, p) in c.ports.iter().flatten().enumerate() {
        ports.push(ContainerPort {
            name: name(&p.name),
            container_port: p.container_port,
            host_port: p.host_port.unwrap_or(0),
            host_ip: name(&p.host_ip),
            // +default="TCP" (zz_generated.defaults.go).
            protocol: protocol(
                p.protocol.as_deref(),
                &format!("{path}.ports[{i}].protocol"),
            )?,
        });
    }
    let boxed_probe = |p: &Option<core::Probe>, field: &str| -> R<Option<Box<Probe>>> {
        p.as_ref()
            .map(|p| probe(p, &format!("{path}.{field}")).map(Box::new))
            .transpose()
    };
    let lifecycle = match &c.lifecycle {
        None => None,
        Some(l) => Some(Box::new(Lifecycle {
            post_start: l
                .post_start
                .as_ref()
                .map(|h| lifecycle_handler(h, &format!("{path}.lifecycle.postStart")))
                .transpose()?,
            pre_stop: l
                .pre_stop
                .as_ref()
                .map(|h| lifecycle_handler(h, &format!("{path}.lifecycle.preStop")))
                .transpose()?,
        })),
    };
    Ok(Container {
        name: c.name.as_str().into(),
        image,
        image_pull_policy,
        resources,
        ports,
        liveness_probe: boxed_probe(&c.liveness_probe, "livenessProbe")?,
        readiness_probe: boxed_probe(&c.readiness_probe, "readinessProbe")?,
        startup_probe: boxed_probe(&c.startup_probe, "startupProbe")?,
        lifecycle,
        restart_policy: match c.restart_policy.as_deref() {
            None | Some("") => None,
            Some(p) => Some(restart_policy(
                Some(p),
                &format!("{path}.restartPolicy"),
                None,
            )?),
        },
    })
}

fn taint_effect(e: &str, path: &str) -> R<TaintEffect> {
    TaintEffect::parse(e).ok_or_else(|| {
        if e.is_empty() {
            error(path, "Required value")
        } else {
            unsupported(path, e, &["NoExecute", "NoSchedule", "PreferNoSchedule"])
        }
    })
}

fn toleration(t: &core::Toleration, path: &str) -> R<Toleration> {
    Ok(Toleration {
        key: name(&t.key),
        // An empty operator means Equal (validateTolerations).
        operator: parse_enum(
            t.operator.as_deref(),
            &format!("{path}.operator"),
            &[
                ("Equal", TolerationOperator::Equal),
                ("Exists", TolerationOperator::Exists),
            ],
            Some(TolerationOperator::Equal),
        )?,
        value: name(&t.value),
        effect: match t.effect.as_deref() {
            None | Some("") => None,
            Some(e) => Some(taint_effect(e, &format!("{path}.effect"))?),
        },
        toleration_seconds: t.toleration_seconds,
    })
}

fn node_selector_requirements(
    v: &Option<Vec<core::NodeSelectorRequirement>>,
    path: &str,
) -> R<Vec<NodeSelectorRequirement>> {
    let mut out = Vec::new();
    for (i, r) in v.iter().flatten().enumerate() {
        out.push(NodeSelectorRequirement {
            key: r.key.as_str().into(),
            operator: parse_enum(
                Some(&r.operator),
                &format!("{path}[{i}].operator"),
                &[
                    ("DoesNotExist", NodeSelectorOperator::DoesNotExist),
                    ("Exists", NodeSelectorOperator::Exists),
                    ("Gt", NodeSelectorOperator::Gt),
                    ("In", NodeSelectorOperator::In),
                    ("Lt", NodeSelectorOperator::Lt),
                    ("NotIn", NodeSelectorOperator::NotIn),
                ],
                None,
            )?,
            values: names(&r.values),
        });
    }
    Ok(out)
}

fn node_selector_term(t: &core::NodeSelectorTerm, path: &str) -> R<NodeSelectorTerm> {
    Ok(NodeSelectorTerm {
        match_expressions: node_selector_requirements(
            &t.match_expressions,
            &format!("{path}.matchExpressions"),
        )?,
        match_fields: node_selector_requirements(&t.match_fields, &format!("{path}.matchFields"))?,
    })
}

fn pod_affinity_term(t: &core::PodAffinityTerm, path: &str) -> R<PodAffinityTerm> {
    Ok(PodAffinityTerm {
        label_selector: opt_label_selector(&t.label_selector, &format!("{path}.labelSelector"))?,
        namespaces: names(&t.namespaces),
        namespace_selector: opt_label_selector(
            &t.namespace_selector,
            &format!("{path}.namespaceSelector"),
        )?,
        topology_key: t.topology_key.as_str().into(),
        match_label_keys: names(&t.match_label_keys),
        mismatch_label_keys: names(&t.mismatch_label_keys),
    })
}

fn pod_affinity(
    required: &Option<Vec<core::PodAffinityTerm>>,
    preferred: &Option<Vec<core::WeightedPodAffinityTerm>>,
    path: &str,
) -> R<PodAffinity> {
    let mut out = PodAffinity::default();
    for (i, t) in required.iter().flatten().enumerate() {
        out.required.push(pod_affinity_term(
            t,
            &format!("{path}.requiredDuringSchedulingIgnoredDuringExecution[{i}]"),
        )?);
    }
    for (i, t) in preferred.iter().flatten().enumerate() {
        out.preferred.push(WeightedPodAffinityTerm {
            weight: t.weight,
            term: pod_affinity_term(
                &t.pod_affinity_term,
                &format!(
                    "{path}.preferredDuringSchedulingIgnoredDuringExecution[{i}].podAffinityTerm"
                ),
            )?,
        });
    }
    Ok(out)
}

fn affinity(a: &core::Affinity, path: &str) -> R<Affinity> {
    let node_affinity = match &a.node_affinity {
        None => None,
        Some(n) => {
            let p = format!("{path}.nodeAffinity");
            let required = match &n.required_during_scheduling_ignored_during_execution {
                None => None,
                Some(sel) => {
                    let mut terms = Vec::new();
                    for (i, t) in sel.node_selector_terms.iter().enumerate() {
                        terms.push(node_selector_term(
                            t,
                            &format!("{p}.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[{i}]"),
                        )?);
                    }
                    Some(terms)
                }
            };
            let mut preferred = Vec::new();
            for (i, t) in n
                .preferred_during_scheduling_ignored_during_execution
                .iter()
                .flatten()
                .enumerate()
            {
                preferred.push(PreferredSchedulingTerm {
                    weight: t.weight,
                    preference: node_selector_term(
                        &t.preference,
                        &format!(
                            "{p}.preferredDuringSchedulingIgnoredDuringExecution[{i}].preference"
                        ),
                    )?,
                });
            }
            Some(NodeAffinity {
                required,
                preferred,
            })
        }
    };
    Ok(Affinity {
        node_affinity,
        pod_affinity: a
            .pod_affinity
            .as_ref()
            .map(|p| {
                pod_affinity(
                    &p.required_during_scheduling_ignored_during_execution,
                    &p.preferred_during_scheduling_ignored_during_execution,
                    &format!("{path}.podAffinity"),
                )
            })
            .transpose()?,
        pod_anti_affinity: a
            .pod_anti_affinity
            .as_ref()
            .map(|p| {
                pod_affinity(
                    &p.required_during_scheduling_ignored_during_execution,
                    &p.preferred_during_scheduling_ignored_during_execution,
                    &format!("{path}.podAntiAffinity"),
                )
            })
            .transpose()?,
    })
}

fn node_inclusion_policy(p: Option<&str>, path: &str) -> R<Option<NodeInclusionPolicy>> {
    match p {
        None | Some("") => Ok(None),
        Some(v) => parse_enum(
            Some(v),
            path,
            &[
                ("Honor", NodeInclusionPolicy::Honor),
                ("Ignore", NodeInclusionPolicy::Ignore),
            ],
            None,
        )
        .map(Some),
    }
}

fn topology_spread_constraint(
    t: &core::TopologySpreadConstraint,
    path: &str,
) -> R<TopologySpreadConstraint> {
    Ok(TopologySpreadConstraint {
        max_skew: t.max_skew,
        topology_key: t.topology_key.as_str().into(),
        when_unsatisfiable: parse_enum(
            Some(&t.when_unsatisfiable),
            &format!("{path}.whenUnsatisfiable"),
            &[
                (
                    "DoNotSchedule",
                    UnsatisfiableConstraintAction::DoNotSchedule,
                ),
                (
                    "ScheduleAnyway",
                    UnsatisfiableConstraintAction::ScheduleAnyway,
                ),
            ],
            None,
        )?,
        label_selector: opt_label_selector(&t.label_selector, &format!("{path}.labelSelector"))?,
        min_domains: t.min_domains,
        node_affinity_policy: node_inclusion_policy(
            t.node_affinity_policy.as_deref(),
            &format!("{path}.nodeAffinityPolicy"),
        )?,
        node_taints_policy: node_inclusion_policy(
            t.node_taints_policy.as_deref(),
            &format!("{path}.nodeTaintsPolicy"),
        )?,
        match_label_keys: names(&t.match_label_keys),
    })
}

/// A volume's source. SetDefaults_Volume: a volume with no source is an emptyDir.
fn volume(v: &core::Volume) -> Volume {
    let source = if v.empty_dir.is_some() {
        VolumeSource::EmptyDir
    } else if let Some(h) = &v.host_path {
        VolumeSource::HostPath {
            path: h.path.as_str().into(),
        }
    } else if let Some(c) = &v.config_map {
        VolumeSource::ConfigMap {
            name: c.name.as_str().into(),
        }
    } else if let Some(s) = &v.secret {
        VolumeSource::Secret {
            name: name(&s.secret_name),
        }
    } else if let Some(p) = &v.persistent_volume_claim {
        VolumeSource::PersistentVolumeClaim {
            claim_name: p.claim_name.as_str().into(),
        }
    } else {
        let has_other_source = serde_json::to_value(v)
            .ok()
            .and_then(|j| j.as_object().map(|o| o.keys().any(|k| k != "name")))
            .unwrap_or(false);
        if has_other_source {
            VolumeSource::Other
        } else {
            VolumeSource::EmptyDir
        }
    };
    Volume {
        name: v.name.as_str().into(),
        source,
    }
}

/// core/v1 PodSpec with SetDefaults_PodSpec: restartPolicy Always, terminationGracePeriodSeconds
/// 30, schedulerName `default-scheduler`; containers with SetDefaults_Container and probes with
/// SetDefaults_Probe.
fn pod_spec(s: &core::PodSpec, path: &str) -> R<PodSpec> {
    let mut containers = Vec::new();
    for (i, c) in s.containers.iter().enumerate() {
        containers.push(container(c, &format!("{path}.containers[{i}]"))?);
    }
    let mut init_containers = Vec::new();
    for (i, c) in s.init_containers.iter().flatten().enumerate() {
        init_containers.push(container(c, &format!("{path}.initContainers[{i}]"))?);
    }
    let mut tolerations = Vec::new();
    for (i, t) in s.tolerations.iter().flatten().enumerate() {
        tolerations.push(toleration(t, &format!("{path}.tolerations[{i}]"))?);
    }
    let mut topology_spread_constraints = Vec::new();
    for (i, t) in s.topology_spread_constraints.iter().flatten().enumerate() {
        topology_spread_constraints.push(topology_spread_constraint(
            t,
            &format!("{path}.topologySpreadConstraints[{i}]"),
        )?);
    }
    Ok(PodSpec {
        node_name: name(&s.node_name),
        scheduler_name: match s.scheduler_name.as_deref() {
            None | Some("") => "default-scheduler".into(),
            Some(n) => n.into(),
        },
        containers,
        restart_policy: restart_policy(
            s.restart_policy.as_deref(),
            &format!("{path}.restartPolicy"),
            Some(RestartPolicy::Always),
        )?,
        termination_grace_period_seconds: s.termination_grace_period_seconds.unwrap_or(30),
        affinity: s
            .affinity
            .as_ref()
            .map(|a| affinity(a, &format!("{path}.affinity")).map(Box::new))
            .transpose()?,
        tolerations,
        priority: s.priority,
        preemption_policy: match s.preemption_policy.as_deref() {
            None | Some("") => None,
            p => Some(preemption_policy(p, &format!("{path}.preemptionPolicy"))?),
        },
        host_network: s.host_network.unwrap_or(false),
        rare: Rare::new(RarePodSpec {
            init_containers,
            active_deadline_seconds: s.active_deadline_seconds,
            node_selector: string_map(&s.node_selector),
            priority_class_name: name(&s.priority_class_name),
            topology_spread_constraints,
            volumes: s.volumes.iter().flatten().map(volume).collect(),
            hostname: name(&s.hostname),
            subdomain: name(&s.subdomain),
        }),
    })
}

/// The defaulting upstream applies to Pods but not to pod templates (SetDefaults_Pod in
/// pkg/apis/core/v1/defaults.go): requests default to limits for every resource that has a
/// limit and no request, and with hostNetwork every container port's hostPort defaults to its
/// containerPort. The API server applies this again when it creates pods from templates.
pub fn apply_pod_defaults(spec: &mut PodSpec) {
    let host_network = spec.host_network;
    let init_containers = spec
        .rare
        .get_mut()
        .map(|r| &mut r.init_containers[..])
        .unwrap_or_default();
    for c in spec.containers.iter_mut().chain(init_containers) {
        let limits: Vec<(ResourceName, i64)> = c
            .resources
            .limits
            .iter()
            .map(|(n, v)| (n.clone(), v))
            .collect();
        for (resource, amount) in limits {
            if c.resources.requests.get(&resource).is_none() {
                c.resources.requests.set(resource, amount);
            }
        }
        if host_network {
            for p in &mut c.ports {
                if p.host_port == 0 {
                    p.host_port = p.container_port;
                }
            }
        }
    }
}

fn pod_template(t: &core::PodTemplateSpec, path: &str) -> R<Box<PodTemplateSpec>> {
    let empty_meta = meta::ObjectMeta::default();
    let m = t.metadata.as_ref().unwrap_or(&empty_meta);
    let empty_spec = core::PodSpec::default();
    Ok(Box::new(PodTemplateSpec {
        labels: string_map(&m.labels),
        annotations: string_map(&m.annotations),
        spec: pod_spec(
            t.spec.as_ref().unwrap_or(&empty_spec),
            &format!("{path}.spec"),
        )?,
    }))
}

fn container_state(s: &core::ContainerState) -> Option<ContainerState> {
    if let Some(t) = &s.terminated {
        Some(ContainerState::Terminated {
            exit_code: t.exit_code,
            reason: name(&t.reason),
            message: name(&t.message),
            started_at: None,
            finished_at: 0,
        })
    } else if s.running.is_some() {
        Some(ContainerState::Running { started_at: 0 })
    } else {
        s.waiting.as_ref().map(|w| ContainerState::Waiting {
            reason: name(&w.reason),
            message: name(&w.message),
        })
    }
}

fn container_status(s: &core::ContainerStatus) -> ContainerStatus {
    ContainerStatus {
        name: s.name.as_str().into(),
        image: s.image.as_str().into(),
        ready: s.ready,
        started: s.started,
        restart_count: s.restart_count,
        state: s
            .state
            .as_ref()
            .and_then(container_state)
            .unwrap_or(ContainerState::Waiting {
                reason: Name::default(),
                message: Name::default(),
            }),
        last_state: s
            .last_state
            .as_ref()
            .and_then(container_state)
            .map(Box::new),
    }
}

fn pod_status(s: &core::PodStatus) -> R<PodStatus> {
    let phase = match s.phase.as_deref() {
        None | Some("") => PodPhase::Pending,
        Some(p) => PodPhase::parse(p).ok_or_else(|| {
            unsupported(
                "status.phase",
                p,
                &["Failed", "Pending", "Running", "Succeeded", "Unknown"],
            )
        })?,
    };
    let mut conditions = Vec::new();
    for (i, c) in s.conditions.iter().flatten().enumerate() {
        conditions.push(condition(
            &c.type_,
            &c.status,
            &c.reason,
            &c.message,
            &format!("status.conditions[{i}]"),
        )?);
    }
    Ok(PodStatus {
        phase,
        conditions,
        host_ip: name(&s.host_ip),
        pod_ip: name(&s.pod_ip),
        start_time: None,
        container_statuses: s
            .container_statuses
            .iter()
            .flatten()
            .map(container_status)
            .collect(),
        rare: Rare::new(RarePodStatus {
            init_container_statuses: s
                .init_container_statuses
                .iter()
                .flatten()
                .map(container_status)
                .collect(),
            reason: name(&s.reason),
            message: name(&s.message),
            nominated_node_name: name(&s.nominated_node_name),
        }),
    })
}

pub(super) fn pod(p: &core::Pod, w: &mut Vec<Warning>) -> R<Object> {
    let empty_spec = core::PodSpec::default();
    let mut spec = pod_spec(p.spec.as_ref().unwrap_or(&empty_spec), "spec")?;
    apply_pod_defaults(&mut spec);
    let status = match &p.status {
        Some(s) => pod_status(s)?,
        None => PodStatus::default(),
    };
    Ok(Object {
        meta: object_meta(&p.metadata, Kind::Pod, w)?,
        body: Body::Pod(Pod { spec, status }),
    })
}

// ---------------------------------------------------------------------------------------------
// Nodes and namespaces

pub(super) fn node(n: &core::Node, w: &mut Vec<Warning>) -> R<Object> {
    let mut spec = NodeSpec::default();
    if let Some(s) = &n.spec {
        spec.unschedulable = s.unschedulable.unwrap_or(false);
        for (i, t) in s.taints.iter().flatten().enumerate() {
            spec.taints.push(Taint {
                key: t.key.as_str().into(),
                value: name(&t.value),
                effect: taint_effect(&t.effect, &format!("spec.taints[{i}].effect"))?,
                time_added: None,
            });
        }
        spec.pod_cidr = name(&s.pod_cidr);
        spec.provider_id = name(&s.provider_id);
    }
    let mut status = NodeStatus::default();
    if let Some(s) = &n.status {
        status.capacity = resource_list(&s.capacity, "status.capacity")?;
        // SetDefaults_NodeStatus: allocatable defaults to capacity.
        status.allocatable = match &s.allocatable {
            None => status.capacity.clone(),
            Some(_) => resource_list(&s.allocatable, "status.allocatable")?,
        };
        for (i, c) in s.conditions.iter().flatten().enumerate() {
            status.conditions.push(condition(
                &c.type_,
                &c.status,
                &c.reason,
                &c.message,
                &format!("status.conditions[{i}]"),
            )?);
        }
        status.addresses = s
            .addresses
            .iter()
            .flatten()
            .map(|a| NodeAddress {
                type_: a.type_.as_str().into(),
                address: a.address.as_str().into(),
            })
            .collect();
        status.images = s
            .images
            .iter()
            .flatten()
            .map(|i| ContainerImage {
                names: names(&i.names),
                size_bytes: i.size_bytes.unwrap_or(0),
            })
            .collect();
    }
    Ok(Object {
        meta: object_meta(&n.metadata, Kind::Node, w)?,
        body: Body::Node(Node { spec, status }),
    })
}

/// SetDefaults_Namespace adds the `kubernetes.io/metadata.name` label; SetDefaults_NamespaceStatus
/// defaults the phase to Active.
pub(super) fn namespace(n: &core::Namespace, w: &mut Vec<Warning>) -> R<Object> {
    let mut meta = object_meta(&n.metadata, Kind::Namespace, w)?;
    if !meta.name.is_empty() {
        let name = meta.name.clone();
        meta.labels.insert("kubernetes.io/metadata.name", name);
    }
    let phase = parse_enum(
        n.status.as_ref().and_then(|s| s.phase.as_deref()),
        "status.phase",
        &[
            ("Active", NamespacePhase::Active),
            ("Terminating", NamespacePhase::Terminating),
        ],
        Some(NamespacePhase::Active),
    )?;
    Ok(Object {
        meta,
        body: Body::Namespace(Namespace { phase }),
    })
}

// ---------------------------------------------------------------------------------------------
// Services, endpoints, events

/// A `Cluster`/`Local` traffic policy; true for Local.
fn traffic_policy_local(p: Option<&str>, path: &str) -> R<bool> {
    parse_enum(p, path, &[("Cluster", false), ("Local", true)], Some(false))
}

/// core/v1 Service with SetDefaults_Service: type ClusterIP, sessionAffinity None, port
/// protocol TCP, targetPort = port when unset or zero.
pub(super) fn service(s: &core::Service, w: &mut Vec<Warning>) -> R<Object> {
    let empty = core::ServiceSpec::default();
    let spec = s.spec.as_ref().unwrap_or(&empty);
    let mut ports = Vec::new();
    for (i, p) in spec.ports.iter().flatten().enumerate() {
        let target_port = match &p.target_port {
            None | Some(K8sIntOrString::Int(0)) => IntOrString::Int(p.port),
            Some(K8sIntOrString::String(t)) if t.is_empty() => IntOrString::Int(p.port),
            Some(t) => int_or_string(t),
        };
        ports.push(ServicePort {
            name: name(&p.name),
            protocol: protocol(p.protocol.as_deref(), &format!("spec.ports[{i}].protocol"))?,
            port: p.port,
            target_port,
            node_port: p.node_port.unwrap_or(0),
        });
    }
    let selector = spec
        .selector
        .as_ref()
        .filter(|m| !m.is_empty())
        .map(|_| string_map(&spec.selector));
    let load_balancer_ingress = s
        .status
        .as_ref()
        .and_then(|st| st.load_balancer.as_ref())
        .and_then(|lb| lb.ingress.as_ref())
        .into_iter()
        .flatten()
        .filter_map(|ing| {
            ing.ip
                .as_deref()
                .filter(|ip| !ip.is_empty())
                .or(ing.hostname.as_deref().filter(|h| !h.is_empty()))
                .map(Name::from)
        })
        .collect();
    let body = Service {
        type_: parse_enum(
            spec.type_.as_deref(),
            "spec.type",
            &[
                ("ClusterIP", ServiceType::ClusterIP),
                ("ExternalName", ServiceType::ExternalName),
                ("LoadBalancer", ServiceType::LoadBalancer),
                ("NodePort", ServiceType::NodePort),
            ],
            Some(ServiceType::ClusterIP),
        )?,
        selector,
        ports,
        cluster_ip: name(&spec.cluster_ip),
        external_name: name(&spec.external_name),
        session_affinity_client_ip: parse_enum(
            spec.session_affinity.as_deref(),
            "spec.sessionAffinity",
            &[("ClientIP", true), ("None", false)],
            Some(false),
        )?,
        external_traffic_policy_local: traffic_policy_local(
            spec.external_traffic_policy.as_deref(),
            "spec.externalTrafficPolicy",
        )?,
        internal_traffic_policy_local: traffic_policy_local(
            spec.internal_traffic_policy.as_deref(),
            "spec.internalTrafficPolicy",
        )?,
        publish_not_ready_addresses: spec.publish_not_ready_addresses.unwrap_or(false),
        load_balancer_ingress,
    };
    Ok(Object {
        meta: object_meta(&s.metadata, Kind::Service, w)?,
        body: Body::Service(body),
    })
}

fn object_reference(
    r: &core::ObjectReference,
    path: &str,
    w: &mut Vec<Warning>,
) -> ObjectReference {
    ObjectReference {
        kind: name(&r.kind),
        namespace: name(&r.namespace),
        name: name(&r.name),
        uid: uid_field(r.uid.as_deref(), &format!("{path}.uid"), w),
    }
}

fn endpoint_addresses(
    v: &Option<Vec<core::EndpointAddress>>,
    path: &str,
    w: &mut Vec<Warning>,
) -> Vec<EndpointAddress> {
    v.iter()
        .flatten()
        .enumerate()
        .map(|(i, a)| EndpointAddress {
            ip: a.ip.as_str().into(),
            hostname: name(&a.hostname),
            node_name: name(&a.node_name),
            target_ref: a
                .target_ref
                .as_ref()
                .map(|r| object_reference(r, &format!("{path}[{i}].targetRef"), w)),
        })
        .collect()
}

/// core/v1 Endpoints with SetDefaults_Endpoints: port protocol TCP.
pub(super) fn endpoints(e: &core::Endpoints, w: &mut Vec<Warning>) -> R<Object> {
    let mut subsets = Vec::new();
    for (i, s) in e.subsets.iter().flatten().enumerate() {
        let path = format!("subsets[{i}]");
        let mut ports = Vec::new();
        for (j, p) in s.ports.iter().flatten().enumerate() {
            ports.push(EndpointPort {
                name: name(&p.name),
                port: p.port,
                protocol: protocol(
                    p.protocol.as_deref(),
                    &format!("{path}.ports[{j}].protocol"),
                )?,
            });
        }
        subsets.push(EndpointSubset {
            addresses: endpoint_addresses(&s.addresses, &format!("{path}.addresses"), w),
            not_ready_addresses: endpoint_addresses(
                &s.not_ready_addresses,
                &format!("{path}.notReadyAddresses"),
                w,
            ),
            ports,
        });
    }
    Ok(Object {
        meta: object_meta(&e.metadata, Kind::Endpoints, w)?,
        body: Body::Endpoints(Endpoints { subsets }),
    })
}

pub(super) fn event(e: &core::Event, w: &mut Vec<Warning>) -> R<Object> {
    let r = &e.involved_object;
    let involved_object =
        if r.kind.is_some() || r.name.is_some() || r.namespace.is_some() || r.uid.is_some() {
            Some(object_reference(r, "involvedObject", w))
        } else {
            None
        };
    let source = e.source.clone().unwrap_or_default();
    Ok(Object {
        meta: object_meta(&e.metadata, Kind::Event, w)?,
        body: Body::Event(Event {
            involved_object,
            reason: name(&e.reason),
            message: name(&e.message),
            type_: name(&e.type_),
            count: e.count.unwrap_or(0),
            first_timestamp: None,
            last_timestamp: None,
            source_component: name(&source.component),
            source_host: name(&source.host),
        }),
    })
}

/// coordination/v1 Lease. acquireTime and renewTime are timestamps, ignored with a warning
/// like every manifest timestamp (see `modelled.rs`).
pub(super) fn lease(l: &coordination::Lease, w: &mut Vec<Warning>) -> R<Object> {
    let spec = l.spec.clone().unwrap_or_default();
    Ok(Object {
        meta: object_meta(&l.metadata, Kind::Lease, w)?,
        body: Body::Lease(Lease {
            holder_identity: name(&spec.holder_identity),
            lease_duration_seconds: spec.lease_duration_seconds,
            acquire_time: None,
            renew_time: None,
            lease_transitions: spec.lease_transitions,
        }),
    })
}

/// scheduling/v1 PriorityClass, with SetDefaults_PriorityClass (pkg/apis/scheduling/v1/defaults.go):
/// an unset preemptionPolicy is PreemptLowerPriority. A missing `value` decodes as 0, as Go's
/// non-pointer int32 does.
pub(super) fn priority_class(pc: &scheduling::PriorityClass, w: &mut Vec<Warning>) -> R<Object> {
    Ok(Object {
        meta: object_meta(&pc.metadata, Kind::PriorityClass, w)?,
        body: Body::PriorityClass(PriorityClass {
            value: pc.value.unwrap_or(0),
            global_default: pc.global_default.unwrap_or(false),
            preemption_policy: Some(preemption_policy(
                pc.preemption_policy.as_deref(),
                "preemptionPolicy",
            )?),
            description: name(&pc.description),
        }),
    })
}

/// A PreemptionPolicy; unset or empty defaults to PreemptLowerPriority.
fn preemption_policy(value: Option<&str>, path: &str) -> R<PreemptionPolicy> {
    parse_enum(
        value,
        path,
        &[
            ("Never", PreemptionPolicy::Never),
            (
                "PreemptLowerPriority",
                PreemptionPolicy::PreemptLowerPriority,
            ),
        ],
        Some(PreemptionPolicy::PreemptLowerPriority),
    )
}

// ---------------------------------------------------------------------------------------------
// Workloads

/// What the version-specific preparation found in the manifest before typed decoding.
#[derive(Clone, Debug, Default)]
pub(super) struct Prepared {
    pub version: ApiVersion,
    /// `spec.selector` was present in the manifest.
    pub selector_set: bool,
    /// extensions/v1beta1 and apps/v1beta1 `spec.rollbackTo.revision`.
    pub rollback_to: Option<i64>,
}

/// The selector of a ReplicaSet or Deployment: required in apps/v1 and apps/v1beta2; defaulted
/// from the template's labels in extensions/v1beta1 and apps/v1beta1 (SetDefaults_Deployment,
/// SetDefaults_ReplicaSet in pkg/apis/extensions/v1beta1/defaults.go and
/// pkg/apis/apps/v1beta1/defaults.go).
fn workload_selector(
    s: &meta::LabelSelector,
    prepared: &Prepared,
    template_labels: &StringMap,
) -> R<LabelSelector> {
    if prepared.selector_set {
        label_selector(s, "spec.selector")
    } else if prepared.version.defaults_selector_from_template() && !template_labels.is_empty() {
        Ok(LabelSelector::from_match_labels(template_labels.clone()))
    } else {
        Err(error("spec.selector", "Required value"))
    }
}

fn replica_set_status(
    replicas: i32,
    fully_labeled: Option<i32>,
    ready: Option<i32>,
    available: Option<i32>,
    observed_generation: Option<i64>,
    terminating: Option<i32>,
    conditions: Vec<Condition>,
) -> ReplicaSetStatus {
    ReplicaSetStatus {
        replicas,
        fully_labeled_replicas: fully_labeled.unwrap_or(0),
        ready_replicas: ready.unwrap_or(0),
        available_replicas: available.unwrap_or(0),
        terminating_replicas: terminating,
        observed_generation: observed_generation.unwrap_or(0),
        conditions,
    }
}

/// core/v1 ReplicationController with SetDefaults_ReplicationController: selector and object
/// labels default to the template's labels; replicas defaults to 1 (`+default=1`).
pub(super) fn replication_controller(
    rc: &core::ReplicationController,
    w: &mut Vec<Warning>,
) -> R<Object> {
    let mut meta = object_meta(&rc.metadata, Kind::ReplicationController, w)?;
    let empty = core::ReplicationControllerSpec::default();
    let spec = rc.spec.as_ref().unwrap_or(&empty);
    let template = spec
        .template
        .as_ref()
        .map(|t| pod_template(t, "spec.template"))
        .transpose()?;
    let mut selector = string_map(&spec.selector);
    if let Some(t) = &template {
        if selector.is_empty() {
            selector = t.labels.clone();
        }
        if meta.labels.is_empty() {
            meta.labels = t.labels.clone();
        }
    }
    let status = match &rc.status {
        None => ReplicaSetStatus::default(),
        Some(s) => {
            let mut conditions = Vec::new();
            for (i, c) in s.conditions.iter().flatten().enumerate() {
                conditions.push(condition(
                    &c.type_,
                    &c.status,
                    &c.reason,
                    &c.message,
                    &format!("status.conditions[{i}]"),
                )?);
            }
            replica_set_status(
                s.replicas,
                s.fully_labeled_replicas,
                s.ready_replicas,
                s.available_replicas,
                s.observed_generation,
                None,
                conditions,
            )
        }
    };
    Ok(Object {
        meta,
        body: Body::ReplicationController(ReplicationController {
            replicas: spec.replicas.unwrap_or(1),
            selector,
            template,
            min_ready_seconds: spec.min_ready_seconds.unwrap_or(0),
            status,
        }),
    })
}

/// apps/v1 ReplicaSet with SetDefaults_ReplicaSet (replicas 1); in extensions/v1beta1 the
/// selector and the object's labels also default to the template's labels.
pub(super) fn replica_set(
    rs: &apps::ReplicaSet,
    prepared: &Prepared,
    w: &mut Vec<Warning>,
) -> R<Object> {
    let mut meta = object_meta(&rs.metadata, Kind::ReplicaSet, w)?;
    let spec = &rs.spec;
    let template = match &spec.template {
        Some(t) => pod_template(t, "spec.template")?,
        None => Box::default(),
    };
    let selector = workload_selector(&spec.selector, prepared, &template.labels)?;
    if prepared.version.defaults_selector_from_template() && meta.labels.is_empty() {
        meta.labels = template.labels.clone();
    }
    let status = match &rs.status {
        None => ReplicaSetStatus::default(),
        Some(s) => {
            let mut conditions = Vec::new();
            for (i, c) in s.conditions.iter().flatten().enumerate() {
                conditions.push(condition(
                    c.type_.as_deref().unwrap_or(""),
                    c.status.as_deref().unwrap_or(""),
                    &c.reason,
                    &c.message,
                    &format!("status.conditions[{i}]"),
                )?);
            }
            replica_set_status(
                s.replicas,
                s.fully_labeled_replicas,
                s.ready_replicas,
                s.available_replicas,
                s.observed_generation,
                s.terminating_replicas,
                conditions,
            )
        }
    };
    Ok(Object {
        meta,
        body: Body::ReplicaSet(ReplicaSet {
            replicas: spec.replicas.unwrap_or(1),
            selector,
            template,
            min_ready_seconds: spec.min_ready_seconds.unwrap_or(0),
            status,
        }),
    })
}

/// apps/v1 Deployment with the defaults of the version it was written in (see
/// [`ApiVersion`]): replicas 1, strategy RollingUpdate with that version's maxSurge and
/// maxUnavailable, its revisionHistoryLimit and progressDeadlineSeconds.
pub(super) fn deployment(
    d: &apps::Deployment,
    prepared: &Prepared,
    w: &mut Vec<Warning>,
) -> R<Object> {
    let mut meta = object_meta(&d.metadata, Kind::Deployment, w)?;
    let spec = &d.spec;
    let template = pod_template(&spec.template, "spec.template")?;
    let selector = workload_selector(&spec.selector, prepared, &template.labels)?;
    let version = prepared.version;
    if version.defaults_selector_from_template() && meta.labels.is_empty() {
        meta.labels = template.labels.clone();
    }
    let strategy_type = spec.strategy.as_ref().and_then(|s| s.type_.as_deref());
    let rolling_update = spec
        .strategy
        .as_ref()
        .and_then(|s| s.rolling_update.as_ref());
    let (default_surge, default_unavailable) = version.rolling_update_defaults();
    let rolling = || DeploymentStrategy::RollingUpdate {
        max_surge: rolling_update
            .and_then(|r| r.max_surge.as_ref())
            .map(int_or_string)
            .unwrap_or_else(|| default_surge.clone()),
        max_unavailable: rolling_update
            .and_then(|r| r.max_unavailable.as_ref())
            .map(int_or_string)
            .unwrap_or_else(|| default_unavailable.clone()),
    };
    let strategy = match strategy_type.unwrap_or("") {
        "" | "RollingUpdate" => rolling(),
        "Recreate" if rolling_update.is_some() => {
            // validateDeploymentStrategy (pkg/apis/apps/validation/validation.go).
            return Err(error(
                "spec.strategy.rollingUpdate",
                "Forbidden: may not be specified when strategy `type` is 'Recreate'",
            ));
        }
        "Recreate" => DeploymentStrategy::Recreate,
        other => {
            return Err(unsupported(
                "spec.strategy.type",
                other,
                &["Recreate", "RollingUpdate"],
            ))
        }
    };
    let status = match &d.status {
        None => DeploymentStatus::default(),
        Some(s) => {
            let mut conditions = Vec::new();
            for (i, c) in s.conditions.iter().flatten().enumerate() {
                conditions.push(condition(
                    c.type_.as_deref().unwrap_or(""),
                    c.status.as_deref().unwrap_or(""),
                    &c.reason,
                    &c.message,
                    &format!("status.conditions[{i}]"),
                )?);
            }
            DeploymentStatus {
                observed_generation: s.observed_generation.unwrap_or(0),
                replicas: s.replicas.unwrap_or(0),
                updated_replicas: s.updated_replicas.unwrap_or(0),
                ready_replicas: s.ready_replicas.unwrap_or(0),
                available_replicas: s.available_replicas.unwrap_or(0),
                unavailable_replicas: s.unavailable_replicas.unwrap_or(0),
                terminating_replicas: s.terminating_replicas,
                conditions,
                collision_count: s.collision_count,
            }
        }
    };
    Ok(Object {
        meta,
        body: Body::Deployment(Deployment {
            replicas: spec.replicas.unwrap_or(1),
            selector,
            template,
            strategy,
            min_ready_seconds: spec.min_ready_seconds.unwrap_or(0),
            revision_history_limit: spec
                .revision_history_limit
                .or(version.default_revision_history_limit()),
            paused: spec.paused.unwrap_or(false),
            progress_deadline_seconds: spec
                .progress_deadline_seconds
                .or(version.default_progress_deadline_seconds()),
            rollback_to: prepared.rollback_to,
            status,
        }),
    })
}

/// batch/v1 Job with SetDefaults_Job (pkg/apis/batch/v1/defaults.go): completions and
/// parallelism 1 when both are unset, else parallelism 1 and completions left unset;
/// backoffLimit 6 (MaxInt32 with backoffLimitPerIndex); object labels from the template's;
/// completionMode NonIndexed; suspend false; podReplacementPolicy Failed with a
/// podFailurePolicy, else TerminatingOrFailed (JobPodReplacementPolicy, GA and locked on since
/// 1.34); manualSelector false.
pub(super) fn job(j: &batch::Job, w: &mut Vec<Warning>) -> R<Object> {
    let mut meta = object_meta(&j.metadata, Kind::Job, w)?;
    let empty = batch::JobSpec::default();
    let spec = j.spec.as_ref().unwrap_or(&empty);
    let template = pod_template(&spec.template, "spec.template")?;
    if meta.labels.is_empty() && !template.labels.is_empty() {
        meta.labels = template.labels.clone();
    }
    let (completions, parallelism) = match (spec.completions, spec.parallelism) {
        (None, None) => (Some(1), 1),
        (c, p) => (c, p.unwrap_or(1)),
    };
    let backoff_limit = spec
        .backoff_limit
        .unwrap_or(if spec.backoff_limit_per_index.is_some() {
            i32::MAX
        } else {
            6
        });
    let completion_mode = parse_enum(
        spec.completion_mode.as_deref(),
        "spec.completionMode",
        &[
            ("Indexed", CompletionMode::Indexed),
            ("NonIndexed", CompletionMode::NonIndexed),
        ],
        Some(CompletionMode::NonIndexed),
    )?;
    let default_replacement = if spec.pod_failure_policy.is_some() {
        PodReplacementPolicy::Failed
    } else {
        PodReplacementPolicy::TerminatingOrFailed
    };
    let pod_replacement_policy = parse_enum(
        spec.pod_replacement_policy.as_deref(),
        "spec.podReplacementPolicy",
        &[
            ("Failed", PodReplacementPolicy::Failed),
            (
                "TerminatingOrFailed",
                PodReplacementPolicy::TerminatingOrFailed,
            ),
        ],
        Some(default_replacement),
    )?;
    let status = match &j.status {
        None => JobStatus::default(),
        Some(s) => {
            let mut conditions = Vec::new();
            for (i, c) in s.conditions.iter().flatten().enumerate() {
                conditions.push(condition(
                    &c.type_,
                    &c.status,
                    &c.reason,
                    &c.message,
                    &format!("status.conditions[{i}]"),
                )?);
            }
            JobStatus {
                conditions,
                start_time: None,
                completion_time: None,
                active: s.active.unwrap_or(0),
                succeeded: s.succeeded.unwrap_or(0),
                failed: s.failed.unwrap_or(0),
                terminating: s.terminating,
                ready: s.ready,
                completed_indexes: name(&s.completed_indexes),
            }
        }
    };
    Ok(Object {
        meta,
        body: Body::Job(Job {
            parallelism,
            completions,
            active_deadline_seconds: spec.active_deadline_seconds,
            backoff_limit,
            selector: opt_label_selector(&spec.selector, "spec.selector")?,
            manual_selector: spec.manual_selector.unwrap_or(false),
            template,
            ttl_seconds_after_finished: spec.ttl_seconds_after_finished,
            completion_mode,
            suspend: spec.suspend.unwrap_or(false),
            pod_replacement_policy: Some(pod_replacement_policy),
            status,
        }),
    })
}
