//! Tests after pkg/controller/deployment/{rolling_test.go, sync_test.go, recreate_test.go,
//! progress_test.go} (case names cited).

use super::*;
use crate::api::types::{Deployment, IntOrString};
use crate::controllers::deployment::util::tests::{deployment, rs_obj, template};

/// newDeployment of deployment_controller_test.go: maxSurge and maxUnavailable default to 0.
fn new_deployment(
    replicas: i32,
    rhl: Option<i32>,
    max_surge: Option<i32>,
    max_unavailable: Option<i32>,
) -> Object {
    let mut d: Deployment = deployment(
        replicas,
        IntOrString::Int(max_surge.unwrap_or(0)),
        IntOrString::Int(max_unavailable.unwrap_or(0)),
    );
    d.revision_history_limit = rhl;
    d.selector.match_labels.insert("foo", "bar");
    Object {
        meta: ObjectMeta {
            name: "foo".into(),
            namespace: "default".into(),
            ..Default::default()
        },
        body: Body::Deployment(d),
    }
}

fn rs(name: &str, replicas: i32, created: SimTime) -> Object {
    rs_obj(name, replicas, created, template(name))
}

fn sync(d: Object, rss: Vec<Object>) -> Sync {
    Sync::new(0, d, rss, Vec::new(), Vec::new())
}

/// The replicas the plan's writes give each ReplicaSet.
fn updated(s: &Sync, name: &str) -> Option<i32> {
    s.plan.writes.iter().rev().find_map(|w| match &w.req {
        Request::Update { object } | Request::Create { object }
            if object.kind() == Kind::ReplicaSet && object.meta.name == name =>
        {
            Some(rs_of(object).replicas)
        }
        _ => None,
    })
}

// TestDeploymentController_reconcileNewReplicaSet
#[test]
fn reconcile_new_replica_set() {
    // (deploymentReplicas, maxSurge, oldReplicas, newReplicas, scaleExpected, expectedNewReplicas)
    let cases = [
        (10, 0, 10, 0, false, 0),
        (10, 2, 10, 0, true, 2),
        (10, 2, 5, 0, true, 7),
        (10, 2, 10, 2, false, 0),
        (10, 2, 2, 11, true, 10),
    ];
    for (i, (dr, surge, old, new, scale, want)) in cases.into_iter().enumerate() {
        let d = new_deployment(dr, None, Some(surge), Some(0));
        let mut s = sync(d, vec![rs("foo-v2", new, 0), rs("foo-v1", old, 0)]);
        let scaled = s.reconcile_new_replica_set(&[0, 1], 0);
        assert_eq!(scaled, scale, "case {i}");
        if scale {
            assert_eq!(s.plan.writes.len(), 1, "case {i}");
            assert_eq!(updated(&s, "foo-v2"), Some(want), "case {i}");
        } else {
            assert!(s.plan.writes.is_empty(), "case {i}");
        }
    }
}

// TestDeploymentController_reconcileOldReplicaSets
#[test]
fn reconcile_old_replica_sets() {
    // (deploymentReplicas, maxUnavailable, oldReplicas, newReplicas, readyOld, readyNew,
    //  scaleExpected, expectedOldReplicas)
    let cases = [
        (10, 0, 10, 0, 10, 0, true, 9),
        (10, 2, 10, 0, 10, 0, true, 8),
        (10, 2, 10, 0, 8, 0, true, 8),
        (10, 2, 10, 0, 9, 0, true, 8),
        (10, 2, 8, 2, 8, 0, false, 0),
    ];
    for (i, (dr, mu, old, new, ready_old, ready_new, scale, want)) in cases.into_iter().enumerate()
    {
        let d = new_deployment(dr, None, Some(0), Some(mu));
        let mut new_rs = rs("foo-new", new, 0);
        rs_mut(&mut new_rs).status.available_replicas = ready_new;
        let mut old_rs = rs("foo-old", old, 0);
        rs_mut(&mut old_rs).status.available_replicas = ready_old;
        let mut s = sync(d, vec![old_rs, new_rs]);
        let scaled = s.reconcile_old_replica_sets(&[0, 1], &[0], 1);
        assert_eq!(scaled, scale, "case {i}");
        if scale {
            assert_eq!(updated(&s, "foo-old"), Some(want), "case {i}");
        }
    }
}

