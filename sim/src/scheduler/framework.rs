//! The scheduling framework's data model and extension points: pod and node infos, statuses,
//! cycle state and the `Plugin` trait every plugin (upstream or custom) implements.
//! Mirrors pkg/scheduler/framework/{interface.go,types.go,cycle_state.go}.

use std::any::Any;
use std::collections::BTreeMap;
use std::sync::Arc;

use crate::api::resource::pod_requests;
use crate::api::types::{
    Body, Name, Node, Object, Pod, PodSpec, Protocol, ResourceList, ResourceName, Taint,
};
use crate::engine::SimTime;

/// The highest score a Score plugin may return after normalization
/// (pkg/scheduler/framework/interface.go: MaxNodeScore).
pub const MAX_NODE_SCORE: i64 = 100;
/// The lowest (MinNodeScore).
pub const MIN_NODE_SCORE: i64 = 0;

/// Requests assumed for scoring when a container omits them
/// (pkg/scheduler/util/pod_resources.go: DefaultMilliCPURequest, DefaultMemoryRequest).
pub const DEFAULT_MILLI_CPU_REQUEST: i64 = 100;
pub const DEFAULT_MEMORY_REQUEST: i64 = 200 * 1024 * 1024;

// ---------------------------------------------------------------------------------------------
// Resources

/// framework.Resource: the resources a node offers or pods request, as integers.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Resource {
    pub milli_cpu: i64,
    pub memory: i64,
    pub ephemeral_storage: i64,
    pub allowed_pod_number: i64,
    /// Extended resources and hugepages, sorted by name.
    pub scalar: Vec<(Name, i64)>,
}

impl Resource {
    /// NewResource: from a ResourceList (`pods` becomes `allowed_pod_number`).
    pub fn from_list(list: &ResourceList) -> Resource {
        let mut r = Resource::default();
        for (name, v) in list.iter() {
            r.add_one(name, v);
        }
        r
    }

    fn add_one(&mut self, name: &ResourceName, v: i64) {
        match name {
            ResourceName::Cpu => self.milli_cpu += v,
            ResourceName::Memory => self.memory += v,
            ResourceName::EphemeralStorage => self.ephemeral_storage += v,
            ResourceName::Pods => self.allowed_pod_number += v,
            ResourceName::Other(n) => match self.scalar.binary_search_by(|(k, _)| k.cmp(n)) {
                Ok(i) => self.scalar[i].1 += v,
                Err(i) => self.scalar.insert(i, (n.clone(), v)),
            },
        }
    }

    pub fn add(&mut self, other: &Resource) {
        self.milli_cpu += other.milli_cpu;
        self.memory += other.memory;
        self.ephemeral_storage += other.ephemeral_storage;
        self.allowed_pod_number += other.allowed_pod_number;
        for (n, v) in &other.scalar {
            self.add_one(&ResourceName::Other(n.clone()), *v);
        }
    }

    pub fn sub(&mut self, other: &Resource) {
        self.milli_cpu -= other.milli_cpu;
        self.memory -= other.memory;
        self.ephemeral_storage -= other.ephemeral_storage;
        self.allowed_pod_number -= other.allowed_pod_number;
        for (n, v) in &other.scalar {
            self.add_one(&ResourceName::Other(n.clone()), -*v);
        }
    }

    /// The amount of one resource (0 when absent).
    pub fn get(&self, name: &ResourceName) -> i64 {
        match name {
            ResourceName::Cpu => self.milli_cpu,
            ResourceName::Memory => self.memory,
            ResourceName::EphemeralStorage => self.ephemeral_storage,
            ResourceName::Pods => self.allowed_pod_number,
            ResourceName::Other(n) => self.scalar_value(n),
        }
    }

    pub fn scalar_value(&self, name: &str) -> i64 {
        self.scalar
            .iter()
            .find(|(k, _)| k == name)
            .map_or(0, |(_, v)| *v)
    }
}

// ---------------------------------------------------------------------------------------------
// Pods

/// A host port a pod asks for (framework.HostPortInfo keys: ip, protocol, port).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct HostPort {
    /// `0.0.0.0` when the manifest leaves hostIP empty (DefaultBindAllHostIP).
    pub ip: Name,
    pub protocol: Protocol,
    pub port: i32,
}

