//! `kubectl rolling-update`: kubectl's legacy client-side update of a ReplicationController
//! as kubectl 1.5–1.11 ran it — the tutorials' era (pkg/kubectl/rolling_updater.go and
//! pkg/kubectl/cmd/rollingupdate.go; from 1.12 the one-name `-f` form also renamed the new
//! controller to the old name, and the command was removed after 1.17). kubectl itself
//! scales the new controller up and the old one down, one step per `--update-period`,
//! keeping every desired pod available (maxUnavailable 0, maxSurge 1), and waits for each
//! controller to reach its count between steps.
//!
//! The updater is a state machine the kubectl component drives: each call returns the next
//! thing kubectl does (send one request, sleep, finish), and the lines it printed.

use std::sync::Arc;

use crate::api::request::{DeleteOptions, Request, Response, Status};
use crate::api::selector::LabelSelector;
use crate::api::types::{Body, IntOrString, Kind, Name, Object, Pod};
use crate::controllers::controller_utils::is_pod_available;
use crate::controllers::deployment::util::resolve_fenceposts;
use crate::engine::{SimDuration, SimTime, MINUTE, SECOND};

// rolling_updater.go's annotations.
pub const SOURCE_ID_ANNOTATION: &str = "kubectl.kubernetes.io/update-source-id";
pub const DESIRED_REPLICAS_ANNOTATION: &str = "kubectl.kubernetes.io/desired-replicas";
pub const ORIGINAL_REPLICAS_ANNOTATION: &str = "kubectl.kubernetes.io/original-replicas";

/// rollingupdate.go's defaults: `--update-period`, `--poll-interval`, `--timeout`.
pub const DEFAULT_UPDATE_PERIOD: SimDuration = MINUTE;
pub const DEFAULT_POLL_INTERVAL: SimDuration = 3 * SECOND;
pub const DEFAULT_TIMEOUT: SimDuration = 5 * MINUTE;

/// How many attempts an update that conflicts gets, each after a fresh GET
/// (client-go RetryOnConflict with retry.DefaultBackoff: 4 steps).
const CONFLICT_ATTEMPTS: u32 = 4;

/// A parsed `kubectl rolling-update` command.
#[derive(Clone, Debug)]
pub struct RollingUpdateArgs {
    pub namespace: Name,
    pub old_name: Name,
    /// The second positional argument (the controller to roll back from, with `--rollback`).
    pub new_name: Option<Name>,
    /// The controller of `-f`, and the file's name (kubectl's messages quote it).
    pub new_rc: Option<Box<Object>>,
    pub filename: String,
    pub rollback: bool,
    pub update_period: SimDuration,
    pub poll_interval: SimDuration,
    pub timeout: SimDuration,
    /// The command always uses maxUnavailable 0 and maxSurge 1; the updater takes any
    /// (its upstream tests use percentages).
    pub max_unavailable: IntOrString,
    pub max_surge: IntOrString,
}

/// What kubectl does next. Short-lived (returned and acted on at once), so the request is
/// not boxed.
#[derive(Debug)]
#[allow(clippy::large_enum_variant)]
pub enum Next {
    Send(Request),
    Sleep(SimDuration),
    Done,
    Fail(String),
}

/// Which controller a scale-and-wait is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Which {
    Old,
    New,
}

#[derive(Debug)]
enum State {
    GetOld,
    GetNextForRollback,
    /// The ignored Update of AbortRollingUpdate.
    AbortUpdate,
    GetTarget,
    CreateTarget,
    /// Annotating the old controller with its original replica count (GET, then PUT).
    OriginalGet {
        tries: u32,
    },
    OriginalPut {
        tries: u32,
    },
    /// Scaling one controller, then polling it until its status has caught up.
    ScalePatch(Which),
    ScaleWaitGet {
        which: Which,
        deadline: SimTime,
    },
    ScaleWaitSleep {
        which: Which,
        deadline: SimTime,
    },
    /// `time.Sleep(config.UpdatePeriod)` between scaling up and scaling down.
    UpdatePeriod,
    ListOldPods,
    ListNewPods,
    CleanupGet {
        tries: u32,
    },
    CleanupPut {
        tries: u32,
    },
    CleanupWaitSleep {
        deadline: SimTime,
    },
    CleanupWaitGet {
        deadline: SimTime,
    },
    DeleteOld,
    FinalGet,
    Finished,
}

