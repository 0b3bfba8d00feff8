//! What crosses the wire between clients and the API server: requests (verbs), responses,
//! `metav1.Status` errors with upstream's reasons and messages, watch events and field
//! selectors. Mirrors staging/src/k8s.io/apimachinery/pkg/api/errors/errors.go.

use std::sync::Arc;

use crate::api::selector::LabelSelector;
use crate::api::types::{Kind, Name, Object, Uid};

/// Background is the API server's default for most kinds; kubectl sends Background too.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PropagationPolicy {
    Orphan,
    Background,
    Foreground,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct DeleteOptions {
    pub grace_period_seconds: Option<i64>,
    pub propagation_policy: Option<PropagationPolicy>,
    pub precondition_uid: Option<Uid>,
    pub precondition_resource_version: Option<u64>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct WatchRequest {
    pub kind: Kind,
    pub namespace: Option<Name>,
    pub label_selector: Option<LabelSelector>,
    pub field_selector: Option<FieldSelector>,
    /// Deliver every change after this revision; `None` starts at the current revision.
    pub resource_version: Option<u64>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Request {
    Create {
        object: Object,
    },
    Get {
        kind: Kind,
        namespace: Name,
        name: Name,
    },
    List {
        kind: Kind,
        namespace: Option<Name>,
        label_selector: Option<LabelSelector>,
        field_selector: Option<FieldSelector>,
    },
    /// PUT: replaces spec and metadata; a non-zero `metadata.resourceVersion` is a precondition.
    Update {
        object: Object,
    },
    /// PUT on the status subresource: replaces only the status.
    UpdateStatus {
        object: Object,
    },
    /// A patch of the object or its status subresource: a JSON merge patch (RFC 7386), or
    /// with `strategic` a strategic merge patch (lists of named things merged by key).
    Patch {
        kind: Kind,
        namespace: Name,
        name: Name,
        patch: serde_json::Value,
        status: bool,
        strategic: bool,
    },
    Delete {
        kind: Kind,
        namespace: Name,
        name: Name,
        options: DeleteOptions,
    },
    /// POST pods/{name}/binding: what the scheduler sends.
    Bind {
        namespace: Name,
        name: Name,
        node: Name,
        uid: Option<Uid>,
    },
    Watch(WatchRequest),
}

impl Request {
    /// The verb as the API server's audit log and metrics name it.
    pub fn verb(&self) -> &'static str {
        match self {
            Request::Create { .. } | Request::Bind { .. } => "create",
            Request::Get { .. } => "get",
            Request::List { .. } => "list",
            Request::Update { .. } | Request::UpdateStatus { .. } => "update",
            Request::Patch { .. } => "patch",
            Request::Delete { .. } => "delete",
            Request::Watch(_) => "watch",
        }
    }

    pub fn is_write(&self) -> bool {
        !matches!(
            self,
            Request::Get { .. } | Request::List { .. } | Request::Watch(_)
        )
    }

    pub fn kind(&self) -> Kind {
        match self {
            Request::Create { object }
            | Request::Update { object }
            | Request::UpdateStatus { object } => object.kind(),
            Request::Get { kind, .. }
            | Request::List { kind, .. }
            | Request::Patch { kind, .. }
            | Request::Delete { kind, .. } => *kind,
            Request::Bind { .. } => Kind::Pod,
            Request::Watch(w) => w.kind,
        }
    }

    /// (namespace, name) the request addresses, empty for lists and watches.
    pub fn target(&self) -> (&str, &str) {
        match self {
            Request::Create { object }
            | Request::Update { object }
            | Request::UpdateStatus { object } => (&object.meta.namespace, &object.meta.name),
            Request::Get {
                namespace, name, ..
            }
            | Request::Patch {
                namespace, name, ..
            }
            | Request::Delete {
                namespace, name, ..
            }
            | Request::Bind {
                namespace, name, ..
            } => (namespace, name),
            Request::List { .. } | Request::Watch(_) => ("", ""),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Response {
    Object(Arc<Object>),
    List {
        items: Vec<Arc<Object>>,
        resource_version: u64,
    },
    /// The watch is registered; events follow as separate messages.
    WatchStarted,
}

impl Response {
    pub fn object(&self) -> Option<&Arc<Object>> {
        match self {
            Response::Object(o) => Some(o),
            _ => None,
        }
    }
}

/// metav1.StatusReason values kubesim produces.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatusReason {
    NotFound,
    AlreadyExists,
    Conflict,
    Invalid,
    BadRequest,
    Forbidden,
    /// 410: the requested resourceVersion has been compacted.
    Expired,
    Timeout,
    InternalError,
    MethodNotAllowed,
}

impl StatusReason {
    pub fn as_str(self) -> &'static str {
        match self {
            StatusReason::NotFound => "NotFound",
            StatusReason::AlreadyExists => "AlreadyExists",
            StatusReason::Conflict => "Conflict",
            StatusReason::Invalid => "Invalid",
            StatusReason::BadRequest => "BadRequest",
            StatusReason::Forbidden => "Forbidden",
            StatusReason::Expired => "Expired",
            StatusReason::Timeout => "Timeout",
            StatusReason::InternalError => "InternalError",
            StatusReason::MethodNotAllowed => "MethodNotAllowed",
        }
    }
}

/// An error response: metav1.Status with code, reason and message.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct Status {
    pub code: u16,
    pub reason: StatusReason,
    pub message: String,
    /// For 422 Invalid: the kind (without group), name and field errors, which kubectl
    /// prints as `The Deployment "web" is invalid: ...` (metav1.StatusDetails).
    pub details: Option<Box<InvalidDetails>>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidDetails {
    pub kind: Kind,
    pub name: String,
    pub errors: String,
}

impl Status {
    fn new(code: u16, reason: StatusReason, message: String) -> Status {
        Status {
            code,
            reason,
            message,
            details: None,
        }
    }

    /// apierrors.NewNotFound: `pods "web" not found`, `deployments.apps "web" not found`.
    pub fn not_found(kind: Kind, name: &str) -> Status {
        Status::new(
            404,
            StatusReason::NotFound,
            format!("{} \"{name}\" not found", qualified_resource(kind)),
        )
    }
    /// apierrors.NewAlreadyExists.
    pub fn already_exists(kind: Kind, name: &str) -> Status {
        Status::new(
            409,
            StatusReason::AlreadyExists,
            format!("{} \"{name}\" already exists", qualified_resource(kind)),
        )
    }
    /// apierrors.NewConflict with the optimistic-concurrency message of
    /// registry.OptimisticLockErrorMsg.
    pub fn conflict(kind: Kind, name: &str) -> Status {
        Status::conflict_with(
            kind,
            name,
            "the object has been modified; please apply your changes to the latest version and try again",
        )
    }
    pub fn conflict_with(kind: Kind, name: &str, detail: &str) -> Status {
        Status::new(
            409,
            StatusReason::Conflict,
            format!(
                "Operation cannot be fulfilled on {} \"{name}\": {detail}",
                qualified_resource(kind)
            ),
        )
    }
    /// A delete, update or binding whose UID precondition names another incarnation of the
    /// object (storage.NewInvalidObjError's message as the registry returns it).
    pub fn uid_precondition_failed(
        kind: Kind,
        name: &str,
        precondition: Uid,
        actual: Uid,
    ) -> Status {
        Status::conflict_with(
            kind,
            name,
            &format!("Precondition failed: UID in precondition: {precondition}, UID in object meta: {actual}"),
        )
    }
    /// apierrors.NewInvalid: `Deployment.apps "web" is invalid: <errors>`.
    pub fn invalid(kind: Kind, name: &str, errors: &str) -> Status {
        let mut s = Status::new(
            422,
            StatusReason::Invalid,
            format!("{} \"{name}\" is invalid: {errors}", qualified_kind(kind)),
        );
        s.details = Some(Box::new(InvalidDetails {
            kind,
            name: name.to_string(),
            errors: errors.to_string(),
        }));
        s
    }
    pub fn bad_request(message: impl Into<String>) -> Status {
        Status::new(400, StatusReason::BadRequest, message.into())
    }
    pub fn forbidden(message: impl Into<String>) -> Status {
        Status::new(403, StatusReason::Forbidden, message.into())
    }
    /// The watch cache's 410 for a compacted revision (storage/cacher/watch_cache.go:
    /// `too old resource version: %d (%d)`).
    pub fn gone(requested: u64, oldest: u64) -> Status {
        Status::new(
            410,
            StatusReason::Expired,
            format!("too old resource version: {requested} ({oldest})"),
        )
    }
    /// What clients see while etcd is down.
    pub fn etcd_timeout() -> Status {
        Status::new(
            500,
            StatusReason::InternalError,
            "etcdserver: request timed out".into(),
        )
    }
    pub fn client_timeout(host: &str) -> Status {
        Status::new(
            504,
            StatusReason::Timeout,
            format!("dial tcp {host}:6443: i/o timeout"),
        )
    }

    /// How kubectl prints it: `Error from server (NotFound): pods "web" not found`.
    pub fn kubectl_message(&self) -> String {
        match self.reason {
            // kubectl's StandardErrorMessage: `The <details.kind> "<name>" is invalid: <causes>`,
            // the kind without its group.
            StatusReason::Invalid => match &self.details {
                Some(d) => format!(
                    "The {} \"{}\" is invalid: {}",
                    d.kind.as_str(),
                    d.name,
                    d.errors
                ),
                None => format!("The request is invalid: {}", self.message),
            },
            _ => format!(
                "Error from server ({}): {}",
                self.reason.as_str(),
                self.message
            ),
        }
    }
}

/// `pods`, `deployments.apps`, `jobs.batch`: the resource with its API group.
pub fn qualified_resource(kind: Kind) -> String {
    match group(kind) {
        "" => kind.resource().to_string(),
        g => format!("{}.{g}", kind.resource()),
    }
}

/// `Pod`, `Deployment.apps`, `Job.batch`.
pub fn qualified_kind(kind: Kind) -> String {
    match group(kind) {
        "" => kind.as_str().to_string(),
        g => format!("{}.{g}", kind.as_str()),
    }
}

fn group(kind: Kind) -> &'static str {
    kind.api_version()
        .split_once('/')
        .map(|(g, _)| g)
        .unwrap_or("")
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WatchEventType {
    Added,
    Modified,
    Deleted,
}

impl WatchEventType {
    pub fn as_str(self) -> &'static str {
        match self {
            WatchEventType::Added => "ADDED",
            WatchEventType::Modified => "MODIFIED",
            WatchEventType::Deleted => "DELETED",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct WatchEvent {
    pub type_: WatchEventType,
    /// For DELETED, the last state with `resourceVersion` set to the deletion revision.
    pub object: Arc<Object>,
}

/// A field selector requirement: `spec.nodeName=node-1`, `status.phase!=Succeeded`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldRequirement {
    pub field: Name,
    pub equals: bool,
    pub value: Name,
}

/// Field selectors as the API server supports them per kind (metadata.name,
/// metadata.namespace for all; pods: spec.nodeName, spec.schedulerName, status.phase,
/// status.podIP; nodes: spec.unschedulable; events: involvedObject.*, reason, type).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct FieldSelector {
    pub requirements: Vec<FieldRequirement>,
}

impl FieldSelector {
    pub fn node_name(node: &str) -> FieldSelector {
        FieldSelector {
            requirements: vec![FieldRequirement {
                field: "spec.nodeName".into(),
                equals: true,
                value: node.into(),
            }],
        }
    }

    /// Parses `a=b,c!=d` (`==` also accepted), checking fields against what `kind` supports.
    pub fn parse(kind: Kind, s: &str) -> Result<FieldSelector, String> {
        let mut requirements = Vec::new();
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (field, equals, value) = if let Some((f, v)) = part.split_once("!=") {
                (f, false, v)
            } else if let Some((f, v)) = part.split_once("==") {
                (f, true, v)
            } else if let Some((f, v)) = part.split_once('=') {
                (f, true, v)
            } else {
                return Err(format!(
                    "invalid selector: '{s}'; can't understand '{part}'"
                ));
            };
            let field = field.trim();
            if !supported_field(kind, field) {
                // apiserver: `field label not supported: <field>`
                return Err(format!("field label not supported: {field}"));
            }
            requirements.push(FieldRequirement {
                field: field.into(),
                equals,
                value: value.trim().into(),
            });
        }
        Ok(FieldSelector { requirements })
    }

    pub fn matches(&self, obj: &Object) -> bool {
        self.requirements.iter().all(|r| {
            let v = field_value(obj, &r.field);
            (v.as_deref() == Some(r.value.as_str())) == r.equals
        })
    }

    /// The `spec.nodeName` a selector pins, if any: lets the API server index pod watches by
    /// node as upstream's cacher does with its trigger functions.
    pub fn pinned_node_name(&self) -> Option<&str> {
        self.requirements
            .iter()
            .find(|r| r.equals && r.field == "spec.nodeName")
            .map(|r| r.value.as_str())
    }
}

impl std::fmt::Display for FieldSelector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, r) in self.requirements.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            let op = if r.equals { "=" } else { "!=" };
            write!(f, "{}{op}{}", r.field, r.value)?;
        }
        Ok(())
    }
}

