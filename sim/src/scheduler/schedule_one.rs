//! One scheduling attempt of one pod against a profile: PreFilter, Filter over a rotating
//! window of nodes, PostFilter on failure, PreScore/Score/NormalizeScore and host selection.
//! Mirrors pkg/scheduler/schedule_one.go (schedulePod, findNodesThatFitPod,
//! findNodesThatPassFilters, numFeasibleNodesToFind, prioritizeNodes, selectHost) and the
//! Run*Plugins methods of pkg/scheduler/framework/runtime/framework.go.

use std::collections::BTreeMap;

use rand::Rng;

use super::config::Profile;
use super::framework::{
    Code, CycleState, Handle, NodeInfo, PodInfo, PostFilterResult, Snapshot, Status,
    MAX_NODE_SCORE, MIN_NODE_SCORE,
};
use crate::api::types::Name;

/// numFeasibleNodesToFind's floor and adaptive constants (pkg/scheduler/schedule_one.go:
/// minFeasibleNodesToFind, minFeasibleNodesPercentageToFind; and
/// pkg/scheduler/apis/config/v1/defaults.go DefaultPercentageOfNodesToScore's adaptive base).
pub const MIN_FEASIBLE_NODES_TO_FIND: usize = 100;
pub const MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND: i64 = 5;
pub const BASE_PERCENTAGE_OF_NODES_TO_SCORE: i64 = 50;

/// framework.NoNodeAvailableMsg.
pub const NO_NODE_AVAILABLE_MSG: &str = "0/{} nodes are available";
/// ErrNoNodesAvailable.
pub const ERR_NO_NODES_AVAILABLE: &str = "no nodes available to schedule pods";

/// numFeasibleNodesToFind: how many feasible nodes to look for before scoring.
pub fn num_feasible_nodes_to_find(percentage: Option<i32>, num_all_nodes: usize) -> usize {
    let percentage = percentage.unwrap_or(0) as i64;
    if num_all_nodes < MIN_FEASIBLE_NODES_TO_FIND || percentage >= 100 {
        return num_all_nodes;
    }
    let mut adaptive = percentage;
    if adaptive <= 0 {
        adaptive = BASE_PERCENTAGE_OF_NODES_TO_SCORE - num_all_nodes as i64 / 125;
        if adaptive < MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND {
            adaptive = MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND;
        }
    }
    let num_nodes = (num_all_nodes as i64 * adaptive / 100) as usize;
    num_nodes.max(MIN_FEASIBLE_NODES_TO_FIND)
}

/// framework.Diagnosis: why no node fit.
#[derive(Clone, Debug, Default)]
pub struct Diagnosis {
    /// Filter statuses by node index in the snapshot.
    pub node_to_status: Vec<(usize, Status)>,
    /// The status every node not in `node_to_status` has (SetAbsentNodesStatus), if any.
    pub absent_nodes_status: Option<Status>,
    pub pre_filter_msg: String,
    pub post_filter_msg: String,
    /// Plugins that rejected the pod, for the queue's requeue decisions.
    pub unschedulable_plugins: Vec<&'static str>,
}

/// framework.FitError.
#[derive(Clone, Debug)]
pub struct FitError {
    pub num_all_nodes: usize,
    pub diagnosis: Diagnosis,
}

impl FitError {
    /// FitError.Error() (pkg/scheduler/framework/types.go):
    /// `0/N nodes are available: <histogram>. <postfilter>`
    pub fn message(&self) -> String {
        let mut msg = format!("0/{} nodes are available:", self.num_all_nodes);
        let d = &self.diagnosis;
        if !d.pre_filter_msg.is_empty() {
            msg.push_str(&format!(" {}.", d.pre_filter_msg));
        } else {
            let mut reasons: BTreeMap<&str, usize> = BTreeMap::new();
            for (_, status) in &d.node_to_status {
                for r in &status.reasons {
                    *reasons.entry(r).or_insert(0) += 1;
                }
            }
            if let Some(absent) = &d.absent_nodes_status {
                let absent_count = self.num_all_nodes.saturating_sub(d.node_to_status.len());
                if absent_count > 0 {
                    for r in &absent.reasons {
                        *reasons.entry(r).or_insert(0) += absent_count;
                    }
                }
            }
            // sortReasonsHistogram: "count reason" strings sorted as strings.
            let mut histogram: Vec<String> =
                reasons.iter().map(|(r, n)| format!("{n} {r}")).collect();
            histogram.sort();
            if !histogram.is_empty() {
                msg.push_str(&format!(" {}.", histogram.join(", ")));
            }
        }
        // Since Kubernetes 1.31 the PostFilter message is appended as is (it ends with its
        // own period); older releases added another, giving `..`.
        if !d.post_filter_msg.is_empty() {
            msg.push(' ');
            msg.push_str(&d.post_filter_msg);
        }
        msg
    }
}

