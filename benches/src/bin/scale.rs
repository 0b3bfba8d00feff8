//! A whole-run figure at Kubernetes' scalability envelope: N nodes, each with a kubelet-like
//! component watching its own pods (a node-pinned informer) and reporting them Running; a
//! client creating P pods at a steady rate; a binder assigning them round-robin. Every
//! request and watch event crosses the network and etcd models, as in a real run.
//! Usage: cargo run --release -p kubesim-benches --bin scale [NODES] [PODS] [CREATE_QPS]
//! Prints wall time, events, events/s, peak RSS and the final object counts.

use std::sync::Arc;
use std::time::Instant;

use kubesim::api::request::{FieldSelector, Request};
use kubesim::api::types::*;
use kubesim::client::{Component, Ctx, Delta, Informer, InformerConfig, Message};
use kubesim::cluster::Cluster;
use kubesim::engine::{format_duration, SECOND};
use kubesim::model::Model;
use kubesim::network::CONTROL_PLANE;

/// Creates pods at a fixed rate, one request per tick, and binds each to a node once created.
struct Creator {
    pods: u64,
    nodes: u64,
    interval_ns: u64,
    created: u64,
    template: Object,
}

impl Component for Creator {
    fn start(&mut self, ctx: &mut Ctx) {
        ctx.set_timer(0, 0);
    }
    fn handle(&mut self, ctx: &mut Ctx, msg: Message) {
        match msg {
            Message::Timer { .. } => {
                let mut pod = self.template.clone();
                pod.meta.name = format!("web-{:06}", self.created).into();
                ctx.send(Request::Create { object: pod });
                self.created += 1;
                if self.created < self.pods {
                    ctx.set_timer(self.interval_ns, 0);
                }
            }
            Message::Response {
                result: Ok(resp), ..
            } => {
                if let Some(obj) = resp.object() {
                    if obj.as_pod().is_some_and(|p| p.spec.node_name.is_empty()) {
                        let i: u64 = obj.meta.name[4..].parse().unwrap_or(0);
                        ctx.send(Request::Bind {
                            namespace: obj.meta.namespace.clone(),
                            name: obj.meta.name.clone(),
                            node: format!("node-{}", i % self.nodes + 1).into(),
                            uid: Some(obj.meta.uid),
                        });
                    }
                }
            }
            _ => {}
        }
    }
}

/// Watches the pods bound to its node and marks each Running, as a kubelet would.
struct MiniKubelet {
    node: Name,
    informer: Option<Informer>,
}

impl Component for MiniKubelet {
    fn start(&mut self, ctx: &mut Ctx) {
        let mut cfg = InformerConfig::all(Kind::Pod);
        cfg.field_selector = Some(FieldSelector::node_name(&self.node));
        let mut inf = Informer::new(cfg);
        inf.start(ctx);
        self.informer = Some(inf);
    }
    fn handle(&mut self, ctx: &mut Ctx, msg: Message) {
        let Some(deltas) = self.informer.as_mut().and_then(|i| i.handle(ctx, &msg)) else {
            return;
        };
        for d in deltas {
            if let Delta::Added(pod) = d {
                ctx.send(Request::UpdateStatus {
                    object: running(&pod, ctx.now()),
                });
            }
        }
    }
}

fn running(pod: &Arc<Object>, now: u64) -> Object {
    let mut o = (**pod).clone();
    if let Body::Pod(p) = &mut o.body {
        p.status.phase = PodPhase::Running;
        p.status.pod_ip = "10.244.0.10".into();
        p.status.host_ip = "10.0.0.1".into();
        p.status.start_time = Some(now);
        for t in ["Initialized", "Ready", "ContainersReady", "PodScheduled"] {
            p.status
                .conditions
                .push(Condition::new(t, ConditionStatus::True).with_times(Some(now), None));
        }
        p.status.container_statuses = p
            .spec
            .containers
            .iter()
            .map(|c| ContainerStatus {
                name: c.name.clone(),
                image: c.image.clone(),
                ready: true,
                started: Some(true),
                restart_count: 0,
                state: ContainerState::Running { started_at: now },
                last_state: None,
            })
            .collect();
    }
    o
}

fn pod_template() -> Object {
    let mut requests = ResourceList::new();
    requests.set(ResourceName::Cpu, 100);
    requests.set(ResourceName::Memory, 128 << 20);
    Object {
        meta: ObjectMeta {
            namespace: "default".into(),
            labels: [("app", "web"), ("pod-template-hash", "7d9f8c6b5d")]
                .into_iter()
                .collect(),
            ..Default::default()
        },
        body: Body::Pod(Pod {
            spec: PodSpec {
                containers: vec![Container {
                    resources: ResourceRequirements {
                        requests,
                        limits: ResourceList::new(),
                    },
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

fn main() {
    let arg = |i: usize, d: u64| {
        std::env::args()
            .nth(i)
            .and_then(|a| a.parse().ok())
            .unwrap_or(d)
    };
    let (nodes, pods, qps) = (arg(1, 5_000), arg(2, 150_000), arg(3, 1_000));
    let started = Instant::now();
    let until = (pods / qps + 120) * SECOND;
    let mut c = Cluster::new(Model::builtin(), 1, until, u64::MAX);
    for n in 1..=nodes {
        let name = format!("node-{n}");
        let host = c.add_host(&name);
        c.add_component(
            &format!("kubelet/{name}"),
            host,
            Box::new(MiniKubelet {
                node: name.into(),
                informer: None,
            }),
            None,
        );
    }
    c.add_component(
        "creator",
        CONTROL_PLANE,
        Box::new(Creator {
            pods,
            nodes,
            interval_ns: SECOND / qps,
            created: 0,
            template: pod_template(),
        }),
        None,
    );
    let setup = started.elapsed();
    c.run().expect("no runaway");
    let wall = started.elapsed();
    let running = c
        .api()
        .list(Kind::Pod, None)
        .iter()
        .filter(|p| {
            p.as_pod()
                .is_some_and(|p| p.status.phase == PodPhase::Running)
        })
        .count();
    let events = c.events_processed();
    let rss = format!("VmHWM: {} MiB", kubesim_benches::peak_rss_mib());
    println!(
        "nodes={nodes} pods={pods} create_qps={qps} simulated={} wall={:.2}s (setup {:.2}s) events={events} events_per_s={:.0} running_pods={running} trace_rows={} {rss}",
        format_duration(c.now()),
        wall.as_secs_f64(),
        setup.as_secs_f64(),
        events as f64 / wall.as_secs_f64(),
        c.trace().rows().len(),
    );
}
