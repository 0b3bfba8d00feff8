//! The per-pod lifecycle table written out as `pods.csv` (docs/trace-format.md): one row per
//! pod, by UID, with the times it reached each stage of its life, built from the writes the
//! API server commits. It sees what the store saw, as a client watching every pod would.

use std::collections::BTreeMap;
use std::io::Write;

use crate::api::types::{find_condition, ConditionStatus, Name, Object, Pod, PodPhase, Uid};
use crate::engine::SimTime;

/// The `pods.csv` header.
pub const POD_TABLE_HEADER: [&str; 13] = [
    "namespace",
    "name",
    "uid",
    "node",
    "created_ns",
    "scheduled_ns",
    "started_ns",
    "ready_ns",
    "terminated_ns",
    "deleted_ns",
    "restarts",
    "final_phase",
    "reason",
];

/// A time not (yet) reached; written as an empty field.
const NOT_REACHED: SimTime = SimTime::MAX;

/// Index 0 of the string table: the empty string.
const EMPTY: u32 = 0;

/// One pod's row. Kept small for runs with 100,000s of pods: namespace, node and reason, of
/// which a run has few distinct values, are indices into the table's string list; absent
/// times are [`NOT_REACHED`] rather than `Option`s.
#[derive(Clone, Debug)]
struct PodRow {
    name: Name,
    created_ns: SimTime,
    scheduled_ns: SimTime,
    started_ns: SimTime,
    ready_ns: SimTime,
    terminated_ns: SimTime,
    deleted_ns: SimTime,
    namespace: u32,
    node: u32,
    reason: u32,
    restarts: i32,
    final_phase: PodPhase,
}

/// Sets a stage time the first time the stage is reached.
fn reach(stage: &mut SimTime, at: SimTime) {
    if *stage == NOT_REACHED {
        *stage = at;
    }
}

/// The lifecycle of every pod the API server has stored, in the order of `pods.csv`.
#[derive(Debug)]
pub struct PodTable {
    rows: BTreeMap<Uid, PodRow>,
    /// Interned namespaces, node names and reasons; index 0 is "".
    strings: Vec<Name>,
    string_index: BTreeMap<Name, u32>,
}

impl Default for PodTable {
    fn default() -> Self {
        PodTable::new()
    }
}

impl PodTable {
    pub fn new() -> PodTable {
        PodTable {
            rows: BTreeMap::new(),
            strings: vec![Name::default()],
            string_index: BTreeMap::from([(Name::default(), EMPTY)]),
        }
    }

    /// The number of pods seen (rows).
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    fn intern(&mut self, s: &Name) -> u32 {
        if let Some(&i) = self.string_index.get(s) {
            return i;
        }
        let i = self.strings.len() as u32;
        self.strings.push(s.clone());
        self.string_index.insert(s.clone(), i);
        i
    }

    /// Records one committed write at `now`: a create (`old` None), an update, or a removal
    /// from the store (`new` None). Objects of other kinds are ignored.
    pub fn observe(&mut self, now: SimTime, old: Option<&Object>, new: Option<&Object>) {
        match (old, new) {
            (_, Some(obj)) => {
                if let Some(pod) = obj.as_pod() {
                    self.observe_pod(now, obj, pod);
                }
            }
            (Some(obj), None) => {
                if obj.as_pod().is_some() {
                    reach(&mut self.row(obj).deleted_ns, now);
                }
            }
            (None, None) => {}
        }
    }

    /// The pod's row, made from its metadata when first seen.
    fn row(&mut self, obj: &Object) -> &mut PodRow {
        if !self.rows.contains_key(&obj.meta.uid) {
            let namespace = self.intern(&obj.meta.namespace);
            let row = PodRow {
                name: obj.meta.name.clone(),
                created_ns: obj.meta.creation_timestamp,
                scheduled_ns: NOT_REACHED,
                started_ns: NOT_REACHED,
                ready_ns: NOT_REACHED,
                terminated_ns: NOT_REACHED,
                deleted_ns: NOT_REACHED,
                namespace,
                node: EMPTY,
                reason: EMPTY,
                restarts: 0,
                final_phase: PodPhase::Pending,
            };
            self.rows.insert(obj.meta.uid, row);
        }
        self.rows.get_mut(&obj.meta.uid).expect("row just ensured")
    }

