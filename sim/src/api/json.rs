//! Internal objects as the API server returns them (`kubectl get -o json|yaml`): upstream field
//! names and placement (k8s.io/api core/v1, apps/v1, batch/v1), Go `encoding/json` omitempty
//! semantics, canonical resource.Quantity strings and metav1.Time RFC 3339 timestamps.

use serde_json::{Map, Value};

use crate::api::selector::{LabelSelector, SelectorOperator};
use crate::api::types::*;
use crate::engine::{SimTime, SECOND};

type Obj = Map<String, Value>;

// ---------------------------------------------------------------------------------------------
// Time

/// The wall-clock instant virtual time 0 maps to: 2026-01-01T00:00:00Z, in Unix seconds.
/// Every rendered timestamp is this epoch plus the virtual time truncated to whole seconds
/// (metav1.Time serializes with second precision).
pub const EPOCH_UNIX_SECONDS: i64 = 1_767_225_600;

/// The broken-down UTC time of a virtual instant (truncated to the second).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CivilTime {
    pub year: i64,
    /// 1..=12
    pub month: u32,
    /// 1..=31
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
    /// 0 = Sunday .. 6 = Saturday
    pub weekday: u32,
}

/// Converts virtual time to the civil UTC time it is rendered as.
pub fn civil_time(t: SimTime) -> CivilTime {
    let secs = EPOCH_UNIX_SECONDS + (t / SECOND) as i64;
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Howard Hinnant's days-from-civil inverse (proleptic Gregorian calendar).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    CivilTime {
        year,
        month,
        day,
        hour: (rem / 3600) as u32,
        minute: (rem % 3600 / 60) as u32,
        second: (rem % 60) as u32,
        // 1970-01-01 was a Thursday.
        weekday: (days + 4).rem_euclid(7) as u32,
    }
}

/// RFC 3339 in UTC with second precision, as metav1.Time marshals: t=90s →
/// `2026-01-01T00:01:30Z`.
pub fn format_timestamp(t: SimTime) -> String {
    let c = civil_time(t);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        c.year, c.month, c.day, c.hour, c.minute, c.second
    )
}

/// Go's time.RFC1123Z layout in UTC (`Thu, 01 Jan 2026 00:01:30 +0000`), which kubectl
/// describe uses for start/finish times.
pub fn format_rfc1123z(t: SimTime) -> String {
    const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let c = civil_time(t);
    format!(
        "{}, {:02} {} {:04} {:02}:{:02}:{:02} +0000",
        DAYS[c.weekday as usize % 7],
        c.day,
        MONTHS[(c.month as usize + 11) % 12],
        c.year,
        c.hour,
        c.minute,
        c.second
    )
}

/// RFC 3339 in UTC with microsecond precision, as metav1.MicroTime marshals
/// (`2006-01-02T15:04:05.000000Z07:00`): t=90.5s → `2026-01-01T00:01:30.500000Z`.
pub fn format_micro_timestamp(t: SimTime) -> String {
    let c = civil_time(t);
    let micros = t % SECOND / crate::engine::MICROSECOND;
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z",
        c.year, c.month, c.day, c.hour, c.minute, c.second, micros
    )
}

fn time_or_null(t: Option<SimTime>) -> Value {
    t.map_or(Value::Null, |t| Value::String(format_timestamp(t)))
}

// ---------------------------------------------------------------------------------------------
// Quantities

/// Renders a resource amount as a canonical quantity string.
///
/// - `cpu` (stored in millicores): `"500m"` when not whole cores, else the core count in decimal
///   SI form (`"2"`, and `"1k"` for 1000 cores, as resource.Quantity prints it).
/// - Byte-valued resources (`memory`, `ephemeral-storage`, `storage`, `hugepages-*`): both the
///   binary form (largest exact suffix among Ki, Mi, Gi, Ti, Pi, Ei: `"128Mi"`, `"1536Mi"`) and
///   the decimal SI form are computed and the one with the shorter number wins, ties going to
///   binary: 128Mi → `"128Mi"`, 10^11 → `"100G"` (not `"97656250Ki"`), 1500 → `"1500"`.
/// - Counts (`pods`, extended resources such as `nvidia.com/gpu`): decimal SI form (`"110"`).
///
/// Decimal SI form is upstream's canonical DecimalSI: the largest suffix among k, M, G, T, P, E
/// that divides the amount exactly (`1000` → `"1k"`, `1500` → `"1500"`). Upstream keeps the
/// format the quantity was written in; amounts here are plain integers, so the format is
/// reconstructed as the more compact one, which matches upstream whenever the manifest used
/// the natural suffix (`128Mi`, `1Gi`, `500M`, `100G`). The string always parses back to the
/// same amount.
pub fn format_quantity(name: &ResourceName, amount: i64) -> String {
    match name {
        ResourceName::Cpu => format_milli(amount),
        ResourceName::Memory | ResourceName::EphemeralStorage => format_bytes(amount),
        ResourceName::Other(n) if n.starts_with("hugepages-") || n == "storage" => {
            format_bytes(amount)
        }
        ResourceName::Pods | ResourceName::Other(_) => format_decimal_si(amount),
    }
}

/// A millicore amount as a quantity: `"250m"`, `"1"`, `"0"`.
pub fn format_milli(milli: i64) -> String {
    if milli % 1000 != 0 {
        format!("{milli}m")
    } else {
        format_decimal_si(milli / 1000)
    }
}

fn format_bytes(n: i64) -> String {
    const BINARY: [&str; 7] = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"];
    let decimal = format_decimal_si(n);
    if n == 0 || n % 1024 != 0 {
        return decimal;
    }
    let (mut v, mut i) = (n, 0);
    while i < 6 && v % 1024 == 0 {
        v /= 1024;
        i += 1;
    }
    let binary = format!("{v}{}", BINARY[i]);
    let digits = |q: &str| q.bytes().filter(|b| b.is_ascii_digit()).count();
    if digits(&decimal) < digits(&binary) {
        decimal
    } else {
        binary
    }
}

fn format_decimal_si(n: i64) -> String {
    const DECIMAL: [&str; 7] = ["", "k", "M", "G", "T", "P", "E"];
    if n == 0 {
        return "0".into();
    }
    let (mut v, mut i) = (n, 0);
    while i < 6 && v % 1000 == 0 {
        v /= 1000;
        i += 1;
    }
    format!("{v}{}", DECIMAL[i])
}

fn resource_list(list: &ResourceList) -> Value {
    Value::Object(
        list.iter()
            .map(|(name, v)| {
                (
                    name.as_str().to_string(),
                    Value::String(format_quantity(name, v)),
                )
            })
            .collect(),
    )
}

// ---------------------------------------------------------------------------------------------
// Small builders with omitempty semantics

fn s(v: &str) -> Value {
    Value::String(v.to_string())
}

fn put(o: &mut Obj, key: &str, v: Value) {
    o.insert(key.to_string(), v);
}

/// A string field with `omitempty`.
fn put_str(o: &mut Obj, key: &str, v: &str) {
    if !v.is_empty() {
        put(o, key, s(v));
    }
}

/// An integer field with `omitempty`.
fn put_int(o: &mut Obj, key: &str, v: i64) {
    if v != 0 {
        put(o, key, Value::from(v));
    }
}

/// A bool field with `omitempty`.
fn put_true(o: &mut Obj, key: &str, v: bool) {
    if v {
        put(o, key, Value::Bool(true));
    }
}

/// A pointer field (`*int32`, `*int64`): present whenever set, even when zero.
fn put_opt_int<T: Into<i64> + Copy>(o: &mut Obj, key: &str, v: Option<T>) {
    if let Some(v) = v {
        put(o, key, Value::from(v.into()));
    }
}

/// A `map[string]string` field with `omitempty`.
fn put_map(o: &mut Obj, key: &str, m: &StringMap) {
    if !m.is_empty() {
        put(o, key, string_map(m));
    }
}

/// A slice field with `omitempty`.
fn put_list(o: &mut Obj, key: &str, items: Vec<Value>) {
    if !items.is_empty() {
        put(o, key, Value::Array(items));
    }
}

fn string_map(m: &StringMap) -> Value {
    Value::Object(m.iter().map(|(k, v)| (k.to_string(), s(v))).collect())
}

fn names(v: &[Name]) -> Vec<Value> {
    v.iter().map(|n| s(n)).collect()
}

fn int_or_string(v: &IntOrString) -> Value {
    match v {
        IntOrString::Int(i) => Value::from(*i),
        IntOrString::String(st) => s(st),
    }
}

// ---------------------------------------------------------------------------------------------
// Objects

