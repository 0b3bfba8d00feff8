//! API server semantics through the public library API: optimistic concurrency, generateName,
//! selectors, graceful deletion, bindings, status subresource, watches and 410 Gone.

use std::sync::Arc;

use kubesim::api::request::{
    DeleteOptions, FieldSelector, Request, Response, StatusReason, WatchEventType, WatchRequest,
};
use kubesim::api::selector::LabelSelector;
use kubesim::api::server::ApiServer;
use kubesim::api::types::*;
use kubesim::engine::{RngStreams, SECOND};
use kubesim::trace::Trace;

fn pod(name: &str, labels: &[(&str, &str)]) -> Object {
    Object {
        meta: ObjectMeta {
            name: name.into(),
            namespace: "default".into(),
            labels: labels.iter().copied().collect(),
            ..Default::default()
        },
        body: Body::Pod(Pod {
            spec: PodSpec {
                containers: vec![Container::new("app", "nginx:1.25")],
                scheduler_name: "default-scheduler".into(),
                termination_grace_period_seconds: 30,
                ..Default::default()
            },
            status: Default::default(),
        }),
    }
}

fn server() -> (ApiServer, Trace) {
    let mut trace = Trace::new();
    let s = ApiServer::new(RngStreams::new(1).stream("kube-apiserver"), &mut trace);
    (s, trace)
}

fn created(r: Result<Response, kubesim::api::request::Status>) -> Arc<Object> {
    r.expect("request succeeds")
        .object()
        .expect("an object")
        .clone()
}

#[test]
fn bootstrap_objects_exist() {
    let (s, _) = server();
    for ns in ["default", "kube-system", "kube-public", "kube-node-lease"] {
        assert!(s.get(Kind::Namespace, "", ns).is_some(), "{ns}");
    }
    let svc = s
        .get(Kind::Service, "default", "kubernetes")
        .expect("kubernetes service");
    let Body::Service(svc) = &svc.body else {
        panic!()
    };
    assert_eq!(svc.cluster_ip, "10.96.0.1");
}

#[test]
fn create_sets_server_fields_and_rejects_duplicates() {
    let (mut s, mut t) = server();
    let p = created(s.handle(
        5 * SECOND,
        "test",
        Request::Create {
            object: pod("web", &[]),
        },
        &mut t,
    ));
    assert_ne!(p.meta.uid, Uid(0));
    assert_eq!(p.meta.creation_timestamp, 5 * SECOND);
    assert_eq!(p.meta.generation, 1);
    assert_eq!(p.meta.resource_version, s.revision());
    // Default tolerations from DefaultTolerationSeconds admission.
    let tolerations = &p.as_pod().unwrap().spec.tolerations;
    assert_eq!(tolerations.len(), 2);
    assert!(tolerations
        .iter()
        .all(|t| t.toleration_seconds == Some(300)));
    let err = s
        .handle(
            6 * SECOND,
            "test",
            Request::Create {
                object: pod("web", &[]),
            },
            &mut t,
        )
        .unwrap_err();
    assert_eq!(err.code, 409);
    assert_eq!(err.reason, StatusReason::AlreadyExists);
    assert_eq!(err.message, "pods \"web\" already exists");
}

#[test]
fn create_in_a_missing_namespace_is_not_found() {
    let (mut s, mut t) = server();
    let mut p = pod("web", &[]);
    p.meta.namespace = "nope".into();
    let err = s
        .handle(0, "test", Request::Create { object: p }, &mut t)
        .unwrap_err();
    assert_eq!(err.code, 404);
    assert_eq!(err.message, "namespaces \"nope\" not found");
}

#[test]
fn generate_name_appends_five_random_characters() {
    let (mut s, mut t) = server();
    let mut names = std::collections::BTreeSet::new();
    for _ in 0..20 {
        let mut p = pod("", &[]);
        p.meta.generate_name = "web-".into();
        let o = created(s.handle(0, "test", Request::Create { object: p }, &mut t));
        let suffix = o.meta.name.strip_prefix("web-").expect("prefix kept");
        assert_eq!(suffix.len(), 5);
        assert!(
            suffix
                .chars()
                .all(|c| "bcdfghjklmnpqrstvwxz2456789".contains(c)),
            "{suffix}"
        );
        names.insert(o.meta.name.clone());
    }
    assert_eq!(names.len(), 20);
}

