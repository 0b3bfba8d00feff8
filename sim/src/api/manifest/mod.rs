//! Manifest parsing: what `kubectl apply -f` accepts (multi-document YAML, `List`s, old
//! apiVersions) decoded with the k8s-openapi types, defaulted as the apiserver defaults them
//! (pkg/apis/{core,apps,batch}/v1/defaults.go) and lowered into kubesim's [`Object`]s.

mod de;
mod lower;
mod modelled;
#[cfg(test)]
mod tests;

use std::fmt;

use k8s_openapi::api::apps::v1 as apps;
use k8s_openapi::api::batch::v1 as batch;
use k8s_openapi::api::coordination::v1 as coordination;
use k8s_openapi::api::core::v1 as core;
use k8s_openapi::api::scheduling::v1 as scheduling;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::api::types::{IntOrString, Kind, Object};

pub use lower::{apply_pod_defaults, default_pull_policy};
pub use modelled::modelled_paths;

/// Something in a manifest kubesim accepted but did not take as written: an unknown
/// (misspelled) field, a field the simulator does not model, a timestamp, a deprecated
/// apiVersion.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Warning {
    /// The field's path, e.g. `spec.template.spec.containers[0].securityContext`.
    pub path: String,
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// One object of a manifest file, with the warnings about it.
#[derive(Clone, Debug, PartialEq)]
pub struct ParsedObject {
    pub object: Object,
    pub warnings: Vec<Warning>,
    /// 0-based index of the YAML document in the file (items of a `List` share their list's).
    pub document: usize,
}

/// Why a manifest was rejected.
///
/// Displays as `web.yaml: document 2: spec.replicas: invalid type: string "x", expected i32`
/// (documents counted from 1 for people), or `web.yaml:12:3: did not find expected key` for
/// YAML syntax errors.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.render())]
pub struct ManifestError {
    /// The file path, or `<inline>`.
    pub source_name: String,
    /// 0-based index of the YAML document.
    pub document: Option<usize>,
    /// 1-based line and column of a YAML syntax error.
    pub line: Option<usize>,
    pub column: Option<usize>,
    /// The field path, e.g. `spec.template.spec.containers[0].ports[0].containerPort`.
    pub path: Option<String>,
    pub message: String,
}

impl ManifestError {
    fn render(&self) -> String {
        let mut out = self.source_name.clone();
        match (self.line, self.column) {
            (Some(line), Some(column)) => out.push_str(&format!(":{line}:{column}")),
            (Some(line), None) => out.push_str(&format!(":{line}")),
            _ => {
                if let Some(d) = self.document {
                    out.push_str(&format!(": document {}", d + 1));
                }
            }
        }
        if let Some(p) = &self.path {
            out.push_str(&format!(": {p}"));
        }
        out.push_str(&format!(": {}", self.message));
        out
    }
}

/// Parses a manifest file: multi-document YAML (`---`), `kind: List` (and typed `*List`s) with
/// `items`; empty documents are skipped.
pub fn parse_manifests(yaml: &str, source_name: &str) -> Result<Vec<ParsedObject>, ManifestError> {
    let mut out = Vec::new();
    for (document, de) in serde_yaml::Deserializer::from_str(yaml).enumerate() {
        let mut value = serde_yaml::Value::deserialize(de)
            .map_err(|e| yaml_error(&e, source_name, document))?;
        value
            .apply_merge()
            .map_err(|e| yaml_error(&e, source_name, document))?;
        let json = yaml_to_json(value, "").map_err(|(path, message)| ManifestError {
            source_name: source_name.into(),
            document: Some(document),
            line: None,
            column: None,
            path: (!path.is_empty()).then_some(path),
            message,
        })?;
        out.extend(parse_document(json, source_name, document)?);
    }
    Ok(out)
}

