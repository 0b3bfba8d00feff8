//! NodeResourcesFit's filter, score and args tests, reproducing upstream's cases from
//! pkg/scheduler/framework/plugins/noderesources/fit_test.go and
//! pkg/scheduler/apis/config/validation/validation_pluginargs_test.go.

use std::sync::Arc;

use super::resource_allocation::{default_resource_spec, ResourceSpec};
use super::test_util::{make_node, pod, pod_full, pod_on, run_scores};
use super::*;
use crate::scheduler::framework::{Code, NodeInfo, PodInfo, Snapshot};
use crate::scheduler::testing;

const EXTENDED_A: &str = "example.com/aaa";
const EXTENDED_B: &str = "example.com/bbb";
const KUBERNETES_IO_A: &str = "kubernetes.io/something";
const KUBERNETES_IO_B: &str = "subdomain.kubernetes.io/something";
const HUGE_PAGE_A: &str = "hugepages-2Mi";
const EXTENDED_DRA: &str = "extended.resource.dra.io/something";

/// framework.Resource as fit_test.go's newResourcePod takes it.
#[derive(Clone, Copy, Default)]
struct R {
    cpu: i64,
    mem: i64,
    storage: i64,
    scalar: &'static [(&'static str, i64)],
}

fn r(cpu: i64, mem: i64) -> R {
    R {
        cpu,
        mem,
        ..R::default()
    }
}

fn rs(cpu: i64, mem: i64, scalar: &'static [(&'static str, i64)]) -> R {
    R {
        cpu,
        mem,
        scalar,
        ..R::default()
    }
}

/// newResourcePod's container requests: cpu, memory, pods and ephemeral-storage always
/// present (possibly 0), then the scalar resources.
fn requests_of(r: &R) -> Vec<(String, String)> {
    let mut out = vec![
        ("cpu".to_string(), format!("{}m", r.cpu)),
        ("memory".to_string(), r.mem.to_string()),
        ("pods".to_string(), "0".to_string()),
        ("ephemeral-storage".to_string(), r.storage.to_string()),
    ];
    for (name, q) in r.scalar {
        out.push((name.to_string(), q.to_string()));
    }
    out
}

fn as_refs(lists: &[Vec<(String, String)>]) -> Vec<Vec<(&str, &str)>> {
    lists
        .iter()
        .map(|l| l.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect())
        .collect()
}

/// newResourceInitPod(newResourcePod(usage...), init...).
fn resource_pod(usage: &[R], init: &[R]) -> Arc<PodInfo> {
    let containers: Vec<Vec<(String, String)>> = usage.iter().map(requests_of).collect();
    let inits: Vec<Vec<(String, String)>> = init.iter().map(requests_of).collect();
    let c = as_refs(&containers);
    let i = as_refs(&inits);
    let c: Vec<&[(&str, &str)]> = c.iter().map(|v| v.as_slice()).collect();
    let i: Vec<(&[(&str, &str)], bool)> = i.iter().map(|v| (v.as_slice(), false)).collect();
    pod_full("", &c, &i)
}

/// newResourcePod(usage...).
fn new_resource_pod(usage: &[R]) -> Arc<PodInfo> {
    resource_pod(usage, &[])
}

/// makeAllocatableResources(milliCPU, memory, pods, extendedA, storage, hugePageA) as a
/// node carrying `pods` (framework.NewNodeInfo(pods...) then SetNode).
fn node_info(alloc: [i64; 6], pods: &[Arc<PodInfo>]) -> NodeInfo {
    let [cpu, mem, npods, ext_a, storage, huge] = alloc;
    let list = [
        ("cpu", format!("{cpu}m")),
        ("memory", mem.to_string()),
        ("pods", npods.to_string()),
        (EXTENDED_A, ext_a.to_string()),
        ("ephemeral-storage", storage.to_string()),
        (HUGE_PAGE_A, huge.to_string()),
    ];
    let list: Vec<(&str, &str)> = list.iter().map(|(a, b)| (*a, b.as_str())).collect();
    let mut info = make_node("node", &list);
    // make_node adds 32 pods only when missing; the given count wins.
    for p in pods {
        info.add_pod(p.clone());
    }
    info
}

fn default_args() -> FitArgs {
    FitArgs {
        scoring_strategy: Some(ScoringStrategy {
            type_: LEAST_ALLOCATED.into(),
            resources: default_resource_spec(),
            shape: None,
        }),
        ..FitArgs::default()
    }
}

/// Runs PreFilter then Filter.
fn run_filter(plugin: &Fit, pod: &PodInfo, node: &NodeInfo) -> Status {
    let mut state = CycleState::new();
    let (_, status) = plugin.pre_filter(&mut state, pod, &Snapshot::default());
    assert!(status.is_success(), "PreFilter: {status:?}");
    plugin.filter(&state, pod, node)
}