pub struct RollingUpdate {
    args: RollingUpdateArgs,
    state: State,
    output: Vec<String>,
    /// The controllers as kubectl last read them (after an abort, swapped).
    old: Option<Arc<Object>>,
    new: Option<Arc<Object>>,
    /// The controller named by `-f` or found for `--rollback`, before any swap: the run
    /// prints it at the end, as rollingupdate.go does with its local `newRc`.
    printed_name: Name,
    desired: i32,
    max_surge: i32,
    min_available: i32,
    /// Replica counts at the top of the current loop round, for progress tracking.
    round: (i32, i32),
    progress_deadline: SimTime,
    old_pods: Vec<Arc<Object>>,
    /// Set when `--rollback` swapped the controllers.
    swapped: bool,
}

impl RollingUpdate {
    pub fn new(args: RollingUpdateArgs) -> RollingUpdate {
        RollingUpdate {
            args,
            state: State::GetOld,
            output: Vec::new(),
            old: None,
            new: None,
            printed_name: Name::default(),
            desired: 0,
            max_surge: 0,
            min_available: 0,
            round: (0, 0),
            progress_deadline: 0,
            old_pods: Vec::new(),
            swapped: false,
        }
    }

    /// Lines printed since the last call.
    pub fn take_output(&mut self) -> Vec<String> {
        std::mem::take(&mut self.output)
    }

    /// The controllers this update touches (for interrupting it).
    pub fn controllers(&self) -> (Name, Name, Option<Name>) {
        (
            self.args.namespace.clone(),
            self.args.old_name.clone(),
            self.args
                .new_name
                .clone()
                .or_else(|| self.args.new_rc.as_ref().map(|o| o.meta.name.clone())),
        )
    }

    pub fn start(&mut self) -> Next {
        self.state = State::GetOld;
        self.get(&self.args.old_name.clone())
    }

    fn get(&self, name: &Name) -> Next {
        Next::Send(Request::Get {
            kind: Kind::ReplicationController,
            namespace: self.args.namespace.clone(),
            name: name.clone(),
        })
    }

    fn put(&self, object: Object) -> Next {
        Next::Send(Request::Update { object })
    }

    fn print(&mut self, line: String) {
        self.output.push(line);
    }

    /// The sleep timer fired.
    pub fn on_wake(&mut self, now: SimTime) -> Next {
        match std::mem::replace(&mut self.state, State::Finished) {
            State::UpdatePeriod => self.scale_down(now),
            State::ScaleWaitSleep { which, deadline } => {
                self.state = State::ScaleWaitGet { which, deadline };
                self.get(&self.name_of(which))
            }
            State::CleanupWaitSleep { deadline } => {
                self.state = State::CleanupWaitGet { deadline };
                self.get(&self.name_of(Which::New))
            }
            other => {
                self.state = other;
                Next::Fail("kubesim: rolling-update woke up in an unexpected state".into())
            }
        }
    }

    fn name_of(&self, which: Which) -> Name {
        let o = match which {
            Which::Old => &self.old,
            Which::New => &self.new,
        };
        o.as_ref().map(|o| o.meta.name.clone()).unwrap_or_default()
    }

