//! The Kubernetes API: object types, manifests, validation and the API server.

pub mod manifest;
pub mod quantity;
pub mod selector;
pub mod types;
pub mod validation;
