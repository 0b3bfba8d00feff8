//! Property test of the Deployment controller in a whole simulation (kubelets, scheduler,
//! ReplicaSet controller): for random replicas, maxSurge, maxUnavailable and readiness delays,
//! a rolling update never asks for more than replicas + maxSurge pods (the sum of its
//! ReplicaSets' spec.replicas, as upstream counts), never lets availability drop below
//! replicas - maxUnavailable once the first rollout was complete, and completes.

use std::collections::BTreeMap;
use std::path::Path;

use proptest::prelude::*;

use kubesim::scenario::{RunOptions, Scenario, Simulation};

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn rolling_updates_respect_surge_and_unavailability(
        replicas in 1i32..7,
        surge in 0i32..3,
        unavailable in 0i32..3,
        min_ready in 0u32..8,
        seed in 0u64..1000,
    ) {
        // Validation rejects maxSurge and maxUnavailable both 0.
        prop_assume!(surge + unavailable > 0);
        let yaml = format!(r#"
name: prop
seed: {seed}
until: 6m
cluster:
  nodeGroups:
    - count: 3
      capacity: {{cpu: 16, memory: 32Gi, pods: 110}}
timeline:
  - at: 1s
    apply:
      apiVersion: apps/v1
      kind: Deployment
      metadata: {{name: web}}
      spec:
        replicas: {replicas}
        minReadySeconds: {min_ready}
        strategy: {{type: RollingUpdate, rollingUpdate: {{maxSurge: {surge}, maxUnavailable: {unavailable}}}}}
        selector: {{matchLabels: {{app: web}}}}
        template:
          metadata: {{labels: {{app: web}}}}
          spec: {{containers: [{{name: web, image: "nginx:1.7.9"}}]}}
  - at: 1m
    kubectl: set image deployment/web web=nginx:1.9.1
expect:
  - objects: {{kind: Deployment}}
    count: 1
"#);
        let scenario = Scenario::from_yaml(&yaml, "prop.yaml", Path::new(".")).unwrap();
        let mut sim = Simulation::new(scenario, &RunOptions::default());
        sim.run(|_| {}).unwrap();
        let (max_surge, max_unavailable) = (surge, unavailable);
        let mut latest: BTreeMap<String, (i32, i32)> = BTreeMap::new();
        let mut fully_available_once = false;
        for (t, _, rs, desired, _current, _ready, available, deleted) in sim.cluster().api().rollout_table().rows() {
            if deleted {
                latest.remove(rs);
            } else {
                latest.insert(rs.to_string(), (desired, available));
            }
            let total_desired: i32 = latest.values().map(|v| v.0).sum();
            let total_available: i32 = latest.values().map(|v| v.1).sum();
            prop_assert!(
                total_desired <= replicas + max_surge,
                "t={t}: {total_desired} pods asked for > {replicas} + {max_surge}"
            );
            if total_available >= replicas {
                fully_available_once = true;
            }
            if fully_available_once {
                prop_assert!(
                    total_available >= replicas - max_unavailable,
                    "t={t}: {total_available} available < {replicas} - {max_unavailable}"
                );
            }
        }
        // The rollout completed: one ReplicaSet holds every replica, all available.
        let full: Vec<_> = latest.values().filter(|v| v.0 == replicas).collect();
        prop_assert_eq!(full.len(), 1, "{:?}", latest);
        prop_assert_eq!(full[0].1, replicas, "{:?}", latest);
        prop_assert!(latest.values().filter(|v| v.0 != replicas).all(|v| v.0 == 0), "{:?}", latest);
    }
}
