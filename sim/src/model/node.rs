//! The node's part of the world model: the kubelet's periods and back-offs (upstream
//! defaults, cited per field), the container runtime's operation times, image pulls, and what
//! containers do when they run (the container behaviour model).

use std::collections::BTreeMap;

use serde::Deserialize;

use super::{de_duration, Distribution};
use crate::engine::{SimDuration, MILLISECOND, MINUTE, SECOND};

/// The kubelet's own timing: its configuration (KubeletConfiguration) and the constants of
/// pkg/kubelet. All upstream defaults.
#[derive(Clone, Debug, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct KubeletModel {
    /// How often the kubelet computes node status (`nodeStatusUpdateFrequency`, 10s).
    #[serde(deserialize_with = "de_duration")]
    pub node_status_update_frequency: SimDuration,
    /// How often it posts an unchanged node status anyway (`nodeStatusReportFrequency`, 5m).
    #[serde(deserialize_with = "de_duration")]
    pub node_status_report_frequency: SimDuration,
    /// The node Lease's duration (`nodeLeaseDurationSeconds`, 40); the kubelet renews it
    /// every quarter of that (pkg/kubelet/nodelease: renewIntervalFraction 0.25 → 10s).
    pub node_lease_duration_seconds: i32,
    /// PLEG relist period (pkg/kubelet/kubelet.go genericPlegRelistPeriod, 1s): how late a
    /// container's exit is noticed, at most.
    #[serde(deserialize_with = "de_duration")]
    pub pleg_relist_period: SimDuration,
    /// How soon a pod worker retries a sync that failed or hit a back-off (pod_workers.go
    /// backOffPeriod 10s, jittered by workerBackOffPeriodJitterFactor 0.5).
    #[serde(deserialize_with = "de_duration")]
    pub pod_worker_back_off_period: SimDuration,
    /// CrashLoopBackOff: first delay and cap (pkg/kubelet/kubelet.go backOffPeriod 10s,
    /// MaxContainerBackOff 300s). The back-off resets after twice the cap without an exit
    /// (flowcontrol.Backoff hasExpired: 10 min).
    #[serde(deserialize_with = "de_duration")]
    pub crash_loop_back_off_initial: SimDuration,
    #[serde(deserialize_with = "de_duration")]
    pub crash_loop_back_off_max: SimDuration,
    /// ImagePullBackOff: first delay and cap (kubelet.go: the same 10s and 300s).
    #[serde(deserialize_with = "de_duration")]
    pub image_pull_back_off_initial: SimDuration,
    #[serde(deserialize_with = "de_duration")]
    pub image_pull_back_off_max: SimDuration,
    /// Pull one image at a time (`serializeImagePulls`, true).
    pub serialize_image_pulls: bool,
    /// How many images the node reports in `status.images` (`nodeStatusMaxImages`, 50).
    pub node_status_max_images: usize,
    /// The pod CIDR mask size the node IPAM gives each node (kube-controller-manager
    /// `--node-cidr-mask-size`, 24 for IPv4), from the cluster CIDR 10.244.0.0/16.
    pub node_cidr_mask_size: u8,
}

impl Default for KubeletModel {
    fn default() -> Self {
        KubeletModel {
            node_status_update_frequency: 10 * SECOND,
            node_status_report_frequency: 5 * MINUTE,
            node_lease_duration_seconds: 40,
            pleg_relist_period: SECOND,
            pod_worker_back_off_period: 10 * SECOND,
            crash_loop_back_off_initial: 10 * SECOND,
            crash_loop_back_off_max: 300 * SECOND,
            image_pull_back_off_initial: 10 * SECOND,
            image_pull_back_off_max: 300 * SECOND,
            serialize_image_pulls: true,
            node_status_max_images: 50,
            node_cidr_mask_size: 24,
        }
    }
}

