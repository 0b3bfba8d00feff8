//! ImageLocality: favours nodes that already have the pod's images, each image's size scaled by
//! the share of nodes that have it. Constants and formula (calculatePriority, sumImageScores,
//! scaledImageScore) from pkg/scheduler/framework/plugins/imagelocality/image_locality.go.

use crate::api::types::Name;
use crate::scheduler::framework::{
    normalized_image_name, CycleState, NodeInfo, Plugin, PodInfo, Points, Snapshot, Status,
    MAX_NODE_SCORE,
};

pub const NAME: &str = "ImageLocality";

const MB: i64 = 1024 * 1024;
/// minThreshold: image sizes below count as nothing.
const MIN_THRESHOLD: i64 = 23 * MB;
/// maxContainerThreshold: per container, image sizes above count as this.
const MAX_CONTAINER_THRESHOLD: i64 = 1000 * MB;

const PRE_SCORE_KEY: &str = "PreScoreImageLocality";

/// The ImageLocality plugin. It takes no args.
#[derive(Debug, Default)]
pub struct ImageLocality;

pub fn new(_args: Option<&serde_yaml::Value>) -> Result<Box<dyn Plugin>, String> {
    Ok(Box::new(ImageLocality))
}

/// What Score needs of the pod and the cluster, computed once per cycle: upstream's Score reads
/// the image's node count and the node total from the snapshot, which Score does not get here.
#[derive(Clone, Debug)]
struct PreScoreState {
    /// Per container (init containers first, as sumImageScores), its normalized image name and
    /// spread = numNodes / totalNumNodes.
    images: Vec<(Name, f64)>,
    /// len(initContainers) + len(containers).
    num_containers: i64,
}

/// calculatePriority: the summed image scores, clamped to [minThreshold, maxThreshold], scaled
/// to [0, MaxNodeScore].
fn calculate_priority(sum_scores: i64, num_containers: i64) -> i64 {
    let max_threshold = MAX_CONTAINER_THRESHOLD * num_containers;
    let sum = if sum_scores < MIN_THRESHOLD {
        MIN_THRESHOLD
    } else if sum_scores > max_threshold {
        max_threshold
    } else {
        sum_scores
    };
    MAX_NODE_SCORE * (sum - MIN_THRESHOLD) / (max_threshold - MIN_THRESHOLD)
}

/// scaledImageScore: the image size times its spread, truncated as Go's int64(float64).
fn scaled_image_score(size: i64, spread: f64) -> i64 {
    (size as f64 * spread) as i64
}

