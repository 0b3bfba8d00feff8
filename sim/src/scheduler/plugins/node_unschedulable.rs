//! NodeUnschedulable: a cordoned node (`spec.unschedulable`) takes only pods that tolerate the
//! `node.kubernetes.io/unschedulable:NoSchedule` taint.
//! Mirrors pkg/scheduler/framework/plugins/nodeunschedulable/node_unschedulable.go.

use crate::api::types::{Name, Taint, TaintEffect};
use crate::scheduler::framework::{CycleState, NodeInfo, Plugin, PodInfo, Points, Status};

pub const NAME: &str = "NodeUnschedulable";

/// ErrReasonUnschedulable.
pub const ERR_REASON_UNSCHEDULABLE: &str = "node(s) were unschedulable";

/// v1.TaintNodeUnschedulable.
pub const TAINT_NODE_UNSCHEDULABLE: &str = "node.kubernetes.io/unschedulable";

/// The NodeUnschedulable plugin. It takes no args.
#[derive(Debug, Default)]
pub struct NodeUnschedulable;

pub fn new(_args: Option<&serde_yaml::Value>) -> Result<Box<dyn Plugin>, String> {
    Ok(Box::new(NodeUnschedulable))
}

impl Plugin for NodeUnschedulable {
    fn name(&self) -> &'static str {
        NAME
    }

    fn points(&self) -> Points {
        Points::FILTER
    }

    fn filter(&self, _state: &CycleState, pod: &PodInfo, node: &NodeInfo) -> Status {
        if !node.unschedulable {
            return Status::success();
        }
        // A pod that tolerates the unschedulable taint also tolerates `spec.unschedulable`.
        let taint = Taint {
            key: Name::new_static(TAINT_NODE_UNSCHEDULABLE),
            value: Name::default(),
            effect: TaintEffect::NoSchedule,
            time_added: None,
        };
        if pod.spec().tolerations.iter().any(|t| t.tolerates(&taint)) {
            Status::success()
        } else {
            Status::unresolvable(ERR_REASON_UNSCHEDULABLE)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheduler::testing::{node, pod};

    // Cases from TestNodeUnschedulable in
    // pkg/scheduler/framework/plugins/nodeunschedulable/node_unschedulable_test.go, plus two
    // toleration shapes that also tolerate the taint (Exists on the key, empty key with Exists).
    #[test]
    fn filter_matches_upstream() {
        let cases = [
            (
                "Does not schedule pod to unschedulable node (node.Spec.Unschedulable==true)",
                "[]",
                true,
                Status::unresolvable(ERR_REASON_UNSCHEDULABLE),
            ),
            ("Schedule pod to normal node", "[]", false, Status::success()),
            (
                "Schedule pod with toleration to unschedulable node (node.Spec.Unschedulable==true)",
                "[{key: node.kubernetes.io/unschedulable, effect: NoSchedule}]",
                true,
                Status::success(),
            ),
            (
                "toleration with operator Exists and no effect",
                "[{key: node.kubernetes.io/unschedulable, operator: Exists}]",
                true,
                Status::success(),
            ),
            (
                "toleration of every taint",
                "[{operator: Exists}]",
                true,
                Status::success(),
            ),
            (
                "toleration with another effect",
                "[{key: node.kubernetes.io/unschedulable, operator: Exists, effect: NoExecute}]",
                true,
                Status::unresolvable(ERR_REASON_UNSCHEDULABLE),
            ),
        ];
        let plugin = new(None).unwrap();
        for (name, tolerations, unschedulable, want) in cases {
            let p = pod(&format!(
                "metadata: {{name: p}}\nspec: {{tolerations: {tolerations}, containers: [{{name: c, image: i}}]}}"
            ));
            let n = node(&format!(
                "metadata: {{name: n}}\nspec: {{unschedulable: {unschedulable}}}"
            ));
            assert_eq!(plugin.filter(&CycleState::new(), &p, &n), want, "{name}");
        }
    }
}
