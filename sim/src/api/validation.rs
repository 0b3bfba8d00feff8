// placeholder until the validation branch merges
pub fn is_valid_label_value(_v: &str) -> Vec<String> { Vec::new() }
pub fn is_qualified_name(_v: &str) -> Vec<String> { Vec::new() }