/// Parses one document already decoded to a value, which may be a `List`; `null` gives nothing.
pub fn parse_document(
    value: Value,
    source_name: &str,
    document: usize,
) -> Result<Vec<ParsedObject>, ManifestError> {
    let fail = |f: Failure| ManifestError {
        source_name: source_name.into(),
        document: Some(document),
        line: None,
        column: None,
        path: f.path,
        message: f.message,
    };
    if value.is_null() {
        return Ok(Vec::new());
    }
    let Some(list_kind) = list_kind(&value).map(str::to_string) else {
        let (object, warnings) = decode_object(value).map_err(fail)?;
        return Ok(vec![ParsedObject {
            object,
            warnings,
            document,
        }]);
    };
    let Value::Object(mut list) = value else {
        return Ok(Vec::new());
    };
    let list_api_version = list.get("apiVersion").cloned();
    // A typed list (`PodList`) as the API returns it omits each item's apiVersion and kind.
    let item_kind = list_kind.strip_suffix("List").unwrap_or("").to_string();
    let items = match list.remove("items") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items,
        Some(other) => {
            return Err(fail(Failure {
                path: Some("items".into()),
                message: format!("invalid type: {}, expected a sequence", describe(&other)),
            }))
        }
    };
    let mut out = Vec::new();
    for (i, mut item) in items.into_iter().enumerate() {
        let prefix = format!("items[{i}]");
        if let (Value::Object(m), false) = (&mut item, item_kind.is_empty()) {
            m.entry("kind")
                .or_insert_with(|| Value::String(item_kind.clone()));
            if let Some(v) = &list_api_version {
                m.entry("apiVersion").or_insert_with(|| v.clone());
            }
        }
        let (object, warnings) = decode_object(item).map_err(|f| {
            fail(Failure {
                path: Some(prefixed(&prefix, f.path.as_deref().unwrap_or(""))),
                message: f.message,
            })
        })?;
        out.push(ParsedObject {
            object,
            warnings: warnings
                .into_iter()
                .map(|w| Warning {
                    path: prefixed(&prefix, &w.path),
                    message: w.message,
                })
                .collect(),
            document,
        });
    }
    Ok(out)
}

/// Parses one document already decoded to a value (inline manifests in scenarios, patch
/// results). A `List` is an error here: use [`parse_document`].
pub fn parse_value(
    value: Value,
    source_name: &str,
    document: usize,
) -> Result<ParsedObject, ManifestError> {
    let fail = |f: Failure| ManifestError {
        source_name: source_name.into(),
        document: Some(document),
        line: None,
        column: None,
        path: f.path,
        message: f.message,
    };
    if let Some(kind) = list_kind(&value) {
        return Err(fail(Failure {
            path: None,
            message: format!("a {kind} holds several objects where one was expected"),
        }));
    }
    let (object, warnings) = decode_object(value).map_err(fail)?;
    Ok(ParsedObject {
        object,
        warnings,
        document,
    })
}

// ---------------------------------------------------------------------------------------------

/// An error before it is placed in a file.
struct Failure {
    path: Option<String>,
    message: String,
}

fn prefixed(prefix: &str, path: &str) -> String {
    if path.is_empty() {
        prefix.to_string()
    } else if path.starts_with('[') {
        format!("{prefix}{path}")
    } else {
        format!("{prefix}.{path}")
    }
}

fn describe(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("boolean `{b}`"),
        Value::Number(n) if n.is_f64() => format!("floating point `{n}`"),
        Value::Number(n) => format!("integer `{n}`"),
        Value::String(s) => format!("string {s:?}"),
        Value::Array(_) => "sequence".into(),
        Value::Object(_) => "map".into(),
    }
}

/// The kind of a `List` document (`List`, `PodList`, ...), if this is one.
fn list_kind(value: &Value) -> Option<&str> {
    let kind = value.get("kind")?.as_str()?;
    (kind.ends_with("List") && Kind::from_kind_str(kind).is_none()).then_some(kind)
}

fn yaml_error(e: &serde_yaml::Error, source_name: &str, document: usize) -> ManifestError {
    let mut message = e.to_string();
    // serde_yaml appends " at line L column C[, while parsing ... at line ...]"; the position
    // goes in front instead, and the context is noise.
    if let Some(i) = message.find(" at line ") {
        message.truncate(i);
    }
    let location = e.location();
    ManifestError {
        source_name: source_name.into(),
        document: Some(document),
        line: location.as_ref().map(|l| l.line()),
        column: location.as_ref().map(|l| l.column()),
        path: None,
        message,
    }
}