impl HostPort {
    /// HostPortInfo.CheckConflict: same protocol and port, and either IP is the wildcard or
    /// both are equal.
    pub fn conflicts(&self, other: &HostPort) -> bool {
        self.port == other.port
            && self.protocol == other.protocol
            && (self.ip == other.ip || self.ip == "0.0.0.0" || other.ip == "0.0.0.0")
    }
}

/// framework.PodInfo: a pod plus what the scheduler computes from it once.
#[derive(Clone, Debug)]
pub struct PodInfo {
    pub pod: Arc<Object>,
    /// resourcehelper.PodRequests (init containers and sidecars included).
    pub requests: Resource,
    /// The same with DEFAULT_MILLI_CPU_REQUEST / DEFAULT_MEMORY_REQUEST substituted per container
    /// where a request is omitted (GetNonzeroRequests), used only for scoring.
    pub non_zero_milli_cpu: i64,
    pub non_zero_memory: i64,
    pub host_ports: Vec<HostPort>,
}

impl PodInfo {
    /// Panics if `pod` is not a Pod: callers build PodInfos from pod informers only.
    pub fn new(pod: Arc<Object>) -> PodInfo {
        let spec = &pod_of(&pod).spec;
        let requests = Resource::from_list(&pod_requests(spec));
        let (non_zero_milli_cpu, non_zero_memory) = non_zero_requests(spec);
        let mut host_ports = Vec::new();
        for c in &spec.containers {
            for p in &c.ports {
                if p.host_port > 0 {
                    let ip = if p.host_ip.is_empty() {
                        Name::new_static("0.0.0.0")
                    } else {
                        p.host_ip.clone()
                    };
                    host_ports.push(HostPort {
                        ip,
                        protocol: p.protocol,
                        port: p.host_port,
                    });
                }
            }
        }
        PodInfo {
            pod,
            requests,
            non_zero_milli_cpu,
            non_zero_memory,
            host_ports,
        }
    }

    pub fn name(&self) -> &str {
        &self.pod.meta.name
    }
    pub fn namespace(&self) -> &str {
        &self.pod.meta.namespace
    }
    pub fn body(&self) -> &Pod {
        pod_of(&self.pod)
    }
    pub fn spec(&self) -> &PodSpec {
        &self.body().spec
    }
    /// Whether the pod has pod affinity or anti-affinity terms (required or preferred).
    pub fn has_affinity(&self) -> bool {
        self.spec()
            .affinity
            .as_ref()
            .is_some_and(|a| a.pod_affinity.is_some() || a.pod_anti_affinity.is_some())
    }
    /// Whether the pod has required anti-affinity terms.
    pub fn has_required_anti_affinity(&self) -> bool {
        self.spec()
            .affinity
            .as_ref()
            .and_then(|a| a.pod_anti_affinity.as_ref())
            .is_some_and(|a| !a.required.is_empty())
    }
    pub fn priority(&self) -> i32 {
        self.spec().priority.unwrap_or(0)
    }
}

fn pod_of(obj: &Object) -> &Pod {
    match &obj.body {
        Body::Pod(p) => p,
        _ => panic!("PodInfo built from a {} object", obj.kind()),
    }
}

/// GetNonzeroRequests over the pod: per container, an omitted CPU or memory request counts
/// as the default (pkg/scheduler/util/pod_resources.go, GetNonzeroRequestForResource); init
/// containers as resourcehelper.PodRequests with NonMissingContainerRequests does.
pub fn non_zero_requests(spec: &PodSpec) -> (i64, i64) {
    let nz = |list: &ResourceList| {
        (
            list.cpu_milli().unwrap_or(DEFAULT_MILLI_CPU_REQUEST),
            list.memory().unwrap_or(DEFAULT_MEMORY_REQUEST),
        )
    };
    let (mut cpu, mut mem) = (0, 0);
    for c in &spec.containers {
        let (c_cpu, c_mem) = nz(&c.resources.requests);
        cpu += c_cpu;
        mem += c_mem;
    }
    let (mut side_cpu, mut side_mem) = (0, 0);
    for c in &spec.rare.init_containers {
        let (c_cpu, c_mem) = nz(&c.resources.requests);
        if c.restart_policy == Some(crate::api::types::RestartPolicy::Always) {
            side_cpu += c_cpu;
            side_mem += c_mem;
            cpu += c_cpu;
            mem += c_mem;
        } else {
            cpu = cpu.max(c_cpu + side_cpu);
            mem = mem.max(c_mem + side_mem);
        }
    }
    (cpu, mem)
}