#[test]
fn stale_resource_version_conflicts() {
    let (mut s, mut t) = server();
    let p = created(s.handle(
        0,
        "test",
        Request::Create {
            object: pod("web", &[("app", "a")]),
        },
        &mut t,
    ));
    let mut a = (*p).clone();
    let mut b = (*p).clone();
    a.meta.labels.insert("who", "a");
    b.meta.labels.insert("who", "b");
    let a2 = created(s.handle(1, "a", Request::Update { object: a }, &mut t));
    assert!(a2.meta.resource_version > p.meta.resource_version);
    let err = s
        .handle(2, "b", Request::Update { object: b }, &mut t)
        .unwrap_err();
    assert_eq!(err.code, 409);
    assert_eq!(
        err.message,
        "Operation cannot be fulfilled on pods \"web\": the object has been modified; please apply your changes to the latest version and try again"
    );
    // Without a resourceVersion the update is unconditional.
    let mut c = (*a2).clone();
    c.meta.resource_version = 0;
    c.meta.labels.insert("who", "c");
    assert!(s
        .handle(3, "c", Request::Update { object: c }, &mut t)
        .is_ok());
}

#[test]
fn updates_keep_status_and_bump_generation_only_on_spec_changes() {
    let (mut s, mut t) = server();
    let p = created(s.handle(
        0,
        "test",
        Request::Create {
            object: pod("web", &[]),
        },
        &mut t,
    ));
    // A status change through the main resource is ignored.
    let mut x = (*p).clone();
    if let Body::Pod(pod) = &mut x.body {
        pod.status.phase = PodPhase::Running;
    }
    let same = created(s.handle(1, "test", Request::Update { object: x.clone() }, &mut t));
    assert_eq!(same.as_pod().unwrap().status.phase, PodPhase::Pending);
    assert_eq!(
        same.meta.resource_version, p.meta.resource_version,
        "a no-op update is not written"
    );
    // Through the status subresource it sticks, without a generation bump.
    let st = created(s.handle(2, "kubelet", Request::UpdateStatus { object: x }, &mut t));
    assert_eq!(st.as_pod().unwrap().status.phase, PodPhase::Running);
    assert_eq!(st.meta.generation, 1);
    // A spec change bumps generation.
    let mut y = (*st).clone();
    if let Body::Pod(pod) = &mut y.body {
        pod.spec.containers[0].image = "nginx:1.26".into();
    }
    let sp = created(s.handle(3, "test", Request::Update { object: y }, &mut t));
    assert_eq!(sp.meta.generation, 2);
    assert_eq!(sp.as_pod().unwrap().status.phase, PodPhase::Running);
}

#[test]
fn list_by_label_and_field_selectors() {
    let (mut s, mut t) = server();
    for (n, app) in [("a", "web"), ("b", "web"), ("c", "db")] {
        s.handle(
            0,
            "t",
            Request::Create {
                object: pod(n, &[("app", app)]),
            },
            &mut t,
        )
        .unwrap();
    }
    s.handle(
        0,
        "sched",
        Request::Bind {
            namespace: "default".into(),
            name: "b".into(),
            node: "n1".into(),
            uid: None,
        },
        &mut t,
    )
    .unwrap();
    let list =
        |s: &mut ApiServer, t: &mut Trace, ls: Option<&str>, fs: Option<&str>| -> Vec<String> {
            let r = s
                .handle(
                    1,
                    "t",
                    Request::List {
                        kind: Kind::Pod,
                        namespace: Some("default".into()),
                        label_selector: ls.map(|x| LabelSelector::parse(x).unwrap()),
                        field_selector: fs.map(|x| FieldSelector::parse(Kind::Pod, x).unwrap()),
                    },
                    t,
                )
                .unwrap();
            let Response::List { items, .. } = r else {
                panic!()
            };
            items.iter().map(|o| o.meta.name.to_string()).collect()
        };
    assert_eq!(list(&mut s, &mut t, Some("app=web"), None), vec!["a", "b"]);
    assert_eq!(
        list(&mut s, &mut t, Some("app in (db,cache)"), None),
        vec!["c"]
    );
    assert_eq!(list(&mut s, &mut t, Some("app!=web"), None), vec!["c"]);
    assert_eq!(
        list(&mut s, &mut t, None, Some("spec.nodeName=n1")),
        vec!["b"]
    );
    assert_eq!(
        list(&mut s, &mut t, Some("app=web"), Some("spec.nodeName=")),
        vec!["a"]
    );
}

