//! The Deployment helpers of pkg/controller/deployment/util/deployment_util.go (annotations,
//! conditions, fenceposts, proportions, finding the new and old ReplicaSets) together with
//! controller.ComputeHash and the ReplicaSet sort orders of pkg/controller/controller_utils.go.

use std::cmp::Ordering;

use crate::api::json::to_json;
use crate::api::types::{
    Body, Condition, ConditionStatus, Deployment, DeploymentStatus, DeploymentStrategy,
    IntOrString, Object, ObjectMeta, PodTemplateSpec, ReplicaSet,
};
use crate::engine::{SimTime, SECOND};

/// RevisionAnnotation: the revision number of a Deployment and of its ReplicaSets.
pub const REVISION_ANNOTATION: &str = "deployment.kubernetes.io/revision";
/// RevisionHistoryAnnotation: the earlier revisions a ReplicaSet served (rollbacks).
pub const REVISION_HISTORY_ANNOTATION: &str = "deployment.kubernetes.io/revision-history";
/// DesiredReplicasAnnotation: the Deployment's replicas when the ReplicaSet was last scaled.
pub const DESIRED_REPLICAS_ANNOTATION: &str = "deployment.kubernetes.io/desired-replicas";
/// MaxReplicasAnnotation: replicas + maxSurge when the ReplicaSet was last scaled.
pub const MAX_REPLICAS_ANNOTATION: &str = "deployment.kubernetes.io/max-replicas";
/// apps.DeprecatedRollbackTo: round-trips extensions/v1beta1 `spec.rollbackTo.revision`.
pub const DEPRECATED_ROLLBACK_TO: &str = "deprecated.deployment.rollback.to";
/// v1.LastAppliedConfigAnnotation.
pub const LAST_APPLIED_CONFIG_ANNOTATION: &str = "kubectl.kubernetes.io/last-applied-configuration";
/// apps.DefaultDeploymentUniqueLabelKey.
pub const POD_TEMPLATE_HASH_LABEL: &str = "pod-template-hash";

/// Event reasons of a rollback (RollbackRevisionNotFound, RollbackTemplateUnchanged, RollbackDone).
pub const ROLLBACK_REVISION_NOT_FOUND: &str = "DeploymentRollbackRevisionNotFound";
pub const ROLLBACK_TEMPLATE_UNCHANGED: &str = "DeploymentRollbackTemplateUnchanged";
pub const ROLLBACK_DONE: &str = "DeploymentRollback";

/// Condition reasons (deployment_util.go).
pub const REPLICA_SET_UPDATED_REASON: &str = "ReplicaSetUpdated";
pub const FAILED_RS_CREATE_REASON: &str = "ReplicaSetCreateError";
pub const NEW_REPLICA_SET_REASON: &str = "NewReplicaSetCreated";
pub const FOUND_NEW_RS_REASON: &str = "FoundNewReplicaSet";
pub const NEW_RS_AVAILABLE_REASON: &str = "NewReplicaSetAvailable";
pub const TIMED_OUT_REASON: &str = "ProgressDeadlineExceeded";
pub const PAUSED_DEPLOY_REASON: &str = "DeploymentPaused";
pub const RESUMED_DEPLOY_REASON: &str = "DeploymentResumed";
pub const MINIMUM_REPLICAS_AVAILABLE: &str = "MinimumReplicasAvailable";
pub const MINIMUM_REPLICAS_UNAVAILABLE: &str = "MinimumReplicasUnavailable";

pub const DEPLOYMENT_PROGRESSING: &str = "Progressing";
pub const DEPLOYMENT_AVAILABLE: &str = "Available";
pub const DEPLOYMENT_REPLICA_FAILURE: &str = "ReplicaFailure";

/// maxRevHistoryLengthInChars (deployment_controller.go).
pub const MAX_REV_HISTORY_LENGTH_IN_CHARS: usize = 2000;

// ---------------------------------------------------------------------------------------------
// Accessors