/// The object as the API server returns it (`GET /api/v1/namespaces/ns/pods/name`).
///
/// What is emitted, and why:
/// - every modelled field, under its upstream name, when set;
/// - unmodelled fields only where Go's encoder always writes them: struct-valued fields
///   (`omitempty` never drops a struct, hence `"resources": {}`, `"lastState": {}`,
///   `status.nodeInfo`, `status.loadBalancer`), fields without `omitempty` (`imageID`,
///   `reportingComponent`), and zero `metav1.Time` values, which encode as `null`
///   (`lastProbeTime: null`, `eventTime: null`); a zero `creationTimestamp` is omitted instead,
///   as since Kubernetes 1.33 (kubernetes#130989);
/// - plural mirror fields that upstream validation keeps equal to a modelled singular field
///   (`podIPs`/`hostIPs`, `clusterIPs`, `podCIDRs`), the pod's `qosClass` (computed from the
///   resources at creation), and an event's `reportingComponent`/`reportingInstance` (client-go's
///   recorder copies them from `source`).
///
/// API-server defaults of unmodelled fields (`dnsPolicy`, `terminationMessagePath`,
/// `defaultMode`, `ipFamilies`, ...) are not invented. Keys come out sorted (serde_json's map is
/// ordered), as `kubectl get -o json|yaml` prints them.
pub fn to_json(obj: &Object) -> Value {
    let kind = obj.kind();
    let mut o = Obj::new();
    put(&mut o, "apiVersion", s(kind.api_version()));
    put(&mut o, "kind", s(kind.as_str()));
    put(&mut o, "metadata", object_meta(&obj.meta));
    match &obj.body {
        Body::Namespace(ns) => {
            put(&mut o, "spec", Value::Object(Obj::new()));
            let phase = match ns.phase {
                NamespacePhase::Active => "Active",
                NamespacePhase::Terminating => "Terminating",
            };
            put(&mut o, "status", Value::Object(one("phase", s(phase))));
        }
        Body::Node(n) => {
            put(&mut o, "spec", node_spec(&n.spec));
            put(&mut o, "status", node_status(&n.status));
        }
        Body::Pod(p) => {
            put(&mut o, "spec", pod_spec(&p.spec));
            put(&mut o, "status", pod_status(&p.status, &p.spec));
        }
        Body::Service(svc) => {
            put(&mut o, "spec", service_spec(svc));
            put(&mut o, "status", service_status(svc));
        }
        Body::Endpoints(ep) => {
            put_list(
                &mut o,
                "subsets",
                ep.subsets.iter().map(endpoint_subset).collect(),
            );
        }
        Body::ReplicationController(rc) => {
            let mut spec = Obj::new();
            put(&mut spec, "replicas", Value::from(rc.replicas));
            put_int(&mut spec, "minReadySeconds", rc.min_ready_seconds.into());
            put_map(&mut spec, "selector", &rc.selector);
            if let Some(t) = &rc.template {
                put(&mut spec, "template", pod_template(t));
            }
            put(&mut o, "spec", Value::Object(spec));
            // ReplicationControllerStatus has no terminatingReplicas.
            put(&mut o, "status", replica_set_status(&rc.status, false));
        }
        Body::ReplicaSet(rs) => {
            let mut spec = Obj::new();
            put(&mut spec, "replicas", Value::from(rs.replicas));
            put_int(&mut spec, "minReadySeconds", rs.min_ready_seconds.into());
            put(&mut spec, "selector", label_selector(&rs.selector));
            put(&mut spec, "template", pod_template(&rs.template));
            put(&mut o, "spec", Value::Object(spec));
            put(&mut o, "status", replica_set_status(&rs.status, true));
        }
        Body::Deployment(d) => {
            put(&mut o, "spec", deployment_spec(d));
            put(&mut o, "status", deployment_status(&d.status));
        }
        Body::Job(j) => {
            put(&mut o, "spec", job_spec(j));
            put(&mut o, "status", job_status(&j.status));
        }
        Body::Event(e) => event_fields(e, &mut o),
        Body::Lease(l) => put(&mut o, "spec", lease_spec(l)),
        Body::PriorityClass(pc) => priority_class_fields(pc, &mut o),
    }
    Value::Object(o)
}

/// The object as `kubectl get -o yaml` prints it.
pub fn to_yaml(obj: &Object) -> String {
    serde_yaml::to_string(&to_json(obj)).unwrap_or_default()
}

fn one(key: &str, v: Value) -> Obj {
    let mut o = Obj::new();
    put(&mut o, key, v);
    o
}

fn object_meta(m: &ObjectMeta) -> Value {
    let mut o = Obj::new();
    put_str(&mut o, "name", &m.name);
    put_str(&mut o, "generateName", &m.generate_name);
    put_str(&mut o, "namespace", &m.namespace);
    if m.uid != Uid(0) {
        put(&mut o, "uid", s(&m.uid.to_string()));
    }
    if m.resource_version != 0 {
        put(
            &mut o,
            "resourceVersion",
            s(&m.resource_version.to_string()),
        );
    }
    put_int(&mut o, "generation", m.generation);
    put(
        &mut o,
        "creationTimestamp",
        s(&format_timestamp(m.creation_timestamp)),
    );
    if let Some(t) = m.deletion_timestamp {
        put(&mut o, "deletionTimestamp", s(&format_timestamp(t)));
    }
    put_opt_int(
        &mut o,
        "deletionGracePeriodSeconds",
        m.deletion_grace_period_seconds,
    );
    put_map(&mut o, "labels", &m.labels);
    put_map(&mut o, "annotations", &m.annotations);
    put_list(
        &mut o,
        "ownerReferences",
        m.owner_references.iter().map(owner_reference).collect(),
    );
    put_list(&mut o, "finalizers", names(&m.finalizers));
    Value::Object(o)
}

fn owner_reference(r: &OwnerReference) -> Value {
    let mut o = Obj::new();
    put(&mut o, "apiVersion", s(&r.api_version));
    put(&mut o, "kind", s(&r.kind));
    put(&mut o, "name", s(&r.name));
    put(&mut o, "uid", s(&r.uid.to_string()));
    put_true(&mut o, "controller", r.controller);
    put_true(&mut o, "blockOwnerDeletion", r.block_owner_deletion);
    Value::Object(o)
}

/// metav1.LabelSelector. Requirements parsed from the string form (`=`, `!=`) are written as
/// the equivalent set-based operators, the only ones the JSON form has.
pub fn label_selector(sel: &LabelSelector) -> Value {
    let mut o = Obj::new();
    put_map(&mut o, "matchLabels", &sel.match_labels);
    let exprs = sel
        .match_expressions
        .iter()
        .map(|r| {
            let op = match r.operator {
                SelectorOperator::In | SelectorOperator::Equals => "In",
                SelectorOperator::NotIn | SelectorOperator::NotEquals => "NotIn",
                SelectorOperator::Exists => "Exists",
                SelectorOperator::DoesNotExist => "DoesNotExist",
            };
            let mut e = Obj::new();
            put(&mut e, "key", s(&r.key));
            put(&mut e, "operator", s(op));
            put_list(&mut e, "values", names(&r.values));
            Value::Object(e)
        })
        .collect();
    put_list(&mut o, "matchExpressions", exprs);
    Value::Object(o)
}

fn condition(c: &Condition, update_time_key: Option<&str>) -> Value {
    let mut o = Obj::new();
    put(&mut o, "type", s(&c.type_));
    put(&mut o, "status", s(c.status.as_str()));
    put_str(&mut o, "reason", c.reason());
    put_str(&mut o, "message", c.message());
    put(
        &mut o,
        "lastTransitionTime",
        time_or_null(c.last_transition_time),
    );
    if let Some(key) = update_time_key {
        put(&mut o, key, time_or_null(c.last_update_time));
    }
    Value::Object(o)
}

fn conditions(list: &[Condition], update_time_key: Option<&str>) -> Vec<Value> {
    list.iter().map(|c| condition(c, update_time_key)).collect()
}

// ---------------------------------------------------------------------------------------------
// Pods

fn pod_template(t: &PodTemplateSpec) -> Value {
    let mut meta = Obj::new();
    put_map(&mut meta, "labels", &t.labels);
    put_map(&mut meta, "annotations", &t.annotations);
    let mut o = Obj::new();
    put(&mut o, "metadata", Value::Object(meta));
    put(&mut o, "spec", pod_spec(&t.spec));
    Value::Object(o)
}

fn pod_spec(p: &PodSpec) -> Value {
    let mut o = Obj::new();
    put_list(
        &mut o,
        "volumes",
        p.rare.volumes.iter().map(volume).collect(),
    );
    put_list(
        &mut o,
        "initContainers",
        p.rare.init_containers.iter().map(container).collect(),
    );
    put(
        &mut o,
        "containers",
        Value::Array(p.containers.iter().map(container).collect()),
    );
    put(&mut o, "restartPolicy", s(p.restart_policy.as_str()));
    put(
        &mut o,
        "terminationGracePeriodSeconds",
        Value::from(p.termination_grace_period_seconds),
    );
    put_opt_int(
        &mut o,
        "activeDeadlineSeconds",
        p.rare.active_deadline_seconds,
    );
    put_map(&mut o, "nodeSelector", &p.rare.node_selector);
    put_str(&mut o, "nodeName", &p.node_name);
    put_true(&mut o, "hostNetwork", p.host_network);
    put_str(&mut o, "hostname", &p.rare.hostname);
    put_str(&mut o, "subdomain", &p.rare.subdomain);
    if let Some(a) = &p.affinity {
        put(&mut o, "affinity", affinity(a));
    }
    put_str(&mut o, "schedulerName", &p.scheduler_name);
    put_list(
        &mut o,
        "tolerations",
        p.tolerations.iter().map(toleration).collect(),
    );
    put_str(&mut o, "priorityClassName", &p.rare.priority_class_name);
    put_opt_int(&mut o, "priority", p.priority);
    if let Some(pp) = p.preemption_policy {
        put(&mut o, "preemptionPolicy", s(pp.as_str()));
    }
    put_list(
        &mut o,
        "topologySpreadConstraints",
        p.rare
            .topology_spread_constraints
            .iter()
            .map(topology_spread_constraint)
            .collect(),
    );
    Value::Object(o)
}

fn volume(v: &Volume) -> Value {
    let mut o = Obj::new();
    put(&mut o, "name", s(&v.name));
    match &v.source {
        VolumeSource::EmptyDir => put(&mut o, "emptyDir", Value::Object(Obj::new())),
        VolumeSource::HostPath { path } => {
            put(&mut o, "hostPath", Value::Object(one("path", s(path))))
        }
        VolumeSource::ConfigMap { name } => {
            let mut src = Obj::new();
            put_str(&mut src, "name", name);
            put(&mut o, "configMap", Value::Object(src));
        }
        VolumeSource::Secret { name } => {
            let mut src = Obj::new();
            put_str(&mut src, "secretName", name);
            put(&mut o, "secret", Value::Object(src));
        }
        VolumeSource::PersistentVolumeClaim { claim_name } => put(
            &mut o,
            "persistentVolumeClaim",
            Value::Object(one("claimName", s(claim_name))),
        ),
        // The source is not modelled; only the name survives.
        VolumeSource::Other => {}
    }
    Value::Object(o)
}

