//! NodeAffinity: nodeSelector and required node affinity (Filter), preferred node affinity (Score),
//! and NodeAffinityArgs' addedAffinity. Mirrors pkg/scheduler/framework/plugins/nodeaffinity/
//! node_affinity.go and component-helpers/scheduling/corev1/nodeaffinity/nodeaffinity.go.

use std::collections::BTreeSet;

use k8s_openapi::api::core::v1 as core;

use crate::api::types::{
    Name, NodeAffinity as PodNodeAffinity, NodeSelectorOperator, NodeSelectorRequirement,
    NodeSelectorTerm, PodSpec, PreferredSchedulingTerm, StringMap,
};
use crate::api::validation::{
    aggregate_message, go_quote, is_qualified_name, is_valid_label_value, BadValue, ErrorList,
    FieldError, FieldPath,
};
use crate::scheduler::framework::{
    CycleState, NodeInfo, Plugin, PodInfo, Points, PreFilterResult, Snapshot, Status,
    MAX_NODE_SCORE,
};

pub const NAME: &str = "NodeAffinity";

/// ErrReasonPod: the pod's nodeSelector or required node affinity does not match.
pub const ERR_REASON_POD: &str = "node(s) didn't match Pod's node affinity/selector";
/// errReasonEnforced: the plugin's `addedAffinity` does not match.
pub const ERR_REASON_ENFORCED: &str = "node(s) didn't match scheduler-enforced node affinity";
/// errReasonConflict: every required term names nodes by `metadata.name` and none is left.
pub const ERR_REASON_CONFLICT: &str = "pod affinity terms conflict";

const PRE_FILTER_KEY: &str = "PreFilterNodeAffinity";
const PRE_SCORE_KEY: &str = "PreScoreNodeAffinity";

/// metav1.ObjectNameField, the one node field matchFields can name.
const OBJECT_NAME_FIELD: &str = "metadata.name";

/// validSelectorOperators / validFieldSelectorOperators.
const LABEL_OPERATORS: [&str; 6] = ["In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"];
const FIELD_OPERATORS: [&str; 2] = ["In", "NotIn"];

/// helper.DefaultNormalizeScore (pkg/scheduler/framework/plugins/helper/normalize_score.go):
/// scales scores from [0, max] to [0, max_priority], reversed if asked; all zero stays zero
/// (or becomes max_priority when reversed).
pub fn default_normalize_score(max_priority: i64, reverse: bool, scores: &mut [i64]) {
    let max_count = scores.iter().copied().fold(0, i64::max);
    if max_count == 0 {
        if reverse {
            scores.fill(max_priority);
        }
        return;
    }
    for s in scores.iter_mut() {
        let score = max_priority * *s / max_count;
        *s = if reverse { max_priority - score } else { score };
    }
}

// ---------------------------------------------------------------------------------------------
// The plugin

/// The NodeAffinity plugin, with the terms of its `addedAffinity` arg.
#[derive(Debug, Default)]
pub struct NodeAffinity {
    /// addedNodeSelector: the required terms (empty terms dropped: they match nothing), or
    /// `None` when the args set none.
    added_required: Option<Vec<NodeSelectorTerm>>,
    /// addedPrefSchedTerms: (weight, term), weight-0 and empty terms dropped; `Some` whenever
    /// the args list preferred terms, even if all are dropped.
    added_preferred: Option<Vec<(i64, NodeSelectorTerm)>>,
}

/// Builds the plugin from NodeAffinityArgs (`addedAffinity`, a v1.NodeAffinity).
pub fn new(args: Option<&serde_yaml::Value>) -> Result<Box<dyn Plugin>, String> {
    Ok(Box::new(NodeAffinity::from_args(args)?))
}

/// What PreFilter computed for Filter: which of the pod's required terms are usable (not empty,
/// no parse errors; upstream's LazyErrorNodeSelector skips the others).
#[derive(Clone, Debug)]
struct PreFilterState {
    usable: Vec<bool>,
}

/// Written by PreScore once the pod's preferred terms parsed without error.
#[derive(Clone, Debug)]
struct PreScoreState;

impl NodeAffinity {
    fn from_args(args: Option<&serde_yaml::Value>) -> Result<NodeAffinity, String> {
        let mut plugin = NodeAffinity::default();
        let map = match args {
            None | Some(serde_yaml::Value::Null) => return Ok(plugin),
            Some(serde_yaml::Value::Mapping(map)) => map,
            Some(_) => return Err("NodeAffinityArgs: expected a mapping".into()),
        };
        for (key, value) in map {
            match key.as_str() {
                Some("apiVersion") => {}
                Some("kind") => {
                    if let Some(kind) = value.as_str() {
                        if kind != "NodeAffinityArgs" {
                            return Err(format!(
                                "args are not of type NodeAffinityArgs, got {kind}"
                            ));
                        }
                    }
                }
                Some("addedAffinity") => {
                    if !value.is_null() {
                        plugin.set_added_affinity(value)?;
                    }
                }
                _ => {
                    let key = key.as_str().map_or_else(|| format!("{key:?}"), go_quote);
                    return Err(format!(
                        "NodeAffinityArgs: strict decoding error: unknown field {key}"
                    ));
                }
            }
        }
        Ok(plugin)
    }