#[test]
fn binding_sets_node_and_condition_once() {
    let (mut s, mut t) = server();
    s.handle(
        0,
        "t",
        Request::Create {
            object: pod("web", &[]),
        },
        &mut t,
    )
    .unwrap();
    let bind = |node: &str| Request::Bind {
        namespace: "default".into(),
        name: "web".into(),
        node: node.into(),
        uid: None,
    };
    let b = created(s.handle(1, "scheduler", bind("n1"), &mut t));
    let p = b.as_pod().unwrap();
    assert_eq!(p.spec.node_name, "n1");
    let cond = find_condition(&p.status.conditions, "PodScheduled").unwrap();
    assert_eq!(cond.status, ConditionStatus::True);
    let err = s.handle(2, "scheduler", bind("n2"), &mut t).unwrap_err();
    assert_eq!(err.code, 409);
    assert!(
        err.message
            .ends_with("pod web is already assigned to node \"n1\""),
        "{}",
        err.message
    );
}

#[test]
fn stored_pods_carry_no_spare_capacity() {
    let (mut s, mut t) = server();
    let mut obj = pod("web", &[]);
    if let Body::Pod(p) = &mut obj.body {
        // Written and cleared again: an allocated rare group back at its defaults.
        p.spec.rare.hostname = "web-0".into();
        p.spec.rare.hostname = Name::default();
        assert!(p.spec.rare.is_set());
    }
    s.handle(0, "t", Request::Create { object: obj }, &mut t)
        .unwrap();
    let bind = Request::Bind {
        namespace: "default".into(),
        name: "web".into(),
        node: "n1".into(),
        uid: None,
    };
    let b = created(s.handle(1, "scheduler", bind, &mut t));
    let p = b.as_pod().unwrap();
    assert!(!p.spec.rare.is_set());
    assert_eq!(p.spec.rare.hostname, "");
    // The admission plugin pushed two tolerations, the binding one condition.
    assert_eq!(p.spec.tolerations.len(), 2);
    assert_eq!(p.spec.tolerations.capacity(), 2);
    assert_eq!(p.status.conditions.len(), 1);
    assert_eq!(p.status.conditions.capacity(), 1);
    assert!(!p.status.rare.is_set());
}

#[test]
fn graceful_deletion_of_a_bound_pod() {
    let (mut s, mut t) = server();
    s.handle(
        0,
        "t",
        Request::Create {
            object: pod("web", &[]),
        },
        &mut t,
    )
    .unwrap();
    s.handle(
        0,
        "t",
        Request::Create {
            object: pod("pending", &[]),
        },
        &mut t,
    )
    .unwrap();
    s.handle(
        0,
        "sched",
        Request::Bind {
            namespace: "default".into(),
            name: "web".into(),
            node: "n1".into(),
            uid: None,
        },
        &mut t,
    )
    .unwrap();
    let del = |name: &str, grace: Option<i64>| Request::Delete {
        kind: Kind::Pod,
        namespace: "default".into(),
        name: name.into(),
        options: DeleteOptions {
            grace_period_seconds: grace,
            ..Default::default()
        },
    };
    // An unscheduled pod goes at once.
    s.handle(10 * SECOND, "kubectl", del("pending", None), &mut t)
        .unwrap();
    assert!(s.get(Kind::Pod, "default", "pending").is_none());
    // A bound pod gets deletionTimestamp = now + terminationGracePeriodSeconds.
    let d = created(s.handle(10 * SECOND, "kubectl", del("web", None), &mut t));
    assert_eq!(d.meta.deletion_timestamp, Some(40 * SECOND));
    assert_eq!(d.meta.deletion_grace_period_seconds, Some(30));
    assert!(s.get(Kind::Pod, "default", "web").is_some());
    // A second delete can shorten the grace period, never lengthen it.
    let d2 = created(s.handle(11 * SECOND, "kubectl", del("web", Some(5)), &mut t));
    assert_eq!(d2.meta.deletion_timestamp, Some(16 * SECOND));
    let d3 = created(s.handle(12 * SECOND, "kubectl", del("web", Some(60)), &mut t));
    assert_eq!(d3.meta.deletion_timestamp, Some(16 * SECOND));
    // The kubelet's final delete with grace 0 removes it.
    s.handle(13 * SECOND, "kubelet", del("web", Some(0)), &mut t)
        .unwrap();
    assert!(s.get(Kind::Pod, "default", "web").is_none());
    let err = s
        .handle(14 * SECOND, "kubectl", del("web", None), &mut t)
        .unwrap_err();
    assert_eq!(err.message, "pods \"web\" not found");
}

