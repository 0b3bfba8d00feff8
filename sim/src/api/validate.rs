// placeholder: object validation lands with the validation branch
use crate::api::types::Object;
pub fn validate_object(_obj: &Object, _old: Option<&Object>) -> Vec<String> {
    Vec::new()
}
pub fn render_errors(errors: &[String]) -> String {
    errors.join(", ")
}
