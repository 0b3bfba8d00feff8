//! The controllers of kube-controller-manager, one file per upstream controller. Each is a
//! [`crate::client::Component`] that sees the world only through its informers and changes it
//! only through API requests.

pub mod controller_utils;
pub mod deployment;
pub mod garbage_collector;
pub mod job;
pub mod node_lifecycle;
pub mod replica_set;

pub use deployment::DeploymentController;
pub use garbage_collector::GarbageCollector;
pub use job::JobController;
pub use node_lifecycle::NodeLifecycleController;
pub use replica_set::ReplicaSetController;
