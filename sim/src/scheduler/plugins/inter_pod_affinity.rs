//! InterPodAffinity: required pod affinity/anti-affinity as a filter (both the incoming pod's
//! terms and existing pods' anti-affinity), preferred terms as a score. Port of
//! pkg/scheduler/framework/plugins/interpodaffinity/{plugin,filtering,scoring}.go.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::api::selector::{LabelSelector, Requirement, SelectorOperator};
use crate::api::types::{Name, Object, PodAffinityTerm, StringMap};
use crate::scheduler::framework::{
    CycleState, NodeInfo, Plugin, PodInfo, Points, PreFilterResult, Snapshot, Status,
    MAX_NODE_SCORE,
};

/// The plugin's name in configuration (names.InterPodAffinity).
pub const NAME: &str = "InterPodAffinity";

/// filtering.go: ErrReasonExistingAntiAffinityRulesNotMatch.
pub const ERR_REASON_EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH: &str =
    "node(s) didn't satisfy existing pods anti-affinity rules";
/// filtering.go: ErrReasonAffinityRulesNotMatch.
pub const ERR_REASON_AFFINITY_RULES_NOT_MATCH: &str = "node(s) didn't match pod affinity rules";
/// filtering.go: ErrReasonAntiAffinityRulesNotMatch.
pub const ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH: &str =
    "node(s) didn't match pod anti-affinity rules";

/// v1.DefaultHardPodAffinitySymmetricWeight, the v1 default of hardPodAffinityWeight
/// (apis/config/v1/defaults.go).
pub const DEFAULT_HARD_POD_AFFINITY_WEIGHT: i32 = 1;

const PRE_FILTER_STATE_KEY: &str = "PreFilterInterPodAffinity";
const PRE_SCORE_STATE_KEY: &str = "PreScoreInterPodAffinity";

/// Ordered maps, so that iteration never depends on hashing (docs/ARCHITECTURE.md).
type Map<K, V> = BTreeMap<K, V>;

/// The plugin with its `InterPodAffinityArgs`.
pub struct InterPodAffinity {
    /// Weight of an existing pod's required affinity term the incoming pod matches, in
    /// scoring (0 disables).
    hard_pod_affinity_weight: i32,
    /// Skip scoring pods without preferred terms instead of honouring existing pods' terms.
    ignore_preferred_terms_of_existing_pods: bool,
}

/// Builds the plugin from its `InterPodAffinityArgs` (`hardPodAffinityWeight`, default 1, in
/// [0, 100]; `ignorePreferredTermsOfExistingPods`, default false).
pub fn new(args: Option<&serde_yaml::Value>) -> Result<Box<dyn Plugin>, String> {
    let (hard_pod_affinity_weight, ignore_preferred_terms_of_existing_pods) = parse_args(args)?;
    Ok(Box::new(InterPodAffinity {
        hard_pod_affinity_weight,
        ignore_preferred_terms_of_existing_pods,
    }))
}

// ---------------------------------------------------------------------------------------------
// Affinity terms (framework/types.go: AffinityTerm, newAffinityTerm)

/// A term of the incoming pod, resolved once per cycle: its namespaces with the
/// namespaceSelector merged in (mergeAffinityTermNamespacesIfNotEmpty), its selector with
/// matchLabelKeys/mismatchLabelKeys applied.
#[derive(Clone, Debug)]
struct AffinityTerm {
    namespaces: Vec<Name>,
    /// An empty namespaceSelector (`{}`): every namespace.
    all_namespaces: bool,
    /// `None` is labels.Nothing() (a term without labelSelector matches no pod).
    selector: Option<LabelSelector>,
    topology_key: Name,
    weight: i64,
}

impl AffinityTerm {
    fn new(owner: &Object, t: &PodAffinityTerm, weight: i32, namespaces: &[Arc<Object>]) -> Self {
        let mut ns = own_namespaces(owner, t).to_vec();
        let mut all_namespaces = false;
        if let Some(sel) = &t.namespace_selector {
            if sel.is_empty() {
                all_namespaces = true;
            } else {
                for n in namespaces {
                    if sel.matches(&n.meta.labels) && !ns.contains(&n.meta.name) {
                        ns.push(n.meta.name.clone());
                    }
                }
            }
        }
        AffinityTerm {
            namespaces: ns,
            all_namespaces,
            selector: t
                .label_selector
                .as_ref()
                .map(|s| with_label_keys(s, t, &owner.meta.labels)),
            topology_key: t.topology_key.clone(),
            weight: i64::from(weight),
        }
    }

    /// AffinityTerm.Matches with nil namespace labels: the namespaceSelector is already merged.
    fn matches(&self, pod: &Object) -> bool {
        (self.all_namespaces || self.namespaces.contains(&pod.meta.namespace))
            && self
                .selector
                .as_ref()
                .is_some_and(|s| s.matches(&pod.meta.labels))
    }
}

/// getNamespacesFromPodAffinityTerm: the term's namespaces, or the owner's own namespace when
/// it names none and has no namespaceSelector.
fn own_namespaces<'a>(owner: &'a Object, t: &'a PodAffinityTerm) -> &'a [Name] {
    if t.namespaces.is_empty() && t.namespace_selector.is_none() {
        std::slice::from_ref(&owner.meta.namespace)
    } else {
        &t.namespaces
    }
}

/// The selector with `key In (value)` per matchLabelKeys key and `key NotIn (value)` per
/// mismatchLabelKeys key the owner has (the API server's applyMatchLabelKeysAndMismatchLabelKeys;
/// the simulated API server does not apply it, so the scheduler does; applying it twice changes
/// nothing).
fn with_label_keys(sel: &LabelSelector, t: &PodAffinityTerm, owner: &StringMap) -> LabelSelector {
    let mut out = sel.clone();
    for (keys, op) in [
        (&t.match_label_keys, SelectorOperator::In),
        (&t.mismatch_label_keys, SelectorOperator::NotIn),
    ] {
        for k in keys {
            if let Some(v) = owner.get(k) {
                out.match_expressions.push(Requirement {
                    key: k.clone(),
                    operator: op,
                    values: vec![Name::from(v)],
                });
            }
        }
    }
    out
}

/// AffinityTerm.Matches for a term of an existing pod (`owner`), evaluated in place so that
/// nothing is built per existing pod: `target` is in the term's namespaces or its namespace's
/// labels (`ns_labels`) match the namespaceSelector, and its labels match the selector.
fn existing_term_matches(
    t: &PodAffinityTerm,
    owner: &Object,
    target: &Object,
    ns_labels: &StringMap,
) -> bool {
    let in_namespace = own_namespaces(owner, t).contains(&target.meta.namespace)
        || t.namespace_selector
            .as_ref()
            .is_some_and(|s| s.matches(ns_labels));
    if !in_namespace {
        return false;
    }
    let Some(sel) = &t.label_selector else {
        return false;
    };
    let labels = &target.meta.labels;
    sel.matches(labels)
        && t.match_label_keys.iter().all(|k| {
            owner
                .meta
                .labels
                .get(k)
                .is_none_or(|v| labels.get(k) == Some(v))
        })
        && t.mismatch_label_keys.iter().all(|k| {
            owner
                .meta
                .labels
                .get(k)
                .is_none_or(|v| labels.get(k) != Some(v))
        })
}

fn required_affinity_terms(p: &PodInfo) -> &[PodAffinityTerm] {
    p.spec()
        .affinity
        .as_ref()
        .and_then(|a| a.pod_affinity.as_ref())
        .map_or(&[], |a| &a.required)
}

fn required_anti_affinity_terms(p: &PodInfo) -> &[PodAffinityTerm] {
    p.spec()
        .affinity
        .as_ref()
        .and_then(|a| a.pod_anti_affinity.as_ref())
        .map_or(&[], |a| &a.required)
}

/// GetNamespaceLabelsSnapshot: the labels of the pod's namespace (empty when not found).
fn namespace_labels(namespace: &str, namespaces: &[Arc<Object>]) -> StringMap {
    namespaces
        .iter()
        .find(|n| n.meta.name == namespace)
        .map(|n| n.meta.labels.clone())
        .unwrap_or_default()
}

// ---------------------------------------------------------------------------------------------
// Filtering (filtering.go)

/// filtering.go: topologyToMatchedTermCount, keyed by topology key then value (so lookups by
/// a node's label take no allocation). Entries that drop to zero are removed.
#[derive(Clone, Debug, Default)]
struct TopologyCounts(Map<Name, Map<Name, i64>>);

impl TopologyCounts {
    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn get(&self, key: &str, value: &str) -> i64 {
        self.0
            .get(key)
            .and_then(|m| m.get(value))
            .copied()
            .unwrap_or(0)
    }

    /// topologyToMatchedTermCount.update: `delta` more for the node's value of `key`, if the
    /// node has that label.
    fn update(&mut self, node: &NodeInfo, key: &str, delta: i64) {
        let Some(value) = node.labels().get(key) else {
            return;
        };
        if !self.0.contains_key(key) {
            self.0.insert(Name::from(key), Map::default());
        }
        let values = self.0.get_mut(key).expect("inserted");
        let n = match values.get_mut(value) {
            Some(n) => {
                *n += delta;
                *n
            }
            None => {
                values.insert(Name::from(value), delta);
                delta
            }
        };
        if n == 0 {
            values.remove(value);
            if values.is_empty() {
                self.0.remove(key);
            }
        }
    }

    /// updateWithAffinityTerms: every term's topology counts `pod` if it matches all terms.
    fn update_with_affinity_terms(
        &mut self,
        terms: &[AffinityTerm],
        pod: &Object,
        node: &NodeInfo,
        delta: i64,
    ) {
        if pod_matches_all_affinity_terms(terms, pod) {
            for t in terms {
                self.update(node, &t.topology_key, delta);
            }
        }
    }

    /// updateWithAntiAffinityTerms (incoming pod's terms).
    fn update_with_anti_affinity_terms(
        &mut self,
        terms: &[AffinityTerm],
        pod: &Object,
        node: &NodeInfo,
        delta: i64,
    ) {
        for t in terms {
            if t.matches(pod) {
                self.update(node, &t.topology_key, delta);
            }
        }
    }

    /// updateWithAntiAffinityTerms for an existing pod's required anti-affinity terms against
    /// the incoming pod.
    fn update_with_existing_anti_affinity(
        &mut self,
        existing: &PodInfo,
        incoming: &Object,
        ns_labels: &StringMap,
        node: &NodeInfo,
        delta: i64,
    ) {
        for t in required_anti_affinity_terms(existing) {
            if existing_term_matches(t, &existing.pod, incoming, ns_labels) {
                self.update(node, &t.topology_key, delta);
            }
        }
    }
}

/// podMatchesAllAffinityTerms: false for no terms.
fn pod_matches_all_affinity_terms(terms: &[AffinityTerm], pod: &Object) -> bool {
    !terms.is_empty() && terms.iter().all(|t| t.matches(pod))
}

/// The incoming pod's required terms, shared by every clone of the state.
#[derive(Debug)]
struct RequiredTerms {
    affinity: Vec<AffinityTerm>,
    anti_affinity: Vec<AffinityTerm>,
    /// The pod matches all its own affinity terms (the "first pod of a group" exception).
    matches_own_affinity: bool,
}

