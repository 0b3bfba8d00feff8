//! The simulated cluster: the event loop that carries requests and watch events between
//! components and the API server across the network model, with etcd's latency, outages and
//! compaction. Components are opaque here; they meet only through the API.

use std::any::Any;
use std::collections::BTreeMap;

use crate::api::request::{Request, Response, Status};
use crate::api::server::ApiServer;
use crate::client::{
    Component, ComponentId, Ctx, Event, Fault, Message, RequestId, CLIENT_REQUEST_TIMEOUT,
    WATCH_DEAD_CONNECTION_DETECT,
};
use crate::engine::{
    format_duration, Engine, RngStreams, RunawayError, SimDuration, SimRng, SimTime, StopReason,
};
use crate::model::{Model, OutageMode};
use crate::network::{HostId, Network, CONTROL_PLANE};
use crate::trace::{Record, Trace};

/// The default runaway guard: a run stops with an error after this many events.
pub const DEFAULT_MAX_EVENTS: u64 = 50_000_000;

struct Slot {
    name: String,
    host: HostId,
    component: Option<Box<dyn Component>>,
    rng: SimRng,
    factory: Option<Box<dyn Fn() -> Box<dyn Component>>>,
    /// After a Restart fault: the slot of the new process. Messages still addressed to this
    /// one (responses to its requests, its timers) are dropped, as a dead process's are.
    replaced_by: Option<ComponentId>,
    /// How many times this component has restarted (names the new instance's random stream).
    restarts: u32,
}

/// An open watch stream, as the cluster sees it.
struct WatchStream {
    owner: ComponentId,
    /// Events on one stream arrive in order: none is delivered before the previous one.
    last_delivery: SimTime,
}

/// A request held while etcd is down (outage mode `wait`).
struct Parked {
    from: ComponentId,
    id: RequestId,
    req: Box<Request>,
}

pub struct Cluster {
    engine: Engine<Event>,
    network: Network,
    apiserver: ApiServer,
    trace: Trace,
    model: Model,
    rngs: RngStreams,
    /// Latency samples of the API server and etcd.
    latency_rng: SimRng,
    slots: Vec<Slot>,
    watches: BTreeMap<RequestId, WatchStream>,
    next_id: u64,
    etcd_down_until: Option<SimTime>,
    parked: Vec<Parked>,
    compaction_mark: u64,
    hooks_fired: Vec<u64>,
}

impl Cluster {
    pub fn new(model: Model, seed: u64, until: SimTime, max_events: u64) -> Cluster {
        let rngs = RngStreams::new(seed);
        let mut trace = Trace::new();
        let apiserver = ApiServer::new(rngs.stream("kube-apiserver"), &mut trace);
        let mut engine = Engine::new(until, max_events);
        if model.etcd.compaction_interval > 0 {
            engine.schedule_in(model.etcd.compaction_interval, Event::Compact);
        }
        Cluster {
            network: Network::new(model.network.clone(), rngs.stream("network")),
            latency_rng: rngs.stream("kube-apiserver/latency"),
            engine,
            apiserver,
            trace,
            model,
            rngs,
            slots: Vec::new(),
            watches: BTreeMap::new(),
            next_id: 0,
            etcd_down_until: None,
            parked: Vec::new(),
            compaction_mark: 0,
            hooks_fired: Vec::new(),
        }
    }

    pub fn now(&self) -> SimTime {
        self.engine.now()
    }
    pub fn until(&self) -> SimTime {
        self.engine.until()
    }
    pub fn set_until(&mut self, until: SimTime) {
        self.engine.set_until(until)
    }
    pub fn events_processed(&self) -> u64 {
        self.engine.events_processed()
    }
    pub fn model(&self) -> &Model {
        &self.model
    }
    pub fn rng_streams(&self) -> RngStreams {
        self.rngs
    }
    /// Read access to the API server's state (for the library API, invariants and reports).
    pub fn api(&self) -> &ApiServer {
        &self.apiserver
    }
    pub fn trace(&self) -> &Trace {
        &self.trace
    }
    pub fn trace_mut(&mut self) -> &mut Trace {
        &mut self.trace
    }
    pub fn network(&self) -> &Network {
        &self.network
    }
    /// Cuts a host off from the network (its messages are dropped) until [`Cluster::heal_host`].
    pub fn isolate_host(&mut self, host: HostId) {
        self.network.isolate(host);
    }

