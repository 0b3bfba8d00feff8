//! The updater against upstream's TestUpdate table (pkg/kubectl/rolling_updater_test.go):
//! each case gives the old and new controllers, maxUnavailable/maxSurge, and the sequence
//! of scale-ups and scale-downs expected for the new pods that are ready at each scale-down.

use std::sync::Arc;

use super::*;
use crate::api::manifest::parse_manifests;

fn parse(yaml: &str) -> Object {
    parse_manifests(yaml, "t").unwrap().remove(0).object
}

/// oldRc(replicas, original) and newRc(replicas, desired) of rolling_updater_test.go.
fn rc(name: &str, version: &str, replicas: i32, annotations: &str) -> Object {
    let mut o = parse(&format!(
        "apiVersion: v1\nkind: ReplicationController\nmetadata: {{name: {name}, namespace: default, uid: 7764ae47-9092-11e4-8393-42010af018ff, annotations: {{{annotations}}}}}\nspec:\n  replicas: {replicas}\n  selector: {{version: {version}}}\n  template:\n    metadata: {{labels: {{version: {version}}}}}\n    spec: {{containers: [{{name: c, image: x}}]}}\n"
    ));
    if let Body::ReplicationController(r) = &mut o.body {
        r.status.replicas = replicas;
    }
    o
}

fn old_rc(replicas: i32, original: i32) -> Object {
    rc(
        "foo-v1",
        "v1",
        replicas,
        &format!("\"{ORIGINAL_REPLICAS_ANNOTATION}\": \"{original}\""),
    )
}

fn new_rc(replicas: i32, desired: i32) -> Object {
    rc(
        "foo-v2",
        "v2",
        replicas,
        &format!("\"{DESIRED_REPLICAS_ANNOTATION}\": \"{desired}\", \"{SOURCE_ID_ANNOTATION}\": \"foo-v1:7764ae47-9092-11e4-8393-42010af018ff\""),
    )
}