    /// Decodes, validates (ValidateNodeAffinityArgs) and keeps `addedAffinity`.
    fn set_added_affinity(&mut self, value: &serde_yaml::Value) -> Result<(), String> {
        let mut unknown = Vec::new();
        let affinity: core::NodeAffinity =
            serde_ignored::deserialize(value.clone(), |path| unknown.push(path.to_string()))
                .map_err(|e| format!("NodeAffinityArgs: addedAffinity: {e}"))?;
        if let Some(path) = unknown.first() {
            return Err(format!(
                "NodeAffinityArgs: strict decoding error: unknown field \"addedAffinity.{path}\""
            ));
        }

        let root = FieldPath::new("addedAffinity");
        let mut errs = ErrorList::new();
        if let Some(ns) = &affinity.required_during_scheduling_ignored_during_execution {
            let path = root
                .child("requiredDuringSchedulingIgnoredDuringExecution")
                .child("nodeSelectorTerms");
            for (i, term) in ns.node_selector_terms.iter().enumerate() {
                let view = TermView::of_api(term);
                if !view.is_empty() {
                    view.errors(&path.index(i), &mut errs);
                }
            }
        }
        let preferred = affinity
            .preferred_during_scheduling_ignored_during_execution
            .as_deref()
            .unwrap_or_default();
        let path = root.child("preferredDuringSchedulingIgnoredDuringExecution");
        for (i, term) in preferred.iter().enumerate() {
            let view = TermView::of_api(&term.preference);
            if term.weight != 0 && !view.is_empty() {
                view.errors(&path.index(i), &mut errs);
            }
        }
        if let Some(msg) = aggregate_message(&errs) {
            return Err(msg);
        }

        if let Some(ns) = &affinity.required_during_scheduling_ignored_during_execution {
            let mut terms = Vec::new();
            for term in &ns.node_selector_terms {
                if !TermView::of_api(term).is_empty() {
                    terms.push(convert_term(term)?);
                }
            }
            self.added_required = Some(terms);
        }
        if !preferred.is_empty() {
            let mut terms = Vec::new();
            for term in preferred {
                if term.weight != 0 && !TermView::of_api(&term.preference).is_empty() {
                    terms.push((i64::from(term.weight), convert_term(&term.preference)?));
                }
            }
            self.added_preferred = Some(terms);
        }
        Ok(())
    }
}

fn pod_node_affinity(spec: &PodSpec) -> Option<&PodNodeAffinity> {
    spec.affinity.as_deref()?.node_affinity.as_ref()
}

fn required_terms(spec: &PodSpec) -> Option<&[NodeSelectorTerm]> {
    pod_node_affinity(spec)?.required.as_deref()
}

fn preferred_terms(spec: &PodSpec) -> &[PreferredSchedulingTerm] {
    pod_node_affinity(spec).map_or(&[], |a| &a.preferred)
}

/// Whether a term takes part in matching: not empty and without parse errors.
fn term_usable(term: &NodeSelectorTerm) -> bool {
    let view = TermView::of(term);
    if view.is_empty() {
        return false;
    }
    let mut errs = ErrorList::new();
    view.errors(&FieldPath::root(), &mut errs);
    errs.is_empty()
}

/// GetRequiredNodeAffinity(pod).Match(node) with parse errors ignored, as Filter does: the
/// pod's nodeSelector, then its required terms (ORed, unusable terms skipped). For other plugins
/// (PodTopologySpread's nodeAffinityPolicy); it validates the terms on every call.
pub fn required_node_affinity_matches(spec: &PodSpec, node: &NodeInfo) -> bool {
    node.labels().contains_all(&spec.rare.node_selector)
        && required_terms(spec).is_none_or(|terms| {
            terms
                .iter()
                .any(|t| term_usable(t) && term_matches(t, node.labels(), node.name()))
        })
}

/// The parse errors of the pod's preferred terms (NewPreferredSchedulingTerms, no root path),
/// as an aggregate message.
fn preferred_errors(terms: &[PreferredSchedulingTerm]) -> Option<String> {
    let mut errs = ErrorList::new();
    for (i, term) in terms.iter().enumerate() {
        let view = TermView::of(&term.preference);
        if term.weight != 0 && !view.is_empty() {
            view.errors(&FieldPath::root().index(i), &mut errs);
        }
    }
    aggregate_message(&errs)
}

/// PreFilterResult node names: when every required term names nodes with `metadata.name In`,
/// the union over terms of the intersection within each term. `Ok(None)` when some term does
/// not, `Err` when the union is empty.
fn node_names_from_terms(terms: &[NodeSelectorTerm]) -> Result<Option<Vec<Name>>, ()> {
    let mut union: BTreeSet<&str> = BTreeSet::new();
    for term in terms {
        let mut term_names: Option<BTreeSet<&str>> = None;
        for r in &term.match_fields {
            if r.key == OBJECT_NAME_FIELD && r.operator == NodeSelectorOperator::In {
                let set: BTreeSet<&str> = r.values.iter().map(Name::as_str).collect();
                term_names = Some(match term_names {
                    None => set,
                    Some(prev) => prev.intersection(&set).copied().collect(),
                });
            }
        }
        match term_names {
            None => return Ok(None),
            Some(names) => union.extend(names),
        }
    }
    if union.is_empty() {
        Err(())
    } else {
        Ok(Some(union.into_iter().map(Name::new).collect()))
    }
}

