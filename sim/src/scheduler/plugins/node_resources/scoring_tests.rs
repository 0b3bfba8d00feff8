//! NodeResourcesFit's scoring strategies, case for case from
//! pkg/scheduler/framework/plugins/noderesources/{least_allocated_test.go,
//! most_allocated_test.go,requested_to_capacity_ratio_test.go}.

use std::sync::Arc;

use super::resource_allocation::{default_resource_spec, ResourceSpec};
use super::test_util::{make_node, make_node_ext, pod, pod_on, run_score_results};
use super::*;
use crate::scheduler::framework::{Code, NodeInfo, PodInfo, MAX_NODE_SCORE, MIN_NODE_SCORE};
use crate::scheduler::testing;

/// test_util.go: extendedRes.
const EXTENDED_RES: &str = "abc.com/xyz";

/// test_util.go: extendedResourceSet.
fn extended_resource_set() -> Vec<ResourceSpec> {
    vec![
        ResourceSpec::new("cpu", 1),
        ResourceSpec::new("memory", 1),
        ResourceSpec::new(EXTENDED_RES, 1),
    ]
}

fn weighted(specs: &[(&str, i64)]) -> Vec<ResourceSpec> {
    specs
        .iter()
        .map(|(n, w)| ResourceSpec::new(n, *w))
        .collect()
}

