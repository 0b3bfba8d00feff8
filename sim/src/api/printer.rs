//! What `kubectl get` and `kubectl describe` print. Tables mirror the server-side printers in
//! pkg/printers/internalversion/printers.go laid out like cli-runtime's table printer (a Go
//! tabwriter: minwidth 6, padding 3); describe mirrors staging/src/k8s.io/kubectl/pkg/describe.

use crate::api::json::{format_micro_timestamp, format_quantity, format_rfc1123z, pod_qos_class};
use crate::api::selector::LabelSelector;
use crate::api::types::*;
use crate::engine::{SimTime, MINUTE, SECOND};

const HOUR_NS: i64 = 60 * MINUTE as i64;

// ---------------------------------------------------------------------------------------------
// Durations

/// duration.HumanDuration (staging/src/k8s.io/apimachinery/pkg/util/duration/duration.go):
/// kubectl's AGE format, ~2-3 significant figures. `d` is a signed Go time.Duration in ns.
pub fn human_duration(d: i64) -> String {
    let seconds = d / SECOND as i64;
    if seconds < -1 {
        return "<invalid>".into();
    } else if seconds < 0 {
        return "0s".into();
    } else if seconds < 60 * 2 {
        return format!("{seconds}s");
    }
    let minutes = d / MINUTE as i64;
    if minutes < 10 {
        let s = (d / SECOND as i64) % 60;
        if s == 0 {
            return format!("{minutes}m");
        }
        return format!("{minutes}m{s}s");
    } else if minutes < 60 * 3 {
        return format!("{minutes}m");
    }
    let hours = d / HOUR_NS;
    if hours < 8 {
        let m = (d / MINUTE as i64) % 60;
        if m == 0 {
            return format!("{hours}h");
        }
        return format!("{hours}h{m}m");
    } else if hours < 48 {
        return format!("{hours}h");
    } else if hours < 24 * 8 {
        let h = hours % 24;
        if h == 0 {
            return format!("{}d", hours / 24);
        }
        return format!("{}d{}h", hours / 24, h);
    } else if hours < 24 * 365 * 2 {
        return format!("{}d", hours / 24);
    } else if hours < 24 * 365 * 8 {
        let dy = (hours / 24) % 365;
        if dy == 0 {
            return format!("{}y", hours / 24 / 365);
        }
        return format!("{}y{}d", hours / 24 / 365, dy);
    }
    format!("{}y", hours / 24 / 365)
}

/// translateTimestampSince: the age of a timestamp as kubectl sees it. The timestamp went
/// through metav1.Time (whole seconds); `now` is kubectl's full-precision clock.
fn since(t: SimTime, now: SimTime) -> String {
    let t = t - t % SECOND;
    let d = i128::from(now) - i128::from(t);
    human_duration(d.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64)
}

fn between(from: SimTime, to: SimTime) -> String {
    since(from, to - to % SECOND)
}

// ---------------------------------------------------------------------------------------------
// Tab writer

/// Go's text/tabwriter (no flags, space padding): cells are tab-terminated, the text after the
/// last tab of a line is not part of any column, a column block is a run of consecutive lines
/// with a cell in that column, and its width is max(minwidth, widest cell + padding). A line
/// without tabs flushes what was buffered before it.
fn tabwrite(text: &str, minwidth: usize, padding: usize) -> String {
    let mut out = String::new();
    let mut lines: Vec<Vec<String>> = vec![Vec::new()];
    let mut cell = String::new();
    for ch in text.chars() {
        match ch {
            '\t' => {
                if let Some(line) = lines.last_mut() {
                    line.push(std::mem::take(&mut cell));
                }
            }
            '\n' => {
                let mut ncells = 0;
                if let Some(line) = lines.last_mut() {
                    line.push(std::mem::take(&mut cell));
                    ncells = line.len();
                }
                lines.push(Vec::new());
                if ncells == 1 {
                    TabFormat::run(&lines, minwidth, padding, &mut out);
                    lines = vec![Vec::new()];
                }
            }
            c => cell.push(c),
        }
    }
    if !cell.is_empty() {
        if let Some(line) = lines.last_mut() {
            line.push(cell);
        }
    }
    TabFormat::run(&lines, minwidth, padding, &mut out);
    out
}

struct TabFormat<'a> {
    lines: &'a [Vec<String>],
    minwidth: usize,
    padding: usize,
    widths: Vec<usize>,
    out: &'a mut String,
}

impl<'a> TabFormat<'a> {
    fn run(lines: &'a [Vec<String>], minwidth: usize, padding: usize, out: &'a mut String) {
        let mut f = TabFormat {
            lines,
            minwidth,
            padding,
            widths: Vec::new(),
            out,
        };
        f.format(0, lines.len());
    }

    fn format(&mut self, mut line0: usize, line1: usize) {
        let column = self.widths.len();
        let mut this = line0;
        while this < line1 {
            if column + 1 >= self.lines[this].len() {
                this += 1;
                continue;
            }
            self.write_lines(line0, this);
            line0 = this;
            let mut width = self.minwidth;
            while this < line1 {
                let line = &self.lines[this];
                if column + 1 >= line.len() {
                    break;
                }
                width = width.max(line[column].chars().count() + self.padding);
                this += 1;
            }
            self.widths.push(width);
            self.format(line0, this);
            self.widths.pop();
            line0 = this;
        }
        self.write_lines(line0, line1);
    }

