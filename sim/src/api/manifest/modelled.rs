//! The single table of which manifest fields kubesim models, per kind, and the walk that warns
//! about every field present in a manifest but absent from the table.

// Pattern syntax: dot-separated keys; `[]` after a key means "every element of this list";
// `*` matches any map key. A pattern covers the whole subtree below it. A trailing `{}`
// (`volumes[].emptyDir{}`) models the field's presence but none of its children. Prefix `@`:
// a timestamp, ignored with its own warning (virtual time starts at 0). Prefix `!`: ignored
// silently (`metadata.managedFields`, which kubectl adds to everything it prints).

use std::sync::OnceLock;

use serde_json::Value;

use crate::api::types::Kind;

use super::Warning;

/// What the walk does with a field a pattern matches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mark {
    Modelled,
    Timestamp,
    Silent,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Seg {
    Key(String),
    AnyKey,
    Index,
    /// Matches nothing: makes its parent a strict prefix, so the parent's children are walked.
    Never,
}

#[derive(Clone, Debug)]
struct Pattern {
    segs: Vec<Seg>,
    mark: Mark,
}

pub(super) const UNMODELLED: &str = "field not modelled by kubesim; ignored";
pub(super) const TIMESTAMP: &str =
    "timestamps in manifests are ignored; kubesim sets them from its virtual clock, which starts at 0";

const META: &[&str] = &[
    "apiVersion",
    "kind",
    "metadata.name",
    "metadata.generateName",
    "metadata.namespace",
    "metadata.uid",
    "metadata.resourceVersion",
    "metadata.generation",
    "metadata.deletionGracePeriodSeconds",
    "metadata.labels",
    "metadata.annotations",
    "metadata.ownerReferences",
    "metadata.finalizers",
    "@metadata.creationTimestamp",
    "@metadata.deletionTimestamp",
    "!metadata.managedFields",
];

/// core/v1 PodSpec, relative to the spec.
const POD_SPEC: &[&str] = &[
    "nodeName",
    "schedulerName",
    "restartPolicy",
    "terminationGracePeriodSeconds",
    "activeDeadlineSeconds",
    "nodeSelector",
    "affinity",
    "tolerations",
    "priorityClassName",
    "priority",
    "preemptionPolicy",
    "hostNetwork",
    "topologySpreadConstraints",
    "hostname",
    "subdomain",
    "volumes[].name",
    "volumes[].emptyDir{}",
    "volumes[].hostPath.path",
    "volumes[].configMap.name",
    "volumes[].secret.secretName",
    "volumes[].persistentVolumeClaim.claimName",
];

/// core/v1 Container, relative to one container.
const CONTAINER: &[&str] = &[
    "name",
    "image",
    "imagePullPolicy",
    "resources.requests",
    "resources.limits",
    "ports",
    "restartPolicy",
];

/// core/v1 Probe, relative to one probe.
const PROBE: &[&str] = &[
    "initialDelaySeconds",
    "timeoutSeconds",
    "periodSeconds",
    "successThreshold",
    "failureThreshold",
    "terminationGracePeriodSeconds",
    "exec.command",
    "httpGet.path",
    "httpGet.port",
    "httpGet.scheme",
    "tcpSocket.port",
    "grpc.port",
    "grpc.service",
];

/// core/v1 LifecycleHandler, relative to one handler.
const LIFECYCLE_HANDLER: &[&str] = &[
    "exec.command",
    "httpGet.path",
    "httpGet.port",
    "httpGet.scheme",
    "tcpSocket.port",
    "sleep.seconds",
];

const POD_STATUS: &[&str] = &[
    "status.phase",
    "status.hostIP",
    "status.podIP",
    "@status.startTime",
    "status.reason",
    "status.message",
    "status.nominatedNodeName",
    "status.conditions[].type",
    "status.conditions[].status",
    "status.conditions[].reason",
    "status.conditions[].message",
    "@status.conditions[].lastProbeTime",
    "@status.conditions[].lastTransitionTime",
    // Derived by the API server from modelled fields (podIPs from podIP, qosClass from
    // resources): what `kubectl get -o yaml` prints, accepted without a warning.
    "!status.qosClass",
    "!status.podIPs",
    "!status.hostIPs",
];

/// core/v1 ContainerStatus, relative to one status. The runtime's ids are accepted silently.
const CONTAINER_STATUS: &[&str] = &[
    "name",
    "image",
    "ready",
    "started",
    "restartCount",
    "!imageID",
    "!containerID",
];

