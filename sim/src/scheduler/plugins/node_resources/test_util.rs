//! Fixtures for the noderesources tests, shaped like upstream's (pkg/scheduler/framework/
//! plugins/noderesources/{test_util.go,fit_test.go} and pkg/scheduler/testing/wrappers.go).

use std::fmt::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use crate::scheduler::framework::{CycleState, NodeInfo, Plugin, PodInfo, Snapshot, Status};
use crate::scheduler::testing;

/// Containers given by their requests, one `(resource, quantity)` list per container.
pub type Containers = &'static [&'static [(&'static str, &'static str)]];

static POD_SEQ: AtomicUsize = AtomicUsize::new(0);

fn requests_yaml(requests: &[(&str, &str)]) -> String {
    let mut out = String::from("{");
    for (i, (name, qty)) in requests.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        write!(out, "'{name}': '{qty}'").unwrap();
    }
    out.push('}');
    out
}

fn container_yaml(out: &mut String, name: &str, requests: &[(&str, &str)], sidecar: bool) {
    write!(out, "  - name: {name}\n    image: pause\n").unwrap();
    if sidecar {
        out.push_str("    restartPolicy: Always\n");
    }
    if !requests.is_empty() {
        writeln!(
            out,
            "    resources: {{requests: {}}}",
            requests_yaml(requests)
        )
        .unwrap();
    }
}

/// A pod with the given containers and init containers (`true` = restartable, a sidecar),
/// bound to `node` if not empty. Names are unique (`p<n>`).
pub fn pod_full(
    node: &str,
    containers: &[&[(&str, &str)]],
    init_containers: &[(&[(&str, &str)], bool)],
) -> Arc<PodInfo> {
    let n = POD_SEQ.fetch_add(1, Ordering::Relaxed);
    let mut yaml = format!("metadata: {{name: p{n}}}\nspec:\n");
    if !node.is_empty() {
        writeln!(yaml, "  nodeName: {node}").unwrap();
    }
    yaml.push_str("  containers:");
    if containers.is_empty() {
        yaml.push_str(" []\n");
    } else {
        yaml.push('\n');
        for (i, c) in containers.iter().enumerate() {
            container_yaml(&mut yaml, &format!("con{i}"), c, false);
        }
    }
    if !init_containers.is_empty() {
        yaml.push_str("  initContainers:\n");
        for (i, (c, sidecar)) in init_containers.iter().enumerate() {
            container_yaml(&mut yaml, &format!("init{i}"), c, *sidecar);
        }
    }
    testing::pod(&yaml)
}

/// st.MakePod().Req(c1).Req(c2)...: a pending pod, one container per request list (an empty
/// list is a container without requests, st's `.Container(name)`).
pub fn pod(containers: &[&[(&str, &str)]]) -> Arc<PodInfo> {
    pod_full("", containers, &[])
}

/// The same pod bound to `node` (st's `.Node(node)`).
pub fn pod_on(node: &str, containers: &[&[(&str, &str)]]) -> Arc<PodInfo> {
    pod_full(node, containers, &[])
}

fn node_yaml(name: &str, resources: &[(&str, String)]) -> String {
    let mut list = String::from("{");
    for (i, (res, qty)) in resources.iter().enumerate() {
        if i > 0 {
            list.push_str(", ");
        }
        write!(list, "'{res}': '{qty}'").unwrap();
    }
    list.push('}');
    format!("metadata: {{name: {name}}}\nstatus: {{capacity: {list}, allocatable: {list}}}")
}

/// st.MakeNode().Name(name).Capacity(resources): capacity and allocatable, with 32 pods
/// unless given. No resources at all is st.MakeNode().Name(name).Obj().
pub fn make_node(name: &str, resources: &[(&str, &str)]) -> NodeInfo {
    let mut list: Vec<(&str, String)> = Vec::new();
    if !resources.is_empty() {
        list.push(("pods", "32".to_string()));
    }
    for (r, q) in resources {
        list.retain(|(k, _)| k != r);
        list.push((r, q.to_string()));
    }
    testing::node(&node_yaml(name, &list))
}

/// test_util.go makeNode / makeNodeWithExtendedResource: cpu in millicores, memory in
/// bytes and extended resources, as capacity and allocatable (no pods).
pub fn make_node_ext(
    name: &str,
    milli_cpu: i64,
    memory: i64,
    extended: &[(&str, i64)],
) -> NodeInfo {
    let mut list = vec![
        ("cpu", format!("{milli_cpu}m")),
        ("memory", memory.to_string()),
    ];
    for (r, q) in extended {
        list.push((r, q.to_string()));
    }
    testing::node(&node_yaml(name, &list))
}

/// Runs PreScore (if asked) then Score on every node of the snapshot, the way upstream's
/// score tests do. Returns the PreScore status and the per-node results.
pub fn run_score_results(
    plugin: &dyn Plugin,
    pod: &PodInfo,
    snapshot: &Snapshot,
    run_pre_score: bool,
) -> (Status, Vec<Result<i64, Status>>) {
    let mut state = CycleState::new();
    let nodes: Vec<&NodeInfo> = snapshot.nodes.iter().collect();
    let status = if run_pre_score {
        plugin.pre_score(&mut state, pod, &nodes, snapshot)
    } else {
        Status::success()
    };
    if status.is_skip() {
        return (status, Vec::new());
    }
    let scores = snapshot
        .nodes
        .iter()
        .map(|n| plugin.score(&state, pod, n))
        .collect();
    (status, scores)
}

/// [`run_score_results`], every score expected to succeed.
pub fn run_scores(
    plugin: &dyn Plugin,
    pod: &PodInfo,
    snapshot: &Snapshot,
    run_pre_score: bool,
) -> (Status, Vec<i64>) {
    let (status, results) = run_score_results(plugin, pod, snapshot, run_pre_score);
    let scores = results
        .into_iter()
        .map(|r| r.unwrap_or_else(|s| panic!("Score failed: {s:?}")))
        .collect();
    (status, scores)
}