/// fitsRequest's InsufficientResources as (name, requested, used, capacity, unresolvable).
type Insufficient = (&'static str, i64, i64, i64, bool);

struct EnoughCase {
    name: &'static str,
    pod: Arc<PodInfo>,
    node_pods: Vec<Arc<PodInfo>>,
    ignored_resources: &'static [&'static str],
    ignored_resource_groups: &'static [&'static str],
    want_status: Option<(Code, &'static [&'static str])>,
    want: &'static [Insufficient],
}

fn enough(
    name: &'static str,
    pod: Arc<PodInfo>,
    node_pod: Arc<PodInfo>,
    want_status: Option<(Code, &'static [&'static str])>,
    want: &'static [Insufficient],
) -> EnoughCase {
    EnoughCase {
        name,
        pod,
        node_pods: vec![node_pod],
        ignored_resources: &[],
        ignored_resource_groups: &[],
        want_status,
        want,
    }
}

const UNSCHED: Code = Code::Unschedulable;
const UNRESOLVABLE: Code = Code::UnschedulableAndUnresolvable;

/// TestEnoughRequests (fit_test.go). Skipped: "resources + pod overhead fits" and
/// "requests + overhead does not fit for memory" (pod overhead is not modelled); the
/// podLevelResourcesEnabled cases that set pod-level resources ("both pod-level and
/// container-level resources fit", "pod-level cpu resource not fit", "pod-level memory
/// resource not fit", "pod-level hugepages resource fit", "both pod-level and
/// container-level hugepages resource fit", "pod-level hugepages resource not fit", "one
/// pod-level cpu resource fits and all init and non-init containers resources fit"), and
/// the draExtendedResourceEnabled cases ("extended resource backed by device plugin",
/// "extended resource backed by DRA", "extended resource backed by DRA, nil draManager",
/// "extended resource NOT backed by DRA", "extended resource was backed by Device Plugin
/// (Allocatable: 0)", "... global cache"): neither pod-level resources nor DRA is modelled.
#[test]
fn enough_requests() {
    const A10: &[(&str, i64)] = &[(EXTENDED_A, 10)];
    const A0: &[(&str, i64)] = &[(EXTENDED_A, 0)];
    const A1: &[(&str, i64)] = &[(EXTENDED_A, 1)];
    const A5: &[(&str, i64)] = &[(EXTENDED_A, 5)];
    const A3: &[(&str, i64)] = &[(EXTENDED_A, 3)];
    const A2: &[(&str, i64)] = &[(EXTENDED_A, 2)];
    const A6: &[(&str, i64)] = &[(EXTENDED_A, 6)];
    const B1: &[(&str, i64)] = &[(EXTENDED_B, 1)];
    const K10A: &[(&str, i64)] = &[(KUBERNETES_IO_A, 10)];
    const K10B: &[(&str, i64)] = &[(KUBERNETES_IO_B, 10)];
    const H10: &[(&str, i64)] = &[(HUGE_PAGE_A, 10)];
    const H0: &[(&str, i64)] = &[(HUGE_PAGE_A, 0)];
    const H3: &[(&str, i64)] = &[(HUGE_PAGE_A, 3)];
    const H2: &[(&str, i64)] = &[(HUGE_PAGE_A, 2)];
    const CPU: &[&str] = &["Insufficient cpu"];
    const MEM: &[&str] = &["Insufficient memory"];
    const INS_A: &[&str] = &["Insufficient example.com/aaa"];
    let p = |u: &[R]| new_resource_pod(u);
    let ip = |u: &[R], i: &[R]| resource_pod(u, i);
    let cases = vec![
        enough(
            "no resources requested always fits",
            pod(&[]),
            p(&[r(10, 20)]),
            None,
            &[],
        ),
        enough(
            "too many resources fails",
            p(&[r(1, 1)]),
            p(&[r(10, 20)]),
            Some((UNSCHED, &["Insufficient cpu", "Insufficient memory"])),
            &[("cpu", 1, 10, 10, false), ("memory", 1, 20, 20, false)],
        ),
        enough(
            "too many resources fails due to init container cpu",
            ip(&[r(1, 1)], &[r(3, 1)]),
            p(&[r(8, 19)]),
            Some((UNSCHED, CPU)),
            &[("cpu", 3, 8, 10, false)],
        ),
        enough(
            "too many resources fails due to highest init container cpu",
            ip(&[r(1, 1)], &[r(3, 1), r(2, 1)]),
            p(&[r(8, 19)]),
            Some((UNSCHED, CPU)),
            &[("cpu", 3, 8, 10, false)],
        ),
        enough(
            "too many resources fails due to init container memory",
            ip(&[r(1, 1)], &[r(1, 3)]),
            p(&[r(9, 19)]),
            Some((UNSCHED, MEM)),
            &[("memory", 3, 19, 20, false)],
        ),
        enough(
            "too many resources fails due to highest init container memory",
            ip(&[r(1, 1)], &[r(1, 3), r(1, 2)]),
            p(&[r(9, 19)]),
            Some((UNSCHED, MEM)),
            &[("memory", 3, 19, 20, false)],
        ),
        enough(
            "init container fits because it's the max, not sum, of containers and init containers",
            ip(&[r(1, 1)], &[r(1, 1)]),
            p(&[r(9, 19)]),
            None,
            &[],
        ),
        enough(
            "multiple init containers fit because it's the max, not sum, of containers and init containers",
            ip(&[r(1, 1)], &[r(1, 1), r(1, 1)]),
            p(&[r(9, 19)]),
            None,
            &[],
        ),
        enough(
            "both resources fit",
            p(&[r(1, 1)]),
            p(&[r(5, 5)]),
            None,
            &[],
        ),
        enough(
            "one resource memory fits",
            p(&[r(2, 1)]),
            p(&[r(9, 5)]),
            Some((UNSCHED, CPU)),
            &[("cpu", 2, 9, 10, false)],
        ),
        enough(
            "one resource cpu fits",
            p(&[r(1, 2)]),
            p(&[r(5, 19)]),
            Some((UNSCHED, MEM)),
            &[("memory", 2, 19, 20, false)],
        ),
        enough("equal edge case", p(&[r(5, 1)]), p(&[r(5, 19)]), None, &[]),
        enough(
            "equal edge case for init container",
            ip(&[r(4, 1)], &[r(5, 1)]),
            p(&[r(5, 19)]),
            None,
            &[],
        ),
        enough(
            "extended resource fits",
            p(&[rs(0, 0, A1)]),
            p(&[R::default()]),
            None,
            &[],
        ),
        enough(
            "extended resource fits for init container",
            ip(&[R::default()], &[rs(0, 0, A1)]),
            p(&[R::default()]),
            None,
            &[],
        ),
        enough(
            "extended resource capacity enforced",
            p(&[rs(1, 1, A10)]),
            p(&[rs(0, 0, A0)]),
            Some((UNRESOLVABLE, INS_A)),
            &[(EXTENDED_A, 10, 0, 5, true)],
        ),
        enough(
            "extended resource capacity enforced for init container",
            ip(&[R::default()], &[rs(1, 1, A10)]),
            p(&[rs(0, 0, A0)]),
            Some((UNRESOLVABLE, INS_A)),
            &[(EXTENDED_A, 10, 0, 5, true)],
        ),
        enough(
            "extended resource allocatable enforced",
            p(&[rs(1, 1, A1)]),
            p(&[rs(0, 0, A5)]),
            Some((UNSCHED, INS_A)),
            &[(EXTENDED_A, 1, 5, 5, false)],
        ),
        enough(
            "extended resource allocatable enforced for init container",
            ip(&[R::default()], &[rs(1, 1, A1)]),
            p(&[rs(0, 0, A5)]),
            Some((UNSCHED, INS_A)),
            &[(EXTENDED_A, 1, 5, 5, false)],
        ),
        enough(
            "extended resource allocatable enforced for multiple containers",
            p(&[rs(1, 1, A3), rs(1, 1, A3)]),
            p(&[rs(0, 0, A2)]),
            Some((UNRESOLVABLE, INS_A)),
            &[(EXTENDED_A, 6, 2, 5, true)],
        ),
        enough(
            "extended resource allocatable admits multiple init containers",
            ip(&[R::default()], &[rs(1, 1, A3), rs(1, 1, A3)]),
            p(&[rs(0, 0, A2)]),
            None,
            &[],
        ),
        enough(
            "extended resource allocatable enforced for multiple init containers",
            ip(&[R::default()], &[rs(1, 1, A6), rs(1, 1, A3)]),
            p(&[rs(0, 0, A2)]),
            Some((UNRESOLVABLE, INS_A)),
            &[(EXTENDED_A, 6, 2, 5, true)],
        ),
        enough(
            "extended resource allocatable enforced for unknown resource",
            p(&[rs(1, 1, B1)]),
            p(&[r(0, 0)]),
            Some((UNRESOLVABLE, &["Insufficient example.com/bbb"])),
            &[(EXTENDED_B, 1, 0, 0, true)],
        ),
        enough(
            "extended resource allocatable enforced for unknown resource for init container",
            ip(&[R::default()], &[rs(1, 1, B1)]),
            p(&[r(0, 0)]),
            Some((UNRESOLVABLE, &["Insufficient example.com/bbb"])),
            &[(EXTENDED_B, 1, 0, 0, true)],
        ),
        enough(
            "kubernetes.io resource capacity enforced",
            p(&[rs(1, 1, K10A)]),
            p(&[r(0, 0)]),
            Some((UNRESOLVABLE, &["Insufficient kubernetes.io/something"])),
            &[(KUBERNETES_IO_A, 10, 0, 0, true)],
        ),
        enough(
            "kubernetes.io resource capacity enforced for init container",
            ip(&[R::default()], &[rs(1, 1, K10B)]),
            p(&[r(0, 0)]),
            Some((
                UNRESOLVABLE,
                &["Insufficient subdomain.kubernetes.io/something"],
            )),
            &[(KUBERNETES_IO_B, 10, 0, 0, true)],
        ),
        enough(
            "hugepages resource capacity enforced",
            p(&[rs(1, 1, H10)]),
            p(&[rs(0, 0, H0)]),
            Some((UNRESOLVABLE, &["Insufficient hugepages-2Mi"])),
            &[(HUGE_PAGE_A, 10, 0, 5, true)],
        ),
        enough(
            "hugepages resource capacity enforced for init container",
            ip(&[R::default()], &[rs(1, 1, H10)]),
            p(&[rs(0, 0, H0)]),
            Some((UNRESOLVABLE, &["Insufficient hugepages-2Mi"])),
            &[(HUGE_PAGE_A, 10, 0, 5, true)],
        ),
        enough(
            "hugepages resource allocatable enforced for multiple containers",
            p(&[rs(1, 1, H3), rs(1, 1, H3)]),
            p(&[rs(0, 0, H2)]),
            Some((UNRESOLVABLE, &["Insufficient hugepages-2Mi"])),
            &[(HUGE_PAGE_A, 6, 2, 5, true)],
        ),
        EnoughCase {
            ignored_resources: &["example.com/bbb"],
            ..enough(
                "skip checking ignored extended resource",
                p(&[rs(1, 1, B1)]),
                p(&[r(0, 0)]),
                None,
                &[],
            )
        },
        EnoughCase {
            ignored_resource_groups: &["example.com"],
            ..enough(
                "skip checking ignored extended resource via resource groups",
                p(&[rs(1, 1, &[(EXTENDED_B, 1), (KUBERNETES_IO_A, 1)])]),
                p(&[r(0, 0)]),
                Some((UNRESOLVABLE, &["Insufficient kubernetes.io/something"])),
                &[(KUBERNETES_IO_A, 1, 0, 0, true)],
            )
        },
        enough(
            "skip checking extended resource request with quantity zero via resource groups",
            p(&[rs(1, 1, A0)]),
            p(&[rs(0, 0, A6)]),
            None,
            &[],
        ),
        // Upstream runs this one with podLevelResourcesEnabled, but the pod sets no
        // pod-level resources, so the flag does not matter.
        enough(
            "skip checking resource request with quantity zero",
            p(&[rs(0, 0, A1)]),
            p(&[rs(20, 30, A1)]),
            None,
            &[],
        ),
        enough(
            "extended resource backed by DRA not enabled",
            p(&[rs(1, 1, &[(EXTENDED_DRA, 1)])]),
            p(&[r(0, 0)]),
            Some((
                UNRESOLVABLE,
                &["Insufficient extended.resource.dra.io/something"],
            )),
            &[(EXTENDED_DRA, 1, 0, 0, true)],
        ),
    ];
    assert_eq!(cases.len(), 34);
    for c in cases {
        let node = node_info([10, 20, 32, 5, 20, 5], &c.node_pods);
        let args = FitArgs {
            ignored_resources: c.ignored_resources.iter().map(|s| s.to_string()).collect(),
            ignored_resource_groups: c
                .ignored_resource_groups
                .iter()
                .map(|s| s.to_string())
                .collect(),
            ..default_args()
        };
        let plugin = Fit::from_args(&args).expect(c.name);
        let got = run_filter(&plugin, &c.pod, &node);
        match c.want_status {
            None => assert!(got.is_success(), "{}: {got:?}", c.name),
            Some((code, reasons)) => {
                assert_eq!(got.code, code, "{}", c.name);
                assert_eq!(got.reasons, reasons, "{}", c.name);
            }
        }
        let state = plugin.pre_filter_state(&c.pod);
        let mut insufficient: Vec<Insufficient> = Vec::new();
        fits_request(&state, &node, |r| {
            let name = [
                "pods",
                "cpu",
                "memory",
                "ephemeral-storage",
                EXTENDED_A,
                EXTENDED_B,
                KUBERNETES_IO_A,
                KUBERNETES_IO_B,
                HUGE_PAGE_A,
                EXTENDED_DRA,
            ]
            .into_iter()
            .find(|n| *n == r.resource_name)
            .expect("known resource");
            insufficient.push((name, r.requested, r.used, r.capacity, r.unresolvable));
        });
        assert_eq!(insufficient, c.want, "{}: insufficient resources", c.name);
    }
}

