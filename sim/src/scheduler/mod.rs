//! kube-scheduler: the scheduling framework, its queue and cache, and the plugins.
//! Mirrors pkg/scheduler/.

pub mod framework;
pub mod plugins;
#[cfg(test)]
pub mod testing;
