//! Measures the memory one stored Pod costs: creates N pods (default 150,000, the upstream
//! scalability envelope) through the API server and divides the heap growth by N; then marks
//! every pod Running with a kubelet-like status (four conditions, a container status, IPs)
//! and measures again. History is compacted first, as the API server does every 5 minutes.
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
    let pending = LIVE.load(Ordering::Relaxed);
    println!(
        "pending pods={n} heap_bytes={} bytes_per_pod={:.0} size_of::<Object>()={}",
        pending - before,
        (pending - before) as f64 / n as f64,
        std::mem::size_of::<Object>()
    );
    for i in 0..n {
        let name = format!("web-7d9f8c6b5d-{i:05}");
        s.handle(
            1,
            "bench",
            Request::Bind {
                namespace: "default".into(),
                name: name.as_str().into(),
                node: format!("node-{}", i % 5000 + 1).into(),
                uid: None,
            },
            &mut trace,
        )
        .expect("bind");
        let mut o = (**s.get(Kind::Pod, "default", &name).expect("stored")).clone();
        if let Body::Pod(p) = &mut o.body {
            p.status.phase = PodPhase::Running;
            p.status.pod_ip =
                format!("10.{}.{}.{}", 244 + i / 65536, (i / 256) % 256, i % 256).into();
            p.status.host_ip = format!("10.0.{}.{}", (i % 5000) / 256, i % 256).into();
            p.status.start_time = Some(1);
            for t in ["Initialized", "Ready", "ContainersReady"] {
                p.status.conditions.push(
                    Condition::new(Name::new_static(t), ConditionStatus::True)
                        .with_times(Some(1), None),
                );
            }
            p.status.container_statuses = vec![ContainerStatus {
                name: p.spec.containers[0].name.clone(),
                image: p.spec.containers[0].image.clone(),
                ready: true,
                started: Some(true),
                restart_count: 0,
                state: ContainerState::Running { started_at: 1 },
                last_state: None,
            }];
        }
        s.handle(1, "bench", Request::UpdateStatus { object: o }, &mut trace)
            .expect("status");
    }
    s.compact(s.revision()).expect("compact");
    let running = LIVE.load(Ordering::Relaxed);
    println!(
        "running pods={n} heap_bytes={} bytes_per_pod={:.0}",
        running - before,
        (running - before) as f64 / n as f64
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
                        ..Container::new("web", "registry.k8s.io/nginx:1.25")
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
