//! NodeResourcesFit: filters out nodes without room for the pod's requests and scores the
//! rest by a configurable strategy. Mirrors pkg/scheduler/framework/plugins/noderesources/
//! fit.go, with args, defaults and validation from pkg/scheduler/apis/config/{v1,validation}.

#[cfg(test)]
#[path = "node_resources/fit_tests.rs"]
mod fit_tests;
#[path = "node_resources/resource_allocation.rs"]
pub(super) mod resource_allocation;
#[cfg(test)]
#[path = "node_resources/scoring_tests.rs"]
mod scoring_tests;
#[path = "node_resources/strategies.rs"]
mod strategies;
#[cfg(test)]
#[path = "node_resources/test_util.rs"]
pub(super) mod test_util;

use serde_yaml::Value;

use crate::api::types::Name;
use crate::api::validation::{aggregate_message, validate_label_name, FieldError, FieldPath};
use crate::scheduler::framework::{
    Code, CycleState, NodeInfo, Plugin, PodInfo, Points, PreFilterResult, Snapshot, Status,
};

use resource_allocation::{
    default_resource_spec, for_each_allocated, is_extended_resource_name, is_scalar_resource_name,
    pod_request_list, ResourceSpec, ScoredResource,
};
use strategies::{least_requested_score, most_requested_score, Shape, Weighted};

/// names.NodeResourcesFit.
pub const NAME: &str = "NodeResourcesFit";
/// fit.go: preFilterStateKey.
const PRE_FILTER_STATE_KEY: &str = "PreFilterNodeResourcesFit";
/// fit.go: preScoreStateKey.
const PRE_SCORE_STATE_KEY: &str = "PreScoreNodeResourcesFit";

// ---------------------------------------------------------------------------------------------
// Args (config.NodeResourcesFitArgs)

/// config.ScoringStrategyType values.
pub const LEAST_ALLOCATED: &str = "LeastAllocated";
pub const MOST_ALLOCATED: &str = "MostAllocated";
pub const REQUESTED_TO_CAPACITY_RATIO: &str = "RequestedToCapacityRatio";
/// supportedScoringStrategyTypes, sorted as sets.List returns them.
const SUPPORTED_SCORING_STRATEGY_TYPES: [&str; 3] =
    [LEAST_ALLOCATED, MOST_ALLOCATED, REQUESTED_TO_CAPACITY_RATIO];

/// config.NodeResourcesFitArgs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FitArgs {
    pub ignored_resources: Vec<String>,
    pub ignored_resource_groups: Vec<String>,
    pub scoring_strategy: Option<ScoringStrategy>,
}

/// config.ScoringStrategy.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ScoringStrategy {
    pub type_: String,
    pub resources: Vec<ResourceSpec>,
    /// requestedToCapacityRatio.shape as (utilization, score) points; `None` when the
    /// requestedToCapacityRatio field is absent.
    pub shape: Option<Vec<(i64, i64)>>,
}

impl FitArgs {
    /// Decodes the pluginConfig args (v1 field names), strictly.
    fn decode(v: &Value) -> Result<FitArgs, String> {
        use resource_allocation::{fields, integer, list, resource_specs, string, string_list};
        const ARGS: &str = "NodeResourcesFitArgs";
        let mut args = FitArgs::default();
        for (key, val) in fields(
            v,
            ARGS,
            "",
            &[
                "ignoredResources",
                "ignoredResourceGroups",
                "scoringStrategy",
            ],
        )? {
            match key {
                "ignoredResources" => args.ignored_resources = string_list(val, ARGS, key)?,
                "ignoredResourceGroups" => {
                    args.ignored_resource_groups = string_list(val, ARGS, key)?
                }
                _ => {
                    if val.is_null() {
                        continue;
                    }
                    let mut strategy = ScoringStrategy::default();
                    let known = ["type", "resources", "requestedToCapacityRatio"];
                    for (k, v) in fields(val, "ScoringStrategy", "scoringStrategy", &known)? {
                        match k {
                            "type" => {
                                strategy.type_ =
                                    string(v, "ScoringStrategy", "scoringStrategy.type")?
                            }
                            "resources" => {
                                strategy.resources = resource_specs(v, "scoringStrategy.resources")?
                            }
                            _ => {
                                if v.is_null() {
                                    continue;
                                }
                                let path = "scoringStrategy.requestedToCapacityRatio";
                                let mut shape = Vec::new();
                                let param = "RequestedToCapacityRatioParam";
                                for (_, s) in fields(v, param, path, &["shape"])? {
                                    let path = format!("{path}.shape");
                                    for point in list(s, param, &path)? {
                                        let (mut u, mut sc) = (0, 0);
                                        let pt = "UtilizationShapePoint";
                                        for (pk, pv) in
                                            fields(point, pt, &path, &["utilization", "score"])?
                                        {
                                            let field = format!("{path}.{pk}");
                                            let n = integer(pv, pt, &field, "int32")?;
                                            if pk == "utilization" {
                                                u = n;
                                            } else {
                                                sc = n;
                                            }
                                        }
                                        shape.push((u, sc));
                                    }
                                }
                                strategy.shape = Some(shape);
                            }
                        }
                    }
                    args.scoring_strategy = Some(strategy);
                }
            }
        }
        Ok(args)
    }