/// Why an attempt failed.
#[derive(Clone, Debug)]
pub enum ScheduleError {
    /// The cluster has no nodes (ErrNoNodesAvailable).
    NoNodes,
    /// No node fits (possibly with a preemption outcome attached).
    Fit(Box<FitError>),
    /// A plugin returned an Error status.
    Internal(String),
}

impl ScheduleError {
    pub fn message(&self) -> String {
        match self {
            ScheduleError::NoNodes => ERR_NO_NODES_AVAILABLE.to_string(),
            ScheduleError::Fit(f) => f.message(),
            ScheduleError::Internal(e) => e.clone(),
        }
    }
}

/// A successful attempt: ScheduleResult.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScheduleResult {
    pub suggested_host: Name,
    pub evaluated_nodes: usize,
    pub feasible_nodes: usize,
}

/// One row of `scheduling.csv`: a plugin's verdict or score for one node in one attempt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExplainRow {
    pub node: Name,
    pub plugin: &'static str,
    /// `preFilter`, `filter`, `postFilter` or `score`.
    pub point: &'static str,
    /// The status code (`Success`, `Unschedulable`, ...).
    pub verdict: &'static str,
    pub reason: String,
    pub raw_score: Option<i64>,
    pub normalized_score: Option<i64>,
    pub weighted_score: Option<i64>,
}

/// Everything an attempt produced.
pub struct Attempt {
    pub state: CycleState,
    pub result: Result<ScheduleResult, ScheduleError>,
    /// What preemption decided, when PostFilter ran and found room.
    pub post_filter: Option<PostFilterResult>,
    /// Nodes evaluated by Filter (feasible and infeasible), for the processing-time model.
    pub nodes_evaluated: usize,
    /// Explanation rows, when asked for.
    pub explain: Vec<ExplainRow>,
}

/// The framework.Handle a PostFilter plugin gets.
pub struct FrameworkHandle<'a> {
    pub profile: &'a Profile,
    pub snapshot: &'a Snapshot,
}

impl Handle for FrameworkHandle<'_> {
    fn snapshot(&self) -> &Snapshot {
        self.snapshot
    }
    fn run_filter_plugins(&self, state: &CycleState, pod: &PodInfo, node: &NodeInfo) -> Status {
        let active = active_filters(self.profile, state);
        run_filter_plugins(self.profile, &active, state, pod, node, None)
    }
    fn run_pre_filter_extension_add_pod(
        &self,
        state: &mut CycleState,
        pod: &PodInfo,
        pod_to_add: &PodInfo,
        node: &NodeInfo,
    ) -> Status {
        self.run_pre_filter_extension(state, |p, state| p.add_pod(state, pod, pod_to_add, node))
    }
    fn run_pre_filter_extension_remove_pod(
        &self,
        state: &mut CycleState,
        pod: &PodInfo,
        pod_to_remove: &PodInfo,
        node: &NodeInfo,
    ) -> Status {
        self.run_pre_filter_extension(state, |p, state| {
            p.remove_pod(state, pod, pod_to_remove, node)
        })
    }
}

impl FrameworkHandle<'_> {
    /// Runs a PreFilterExtensions method over the PreFilter plugins that did not Skip; the
    /// first failure decides.
    fn run_pre_filter_extension(
        &self,
        state: &mut CycleState,
        mut call: impl FnMut(&dyn crate::scheduler::framework::Plugin, &mut CycleState) -> Status,
    ) -> Status {
        for &i in &self.profile.pre_filter {
            let p = &self.profile.plugins[i];
            if state.skip_filter_plugins.contains(&p.name()) {
                continue;
            }
            let s = call(p.as_ref(), state);
            if !s.is_success() {
                return s;
            }
        }
        Status::success()
    }
}

/// The profile's Filter plugins this cycle runs: those whose PreFilter did not return Skip.
fn active_filters(profile: &Profile, state: &CycleState) -> Vec<usize> {
    profile
        .filter
        .iter()
        .copied()
        .filter(|&i| {
            !state
                .skip_filter_plugins
                .contains(&profile.plugins[i].name())
        })
        .collect()
}

