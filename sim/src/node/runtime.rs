//! The container runtime behind the CRI (containerd, CRI-O) as the kubelet sees it: pod
//! sandboxes with their IPs, containers with their state and restart history, the node's
//! image store and the pull queue. This state outlives a kubelet restart; a node crash loses
//! everything but the images on disk.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use crate::api::types::{Name, Uid};
use crate::engine::{SimDuration, SimTime};
use crate::node::behavior::RunPlan;

/// How a container process ended (CRI ContainerStatus of an exited container).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Termination {
    pub exit_code: i32,
    /// `Completed`, `Error`, `OOMKilled`, `ContainerStatusUnknown`, ...
    pub reason: Name,
    pub message: Name,
    pub started_at: Option<SimTime>,
    pub finished_at: SimTime,
}

impl Termination {
    /// The reason the runtime reports for an exit code (containerd: 0 is `Completed`, any
    /// other code `Error`).
    pub fn reason_for(exit_code: i32) -> Name {
        Name::new_static(if exit_code == 0 { "Completed" } else { "Error" })
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CtrState {
    /// Created, not yet started.
    Created,
    Running {
        started_at: SimTime,
    },
    Exited(Termination),
}

/// One container (its latest instance) in a sandbox.
#[derive(Clone, Debug)]
pub struct Ctr {
    pub init: bool,
    /// How many times this container has been restarted: the instance number.
    pub restart_count: i32,
    pub state: CtrState,
    pub plan: RunPlan,
    /// How the previous instance ended (the API's lastState).
    pub last_termination: Option<Termination>,
    /// The kubelet is stopping it (preStop, SIGTERM, SIGKILL under way).
    pub stopping: bool,
}

impl Ctr {
    pub fn is_running(&self) -> bool {
        matches!(self.state, CtrState::Running { .. })
    }
    pub fn termination(&self) -> Option<&Termination> {
        match &self.state {
            CtrState::Exited(t) => Some(t),
            _ => None,
        }
    }
}

/// A pod sandbox: the pause container holding the pod's network namespace.
#[derive(Clone, Debug)]
pub struct Sandbox {
    pub namespace: Name,
    pub name: Name,
    /// The node's IP for hostNetwork pods.
    pub ip: Name,
    /// The IP's host number in the pod CIDR (None for hostNetwork pods).
    pub ip_host: Option<u32>,
    pub ready: bool,
    /// How many sandboxes this pod has had (a new one after a crash is `SandboxChanged`).
    pub attempt: u32,
    pub containers: BTreeMap<Name, Ctr>,
    /// Data in pod volumes, by volume name: the container instance that wrote it. It
    /// survives container restarts and lives as long as the pod on this node.
    pub volume_data: BTreeMap<Name, (Name, i32)>,
}

/// A queued or running image pull.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PullJob {
    pub id: u64,
    pub image: Name,
    pub uid: Uid,
    pub container: Name,
    pub queued_at: SimTime,
    pub started_at: SimTime,
}

#[derive(Debug, Default)]
pub struct Runtime {
    /// Images on disk, with their size in bytes.
    pub images: BTreeMap<Name, u64>,
    pub sandboxes: BTreeMap<Uid, Sandbox>,
    /// Pulls waiting their turn (with serialized pulls, one runs at a time).
    pub pull_queue: VecDeque<PullJob>,
    /// Pulls in progress, by job id.
    pub pulls_active: BTreeMap<u64, PullJob>,
    pub next_pull_id: u64,
    /// IPs handed out from the node's pod CIDR, by host number.
    ips_in_use: BTreeSet<u32>,
    next_ip: u32,
    pub registry_down_until: SimTime,
    pub registry_slow: Option<(u32, SimTime)>,
}

impl Runtime {
    /// Allocates a pod IP from `cidr` (`10.244.3.0/24`) as the host-local IPAM plugin does:
    /// the next free address after the last one handed out, skipping the network, the
    /// gateway (.1) and the broadcast address.
    pub fn allocate_ip(&mut self, cidr: &str) -> Option<(Name, u32)> {
        let (base, bits) = cidr.split_once('/')?;
        let bits: u32 = bits.parse().ok()?;
        let octets: Vec<u32> = base.split('.').filter_map(|o| o.parse().ok()).collect();
        if octets.len() != 4 || bits > 30 {
            return None;
        }
        let base = (octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3];
        let size = 1u32 << (32 - bits);
        for i in 0..size {
            let host = 2 + (self.next_ip + i) % (size - 3);
            if self.ips_in_use.insert(host) {
                self.next_ip = host - 1;
                let a = base + host;
                let ip = format!(
                    "{}.{}.{}.{}",
                    a >> 24,
                    (a >> 16) & 255,
                    (a >> 8) & 255,
                    a & 255
                );
                return Some((ip.into(), host));
            }
        }
        None
    }

    /// Returns an IP's host number (from [`Runtime::allocate_ip`]) to the pool.
    pub fn release_ip(&mut self, host: u32) {
        self.ips_in_use.remove(&host);
    }

    /// The node crashed: only the images on disk remain.
    pub fn lose_everything_but_images(&mut self) {
        let images = std::mem::take(&mut self.images);
        *self = Runtime {
            images,
            ..Default::default()
        };
    }

    /// Time to pull `bytes` now, given the registry's state.
    pub fn pull_duration(
        &self,
        now: SimTime,
        latency: SimDuration,
        bytes: u64,
        bytes_per_s: u64,
    ) -> SimDuration {
        let transfer = (u128::from(bytes) * 1_000_000_000 / u128::from(bytes_per_s.max(1))) as u64;
        let factor = match self.registry_slow {
            Some((f, until)) if until > now => u64::from(f.max(1)),
            _ => 1,
        };
        (latency + transfer).saturating_mul(factor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pod_ips_come_from_the_node_cidr_and_are_reused_after_release() {
        let mut rt = Runtime::default();
        let (a, host) = rt.allocate_ip("10.244.3.0/24").unwrap();
        let (b, _) = rt.allocate_ip("10.244.3.0/24").unwrap();
        assert_eq!(a, "10.244.3.2");
        assert_eq!(b, "10.244.3.3");
        rt.release_ip(host);
        // host-local continues after the last one handed out, then wraps.
        let mut seen = Vec::new();
        for _ in 0..252 {
            seen.push(rt.allocate_ip("10.244.3.0/24").unwrap().0);
        }
        assert_eq!(seen.last().unwrap(), "10.244.3.2");
        assert!(rt.allocate_ip("10.244.3.0/24").is_none(), "the /24 is full");
    }

    #[test]
    fn pull_time_is_latency_plus_size_over_bandwidth_times_slowdown() {
        let mut rt = Runtime::default();
        let s = crate::engine::SECOND;
        assert_eq!(rt.pull_duration(0, s, 100 << 20, 50 << 20), 3 * s);
        rt.registry_slow = Some((10, 60 * s));
        assert_eq!(rt.pull_duration(0, s, 100 << 20, 50 << 20), 30 * s);
        assert_eq!(rt.pull_duration(61 * s, s, 100 << 20, 50 << 20), 3 * s);
    }
}
