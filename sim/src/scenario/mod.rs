//! Scenarios: the YAML file (cluster, timeline of kubectl-like actions and faults,
//! expectations) compiled into a ready-to-run [`Simulation`], and the outputs of a run
//! (`trace.csv`, `summary.json`, `kubectl.txt`). See docs/scenario.md.

pub mod kubectl;
pub mod rolling_update;
mod schema;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::json;

use crate::api::manifest::{parse_manifests, parse_value};
use crate::api::quantity::Quantity;
use crate::api::request::{DeleteOptions, PropagationPolicy, Request};
use crate::api::selector::LabelSelector;
use crate::api::types::*;
use crate::client::{ComponentId, Fault};
use crate::cluster::{Cluster, DEFAULT_MAX_EVENTS};
use crate::controllers::{
    DeploymentController, GarbageCollector, JobController, NodeLifecycleController,
    ReplicaSetController,
};
use crate::engine::{
    format_duration, parse_duration, RunawayError, SimDuration, SimTime, StopReason,
};
use crate::model::Model;
use crate::network::CONTROL_PLANE;
use crate::node::{Kubelet, NodeSetup};
use crate::scheduler::config::{KubeSchedulerConfiguration, Registry};
use crate::scheduler::{Scheduler, SchedulerSetup};
use crate::trace::Record;
use std::sync::Arc;

use kubectl::{parse_kubectl, Target};
pub use kubectl::{Kubectl, KubectlAction, TranscriptEntry};
use schema::*;

/// A scenario that could not be loaded: one message naming the file, the YAML path (or line)
/// and what was expected.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ScenarioError {
    pub message: String,
}

fn err(message: impl Into<String>) -> ScenarioError {
    ScenarioError {
        message: message.into(),
    }
}

/// What happens at one point of the timeline.
#[derive(Clone, Debug)]
pub enum ActionKind {
    Kubectl(Box<KubectlAction>),
    Fault(FaultTarget, Fault),
    Note(String),
}

/// Where a fault goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FaultTarget {
    /// The infrastructure (etcd).
    Cluster,
    /// The node of this name (its kubelet and runtime, its network host).
    Node(Name),
    /// Every node (the image registry they share; a container wherever it runs).
    AllNodes,
    /// Control-plane components, by name.
    Components(Vec<String>),
}

/// `controllerRestart: kube-controller-manager` restarts all of these.
const KUBE_CONTROLLER_MANAGER: &str = "kube-controller-manager";
const KCM_CONTROLLERS: [&str; 6] = [
    crate::controllers::replica_set::RS_COMPONENT,
    crate::controllers::replica_set::RC_COMPONENT,
    crate::controllers::deployment::COMPONENT,
    crate::controllers::job::COMPONENT,
    crate::controllers::garbage_collector::COMPONENT,
    crate::controllers::node_lifecycle::COMPONENT,
];

#[derive(Clone, Debug)]
pub struct TimedAction {
    pub at: SimTime,
    /// Position in the scenario's timeline.
    pub index: usize,
    /// The command as the transcript shows it.
    pub command: String,
    pub kind: ActionKind,
}

#[derive(Clone, Debug)]
enum ExpectTarget {
    Objects {
        kind: Kind,
        namespace: Option<String>,
        name: Option<String>,
        selector: Option<LabelSelector>,
        phase: Option<PodPhase>,
    },
    Trace {
        event: String,
        component: Option<String>,
        kind: Option<String>,
        namespace: Option<String>,
        name: Option<String>,
        node: Option<String>,
        detail_contains: Option<String>,
        after: Option<SimTime>,
        before: Option<SimTime>,
    },
    KubectlErrors,
}

#[derive(Clone, Debug)]
pub struct Expectation {
    pub description: String,
    target: ExpectTarget,
    count: Option<u64>,
    min: Option<u64>,
    max: Option<u64>,
}

/// The outcome of one expectation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExpectationResult {
    pub description: String,
    pub actual: u64,
    pub expected: String,
    pub passed: bool,
}

/// A loaded, validated scenario.
#[derive(Clone, Debug)]
pub struct Scenario {
    pub name: String,
    pub description: String,
    pub seed: u64,
    pub until: SimTime,
    pub max_events: u64,
    pub model: Model,
    /// Where the model came from (a path, or `builtin`).
    pub model_source: String,
    /// The Kubernetes version and feature gates the run simulates.
    pub features: crate::features::FeatureGates,
    /// Nodes that exist when the run starts.
    pub nodes: Vec<Object>,
    /// Images on each node's disk at the start, by node name.
    pub preloaded_images: NodeImages,
    /// The scenario's container behaviour rules.
    pub behavior_rules: Vec<crate::node::BehaviorRule>,
    pub actions: Vec<TimedAction>,
    pub expectations: Vec<Expectation>,
    /// kube-scheduler's configuration (validated) and where it came from.
    pub scheduler_config: KubeSchedulerConfiguration,
    pub scheduler_config_source: String,
    /// Whether to write `scheduling.csv`.
    pub explain: bool,
    /// Warnings about the input (unknown or unmodelled manifest fields, deprecated APIs).
    pub warnings: Vec<String>,
    pub source: PathBuf,
}

impl Scenario {
    /// Replaces the scheduler configuration with a KubeSchedulerConfiguration file
    /// (`--scheduler-config`). Errors name the file and the field.
    pub fn set_scheduler_config_file(&mut self, path: &Path) -> Result<(), ScenarioError> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            err(format!(
                "{}: cannot read scheduler configuration: {e}",
                path.display()
            ))
        })?;
        let source = path.display().to_string();
        let (config, warnings) = parse_scheduler_config(&text, &source)?;
        self.warnings.extend(warnings);
        self.scheduler_config = config;
        self.scheduler_config_source = source;
        Ok(())
    }

    /// Loads a scenario file; manifests and models it names are resolved against its folder.
    pub fn load(path: &Path) -> Result<Scenario, ScenarioError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| err(format!("{}: cannot read scenario: {e}", path.display())))?;
        let base = path.parent().unwrap_or(Path::new(".")).to_path_buf();
        Scenario::from_yaml(&text, &path.display().to_string(), &base)
    }

    /// Parses a scenario from text. `source_name` names it in messages; relative paths in it
    /// resolve against `base_dir`.
    pub fn from_yaml(
        text: &str,
        source_name: &str,
        base_dir: &Path,
    ) -> Result<Scenario, ScenarioError> {
        let file: ScenarioFile = crate::model::from_yaml_strict(text, source_name).map_err(err)?;
        let mut c = Compiler {
            source_name: source_name.to_string(),
            base: base_dir.to_path_buf(),
            warnings: Vec::new(),
            node_names: Default::default(),
        };
        c.compile(file)
    }
}

