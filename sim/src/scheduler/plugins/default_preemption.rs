//! DefaultPreemption (PostFilter): when no node fits, find nodes where evicting lower-priority
//! pods would make room, choose the victims and the node as upstream does, and nominate it.
//! Mirrors pkg/scheduler/framework/plugins/defaultpreemption/default_preemption.go and
//! pkg/scheduler/framework/preemption/preemption.go. PodDisruptionBudgets are not modelled:
//! every victim counts as non-violating.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::api::types::{PodPhase, PreemptionPolicy};
use crate::scheduler::framework::{
    Code, CycleState, Handle, NodeInfo, Plugin, PodInfo, Points, PostFilterResult, Status,
};

pub const NAME: &str = "DefaultPreemption";

/// DefaultPreemptionArgs defaults (pkg/scheduler/apis/config/v1/defaults.go):
/// MinCandidateNodesPercentage 10, MinCandidateNodesAbsolute 100.
const DEFAULT_MIN_CANDIDATE_NODES_PERCENTAGE: i64 = 10;
const DEFAULT_MIN_CANDIDATE_NODES_ABSOLUTE: i64 = 100;

pub struct DefaultPreemption {
    min_candidate_nodes_percentage: i64,
    min_candidate_nodes_absolute: i64,
}

pub fn new(args: Option<&serde_yaml::Value>) -> Result<Box<dyn Plugin>, String> {
    let mut p = DefaultPreemption {
        min_candidate_nodes_percentage: DEFAULT_MIN_CANDIDATE_NODES_PERCENTAGE,
        min_candidate_nodes_absolute: DEFAULT_MIN_CANDIDATE_NODES_ABSOLUTE,
    };
    if let Some(args) = args.filter(|a| !a.is_null()) {
        let map = args
            .as_mapping()
            .ok_or("expected a mapping (DefaultPreemptionArgs)")?;
        for (k, v) in map {
            let key = k.as_str().unwrap_or("");
            let n = v
                .as_i64()
                .ok_or_else(|| format!("{key}: expected an integer"))?;
            match key {
                "minCandidateNodesPercentage" => p.min_candidate_nodes_percentage = n,
                "minCandidateNodesAbsolute" => p.min_candidate_nodes_absolute = n,
                other => {
                    return Err(format!(
                        "unknown field {other:?} (expected minCandidateNodesPercentage, minCandidateNodesAbsolute)"
                    ))
                }
            }
        }
        // validation_pluginargs.go ValidateDefaultPreemptionArgs.
        if !(0..=100).contains(&p.min_candidate_nodes_percentage) {
            return Err(format!(
                "minCandidateNodesPercentage: Invalid value: {}: not in valid range [0, 100]",
                p.min_candidate_nodes_percentage
            ));
        }
        if p.min_candidate_nodes_absolute < 0 {
            return Err(format!(
                "minCandidateNodesAbsolute: Invalid value: {}: not in valid range [0, inf)",
                p.min_candidate_nodes_absolute
            ));
        }
        if p.min_candidate_nodes_percentage == 0 && p.min_candidate_nodes_absolute == 0 {
            return Err("minCandidateNodesPercentage, minCandidateNodesAbsolute: Invalid value: both minCandidateNodesPercentage and minCandidateNodesAbsolute cannot be zero".into());
        }
    }
    Ok(Box::new(p))
}

/// A node where preemption would work, with its victims (candidate).
#[derive(Clone, Debug)]
pub struct Candidate {
    pub node: usize,
    pub victims: Vec<Arc<PodInfo>>,
}

/// GetPodStartTime: status.startTime, or the creation time for a pod not yet started.
fn start_time(p: &PodInfo) -> u64 {
    p.body()
        .status
        .start_time
        .unwrap_or(p.pod.meta.creation_timestamp)
}

/// MoreImportantPod: higher priority, then earlier start.
fn more_important(a: &PodInfo, b: &PodInfo) -> std::cmp::Ordering {
    b.priority()
        .cmp(&a.priority())
        .then(start_time(a).cmp(&start_time(b)))
}

impl DefaultPreemption {
    /// GetOffsetAndNumCandidates's count: 10 % of the nodes, at least 100, at most all.
    fn num_candidates(&self, num_nodes: usize) -> usize {
        let n = (num_nodes as i64 * self.min_candidate_nodes_percentage / 100)
            .max(self.min_candidate_nodes_absolute);
        (n as usize).min(num_nodes)
    }

