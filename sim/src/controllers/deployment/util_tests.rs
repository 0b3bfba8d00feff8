//! Tests after pkg/controller/deployment/util/deployment_util_test.go (case names cited).
#![allow(clippy::type_complexity)]

use super::*;
use crate::api::types::{Container, Uid};

pub(crate) fn deployment(
    replicas: i32,
    max_surge: IntOrString,
    max_unavailable: IntOrString,
) -> Deployment {
    Deployment {
        replicas,
        selector: Default::default(),
        template: Box::new(template("nginx")),
        strategy: DeploymentStrategy::RollingUpdate {
            max_surge,
            max_unavailable,
        },
        min_ready_seconds: 0,
        revision_history_limit: None,
        paused: false,
        progress_deadline_seconds: None,
        rollback_to: None,
        status: Default::default(),
    }
}

pub(crate) fn template(container: &str) -> PodTemplateSpec {
    let mut t = PodTemplateSpec::default();
    t.labels.insert("name", "nginx");
    t.spec.containers.push(Container::new(container, "nginx"));
    t
}

pub(crate) fn rs_obj(name: &str, replicas: i32, created: SimTime, t: PodTemplateSpec) -> Object {
    let uid = Uid(name.bytes().fold(7u128, |h, b| h * 31 + u128::from(b)));
    Object {
        meta: ObjectMeta {
            name: name.into(),
            namespace: "default".into(),
            uid,
            creation_timestamp: created,
            ..Default::default()
        },
        body: Body::ReplicaSet(ReplicaSet {
            replicas,
            template: Box::new(t),
            ..Default::default()
        }),
    }
}

fn pct(s: &str) -> IntOrString {
    IntOrString::String(s.into())
}

// TestResolveFenceposts
#[test]
fn resolve_fenceposts_cases() {
    let cases: [(Option<&str>, Option<&str>, i32, Result<(i32, i32), ()>); 7] = [
        (Some("0%"), Some("0%"), 0, Ok((0, 1))),
        (Some("39%"), Some("39%"), 10, Ok((4, 3))),
        (Some("oops"), Some("39%"), 10, Err(())),
        (Some("55%"), Some("urg"), 10, Err(())),
        (None, Some("39%"), 10, Ok((0, 3))),
        (Some("39%"), None, 10, Ok((4, 0))),
        (None, None, 10, Ok((0, 1))),
    ];
    for (i, (s, u, desired, want)) in cases.into_iter().enumerate() {
        let s = s.map(pct);
        let u = u.map(pct);
        let got = resolve_fenceposts(s.as_ref(), u.as_ref(), desired).map_err(|_| ());
        assert_eq!(got, want, "case {i}");
    }
}

// TestMaxUnavailable
#[test]
fn max_unavailable_cases() {
    let d = |r, u| deployment(r, IntOrString::Int(1), u);
    let cases = [
        (
            "maxUnavailable less than replicas",
            d(10, IntOrString::Int(5)),
            5,
        ),
        (
            "maxUnavailable equal replicas",
            d(10, IntOrString::Int(10)),
            10,
        ),
        (
            "maxUnavailable greater than replicas",
            d(5, IntOrString::Int(10)),
            5,
        ),
        (
            "maxUnavailable with replicas is 0",
            d(0, IntOrString::Int(10)),
            0,
        ),
        (
            "maxUnavailable with Recreate deployment strategy",
            Deployment {
                strategy: DeploymentStrategy::Recreate,
                ..d(0, IntOrString::Int(0))
            },
            0,
        ),
        (
            "maxUnavailable less than replicas with percents",
            d(10, pct("50%")),
            5,
        ),
        (
            "maxUnavailable equal replicas with percents",
            d(10, pct("100%")),
            10,
        ),
        (
            "maxUnavailable greater than replicas with percents",
            d(5, pct("100%")),
            5,
        ),
    ];
    for (name, d, want) in cases {
        assert_eq!(max_unavailable(&d), want, "{name}");
    }
}