/// Parses and validates a KubeSchedulerConfiguration; returns it with its warnings.
fn parse_scheduler_config(
    text: &str,
    source: &str,
) -> Result<(KubeSchedulerConfiguration, Vec<String>), ScenarioError> {
    let config: KubeSchedulerConfiguration =
        crate::model::from_yaml_strict(text, source).map_err(err)?;
    let (_, warnings) = SchedulerSetup::new(
        config.clone(),
        Registry::default(),
        Default::default(),
        false,
    )
    .map_err(|e| err(format!("{source}: {e}")))?;
    Ok((
        config,
        warnings
            .into_iter()
            .map(|w| format!("{source}: {w}"))
            .collect(),
    ))
}

/// The images on each node's disk at the start, by node name.
type NodeImages = BTreeMap<Name, Vec<Name>>;

struct Compiler {
    source_name: String,
    base: PathBuf,
    warnings: Vec<String>,
    node_names: std::collections::BTreeSet<Name>,
}

impl Compiler {
    fn at(&self, path: &str, msg: impl std::fmt::Display) -> ScenarioError {
        err(format!("{}: {path}: {msg}", self.source_name))
    }

    fn compile(&mut self, f: ScenarioFile) -> Result<Scenario, ScenarioError> {
        if f.name.trim().is_empty() {
            return Err(self.at("name", "must not be empty"));
        }
        let until = parse_duration(&f.until).map_err(|e| self.at("until", e))?;
        let (model, model_source) = match &f.model {
            None => (Model::builtin(), "builtin:models/default.yaml".to_string()),
            Some(p) => {
                let path = self.base.join(p);
                let text = std::fs::read_to_string(&path).map_err(|e| {
                    self.at(
                        "model",
                        format!("cannot read model file {}: {e}", path.display()),
                    )
                })?;
                (
                    Model::from_yaml(&text, &path.display().to_string()).map_err(err)?,
                    p.clone(),
                )
            }
        };
        let mut model = model;
        let mut features = match &f.kubernetes_version {
            None => crate::features::FeatureGates::default(),
            Some(v) => crate::features::FeatureGates::for_version(
                crate::features::FeatureGates::parse_version(v)
                    .map_err(|e| self.at("kubernetesVersion", e))?,
            ),
        };
        for (name, value) in &f.feature_gates {
            let path = format!("featureGates.{name}");
            if !features.set(name, *value).map_err(|e| self.at(&path, e))? {
                self.warnings.push(format!(
                    "{}: {path}: feature gate not modelled by kubesim (ignored)",
                    self.source_name
                ));
            }
        }
        model.controller_manager.features = features.clone();
        let (nodes, preloaded_images) = self.nodes(&f.cluster)?;
        let (scheduler_config, scheduler_config_source) = match &f.scheduler.config {
            None => (KubeSchedulerConfiguration::default(), "default".to_string()),
            Some(serde_yaml::Value::String(p)) => {
                let path = self.base.join(p);
                let text = std::fs::read_to_string(&path).map_err(|e| {
                    self.at(
                        "scheduler.config",
                        format!(
                            "cannot read scheduler configuration {}: {e}",
                            path.display()
                        ),
                    )
                })?;
                let (c, w) = parse_scheduler_config(&text, &path.display().to_string())?;
                self.warnings.extend(w);
                (c, p.clone())
            }
            Some(v) => {
                let text = serde_yaml::to_string(v).map_err(|e| self.at("scheduler.config", e))?;
                let source = format!("{}: scheduler.config", self.source_name);
                let (c, w) = parse_scheduler_config(&text, &source)?;
                self.warnings.extend(w);
                (c, "inline".to_string())
            }
        };
        let mut behavior_rules = Vec::new();
        for (i, r) in f.container_behaviors.into_iter().enumerate() {
            r.behavior
                .validate()
                .map_err(|e| self.at(&format!("containerBehaviors[{i}].behavior"), e))?;
            behavior_rules.push(crate::node::BehaviorRule {
                image: r.image,
                container: r.container,
                behavior: r.behavior,
            });
        }
        let node_names: std::collections::BTreeSet<Name> =
            nodes.iter().map(|n| n.meta.name.clone()).collect();
        self.node_names = node_names;
        let mut actions = Vec::new();
        for (i, entry) in f.timeline.into_iter().enumerate() {
            let note = entry.note.clone();
            let action = self.action(i, entry)?;
            // A note beside an action is traced at the same time, before it.
            if let (Some(n), false) = (note, matches!(action.kind, ActionKind::Note(_))) {
                actions.push(TimedAction {
                    at: action.at,
                    index: i,
                    command: format!("note: {n}"),
                    kind: ActionKind::Note(n),
                });
            }
            actions.push(action);
        }
        // Stable: entries at the same time keep their order in the file.
        actions.sort_by_key(|a| (a.at, a.index));
        let mut expectations = Vec::new();
        for (i, e) in f.expect.into_iter().enumerate() {
            expectations.push(self.expectation(i, e)?);
        }
        Ok(Scenario {
            name: f.name,
            description: f.description,
            seed: f.seed,
            until,
            max_events: f.max_events.unwrap_or(DEFAULT_MAX_EVENTS),
            model,
            model_source,
            features,
            nodes,
            preloaded_images,
            behavior_rules,
            actions,
            expectations,
            scheduler_config,
            scheduler_config_source,
            explain: f.scheduler.explain,
            warnings: std::mem::take(&mut self.warnings),
            source: self.base.join(&self.source_name),
        })
    }