    /// selectVictimsOnNode: remove every lower-priority pod, check the preemptor fits, then
    /// reprieve victims from the most important down while it still fits.
    fn select_victims_on_node(
        &self,
        handle: &dyn Handle,
        state: &CycleState,
        pod: &PodInfo,
        node: &NodeInfo,
    ) -> Result<Vec<Arc<PodInfo>>, Status> {
        let mut state = state.clone();
        let mut info = node.clone();
        let mut potential: Vec<Arc<PodInfo>> = Vec::new();
        for p in &node.pods {
            if p.priority() < pod.priority() {
                potential.push(p.clone());
            }
        }
        for p in &potential {
            info.remove_pod(p.pod.meta.uid);
            let s = handle.run_pre_filter_extension_remove_pod(&mut state, pod, p, &info);
            if !s.is_success() {
                return Err(s);
            }
        }
        if potential.is_empty() {
            return Err(Status::unresolvable(
                "No preemption victims found for incoming pod",
            ));
        }
        let s = handle.run_filter_plugins(&state, pod, &info);
        if !s.is_success() {
            return Err(s);
        }
        potential.sort_by(|a, b| more_important(a, b));
        let mut victims = Vec::new();
        for p in potential {
            info.add_pod(p.clone());
            let s = handle.run_pre_filter_extension_add_pod(&mut state, pod, &p, &info);
            if !s.is_success() {
                return Err(s);
            }
            if !handle.run_filter_plugins(&state, pod, &info).is_success() {
                info.remove_pod(p.pod.meta.uid);
                let s = handle.run_pre_filter_extension_remove_pod(&mut state, pod, &p, &info);
                if !s.is_success() {
                    return Err(s);
                }
                victims.push(p);
            }
        }
        Ok(victims)
    }
}

/// pickOneNodeForPreemption's criteria, in order, over candidates (PDBs not modelled):
/// lowest highest-priority victim, lowest priority sum, fewest victims, latest start time
/// of the highest-priority victim, then the first.
pub fn pick_one_node_for_preemption(candidates: &[Candidate]) -> Option<usize> {
    if candidates.is_empty() {
        return None;
    }
    let mut best: Vec<usize> = (0..candidates.len()).collect();
    let mut narrow = |key: &dyn Fn(&Candidate) -> i128, lowest: bool| {
        if best.len() <= 1 {
            return;
        }
        let vals: Vec<i128> = best.iter().map(|&i| key(&candidates[i])).collect();
        let target = if lowest {
            *vals.iter().min().expect("non-empty")
        } else {
            *vals.iter().max().expect("non-empty")
        };
        best = best
            .iter()
            .zip(&vals)
            .filter(|(_, v)| **v == target)
            .map(|(i, _)| *i)
            .collect();
    };
    // Victims are sorted most important first, so the first is the highest priority.
    narrow(
        &|c| {
            c.victims
                .first()
                .map_or(i32::MIN as i128, |v| v.priority() as i128)
        },
        true,
    );
    // Sum of priorities, each shifted by MaxInt32+1 so that negative priorities count.
    narrow(
        &|c| {
            c.victims
                .iter()
                .map(|v| v.priority() as i128 + i32::MAX as i128 + 1)
                .sum()
        },
        true,
    );
    narrow(&|c| c.victims.len() as i128, true);
    // GetEarliestPodStartTime among the highest-priority victims; the latest such wins.
    narrow(
        &|c| {
            let top = c.victims.first().map_or(0, |v| v.priority());
            c.victims
                .iter()
                .filter(|v| v.priority() == top)
                .map(|v| start_time(v) as i128)
                .min()
                .unwrap_or(0)
        },
        false,
    );
    best.first().copied()
}