    pub fn heal_host(&mut self, host: HostId) {
        self.network.heal(host);
    }

    pub fn add_host(&mut self, name: &str) -> HostId {
        self.network.add_host(name)
    }

    /// Adds a component on `host`; it starts at the current time. `factory` builds a fresh
    /// instance for a Restart fault (None: the component cannot be restarted).
    pub fn add_component(
        &mut self,
        name: &str,
        host: HostId,
        component: Box<dyn Component>,
        factory: Option<Box<dyn Fn() -> Box<dyn Component>>>,
    ) -> ComponentId {
        let id = self.slots.len() as ComponentId;
        self.slots.push(Slot {
            name: name.to_string(),
            host,
            component: Some(component),
            rng: self.rngs.stream(name),
            factory,
            replaced_by: None,
            restarts: 0,
        });
        self.engine.schedule_in(0, Event::Start(id));
        id
    }

    /// The component of this name (its current instance, after restarts).
    pub fn component_id(&self, name: &str) -> Option<ComponentId> {
        self.slots
            .iter()
            .position(|s| s.name == name)
            .map(|i| self.current(i as ComponentId))
    }

    /// The current instance of a component that may have restarted since `id` was handed out.
    fn current(&self, mut id: ComponentId) -> ComponentId {
        while let Some(next) = self.slots.get(id as usize).and_then(|s| s.replaced_by) {
            id = next;
        }
        id
    }

    /// Downcasts a component for reading its state (its current instance).
    pub fn component<T: Component>(&self, id: ComponentId) -> Option<&T> {
        let id = self.current(id);
        let c: &dyn Component = self.slots.get(id as usize)?.component.as_deref()?;
        (c as &dyn Any).downcast_ref::<T>()
    }

    /// Every instance of a component, oldest first: the ones that died in restarts, then
    /// the current one.
    pub fn component_instances<T: Component>(&self, id: ComponentId) -> Vec<&T> {
        let mut out = Vec::new();
        let mut next = Some(id);
        while let Some(i) = next {
            let Some(slot) = self.slots.get(i as usize) else {
                break;
            };
            if let Some(c) = slot.component.as_deref() {
                if let Some(t) = (c as &dyn Any).downcast_ref::<T>() {
                    out.push(t);
                }
            }
            next = slot.replaced_by;
        }
        out
    }

    /// Mutable access to a component, for its owner to configure it before or between steps
    /// (the scenario hands kubectl its commands this way). Components never get this.
    pub fn component_mut<T: Component>(&mut self, id: ComponentId) -> Option<&mut T> {
        let id = self.current(id);
        let c: &mut dyn Component = self.slots.get_mut(id as usize)?.component.as_deref_mut()?;
        (c as &mut dyn Any).downcast_mut::<T>()
    }

    /// Applies a request at the current instant, bypassing network and etcd latency: for
    /// setting up the world before a run (nodes that already exist) and for tests.
    pub fn admin_request(&mut self, client: &str, req: Request) -> Result<Response, Status> {
        let now = self.now();
        let r = self.apiserver.handle(now, client, req, &mut self.trace);
        self.flush_watch_events();
        r
    }

    /// Fires [`Message::Timer`] with `tag` (and id 0) at component `to` at time `at`.
    pub fn schedule_timer(&mut self, at: SimTime, to: ComponentId, tag: u64) {
        self.engine.schedule_at(
            at,
            Event::Deliver {
                to,
                msg: Message::Timer { id: 0, tag },
            },
        );
    }

    pub fn schedule_fault(&mut self, at: SimTime, target: Option<ComponentId>, fault: Fault) {
        self.engine.schedule_at(at, Event::Fault { target, fault });
    }

    /// Schedules a hook: `step` returns it so the owner (the scenario) can act at that time.
    pub fn schedule_hook(&mut self, at: SimTime, tag: u64) {
        self.engine.schedule_at(at, Event::Hook(tag));
    }