/// core/v1 ContainerState, relative to `state` / `lastState`.
const CONTAINER_STATE: &[&str] = &[
    "waiting.reason",
    "waiting.message",
    "@running.startedAt",
    "terminated.exitCode",
    "terminated.reason",
    "terminated.message",
    "@terminated.startedAt",
    "@terminated.finishedAt",
];

const NODE: &[&str] = &[
    "spec.unschedulable",
    "spec.taints[].key",
    "spec.taints[].value",
    "spec.taints[].effect",
    "@spec.taints[].timeAdded",
    "spec.podCIDR",
    "spec.providerID",
    "status.capacity",
    "status.allocatable",
    "status.conditions[].type",
    "status.conditions[].status",
    "status.conditions[].reason",
    "status.conditions[].message",
    "@status.conditions[].lastHeartbeatTime",
    "@status.conditions[].lastTransitionTime",
    "status.addresses",
    "status.images",
    // Derived or reported by the kubelet; accepted without a warning.
    "!spec.podCIDRs",
    "!status.nodeInfo",
    "!status.daemonEndpoints",
];

const NAMESPACE: &[&str] = &["status.phase"];

const SERVICE: &[&str] = &[
    "spec.type",
    "spec.selector",
    "spec.ports[].name",
    "spec.ports[].protocol",
    "spec.ports[].port",
    "spec.ports[].targetPort",
    "spec.ports[].nodePort",
    "spec.clusterIP",
    "spec.externalName",
    "spec.sessionAffinity",
    "spec.externalTrafficPolicy",
    "spec.internalTrafficPolicy",
    "spec.publishNotReadyAddresses",
    "status.loadBalancer.ingress[].ip",
    "status.loadBalancer.ingress[].hostname",
    // Derived from clusterIP (single-stack IPv4); accepted without a warning.
    "!spec.clusterIPs",
    "!spec.ipFamilies",
    "!spec.ipFamilyPolicy",
];

/// core/v1 EndpointAddress, relative to one address.
const ENDPOINT_ADDRESS: &[&str] = &[
    "ip",
    "hostname",
    "nodeName",
    "targetRef.kind",
    "targetRef.namespace",
    "targetRef.name",
    "targetRef.uid",
];

const ENDPOINTS: &[&str] = &[
    "subsets[].ports[].name",
    "subsets[].ports[].port",
    "subsets[].ports[].protocol",
];

/// ReplicationController and ReplicaSet status (ReplicaSet adds terminatingReplicas).
const REPLICA_STATUS: &[&str] = &[
    "status.replicas",
    "status.fullyLabeledReplicas",
    "status.readyReplicas",
    "status.availableReplicas",
    "status.observedGeneration",
    "status.conditions[].type",
    "status.conditions[].status",
    "status.conditions[].reason",
    "status.conditions[].message",
    "@status.conditions[].lastTransitionTime",
];

const TEMPLATE_META: &[&str] = &[
    "spec.template.metadata.labels",
    "spec.template.metadata.annotations",
];

const REPLICATION_CONTROLLER: &[&str] = &["spec.replicas", "spec.selector", "spec.minReadySeconds"];

const REPLICA_SET: &[&str] = &[
    "spec.replicas",
    "spec.selector",
    "spec.minReadySeconds",
    "status.terminatingReplicas",
];

const DEPLOYMENT: &[&str] = &[
    "spec.replicas",
    "spec.selector",
    "spec.strategy.type",
    "spec.strategy.rollingUpdate.maxSurge",
    "spec.strategy.rollingUpdate.maxUnavailable",
    "spec.minReadySeconds",
    "spec.revisionHistoryLimit",
    "spec.paused",
    "spec.progressDeadlineSeconds",
    "status.observedGeneration",
    "status.replicas",
    "status.updatedReplicas",
    "status.readyReplicas",
    "status.availableReplicas",
    "status.unavailableReplicas",
    "status.terminatingReplicas",
    "status.collisionCount",
    "status.conditions[].type",
    "status.conditions[].status",
    "status.conditions[].reason",
    "status.conditions[].message",
    "@status.conditions[].lastUpdateTime",
    "@status.conditions[].lastTransitionTime",
];

