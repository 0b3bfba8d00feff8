//! NodeResourcesBalancedAllocation: favours nodes whose resource utilizations stay close to
//! each other once the pod is placed. Mirrors pkg/scheduler/framework/plugins/noderesources/
//! balanced_allocation.go, args validation from config/validation/validation_pluginargs.go.

use std::collections::BTreeSet;

use serde_yaml::Value;

use super::node_resources_fit::resource_allocation::{
    default_resource_spec, fields, for_each_allocated, is_best_effort, pod_request_list,
    resource_specs, ResourceSpec, ScoredResource,
};
use crate::api::validation::{aggregate_message, FieldError, FieldPath};
use crate::scheduler::framework::{
    CycleState, NodeInfo, Plugin, PodInfo, Points, Snapshot, Status, MAX_NODE_SCORE,
};

/// names.NodeResourcesBalancedAllocation.
pub const NAME: &str = "NodeResourcesBalancedAllocation";
/// balanced_allocation.go: balancedAllocationPreScoreStateKey.
const PRE_SCORE_STATE_KEY: &str = "PreScoreNodeResourcesBalancedAllocation";

/// BalancedAllocation: the NodeResourcesBalancedAllocation plugin. It scores with the
/// pods' actual requests (useRequested), not the non-zero defaults.
pub struct BalancedAllocation {
    resources: Vec<ScoredResource>,
}

/// The plugin factory: NodeResourcesBalancedAllocationArgs (`resources: [{name, weight}]`),
/// defaulted (SetDefaults_NodeResourcesBalancedAllocationArgs: cpu and memory when empty,
/// weight 1 where unset or 0) and validated.
pub fn new(args: Option<&Value>) -> Result<Box<dyn Plugin>, String> {
    let mut resources = Vec::new();
    if let Some(v) = args {
        for (_, val) in fields(v, "NodeResourcesBalancedAllocationArgs", "", &["resources"])? {
            resources = resource_specs(val, "resources")?;
        }
    }
    if resources.is_empty() {
        resources = default_resource_spec();
    }
    for r in &mut resources {
        if r.weight == 0 {
            r.weight = 1;
        }
    }
    Ok(Box::new(BalancedAllocation::from_args(&resources)?))
}

impl BalancedAllocation {
    /// NewBalancedAllocation: ValidateNodeResourcesBalancedAllocationArgs (no duplicate
    /// names, every weight 1), then the plugin.
    pub fn from_args(resources: &[ResourceSpec]) -> Result<BalancedAllocation, String> {
        let mut errs = Vec::new();
        let mut seen = BTreeSet::new();
        let path = FieldPath::new("resources");
        for (i, r) in resources.iter().enumerate() {
            if !seen.insert(r.name.as_str()) {
                errs.push(FieldError::duplicate(
                    &path.index(i).child("name"),
                    r.name.as_str(),
                ));
            }
            if r.weight != 1 {
                errs.push(FieldError::invalid(
                    &path.index(i).child("weight"),
                    r.weight,
                    "must be 1",
                ));
            }
        }
        if let Some(msg) = aggregate_message(&errs) {
            return Err(msg);
        }
        Ok(BalancedAllocation {
            resources: resources.iter().map(ScoredResource::new).collect(),
        })
    }

    /// resourceAllocationScorer.score with balancedResourceScorer.
    fn score_node(&self, node: &NodeInfo, pod_requests: &[i64]) -> Result<i64, Status> {
        if self.resources.is_empty() {
            return Err(Status::error("resources not found"));
        }
        Ok(balanced_resource_score(|f| {
            for_each_allocated(
                node,
                &self.resources,
                pod_requests,
                true,
                |_, alloc, req| f(alloc, req),
            )
        }))
    }
}