pub fn rs_of(o: &Object) -> &ReplicaSet {
    match &o.body {
        Body::ReplicaSet(rs) => rs,
        _ => panic!("not a ReplicaSet"),
    }
}

pub fn rs_mut(o: &mut Object) -> &mut ReplicaSet {
    match &mut o.body {
        Body::ReplicaSet(rs) => rs,
        _ => panic!("not a ReplicaSet"),
    }
}

pub fn dep_of(o: &Object) -> &Deployment {
    match &o.body {
        Body::Deployment(d) => d,
        _ => panic!("not a Deployment"),
    }
}

pub fn dep_mut(o: &mut Object) -> &mut Deployment {
    match &mut o.body {
        Body::Deployment(d) => d,
        _ => panic!("not a Deployment"),
    }
}

// ---------------------------------------------------------------------------------------------
// Sort orders (controller_utils.go)

/// ReplicaSetsByCreationTimestamp: oldest first, then by name.
pub fn by_creation(a: &Object, b: &Object) -> Ordering {
    (a.meta.creation_timestamp, &a.meta.name).cmp(&(b.meta.creation_timestamp, &b.meta.name))
}

/// ReplicaSetsBySizeOlder: larger first, then older first.
pub fn by_size_older(a: &Object, b: &Object) -> Ordering {
    rs_of(b)
        .replicas
        .cmp(&rs_of(a).replicas)
        .then_with(|| by_creation(a, b))
}

/// ReplicaSetsBySizeNewer: larger first, then newer first.
pub fn by_size_newer(a: &Object, b: &Object) -> Ordering {
    rs_of(b)
        .replicas
        .cmp(&rs_of(a).replicas)
        .then_with(|| by_creation(b, a))
}

/// ReplicaSetsByRevision: lower revision first, then by creation.
pub fn by_revision(a: &Object, b: &Object) -> Ordering {
    revision(a)
        .unwrap_or(0)
        .cmp(&revision(b).unwrap_or(0))
        .then_with(|| by_creation(a, b))
}

// ---------------------------------------------------------------------------------------------
// Hashing (controller.ComputeHash)

/// FNV-1a, 32 bits (hash/fnv New32a).
fn fnv32a(bytes: &[u8], mut h: u32) -> u32 {
    for b in bytes {
        h ^= u32::from(*b);
        h = h.wrapping_mul(16_777_619);
    }
    h
}

/// rand.SafeEncodeString's alphabet: no vowels, no look-alikes.
const ALPHANUMS: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";

/// controller.ComputeHash: the `pod-template-hash` of a template and collision count.
/// Upstream feeds FNV-32a with hashutil.DeepHashObject's spew printing of the Go struct, which
/// cannot be reproduced byte for byte here; kubesim hashes the template's canonical JSON
/// (`crate::api::json`, keys sorted) instead, then appends the collision count as upstream does
/// (little-endian u32) and encodes the decimal sum with SafeEncodeString.
pub fn compute_hash(template: &PodTemplateSpec, collision_count: Option<i32>) -> String {
    let holder = Object {
        meta: ObjectMeta::default(),
        body: Body::ReplicaSet(ReplicaSet {
            template: Box::new(template.clone()),
            ..Default::default()
        }),
    };
    let json = to_json(&holder);
    let canonical = serde_json::to_string(&json["spec"]["template"]).unwrap_or_default();
    let mut h = fnv32a(canonical.as_bytes(), 2_166_136_261);
    if let Some(c) = collision_count {
        h = fnv32a(&(c as u32).to_le_bytes(), h);
    }
    h.to_string()
        .bytes()
        .map(|b| ALPHANUMS[b as usize % ALPHANUMS.len()] as char)
        .collect()
}

/// EqualIgnoreHash: templates equal once the `pod-template-hash` label is dropped from both.
pub fn equal_ignore_hash(a: &PodTemplateSpec, b: &PodTemplateSpec) -> bool {
    let mut a = a.clone();
    let mut b = b.clone();
    a.labels.remove(POD_TEMPLATE_HASH_LABEL);
    b.labels.remove(POD_TEMPLATE_HASH_LABEL);
    a == b
}

