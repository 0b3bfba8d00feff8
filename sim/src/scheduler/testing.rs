//! Test fixtures for plugin tests: pods and nodes from short YAML manifests, the way
//! upstream's tests use st.MakePod()/st.MakeNode() (pkg/scheduler/testing/wrappers.go).

use std::sync::Arc;

use crate::api::manifest::parse_manifests;
use crate::api::types::Object;
use crate::scheduler::framework::{NodeInfo, PodInfo, Snapshot};

/// Parses one object from YAML. `apiVersion` may be omitted (it defaults to `v1`).
pub fn object(yaml: &str) -> Object {
    let yaml = if yaml.contains("apiVersion:") {
        yaml.to_string()
    } else {
        format!("apiVersion: v1\n{yaml}")
    };
    let mut parsed = parse_manifests(&yaml, "fixture").expect("fixture parses");
    assert_eq!(parsed.len(), 1, "one object per fixture");
    let mut obj = parsed.remove(0).object;
    if obj.meta.namespace.is_empty() && obj.kind().namespaced() {
        obj.meta.namespace = "default".into();
    }
    if obj.meta.uid.0 == 0 {
        // A stable UID from the name, so fixtures can be told apart.
        obj.meta.uid.0 = obj
            .meta
            .name
            .bytes()
            .fold(0xcbf2_9ce4_8422_2325_u128, |h, b| {
                (h ^ b as u128).wrapping_mul(0x100_0000_01b3)
            });
    }
    obj
}

/// A pod from YAML; `kind: Pod` and `apiVersion` are added when missing.
/// Example: `pod("metadata: {name: p}\nspec: {containers: [{name: c, image: i}]}")`.
pub fn pod(yaml: &str) -> Arc<PodInfo> {
    let yaml = if yaml.contains("kind:") {
        yaml.to_string()
    } else {
        format!("kind: Pod\n{yaml}")
    };
    Arc::new(PodInfo::new(Arc::new(object(&yaml))))
}

/// A node from YAML; `kind: Node` is added when missing.
pub fn node(yaml: &str) -> NodeInfo {
    let yaml = if yaml.contains("kind:") {
        yaml.to_string()
    } else {
        format!("kind: Node\n{yaml}")
    };
    NodeInfo::new(Arc::new(object(&yaml)))
}

/// A node with the given pods on it.
pub fn node_with_pods(yaml: &str, pods: &[Arc<PodInfo>]) -> NodeInfo {
    let mut info = node(yaml);
    for p in pods {
        info.add_pod(p.clone());
    }
    info
}

/// A snapshot of nodes, each with the pods whose `spec.nodeName` names it
/// (upstream's cache.NewSnapshot(existingPods, nodes)).
pub fn snapshot(nodes: Vec<NodeInfo>, pods: &[Arc<PodInfo>]) -> Snapshot {
    let mut snapshot = Snapshot::new(nodes);
    for p in pods {
        let node = p.spec().node_name.clone();
        snapshot.add_pod(&node, p.clone());
    }
    snapshot
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixtures_build_pods_and_nodes() {
        let p = pod("metadata: {name: p}\nspec: {nodeName: n1, containers: [{name: c, image: i, resources: {requests: {cpu: 500m}}}]}");
        assert_eq!(p.requests.milli_cpu, 500);
        assert_eq!(
            p.non_zero_memory,
            crate::scheduler::framework::DEFAULT_MEMORY_REQUEST
        );
        let n = node(
            "metadata: {name: n1}\nstatus: {allocatable: {cpu: '4', memory: 8Gi, pods: '110'}}",
        );
        assert_eq!(n.allocatable.milli_cpu, 4000);
        let s = snapshot(vec![n], &[p]);
        assert_eq!(s.get("n1").unwrap().requested.milli_cpu, 500);
    }
}