    /// Hooks that fired since the last call.
    pub fn take_fired_hooks(&mut self) -> Vec<u64> {
        std::mem::take(&mut self.hooks_fired)
    }

    /// Processes one event. Returns false when the run is over (until reached or idle).
    pub fn step(&mut self) -> Result<bool, RunawayError> {
        let Some((now, event)) = self.engine.next_event()? else {
            return Ok(false);
        };
        self.dispatch(now, event);
        Ok(true)
    }

    /// Runs until `until` (or until nothing is left to do).
    pub fn run(&mut self) -> Result<StopReason, RunawayError> {
        while self.step()? {}
        Ok(self.engine.finish())
    }

    /// Runs until `cond` holds (checked after every event), or the end of the run.
    pub fn run_until_condition(
        &mut self,
        mut cond: impl FnMut(&Cluster) -> bool,
    ) -> Result<StopReason, RunawayError> {
        while self.step()? {
            if cond(self) {
                return Ok(StopReason::Condition);
            }
        }
        Ok(self.engine.finish())
    }

    /// Runs up to virtual time `t` (which must not exceed `until`).
    pub fn run_for(&mut self, d: SimDuration) -> Result<StopReason, RunawayError> {
        let target = self.now().saturating_add(d);
        let until = self.engine.until();
        self.engine.set_until(target.min(until));
        let r = self.run();
        self.engine.set_until(until);
        r
    }

    fn dispatch(&mut self, now: SimTime, event: Event) {
        match event {
            Event::Start(id) => self.with_component(id, |c, ctx| c.start(ctx)),
            Event::Deliver { to, msg } => {
                if let Message::WatchEvent { id, .. } | Message::WatchClosed { id } = &msg {
                    if !self.watches.contains_key(id) && !matches!(msg, Message::WatchClosed { .. })
                    {
                        // The stream was closed before this event reached the client.
                        return;
                    }
                    if matches!(msg, Message::WatchClosed { .. }) {
                        self.watches.remove(id);
                    }
                }
                self.with_component(to, |c, ctx| c.handle(ctx, msg));
            }
            Event::ApiArrive { from, id, req } => {
                if self.etcd_down_until.is_some() {
                    self.etcd_unavailable(from, id, req);
                    return;
                }
                if let Request::Watch(w) = *req {
                    // A watch a dead process asked for has no one to stream to.
                    if self.slots[from as usize].replaced_by.is_none() {
                        self.open_watch(now, from, id, w);
                    }
                    return;
                }
                let mut delay = self
                    .model
                    .apiserver
                    .request_processing
                    .sample(&mut self.latency_rng);
                delay += if req.is_write() {
                    self.model.etcd.write_latency.sample(&mut self.latency_rng)
                } else {
                    self.model.etcd.read_latency.sample(&mut self.latency_rng)
                };
                self.engine
                    .schedule_in(delay, Event::ApiCommit { from, id, req });
            }
            Event::ApiCommit { from, id, req } => {
                if self.etcd_down_until.is_some() {
                    self.etcd_unavailable(from, id, req);
                    return;
                }
                let client = self.slots[from as usize].name.clone();
                let result = self.apiserver.handle(now, &client, *req, &mut self.trace);
                self.reply(from, id, result);
                self.flush_watch_events();
            }
            Event::ApiCancelWatch { id } => {
                self.apiserver.cancel_watch(id);
                self.watches.remove(&id);
            }
            Event::WatchExpire { id } => {
                if let Some(w) = self.watches.get(&id) {
                    let owner = w.owner;
                    self.apiserver.cancel_watch(id);
                    self.send_on_stream(id, owner, Message::WatchClosed { id });
                }
            }
            Event::Compact => {
                let mark = self.compaction_mark;
                if mark > self.apiserver.compacted_revision()
                    && self.etcd_down_until.is_none()
                    && self.apiserver.compact(mark).is_ok()
                {
                    self.trace.emit(
                        now,
                        Record::new("kube-apiserver", "Compact").detail(format!("revision={mark}")),
                    );
                }
                self.compaction_mark = self.apiserver.revision();
                self.engine
                    .schedule_in(self.model.etcd.compaction_interval, Event::Compact);
            }
            Event::EtcdRecover => {
                if self.etcd_down_until.is_some_and(|t| t <= now) {
                    self.etcd_down_until = None;
                    self.trace.emit(now, Record::new("etcd", "EtcdRecovered"));
                    for p in std::mem::take(&mut self.parked) {
                        self.engine.schedule_in(
                            0,
                            Event::ApiArrive {
                                from: p.from,
                                id: p.id,
                                req: p.req,
                            },
                        );
                    }
                }
            }
            Event::Fault { target, fault } => self.inject(now, target, fault),
            Event::Hook(tag) => self.hooks_fired.push(tag),
        }
    }

