//! The scheduler cache: the nodes and the pods on them as the scheduler believes them to be,
//! bound pods from the informer plus pods it has assumed while their Binding is in flight.
//! Mirrors pkg/scheduler/backend/cache/{cache.go,node_tree.go}; kubesim schedules on the
//! cache's snapshot in place (one scheduling goroutine, nothing changes under it).

use std::collections::BTreeMap;
use std::sync::Arc;

use super::framework::{NodeInfo, PodInfo, Snapshot};
use crate::api::types::{zone_key, Name, Object, Uid};

/// The cache.
#[derive(Default)]
pub struct Cache {
    snapshot: Snapshot,
    /// The node tree: zone keys in order of first appearance, each with its nodes in order
    /// of addition.
    zones: Vec<(String, Vec<Name>)>,
    /// Snapshot indexes in node tree order (nodeTree.list: round-robin over zones), rebuilt
    /// lazily after nodes come or go.
    order: Vec<u32>,
    order_stale: bool,
    /// Where each pod the cache holds is, by UID.
    pod_nodes: BTreeMap<Uid, Name>,
    /// Pods assumed by the scheduler and not yet confirmed by the informer.
    assumed: BTreeMap<Uid, Name>,
}

impl Cache {
    pub fn new() -> Cache {
        Cache::default()
    }

    pub fn snapshot(&self) -> &Snapshot {
        &self.snapshot
    }
    pub fn snapshot_mut(&mut self) -> &mut Snapshot {
        &mut self.snapshot
    }
    /// Brings the node tree order up to date; call before `order` after nodes changed.
    pub fn update_order(&mut self) {
        if self.order_stale {
            self.rebuild_order();
            self.order_stale = false;
        }
    }
    /// Snapshot indexes in node tree order (as of the last `update_order`).
    pub fn order(&self) -> &[u32] {
        debug_assert!(!self.order_stale, "update_order first");
        &self.order
    }
    pub fn node_count(&self) -> usize {
        self.snapshot.len()
    }
    pub fn is_assumed(&self, uid: Uid) -> bool {
        self.assumed.contains_key(&uid)
    }

    fn rebuild_order(&mut self) {
        // nodeTree.list: take the i-th node of every zone in turn until all are listed.
        self.order.clear();
        let total: usize = self.zones.iter().map(|(_, n)| n.len()).sum();
        let mut i = 0;
        while self.order.len() < total {
            for (_, nodes) in &self.zones {
                if let Some(name) = nodes.get(i) {
                    let idx = self.snapshot.position(name).expect("node in snapshot");
                    self.order.push(idx as u32);
                }
            }
            i += 1;
        }
    }

    pub fn add_node(&mut self, node: Arc<Object>) {
        if self.snapshot.get(&node.meta.name).is_some() {
            self.update_node(node);
            return;
        }
        let zone = zone_key(&node);
        let name = node.meta.name.clone();
        self.snapshot.push(NodeInfo::new(node));
        match self.zones.iter_mut().find(|(z, _)| *z == zone) {
            Some((_, nodes)) => nodes.push(name),
            None => self.zones.push((zone, vec![name])),
        }
        self.order_stale = true;
    }

    pub fn update_node(&mut self, node: Arc<Object>) {
        let Some(old) = self.snapshot.get(&node.meta.name) else {
            self.add_node(node);
            return;
        };
        let (old_zone, new_zone) = (zone_key(&old.node), zone_key(&node));
        let name = node.meta.name.clone();
        self.snapshot.update_node(node);
        if old_zone != new_zone {
            self.remove_from_zone(&name, &old_zone);
            match self.zones.iter_mut().find(|(z, _)| *z == new_zone) {
                Some((_, nodes)) => nodes.push(name),
                None => self.zones.push((new_zone, vec![name])),
            }
            self.order_stale = true;
        }
    }

    fn remove_from_zone(&mut self, name: &str, zone: &str) {
        if let Some(i) = self.zones.iter().position(|(z, _)| z == zone) {
            self.zones[i].1.retain(|n| n != name);
            if self.zones[i].1.is_empty() {
                self.zones.remove(i);
            }
        }
    }

    pub fn remove_node(&mut self, node: &Object) {
        let Some(info) = self.snapshot.remove(&node.meta.name) else {
            return;
        };
        for p in &info.pods {
            self.pod_nodes.remove(&p.pod.meta.uid);
            self.assumed.remove(&p.pod.meta.uid);
        }
        self.remove_from_zone(&node.meta.name, &zone_key(&info.node));
        self.order_stale = true;
    }

