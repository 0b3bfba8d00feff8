//! The Kubernetes API: object types, manifests, validation and the API server.

pub mod json;
pub mod manifest;
pub mod patch;
pub mod pod_table;
pub mod printer;
pub mod quantity;
pub mod request;
pub mod resource;
pub mod rollout_table;
pub mod selector;
pub mod server;
pub mod types;
pub mod validate;
pub mod validation;