fn container(c: &Container) -> Value {
    let mut o = Obj::new();
    put(&mut o, "name", s(&c.name));
    put_str(&mut o, "image", &c.image);
    put(&mut o, "imagePullPolicy", s(c.image_pull_policy.as_str()));
    let mut res = Obj::new();
    if !c.resources.limits.is_empty() {
        put(&mut res, "limits", resource_list(&c.resources.limits));
    }
    if !c.resources.requests.is_empty() {
        put(&mut res, "requests", resource_list(&c.resources.requests));
    }
    // A struct field: `omitempty` never drops it.
    put(&mut o, "resources", Value::Object(res));
    put_list(
        &mut o,
        "ports",
        c.ports.iter().map(container_port).collect(),
    );
    if let Some(p) = &c.liveness_probe {
        put(&mut o, "livenessProbe", probe(p));
    }
    if let Some(p) = &c.readiness_probe {
        put(&mut o, "readinessProbe", probe(p));
    }
    if let Some(p) = &c.startup_probe {
        put(&mut o, "startupProbe", probe(p));
    }
    if let Some(l) = &c.lifecycle {
        let mut lo = Obj::new();
        if let Some(h) = &l.post_start {
            put(&mut lo, "postStart", Value::Object(handler(h)));
        }
        if let Some(h) = &l.pre_stop {
            put(&mut lo, "preStop", Value::Object(handler(h)));
        }
        put(&mut o, "lifecycle", Value::Object(lo));
    }
    if let Some(rp) = c.restart_policy {
        put(&mut o, "restartPolicy", s(rp.as_str()));
    }
    Value::Object(o)
}

fn container_port(p: &ContainerPort) -> Value {
    let mut o = Obj::new();
    put_str(&mut o, "name", &p.name);
    put_int(&mut o, "hostPort", p.host_port.into());
    put(&mut o, "containerPort", Value::from(p.container_port));
    put(&mut o, "protocol", s(p.protocol.as_str()));
    put_str(&mut o, "hostIP", &p.host_ip);
    Value::Object(o)
}

/// ProbeHandler / LifecycleHandler: exactly one action member.
fn handler(h: &Handler) -> Obj {
    match h {
        Handler::Exec { command } => {
            let mut e = Obj::new();
            put_list(&mut e, "command", names(command));
            one("exec", Value::Object(e))
        }
        Handler::HttpGet { path, port, scheme } => {
            let mut e = Obj::new();
            put_str(&mut e, "path", path);
            put(&mut e, "port", int_or_string(port));
            put_str(&mut e, "scheme", scheme);
            one("httpGet", Value::Object(e))
        }
        Handler::TcpSocket { port } => {
            one("tcpSocket", Value::Object(one("port", int_or_string(port))))
        }
        Handler::Grpc { port, service } => {
            let mut e = Obj::new();
            put(&mut e, "port", Value::from(*port));
            // Defaulted to "" by the API server (`+default=""`), so always present.
            put(&mut e, "service", s(service));
            one("grpc", Value::Object(e))
        }
        Handler::Sleep { seconds } => one(
            "sleep",
            Value::Object(one("seconds", Value::from(*seconds))),
        ),
    }
}

fn probe(p: &Probe) -> Value {
    let mut o = handler(&p.handler);
    put_int(
        &mut o,
        "initialDelaySeconds",
        p.initial_delay_seconds.into(),
    );
    put_int(&mut o, "timeoutSeconds", p.timeout_seconds.into());
    put_int(&mut o, "periodSeconds", p.period_seconds.into());
    put_int(&mut o, "successThreshold", p.success_threshold.into());
    put_int(&mut o, "failureThreshold", p.failure_threshold.into());
    put_opt_int(
        &mut o,
        "terminationGracePeriodSeconds",
        p.termination_grace_period_seconds,
    );
    Value::Object(o)
}

fn toleration(t: &Toleration) -> Value {
    let mut o = Obj::new();
    put_str(&mut o, "key", &t.key);
    let op = match t.operator {
        TolerationOperator::Equal => "Equal",
        TolerationOperator::Exists => "Exists",
    };
    put(&mut o, "operator", s(op));
    put_str(&mut o, "value", &t.value);
    if let Some(e) = t.effect {
        put(&mut o, "effect", s(e.as_str()));
    }
    put_opt_int(&mut o, "tolerationSeconds", t.toleration_seconds);
    Value::Object(o)
}

fn node_selector_requirement(r: &NodeSelectorRequirement) -> Value {
    let op = match r.operator {
        NodeSelectorOperator::In => "In",
        NodeSelectorOperator::NotIn => "NotIn",
        NodeSelectorOperator::Exists => "Exists",
        NodeSelectorOperator::DoesNotExist => "DoesNotExist",
        NodeSelectorOperator::Gt => "Gt",
        NodeSelectorOperator::Lt => "Lt",
    };
    let mut o = Obj::new();
    put(&mut o, "key", s(&r.key));
    put(&mut o, "operator", s(op));
    put_list(&mut o, "values", names(&r.values));
    Value::Object(o)
}

fn node_selector_term(t: &NodeSelectorTerm) -> Value {
    let mut o = Obj::new();
    put_list(
        &mut o,
        "matchExpressions",
        t.match_expressions
            .iter()
            .map(node_selector_requirement)
            .collect(),
    );
    put_list(
        &mut o,
        "matchFields",
        t.match_fields
            .iter()
            .map(node_selector_requirement)
            .collect(),
    );
    Value::Object(o)
}

fn pod_affinity_term(t: &PodAffinityTerm) -> Value {
    let mut o = Obj::new();
    if let Some(sel) = &t.label_selector {
        put(&mut o, "labelSelector", label_selector(sel));
    }
    put_list(&mut o, "namespaces", names(&t.namespaces));
    put(&mut o, "topologyKey", s(&t.topology_key));
    if let Some(sel) = &t.namespace_selector {
        put(&mut o, "namespaceSelector", label_selector(sel));
    }
    put_list(&mut o, "matchLabelKeys", names(&t.match_label_keys));
    put_list(&mut o, "mismatchLabelKeys", names(&t.mismatch_label_keys));
    Value::Object(o)
}

fn pod_affinity(a: &PodAffinity) -> Value {
    let mut o = Obj::new();
    put_list(
        &mut o,
        "requiredDuringSchedulingIgnoredDuringExecution",
        a.required.iter().map(pod_affinity_term).collect(),
    );
    put_list(
        &mut o,
        "preferredDuringSchedulingIgnoredDuringExecution",
        a.preferred
            .iter()
            .map(|w| {
                let mut e = Obj::new();
                put(&mut e, "weight", Value::from(w.weight));
                put(&mut e, "podAffinityTerm", pod_affinity_term(&w.term));
                Value::Object(e)
            })
            .collect(),
    );
    Value::Object(o)
}

fn affinity(a: &Affinity) -> Value {
    let mut o = Obj::new();
    if let Some(na) = &a.node_affinity {
        let mut n = Obj::new();
        if let Some(terms) = &na.required {
            // nodeSelectorTerms has no omitempty.
            let sel = one(
                "nodeSelectorTerms",
                Value::Array(terms.iter().map(node_selector_term).collect()),
            );
            put(
                &mut n,
                "requiredDuringSchedulingIgnoredDuringExecution",
                Value::Object(sel),
            );
        }
        put_list(
            &mut n,
            "preferredDuringSchedulingIgnoredDuringExecution",
            na.preferred
                .iter()
                .map(|p| {
                    let mut e = Obj::new();
                    put(&mut e, "weight", Value::from(p.weight));
                    put(&mut e, "preference", node_selector_term(&p.preference));
                    Value::Object(e)
                })
                .collect(),
        );
        put(&mut o, "nodeAffinity", Value::Object(n));
    }
    if let Some(pa) = &a.pod_affinity {
        put(&mut o, "podAffinity", pod_affinity(pa));
    }
    if let Some(pa) = &a.pod_anti_affinity {
        put(&mut o, "podAntiAffinity", pod_affinity(pa));
    }
    Value::Object(o)
}

fn inclusion_policy(p: NodeInclusionPolicy) -> Value {
    s(match p {
        NodeInclusionPolicy::Honor => "Honor",
        NodeInclusionPolicy::Ignore => "Ignore",
    })
}

fn topology_spread_constraint(c: &TopologySpreadConstraint) -> Value {
    let mut o = Obj::new();
    put(&mut o, "maxSkew", Value::from(c.max_skew));
    put(&mut o, "topologyKey", s(&c.topology_key));
    let wu = match c.when_unsatisfiable {
        UnsatisfiableConstraintAction::DoNotSchedule => "DoNotSchedule",
        UnsatisfiableConstraintAction::ScheduleAnyway => "ScheduleAnyway",
    };
    put(&mut o, "whenUnsatisfiable", s(wu));
    if let Some(sel) = &c.label_selector {
        put(&mut o, "labelSelector", label_selector(sel));
    }
    put_opt_int(&mut o, "minDomains", c.min_domains);
    if let Some(p) = c.node_affinity_policy {
        put(&mut o, "nodeAffinityPolicy", inclusion_policy(p));
    }
    if let Some(p) = c.node_taints_policy {
        put(&mut o, "nodeTaintsPolicy", inclusion_policy(p));
    }
    put_list(&mut o, "matchLabelKeys", names(&c.match_label_keys));
    Value::Object(o)
}

fn pod_status(st: &PodStatus, spec: &PodSpec) -> Value {
    let mut o = Obj::new();
    put(&mut o, "phase", s(st.phase.as_str()));
    put_list(
        &mut o,
        "conditions",
        conditions(&st.conditions, Some("lastProbeTime")),
    );
    put_str(&mut o, "message", &st.rare.message);
    put_str(&mut o, "reason", &st.rare.reason);
    put_str(&mut o, "nominatedNodeName", &st.rare.nominated_node_name);
    if !st.host_ip.is_empty() {
        put(&mut o, "hostIP", s(&st.host_ip));
        put(&mut o, "hostIPs", ip_list(&st.host_ip));
    }
    if !st.pod_ip.is_empty() {
        put(&mut o, "podIP", s(&st.pod_ip));
        put(&mut o, "podIPs", ip_list(&st.pod_ip));
    }
    if let Some(t) = st.start_time {
        put(&mut o, "startTime", s(&format_timestamp(t)));
    }
    put_list(
        &mut o,
        "initContainerStatuses",
        st.rare
            .init_container_statuses
            .iter()
            .map(container_status)
            .collect(),
    );
    put_list(
        &mut o,
        "containerStatuses",
        st.container_statuses.iter().map(container_status).collect(),
    );
    put(&mut o, "qosClass", s(pod_qos_class(spec)));
    Value::Object(o)
}

