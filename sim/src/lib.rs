//! kubesim: a deterministic discrete-event simulator of a Kubernetes cluster.

pub mod api;
pub mod client;
pub mod cluster;
pub mod controllers;
pub mod engine;
pub mod features;
pub mod model;
pub mod network;
pub mod node;
pub mod scenario;
pub mod scheduler;
pub mod store;
pub mod trace;