/// balancedResourceScorer: `int64((1 - std) * MaxNodeScore)` where std is the standard
/// deviation of the requested/allocatable fractions (each capped at 1) of the resources
/// the node has; with two resources `|f1 - f2| / 2`, with one or none 0.
///
/// `visit` calls its argument with (allocatable, requested) per resource; it is run twice
/// (sum, then squared deviations) instead of collecting the fractions, so nothing is
/// allocated. The floating-point operations and their order are upstream's.
fn balanced_resource_score(visit: impl Fn(&mut dyn FnMut(i64, i64))) -> i64 {
    let fraction = |alloc: i64, req: i64| (req as f64 / alloc as f64).min(1.0);
    let mut count = 0usize;
    let mut total = 0.0f64;
    let mut first_two = [0.0f64; 2];
    visit(&mut |alloc, req| {
        let f = fraction(alloc, req);
        total += f;
        if count < 2 {
            first_two[count] = f;
        }
        count += 1;
    });
    let std = match count {
        2 => ((first_two[0] - first_two[1]) / 2.0).abs(),
        n if n > 2 => {
            let mean = total / n as f64;
            let mut sum = 0.0f64;
            visit(&mut |alloc, req| {
                let f = fraction(alloc, req);
                sum += (f - mean) * (f - mean);
            });
            (sum / n as f64).sqrt()
        }
        _ => 0.0,
    };
    ((1.0 - std) * MAX_NODE_SCORE as f64) as i64
}

/// balancedAllocationPreScoreState: the pod's requests for each scored resource.
#[derive(Clone, Debug)]
struct PreScoreState {
    pod_requests: Vec<i64>,
}