/// TestPreFilterDisabled (fit_test.go): Filter without PreFilter state is an error.
#[test]
fn pre_filter_disabled() {
    let plugin = Fit::from_args(&default_args()).unwrap();
    let node = make_node("node", &[]);
    let got = plugin.filter(&CycleState::new(), &pod(&[]), &node);
    assert_eq!(got.code, Code::Error);
    assert_eq!(
        got.message(),
        "error reading \"PreFilterNodeResourcesFit\" from cycleState: not found"
    );
}

/// TestNotEnoughRequests (fit_test.go): a node allowing one pod that already has one.
#[test]
fn not_enough_requests() {
    let cases: Vec<(&str, Arc<PodInfo>, Arc<PodInfo>)> = vec![
        (
            "even without specified resources, predicate fails when there's no space for additional pod",
            pod(&[]),
            new_resource_pod(&[r(10, 20)]),
        ),
        (
            "even if both resources fit, predicate fails when there's no space for additional pod",
            new_resource_pod(&[r(1, 1)]),
            new_resource_pod(&[r(5, 5)]),
        ),
        (
            "even for equal edge case, predicate fails when there's no space for additional pod",
            new_resource_pod(&[r(5, 1)]),
            new_resource_pod(&[r(5, 19)]),
        ),
        (
            "even for equal edge case, predicate fails when there's no space for additional pod due to init container",
            resource_pod(&[r(5, 1)], &[r(5, 1)]),
            new_resource_pod(&[r(5, 19)]),
        ),
    ];
    let plugin = Fit::from_args(&default_args()).unwrap();
    for (name, p, existing) in cases {
        let node = node_info([10, 20, 1, 0, 0, 0], &[existing]);
        let got = run_filter(&plugin, &p, &node);
        assert_eq!(got.code, Code::Unschedulable, "{name}");
        assert_eq!(got.reasons, ["Too many pods"], "{name}");
    }
}

