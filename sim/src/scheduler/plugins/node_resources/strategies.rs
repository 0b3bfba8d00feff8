//! NodeResourcesFit's scoring strategies: LeastAllocated, MostAllocated and
//! RequestedToCapacityRatio (pkg/scheduler/framework/plugins/noderesources/
//! {least_allocated,most_allocated,requested_to_capacity_ratio}.go, helper/shape_score.go).

use crate::scheduler::framework::MAX_NODE_SCORE;

/// config.MaxCustomPriorityScore: the top of a RequestedToCapacityRatio shape's score axis.
pub const MAX_CUSTOM_PRIORITY_SCORE: i64 = 10;
/// requested_to_capacity_ratio.go: maxUtilization.
const MAX_UTILIZATION: i64 = 100;

/// A weighted average over resources, fed one resource at a time so that scoring a node
/// allocates nothing (upstream's scorers take two slices).
#[derive(Default)]
pub struct Weighted {
    node_score: i64,
    weight_sum: i64,
}

impl Weighted {
    /// leastResourceScorer / mostResourceScorer: every resource counts.
    pub fn add(&mut self, score: i64, weight: i64) {
        self.node_score = self.node_score.wrapping_add(score.wrapping_mul(weight));
        self.weight_sum += weight;
    }

    /// `nodeScore / weightSum`, 0 without weight (integer division, as upstream).
    pub fn average(&self) -> i64 {
        if self.weight_sum == 0 {
            0
        } else {
            self.node_score / self.weight_sum
        }
    }

    /// RequestedToCapacityRatio: only resources scoring above 0 count, and the average is
    /// rounded (`math.Round(float64(nodeScore) / float64(weightSum))`).
    pub fn add_positive(&mut self, score: i64, weight: i64) {
        if score > 0 {
            self.add(score, weight);
        }
    }

    pub fn rounded_average(&self) -> i64 {
        if self.weight_sum == 0 {
            0
        } else {
            (self.node_score as f64 / self.weight_sum as f64).round() as i64
        }
    }
}

/// leastRequestedScore: the unused share of a resource on 0-MaxNodeScore, 0 when the node
/// has none or is over-requested. Go's int64 arithmetic (wrapping) is kept.
pub fn least_requested_score(requested: i64, capacity: i64) -> i64 {
    if capacity == 0 || requested > capacity {
        return 0;
    }
    capacity
        .wrapping_sub(requested)
        .wrapping_mul(MAX_NODE_SCORE)
        / capacity
}

/// mostRequestedScore: the used share of a resource on 0-MaxNodeScore; requests above
/// capacity (possible with the non-zero defaults) count as full.
pub fn most_requested_score(requested: i64, capacity: i64) -> i64 {
    if capacity == 0 {
        return 0;
    }
    requested.min(capacity).wrapping_mul(MAX_NODE_SCORE) / capacity
}

/// A RequestedToCapacityRatio shape with scores already scaled to MaxNodeScore
/// (`score * (MaxNodeScore / MaxCustomPriorityScore)`), as helper.FunctionShape.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shape(pub Vec<(i64, i64)>);

impl Shape {
    /// requestedToCapacityRatioScorer: (utilization, score 0-10) points, scores scaled.
    pub fn scaled(points: &[(i64, i64)]) -> Shape {
        Shape(
            points
                .iter()
                .map(|&(u, s)| (u, s * (MAX_NODE_SCORE / MAX_CUSTOM_PRIORITY_SCORE)))
                .collect(),
        )
    }

    /// helper.BuildBrokenLinearFunction: the first point's score below it, the last's above,
    /// linear (Go integer division) in between.
    pub fn at(&self, p: i64) -> i64 {
        let shape = &self.0;
        for i in 0..shape.len() {
            if p <= shape[i].0 {
                if i == 0 {
                    return shape[0].1;
                }
                let (u0, s0) = shape[i - 1];
                let (u1, s1) = shape[i];
                return s0 + (s1 - s0) * (p - u0) / (u1 - u0);
            }
        }
        shape.last().map_or(0, |&(_, s)| s)
    }

    /// buildRequestedToCapacityRatioScorerFunction's resourceScoringFunction: the shape at
    /// the utilization percentage, full utilization when the node has none or is
    /// over-requested.
    pub fn resource_score(&self, requested: i64, capacity: i64) -> i64 {
        if capacity == 0 || requested > capacity {
            return self.at(MAX_UTILIZATION);
        }
        self.at(scaled_utilization(requested, capacity, MAX_UTILIZATION))
    }
}

/// scaledUtilization: `requested * max / capacity` exactly (128-bit intermediate), with
/// requested clamped to [0, capacity].
fn scaled_utilization(requested: i64, capacity: i64, max: i64) -> i64 {
    if capacity <= 0 || requested <= 0 {
        return 0;
    }
    if requested >= capacity {
        return max;
    }
    (requested as i128 * max as i128 / capacity as i128) as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    /// requested_to_capacity_ratio_test.go: TestBrokenLinearFunction (case_0..case_2).
    #[test]
    fn broken_linear_function() {
        type Points = &'static [(i64, i64)];
        let cases: [(Points, Points); 3] = [
            (
                &[(10, 1), (90, 9)],
                &[
                    (-10, 1),
                    (0, 1),
                    (9, 1),
                    (10, 1),
                    (15, 1),
                    (19, 1),
                    (20, 2),
                    (89, 8),
                    (90, 9),
                    (99, 9),
                    (100, 9),
                    (110, 9),
                ],
            ),
            (
                &[(0, 2), (40, 10), (100, 0)],
                &[
                    (-10, 2),
                    (0, 2),
                    (20, 6),
                    (30, 8),
                    (40, 10),
                    (70, 5),
                    (100, 0),
                    (110, 0),
                ],
            ),
            (
                &[(0, 2), (40, 2), (100, 2)],
                &[
                    (-10, 2),
                    (0, 2),
                    (20, 2),
                    (30, 2),
                    (40, 2),
                    (70, 2),
                    (100, 2),
                    (110, 2),
                ],
            ),
        ];
        for (i, (points, assertions)) in cases.iter().enumerate() {
            let shape = Shape(points.to_vec());
            for &(p, want) in *assertions {
                assert_eq!(shape.at(p), want, "case_{i}: p={p}");
            }
        }
    }
}
