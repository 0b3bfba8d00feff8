//! The API server: REST semantics over the etcd model — defaulting and admission on create,
//! resourceVersion preconditions, status subresource, graceful deletion, bindings — and the
//! watch fan-out (the cacher). Pure logic at a given instant; the cluster runtime adds time.
//! Mirrors staging/src/k8s.io/apiserver/pkg/registry/generic/registry/store.go and
//! pkg/registry/core/pod/strategy.go.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use rand::Rng;

use crate::api::pod_table::PodTable;
use crate::api::request::{
    DeleteOptions, FieldSelector, PropagationPolicy, Request, Response, Status, WatchEvent,
    WatchEventType, WatchRequest,
};
use crate::api::rollout_table::RolloutTable;
use crate::api::selector::LabelSelector;
use crate::api::types::*;
use crate::api::validate;
use crate::engine::{SimRng, SimTime, SECOND};
use crate::store::{Revision, Store, StoreError};
use crate::trace::{Record, Trace};

/// The id of a client watch, unique for the run (the cluster uses the request id).
pub type WatchId = u64;

/// The alphabet of generateName suffixes and the suffix length
/// (staging/src/k8s.io/apimachinery/pkg/util/rand/rand.go, names.SimpleNameGenerator).
const NAME_SUFFIX_ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
const NAME_SUFFIX_LEN: usize = 5;

/// The default service CIDR 10.96.0.0/12 (kubeadm's default `--service-cluster-ip-range`).
const SERVICE_CIDR_BASE: u32 = 0x0a60_0000;
const SERVICE_CIDR_SIZE: u32 = 1 << 20;
/// `--service-node-port-range` default 30000-32767.
const NODE_PORT_MIN: i32 = 30000;
const NODE_PORT_MAX: i32 = 32767;

/// The tolerations the DefaultTolerationSeconds admission plugin adds
/// (plugin/pkg/admission/defaulttolerationseconds/admission.go): 300 s.
pub const DEFAULT_NOT_READY_TOLERATION_SECONDS: i64 = 300;
pub const DEFAULT_UNREACHABLE_TOLERATION_SECONDS: i64 = 300;
pub const TAINT_NODE_NOT_READY: &str = "node.kubernetes.io/not-ready";
pub const TAINT_NODE_UNREACHABLE: &str = "node.kubernetes.io/unreachable";

/// Finalizers the garbage collector honours (metav1.FinalizerOrphanDependents / DeleteDependents).
pub const FINALIZER_ORPHAN: &str = "orphan";
pub const FINALIZER_FOREGROUND: &str = "foregroundDeletion";

/// A registered client watch.
struct ClientWatch {
    kind: Kind,
    namespace: Option<Name>,
    label_selector: Option<LabelSelector>,
    field_selector: Option<FieldSelector>,
}

impl ClientWatch {
    fn matches(&self, obj: &Object) -> bool {
        if let Some(ns) = &self.namespace {
            if obj.meta.namespace != *ns {
                return false;
            }
        }
        if let Some(sel) = &self.label_selector {
            if !sel.matches(&obj.meta.labels) {
                return false;
            }
        }
        if let Some(fs) = &self.field_selector {
            if !fs.matches(obj) {
                return false;
            }
        }
        true
    }
}

/// Counters for the summary.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ApiStats {
    pub requests: BTreeMap<&'static str, u64>,
    pub errors: BTreeMap<u16, u64>,
    pub watch_events: u64,
}

pub struct ApiServer {
    store: Store<Arc<Object>>,
    rng: SimRng,
    watches: BTreeMap<WatchId, ClientWatch>,
    /// Watches without a `spec.nodeName` pin, by kind.
    watches_by_kind: BTreeMap<Kind, BTreeSet<WatchId>>,
    /// Pod watches pinned to one node by a `spec.nodeName=` field selector (upstream's
    /// cacher indexes these with a trigger function so each kubelet costs nothing per event
    /// on other nodes).
    pod_watches_by_node: BTreeMap<Name, BTreeSet<WatchId>>,
    outbox: Vec<(WatchId, WatchEvent)>,
    service_ips: BTreeSet<u32>,
    node_ports: BTreeSet<i32>,
    stats: ApiStats,
    /// Every pod's lifecycle, from the committed writes (`pods.csv`).
    pod_table: PodTable,
    rollout_table: RolloutTable,
    /// The built-in PriorityClasses, served as if stored until a write stores them (see
    /// [`ApiServer::new`]).
    system_priority_classes: Vec<Arc<Object>>,
}

impl ApiServer {
    /// A fresh API server with the objects every cluster starts with: the `default`,
    /// `kube-system`, `kube-public` and `kube-node-lease` namespaces and the `kubernetes`
    /// Service.
    ///
    /// The built-in PriorityClasses `system-node-critical` and `system-cluster-critical`
    /// (which upstream's scheduling post-start hook creates) exist from the start too, but are
    /// not written to etcd: they have no resourceVersion, take no revision and write no trace
    /// row, so that runs which never touch PriorityClasses keep their revisions. Reads, lists,
    /// admission and validation see them like stored objects; the first update (or patch) of
    /// one stores it, and they can never be deleted.
    pub fn new(rng: SimRng, trace: &mut Trace) -> ApiServer {
        let mut s = ApiServer {
            store: Store::new(),
            rng,
            watches: BTreeMap::new(),
            watches_by_kind: BTreeMap::new(),
            pod_watches_by_node: BTreeMap::new(),
            outbox: Vec::new(),
            service_ips: BTreeSet::new(),
            node_ports: BTreeSet::new(),
            stats: ApiStats::default(),
            pod_table: PodTable::new(),
            rollout_table: RolloutTable::new(),
            system_priority_classes: system_priority_class_objects(),
        };
        for ns in ["default", "kube-node-lease", "kube-public", "kube-system"] {
            let obj = Object {
                meta: ObjectMeta {
                    name: ns.into(),
                    ..Default::default()
                },
                body: Body::Namespace(Namespace::default()),
            };
            s.handle(0, "kube-apiserver", Request::Create { object: obj }, trace)
                .expect("bootstrap namespace");
        }
        // The `kubernetes` Service takes the first address of the range
        // (pkg/controlplane/controller/kubernetesservice).
        let svc = Object {
            meta: ObjectMeta {
                name: "kubernetes".into(),
                namespace: "default".into(),
                labels: [("component", "apiserver"), ("provider", "kubernetes")]
                    .into_iter()
                    .collect(),
                ..Default::default()
            },
            body: Body::Service(Service {
                cluster_ip: ip_string(SERVICE_CIDR_BASE + 1).into(),
                ports: vec![ServicePort {
                    name: "https".into(),
                    protocol: Protocol::Tcp,
                    port: 443,
                    target_port: IntOrString::Int(6443),
                    node_port: 0,
                }],
                ..Default::default()
            }),
        };
        s.handle(0, "kube-apiserver", Request::Create { object: svc }, trace)
            .expect("bootstrap kubernetes service");
        s
    }

    pub fn revision(&self) -> u64 {
        self.store.revision() as u64
    }

    pub fn compacted_revision(&self) -> u64 {
        self.store.compacted_revision() as u64
    }

    pub fn stats(&self) -> &ApiStats {
        &self.stats
    }

    /// The lifecycle of every pod stored so far, for `pods.csv`.
    pub fn pod_table(&self) -> &PodTable {
        &self.pod_table
    }

    /// Every change of a Deployment's ReplicaSets' counts (`rollouts.csv`).
    pub fn rollout_table(&self) -> &RolloutTable {
        &self.rollout_table
    }

    /// Counts a request that failed before reaching the store (etcd unavailable).
    pub fn record_failed_request(&mut self, req: &Request, status: &Status) {
        *self.stats.requests.entry(req.verb()).or_insert(0) += 1;
        *self.stats.errors.entry(status.code).or_insert(0) += 1;
    }

    /// Compacts etcd history up to `revision` (the apiserver's periodic compactor).
    pub fn compact(&mut self, revision: u64) -> Result<(), StoreError> {
        self.store.compact(revision as Revision)
    }

    /// Direct read access to the stored state, for the library API and tests. Components
    /// must not use this: they see the world only through requests and watches. The built-in
    /// PriorityClasses are found whether stored or not.
    pub fn get(&self, kind: Kind, namespace: &str, name: &str) -> Option<&Arc<Object>> {
        self.store
            .get(&object_key(kind, namespace, name))
            .map(|kv| &kv.value)
            .or_else(|| self.unstored_builtin(kind, name))
    }

    /// All objects of a kind (in a namespace, if given), in key order, the built-in
    /// PriorityClasses included.
    pub fn list(&self, kind: Kind, namespace: Option<&str>) -> Vec<Arc<Object>> {
        let prefix = list_prefix(kind, namespace);
        let items = self
            .store
            .range_prefix(&prefix)
            .map(|kv| kv.value.clone())
            .collect();
        self.with_builtins(kind, items, |_| true)
    }

    /// How many objects of a kind etcd holds. The built-in PriorityClasses count only once
    /// stored (by an update), so that `summary.json` of runs not using them is unchanged.
    pub fn count(&self, kind: Kind) -> usize {
        self.store.count_prefix(kind.key_prefix())
    }