/// What a case expects: scores per node, a Score error on every node, or NewFit's error.
enum Want {
    Scores(Vec<i64>),
    ScoreError,
    ArgsError(&'static str),
}

struct Case {
    name: &'static str,
    pod: Arc<PodInfo>,
    nodes: Vec<NodeInfo>,
    existing: Vec<Arc<PodInfo>>,
    resources: Vec<ResourceSpec>,
    want: Want,
}

/// NewFit with the strategy and resources (not defaulted, as upstream's tests build the
/// internal args), PreScore, then Score on each node.
fn run(cases: Vec<Case>, type_: &str, shape: Option<&[(i64, i64)]>) {
    for c in cases {
        let args = FitArgs {
            scoring_strategy: Some(ScoringStrategy {
                type_: type_.into(),
                resources: c.resources,
                shape: shape.map(|s| s.to_vec()),
            }),
            ..FitArgs::default()
        };
        let plugin = match (Fit::from_args(&args), &c.want) {
            (Err(e), Want::ArgsError(want)) => {
                assert_eq!(e, *want, "{}", c.name);
                continue;
            }
            (Err(e), _) => panic!("{}: {e}", c.name),
            (Ok(_), Want::ArgsError(_)) => panic!("{}: args accepted", c.name),
            (Ok(p), _) => p,
        };
        let snapshot = testing::snapshot(c.nodes, &c.existing);
        let (status, results) = run_score_results(&plugin, &c.pod, &snapshot, true);
        assert!(status.is_success(), "{}: PreScore {status:?}", c.name);
        match c.want {
            Want::Scores(want) => {
                let got: Vec<i64> = results
                    .into_iter()
                    .map(|r| r.unwrap_or_else(|s| panic!("{}: {s:?}", c.name)))
                    .collect();
                assert_eq!(got, want, "{}", c.name);
            }
            Want::ScoreError => {
                for r in results {
                    let err = r.expect_err(c.name);
                    assert_eq!(err.code, Code::Error, "{}", c.name);
                    assert_eq!(err.message(), "resources not found", "{}", c.name);
                }
            }
            Want::ArgsError(_) => unreachable!(),
        }
    }
}

fn cap(name: &str, cpu: &str, memory: &str) -> NodeInfo {
    make_node(name, &[("cpu", cpu), ("memory", memory)])
}

/// st.MakePod().Req({cpu: 1000, memory: 2000}).Req({cpu: 2000, memory: 3000}).
fn two_containers() -> Arc<PodInfo> {
    pod(&[
        &[("cpu", "1000"), ("memory", "2000")],
        &[("cpu", "2000"), ("memory", "3000")],
    ])
}

fn on(node: &str, cpu: &str, memory: &str) -> Arc<PodInfo> {
    pod_on(node, &[&[("cpu", cpu), ("memory", memory)]])
}

/// TestLeastAllocatedScoringStrategy (least_allocated_test.go), all cases.
#[test]
fn least_allocated_scoring_strategy() {
    let d = default_resource_spec;
    let cases = vec![
        Case {
            name: "nothing scheduled, nothing requested",
            pod: pod(&[]),
            nodes: vec![cap("node1", "4000", "10000"), cap("node2", "4000", "10000")],
            existing: vec![],
            resources: d(),
            want: Want::Scores(vec![MAX_NODE_SCORE, MAX_NODE_SCORE]),
        },
        Case {
            name: "nothing scheduled, resources requested, differently sized nodes",
            pod: two_containers(),
            nodes: vec![cap("node1", "4000", "10000"), cap("node2", "6000", "10000")],
            existing: vec![],
            resources: d(),
            want: Want::Scores(vec![37, 50]),
        },
        Case {
            name: "Resources not set, pods scheduled with error",
            pod: two_containers(),
            nodes: vec![cap("node1", "4000", "10000"), cap("node2", "6000", "10000")],
            existing: vec![],
            resources: vec![],
            want: Want::ScoreError,
        },
        Case {
            name: "no resources requested, pods scheduled",
            pod: pod(&[]),
            nodes: vec![cap("node1", "4000", "10000"), cap("node2", "4000", "10000")],
            existing: vec![
                pod_on("node1", &[]),
                pod_on("node1", &[]),
                pod_on("node2", &[]),
                pod_on("node2", &[]),
            ],
            resources: d(),
            want: Want::Scores(vec![MAX_NODE_SCORE, MAX_NODE_SCORE]),
        },
        Case {
            name: "no resources requested, pods scheduled with resources",
            pod: pod(&[]),
            nodes: vec![cap("node1", "10000", "20000"), cap("node2", "10000", "20000")],
            existing: vec![
                on("node1", "3000", "0"),
                on("node1", "3000", "0"),
                on("node2", "3000", "0"),
                on("node2", "3000", "5000"),
            ],
            resources: d(),
            want: Want::Scores(vec![70, 57]),
        },
        Case {
            name: "resources requested, pods scheduled with resources",
            pod: two_containers(),
            nodes: vec![cap("node1", "10000", "20000"), cap("node2", "10000", "20000")],
            existing: vec![on("node1", "3000", "0"), on("node2", "3000", "5000")],
            resources: d(),
            want: Want::Scores(vec![57, 45]),
        },
        Case {
            name: "resources requested, pods scheduled with resources, differently sized nodes",
            pod: two_containers(),
            nodes: vec![cap("node1", "10000", "20000"), cap("node2", "10000", "50000")],
            existing: vec![on("node1", "3000", "0"), on("node2", "3000", "5000")],
            resources: d(),
            want: Want::Scores(vec![57, 60]),
        },
        Case {
            name: "requested resources exceed node capacity",
            pod: pod(&[&[("cpu", "3000"), ("memory", "0")]]),
            nodes: vec![cap("node1", "4000", "10000"), cap("node2", "4000", "10000")],
            existing: vec![on("node1", "3000", "0"), on("node2", "3000", "5000")],
            resources: d(),
            want: Want::Scores(vec![50, 25]),
        },
        Case {
            name: "zero node resources, pods scheduled with resources",
            pod: pod(&[]),
            nodes: vec![make_node("node1", &[]), make_node("node2", &[])],
            existing: vec![on("node1", "3000", "0"), on("node2", "3000", "5000")],
            resources: d(),
            want: Want::Scores(vec![MIN_NODE_SCORE, MIN_NODE_SCORE]),
        },
        Case {
            name: "nothing scheduled, resources requested with different weight on CPU and memory, differently sized nodes",
            pod: two_containers(),
            nodes: vec![cap("node1", "4000", "10000"), cap("node2", "6000", "10000")],
            existing: vec![],
            resources: weighted(&[("memory", 2), ("cpu", 1)]),
            want: Want::Scores(vec![41, 50]),
        },
        Case {
            name: "resource with negative weight",
            pod: two_containers(),
            nodes: vec![cap("node1", "4000", "10000")],
            existing: vec![],
            resources: weighted(&[("memory", -1), ("cpu", 1)]),
            want: Want::ArgsError("scoringStrategy.resources[0].weight: Invalid value: -1: resource weight of memory not in valid range (0, 100]"),
        },
        Case {
            name: "resource with zero weight",
            pod: two_containers(),
            nodes: vec![cap("node1", "4000", "10000")],
            existing: vec![],
            resources: weighted(&[("memory", 1), ("cpu", 0)]),
            want: Want::ArgsError("scoringStrategy.resources[1].weight: Invalid value: 0: resource weight of cpu not in valid range (0, 100]"),
        },
        Case {
            name: "resource weight larger than MaxNodeScore",
            pod: two_containers(),
            nodes: vec![cap("node1", "4000", "10000")],
            existing: vec![],
            resources: weighted(&[("memory", 1), ("cpu", 101)]),
            want: Want::ArgsError("scoringStrategy.resources[1].weight: Invalid value: 101: resource weight of cpu not in valid range (0, 100]"),
        },
        Case {
            name: "bypass extended resource if the pod does not request",
            pod: two_containers(),
            nodes: vec![
                cap("node1", "6000", "10000"),
                make_node("node2", &[("cpu", "6000"), ("memory", "10000"), (EXTENDED_RES, "4")]),
            ],
            existing: vec![],
            resources: extended_resource_set(),
            want: Want::Scores(vec![50, 50]),
        },
        Case {
            name: "honor extended resource if the pod requests",
            pod: pod(&[&[("cpu", "3000"), ("memory", "5000"), (EXTENDED_RES, "2")]]),
            nodes: vec![
                make_node("node1", &[("cpu", "6000"), ("memory", "10000"), (EXTENDED_RES, "4")]),
                make_node("node2", &[("cpu", "6000"), ("memory", "10000"), (EXTENDED_RES, "10")]),
            ],
            existing: vec![],
            resources: extended_resource_set(),
            want: Want::Scores(vec![50, 60]),
        },
        Case {
            name: "if the node doesn't have a resource",
            pod: pod(&[&[("cpu", "3000"), ("memory", "4000")]]),
            nodes: vec![
                cap("node1", "6000", "10000"),
                make_node("node2", &[("cpu", "6000"), ("memory", "10000"), (EXTENDED_RES, "4")]),
            ],
            existing: vec![],
            resources: weighted(&[(EXTENDED_RES, 2), ("cpu", 1), ("memory", 1)]),
            want: Want::Scores(vec![55, 55]),
        },
    ];
    assert_eq!(cases.len(), 16);
    run(cases, LEAST_ALLOCATED, None);
}

/// TestMostAllocatedScoringStrategy (most_allocated_test.go), all cases.
#[test]
fn most_allocated_scoring_strategy() {
    let d = default_resource_spec;
    let cases = vec![
        Case {
            name: "nothing scheduled, nothing requested",
            pod: pod(&[]),
            nodes: vec![cap("node1", "4000", "10000"), cap("node2", "4000", "10000")],
            existing: vec![],
            resources: d(),
            want: Want::Scores(vec![MIN_NODE_SCORE, MIN_NODE_SCORE]),
        },
        Case {
            name: "nothing scheduled, resources requested, differently sized nodes",
            pod: two_containers(),
            nodes: vec![cap("node1", "4000", "10000"), cap("node2", "6000", "10000")],
            existing: vec![],
            resources: d(),
            want: Want::Scores(vec![62, 50]),
        },
        Case {
            name: "Resources not set, pods scheduled with error",
            pod: two_containers(),
            nodes: vec![cap("node1", "4000", "10000"), cap("node2", "6000", "10000")],
            existing: vec![],
            resources: vec![],
            want: Want::ScoreError,
        },
        Case {
            name: "no resources requested, pods scheduled with resources",
            pod: pod(&[]),
            nodes: vec![cap("node1", "10000", "20000"), cap("node2", "10000", "20000")],
            existing: vec![
                on("node1", "3000", "0"),
                on("node1", "3000", "0"),
                on("node2", "3000", "0"),
                on("node2", "3000", "5000"),
            ],
            resources: d(),
            want: Want::Scores(vec![30, 42]),
        },
        Case {
            name: "resources requested, pods scheduled with resources",
            pod: two_containers(),
            nodes: vec![cap("node1", "10000", "20000"), cap("node2", "10000", "20000")],
            existing: vec![on("node1", "3000", "0"), on("node2", "3000", "5000")],
            resources: d(),
            want: Want::Scores(vec![42, 55]),
        },
        Case {
            name: "resources requested equal node capacity",
            pod: pod(&[
                &[("cpu", "2000"), ("memory", "4000")],
                &[("cpu", "3000"), ("memory", "5000")],
            ]),
            nodes: vec![cap("node1", "5000", "10000"), cap("node2", "10000", "9000")],
            existing: vec![],
            resources: d(),
            want: Want::Scores(vec![95, 75]),
        },
        Case {
            // Upstream reuses the name of the second case for this weighted one.
            name: "nothing scheduled, resources requested, differently sized nodes",
            pod: two_containers(),
            nodes: vec![cap("node1", "4000", "10000"), cap("node2", "6000", "10000")],
            existing: vec![],
            resources: weighted(&[("memory", 2), ("cpu", 1)]),
            want: Want::Scores(vec![58, 50]),
        },
        Case {
            name: "no resources requested, pods scheduled, nonzero request for resource",
            pod: pod(&[&[]]),
            nodes: vec![cap("node1", "250m", "1000Mi"), cap("node2", "250m", "1000Mi")],
            existing: vec![pod_on("node1", &[&[]]), pod_on("node1", &[&[]])],
            resources: d(),
            want: Want::Scores(vec![80, 30]),
        },
        Case {
            name: "resource with negative weight",
            pod: two_containers(),
            nodes: vec![cap("node2", "4000", "10000")],
            existing: vec![],
            resources: weighted(&[("memory", -1), ("cpu", 1)]),
            want: Want::ArgsError("scoringStrategy.resources[0].weight: Invalid value: -1: resource weight of memory not in valid range (0, 100]"),
        },
        Case {
            name: "resource with zero weight",
            pod: two_containers(),
            nodes: vec![cap("node2", "4000", "10000")],
            existing: vec![],
            resources: weighted(&[("memory", 1), ("cpu", 0)]),
            want: Want::ArgsError("scoringStrategy.resources[1].weight: Invalid value: 0: resource weight of cpu not in valid range (0, 100]"),
        },
        Case {
            name: "resource weight larger than MaxNodeScore",
            pod: two_containers(),
            nodes: vec![cap("node2", "4000", "10000")],
            existing: vec![],
            resources: weighted(&[("memory", 101)]),
            want: Want::ArgsError("scoringStrategy.resources[0].weight: Invalid value: 101: resource weight of memory not in valid range (0, 100]"),
        },
        Case {
            name: "bypass extended resource if the pod does not request",
            pod: two_containers(),
            nodes: vec![
                cap("node1", "6000", "10000"),
                make_node("node2", &[("cpu", "6000"), ("memory", "10000"), (EXTENDED_RES, "4")]),
            ],
            existing: vec![],
            resources: extended_resource_set(),
            want: Want::Scores(vec![50, 50]),
        },
        Case {
            name: "honor extended resource if the pod request",
            pod: pod(&[&[("cpu", "3000"), ("memory", "5000"), (EXTENDED_RES, "2")]]),
            nodes: vec![
                make_node("node1", &[("cpu", "6000"), ("memory", "10000"), (EXTENDED_RES, "4")]),
                make_node("node2", &[("cpu", "6000"), ("memory", "10000"), (EXTENDED_RES, "10")]),
            ],
            existing: vec![],
            resources: extended_resource_set(),
            want: Want::Scores(vec![50, 40]),
        },
        Case {
            name: "if the node doesn't have a resource",
            pod: pod(&[&[("cpu", "3000"), ("memory", "4000")]]),
            nodes: vec![
                cap("node1", "6000", "10000"),
                make_node("node2", &[("cpu", "6000"), ("memory", "10000"), (EXTENDED_RES, "4")]),
            ],
            existing: vec![],
            resources: weighted(&[(EXTENDED_RES, 2), ("cpu", 1), ("memory", 1)]),
            want: Want::Scores(vec![45, 45]),
        },
    ];
    assert_eq!(cases.len(), 14);
    run(cases, MOST_ALLOCATED, None);
}

/// TestRequestedToCapacityRatioScoringStrategy (requested_to_capacity_ratio_test.go).
#[test]
fn requested_to_capacity_ratio_scoring_strategy() {
    let d = default_resource_spec;
    let cases = vec![
        Case {
            name: "nothing scheduled, nothing requested (default - least requested nodes have priority)",
            pod: pod(&[]),
            nodes: vec![cap("node1", "4000", "10000"), cap("node2", "4000", "10000")],
            existing: vec![pod_on("node1", &[]), pod_on("node1", &[])],
            resources: d(),
            want: Want::Scores(vec![MAX_NODE_SCORE, MAX_NODE_SCORE]),
        },
        Case {
            name: "nothing scheduled, resources requested, differently sized nodes (default - least requested nodes have priority)",
            pod: two_containers(),
            nodes: vec![cap("node1", "4000", "10000"), cap("node2", "6000", "10000")],
            existing: vec![pod_on("node1", &[]), pod_on("node1", &[])],
            resources: d(),
            want: Want::Scores(vec![38, 50]),
        },
        Case {
            name: "no resources requested, pods scheduled with resources (default - least requested nodes have priority)",
            pod: pod(&[]),
            nodes: vec![cap("node1", "4000", "10000"), cap("node2", "6000", "10000")],
            existing: vec![on("node1", "3000", "5000"), on("node2", "3000", "5000")],
            resources: d(),
            want: Want::Scores(vec![38, 50]),
        },
    ];
    run(
        cases,
        REQUESTED_TO_CAPACITY_RATIO,
        Some(&[(0, 10), (100, 0)]),
    );
}

/// TestResourceBinPackingSingleExtended (requested_to_capacity_ratio_test.go): intel.com/foo
/// weight 1, shape (0, 0), (100, 1).
#[test]
fn resource_bin_packing_single_extended() {
    let nodes = || {
        vec![
            make_node_ext("node1", 4000, 10000 * 1024 * 1024, &[("intel.com/foo", 8)]),
            make_node_ext("node2", 4000, 10000 * 1024 * 1024, &[("intel.com/foo", 4)]),
        ]
    };
    let foo = |n: &'static str| -> Arc<PodInfo> {
        match n {
            "2" => pod(&[&[("intel.com/foo", "2")]]),
            _ => pod(&[&[("intel.com/foo", "4")]]),
        }
    };
    let resources = || vec![ResourceSpec::new("intel.com/foo", 1)];
    let cases = vec![
        Case {
            name: "nothing scheduled, nothing requested",
            pod: pod(&[]),
            nodes: nodes(),
            existing: vec![],
            resources: resources(),
            want: Want::Scores(vec![0, 0]),
        },
        Case {
            name: "resources requested, pods scheduled with less resources",
            pod: foo("2"),
            nodes: nodes(),
            existing: vec![pod(&[])],
            resources: resources(),
            want: Want::Scores(vec![2, 5]),
        },
        Case {
            name: "resources requested, pods scheduled with resources, on node with existing pod running ",
            pod: foo("2"),
            nodes: nodes(),
            existing: vec![pod_on("node2", &[&[("intel.com/foo", "2")]])],
            resources: resources(),
            want: Want::Scores(vec![2, 10]),
        },
        Case {
            name: "resources requested, pods scheduled with more resources",
            pod: foo("4"),
            nodes: nodes(),
            existing: vec![pod(&[])],
            resources: resources(),
            want: Want::Scores(vec![5, 10]),
        },
    ];
    run(
        cases,
        REQUESTED_TO_CAPACITY_RATIO,
        Some(&[(0, 0), (100, 1)]),
    );
}

