//! Property tests of kube-scheduler against the API server (no kubelets): whatever the nodes,
//! the pods and the seed, no node is ever bound more requests than its allocatable, and no two
//! pods bound to one node use the same host port.

use std::collections::BTreeMap;
use std::sync::Arc;

use proptest::prelude::*;

use kubesim::api::manifest::parse_manifests;
use kubesim::api::request::Request;
use kubesim::api::resource::pod_requests;
use kubesim::api::types::{Kind, ResourceName};
use kubesim::cluster::Cluster;
use kubesim::engine::SECOND;
use kubesim::model::Model;
use kubesim::network::CONTROL_PLANE;
use kubesim::scheduler::config::{KubeSchedulerConfiguration, Registry};
use kubesim::scheduler::{Scheduler, SchedulerSetup};

#[derive(Clone, Debug)]
struct PodSpec {
    cpu_milli: i64,
    memory_mi: i64,
    host_port: Option<i32>,
    priority: i32,
}

fn pod_strategy() -> impl Strategy<Value = PodSpec> {
    (
        0i64..3000,
        0i64..4096,
        prop::option::weighted(0.3, prop::sample::select(vec![80, 443, 8080])),
        prop::sample::select(vec![0, 0, 0, 100, 1000]),
    )
        .prop_map(|(cpu_milli, memory_mi, host_port, priority)| PodSpec {
            cpu_milli,
            memory_mi,
            host_port,
            priority,
        })
}

fn object(yaml: &str) -> kubesim::api::types::Object {
    parse_manifests(yaml, "prop")
        .expect("valid manifest")
        .remove(0)
        .object
}

/// Runs the scheduler on the nodes (cpu millicores, memory MiB, pods) and pods; returns the
/// API server's final pods.
fn run(
    nodes: &[(i64, i64, i64)],
    pods: &[PodSpec],
    seed: u64,
    config: &str,
) -> Vec<Arc<kubesim::api::types::Object>> {
    let mut cluster = Cluster::new(Model::builtin(), seed, 120 * SECOND, 5_000_000);
    for (i, (cpu, mem, max_pods)) in nodes.iter().enumerate() {
        let zone = ["a", "b", "c"][i % 3];
        let node = object(&format!(
            "apiVersion: v1\nkind: Node\nmetadata: {{name: node-{i}, labels: {{topology.kubernetes.io/zone: {zone}, kubernetes.io/hostname: node-{i}}}}}\n\
             status: {{allocatable: {{cpu: {cpu}m, memory: {mem}Mi, pods: '{max_pods}'}}, capacity: {{cpu: {cpu}m, memory: {mem}Mi, pods: '{max_pods}'}}}}"
        ));
        cluster
            .admin_request("cluster-bootstrap", Request::Create { object: node })
            .unwrap();
    }
    for value in [100, 1000] {
        let class = object(&format!(
            "apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata: {{name: p{value}}}\nvalue: {value}"
        ));
        cluster
            .admin_request("kubectl", Request::Create { object: class })
            .unwrap();
    }
    for (i, p) in pods.iter().enumerate() {
        let class = if p.priority > 0 {
            format!("priorityClassName: p{}, ", p.priority)
        } else {
            String::new()
        };
        let ports = p
            .host_port
            .map(|hp| format!(", ports: [{{containerPort: 80, hostPort: {hp}}}]"))
            .unwrap_or_default();
        let pod = object(&format!(
            "apiVersion: v1\nkind: Pod\nmetadata: {{name: p-{i}, namespace: default, labels: {{app: a{}}}}}\n\
             spec: {{{class}containers: [{{name: c, image: busybox, resources: {{requests: {{cpu: {}m, memory: {}Mi}}}}{ports}}}]}}",
            i % 3, p.cpu_milli, p.memory_mi
        ));
        cluster
            .admin_request("kubectl", Request::Create { object: pod })
            .unwrap();
    }
    let config: KubeSchedulerConfiguration = serde_yaml::from_str(config).unwrap();
    let (setup, _) = SchedulerSetup::new(
        config,
        Registry::default(),
        Model::builtin().scheduler,
        false,
    )
    .unwrap();
    let setup = Arc::new(setup);
    cluster.add_component(
        "kube-scheduler",
        CONTROL_PLANE,
        Box::new(Scheduler::new(setup)),
        None,
    );
    cluster.run().unwrap();
    cluster.api().list(Kind::Pod, None)
}

fn check(
    nodes: &[(i64, i64, i64)],
    pods: &[Arc<kubesim::api::types::Object>],
) -> Result<(), TestCaseError> {
    let mut used: BTreeMap<String, (i64, i64, i64)> = BTreeMap::new();
    let mut ports: BTreeMap<(String, i32), String> = BTreeMap::new();
    for obj in pods {
        let pod = obj.as_pod().unwrap();
        if pod.spec.node_name.is_empty() {
            continue;
        }
        let node = pod.spec.node_name.to_string();
        let req = pod_requests(&pod.spec);
        let u = used.entry(node.clone()).or_default();
        u.0 += req.get(&ResourceName::Cpu).unwrap_or(0);
        u.1 += req.get(&ResourceName::Memory).unwrap_or(0);
        u.2 += 1;
        for c in &pod.spec.containers {
            for p in &c.ports {
                if p.host_port > 0 {
                    if let Some(other) =
                        ports.insert((node.clone(), p.host_port), obj.meta.name.to_string())
                    {
                        return Err(TestCaseError::fail(format!(
                            "{} and {other} both use host port {} on {node}",
                            obj.meta.name, p.host_port
                        )));
                    }
                }
            }
        }
    }
    for (node, (cpu, mem, count)) in &used {
        let i: usize = node.trim_start_matches("node-").parse().unwrap();
        let (a_cpu, a_mem, a_pods) = nodes[i];
        prop_assert!(*cpu <= a_cpu, "{node}: cpu {cpu}m > {a_cpu}m");
        prop_assert!(
            *mem <= a_mem * 1024 * 1024,
            "{node}: memory {mem} > {a_mem}Mi"
        );
        prop_assert!(*count <= a_pods, "{node}: {count} pods > {a_pods}");
    }
    Ok(())
}

const DEFAULT: &str = "{}";
const BIN_PACKING: &str = r#"
profiles:
  - schedulerName: default-scheduler
    percentageOfNodesToScore: 100
    pluginConfig:
      - name: NodeResourcesFit
        args: {scoringStrategy: {type: MostAllocated}}
"#;
const FIRST_FIT: &str = r#"
profiles:
  - schedulerName: default-scheduler
    percentageOfNodesToScore: 100
    plugins:
      multiPoint:
        enabled: [{name: FirstFit}]
      score:
        disabled: [{name: "*"}]
        enabled: [{name: FirstFit}]
"#;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn scheduler_never_overcommits_nor_shares_host_ports(
        nodes in prop::collection::vec((500i64..8000, 512i64..16384, 1i64..12), 1..7),
        pods in prop::collection::vec(pod_strategy(), 1..40),
        seed in 0u64..1000,
        config in prop::sample::select(vec![DEFAULT, BIN_PACKING, FIRST_FIT]),
    ) {
        let result = run(&nodes, &pods, seed, config);
        check(&nodes, &result)?;
        // Not vacuous: when any pod fits an empty node, something gets bound.
        let smallest_fits = pods.iter().any(|p| nodes.iter().any(|n| p.cpu_milli <= n.0 && p.memory_mi <= n.1));
        let bound = result.iter().filter(|o| !o.as_pod().unwrap().spec.node_name.is_empty()).count();
        prop_assert!(!smallest_fits || bound > 0, "nothing bound although a pod fits");
    }
}
