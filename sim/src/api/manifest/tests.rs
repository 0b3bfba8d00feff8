use super::*;
use crate::api::selector::SelectorOperator;
use crate::api::types::*;

const NGINX: &str = include_str!("../../../tests/data/manifests/nginx-deployment.yaml");
const JOB_PI: &str = include_str!("../../../tests/data/manifests/job-pi.yaml");
const GUESTBOOK: &str = include_str!("../../../tests/data/manifests/guestbook-legacy.yaml");
const WEB_APP: &str = include_str!("../../../tests/data/manifests/web-app.yaml");
const GET_OUTPUT: &str = include_str!("../../../tests/data/manifests/deployment-get-output.yaml");

fn parse(yaml: &str) -> Vec<ParsedObject> {
    match parse_manifests(yaml, "test.yaml") {
        Ok(objs) => objs,
        Err(e) => panic!("unexpected error: {e}"),
    }
}

fn parse_one(yaml: &str) -> ParsedObject {
    let mut objs = parse(yaml);
    assert_eq!(objs.len(), 1, "expected one object");
    objs.remove(0)
}

fn parse_err(yaml: &str) -> ManifestError {
    match parse_manifests(yaml, "web.yaml") {
        Ok(objs) => panic!("expected an error, got {objs:?}"),
        Err(e) => e,
    }
}

fn warnings(p: &ParsedObject) -> Vec<String> {
    p.warnings.iter().map(|w| w.to_string()).collect()
}

fn deployment(o: &Object) -> &Deployment {
    match &o.body {
        Body::Deployment(d) => d,
        other => panic!("not a Deployment: {other:?}"),
    }
}

fn job(o: &Object) -> &Job {
    match &o.body {
        Body::Job(j) => j,
        other => panic!("not a Job: {other:?}"),
    }
}

fn service(o: &Object) -> &Service {
    match &o.body {
        Body::Service(s) => s,
        other => panic!("not a Service: {other:?}"),
    }
}

fn labels(pairs: &[(&str, &str)]) -> StringMap {
    pairs.iter().copied().collect()
}

fn pct(s: &str) -> IntOrString {
    IntOrString::String(s.into())
}

// ---------------------------------------------------------------------------------------------
// Each kind from a realistic manifest

#[test]
fn nginx_deployment_from_the_docs() {
    let p = parse_one(NGINX);
    assert_eq!(warnings(&p), Vec::<String>::new());
    assert_eq!(p.document, 0);
    let o = &p.object;
    assert_eq!(o.kind(), Kind::Deployment);
    assert_eq!(o.name(), "nginx-deployment");
    assert_eq!(
        o.namespace(),
        "",
        "the API server fills in the default namespace"
    );
    assert_eq!(o.meta.labels, labels(&[("app", "nginx")]));
    let d = deployment(o);
    assert_eq!(d.replicas, 3);
    assert_eq!(d.selector.match_labels, labels(&[("app", "nginx")]));
    // apps/v1 defaults (pkg/apis/apps/v1/defaults.go).
    assert_eq!(
        d.strategy,
        DeploymentStrategy::RollingUpdate {
            max_surge: pct("25%"),
            max_unavailable: pct("25%")
        }
    );
    assert_eq!(d.revision_history_limit, Some(10));
    assert_eq!(d.progress_deadline_seconds, Some(600));
    assert_eq!(d.min_ready_seconds, 0);
    assert!(!d.paused);
    assert_eq!(d.rollback_to, None);
    let spec = &d.template.spec;
    assert_eq!(d.template.labels, labels(&[("app", "nginx")]));
    assert_eq!(spec.restart_policy, RestartPolicy::Always);
    assert_eq!(spec.termination_grace_period_seconds, 30);
    assert_eq!(spec.scheduler_name, "default-scheduler");
    let c = &spec.containers[0];
    assert_eq!(c.name, "nginx");
    assert_eq!(c.image, "nginx:1.14.2");
    assert_eq!(c.image_pull_policy, PullPolicy::IfNotPresent);
    assert_eq!(
        c.ports,
        vec![ContainerPort {
            name: "".into(),
            container_port: 80,
            host_port: 0,
            host_ip: "".into(),
            protocol: Protocol::Tcp,
        }]
    );
    assert!(c.resources.requests.is_empty() && c.resources.limits.is_empty());
}

#[test]
fn pi_job_from_the_docs() {
    let p = parse_one(JOB_PI);
    assert_eq!(
        warnings(&p),
        vec!["spec.template.spec.containers[0].command: field not modelled by kubesim; ignored"]
    );
    let j = job(&p.object);
    assert_eq!(p.object.name(), "pi");
    assert_eq!(j.backoff_limit, 4);
    assert_eq!(j.parallelism, 1);
    assert_eq!(j.completions, Some(1));
    assert_eq!(j.completion_mode, CompletionMode::NonIndexed);
    assert!(!j.suspend);
    assert!(!j.manual_selector);
    assert_eq!(j.selector, None, "the API server generates the selector");
    assert_eq!(
        j.pod_replacement_policy,
        Some(PodReplacementPolicy::TerminatingOrFailed)
    );
    assert_eq!(j.template.spec.restart_policy, RestartPolicy::Never);
    assert_eq!(
        j.template.spec.containers[0].image_pull_policy,
        PullPolicy::IfNotPresent
    );
    assert!(
        p.object.meta.labels.is_empty(),
        "template has no labels to copy"
    );
}

