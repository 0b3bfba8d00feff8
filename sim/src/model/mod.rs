//! Models of the simulated world: timing distributions for etcd, the API server and the
//! network, loaded from YAML files in `models/`. Pure data; every layer may read it.

mod dist;
mod node;

pub use dist::Distribution;
pub use node::{parse_size, ContainerBehavior, ImageSpec, KubeletModel, RunFor, RuntimeModel};

use serde::Deserialize;

use crate::engine::{parse_duration, SimDuration, MICROSECOND, MILLISECOND, MINUTE, SECOND};

/// The whole model file (`models/default.yaml`). Every field has the default documented in
/// docs/models.md, so a model file only states what it changes.
#[derive(Clone, Debug, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct Model {
    pub name: String,
    pub description: String,
    pub etcd: EtcdModel,
    pub apiserver: ApiServerModel,
    pub network: NetworkModel,
    pub kubelet: KubeletModel,
    pub runtime: RuntimeModel,
    pub node_lifecycle: NodeLifecycleModel,
    pub scheduler: SchedulerModel,
    pub controller_manager: ControllerManagerModel,
}

impl Default for Model {
    fn default() -> Self {
        Model {
            name: "builtin-default".into(),
            description: String::new(),
            etcd: EtcdModel::default(),
            apiserver: ApiServerModel::default(),
            network: NetworkModel::default(),
            kubelet: KubeletModel::default(),
            runtime: RuntimeModel::default(),
            node_lifecycle: NodeLifecycleModel::default(),
            scheduler: SchedulerModel::default(),
            controller_manager: ControllerManagerModel::default(),
        }
    }
}

/// What API requests do while etcd is unavailable.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub enum OutageMode {
    /// Fail with `etcdserver: request timed out` after `requestTimeout`.
    Fail,
    /// Wait until etcd is back, then proceed.
    Wait,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct EtcdModel {
    /// Latency of a read (range) request, apiserver to etcd and back.
    pub read_latency: Distribution,
    /// Latency of a write (txn with a put/delete), including the raft commit.
    pub write_latency: Distribution,
    /// How often the API server compacts etcd history (kube-apiserver
    /// `--etcd-compaction-interval`, default 5m). Each tick compacts to the revision recorded at
    /// the previous tick. `0s` disables compaction.
    #[serde(deserialize_with = "de_duration")]
    pub compaction_interval: SimDuration,
    pub outage_mode: OutageMode,
    /// With `outageMode: fail`, how long a request hangs before it fails.
    #[serde(deserialize_with = "de_duration")]
    pub request_timeout: SimDuration,
}