    /// The scenario's nodes, and the images each has on disk at the start.
    fn nodes(&mut self, cluster: &ClusterSpec) -> Result<(Vec<Object>, NodeImages), ScenarioError> {
        let mut nodes = Vec::new();
        let mut images = BTreeMap::new();
        let mut names = std::collections::BTreeSet::new();
        for (g, group) in cluster.node_groups.iter().enumerate() {
            let path = format!("cluster.nodeGroups[{g}]");
            let capacity = self.resources(&format!("{path}.capacity"), &group.capacity)?;
            let allocatable = match &group.allocatable {
                Some(a) => self.resources(&format!("{path}.allocatable"), a)?,
                None => capacity.clone(),
            };
            let mut taints = Vec::new();
            for (t, spec) in group.taints.iter().enumerate() {
                let effect = TaintEffect::parse(&spec.effect).ok_or_else(|| {
                    self.at(
                        &format!("{path}.taints[{t}].effect"),
                        format!("Unsupported value: \"{}\": supported values: \"NoSchedule\", \"PreferNoSchedule\", \"NoExecute\"", spec.effect),
                    )
                })?;
                taints.push(Taint {
                    key: spec.key.as_str().into(),
                    value: spec.value.as_str().into(),
                    effect,
                    time_added: None,
                });
            }
            for i in 1..=group.count {
                let index = nodes.len();
                let name = format!("{}{i}", group.name_prefix);
                if !names.insert(name.clone()) {
                    return Err(self.at(&path, format!("node name {name:?} is used by two node groups; give them different namePrefix values")));
                }
                let mut labels: StringMap = group
                    .labels
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.as_str()))
                    .collect();
                labels.insert("kubernetes.io/hostname", name.as_str());
                labels.insert("kubernetes.io/os", "linux");
                labels.insert("kubernetes.io/arch", "amd64");
                let conditions = crate::node::kubelet::healthy_node_conditions(0);
                images.insert(
                    Name::from(name.as_str()),
                    group
                        .images
                        .iter()
                        .map(|s| Name::from(s.as_str()))
                        .collect(),
                );
                nodes.push(Object {
                    meta: ObjectMeta {
                        name: name.as_str().into(),
                        labels,
                        ..Default::default()
                    },
                    body: Body::Node(Node {
                        spec: NodeSpec {
                            unschedulable: false,
                            taints: taints.clone(),
                            pod_cidr: format!("10.{}.{}.0/24", 244 + index / 256, index % 256)
                                .into(),
                            provider_id: format!("kubesim://{name}").into(),
                        },
                        status: NodeStatus {
                            capacity: capacity.clone(),
                            allocatable: allocatable.clone(),
                            conditions,
                            addresses: vec![
                                NodeAddress {
                                    type_: "InternalIP".into(),
                                    address: format!(
                                        "10.0.{}.{}",
                                        (index + 1) / 256,
                                        (index + 1) % 256
                                    )
                                    .into(),
                                },
                                NodeAddress {
                                    type_: "Hostname".into(),
                                    address: name.as_str().into(),
                                },
                            ],
                            images: Vec::new(),
                        },
                    }),
                });
            }
        }
        Ok((nodes, images))
    }

    fn resources(
        &self,
        path: &str,
        map: &BTreeMap<String, serde_yaml::Value>,
    ) -> Result<ResourceList, ScenarioError> {
        let mut list = ResourceList::new();
        for (k, v) in map {
            let text = match v {
                serde_yaml::Value::String(s) => s.clone(),
                serde_yaml::Value::Number(n) => n.to_string(),
                _ => {
                    return Err(self.at(
                        &format!("{path}.{k}"),
                        "expected a quantity such as 4, 500m or 16Gi",
                    ))
                }
            };
            let q: Quantity = text.parse().map_err(|e| {
                self.at(
                    &format!("{path}.{k}"),
                    format!("invalid quantity {text:?}: {e}"),
                )
            })?;
            let name = ResourceName::parse(k);
            let amount = if name == ResourceName::Cpu {
                q.milli_value()
            } else {
                q.value()
            };
            list.set(name, amount);
        }
        Ok(list)
    }

    /// Loads the manifests in a file (or every .yaml/.yml/.json file of a folder), relative to
    /// the scenario.
    fn load_manifest_file(&mut self, rel: &str) -> Result<Vec<Object>, String> {
        let path = self.base.join(rel);
        // Warnings name files relative to the scenario, so outputs do not depend on the
        // directory kubesim was started from.
        let mut files: Vec<(PathBuf, String)> = Vec::new();
        if path.is_dir() {
            let mut entries: Vec<PathBuf> = std::fs::read_dir(&path)
                .map_err(|e| format!("error: the path \"{rel}\" cannot be read: {e}"))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    matches!(
                        p.extension().and_then(|e| e.to_str()),
                        Some("yaml" | "yml" | "json")
                    )
                })
                .collect();
            entries.sort();
            for e in entries {
                let shown = Path::new(rel)
                    .join(e.file_name().unwrap_or_default())
                    .display()
                    .to_string();
                files.push((e, shown));
            }
        } else {
            files.push((path.clone(), rel.to_string()));
        }
        let mut out = Vec::new();
        for (file, shown) in files {
            let text = std::fs::read_to_string(&file)
                .map_err(|_| format!("error: the path \"{shown}\" does not exist"))?;
            let parsed = parse_manifests(&text, &shown).map_err(|e| e.to_string())?;
            for p in parsed {
                for w in &p.warnings {
                    self.warnings.push(format!(
                        "{shown}: document {}: {}: {}",
                        p.document + 1,
                        w.path,
                        w.message
                    ));
                }
                out.push(p.object);
            }
        }
        Ok(out)
    }

    fn inline_manifests(
        &mut self,
        path: &str,
        value: serde_yaml::Value,
    ) -> Result<Vec<Object>, ScenarioError> {
        match value {
            serde_yaml::Value::String(file) => {
                self.load_manifest_file(&file).map_err(|e| self.at(path, e))
            }
            serde_yaml::Value::Sequence(items) => {
                let mut out = Vec::new();
                for (i, item) in items.into_iter().enumerate() {
                    out.extend(self.inline_manifests(&format!("{path}[{i}]"), item)?);
                }
                Ok(out)
            }
            v @ serde_yaml::Value::Mapping(_) => {
                let json: serde_json::Value = serde_json::to_value(&v)
                    .map_err(|e| self.at(path, format!("not a valid manifest: {e}")))?;
                let scenario_file = Path::new(&self.source_name)
                    .file_name()
                    .and_then(|n| n.to_str())
                    .unwrap_or("scenario");
                let source = format!("{scenario_file}: {path}");
                let parsed = parse_value(json, &source, 0).map_err(|e| err(e.to_string()))?;
                for w in &parsed.warnings {
                    self.warnings
                        .push(format!("{source}: {}: {}", w.path, w.message));
                }
                Ok(vec![parsed.object])
            }
            _ => Err(self.at(
                path,
                "expected a manifest (a mapping), a list of manifests, or a file path",
            )),
        }
    }

    fn action(&mut self, i: usize, e: TimelineEntry) -> Result<TimedAction, ScenarioError> {
        let path = format!("timeline[{i}]");
        let at = parse_duration(&e.at).map_err(|m| self.at(&format!("{path}.at"), m))?;
        let set = [
            e.kubectl.is_some(),
            e.apply.is_some(),
            e.create.is_some(),
            e.replace.is_some(),
            e.delete.is_some(),
            e.patch.is_some(),
            e.fault.is_some(),
        ]
        .iter()
        .filter(|x| **x)
        .count();
        if set > 1 {
            return Err(self.at(&path, "has more than one action; use one of kubectl, apply, create, replace, delete, patch, fault per entry"));
        }
        if e.edit.is_some() && e.kubectl.is_none() {
            return Err(self.at(
                &format!("{path}.edit"),
                "only goes with `kubectl: edit TYPE/NAME`",
            ));
        }
        let expect_failure = e.expect_failure;
        let (command, kind) = if let Some(line) = e.kubectl {
            let sub = format!("{path}.kubectl");
            let mut loader = |f: &str| self.load_manifest_file(f);
            let mut action = parse_kubectl(&line, &mut loader)
                .map_err(|m| err(format!("{}: {sub}: {m}", self.source_name)))?;
            match (action.edit_changes_mut(), e.edit) {
                (Some(changes), Some(v)) => {
                    *changes = serde_json::to_value(&v)
                        .ok()
                        .filter(serde_json::Value::is_object)
                        .ok_or_else(|| {
                            self.at(
                                &format!("{path}.edit"),
                                "expected a mapping: the changes to make, as a merge patch",
                            )
                        })?;
                }
                (Some(_), None) => {
                    return Err(self.at(&path, "`kubectl edit` needs `edit:` beside it: the changes made in the editor, as a merge patch"));
                }
                (None, Some(_)) => {
                    return Err(self.at(
                        &format!("{path}.edit"),
                        "only goes with `kubectl: edit TYPE/NAME`",
                    ));
                }
                (None, None) => {}
            }
            let shown = if line.trim_start().starts_with("kubectl") {
                line.trim().to_string()
            } else {
                format!("kubectl {}", line.trim())
            };
            (shown, ActionKind::Kubectl(Box::new(action)))
        } else if let Some(v) = e.apply {
            let objects = self.inline_manifests(&format!("{path}.apply"), v)?;
            (
                format!("apply ({path})"),
                ActionKind::Kubectl(Box::new(KubectlAction::Apply {
                    objects,
                    source: path.clone(),
                })),
            )
        } else if let Some(v) = e.create {
            let objects = self.inline_manifests(&format!("{path}.create"), v)?;
            (
                format!("create ({path})"),
                ActionKind::Kubectl(Box::new(KubectlAction::Create {
                    objects,
                    source: path.clone(),
                })),
            )
        } else if let Some(v) = e.replace {
            let objects = self.inline_manifests(&format!("{path}.replace"), v)?;
            (
                format!("replace ({path})"),
                ActionKind::Kubectl(Box::new(KubectlAction::Replace {
                    objects,
                    source: path.clone(),
                })),
            )
        } else if let Some(d) = e.delete {
            let kind = self.kind(&format!("{path}.delete.kind"), &d.kind)?;
            let propagation = match d.propagation_policy.as_deref() {
                None => None,
                Some("Background") => Some(PropagationPolicy::Background),
                Some("Foreground") => Some(PropagationPolicy::Foreground),
                Some("Orphan") => Some(PropagationPolicy::Orphan),
                Some(other) => {
                    return Err(self.at(
                        &format!("{path}.delete.propagationPolicy"),
                        format!("Unsupported value: \"{other}\": supported values: \"Background\", \"Foreground\", \"Orphan\""),
                    ))
                }
            };
            let target = Target {
                kind: Some(kind),
                names: vec![d.name.as_str().into()],
                namespace: d.namespace.as_deref().map(Name::from),
                ..Default::default()
            };
            let options = DeleteOptions {
                grace_period_seconds: d.grace_period_seconds,
                propagation_policy: propagation,
                ..Default::default()
            };
            (
                format!("delete {}/{}", kind.resource(), d.name),
                ActionKind::Kubectl(Box::new(KubectlAction::Delete { target, options })),
            )
        } else if let Some(p) = e.patch {
            let kind = self.kind(&format!("{path}.patch.kind"), &p.kind)?;
            let patch = serde_json::to_value(&p.patch)
                .map_err(|m| self.at(&format!("{path}.patch.patch"), m))?;
            let status = match p.subresource.as_deref() {
                None => false,
                Some("status") => true,
                Some(other) => {
                    return Err(self.at(
                        &format!("{path}.patch.subresource"),
                        format!("unknown subresource {other:?}; only \"status\" is supported"),
                    ))
                }
            };
            let target = Target {
                kind: Some(kind),
                names: vec![p.name.as_str().into()],
                namespace: p.namespace.as_deref().map(Name::from),
                ..Default::default()
            };
            (
                format!("patch {}/{}", kind.resource(), p.name),
                ActionKind::Kubectl(Box::new(KubectlAction::Patch {
                    target,
                    patch,
                    status,
                    strategic: false,
                })),
            )
        } else if let Some(f) = e.fault {
            self.fault(&format!("{path}.fault"), f)?
        } else if let Some(n) = e.note.clone() {
            (format!("note: {n}"), ActionKind::Note(n))
        } else {
            return Err(self.at(&path, "has no action; expected one of kubectl, apply, create, replace, delete, patch, fault, note"));
        };
        if !expect_failure {
            self.validate_objects(&path, &kind)?;
        }
        Ok(TimedAction {
            at,
            index: i,
            command,
            kind,
        })
    }

    fn node(&self, path: &str, name: &str) -> Result<Name, ScenarioError> {
        if self.node_names.contains(name) {
            Ok(name.into())
        } else {
            Err(self.at(
                path,
                format!("no node named {name:?} in cluster.nodeGroups"),
            ))
        }
    }

    fn duration(&self, path: &str, d: &str) -> Result<SimDuration, ScenarioError> {
        parse_duration(d).map_err(|m| self.at(path, m))
    }

    fn fault(&self, path: &str, f: FaultSpec) -> Result<(String, ActionKind), ScenarioError> {
        let set = [
            f.etcd_outage.is_some(),
            f.node_crash.is_some(),
            f.node_recover.is_some(),
            f.kubelet_restart.is_some(),
            f.partition.is_some(),
            f.container_crash.is_some(),
            f.registry_outage.is_some(),
            f.registry_slowdown.is_some(),
            f.controller_restart.is_some(),
        ]
        .iter()
        .filter(|x| **x)
        .count();
        if set != 1 {
            return Err(self.at(path, "must name exactly one fault: etcdOutage, nodeCrash, nodeRecover, kubeletRestart, partition, containerCrash, registryOutage, registrySlowdown or controllerRestart"));
        }
        let (command, target, fault) = if let Some(d) = f.etcd_outage {
            let duration = self.duration(&format!("{path}.etcdOutage"), &d)?;
            (
                format!("fault etcdOutage {d}"),
                FaultTarget::Cluster,
                Fault::EtcdOutage { duration },
            )
        } else if let Some(n) = f.node_crash {
            let node = self.node(&format!("{path}.nodeCrash"), &n)?;
            (
                format!("fault nodeCrash {n}"),
                FaultTarget::Node(node),
                Fault::NodeCrash,
            )
        } else if let Some(n) = f.node_recover {
            let node = self.node(&format!("{path}.nodeRecover"), &n)?;
            (
                format!("fault nodeRecover {n}"),
                FaultTarget::Node(node),
                Fault::NodeRecover,
            )
        } else if let Some(n) = f.kubelet_restart {
            let node = self.node(&format!("{path}.kubeletRestart"), &n)?;
            (
                format!("fault kubeletRestart {n}"),
                FaultTarget::Node(node),
                Fault::KubeletRestart,
            )
        } else if let Some(p) = f.partition {
            let node = self.node(&format!("{path}.partition.node"), &p.node)?;
            let duration = self.duration(&format!("{path}.partition.duration"), &p.duration)?;
            (
                format!("fault partition {} for {}", p.node, p.duration),
                FaultTarget::Node(node),
                Fault::Partition { duration },
            )
        } else if let Some(c) = f.container_crash {
            let namespace = c.namespace.unwrap_or_else(|| "default".into());
            (
                format!(
                    "fault containerCrash {namespace}/{} {} exit {}",
                    c.pod, c.container, c.exit_code
                ),
                FaultTarget::AllNodes,
                Fault::ContainerCrash {
                    namespace: namespace.into(),
                    pod: c.pod.into(),
                    container: c.container.into(),
                    exit_code: c.exit_code,
                },
            )
        } else if let Some(c) = f.controller_restart {
            let components: Vec<&str> = if c == KUBE_CONTROLLER_MANAGER {
                KCM_CONTROLLERS.to_vec()
            } else if KCM_CONTROLLERS.contains(&c.as_str()) || c == crate::scheduler::COMPONENT {
                vec![c.as_str()]
            } else {
                return Err(self.at(
                    &format!("{path}.controllerRestart"),
                    format!(
                        "unknown component {c:?}: expected {KUBE_CONTROLLER_MANAGER}, {}, or {}",
                        KCM_CONTROLLERS.join(", "),
                        crate::scheduler::COMPONENT
                    ),
                ));
            };
            (
                format!("fault controllerRestart {c}"),
                FaultTarget::Components(components.iter().map(|n| n.to_string()).collect()),
                Fault::Restart,
            )
        } else if let Some(d) = f.registry_outage {
            let duration = self.duration(&format!("{path}.registryOutage"), &d)?;
            (
                format!("fault registryOutage {d}"),
                FaultTarget::AllNodes,
                Fault::RegistryOutage { duration },
            )
        } else {
            let r = f.registry_slowdown.expect("one fault is set");
            let duration =
                self.duration(&format!("{path}.registrySlowdown.duration"), &r.duration)?;
            if r.factor == 0 {
                return Err(self.at(
                    &format!("{path}.registrySlowdown.factor"),
                    "must be at least 1",
                ));
            }
            (
                format!("fault registrySlowdown x{} for {}", r.factor, r.duration),
                FaultTarget::AllNodes,
                Fault::RegistrySlowdown {
                    factor: r.factor,
                    duration,
                },
            )
        };
        Ok((command, ActionKind::Fault(target, fault)))
    }

    /// Validates the objects an entry creates or replaces, as the API server will, so that a
    /// broken manifest is reported before the run rather than as a kubectl error in it.
    fn validate_objects(&self, path: &str, kind: &ActionKind) -> Result<(), ScenarioError> {
        let ActionKind::Kubectl(action) = kind else {
            return Ok(());
        };
        let objects = match action.as_ref() {
            KubectlAction::Create { objects, .. }
            | KubectlAction::Apply { objects, .. }
            | KubectlAction::Replace { objects, .. } => objects,
            _ => return Ok(()),
        };
        for o in objects {
            let mut o = o.clone();
            if o.kind().namespaced() && o.meta.namespace.is_empty() {
                o.meta.namespace = "default".into();
            }
            let errors = crate::api::validate::validate_object(&o, None);
            if !errors.is_empty() {
                let status = crate::api::request::Status::invalid(
                    o.kind(),
                    &o.meta.name,
                    &crate::api::validate::render_errors(&errors),
                );
                return Err(self.at(
                    path,
                    format!(
                        "{} (set `expectFailure: true` on this entry if the failure is intended)",
                        status.kubectl_message()
                    ),
                ));
            }
        }
        Ok(())
    }

    fn kind(&self, path: &str, s: &str) -> Result<Kind, ScenarioError> {
        Kind::from_kind_str(s)
            .or_else(|| Kind::from_resource_arg(s))
            .ok_or_else(|| self.at(path, format!("unknown kind {s:?}")))
    }

    fn expectation(&self, i: usize, e: schema::Expectation) -> Result<Expectation, ScenarioError> {
        let path = format!("expect[{i}]");
        let chosen = [
            e.objects.is_some(),
            e.trace.is_some(),
            e.kubectl_errors.is_some(),
        ]
        .iter()
        .filter(|x| **x)
        .count();
        if chosen != 1 {
            return Err(self.at(
                &path,
                "must have exactly one of objects, trace, kubectlErrors",
            ));
        }
        if e.count.is_none() && e.min.is_none() && e.max.is_none() {
            return Err(self.at(&path, "must bound the count with count, min or max"));
        }
        let (target, auto) = if let Some(o) = e.objects {
            let kind = self.kind(&format!("{path}.objects.kind"), &o.kind)?;
            let selector = match &o.label_selector {
                Some(s) => Some(
                    LabelSelector::parse(s)
                        .map_err(|m| self.at(&format!("{path}.objects.labelSelector"), m))?,
                ),
                None => None,
            };
            let phase = match &o.phase {
                Some(p) => Some(PodPhase::parse(p).ok_or_else(|| {
                    self.at(
                        &format!("{path}.objects.phase"),
                        format!("unknown pod phase {p:?}"),
                    )
                })?),
                None => None,
            };
            let auto = format!(
                "{} objects{}",
                kind.as_str(),
                o.phase
                    .as_ref()
                    .map(|p| format!(" in phase {p}"))
                    .unwrap_or_default()
            );
            (
                ExpectTarget::Objects {
                    kind,
                    namespace: o.namespace,
                    name: o.name,
                    selector,
                    phase,
                },
                auto,
            )
        } else if let Some(t) = e.trace {
            let auto = format!("trace rows {}", t.event);
            (
                ExpectTarget::Trace {
                    event: t.event,
                    component: t.component,
                    kind: t.kind,
                    namespace: t.namespace,
                    name: t.name,
                    node: t.node,
                    detail_contains: t.detail_contains,
                    after: match &t.after {
                        Some(d) => Some(self.duration(&format!("{path}.trace.after"), d)?),
                        None => None,
                    },
                    before: match &t.before {
                        Some(d) => Some(self.duration(&format!("{path}.trace.before"), d)?),
                        None => None,
                    },
                },
                auto,
            )
        } else {
            (
                ExpectTarget::KubectlErrors,
                "failed kubectl commands".to_string(),
            )
        };
        Ok(Expectation {
            description: e.description.unwrap_or(auto),
            target,
            count: e.count,
            min: e.min,
            max: e.max,
        })
    }
}