    /// SetDefaults_NodeResourcesFitArgs (config/v1/defaults.go): LeastAllocated over cpu and
    /// memory when no strategy is given, the default resources when none are listed, and
    /// weight 1 where a weight is unset or 0.
    fn set_defaults(&mut self) {
        let strategy = self
            .scoring_strategy
            .get_or_insert_with(|| ScoringStrategy {
                type_: LEAST_ALLOCATED.to_string(),
                resources: default_resource_spec(),
                shape: None,
            });
        if strategy.resources.is_empty() {
            strategy.resources = default_resource_spec();
        }
        for r in &mut strategy.resources {
            if r.weight == 0 {
                r.weight = 1;
            }
        }
    }

    /// ValidateNodeResourcesFitArgs (config/validation/validation_pluginargs.go), with
    /// upstream's field paths (the args are validated from a nil path).
    fn validate(&self) -> Result<(), String> {
        let mut errs: Vec<FieldError> = Vec::new();
        let res_path = FieldPath::new("ignoredResources");
        for (i, res) in self.ignored_resources.iter().enumerate() {
            errs.extend(validate_label_name(res, &res_path.index(i)));
        }
        let group_path = FieldPath::new("ignoredResourceGroups");
        for (i, group) in self.ignored_resource_groups.iter().enumerate() {
            let path = group_path.index(i);
            if group.contains('/') {
                errs.push(FieldError::invalid(
                    &path,
                    group.as_str(),
                    "resource group name can't contain '/'",
                ));
            }
            errs.extend(validate_label_name(group, &path));
        }
        if let Some(strategy) = &self.scoring_strategy {
            let strategy_path = FieldPath::new("scoringStrategy");
            if !SUPPORTED_SCORING_STRATEGY_TYPES.contains(&strategy.type_.as_str()) {
                errs.push(FieldError::not_supported(
                    &strategy_path.child("type"),
                    strategy.type_.as_str(),
                    &SUPPORTED_SCORING_STRATEGY_TYPES,
                ));
            }
            // validateResources.
            let resources_path = strategy_path.child("resources");
            for (i, r) in strategy.resources.iter().enumerate() {
                if r.weight <= 0 || r.weight > 100 {
                    errs.push(FieldError::invalid(
                        &resources_path.index(i).child("weight"),
                        r.weight,
                        format!("resource weight of {} not in valid range (0, 100]", r.name),
                    ));
                }
            }
            if let Some(shape) = &strategy.shape {
                errs.extend(validate_function_shape(
                    shape,
                    &strategy_path.child("shape"),
                ));
            }
        }
        match aggregate_message(&errs) {
            Some(msg) => Err(msg),
            None => Ok(()),
        }
    }
}

/// validateFunctionShape: at least one point, utilizations strictly increasing and within
/// [0, 100], scores within [0, MaxCustomPriorityScore].
fn validate_function_shape(shape: &[(i64, i64)], path: &FieldPath) -> Vec<FieldError> {
    let mut errs = Vec::new();
    if shape.is_empty() {
        errs.push(FieldError::required(
            path,
            "at least one point must be specified",
        ));
        return errs;
    }
    for i in 1..shape.len() {
        if shape[i - 1].0 >= shape[i].0 {
            errs.push(FieldError::invalid(
                &path.index(i).child("utilization"),
                shape[i].0,
                "values must be sorted in increasing order",
            ));
            break;
        }
    }
    let max_score = strategies::MAX_CUSTOM_PRIORITY_SCORE;
    for (i, &(utilization, score)) in shape.iter().enumerate() {
        if !(0..=100).contains(&utilization) {
            errs.push(FieldError::invalid(
                &path.index(i).child("utilization"),
                utilization,
                "not in valid range [0, 100]",
            ));
        }
        if !(0..=max_score).contains(&score) {
            errs.push(FieldError::invalid(
                &path.index(i).child("score"),
                score,
                format!("not in valid range [0, {max_score}]"),
            ));
        }
    }
    errs
}

// ---------------------------------------------------------------------------------------------
// The plugin

/// The scoring strategy (nodeResourceStrategyTypeMap).
#[derive(Clone, Debug)]
enum Strategy {
    LeastAllocated,
    MostAllocated,
    RequestedToCapacityRatio(Shape),
}

