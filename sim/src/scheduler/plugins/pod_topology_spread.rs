//! PodTopologySpread: keeps matching pods evenly spread over topology domains, as a filter
//! (`whenUnsatisfiable: DoNotSchedule`) and as a score (`ScheduleAnyway`). Port of
//! pkg/scheduler/framework/plugins/podtopologyspread/{plugin,common,filtering,scoring}.go.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::api::selector::{LabelSelector, Requirement, SelectorOperator};
use crate::api::types::{
    Body, Name, NodeInclusionPolicy, NodeSelectorOperator, NodeSelectorRequirement,
    NodeSelectorTerm, Object, PodSpec, StringMap, TaintEffect, TopologySpreadConstraint,
    UnsatisfiableConstraintAction,
};
use crate::scheduler::framework::{
    CycleState, Listers, NodeInfo, Plugin, PodInfo, Points, PreFilterResult, Snapshot, Status,
    MAX_NODE_SCORE,
};

/// The plugin's name in configuration (names.PodTopologySpread).
pub const NAME: &str = "PodTopologySpread";

/// plugin.go: ErrReasonConstraintsNotMatch.
pub const ERR_REASON_CONSTRAINTS_NOT_MATCH: &str =
    "node(s) didn't match pod topology spread constraints";
/// plugin.go: ErrReasonNodeLabelNotMatch (ErrReasonConstraintsNotMatch + " (missing required label)").
pub const ERR_REASON_NODE_LABEL_NOT_MATCH: &str =
    "node(s) didn't match pod topology spread constraints (missing required label)";

const PRE_FILTER_STATE_KEY: &str = "PreFilterPodTopologySpread";
const PRE_SCORE_STATE_KEY: &str = "PreScorePodTopologySpread";

/// v1.LabelHostname and v1.LabelTopologyZone.
const LABEL_HOSTNAME: &str = "kubernetes.io/hostname";
const LABEL_TOPOLOGY_ZONE: &str = "topology.kubernetes.io/zone";

/// scoring.go: invalidScore. Score returns it for nodes missing a required topology key
/// (upstream's IgnoredNodes), so NormalizeScore, which sees only the scores, can set them to 0
/// and leave them out of the min/max.
const INVALID_SCORE: i64 = -1;

/// criticalPaths start at math.MaxInt32 (filtering.go: newCriticalPaths).
const MAX_INT32: i64 = i32::MAX as i64;

/// Ordered maps, so that iteration never depends on hashing (docs/ARCHITECTURE.md).
type Map<K, V> = BTreeMap<K, V>;

/// How the plugin fills in constraints for pods that have none
/// (config.PodTopologySpreadConstraintsDefaulting).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DefaultingType {
    /// The built-in defaults (plugin.go: systemDefaultConstraints).
    System,
    /// `defaultConstraints` from the args.
    List,
}

/// The plugin with its configured defaults.
pub struct PodTopologySpread {
    default_constraints: Vec<TopologySpreadConstraint>,
    /// Whether `default_constraints` are the system defaults: then nodes without a zone label
    /// are still scored for hostname spreading (scoring.go: requireAllTopologies).
    system_defaulted: bool,
    memo: std::cell::RefCell<CountMemo>,
}

/// countPodsMatchSelector results by (node generation, selector and namespace). A node's
/// generation changes with every change to it and is unique across nodes, so an entry stays
/// exact while the node is unchanged: each cycle recounts only the nodes that changed since
/// the last one instead of every pod of every node (the zone constraint counts all nodes).
/// The answers are the same as counting; only the time differs.
#[derive(Default)]
struct CountMemo {
    selectors: BTreeMap<String, u64>,
    /// Selector ids are never reused, even across a reset, so an id held by a cycle's state
    /// can never name another selector.
    next_id: u64,
    counts: BTreeMap<(u64, u64), i64>,
}

/// Entries kept before the memo starts over (stale generations are never looked up again).
const COUNT_MEMO_LIMIT: usize = 1 << 20;

/// Builds the plugin from its `PodTopologySpreadArgs` (`defaultConstraints`, `defaultingType`;
/// v1 defaulting makes `defaultingType` System when unset).
pub fn new(args: Option<&serde_yaml::Value>) -> Result<Box<dyn Plugin>, String> {
    let (defaulting, constraints) = parse_args(args)?;
    Ok(Box::new(PodTopologySpread::with_defaults(
        defaulting,
        constraints,
    )))
}

impl PodTopologySpread {
    /// The plugin with already validated defaults.
    pub fn with_defaults(
        defaulting: DefaultingType,
        constraints: Vec<TopologySpreadConstraint>,
    ) -> PodTopologySpread {
        match defaulting {
            DefaultingType::System => PodTopologySpread {
                default_constraints: system_default_constraints(),
                system_defaulted: true,
                memo: Default::default(),
            },
            DefaultingType::List => PodTopologySpread {
                default_constraints: constraints,
                system_defaulted: false,
                memo: Default::default(),
            },
        }
    }
}

/// plugin.go: systemDefaultConstraints (hostname maxSkew 3, zone maxSkew 5, ScheduleAnyway).
fn system_default_constraints() -> Vec<TopologySpreadConstraint> {
    let c = |key: &'static str, max_skew| TopologySpreadConstraint {
        max_skew,
        topology_key: Name::new_static(key),
        when_unsatisfiable: UnsatisfiableConstraintAction::ScheduleAnyway,
        label_selector: None,
        min_domains: None,
        node_affinity_policy: None,
        node_taints_policy: None,
        match_label_keys: Vec::new(),
    };
    vec![c(LABEL_HOSTNAME, 3), c(LABEL_TOPOLOGY_ZONE, 5)]
}

// ---------------------------------------------------------------------------------------------
// Constraints (common.go)

/// common.go: topologySpreadConstraint, the internal form with the selector resolved.
#[derive(Clone, Debug, PartialEq)]
struct Constraint {
    max_skew: i32,
    topology_key: Name,
    /// `topology_key`'s index in WELL_KNOWN_TOPOLOGY_KEYS, if it is one of them.
    well_known: Option<usize>,
    /// `None` is labels.Nothing() (a constraint without labelSelector matches no pod).
    selector: Option<LabelSelector>,
    min_domains: i32,
    node_affinity_policy: NodeInclusionPolicy,
    node_taints_policy: NodeInclusionPolicy,
}

impl Constraint {
    /// The node's value of this constraint's topology key.
    fn value<'a>(&self, node: &'a NodeInfo) -> Option<&'a str> {
        node.topology_value(&self.topology_key, self.well_known)
    }

    fn matches(&self, labels: &StringMap) -> bool {
        self.selector.as_ref().is_some_and(|s| s.matches(labels))
    }

    /// matchNodeInclusionPolicies, given whether the node passes the pod's required node
    /// affinity and tolerates its NoSchedule/NoExecute taints.
    fn includes(&self, node: NodeFit) -> bool {
        (self.node_affinity_policy != NodeInclusionPolicy::Honor || node.affinity)
            && (self.node_taints_policy != NodeInclusionPolicy::Honor || node.taints)
    }
}

/// common.go: filterTopologySpreadConstraints. Keeps the constraints with `action`, merging
/// `matchLabelKeys` (the pod's values for those keys) into the selector.
fn filter_constraints(
    constraints: &[TopologySpreadConstraint],
    pod_labels: &StringMap,
    action: UnsatisfiableConstraintAction,
) -> Vec<Constraint> {
    let mut out = Vec::new();
    for c in constraints {
        if c.when_unsatisfiable != action {
            continue;
        }
        let mut selector = c.label_selector.clone();
        let match_labels: Vec<(&str, &str)> = c
            .match_label_keys
            .iter()
            .filter_map(|k| pod_labels.get(k).map(|v| (k.as_str(), v)))
            .collect();
        if !match_labels.is_empty() {
            selector = Some(merge_label_set_with_selector(
                &match_labels,
                selector.as_ref(),
            ));
        }
        out.push(Constraint {
            max_skew: c.max_skew,
            well_known: crate::scheduler::framework::WELL_KNOWN_TOPOLOGY_KEYS
                .iter()
                .position(|k| *k == c.topology_key),
            topology_key: c.topology_key.clone(),
            selector,
            // If MinDomains is nil, it is treated as 1.
            min_domains: c.min_domains.unwrap_or(1),
            node_affinity_policy: c.node_affinity_policy.unwrap_or(NodeInclusionPolicy::Honor),
            node_taints_policy: c.node_taints_policy.unwrap_or(NodeInclusionPolicy::Ignore),
        });
    }
    out
}

/// common.go: mergeLabelSetWithSelector. labels.Nothing() has no requirements to keep, so a
/// nil selector becomes the label set alone.
fn merge_label_set_with_selector(
    match_labels: &[(&str, &str)],
    selector: Option<&LabelSelector>,
) -> LabelSelector {
    let mut merged = LabelSelector::default();
    for (k, v) in match_labels {
        merged.match_expressions.push(Requirement {
            key: Name::from(*k),
            operator: SelectorOperator::In,
            values: vec![Name::from(*v)],
        });
    }
    if let Some(s) = selector {
        merged.match_expressions.extend(s.to_requirements());
    }
    merged
}

/// common.go: nodeLabelsMatchSpreadConstraints: every topology key is a label of the node.
fn node_labels_match(node: &NodeInfo, constraints: &[Constraint]) -> bool {
    constraints.iter().all(|c| c.value(node).is_some())
}

/// common.go: countPodsMatchSelector: pods of `namespace` matching the constraint, terminating
/// pods excluded (#87621).
fn count_pods_match(pods: &[Arc<PodInfo>], c: &Constraint, namespace: &str) -> i64 {
    let Some(selector) = &c.selector else {
        return 0;
    };
    pods.iter()
        .filter(|p| {
            p.pod.meta.deletion_timestamp.is_none()
                && p.namespace() == namespace
                && selector.matches(&p.pod.meta.labels)
        })
        .count() as i64
}

/// Whether a node passes the incoming pod's node affinity and taints, evaluated only when some
/// constraint honors the policy.
#[derive(Clone, Copy)]
struct NodeFit {
    affinity: bool,
    taints: bool,
}

impl NodeFit {
    fn of(spec: &PodSpec, node: &NodeInfo, constraints: &[Constraint]) -> NodeFit {
        let honors_affinity = constraints
            .iter()
            .any(|c| c.node_affinity_policy == NodeInclusionPolicy::Honor);
        let honors_taints = constraints
            .iter()
            .any(|c| c.node_taints_policy == NodeInclusionPolicy::Honor);
        NodeFit {
            affinity: !honors_affinity || required_node_affinity_matches(spec, node),
            taints: !honors_taints || tolerates_do_not_schedule_taints(spec, node),
        }
    }
}

impl PodTopologySpread {
    /// common.go: buildDefaultConstraints: the default constraints with `action`, each with
    /// the selector of the Services, ReplicationController and ReplicaSet the pod belongs to;
    /// none if that selector is empty.
    fn build_default_constraints(
        &self,
        pod: &PodInfo,
        action: UnsatisfiableConstraintAction,
        listers: &Listers,
    ) -> Vec<Constraint> {
        let mut constraints =
            filter_constraints(&self.default_constraints, &pod.pod.meta.labels, action);
        if constraints.is_empty() {
            return constraints;
        }
        let selector = default_selector(pod, listers);
        if selector.is_empty() {
            return Vec::new();
        }
        for c in &mut constraints {
            c.selector = Some(selector.clone());
        }
        constraints
    }

    /// The pod's own constraints with `action`, or the defaults when it has none.
    fn constraints(
        &self,
        pod: &PodInfo,
        action: UnsatisfiableConstraintAction,
        listers: &Listers,
    ) -> Vec<Constraint> {
        let own = &pod.spec().rare.topology_spread_constraints;
        if own.is_empty() {
            self.build_default_constraints(pod, action, listers)
        } else {
            filter_constraints(own, &pod.pod.meta.labels, action)
        }
    }
}

/// helper/spread.go: DefaultSelector. The union of the selectors of the pod's Services (same
/// namespace, non-nil selector matching the pod), plus its controlling ReplicationController's
/// selector or ReplicaSet's requirements. StatefulSets are not modelled.
fn default_selector(pod: &PodInfo, listers: &Listers) -> LabelSelector {
    let namespace = pod.namespace();
    let labels = &pod.pod.meta.labels;
    let mut set = StringMap::new();
    for obj in in_namespace(&listers.services, namespace) {
        let Body::Service(svc) = &obj.body else {
            continue;
        };
        // Services with nil selectors match nothing, not everything.
        let Some(sel) = &svc.selector else {
            continue;
        };
        if labels.contains_all(sel) {
            for (k, v) in sel.iter() {
                set.insert(k, v);
            }
        }
    }
    let mut selector = LabelSelector::from_match_labels(set.clone());
    let Some(owner) = pod.pod.meta.controller_ref() else {
        return selector;
    };
    match (owner.api_version.as_str(), owner.kind.as_str()) {
        ("v1", "ReplicationController") => {
            let rc = in_namespace(&listers.replication_controllers, namespace)
                .iter()
                .find(|o| o.meta.name == owner.name);
            if let Some(Body::ReplicationController(rc)) = rc.map(|o| &o.body) {
                for (k, v) in rc.selector.iter() {
                    set.insert(k, v);
                }
                selector = LabelSelector::from_match_labels(set);
            }
        }
        ("apps/v1", "ReplicaSet") => {
            let rs = in_namespace(&listers.replica_sets, namespace)
                .iter()
                .find(|o| o.meta.name == owner.name);
            if let Some(Body::ReplicaSet(rs)) = rs.map(|o| &o.body) {
                selector
                    .match_expressions
                    .extend(rs.selector.to_requirements());
            }
        }
        _ => {}
    }
    selector
}

/// The objects of one namespace in a lister sorted by namespace and name.
fn in_namespace<'a>(objects: &'a [Arc<Object>], namespace: &str) -> &'a [Arc<Object>] {
    let start = objects.partition_point(|o| o.meta.namespace.as_str() < namespace);
    let end = objects.partition_point(|o| o.meta.namespace.as_str() <= namespace);
    &objects[start..end.max(start)]
}

// ---------------------------------------------------------------------------------------------
// Node affinity and taints (component-helpers nodeaffinity.GetRequiredNodeAffinity,
// v1helper.FindMatchingUntoleratedTaint). Private to this plugin on purpose.

/// RequiredNodeAffinity.Match: the pod's nodeSelector and its required node affinity terms
/// (ORed). Terms that do not parse match nothing, as upstream ignores the parse error.
fn required_node_affinity_matches(spec: &PodSpec, node: &NodeInfo) -> bool {
    if !node.labels().contains_all(&spec.rare.node_selector) {
        return false;
    }
    let required = spec
        .affinity
        .as_ref()
        .and_then(|a| a.node_affinity.as_ref())
        .and_then(|n| n.required.as_ref());
    match required {
        None => true,
        Some(terms) => terms.iter().any(|t| node_selector_term_matches(t, node)),
    }
}

/// nodeSelectorTerm.match: an empty term matches nothing; expressions apply to labels, fields
/// to `metadata.name`.
fn node_selector_term_matches(term: &NodeSelectorTerm, node: &NodeInfo) -> bool {
    if term.match_expressions.is_empty() && term.match_fields.is_empty() {
        return false;
    }
    let labels = node.labels();
    let labels_ok = term
        .match_expressions
        .iter()
        .all(|r| label_requirement_matches(r, labels.get(&r.key)) == Some(true));
    let fields_ok = term.match_fields.iter().all(|r| {
        if r.key != "metadata.name" || r.values.len() != 1 {
            return false;
        }
        match r.operator {
            NodeSelectorOperator::In => node.name() == r.values[0],
            NodeSelectorOperator::NotIn => node.name() != r.values[0],
            _ => false,
        }
    });
    labels_ok && fields_ok
}

/// One node selector requirement against a label value; `None` when the requirement does not
/// parse (nodeSelectorRequirementsAsSelector's errors).
fn label_requirement_matches(r: &NodeSelectorRequirement, value: Option<&str>) -> Option<bool> {
    match r.operator {
        NodeSelectorOperator::In | NodeSelectorOperator::NotIn if r.values.is_empty() => None,
        NodeSelectorOperator::In => Some(value.is_some_and(|v| r.values.iter().any(|x| x == v))),
        NodeSelectorOperator::NotIn => Some(value.is_none_or(|v| !r.values.iter().any(|x| x == v))),
        NodeSelectorOperator::Exists | NodeSelectorOperator::DoesNotExist
            if !r.values.is_empty() =>
        {
            None
        }
        NodeSelectorOperator::Exists => Some(value.is_some()),
        NodeSelectorOperator::DoesNotExist => Some(value.is_none()),
        NodeSelectorOperator::Gt | NodeSelectorOperator::Lt => {
            let [bound] = r.values.as_slice() else {
                return None;
            };
            let bound: i64 = bound.parse().ok()?;
            let Some(v) = value.and_then(|v| v.parse::<i64>().ok()) else {
                return Some(false);
            };
            Some(if r.operator == NodeSelectorOperator::Gt {
                v > bound
            } else {
                v < bound
            })
        }
    }
}

/// Whether the pod tolerates every NoSchedule and NoExecute taint of the node
/// (helper.DoNotScheduleTaintsFilterFunc).
fn tolerates_do_not_schedule_taints(spec: &PodSpec, node: &NodeInfo) -> bool {
    node.node().spec.taints.iter().all(|taint| {
        !matches!(
            taint.effect,
            TaintEffect::NoSchedule | TaintEffect::NoExecute
        ) || spec.tolerations.iter().any(|t| t.tolerates(taint))
    })
}

// ---------------------------------------------------------------------------------------------
// Filtering (filtering.go)

/// filtering.go: criticalPath. [0] always holds the minimum match number; [1] is at least as
/// large but not necessarily the second minimum.
#[derive(Clone, Debug, PartialEq)]
struct CriticalPath {
    topology_value: Name,
    match_num: i64,
}

#[derive(Clone, Debug, PartialEq)]
struct CriticalPaths([CriticalPath; 2]);

impl CriticalPaths {
    fn new() -> CriticalPaths {
        let p = CriticalPath {
            topology_value: Name::default(),
            match_num: MAX_INT32,
        };
        CriticalPaths([p.clone(), p])
    }

    /// criticalPaths.update.
    fn update(&mut self, tp_val: &str, num: i64) {
        let p = &mut self.0;
        let i = if tp_val == p[0].topology_value {
            Some(0)
        } else if tp_val == p[1].topology_value {
            Some(1)
        } else {
            None
        };
        match i {
            Some(i) => {
                p[i].match_num = num;
                if p[0].match_num > p[1].match_num {
                    p.swap(0, 1);
                }
            }
            None => {
                if num < p[0].match_num {
                    p[1] = p[0].clone();
                    p[0] = CriticalPath {
                        topology_value: Name::from(tp_val),
                        match_num: num,
                    };
                } else if num < p[1].match_num {
                    p[1] = CriticalPath {
                        topology_value: Name::from(tp_val),
                        match_num: num,
                    };
                }
            }
        }
    }
}

/// filtering.go: preFilterState. Cloned per preemption candidate; the constraints are shared.
#[derive(Clone, Debug)]
struct PreFilterState {
    constraints: Arc<[Constraint]>,
    /// Whether the incoming pod matches each constraint's selector ('if self-match').
    self_match: Arc<[bool]>,
    /// Per constraint: the matching pods in each topology value of the eligible nodes.
    tp_value_to_match_num: Vec<Map<Name, i64>>,
    critical_paths: Vec<CriticalPaths>,
}

