//! Informers through the whole stack: list + watch across the network model, lag behind the
//! API server, relist after a compaction makes the watch's resourceVersion too old, and
//! behaviour during an etcd outage.

use std::sync::Arc;

use kubesim::api::request::{Request, Response};
use kubesim::api::types::*;
use kubesim::client::{Component, Ctx, Delta, Fault, Informer, InformerConfig, Message, WorkQueue};
use kubesim::cluster::Cluster;
use kubesim::engine::{MILLISECOND, MINUTE, SECOND};
use kubesim::model::{Distribution, Model, OutageMode};
use kubesim::network::CONTROL_PLANE;

fn ns(name: &str) -> Object {
    Object {
        meta: ObjectMeta {
            name: name.into(),
            ..Default::default()
        },
        body: Body::Namespace(Namespace::default()),
    }
}

/// Watches namespaces, records every delta with its arrival time, and counts syncs through
/// a workqueue like a controller would.
#[derive(Default)]
struct Watcher {
    informer: Option<Informer>,
    queue: WorkQueue<Name>,
    seen: Vec<(u64, String, String)>,
    synced_keys: Vec<Name>,
}

impl Component for Watcher {
    fn start(&mut self, ctx: &mut Ctx) {
        let mut inf = Informer::new(InformerConfig::all(Kind::Namespace));
        inf.start(ctx);
        self.informer = Some(inf);
    }
    fn handle(&mut self, ctx: &mut Ctx, msg: Message) {
        if let Message::Timer { id, .. } = &msg {
            if self.queue.on_timer(*id) {
                return;
            }
        }
        let inf = self.informer.as_mut().unwrap();
        if let Some(deltas) = inf.handle(ctx, &msg) {
            for d in deltas {
                let what = match &d {
                    Delta::Added(_) => "added",
                    Delta::Updated { .. } => "updated",
                    Delta::Deleted(_) => "deleted",
                };
                self.seen
                    .push((ctx.now(), what.into(), d.object().meta.name.to_string()));
                self.queue.add(d.object().meta.name.clone());
            }
            while let Some(k) = self.queue.get() {
                self.synced_keys.push(k.clone());
                self.queue.done(&k);
            }
        }
    }
}

fn cluster(model: Model) -> (Cluster, u32) {
    let mut c = Cluster::new(model, 1, 2 * 3600 * SECOND, 1_000_000);
    let host = c.add_host("controller");
    let id = c.add_component("watcher", host, Box::new(Watcher::default()), None);
    (c, id)
}

fn constant_model() -> Model {
    let mut m = Model::default();
    m.network.control_plane_latency = Distribution::Constant(MILLISECOND);
    m.etcd.read_latency = Distribution::Constant(MILLISECOND);
    m.etcd.write_latency = Distribution::Constant(2 * MILLISECOND);
    m.apiserver.request_processing = Distribution::Constant(0);
    m.apiserver.watch_dispatch = Distribution::Constant(0);
    m
}

#[test]
fn informer_lists_then_follows_watch_with_network_lag() {
    let (mut c, id) = cluster(constant_model());
    c.run_for(SECOND).unwrap();
    let w: &Watcher = c.component(id).unwrap();
    assert_eq!(
        w.seen.len(),
        4,
        "the four bootstrap namespaces: {:?}",
        w.seen
    );
    assert!(w.informer.as_ref().unwrap().has_synced());
    // Created out of band at t=1s: the informer hears of it one network hop later.
    c.admin_request(
        "test",
        Request::Create {
            object: ns("team-a"),
        },
    )
    .unwrap();
    c.run_for(SECOND).unwrap();
    let w: &Watcher = c.component(id).unwrap();
    let last = w.seen.last().unwrap();
    assert_eq!((last.1.as_str(), last.2.as_str()), ("added", "team-a"));
    assert_eq!(last.0, SECOND + MILLISECOND, "one control-plane hop of 1ms");
    assert_eq!(w.synced_keys.last().map(|k| k.as_str()), Some("team-a"));
}

#[test]
fn watch_expiry_resumes_from_the_last_seen_revision_without_a_relist() {
    let mut model = constant_model();
    model.etcd.compaction_interval = MINUTE;
    model.apiserver.watch_timeout = Distribution::Constant(10 * MINUTE);
    let (mut c, id) = cluster(model);
    c.run_for(SECOND).unwrap();
    // Churn the informer sees; its resourceVersion stays current, so compaction never
    // strands it.
    for i in 0..5 {
        c.admin_request(
            "test",
            Request::Create {
                object: ns(&format!("churn-{i}")),
            },
        )
        .unwrap();
    }
    c.run_for(20 * MINUTE).unwrap();
    let w: &Watcher = c.component(id).unwrap();
    let inf = w.informer.as_ref().unwrap();
    assert_eq!(inf.len(), 9);
    let names: Vec<&str> = inf.list().map(|o| o.meta.name.as_str()).collect();
    assert!(names.contains(&"churn-4"));
    // The watch was closed at 10 and 20 minutes and resumed each time without a relist.
    assert_eq!(
        c.trace().count("Compact"),
        1,
        "compaction runs once there is progress"
    );
    assert_eq!(inf.relists(), 0);
    assert_eq!(c.trace().count("WatchExpired"), 0);
}

