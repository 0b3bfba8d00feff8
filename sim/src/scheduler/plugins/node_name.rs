//! NodeName: a pod that names a node in `spec.nodeName` fits only that node.
//! Mirrors pkg/scheduler/framework/plugins/nodename/node_name.go.

use crate::scheduler::framework::{CycleState, NodeInfo, Plugin, PodInfo, Points, Status};

pub const NAME: &str = "NodeName";

/// ErrReason.
pub const ERR_REASON: &str = "node(s) didn't match the requested node name";

/// The NodeName plugin. It takes no args.
#[derive(Debug, Default)]
pub struct NodeName;

pub fn new(_args: Option<&serde_yaml::Value>) -> Result<Box<dyn Plugin>, String> {
    Ok(Box::new(NodeName))
}

/// Fits: the pod names no node, or names this one.
pub fn fits(pod: &PodInfo, node: &NodeInfo) -> bool {
    let wanted = &pod.spec().node_name;
    wanted.is_empty() || wanted == node.name()
}

impl Plugin for NodeName {
    fn name(&self) -> &'static str {
        NAME
    }

    fn points(&self) -> Points {
        Points::FILTER
    }

    fn filter(&self, _state: &CycleState, pod: &PodInfo, node: &NodeInfo) -> Status {
        if fits(pod, node) {
            Status::success()
        } else {
            Status::unresolvable(ERR_REASON)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheduler::testing::{node, pod};

    // Cases from TestNodeName in pkg/scheduler/framework/plugins/nodename/node_name_test.go.
    // Upstream's first case uses an unnamed node; ours is named, which changes nothing when the
    // pod names no node.
    #[test]
    fn filter_matches_upstream() {
        let cases = [
            ("no host specified", "", "foo", Status::success()),
            ("host matches", "foo", "foo", Status::success()),
            (
                "host doesn't match",
                "bar",
                "foo",
                Status::unresolvable(ERR_REASON),
            ),
        ];
        let plugin = new(None).unwrap();
        for (name, pod_node, node_name, want) in cases {
            let p = pod(&format!(
                "metadata: {{name: p}}\nspec: {{nodeName: '{pod_node}', containers: [{{name: c, image: i}}]}}"
            ));
            let n = node(&format!("metadata: {{name: {node_name}}}"));
            assert_eq!(plugin.filter(&CycleState::new(), &p, &n), want, "{name}");
        }
    }
}