impl PreFilterState {
    /// preFilterState.minMatchNum: the global minimum, 0 while there are fewer eligible
    /// domains than minDomains.
    fn min_match_num(&self, i: usize, min_domains: i32) -> i64 {
        if (self.tp_value_to_match_num[i].len() as i64) < min_domains as i64 {
            0
        } else {
            self.critical_paths[i].0[0].match_num
        }
    }

    /// updateWithPod: `delta` matching pods more (or fewer) on `node`.
    fn update_with_pod(
        &mut self,
        updated: &PodInfo,
        preemptor: &PodInfo,
        node: &NodeInfo,
        delta: i64,
    ) {
        if updated.namespace() != preemptor.namespace()
            || !node_labels_match(node, &self.constraints)
        {
            return;
        }
        let fit = NodeFit::of(preemptor.spec(), node, &self.constraints);
        for (i, c) in self.constraints.iter().enumerate() {
            if !c.matches(&updated.pod.meta.labels) || !c.includes(fit) {
                continue;
            }
            let Some(v) = node.labels().get(&c.topology_key) else {
                continue;
            };
            let counts = &mut self.tp_value_to_match_num[i];
            let n = match counts.get_mut(v) {
                Some(n) => {
                    *n += delta;
                    *n
                }
                None => {
                    counts.insert(Name::from(v), delta);
                    delta
                }
            };
            self.critical_paths[i].update(v, n);
        }
    }
}

fn missing_state(key: &str) -> Status {
    Status::error(format!("reading {key:?} from cycleState: not found"))
}

impl PodTopologySpread {
    /// The memo's id of each constraint's selector in `namespace`.
    fn selector_ids(&self, constraints: &[Constraint], namespace: &str) -> Vec<u64> {
        let mut memo = self.memo.borrow_mut();
        constraints
            .iter()
            .map(|c| {
                let key = format!("{namespace}\u{0}{:?}", c.selector);
                if let Some(&id) = memo.selectors.get(&key) {
                    return id;
                }
                let id = memo.next_id;
                memo.next_id += 1;
                memo.selectors.insert(key, id);
                id
            })
            .collect()
    }

    /// countPodsMatchSelector on `node`, from the memo when the node is unchanged.
    fn count_on(&self, node: &NodeInfo, c: &Constraint, namespace: &str, id: u64) -> i64 {
        if let Some(&n) = self.memo.borrow().counts.get(&(node.generation, id)) {
            return n;
        }
        let n = count_pods_match(&node.pods, c, namespace);
        let mut memo = self.memo.borrow_mut();
        if memo.counts.len() >= COUNT_MEMO_LIMIT {
            memo.counts.clear();
        }
        if memo.selectors.len() >= COUNT_MEMO_LIMIT {
            memo.selectors.clear();
            memo.counts.clear();
            return n;
        }
        memo.counts.insert((node.generation, id), n);
        n
    }

    /// filtering.go: calPreFilterState over all nodes of the snapshot.
    fn cal_pre_filter_state(&self, pod: &PodInfo, snapshot: &Snapshot) -> PreFilterState {
        let constraints = self.constraints(
            pod,
            UnsatisfiableConstraintAction::DoNotSchedule,
            &snapshot.listers,
        );
        let mut counts: Vec<Map<Name, i64>> = vec![Map::default(); constraints.len()];
        if !constraints.is_empty() {
            let ids = self.selector_ids(&constraints, pod.namespace());
            for node in &snapshot.nodes {
                if !node_labels_match(node, &constraints) {
                    continue;
                }
                let fit = NodeFit::of(pod.spec(), node, &constraints);
                for (i, c) in constraints.iter().enumerate() {
                    if !c.includes(fit) {
                        continue;
                    }
                    let Some(value) = c.value(node) else {
                        continue;
                    };
                    let n = self.count_on(node, c, pod.namespace(), ids[i]);
                    match counts[i].get_mut(value) {
                        Some(total) => *total += n,
                        None => {
                            counts[i].insert(Name::from(value), n);
                        }
                    }
                }
            }
        }
        let critical_paths = counts
            .iter()
            .map(|m| {
                let mut paths = CriticalPaths::new();
                for (value, &num) in m {
                    paths.update(value, num);
                }
                paths
            })
            .collect();
        let self_match = constraints
            .iter()
            .map(|c| c.matches(&pod.pod.meta.labels))
            .collect();
        PreFilterState {
            constraints: constraints.into(),
            self_match,
            tp_value_to_match_num: counts,
            critical_paths,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Scoring (scoring.go)

/// scoring.go: preScoreState. Which nodes are ignored is recomputed per node in Score (a
/// candidate node is ignored iff topologies are required and it lacks one).
#[derive(Clone, Debug)]
struct PreScoreState {
    constraints: Arc<[Constraint]>,
    /// Each constraint's id in the plugin's count memo.
    selector_ids: Vec<u64>,
    require_all_topologies: bool,
    /// Per constraint (hostname constraints stay empty: counted per node in Score): the
    /// matching pods per topology value of the candidate nodes.
    topology_value_to_pod_counts: Vec<Map<Name, i64>>,
    topology_normalizing_weight: Vec<f64>,
}

/// scoring.go: topologyNormalizingWeight: log(size+2).
fn topology_normalizing_weight(size: usize) -> f64 {
    ((size + 2) as f64).ln()
}

/// scoring.go: scoreForCount: cnt*weight + (maxSkew-1).
fn score_for_count(cnt: i64, max_skew: i32, weight: f64) -> f64 {
    cnt as f64 * weight + (max_skew - 1) as f64
}

impl PodTopologySpread {
    /// scoring.go: PreScore (with initPreScoreState).
    fn cal_pre_score_state(
        &self,
        pod: &PodInfo,
        filtered: &[&NodeInfo],
        snapshot: &Snapshot,
    ) -> Option<PreScoreState> {
        if snapshot.nodes.is_empty() {
            return None;
        }
        let has_own = !pod.spec().rare.topology_spread_constraints.is_empty();
        // Only require that nodes have all the topology labels if using non-system-default
        // spreading rules, so nodes without a zone label still get hostname spreading.
        let require_all = has_own || !self.system_defaulted;
        let constraints = self.constraints(
            pod,
            UnsatisfiableConstraintAction::ScheduleAnyway,
            &snapshot.listers,
        );
        if constraints.is_empty() {
            return None;
        }
        let mut counts: Vec<Map<Name, i64>> = vec![Map::default(); constraints.len()];
        let mut ignored = 0usize;
        for node in filtered {
            if require_all && !node_labels_match(node, &constraints) {
                ignored += 1;
                continue;
            }
            for (i, c) in constraints.iter().enumerate() {
                if c.topology_key == LABEL_HOSTNAME {
                    continue;
                }
                let value = c.value(node).unwrap_or("");
                if !counts[i].contains_key(value) {
                    counts[i].insert(Name::from(value), 0);
                }
            }
        }
        let weights = constraints
            .iter()
            .zip(&counts)
            .map(|(c, m)| {
                let size = if c.topology_key == LABEL_HOSTNAME {
                    filtered.len() - ignored
                } else {
                    m.len()
                };
                topology_normalizing_weight(size)
            })
            .collect();
        // Hostname constraints are counted per node in Score: with only those, no pass over
        // all nodes is needed.
        let ids = self.selector_ids(&constraints, pod.namespace());
        let all_nodes: &[NodeInfo] = if counts.iter().all(|m| m.is_empty()) {
            &[]
        } else {
            &snapshot.nodes
        };
        for node in all_nodes {
            if require_all && !node_labels_match(node, &constraints) {
                continue;
            }
            let fit = NodeFit::of(pod.spec(), node, &constraints);
            for (i, c) in constraints.iter().enumerate() {
                if !c.includes(fit) {
                    continue;
                }
                let value = c.value(node).unwrap_or("");
                // Only topology values of candidate nodes are counted.
                if let Some(total) = counts[i].get_mut(value) {
                    *total += self.count_on(node, c, pod.namespace(), ids[i]);
                }
            }
        }
        Some(PreScoreState {
            selector_ids: ids,
            constraints: constraints.into(),
            require_all_topologies: require_all,
            topology_value_to_pod_counts: counts,
            topology_normalizing_weight: weights,
        })
    }
}

impl Plugin for PodTopologySpread {
    fn name(&self) -> &'static str {
        NAME
    }

    fn points(&self) -> Points {
        Points::PRE_FILTER | Points::FILTER | Points::PRE_SCORE | Points::SCORE
    }

    fn pre_filter(
        &self,
        state: &mut CycleState,
        pod: &PodInfo,
        snapshot: &Snapshot,
    ) -> (PreFilterResult, Status) {
        let s = self.cal_pre_filter_state(pod, snapshot);
        if s.constraints.is_empty() {
            return (PreFilterResult::default(), Status::skip());
        }
        state.write(PRE_FILTER_STATE_KEY, s);
        (PreFilterResult::default(), Status::success())
    }

    fn add_pod(
        &self,
        state: &mut CycleState,
        pod: &PodInfo,
        pod_to_add: &PodInfo,
        node: &NodeInfo,
    ) -> Status {
        match state.read_mut::<PreFilterState>(PRE_FILTER_STATE_KEY) {
            Some(s) => {
                s.update_with_pod(pod_to_add, pod, node, 1);
                Status::success()
            }
            None => missing_state(PRE_FILTER_STATE_KEY),
        }
    }

    fn remove_pod(
        &self,
        state: &mut CycleState,
        pod: &PodInfo,
        pod_to_remove: &PodInfo,
        node: &NodeInfo,
    ) -> Status {
        match state.read_mut::<PreFilterState>(PRE_FILTER_STATE_KEY) {
            Some(s) => {
                s.update_with_pod(pod_to_remove, pod, node, -1);
                Status::success()
            }
            None => missing_state(PRE_FILTER_STATE_KEY),
        }
    }

    /// filtering.go: Filter: for each constraint,
    /// 'existing matching num' + 'if self-match (1 or 0)' - 'global minimum' <= 'maxSkew'.
    fn filter(&self, state: &CycleState, _pod: &PodInfo, node: &NodeInfo) -> Status {
        let Some(s) = state.read::<PreFilterState>(PRE_FILTER_STATE_KEY) else {
            return missing_state(PRE_FILTER_STATE_KEY);
        };
        for (i, c) in s.constraints.iter().enumerate() {
            let Some(tp_val) = c.value(node) else {
                return Status::unresolvable(ERR_REASON_NODE_LABEL_NOT_MATCH);
            };
            let min_match_num = s.min_match_num(i, c.min_domains);
            let self_match_num = i64::from(s.self_match[i]);
            let match_num = s.tp_value_to_match_num[i].get(tp_val).copied().unwrap_or(0);
            if match_num + self_match_num - min_match_num > i64::from(c.max_skew) {
                return Status::unschedulable(ERR_REASON_CONSTRAINTS_NOT_MATCH);
            }
        }
        Status::success()
    }

    fn pre_score(
        &self,
        state: &mut CycleState,
        pod: &PodInfo,
        nodes: &[&NodeInfo],
        snapshot: &Snapshot,
    ) -> Status {
        match self.cal_pre_score_state(pod, nodes, snapshot) {
            Some(s) => {
                state.write(PRE_SCORE_STATE_KEY, s);
                Status::success()
            }
            None => Status::skip(),
        }
    }

    /// scoring.go: Score: the sum over constraints of scoreForCount, rounded; INVALID_SCORE
    /// for a node missing a required topology key.
    fn score(&self, state: &CycleState, pod: &PodInfo, node: &NodeInfo) -> Result<i64, Status> {
        let Some(s) = state.read::<PreScoreState>(PRE_SCORE_STATE_KEY) else {
            return Err(Status::error(format!(
                "error reading {PRE_SCORE_STATE_KEY:?} from cycleState: not found"
            )));
        };
        if s.require_all_topologies && !node_labels_match(node, &s.constraints) {
            return Ok(INVALID_SCORE);
        }
        let mut score = 0f64;
        for (i, c) in s.constraints.iter().enumerate() {
            let Some(tp_val) = c.value(node) else {
                continue;
            };
            let cnt = if c.topology_key == LABEL_HOSTNAME {
                self.count_on(node, c, pod.namespace(), s.selector_ids[i])
            } else {
                s.topology_value_to_pod_counts[i]
                    .get(tp_val)
                    .copied()
                    .unwrap_or(0)
            };
            score += score_for_count(cnt, c.max_skew, s.topology_normalizing_weight[i]);
        }
        // math.Round: halves away from zero, as f64::round.
        Ok(score.round() as i64)
    }

    /// scoring.go: NormalizeScore: MaxNodeScore * (max + min - s) / max in integers, ignored
    /// nodes 0, all MaxNodeScore when every score is 0.
    fn normalize_score(
        &self,
        state: &CycleState,
        _pod: &PodInfo,
        scores: &mut [i64],
    ) -> Option<Status> {
        if state.read::<PreScoreState>(PRE_SCORE_STATE_KEY).is_none() {
            return Some(Status::error(format!(
                "error reading {PRE_SCORE_STATE_KEY:?} from cycleState: not found"
            )));
        }
        let mut min_score = i64::MAX;
        let mut max_score = 0i64;
        for &s in scores.iter() {
            if s == INVALID_SCORE {
                continue;
            }
            min_score = min_score.min(s);
            max_score = max_score.max(s);
        }
        for s in scores.iter_mut() {
            if *s == INVALID_SCORE {
                *s = 0;
            } else if max_score == 0 {
                *s = MAX_NODE_SCORE;
            } else {
                *s = MAX_NODE_SCORE * (max_score + min_score - *s) / max_score;
            }
        }
        Some(Status::success())
    }
}

// ---------------------------------------------------------------------------------------------
// Args (apis/config/types_pluginargs.go, v1/defaults.go, validation/validation_pluginargs.go)

/// Parses and validates `PodTopologySpreadArgs`. Errors read as upstream's field errors
/// (`defaultingType: Invalid value: "System": when .defaultConstraints are not empty`),
/// several joined as `[e1, e2]`.
fn parse_args(
    args: Option<&serde_yaml::Value>,
) -> Result<(DefaultingType, Vec<TopologySpreadConstraint>), String> {
    use serde_yaml::Value;
    let mut defaulting: Option<String> = None;
    let mut raw: Vec<RawConstraint> = Vec::new();
    match args {
        None | Some(Value::Null) => {}
        Some(Value::Mapping(m)) => {
            for (k, v) in m {
                let key = k.as_str().unwrap_or_default();
                match key {
                    "apiVersion" => {}
                    "kind" => {
                        if v.as_str() != Some("PodTopologySpreadArgs") {
                            return Err(format!(
                                "kind: expected PodTopologySpreadArgs, got {}",
                                yaml_brief(v)
                            ));
                        }
                    }
                    "defaultingType" => match v {
                        Value::Null => {}
                        Value::String(s) => defaulting = Some(s.clone()),
                        other => {
                            return Err(format!(
                                "defaultingType: expected a string, got {}",
                                yaml_brief(other)
                            ))
                        }
                    },
                    "defaultConstraints" => match v {
                        Value::Null => {}
                        Value::Sequence(items) => {
                            for (i, item) in items.iter().enumerate() {
                                raw.push(RawConstraint::parse(
                                    item,
                                    &format!("defaultConstraints[{i}]"),
                                )?);
                            }
                        }
                        other => {
                            return Err(format!(
                                "defaultConstraints: expected a list, got {}",
                                yaml_brief(other)
                            ))
                        }
                    },
                    _ => return Err(format!("unknown field {:?} in PodTopologySpreadArgs", key)),
                }
            }
        }
        Some(other) => {
            return Err(format!(
                "PodTopologySpreadArgs: expected a mapping, got {}",
                yaml_brief(other)
            ))
        }
    }
    // SetDefaults_PodTopologySpreadArgs: an unset defaultingType is System.
    let defaulting = defaulting.unwrap_or_else(|| "System".to_string());

    // ValidatePodTopologySpreadArgs.
    let mut errs: Vec<String> = Vec::new();
    let defaulting_type = match defaulting.as_str() {
        "System" => Some(DefaultingType::System),
        "List" => Some(DefaultingType::List),
        _ => None,
    };
    match defaulting_type {
        None => errs.push(format!(
            "defaultingType: Unsupported value: {defaulting:?}: supported values: \"System\", \"List\""
        )),
        Some(DefaultingType::System) if !raw.is_empty() => errs.push(format!(
            "defaultingType: Invalid value: {defaulting:?}: when .defaultConstraints are not empty"
        )),
        _ => {}
    }
    for (i, c) in raw.iter().enumerate() {
        let p = format!("defaultConstraints[{i}]");
        if c.max_skew <= 0 {
            errs.push(format!(
                "{p}.maxSkew: Invalid value: {}: not in valid range (0, inf)",
                c.max_skew
            ));
        }
        if c.topology_key.is_empty() {
            errs.push(format!("{p}.topologyKey: Required value: can not be empty"));
        } else {
            for problem in crate::api::validation::is_qualified_name(&c.topology_key) {
                errs.push(format!(
                    "{p}.topologyKey: Invalid value: {:?}: {problem}",
                    c.topology_key
                ));
            }
        }
        if c.when_unsatisfiable.is_empty() {
            errs.push(format!(
                "{p}.whenUnsatisfiable: Required value: can not be empty"
            ));
        } else if !matches!(
            c.when_unsatisfiable.as_str(),
            "DoNotSchedule" | "ScheduleAnyway"
        ) {
            errs.push(format!(
                "{p}.whenUnsatisfiable: Unsupported value: {:?}: supported values: \"DoNotSchedule\", \"ScheduleAnyway\"",
                c.when_unsatisfiable
            ));
        }
        if c.has_label_selector {
            errs.push(format!(
                "{p}.labelSelector: Forbidden: constraint must not define a selector, as they deduced for each pod"
            ));
        }
        if raw[..i].iter().any(|o| {
            o.topology_key == c.topology_key && o.when_unsatisfiable == c.when_unsatisfiable
        }) {
            errs.push(format!(
                "defaultConstraints[{i}]: Duplicate value: \"{{{}, {}}}\"",
                c.topology_key, c.when_unsatisfiable
            ));
        }
    }
    match errs.len() {
        0 => {}
        1 => return Err(errs.remove(0)),
        _ => return Err(format!("[{}]", errs.join(", "))),
    }
    let defaulting_type = defaulting_type.expect("validated");
    let constraints = raw
        .into_iter()
        .map(RawConstraint::into_constraint)
        .collect();
    Ok((defaulting_type, constraints))
}

/// A default constraint as written, before validation.
struct RawConstraint {
    max_skew: i64,
    topology_key: String,
    when_unsatisfiable: String,
    has_label_selector: bool,
    min_domains: Option<i32>,
    node_affinity_policy: Option<NodeInclusionPolicy>,
    node_taints_policy: Option<NodeInclusionPolicy>,
    match_label_keys: Vec<Name>,
}

impl RawConstraint {
    fn parse(v: &serde_yaml::Value, path: &str) -> Result<RawConstraint, String> {
        use serde_yaml::Value;
        let Value::Mapping(m) = v else {
            return Err(format!("{path}: expected a mapping, got {}", yaml_brief(v)));
        };
        let mut c = RawConstraint {
            max_skew: 0,
            topology_key: String::new(),
            when_unsatisfiable: String::new(),
            has_label_selector: false,
            min_domains: None,
            node_affinity_policy: None,
            node_taints_policy: None,
            match_label_keys: Vec::new(),
        };
        let int = |v: &Value, field: &str| -> Result<i64, String> {
            v.as_i64().ok_or_else(|| {
                format!("{path}.{field}: expected an integer, got {}", yaml_brief(v))
            })
        };
        let string = |v: &Value, field: &str| -> Result<String, String> {
            match v {
                Value::Null => Ok(String::new()),
                Value::String(s) => Ok(s.clone()),
                other => Err(format!(
                    "{path}.{field}: expected a string, got {}",
                    yaml_brief(other)
                )),
            }
        };
        let policy = |v: &Value, field: &str| -> Result<Option<NodeInclusionPolicy>, String> {
            match string(v, field)?.as_str() {
                "" => Ok(None),
                "Honor" => Ok(Some(NodeInclusionPolicy::Honor)),
                "Ignore" => Ok(Some(NodeInclusionPolicy::Ignore)),
                other => Err(format!(
                    "{path}.{field}: Unsupported value: {other:?}: supported values: \"Honor\", \"Ignore\""
                )),
            }
        };
        for (k, v) in m {
            let key = k.as_str().unwrap_or_default();
            match key {
                "maxSkew" => c.max_skew = int(v, key)?,
                "topologyKey" => c.topology_key = string(v, key)?,
                "whenUnsatisfiable" => c.when_unsatisfiable = string(v, key)?,
                "labelSelector" => c.has_label_selector = !v.is_null(),
                "minDomains" => {
                    if !v.is_null() {
                        let n = int(v, key)?;
                        c.min_domains = Some(i32::try_from(n).map_err(|_| {
                            format!("{path}.minDomains: Invalid value: {n}: out of range")
                        })?);
                    }
                }
                "nodeAffinityPolicy" => c.node_affinity_policy = policy(v, key)?,
                "nodeTaintsPolicy" => c.node_taints_policy = policy(v, key)?,
                "matchLabelKeys" => match v {
                    Value::Null => {}
                    Value::Sequence(keys) => {
                        for (j, k) in keys.iter().enumerate() {
                            c.match_label_keys
                                .push(Name::from(string(k, &format!("matchLabelKeys[{j}]"))?));
                        }
                    }
                    other => {
                        return Err(format!(
                            "{path}.matchLabelKeys: expected a list, got {}",
                            yaml_brief(other)
                        ))
                    }
                },
                _ => return Err(format!("{path}: unknown field {key:?}")),
            }
        }
        Ok(c)
    }

    fn into_constraint(self) -> TopologySpreadConstraint {
        TopologySpreadConstraint {
            max_skew: self.max_skew as i32,
            topology_key: Name::from(self.topology_key),
            when_unsatisfiable: if self.when_unsatisfiable == "DoNotSchedule" {
                UnsatisfiableConstraintAction::DoNotSchedule
            } else {
                UnsatisfiableConstraintAction::ScheduleAnyway
            },
            label_selector: None,
            min_domains: self.min_domains,
            node_affinity_policy: self.node_affinity_policy,
            node_taints_policy: self.node_taints_policy,
            match_label_keys: self.match_label_keys,
        }
    }
}

/// A short rendering of a YAML value for error messages.
fn yaml_brief(v: &serde_yaml::Value) -> String {
    serde_yaml::to_string(v)
        .map(|s| s.trim_end().to_string())
        .unwrap_or_else(|_| "?".to_string())
}

// ---------------------------------------------------------------------------------------------
// Test wrappers, after upstream's st.MakePod()/st.MakeNode() (pkg/scheduler/testing/wrappers.go).
// Objects are written as manifests and go through the manifest parser, as testing.rs fixtures.

#[cfg(test)]
pub(crate) mod wrappers {
    use std::sync::Arc;

    use serde_json::{json, Value};

    use crate::api::types::Object;
    use crate::scheduler::framework::{NodeInfo, PodInfo};
    use crate::scheduler::testing::object;

    fn at<'a>(v: &'a mut Value, path: &[&str]) -> &'a mut Value {
        let mut cur = v;
        for k in path {
            if !cur.is_object() {
                *cur = json!({});
            }
            cur = cur
                .as_object_mut()
                .expect("object")
                .entry(k.to_string())
                .or_insert(Value::Null);
        }
        cur
    }

