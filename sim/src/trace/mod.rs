//! The trace every layer writes to: one row per observable event, in (time, seq) order, plus
//! counters for the summary. Written out as `trace.csv` (docs/trace-format.md).

use std::collections::BTreeMap;
use std::io::Write;

use smol_str::SmolStr;

use crate::engine::SimTime;

/// One trace row. Columns, in order: time_ns, seq, component, event, kind, namespace, name,
/// node, detail.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TraceRow {
    pub time_ns: SimTime,
    pub seq: u64,
    /// Who emitted it: `kube-apiserver`, `etcd`, `kubectl`, `kubelet/node-1`, ...
    pub component: SmolStr,
    /// A Kubernetes event reason where one exists (`Scheduled`, `Killing`), else a kubesim
    /// name (`ApiCreate`, `WatchExpired`).
    pub event: SmolStr,
    pub kind: SmolStr,
    pub namespace: SmolStr,
    pub name: SmolStr,
    pub node: SmolStr,
    pub detail: String,
}

pub const TRACE_HEADER: [&str; 9] = [
    "time_ns",
    "seq",
    "component",
    "event",
    "kind",
    "namespace",
    "name",
    "node",
    "detail",
];

/// A row under construction; see [`Trace::emit`].
#[derive(Default)]
pub struct Record {
    pub component: SmolStr,
    pub event: SmolStr,
    pub kind: SmolStr,
    pub namespace: SmolStr,
    pub name: SmolStr,
    pub node: SmolStr,
    pub detail: String,
}

impl Record {
    pub fn new(component: &str, event: &str) -> Record {
        Record {
            component: component.into(),
            event: event.into(),
            ..Record::default()
        }
    }
    pub fn object(mut self, kind: &str, namespace: &str, name: &str) -> Record {
        self.kind = kind.into();
        self.namespace = namespace.into();
        self.name = name.into();
        self
    }
    pub fn node(mut self, node: &str) -> Record {
        self.node = node.into();
        self
    }
    pub fn detail(mut self, detail: impl Into<String>) -> Record {
        self.detail = detail.into();
        self
    }
}

#[derive(Default)]
pub struct Trace {
    rows: Vec<TraceRow>,
    counts: BTreeMap<SmolStr, u64>,
    /// Rows are kept in memory unless disabled (the counters still run).
    keep_rows: bool,
}

impl Trace {
    pub fn new() -> Trace {
        Trace {
            rows: Vec::new(),
            counts: BTreeMap::new(),
            keep_rows: true,
        }
    }

    /// Keeps only the per-event counters (for very large runs where the rows are not wanted).
    pub fn counters_only() -> Trace {
        Trace {
            keep_rows: false,
            ..Trace::new()
        }
    }

    pub fn emit(&mut self, time_ns: SimTime, r: Record) {
        *self.counts.entry(r.event.clone()).or_insert(0) += 1;
        if !self.keep_rows {
            return;
        }
        let seq = self.rows.len() as u64;
        debug_assert!(
            self.rows.last().is_none_or(|l| l.time_ns <= time_ns),
            "trace rows out of time order"
        );
        self.rows.push(TraceRow {
            time_ns,
            seq,
            component: r.component,
            event: r.event,
            kind: r.kind,
            namespace: r.namespace,
            name: r.name,
            node: r.node,
            detail: r.detail,
        });
    }

    pub fn rows(&self) -> &[TraceRow] {
        &self.rows
    }

    /// How many rows each event name produced, sorted by name.
    pub fn counts(&self) -> &BTreeMap<SmolStr, u64> {
        &self.counts
    }

    pub fn count(&self, event: &str) -> u64 {
        self.counts.get(event).copied().unwrap_or(0)
    }

    pub fn write_csv<W: Write>(&self, w: W) -> std::io::Result<()> {
        let mut out = csv::Writer::from_writer(w);
        out.write_record(TRACE_HEADER)?;
        let mut buf_t = itoa_buf();
        let mut buf_s = itoa_buf();
        for r in &self.rows {
            out.write_record([
                fmt_u64(&mut buf_t, r.time_ns),
                fmt_u64(&mut buf_s, r.seq),
                r.component.as_str(),
                r.event.as_str(),
                r.kind.as_str(),
                r.namespace.as_str(),
                r.name.as_str(),
                r.node.as_str(),
                r.detail.as_str(),
            ])?;
        }
        out.flush()
    }
}

fn itoa_buf() -> String {
    String::with_capacity(20)
}

fn fmt_u64(buf: &mut String, v: u64) -> &str {
    use std::fmt::Write as _;
    buf.clear();
    let _ = write!(buf, "{v}");
    buf.as_str()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_get_sequence_numbers_and_csv_quotes_details() {
        let mut t = Trace::new();
        t.emit(
            5,
            Record::new("kubectl", "ApiCreate")
                .object("Pod", "default", "web")
                .detail("a, \"b\""),
        );
        t.emit(5, Record::new("kube-apiserver", "ApiCreate"));
        let mut out = Vec::new();
        t.write_csv(&mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text,
            "time_ns,seq,component,event,kind,namespace,name,node,detail\n\
             5,0,kubectl,ApiCreate,Pod,default,web,,\"a, \"\"b\"\"\"\n\
             5,1,kube-apiserver,ApiCreate,,,,,\n"
        );
        assert_eq!(t.count("ApiCreate"), 2);
    }
}