    /// A reply to the request sent last.
    pub fn on_response(&mut self, now: SimTime, result: Result<Response, Status>) -> Next {
        let state = std::mem::replace(&mut self.state, State::Finished);
        match (state, result) {
            (State::GetOld, Ok(Response::Object(old))) => {
                self.old = Some(old);
                if self.args.rollback {
                    let name = self.args.new_name.clone().unwrap_or_default();
                    self.state = State::GetNextForRollback;
                    return self.get(&name);
                }
                let new = self
                    .args
                    .new_rc
                    .as_ref()
                    .map(|o| Arc::new((**o).clone()))
                    .expect("a rolling update without --rollback has -f");
                self.after_target_known(new)
            }
            (State::GetNextForRollback, Ok(Response::Object(next))) => {
                self.after_target_known(next)
            }
            (State::GetNextForRollback, Err(e)) if e.code == 404 => Next::Fail(format!(
                "error: Could not find {} to rollback.",
                self.args.new_name.clone().unwrap_or_default()
            )),
            (State::AbortUpdate, _) => {
                // rollingupdate.go ignores the result of this Update.
                self.get_target()
            }
            (State::GetTarget, Err(e)) if e.code == 404 => {
                let mut new = (**self.new.as_ref().expect("set")).clone();
                let replicas = rc_replicas(&new);
                if replicas <= 0 {
                    return Next::Fail(format!(
                        "error: Invalid controller spec for {}; required: > 0 replicas, actual: {replicas}",
                        new.meta.name
                    ));
                }
                new.meta
                    .annotations
                    .insert(DESIRED_REPLICAS_ANNOTATION, replicas.to_string());
                new.meta
                    .annotations
                    .insert(SOURCE_ID_ANNOTATION, self.source_id());
                set_rc_replicas(&mut new, 0);
                self.state = State::CreateTarget;
                Next::Send(Request::Create { object: new })
            }
            (State::GetTarget, Ok(Response::Object(existing))) => {
                let source = existing.meta.annotations.get(SOURCE_ID_ANNOTATION);
                if source != Some(self.source_id().as_str())
                    || !existing
                        .meta
                        .annotations
                        .contains_key(DESIRED_REPLICAS_ANNOTATION)
                {
                    return Next::Fail(format!(
                        "error: Missing/unexpected annotations for controller {}, expected {} : {}",
                        existing.meta.name,
                        self.source_id(),
                        go_map(&existing.meta.annotations)
                    ));
                }
                self.print(format!(
                    "Continuing update with existing controller {}.",
                    existing.meta.name
                ));
                self.new = Some(existing);
                self.after_target(now)
            }
            (State::CreateTarget, Ok(Response::Object(created))) => {
                self.print(format!("Created {}", created.meta.name));
                self.new = Some(created);
                self.after_target(now)
            }
            (State::OriginalGet { tries }, Ok(Response::Object(old))) => {
                let mut o = (*old).clone();
                let replicas = rc_replicas(&o);
                o.meta
                    .annotations
                    .insert(ORIGINAL_REPLICAS_ANNOTATION, replicas.to_string());
                self.state = State::OriginalPut { tries };
                self.put(o)
            }
            (State::OriginalPut { tries }, Err(e))
                if e.code == 409 && tries + 1 < CONFLICT_ATTEMPTS =>
            {
                self.state = State::OriginalGet { tries: tries + 1 };
                self.get(&self.name_of(Which::Old))
            }
            (State::OriginalPut { .. }, Ok(Response::Object(old))) => {
                self.old = Some(old);
                self.begin_loop(now)
            }
            (State::ScalePatch(which), Ok(Response::Object(_))) => {
                // ScaleCondition done; wait.PollImmediate for ControllerHasDesiredReplicas.
                self.state = State::ScaleWaitGet {
                    which,
                    deadline: now + self.args.timeout,
                };
                self.get(&self.name_of(which))
            }
            (State::ScaleWaitGet { which, deadline }, Ok(Response::Object(rc))) => {
                if !has_desired_replicas(&rc) {
                    if now >= deadline {
                        return Next::Fail("error: timed out waiting for the condition".into());
                    }
                    self.state = State::ScaleWaitSleep { which, deadline };
                    return Next::Sleep(self.args.poll_interval);
                }
                match which {
                    Which::New => {
                        self.new = Some(rc);
                        self.state = State::UpdatePeriod;
                        Next::Sleep(self.args.update_period.max(crate::engine::MILLISECOND))
                    }
                    Which::Old => {
                        self.old = Some(rc);
                        self.end_round(now)
                    }
                }
            }
            (State::ListOldPods, Ok(Response::List { items, .. })) => {
                self.old_pods = items;
                self.state = State::ListNewPods;
                self.list_pods(Which::New)
            }
            (State::ListNewPods, Ok(Response::List { items, .. })) => {
                let new_available = items
                    .iter()
                    .filter(|p| p.meta.deletion_timestamp.is_none())
                    .filter(|p| match &p.body {
                        Body::Pod(pod) => is_pod_available(pod as &Pod, 0, now),
                        _ => false,
                    })
                    .count() as i32;
                self.old_pods.clear();
                self.scale_down_with(now, new_available)
            }
            (State::CleanupGet { tries }, Ok(Response::Object(new))) => {
                let mut o = (*new).clone();
                o.meta.annotations.remove(SOURCE_ID_ANNOTATION);
                o.meta.annotations.remove(DESIRED_REPLICAS_ANNOTATION);
                self.state = State::CleanupPut { tries };
                self.put(o)
            }
            (State::CleanupPut { tries }, Err(e))
                if e.code == 409 && tries + 1 < CONFLICT_ATTEMPTS =>
            {
                self.state = State::CleanupGet { tries: tries + 1 };
                self.get(&self.name_of(Which::New))
            }
            (State::CleanupPut { .. }, Ok(Response::Object(new))) => {
                self.new = Some(new);
                // wait.Poll: the first check comes after one interval.
                self.state = State::CleanupWaitSleep {
                    deadline: now + self.args.timeout,
                };
                Next::Sleep(self.args.poll_interval)
            }
            (State::CleanupWaitGet { deadline }, Ok(Response::Object(rc))) => {
                if !has_desired_replicas(&rc) {
                    if now >= deadline {
                        return Next::Fail("error: timed out waiting for the condition".into());
                    }
                    self.state = State::CleanupWaitSleep { deadline };
                    return Next::Sleep(self.args.poll_interval);
                }
                self.new = Some(rc);
                // DeleteRollingUpdateCleanupPolicy (-f, and --rollback).
                let old = self.name_of(Which::Old);
                self.print(format!("Update succeeded. Deleting {old}"));
                self.state = State::DeleteOld;
                Next::Send(Request::Delete {
                    kind: Kind::ReplicationController,
                    namespace: self.args.namespace.clone(),
                    name: old,
                    // The client sends no options: the server's default applies.
                    options: DeleteOptions::default(),
                })
            }
            (State::DeleteOld, Ok(_)) => {
                self.state = State::FinalGet;
                self.get(&self.printed_name.clone())
            }
            (State::FinalGet, Ok(Response::Object(_))) => {
                // cmdutil.PrintSuccess with the command's first argument and the name of the
                // controller it was given (for --rollback, the one just deleted).
                self.print(format!(
                    "replicationcontroller \"{}\" rolling updated to \"{}\"",
                    self.args.old_name, self.printed_name
                ));
                Next::Done
            }
            (_, Err(e)) => Next::Fail(e.kubectl_message()),
            (state, Ok(_)) => Next::Fail(format!(
                "kubesim: rolling-update got an unexpected reply in state {state:?}"
            )),
        }
    }