// ---------------------------------------------------------------------------------------------
// Annotations

/// Revision: the ReplicaSet's revision annotation (None when missing or not a number;
/// upstream returns 0 for a missing one and an error for a bad one).
pub fn revision(o: &Object) -> Option<i64> {
    match o.meta.annotations.get(REVISION_ANNOTATION) {
        None => Some(0),
        Some(v) => v.parse().ok(),
    }
}

/// MaxRevision: the highest revision among the ReplicaSets.
pub fn max_revision(rss: &[&Object]) -> i64 {
    rss.iter()
        .filter_map(|r| revision(r))
        .max()
        .unwrap_or(0)
        .max(0)
}

/// LastRevision: the second highest revision (the one before the current).
pub fn last_revision(rss: &[&Object]) -> i64 {
    let (mut max, mut sec) = (0, 0);
    for v in rss.iter().filter_map(|r| revision(r)) {
        if v >= max {
            sec = max;
            max = v;
        } else if v > sec {
            sec = v;
        }
    }
    sec
}

/// getNonNegativeInt32FromAnnotation: (value, valid).
pub fn non_negative_i32_annotation(meta: &ObjectMeta, key: &str) -> (i32, bool) {
    match meta.annotations.get(key) {
        None => (0, false),
        Some(v) => match v.parse::<u32>() {
            Ok(n) if n <= i32::MAX as u32 => (n as i32, true),
            _ => (0, false),
        },
    }
}

/// GetDesiredReplicasAnnotation.
pub fn desired_replicas_annotation(o: &Object) -> Option<i32> {
    match non_negative_i32_annotation(&o.meta, DESIRED_REPLICAS_ANNOTATION) {
        (v, true) => Some(v),
        _ => None,
    }
}

/// getMaxReplicasAnnotation.
pub fn max_replicas_annotation(o: &Object) -> Option<i32> {
    match non_negative_i32_annotation(&o.meta, MAX_REPLICAS_ANNOTATION) {
        (v, true) => Some(v),
        _ => None,
    }
}

/// skipCopyAnnotation: the annotations a Deployment does not pass on to its ReplicaSets.
pub fn skip_copy_annotation(key: &str) -> bool {
    [
        LAST_APPLIED_CONFIG_ANNOTATION,
        REVISION_ANNOTATION,
        REVISION_HISTORY_ANNOTATION,
        DESIRED_REPLICAS_ANNOTATION,
        MAX_REPLICAS_ANNOTATION,
        DEPRECATED_ROLLBACK_TO,
    ]
    .contains(&key)
}

/// copyDeploymentAnnotationsToReplicaSet.
fn copy_deployment_annotations_to_rs(d: &ObjectMeta, rs: &mut ObjectMeta) -> bool {
    let mut changed = false;
    for (k, v) in d.annotations.iter() {
        if skip_copy_annotation(k) || rs.annotations.get(k) == Some(v) {
            continue;
        }
        rs.annotations.insert(k, v);
        changed = true;
    }
    changed
}

/// SetDeploymentAnnotationsTo: the Deployment keeps only its skipped annotations and takes the
/// rest from the ReplicaSet it rolls back to.
pub fn set_deployment_annotations_to(d: &mut ObjectMeta, rollback_to: &ObjectMeta) {
    let mut kept: crate::api::types::StringMap = d
        .annotations
        .iter()
        .filter(|(k, _)| skip_copy_annotation(k))
        .collect();
    for (k, v) in rollback_to.annotations.iter() {
        if !skip_copy_annotation(k) {
            kept.insert(k, v);
        }
    }
    d.annotations = kept;
}