/// RunFilterPlugins over `active` (from `active_filters`): the first plugin that does not
/// return Success decides.
fn run_filter_plugins(
    profile: &Profile,
    active: &[usize],
    state: &CycleState,
    pod: &PodInfo,
    node: &NodeInfo,
    mut explain: Option<&mut Vec<ExplainRow>>,
) -> Status {
    for &i in active {
        let p = &profile.plugins[i];
        let mut s = p.filter(state, pod, node);
        if let Some(rows) = explain.as_deref_mut() {
            rows.push(ExplainRow {
                node: Name::new(node.name()),
                plugin: p.name(),
                point: "filter",
                verdict: s.code.as_str(),
                reason: s.message(),
                raw_score: None,
                normalized_score: None,
                weighted_score: None,
            });
        }
        if !s.is_success() {
            s.plugin = p.name();
            if !s.is_rejected() {
                // A plugin error is not a verdict: the attempt fails with it.
                s.code = Code::Error;
            }
            return s;
        }
    }
    Status::success()
}

/// schedulePod for one pod. `order` is the node tree's order (indexes into `snapshot.nodes`);
/// `next_start_node_index` rotates across attempts as upstream's does.
#[allow(clippy::too_many_arguments)]
pub fn schedule_pod(
    profile: &Profile,
    global_percentage: Option<i32>,
    snapshot: &Snapshot,
    order: &[u32],
    next_start_node_index: &mut usize,
    pod: &PodInfo,
    rng: &mut impl Rng,
    explain: bool,
) -> Attempt {
    let mut attempt = Attempt {
        state: CycleState::new(),
        result: Err(ScheduleError::NoNodes),
        post_filter: None,
        nodes_evaluated: 0,
        explain: Vec::new(),
    };
    if order.is_empty() {
        return attempt;
    }
    let mut rows = explain.then(Vec::new);
    let feasible = find_nodes_that_fit_pod(
        profile,
        global_percentage,
        snapshot,
        order,
        next_start_node_index,
        pod,
        &mut attempt,
        rows.as_mut(),
    );
    let feasible = match feasible {
        Ok(f) => f,
        Err(e) => {
            attempt.result = Err(e);
            attempt.explain = rows.unwrap_or_default();
            return attempt;
        }
    };
    if feasible.is_empty() {
        // RunPostFilterPlugins: the first that does not return Unschedulable decides.
        let Err(ScheduleError::Fit(fit)) = &mut attempt.result else {
            unreachable!("no feasible node means a FitError")
        };
        let handle = FrameworkHandle { profile, snapshot };
        let mut rng_core = RngAdapter(rng);
        for &i in &profile.post_filter {
            let p = &profile.plugins[i];
            let (result, status) = p.post_filter(
                &handle,
                &attempt.state,
                pod,
                &fit.diagnosis.node_to_status,
                &mut rng_core,
            );
            if let Some(rows) = rows.as_mut() {
                rows.push(ExplainRow {
                    node: result.nominated_node_name.clone().unwrap_or_default(),
                    plugin: p.name(),
                    point: "postFilter",
                    verdict: status.code.as_str(),
                    reason: status.message(),
                    raw_score: None,
                    normalized_score: None,
                    weighted_score: None,
                });
            }
            if !status.message().is_empty() {
                fit.diagnosis.post_filter_msg = status.message();
            }
            if status.is_success() {
                attempt.post_filter = Some(result);
                break;
            }
            if status.code != Code::Unschedulable {
                break;
            }
        }
        attempt.explain = rows.unwrap_or_default();
        return attempt;
    }
    let evaluated = attempt.nodes_evaluated;
    if feasible.len() == 1 {
        // schedulePod: with one feasible node there is nothing to score.
        let node = &snapshot.nodes[feasible[0]];
        attempt.result = Ok(ScheduleResult {
            suggested_host: Name::new(node.name()),
            evaluated_nodes: evaluated,
            feasible_nodes: 1,
        });
        attempt.explain = rows.unwrap_or_default();
        return attempt;
    }
    let totals = match prioritize_nodes(
        profile,
        snapshot,
        &feasible,
        pod,
        &mut attempt.state,
        rows.as_mut(),
    ) {
        Ok(t) => t,
        Err(e) => {
            attempt.result = Err(ScheduleError::Internal(e));
            attempt.explain = rows.unwrap_or_default();
            return attempt;
        }
    };
    let chosen = select_host(&totals, rng);
    attempt.result = Ok(ScheduleResult {
        suggested_host: Name::new(snapshot.nodes[feasible[chosen]].name()),
        evaluated_nodes: evaluated,
        feasible_nodes: feasible.len(),
    });
    attempt.explain = rows.unwrap_or_default();
    attempt
}

