//! A shared-informer in miniature (client-go tools/cache: Reflector + Store): lists, then
//! watches from the list's resourceVersion, keeps a local cache, and relists when the watch
//! fails with 410 Gone. The cache lags the API server by the network and watch delays —
//! that lag is what makes stale-cache races possible.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::{Ctx, Message, RequestId, TimerId};
use crate::api::request::{
    FieldSelector, Request, Response, StatusReason, WatchEventType, WatchRequest,
};
use crate::api::selector::LabelSelector;
use crate::api::types::{Kind, Name, Object};
use crate::engine::{SimDuration, MILLISECOND, SECOND};
use crate::trace::Record;

/// The reflector's back-off after a failed list or watch (client-go reflector.go:
/// 800 ms initial, doubling, 30 s cap).
const BACKOFF_INITIAL: SimDuration = 800 * MILLISECOND;
const BACKOFF_MAX: SimDuration = 30 * SECOND;
const INFORMER_TIMER_TAG: u64 = u64::MAX - 2;

/// What an informer watches.
#[derive(Clone, Debug)]
pub struct InformerConfig {
    pub kind: Kind,
    pub namespace: Option<Name>,
    pub label_selector: Option<LabelSelector>,
    pub field_selector: Option<FieldSelector>,
}

impl InformerConfig {
    pub fn all(kind: Kind) -> InformerConfig {
        InformerConfig {
            kind,
            namespace: None,
            label_selector: None,
            field_selector: None,
        }
    }
}

/// A change to the cache, handed to the component (the event handlers of client-go).
#[derive(Clone, Debug, PartialEq)]
pub enum Delta {
    Added(Arc<Object>),
    Updated { old: Arc<Object>, new: Arc<Object> },
    Deleted(Arc<Object>),
}

impl Delta {
    pub fn object(&self) -> &Arc<Object> {
        match self {
            Delta::Added(o) | Delta::Deleted(o) => o,
            Delta::Updated { new, .. } => new,
        }
    }
}

type CacheKey = (Name, Name);

pub struct Informer {
    config: InformerConfig,
    cache: BTreeMap<CacheKey, Arc<Object>>,
    list_request: Option<RequestId>,
    watch_request: Option<RequestId>,
    retry_timer: Option<TimerId>,
    /// The newest resourceVersion seen: where a new watch resumes.
    last_resource_version: u64,
    synced: bool,
    backoff: SimDuration,
    relists: u64,
}

impl Informer {
    pub fn new(config: InformerConfig) -> Informer {
        Informer {
            config,
            cache: BTreeMap::new(),
            list_request: None,
            watch_request: None,
            retry_timer: None,
            last_resource_version: 0,
            synced: false,
            backoff: BACKOFF_INITIAL,
            relists: 0,
        }
    }

    /// Starts with a LIST.
    pub fn start(&mut self, ctx: &mut Ctx) {
        self.send_list(ctx);
    }

    /// True once the first list has filled the cache (cache.WaitForCacheSync).
    pub fn has_synced(&self) -> bool {
        self.synced
    }

    pub fn kind(&self) -> Kind {
        self.config.kind
    }

    pub fn get(&self, namespace: &str, name: &str) -> Option<&Arc<Object>> {
        self.cache.get(&(Name::from(namespace), Name::from(name)))
    }

    /// Cached objects in (namespace, name) order.
    pub fn list(&self) -> impl Iterator<Item = &Arc<Object>> {
        self.cache.values()
    }

    pub fn len(&self) -> usize {
        self.cache.len()
    }

    pub fn is_empty(&self) -> bool {
        self.cache.is_empty()
    }

    pub fn last_resource_version(&self) -> u64 {
        self.last_resource_version
    }

    /// How many times the cache was rebuilt from a fresh LIST after the first one.
    pub fn relists(&self) -> u64 {
        self.relists
    }

    fn send_list(&mut self, ctx: &mut Ctx) {
        if let Some(w) = self.watch_request.take() {
            ctx.cancel_watch(w);
        }
        self.list_request = Some(ctx.send(Request::List {
            kind: self.config.kind,
            namespace: self.config.namespace.clone(),
            label_selector: self.config.label_selector.clone(),
            field_selector: self.config.field_selector.clone(),
        }));
    }

    fn watch(&mut self, ctx: &mut Ctx) {
        self.watch_request = Some(ctx.watch(WatchRequest {
            kind: self.config.kind,
            namespace: self.config.namespace.clone(),
            label_selector: self.config.label_selector.clone(),
            field_selector: self.config.field_selector.clone(),
            resource_version: Some(self.last_resource_version),
        }));
    }