/// Fit: the NodeResourcesFit plugin.
pub struct Fit {
    ignored_resources: Vec<String>,
    ignored_resource_groups: Vec<String>,
    strategy: Strategy,
    resources: Vec<ScoredResource>,
}

/// The plugin factory: decodes, defaults and validates NodeResourcesFitArgs.
pub fn new(args: Option<&serde_yaml::Value>) -> Result<Box<dyn Plugin>, String> {
    let mut args = match args {
        Some(v) => FitArgs::decode(v)?,
        None => FitArgs::default(),
    };
    args.set_defaults();
    Ok(Box::new(Fit::from_args(&args)?))
}

impl Fit {
    /// NewFit: validates already-defaulted args and picks the strategy.
    pub fn from_args(args: &FitArgs) -> Result<Fit, String> {
        args.validate()?;
        let Some(strategy) = &args.scoring_strategy else {
            return Err("scoring strategy not specified".into());
        };
        let kind = match strategy.type_.as_str() {
            LEAST_ALLOCATED => Strategy::LeastAllocated,
            MOST_ALLOCATED => Strategy::MostAllocated,
            // Upstream dereferences a missing requestedToCapacityRatio and panics; here it
            // fails like an empty shape.
            _ => match &strategy.shape {
                Some(shape) => Strategy::RequestedToCapacityRatio(Shape::scaled(shape)),
                None => {
                    return Err(FieldError::required(
                        &FieldPath::new("scoringStrategy").child("shape"),
                        "at least one point must be specified",
                    )
                    .to_string())
                }
            },
        };
        Ok(Fit {
            ignored_resources: args.ignored_resources.clone(),
            ignored_resource_groups: args.ignored_resource_groups.clone(),
            strategy: kind,
            resources: strategy.resources.iter().map(ScoredResource::new).collect(),
        })
    }

    /// computePodResourceRequest (framework.Resource.SetMaxResource over PodRequests): the
    /// pod's requests, keeping as scalar only IsScalarResourceName names; the scalar
    /// requests the filter must check are those non-zero and not ignored.
    fn pre_filter_state(&self, pod: &PodInfo) -> PreFilterState {
        let r = &pod.requests;
        let mut has_scalar = false;
        let mut scalar = Vec::new();
        for (name, q) in &r.scalar {
            if !is_scalar_resource_name(name) {
                continue;
            }
            has_scalar = true;
            if *q == 0 || (is_extended_resource_name(name) && self.is_ignored(name)) {
                continue;
            }
            scalar.push((name.clone(), *q));
        }
        PreFilterState {
            milli_cpu: r.milli_cpu,
            memory: r.memory,
            ephemeral_storage: r.ephemeral_storage,
            has_scalar,
            scalar,
        }
    }

    /// ignoredResources, or ignoredResourceGroups matching the part before the `/`.
    fn is_ignored(&self, name: &str) -> bool {
        if self.ignored_resources.iter().any(|r| r == name) {
            return true;
        }
        let prefix = name.split('/').next().unwrap_or("");
        self.ignored_resource_groups.iter().any(|g| g == prefix)
    }

    /// resourceAllocationScorer.score with the configured strategy; cpu and memory use the
    /// node's and the pod's non-zero requests (useRequested is false for Fit).
    fn score_node(&self, node: &NodeInfo, pod_requests: &[i64]) -> Result<i64, Status> {
        if self.resources.is_empty() {
            return Err(Status::error("resources not found"));
        }
        let mut w = Weighted::default();
        let (res, reqs) = (self.resources.as_slice(), pod_requests);
        Ok(match &self.strategy {
            Strategy::LeastAllocated => {
                for_each_allocated(node, res, reqs, false, |r, alloc, req| {
                    w.add(least_requested_score(req, alloc), r.weight)
                });
                w.average()
            }
            Strategy::MostAllocated => {
                for_each_allocated(node, res, reqs, false, |r, alloc, req| {
                    w.add(most_requested_score(req, alloc), r.weight)
                });
                w.average()
            }
            Strategy::RequestedToCapacityRatio(shape) => {
                for_each_allocated(node, res, reqs, false, |r, alloc, req| {
                    w.add_positive(shape.resource_score(req, alloc), r.weight)
                });
                w.rounded_average()
            }
        })
    }
}

/// preFilterState: the pod's requests as Filter needs them.
#[derive(Clone, Debug)]
struct PreFilterState {
    milli_cpu: i64,
    memory: i64,
    ephemeral_storage: i64,
    /// Whether the pod requests any scalar resource at all (even 0).
    has_scalar: bool,
    /// The scalar requests to check, sorted by name.
    scalar: Vec<(Name, i64)>,
}

/// preScoreState: the pod's requests for each scored resource, in order.
#[derive(Clone, Debug)]
struct PreScoreState {
    pod_requests: Vec<i64>,
}

