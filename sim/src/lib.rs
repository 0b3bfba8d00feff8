//! kubesim: a deterministic discrete-event simulator of a Kubernetes cluster.

pub mod api;
pub mod engine;
pub mod store;
