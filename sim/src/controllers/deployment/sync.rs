//! One sync of one Deployment as a pure plan: pkg/controller/deployment/{deployment_controller.go
//! (syncDeployment), sync.go, rolling.go, recreate.go, rollback.go, progress.go}. Upstream writes
//! one request at a time and continues with the object the server returned; here each write
//! is assumed to succeed, the planner's copy of the object is updated in place, and the writes
//! are sent afterwards (a failed one requeues the Deployment, as upstream's returned error does).

use std::sync::Arc;

use super::util::*;
use crate::api::request::{DeleteOptions, Request};
use crate::api::types::{
    Body, ConditionStatus, DeploymentStatus, DeploymentStrategy, Kind, Name, Object, ObjectMeta,
    OwnerReference, PodPhase, ReplicaSet, Uid,
};
use crate::engine::{SimDuration, SimTime, SECOND};

/// A write the sync wants, with the events to record once it succeeds.
#[derive(Clone, Debug, PartialEq)]
pub struct Write {
    pub req: Request,
    pub events: Vec<(&'static str, String)>,
}

/// What a sync decided.
#[derive(Debug, Default)]
pub struct Plan {
    pub writes: Vec<Write>,
    /// Events recorded whatever becomes of the writes (warnings).
    pub events: Vec<(&'static str, String)>,
    /// enqueueAfter.
    pub requeue_after: Option<SimDuration>,
    /// enqueueRateLimited.
    pub requeue_rate_limited: bool,
}

/// The state one sync works on.
pub struct Sync {
    pub now: SimTime,
    pub d: Object,
    /// The ReplicaSets the Deployment controls, as the sync last wrote them.
    pub rss: Vec<Object>,
    /// Phases of the pods controlled by each ReplicaSet (getPodMapForDeployment).
    pub pods: Vec<(Uid, PodPhase)>,
    /// Every ReplicaSet of the namespace in the cache, for name collisions.
    pub namespace_rss: Vec<Arc<Object>>,
    pub plan: Plan,
    /// The Deployment as read from the cache (what the first write's precondition is).
    original: Object,
}

fn event(reason: &'static str, msg: String) -> (&'static str, String) {
    (reason, msg)
}

impl Sync {
    pub fn new(
        now: SimTime,
        d: Object,
        rss: Vec<Object>,
        pods: Vec<(Uid, PodPhase)>,
        namespace_rss: Vec<Arc<Object>>,
    ) -> Sync {
        Sync {
            now,
            original: d.clone(),
            d,
            rss,
            pods,
            namespace_rss,
            plan: Plan::default(),
        }
    }

    fn dep(&self) -> &crate::api::types::Deployment {
        dep_of(&self.d)
    }

    fn refs(&self, idx: &[usize]) -> Vec<&Object> {
        idx.iter().map(|i| &self.rss[*i]).collect()
    }

    // -----------------------------------------------------------------------------------------
    // Writes