impl Plugin for ImageLocality {
    fn name(&self) -> &'static str {
        NAME
    }

    fn points(&self) -> Points {
        Points::PRE_SCORE | Points::SCORE
    }

    /// Skips when no node has any of the pod's images: every score would be 0.
    fn pre_score(
        &self,
        state: &mut CycleState,
        pod: &PodInfo,
        _nodes: &[&NodeInfo],
        snapshot: &Snapshot,
    ) -> Status {
        let spec = pod.spec();
        let total_num_nodes = snapshot.len() as f64;
        let mut images =
            Vec::with_capacity(spec.rare.init_containers.len() + spec.containers.len());
        let mut anywhere = false;
        for c in spec.rare.init_containers.iter().chain(&spec.containers) {
            let name = normalized_image_name(&c.image);
            let num_nodes = snapshot.image_num_nodes(&name);
            anywhere |= num_nodes > 0;
            images.push((name, num_nodes as f64 / total_num_nodes));
        }
        if !anywhere {
            return Status::skip();
        }
        let num_containers = images.len() as i64;
        state.write(
            PRE_SCORE_KEY,
            PreScoreState {
                images,
                num_containers,
            },
        );
        Status::success()
    }

    fn score(&self, state: &CycleState, _pod: &PodInfo, node: &NodeInfo) -> Result<i64, Status> {
        let Some(s) = state.read::<PreScoreState>(PRE_SCORE_KEY) else {
            return Err(Status::error(format!(
                "reading {PRE_SCORE_KEY:?} from cycleState: not found"
            )));
        };
        let sum: i64 = s
            .images
            .iter()
            .filter_map(|(name, spread)| {
                let size = node.image_states.get(name.as_str())?;
                Some(scaled_image_score(*size, *spread))
            })
            .sum();
        Ok(calculate_priority(sum, s.num_containers))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheduler::testing::{node, pod, snapshot};

    /// makeImageNode: a node with images given as (names, size in MB).
    fn image_node(name: &str, images: &[(&[&str], i64)]) -> NodeInfo {
        let images: Vec<String> = images
            .iter()
            .map(|(names, size)| {
                format!(
                    "{{names: [{}], sizeBytes: {}}}",
                    names.join(", "),
                    size * MB
                )
            })
            .collect();
        node(&format!(
            "metadata: {{name: {name}}}\nstatus: {{images: [{}]}}",
            images.join(", ")
        ))
    }

    fn pod_with(containers: &[&str], init: &[&str]) -> std::sync::Arc<PodInfo> {
        let list = |images: &[&str], prefix: &str| {
            images
                .iter()
                .enumerate()
                .map(|(i, im)| format!("{{name: {prefix}{i}, image: '{im}'}}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        pod(&format!(
            "metadata: {{name: p}}\nspec: {{initContainers: [{}], containers: [{}]}}",
            list(init, "init"),
            list(containers, "c")
        ))
    }

    // Cases from TestImageLocalityPriority in
    // pkg/scheduler/framework/plugins/imagelocality/image_locality_test.go (the version whose
    // maxThreshold is maxContainerThreshold times the container count, init containers included).
    #[test]
    fn score_matches_upstream() {
        let node403002000 = |n| {
            image_node(
                n,
                &[
                    (&["gcr.io/40:latest", "gcr.io/40:v1", "gcr.io/40:v1"], 40),
                    (&["gcr.io/300:latest", "gcr.io/300:v1"], 300),
                    (&["gcr.io/2000:latest"], 2000),
                ],
            )
        };
        let node25010 = |n| {
            image_node(
                n,
                &[
                    (&["gcr.io/250:latest"], 250),
                    (&["gcr.io/10:latest", "gcr.io/10:v1"], 10),
                ],
            )
        };
        let node60040900 = |n| {
            image_node(
                n,
                &[
                    (&["gcr.io/600:latest"], 600),
                    (&["gcr.io/40:latest"], 40),
                    (&["gcr.io/900:latest"], 900),
                ],
            )
        };
        let node300600900 = |n| {
            image_node(
                n,
                &[
                    (&["gcr.io/300:latest"], 300),
                    (&["gcr.io/600:latest"], 600),
                    (&["gcr.io/900:latest"], 900),
                ],
            )
        };
        let node400030 = |n| {
            image_node(
                n,
                &[(&["gcr.io/4000:latest"], 4000), (&["gcr.io/30:latest"], 30)],
            )
        };
        let node203040 = |n| {
            image_node(
                n,
                &[
                    (&["gcr.io/20:latest"], 20),
                    (&["gcr.io/30:latest"], 30),
                    (&["gcr.io/40:latest"], 40),
                ],
            )
        };
        let no_images = |n| image_node(n, &[]);

        let test40250 = pod_with(&["gcr.io/40", "gcr.io/250"], &[]);
        let test40300 = pod_with(&["gcr.io/40", "gcr.io/300"], &[]);
        let test_min_max = pod_with(&["gcr.io/10", "gcr.io/4000"], &[]);
        let test300600900 = pod_with(&["gcr.io/300", "gcr.io/600", "gcr.io/900"], &[]);
        let test3040 = pod_with(&["gcr.io/30", "gcr.io/40"], &[]);
        let test30_init300 = pod_with(&["gcr.io/30"], &["gcr.io/300"]);

        let cases = [
            (
                "two images spread on two nodes, prefer the larger image one",
                &test40250,
                vec![node403002000("node1"), node25010("node2")],
                vec![0, 5],
            ),
            (
                "two images on one node, prefer this node",
                &test40300,
                vec![node403002000("node1"), node25010("node2")],
                vec![7, 0],
            ),
            (
                "if exceed limit, use limit",
                &test_min_max,
                vec![node400030("node1"), node25010("node2")],
                vec![MAX_NODE_SCORE, 0],
            ),
            (
                "if exceed limit, use limit (with node which has no images present)",
                &test_min_max,
                vec![node400030("node1"), node25010("node2"), no_images("node3")],
                vec![66, 0, 0],
            ),
            (
                "pod with multiple large images, node2 is preferred",
                &test300600900,
                vec![
                    node60040900("node1"),
                    node300600900("node2"),
                    no_images("node3"),
                ],
                vec![32, 36, 0],
            ),
            (
                "pod with multiple small images",
                &test3040,
                vec![node203040("node1"), node400030("node2")],
                vec![1, 0],
            ),
            (
                "include InitContainers: two images spread on two nodes, prefer the larger image one",
                &test30_init300,
                vec![node403002000("node1"), node203040("node2")],
                vec![6, 0],
            ),
        ];
        let plugin = new(None).unwrap();
        for (name, p, nodes, want) in cases {
            let snap = snapshot(nodes, &[]);
            let infos: Vec<&NodeInfo> = snap.nodes.iter().collect();
            let mut state = CycleState::new();
            assert_eq!(
                plugin.pre_score(&mut state, p, &infos, &snap),
                Status::success(),
                "{name}"
            );
            let got: Vec<i64> = infos
                .iter()
                .map(|n| plugin.score(&state, p, n).unwrap())
                .collect();
            assert_eq!(got, want, "{name}");
            assert_eq!(plugin.normalize_score(&state, p, &mut [0]), None);
        }
    }

    #[test]
    fn pod_whose_images_no_node_has_skips() {
        let plugin = new(None).unwrap();
        let snap = snapshot(
            vec![image_node("node1", &[(&["gcr.io/40:latest"], 40)])],
            &[],
        );
        let infos: Vec<&NodeInfo> = snap.nodes.iter().collect();
        let p = pod_with(&["gcr.io/41"], &[]);
        assert_eq!(
            plugin.pre_score(&mut CycleState::new(), &p, &infos, &snap),
            Status::skip()
        );
    }

    // TestNormalizedImageName (same file): the names Score looks images up by.
    #[test]
    fn normalized_image_names_match_upstream() {
        let digest = "sha256:4813494d137e1631bba301d5acab6e7bb7aa74ce1185d456565ef51d737677b2";
        let cases = [
            (
                "add :latest postfix 1",
                "root".to_string(),
                "root:latest".to_string(),
            ),
            (
                "add :latest postfix 2",
                "gcr.io:5000/root".to_string(),
                "gcr.io:5000/root:latest".to_string(),
            ),
            (
                "keep it as is 1",
                "root:tag".to_string(),
                "root:tag".to_string(),
            ),
            (
                "keep it as is 2",
                format!("root@{digest}"),
                format!("root@{digest}"),
            ),
        ];
        for (name, input, want) in cases {
            assert_eq!(normalized_image_name(&input), want.as_str(), "{name}");
        }
    }

    #[test]
    fn calculate_priority_clamps() {
        assert_eq!(calculate_priority(0, 1), 0);
        assert_eq!(calculate_priority(5000 * MB, 1), MAX_NODE_SCORE);
        // No containers: maxThreshold 0 is below minThreshold; upstream's formula gives 0.
        assert_eq!(calculate_priority(0, 0), 0);
    }
}