// TestNewRSNewReplicas
#[test]
fn new_rs_new_replicas_cases() {
    let cases = [
        ("can not scale up - to newRSReplicas", false, 1, 5, 1, 5),
        ("scale up - to depReplicas", false, 6, 2, 10, 6),
        ("recreate - to depReplicas", true, 3, 1, 1, 3),
    ];
    let rs5 = rs_obj("rs5", 5, 0, template("nginx"));
    for (name, recreate, dep_replicas, new_rs_replicas, surge, want) in cases {
        let mut d = deployment(dep_replicas, IntOrString::Int(surge), IntOrString::Int(1));
        if recreate {
            d.strategy = DeploymentStrategy::Recreate;
        }
        let new_rs = rs_obj("new", new_rs_replicas, 0, template("nginx"));
        assert_eq!(
            new_rs_new_replicas(&d, &[&rs5], &new_rs),
            Ok(want),
            "{name}"
        );
    }
}

// TestGetReplicaCountForReplicaSets
#[test]
fn replica_counts_for_replica_sets() {
    let mk = |name: &str, spec: i32, status: i32, term: Option<i32>| {
        let mut r = rs_obj(name, spec, 0, template("nginx"));
        rs_mut(&mut r).status.replicas = status;
        rs_mut(&mut r).status.terminating_replicas = term;
        r
    };
    let rs1 = mk("foo-rs", 1, 2, Some(3));
    let rs2 = mk("bar-rs", 2, 3, Some(1));
    let rs3 = mk("unsynced-rs", 3, 0, Some(0));
    let rs4 = mk("dropped-rs", 1, 1, None);
    let cases: [(&str, Vec<&Object>, i32, i32, Option<i32>); 6] = [
        ("scaling down rs1", vec![&rs1], 1, 2, Some(3)),
        ("scaling down rs1 and rs2", vec![&rs1, &rs2], 3, 5, Some(4)),
        ("scaling up rs3", vec![&rs3], 3, 0, Some(0)),
        (
            "scaling down rs1 and rs2 and scaling up rs3",
            vec![&rs1, &rs2, &rs3],
            6,
            5,
            Some(4),
        ),
        (
            "invalid/unknown terminating status for rs4",
            vec![&rs4],
            1,
            1,
            None,
        ),
        (
            "invalid/unknown terminating status for rs4 with rs1, rs2 and rs3",
            vec![&rs1, &rs2, &rs3, &rs4],
            7,
            6,
            None,
        ),
    ];
    for (name, sets, count, actual, term) in cases {
        assert_eq!(replica_count(&sets), count, "{name}");
        assert_eq!(actual_replica_count(&sets), actual, "{name}");
        assert_eq!(terminating_replica_count(&sets), term, "{name}");
    }
}

fn with_hash(mut r: Object, hash: &str) -> Object {
    rs_mut(&mut r)
        .template
        .labels
        .insert(POD_TEMPLATE_HASH_LABEL, hash);
    r
}

// TestFindNewReplicaSet
#[test]
fn find_new_replica_set_cases() {
    let d = deployment(1, IntOrString::Int(0), IntOrString::Int(1));
    let now = 100 * SECOND;
    let later = now + 60 * SECOND;
    let new_rs = with_hash(rs_obj("new", 1, later, template("nginx")), "hash");
    let new_dup = with_hash(rs_obj("dup", 1, now, template("nginx")), "different-hash");
    let old_rs = rs_obj("old", 1, 0, template("nginx-old-1"));
    let name = |r: Option<&Object>| r.map(|r| r.meta.name.to_string());
    assert_eq!(
        name(find_new_replica_set(&d, &[&new_rs, &old_rs])),
        Some("new".into()),
        "Get new ReplicaSet with the same template as Deployment spec but different pod-template-hash value"
    );
    assert_eq!(
        name(find_new_replica_set(&d, &[&new_rs, &old_rs, &new_dup])),
        Some("dup".into()),
        "Get the oldest new ReplicaSet when there are more than one ReplicaSet with the same template"
    );
    assert_eq!(
        name(find_new_replica_set(&d, &[&old_rs])),
        None,
        "Get nil new ReplicaSet"
    );
}