    /// A built-in PriorityClass that no write has stored yet.
    fn unstored_builtin(&self, kind: Kind, name: &str) -> Option<&Arc<Object>> {
        if kind != Kind::PriorityClass {
            return None;
        }
        self.system_priority_classes
            .iter()
            .find(|o| o.meta.name == name)
            .filter(|_| self.store.get(&object_key(kind, "", name)).is_none())
    }

    /// A listing of `kind` with the unstored built-in PriorityClasses that pass `keep` merged
    /// in, in key (name) order.
    fn with_builtins(
        &self,
        kind: Kind,
        mut items: Vec<Arc<Object>>,
        keep: impl Fn(&Object) -> bool,
    ) -> Vec<Arc<Object>> {
        if kind != Kind::PriorityClass {
            return items;
        }
        let before = items.len();
        for b in &self.system_priority_classes {
            if keep(b) && self.unstored_builtin(kind, &b.meta.name).is_some() {
                items.push(b.clone());
            }
        }
        if items.len() != before {
            items.sort_by(|a, b| a.meta.name.cmp(&b.meta.name));
        }
        items
    }

    /// Every PriorityClass, stored or built in, in name order.
    fn priority_classes(&self) -> impl Iterator<Item = (&Name, &PriorityClass)> + '_ {
        let stored = self
            .store
            .range_prefix(Kind::PriorityClass.key_prefix())
            .map(|kv| &kv.value);
        let builtins = self.system_priority_classes.iter().filter(|b| {
            self.unstored_builtin(Kind::PriorityClass, &b.meta.name)
                .is_some()
        });
        stored
            .chain(builtins)
            .filter_map(|o| o.as_priority_class().map(|pc| (&o.meta.name, pc)))
    }

    /// A PriorityClass by name, stored or built in.
    fn priority_class(&self, name: &str) -> Option<&PriorityClass> {
        self.get(Kind::PriorityClass, "", name)
            .and_then(|o| o.as_priority_class())
    }

    /// getDefaultPriorityClass (plugin/pkg/admission/priority/admission.go): the globalDefault
    /// class; if several are (created in a race), the one with the lowest value, the first in
    /// name order among equals.
    fn default_priority_class(&self) -> Option<(&Name, &PriorityClass)> {
        self.priority_classes()
            .filter(|(_, pc)| pc.global_default)
            .fold(
                None,
                |best: Option<(&Name, &PriorityClass)>, (n, pc)| match best {
                    Some((_, b)) if b.value <= pc.value => best,
                    _ => Some((n, pc)),
                },
            )
    }

    /// The Priority admission plugin's admitPod on create: resolves spec.priority (and
    /// spec.preemptionPolicy) from spec.priorityClassName, or from the global default class
    /// (whose name the pod then takes) when it names none. The error is the reason of the
    /// Forbidden status.
    fn admit_pod_priority(&self, spec: &mut PodSpec) -> Result<(), String> {
        let (priority, policy) = if spec.rare.priority_class_name.is_empty() {
            match self.default_priority_class() {
                Some((name, pc)) => {
                    let (name, value, policy) = (name.clone(), pc.value, pc.preemption_policy);
                    spec.rare.priority_class_name = name;
                    (value, policy)
                }
                None => (
                    DEFAULT_PRIORITY_WHEN_NO_DEFAULT_CLASS_EXISTS,
                    Some(PreemptionPolicy::PreemptLowerPriority),
                ),
            }
        } else {
            match self.priority_class(&spec.rare.priority_class_name) {
                Some(pc) => (pc.value, pc.preemption_policy),
                None => {
                    return Err(format!(
                        "no PriorityClass with name {} was found",
                        spec.rare.priority_class_name
                    ))
                }
            }
        };
        if let Some(given) = spec.priority.filter(|p| *p != priority) {
            return Err(format!(
                "the integer value of priority ({given}) must not be provided in pod spec; priority admission controller computed {priority} from the given PriorityClass name"
            ));
        }
        spec.priority = Some(priority);
        if let Some(policy) = policy {
            if let Some(given) = spec.preemption_policy.filter(|p| *p != policy) {
                return Err(format!(
                    "the string value of PreemptionPolicy ({}) must not be provided in pod spec; priority admission controller computed {} from the given PriorityClass name",
                    given.as_str(),
                    policy.as_str()
                ));
            }
            spec.preemption_policy = Some(policy);
        }
        Ok(())
    }

    /// The Priority admission plugin's validatePriorityClass on create and update: only one
    /// class may be the global default.
    fn admit_priority_class(
        &self,
        name: &str,
        pc: &PriorityClass,
        update: bool,
    ) -> Result<(), Status> {
        if !pc.global_default {
            return Ok(());
        }
        match self.default_priority_class() {
            Some((default, _)) if !update || default != name => Err(Status::forbidden(format!(
                "{} \"{name}\" is forbidden: PriorityClass {default} is already marked as default. Only one default can exist",
                crate::api::request::qualified_resource(Kind::PriorityClass),
            ))),
            _ => Ok(()),
        }
    }

    /// Takes the watch events produced since the last call, in order.
    pub fn take_outbox(&mut self) -> Vec<(WatchId, WatchEvent)> {
        std::mem::take(&mut self.outbox)
    }

    /// Handles one request at virtual time `now`. `client` names the requester in the trace.
    /// Watches must go through [`ApiServer::watch`].
    pub fn handle(
        &mut self,
        now: SimTime,
        client: &str,
        req: Request,
        trace: &mut Trace,
    ) -> Result<Response, Status> {
        *self.stats.requests.entry(req.verb()).or_insert(0) += 1;
        let is_write = req.is_write();
        let (kind, target) = (req.kind(), req.target().1.to_string());
        let result = match req {
            Request::Create { object } => self.create(now, client, object, trace),
            Request::Get {
                kind,
                namespace,
                name,
            } => self
                .get(kind, &namespace, &name)
                .cloned()
                .map(Response::Object)
                .ok_or_else(|| Status::not_found(kind, &name)),
            Request::List {
                kind,
                namespace,
                label_selector,
                field_selector,
            } => Ok(self.list_filtered(kind, namespace, label_selector, field_selector)),
            Request::Update { object } => self.update(now, client, object, false, trace),
            Request::UpdateStatus { object } => self.update(now, client, object, true, trace),
            Request::Patch {
                kind,
                namespace,
                name,
                patch,
                status,
                strategic,
            } => {
                let how = PatchHow { status, strategic };
                self.patch(now, client, kind, &namespace, &name, &patch, how, trace)
            }
            Request::Delete {
                kind,
                namespace,
                name,
                options,
            } => self.delete(now, client, kind, &namespace, &name, &options, trace),
            Request::Bind {
                namespace,
                name,
                node,
                uid,
            } => self.bind(now, client, &namespace, &name, &node, uid, trace),
            Request::Watch(_) => Err(Status::bad_request(
                "watch requests go through ApiServer::watch",
            )),
        };
        if let Err(status) = &result {
            *self.stats.errors.entry(status.code).or_insert(0) += 1;
            if is_write {
                trace.emit(
                    now,
                    Record::new("kube-apiserver", "ApiError")
                        .object(kind.as_str(), "", &target)
                        .detail(format!(
                            "{} {}: {} (client {client})",
                            status.code,
                            status.reason.as_str(),
                            status.message
                        )),
                );
            }
        }
        result
    }

    fn list_filtered(
        &self,
        kind: Kind,
        namespace: Option<Name>,
        label_selector: Option<LabelSelector>,
        field_selector: Option<FieldSelector>,
    ) -> Response {
        let w = ClientWatch {
            kind,
            namespace: namespace.clone(),
            label_selector,
            field_selector,
        };
        let prefix = list_prefix(kind, namespace.as_deref());
        let items = self
            .store
            .range_prefix(&prefix)
            .filter(|kv| w.matches(&kv.value))
            .map(|kv| kv.value.clone())
            .collect();
        let items = self.with_builtins(kind, items, |o| w.matches(o));
        Response::List {
            items,
            resource_version: self.revision(),
        }
    }

    /// Registers a watch. With a resourceVersion, replays every matching change after it
    /// (or fails with 410 Gone if that history has been compacted).
    pub fn watch(&mut self, id: WatchId, req: WatchRequest) -> Result<Response, Status> {
        *self.stats.requests.entry("watch").or_insert(0) += 1;
        let w = ClientWatch {
            kind: req.kind,
            namespace: req.namespace,
            label_selector: req.label_selector,
            field_selector: req.field_selector,
        };
        if let Some(rv) = req.resource_version {
            let from = rv as Revision + 1;
            let history = match self.store.history_since(req.kind.key_prefix(), from) {
                Ok(h) => h,
                Err(_) => {
                    *self.stats.errors.entry(410).or_insert(0) += 1;
                    return Err(Status::gone(rv, self.compacted_revision()));
                }
            };
            for ev in history {
                let old = ev.prev.as_ref().map(|kv| &kv.value);
                let new = match ev.kind {
                    crate::store::EventKind::Put => Some(&ev.kv.value),
                    crate::store::EventKind::Delete => None,
                };
                if let Some(e) = watch_event_for(&w, old, new, ev.kv.mod_revision as u64) {
                    self.outbox.push((id, e));
                }
            }
        }
        let pinned = (w.kind == Kind::Pod)
            .then(|| w.field_selector.as_ref().and_then(|f| f.pinned_node_name()))
            .flatten()
            .map(Name::from);
        match pinned {
            Some(node) => {
                self.pod_watches_by_node.entry(node).or_default().insert(id);
            }
            None => {
                self.watches_by_kind.entry(w.kind).or_default().insert(id);
            }
        }
        self.watches.insert(id, w);
        Ok(Response::WatchStarted)
    }

    pub fn cancel_watch(&mut self, id: WatchId) {
        if let Some(w) = self.watches.remove(&id) {
            if let Some(set) = self.watches_by_kind.get_mut(&w.kind) {
                set.remove(&id);
            }
            if let Some(node) = w.field_selector.as_ref().and_then(|f| f.pinned_node_name()) {
                if let Some(set) = self.pod_watches_by_node.get_mut(node) {
                    set.remove(&id);
                    if set.is_empty() {
                        self.pod_watches_by_node.remove(node);
                    }
                }
            }
        }
    }

    pub fn watch_count(&self) -> usize {
        self.watches.len()
    }

    // -----------------------------------------------------------------------------------------
    // Writes

    fn create(
        &mut self,
        now: SimTime,
        client: &str,
        mut obj: Object,
        trace: &mut Trace,
    ) -> Result<Response, Status> {
        let kind = obj.kind();
        if kind.namespaced() {
            if obj.meta.namespace.is_empty() {
                obj.meta.namespace = "default".into();
            }
            match self.get(Kind::Namespace, "", &obj.meta.namespace) {
                None => return Err(Status::not_found(Kind::Namespace, &obj.meta.namespace)),
                Some(ns) if ns.meta.deletion_timestamp.is_some() => {
                    return Err(Status::forbidden(format!(
                        "{} \"{}\" is forbidden: unable to create new content in namespace {} because it is being terminated",
                        crate::api::request::qualified_resource(kind),
                        obj.meta.name,
                        obj.meta.namespace
                    )))
                }
                Some(_) => {}
            }
        } else {
            obj.meta.namespace = Name::default();
        }
        // Mutating admission runs before the name is generated; its errors name the object
        // by its generateName then, or "Unknown" (admission.NewForbidden).
        if let Body::Pod(pod) = &mut obj.body {
            if let Err(reason) = self.admit_pod_priority(&mut pod.spec) {
                let name = [&obj.meta.name, &obj.meta.generate_name]
                    .into_iter()
                    .find(|n| !n.is_empty())
                    .map_or("Unknown", |n| n.as_str());
                return Err(Status::forbidden(format!(
                    "pods \"{name}\" is forbidden: {reason}"
                )));
            }
        }
        if obj.meta.name.is_empty() && !obj.meta.generate_name.is_empty() {
            obj.meta.name = self.generate_name(&obj.meta.generate_name);
        }
        // BeforeCreate: server-owned metadata.
        obj.meta.uid = Uid(self.rng.random());
        obj.meta.creation_timestamp = now;
        obj.meta.deletion_timestamp = None;
        obj.meta.deletion_grace_period_seconds = None;
        obj.meta.generation = 1;
        self.prepare_for_create(&mut obj)?;
        let errors = validate::validate_object(&obj, None);
        if !errors.is_empty() {
            return Err(Status::invalid(
                kind,
                &obj.meta.name,
                &validate::render_errors(&errors),
            ));
        }
        // Validating admission, after validation (store.Create's createValidation).
        if let Body::PriorityClass(pc) = &obj.body {
            self.admit_priority_class(&obj.meta.name, pc, false)?;
        }
        let key = object_key(kind, &obj.meta.namespace, &obj.meta.name);
        if self
            .get(kind, &obj.meta.namespace, &obj.meta.name)
            .is_some()
        {
            self.release_allocations(&obj);
            return Err(Status::already_exists(kind, &obj.meta.name));
        }
        obj.meta.resource_version = self.next_revision();
        let obj = stored(obj);
        self.store
            .create(key, obj.clone())
            .map_err(|_| Status::already_exists(kind, &obj.meta.name))?;
        self.record_write(now, client, "ApiCreate", &obj, trace);
        self.dispatch(now, None, Some(&obj), obj.meta.resource_version);
        Ok(Response::Object(obj))
    }

    /// PrepareForCreate of each kind's strategy, plus the admission plugins kubesim models.
    fn prepare_for_create(&mut self, obj: &mut Object) -> Result<(), Status> {
        match &mut obj.body {
            Body::Pod(pod) => {
                // pod strategy PrepareForCreate: status starts over. Pods made from templates
                // by controllers get the Pod-only defaults here, as upstream's decoder does.
                pod.status = PodStatus::default();
                crate::api::manifest::apply_pod_defaults(&mut pod.spec);
                add_default_tolerations(&mut pod.spec);
            }
            Body::Service(svc) => self.allocate_service(svc, &obj.meta.name)?,
            Body::ReplicationController(rc) => rc.status = Default::default(),
            Body::ReplicaSet(rs) => rs.status = Default::default(),
            Body::Deployment(d) => d.status = Default::default(),
            Body::Job(j) => {
                j.status = Default::default();
                if !j.manual_selector {
                    generate_job_selector(j, &obj.meta.name, obj.meta.uid);
                }
                // SetDefaults_Job (pkg/apis/batch/v1/defaults.go): a Job without labels has its
                // template's. Upstream applies it whenever the object is decoded, so it shows
                // the generated labels from the first read on.
                if obj.meta.labels.is_empty() {
                    obj.meta.labels = j.template.labels.clone();
                }
            }
            Body::Namespace(ns) => ns.phase = NamespacePhase::Active,
            Body::PriorityClass(pc) => default_priority_class_fields(pc),
            Body::Node(_) | Body::Endpoints(_) | Body::Event(_) | Body::Lease(_) => {}
        }
        Ok(())
    }

    fn update(
        &mut self,
        now: SimTime,
        client: &str,
        mut obj: Object,
        status_only: bool,
        trace: &mut Trace,
    ) -> Result<Response, Status> {
        let kind = obj.kind();
        if kind.namespaced() && obj.meta.namespace.is_empty() {
            obj.meta.namespace = "default".into();
        }
        let key = object_key(kind, &obj.meta.namespace, &obj.meta.name);
        let (current, in_store) = match self.store.get(&key) {
            Some(kv) => (kv.value.clone(), true),
            None => match self.unstored_builtin(kind, &obj.meta.name) {
                Some(builtin) => (builtin.clone(), false),
                None => return Err(Status::not_found(kind, &obj.meta.name)),
            },
        };
        if obj.meta.resource_version != 0
            && obj.meta.resource_version != current.meta.resource_version
        {
            return Err(Status::conflict(kind, &obj.meta.name));
        }
        if obj.meta.uid != Uid(0) && obj.meta.uid != current.meta.uid {
            return Err(Status::uid_precondition_failed(
                kind,
                &obj.meta.name,
                obj.meta.uid,
                current.meta.uid,
            ));
        }
        let mut new = if status_only {
            // status strategy PrepareForUpdate: only the status changes.
            let mut n = (*current).clone();
            copy_status(&mut n.body, &obj.body);
            n
        } else {
            // Server-owned metadata is kept; the status subresource is not writable here.
            obj.meta.uid = current.meta.uid;
            obj.meta.creation_timestamp = current.meta.creation_timestamp;
            obj.meta.deletion_timestamp = current.meta.deletion_timestamp;
            obj.meta.deletion_grace_period_seconds = current.meta.deletion_grace_period_seconds;
            obj.meta.generate_name = current.meta.generate_name.clone();
            obj.meta.generation = current.meta.generation;
            if has_status_subresource(kind) {
                copy_status(&mut obj.body, &current.body);
            }
            if let (Body::Service(new_svc), Body::Service(old_svc)) = (&mut obj.body, &current.body)
            {
                if new_svc.cluster_ip.is_empty() {
                    new_svc.cluster_ip = old_svc.cluster_ip.clone();
                }
            }
            match (&mut obj.body, &current.body) {
                // Priority admission on update keeps what it resolved at create.
                (Body::Pod(new_pod), Body::Pod(old_pod)) => {
                    let (new_spec, old_spec) = (&mut new_pod.spec, &old_pod.spec);
                    new_spec.priority = new_spec.priority.or(old_spec.priority);
                    new_spec.preemption_policy =
                        new_spec.preemption_policy.or(old_spec.preemption_policy);
                }
                (Body::PriorityClass(pc), _) => default_priority_class_fields(pc),
                _ => {}
            }
            if spec_changed(&obj.body, &current.body) {
                obj.meta.generation += 1;
            }
            obj
        };
        let errors = validate::validate_object(&new, Some(&current));
        if !errors.is_empty() {
            return Err(Status::invalid(
                kind,
                &new.meta.name,
                &validate::render_errors(&errors),
            ));
        }
        if let Body::PriorityClass(pc) = &new.body {
            self.admit_priority_class(&new.meta.name, pc, true)?;
        }
        new.meta.resource_version = current.meta.resource_version;
        if new == *current {
            // A no-op update is not written (GuaranteedUpdate short-circuits).
            return Ok(Response::Object(current));
        }
        // An object being deleted goes away once its last finalizer is removed.
        if new.meta.deletion_timestamp.is_some()
            && new.meta.finalizers.is_empty()
            && !is_graceful_pod(&new)
        {
            return self.remove(now, client, &key, &current, trace);
        }
        if !in_store {
            return self.store_builtin(now, client, key, &current, new, trace);
        }
        self.replace(now, client, key, &current, new, trace)
    }

    /// The first write of a built-in PriorityClass: it goes to etcd as a create, but is an
    /// update (MODIFIED) to its readers, who saw the built-in before.
    fn store_builtin(
        &mut self,
        now: SimTime,
        client: &str,
        key: String,
        current: &Arc<Object>,
        mut new: Object,
        trace: &mut Trace,
    ) -> Result<Response, Status> {
        new.meta.resource_version = self.next_revision();
        let new = stored(new);
        self.store
            .create(key, new.clone())
            .map_err(|_| Status::conflict(new.kind(), &new.meta.name))?;
        self.record_write(now, client, "ApiUpdate", &new, trace);
        self.dispatch(now, Some(current), Some(&new), new.meta.resource_version);
        Ok(Response::Object(new))
    }

    #[allow(clippy::too_many_arguments)]
    fn patch(
        &mut self,
        now: SimTime,
        client: &str,
        kind: Kind,
        namespace: &str,
        name: &str,
        patch: &serde_json::Value,
        how: PatchHow,
        trace: &mut Trace,
    ) -> Result<Response, Status> {
        let Some(current) = self.get(kind, namespace, name).cloned() else {
            return Err(Status::not_found(kind, name));
        };
        let status = how.status;
        let mut doc = crate::api::json::to_json(&current);
        if how.strategic {
            crate::api::patch::strategic_merge_patch(&mut doc, patch);
        } else {
            crate::api::patch::merge_patch(&mut doc, patch);
        }
        let parsed = crate::api::manifest::parse_value(doc, "<patch>", 0)
            .map_err(|e| Status::bad_request(e.message))?;
        let mut obj = parsed.object;
        if obj.kind() != kind || obj.meta.name != name {
            return Err(Status::bad_request(
                "the patch may not change the kind or name of the object",
            ));
        }
        // The patch was computed against `current`: apply it at that revision.
        obj.meta.resource_version = current.meta.resource_version;
        self.update(now, client, obj, status, trace)
    }

    #[allow(clippy::too_many_arguments)]
    fn delete(
        &mut self,
        now: SimTime,
        client: &str,
        kind: Kind,
        namespace: &str,
        name: &str,
        options: &DeleteOptions,
        trace: &mut Trace,
    ) -> Result<Response, Status> {
        // pkg/registry/scheduling/priorityclass/storage/storage.go Delete, before any lookup.
        if kind == Kind::PriorityClass && SYSTEM_PRIORITY_CLASSES.iter().any(|(n, _, _)| *n == name)
        {
            return Err(Status::forbidden(format!(
                "{} \"{name}\" is forbidden: this is a system priority class and cannot be deleted",
                crate::api::request::qualified_resource(kind),
            )));
        }
        let key = object_key(kind, namespace, name);
        let Some(current) = self.store.get(&key).map(|kv| kv.value.clone()) else {
            return Err(Status::not_found(kind, name));
        };
        if let Some(uid) = options.precondition_uid {
            if uid != current.meta.uid {
                return Err(Status::uid_precondition_failed(
                    kind,
                    name,
                    uid,
                    current.meta.uid,
                ));
            }
        }
        if let Some(rv) = options.precondition_resource_version {
            if rv != current.meta.resource_version {
                return Err(Status::conflict(kind, name));
            }
        }
        let mut new = (*current).clone();
        // Propagation policy becomes a finalizer the garbage collector acts on
        // (registry/store.go deletionFinalizersForGarbageCollection).
        // With no policy, the server's default: orphan for core/v1 ReplicationControllers,
        // kept for backward compatibility, background for everything else
        // (pkg/registry/core/replicationcontroller/strategy.go DefaultGarbageCollectionPolicy).
        let policy = options.propagation_policy.or(match kind {
            Kind::ReplicationController => Some(PropagationPolicy::Orphan),
            _ => None,
        });
        match policy {
            Some(PropagationPolicy::Orphan) => add_finalizer(&mut new.meta, FINALIZER_ORPHAN),
            Some(PropagationPolicy::Foreground) => {
                add_finalizer(&mut new.meta, FINALIZER_FOREGROUND)
            }
            Some(PropagationPolicy::Background) | None => {}
        }
        // A namespace carries the `kubernetes` finalizer (spec.finalizers) until the namespace
        // controller has emptied it: deletion only marks it Terminating
        // (pkg/registry/core/namespace/storage/storage.go).
        if let Body::Namespace(ns) = &mut new.body {
            if current.meta.deletion_timestamp.is_some() {
                return Ok(Response::Object(current));
            }
            ns.phase = NamespacePhase::Terminating;
            new.meta.deletion_timestamp = Some(now);
            new.meta.deletion_grace_period_seconds = Some(0);
            return self.replace(now, client, key, &current, new, trace);
        }
        let grace = deletion_grace_seconds(&current, options.grace_period_seconds);
        if grace == 0 && new.meta.finalizers.is_empty() {
            return self.remove(now, client, &key, &current, trace);
        }
        // Graceful deletion (BeforeDelete): set or shorten the deletion deadline.
        let deadline = now + grace as u64 * SECOND;
        match current.meta.deletion_timestamp {
            Some(existing)
                if existing <= deadline && new.meta.finalizers == current.meta.finalizers =>
            {
                // Already being deleted with an earlier or equal deadline: nothing to do.
                return Ok(Response::Object(current));
            }
            _ => {
                new.meta.deletion_timestamp =
                    Some(deadline.min(current.meta.deletion_timestamp.unwrap_or(u64::MAX)));
                new.meta.deletion_grace_period_seconds = Some(grace);
            }
        }
        if new.meta.generation > 0 {
            // Setting deletionTimestamp bumps generation (registry/rest/delete.go).
            new.meta.generation += 1;
        }
        self.replace(now, client, key, &current, new, trace)
    }

    /// Removes the key for good and emits DELETED.
    fn remove(
        &mut self,
        now: SimTime,
        client: &str,
        key: &str,
        current: &Arc<Object>,
        trace: &mut Trace,
    ) -> Result<Response, Status> {
        let rev = self.next_revision();
        self.store
            .delete_if(key, current.meta.resource_version as Revision)
            .map_err(|_| Status::conflict(current.kind(), &current.meta.name))?;
        self.release_allocations(current);
        self.record_write(now, client, "ApiDelete", current, trace);
        self.dispatch(now, Some(current), None, rev);
        Ok(Response::Object(current.clone()))
    }

    #[allow(clippy::too_many_arguments)]
    fn bind(
        &mut self,
        now: SimTime,
        client: &str,
        namespace: &str,
        name: &str,
        node: &str,
        uid: Option<Uid>,
        trace: &mut Trace,
    ) -> Result<Response, Status> {
        let Some(current) = self.get(Kind::Pod, namespace, name).cloned() else {
            return Err(Status::not_found(Kind::Pod, name));
        };
        if uid.is_some_and(|u| u != current.meta.uid) {
            return Err(Status::uid_precondition_failed(
                Kind::Pod,
                name,
                uid.unwrap_or_default(),
                current.meta.uid,
            ));
        }
        // pkg/registry/core/pod/storage/storage.go assignPod / setPodNodeAndMetadata.
        if current.meta.deletion_timestamp.is_some() {
            return Err(Status::conflict_with(
                Kind::Pod,
                name,
                &format!("pod {name} is being deleted, cannot be assigned to a host"),
            ));
        }
        let mut new = (*current).clone();
        let Body::Pod(pod) = &mut new.body else {
            unreachable!("pod key holds a pod")
        };
        if !pod.spec.node_name.is_empty() {
            return Err(Status::conflict_with(
                Kind::Pod,
                name,
                &format!(
                    "pod {name} is already assigned to node \"{}\"",
                    pod.spec.node_name
                ),
            ));
        }
        pod.spec.node_name = node.into();
        let mut scheduled = Condition::new(Name::new_static("PodScheduled"), ConditionStatus::True);
        scheduled.last_transition_time = Some(now);
        set_condition(&mut pod.status.conditions, scheduled);
        let key = object_key(Kind::Pod, namespace, name);
        self.replace(now, client, key, &current, new, trace)
    }

    /// Writes `new` over `current` at the next revision, guarded by `current`'s mod revision
    /// (GuaranteedUpdate's compare-and-swap), then traces and fans the change out.
    fn replace(
        &mut self,
        now: SimTime,
        client: &str,
        key: String,
        current: &Arc<Object>,
        mut new: Object,
        trace: &mut Trace,
    ) -> Result<Response, Status> {
        new.meta.resource_version = self.next_revision();
        let new = stored(new);
        self.store
            .update_if(key, new.clone(), current.meta.resource_version as Revision)
            .map_err(|_| Status::conflict(new.kind(), &new.meta.name))?;
        self.record_write(now, client, "ApiUpdate", &new, trace);
        self.dispatch(now, Some(current), Some(&new), new.meta.resource_version);
        Ok(Response::Object(new))
    }

    // -----------------------------------------------------------------------------------------
    // Helpers

    fn next_revision(&self) -> u64 {
        self.store.revision() as u64 + 1
    }

    fn record_write(
        &self,
        now: SimTime,
        client: &str,
        event: &str,
        obj: &Object,
        trace: &mut Trace,
    ) {
        let node = obj
            .as_pod()
            .map(|p| p.spec.node_name.as_str())
            .unwrap_or("");
        trace.emit(
            now,
            Record::new("kube-apiserver", event)
                .object(obj.kind().as_str(), &obj.meta.namespace, &obj.meta.name)
                .node(node)
                .detail(format!("rv={} client={client}", obj.meta.resource_version)),
        );
    }

    /// Fans a change committed at `now` out to every client watch it concerns, as the cacher
    /// does: a watch sees ADDED when the object enters its selection, DELETED when it leaves,
    /// MODIFIED otherwise. Every committed write passes here, so the pod table is kept here too.
    fn dispatch(
        &mut self,
        now: SimTime,
        old: Option<&Arc<Object>>,
        new: Option<&Arc<Object>>,
        rev: u64,
    ) {
        let kind = new.or(old).expect("a change has a side").kind();
        if kind == Kind::Pod {
            self.pod_table
                .observe(now, old.map(|o| &**o), new.map(|n| &**n));
        }
        if kind == Kind::ReplicaSet {
            self.rollout_table
                .observe(now, old.map(|o| &**o), new.map(|n| &**n));
        }
        let mut targets: BTreeSet<WatchId> =
            self.watches_by_kind.get(&kind).cloned().unwrap_or_default();
        if kind == Kind::Pod {
            for obj in [old, new].into_iter().flatten() {
                if let Some(ids) = obj
                    .as_pod()
                    .and_then(|p| self.pod_watches_by_node.get(&p.spec.node_name))
                {
                    targets.extend(ids.iter().copied());
                }
            }
        }
        for id in targets {
            let w = &self.watches[&id];
            if let Some(e) = watch_event_for(w, old, new, rev) {
                self.stats.watch_events += 1;
                self.outbox.push((id, e));
            }
        }
    }

    fn generate_name(&mut self, prefix: &str) -> Name {
        let mut s = String::with_capacity(prefix.len() + NAME_SUFFIX_LEN);
        // names.SimpleNameGenerator truncates the base so the result fits 63 characters.
        let max_base = 63 - NAME_SUFFIX_LEN;
        s.push_str(&prefix[..prefix.len().min(max_base)]);
        for _ in 0..NAME_SUFFIX_LEN {
            let i = self.rng.random_range(0..NAME_SUFFIX_ALPHABET.len());
            s.push(NAME_SUFFIX_ALPHABET[i] as char);
        }
        s.into()
    }

    fn allocate_service(&mut self, svc: &mut Service, name: &str) -> Result<(), Status> {
        if svc.type_ != ServiceType::ExternalName && svc.cluster_ip != "None" {
            if svc.cluster_ip.is_empty() {
                let ip = self.allocate_ip().ok_or_else(|| {
                    Status::forbidden(format!(
                        "Internal error occurred: failed to allocate a serviceIP: range is full (service {name})"
                    ))
                })?;
                svc.cluster_ip = ip_string(ip).into();
            } else if let Some(ip) = parse_ip(&svc.cluster_ip) {
                if !self.service_ips.insert(ip) {
                    return Err(Status::invalid(
                        Kind::Service,
                        name,
                        &format!(
                            "spec.clusterIPs: Invalid value: []string{{\"{}\"}}: failed to allocate IP {}: provided IP is already allocated",
                            svc.cluster_ip, svc.cluster_ip
                        ),
                    ));
                }
            }
        }
        if matches!(svc.type_, ServiceType::NodePort | ServiceType::LoadBalancer) {
            for i in 0..svc.ports.len() {
                if svc.ports[i].node_port == 0 {
                    let port = self.allocate_node_port().ok_or_else(|| {
                        Status::forbidden(
                            "Internal error occurred: failed to allocate a nodePort: range is full",
                        )
                    })?;
                    svc.ports[i].node_port = port;
                } else if !self.node_ports.insert(svc.ports[i].node_port) {
                    let p = svc.ports[i].node_port;
                    return Err(Status::invalid(
                        Kind::Service,
                        name,
                        &format!("spec.ports[{i}].nodePort: Invalid value: {p}: provided port is already allocated"),
                    ));
                }
            }
        }
        Ok(())
    }

    /// A random free address, as upstream's bitmap allocator picks one from a random offset.
    fn allocate_ip(&mut self) -> Option<u32> {
        let size = SERVICE_CIDR_SIZE - 2;
        let start = self.rng.random_range(0..size);
        (0..size)
            .map(|i| SERVICE_CIDR_BASE + 1 + (start + i) % size)
            .find(|ip| !self.service_ips.contains(ip))
            .inspect(|ip| {
                self.service_ips.insert(*ip);
            })
    }

    fn allocate_node_port(&mut self) -> Option<i32> {
        let size = NODE_PORT_MAX - NODE_PORT_MIN + 1;
        let start = self.rng.random_range(0..size);
        (0..size)
            .map(|i| NODE_PORT_MIN + (start + i) % size)
            .find(|p| !self.node_ports.contains(p))
            .inspect(|p| {
                self.node_ports.insert(*p);
            })
    }

    fn release_allocations(&mut self, obj: &Object) {
        if let Body::Service(svc) = &obj.body {
            if let Some(ip) = parse_ip(&svc.cluster_ip) {
                self.service_ips.remove(&ip);
            }
            for p in &svc.ports {
                self.node_ports.remove(&p.node_port);
            }
        }
    }
}