/// Overrides for one run.
#[derive(Clone, Debug, Default)]
pub struct RunOptions {
    pub seed: Option<u64>,
    pub until: Option<SimDuration>,
    pub max_events: Option<u64>,
    /// Write `scheduling.csv` even if the scenario does not ask for it.
    pub explain: bool,
}

/// A scenario set up on a cluster, ready to run, and its results afterwards.
pub struct Simulation {
    scenario: Scenario,
    seed: u64,
    cluster: Cluster,
    kubectl: ComponentId,
    scheduler: ComponentId,
    /// `--explain`: write scheduling.csv.
    explain: bool,
    stop: Option<StopReason>,
}

impl Simulation {
    pub fn new(scenario: Scenario, opts: &RunOptions) -> Simulation {
        let seed = opts.seed.unwrap_or(scenario.seed);
        let until = opts.until.unwrap_or(scenario.until);
        let max_events = opts.max_events.unwrap_or(scenario.max_events);
        let mut cluster = Cluster::new(scenario.model.clone(), seed, until, max_events);
        let mut kubelets = BTreeMap::new();
        for node in &scenario.nodes {
            let host = cluster.add_host(&node.meta.name);
            cluster
                .admin_request(
                    "cluster-bootstrap",
                    Request::Create {
                        object: node.clone(),
                    },
                )
                .expect("scenario nodes are valid and uniquely named");
            let setup = Arc::new(NodeSetup {
                node: node.meta.name.clone(),
                kubelet: scenario.model.kubelet.clone(),
                runtime: scenario.model.runtime.clone(),
                rules: scenario.behavior_rules.clone(),
                preloaded_images: scenario
                    .preloaded_images
                    .get(&node.meta.name)
                    .cloned()
                    .unwrap_or_default(),
            });
            let id = cluster.add_component(
                &format!("kubelet/{}", node.meta.name),
                host,
                Box::new(Kubelet::new(setup)),
                None,
            );
            kubelets.insert(node.meta.name.clone(), id);
        }
        let model = scenario.model.node_lifecycle.clone();
        cluster.add_component(
            crate::controllers::node_lifecycle::COMPONENT,
            CONTROL_PLANE,
            Box::new(NodeLifecycleController::new(model.clone())),
            Some(Box::new(move || {
                Box::new(NodeLifecycleController::new(model.clone()))
                    as Box<dyn crate::client::Component>
            })),
        );
        // kube-controller-manager's workload controllers, each restartable.
        let cm = scenario.model.controller_manager.clone();
        macro_rules! controller {
            ($name:expr, $make:expr) => {{
                let cm = cm.clone();
                let make = move || -> Box<dyn crate::client::Component> {
                    let cm = cm.clone();
                    Box::new($make(cm))
                };
                cluster.add_component($name, CONTROL_PLANE, make(), Some(Box::new(make)));
            }};
        }
        controller!(crate::controllers::replica_set::RS_COMPONENT, |cm| {
            ReplicaSetController::new(Kind::ReplicaSet, cm)
        });
        controller!(crate::controllers::replica_set::RC_COMPONENT, |cm| {
            ReplicaSetController::new(Kind::ReplicationController, cm)
        });
        controller!(
            crate::controllers::deployment::COMPONENT,
            DeploymentController::new
        );
        controller!(crate::controllers::job::COMPONENT, JobController::new);
        controller!(
            crate::controllers::garbage_collector::COMPONENT,
            GarbageCollector::new
        );
        let (setup, _) = SchedulerSetup::new(
            scenario.scheduler_config.clone(),
            Registry::default(),
            scenario.model.scheduler.clone(),
            scenario.explain || opts.explain,
        )
        .expect("the scheduler configuration was validated when the scenario loaded");
        let setup = Arc::new(setup);
        let restart_setup = setup.clone();
        let scheduler = cluster.add_component(
            crate::scheduler::COMPONENT,
            CONTROL_PLANE,
            Box::new(Scheduler::new(setup)),
            Some(Box::new(move || {
                Box::new(Scheduler::new(restart_setup.clone())) as Box<dyn crate::client::Component>
            })),
        );
        let kubectl =
            cluster.add_component("kubectl", CONTROL_PLANE, Box::new(Kubectl::new()), None);
        for (tag, action) in scenario.actions.iter().enumerate() {
            match &action.kind {
                ActionKind::Kubectl(k) => {
                    let kc: &mut Kubectl =
                        cluster.component_mut(kubectl).expect("kubectl component");
                    kc.schedule(tag as u64, action.at, action.command.clone(), (**k).clone());
                    cluster.schedule_timer(action.at, kubectl, tag as u64);
                }
                ActionKind::Fault(FaultTarget::Cluster, f) => {
                    cluster.schedule_fault(action.at, None, f.clone())
                }
                ActionKind::Fault(FaultTarget::Node(n), f) => {
                    cluster.schedule_fault(action.at, kubelets.get(n).copied(), f.clone())
                }
                ActionKind::Fault(FaultTarget::Components(names), f) => {
                    for n in names {
                        let id = cluster
                            .component_id(n)
                            .expect("restartable components are added above");
                        cluster.schedule_fault(action.at, Some(id), f.clone());
                    }
                }
                ActionKind::Fault(FaultTarget::AllNodes, f) => {
                    for id in kubelets.values() {
                        cluster.schedule_fault(action.at, Some(*id), f.clone());
                    }
                }
                ActionKind::Note(_) => cluster.schedule_hook(action.at, tag as u64),
            }
        }
        Simulation {
            scenario,
            seed,
            cluster,
            kubectl,
            scheduler,
            explain: opts.explain,
            stop: None,
        }
    }

