//! PrioritySort, the default QueueSort plugin: higher priority first, then the pod that entered
//! the queue earlier. Mirrors pkg/scheduler/framework/plugins/queuesort/priority_sort.go.

use crate::scheduler::framework::{Plugin, Points, QueuedPodInfo};

pub const NAME: &str = "PrioritySort";

/// The PrioritySort plugin. It takes no args.
#[derive(Debug, Default)]
pub struct PrioritySort;

pub fn new(_args: Option<&serde_yaml::Value>) -> Result<Box<dyn Plugin>, String> {
    Ok(Box::new(PrioritySort))
}

impl Plugin for PrioritySort {
    fn name(&self) -> &'static str {
        NAME
    }

    fn points(&self) -> Points {
        Points::QUEUE_SORT
    }

    /// Less: `p1 > p2 || (p1 == p2 && t1 before t2)` (corev1helpers.PodPriority: an unset
    /// priority is 0).
    fn less(&self, a: &QueuedPodInfo, b: &QueuedPodInfo) -> bool {
        let (p1, p2) = (a.pod_info.priority(), b.pod_info.priority());
        p1 > p2 || (p1 == p2 && a.timestamp < b.timestamp)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::SimTime;
    use crate::scheduler::testing::pod;

    fn queued(priority: i32, timestamp: SimTime) -> QueuedPodInfo {
        QueuedPodInfo {
            pod_info: pod(&format!(
                "metadata: {{name: p{priority}-{timestamp}}}\nspec: {{priority: {priority}, containers: [{{name: c, image: i}}]}}"
            )),
            timestamp,
            attempts: 0,
            initial_attempt_timestamp: timestamp,
            unschedulable_plugins: Vec::new(),
        }
    }

    // Cases from TestLess in pkg/scheduler/framework/plugins/queuesort/priority_sort_test.go.
    #[test]
    fn less_matches_upstream() {
        let (low, high) = (10, 100);
        let (t1, t2) = (1_000, 2_000);
        let cases = [
            (
                "p1.priority less than p2.priority",
                queued(low, 0),
                queued(high, 0),
                false,
            ),
            (
                "p1.priority greater than p2.priority",
                queued(high, 0),
                queued(low, 0),
                true,
            ),
            (
                "equal priority. p1 is added to schedulingQ earlier than p2",
                queued(high, t1),
                queued(high, t2),
                true,
            ),
            (
                "equal priority. p2 is added to schedulingQ earlier than p1",
                queued(high, t2),
                queued(high, t1),
                false,
            ),
        ];
        let plugin = new(None).unwrap();
        for (name, p1, p2, want) in cases {
            assert_eq!(plugin.less(&p1, &p2), want, "{name}");
        }
    }

    #[test]
    fn unset_priority_is_zero() {
        let plugin = new(None).unwrap();
        let unset = QueuedPodInfo {
            pod_info: pod("metadata: {name: u}\nspec: {containers: [{name: c, image: i}]}"),
            ..queued(0, 5)
        };
        assert!(plugin.less(&queued(1, 9), &unset));
        assert!(plugin.less(&unset, &queued(-1, 0)));
        assert!(plugin.less(&unset, &queued(0, 6)));
    }
}