impl Plugin for DefaultPreemption {
    fn name(&self) -> &'static str {
        NAME
    }
    fn points(&self) -> Points {
        Points::POST_FILTER
    }

    fn post_filter(
        &self,
        handle: &dyn Handle,
        state: &CycleState,
        pod: &PodInfo,
        statuses: &[(usize, Status)],
        rng: &mut dyn rand::RngCore,
    ) -> (PostFilterResult, Status) {
        let snapshot = handle.snapshot();
        let num_all = snapshot.len();
        // PodEligibleToPreemptOthers.
        if pod.spec().preemption_policy == Some(PreemptionPolicy::Never) {
            return (
                PostFilterResult::default(),
                Status::unschedulable("preemption: not eligible due to preemptionPolicy=Never."),
            );
        }
        let nominated = &pod.body().status.rare.nominated_node_name;
        if !nominated.is_empty() {
            let nominated_unresolvable = snapshot.position(nominated).is_some_and(|i| {
                statuses
                    .iter()
                    .any(|(n, s)| *n == i && s.code == Code::UnschedulableAndUnresolvable)
            });
            if !nominated_unresolvable {
                if let Some(n) = snapshot.get(nominated) {
                    let terminating = n.pods.iter().any(|p| {
                        p.pod.meta.deletion_timestamp.is_some()
                            && p.priority() < pod.priority()
                            && p.body().status.phase != PodPhase::Succeeded
                    });
                    if terminating {
                        return (
                            PostFilterResult::default(),
                            Status::unschedulable(
                                "preemption: not eligible due to a terminating pod on the nominated node.",
                            ),
                        );
                    }
                }
            }
        }
        // nodesWherePreemptionMightHelp (NodesForStatusCode(Unschedulable)): only nodes that
        // failed with Unschedulable; UnschedulableAndUnresolvable ones and nodes without a
        // status (left out by PreFilter) count as "Preemption is not helpful for scheduling".
        let mut node_statuses: BTreeMap<usize, Status> = BTreeMap::new();
        let mut potential: Vec<usize> = statuses
            .iter()
            .filter(|(_, s)| s.code == Code::Unschedulable)
            .map(|(i, _)| *i)
            .collect();
        potential.sort_unstable();
        let mut candidates = Vec::new();
        if !potential.is_empty() {
            let want = self.num_candidates(potential.len());
            let offset = (rng.next_u32() as usize) % potential.len();
            for k in 0..potential.len() {
                if candidates.len() >= want {
                    break;
                }
                let ni = potential[(offset + k) % potential.len()];
                match self.select_victims_on_node(handle, state, pod, &snapshot.nodes[ni]) {
                    Ok(victims) => candidates.push(Candidate { node: ni, victims }),
                    Err(s) => {
                        node_statuses.insert(ni, s);
                    }
                }
            }
        }
        let Some(best) = pick_one_node_for_preemption(&candidates) else {
            // A FitError over the dry run's statuses, prefixed "preemption: ".
            let mut reasons: BTreeMap<&str, usize> = BTreeMap::new();
            for s in node_statuses.values() {
                for r in &s.reasons {
                    *reasons.entry(r).or_insert(0) += 1;
                }
            }
            // SetAbsentNodesStatus: every node the dry run did not report on.
            let absent = num_all.saturating_sub(node_statuses.len());
            if absent > 0 {
                *reasons
                    .entry("Preemption is not helpful for scheduling")
                    .or_insert(0) += absent;
            }
            let mut histogram: Vec<String> =
                reasons.iter().map(|(r, n)| format!("{n} {r}")).collect();
            histogram.sort();
            return (
                PostFilterResult::default(),
                Status::unschedulable(format!(
                    "preemption: 0/{num_all} nodes are available: {}.",
                    histogram.join(", ")
                )),
            );
        };
        let c = &candidates[best];
        (
            PostFilterResult {
                nominated_node_name: Some(snapshot.nodes[c.node].name().into()),
                victims: c.victims.clone(),
            },
            Status::success(),
        )
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use rand::SeedableRng;

    use super::*;
    use crate::scheduler::config::{Registry, SchedulerConfig};
    use crate::scheduler::schedule_one::FrameworkHandle;
    use crate::scheduler::testing::{node, pod, snapshot};

    /// Upstream's test profile: NodeResourcesFit as PreFilter and Filter, DefaultPreemption.
    fn profile() -> SchedulerConfig {
        SchedulerConfig::from_yaml(
            "profiles: [{plugins: {multiPoint: {disabled: [{name: '*'}], enabled: [{name: PrioritySort}, {name: NodeResourcesFit}, {name: DefaultPreemption}]}}}]",
            "test",
            &Registry::default(),
        )
        .unwrap()
    }

    /// `st.MakePod().Name(name).Priority(p).Req(cpu, mem).Node(node).StartTime(t)`.
    fn p(name: &str, priority: i32, cpu: &str, mem: &str, node: &str, start: u64) -> Arc<PodInfo> {
        let node_name = if node.is_empty() {
            String::new()
        } else {
            format!("nodeName: {node}, ")
        };
        let mut pi = (*pod(&format!(
            "metadata: {{name: '{name}'}}\nspec: {{{node_name}priority: {priority}, containers: [{{name: c, image: i, resources: {{requests: {{cpu: '{cpu}', memory: '{mem}'}}}}}}]}}"
        )))
        .clone();
        let mut obj = (*pi.pod).clone();
        if let crate::api::types::Body::Pod(b) = &mut obj.body {
            b.status.start_time = Some(start);
        }
        pi.pod = Arc::new(obj);
        Arc::new(pi)
    }

    /// Runs the profile's PreFilter, then DefaultPreemption's PostFilter with every node given
    /// the filter status `code` (upstream's tests pass filteredNodesStatuses the same way), on
    /// `nodes` (name, allocatable cpu, memory, pods) holding `pods`. Returns the nominated
    /// node and the status message.
    fn post_filter_with(
        nodes: &[(&str, &str, &str, &str)],
        pods: &[Arc<PodInfo>],
        preemptor: &Arc<PodInfo>,
        code: Code,
    ) -> (Option<String>, String) {
        let infos = nodes
            .iter()
            .map(|(n, cpu, mem, count)| {
                node(&format!(
                    "metadata: {{name: {n}}}\nstatus: {{allocatable: {{cpu: '{cpu}', memory: '{mem}', pods: '{count}'}}}}"
                ))
            })
            .collect();
        let s = snapshot(infos, pods);
        let config = profile();
        let profile = &config.profiles[0];
        let mut state = CycleState::new();
        for &i in &profile.pre_filter {
            let (_, st) = profile.plugins[i].pre_filter(&mut state, preemptor, &s);
            assert!(st.is_success() || st.is_skip(), "{st:?}");
        }
        let statuses: Vec<(usize, Status)> = (0..s.len())
            .map(|i| (i, Status::with_reasons(code, Vec::new())))
            .collect();
        let handle = FrameworkHandle {
            profile,
            snapshot: &s,
        };
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(4);
        let plugin = super::new(None).unwrap();
        let (result, status) = plugin.post_filter(&handle, &state, preemptor, &statuses, &mut rng);
        (
            result.nominated_node_name.map(|n| n.to_string()),
            status.message(),
        )
    }

    fn preempt(
        nodes: &[(&str, &str, &str, &str)],
        pods: &[Arc<PodInfo>],
        preemptor: &Arc<PodInfo>,
    ) -> (Option<String>, String) {
        post_filter_with(nodes, pods, preemptor, Code::Unschedulable)
    }

    const SMALL: (&str, &str) = ("100m", "100");
    const MEDIUM: (&str, &str) = ("200m", "200");
    const LARGE: (&str, &str) = ("300m", "300");
    const VERY_LARGE: (&str, &str) = ("500m", "500");
    const NEG: i32 = -100;
    const LOW: i32 = 0;
    const MID: i32 = 100;
    const HIGH: i32 = 1000;
    const VERY_HIGH: i32 = 10000;

    /// default_preemption_test.go TestSelectBestCandidate: nodes of veryLargeRes capacity.
    #[test]
    fn select_best_candidate_matches_upstream() {
        type Case = (
            &'static str,
            Vec<(&'static str, i32, (&'static str, &'static str), u64)>,
            i32,
            &'static [&'static str],
        );
        let cases: Vec<Case> = vec![
            (
                "node with min highest priority pod is picked",
                vec![
                    ("node1", MID, MEDIUM, 0),
                    ("node1", MID, LARGE, 0),
                    ("node2", MID, MEDIUM, 0),
                    ("node2", LOW, MEDIUM, 0),
                    ("node3", LOW, MEDIUM, 0),
                    ("node3", LOW, MEDIUM, 0),
                ],
                HIGH,
                &["node3"],
            ),
            (
                "when highest priorities are the same, minimum sum of priorities is picked",
                vec![
                    ("node1", MID, MEDIUM, 0),
                    ("node1", MID, LARGE, 0),
                    ("node2", MID, LARGE, 0),
                    ("node2", LOW, MEDIUM, 0),
                    ("node3", MID, MEDIUM, 0),
                    ("node3", MID, MEDIUM, 0),
                ],
                HIGH,
                &["node2"],
            ),
            (
                "when highest priority and sum are the same, minimum number of pods is picked",
                vec![
                    ("node1", MID, SMALL, 0),
                    ("node1", NEG, SMALL, 0),
                    ("node1", MID, SMALL, 0),
                    ("node1", NEG, SMALL, 0),
                    ("node2", MID, LARGE, 0),
                    ("node2", NEG, MEDIUM, 0),
                    ("node3", MID, MEDIUM, 0),
                    ("node3", NEG, SMALL, 0),
                    ("node3", LOW, SMALL, 0),
                ],
                HIGH,
                &["node2"],
            ),
            (
                "sum of adjusted priorities is considered",
                vec![
                    ("node1", MID, SMALL, 0),
                    ("node1", NEG, SMALL, 0),
                    ("node1", NEG, SMALL, 0),
                    ("node2", MID, LARGE, 0),
                    ("node2", NEG, MEDIUM, 0),
                    ("node3", MID, MEDIUM, 0),
                    ("node3", NEG, SMALL, 0),
                    ("node3", LOW, SMALL, 0),
                ],
                HIGH,
                &["node2"],
            ),
            (
                "non-overlapping lowest high priority, sum priorities, and number of pods",
                vec![
                    ("node1", MID, SMALL, 0),
                    ("node1", LOW, SMALL, 0),
                    ("node1", LOW, SMALL, 0),
                    ("node2", HIGH, LARGE, 0),
                    ("node3", MID, MEDIUM, 0),
                    ("node3", LOW, SMALL, 0),
                    ("node3", LOW, SMALL, 0),
                    ("node3", LOW, MEDIUM, 0),
                    ("node4", MID, MEDIUM, 0),
                    ("node4", MID, SMALL, 0),
                    ("node4", MID, SMALL, 0),
                    ("node4", NEG, SMALL, 0),
                ],
                VERY_HIGH,
                &["node1"],
            ),
            (
                "same priority, same number of victims, different start time for each node's pod",
                vec![
                    ("node1", MID, MEDIUM, 2),
                    ("node1", MID, MEDIUM, 2),
                    ("node2", MID, MEDIUM, 3),
                    ("node2", MID, MEDIUM, 3),
                    ("node3", MID, MEDIUM, 1),
                    ("node3", MID, MEDIUM, 1),
                ],
                HIGH,
                &["node2"],
            ),
            (
                "same priority, same number of victims, different start time for all pods",
                vec![
                    ("node1", MID, MEDIUM, 4),
                    ("node1", MID, MEDIUM, 2),
                    ("node2", MID, MEDIUM, 5),
                    ("node2", MID, MEDIUM, 1),
                    ("node3", MID, MEDIUM, 3),
                    ("node3", MID, MEDIUM, 6),
                ],
                HIGH,
                &["node3"],
            ),
            (
                "different priority, same number of victims, different start time for all pods",
                vec![
                    ("node1", LOW, MEDIUM, 4),
                    ("node1", MID, MEDIUM, 2),
                    ("node2", MID, MEDIUM, 6),
                    ("node2", LOW, MEDIUM, 1),
                    ("node3", LOW, MEDIUM, 3),
                    ("node3", MID, MEDIUM, 5),
                ],
                HIGH,
                &["node2"],
            ),
        ];
        for (name, existing, priority, want) in cases {
            let mut node_names: Vec<&str> = existing.iter().map(|e| e.0).collect();
            node_names.dedup();
            let nodes: Vec<(&str, &str, &str, &str)> = node_names
                .iter()
                .map(|n| (*n, VERY_LARGE.0, VERY_LARGE.1, "110"))
                .collect();
            let pods: Vec<_> = existing
                .iter()
                .enumerate()
                .map(|(i, (n, pr, (cpu, mem), start))| {
                    p(&format!("p{i}"), *pr, cpu, mem, n, *start)
                })
                .collect();
            let preemptor = p("p", priority, VERY_LARGE.0, VERY_LARGE.1, "", 0);
            let (got, msg) = preempt(&nodes, &pods, &preemptor);
            assert!(
                got.as_deref().is_some_and(|g| want.contains(&g)),
                "{name}: got {got:?} ({msg}), want one of {want:?}"
            );
        }
    }

    /// default_preemption_test.go TestPostFilter: the nominated node and the status message.
    #[test]
    fn post_filter_matches_upstream() {
        let one_pod = ("0", "0", "1");
        let node_res = ("200m", "400", "110");
        let n = |name: &'static str, r: (&'static str, &'static str, &'static str)| {
            (name, r.0, r.1, r.2)
        };
        let none = ("0", "0");
        type Case<'a> = (
            &'a str,
            Vec<(&'a str, &'a str, &'a str, &'a str)>,
            Vec<Arc<PodInfo>>,
            Arc<PodInfo>,
            Option<&'a str>,
            &'a str,
        );
        let cases: Vec<Case> = vec![
            ("pod with higher priority can be made schedulable",
                vec![n("node1", one_pod)],
                vec![p("p1", LOW, none.0, none.1, "node1", 0)],
                p("p", HIGH, none.0, none.1, "", 0), Some("node1"), ""),
            ("pod with tied priority is still unschedulable",
                vec![n("node1", one_pod)],
                vec![p("p1", LOW, none.0, none.1, "node1", 0)],
                p("p", LOW, none.0, none.1, "", 0), None,
                "preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod."),
            ("pod can be made schedulable on one node",
                vec![n("node1", one_pod), n("node2", one_pod)],
                vec![p("p1", HIGH, none.0, none.1, "node1", 0), p("p2", LOW, none.0, none.1, "node2", 0)],
                p("p", MID, none.0, none.1, "", 0), Some("node2"), ""),
            ("no candidate nodes found, no enough resource after removing low priority pods",
                vec![n("node1", node_res), n("node2", node_res)],
                vec![p("p1", LOW, none.0, none.1, "node1", 0), p("p2", LOW, none.0, none.1, "node2", 0)],
                p("p", HIGH, LARGE.0, LARGE.1, "", 0), None,
                "preemption: 0/2 nodes are available: 2 Insufficient cpu."),
            ("no candidate nodes found with mixed reasons, no lower priority pod and no enough CPU resource",
                vec![n("node1", one_pod), n("node2", node_res), n("node3", one_pod)],
                vec![p("p1", HIGH, none.0, none.1, "node1", 0), p("p2", LOW, none.0, none.1, "node2", 0), p("p3", HIGH, none.0, none.1, "node3", 0)],
                p("p", HIGH, LARGE.0, LARGE.1, "", 0), None,
                "preemption: 0/3 nodes are available: 1 Insufficient cpu, 2 No preemption victims found for incoming pod."),
        ];
        for (name, nodes, pods, preemptor, want_node, want_msg) in cases {
            let (got, msg) = preempt(&nodes, &pods, &preemptor);
            assert_eq!(got.as_deref(), want_node, "{name}: {msg}");
            assert_eq!(msg, want_msg, "{name}");
        }
    }

    /// TestPostFilter "preemption should respect filteredNodesStatuses".
    #[test]
    fn unresolvable_nodes_are_not_preemption_candidates() {
        let (got, msg) = post_filter_with(
            &[("node1", "0", "0", "1")],
            &[p("p1", LOW, "0", "0", "node1", 0)],
            &p("p", HIGH, "0", "0", "", 0),
            Code::UnschedulableAndUnresolvable,
        );
        assert_eq!(got, None);
        assert_eq!(
            msg,
            "preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling."
        );
    }

    #[test]
    fn preemption_policy_never_is_not_eligible() {
        let nodes = [("node1", "0", "0", "1")];
        let pods = [p("p1", LOW, "0", "0", "node1", 0)];
        let mut preemptor = (*p("p", HIGH, "0", "0", "", 0)).clone();
        let mut obj = (*preemptor.pod).clone();
        if let crate::api::types::Body::Pod(b) = &mut obj.body {
            b.spec.preemption_policy = Some(crate::api::types::PreemptionPolicy::Never);
        }
        preemptor.pod = Arc::new(obj);
        let (got, msg) = preempt(&nodes, &pods, &Arc::new(preemptor));
        assert_eq!(got, None);
        assert_eq!(
            msg,
            "preemption: not eligible due to preemptionPolicy=Never."
        );
    }
}