    fn write_lines(&mut self, line0: usize, line1: usize) {
        for i in line0..line1 {
            for (j, cell) in self.lines[i].iter().enumerate() {
                self.out.push_str(cell);
                if let Some(&w) = self.widths.get(j) {
                    let pad = w.saturating_sub(cell.chars().count());
                    self.out.extend(std::iter::repeat_n(' ', pad));
                }
            }
            // The last buffered line is the unterminated current one.
            if i + 1 < self.lines.len() {
                self.out.push('\n');
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// kubectl get

/// What kubectl prints (to stderr) when a list comes back empty (staging/src/k8s.io/kubectl/
/// pkg/cmd/get/get.go): `Some(ns)` for a namespaced list in one namespace, `None` for
/// cluster-scoped kinds and `--all-namespaces`. No trailing newline.
pub fn no_resources_found(namespace: Option<&str>) -> String {
    match namespace {
        Some(ns) => format!("No resources found in {ns} namespace."),
        None => "No resources found".into(),
    }
}

/// The `kubectl get <kind>` table for `objects` (in the given order) at virtual time `now`.
/// `wide` adds the `-o wide` columns; `show_namespace` (`-A`) adds a leading NAMESPACE column
/// for namespaced kinds (kubectl never adds it to cluster-scoped ones). Returns the empty
/// string for an empty list: kubectl prints no header then; see [`no_resources_found`].
/// Objects of another kind than `kind` are skipped.
pub fn get_table(
    kind: Kind,
    objects: &[&Object],
    now: SimTime,
    wide: bool,
    show_namespace: bool,
) -> String {
    let columns = columns(kind);
    let rows: Vec<Vec<String>> = objects
        .iter()
        .filter(|o| o.kind() == kind)
        .map(|o| row(o, now, wide))
        .collect();
    if rows.is_empty() {
        return String::new();
    }
    let with_ns = show_namespace && kind.namespaced();
    let mut text = String::new();
    let mut header: Vec<String> = Vec::new();
    if with_ns {
        header.push("NAMESPACE".into());
    }
    header.extend(
        columns
            .iter()
            .filter(|(_, priority)| wide || *priority == 0)
            .map(|(name, _)| name.to_uppercase()),
    );
    text.push_str(&header.join("\t"));
    text.push('\n');
    let visible: Vec<bool> = columns.iter().map(|(_, p)| wide || *p == 0).collect();
    for (obj, cells) in objects.iter().filter(|o| o.kind() == kind).zip(rows) {
        let mut out: Vec<String> = Vec::new();
        if with_ns {
            out.push(obj.namespace().to_string());
        }
        out.extend(
            cells
                .into_iter()
                .zip(visible.iter())
                .filter(|(_, v)| **v)
                .map(|(c, _)| sanitize_cell(c)),
        );
        text.push_str(&out.join("\t"));
        text.push('\n');
    }
    tabwrite(&text, 6, 3)
}

/// Cells are cut at the first line break and marked with `...` (tableprinter appendCellValue);
/// tabs would break the layout, so they become spaces.
fn sanitize_cell(c: String) -> String {
    match c.find(['\n', '\r', '\x0c']) {
        Some(i) => format!("{}...", &c[..i]).replace('\t', " "),
        None if c.contains('\t') => c.replace('\t', " "),
        None => c,
    }
}

/// Column names and priorities (1 = `-o wide` only), from AddHandlers.
fn columns(kind: Kind) -> &'static [(&'static str, u8)] {
    match kind {
        Kind::Pod => &[
            ("Name", 0),
            ("Ready", 0),
            ("Status", 0),
            ("Restarts", 0),
            ("Age", 0),
            ("IP", 1),
            ("Node", 1),
            ("Nominated Node", 1),
            ("Readiness Gates", 1),
        ],
        Kind::Node => &[
            ("Name", 0),
            ("Status", 0),
            ("Roles", 0),
            ("Age", 0),
            ("Version", 0),
            ("Internal-IP", 1),
            ("External-IP", 1),
            ("OS-Image", 1),
            ("Kernel-Version", 1),
            ("Container-Runtime", 1),
        ],
        Kind::Namespace => &[("Name", 0), ("Status", 0), ("Age", 0)],
        Kind::Service => &[
            ("Name", 0),
            ("Type", 0),
            ("Cluster-IP", 0),
            ("External-IP", 0),
            ("Port(s)", 0),
            ("Age", 0),
            ("Selector", 1),
        ],
        Kind::Endpoints => &[("Name", 0), ("Endpoints", 0), ("Age", 0)],
        Kind::ReplicationController | Kind::ReplicaSet => &[
            ("Name", 0),
            ("Desired", 0),
            ("Current", 0),
            ("Ready", 0),
            ("Age", 0),
            ("Containers", 1),
            ("Images", 1),
            ("Selector", 1),
        ],
        Kind::Deployment => &[
            ("Name", 0),
            ("Ready", 0),
            ("Up-to-date", 0),
            ("Available", 0),
            ("Age", 0),
            ("Containers", 1),
            ("Images", 1),
            ("Selector", 1),
        ],
        Kind::Job => &[
            ("Name", 0),
            ("Status", 0),
            ("Completions", 0),
            ("Duration", 0),
            ("Age", 0),
            ("Containers", 1),
            ("Images", 1),
            ("Selector", 1),
        ],
        Kind::Event => &[
            ("Last Seen", 0),
            ("Type", 0),
            ("Reason", 0),
            ("Object", 0),
            ("Subobject", 1),
            ("Source", 1),
            ("Message", 0),
            ("First Seen", 1),
            ("Count", 1),
            ("Name", 1),
        ],
        // leaseColumnDefinitions (pkg/printers/internalversion/printers.go).
        Kind::Lease => &[("Name", 0), ("Holder", 0), ("Age", 0)],
        // priorityClassColumnDefinitions.
        Kind::PriorityClass => &[
            ("Name", 0),
            ("Value", 0),
            ("Global-Default", 0),
            ("Age", 0),
            ("PreemptionPolicy", 0),
        ],
    }
}

/// All cells of an object's row, wide ones included.
fn row(obj: &Object, now: SimTime, wide: bool) -> Vec<String> {
    let name = obj.name().to_string();
    let age = since(obj.meta.creation_timestamp, now);
    match &obj.body {
        Body::Pod(p) => {
            let r = pod_row(&obj.meta, p, now);
            vec![
                name,
                format!("{}/{}", r.ready, r.total),
                r.status,
                r.restarts,
                age,
                or_none(&p.status.pod_ip),
                or_none(&p.spec.node_name),
                or_none(&p.status.rare.nominated_node_name),
                // spec.readinessGates is not modelled.
                "<none>".into(),
            ]
        }
        Body::Node(n) => {
            let roles = node_roles(&obj.meta.labels);
            let roles = if roles.is_empty() {
                "<none>".into()
            } else {
                roles.join(",")
            };
            let addr = |t: &str| {
                n.status
                    .addresses
                    .iter()
                    .find(|a| a.type_ == t)
                    .map_or("<none>".to_string(), |a| a.address.to_string())
            };
            vec![
                name,
                node_status(n),
                roles,
                age,
                // status.nodeInfo.kubeletVersion is not modelled.
                String::new(),
                addr("InternalIP"),
                addr("ExternalIP"),
                "<unknown>".into(),
                "<unknown>".into(),
                "<unknown>".into(),
            ]
        }
        Body::Namespace(ns) => vec![name, namespace_phase(ns).into(), age],
        Body::Service(svc) => {
            let ports = service_ports(svc);
            vec![
                name,
                svc.type_.as_str().into(),
                or_none(&svc.cluster_ip),
                service_external_ip(svc, wide),
                if ports.is_empty() {
                    "<none>".into()
                } else {
                    ports
                },
                age,
                format_labels(svc.selector.as_ref()),
            ]
        }
        Body::Endpoints(ep) => vec![name, format_endpoints(ep), age],
        Body::ReplicationController(rc) => {
            let containers = rc
                .template
                .as_ref()
                .map_or(&[][..], |t| &t.spec.containers[..]);
            let (names, images) = container_cells(containers);
            vec![
                name,
                rc.replicas.to_string(),
                rc.status.replicas.to_string(),
                rc.status.ready_replicas.to_string(),
                age,
                names,
                images,
                format_labels(Some(&rc.selector)),
            ]
        }
        Body::ReplicaSet(rs) => {
            let (names, images) = container_cells(&rs.template.spec.containers);
            vec![
                name,
                rs.replicas.to_string(),
                rs.status.replicas.to_string(),
                rs.status.ready_replicas.to_string(),
                age,
                names,
                images,
                format_label_selector(Some(&rs.selector)),
            ]
        }
        Body::Deployment(d) => {
            let (names, images) = container_cells(&d.template.spec.containers);
            vec![
                name,
                format!("{}/{}", d.status.ready_replicas, d.replicas),
                d.status.updated_replicas.to_string(),
                d.status.available_replicas.to_string(),
                age,
                names,
                images,
                // printDeployment uses selector.String(): no "<none>".
                d.selector.to_string(),
            ]
        }
        Body::Job(j) => {
            let (names, images) = container_cells(&j.template.spec.containers);
            vec![
                name,
                job_status(&obj.meta, j).into(),
                job_completions(j),
                job_duration(j, now),
                age,
                names,
                images,
                format_label_selector(j.selector.as_ref()),
            ]
        }
        Body::Event(e) => {
            let first = e
                .first_timestamp
                .map_or("<unknown>".into(), |t| since(t, now));
            let last = e.last_timestamp.map_or(first.clone(), |t| since(t, now));
            let count = if e.count == 0 { 1 } else { e.count };
            vec![
                last,
                e.type_.to_string(),
                e.reason.to_string(),
                event_target(e),
                // involvedObject.fieldPath is not modelled.
                String::new(),
                event_source(e),
                e.message.trim().to_string(),
                first,
                count.to_string(),
                name,
            ]
        }
        // printLease: a nil holderIdentity prints empty.
        Body::Lease(l) => vec![name, l.holder_identity.to_string(), age],
        // printPriorityClass: a nil preemptionPolicy prints empty.
        Body::PriorityClass(pc) => vec![
            name,
            pc.value.to_string(),
            pc.global_default.to_string(),
            age,
            pc.preemption_policy
                .map_or(String::new(), |p| p.as_str().to_string()),
        ],
    }
}

fn or_none(s: &str) -> String {
    if s.is_empty() {
        "<none>".into()
    } else {
        s.to_string()
    }
}

fn namespace_phase(ns: &Namespace) -> &'static str {
    match ns.phase {
        NamespacePhase::Active => "Active",
        NamespacePhase::Terminating => "Terminating",
    }
}

/// layoutContainerCells: container names and images, comma-separated.
fn container_cells(containers: &[Container]) -> (String, String) {
    let names: Vec<&str> = containers.iter().map(|c| c.name.as_str()).collect();
    let images: Vec<&str> = containers.iter().map(|c| c.image.as_str()).collect();
    (names.join(","), images.join(","))
}

/// labels.FormatLabels: `a=1,b=2`, or `<none>`.
fn format_labels(m: Option<&StringMap>) -> String {
    match m {
        Some(m) if !m.is_empty() => m.to_string(),
        _ => "<none>".into(),
    }
}

/// metav1.FormatLabelSelector: the selector string, `<none>` when empty or absent.
fn format_label_selector(sel: Option<&LabelSelector>) -> String {
    let s = sel.map(|s| s.to_string()).unwrap_or_default();
    if s.is_empty() {
        "<none>".into()
    } else {
        s
    }
}

/// findNodeRoles: `node-role.kubernetes.io/<role>` keys and `kubernetes.io/role` values,
/// sorted and deduplicated.
fn node_roles(labels: &StringMap) -> Vec<String> {
    let mut roles: Vec<String> = labels
        .iter()
        .filter_map(|(k, v)| {
            if let Some(role) = k.strip_prefix("node-role.kubernetes.io/") {
                (!role.is_empty()).then(|| role.to_string())
            } else if k == "kubernetes.io/role" && !v.is_empty() {
                Some(v.to_string())
            } else {
                None
            }
        })
        .collect();
    roles.sort();
    roles.dedup();
    roles
}

/// printNode's STATUS: the Ready condition (`Ready`, or `NotReady` for False and Unknown),
/// `Unknown` without one, then `SchedulingDisabled` when cordoned.
fn node_status(n: &Node) -> String {
    let mut status: Vec<&str> = Vec::new();
    // A map keyed by type upstream: the last Ready condition wins.
    match n
        .status
        .conditions
        .iter()
        .rev()
        .find(|c| c.type_ == "Ready")
    {
        Some(c) if c.status == ConditionStatus::True => status.push("Ready"),
        Some(_) => status.push("NotReady"),
        None => status.push("Unknown"),
    }
    if n.spec.unschedulable {
        status.push("SchedulingDisabled");
    }
    status.join(",")
}

/// makePortString: `80/TCP`, `80:30080/TCP`, comma-separated.
fn service_ports(svc: &Service) -> String {
    let pieces: Vec<String> = svc
        .ports
        .iter()
        .map(|p| {
            if p.node_port > 0 {
                format!("{}:{}/{}", p.port, p.node_port, p.protocol.as_str())
            } else {
                format!("{}/{}", p.port, p.protocol.as_str())
            }
        })
        .collect();
    pieces.join(",")
}

/// getServiceExternalIP (spec.externalIPs is not modelled).
fn service_external_ip(svc: &Service, wide: bool) -> String {
    match svc.type_ {
        ServiceType::ClusterIP | ServiceType::NodePort => "<none>".into(),
        ServiceType::LoadBalancer => {
            let mut ingress: Vec<&str> = svc
                .load_balancer_ingress
                .iter()
                .map(|s| s.as_str())
                .filter(|s| !s.is_empty())
                .collect();
            ingress.sort();
            ingress.dedup();
            let r = ingress.join(",");
            if r.is_empty() {
                return "<pending>".into();
            }
            if !wide && r.chars().count() > 16 {
                let head: String = r.chars().take(13).collect();
                return format!("{head}...");
            }
            r
        }
        ServiceType::ExternalName => svc.external_name.to_string(),
    }
}

/// net.JoinHostPort.
fn join_host_port(host: &str, port: i32) -> String {
    if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}

/// formatEndpoints with all ports: up to three `ip:port`, then `+ N more...`.
fn format_endpoints(ep: &Endpoints) -> String {
    if ep.subsets.is_empty() {
        return "<none>".into();
    }
    const MAX: usize = 3;
    let mut list: Vec<String> = Vec::new();
    let mut more = false;
    let mut count = 0;
    for ss in &ep.subsets {
        if ss.ports.is_empty() {
            count += ss.addresses.len();
            for a in &ss.addresses {
                if list.len() == MAX {
                    more = true;
                    break;
                }
                list.push(a.ip.to_string());
            }
            continue;
        }
        for port in &ss.ports {
            count += ss.addresses.len();
            for a in &ss.addresses {
                if list.len() == MAX {
                    more = true;
                    break;
                }
                list.push(join_host_port(&a.ip, port.port));
            }
        }
    }
    let ret = list.join(",");
    if more {
        format!("{ret} + {} more...", count - MAX)
    } else {
        ret
    }
}

fn has_condition_true(conditions: &[Condition], type_: &str) -> bool {
    // hasJobCondition: the first condition of the type decides.
    conditions
        .iter()
        .find(|c| c.type_ == type_)
        .is_some_and(|c| c.status == ConditionStatus::True)
}

/// printJob's STATUS.
fn job_status(meta: &ObjectMeta, j: &Job) -> &'static str {
    let c = &j.status.conditions;
    if has_condition_true(c, "Complete") {
        "Complete"
    } else if has_condition_true(c, "Failed") {
        "Failed"
    } else if meta.deletion_timestamp.is_some() {
        "Terminating"
    } else if has_condition_true(c, "Suspended") {
        "Suspended"
    } else if has_condition_true(c, "FailureTarget") {
        "FailureTarget"
    } else if has_condition_true(c, "SuccessCriteriaMet") {
        "SuccessCriteriaMet"
    } else {
        "Running"
    }
}

