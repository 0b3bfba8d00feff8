//! Compact internal forms of the Kubernetes objects kubesim models (core/v1, apps/v1, batch/v1).
//! Field names follow the upstream API types (`k8s.io/api/...`); fields the simulator does not
//! model are dropped at parse time with a warning (see `manifest.rs`).

use smol_str::SmolStr;

use crate::api::selector::LabelSelector;
use crate::engine::SimTime;

/// An interned-size string: inline up to 23 bytes, reference-counted beyond, O(1) clone.
pub type Name = SmolStr;

/// A Kubernetes object UID. Generated from the API server's seeded RNG stream and printed in
/// the RFC 4122 form, so UIDs are deterministic per seed. Aligned to 8 bytes rather than
/// `u128`'s 16, so that the objects and references holding one need no padding for it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(C, packed(8))]
pub struct Uid(pub u128);

impl std::fmt::Display for Uid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let v = self.0;
        write!(
            f,
            "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
            (v >> 96) as u32,
            (v >> 80) as u16,
            (v >> 64) as u16,
            (v >> 48) as u16,
            v & 0xffff_ffff_ffff
        )
    }
}

/// The object kinds the API server serves.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Namespace,
    Node,
    Pod,
    Service,
    Endpoints,
    ReplicationController,
    ReplicaSet,
    Deployment,
    Job,
    Event,
    Lease,
    PriorityClass,
}

impl Kind {
    pub const ALL: [Kind; 12] = [
        Kind::Namespace,
        Kind::Node,
        Kind::Pod,
        Kind::Service,
        Kind::Endpoints,
        Kind::ReplicationController,
        Kind::ReplicaSet,
        Kind::Deployment,
        Kind::Job,
        Kind::Event,
        Kind::Lease,
        Kind::PriorityClass,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Namespace => "Namespace",
            Kind::Node => "Node",
            Kind::Pod => "Pod",
            Kind::Service => "Service",
            Kind::Endpoints => "Endpoints",
            Kind::ReplicationController => "ReplicationController",
            Kind::ReplicaSet => "ReplicaSet",
            Kind::Deployment => "Deployment",
            Kind::Job => "Job",
            Kind::Event => "Event",
            Kind::Lease => "Lease",
            Kind::PriorityClass => "PriorityClass",
        }
    }

    /// The plural resource name, as in `kubectl get <resource>` and REST paths.
    pub fn resource(self) -> &'static str {
        match self {
            Kind::Namespace => "namespaces",
            Kind::Node => "nodes",
            Kind::Pod => "pods",
            Kind::Service => "services",
            Kind::Endpoints => "endpoints",
            Kind::ReplicationController => "replicationcontrollers",
            Kind::ReplicaSet => "replicasets",
            Kind::Deployment => "deployments",
            Kind::Job => "jobs",
            Kind::Event => "events",
            Kind::Lease => "leases",
            Kind::PriorityClass => "priorityclasses",
        }
    }

    /// The `apiVersion` the API server serves this kind at.
    pub fn api_version(self) -> &'static str {
        match self {
            Kind::ReplicaSet | Kind::Deployment => "apps/v1",
            Kind::Job => "batch/v1",
            Kind::Lease => "coordination.k8s.io/v1",
            Kind::PriorityClass => "scheduling.k8s.io/v1",
            _ => "v1",
        }
    }

    pub fn namespaced(self) -> bool {
        !matches!(self, Kind::Namespace | Kind::Node | Kind::PriorityClass)
    }

    /// The etcd key prefix the API server stores this kind under. Upstream keeps some
    /// historical names: nodes are `minions`, RCs `controllers`
    /// (pkg/registry/*/storage/storage.go, `DefaultQualifiedResource` and key root).
    pub fn key_prefix(self) -> &'static str {
        match self {
            Kind::Namespace => "/registry/namespaces/",
            Kind::Node => "/registry/minions/",
            Kind::Pod => "/registry/pods/",
            Kind::Service => "/registry/services/specs/",
            Kind::Endpoints => "/registry/services/endpoints/",
            Kind::ReplicationController => "/registry/controllers/",
            Kind::ReplicaSet => "/registry/replicasets/",
            Kind::Deployment => "/registry/deployments/",
            Kind::Job => "/registry/jobs/",
            Kind::Event => "/registry/events/",
            Kind::Lease => "/registry/leases/",
            Kind::PriorityClass => "/registry/priorityclasses/",
        }
    }

    /// The short names and aliases kubectl accepts (`po`, `deploy`, `rc`, ...).
    pub fn from_resource_arg(arg: &str) -> Option<Kind> {
        let arg = arg.to_ascii_lowercase();
        let kind = match arg.as_str() {
            "ns" | "namespace" | "namespaces" => Kind::Namespace,
            "no" | "node" | "nodes" => Kind::Node,
            "po" | "pod" | "pods" => Kind::Pod,
            "svc" | "service" | "services" => Kind::Service,
            "ep" | "endpoints" => Kind::Endpoints,
            "rc" | "replicationcontroller" | "replicationcontrollers" => {
                Kind::ReplicationController
            }
            "rs" | "replicaset" | "replicasets" => Kind::ReplicaSet,
            "deploy" | "deployment" | "deployments" => Kind::Deployment,
            "job" | "jobs" => Kind::Job,
            "ev" | "event" | "events" => Kind::Event,
            "lease" | "leases" => Kind::Lease,
            "pc" | "priorityclass" | "priorityclasses" => Kind::PriorityClass,
            _ => {
                return Kind::ALL
                    .into_iter()
                    .find(|k| k.as_str().eq_ignore_ascii_case(&arg))
            }
        };
        Some(kind)
    }

    pub fn from_kind_str(kind: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == kind)
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A string map kept sorted by key (labels, annotations, node selectors). Sorted so that
/// iteration, printing and hashing never depend on insertion order. Held as an exact-size
/// boxed slice (16 bytes, no spare capacity): maps are small and mostly read.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct StringMap(Box<[(Name, Name)]>);

