//! The node: the kubelet and the container runtime it drives (image pulls, sandboxes,
//! containers, probes, lifecycle hooks, restart back-off), as upstream's pkg/kubelet.

pub mod behavior;
pub mod kubelet;
pub mod runtime;
pub mod status;

pub use behavior::{BehaviorRule, BEHAVIOR_ANNOTATION};
pub use kubelet::{Kubelet, NodeSetup};
