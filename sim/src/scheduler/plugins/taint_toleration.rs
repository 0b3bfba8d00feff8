//! TaintToleration: a node's NoSchedule/NoExecute taints must be tolerated (Filter); nodes with
//! fewer untolerated PreferNoSchedule taints score higher (Score, reversed DefaultNormalizeScore).
//! Mirrors pkg/scheduler/framework/plugins/tainttoleration/taint_toleration.go.

use crate::api::types::{Taint, TaintEffect, Toleration};
use crate::scheduler::framework::{
    CycleState, NodeInfo, Plugin, PodInfo, Points, Snapshot, Status, MAX_NODE_SCORE,
};

use super::node_affinity::default_normalize_score;

pub const NAME: &str = "TaintToleration";

/// The Filter reason. Upstream's Filter once said `node(s) had untolerated taint {key: value}`;
/// current upstream names no taint, so that rejections aggregate into one line.
pub const ERR_REASON_UNTOLERATED: &str = "node(s) had untolerated taint(s)";

/// The TaintToleration plugin. It takes no args.
#[derive(Debug, Default)]
pub struct TaintToleration;

pub fn new(_args: Option<&serde_yaml::Value>) -> Result<Box<dyn Plugin>, String> {
    Ok(Box::new(TaintToleration))
}

fn tolerated(tolerations: &[Toleration], taint: &Taint) -> bool {
    tolerations.iter().any(|t| t.tolerates(taint))
}

/// FindMatchingUntoleratedTaint with DoNotScheduleTaintsFilterFunc: the first NoSchedule or
/// NoExecute taint no toleration tolerates.
pub fn find_untolerated_taint<'a>(
    taints: &'a [Taint],
    tolerations: &[Toleration],
) -> Option<&'a Taint> {
    taints.iter().find(|taint| {
        matches!(
            taint.effect,
            TaintEffect::NoSchedule | TaintEffect::NoExecute
        ) && !tolerated(tolerations, taint)
    })
}

/// countIntolerableTaintsPreferNoSchedule. Upstream first keeps the tolerations whose effect is
/// empty or PreferNoSchedule (getAllTolerationPreferNoSchedule); a toleration with another
/// effect never tolerates a PreferNoSchedule taint, so using them all counts the same.
fn count_intolerable_prefer_no_schedule(taints: &[Taint], tolerations: &[Toleration]) -> i64 {
    taints
        .iter()
        .filter(|t| t.effect == TaintEffect::PreferNoSchedule && !tolerated(tolerations, t))
        .count() as i64
}