impl Plugin for NodeAffinity {
    fn name(&self) -> &'static str {
        NAME
    }

    fn points(&self) -> Points {
        Points::PRE_FILTER | Points::FILTER | Points::PRE_SCORE | Points::SCORE
    }

    fn pre_filter(
        &self,
        state: &mut CycleState,
        pod: &PodInfo,
        _snapshot: &Snapshot,
    ) -> (PreFilterResult, Status) {
        let spec = pod.spec();
        let terms = required_terms(spec);
        // Upstream tests `pod.Spec.NodeSelector == nil`; an empty map is taken as unset here.
        if terms.is_none() && self.added_required.is_none() && spec.rare.node_selector.is_empty() {
            return (PreFilterResult::default(), Status::skip());
        }
        let terms = terms.unwrap_or_default();
        state.write(
            PRE_FILTER_KEY,
            PreFilterState {
                usable: terms.iter().map(term_usable).collect(),
            },
        );
        if terms.is_empty() {
            return (PreFilterResult::default(), Status::success());
        }
        match node_names_from_terms(terms) {
            Ok(node_names) => (PreFilterResult { node_names }, Status::success()),
            Err(()) => (
                PreFilterResult::default(),
                Status::unresolvable(ERR_REASON_CONFLICT),
            ),
        }
    }

    fn filter(&self, state: &CycleState, pod: &PodInfo, node: &NodeInfo) -> Status {
        let (labels, name) = (node.labels(), node.name());
        if let Some(added) = &self.added_required {
            if !added.iter().any(|t| term_matches(t, labels, name)) {
                return Status::unresolvable(ERR_REASON_ENFORCED);
            }
        }
        let spec = pod.spec();
        if !labels.contains_all(&spec.rare.node_selector) {
            return Status::unresolvable(ERR_REASON_POD);
        }
        if let Some(terms) = required_terms(spec) {
            let matched = match state.read::<PreFilterState>(PRE_FILTER_KEY) {
                Some(s) => terms
                    .iter()
                    .zip(&s.usable)
                    .any(|(t, usable)| *usable && term_matches(t, labels, name)),
                // PreFilter did not run: work it out here, as upstream falls back to.
                None => terms
                    .iter()
                    .any(|t| term_usable(t) && term_matches(t, labels, name)),
            };
            if !matched {
                return Status::unresolvable(ERR_REASON_POD);
            }
        }
        Status::success()
    }

    fn pre_score(
        &self,
        state: &mut CycleState,
        pod: &PodInfo,
        _nodes: &[&NodeInfo],
        _snapshot: &Snapshot,
    ) -> Status {
        // Upstream tests the list against nil; an empty list is taken as unset here.
        let preferred = preferred_terms(pod.spec());
        if preferred.is_empty() && self.added_preferred.is_none() {
            return Status::skip();
        }
        if let Some(msg) = preferred_errors(preferred) {
            return Status::error(msg);
        }
        state.write(PRE_SCORE_KEY, PreScoreState);
        Status::success()
    }

    /// The sum of the weights of the matching terms, the plugin's and the pod's.
    fn score(&self, state: &CycleState, pod: &PodInfo, node: &NodeInfo) -> Result<i64, Status> {
        let (labels, name) = (node.labels(), node.name());
        let mut count = 0;
        for (weight, term) in self.added_preferred.iter().flatten() {
            if term_matches(term, labels, name) {
                count += weight;
            }
        }
        let preferred = preferred_terms(pod.spec());
        if state.read::<PreScoreState>(PRE_SCORE_KEY).is_none() {
            // PreScore did not run: check the terms here, as upstream falls back to.
            if let Some(msg) = preferred_errors(preferred) {
                return Err(Status::error(msg));
            }
        }
        for term in preferred {
            if term.weight != 0
                && !TermView::is_empty_term(&term.preference)
                && term_matches(&term.preference, labels, name)
            {
                count += i64::from(term.weight);
            }
        }
        Ok(count)
    }

    fn normalize_score(
        &self,
        _state: &CycleState,
        _pod: &PodInfo,
        scores: &mut [i64],
    ) -> Option<Status> {
        default_normalize_score(MAX_NODE_SCORE, false, scores);
        Some(Status::success())
    }
}

// ---------------------------------------------------------------------------------------------
// Matching (parsed terms only: callers skip empty terms and terms with parse errors)

/// nodeSelectorTerm.match: every matchExpressions requirement on the labels, and every
/// matchFields requirement on the fields, which are checked only when the node has a name
/// (extractNodeFields sets `metadata.name` only then).
fn term_matches(term: &NodeSelectorTerm, labels: &StringMap, node_name: &str) -> bool {
    term.match_expressions
        .iter()
        .all(|r| label_requirement_matches(r, labels))
        && (node_name.is_empty()
            || term
                .match_fields
                .iter()
                .all(|r| field_requirement_matches(r, node_name)))
}

/// labels.Requirement.Matches for the node selector operators. Gt and Lt compare the label and
/// the single value as int64; a label that is missing or not an integer does not match.
fn label_requirement_matches(r: &NodeSelectorRequirement, labels: &StringMap) -> bool {
    let value = labels.get(&r.key);
    let has = |v: &str| r.values.iter().any(|x| x == v);
    match r.operator {
        NodeSelectorOperator::In => value.is_some_and(has),
        NodeSelectorOperator::NotIn => value.is_none_or(|v| !has(v)),
        NodeSelectorOperator::Exists => value.is_some(),
        NodeSelectorOperator::DoesNotExist => value.is_none(),
        NodeSelectorOperator::Gt | NodeSelectorOperator::Lt => {
            let (Some(value), [bound]) = (value, r.values.as_slice()) else {
                return false;
            };
            let (Ok(value), Ok(bound)) = (value.parse::<i64>(), bound.parse::<i64>()) else {
                return false;
            };
            if r.operator == NodeSelectorOperator::Gt {
                value > bound
            } else {
                value < bound
            }
        }
    }
}

/// fields.OneTermEqualSelector / OneTermNotEqualSelector over the node's fields, of which only
/// `metadata.name` exists (a missing field reads as "").
fn field_requirement_matches(r: &NodeSelectorRequirement, node_name: &str) -> bool {
    let field = if r.key == OBJECT_NAME_FIELD {
        node_name
    } else {
        ""
    };
    let Some(value) = r.values.first() else {
        return false;
    };
    match r.operator {
        NodeSelectorOperator::In => field == value,
        NodeSelectorOperator::NotIn => field != value,
        _ => false,
    }
}

// ---------------------------------------------------------------------------------------------
// Parse errors (newNodeSelectorTerm, labels.NewRequirement), over either the API types of the
// args or the pod's lowered types

fn operator_str(op: NodeSelectorOperator) -> &'static str {
    match op {
        NodeSelectorOperator::In => "In",
        NodeSelectorOperator::NotIn => "NotIn",
        NodeSelectorOperator::Exists => "Exists",
        NodeSelectorOperator::DoesNotExist => "DoesNotExist",
        NodeSelectorOperator::Gt => "Gt",
        NodeSelectorOperator::Lt => "Lt",
    }
}