impl KubeletModel {
    /// The Lease renew interval: a quarter of its duration (nodelease renewIntervalFraction).
    pub fn lease_renew_interval(&self) -> SimDuration {
        self.node_lease_duration_seconds.max(1) as u64 * SECOND / 4
    }
}

/// The container runtime (containerd/CRI-O behind the CRI) and the image registry.
#[derive(Clone, Debug, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct RuntimeModel {
    /// RunPodSandbox: the pause container plus CNI network setup.
    pub sandbox_create: Distribution,
    /// StopPodSandbox + RemovePodSandbox, network teardown included.
    pub sandbox_stop: Distribution,
    pub container_create: Distribution,
    pub container_start: Distribution,
    /// Registry round trips before the first layer byte (token, manifest, config).
    pub pull_latency: Distribution,
    /// Layer download and unpack rate, bytes per second, for one pull at a time.
    pub pull_bytes_per_s: u64,
    /// The size of an image the catalog does not list.
    pub default_image_size: String,
    /// A known image's size and, optionally, what its containers do.
    pub images: BTreeMap<String, ImageSpec>,
    /// What a container does when nothing more specific says (see docs/models.md).
    pub default_behavior: ContainerBehavior,
}

impl Default for RuntimeModel {
    fn default() -> Self {
        RuntimeModel {
            sandbox_create: Distribution::Constant(500 * MILLISECOND),
            sandbox_stop: Distribution::Constant(100 * MILLISECOND),
            container_create: Distribution::Constant(50 * MILLISECOND),
            container_start: Distribution::Constant(100 * MILLISECOND),
            pull_latency: Distribution::Constant(500 * MILLISECOND),
            pull_bytes_per_s: 50 << 20,
            default_image_size: "100Mi".into(),
            images: BTreeMap::new(),
            default_behavior: ContainerBehavior::default(),
        }
    }
}

/// An image in the catalog.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct ImageSpec {
    /// Compressed size, as a quantity (`70Mi`).
    pub size: Option<String>,
    /// False: the registry answers "not found" (ErrImagePull).
    pub exists: Option<bool>,
    /// What containers of this image do; fields left out come from the default behaviour.
    pub behavior: Option<ContainerBehavior>,
}

/// What a container does once started: how long it runs and how it exits, how its probes
/// and hooks fare, how it shuts down. Every field is optional so that layers (model default,
/// image, scenario, pod annotation) can each state only what they change.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct ContainerBehavior {
    /// How long the process runs before exiting on its own; `forever` (the default) for a
    /// server.
    pub run_for: Option<RunFor>,
    /// Exit code when it exits on its own (0).
    pub exit_code: Option<i32>,
    /// Probability, 0 to 1, that a run ends in a crash instead: exit `crashExitCode` after
    /// `crashAfter`.
    pub crash_probability: Option<f64>,
    pub crash_exit_code: Option<i32>,
    pub crash_after: Option<Distribution>,
    /// Time from SIGTERM to exit; `never` ignores SIGTERM (SIGKILL at the grace period's end).
    pub shutdown_time: Option<RunFor>,
    /// Exit code after a SIGTERM it handled (0; 143 for a process that dies of the signal).
    pub sigterm_exit_code: Option<i32>,
    /// Readiness and startup probes fail until the container has run this long.
    pub ready_after: Option<Distribution>,
    /// Liveness probes fail once the container has run this long (never by default).
    pub liveness_fail_after: Option<Distribution>,
    /// How long a probe (exec, httpGet, tcpSocket, grpc) takes; longer than its
    /// `timeoutSeconds` fails it.
    pub probe_duration: Option<Distribution>,
    /// How long an exec or httpGet postStart/preStop hook takes (sleep hooks take their
    /// own seconds).
    pub hook_duration: Option<Distribution>,
    /// The postStart hook fails (the container is killed with FailedPostStartHook).
    pub post_start_fails: Option<bool>,
    /// Where the container writes data: volume names, or `rootfs` for its own filesystem.
    /// On a restart the trace tells which of them kept the data.
    pub writes: Option<Vec<String>>,
}