/// SetNewReplicaSetAnnotations: copies the Deployment's annotations, raises the revision
/// (keeping the old one in the revision history), and sets the replica annotations of a
/// ReplicaSet about to be created. Returns whether anything changed.
pub fn set_new_replica_set_annotations(
    d: &Object,
    new_rs: &mut Object,
    new_revision: &str,
    exists: bool,
    rev_history_limit_in_chars: usize,
) -> bool {
    let mut changed = copy_deployment_annotations_to_rs(&d.meta, &mut new_rs.meta);
    let old_revision = new_rs
        .meta
        .annotations
        .get(REVISION_ANNOTATION)
        .map(str::to_string);
    let old_int: i64 = match &old_revision {
        None => 0,
        Some(s) if s.is_empty() => 0,
        Some(s) => match s.parse() {
            Ok(v) => v,
            Err(_) => return false,
        },
    };
    let Ok(new_int) = new_revision.parse::<i64>() else {
        return false;
    };
    if old_int < new_int {
        new_rs
            .meta
            .annotations
            .insert(REVISION_ANNOTATION, new_revision);
        changed = true;
    }
    if let Some(old) = old_revision.filter(|_| old_int < new_int) {
        let history = new_rs
            .meta
            .annotations
            .get(REVISION_HISTORY_ANNOTATION)
            .unwrap_or("")
            .to_string();
        let olds: Vec<&str> = history.split(',').collect();
        if olds[0].is_empty() {
            new_rs
                .meta
                .annotations
                .insert(REVISION_HISTORY_ANNOTATION, old.as_str());
        } else {
            let mut total = history.len() + old.len() + 1;
            let mut start = 0;
            while total > rev_history_limit_in_chars && start < olds.len() {
                total = total - olds[start].len() - 1;
                start += 1;
            }
            if total <= rev_history_limit_in_chars {
                let mut kept: Vec<&str> = olds[start..].to_vec();
                kept.push(&old);
                new_rs
                    .meta
                    .annotations
                    .insert(REVISION_HISTORY_ANNOTATION, kept.join(","));
            }
        }
    }
    if !exists {
        let dd = dep_of(d);
        if set_replicas_annotations(&mut new_rs.meta, dd.replicas, dd.replicas + max_surge(dd)) {
            changed = true;
        }
    }
    changed
}

/// SetDeploymentRevision: sets the Deployment's revision annotation; true if it changed.
pub fn set_deployment_revision(d: &mut ObjectMeta, revision: &str) -> bool {
    if d.annotations.get(REVISION_ANNOTATION) == Some(revision) {
        return false;
    }
    d.annotations.insert(REVISION_ANNOTATION, revision);
    true
}

/// SetReplicasAnnotations: true if either annotation changed.
pub fn set_replicas_annotations(meta: &mut ObjectMeta, desired: i32, max: i32) -> bool {
    let mut changed = false;
    for (key, v) in [
        (DESIRED_REPLICAS_ANNOTATION, desired),
        (MAX_REPLICAS_ANNOTATION, max),
    ] {
        let s = v.to_string();
        if meta.annotations.get(key) != Some(s.as_str()) {
            meta.annotations.insert(key, s);
            changed = true;
        }
    }
    changed
}

/// ReplicasAnnotationsNeedUpdate.
pub fn replicas_annotations_need_update(meta: &ObjectMeta, desired: i32, max: i32) -> bool {
    meta.annotations.get(DESIRED_REPLICAS_ANNOTATION) != Some(desired.to_string().as_str())
        || meta.annotations.get(MAX_REPLICAS_ANNOTATION) != Some(max.to_string().as_str())
}

// ---------------------------------------------------------------------------------------------
// Conditions

/// NewDeploymentCondition: both times set to now.
pub fn new_condition(
    type_: &str,
    status: ConditionStatus,
    reason: &str,
    message: impl Into<crate::api::types::Name>,
    now: SimTime,
) -> Condition {
    Condition::new(type_, status)
        .with_reason(reason, message)
        .with_times(Some(now), Some(now))
}