fn job_completions(j: &Job) -> String {
    match j.completions {
        Some(c) => format!("{}/{}", j.status.succeeded, c),
        None if j.parallelism > 1 => format!("{}/1 of {}", j.status.succeeded, j.parallelism),
        None => format!("{}/1", j.status.succeeded),
    }
}

fn job_duration(j: &Job, now: SimTime) -> String {
    match (j.status.start_time, j.status.completion_time) {
        (None, _) => String::new(),
        (Some(start), None) => since(start, now),
        (Some(start), Some(done)) => between(start, done),
    }
}

fn event_target(e: &Event) -> String {
    let (kind, name) = e
        .involved_object
        .as_ref()
        .map_or(("", ""), |r| (r.kind.as_str(), r.name.as_str()));
    if name.is_empty() {
        kind.to_lowercase()
    } else {
        format!("{}/{}", kind.to_lowercase(), name)
    }
}

/// formatEventSource: `component, host` (reportingController/Instance mirror them).
fn event_source(e: &Event) -> String {
    if e.source_host.is_empty() {
        e.source_component.to_string()
    } else {
        format!("{}, {}", e.source_component, e.source_host)
    }
}

// ---------------------------------------------------------------------------------------------
// Pod STATUS, READY and RESTARTS (printPod)

/// The READY, STATUS and RESTARTS cells of a pod row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PodSummary {
    pub ready: usize,
    pub total: usize,
    /// The STATUS column: `Running`, `ContainerCreating`, `CrashLoopBackOff`, `Init:0/1`,
    /// `Completed`, `Terminating`, ...
    pub status: String,
    /// `3`, or `3 (25s ago)` when a container has restarted.
    pub restarts: String,
}

fn last_terminated(cs: &ContainerStatus) -> Option<SimTime> {
    match cs.last_state.as_deref() {
        Some(ContainerState::Terminated { finished_at, .. }) => Some(*finished_at),
        _ => None,
    }
}

fn max_time(a: Option<SimTime>, b: Option<SimTime>) -> Option<SimTime> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, None) => a,
        (None, b) => b,
    }
}

/// Computes a pod's READY/STATUS/RESTARTS exactly as printPod does.
pub fn pod_row(meta: &ObjectMeta, pod: &Pod, now: SimTime) -> PodSummary {
    let spec = &pod.spec;
    let st = &pod.status;
    let mut restarts: i64 = 0;
    let mut restartable_restarts: i64 = 0;
    let mut total = spec.containers.len();
    let mut ready = 0;
    let mut last_restart: Option<SimTime> = None;
    let mut last_restartable_restart: Option<SimTime> = None;

    let mut reason = if st.rare.reason.is_empty() {
        st.phase.as_str().to_string()
    } else {
        st.rare.reason.to_string()
    };
    if st
        .conditions
        .iter()
        .any(|c| c.type_ == "PodScheduled" && c.reason() == "SchedulingGated")
    {
        reason = "SchedulingGated".into();
    }

    let is_sidecar = |name: &str| {
        spec.rare
            .init_containers
            .iter()
            .find(|c| c.name == name)
            .is_some_and(|c| c.restart_policy == Some(RestartPolicy::Always))
    };
    total += spec
        .rare
        .init_containers
        .iter()
        .filter(|c| c.restart_policy == Some(RestartPolicy::Always))
        .count();

    let mut initializing = false;
    for (i, cs) in st.rare.init_container_statuses.iter().enumerate() {
        restarts += i64::from(cs.restart_count);
        last_restart = max_time(last_restart, last_terminated(cs));
        let sidecar = is_sidecar(&cs.name);
        if sidecar {
            restartable_restarts += i64::from(cs.restart_count);
            last_restartable_restart = max_time(last_restartable_restart, last_terminated(cs));
        }
        match &cs.state {
            ContainerState::Terminated { exit_code: 0, .. } => continue,
            _ if sidecar && cs.started == Some(true) => {
                if cs.ready {
                    ready += 1;
                }
                continue;
            }
            ContainerState::Terminated {
                exit_code,
                reason: r,
                ..
            } => {
                // ContainerStateTerminated.signal is not modelled.
                reason = if r.is_empty() {
                    format!("Init:ExitCode:{exit_code}")
                } else {
                    format!("Init:{r}")
                };
            }
            ContainerState::Waiting { reason: r, .. }
                if !r.is_empty() && r != "PodInitializing" =>
            {
                reason = format!("Init:{r}");
            }
            _ => reason = format!("Init:{}/{}", i, spec.rare.init_containers.len()),
        }
        initializing = true;
        break;
    }

    let initialized = st
        .conditions
        .iter()
        .any(|c| c.type_ == "Initialized" && c.status == ConditionStatus::True);
    if !initializing || initialized {
        restarts = restartable_restarts;
        last_restart = last_restartable_restart;
        let mut has_running = false;
        for cs in st.container_statuses.iter().rev() {
            restarts += i64::from(cs.restart_count);
            last_restart = max_time(last_restart, last_terminated(cs));
            match &cs.state {
                ContainerState::Waiting { reason: r, .. } if !r.is_empty() => {
                    reason = r.to_string()
                }
                ContainerState::Terminated { reason: r, .. } if !r.is_empty() => {
                    reason = r.to_string()
                }
                ContainerState::Terminated { exit_code, .. } => {
                    reason = format!("ExitCode:{exit_code}")
                }
                ContainerState::Running { .. } if cs.ready => {
                    has_running = true;
                    ready += 1;
                }
                _ => {}
            }
        }
        if reason == "Completed" && has_running {
            let pod_ready = st
                .conditions
                .iter()
                .any(|c| c.type_ == "Ready" && c.status == ConditionStatus::True);
            reason = if pod_ready { "Running" } else { "NotReady" }.into();
        }
    }

    let terminal = matches!(st.phase, PodPhase::Succeeded | PodPhase::Failed);
    if meta.deletion_timestamp.is_some() && st.rare.reason == "NodeLost" {
        reason = "Unknown".into();
    } else if meta.deletion_timestamp.is_some() && !terminal {
        reason = "Terminating".into();
    }

    let restarts = match last_restart {
        Some(t) if restarts != 0 => format!("{restarts} ({} ago)", since(t, now)),
        _ => restarts.to_string(),
    };
    PodSummary {
        ready,
        total,
        status: reason,
        restarts,
    }
}

// ---------------------------------------------------------------------------------------------
// kubectl describe

/// A describe document: text with `\t` column breaks at indentation levels of two spaces
/// (PrefixWriter), laid out by a tabwriter (minwidth 0, padding 2) that is flushed before the
/// Events section.
struct Doc {
    done: String,
    cur: String,
}

impl Doc {
    fn new() -> Self {
        Doc {
            done: String::new(),
            cur: String::new(),
        }
    }
    fn w(&mut self, level: usize, text: &str) {
        for _ in 0..level {
            self.cur.push_str("  ");
        }
        self.cur.push_str(text);
    }
    fn flush(&mut self) {
        self.done.push_str(&tabwrite(&self.cur, 0, 2));
        self.cur.clear();
    }
    fn finish(mut self) -> String {
        self.flush();
        self.done
    }
}

/// A `kubectl describe` rendering of `obj`; `events` are the events about it (the caller picks
/// them, as kubectl searches by involvedObject), printed oldest last-seen first. Sections that
/// need other objects (a node's pods, a deployment's ReplicaSets, a service's endpoints) or
/// unmodelled fields are left out.
pub fn describe(obj: &Object, events: &[&Object], now: SimTime) -> String {
    let mut d = Doc::new();
    let meta = &obj.meta;
    match &obj.body {
        Body::Pod(p) => describe_pod(&mut d, meta, p, now),
        Body::Node(n) => describe_node(&mut d, meta, n),
        Body::Deployment(dep) => describe_deployment(&mut d, meta, dep),
        Body::ReplicaSet(rs) => {
            d.w(0, &format!("Name:\t{}\n", meta.name));
            d.w(0, &format!("Namespace:\t{}\n", meta.namespace));
            d.w(
                0,
                &format!("Selector:\t{}\n", format_label_selector(Some(&rs.selector))),
            );
            labels_multiline(&mut d, "Labels", &meta.labels);
            annotations_multiline(&mut d, "Annotations", &meta.annotations);
            controlled_by(&mut d, meta);
            d.w(
                0,
                &format!(
                    "Replicas:\t{} current / {} desired\n",
                    rs.status.replicas, rs.replicas
                ),
            );
            describe_pod_template(&mut d, Some(&rs.template));
            rs_conditions(&mut d, &rs.status.conditions);
        }
        Body::ReplicationController(rc) => {
            d.w(0, &format!("Name:\t{}\n", meta.name));
            d.w(0, &format!("Namespace:\t{}\n", meta.namespace));
            d.w(
                0,
                &format!("Selector:\t{}\n", format_labels(Some(&rc.selector))),
            );
            labels_multiline(&mut d, "Labels", &meta.labels);
            annotations_multiline(&mut d, "Annotations", &meta.annotations);
            d.w(
                0,
                &format!(
                    "Replicas:\t{} current / {} desired\n",
                    rc.status.replicas, rc.replicas
                ),
            );
            describe_pod_template(&mut d, rc.template.as_deref());
            rs_conditions(&mut d, &rc.status.conditions);
        }
        Body::Job(j) => describe_job(&mut d, meta, j),
        Body::Service(svc) => describe_service(&mut d, meta, svc),
        Body::Namespace(ns) => {
            d.w(0, &format!("Name:\t{}\n", meta.name));
            labels_multiline(&mut d, "Labels", &meta.labels);
            annotations_multiline(&mut d, "Annotations", &meta.annotations);
            d.w(0, &format!("Status:\t{}\n", namespace_phase(ns)));
            d.w(0, "\nNo resource quota.\n");
            d.w(0, "\nNo LimitRange resource.\n");
            return d.finish();
        }
        Body::Endpoints(ep) => {
            d.w(0, &format!("Name:\t{}\n", meta.name));
            d.w(0, &format!("Namespace:\t{}\n", meta.namespace));
            labels_multiline(&mut d, "Labels", &meta.labels);
            annotations_multiline(&mut d, "Annotations", &meta.annotations);
            d.w(0, "Subsets:\n");
            for ss in &ep.subsets {
                let ready: Vec<&str> = ss.addresses.iter().map(|a| a.ip.as_str()).collect();
                let not_ready: Vec<&str> = ss
                    .not_ready_addresses
                    .iter()
                    .map(|a| a.ip.as_str())
                    .collect();
                d.w(1, &format!("Addresses:\t{}\n", ready.join(",")));
                d.w(1, &format!("NotReadyAddresses:\t{}\n", not_ready.join(",")));
                if !ss.ports.is_empty() {
                    d.w(1, "Ports:\n");
                    d.w(2, "Name\tPort\tProtocol\n");
                    d.w(2, "----\t----\t--------\n");
                    for p in &ss.ports {
                        let name = if p.name.is_empty() {
                            "<unset>"
                        } else {
                            &p.name
                        };
                        d.w(
                            2,
                            &format!("{}\t{}\t{}\n", name, p.port, p.protocol.as_str()),
                        );
                    }
                }
                d.w(0, "\n");
            }
        }
        Body::Event(e) => {
            d.w(0, &format!("Name:\t{}\n", meta.name));
            d.w(0, &format!("Namespace:\t{}\n", meta.namespace));
            labels_multiline(&mut d, "Labels", &meta.labels);
            annotations_multiline(&mut d, "Annotations", &meta.annotations);
            d.w(0, &format!("Type:\t{}\n", e.type_));
            d.w(0, &format!("Reason:\t{}\n", e.reason));
            d.w(0, &format!("Object:\t{}\n", event_target(e)));
            d.w(0, &format!("Source:\t{}\n", event_source(e)));
            d.w(0, &format!("Count:\t{}\n", e.count));
            d.w(0, &format!("Message:\t{}\n", e.message.trim()));
            return d.finish();
        }
        Body::Lease(l) => describe_lease(&mut d, meta, l),
        // describePriorityClass: annotations on one line (labels.FormatLabels), no labels.
        Body::PriorityClass(pc) => {
            d.w(0, &format!("Name:\t{}\n", meta.name));
            d.w(0, &format!("Value:\t{}\n", pc.value));
            d.w(0, &format!("GlobalDefault:\t{}\n", pc.global_default));
            let policy = pc.preemption_policy.map_or("", |p| p.as_str());
            d.w(0, &format!("PreemptionPolicy:\t{policy}\n"));
            d.w(0, &format!("Description:\t{}\n", pc.description));
            d.w(
                0,
                &format!("Annotations:\t{}\n", format_labels(Some(&meta.annotations))),
            );
        }
    }
    describe_events(&mut d, events, now);
    d.finish()
}