// TestFindOldReplicaSets
#[test]
fn find_old_replica_sets_cases() {
    let d = deployment(1, IntOrString::Int(0), IntOrString::Int(1));
    let now = 100 * SECOND;
    let new_rs = with_hash(
        rs_obj("new", 1, now + 60 * SECOND, template("nginx")),
        "hash",
    );
    let new_dup = with_hash(rs_obj("dup", 0, now, template("nginx")), "different-hash");
    let old_rs = rs_obj("old", 0, now - 60 * SECOND, template("nginx-old-1"));
    let names = |v: Vec<&Object>| {
        let mut n: Vec<String> = v.iter().map(|r| r.meta.name.to_string()).collect();
        n.sort();
        n
    };
    let (req, all) = find_old_replica_sets(&d, &[&new_rs, &old_rs]);
    assert_eq!(
        (names(all), names(req)),
        (vec!["old".to_string()], vec![]),
        "Get old ReplicaSets"
    );
    let (req, all) = find_old_replica_sets(&d, &[&old_rs]);
    assert_eq!(
        (names(all), names(req)),
        (vec!["old".to_string()], vec![]),
        "Get old ReplicaSets with no new ReplicaSet"
    );
    let (req, all) = find_old_replica_sets(&d, &[&old_rs, &new_rs, &new_dup]);
    assert_eq!(
        (names(all), names(req)),
        (vec!["new".to_string(), "old".to_string()], vec!["new".to_string()]),
        "Get old ReplicaSets with two new ReplicaSets, only the oldest new ReplicaSet is seen as new ReplicaSet"
    );
    let (req, all) = find_old_replica_sets(&d, &[&new_rs]);
    assert!(
        all.is_empty() && req.is_empty(),
        "Get empty old ReplicaSets"
    );
}

// TestDeploymentComplete
#[test]
fn deployment_complete_cases() {
    let cases = [
        (
            "not complete: min but not all pods become available",
            (5, 5, 5, 4, 1, 0),
            false,
        ),
        (
            "not complete: min availability is not honored",
            (5, 5, 5, 3, 1, 0),
            false,
        ),
        ("complete", (5, 5, 5, 5, 0, 0), true),
        (
            "not complete: all pods are available but not updated",
            (5, 5, 4, 5, 0, 0),
            false,
        ),
        (
            "not complete: still running old pods",
            (1, 2, 1, 1, 0, 1),
            false,
        ),
        (
            "not complete: one replica deployment never comes up",
            (1, 1, 1, 0, 1, 1),
            false,
        ),
    ];
    for (name, (desired, current, updated, available, mu, ms), want) in cases {
        let mut d = deployment(desired, IntOrString::Int(ms), IntOrString::Int(mu));
        d.status.replicas = current;
        d.status.updated_replicas = updated;
        d.status.available_replicas = available;
        let meta = ObjectMeta::default();
        assert_eq!(deployment_complete(&meta, &d, &d.status), want, "{name}");
    }
}