/// An object as the API server stores it: trimmed of spare capacity, shared.
fn stored(mut obj: Object) -> Arc<Object> {
    obj.shrink_to_fit();
    Arc::new(obj)
}

/// The etcd key of an object: `/registry/pods/default/web-0`, `/registry/minions/node-1`.
pub fn object_key(kind: Kind, namespace: &str, name: &str) -> String {
    if kind.namespaced() {
        format!("{}{namespace}/{name}", kind.key_prefix())
    } else {
        format!("{}{name}", kind.key_prefix())
    }
}

fn list_prefix(kind: Kind, namespace: Option<&str>) -> String {
    match namespace {
        Some(ns) if kind.namespaced() => format!("{}{ns}/", kind.key_prefix()),
        _ => kind.key_prefix().to_string(),
    }
}

fn watch_event_for(
    w: &ClientWatch,
    old: Option<&Arc<Object>>,
    new: Option<&Arc<Object>>,
    rev: u64,
) -> Option<WatchEvent> {
    let old_match = old.is_some_and(|o| w.matches(o));
    let new_match = new.is_some_and(|n| w.matches(n));
    match (old_match, new_match) {
        (false, false) => None,
        (false, true) => Some(WatchEvent {
            type_: WatchEventType::Added,
            object: new.expect("matched").clone(),
        }),
        (true, true) => Some(WatchEvent {
            type_: WatchEventType::Modified,
            object: new.expect("matched").clone(),
        }),
        (true, false) => {
            // The last state, stamped with the revision of the change that removed it.
            let mut last = (**new.or(old).expect("matched")).clone();
            last.meta.resource_version = rev;
            Some(WatchEvent {
                type_: WatchEventType::Deleted,
                object: Arc::new(last),
            })
        }
    }
}