#[test]
fn job_defaults_follow_set_defaults_job() {
    // (spec fields, one per line, parallelism, completions, backoffLimit, podReplacementPolicy)
    type Case<'a> = (&'a [&'a str], i32, Option<i32>, i32, PodReplacementPolicy);
    let cases: &[Case] = &[
        (
            &[],
            1,
            Some(1),
            6,
            PodReplacementPolicy::TerminatingOrFailed,
        ),
        (
            &["parallelism: 3"],
            3,
            None,
            6,
            PodReplacementPolicy::TerminatingOrFailed,
        ),
        (
            &["completions: 5"],
            1,
            Some(5),
            6,
            PodReplacementPolicy::TerminatingOrFailed,
        ),
        (
            &["completions: 5", "parallelism: 2"],
            2,
            Some(5),
            6,
            PodReplacementPolicy::TerminatingOrFailed,
        ),
        (
            &[
                "completions: 4",
                "completionMode: Indexed",
                "backoffLimitPerIndex: 1",
            ],
            1,
            Some(4),
            i32::MAX,
            PodReplacementPolicy::TerminatingOrFailed,
        ),
        (
            &["podFailurePolicy: {rules: []}"],
            1,
            Some(1),
            6,
            PodReplacementPolicy::Failed,
        ),
        (
            &[
                "podFailurePolicy: {rules: []}",
                "podReplacementPolicy: TerminatingOrFailed",
            ],
            1,
            Some(1),
            6,
            PodReplacementPolicy::TerminatingOrFailed,
        ),
    ];
    for (fields, parallelism, completions, backoff, replacement) in cases {
        let yaml = format!(
            "apiVersion: batch/v1\nkind: Job\nmetadata: {{name: j}}\nspec:\n  template:\n    metadata: {{labels: {{app: batch}}}}\n    spec: {{restartPolicy: Never, containers: [{{name: c, image: busybox}}]}}\n{}",
            fields.iter().map(|f| format!("  {f}\n")).collect::<String>()
        );
        let p = parse_one(&yaml);
        let j = job(&p.object);
        assert_eq!(j.parallelism, *parallelism, "{fields:?}");
        assert_eq!(j.completions, *completions, "{fields:?}");
        assert_eq!(j.backoff_limit, *backoff, "{fields:?}");
        assert_eq!(j.pod_replacement_policy, Some(*replacement), "{fields:?}");
        // SetDefaults_Job copies the template's labels to an unlabelled Job.
        assert_eq!(
            p.object.meta.labels,
            labels(&[("app", "batch")]),
            "{fields:?}"
        );
        assert_eq!(
            j.template.spec.containers[0].image_pull_policy,
            PullPolicy::Always,
            "busybox has no tag"
        );
    }
}

#[test]
fn service_defaults() {
    let p = parse_one(
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: my-service\nspec:\n  selector:\n    app.kubernetes.io/name: MyApp\n  ports:\n    - port: 80\n    - name: dns\n      protocol: UDP\n      port: 53\n      targetPort: dns-udp\n",
    );
    assert_eq!(warnings(&p), Vec::<String>::new());
    let s = service(&p.object);
    assert_eq!(s.type_, ServiceType::ClusterIP);
    assert_eq!(
        s.selector,
        Some(labels(&[("app.kubernetes.io/name", "MyApp")]))
    );
    assert_eq!(
        s.ports,
        vec![
            ServicePort {
                name: "".into(),
                protocol: Protocol::Tcp,
                port: 80,
                target_port: IntOrString::Int(80),
                node_port: 0,
            },
            ServicePort {
                name: "dns".into(),
                protocol: Protocol::Udp,
                port: 53,
                target_port: IntOrString::String("dns-udp".into()),
                node_port: 0,
            },
        ]
    );
    assert!(!s.session_affinity_client_ip);
    assert!(!s.external_traffic_policy_local);
    assert!(!s.internal_traffic_policy_local);

    let p = parse_one("apiVersion: v1\nkind: Service\nmetadata: {name: ext}\nspec:\n  ports: [{port: 443, targetPort: 0}]\n  sessionAffinity: ClientIP\n");
    let s = service(&p.object);
    assert_eq!(s.selector, None, "a Service without a selector");
    assert_eq!(s.ports[0].target_port, IntOrString::Int(443));
    assert!(s.session_affinity_client_ip);
}

#[test]
fn guestbook_tutorial_shapes() {
    let objs = parse(GUESTBOOK);
    assert_eq!(objs.len(), 3);
    assert_eq!(
        objs.iter().map(|p| p.document).collect::<Vec<_>>(),
        vec![0, 1, 2]
    );

    // ReplicationController: replicas, selector and labels from the template
    // (SetDefaults_ReplicationController).
    let rc_obj = &objs[0];
    assert_eq!(warnings(rc_obj), Vec::<String>::new());
    let Body::ReplicationController(rc) = &rc_obj.object.body else {
        panic!("not an RC")
    };
    let want = labels(&[("app", "redis"), ("role", "master"), ("tier", "backend")]);
    assert_eq!(rc.replicas, 1);
    assert_eq!(rc.selector, want);
    assert_eq!(rc_obj.object.meta.labels, want);
    let template = rc.template.as_ref().expect("template");
    assert_eq!(template.spec.containers[0].image, "k8s.gcr.io/redis:e2e");
    assert_eq!(
        template.spec.containers[0].image_pull_policy,
        PullPolicy::IfNotPresent
    );

    let s = service(&objs[1].object);
    assert_eq!(s.ports[0].target_port, IntOrString::Int(6379));

    // extensions/v1beta1 Deployment: warning, old defaults, selector from the template.
    let p = &objs[2];
    assert_eq!(
        warnings(p),
        vec![
            "apiVersion: extensions/v1beta1 Deployment is deprecated in v1.8+, unavailable in v1.16+; use apps/v1 Deployment",
            "spec.template.spec.containers[0].env: field not modelled by kubesim; ignored",
        ]
    );
    let d = deployment(&p.object);
    let want = labels(&[("app", "guestbook"), ("tier", "frontend")]);
    assert_eq!(d.selector.match_labels, want);
    assert_eq!(p.object.meta.labels, want);
    assert_eq!(
        d.strategy,
        DeploymentStrategy::RollingUpdate {
            max_surge: IntOrString::Int(1),
            max_unavailable: IntOrString::Int(1)
        }
    );
    assert_eq!(d.revision_history_limit, Some(i32::MAX));
    assert_eq!(d.progress_deadline_seconds, Some(i32::MAX));
}

#[test]
fn old_deployment_api_versions_keep_their_defaults() {
    let template = "  template:\n    metadata: {labels: {app: a}}\n    spec: {containers: [{name: c, image: nginx}]}\n";
    // (apiVersion, selector present, warning, surge, unavailable, history, deadline)
    type Case<'a> = (
        &'a str,
        bool,
        &'a str,
        IntOrString,
        IntOrString,
        Option<i32>,
        Option<i32>,
    );
    let cases: Vec<Case> = vec![
        (
            "extensions/v1beta1",
            false,
            "extensions/v1beta1 Deployment is deprecated in v1.8+, unavailable in v1.16+; use apps/v1 Deployment",
            IntOrString::Int(1),
            IntOrString::Int(1),
            Some(i32::MAX),
            Some(i32::MAX),
        ),
        (
            "apps/v1beta1",
            false,
            "apps/v1beta1 Deployment is deprecated in v1.8+, unavailable in v1.16+; use apps/v1 Deployment",
            pct("25%"),
            pct("25%"),
            Some(2),
            Some(600),
        ),
        (
            "apps/v1beta2",
            true,
            "apps/v1beta2 Deployment is deprecated in v1.9+, unavailable in v1.16+; use apps/v1 Deployment",
            pct("25%"),
            pct("25%"),
            Some(10),
            Some(600),
        ),
    ];
    for (version, with_selector, warning, surge, unavailable, history, deadline) in cases {
        let selector = if with_selector {
            "  selector: {matchLabels: {app: a}}\n"
        } else {
            ""
        };
        let yaml =
            format!("apiVersion: {version}\nkind: Deployment\nmetadata: {{name: d}}\nspec:\n{selector}{template}");
        let p = parse_one(&yaml);
        assert_eq!(p.warnings[0].path, "apiVersion");
        assert_eq!(p.warnings[0].message, warning);
        assert_eq!(p.warnings.len(), 1, "{version}: {:?}", p.warnings);
        let d = deployment(&p.object);
        assert_eq!(
            d.strategy,
            DeploymentStrategy::RollingUpdate {
                max_surge: surge,
                max_unavailable: unavailable
            },
            "{version}"
        );
        assert_eq!(d.revision_history_limit, history, "{version}");
        assert_eq!(d.progress_deadline_seconds, deadline, "{version}");
        assert_eq!(
            d.selector.match_labels,
            labels(&[("app", "a")]),
            "{version}"
        );
    }

    // apps/v1beta2 requires the selector, as apps/v1 does.
    for version in ["apps/v1beta2", "apps/v1"] {
        let e = parse_err(&format!(
            "apiVersion: {version}\nkind: Deployment\nmetadata: {{name: d}}\nspec:\n{template}"
        ));
        assert_eq!(e.path.as_deref(), Some("spec.selector"), "{version}");
        assert_eq!(e.message, "Required value");
    }

    // extensions/v1beta1 ReplicaSet also defaults its selector.
    let p = parse_one(&format!(
        "apiVersion: extensions/v1beta1\nkind: ReplicaSet\nmetadata: {{name: rs}}\nspec:\n{template}"
    ));
    let Body::ReplicaSet(rs) = &p.object.body else {
        panic!("not a ReplicaSet")
    };
    assert_eq!(rs.selector.match_labels, labels(&[("app", "a")]));
    assert_eq!(rs.replicas, 1);

    // apps/v1beta1 has no ReplicaSet.
    let e = parse_err(&format!(
        "apiVersion: apps/v1beta1\nkind: ReplicaSet\nmetadata: {{name: rs}}\nspec:\n{template}"
    ));
    assert_eq!(
        e.message,
        "no matches for kind \"ReplicaSet\" in version \"apps/v1beta1\""
    );
}