    fn source_id(&self) -> String {
        let old = self.old.as_ref().expect("the old controller is known");
        format!("{}:{}", old.meta.name, old.meta.uid)
    }

    /// rollingupdate.go Run, once both controllers are known: its checks, then (for
    /// `--rollback`) AbortRollingUpdate, then Update.
    fn after_target_known(&mut self, new: Arc<Object>) -> Next {
        let old = self.old.clone().expect("set");
        self.printed_name = new.meta.name.clone();
        if old.meta.name == new.meta.name {
            return Next::Fail(format!(
                "error: {} cannot have the same name as the existing ReplicationController {}",
                self.args.filename, old.meta.name
            ));
        }
        let (Body::ReplicationController(o), Body::ReplicationController(n)) =
            (&old.body, &new.body)
        else {
            return Next::Fail(format!(
                "error: {} contains a {}, Kind={} not a ReplicationController",
                self.args.filename,
                new.kind().api_version(),
                new.kind().as_str()
            ));
        };
        // Every new pod must carry a selector value no old pod has.
        let has_label = o
            .selector
            .iter()
            .any(|(k, v)| n.selector.get(k).is_some_and(|nv| nv != v));
        if !has_label {
            return Next::Fail(format!(
                "error: {} must specify a matching key with non-equal value in Selector for {}",
                self.args.filename, old.meta.name
            ));
        }
        if !self.args.rollback {
            self.new = Some(new);
            return self.get_target();
        }
        // AbortRollingUpdate: swap the controllers; the original becomes the target again,
        // at the replica count it had before the update started.
        self.swapped = true;
        let Some(original) = old
            .meta
            .annotations
            .get(ORIGINAL_REPLICAS_ANNOTATION)
            .map(str::to_string)
        else {
            return Next::Fail(format!(
                "error: couldn't find original replica count of {:?}",
                old.meta.name.as_str()
            ));
        };
        let mut target = (*old).clone();
        target.meta.annotations.insert(
            SOURCE_ID_ANNOTATION,
            format!("{}:{}", new.meta.name, new.meta.uid),
        );
        self.print(format!(
            "Setting {:?} replicas to {original}",
            target.meta.name.as_str()
        ));
        target
            .meta
            .annotations
            .insert(DESIRED_REPLICAS_ANNOTATION, original);
        self.old = Some(new);
        self.new = Some(Arc::new(target.clone()));
        self.state = State::AbortUpdate;
        self.put(target)
    }

