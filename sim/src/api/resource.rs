//! Pod resource arithmetic shared by the kubelet's admission and the scheduler
//! (staging/src/k8s.io/component-helpers/resource/helpers.go).

use crate::api::types::{PodSpec, ResourceList, RestartPolicy};

/// The pod's effective requests (resourcehelper.PodRequests): the sum over app containers
/// and sidecars, or the largest init container if that is more.
pub fn pod_requests(spec: &PodSpec) -> ResourceList {
    let mut sum = ResourceList::new();
    for c in &spec.containers {
        for (r, v) in c.resources.requests.iter() {
            sum.set(r.clone(), sum.get(r).unwrap_or(0) + v);
        }
    }
    let mut sidecars = ResourceList::new();
    for c in &spec.rare.init_containers {
        if c.restart_policy == Some(RestartPolicy::Always) {
            for (r, v) in c.resources.requests.iter() {
                sidecars.set(r.clone(), sidecars.get(r).unwrap_or(0) + v);
                sum.set(r.clone(), sum.get(r).unwrap_or(0) + v);
            }
        } else {
            for (r, v) in c.resources.requests.iter() {
                let init_need = v + sidecars.get(r).unwrap_or(0);
                if init_need > sum.get(r).unwrap_or(0) {
                    sum.set(r.clone(), init_need);
                }
            }
        }
    }
    sum
}