// TestDeploymentController_cleanupUnhealthyReplicas
#[test]
fn cleanup_unhealthy_replicas() {
    // (oldReplicas, readyPods, unHealthyPods, maxCleanupCount, cleanupCountExpected)
    let cases = [
        (10, 8, 2, 1, 1),
        (10, 8, 2, 3, 2),
        (10, 8, 2, 0, 0),
        (10, 10, 0, 3, 0),
    ];
    for (i, (old, ready, _unhealthy, max, want)) in cases.into_iter().enumerate() {
        let d = new_deployment(10, None, Some(2), Some(2));
        let mut old_rs = rs("foo-v2", old, 0);
        rs_mut(&mut old_rs).status.available_replicas = ready;
        let mut s = sync(d, vec![old_rs]);
        assert_eq!(
            s.cleanup_unhealthy_replicas(&mut [0], max),
            want,
            "case {i}"
        );
    }
}

// TestDeploymentController_scaleDownOldReplicaSetsForRollingUpdate
#[test]
fn scale_down_old_replica_sets_for_rolling_update() {
    // (deploymentReplicas, maxUnavailable, readyPods, oldReplicas, scaleExpected, expectedOld)
    let cases = [
        (10, 0, 10, 10, true, 9),
        (10, 2, 10, 10, true, 8),
        (10, 2, 8, 10, false, 0),
        (10, 2, 10, 0, false, 0),
        (10, 2, 1, 10, false, 0),
    ];
    for (i, (dr, mu, ready, old, scale, want)) in cases.into_iter().enumerate() {
        let d = new_deployment(dr, None, Some(0), Some(mu));
        let mut old_rs = rs("foo-v2", old, 0);
        rs_mut(&mut old_rs).status.available_replicas = ready;
        let mut s = sync(d, vec![old_rs]);
        let n = s.scale_down_old_replica_sets_for_rolling_update(&[0], &mut [0]);
        assert_eq!(n != 0, scale, "case {i}");
        if scale {
            assert_eq!(s.plan.writes.len(), 1, "case {i}");
            assert_eq!(updated(&s, "foo-v2"), Some(want), "case {i}");
        }
    }
}