impl Default for EtcdModel {
    fn default() -> Self {
        EtcdModel {
            read_latency: Distribution::Constant(MILLISECOND),
            write_latency: Distribution::Constant(2 * MILLISECOND),
            compaction_interval: 5 * MINUTE,
            outage_mode: OutageMode::Fail,
            request_timeout: 5 * SECOND,
        }
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct ApiServerModel {
    /// The API server's own handling time per request (authn, admission, conversion).
    pub request_processing: Distribution,
    /// Server-side delay between an etcd commit and the watch cache dispatching the event.
    pub watch_dispatch: Distribution,
    /// The lifetime of a watch before the server closes it; upstream picks
    /// `--min-request-timeout` (1800s) times a random factor in [1, 2)
    /// (staging/src/k8s.io/apiserver/pkg/endpoints/handlers/get.go).
    pub watch_timeout: Distribution,
}

impl Default for ApiServerModel {
    fn default() -> Self {
        ApiServerModel {
            request_processing: Distribution::Constant(100 * crate::engine::MICROSECOND),
            watch_dispatch: Distribution::Constant(100 * crate::engine::MICROSECOND),
            watch_timeout: Distribution::Uniform {
                min: 30 * MINUTE,
                max: 60 * MINUTE,
            },
        }
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct NetworkModel {
    /// One-way latency between a client's host and the control plane.
    pub control_plane_latency: Distribution,
    /// One-way latency between two hosts that are not the control plane.
    pub host_latency: Distribution,
}

impl Default for NetworkModel {
    fn default() -> Self {
        NetworkModel {
            control_plane_latency: Distribution::Constant(500 * crate::engine::MICROSECOND),
            host_latency: Distribution::Constant(200 * crate::engine::MICROSECOND),
        }
    }
}

/// The bundled default model, `models/default.yaml`. A model file states only what it
/// changes: its sections are laid over this one field by field.
pub const DEFAULT_MODEL_YAML: &str = include_str!("../../../models/default.yaml");

impl Model {
    /// The bundled default model.
    pub fn builtin() -> Model {
        Model::parse_strict(DEFAULT_MODEL_YAML, "models/default.yaml")
            .expect("the bundled model is valid")
    }

    /// Parses a model file, taking every field it omits from the bundled default model.
    /// `source_name` names it in errors, which carry the line and the field path.
    pub fn from_yaml(text: &str, source_name: &str) -> Result<Model, String> {
        // First on its own, for errors with line numbers; then laid over the default.
        Model::parse_strict(text, source_name)?;
        let mut merged: serde_yaml::Value =
            serde_yaml::from_str(DEFAULT_MODEL_YAML).expect("the bundled model is valid YAML");
        let user: serde_yaml::Value =
            serde_yaml::from_str(text).map_err(|e| format!("{source_name}: {e}"))?;
        if let (serde_yaml::Value::Mapping(base), serde_yaml::Value::Mapping(over)) =
            (&mut merged, user)
        {
            for (k, v) in over {
                match (base.get_mut(&k), v) {
                    (
                        Some(serde_yaml::Value::Mapping(section)),
                        serde_yaml::Value::Mapping(fields),
                    ) => {
                        // A field replaces the default's field whole (a distribution is one value).
                        for (fk, fv) in fields {
                            section.insert(fk, fv);
                        }
                    }
                    (_, v) => {
                        base.insert(k, v);
                    }
                }
            }
        }
        let model: Model =
            serde_yaml::from_value(merged).map_err(|e| format!("{source_name}: {e}"))?;
        model
            .validate()
            .map_err(|e| format!("{source_name}: {e}"))?;
        Ok(model)
    }

    fn parse_strict(text: &str, source_name: &str) -> Result<Model, String> {
        let model: Model = from_yaml_strict(text, source_name)?;
        model
            .validate()
            .map_err(|e| format!("{source_name}: {e}"))?;
        Ok(model)
    }

    fn validate(&self) -> Result<(), String> {
        for (path, d) in [
            ("etcd.readLatency", &self.etcd.read_latency),
            ("etcd.writeLatency", &self.etcd.write_latency),
            (
                "apiserver.requestProcessing",
                &self.apiserver.request_processing,
            ),
            ("apiserver.watchDispatch", &self.apiserver.watch_dispatch),
            ("apiserver.watchTimeout", &self.apiserver.watch_timeout),
            (
                "network.controlPlaneLatency",
                &self.network.control_plane_latency,
            ),
            ("network.hostLatency", &self.network.host_latency),
        ] {
            d.validate().map_err(|e| format!("{path}: {e}"))?;
        }
        self.runtime.validate()?;
        self.node_lifecycle.validate()?;
        self.scheduler.validate()?;
        self.controller_manager.validate()?;
        Ok(())
    }
}

/// Deserializes one of kubesim's own YAML formats (scenarios, models), where unknown fields
/// are errors. The message names the file, the line and column, and the field path:
/// `m.yaml:2:3: etcd: unknown field ...`.
pub(crate) fn from_yaml_strict<T: serde::de::DeserializeOwned>(
    text: &str,
    source_name: &str,
) -> Result<T, String> {
    let de = serde_yaml::Deserializer::from_str(text);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let loc = inner
            .location()
            .map(|l| format!(":{}:{}", l.line(), l.column()))
            .unwrap_or_default();
        let path = if path == "." {
            String::new()
        } else {
            format!("{path}: ")
        };
        format!("{source_name}{loc}: {path}{inner}")
    })
}

pub(crate) fn de_duration<'de, D: serde::Deserializer<'de>>(d: D) -> Result<SimDuration, D::Error> {
    let s = String::deserialize(d)?;
    parse_duration(&s).map_err(serde::de::Error::custom)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_default_model_parses() {
        let text = include_str!("../../../models/default.yaml");
        let m = Model::from_yaml(text, "models/default.yaml").unwrap();
        assert_eq!(m.name, "default");
        assert_eq!(m.etcd.compaction_interval, 5 * MINUTE);
    }

    #[test]
    fn a_model_file_changes_only_what_it_states() {
        let m =
            Model::from_yaml("name: slow-etcd\netcd:\n  writeLatency: 50ms\n", "m.yaml").unwrap();
        let base = Model::builtin();
        assert_eq!(m.name, "slow-etcd");
        assert_eq!(
            m.etcd.write_latency,
            Distribution::Constant(50 * MILLISECOND)
        );
        assert_eq!(m.etcd.read_latency, base.etcd.read_latency);
        assert_eq!(
            m.network.control_plane_latency,
            base.network.control_plane_latency
        );
    }

    #[test]
    fn unknown_fields_are_errors_with_their_path() {
        let err = Model::from_yaml("etcd:\n  writeLatncy: 1ms\n", "m.yaml").unwrap_err();
        assert!(err.starts_with("m.yaml:2:"), "{err}");
        assert!(err.contains("etcd"), "{err}");
        assert!(err.contains("unknown field `writeLatncy`"), "{err}");
    }

    #[test]
    fn bad_distributions_are_errors() {
        let err = Model::from_yaml(
            "etcd:\n  readLatency: {uniform: {min: 2ms, max: 1ms}}\n",
            "m.yaml",
        )
        .unwrap_err();
        assert!(err.contains("etcd.readLatency"), "{err}");
    }
}

/// The node lifecycle controller of kube-controller-manager
/// (pkg/controller/nodelifecycle, flags in cmd/kube-controller-manager/app/options).
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct NodeLifecycleModel {
    /// How often the controller checks node health (`--node-monitor-period`, default 5s).
    #[serde(deserialize_with = "de_duration")]
    pub node_monitor_period: SimDuration,
    /// How long a node may go without a Lease renewal or status heartbeat before it is
    /// marked Unknown (`--node-monitor-grace-period`, default 50s since Kubernetes 1.32;
    /// 40s before).
    #[serde(deserialize_with = "de_duration")]
    pub node_monitor_grace_period: SimDuration,
    /// The grace period of a node that never posted its status, counted from its creation
    /// (`--node-startup-grace-period`, default 1m).
    #[serde(deserialize_with = "de_duration")]
    pub node_startup_grace_period: SimDuration,
    /// Nodes per second that get a NoExecute taint, per zone, while the zone is healthy
    /// (`--node-eviction-rate`, default 0.1).
    pub node_eviction_rate: f64,
    /// The same while a zone larger than `largeClusterSizeThreshold` is partially disrupted
    /// (`--secondary-node-eviction-rate`, default 0.01).
    pub secondary_node_eviction_rate: f64,
    /// Zones with at most this many nodes stop tainting when partially disrupted
    /// (`--large-cluster-size-threshold`, default 50).
    pub large_cluster_size_threshold: u32,
    /// The fraction of not-Ready nodes (at least 3) that makes a zone partially disrupted
    /// (`--unhealthy-zone-threshold`, default 0.55).
    pub unhealthy_zone_threshold: f64,
}

impl Default for NodeLifecycleModel {
    fn default() -> Self {
        NodeLifecycleModel {
            node_monitor_period: 5 * SECOND,
            node_monitor_grace_period: 50 * SECOND,
            node_startup_grace_period: MINUTE,
            node_eviction_rate: 0.1,
            secondary_node_eviction_rate: 0.01,
            large_cluster_size_threshold: 50,
            unhealthy_zone_threshold: 0.55,
        }
    }
}

impl NodeLifecycleModel {
    fn validate(&self) -> Result<(), String> {
        if self.node_monitor_period == 0 {
            return Err("nodeLifecycle.nodeMonitorPeriod: must be greater than 0".into());
        }
        for (path, rate) in [
            ("nodeLifecycle.nodeEvictionRate", self.node_eviction_rate),
            (
                "nodeLifecycle.secondaryNodeEvictionRate",
                self.secondary_node_eviction_rate,
            ),
            (
                "nodeLifecycle.unhealthyZoneThreshold",
                self.unhealthy_zone_threshold,
            ),
        ] {
            if !(rate >= 0.0 && rate.is_finite()) {
                return Err(format!("{path}: must be a finite number >= 0"));
            }
        }
        Ok(())
    }
}

/// kube-scheduler's own costs: how long one scheduling attempt takes in virtual time, and its
/// API client's rate limits (KubeSchedulerConfiguration clientConnection).
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct SchedulerModel {
    /// Fixed cost of one scheduling attempt (queue pop, snapshot update, PreFilter, host
    /// selection, assume).
    #[serde(deserialize_with = "de_duration")]
    pub attempt_base: SimDuration,
    /// Added per node the attempt ran Filter on (and scored), so large clusters cost more.
    #[serde(deserialize_with = "de_duration")]
    pub attempt_per_node: SimDuration,
    /// The scheduler's client QPS and burst (clientConnection.qps 50, burst 100 in
    /// pkg/scheduler/apis/config/v1/defaults.go). Bindings and status updates share them.
    pub client_qps: f64,
    pub client_burst: u32,
}

impl Default for SchedulerModel {
    fn default() -> Self {
        SchedulerModel {
            attempt_base: 200 * MICROSECOND,
            attempt_per_node: 2 * MICROSECOND,
            client_qps: 50.0,
            client_burst: 100,
        }
    }
}

impl SchedulerModel {
    fn validate(&self) -> Result<(), String> {
        if !(self.client_qps > 0.0 && self.client_qps.is_finite()) {
            return Err("scheduler.clientQps: must be a finite number > 0".into());
        }
        if self.client_burst == 0 {
            return Err("scheduler.clientBurst: must be at least 1".into());
        }
        Ok(())
    }
}

/// kube-controller-manager's workload controllers: their API client's rate limits, how many
/// workers each runs, and what one sync costs in virtual time
/// (cmd/kube-controller-manager/app/options, pkg/controller/*/config/v1alpha1/defaults.go).
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct ControllerManagerModel {
    /// `--kube-api-qps` (20) and `--kube-api-burst` (30): each controller's client.
    pub kube_api_qps: f64,
    pub kube_api_burst: u32,
    /// `--concurrent-replicaset-syncs` (5).
    pub concurrent_replicaset_syncs: u32,
    /// `--concurrent-rc-syncs` (5).
    pub concurrent_rc_syncs: u32,
    /// `--concurrent-deployment-syncs` (5).
    pub concurrent_deployment_syncs: u32,
    /// `--concurrent-job-syncs` (5).
    pub concurrent_job_syncs: u32,
    /// `--concurrent-gc-syncs` (20).
    pub concurrent_gc_syncs: u32,
    /// Virtual time one sync of one object takes (its worker is busy meanwhile).
    #[serde(deserialize_with = "de_duration")]
    pub sync_duration: SimDuration,
    /// The run's Kubernetes version and feature gates (`kubernetesVersion` and
    /// `featureGates` in the scenario, not the model file).
    #[serde(skip)]
    pub features: crate::features::FeatureGates,
}

impl Default for ControllerManagerModel {
    fn default() -> Self {
        ControllerManagerModel {
            kube_api_qps: 20.0,
            kube_api_burst: 30,
            concurrent_replicaset_syncs: 5,
            concurrent_rc_syncs: 5,
            concurrent_deployment_syncs: 5,
            concurrent_job_syncs: 5,
            concurrent_gc_syncs: 20,
            sync_duration: 100 * MICROSECOND,
            features: Default::default(),
        }
    }
}

impl ControllerManagerModel {
    fn validate(&self) -> Result<(), String> {
        if !(self.kube_api_qps > 0.0 && self.kube_api_qps.is_finite()) {
            return Err("controllerManager.kubeApiQps: must be a finite number > 0".into());
        }
        for (path, v) in [
            ("controllerManager.kubeApiBurst", self.kube_api_burst),
            (
                "controllerManager.concurrentReplicasetSyncs",
                self.concurrent_replicaset_syncs,
            ),
            (
                "controllerManager.concurrentRcSyncs",
                self.concurrent_rc_syncs,
            ),
            (
                "controllerManager.concurrentDeploymentSyncs",
                self.concurrent_deployment_syncs,
            ),
            (
                "controllerManager.concurrentJobSyncs",
                self.concurrent_job_syncs,
            ),
            (
                "controllerManager.concurrentGcSyncs",
                self.concurrent_gc_syncs,
            ),
        ] {
            if v == 0 {
                return Err(format!("{path}: must be at least 1"));
            }
        }
        Ok(())
    }
}
