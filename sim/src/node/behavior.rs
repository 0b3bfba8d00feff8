//! What a container does when it runs, resolved in layers — the model's default behaviour,
//! the image catalog, the scenario's `containerBehaviors`, then the pod's
//! `kubesim.io/behavior` annotation — and drawn once per container start.

use std::collections::BTreeMap;

use rand::Rng;

use crate::api::types::{Container, Object};
use crate::engine::{SimDuration, SimRng};
use crate::model::{ContainerBehavior, Distribution, RunFor, RuntimeModel};

/// The pod annotation that sets behaviour per container: a YAML or JSON map from container
/// name to behaviour fields, e.g. `{app: {runFor: 30s, exitCode: 1}}`.
pub const BEHAVIOR_ANNOTATION: &str = "kubesim.io/behavior";

/// A scenario-level rule: containers whose image (and, if given, name) match get `behavior`.
#[derive(Clone, Debug, PartialEq)]
pub struct BehaviorRule {
    /// An image name, or a prefix ending in `*`.
    pub image: String,
    pub container: Option<String>,
    pub behavior: ContainerBehavior,
}

impl BehaviorRule {
    fn matches(&self, c: &Container) -> bool {
        let image_ok = match self.image.strip_suffix('*') {
            Some(prefix) => c.image.starts_with(prefix),
            None => c.image == self.image.as_str(),
        };
        image_ok && self.container.as_deref().is_none_or(|n| n == c.name)
    }
}

/// The container behaviour for `container` of `pod`, every field set.
pub fn resolve(
    runtime: &RuntimeModel,
    rules: &[BehaviorRule],
    pod: &Object,
    container: &Container,
) -> ContainerBehavior {
    let mut b = runtime.default_behavior.clone();
    if let Some(image) = runtime
        .images
        .get(container.image.as_str())
        .and_then(|i| i.behavior.as_ref())
    {
        b = image.over(&b);
    }
    for rule in rules.iter().filter(|r| r.matches(container)) {
        b = rule.behavior.over(&b);
    }
    if let Some(from_pod) = annotation(pod).and_then(|m| m.get(container.name.as_str()).cloned()) {
        b = from_pod.over(&b);
    }
    b
}

/// Parses the behaviour annotation of a pod; a malformed one is an error the kubelet reports.
pub fn parse_annotation(text: &str) -> Result<BTreeMap<String, ContainerBehavior>, String> {
    let map: BTreeMap<String, ContainerBehavior> =
        serde_yaml::from_str(text).map_err(|e| e.to_string())?;
    for (name, b) in &map {
        b.validate().map_err(|e| format!("{name}.{e}"))?;
    }
    Ok(map)
}

fn annotation(pod: &Object) -> Option<BTreeMap<String, ContainerBehavior>> {
    parse_annotation(pod.meta.annotations.get(BEHAVIOR_ANNOTATION)?).ok()
}

/// One run of a container, drawn when it starts.
#[derive(Clone, Debug, PartialEq)]
pub struct RunPlan {
    /// When the process exits on its own (None: it runs until killed), and with what code.
    pub exit_after: Option<SimDuration>,
    pub exit_code: i32,
    /// From SIGTERM to exit (None: ignores SIGTERM).
    pub shutdown: Option<SimDuration>,
    pub sigterm_exit_code: i32,
    pub ready_after: SimDuration,
    pub liveness_fail_after: Option<SimDuration>,
    pub post_start_fails: bool,
    /// Sampled per probe and per hook, so kept as distributions.
    pub probe_duration: Option<Distribution>,
    pub hook_duration: Option<Distribution>,
}