// ---------------------------------------------------------------------------------------------
// Nodes

/// framework.NodeInfo: a node and the pods the scheduler believes are on it (bound and
/// assumed), with their aggregates kept incrementally.
#[derive(Clone, Debug)]
pub struct NodeInfo {
    pub node: Arc<Object>,
    /// `spec.unschedulable` and `spec.taints`, copied out of the node object so that the
    /// per-node filters read them from here (the node object is cold in the cache).
    pub unschedulable: bool,
    pub taints: Box<[Taint]>,
    pub pods: Vec<Arc<PodInfo>>,
    /// The subset of `pods` with pod (anti-)affinity, for InterPodAffinity.
    pub pods_with_affinity: Vec<Arc<PodInfo>>,
    pub pods_with_required_anti_affinity: Vec<Arc<PodInfo>>,
    pub used_ports: Vec<HostPort>,
    /// Sum of the pods' requests.
    pub requested: Resource,
    /// Sum of the pods' non-zero requests (only CPU and memory are kept).
    pub non_zero_requested: Resource,
    pub allocatable: Resource,
    /// Image sizes on the node by every name they are known under (normalized with
    /// `:latest`). How many nodes have each image is kept by the snapshot
    /// (`Snapshot::image_num_nodes`), not here, so adding a node touches no other node.
    pub image_states: BTreeMap<Name, i64>,
    /// The node's values of [`WELL_KNOWN_TOPOLOGY_KEYS`], copied out of its labels so that
    /// topology spreading reads them without searching the label map.
    pub topology_values: [Option<Name>; 2],
    /// A new value from [`next_generation`] on every change, unique across all NodeInfos
    /// (upstream's nextGeneration), so a generation names one content of one node.
    pub generation: u64,
}

/// The topology keys NodeInfo keeps at hand: `kubernetes.io/hostname` and
/// `topology.kubernetes.io/zone` (the system default spreading constraints' keys).
pub const WELL_KNOWN_TOPOLOGY_KEYS: [&str; 2] =
    ["kubernetes.io/hostname", "topology.kubernetes.io/zone"];

fn topology_values(node: &Object) -> [Option<Name>; 2] {
    WELL_KNOWN_TOPOLOGY_KEYS.map(|k| node.meta.labels.get(k).map(Name::from))
}

/// framework.nextGeneration: a process-wide counter. Its values are never observable in a
/// run's outputs; they only tell cached derivations (PodTopologySpread's counts) apart.
pub fn next_generation() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

impl NodeInfo {
    /// Panics if `node` is not a Node: callers build NodeInfos from node informers only.
    pub fn new(node: Arc<Object>) -> NodeInfo {
        let allocatable = Resource::from_list(&node_of(&node).status.allocatable);
        let spec = &node_of(&node).spec;
        let (unschedulable, taints) = (spec.unschedulable, spec.taints.clone().into_boxed_slice());
        let topology_values = topology_values(&node);
        let mut info = NodeInfo {
            unschedulable,
            taints,
            node,
            pods: Vec::new(),
            pods_with_affinity: Vec::new(),
            pods_with_required_anti_affinity: Vec::new(),
            used_ports: Vec::new(),
            requested: Resource::default(),
            non_zero_requested: Resource::default(),
            allocatable,
            image_states: BTreeMap::new(),
            topology_values,
            generation: next_generation(),
        };
        info.set_images();
        info
    }

    /// Replaces the node object (labels, taints, allocatable, images may have changed).
    pub fn set_node(&mut self, node: Arc<Object>) {
        self.allocatable = Resource::from_list(&node_of(&node).status.allocatable);
        self.unschedulable = node_of(&node).spec.unschedulable;
        self.taints = node_of(&node).spec.taints.clone().into_boxed_slice();
        self.topology_values = topology_values(&node);
        self.node = node;
        self.set_images();
        self.generation = next_generation();
    }

    fn set_images(&mut self) {
        self.image_states.clear();
        for image in &node_of(&self.node).status.images {
            for name in &image.names {
                self.image_states
                    .insert(normalized_image_name(name), image.size_bytes);
            }
        }
    }

    pub fn name(&self) -> &str {
        &self.node.meta.name
    }
    pub fn node(&self) -> &Node {
        node_of(&self.node)
    }
    pub fn labels(&self) -> &crate::api::types::StringMap {
        &self.node.meta.labels
    }