/// YAML to JSON as sigs.k8s.io/yaml does it: scalar map keys become strings, tags are dropped.
fn yaml_to_json(v: serde_yaml::Value, path: &str) -> Result<Value, (String, String)> {
    Ok(match v {
        serde_yaml::Value::Null => Value::Null,
        serde_yaml::Value::Bool(b) => Value::Bool(b),
        serde_yaml::Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                let f = n.as_f64().unwrap_or(f64::NAN);
                serde_json::Number::from_f64(f)
                    .map(Value::Number)
                    .ok_or_else(|| (path.to_string(), format!("invalid number {n}")))?
            }
        }
        serde_yaml::Value::String(s) => Value::String(s),
        serde_yaml::Value::Sequence(items) => {
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.into_iter().enumerate() {
                out.push(yaml_to_json(item, &format!("{path}[{i}]"))?);
            }
            Value::Array(out)
        }
        serde_yaml::Value::Mapping(m) => {
            let mut out = Map::new();
            for (k, v) in m {
                let key = match k {
                    serde_yaml::Value::String(s) => s,
                    serde_yaml::Value::Number(n) => n.to_string(),
                    serde_yaml::Value::Bool(b) => b.to_string(),
                    serde_yaml::Value::Null => "null".into(),
                    _ => {
                        return Err((
                            path.to_string(),
                            "mapping keys must be strings, numbers or booleans".into(),
                        ))
                    }
                };
                let child = prefixed(path, &key);
                let child = child.trim_start_matches('.').to_string();
                let value = yaml_to_json(v, &child)?;
                out.insert(key, value);
            }
            Value::Object(out)
        }
        serde_yaml::Value::Tagged(t) => yaml_to_json(t.value, path)?,
    })
}

/// Removes `key: null` entries everywhere: Go's JSON decoding leaves a field at its zero value
/// for `null`, which is what an absent field gives too.
fn strip_nulls(v: &mut Value) {
    match v {
        Value::Object(m) => {
            m.retain(|_, v| !v.is_null());
            for v in m.values_mut() {
                strip_nulls(v);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(strip_nulls),
        _ => {}
    }
}

/// The API version a manifest was written in: the served one, or an old one still found in
/// tutorials, which is decoded as apps/v1 with its own defaults.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum ApiVersion {
    #[default]
    Current,
    ExtensionsV1beta1,
    AppsV1beta1,
    AppsV1beta2,
}

impl ApiVersion {
    fn as_str(self, kind: Kind) -> &'static str {
        match self {
            ApiVersion::Current => kind.api_version(),
            ApiVersion::ExtensionsV1beta1 => "extensions/v1beta1",
            ApiVersion::AppsV1beta1 => "apps/v1beta1",
            ApiVersion::AppsV1beta2 => "apps/v1beta2",
        }
    }

    /// The apiserver's deprecation warning (staging/src/k8s.io/apiserver/pkg/endpoints/
    /// deprecation/deprecation.go, WarningMessage), with the releases from each version's
    /// zz_generated.prerelease-lifecycle.go: extensions/v1beta1 and apps/v1beta1 deprecated in
    /// 1.8, apps/v1beta2 in 1.9, all removed in 1.16.
    fn deprecation(self, kind: Kind) -> Option<String> {
        let deprecated = match self {
            ApiVersion::Current => return None,
            ApiVersion::ExtensionsV1beta1 | ApiVersion::AppsV1beta1 => "1.8",
            ApiVersion::AppsV1beta2 => "1.9",
        };
        Some(format!(
            "{} {kind} is deprecated in v{deprecated}+, unavailable in v1.16+; use {} {kind}",
            self.as_str(kind),
            kind.api_version()
        ))
    }

    /// extensions/v1beta1 and apps/v1beta1 default a missing selector (and empty object
    /// labels) to the template's labels; apps/v1beta2 and apps/v1 require the selector.
    fn defaults_selector_from_template(self) -> bool {
        matches!(
            self,
            ApiVersion::ExtensionsV1beta1 | ApiVersion::AppsV1beta1
        )
    }

    /// maxSurge and maxUnavailable: 1 and 1 in extensions/v1beta1
    /// (pkg/apis/extensions/v1beta1/defaults.go), 25% and 25% from apps/v1beta1 on
    /// (pkg/apis/apps/v1beta1/defaults.go, apps/v1beta2/defaults.go, apps/v1/defaults.go).
    fn rolling_update_defaults(self) -> (IntOrString, IntOrString) {
        match self {
            ApiVersion::ExtensionsV1beta1 => (IntOrString::Int(1), IntOrString::Int(1)),
            _ => (
                IntOrString::String("25%".into()),
                IntOrString::String("25%".into()),
            ),
        }
    }

    /// Unset (keep every old ReplicaSet) in extensions/v1beta1 — later releases wrote MaxInt32
    /// there, which means the same; 2 in apps/v1beta1; 10 in apps/v1beta2 and apps/v1.
    fn default_revision_history_limit(self) -> Option<i32> {
        match self {
            // "Keep everything", written as MaxInt32 (extensions/v1beta1 defaults.go since
            // 1.9), which is what reading the object back as apps/v1 shows.
            ApiVersion::ExtensionsV1beta1 => Some(i32::MAX),
            ApiVersion::AppsV1beta1 => Some(2),
            ApiVersion::AppsV1beta2 | ApiVersion::Current => Some(10),
        }
    }

    /// Unset (no deadline; later releases wrote MaxInt32) in extensions/v1beta1; 600 from
    /// apps/v1beta1 on.
    fn default_progress_deadline_seconds(self) -> Option<i32> {
        match self {
            ApiVersion::ExtensionsV1beta1 => Some(i32::MAX),
            _ => Some(600),
        }
    }
}