#[test]
fn finalizers_hold_deletion_until_removed() {
    let (mut s, mut t) = server();
    let mut p = pod("web", &[]);
    p.meta.finalizers.push("example.com/hold".into());
    s.handle(0, "t", Request::Create { object: p }, &mut t)
        .unwrap();
    let d = created(s.handle(
        1,
        "t",
        Request::Delete {
            kind: Kind::Pod,
            namespace: "default".into(),
            name: "web".into(),
            options: Default::default(),
        },
        &mut t,
    ));
    assert!(d.meta.deletion_timestamp.is_some());
    let mut cleared = (*d).clone();
    cleared.meta.finalizers.clear();
    s.handle(2, "t", Request::Update { object: cleared }, &mut t)
        .unwrap();
    assert!(s.get(Kind::Pod, "default", "web").is_none());
}

#[test]
fn watches_replay_history_filter_and_expire_after_compaction() {
    let (mut s, mut t) = server();
    let start = s.revision();
    s.handle(
        0,
        "t",
        Request::Create {
            object: pod("a", &[("app", "web")]),
        },
        &mut t,
    )
    .unwrap();
    s.handle(
        0,
        "t",
        Request::Create {
            object: pod("b", &[("app", "db")]),
        },
        &mut t,
    )
    .unwrap();
    // Relabel a out of the selection: the watch must see it leave as DELETED.
    let mut a = (**s.get(Kind::Pod, "default", "a").unwrap()).clone();
    a.meta.labels.insert("app", "other");
    a.meta.resource_version = 0;
    s.handle(1, "t", Request::Update { object: a }, &mut t)
        .unwrap();
    s.watch(
        7,
        WatchRequest {
            kind: Kind::Pod,
            namespace: Some("default".into()),
            label_selector: Some(LabelSelector::parse("app=web").unwrap()),
            field_selector: None,
            resource_version: Some(start),
        },
    )
    .unwrap();
    let events = s.take_outbox();
    let seen: Vec<(WatchEventType, String)> = events
        .iter()
        .map(|(_, e)| (e.type_, e.object.meta.name.to_string()))
        .collect();
    assert_eq!(
        seen,
        vec![
            (WatchEventType::Added, "a".into()),
            (WatchEventType::Deleted, "a".into())
        ]
    );
    assert!(events.iter().all(|(id, _)| *id == 7));
    // Live events follow.
    s.handle(
        2,
        "t",
        Request::Create {
            object: pod("c", &[("app", "web")]),
        },
        &mut t,
    )
    .unwrap();
    let live = s.take_outbox();
    assert_eq!(live.len(), 1);
    assert_eq!(live[0].1.type_, WatchEventType::Added);
    // After compaction, watching from before it is 410 Gone.
    let rev = s.revision();
    s.compact(rev).unwrap();
    let err = s
        .watch(
            8,
            WatchRequest {
                kind: Kind::Pod,
                namespace: None,
                label_selector: None,
                field_selector: None,
                resource_version: Some(start),
            },
        )
        .unwrap_err();
    assert_eq!(err.code, 410);
    assert_eq!(err.reason, StatusReason::Expired);
    assert_eq!(
        err.message,
        format!("too old resource version: {start} ({rev})")
    );
}

#[test]
fn node_pinned_pod_watches_see_only_their_node() {
    let (mut s, mut t) = server();
    s.watch(
        1,
        WatchRequest {
            kind: Kind::Pod,
            namespace: None,
            label_selector: None,
            field_selector: Some(FieldSelector::node_name("n1")),
            resource_version: None,
        },
    )
    .unwrap();
    s.watch(
        2,
        WatchRequest {
            kind: Kind::Pod,
            namespace: None,
            label_selector: None,
            field_selector: Some(FieldSelector::node_name("n2")),
            resource_version: None,
        },
    )
    .unwrap();
    s.handle(
        0,
        "t",
        Request::Create {
            object: pod("web", &[]),
        },
        &mut t,
    )
    .unwrap();
    assert!(s.take_outbox().is_empty(), "unbound pods reach no kubelet");
    s.handle(
        1,
        "sched",
        Request::Bind {
            namespace: "default".into(),
            name: "web".into(),
            node: "n2".into(),
            uid: None,
        },
        &mut t,
    )
    .unwrap();
    let out = s.take_outbox();
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].0, 2);
    assert_eq!(out[0].1.type_, WatchEventType::Added);
}