fn has_status_subresource(kind: Kind) -> bool {
    !matches!(
        kind,
        Kind::Endpoints | Kind::Event | Kind::Lease | Kind::PriorityClass
    )
}

fn copy_status(dst: &mut Body, src: &Body) {
    match (dst, src) {
        (Body::Pod(d), Body::Pod(s)) => d.status = s.status.clone(),
        (Body::Node(d), Body::Node(s)) => d.status = s.status.clone(),
        (Body::Namespace(d), Body::Namespace(s)) => d.phase = s.phase,
        (Body::Service(d), Body::Service(s)) => {
            d.load_balancer_ingress = s.load_balancer_ingress.clone()
        }
        (Body::ReplicationController(d), Body::ReplicationController(s)) => {
            d.status = s.status.clone()
        }
        (Body::ReplicaSet(d), Body::ReplicaSet(s)) => d.status = s.status.clone(),
        (Body::Deployment(d), Body::Deployment(s)) => d.status = s.status.clone(),
        (Body::Job(d), Body::Job(s)) => d.status = s.status.clone(),
        _ => {}
    }
}

/// Whether anything but the status differs (what bumps metadata.generation).
fn spec_changed(a: &Body, b: &Body) -> bool {
    match (a, b) {
        (Body::Pod(a), Body::Pod(b)) => a.spec != b.spec,
        (Body::ReplicationController(a), Body::ReplicationController(b)) => {
            (a.replicas, &a.selector, &a.template, a.min_ready_seconds)
                != (b.replicas, &b.selector, &b.template, b.min_ready_seconds)
        }
        (Body::ReplicaSet(a), Body::ReplicaSet(b)) => {
            (a.replicas, &a.selector, &a.template, a.min_ready_seconds)
                != (b.replicas, &b.selector, &b.template, b.min_ready_seconds)
        }
        (Body::Deployment(a), Body::Deployment(b)) => {
            let mut a = a.clone();
            a.status = b.status.clone();
            a != *b
        }
        (Body::Job(a), Body::Job(b)) => {
            let mut a = a.clone();
            a.status = b.status.clone();
            a != *b
        }
        // Kinds without generation tracking.
        _ => false,
    }
}