/// TestResourceBinPackingMultipleExtended (requested_to_capacity_ratio_test.go):
/// intel.com/foo weight 3, intel.com/bar weight 5, shape (0, 0), (100, 1).
#[test]
fn resource_bin_packing_multiple_extended() {
    let nodes = || {
        vec![
            make_node_ext(
                "node1",
                4000,
                10000 * 1024 * 1024,
                &[("intel.com/foo", 8), ("intel.com/bar", 4)],
            ),
            make_node_ext(
                "node2",
                4000,
                10000 * 1024 * 1024,
                &[("intel.com/foo", 4), ("intel.com/bar", 8)],
            ),
        ]
    };
    let pod1 = || pod(&[&[("intel.com/foo", "2"), ("intel.com/bar", "2")]]);
    let pod2 = || pod(&[&[("intel.com/foo", "4"), ("intel.com/bar", "2")]]);
    let resources = || weighted(&[("intel.com/foo", 3), ("intel.com/bar", 5)]);
    let cases = vec![
        Case {
            name: "nothing scheduled, nothing requested",
            pod: pod(&[]),
            nodes: nodes(),
            existing: vec![],
            resources: resources(),
            want: Want::Scores(vec![0, 0]),
        },
        Case {
            name: "resources requested, pods scheduled with less resources",
            pod: pod1(),
            nodes: nodes(),
            existing: vec![pod(&[])],
            resources: resources(),
            want: Want::Scores(vec![4, 3]),
        },
        Case {
            name: "resources requested, pods scheduled with resources, on node with existing pod running ",
            pod: pod1(),
            nodes: nodes(),
            existing: vec![pod_on(
                "node2",
                &[&[("intel.com/foo", "4"), ("intel.com/bar", "2")]],
            )],
            resources: resources(),
            want: Want::Scores(vec![4, 7]),
        },
        Case {
            name: "resources requested, pods scheduled with more resources",
            pod: pod2(),
            nodes: nodes(),
            existing: vec![pod(&[])],
            resources: resources(),
            want: Want::Scores(vec![5, 5]),
        },
    ];
    run(
        cases,
        REQUESTED_TO_CAPACITY_RATIO,
        Some(&[(0, 0), (100, 1)]),
    );
}