/// kubectl has no Lease describer: the GenericDescriber prints the object's fields, keys sorted
/// and spaced into words (`holderIdentity` → `Holder Identity`). Its `Metadata:` block is left
/// out here.
fn describe_lease(d: &mut Doc, meta: &ObjectMeta, l: &Lease) {
    d.w(0, &format!("Name:\t{}\n", meta.name));
    d.w(0, &format!("Namespace:\t{}\n", meta.namespace));
    labels_multiline(d, "Labels", &meta.labels);
    annotations_multiline(d, "Annotations", &meta.annotations);
    d.w(0, &format!("API Version:\t{}\n", Kind::Lease.api_version()));
    d.w(0, "Kind:\tLease\n");
    d.w(0, "Spec:\n");
    if let Some(t) = l.acquire_time {
        d.w(
            1,
            &format!("Acquire Time:\t{}\n", format_micro_timestamp(t)),
        );
    }
    if !l.holder_identity.is_empty() {
        d.w(1, &format!("Holder Identity:\t{}\n", l.holder_identity));
    }
    if let Some(s) = l.lease_duration_seconds {
        d.w(1, &format!("Lease Duration Seconds:\t{s}\n"));
    }
    if let Some(n) = l.lease_transitions {
        d.w(1, &format!("Lease Transitions:\t{n}\n"));
    }
    if let Some(t) = l.renew_time {
        d.w(1, &format!("Renew Time:\t{}\n", format_micro_timestamp(t)));
    }
}

/// printLabelsMultiline: `Labels:\ta=1` then `\tb=2`, or `<none>`.
fn labels_multiline(d: &mut Doc, title: &str, labels: &StringMap) {
    d.w(0, &format!("{title}:\t"));
    if labels.is_empty() {
        d.w(0, "<none>\n");
        return;
    }
    for (i, (k, v)) in labels.iter().enumerate() {
        if i != 0 {
            d.w(0, "\t");
        }
        d.w(0, &format!("{k}={v}\n"));
    }
}

/// printAnnotationsMultiline: `key: value` lines; the last-applied-configuration annotation
/// is skipped.
fn annotations_multiline(d: &mut Doc, title: &str, annotations: &StringMap) {
    d.w(0, &format!("{title}:\t"));
    let shown: Vec<(&str, &str)> = annotations
        .iter()
        .filter(|(k, _)| *k != "kubectl.kubernetes.io/last-applied-configuration")
        .collect();
    if shown.is_empty() {
        d.w(0, "<none>\n");
        return;
    }
    for (i, (k, v)) in shown.iter().enumerate() {
        if i != 0 {
            d.w(0, "\t");
        }
        d.w(0, &format!("{k}: {v}\n"));
    }
}

fn controlled_by(d: &mut Doc, meta: &ObjectMeta) {
    if let Some(r) = meta.controller_ref() {
        d.w(0, &format!("Controlled By:\t{}/{}\n", r.kind, r.name));
    }
}

fn tolerations_multiline(d: &mut Doc, title: &str, tolerations: &[Toleration]) {
    d.w(0, &format!("{title}:\t"));
    if tolerations.is_empty() {
        d.w(0, "<none>\n");
        return;
    }
    for (i, t) in tolerations.iter().enumerate() {
        if i != 0 {
            d.w(0, "\t");
        }
        let mut line = t.key.to_string();
        if !t.value.is_empty() {
            line.push_str(&format!("={}", t.value));
        }
        if let Some(e) = t.effect {
            line.push_str(&format!(":{}", e.as_str()));
        }
        if t.operator == TolerationOperator::Exists && t.value.is_empty() {
            if !t.key.is_empty() || t.effect.is_some() {
                line.push_str(" op=Exists");
            } else {
                line.push_str("op=Exists");
            }
        }
        if let Some(secs) = t.toleration_seconds {
            line.push_str(&format!(" for {secs}s"));
        }
        d.w(0, &format!("{line}\n"));
    }
}

fn taints_multiline(d: &mut Doc, taints: &[Taint]) {
    d.w(0, "Taints:\t");
    if taints.is_empty() {
        d.w(0, "<none>\n");
        return;
    }
    for (i, t) in taints.iter().enumerate() {
        if i != 0 {
            d.w(0, "\t");
        }
        let kv = if t.value.is_empty() {
            t.key.to_string()
        } else {
            format!("{}={}", t.key, t.value)
        };
        d.w(0, &format!("{kv}:{}\n", t.effect.as_str()));
    }
}

fn rfc1123z_or_zero(t: Option<SimTime>) -> String {
    t.map_or("Mon, 01 Jan 0001 00:00:00 +0000".into(), format_rfc1123z)
}

fn describe_resources(d: &mut Doc, r: &ResourceRequirements, level: usize) {
    for (title, list) in [("Limits", &r.limits), ("Requests", &r.requests)] {
        if list.is_empty() {
            continue;
        }
        d.w(level, &format!("{title}:\n"));
        let mut items: Vec<(&ResourceName, i64)> = list.iter().collect();
        items.sort_by(|a, b| a.0.as_str().cmp(b.0.as_str()));
        for (name, v) in items {
            d.w(
                level + 1,
                &format!("{}:\t{}\n", name.as_str(), format_quantity(name, v)),
            );
        }
    }
}

/// DescribeProbe.
fn describe_probe(p: &Probe) -> String {
    let attrs = format!(
        "delay={}s timeout={}s period={}s #success={} #failure={}",
        p.initial_delay_seconds,
        p.timeout_seconds,
        p.period_seconds,
        p.success_threshold,
        p.failure_threshold
    );
    match &p.handler {
        Handler::Exec { command } => {
            let cmd: Vec<&str> = command.iter().map(|c| c.as_str()).collect();
            format!("exec [{}] {attrs}", cmd.join(" "))
        }
        Handler::HttpGet { path, port, scheme } => {
            let scheme = if scheme.is_empty() {
                "http".to_string()
            } else {
                scheme.to_lowercase()
            };
            format!("http-get {scheme}://:{port}{path} {attrs}")
        }
        Handler::TcpSocket { port } => format!("tcp-socket :{port} {attrs}"),
        Handler::Grpc { port, service } => format!("grpc <pod>:{port} {service} {attrs}"),
        Handler::Sleep { .. } => format!("unknown {attrs}"),
    }
}

fn describe_state(d: &mut Doc, title: &str, state: &ContainerState) {
    match state {
        ContainerState::Running { started_at } => {
            d.w(2, &format!("{title}:\tRunning\n"));
            d.w(3, &format!("Started:\t{}\n", format_rfc1123z(*started_at)));
        }
        ContainerState::Waiting { reason, .. } => {
            d.w(2, &format!("{title}:\tWaiting\n"));
            if !reason.is_empty() {
                d.w(3, &format!("Reason:\t{reason}\n"));
            }
        }
        ContainerState::Terminated {
            exit_code,
            reason,
            message,
            started_at,
            finished_at,
        } => {
            d.w(2, &format!("{title}:\tTerminated\n"));
            if !reason.is_empty() {
                d.w(3, &format!("Reason:\t{reason}\n"));
            }
            if !message.is_empty() {
                d.w(3, &format!("Message:\t{message}\n"));
            }
            d.w(3, &format!("Exit Code:\t{exit_code}\n"));
            d.w(3, &format!("Started:\t{}\n", rfc1123z_or_zero(*started_at)));
            d.w(
                3,
                &format!("Finished:\t{}\n", format_rfc1123z(*finished_at)),
            );
        }
    }
}