    fn get_target(&mut self) -> Next {
        self.state = State::GetTarget;
        self.get(&self.name_of(Which::New))
    }

    /// RollingUpdater.Update after getOrCreateTargetController.
    fn after_target(&mut self, now: SimTime) -> Next {
        let new = self.new.clone().expect("set");
        let Some(desired) = new
            .meta
            .annotations
            .get(DESIRED_REPLICAS_ANNOTATION)
            .and_then(|v| v.parse::<i32>().ok())
        else {
            return Next::Fail(format!(
                "error: Unable to parse annotation for {}: {DESIRED_REPLICAS_ANNOTATION}={}",
                new.meta.name,
                new.meta
                    .annotations
                    .get(DESIRED_REPLICAS_ANNOTATION)
                    .unwrap_or_default()
            ));
        };
        self.desired = desired;
        let old = self.old.clone().expect("set");
        if !old
            .meta
            .annotations
            .contains_key(ORIGINAL_REPLICAS_ANNOTATION)
        {
            self.state = State::OriginalGet { tries: 0 };
            return self.get(&old.meta.name);
        }
        self.begin_loop(now)
    }

    fn begin_loop(&mut self, now: SimTime) -> Next {
        let old_replicas = rc_replicas(self.old.as_ref().expect("set"));
        let new_replicas = rc_replicas(self.new.as_ref().expect("set"));
        let (max_surge, max_unavailable) = match resolve_fenceposts(
            Some(&self.args.max_surge),
            Some(&self.args.max_unavailable),
            self.desired,
        ) {
            Ok(v) => v,
            Err(e) => return Next::Fail(format!("error: {e}")),
        };
        if self.desired > 0 && max_unavailable == 0 && max_surge == 0 {
            return Next::Fail("error: one of maxSurge or maxUnavailable must be specified".into());
        }
        self.max_surge = max_surge;
        self.min_available = (self.desired - max_unavailable).max(0);
        if self.desired == 0 {
            self.min_available = 0;
        }
        self.print(format!(
            "Scaling up {} from {new_replicas} to {}, scaling down {} from {old_replicas} to 0 (keep {} pods available, don't exceed {} pods)",
            self.name_of(Which::New),
            self.desired,
            self.name_of(Which::Old),
            self.min_available,
            self.desired.saturating_add(self.max_surge)
        ));
        self.progress_deadline = now + self.args.timeout;
        self.loop_top(now)
    }

    /// The top of Update's loop: done, or scale up as far as the surge allows.
    fn loop_top(&mut self, now: SimTime) -> Next {
        let old_replicas = rc_replicas(self.old.as_ref().expect("set"));
        let new_replicas = rc_replicas(self.new.as_ref().expect("set"));
        if new_replicas == self.desired && old_replicas == 0 {
            self.state = State::CleanupGet { tries: 0 };
            return self.get(&self.name_of(Which::New));
        }
        self.round = (new_replicas, old_replicas);
        // scaleUp.
        if new_replicas != self.desired {
            let mut increment = self
                .desired
                .saturating_add(self.max_surge)
                .saturating_sub(old_replicas.saturating_add(new_replicas));
            if old_replicas == 0 {
                increment = self.desired - new_replicas;
            }
            if increment > 0 {
                let target = new_replicas.saturating_add(increment).min(self.desired);
                self.print(format!(
                    "Scaling {} up to {target}",
                    self.name_of(Which::New)
                ));
                return self.scale(Which::New, target);
            }
        }
        let _ = now;
        self.state = State::UpdatePeriod;
        // kubectl sleeps in wall time; in virtual time a round must take some time, or a
        // round with nothing to send (`--update-period=0`) would never reach the deadline.
        Next::Sleep(self.args.update_period.max(crate::engine::MILLISECOND))
    }