fn parse_operator(op: &str) -> Option<NodeSelectorOperator> {
    Some(match op {
        "In" => NodeSelectorOperator::In,
        "NotIn" => NodeSelectorOperator::NotIn,
        "Exists" => NodeSelectorOperator::Exists,
        "DoesNotExist" => NodeSelectorOperator::DoesNotExist,
        "Gt" => NodeSelectorOperator::Gt,
        "Lt" => NodeSelectorOperator::Lt,
        _ => return None,
    })
}

/// A requirement as written.
struct ReqView<'a> {
    key: &'a str,
    operator: &'a str,
    values: Vec<&'a str>,
}

struct TermView<'a> {
    expressions: Vec<ReqView<'a>>,
    fields: Vec<ReqView<'a>>,
}

impl<'a> TermView<'a> {
    fn of(term: &'a NodeSelectorTerm) -> Self {
        let req = |r: &'a NodeSelectorRequirement| ReqView {
            key: &r.key,
            operator: operator_str(r.operator),
            values: r.values.iter().map(Name::as_str).collect(),
        };
        TermView {
            expressions: term.match_expressions.iter().map(req).collect(),
            fields: term.match_fields.iter().map(req).collect(),
        }
    }

    fn of_api(term: &'a core::NodeSelectorTerm) -> Self {
        let req = |r: &'a core::NodeSelectorRequirement| ReqView {
            key: &r.key,
            operator: &r.operator,
            values: r.values.iter().flatten().map(String::as_str).collect(),
        };
        TermView {
            expressions: term.match_expressions.iter().flatten().map(req).collect(),
            fields: term.match_fields.iter().flatten().map(req).collect(),
        }
    }

    /// isEmptyNodeSelectorTerm: an empty term matches nothing and is skipped.
    fn is_empty(&self) -> bool {
        self.expressions.is_empty() && self.fields.is_empty()
    }

    fn is_empty_term(term: &NodeSelectorTerm) -> bool {
        term.match_expressions.is_empty() && term.match_fields.is_empty()
    }

    /// newNodeSelectorTerm's parse errors, at `path`.
    fn errors(&self, path: &FieldPath, errs: &mut ErrorList) {
        let exprs = path.child("matchExpressions");
        for (i, r) in self.expressions.iter().enumerate() {
            let p = exprs.index(i);
            if parse_operator(r.operator).is_none() {
                errs.push(FieldError::not_supported(
                    &p.child("operator"),
                    r.operator,
                    &LABEL_OPERATORS,
                ));
                continue;
            }
            label_requirement_errors(r, &p, errs);
        }
        let fields = path.child("matchFields");
        for (i, r) in self.fields.iter().enumerate() {
            let p = fields.index(i);
            match r.operator {
                "In" | "NotIn" => {
                    if r.values.len() != 1 {
                        errs.push(FieldError::invalid(
                            &p.child("values"),
                            go_string_slice(&r.values),
                            "must have one element",
                        ));
                    }
                }
                op => errs.push(FieldError::not_supported(
                    &p.child("operator"),
                    op,
                    &FIELD_OPERATORS,
                )),
            }
        }
    }
}

/// labels.NewRequirement's errors for a node selector operator.
fn label_requirement_errors(r: &ReqView<'_>, path: &FieldPath, errs: &mut ErrorList) {
    let key_errs = is_qualified_name(r.key);
    if !key_errs.is_empty() {
        errs.push(FieldError::invalid(
            &path.child("key"),
            r.key,
            key_errs.join("; "),
        ));
    }
    let value_path = path.child("values");
    match r.operator {
        "In" | "NotIn" if r.values.is_empty() => errs.push(FieldError::invalid(
            &value_path,
            go_string_slice(&r.values),
            "for 'in', 'notin' operators, values set can't be empty",
        )),
        "Exists" | "DoesNotExist" if !r.values.is_empty() => errs.push(FieldError::invalid(
            &value_path,
            go_string_slice(&r.values),
            "values set must be empty for exists and does not exist",
        )),
        "Gt" | "Lt" => {
            if r.values.len() != 1 {
                errs.push(FieldError::invalid(
                    &value_path,
                    go_string_slice(&r.values),
                    "for 'Gt', 'Lt' operators, exactly one value is required",
                ));
            }
            for (i, v) in r.values.iter().enumerate() {
                if v.parse::<i64>().is_err() {
                    errs.push(FieldError::invalid(
                        &value_path.index(i),
                        *v,
                        "for 'Gt', 'Lt' operators, the value must be an integer",
                    ));
                }
            }
        }
        _ => {}
    }
    for (i, v) in r.values.iter().enumerate() {
        let value_errs = is_valid_label_value(v);
        if !value_errs.is_empty() {
            errs.push(FieldError::invalid(
                &value_path.index(i).key(r.key),
                *v,
                value_errs.join("; "),
            ));
        }
    }
}

/// A `[]string` as field.Invalid prints it (`%#v`).
fn go_string_slice(values: &[&str]) -> BadValue {
    if values.is_empty() {
        return BadValue::Raw("[]string(nil)".into());
    }
    let quoted: Vec<String> = values.iter().map(|v| go_quote(v)).collect();
    BadValue::Raw(format!("[]string{{{}}}", quoted.join(", ")))
}