    fn retry_later(&mut self, ctx: &mut Ctx) {
        self.retry_timer = Some(ctx.set_timer(self.backoff, INFORMER_TIMER_TAG));
        self.backoff = (self.backoff * 2).min(BACKOFF_MAX);
    }

    /// Feeds a message to the informer. Returns `None` if the message is not the informer's,
    /// otherwise the cache changes it caused (possibly none).
    pub fn handle(&mut self, ctx: &mut Ctx, msg: &Message) -> Option<Vec<Delta>> {
        match msg {
            Message::Response { id, result } if Some(*id) == self.list_request => {
                self.list_request = None;
                match result {
                    Ok(Response::List {
                        items,
                        resource_version,
                    }) => {
                        let deltas = self.replace(items);
                        if self.synced {
                            self.relists += 1;
                        }
                        self.synced = true;
                        self.backoff = BACKOFF_INITIAL;
                        self.last_resource_version = *resource_version;
                        self.watch(ctx);
                        Some(deltas)
                    }
                    Ok(_) => Some(Vec::new()),
                    Err(_) => {
                        self.retry_later(ctx);
                        Some(Vec::new())
                    }
                }
            }
            Message::Response { id, result } if Some(*id) == self.watch_request => {
                match result {
                    Ok(_) => {}
                    Err(status) if status.reason == StatusReason::Expired => {
                        // The resourceVersion we resume from is compacted: relist.
                        let component = ctx.name().to_string();
                        ctx.trace(
                            Record::new(&component, "WatchExpired")
                                .object(self.config.kind.as_str(), "", "")
                                .detail(status.message.clone()),
                        );
                        self.watch_request = None;
                        self.send_list(ctx);
                    }
                    Err(_) => {
                        self.watch_request = None;
                        self.retry_later(ctx);
                    }
                }
                Some(Vec::new())
            }
            Message::WatchEvent { id, event } if Some(*id) == self.watch_request => {
                let obj = &event.object;
                self.last_resource_version =
                    self.last_resource_version.max(obj.meta.resource_version);
                let key = (obj.meta.namespace.clone(), obj.meta.name.clone());
                let delta = match event.type_ {
                    WatchEventType::Added | WatchEventType::Modified => {
                        match self.cache.insert(key, obj.clone()) {
                            Some(old) => Delta::Updated {
                                old,
                                new: obj.clone(),
                            },
                            None => Delta::Added(obj.clone()),
                        }
                    }
                    WatchEventType::Deleted => {
                        let old = self.cache.remove(&key).unwrap_or_else(|| obj.clone());
                        Delta::Deleted(old)
                    }
                };
                Some(vec![delta])
            }
            Message::WatchClosed { id } if Some(*id) == self.watch_request => {
                // A closed watch resumes from the last resourceVersion seen.
                self.watch(ctx);
                Some(Vec::new())
            }
            Message::Timer { id, .. } if Some(*id) == self.retry_timer => {
                self.retry_timer = None;
                if self.synced && self.watch_request.is_none() && self.list_request.is_none() {
                    self.watch(ctx);
                } else {
                    self.send_list(ctx);
                }
                Some(Vec::new())
            }
            // Not this informer's (or a reply to a list or watch it has since abandoned).
            _ => None,
        }
    }

    /// Replaces the cache with a fresh list (cache.Replace), reporting what changed.
    fn replace(&mut self, items: &[Arc<Object>]) -> Vec<Delta> {
        let mut fresh: BTreeMap<CacheKey, Arc<Object>> = BTreeMap::new();
        for obj in items {
            fresh.insert(
                (obj.meta.namespace.clone(), obj.meta.name.clone()),
                obj.clone(),
            );
        }
        let mut deltas = Vec::new();
        for (key, old) in &self.cache {
            if !fresh.contains_key(key) {
                deltas.push(Delta::Deleted(old.clone()));
            }
        }
        for (key, new) in &fresh {
            match self.cache.get(key) {
                None => deltas.push(Delta::Added(new.clone())),
                Some(old) if old.meta.resource_version != new.meta.resource_version => {
                    deltas.push(Delta::Updated {
                        old: old.clone(),
                        new: new.clone(),
                    })
                }
                Some(_) => {}
            }
        }
        self.cache = fresh;
        deltas
    }
}
