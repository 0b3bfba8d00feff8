// placeholder until the manifest branch merges
use crate::api::types::Object;
pub struct Warning { pub path: String, pub message: String }
pub struct ParsedObject { pub object: Object, pub warnings: Vec<Warning>, pub document: usize }
#[derive(Debug)]
pub struct ManifestError { pub message: String }
pub fn parse_value(_v: serde_json::Value, _s: &str, _d: usize) -> Result<ParsedObject, ManifestError> { Err(ManifestError { message: "x".into() }) }
pub fn parse_manifests(_y: &str, _s: &str) -> Result<Vec<ParsedObject>, ManifestError> { Err(ManifestError { message: "x".into() }) }
impl std::fmt::Display for ManifestError { fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { f.write_str(&self.message) } }