    /// The node's value of label `key`; `well_known` is `key`'s index in
    /// [`WELL_KNOWN_TOPOLOGY_KEYS`], if it is one of them.
    pub fn topology_value(&self, key: &str, well_known: Option<usize>) -> Option<&str> {
        match well_known {
            Some(i) => self.topology_values[i].as_deref(),
            None => self.labels().get(key),
        }
    }

    /// NodeInfo.AddPodInfo.
    pub fn add_pod(&mut self, pod: Arc<PodInfo>) {
        self.requested.add(&pod.requests);
        self.non_zero_requested.milli_cpu += pod.non_zero_milli_cpu;
        self.non_zero_requested.memory += pod.non_zero_memory;
        self.used_ports.extend(pod.host_ports.iter().cloned());
        if pod.has_affinity() {
            self.pods_with_affinity.push(pod.clone());
        }
        if pod.has_required_anti_affinity() {
            self.pods_with_required_anti_affinity.push(pod.clone());
        }
        self.pods.push(pod);
        self.generation = next_generation();
    }

    /// NodeInfo.RemovePod, by UID. Returns whether the pod was there.
    pub fn remove_pod(&mut self, uid: crate::api::types::Uid) -> bool {
        let Some(i) = self.pods.iter().position(|p| p.pod.meta.uid == uid) else {
            return false;
        };
        let pod = self.pods.remove(i);
        self.pods_with_affinity.retain(|p| p.pod.meta.uid != uid);
        self.pods_with_required_anti_affinity
            .retain(|p| p.pod.meta.uid != uid);
        self.requested.sub(&pod.requests);
        self.non_zero_requested.milli_cpu -= pod.non_zero_milli_cpu;
        self.non_zero_requested.memory -= pod.non_zero_memory;
        for port in &pod.host_ports {
            if let Some(j) = self.used_ports.iter().position(|p| p == port) {
                self.used_ports.remove(j);
            }
        }
        self.generation = next_generation();
        true
    }
}

fn node_of(obj: &Object) -> &Node {
    match &obj.body {
        Body::Node(n) => n,
        _ => panic!("NodeInfo built from a {} object", obj.kind()),
    }
}

/// normalizedImageName (imagelocality): an image named without a tag or digest is `:latest`.
pub fn normalized_image_name(name: &str) -> Name {
    let last = name.rsplit('/').next().unwrap_or(name);
    if last.contains(':') || last.contains('@') {
        Name::new(name)
    } else {
        Name::new(format!("{name}:latest"))
    }
}

// ---------------------------------------------------------------------------------------------
// The snapshot plugins see

/// The cluster as one scheduling cycle sees it (framework.SharedLister): every node in the
/// node tree's zone-interleaved order, with its pods.
#[derive(Clone, Debug, Default)]
pub struct Snapshot {
    pub nodes: Vec<NodeInfo>,
    /// Objects some plugins look up beyond nodes and pods (the informer listers upstream
    /// plugins take from the handle).
    pub listers: Listers,
    index: BTreeMap<Name, usize>,
    /// How many nodes have each image (createImageExistenceMap).
    image_num_nodes: BTreeMap<Name, i32>,
    /// Pods with pod (anti-)affinity and with required anti-affinity over all nodes
    /// (upstream keeps the lists havePodsWithAffinityNodeInfoList and
    /// havePodsWithRequiredAntiAffinityNodeInfoList), so InterPodAffinity can skip its
    /// per-node scan when there are none.
    num_pods_with_affinity: usize,
    num_pods_with_required_anti_affinity: usize,
}

/// The listers plugins use: Services, ReplicationControllers and ReplicaSets for
/// PodTopologySpread's system default constraints (helper.DefaultSelector), and namespace
/// labels for InterPodAffinity's namespaceSelector. Kept sorted by namespace and name.
#[derive(Clone, Debug, Default)]
pub struct Listers {
    pub services: Vec<Arc<Object>>,
    pub replication_controllers: Vec<Arc<Object>>,
    pub replica_sets: Vec<Arc<Object>>,
    pub namespaces: Vec<Arc<Object>>,
}

impl Snapshot {
    /// Builds a snapshot from node infos in the given order.
    pub fn new(nodes: Vec<NodeInfo>) -> Snapshot {
        let mut snapshot = Snapshot::default();
        for n in nodes {
            snapshot.push(n);
        }
        snapshot
    }