/// TestStorageRequests (fit_test.go).
#[test]
fn storage_requests() {
    let storage = |s: i64| R {
        storage: s,
        ..R::default()
    };
    type Case = (
        &'static str,
        Arc<PodInfo>,
        Arc<PodInfo>,
        Option<(Code, &'static str)>,
    );
    let cases: Vec<Case> = vec![
        (
            "empty storage requested, and pod fits",
            new_resource_pod(&[r(1, 1)]),
            new_resource_pod(&[r(2, 10)]),
            None,
        ),
        (
            "storage ephemeral local storage request exceeds allocatable",
            new_resource_pod(&[storage(25)]),
            new_resource_pod(&[r(2, 2)]),
            Some((UNRESOLVABLE, "Insufficient ephemeral-storage")),
        ),
        (
            "ephemeral local storage is sufficient",
            resource_pod(&[storage(5)], &[]),
            new_resource_pod(&[R {
                cpu: 2,
                mem: 2,
                storage: 10,
                scalar: &[],
            }]),
            None,
        ),
        (
            "pod fits",
            new_resource_pod(&[storage(10)]),
            new_resource_pod(&[r(2, 2)]),
            None,
        ),
    ];
    let plugin = Fit::from_args(&default_args()).unwrap();
    for (name, p, existing, want) in cases {
        let node = node_info([10, 20, 32, 5, 20, 5], &[existing]);
        let got = run_filter(&plugin, &p, &node);
        match want {
            None => assert!(got.is_success(), "{name}: {got:?}"),
            Some((code, reason)) => {
                assert_eq!(got.code, code, "{name}");
                assert_eq!(got.reasons, [reason], "{name}");
            }
        }
    }
}

/// TestRestartableInitContainers (fit_test.go). Sidecar containers are always enabled
/// here, so "not allow pod with restartable init containers if sidecar containers is
/// disabled" is skipped; the other disabled-gate case has no sidecar and behaves the same.
#[test]
fn restartable_init_containers() {
    let new_pod = || pod(&[&[]]);
    let with_sidecar =
        |req: &[(&str, &str)], sidecar: &[(&str, &str)]| pod_full("", &[req], &[(sidecar, true)]);
    let cases: Vec<(&str, Arc<PodInfo>, Option<&str>)> = vec![
        (
            "allow pod without restartable init containers if sidecar containers is disabled",
            new_pod(),
            None,
        ),
        (
            "allow pod without restartable init containers if sidecar containers is enabled",
            new_pod(),
            None,
        ),
        (
            "allow pod with restartable init containers if sidecar containers is enabled",
            with_sidecar(&[], &[]),
            None,
        ),
        (
            "allow pod if the total requested resources do not exceed the node's allocatable resources",
            with_sidecar(&[("cpu", "1m")], &[("cpu", "1m")]),
            None,
        ),
        (
            "not allow pod if the total requested resources do exceed the node's allocatable resources",
            with_sidecar(&[("cpu", "1m")], &[("cpu", "2m")]),
            Some("Insufficient cpu"),
        ),
    ];
    let plugin = Fit::from_args(&default_args()).unwrap();
    for (name, p, want) in cases {
        let node = node_info([2, 0, 1, 0, 0, 0], &[]);
        let got = run_filter(&plugin, &p, &node);
        match want {
            None => assert!(got.is_success(), "{name}: {got:?}"),
            Some(reason) => {
                assert_eq!(got.code, UNRESOLVABLE, "{name}");
                assert_eq!(got.reasons, [reason], "{name}");
            }
        }
    }
}

fn strategy_args(
    type_: &str,
    resources: Vec<ResourceSpec>,
    shape: Option<&[(i64, i64)]>,
) -> FitArgs {
    FitArgs {
        scoring_strategy: Some(ScoringStrategy {
            type_: type_.into(),
            resources,
            shape: shape.map(|s| s.to_vec()),
        }),
        ..FitArgs::default()
    }
}

/// TestFitScore (fit_test.go). Skipped: "test case for ScoringStrategy LeastAllocated with
/// Extended resources" and its "if PreScore is not called" twin (DRA-backed extended
/// resources are not modelled).
#[test]
fn fit_score() {
    let rtcr1: &[(i64, i64)] = &[(0, 10), (100, 0)];
    let rtcr2: &[(i64, i64)] = &[(0, 0), (100, 10)];
    let existing = || {
        vec![
            pod_on("node1", &[&[("cpu", "2000"), ("memory", "4000")]]),
            pod_on("node2", &[&[("cpu", "1000"), ("memory", "2000")]]),
        ]
    };
    let with_sidecar = || {
        vec![
            pod_full(
                "node1",
                &[&[("cpu", "1000"), ("memory", "2000")]],
                &[(&[("cpu", "1000"), ("memory", "2000")], true)],
            ),
            pod_on("node2", &[&[("cpu", "1000"), ("memory", "2000")]]),
        ]
    };
    let nodes = |cpu2: &str| {
        vec![
            make_node("node1", &[("cpu", "4000"), ("memory", "10000")]),
            make_node("node2", &[("cpu", cpu2), ("memory", "10000")]),
        ]
    };
    let big = || pod(&[&[("cpu", "3000"), ("memory", "5000")]]);
    let small = || pod(&[&[("cpu", "1000"), ("memory", "2000")]]);
    type Case = (
        &'static str,
        Arc<PodInfo>,
        Vec<NodeInfo>,
        Vec<Arc<PodInfo>>,
        FitArgs,
        bool,
        [i64; 2],
    );
    let d = default_resource_spec;
    let cases: Vec<Case> = vec![
        (
            "test case for ScoringStrategy RequestedToCapacityRatio case1",
            big(),
            nodes("6000"),
            existing(),
            strategy_args(REQUESTED_TO_CAPACITY_RATIO, d(), Some(rtcr1)),
            true,
            [10, 32],
        ),
        (
            "test case for ScoringStrategy RequestedToCapacityRatio case2",
            big(),
            nodes("6000"),
            existing(),
            strategy_args(REQUESTED_TO_CAPACITY_RATIO, d(), Some(rtcr2)),
            true,
            [95, 68],
        ),
        (
            "test case for ScoringStrategy MostAllocated",
            small(),
            nodes("6000"),
            existing(),
            strategy_args(MOST_ALLOCATED, d(), None),
            true,
            [67, 36],
        ),
        (
            "test case for ScoringStrategy LeastAllocated",
            small(),
            nodes("6000"),
            existing(),
            strategy_args(LEAST_ALLOCATED, d(), None),
            true,
            [32, 63],
        ),
        (
            "test case for ScoringStrategy RequestedToCapacityRatio case1 if PreScore is not called",
            big(),
            nodes("6000"),
            existing(),
            strategy_args(REQUESTED_TO_CAPACITY_RATIO, d(), Some(rtcr1)),
            false,
            [10, 32],
        ),
        (
            "test case for ScoringStrategy MostAllocated if PreScore is not called",
            small(),
            nodes("6000"),
            existing(),
            strategy_args(MOST_ALLOCATED, d(), None),
            false,
            [67, 36],
        ),
        (
            "test case for ScoringStrategy LeastAllocated if PreScore is not called",
            small(),
            nodes("6000"),
            existing(),
            strategy_args(LEAST_ALLOCATED, d(), None),
            false,
            [32, 63],
        ),
        (
            "test case for ScoringStrategy MostAllocated with sidecar container",
            small(),
            nodes("4000"),
            with_sidecar(),
            strategy_args(MOST_ALLOCATED, d(), None),
            true,
            [67, 45],
        ),
        (
            "test case for ScoringStrategy LeastAllocated with sidecar container",
            small(),
            nodes("4000"),
            with_sidecar(),
            strategy_args(LEAST_ALLOCATED, d(), None),
            true,
            [32, 55],
        ),
    ];
    for (name, p, nodes, pods, args, pre_score, want) in cases {
        let plugin = Fit::from_args(&args).expect(name);
        let snapshot = testing::snapshot(nodes, &pods);
        let (status, scores) = run_scores(&plugin, &p, &snapshot, pre_score);
        assert!(status.is_success(), "{name}: {status:?}");
        assert_eq!(scores, want, "{name}");
    }
}

/// ValidateNodeResourcesFitArgs: validation_pluginargs_test.go's TestValidateFitArgs
/// (whose cases check a message fragment; here the whole message) and the invalid
/// weight/shape cases of TestValidate{LeastAllocated,MostAllocated,
/// RequestedToCapacityRatio}ScoringStrategy, plus NewFit's own errors.
#[test]
fn validate_fit_args() {
    let strategy = |type_: &str, resources: Vec<ResourceSpec>, shape: Option<&[(i64, i64)]>| {
        Some(ScoringStrategy {
            type_: type_.into(),
            resources,
            shape: shape.map(|s| s.to_vec()),
        })
    };
    let name_regex = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
    let long = format!("longvalue{}", "a".repeat(64));
    let cases: Vec<(&str, FitArgs, Option<String>)> = vec![
        (
            "IgnoredResources: too long value",
            FitArgs {
                ignored_resources: vec![long.clone()],
                ..default_args()
            },
            Some(format!(
                "ignoredResources[0]: Invalid value: \"{long}\": name part must be no more than 63 bytes"
            )),
        ),
        (
            "IgnoredResources: name is empty",
            FitArgs {
                ignored_resources: vec!["example.com/".into()],
                ..default_args()
            },
            Some(format!(
                "[ignoredResources[0]: Invalid value: \"example.com/\": name part must be non-empty, ignoredResources[0]: Invalid value: \"example.com/\": name part {name_regex}]"
            )),
        ),
        // "IgnoredResources: name has too many slash" is left out: upstream's fragment
        // ("a qualified name must consist of ...") predates the label-key wording that
        // api::validation::is_qualified_name reproduces ("a valid label key ...").
        (
            "IgnoredResources: valid args",
            FitArgs {
                ignored_resources: vec!["example.com".into()],
                ..default_args()
            },
            None,
        ),
        (
            "IgnoredResourceGroups: valid args ",
            FitArgs {
                ignored_resource_groups: vec!["example.com".into()],
                ..default_args()
            },
            None,
        ),
        (
            "IgnoredResourceGroups: illegal args",
            FitArgs {
                ignored_resource_groups: vec!["example.com/".into()],
                ..default_args()
            },
            Some(format!(
                "[ignoredResourceGroups[0]: Invalid value: \"example.com/\": resource group name can't contain '/', ignoredResourceGroups[0]: Invalid value: \"example.com/\": name part must be non-empty, ignoredResourceGroups[0]: Invalid value: \"example.com/\": name part {name_regex}]"
            )),
        ),
        (
            "IgnoredResourceGroups: name is too long",
            FitArgs {
                ignored_resource_groups: vec!["a".repeat(64)],
                ..default_args()
            },
            Some(format!(
                "ignoredResourceGroups[0]: Invalid value: \"{}\": name part must be no more than 63 bytes",
                "a".repeat(64)
            )),
        ),
        (
            "IgnoredResourceGroups: name cannot be contain slash",
            FitArgs {
                ignored_resource_groups: vec!["example.com/aa".into()],
                ..default_args()
            },
            Some(
                "ignoredResourceGroups[0]: Invalid value: \"example.com/aa\": resource group name can't contain '/'"
                    .into(),
            ),
        ),
        (
            "ScoringStrategy: field is required",
            FitArgs::default(),
            Some("scoring strategy not specified".into()),
        ),
        (
            "ScoringStrategy: type is unsupported",
            FitArgs {
                scoring_strategy: strategy("Invalid", vec![], None),
                ..FitArgs::default()
            },
            Some("scoringStrategy.type: Unsupported value: \"Invalid\": supported values: \"LeastAllocated\", \"MostAllocated\", \"RequestedToCapacityRatio\"".into()),
        ),
        (
            "multi invalid resources",
            FitArgs {
                scoring_strategy: strategy(
                    MOST_ALLOCATED,
                    vec![ResourceSpec::new("cpu", 0), ResourceSpec::new("memory", 101)],
                    None,
                ),
                ..FitArgs::default()
            },
            Some("[scoringStrategy.resources[0].weight: Invalid value: 0: resource weight of cpu not in valid range (0, 100], scoringStrategy.resources[1].weight: Invalid value: 101: resource weight of memory not in valid range (0, 100]]".into()),
        ),
        (
            "no shapes",
            FitArgs {
                scoring_strategy: strategy(REQUESTED_TO_CAPACITY_RATIO, vec![], Some(&[])),
                ..FitArgs::default()
            },
            Some("scoringStrategy.shape: Required value: at least one point must be specified".into()),
        ),
        (
            "utilization less than min",
            FitArgs {
                scoring_strategy: strategy(REQUESTED_TO_CAPACITY_RATIO, vec![], Some(&[(-1, 3)])),
                ..FitArgs::default()
            },
            Some("scoringStrategy.shape[0].utilization: Invalid value: -1: not in valid range [0, 100]".into()),
        ),
        (
            "duplicated utilization values",
            FitArgs {
                scoring_strategy: strategy(
                    REQUESTED_TO_CAPACITY_RATIO,
                    vec![],
                    Some(&[(10, 3), (10, 3)]),
                ),
                ..FitArgs::default()
            },
            Some("scoringStrategy.shape[1].utilization: Invalid value: 10: values must be sorted in increasing order".into()),
        ),
        (
            "non-increasing utilization values",
            FitArgs {
                scoring_strategy: strategy(
                    REQUESTED_TO_CAPACITY_RATIO,
                    vec![],
                    Some(&[(10, 3), (20, 3), (15, 3)]),
                ),
                ..FitArgs::default()
            },
            Some("scoringStrategy.shape[2].utilization: Invalid value: 15: values must be sorted in increasing order".into()),
        ),
        (
            "score greater than max",
            FitArgs {
                scoring_strategy: strategy(REQUESTED_TO_CAPACITY_RATIO, vec![], Some(&[(10, 11)])),
                ..FitArgs::default()
            },
            Some("scoringStrategy.shape[0].score: Invalid value: 11: not in valid range [0, 10]".into()),
        ),
        (
            "valid shapes",
            FitArgs {
                scoring_strategy: strategy(REQUESTED_TO_CAPACITY_RATIO, vec![], Some(&[(30, 3)])),
                ..FitArgs::default()
            },
            None,
        ),
    ];
    for (name, args, want) in cases {
        let got = Fit::from_args(&args).err();
        assert_eq!(got, want, "{name}");
    }
}

/// The factory: v1 defaults (LeastAllocated over cpu and memory, weight 0 → 1) and strict
/// decoding of NodeResourcesFitArgs.
#[test]
fn factory_defaults_and_decoding() {
    let yaml = |s: &str| serde_yaml::from_str::<serde_yaml::Value>(s).unwrap();
    let decode = |s: &str| {
        let mut args = FitArgs::decode(&yaml(s)).unwrap();
        args.set_defaults();
        args
    };
    assert_eq!(decode("{}"), default_args());
    assert_eq!(
        decode("scoringStrategy: {type: MostAllocated, resources: [{name: cpu}, {name: nvidia.com/gpu, weight: 3}]}")
            .scoring_strategy
            .unwrap()
            .resources,
        vec![ResourceSpec::new("cpu", 1), ResourceSpec::new("nvidia.com/gpu", 3)]
    );
    let rtcr = decode(
        "apiVersion: kubescheduler.config.k8s.io/v1\nkind: NodeResourcesFitArgs\nignoredResources: [example.com/foo]\nignoredResourceGroups: [example.org]\nscoringStrategy:\n  type: RequestedToCapacityRatio\n  requestedToCapacityRatio:\n    shape: [{utilization: 0, score: 0}, {utilization: 100, score: 10}]",
    );
    assert_eq!(rtcr.ignored_resources, ["example.com/foo"]);
    assert_eq!(rtcr.ignored_resource_groups, ["example.org"]);
    let strategy = rtcr.scoring_strategy.unwrap();
    assert_eq!(strategy.shape, Some(vec![(0, 0), (100, 10)]));
    assert_eq!(strategy.resources, default_resource_spec());

    assert!(new(None).is_ok());
    let err = |s: &str| new(Some(&yaml(s))).err().unwrap();
    assert_eq!(
        err("scoringStrategy: {type: Foo}"),
        "scoringStrategy.type: Unsupported value: \"Foo\": supported values: \"LeastAllocated\", \"MostAllocated\", \"RequestedToCapacityRatio\""
    );
    assert_eq!(
        err("scoringStrategy: {type: LeastAllocated, resources: [{name: cpu, weight: -1}]}"),
        "scoringStrategy.resources[0].weight: Invalid value: -1: resource weight of cpu not in valid range (0, 100]"
    );
    assert_eq!(
        err("scoringStrategy: {type: RequestedToCapacityRatio}"),
        "scoringStrategy.shape: Required value: at least one point must be specified"
    );
    assert_eq!(
        err("scoringStrategy: {typo: LeastAllocated}"),
        "strict decoding error: unknown field \"scoringStrategy.typo\""
    );
    assert_eq!(
        err("scoringStrategy: {type: RequestedToCapacityRatio, requestedToCapacityRatio: {shape: [{utilization: x}]}}"),
        "json: cannot unmarshal string into Go struct field UtilizationShapePoint.scoringStrategy.requestedToCapacityRatio.shape.utilization of type int32"
    );
    assert_eq!(
        err("ignoredResources: example.com/foo"),
        "json: cannot unmarshal string into Go struct field NodeResourcesFitArgs.ignoredResources of type []"
    );
}

/// Every insufficient resource is reported, pods first, then cpu, memory,
/// ephemeral-storage and the scalar resources (sorted by name here); one request above the
/// node's whole allocatable makes the status UnschedulableAndUnresolvable.
#[test]
fn filter_reports_all_reasons_in_upstream_order() {
    let plugin = Fit::from_args(&default_args()).unwrap();
    // One pod slot, taken; every resource short.
    let node = node_info([10, 20, 1, 5, 20, 5], &[new_resource_pod(&[r(10, 20)])]);
    let p = new_resource_pod(&[R {
        cpu: 1,
        mem: 1,
        storage: 21,
        scalar: &[(HUGE_PAGE_A, 1), (EXTENDED_A, 6)],
    }]);
    let got = run_filter(&plugin, &p, &node);
    assert_eq!(got.code, UNRESOLVABLE);
    assert_eq!(
        got.reasons,
        [
            "Too many pods",
            "Insufficient cpu",
            "Insufficient memory",
            "Insufficient ephemeral-storage",
            "Insufficient example.com/aaa",
        ]
    );
}