/// GetDeploymentCondition.
pub fn get_condition<'a>(status: &'a DeploymentStatus, type_: &str) -> Option<&'a Condition> {
    status.conditions.iter().find(|c| c.type_ == type_)
}

/// SetDeploymentCondition: a no-op for the same status and reason; keeps the transition time
/// when only the reason changes.
pub fn set_condition(status: &mut DeploymentStatus, mut cond: Condition) {
    if let Some(cur) = get_condition(status, &cond.type_) {
        if cur.status == cond.status && cur.reason() == cond.reason() {
            return;
        }
        if cur.status == cond.status {
            cond.last_transition_time = cur.last_transition_time;
        }
    }
    remove_condition(status, &cond.type_.clone());
    status.conditions.push(cond);
}

/// RemoveDeploymentCondition.
pub fn remove_condition(status: &mut DeploymentStatus, type_: &str) {
    status.conditions.retain(|c| c.type_ != type_);
}

// ---------------------------------------------------------------------------------------------
// Arithmetic

/// intstr.GetScaledValueFromIntOrPercent.
pub fn scaled_value(v: &IntOrString, total: i32, round_up: bool) -> Result<i32, String> {
    match v {
        IntOrString::Int(i) => Ok(*i),
        IntOrString::String(s) => {
            let Some(num) = s.strip_suffix('%') else {
                return Err(format!("invalid type: string is not a percentage: {s:?}"));
            };
            let p: i64 = num
                .parse()
                .map_err(|_| format!("invalid value for IntOrString: invalid value {s:?}"))?;
            let prod = p * i64::from(total);
            let v = if round_up {
                prod.div_euclid(100) + i64::from(prod.rem_euclid(100) != 0)
            } else {
                prod.div_euclid(100)
            };
            Ok(v as i32)
        }
    }
}

/// ResolveFenceposts: maxSurge rounds up, maxUnavailable down; if both resolve to zero,
/// maxUnavailable becomes 1. `None` is the zero default (intstrutil.ValueOrDefault).
pub fn resolve_fenceposts(
    max_surge: Option<&IntOrString>,
    max_unavailable: Option<&IntOrString>,
    desired: i32,
) -> Result<(i32, i32), String> {
    let zero = IntOrString::Int(0);
    let surge = scaled_value(max_surge.unwrap_or(&zero), desired, true)?;
    let mut unavailable = scaled_value(max_unavailable.unwrap_or(&zero), desired, false)?;
    if surge == 0 && unavailable == 0 {
        unavailable = 1;
    }
    Ok((surge, unavailable))
}

/// MaxUnavailable: capped at the replicas; 0 for Recreate or zero replicas.
pub fn max_unavailable(d: &Deployment) -> i32 {
    let DeploymentStrategy::RollingUpdate {
        max_surge,
        max_unavailable,
    } = &d.strategy
    else {
        return 0;
    };
    if d.replicas == 0 {
        return 0;
    }
    let (_, u) =
        resolve_fenceposts(Some(max_surge), Some(max_unavailable), d.replicas).unwrap_or((0, 0));
    u.min(d.replicas)
}

/// MinAvailable.
pub fn min_available(d: &Deployment) -> i32 {
    if !is_rolling_update(d) {
        return 0;
    }
    d.replicas - max_unavailable(d)
}

/// MaxSurge: 0 for Recreate.
pub fn max_surge(d: &Deployment) -> i32 {
    let DeploymentStrategy::RollingUpdate {
        max_surge,
        max_unavailable,
    } = &d.strategy
    else {
        return 0;
    };
    resolve_fenceposts(Some(max_surge), Some(max_unavailable), d.replicas)
        .map(|(s, _)| s)
        .unwrap_or(0)
}

pub fn is_rolling_update(d: &Deployment) -> bool {
    matches!(d.strategy, DeploymentStrategy::RollingUpdate { .. })
}

/// integer.RoundToInt32: math.Floor(a + 0.5).
fn round_to_i32(a: f64) -> i32 {
    (a + 0.5).floor() as i32
}