#[test]
fn rollback_to_is_kept_from_extensions_v1beta1() {
    let p = parse_one(
        "apiVersion: extensions/v1beta1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  rollbackTo:\n    revision: 3\n  templateGeneration: 2\n  template:\n    metadata: {labels: {app: a}}\n    spec: {containers: [{name: c, image: nginx}]}\n",
    );
    assert_eq!(deployment(&p.object).rollback_to, Some(3));
    assert_eq!(
        warnings(&p)[1..],
        ["spec.templateGeneration: field not modelled by kubesim; ignored"]
    );
    // apps/v1 has no rollbackTo: it is an unknown field there.
    let p = parse_one(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  rollbackTo: {revision: 3}\n  selector: {matchLabels: {app: a}}\n  template:\n    metadata: {labels: {app: a}}\n    spec: {containers: [{name: c, image: nginx}]}\n",
    );
    assert_eq!(deployment(&p.object).rollback_to, None);
    assert_eq!(warnings(&p), vec!["spec.rollbackTo: unknown field"]);
}

#[test]
fn web_app_file() {
    let objs = parse(WEB_APP);
    assert_eq!(objs.len(), 3);
    for p in &objs {
        assert_eq!(warnings(p), Vec::<String>::new(), "{}", p.object.name());
    }
    let Body::Namespace(_) = &objs[0].object.body else {
        panic!("not a Namespace")
    };
    assert_eq!(
        objs[0].object.meta.labels,
        labels(&[("kubernetes.io/metadata.name", "shop")])
    );
    let d = deployment(&objs[1].object);
    assert_eq!(objs[1].object.namespace(), "shop");
    assert_eq!(d.replicas, 4);
    assert_eq!(d.revision_history_limit, Some(3));
    assert_eq!(
        d.strategy,
        DeploymentStrategy::RollingUpdate {
            max_surge: IntOrString::Int(1),
            max_unavailable: IntOrString::Int(0)
        }
    );
    let spec = &d.template.spec;
    assert_eq!(spec.termination_grace_period_seconds, 10);
    let c = &spec.containers[0];
    assert_eq!(c.image_pull_policy, PullPolicy::Always, "untagged image");
    assert_eq!(c.resources.requests.cpu_milli(), Some(1000));
    assert_eq!(c.resources.requests.memory(), Some(268_435_456));
    assert_eq!(c.resources.limits.cpu_milli(), Some(2000));
    assert_eq!(c.resources.limits.memory(), Some(536_870_912));
    let readiness = c.readiness_probe.as_deref().expect("readiness probe");
    assert_eq!(
        *readiness,
        Probe {
            handler: Handler::HttpGet {
                path: "/".into(),
                port: IntOrString::String("http".into()),
                scheme: "HTTP".into()
            },
            initial_delay_seconds: 0,
            timeout_seconds: 1,
            period_seconds: 5,
            success_threshold: 1,
            failure_threshold: 3,
            termination_grace_period_seconds: None,
        }
    );
    let liveness = c.liveness_probe.as_deref().expect("liveness probe");
    assert_eq!(
        liveness.handler,
        Handler::TcpSocket {
            port: IntOrString::Int(8080)
        }
    );
    assert_eq!(
        (liveness.initial_delay_seconds, liveness.period_seconds),
        (15, 10)
    );
    let lifecycle = c.lifecycle.as_deref().expect("lifecycle");
    assert_eq!(lifecycle.pre_stop, Some(Handler::Sleep { seconds: 5 }));
    assert_eq!(
        spec.tolerations,
        vec![Toleration {
            key: "dedicated".into(),
            operator: TolerationOperator::Equal,
            value: "web".into(),
            effect: Some(TaintEffect::NoSchedule),
            toleration_seconds: None,
        }]
    );
    let anti = spec
        .affinity
        .as_ref()
        .and_then(|a| a.pod_anti_affinity.as_ref())
        .expect("anti-affinity");
    assert_eq!(anti.preferred[0].weight, 100);
    assert_eq!(
        anti.preferred[0].term.topology_key,
        "kubernetes.io/hostname"
    );
    let sel = anti.preferred[0]
        .term
        .label_selector
        .as_ref()
        .expect("selector");
    assert_eq!(sel.match_expressions[0].operator, SelectorOperator::In);
    assert_eq!(sel.match_expressions[0].values, vec![Name::from("web")]);

    let s = service(&objs[2].object);
    assert_eq!(s.type_, ServiceType::NodePort);
    assert_eq!(s.ports[0].node_port, 30080);
    assert_eq!(s.ports[0].target_port, IntOrString::String("http".into()));
}