    /// The manifest text of a JSON-built object (block YAML, as fixtures are written).
    fn manifest(v: &Value) -> String {
        serde_yaml::to_string(v).expect("yaml")
    }

    fn push(v: &mut Value, item: Value) {
        if !v.is_array() {
            *v = json!([]);
        }
        v.as_array_mut().expect("array").push(item);
    }

    /// A label selector `{key: Exists}` (st.MakeLabelSelector().Exists(key)).
    pub fn exists(key: &str) -> Value {
        json!({"matchExpressions": [{"key": key, "operator": "Exists"}]})
    }

    /// A label selector of matchLabels.
    pub fn match_labels(pairs: &[(&str, &str)]) -> Value {
        let m: serde_json::Map<String, Value> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), json!(v)))
            .collect();
        json!({ "matchLabels": m })
    }

    /// A selector with one expression `key op values`.
    pub fn expr(key: &str, op: &str, values: &[&str]) -> Value {
        json!({"matchExpressions": [{"key": key, "operator": op, "values": values}]})
    }

    /// A pod affinity term.
    pub fn term(selector: Value, topology_key: &str) -> Value {
        json!({"labelSelector": selector, "topologyKey": topology_key})
    }

    /// Which list of the pod's affinity a term goes to.
    #[derive(Clone, Copy)]
    pub enum Aff {
        Required,
        Preferred(i32),
        AntiRequired,
        AntiPreferred(i32),
    }

    pub struct MakePod {
        v: Value,
        terminating: bool,
    }

    impl MakePod {
        pub fn new(name: &str) -> MakePod {
            MakePod {
                v: json!({
                    "apiVersion": "v1",
                    "kind": "Pod",
                    "metadata": {"name": name},
                    "spec": {"containers": [{"name": "c", "image": "i"}]},
                }),
                terminating: false,
            }
        }
        pub fn namespace(mut self, ns: &str) -> Self {
            *at(&mut self.v, &["metadata", "namespace"]) = json!(ns);
            self
        }
        pub fn node(mut self, node: &str) -> Self {
            *at(&mut self.v, &["spec", "nodeName"]) = json!(node);
            self
        }
        pub fn label(mut self, k: &str, v: &str) -> Self {
            *at(&mut self.v, &["metadata", "labels", k]) = json!(v);
            self
        }
        pub fn labels(mut self, pairs: &[(&str, &str)]) -> Self {
            for (k, v) in pairs {
                self = self.label(k, v);
            }
            self
        }
        /// A deletionTimestamp (st.MakePod().Terminating()).
        pub fn terminating(mut self) -> Self {
            self.terminating = true;
            self
        }
        pub fn node_selector(mut self, k: &str, v: &str) -> Self {
            *at(&mut self.v, &["spec", "nodeSelector", k]) = json!(v);
            self
        }
        fn node_affinity(mut self, key: &str, op: &str, values: &[&str]) -> Self {
            let terms = at(
                &mut self.v,
                &[
                    "spec",
                    "affinity",
                    "nodeAffinity",
                    "requiredDuringSchedulingIgnoredDuringExecution",
                    "nodeSelectorTerms",
                ],
            );
            push(
                terms,
                json!({"matchExpressions": [{"key": key, "operator": op, "values": values}]}),
            );
            self
        }
        pub fn node_affinity_in(self, key: &str, values: &[&str]) -> Self {
            self.node_affinity(key, "In", values)
        }
        pub fn node_affinity_not_in(self, key: &str, values: &[&str]) -> Self {
            self.node_affinity(key, "NotIn", values)
        }
        /// st.MakePod().Toleration(key): operator Exists.
        pub fn toleration(mut self, key: &str) -> Self {
            push(
                at(&mut self.v, &["spec", "tolerations"]),
                json!({"key": key, "operator": "Exists"}),
            );
            self
        }
        /// st.MakePod().SpreadConstraint(maxSkew, key, action, selector, minDomains,
        /// nodeAffinityPolicy, nodeTaintsPolicy, matchLabelKeys).
        #[allow(clippy::too_many_arguments)]
        pub fn spread(
            mut self,
            max_skew: i32,
            key: &str,
            when: &str,
            selector: Option<Value>,
            min_domains: Option<i32>,
            affinity_policy: Option<&str>,
            taints_policy: Option<&str>,
            match_label_keys: &[&str],
        ) -> Self {
            let mut c = json!({"maxSkew": max_skew, "topologyKey": key, "whenUnsatisfiable": when});
            if let Some(s) = selector {
                c["labelSelector"] = s;
            }
            if let Some(m) = min_domains {
                c["minDomains"] = json!(m);
            }
            if let Some(p) = affinity_policy {
                c["nodeAffinityPolicy"] = json!(p);
            }
            if let Some(p) = taints_policy {
                c["nodeTaintsPolicy"] = json!(p);
            }
            if !match_label_keys.is_empty() {
                c["matchLabelKeys"] = json!(match_label_keys);
            }
            push(at(&mut self.v, &["spec", "topologySpreadConstraints"]), c);
            self
        }
        /// A controller owner reference.
        pub fn owner(mut self, api_version: &str, kind: &str, name: &str) -> Self {
            push(
                at(&mut self.v, &["metadata", "ownerReferences"]),
                json!({"apiVersion": api_version, "kind": kind, "name": name,
                       "uid": "00000000-0000-0000-0000-000000000001", "controller": true}),
            );
            self
        }
        /// Adds a pod (anti-)affinity term (st.MakePod().PodAffinity...()).
        pub fn affinity(mut self, which: Aff, term: Value) -> Self {
            let (group, list, item) = match which {
                Aff::Required => (
                    "podAffinity",
                    "requiredDuringSchedulingIgnoredDuringExecution",
                    term,
                ),
                Aff::AntiRequired => (
                    "podAntiAffinity",
                    "requiredDuringSchedulingIgnoredDuringExecution",
                    term,
                ),
                Aff::Preferred(w) => (
                    "podAffinity",
                    "preferredDuringSchedulingIgnoredDuringExecution",
                    json!({"weight": w, "podAffinityTerm": term}),
                ),
                Aff::AntiPreferred(w) => (
                    "podAntiAffinity",
                    "preferredDuringSchedulingIgnoredDuringExecution",
                    json!({"weight": w, "podAffinityTerm": term}),
                ),
            };
            push(at(&mut self.v, &["spec", "affinity", group, list]), item);
            self
        }
        pub fn obj(self) -> Arc<PodInfo> {
            let mut o = object(&manifest(&self.v));
            if self.terminating {
                o.meta.deletion_timestamp = Some(0);
            }
            Arc::new(PodInfo::new(Arc::new(o)))
        }
    }

    pub struct MakeNode {
        v: Value,
    }

    impl MakeNode {
        pub fn new(name: &str) -> MakeNode {
            MakeNode {
                v: json!({"apiVersion": "v1", "kind": "Node", "metadata": {"name": name}}),
            }
        }
        pub fn label(mut self, k: &str, v: &str) -> Self {
            *at(&mut self.v, &["metadata", "labels", k]) = json!(v);
            self
        }
        pub fn labels(mut self, pairs: &[(&str, &str)]) -> Self {
            for (k, v) in pairs {
                self = self.label(k, v);
            }
            self
        }
        /// The taint upstream's tests use: node.kubernetes.io/unschedulable:NoSchedule.
        pub fn unschedulable_taint(mut self) -> Self {
            push(
                at(&mut self.v, &["spec", "taints"]),
                json!({"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule"}),
            );
            self
        }
        pub fn obj(self) -> NodeInfo {
            NodeInfo::new(Arc::new(object(&manifest(&self.v))))
        }
    }

    /// A namespace with labels.
    pub fn namespace(name: &str, labels: &[(&str, &str)]) -> Arc<Object> {
        let m: serde_json::Map<String, Value> = labels
            .iter()
            .map(|(k, v)| (k.to_string(), json!(v)))
            .collect();
        Arc::new(object(&manifest(
            &json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name, "labels": m}}),
        )))
    }

    /// A Service in `default` with a map selector.
    pub fn service(name: &str, selector: &[(&str, &str)]) -> Arc<Object> {
        let m: serde_json::Map<String, Value> = selector
            .iter()
            .map(|(k, v)| (k.to_string(), json!(v)))
            .collect();
        Arc::new(object(&manifest(&json!({
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": name, "namespace": "default"},
            "spec": {"selector": m, "ports": [{"port": 80}]},
        }))))
    }

    /// A ReplicaSet in `default` with a label selector (its template carries `template_labels`).
    pub fn replica_set(
        name: &str,
        selector: Value,
        template_labels: &[(&str, &str)],
    ) -> Arc<Object> {
        let m: serde_json::Map<String, Value> = template_labels
            .iter()
            .map(|(k, v)| (k.to_string(), json!(v)))
            .collect();
        Arc::new(object(&manifest(&json!({
            "apiVersion": "apps/v1",
            "kind": "ReplicaSet",
            "metadata": {"name": name, "namespace": "default"},
            "spec": {
                "selector": selector,
                "template": {
                    "metadata": {"labels": m},
                    "spec": {"containers": [{"name": "c", "image": "i"}]},
                },
            },
        }))))
    }
}