/// InsufficientResource: a resource the node lacks for the pod.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InsufficientResource<'a> {
    pub resource_name: &'a str,
    pub requested: i64,
    pub used: i64,
    pub capacity: i64,
    /// Preemption cannot help: the pod asks for more than the node's whole allocatable.
    pub unresolvable: bool,
}

impl InsufficientResource<'_> {
    /// The failure reason shown to users: `Too many pods` or `Insufficient <resource>`.
    pub fn reason(&self) -> String {
        if self.resource_name == "pods" {
            "Too many pods".to_string()
        } else {
            format!("Insufficient {}", self.resource_name)
        }
    }
}

/// fitsRequest: reports each resource the node lacks, in upstream's order (pods, cpu,
/// memory, ephemeral-storage, then scalar resources, here sorted by name where upstream
/// walks a map). Allocates nothing itself.
fn fits_request<'a>(
    req: &'a PreFilterState,
    node: &NodeInfo,
    mut report: impl FnMut(InsufficientResource<'a>),
) {
    let allowed = node.allocatable.allowed_pod_number;
    let pods = node.pods.len() as i64;
    if pods + 1 > allowed {
        report(InsufficientResource {
            resource_name: "pods",
            requested: 1,
            used: pods,
            capacity: allowed,
            unresolvable: false,
        });
    }
    if req.milli_cpu == 0 && req.memory == 0 && req.ephemeral_storage == 0 && !req.has_scalar {
        return;
    }
    let alloc = &node.allocatable;
    let used = &node.requested;
    let mut check = |name: &'a str, request: i64, allocatable: i64, used: i64| {
        if request > 0 && request > allocatable - used {
            report(InsufficientResource {
                resource_name: name,
                requested: request,
                used,
                capacity: allocatable,
                unresolvable: request > allocatable,
            });
        }
    };
    check("cpu", req.milli_cpu, alloc.milli_cpu, used.milli_cpu);
    check("memory", req.memory, alloc.memory, used.memory);
    check(
        "ephemeral-storage",
        req.ephemeral_storage,
        alloc.ephemeral_storage,
        used.ephemeral_storage,
    );
    for (name, q) in &req.scalar {
        check(
            name.as_str(),
            *q,
            alloc.scalar_value(name),
            used.scalar_value(name),
        );
    }
}

impl Plugin for Fit {
    fn name(&self) -> &'static str {
        NAME
    }

    fn points(&self) -> Points {
        Points::PRE_FILTER | Points::FILTER | Points::PRE_SCORE | Points::SCORE
    }

    /// PreFilter: the pod's requests into the cycle state. (Sidecar containers are always
    /// enabled here, so upstream's restartable-init-container rejection never applies.)
    fn pre_filter(
        &self,
        state: &mut CycleState,
        pod: &PodInfo,
        _snapshot: &Snapshot,
    ) -> (PreFilterResult, Status) {
        state.write(PRE_FILTER_STATE_KEY, self.pre_filter_state(pod));
        (PreFilterResult::default(), Status::success())
    }

    /// Filter: Unschedulable with every insufficient resource's reason, or
    /// UnschedulableAndUnresolvable if any request exceeds the node's whole allocatable.
    fn filter(&self, state: &CycleState, _pod: &PodInfo, node: &NodeInfo) -> Status {
        let Some(req) = state.read::<PreFilterState>(PRE_FILTER_STATE_KEY) else {
            return Status::error(format!(
                "error reading \"{PRE_FILTER_STATE_KEY}\" from cycleState: not found"
            ));
        };
        let mut reasons: Vec<String> = Vec::new();
        let mut unresolvable = false;
        fits_request(req, node, |r| {
            unresolvable |= r.unresolvable;
            reasons.push(r.reason());
        });
        if reasons.is_empty() {
            return Status::success();
        }
        let code = if unresolvable {
            Code::UnschedulableAndUnresolvable
        } else {
            Code::Unschedulable
        };
        Status::with_reasons(code, reasons)
    }

    fn pre_score(
        &self,
        state: &mut CycleState,
        pod: &PodInfo,
        _nodes: &[&NodeInfo],
        _snapshot: &Snapshot,
    ) -> Status {
        state.write(
            PRE_SCORE_STATE_KEY,
            PreScoreState {
                pod_requests: pod_request_list(pod, &self.resources, false),
            },
        );
        Status::success()
    }

    /// Score: the strategy's score; without PreScore state the requests are computed here.
    fn score(&self, state: &CycleState, pod: &PodInfo, node: &NodeInfo) -> Result<i64, Status> {
        match state.read::<PreScoreState>(PRE_SCORE_STATE_KEY) {
            Some(s) => self.score_node(node, &s.pod_requests),
            None => self.score_node(node, &pod_request_list(pod, &self.resources, false)),
        }
    }
}
