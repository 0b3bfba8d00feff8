//! Kubernetes versions and feature gates, where upstream behaviour changed between releases
//! and kubesim models both sides. A scenario names a `kubernetesVersion` (default: the newest
//! modelled) and may override single gates with `featureGates`, as `--feature-gates` does on
//! a real control plane. Stages and defaults come from upstream's feature-gate reference
//! (kubernetes/website content/en/docs/reference/command-line-tools-reference/feature-gates/).

use std::collections::BTreeMap;

/// The oldest and newest minor versions of Kubernetes 1.x that kubesim models.
pub const OLDEST_MINOR: u32 = 25;
pub const NEWEST_MINOR: u32 = 36;

/// One gate: its name and, per stage, the first minor version and the default there.
struct Gate {
    name: &'static str,
    /// (from minor version, enabled by default, locked to the default).
    stages: &'static [(u32, bool, bool)],
}

/// Every gate kubesim models. Keep sorted by name.
const GATES: &[Gate] = &[
    // Job podReplacementPolicy: alpha 1.28, beta (on) 1.29, GA (locked) 1.34.
    Gate {
        name: "JobPodReplacementPolicy",
        stages: &[(28, false, false), (29, true, false), (34, true, true)],
    },
    // KEP-5647: the Job controller waits until its informer has seen its own writes.
    Gate {
        name: "StaleControllerConsistencyJob",
        stages: &[(36, true, false)],
    },
    // KEP-5647: the ReplicaSet controller (not the ReplicationController's, which upstream
    // builds without a consistency store) waits until its informers have seen its own writes.
    Gate {
        name: "StaleControllerConsistencyReplicaSet",
        stages: &[(36, true, false)],
    },
];

/// The resolved gates of one run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FeatureGates {
    /// The Kubernetes minor version (1.x).
    pub minor: u32,
    enabled: BTreeMap<&'static str, bool>,
}

impl Default for FeatureGates {
    fn default() -> Self {
        FeatureGates::for_version(NEWEST_MINOR)
    }
}

impl FeatureGates {
    /// The defaults of Kubernetes 1.`minor`.
    pub fn for_version(minor: u32) -> FeatureGates {
        let enabled = GATES
            .iter()
            .map(|g| (g.name, Self::stage(g, minor).is_some_and(|s| s.1)))
            .collect();
        FeatureGates { minor, enabled }
    }

    /// Parses `1.36` (or `v1.36`, `1.36.2`) into a minor version kubesim models.
    pub fn parse_version(v: &str) -> Result<u32, String> {
        let t = v.trim().trim_start_matches('v');
        let mut parts = t.split('.');
        let (Some("1"), Some(minor)) = (parts.next(), parts.next()) else {
            return Err(format!(
                "invalid version {v:?}: expected 1.MINOR, e.g. \"1.36\""
            ));
        };
        let minor: u32 = minor
            .parse()
            .map_err(|_| format!("invalid version {v:?}: expected 1.MINOR, e.g. \"1.36\""))?;
        if !(OLDEST_MINOR..=NEWEST_MINOR).contains(&minor) {
            return Err(format!(
                "Kubernetes {v} is not modelled: kubesim models 1.{OLDEST_MINOR} to 1.{NEWEST_MINOR}"
            ));
        }
        Ok(minor)
    }

    fn stage(g: &Gate, minor: u32) -> Option<(u32, bool, bool)> {
        g.stages.iter().rev().find(|s| s.0 <= minor).copied()
    }

    /// Overrides one gate. Errors read like component-base's featuregate.Set; a gate kubesim
    /// does not model returns `Ok(false)` so the caller can warn and go on.
    pub fn set(&mut self, name: &str, value: bool) -> Result<bool, String> {
        let Some(g) = GATES.iter().find(|g| g.name == name) else {
            return Ok(false);
        };
        match Self::stage(g, self.minor) {
            None => Err(format!(
                "unrecognized feature gate: {name} (it does not exist in Kubernetes 1.{})",
                self.minor
            )),
            Some((_, default, true)) if value != default => Err(format!(
                "cannot set feature gate {name} to {value}, feature is locked to {default}"
            )),
            Some(_) => {
                self.enabled.insert(g.name, value);
                Ok(true)
            }
        }
    }

    pub fn enabled(&self, name: &str) -> bool {
        self.enabled.get(name).copied().unwrap_or(false)
    }

    /// `1.36`.
    pub fn version(&self) -> String {
        format!("1.{}", self.minor)
    }

    /// Every modelled gate that exists in this version, with its value.
    pub fn all(&self) -> impl Iterator<Item = (&'static str, bool)> + '_ {
        GATES
            .iter()
            .filter(|g| Self::stage(g, self.minor).is_some())
            .map(|g| (g.name, self.enabled(g.name)))
    }

    pub fn stale_controller_consistency_replica_set(&self) -> bool {
        self.enabled("StaleControllerConsistencyReplicaSet")
    }

    pub fn stale_controller_consistency_job(&self) -> bool {
        self.enabled("StaleControllerConsistencyJob")
    }

    pub fn job_pod_replacement_policy(&self) -> bool {
        self.enabled("JobPodReplacementPolicy")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_follow_the_version() {
        let new = FeatureGates::for_version(36);
        assert!(new.stale_controller_consistency_replica_set());
        assert!(new.stale_controller_consistency_job());
        assert!(new.job_pod_replacement_policy());
        let old = FeatureGates::for_version(35);
        assert!(!old.stale_controller_consistency_replica_set());
        assert!(!old.stale_controller_consistency_job());
        assert!(!FeatureGates::for_version(28).job_pod_replacement_policy());
        assert!(FeatureGates::for_version(29).job_pod_replacement_policy());
        assert_eq!(FeatureGates::default().version(), "1.36");
    }

    #[test]
    fn versions_parse_and_outsiders_are_refused() {
        assert_eq!(FeatureGates::parse_version("1.36"), Ok(36));
        assert_eq!(FeatureGates::parse_version("v1.30.2"), Ok(30));
        assert!(FeatureGates::parse_version("1.37")
            .unwrap_err()
            .contains("kubesim models 1.25 to 1.36"));
        assert!(FeatureGates::parse_version("2.0")
            .unwrap_err()
            .contains("expected 1.MINOR"));
    }

    #[test]
    fn set_checks_existence_and_locks() {
        let mut g = FeatureGates::for_version(36);
        assert_eq!(g.set("StaleControllerConsistencyJob", false), Ok(true));
        assert!(!g.stale_controller_consistency_job());
        assert_eq!(
            g.set("JobPodReplacementPolicy", false),
            Err("cannot set feature gate JobPodReplacementPolicy to false, feature is locked to true".into())
        );
        assert_eq!(g.set("SomethingUnmodelled", true), Ok(false));
        let mut old = FeatureGates::for_version(35);
        assert!(old
            .set("StaleControllerConsistencyReplicaSet", true)
            .unwrap_err()
            .starts_with("unrecognized feature gate"));
        assert_eq!(
            old.all().map(|(n, _)| n).collect::<Vec<_>>(),
            vec!["JobPodReplacementPolicy"]
        );
    }
}
