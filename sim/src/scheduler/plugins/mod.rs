//! The in-tree plugins, one file per upstream plugin (pkg/scheduler/framework/plugins/),
//! and the registry that builds them by name from configuration.

use super::framework::PluginFactory;

pub mod default_preemption;
pub mod image_locality;
pub mod inter_pod_affinity;
pub mod node_affinity;
pub mod node_name;
pub mod node_ports;
pub mod node_resources_balanced_allocation;
pub mod node_resources_fit;
pub mod node_unschedulable;
pub mod pod_topology_spread;
pub mod priority_sort;
pub mod taint_toleration;

/// The in-tree registry (pkg/scheduler/framework/plugins/registry.go), by upstream name.
pub fn in_tree_registry() -> Vec<(&'static str, PluginFactory)> {
    vec![
        ("PrioritySort", priority_sort::new),
        ("NodeUnschedulable", node_unschedulable::new),
        ("NodeName", node_name::new),
        ("TaintToleration", taint_toleration::new),
        ("NodeAffinity", node_affinity::new),
        ("NodePorts", node_ports::new),
        ("NodeResourcesFit", node_resources_fit::new),
        ("PodTopologySpread", pod_topology_spread::new),
        ("InterPodAffinity", inter_pod_affinity::new),
        ("DefaultPreemption", default_preemption::new),
        (
            "NodeResourcesBalancedAllocation",
            node_resources_balanced_allocation::new,
        ),
        ("ImageLocality", image_locality::new),
    ]
}
