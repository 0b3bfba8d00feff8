//! NodePorts: a pod's host ports must be free on the node (same protocol and port conflict when
//! either host IP is the 0.0.0.0 wildcard or both are equal).
//! Mirrors pkg/scheduler/framework/plugins/nodeports/node_ports.go.

use crate::scheduler::framework::{
    CycleState, NodeInfo, Plugin, PodInfo, Points, PreFilterResult, Snapshot, Status,
};

pub const NAME: &str = "NodePorts";

/// ErrReason.
pub const ERR_REASON: &str = "node(s) didn't have free ports for the requested pod ports";

/// The NodePorts plugin. It takes no args.
#[derive(Debug, Default)]
pub struct NodePorts;

pub fn new(_args: Option<&serde_yaml::Value>) -> Result<Box<dyn Plugin>, String> {
    Ok(Box::new(NodePorts))
}

/// Fits: none of the pod's host ports (getContainerPorts: regular containers' ports with a
/// hostPort, kept in `PodInfo::host_ports`) conflicts with a port in use on the node.
pub fn fits(pod: &PodInfo, node: &NodeInfo) -> bool {
    pod.host_ports
        .iter()
        .all(|want| !node.used_ports.iter().any(|used| used.conflicts(want)))
}

impl Plugin for NodePorts {
    fn name(&self) -> &'static str {
        NAME
    }

    fn points(&self) -> Points {
        Points::PRE_FILTER | Points::FILTER
    }

    /// Skip when the pod asks for no host port. Upstream keeps the wanted ports in the cycle
    /// state; `PodInfo` already holds them, so nothing is written.
    fn pre_filter(
        &self,
        _state: &mut CycleState,
        pod: &PodInfo,
        _snapshot: &Snapshot,
    ) -> (PreFilterResult, Status) {
        if pod.host_ports.is_empty() {
            (PreFilterResult::default(), Status::skip())
        } else {
            (PreFilterResult::default(), Status::success())
        }
    }

    fn filter(&self, _state: &CycleState, pod: &PodInfo, node: &NodeInfo) -> Status {
        if fits(pod, node) {
            Status::success()
        } else {
            Status::unschedulable(ERR_REASON)
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::scheduler::testing::{node_with_pods, pod};

    /// newPod(host, "PROTO/IP/PORT"...) of the upstream test: one container with those ports.
    fn new_pod(name: &str, ports: &[&str]) -> Arc<PodInfo> {
        let ports: Vec<String> = ports
            .iter()
            .map(|p| {
                let parts: Vec<&str> = p.split('/').collect();
                format!(
                    "{{containerPort: {port}, protocol: {proto}, hostIP: '{ip}', hostPort: {port}}}",
                    proto = parts[0],
                    ip = parts[1],
                    port = parts[2]
                )
            })
            .collect();
        pod(&format!(
            "metadata: {{name: {name}}}\nspec: {{nodeName: m1, containers: [{{name: c, image: i, ports: [{}]}}]}}",
            ports.join(", ")
        ))
    }

    // Cases from TestNodePorts in pkg/scheduler/framework/plugins/nodeports/node_ports_test.go.
    #[test]
    fn pre_filter_and_filter_match_upstream() {
        type Case<'a> = (&'a str, &'a [&'a str], &'a [&'a str], Option<&'a str>);
        let unschedulable = Some(ERR_REASON);
        let cases: &[Case] = &[
            (
                "other port",
                &["UDP/127.0.0.1/8080"],
                &["UDP/127.0.0.1/9090"],
                None,
            ),
            (
                "same udp port",
                &["UDP/127.0.0.1/8080"],
                &["UDP/127.0.0.1/8080"],
                unschedulable,
            ),
            (
                "same tcp port",
                &["TCP/127.0.0.1/8080"],
                &["TCP/127.0.0.1/8080"],
                unschedulable,
            ),
            (
                "different host ip",
                &["TCP/127.0.0.1/8080"],
                &["TCP/127.0.0.2/8080"],
                None,
            ),
            (
                "different protocol",
                &["UDP/127.0.0.1/8080"],
                &["TCP/127.0.0.1/8080"],
                None,
            ),
            (
                "second udp port conflict",
                &["UDP/127.0.0.1/8000", "UDP/127.0.0.1/8080"],
                &["UDP/127.0.0.1/8080"],
                unschedulable,
            ),
            (
                "first tcp port conflict",
                &["TCP/127.0.0.1/8001", "UDP/127.0.0.1/8080"],
                &["TCP/127.0.0.1/8001", "UDP/127.0.0.1/8081"],
                unschedulable,
            ),
            (
                "first tcp port conflict due to 0.0.0.0 hostIP",
                &["TCP/0.0.0.0/8001"],
                &["TCP/127.0.0.1/8001"],
                unschedulable,
            ),
            (
                "TCP hostPort conflict due to 0.0.0.0 hostIP",
                &["TCP/10.0.10.10/8001", "TCP/0.0.0.0/8001"],
                &["TCP/127.0.0.1/8001"],
                unschedulable,
            ),
            (
                "second tcp port conflict to 0.0.0.0 hostIP",
                &["TCP/127.0.0.1/8001"],
                &["TCP/0.0.0.0/8001"],
                unschedulable,
            ),
            (
                "second different protocol",
                &["UDP/127.0.0.1/8001"],
                &["TCP/0.0.0.0/8001"],
                None,
            ),
            (
                "UDP hostPort conflict due to 0.0.0.0 hostIP",
                &["UDP/127.0.0.1/8001"],
                &["TCP/0.0.0.0/8001", "UDP/0.0.0.0/8001"],
                unschedulable,
            ),
            // Not upstream: an empty hostIP is the wildcard.
            (
                "empty hostIP is 0.0.0.0",
                &["TCP//8001"],
                &["TCP/127.0.0.1/8001"],
                unschedulable,
            ),
        ];
        let plugin = new(None).unwrap();
        let snapshot = Snapshot::default();
        for (name, want_ports, used_ports, want) in cases {
            let p = new_pod("p", want_ports);
            let existing = new_pod("existing", used_ports);
            let n = node_with_pods("metadata: {name: m1}", &[existing]);
            let mut state = CycleState::new();
            let (result, status) = plugin.pre_filter(&mut state, &p, &snapshot);
            assert_eq!(result, PreFilterResult::default(), "{name}");
            assert_eq!(status, Status::success(), "{name}");
            let want = match want {
                Some(reason) => Status::unschedulable(*reason),
                None => Status::success(),
            };
            assert_eq!(plugin.filter(&state, &p, &n), want, "{name}");
        }
    }

    // "skip filter" of TestNodePorts: a pod without host ports skips the plugin; container ports
    // without a hostPort are not host ports (TestGetContainerPorts).
    #[test]
    fn pod_without_host_ports_skips() {
        let plugin = new(None).unwrap();
        for spec in [
            "{containers: [{name: c, image: i}]}",
            "{containers: [{name: c, image: i, ports: [{containerPort: 8005}]}]}",
        ] {
            let p = pod(&format!("metadata: {{name: p}}\nspec: {spec}"));
            let (_, status) = plugin.pre_filter(&mut CycleState::new(), &p, &Snapshot::default());
            assert_eq!(status, Status::skip(), "skip filter: {spec}");
        }
    }
}
