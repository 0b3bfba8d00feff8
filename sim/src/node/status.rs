//! The kubelet's derivation of a pod's phase and of the pod conditions it owns, from the
//! container statuses, as pure functions. Mirrors `getPhase` in pkg/kubelet/kubelet_pods.go
//! and pkg/kubelet/status/generate.go.
//!
//! The kubelet assembles a status roughly as upstream's `generateAPIPodStatus` does: the phase
//! from [`pod_phase`], then the conditions in upstream's order —
//! [`pod_ready_to_start_containers_condition`], [`pod_initialized_condition`],
//! [`pod_ready_condition`], [`containers_ready_condition`] and `PodScheduled=True` — and
//! finally [`merge_condition_times`] against the previous status. The generators leave times
//! unset; only the merge stamps them.
//!
//! Container statuses come in two lists, as in the API (`status.initContainerStatuses` and
//! `status.containerStatuses`); upstream passes one concatenated list and looks containers up
//! by name, which is the same since names are unique across a pod's containers. Upstream also
//! tells a nil status list ("unknown", reason `UnknownContainerStatuses`) from an empty one;
//! the kubelet always reports a status for every container, so kubesim does not.

use crate::api::types::{
    find_condition, Condition, ConditionStatus, Container, ContainerState, ContainerStatus, Name,
    PodPhase, PodSpec, RestartPolicy,
};
use crate::engine::SimTime;

/// Pod condition types (core/v1 `PodConditionType`).
pub const POD_SCHEDULED: &str = "PodScheduled";
pub const POD_READY_TO_START_CONTAINERS: &str = "PodReadyToStartContainers";
pub const POD_INITIALIZED: &str = "Initialized";
pub const POD_READY: &str = "Ready";
pub const CONTAINERS_READY: &str = "ContainersReady";

/// Condition reasons (pkg/kubelet/status/generate.go).
/// All containers (or init containers) are known and have succeeded.
pub const REASON_POD_COMPLETED: &str = "PodCompleted";
/// The pod has failed, so its containers have too.
pub const REASON_POD_FAILED: &str = "PodFailed";
/// One or more containers are not ready.
pub const REASON_CONTAINERS_NOT_READY: &str = "ContainersNotReady";
/// One or more init containers have not succeeded (or, for sidecars, started).
pub const REASON_CONTAINERS_NOT_INITIALIZED: &str = "ContainersNotInitialized";

/// Whether an init container is a sidecar: `restartPolicy: Always` on an init container
/// (podutil.IsRestartableInitContainer).
pub fn is_restartable_init_container(c: &Container) -> bool {
    c.restart_policy == Some(RestartPolicy::Always)
}

/// The first status named `name` (podutil.GetContainerStatus).
fn find_status<'a>(statuses: &'a [ContainerStatus], name: &str) -> Option<&'a ContainerStatus> {
    statuses.iter().find(|s| s.name == name)
}

/// The exit code of the container's previous run, if it has terminated before
/// (`lastTerminationState.terminated`).
fn last_termination_exit_code(s: &ContainerStatus) -> Option<i32> {
    match s.last_state.as_deref() {
        Some(ContainerState::Terminated { exit_code, .. }) => Some(*exit_code),
        _ => None,
    }
}

/// Whether any regular container has run, by the API statuses: one is running or has
/// terminated (kubecontainer.HasAnyRegularContainerStarted). Upstream's `getPhase` is given
/// the stricter HasAnyActiveRegularContainerStarted, which asks the runtime about the current
/// sandbox only; a kubelet that knows its sandbox should pass that instead.
pub fn has_any_regular_container_started(spec: &PodSpec, statuses: &[ContainerStatus]) -> bool {
    statuses.iter().any(|s| {
        spec.containers.iter().any(|c| c.name == s.name)
            && matches!(
                s.state,
                ContainerState::Running { .. } | ContainerState::Terminated { .. }
            )
    })
}