// TestScale
#[test]
fn scale_proportionally() {
    let new_ts = 7200 * SECOND;
    let old_ts = 3600 * SECOND;
    let older_ts = 0;
    struct Case {
        name: &'static str,
        /// (replicas, maxSurge, maxUnavailable)
        d: (i32, i32, i32),
        old_d: (i32, i32, i32),
        new_rs: Option<(&'static str, i32)>,
        old_rss: Vec<(&'static str, i32, SimTime)>,
        expected_new: Option<i32>,
        expected_old: Vec<i32>,
        desired: Vec<(&'static str, i32)>,
        new_unavailable: bool,
    }
    let c = |name,
             d,
             old_d,
             new_rs,
             old_rss: Vec<(&'static str, i32, SimTime)>,
             expected_new,
             expected_old: Vec<i32>| Case {
        name,
        d,
        old_d,
        new_rs,
        old_rss,
        expected_new,
        expected_old,
        desired: Vec::new(),
        new_unavailable: false,
    };
    let mut cases = vec![
        c(
            "normal scaling event: 10 -> 12",
            (12, 0, 0),
            (10, 0, 0),
            Some(("foo-v1", 10)),
            vec![],
            Some(12),
            vec![],
        ),
        c(
            "normal scaling event: 10 -> 5",
            (5, 0, 0),
            (10, 0, 0),
            Some(("foo-v1", 10)),
            vec![],
            Some(5),
            vec![],
        ),
        c(
            "proportional scaling: 5 -> 10",
            (10, 0, 0),
            (5, 0, 0),
            Some(("foo-v2", 2)),
            vec![("foo-v1", 3, old_ts)],
            Some(4),
            vec![6],
        ),
        c(
            "proportional scaling: 5 -> 3",
            (3, 0, 0),
            (5, 0, 0),
            Some(("foo-v2", 2)),
            vec![("foo-v1", 3, old_ts)],
            Some(1),
            vec![2],
        ),
        c(
            "proportional scaling: 9 -> 4",
            (4, 0, 0),
            (9, 0, 0),
            Some(("foo-v2", 8)),
            vec![("foo-v1", 1, old_ts)],
            Some(4),
            vec![0],
        ),
        c(
            "proportional scaling: 7 -> 10",
            (10, 0, 0),
            (7, 0, 0),
            Some(("foo-v3", 2)),
            vec![("foo-v2", 3, old_ts), ("foo-v1", 2, older_ts)],
            Some(3),
            vec![4, 3],
        ),
        c(
            "proportional scaling: 13 -> 8",
            (8, 0, 0),
            (13, 0, 0),
            Some(("foo-v3", 2)),
            vec![("foo-v2", 8, old_ts), ("foo-v1", 3, older_ts)],
            Some(1),
            vec![5, 2],
        ),
        c(
            "leftover distribution: 3 -> 4",
            (4, 0, 0),
            (3, 0, 0),
            Some(("foo-v3", 1)),
            vec![("foo-v2", 1, old_ts), ("foo-v1", 1, older_ts)],
            Some(2),
            vec![1, 1],
        ),
        c(
            "leftover distribution: 3 -> 2",
            (2, 0, 0),
            (3, 0, 0),
            Some(("foo-v3", 1)),
            vec![("foo-v2", 1, old_ts), ("foo-v1", 1, older_ts)],
            Some(1),
            vec![1, 0],
        ),
        c(
            "proportional scaling (no new rs): 4 -> 5",
            (5, 0, 0),
            (4, 0, 0),
            None,
            vec![("foo-v2", 2, old_ts), ("foo-v1", 2, older_ts)],
            None,
            vec![3, 2],
        ),
        c(
            "proportional scaling: 6 -> 0",
            (0, 0, 0),
            (6, 0, 0),
            Some(("foo-v3", 3)),
            vec![("foo-v2", 2, old_ts), ("foo-v1", 1, older_ts)],
            Some(0),
            vec![0, 0],
        ),
        c(
            "proportional scaling: 0 -> 6",
            (6, 0, 0),
            (6, 0, 0),
            Some(("foo-v3", 0)),
            vec![("foo-v2", 0, old_ts), ("foo-v1", 0, older_ts)],
            Some(6),
            vec![0, 0],
        ),
        c(
            "deployment with surge pods",
            (20, 2, 0),
            (10, 2, 0),
            Some(("foo-v2", 6)),
            vec![("foo-v1", 6, old_ts)],
            Some(11),
            vec![11],
        ),
        c(
            "change both surge and size",
            (50, 6, 0),
            (10, 3, 0),
            Some(("foo-v2", 5)),
            vec![("foo-v1", 8, old_ts)],
            Some(22),
            vec![34],
        ),
        c(
            "saturated but broken new replica set does not affect old pods",
            (2, 1, 1),
            (2, 1, 1),
            Some(("foo-v2", 2)),
            vec![("foo-v1", 1, old_ts)],
            Some(2),
            vec![1],
        ),
    ];
    // "failed rs update": foo-v2 carries desired-replicas 3; the expected sizes are those the
    // updates ask for (upstream ignores the updates of foo-v3 and foo-v1 that fail).
    let mut failed = c(
        "failed rs update",
        (5, 0, 0),
        (5, 0, 0),
        Some(("foo-v3", 2)),
        vec![("foo-v2", 1, old_ts), ("foo-v1", 1, older_ts)],
        Some(2),
        vec![2, 1],
    );
    failed.desired = vec![("foo-v2", 3)];
    cases.push(failed);
    cases[14].new_unavailable = true;
    for case in cases {
        let d = new_deployment(case.d.0, None, Some(case.d.1), Some(case.d.2));
        let old_d = new_deployment(case.old_d.0, None, Some(case.old_d.1), Some(case.old_d.2));
        let old_dep = dep_of(&old_d);
        let annotate = |mut r: Object| {
            let desired = case
                .desired
                .iter()
                .find(|(n, _)| *n == r.meta.name)
                .map_or(old_dep.replicas, |(_, v)| *v);
            set_replicas_annotations(&mut r.meta, desired, desired + max_surge(old_dep));
            r
        };
        let mut rss = Vec::new();
        let mut new_idx = None;
        if let Some((n, r)) = case.new_rs {
            let mut o = annotate(rs_obj(n, r, new_ts, template("new")));
            if case.new_unavailable {
                rs_mut(&mut o).status.available_replicas = 0;
            }
            rss.push(o);
            new_idx = Some(0);
        }
        for (n, r, ts) in &case.old_rss {
            rss.push(annotate(rs_obj(n, *r, *ts, template(n))));
        }
        let olds: Vec<usize> = (new_idx.map_or(0, |_| 1)..rss.len()).collect();
        let mut s = sync(d, rss.clone());
        s.scale(new_idx, &olds);
        let size = |name: &str, orig: i32| updated(&s, name).unwrap_or(orig);
        if let (Some((n, r)), Some(want)) = (case.new_rs, case.expected_new) {
            assert_eq!(size(n, r), want, "{}: new", case.name);
        }
        for ((n, r, _), want) in case.old_rss.iter().zip(&case.expected_old) {
            assert_eq!(size(n, *r), *want, "{}: old {n}", case.name);
        }
    }
}

// TestDeploymentController_cleanupDeployment
#[test]
fn cleanup_deployment() {
    let with_status = |name: &str, spec: i32, status: i32| {
        let mut r = rs(name, spec, 0);
        rs_mut(&mut r).status.replicas = status;
        r
    };
    let mut already_deleted = with_status("foo-1", 0, 0);
    already_deleted.meta.deletion_timestamp = Some(1);
    let cases = [
        (
            vec![
                with_status("foo-1", 0, 0),
                with_status("foo-2", 0, 0),
                with_status("foo-3", 0, 0),
            ],
            1,
            2,
        ),
        (
            vec![
                with_status("foo-1", 0, 0),
                with_status("foo-2", 0, 1),
                with_status("foo-3", 1, 0),
                with_status("foo-4", 1, 1),
            ],
            0,
            1,
        ),
        (
            vec![with_status("foo-1", 0, 0), with_status("foo-2", 0, 0)],
            0,
            2,
        ),
        (
            vec![with_status("foo-1", 1, 1), with_status("foo-2", 1, 1)],
            0,
            0,
        ),
        (vec![already_deleted], 0, 0),
        (
            vec![
                with_status("foo-1", 0, 0),
                with_status("foo-2", 0, 0),
                with_status("foo-3", 0, 0),
            ],
            i32::MAX,
            0,
        ),
    ];
    for (i, (olds, limit, want)) in cases.into_iter().enumerate() {
        let d = new_deployment(1, Some(limit), None, None);
        let idx: Vec<usize> = (0..olds.len()).collect();
        let mut s = sync(d, olds);
        s.cleanup_deployment(&idx);
        let deletes = s
            .plan
            .writes
            .iter()
            .filter(|w| matches!(w.req, Request::Delete { .. }))
            .count();
        assert_eq!(deletes, want, "scenario {i}");
    }
}

fn with_progress(mut d: Object, pds: i32) -> Object {
    dep_mut(&mut d).progress_deadline_seconds = Some(pds);
    d
}

/// A first sync of a new Deployment creates its ReplicaSet at full size (within the surge),
/// records the
/// revision and the NewReplicaSetCreated condition.
#[test]
fn first_sync_creates_new_replica_set() {
    let mut d = with_progress(new_deployment(3, None, Some(1), Some(0)), 600);
    d.meta.generation = 1;
    d.meta.uid = crate::api::types::Uid(42);
    let plan = Sync::new(5 * SECOND, d, vec![], vec![], vec![]).run();
    let Request::Create { object } = &plan.writes[0].req else {
        panic!("expected a create: {:?}", plan.writes)
    };
    let rs = rs_of(object);
    assert_eq!(rs.replicas, 3);
    let hash = object.meta.labels.get(POD_TEMPLATE_HASH_LABEL).unwrap();
    assert_eq!(object.meta.name, format!("foo-{hash}"));
    assert_eq!(
        rs.selector.match_labels.get(POD_TEMPLATE_HASH_LABEL),
        Some(hash)
    );
    assert_eq!(object.meta.annotations.get(REVISION_ANNOTATION), Some("1"));
    assert_eq!(
        object.meta.annotations.get(DESIRED_REPLICAS_ANNOTATION),
        Some("3")
    );
    assert_eq!(
        object.meta.annotations.get(MAX_REPLICAS_ANNOTATION),
        Some("4")
    );
    assert_eq!(
        plan.writes[0].events,
        vec![(
            "ScalingReplicaSet",
            format!("Scaled up replica set foo-{hash} from 0 to 3")
        )]
    );
    let status = plan
        .writes
        .iter()
        .find_map(|w| match &w.req {
            Request::UpdateStatus { object } => Some(dep_of(object).status.clone()),
            _ => None,
        })
        .unwrap();
    let p = get_condition(&status, DEPLOYMENT_PROGRESSING).unwrap();
    assert_eq!(p.reason(), NEW_REPLICA_SET_REASON);
    assert_eq!(
        p.message(),
        format!("Created new replica set \"foo-{hash}\"")
    );
    assert_eq!(status.observed_generation, 1);
    let a = get_condition(&status, DEPLOYMENT_AVAILABLE).unwrap();
    assert_eq!(a.reason(), MINIMUM_REPLICAS_UNAVAILABLE);
}

/// progress_test.go TestSyncRolloutStatus: "General: remove Progressing condition and do not
/// estimate progress if deployment has no Progress Deadline" and "timed out" cases.
#[test]
fn sync_rollout_status_conditions() {
    // No deadline: the Progressing condition goes.
    let mut d = new_deployment(2, None, Some(1), Some(0));
    dep_mut(&mut d).status.conditions = vec![new_condition(
        DEPLOYMENT_PROGRESSING,
        ConditionStatus::True,
        REPLICA_SET_UPDATED_REASON,
        "",
        0,
    )];
    let mut new_rs = rs("bar", 2, 0);
    rs_mut(&mut new_rs).status.replicas = 2;
    rs_mut(&mut new_rs).status.available_replicas = 2;
    let mut s = sync(d, vec![new_rs.clone()]);
    s.sync_rollout_status(&[0], Some(0));
    assert!(get_condition(&dep_of(&s.d).status, DEPLOYMENT_PROGRESSING).is_none());

    // Deadline passed without progress: ProgressDeadlineExceeded.
    let mut d = with_progress(new_deployment(2, None, Some(1), Some(0)), 30);
    dep_mut(&mut d).status.conditions = vec![new_condition(
        DEPLOYMENT_PROGRESSING,
        ConditionStatus::True,
        REPLICA_SET_UPDATED_REASON,
        "",
        0,
    )];
    let stuck = rs("bar", 2, 0);
    let mut s = Sync::new(60 * SECOND, d, vec![stuck], vec![], vec![]);
    s.sync_rollout_status(&[0], Some(0));
    let c = get_condition(&dep_of(&s.d).status, DEPLOYMENT_PROGRESSING).unwrap();
    assert_eq!(
        (c.status, c.reason()),
        (ConditionStatus::False, TIMED_OUT_REASON)
    );
    assert_eq!(c.message(), "ReplicaSet \"bar\" has timed out progressing.");

    // Complete: NewReplicaSetAvailable.
    let mut d = with_progress(new_deployment(2, None, Some(1), Some(0)), 30);
    d.meta.generation = 1;
    dep_mut(&mut d).status.observed_generation = 1;
    let mut s = Sync::new(10 * SECOND, d, vec![new_rs], vec![], vec![]);
    s.sync_rollout_status(&[0], Some(0));
    let c = get_condition(&dep_of(&s.d).status, DEPLOYMENT_PROGRESSING).unwrap();
    assert_eq!(c.reason(), NEW_RS_AVAILABLE_REASON);
    assert_eq!(
        c.message(),
        "ReplicaSet \"bar\" has successfully progressed."
    );
}

/// Still within the deadline and no progress: requeue after the rest of it plus a second.
#[test]
fn requeue_stuck_deployment() {
    let mut d = with_progress(new_deployment(2, None, Some(1), Some(0)), 600);
    let mut s0 = sync(d.clone(), vec![rs("bar", 2, 0)]);
    let st = s0.calculate_status(&[0], Some(0));
    let mut st = st;
    set_condition(
        &mut st,
        new_condition(
            DEPLOYMENT_PROGRESSING,
            ConditionStatus::True,
            REPLICA_SET_UPDATED_REASON,
            "ReplicaSet \"bar\" is progressing.",
            0,
        ),
    );
    dep_mut(&mut d).status = st;
    s0 = Sync::new(180 * SECOND, d, vec![rs("bar", 2, 0)], vec![], vec![]);
    s0.sync_rollout_status(&[0], Some(0));
    assert_eq!(s0.plan.requeue_after, Some(421 * SECOND));
}

/// recreate_test.go TestOldPodsRunning / TestScaleDownOldReplicaSets (in brief): old pods
/// block the new ReplicaSet; terminal ones do not.
#[test]
fn recreate_waits_for_old_pods() {
    let mut d = new_deployment(2, None, None, None);
    dep_mut(&mut d).strategy = DeploymentStrategy::Recreate;
    let mut old = rs("foo-old", 2, 0);
    old.meta.annotations.insert(REVISION_ANNOTATION, "1");
    let old_uid = old.meta.uid;
    // Scale down first.
    let plan = Sync::new(0, d.clone(), vec![old.clone()], vec![], vec![]).run();
    assert!(
        matches!(&plan.writes[0].req, Request::Update { object } if rs_of(object).replicas == 0)
    );
    assert!(!plan
        .writes
        .iter()
        .any(|w| matches!(w.req, Request::Create { .. })));
    // Scaled to zero but a pod still runs: wait.
    rs_mut(&mut old).replicas = 0;
    let plan = Sync::new(
        0,
        d.clone(),
        vec![old.clone()],
        vec![(old_uid, PodPhase::Running)],
        vec![],
    )
    .run();
    assert!(!plan
        .writes
        .iter()
        .any(|w| matches!(w.req, Request::Create { .. })));
    // Only terminal pods left: create the new ReplicaSet at full size.
    let plan = Sync::new(
        0,
        d,
        vec![old],
        vec![(old_uid, PodPhase::Succeeded)],
        vec![],
    )
    .run();
    let created = plan.writes.iter().find_map(|w| match &w.req {
        Request::Create { object } => Some(rs_of(object).replicas),
        _ => None,
    });
    assert_eq!(created, Some(2));
}

/// rollback.go: to the previous revision by default, with the DeploymentRollback event.
#[test]
fn rollback_to_previous_revision() {
    let mut d = new_deployment(1, None, Some(1), Some(0));
    dep_mut(&mut d).rollback_to = Some(0);
    let mut v1 = rs("foo-v1", 0, 0);
    v1.meta.annotations.insert(REVISION_ANNOTATION, "1");
    let mut v2 = rs_obj("foo-v2", 1, 10, (*dep_of(&d).template).clone());
    v2.meta.annotations.insert(REVISION_ANNOTATION, "2");
    let plan = sync(d, vec![v1.clone(), v2]).run();
    let w = plan
        .writes
        .iter()
        .find(|w| matches!(&w.req, Request::Update { object } if object.kind() == Kind::Deployment))
        .unwrap();
    let Request::Update { object } = &w.req else {
        unreachable!()
    };
    assert_eq!(dep_of(object).rollback_to, None);
    assert_eq!(*dep_of(object).template, *rs_of(&v1).template);
    assert_eq!(
        w.events,
        vec![(
            ROLLBACK_DONE,
            "Rolled back deployment \"foo\" to revision 1".to_string()
        )]
    );
}

/// checkPausedConditions: DeploymentPaused, then DeploymentResumed.
#[test]
fn paused_and_resumed_conditions() {
    let mut d = with_progress(new_deployment(1, None, Some(1), Some(0)), 600);
    dep_mut(&mut d).paused = true;
    let mut s = sync(d, vec![]);
    s.check_paused_conditions();
    let c = get_condition(&dep_of(&s.d).status, DEPLOYMENT_PROGRESSING)
        .unwrap()
        .clone();
    assert_eq!(
        (c.status, c.reason(), c.message()),
        (
            ConditionStatus::Unknown,
            PAUSED_DEPLOY_REASON,
            "Deployment is paused"
        )
    );
    let mut d = s.d.clone();
    dep_mut(&mut d).paused = false;
    let mut s = sync(d, vec![]);
    s.check_paused_conditions();
    let c = get_condition(&dep_of(&s.d).status, DEPLOYMENT_PROGRESSING).unwrap();
    assert_eq!(
        (c.reason(), c.message()),
        (RESUMED_DEPLOY_REASON, "Deployment is resumed")
    );
}