    fn observe_pod(&mut self, now: SimTime, obj: &Object, pod: &Pod) {
        let (spec, status) = (&pod.spec, &pod.status);
        let node = self.intern(&spec.node_name);
        let reason = self.intern(&status.rare.reason);
        let row = self.row(obj);
        let condition_true = |type_: &str| {
            find_condition(&status.conditions, type_)
                .is_some_and(|c| c.status == ConditionStatus::True)
        };
        if node != EMPTY {
            row.node = node;
        }
        if node != EMPTY || condition_true("PodScheduled") {
            reach(&mut row.scheduled_ns, now);
        }
        if let Some(start_time) = status.start_time {
            reach(&mut row.started_ns, start_time);
        }
        if condition_true("Ready") {
            reach(&mut row.ready_ns, now);
        }
        if matches!(status.phase, PodPhase::Succeeded | PodPhase::Failed) {
            reach(&mut row.terminated_ns, now);
        }
        let restarts = status
            .container_statuses
            .iter()
            .chain(status.rare.init_container_statuses.iter())
            .map(|c| c.restart_count)
            .max()
            .unwrap_or(0);
        row.restarts = row.restarts.max(restarts);
        row.final_phase = status.phase;
        if reason != EMPTY {
            row.reason = reason;
        }
    }

    /// Writes `pods.csv`: a header and one row per pod, ordered by (created time, namespace,
    /// name, uid).
    pub fn write_csv<W: Write>(&self, w: W) -> std::io::Result<()> {
        self.write_csv_with(w, &[], |_| Vec::new())
    }