/// The phase of a pod given its container statuses (kubelet_pods.go `getPhase`).
///
/// `pod_is_terminal`: the kubelet has decided the pod is finished (deleted, evicted, past its
/// active deadline), so its stopped containers will not be restarted whatever the restart
/// policy. `pod_has_initialized`: a regular container has started in the current sandbox, so
/// a restarting sidecar does not put the pod back to Pending.
///
/// Written as upstream with the ContainerRestartRules gate off; with it on the result is the
/// same, since kubesim models no per-container restart policy on regular containers.
/// Upstream exempts static pods from the terminal phases; kubesim has no static pods.
pub fn pod_phase(
    spec: &PodSpec,
    init_statuses: &[ContainerStatus],
    statuses: &[ContainerStatus],
    pod_is_terminal: bool,
    pod_has_initialized: bool,
) -> PodPhase {
    let init_containers = &spec.rare.init_containers;
    let mut pending_restartable_init = 0;
    let mut pending_regular_init = 0;
    let mut failed_initialization = 0;

    // Regular init containers.
    for c in init_containers
        .iter()
        .filter(|c| !is_restartable_init_container(c))
    {
        let Some(s) = find_status(init_statuses, &c.name) else {
            pending_regular_init += 1;
            continue;
        };
        match &s.state {
            ContainerState::Running { .. } => pending_regular_init += 1,
            ContainerState::Terminated { exit_code, .. } => {
                if *exit_code != 0 {
                    failed_initialization += 1;
                }
            }
            ContainerState::Waiting { .. } => match last_termination_exit_code(s) {
                Some(0) => {}
                Some(_) => failed_initialization += 1,
                None => pending_regular_init += 1,
            },
        }
    }

    // Counters over sidecars and regular containers.
    let mut unknown = 0;
    let mut running = 0;
    let mut waiting = 0;
    let mut stopped = 0;
    let mut succeeded = 0;

    // Sidecars: a terminated one, or one waiting to restart, does not count towards the phase.
    for c in init_containers
        .iter()
        .filter(|c| is_restartable_init_container(c))
    {
        let Some(s) = find_status(init_statuses, &c.name) else {
            unknown += 1;
            continue;
        };
        match &s.state {
            ContainerState::Running { .. } => {
                if s.started != Some(true) {
                    pending_restartable_init += 1;
                }
                running += 1;
            }
            ContainerState::Terminated { .. } => {}
            ContainerState::Waiting { .. } => {
                if last_termination_exit_code(s).is_none() {
                    pending_restartable_init += 1;
                    waiting += 1;
                }
            }
        }
    }

    for c in &spec.containers {
        let Some(s) = find_status(statuses, &c.name) else {
            unknown += 1;
            continue;
        };
        match &s.state {
            ContainerState::Running { .. } => running += 1,
            ContainerState::Terminated { exit_code, .. } => {
                stopped += 1;
                if *exit_code == 0 {
                    succeeded += 1;
                }
            }
            ContainerState::Waiting { .. } => {
                // Waiting after a previous run: crash-looping, stopped for the phase.
                if last_termination_exit_code(s).is_some() {
                    stopped += 1;
                } else {
                    waiting += 1;
                }
            }
        }
    }

    if failed_initialization > 0 && spec.restart_policy == RestartPolicy::Never {
        return PodPhase::Failed;
    }

    if pending_regular_init > 0
        // A pod that has initialized stays out of Pending while its sidecars restart.
        || (pending_restartable_init > 0 && !pod_has_initialized)
        || waiting > 0
    {
        // One or more containers has not been started.
        PodPhase::Pending
    } else if running > 0 && unknown == 0 {
        // All containers have been started, and at least one is running.
        PodPhase::Running
    } else if running == 0 && stopped > 0 && unknown == 0 {
        if pod_is_terminal {
            // Its containers will not be restarted regardless of the restart policy.
            return if stopped == succeeded {
                PodPhase::Succeeded
            } else {
                PodPhase::Failed
            };
        }
        match spec.restart_policy {
            // All containers are in the process of restarting.
            RestartPolicy::Always => PodPhase::Running,
            _ if stopped == succeeded => PodPhase::Succeeded,
            RestartPolicy::Never => PodPhase::Failed,
            // OnFailure, at least one failed and is restarting.
            RestartPolicy::OnFailure => PodPhase::Running,
        }
    } else {
        PodPhase::Pending
    }
}

/// Go's `%s` of a `[]string`: `[a b]`.
fn go_list(names: &[&str]) -> String {
    format!("[{}]", names.join(" "))
}

/// Joins the "unknown" and "unready"/"incomplete" messages as upstream does.
fn not_ready_message(unknown: &[&str], not_ready: &[&str], not_ready_word: &str) -> String {
    let mut parts = Vec::with_capacity(2);
    if !unknown.is_empty() {
        parts.push(format!(
            "containers with unknown status: {}",
            go_list(unknown)
        ));
    }
    if !not_ready.is_empty() {
        parts.push(format!(
            "containers with {not_ready_word} status: {}",
            go_list(not_ready)
        ));
    }
    parts.join(", ")
}

/// The `ContainersReady` condition: True when every regular container and every sidecar is
/// ready (generate.go GenerateContainersReadyCondition).
pub fn containers_ready_condition(
    spec: &PodSpec,
    init_statuses: &[ContainerStatus],
    statuses: &[ContainerStatus],
    phase: PodPhase,
) -> Condition {
    let mut unknown: Vec<&str> = Vec::new();
    let mut unready: Vec<&str> = Vec::new();
    let sidecars = spec
        .rare
        .init_containers
        .iter()
        .filter(|c| is_restartable_init_container(c))
        .map(|c| (c, init_statuses));
    let regular = spec.containers.iter().map(|c| (c, statuses));
    for (c, list) in sidecars.chain(regular) {
        match find_status(list, &c.name) {
            Some(s) if !s.ready => unready.push(&c.name),
            Some(_) => {}
            None => unknown.push(&c.name),
        }
    }
    let condition = |status| Condition::new(Name::new_static(CONTAINERS_READY), status);
    // All containers known and succeeded; or failed, and perhaps still terminating.
    if phase == PodPhase::Succeeded && unknown.is_empty() {
        return condition(ConditionStatus::False).with_reason(REASON_POD_COMPLETED, "");
    }
    if phase == PodPhase::Failed {
        return condition(ConditionStatus::False).with_reason(REASON_POD_FAILED, "");
    }
    let message = not_ready_message(&unknown, &unready, "unready");
    if !message.is_empty() {
        return condition(ConditionStatus::False).with_reason(REASON_CONTAINERS_NOT_READY, message);
    }
    condition(ConditionStatus::True)
}

/// The `Ready` condition: `ContainersReady` under another name (generate.go
/// GeneratePodReadyCondition). Readiness gates, which would also need their conditions True,
/// are not modelled.
pub fn pod_ready_condition(
    spec: &PodSpec,
    init_statuses: &[ContainerStatus],
    statuses: &[ContainerStatus],
    phase: PodPhase,
) -> Condition {
    let mut c = containers_ready_condition(spec, init_statuses, statuses, phase);
    c.type_ = Name::new_static(POD_READY);
    c
}

/// Whether an init container counts as done for `Initialized`: a sidecar once started, a
/// regular init container once ready, which the kubelet reports for one that exited 0
/// (generate.go isInitContainerInitialized).
fn is_init_container_initialized(c: &Container, s: &ContainerStatus) -> bool {
    if is_restartable_init_container(c) {
        s.started == Some(true)
    } else {
        s.ready
    }
}