    fn scale(&mut self, which: Which, replicas: i32) -> Next {
        self.state = State::ScalePatch(which);
        Next::Send(Request::Patch {
            kind: Kind::ReplicationController,
            namespace: self.args.namespace.clone(),
            name: self.name_of(which),
            patch: serde_json::json!({"spec": {"replicas": replicas}}),
            status: false,
            strategic: false,
        })
    }

    fn list_pods(&self, which: Which) -> Next {
        let rc = match which {
            Which::Old => self.old.as_ref(),
            Which::New => self.new.as_ref(),
        }
        .expect("set");
        let selector = match &rc.body {
            Body::ReplicationController(r) => r.selector.clone(),
            _ => Default::default(),
        };
        Next::Send(Request::List {
            kind: Kind::Pod,
            namespace: Some(self.args.namespace.clone()),
            label_selector: Some(LabelSelector::from_match_labels(selector)),
            field_selector: None,
        })
    }

    /// scaleDown: the old controller, if it has pods left, reads both controllers' pods.
    fn scale_down(&mut self, now: SimTime) -> Next {
        if rc_replicas(self.old.as_ref().expect("set")) == 0 {
            return self.end_round(now);
        }
        self.state = State::ListOldPods;
        self.list_pods(Which::Old)
    }

    fn scale_down_with(&mut self, now: SimTime, new_available: i32) -> Next {
        let old_replicas = rc_replicas(self.old.as_ref().expect("set"));
        let new_replicas = rc_replicas(self.new.as_ref().expect("set"));
        // Keep minAvailable, counting the old controller's pods as available.
        let all_pods = old_replicas.saturating_add(new_replicas);
        let new_unavailable = new_replicas - new_available;
        let decrement = all_pods
            .saturating_sub(self.min_available)
            .saturating_sub(new_unavailable);
        if decrement <= 0 {
            return self.end_round(now);
        }
        let mut target = (old_replicas - decrement).max(0);
        if new_replicas == self.desired && new_available == self.desired {
            target = 0;
        }
        self.print(format!(
            "Scaling {} down to {target}",
            self.name_of(Which::Old)
        ));
        self.scale(Which::Old, target)
    }

    /// The end of a loop round: progress resets the deadline; none for `--timeout` fails.
    fn end_round(&mut self, now: SimTime) -> Next {
        let old_replicas = rc_replicas(self.old.as_ref().expect("set"));
        let new_replicas = rc_replicas(self.new.as_ref().expect("set"));
        if (new_replicas, old_replicas) != self.round {
            self.progress_deadline = now + self.args.timeout;
        } else if now > self.progress_deadline {
            return Next::Fail(
                "error: timed out waiting for any update progress to be made".into(),
            );
        }
        self.loop_top(now)
    }
}

fn rc_replicas(o: &Object) -> i32 {
    match &o.body {
        Body::ReplicationController(rc) => rc.replicas,
        _ => 0,
    }
}

fn set_rc_replicas(o: &mut Object, replicas: i32) {
    if let Body::ReplicationController(rc) = &mut o.body {
        rc.replicas = replicas;
    }
}

/// ControllerHasDesiredReplicas (pkg/kubectl/scale.go): the controller has observed its
/// latest spec and has that many pods.
fn has_desired_replicas(o: &Object) -> bool {
    match &o.body {
        Body::ReplicationController(rc) => {
            rc.status.observed_generation >= o.meta.generation && rc.status.replicas == rc.replicas
        }
        _ => false,
    }
}

/// A map printed as Go's fmt prints one: `map[a:b c:d]`.
fn go_map(m: &crate::api::types::StringMap) -> String {
    let items: Vec<String> = m.iter().map(|(k, v)| format!("{k}:{v}")).collect();
    format!("map[{}]", items.join(" "))
}

#[cfg(test)]
#[path = "rolling_update_tests.rs"]
mod tests;