#[test]
fn stale_resume_point_gets_410_and_relists() {
    // A watcher that saw nothing for a long time resumes from an old revision: 410 → relist.
    let mut model = constant_model();
    model.etcd.compaction_interval = MINUTE;
    model.apiserver.watch_timeout = Distribution::Constant(5 * MINUTE);
    let mut c = Cluster::new(model, 1, 3600 * SECOND, 1_000_000);
    let host = c.add_host("controller");
    // Watch pods only: the namespace churn below moves the revision without touching its cache.
    #[derive(Default)]
    struct PodWatcher {
        informer: Option<Informer>,
    }
    impl Component for PodWatcher {
        fn start(&mut self, ctx: &mut Ctx) {
            let mut i = Informer::new(InformerConfig::all(Kind::Pod));
            i.start(ctx);
            self.informer = Some(i);
        }
        fn handle(&mut self, ctx: &mut Ctx, msg: Message) {
            self.informer.as_mut().unwrap().handle(ctx, &msg);
        }
    }
    let id = c.add_component("pod-watcher", host, Box::new(PodWatcher::default()), None);
    c.run_for(SECOND).unwrap();
    for i in 0..10 {
        c.admin_request(
            "test",
            Request::Create {
                object: ns(&format!("churn-{i}")),
            },
        )
        .unwrap();
    }
    c.run_for(10 * MINUTE).unwrap();
    let w: &PodWatcher = c.component(id).unwrap();
    let inf = w.informer.as_ref().unwrap();
    assert_eq!(
        c.trace().count("WatchExpired"),
        1,
        "one 410 at the first watch timeout"
    );
    assert_eq!(inf.relists(), 1);
    assert!(inf.last_resource_version() > 10);
}

/// Sends one request at a fixed time and records the outcome.
struct OneShot {
    at: u64,
    result: Option<(u64, Result<Arc<Object>, String>)>,
}

impl Component for OneShot {
    fn start(&mut self, ctx: &mut Ctx) {
        ctx.set_timer(self.at, 0);
    }
    fn handle(&mut self, ctx: &mut Ctx, msg: Message) {
        match msg {
            Message::Timer { .. } => {
                ctx.send(Request::Create { object: ns("late") });
            }
            Message::Response { result, .. } => {
                self.result = Some((
                    ctx.now(),
                    result
                        .map(|r| match r {
                            Response::Object(o) => o,
                            _ => panic!(),
                        })
                        .map_err(|e| e.message),
                ));
            }
            _ => {}
        }
    }
}

#[test]
fn etcd_outage_fails_or_holds_requests_per_model() {
    for mode in [OutageMode::Fail, OutageMode::Wait] {
        let mut model = constant_model();
        model.etcd.outage_mode = mode;
        model.etcd.request_timeout = 5 * SECOND;
        let mut c = Cluster::new(model, 1, 3600 * SECOND, 1_000_000);
        let id = c.add_component(
            "client",
            CONTROL_PLANE,
            Box::new(OneShot {
                at: 10 * SECOND,
                result: None,
            }),
            None,
        );
        c.schedule_fault(
            5 * SECOND,
            None,
            Fault::EtcdOutage {
                duration: 30 * SECOND,
            },
        );
        c.run_for(MINUTE).unwrap();
        let r = c.component::<OneShot>(id).unwrap().result.clone().unwrap();
        match mode {
            OutageMode::Fail => {
                assert_eq!(r.1.unwrap_err(), "etcdserver: request timed out");
                // Sent at 10s (same host: no network), failed after the 5s timeout.
                assert_eq!(r.0, 15 * SECOND);
                assert!(c.api().get(Kind::Namespace, "", "late").is_none());
            }
            OutageMode::Wait => {
                assert!(r.1.is_ok());
                assert!(
                    r.0 >= 35 * SECOND,
                    "held until etcd recovered at 35s: {}",
                    r.0
                );
                assert!(c.api().get(Kind::Namespace, "", "late").is_some());
            }
        }
        assert_eq!(c.trace().count("EtcdOutage"), 1);
        assert_eq!(c.trace().count("EtcdRecovered"), 1);
    }
}

#[test]
fn a_partitioned_client_times_out_and_its_watch_is_noticed_dead() {
    let mut c = Cluster::new(constant_model(), 1, 3600 * SECOND, 1_000_000);
    let host = c.add_host("edge");
    let client = c.add_component(
        "client",
        host,
        Box::new(OneShot {
            at: 10 * SECOND,
            result: None,
        }),
        None,
    );
    let watcher_host = c.add_host("watcher");
    let watcher = c.add_component("watcher", watcher_host, Box::new(Watcher::default()), None);
    c.run_for(SECOND).unwrap();
    c.isolate_host(host);
    c.isolate_host(watcher_host);
    c.admin_request(
        "test",
        Request::Create {
            object: ns("during-partition"),
        },
    )
    .unwrap();
    c.run_for(MINUTE).unwrap();
    let r = c
        .component::<OneShot>(client)
        .unwrap()
        .result
        .clone()
        .unwrap();
    assert_eq!(r.1.unwrap_err(), "dial tcp control-plane:6443: i/o timeout");
    assert_eq!(r.0, 40 * SECOND, "sent at 10s, given up after 30s");
    assert!(
        c.api().get(Kind::Namespace, "", "late").is_none(),
        "the request never arrived"
    );
    let w: &Watcher = c.component(watcher).unwrap();
    assert!(
        w.informer
            .as_ref()
            .unwrap()
            .get("", "during-partition")
            .is_none(),
        "the event was lost"
    );
    // After healing, the informer's reconnect (after the dead-connection timeout and retries)
    // replays what it missed from its last resourceVersion.
    c.heal_host(host);
    c.heal_host(watcher_host);
    c.run_for(2 * MINUTE).unwrap();
    let w: &Watcher = c.component(watcher).unwrap();
    assert!(
        w.informer
            .as_ref()
            .unwrap()
            .get("", "during-partition")
            .is_some(),
        "caught up after the partition healed"
    );
}