/// describeContainers; `space` is the extra indentation inside a pod template.
fn describe_containers(
    d: &mut Doc,
    label: &str,
    containers: &[Container],
    statuses: &[ContainerStatus],
    space: &str,
) {
    let none = if containers.is_empty() { " <none>" } else { "" };
    d.w(0, &format!("{space}{label}:{none}\n"));
    let name_indent = if space.is_empty() { "" } else { " " };
    for c in containers {
        let status = statuses.iter().find(|s| s.name == c.name);
        d.w(1, &format!("{name_indent}{}:\n", c.name));
        if status.is_some() {
            d.w(2, "Container ID:\t\n");
        }
        d.w(2, &format!("Image:\t{}\n", c.image));
        if status.is_some() {
            d.w(2, "Image ID:\t\n");
        }
        let ports: Vec<String> = c
            .ports
            .iter()
            .map(|p| format!("{}/{}", p.container_port, p.protocol.as_str()))
            .collect();
        let host_ports: Vec<String> = c
            .ports
            .iter()
            .map(|p| format!("{}/{}", p.host_port, p.protocol.as_str()))
            .collect();
        if ports.len() > 1 {
            d.w(2, &format!("Ports:\t{}\n", ports.join(", ")));
            d.w(2, &format!("Host Ports:\t{}\n", host_ports.join(", ")));
        } else {
            d.w(2, &format!("Port:\t{}\n", or_none(&ports.join(", "))));
            d.w(
                2,
                &format!("Host Port:\t{}\n", or_none(&host_ports.join(", "))),
            );
        }
        if let Some(s) = status {
            describe_state(d, "State", &s.state);
            if let Some(last @ ContainerState::Terminated { .. }) = s.last_state.as_deref() {
                describe_state(d, "Last State", last);
            }
            d.w(
                2,
                &format!("Ready:\t{}\n", if s.ready { "True" } else { "False" }),
            );
            d.w(2, &format!("Restart Count:\t{}\n", s.restart_count));
        }
        describe_resources(d, &c.resources, 2);
        for (title, probe) in [
            ("Liveness", &c.liveness_probe),
            ("Readiness", &c.readiness_probe),
            ("Startup", &c.startup_probe),
        ] {
            if let Some(p) = probe {
                d.w(2, &format!("{title}:\t{}\n", describe_probe(p)));
            }
        }
        d.w(2, "Environment:\t<none>\n");
        d.w(2, "Mounts:\t<none>\n");
    }
}

fn describe_volumes(d: &mut Doc, volumes: &[Volume], space: &str) {
    if volumes.is_empty() {
        d.w(0, &format!("{space}Volumes:\t<none>\n"));
        return;
    }
    d.w(0, &format!("{space}Volumes:\n"));
    let name_indent = if space.is_empty() { "" } else { " " };
    for v in volumes {
        d.w(1, &format!("{name_indent}{}:\n", v.name));
        match &v.source {
            VolumeSource::EmptyDir => {
                d.w(
                    2,
                    "Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)\n",
                );
                d.w(2, "Medium:\t\n");
                d.w(2, "SizeLimit:\t<unset>\n");
            }
            VolumeSource::HostPath { path } => {
                d.w(2, "Type:\tHostPath (bare host directory volume)\n");
                d.w(2, &format!("Path:\t{path}\n"));
                d.w(2, "HostPathType:\t\n");
            }
            VolumeSource::ConfigMap { name } => {
                d.w(2, "Type:\tConfigMap (a volume populated by a ConfigMap)\n");
                d.w(2, &format!("Name:\t{name}\n"));
                d.w(2, "Optional:\tfalse\n");
            }
            VolumeSource::Secret { name } => {
                d.w(2, "Type:\tSecret (a volume populated by a Secret)\n");
                d.w(2, &format!("SecretName:\t{name}\n"));
                d.w(2, "Optional:\tfalse\n");
            }
            VolumeSource::PersistentVolumeClaim { claim_name } => {
                d.w(
                    2,
                    "Type:\tPersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)\n",
                );
                d.w(2, &format!("ClaimName:\t{claim_name}\n"));
                d.w(2, "ReadOnly:\tfalse\n");
            }
            VolumeSource::Other => d.w(1, "<unknown>\n"),
        }
    }
}

fn describe_topology_spread(d: &mut Doc, tscs: &[TopologySpreadConstraint], space: &str) {
    if tscs.is_empty() {
        return;
    }
    let mut sorted: Vec<&TopologySpreadConstraint> = tscs.iter().collect();
    sorted.sort_by(|a, b| a.topology_key.cmp(&b.topology_key));
    d.w(0, &format!("{space}Topology Spread Constraints:\t"));
    for (i, c) in sorted.iter().enumerate() {
        if i != 0 {
            d.w(0, &format!("{space}\t"));
        }
        let wu = match c.when_unsatisfiable {
            UnsatisfiableConstraintAction::DoNotSchedule => "DoNotSchedule",
            UnsatisfiableConstraintAction::ScheduleAnyway => "ScheduleAnyway",
        };
        let mut line = format!(
            "{}:{} when max skew {} is exceeded",
            c.topology_key, wu, c.max_skew
        );
        if let Some(sel) = &c.label_selector {
            line.push_str(&format!(
                " for selector {}",
                format_label_selector(Some(sel))
            ));
        }
        d.w(0, &format!("{line}\n"));
    }
}

/// DescribePodTemplate.
fn describe_pod_template(d: &mut Doc, t: Option<&PodTemplateSpec>) {
    d.w(0, "Pod Template:\n");
    let Some(t) = t else {
        d.w(1, "<unset>");
        return;
    };
    labels_multiline(d, "  Labels", &t.labels);
    if !t.annotations.is_empty() {
        annotations_multiline(d, "  Annotations", &t.annotations);
    }
    if !t.spec.rare.init_containers.is_empty() {
        describe_containers(
            d,
            "Init Containers",
            &t.spec.rare.init_containers,
            &[],
            "  ",
        );
    }
    describe_containers(d, "Containers", &t.spec.containers, &[], "  ");
    describe_volumes(d, &t.spec.rare.volumes, "  ");
    describe_topology_spread(d, &t.spec.rare.topology_spread_constraints, "  ");
    if !t.spec.rare.priority_class_name.is_empty() {
        d.w(
            1,
            &format!(
                "Priority Class Name:\t{}\n",
                t.spec.rare.priority_class_name
            ),
        );
    }
    labels_multiline(d, "  Node-Selectors", &t.spec.rare.node_selector);
    tolerations_multiline(d, "  Tolerations", &t.spec.tolerations);
}

fn rs_conditions(d: &mut Doc, conditions: &[Condition]) {
    if conditions.is_empty() {
        return;
    }
    d.w(0, "Conditions:\n  Type\tStatus\tReason\n");
    d.w(1, "----\t------\t------\n");
    for c in conditions {
        d.w(
            1,
            &format!("{} \t{}\t{}\n", c.type_, c.status.as_str(), c.reason()),
        );
    }
}

fn describe_pod(d: &mut Doc, meta: &ObjectMeta, p: &Pod, now: SimTime) {
    let spec = &p.spec;
    let st = &p.status;
    d.w(0, &format!("Name:\t{}\n", meta.name));
    d.w(0, &format!("Namespace:\t{}\n", meta.namespace));
    if let Some(prio) = spec.priority {
        d.w(0, &format!("Priority:\t{prio}\n"));
    }
    if !spec.rare.priority_class_name.is_empty() {
        d.w(
            0,
            &format!("Priority Class Name:\t{}\n", spec.rare.priority_class_name),
        );
    }
    if spec.node_name.is_empty() {
        d.w(0, "Node:\t<none>\n");
    } else {
        d.w(0, &format!("Node:\t{}/{}\n", spec.node_name, st.host_ip));
    }
    if let Some(t) = st.start_time {
        d.w(0, &format!("Start Time:\t{}\n", format_rfc1123z(t)));
    }
    labels_multiline(d, "Labels", &meta.labels);
    annotations_multiline(d, "Annotations", &meta.annotations);
    let terminal = matches!(st.phase, PodPhase::Succeeded | PodPhase::Failed);
    match meta.deletion_timestamp {
        Some(t) if !terminal => {
            d.w(
                0,
                &format!("Status:\tTerminating (lasts {})\n", since(t, now)),
            );
            d.w(
                0,
                &format!(
                    "Termination Grace Period:\t{}s\n",
                    meta.deletion_grace_period_seconds.unwrap_or(0)
                ),
            );
        }
        _ => d.w(0, &format!("Status:\t{}\n", st.phase.as_str())),
    }
    if !st.rare.reason.is_empty() {
        d.w(0, &format!("Reason:\t{}\n", st.rare.reason));
    }
    if !st.rare.message.is_empty() {
        d.w(0, &format!("Message:\t{}\n", st.rare.message));
    }
    d.w(0, &format!("IP:\t{}\n", st.pod_ip));
    if st.pod_ip.is_empty() {
        d.w(0, "IPs:\t<none>\n");
    } else {
        d.w(0, "IPs:\n");
        d.w(1, &format!("IP:\t{}\n", st.pod_ip));
    }
    controlled_by(d, meta);
    if !st.rare.nominated_node_name.is_empty() {
        d.w(
            0,
            &format!("NominatedNodeName:\t{}\n", st.rare.nominated_node_name),
        );
    }
    if !spec.rare.init_containers.is_empty() {
        describe_containers(
            d,
            "Init Containers",
            &spec.rare.init_containers,
            &st.rare.init_container_statuses,
            "",
        );
    }
    describe_containers(
        d,
        "Containers",
        &spec.containers,
        &st.container_statuses,
        "",
    );
    if !st.conditions.is_empty() {
        d.w(0, "Conditions:\n  Type\tStatus\n");
        for c in &st.conditions {
            d.w(1, &format!("{} \t{} \n", c.type_, c.status.as_str()));
        }
    }
    describe_volumes(d, &spec.rare.volumes, "");
    d.w(0, &format!("QoS Class:\t{}\n", pod_qos_class(spec)));
    labels_multiline(d, "Node-Selectors", &spec.rare.node_selector);
    tolerations_multiline(d, "Tolerations", &spec.tolerations);
    describe_topology_spread(d, &spec.rare.topology_spread_constraints, "");
}

fn describe_node(d: &mut Doc, meta: &ObjectMeta, n: &Node) {
    d.w(0, &format!("Name:\t{}\n", meta.name));
    let roles = node_roles(&meta.labels);
    let roles = if roles.is_empty() {
        "<none>".into()
    } else {
        roles.join(",")
    };
    d.w(0, &format!("Roles:\t{roles}\n"));
    labels_multiline(d, "Labels", &meta.labels);
    annotations_multiline(d, "Annotations", &meta.annotations);
    d.w(
        0,
        &format!(
            "CreationTimestamp:\t{}\n",
            format_rfc1123z(meta.creation_timestamp)
        ),
    );
    taints_multiline(d, &n.spec.taints);
    d.w(0, &format!("Unschedulable:\t{}\n", n.spec.unschedulable));
    if !n.status.conditions.is_empty() {
        d.w(
            0,
            "Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n",
        );
        d.w(
            1,
            "----\t------\t-----------------\t------------------\t------\t-------\n",
        );
        for c in &n.status.conditions {
            d.w(
                1,
                &format!(
                    "{} \t{} \t{} \t{} \t{} \t{}\n",
                    c.type_,
                    c.status.as_str(),
                    rfc1123z_or_zero(c.last_update_time),
                    rfc1123z_or_zero(c.last_transition_time),
                    c.reason(),
                    c.message()
                ),
            );
        }
    }
    d.w(0, "Addresses:\n");
    for a in &n.status.addresses {
        d.w(1, &format!("{}:\t{}\n", a.type_, a.address));
    }
    for (title, list) in [
        ("Capacity", &n.status.capacity),
        ("Allocatable", &n.status.allocatable),
    ] {
        if list.is_empty() {
            continue;
        }
        d.w(0, &format!("{title}:\n"));
        let mut items: Vec<(&ResourceName, i64)> = list.iter().collect();
        items.sort_by(|a, b| a.0.as_str().cmp(b.0.as_str()));
        for (name, v) in items {
            d.w(
                1,
                &format!("{}:\t{}\n", name.as_str(), format_quantity(name, v)),
            );
        }
    }
    if !n.spec.pod_cidr.is_empty() {
        d.w(0, &format!("PodCIDR:\t{}\n", n.spec.pod_cidr));
        d.w(0, &format!("PodCIDRs:\t{}\n", n.spec.pod_cidr));
    }
    if !n.spec.provider_id.is_empty() {
        d.w(0, &format!("ProviderID:\t{}\n", n.spec.provider_id));
    }
}