/// Lets plugins take a `&mut dyn RngCore` from the scheduler's stream.
struct RngAdapter<'a, R: Rng>(&'a mut R);

impl<R: Rng> rand::RngCore for RngAdapter<'_, R> {
    fn next_u32(&mut self) -> u32 {
        self.0.next_u32()
    }
    fn next_u64(&mut self) -> u64 {
        self.0.next_u64()
    }
    fn fill_bytes(&mut self, dst: &mut [u8]) {
        self.0.fill_bytes(dst)
    }
}

/// findNodesThatFitPod: PreFilter, then Filter over the rotating window. Returns the feasible
/// nodes (snapshot indexes) or the error; on "no feasible node" sets a FitError in
/// `attempt.result` and returns an empty list.
#[allow(clippy::too_many_arguments)]
fn find_nodes_that_fit_pod(
    profile: &Profile,
    global_percentage: Option<i32>,
    snapshot: &Snapshot,
    order: &[u32],
    next_start_node_index: &mut usize,
    pod: &PodInfo,
    attempt: &mut Attempt,
    mut rows: Option<&mut Vec<ExplainRow>>,
) -> Result<Vec<usize>, ScheduleError> {
    let num_all_nodes = order.len();
    let mut diagnosis = Diagnosis::default();

    // RunPreFilterPlugins.
    let mut restricted: Option<Vec<Name>> = None;
    let mut plugins_with_nodes: Vec<&'static str> = Vec::new();
    for &i in &profile.pre_filter {
        let p = &profile.plugins[i];
        let (result, mut status) = p.pre_filter(&mut attempt.state, pod, snapshot);
        if let Some(rows) = rows.as_deref_mut() {
            rows.push(ExplainRow {
                node: Name::default(),
                plugin: p.name(),
                point: "preFilter",
                verdict: status.code.as_str(),
                reason: status.message(),
                raw_score: None,
                normalized_score: None,
                weighted_score: None,
            });
        }
        if status.is_skip() {
            attempt.state.skip_filter_plugins.push(p.name());
            continue;
        }
        if !status.is_success() {
            status.plugin = p.name();
            if !status.is_rejected() {
                return Err(ScheduleError::Internal(format!(
                    "running PreFilter plugin {:?}: {}",
                    p.name(),
                    status.message()
                )));
            }
            diagnosis.unschedulable_plugins.push(p.name());
            diagnosis.pre_filter_msg = status.message();
            diagnosis.absent_nodes_status = Some(status);
            attempt.result = Err(ScheduleError::Fit(Box::new(FitError {
                num_all_nodes,
                diagnosis,
            })));
            return Ok(Vec::new());
        }
        if let Some(names) = result.node_names {
            plugins_with_nodes.push(p.name());
            let merged: Vec<Name> = match restricted.take() {
                None => names,
                Some(prev) => prev.into_iter().filter(|n| names.contains(n)).collect(),
            };
            if merged.is_empty() {
                // RunPreFilterPlugins: an empty intersection rejects the pod.
                let msg = if plugins_with_nodes.len() == 1 {
                    format!("node(s) didn't satisfy plugin {}", plugins_with_nodes[0])
                } else {
                    format!(
                        "node(s) didn't satisfy plugin(s) [{}] simultaneously",
                        plugins_with_nodes.join(" ")
                    )
                };
                diagnosis
                    .unschedulable_plugins
                    .extend(plugins_with_nodes.iter().copied());
                diagnosis.pre_filter_msg = msg.clone();
                diagnosis.absent_nodes_status = Some(Status::unschedulable(msg));
                attempt.result = Err(ScheduleError::Fit(Box::new(FitError {
                    num_all_nodes,
                    diagnosis,
                })));
                return Ok(Vec::new());
            }
            restricted = Some(merged);
        }
    }

    // The candidate nodes, in node tree order.
    let candidates: Vec<usize> = match &restricted {
        None => order.iter().map(|&i| i as usize).collect(),
        Some(names) => {
            let mut names: Vec<&Name> = names.iter().collect();
            names.sort();
            names.dedup();
            let mut plugins = plugins_with_nodes.clone();
            plugins.sort_unstable();
            diagnosis.absent_nodes_status = Some(Status::unresolvable(format!(
                "node(s) didn't satisfy plugin(s) [{}]",
                plugins.join(" ")
            )));
            names
                .into_iter()
                .filter_map(|n| snapshot.position(n))
                .collect()
        }
    };

    let active = active_filters(profile, &attempt.state);
    // Nominated node first (evaluateNominatedNode).
    let nominated = pod.body().status.rare.nominated_node_name.clone();
    if !nominated.is_empty() {
        if let Some(ni) = snapshot.position(&nominated) {
            let status = run_filter_plugins(
                profile,
                &active,
                &attempt.state,
                pod,
                &snapshot.nodes[ni],
                rows.as_deref_mut(),
            );
            if status.is_success() {
                attempt.nodes_evaluated = 1;
                return Ok(vec![ni]);
            }
        }
    }

    // findNodesThatPassFilters.
    let num_nodes_to_find = num_feasible_nodes_to_find(
        profile.percentage_of_nodes_to_score.or(global_percentage),
        candidates.len(),
    );
    let mut feasible = Vec::with_capacity(num_nodes_to_find.min(candidates.len()));
    let mut processed = 0;
    let start = *next_start_node_index % candidates.len().max(1);
    for k in 0..candidates.len() {
        if feasible.len() >= num_nodes_to_find {
            break;
        }
        let ni = candidates[(start + k) % candidates.len()];
        processed += 1;
        let status = run_filter_plugins(
            profile,
            &active,
            &attempt.state,
            pod,
            &snapshot.nodes[ni],
            rows.as_deref_mut(),
        );
        match status.code {
            Code::Success => feasible.push(ni),
            Code::Error => {
                *next_start_node_index = (*next_start_node_index + processed) % num_all_nodes;
                return Err(ScheduleError::Internal(format!(
                    "running {:?} filter plugin: {}",
                    status.plugin,
                    status.message()
                )));
            }
            _ => {
                if !diagnosis.unschedulable_plugins.contains(&status.plugin) {
                    diagnosis.unschedulable_plugins.push(status.plugin);
                }
                diagnosis.node_to_status.push((ni, status));
            }
        }
    }
    *next_start_node_index = (*next_start_node_index + processed) % num_all_nodes;
    attempt.nodes_evaluated = processed;
    if feasible.is_empty() {
        attempt.result = Err(ScheduleError::Fit(Box::new(FitError {
            num_all_nodes,
            diagnosis,
        })));
    }
    Ok(feasible)
}