fn ip_list(ip: &str) -> Value {
    Value::Array(vec![Value::Object(one("ip", s(ip)))])
}

/// The pod's QoS class as the API server computes it at creation
/// (pkg/apis/core/v1/helper/qos GetPodQOS): only cpu and memory count.
pub fn pod_qos_class(spec: &PodSpec) -> &'static str {
    let compute = [ResourceName::Cpu, ResourceName::Memory];
    let mut requests = [0i64; 2];
    let mut limits = [0i64; 2];
    let mut has_req = [false; 2];
    let mut has_lim = [false; 2];
    let mut guaranteed = true;
    for c in spec
        .containers
        .iter()
        .chain(spec.rare.init_containers.iter())
    {
        let mut limits_found = [false; 2];
        for (i, name) in compute.iter().enumerate() {
            if let Some(q) = c.resources.requests.get(name) {
                if q > 0 {
                    requests[i] = requests[i].saturating_add(q);
                    has_req[i] = true;
                }
            }
            if let Some(q) = c.resources.limits.get(name) {
                if q > 0 {
                    limits[i] = limits[i].saturating_add(q);
                    has_lim[i] = true;
                    limits_found[i] = true;
                }
            }
        }
        if !limits_found.iter().all(|f| *f) {
            guaranteed = false;
        }
    }
    if !has_req.iter().any(|h| *h) && !has_lim.iter().any(|h| *h) {
        return "BestEffort";
    }
    if guaranteed {
        for i in 0..2 {
            if has_req[i] && (!has_lim[i] || limits[i] != requests[i]) {
                guaranteed = false;
            }
        }
    }
    let n_req = has_req.iter().filter(|h| **h).count();
    let n_lim = has_lim.iter().filter(|h| **h).count();
    if guaranteed && n_req == n_lim {
        "Guaranteed"
    } else {
        "Burstable"
    }
}

fn container_state(st: &ContainerState) -> Value {
    match st {
        ContainerState::Waiting { reason, message } => {
            let mut w = Obj::new();
            put_str(&mut w, "reason", reason);
            put_str(&mut w, "message", message);
            Value::Object(one("waiting", Value::Object(w)))
        }
        ContainerState::Running { started_at } => {
            let r = one("startedAt", s(&format_timestamp(*started_at)));
            Value::Object(one("running", Value::Object(r)))
        }
        ContainerState::Terminated {
            exit_code,
            reason,
            message,
            started_at,
            finished_at,
        } => {
            let mut t = Obj::new();
            put(&mut t, "exitCode", Value::from(*exit_code));
            put_str(&mut t, "reason", reason);
            put_str(&mut t, "message", message);
            put(&mut t, "startedAt", time_or_null(*started_at));
            put(&mut t, "finishedAt", s(&format_timestamp(*finished_at)));
            Value::Object(one("terminated", Value::Object(t)))
        }
    }
}

fn container_status(c: &ContainerStatus) -> Value {
    let mut o = Obj::new();
    put(&mut o, "name", s(&c.name));
    put(&mut o, "image", s(&c.image));
    // Not modelled; the field has no omitempty.
    put(&mut o, "imageID", s(""));
    put(&mut o, "ready", Value::Bool(c.ready));
    put(&mut o, "restartCount", Value::from(c.restart_count));
    if let Some(started) = c.started {
        put(&mut o, "started", Value::Bool(started));
    }
    put(&mut o, "state", container_state(&c.state));
    put(
        &mut o,
        "lastState",
        c.last_state
            .as_ref()
            .map_or(Value::Object(Obj::new()), |s| container_state(s)),
    );
    Value::Object(o)
}

// ---------------------------------------------------------------------------------------------
// Nodes

fn node_spec(n: &NodeSpec) -> Value {
    let mut o = Obj::new();
    if !n.pod_cidr.is_empty() {
        put(&mut o, "podCIDR", s(&n.pod_cidr));
        put(&mut o, "podCIDRs", Value::Array(vec![s(&n.pod_cidr)]));
    }
    put_str(&mut o, "providerID", &n.provider_id);
    put_true(&mut o, "unschedulable", n.unschedulable);
    put_list(&mut o, "taints", n.taints.iter().map(taint).collect());
    Value::Object(o)
}

fn taint(t: &Taint) -> Value {
    let mut o = Obj::new();
    put(&mut o, "key", s(&t.key));
    put_str(&mut o, "value", &t.value);
    put(&mut o, "effect", s(t.effect.as_str()));
    if let Some(at) = t.time_added {
        put(&mut o, "timeAdded", s(&format_timestamp(at)));
    }
    Value::Object(o)
}

fn node_status(st: &NodeStatus) -> Value {
    let mut o = Obj::new();
    if !st.capacity.is_empty() {
        put(&mut o, "capacity", resource_list(&st.capacity));
    }
    if !st.allocatable.is_empty() {
        put(&mut o, "allocatable", resource_list(&st.allocatable));
    }
    put_list(
        &mut o,
        "conditions",
        conditions(&st.conditions, Some("lastHeartbeatTime")),
    );
    put_list(
        &mut o,
        "addresses",
        st.addresses
            .iter()
            .map(|a| {
                let mut e = Obj::new();
                put(&mut e, "type", s(&a.type_));
                put(&mut e, "address", s(&a.address));
                Value::Object(e)
            })
            .collect(),
    );
    put_list(
        &mut o,
        "images",
        st.images
            .iter()
            .map(|i| {
                let mut e = Obj::new();
                put(&mut e, "names", Value::Array(names(&i.names)));
                put_int(&mut e, "sizeBytes", i.size_bytes);
                Value::Object(e)
            })
            .collect(),
    );
    // Struct-valued fields (not modelled): Go always writes them.
    let endpoint = one("Port", Value::from(0));
    put(
        &mut o,
        "daemonEndpoints",
        Value::Object(one("kubeletEndpoint", Value::Object(endpoint))),
    );
    let mut info = Obj::new();
    for key in [
        "architecture",
        "bootID",
        "containerRuntimeVersion",
        "kernelVersion",
        "kubeProxyVersion",
        "kubeletVersion",
        "machineID",
        "operatingSystem",
        "osImage",
        "systemUUID",
    ] {
        put(&mut info, key, s(""));
    }
    put(&mut o, "nodeInfo", Value::Object(info));
    Value::Object(o)
}

// ---------------------------------------------------------------------------------------------
// Services and endpoints

fn service_spec(svc: &Service) -> Value {
    let mut o = Obj::new();
    put(&mut o, "type", s(svc.type_.as_str()));
    if let Some(sel) = &svc.selector {
        put_map(&mut o, "selector", sel);
    }
    put_list(
        &mut o,
        "ports",
        svc.ports
            .iter()
            .map(|p| {
                let mut e = Obj::new();
                put_str(&mut e, "name", &p.name);
                put(&mut e, "protocol", s(p.protocol.as_str()));
                put(&mut e, "port", Value::from(p.port));
                put(&mut e, "targetPort", int_or_string(&p.target_port));
                put_int(&mut e, "nodePort", p.node_port.into());
                Value::Object(e)
            })
            .collect(),
    );
    if !svc.cluster_ip.is_empty() {
        put(&mut o, "clusterIP", s(&svc.cluster_ip));
        put(&mut o, "clusterIPs", Value::Array(vec![s(&svc.cluster_ip)]));
    }
    put_str(&mut o, "externalName", &svc.external_name);
    let affinity = if svc.session_affinity_client_ip {
        "ClientIP"
    } else {
        "None"
    };
    put(&mut o, "sessionAffinity", s(affinity));
    // externalTrafficPolicy exists only for NodePort and LoadBalancer services, internal for
    // everything but ExternalName (SetDefaults_Service).
    if svc.external_traffic_policy_local {
        put(&mut o, "externalTrafficPolicy", s("Local"));
    } else if matches!(svc.type_, ServiceType::NodePort | ServiceType::LoadBalancer) {
        put(&mut o, "externalTrafficPolicy", s("Cluster"));
    }
    if svc.internal_traffic_policy_local {
        put(&mut o, "internalTrafficPolicy", s("Local"));
    } else if svc.type_ != ServiceType::ExternalName {
        put(&mut o, "internalTrafficPolicy", s("Cluster"));
    }
    put_true(
        &mut o,
        "publishNotReadyAddresses",
        svc.publish_not_ready_addresses,
    );
    Value::Object(o)
}

fn service_status(svc: &Service) -> Value {
    let mut lb = Obj::new();
    put_list(
        &mut lb,
        "ingress",
        svc.load_balancer_ingress
            .iter()
            .map(|addr| {
                let key = if addr.parse::<std::net::IpAddr>().is_ok() {
                    "ip"
                } else {
                    "hostname"
                };
                Value::Object(one(key, s(addr)))
            })
            .collect(),
    );
    Value::Object(one("loadBalancer", Value::Object(lb)))
}

fn object_reference(r: &ObjectReference) -> Value {
    let mut o = Obj::new();
    put_str(&mut o, "kind", &r.kind);
    put_str(&mut o, "namespace", &r.namespace);
    put_str(&mut o, "name", &r.name);
    if r.uid != Uid(0) {
        put(&mut o, "uid", s(&r.uid.to_string()));
    }
    Value::Object(o)
}

fn endpoint_address(a: &EndpointAddress) -> Value {
    let mut o = Obj::new();
    put(&mut o, "ip", s(&a.ip));
    put_str(&mut o, "hostname", &a.hostname);
    put_str(&mut o, "nodeName", &a.node_name);
    if let Some(r) = &a.target_ref {
        put(&mut o, "targetRef", object_reference(r));
    }
    Value::Object(o)
}

fn endpoint_subset(ss: &EndpointSubset) -> Value {
    let mut o = Obj::new();
    put_list(
        &mut o,
        "addresses",
        ss.addresses.iter().map(endpoint_address).collect(),
    );
    put_list(
        &mut o,
        "notReadyAddresses",
        ss.not_ready_addresses
            .iter()
            .map(endpoint_address)
            .collect(),
    );
    put_list(
        &mut o,
        "ports",
        ss.ports
            .iter()
            .map(|p| {
                let mut e = Obj::new();
                put_str(&mut e, "name", &p.name);
                put(&mut e, "port", Value::from(p.port));
                put(&mut e, "protocol", s(p.protocol.as_str()));
                Value::Object(e)
            })
            .collect(),
    );
    Value::Object(o)
}

