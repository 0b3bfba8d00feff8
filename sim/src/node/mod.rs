//! The node: kubelet, container runtime, and the pod status the kubelet derives.

pub mod status;