/// filtering.go: preFilterState.
#[derive(Clone, Debug)]
struct PreFilterState {
    /// Existing pods' required anti-affinity terms matching the incoming pod, per topology.
    existing_anti_affinity_counts: TopologyCounts,
    /// Existing pods matching all the incoming pod's required affinity terms.
    affinity_counts: TopologyCounts,
    /// Existing pods matching each of the incoming pod's required anti-affinity terms.
    anti_affinity_counts: TopologyCounts,
    terms: Arc<RequiredTerms>,
    /// The incoming pod's namespace labels.
    namespace_labels: StringMap,
}

impl PreFilterState {
    /// updateWithPod: `p` added (`delta` 1) or removed (-1) on `node`.
    fn update_with_pod(&mut self, p: &PodInfo, incoming: &Object, node: &NodeInfo, delta: i64) {
        self.existing_anti_affinity_counts
            .update_with_existing_anti_affinity(p, incoming, &self.namespace_labels, node, delta);
        self.affinity_counts
            .update_with_affinity_terms(&self.terms.affinity, &p.pod, node, delta);
        self.anti_affinity_counts.update_with_anti_affinity_terms(
            &self.terms.anti_affinity,
            &p.pod,
            node,
            delta,
        );
    }

    /// satisfyExistingPodsAntiAffinity.
    fn satisfies_existing_pods_anti_affinity(&self, node: &NodeInfo) -> bool {
        let labels = node.labels();
        !self
            .existing_anti_affinity_counts
            .0
            .iter()
            .any(|(key, values)| {
                labels
                    .get(key)
                    .is_some_and(|v| values.get(v).is_some_and(|&n| n > 0))
            })
    }

    /// satisfyPodAntiAffinity.
    fn satisfies_pod_anti_affinity(&self, node: &NodeInfo) -> bool {
        if self.anti_affinity_counts.is_empty() {
            return true;
        }
        let labels = node.labels();
        !self.terms.anti_affinity.iter().any(|t| {
            labels
                .get(&t.topology_key)
                .is_some_and(|v| self.anti_affinity_counts.get(&t.topology_key, v) > 0)
        })
    }

    /// satisfyPodAffinity: every term's topology key is a label of the node and has a matching
    /// pod in the node's domain; or no pod in the cluster matches and the pod matches its own
    /// terms (the first pod of a group that has affinity to itself).
    fn satisfies_pod_affinity(&self, node: &NodeInfo) -> bool {
        let labels = node.labels();
        let mut pods_exist = true;
        for t in &self.terms.affinity {
            match labels.get(&t.topology_key) {
                Some(v) => {
                    if self.affinity_counts.get(&t.topology_key, v) <= 0 {
                        pods_exist = false;
                    }
                }
                // All topology labels must exist on the node.
                None => return false,
            }
        }
        pods_exist || (self.affinity_counts.is_empty() && self.terms.matches_own_affinity)
    }
}

fn missing_state(key: &str) -> Status {
    Status::error(format!("error reading {key:?} from cycleState: not found"))
}

impl InterPodAffinity {
    /// filtering.go: PreFilter without the Skip decision: None when there is nothing to check.
    fn cal_pre_filter_state(&self, pod: &PodInfo, snapshot: &Snapshot) -> Option<PreFilterState> {
        let namespaces = &snapshot.listers.namespaces;
        let namespace_labels = namespace_labels(pod.namespace(), namespaces);

        // getExistingAntiAffinityCounts over the nodes with pods with required anti-affinity.
        let mut existing = TopologyCounts::default();
        let any_existing = snapshot.num_pods_with_required_anti_affinity() > 0;
        for node in snapshot.nodes.iter().filter(|_| any_existing) {
            for p in &node.pods_with_required_anti_affinity {
                existing.update_with_existing_anti_affinity(
                    p,
                    &pod.pod,
                    &namespace_labels,
                    node,
                    1,
                );
            }
        }
        let affinity_terms = required_affinity_terms(pod);
        let anti_terms = required_anti_affinity_terms(pod);
        if existing.is_empty() && affinity_terms.is_empty() && anti_terms.is_empty() {
            return None;
        }
        let terms = RequiredTerms {
            affinity: affinity_terms
                .iter()
                .map(|t| AffinityTerm::new(&pod.pod, t, 0, namespaces))
                .collect(),
            anti_affinity: anti_terms
                .iter()
                .map(|t| AffinityTerm::new(&pod.pod, t, 0, namespaces))
                .collect(),
            matches_own_affinity: false,
        };
        let terms = RequiredTerms {
            matches_own_affinity: pod_matches_all_affinity_terms(&terms.affinity, &pod.pod),
            ..terms
        };

        // getIncomingAffinityAntiAffinityCounts over all nodes.
        let mut affinity = TopologyCounts::default();
        let mut anti_affinity = TopologyCounts::default();
        if !terms.affinity.is_empty() || !terms.anti_affinity.is_empty() {
            for node in &snapshot.nodes {
                for p in &node.pods {
                    affinity.update_with_affinity_terms(&terms.affinity, &p.pod, node, 1);
                    anti_affinity.update_with_anti_affinity_terms(
                        &terms.anti_affinity,
                        &p.pod,
                        node,
                        1,
                    );
                }
            }
        }
        Some(PreFilterState {
            existing_anti_affinity_counts: existing,
            affinity_counts: affinity,
            anti_affinity_counts: anti_affinity,
            terms: Arc::new(terms),
            namespace_labels,
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Scoring (scoring.go)

/// scoring.go: preScoreState: summed weights per topology key and value.
#[derive(Clone, Debug)]
struct PreScoreState {
    topology_score: Map<Name, Map<Name, i64>>,
}

/// scoring.go: scoreMap.processTerm: `weight` more for the node's value of `key`.
fn add_score(scores: &mut Map<Name, Map<Name, i64>>, node: &NodeInfo, key: &str, weight: i64) {
    let Some(value) = node.labels().get(key) else {
        return;
    };
    if !scores.contains_key(key) {
        scores.insert(Name::from(key), Map::default());
    }
    let values = scores.get_mut(key).expect("inserted");
    match values.get_mut(value) {
        Some(n) => *n += weight,
        None => {
            values.insert(Name::from(value), weight);
        }
    }
}

impl InterPodAffinity {
    /// scoring.go: PreScore. None when there is nothing to score.
    fn cal_pre_score_state(&self, pod: &PodInfo, snapshot: &Snapshot) -> Option<PreScoreState> {
        let affinity = pod.spec().affinity.as_deref();
        let preferred = affinity
            .and_then(|a| a.pod_affinity.as_ref())
            .map_or(&[][..], |a| &a.preferred[..]);
        let preferred_anti = affinity
            .and_then(|a| a.pod_anti_affinity.as_ref())
            .map_or(&[][..], |a| &a.preferred[..]);
        let has_constraints = !preferred.is_empty() || !preferred_anti.is_empty();
        // Optionally ignore existing pods' preferences if the incoming pod has none.
        if self.ignore_preferred_terms_of_existing_pods && !has_constraints {
            return None;
        }
        // Unless the incoming pod has preferred terms, only pods with affinity matter.
        if !has_constraints && snapshot.num_pods_with_affinity() == 0 {
            return None;
        }
        let namespaces = &snapshot.listers.namespaces;
        let terms: Vec<AffinityTerm> = preferred
            .iter()
            .map(|w| AffinityTerm::new(&pod.pod, &w.term, w.weight, namespaces))
            .collect();
        let anti_terms: Vec<AffinityTerm> = preferred_anti
            .iter()
            .map(|w| AffinityTerm::new(&pod.pod, &w.term, w.weight, namespaces))
            .collect();
        let namespace_labels = namespace_labels(pod.namespace(), namespaces);
        let hard_weight = i64::from(self.hard_pod_affinity_weight);
        let incoming = &*pod.pod;

        let mut scores: Map<Name, Map<Name, i64>> = Map::default();
        for node in &snapshot.nodes {
            let pods = if has_constraints {
                &node.pods
            } else {
                &node.pods_with_affinity
            };
            // processExistingPod returns at once for a node without labels.
            if pods.is_empty() || node.labels().is_empty() {
                continue;
            }
            for existing in pods {
                let ep = &*existing.pod;
                // The incoming pod's preferred terms, against the existing pod.
                for t in &terms {
                    if t.matches(ep) {
                        add_score(&mut scores, node, &t.topology_key, t.weight);
                    }
                }
                for t in &anti_terms {
                    if t.matches(ep) {
                        add_score(&mut scores, node, &t.topology_key, -t.weight);
                    }
                }
                // The existing pod's terms, against the incoming pod.
                if hard_weight > 0 {
                    for t in required_affinity_terms(existing) {
                        if existing_term_matches(t, ep, incoming, &namespace_labels) {
                            add_score(&mut scores, node, &t.topology_key, hard_weight);
                        }
                    }
                }
                let affinity = existing.spec().affinity.as_deref();
                if let Some(a) = affinity.and_then(|a| a.pod_affinity.as_ref()) {
                    for w in &a.preferred {
                        if existing_term_matches(&w.term, ep, incoming, &namespace_labels) {
                            add_score(&mut scores, node, &w.term.topology_key, i64::from(w.weight));
                        }
                    }
                }
                if let Some(a) = affinity.and_then(|a| a.pod_anti_affinity.as_ref()) {
                    for w in &a.preferred {
                        if existing_term_matches(&w.term, ep, incoming, &namespace_labels) {
                            add_score(
                                &mut scores,
                                node,
                                &w.term.topology_key,
                                -i64::from(w.weight),
                            );
                        }
                    }
                }
            }
        }
        // Upstream skips when no node produced a score entry.
        if scores.is_empty() {
            return None;
        }
        Some(PreScoreState {
            topology_score: scores,
        })
    }
}

impl Plugin for InterPodAffinity {
    fn name(&self) -> &'static str {
        NAME
    }

    fn points(&self) -> Points {
        Points::PRE_FILTER | Points::FILTER | Points::PRE_SCORE | Points::SCORE
    }

    /// filtering.go: PreFilter. Skip when neither the pod has required (anti-)affinity terms nor
    /// any existing pod's required anti-affinity matches it.
    fn pre_filter(
        &self,
        state: &mut CycleState,
        pod: &PodInfo,
        snapshot: &Snapshot,
    ) -> (PreFilterResult, Status) {
        match self.cal_pre_filter_state(pod, snapshot) {
            Some(s) => {
                state.write(PRE_FILTER_STATE_KEY, s);
                (PreFilterResult::default(), Status::success())
            }
            None => (PreFilterResult::default(), Status::skip()),
        }
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
                s.update_with_pod(pod_to_add, &pod.pod, node, 1);
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
                s.update_with_pod(pod_to_remove, &pod.pod, node, -1);
                Status::success()
            }
            None => missing_state(PRE_FILTER_STATE_KEY),
        }
    }

    /// filtering.go: Filter. Affinity failures are UnschedulableAndUnresolvable (preemption
    /// cannot add pods); anti-affinity ones Unschedulable.
    fn filter(&self, state: &CycleState, _pod: &PodInfo, node: &NodeInfo) -> Status {
        let Some(s) = state.read::<PreFilterState>(PRE_FILTER_STATE_KEY) else {
            return missing_state(PRE_FILTER_STATE_KEY);
        };
        if !s.satisfies_pod_affinity(node) {
            return Status::unresolvable(ERR_REASON_AFFINITY_RULES_NOT_MATCH);
        }
        if !s.satisfies_pod_anti_affinity(node) {
            return Status::unschedulable(ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH);
        }
        if !s.satisfies_existing_pods_anti_affinity(node) {
            return Status::unschedulable(ERR_REASON_EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH);
        }
        Status::success()
    }

    fn pre_score(
        &self,
        state: &mut CycleState,
        pod: &PodInfo,
        _nodes: &[&NodeInfo],
        snapshot: &Snapshot,
    ) -> Status {
        match self.cal_pre_score_state(pod, snapshot) {
            Some(s) => {
                state.write(PRE_SCORE_STATE_KEY, s);
                Status::success()
            }
            None => Status::skip(),
        }
    }

    /// scoring.go: Score: the summed weights of the node's topology values (positive for
    /// affinity, negative for anti-affinity).
    fn score(&self, state: &CycleState, _pod: &PodInfo, node: &NodeInfo) -> Result<i64, Status> {
        let Some(s) = state.read::<PreScoreState>(PRE_SCORE_STATE_KEY) else {
            return Err(Status::error(format!(
                "failed to read {PRE_SCORE_STATE_KEY:?} from cycleState: not found"
            )));
        };
        let labels = node.labels();
        let mut score = 0;
        for (key, values) in &s.topology_score {
            if let Some(v) = labels.get(key) {
                score += values.get(v).copied().unwrap_or(0);
            }
        }
        Ok(score)
    }

    /// scoring.go: NormalizeScore: MaxNodeScore * ((s - min) / (max - min)) in floats,
    /// truncated; all 0 when max == min.
    fn normalize_score(
        &self,
        state: &CycleState,
        _pod: &PodInfo,
        scores: &mut [i64],
    ) -> Option<Status> {
        let Some(s) = state.read::<PreScoreState>(PRE_SCORE_STATE_KEY) else {
            return Some(Status::error(format!(
                "failed to read {PRE_SCORE_STATE_KEY:?} from cycleState: not found"
            )));
        };
        if s.topology_score.is_empty() {
            return Some(Status::success());
        }
        let min_count = scores.iter().copied().min().unwrap_or(i64::MAX);
        let max_count = scores.iter().copied().max().unwrap_or(i64::MIN);
        let max_min_diff = max_count.wrapping_sub(min_count);
        for s in scores.iter_mut() {
            let f = if max_min_diff > 0 {
                MAX_NODE_SCORE as f64 * ((*s - min_count) as f64 / max_min_diff as f64)
            } else {
                0.0
            };
            *s = f as i64;
        }
        Some(Status::success())
    }
}

// ---------------------------------------------------------------------------------------------
// Args (apis/config/types_pluginargs.go, v1/defaults.go, validation/validation_pluginargs.go)

/// Parses and validates `InterPodAffinityArgs`: (hardPodAffinityWeight,
/// ignorePreferredTermsOfExistingPods).
fn parse_args(args: Option<&serde_yaml::Value>) -> Result<(i32, bool), String> {
    use serde_yaml::Value;
    let mut weight = i64::from(DEFAULT_HARD_POD_AFFINITY_WEIGHT);
    let mut ignore = false;
    match args {
        None | Some(Value::Null) => {}
        Some(Value::Mapping(m)) => {
            for (k, v) in m {
                let key = k.as_str().unwrap_or_default();
                match key {
                    "apiVersion" => {}
                    "kind" => {
                        if v.as_str() != Some("InterPodAffinityArgs") {
                            return Err(format!(
                                "kind: expected InterPodAffinityArgs, got {}",
                                brief(v)
                            ));
                        }
                    }
                    "hardPodAffinityWeight" => match v {
                        Value::Null => {}
                        _ => {
                            weight = v.as_i64().ok_or_else(|| {
                                format!(
                                    "hardPodAffinityWeight: expected an integer, got {}",
                                    brief(v)
                                )
                            })?
                        }
                    },
                    "ignorePreferredTermsOfExistingPods" => match v {
                        Value::Null => {}
                        Value::Bool(b) => ignore = *b,
                        other => {
                            return Err(format!(
                                "ignorePreferredTermsOfExistingPods: expected a boolean, got {}",
                                brief(other)
                            ))
                        }
                    },
                    _ => return Err(format!("unknown field {key:?} in InterPodAffinityArgs")),
                }
            }
        }
        Some(other) => {
            return Err(format!(
                "InterPodAffinityArgs: expected a mapping, got {}",
                brief(other)
            ))
        }
    }
    // validateHardPodAffinityWeight.
    if !(0..=100).contains(&weight) {
        return Err(format!(
            "hardPodAffinityWeight: Invalid value: {weight}: not in valid range [0, 100]"
        ));
    }
    Ok((weight as i32, ignore))
}

fn brief(v: &serde_yaml::Value) -> String {
    serde_yaml::to_string(v)
        .map(|s| s.trim_end().to_string())
        .unwrap_or_else(|_| "?".to_string())
}

// ---------------------------------------------------------------------------------------------
// Tests: upstream's tables from pkg/scheduler/framework/plugins/interpodaffinity/
// filtering_test.go (TestRequiredAffinitySingleNode, TestRequiredAffinityMultipleNodes,
// TestPreFilterStateAddRemovePod, TestGetTPMapMatchingIncomingAffinityAntiAffinity,
// TestPreFilterDisabled) and scoring_test.go (TestPreferredAffinity,
// TestPreferredAffinityWithHardPodAffinitySymmetricWeight), case names kept. Upstream's pods
// without a namespace ("") are in `default` here, so a term naming "" names `default`.

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use super::*;
    use crate::scheduler::framework::Code;
    use crate::scheduler::plugins::pod_topology_spread::wrappers::*;
    use crate::scheduler::testing::snapshot;