#[test]
fn services_get_cluster_ips_and_node_ports() {
    let (mut s, mut t) = server();
    let svc = |name: &str, type_: ServiceType| Object {
        meta: ObjectMeta {
            name: name.into(),
            namespace: "default".into(),
            ..Default::default()
        },
        body: Body::Service(Service {
            type_,
            selector: Some([("app", "web")].into_iter().collect()),
            ports: vec![ServicePort {
                name: "".into(),
                protocol: Protocol::Tcp,
                port: 80,
                target_port: IntOrString::Int(8080),
                node_port: 0,
            }],
            ..Default::default()
        }),
    };
    let a = created(s.handle(
        0,
        "t",
        Request::Create {
            object: svc("a", ServiceType::ClusterIP),
        },
        &mut t,
    ));
    let b = created(s.handle(
        0,
        "t",
        Request::Create {
            object: svc("b", ServiceType::NodePort),
        },
        &mut t,
    ));
    let (Body::Service(a), Body::Service(b)) = (&a.body, &b.body) else {
        panic!()
    };
    assert!(a.cluster_ip.starts_with("10."));
    assert_ne!(a.cluster_ip, b.cluster_ip);
    assert_eq!(a.ports[0].node_port, 0);
    assert!((30000..=32767).contains(&b.ports[0].node_port));
}

fn parse_one(yaml: &str) -> Object {
    let mut parsed = kubesim::api::manifest::parse_manifests(yaml, "test.yaml").expect("parses");
    assert_eq!(parsed.len(), 1);
    parsed.remove(0).object
}

#[test]
fn validation_errors_carry_upstream_messages() {
    let (mut s, mut t) = server();
    let cases: &[(&str, &str)] = &[
        (
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: other}}\n    spec: {containers: [{name: c, image: nginx}]}\n",
            "Deployment.apps \"web\" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"other\"}: `selector` does not match template `labels`",
        ),
        (
            "apiVersion: batch/v1\nkind: Job\nmetadata: {name: pi}\nspec:\n  template:\n    spec:\n      restartPolicy: Always\n      containers: [{name: pi, image: perl}]\n",
            "Job.batch \"pi\" is invalid: spec.template.spec.restartPolicy: Required value: valid values: \"OnFailure\", \"Never\"",
        ),
        (
            "apiVersion: v1\nkind: Pod\nmetadata: {name: two}\nspec:\n  containers: [{name: web, image: a}, {name: web, image: b}]\n",
            "Pod \"two\" is invalid: spec.containers[1].name: Duplicate value: \"web\"",
        ),
        (
            "apiVersion: v1\nkind: Pod\nmetadata: {name: Bad_Name}\nspec:\n  containers: [{name: web, image: a}]\n",
            "Pod \"Bad_Name\" is invalid: metadata.name: Invalid value: \"Bad_Name\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
        ),
    ];
    for (yaml, want) in cases {
        let err = s
            .handle(
                0,
                "kubectl",
                Request::Create {
                    object: parse_one(yaml),
                },
                &mut t,
            )
            .unwrap_err();
        assert_eq!(err.code, 422);
        assert_eq!(&err.message, want);
    }
    let err = s
        .handle(
            0,
            "kubectl",
            Request::Create {
                object: parse_one(cases[0].0),
            },
            &mut t,
        )
        .unwrap_err();
    assert!(
        err.kubectl_message()
            .starts_with("The Deployment \"web\" is invalid: spec.template.metadata.labels"),
        "{}",
        err.kubectl_message()
    );
}