/// The `Initialized` condition: True once every init container has completed (a sidecar:
/// started), or once any regular container has run (generate.go
/// GeneratePodInitializedCondition).
pub fn pod_initialized_condition(
    spec: &PodSpec,
    init_statuses: &[ContainerStatus],
    statuses: &[ContainerStatus],
    phase: PodPhase,
) -> Condition {
    let mut unknown: Vec<&str> = Vec::new();
    let mut incomplete: Vec<&str> = Vec::new();
    for c in spec.rare.init_containers.iter() {
        match find_status(init_statuses, &c.name) {
            None => unknown.push(&c.name),
            Some(s) if !is_init_container_initialized(c, s) => incomplete.push(&c.name),
            Some(_) => {}
        }
    }
    let condition = |status| Condition::new(Name::new_static(POD_INITIALIZED), status);
    if phase == PodPhase::Succeeded && unknown.is_empty() {
        return condition(ConditionStatus::True).with_reason(REASON_POD_COMPLETED, "");
    }
    // A regular container has started, so the pod was initialized before: its sidecars may
    // be restarting.
    if has_any_regular_container_started(spec, statuses) {
        return condition(ConditionStatus::True);
    }
    let message = not_ready_message(&unknown, &incomplete, "incomplete");
    if !message.is_empty() {
        return condition(ConditionStatus::False)
            .with_reason(REASON_CONTAINERS_NOT_INITIALIZED, message);
    }
    condition(ConditionStatus::True)
}

/// The `PodReadyToStartContainers` condition: True once the pod's sandbox exists with its
/// network configured (generate.go GeneratePodReadyToStartContainersCondition, where it is
/// "no new sandbox needed"). Newer upstream versions add a `PodSandboxNotReady` reason and a
/// message to the False form; kubesim leaves them empty.
pub fn pod_ready_to_start_containers_condition(sandbox_ready: bool) -> Condition {
    let status = if sandbox_ready {
        ConditionStatus::True
    } else {
        ConditionStatus::False
    };
    Condition::new(Name::new_static(POD_READY_TO_START_CONTAINERS), status)
}

