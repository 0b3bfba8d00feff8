//! What client-go is upstream: the way every component reaches the API server — requests and
//! watches that cross the network model — plus informers (list + watch + cache) and rate
//! limited workqueues. A component sees the world only through this module.

mod informer;
mod ratelimit;
mod workqueue;

pub use informer::{Delta, Informer, InformerConfig};
pub use ratelimit::{ItemExponentialBackoff, TokenBucket};
pub use workqueue::WorkQueue;

use std::any::Any;

use crate::api::request::{Request, Response, Status, WatchEvent, WatchRequest};
use crate::engine::{Engine, SimDuration, SimRng, SimTime};
use crate::network::{HostId, Network, CONTROL_PLANE};
use crate::trace::{Record, Trace};

/// Identifies a component (a controller, a kubelet, the scenario's kubectl) in the run.
pub type ComponentId = u32;
/// Identifies a request (and, for watches, the watch stream it opened). Unique per run.
pub type RequestId = u64;
pub type TimerId = u64;

/// How long a client waits for a reply that the network dropped before giving up.
pub const CLIENT_REQUEST_TIMEOUT: SimDuration = 30 * crate::engine::SECOND;
/// How long a client takes to notice that a watch connection died (client-go's HTTP/2
/// health check: ReadIdleTimeout 30 s + PingTimeout 15 s).
pub const WATCH_DEAD_CONNECTION_DETECT: SimDuration = 45 * crate::engine::SECOND;

/// What a component receives.
#[derive(Debug)]
pub enum Message {
    Response {
        id: RequestId,
        result: Result<Response, Status>,
    },
    WatchEvent {
        id: RequestId,
        event: WatchEvent,
    },
    /// The server (or a dead connection) ended the watch opened by request `id`.
    WatchClosed {
        id: RequestId,
    },
    Timer {
        id: TimerId,
        tag: u64,
    },
    /// A fault injected by the scenario and addressed to this component.
    Fault(Fault),
}

/// Faults the scenario can inject. The cluster handles those of the infrastructure; the rest
/// are delivered to the component they name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fault {
    /// etcd stops answering for the given time.
    EtcdOutage { duration: SimDuration },
    /// The component restarts: it loses its memory and starts over.
    Restart,
    /// The target's host is cut off from the network for the given time (its messages are
    /// dropped both ways); what runs on it keeps running.
    Partition { duration: SimDuration },
    /// The end of a partition.
    HealPartition,
    /// The node powers off: kubelet and containers stop; images on disk survive.
    NodeCrash,
    /// The node boots again: the kubelet starts, re-lists and reconciles.
    NodeRecover,
    /// Only the kubelet process restarts; containers keep running.
    KubeletRestart,
    /// A container's process exits at once with this code.
    ContainerCrash {
        namespace: crate::api::types::Name,
        pod: crate::api::types::Name,
        container: crate::api::types::Name,
        exit_code: i32,
    },
    /// The image registry answers nothing (pulls fail) for the given time.
    RegistryOutage { duration: SimDuration },
    /// Pulls run `factor` times slower for the given time.
    RegistrySlowdown { factor: u32, duration: SimDuration },
}

/// The events of the cluster's event loop.
#[derive(Debug)]
pub enum Event {
    Start(ComponentId),
    Deliver {
        to: ComponentId,
        msg: Message,
    },
    /// A request reaches the API server.
    ApiArrive {
        from: ComponentId,
        id: RequestId,
        req: Box<Request>,
    },
    /// The API server and etcd finish a request: it takes effect now.
    ApiCommit {
        from: ComponentId,
        id: RequestId,
        req: Box<Request>,
    },
    /// A client asks the server to stop a watch.
    ApiCancelWatch {
        id: RequestId,
    },
    /// The server closes a watch after its timeout.
    WatchExpire {
        id: RequestId,
    },
    /// The periodic etcd compaction.
    Compact,
    EtcdRecover,
    /// A fault the scenario scheduled.
    Fault {
        target: Option<ComponentId>,
        fault: Fault,
    },
    /// A hook the owner of the cluster scheduled (the scenario timeline).
    Hook(u64),
}

/// A simulated component. It reacts to messages and acts only through its [`Ctx`].
pub trait Component: Any {
    /// Called once when the component is added (and again after a Restart fault, on a fresh
    /// instance).
    fn start(&mut self, ctx: &mut Ctx);
    fn handle(&mut self, ctx: &mut Ctx, msg: Message);
}

/// A component's handle on the world while it handles one message.
pub struct Ctx<'a> {
    pub(crate) now: SimTime,
    pub(crate) me: ComponentId,
    pub(crate) name: &'a str,
    pub(crate) host: HostId,
    pub(crate) engine: &'a mut Engine<Event>,
    pub(crate) network: &'a mut Network,
    pub(crate) trace: &'a mut Trace,
    pub(crate) rng: &'a mut SimRng,
    pub(crate) next_id: &'a mut u64,
}

impl Ctx<'_> {
    pub fn now(&self) -> SimTime {
        self.now
    }
    /// The component's name, as it appears in the trace.
    pub fn name(&self) -> &str {
        self.name
    }
    pub fn id(&self) -> ComponentId {
        self.me
    }
    /// The component's own random stream.
    pub fn rng(&mut self) -> &mut SimRng {
        self.rng
    }

    fn fresh_id(&mut self) -> u64 {
        *self.next_id += 1;
        *self.next_id
    }

    /// Sends a request to the API server. The reply arrives later as a
    /// [`Message::Response`] with the returned id; a request the network drops comes back as
    /// a timeout error after [`CLIENT_REQUEST_TIMEOUT`].
    pub fn send(&mut self, req: Request) -> RequestId {
        let id = self.fresh_id();
        match self.network.delay(self.host, CONTROL_PLANE) {
            Some(d) => self.engine.schedule_in(
                d,
                Event::ApiArrive {
                    from: self.me,
                    id,
                    req: Box::new(req),
                },
            ),
            None => {
                let host = self.network.host_name(CONTROL_PLANE).to_string();
                self.engine.schedule_in(
                    CLIENT_REQUEST_TIMEOUT,
                    Event::Deliver {
                        to: self.me,
                        msg: Message::Response {
                            id,
                            result: Err(Status::client_timeout(&host)),
                        },
                    },
                )
            }
        }
        id
    }

    /// Opens a watch. Events arrive as [`Message::WatchEvent`] with the returned id, in order.
    pub fn watch(&mut self, req: WatchRequest) -> RequestId {
        self.send(Request::Watch(req))
    }

    pub fn cancel_watch(&mut self, id: RequestId) {
        if let Some(d) = self.network.delay(self.host, CONTROL_PLANE) {
            self.engine.schedule_in(d, Event::ApiCancelWatch { id });
        }
    }

    /// A round trip from this component's host to a pod on the same host (an httpGet hook
    /// or probe): zero on loopback, a host-latency sample each way otherwise.
    pub fn local_round_trip(&mut self) -> SimDuration {
        self.network.delay(self.host, self.host).unwrap_or(0) * 2
    }

    /// Arms a timer; it fires as [`Message::Timer`] with this id and tag.
    pub fn set_timer(&mut self, after: SimDuration, tag: u64) -> TimerId {
        let id = self.fresh_id();
        self.engine.schedule_in(
            after,
            Event::Deliver {
                to: self.me,
                msg: Message::Timer { id, tag },
            },
        );
        id
    }

    /// Writes a trace row stamped with the current time.
    pub fn trace(&mut self, record: Record) {
        self.trace.emit(self.now, record);
    }
}
