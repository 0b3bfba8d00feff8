//! FirstFit: a Score plugin that gives the whole score to the feasible node that comes first in
//! the cluster's node order (the order nodes entered the scheduler's cache: listed by name at
//! start, then as they are added), so the profile places each pod on the first node that
//! fits. Combine with `percentageOfNodesToScore: 100` so every node is considered.

use crate::api::types::Name;
use crate::scheduler::framework::{
    CycleState, NodeInfo, Plugin, PodInfo, Points, Snapshot, Status, MAX_NODE_SCORE,
};

pub const NAME: &str = "FirstFit";
const STATE_KEY: &str = "PreScoreFirstFit";

pub struct FirstFit;

pub fn new(args: Option<&serde_yaml::Value>) -> Result<Box<dyn Plugin>, String> {
    if args.is_some_and(|a| !a.is_null()) {
        return Err("FirstFit takes no args".into());
    }
    Ok(Box::new(FirstFit))
}

impl Plugin for FirstFit {
    fn name(&self) -> &'static str {
        NAME
    }
    fn points(&self) -> Points {
        Points::PRE_SCORE | Points::SCORE
    }
    fn pre_score(
        &self,
        state: &mut CycleState,
        _pod: &PodInfo,
        nodes: &[&NodeInfo],
        snapshot: &Snapshot,
    ) -> Status {
        let first = nodes
            .iter()
            .min_by_key(|n| snapshot.position(n.name()).unwrap_or(usize::MAX))
            .map(|n| Name::new(n.name()));
        state.write(STATE_KEY, first);
        Status::success()
    }
    fn score(&self, state: &CycleState, _pod: &PodInfo, node: &NodeInfo) -> Result<i64, Status> {
        let first = state
            .read::<Option<Name>>(STATE_KEY)
            .ok_or_else(|| Status::error("FirstFit: no PreScore state"))?;
        Ok(if first.as_deref() == Some(node.name()) {
            MAX_NODE_SCORE
        } else {
            0
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheduler::testing::{node, pod, snapshot};

    #[test]
    fn the_first_node_in_cluster_order_gets_the_score() {
        let s = snapshot(
            vec![
                node("metadata: {name: a}"),
                node("metadata: {name: b}"),
                node("metadata: {name: c}"),
            ],
            &[],
        );
        let p = pod("metadata: {name: p}\nspec: {containers: [{name: c, image: i}]}");
        let plugin = FirstFit;
        let mut state = CycleState::new();
        // Feasible nodes as a rotated evaluation would list them: c, b (a was filtered out).
        let feasible = [&s.nodes[2], &s.nodes[1]];
        assert!(plugin.pre_score(&mut state, &p, &feasible, &s).is_success());
        let scores: Vec<i64> = feasible
            .iter()
            .map(|n| plugin.score(&state, &p, n).unwrap())
            .collect();
        assert_eq!(scores, vec![0, MAX_NODE_SCORE]);
    }
}