impl RunPlan {
    pub fn draw(b: &ContainerBehavior, rng: &mut SimRng) -> RunPlan {
        let crash = b
            .crash_probability
            .is_some_and(|p| p > 0.0 && rng.random_bool(p.min(1.0)));
        let (exit_after, exit_code) = if crash {
            let after = b
                .crash_after
                .as_ref()
                .map(|d| d.sample(rng))
                .or(match &b.run_for {
                    Some(RunFor::For(d)) => Some(d.sample(rng)),
                    _ => None,
                })
                .unwrap_or(0);
            (Some(after), b.crash_exit_code.unwrap_or(1))
        } else {
            let after = match &b.run_for {
                Some(RunFor::For(d)) => Some(d.sample(rng)),
                _ => None,
            };
            (after, b.exit_code.unwrap_or(0))
        };
        RunPlan {
            exit_after,
            exit_code,
            shutdown: match &b.shutdown_time {
                Some(RunFor::For(d)) => Some(d.sample(rng)),
                Some(RunFor::Forever) => None,
                None => Some(0),
            },
            sigterm_exit_code: b.sigterm_exit_code.unwrap_or(0),
            ready_after: b.ready_after.as_ref().map_or(0, |d| d.sample(rng)),
            liveness_fail_after: b.liveness_fail_after.as_ref().map(|d| d.sample(rng)),
            post_start_fails: b.post_start_fails.unwrap_or(false),
            probe_duration: b.probe_duration.clone(),
            hook_duration: b.hook_duration.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::types::{Body, ObjectMeta, Pod};
    use crate::engine::{RngStreams, SECOND};
    use crate::model::Model;

    fn pod_with(annotation: Option<&str>) -> Object {
        let mut meta = ObjectMeta::default();
        if let Some(a) = annotation {
            meta.annotations.insert(BEHAVIOR_ANNOTATION, a);
        }
        Object {
            meta,
            body: Body::Pod(Pod::default()),
        }
    }

    #[test]
    fn layers_apply_in_order_default_image_scenario_annotation() {
        let model = Model::builtin();
        let busybox = Container::new("app", "busybox:1.36");
        let nginx = Container::new("web", "nginx:1.25");
        // The catalog says busybox exits at once; nginx runs forever (the default).
        let b = resolve(&model.runtime, &[], &pod_with(None), &busybox);
        assert_eq!(b.run_for, Some(RunFor::For(Distribution::Constant(0))));
        let b = resolve(&model.runtime, &[], &pod_with(None), &nginx);
        assert_eq!(b.run_for, Some(RunFor::Forever));
        // A scenario rule overrides the catalog, the annotation overrides the rule.
        let rules = [BehaviorRule {
            image: "busybox*".into(),
            container: None,
            behavior: ContainerBehavior {
                exit_code: Some(3),
                run_for: Some(RunFor::For(Distribution::Constant(5 * SECOND))),
                ..Default::default()
            },
        }];
        let b = resolve(&model.runtime, &rules, &pod_with(None), &busybox);
        assert_eq!(b.exit_code, Some(3));
        let pod = pod_with(Some("{app: {exitCode: 7}}"));
        let b = resolve(&model.runtime, &rules, &pod, &busybox);
        assert_eq!(b.exit_code, Some(7));
        assert_eq!(
            b.run_for,
            Some(RunFor::For(Distribution::Constant(5 * SECOND)))
        );
        // Rules for another container name do not apply.
        let rules = [BehaviorRule {
            container: Some("other".into()),
            ..rules[0].clone()
        }];
        let b = resolve(&model.runtime, &rules, &pod_with(None), &busybox);
        assert_eq!(b.exit_code, Some(0));
    }

    #[test]
    fn bad_annotations_are_errors() {
        assert!(parse_annotation("{app: {runFr: 1s}}")
            .unwrap_err()
            .contains("unknown field"));
        assert!(parse_annotation("{app: {crashProbability: 2}}")
            .unwrap_err()
            .contains("crashProbability"));
    }

    #[test]
    fn crash_probability_one_always_crashes() {
        let b = ContainerBehavior {
            crash_probability: Some(1.0),
            crash_after: Some(Distribution::Constant(SECOND)),
            ..Default::default()
        }
        .over(&Model::builtin().runtime.default_behavior);
        let mut rng = RngStreams::new(1).stream("t");
        let plan = RunPlan::draw(&b, &mut rng);
        assert_eq!(plan.exit_after, Some(SECOND));
        assert_eq!(plan.exit_code, 1);
        let b = ContainerBehavior {
            crash_probability: Some(0.0),
            ..b
        };
        assert_eq!(RunPlan::draw(&b, &mut rng).exit_after, None);
    }
}