/// Maps apiVersion + kind to a served kind, as the RESTMapper does.
fn resolve(api_version: &str, kind: &str) -> Option<(Kind, ApiVersion)> {
    let k = Kind::from_kind_str(kind)?;
    if k.api_version() == api_version {
        return Some((k, ApiVersion::Current));
    }
    let version = match api_version {
        "extensions/v1beta1" => ApiVersion::ExtensionsV1beta1,
        "apps/v1beta1" => ApiVersion::AppsV1beta1,
        "apps/v1beta2" => ApiVersion::AppsV1beta2,
        _ => return None,
    };
    let served = match version {
        ApiVersion::ExtensionsV1beta1 | ApiVersion::AppsV1beta2 => {
            matches!(k, Kind::Deployment | Kind::ReplicaSet)
        }
        ApiVersion::AppsV1beta1 => k == Kind::Deployment,
        ApiVersion::Current => false,
    };
    served.then_some((k, version))
}

fn string_field(map: &Map<String, Value>, key: &str) -> Result<String, Failure> {
    match map.get(key) {
        None => Ok(String::new()),
        Some(Value::String(s)) => Ok(s.clone()),
        Some(other) => Err(Failure {
            path: Some(key.into()),
            message: format!("invalid type: {}, expected a string", describe(other)),
        }),
    }
}

fn decode_object(mut raw: Value) -> Result<(Object, Vec<Warning>), Failure> {
    strip_nulls(&mut raw);
    let Value::Object(map) = &raw else {
        return Err(Failure {
            path: None,
            message: format!(
                "expected a Kubernetes object (a mapping with apiVersion and kind), found {}",
                describe(&raw)
            ),
        });
    };
    let api_version = string_field(map, "apiVersion")?;
    let kind_name = string_field(map, "kind")?;
    // kubectl's client-side check (staging/src/k8s.io/kubectl/pkg/validation): an aggregate
    // of one error prints bare, of several in brackets.
    let mut missing = Vec::new();
    if api_version.is_empty() {
        missing.push("apiVersion not set");
    }
    if kind_name.is_empty() {
        missing.push("kind not set");
    }
    match missing.len() {
        0 => {}
        1 => {
            return Err(Failure {
                path: None,
                message: format!("error validating data: {}", missing[0]),
            })
        }
        _ => {
            return Err(Failure {
                path: None,
                message: format!("error validating data: [{}]", missing.join(", ")),
            })
        }
    }
    let (kind, version) = resolve(&api_version, &kind_name).ok_or_else(|| Failure {
        path: None,
        message: format!("no matches for kind {kind_name:?} in version {api_version:?}"),
    })?;
    let mut warnings = Vec::new();
    if let Some(message) = version.deprecation(kind) {
        warnings.push(Warning {
            path: "apiVersion".into(),
            message,
        });
    }
    let prepared = prepare(&mut raw, kind, version, &mut warnings)?;
    let w = &mut warnings;
    let object = match kind {
        Kind::Pod => lower::pod(&decode::<core::Pod>(&raw, kind, w)?, w),
        Kind::Node => lower::node(&decode::<core::Node>(&raw, kind, w)?, w),
        Kind::Namespace => lower::namespace(&decode::<core::Namespace>(&raw, kind, w)?, w),
        Kind::Service => lower::service(&decode::<core::Service>(&raw, kind, w)?, w),
        Kind::Endpoints => lower::endpoints(&decode::<core::Endpoints>(&raw, kind, w)?, w),
        Kind::Event => lower::event(&decode::<core::Event>(&raw, kind, w)?, w),
        Kind::ReplicationController => {
            lower::replication_controller(&decode::<core::ReplicationController>(&raw, kind, w)?, w)
        }
        Kind::ReplicaSet => {
            lower::replica_set(&decode::<apps::ReplicaSet>(&raw, kind, w)?, &prepared, w)
        }
        Kind::Deployment => {
            lower::deployment(&decode::<apps::Deployment>(&raw, kind, w)?, &prepared, w)
        }
        Kind::Job => lower::job(&decode::<batch::Job>(&raw, kind, w)?, w),
        Kind::Lease => lower::lease(&decode::<coordination::Lease>(&raw, kind, w)?, w),
        Kind::PriorityClass => {
            lower::priority_class(&decode::<scheduling::PriorityClass>(&raw, kind, w)?, w)
        }
    }
    .map_err(|e| Failure {
        path: Some(e.path),
        message: e.message,
    })?;
    Ok((object, warnings))
}