    /// Loads and sets up a scenario file in one step.
    pub fn from_file(path: &Path, opts: &RunOptions) -> Result<Simulation, ScenarioError> {
        Ok(Simulation::new(Scenario::load(path)?, opts))
    }

    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }
    pub fn seed(&self) -> u64 {
        self.seed
    }
    pub fn cluster(&self) -> &Cluster {
        &self.cluster
    }
    pub fn cluster_mut(&mut self) -> &mut Cluster {
        &mut self.cluster
    }
    pub fn now(&self) -> SimTime {
        self.cluster.now()
    }
    /// What kubectl printed, command by command.
    pub fn kubectl_transcript(&self) -> &[TranscriptEntry] {
        self.cluster
            .component::<Kubectl>(self.kubectl)
            .map(|k| k.transcript())
            .unwrap_or(&[])
    }

    /// Runs to the end. `progress` is called now and then with the virtual time reached.
    pub fn run(&mut self, mut progress: impl FnMut(SimTime)) -> Result<StopReason, RunawayError> {
        let mut n = 0u64;
        while self.step()? {
            n += 1;
            if n % 65_536 == 0 {
                progress(self.cluster.now());
            }
        }
        let stop = self.cluster.run()?;
        progress(self.cluster.now());
        self.stop = Some(stop);
        Ok(stop)
    }

    /// Runs until `cond` holds or the run ends.
    pub fn run_until(
        &mut self,
        mut cond: impl FnMut(&Cluster) -> bool,
    ) -> Result<StopReason, RunawayError> {
        while self.step()? {
            if cond(&self.cluster) {
                return Ok(StopReason::Condition);
            }
        }
        let stop = self.cluster.run()?;
        self.stop = Some(stop);
        Ok(stop)
    }

    /// One event; false when the run is over.
    pub fn step(&mut self) -> Result<bool, RunawayError> {
        let more = self.cluster.step()?;
        for tag in self.cluster.take_fired_hooks() {
            if let Some(ActionKind::Note(n)) =
                self.scenario.actions.get(tag as usize).map(|a| &a.kind)
            {
                let now = self.cluster.now();
                self.cluster
                    .trace_mut()
                    .emit(now, Record::new("scenario", "Note").detail(n.clone()));
            }
        }
        Ok(more)
    }

    pub fn check_expectations(&self) -> Vec<ExpectationResult> {
        self.scenario
            .expectations
            .iter()
            .map(|e| {
                let actual = self.measure(&e.target);
                let mut parts = Vec::new();
                let mut passed = true;
                if let Some(c) = e.count {
                    parts.push(format!("== {c}"));
                    passed &= actual == c;
                }
                if let Some(m) = e.min {
                    parts.push(format!(">= {m}"));
                    passed &= actual >= m;
                }
                if let Some(m) = e.max {
                    parts.push(format!("<= {m}"));
                    passed &= actual <= m;
                }
                ExpectationResult {
                    description: e.description.clone(),
                    actual,
                    expected: parts.join(" and "),
                    passed,
                }
            })
            .collect()
    }

    fn measure(&self, t: &ExpectTarget) -> u64 {
        match t {
            ExpectTarget::Objects {
                kind,
                namespace,
                name,
                selector,
                phase,
            } => self
                .cluster
                .api()
                .list(*kind, namespace.as_deref())
                .iter()
                .filter(|o| name.as_ref().is_none_or(|n| o.meta.name == n.as_str()))
                .filter(|o| selector.as_ref().is_none_or(|s| s.matches(&o.meta.labels)))
                .filter(|o| {
                    phase.is_none_or(|p| o.as_pod().is_some_and(|pod| pod.status.phase == p))
                })
                .count() as u64,
            ExpectTarget::Trace {
                event,
                component,
                kind,
                namespace,
                name,
                node,
                detail_contains,
                after,
                before,
            } => self
                .cluster
                .trace()
                .rows()
                .iter()
                .filter(|r| r.event == event.as_str())
                .filter(|r| component.as_ref().is_none_or(|c| r.component == c.as_str()))
                .filter(|r| kind.as_ref().is_none_or(|c| r.kind == c.as_str()))
                .filter(|r| namespace.as_ref().is_none_or(|c| r.namespace == c.as_str()))
                .filter(|r| name.as_ref().is_none_or(|c| r.name == c.as_str()))
                .filter(|r| node.as_ref().is_none_or(|c| r.node == c.as_str()))
                .filter(|r| {
                    detail_contains
                        .as_ref()
                        .is_none_or(|c| r.detail.contains(c.as_str()))
                })
                .filter(|r| after.is_none_or(|t| r.time_ns >= t))
                .filter(|r| before.is_none_or(|t| r.time_ns < t))
                .count() as u64,
            ExpectTarget::KubectlErrors => self
                .cluster
                .component::<Kubectl>(self.kubectl)
                .map_or(0, |k| k.errors()),
        }
    }

    /// Whether the run writes `scheduling.csv`.
    pub fn explains(&self) -> bool {
        self.scenario.explain || self.explain
    }

    /// The scheduler component.
    pub fn scheduler(&self) -> &Scheduler {
        self.cluster
            .component::<Scheduler>(self.scheduler)
            .expect("the scheduler component")
    }

    /// Every scheduler process of the run, oldest first (more than one after a
    /// `controllerRestart: kube-scheduler`).
    fn schedulers(&self) -> Vec<&Scheduler> {
        self.cluster
            .component_instances::<Scheduler>(self.scheduler)
    }

    /// Per pod, its scheduling figures over every scheduler process: attempts add up, the
    /// first queueing and the last binding count.
    fn pod_scheduling_metrics(
        &self,
    ) -> BTreeMap<crate::api::types::Uid, crate::scheduler::PodSchedulingMetrics> {
        let mut all = BTreeMap::new();
        for s in self.schedulers() {
            for (uid, m) in s.pod_metrics() {
                all.entry(*uid)
                    .and_modify(|a: &mut crate::scheduler::PodSchedulingMetrics| {
                        a.attempts += m.attempts;
                        a.queued_at = a.queued_at.min(m.queued_at);
                        a.bound_at = m.bound_at.or(a.bound_at);
                    })
                    .or_insert_with(|| m.clone());
            }
        }
        all
    }

    /// The scheduler's figures for `summary.json`: attempts and outcomes, and the scheduling
    /// latency of bound pods (first queued → Binding done) as percentiles, over every
    /// scheduler process of the run.
    fn scheduler_summary(&self) -> serde_json::Value {
        let s = self.scheduler();
        let mut st = crate::scheduler::SchedulerStats::default();
        for i in self.schedulers() {
            let x = i.stats();
            st.attempts += x.attempts;
            st.scheduled += x.scheduled;
            st.unschedulable += x.unschedulable;
            st.errors += x.errors;
            st.bind_errors += x.bind_errors;
            st.preemption_victims += x.preemption_victims;
        }
        let metrics = self.pod_scheduling_metrics();
        let mut latencies: Vec<u64> = metrics
            .values()
            .filter_map(|m| m.bound_at.map(|b| b - m.queued_at))
            .collect();
        latencies.sort_unstable();
        let pct = |p: usize| -> serde_json::Value {
            if latencies.is_empty() {
                return serde_json::Value::Null;
            }
            // Nearest rank.
            let rank = (p * latencies.len()).div_ceil(100).max(1);
            json!(latencies[rank - 1])
        };
        let attempts: Vec<u32> = metrics.values().map(|m| m.attempts).collect();
        let (active, backoff, unschedulable) = s.queue_counts();
        json!({
            "attempts": st.attempts,
            "scheduled": st.scheduled,
            "unschedulable_attempts": st.unschedulable,
            "error_attempts": st.errors,
            "binding_errors": st.bind_errors,
            "preemption_victims": st.preemption_victims,
            "pods_seen": attempts.len(),
            "max_attempts_per_pod": attempts.iter().max().copied().unwrap_or(0),
            "pending_at_end": {"active": active, "backoff": backoff, "unschedulable": unschedulable},
            "scheduling_latency_ns": {"p50": pct(50), "p90": pct(90), "p99": pct(99), "max": latencies.last()},
        })
    }

    /// The deterministic headline figures of the run (`summary.json`).
    pub fn summary(&self) -> serde_json::Value {
        let api = self.cluster.api();
        let mut objects = BTreeMap::new();
        for kind in Kind::ALL {
            let n = api.count(kind);
            if n > 0 {
                objects.insert(kind.as_str(), n);
            }
        }
        let mut phases: BTreeMap<&str, u64> = BTreeMap::new();
        for p in api.list(Kind::Pod, None) {
            if let Some(pod) = p.as_pod() {
                *phases.entry(pod.status.phase.as_str()).or_insert(0) += 1;
            }
        }
        let stats = api.stats();
        let errors: BTreeMap<String, u64> = stats
            .errors
            .iter()
            .map(|(k, v)| (k.to_string(), *v))
            .collect();
        let expectations: Vec<serde_json::Value> = self
            .check_expectations()
            .into_iter()
            .map(|r| json!({"description": r.description, "expected": r.expected, "actual": r.actual, "passed": r.passed}))
            .collect();
        let now = self.cluster.now();
        json!({
            "scenario": self.scenario.name,
            "seed": self.seed,
            "model": self.scenario.model_source,
            "kubernetes_version": self.scenario.features.version(),
            "feature_gates": self.scenario.features.all().collect::<BTreeMap<_, _>>(),
            "stop_reason": match self.stop { Some(StopReason::Until) => "until", Some(StopReason::Idle) => "idle", Some(StopReason::Condition) => "condition", None => "not-run" },
            "simulated_time_ns": now,
            "simulated_time": format_duration(now),
            "events_processed": self.cluster.events_processed(),
            "trace_rows": self.cluster.trace().rows().len(),
            "trace_events": self.cluster.trace().counts(),
            "objects": objects,
            "pod_phases": phases,
            "etcd_revision": api.revision(),
            "api": {"requests": stats.requests, "errors_by_code": errors, "watch_events": stats.watch_events},
            "network_messages_dropped": self.cluster.network().messages_dropped(),
            "kubectl_errors": self.cluster.component::<Kubectl>(self.kubectl).map_or(0, |k| k.errors()),
            "scheduler": self.scheduler_summary(),
            "warnings": self.scenario.warnings,
            "expectations": expectations,
        })
    }

    /// The kubectl transcript as text (`kubectl.txt`).
    pub fn transcript_text(&self) -> String {
        let mut out = String::new();
        for e in self.kubectl_transcript() {
            out.push_str(&format!("# t={}\n$ {}\n", format_duration(e.at), e.command));
            for line in &e.output {
                out.push_str(line);
                out.push('\n');
            }
            out.push('\n');
        }
        out
    }

    /// Writes `trace.csv`, `summary.json`, `kubectl.txt` and `pods.csv` into `dir`, atomically: into a
    /// temporary sibling folder first, renamed into place only when everything is written.
    pub fn write_outputs(&self, dir: &Path) -> std::io::Result<()> {
        write_dir_atomically(dir, |tmp| self.write_files(tmp))
    }

    /// Writes the output files into an existing folder (see [`Simulation::write_outputs`]).
    pub fn write_files(&self, dir: &Path) -> std::io::Result<()> {
        let f = std::fs::File::create(dir.join("trace.csv"))?;
        self.cluster.trace().write_csv(std::io::BufWriter::new(f))?;
        let mut summary =
            serde_json::to_string_pretty(&self.summary()).map_err(std::io::Error::other)?;
        summary.push('\n');
        std::fs::write(dir.join("summary.json"), summary)?;
        std::fs::write(dir.join("kubectl.txt"), self.transcript_text())?;
        let f = std::fs::File::create(dir.join("pods.csv"))?;
        let metrics = self.pod_scheduling_metrics();
        self.cluster.api().pod_table().write_csv_with(
            std::io::BufWriter::new(f),
            &["scheduling_attempts", "scheduling_latency_ns"],
            |uid| match metrics.get(uid) {
                Some(m) => vec![
                    m.attempts.to_string(),
                    m.bound_at
                        .map(|b| (b - m.queued_at).to_string())
                        .unwrap_or_default(),
                ],
                None => vec![String::new(), String::new()],
            },
        )?;
        let rollouts = self.cluster.api().rollout_table();
        if !rollouts.is_empty() {
            let f = std::fs::File::create(dir.join("rollouts.csv"))?;
            rollouts.write_csv(std::io::BufWriter::new(f))?;
        }
        if self.explains() {
            let f = std::fs::File::create(dir.join("scheduling.csv"))?;
            crate::scheduler::write_explain_csv(
                self.schedulers().into_iter().flat_map(|s| s.explanations()),
                std::io::BufWriter::new(f),
            )?;
        }
        Ok(())
    }
}

/// Fills a temporary folder beside `dir`, then replaces `dir` with it, so that a folder
/// named `dir` is always complete.
pub fn write_dir_atomically(
    dir: &Path,
    fill: impl FnOnce(&Path) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let name = dir.file_name().and_then(|n| n.to_str()).unwrap_or("out");
    let parent = dir
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent)?;
    let tmp = parent.join(format!(".{name}.tmp-{}", std::process::id()));
    if tmp.exists() {
        std::fs::remove_dir_all(&tmp)?;
    }
    std::fs::create_dir_all(&tmp)?;
    if let Err(e) = fill(&tmp) {
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(e);
    }
    if dir.exists() {
        std::fs::remove_dir_all(dir)?;
    }
    std::fs::rename(&tmp, dir)
}
