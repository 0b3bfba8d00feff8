//! Helpers shared by the integration tests.

use kubesim::api::manifest::parse_manifests;
use kubesim::api::types::Object;

/// The one object of a test manifest.
pub fn object(yaml: &str) -> Object {
    parse_manifests(yaml, "test")
        .expect("valid manifest")
        .remove(0)
        .object
}