fn describe_deployment(d: &mut Doc, meta: &ObjectMeta, dep: &Deployment) {
    d.w(0, &format!("Name:\t{}\n", meta.name));
    d.w(0, &format!("Namespace:\t{}\n", meta.namespace));
    d.w(
        0,
        &format!(
            "CreationTimestamp:\t{}\n",
            format_rfc1123z(meta.creation_timestamp)
        ),
    );
    labels_multiline(d, "Labels", &meta.labels);
    annotations_multiline(d, "Annotations", &meta.annotations);
    d.w(0, &format!("Selector:\t{}\n", dep.selector));
    let st = &dep.status;
    d.w(
        0,
        &format!(
            "Replicas:\t{} desired | {} updated | {} total | {} available | {} unavailable\n",
            dep.replicas,
            st.updated_replicas,
            st.replicas,
            st.available_replicas,
            st.unavailable_replicas
        ),
    );
    let strategy = match dep.strategy {
        DeploymentStrategy::Recreate => "Recreate",
        DeploymentStrategy::RollingUpdate { .. } => "RollingUpdate",
    };
    d.w(0, &format!("StrategyType:\t{strategy}\n"));
    d.w(0, &format!("MinReadySeconds:\t{}\n", dep.min_ready_seconds));
    if let DeploymentStrategy::RollingUpdate {
        max_surge,
        max_unavailable,
    } = &dep.strategy
    {
        d.w(
            0,
            &format!(
                "RollingUpdateStrategy:\t{max_unavailable} max unavailable, {max_surge} max surge\n"
            ),
        );
    }
    describe_pod_template(d, Some(&dep.template));
    rs_conditions(d, &st.conditions);
}

fn describe_job(d: &mut Doc, meta: &ObjectMeta, j: &Job) {
    d.w(0, &format!("Name:\t{}\n", meta.name));
    d.w(0, &format!("Namespace:\t{}\n", meta.namespace));
    let sel = j
        .selector
        .as_ref()
        .map(|s| s.to_string())
        .unwrap_or_default();
    d.w(0, &format!("Selector:\t{sel}\n"));
    labels_multiline(d, "Labels", &meta.labels);
    annotations_multiline(d, "Annotations", &meta.annotations);
    controlled_by(d, meta);
    d.w(0, &format!("Parallelism:\t{}\n", j.parallelism));
    match j.completions {
        Some(c) => d.w(0, &format!("Completions:\t{c}\n")),
        None => d.w(0, "Completions:\t<unset>\n"),
    }
    let mode = match j.completion_mode {
        CompletionMode::NonIndexed => "NonIndexed",
        CompletionMode::Indexed => "Indexed",
    };
    d.w(0, &format!("Completion Mode:\t{mode}\n"));
    d.w(0, &format!("Suspend:\t{}\n", j.suspend));
    d.w(0, &format!("Backoff Limit:\t{}\n", j.backoff_limit));
    if let Some(ttl) = j.ttl_seconds_after_finished {
        d.w(0, &format!("TTL Seconds After Finished:\t{ttl}\n"));
    }
    let st = &j.status;
    if let Some(t) = st.start_time {
        d.w(0, &format!("Start Time:\t{}\n", format_rfc1123z(t)));
    }
    if let Some(t) = st.completion_time {
        d.w(0, &format!("Completed At:\t{}\n", format_rfc1123z(t)));
    }
    if let (Some(start), Some(done)) = (st.start_time, st.completion_time) {
        d.w(0, &format!("Duration:\t{}\n", between(start, done)));
    }
    if let Some(ads) = j.active_deadline_seconds {
        d.w(0, &format!("Active Deadline Seconds:\t{ads}s\n"));
    }
    match st.ready {
        Some(ready) => d.w(
            0,
            &format!(
                "Pods Statuses:\t{} Active ({} Ready) / {} Succeeded / {} Failed\n",
                st.active, ready, st.succeeded, st.failed
            ),
        ),
        None => d.w(
            0,
            &format!(
                "Pods Statuses:\t{} Active / {} Succeeded / {} Failed\n",
                st.active, st.succeeded, st.failed
            ),
        ),
    }
    if j.completion_mode == CompletionMode::Indexed {
        d.w(
            0,
            &format!(
                "Completed Indexes:\t{}\n",
                cap_indexes(&st.completed_indexes, 50)
            ),
        );
    }
    describe_pod_template(d, Some(&j.template));
}

/// capIndexesListOrNone.
fn cap_indexes(indexes: &str, soft_limit: usize) -> String {
    if indexes.is_empty() {
        return "<none>".into();
    }
    let bytes = indexes.as_bytes();
    let mut ix = soft_limit;
    while ix < bytes.len() && bytes[ix] != b',' {
        ix += 1;
    }
    if ix >= bytes.len() {
        return indexes.to_string();
    }
    format!("{}...", &indexes[..=ix])
}

fn describe_service(d: &mut Doc, meta: &ObjectMeta, svc: &Service) {
    d.w(0, &format!("Name:\t{}\n", meta.name));
    d.w(0, &format!("Namespace:\t{}\n", meta.namespace));
    labels_multiline(d, "Labels", &meta.labels);
    annotations_multiline(d, "Annotations", &meta.annotations);
    d.w(
        0,
        &format!("Selector:\t{}\n", format_labels(svc.selector.as_ref())),
    );
    d.w(0, &format!("Type:\t{}\n", svc.type_.as_str()));
    d.w(0, &format!("IP:\t{}\n", svc.cluster_ip));
    if !svc.cluster_ip.is_empty() {
        d.w(0, &format!("IPs:\t{}\n", svc.cluster_ip));
    }
    if !svc.external_name.is_empty() {
        d.w(0, &format!("External Name:\t{}\n", svc.external_name));
    }
    if !svc.load_balancer_ingress.is_empty() {
        let list: Vec<&str> = svc
            .load_balancer_ingress
            .iter()
            .map(|s| s.as_str())
            .collect();
        d.w(0, &format!("LoadBalancer Ingress:\t{}\n", list.join(", ")));
    }
    for p in &svc.ports {
        let name = if p.name.is_empty() {
            "<unset>"
        } else {
            &p.name
        };
        let proto = p.protocol.as_str();
        d.w(0, &format!("Port:\t{name}\t{}/{proto}\n", p.port));
        d.w(0, &format!("TargetPort:\t{}/{proto}\n", p.target_port));
        if p.node_port != 0 {
            d.w(0, &format!("NodePort:\t{name}\t{}/{proto}\n", p.node_port));
        }
    }
    let affinity = if svc.session_affinity_client_ip {
        "ClientIP"
    } else {
        "None"
    };
    d.w(0, &format!("Session Affinity:\t{affinity}\n"));
    if svc.external_traffic_policy_local {
        d.w(0, "External Traffic Policy:\tLocal\n");
    } else if matches!(svc.type_, ServiceType::NodePort | ServiceType::LoadBalancer) {
        d.w(0, "External Traffic Policy:\tCluster\n");
    }
    if svc.internal_traffic_policy_local {
        d.w(0, "Internal Traffic Policy:\tLocal\n");
    } else if svc.type_ != ServiceType::ExternalName {
        d.w(0, "Internal Traffic Policy:\tCluster\n");
    }
}