fn is_graceful_pod(obj: &Object) -> bool {
    obj.as_pod().is_some()
        && obj
            .meta
            .deletion_grace_period_seconds
            .is_some_and(|g| g > 0)
}

/// The grace period a DELETE gets (pod strategy CheckGracefulDeleteStrategy): pods use the
/// request's gracePeriodSeconds or spec.terminationGracePeriodSeconds, but an unscheduled or
/// terminated pod goes at once; other kinds have no grace period.
fn deletion_grace_seconds(obj: &Object, requested: Option<i64>) -> i64 {
    let Some(pod) = obj.as_pod() else {
        return 0;
    };
    if pod.spec.node_name.is_empty()
        || matches!(pod.status.phase, PodPhase::Succeeded | PodPhase::Failed)
    {
        return 0;
    }
    let mut grace = requested
        .unwrap_or(pod.spec.termination_grace_period_seconds)
        .max(0);
    if let Some(existing) = obj.meta.deletion_grace_period_seconds {
        grace = grace.min(existing);
    }
    grace
}

fn add_finalizer(meta: &mut ObjectMeta, f: &str) {
    if !meta.finalizers.iter().any(|x| x == f) {
        meta.finalizers.push(f.into());
    }
}

/// Sets or replaces a condition, keeping lastTransitionTime when the status is unchanged
/// (podutil.UpdatePodCondition).
pub fn set_condition(conditions: &mut Vec<Condition>, mut c: Condition) {
    match conditions.iter_mut().find(|x| x.type_ == c.type_) {
        Some(existing) => {
            if existing.status == c.status {
                c.last_transition_time = existing.last_transition_time;
            }
            *existing = c;
        }
        None => conditions.push(c),
    }
}