fn supported_field(kind: Kind, field: &str) -> bool {
    if matches!(field, "metadata.name" | "metadata.namespace") {
        return true;
    }
    match kind {
        Kind::Pod => matches!(
            field,
            "spec.nodeName"
                | "spec.schedulerName"
                | "status.phase"
                | "status.podIP"
                | "spec.restartPolicy"
        ),
        Kind::Node => field == "spec.unschedulable",
        Kind::Event => matches!(
            field,
            "involvedObject.kind"
                | "involvedObject.namespace"
                | "involvedObject.name"
                | "involvedObject.uid"
                | "reason"
                | "type"
                | "source"
        ),
        Kind::Namespace => field == "status.phase",
        _ => false,
    }
}

fn field_value(obj: &Object, field: &str) -> Option<String> {
    use crate::api::types::Body;
    let s = |x: &str| Some(x.to_string());
    match (field, &obj.body) {
        ("metadata.name", _) => s(&obj.meta.name),
        ("metadata.namespace", _) => s(&obj.meta.namespace),
        ("spec.nodeName", Body::Pod(p)) => s(&p.spec.node_name),
        ("spec.schedulerName", Body::Pod(p)) => s(&p.spec.scheduler_name),
        ("spec.restartPolicy", Body::Pod(p)) => s(p.spec.restart_policy.as_str()),
        ("status.phase", Body::Pod(p)) => s(p.status.phase.as_str()),
        ("status.podIP", Body::Pod(p)) => s(&p.status.pod_ip),
        ("spec.unschedulable", Body::Node(n)) => s(if n.spec.unschedulable {
            "true"
        } else {
            "false"
        }),
        ("status.phase", Body::Namespace(n)) => s(match n.phase {
            crate::api::types::NamespacePhase::Active => "Active",
            crate::api::types::NamespacePhase::Terminating => "Terminating",
        }),
        ("reason", Body::Event(e)) => s(&e.reason),
        ("type", Body::Event(e)) => s(&e.type_),
        ("source", Body::Event(e)) => s(&e.source_component),
        (f, Body::Event(e)) if f.starts_with("involvedObject.") => {
            let r = e.involved_object.as_ref()?;
            match &f["involvedObject.".len()..] {
                "kind" => s(&r.kind),
                "namespace" => s(&r.namespace),
                "name" => s(&r.name),
                "uid" => Some(r.uid.to_string()),
                _ => None,
            }
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_match_upstream() {
        assert_eq!(
            Status::not_found(Kind::Pod, "web").message,
            "pods \"web\" not found"
        );
        assert_eq!(
            Status::not_found(Kind::Deployment, "web").message,
            "deployments.apps \"web\" not found"
        );
        assert_eq!(
            Status::already_exists(Kind::Job, "pi").message,
            "jobs.batch \"pi\" already exists"
        );
        assert_eq!(
            Status::conflict(Kind::Pod, "web").message,
            "Operation cannot be fulfilled on pods \"web\": the object has been modified; please apply your changes to the latest version and try again"
        );
        assert_eq!(
            Status::not_found(Kind::Pod, "web").kubectl_message(),
            "Error from server (NotFound): pods \"web\" not found"
        );
        assert_eq!(
            Status::invalid(Kind::Deployment, "web", "spec.replicas: Invalid value: -1: must be greater than or equal to 0").kubectl_message(),
            "The Deployment \"web\" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0"
        );
    }

    #[test]
    fn field_selectors_parse_and_check_support() {
        let fs = FieldSelector::parse(Kind::Pod, "spec.nodeName=n1,status.phase!=Failed").unwrap();
        assert_eq!(fs.pinned_node_name(), Some("n1"));
        assert_eq!(fs.to_string(), "spec.nodeName=n1,status.phase!=Failed");
        assert_eq!(
            FieldSelector::parse(Kind::Deployment, "spec.nodeName=x").unwrap_err(),
            "field label not supported: spec.nodeName"
        );
    }
}