/// Decodes into the k8s-openapi type (unknown fields become warnings), then warns about the
/// fields present but not modelled.
fn decode<T: DeserializeOwned + Serialize>(
    raw: &Value,
    kind: Kind,
    warnings: &mut Vec<Warning>,
) -> Result<T, Failure> {
    let mut unknown = Vec::new();
    let typed: T = de::from_value(raw, |path| unknown.push(path)).map_err(|e| Failure {
        path: e.path,
        message: e.message,
    })?;
    warnings.extend(unknown.into_iter().map(|path| Warning {
        path,
        message: "unknown field".into(),
    }));
    let json = serde_json::to_value(&typed).map_err(|e| Failure {
        path: None,
        message: format!("cannot re-encode the decoded object: {e}"),
    })?;
    modelled::check(kind, &json, raw, warnings);
    Ok(typed)
}

/// Version-specific preparation of the raw manifest before typed decoding: old apiVersions are
/// rewritten to apps/v1, and the fields apps/v1 lacks are taken out (`spec.rollbackTo` is kept
/// in [`crate::api::types::Deployment::rollback_to`]).
fn prepare(
    raw: &mut Value,
    kind: Kind,
    version: ApiVersion,
    warnings: &mut Vec<Warning>,
) -> Result<lower::Prepared, Failure> {
    let mut prepared = lower::Prepared {
        version,
        ..Default::default()
    };
    let Some(obj) = raw.as_object_mut() else {
        return Ok(prepared);
    };
    if version != ApiVersion::Current {
        obj.insert(
            "apiVersion".into(),
            Value::String(kind.api_version().into()),
        );
    }
    let Some(Value::Object(spec)) = obj.get_mut("spec") else {
        return Ok(prepared);
    };
    prepared.selector_set = spec.contains_key("selector");
    if version == ApiVersion::Current {
        return Ok(prepared);
    }
    if let Some(rollback) = spec.remove("rollbackTo") {
        if kind == Kind::Deployment && version != ApiVersion::AppsV1beta2 {
            prepared.rollback_to = Some(rollback_revision(&rollback, warnings)?);
        } else {
            warnings.push(Warning {
                path: "spec.rollbackTo".into(),
                message: "unknown field".into(),
            });
        }
    }
    if spec.remove("templateGeneration").is_some() {
        warnings.push(Warning {
            path: "spec.templateGeneration".into(),
            message: modelled::UNMODELLED.into(),
        });
    }
    Ok(prepared)
}

/// RollbackConfig.revision of extensions/v1beta1 and apps/v1beta1; 0 means the previous one.
fn rollback_revision(v: &Value, warnings: &mut Vec<Warning>) -> Result<i64, Failure> {
    let Value::Object(m) = v else {
        return Err(Failure {
            path: Some("spec.rollbackTo".into()),
            message: format!(
                "invalid type: {}, expected struct RollbackConfig",
                describe(v)
            ),
        });
    };
    let mut revision = 0;
    for (key, value) in m {
        if key == "revision" {
            revision = de::from_value::<i64>(value, |_| {}).map_err(|e| Failure {
                path: Some("spec.rollbackTo.revision".into()),
                message: e.message,
            })?;
        } else {
            warnings.push(Warning {
                path: format!("spec.rollbackTo.{key}"),
                message: "unknown field".into(),
            });
        }
    }
    Ok(revision)
}