    pub fn get(&self, node: &str) -> Option<&NodeInfo> {
        self.index.get(node).map(|&i| &self.nodes[i])
    }
    /// Adds a pod to a node (NodeInfo.AddPod). Returns false if the node is unknown.
    pub fn add_pod(&mut self, node: &str, pod: Arc<PodInfo>) -> bool {
        let Some(&i) = self.index.get(node) else {
            return false;
        };
        self.num_pods_with_affinity += pod.has_affinity() as usize;
        self.num_pods_with_required_anti_affinity += pod.has_required_anti_affinity() as usize;
        self.nodes[i].add_pod(pod);
        true
    }

    /// Removes a pod from a node by UID. Returns whether it was there.
    pub fn remove_pod(&mut self, node: &str, uid: crate::api::types::Uid) -> bool {
        let Some(&i) = self.index.get(node) else {
            return false;
        };
        let Some(pod) = self.nodes[i]
            .pods
            .iter()
            .find(|p| p.pod.meta.uid == uid)
            .cloned()
        else {
            return false;
        };
        self.num_pods_with_affinity -= pod.has_affinity() as usize;
        self.num_pods_with_required_anti_affinity -= pod.has_required_anti_affinity() as usize;
        self.nodes[i].remove_pod(uid)
    }

    /// Pods with pod affinity or anti-affinity terms, over all nodes.
    pub fn num_pods_with_affinity(&self) -> usize {
        self.num_pods_with_affinity
    }
    /// Pods with required anti-affinity terms, over all nodes.
    pub fn num_pods_with_required_anti_affinity(&self) -> usize {
        self.num_pods_with_required_anti_affinity
    }
    pub fn position(&self, node: &str) -> Option<usize> {
        self.index.get(node).copied()
    }
    pub fn len(&self) -> usize {
        self.nodes.len()
    }
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }
    /// How many nodes have the image (by normalized name).
    pub fn image_num_nodes(&self, image: &str) -> i32 {
        self.image_num_nodes.get(image).copied().unwrap_or(0)
    }

    /// Appends a node (the caller keeps node-tree order).
    pub fn push(&mut self, info: NodeInfo) {
        self.count_images(&info, 1);
        self.num_pods_with_affinity += info.pods_with_affinity.len();
        self.num_pods_with_required_anti_affinity += info.pods_with_required_anti_affinity.len();
        self.index.insert(Name::new(info.name()), self.nodes.len());
        self.nodes.push(info);
    }

    /// Replaces the node object of a node already in the snapshot.
    pub fn update_node(&mut self, node: Arc<Object>) {
        let Some(i) = self.position(&node.meta.name) else {
            return;
        };
        let old = std::mem::take(&mut self.nodes[i].image_states);
        for name in old.keys() {
            if let Some(c) = self.image_num_nodes.get_mut(name) {
                *c -= 1;
            }
        }
        self.nodes[i].set_node(node);
        let info = std::mem::take(&mut self.nodes[i].image_states);
        for name in info.keys() {
            *self.image_num_nodes.entry(name.clone()).or_insert(0) += 1;
        }
        self.nodes[i].image_states = info;
    }

    /// Removes a node, keeping the order of the others. Returns its info.
    pub fn remove(&mut self, node: &str) -> Option<NodeInfo> {
        let i = self.index.remove(node)?;
        let info = self.nodes.remove(i);
        self.count_images(&info, -1);
        self.num_pods_with_affinity -= info.pods_with_affinity.len();
        self.num_pods_with_required_anti_affinity -= info.pods_with_required_anti_affinity.len();
        for (j, n) in self.nodes.iter().enumerate().skip(i) {
            self.index.insert(Name::new(n.name()), j);
        }
        Some(info)
    }

    fn count_images(&mut self, info: &NodeInfo, delta: i32) {
        for name in info.image_states.keys() {
            *self.image_num_nodes.entry(name.clone()).or_insert(0) += delta;
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Statuses

/// framework.Code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Code {
    Success,
    Error,
    /// The pod does not fit now; preemption may help.
    Unschedulable,
    /// The pod does not fit and preemption cannot help.
    UnschedulableAndUnresolvable,
    Wait,
    /// The plugin has nothing to do for this pod at the following points.
    Skip,
    Pending,
}

impl Code {
    pub fn as_str(self) -> &'static str {
        match self {
            Code::Success => "Success",
            Code::Error => "Error",
            Code::Unschedulable => "Unschedulable",
            Code::UnschedulableAndUnresolvable => "UnschedulableAndUnresolvable",
            Code::Wait => "Wait",
            Code::Skip => "Skip",
            Code::Pending => "Pending",
        }
    }
}