/// getReplicaSetFraction: the replicas this ReplicaSet gains (or loses) when the Deployment
/// is resized, in proportion to its size against the annotated max-replicas.
fn replica_set_fraction(rs: &Object, d: &Deployment) -> i32 {
    let replicas = rs_of(rs).replicas;
    if d.replicas == 0 {
        return -replicas;
    }
    let max = d.replicas + max_surge(d);
    let before = match max_replicas_annotation(rs) {
        Some(v) if v != 0 => v,
        _ => {
            if d.status.replicas == 0 {
                return 0;
            }
            d.status.replicas
        }
    };
    let size = f64::from(replicas) * f64::from(max) / f64::from(before);
    round_to_i32(size) - replicas
}

/// GetProportion: this ReplicaSet's share of `to_add`, never beyond what remains.
pub fn get_proportion(rs: Option<&Object>, d: &Deployment, to_add: i32, added: i32) -> i32 {
    let Some(rs) = rs else { return 0 };
    if rs_of(rs).replicas == 0 || to_add == 0 || to_add == added {
        return 0;
    }
    let fraction = replica_set_fraction(rs, d);
    let allowed = to_add - added;
    if to_add > 0 {
        fraction.min(allowed)
    } else {
        fraction.max(allowed)
    }
}

/// GetReplicaCountForReplicaSets: sum of spec.replicas.
pub fn replica_count(rss: &[&Object]) -> i32 {
    rss.iter().map(|r| rs_of(r).replicas).sum()
}

/// GetActualReplicaCountForReplicaSets: sum of status.replicas.
pub fn actual_replica_count(rss: &[&Object]) -> i32 {
    rss.iter().map(|r| rs_of(r).status.replicas).sum()
}

/// GetTerminatingReplicaCountForReplicaSets: None when any ReplicaSet does not report it.
pub fn terminating_replica_count(rss: &[&Object]) -> Option<i32> {
    rss.iter()
        .map(|r| rs_of(r).status.terminating_replicas)
        .sum::<Option<i32>>()
}

/// GetReadyReplicaCountForReplicaSets.
pub fn ready_replica_count(rss: &[&Object]) -> i32 {
    rss.iter().map(|r| rs_of(r).status.ready_replicas).sum()
}

/// GetAvailableReplicaCountForReplicaSets.
pub fn available_replica_count(rss: &[&Object]) -> i32 {
    rss.iter().map(|r| rs_of(r).status.available_replicas).sum()
}

/// NewRSNewReplicas: how far the new ReplicaSet may grow now.
pub fn new_rs_new_replicas(
    d: &Deployment,
    all_rss: &[&Object],
    new_rs: &Object,
) -> Result<i32, String> {
    let new_replicas = rs_of(new_rs).replicas;
    match &d.strategy {
        DeploymentStrategy::RollingUpdate { max_surge, .. } => {
            let surge = scaled_value(max_surge, d.replicas, true)?;
            let current = replica_count(all_rss);
            let max_total = d.replicas + surge;
            if current >= max_total {
                return Ok(new_replicas);
            }
            let up = (max_total - current).min(d.replicas - new_replicas);
            Ok(new_replicas + up)
        }
        DeploymentStrategy::Recreate => Ok(d.replicas),
    }
}

/// IsSaturated: the ReplicaSet has all the Deployment's replicas, and all are available.
pub fn is_saturated(d: &Deployment, rs: Option<&Object>) -> bool {
    let Some(rs) = rs else { return false };
    let Some(desired) = desired_replicas_annotation(rs) else {
        return false;
    };
    let r = rs_of(rs);
    r.replicas == d.replicas && desired == d.replicas && r.status.available_replicas == d.replicas
}