    /// AssumePod: the pod counts on `node` from now, before its Binding commits.
    pub fn assume_pod(&mut self, pod: Arc<PodInfo>, node: &Name) {
        let uid = pod.pod.meta.uid;
        self.remove_pod_by_uid(uid);
        if self.snapshot.add_pod(node, pod) {
            self.pod_nodes.insert(uid, node.clone());
            self.assumed.insert(uid, node.clone());
        }
    }

    /// ForgetPod: the binding failed; the assumed pod no longer counts.
    pub fn forget_pod(&mut self, uid: Uid) {
        if self.assumed.remove(&uid).is_some() {
            self.remove_pod_by_uid(uid);
        }
    }

    /// AddPod / UpdatePod from the informer: a bound pod (confirming an assumed one).
    pub fn add_or_update_pod(&mut self, pod: Arc<PodInfo>) {
        let uid = pod.pod.meta.uid;
        let node = pod.spec().node_name.clone();
        self.assumed.remove(&uid);
        self.remove_pod_by_uid(uid);
        if self.snapshot.add_pod(&node, pod) {
            self.pod_nodes.insert(uid, node);
        }
    }

    /// RemovePod from the informer.
    pub fn remove_pod(&mut self, uid: Uid) {
        self.assumed.remove(&uid);
        self.remove_pod_by_uid(uid);
    }

    fn remove_pod_by_uid(&mut self, uid: Uid) {
        if let Some(node) = self.pod_nodes.remove(&uid) {
            self.snapshot.remove_pod(&node, uid);
        }
    }

    /// Whether the cache holds the pod (bound or assumed).
    pub fn has_pod(&self, uid: Uid) -> bool {
        self.pod_nodes.contains_key(&uid)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheduler::testing::{object, pod};

    fn node(name: &str, zone: &str) -> Arc<Object> {
        Arc::new(object(&format!(
            "kind: Node\nmetadata: {{name: {name}, labels: {{topology.kubernetes.io/zone: {zone}}}}}"
        )))
    }

    /// node_tree_test.go: nodes are listed round-robin across zones.
    #[test]
    fn node_tree_order_interleaves_zones() {
        let mut c = Cache::new();
        for (n, z) in [
            ("a1", "a"),
            ("a2", "a"),
            ("a3", "a"),
            ("b1", "b"),
            ("c1", "c"),
            ("b2", "b"),
        ] {
            c.add_node(node(n, z));
        }
        c.update_order();
        let names: Vec<&str> = c
            .order()
            .iter()
            .map(|&i| c.snapshot().nodes[i as usize].name())
            .collect();
        assert_eq!(names, ["a1", "b1", "c1", "a2", "b2", "a3"]);
        c.remove_node(&node("b1", "b"));
        c.update_order();
        let names: Vec<&str> = c
            .order()
            .iter()
            .map(|&i| c.snapshot().nodes[i as usize].name())
            .collect();
        assert_eq!(names, ["a1", "b2", "c1", "a2", "a3"]);
    }

    #[test]
    fn assumed_pods_count_until_forgotten_or_confirmed() {
        let mut c = Cache::new();
        c.add_node(node("n1", "a"));
        let p = pod("metadata: {name: p, uid: 11111111-1111-1111-1111-111111111111}\nspec: {containers: [{name: c, image: i, resources: {requests: {cpu: '1'}}}]}");
        let uid = p.pod.meta.uid;
        c.assume_pod(p.clone(), &"n1".into());
        assert_eq!(c.snapshot().get("n1").unwrap().requested.milli_cpu, 1000);
        assert!(c.is_assumed(uid));
        c.forget_pod(uid);
        assert_eq!(c.snapshot().get("n1").unwrap().requested.milli_cpu, 0);
        c.assume_pod(p.clone(), &"n1".into());
        let bound = pod("metadata: {name: p, uid: 11111111-1111-1111-1111-111111111111}\nspec: {nodeName: n1, containers: [{name: c, image: i, resources: {requests: {cpu: '1'}}}]}");
        c.add_or_update_pod(bound);
        assert!(!c.is_assumed(uid));
        assert_eq!(c.snapshot().get("n1").unwrap().pods.len(), 1);
        c.remove_pod(uid);
        assert_eq!(c.snapshot().get("n1").unwrap().pods.len(), 0);
    }
}