/// framework.Status: a code, the reasons shown to users, and the plugin that failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Status {
    pub code: Code,
    pub reasons: Vec<String>,
    pub plugin: &'static str,
}

impl Status {
    pub const fn success() -> Status {
        Status {
            code: Code::Success,
            reasons: Vec::new(),
            plugin: "",
        }
    }
    pub const fn skip() -> Status {
        Status {
            code: Code::Skip,
            reasons: Vec::new(),
            plugin: "",
        }
    }
    pub fn new(code: Code, reason: impl Into<String>) -> Status {
        Status {
            code,
            reasons: vec![reason.into()],
            plugin: "",
        }
    }
    pub fn unschedulable(reason: impl Into<String>) -> Status {
        Status::new(Code::Unschedulable, reason)
    }
    pub fn unresolvable(reason: impl Into<String>) -> Status {
        Status::new(Code::UnschedulableAndUnresolvable, reason)
    }
    pub fn error(reason: impl Into<String>) -> Status {
        Status::new(Code::Error, reason)
    }
    pub fn with_reasons(code: Code, reasons: Vec<String>) -> Status {
        Status {
            code,
            reasons,
            plugin: "",
        }
    }
    pub fn is_success(&self) -> bool {
        self.code == Code::Success
    }
    pub fn is_skip(&self) -> bool {
        self.code == Code::Skip
    }
    /// IsRejected: Unschedulable, UnschedulableAndUnresolvable or Pending.
    pub fn is_rejected(&self) -> bool {
        matches!(
            self.code,
            Code::Unschedulable | Code::UnschedulableAndUnresolvable | Code::Pending
        )
    }
    /// Status.Message: the reasons joined by ", ".
    pub fn message(&self) -> String {
        self.reasons.join(", ")
    }
}

// ---------------------------------------------------------------------------------------------
// Cycle state

/// Data a plugin keeps for one scheduling cycle. Cloned when preemption simulates removing
/// pods (StateData.Clone).
pub trait StateData: Any {
    fn clone_box(&self) -> Box<dyn StateData>;
    fn as_any(&self) -> &dyn Any;
    fn as_any_mut(&mut self) -> &mut dyn Any;
}

impl<T: Any + Clone> StateData for T {
    fn clone_box(&self) -> Box<dyn StateData> {
        Box::new(self.clone())
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }
}

/// framework.CycleState: per-plugin data written at PreFilter/PreScore and read later in the
/// same cycle, plus which plugins asked to be skipped.
#[derive(Default)]
pub struct CycleState {
    data: Vec<(&'static str, Box<dyn StateData>)>,
    /// Plugins whose PreFilter returned Skip: their Filter is not run.
    pub skip_filter_plugins: Vec<&'static str>,
    /// Plugins whose PreScore returned Skip: their Score is not run.
    pub skip_score_plugins: Vec<&'static str>,
}

impl Clone for CycleState {
    fn clone(&self) -> Self {
        CycleState {
            data: self
                .data
                .iter()
                .map(|(k, v)| (*k, (**v).clone_box()))
                .collect(),
            skip_filter_plugins: self.skip_filter_plugins.clone(),
            skip_score_plugins: self.skip_score_plugins.clone(),
        }
    }
}

impl CycleState {
    pub fn new() -> CycleState {
        CycleState::default()
    }
    pub fn write<T: Any + Clone>(&mut self, key: &'static str, value: T) {
        if let Some(slot) = self.data.iter_mut().find(|(k, _)| *k == key) {
            slot.1 = Box::new(value);
        } else {
            self.data.push((key, Box::new(value)));
        }
    }
    pub fn read<T: Any>(&self, key: &'static str) -> Option<&T> {
        self.data
            .iter()
            .find(|(k, _)| *k == key)
            .and_then(|(_, v)| (**v).as_any().downcast_ref())
    }
    pub fn read_mut<T: Any>(&mut self, key: &'static str) -> Option<&mut T> {
        self.data
            .iter_mut()
            .find(|(k, _)| *k == key)
            .and_then(|(_, v)| (**v).as_any_mut().downcast_mut())
    }
}

// ---------------------------------------------------------------------------------------------
// The plugin interface

/// The extension points a plugin implements, as a bit set.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Points(pub u16);

impl Points {
    pub const QUEUE_SORT: Points = Points(1);
    pub const PRE_FILTER: Points = Points(1 << 1);
    pub const FILTER: Points = Points(1 << 2);
    pub const POST_FILTER: Points = Points(1 << 3);
    pub const PRE_SCORE: Points = Points(1 << 4);
    pub const SCORE: Points = Points(1 << 5);
    pub const RESERVE: Points = Points(1 << 6);
    pub const PERMIT: Points = Points(1 << 7);
    pub const PRE_BIND: Points = Points(1 << 8);
    pub const BIND: Points = Points(1 << 9);
    pub const POST_BIND: Points = Points(1 << 10);

