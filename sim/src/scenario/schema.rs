//! The scenario file format (docs/scenario.md), as serde types. Unknown keys are errors
//! here — this is kubesim's own format, so a typo must not be silently ignored — while
//! Kubernetes manifests inside it follow kubectl's rules (warnings, see `api::manifest`).

use std::collections::BTreeMap;

use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ScenarioFile {
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub seed: u64,
    /// How long to simulate (a Go duration: `10m`, `90s`).
    pub until: String,
    /// The runaway guard: stop with an error after this many events.
    #[serde(default)]
    pub max_events: Option<u64>,
    /// A model file, relative to the scenario file. Default: the built-in default model.
    #[serde(default)]
    pub model: Option<String>,
    /// The Kubernetes version whose behaviour to simulate where it changed (`"1.36"`).
    /// Default: the newest modelled.
    #[serde(default)]
    pub kubernetes_version: Option<String>,
    /// Feature gates to override, as `--feature-gates` would (`{StaleControllerConsistencyJob: false}`).
    #[serde(default)]
    pub feature_gates: BTreeMap<String, bool>,
    #[serde(default)]
    pub cluster: ClusterSpec,
    /// What containers do, by image (and optionally container name): see docs/models.md.
    #[serde(default)]
    pub container_behaviors: Vec<BehaviorRuleSpec>,
    /// kube-scheduler's configuration and explanations.
    #[serde(default)]
    pub scheduler: SchedulerSpec,
    #[serde(default)]
    pub timeline: Vec<TimelineEntry>,
    #[serde(default)]
    pub expect: Vec<Expectation>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SchedulerSpec {
    /// A KubeSchedulerConfiguration: a file path relative to the scenario, or inline.
    #[serde(default)]
    pub config: Option<serde_yaml::Value>,
    /// Write `scheduling.csv` (one row per attempt × node × plugin).
    #[serde(default)]
    pub explain: bool,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ClusterSpec {
    #[serde(default)]
    pub node_groups: Vec<NodeGroup>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct NodeGroup {
    pub count: u32,
    /// Nodes are named `<namePrefix><index>`, index from 1. Default `node-`.
    #[serde(default = "default_prefix")]
    pub name_prefix: String,
    /// Resource quantities, written as in a manifest (`cpu: 4`, `memory: 16Gi`).
    pub capacity: BTreeMap<String, serde_yaml::Value>,
    /// Defaults to the capacity.
    #[serde(default)]
    pub allocatable: Option<BTreeMap<String, serde_yaml::Value>>,
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    #[serde(default)]
    pub taints: Vec<TaintSpec>,
    /// Images already on the nodes' disks when the run starts.
    #[serde(default)]
    pub images: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct BehaviorRuleSpec {
    /// An image name, or a prefix ending in `*`.
    pub image: String,
    #[serde(default)]
    pub container: Option<String>,
    pub behavior: crate::model::ContainerBehavior,
}

fn default_prefix() -> String {
    "node-".into()
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct TaintSpec {
    pub key: String,
    #[serde(default)]
    pub value: String,
    pub effect: String,
}

/// One timeline entry: `at` plus exactly one action.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct TimelineEntry {
    pub at: String,
    /// A kubectl command line, as typed against a real cluster.
    #[serde(default)]
    pub kubectl: Option<String>,
    /// A manifest: inline (a mapping or a list of mappings) or a file path.
    #[serde(default)]
    pub apply: Option<serde_yaml::Value>,
    #[serde(default)]
    pub create: Option<serde_yaml::Value>,
    #[serde(default)]
    pub replace: Option<serde_yaml::Value>,
    #[serde(default)]
    pub delete: Option<DeleteSpec>,
    #[serde(default)]
    pub patch: Option<PatchSpec>,
    #[serde(default)]
    pub fault: Option<FaultSpec>,
    /// With `kubectl: edit TYPE/NAME`: the changes made in the editor, as a JSON merge patch
    /// written as YAML.
    #[serde(default)]
    pub edit: Option<serde_yaml::Value>,
    /// A free-form note, echoed in the trace.
    #[serde(default)]
    pub note: Option<String>,
    /// The objects of this entry are invalid on purpose: skip the load-time validation and let
    /// the API server reject them during the run, as it would reject kubectl.
    #[serde(default)]
    pub expect_failure: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct DeleteSpec {
    pub kind: String,
    pub name: String,
    #[serde(default)]
    pub namespace: Option<String>,
    #[serde(default)]
    pub grace_period_seconds: Option<i64>,
    /// `Background` (default), `Foreground` or `Orphan`.
    #[serde(default)]
    pub propagation_policy: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PatchSpec {
    pub kind: String,
    pub name: String,
    #[serde(default)]
    pub namespace: Option<String>,
    /// A JSON merge patch, written as YAML.
    pub patch: serde_yaml::Value,
    /// `status` to patch the status subresource.
    #[serde(default)]
    pub subresource: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct FaultSpec {
    /// etcd stops answering for this long.
    #[serde(default)]
    pub etcd_outage: Option<String>,
    /// The node powers off (kubelet and containers stop).
    #[serde(default)]
    pub node_crash: Option<String>,
    /// The node boots again.
    #[serde(default)]
    pub node_recover: Option<String>,
    /// Only the kubelet process restarts on the node.
    #[serde(default)]
    pub kubelet_restart: Option<String>,
    /// The node is cut off from the control plane and other nodes for a while.
    #[serde(default)]
    pub partition: Option<PartitionSpec>,
    /// A container's process exits at once.
    #[serde(default)]
    pub container_crash: Option<ContainerCrashSpec>,
    /// The image registry answers nothing for this long.
    #[serde(default)]
    pub registry_outage: Option<String>,
    #[serde(default)]
    pub registry_slowdown: Option<RegistrySlowdownSpec>,
    /// A control-plane process restarts: `kube-controller-manager` (all its controllers),
    /// one controller (`replicaset-controller`, `deployment-controller`, ...) or
    /// `kube-scheduler`. Its caches, queues and expectations are lost; it relists.
    #[serde(default)]
    pub controller_restart: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PartitionSpec {
    pub node: String,
    pub duration: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ContainerCrashSpec {
    pub pod: String,
    #[serde(default)]
    pub namespace: Option<String>,
    pub container: String,
    #[serde(default = "default_crash_exit_code")]
    pub exit_code: i32,
}

fn default_crash_exit_code() -> i32 {
    1
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RegistrySlowdownSpec {
    pub factor: u32,
    pub duration: String,
}

/// A check on the final state, evaluated after the run: `objects` or `trace` selects what to
/// count, `count`/`min`/`max` bound it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Expectation {
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub objects: Option<ObjectQuery>,
    #[serde(default)]
    pub trace: Option<TraceQuery>,
    #[serde(default)]
    pub kubectl_errors: Option<bool>,
    #[serde(default)]
    pub count: Option<u64>,
    #[serde(default)]
    pub min: Option<u64>,
    #[serde(default)]
    pub max: Option<u64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ObjectQuery {
    pub kind: String,
    #[serde(default)]
    pub namespace: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub label_selector: Option<String>,
    /// Pods only: the phase.
    #[serde(default)]
    pub phase: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct TraceQuery {
    pub event: String,
    #[serde(default)]
    pub component: Option<String>,
    #[serde(default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub namespace: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub node: Option<String>,
    /// A substring the detail column must contain.
    #[serde(default)]
    pub detail_contains: Option<String>,
    /// Only rows at or after this time (a Go duration from the start).
    #[serde(default)]
    pub after: Option<String>,
    /// Only rows before this time.
    #[serde(default)]
    pub before: Option<String>,
}