    const OK: Code = Code::Success;
    const U: Code = Code::Unschedulable;
    const UU: Code = Code::UnschedulableAndUnresolvable;

    fn plugin(hard_pod_affinity_weight: i32, ignore: bool) -> InterPodAffinity {
        InterPodAffinity {
            hard_pod_affinity_weight,
            ignore_preferred_terms_of_existing_pods: ignore,
        }
    }
    fn t_in(key: &str, topology: &str, values: &[&str]) -> Value {
        term(expr(key, "In", values), topology)
    }
    fn t_not_in(key: &str, topology: &str, values: &[&str]) -> Value {
        term(expr(key, "NotIn", values), topology)
    }
    fn t_exists(key: &str, topology: &str) -> Value {
        term(exists(key), topology)
    }
    /// A term with several expressions `(key, op, values)`.
    fn t_exprs(exprs: &[(&str, &str, &[&str])], topology: &str) -> Value {
        let e: Vec<Value> = exprs
            .iter()
            .map(|(k, op, v)| {
                if v.is_empty() {
                    json!({"key": k, "operator": op})
                } else {
                    json!({"key": k, "operator": op, "values": v})
                }
            })
            .collect();
        term(json!({ "matchExpressions": e }), topology)
    }
    fn team_selector(team: &str) -> Value {
        expr("team", "In", &[team])
    }
    /// The namespaces of upstream's tests (scoring_test.go: namespaces), sorted by name.
    fn namespaces() -> Vec<Arc<Object>> {
        vec![
            namespace("subteam1.team1", &[("team", "team1")]),
            namespace("subteam1.team2", &[("team", "team2")]),
            namespace("subteam2.team1", &[("team", "team1")]),
            namespace("subteam2.team2", &[("team", "team2")]),
        ]
    }
    fn node(name: &str, labels: &[(&str, &str)]) -> NodeInfo {
        MakeNode::new(name).labels(labels).obj()
    }
    /// The node of TestRequiredAffinitySingleNode.
    fn node1() -> NodeInfo {
        node("node1", &[("region", "r1"), ("zone", "z11")])
    }

    struct FilterCase {
        name: &'static str,
        pod: Arc<PodInfo>,
        pods: Vec<Arc<PodInfo>>,
        nodes: Vec<NodeInfo>,
        /// None: PreFilter returns Skip.
        want: Option<Vec<Code>>,
    }

    fn run_filter_cases(cases: Vec<FilterCase>) {
        for c in cases {
            let pl = plugin(1, false);
            let mut snap = snapshot(c.nodes, &c.pods);
            snap.listers.namespaces = namespaces();
            let mut state = CycleState::new();
            let (_, status) = pl.pre_filter(&mut state, &c.pod, &snap);
            let Some(want) = &c.want else {
                assert!(status.is_skip(), "{}: want Skip, got {status:?}", c.name);
                continue;
            };
            assert!(status.is_success(), "{}: {status:?}", c.name);
            assert_eq!(
                snap.nodes.len(),
                want.len(),
                "{}: one status per node",
                c.name
            );
            for (n, code) in snap.nodes.iter().zip(want) {
                let got = pl.filter(&state, &c.pod, n);
                assert_eq!(got.code, *code, "{}: {}: {got:?}", c.name, n.name());
            }
        }
    }

    fn with_message(code: Code, message: &str) -> Status {
        Status::new(code, message)
    }