// ---------------------------------------------------------------------------------------------
// Tests: upstream's tables from pkg/scheduler/framework/plugins/podtopologyspread/
// filtering_test.go (TestPreFilterState, TestPreFilterStateAddPod, TestPreFilterStateRemovePod,
// TestSingleConstraint, TestMultipleConstraints) and scoring_test.go (TestPreScoreSkip,
// TestPreScoreStateEmptyNodes, TestPodTopologySpreadScore), case names kept. Upstream's pods
// without a namespace are in `default` here. Node inclusion policies and matchLabelKeys are
// modelled at their GA defaults (feature gates on); a "feature gate disabled" case is kept only
// where the gate makes no difference to its expectation.

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use super::wrappers::*;
    use super::*;
    use crate::scheduler::framework::Code;
    use crate::scheduler::testing::snapshot;

    const DNS: &str = "DoNotSchedule";
    const SA: &str = "ScheduleAnyway";
    const HOST: &str = LABEL_HOSTNAME;
    const NONE: (&str, i64) = ("", MAX_INT32);
    const U: Code = Code::Unschedulable;
    const UU: Code = Code::UnschedulableAndUnresolvable;
    const OK: Code = Code::Success;

    fn foo() -> Option<Value> {
        Some(exists("foo"))
    }
    fn bar() -> Option<Value> {
        Some(exists("bar"))
    }

    trait Sc {
        fn sc(self, skew: i32, key: &str, when: &str, sel: Option<Value>) -> Self;
    }
    impl Sc for MakePod {
        fn sc(self, skew: i32, key: &str, when: &str, sel: Option<Value>) -> Self {
            self.spread(skew, key, when, sel, None, None, None, &[])
        }
    }

    /// st.MakeNode().Name(name).Label("zone", zone).Label("node", name).
    fn zn(name: &str, zone: &str) -> NodeInfo {
        MakeNode::new(name)
            .label("zone", zone)
            .label("node", name)
            .obj()
    }
    /// A node labelled zone and kubernetes.io/hostname.
    fn zh(name: &str, zone: &str) -> NodeInfo {
        MakeNode::new(name)
            .label("zone", zone)
            .label(HOST, name)
            .obj()
    }
    fn hn(name: &str) -> NodeInfo {
        MakeNode::new(name).label(HOST, name).obj()
    }
    fn nl(name: &str, labels: &[(&str, &str)]) -> NodeInfo {
        MakeNode::new(name).labels(labels).obj()
    }
    /// Existing pods `(name, node)` labelled foo.
    fn foos(spec: &[(&str, &str)]) -> Vec<Arc<PodInfo>> {
        spec.iter()
            .map(|(n, node)| MakePod::new(n).node(node).label("foo", "").obj())
            .collect()
    }
    /// `(name, node, labels)` of an existing pod.
    type PodSpecRow<'a> = (&'a str, &'a str, &'a [(&'a str, &'a str)]);
    /// Existing pods `(name, node, labels)`.
    fn pods(spec: &[PodSpecRow]) -> Vec<Arc<PodInfo>> {
        spec.iter()
            .map(|(n, node, labels)| MakePod::new(n).node(node).labels(labels).obj())
            .collect()
    }
    fn list_plugin(defaults: Vec<TopologySpreadConstraint>) -> PodTopologySpread {
        PodTopologySpread::with_defaults(DefaultingType::List, defaults)
    }
    fn dc(
        max_skew: i32,
        key: &str,
        when: UnsatisfiableConstraintAction,
    ) -> TopologySpreadConstraint {
        TopologySpreadConstraint {
            max_skew,
            topology_key: key.into(),
            when_unsatisfiable: when,
            label_selector: None,
            min_domains: None,
            node_affinity_policy: None,
            node_taints_policy: None,
            match_label_keys: Vec::new(),
        }
    }
    const DO_NOT: UnsatisfiableConstraintAction = UnsatisfiableConstraintAction::DoNotSchedule;
    const ANYWAY: UnsatisfiableConstraintAction = UnsatisfiableConstraintAction::ScheduleAnyway;

    fn sorted_counts(m: &Map<Name, i64>) -> Vec<(String, i64)> {
        let mut v: Vec<(String, i64)> = m.iter().map(|(k, v)| (k.to_string(), *v)).collect();
        v.sort();
        v
    }
    fn want_counts(w: &[(&str, i64)]) -> Vec<(String, i64)> {
        let mut v: Vec<(String, i64)> = w.iter().map(|(k, v)| (k.to_string(), *v)).collect();
        v.sort();
        v
    }
    /// Critical paths compared as upstream's stateCmpOpts: equal match numbers sorted by value.
    fn norm_paths(p: [(String, i64); 2]) -> [(String, i64); 2] {
        let [a, b] = p;
        if a.1 == b.1 && a.0 > b.0 {
            [b, a]
        } else {
            [a, b]
        }
    }

    type WantState = Vec<(Vec<(&'static str, i64)>, [(&'static str, i64); 2])>;

    fn check_pre_filter_state(name: &str, s: &PreFilterState, want: &WantState) {
        assert_eq!(s.constraints.len(), want.len(), "{name}: constraints");
        for (i, (counts, paths)) in want.iter().enumerate() {
            assert_eq!(
                sorted_counts(&s.tp_value_to_match_num[i]),
                want_counts(counts),
                "{name}: TpValueToMatchNum[{i}]"
            );
            let got = &s.critical_paths[i].0;
            let got = norm_paths([
                (got[0].topology_value.to_string(), got[0].match_num),
                (got[1].topology_value.to_string(), got[1].match_num),
            ]);
            let w = norm_paths([
                (paths[0].0.to_string(), paths[0].1),
                (paths[1].0.to_string(), paths[1].1),
            ]);
            assert_eq!(got, w, "{name}: CriticalPaths[{i}]");
        }
    }

    struct PreFilterCase {
        name: &'static str,
        pod: Arc<PodInfo>,
        nodes: Vec<NodeInfo>,
        existing: Vec<Arc<PodInfo>>,
        defaults: Vec<TopologySpreadConstraint>,
        services: Vec<Arc<Object>>,
        /// None: PreFilter returns Skip.
        want: Option<WantState>,
    }

    fn four_zone_nodes() -> Vec<NodeInfo> {
        vec![
            zn("node-a", "zone1"),
            zn("node-b", "zone1"),
            zn("node-x", "zone2"),
            zn("node-y", "zone2"),
        ]
    }
    fn three_zone_nodes() -> Vec<NodeInfo> {
        vec![
            zn("node-a", "zone1"),
            zn("node-b", "zone1"),
            zn("node-y", "zone2"),
        ]
    }
    /// node-a, node-b labelled foo; node-c labelled bar (the NodeAffinityPolicy cases).
    fn policy_nodes() -> Vec<NodeInfo> {
        vec![
            nl("node-a", &[("node", "node-a"), ("foo", "")]),
            nl("node-b", &[("node", "node-b"), ("foo", "")]),
            nl("node-c", &[("node", "node-c"), ("bar", "")]),
        ]
    }
    fn policy_pods() -> Vec<Arc<PodInfo>> {
        pods(&[
            ("p-a", "node-a", &[("bar", "")]),
            ("p-b", "node-b", &[("bar", "")]),
            ("p-c", "node-b", &[("bar", "")]),
            ("p-d", "node-c", &[]),
        ])
    }
    /// node-c tainted and labelled bar (the NodeTaintsPolicy cases).
    fn taint_nodes() -> Vec<NodeInfo> {
        vec![
            nl("node-a", &[("node", "node-a")]),
            nl("node-b", &[("node", "node-b")]),
            MakeNode::new("node-c")
                .label("node", "node-c")
                .label("bar", "")
                .unschedulable_taint()
                .obj(),
        ]
    }
    fn foo_3_2() -> Vec<Arc<PodInfo>> {
        foos(&[
            ("p-a1", "node-a"),
            ("p-a2", "node-a"),
            ("p-b1", "node-b"),
            ("p-y1", "node-y"),
            ("p-y2", "node-y"),
        ])
    }
    fn foo_3_4() -> Vec<Arc<PodInfo>> {
        foos(&[
            ("p-a1", "node-a"),
            ("p-a2", "node-a"),
            ("p-b1", "node-b"),
            ("p-y1", "node-y"),
            ("p-y2", "node-y"),
            ("p-y3", "node-y"),
            ("p-y4", "node-y"),
        ])
    }
    fn fooa_3_2() -> Vec<Arc<PodInfo>> {
        pods(&[
            ("p-a1", "node-a", &[("foo", "a")]),
            ("p-a2", "node-a", &[("foo", "a")]),
            ("p-b1", "node-b", &[("foo", "a")]),
            ("p-y1", "node-y", &[("foo", "a")]),
            ("p-y2", "node-y", &[("foo", "a")]),
        ])
    }

    fn pre_filter_cases() -> Vec<PreFilterCase> {
        let p = || MakePod::new("p").label("foo", "");
        let case = |name, pod, nodes, existing, want| PreFilterCase {
            name,
            pod,
            nodes,
            existing,
            defaults: Vec::new(),
            services: Vec::new(),
            want,
        };
        vec![
            case(
                "clean cluster with one spreadConstraint",
                p().sc(5, "zone", DNS, Some(match_labels(&[("foo", "bar")]))).obj(),
                four_zone_nodes(),
                vec![],
                Some(vec![(vec![("zone1", 0), ("zone2", 0)], [("zone1", 0), ("zone2", 0)])]),
            ),
            case(
                "normal case with one spreadConstraint",
                p().sc(1, "zone", DNS, foo()).obj(),
                four_zone_nodes(),
                foo_3_2(),
                Some(vec![(vec![("zone1", 3), ("zone2", 2)], [("zone2", 2), ("zone1", 3)])]),
            ),
            case(
                "normal case with null label selector",
                p().sc(1, "zone", DNS, None).obj(),
                four_zone_nodes(),
                foo_3_2(),
                Some(vec![(vec![("zone1", 0), ("zone2", 0)], [("zone2", 0), ("zone1", 0)])]),
            ),
            case(
                "normal case with one spreadConstraint, on a 3-zone cluster",
                p().sc(1, "zone", DNS, foo()).obj(),
                {
                    let mut n = four_zone_nodes();
                    n.push(zn("node-o", "zone3"));
                    n.push(zn("node-p", "zone3"));
                    n
                },
                foo_3_2(),
                Some(vec![(
                    vec![("zone1", 3), ("zone2", 2), ("zone3", 0)],
                    [("zone3", 0), ("zone2", 2)],
                )]),
            ),
            case(
                "namespace mismatch doesn't count",
                p().sc(1, "zone", DNS, foo()).obj(),
                four_zone_nodes(),
                vec![
                    MakePod::new("p-a1").node("node-a").label("foo", "").obj(),
                    MakePod::new("p-a2").namespace("ns1").node("node-a").label("foo", "").obj(),
                    MakePod::new("p-b1").node("node-b").label("foo", "").obj(),
                    MakePod::new("p-y1").namespace("ns2").node("node-y").label("foo", "").obj(),
                    MakePod::new("p-y2").node("node-y").label("foo", "").obj(),
                ],
                Some(vec![(vec![("zone1", 2), ("zone2", 1)], [("zone2", 1), ("zone1", 2)])]),
            ),
            case(
                "normal case with two spreadConstraints",
                p().sc(1, "zone", DNS, foo()).sc(1, "node", DNS, foo()).obj(),
                four_zone_nodes(),
                foo_3_4(),
                Some(vec![
                    (vec![("zone1", 3), ("zone2", 4)], [("zone1", 3), ("zone2", 4)]),
                    (
                        vec![("node-a", 2), ("node-b", 1), ("node-x", 0), ("node-y", 4)],
                        [("node-x", 0), ("node-b", 1)],
                    ),
                ]),
            ),
            case(
                "soft spreadConstraints should be bypassed",
                p().sc(1, "zone", SA, foo())
                    .sc(1, "zone", DNS, foo())
                    .sc(1, "node", SA, foo())
                    .sc(1, "node", DNS, foo())
                    .obj(),
                three_zone_nodes(),
                foo_3_4(),
                Some(vec![
                    (vec![("zone1", 3), ("zone2", 4)], [("zone1", 3), ("zone2", 4)]),
                    (
                        vec![("node-a", 2), ("node-b", 1), ("node-y", 4)],
                        [("node-b", 1), ("node-a", 2)],
                    ),
                ]),
            ),
            case(
                "different labelSelectors - simple version",
                p().label("bar", "").sc(1, "zone", DNS, foo()).sc(1, "node", DNS, bar()).obj(),
                three_zone_nodes(),
                pods(&[("p-a", "node-a", &[("foo", "")]), ("p-b", "node-b", &[("bar", "")])]),
                Some(vec![
                    (vec![("zone1", 1), ("zone2", 0)], [("zone2", 0), ("zone1", 1)]),
                    (
                        vec![("node-a", 0), ("node-b", 1), ("node-y", 0)],
                        [("node-a", 0), ("node-y", 0)],
                    ),
                ]),
            ),
            case(
                "different labelSelectors - complex pods",
                p().label("bar", "").sc(1, "zone", DNS, foo()).sc(1, "node", DNS, bar()).obj(),
                three_zone_nodes(),
                pods(&[
                    ("p-a1", "node-a", &[("foo", "")]),
                    ("p-a2", "node-a", &[("foo", ""), ("bar", "")]),
                    ("p-b1", "node-b", &[("foo", "")]),
                    ("p-y1", "node-y", &[("foo", "")]),
                    ("p-y2", "node-y", &[("foo", ""), ("bar", "")]),
                    ("p-y3", "node-y", &[("foo", "")]),
                    ("p-y4", "node-y", &[("foo", ""), ("bar", "")]),
                ]),
                Some(vec![
                    (vec![("zone1", 3), ("zone2", 4)], [("zone1", 3), ("zone2", 4)]),
                    (
                        vec![("node-a", 1), ("node-b", 0), ("node-y", 2)],
                        [("node-b", 0), ("node-a", 1)],
                    ),
                ]),
            ),
            case(
                "two spreadConstraints, and with podAffinity",
                p().node_affinity_not_in("node", &["node-x"])
                    .sc(1, "zone", DNS, foo())
                    .sc(1, "node", DNS, foo())
                    .obj(),
                four_zone_nodes(),
                foo_3_4(),
                Some(vec![
                    (vec![("zone1", 3), ("zone2", 4)], [("zone1", 3), ("zone2", 4)]),
                    (
                        vec![("node-a", 2), ("node-b", 1), ("node-y", 4)],
                        [("node-b", 1), ("node-a", 2)],
                    ),
                ]),
            ),
            PreFilterCase {
                name: "default constraints and a service",
                pod: MakePod::new("p").label("foo", "bar").label("baz", "kar").obj(),
                nodes: vec![],
                existing: vec![],
                defaults: vec![dc(3, "node", DO_NOT), dc(2, "node", ANYWAY), dc(5, "rack", DO_NOT)],
                services: vec![service("s", &[("foo", "bar")])],
                want: Some(vec![(vec![], [NONE, NONE]), (vec![], [NONE, NONE])]),
            },
            PreFilterCase {
                name: "default constraints and a service that doesn't match",
                pod: MakePod::new("p").label("foo", "bar").obj(),
                nodes: vec![],
                existing: vec![],
                defaults: vec![dc(3, "node", DO_NOT)],
                services: vec![service("s", &[("baz", "kep")])],
                want: None,
            },
            PreFilterCase {
                name: "default constraints and a service, but pod has constraints",
                pod: MakePod::new("p")
                    .label("foo", "bar")
                    .label("baz", "tar")
                    .sc(1, "zone", DNS, Some(match_labels(&[("baz", "tar")])))
                    .sc(2, "planet", SA, Some(match_labels(&[("fot", "rok")])))
                    .obj(),
                nodes: vec![],
                existing: vec![],
                defaults: vec![dc(2, "node", DO_NOT)],
                services: vec![service("s", &[("foo", "bar")])],
                want: Some(vec![(vec![], [NONE, NONE])]),
            },
            PreFilterCase {
                name: "default soft constraints and a service",
                pod: MakePod::new("p").label("foo", "bar").obj(),
                nodes: vec![],
                existing: vec![],
                defaults: vec![dc(2, "node", ANYWAY)],
                services: vec![service("s", &[("foo", "bar")])],
                want: None,
            },
            case(
                "TpKeyToDomainsNum is calculated when MinDomains is enabled",
                p().sc(1, "zone", DNS, foo()).sc(1, "node", DNS, foo()).obj(),
                four_zone_nodes(),
                foo_3_4(),
                Some(vec![
                    (vec![("zone1", 3), ("zone2", 4)], [("zone1", 3), ("zone2", 4)]),
                    (
                        vec![("node-a", 2), ("node-b", 1), ("node-x", 0), ("node-y", 4)],
                        [("node-x", 0), ("node-b", 1)],
                    ),
                ]),
            ),
            // The gate is on here; the default (Honor) gives the gate-off expectation.
            case(
                "feature gate disabled with NodeAffinityPolicy",
                p().node_selector("foo", "").sc(1, "node", DNS, bar()).obj(),
                policy_nodes(),
                policy_pods(),
                Some(vec![(
                    vec![("node-a", 1), ("node-b", 2)],
                    [("node-a", 1), ("node-b", 2)],
                )]),
            ),
            case(
                "NodeAffinityPolicy honored with labelSelectors",
                p().node_selector("foo", "").sc(1, "node", DNS, bar()).obj(),
                policy_nodes(),
                policy_pods(),
                Some(vec![(
                    vec![("node-a", 1), ("node-b", 2)],
                    [("node-a", 1), ("node-b", 2)],
                )]),
            ),
            case(
                "NodeAffinityPolicy ignored with labelSelectors",
                p().node_selector("foo", "")
                    .spread(1, "node", DNS, bar(), None, Some("Ignore"), None, &[])
                    .obj(),
                policy_nodes(),
                policy_pods(),
                Some(vec![(
                    vec![("node-a", 1), ("node-b", 2), ("node-c", 0)],
                    [("node-c", 0), ("node-a", 1)],
                )]),
            ),
            case(
                "NodeAffinityPolicy honored with nodeAffinity",
                p().node_affinity_in("foo", &[""]).sc(1, "node", DNS, bar()).obj(),
                policy_nodes(),
                pods(&[
                    ("p-a", "node-a", &[("bar", "")]),
                    ("p-c", "node-b", &[("bar", "")]),
                    ("p-d", "node-b", &[("bar", "")]),
                    ("p-e", "node-c", &[]),
                ]),
                Some(vec![(
                    vec![("node-a", 1), ("node-b", 2)],
                    [("node-a", 1), ("node-b", 2)],
                )]),
            ),
            case(
                "NodeAffinityPolicy ignored with nodeAffinity",
                p().node_affinity_in("foo", &[""])
                    .spread(1, "node", DNS, bar(), None, Some("Ignore"), None, &[])
                    .obj(),
                policy_nodes(),
                policy_pods(),
                Some(vec![(
                    vec![("node-a", 1), ("node-b", 2), ("node-c", 0)],
                    [("node-c", 0), ("node-a", 1)],
                )]),
            ),
            // The gate is on here; the default (Ignore) gives the gate-off expectation.
            case(
                "feature gate disabled with NodeTaintsPolicy",
                p().sc(1, "node", DNS, bar()).obj(),
                taint_nodes(),
                policy_pods(),
                Some(vec![(
                    vec![("node-a", 1), ("node-b", 2), ("node-c", 0)],
                    [("node-c", 0), ("node-a", 1)],
                )]),
            ),
            case(
                "NodeTaintsPolicy ignored",
                p().sc(1, "node", DNS, bar()).obj(),
                taint_nodes(),
                policy_pods(),
                Some(vec![(
                    vec![("node-a", 1), ("node-b", 2), ("node-c", 0)],
                    [("node-c", 0), ("node-a", 1)],
                )]),
            ),
            case(
                "NodeTaintsPolicy honored",
                p().spread(1, "node", DNS, bar(), None, None, Some("Honor"), &[]).obj(),
                taint_nodes(),
                policy_pods(),
                Some(vec![(
                    vec![("node-a", 1), ("node-b", 2)],
                    [("node-a", 1), ("node-b", 2)],
                )]),
            ),
            case(
                "NodeTaintsPolicy honored with tolerated taints",
                p().toleration("node.kubernetes.io/unschedulable")
                    .spread(1, "node", DNS, bar(), None, None, Some("Honor"), &[])
                    .obj(),
                taint_nodes(),
                policy_pods(),
                Some(vec![(
                    vec![("node-a", 1), ("node-b", 2), ("node-c", 0)],
                    [("node-c", 0), ("node-a", 1)],
                )]),
            ),
            case(
                "two node inclusion Constraints, zone: honor/ignore, node: ignore/ignore",
                p().node_selector("foo", "")
                    .sc(1, "zone", DNS, foo())
                    .spread(1, "node", DNS, foo(), None, Some("Ignore"), None, &[])
                    .obj(),
                vec![
                    nl("node-a", &[("zone", "zone1"), ("node", "node-a"), ("foo", "")]),
                    nl("node-b", &[("zone", "zone1"), ("node", "node-b")]),
                    nl("node-x", &[("zone", "zone2"), ("node", "node-x"), ("foo", "")]),
                ],
                foos(&[("p-b1", "node-b"), ("p-b2", "node-b"), ("p-x1", "node-x")]),
                Some(vec![
                    (vec![("zone1", 0), ("zone2", 1)], [("zone1", 0), ("zone2", 1)]),
                    (
                        vec![("node-a", 0), ("node-b", 2), ("node-x", 1)],
                        [("node-a", 0), ("node-x", 1)],
                    ),
                ]),
            ),
            case(
                "two node inclusion Constraints, zone: honor/honor, node: honor/ignore",
                p().spread(1, "zone", DNS, foo(), None, None, Some("Honor"), &[])
                    .sc(1, "node", DNS, foo())
                    .obj(),
                vec![
                    nl("node-a", &[("zone", "zone1"), ("node", "node-a"), ("foo", "")]),
                    MakeNode::new("node-b")
                        .labels(&[("zone", "zone1"), ("node", "node-b")])
                        .unschedulable_taint()
                        .obj(),
                    nl("node-x", &[("zone", "zone2"), ("node", "node-x"), ("foo", "")]),
                ],
                foos(&[("p-b1", "node-b"), ("p-b2", "node-b"), ("p-x1", "node-x")]),
                Some(vec![
                    (vec![("zone1", 0), ("zone2", 1)], [("zone1", 0), ("zone2", 1)]),
                    (
                        vec![("node-a", 0), ("node-b", 2), ("node-x", 1)],
                        [("node-a", 0), ("node-x", 1)],
                    ),
                ]),
            ),
            case(
                "two node inclusion Constraints, zone: honor/ignore, node: honor/ignore",
                p().node_selector("foo", "")
                    .sc(1, "zone", DNS, foo())
                    .sc(1, "node", DNS, foo())
                    .obj(),
                vec![
                    nl("node-a", &[("zone", "zone1"), ("node", "node-a")]),
                    MakeNode::new("node-b")
                        .labels(&[("zone", "zone1"), ("node", "node-b"), ("foo", "")])
                        .unschedulable_taint()
                        .obj(),
                    nl("node-x", &[("zone", "zone2"), ("node", "node-x"), ("foo", "")]),
                    nl("node-y", &[("zone", "zone2"), ("node", "node-y")]),
                ],
                foos(&[
                    ("p-a1", "node-a"),
                    ("p-a2", "node-a"),
                    ("p-x1", "node-x"),
                    ("p-y1", "node-y"),
                ]),
                Some(vec![
                    (vec![("zone1", 0), ("zone2", 1)], [("zone1", 0), ("zone2", 1)]),
                    (vec![("node-b", 0), ("node-x", 1)], [("node-b", 0), ("node-x", 1)]),
                ]),
            ),
            case(
                "two node inclusion Constraints, zone: ignore/ignore, node: honor/honor",
                p().node_selector("foo", "")
                    .spread(1, "zone", DNS, foo(), None, Some("Ignore"), None, &[])
                    .spread(1, "node", DNS, foo(), None, None, Some("Honor"), &[])
                    .obj(),
                vec![
                    nl("node-a", &[("zone", "zone1"), ("node", "node-a")]),
                    MakeNode::new("node-b")
                        .labels(&[("zone", "zone1"), ("node", "node-b"), ("foo", "")])
                        .unschedulable_taint()
                        .obj(),
                    nl("node-x", &[("zone", "zone2"), ("node", "node-x"), ("foo", "")]),
                    nl("node-y", &[("zone", "zone2"), ("node", "node-y"), ("foo", "")]),
                ],
                foos(&[
                    ("p-a1", "node-a"),
                    ("p-a2", "node-a"),
                    ("p-x1", "node-x"),
                    ("p-x2", "node-x"),
                    ("p-y1", "node-y"),
                ]),
                Some(vec![
                    (vec![("zone1", 2), ("zone2", 3)], [("zone1", 2), ("zone2", 3)]),
                    (vec![("node-x", 2), ("node-y", 1)], [("node-y", 1), ("node-x", 2)]),
                ]),
            ),
            case(
                "matchLabelKeys ANDed with LabelSelector when LabelSelector isn't empty",
                MakePod::new("p")
                    .label("foo", "")
                    .label("bar", "a")
                    .spread(1, "zone", DNS, foo(), None, None, None, &["bar"])
                    .obj(),
                four_zone_nodes(),
                pods(&[
                    ("p-a1", "node-a", &[("foo", "")]),
                    ("p-a2", "node-a", &[("foo", ""), ("bar", "a")]),
                    ("p-b1", "node-b", &[("foo", "")]),
                    ("p-y1", "node-y", &[("foo", ""), ("bar", "a")]),
                    ("p-y2", "node-y", &[("bar", "")]),
                ]),
                Some(vec![(vec![("zone1", 1), ("zone2", 1)], [("zone2", 1), ("zone1", 1)])]),
            ),
            case(
                "matchLabelKeys ANDed with LabelSelector when LabelSelector is empty",
                MakePod::new("p")
                    .label("foo", "a")
                    .spread(1, "zone", DNS, Some(json!({})), None, None, None, &["foo"])
                    .obj(),
                four_zone_nodes(),
                fooa_3_2(),
                Some(vec![(vec![("zone1", 3), ("zone2", 2)], [("zone2", 2), ("zone1", 3)])]),
            ),
            case(
                "key in matchLabelKeys is ignored when LabelSelector is nil when feature gate enabled",
                p().spread(1, "zone", DNS, None, None, None, None, &["bar"]).obj(),
                four_zone_nodes(),
                fooa_3_2(),
                Some(vec![(vec![("zone1", 0), ("zone2", 0)], [("zone2", 0), ("zone1", 0)])]),
            ),
            // matchLabelKeys (bar) is not a label of the pod, so the gate makes no difference.
            case(
                "no pod is matched when LabelSelector is nil when feature gate disabled",
                p().spread(1, "zone", DNS, None, None, None, None, &["bar"]).obj(),
                four_zone_nodes(),
                fooa_3_2(),
                Some(vec![(vec![("zone1", 0), ("zone2", 0)], [("zone2", 0), ("zone1", 0)])]),
            ),
            case(
                "key in matchLabelKeys is ignored when it isn't exist in pod.labels",
                p().spread(1, "zone", DNS, foo(), None, None, None, &["bar"]).obj(),
                four_zone_nodes(),
                fooa_3_2(),
                Some(vec![(vec![("zone1", 3), ("zone2", 2)], [("zone2", 2), ("zone1", 3)])]),
            ),
            case(
                "two spreadConstraints with the same topologyKey",
                p().label("bar", "").sc(1, "zone", DNS, foo()).sc(1, "zone", DNS, bar()).obj(),
                four_zone_nodes(),
                pods(&[
                    ("p-a1", "node-a", &[("foo", ""), ("bar", "")]),
                    ("p-b1", "node-b", &[("foo", "")]),
                    ("p-x1", "node-x", &[("bar", "")]),
                    ("p-y1", "node-y", &[("foo", ""), ("bar", "")]),
                    ("p-y2", "node-y", &[("bar", "")]),
                ]),
                Some(vec![
                    (vec![("zone1", 2), ("zone2", 1)], [("zone2", 1), ("zone1", 2)]),
                    (vec![("zone1", 1), ("zone2", 3)], [("zone1", 1), ("zone2", 3)]),
                ]),
            ),
            case(
                "skip if not specified",
                p().obj(),
                vec![zn("node-a", "zone1")],
                vec![],
                None,
            ),
        ]
    }

    // filtering_test.go: TestPreFilterState.
    #[test]
    fn pre_filter_state() {
        for c in pre_filter_cases() {
            let pl = list_plugin(c.defaults.clone());
            let mut snap = snapshot(c.nodes, &c.existing);
            snap.listers.services = c.services.clone();
            let mut state = CycleState::new();
            let (_, status) = pl.pre_filter(&mut state, &c.pod, &snap);
            match &c.want {
                None => assert!(status.is_skip(), "{}: want Skip, got {status:?}", c.name),
                Some(want) => {
                    assert!(status.is_success(), "{}: {status:?}", c.name);
                    let s = state
                        .read::<PreFilterState>(PRE_FILTER_STATE_KEY)
                        .expect("state");
                    check_pre_filter_state(c.name, s, want);
                }
            }
        }
    }

    struct UpdateCase {
        name: &'static str,
        preemptor: Arc<PodInfo>,
        pod: Arc<PodInfo>,
        existing: Vec<Arc<PodInfo>>,
        nodes: Vec<NodeInfo>,
        node: &'static str,
        want: WantState,
    }

    fn two_nodes_z1() -> Vec<NodeInfo> {
        vec![zn("node-a", "zone1"), zn("node-b", "zone1")]
    }
    fn affinity_nodes() -> Vec<NodeInfo> {
        vec![
            nl(
                "node-a",
                &[("zone", "zone1"), ("node", "node-a"), ("foo", "bar")],
            ),
            nl(
                "node-b",
                &[("zone", "zone2"), ("node", "node-b"), ("foo", "")],
            ),
        ]
    }
    fn zoned(name: &str, node: &str, zone: &str) -> Arc<PodInfo> {
        MakePod::new(name)
            .node(node)
            .label("foo", "")
            .label("zone", zone)
            .obj()
    }

    // filtering_test.go: TestPreFilterStateAddPod.
    #[test]
    fn pre_filter_state_add_pod() {
        let pn = || {
            MakePod::new("p")
                .label("foo", "")
                .sc(1, "node", DNS, foo())
                .obj()
        };
        let pzn = || {
            MakePod::new("p")
                .label("foo", "")
                .sc(1, "zone", DNS, foo())
                .sc(1, "node", DNS, foo())
                .obj()
        };
        let pzn_bar = || {
            MakePod::new("p")
                .label("foo", "")
                .label("bar", "")
                .sc(1, "zone", DNS, foo())
                .sc(1, "node", DNS, bar())
                .obj()
        };
        let pz_not_bar = || {
            MakePod::new("p")
                .label("foo", "")
                .node_affinity_not_in("foo", &["bar"])
                .sc(1, "zone", DNS, foo())
                .obj()
        };
        let pz = || {
            MakePod::new("p")
                .label("foo", "")
                .sc(1, "zone", DNS, foo())
                .obj()
        };
        let cases = vec![
            UpdateCase {
                name: "node a and b both impact current min match",
                preemptor: pn(),
                pod: foos(&[("p-a1", "node-a")]).remove(0),
                existing: vec![],
                nodes: two_nodes_z1(),
                node: "node-a",
                want: vec![(vec![("node-a", 1), ("node-b", 0)], [("node-b", 0), ("node-a", 1)])],
            },
            UpdateCase {
                name: "only node a impacts current min match",
                preemptor: pn(),
                pod: foos(&[("p-a1", "node-a")]).remove(0),
                existing: foos(&[("p-b1", "node-b")]),
                nodes: two_nodes_z1(),
                node: "node-a",
                want: vec![(vec![("node-a", 1), ("node-b", 1)], [("node-a", 1), ("node-b", 1)])],
            },
            UpdateCase {
                name: "add a pod in a different namespace doesn't change topologyKeyToMinPodsMap",
                preemptor: pn(),
                pod: MakePod::new("p-a1")
                    .namespace("ns1")
                    .node("node-a")
                    .label("foo", "")
                    .obj(),
                existing: foos(&[("p-b1", "node-b")]),
                nodes: two_nodes_z1(),
                node: "node-a",
                want: vec![(vec![("node-a", 0), ("node-b", 1)], [("node-a", 0), ("node-b", 1)])],
            },
            UpdateCase {
                name: "add pod on non-critical node won't trigger re-calculation",
                preemptor: pn(),
                pod: foos(&[("p-b2", "node-b")]).remove(0),
                existing: foos(&[("p-b1", "node-b")]),
                nodes: two_nodes_z1(),
                node: "node-b",
                want: vec![(vec![("node-a", 0), ("node-b", 2)], [("node-a", 0), ("node-b", 2)])],
            },
            UpdateCase {
                name: "node a and x both impact topologyKeyToMinPodsMap on zone and node",
                preemptor: pzn(),
                pod: foos(&[("p-a1", "node-a")]).remove(0),
                existing: vec![],
                nodes: vec![zn("node-a", "zone1"), zn("node-x", "zone2")],
                node: "node-a",
                want: vec![
                    (vec![("zone1", 1), ("zone2", 0)], [("zone2", 0), ("zone1", 1)]),
                    (vec![("node-a", 1), ("node-x", 0)], [("node-x", 0), ("node-a", 1)]),
                ],
            },
            UpdateCase {
                name: "only node a impacts topologyKeyToMinPodsMap on zone and node",
                preemptor: pzn(),
                pod: foos(&[("p-a1", "node-a")]).remove(0),
                existing: foos(&[("p-x1", "node-x")]),
                nodes: vec![zn("node-a", "zone1"), zn("node-x", "zone2")],
                node: "node-a",
                want: vec![
                    (vec![("zone1", 1), ("zone2", 1)], [("zone1", 1), ("zone2", 1)]),
                    (vec![("node-a", 1), ("node-x", 1)], [("node-a", 1), ("node-x", 1)]),
                ],
            },
            UpdateCase {
                name: "node a impacts topologyKeyToMinPodsMap on node, node x impacts topologyKeyToMinPodsMap on zone",
                preemptor: pzn(),
                pod: foos(&[("p-a1", "node-a")]).remove(0),
                existing: foos(&[("p-b1", "node-b"), ("p-b2", "node-b"), ("p-x1", "node-x")]),
                nodes: vec![zn("node-a", "zone1"), zn("node-b", "zone1"), zn("node-x", "zone2")],
                node: "node-a",
                want: vec![
                    (vec![("zone1", 3), ("zone2", 1)], [("zone2", 1), ("zone1", 3)]),
                    (
                        vec![("node-a", 1), ("node-b", 2), ("node-x", 1)],
                        [("node-a", 1), ("node-x", 1)],
                    ),
                ],
            },
            UpdateCase {
                name: "Constraints hold different labelSelectors, node a impacts topologyKeyToMinPodsMap on zone",
                preemptor: pzn_bar(),
                pod: foos(&[("p-a1", "node-a")]).remove(0),
                existing: pods(&[
                    ("p-b1", "node-b", &[("foo", ""), ("bar", "")]),
                    ("p-x1", "node-x", &[("foo", ""), ("bar", "")]),
                    ("p-x2", "node-x", &[("bar", "")]),
                ]),
                nodes: vec![zn("node-a", "zone1"), zn("node-b", "zone1"), zn("node-x", "zone2")],
                node: "node-a",
                want: vec![
                    (vec![("zone1", 2), ("zone2", 1)], [("zone2", 1), ("zone1", 2)]),
                    (
                        vec![("node-a", 0), ("node-b", 1), ("node-x", 2)],
                        [("node-a", 0), ("node-b", 1)],
                    ),
                ],
            },
            UpdateCase {
                name: "Constraints hold different labelSelectors, node a impacts topologyKeyToMinPodsMap on both zone and node",
                preemptor: pzn_bar(),
                pod: pods(&[("p-a1", "node-a", &[("foo", ""), ("bar", "")])]).remove(0),
                existing: pods(&[
                    ("p-b1", "node-b", &[("bar", "")]),
                    ("p-x1", "node-x", &[("foo", ""), ("bar", "")]),
                    ("p-x2", "node-x", &[("bar", "")]),
                ]),
                nodes: vec![zn("node-a", "zone1"), zn("node-b", "zone1"), zn("node-x", "zone2")],
                node: "node-a",
                want: vec![
                    (vec![("zone1", 1), ("zone2", 1)], [("zone1", 1), ("zone2", 1)]),
                    (
                        vec![("node-a", 1), ("node-b", 1), ("node-x", 2)],
                        [("node-a", 1), ("node-b", 1)],
                    ),
                ],
            },
            UpdateCase {
                name: "add a pod when scheduling node affinity unmatched pod with NodeInclusionPolicy disabled",
                preemptor: pz_not_bar(),
                pod: zoned("p-a1", "node-a", "zone1"),
                existing: vec![zoned("p-a2", "node-a", "zone1"), zoned("p-b1", "node-b", "zone2")],
                nodes: affinity_nodes(),
                node: "node-a",
                want: vec![(vec![("zone2", 1)], [("zone2", 1), NONE])],
            },
            UpdateCase {
                name: "add a pod when scheduling node affinity unmatched pod with NodeInclusionPolicy enabled",
                preemptor: pz_not_bar(),
                pod: zoned("p-a1", "node-a", "zone1"),
                existing: vec![zoned("p-a2", "node-a", "zone1"), zoned("p-b1", "node-b", "zone2")],
                nodes: affinity_nodes(),
                node: "node-a",
                want: vec![(vec![("zone2", 1)], [("zone2", 1), NONE])],
            },
            UpdateCase {
                name: "add a pod when scheduling node affinity matched pod with NodeInclusionPolicy disabled",
                preemptor: pz(),
                pod: zoned("p-b1", "node-b", "zone2"),
                existing: vec![zoned("p-a1", "node-a", "zone1"), zoned("p-b2", "node-b", "zone2")],
                nodes: affinity_nodes(),
                node: "node-b",
                want: vec![(vec![("zone1", 1), ("zone2", 2)], [("zone1", 1), ("zone2", 2)])],
            },
            UpdateCase {
                name: "add a pod when scheduling node affinity matched pod with NodeInclusionPolicy enabled",
                preemptor: pz(),
                pod: zoned("p-b1", "node-b", "zone2"),
                existing: vec![zoned("p-a1", "node-a", "zone1"), zoned("p-b2", "node-b", "zone2")],
                nodes: affinity_nodes(),
                node: "node-b",
                want: vec![(vec![("zone1", 1), ("zone2", 2)], [("zone1", 1), ("zone2", 2)])],
            },
            UpdateCase {
                name: "add a label selector not matched pod when with NodeInclusionPolicy enabled",
                preemptor: pz(),
                pod: MakePod::new("p-b1").node("node-b").label("zone", "zone2").obj(),
                existing: vec![zoned("p-a1", "node-a", "zone1"), zoned("p-b2", "node-b", "zone2")],
                nodes: affinity_nodes(),
                node: "node-b",
                want: vec![(vec![("zone1", 1), ("zone2", 1)], [("zone1", 1), ("zone2", 1)])],
            },
            UpdateCase {
                name: "add a pod when scheduling taint untolerated pod with NodeInclusionPolicy disabled",
                preemptor: pz(),
                pod: zoned("p-b1", "node-b", "zone2"),
                existing: vec![zoned("p-a1", "node-a", "zone1"), zoned("p-b2", "node-b", "zone2")],
                nodes: vec![
                    MakeNode::new("node-a")
                        .labels(&[("zone", "zone1"), ("node", "node-a")])
                        .unschedulable_taint()
                        .obj(),
                    zn("node-b", "zone2"),
                ],
                node: "node-b",
                want: vec![(vec![("zone1", 1), ("zone2", 2)], [("zone1", 1), ("zone2", 2)])],
            },
            UpdateCase {
                name: "add a pod when scheduling taint tolerated pod with NodeInclusionPolicy enabled",
                preemptor: MakePod::new("p")
                    .label("foo", "")
                    .toleration("node.kubernetes.io/unschedulable")
                    .sc(1, "zone", DNS, foo())
                    .obj(),
                pod: zoned("p-b1", "node-b", "zone2"),
                existing: vec![zoned("p-a1", "node-a", "zone1"), zoned("p-b2", "node-b", "zone2")],
                nodes: vec![
                    MakeNode::new("node-a")
                        .labels(&[("zone", "zone1"), ("node", "node-a")])
                        .unschedulable_taint()
                        .obj(),
                    zn("node-b", "zone2"),
                ],
                node: "node-b",
                want: vec![(vec![("zone1", 1), ("zone2", 2)], [("zone1", 1), ("zone2", 2)])],
            },
        ];
        run_update_cases(cases, 1);
    }

    fn run_update_cases(cases: Vec<UpdateCase>, delta: i64) {
        for c in cases {
            let pl = list_plugin(vec![]);
            let snap = snapshot(c.nodes, &c.existing);
            let mut state = CycleState::new();
            let (_, status) = pl.pre_filter(&mut state, &c.preemptor, &snap);
            assert!(status.is_success(), "{}: {status:?}", c.name);
            let node = snap.get(c.node).expect("node");
            let status = if delta > 0 {
                pl.add_pod(&mut state, &c.preemptor, &c.pod, node)
            } else {
                pl.remove_pod(&mut state, &c.preemptor, &c.pod, node)
            };
            assert!(status.is_success(), "{}: {status:?}", c.name);
            let s = state
                .read::<PreFilterState>(PRE_FILTER_STATE_KEY)
                .expect("state");
            check_pre_filter_state(c.name, s, &c.want);
        }
    }

    // filtering_test.go: TestPreFilterStateRemovePod. Where upstream removes
    // `existingPods[deletedPodIdx]` (index 0 by default), the same pod is removed here.
    #[test]
    fn pre_filter_state_remove_pod() {
        let pz = || {
            MakePod::new("p")
                .label("foo", "")
                .sc(1, "zone", DNS, foo())
                .obj()
        };
        let cases = vec![
            {
                let existing = foos(&[("p-a1", "node-a"), ("p-b1", "node-b"), ("p-x1", "node-x")]);
                UpdateCase {
                    name: "one spreadConstraint on zone, topologyKeyToMinPodsMap unchanged",
                    preemptor: pz(),
                    pod: existing[0].clone(),
                    existing,
                    nodes: vec![
                        zn("node-a", "zone1"),
                        zn("node-b", "zone1"),
                        zn("node-x", "zone2"),
                    ],
                    node: "node-a",
                    want: vec![(
                        vec![("zone1", 1), ("zone2", 1)],
                        [("zone1", 1), ("zone2", 1)],
                    )],
                }
            },
            {
                let existing = foos(&[
                    ("p-a1", "node-a"),
                    ("p-b1", "node-b"),
                    ("p-x1", "node-x"),
                    ("p-y1", "node-y"),
                ]);
                UpdateCase {
                    name: "one spreadConstraint on node, topologyKeyToMinPodsMap changed",
                    preemptor: pz(),
                    pod: existing[0].clone(),
                    existing,
                    nodes: four_zone_nodes(),
                    node: "node-a",
                    want: vec![(
                        vec![("zone1", 1), ("zone2", 2)],
                        [("zone1", 1), ("zone2", 2)],
                    )],
                }
            },
            {
                let mut existing = pods(&[("p-a0", "node-a", &[("bar", "")])]);
                existing.extend(foos(&[
                    ("p-a1", "node-a"),
                    ("p-b1", "node-b"),
                    ("p-x1", "node-x"),
                    ("p-y1", "node-y"),
                ]));
                UpdateCase {
                    name: "delete an irrelevant pod won't help",
                    preemptor: pz(),
                    pod: existing[0].clone(),
                    existing,
                    nodes: four_zone_nodes(),
                    node: "node-a",
                    want: vec![(
                        vec![("zone1", 2), ("zone2", 2)],
                        [("zone1", 2), ("zone2", 2)],
                    )],
                }
            },
            UpdateCase {
                name: "delete a non-existing pod won't help",
                preemptor: pz(),
                pod: pods(&[("p-a0", "node-a", &[("bar", "")])]).remove(0),
                existing: foos(&[
                    ("p-a1", "node-a"),
                    ("p-b1", "node-b"),
                    ("p-x1", "node-x"),
                    ("p-y1", "node-y"),
                ]),
                nodes: four_zone_nodes(),
                node: "node-a",
                want: vec![(
                    vec![("zone1", 2), ("zone2", 2)],
                    [("zone1", 2), ("zone2", 2)],
                )],
            },
            {
                let existing = foos(&[
                    ("p-a1", "node-a"),
                    ("p-a2", "node-a"),
                    ("p-b1", "node-b"),
                    ("p-x1", "node-x"),
                    ("p-x2", "node-x"),
                ]);
                UpdateCase {
                    name: "two spreadConstraints",
                    preemptor: MakePod::new("p")
                        .label("foo", "")
                        .sc(1, "zone", DNS, foo())
                        .sc(1, "node", DNS, foo())
                        .obj(),
                    pod: existing[3].clone(),
                    existing,
                    nodes: vec![
                        zn("node-a", "zone1"),
                        zn("node-b", "zone1"),
                        zn("node-x", "zone2"),
                    ],
                    node: "node-x",
                    want: vec![
                        (
                            vec![("zone1", 3), ("zone2", 1)],
                            [("zone2", 1), ("zone1", 3)],
                        ),
                        (
                            vec![("node-a", 2), ("node-b", 1), ("node-x", 1)],
                            [("node-b", 1), ("node-x", 1)],
                        ),
                    ],
                }
            },
            // The gate-off variants expect the same: the preemptor sets no inclusion policy.
            {
                let existing = vec![
                    zoned("p-a2", "node-a", "zone1"),
                    zoned("p-b1", "node-b", "zone2"),
                ];
                UpdateCase {
                    name: "remove a pod when scheduling node affinity unmatched pod with NodeInclusionPolicy disabled",
                    preemptor: MakePod::new("p")
                        .label("foo", "")
                        .node_affinity_not_in("foo", &["bar"])
                        .sc(1, "zone", DNS, foo())
                        .obj(),
                    pod: existing[0].clone(),
                    existing,
                    nodes: affinity_nodes(),
                    node: "node-a",
                    want: vec![(vec![("zone2", 1)], [("zone2", 1), NONE])],
                }
            },
            {
                let existing = vec![
                    zoned("p-a1", "node-a", "zone1"),
                    zoned("p-b2", "node-b", "zone2"),
                ];
                UpdateCase {
                    name: "remove a pod when scheduling node affinity matched pod with NodeInclusionPolicy disabled",
                    preemptor: pz(),
                    pod: existing[0].clone(),
                    existing,
                    nodes: affinity_nodes(),
                    node: "node-b",
                    want: vec![(vec![("zone1", 1), ("zone2", 0)], [("zone2", 0), ("zone1", 1)])],
                }
            },
            {
                let existing = vec![
                    zoned("p-a2", "node-a", "zone1"),
                    zoned("p-b1", "node-b", "zone2"),
                ];
                UpdateCase {
                    name: "remove a pod when scheduling node affinity unmatched pod with NodeInclusionPolicy enabled",
                    preemptor: MakePod::new("p")
                        .label("foo", "")
                        .node_affinity_not_in("foo", &["bar"])
                        .sc(1, "zone", DNS, foo())
                        .obj(),
                    pod: existing[0].clone(),
                    existing,
                    nodes: affinity_nodes(),
                    node: "node-a",
                    want: vec![(vec![("zone2", 1)], [("zone2", 1), NONE])],
                }
            },
            {
                let existing = vec![
                    zoned("p-a1", "node-a", "zone1"),
                    zoned("p-b2", "node-b", "zone2"),
                ];
                UpdateCase {
                    name: "remove a pod when scheduling node affinity matched pod with NodeInclusionPolicy enabled",
                    preemptor: pz(),
                    pod: existing[0].clone(),
                    existing,
                    nodes: affinity_nodes(),
                    node: "node-b",
                    want: vec![(vec![("zone1", 1), ("zone2", 0)], [("zone2", 0), ("zone1", 1)])],
                }
            },
        ];
        run_update_cases(cases, -1);
    }

    struct FilterCase {
        name: &'static str,
        pod: Arc<PodInfo>,
        nodes: Vec<NodeInfo>,
        existing: Vec<Arc<PodInfo>>,
        want: Vec<(&'static str, Code)>,
    }

    fn run_filter_cases(cases: Vec<FilterCase>) {
        for c in cases {
            let pl = list_plugin(vec![]);
            let snap = snapshot(c.nodes, &c.existing);
            let mut state = CycleState::new();
            let (_, status) = pl.pre_filter(&mut state, &c.pod, &snap);
            assert!(status.is_success(), "{}: {status:?}", c.name);
            for (node, code) in &c.want {
                let got = pl.filter(&state, &c.pod, snap.get(node).expect("node"));
                assert_eq!(got.code, *code, "{}: {node}: {got:?}", c.name);
                let want_msg = match code {
                    Code::Unschedulable => ERR_REASON_CONSTRAINTS_NOT_MATCH,
                    Code::UnschedulableAndUnresolvable => ERR_REASON_NODE_LABEL_NOT_MATCH,
                    _ => "",
                };
                assert_eq!(got.message(), want_msg, "{}: {node}", c.name);
            }
        }
    }

    fn abxy(a: Code, b: Code, x: Code, y: Code) -> Vec<(&'static str, Code)> {
        vec![("node-a", a), ("node-b", b), ("node-x", x), ("node-y", y)]
    }
    fn foo_2_1_0_3() -> Vec<Arc<PodInfo>> {
        foos(&[
            ("p-a1", "node-a"),
            ("p-a2", "node-a"),
            ("p-b1", "node-b"),
            ("p-y1", "node-y"),
            ("p-y2", "node-y"),
            ("p-y3", "node-y"),
        ])
    }
    fn three_node_labelled() -> Vec<NodeInfo> {
        vec![
            nl("node-a", &[("node", "node-a")]),
            nl("node-b", &[("node", "node-b")]),
            nl("node-c", &[("node", "node-c")]),
        ]
    }
    fn foo_2_2_1() -> Vec<Arc<PodInfo>> {
        foos(&[
            ("p-a1", "node-a"),
            ("p-a2", "node-a"),
            ("p-b1", "node-b"),
            ("p-b2", "node-b"),
            ("p-c1", "node-c"),
        ])
    }
    /// node-a, node-b, node-x labelled foo; node-y not (the filter policy cases).
    fn filter_policy_nodes(taint_y: bool) -> Vec<NodeInfo> {
        let y = MakeNode::new("node-y").label("node", "node-y");
        vec![
            nl("node-a", &[("node", "node-a"), ("foo", "")]),
            nl("node-b", &[("node", "node-b"), ("foo", "")]),
            nl("node-x", &[("node", "node-x"), ("foo", "")]),
            if taint_y {
                y.unschedulable_taint().obj()
            } else {
                y.obj()
            },
        ]
    }
    fn filter_policy_pods() -> Vec<Arc<PodInfo>> {
        foos(&[("p-b1", "node-a"), ("p-b2", "node-b"), ("p-y1", "node-y")])
    }

    // filtering_test.go: TestSingleConstraint.
    #[test]
    fn single_constraint() {
        let pz = || MakePod::new("p").label("foo", "").sc(1, "zone", DNS, foo());
        let pn = |skew| {
            MakePod::new("p")
                .label("foo", "")
                .sc(skew, "node", DNS, foo())
        };
        let cases = vec![
            FilterCase {
                name: "no existing pods",
                pod: pz().obj(),
                nodes: four_zone_nodes(),
                existing: vec![],
                want: abxy(OK, OK, OK, OK),
            },
            FilterCase {
                name: "no existing pods, incoming pod doesn't match itself",
                pod: MakePod::new("p").label("foo", "").sc(1, "zone", DNS, bar()).obj(),
                nodes: four_zone_nodes(),
                existing: vec![],
                want: abxy(OK, OK, OK, OK),
            },
            FilterCase {
                name: "existing pods in a different namespace do not count",
                pod: pz().obj(),
                nodes: four_zone_nodes(),
                existing: vec![
                    MakePod::new("p-a1").namespace("ns1").node("node-a").label("foo", "").obj(),
                    MakePod::new("p-b1").namespace("ns2").node("node-a").label("foo", "").obj(),
                    MakePod::new("p-x1").node("node-x").label("foo", "").obj(),
                    MakePod::new("p-y1").node("node-y").label("foo", "").obj(),
                ],
                want: abxy(OK, OK, U, U),
            },
            FilterCase {
                name: "existing pods do not match null selector",
                pod: MakePod::new("p").label("foo", "").sc(1, "zone", DNS, None).obj(),
                nodes: four_zone_nodes(),
                existing: foos(&[("p-x1", "node-x"), ("p-y1", "node-y")]),
                want: abxy(OK, OK, OK, OK),
            },
            FilterCase {
                name: "pods spread across zones as 3/3, all nodes fit",
                pod: pz().obj(),
                nodes: four_zone_nodes(),
                existing: foo_2_1_0_3(),
                want: abxy(OK, OK, OK, OK),
            },
            FilterCase {
                name: "pods spread across zones as 1/2 due to absence of label 'zone' on node-b",
                pod: pz().obj(),
                nodes: vec![
                    zn("node-a", "zone1"),
                    nl("node-b", &[("zon", "zone1"), ("node", "node-b")]),
                    zn("node-x", "zone2"),
                    zn("node-y", "zone2"),
                ],
                existing: foos(&[
                    ("p-a1", "node-a"),
                    ("p-b1", "node-b"),
                    ("p-x1", "node-x"),
                    ("p-y1", "node-y"),
                ]),
                want: abxy(OK, UU, U, U),
            },
            FilterCase {
                name: "pod cannot be scheduled as all nodes don't have label 'rack'",
                pod: MakePod::new("p").label("foo", "").sc(1, "rack", DNS, foo()).obj(),
                nodes: vec![zn("node-a", "zone1"), zn("node-x", "zone2")],
                existing: vec![],
                want: vec![("node-a", UU), ("node-x", UU)],
            },
            FilterCase {
                name: "pods spread across nodes as 2/1/0/3, only node-x fits",
                pod: pn(1).obj(),
                nodes: four_zone_nodes(),
                existing: foo_2_1_0_3(),
                want: abxy(U, U, OK, U),
            },
            FilterCase {
                name: "pods spread across nodes as 2/1/0/3, maxSkew is 2, node-b and node-x fit",
                pod: pn(2).obj(),
                nodes: four_zone_nodes(),
                existing: foo_2_1_0_3(),
                want: abxy(U, OK, OK, U),
            },
            FilterCase {
                name: "pods spread across nodes as 2/1/0/3, but pod doesn't match itself",
                pod: MakePod::new("p").label("bar", "").sc(1, "node", DNS, foo()).obj(),
                nodes: four_zone_nodes(),
                existing: foo_2_1_0_3(),
                want: abxy(U, OK, OK, U),
            },
            FilterCase {
                name: "incoming pod has nodeAffinity, pods spread as 2/~1~/~0~/3, hence node-a fits",
                pod: MakePod::new("p")
                    .label("foo", "")
                    .node_affinity_in("node", &["node-a", "node-y"])
                    .sc(1, "node", DNS, foo())
                    .obj(),
                nodes: four_zone_nodes(),
                existing: foo_2_1_0_3(),
                want: abxy(OK, OK, OK, U),
            },
            FilterCase {
                name: "terminating Pods should be excluded",
                pod: pn(1).obj(),
                nodes: vec![nl("node-a", &[("node", "node-a")]), nl("node-b", &[("node", "node-b")])],
                existing: vec![
                    MakePod::new("p-a").node("node-a").label("foo", "").terminating().obj(),
                    MakePod::new("p-b").node("node-b").label("foo", "").obj(),
                ],
                want: vec![("node-a", OK), ("node-b", U)],
            },
            FilterCase {
                name: "incoming pod has nodeAffinity, pods spread as 0/~2~/0/1, hence node-a fits",
                pod: MakePod::new("p")
                    .label("foo", "")
                    .node_affinity_not_in("node", &["node-b"])
                    .sc(1, "zone", DNS, foo())
                    .obj(),
                nodes: four_zone_nodes(),
                existing: foos(&[("p-b1", "node-b"), ("p-b2", "node-b"), ("p-y1", "node-y")]),
                want: abxy(OK, OK, U, U),
            },
            FilterCase {
                name: "pods spread across nodes as 2/2/1, maxSkew is 2, and the number of domains < minDomains, then the third node fits",
                pod: MakePod::new("p")
                    .label("foo", "")
                    .spread(2, "node", DNS, foo(), Some(4), None, None, &[])
                    .obj(),
                nodes: three_node_labelled(),
                existing: foo_2_2_1(),
                want: vec![("node-a", U), ("node-b", U), ("node-c", OK)],
            },
            FilterCase {
                name: "pods spread across nodes as 2/2/1, maxSkew is 2, and the number of domains > minDomains, then the all nodes fit",
                pod: MakePod::new("p")
                    .label("foo", "")
                    .spread(2, "node", DNS, foo(), Some(2), None, None, &[])
                    .obj(),
                nodes: three_node_labelled(),
                existing: foo_2_2_1(),
                want: vec![("node-a", OK), ("node-b", OK), ("node-c", OK)],
            },
            FilterCase {
                name: "pods spread across zone as 2/1, maxSkew is 2 and the number of domains < minDomains, then the third and fourth nodes fit",
                pod: MakePod::new("p")
                    .label("foo", "")
                    .spread(2, "zone", DNS, foo(), Some(3), None, None, &[])
                    .obj(),
                nodes: four_zone_nodes(),
                existing: foos(&[("p-b1", "node-a"), ("p-b2", "node-b"), ("p-y1", "node-y")]),
                want: abxy(U, U, OK, OK),
            },
            FilterCase {
                name: "pods spread across zone as 2/1, maxSkew is 2 and the number of domains > minDomains, then the all nodes fit",
                pod: MakePod::new("p")
                    .label("foo", "")
                    .spread(2, "zone", DNS, foo(), Some(1), None, None, &[])
                    .obj(),
                nodes: four_zone_nodes(),
                existing: foos(&[("p-b1", "node-a"), ("p-b2", "node-b"), ("p-y1", "node-y")]),
                want: abxy(OK, OK, OK, OK),
            },
            FilterCase {
                name: "NodeAffinityPolicy honored with labelSelectors",
                pod: MakePod::new("p")
                    .label("foo", "")
                    .node_selector("foo", "")
                    .sc(1, "node", DNS, foo())
                    .obj(),
                nodes: filter_policy_nodes(false),
                existing: filter_policy_pods(),
                want: abxy(U, U, OK, OK),
            },
            FilterCase {
                name: "NodeAffinityPolicy ignored with labelSelectors",
                pod: MakePod::new("p")
                    .label("foo", "")
                    .node_selector("foo", "")
                    .spread(1, "node", DNS, foo(), None, Some("Ignore"), None, &[])
                    .obj(),
                nodes: filter_policy_nodes(false),
                existing: filter_policy_pods(),
                want: abxy(U, U, OK, U),
            },
            FilterCase {
                name: "NodeAffinityPolicy honored with nodeAffinity",
                pod: MakePod::new("p")
                    .label("foo", "")
                    .node_affinity_in("foo", &[""])
                    .sc(1, "node", DNS, foo())
                    .obj(),
                nodes: filter_policy_nodes(false),
                existing: filter_policy_pods(),
                want: abxy(U, U, OK, OK),
            },
            // Upstream repeats the previous name for the nodeAffinity variant.
            FilterCase {
                name: "NodeAffinityPolicy ignored with labelSelectors",
                pod: MakePod::new("p")
                    .label("foo", "")
                    .node_affinity_in("foo", &[""])
                    .spread(1, "node", DNS, foo(), None, Some("Ignore"), None, &[])
                    .obj(),
                nodes: filter_policy_nodes(false),
                existing: filter_policy_pods(),
                want: abxy(U, U, OK, U),
            },
            FilterCase {
                name: "NodeTaintsPolicy honored",
                pod: MakePod::new("p")
                    .label("foo", "")
                    .spread(1, "node", DNS, foo(), None, None, Some("Honor"), &[])
                    .obj(),
                nodes: filter_policy_nodes(true),
                existing: filter_policy_pods(),
                want: abxy(U, U, OK, OK),
            },
            FilterCase {
                name: "NodeTaintsPolicy ignored",
                pod: MakePod::new("p").label("foo", "").sc(1, "node", DNS, foo()).obj(),
                nodes: filter_policy_nodes(true),
                existing: filter_policy_pods(),
                want: abxy(U, U, OK, U),
            },
        ];
        run_filter_cases(cases);
    }

    // filtering_test.go: TestMultipleConstraints.
    #[test]
    fn multiple_constraints() {
        let pzn = || {
            MakePod::new("p")
                .label("foo", "")
                .sc(1, "zone", DNS, foo())
                .sc(1, "node", DNS, foo())
                .obj()
        };
        let pfb = |labels: &[(&str, &str)]| {
            MakePod::new("p")
                .labels(labels)
                .sc(1, "zone", DNS, foo())
                .sc(1, "node", DNS, bar())
                .obj()
        };
        let incl_nodes = |b_foo: bool| {
            let b: &[(&str, &str)] = if b_foo {
                &[("zone", "zone1"), ("node", "node-b"), ("foo", "")]
            } else {
                &[("zone", "zone1"), ("node", "node-b")]
            };
            vec![
                nl(
                    "node-a",
                    &[("zone", "zone1"), ("node", "node-a"), ("foo", "")],
                ),
                nl("node-b", b),
                nl(
                    "node-x",
                    &[("zone", "zone2"), ("node", "node-x"), ("foo", "")],
                ),
            ]
        };
        let incl_pods = || foos(&[("p-a1", "node-a"), ("p-b1", "node-b"), ("p-y1", "node-y")]);
        let two_zone = |labels: &[(&str, &str)]| {
            MakePod::new("p")
                .labels(labels)
                .sc(1, "zone", DNS, bar())
                .sc(1, "zone", DNS, foo())
                .obj()
        };
        let fb = [("foo", ""), ("bar", "")];
        let cases = vec![
            FilterCase {
                name: "two Constraints on zone and node, spreads = [3/3, 2/1/0/3]",
                pod: pzn(),
                nodes: four_zone_nodes(),
                existing: foo_2_1_0_3(),
                want: abxy(U, U, OK, U),
            },
            FilterCase {
                name: "two Constraints on zone and node, spreads = [3/4, 2/1/0/4]",
                pod: pzn(),
                nodes: four_zone_nodes(),
                existing: foo_3_4(),
                want: abxy(U, U, U, U),
            },
            FilterCase {
                name: "Constraints hold different labelSelectors, spreads = [1/0, 1/0/0/1]",
                pod: pfb(&fb),
                nodes: four_zone_nodes(),
                existing: pods(&[("p-a1", "node-a", &[("foo", "")]), ("p-y1", "node-y", &[("bar", "")])]),
                want: abxy(U, U, OK, U),
            },
            FilterCase {
                name: "Constraints hold different labelSelectors, spreads = [1/0, 0/0/1/1]",
                pod: pfb(&fb),
                nodes: four_zone_nodes(),
                existing: pods(&[
                    ("p-a1", "node-a", &[("foo", "")]),
                    ("p-x1", "node-x", &[("bar", "")]),
                    ("p-y1", "node-y", &[("bar", "")]),
                ]),
                want: abxy(U, U, U, U),
            },
            FilterCase {
                name: "Constraints hold different labelSelectors, spreads = [2/3, 1/0/0/1]",
                pod: pfb(&fb),
                nodes: four_zone_nodes(),
                existing: pods(&[
                    ("p-a1", "node-a", &[("foo", "")]),
                    ("p-a2", "node-a", &[("foo", ""), ("bar", "")]),
                    ("p-y1", "node-y", &[("foo", "")]),
                    ("p-y2", "node-y", &[("foo", ""), ("bar", "")]),
                    ("p-y3", "node-y", &[("foo", "")]),
                ]),
                want: abxy(U, OK, U, U),
            },
            FilterCase {
                name: "Constraints hold different labelSelectors but pod doesn't match itself on 'zone' constraint",
                pod: pfb(&[("bar", "")]),
                nodes: four_zone_nodes(),
                existing: pods(&[
                    ("p-a1", "node-a", &[("foo", "")]),
                    ("p-x1", "node-x", &[("bar", "")]),
                    ("p-y1", "node-y", &[("bar", "")]),
                ]),
                want: abxy(OK, OK, U, U),
            },
            FilterCase {
                name: "two Constraints on zone and node, absence of label 'node' on node-x, spreads = [1/1, 1/0/0/1]",
                pod: pzn(),
                nodes: vec![
                    zn("node-a", "zone1"),
                    zn("node-b", "zone1"),
                    nl("node-x", &[("zone", "zone2")]),
                    zn("node-y", "zone2"),
                ],
                existing: foos(&[("p-a1", "node-a"), ("p-y3", "node-y")]),
                want: abxy(U, OK, UU, U),
            },
            FilterCase {
                name: "two node inclusion Constraints, zone: honor/ignore, node: ignore/ignore",
                pod: MakePod::new("p")
                    .label("foo", "")
                    .node_selector("foo", "")
                    .sc(1, "zone", DNS, foo())
                    .spread(1, "node", DNS, foo(), None, Some("Ignore"), None, &[])
                    .obj(),
                nodes: {
                    let mut n = incl_nodes(true);
                    n.push(nl("node-y", &[("zone", "zone2"), ("node", "node-y")]));
                    n
                },
                existing: incl_pods(),
                want: abxy(U, U, OK, U),
            },
            FilterCase {
                name: "two node inclusion Constraints, zone: honor/honor, node: honor/ignore",
                pod: MakePod::new("p")
                    .label("foo", "")
                    .spread(1, "zone", DNS, foo(), None, None, Some("Honor"), &[])
                    .sc(1, "node", DNS, foo())
                    .obj(),
                nodes: {
                    let mut n = incl_nodes(true);
                    n.push(
                        MakeNode::new("node-y")
                            .labels(&[("zone", "zone2"), ("node", "node-y")])
                            .unschedulable_taint()
                            .obj(),
                    );
                    n
                },
                existing: incl_pods(),
                want: abxy(U, U, OK, U),
            },
            FilterCase {
                name: "two node inclusion Constraints, zone: honor/ignore, node: honor/ignore",
                pod: MakePod::new("p")
                    .label("foo", "")
                    .node_selector("foo", "")
                    .sc(1, "zone", DNS, foo())
                    .sc(1, "node", DNS, foo())
                    .obj(),
                nodes: {
                    let mut n = incl_nodes(false);
                    n.push(
                        MakeNode::new("node-y")
                            .labels(&[("zone", "zone2"), ("node", "node-y"), ("foo", "")])
                            .unschedulable_taint()
                            .obj(),
                    );
                    n
                },
                existing: incl_pods(),
                want: abxy(U, OK, OK, U),
            },
            FilterCase {
                name: "two node inclusion Constraints, zone: honor/honor, node: ignore/ignore",
                pod: MakePod::new("p")
                    .label("foo", "")
                    .node_selector("foo", "")
                    .spread(1, "zone", DNS, foo(), None, None, Some("Honor"), &[])
                    .spread(1, "node", DNS, foo(), None, Some("Ignore"), None, &[])
                    .obj(),
                nodes: {
                    let mut n = incl_nodes(false);
                    n.push(
                        MakeNode::new("node-y")
                            .labels(&[("zone", "zone2"), ("node", "node-y"), ("foo", "")])
                            .unschedulable_taint()
                            .obj(),
                    );
                    n
                },
                existing: incl_pods(),
                want: abxy(U, U, OK, U),
            },
            FilterCase {
                name: "two Constraints on zone, spreads = [3/3, 2/1]",
                pod: two_zone(&fb),
                nodes: four_zone_nodes(),
                existing: pods(&[
                    ("p-a1", "node-a", &[("foo", ""), ("bar", "")]),
                    ("p-a2", "node-a", &[("foo", "")]),
                    ("p-b1", "node-b", &[("foo", ""), ("bar", "")]),
                    ("p-y1", "node-y", &[("foo", "")]),
                    ("p-y2", "node-y", &[("foo", ""), ("bar", "")]),
                    ("p-y3", "node-y", &[("foo", "")]),
                ]),
                want: abxy(U, U, OK, OK),
            },
            FilterCase {
                name: "two Constraints on zone, spreads = [3/4, 2/1]",
                pod: two_zone(&fb),
                nodes: four_zone_nodes(),
                existing: pods(&[
                    ("p-a1", "node-a", &[("foo", ""), ("bar", "")]),
                    ("p-a2", "node-a", &[("foo", "")]),
                    ("p-b1", "node-b", &[("foo", ""), ("bar", "")]),
                    ("p-y1", "node-y", &[("foo", "")]),
                    ("p-y2", "node-y", &[("foo", ""), ("bar", "")]),
                    ("p-y3", "node-y", &[("foo", "")]),
                    ("p-y4", "node-y", &[("foo", "")]),
                ]),
                want: abxy(U, U, U, U),
            },
        ];
        run_filter_cases(cases);
    }

    // filtering_test.go: TestPreFilterDisabled.
    #[test]
    fn filter_without_pre_filter_state_is_an_error() {
        let pl = list_plugin(vec![]);
        let got = pl.filter(&CycleState::new(), &MakePod::new("p").obj(), &hn("n"));
        assert_eq!(got.code, Code::Error);
        assert_eq!(
            got.message(),
            "reading \"PreFilterPodTopologySpread\" from cycleState: not found"
        );
    }

    struct ScoreCase {
        name: &'static str,
        pod: Arc<PodInfo>,
        existing: Vec<Arc<PodInfo>>,
        nodes: Vec<NodeInfo>,
        failed: Vec<NodeInfo>,
        services: Vec<Arc<Object>>,
        want: Vec<(&'static str, i64)>,
    }

    /// Scores `c.nodes` as candidates with the whole snapshot behind them, as upstream's
    /// TestPodTopologySpreadScore does (SystemDefaulting).
    fn run_score_case(pl: &dyn Plugin, c: ScoreCase) {
        let mut all = c.nodes.clone();
        all.extend(c.failed.iter().cloned());
        let mut snap = snapshot(all, &c.existing);
        snap.listers.services = c.services.clone();
        let candidates: Vec<&NodeInfo> = c
            .nodes
            .iter()
            .map(|n| snap.get(n.name()).expect("node"))
            .collect();
        let mut state = CycleState::new();
        let status = pl.pre_score(&mut state, &c.pod, &candidates, &snap);
        assert!(status.is_success(), "{}: {status:?}", c.name);
        let mut scores: Vec<i64> = candidates
            .iter()
            .map(|n| pl.score(&state, &c.pod, n).expect("score"))
            .collect();
        let status = pl.normalize_score(&state, &c.pod, &mut scores);
        assert!(status.is_some_and(|s| s.is_success()), "{}", c.name);
        let got: Vec<(&str, i64)> = candidates.iter().map(|n| n.name()).zip(scores).collect();
        assert_eq!(got, c.want, "{}", c.name);
    }

    fn foo_4_3_2_1() -> Vec<Arc<PodInfo>> {
        foos(&[
            ("p-a1", "node-a"),
            ("p-a2", "node-a"),
            ("p-a3", "node-a"),
            ("p-a4", "node-a"),
            ("p-b1", "node-b"),
            ("p-b2", "node-b"),
            ("p-b3", "node-b"),
            ("p-c1", "node-c"),
            ("p-c2", "node-c"),
            ("p-d1", "node-d"),
        ])
    }
    fn foo_4_2_1_3() -> Vec<Arc<PodInfo>> {
        foos(&[
            ("p-a1", "node-a"),
            ("p-a2", "node-a"),
            ("p-a3", "node-a"),
            ("p-a4", "node-a"),
            ("p-b1", "node-b"),
            ("p-b2", "node-b"),
            ("p-x1", "node-x"),
            ("p-y1", "node-y"),
            ("p-y2", "node-y"),
            ("p-y3", "node-y"),
        ])
    }
    fn foo_2_1_0_3_d() -> Vec<Arc<PodInfo>> {
        foos(&[
            ("p-a1", "node-a"),
            ("p-a2", "node-a"),
            ("p-b1", "node-b"),
            ("p-d1", "node-d"),
            ("p-d2", "node-d"),
            ("p-d3", "node-d"),
        ])
    }
    fn hosts(names: &[&str]) -> Vec<NodeInfo> {
        names.iter().map(|n| hn(n)).collect()
    }
    fn score_policy_nodes() -> Vec<NodeInfo> {
        vec![
            nl("node-a", &[("node", "node-a"), ("foo", "")]),
            nl("node-b", &[("node", "node-b"), ("foo", "")]),
            nl("node-c", &[("node", "node-c")]),
        ]
    }
    fn score_policy_pods() -> Vec<Arc<PodInfo>> {
        foos(&[
            ("p-a1", "node-a"),
            ("p-a2", "node-a"),
            ("p-b1", "node-b"),
            ("p-c1", "node-c"),
        ])
    }
    fn abcd(a: i64, b: i64, c: i64, d: i64) -> Vec<(&'static str, i64)> {
        vec![("node-a", a), ("node-b", b), ("node-c", c), ("node-d", d)]
    }

    // scoring_test.go: TestPodTopologySpreadScore.
    #[test]
    fn pod_topology_spread_score() {
        let ph = |skew| MakePod::new("p").label("foo", "").sc(skew, HOST, SA, foo());
        let case = |name, pod, existing, nodes, failed, want| ScoreCase {
            name,
            pod,
            existing,
            nodes,
            failed,
            services: vec![],
            want,
        };
        let pfb_zone_host = || {
            MakePod::new("p")
                .label("foo", "")
                .label("bar", "")
                .sc(1, "zone", SA, foo())
                .sc(1, HOST, SA, bar())
                .obj()
        };
        let mixed = || {
            pods(&[
                ("p-a1", "node-a", &[("foo", "")]),
                ("p-b1", "node-b", &[("foo", ""), ("bar", "")]),
                ("p-y1", "node-y", &[("foo", "")]),
                ("p-y2", "node-y", &[("bar", "")]),
            ])
        };
        let zh4 = || {
            vec![
                zh("node-a", "zone1"),
                zh("node-b", "zone1"),
                zh("node-x", "zone2"),
                zh("node-y", "zone2"),
            ]
        };
        let zh_abcd = || {
            vec![
                zh("node-a", "zone1"),
                zh("node-b", "zone1"),
                zh("node-c", "zone2"),
                zh("node-d", "zone2"),
            ]
        };
        let cases = vec![
            case(
                "one constraint on node, no existing pods",
                ph(1).obj(),
                vec![],
                hosts(&["node-a", "node-b"]),
                vec![],
                vec![("node-a", 100), ("node-b", 100)],
            ),
            case(
                "one constraint on node, only one node is candidate",
                ph(1).obj(),
                foos(&[("p-a1", "node-a"), ("p-a2", "node-a"), ("p-b1", "node-b")]),
                hosts(&["node-a"]),
                hosts(&["node-b"]),
                vec![("node-a", 100)],
            ),
            case(
                "one constraint on node, all nodes have the same number of matching pods",
                ph(1).obj(),
                foos(&[("p-a1", "node-a"), ("p-b1", "node-b")]),
                hosts(&["node-a", "node-b"]),
                vec![],
                vec![("node-a", 100), ("node-b", 100)],
            ),
            case(
                "one constraint on node, all 4 nodes are candidates",
                ph(1).obj(),
                foo_2_1_0_3_d(),
                hosts(&["node-a", "node-b", "node-c", "node-d"]),
                vec![],
                abcd(20, 60, 100, 0),
            ),
            case(
                "one constraint on node, null selector",
                MakePod::new("p").label("foo", "").sc(1, HOST, SA, None).obj(),
                foo_2_1_0_3_d(),
                hosts(&["node-a", "node-b", "node-c", "node-d"]),
                vec![],
                abcd(100, 100, 100, 100),
            ),
            case(
                "one constraint on node, all 4 nodes are candidates, maxSkew=2",
                ph(2).obj(),
                foo_2_1_0_3_d(),
                hosts(&["node-a", "node-b", "node-c", "node-d"]),
                vec![],
                abcd(33, 66, 100, 16),
            ),
            case(
                "one constraint on node, all 4 nodes are candidates, maxSkew=3",
                ph(3).obj(),
                foo_4_3_2_1(),
                hosts(&["node-a", "node-b", "node-c", "node-d"]),
                vec![],
                abcd(44, 66, 77, 100),
            ),
            ScoreCase {
                name: "system defaulting, nodes don't have zone, pods match service",
                pod: MakePod::new("p").label("foo", "").obj(),
                existing: foo_4_3_2_1(),
                nodes: hosts(&["node-a", "node-b", "node-c", "node-d"]),
                failed: vec![],
                services: vec![service("s", &[("foo", "")])],
                want: abcd(44, 66, 77, 100),
            },
            case(
                "one constraint on node, 3 out of 4 nodes are candidates",
                ph(1).obj(),
                foo_4_2_1_3(),
                hosts(&["node-a", "node-b", "node-x"]),
                hosts(&["node-y"]),
                vec![("node-a", 33), ("node-b", 83), ("node-x", 100)],
            ),
            case(
                "one constraint on node, 3 out of 4 nodes are candidates, one node doesn't match topology key",
                ph(1).obj(),
                foo_4_2_1_3(),
                vec![hn("node-a"), nl("node-b", &[("n", "node-b")]), hn("node-x")],
                hosts(&["node-y"]),
                vec![("node-a", 16), ("node-b", 0), ("node-x", 100)],
            ),
            case(
                "one constraint on zone, 3 out of 4 nodes are candidates",
                MakePod::new("p").label("foo", "").sc(1, "zone", SA, foo()).obj(),
                foo_4_2_1_3(),
                vec![zh("node-a", "zone1"), zh("node-b", "zone1"), zh("node-x", "zone2")],
                vec![zh("node-y", "zone2")],
                vec![("node-a", 75), ("node-b", 75), ("node-x", 100)],
            ),
            case(
                "two Constraints on zone and node, 2 out of 4 nodes are candidates",
                MakePod::new("p")
                    .label("foo", "")
                    .sc(1, "zone", SA, foo())
                    .sc(1, HOST, SA, foo())
                    .obj(),
                foos(&[
                    ("p-a1", "node-a"),
                    ("p-a2", "node-a"),
                    ("p-b1", "node-b"),
                    ("p-x1", "node-x"),
                    ("p-x2", "node-x"),
                    ("p-y1", "node-y"),
                    ("p-y2", "node-y"),
                    ("p-y3", "node-y"),
                    ("p-y4", "node-y"),
                ]),
                vec![zh("node-a", "zone1"), zh("node-x", "zone2")],
                vec![zh("node-b", "zone1"), zh("node-y", "zone2")],
                vec![("node-a", 100), ("node-x", 63)],
            ),
            case(
                "two Constraints on zone, 2 out of 4 nodes are candidates",
                MakePod::new("p")
                    .label("foo", "")
                    .label("bar", "")
                    .sc(1, "zone", SA, foo())
                    .sc(1, "zone", SA, bar())
                    .obj(),
                pods(&[
                    ("p-a1", "node-a", &[("foo", ""), ("bar", "")]),
                    ("p-a2", "node-a", &[("foo", "")]),
                    ("p-b1", "node-b", &[("foo", ""), ("bar", "")]),
                    ("p-y1", "node-y", &[("foo", "")]),
                    ("p-y2", "node-y", &[("foo", ""), ("bar", "")]),
                    ("p-y3", "node-y", &[("foo", "")]),
                ]),
                vec![nl("node-a", &[("zone", "zone1")]), nl("node-x", &[("zone", "zone2")])],
                vec![nl("node-b", &[("zone", "zone1")]), nl("node-y", &[("zone", "zone2")])],
                vec![("node-a", 85), ("node-x", 100)],
            ),
            case(
                "two Constraints on zone and node, with different labelSelectors",
                pfb_zone_host(),
                mixed(),
                zh4(),
                vec![],
                abxy_scores(60, 20, 100, 60),
            ),
            case(
                "two Constraints on zone and node, with different labelSelectors, some nodes have 0 pods",
                pfb_zone_host(),
                pods(&[
                    ("p-b1", "node-b", &[("bar", "")]),
                    ("p-x1", "node-x", &[("foo", "")]),
                    ("p-y1", "node-y", &[("foo", ""), ("bar", "")]),
                ]),
                zh4(),
                vec![],
                abxy_scores(100, 60, 40, 0),
            ),
            case(
                "two Constraints on zone and node, with different labelSelectors, 3 out of 4 nodes are candidates",
                pfb_zone_host(),
                mixed(),
                vec![zh("node-a", "zone1"), zh("node-b", "zone1"), zh("node-x", "zone2")],
                vec![zh("node-y", "zone2")],
                vec![("node-a", 50), ("node-b", 25), ("node-x", 100)],
            ),
            case(
                "existing pods in a different namespace do not count",
                ph(1).obj(),
                vec![
                    MakePod::new("p-a1").namespace("ns1").node("node-a").label("foo", "").obj(),
                    MakePod::new("p-a2").node("node-a").label("foo", "").obj(),
                    MakePod::new("p-b1").node("node-b").label("foo", "").obj(),
                    MakePod::new("p-b2").node("node-b").label("foo", "").obj(),
                ],
                hosts(&["node-a", "node-b"]),
                vec![],
                vec![("node-a", 100), ("node-b", 33)],
            ),
            case(
                "terminating Pods should be excluded",
                ph(1).obj(),
                vec![
                    MakePod::new("p-a").node("node-a").label("foo", "").terminating().obj(),
                    MakePod::new("p-b").node("node-b").label("foo", "").obj(),
                ],
                hosts(&["node-a", "node-b"]),
                vec![],
                vec![("node-a", 100), ("node-b", 0)],
            ),
            case(
                "minDomains has no effect when ScheduleAnyway",
                MakePod::new("p")
                    .label("foo", "")
                    .spread(2, "node", SA, foo(), Some(10), None, None, &[])
                    .obj(),
                foo_2_2_1(),
                three_node_labelled(),
                vec![],
                vec![("node-a", 75), ("node-b", 75), ("node-c", 100)],
            ),
            case(
                "NodeAffinityPolicy honoed with labelSelectors",
                MakePod::new("p")
                    .label("foo", "")
                    .node_selector("foo", "")
                    .sc(1, "node", SA, foo())
                    .obj(),
                score_policy_pods(),
                score_policy_nodes(),
                vec![],
                vec![("node-a", 0), ("node-b", 33), ("node-c", 100)],
            ),
            case(
                "NodeAffinityPolicy ignored with labelSelectors",
                MakePod::new("p")
                    .label("foo", "")
                    .node_selector("foo", "")
                    .spread(1, "node", SA, foo(), None, Some("Ignore"), None, &[])
                    .obj(),
                score_policy_pods(),
                score_policy_nodes(),
                vec![],
                vec![("node-a", 66), ("node-b", 100), ("node-c", 100)],
            ),
            case(
                "NodeAffinityPolicy honoed with nodeAffinity",
                MakePod::new("p")
                    .label("foo", "")
                    .node_affinity_in("foo", &[""])
                    .sc(1, "node", SA, foo())
                    .obj(),
                score_policy_pods(),
                score_policy_nodes(),
                vec![],
                vec![("node-a", 0), ("node-b", 33), ("node-c", 100)],
            ),
            case(
                "NodeAffinityPolicy ignored with nodeAffinity",
                MakePod::new("p")
                    .label("foo", "")
                    .node_affinity_in("foo", &[""])
                    .spread(1, "node", SA, foo(), None, Some("Ignore"), None, &[])
                    .obj(),
                score_policy_pods(),
                score_policy_nodes(),
                vec![],
                vec![("node-a", 66), ("node-b", 100), ("node-c", 100)],
            ),
            case(
                "NodeTaintsPolicy honored",
                MakePod::new("p")
                    .label("foo", "")
                    .spread(1, "node", SA, foo(), None, None, Some("Honor"), &[])
                    .obj(),
                score_policy_pods(),
                vec![
                    nl("node-a", &[("node", "node-a")]),
                    nl("node-b", &[("node", "node-b")]),
                    MakeNode::new("node-c").label("node", "node-c").unschedulable_taint().obj(),
                ],
                vec![],
                vec![("node-a", 0), ("node-b", 33), ("node-c", 100)],
            ),
            case(
                "NodeTaintsPolicy ignored",
                MakePod::new("p").label("foo", "").sc(1, "node", SA, foo()).obj(),
                score_policy_pods(),
                vec![
                    nl("node-a", &[("node", "node-a")]),
                    nl("node-b", &[("node", "node-b")]),
                    MakeNode::new("node-c").label("node", "node-c").unschedulable_taint().obj(),
                ],
                vec![],
                vec![("node-a", 66), ("node-b", 100), ("node-c", 100)],
            ),
            case(
                "matchLabelKeys ANDed with LabelSelector when LabelSelector is empty",
                MakePod::new("p")
                    .label("foo", "")
                    .label("bar", "")
                    .spread(1, "zone", SA, Some(json!({})), None, None, None, &["foo"])
                    .spread(1, HOST, SA, Some(json!({})), None, None, None, &["bar"])
                    .obj(),
                pods(&[
                    ("p-a1", "node-a", &[("foo", "")]),
                    ("p-b1", "node-b", &[("foo", ""), ("bar", "")]),
                    ("p-y1", "node-c", &[("foo", "")]),
                    ("p-y2", "node-c", &[("bar", "")]),
                ]),
                zh_abcd(),
                vec![],
                abcd(60, 20, 60, 100),
            ),
            case(
                "matchLabelKeys ANDed with LabelSelector when LabelSelector isn't empty",
                MakePod::new("p")
                    .label("foo", "")
                    .label("bar", "")
                    .label("baz", "")
                    .sc(1, "zone", SA, foo())
                    .spread(1, HOST, SA, bar(), None, None, None, &["baz"])
                    .obj(),
                pods(&[
                    ("p-a1", "node-a", &[("foo", "")]),
                    ("p-b1", "node-b", &[("foo", ""), ("bar", ""), ("baz", "")]),
                    ("p-c1", "node-c", &[("foo", "")]),
                    ("p-c2", "node-c", &[("bar", "")]),
                    ("p-d3", "node-c", &[("bar", ""), ("baz", "")]),
                ]),
                zh_abcd(),
                vec![],
                abcd(60, 20, 60, 100),
            ),
        ];
        let pl = PodTopologySpread::with_defaults(DefaultingType::System, vec![]);
        for c in cases {
            run_score_case(&pl, c);
        }
    }

    fn abxy_scores(a: i64, b: i64, x: i64, y: i64) -> Vec<(&'static str, i64)> {
        vec![("node-a", a), ("node-b", b), ("node-x", x), ("node-y", y)]
    }

    // scoring_test.go: TestPreScoreSkip.
    #[test]
    fn pre_score_skip() {
        let nodes = || vec![hn("node-a"), hn("node-b")];
        type Case<'a> = (
            &'a str,
            PodTopologySpread,
            Arc<PodInfo>,
            Vec<NodeInfo>,
            Vec<Arc<Object>>,
        );
        let cases: Vec<Case> = vec![
            (
                "the pod doesn't have soft topology spread Constraints",
                list_plugin(vec![]),
                MakePod::new("p").obj(),
                nodes(),
                vec![],
            ),
            (
                "default constraints and a replicaset that doesn't match",
                list_plugin(vec![dc(2, "planet", ANYWAY)]),
                MakePod::new("p")
                    .label("foo", "bar")
                    .label("baz", "sup")
                    .owner("apps/v1", "ReplicaSet", "rs2")
                    .obj(),
                vec![nl("node-a", &[("planet", "mars")])],
                vec![replica_set("rs1", exists("tar"), &[("tar", "")])],
            ),
            // Ours: with no pod constraints and no defaults the score extension costs nothing.
            (
                "system defaults and no service, controller or replica set selecting the pod",
                PodTopologySpread::with_defaults(DefaultingType::System, vec![]),
                MakePod::new("p").label("foo", "").obj(),
                nodes(),
                vec![],
            ),
        ];
        for (name, pl, pod, nodes, rss) in cases {
            let mut snap = snapshot(nodes, &[]);
            snap.listers.replica_sets = rss;
            let candidates: Vec<&NodeInfo> = snap.nodes.iter().collect();
            let mut state = CycleState::new();
            let status = pl.pre_score(&mut state, &pod, &candidates, &snap);
            assert!(status.is_skip(), "{name}: {status:?}");
            // And PreFilter skips too: there is nothing to filter.
            let (_, status) = pl.pre_filter(&mut state, &pod, &snap);
            assert!(status.is_skip(), "{name}: PreFilter {status:?}");
        }
    }

    // scoring_test.go: TestPreScoreStateEmptyNodes (counts are 0: no existing pods).
    #[test]
    fn pre_score_state() {
        type Want = (Vec<Vec<(&'static str, i64)>>, Vec<usize>);
        type Case<'a> = (
            &'a str,
            PodTopologySpread,
            Arc<PodInfo>,
            Vec<NodeInfo>,
            Vec<Arc<Object>>,
            Want,
        );
        let cases: Vec<Case> = vec![
            (
                "normal case",
                list_plugin(vec![]),
                MakePod::new("p")
                    .label("foo", "")
                    .sc(1, "zone", SA, foo())
                    .sc(1, HOST, SA, foo())
                    .obj(),
                vec![
                    zh("node-a", "zone1"),
                    zh("node-b", "zone1"),
                    zh("node-x", "zone2"),
                ],
                vec![],
                (vec![vec![("zone1", 0), ("zone2", 0)], vec![]], vec![2, 3]),
            ),
            (
                "null selector",
                list_plugin(vec![]),
                MakePod::new("p")
                    .label("foo", "")
                    .sc(1, "zone", SA, None)
                    .obj(),
                vec![
                    zh("node-a", "zone1"),
                    zh("node-b", "zone1"),
                    zh("node-x", "zone2"),
                ],
                vec![],
                (vec![vec![("zone1", 0), ("zone2", 0)]], vec![2]),
            ),
            (
                "node-x doesn't have label zone",
                list_plugin(vec![]),
                MakePod::new("p")
                    .label("foo", "")
                    .sc(1, "zone", SA, foo())
                    .sc(1, HOST, SA, bar())
                    .obj(),
                vec![zh("node-a", "zone1"), zh("node-b", "zone1"), hn("node-x")],
                vec![],
                (vec![vec![("zone1", 0)], vec![]], vec![1, 2]),
            ),
            (
                "system default constraints and a replicaset",
                PodTopologySpread::with_defaults(DefaultingType::System, vec![]),
                MakePod::new("p")
                    .label("foo", "tar")
                    .label("baz", "sup")
                    .owner("apps/v1", "ReplicaSet", "rs1")
                    .obj(),
                vec![
                    nl("node-a", &[(HOST, "node-a"), (LABEL_TOPOLOGY_ZONE, "mars")]),
                    nl("node-b", &[(HOST, "node-b"), (LABEL_TOPOLOGY_ZONE, "mars")]),
                    hn("node-c"),
                    hn("node-d"),
                ],
                vec![replica_set("rs1", exists("foo"), &[("foo", "")])],
                (vec![vec![], vec![("mars", 0), ("", 0)]], vec![4, 2]),
            ),
            (
                "default constraints and a replicaset",
                list_plugin(vec![
                    dc(1, HOST, ANYWAY),
                    dc(2, "rack", DO_NOT),
                    dc(2, "planet", ANYWAY),
                ]),
                MakePod::new("p")
                    .label("foo", "tar")
                    .label("baz", "sup")
                    .owner("apps/v1", "ReplicaSet", "rs1")
                    .obj(),
                vec![nl(
                    "node-a",
                    &[("rack", "rack1"), (HOST, "node-a"), ("planet", "mars")],
                )],
                vec![replica_set("rs1", exists("foo"), &[("foo", "")])],
                (vec![vec![], vec![("mars", 0)]], vec![1, 1]),
            ),
            (
                "default constraints and a replicaset, but pod has constraints",
                list_plugin(vec![dc(2, "galaxy", ANYWAY)]),
                MakePod::new("p")
                    .label("foo", "bar")
                    .label("baz", "sup")
                    .owner("apps/v1", "ReplicaSet", "rs1")
                    .sc(1, "zone", DNS, bar())
                    .sc(2, "planet", SA, Some(match_labels(&[("baz", "sup")])))
                    .obj(),
                vec![nl("node-a", &[("planet", "mars"), ("galaxy", "andromeda")])],
                vec![replica_set("rs1", exists("foo"), &[("foo", "")])],
                (vec![vec![("mars", 0)]], vec![1]),
            ),
            (
                "NodeAffinityPolicy honored with labelSelectors",
                list_plugin(vec![]),
                MakePod::new("p")
                    .label("foo", "")
                    .node_selector("foo", "")
                    .sc(1, "zone", SA, bar())
                    .obj(),
                vec![
                    nl(
                        "node-a",
                        &[("zone", "zone1"), ("foo", ""), (HOST, "node-a")],
                    ),
                    nl(
                        "node-b",
                        &[("zone", "zone1"), ("foo", ""), (HOST, "node-b")],
                    ),
                    nl("node-x", &[("zone", "zone2"), (HOST, "node-x")]),
                ],
                vec![],
                (vec![vec![("zone1", 0), ("zone2", 0)]], vec![2]),
            ),
            (
                "NodeTaintsPolicy honored",
                list_plugin(vec![]),
                MakePod::new("p")
                    .label("foo", "")
                    .spread(1, "zone", SA, bar(), None, None, Some("Honor"), &[])
                    .obj(),
                vec![
                    nl(
                        "node-a",
                        &[("zone", "zone1"), ("foo", ""), (HOST, "node-a")],
                    ),
                    nl(
                        "node-b",
                        &[("zone", "zone1"), ("foo", ""), (HOST, "node-b")],
                    ),
                    MakeNode::new("node-x")
                        .labels(&[("zone", "zone2"), (HOST, "node-x")])
                        .unschedulable_taint()
                        .obj(),
                ],
                vec![],
                (vec![vec![("zone1", 0), ("zone2", 0)]], vec![2]),
            ),
        ];
        // The remaining policy cases: every candidate node's zone is counted whatever the
        // policy, as nodes are only left out of the pod counts.
        let policy_nodes = |taint_x: bool| {
            let x = MakeNode::new("node-x").labels(&[("zone", "zone2"), (HOST, "node-x")]);
            vec![
                nl(
                    "node-a",
                    &[("zone", "zone1"), ("foo", ""), (HOST, "node-a")],
                ),
                nl(
                    "node-b",
                    &[("zone", "zone1"), ("foo", ""), (HOST, "node-b")],
                ),
                if taint_x {
                    x.unschedulable_taint().obj()
                } else {
                    x.obj()
                },
            ]
        };
        let mut cases = cases;
        for (name, pod, taint_x) in [
            (
                "NodeAffinityPolicy ignored with labelSelectors",
                MakePod::new("p")
                    .label("foo", "")
                    .node_selector("foo", "")
                    .spread(1, "zone", SA, bar(), None, Some("Ignore"), None, &[])
                    .obj(),
                false,
            ),
            (
                "NodeAffinityPolicy honored with nodeAffinity",
                MakePod::new("p")
                    .label("foo", "")
                    .node_affinity_in("foo", &[""])
                    .sc(1, "zone", SA, bar())
                    .obj(),
                false,
            ),
            (
                "NodeAffinityPolicy ignored with nodeAffinity",
                MakePod::new("p")
                    .label("foo", "")
                    .node_affinity_in("foo", &[""])
                    .spread(1, "zone", SA, bar(), None, Some("Ignore"), None, &[])
                    .obj(),
                false,
            ),
            (
                "NodeTaintsPolicy ignored",
                MakePod::new("p")
                    .label("foo", "")
                    .sc(1, "zone", SA, bar())
                    .obj(),
                true,
            ),
        ] {
            cases.push((
                name,
                list_plugin(vec![]),
                pod,
                policy_nodes(taint_x),
                vec![],
                (vec![vec![("zone1", 0), ("zone2", 0)]], vec![2]),
            ));
        }
        for (name, pl, pod, nodes, rss, (counts, sizes)) in cases {
            let mut snap = snapshot(nodes, &[]);
            snap.listers.replica_sets = rss;
            let candidates: Vec<&NodeInfo> = snap.nodes.iter().collect();
            let mut state = CycleState::new();
            let status = pl.pre_score(&mut state, &pod, &candidates, &snap);
            assert!(status.is_success(), "{name}: {status:?}");
            let s = state
                .read::<PreScoreState>(PRE_SCORE_STATE_KEY)
                .expect("state");
            let got: Vec<Vec<(String, i64)>> = s
                .topology_value_to_pod_counts
                .iter()
                .map(sorted_counts)
                .collect();
            let want: Vec<Vec<(String, i64)>> = counts.iter().map(|c| want_counts(c)).collect();
            assert_eq!(got, want, "{name}: TopologyValueToPodCounts");
            let want_w: Vec<f64> = sizes
                .iter()
                .map(|&n| topology_normalizing_weight(n))
                .collect();
            assert_eq!(s.topology_normalizing_weight, want_w, "{name}: weights");
        }
    }

    // The system defaults come from a ReplicationController's selector too (DefaultSelector).
    #[test]
    fn default_selector_merges_services_and_controllers() {
        let pod = MakePod::new("p")
            .label("app", "web")
            .label("tier", "fe")
            .owner("v1", "ReplicationController", "rc")
            .obj();
        let rc = Arc::new(crate::scheduler::testing::object(
            "kind: ReplicationController\nmetadata: {name: rc, namespace: default}\nspec: {selector: {tier: fe}, template: {metadata: {labels: {tier: fe}}, spec: {containers: [{name: c, image: i}]}}}",
        ));
        let listers = Listers {
            services: vec![
                service("a", &[("app", "web")]),
                service("b", &[("app", "db")]),
            ],
            replication_controllers: vec![rc],
            ..Listers::default()
        };
        let sel = default_selector(&pod, &listers);
        assert_eq!(sel.to_string(), "app=web,tier=fe");
    }

    #[test]
    fn required_node_affinity_operators() {
        let node = nl("n1", &[("cpu", "8"), ("zone", "z1")]);
        let pod = |yaml: &str| {
            crate::scheduler::testing::pod(&format!(
                "metadata: {{name: p}}\nspec: {{containers: [{{name: c, image: i}}], affinity: {{nodeAffinity: {{requiredDuringSchedulingIgnoredDuringExecution: {{nodeSelectorTerms: {yaml}}}}}}}}}"
            ))
        };
        let cases = [
            (
                "[{matchExpressions: [{key: cpu, operator: Gt, values: ['4']}]}]",
                true,
            ),
            (
                "[{matchExpressions: [{key: cpu, operator: Lt, values: ['4']}]}]",
                false,
            ),
            (
                "[{matchExpressions: [{key: cpu, operator: Gt, values: [x]}]}]",
                false,
            ),
            (
                "[{matchExpressions: [{key: zone, operator: In, values: []}]}]",
                false,
            ),
            (
                "[{matchExpressions: [{key: gpu, operator: DoesNotExist}]}]",
                true,
            ),
            (
                "[{matchFields: [{key: metadata.name, operator: In, values: [n1]}]}]",
                true,
            ),
            (
                "[{matchFields: [{key: metadata.name, operator: NotIn, values: [n1]}]}]",
                false,
            ),
            (
                "[{}, {matchExpressions: [{key: zone, operator: Exists}]}]",
                true,
            ),
            ("[{}]", false),
        ];
        for (terms, want) in cases {
            let p = pod(terms);
            assert_eq!(
                required_node_affinity_matches(p.spec(), &node),
                want,
                "{terms}"
            );
        }
    }

    #[test]
    fn args_parse_and_validate_as_upstream() {
        let parse = |y: &str| parse_args(Some(&serde_yaml::from_str(y).unwrap()));
        assert_eq!(parse("{}").unwrap(), (DefaultingType::System, vec![]));
        let (t, c) = parse(
            "defaultingType: List\ndefaultConstraints: [{maxSkew: 1, topologyKey: zone, whenUnsatisfiable: ScheduleAnyway}]",
        )
        .unwrap();
        assert_eq!(t, DefaultingType::List);
        assert_eq!(c, vec![dc(1, "zone", ANYWAY)]);
        let cases = [
            (
                "defaultConstraints: [{maxSkew: 1, topologyKey: zone, whenUnsatisfiable: ScheduleAnyway}]",
                "defaultingType: Invalid value: \"System\": when .defaultConstraints are not empty",
            ),
            (
                "defaultingType: Foo",
                "defaultingType: Unsupported value: \"Foo\": supported values: \"System\", \"List\"",
            ),
            (
                "defaultingType: List\ndefaultConstraints: [{maxSkew: 0, topologyKey: zone, whenUnsatisfiable: ScheduleAnyway, labelSelector: {}}]",
                "[defaultConstraints[0].maxSkew: Invalid value: 0: not in valid range (0, inf), defaultConstraints[0].labelSelector: Forbidden: constraint must not define a selector, as they deduced for each pod]",
            ),
            (
                "defaultingType: List\ndefaultConstraints: [{maxSkew: 1, topologyKey: zone, whenUnsatisfiable: ScheduleAnyway}, {maxSkew: 2, topologyKey: zone, whenUnsatisfiable: ScheduleAnyway}]",
                "defaultConstraints[1]: Duplicate value: \"{zone, ScheduleAnyway}\"",
            ),
            (
                "defaultingType: List\ndefaultConstraints: [{maxSkew: 1, topologyKey: '', whenUnsatisfiable: Maybe}]",
                "[defaultConstraints[0].topologyKey: Required value: can not be empty, defaultConstraints[0].whenUnsatisfiable: Unsupported value: \"Maybe\": supported values: \"DoNotSchedule\", \"ScheduleAnyway\"]",
            ),
            ("hardPodAffinityWeight: 1", "unknown field \"hardPodAffinityWeight\" in PodTopologySpreadArgs"),
        ];
        for (yaml, want) in cases {
            assert_eq!(parse(yaml).unwrap_err(), want, "{yaml}");
        }
        assert!(new(None).is_ok());
    }
}
