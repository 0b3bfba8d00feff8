//! Integration tests of the garbage collector (pkg/controller/garbagecollector/
//! garbagecollector.go): background, orphan and foreground deletion of hand-made dependents,
//! and the pods of a deleted Job.

use kubesim::api::request::{DeleteOptions, PropagationPolicy, Request, Response};
use kubesim::api::types::{Kind, Uid};
use kubesim::cluster::Cluster;
use kubesim::controllers::garbage_collector::GarbageCollector;
use kubesim::engine::{MINUTE, SECOND};
use kubesim::model::Model;
use kubesim::network::CONTROL_PLANE;

mod common;
use common::object;

fn create(c: &mut Cluster, yaml: &str) -> Uid {
    match c
        .admin_request(
            "kubectl",
            Request::Create {
                object: object(yaml),
            },
        )
        .unwrap()
    {
        Response::Object(o) => o.meta.uid,
        r => panic!("{r:?}"),
    }
}

/// A ReplicaSet (no controller runs it) and three pods it owns, one without blockOwnerDeletion;
/// plus a pod owned by nothing that exists.
fn setup(seed: u64) -> (Cluster, Uid) {
    let model = Model::builtin();
    let mut c = Cluster::new(model.clone(), seed, 10 * MINUTE, 5_000_000);
    c.add_component(
        "garbage-collector",
        CONTROL_PLANE,
        Box::new(GarbageCollector::new(model.controller_manager.clone())),
        None,
    );
    let rs = create(
        &mut c,
        "apiVersion: apps/v1\nkind: ReplicaSet\nmetadata: {name: rs, namespace: default}\n\
         spec: {replicas: 0, selector: {matchLabels: {app: a}}, template: {metadata: {labels: {app: a}}, spec: {containers: [{name: c, image: busybox}]}}}",
    );
    for (i, block) in [true, true, false].iter().enumerate() {
        create(
            &mut c,
            &format!(
                "apiVersion: v1\nkind: Pod\nmetadata: {{name: p{i}, namespace: default, labels: {{app: a}}, \
                 ownerReferences: [{{apiVersion: apps/v1, kind: ReplicaSet, name: rs, uid: {rs}, controller: true, blockOwnerDeletion: {block}}}]}}\n\
                 spec: {{containers: [{{name: c, image: busybox}}]}}"
            ),
        );
    }
    (c, rs)
}

fn pods(c: &Cluster) -> Vec<String> {
    c.api()
        .list(Kind::Pod, Some("default"))
        .iter()
        .map(|p| p.meta.name.to_string())
        .collect()
}

fn delete_rs(c: &mut Cluster, policy: PropagationPolicy) {
    c.admin_request(
        "kubectl",
        Request::Delete {
            kind: Kind::ReplicaSet,
            namespace: "default".into(),
            name: "rs".into(),
            options: DeleteOptions {
                propagation_policy: Some(policy),
                ..Default::default()
            },
        },
    )
    .unwrap();
}

#[test]
fn owned_pods_survive_while_the_owner_exists_and_dangling_ones_go() {
    let (mut c, _) = setup(1);
    create(
        &mut c,
        "apiVersion: v1\nkind: Pod\nmetadata: {name: stray, namespace: default, \
         ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: gone, uid: 00000000-0000-0000-0000-000000000042, controller: true}]}\n\
         spec: {containers: [{name: c, image: busybox}]}",
    );
    c.run_for(10 * SECOND).unwrap();
    assert_eq!(pods(&c), ["p0", "p1", "p2"]);
    assert!(c
        .trace()
        .rows()
        .iter()
        .any(|r| r.component == "garbage-collector"
            && r.event == "DeleteDependent"
            && r.name == "stray"));
}

#[test]
fn background_deletion_deletes_dependents() {
    let (mut c, _) = setup(2);
    c.run_for(5 * SECOND).unwrap();
    delete_rs(&mut c, PropagationPolicy::Background);
    assert!(c.api().get(Kind::ReplicaSet, "default", "rs").is_none());
    c.run_for(10 * SECOND).unwrap();
    assert!(pods(&c).is_empty(), "{:?}", pods(&c));
}

#[test]
fn orphan_deletion_removes_owner_references() {
    let (mut c, _) = setup(3);
    c.run_for(5 * SECOND).unwrap();
    delete_rs(&mut c, PropagationPolicy::Orphan);
    assert!(c.api().get(Kind::ReplicaSet, "default", "rs").is_some());
    c.run_for(10 * SECOND).unwrap();
    assert!(c.api().get(Kind::ReplicaSet, "default", "rs").is_none());
    let left = c.api().list(Kind::Pod, Some("default"));
    assert_eq!(left.len(), 3);
    assert!(left.iter().all(|p| p.meta.owner_references.is_empty()));
}

#[test]
fn foreground_deletion_deletes_dependents_first() {
    let (mut c, _) = setup(4);
    c.run_for(5 * SECOND).unwrap();
    delete_rs(&mut c, PropagationPolicy::Foreground);
    let rs = c
        .api()
        .get(Kind::ReplicaSet, "default", "rs")
        .cloned()
        .unwrap();
    assert!(rs.meta.deletion_timestamp.is_some());
    assert!(rs.meta.finalizers.iter().any(|f| f == "foregroundDeletion"));
    let mut owner_gone_with_pods_left = false;
    c.run_until_condition(|c| {
        let rs = c.api().get(Kind::ReplicaSet, "default", "rs").is_some();
        let blocking = ["p0", "p1"]
            .iter()
            .any(|n| c.api().get(Kind::Pod, "default", n).is_some());
        owner_gone_with_pods_left |= !rs && blocking;
        !rs
    })
    .unwrap();
    assert!(!owner_gone_with_pods_left);
    c.run_for(5 * SECOND).unwrap();
    assert!(pods(&c).is_empty(), "{:?}", pods(&c));
}