    fn inject(&mut self, now: SimTime, target: Option<ComponentId>, fault: Fault) {
        match (&fault, target) {
            (Fault::EtcdOutage { duration }, _) => {
                let end = now + duration;
                self.etcd_down_until = Some(self.etcd_down_until.map_or(end, |t| t.max(end)));
                self.trace.emit(
                    now,
                    Record::new("etcd", "EtcdOutage")
                        .detail(format!("for {}", format_duration(*duration))),
                );
                self.engine.schedule_at(end, Event::EtcdRecover);
            }
            (Fault::Restart, Some(id)) => {
                // The process dies and a new one starts: a new slot, so nothing addressed to
                // the old process (responses, timers, watch events) reaches the new one.
                let id = self.current(id);
                let Some(factory) = self.slots[id as usize].factory.take() else {
                    return;
                };
                let new_id = self.slots.len() as ComponentId;
                let old = &mut self.slots[id as usize];
                // The dead instance stays readable (its figures belong to the run) but gets
                // nothing more: `with_component` skips replaced slots.
                old.replaced_by = Some(new_id);
                let (name, host, restarts) = (old.name.clone(), old.host, old.restarts + 1);
                let dead: Vec<RequestId> = self
                    .watches
                    .iter()
                    .filter(|(_, w)| w.owner == id)
                    .map(|(k, _)| *k)
                    .collect();
                for w in dead {
                    self.watches.remove(&w);
                    self.apiserver.cancel_watch(w);
                }
                self.slots.push(Slot {
                    rng: self.rngs.stream(&format!("{name}#{restarts}")),
                    name: name.clone(),
                    host,
                    component: Some(factory()),
                    factory: Some(factory),
                    replaced_by: None,
                    restarts,
                });
                self.trace.emit(now, Record::new(&name, "Restarted"));
                self.engine.schedule_in(0, Event::Start(new_id));
            }
            (Fault::Partition { duration }, Some(id)) => {
                let (host, name) = (
                    self.slots[id as usize].host,
                    self.slots[id as usize].name.clone(),
                );
                self.network.isolate(host);
                self.trace.emit(
                    now,
                    Record::new("network", "NetworkPartition")
                        .node(self.network.host_name(host))
                        .detail(format!("{name} cut off for {}", format_duration(*duration))),
                );
                self.engine.schedule_in(
                    *duration,
                    Event::Fault {
                        target: Some(id),
                        fault: Fault::HealPartition,
                    },
                );
            }
            (Fault::HealPartition, Some(id)) => {
                let host = self.slots[id as usize].host;
                self.network.heal(host);
                self.trace.emit(
                    now,
                    Record::new("network", "NetworkHealed").node(self.network.host_name(host)),
                );
            }
            (_, Some(id)) => {
                self.with_component(id, |c, ctx| c.handle(ctx, Message::Fault(fault)));
            }
            (_, None) => {}
        }
    }

    fn etcd_unavailable(&mut self, from: ComponentId, id: RequestId, req: Box<Request>) {
        match self.model.etcd.outage_mode {
            OutageMode::Wait => self.parked.push(Parked { from, id, req }),
            OutageMode::Fail => {
                let status = Status::etcd_timeout();
                self.apiserver.record_failed_request(&req, &status);
                let (client, kind, name) =
                    (&self.slots[from as usize].name, req.kind(), req.target().1);
                self.trace.emit(
                    self.engine.now(),
                    Record::new("kube-apiserver", "ApiError")
                        .object(kind.as_str(), req.target().0, name)
                        .detail(format!(
                            "{} {}: {} after {} (client {client})",
                            status.code,
                            status.reason.as_str(),
                            status.message,
                            format_duration(self.model.etcd.request_timeout)
                        )),
                );
                self.reply_after(self.model.etcd.request_timeout, from, id, Err(status));
            }
        }
    }

