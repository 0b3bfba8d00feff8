//! Property test of the Deployment controller in a whole simulation (kubelets, scheduler,
//! ReplicaSet controller): for random replicas, maxSurge, maxUnavailable and readiness delays,
//! a rolling update never asks for more than replicas + maxSurge pods (the sum of its
//! ReplicaSets' spec.replicas, as upstream counts), never lets availability drop below
//! replicas - maxUnavailable once the first rollout was complete, and completes. maxSurge and
//! maxUnavailable are integers or percentages, resolved as upstream's ResolveFenceposts
//! (pkg/controller/deployment/util/deployment_util.go): a percentage of maxSurge rounds up, of
//! maxUnavailable down, and if both come to 0, maxUnavailable is 1.

use std::collections::BTreeMap;
use std::path::Path;

use proptest::prelude::*;

use kubesim::scenario::{RunOptions, Scenario, Simulation};

/// An intstr.IntOrString value of maxSurge or maxUnavailable.
#[derive(Clone, Copy, Debug)]
enum IntOrPercent {
    Int(i32),
    Percent(i32),
}

impl IntOrPercent {
    fn yaml(self) -> String {
        match self {
            IntOrPercent::Int(n) => n.to_string(),
            IntOrPercent::Percent(p) => format!("\"{p}%\""),
        }
    }

    /// What validation sees: both 0 (as "0%" too) is rejected.
    fn is_zero(self) -> bool {
        matches!(self, IntOrPercent::Int(0) | IntOrPercent::Percent(0))
    }

    /// GetScaledValueFromIntOrPercent: a percentage of `total`, rounded up or down.
    fn scaled(self, total: i32, round_up: bool) -> i32 {
        match self {
            IntOrPercent::Int(n) => n,
            IntOrPercent::Percent(p) if round_up => (p * total + 99) / 100,
            IntOrPercent::Percent(p) => p * total / 100,
        }
    }
}

fn int_or_percent() -> impl Strategy<Value = IntOrPercent> {
    prop_oneof![
        (0i32..3).prop_map(IntOrPercent::Int),
        prop::sample::select(vec![0, 10, 25, 34, 50, 75, 100]).prop_map(IntOrPercent::Percent),
    ]
}

/// ResolveFenceposts: (maxSurge, maxUnavailable) in pods for `replicas`.
fn resolve_fenceposts(surge: IntOrPercent, unavailable: IntOrPercent, replicas: i32) -> (i32, i32) {
    let s = surge.scaled(replicas, true);
    let u = unavailable.scaled(replicas, false);
    if s == 0 && u == 0 {
        (0, 1)
    } else {
        (s, u)
    }
}

#[test]
fn fenceposts_round_surge_up_and_unavailability_down() {
    use IntOrPercent::*;
    assert_eq!(resolve_fenceposts(Percent(25), Percent(25), 5), (2, 1));
    assert_eq!(resolve_fenceposts(Percent(10), Percent(10), 1), (1, 0));
    assert_eq!(resolve_fenceposts(Percent(0), Percent(34), 2), (0, 1)); // floor 0.68 = 0, then 1
    assert_eq!(resolve_fenceposts(Int(0), Percent(50), 3), (0, 1));
    assert_eq!(resolve_fenceposts(Percent(100), Int(0), 6), (6, 0));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn rolling_updates_respect_surge_and_unavailability(
        replicas in 1i32..7,
        surge in int_or_percent(),
        unavailable in int_or_percent(),
        min_ready in 0u32..8,
        seed in 0u64..1000,
    ) {
        // Validation rejects maxSurge and maxUnavailable both 0.
        prop_assume!(!(surge.is_zero() && unavailable.is_zero()));
        let (surge_yaml, unavailable_yaml) = (surge.yaml(), unavailable.yaml());
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
        strategy: {{type: RollingUpdate, rollingUpdate: {{maxSurge: {surge_yaml}, maxUnavailable: {unavailable_yaml}}}}}
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
        let (max_surge, max_unavailable) = resolve_fenceposts(surge, unavailable, replicas);
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
