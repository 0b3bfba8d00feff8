// placeholder until the printer branch merges
use crate::api::types::{Kind, Object};
use crate::engine::SimTime;
pub fn get_table(_k: Kind, objs: &[&Object], _now: SimTime, _wide: bool, _ns: bool) -> String { objs.iter().map(|o| format!("{}\n", o.meta.name)).collect() }
pub fn no_resources_found(ns: &str, _all: bool) -> String { format!("No resources found in {ns} namespace.\n") }
pub fn describe(o: &Object, _e: &[&Object], _now: SimTime) -> String { format!("Name: {}", o.meta.name) }