/// Stamps `lastTransitionTime` on freshly generated conditions: a condition whose status is
/// unchanged from `old` keeps its previous time, a new or changed one gets `now`
/// (pkg/kubelet/status/status_manager.go updateLastTransitionTime). Upstream copies an
/// unchanged condition's time even when it was never set; here an unset one gets `now`, so
/// that every kubelet-owned condition carries a time.
pub fn merge_condition_times(old: &[Condition], new: &mut [Condition], now: SimTime) {
    for c in new.iter_mut() {
        c.last_transition_time = match find_condition(old, &c.type_) {
            Some(prev) if prev.status == c.status => prev.last_transition_time.or(Some(now)),
            _ => Some(now),
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // -----------------------------------------------------------------------------------------
    // Container statuses, named as the helpers of pkg/kubelet/kubelet_pods_test.go.

    fn status(name: &str, state: ContainerState) -> ContainerStatus {
        ContainerStatus {
            name: name.into(),
            image: Name::default(),
            ready: false,
            started: None,
            restart_count: 0,
            state,
            last_state: None,
        }
    }
    fn waiting_state(name: &str) -> ContainerStatus {
        status(
            name,
            ContainerState::Waiting {
                reason: Name::default(),
                message: Name::default(),
            },
        )
    }
    fn terminated(exit_code: i32) -> ContainerState {
        ContainerState::Terminated {
            exit_code,
            reason: Name::default(),
            message: Name::default(),
            started_at: None,
            finished_at: 0,
        }
    }
    fn waiting_state_with_last_termination(name: &str) -> ContainerStatus {
        ContainerStatus {
            last_state: Some(Box::new(terminated(0))),
            ..waiting_state(name)
        }
    }
    fn waiting_state_with_non_zero_termination(name: &str) -> ContainerStatus {
        ContainerStatus {
            last_state: Some(Box::new(terminated(-1))),
            ..waiting_state(name)
        }
    }
    fn running_state(name: &str) -> ContainerStatus {
        status(name, ContainerState::Running { started_at: 0 })
    }
    fn started_state(name: &str) -> ContainerStatus {
        ContainerStatus {
            started: Some(true),
            ..running_state(name)
        }
    }
    /// Upstream's stoppedState: terminated with the zero exit code.
    fn stopped_state(name: &str) -> ContainerStatus {
        status(name, terminated(0))
    }
    fn succeeded_state(name: &str) -> ContainerStatus {
        status(name, terminated(0))
    }
    fn failed_state(name: &str) -> ContainerStatus {
        status(name, terminated(-1))
    }

    /// A pod spec with init containers (name, is a sidecar) and regular containers.
    fn spec(init: &[(&str, bool)], containers: &[&str], policy: RestartPolicy) -> PodSpec {
        let mut spec = PodSpec {
            node_name: "machine".into(),
            containers: containers
                .iter()
                .map(|n| Container::new(*n, "busybox:1.36"))
                .collect(),
            restart_policy: policy,
            ..Default::default()
        };
        for (name, sidecar) in init {
            let mut c = Container::new(*name, "busybox:1.36");
            if *sidecar {
                c.restart_policy = Some(RestartPolicy::Always);
            }
            spec.rare.init_containers.push(c);
        }
        spec
    }

    /// One case of a `TestPodPhaseWith*` table.
    struct PhaseCase {
        name: &'static str,
        init: Vec<ContainerStatus>,
        regular: Vec<ContainerStatus>,
        pod_is_terminal: bool,
        pod_has_initialized: bool,
        want: PodPhase,
    }

    fn case(
        name: &'static str,
        init: Vec<ContainerStatus>,
        regular: Vec<ContainerStatus>,
        want: PodPhase,
    ) -> PhaseCase {
        PhaseCase {
            name,
            init,
            regular,
            pod_is_terminal: false,
            pod_has_initialized: false,
            want,
        }
    }

    impl PhaseCase {
        fn terminal(mut self) -> Self {
            self.pod_is_terminal = true;
            self
        }
        fn initialized(mut self) -> Self {
            self.pod_has_initialized = true;
            self
        }
    }

    fn check_phases(test: &str, spec: &PodSpec, cases: Vec<PhaseCase>) {
        for c in cases {
            let got = pod_phase(
                spec,
                &c.init,
                &c.regular,
                c.pod_is_terminal,
                c.pod_has_initialized,
            );
            assert_eq!(got, c.want, "{test}: [test {}]", c.name);
        }
    }

    use PodPhase::{Failed, Pending, Running, Succeeded};

    /// kubelet_pods_test.go TestPodPhaseWithRestartAlways.
    #[test]
    fn pod_phase_with_restart_always() {
        let spec = spec(&[], &["containerA", "containerB"], RestartPolicy::Always);
        let (a, b) = ("containerA", "containerB");
        check_phases(
            "TestPodPhaseWithRestartAlways",
            &spec,
            vec![
                case("waiting", vec![], vec![], Pending),
                case(
                    "all running",
                    vec![],
                    vec![running_state(a), running_state(b)],
                    Running,
                ),
                case(
                    "all stopped with restart always",
                    vec![],
                    vec![stopped_state(a), stopped_state(b)],
                    Running,
                ),
                case(
                    "all succeeded with restart always, but the pod is terminal",
                    vec![],
                    vec![succeeded_state(a), succeeded_state(b)],
                    Succeeded,
                )
                .terminal(),
                case(
                    "all stopped with restart always, but the pod is terminal",
                    vec![],
                    vec![succeeded_state(a), failed_state(b)],
                    Failed,
                )
                .terminal(),
                case(
                    "mixed state #1 with restart always",
                    vec![],
                    vec![running_state(a), stopped_state(b)],
                    Running,
                ),
                case(
                    "mixed state #2 with restart always",
                    vec![],
                    vec![running_state(a)],
                    Pending,
                ),
                case(
                    "mixed state #3 with restart always",
                    vec![],
                    vec![running_state(a), waiting_state(b)],
                    Pending,
                ),
                case(
                    "backoff crashloop container with restart always",
                    vec![],
                    vec![running_state(a), waiting_state_with_last_termination(b)],
                    Running,
                ),
            ],
        );
    }

    /// kubelet_pods_test.go TestPodPhaseWithRestartAlwaysInitContainers.
    #[test]
    fn pod_phase_with_restart_always_init_containers() {
        let spec = spec(
            &[("containerX", false)],
            &["containerA", "containerB"],
            RestartPolicy::Always,
        );
        let (x, a, b) = ("containerX", "containerA", "containerB");
        check_phases(
            "TestPodPhaseWithRestartAlwaysInitContainers",
            &spec,
            vec![
                case("empty, waiting", vec![], vec![], Pending),
                case(
                    "init container running",
                    vec![running_state(x)],
                    vec![],
                    Pending,
                ),
                case(
                    "init container terminated non-zero",
                    vec![failed_state(x)],
                    vec![],
                    Pending,
                ),
                case(
                    "init container waiting, terminated zero",
                    vec![waiting_state_with_last_termination(x)],
                    vec![],
                    Pending,
                ),
                case(
                    "init container waiting, terminated non-zero",
                    vec![waiting_state_with_non_zero_termination(x)],
                    vec![],
                    Pending,
                ),
                case(
                    "init container waiting, not terminated",
                    vec![waiting_state(x)],
                    vec![],
                    Pending,
                ),
                case(
                    "init container succeeded",
                    vec![succeeded_state(x)],
                    vec![running_state(a), running_state(b)],
                    Running,
                ),
            ],
        );
    }

    /// kubelet_pods_test.go TestPodPhaseWithRestartAlwaysRestartableInitContainers.
    #[test]
    fn pod_phase_with_restart_always_restartable_init_containers() {
        let spec = spec(
            &[("containerX", true)],
            &["containerA", "containerB"],
            RestartPolicy::Always,
        );
        let (x, a, b) = ("containerX", "containerA", "containerB");
        check_phases(
            "TestPodPhaseWithRestartAlwaysRestartableInitContainers",
            &spec,
            vec![
                case("empty, waiting", vec![], vec![], Pending),
                case(
                    "restartable init container running",
                    vec![running_state(x)],
                    vec![],
                    Pending,
                ),
                case(
                    "restartable init container stopped",
                    vec![stopped_state(x)],
                    vec![],
                    Pending,
                ),
                case(
                    "restartable init container waiting, terminated zero",
                    vec![waiting_state_with_last_termination(x)],
                    vec![],
                    Pending,
                ),
                case(
                    "restartable init container waiting, terminated non-zero",
                    vec![waiting_state_with_non_zero_termination(x)],
                    vec![],
                    Pending,
                ),
                case(
                    "restartable init container waiting, not terminated",
                    vec![waiting_state(x)],
                    vec![],
                    Pending,
                ),
                case(
                    "restartable init container started, 1/2 regular container running",
                    vec![started_state(x)],
                    vec![running_state(a)],
                    Pending,
                )
                .initialized(),
                case(
                    "restartable init container started, all regular containers running",
                    vec![started_state(x)],
                    vec![running_state(a), running_state(b)],
                    Running,
                )
                .initialized(),
                case(
                    "restartable init container running, all regular containers running",
                    vec![running_state(x)],
                    vec![running_state(a), running_state(b)],
                    Running,
                )
                .initialized(),
                case(
                    "restartable init container stopped, all regular containers running",
                    vec![stopped_state(x)],
                    vec![running_state(a), running_state(b)],
                    Running,
                )
                .initialized(),
                case(
                    "backoff crashloop restartable init container, all regular containers running",
                    vec![waiting_state_with_last_termination(x)],
                    vec![running_state(a), running_state(b)],
                    Running,
                )
                .initialized(),
                case(
                    "all regular containers succeeded and restartable init container failed with restart always, but the pod is terminal",
                    vec![failed_state(x)],
                    vec![succeeded_state(a), succeeded_state(b)],
                    Succeeded,
                )
                .terminal()
                .initialized(),
                case(
                    "all regular containers succeeded and restartable init container succeeded with restart always, but the pod is terminal",
                    vec![succeeded_state(x)],
                    vec![succeeded_state(a), succeeded_state(b)],
                    Succeeded,
                )
                .terminal()
                .initialized(),
                case(
                    "re-initializing the pod after the sandbox is recreated",
                    vec![running_state(x)],
                    vec![running_state(a), running_state(b)],
                    Pending,
                ),
            ],
        );
    }

    /// kubelet_pods_test.go TestPodPhaseWithRestartAlwaysAndPodHasRun.
    #[test]
    fn pod_phase_with_restart_always_and_pod_has_run() {
        let spec = spec(
            &[("containerX", false), ("containerY", true)],
            &["containerA"],
            RestartPolicy::Always,
        );
        let (x, y, a) = ("containerX", "containerY", "containerA");
        check_phases(
            "TestPodPhaseWithRestartAlwaysAndPodHasRun",
            &spec,
            vec![
                case(
                    "regular init containers, restartable init container and regular container are all running",
                    vec![running_state(x), running_state(y)],
                    vec![running_state(a)],
                    Pending,
                ),
                case(
                    "regular containers is stopped, restartable init container and regular int container are both running",
                    vec![running_state(x), running_state(y)],
                    vec![stopped_state(a)],
                    Pending,
                ),
                case(
                    "re-created sandbox: regular init container is succeeded, restartable init container is running, old regular containers is stopped",
                    vec![succeeded_state(x), running_state(y)],
                    vec![stopped_state(a)],
                    Pending,
                ),
                case(
                    "regular init container is succeeded, restartable init container is running, regular containers is stopped",
                    vec![succeeded_state(x), running_state(y)],
                    vec![stopped_state(a)],
                    Running,
                )
                .initialized(),
                case(
                    "regular init container is succeeded, restartable init container and regular containers are both running",
                    vec![succeeded_state(x), running_state(y)],
                    vec![running_state(a)],
                    Running,
                )
                .initialized(),
            ],
        );
    }

    /// kubelet_pods_test.go TestPodPhaseWithRestartNever.
    #[test]
    fn pod_phase_with_restart_never() {
        let spec = spec(&[], &["containerA", "containerB"], RestartPolicy::Never);
        let (a, b) = ("containerA", "containerB");
        check_phases(
            "TestPodPhaseWithRestartNever",
            &spec,
            vec![
                case("waiting", vec![], vec![], Pending),
                case(
                    "all running with restart never",
                    vec![],
                    vec![running_state(a), running_state(b)],
                    Running,
                ),
                case(
                    "all succeeded with restart never",
                    vec![],
                    vec![succeeded_state(a), succeeded_state(b)],
                    Succeeded,
                ),
                case(
                    "all failed with restart never",
                    vec![],
                    vec![failed_state(a), failed_state(b)],
                    Failed,
                ),
                case(
                    "mixed state #1 with restart never",
                    vec![],
                    vec![running_state(a), succeeded_state(b)],
                    Running,
                ),
                case(
                    "mixed state #2 with restart never",
                    vec![],
                    vec![running_state(a)],
                    Pending,
                ),
                case(
                    "mixed state #3 with restart never",
                    vec![],
                    vec![running_state(a), waiting_state(b)],
                    Pending,
                ),
            ],
        );
    }

    /// kubelet_pods_test.go TestPodPhaseWithRestartNeverInitContainers.
    #[test]
    fn pod_phase_with_restart_never_init_containers() {
        let spec = spec(
            &[("containerX", false)],
            &["containerA", "containerB"],
            RestartPolicy::Never,
        );
        let (x, a, b) = ("containerX", "containerA", "containerB");
        check_phases(
            "TestPodPhaseWithRestartNeverInitContainers",
            &spec,
            vec![
                case("empty, waiting", vec![], vec![], Pending),
                case(
                    "init container running",
                    vec![running_state(x)],
                    vec![],
                    Pending,
                ),
                case(
                    "init container terminated non-zero",
                    vec![failed_state(x)],
                    vec![],
                    Failed,
                ),
                case(
                    "init container waiting, terminated zero",
                    vec![waiting_state_with_last_termination(x)],
                    vec![],
                    Pending,
                ),
                case(
                    "init container waiting, terminated non-zero",
                    vec![waiting_state_with_non_zero_termination(x)],
                    vec![],
                    Failed,
                ),
                case(
                    "init container waiting, not terminated",
                    vec![waiting_state(x)],
                    vec![],
                    Pending,
                ),
                case(
                    "init container succeeded",
                    vec![succeeded_state(x)],
                    vec![running_state(a), running_state(b)],
                    Running,
                ),
            ],
        );
    }

    /// kubelet_pods_test.go TestPodPhaseWithRestartNeverRestartableInitContainers.
    #[test]
    fn pod_phase_with_restart_never_restartable_init_containers() {
        let spec = spec(
            &[("containerX", true)],
            &["containerA", "containerB"],
            RestartPolicy::Never,
        );
        let (x, a, b) = ("containerX", "containerA", "containerB");
        check_phases(
            "TestPodPhaseWithRestartNeverRestartableInitContainers",
            &spec,
            vec![
                case("empty, waiting", vec![], vec![], Pending),
                case(
                    "restartable init container running",
                    vec![running_state(x)],
                    vec![],
                    Pending,
                ),
                case(
                    "restartable init container stopped",
                    vec![stopped_state(x)],
                    vec![],
                    Pending,
                ),
                case(
                    "restartable init container waiting, terminated zero",
                    vec![waiting_state_with_last_termination(x)],
                    vec![],
                    Pending,
                ),
                case(
                    "restartable init container waiting, terminated non-zero",
                    vec![waiting_state_with_non_zero_termination(x)],
                    vec![],
                    Pending,
                ),
                case(
                    "restartable init container waiting, not terminated",
                    vec![waiting_state(x)],
                    vec![],
                    Pending,
                ),
                case(
                    "restartable init container started, one main container running",
                    vec![started_state(x)],
                    vec![running_state(a)],
                    Pending,
                )
                .initialized(),
                case(
                    "restartable init container started, main containers succeeded",
                    vec![started_state(x)],
                    vec![succeeded_state(a), succeeded_state(b)],
                    Running,
                )
                .initialized(),
                case(
                    "restartable init container re-running, main containers succeeded",
                    vec![running_state(x)],
                    vec![succeeded_state(a), succeeded_state(b)],
                    Running,
                )
                .initialized(),
                case(
                    "all containers succeeded",
                    vec![succeeded_state(x)],
                    vec![succeeded_state(a), succeeded_state(b)],
                    Succeeded,
                )
                .initialized(),
                case(
                    "restartable init container terminated non-zero, main containers succeeded",
                    vec![failed_state(x)],
                    vec![succeeded_state(a), succeeded_state(b)],
                    Succeeded,
                )
                .initialized(),
                case(
                    "backoff crashloop restartable init container, main containers succeeded",
                    vec![waiting_state_with_last_termination(x)],
                    vec![succeeded_state(a), succeeded_state(b)],
                    Succeeded,
                )
                .initialized(),
                case(
                    "backoff crashloop with non-zero restartable init container, main containers succeeded",
                    vec![waiting_state_with_non_zero_termination(x)],
                    vec![succeeded_state(a), succeeded_state(b)],
                    Succeeded,
                )
                .initialized(),
            ],
        );
    }

    /// kubelet_pods_test.go TestPodPhaseWithRestartOnFailure.
    #[test]
    fn pod_phase_with_restart_on_failure() {
        let spec = spec(&[], &["containerA", "containerB"], RestartPolicy::OnFailure);
        let (a, b) = ("containerA", "containerB");
        check_phases(
            "TestPodPhaseWithRestartOnFailure",
            &spec,
            vec![
                case("waiting", vec![], vec![], Pending),
                case(
                    "all running with restart onfailure",
                    vec![],
                    vec![running_state(a), running_state(b)],
                    Running,
                ),
                case(
                    "all succeeded with restart onfailure",
                    vec![],
                    vec![succeeded_state(a), succeeded_state(b)],
                    Succeeded,
                ),
                // Upstream's case name, although the policy is OnFailure.
                case(
                    "all failed with restart never",
                    vec![],
                    vec![failed_state(a), failed_state(b)],
                    Running,
                ),
                case(
                    "mixed state #1 with restart onfailure",
                    vec![],
                    vec![running_state(a), succeeded_state(b)],
                    Running,
                ),
                case(
                    "mixed state #2 with restart onfailure",
                    vec![],
                    vec![running_state(a)],
                    Pending,
                ),
                case(
                    "mixed state #3 with restart onfailure",
                    vec![],
                    vec![running_state(a), waiting_state(b)],
                    Pending,
                ),
                case(
                    "backoff crashloop container with restart onfailure",
                    vec![],
                    vec![running_state(a), waiting_state_with_last_termination(b)],
                    Running,
                ),
            ],
        );
    }

    // -----------------------------------------------------------------------------------------
    // Conditions, with the helpers of pkg/kubelet/status/generate_test.go. The cases with a
    // nil status list (reason UnknownContainerStatuses) and with readiness gates are left
    // out: kubesim models neither.

    fn get_ready_status(name: &str) -> ContainerStatus {
        ContainerStatus {
            ready: true,
            ..waiting_state(name)
        }
    }
    fn get_not_ready_status(name: &str) -> ContainerStatus {
        waiting_state(name)
    }
    fn get_started_status(name: &str) -> ContainerStatus {
        ContainerStatus {
            started: Some(true),
            ..waiting_state(name)
        }
    }
    fn get_not_started_status(name: &str) -> ContainerStatus {
        ContainerStatus {
            started: Some(false),
            ..waiting_state(name)
        }
    }

    /// (type, status, reason, message) of a condition.
    fn parts(c: &Condition) -> (&str, ConditionStatus, &str, &str) {
        (&c.type_, c.status, c.reason(), c.message())
    }

    /// One case of TestGenerateContainersReadyCondition / TestGeneratePodReadyCondition:
    /// spec, init statuses, regular statuses, phase, expected (status, reason, message).
    type ReadyCase = (
        PodSpec,
        Vec<ContainerStatus>,
        Vec<ContainerStatus>,
        PodPhase,
        (ConditionStatus, &'static str, &'static str),
    );

    fn ready_cases() -> Vec<ReadyCase> {
        use ConditionStatus::{False, True};
        let one = spec(&[], &["1234"], RestartPolicy::Always);
        let two = spec(&[], &["1234", "5678"], RestartPolicy::Always);
        let one_sidecar = spec(
            &[("restartable-init-1", true)],
            &["regular-1"],
            RestartPolicy::Always,
        );
        let two_sidecars = spec(
            &[("restartable-init-1", true), ("restartable-init-2", true)],
            &["regular-1"],
            RestartPolicy::Always,
        );
        vec![
            (PodSpec::default(), vec![], vec![], Running, (True, "", "")),
            (
                one.clone(),
                vec![],
                vec![],
                Running,
                (
                    False,
                    REASON_CONTAINERS_NOT_READY,
                    "containers with unknown status: [1234]",
                ),
            ),
            (
                two.clone(),
                vec![],
                vec![get_ready_status("1234"), get_ready_status("5678")],
                Running,
                (True, "", ""),
            ),
            (
                two.clone(),
                vec![],
                vec![get_ready_status("1234")],
                Running,
                (
                    False,
                    REASON_CONTAINERS_NOT_READY,
                    "containers with unknown status: [5678]",
                ),
            ),
            (
                two.clone(),
                vec![],
                vec![get_ready_status("1234"), get_not_ready_status("5678")],
                Running,
                (
                    False,
                    REASON_CONTAINERS_NOT_READY,
                    "containers with unready status: [5678]",
                ),
            ),
            (
                one,
                vec![],
                vec![get_not_ready_status("1234")],
                Succeeded,
                (False, REASON_POD_COMPLETED, ""),
            ),
            (
                one_sidecar,
                vec![],
                vec![get_ready_status("regular-1")],
                Running,
                (
                    False,
                    REASON_CONTAINERS_NOT_READY,
                    "containers with unknown status: [restartable-init-1]",
                ),
            ),
            (
                two_sidecars.clone(),
                vec![
                    get_ready_status("restartable-init-1"),
                    get_ready_status("restartable-init-2"),
                ],
                vec![get_ready_status("regular-1")],
                Running,
                (True, "", ""),
            ),
            (
                two_sidecars.clone(),
                vec![get_ready_status("restartable-init-1")],
                vec![get_ready_status("regular-1")],
                Running,
                (
                    False,
                    REASON_CONTAINERS_NOT_READY,
                    "containers with unknown status: [restartable-init-2]",
                ),
            ),
            (
                two_sidecars,
                vec![
                    get_ready_status("restartable-init-1"),
                    get_not_ready_status("restartable-init-2"),
                ],
                vec![get_ready_status("regular-1")],
                Running,
                (
                    False,
                    REASON_CONTAINERS_NOT_READY,
                    "containers with unready status: [restartable-init-2]",
                ),
            ),
            // Not upstream's: both kinds of message at once, joined as upstream joins them.
            (
                two,
                vec![],
                vec![get_not_ready_status("5678")],
                Running,
                (
                    False,
                    REASON_CONTAINERS_NOT_READY,
                    "containers with unknown status: [1234], containers with unready status: [5678]",
                ),
            ),
        ]
    }

    /// generate_test.go TestGenerateContainersReadyCondition (cases 1 to 10).
    #[test]
    fn generate_containers_ready_condition() {
        for (i, (spec, init, regular, phase, (status, reason, message))) in
            ready_cases().into_iter().enumerate()
        {
            let c = containers_ready_condition(&spec, &init, &regular, phase);
            assert_eq!(
                parts(&c),
                (CONTAINERS_READY, status, reason, message),
                "case {i}"
            );
            assert_eq!(c.last_transition_time, None);
        }
        // A failed pod's containers are not ready, whatever they report.
        let spec = spec(&[], &["1234"], RestartPolicy::Never);
        let c = containers_ready_condition(&spec, &[], &[get_ready_status("1234")], Failed);
        assert_eq!(
            parts(&c),
            (
                CONTAINERS_READY,
                ConditionStatus::False,
                REASON_POD_FAILED,
                ""
            )
        );
    }

    /// generate_test.go TestGeneratePodReadyCondition (the cases without readiness gates).
    #[test]
    fn generate_pod_ready_condition() {
        for (i, (spec, init, regular, phase, (status, reason, message))) in
            ready_cases().into_iter().enumerate()
        {
            let c = pod_ready_condition(&spec, &init, &regular, phase);
            assert_eq!(parts(&c), (POD_READY, status, reason, message), "case {i}");
        }
    }

    /// generate_test.go TestGeneratePodInitializedCondition (cases 1 to 10; upstream checks
    /// type, status and reason only).
    #[test]
    fn generate_pod_initialized_condition() {
        use ConditionStatus::{False, True};
        let no_init = spec(&[], &["regular"], RestartPolicy::Always);
        let one_init = spec(&[("1234", false)], &["regular"], RestartPolicy::Always);
        let two_init = spec(
            &[("1234", false), ("5678", false)],
            &["regular"],
            RestartPolicy::Always,
        );
        let one_sidecar = spec(&[("1234", true)], &["regular"], RestartPolicy::Always);
        let cases: Vec<(
            &PodSpec,
            Vec<ContainerStatus>,
            Vec<ContainerStatus>,
            PodPhase,
            _,
        )> = vec![
            (&no_init, vec![], vec![], Running, (True, "", "")),
            (
                &one_init,
                vec![],
                vec![],
                Running,
                (
                    False,
                    REASON_CONTAINERS_NOT_INITIALIZED,
                    "containers with unknown status: [1234]",
                ),
            ),
            (
                &two_init,
                vec![get_ready_status("1234"), get_ready_status("5678")],
                vec![],
                Running,
                (True, "", ""),
            ),
            (
                &two_init,
                vec![get_ready_status("1234")],
                vec![],
                Running,
                (
                    False,
                    REASON_CONTAINERS_NOT_INITIALIZED,
                    "containers with unknown status: [5678]",
                ),
            ),
            (
                &two_init,
                vec![get_ready_status("1234"), get_not_ready_status("5678")],
                vec![],
                Running,
                (
                    False,
                    REASON_CONTAINERS_NOT_INITIALIZED,
                    "containers with incomplete status: [5678]",
                ),
            ),
            (
                &one_init,
                vec![get_ready_status("1234")],
                vec![],
                Succeeded,
                (True, REASON_POD_COMPLETED, ""),
            ),
            (
                &one_sidecar,
                vec![get_not_started_status("1234")],
                vec![],
                Pending,
                (
                    False,
                    REASON_CONTAINERS_NOT_INITIALIZED,
                    "containers with incomplete status: [1234]",
                ),
            ),
            (
                &one_sidecar,
                vec![get_started_status("1234")],
                vec![],
                Running,
                (True, "", ""),
            ),
            // A regular container has run: initialized, though the sidecar restarts.
            (
                &one_sidecar,
                vec![get_not_started_status("1234")],
                vec![running_state("regular")],
                Running,
                (True, "", ""),
            ),
            (
                &one_init,
                vec![waiting_state("1234")],
                vec![status("regular", terminated(0))],
                Running,
                (True, "", ""),
            ),
        ];
        for (i, (spec, init, regular, phase, (status, reason, message))) in
            cases.into_iter().enumerate()
        {
            let c = pod_initialized_condition(spec, &init, &regular, phase);
            assert_eq!(
                parts(&c),
                (POD_INITIALIZED, status, reason, message),
                "case {i}"
            );
        }
    }

    #[test]
    fn ready_to_start_containers_follows_the_sandbox() {
        assert_eq!(
            parts(&pod_ready_to_start_containers_condition(true)),
            (POD_READY_TO_START_CONTAINERS, ConditionStatus::True, "", "")
        );
        assert_eq!(
            parts(&pod_ready_to_start_containers_condition(false)),
            (
                POD_READY_TO_START_CONTAINERS,
                ConditionStatus::False,
                "",
                ""
            )
        );
    }

    #[test]
    fn merge_keeps_unchanged_times_and_stamps_changes() {
        use ConditionStatus::{False, True};
        let old = vec![
            Condition::new(POD_INITIALIZED, True).with_times(Some(5), None),
            Condition::new(POD_READY, False).with_times(Some(5), None),
            Condition::new(CONTAINERS_READY, False),
        ];
        let mut new = vec![
            Condition::new(POD_INITIALIZED, True),
            Condition::new(POD_READY, True),
            Condition::new(CONTAINERS_READY, False),
            Condition::new(POD_SCHEDULED, True),
        ];
        merge_condition_times(&old, &mut new, 9);
        let times: Vec<_> = new.iter().map(|c| c.last_transition_time).collect();
        // Unchanged keeps 5; changed gets 9; unchanged but never stamped gets 9; new gets 9.
        assert_eq!(times, [Some(5), Some(9), Some(9), Some(9)]);
    }

    /// A pod going through its life: the phase and conditions the kubelet would report at
    /// each step, as the functions compose.
    #[test]
    fn a_pod_with_an_init_container_and_a_sidecar_goes_from_pending_to_succeeded() {
        let spec = spec(
            &[("init", false), ("proxy", true)],
            &["main"],
            RestartPolicy::Never,
        );
        let ready = |mut s: ContainerStatus| {
            s.ready = true;
            s
        };
        // Init container running.
        let init = vec![running_state("init"), waiting_state("proxy")];
        let regular = vec![waiting_state("main")];
        let phase = pod_phase(&spec, &init, &regular, false, false);
        assert_eq!(phase, Pending);
        let c = pod_initialized_condition(&spec, &init, &regular, phase);
        assert_eq!(
            c.message(),
            "containers with incomplete status: [init proxy]"
        );
        // Init done (the kubelet reports an init container that exited 0 as ready), sidecar
        // started and ready, main running and ready.
        let init = vec![
            ready(succeeded_state("init")),
            ready(started_state("proxy")),
        ];
        let regular = vec![ready(running_state("main"))];
        let phase = pod_phase(&spec, &init, &regular, false, true);
        assert_eq!(phase, Running);
        assert_eq!(
            pod_initialized_condition(&spec, &init, &regular, phase).status,
            ConditionStatus::True
        );
        assert_eq!(
            pod_ready_condition(&spec, &init, &regular, phase).status,
            ConditionStatus::True
        );
        // Main exits 0; the sidecar is still running: Running, not ready.
        let regular = vec![succeeded_state("main")];
        let phase = pod_phase(&spec, &init, &regular, false, true);
        assert_eq!(phase, Running);
        assert_eq!(
            parts(&pod_ready_condition(&spec, &init, &regular, phase)),
            (
                POD_READY,
                ConditionStatus::False,
                REASON_CONTAINERS_NOT_READY,
                "containers with unready status: [main]"
            )
        );
        // The kubelet stops the sidecar once the main container is done.
        let init = vec![ready(succeeded_state("init")), stopped_state("proxy")];
        let phase = pod_phase(&spec, &init, &regular, false, true);
        assert_eq!(phase, Succeeded);
        assert_eq!(
            parts(&containers_ready_condition(&spec, &init, &regular, phase)),
            (
                CONTAINERS_READY,
                ConditionStatus::False,
                REASON_POD_COMPLETED,
                ""
            )
        );
    }
}