// ---------------------------------------------------------------------------------------------
// Workloads

fn replica_set_status(st: &ReplicaSetStatus, has_terminating: bool) -> Value {
    let mut o = Obj::new();
    // `replicas` has no omitempty in either ReplicaSetStatus or ReplicationControllerStatus.
    put(&mut o, "replicas", Value::from(st.replicas));
    put_int(
        &mut o,
        "fullyLabeledReplicas",
        st.fully_labeled_replicas.into(),
    );
    put_int(&mut o, "readyReplicas", st.ready_replicas.into());
    put_int(&mut o, "availableReplicas", st.available_replicas.into());
    if has_terminating {
        put_opt_int(&mut o, "terminatingReplicas", st.terminating_replicas);
    }
    put_int(&mut o, "observedGeneration", st.observed_generation);
    put_list(&mut o, "conditions", conditions(&st.conditions, None));
    Value::Object(o)
}

fn deployment_spec(d: &Deployment) -> Value {
    let mut o = Obj::new();
    put(&mut o, "replicas", Value::from(d.replicas));
    put(&mut o, "selector", label_selector(&d.selector));
    put(&mut o, "template", pod_template(&d.template));
    let strategy = match &d.strategy {
        DeploymentStrategy::Recreate => one("type", s("Recreate")),
        DeploymentStrategy::RollingUpdate {
            max_surge,
            max_unavailable,
        } => {
            let mut ru = Obj::new();
            put(&mut ru, "maxUnavailable", int_or_string(max_unavailable));
            put(&mut ru, "maxSurge", int_or_string(max_surge));
            let mut st = one("type", s("RollingUpdate"));
            put(&mut st, "rollingUpdate", Value::Object(ru));
            st
        }
    };
    put(&mut o, "strategy", Value::Object(strategy));
    put_int(&mut o, "minReadySeconds", d.min_ready_seconds.into());
    put_opt_int(&mut o, "revisionHistoryLimit", d.revision_history_limit);
    put_true(&mut o, "paused", d.paused);
    put_opt_int(
        &mut o,
        "progressDeadlineSeconds",
        d.progress_deadline_seconds,
    );
    // extensions/v1beta1 RollbackConfig; `revision` is omitempty (0 = the previous revision).
    if let Some(rev) = d.rollback_to {
        let mut rb = Obj::new();
        put_int(&mut rb, "revision", rev);
        put(&mut o, "rollbackTo", Value::Object(rb));
    }
    Value::Object(o)
}

fn deployment_status(st: &DeploymentStatus) -> Value {
    let mut o = Obj::new();
    put_int(&mut o, "observedGeneration", st.observed_generation);
    put_int(&mut o, "replicas", st.replicas.into());
    put_int(&mut o, "updatedReplicas", st.updated_replicas.into());
    put_int(&mut o, "readyReplicas", st.ready_replicas.into());
    put_int(&mut o, "availableReplicas", st.available_replicas.into());
    put_int(
        &mut o,
        "unavailableReplicas",
        st.unavailable_replicas.into(),
    );
    put_opt_int(&mut o, "terminatingReplicas", st.terminating_replicas);
    put_list(
        &mut o,
        "conditions",
        conditions(&st.conditions, Some("lastUpdateTime")),
    );
    put_opt_int(&mut o, "collisionCount", st.collision_count);
    Value::Object(o)
}

fn job_spec(j: &Job) -> Value {
    let mut o = Obj::new();
    put(&mut o, "parallelism", Value::from(j.parallelism));
    put_opt_int(&mut o, "completions", j.completions);
    put_opt_int(&mut o, "activeDeadlineSeconds", j.active_deadline_seconds);
    put(&mut o, "backoffLimit", Value::from(j.backoff_limit));
    if let Some(sel) = &j.selector {
        put(&mut o, "selector", label_selector(sel));
    }
    // A *bool the API server leaves unset unless the user sets it; only `true` is meaningful.
    put_true(&mut o, "manualSelector", j.manual_selector);
    put(&mut o, "template", pod_template(&j.template));
    put_opt_int(
        &mut o,
        "ttlSecondsAfterFinished",
        j.ttl_seconds_after_finished,
    );
    let mode = match j.completion_mode {
        CompletionMode::NonIndexed => "NonIndexed",
        CompletionMode::Indexed => "Indexed",
    };
    put(&mut o, "completionMode", s(mode));
    put(&mut o, "suspend", Value::Bool(j.suspend));
    if let Some(p) = j.pod_replacement_policy {
        let v = match p {
            PodReplacementPolicy::TerminatingOrFailed => "TerminatingOrFailed",
            PodReplacementPolicy::Failed => "Failed",
        };
        put(&mut o, "podReplacementPolicy", s(v));
    }
    Value::Object(o)
}

fn job_status(st: &JobStatus) -> Value {
    let mut o = Obj::new();
    put_list(
        &mut o,
        "conditions",
        conditions(&st.conditions, Some("lastProbeTime")),
    );
    if let Some(t) = st.start_time {
        put(&mut o, "startTime", s(&format_timestamp(t)));
    }
    if let Some(t) = st.completion_time {
        put(&mut o, "completionTime", s(&format_timestamp(t)));
    }
    put_int(&mut o, "active", st.active.into());
    put_int(&mut o, "succeeded", st.succeeded.into());
    put_int(&mut o, "failed", st.failed.into());
    put_opt_int(&mut o, "terminating", st.terminating);
    put_str(&mut o, "completedIndexes", &st.completed_indexes);
    put_opt_int(&mut o, "ready", st.ready);
    Value::Object(o)
}

// ---------------------------------------------------------------------------------------------
// Events

fn event_fields(e: &Event, o: &mut Obj) {
    let involved = e
        .involved_object
        .as_ref()
        .map_or(Value::Object(Obj::new()), object_reference);
    put(o, "involvedObject", involved);
    put_str(o, "reason", &e.reason);
    put_str(o, "message", &e.message);
    let mut source = Obj::new();
    put_str(&mut source, "component", &e.source_component);
    put_str(&mut source, "host", &e.source_host);
    put(o, "source", Value::Object(source));
    put(o, "firstTimestamp", time_or_null(e.first_timestamp));
    put(o, "lastTimestamp", time_or_null(e.last_timestamp));
    put_int(o, "count", e.count.into());
    put_str(o, "type", &e.type_);
    // Legacy (core/v1) events have no eventTime; the field is a struct, so it encodes as null.
    put(o, "eventTime", Value::Null);
    // No omitempty; client-go's recorder copies them from the source.
    put(o, "reportingComponent", s(&e.source_component));
    put(o, "reportingInstance", s(&e.source_host));
}

/// scheduling/v1 PriorityClass: `value` always (no omitempty), `globalDefault` and
/// `description` with omitempty, `preemptionPolicy` a pointer.
fn priority_class_fields(pc: &PriorityClass, o: &mut Obj) {
    put(o, "value", Value::from(pc.value));
    put_true(o, "globalDefault", pc.global_default);
    put_str(o, "description", &pc.description);
    if let Some(pp) = pc.preemption_policy {
        put(o, "preemptionPolicy", s(pp.as_str()));
    }
}