/// prioritizeNodes: PreScore, Score, NormalizeScore and weights; the total per feasible node.
fn prioritize_nodes(
    profile: &Profile,
    snapshot: &Snapshot,
    feasible: &[usize],
    pod: &PodInfo,
    state: &mut CycleState,
    mut rows: Option<&mut Vec<ExplainRow>>,
) -> Result<Vec<i64>, String> {
    let nodes: Vec<&NodeInfo> = feasible.iter().map(|&i| &snapshot.nodes[i]).collect();
    if profile.score.is_empty() {
        // Without score plugins every node scores 1.
        return Ok(vec![1; nodes.len()]);
    }
    for &i in &profile.pre_score {
        let p = &profile.plugins[i];
        let s = p.pre_score(state, pod, &nodes, snapshot);
        if s.is_skip() {
            state.skip_score_plugins.push(p.name());
        } else if !s.is_success() {
            return Err(format!(
                "running PreScore plugin {:?}: {}",
                p.name(),
                s.message()
            ));
        }
    }
    let mut totals = vec![0i64; nodes.len()];
    let mut raw = vec![0i64; nodes.len()];
    for &(i, weight) in &profile.score {
        let p = &profile.plugins[i];
        if state.skip_score_plugins.contains(&p.name()) {
            continue;
        }
        for (k, n) in nodes.iter().enumerate() {
            raw[k] = p
                .score(state, pod, n)
                .map_err(|s| format!("running Score plugin {:?}: {}", p.name(), s.message()))?;
        }
        let mut normalized = raw.clone();
        if let Some(s) = p.normalize_score(state, pod, &mut normalized) {
            if !s.is_success() {
                return Err(format!(
                    "running Normalize on Score plugin {:?}: {}",
                    p.name(),
                    s.message()
                ));
            }
        }
        for (k, score) in normalized.iter().enumerate() {
            // RunScorePlugins: a normalized score outside [0, 100] is an error.
            if !(MIN_NODE_SCORE..=MAX_NODE_SCORE).contains(score) {
                return Err(format!(
                    "plugin {:?} returns an invalid score {score}, it should in the range of [{MIN_NODE_SCORE}, {MAX_NODE_SCORE}] after normalizing",
                    p.name()
                ));
            }
            totals[k] += score * weight;
            if let Some(rows) = rows.as_deref_mut() {
                rows.push(ExplainRow {
                    node: Name::new(nodes[k].name()),
                    plugin: p.name(),
                    point: "score",
                    verdict: "Success",
                    reason: String::new(),
                    raw_score: Some(raw[k]),
                    normalized_score: Some(*score),
                    weighted_score: Some(score * weight),
                });
            }
        }
    }
    Ok(totals)
}