impl StringMap {
    pub fn new() -> Self {
        StringMap::default()
    }
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .binary_search_by(|(k, _)| k.as_str().cmp(key))
            .ok()
            .map(|i| self.0[i].1.as_str())
    }
    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }
    /// Inserts or replaces; returns the previous value.
    pub fn insert(&mut self, key: impl Into<Name>, value: impl Into<Name>) -> Option<Name> {
        let key = key.into();
        match self.0.binary_search_by(|(k, _)| k.cmp(&key)) {
            Ok(i) => Some(std::mem::replace(&mut self.0[i].1, value.into())),
            Err(i) => {
                let mut pairs = std::mem::take(&mut self.0).into_vec();
                pairs.insert(i, (key, value.into()));
                self.0 = pairs.into_boxed_slice();
                None
            }
        }
    }
    pub fn remove(&mut self, key: &str) -> Option<Name> {
        let i = self.0.binary_search_by(|(k, _)| k.as_str().cmp(key)).ok()?;
        let mut pairs = std::mem::take(&mut self.0).into_vec();
        let (_, value) = pairs.remove(i);
        self.0 = pairs.into_boxed_slice();
        Some(value)
    }
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }
    pub fn len(&self) -> usize {
        self.0.len()
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// True when every pair of `subset` is in `self` (a map-form selector matching labels).
    pub fn contains_all(&self, subset: &StringMap) -> bool {
        subset.iter().all(|(k, v)| self.get(k) == Some(v))
    }
}

impl<K: Into<Name>, V: Into<Name>> FromIterator<(K, V)> for StringMap {
    /// Later pairs replace earlier ones with the same key, as repeated inserts would.
    fn from_iter<T: IntoIterator<Item = (K, V)>>(iter: T) -> Self {
        let mut pairs: Vec<(Name, Name)> = iter
            .into_iter()
            .map(|(k, v)| (k.into(), v.into()))
            .collect();
        // Stable: equal keys keep their order, so the last of each run is the latest.
        pairs.sort_by(|a, b| a.0.cmp(&b.0));
        let mut out: Vec<(Name, Name)> = Vec::with_capacity(pairs.len());
        for pair in pairs {
            match out.last_mut() {
                Some(last) if last.0 == pair.0 => *last = pair,
                _ => out.push(pair),
            }
        }
        StringMap(out.into_boxed_slice())
    }
}

impl std::fmt::Display for StringMap {
    /// `a=1,b=2`, the form kubectl prints labels in.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, (k, v)) in self.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            write!(f, "{k}={v}")?;
        }
        Ok(())
    }
}

/// metav1.OwnerReference.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OwnerReference {
    pub api_version: Name,
    pub kind: Name,
    pub name: Name,
    pub uid: Uid,
    pub controller: bool,
    pub block_owner_deletion: bool,
}

/// metav1.ObjectMeta, the modelled part.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ObjectMeta {
    pub name: Name,
    pub generate_name: Name,
    /// Empty for cluster-scoped kinds.
    pub namespace: Name,
    pub uid: Uid,
    /// The etcd mod revision of the stored object; 0 when not set.
    pub resource_version: u64,
    pub generation: i64,
    pub creation_timestamp: SimTime,
    pub deletion_timestamp: Option<SimTime>,
    pub deletion_grace_period_seconds: Option<i64>,
    pub labels: StringMap,
    pub annotations: StringMap,
    pub owner_references: Vec<OwnerReference>,
    pub finalizers: Vec<Name>,
}

impl ObjectMeta {
    pub fn controller_ref(&self) -> Option<&OwnerReference> {
        self.owner_references.iter().find(|r| r.controller)
    }
}

/// A stored object: metadata plus the kind-specific body.
#[derive(Clone, Debug, PartialEq)]
pub struct Object {
    pub meta: ObjectMeta,
    pub body: Body,
}

/// The kind-specific part of an object. The Pod is kept inline although it is the largest
/// variant: pods are the objects stored by the thousand, and a box would cost each of them a
/// second allocation; the rarer kinds box what is large (workload templates).
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq)]
pub enum Body {
    Namespace(Namespace),
    Node(Node),
    Pod(Pod),
    Service(Service),
    Endpoints(Endpoints),
    ReplicationController(ReplicationController),
    ReplicaSet(ReplicaSet),
    Deployment(Deployment),
    Job(Job),
    Event(Event),
    Lease(Lease),
    PriorityClass(PriorityClass),
}

impl Object {
    pub fn kind(&self) -> Kind {
        match &self.body {
            Body::Namespace(_) => Kind::Namespace,
            Body::Node(_) => Kind::Node,
            Body::Pod(_) => Kind::Pod,
            Body::Service(_) => Kind::Service,
            Body::Endpoints(_) => Kind::Endpoints,
            Body::ReplicationController(_) => Kind::ReplicationController,
            Body::ReplicaSet(_) => Kind::ReplicaSet,
            Body::Deployment(_) => Kind::Deployment,
            Body::Job(_) => Kind::Job,
            Body::Event(_) => Kind::Event,
            Body::Lease(_) => Kind::Lease,
            Body::PriorityClass(_) => Kind::PriorityClass,
        }
    }
    pub fn name(&self) -> &str {
        &self.meta.name
    }
    pub fn namespace(&self) -> &str {
        &self.meta.namespace
    }
    pub fn as_pod(&self) -> Option<&Pod> {
        match &self.body {
            Body::Pod(p) => Some(p),
            _ => None,
        }
    }
    pub fn as_node(&self) -> Option<&Node> {
        match &self.body {
            Body::Node(n) => Some(n),
            _ => None,
        }
    }
    pub fn as_lease(&self) -> Option<&Lease> {
        match &self.body {
            Body::Lease(l) => Some(l),
            _ => None,
        }
    }
    pub fn as_priority_class(&self) -> Option<&PriorityClass> {
        match &self.body {
            Body::PriorityClass(pc) => Some(pc),
            _ => None,
        }
    }