    /// `write_csv` with extra columns appended, their values given per pod UID (other
    /// components' per-pod figures, e.g. the scheduler's attempts).
    pub fn write_csv_with<W: Write>(
        &self,
        w: W,
        extra_header: &[&str],
        extra: impl Fn(&Uid) -> Vec<String>,
    ) -> std::io::Result<()> {
        let mut rows: Vec<(&Uid, &PodRow)> = self.rows.iter().collect();
        let s = |i: u32| self.strings[i as usize].as_str();
        rows.sort_by(|(ua, a), (ub, b)| {
            (a.created_ns, s(a.namespace), a.name.as_str(), *ua).cmp(&(
                b.created_ns,
                s(b.namespace),
                b.name.as_str(),
                *ub,
            ))
        });
        let time = |t: SimTime| {
            if t == NOT_REACHED {
                String::new()
            } else {
                t.to_string()
            }
        };
        let mut out = csv::Writer::from_writer(w);
        let mut header: Vec<&str> = POD_TABLE_HEADER.to_vec();
        header.extend_from_slice(extra_header);
        out.write_record(&header)?;
        for (uid, r) in rows {
            let mut record: Vec<String> = [
                s(r.namespace),
                r.name.as_str(),
                &uid.to_string(),
                s(r.node),
                &time(r.created_ns),
                &time(r.scheduled_ns),
                &time(r.started_ns),
                &time(r.ready_ns),
                &time(r.terminated_ns),
                &time(r.deleted_ns),
                &r.restarts.to_string(),
                r.final_phase.as_str(),
                s(r.reason),
            ]
            .iter()
            .map(|x| x.to_string())
            .collect();
            record.extend(extra(uid));
            out.write_record(&record)?;
        }
        out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::types::{
        Body, Condition, ContainerState, ContainerStatus, ObjectMeta, PodSpec, PodStatus,
    };
    use crate::engine::SECOND;

    fn pod(name: &str, uid: u128, created: SimTime) -> Object {
        Object {
            meta: ObjectMeta {
                name: name.into(),
                namespace: "default".into(),
                uid: Uid(uid),
                creation_timestamp: created,
                ..Default::default()
            },
            body: Body::Pod(Pod {
                spec: PodSpec::default(),
                status: PodStatus::default(),
            }),
        }
    }

    /// The object with its pod changed by `f`.
    fn with(obj: &Object, f: impl FnOnce(&mut Pod)) -> Object {
        let mut obj = obj.clone();
        let Body::Pod(p) = &mut obj.body else {
            unreachable!()
        };
        f(p);
        obj
    }

    fn csv(table: &PodTable) -> String {
        let mut out = Vec::new();
        table.write_csv(&mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    const HEADER: &str = "namespace,name,uid,node,created_ns,scheduled_ns,started_ns,ready_ns,\
                          terminated_ns,deleted_ns,restarts,final_phase,reason\n";

    #[test]
    fn a_pod_from_create_to_delete() {
        let mut t = PodTable::new();
        let created = pod("web", 1, SECOND);
        t.observe(SECOND, None, Some(&created));
        // The scheduler binds it.
        let bound = with(&created, |p| {
            p.spec.node_name = "n1".into();
            p.status
                .conditions
                .push(Condition::new("PodScheduled", ConditionStatus::True));
        });
        t.observe(2 * SECOND, Some(&created), Some(&bound));
        // The kubelet reports it running (start time 3 s, written at 4 s), then ready.
        let running = with(&bound, |p| {
            p.status.phase = PodPhase::Running;
            p.status.start_time = Some(3 * SECOND);
            p.status.container_statuses.push(ContainerStatus {
                name: "app".into(),
                image: "nginx".into(),
                ready: false,
                started: Some(true),
                restart_count: 2,
                state: ContainerState::Running { started_at: 3 },
                last_state: None,
            });
        });
        t.observe(4 * SECOND, Some(&bound), Some(&running));
        let ready = with(&running, |p| {
            p.status
                .conditions
                .push(Condition::new("Ready", ConditionStatus::True));
            p.status.container_statuses[0].restart_count = 1;
        });
        t.observe(5 * SECOND, Some(&running), Some(&ready));
        // Still ready later: the first time counts.
        t.observe(6 * SECOND, Some(&ready), Some(&ready));
        // Graceful deletion sets deletionTimestamp (an update); the removal is the delete.
        let deleting = with(&ready, |_| {});
        t.observe(7 * SECOND, Some(&ready), Some(&deleting));
        t.observe(9 * SECOND, Some(&deleting), None);
        assert_eq!(t.len(), 1);
        assert_eq!(
            csv(&t),
            format!(
                "{HEADER}default,web,00000000-0000-0000-0000-000000000001,n1,1000000000,\
                 2000000000,3000000000,5000000000,,9000000000,2,Running,\n"
            )
        );
    }

    #[test]
    fn an_evicted_pod_records_its_phase_and_reason() {
        let mut t = PodTable::new();
        let p = with(&pod("batch", 7, 0), |p| p.spec.node_name = "n2".into());
        t.observe(0, None, Some(&p));
        let failed = with(&p, |p| {
            p.status.phase = PodPhase::Failed;
            p.status.rare.reason = "Evicted".into();
        });
        t.observe(3 * SECOND, Some(&p), Some(&failed));
        assert_eq!(
            csv(&t),
            format!(
                "{HEADER}default,batch,00000000-0000-0000-0000-000000000007,n2,0,0,,,\
                 3000000000,,0,Failed,Evicted\n"
            )
        );
    }

    #[test]
    fn a_reused_name_gives_two_rows_in_creation_order() {
        let mut t = PodTable::new();
        // The second `web` has the smaller UID but was created later.
        let first = pod("web", 9, SECOND);
        let second = pod("web", 2, 5 * SECOND);
        let other = pod("api", 5, 5 * SECOND);
        t.observe(SECOND, None, Some(&first));
        t.observe(4 * SECOND, Some(&first), None);
        t.observe(5 * SECOND, None, Some(&second));
        t.observe(5 * SECOND, None, Some(&other));
        assert_eq!(t.len(), 3);
        let text = csv(&t);
        let rows: Vec<&str> = text.lines().skip(1).collect();
        assert_eq!(
            rows,
            [
                "default,web,00000000-0000-0000-0000-000000000009,,1000000000,,,,,4000000000,0,Pending,",
                "default,api,00000000-0000-0000-0000-000000000005,,5000000000,,,,,,0,Pending,",
                "default,web,00000000-0000-0000-0000-000000000002,,5000000000,,,,,,0,Pending,",
            ]
        );
    }

    #[test]
    fn other_kinds_are_ignored() {
        let mut t = PodTable::new();
        let ns = Object {
            meta: ObjectMeta {
                name: "default".into(),
                ..Default::default()
            },
            body: Body::Namespace(Default::default()),
        };
        t.observe(0, None, Some(&ns));
        t.observe(1, Some(&ns), None);
        assert!(t.is_empty());
        assert_eq!(csv(&t), HEADER);
    }
}