const JOB: &[&str] = &[
    "spec.parallelism",
    "spec.completions",
    "spec.activeDeadlineSeconds",
    "spec.backoffLimit",
    "spec.selector",
    "spec.manualSelector",
    "spec.ttlSecondsAfterFinished",
    "spec.completionMode",
    "spec.suspend",
    "spec.podReplacementPolicy",
    "status.conditions[].type",
    "status.conditions[].status",
    "status.conditions[].reason",
    "status.conditions[].message",
    "@status.conditions[].lastProbeTime",
    "@status.conditions[].lastTransitionTime",
    "@status.startTime",
    "@status.completionTime",
    "status.active",
    "status.succeeded",
    "status.failed",
    "status.terminating",
    "status.ready",
    "status.completedIndexes",
];

const EVENT: &[&str] = &[
    "involvedObject.kind",
    "involvedObject.namespace",
    "involvedObject.name",
    "involvedObject.uid",
    "reason",
    "message",
    "type",
    "count",
    "@firstTimestamp",
    "@lastTimestamp",
    "@eventTime",
    "source.component",
    "source.host",
    // Copies of source.* in the events.k8s.io shape; accepted without a warning.
    "!reportingComponent",
    "!reportingInstance",
];

const LEASE: &[&str] = &[
    "spec.holderIdentity",
    "spec.leaseDurationSeconds",
    "spec.leaseTransitions",
    "@spec.acquireTime",
    "@spec.renewTime",
];

const PRIORITY_CLASS: &[&str] = &["value", "globalDefault", "preemptionPolicy", "description"];

/// Builds the pattern strings of one kind (before parsing).
fn pattern_strings(kind: Kind) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let add = |out: &mut Vec<String>, prefix: &str, list: &[&str]| {
        for p in list {
            let (mark, rest) = match p.as_bytes().first() {
                Some(b'@') | Some(b'!') => (&p[..1], &p[1..]),
                _ => ("", *p),
            };
            out.push(format!("{mark}{prefix}{rest}"));
        }
    };
    let pod_spec = |out: &mut Vec<String>, prefix: &str| {
        add(out, prefix, POD_SPEC);
        for list in ["containers[].", "initContainers[]."] {
            let c = format!("{prefix}{list}");
            add(out, &c, CONTAINER);
            for probe in ["livenessProbe.", "readinessProbe.", "startupProbe."] {
                add(out, &format!("{c}{probe}"), PROBE);
            }
            for hook in ["lifecycle.postStart.", "lifecycle.preStop."] {
                add(out, &format!("{c}{hook}"), LIFECYCLE_HANDLER);
            }
        }
    };
    let template = |out: &mut Vec<String>| {
        add(out, "", TEMPLATE_META);
        pod_spec(out, "spec.template.spec.");
    };
    add(&mut out, "", META);
    match kind {
        Kind::Pod => {
            pod_spec(&mut out, "spec.");
            add(&mut out, "", POD_STATUS);
            for list in [
                "status.containerStatuses[].",
                "status.initContainerStatuses[].",
            ] {
                add(&mut out, list, CONTAINER_STATUS);
                for state in ["state.", "lastState."] {
                    add(&mut out, &format!("{list}{state}"), CONTAINER_STATE);
                }
            }
        }
        Kind::Node => add(&mut out, "", NODE),
        Kind::Namespace => add(&mut out, "", NAMESPACE),
        Kind::Service => add(&mut out, "", SERVICE),
        Kind::Endpoints => {
            add(&mut out, "", ENDPOINTS);
            add(&mut out, "subsets[].addresses[].", ENDPOINT_ADDRESS);
            add(&mut out, "subsets[].notReadyAddresses[].", ENDPOINT_ADDRESS);
        }
        Kind::ReplicationController => {
            add(&mut out, "", REPLICATION_CONTROLLER);
            add(&mut out, "", REPLICA_STATUS);
            template(&mut out);
        }
        Kind::ReplicaSet => {
            add(&mut out, "", REPLICA_SET);
            add(&mut out, "", REPLICA_STATUS);
            template(&mut out);
        }
        Kind::Deployment => {
            add(&mut out, "", DEPLOYMENT);
            template(&mut out);
        }
        Kind::Job => {
            add(&mut out, "", JOB);
            template(&mut out);
        }
        Kind::Event => add(&mut out, "", EVENT),
        Kind::Lease => add(&mut out, "", LEASE),
        Kind::PriorityClass => add(&mut out, "", PRIORITY_CLASS),
    }
    out
}

