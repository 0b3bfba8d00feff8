//! RandomScore: a Score plugin that gives each node a pseudo-random score in
//! [0, MAX_NODE_SCORE], a baseline for comparing policies. The score is a hash of the args'
//! `seed`, the pod's UID and the node's name, so runs stay reproducible without an RNG stream.

use crate::scheduler::framework::{
    CycleState, NodeInfo, Plugin, PodInfo, Points, Status, MAX_NODE_SCORE,
};

pub const NAME: &str = "RandomScore";

pub struct RandomScore {
    seed: u64,
}

pub fn new(args: Option<&serde_yaml::Value>) -> Result<Box<dyn Plugin>, String> {
    let mut seed = 0;
    if let Some(args) = args.filter(|a| !a.is_null()) {
        let map = args
            .as_mapping()
            .ok_or("RandomScore args: expected a mapping like {seed: 7}")?;
        for (k, v) in map {
            match k.as_str() {
                Some("seed") => {
                    seed = v
                        .as_u64()
                        .ok_or("RandomScore args.seed: expected a non-negative integer")?
                }
                other => {
                    return Err(format!(
                        "RandomScore args: unknown field {:?} (expected seed)",
                        other.unwrap_or("?")
                    ))
                }
            }
        }
    }
    Ok(Box::new(RandomScore { seed }))
}

/// FNV-1a over the seed, the pod UID and the node name, then a SplitMix64 finish.
fn mix(seed: u64, uid: u128, node: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ seed;
    for b in uid.to_le_bytes().iter().chain(node.as_bytes()) {
        h = (h ^ *b as u64).wrapping_mul(0x100_0000_01b3);
    }
    h = (h ^ (h >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h = (h ^ (h >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^ (h >> 31)
}

impl Plugin for RandomScore {
    fn name(&self) -> &'static str {
        NAME
    }
    fn points(&self) -> Points {
        Points::SCORE
    }
    fn score(&self, _state: &CycleState, pod: &PodInfo, node: &NodeInfo) -> Result<i64, Status> {
        let h = mix(self.seed, pod.pod.meta.uid.0, node.name());
        Ok((h % (MAX_NODE_SCORE as u64 + 1)) as i64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheduler::testing::{node, pod};

    #[test]
    fn scores_are_in_range_reproducible_and_depend_on_the_seed() {
        let p = pod("metadata: {name: p}\nspec: {containers: [{name: c, image: i}]}");
        let nodes: Vec<_> = (0..50)
            .map(|i| node(&format!("metadata: {{name: n{i}}}")))
            .collect();
        let scores = |seed| {
            let plugin = RandomScore { seed };
            nodes
                .iter()
                .map(|n| plugin.score(&CycleState::new(), &p, n).unwrap())
                .collect::<Vec<_>>()
        };
        let a = scores(1);
        assert!(a.iter().all(|s| (0..=MAX_NODE_SCORE).contains(s)));
        assert_eq!(a, scores(1));
        assert_ne!(a, scores(2));
        // Not constant: a real spread of values.
        let distinct: std::collections::BTreeSet<_> = a.iter().collect();
        assert!(distinct.len() > 20, "{distinct:?}");
    }

    #[test]
    fn bad_args_are_rejected() {
        let bad: serde_yaml::Value = serde_yaml::from_str("{sed: 1}").unwrap();
        let Err(e) = new(Some(&bad)) else {
            panic!("bad args accepted")
        };
        assert!(e.contains("unknown field \"sed\""), "{e}");
    }
}