/// A duration or `forever` / `never`.
#[derive(Clone, Debug, PartialEq)]
pub enum RunFor {
    Forever,
    For(Distribution),
}

impl<'de> Deserialize<'de> for RunFor {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = serde_yaml::Value::deserialize(d)?;
        if let serde_yaml::Value::String(s) = &v {
            if s == "forever" || s == "never" {
                return Ok(RunFor::Forever);
            }
        }
        let dist: Distribution = serde_yaml::from_value(v).map_err(serde::de::Error::custom)?;
        Ok(RunFor::For(dist))
    }
}

impl ContainerBehavior {
    /// `self` with every unset field taken from `base`.
    pub fn over(&self, base: &ContainerBehavior) -> ContainerBehavior {
        macro_rules! pick {
            ($($f:ident),*) => { ContainerBehavior { $($f: self.$f.clone().or_else(|| base.$f.clone()),)* } };
        }
        pick!(
            run_for,
            exit_code,
            crash_probability,
            crash_exit_code,
            crash_after,
            shutdown_time,
            sigterm_exit_code,
            ready_after,
            liveness_fail_after,
            probe_duration,
            hook_duration,
            post_start_fails,
            writes
        )
    }

    pub(crate) fn validate(&self) -> Result<(), String> {
        if let Some(p) = self.crash_probability {
            if !(0.0..=1.0).contains(&p) {
                return Err(format!("crashProbability: {p} is not between 0 and 1"));
            }
        }
        for (name, d) in [
            ("crashAfter", &self.crash_after),
            ("readyAfter", &self.ready_after),
            ("livenessFailAfter", &self.liveness_fail_after),
            ("probeDuration", &self.probe_duration),
            ("hookDuration", &self.hook_duration),
        ] {
            if let Some(d) = d {
                d.validate().map_err(|e| format!("{name}: {e}"))?;
            }
        }
        for (name, r) in [
            ("runFor", &self.run_for),
            ("shutdownTime", &self.shutdown_time),
        ] {
            if let Some(RunFor::For(d)) = r {
                d.validate().map_err(|e| format!("{name}: {e}"))?;
            }
        }
        Ok(())
    }
}

impl RuntimeModel {
    pub(crate) fn validate(&self) -> Result<(), String> {
        for (path, d) in [
            ("sandboxCreate", &self.sandbox_create),
            ("sandboxStop", &self.sandbox_stop),
            ("containerCreate", &self.container_create),
            ("containerStart", &self.container_start),
            ("pullLatency", &self.pull_latency),
        ] {
            d.validate().map_err(|e| format!("runtime.{path}: {e}"))?;
        }
        if self.pull_bytes_per_s == 0 {
            return Err("runtime.pullBytesPerS: must be greater than 0".into());
        }
        parse_size(&self.default_image_size)
            .map_err(|e| format!("runtime.defaultImageSize: {e}"))?;
        self.default_behavior
            .validate()
            .map_err(|e| format!("runtime.defaultBehavior.{e}"))?;
        for (name, image) in &self.images {
            if let Some(s) = &image.size {
                parse_size(s).map_err(|e| format!("runtime.images[{name:?}].size: {e}"))?;
            }
            if let Some(b) = &image.behavior {
                b.validate()
                    .map_err(|e| format!("runtime.images[{name:?}].behavior.{e}"))?;
            }
        }
        Ok(())
    }
}

/// Parses a byte size written as a Kubernetes quantity (`70Mi`, `1G`, `123456`).
pub fn parse_size(s: &str) -> Result<u64, String> {
    let q: crate::api::quantity::Quantity = s.parse().map_err(|e| format!("{s:?}: {e}"))?;
    u64::try_from(q.value()).map_err(|_| format!("{s:?} is negative"))
}
