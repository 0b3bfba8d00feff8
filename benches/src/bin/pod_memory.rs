//! Measures the memory one stored Pod costs: creates N pods (default 150,000, the upstream
//! scalability envelope) through the API server and divides the heap growth by N.
//! Usage: cargo run --release -p kubesim-benches --bin pod_memory [N]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use kubesim::api::request::Request;
use kubesim::api::server::ApiServer;
use kubesim::api::types::*;
use kubesim::engine::RngStreams;
use kubesim::trace::Trace;

struct Counting;
static LIVE: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        LIVE.fetch_add(l.size(), Ordering::Relaxed);
        unsafe { System.alloc(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        LIVE.fetch_sub(l.size(), Ordering::Relaxed);
        unsafe { System.dealloc(p, l) }
    }
}

#[global_allocator]
static A: Counting = Counting;

fn main() {
    let n: u64 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(150_000);
    let mut trace = Trace::counters_only();
    let mut s = ApiServer::new(RngStreams::new(1).stream("a"), &mut trace);
    let before = LIVE.load(Ordering::Relaxed);
    let template = pod_template();
    for i in 0..n {
        // As the ReplicaSet controller does: a copy of its template, with a generated name.
        // Copies share the template's strings (SmolStr clones are reference counts).
        let mut obj = template.clone();
        obj.meta.name = format!("web-7d9f8c6b5d-{i:05}").into();
        s.handle(0, "bench", Request::Create { object: obj }, &mut trace)
            .expect("create");
    }
    // Compact the history so only live objects count (as the apiserver does every 5 minutes).
    s.compact(s.revision()).expect("compact");
    let after = LIVE.load(Ordering::Relaxed);
    let per_pod = (after - before) as f64 / n as f64;
    println!(
        "pods={n} heap_bytes={} bytes_per_pod={per_pod:.0} size_of::<Object>()={}",
        after - before,
        std::mem::size_of::<Object>()
    );
}

/// A realistic controller-made pod: two labels, an owner reference, one container with
/// requests and a port.
fn pod_template() -> Object {
    {
        let mut requests = ResourceList::new();
        requests.set(ResourceName::Cpu, 100);
        requests.set(ResourceName::Memory, 128 << 20);
        Object {
            meta: ObjectMeta {
                name: "".into(),
                namespace: "default".into(),
                labels: [("app", "web"), ("pod-template-hash", "7d9f8c6b5d")]
                    .into_iter()
                    .collect(),
                owner_references: vec![OwnerReference {
                    api_version: "apps/v1".into(),
                    kind: "ReplicaSet".into(),
                    name: "web-7d9f8c6b5d".into(),
                    uid: Uid(42),
                    controller: true,
                    block_owner_deletion: true,
                }],
                ..Default::default()
            },
            body: Body::Pod(Pod {
                spec: PodSpec {
                    containers: vec![Container {
                        name: "web".into(),
                        image: "registry.k8s.io/nginx:1.25".into(),
                        image_pull_policy: PullPolicy::IfNotPresent,
                        resources: ResourceRequirements {
                            requests,
                            limits: ResourceList::new(),
                        },
                        ports: vec![ContainerPort {
                            name: "http".into(),
                            container_port: 80,
                            host_port: 0,
                            host_ip: "".into(),
                            protocol: Protocol::Tcp,
                        }],
                        liveness_probe: None,
                        readiness_probe: None,
                        startup_probe: None,
                        lifecycle: None,
                        restart_policy: None,
                    }],
                    scheduler_name: "default-scheduler".into(),
                    termination_grace_period_seconds: 30,
                    ..Default::default()
                },
                status: Default::default(),
            }),
        }
    }
}
