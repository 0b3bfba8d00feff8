//! The network every message crosses: hosts, one-way latencies drawn from the model, and
//! partitions that isolate a host from everyone else. A dropped message is simply lost; the
//! sender learns of it only through its own timeouts.

use std::collections::BTreeSet;

use crate::engine::{SimDuration, SimRng};
use crate::model::NetworkModel;

/// A host on the network. Host 0 is the control plane (API server and etcd).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct HostId(pub u32);

pub const CONTROL_PLANE: HostId = HostId(0);

pub struct Network {
    model: NetworkModel,
    rng: SimRng,
    hosts: Vec<String>,
    isolated: BTreeSet<HostId>,
    messages_dropped: u64,
}

impl Network {
    pub fn new(model: NetworkModel, rng: SimRng) -> Network {
        Network {
            model,
            rng,
            hosts: vec!["control-plane".into()],
            isolated: BTreeSet::new(),
            messages_dropped: 0,
        }
    }

    pub fn add_host(&mut self, name: &str) -> HostId {
        self.hosts.push(name.to_string());
        HostId(self.hosts.len() as u32 - 1)
    }

    pub fn host_name(&self, h: HostId) -> &str {
        &self.hosts[h.0 as usize]
    }

    pub fn host_by_name(&self, name: &str) -> Option<HostId> {
        self.hosts
            .iter()
            .position(|h| h == name)
            .map(|i| HostId(i as u32))
    }

    /// The one-way delay of a message from `from` to `to`, or `None` when a partition drops it.
    /// Messages within one host take no time.
    pub fn delay(&mut self, from: HostId, to: HostId) -> Option<SimDuration> {
        if from == to {
            return Some(0);
        }
        if self.isolated.contains(&from) || self.isolated.contains(&to) {
            self.messages_dropped += 1;
            return None;
        }
        let dist = if from == CONTROL_PLANE || to == CONTROL_PLANE {
            &self.model.control_plane_latency
        } else {
            &self.model.host_latency
        };
        Some(dist.sample(&mut self.rng))
    }

    /// Cuts `host` off from every other host.
    pub fn isolate(&mut self, host: HostId) {
        self.isolated.insert(host);
    }

    pub fn heal(&mut self, host: HostId) {
        self.isolated.remove(&host);
    }

    pub fn is_isolated(&self, host: HostId) -> bool {
        self.isolated.contains(&host)
    }

    pub fn messages_dropped(&self) -> u64 {
        self.messages_dropped
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::RngStreams;
    use crate::model::Distribution;

    #[test]
    fn latency_by_path_and_partitions_drop() {
        let model = NetworkModel {
            control_plane_latency: Distribution::Constant(500),
            host_latency: Distribution::Constant(100),
        };
        let mut n = Network::new(model, RngStreams::new(1).stream("network"));
        let a = n.add_host("node-a");
        let b = n.add_host("node-b");
        assert_eq!(n.delay(a, CONTROL_PLANE), Some(500));
        assert_eq!(n.delay(a, b), Some(100));
        assert_eq!(n.delay(a, a), Some(0));
        n.isolate(a);
        assert_eq!(n.delay(a, CONTROL_PLANE), None);
        assert_eq!(n.delay(CONTROL_PLANE, a), None);
        assert_eq!(n.delay(b, CONTROL_PLANE), Some(500));
        n.heal(a);
        assert_eq!(n.delay(a, CONTROL_PLANE), Some(500));
        assert_eq!(n.messages_dropped(), 2);
        assert_eq!(n.host_by_name("node-b"), Some(b));
    }
}
