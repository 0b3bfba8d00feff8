//! Custom scheduling policies: plugins that are not upstream's, written against the same
//! `Plugin` trait. To add one, write a file here and list it in `registry()`; then name it in a
//! KubeSchedulerConfiguration profile like any in-tree plugin.

use super::framework::PluginFactory;

pub mod first_fit;
pub mod random_score;

/// The example policies, by the name configurations use.
pub fn registry() -> Vec<(&'static str, PluginFactory)> {
    vec![
        (first_fit::NAME, first_fit::new),
        (random_score::NAME, random_score::new),
    ]
}