    fn push_rs_write(&mut self, idx: usize, ev: Option<(&'static str, String)>) {
        let obj = self.rss[idx].clone();
        let pos = self.plan.writes.iter().position(|w| match &w.req {
            Request::Create { object } | Request::Update { object } => {
                object.kind() == Kind::ReplicaSet && object.meta.name == obj.meta.name
            }
            _ => false,
        });
        match pos {
            Some(p) => {
                let w = &mut self.plan.writes[p];
                match &mut w.req {
                    Request::Create { object } | Request::Update { object } => *object = obj,
                    _ => unreachable!(),
                }
                w.events.extend(ev);
            }
            None => self.plan.writes.push(Write {
                req: Request::Update { object: obj },
                events: ev.into_iter().collect(),
            }),
        }
    }

    fn push_dep_write(&mut self, status: bool, ev: Option<(&'static str, String)>) {
        let mut obj = self.d.clone();
        // Only the first write of the Deployment carries the cached resourceVersion: the
        // later ones follow it (upstream continues with the object the server returned).
        let earlier = self.plan.writes.iter().any(|w| {
            matches!(&w.req, Request::Update { object } | Request::UpdateStatus { object }
                if object.kind() == Kind::Deployment)
        });
        if earlier {
            obj.meta.resource_version = 0;
        }
        let pos = self.plan.writes.iter().position(|w| match &w.req {
            Request::UpdateStatus { object } => status && object.kind() == Kind::Deployment,
            Request::Update { object } => !status && object.kind() == Kind::Deployment,
            _ => false,
        });
        let req = if status {
            Request::UpdateStatus { object: obj }
        } else {
            Request::Update { object: obj }
        };
        match pos {
            Some(p) => {
                let w = &mut self.plan.writes[p];
                let rv = match &w.req {
                    Request::Update { object } | Request::UpdateStatus { object } => {
                        object.meta.resource_version
                    }
                    _ => 0,
                };
                w.req = req;
                if let Request::Update { object } | Request::UpdateStatus { object } = &mut w.req {
                    object.meta.resource_version = rv;
                }
                w.events.extend(ev);
            }
            None => self.plan.writes.push(Write {
                req,
                events: ev.into_iter().collect(),
            }),
        }
    }

    /// UpdateStatus of the Deployment. The API server's status strategy keeps metadata (as
    /// kubesim's does), while upstream's lets annotations through a status update: when the
    /// revision annotation changed, the metadata goes in a plain update first.
    fn update_status(&mut self) {
        if self.d.meta.annotations != self.original.meta.annotations {
            self.push_dep_write(false, None);
        }
        self.push_dep_write(true, None);
    }

    // -----------------------------------------------------------------------------------------
    // syncDeployment

    /// syncDeployment, once the Deployment is known to exist.
    pub fn run(mut self) -> Plan {
        let everything = self.dep().selector.is_empty();
        if everything {
            self.plan.events.push(event(
                "SelectingAll",
                "This deployment is selecting all pods. A non-empty selector is required.".into(),
            ));
            if self.dep().status.observed_generation < self.d.meta.generation {
                let g = self.d.meta.generation;
                dep_mut(&mut self.d).status.observed_generation = g;
                self.push_dep_write(true, None);
            }
            return self.plan;
        }
        if self.d.meta.deletion_timestamp.is_some() {
            self.sync_status_only();
            return self.plan;
        }
        self.check_paused_conditions();
        if self.dep().paused {
            self.sync();
            return self.plan;
        }
        if rollback_to(&self.d).is_some() {
            self.rollback();
            return self.plan;
        }
        if self.is_scaling_event() {
            self.sync();
            return self.plan;
        }
        match self.dep().strategy {
            DeploymentStrategy::Recreate => self.rollout_recreate(),
            DeploymentStrategy::RollingUpdate { .. } => self.rollout_rolling(),
        }
        self.plan
    }

    /// checkPausedConditions.
    fn check_paused_conditions(&mut self) {
        if !has_progress_deadline(self.dep()) {
            return;
        }
        let cond = get_condition(&self.dep().status, DEPLOYMENT_PROGRESSING);
        if cond.is_some_and(|c| c.reason() == TIMED_OUT_REASON) {
            return;
        }
        let paused_cond = cond.is_some_and(|c| c.reason() == PAUSED_DEPLOY_REASON);
        let now = self.now;
        let paused = self.dep().paused;
        let c = if paused && !paused_cond {
            new_condition(
                DEPLOYMENT_PROGRESSING,
                ConditionStatus::Unknown,
                PAUSED_DEPLOY_REASON,
                "Deployment is paused",
                now,
            )
        } else if !paused && paused_cond {
            new_condition(
                DEPLOYMENT_PROGRESSING,
                ConditionStatus::Unknown,
                RESUMED_DEPLOY_REASON,
                "Deployment is resumed",
                now,
            )
        } else {
            return;
        };
        set_condition(&mut dep_mut(&mut self.d).status, c);
        self.push_dep_write(true, None);
    }

    fn sync_status_only(&mut self) {
        let (new, olds) = self.get_all_replica_sets_and_sync_revision(false);
        let all: Vec<usize> = olds.iter().copied().chain(new).collect();
        self.sync_deployment_status(&all, new);
    }

    /// sync: scaling and status for paused Deployments and scaling events.
    fn sync(&mut self) {
        let (new, olds) = self.get_all_replica_sets_and_sync_revision(false);
        self.scale(new, &olds);
        if self.dep().paused && rollback_to(&self.d).is_none() {
            self.cleanup_deployment(&olds);
        }
        let all: Vec<usize> = olds.iter().copied().chain(new).collect();
        self.sync_deployment_status(&all, new);
    }

    /// isScalingEvent: an active ReplicaSet annotated with another desired size.
    fn is_scaling_event(&mut self) -> bool {
        let (new, olds) = self.get_all_replica_sets_and_sync_revision(false);
        let replicas = self.dep().replicas;
        olds.iter()
            .copied()
            .chain(new)
            .filter(|i| rs_of(&self.rss[*i]).replicas > 0)
            .filter_map(|i| desired_replicas_annotation(&self.rss[i]))
            .any(|d| d != replicas)
    }

    // -----------------------------------------------------------------------------------------
    // getAllReplicaSetsAndSyncRevision / getNewReplicaSet

    fn get_all_replica_sets_and_sync_revision(
        &mut self,
        create: bool,
    ) -> (Option<usize>, Vec<usize>) {
        let all: Vec<usize> = (0..self.rss.len()).collect();
        let dep = self.dep().clone();
        let refs = self.refs(&all);
        let new_name = find_new_replica_set(&dep, &refs).map(|r| r.meta.name.clone());
        let olds: Vec<usize> = all
            .iter()
            .copied()
            .filter(|i| Some(&self.rss[*i].meta.name) != new_name.as_ref())
            .collect();
        let new = self.get_new_replica_set(new_name, &olds, create);
        (new, olds)
    }

    fn get_new_replica_set(
        &mut self,
        existing: Option<Name>,
        olds: &[usize],
        create: bool,
    ) -> Option<usize> {
        let max_old = max_revision(&self.refs(olds));
        let new_revision = (max_old + 1).to_string();
        let now = self.now;
        if let Some(name) = existing {
            let idx = self.rss.iter().position(|r| r.meta.name == name)?;
            let mut copy = self.rss[idx].clone();
            let annotations_updated = set_new_replica_set_annotations(
                &self.d,
                &mut copy,
                &new_revision,
                true,
                MAX_REV_HISTORY_LENGTH_IN_CHARS,
            );
            let mrs = self.dep().min_ready_seconds;
            if annotations_updated || rs_of(&copy).min_ready_seconds != mrs {
                rs_mut(&mut copy).min_ready_seconds = mrs;
                self.rss[idx] = copy;
                self.push_rs_write(idx, None);
                return Some(idx);
            }
            let rev = copy
                .meta
                .annotations
                .get(REVISION_ANNOTATION)
                .unwrap_or("")
                .to_string();
            let mut needs_update = set_deployment_revision(&mut self.d.meta, &rev);
            if has_progress_deadline(self.dep())
                && get_condition(&self.dep().status, DEPLOYMENT_PROGRESSING).is_none()
            {
                let c = new_condition(
                    DEPLOYMENT_PROGRESSING,
                    ConditionStatus::True,
                    FOUND_NEW_RS_REASON,
                    format!("Found new replica set {:?}", copy.meta.name.as_str()),
                    now,
                );
                set_condition(&mut dep_mut(&mut self.d).status, c);
                needs_update = true;
            }
            if needs_update {
                self.update_status();
            }
            return Some(idx);
        }
        if !create {
            return None;
        }
        let dep = self.dep().clone();
        let hash = compute_hash(&dep.template, dep.status.collision_count);
        let mut template = (*dep.template).clone();
        template
            .labels
            .insert(POD_TEMPLATE_HASH_LABEL, hash.as_str());
        let mut selector = dep.selector.clone();
        selector
            .match_labels
            .insert(POD_TEMPLATE_HASH_LABEL, hash.as_str());
        let name: Name = format!("{}-{}", self.d.meta.name, hash).into();
        // A ReplicaSet of that name that is not ours (or has another template) is a hash
        // collision: bump collisionCount and retry (the Create's AlreadyExists path).
        if let Some(other) = self
            .namespace_rss
            .iter()
            .find(|r| r.meta.name == name)
            .cloned()
        {
            let ours = other
                .meta
                .controller_ref()
                .is_some_and(|c| c.uid == self.d.meta.uid);
            if !(ours && equal_ignore_hash(&dep.template, &rs_of(&other).template)) {
                let st = &mut dep_mut(&mut self.d).status;
                st.collision_count = Some(st.collision_count.unwrap_or(0) + 1);
                self.push_dep_write(true, None);
                self.plan.requeue_rate_limited = true;
                return None;
            }
        }
        let mut rs_obj = Object {
            meta: ObjectMeta {
                name: name.clone(),
                namespace: self.d.meta.namespace.clone(),
                creation_timestamp: now,
                labels: template.labels.clone(),
                owner_references: vec![OwnerReference {
                    api_version: "apps/v1".into(),
                    kind: "Deployment".into(),
                    name: self.d.meta.name.clone(),
                    uid: self.d.meta.uid,
                    controller: true,
                    block_owner_deletion: true,
                }],
                ..Default::default()
            },
            body: Body::ReplicaSet(ReplicaSet {
                replicas: 0,
                selector,
                template: Box::new(template),
                min_ready_seconds: dep.min_ready_seconds,
                status: Default::default(),
            }),
        };
        let mut all_refs = self.refs(olds);
        all_refs.push(&rs_obj);
        let count = new_rs_new_replicas(&dep, &all_refs, &rs_obj).unwrap_or(0);
        rs_mut(&mut rs_obj).replicas = count;
        set_new_replica_set_annotations(
            &self.d,
            &mut rs_obj,
            &new_revision,
            false,
            MAX_REV_HISTORY_LENGTH_IN_CHARS,
        );
        let events = if count > 0 {
            vec![event(
                "ScalingReplicaSet",
                format!("Scaled up replica set {name} from 0 to {count}"),
            )]
        } else {
            Vec::new()
        };
        self.plan.writes.push(Write {
            req: Request::Create {
                object: rs_obj.clone(),
            },
            events,
        });
        self.rss.push(rs_obj);
        let idx = self.rss.len() - 1;
        set_deployment_revision(&mut self.d.meta, &new_revision);
        if has_progress_deadline(self.dep()) {
            let c = new_condition(
                DEPLOYMENT_PROGRESSING,
                ConditionStatus::True,
                NEW_REPLICA_SET_REASON,
                format!("Created new replica set {:?}", name.as_str()),
                now,
            );
            set_condition(&mut dep_mut(&mut self.d).status, c);
        }
        self.update_status();
        Some(idx)
    }

    // -----------------------------------------------------------------------------------------
    // Scaling

    /// scaleReplicaSetAndRecordEvent.
    fn scale_and_record(&mut self, idx: usize, new_scale: i32) -> bool {
        if rs_of(&self.rss[idx]).replicas == new_scale {
            return false;
        }
        self.scale_replica_set(idx, new_scale)
    }

    /// scaleReplicaSet: writes the size and the replica annotations; true if the size changed.
    fn scale_replica_set(&mut self, idx: usize, new_scale: i32) -> bool {
        let dep = self.dep();
        let (desired, max) = (dep.replicas, dep.replicas + max_surge(dep));
        let rs = &self.rss[idx];
        let old = rs_of(rs).replicas;
        let size_needs_update = old != new_scale;
        if !size_needs_update && !replicas_annotations_need_update(&rs.meta, desired, max) {
            return false;
        }
        let rs = &mut self.rss[idx];
        rs_mut(rs).replicas = new_scale;
        set_replicas_annotations(&mut rs.meta, desired, max);
        let ev = size_needs_update.then(|| {
            let op = if old < new_scale { "up" } else { "down" };
            event(
                "ScalingReplicaSet",
                format!(
                    "Scaled {op} replica set {} from {old} to {new_scale}",
                    rs.meta.name
                ),
            )
        });
        self.push_rs_write(idx, ev);
        size_needs_update
    }

    /// scale (sync.go): resizes the active ReplicaSets when the Deployment is resized.
    pub fn scale(&mut self, new: Option<usize>, olds: &[usize]) {
        let dep = self.dep().clone();
        let active_or_latest = {
            let olds_refs = self.refs(olds);
            let new_ref = new.map(|i| &self.rss[i]);
            find_active_or_latest(new_ref, &olds_refs).map(|r| r.meta.name.clone())
        };
        if let Some(name) = active_or_latest {
            let idx = self.rss.iter().position(|r| r.meta.name == name).unwrap();
            if rs_of(&self.rss[idx]).replicas != dep.replicas {
                self.scale_and_record(idx, dep.replicas);
            }
            return;
        }
        if is_saturated(&dep, new.map(|i| &self.rss[i])) {
            for &i in olds {
                if rs_of(&self.rss[i]).replicas > 0 {
                    self.scale_and_record(i, 0);
                }
            }
            return;
        }
        if !is_rolling_update(&dep) {
            return;
        }
        let mut all: Vec<usize> = olds
            .iter()
            .copied()
            .chain(new)
            .filter(|i| rs_of(&self.rss[*i]).replicas > 0)
            .collect();
        let total = replica_count(&self.refs(&all));
        let allowed = if dep.replicas > 0 {
            dep.replicas + max_surge(&dep)
        } else {
            0
        };
        let to_add = allowed - total;
        if to_add > 0 {
            all.sort_by(|a, b| by_size_newer(&self.rss[*a], &self.rss[*b]));
        } else if to_add < 0 {
            all.sort_by(|a, b| by_size_older(&self.rss[*a], &self.rss[*b]));
        }
        let mut added = 0;
        let mut sizes = Vec::with_capacity(all.len());
        for &i in &all {
            let r = rs_of(&self.rss[i]).replicas;
            if to_add != 0 {
                let p = get_proportion(Some(&self.rss[i]), &dep, to_add, added);
                sizes.push(r + p);
                added += p;
            } else {
                sizes.push(r);
            }
        }
        for (n, &i) in all.iter().enumerate() {
            if n == 0 && to_add != 0 {
                sizes[0] = (sizes[0] + to_add - added).max(0);
            }
            self.scale_replica_set(i, sizes[n]);
        }
    }

    // -----------------------------------------------------------------------------------------
    // Rolling update (rolling.go)

    fn rollout_rolling(&mut self) {
        let (new, olds) = self.get_all_replica_sets_and_sync_revision(true);
        let Some(new) = new else {
            return;
        };
        let all: Vec<usize> = olds.iter().copied().chain(Some(new)).collect();
        if self.reconcile_new_replica_set(&all, new) {
            self.sync_rollout_status(&all, Some(new));
            return;
        }
        let active: Vec<usize> = olds
            .iter()
            .copied()
            .filter(|i| rs_of(&self.rss[*i]).replicas > 0)
            .collect();
        if self.reconcile_old_replica_sets(&all, &active, new) {
            self.sync_rollout_status(&all, Some(new));
            return;
        }
        if deployment_complete(&self.d.meta, self.dep(), &self.dep().status) {
            self.cleanup_deployment(&olds);
        }
        self.sync_rollout_status(&all, Some(new));
    }

    /// reconcileNewReplicaSet.
    pub fn reconcile_new_replica_set(&mut self, all: &[usize], new: usize) -> bool {
        let replicas = self.dep().replicas;
        let new_replicas = rs_of(&self.rss[new]).replicas;
        if new_replicas == replicas {
            return false;
        }
        if new_replicas > replicas {
            return self.scale_and_record(new, replicas);
        }
        let count = match new_rs_new_replicas(self.dep(), &self.refs(all), &self.rss[new]) {
            Ok(c) => c,
            Err(_) => return false,
        };
        self.scale_and_record(new, count)
    }

    /// reconcileOldReplicaSets.
    pub fn reconcile_old_replica_sets(
        &mut self,
        all: &[usize],
        olds: &[usize],
        new: usize,
    ) -> bool {
        let old_count = replica_count(&self.refs(olds));
        if old_count == 0 {
            return false;
        }
        let all_count = replica_count(&self.refs(all));
        let dep = self.dep();
        let min_available = dep.replicas - max_unavailable(dep);
        let new_rs = rs_of(&self.rss[new]);
        let new_unavailable = new_rs.replicas - new_rs.status.available_replicas;
        let max_scaled_down = all_count - min_available - new_unavailable;
        if max_scaled_down <= 0 {
            return false;
        }
        let mut olds = olds.to_vec();
        let cleanup = self.cleanup_unhealthy_replicas(&mut olds, max_scaled_down);
        let all: Vec<usize> = olds.iter().copied().chain(Some(new)).collect();
        let scaled = self.scale_down_old_replica_sets_for_rolling_update(&all, &mut olds);
        cleanup + scaled > 0
    }

    /// cleanupUnhealthyReplicas: scales down the old ReplicaSets' unavailable replicas first,
    /// oldest first, at most `max_cleanup`. Returns how many.
    pub fn cleanup_unhealthy_replicas(&mut self, olds: &mut [usize], max_cleanup: i32) -> i32 {
        olds.sort_by(|a, b| by_creation(&self.rss[*a], &self.rss[*b]));
        let mut total = 0;
        for &i in olds.iter() {
            if total >= max_cleanup {
                break;
            }
            let rs = rs_of(&self.rss[i]);
            if rs.replicas == 0 || rs.replicas == rs.status.available_replicas {
                continue;
            }
            let count = (max_cleanup - total).min(rs.replicas - rs.status.available_replicas);
            let new_count = rs.replicas - count;
            if new_count > rs.replicas {
                return total;
            }
            self.scale_and_record(i, new_count);
            total += count;
        }
        total
    }

    /// scaleDownOldReplicaSetsForRollingUpdate: scales old ReplicaSets down, oldest first, as
    /// far as availability allows. Returns how many.
    pub fn scale_down_old_replica_sets_for_rolling_update(
        &mut self,
        all: &[usize],
        olds: &mut [usize],
    ) -> i32 {
        let dep = self.dep();
        let min_available = dep.replicas - max_unavailable(dep);
        let available = available_replica_count(&self.refs(all));
        if available <= min_available {
            return 0;
        }
        olds.sort_by(|a, b| by_creation(&self.rss[*a], &self.rss[*b]));
        let want = available - min_available;
        let mut total = 0;
        for &i in olds.iter() {
            if total >= want {
                break;
            }
            let replicas = rs_of(&self.rss[i]).replicas;
            if replicas == 0 {
                continue;
            }
            let count = replicas.min(want - total);
            self.scale_and_record(i, replicas - count);
            total += count;
        }
        total
    }

    // -----------------------------------------------------------------------------------------
    // Recreate (recreate.go)

    fn rollout_recreate(&mut self) {
        let (mut new, mut olds) = self.get_all_replica_sets_and_sync_revision(false);
        let mut all: Vec<usize> = olds.iter().copied().chain(new).collect();
        let mut scaled_down = false;
        for &i in &olds {
            if rs_of(&self.rss[i]).replicas != 0 && self.scale_and_record(i, 0) {
                scaled_down = true;
            }
        }
        if scaled_down || self.old_pods_running(new, &olds) {
            self.sync_rollout_status(&all, new);
            return;
        }
        if new.is_none() {
            (new, olds) = self.get_all_replica_sets_and_sync_revision(true);
            all = olds.iter().copied().chain(new).collect();
        }
        if let Some(n) = new {
            let replicas = self.dep().replicas;
            self.scale_and_record(n, replicas);
        }
        if deployment_complete(&self.d.meta, self.dep(), &self.dep().status) {
            self.cleanup_deployment(&olds);
        }
        self.sync_rollout_status(&all, new);
    }

    /// oldPodsRunning: old ReplicaSets report pods, or a pod of one is not terminal.
    fn old_pods_running(&self, new: Option<usize>, olds: &[usize]) -> bool {
        if actual_replica_count(&self.refs(olds)) > 0 {
            return true;
        }
        let new_uid = new.map(|i| self.rss[i].meta.uid);
        self.pods.iter().any(|(uid, phase)| {
            Some(*uid) != new_uid && !matches!(phase, PodPhase::Failed | PodPhase::Succeeded)
        })
    }

    // -----------------------------------------------------------------------------------------
    // Rollback (rollback.go)

    fn rollback(&mut self) {
        let (new, olds) = self.get_all_replica_sets_and_sync_revision(true);
        let all: Vec<usize> = olds.iter().copied().chain(new).collect();
        let mut to = rollback_to(&self.d).unwrap_or(0);
        if to == 0 {
            to = last_revision(&self.refs(&all));
            if to == 0 {
                self.plan.events.push(event(
                    ROLLBACK_REVISION_NOT_FOUND,
                    "Unable to find last revision.".into(),
                ));
                self.update_deployment_and_clear_rollback_to(None);
                return;
            }
        }
        for &i in &all {
            if revision(&self.rss[i]) != Some(to) {
                continue;
            }
            let rs = self.rss[i].clone();
            if !equal_ignore_hash(&self.dep().template, &rs_of(&rs).template) {
                let mut template = (*rs_of(&rs).template).clone();
                template.labels.remove(POD_TEMPLATE_HASH_LABEL);
                *dep_mut(&mut self.d).template = template;
                set_deployment_annotations_to(&mut self.d.meta, &rs.meta);
                let msg = format!(
                    "Rolled back deployment {:?} to revision {to}",
                    self.d.meta.name.as_str()
                );
                self.update_deployment_and_clear_rollback_to(Some(event(ROLLBACK_DONE, msg)));
            } else {
                let msg = format!(
                    "The rollback revision contains the same template as current deployment {:?}",
                    self.d.meta.name.as_str()
                );
                self.plan
                    .events
                    .push(event(ROLLBACK_TEMPLATE_UNCHANGED, msg));
                self.update_deployment_and_clear_rollback_to(None);
            }
            return;
        }
        self.plan.events.push(event(
            ROLLBACK_REVISION_NOT_FOUND,
            "Unable to find the revision to rollback to.".into(),
        ));
        self.update_deployment_and_clear_rollback_to(None);
    }

    /// updateDeploymentAndClearRollbackTo.
    fn update_deployment_and_clear_rollback_to(&mut self, ev: Option<(&'static str, String)>) {
        self.d.meta.annotations.remove(DEPRECATED_ROLLBACK_TO);
        dep_mut(&mut self.d).rollback_to = None;
        self.push_dep_write(false, ev);
    }

    // -----------------------------------------------------------------------------------------
    // cleanupDeployment

    /// cleanupDeployment: deletes the oldest old ReplicaSets beyond revisionHistoryLimit that
    /// have no replicas left.
    pub fn cleanup_deployment(&mut self, olds: &[usize]) {
        let Some(limit) = self
            .dep()
            .revision_history_limit
            .filter(|_| has_revision_history_limit(self.dep()))
        else {
            return;
        };
        let mut cleanable: Vec<usize> = olds
            .iter()
            .copied()
            .filter(|i| self.rss[*i].meta.deletion_timestamp.is_none())
            .collect();
        let diff = cleanable.len() as i64 - i64::from(limit);
        if diff <= 0 {
            return;
        }
        cleanable.sort_by(|a, b| by_revision(&self.rss[*a], &self.rss[*b]));
        for &i in cleanable.iter().take(diff as usize) {
            let rs = &self.rss[i];
            let r = rs_of(rs);
            if r.status.replicas != 0
                || r.replicas != 0
                || rs.meta.generation > r.status.observed_generation
                || rs.meta.deletion_timestamp.is_some()
            {
                continue;
            }
            self.plan.writes.push(Write {
                req: Request::Delete {
                    kind: Kind::ReplicaSet,
                    namespace: rs.meta.namespace.clone(),
                    name: rs.meta.name.clone(),
                    options: DeleteOptions::default(),
                },
                events: Vec::new(),
            });
        }
    }

    // -----------------------------------------------------------------------------------------
    // Status (sync.go calculateStatus, progress.go)

    /// calculateStatus.
    pub fn calculate_status(&self, all: &[usize], new: Option<usize>) -> DeploymentStatus {
        let dep = self.dep();
        let refs = self.refs(all);
        let available = available_replica_count(&refs);
        let total = replica_count(&refs);
        let mut status = DeploymentStatus {
            observed_generation: self.d.meta.generation,
            replicas: actual_replica_count(&refs),
            updated_replicas: actual_replica_count(
                &self.refs(&new.into_iter().collect::<Vec<_>>()),
            ),
            ready_replicas: ready_replica_count(&refs),
            available_replicas: available,
            unavailable_replicas: (total - available).max(0),
            terminating_replicas: dep.status.terminating_replicas,
            conditions: dep.status.conditions.clone(),
            collision_count: dep.status.collision_count,
        };
        let c = if available >= dep.replicas - max_unavailable(dep) {
            new_condition(
                DEPLOYMENT_AVAILABLE,
                ConditionStatus::True,
                MINIMUM_REPLICAS_AVAILABLE,
                "Deployment has minimum availability.",
                self.now,
            )
        } else {
            new_condition(
                DEPLOYMENT_AVAILABLE,
                ConditionStatus::False,
                MINIMUM_REPLICAS_UNAVAILABLE,
                "Deployment does not have minimum availability.",
                self.now,
            )
        };
        set_condition(&mut status, c);
        status
    }

    /// syncDeploymentStatus.
    fn sync_deployment_status(&mut self, all: &[usize], new: Option<usize>) {
        let status = self.calculate_status(all, new);
        if status == self.dep().status && self.d.meta.annotations == self.original.meta.annotations
        {
            return;
        }
        dep_mut(&mut self.d).status = status;
        self.update_status();
    }

    /// syncRolloutStatus: the status plus the Progressing condition.
    pub fn sync_rollout_status(&mut self, all: &[usize], new: Option<usize>) {
        let now = self.now;
        let mut st = self.calculate_status(all, new);
        let dep = self.dep().clone();
        if !has_progress_deadline(&dep) {
            remove_condition(&mut st, DEPLOYMENT_PROGRESSING);
        }
        let current = get_condition(&dep.status, DEPLOYMENT_PROGRESSING).cloned();
        let complete_already = st.replicas == st.updated_replicas
            && current
                .as_ref()
                .is_some_and(|c| c.reason() == NEW_RS_AVAILABLE_REASON);
        let name = &self.d.meta.name;
        let what = |suffix: &str| match new {
            Some(i) => format!("ReplicaSet {:?} {suffix}", self.rss[i].meta.name.as_str()),
            None => format!("Deployment {:?} {suffix}", name.as_str()),
        };
        if has_progress_deadline(&dep) && !complete_already {
            if deployment_complete(&self.d.meta, &dep, &st) {
                let c = new_condition(
                    DEPLOYMENT_PROGRESSING,
                    ConditionStatus::True,
                    NEW_RS_AVAILABLE_REASON,
                    what("has successfully progressed."),
                    now,
                );
                set_condition(&mut st, c);
            } else if deployment_progressing(&dep, &st) {
                let mut c = new_condition(
                    DEPLOYMENT_PROGRESSING,
                    ConditionStatus::True,
                    REPLICA_SET_UPDATED_REASON,
                    what("is progressing."),
                    now,
                );
                if let Some(cur) = &current {
                    if cur.status == ConditionStatus::True {
                        c.last_transition_time = cur.last_transition_time;
                    }
                    remove_condition(&mut st, DEPLOYMENT_PROGRESSING);
                }
                set_condition(&mut st, c);
            } else if deployment_timed_out(&dep, &st, now) {
                let c = new_condition(
                    DEPLOYMENT_PROGRESSING,
                    ConditionStatus::False,
                    TIMED_OUT_REASON,
                    what("has timed out progressing."),
                    now,
                );
                set_condition(&mut st, c);
            }
        }
        // getReplicaFailures: the first ReplicaFailure condition of the new, then old, sets.
        let failure = new.into_iter().chain(all.iter().copied()).find_map(|i| {
            rs_of(&self.rss[i])
                .status
                .conditions
                .iter()
                .find(|c| {
                    c.type_ == DEPLOYMENT_REPLICA_FAILURE && c.status == ConditionStatus::True
                })
                .cloned()
        });
        match failure {
            Some(f) => {
                let c = new_condition(
                    DEPLOYMENT_REPLICA_FAILURE,
                    f.status,
                    f.reason(),
                    f.message(),
                    f.last_transition_time.unwrap_or(now),
                );
                set_condition(&mut st, c);
            }
            None => remove_condition(&mut st, DEPLOYMENT_REPLICA_FAILURE),
        }
        if st == dep.status {
            self.requeue_stuck_deployment(&st);
            if self.d.meta.annotations != self.original.meta.annotations {
                self.update_status();
            }
            return;
        }
        dep_mut(&mut self.d).status = st;
        self.update_status();
    }

    /// requeueStuckDeployment: check again once the progress deadline can have passed.
    fn requeue_stuck_deployment(&mut self, new_status: &DeploymentStatus) {
        let dep = self.dep();
        let Some(cur) = get_condition(&dep.status, DEPLOYMENT_PROGRESSING) else {
            return;
        };
        if !has_progress_deadline(dep)
            || deployment_complete(&self.d.meta, dep, new_status)
            || cur.reason() == TIMED_OUT_REASON
        {
            return;
        }
        let deadline = cur.last_update_time.unwrap_or(0)
            + dep.progress_deadline_seconds.unwrap_or(0).max(0) as u64 * SECOND;
        let after = deadline.saturating_sub(self.now);
        if after < SECOND {
            self.plan.requeue_rate_limited = true;
        } else {
            self.plan.requeue_after = Some(after + SECOND);
        }
    }
}

/// getRollbackTo: extensions/v1beta1 `spec.rollbackTo`, or the annotation apps/v1 round-trips
/// it through (an unparsable one is ignored).
pub fn rollback_to(d: &Object) -> Option<i64> {
    if let Some(r) = dep_of(d).rollback_to {
        return Some(r);
    }
    d.meta
        .annotations
        .get(DEPRECATED_ROLLBACK_TO)
        .filter(|s| !s.is_empty())
        .and_then(|s| s.parse().ok())
}

#[cfg(test)]
#[path = "sync_tests.rs"]
mod tests;