#[test]
fn kubectl_get_output_round_trips_with_status() {
    let p = parse_one(GET_OUTPUT);
    let timestamp = |path: &str| format!("{path}: {}", modelled::TIMESTAMP);
    let unmodelled = |path: &str| format!("{path}: field not modelled by kubesim; ignored");
    assert_eq!(
        warnings(&p),
        vec![
            timestamp("metadata.creationTimestamp"),
            unmodelled("spec.template.spec.containers[0].terminationMessagePath"),
            unmodelled("spec.template.spec.containers[0].terminationMessagePolicy"),
            unmodelled("spec.template.spec.dnsPolicy"),
            timestamp("status.conditions[0].lastTransitionTime"),
            timestamp("status.conditions[0].lastUpdateTime"),
            timestamp("status.conditions[1].lastTransitionTime"),
            timestamp("status.conditions[1].lastUpdateTime"),
        ]
    );
    let m = &p.object.meta;
    assert_eq!((m.generation, m.resource_version), (2, 1822));
    assert_eq!(m.uid.to_string(), "2b4f8f9e-3c1d-4a5b-9e6f-7a8b9c0d1e2f");
    assert_eq!(
        m.annotations.get("deployment.kubernetes.io/revision"),
        Some("2")
    );
    let d = deployment(&p.object);
    assert_eq!(d.template.spec.containers[0].image, "nginx:1.16.1");
    let s = &d.status;
    assert_eq!(
        (
            s.observed_generation,
            s.replicas,
            s.updated_replicas,
            s.ready_replicas,
            s.available_replicas
        ),
        (2, 3, 3, 3, 3)
    );
    assert_eq!(s.terminating_replicas, None);
    let available = find_condition(&s.conditions, "Available").expect("Available");
    assert_eq!(available.status, ConditionStatus::True);
    assert_eq!(available.reason(), "MinimumReplicasAvailable");
    assert_eq!(available.last_transition_time, None);
}

// ---------------------------------------------------------------------------------------------
// Files, documents and lists

#[test]
fn multi_document_files_skip_empty_documents() {
    let yaml = "---\napiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\n---\n# only a comment\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: b}\n---\n";
    let objs = parse(yaml);
    let got: Vec<(&str, usize)> = objs.iter().map(|p| (p.object.name(), p.document)).collect();
    assert_eq!(got, vec![("a", 0), ("b", 3)]);
    assert!(parse("").is_empty());
    assert!(parse("# nothing\n").is_empty());
}

#[test]
fn lists_are_flattened() {
    let yaml = r#"
apiVersion: v1
kind: List
metadata:
  resourceVersion: ""
items:
- apiVersion: v1
  kind: Namespace
  metadata: {name: a}
- apiVersion: apps/v1
  kind: ReplicaSet
  metadata: {name: rs}
  spec:
    selector: {matchLabels: {app: x}}
    template:
      metadata: {labels: {app: x}}
      spec:
        containers: [{name: c, image: nginx, colour: blue}]
"#;
    let objs = parse(yaml);
    assert_eq!(objs.len(), 2);
    assert_eq!(objs[1].object.kind(), Kind::ReplicaSet);
    assert_eq!(objs[1].document, 0);
    assert_eq!(
        warnings(&objs[1]),
        vec!["items[1].spec.template.spec.containers[0].colour: unknown field"]
    );

    // A typed list as the API returns it: items without apiVersion and kind.
    let yaml = "apiVersion: v1\nkind: PodList\nitems:\n- metadata: {name: p1}\n  spec: {containers: [{name: c, image: nginx}]}\n- metadata: {name: p2}\n  spec: {containers: [{name: c, image: nginx}]}\n";
    let objs = parse(yaml);
    assert_eq!(
        objs.iter().map(|p| p.object.name()).collect::<Vec<_>>(),
        vec!["p1", "p2"]
    );
    assert!(objs.iter().all(|p| p.object.kind() == Kind::Pod));

    // Errors inside a list name the item.
    let e = parse_err("apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: p}\n  spec: {containers: [{name: c, image: nginx, ports: [{containerPort: eighty}]}]}\n");
    assert_eq!(
        e.path.as_deref(),
        Some("items[0].spec.containers[0].ports[0].containerPort")
    );
}

#[test]
fn parse_value_takes_inline_objects() {
    let value = serde_json::json!({
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "inline", "namespace": "default", "creationTimestamp": null},
        "spec": {"containers": [{"name": "c", "image": "nginx:latest"}]},
    });
    let p = parse_value(value, "<inline>", 4).expect("parses");
    assert_eq!(p.document, 4);
    assert!(p.warnings.is_empty(), "{:?}", p.warnings);
    let pod = p.object.as_pod().expect("pod");
    assert_eq!(pod.spec.containers[0].image_pull_policy, PullPolicy::Always);
    assert_eq!(pod.status.phase, PodPhase::Pending);

    let e = parse_value(
        serde_json::json!({"apiVersion": "v1", "kind": "List", "items": []}),
        "<inline>",
        0,
    )
    .expect_err("a list is not one object");
    assert!(e.message.contains("List"), "{e}");
}