fn pod(i: usize, ready: bool) -> Arc<Object> {
    Arc::new(parse(&format!(
        "apiVersion: v1\nkind: Pod\nmetadata: {{name: p{i}, namespace: default, labels: {{version: v2}}}}\nspec: {{containers: [{{name: c, image: x}}]}}\nstatus:\n  phase: Running\n  conditions: [{{type: Ready, status: \"{}\"}}]\n",
        if ready { "True" } else { "False" }
    )))
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Ev {
    Up(i32),
    Down { new_ready: i32, to: Option<i32> },
}
use Ev::*;

fn down(new_ready: i32, to: i32) -> Ev {
    Down {
        new_ready,
        to: Some(to),
    }
}

fn noop(new_ready: i32) -> Ev {
    Down {
        new_ready,
        to: None,
    }
}

fn pct(s: &str) -> IntOrString {
    IntOrString::String(s.into())
}

/// Drives the updater with a fake server and checks every scale against `expected`.
fn run_case(
    name: &str,
    old: Object,
    new: Object,
    max_unavailable: IntOrString,
    max_surge: IntOrString,
    expected: &[Ev],
    output: &str,
) {
    // The file's controller; the server's reply to its Create is the test's `new`.
    let mut file = new.clone();
    let desired: i32 = new
        .meta
        .annotations
        .get(DESIRED_REPLICAS_ANNOTATION)
        .unwrap()
        .parse()
        .unwrap();
    set_rc_replicas(&mut file, desired);
    let mut u = RollingUpdate::new(RollingUpdateArgs {
        namespace: "default".into(),
        old_name: "foo-v1".into(),
        new_name: None,
        new_rc: Some(Box::new(file)),
        filename: "foo-v2.yaml".into(),
        rollback: false,
        update_period: 0,
        poll_interval: SECOND,
        timeout: 5 * MINUTE,
        max_unavailable,
        max_surge,
    });
    // As upstream's harness does, the expectations become three FIFOs: scale-ups, scale-downs
    // (no-ops excepted) and the new pods ready at each readiness check.
    let mut up_to = std::collections::VecDeque::new();
    let mut down_to = std::collections::VecDeque::new();
    let mut new_ready = std::collections::VecDeque::new();
    for e in expected {
        match *e {
            Up(to) => up_to.push_back(to),
            Down { new_ready: r, to } => {
                new_ready.push_back(r);
                if let Some(to) = to {
                    down_to.push_back(to);
                }
            }
        }
    }
    let mut replicas = (rc_replicas(&old), rc_replicas(&new));
    let mut output_lines = Vec::new();
    let mut now = 0;
    let mut next = u.start();
    let obj = |which: Which, replicas: (i32, i32)| -> Arc<Object> {
        Arc::new(match which {
            Which::Old => {
                let mut o = old.clone();
                set_rc_replicas(&mut o, replicas.0);
                if let Body::ReplicationController(r) = &mut o.body {
                    r.status.replicas = replicas.0;
                }
                o
            }
            Which::New => {
                let mut n = new.clone();
                set_rc_replicas(&mut n, replicas.1);
                if let Body::ReplicationController(r) = &mut n.body {
                    r.status.replicas = replicas.1;
                }
                n
            }
        })
    };
    for _ in 0..10_000 {
        output_lines.extend(u.take_output());
        next = match next {
            Next::Sleep(d) => {
                now += d;
                u.on_wake(now)
            }
            Next::Send(Request::Get { name: n, .. }) => {
                let which = if n == "foo-v1" {
                    Which::Old
                } else {
                    Which::New
                };
                if which == Which::New && matches!(u.state, State::GetTarget) {
                    u.on_response(now, Err(Status::not_found(Kind::ReplicationController, &n)))
                } else if matches!(u.state, State::CleanupGet { .. }) {
                    break;
                } else {
                    u.on_response(now, Ok(Response::Object(obj(which, replicas))))
                }
            }
            Next::Send(Request::Create { .. }) => {
                // The test's new controller, as getOrCreateTargetController returns it.
                u.on_response(now, Ok(Response::Object(Arc::new(new.clone()))))
            }
            Next::Send(Request::Patch { name: n, patch, .. }) => {
                let to = patch["spec"]["replicas"].as_i64().unwrap() as i32;
                let (fifo, which) = if n == "foo-v2" {
                    replicas.1 = to;
                    (&mut up_to, Which::New)
                } else {
                    replicas.0 = to;
                    (&mut down_to, Which::Old)
                };
                let Some(e) = fifo.pop_front() else {
                    panic!("{name}: unexpected scale of {n} to {to}");
                };
                assert_eq!(e, to, "{name}: expected scale of {n} to {e}, got {to}");
                u.on_response(now, Ok(Response::Object(obj(which, replicas))))
            }
            Next::Send(Request::List {
                label_selector: Some(sel),
                ..
            }) => {
                let mut v1 = crate::api::types::StringMap::new();
                v1.insert("version", "v1");
                let items = if sel.matches(&v1) {
                    Vec::new()
                } else {
                    let Some(ready) = new_ready.pop_front() else {
                        panic!("{name}: unexpected readiness check");
                    };
                    (0..replicas.1.max(ready) as usize)
                        .map(|i| pod(i, (i as i32) < ready))
                        .collect()
                };
                u.on_response(
                    now,
                    Ok(Response::List {
                        items,
                        resource_version: 0,
                    }),
                )
            }
            Next::Done | Next::Fail(_) | Next::Send(_) => panic!("{name}: unexpected {next:?}"),
        };
    }
    assert!(
        up_to.is_empty() && down_to.is_empty(),
        "{name}: scales left: up {up_to:?}, down {down_to:?}"
    );
    assert_eq!(output_lines.join("\n") + "\n", output, "{name}");
}

#[test]
fn test_update_table() {
    run_case(
        "10->10 30/0 fast readiness",
        old_rc(10, 10),
        new_rc(0, 10),
        pct("30%"),
        pct("0%"),
        &[down(0, 7), Up(3), down(3, 4), Up(6), down(6, 1), Up(9), down(9, 0), Up(10)],
        "Created foo-v2\nScaling up foo-v2 from 0 to 10, scaling down foo-v1 from 10 to 0 (keep 7 pods available, don't exceed 10 pods)\nScaling foo-v1 down to 7\nScaling foo-v2 up to 3\nScaling foo-v1 down to 4\nScaling foo-v2 up to 6\nScaling foo-v1 down to 1\nScaling foo-v2 up to 9\nScaling foo-v1 down to 0\nScaling foo-v2 up to 10\n",
    );
    run_case(
        "10->10 30/0 delayed readiness",
        old_rc(10, 10),
        new_rc(0, 10),
        pct("30%"),
        pct("0%"),
        &[down(0, 7), Up(3), noop(0), down(1, 6), Up(4), down(4, 3), Up(7), down(7, 0), Up(10)],
        "Created foo-v2\nScaling up foo-v2 from 0 to 10, scaling down foo-v1 from 10 to 0 (keep 7 pods available, don't exceed 10 pods)\nScaling foo-v1 down to 7\nScaling foo-v2 up to 3\nScaling foo-v1 down to 6\nScaling foo-v2 up to 4\nScaling foo-v1 down to 3\nScaling foo-v2 up to 7\nScaling foo-v1 down to 0\nScaling foo-v2 up to 10\n",
    );
    run_case(
        "10->10 30/0 fast readiness, continued after restart which prevented first scale-up",
        old_rc(7, 10),
        new_rc(0, 10),
        pct("30%"),
        pct("0%"),
        &[noop(0), Up(3), down(3, 4), Up(6), down(6, 1), Up(9), down(9, 0), Up(10)],
        "Created foo-v2\nScaling up foo-v2 from 0 to 10, scaling down foo-v1 from 7 to 0 (keep 7 pods available, don't exceed 10 pods)\nScaling foo-v2 up to 3\nScaling foo-v1 down to 4\nScaling foo-v2 up to 6\nScaling foo-v1 down to 1\nScaling foo-v2 up to 9\nScaling foo-v1 down to 0\nScaling foo-v2 up to 10\n",
    );
    run_case(
        "10->10 0/30 delayed readiness",
        old_rc(10, 10),
        new_rc(0, 10),
        pct("0%"),
        pct("30%"),
        &[Up(3), noop(0), down(1, 9), Up(4), down(3, 7), Up(6), down(6, 4), Up(9), down(9, 1), Up(10), noop(9), down(10, 0)],
        "Created foo-v2\nScaling up foo-v2 from 0 to 10, scaling down foo-v1 from 10 to 0 (keep 10 pods available, don't exceed 13 pods)\nScaling foo-v2 up to 3\nScaling foo-v1 down to 9\nScaling foo-v2 up to 4\nScaling foo-v1 down to 7\nScaling foo-v2 up to 6\nScaling foo-v1 down to 4\nScaling foo-v2 up to 9\nScaling foo-v1 down to 1\nScaling foo-v2 up to 10\nScaling foo-v1 down to 0\n",
    );
    run_case(
        "10->10 10/20 delayed readiness",
        old_rc(10, 10),
        new_rc(0, 10),
        pct("10%"),
        pct("20%"),
        &[Up(2), down(2, 7), Up(5), down(4, 5), Up(7), noop(4), down(7, 2), Up(10), down(9, 0)],
        "Created foo-v2\nScaling up foo-v2 from 0 to 10, scaling down foo-v1 from 10 to 0 (keep 9 pods available, don't exceed 12 pods)\nScaling foo-v2 up to 2\nScaling foo-v1 down to 7\nScaling foo-v2 up to 5\nScaling foo-v1 down to 5\nScaling foo-v2 up to 7\nScaling foo-v1 down to 2\nScaling foo-v2 up to 10\nScaling foo-v1 down to 0\n",
    );
    run_case(
        "10->10 0/100 delayed readiness",
        old_rc(10, 10),
        new_rc(0, 10),
        pct("0%"),
        pct("100%"),
        &[Up(10), noop(0), down(2, 8), down(7, 3), down(10, 0)],
        "Created foo-v2\nScaling up foo-v2 from 0 to 10, scaling down foo-v1 from 10 to 0 (keep 10 pods available, don't exceed 20 pods)\nScaling foo-v2 up to 10\nScaling foo-v1 down to 8\nScaling foo-v1 down to 3\nScaling foo-v1 down to 0\n",
    );
    run_case(
        "10->10 100/0 fast readiness",
        old_rc(10, 10),
        new_rc(0, 10),
        pct("100%"),
        pct("0%"),
        &[down(0, 0), Up(10)],
        "Created foo-v2\nScaling up foo-v2 from 0 to 10, scaling down foo-v1 from 10 to 0 (keep 0 pods available, don't exceed 10 pods)\nScaling foo-v1 down to 0\nScaling foo-v2 up to 10\n",
    );
    run_case(
        "1->1 25/25 maintain minimum availability",
        old_rc(1, 1),
        new_rc(0, 1),
        pct("25%"),
        pct("25%"),
        &[Up(1), noop(0), down(1, 0)],
        "Created foo-v2\nScaling up foo-v2 from 0 to 1, scaling down foo-v1 from 1 to 0 (keep 1 pods available, don't exceed 2 pods)\nScaling foo-v2 up to 1\nScaling foo-v1 down to 0\n",
    );
    run_case(
        "3->3 1/1 fast readiness (absolute values)",
        old_rc(3, 3),
        new_rc(0, 3),
        IntOrString::Int(0),
        IntOrString::Int(1),
        &[Up(1), down(1, 2), Up(2), down(2, 1), Up(3), down(3, 0)],
        "Created foo-v2\nScaling up foo-v2 from 0 to 3, scaling down foo-v1 from 3 to 0 (keep 3 pods available, don't exceed 4 pods)\nScaling foo-v2 up to 1\nScaling foo-v1 down to 2\nScaling foo-v2 up to 2\nScaling foo-v1 down to 1\nScaling foo-v2 up to 3\nScaling foo-v1 down to 0\n",
    );
}

/// TestUpdate_progressTimeout: pods that never become ready stop the update once no step
/// was possible for `--timeout`.
#[test]
fn test_update_progress_timeout() {
    let old = old_rc(2, 2);
    let new = new_rc(0, 2);
    let mut file = new.clone();
    set_rc_replicas(&mut file, 2);
    let mut u = RollingUpdate::new(RollingUpdateArgs {
        namespace: "default".into(),
        old_name: "foo-v1".into(),
        new_name: None,
        new_rc: Some(Box::new(file)),
        filename: "f".into(),
        rollback: false,
        update_period: SECOND,
        poll_interval: SECOND,
        timeout: 30 * SECOND,
        max_unavailable: IntOrString::Int(0),
        max_surge: IntOrString::Int(1),
    });
    let mut now = 0;
    let mut next = u.start();
    let mut new_replicas = 0;
    let failure = loop {
        next = match next {
            Next::Fail(e) => break e,
            Next::Done => panic!("an update without ready pods finished"),
            Next::Sleep(d) => {
                now += d;
                u.on_wake(now)
            }
            Next::Send(Request::Get { name, .. }) if name == "foo-v2" => {
                if matches!(u.state, State::GetTarget) {
                    u.on_response(
                        now,
                        Err(Status::not_found(Kind::ReplicationController, &name)),
                    )
                } else {
                    let mut n = new.clone();
                    set_rc_replicas(&mut n, new_replicas);
                    if let Body::ReplicationController(r) = &mut n.body {
                        r.status.replicas = new_replicas;
                    }
                    u.on_response(now, Ok(Response::Object(Arc::new(n))))
                }
            }
            Next::Send(Request::Get { .. }) => {
                u.on_response(now, Ok(Response::Object(Arc::new(old.clone()))))
            }
            Next::Send(Request::Create { .. }) => {
                u.on_response(now, Ok(Response::Object(Arc::new(new.clone()))))
            }
            Next::Send(Request::Patch { patch, .. }) => {
                new_replicas = patch["spec"]["replicas"].as_i64().unwrap() as i32;
                let mut n = new.clone();
                set_rc_replicas(&mut n, new_replicas);
                u.on_response(now, Ok(Response::Object(Arc::new(n))))
            }
            Next::Send(Request::List { .. }) => u.on_response(
                now,
                Ok(Response::List {
                    items: (0..new_replicas as usize).map(|i| pod(i, false)).collect(),
                    resource_version: 0,
                }),
            ),
            Next::Send(other) => panic!("unexpected {other:?}"),
        };
    };
    assert_eq!(
        failure,
        "error: timed out waiting for any update progress to be made"
    );
    assert_eq!(new_replicas, 1, "only the surge pod was created");
    assert!(
        now > 30 * SECOND && now < 40 * SECOND,
        "gave up after the timeout: {now}"
    );
}

/// AbortRollingUpdate needs the original replica count kubectl stored on the first run.
#[test]
fn rollback_without_original_count_fails_like_kubectl() {
    let mut u = RollingUpdate::new(RollingUpdateArgs {
        namespace: "default".into(),
        old_name: "foo-v1".into(),
        new_name: Some("foo-v2".into()),
        new_rc: None,
        filename: String::new(),
        rollback: true,
        update_period: SECOND,
        poll_interval: SECOND,
        timeout: MINUTE,
        max_unavailable: IntOrString::Int(0),
        max_surge: IntOrString::Int(1),
    });
    let Next::Send(Request::Get { .. }) = u.start() else {
        panic!("first reads the old controller")
    };
    let mut old = old_rc(2, 3);
    old.meta.annotations.remove(ORIGINAL_REPLICAS_ANNOTATION);
    let Next::Send(Request::Get { name, .. }) =
        u.on_response(0, Ok(Response::Object(Arc::new(old))))
    else {
        panic!("then the one to roll back from")
    };
    assert_eq!(name, "foo-v2");
    let next = u.on_response(0, Ok(Response::Object(Arc::new(new_rc(1, 3)))));
    let Next::Fail(e) = next else {
        panic!("{next:?}")
    };
    assert_eq!(
        e,
        "error: couldn't find original replica count of \"foo-v1\""
    );
    // And a target that does not exist.
    let mut u = RollingUpdate::new(u.args.clone());
    u.start();
    u.on_response(0, Ok(Response::Object(Arc::new(old_rc(2, 3)))));
    let Next::Fail(e) = u.on_response(
        0,
        Err(Status::not_found(Kind::ReplicationController, "foo-v2")),
    ) else {
        panic!()
    };
    assert_eq!(e, "error: Could not find foo-v2 to rollback.");
}