    fn open_watch(
        &mut self,
        now: SimTime,
        from: ComponentId,
        id: RequestId,
        w: crate::api::request::WatchRequest,
    ) {
        let result = self.apiserver.watch(id, w);
        let ok = result.is_ok();
        if ok {
            self.watches.insert(
                id,
                WatchStream {
                    owner: from,
                    last_delivery: now,
                },
            );
            let lifetime = self
                .model
                .apiserver
                .watch_timeout
                .sample(&mut self.latency_rng);
            self.engine.schedule_in(lifetime, Event::WatchExpire { id });
        }
        self.reply(from, id, result);
        self.flush_watch_events();
    }

    /// Sends a response back across the network.
    fn reply(&mut self, to: ComponentId, id: RequestId, result: Result<Response, Status>) {
        self.reply_after(0, to, id, result);
    }

    /// Sends a response back across the network after the server has held it for `hold`.
    /// If the network drops it, the client gives up after its request timeout instead (the
    /// request may still have taken effect, as with a real client).
    fn reply_after(
        &mut self,
        hold: SimDuration,
        to: ComponentId,
        id: RequestId,
        result: Result<Response, Status>,
    ) {
        let host = self.slots[to as usize].host;
        let (at, result) = match self.network.delay(CONTROL_PLANE, host) {
            Some(d) => (self.now() + hold + d, result),
            None => {
                let server = self.network.host_name(CONTROL_PLANE).to_string();
                (
                    self.now() + CLIENT_REQUEST_TIMEOUT,
                    Err(Status::client_timeout(&server)),
                )
            }
        };
        // A watch's first reply travels on its stream, ahead of its events.
        if let Some(w) = self.watches.get_mut(&id) {
            w.last_delivery = w.last_delivery.max(at);
        }
        self.engine.schedule_at(
            at,
            Event::Deliver {
                to,
                msg: Message::Response { id, result },
            },
        );
    }

    fn flush_watch_events(&mut self) {
        for (id, event) in self.apiserver.take_outbox() {
            let Some(owner) = self.watches.get(&id).map(|w| w.owner) else {
                continue;
            };
            self.send_on_stream(id, owner, Message::WatchEvent { id, event });
        }
    }

    /// Delivers on a watch stream in order; a dropped message kills the stream, which the
    /// client notices after its dead-connection timeout.
    fn send_on_stream(&mut self, id: RequestId, owner: ComponentId, msg: Message) {
        let host = self.slots[owner as usize].host;
        let dispatch = self
            .model
            .apiserver
            .watch_dispatch
            .sample(&mut self.latency_rng);
        let now = self.now();
        match self.network.delay(CONTROL_PLANE, host) {
            Some(d) => {
                let w = self.watches.get_mut(&id).expect("open stream");
                let at = (now + dispatch + d).max(w.last_delivery);
                w.last_delivery = at;
                self.engine
                    .schedule_at(at, Event::Deliver { to: owner, msg });
            }
            None => {
                self.apiserver.cancel_watch(id);
                self.engine.schedule_in(
                    WATCH_DEAD_CONNECTION_DETECT,
                    Event::Deliver {
                        to: owner,
                        msg: Message::WatchClosed { id },
                    },
                );
            }
        }
    }

    fn with_component(&mut self, id: ComponentId, f: impl FnOnce(&mut dyn Component, &mut Ctx)) {
        let now = self.engine.now();
        let slot = &mut self.slots[id as usize];
        if slot.replaced_by.is_some() {
            return;
        }
        let Some(component) = slot.component.as_deref_mut() else {
            return;
        };
        let mut ctx = Ctx {
            now,
            me: id,
            name: &slot.name,
            host: slot.host,
            engine: &mut self.engine,
            network: &mut self.network,
            trace: &mut self.trace,
            rng: &mut slot.rng,
            next_id: &mut self.next_id,
        };
        f(component, &mut ctx);
    }
}