// ---------------------------------------------------------------------------------------------
// Warnings

#[test]
fn misspelled_fields_warn_with_their_exact_path() {
    let p = parse_one(
        r#"
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  lables: {app: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: nginx
        imagePullPolicyy: Always
        ports:
        - containerPort: 80
        - containerPort: 443
          protocoll: TCP
      - name: sidecar
        image: envoy
        resources: {request: {cpu: 1}}
"#,
    );
    assert_eq!(
        warnings(&p),
        vec![
            "metadata.lables: unknown field",
            "spec.template.spec.containers[0].imagePullPolicyy: unknown field",
            "spec.template.spec.containers[0].ports[1].protocoll: unknown field",
            "spec.template.spec.containers[1].resources.request: unknown field",
        ]
    );
    // The misspelled field is not taken: the policy is the default.
    let c = &deployment(&p.object).template.spec.containers[0];
    assert_eq!(c.image_pull_policy, PullPolicy::Always);
}

#[test]
fn unmodelled_fields_warn_with_their_exact_path() {
    let p = parse_one(
        r#"
apiVersion: v1
kind: Pod
metadata:
  name: p
  selfLink: /api/v1/namespaces/default/pods/p
spec:
  securityContext: {runAsNonRoot: true}
  serviceAccountName: builder
  volumes:
  - name: scratch
    emptyDir: {}
  - name: cache
    emptyDir: {medium: Memory}
  - name: data
    nfs: {server: nfs.example.com, path: /data}
  containers:
  - name: c
    image: nginx
    env: [{name: A, value: "1"}]
    securityContext: {privileged: false}
    volumeMounts: [{name: scratch, mountPath: /tmp}]
    livenessProbe:
      httpGet: {port: 80, httpHeaders: [{name: X, value: y}]}
"#,
    );
    let unmodelled = |path: &str| format!("{path}: field not modelled by kubesim; ignored");
    assert_eq!(
        warnings(&p),
        vec![
            unmodelled("metadata.selfLink"),
            unmodelled("spec.containers[0].env"),
            unmodelled("spec.containers[0].livenessProbe.httpGet.httpHeaders"),
            unmodelled("spec.containers[0].securityContext"),
            unmodelled("spec.containers[0].volumeMounts"),
            unmodelled("spec.securityContext"),
            unmodelled("spec.serviceAccountName"),
            unmodelled("spec.volumes[1].emptyDir.medium"),
            unmodelled("spec.volumes[2].nfs"),
        ]
    );
    let pod = p.object.as_pod().expect("pod");
    assert_eq!(
        pod.spec
            .rare
            .volumes
            .iter()
            .map(|v| v.source.clone())
            .collect::<Vec<_>>(),
        vec![
            VolumeSource::EmptyDir,
            VolumeSource::EmptyDir,
            VolumeSource::Other
        ]
    );
}

#[test]
fn timestamps_warn_metadata_is_read_and_managed_fields_are_silent() {
    let p = parse_one(
        r#"
apiVersion: v1
kind: Node
metadata:
  name: node-1
  namespace: ignored-for-cluster-scoped
  uid: 6f1a2b3c-0000-4000-8000-00000000002a
  resourceVersion: "1234"
  generation: 3
  creationTimestamp: "2024-05-01T10:00:00Z"
  managedFields:
  - manager: kubelet
    operation: Update
    apiVersion: v1
    fieldsType: FieldsV1
    fieldsV1: {f:status: {}}
spec:
  taints:
  - {key: node.kubernetes.io/not-ready, effect: NoExecute, timeAdded: "2024-05-01T10:00:00Z"}
status:
  capacity: {cpu: "4", memory: "8589934592", pods: "110"}
  conditions:
  - type: Ready
    status: "True"
    reason: KubeletReady
    lastHeartbeatTime: "2024-05-01T10:00:00Z"
  addresses: [{type: InternalIP, address: 10.0.0.1}]
"#,
    );
    assert_eq!(
        warnings(&p),
        vec![
            format!("metadata.creationTimestamp: {}", modelled::TIMESTAMP),
            format!("spec.taints[0].timeAdded: {}", modelled::TIMESTAMP),
            format!(
                "status.conditions[0].lastHeartbeatTime: {}",
                modelled::TIMESTAMP
            ),
        ]
    );
    let m = &p.object.meta;
    assert_eq!(m.namespace, "");
    assert_eq!(m.uid, Uid(0x6f1a2b3c_0000_4000_8000_00000000002a));
    assert_eq!(m.uid.to_string(), "6f1a2b3c-0000-4000-8000-00000000002a");
    assert_eq!(m.resource_version, 1234);
    assert_eq!(m.generation, 3);
    assert_eq!(m.creation_timestamp, 0);
    let node = p.object.as_node().expect("node");
    assert_eq!(node.spec.taints[0].effect, TaintEffect::NoExecute);
    assert_eq!(node.spec.taints[0].time_added, None);
    // SetDefaults_NodeStatus: allocatable defaults to capacity.
    assert_eq!(node.status.allocatable, node.status.capacity);
    assert_eq!(node.status.capacity.cpu_milli(), Some(4000));
    assert_eq!(node.status.capacity.get(&ResourceName::Pods), Some(110));
    assert_eq!(node.status.conditions[0].status, ConditionStatus::True);
    assert_eq!(node.status.addresses[0].address, "10.0.0.1");

    // `creationTimestamp: null`, as `kubectl create --dry-run -o yaml` writes it, is no timestamp.
    let p = parse_one("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: n\n  creationTimestamp: null\nspec: {}\nstatus: {}\n");
    assert_eq!(warnings(&p), Vec::<String>::new());

    // A UID that is not a UUID is dropped with a warning.
    let p = parse_one("apiVersion: v1\nkind: Namespace\nmetadata: {name: n, uid: not-a-uuid}\n");
    assert_eq!(p.object.meta.uid, Uid(0));
    assert_eq!(p.warnings[0].path, "metadata.uid");
}

// ---------------------------------------------------------------------------------------------
// Errors

#[test]
fn yaml_syntax_errors_give_line_and_column() {
    let e = parse_err("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n labels: {}\n");
    assert_eq!((e.line, e.column), (Some(5), Some(2)));
    assert_eq!(e.document, Some(0));
    assert_eq!(e.to_string(), "web.yaml:5:2: did not find expected key");
    // In a later document the line is still the file's.
    let e = parse_err("apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\nkind: [\n");
    assert_eq!(e.line, Some(6));
    assert!(e.to_string().starts_with("web.yaml:6:"), "{e}");
}

#[test]
fn type_errors_name_the_field() {
    let e = parse_err("apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: x\n");
    assert_eq!(e.document, Some(1));
    assert_eq!(e.path.as_deref(), Some("spec.replicas"));
    assert_eq!(
        e.to_string(),
        "web.yaml: document 2: spec.replicas: invalid type: string \"x\", expected i32"
    );
    let e = parse_err("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: a\n    image: nginx\n  - name: b\n    image: nginx\n    ports: [{containerPort: 80}, {containerPort: 99999999999}]\n");
    assert_eq!(
        e.path.as_deref(),
        Some("spec.containers[1].ports[1].containerPort")
    );
    assert!(
        e.message
            .starts_with("invalid value: integer `99999999999`"),
        "{e}"
    );
    let e = parse_err("apiVersion: v1\nkind: Pod\nmetadata: {name: p, labels: [a]}\n");
    assert_eq!(e.path.as_deref(), Some("metadata.labels"));
    assert_eq!(e.message, "invalid type: sequence, expected a map");
}

#[test]
fn unknown_kinds_and_missing_type_information() {
    let cases = [
        (
            "apiVersion: v1\nkind: Foo\nmetadata: {name: f}\n",
            "no matches for kind \"Foo\" in version \"v1\"",
        ),
        (
            "apiVersion: v1\nkind: Deployment\nmetadata: {name: f}\n",
            "no matches for kind \"Deployment\" in version \"v1\"",
        ),
        (
            "apiVersion: apps/v2\nkind: Deployment\nmetadata: {name: f}\n",
            "no matches for kind \"Deployment\" in version \"apps/v2\"",
        ),
        (
            "metadata: {name: f}\n",
            "error validating data: [apiVersion not set, kind not set]",
        ),
        (
            "apiVersion: v1\nmetadata: {name: f}\n",
            "error validating data: kind not set",
        ),
        ("kind: Pod\n", "error validating data: apiVersion not set"),
        (
            "- a\n- b\n",
            "expected a Kubernetes object (a mapping with apiVersion and kind), found sequence",
        ),
    ];
    for (yaml, want) in cases {
        let e = parse_err(yaml);
        assert_eq!(e.message, want, "{yaml}");
        assert_eq!(e.path, None);
        assert_eq!(e.to_string(), format!("web.yaml: document 1: {want}"));
    }
}

#[test]
fn invalid_enum_values_are_errors_with_upstream_wording() {
    let e = parse_err("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  restartPolicy: Sometimes\n  containers: [{name: c, image: nginx}]\n");
    assert_eq!(e.path.as_deref(), Some("spec.restartPolicy"));
    assert_eq!(
        e.message,
        "Unsupported value: \"Sometimes\": supported values: \"Always\", \"OnFailure\", \"Never\""
    );
    let e = parse_err("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  selector: {matchLabels: {a: b}}\n  strategy: {type: Recreate, rollingUpdate: {maxSurge: 1}}\n  template: {metadata: {labels: {a: b}}, spec: {containers: [{name: c, image: nginx}]}}\n");
    assert_eq!(e.path.as_deref(), Some("spec.strategy.rollingUpdate"));
    let e = parse_err("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: nginx, readinessProbe: {periodSeconds: 3}}]\n");
    assert_eq!(e.path.as_deref(), Some("spec.containers[0].readinessProbe"));
    assert_eq!(e.message, "Required value: must specify a handler type");
}

#[test]
fn odd_inputs_never_panic() {
    let inputs = [
        "",
        "---",
        "~",
        "3",
        "\"just a string\"",
        "[]",
        "{}",
        "a: [",
        "kind: List\nitems: 3\n",
        "kind: List\nitems: [3, null, {kind: Pod}]\n",
        "apiVersion: 7\nkind: Pod\n",
        "apiVersion: v1\nkind: Pod\nspec: 3\n",
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [3]}\n",
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, resources: {limits: {cpu: lots}}}]}\n",
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p, resourceVersion: abc}\n",
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, image: \"@\"}]}\n",
        "apiVersion: v1\nkind: Service\nspec: {ports: [{port: 1e400}]}\n",
        "apiVersion: v1\nkind: Service\nspec: {ports: [{port: .nan}]}\n",
        "apiVersion: v1\nkind: Node\nstatus: {capacity: {cpu: [1]}}\n",
        "apiVersion: v1\nkind: Event\ninvolvedObject: 3\n",
        "apiVersion: extensions/v1beta1\nkind: Deployment\nspec: {rollbackTo: 3}\n",
        "apiVersion: extensions/v1beta1\nkind: Deployment\nspec: {rollbackTo: {revision: x}}\n",
        "? [a, b]\n: c\n",
        "a: &x 1\nb: *x\n<<: {c: 2}\n",
        "!!binary aGVsbG8=\n",
        &"[".repeat(10_000),
        &format!("a: {}1{}", "[".repeat(200), "]".repeat(200)),
    ];
    for input in inputs {
        let _ = parse_manifests(input, "odd.yaml");
    }
}