fn parse_pattern(s: &str) -> Pattern {
    let (mark, body) = match s.as_bytes().first() {
        Some(b'@') => (Mark::Timestamp, &s[1..]),
        Some(b'!') => (Mark::Silent, &s[1..]),
        _ => (Mark::Modelled, s),
    };
    let mut segs = Vec::new();
    for part in body.split('.') {
        let (part, presence_only) = match part.strip_suffix("{}") {
            Some(p) => (p, true),
            None => (part, false),
        };
        let (key, list) = match part.strip_suffix("[]") {
            Some(k) => (k, true),
            None => (part, false),
        };
        segs.push(if key == "*" {
            Seg::AnyKey
        } else {
            Seg::Key(key.to_string())
        });
        if list {
            segs.push(Seg::Index);
        }
        if presence_only {
            segs.push(Seg::Never);
        }
    }
    Pattern { segs, mark }
}

fn table(kind: Kind) -> &'static [Pattern] {
    static TABLES: OnceLock<Vec<Vec<Pattern>>> = OnceLock::new();
    let tables = TABLES.get_or_init(|| {
        Kind::ALL
            .iter()
            .map(|k| {
                pattern_strings(*k)
                    .iter()
                    .map(|s| parse_pattern(s))
                    .collect()
            })
            .collect()
    });
    let i = Kind::ALL.iter().position(|k| *k == kind).unwrap_or(0);
    &tables[i]
}

/// The modelled-path patterns of a kind, as written in the table (for documentation and tests).
pub fn modelled_paths(kind: Kind) -> Vec<String> {
    pattern_strings(kind)
}

#[derive(Clone, Copy)]
enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

fn render(path: &[Step<'_>]) -> String {
    let mut out = String::new();
    for step in path {
        match step {
            Step::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            Step::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

/// Walks `typed` (the k8s-openapi object serialized back to JSON) and warns about every field
/// the table of `kind` does not cover. Fields absent from `raw` (the manifest as written) are
/// skipped: they are required fields k8s-openapi fills with empty values, not user input.
pub(super) fn check(kind: Kind, typed: &Value, raw: &Value, warnings: &mut Vec<Warning>) {
    let patterns: Vec<&Pattern> = table(kind).iter().collect();
    let mut path = Vec::new();
    walk(typed, raw, &mut path, &patterns, warnings);
}

fn walk<'v>(
    typed: &'v Value,
    raw: &'v Value,
    path: &mut Vec<Step<'v>>,
    candidates: &[&Pattern],
    warnings: &mut Vec<Warning>,
) {
    let depth = path.len();
    if let Some(full) = candidates.iter().find(|p| p.segs.len() == depth) {
        match full.mark {
            Mark::Modelled | Mark::Silent => {}
            Mark::Timestamp => warnings.push(Warning {
                path: render(path),
                message: TIMESTAMP.into(),
            }),
        }
        return;
    }
    if candidates.is_empty() {
        // An empty map or list (`spec: {}`, `env: []`) carries nothing that could be ignored.
        let empty = match raw {
            Value::Object(m) => m.is_empty(),
            Value::Array(a) => a.is_empty(),
            _ => false,
        };
        if empty {
            return;
        }
        warnings.push(Warning {
            path: render(path),
            message: UNMODELLED.into(),
        });
        return;
    }
    match (typed, raw) {
        (Value::Object(t), Value::Object(r)) => {
            for (key, tv) in t {
                let Some(rv) = r.get(key) else { continue };
                let next: Vec<&Pattern> = candidates
                    .iter()
                    .copied()
                    .filter(|p| match p.segs.get(depth) {
                        Some(Seg::Key(k)) => k == key,
                        Some(Seg::AnyKey) => true,
                        _ => false,
                    })
                    .collect();
                path.push(Step::Key(key));
                walk(tv, rv, path, &next, warnings);
                path.pop();
            }
        }
        (Value::Array(t), Value::Array(r)) => {
            let next: Vec<&Pattern> = candidates
                .iter()
                .copied()
                .filter(|p| p.segs.get(depth) == Some(&Seg::Index))
                .collect();
            for (i, (tv, rv)) in t.iter().zip(r.iter()).enumerate() {
                path.push(Step::Index(i));
                walk(tv, rv, path, &next, warnings);
                path.pop();
            }
        }
        // A scalar where the table expects structure: nothing below it to report.
        _ => {}
    }
}