/// DefaultTolerationSeconds admission: tolerate not-ready and unreachable for 300 s unless
/// the pod already tolerates them.
fn add_default_tolerations(spec: &mut PodSpec) {
    for key in [TAINT_NODE_NOT_READY, TAINT_NODE_UNREACHABLE] {
        // Static names: no allocation for the two tolerations every pod carries.
        let key = Name::new_static(key);
        let taint = Taint {
            key: key.clone(),
            value: Name::default(),
            effect: TaintEffect::NoExecute,
            time_added: None,
        };
        if !spec.tolerations.iter().any(|t| t.tolerates(&taint)) {
            spec.tolerations.push(Toleration {
                key,
                operator: TolerationOperator::Exists,
                value: Name::default(),
                effect: Some(TaintEffect::NoExecute),
                toleration_seconds: Some(DEFAULT_NOT_READY_TOLERATION_SECONDS),
            });
        }
    }
}

/// How a PATCH applies: to the status subresource or the object; as a strategic merge patch
/// or a JSON merge patch.
#[derive(Clone, Copy)]
struct PatchHow {
    status: bool,
    strategic: bool,
}

/// generateSelector (pkg/registry/batch/job/strategy.go): unless `manualSelector`, a Job's
/// template gets the job-name and controller-uid labels (both forms) it does not already have,
/// and its selector matches `batch.kubernetes.io/controller-uid` = its UID.
fn generate_job_selector(job: &mut crate::api::types::Job, name: &Name, uid: Uid) {
    let labels = &mut job.template.labels;
    for key in ["job-name", "batch.kubernetes.io/job-name"] {
        if !labels.contains_key(key) {
            labels.insert(key, name.clone());
        }
    }
    for key in ["controller-uid", "batch.kubernetes.io/controller-uid"] {
        if !labels.contains_key(key) {
            labels.insert(key, uid.to_string());
        }
    }
    let selector = job.selector.get_or_insert_with(Default::default);
    if !selector
        .match_labels
        .contains_key("batch.kubernetes.io/controller-uid")
    {
        selector
            .match_labels
            .insert("batch.kubernetes.io/controller-uid", uid.to_string());
    }
}

/// SetDefaults_PriorityClass (pkg/apis/scheduling/v1/defaults.go), for objects that did not
/// come through the manifest decoder: preemptionPolicy defaults to PreemptLowerPriority.
fn default_priority_class_fields(pc: &mut PriorityClass) {
    pc.preemption_policy
        .get_or_insert(PreemptionPolicy::PreemptLowerPriority);
}

/// The built-in PriorityClasses as the bootstrap hook would have stored them at time 0
/// (defaulted), but unstored: no resourceVersion, and a UID derived from the name (FNV-1a) so
/// that the API server's random stream is not drawn from.
fn system_priority_class_objects() -> Vec<Arc<Object>> {
    SYSTEM_PRIORITY_CLASSES
        .iter()
        .map(|(name, value, description)| {
            let mut uid: u128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d;
            for b in name.bytes() {
                uid ^= u128::from(b);
                uid = uid.wrapping_mul(0x0000_0000_0100_0000_0000_0000_0000_013b);
            }
            Arc::new(Object {
                meta: ObjectMeta {
                    name: Name::new_static(name),
                    uid: Uid(uid),
                    generation: 1,
                    ..Default::default()
                },
                body: Body::PriorityClass(PriorityClass {
                    value: *value,
                    global_default: false,
                    preemption_policy: Some(PreemptionPolicy::PreemptLowerPriority),
                    description: Name::new_static(description),
                }),
            })
        })
        .collect()
}

fn ip_string(ip: u32) -> String {
    format!(
        "{}.{}.{}.{}",
        ip >> 24,
        (ip >> 16) & 0xff,
        (ip >> 8) & 0xff,
        ip & 0xff
    )
}

