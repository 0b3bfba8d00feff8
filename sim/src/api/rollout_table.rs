//! The rollout time series written out as `rollouts.csv` (docs/trace-format.md): for every
//! ReplicaSet a Deployment controls, a row each time its desired, current, ready or available
//! count changes, at the instant the write committed — what `kubectl get rs -w` would show
//! during a rollout.

use std::collections::BTreeMap;
use std::io::Write;

use crate::api::types::{Body, Name, Object, Uid};
use crate::engine::SimTime;

/// The `rollouts.csv` header.
pub const ROLLOUT_TABLE_HEADER: [&str; 10] = [
    "time_ns",
    "namespace",
    "deployment",
    "replicaset",
    "revision",
    "desired",
    "current",
    "ready",
    "available",
    "deleted",
];

/// The annotation the Deployment controller keeps a ReplicaSet's revision in.
const REVISION_ANNOTATION: &str = "deployment.kubernetes.io/revision";

#[derive(Clone, Debug, PartialEq, Eq)]
struct Counts {
    revision: Name,
    desired: i32,
    current: i32,
    ready: i32,
    available: i32,
}

#[derive(Clone, Debug)]
struct Row {
    time_ns: SimTime,
    namespace: Name,
    deployment: Name,
    replicaset: Name,
    counts: Counts,
    deleted: bool,
}

/// The series, in commit order.
#[derive(Clone, Debug, Default)]
pub struct RolloutTable {
    rows: Vec<Row>,
    last: BTreeMap<Uid, Counts>,
}

impl RolloutTable {
    pub fn new() -> RolloutTable {
        RolloutTable::default()
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Called for every committed ReplicaSet write (`new` None for a deletion).
    pub fn observe(&mut self, now: SimTime, old: Option<&Object>, new: Option<&Object>) {
        let Some(obj) = new.or(old) else { return };
        let Body::ReplicaSet(rs) = &obj.body else {
            return;
        };
        let Some(owner) = obj.meta.controller_ref().filter(|r| r.kind == "Deployment") else {
            return;
        };
        let counts = Counts {
            revision: obj
                .meta
                .annotations
                .get(REVISION_ANNOTATION)
                .map(Name::from)
                .unwrap_or_default(),
            desired: rs.replicas,
            current: rs.status.replicas,
            ready: rs.status.ready_replicas,
            available: rs.status.available_replicas,
        };
        let deleted = new.is_none();
        if !deleted && self.last.get(&obj.meta.uid) == Some(&counts) {
            return;
        }
        if deleted {
            self.last.remove(&obj.meta.uid);
        } else {
            self.last.insert(obj.meta.uid, counts.clone());
        }
        self.rows.push(Row {
            time_ns: now,
            namespace: obj.meta.namespace.clone(),
            deployment: owner.name.clone(),
            replicaset: obj.meta.name.clone(),
            counts,
            deleted,
        });
    }

    /// The series as (time, deployment, replicaset, desired, current, ready, available,
    /// deleted) tuples, in commit order.
    #[allow(clippy::type_complexity)]
    pub fn rows(&self) -> impl Iterator<Item = (SimTime, &str, &str, i32, i32, i32, i32, bool)> {
        self.rows.iter().map(|r| {
            (
                r.time_ns,
                r.deployment.as_str(),
                r.replicaset.as_str(),
                r.counts.desired,
                r.counts.current,
                r.counts.ready,
                r.counts.available,
                r.deleted,
            )
        })
    }

    /// Writes `rollouts.csv`: a header and one row per change, in commit order.
    pub fn write_csv<W: Write>(&self, w: W) -> std::io::Result<()> {
        let mut out = csv::Writer::from_writer(w);
        out.write_record(ROLLOUT_TABLE_HEADER)?;
        for r in &self.rows {
            out.write_record([
                r.time_ns.to_string(),
                r.namespace.to_string(),
                r.deployment.to_string(),
                r.replicaset.to_string(),
                r.counts.revision.to_string(),
                r.counts.desired.to_string(),
                r.counts.current.to_string(),
                r.counts.ready.to_string(),
                r.counts.available.to_string(),
                r.deleted.to_string(),
            ])?;
        }
        out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::manifest::parse_manifests;

    fn rs(replicas: i32, ready: i32) -> Object {
        let mut o = parse_manifests(
            &format!(
                "apiVersion: apps/v1\nkind: ReplicaSet\nmetadata:\n  name: web-abc\n  namespace: default\n  annotations: {{deployment.kubernetes.io/revision: '2'}}\n  ownerReferences: [{{apiVersion: apps/v1, kind: Deployment, name: web, uid: 00000000-0000-0000-0000-000000000001, controller: true}}]\nspec:\n  replicas: {replicas}\n  selector: {{matchLabels: {{app: web}}}}\n  template: {{metadata: {{labels: {{app: web}}}}, spec: {{containers: [{{name: c, image: i}}]}}}}\n"
            ),
            "t",
        )
        .unwrap()
        .remove(0)
        .object;
        if let Body::ReplicaSet(r) = &mut o.body {
            r.status.replicas = replicas;
            r.status.ready_replicas = ready;
        }
        o.meta.uid = Uid(7);
        o
    }

    #[test]
    fn a_row_per_change_of_a_deployment_owned_replicaset() {
        let mut t = RolloutTable::new();
        t.observe(1, None, Some(&rs(1, 0)));
        t.observe(2, None, Some(&rs(1, 0))); // no change: no row
        t.observe(3, None, Some(&rs(1, 1)));
        t.observe(4, Some(&rs(1, 1)), None);
        let mut out = Vec::new();
        t.write_csv(&mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text,
            "time_ns,namespace,deployment,replicaset,revision,desired,current,ready,available,deleted\n\
             1,default,web,web-abc,2,1,1,0,0,false\n\
             3,default,web,web-abc,2,1,1,1,0,false\n\
             4,default,web,web-abc,2,1,1,1,0,true\n"
        );
    }
}
