// placeholder until the json branch merges
use crate::api::types::Object;
pub fn to_json(_obj: &Object) -> serde_json::Value { serde_json::Value::Null }