    pub const ALL: [(Points, &'static str); 11] = [
        (Points::QUEUE_SORT, "queueSort"),
        (Points::PRE_FILTER, "preFilter"),
        (Points::FILTER, "filter"),
        (Points::POST_FILTER, "postFilter"),
        (Points::PRE_SCORE, "preScore"),
        (Points::SCORE, "score"),
        (Points::RESERVE, "reserve"),
        (Points::PERMIT, "permit"),
        (Points::PRE_BIND, "preBind"),
        (Points::BIND, "bind"),
        (Points::POST_BIND, "postBind"),
    ];

    pub const fn union(self, other: Points) -> Points {
        Points(self.0 | other.0)
    }
    pub const fn contains(self, other: Points) -> bool {
        self.0 & other.0 == other.0
    }
}

impl std::ops::BitOr for Points {
    type Output = Points;
    fn bitor(self, rhs: Points) -> Points {
        self.union(rhs)
    }
}

/// PreFilterResult: the nodes a PreFilter plugin restricts the cycle to (`None` = all nodes).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PreFilterResult {
    pub node_names: Option<Vec<Name>>,
}

/// A pod waiting in the scheduling queue (framework.QueuedPodInfo), as QueueSort sees it.
#[derive(Clone, Debug)]
pub struct QueuedPodInfo {
    pub pod_info: Arc<PodInfo>,
    /// When the pod was last added to the activeQ (or backoffQ).
    pub timestamp: SimTime,
    /// Scheduling attempts so far.
    pub attempts: u32,
    /// When the pod first entered the queue.
    pub initial_attempt_timestamp: SimTime,
    /// Plugins that rejected the pod in its last attempt, to decide which cluster events may
    /// make it schedulable again.
    pub unschedulable_plugins: Vec<&'static str>,
}

/// PostFilterResult: where preemption made room, and the pods to evict for it.
#[derive(Clone, Debug, Default)]
pub struct PostFilterResult {
    /// The node the preemptor is nominated to (`status.nominatedNodeName`).
    pub nominated_node_name: Option<Name>,
    /// The pods the scheduler must delete (after marking them with the DisruptionTarget
    /// condition, reason PreemptionByScheduler).
    pub victims: Vec<Arc<PodInfo>>,
}

/// What a PostFilter plugin may ask of the framework (framework.Handle): the snapshot and a
/// way to re-run the profile's filters on a node with pods added or removed.
pub trait Handle {
    fn snapshot(&self) -> &Snapshot;
    /// RunFilterPlugins with the profile's Filter plugins (skipping those whose PreFilter
    /// returned Skip).
    fn run_filter_plugins(&self, state: &CycleState, pod: &PodInfo, node: &NodeInfo) -> Status;
    /// RunPreFilterExtensionAddPod over the profile's PreFilter plugins.
    fn run_pre_filter_extension_add_pod(
        &self,
        state: &mut CycleState,
        pod: &PodInfo,
        pod_to_add: &PodInfo,
        node: &NodeInfo,
    ) -> Status;
    /// RunPreFilterExtensionRemovePod.
    fn run_pre_filter_extension_remove_pod(
        &self,
        state: &mut CycleState,
        pod: &PodInfo,
        pod_to_remove: &PodInfo,
        node: &NodeInfo,
    ) -> Status;
}

/// A plugin: implement the points you need and say which in `points`. The framework calls a
/// method only at the points a plugin declares and the profile enables.
///
/// Scores are `i64`. A Score plugin returns a raw score; if its raw scores are not already in
/// `[MIN_NODE_SCORE, MAX_NODE_SCORE]` it must implement `normalize_score`.
#[allow(unused_variables)]
pub trait Plugin {
    /// The name used in KubeSchedulerConfiguration.
    fn name(&self) -> &'static str;