fn convert_term(term: &core::NodeSelectorTerm) -> Result<NodeSelectorTerm, String> {
    let convert = |reqs: &Option<Vec<core::NodeSelectorRequirement>>| {
        reqs.iter()
            .flatten()
            .map(|r| {
                Ok(NodeSelectorRequirement {
                    key: Name::from(r.key.as_str()),
                    operator: parse_operator(&r.operator).ok_or_else(|| {
                        format!("NodeAffinityArgs: unsupported operator {:?}", r.operator)
                    })?,
                    values: r
                        .values
                        .iter()
                        .flatten()
                        .map(|v| Name::from(v.as_str()))
                        .collect(),
                })
            })
            .collect::<Result<Vec<_>, String>>()
    };
    Ok(NodeSelectorTerm {
        match_expressions: convert(&term.match_expressions)?,
        match_fields: convert(&term.match_fields)?,
    })
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::scheduler::testing::{node, pod, snapshot};

    fn plugin(args: &str) -> NodeAffinity {
        let value: serde_yaml::Value = serde_yaml::from_str(args).unwrap();
        NodeAffinity::from_args(Some(&value)).unwrap()
    }

    /// A pod with the given spec fields (YAML flow-map entries) and one container.
    fn pod_spec(fields: &str) -> Arc<PodInfo> {
        let sep = if fields.is_empty() { "" } else { ", " };
        pod(&format!(
            "metadata: {{name: p}}\nspec: {{{fields}{sep}containers: [{{name: c, image: i}}]}}"
        ))
    }

    fn required(terms: &str) -> String {
        format!(
            "affinity: {{nodeAffinity: {{requiredDuringSchedulingIgnoredDuringExecution: {{nodeSelectorTerms: {terms}}}}}}}"
        )
    }

    fn labelled_node(name: &str, labels: &str) -> NodeInfo {
        node(&format!("metadata: {{name: '{name}', labels: {labels}}}"))
    }

    struct FilterCase {
        name: &'static str,
        pod: String,
        labels: &'static str,
        node_name: &'static str,
        args: &'static str,
        run_pre_filter: bool,
        want_pre_filter: Status,
        want_nodes: Option<&'static [&'static str]>,
        want: Status,
    }

    impl Default for FilterCase {
        fn default() -> Self {
            FilterCase {
                name: "",
                pod: String::new(),
                labels: "{}",
                node_name: "node",
                args: "{}",
                run_pre_filter: true,
                want_pre_filter: Status::success(),
                want_nodes: None,
                want: Status::success(),
            }
        }
    }

    // Cases from TestNodeAffinity in
    // pkg/scheduler/framework/plugins/nodeaffinity/node_affinity_test.go, all of them. Where
    // upstream leaves the node unnamed and no term uses matchFields, the node here is named
    // "node", which matching does not look at.
    #[test]
    fn pre_filter_and_filter_match_upstream() {
        let pod_reason = || Status::unresolvable(ERR_REASON_POD);
        let name_in = |n: &str| format!("{{key: metadata.name, operator: In, values: [{n}]}}");
        let cases = vec![
            FilterCase {
                name: "missing labels",
                pod: "nodeSelector: {foo: bar}".into(),
                want: pod_reason(),
                ..Default::default()
            },
            FilterCase {
                name: "same labels",
                pod: "nodeSelector: {foo: bar}".into(),
                labels: "{foo: bar}",
                ..Default::default()
            },
            FilterCase {
                name: "node labels are superset",
                pod: "nodeSelector: {foo: bar}".into(),
                labels: "{foo: bar, baz: blah}",
                ..Default::default()
            },
            FilterCase {
                name: "node labels are subset",
                pod: "nodeSelector: {foo: bar, baz: blah}".into(),
                labels: "{foo: bar}",
                want: pod_reason(),
                ..Default::default()
            },
            FilterCase {
                name: "Pod with matchExpressions using In operator that matches the existing node",
                pod: required("[{matchExpressions: [{key: foo, operator: In, values: [bar, value2]}]}]"),
                labels: "{foo: bar}",
                ..Default::default()
            },
            FilterCase {
                name: "Pod with matchExpressions using Gt operator that matches the existing node",
                pod: required("[{matchExpressions: [{key: kernel-version, operator: Gt, values: ['0204']}]}]"),
                labels: "{kernel-version: '0206'}",
                ..Default::default()
            },
            FilterCase {
                name: "Pod with matchExpressions using NotIn operator that matches the existing node",
                pod: required("[{matchExpressions: [{key: mem-type, operator: NotIn, values: [DDR, DDR2]}]}]"),
                labels: "{mem-type: DDR3}",
                ..Default::default()
            },
            FilterCase {
                name: "Pod with matchExpressions using Exists operator that matches the existing node",
                pod: required("[{matchExpressions: [{key: GPU, operator: Exists}]}]"),
                labels: "{GPU: NVIDIA-GRID-K1}",
                ..Default::default()
            },
            FilterCase {
                name: "Pod with affinity that don't match node's labels won't schedule onto the node",
                pod: required("[{matchExpressions: [{key: foo, operator: In, values: [value1, value2]}]}]"),
                labels: "{foo: bar}",
                want: pod_reason(),
                ..Default::default()
            },
            FilterCase {
                name: "Pod with empty MatchExpressions is not a valid value will match no objects and won't schedule onto the node",
                pod: required("[{matchExpressions: []}]"),
                labels: "{foo: bar}",
                want: pod_reason(),
                ..Default::default()
            },
            FilterCase {
                name: "Pod with no Affinity will schedule onto a node",
                pod: String::new(),
                labels: "{foo: bar}",
                want_pre_filter: Status::skip(),
                ..Default::default()
            },
            FilterCase {
                name: "Pod with Affinity but nil NodeSelector will schedule onto a node",
                pod: "affinity: {nodeAffinity: {}}".into(),
                labels: "{foo: bar}",
                want_pre_filter: Status::skip(),
                ..Default::default()
            },
            FilterCase {
                name: "Pod with multiple matchExpressions ANDed that matches the existing node",
                pod: required("[{matchExpressions: [{key: GPU, operator: Exists}, {key: GPU, operator: NotIn, values: [AMD, INTER]}]}]"),
                labels: "{GPU: NVIDIA-GRID-K1}",
                ..Default::default()
            },
            FilterCase {
                name: "Pod with multiple matchExpressions ANDed that doesn't match the existing node",
                pod: required("[{matchExpressions: [{key: GPU, operator: Exists}, {key: GPU, operator: In, values: [AMD, INTER]}]}]"),
                labels: "{GPU: NVIDIA-GRID-K1}",
                want: pod_reason(),
                ..Default::default()
            },
            FilterCase {
                name: "Pod with multiple NodeSelectorTerms ORed in affinity, matches the node's labels and will schedule onto the node",
                pod: required("[{matchExpressions: [{key: foo, operator: In, values: [bar, value2]}]}, {matchExpressions: [{key: diffkey, operator: In, values: [wrong, value2]}]}]"),
                labels: "{foo: bar}",
                ..Default::default()
            },
            FilterCase {
                name: "Pod with an Affinity and a PodSpec.NodeSelector(the old thing that we are deprecating) both are satisfied, will schedule onto the node",
                pod: format!("nodeSelector: {{foo: bar}}, {}", required("[{matchExpressions: [{key: foo, operator: Exists}]}]")),
                labels: "{foo: bar}",
                ..Default::default()
            },
            FilterCase {
                name: "Pod with an Affinity matches node's labels but the PodSpec.NodeSelector(the old thing that we are deprecating) is not satisfied, won't schedule onto the node",
                pod: format!("nodeSelector: {{foo: bar}}, {}", required("[{matchExpressions: [{key: foo, operator: Exists}]}]")),
                labels: "{foo: barrrrrr}",
                want: pod_reason(),
                ..Default::default()
            },
            FilterCase {
                name: "Pod with an invalid value in Affinity term won't be scheduled onto the node",
                pod: required("[{matchExpressions: [{key: foo, operator: NotIn, values: ['invalid value: ___@#$%^']}]}]"),
                labels: "{foo: bar}",
                want: pod_reason(),
                ..Default::default()
            },
            FilterCase {
                name: "Pod with matchFields using In operator that matches the existing node",
                pod: required(&format!("[{{matchFields: [{}]}}]", name_in("node1"))),
                node_name: "node1",
                want_nodes: Some(&["node1"]),
                ..Default::default()
            },
            FilterCase {
                name: "Pod with matchFields using In operator that does not match the existing node",
                pod: required(&format!("[{{matchFields: [{}]}}]", name_in("node1"))),
                node_name: "node2",
                want_nodes: Some(&["node1"]),
                want: pod_reason(),
                ..Default::default()
            },
            FilterCase {
                name: "Pod with two terms: matchFields does not match, but matchExpressions matches",
                pod: required(&format!(
                    "[{{matchFields: [{}, {}]}}, {{matchExpressions: [{{key: foo, operator: In, values: [bar]}}]}}]",
                    name_in("node1"),
                    name_in("node2")
                )),
                node_name: "node2",
                labels: "{foo: bar}",
                ..Default::default()
            },
            FilterCase {
                name: "Pod with one term: matchFields does not match, but matchExpressions matches",
                pod: required(&format!(
                    "[{{matchFields: [{}], matchExpressions: [{{key: foo, operator: In, values: [bar]}}]}}]",
                    name_in("node1")
                )),
                node_name: "node2",
                labels: "{foo: bar}",
                want_nodes: Some(&["node1"]),
                want: pod_reason(),
                ..Default::default()
            },
            FilterCase {
                name: "Pod with one term: both matchFields and matchExpressions match",
                pod: required(&format!(
                    "[{{matchFields: [{}], matchExpressions: [{{key: foo, operator: In, values: [bar]}}]}}]",
                    name_in("node1")
                )),
                node_name: "node1",
                labels: "{foo: bar}",
                want_nodes: Some(&["node1"]),
                ..Default::default()
            },
            FilterCase {
                name: "Pod with two terms: both matchFields and matchExpressions do not match",
                pod: required(&format!(
                    "[{{matchFields: [{}]}}, {{matchExpressions: [{{key: foo, operator: In, values: [not-match-to-bar]}}]}}]",
                    name_in("node1")
                )),
                node_name: "node2",
                labels: "{foo: bar}",
                want: pod_reason(),
                ..Default::default()
            },
            FilterCase {
                name: "Pod with two terms of node.Name affinity",
                pod: required(&format!(
                    "[{{matchFields: [{}]}}, {{matchFields: [{}]}}]",
                    name_in("node1"),
                    name_in("node2")
                )),
                node_name: "node2",
                want_nodes: Some(&["node1", "node2"]),
                ..Default::default()
            },
            FilterCase {
                name: "Pod with two conflicting mach field requirements",
                pod: required(&format!(
                    "[{{matchFields: [{}, {}]}}]",
                    name_in("node1"),
                    name_in("node2")
                )),
                node_name: "node2",
                labels: "{foo: bar}",
                want_pre_filter: Status::unresolvable(ERR_REASON_CONFLICT),
                want: pod_reason(),
                ..Default::default()
            },
            FilterCase {
                name: "Matches added affinity and Pod's node affinity",
                pod: required("[{matchExpressions: [{key: zone, operator: In, values: [foo]}]}]"),
                node_name: "node2",
                labels: "{zone: foo}",
                args: "{addedAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{matchFields: [{key: metadata.name, operator: In, values: [node2]}]}]}}}",
                ..Default::default()
            },
            FilterCase {
                name: "Matches added affinity but not Pod's node affinity",
                pod: required("[{matchExpressions: [{key: zone, operator: In, values: [bar]}]}]"),
                node_name: "node2",
                labels: "{zone: foo}",
                args: "{addedAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{matchFields: [{key: metadata.name, operator: In, values: [node2]}]}]}}}",
                want: pod_reason(),
                ..Default::default()
            },
            FilterCase {
                name: "Doesn't match added affinity",
                pod: String::new(),
                node_name: "node2",
                labels: "{zone: foo}",
                args: "{addedAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{matchExpressions: [{key: zone, operator: In, values: [bar]}]}]}}}",
                want: Status::unresolvable(ERR_REASON_ENFORCED),
                ..Default::default()
            },
            FilterCase {
                name: "Matches node selector correctly even if PreFilter is not called",
                pod: "nodeSelector: {foo: bar}".into(),
                labels: "{foo: bar, baz: blah}",
                run_pre_filter: false,
                ..Default::default()
            },
            FilterCase {
                name: "Matches node affinity correctly even if PreFilter is not called",
                pod: required("[{matchExpressions: [{key: GPU, operator: Exists}, {key: GPU, operator: NotIn, values: [AMD, INTER]}]}]"),
                labels: "{GPU: NVIDIA-GRID-K1}",
                run_pre_filter: false,
                ..Default::default()
            },
            // Not upstream: matchFields are not checked against a node without a name, and
            // an invalid term is skipped while a later valid one still matches.
            FilterCase {
                name: "unnamed node ignores matchFields",
                pod: required(&format!("[{{matchFields: [{}]}}]", name_in("node1"))),
                node_name: "",
                want_nodes: Some(&["node1"]),
                ..Default::default()
            },
            FilterCase {
                name: "invalid term skipped, next term matches",
                pod: required("[{matchExpressions: [{key: foo, operator: Gt, values: [x]}]}, {matchExpressions: [{key: foo, operator: Lt, values: ['10']}]}]"),
                labels: "{foo: '9'}",
                ..Default::default()
            },
        ];
        let snapshot = Snapshot::default();
        for case in cases {
            let name = case.name;
            let plugin = plugin(case.args);
            let p = pod_spec(&case.pod);
            let n = labelled_node(case.node_name, case.labels);
            let mut state = CycleState::new();
            if case.run_pre_filter {
                let (result, status) = plugin.pre_filter(&mut state, &p, &snapshot);
                assert_eq!(status, case.want_pre_filter, "{name}: PreFilter status");
                let want_nodes = case
                    .want_nodes
                    .map(|names| names.iter().map(Name::new).collect());
                assert_eq!(result.node_names, want_nodes, "{name}: PreFilterResult");
            }
            assert_eq!(plugin.filter(&state, &p, &n), case.want, "{name}: Filter");
        }
    }

    // Cases from TestNodeAffinityPriority (same file), all of them.
    #[test]
    fn score_matches_upstream() {
        let label1 = "{foo: bar}";
        let label2 = "{key: value}";
        let label3 = "{az: az1}";
        let label4 = "{abc: az11, def: az22}";
        let label5 = "{foo: bar, key: value, az: az1}";
        let preferred1 =
            "[{weight: 2, preference: {matchExpressions: [{key: foo, operator: In, values: [bar]}]}}]";
        let preferred2 = "[{weight: 2, preference: {matchExpressions: [{key: foo, operator: In, values: [bar]}]}}, \
             {weight: 4, preference: {matchExpressions: [{key: key, operator: In, values: [value]}]}}, \
             {weight: 5, preference: {matchExpressions: [{key: foo, operator: In, values: [bar]}, {key: key, operator: In, values: [value]}, {key: az, operator: In, values: [az1]}]}}]";
        let affinity = |preferred: &str| {
            format!(
                "affinity: {{nodeAffinity: {{preferredDuringSchedulingIgnoredDuringExecution: {preferred}}}}}"
            )
        };
        let cases = [
            (
                "all nodes are same priority as NodeAffinity is nil",
                String::new(),
                vec![("node1", label1), ("node2", label2), ("node3", label3)],
                "{}".to_string(),
                true,
                vec![0, 0, 0],
            ),
            (
                "no node matches preferred scheduling requirements in NodeAffinity of pod so all nodes' priority is zero",
                affinity(preferred1),
                vec![("node1", label4), ("node2", label2), ("node3", label3)],
                "{}".to_string(),
                true,
                vec![0, 0, 0],
            ),
            (
                "only node1 matches the preferred scheduling requirements of pod",
                affinity(preferred1),
                vec![("node1", label1), ("node2", label2), ("node3", label3)],
                "{}".to_string(),
                true,
                vec![MAX_NODE_SCORE, 0, 0],
            ),
            (
                "all nodes matches the preferred scheduling requirements of pod but with different priorities ",
                affinity(preferred2),
                vec![("node1", label1), ("node5", label5), ("node2", label2)],
                "{}".to_string(),
                true,
                vec![18, MAX_NODE_SCORE, 36],
            ),
            (
                "added affinity",
                String::new(),
                vec![("node1", label1), ("node2", label2)],
                format!(
                    "{{addedAffinity: {{preferredDuringSchedulingIgnoredDuringExecution: {preferred1}}}}}"
                ),
                true,
                vec![MAX_NODE_SCORE, 0],
            ),
            (
                "added affinity and pod has default affinity",
                affinity(preferred1),
                vec![("node1", label1), ("node2", label2), ("node3", label5)],
                "{addedAffinity: {preferredDuringSchedulingIgnoredDuringExecution: [{weight: 3, preference: {matchExpressions: [{key: key, operator: In, values: [value]}]}}]}}".to_string(),
                true,
                vec![40, 60, MAX_NODE_SCORE],
            ),
            (
                "calculate the priorities correctly even if PreScore is not called",
                affinity(preferred2),
                vec![("node1", label1), ("node5", label5), ("node2", label2)],
                "{}".to_string(),
                false,
                vec![18, MAX_NODE_SCORE, 36],
            ),
        ];
        for (name, pod_fields, nodes, args, run_pre_score, want) in cases {
            let plugin = plugin(&args);
            let p = pod_spec(&pod_fields);
            let snap = snapshot(
                nodes
                    .iter()
                    .map(|(n, labels)| labelled_node(n, labels))
                    .collect(),
                &[],
            );
            let infos: Vec<&NodeInfo> = snap.nodes.iter().collect();
            let mut state = CycleState::new();
            if run_pre_score {
                let status = plugin.pre_score(&mut state, &p, &infos, &snap);
                if pod_fields.is_empty() && args == "{}" {
                    // Upstream's Score still runs and gives 0s; here the framework would not
                    // call Score after Skip, which gives the same 0s.
                    assert_eq!(status, Status::skip(), "{name}");
                } else {
                    assert_eq!(status, Status::success(), "{name}");
                }
            }
            let mut scores: Vec<i64> = infos
                .iter()
                .map(|n| plugin.score(&state, &p, n).unwrap())
                .collect();
            assert_eq!(
                plugin.normalize_score(&state, &p, &mut scores),
                Some(Status::success())
            );
            assert_eq!(scores, want, "{name}");
        }
    }

    // TestDefaultNormalizeScore in pkg/scheduler/framework/plugins/helper/normalize_score_test.go.
    #[test]
    fn default_normalize_score_matches_upstream() {
        let cases: [(bool, &[i64], &[i64]); 9] = [
            (false, &[1, 2, 3, 4], &[25, 50, 75, 100]),
            (true, &[1, 2, 3, 4], &[75, 50, 25, 0]),
            (false, &[1000, 10, 20, 30], &[100, 1, 2, 3]),
            (true, &[1000, 10, 20, 30], &[0, 99, 98, 97]),
            (false, &[1, 1, 1, 1], &[100, 100, 100, 100]),
            (false, &[1000, 1, 1, 1], &[100, 0, 0, 0]),
            (true, &[0, 1, 1, 1], &[100, 0, 0, 0]),
            (false, &[0, 0, 0, 0], &[0, 0, 0, 0]),
            (true, &[0, 0, 0, 0], &[100, 100, 100, 100]),
        ];
        for (reverse, scores, want) in cases {
            let mut got = scores.to_vec();
            default_normalize_score(MAX_NODE_SCORE, reverse, &mut got);
            assert_eq!(got, want, "reverse={reverse} {scores:?}");
        }
    }

    #[test]
    fn bad_args_are_clear_errors() {
        let err = |args: &str| {
            let value: serde_yaml::Value = serde_yaml::from_str(args).unwrap();
            match NodeAffinity::from_args(Some(&value)) {
                Ok(_) => panic!("{args} accepted"),
                Err(e) => e,
            }
        };
        assert_eq!(
            err("{addedAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{matchExpressions: [{key: foo, operator: In}]}]}}}"),
            "addedAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty"
        );
        assert_eq!(
            err("{addedAffinity: {preferredDuringSchedulingIgnoredDuringExecution: [{weight: 1, preference: {matchFields: [{key: metadata.name, operator: Exists}]}}]}}"),
            "addedAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].matchFields[0].operator: Unsupported value: \"Exists\": supported values: \"In\", \"NotIn\""
        );
        assert_eq!(
            err("{addedAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{matchExpressions: [{key: foo, operator: Near, values: [a]}, {key: n, operator: Gt, values: [a, '1']}]}]}}}"),
            "[addedAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].operator: Unsupported value: \"Near\": supported values: \"In\", \"NotIn\", \"Exists\", \"DoesNotExist\", \"Gt\", \"Lt\", \
             addedAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[1].values: Invalid value: []string{\"a\", \"1\"}: for 'Gt', 'Lt' operators, exactly one value is required, \
             addedAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[1].values[0]: Invalid value: \"a\": for 'Gt', 'Lt' operators, the value must be an integer]"
        );
        assert!(err("{addedAfinity: {}}").contains("unknown field \"addedAfinity\""));
        assert!(err("{addedAffinity: {preferred: []}}").contains("unknown field"));
        // No terms is valid and, as upstream's NewNodeSelector, matches no node.
        let none = plugin("{addedAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {}}}");
        assert_eq!(
            none.filter(&CycleState::new(), &pod_spec(""), &labelled_node("n", "{}")),
            Status::unresolvable(ERR_REASON_ENFORCED)
        );
        assert!(err("{kind: NodeResourcesFitArgs}").contains("not of type NodeAffinityArgs"));
        // A weight-0 preferred term is not parsed, as upstream.
        plugin("{addedAffinity: {preferredDuringSchedulingIgnoredDuringExecution: [{weight: 0, preference: {matchFields: [{key: metadata.name, operator: Exists}]}}]}}");
        plugin("{apiVersion: kubescheduler.config.k8s.io/v1, kind: NodeAffinityArgs}");
        assert!(NodeAffinity::from_args(None).is_ok());
    }

    #[test]
    fn invalid_pod_preferred_terms_are_an_error() {
        let plugin = plugin("{}");
        let p = pod_spec("affinity: {nodeAffinity: {preferredDuringSchedulingIgnoredDuringExecution: [{weight: 1, preference: {matchExpressions: [{key: foo, operator: Exists, values: [x]}]}}]}}");
        let snap = snapshot(vec![labelled_node("n", "{}")], &[]);
        let infos: Vec<&NodeInfo> = snap.nodes.iter().collect();
        assert_eq!(
            plugin.pre_score(&mut CycleState::new(), &p, &infos, &snap),
            Status::error("[0].matchExpressions[0].values: Invalid value: []string{\"x\"}: values set must be empty for exists and does not exist")
        );
    }

    #[test]
    fn required_node_affinity_helper() {
        let p = pod_spec(&format!(
            "nodeSelector: {{a: b}}, {}",
            required("[{matchExpressions: [{key: n, operator: Lt, values: ['5']}]}]")
        ));
        assert!(required_node_affinity_matches(
            p.spec(),
            &labelled_node("x", "{a: b, n: '4'}")
        ));
        assert!(!required_node_affinity_matches(
            p.spec(),
            &labelled_node("x", "{a: b, n: '5'}")
        ));
        assert!(!required_node_affinity_matches(
            p.spec(),
            &labelled_node("x", "{n: '4'}")
        ));
    }
}