impl Plugin for TaintToleration {
    fn name(&self) -> &'static str {
        NAME
    }

    fn points(&self) -> Points {
        Points::FILTER | Points::PRE_SCORE | Points::SCORE
    }

    fn filter(&self, _state: &CycleState, pod: &PodInfo, node: &NodeInfo) -> Status {
        match find_untolerated_taint(&node.taints, &pod.spec().tolerations) {
            None => Status::success(),
            Some(_) => Status::unresolvable(ERR_REASON_UNTOLERATED),
        }
    }

    /// Upstream stores the pod's PreferNoSchedule tolerations here for Score; Score reads them
    /// from the pod instead (see `count_intolerable_prefer_no_schedule`), so there is nothing
    /// to keep. The point is declared so that profiles enable and disable it as upstream's.
    fn pre_score(
        &self,
        _state: &mut CycleState,
        _pod: &PodInfo,
        _nodes: &[&NodeInfo],
        _snapshot: &Snapshot,
    ) -> Status {
        Status::success()
    }

    fn score(&self, _state: &CycleState, pod: &PodInfo, node: &NodeInfo) -> Result<i64, Status> {
        Ok(count_intolerable_prefer_no_schedule(
            &node.taints,
            &pod.spec().tolerations,
        ))
    }

    fn normalize_score(
        &self,
        _state: &CycleState,
        _pod: &PodInfo,
        scores: &mut [i64],
    ) -> Option<Status> {
        default_normalize_score(MAX_NODE_SCORE, true, scores);
        Some(Status::success())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::scheduler::testing::{node, pod, snapshot};

    fn pod_with_tolerations(tolerations: &str) -> Arc<PodInfo> {
        pod(&format!(
            "metadata: {{name: pod1}}\nspec: {{tolerations: {tolerations}, containers: [{{name: c, image: i}}]}}"
        ))
    }

    fn node_with_taints(name: &str, taints: &str) -> NodeInfo {
        node(&format!(
            "metadata: {{name: {name}}}\nspec: {{taints: {taints}}}"
        ))
    }

    // Cases from TestTaintTolerationScore in
    // pkg/scheduler/framework/plugins/tainttoleration/taint_toleration_test.go. Skipped: the three
    // "Numeric Gt/Lt operator" cases (the TaintTolerationComparisonOperators alpha feature;
    // kubesim's tolerations have only Equal and Exists).
    #[test]
    fn score_matches_upstream() {
        type Case<'a> = (&'a str, &'a str, &'a [(&'a str, &'a str)], &'a [i64]);
        let cases: &[Case] = &[
            (
                "node with taints tolerated by the pod, gets a higher score than those node with intolerable taints",
                "[{key: foo, operator: Equal, value: bar, effect: PreferNoSchedule}]",
                &[
                    ("nodeA", "[{key: foo, value: bar, effect: PreferNoSchedule}]"),
                    ("nodeB", "[{key: foo, value: blah, effect: PreferNoSchedule}]"),
                ],
                &[MAX_NODE_SCORE, 0],
            ),
            (
                "the nodes that all of their taints are tolerated by the pod, get the same score, no matter how many tolerable taints a node has",
                "[{key: cpu-type, operator: Equal, value: arm64, effect: PreferNoSchedule}, {key: disk-type, operator: Equal, value: ssd, effect: PreferNoSchedule}]",
                &[
                    ("nodeA", "[]"),
                    ("nodeB", "[{key: cpu-type, value: arm64, effect: PreferNoSchedule}]"),
                    (
                        "nodeC",
                        "[{key: cpu-type, value: arm64, effect: PreferNoSchedule}, {key: disk-type, value: ssd, effect: PreferNoSchedule}]",
                    ),
                ],
                &[MAX_NODE_SCORE, MAX_NODE_SCORE, MAX_NODE_SCORE],
            ),
            (
                "the more intolerable taints a node has, the lower score it gets.",
                "[{key: foo, operator: Equal, value: bar, effect: PreferNoSchedule}]",
                &[
                    ("nodeA", "[]"),
                    ("nodeB", "[{key: cpu-type, value: arm64, effect: PreferNoSchedule}]"),
                    (
                        "nodeC",
                        "[{key: cpu-type, value: arm64, effect: PreferNoSchedule}, {key: disk-type, value: ssd, effect: PreferNoSchedule}]",
                    ),
                ],
                &[MAX_NODE_SCORE, 50, 0],
            ),
            (
                "only taints and tolerations that have effect PreferNoSchedule are checked by taints-tolerations priority function",
                "[{key: cpu-type, operator: Equal, value: arm64, effect: NoSchedule}, {key: disk-type, operator: Equal, value: ssd, effect: NoSchedule}]",
                &[
                    ("nodeA", "[]"),
                    ("nodeB", "[{key: cpu-type, value: arm64, effect: NoSchedule}]"),
                    (
                        "nodeC",
                        "[{key: cpu-type, value: arm64, effect: PreferNoSchedule}, {key: disk-type, value: ssd, effect: PreferNoSchedule}]",
                    ),
                ],
                &[MAX_NODE_SCORE, MAX_NODE_SCORE, 0],
            ),
            (
                "Default behaviour No taints and tolerations, lands on node with no taints",
                "[]",
                &[
                    ("nodeA", "[]"),
                    ("nodeB", "[{key: cpu-type, value: arm64, effect: PreferNoSchedule}]"),
                ],
                &[MAX_NODE_SCORE, 0],
            ),
        ];
        let plugin = new(None).unwrap();
        for (name, tolerations, nodes, want) in cases {
            let p = pod_with_tolerations(tolerations);
            let snap = snapshot(
                nodes
                    .iter()
                    .map(|(n, taints)| node_with_taints(n, taints))
                    .collect(),
                &[],
            );
            let infos: Vec<&NodeInfo> = snap.nodes.iter().collect();
            let mut state = CycleState::new();
            assert_eq!(
                plugin.pre_score(&mut state, &p, &infos, &snap),
                Status::success(),
                "{name}"
            );
            let mut scores: Vec<i64> = infos
                .iter()
                .map(|n| plugin.score(&state, &p, n).unwrap())
                .collect();
            assert_eq!(
                plugin.normalize_score(&state, &p, &mut scores),
                Some(Status::success()),
                "{name}"
            );
            assert_eq!(&scores, want, "{name}");
        }
    }

    // Cases from TestTaintTolerationFilter (same file). Skipped: the five Gt/Lt toleration cases
    // (TaintTolerationComparisonOperators alpha feature).
    #[test]
    fn filter_matches_upstream() {
        let untolerated = Some(ERR_REASON_UNTOLERATED);
        let cases = [
            (
                "A pod having no tolerations can't be scheduled onto a node with nonempty taints",
                "[]",
                "[{key: dedicated, value: user1, effect: NoSchedule}]",
                untolerated,
            ),
            (
                "A pod which can be scheduled on a dedicated node assigned to user1 with effect NoSchedule",
                "[{key: dedicated, value: user1, effect: NoSchedule}]",
                "[{key: dedicated, value: user1, effect: NoSchedule}]",
                None,
            ),
            (
                "A pod which can't be scheduled on a dedicated node assigned to user2 with effect NoSchedule",
                "[{key: dedicated, operator: Equal, value: user2, effect: NoSchedule}]",
                "[{key: dedicated, value: user1, effect: NoSchedule}]",
                untolerated,
            ),
            (
                "A pod can be scheduled onto the node, with a toleration uses operator Exists that tolerates the taints on the node",
                "[{key: foo, operator: Exists, effect: NoSchedule}]",
                "[{key: foo, value: bar, effect: NoSchedule}]",
                None,
            ),
            (
                "A pod has multiple tolerations, node has multiple taints, all the taints are tolerated, pod can be scheduled onto the node",
                "[{key: dedicated, operator: Equal, value: user2, effect: NoSchedule}, {key: foo, operator: Exists, effect: NoSchedule}]",
                "[{key: dedicated, value: user2, effect: NoSchedule}, {key: foo, value: bar, effect: NoSchedule}]",
                None,
            ),
            (
                "A pod has a toleration that keys and values match the taint on the node, but (non-empty) effect doesn't match, can't be scheduled onto the node",
                "[{key: foo, operator: Equal, value: bar, effect: PreferNoSchedule}]",
                "[{key: foo, value: bar, effect: NoSchedule}]",
                untolerated,
            ),
            (
                "The pod has a toleration that keys and values match the taint on the node, the effect of toleration is empty, and the effect of taint is NoSchedule. Pod can be scheduled onto the node",
                "[{key: foo, operator: Equal, value: bar}]",
                "[{key: foo, value: bar, effect: NoSchedule}]",
                None,
            ),
            (
                "The pod has a toleration that key and value don't match the taint on the node, but the effect of taint on node is PreferNoSchedule. Pod can be scheduled onto the node",
                "[{key: dedicated, operator: Equal, value: user2, effect: NoSchedule}]",
                "[{key: dedicated, value: user1, effect: PreferNoSchedule}]",
                None,
            ),
            (
                "The pod has no toleration, but the effect of taint on node is PreferNoSchedule. Pod can be scheduled onto the node",
                "[]",
                "[{key: dedicated, value: user1, effect: PreferNoSchedule}]",
                None,
            ),
            // Not upstream: NoExecute taints count for the filter too.
            (
                "untolerated NoExecute taint",
                "[{key: foo, operator: Exists, effect: NoSchedule}]",
                "[{key: foo, value: bar, effect: NoExecute}]",
                untolerated,
            ),
        ];
        let plugin = new(None).unwrap();
        for (name, tolerations, taints, want) in cases {
            let p = pod_with_tolerations(tolerations);
            let n = node_with_taints("nodeA", taints);
            let want = match want {
                Some(reason) => Status::unresolvable(reason),
                None => Status::success(),
            };
            assert_eq!(plugin.filter(&CycleState::new(), &p, &n), want, "{name}");
        }
    }
}