/// coordination/v1 LeaseSpec: every field a pointer with omitempty; times are MicroTime.
fn lease_spec(l: &Lease) -> Value {
    let mut o = Obj::new();
    if let Some(t) = l.acquire_time {
        put(&mut o, "acquireTime", s(&format_micro_timestamp(t)));
    }
    put_str(&mut o, "holderIdentity", &l.holder_identity);
    put_opt_int(&mut o, "leaseDurationSeconds", l.lease_duration_seconds);
    put_opt_int(&mut o, "leaseTransitions", l.lease_transitions);
    if let Some(t) = l.renew_time {
        put(&mut o, "renewTime", s(&format_micro_timestamp(t)));
    }
    Value::Object(o)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::selector::Requirement;
    use serde_json::json;

    const S: SimTime = SECOND;

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
            uid: Uid(0x1234_5678_9abc_def0_1122_3344_5566_7788),
            resource_version: 42,
            creation_timestamp: 90 * S,
            ..ObjectMeta::default()
        }
    }

    fn labels(pairs: &[(&str, &str)]) -> StringMap {
        pairs.iter().copied().collect()
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

    /// A pod touching every modelled pod field.
    fn full_pod() -> Object {
        let mut c = container("web", "nginx:1.27");
        c.resources.requests.set(ResourceName::Cpu, 500);
        c.resources
            .requests
            .set(ResourceName::Memory, 128 * 1024 * 1024);
        c.resources.limits.set(ResourceName::Cpu, 2000);
        c.resources.limits.set(ResourceName::Memory, 1 << 30);
        c.resources
            .limits
            .set(ResourceName::Other("nvidia.com/gpu".into()), 1);
        c.ports.push(ContainerPort {
            name: "http".into(),
            container_port: 8080,
            host_port: 0,
            host_ip: "".into(),
            protocol: Protocol::Tcp,
        });
        c.liveness_probe = Some(probe(Handler::HttpGet {
            path: "/healthz".into(),
            port: IntOrString::String("http".into()),
            scheme: "HTTP".into(),
        }));
        c.readiness_probe = Some(probe(Handler::Grpc {
            port: 9090,
            service: "".into(),
        }));
        c.startup_probe = Some(probe(Handler::Exec {
            command: vec!["cat".into(), "/tmp/ready".into()],
        }));
        c.lifecycle = Some(Box::new(Lifecycle {
            post_start: Some(Handler::Exec {
                command: vec!["/bin/warm".into()],
            }),
            pre_stop: Some(Handler::Sleep { seconds: 5 }),
        }));
        let mut init = container("sidecar", "envoy");
        init.restart_policy = Some(RestartPolicy::Always);
        init.readiness_probe = Some(probe(Handler::TcpSocket {
            port: IntOrString::Int(15021),
        }));
        let spec = PodSpec {
            node_name: "node-1".into(),
            scheduler_name: "default-scheduler".into(),
            containers: vec![c],
            restart_policy: RestartPolicy::Always,
            termination_grace_period_seconds: 30,
            affinity: Some(Box::new(Affinity {
                node_affinity: Some(NodeAffinity {
                    required: Some(vec![NodeSelectorTerm {
                        match_expressions: vec![NodeSelectorRequirement {
                            key: "zone".into(),
                            operator: NodeSelectorOperator::In,
                            values: vec!["a".into(), "b".into()],
                        }],
                        match_fields: Vec::new(),
                    }]),
                    preferred: vec![PreferredSchedulingTerm {
                        weight: 10,
                        preference: NodeSelectorTerm {
                            match_expressions: vec![NodeSelectorRequirement {
                                key: "gpu".into(),
                                operator: NodeSelectorOperator::Exists,
                                values: Vec::new(),
                            }],
                            match_fields: Vec::new(),
                        },
                    }],
                }),
                pod_affinity: None,
                pod_anti_affinity: Some(PodAffinity {
                    required: vec![PodAffinityTerm {
                        label_selector: Some(LabelSelector::from_match_labels(labels(&[(
                            "app", "web",
                        )]))),
                        namespaces: Vec::new(),
                        namespace_selector: None,
                        topology_key: "kubernetes.io/hostname".into(),
                        match_label_keys: vec!["pod-template-hash".into()],
                        mismatch_label_keys: Vec::new(),
                    }],
                    preferred: Vec::new(),
                }),
            })),
            tolerations: vec![Toleration {
                key: "node.kubernetes.io/not-ready".into(),
                operator: TolerationOperator::Exists,
                value: "".into(),
                effect: Some(TaintEffect::NoExecute),
                toleration_seconds: Some(300),
            }],
            priority: Some(1000),
            preemption_policy: Some(PreemptionPolicy::PreemptLowerPriority),
            host_network: false,
            rare: Rare::new(RarePodSpec {
                init_containers: vec![init],
                active_deadline_seconds: Some(600),
                node_selector: labels(&[("disk", "ssd")]),
                priority_class_name: "high".into(),
                topology_spread_constraints: vec![TopologySpreadConstraint {
                    max_skew: 1,
                    topology_key: "topology.kubernetes.io/zone".into(),
                    when_unsatisfiable: UnsatisfiableConstraintAction::DoNotSchedule,
                    label_selector: Some(LabelSelector {
                        match_labels: StringMap::new(),
                        match_expressions: vec![Requirement {
                            key: "app".into(),
                            operator: SelectorOperator::In,
                            values: vec!["web".into()],
                        }],
                    }),
                    min_domains: Some(2),
                    node_affinity_policy: Some(NodeInclusionPolicy::Honor),
                    node_taints_policy: None,
                    match_label_keys: Vec::new(),
                }],
                volumes: vec![
                    Volume {
                        name: "scratch".into(),
                        source: VolumeSource::EmptyDir,
                    },
                    Volume {
                        name: "conf".into(),
                        source: VolumeSource::ConfigMap {
                            name: "web-conf".into(),
                        },
                    },
                    Volume {
                        name: "data".into(),
                        source: VolumeSource::PersistentVolumeClaim {
                            claim_name: "web-data".into(),
                        },
                    },
                    Volume {
                        name: "tls".into(),
                        source: VolumeSource::Secret {
                            name: "web-tls".into(),
                        },
                    },
                    Volume {
                        name: "logs".into(),
                        source: VolumeSource::HostPath {
                            path: "/var/log".into(),
                        },
                    },
                ],
                hostname: "web-0".into(),
                subdomain: "web".into(),
            }),
        };
        let status = PodStatus {
            phase: PodPhase::Running,
            conditions: vec![
                Condition::new("Ready", ConditionStatus::True).with_times(Some(100 * S), None)
            ],
            host_ip: "10.0.0.1".into(),
            pod_ip: "10.244.1.5".into(),
            start_time: Some(91 * S),
            container_statuses: vec![ContainerStatus {
                name: "web".into(),
                image: "nginx:1.27".into(),
                ready: true,
                started: Some(true),
                restart_count: 1,
                state: ContainerState::Running {
                    started_at: 95 * S + 500_000_000,
                },
                last_state: Some(Box::new(ContainerState::Terminated {
                    exit_code: 137,
                    reason: "OOMKilled".into(),
                    message: "".into(),
                    started_at: Some(93 * S),
                    finished_at: 94 * S,
                })),
            }],
            rare: Rare::new(RarePodStatus {
                init_container_statuses: vec![ContainerStatus {
                    name: "sidecar".into(),
                    image: "envoy".into(),
                    ready: true,
                    started: Some(true),
                    restart_count: 0,
                    state: ContainerState::Running { started_at: 92 * S },
                    last_state: None,
                }],
                reason: "".into(),
                message: "".into(),
                nominated_node_name: "".into(),
            }),
        };
        let mut m = meta("web-0", "default");
        m.generate_name = "web-".into();
        m.labels = labels(&[("app", "web"), ("pod-template-hash", "abc")]);
        m.annotations = labels(&[("note", "x")]);
        m.finalizers = vec!["example.com/keep".into()];
        m.owner_references = vec![OwnerReference {
            api_version: "apps/v1".into(),
            kind: "ReplicaSet".into(),
            name: "web-abc".into(),
            uid: Uid(7),
            controller: true,
            block_owner_deletion: true,
        }];
        Object {
            meta: m,
            body: Body::Pod(Pod { spec, status }),
        }
    }

    fn template(app: &str) -> Box<PodTemplateSpec> {
        Box::new(PodTemplateSpec {
            labels: labels(&[("app", app)]),
            annotations: StringMap::new(),
            spec: PodSpec {
                containers: vec![container(app, "busybox")],
                termination_grace_period_seconds: 30,
                scheduler_name: "default-scheduler".into(),
                ..PodSpec::default()
            },
        })
    }

    fn deployment() -> Object {
        Object {
            meta: ObjectMeta {
                generation: 3,
                ..meta("web", "default")
            },
            body: Body::Deployment(Deployment {
                replicas: 3,
                selector: LabelSelector::from_match_labels(labels(&[("app", "web")])),
                template: template("web"),
                strategy: DeploymentStrategy::RollingUpdate {
                    max_surge: IntOrString::String("25%".into()),
                    max_unavailable: IntOrString::Int(0),
                },
                min_ready_seconds: 0,
                revision_history_limit: Some(10),
                paused: false,
                progress_deadline_seconds: Some(600),
                rollback_to: None,
                status: DeploymentStatus {
                    observed_generation: 3,
                    replicas: 3,
                    updated_replicas: 3,
                    ready_replicas: 2,
                    available_replicas: 2,
                    unavailable_replicas: 1,
                    terminating_replicas: Some(0),
                    conditions: vec![Condition::new("Available", ConditionStatus::False)
                        .with_reason(
                            "MinimumReplicasUnavailable",
                            "Deployment does not have minimum availability.",
                        )
                        .with_times(Some(120 * S), Some(130 * S))],
                    collision_count: None,
                },
            }),
        }
    }

    fn service() -> Object {
        Object {
            meta: meta("web", "default"),
            body: Body::Service(Service {
                type_: ServiceType::NodePort,
                selector: Some(labels(&[("app", "web")])),
                ports: vec![ServicePort {
                    name: "http".into(),
                    protocol: Protocol::Tcp,
                    port: 80,
                    target_port: IntOrString::Int(8080),
                    node_port: 30080,
                }],
                cluster_ip: "10.96.0.10".into(),
                external_name: "".into(),
                session_affinity_client_ip: false,
                external_traffic_policy_local: false,
                internal_traffic_policy_local: false,
                publish_not_ready_addresses: false,
                load_balancer_ingress: Vec::new(),
            }),
        }
    }

    fn others() -> Vec<Object> {
        let cond = |t: &str| {
            Condition::new(t, ConditionStatus::True)
                .with_reason("R", "m")
                .with_times(Some(5 * S), Some(6 * S))
        };
        let mut capacity = ResourceList::new();
        capacity.set(ResourceName::Cpu, 4000);
        capacity.set(ResourceName::Memory, 16 << 30);
        capacity.set(ResourceName::Pods, 110);
        capacity.set(ResourceName::EphemeralStorage, 100_000_000_000);
        let status_rs = ReplicaSetStatus {
            replicas: 2,
            fully_labeled_replicas: 2,
            ready_replicas: 1,
            available_replicas: 1,
            terminating_replicas: Some(1),
            observed_generation: 1,
            conditions: vec![cond("ReplicaFailure")],
        };
        vec![
            Object {
                meta: ObjectMeta {
                    namespace: "".into(),
                    ..meta("prod", "")
                },
                body: Body::Namespace(Namespace {
                    phase: NamespacePhase::Terminating,
                }),
            },
            Object {
                meta: meta("node-1", ""),
                body: Body::Node(Node {
                    spec: NodeSpec {
                        unschedulable: true,
                        taints: vec![Taint {
                            key: "node.kubernetes.io/unschedulable".into(),
                            value: "".into(),
                            effect: TaintEffect::NoSchedule,
                            time_added: Some(7 * S),
                        }],
                        pod_cidr: "10.244.1.0/24".into(),
                        provider_id: "kubesim://node-1".into(),
                    },
                    status: NodeStatus {
                        capacity: capacity.clone(),
                        allocatable: capacity,
                        conditions: vec![cond("Ready")],
                        addresses: vec![NodeAddress {
                            type_: "InternalIP".into(),
                            address: "10.0.0.1".into(),
                        }],
                        images: vec![ContainerImage {
                            names: vec!["nginx:1.27".into()],
                            size_bytes: 1234,
                        }],
                    },
                }),
            },
            Object {
                meta: meta("web", "default"),
                body: Body::Endpoints(Endpoints {
                    subsets: vec![EndpointSubset {
                        addresses: vec![EndpointAddress {
                            ip: "10.244.1.5".into(),
                            hostname: "web-0".into(),
                            node_name: "node-1".into(),
                            target_ref: Some(ObjectReference {
                                kind: "Pod".into(),
                                namespace: "default".into(),
                                name: "web-0".into(),
                                uid: Uid(9),
                            }),
                        }],
                        not_ready_addresses: vec![EndpointAddress {
                            ip: "10.244.2.7".into(),
                            hostname: "".into(),
                            node_name: "".into(),
                            target_ref: None,
                        }],
                        ports: vec![EndpointPort {
                            name: "http".into(),
                            port: 8080,
                            protocol: Protocol::Tcp,
                        }],
                    }],
                }),
            },
            Object {
                meta: meta("legacy", "default"),
                body: Body::ReplicationController(ReplicationController {
                    replicas: 2,
                    selector: labels(&[("app", "legacy")]),
                    template: Some(template("legacy")),
                    min_ready_seconds: 5,
                    status: status_rs.clone(),
                }),
            },
            Object {
                meta: meta("web-abc", "default"),
                body: Body::ReplicaSet(ReplicaSet {
                    replicas: 2,
                    selector: LabelSelector::from_match_labels(labels(&[("app", "web")])),
                    template: template("web"),
                    min_ready_seconds: 5,
                    status: status_rs,
                }),
            },
            Object {
                meta: meta("batch", "default"),
                body: Body::Job(Job {
                    parallelism: 2,
                    completions: Some(4),
                    active_deadline_seconds: Some(3600),
                    backoff_limit: 6,
                    selector: Some(LabelSelector::from_match_labels(labels(&[(
                        "batch.kubernetes.io/controller-uid",
                        "abc",
                    )]))),
                    manual_selector: true,
                    template: template("batch"),
                    ttl_seconds_after_finished: Some(100),
                    completion_mode: CompletionMode::Indexed,
                    suspend: false,
                    pod_replacement_policy: Some(PodReplacementPolicy::Failed),
                    status: JobStatus {
                        conditions: vec![cond("Complete")],
                        start_time: Some(10 * S),
                        completion_time: Some(70 * S),
                        active: 0,
                        succeeded: 4,
                        failed: 1,
                        terminating: Some(0),
                        ready: Some(0),
                        completed_indexes: "0-3".into(),
                    },
                }),
            },
            Object {
                meta: meta("web-0.abc", "default"),
                body: Body::Event(Event {
                    involved_object: Some(ObjectReference {
                        kind: "Pod".into(),
                        namespace: "default".into(),
                        name: "web-0".into(),
                        uid: Uid(9),
                    }),
                    reason: "Scheduled".into(),
                    message: "Successfully assigned default/web-0 to node-1".into(),
                    type_: "Normal".into(),
                    count: 1,
                    first_timestamp: Some(91 * S),
                    last_timestamp: Some(91 * S),
                    source_component: "default-scheduler".into(),
                    source_host: "".into(),
                }),
            },
        ]
    }

    #[test]
    fn timestamps_are_rfc3339_from_the_fixed_epoch() {
        assert_eq!(format_timestamp(0), "2026-01-01T00:00:00Z");
        assert_eq!(format_timestamp(90 * S), "2026-01-01T00:01:30Z");
        // Truncated to the second, as metav1.Time serializes.
        assert_eq!(
            format_timestamp(90 * S + 999_999_999),
            "2026-01-01T00:01:30Z"
        );
        assert_eq!(
            format_timestamp((31 * 86_400 + 3_661) * S),
            "2026-02-01T01:01:01Z"
        );
        // 2028 is a leap year: 365 + 365 + 31 + 28 days later is Feb 29.
        assert_eq!(
            format_timestamp((365 + 365 + 31 + 28) * 86_400 * S),
            "2028-02-29T00:00:00Z"
        );
        assert_eq!(format_rfc1123z(0), "Thu, 01 Jan 2026 00:00:00 +0000");
        assert_eq!(
            format_rfc1123z((59 * 86_400 + 45) * S),
            "Sun, 01 Mar 2026 00:00:45 +0000"
        );
    }

    #[test]
    fn priority_classes_render_and_round_trip() {
        let mut pc = Object {
            meta: meta("high", ""),
            body: Body::PriorityClass(PriorityClass {
                value: 1000,
                global_default: true,
                preemption_policy: Some(PreemptionPolicy::Never),
                description: "important".into(),
            }),
        };
        let j = to_json(&pc);
        assert_eq!(j["apiVersion"], "scheduling.k8s.io/v1");
        assert_eq!(j["kind"], "PriorityClass");
        assert_eq!(
            (
                &j["value"],
                &j["globalDefault"],
                &j["preemptionPolicy"],
                &j["description"]
            ),
            (
                &json!(1000),
                &json!(true),
                &json!("Never"),
                &json!("important")
            )
        );
        assert!(j.get("spec").is_none() && j.get("status").is_none());
        let back = crate::api::manifest::parse_value(j, "roundtrip", 0).expect("parses");
        pc.meta.creation_timestamp = 0; // manifest timestamps are ignored
        assert_eq!(back.object, pc);

        // value has no omitempty; globalDefault and description do.
        let zero = Object {
            meta: meta("zero", ""),
            body: Body::PriorityClass(PriorityClass {
                preemption_policy: Some(PreemptionPolicy::PreemptLowerPriority),
                ..Default::default()
            }),
        };
        let j = to_json(&zero);
        assert_eq!(j["value"], json!(0));
        assert_eq!(j["preemptionPolicy"], json!("PreemptLowerPriority"));
        assert!(j.get("globalDefault").is_none() && j.get("description").is_none());
    }

    #[test]
    fn leases_render_micro_times() {
        assert_eq!(format_micro_timestamp(0), "2026-01-01T00:00:00.000000Z");
        assert_eq!(
            format_micro_timestamp(90 * S + 500_123_999),
            "2026-01-01T00:01:30.500123Z"
        );
        let lease = Object {
            meta: ObjectMeta {
                name: "node-1".into(),
                namespace: "kube-node-lease".into(),
                ..Default::default()
            },
            body: Body::Lease(Lease {
                holder_identity: "node-1".into(),
                lease_duration_seconds: Some(40),
                renew_time: Some(10 * S),
                ..Default::default()
            }),
        };
        let j = to_json(&lease);
        assert_eq!(j["apiVersion"], "coordination.k8s.io/v1");
        assert_eq!(
            j["spec"],
            json!({"holderIdentity": "node-1", "leaseDurationSeconds": 40,
                   "renewTime": "2026-01-01T00:00:10.000000Z"})
        );
    }

    #[test]
    fn quantities_render_canonically() {
        let cpu = ResourceName::Cpu;
        let mem = ResourceName::Memory;
        for (name, v, want) in [
            (&cpu, 500, "500m"),
            (&cpu, 2000, "2"),
            (&cpu, 1500, "1500m"),
            (&cpu, 0, "0"),
            (&cpu, 1_000_000, "1k"),
            (&mem, 128 << 20, "128Mi"),
            (&mem, 1 << 30, "1Gi"),
            (&mem, 1536 << 20, "1536Mi"),
            (&mem, 1000, "1k"),
            (&mem, 100_000_000_000, "100G"),
            (&mem, 1_024_000, "1000Ki"),
            (&mem, 1_024_000_000, "1024M"),
            (&mem, 1_000_000_000, "1G"),
            (&mem, 1500, "1500"),
            (&mem, 100, "100"),
            (&mem, 0, "0"),
            (&ResourceName::Pods, 110, "110"),
            (&ResourceName::Other("nvidia.com/gpu".into()), 1, "1"),
            (&ResourceName::Other("hugepages-2Mi".into()), 4 << 20, "4Mi"),
        ] {
            assert_eq!(format_quantity(name, v), want, "{name:?} {v}");
        }
    }

    #[test]
    fn pod_json_has_upstream_shape() {
        let v = to_json(&full_pod());
        assert_eq!(v["apiVersion"], "v1");
        assert_eq!(v["kind"], "Pod");
        let m = &v["metadata"];
        assert_eq!(m["resourceVersion"], json!("42"));
        assert_eq!(m["uid"], "12345678-9abc-def0-1122-334455667788");
        assert_eq!(m["creationTimestamp"], "2026-01-01T00:01:30Z");
        assert_eq!(m["generateName"], "web-");
        assert!(m.get("generation").is_none(), "generation 0 is omitted");
        assert!(m.get("deletionTimestamp").is_none());
        assert_eq!(m["ownerReferences"][0]["blockOwnerDeletion"], true);
        assert_eq!(m["ownerReferences"][0]["uid"], Uid(7).to_string());

        let spec = &v["spec"];
        let c = &spec["containers"][0];
        assert_eq!(
            c["resources"]["requests"],
            json!({"cpu": "500m", "memory": "128Mi"})
        );
        assert_eq!(
            c["resources"]["limits"],
            json!({"cpu": "2", "memory": "1Gi", "nvidia.com/gpu": "1"})
        );
        assert_eq!(
            c["ports"],
            json!([{"name": "http", "containerPort": 8080, "protocol": "TCP"}])
        );
        assert_eq!(
            c["livenessProbe"],
            json!({"httpGet": {"path": "/healthz", "port": "http", "scheme": "HTTP"},
                   "timeoutSeconds": 1, "periodSeconds": 10,
                   "successThreshold": 1, "failureThreshold": 3})
        );
        assert_eq!(
            c["readinessProbe"]["grpc"],
            json!({"port": 9090, "service": ""})
        );
        assert_eq!(
            c["startupProbe"]["exec"],
            json!({"command": ["cat", "/tmp/ready"]})
        );
        assert_eq!(
            c["lifecycle"],
            json!({"postStart": {"exec": {"command": ["/bin/warm"]}},
                   "preStop": {"sleep": {"seconds": 5}}})
        );
        assert!(c.get("restartPolicy").is_none());
        let init = &spec["initContainers"][0];
        assert_eq!(init["restartPolicy"], "Always");
        assert_eq!(init["resources"], json!({}), "struct field never omitted");
        assert_eq!(init["readinessProbe"]["tcpSocket"], json!({"port": 15021}));
        assert_eq!(spec["terminationGracePeriodSeconds"], 30);
        assert_eq!(spec["restartPolicy"], "Always");
        assert!(spec.get("hostNetwork").is_none(), "false bool is omitted");
        assert_eq!(
            spec["tolerations"],
            json!([{"key": "node.kubernetes.io/not-ready", "operator": "Exists",
                    "effect": "NoExecute", "tolerationSeconds": 300}])
        );
        assert_eq!(
            spec["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"],
            json!({"nodeSelectorTerms": [{"matchExpressions":
                [{"key": "zone", "operator": "In", "values": ["a", "b"]}]}]})
        );
        assert_eq!(
            spec["affinity"]["podAntiAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]
                [0]["labelSelector"],
            json!({"matchLabels": {"app": "web"}})
        );
        assert_eq!(
            spec["topologySpreadConstraints"][0],
            json!({"maxSkew": 1, "topologyKey": "topology.kubernetes.io/zone",
                   "whenUnsatisfiable": "DoNotSchedule", "minDomains": 2,
                   "nodeAffinityPolicy": "Honor",
                   "labelSelector": {"matchExpressions":
                       [{"key": "app", "operator": "In", "values": ["web"]}]}})
        );
        assert_eq!(
            spec["volumes"],
            json!([
                {"name": "scratch", "emptyDir": {}},
                {"name": "conf", "configMap": {"name": "web-conf"}},
                {"name": "data", "persistentVolumeClaim": {"claimName": "web-data"}},
                {"name": "tls", "secret": {"secretName": "web-tls"}},
                {"name": "logs", "hostPath": {"path": "/var/log"}},
            ])
        );

        let st = &v["status"];
        assert_eq!(st["phase"], "Running");
        assert_eq!(st["podIPs"], json!([{"ip": "10.244.1.5"}]));
        assert_eq!(st["startTime"], "2026-01-01T00:01:31Z");
        assert_eq!(st["qosClass"], "Burstable");
        assert_eq!(
            st["conditions"][0],
            json!({"type": "Ready", "status": "True", "lastProbeTime": null,
                   "lastTransitionTime": "2026-01-01T00:01:40Z"})
        );
        let cs = &st["containerStatuses"][0];
        assert_eq!(cs["restartCount"], 1);
        assert_eq!(cs["imageID"], "");
        assert_eq!(
            cs["state"],
            json!({"running": {"startedAt": "2026-01-01T00:01:35Z"}})
        );
        assert_eq!(
            cs["lastState"]["terminated"],
            json!({"exitCode": 137, "reason": "OOMKilled",
                   "startedAt": "2026-01-01T00:01:33Z", "finishedAt": "2026-01-01T00:01:34Z"})
        );
        assert_eq!(st["initContainerStatuses"][0]["lastState"], json!({}));
        assert!(st.get("reason").is_none() && st.get("nominatedNodeName").is_none());
    }

    #[test]
    fn deployment_json_has_upstream_shape() {
        let v = to_json(&deployment());
        assert_eq!(v["apiVersion"], "apps/v1");
        assert_eq!(v["metadata"]["generation"], 3);
        let spec = &v["spec"];
        assert_eq!(spec["replicas"], 3);
        assert_eq!(spec["selector"], json!({"matchLabels": {"app": "web"}}));
        assert_eq!(
            spec["strategy"],
            json!({"type": "RollingUpdate",
                   "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": 0}})
        );
        assert_eq!(spec["revisionHistoryLimit"], 10);
        assert_eq!(spec["progressDeadlineSeconds"], 600);
        assert!(spec.get("minReadySeconds").is_none());
        assert!(spec.get("paused").is_none());
        assert!(spec.get("rollbackTo").is_none());
        // Template metadata: no creationTimestamp (omitted when zero since 1.33).
        assert_eq!(
            spec["template"]["metadata"],
            json!({"labels": {"app": "web"}})
        );
        assert_eq!(spec["template"]["spec"]["containers"][0]["name"], "web");
        let st = &v["status"];
        assert_eq!(st["unavailableReplicas"], 1);
        assert_eq!(
            st["terminatingReplicas"], 0,
            "a set pointer is kept even at 0"
        );
        assert!(st.get("collisionCount").is_none());
        assert_eq!(
            st["conditions"][0]["lastUpdateTime"],
            "2026-01-01T00:02:10Z"
        );

        let mut d = deployment();
        if let Body::Deployment(dep) = &mut d.body {
            dep.strategy = DeploymentStrategy::Recreate;
            dep.rollback_to = Some(0);
        }
        let v = to_json(&d);
        assert_eq!(v["spec"]["strategy"], json!({"type": "Recreate"}));
        assert_eq!(v["spec"]["rollbackTo"], json!({}));
    }

    #[test]
    fn service_json_has_upstream_shape() {
        let v = to_json(&service());
        let spec = &v["spec"];
        assert_eq!(spec["type"], "NodePort");
        assert_eq!(spec["clusterIP"], "10.96.0.10");
        assert_eq!(spec["clusterIPs"], json!(["10.96.0.10"]));
        assert_eq!(
            spec["ports"],
            json!([{"name": "http", "protocol": "TCP", "port": 80,
                    "targetPort": 8080, "nodePort": 30080}])
        );
        assert_eq!(spec["sessionAffinity"], "None");
        assert_eq!(spec["externalTrafficPolicy"], "Cluster");
        assert_eq!(spec["internalTrafficPolicy"], "Cluster");
        assert!(spec.get("externalName").is_none());
        assert_eq!(v["status"], json!({"loadBalancer": {}}));

        let mut lb = service();
        if let Body::Service(svc) = &mut lb.body {
            svc.type_ = ServiceType::LoadBalancer;
            svc.load_balancer_ingress = vec!["203.0.113.7".into(), "lb.example.com".into()];
            svc.ports[0].target_port = IntOrString::String("http".into());
        }
        let v = to_json(&lb);
        assert_eq!(
            v["status"]["loadBalancer"]["ingress"],
            json!([{"ip": "203.0.113.7"}, {"hostname": "lb.example.com"}])
        );
        assert_eq!(v["spec"]["ports"][0]["targetPort"], "http");
    }

    #[test]
    fn other_kinds_render() {
        let all = others();
        let ns = to_json(&all[0]);
        assert_eq!(ns["status"], json!({"phase": "Terminating"}));
        let node = to_json(&all[1]);
        assert_eq!(node["spec"]["podCIDRs"], json!(["10.244.1.0/24"]));
        assert_eq!(node["spec"]["unschedulable"], true);
        assert_eq!(
            node["status"]["capacity"],
            json!({"cpu": "4", "memory": "16Gi", "pods": "110", "ephemeral-storage": "100G"})
        );
        assert_eq!(
            node["status"]["conditions"][0]["lastHeartbeatTime"],
            "2026-01-01T00:00:06Z"
        );
        let rc = to_json(&all[3]);
        assert!(rc["status"].get("terminatingReplicas").is_none());
        assert_eq!(rc["spec"]["selector"], json!({"app": "legacy"}));
        let rs = to_json(&all[4]);
        assert_eq!(rs["status"]["terminatingReplicas"], 1);
        assert!(rs["status"]["conditions"][0]
            .get("lastUpdateTime")
            .is_none());
        let job = to_json(&all[5]);
        assert_eq!(job["spec"]["completionMode"], "Indexed");
        assert_eq!(job["spec"]["suspend"], false);
        assert_eq!(job["spec"]["backoffLimit"], 6);
        assert_eq!(job["status"]["completedIndexes"], "0-3");
        let ev = to_json(&all[6]);
        assert_eq!(ev["source"], json!({"component": "default-scheduler"}));
        assert_eq!(ev["reportingComponent"], "default-scheduler");
        assert_eq!(ev["eventTime"], Value::Null);
        assert_eq!(ev["involvedObject"]["kind"], "Pod");

        let empty = ReplicaSetStatus::default();
        assert_eq!(replica_set_status(&empty, true), json!({"replicas": 0}));
    }

    fn strip_nulls(v: Value) -> Value {
        match v {
            Value::Object(m) => Value::Object(
                m.into_iter()
                    .filter(|(_, v)| !v.is_null())
                    .map(|(k, v)| (k, strip_nulls(v)))
                    .collect(),
            ),
            Value::Array(a) => Value::Array(a.into_iter().map(strip_nulls).collect()),
            v => v,
        }
    }

    /// Every key we emit is a field of the upstream type: k8s-openapi (generated from the
    /// upstream OpenAPI spec) drops unknown keys, so a round trip through it must be lossless.
    fn assert_upstream_fields<T>(obj: &Object)
    where
        T: serde::de::DeserializeOwned + serde::Serialize,
    {
        let ours = strip_nulls(to_json(obj));
        let typed: T = match serde_json::from_value(ours.clone()) {
            Ok(t) => t,
            Err(e) => panic!("{} does not deserialize: {e}", obj.kind()),
        };
        let back = serde_json::to_value(&typed).unwrap_or(Value::Null);
        assert_eq!(back, ours, "{} has fields upstream lacks", obj.kind());
    }

    #[test]
    fn field_names_match_the_upstream_openapi_types() {
        use k8s_openapi::api::{apps::v1 as apps, batch::v1 as batch, core::v1 as core};
        assert_upstream_fields::<core::Pod>(&full_pod());
        assert_upstream_fields::<apps::Deployment>(&deployment());
        assert_upstream_fields::<core::Service>(&service());
        let all = others();
        assert_upstream_fields::<core::Namespace>(&all[0]);
        assert_upstream_fields::<core::Node>(&all[1]);
        assert_upstream_fields::<core::Endpoints>(&all[2]);
        assert_upstream_fields::<core::ReplicationController>(&all[3]);
        assert_upstream_fields::<apps::ReplicaSet>(&all[4]);
        assert_upstream_fields::<batch::Job>(&all[5]);
        assert_upstream_fields::<core::Event>(&all[6]);
    }

    #[test]
    fn yaml_is_the_same_document() {
        let y = to_yaml(&service());
        assert!(
            y.starts_with("apiVersion: v1\nkind: Service\nmetadata:\n"),
            "{y}"
        );
        let back: Value = serde_yaml::from_str(&y).unwrap_or(Value::Null);
        assert_eq!(back, to_json(&service()));
    }
}