/// selectHost: the highest total; ties broken by reservoir sampling with the scheduler's RNG.
pub fn select_host(totals: &[i64], rng: &mut impl Rng) -> usize {
    let mut selected = 0;
    let mut max = totals[0];
    let mut count_of_max = 1u32;
    for (k, &score) in totals.iter().enumerate().skip(1) {
        if score > max {
            max = score;
            selected = k;
            count_of_max = 1;
        } else if score == max {
            count_of_max += 1;
            if rng.random_range(0..count_of_max) == 0 {
                selected = k;
            }
        }
    }
    selected
}

#[cfg(test)]
mod tests {
    use super::*;

    /// schedule_one_test.go TestNumFeasibleNodesToFind.
    #[test]
    fn num_feasible_nodes_to_find_matches_upstream() {
        let cases = [
            (
                "not set percentageOfNodesToScore and nodes number not more than 50",
                None,
                10,
                10,
            ),
            (
                "set percentageOfNodesToScore and nodes number not more than 50",
                Some(40),
                10,
                10,
            ),
            (
                "not set percentageOfNodesToScore and nodes number more than 50",
                None,
                1000,
                420,
            ),
            (
                "set percentageOfNodesToScore and nodes number more than 50",
                Some(40),
                1000,
                400,
            ),
            (
                "not set percentageOfNodesToScore and nodes number more than 50*125",
                None,
                6000,
                300,
            ),
            (
                "set percentageOfNodesToScore and nodes number more than 50*125",
                Some(40),
                6000,
                2400,
            ),
        ];
        for (name, pct, nodes, want) in cases {
            assert_eq!(num_feasible_nodes_to_find(pct, nodes), want, "{name}");
        }
        // 5,000 nodes: 50 - 40 = 10 % → 500.
        assert_eq!(num_feasible_nodes_to_find(None, 5000), 500);
    }

    #[test]
    fn fit_error_message_sorts_the_histogram_as_strings() {
        let fit = FitError {
            num_all_nodes: 5,
            diagnosis: Diagnosis {
                node_to_status: vec![
                    (0, Status::unschedulable("Insufficient cpu")),
                    (1, Status::unschedulable("Insufficient cpu")),
                    (2, Status::unschedulable("Insufficient cpu")),
                    (3, Status::unresolvable("node(s) had untolerated taint(s)")),
                    (4, Status::unresolvable("node(s) had untolerated taint(s)")),
                ],
                post_filter_msg: "preemption: 0/5 nodes are available: 2 Preemption is not helpful for scheduling, 3 No preemption victims found for incoming pod.".into(),
                ..Diagnosis::default()
            },
        };
        assert_eq!(
            fit.message(),
            "0/5 nodes are available: 2 node(s) had untolerated taint(s), 3 Insufficient cpu. preemption: 0/5 nodes are available: 2 Preemption is not helpful for scheduling, 3 No preemption victims found for incoming pod."
        );
    }

    #[test]
    fn select_host_takes_the_maximum_and_spreads_ties() {
        use rand::SeedableRng;
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
        assert_eq!(select_host(&[1, 5, 3], &mut rng), 1);
        let mut seen = [0; 3];
        for _ in 0..300 {
            seen[select_host(&[7, 7, 7], &mut rng)] += 1;
        }
        assert!(seen.iter().all(|&c| c > 60), "{seen:?}");
    }
}