    /// The extension points this plugin implements.
    fn points(&self) -> Points;

    /// QueueSort: whether `a` is scheduled before `b`.
    fn less(&self, a: &QueuedPodInfo, b: &QueuedPodInfo) -> bool {
        false
    }

    /// PreFilter: compute cycle state; Skip means "my Filter has nothing to check".
    fn pre_filter(
        &self,
        state: &mut CycleState,
        pod: &PodInfo,
        snapshot: &Snapshot,
    ) -> (PreFilterResult, Status) {
        (PreFilterResult::default(), Status::success())
    }

    /// PreFilterExtensions.AddPod: update the cycle state as if `pod_to_add` were on `node`.
    fn add_pod(
        &self,
        state: &mut CycleState,
        pod: &PodInfo,
        pod_to_add: &PodInfo,
        node: &NodeInfo,
    ) -> Status {
        Status::success()
    }

    /// PreFilterExtensions.RemovePod.
    fn remove_pod(
        &self,
        state: &mut CycleState,
        pod: &PodInfo,
        pod_to_remove: &PodInfo,
        node: &NodeInfo,
    ) -> Status {
        Status::success()
    }

    /// Filter: whether `pod` may run on `node`.
    fn filter(&self, state: &CycleState, pod: &PodInfo, node: &NodeInfo) -> Status {
        Status::success()
    }

    /// PostFilter: called when no node passed the filters. `statuses` holds each node's filter
    /// status by its index in `handle.snapshot().nodes` (nodes never evaluated are absent).
    fn post_filter(
        &self,
        handle: &dyn Handle,
        state: &CycleState,
        pod: &PodInfo,
        statuses: &[(usize, Status)],
        rng: &mut dyn rand::RngCore,
    ) -> (PostFilterResult, Status) {
        (PostFilterResult::default(), Status::unschedulable(""))
    }

    /// PreScore: compute cycle state over the feasible nodes; Skip means "no Score for me".
    fn pre_score(
        &self,
        state: &mut CycleState,
        pod: &PodInfo,
        nodes: &[&NodeInfo],
        snapshot: &Snapshot,
    ) -> Status {
        Status::success()
    }

    /// Score: the raw score of `node` for `pod`.
    fn score(&self, state: &CycleState, pod: &PodInfo, node: &NodeInfo) -> Result<i64, Status> {
        Ok(0)
    }

    /// NormalizeScore: rewrite the raw scores (one per feasible node, in node order) into
    /// `[MIN_NODE_SCORE, MAX_NODE_SCORE]`. `None` = this plugin has no normalization.
    fn normalize_score(
        &self,
        state: &CycleState,
        pod: &PodInfo,
        scores: &mut [i64],
    ) -> Option<Status> {
        None
    }

    /// Reserve: the pod is assumed on `node`; reserve what the plugin tracks. A failure
    /// unreserves every Reserve plugin and fails the attempt.
    fn reserve(&self, state: &mut CycleState, pod: &PodInfo, node: &str) -> Status {
        Status::success()
    }

    /// Unreserve: undo `reserve` (binding failed or a later plugin rejected the pod).
    fn unreserve(&self, state: &mut CycleState, pod: &PodInfo, node: &str) {}

    /// Permit: approve (Success) or reject the pod on `node` before binding. kubesim does not
    /// model waiting pods: a Wait status is treated as a rejection.
    fn permit(&self, state: &mut CycleState, pod: &PodInfo, node: &str) -> Status {
        Status::success()
    }

    /// PreBind: work that must succeed before the Binding is written.
    fn pre_bind(&self, state: &mut CycleState, pod: &PodInfo, node: &str) -> Status {
        Status::success()
    }
}

/// A factory building a plugin from its `pluginConfig` args (`None` = defaults). Errors are
/// shown to the user as the configuration's error for that plugin.
pub type PluginFactory = fn(args: Option<&serde_yaml::Value>) -> Result<Box<dyn Plugin>, String>;