// TestDeploymentProgressing
#[test]
fn deployment_progressing_cases() {
    let st = |c, u, r, a| DeploymentStatus {
        replicas: c,
        updated_replicas: u,
        ready_replicas: r,
        available_replicas: a,
        ..Default::default()
    };
    let cases = [
        (
            "progressing: updated pods",
            st(10, 4, 4, 4),
            st(10, 6, 4, 4),
            true,
        ),
        ("not progressing", st(10, 4, 4, 4), st(10, 4, 4, 4), false),
        (
            "progressing: old pods removed",
            st(10, 4, 6, 6),
            st(8, 4, 6, 6),
            true,
        ),
        (
            "not progressing: less new pods",
            st(10, 7, 3, 3),
            st(10, 6, 3, 3),
            false,
        ),
        (
            "progressing: less overall but more new pods",
            st(10, 4, 7, 7),
            st(8, 8, 5, 5),
            true,
        ),
        (
            "progressing: more ready pods",
            st(10, 10, 9, 8),
            st(10, 10, 10, 8),
            true,
        ),
        (
            "progressing: more available pods",
            st(10, 10, 10, 9),
            st(10, 10, 10, 10),
            true,
        ),
    ];
    for (name, old, new, want) in cases {
        let mut d = deployment(10, IntOrString::Int(0), IntOrString::Int(1));
        d.status = old;
        assert_eq!(deployment_progressing(&d, &new), want, "{name}");
    }
}

// TestDeploymentTimedOut
#[test]
fn deployment_timed_out_cases() {
    let t = |min: u64, sec: u64| (min * 60 + sec) * SECOND;
    let cases = [
        (
            "nil progressDeadlineSeconds specified - no timeout",
            "",
            None,
            t(1, 9),
            t(1, 20),
            false,
        ),
        (
            "infinite progressDeadlineSeconds specified - no timeout",
            "",
            Some(i32::MAX),
            t(1, 9),
            t(1, 20),
            false,
        ),
        (
            "progressDeadlineSeconds: 10s, now - started => 00:01:20 - 00:01:09 => 11s",
            "",
            Some(10),
            t(1, 9),
            t(1, 20),
            true,
        ),
        (
            "progressDeadlineSeconds: 10s, now - started => 00:01:20 - 00:01:11 => 9s",
            "",
            Some(10),
            t(1, 11),
            t(1, 20),
            false,
        ),
        (
            "previous status was a complete deployment",
            NEW_RS_AVAILABLE_REASON,
            None,
            0,
            0,
            false,
        ),
    ];
    for (name, reason, pds, from, now, want) in cases {
        let mut d = deployment(1, IntOrString::Int(0), IntOrString::Int(1));
        d.progress_deadline_seconds = pds;
        d.status.conditions = vec![
            Condition::new(DEPLOYMENT_PROGRESSING, ConditionStatus::True)
                .with_reason(reason, "")
                .with_times(None, Some(from)),
        ];
        assert_eq!(deployment_timed_out(&d, &d.status, now), want, "{name}");
    }
}

// TestSetCondition / TestRemoveCondition
#[test]
fn set_and_remove_condition() {
    let progressing = Condition::new(DEPLOYMENT_PROGRESSING, ConditionStatus::False)
        .with_reason("ForSomeReason", "");
    let progressing2 = Condition::new(DEPLOYMENT_PROGRESSING, ConditionStatus::True)
        .with_reason("BecauseItIs", "");
    let available = Condition::new(DEPLOYMENT_AVAILABLE, ConditionStatus::True)
        .with_reason("AwesomeController", "");
    let mut s = DeploymentStatus::default();
    set_condition(&mut s, available.clone());
    assert_eq!(
        s.conditions,
        vec![available.clone()],
        "set for the first time"
    );
    let mut s = DeploymentStatus {
        conditions: vec![progressing.clone()],
        ..Default::default()
    };
    set_condition(&mut s, available.clone());
    assert_eq!(
        s.conditions,
        vec![progressing.clone(), available.clone()],
        "simple set"
    );
    let mut s = DeploymentStatus {
        conditions: vec![progressing.clone()],
        ..Default::default()
    };
    set_condition(&mut s, progressing2.clone());
    assert_eq!(s.conditions, vec![progressing2], "overwrite");
    remove_condition(&mut s, DEPLOYMENT_PROGRESSING);
    assert!(s.conditions.is_empty(), "simple remove");
}

