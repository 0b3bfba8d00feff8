//! The controllers of kube-controller-manager, one file per upstream controller. Each is a
//! [`crate::client::Component`] that sees the world only through its informers and changes it
//! only through API requests.

pub mod node_lifecycle;

pub use node_lifecycle::NodeLifecycleController;