/// FindNewReplicaSet: the oldest ReplicaSet whose template equals the Deployment's (ignoring
/// the hash label).
pub fn find_new_replica_set<'a>(d: &Deployment, rss: &[&'a Object]) -> Option<&'a Object> {
    let mut sorted: Vec<&Object> = rss.to_vec();
    sorted.sort_by(|a, b| by_creation(a, b));
    sorted
        .into_iter()
        .find(|r| equal_ignore_hash(&rs_of(r).template, &d.template))
}

/// FindOldReplicaSets: (old ReplicaSets with pods, all old ReplicaSets).
pub fn find_old_replica_sets<'a>(
    d: &Deployment,
    rss: &[&'a Object],
) -> (Vec<&'a Object>, Vec<&'a Object>) {
    let new_uid = find_new_replica_set(d, rss).map(|r| (r.meta.uid, r.meta.name.clone()));
    let mut required = Vec::new();
    let mut all = Vec::new();
    for r in rss {
        if new_uid
            .as_ref()
            .is_some_and(|(u, n)| *u == r.meta.uid && *n == r.meta.name)
        {
            continue;
        }
        all.push(*r);
        if rs_of(r).replicas != 0 {
            required.push(*r);
        }
    }
    (required, all)
}

/// FindActiveOrLatest: the only active ReplicaSet, else the newest when none is active.
pub fn find_active_or_latest<'a>(
    new_rs: Option<&'a Object>,
    old_rss: &[&'a Object],
) -> Option<&'a Object> {
    if new_rs.is_none() && old_rss.is_empty() {
        return None;
    }
    let mut olds = old_rss.to_vec();
    olds.sort_by(|a, b| by_creation(b, a));
    let active: Vec<&Object> = olds
        .iter()
        .copied()
        .chain(new_rs)
        .filter(|r| rs_of(r).replicas > 0)
        .collect();
    match active.len() {
        0 => new_rs.or(olds.first().copied()),
        1 => Some(active[0]),
        _ => None,
    }
}

/// HasProgressDeadline: set and not MaxInt32.
pub fn has_progress_deadline(d: &Deployment) -> bool {
    d.progress_deadline_seconds.is_some_and(|s| s != i32::MAX)
}

/// HasRevisionHistoryLimit: set and not MaxInt32.
pub fn has_revision_history_limit(d: &Deployment) -> bool {
    d.revision_history_limit.is_some_and(|s| s != i32::MAX)
}

/// DeploymentComplete: every replica updated and available, no old ones left, the latest
/// generation observed.
pub fn deployment_complete(meta: &ObjectMeta, d: &Deployment, s: &DeploymentStatus) -> bool {
    s.updated_replicas == d.replicas
        && s.replicas == d.replicas
        && s.available_replicas == d.replicas
        && s.observed_generation >= meta.generation
}

/// DeploymentProgressing: more updated, fewer old, more ready or more available replicas.
pub fn deployment_progressing(d: &Deployment, s: &DeploymentStatus) -> bool {
    let old = &d.status;
    let old_old = old.replicas - old.updated_replicas;
    let new_old = s.replicas - s.updated_replicas;
    s.updated_replicas > old.updated_replicas
        || new_old < old_old
        || s.ready_replicas > old.ready_replicas
        || s.available_replicas > old.available_replicas
}

/// DeploymentTimedOut: the Progressing condition was last updated more than
/// progressDeadlineSeconds ago (strictly).
pub fn deployment_timed_out(d: &Deployment, s: &DeploymentStatus, now: SimTime) -> bool {
    if !has_progress_deadline(d) {
        return false;
    }
    let Some(cond) = get_condition(s, DEPLOYMENT_PROGRESSING) else {
        return false;
    };
    match cond.reason() {
        NEW_RS_AVAILABLE_REASON => return false,
        TIMED_OUT_REASON => return true,
        _ => {}
    }
    let from = cond.last_update_time.unwrap_or(0);
    let delta = d.progress_deadline_seconds.unwrap_or(0).max(0) as u64 * SECOND;
    from + delta < now
}

#[cfg(test)]
#[path = "util_tests.rs"]
pub(crate) mod tests;