    /// Gives back what building the object left over: spare capacity of its lists (a
    /// condition pushed onto an empty list reserves room for four) and rare-field groups back
    /// at their defaults. The API server calls it on every object it stores.
    pub fn shrink_to_fit(&mut self) {
        let m = &mut self.meta;
        m.owner_references.shrink_to_fit();
        m.finalizers.shrink_to_fit();
        if let Body::Pod(p) = &mut self.body {
            p.shrink_to_fit();
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Resources

/// A resource name. The common ones are variants so that resource lists stay small.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ResourceName {
    Cpu,
    Memory,
    EphemeralStorage,
    Pods,
    /// Extended resources (`nvidia.com/gpu`), hugepages, and anything else.
    Other(Name),
}

impl ResourceName {
    pub fn parse(s: &str) -> ResourceName {
        match s {
            "cpu" => ResourceName::Cpu,
            "memory" => ResourceName::Memory,
            "ephemeral-storage" => ResourceName::EphemeralStorage,
            "pods" => ResourceName::Pods,
            other => ResourceName::Other(other.into()),
        }
    }
    pub fn as_str(&self) -> &str {
        match self {
            ResourceName::Cpu => "cpu",
            ResourceName::Memory => "memory",
            ResourceName::EphemeralStorage => "ephemeral-storage",
            ResourceName::Pods => "pods",
            ResourceName::Other(n) => n,
        }
    }
}

/// A resource list with integer amounts: CPU in millicores, everything else in units
/// (bytes for memory and storage). Presence matters: an omitted request differs from `0`.
/// Held as an exact-size boxed slice, sorted by name.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ResourceList(Box<[(ResourceName, i64)]>);

impl ResourceList {
    pub fn new() -> Self {
        ResourceList::default()
    }
    pub fn get(&self, name: &ResourceName) -> Option<i64> {
        self.0.iter().find(|(n, _)| n == name).map(|(_, v)| *v)
    }
    pub fn set(&mut self, name: ResourceName, amount: i64) {
        match self.0.binary_search_by(|(n, _)| n.cmp(&name)) {
            Ok(i) => self.0[i].1 = amount,
            Err(i) => {
                let mut entries = std::mem::take(&mut self.0).into_vec();
                entries.insert(i, (name, amount));
                self.0 = entries.into_boxed_slice();
            }
        }
    }
    pub fn cpu_milli(&self) -> Option<i64> {
        self.get(&ResourceName::Cpu)
    }
    pub fn memory(&self) -> Option<i64> {
        self.get(&ResourceName::Memory)
    }
    pub fn iter(&self) -> impl Iterator<Item = (&ResourceName, i64)> {
        self.0.iter().map(|(n, v)| (n, *v))
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ResourceRequirements {
    pub requests: ResourceList,
    pub limits: ResourceList,
}

// ---------------------------------------------------------------------------------------------
// Pods

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum RestartPolicy {
    #[default]
    Always,
    OnFailure,
    Never,
}

impl RestartPolicy {
    pub fn as_str(self) -> &'static str {
        match self {
            RestartPolicy::Always => "Always",
            RestartPolicy::OnFailure => "OnFailure",
            RestartPolicy::Never => "Never",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PullPolicy {
    Always,
    IfNotPresent,
    Never,
}

impl PullPolicy {
    pub fn as_str(self) -> &'static str {
        match self {
            PullPolicy::Always => "Always",
            PullPolicy::IfNotPresent => "IfNotPresent",
            PullPolicy::Never => "Never",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum Protocol {
    #[default]
    Tcp,
    Udp,
    Sctp,
}

impl Protocol {
    pub fn as_str(self) -> &'static str {
        match self {
            Protocol::Tcp => "TCP",
            Protocol::Udp => "UDP",
            Protocol::Sctp => "SCTP",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContainerPort {
    pub name: Name,
    pub container_port: i32,
    /// 0 when unset.
    pub host_port: i32,
    pub host_ip: Name,
    pub protocol: Protocol,
}

/// intstr.IntOrString: a port number or name, or an absolute number or percentage.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IntOrString {
    Int(i32),
    String(Name),
}

impl std::fmt::Display for IntOrString {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            IntOrString::Int(i) => write!(f, "{i}"),
            IntOrString::String(s) => f.write_str(s),
        }
    }
}

/// The action of a probe or lifecycle hook. The simulator does not execute it; the container
/// behaviour model decides its duration and outcome.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Handler {
    Exec {
        command: Vec<Name>,
    },
    HttpGet {
        path: Name,
        port: IntOrString,
        scheme: Name,
    },
    TcpSocket {
        port: IntOrString,
    },
    Grpc {
        port: i32,
        service: Name,
    },
    /// LifecycleHandler.sleep (preStop/postStart only).
    Sleep {
        seconds: i64,
    },
}

/// core/v1 Probe with upstream defaults applied (pkg/apis/core/v1/defaults.go SetDefaults_Probe).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Probe {
    pub handler: Handler,
    pub initial_delay_seconds: i32,
    pub timeout_seconds: i32,
    pub period_seconds: i32,
    pub success_threshold: i32,
    pub failure_threshold: i32,
    pub termination_grace_period_seconds: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Lifecycle {
    pub post_start: Option<Handler>,
    pub pre_stop: Option<Handler>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Container {
    pub name: Name,
    pub image: Name,
    pub image_pull_policy: PullPolicy,
    pub resources: ResourceRequirements,
    pub ports: Vec<ContainerPort>,
    pub liveness_probe: Option<Box<Probe>>,
    pub readiness_probe: Option<Box<Probe>>,
    pub startup_probe: Option<Box<Probe>>,
    pub lifecycle: Option<Box<Lifecycle>>,
    /// Init containers only: `restartPolicy: Always` makes it a sidecar.
    pub restart_policy: Option<RestartPolicy>,
}

impl Container {
    /// A container with nothing but a name and an image, and the pull policy upstream
    /// defaults for that image (`Always` for `:latest` or untagged, else `IfNotPresent`).
    pub fn new(name: impl Into<Name>, image: impl Into<Name>) -> Container {
        let image = image.into();
        Container {
            name: name.into(),
            image_pull_policy: crate::api::manifest::default_pull_policy(&image),
            image,
            resources: ResourceRequirements::default(),
            ports: Vec::new(),
            liveness_probe: None,
            readiness_probe: None,
            startup_probe: None,
            lifecycle: None,
            restart_policy: None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TaintEffect {
    NoSchedule,
    PreferNoSchedule,
    NoExecute,
}

impl TaintEffect {
    pub fn as_str(self) -> &'static str {
        match self {
            TaintEffect::NoSchedule => "NoSchedule",
            TaintEffect::PreferNoSchedule => "PreferNoSchedule",
            TaintEffect::NoExecute => "NoExecute",
        }
    }
    pub fn parse(s: &str) -> Option<TaintEffect> {
        match s {
            "NoSchedule" => Some(TaintEffect::NoSchedule),
            "PreferNoSchedule" => Some(TaintEffect::PreferNoSchedule),
            "NoExecute" => Some(TaintEffect::NoExecute),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Taint {
    pub key: Name,
    pub value: Name,
    pub effect: TaintEffect,
    pub time_added: Option<SimTime>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum TolerationOperator {
    #[default]
    Equal,
    Exists,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Toleration {
    /// Empty with operator Exists matches every taint key.
    pub key: Name,
    pub operator: TolerationOperator,
    pub value: Name,
    /// None matches every effect.
    pub effect: Option<TaintEffect>,
    pub toleration_seconds: Option<i64>,
}

impl Toleration {
    /// v1helper.TolerationsTolerateTaint / Toleration.ToleratesTaint
    /// (staging/src/k8s.io/api/core/v1/toleration.go).
    pub fn tolerates(&self, taint: &Taint) -> bool {
        if let Some(effect) = self.effect {
            if effect != taint.effect {
                return false;
            }
        }
        if !self.key.is_empty() && self.key != taint.key {
            return false;
        }
        match self.operator {
            TolerationOperator::Exists => true,
            TolerationOperator::Equal => self.value == taint.value,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeSelectorOperator {
    In,
    NotIn,
    Exists,
    DoesNotExist,
    Gt,
    Lt,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeSelectorRequirement {
    pub key: Name,
    pub operator: NodeSelectorOperator,
    pub values: Vec<Name>,
}

#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct NodeSelectorTerm {
    pub match_expressions: Vec<NodeSelectorRequirement>,
    pub match_fields: Vec<NodeSelectorRequirement>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PreferredSchedulingTerm {
    pub weight: i32,
    pub preference: NodeSelectorTerm,
}

#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct NodeAffinity {
    /// requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms (ORed).
    pub required: Option<Vec<NodeSelectorTerm>>,
    pub preferred: Vec<PreferredSchedulingTerm>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct PodAffinityTerm {
    pub label_selector: Option<LabelSelector>,
    pub namespaces: Vec<Name>,
    pub namespace_selector: Option<LabelSelector>,
    pub topology_key: Name,
    pub match_label_keys: Vec<Name>,
    pub mismatch_label_keys: Vec<Name>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct WeightedPodAffinityTerm {
    pub weight: i32,
    pub term: PodAffinityTerm,
}

#[derive(Clone, Debug, PartialEq, Default)]
pub struct PodAffinity {
    pub required: Vec<PodAffinityTerm>,
    pub preferred: Vec<WeightedPodAffinityTerm>,
}

#[derive(Clone, Debug, PartialEq, Default)]
pub struct Affinity {
    pub node_affinity: Option<NodeAffinity>,
    pub pod_affinity: Option<PodAffinity>,
    pub pod_anti_affinity: Option<PodAffinity>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnsatisfiableConstraintAction {
    DoNotSchedule,
    ScheduleAnyway,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeInclusionPolicy {
    Honor,
    Ignore,
}

#[derive(Clone, Debug, PartialEq)]
pub struct TopologySpreadConstraint {
    pub max_skew: i32,
    pub topology_key: Name,
    pub when_unsatisfiable: UnsatisfiableConstraintAction,
    pub label_selector: Option<LabelSelector>,
    pub min_domains: Option<i32>,
    pub node_affinity_policy: Option<NodeInclusionPolicy>,
    pub node_taints_policy: Option<NodeInclusionPolicy>,
    pub match_label_keys: Vec<Name>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PreemptionPolicy {
    PreemptLowerPriority,
    Never,
}

impl PreemptionPolicy {
    pub fn as_str(self) -> &'static str {
        match self {
            PreemptionPolicy::PreemptLowerPriority => "PreemptLowerPriority",
            PreemptionPolicy::Never => "Never",
        }
    }
}

/// Volume sources, reduced to what the simulation distinguishes: whether data survives a
/// container restart (every pod volume does) or the pod (only persistent ones).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VolumeSource {
    EmptyDir,
    HostPath {
        path: Name,
    },
    ConfigMap {
        name: Name,
    },
    Secret {
        name: Name,
    },
    PersistentVolumeClaim {
        claim_name: Name,
    },
    /// Any other source; kept by name so mounts still resolve.
    Other,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Volume {
    pub name: Name,
    pub source: VolumeSource,
}

/// core/v1 PodSpec. The fields every pod uses are inline; those most pods leave unset are
/// in `rare` ([`RarePodSpec`]), out of line, so that the stored pod stays small.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct PodSpec {
    pub node_name: Name,
    pub scheduler_name: Name,
    pub containers: Vec<Container>,
    pub restart_policy: RestartPolicy,
    pub termination_grace_period_seconds: i64,
    pub affinity: Option<Box<Affinity>>,
    pub tolerations: Vec<Toleration>,
    pub priority: Option<i32>,
    pub preemption_policy: Option<PreemptionPolicy>,
    pub host_network: bool,
    pub rare: Rare<RarePodSpec>,
}

/// The PodSpec fields most pods leave unset (see [`Rare`]).
#[derive(Clone, Debug, PartialEq, Default)]
pub struct RarePodSpec {
    pub init_containers: Vec<Container>,
    pub active_deadline_seconds: Option<i64>,
    pub node_selector: StringMap,
    pub priority_class_name: Name,
    pub topology_spread_constraints: Vec<TopologySpreadConstraint>,
    pub volumes: Vec<Volume>,
    pub hostname: Name,
    pub subdomain: Name,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, PartialOrd, Ord)]
pub enum PodPhase {
    #[default]
    Pending,
    Running,
    Succeeded,
    Failed,
    Unknown,
}

impl PodPhase {
    pub fn as_str(self) -> &'static str {
        match self {
            PodPhase::Pending => "Pending",
            PodPhase::Running => "Running",
            PodPhase::Succeeded => "Succeeded",
            PodPhase::Failed => "Failed",
            PodPhase::Unknown => "Unknown",
        }
    }
    pub fn parse(s: &str) -> Option<PodPhase> {
        [
            PodPhase::Pending,
            PodPhase::Running,
            PodPhase::Succeeded,
            PodPhase::Failed,
            PodPhase::Unknown,
        ]
        .into_iter()
        .find(|p| p.as_str() == s)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum ConditionStatus {
    True,
    False,
    #[default]
    Unknown,
}

impl ConditionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ConditionStatus::True => "True",
            ConditionStatus::False => "False",
            ConditionStatus::Unknown => "Unknown",
        }
    }
    pub fn parse(s: &str) -> Option<ConditionStatus> {
        match s {
            "True" => Some(ConditionStatus::True),
            "False" => Some(ConditionStatus::False),
            "Unknown" => Some(ConditionStatus::Unknown),
            _ => None,
        }
    }
}

/// A status condition (PodCondition, NodeCondition, DeploymentCondition, JobCondition, ...):
/// the shape they share. A running pod carries four or five, whose reason and message are
/// empty: those two are kept out of line and cost a null pointer until set (read them with
/// [`Condition::reason`] and [`Condition::message`], set them with [`Condition::set_reason`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Condition {
    pub type_: Name,
    pub status: ConditionStatus,
    pub last_transition_time: Option<SimTime>,
    /// lastHeartbeatTime (nodes) / lastUpdateTime (deployments) / lastProbeTime (pods, jobs).
    pub last_update_time: Option<SimTime>,
    /// None when both are empty.
    reason_message: Option<Box<ReasonMessage>>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct ReasonMessage {
    reason: Name,
    message: Name,
}

impl Condition {
    /// A condition without reason, message or times.
    pub fn new(type_: impl Into<Name>, status: ConditionStatus) -> Condition {
        Condition {
            type_: type_.into(),
            status,
            last_transition_time: None,
            last_update_time: None,
            reason_message: None,
        }
    }
    /// The condition with its times set.
    pub fn with_times(
        mut self,
        last_transition_time: Option<SimTime>,
        last_update_time: Option<SimTime>,
    ) -> Self {
        self.last_transition_time = last_transition_time;
        self.last_update_time = last_update_time;
        self
    }
    /// The condition with `reason` and `message` set.
    pub fn with_reason(mut self, reason: impl Into<Name>, message: impl Into<Name>) -> Self {
        self.set_reason(reason, message);
        self
    }
    /// Sets the machine-readable reason and the human-readable message (empty clears).
    pub fn set_reason(&mut self, reason: impl Into<Name>, message: impl Into<Name>) {
        let (reason, message) = (reason.into(), message.into());
        self.reason_message = if reason.is_empty() && message.is_empty() {
            None
        } else {
            Some(Box::new(ReasonMessage { reason, message }))
        };
    }
    /// The machine-readable reason for the last transition; empty when unset.
    pub fn reason(&self) -> &str {
        self.reason_message.as_ref().map_or("", |r| &r.reason)
    }
    /// The human-readable message about the last transition; empty when unset.
    pub fn message(&self) -> &str {
        self.reason_message.as_ref().map_or("", |r| &r.message)
    }
}

/// Finds a condition by type in a condition list.
/// GetZoneKey (staging/src/k8s.io/component-helpers/node/topology/helpers.go): a node's
/// region and zone labels (GA, then the beta failure-domain ones) as `region:\0:zone`, empty
/// when the node has neither. The node lifecycle controller's zones and the scheduler's node
/// tree both key on it.
pub fn zone_key(node: &Object) -> String {
    let labels = &node.meta.labels;
    let get = |ga: &str, beta: &str| labels.get(ga).or_else(|| labels.get(beta)).unwrap_or("");
    let region = get(
        "topology.kubernetes.io/region",
        "failure-domain.beta.kubernetes.io/region",
    );
    let zone = get(
        "topology.kubernetes.io/zone",
        "failure-domain.beta.kubernetes.io/zone",
    );
    if region.is_empty() && zone.is_empty() {
        return String::new();
    }
    format!("{region}:\x00:{zone}")
}

pub fn find_condition<'a>(conditions: &'a [Condition], type_: &str) -> Option<&'a Condition> {
    conditions.iter().find(|c| c.type_ == type_)
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ContainerState {
    Waiting {
        reason: Name,
        message: Name,
    },
    Running {
        started_at: SimTime,
    },
    Terminated {
        exit_code: i32,
        reason: Name,
        message: Name,
        started_at: Option<SimTime>,
        finished_at: SimTime,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContainerStatus {
    pub name: Name,
    pub image: Name,
    pub ready: bool,
    pub started: Option<bool>,
    pub restart_count: i32,
    pub state: ContainerState,
    /// Boxed: only a restarted container has one.
    pub last_state: Option<Box<ContainerState>>,
}

/// core/v1 PodStatus; the fields most pods leave unset are in `rare` ([`RarePodStatus`]).
#[derive(Clone, Debug, PartialEq, Default)]
pub struct PodStatus {
    pub phase: PodPhase,
    pub conditions: Vec<Condition>,
    pub host_ip: Name,
    pub pod_ip: Name,
    pub start_time: Option<SimTime>,
    pub container_statuses: Vec<ContainerStatus>,
    pub rare: Rare<RarePodStatus>,
}

/// The PodStatus fields most pods leave unset (see [`Rare`]).
#[derive(Clone, Debug, PartialEq, Default)]
pub struct RarePodStatus {
    pub init_container_statuses: Vec<ContainerStatus>,
    /// Why the pod is in its phase (`Evicted`, `DeadlineExceeded`, ...).
    pub reason: Name,
    pub message: Name,
    pub nominated_node_name: Name,
}

#[derive(Clone, Debug, PartialEq, Default)]
pub struct Pod {
    pub spec: PodSpec,
    pub status: PodStatus,
}

impl Pod {
    /// See [`Object::shrink_to_fit`].
    pub fn shrink_to_fit(&mut self) {
        fn containers(cs: &mut Vec<Container>) {
            cs.shrink_to_fit();
            for c in cs {
                c.ports.shrink_to_fit();
            }
        }
        let spec = &mut self.spec;
        containers(&mut spec.containers);
        spec.tolerations.shrink_to_fit();
        spec.rare.compact();
        if let Some(rare) = spec.rare.get_mut() {
            containers(&mut rare.init_containers);
            rare.topology_spread_constraints.shrink_to_fit();
            rare.volumes.shrink_to_fit();
        }
        let status = &mut self.status;
        status.conditions.shrink_to_fit();
        status.container_statuses.shrink_to_fit();
        status.rare.compact();
        if let Some(rare) = status.rare.get_mut() {
            rare.init_container_statuses.shrink_to_fit();
        }
    }
}

/// PodTemplateSpec: the metadata a template may carry, and the pod spec. Workloads hold it
/// boxed, so that an object's size is set by the Pod, the kind stored by the thousand.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct PodTemplateSpec {
    pub labels: StringMap,
    pub annotations: StringMap,
    pub spec: PodSpec,
}

// ---------------------------------------------------------------------------------------------
// Out-of-line groups of rarely set fields

/// A group of fields that most objects leave unset, stored out of line: an unset group costs
/// one null pointer in the object instead of the fields' full size. Reads see the defaults
/// until a field is written (`pod.spec.rare.volumes.iter()`); a write allocates the group
/// (`pod.spec.rare.hostname = ...`). An allocated group equal to the defaults compares equal
/// to an unset one, and [`Rare::compact`] frees it.
#[derive(Clone, Default)]
pub struct Rare<T>(Option<Box<T>>);

/// A type usable as a [`Rare`] group: it has a shared all-defaults value for reads of an unset
/// group.
pub trait RareGroup: Default + PartialEq + 'static {
    fn defaults() -> &'static Self;
}

impl<T: RareGroup> Rare<T> {
    /// Holds `group` out of line, or nothing when it is all defaults.
    pub fn new(group: T) -> Self {
        let mut r = Rare(Some(Box::new(group)));
        r.compact();
        r
    }
    /// Whether the group is allocated (some field may be set).
    pub fn is_set(&self) -> bool {
        self.0.is_some()
    }
    /// The group for writing in place, without allocating an unset one.
    pub fn get_mut(&mut self) -> Option<&mut T> {
        self.0.as_deref_mut()
    }
    /// Frees the group if it is back to all defaults.
    pub fn compact(&mut self) {
        if self.0.as_deref().is_some_and(|g| g == T::defaults()) {
            self.0 = None;
        }
    }
}

impl<T: RareGroup> std::ops::Deref for Rare<T> {
    type Target = T;
    fn deref(&self) -> &T {
        self.0.as_deref().unwrap_or_else(|| T::defaults())
    }
}

impl<T: RareGroup> std::ops::DerefMut for Rare<T> {
    fn deref_mut(&mut self) -> &mut T {
        self.0.get_or_insert_with(Default::default)
    }
}

impl<T: RareGroup> PartialEq for Rare<T> {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl<T: RareGroup + std::fmt::Debug> std::fmt::Debug for Rare<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        (**self).fmt(f)
    }
}

macro_rules! rare_group {
    ($($t:ty),*) => {$(
        impl RareGroup for $t {
            fn defaults() -> &'static Self {
                static DEFAULTS: std::sync::LazyLock<$t> = std::sync::LazyLock::new(Default::default);
                &DEFAULTS
            }
        }
    )*};
}

rare_group!(RarePodSpec, RarePodStatus);

// ---------------------------------------------------------------------------------------------
// Nodes and namespaces

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeAddress {
    pub type_: Name,
    pub address: Name,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContainerImage {
    pub names: Vec<Name>,
    pub size_bytes: i64,
}

#[derive(Clone, Debug, PartialEq, Default)]
pub struct NodeSpec {
    pub unschedulable: bool,
    pub taints: Vec<Taint>,
    pub pod_cidr: Name,
    pub provider_id: Name,
}

#[derive(Clone, Debug, PartialEq, Default)]
pub struct NodeStatus {
    pub capacity: ResourceList,
    pub allocatable: ResourceList,
    pub conditions: Vec<Condition>,
    pub addresses: Vec<NodeAddress>,
    pub images: Vec<ContainerImage>,
}

#[derive(Clone, Debug, PartialEq, Default)]
pub struct Node {
    pub spec: NodeSpec,
    pub status: NodeStatus,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum NamespacePhase {
    #[default]
    Active,
    Terminating,
}

#[derive(Clone, Debug, PartialEq, Default)]
pub struct Namespace {
    pub phase: NamespacePhase,
}

// ---------------------------------------------------------------------------------------------
// Services and endpoints

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum ServiceType {
    #[default]
    ClusterIP,
    NodePort,
    LoadBalancer,
    ExternalName,
}

impl ServiceType {
    pub fn as_str(self) -> &'static str {
        match self {
            ServiceType::ClusterIP => "ClusterIP",
            ServiceType::NodePort => "NodePort",
            ServiceType::LoadBalancer => "LoadBalancer",
            ServiceType::ExternalName => "ExternalName",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServicePort {
    pub name: Name,
    pub protocol: Protocol,
    pub port: i32,
    pub target_port: IntOrString,
    /// 0 when unset.
    pub node_port: i32,
}

#[derive(Clone, Debug, PartialEq, Default)]
pub struct Service {
    pub type_: ServiceType,
    /// None: a Service without a selector (endpoints managed by hand).
    pub selector: Option<StringMap>,
    pub ports: Vec<ServicePort>,
    pub cluster_ip: Name,
    pub external_name: Name,
    pub session_affinity_client_ip: bool,
    /// externalTrafficPolicy: Local.
    pub external_traffic_policy_local: bool,
    /// internalTrafficPolicy: Local.
    pub internal_traffic_policy_local: bool,
    pub publish_not_ready_addresses: bool,
    pub load_balancer_ingress: Vec<Name>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObjectReference {
    pub kind: Name,
    pub namespace: Name,
    pub name: Name,
    pub uid: Uid,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EndpointAddress {
    pub ip: Name,
    pub hostname: Name,
    pub node_name: Name,
    pub target_ref: Option<ObjectReference>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EndpointPort {
    pub name: Name,
    pub port: i32,
    pub protocol: Protocol,
}

#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct EndpointSubset {
    pub addresses: Vec<EndpointAddress>,
    pub not_ready_addresses: Vec<EndpointAddress>,
    pub ports: Vec<EndpointPort>,
}

#[derive(Clone, Debug, PartialEq, Default)]
pub struct Endpoints {
    pub subsets: Vec<EndpointSubset>,
}

// ---------------------------------------------------------------------------------------------
// Workloads

/// Status shared by ReplicationController and ReplicaSet.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct ReplicaSetStatus {
    pub replicas: i32,
    pub fully_labeled_replicas: i32,
    pub ready_replicas: i32,
    pub available_replicas: i32,
    pub terminating_replicas: Option<i32>,
    pub observed_generation: i64,
    pub conditions: Vec<Condition>,
}

#[derive(Clone, Debug, PartialEq, Default)]
pub struct ReplicationController {
    pub replicas: i32,
    /// Map-form selector; defaulted from the template's labels.
    pub selector: StringMap,
    pub template: Option<Box<PodTemplateSpec>>,
    pub min_ready_seconds: i32,
    pub status: ReplicaSetStatus,
}

#[derive(Clone, Debug, PartialEq, Default)]
pub struct ReplicaSet {
    pub replicas: i32,
    pub selector: LabelSelector,
    pub template: Box<PodTemplateSpec>,
    pub min_ready_seconds: i32,
    pub status: ReplicaSetStatus,
}

#[derive(Clone, Debug, PartialEq)]
pub enum DeploymentStrategy {
    Recreate,
    RollingUpdate {
        max_surge: IntOrString,
        max_unavailable: IntOrString,
    },
}

#[derive(Clone, Debug, PartialEq, Default)]
pub struct DeploymentStatus {
    pub observed_generation: i64,
    pub replicas: i32,
    pub updated_replicas: i32,
    pub ready_replicas: i32,
    pub available_replicas: i32,
    pub unavailable_replicas: i32,
    pub terminating_replicas: Option<i32>,
    pub conditions: Vec<Condition>,
    pub collision_count: Option<i32>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Deployment {
    pub replicas: i32,
    pub selector: LabelSelector,
    pub template: Box<PodTemplateSpec>,
    pub strategy: DeploymentStrategy,
    pub min_ready_seconds: i32,
    /// None: keep every old ReplicaSet (the extensions/v1beta1 default).
    pub revision_history_limit: Option<i32>,
    pub paused: bool,
    /// None: no deadline (the extensions/v1beta1 default).
    pub progress_deadline_seconds: Option<i32>,
    /// extensions/v1beta1 and apps/v1beta1 `spec.rollbackTo.revision` (0 = previous).
    pub rollback_to: Option<i64>,
    pub status: DeploymentStatus,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum CompletionMode {
    #[default]
    NonIndexed,
    Indexed,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PodReplacementPolicy {
    TerminatingOrFailed,
    Failed,
}

#[derive(Clone, Debug, PartialEq, Default)]
pub struct JobStatus {
    pub conditions: Vec<Condition>,
    pub start_time: Option<SimTime>,
    pub completion_time: Option<SimTime>,
    pub active: i32,
    pub succeeded: i32,
    pub failed: i32,
    pub terminating: Option<i32>,
    pub ready: Option<i32>,
    pub completed_indexes: Name,
}

#[derive(Clone, Debug, PartialEq, Default)]
pub struct Job {
    pub parallelism: i32,
    pub completions: Option<i32>,
    pub active_deadline_seconds: Option<i64>,
    pub backoff_limit: i32,
    pub selector: Option<LabelSelector>,
    pub manual_selector: bool,
    pub template: Box<PodTemplateSpec>,
    pub ttl_seconds_after_finished: Option<i32>,
    pub completion_mode: CompletionMode,
    pub suspend: bool,
    pub pod_replacement_policy: Option<PodReplacementPolicy>,
    pub status: JobStatus,
}

// ---------------------------------------------------------------------------------------------
// Events

#[derive(Clone, Debug, PartialEq, Default)]
pub struct Event {
    pub involved_object: Option<ObjectReference>,
    pub reason: Name,
    pub message: Name,
    /// `Normal` or `Warning`.
    pub type_: Name,
    pub count: i32,
    pub first_timestamp: Option<SimTime>,
    pub last_timestamp: Option<SimTime>,
    pub source_component: Name,
    pub source_host: Name,
}

// ---------------------------------------------------------------------------------------------
// Leases

/// coordination.k8s.io/v1 Lease (its spec; a Lease has no status). Kubelets renew one per node
/// in `kube-node-lease` as their heartbeat; leader election uses them too. Times are
/// metav1.MicroTime (microsecond precision when rendered).
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Lease {
    /// Empty when unset (upstream's nil pointer; an explicit "" is not distinguished).
    pub holder_identity: Name,
    pub lease_duration_seconds: Option<i32>,
    pub acquire_time: Option<SimTime>,
    pub renew_time: Option<SimTime>,
    pub lease_transitions: Option<i32>,
}

// ---------------------------------------------------------------------------------------------
// PriorityClasses

/// scheduling.k8s.io/v1 PriorityClass: maps a class name to the priority the Priority admission
/// plugin gives pods naming it (pkg/apis/scheduling/types.go).
#[derive(Clone, Debug, PartialEq, Default)]
pub struct PriorityClass {
    pub value: i32,
    /// Pods without a priorityClassName get this class (the lowest-valued one if several are).
    pub global_default: bool,
    /// Defaulted to PreemptLowerPriority (pkg/apis/scheduling/v1/defaults.go); `None` only
    /// for objects built in code before the API server defaults them.
    pub preemption_policy: Option<PreemptionPolicy>,
    pub description: Name,
}

/// The highest value a user-defined class may have; values above it are kept for the built-in
/// classes (pkg/apis/scheduling/types.go).
pub const HIGHEST_USER_DEFINABLE_PRIORITY: i32 = 1_000_000_000;
pub const SYSTEM_CRITICAL_PRIORITY: i32 = 2 * HIGHEST_USER_DEFINABLE_PRIORITY;
/// The name prefix reserved for the built-in classes.
pub const SYSTEM_PRIORITY_CLASS_PREFIX: &str = "system-";
pub const SYSTEM_CLUSTER_CRITICAL: &str = "system-cluster-critical";
pub const SYSTEM_NODE_CRITICAL: &str = "system-node-critical";
/// A pod's priority when it names no class and no class is the global default.
pub const DEFAULT_PRIORITY_WHEN_NO_DEFAULT_CLASS_EXISTS: i32 = 0;

/// The built-in PriorityClasses every API server has from startup
/// (pkg/apis/scheduling/v1/helpers.go systemPriorityClasses), as name, value and description.
pub const SYSTEM_PRIORITY_CLASSES: [(&str, i32, &str); 2] = [
    (
        SYSTEM_NODE_CRITICAL,
        SYSTEM_CRITICAL_PRIORITY + 1000,
        "Used for system critical pods that must not be moved from their current node.",
    ),
    (
        SYSTEM_CLUSTER_CRITICAL,
        SYSTEM_CRITICAL_PRIORITY,
        "Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.",
    ),
];

/// IsKnownSystemPriorityClass: whether `name` is a built-in class with exactly this value and
/// globalDefault; the error says which of them differs.
pub fn is_known_system_priority_class(
    name: &str,
    value: i32,
    global_default: bool,
) -> Result<(), String> {
    match SYSTEM_PRIORITY_CLASSES.iter().find(|(n, _, _)| *n == name) {
        None => Err(format!("{name} is not a known system priority class")),
        Some((n, v, _)) if *v != value => Err(format!("value of {n} PriorityClass must be {v}")),
        // No built-in class is the global default.
        Some((n, _, _)) if global_default => {
            Err(format!("globalDefault of {n} PriorityClass must be false"))
        }
        Some(_) => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_maps_stay_sorted_and_exact() {
        let mut m: StringMap = [("b", "1"), ("a", "2"), ("b", "3")].into_iter().collect();
        assert_eq!(m.to_string(), "a=2,b=3");
        assert_eq!(m.insert("c", "4"), None);
        assert_eq!(m.insert("a", "5"), Some("2".into()));
        assert_eq!(m.remove("b"), Some("3".into()));
        assert_eq!(m.remove("z"), None);
        assert_eq!(m.to_string(), "a=5,c=4");
        assert_eq!(m.len(), 2);

        let mut r = ResourceList::new();
        r.set(ResourceName::Memory, 1);
        r.set(ResourceName::Cpu, 2);
        r.set(ResourceName::Memory, 3);
        let entries: Vec<_> = r.iter().map(|(n, v)| (n.as_str(), v)).collect();
        assert_eq!(entries, [("cpu", 2), ("memory", 3)]);
    }

    #[test]
    fn rare_groups_read_as_defaults_until_written() {
        let mut spec = PodSpec::default();
        assert!(spec.rare.volumes.is_empty());
        assert_eq!(spec.rare.hostname, "");
        assert!(!spec.rare.is_set(), "reads do not allocate");
        assert!(spec.rare.get_mut().is_none());

        spec.rare.hostname = "web-0".into();
        assert!(spec.rare.is_set());
        assert_eq!(spec.rare.hostname, "web-0");
        assert_ne!(spec, PodSpec::default());

        // Back at the defaults: equal to an unset group, and compact frees it.
        spec.rare.hostname = Name::default();
        assert_eq!(spec, PodSpec::default());
        assert!(spec.rare.is_set());
        spec.rare.compact();
        assert!(!spec.rare.is_set());

        assert!(!Rare::new(RarePodStatus::default()).is_set());
        let named = Rare::new(RarePodStatus {
            nominated_node_name: "n1".into(),
            ..Default::default()
        });
        assert_eq!(named.nominated_node_name, "n1");
    }

    #[test]
    fn shrink_to_fit_trims_a_pod() {
        let mut obj = Object {
            meta: ObjectMeta::default(),
            body: Body::Pod(Pod::default()),
        };
        let Body::Pod(p) = &mut obj.body else {
            unreachable!()
        };
        p.status.conditions.push(
            Condition::new(Name::new_static("PodScheduled"), ConditionStatus::True)
                .with_times(Some(0), None),
        );
        p.status.rare.reason = Name::default();
        assert!(p.status.conditions.capacity() > 1);
        obj.shrink_to_fit();
        let p = obj.as_pod().unwrap();
        assert_eq!(p.status.conditions.capacity(), 1);
        assert!(!p.status.rare.is_set());
    }
}