/// DescribeEvents: flushes the layout so far, then a `Type Reason Age From Message` table
/// sorted by last timestamp.
fn describe_events(d: &mut Doc, events: &[&Object], now: SimTime) {
    let mut list: Vec<&Event> = events
        .iter()
        .filter_map(|o| match &o.body {
            Body::Event(e) => Some(e),
            _ => None,
        })
        .collect();
    if list.is_empty() {
        d.w(0, "Events:\t<none>\n");
        return;
    }
    d.flush();
    list.sort_by_key(|e| e.last_timestamp.map(|t| t / SECOND));
    d.w(0, "Events:\n  Type\tReason\tAge\tFrom\tMessage\n");
    d.w(1, "----\t------\t----\t----\t-------\n");
    for e in list {
        let first = e
            .first_timestamp
            .map_or("<unknown>".into(), |t| since(t, now));
        let interval = if e.count > 1 {
            let last = e
                .last_timestamp
                .map_or("<unknown>".into(), |t| since(t, now));
            format!("{last} (x{} over {first})", e.count)
        } else {
            first
        };
        d.w(
            1,
            &format!(
                "{}\t{}\t{}\t{}\t{}\n",
                e.type_,
                e.reason,
                interval,
                e.source_component,
                e.message.trim()
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: SimTime = SECOND;
    const M: SimTime = MINUTE;

    fn container(name: &str, image: &str) -> Container {
        Container {
            name: name.into(),
            image: image.into(),
            image_pull_policy: PullPolicy::IfNotPresent,
            resources: ResourceRequirements::default(),
            ports: Vec::new(),
            liveness_probe: None,
            readiness_probe: None,
            startup_probe: None,
            lifecycle: None,
            restart_policy: None,
        }
    }

    fn cs(name: &str, state: ContainerState, ready: bool, restarts: i32) -> ContainerStatus {
        ContainerStatus {
            name: name.into(),
            image: "img".into(),
            ready,
            started: Some(matches!(state, ContainerState::Running { .. })),
            restart_count: restarts,
            state,
            last_state: None,
        }
    }

    fn waiting(reason: &str) -> ContainerState {
        ContainerState::Waiting {
            reason: reason.into(),
            message: "".into(),
        }
    }

    fn running() -> ContainerState {
        ContainerState::Running { started_at: 10 * S }
    }

    fn terminated(exit_code: i32, reason: &str) -> ContainerState {
        ContainerState::Terminated {
            exit_code,
            reason: reason.into(),
            message: "".into(),
            started_at: Some(10 * S),
            finished_at: 20 * S,
        }
    }

    fn cond(type_: &str, status: ConditionStatus) -> Condition {
        Condition::new(type_, status)
    }

    fn meta(name: &str, namespace: &str, created: SimTime) -> ObjectMeta {
        ObjectMeta {
            name: name.into(),
            namespace: namespace.into(),
            creation_timestamp: created,
            ..ObjectMeta::default()
        }
    }

    fn pod_obj(name: &str, created: SimTime, pod: Pod) -> Object {
        Object {
            meta: meta(name, "default", created),
            body: Body::Pod(pod),
        }
    }

    /// A pod with one `app` container and the given statuses.
    fn pod(phase: PodPhase, statuses: Vec<ContainerStatus>) -> Pod {
        Pod {
            spec: PodSpec {
                containers: vec![container("app", "img")],
                ..PodSpec::default()
            },
            status: PodStatus {
                phase,
                container_statuses: statuses,
                ..PodStatus::default()
            },
        }
    }

    fn status_of(p: &Pod) -> (String, String, String) {
        status_with_meta(&ObjectMeta::default(), p)
    }

    fn status_with_meta(m: &ObjectMeta, p: &Pod) -> (String, String, String) {
        let r = pod_row(m, p, 5 * M);
        (format!("{}/{}", r.ready, r.total), r.status, r.restarts)
    }

    fn t(ready: &str, status: &str, restarts: &str) -> (String, String, String) {
        (ready.into(), status.into(), restarts.into())
    }

    // Cases from TestHumanDuration and TestHumanDurationBoundaries in
    // staging/src/k8s.io/apimachinery/pkg/util/duration/duration_test.go.
    #[test]
    fn human_duration_matches_upstream_tests() {
        let s = SECOND as i64;
        let ms = 1_000_000i64;
        let m = 60 * s;
        let h = 60 * m;
        let d = 24 * h;
        let cases: &[(i64, &str)] = &[
            // TestHumanDuration
            (s, "1s"),
            (70 * s, "70s"),
            (190 * s, "3m10s"),
            (70 * m, "70m"),
            (47 * h, "47h"),
            (49 * h, "2d1h"),
            ((8 * 24 + 2) * h, "8d"),
            (367 * d, "367d"),
            ((365 * 2 * 24 + 25) * h, "2y1d"),
            ((365 * 8 * 24 + 2) * h, "8y"),
            // TestHumanDurationBoundaries
            (-2 * s, "<invalid>"),
            (-2 * s + 1, "0s"),
            (0, "0s"),
            (s - ms, "0s"),
            (2 * m - ms, "119s"),
            (2 * m, "2m"),
            (2 * m + s, "2m1s"),
            (10 * m - ms, "9m59s"),
            (10 * m, "10m"),
            (10 * m + s, "10m"),
            (3 * h - ms, "179m"),
            (3 * h, "3h"),
            (3 * h + m, "3h1m"),
            (8 * h - ms, "7h59m"),
            (8 * h, "8h"),
            (8 * h + 59 * m, "8h"),
            (2 * d - ms, "47h"),
            (2 * d, "2d"),
            (2 * d + h, "2d1h"),
            (8 * d - ms, "7d23h"),
            (8 * d, "8d"),
            (8 * d + 23 * h, "8d"),
            (2 * 365 * d - ms, "729d"),
            (2 * 365 * d, "2y"),
            (2 * 365 * d + 23 * h, "2y"),
            (2 * 365 * d + 23 * h + 59 * m, "2y"),
            (2 * 365 * d + 24 * h - ms, "2y"),
            (2 * 365 * d + 24 * h, "2y1d"),
            (3 * 365 * d, "3y"),
            (4 * 365 * d, "4y"),
            (5 * 365 * d, "5y"),
            (6 * 365 * d, "6y"),
            (7 * 365 * d, "7y"),
            (8 * 365 * d - ms, "7y364d"),
            (8 * 365 * d, "8y"),
            (8 * 365 * d + 364 * d, "8y"),
            (9 * 365 * d, "9y"),
        ];
        for (dur, want) in cases {
            assert_eq!(human_duration(*dur), *want, "{dur}ns");
        }
    }

    #[test]
    fn age_uses_the_second_truncated_creation_time() {
        // Created at 0.9s, now 121.5s: kubectl sees 2026-01-01T00:00:00Z, so 121s → "2m1s".
        assert_eq!(since(900_000_000, 121 * S + S / 2), "2m1s");
        assert_eq!(since(10 * S, 5 * S), "<invalid>");
    }

    #[test]
    fn pod_status_column_follows_print_pod() {
        // Pending, nothing reported yet.
        assert_eq!(
            status_of(&pod(PodPhase::Pending, vec![])),
            t("0/1", "Pending", "0")
        );
        // The waiting reason of a container wins over the phase.
        let p = pod(
            PodPhase::Pending,
            vec![cs("app", waiting("ContainerCreating"), false, 0)],
        );
        assert_eq!(status_of(&p), t("0/1", "ContainerCreating", "0"));
        // CrashLoopBackOff, with the last restart's age.
        let mut crash = cs("app", waiting("CrashLoopBackOff"), false, 4);
        crash.last_state = Some(Box::new(ContainerState::Terminated {
            exit_code: 1,
            reason: "Error".into(),
            message: "".into(),
            started_at: Some(260 * S),
            finished_at: 270 * S,
        }));
        let p = pod(PodPhase::Running, vec![crash]);
        assert_eq!(status_of(&p), t("0/1", "CrashLoopBackOff", "4 (30s ago)"));
        // Completed: the terminated reason.
        let p = pod(
            PodPhase::Succeeded,
            vec![cs("app", terminated(0, "Completed"), false, 0)],
        );
        assert_eq!(status_of(&p), t("0/1", "Completed", "0"));
        // Terminated without a reason.
        let p = pod(
            PodPhase::Failed,
            vec![cs("app", terminated(3, ""), false, 0)],
        );
        assert_eq!(status_of(&p), t("0/1", "ExitCode:3", "0"));
        // Running and ready.
        let p = pod(PodPhase::Running, vec![cs("app", running(), true, 0)]);
        assert_eq!(status_of(&p), t("1/1", "Running", "0"));
        // Terminating: a deletion timestamp on a non-terminal pod...
        let deleting = ObjectMeta {
            deletion_timestamp: Some(4 * M),
            deletion_grace_period_seconds: Some(30),
            ..ObjectMeta::default()
        };
        assert_eq!(
            status_with_meta(&deleting, &p),
            t("1/1", "Terminating", "0")
        );
        // ...but a finished pod keeps its status.
        let done = pod(
            PodPhase::Succeeded,
            vec![cs("app", terminated(0, "Completed"), false, 0)],
        );
        assert_eq!(
            status_with_meta(&deleting, &done),
            t("0/1", "Completed", "0")
        );
        // NodeLost pods being deleted are Unknown.
        let mut lost = p.clone();
        lost.status.rare.reason = "NodeLost".into();
        assert_eq!(status_with_meta(&deleting, &lost), t("1/1", "Unknown", "0"));
        // Scheduling gates.
        let mut gated = pod(PodPhase::Pending, vec![]);
        let mut c = cond("PodScheduled", ConditionStatus::False);
        c.set_reason("SchedulingGated", "");
        gated.status.conditions.push(c);
        assert_eq!(status_of(&gated), t("0/1", "SchedulingGated", "0"));
    }

    #[test]
    fn init_containers_show_progress() {
        let with_init = |init_state: ContainerState, restarts: i32| {
            let mut p = pod(
                PodPhase::Pending,
                vec![cs("app", waiting("PodInitializing"), false, 0)],
            );
            p.spec.rare.init_containers = vec![container("init", "img")];
            p.status.rare.init_container_statuses = vec![cs("init", init_state, false, restarts)];
            p
        };
        assert_eq!(
            status_of(&with_init(running(), 0)),
            t("0/1", "Init:0/1", "0")
        );
        assert_eq!(
            status_of(&with_init(waiting("PodInitializing"), 0)),
            t("0/1", "Init:0/1", "0")
        );
        assert_eq!(
            status_of(&with_init(waiting("CrashLoopBackOff"), 2)),
            t("0/1", "Init:CrashLoopBackOff", "2")
        );
        assert_eq!(
            status_of(&with_init(terminated(1, "Error"), 0)),
            t("0/1", "Init:Error", "0")
        );
        assert_eq!(
            status_of(&with_init(terminated(2, ""), 0)),
            t("0/1", "Init:ExitCode:2", "0")
        );
        // Init done: the main containers decide.
        assert_eq!(
            status_of(&with_init(terminated(0, "Completed"), 0)),
            t("0/1", "PodInitializing", "0")
        );

        // A started sidecar counts towards READY and the total.
        let mut p = pod(PodPhase::Running, vec![cs("app", running(), true, 1)]);
        let mut sidecar = container("proxy", "envoy");
        sidecar.restart_policy = Some(RestartPolicy::Always);
        p.spec.rare.init_containers = vec![sidecar];
        p.status.rare.init_container_statuses = vec![cs("proxy", running(), true, 0)];
        p.status.conditions = vec![cond("Initialized", ConditionStatus::True)];
        assert_eq!(status_of(&p), t("2/2", "Running", "1"));
    }

    #[test]
    fn tabwriter_matches_go() {
        // Column width is max(minwidth, widest cell + padding); the last cell is not padded.
        assert_eq!(tabwrite("a\tb\nc\td\n", 6, 3), "a     b\nc     d\n");
        assert_eq!(tabwrite("abcd\tx\tlast\n", 6, 3), "abcd   x     last\n");
        // describe's layout: blocks end at lines without tabs.
        let text = "Name:\tfoo\nNamespace:\tdefault\nContainers:\n  web:\n    Image:\tnginx\n";
        assert_eq!(
            tabwrite(text, 0, 2),
            "Name:       foo\nNamespace:  default\nContainers:\n  web:\n    Image:  nginx\n"
        );
        // A shorter line ends the block of the deeper column.
        assert_eq!(tabwrite("a\tbb\tc\nddd\te\n", 0, 1), "a   bb c\nddd e\n");
    }

    fn web_pods() -> Vec<Object> {
        let mut web = pod(PodPhase::Running, vec![cs("app", running(), true, 0)]);
        web.spec.node_name = "node-1".into();
        web.status.pod_ip = "10.244.1.5".into();
        vec![
            pod_obj("web-0", 0, web),
            pod_obj("db-1", 250 * S, pod(PodPhase::Pending, vec![])),
        ]
    }

    #[test]
    fn pod_table_is_laid_out_like_kubectl() {
        let pods = web_pods();
        let refs: Vec<&Object> = pods.iter().collect();
        assert_eq!(
            get_table(Kind::Pod, &refs, 5 * M, false, false),
            "NAME    READY   STATUS    RESTARTS   AGE\n\
             web-0   1/1     Running   0          5m\n\
             db-1    0/1     Pending   0          50s\n"
        );
        assert_eq!(
            get_table(Kind::Pod, &refs[..1], 5 * M, true, true),
            "NAMESPACE   NAME    READY   STATUS    RESTARTS   AGE   IP           NODE     NOMINATED NODE   READINESS GATES\n\
             default     web-0   1/1     Running   0          5m    10.244.1.5   node-1   <none>           <none>\n"
        );
        assert_eq!(get_table(Kind::Pod, &[], 0, false, false), "");
        assert_eq!(
            no_resources_found(Some("default")),
            "No resources found in default namespace."
        );
        assert_eq!(no_resources_found(None), "No resources found");
    }

    #[test]
    fn service_and_node_tables() {
        let svc = |name: &str, type_: ServiceType, ip: &str, port: i32, node_port: i32| Object {
            meta: meta(name, "default", 0),
            body: Body::Service(Service {
                type_,
                selector: Some([("app", "web")].into_iter().collect()),
                ports: vec![ServicePort {
                    name: "".into(),
                    protocol: Protocol::Tcp,
                    port,
                    target_port: IntOrString::Int(8080),
                    node_port,
                }],
                cluster_ip: ip.into(),
                ..Service::default()
            }),
        };
        let objs = [
            svc("kubernetes", ServiceType::ClusterIP, "10.96.0.1", 443, 0),
            svc("web", ServiceType::NodePort, "10.96.0.10", 80, 30080),
            svc("lb", ServiceType::LoadBalancer, "10.96.0.11", 80, 31000),
        ];
        let refs: Vec<&Object> = objs.iter().collect();
        assert_eq!(
            get_table(Kind::Service, &refs, 10 * M, false, false),
            "NAME         TYPE           CLUSTER-IP   EXTERNAL-IP   PORT(S)        AGE\n\
             kubernetes   ClusterIP      10.96.0.1    <none>        443/TCP        10m\n\
             web          NodePort       10.96.0.10   <none>        80:30080/TCP   10m\n\
             lb           LoadBalancer   10.96.0.11   <pending>     80:31000/TCP   10m\n"
        );

        let node = |name: &str, ready: Option<ConditionStatus>, cordoned: bool| {
            let mut m = meta(name, "", 0);
            if name == "cp" {
                m.labels.insert("node-role.kubernetes.io/control-plane", "");
            }
            Object {
                meta: m,
                body: Body::Node(Node {
                    spec: NodeSpec {
                        unschedulable: cordoned,
                        ..NodeSpec::default()
                    },
                    status: NodeStatus {
                        conditions: ready.map(|s| cond("Ready", s)).into_iter().collect(),
                        ..NodeStatus::default()
                    },
                }),
            }
        };
        let objs = [
            node("cp", Some(ConditionStatus::True), false),
            node("n1", Some(ConditionStatus::Unknown), true),
            node("n2", None, false),
        ];
        let rows: Vec<Vec<String>> = objs.iter().map(|o| row(o, 3 * M, false)).collect();
        assert_eq!(rows[0][..4], ["cp", "Ready", "control-plane", "3m"]);
        assert_eq!(rows[1][1], "NotReady,SchedulingDisabled");
        assert_eq!(rows[2][1..3], ["Unknown", "<none>"]);
        // Cluster-scoped: no NAMESPACE column even with -A.
        let refs: Vec<&Object> = objs.iter().collect();
        assert!(get_table(Kind::Node, &refs, 3 * M, false, true).starts_with("NAME   STATUS"));
    }

    #[test]
    fn workload_rows() {
        let tmpl = Box::new(PodTemplateSpec {
            labels: [("app", "web")].into_iter().collect(),
            annotations: StringMap::new(),
            spec: PodSpec {
                containers: vec![container("web", "nginx"), container("log", "fluentd")],
                ..PodSpec::default()
            },
        });
        let dep = Object {
            meta: meta("web", "default", 0),
            body: Body::Deployment(Deployment {
                replicas: 3,
                selector: LabelSelector::from_match_labels(tmpl.labels.clone()),
                template: tmpl.clone(),
                strategy: DeploymentStrategy::Recreate,
                min_ready_seconds: 0,
                revision_history_limit: None,
                paused: false,
                progress_deadline_seconds: None,
                rollback_to: None,
                status: DeploymentStatus {
                    replicas: 3,
                    updated_replicas: 3,
                    ready_replicas: 2,
                    available_replicas: 2,
                    ..DeploymentStatus::default()
                },
            }),
        };
        assert_eq!(
            row(&dep, 2 * 3600 * S, true),
            [
                "web",
                "2/3",
                "3",
                "2",
                "120m",
                "web,log",
                "nginx,fluentd",
                "app=web"
            ]
        );

        let mut job = Job {
            parallelism: 2,
            template: tmpl,
            ..Job::default()
        };
        job.status.start_time = Some(10 * S);
        job.status.succeeded = 1;
        let obj = |j: &Job| Object {
            meta: meta("batch", "default", 0),
            body: Body::Job(j.clone()),
        };
        assert_eq!(
            row(&obj(&job), 70 * S, false)[..5],
            ["batch", "Running", "1/1 of 2", "60s", "70s"]
        );
        job.completions = Some(1);
        job.status.completion_time = Some(25 * S);
        job.status.conditions = vec![cond("Complete", ConditionStatus::True)];
        assert_eq!(
            row(&obj(&job), 70 * S, false)[..5],
            ["batch", "Complete", "1/1", "15s", "70s"]
        );
        job.status.conditions = vec![cond("FailureTarget", ConditionStatus::True)];
        assert_eq!(row(&obj(&job), 70 * S, false)[1], "FailureTarget");
        assert_eq!(row(&obj(&job), 70 * S, false)[7], "<none>");
    }

    fn scheduled_event() -> Object {
        Object {
            meta: meta("web-0.1", "default", 91 * S),
            body: Body::Event(Event {
                involved_object: Some(ObjectReference {
                    kind: "Pod".into(),
                    namespace: "default".into(),
                    name: "web-0".into(),
                    uid: Uid(1),
                }),
                reason: "Scheduled".into(),
                message: "Successfully assigned default/web-0 to node-1".into(),
                type_: "Normal".into(),
                count: 1,
                first_timestamp: Some(91 * S),
                last_timestamp: Some(91 * S),
                source_component: "default-scheduler".into(),
                source_host: "".into(),
            }),
        }
    }

    #[test]
    fn priority_class_table_and_describe() {
        let class = |name: &str, value: i32, default: bool, policy| Object {
            meta: meta(name, "", 10 * S),
            body: Body::PriorityClass(PriorityClass {
                value,
                global_default: default,
                preemption_policy: policy,
                description: "Used for batch jobs.".into(),
            }),
        };
        let high = class("high", 1_000_000, true, Some(PreemptionPolicy::Never));
        let critical = class(
            "system-node-critical",
            2_000_001_000,
            false,
            Some(PreemptionPolicy::PreemptLowerPriority),
        );
        let unset = class("unset", -5, false, None);
        assert_eq!(
            get_table(
                Kind::PriorityClass,
                &[&high, &critical, &unset],
                100 * S,
                false,
                true
            ),
            "NAME                   VALUE        GLOBAL-DEFAULT   AGE   PREEMPTIONPOLICY\n\
             high                   1000000      true             90s   Never\n\
             system-node-critical   2000001000   false            90s   PreemptLowerPriority\n\
             unset                  -5           false            90s   \n"
        );
        let mut annotated = high.clone();
        annotated.meta.annotations = [("team", "data")].into_iter().collect();
        assert_eq!(
            describe(&annotated, &[], 100 * S),
            "Name:              high\n\
             Value:             1000000\n\
             GlobalDefault:     true\n\
             PreemptionPolicy:  Never\n\
             Description:       Used for batch jobs.\n\
             Annotations:       team=data\n\
             Events:            <none>\n"
        );
        assert!(describe(&critical, &[], 100 * S).contains("Annotations:       <none>\n"));
    }

    #[test]
    fn lease_table_and_describe() {
        let lease = Object {
            meta: meta("node-1", "kube-node-lease", 10 * S),
            body: Body::Lease(Lease {
                holder_identity: "node-1".into(),
                lease_duration_seconds: Some(40),
                renew_time: Some(70 * S),
                ..Default::default()
            }),
        };
        assert_eq!(
            get_table(Kind::Lease, &[&lease], 100 * S, false, false),
            "NAME     HOLDER   AGE\nnode-1   node-1   90s\n"
        );
        let out = describe(&lease, &[], 100 * S);
        assert!(out.contains("Kind:         Lease\n"), "{out}");
        assert!(
            out.contains("  Renew Time:              2026-01-01T00:01:10.000000Z\n"),
            "{out}"
        );
    }

    #[test]
    fn event_table() {
        let ev = scheduled_event();
        assert_eq!(
            get_table(Kind::Event, &[&ev], 341 * S, false, false),
            "LAST SEEN   TYPE     REASON      OBJECT      MESSAGE\n\
             4m10s       Normal   Scheduled   pod/web-0   Successfully assigned default/web-0 to node-1\n"
        );
    }

    #[test]
    fn describe_pod_sections() {
        let pods = web_pods();
        let ev = scheduled_event();
        let out = describe(&pods[0], &[&ev], 341 * S);
        assert!(
            out.starts_with("Name:         web-0\nNamespace:    default\n"),
            "{out}"
        );
        assert!(out.contains("Node:         node-1/\n"), "{out}");
        assert!(out.contains("Status:       Running\n"), "{out}");
        assert!(out.contains("Containers:\n  app:\n"), "{out}");
        assert!(out.contains("    State:          Running\n"), "{out}");
        assert!(out.contains("QoS Class:          BestEffort\n"), "{out}");
        assert!(
            out.ends_with(
                "Events:\n\
                 \x20 Type    Reason     Age    From               Message\n\
                 \x20 ----    ------     ----   ----               -------\n\
                 \x20 Normal  Scheduled  4m10s  default-scheduler  Successfully assigned default/web-0 to node-1\n"
            ),
            "{out}"
        );
        let quiet = describe(&pods[1], &[], 341 * S);
        assert!(quiet.contains("Node:         <none>\n"), "{quiet}");
        assert!(quiet.contains("IPs:          <none>\n"), "{quiet}");
        assert!(quiet.ends_with("Events:           <none>\n"), "{quiet}");
    }
}