#[test]
fn selector_is_immutable_on_update() {
    let (mut s, mut t) = server();
    let d = parse_one("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web, v: '1'}}\n    spec: {containers: [{name: c, image: nginx}]}\n");
    let stored = created(s.handle(0, "kubectl", Request::Create { object: d }, &mut t));
    let mut changed = (*stored).clone();
    if let Body::Deployment(d) = &mut changed.body {
        d.selector = LabelSelector::parse("v=1").unwrap();
        d.selector = LabelSelector {
            match_labels: [("v", "1")].into_iter().collect(),
            match_expressions: vec![],
        };
    }
    let err = s
        .handle(1, "kubectl", Request::Update { object: changed }, &mut t)
        .unwrap_err();
    assert_eq!(err.code, 422);
    assert!(
        err.message.contains("spec.selector: Invalid value:")
            && err.message.ends_with("field is immutable"),
        "{}",
        err.message
    );
}

#[test]
fn deleting_a_namespace_marks_it_terminating_and_blocks_new_content() {
    let (mut s, mut t) = server();
    let ns = Object {
        meta: ObjectMeta {
            name: "team".into(),
            ..Default::default()
        },
        body: Body::Namespace(Namespace::default()),
    };
    s.handle(0, "t", Request::Create { object: ns }, &mut t)
        .unwrap();
    let d = created(s.handle(
        1,
        "t",
        Request::Delete {
            kind: Kind::Namespace,
            namespace: "".into(),
            name: "team".into(),
            options: Default::default(),
        },
        &mut t,
    ));
    let Body::Namespace(n) = &d.body else {
        panic!()
    };
    assert_eq!(n.phase, NamespacePhase::Terminating);
    assert!(d.meta.deletion_timestamp.is_some());
    let mut p = pod("web", &[]);
    p.meta.namespace = "team".into();
    let err = s
        .handle(2, "t", Request::Create { object: p }, &mut t)
        .unwrap_err();
    assert_eq!(err.code, 403);
    assert_eq!(err.message, "pods \"web\" is forbidden: unable to create new content in namespace team because it is being terminated");
}

#[test]
fn the_pod_table_follows_committed_writes() {
    let (mut s, mut t) = server();
    let create = |name: &str| Request::Create {
        object: pod(name, &[]),
    };
    let bind = |name: &str| Request::Bind {
        namespace: "default".into(),
        name: name.into(),
        node: "n1".into(),
        uid: None,
    };
    let delete = |name: &str, grace: Option<i64>| Request::Delete {
        kind: Kind::Pod,
        namespace: "default".into(),
        name: name.into(),
        options: DeleteOptions {
            grace_period_seconds: grace,
            ..Default::default()
        },
    };
    let first = created(s.handle(SECOND, "kubectl", create("web"), &mut t));
    let bound = created(s.handle(2 * SECOND, "scheduler", bind("web"), &mut t));
    // The kubelet reports it running and ready.
    let mut running = (*bound).clone();
    if let Body::Pod(p) = &mut running.body {
        p.status.phase = PodPhase::Running;
        p.status.start_time = Some(3 * SECOND);
        p.status
            .conditions
            .push(Condition::new("Ready", ConditionStatus::True));
    }
    s.handle(
        4 * SECOND,
        "kubelet",
        Request::UpdateStatus { object: running },
        &mut t,
    )
    .unwrap();
    // A failed write leaves no trace in the table.
    let stale = (*bound).clone();
    assert!(s
        .handle(
            5 * SECOND,
            "kubelet",
            Request::UpdateStatus { object: stale },
            &mut t
        )
        .is_err());
    // Graceful deletion, then the kubelet's final delete removes it.
    s.handle(6 * SECOND, "kubectl", delete("web", None), &mut t)
        .unwrap();
    s.handle(8 * SECOND, "kubelet", delete("web", Some(0)), &mut t)
        .unwrap();
    // The name is reused: a second row, never scheduled, deleted at once.
    let second = created(s.handle(9 * SECOND, "kubectl", create("web"), &mut t));
    s.handle(10 * SECOND, "kubectl", delete("web", None), &mut t)
        .unwrap();
    assert_eq!(s.pod_table().len(), 2);
    let mut out = Vec::new();
    s.pod_table().write_csv(&mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    assert_eq!(
        text,
        format!(
            "namespace,name,uid,node,created_ns,scheduled_ns,started_ns,ready_ns,terminated_ns,\
             deleted_ns,restarts,final_phase,reason\n\
             default,web,{},n1,1000000000,2000000000,3000000000,4000000000,,8000000000,0,Running,\n\
             default,web,{},,9000000000,,,,,10000000000,0,Pending,\n",
            first.meta.uid, second.meta.uid
        )
    );
}