// TestGetNonNegativeInt32FromAnnotation
#[test]
fn non_negative_annotation_cases() {
    let cases = [
        ("invalid empty", None, (0, false)),
        ("invalid", Some("invalid"), (0, false)),
        ("invalid negative ", Some("-1"), (0, false)),
        ("valid zero", Some("0"), (0, true)),
        ("valid", Some("13"), (13, true)),
        ("valid max", Some("2147483647"), (i32::MAX, true)),
        ("invalid max out of range", Some("2147483648"), (0, false)),
        ("invalid max out of range 2", Some("4294967296"), (0, false)),
    ];
    for (name, v, want) in cases {
        let mut meta = ObjectMeta::default();
        meta.annotations.insert("foo", "2");
        if let Some(v) = v {
            meta.annotations.insert("test", v);
        }
        assert_eq!(non_negative_i32_annotation(&meta, "test"), want, "{name}");
    }
}

// TestAnnotationUtils
#[test]
fn annotation_utils() {
    let mut d = Object {
        meta: ObjectMeta::default(),
        body: Body::Deployment(deployment(1, IntOrString::Int(0), IntOrString::Int(1))),
    };
    d.meta.annotations.insert(REVISION_ANNOTATION, "1");
    let mut rs = rs_obj("nginx", 1, 0, template("nginx"));
    for i in 10..20 {
        let next = (i + 1).to_string();
        set_new_replica_set_annotations(&d, &mut rs, &next, true, 5);
        if i >= 12 {
            assert_eq!(
                rs.meta.annotations.get(REVISION_HISTORY_ANNOTATION),
                Some(format!("{},{}", i - 1, i).as_str()),
                "SetNewReplicaSetAnnotations {i}"
            );
        }
        assert_eq!(
            rs.meta.annotations.get(REVISION_ANNOTATION),
            Some(next.as_str())
        );
    }
    assert!(
        set_replicas_annotations(&mut rs.meta, 10, 11),
        "SetReplicasAnnotations"
    );
    assert_eq!(
        rs.meta.annotations.get(DESIRED_REPLICAS_ANNOTATION),
        Some("10")
    );
    assert_eq!(rs.meta.annotations.get(MAX_REPLICAS_ANNOTATION), Some("11"));
    rs.meta.annotations.insert(DESIRED_REPLICAS_ANNOTATION, "1");
    rs_mut(&mut rs).status.available_replicas = 1;
    rs_mut(&mut rs).replicas = 1;
    assert!(is_saturated(dep_of(&d), Some(&rs)), "IsSaturated");
    // TestReplicasAnnotationsNeedUpdate
    let mut meta = ObjectMeta::default();
    assert!(
        replicas_annotations_need_update(&meta, 10, 20),
        "test Annotations nil"
    );
    meta.annotations.insert(DESIRED_REPLICAS_ANNOTATION, "8");
    meta.annotations.insert(MAX_REPLICAS_ANNOTATION, "20");
    assert!(
        replicas_annotations_need_update(&meta, 10, 20),
        "test desiredReplicas update"
    );
    meta.annotations.insert(DESIRED_REPLICAS_ANNOTATION, "10");
    assert!(
        !replicas_annotations_need_update(&meta, 10, 20),
        "test needn't update"
    );
}

#[test]
fn compute_hash_is_stable_and_depends_on_collision_count() {
    let t = template("nginx");
    let a = compute_hash(&t, None);
    assert_eq!(a, compute_hash(&t.clone(), None));
    assert_ne!(a, compute_hash(&t, Some(1)));
    assert_ne!(a, compute_hash(&template("other"), None));
    assert!(a.bytes().all(|b| ALPHANUMS.contains(&b)));
}

#[test]
fn last_and_max_revision() {
    let mk = |n: &str, r: &str| {
        let mut o = rs_obj(n, 0, 0, template("nginx"));
        o.meta.annotations.insert(REVISION_ANNOTATION, r);
        o
    };
    let (a, b, c) = (mk("a", "1"), mk("b", "3"), mk("c", "2"));
    assert_eq!(max_revision(&[&a, &b, &c]), 3);
    assert_eq!(last_revision(&[&a, &b, &c]), 2);
}