#[test]
fn quantities_lower_cpu_in_millis_and_the_rest_in_units() {
    let p = parse_one("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    image: nginx\n    resources:\n      limits: {cpu: 2, memory: 1073741824, nvidia.com/gpu: 1}\n      requests: {cpu: 1}\n");
    let c = &p.object.as_pod().expect("pod").spec.containers[0];
    // SetDefaults_Pod: requests default to limits where a limit has no request.
    assert_eq!(c.resources.requests.cpu_milli(), Some(1000));
    assert_eq!(c.resources.requests.memory(), Some(1 << 30));
    assert_eq!(
        c.resources
            .requests
            .get(&ResourceName::Other("nvidia.com/gpu".into())),
        Some(1)
    );
    assert_eq!(c.resources.limits.cpu_milli(), Some(2000));

    // Pod templates are not defaulted that way (SetDefaults_Pod only runs on Pods).
    let p = parse_one("apiVersion: apps/v1\nkind: ReplicaSet\nmetadata: {name: rs}\nspec:\n  selector: {matchLabels: {a: b}}\n  template:\n    metadata: {labels: {a: b}}\n    spec: {containers: [{name: c, image: nginx, resources: {limits: {cpu: 1}}}]}\n");
    let Body::ReplicaSet(rs) = &p.object.body else {
        panic!("not a ReplicaSet")
    };
    assert!(rs.template.spec.containers[0].resources.requests.is_empty());

    // Suffixed quantities need the real parser (api::quantity); checked once it is in.
    if "500m".parse::<crate::api::quantity::Quantity>().is_ok() {
        let p = parse_one("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    image: nginx\n    resources: {requests: {cpu: 500m, memory: 128Mi, ephemeral-storage: 1G}}\n");
        let r = &p.object.as_pod().expect("pod").spec.containers[0]
            .resources
            .requests;
        assert_eq!(r.cpu_milli(), Some(500));
        assert_eq!(r.memory(), Some(128 << 20));
        assert_eq!(r.get(&ResourceName::EphemeralStorage), Some(1_000_000_000));
    }

    // A bad quantity names its field.
    let e = parse_err("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: nginx, resources: {requests: {memory: lots}}}]\n");
    assert_eq!(
        e.path.as_deref(),
        Some("spec.containers[0].resources.requests.memory")
    );
    assert!(e.message.starts_with("quantities must match"), "{e}");
}