fn parse_ip(s: &str) -> Option<u32> {
    let parts: Vec<u32> = s
        .split('.')
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    if parts.len() != 4 || parts.iter().any(|p| *p > 255) {
        return None;
    }
    Some(parts[0] << 24 | parts[1] << 16 | parts[2] << 8 | parts[3])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::request::StatusReason;
    use crate::engine::RngStreams;

    fn server() -> (ApiServer, Trace) {
        let mut trace = Trace::new();
        let s = ApiServer::new(RngStreams::new(1).stream("kube-apiserver"), &mut trace);
        (s, trace)
    }

    fn class(name: &str, value: i32, global_default: bool) -> Object {
        Object {
            meta: ObjectMeta {
                name: name.into(),
                ..Default::default()
            },
            body: Body::PriorityClass(PriorityClass {
                value,
                global_default,
                preemption_policy: None,
                description: Name::default(),
            }),
        }
    }

    fn with_policy(mut obj: Object, policy: PreemptionPolicy) -> Object {
        if let Body::PriorityClass(pc) = &mut obj.body {
            pc.preemption_policy = Some(policy);
        }
        obj
    }

    fn pod(name: &str, class: &str, priority: Option<i32>) -> Object {
        let mut spec = PodSpec {
            containers: vec![Container::new("container", "nginx")],
            termination_grace_period_seconds: 30,
            priority,
            ..Default::default()
        };
        if !class.is_empty() {
            spec.rare.priority_class_name = class.into();
        }
        Object {
            meta: ObjectMeta {
                name: name.into(),
                namespace: "default".into(),
                ..Default::default()
            },
            body: Body::Pod(Pod {
                spec,
                status: Default::default(),
            }),
        }
    }

    fn create(s: &mut ApiServer, t: &mut Trace, object: Object) -> Result<Arc<Object>, Status> {
        s.handle(SECOND, "test", Request::Create { object }, t)
            .map(|r| r.object().expect("an object").clone())
    }

    fn create_all(s: &mut ApiServer, t: &mut Trace, objects: Vec<Object>) {
        for o in objects {
            create(s, t, o).expect("created");
        }
    }

    /// The admitted pod's priority, preemption policy and class name.
    fn admitted(
        s: &mut ApiServer,
        t: &mut Trace,
        p: Object,
    ) -> (i32, Option<PreemptionPolicy>, String) {
        let p = create(s, t, p).expect("pod admitted");
        let spec = &p.as_pod().unwrap().spec;
        (
            spec.priority.expect("priority set"),
            spec.preemption_policy,
            spec.rare.priority_class_name.to_string(),
        )
    }

    fn forbidden(r: Result<Arc<Object>, Status>) -> String {
        let err = r.expect_err("forbidden");
        assert_eq!(
            (err.code, err.reason),
            (403, StatusReason::Forbidden),
            "{err:?}"
        );
        err.message
    }

    // The fixtures of plugin/pkg/admission/priority/admission_test.go.
    fn default1() -> Object {
        class("default1", 1000, true)
    }
    fn default2() -> Object {
        class("default2", 2000, true)
    }
    fn nondefault1() -> Object {
        class("nondefault1", 2000, false)
    }

    const PLP: Option<PreemptionPolicy> = Some(PreemptionPolicy::PreemptLowerPriority);

    #[test]
    fn built_in_classes_exist_without_being_stored() {
        let (s, t) = server();
        // Bootstrap wrote only the namespaces and the kubernetes Service, last.
        let svc = s.get(Kind::Service, "default", "kubernetes").unwrap();
        assert_eq!(s.revision(), svc.meta.resource_version);
        assert!(t.rows().iter().all(|r| r.kind != "PriorityClass"));
        assert_eq!(s.count(Kind::PriorityClass), 0);
        let listed = s.list(Kind::PriorityClass, None);
        let names: Vec<&str> = listed.iter().map(|o| o.name()).collect();
        assert_eq!(names, ["system-cluster-critical", "system-node-critical"]);
        let node = s
            .get(Kind::PriorityClass, "", "system-node-critical")
            .unwrap();
        let pc = node.as_priority_class().unwrap();
        assert_eq!(
            (pc.value, pc.global_default, pc.preemption_policy),
            (2_000_001_000, false, PLP)
        );
        assert_eq!(
            pc.description,
            "Used for system critical pods that must not be moved from their current node."
        );
        assert_eq!(node.meta.resource_version, 0);
        assert_ne!(node.meta.uid, Uid(0));
        let cluster = s
            .get(Kind::PriorityClass, "", "system-cluster-critical")
            .unwrap();
        assert_ne!(node.meta.uid, cluster.meta.uid);
        assert_eq!(cluster.as_priority_class().unwrap().value, 2_000_000_000);
    }

    // TestPodAdmission, plugin/pkg/admission/priority/admission_test.go.
    #[test]
    fn pod_priority_is_resolved_from_classes() {
        // "Pod with priority class"
        let (mut s, mut t) = server();
        create_all(&mut s, &mut t, vec![default1(), nondefault1()]);
        assert_eq!(
            admitted(&mut s, &mut t, pod("pod-w-priorityclass", "default1", None)),
            (1000, PLP, "default1".into())
        );
        // "Pod without priority class": the default class's value, and its name.
        assert_eq!(
            admitted(&mut s, &mut t, pod("pod-wo-priorityclass", "", None)),
            (1000, PLP, "default1".into())
        );
        // "Pod with non-existing priority class"
        assert_eq!(
            forbidden(create(
                &mut s,
                &mut t,
                pod("pod-w-non-existing-priorityclass", "non-existing", None)
            )),
            "pods \"pod-w-non-existing-priorityclass\" is forbidden: no PriorityClass with name non-existing was found"
        );
        // A priority that differs from the resolved one.
        assert_eq!(
            forbidden(create(&mut s, &mut t, pod("pod-w-wrong-priority", "default1", Some(5)))),
            "pods \"pod-w-wrong-priority\" is forbidden: the integer value of priority (5) must not be provided in pod spec; priority admission controller computed 1000 from the given PriorityClass name"
        );

        // "pod without priority class and no existing priority class"
        let (mut s, mut t) = server();
        assert_eq!(
            admitted(&mut s, &mut t, pod("pod-wo-priorityclass", "", None)),
            (0, PLP, String::new())
        );
        // "pod with integer priority": its class does not exist.
        let msg = forbidden(create(
            &mut s,
            &mut t,
            pod("pod-w-integer-priority", "default1", Some(1000)),
        ));
        assert!(
            msg.ends_with("no PriorityClass with name default1 was found"),
            "{msg}"
        );
        // "pod with a system priority class", "pod with system critical priority in
        // non-system namespace": the built-ins resolve without being stored.
        assert_eq!(
            admitted(
                &mut s,
                &mut t,
                pod("pod-w-system-priority", SYSTEM_CLUSTER_CRITICAL, None)
            ),
            (2_000_000_000, PLP, SYSTEM_CLUSTER_CRITICAL.into())
        );
        // "pod with priority that matches resolved priority"
        assert_eq!(
            admitted(
                &mut s,
                &mut t,
                pod(
                    "pod-w-priority-matching-resolved",
                    SYSTEM_NODE_CRITICAL,
                    Some(2_000_001_000)
                )
            ),
            (2_000_001_000, PLP, SYSTEM_NODE_CRITICAL.into())
        );

        // "pod without priority class and no default class", "pod with priority that matches
        // computed priority"
        let (mut s, mut t) = server();
        create_all(&mut s, &mut t, vec![nondefault1()]);
        assert_eq!(
            admitted(&mut s, &mut t, pod("pod-wo-priorityclass", "", None)).0,
            0
        );
        assert_eq!(
            admitted(&mut s, &mut t, pod("pod-w-zero-priority", "", Some(0))).0,
            0
        );

        // "pod with priority that matches default priority"
        let (mut s, mut t) = server();
        create_all(&mut s, &mut t, vec![default2()]);
        assert_eq!(
            admitted(
                &mut s,
                &mut t,
                pod("pod-w-priority-matching-default-priority", "", Some(2000))
            ),
            (2000, PLP, "default2".into())
        );
    }

    // TestPodAdmission's preemption-policy cases.
    #[test]
    fn pod_preemption_policy_comes_from_the_class() {
        let (mut s, mut t) = server();
        let never = with_policy(
            class("nopreemptionpolicy", 2000, true),
            PreemptionPolicy::Never,
        );
        create_all(&mut s, &mut t, vec![never, class("lower", 10, false)]);
        // The default class's policy goes with its value.
        assert_eq!(
            admitted(&mut s, &mut t, pod("defaulted", "", None)),
            (
                2000,
                Some(PreemptionPolicy::Never),
                "nopreemptionpolicy".into()
            )
        );
        // A class created without a policy got PreemptLowerPriority (SetDefaults_PriorityClass).
        assert_eq!(admitted(&mut s, &mut t, pod("lower", "lower", None)).1, PLP);
        // "pod with nil preemtpion policy" and "pod with preemtpion policy that matches
        // resolved preemtpion policy"
        let mut matching = pod("matching", "nopreemptionpolicy", Some(2000));
        if let Body::Pod(p) = &mut matching.body {
            p.spec.preemption_policy = Some(PreemptionPolicy::Never);
        }
        assert_eq!(
            admitted(&mut s, &mut t, matching).1,
            Some(PreemptionPolicy::Never)
        );
        // "pod with preemtpion policy that does't matches resolved preemtpion policy"
        let mut differing = pod("differing", "nopreemptionpolicy", Some(2000));
        if let Body::Pod(p) = &mut differing.body {
            p.spec.preemption_policy = Some(PreemptionPolicy::PreemptLowerPriority);
        }
        assert_eq!(
            forbidden(create(&mut s, &mut t, differing)),
            "pods \"differing\" is forbidden: the string value of PreemptionPolicy (PreemptLowerPriority) must not be provided in pod spec; priority admission controller computed Never from the given PriorityClass name"
        );
    }

    #[test]
    fn rejected_pods_are_named_by_generate_name_and_draw_no_randomness() {
        let (mut s, mut t) = server();
        let (mut a, _) = server();
        let mut p = pod("", "missing", None);
        p.meta.generate_name = "web-7d9f-".into();
        assert_eq!(
            forbidden(create(&mut s, &mut t, p)),
            "pods \"web-7d9f-\" is forbidden: no PriorityClass with name missing was found"
        );
        assert_eq!(
            forbidden(create(&mut s, &mut t, pod("", "missing", None))),
            "pods \"Unknown\" is forbidden: no PriorityClass with name missing was found"
        );
        // The rejections consumed nothing: the next pod gets the UID a fresh server gives.
        let mut at = Trace::new();
        let x = create(&mut s, &mut t, pod("x", "", None)).unwrap();
        let y = create(&mut a, &mut at, pod("x", "", None)).unwrap();
        assert_eq!(x.meta.uid, y.meta.uid);
        assert_eq!(
            t.rows().iter().filter(|r| r.event == "ApiError").count(),
            2,
            "rejected creates are traced as errors"
        );
    }

    #[test]
    fn pod_updates_keep_the_admitted_priority() {
        let (mut s, mut t) = server();
        create_all(&mut s, &mut t, vec![default1()]);
        let stored = create(&mut s, &mut t, pod("web", "", None)).unwrap();
        // A PUT of the manifest as written (no priority, no policy) keeps what admission set.
        let mut put = pod("web", "default1", None);
        if let Body::Pod(p) = &mut put.body {
            p.spec.tolerations = stored.as_pod().unwrap().spec.tolerations.clone();
        }
        put.meta.labels = [("tier", "web")].into_iter().collect();
        let r = s.handle(SECOND, "test", Request::Update { object: put }, &mut t);
        let updated = r.expect("update accepted").object().unwrap().clone();
        let spec = &updated.as_pod().unwrap().spec;
        assert_eq!((spec.priority, spec.preemption_policy), (Some(1000), PLP));
    }

    // TestPriorityClassAdmission and TestDefaultPriority.
    #[test]
    fn only_one_class_may_be_the_global_default() {
        let (mut s, mut t) = server();
        // "one default class"
        create(&mut s, &mut t, default1()).expect("first default");
        // "more than one default classes"
        assert_eq!(
            forbidden(create(&mut s, &mut t, default2())),
            "priorityclasses.scheduling.k8s.io \"default2\" is forbidden: PriorityClass default1 is already marked as default. Only one default can exist"
        );
        // Marking another class default on update is forbidden too; the default itself may be
        // updated.
        create(&mut s, &mut t, nondefault1()).unwrap();
        let r = s.handle(
            SECOND,
            "test",
            Request::Update {
                object: class("nondefault1", 2000, true),
            },
            &mut t,
        );
        assert!(r
            .unwrap_err()
            .message
            .contains("PriorityClass default1 is already marked as default"));
        let mut relabelled = default1();
        relabelled.meta.labels = [("a", "b")].into_iter().collect();
        s.handle(
            SECOND,
            "test",
            Request::Update { object: relabelled },
            &mut t,
        )
        .expect("the default class may be updated");

        // "update default class and remove its global default": pods get 0 again.
        s.handle(
            SECOND,
            "test",
            Request::Update {
                object: class("default1", 1000, false),
            },
            &mut t,
        )
        .unwrap();
        assert_eq!(
            admitted(&mut s, &mut t, pod("a", "", None)),
            (0, PLP, String::new())
        );
        // "add a default class"
        create(&mut s, &mut t, default2()).unwrap();
        assert_eq!(admitted(&mut s, &mut t, pod("b", "", None)).0, 2000);
        // "delete default priority class"
        let del = Request::Delete {
            kind: Kind::PriorityClass,
            namespace: Name::default(),
            name: "default2".into(),
            options: DeleteOptions::default(),
        };
        s.handle(SECOND, "test", del, &mut t).unwrap();
        assert_eq!(admitted(&mut s, &mut t, pod("c", "", None)).0, 0);
    }

    // TestDefaultPriority "multiple default classes resolves to the minimum value among them":
    // two defaults can only come from a race, so the second is put in etcd directly.
    #[test]
    fn racing_defaults_resolve_to_the_lowest_value() {
        let (mut s, mut t) = server();
        create(&mut s, &mut t, default2()).unwrap();
        let mut raced = with_policy(default1(), PreemptionPolicy::PreemptLowerPriority);
        raced.meta.resource_version = s.next_revision();
        s.store
            .create(
                object_key(Kind::PriorityClass, "", "default1"),
                Arc::new(raced),
            )
            .unwrap();
        assert_eq!(
            admitted(&mut s, &mut t, pod("p", "", None)),
            (1000, PLP, "default1".into())
        );
    }

    #[test]
    fn user_classes_are_validated_and_built_ins_cannot_be_recreated() {
        let (mut s, mut t) = server();
        let err = create(&mut s, &mut t, class("huge", 1_000_000_001, false)).unwrap_err();
        assert_eq!(err.code, 422);
        assert_eq!(
            err.message,
            "PriorityClass.scheduling.k8s.io \"huge\" is invalid: value: Forbidden: maximum allowed value of a user defined priority is 1000000000"
        );
        // "system name and value are allowed by admission controller": validation and then
        // the built-in already existing decide.
        let err = create(
            &mut s,
            &mut t,
            class(SYSTEM_CLUSTER_CRITICAL, 2_000_000_000, false),
        )
        .unwrap_err();
        assert_eq!((err.code, err.reason), (409, StatusReason::AlreadyExists));
        assert_eq!(
            err.message,
            "priorityclasses.scheduling.k8s.io \"system-cluster-critical\" already exists"
        );
        let err = create(&mut s, &mut t, class("system-test", 1_000_000_001, false)).unwrap_err();
        assert_eq!(err.code, 422);
        assert!(
            err.message
                .ends_with("error: system-test is not a known system priority class"),
            "{}",
            err.message
        );
    }

    #[test]
    fn built_ins_are_stored_on_their_first_update_and_never_deleted() {
        let (mut s, mut t) = server();
        let delete = |name: &str| Request::Delete {
            kind: Kind::PriorityClass,
            namespace: Name::default(),
            name: name.into(),
            options: DeleteOptions::default(),
        };
        let err = s
            .handle(SECOND, "test", delete(SYSTEM_NODE_CRITICAL), &mut t)
            .unwrap_err();
        assert_eq!((err.code, err.reason), (403, StatusReason::Forbidden));
        assert_eq!(
            err.message,
            "priorityclasses.scheduling.k8s.io \"system-node-critical\" is forbidden: this is a system priority class and cannot be deleted"
        );
        s.watch(
            7,
            WatchRequest {
                kind: Kind::PriorityClass,
                namespace: None,
                label_selector: None,
                field_selector: None,
                resource_version: None,
            },
        )
        .unwrap();
        // A label patch stores the class: a revision, an ApiUpdate row, MODIFIED to watchers.
        let rev = s.revision();
        let patched = s
            .handle(
                SECOND,
                "kubectl",
                Request::Patch {
                    kind: Kind::PriorityClass,
                    namespace: Name::default(),
                    name: SYSTEM_NODE_CRITICAL.into(),
                    patch: serde_json::json!({"metadata": {"labels": {"tier": "system"}}}),
                    status: false,
                    strategic: false,
                },
                &mut t,
            )
            .expect("patched")
            .object()
            .unwrap()
            .clone();
        assert_eq!(patched.meta.resource_version, rev + 1);
        assert_eq!(patched.meta.labels.get("tier"), Some("system"));
        assert_eq!(s.count(Kind::PriorityClass), 1);
        let events = s.take_outbox();
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].1.type_, WatchEventType::Modified);
        assert!(t
            .rows()
            .iter()
            .any(|r| r.event == "ApiUpdate" && r.name == SYSTEM_NODE_CRITICAL));
        // Still listed once, now as stored; still resolved by admission; still undeletable.
        let listed = s.list(Kind::PriorityClass, None);
        assert_eq!(listed.len(), 2);
        assert_eq!(listed[1].meta.resource_version, rev + 1);
        assert_eq!(
            admitted(&mut s, &mut t, pod("p", SYSTEM_NODE_CRITICAL, None)).0,
            2_000_001_000
        );
        assert_eq!(
            s.handle(SECOND, "test", delete(SYSTEM_NODE_CRITICAL), &mut t)
                .unwrap_err()
                .code,
            403
        );
        // The value stays immutable.
        let err = s
            .handle(
                SECOND,
                "test",
                Request::Update {
                    object: class(SYSTEM_CLUSTER_CRITICAL, 1, false),
                },
                &mut t,
            )
            .unwrap_err();
        assert_eq!(err.code, 422);
        assert!(
            err.message
                .ends_with("value: Forbidden: may not be changed in an update."),
            "{}",
            err.message
        );
        // Selectors apply to the built-ins.
        let listed = s.handle(
            SECOND,
            "test",
            Request::List {
                kind: Kind::PriorityClass,
                namespace: None,
                label_selector: Some(LabelSelector::parse("tier=system").unwrap()),
                field_selector: None,
            },
            &mut t,
        );
        let Ok(Response::List { items, .. }) = listed else {
            panic!("{listed:?}")
        };
        let names: Vec<&str> = items.iter().map(|o| o.name()).collect();
        assert_eq!(names, [SYSTEM_NODE_CRITICAL]);
    }

    /// job strategy generateSelector and SetDefaults_Job, as in upstream's strategy_test.go
    /// TestJobStrategy_PrepareForCreate / the generated-selector validation cases.
    #[test]
    fn job_selector_and_labels_are_generated_unless_manual() {
        let (mut s, mut t) = server();
        let job = |extra: &str| {
            crate::api::manifest::parse_manifests(
                &format!("apiVersion: batch/v1\nkind: Job\nmetadata: {{name: pi}}\nspec:\n{extra}  template:\n    metadata: {{labels: {{tier: batch}}}}\n    spec: {{restartPolicy: Never, containers: [{{name: c, image: x}}]}}\n"),
                "t",
            )
            .unwrap()
            .remove(0)
            .object
        };
        let j = create(&mut s, &mut t, job("")).unwrap();
        let uid = j.meta.uid.to_string();
        let Body::Job(spec) = &j.body else { panic!() };
        let sel = spec.selector.as_ref().expect("a generated selector");
        assert_eq!(
            sel.match_labels.iter().collect::<Vec<_>>(),
            vec![("batch.kubernetes.io/controller-uid", uid.as_str())]
        );
        let labels = &spec.template.labels;
        assert_eq!(labels.get("batch.kubernetes.io/job-name"), Some("pi"));
        assert_eq!(labels.get("job-name"), Some("pi"));
        assert_eq!(labels.get("controller-uid"), Some(uid.as_str()));
        assert_eq!(labels.get("tier"), Some("batch"), "the user's labels stay");
        // SetDefaults_Job ran when the manifest was decoded: the template's labels as written.
        assert_eq!(
            j.meta.labels.iter().collect::<Vec<_>>(),
            vec![("tier", "batch")]
        );
        // Without template labels the Job reads back with the generated ones.
        let mut bare = job("");
        bare.meta.name = "bare".into();
        if let Body::Job(b) = &mut bare.body {
            b.template.labels = Default::default();
        }
        bare.meta.labels = Default::default();
        let b = create(&mut s, &mut t, bare).unwrap();
        let Body::Job(bspec) = &b.body else { panic!() };
        assert_eq!(b.meta.labels, bspec.template.labels);
        assert_eq!(b.meta.labels.len(), 4);

        let mut manual = job("  manualSelector: true\n  selector: {matchLabels: {tier: batch}}\n");
        manual.meta.name = "manual".into();
        manual.meta.labels.insert("team", "a");
        let m = create(&mut s, &mut t, manual).unwrap();
        let Body::Job(spec) = &m.body else { panic!() };
        assert_eq!(spec.selector.as_ref().unwrap().match_labels.len(), 1);
        assert!(!spec.template.labels.contains_key("controller-uid"));
        assert_eq!(m.meta.labels.get("team"), Some("a"), "own labels are kept");
    }
}