impl Plugin for BalancedAllocation {
    fn name(&self) -> &'static str {
        NAME
    }

    fn points(&self) -> Points {
        Points::PRE_SCORE | Points::SCORE
    }

    /// PreScore: Skip for a pod requesting none of the resources (best-effort pods would
    /// otherwise all pile onto the same node, kubernetes#129138).
    fn pre_score(
        &self,
        state: &mut CycleState,
        pod: &PodInfo,
        _nodes: &[&NodeInfo],
        _snapshot: &Snapshot,
    ) -> Status {
        let pod_requests = pod_request_list(pod, &self.resources, true);
        if is_best_effort(&pod_requests) {
            return Status::skip();
        }
        state.write(PRE_SCORE_STATE_KEY, PreScoreState { pod_requests });
        Status::success()
    }

    /// Score: without PreScore state the requests are computed here (0 for a best-effort pod).
    fn score(&self, state: &CycleState, pod: &PodInfo, node: &NodeInfo) -> Result<i64, Status> {
        match state.read::<PreScoreState>(PRE_SCORE_STATE_KEY) {
            Some(s) => self.score_node(node, &s.pod_requests),
            None => {
                let pod_requests = pod_request_list(pod, &self.resources, true);
                if is_best_effort(&pod_requests) {
                    return Ok(0);
                }
                self.score_node(node, &pod_requests)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    //! balanced_allocation_test.go: TestNodeResourcesBalancedAllocation, and the
    //! NodeResourcesBalancedAllocationArgs cases of validation_pluginargs_test.go.

    use std::sync::Arc;

    use super::*;
    use crate::scheduler::framework::{Code, PodInfo};
    use crate::scheduler::plugins::node_resources_fit::test_util::{
        make_node_ext, pod, pod_on, run_scores, Containers,
    };
    use crate::scheduler::testing;

    fn default_set() -> Vec<ResourceSpec> {
        default_resource_spec()
    }

    fn with_gpu() -> Vec<ResourceSpec> {
        vec![
            ResourceSpec::new("cpu", 1),
            ResourceSpec::new("memory", 1),
            ResourceSpec::new("nvidia.com/gpu", 1),
        ]
    }

    /// The pod specs of the upstream test: cpuOnly is on node1, cpuAndMemory on node2,
    /// cpuAndMemoryAndGPU on node1.
    const CPU_ONLY: Containers = &[
        &[("cpu", "1000m"), ("memory", "0")],
        &[("cpu", "2000m"), ("memory", "0")],
    ];
    const CPU_AND_MEMORY: Containers = &[
        &[("cpu", "1000m"), ("memory", "2000")],
        &[("cpu", "2000m"), ("memory", "3000")],
    ];
    const CPU_AND_MEMORY_AND_GPU: Containers = &[
        &[("cpu", "1000m"), ("memory", "2000")],
        &[
            ("cpu", "2000m"),
            ("memory", "3000"),
            ("nvidia.com/gpu", "3"),
        ],
    ];

    fn cpu_only() -> Arc<PodInfo> {
        pod_on("node1", CPU_ONLY)
    }
    fn cpu_and_memory() -> Arc<PodInfo> {
        pod_on("node2", CPU_AND_MEMORY)
    }

    struct Case {
        name: &'static str,
        pod: Arc<PodInfo>,
        nodes: Vec<crate::scheduler::framework::NodeInfo>,
        pods: Vec<Arc<PodInfo>>,
        args: Vec<ResourceSpec>,
        run_pre_score: bool,
        want_pre_score: Code,
        want: &'static [i64],
    }

    /// TestNodeResourcesBalancedAllocation
    /// (pkg/scheduler/framework/plugins/noderesources/balanced_allocation_test.go).
    /// Skipped: "include DRA resource on a node for balanced resource allocation" and its
    /// "if PreScore not called" twin (DRA-backed extended resources are not modelled).
    #[test]
    fn node_resources_balanced_allocation() {
        let gpu8 = &[("nvidia.com/gpu", 8)][..];
        let cases = vec![
            Case {
                name: "nothing scheduled, nothing requested, skip in PreScore",
                pod: pod(&[]),
                nodes: vec![
                    make_node_ext("node1", 4000, 10000, &[]),
                    make_node_ext("node2", 4000, 10000, &[]),
                ],
                pods: vec![],
                args: default_set(),
                run_pre_score: true,
                want_pre_score: Code::Skip,
                want: &[],
            },
            Case {
                name: "nothing scheduled, resources requested, differently sized nodes",
                pod: cpu_and_memory(),
                nodes: vec![
                    make_node_ext("node1", 4000, 10000, &[]),
                    make_node_ext("node2", 6000, 10000, &[]),
                ],
                pods: vec![],
                args: default_set(),
                run_pre_score: true,
                want_pre_score: Code::Success,
                want: &[87, MAX_NODE_SCORE],
            },
            Case {
                name: "resources requested, pods scheduled with resources",
                pod: cpu_and_memory(),
                nodes: vec![
                    make_node_ext("node1", 10000, 20000, &[]),
                    make_node_ext("node2", 10000, 20000, &[]),
                ],
                pods: vec![cpu_only(), cpu_and_memory()],
                args: default_set(),
                run_pre_score: true,
                want_pre_score: Code::Success,
                want: &[82, 95],
            },
            Case {
                name: "resources requested, pods scheduled with resources, differently sized nodes",
                pod: cpu_and_memory(),
                nodes: vec![
                    make_node_ext("node1", 10000, 20000, &[]),
                    make_node_ext("node2", 10000, 50000, &[]),
                ],
                pods: vec![cpu_only(), cpu_and_memory()],
                args: default_set(),
                run_pre_score: true,
                want_pre_score: Code::Success,
                want: &[82, 80],
            },
            Case {
                name: "requested resources at node capacity",
                pod: cpu_only(),
                nodes: vec![
                    make_node_ext("node1", 6000, 10000, &[]),
                    make_node_ext("node2", 6000, 10000, &[]),
                ],
                pods: vec![cpu_only(), cpu_and_memory()],
                args: default_set(),
                run_pre_score: true,
                want_pre_score: Code::Success,
                want: &[50, 75],
            },
            Case {
                name: "include scalar resource on a node for balanced resource allocation",
                pod: pod(&[&[("memory", "0"), ("nvidia.com/gpu", "1")]]),
                nodes: vec![
                    make_node_ext("node1", 3500, 40000, gpu8),
                    make_node_ext("node2", 3500, 40000, gpu8),
                ],
                pods: vec![cpu_and_memory(), pod_on("node1", CPU_AND_MEMORY_AND_GPU)],
                args: with_gpu(),
                run_pre_score: true,
                want_pre_score: Code::Success,
                want: &[70, 65],
            },
            Case {
                name: "node without the scalar resource should skip the scalar resource",
                pod: cpu_and_memory(),
                nodes: vec![
                    make_node_ext("node1", 3500, 40000, gpu8),
                    make_node_ext("node2", 3500, 40000, &[]),
                ],
                pods: vec![],
                args: with_gpu(),
                run_pre_score: true,
                want_pre_score: Code::Success,
                want: &[63, 63],
            },
            Case {
                name: "resources requested, pods scheduled with resources if PreScore not called",
                pod: cpu_and_memory(),
                nodes: vec![
                    make_node_ext("node1", 10000, 20000, &[]),
                    make_node_ext("node2", 10000, 20000, &[]),
                ],
                pods: vec![cpu_only(), cpu_and_memory()],
                args: default_set(),
                run_pre_score: false,
                want_pre_score: Code::Success,
                want: &[82, 95],
            },
        ];
        for c in cases {
            let plugin = BalancedAllocation::from_args(&c.args).expect(c.name);
            let snapshot = testing::snapshot(c.nodes, &c.pods);
            let (pre_score, scores) = run_scores(&plugin, &c.pod, &snapshot, c.run_pre_score);
            assert_eq!(pre_score.code, c.want_pre_score, "{}: PreScore", c.name);
            if pre_score.is_skip() {
                continue;
            }
            assert_eq!(scores, c.want, "{}", c.name);
        }
    }

    /// A best-effort pod scored without PreScore gets 0 (the Score fallback).
    #[test]
    fn best_effort_pod_without_pre_score_scores_zero() {
        let plugin = BalancedAllocation::from_args(&default_set()).unwrap();
        let snapshot = testing::snapshot(vec![make_node_ext("node1", 4000, 10000, &[])], &[]);
        let (_, scores) = run_scores(&plugin, &pod(&[]), &snapshot, false);
        assert_eq!(scores, [0]);
    }

    /// The std formula with more than two resources, against upstream's float order:
    /// sqrt(((6/7 - m)² + (1/8 - m)² + (1/2 - m)²) / 3) with m their mean.
    #[test]
    fn three_resources_use_the_full_standard_deviation() {
        let fractions = [3000.0 / 3500.0, 5000.0 / 40000.0, 4.0 / 8.0];
        let mean = (fractions[0] + fractions[1] + fractions[2]) / 3.0;
        let sum = fractions
            .iter()
            .fold(0.0, |s, f| s + (f - mean) * (f - mean));
        let want = ((1.0 - (sum / 3.0f64).sqrt()) * 100.0) as i64;
        let got = balanced_resource_score(|f| {
            f(3500, 3000);
            f(40000, 5000);
            f(8, 4);
        });
        assert_eq!(got, want);
        assert_eq!(got, 70);
    }

    /// validation_pluginargs_test.go: TestValidateNodeResourcesBalancedAllocationArgs,
    /// with the full messages of ValidateNodeResourcesBalancedAllocationArgs.
    #[test]
    fn validate_args() {
        let cases: Vec<(&str, Vec<ResourceSpec>, Option<&str>)> = vec![
            (
                "valid config",
                vec![ResourceSpec::new("cpu", 1), ResourceSpec::new("memory", 1)],
                None,
            ),
            (
                "invalid config",
                vec![ResourceSpec::new("cpu", 2), ResourceSpec::new("memory", 1)],
                Some("resources[0].weight: Invalid value: 2: must be 1"),
            ),
            (
                "repeated resources",
                vec![ResourceSpec::new("cpu", 1), ResourceSpec::new("cpu", 1)],
                Some("resources[1].name: Duplicate value: \"cpu\""),
            ),
            (
                "repeated resources and invalid weight",
                vec![ResourceSpec::new("cpu", 2), ResourceSpec::new("cpu", 1)],
                Some("[resources[0].weight: Invalid value: 2: must be 1, resources[1].name: Duplicate value: \"cpu\"]"),
            ),
        ];
        for (name, resources, want) in cases {
            let got = BalancedAllocation::from_args(&resources).err();
            assert_eq!(got.as_deref(), want, "{name}");
        }
    }

    /// The factory: defaults (cpu and memory; weight 0 → 1), strict decoding.
    #[test]
    fn factory_defaults_and_decoding() {
        let yaml = |s: &str| serde_yaml::from_str::<Value>(s).unwrap();
        assert!(new(None).is_ok());
        assert!(new(Some(&yaml(
            "resources: [{name: cpu}, {name: memory, weight: 0}]"
        )))
        .is_ok());
        assert_eq!(
            new(Some(&yaml("resources: [{name: cpu, weight: 3}]"))).err(),
            Some("resources[0].weight: Invalid value: 3: must be 1".to_string())
        );
        assert_eq!(
            new(Some(&yaml("resource: []"))).err(),
            Some("strict decoding error: unknown field \"resource\"".to_string())
        );
        assert_eq!(
            new(Some(&yaml("resources: [{name: cpu, weight: x}]"))).err(),
            Some("json: cannot unmarshal string into Go struct field ResourceSpec.resources.weight of type int64".to_string())
        );
        let plugin = new(Some(&yaml(
            "apiVersion: kubescheduler.config.k8s.io/v1\nkind: NodeResourcesBalancedAllocationArgs\nresources: [{name: cpu, weight: 1}, {name: memory, weight: 1}, {name: nvidia.com/gpu, weight: 1}]",
        )))
        .unwrap();
        assert_eq!(plugin.name(), NAME);
    }
}