// ---------------------------------------------------------------------------------------------
// Defaulting details

#[test]
fn image_pull_policy_defaults() {
    let cases = [
        ("nginx", PullPolicy::Always),
        ("nginx:latest", PullPolicy::Always),
        ("nginx:1.25", PullPolicy::IfNotPresent),
        ("repo:5000/nginx", PullPolicy::Always),
        ("repo:5000/nginx:1.25", PullPolicy::IfNotPresent),
        ("localhost/nginx", PullPolicy::Always),
        (
            "nginx@sha256:0d17b565c37bcbd895e9d92315a05c1c3c9a29f762b011a10c54a66cd53c9b31",
            PullPolicy::IfNotPresent,
        ),
        (
            "nginx:latest@sha256:0d17b565c37bcbd895e9d92315a05c1c3c9a29f762b011a10c54a66cd53c9b31",
            PullPolicy::Always,
        ),
        (
            "docker.io/library/nginx:stable-alpine",
            PullPolicy::IfNotPresent,
        ),
        // References that do not parse have no tag: IfNotPresent.
        ("", PullPolicy::IfNotPresent),
        ("Nginx", PullPolicy::IfNotPresent),
        ("nginx:", PullPolicy::IfNotPresent),
    ];
    for (image, want) in cases {
        assert_eq!(default_pull_policy(image), want, "{image:?}");
    }
    // An explicit policy wins.
    let p = parse_one("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, image: nginx, imagePullPolicy: Never}]}\n");
    assert_eq!(
        p.object.as_pod().expect("pod").spec.containers[0].image_pull_policy,
        PullPolicy::Never
    );
}

#[test]
fn pod_status_and_host_network_ports() {
    let p = parse_one(
        r#"
apiVersion: v1
kind: Pod
metadata: {name: p, namespace: default}
spec:
  hostNetwork: true
  nodeName: node-1
  containers:
  - name: c
    image: nginx:1.25
    ports: [{containerPort: 8080}]
status:
  phase: Running
  podIP: 10.244.1.5
  hostIP: 10.0.0.1
  conditions:
  - {type: Ready, status: "True"}
  containerStatuses:
  - name: c
    image: nginx:1.25
    imageID: docker.io/library/nginx@sha256:abc
    ready: true
    started: true
    restartCount: 2
    state: {running: {startedAt: "2024-05-01T10:00:00Z"}}
    lastState: {terminated: {exitCode: 137, reason: OOMKilled}}
"#,
    );
    let pod = p.object.as_pod().expect("pod");
    assert_eq!(pod.spec.containers[0].ports[0].host_port, 8080);
    assert_eq!(pod.status.phase, PodPhase::Running);
    assert_eq!(pod.status.pod_ip, "10.244.1.5");
    let cs = &pod.status.container_statuses[0];
    assert_eq!(cs.restart_count, 2);
    assert_eq!(cs.state, ContainerState::Running { started_at: 0 });
    assert_eq!(
        cs.last_state.as_deref(),
        Some(&ContainerState::Terminated {
            exit_code: 137,
            reason: "OOMKilled".into(),
            message: "".into(),
            started_at: None,
            finished_at: 0
        })
    );
    assert_eq!(
        warnings(&p),
        vec![format!(
            "status.containerStatuses[0].state.running.startedAt: {}",
            modelled::TIMESTAMP
        ),]
    );
}

#[test]
fn endpoints_and_events() {
    let p = parse_one(
        r#"
apiVersion: v1
kind: Endpoints
metadata: {name: svc, namespace: default}
subsets:
- addresses:
  - ip: 10.244.0.5
    nodeName: node-1
    targetRef: {kind: Pod, name: web-1, namespace: default}
  ports: [{port: 8080, name: http}]
"#,
    );
    assert_eq!(warnings(&p), Vec::<String>::new());
    let Body::Endpoints(ep) = &p.object.body else {
        panic!("not Endpoints")
    };
    assert_eq!(ep.subsets[0].ports[0].protocol, Protocol::Tcp);
    assert_eq!(
        ep.subsets[0].addresses[0]
            .target_ref
            .as_ref()
            .map(|r| r.name.as_str()),
        Some("web-1")
    );

    let p = parse_one(
        "apiVersion: v1\nkind: Event\nmetadata: {name: web.1, namespace: default}\ninvolvedObject: {kind: Pod, name: web, namespace: default}\nreason: Scheduled\nmessage: assigned\ntype: Normal\ncount: 1\nsource: {component: default-scheduler}\nfirstTimestamp: \"2024-05-01T10:00:00Z\"\n",
    );
    let Body::Event(ev) = &p.object.body else {
        panic!("not an Event")
    };
    assert_eq!(ev.reason, "Scheduled");
    assert_eq!(ev.source_component, "default-scheduler");
    assert_eq!(ev.count, 1);
    assert_eq!(
        warnings(&p),
        vec![format!("firstTimestamp: {}", modelled::TIMESTAMP)]
    );
}

