//! PLACEHOLDER: being written.

use crate::scheduler::framework::Plugin;

pub fn new(_args: Option<&serde_yaml::Value>) -> Result<Box<dyn Plugin>, String> {
    Err("not yet implemented".into())
}