    // filtering_test.go: TestRequiredAffinitySingleNode (statuses compared whole).
    #[test]
    fn required_affinity_single_node() {
        let existing = || {
            MakePod::new("pod1")
                .label("service", "securityscan")
                .node("node1")
                .obj()
        };
        let s1 = || MakePod::new("p").label("security", "S1");
        let ss = || MakePod::new("p").label("service", "securityscan");
        let aff_err = || with_message(UU, ERR_REASON_AFFINITY_RULES_NOT_MATCH);
        let anti_err = || with_message(U, ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH);
        let existing_err = || with_message(U, ERR_REASON_EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH);
        let ns_term = |team: &str, topology: &str| {
            let mut t = t_in("service", topology, &["securityscan", "value2"]);
            t["namespaceSelector"] = team_selector(team);
            t
        };
        // (name, pod, existing pods, want: None = PreFilter Skip, Some(None) = success)
        type Case<'a> = (
            &'a str,
            Arc<PodInfo>,
            Vec<Arc<PodInfo>>,
            Option<Option<Status>>,
        );
        let cases: Vec<Case> = vec![
            (
                "A pod that has no required pod affinity scheduling rules can schedule onto a node with no existing pods",
                MakePod::new("p").obj(),
                vec![],
                None,
            ),
            (
                "satisfies with requiredDuringSchedulingIgnoredDuringExecution in PodAffinity using In operator that matches the existing pod",
                s1().affinity(Aff::Required, t_in("service", "region", &["securityscan", "value2"])).obj(),
                vec![existing()],
                Some(None),
            ),
            (
                "satisfies the pod with requiredDuringSchedulingIgnoredDuringExecution in PodAffinity using not in operator in labelSelector that matches the existing pod",
                s1().affinity(Aff::Required, t_not_in("service", "region", &["securityscan3", "value3"])).obj(),
                vec![existing()],
                Some(None),
            ),
            (
                "Does not satisfy the PodAffinity with labelSelector because of diff Namespace",
                s1().affinity(Aff::Required, {
                    let mut t = t_in("service", "", &["securityscan", "value2"]);
                    t["namespaces"] = json!(["DiffNameSpace"]);
                    t
                })
                .obj(),
                vec![MakePod::new("pod1").namespace("ns").label("service", "securityscan").node("node1").obj()],
                Some(Some(aff_err())),
            ),
            (
                "Doesn't satisfy the PodAffinity because of unmatching labelSelector with the existing pod",
                ss().affinity(Aff::Required, t_in("service", "", &["antivirusscan", "value2"])).obj(),
                vec![existing()],
                Some(Some(aff_err())),
            ),
            (
                "satisfies the PodAffinity with different label Operators in multiple RequiredDuringSchedulingIgnoredDuringExecution ",
                s1().affinity(Aff::Required, t_exprs(&[("service", "Exists", &[]), ("wrongkey", "DoesNotExist", &[])], "region"))
                    .affinity(Aff::Required, t_exprs(&[("service", "In", &["securityscan"]), ("service", "NotIn", &["WrongValue"])], "region"))
                    .obj(),
                vec![existing()],
                Some(None),
            ),
            (
                "The labelSelector requirements(items of matchExpressions) are ANDed, the pod cannot schedule onto the node because one of the matchExpression item don't match.",
                s1().affinity(Aff::Required, t_exprs(&[("service", "Exists", &[]), ("wrongkey", "DoesNotExist", &[])], "region"))
                    .affinity(Aff::Required, t_exprs(&[("service", "In", &["securityscan2"]), ("service", "NotIn", &["WrongValue"])], "region"))
                    .obj(),
                vec![existing()],
                Some(Some(aff_err())),
            ),
            (
                "satisfies the PodAffinity and PodAntiAffinity with the existing pod",
                s1().affinity(Aff::Required, t_in("service", "region", &["securityscan", "value2"]))
                    .affinity(Aff::AntiRequired, t_in("service", "node", &["antivirusscan", "value2"]))
                    .obj(),
                vec![existing()],
                Some(None),
            ),
            (
                "satisfies the PodAffinity and PodAntiAffinity and PodAntiAffinity symmetry with the existing pod",
                s1().affinity(Aff::Required, t_in("service", "region", &["securityscan", "value2"]))
                    .affinity(Aff::AntiRequired, t_in("service", "node", &["antivirusscan", "value2"]))
                    .obj(),
                vec![MakePod::new("pod1")
                    .node("node1")
                    .label("service", "securityscan")
                    .affinity(Aff::AntiRequired, t_in("service", "node", &["antivirusscan", "value2"]))
                    .obj()],
                Some(None),
            ),
            (
                "satisfies the PodAffinity but doesn't satisfy the PodAntiAffinity with the existing pod",
                s1().affinity(Aff::Required, t_in("service", "region", &["securityscan", "value2"]))
                    .affinity(Aff::AntiRequired, t_in("service", "zone", &["securityscan", "value2"]))
                    .obj(),
                vec![existing()],
                Some(Some(anti_err())),
            ),
            (
                "satisfies the PodAffinity and PodAntiAffinity but doesn't satisfy PodAntiAffinity symmetry with the existing pod",
                ss().affinity(Aff::Required, t_in("service", "region", &["securityscan", "value2"]))
                    .affinity(Aff::AntiRequired, t_in("service", "node", &["antivirusscan", "value2"]))
                    .obj(),
                vec![MakePod::new("pod1")
                    .label("service", "securityscan")
                    .node("node1")
                    .affinity(Aff::AntiRequired, t_in("service", "zone", &["securityscan", "value2"]))
                    .obj()],
                Some(Some(existing_err())),
            ),
            (
                "pod matches its own Label in PodAffinity and that matches the existing pod Labels",
                ss().affinity(Aff::Required, t_not_in("service", "region", &["securityscan", "value2"])).obj(),
                vec![MakePod::new("pod1").label("service", "securityscan").node("node2").obj()],
                Some(Some(aff_err())),
            ),
            (
                "verify that PodAntiAffinity from existing pod is respected when pod has no AntiAffinity constraints. doesn't satisfy PodAntiAffinity symmetry with the existing pod",
                ss().obj(),
                vec![MakePod::new("pod1")
                    .node("node1")
                    .label("service", "securityscan")
                    .affinity(Aff::AntiRequired, t_in("service", "zone", &["securityscan", "value2"]))
                    .obj()],
                Some(Some(existing_err())),
            ),
            (
                "verify that PodAntiAffinity from existing pod is respected when pod has no AntiAffinity constraints. satisfy PodAntiAffinity symmetry with the existing pod",
                ss().obj(),
                vec![MakePod::new("pod1")
                    .node("node1")
                    .label("service", "securityscan")
                    .affinity(Aff::AntiRequired, t_not_in("service", "zone", &["securityscan", "value2"]))
                    .obj()],
                None,
            ),
            (
                "satisfies the PodAntiAffinity with existing pod but doesn't satisfy PodAntiAffinity symmetry with incoming pod",
                ss().affinity(Aff::AntiRequired, t_exists("service", "region"))
                    .affinity(Aff::AntiRequired, t_exists("security", "region"))
                    .obj(),
                vec![MakePod::new("pod1")
                    .node("node1")
                    .label("security", "S1")
                    .affinity(Aff::AntiRequired, t_exists("security", "zone"))
                    .obj()],
                Some(Some(anti_err())),
            ),
            (
                "PodAntiAffinity symmetry check a1: incoming pod and existing pod partially match each other on AffinityTerms",
                ss().affinity(Aff::AntiRequired, t_exists("service", "zone"))
                    .affinity(Aff::AntiRequired, t_exists("security", "zone"))
                    .obj(),
                vec![MakePod::new("pod1")
                    .node("node1")
                    .label("security", "S1")
                    .affinity(Aff::AntiRequired, t_exists("security", "zone"))
                    .obj()],
                Some(Some(anti_err())),
            ),
            (
                "PodAntiAffinity symmetry check a2: incoming pod and existing pod partially match each other on AffinityTerms",
                s1().affinity(Aff::AntiRequired, t_exists("security", "zone")).obj(),
                vec![MakePod::new("pod1")
                    .node("node1")
                    .label("service", "securityscan")
                    .affinity(Aff::AntiRequired, t_exists("service", "zone"))
                    .affinity(Aff::AntiRequired, t_exists("security", "zone"))
                    .obj()],
                Some(Some(existing_err())),
            ),
            (
                "PodAntiAffinity symmetry check b1: incoming pod and existing pod partially match each other on AffinityTerms",
                MakePod::new("p")
                    .labels(&[("abc", ""), ("xyz", "")])
                    .affinity(Aff::AntiRequired, t_exists("abc", "zone"))
                    .affinity(Aff::AntiRequired, t_exists("def", "zone"))
                    .obj(),
                vec![MakePod::new("pod1")
                    .node("node1")
                    .labels(&[("def", ""), ("xyz", "")])
                    .affinity(Aff::AntiRequired, t_exists("abc", "zone"))
                    .affinity(Aff::AntiRequired, t_exists("def", "zone"))
                    .obj()],
                Some(Some(anti_err())),
            ),
            (
                "PodAntiAffinity symmetry check b2: incoming pod and existing pod partially match each other on AffinityTerms",
                MakePod::new("p")
                    .labels(&[("def", ""), ("xyz", "")])
                    .affinity(Aff::AntiRequired, t_exists("abc", "zone"))
                    .affinity(Aff::AntiRequired, t_exists("def", "zone"))
                    .obj(),
                vec![MakePod::new("pod1")
                    .node("node1")
                    .labels(&[("abc", ""), ("xyz", "")])
                    .affinity(Aff::AntiRequired, t_exists("abc", "zone"))
                    .affinity(Aff::AntiRequired, t_exists("def", "zone"))
                    .obj()],
                Some(Some(anti_err())),
            ),
            (
                "affinity with NamespaceSelector",
                s1().affinity(Aff::Required, ns_term("team1", "region")).obj(),
                vec![MakePod::new("pod1").namespace("subteam1.team1").label("service", "securityscan").node("node1").obj()],
                Some(None),
            ),
            (
                "affinity with non-matching NamespaceSelector",
                s1().affinity(Aff::Required, ns_term("team1", "region")).obj(),
                vec![MakePod::new("pod1").namespace("subteam1.team2").label("service", "securityscan").node("node1").obj()],
                Some(Some(aff_err())),
            ),
            (
                "anti-affinity with matching NamespaceSelector",
                s1().namespace("subteam1.team1").affinity(Aff::AntiRequired, ns_term("team1", "zone")).obj(),
                vec![MakePod::new("pod1").namespace("subteam2.team1").label("service", "securityscan").node("node1").obj()],
                Some(Some(anti_err())),
            ),
            (
                "anti-affinity with matching all NamespaceSelector",
                s1().namespace("subteam1.team1")
                    .affinity(Aff::AntiRequired, {
                        let mut t = t_in("service", "zone", &["securityscan", "value2"]);
                        t["namespaceSelector"] = json!({});
                        t
                    })
                    .obj(),
                vec![MakePod::new("pod1").namespace("subteam2.team1").label("service", "securityscan").node("node1").obj()],
                Some(Some(anti_err())),
            ),
            (
                "anti-affinity with non-matching NamespaceSelector",
                s1().namespace("subteam1.team1").affinity(Aff::AntiRequired, ns_term("team1", "zone")).obj(),
                vec![MakePod::new("pod1").namespace("subteam1.team2").label("service", "securityscan").node("node1").obj()],
                Some(None),
            ),
        ];
        for (name, pod, pods, want) in cases {
            let pl = plugin(1, false);
            let mut snap = snapshot(vec![node1()], &pods);
            snap.listers.namespaces = namespaces();
            let mut state = CycleState::new();
            let (_, status) = pl.pre_filter(&mut state, &pod, &snap);
            let Some(want) = want else {
                assert!(status.is_skip(), "{name}: want Skip, got {status:?}");
                continue;
            };
            assert!(status.is_success(), "{name}: {status:?}");
            let got = pl.filter(&state, &pod, &snap.nodes[0]);
            assert_eq!(got, want.unwrap_or_else(Status::success), "{name}");
        }
    }

    // filtering_test.go: TestRequiredAffinityMultipleNodes.
    #[test]
    fn required_affinity_multiple_nodes() {
        let china = [("region", "China")];
        let china_az1 = [("region", "China"), ("az", "az1")];
        let india = [("region", "India")];
        let rz = |name: &str, region: &str, zone: &str| {
            node(
                name,
                &[("region", region), ("zone", zone), ("hostname", name)],
            )
        };
        let p = || MakePod::new("p");
        let cases = vec![
            FilterCase {
                name: "A pod can be scheduled onto all the nodes that have the same topology key & label value with one of them has an existing pod that matches the affinity rules",
                pod: p().affinity(Aff::Required, t_in("foo", "region", &["bar"])).obj(),
                pods: vec![MakePod::new("p1").node("node1").label("foo", "bar").obj()],
                nodes: vec![node("node1", &china), node("node2", &china_az1), node("node3", &india)],
                want: Some(vec![OK, OK, UU]),
            },
            FilterCase {
                name: "The affinity rule is to schedule all of the pods of this collection to the same zone. The first pod of the collection should not be blocked from being scheduled onto any node, even there's no existing pod that matches the rule anywhere.",
                pod: p().labels(&[("foo", "bar"), ("service", "securityscan")])
                    .affinity(Aff::Required, t_in("foo", "zone", &["bar"]))
                    .affinity(Aff::Required, t_in("service", "zone", &["securityscan"]))
                    .obj(),
                pods: vec![MakePod::new("p1").node("nodeA").label("foo", "bar").obj()],
                nodes: vec![
                    node("nodeA", &[("zone", "az1"), ("hostname", "h1")]),
                    node("nodeB", &[("zone", "az2"), ("hostname", "h2")]),
                ],
                want: Some(vec![OK, OK]),
            },
            FilterCase {
                name: "The first pod of the collection can only be scheduled on nodes labelled with the requested topology keys",
                pod: p().labels(&[("foo", "bar"), ("service", "securityscan")])
                    .affinity(Aff::Required, t_in("foo", "zone", &["bar"]))
                    .affinity(Aff::Required, t_in("service", "zone", &["securityscan"]))
                    .obj(),
                pods: vec![MakePod::new("p1").node("nodeA").label("foo", "bar").obj()],
                nodes: vec![
                    node("nodeA", &[("zoneLabel", "az1"), ("hostname", "h1")]),
                    node("nodeB", &[("zoneLabel", "az2"), ("hostname", "h2")]),
                ],
                want: Some(vec![UU, UU]),
            },
            FilterCase {
                name: "NodeA and nodeB have same topologyKey and label value. NodeA has an existing pod that matches the inter pod affinity rule. The pod can not be scheduled onto nodeA and nodeB.",
                pod: p().affinity(Aff::AntiRequired, t_in("foo", "region", &["abc"])).obj(),
                pods: vec![MakePod::new("e").node("nodeA").label("foo", "abc").obj()],
                nodes: vec![
                    node("nodeA", &[("region", "r1"), ("hostname", "nodeA")]),
                    node("nodeB", &[("region", "r1"), ("hostname", "nodeB")]),
                ],
                want: Some(vec![U, U]),
            },
            FilterCase {
                name: "This test ensures that anti-affinity matches a pod when any term of the anti-affinity rule matches a pod.",
                pod: p().affinity(Aff::AntiRequired, t_in("foo", "region", &["abc"]))
                    .affinity(Aff::AntiRequired, t_in("service", "zone", &["securityscan"]))
                    .obj(),
                pods: vec![MakePod::new("e").node("nodeA").labels(&[("foo", "abc"), ("service", "securityscan")]).obj()],
                nodes: vec![rz("nodeA", "r1", "z1"), rz("nodeB", "r1", "z2")],
                want: Some(vec![U, U]),
            },
            FilterCase {
                name: "NodeA and nodeB have same topologyKey and label value. NodeA has an existing pod that matches the inter pod affinity rule. The pod can not be scheduled onto nodeA and nodeB but can be scheduled onto nodeC",
                pod: p().affinity(Aff::AntiRequired, t_in("foo", "region", &["abc"])).obj(),
                pods: vec![MakePod::new("e").node("nodeA").label("foo", "abc").obj()],
                nodes: vec![node("nodeA", &china), node("nodeB", &china_az1), node("nodeC", &india)],
                want: Some(vec![U, U, OK]),
            },
            FilterCase {
                name: "NodeA and nodeB have same topologyKey and label value. NodeA has an existing pod that matches the inter pod affinity rule. The pod can not be scheduled onto nodeA, nodeB, but can be scheduled onto nodeC (NodeC has an existing pod that match the inter pod affinity rule but in different namespace)",
                pod: p().namespace("NS1").label("foo", "123").affinity(Aff::AntiRequired, t_in("foo", "region", &["bar"])).obj(),
                pods: vec![
                    MakePod::new("e1").node("nodeA").namespace("NS1").label("foo", "bar").obj(),
                    MakePod::new("e2").node("nodeC").namespace("NS2").affinity(Aff::AntiRequired, t_in("foo", "region", &["123"])).obj(),
                ],
                nodes: vec![node("nodeA", &china), node("nodeB", &china_az1), node("nodeC", &india)],
                want: Some(vec![U, U, OK]),
            },
            FilterCase {
                name: "Test existing pod's anti-affinity: if an existing pod has a term with invalid topologyKey, labelSelector of the term is firstly checked, and then topologyKey of the term is also checked",
                pod: p().label("foo", "").obj(),
                pods: vec![MakePod::new("e").node("nodeA").affinity(Aff::AntiRequired, t_exists("foo", "invalid-node-label")).obj()],
                nodes: vec![rz("nodeA", "r1", "z1"), rz("nodeB", "r1", "z1")],
                want: None,
            },
            FilterCase {
                name: "Test incoming pod's anti-affinity: even if labelSelector matches, we still check if topologyKey matches",
                pod: p().node("nodeA").affinity(Aff::AntiRequired, t_exists("foo", "invalid-node-label")).obj(),
                pods: vec![MakePod::new("e").node("nodeA").label("foo", "").obj()],
                nodes: vec![rz("nodeA", "r1", "z1"), rz("nodeB", "r1", "z1")],
                want: Some(vec![OK, OK]),
            },
            FilterCase {
                name: "Test existing pod's anti-affinity: incoming pod wouldn't considered as a fit as it violates each existingPod's terms on all nodes",
                pod: p().labels(&[("foo", ""), ("bar", "")]).obj(),
                pods: vec![
                    MakePod::new("e1").node("nodeA").affinity(Aff::AntiRequired, t_exists("foo", "zone")).obj(),
                    MakePod::new("e2").node("nodeA").affinity(Aff::AntiRequired, t_exists("bar", "region")).obj(),
                ],
                nodes: vec![rz("nodeA", "r1", "z1"), rz("nodeB", "r1", "z2")],
                want: Some(vec![U, U]),
            },
            FilterCase {
                name: "Test incoming pod's anti-affinity: incoming pod wouldn't considered as a fit as it at least violates one anti-affinity rule of existingPod",
                pod: p().affinity(Aff::AntiRequired, t_exists("foo", "zone"))
                    .affinity(Aff::AntiRequired, t_exists("bar", "region"))
                    .obj(),
                pods: vec![
                    MakePod::new("e1").node("nodeA").label("foo", "").obj(),
                    MakePod::new("e2").node("nodeB").label("bar", "").obj(),
                ],
                nodes: vec![rz("nodeA", "r1", "z1"), rz("nodeB", "r1", "z2")],
                want: Some(vec![U, U]),
            },
            FilterCase {
                name: "Test existing pod's anti-affinity: only when labelSelector and topologyKey both match, it's counted as a single term match - case when one term has invalid topologyKey",
                pod: p().labels(&[("foo", ""), ("bar", "")]).obj(),
                pods: vec![MakePod::new("e")
                    .node("nodeA")
                    .affinity(Aff::AntiRequired, t_exists("foo", "invalid-node-label"))
                    .affinity(Aff::AntiRequired, t_exists("bar", "zone"))
                    .obj()],
                nodes: vec![rz("nodeA", "r1", "z1"), rz("nodeB", "r1", "z2")],
                want: Some(vec![U, OK]),
            },
            FilterCase {
                name: "Test incoming pod's anti-affinity: only when labelSelector and topologyKey both match, it's counted as a single term match - case when one term has invalid topologyKey",
                pod: p().affinity(Aff::AntiRequired, t_exists("foo", "invalid-node-label"))
                    .affinity(Aff::AntiRequired, t_exists("bar", "zone"))
                    .obj(),
                pods: vec![MakePod::new("podA").node("nodeA").labels(&[("foo", ""), ("bar", "")]).obj()],
                nodes: vec![rz("nodeA", "r1", "z1"), rz("nodeB", "r1", "z2")],
                want: Some(vec![U, OK]),
            },
            FilterCase {
                name: "Test existing pod's anti-affinity: only when labelSelector and topologyKey both match, it's counted as a single term match - case when all terms have valid topologyKey",
                pod: p().labels(&[("foo", ""), ("bar", "")]).obj(),
                pods: vec![MakePod::new("e")
                    .node("nodeA")
                    .affinity(Aff::AntiRequired, t_exists("foo", "region"))
                    .affinity(Aff::AntiRequired, t_exists("bar", "zone"))
                    .obj()],
                nodes: vec![rz("nodeA", "r1", "z1"), rz("nodeB", "r1", "z2")],
                want: Some(vec![U, U]),
            },
            FilterCase {
                name: "Test incoming pod's anti-affinity: only when labelSelector and topologyKey both match, it's counted as a single term match - case when all terms have valid topologyKey",
                pod: p().affinity(Aff::AntiRequired, t_exists("foo", "region"))
                    .affinity(Aff::AntiRequired, t_exists("bar", "zone"))
                    .obj(),
                pods: vec![MakePod::new("e").node("nodeA").labels(&[("foo", ""), ("bar", "")]).obj()],
                nodes: vec![rz("nodeA", "r1", "z1"), rz("nodeB", "r1", "z2")],
                want: Some(vec![U, U]),
            },
            FilterCase {
                name: "Test existing pod's anti-affinity: existingPod on nodeA and nodeB has at least one anti-affinity term matches incoming pod, so incoming pod can only be scheduled to nodeC",
                pod: p().labels(&[("foo", ""), ("bar", "")]).obj(),
                pods: vec![
                    MakePod::new("e1")
                        .node("nodeA")
                        .affinity(Aff::AntiRequired, t_exists("foo", "zone"))
                        .affinity(Aff::AntiRequired, t_exists("labelA", "zone"))
                        .obj(),
                    MakePod::new("e2")
                        .node("nodeB")
                        .affinity(Aff::AntiRequired, t_exists("bar", "zone"))
                        .affinity(Aff::AntiRequired, t_exists("labelB", "zone"))
                        .obj(),
                ],
                nodes: vec![rz("nodeA", "r1", "z1"), rz("nodeB", "r1", "z2"), rz("nodeC", "r1", "z3")],
                want: Some(vec![U, U, OK]),
            },
            FilterCase {
                name: "Test incoming pod's affinity: firstly check if all affinityTerms match, and then check if all topologyKeys match",
                pod: p().affinity(Aff::Required, t_exists("foo", "region"))
                    .affinity(Aff::Required, t_exists("bar", "zone"))
                    .obj(),
                pods: vec![MakePod::new("pod1").labels(&[("foo", ""), ("bar", "")]).node("nodeA").obj()],
                nodes: vec![rz("nodeA", "r1", "z1"), rz("nodeB", "r1", "z1")],
                want: Some(vec![OK, OK]),
            },
            FilterCase {
                name: "Test incoming pod's affinity: firstly check if all affinityTerms match, and then check if all topologyKeys match, and the match logic should be satisfied on the same pod",
                pod: p().affinity(Aff::Required, t_exists("foo", "region"))
                    .affinity(Aff::Required, t_exists("bar", "zone"))
                    .obj(),
                pods: vec![
                    MakePod::new("pod1").node("nodeA").label("foo", "").obj(),
                    MakePod::new("pod2").node("nodeB").label("bar", "").obj(),
                ],
                nodes: vec![rz("nodeA", "r1", "z1"), rz("nodeB", "r1", "z2")],
                want: Some(vec![UU, UU]),
            },
        ];
        run_filter_cases(cases);
    }

    // filtering_test.go: TestPreFilterDisabled.
    #[test]
    fn filter_without_pre_filter_state_is_an_error() {
        let got = plugin(1, false).filter(&CycleState::new(), &MakePod::new("p").obj(), &node1());
        assert_eq!(
            got,
            Status::error("error reading \"PreFilterInterPodAffinity\" from cycleState: not found")
        );
    }

    fn counts(c: &TopologyCounts) -> Vec<(String, String, i64)> {
        let mut v: Vec<(String, String, i64)> =
            c.0.iter()
                .flat_map(|(k, m)| {
                    m.iter()
                        .map(move |(v, n)| (k.to_string(), v.to_string(), *n))
                })
                .collect();
        v.sort();
        v
    }
    fn want(w: &[(&str, &str, i64)]) -> Vec<(String, String, i64)> {
        let mut v: Vec<(String, String, i64)> = w
            .iter()
            .map(|(k, v, n)| (k.to_string(), v.to_string(), *n))
            .collect();
        v.sort();
        v
    }

    // filtering_test.go: TestPreFilterStateAddRemovePod: adding the pod to the state of the
    // others gives the state of all; removing it again gives the original.
    #[test]
    fn pre_filter_state_add_remove_pod() {
        let anti_foo_bar = || t_in("foo", "region", &["bar"]);
        let complex = || {
            vec![
                t_in("foo", "region", &["bar", "buzz"]),
                t_not_in("service", "zone", &["bar", "security", "test"]),
            ]
        };
        let with = |mut p: MakePod, which: Aff, terms: Vec<Value>| {
            for t in terms {
                p = p.affinity(which, t);
            }
            p
        };
        let nodes = || {
            vec![
                node("nodeA", &[("region", "r1"), ("zone", "z11")]),
                node("nodeB", &[("region", "r1"), ("zone", "z12")]),
                node("nodeC", &[("region", "r2"), ("zone", "z21")]),
            ]
        };
        let name = "preFilterState anti-affinity terms are updated correctly after adding and removing a pod";
        type Case = (
            &'static str,
            Arc<PodInfo>,
            Vec<Arc<PodInfo>>,
            Arc<PodInfo>,
            Vec<(&'static str, &'static str, i64)>,
            Vec<(&'static str, &'static str, i64)>,
        );
        let cases: Vec<Case> = vec![
            (
                name,
                MakePod::new("pending").label("foo", "bar").affinity(Aff::AntiRequired, anti_foo_bar()).obj(),
                vec![
                    MakePod::new("p1").label("foo", "bar").node("nodeA").obj(),
                    MakePod::new("p2").node("nodeC").affinity(Aff::AntiRequired, anti_foo_bar()).obj(),
                ],
                MakePod::new("addedPod").label("foo", "bar").node("nodeB").affinity(Aff::AntiRequired, anti_foo_bar()).obj(),
                vec![("region", "r1", 2)],
                vec![],
            ),
            (
                name,
                with(MakePod::new("pending").label("foo", "bar"), Aff::AntiRequired, complex()).obj(),
                vec![
                    MakePod::new("p1").label("foo", "bar").node("nodeA").obj(),
                    MakePod::new("p2").node("nodeC").affinity(Aff::AntiRequired, anti_foo_bar()).obj(),
                ],
                with(MakePod::new("addedPod").label("foo", "bar").node("nodeA"), Aff::AntiRequired, complex()).obj(),
                vec![("region", "r1", 2), ("zone", "z11", 2), ("zone", "z21", 1)],
                vec![],
            ),
            (
                "preFilterState matching pod affinity and anti-affinity are updated correctly after adding and removing a pod",
                with(MakePod::new("pending").label("foo", "bar"), Aff::Required, complex()).obj(),
                vec![
                    MakePod::new("p1").label("foo", "bar").node("nodeA").obj(),
                    with(
                        MakePod::new("p2").node("nodeC").affinity(Aff::AntiRequired, anti_foo_bar()),
                        Aff::Required,
                        complex(),
                    )
                    .obj(),
                ],
                with(MakePod::new("addedPod").label("foo", "bar").node("nodeA"), Aff::AntiRequired, complex()).obj(),
                vec![],
                vec![("region", "r1", 2), ("zone", "z11", 2)],
            ),
        ];
        for (name, pending, existing, added, want_anti, want_affinity) in cases {
            let pl = plugin(1, false);
            let state_of = |pods: &[Arc<PodInfo>]| {
                let snap = snapshot(nodes(), pods);
                let mut state = CycleState::new();
                let (_, status) = pl.pre_filter(&mut state, &pending, &snap);
                assert!(status.is_success(), "{name}: {status:?}");
                (state, snap)
            };
            let mut all = existing.clone();
            all.push(added.clone());
            let (all_state, _) = state_of(&all);
            let all_state = all_state
                .read::<PreFilterState>(PRE_FILTER_STATE_KEY)
                .unwrap()
                .clone();
            let (mut state, snap) = state_of(&existing);
            let original = state
                .read::<PreFilterState>(PRE_FILTER_STATE_KEY)
                .unwrap()
                .clone();
            let node = snap.get(added.spec().node_name.as_str()).unwrap();
            assert!(pl.add_pod(&mut state, &pending, &added, node).is_success());
            let s = state.read::<PreFilterState>(PRE_FILTER_STATE_KEY).unwrap();
            assert_eq!(
                counts(&s.anti_affinity_counts),
                want(&want_anti),
                "{name}: anti"
            );
            assert_eq!(
                counts(&s.affinity_counts),
                want(&want_affinity),
                "{name}: affinity"
            );
            for (got, all) in [
                (&s.anti_affinity_counts, &all_state.anti_affinity_counts),
                (&s.affinity_counts, &all_state.affinity_counts),
                (
                    &s.existing_anti_affinity_counts,
                    &all_state.existing_anti_affinity_counts,
                ),
            ] {
                assert_eq!(
                    counts(got),
                    counts(all),
                    "{name}: add = prefilter with all pods"
                );
            }
            assert!(pl
                .remove_pod(&mut state, &pending, &added, node)
                .is_success());
            let s = state.read::<PreFilterState>(PRE_FILTER_STATE_KEY).unwrap();
            for (got, orig) in [
                (&s.anti_affinity_counts, &original.anti_affinity_counts),
                (&s.affinity_counts, &original.affinity_counts),
                (
                    &s.existing_anti_affinity_counts,
                    &original.existing_anti_affinity_counts,
                ),
            ] {
                assert_eq!(counts(got), counts(orig), "{name}: remove = original");
            }
        }
    }

    // filtering_test.go: TestGetTPMapMatchingIncomingAffinityAntiAffinity, through PreFilter's
    // state (a Skip means both maps are empty).
    #[test]
    fn incoming_affinity_anti_affinity_counts() {
        let normal = |labels: &[&str]| {
            let mut p = MakePod::new("normal").node("nodeA");
            for l in labels {
                p = p.label(l, "");
            }
            p.obj()
        };
        let aff = |p: MakePod, a: &[&str], anti: &[&str]| {
            let mut p = p;
            for k in a {
                p = p.affinity(Aff::Required, t_exists(k, "hostname"));
            }
            for k in anti {
                p = p.affinity(Aff::AntiRequired, t_exists(k, "hostname"));
            }
            p.obj()
        };
        let h = [("hostname", "nodeA", 1)];
        let h2 = [("hostname", "nodeA", 2)];
        type Case<'a> = (
            &'a str,
            Vec<Arc<PodInfo>>,
            Arc<PodInfo>,
            &'a [(&'a str, &'a str, i64)],
            &'a [(&'a str, &'a str, i64)],
        );
        let cases: Vec<Case> = vec![
            ("nil test", vec![], MakePod::new("aaa-normal").obj(), &[], &[]),
            (
                "incoming pod without affinity/anti-affinity causes a no-op",
                vec![normal(&["aaa"])],
                MakePod::new("aaa-normal").obj(),
                &[],
                &[],
            ),
            (
                "no pod has label that violates incoming pod's affinity and anti-affinity",
                vec![normal(&["bbb"])],
                aff(MakePod::new("aaa-anti"), &["aaa"], &["aaa"]),
                &[],
                &[],
            ),
            (
                "existing pod matches incoming pod's affinity and anti-affinity - single term case",
                vec![normal(&["aaa"])],
                aff(MakePod::new("affi-antiaffi"), &["aaa"], &["aaa"]),
                &h,
                &h,
            ),
            (
                "existing pod matches incoming pod's affinity and anti-affinity - multiple terms case",
                vec![normal(&["aaa", "bbb"])],
                aff(MakePod::new("affi-antiaffi"), &["aaa", "bbb"], &["aaa"]),
                &h2,
                &h,
            ),
            (
                "existing pod not match incoming pod's affinity but matches anti-affinity",
                vec![normal(&["aaa"])],
                aff(MakePod::new("affi-antiaffi"), &["aaa", "bbb"], &["aaa", "bbb"]),
                &[],
                &h,
            ),
            (
                "incoming pod's anti-affinity has more than one term - existing pod violates partial term - case 1",
                vec![normal(&["aaa", "bbb"])],
                aff(MakePod::new("anaffi-antiaffiti"), &["aaa", "ccc"], &["aaa", "ccc"]),
                &[],
                &h,
            ),
            (
                "incoming pod's anti-affinity has more than one term - existing pod violates partial term - case 2",
                vec![normal(&["bbb"])],
                aff(MakePod::new("affi-antiaffi"), &["aaa", "bbb"], &["aaa", "bbb"]),
                &[],
                &h,
            ),
        ];
        for (name, existing, pod, want_affinity, want_anti) in cases {
            let pl = plugin(1, false);
            let snap = snapshot(vec![node("nodeA", &[("hostname", "nodeA")])], &existing);
            let mut state = CycleState::new();
            let (_, status) = pl.pre_filter(&mut state, &pod, &snap);
            if status.is_skip() {
                assert!(want_affinity.is_empty() && want_anti.is_empty(), "{name}");
                continue;
            }
            let s = state.read::<PreFilterState>(PRE_FILTER_STATE_KEY).unwrap();
            assert_eq!(
                counts(&s.affinity_counts),
                want(want_affinity),
                "{name}: affinity"
            );
            assert_eq!(
                counts(&s.anti_affinity_counts),
                want(want_anti),
                "{name}: anti"
            );
        }
    }

    /// Adds one of the named affinities of upstream's scoring tests.
    fn with_affinity(p: MakePod, name: &str) -> MakePod {
        let ns_term = || {
            let mut t = t_in("security", "region", &["S1"]);
            t["namespaces"] = json!(["subteam2.team2"]);
            t["namespaceSelector"] = team_selector("team1");
            t
        };
        match name {
            "stayWithS1InRegion" => {
                p.affinity(Aff::Preferred(5), t_in("security", "region", &["S1"]))
            }
            "stayWithS2InRegion" => {
                p.affinity(Aff::Preferred(6), t_in("security", "region", &["S2"]))
            }
            "affinity3" => p
                .affinity(
                    Aff::Preferred(8),
                    t_exprs(
                        &[("security", "NotIn", &["S1"]), ("security", "In", &["S2"])],
                        "region",
                    ),
                )
                .affinity(
                    Aff::Preferred(2),
                    t_exprs(
                        &[
                            ("security", "Exists", &[]),
                            ("wrongkey", "DoesNotExist", &[]),
                        ],
                        "region",
                    ),
                ),
            "hardAffinity" => p
                .affinity(Aff::Required, t_in("security", "region", &["S1", "value2"]))
                .affinity(
                    Aff::Required,
                    t_exprs(
                        &[
                            ("security", "Exists", &[]),
                            ("wrongkey", "DoesNotExist", &[]),
                        ],
                        "region",
                    ),
                ),
            "awayFromS1InAz" => p.affinity(Aff::AntiPreferred(5), t_in("security", "az", &["S1"])),
            "awayFromS2InAz" => p.affinity(Aff::AntiPreferred(5), t_in("security", "az", &["S2"])),
            "stayWithS1InRegionAwayFromS2InAz" => p
                .affinity(Aff::Preferred(8), t_in("security", "region", &["S1"]))
                .affinity(Aff::AntiPreferred(5), t_in("security", "az", &["S2"])),
            "affinityNamespaceSelector" => p.affinity(Aff::Preferred(5), ns_term()),
            "antiAffinityNamespaceSelector" => p.affinity(Aff::AntiPreferred(5), ns_term()),
            other => panic!("no affinity {other}"),
        }
    }

    struct ScoreCase {
        name: &'static str,
        pod: Arc<PodInfo>,
        pods: Vec<Arc<PodInfo>>,
        nodes: Vec<NodeInfo>,
        /// None: PreScore returns Skip.
        want: Option<Vec<i64>>,
    }

    fn run_score_cases(pl: &InterPodAffinity, cases: Vec<ScoreCase>) {
        for c in cases {
            let mut snap = snapshot(c.nodes, &c.pods);
            snap.listers.namespaces = namespaces();
            let nodes: Vec<&NodeInfo> = snap.nodes.iter().collect();
            let mut state = CycleState::new();
            let status = pl.pre_score(&mut state, &c.pod, &nodes, &snap);
            let Some(want) = c.want else {
                assert!(status.is_skip(), "{}: want Skip, got {status:?}", c.name);
                continue;
            };
            assert!(status.is_success(), "{}: {status:?}", c.name);
            let mut scores: Vec<i64> = nodes
                .iter()
                .map(|n| pl.score(&state, &c.pod, n).expect("score"))
                .collect();
            let status = pl.normalize_score(&state, &c.pod, &mut scores);
            assert!(status.is_some_and(|s| s.is_success()), "{}", c.name);
            assert_eq!(scores, want, "{}", c.name);
        }
    }

    // scoring_test.go: TestPreferredAffinity (hardPodAffinityWeight 1).
    #[test]
    fn preferred_affinity() {
        let china = || [("region", "China")];
        let n = |name: &str, labels: &[(&str, &str)]| node(name, labels);
        let rg = |name: &str, region: &str| n(name, &[("region", region)]);
        let az = |name: &str, az: &str| n(name, &[("az", az)]);
        let sec = |name: &str, node: &str, s: &str| {
            MakePod::new(name).node(node).label("security", s).obj()
        };
        let sec_ns = |name: &str, node: &str, ns: &str| {
            MakePod::new(name)
                .node(node)
                .namespace(ns)
                .label("security", "S1")
                .obj()
        };
        let incoming = |labels: Option<&str>, affinity: Option<&str>| {
            let mut p = MakePod::new("p");
            if let Some(s) = labels {
                p = p.label("security", s);
            }
            if let Some(a) = affinity {
                p = with_affinity(p, a);
            }
            p.obj()
        };
        let existing_with = |name: &str, node: &str, s: Option<&str>, a: &str| {
            let mut p = MakePod::new(name).node(node);
            if let Some(s) = s {
                p = p.label("security", s);
            }
            with_affinity(p, a).obj()
        };
        let nodes_cia = || {
            vec![
                rg("node1", "China"),
                rg("node2", "India"),
                az("node3", "az1"),
            ]
        };
        let cases = vec![
            ScoreCase {
                name: "all nodes are same priority as Affinity is nil",
                pod: incoming(Some("S1"), None),
                pods: vec![],
                nodes: nodes_cia(),
                want: None,
            },
            ScoreCase {
                name: "Affinity: pod that matches topology key & pods in nodes will get high score comparing to otherswhich doesn't match either pods in nodes or in topology key",
                pod: incoming(Some("S1"), Some("stayWithS1InRegion")),
                pods: vec![sec("e1", "node1", "S1"), sec("e2", "node2", "S2"), sec("e3", "node3", "S1")],
                nodes: nodes_cia(),
                want: Some(vec![100, 0, 0]),
            },
            ScoreCase {
                name: "All the nodes that have the same topology key & label value with one of them has an existing pod that match the affinity rules, have the same score",
                pod: incoming(None, Some("stayWithS1InRegion")),
                pods: vec![sec("e1", "node1", "S1")],
                nodes: vec![rg("node1", "China"), n("node2", &[("region", "China"), ("az", "az1")]), rg("node3", "India")],
                want: Some(vec![100, 100, 0]),
            },
            ScoreCase {
                name: "Affinity: nodes in one region has more matching pods comparing to other region, so the region which has more matches will get high score",
                pod: incoming(Some("S1"), Some("stayWithS2InRegion")),
                pods: vec![
                    sec("e1", "node1", "S2"),
                    sec("e2", "node1", "S2"),
                    sec("e3", "node2", "S2"),
                    sec("e4", "node3", "S2"),
                    sec("e5", "node4", "S2"),
                    sec("e6", "node5", "S2"),
                ],
                nodes: vec![
                    rg("node1", "China"),
                    rg("node2", "India"),
                    rg("node3", "China"),
                    rg("node4", "China"),
                    rg("node5", "India"),
                ],
                want: Some(vec![100, 0, 100, 100, 0]),
            },
            ScoreCase {
                name: "Affinity: different Label operators and values for pod affinity scheduling preference, including some match failures ",
                pod: incoming(Some("S1"), Some("affinity3")),
                pods: vec![sec("e1", "node1", "S1"), sec("e2", "node2", "S2"), sec("e3", "node3", "S1")],
                nodes: nodes_cia(),
                want: Some(vec![20, 100, 0]),
            },
            ScoreCase {
                name: "Affinity symmetry: considered only the preferredDuringSchedulingIgnoredDuringExecution in pod affinity symmetry",
                pod: incoming(Some("S2"), None),
                pods: vec![
                    existing_with("e1", "node1", Some("S1"), "stayWithS1InRegion"),
                    existing_with("e2", "node2", Some("S2"), "stayWithS2InRegion"),
                ],
                nodes: nodes_cia(),
                want: Some(vec![0, 100, 0]),
            },
            ScoreCase {
                name: "Affinity symmetry with namespace selector",
                pod: MakePod::new("p").namespace("subteam1.team1").label("security", "S1").obj(),
                pods: vec![
                    existing_with("e1", "node1", Some("S1"), "affinityNamespaceSelector"),
                    existing_with("e2", "node2", Some("S2"), "stayWithS2InRegion"),
                ],
                nodes: nodes_cia(),
                want: Some(vec![100, 0, 0]),
            },
            ScoreCase {
                name: "AntiAffinity symmetry with namespace selector",
                pod: MakePod::new("p").namespace("subteam1.team1").label("security", "S1").obj(),
                pods: vec![
                    existing_with("e1", "node1", Some("S1"), "antiAffinityNamespaceSelector"),
                    existing_with("e2", "node2", Some("S2"), "stayWithS2InRegion"),
                ],
                nodes: nodes_cia(),
                want: Some(vec![0, 100, 100]),
            },
            ScoreCase {
                name: "Affinity symmetry: considered RequiredDuringSchedulingIgnoredDuringExecution in pod affinity symmetry",
                pod: incoming(Some("S1"), None),
                pods: vec![
                    existing_with("e1", "node1", Some("S1"), "hardAffinity"),
                    existing_with("e2", "node2", Some("S2"), "hardAffinity"),
                ],
                nodes: nodes_cia(),
                want: Some(vec![100, 100, 0]),
            },
            ScoreCase {
                name: "Anti Affinity: pod that does not match existing pods in node will get high score ",
                pod: incoming(Some("S1"), Some("awayFromS1InAz")),
                pods: vec![sec("e1", "node1", "S1"), sec("e2", "node2", "S2")],
                nodes: vec![az("node1", "az1"), n("node2", &china())],
                want: Some(vec![0, 100]),
            },
            ScoreCase {
                name: "Anti Affinity: pod that does not match topology key & match the pods in nodes will get higher score comparing to others ",
                pod: incoming(Some("S1"), Some("awayFromS1InAz")),
                pods: vec![sec("e1", "node1", "S1"), sec("e2", "node2", "S1")],
                nodes: vec![az("node1", "az1"), n("node2", &china())],
                want: Some(vec![0, 100]),
            },
            ScoreCase {
                name: "Anti Affinity: one node has more matching pods comparing to other node, so the node which has more unmatches will get high score",
                pod: incoming(Some("S1"), Some("awayFromS1InAz")),
                pods: vec![sec("e1", "node1", "S1"), sec("e2", "node1", "S1"), sec("e3", "node2", "S2")],
                nodes: vec![az("node1", "az1"), rg("node2", "India")],
                want: Some(vec![0, 100]),
            },
            ScoreCase {
                name: "Anti Affinity symmetry: the existing pods in node which has anti affinity match will get high score",
                pod: incoming(Some("S2"), None),
                pods: vec![
                    existing_with("e1", "node1", Some("S1"), "awayFromS2InAz"),
                    existing_with("e2", "node2", Some("S2"), "awayFromS1InAz"),
                ],
                nodes: vec![az("node1", "az1"), az("node2", "az2")],
                want: Some(vec![0, 100]),
            },
            ScoreCase {
                name: "Affinity and Anti Affinity: considered only preferredDuringSchedulingIgnoredDuringExecution in both pod affinity & anti affinity",
                pod: incoming(Some("S1"), Some("stayWithS1InRegionAwayFromS2InAz")),
                pods: vec![sec("e1", "node1", "S1"), sec("e2", "node2", "S1")],
                nodes: vec![rg("node1", "China"), az("node2", "az1")],
                want: Some(vec![100, 0]),
            },
            ScoreCase {
                name: "Affinity and Anti Affinity: considering both affinity and anti-affinity, the pod to schedule and existing pods have the same labels",
                pod: incoming(Some("S1"), Some("stayWithS1InRegionAwayFromS2InAz")),
                pods: vec![
                    sec("e1", "node1", "S1"),
                    sec("e2", "node1", "S1"),
                    sec("e3", "node2", "S1"),
                    sec("e4", "node3", "S1"),
                    sec("e5", "node3", "S1"),
                    sec("e6", "node4", "S1"),
                    sec("e7", "node5", "S1"),
                ],
                nodes: vec![
                    n("node1", &[("region", "China"), ("az", "az1")]),
                    rg("node2", "India"),
                    rg("node3", "China"),
                    rg("node4", "China"),
                    rg("node5", "India"),
                ],
                want: Some(vec![100, 0, 100, 100, 0]),
            },
            ScoreCase {
                name: "Affinity and Anti Affinity and symmetry: considered only preferredDuringSchedulingIgnoredDuringExecution in both pod affinity & anti affinity & symmetry",
                pod: incoming(Some("S1"), Some("stayWithS1InRegionAwayFromS2InAz")),
                pods: vec![
                    sec("e1", "node1", "S1"),
                    sec("e2", "node2", "S2"),
                    existing_with("e3", "node3", None, "stayWithS1InRegionAwayFromS2InAz"),
                    existing_with("e4", "node4", None, "awayFromS1InAz"),
                ],
                nodes: vec![rg("node1", "China"), az("node2", "az1"), rg("node3", "India"), az("node4", "az2")],
                want: Some(vec![100, 0, 100, 0]),
            },
            ScoreCase {
                name: "Avoid panic when partial nodes in a topology don't have pods with affinity",
                pod: incoming(Some("S1"), None),
                pods: vec![
                    sec("e1", "node1", "S1"),
                    existing_with("e2", "node2", None, "stayWithS1InRegionAwayFromS2InAz"),
                ],
                nodes: vec![rg("node1", "China"), rg("node2", "China")],
                want: Some(vec![0, 0]),
            },
            ScoreCase {
                name: "Affinity with pods matching NamespaceSelector",
                pod: with_affinity(MakePod::new("p").namespace("subteam1.team1").label("security", "S1"), "affinityNamespaceSelector").obj(),
                pods: vec![
                    sec_ns("e1", "node1", "subteam1.team1"),
                    sec_ns("e2", "node1", "subteam1.team1"),
                    sec_ns("e3", "node1", "subteam1.team2"),
                    sec_ns("e4", "node2", "subteam2.team1"),
                ],
                nodes: vec![rg("node1", "China"), rg("node2", "India")],
                want: Some(vec![100, 0]),
            },
            ScoreCase {
                name: "Affinity with pods matching both NamespaceSelector and Namespaces fields",
                pod: with_affinity(MakePod::new("p").namespace("subteam1.team1").label("security", "S1"), "affinityNamespaceSelector").obj(),
                pods: vec![
                    sec_ns("e1", "node1", "subteam1.team1"),
                    sec_ns("e2", "node1", "subteam1.team1"),
                    sec_ns("e3", "node1", "subteam2.team2"),
                    sec_ns("e4", "node2", "subteam2.team1"),
                ],
                nodes: vec![rg("node1", "China"), rg("node2", "India")],
                want: Some(vec![100, 0]),
            },
            ScoreCase {
                name: "Affinity with pods matching NamespaceSelector",
                pod: with_affinity(MakePod::new("p").namespace("subteam1.team1").label("security", "S1"), "antiAffinityNamespaceSelector").obj(),
                pods: vec![
                    sec_ns("e1", "node1", "subteam1.team1"),
                    sec_ns("e2", "node1", "subteam1.team1"),
                    sec_ns("e3", "node1", "subteam1.team2"),
                    sec_ns("e4", "node2", "subteam2.team1"),
                ],
                nodes: vec![rg("node1", "China"), rg("node2", "India")],
                want: Some(vec![0, 100]),
            },
            ScoreCase {
                name: "Affinity with pods matching both NamespaceSelector and Namespaces fields",
                pod: with_affinity(MakePod::new("p").namespace("subteam1.team1").label("security", "S1"), "antiAffinityNamespaceSelector").obj(),
                pods: vec![
                    sec_ns("e1", "node1", "subteam1.team1"),
                    sec_ns("e2", "node1", "subteam1.team1"),
                    sec_ns("e3", "node1", "subteam2.team2"),
                    sec_ns("e4", "node2", "subteam2.team1"),
                ],
                nodes: vec![rg("node1", "China"), rg("node2", "India")],
                want: Some(vec![0, 100]),
            },
            ScoreCase {
                name: "Do not ignore preferred terms of existing pods",
                pod: incoming(Some("S2"), None),
                pods: vec![
                    existing_with("e1", "node1", Some("S1"), "stayWithS1InRegionAwayFromS2InAz"),
                    existing_with("e2", "node2", Some("S2"), "stayWithS2InRegion"),
                ],
                nodes: vec![rg("node1", "China"), rg("node2", "India")],
                want: Some(vec![0, 100]),
            },
            ScoreCase {
                name: "No nodes to score",
                pod: incoming(Some("S2"), None),
                pods: vec![],
                nodes: vec![],
                want: None,
            },
        ];
        run_score_cases(&plugin(1, false), cases);
        run_score_cases(
            &plugin(1, true),
            vec![ScoreCase {
                name: "Ignore preferred terms of existing pods",
                pod: incoming(Some("S2"), None),
                pods: vec![
                    existing_with(
                        "e1",
                        "node1",
                        Some("S1"),
                        "stayWithS1InRegionAwayFromS2InAz",
                    ),
                    existing_with("e2", "node2", Some("S2"), "stayWithS2InRegion"),
                ],
                nodes: vec![rg("node1", "China"), rg("node2", "India")],
                want: None,
            }],
        );
    }

    // scoring_test.go: TestPreferredAffinityWithHardPodAffinitySymmetricWeight.
    #[test]
    fn preferred_affinity_with_hard_pod_affinity_symmetric_weight() {
        let hard = || {
            let mut t = t_in("service", "region", &["S1"]);
            // Upstream's "" is the namespace of its namespace-less pods.
            t["namespaces"] = json!(["default", "subteam2.team2"]);
            t["namespaceSelector"] = team_selector("team1");
            t
        };
        let existing = || {
            vec![
                MakePod::new("e1")
                    .node("node1")
                    .affinity(Aff::Required, hard())
                    .obj(),
                MakePod::new("e2")
                    .node("node2")
                    .affinity(Aff::Required, hard())
                    .obj(),
            ]
        };
        let nodes = || {
            vec![
                node("node1", &[("region", "China")]),
                node("node2", &[("region", "India")]),
                node("node3", &[("az", "az1")]),
            ]
        };
        let pod = |ns: &str| MakePod::new("p").namespace(ns).label("service", "S1").obj();
        type Case<'a> = (&'a str, i32, Arc<PodInfo>, Option<Vec<i64>>);
        let cases: Vec<Case> = vec![
            (
                "with default weight",
                DEFAULT_HARD_POD_AFFINITY_WEIGHT,
                pod("default"),
                Some(vec![100, 100, 0]),
            ),
            ("with zero weight", 0, pod("default"), None),
            ("with no matching namespace", 1, pod("subteam1.team2"), None),
            (
                "with matching NamespaceSelector",
                1,
                pod("subteam1.team1"),
                Some(vec![100, 100, 0]),
            ),
            (
                "with matching Namespaces",
                1,
                pod("subteam2.team2"),
                Some(vec![100, 100, 0]),
            ),
        ];
        for (name, weight, pod, want) in cases {
            run_score_cases(
                &plugin(weight, false),
                vec![ScoreCase {
                    name,
                    pod,
                    pods: existing(),
                    nodes: nodes(),
                    want,
                }],
            );
        }
    }

    // Ours: a pod without affinity on a cluster where no pod has (required anti-)affinity costs
    // nothing per node: both PreFilter and PreScore skip.
    #[test]
    fn pods_without_affinity_skip_filter_and_score() {
        let pl = plugin(1, false);
        let snap = snapshot(
            vec![node("n1", &[("zone", "a")]), node("n2", &[("zone", "b")])],
            &[
                MakePod::new("e1").node("n1").label("app", "web").obj(),
                // Preferred anti-affinity only: no required term for PreFilter to count.
                MakePod::new("e2")
                    .node("n2")
                    .affinity(Aff::AntiPreferred(3), t_exists("db", "zone"))
                    .obj(),
            ],
        );
        let pod = MakePod::new("p").label("app", "web").obj();
        let mut state = CycleState::new();
        assert!(pl.pre_filter(&mut state, &pod, &snap).1.is_skip());
        let nodes: Vec<&NodeInfo> = snap.nodes.iter().collect();
        // e2's preferred term does not match the pod: nothing to score.
        assert!(pl.pre_score(&mut state, &pod, &nodes, &snap).is_skip());
        let mut state = CycleState::new();
        let empty = snapshot(vec![node("n1", &[("zone", "a")])], &[]);
        let nodes: Vec<&NodeInfo> = empty.nodes.iter().collect();
        assert!(pl.pre_score(&mut state, &pod, &nodes, &empty).is_skip());
    }

    // Ours: matchLabelKeys / mismatchLabelKeys are applied to both the incoming pod's terms and
    // existing pods' terms (the API server's merge, which the simulated one does not do).
    #[test]
    fn match_label_keys_restrict_terms_to_the_owner_group() {
        let mut anti = t_exists("app", "zone");
        anti["matchLabelKeys"] = json!(["rev"]);
        let nodes = || vec![node("n1", &[("zone", "a")]), node("n2", &[("zone", "b")])];
        // Existing pod of rev 1 repels only pods of rev 1.
        let existing = MakePod::new("e")
            .node("n1")
            .labels(&[("app", "web"), ("rev", "1")])
            .affinity(Aff::AntiRequired, anti.clone())
            .obj();
        let pl = plugin(1, false);
        for (rev, want) in [("1", U), ("2", OK)] {
            let snap = snapshot(nodes(), std::slice::from_ref(&existing));
            let pod = MakePod::new("p")
                .labels(&[("app", "web"), ("rev", rev)])
                .obj();
            let mut state = CycleState::new();
            let status = pl.pre_filter(&mut state, &pod, &snap).1;
            if want == OK {
                assert!(status.is_skip(), "rev {rev}: {status:?}");
                continue;
            }
            assert_eq!(
                pl.filter(&state, &pod, &snap.nodes[0]).code,
                want,
                "rev {rev}"
            );
        }
        // The incoming pod's own term, with mismatchLabelKeys: repelled by other revisions only.
        let mut anti = t_exists("app", "zone");
        anti["mismatchLabelKeys"] = json!(["rev"]);
        let pod = MakePod::new("p")
            .labels(&[("app", "web"), ("rev", "2")])
            .affinity(Aff::AntiRequired, anti)
            .obj();
        let snap = snapshot(
            nodes(),
            &[
                MakePod::new("e1")
                    .node("n1")
                    .labels(&[("app", "web"), ("rev", "1")])
                    .obj(),
                MakePod::new("e2")
                    .node("n2")
                    .labels(&[("app", "web"), ("rev", "2")])
                    .obj(),
            ],
        );
        let mut state = CycleState::new();
        assert!(pl.pre_filter(&mut state, &pod, &snap).1.is_success());
        assert_eq!(pl.filter(&state, &pod, &snap.nodes[0]).code, U);
        assert_eq!(pl.filter(&state, &pod, &snap.nodes[1]).code, OK);
    }

    #[test]
    fn args_parse_and_validate_as_upstream() {
        let parse = |y: &str| parse_args(Some(&serde_yaml::from_str(y).unwrap()));
        assert_eq!(parse_args(None).unwrap(), (1, false));
        assert_eq!(
            parse("{hardPodAffinityWeight: 0, ignorePreferredTermsOfExistingPods: true}").unwrap(),
            (0, true)
        );
        assert_eq!(
            parse("{apiVersion: kubescheduler.config.k8s.io/v1, kind: InterPodAffinityArgs, hardPodAffinityWeight: 100}").unwrap(),
            (100, false)
        );
        for (yaml, want) in [
            (
                "hardPodAffinityWeight: 101",
                "hardPodAffinityWeight: Invalid value: 101: not in valid range [0, 100]",
            ),
            (
                "hardPodAffinityWeight: -1",
                "hardPodAffinityWeight: Invalid value: -1: not in valid range [0, 100]",
            ),
            (
                "hardPodAffinityWeight: x",
                "hardPodAffinityWeight: expected an integer, got x",
            ),
            (
                "ignorePreferredTermsOfExistingPods: 1",
                "ignorePreferredTermsOfExistingPods: expected a boolean, got 1",
            ),
            (
                "defaultingType: List",
                "unknown field \"defaultingType\" in InterPodAffinityArgs",
            ),
            (
                "kind: PodTopologySpreadArgs",
                "kind: expected InterPodAffinityArgs, got PodTopologySpreadArgs",
            ),
        ] {
            assert_eq!(parse(yaml).unwrap_err(), want, "{yaml}");
        }
        assert!(new(None).is_ok());
    }
}
