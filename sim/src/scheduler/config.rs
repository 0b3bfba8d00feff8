//! KubeSchedulerConfiguration (kubescheduler.config.k8s.io/v1): profiles, plugins enabled and
//! disabled per extension point with weights, pluginConfig args, percentageOfNodesToScore and
//! the queue's back-off. Mirrors pkg/scheduler/apis/config/ (types, v1 defaults, validation)
//! and the plugin set expansion of pkg/scheduler/framework/runtime/framework.go.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::framework::{Plugin, PluginFactory, Points};
use super::{plugins, policies};

/// The scheduler name pods get when they name none (v1.DefaultSchedulerName).
pub const DEFAULT_SCHEDULER_NAME: &str = "default-scheduler";

/// Default queue back-off (pkg/scheduler/apis/config/v1/defaults.go:
/// PodInitialBackoffSeconds 1, PodMaxBackoffSeconds 10).
pub const DEFAULT_POD_INITIAL_BACKOFF_SECONDS: i64 = 1;
pub const DEFAULT_POD_MAX_BACKOFF_SECONDS: i64 = 10;

/// The configuration as written (field names as upstream's v1 API).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KubeSchedulerConfiguration {
    #[serde(default)]
    pub api_version: Option<String>,
    #[serde(default)]
    pub kind: Option<String>,
    /// 0 or absent = upstream's adaptive default.
    #[serde(default)]
    pub percentage_of_nodes_to_score: Option<i32>,
    #[serde(default)]
    pub pod_initial_backoff_seconds: Option<i64>,
    #[serde(default)]
    pub pod_max_backoff_seconds: Option<i64>,
    #[serde(default)]
    pub profiles: Vec<ProfileConfig>,
    /// Fields kubesim reads but does not model (parallelism, clientConnection, ...).
    #[serde(flatten)]
    pub other: BTreeMap<String, serde_yaml::Value>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProfileConfig {
    #[serde(default)]
    pub scheduler_name: Option<String>,
    #[serde(default)]
    pub percentage_of_nodes_to_score: Option<i32>,
    #[serde(default)]
    pub plugins: PluginsConfig,
    #[serde(default)]
    pub plugin_config: Vec<PluginConfigEntry>,
    #[serde(flatten)]
    pub other: BTreeMap<String, serde_yaml::Value>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PluginsConfig {
    #[serde(default)]
    pub multi_point: PluginSet,
    #[serde(default)]
    pub pre_enqueue: PluginSet,
    #[serde(default)]
    pub queue_sort: PluginSet,
    #[serde(default)]
    pub pre_filter: PluginSet,
    #[serde(default)]
    pub filter: PluginSet,
    #[serde(default)]
    pub post_filter: PluginSet,
    #[serde(default)]
    pub pre_score: PluginSet,
    #[serde(default)]
    pub score: PluginSet,
    #[serde(default)]
    pub reserve: PluginSet,
    #[serde(default)]
    pub permit: PluginSet,
    #[serde(default)]
    pub pre_bind: PluginSet,
    #[serde(default)]
    pub bind: PluginSet,
    #[serde(default)]
    pub post_bind: PluginSet,
}

impl PluginsConfig {
    /// The per-point sets with their YAML names, in extension point order.
    fn points(&self) -> [(Points, &'static str, &PluginSet); 11] {
        [
            (Points::QUEUE_SORT, "queueSort", &self.queue_sort),
            (Points::PRE_FILTER, "preFilter", &self.pre_filter),
            (Points::FILTER, "filter", &self.filter),
            (Points::POST_FILTER, "postFilter", &self.post_filter),
            (Points::PRE_SCORE, "preScore", &self.pre_score),
            (Points::SCORE, "score", &self.score),
            (Points::RESERVE, "reserve", &self.reserve),
            (Points::PERMIT, "permit", &self.permit),
            (Points::PRE_BIND, "preBind", &self.pre_bind),
            (Points::BIND, "bind", &self.bind),
            (Points::POST_BIND, "postBind", &self.post_bind),
        ]
    }
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PluginSet {
    #[serde(default)]
    pub enabled: Vec<PluginRef>,
    #[serde(default)]
    pub disabled: Vec<PluginRef>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PluginRef {
    pub name: String,
    #[serde(default)]
    pub weight: Option<i32>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PluginConfigEntry {
    pub name: String,
    #[serde(default)]
    pub args: Option<serde_yaml::Value>,
}

/// Plugins the default profile enables that kubesim does not model (volumes, DRA, scheduling
/// gates): accepted in configuration and ignored, so upstream configurations load.
const UNMODELLED_DEFAULT_PLUGINS: [&str; 10] = [
    "SchedulingGates",
    "VolumeRestrictions",
    "EBSLimits",
    "GCEPDLimits",
    "NodeVolumeLimits",
    "AzureDiskLimits",
    "VolumeBinding",
    "VolumeZone",
    "DynamicResources",
    "DefaultBinder",
];

/// getDefaultPlugins (pkg/scheduler/apis/config/v1/default_plugins.go): the MultiPoint set of
/// the default profile, with upstream's score weights, minus the unmodelled plugins.
pub fn default_multi_point() -> Vec<(&'static str, i32)> {
    vec![
        ("PrioritySort", 0),
        ("NodeUnschedulable", 0),
        ("NodeName", 0),
        ("TaintToleration", 3),
        ("NodeAffinity", 2),
        ("NodePorts", 0),
        ("NodeResourcesFit", 1),
        ("PodTopologySpread", 2),
        ("InterPodAffinity", 2),
        ("DefaultPreemption", 0),
        ("NodeResourcesBalancedAllocation", 1),
        ("ImageLocality", 1),
    ]
}

/// Plugin factories by name: the in-tree plugins plus kubesim's example policies. A library
/// user can register more before building profiles.
#[derive(Clone)]
pub struct Registry {
    entries: Vec<(&'static str, PluginFactory)>,
}

impl Default for Registry {
    fn default() -> Self {
        let mut entries = plugins::in_tree_registry();
        entries.extend(policies::registry());
        Registry { entries }
    }
}

impl Registry {
    /// Adds (or replaces) a plugin factory under `name`.
    pub fn register(&mut self, name: &'static str, factory: PluginFactory) {
        self.entries.retain(|(n, _)| *n != name);
        self.entries.push((name, factory));
    }
    pub fn get(&self, name: &str) -> Option<PluginFactory> {
        self.entries
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, f)| *f)
    }
    pub fn names(&self) -> Vec<&'static str> {
        let mut names: Vec<_> = self.entries.iter().map(|(n, _)| *n).collect();
        names.sort_unstable();
        names
    }
}

/// A profile ready to run: plugin instances and, per extension point, which run in what order.
pub struct Profile {
    pub scheduler_name: String,
    pub percentage_of_nodes_to_score: Option<i32>,
    /// Every instantiated plugin, once.
    pub plugins: Vec<Box<dyn Plugin>>,
    /// Per extension point, indexes into `plugins` in run order.
    pub queue_sort: Option<usize>,
    pub pre_filter: Vec<usize>,
    pub filter: Vec<usize>,
    pub post_filter: Vec<usize>,
    pub pre_score: Vec<usize>,
    /// Score plugins with their weights.
    pub score: Vec<(usize, i64)>,
    pub reserve: Vec<usize>,
    pub permit: Vec<usize>,
    pub pre_bind: Vec<usize>,
}

impl std::fmt::Debug for Profile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names =
            |v: &[usize]| -> Vec<&str> { v.iter().map(|&i| self.plugins[i].name()).collect() };
        f.debug_struct("Profile")
            .field("scheduler_name", &self.scheduler_name)
            .field("filter", &names(&self.filter))
            .field(
                "score",
                &self
                    .score
                    .iter()
                    .map(|&(i, w)| (self.plugins[i].name(), w))
                    .collect::<Vec<_>>(),
            )
            .finish()
    }
}

/// The whole configuration, resolved.
#[derive(Debug)]
pub struct SchedulerConfig {
    pub percentage_of_nodes_to_score: Option<i32>,
    pub pod_initial_backoff_seconds: i64,
    pub pod_max_backoff_seconds: i64,
    pub profiles: Vec<Profile>,
    /// Fields present in the file that kubesim does not model, by path.
    pub warnings: Vec<String>,
}

impl SchedulerConfig {
    /// The default configuration: one `default-scheduler` profile with upstream's plugins.
    pub fn default_config() -> SchedulerConfig {
        SchedulerConfig::build(&KubeSchedulerConfiguration::default(), &Registry::default())
            .expect("the default configuration is valid")
    }

    /// Parses YAML text (errors name `source` and the field path).
    pub fn from_yaml(
        text: &str,
        source: &str,
        registry: &Registry,
    ) -> Result<SchedulerConfig, String> {
        let de = serde_yaml::Deserializer::from_str(text);
        let raw: KubeSchedulerConfiguration =
            // serde_yaml's message already names the field's path and the line.
            serde_path_to_error::deserialize(de).map_err(|e| format!("{source}: {}", e.inner()))?;
        SchedulerConfig::build(&raw, registry).map_err(|e| format!("{source}: {e}"))
    }

    /// Validates and instantiates (ValidateKubeSchedulerConfiguration + NewFramework).
    pub fn build(
        raw: &KubeSchedulerConfiguration,
        registry: &Registry,
    ) -> Result<SchedulerConfig, String> {
        let mut warnings = Vec::new();
        if let Some(kind) = &raw.kind {
            if kind != "KubeSchedulerConfiguration" {
                return Err(format!(
                    "kind: expected KubeSchedulerConfiguration, got {kind:?}"
                ));
            }
        }
        if let Some(v) = &raw.api_version {
            if !v.starts_with("kubescheduler.config.k8s.io/") {
                return Err(format!(
                    "apiVersion: expected kubescheduler.config.k8s.io/v1, got {v:?}"
                ));
            }
        }
        for key in raw.other.keys() {
            warnings.push(format!("{key}: not modelled by kubesim, ignored"));
        }
        check_percentage("percentageOfNodesToScore", raw.percentage_of_nodes_to_score)?;
        let initial = raw
            .pod_initial_backoff_seconds
            .unwrap_or(DEFAULT_POD_INITIAL_BACKOFF_SECONDS);
        let max = raw
            .pod_max_backoff_seconds
            .unwrap_or(DEFAULT_POD_MAX_BACKOFF_SECONDS);
        // validation.go: podInitialBackoffSeconds must be greater than 0, and max ≥ initial.
        if initial <= 0 {
            return Err("podInitialBackoffSeconds: Invalid value: must be greater than 0".into());
        }
        if max < initial {
            return Err(
                "podMaxBackoffSeconds: Invalid value: must be greater than or equal to PodInitialBackoffSeconds"
                    .into(),
            );
        }
        let default_profile = [ProfileConfig::default()];
        let raw_profiles: &[ProfileConfig] = if raw.profiles.is_empty() {
            &default_profile
        } else {
            &raw.profiles
        };
        let mut profiles: Vec<Profile> = Vec::new();
        for (i, p) in raw_profiles.iter().enumerate() {
            let path = format!("profiles[{i}]");
            for key in p.other.keys() {
                warnings.push(format!("{path}.{key}: not modelled by kubesim, ignored"));
            }
            let profile = build_profile(p, &path, registry, &mut warnings)?;
            if profiles
                .iter()
                .any(|q| q.scheduler_name == profile.scheduler_name)
            {
                return Err(format!(
                    "{path}.schedulerName: Duplicate value: {:?}",
                    profile.scheduler_name
                ));
            }
            profiles.push(profile);
        }
        // validation.go validateCommonQueueSort: every profile uses the same QueueSort.
        let queue_sort = |p: &Profile| p.queue_sort.map(|i| p.plugins[i].name());
        if let Some(first) = profiles.first() {
            for (i, p) in profiles.iter().enumerate().skip(1) {
                if queue_sort(p) != queue_sort(first) {
                    return Err(format!(
                        "profiles[{i}].plugins.queueSort: Invalid value: queueSort must be the same for all profiles"
                    ));
                }
            }
        }
        Ok(SchedulerConfig {
            percentage_of_nodes_to_score: raw.percentage_of_nodes_to_score,
            pod_initial_backoff_seconds: initial,
            pod_max_backoff_seconds: max,
            profiles,
            warnings,
        })
    }

    pub fn profile(&self, scheduler_name: &str) -> Option<usize> {
        self.profiles
            .iter()
            .position(|p| p.scheduler_name == scheduler_name)
    }
}

fn check_percentage(path: &str, v: Option<i32>) -> Result<(), String> {
    match v {
        Some(p) if !(0..=100).contains(&p) => Err(format!(
            "{path}: Invalid value: {p}: not in valid range [0-100]"
        )),
        _ => Ok(()),
    }
}

fn build_profile(
    raw: &ProfileConfig,
    path: &str,
    registry: &Registry,
    warnings: &mut Vec<String>,
) -> Result<Profile, String> {
    let scheduler_name = raw
        .scheduler_name
        .clone()
        .unwrap_or_else(|| DEFAULT_SCHEDULER_NAME.to_string());
    if scheduler_name.is_empty() {
        return Err(format!("{path}.schedulerName: Required value"));
    }
    check_percentage(
        &format!("{path}.percentageOfNodesToScore"),
        raw.percentage_of_nodes_to_score,
    )?;

    // mergePluginSet: the default MultiPoint set with the profile's multiPoint merged in.
    let custom = &raw.plugins.multi_point;
    let disabled_all = custom.disabled.iter().any(|d| d.name == "*");
    let mut multi: Vec<(String, Option<i32>)> = Vec::new();
    let mut replaced = vec![false; custom.enabled.len()];
    if !disabled_all {
        for (name, weight) in default_multi_point() {
            if custom.disabled.iter().any(|d| d.name == name) {
                continue;
            }
            if let Some(j) = custom.enabled.iter().position(|e| e.name == name) {
                replaced[j] = true;
                multi.push((name.to_string(), custom.enabled[j].weight));
            } else {
                multi.push((name.to_string(), (weight > 0).then_some(weight)));
            }
        }
    }
    for (j, e) in custom.enabled.iter().enumerate() {
        if !replaced[j] {
            multi.push((e.name.clone(), e.weight));
        }
    }

    // Instantiate every plugin named anywhere, once, with its args.
    let mut args: BTreeMap<&str, &serde_yaml::Value> = BTreeMap::new();
    for (k, pc) in raw.plugin_config.iter().enumerate() {
        if args.contains_key(pc.name.as_str()) {
            return Err(format!(
                "{path}.pluginConfig[{k}].name: Duplicate value: {:?}",
                pc.name
            ));
        }
        if let Some(a) = &pc.args {
            args.insert(&pc.name, a);
        }
    }
    let mut profile = Profile {
        scheduler_name,
        percentage_of_nodes_to_score: raw.percentage_of_nodes_to_score,
        plugins: Vec::new(),
        queue_sort: None,
        pre_filter: Vec::new(),
        filter: Vec::new(),
        post_filter: Vec::new(),
        pre_score: Vec::new(),
        score: Vec::new(),
        reserve: Vec::new(),
        permit: Vec::new(),
        pre_bind: Vec::new(),
    };
    let instance = |name: &str, at: &str, profile: &mut Profile| -> Result<Option<usize>, String> {
        if let Some(i) = profile.plugins.iter().position(|p| p.name() == name) {
            return Ok(Some(i));
        }
        if UNMODELLED_DEFAULT_PLUGINS.contains(&name) {
            return Ok(None);
        }
        let Some(factory) = registry.get(name) else {
            return Err(format!(
                "{at}: plugin {name:?} does not exist (known plugins: {})",
                registry.names().join(", ")
            ));
        };
        let plugin = factory(args.get(name).copied())
            .map_err(|e| format!("{path}.pluginConfig[{name}].args: {e}"))?;
        profile.plugins.push(plugin);
        Ok(Some(profile.plugins.len() - 1))
    };

    for (point, point_name, set) in raw.plugins.points() {
        let at = |k: usize| format!("{path}.plugins.{point_name}.enabled[{k}]");
        let mut order: Vec<(usize, Option<i32>)> = Vec::new();
        // Plugins enabled at this point explicitly come first (expandMultiPointPlugins keeps
        // explicit configuration ahead of MultiPoint expansion) ...
        for (k, e) in set.enabled.iter().enumerate() {
            let Some(i) = instance(&e.name, &at(k), &mut profile)? else {
                continue;
            };
            if !profile.plugins[i].points().contains(point) {
                return Err(format!(
                    "{}: plugin {:?} does not extend {point_name} plugin",
                    at(k),
                    e.name
                ));
            }
            if order.iter().any(|(j, _)| *j == i) {
                return Err(format!(
                    "{}: plugin {:?} already registered as {point_name:?}",
                    at(k),
                    e.name
                ));
            }
            order.push((i, e.weight));
        }
        // ... then MultiPoint plugins implementing the point, unless disabled there.
        let disabled_here =
            |name: &str| set.disabled.iter().any(|d| d.name == name || d.name == "*");
        for (k, (name, weight)) in multi.iter().enumerate() {
            if disabled_here(name) {
                continue;
            }
            let Some(i) = instance(
                name,
                &format!("{path}.plugins.multiPoint.enabled[{k}]"),
                &mut profile,
            )?
            else {
                continue;
            };
            if !profile.plugins[i].points().contains(point) || order.iter().any(|(j, _)| *j == i) {
                continue;
            }
            order.push((i, *weight));
        }
        for d in &set.disabled {
            if d.name != "*"
                && registry.get(&d.name).is_none()
                && !UNMODELLED_DEFAULT_PLUGINS.contains(&d.name.as_str())
            {
                warnings.push(format!(
                    "{path}.plugins.{point_name}.disabled: plugin {:?} is unknown, nothing to disable",
                    d.name
                ));
            }
        }
        let idx: Vec<usize> = order.iter().map(|(i, _)| *i).collect();
        match point {
            Points::QUEUE_SORT => {
                if idx.len() > 1 {
                    return Err(format!(
                        "{path}.plugins.queueSort: Invalid value: only one queue sort plugin can be enabled"
                    ));
                }
                profile.queue_sort = idx.first().copied();
            }
            Points::PRE_FILTER => profile.pre_filter = idx,
            Points::FILTER => profile.filter = idx,
            Points::POST_FILTER => profile.post_filter = idx,
            Points::PRE_SCORE => profile.pre_score = idx,
            Points::SCORE => {
                for (i, w) in &order {
                    let w = w.unwrap_or(0);
                    // validation: weights must be positive (0 becomes 1 in NewFramework).
                    if w < 0 {
                        return Err(format!(
                            "{path}.plugins.score: Invalid value: {w}: score plugin {:?} weight must be positive",
                            profile.plugins[*i].name()
                        ));
                    }
                    profile.score.push((*i, if w == 0 { 1 } else { w as i64 }));
                }
            }
            Points::RESERVE => profile.reserve = idx,
            Points::PERMIT => profile.permit = idx,
            Points::PRE_BIND => profile.pre_bind = idx,
            _ => {}
        }
    }
    for (k, pc) in raw.plugin_config.iter().enumerate() {
        let known = profile.plugins.iter().any(|p| p.name() == pc.name);
        if !known {
            if registry.get(&pc.name).is_none()
                && !UNMODELLED_DEFAULT_PLUGINS.contains(&pc.name.as_str())
            {
                return Err(format!(
                    "{path}.pluginConfig[{k}].name: plugin {:?} does not exist (known plugins: {})",
                    pc.name,
                    registry.names().join(", ")
                ));
            }
            warnings.push(format!(
                "{path}.pluginConfig[{k}]: plugin {:?} is not enabled in profile {:?}, args ignored",
                pc.name, profile.scheduler_name
            ));
        }
    }
    // A plugin enabled at Filter or Score alone whose state comes from its PreFilter or
    // PreScore fails every attempt (as upstream's would); say so at load time.
    for (needs, point, has, has_name) in [
        (Points::FILTER, "filter", Points::PRE_FILTER, "preFilter"),
        (Points::SCORE, "score", Points::PRE_SCORE, "preScore"),
    ] {
        let enabled_at = |pt: Points, p: &Profile| -> Vec<usize> {
            match pt {
                Points::FILTER => p.filter.clone(),
                Points::PRE_FILTER => p.pre_filter.clone(),
                Points::PRE_SCORE => p.pre_score.clone(),
                _ => p.score.iter().map(|(i, _)| *i).collect(),
            }
        };
        let at_has = enabled_at(has, &profile);
        for i in enabled_at(needs, &profile) {
            let plugin = &profile.plugins[i];
            if plugin.points().contains(has) && !at_has.contains(&i) {
                warnings.push(format!(
                    "{path}.plugins: plugin {:?} is enabled at {point} but not at {has_name}, which it implements; its {point} may fail for want of its {has_name} state (enable it under multiPoint)",
                    plugin.name()
                ));
            }
        }
    }
    if profile.queue_sort.is_none() {
        return Err(format!(
            "{path}.plugins.queueSort: Required value: no queue sort plugin is enabled"
        ));
    }
    if profile.filter.is_empty() && profile.score.is_empty() {
        warnings.push(format!(
            "{path}: no filter or score plugins are enabled; pods go to whichever node comes first"
        ));
    }
    Ok(profile)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn build(yaml: &str) -> Result<SchedulerConfig, String> {
        SchedulerConfig::from_yaml(yaml, "c.yaml", &Registry::default())
    }

    fn names(p: &Profile, v: &[usize]) -> Vec<&'static str> {
        v.iter().map(|&i| p.plugins[i].name()).collect()
    }

    #[test]
    fn the_default_profile_has_upstreams_plugins_and_weights() {
        let c = SchedulerConfig::default_config();
        assert_eq!(c.profiles.len(), 1);
        let p = &c.profiles[0];
        assert_eq!(p.scheduler_name, "default-scheduler");
        assert_eq!(
            names(p, &p.filter),
            [
                "NodeUnschedulable",
                "NodeName",
                "TaintToleration",
                "NodeAffinity",
                "NodePorts",
                "NodeResourcesFit",
                "PodTopologySpread",
                "InterPodAffinity"
            ]
        );
        let score: Vec<(&str, i64)> = p
            .score
            .iter()
            .map(|&(i, w)| (p.plugins[i].name(), w))
            .collect();
        assert_eq!(
            score,
            [
                ("TaintToleration", 3),
                ("NodeAffinity", 2),
                ("NodeResourcesFit", 1),
                ("PodTopologySpread", 2),
                ("InterPodAffinity", 2),
                ("NodeResourcesBalancedAllocation", 1),
                ("ImageLocality", 1)
            ]
        );
        assert_eq!(names(p, &p.post_filter), ["DefaultPreemption"]);
        assert_eq!(c.pod_initial_backoff_seconds, 1);
        assert_eq!(c.pod_max_backoff_seconds, 10);
    }

    #[test]
    fn points_can_be_disabled_reweighted_and_extended() {
        let c = build(
            r#"
apiVersion: kubescheduler.config.k8s.io/v1
kind: KubeSchedulerConfiguration
profiles:
  - schedulerName: default-scheduler
  - schedulerName: packer
    percentageOfNodesToScore: 100
    plugins:
      multiPoint:
        enabled: [{name: NodeResourcesFit, weight: 5}]
      score:
        disabled: [{name: ImageLocality}, {name: NodeResourcesBalancedAllocation}]
        enabled: [{name: RandomScore, weight: 2}]
    pluginConfig:
      - name: NodeResourcesFit
        args: {scoringStrategy: {type: MostAllocated}}
      - name: RandomScore
        args: {seed: 3}
"#,
        )
        .unwrap();
        let p = &c.profiles[1];
        assert_eq!(p.scheduler_name, "packer");
        assert_eq!(p.percentage_of_nodes_to_score, Some(100));
        let score: Vec<(&str, i64)> = p
            .score
            .iter()
            .map(|&(i, w)| (p.plugins[i].name(), w))
            .collect();
        assert_eq!(
            score,
            [
                ("RandomScore", 2),
                ("TaintToleration", 3),
                ("NodeAffinity", 2),
                ("NodeResourcesFit", 5),
                ("PodTopologySpread", 2),
                ("InterPodAffinity", 2)
            ]
        );
        assert_eq!(c.profile("packer"), Some(1));
    }

    #[test]
    fn disabling_everything_leaves_only_what_is_enabled() {
        let c = build(
            r#"
profiles:
  - plugins:
      multiPoint:
        disabled: [{name: "*"}]
        enabled: [{name: PrioritySort}, {name: NodeResourcesFit}, {name: FirstFit}]
"#,
        )
        .unwrap();
        let p = &c.profiles[0];
        assert_eq!(names(p, &p.filter), ["NodeResourcesFit"]);
        assert!(p.post_filter.is_empty());
        assert_eq!(p.score.len(), 2);
    }

    #[test]
    fn bad_configurations_name_the_field() {
        let cases = [
            (
                "profiles: [{plugins: {score: {enabled: [{name: NodeResourcesFitt}]}}}]",
                "c.yaml: profiles[0].plugins.score.enabled[0]: plugin \"NodeResourcesFitt\" does not exist",
            ),
            (
                "profiles: [{plugins: {filter: {enabled: [{name: ImageLocality}]}}}]",
                "c.yaml: profiles[0].plugins.filter.enabled[0]: plugin \"ImageLocality\" does not extend filter plugin",
            ),
            (
                "profiles: [{}, {schedulerName: default-scheduler}]",
                "c.yaml: profiles[1].schedulerName: Duplicate value: \"default-scheduler\"",
            ),
            (
                "percentageOfNodesToScore: 120",
                "c.yaml: percentageOfNodesToScore: Invalid value: 120: not in valid range [0-100]",
            ),
            (
                "podInitialBackoffSeconds: 0",
                "c.yaml: podInitialBackoffSeconds: Invalid value: must be greater than 0",
            ),
            (
                "profiles: [{pluginConfig: [{name: RandomScore, args: {sed: 1}}], plugins: {score: {enabled: [{name: RandomScore}]}}}]",
                "c.yaml: profiles[0].pluginConfig[RandomScore].args: RandomScore args: unknown field \"sed\"",
            ),
            (
                "profiles: [{plugins: {scor: {}}}]",
                "c.yaml: profiles[0].plugins: unknown field `scor`",
            ),
            (
                "kind: Pod",
                "c.yaml: kind: expected KubeSchedulerConfiguration, got \"Pod\"",
            ),
        ];
        for (yaml, want) in cases {
            let err = build(yaml).unwrap_err();
            assert!(err.starts_with(want), "{yaml}\n got: {err}\nwant: {want}");
        }
    }

    #[test]
    fn unmodelled_fields_are_warnings() {
        let c = build("clientConnection: {qps: 100}\nprofiles: [{schedulerName: x}]").unwrap();
        assert_eq!(
            c.warnings,
            ["clientConnection: not modelled by kubesim, ignored"]
        );
    }
}