#[test]
fn leases() {
    let p = parse_one(
        "apiVersion: coordination.k8s.io/v1\nkind: Lease\nmetadata: {name: node-1, namespace: kube-node-lease}\nspec:\n  holderIdentity: node-1\n  leaseDurationSeconds: 40\n  renewTime: \"2024-05-01T10:00:00.123456Z\"\n  strategy: OldestEmulationVersion\n",
    );
    let Body::Lease(l) = &p.object.body else {
        panic!("not a Lease")
    };
    assert_eq!(l.holder_identity, "node-1");
    assert_eq!(l.lease_duration_seconds, Some(40));
    assert_eq!(l.renew_time, None);
    assert_eq!(
        warnings(&p),
        vec![
            format!("spec.renewTime: {}", modelled::TIMESTAMP),
            format!("spec.strategy: {}", modelled::UNMODELLED),
        ]
    );
    let err = parse_manifests(
        "apiVersion: v1\nkind: Lease\nmetadata: {name: x}\n",
        "l.yaml",
    )
    .unwrap_err();
    assert!(err.to_string().contains("no matches for kind"), "{err}");
}

#[test]
fn priority_classes() {
    let p = parse_one(
        "apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata: {name: high, namespace: ignored}\nvalue: 1000000\nglobalDefault: true\ndescription: For the important pods.\nextra: 1\n",
    );
    assert_eq!(p.object.meta.namespace, "", "cluster-scoped");
    let Some(pc) = p.object.as_priority_class() else {
        panic!("not a PriorityClass")
    };
    assert_eq!(pc.value, 1_000_000);
    assert!(pc.global_default);
    assert_eq!(pc.description, "For the important pods.");
    // SetDefaults_PriorityClass.
    assert_eq!(
        pc.preemption_policy,
        Some(PreemptionPolicy::PreemptLowerPriority)
    );
    assert_eq!(warnings(&p), vec!["extra: unknown field".to_string()]);

    let never = parse_one(
        "apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata: {name: batch}\nvalue: -5\npreemptionPolicy: Never\n",
    );
    let pc = never.object.as_priority_class().unwrap();
    assert_eq!(
        (pc.value, pc.global_default, pc.preemption_policy),
        (-5, false, Some(PreemptionPolicy::Never))
    );

    let err = parse_err(
        "apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata: {name: x}\nvalue: 1\npreemptionPolicy: Sometimes\n",
    );
    assert!(
        err.to_string().contains(
            "preemptionPolicy: Unsupported value: \"Sometimes\": supported values: \"Never\", \"PreemptLowerPriority\""
        ),
        "{err}"
    );
    let err = parse_err("apiVersion: v1\nkind: PriorityClass\nmetadata: {name: x}\nvalue: 1\n");
    assert!(err.to_string().contains("no matches for kind"), "{err}");
}

#[test]
fn minimal_manifests_of_every_kind_parse_without_warnings() {
    let pod_spec = "{containers: [{name: c, image: nginx}]}";
    let template = format!("{{metadata: {{labels: {{a: b}}}}, spec: {pod_spec}}}");
    let cases = [
        "apiVersion: v1\nkind: Namespace\nmetadata: {name: x}\n".to_string(),
        "apiVersion: v1\nkind: Node\nmetadata: {name: x}\n".to_string(),
        format!("apiVersion: v1\nkind: Pod\nmetadata: {{name: x}}\nspec: {pod_spec}\n"),
        "apiVersion: v1\nkind: Service\nmetadata: {name: x}\nspec: {ports: [{port: 80}]}\n"
            .to_string(),
        "apiVersion: v1\nkind: Endpoints\nmetadata: {name: x}\n".to_string(),
        format!("apiVersion: v1\nkind: ReplicationController\nmetadata: {{name: x}}\nspec: {{template: {template}}}\n"),
        format!("apiVersion: apps/v1\nkind: ReplicaSet\nmetadata: {{name: x}}\nspec: {{selector: {{matchLabels: {{a: b}}}}, template: {template}}}\n"),
        format!("apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: x}}\nspec: {{selector: {{matchLabels: {{a: b}}}}, template: {template}}}\n"),
        format!("apiVersion: batch/v1\nkind: Job\nmetadata: {{name: x}}\nspec: {{template: {template}}}\n"),
        "apiVersion: v1\nkind: Event\nmetadata: {name: x}\ninvolvedObject: {kind: Pod, name: p}\n"
            .to_string(),
        "apiVersion: coordination.k8s.io/v1\nkind: Lease\nmetadata: {name: x}\nspec: {holderIdentity: x}\n"
            .to_string(),
        "apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata: {name: x}\nvalue: 1\n"
            .to_string(),
    ];
    let mut kinds = Vec::new();
    for yaml in &cases {
        let p = parse_one(yaml);
        assert_eq!(warnings(&p), Vec::<String>::new(), "{yaml}");
        kinds.push(p.object.kind());
    }
    assert_eq!(kinds, Kind::ALL.to_vec());
}

#[test]
fn every_kind_has_a_modelled_path_table() {
    for kind in Kind::ALL {
        let paths = modelled_paths(kind);
        assert!(paths.contains(&"metadata.labels".to_string()), "{kind}");
        assert!(
            paths.contains(&"!metadata.managedFields".to_string()),
            "{kind}"
        );
    }
    let pod = modelled_paths(Kind::Pod);
    assert!(pod.contains(&"spec.containers[].resources.requests".to_string()));
    let deploy = modelled_paths(Kind::Deployment);
    assert!(deploy
        .contains(&"spec.template.spec.initContainers[].livenessProbe.httpGet.port".to_string()));
}
