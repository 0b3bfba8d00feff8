//! kubectl in the timeline: command lines parsed the way kubectl parses them, and the
//! `kubectl` component that carries them out against the API server over the network, with
//! kubectl's output (`pod/web created`, `Error from server (NotFound): ...`) kept as a
//! transcript. Mirrors staging/src/k8s.io/kubectl/pkg/cmd/.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::api::request::{
    DeleteOptions, FieldSelector, PropagationPolicy, Request, Response, Status,
};
use crate::api::selector::LabelSelector;
use crate::api::types::{Kind, Name, Object};
use crate::client::{Component, Ctx, Message, RequestId};
use crate::engine::{parse_duration, SimTime};
use crate::scenario::rolling_update::{self, Next, RollingUpdate, RollingUpdateArgs};
use crate::trace::Record;

/// The tag of kubectl's own timers (rollout status polls, rolling-update sleeps); timeline
/// commands use their index.
const INTERNAL_TIMER: u64 = u64::MAX;

/// The annotation `kubectl apply` keeps the applied configuration in.
pub const LAST_APPLIED_ANNOTATION: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// One kubectl invocation, parsed and with its manifests loaded.
#[derive(Clone, Debug)]
pub enum KubectlAction {
    Create {
        objects: Vec<Object>,
        source: String,
    },
    Apply {
        objects: Vec<Object>,
        source: String,
    },
    Replace {
        objects: Vec<Object>,
        source: String,
    },
    Delete {
        target: Target,
        options: DeleteOptions,
    },
    Get {
        target: Target,
        output: OutputFormat,
    },
    Describe {
        target: Target,
    },
    /// `kubectl label` / `kubectl annotate`.
    Label {
        target: Target,
        annotate: bool,
        set: Vec<(Name, Name)>,
        remove: Vec<Name>,
        overwrite: bool,
    },
    Patch {
        target: Target,
        patch: serde_json::Value,
        status: bool,
        /// `--type=strategic` (kubectl's default) rather than `--type=merge`.
        strategic: bool,
    },
    Scale {
        target: Target,
        replicas: i32,
    },
    /// `kubectl set image TYPE/NAME CONTAINER=IMAGE ...` (`*` names every container).
    SetImage {
        target: Target,
        images: Vec<(Name, Name)>,
    },
    /// `kubectl rollout pause|resume deployment/NAME`.
    RolloutPause {
        target: Target,
        pause: bool,
    },
    /// `kubectl rollout status deployment/NAME [--timeout=D]`: waits in virtual time.
    RolloutStatus {
        target: Target,
        timeout: Option<crate::engine::SimDuration>,
    },
    /// `kubectl rollout history deployment/NAME [--revision=N]`.
    RolloutHistory {
        target: Target,
        revision: i64,
    },
    /// `kubectl rollout undo deployment/NAME [--to-revision=N]`.
    RolloutUndo {
        target: Target,
        to_revision: i64,
    },
    /// `kubectl rolling-update OLD -f NEW.yaml` / `kubectl rolling-update OLD NEW --rollback`.
    RollingUpdate(Box<RollingUpdateArgs>),
    /// `kubectl edit TYPE/NAME`: the editor's changes come from the timeline entry's `edit:`.
    Edit {
        target: Target,
        changes: serde_json::Value,
    },
    /// `kubectl rollout restart deployment/NAME`.
    RolloutRestart {
        target: Target,
    },
    /// Any command with `--record`: the command line goes into the
    /// `kubernetes.io/change-cause` annotation of every object it writes.
    Recorded {
        cause: String,
        action: Box<KubectlAction>,
    },
}

impl KubectlAction {
    /// The changes of an `edit`, for the scenario to fill in.
    pub fn edit_changes_mut(&mut self) -> Option<&mut serde_json::Value> {
        match self {
            KubectlAction::Edit { changes, .. } => Some(changes),
            KubectlAction::Recorded { action, .. } => action.edit_changes_mut(),
            _ => None,
        }
    }
}

/// What a command addresses: objects by kind and names, or by selector, or from files.
#[derive(Clone, Debug, Default)]
pub struct Target {
    pub kind: Option<Kind>,
    pub names: Vec<Name>,
    pub namespace: Option<Name>,
    pub all_namespaces: bool,
    pub label_selector: Option<LabelSelector>,
    pub field_selector: Option<FieldSelector>,
    /// Objects named by `-f`: (kind, namespace, name).
    pub objects: Vec<(Kind, Name, Name)>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutputFormat {
    Table,
    Wide,
    Yaml,
    Json,
    Name,
}

/// Loads the manifests a `-f` flag names (resolved by the scenario against its directory).
pub type ManifestLoader<'a> = dyn FnMut(&str) -> Result<Vec<Object>, String> + 'a;

/// Splits a command line like a POSIX shell: whitespace separates words; single quotes keep
/// everything literally; double quotes and backslashes escape.
pub fn shell_split(line: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(x) => cur.push(x),
                        None => return Err("unterminated single quote".into()),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(x) => cur.push(x),
                            None => return Err("unterminated double quote".into()),
                        },
                        Some(x) => cur.push(x),
                        None => return Err("unterminated double quote".into()),
                    }
                }
            }
            '\\' => {
                in_word = true;
                if let Some(x) = chars.next() {
                    cur.push(x);
                }
            }
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            c => {
                in_word = true;
                cur.push(c);
            }
        }
    }
    if in_word {
        words.push(cur);
    }
    Ok(words)
}

/// Flags common to the commands, collected before each command interprets its arguments.
#[derive(Default)]
struct Flags {
    files: Vec<String>,
    namespace: Option<String>,
    all_namespaces: bool,
    selector: Option<String>,
    field_selector: Option<String>,
    output: Option<String>,
    grace_period: Option<i64>,
    now: bool,
    force: bool,
    cascade: Option<String>,
    overwrite: bool,
    replicas: Option<i32>,
    timeout: Option<crate::engine::SimDuration>,
    update_period: Option<crate::engine::SimDuration>,
    poll_interval: Option<crate::engine::SimDuration>,
    rollback: bool,
    image: Option<String>,
    revision: i64,
    patch: Option<String>,
    patch_type: Option<String>,
    subresource: Option<String>,
    all: bool,
    positional: Vec<String>,
}

/// Parses a kubectl command line (with or without the leading `kubectl`).
pub fn parse_kubectl(line: &str, load: &mut ManifestLoader) -> Result<KubectlAction, String> {
    let words = shell_split(line)?;
    let words = match words.first().map(String::as_str) {
        Some("kubectl") => &words[1..],
        _ => &words[..],
    };
    let verb = words.first().map(String::as_str).unwrap_or_default();
    let record_flag = words
        .iter()
        .find(|w| *w == "--record" || w.starts_with("--record="));
    // The verbs that have --record (kubectl 1.2x).
    const RECORDING_VERBS: [&str; 9] = [
        "annotate", "apply", "create", "edit", "label", "patch", "replace", "scale", "set",
    ];
    if record_flag.is_some() && !RECORDING_VERBS.contains(&verb) {
        return Err(format!(
            "error: unknown flag: --record\nSee 'kubectl {verb} --help' for usage."
        ));
    }
    let action = parse_verb(line, load)?;
    let record = match record_flag.and_then(|w| w.split_once('=')) {
        Some((_, v)) => parse_go_bool("--record", v)?,
        None => record_flag.is_some(),
    };
    if !record {
        return Ok(action);
    }
    Ok(KubectlAction::Recorded {
        cause: format!("kubectl {}", words.join(" ")),
        action: Box::new(action),
    })
}

/// strconv.ParseBool, as cobra parses a boolean flag's value.
fn parse_go_bool(flag: &str, v: &str) -> Result<bool, String> {
    match v {
        "1" | "t" | "T" | "true" | "TRUE" | "True" => Ok(true),
        "0" | "f" | "F" | "false" | "FALSE" | "False" => Ok(false),
        _ => Err(format!(
            "error: invalid argument \"{v}\" for \"{flag}\" flag: strconv.ParseBool: parsing \"{v}\": invalid syntax"
        )),
    }
}

fn parse_verb(line: &str, load: &mut ManifestLoader) -> Result<KubectlAction, String> {
    let mut words = shell_split(line)?;
    if words.first().map(String::as_str) == Some("kubectl") {
        words.remove(0);
    }
    let Some(verb) = words.first().cloned() else {
        return Err("error: a kubectl command is required (e.g. \"get pods\")".into());
    };
    let flags = parse_flags(&verb, &words[1..])?;
    let source = flags.files.join(",");
    let load_all = |load: &mut ManifestLoader, flags: &Flags| -> Result<Vec<Object>, String> {
        if flags.files.is_empty() {
            return Err("error: must specify one of -f and -k".into());
        }
        let mut out = Vec::new();
        for f in &flags.files {
            let mut objs = load(f)?;
            if let Some(ns) = &flags.namespace {
                for o in &mut objs {
                    if o.kind().namespaced() && o.meta.namespace.is_empty() {
                        o.meta.namespace = ns.as_str().into();
                    }
                }
            }
            out.extend(objs);
        }
        Ok(out)
    };
    match verb.as_str() {
        "create" => {
            reject_positional(&verb, &flags)?;
            Ok(KubectlAction::Create {
                objects: load_all(load, &flags)?,
                source,
            })
        }
        "apply" => {
            reject_positional(&verb, &flags)?;
            Ok(KubectlAction::Apply {
                objects: load_all(load, &flags)?,
                source,
            })
        }
        "replace" => {
            reject_positional(&verb, &flags)?;
            Ok(KubectlAction::Replace {
                objects: load_all(load, &flags)?,
                source,
            })
        }
        "delete" => {
            let target = target_from(&verb, &flags, load)?;
            if target.kind.is_some()
                && target.names.is_empty()
                && target.label_selector.is_none()
                && !flags.all
                && target.field_selector.is_none()
            {
                return Err("error: resource(s) were provided, but no name was specified".into());
            }
            let grace = if flags.now {
                Some(1)
            } else {
                flags.grace_period
            };
            let grace = if flags.force && grace.is_none() {
                Some(0)
            } else {
                grace
            };
            let propagation = match flags.cascade.as_deref() {
                None | Some("background") | Some("true") => Some(PropagationPolicy::Background),
                Some("foreground") => Some(PropagationPolicy::Foreground),
                Some("orphan") | Some("false") => Some(PropagationPolicy::Orphan),
                Some(other) => {
                    return Err(format!(
                        "error: invalid cascade value ({other}). Must be \"background\", \"foreground\", or \"orphan\""
                    ))
                }
            };
            Ok(KubectlAction::Delete {
                target,
                options: DeleteOptions {
                    grace_period_seconds: grace,
                    propagation_policy: propagation,
                    ..Default::default()
                },
            })
        }
        "get" => {
            let target = target_from(&verb, &flags, load)?;
            if target.kind.is_none() && target.objects.is_empty() {
                return Err("error: you must specify the type of resource to get. Use \"kubectl api-resources\" for a complete list of supported resources.".into());
            }
            let output = match flags.output.as_deref() {
                None => OutputFormat::Table,
                Some("wide") => OutputFormat::Wide,
                Some("yaml") => OutputFormat::Yaml,
                Some("json") => OutputFormat::Json,
                Some("name") => OutputFormat::Name,
                Some(other) => {
                    return Err(format!(
                        "error: unable to match a printer suitable for the output format \"{other}\", allowed formats are: json,name,wide,yaml"
                    ))
                }
            };
            Ok(KubectlAction::Get { target, output })
        }
        "describe" => Ok(KubectlAction::Describe {
            target: target_from(&verb, &flags, load)?,
        }),
        "label" | "annotate" => {
            let annotate = verb == "annotate";
            // Positional: TYPE NAME or TYPE/NAME, then KEY=VAL / KEY- pairs.
            let (res, pairs): (Vec<String>, Vec<String>) = flags
                .positional
                .iter()
                .cloned()
                .partition(|w| !w.contains('=') && !w.ends_with('-'));
            let mut f2 = Flags {
                positional: res,
                namespace: flags.namespace.clone(),
                selector: flags.selector.clone(),
                files: flags.files.clone(),
                all: flags.all,
                ..Default::default()
            };
            f2.all_namespaces = flags.all_namespaces;
            let target = target_from(&verb, &f2, load)?;
            if pairs.is_empty() {
                return Err(format!(
                    "error: at least one {} update is required",
                    if annotate { "annotation" } else { "label" }
                ));
            }
            let mut set = Vec::new();
            let mut remove = Vec::new();
            for p in pairs {
                if let Some((k, v)) = p.split_once('=') {
                    set.push((Name::from(k), Name::from(v)));
                } else if let Some(k) = p.strip_suffix('-') {
                    remove.push(Name::from(k));
                }
            }
            Ok(KubectlAction::Label {
                target,
                annotate,
                set,
                remove,
                overwrite: flags.overwrite,
            })
        }
        "patch" => {
            let target = target_from(&verb, &flags, load)?;
            let Some(p) = &flags.patch else {
                return Err("error: must specify -p to patch".into());
            };
            let strategic = match flags.patch_type.as_deref() {
                None | Some("strategic") => true,
                Some("merge") => false,
                Some(t) => {
                    return Err(format!(
                        "kubesim: --type={t} is not supported; use --type=strategic (the default) or --type=merge"
                    ))
                }
            };
            let patch: serde_json::Value = serde_yaml::from_str(p)
                .map_err(|e| format!("error: unable to parse \"{p}\": {e}"))?;
            Ok(KubectlAction::Patch {
                target,
                patch,
                status: flags.subresource.as_deref() == Some("status"),
                strategic,
            })
        }
        "scale" => {
            let target = target_from(&verb, &flags, load)?;
            let Some(replicas) = flags.replicas else {
                return Err("error: required flag(s) \"replicas\" not set".into());
            };
            if replicas < 0 {
                return Err("error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0".into());
            }
            Ok(KubectlAction::Scale { target, replicas })
        }
        "set" => {
            let mut flags = flags;
            let Some(sub) = (!flags.positional.is_empty()).then(|| flags.positional.remove(0))
            else {
                return Err("error: a subcommand of `kubectl set` is required (image)".into());
            };
            if sub != "image" {
                return Err(format!("kubesim does not model `kubectl set {sub}` yet"));
            }
            // CONTAINER=IMAGE pairs follow the resource arguments.
            let split = flags
                .positional
                .iter()
                .position(|p| p.contains('='))
                .unwrap_or(flags.positional.len());
            let pairs: Vec<String> = flags.positional.split_off(split);
            if pairs.is_empty() {
                return Err("error: at least one image update is required".into());
            }
            let mut images = Vec::new();
            for p in &pairs {
                let Some((c, i)) = p.split_once('=') else {
                    return Err(format!(
                        "error: invalid image update {p:?}: expected CONTAINER=IMAGE"
                    ));
                };
                images.push((Name::from(c), Name::from(i)));
            }
            let target = target_from("set image", &flags, load)?;
            Ok(KubectlAction::SetImage { target, images })
        }
        "rollout" => {
            let mut flags = flags;
            let sub = (!flags.positional.is_empty()).then(|| flags.positional.remove(0));
            match sub.as_deref() {
                Some("pause") | Some("resume") => {
                    let target = target_from("rollout", &flags, load)?;
                    if target.kind != Some(Kind::Deployment) && target.objects.is_empty() {
                        return Err(format!(
                            "error: {} is not supported by rollout {}",
                            target.kind.map_or("resource", |k| k.resource()),
                            sub.as_deref().unwrap_or_default()
                        ));
                    }
                    Ok(KubectlAction::RolloutPause {
                        target,
                        pause: sub.as_deref() == Some("pause"),
                    })
                }
                Some(sub @ ("status" | "history" | "undo")) => {
                    let target = target_from("rollout", &flags, load)?;
                    if target.kind != Some(Kind::Deployment) || target.names.len() != 1 {
                        return Err(format!(
                            "kubesim: `kubectl rollout {sub}` takes one deployment (deployment/NAME)"
                        ));
                    }
                    Ok(match sub {
                        "status" => KubectlAction::RolloutStatus {
                            target,
                            timeout: flags.timeout,
                        },
                        "history" => KubectlAction::RolloutHistory {
                            target,
                            revision: flags.revision,
                        },
                        _ => KubectlAction::RolloutUndo {
                            target,
                            to_revision: flags.revision,
                        },
                    })
                }
                Some("restart") => {
                    let target = target_from("rollout", &flags, load)?;
                    if target.kind != Some(Kind::Deployment) && target.objects.is_empty() {
                        return Err(format!(
                            "error: {} is not supported by rollout restart",
                            target.kind.map_or("resource", |k| k.resource())
                        ));
                    }
                    Ok(KubectlAction::RolloutRestart { target })
                }
                Some(other) => Err(format!("kubesim does not model `kubectl rollout {other}` yet")),
                None => Err("error: a subcommand of `kubectl rollout` is required (history, pause, restart, resume, status, undo)".into()),
            }
        }
        "rolling-update" => parse_rolling_update(&flags, load),
        "edit" => {
            let target = target_from(&verb, &flags, load)?;
            if target.names.is_empty() && target.objects.is_empty() {
                return Err("kubesim: `kubectl edit` takes named objects (TYPE/NAME or -f)".into());
            }
            Ok(KubectlAction::Edit {
                target,
                changes: serde_json::Value::Null,
            })
        }
        "expose" | "run" | "cordon" | "uncordon" | "drain" | "taint" | "autoscale" => {
            Err(format!("kubesim does not model `kubectl {verb}` yet"))
        }
        other => Err(format!(
            "error: unknown command \"{other}\" for \"kubectl\""
        )),
    }
}

/// rollingupdate.go validateArguments and the parts of Run that need no server.
fn parse_rolling_update(flags: &Flags, load: &mut ManifestLoader) -> Result<KubectlAction, String> {
    let usage =
        |m: &str| format!("error: {m}\nSee 'kubectl rolling-update -h' for help and examples");
    if flags.files.len() > 1 {
        return Err(usage(
            "May only specify a single filename for new controller",
        ));
    }
    if !flags.rollback {
        if flags.files.is_empty() && flags.image.is_none() {
            return Err(usage(
                "Must specify --filename or --image for new controller",
            ));
        }
        if !flags.files.is_empty() && flags.image.is_some() {
            return Err(usage("--filename and --image can not both be specified"));
        }
    } else if !flags.files.is_empty() || flags.image.is_some() {
        return Err(usage("Don't specify --filename or --image on rollback"));
    }
    let Some(old_name) = flags.positional.first() else {
        return Err(usage("Must specify the controller to update"));
    };
    if flags.image.is_some() {
        return Err("kubesim does not model `kubectl rolling-update --image` yet; give the new controller with -f".into());
    }
    let new_name = flags.positional.get(1).map(|n| Name::from(n.as_str()));
    if flags.rollback && new_name.is_none() {
        // kubectl would read the old controller's next-controller-id annotation, which only
        // the --image form writes.
        return Err("kubesim: `kubectl rolling-update OLD --rollback` needs the new controller's name: rolling-update OLD NEW --rollback".into());
    }
    let filename = flags.files.first().cloned().unwrap_or_default();
    let new_rc = match flags.files.first() {
        None => None,
        Some(f) => {
            let mut objs = load(f)?;
            if objs.len() > 1 {
                return Err(format!("error: {f} specifies multiple items"));
            }
            let Some(o) = objs.pop() else {
                return Err(format!(
                    "error: please make sure {f} exists and is not empty"
                ));
            };
            if o.kind() != Kind::ReplicationController {
                return Err(format!(
                    "error: {f} contains a {}, Kind={} not a ReplicationController",
                    o.kind().api_version(),
                    o.kind().as_str()
                ));
            }
            Some(Box::new(o))
        }
    };
    if let (Some(ns), Some(o)) = (&flags.namespace, &new_rc) {
        if !o.meta.namespace.is_empty() && o.meta.namespace != ns.as_str() {
            return Err(format!(
                "error: the namespace from the provided object \"{}\" does not match the namespace \"{ns}\". You must pass '--namespace={}' to perform this operation.",
                o.meta.namespace, o.meta.namespace
            ));
        }
    }
    let namespace = flags
        .namespace
        .as_deref()
        .map(Name::from)
        .or_else(|| {
            new_rc
                .as_ref()
                .filter(|o| !o.meta.namespace.is_empty())
                .map(|o| o.meta.namespace.clone())
        })
        .unwrap_or_else(|| "default".into());
    let new_rc = new_rc.map(|mut o| {
        if o.meta.namespace.is_empty() {
            o.meta.namespace = namespace.clone();
        }
        o
    });
    Ok(KubectlAction::RollingUpdate(Box::new(RollingUpdateArgs {
        namespace,
        old_name: old_name.as_str().into(),
        new_name,
        new_rc,
        filename,
        rollback: flags.rollback,
        update_period: flags
            .update_period
            .unwrap_or(rolling_update::DEFAULT_UPDATE_PERIOD),
        poll_interval: flags
            .poll_interval
            .unwrap_or(rolling_update::DEFAULT_POLL_INTERVAL),
        timeout: flags.timeout.unwrap_or(rolling_update::DEFAULT_TIMEOUT),
        // rollingupdate.go: intstr.FromInt(0), intstr.FromInt(1).
        max_unavailable: crate::api::types::IntOrString::Int(0),
        max_surge: crate::api::types::IntOrString::Int(1),
    })))
}

fn reject_positional(verb: &str, flags: &Flags) -> Result<(), String> {
    if let Some(p) = flags.positional.first() {
        return Err(format!(
            "error: Unexpected args: [{p}]\nSee 'kubectl {verb} -h' for help and examples"
        ));
    }
    Ok(())
}

fn parse_flags(verb: &str, args: &[String]) -> Result<Flags, String> {
    let mut f = Flags::default();
    let mut i = 0;
    let value = |i: &mut usize, name: &str, inline: Option<&str>| -> Result<String, String> {
        if let Some(v) = inline {
            return Ok(v.to_string());
        }
        *i += 1;
        args.get(*i)
            .cloned()
            .ok_or_else(|| format!("error: flag needs an argument: {name}"))
    };
    while i < args.len() {
        let a = args[i].as_str();
        if !a.starts_with('-') || a == "-" {
            f.positional.push(a.to_string());
            i += 1;
            continue;
        }
        let (name, inline) = match a.split_once('=') {
            Some((n, v)) => (n, Some(v)),
            None => (a, None),
        };
        match name {
            "-f" | "--filename" => f.files.push(value(&mut i, name, inline)?),
            "-n" | "--namespace" => f.namespace = Some(value(&mut i, name, inline)?),
            "-A" | "--all-namespaces" => f.all_namespaces = true,
            "-l" | "--selector" => f.selector = Some(value(&mut i, name, inline)?),
            "--field-selector" => f.field_selector = Some(value(&mut i, name, inline)?),
            "-o" | "--output" => f.output = Some(value(&mut i, name, inline)?),
            "--grace-period" => {
                let v = value(&mut i, name, inline)?;
                f.grace_period = Some(v.parse().map_err(|_| format!("error: invalid argument \"{v}\" for \"--grace-period\" flag: strconv.ParseInt: parsing \"{v}\": invalid syntax"))?);
            }
            "--now" => f.now = true,
            "--force" => f.force = true,
            "--cascade" => f.cascade = Some(inline.unwrap_or("background").to_string()),
            "--overwrite" => f.overwrite = inline.is_none_or(|v| v == "true"),
            "--all" => f.all = true,
            "--replicas" => {
                let v = value(&mut i, name, inline)?;
                f.replicas = Some(v.parse().map_err(|_| format!("error: invalid argument \"{v}\" for \"--replicas\" flag: strconv.ParseInt: parsing \"{v}\": invalid syntax"))?);
            }
            "-p" | "--patch" => f.patch = Some(value(&mut i, name, inline)?),
            "--type" => f.patch_type = Some(value(&mut i, name, inline)?),
            "--subresource" => f.subresource = Some(value(&mut i, name, inline)?),
            // Read by parse_kubectl; here only its value is checked.
            "--record" => {
                if let Some(v) = inline {
                    parse_go_bool(name, v)?;
                }
            }
            "--wait" | "--validate" | "--save-config" | "--show-labels" | "--watch" | "-w" => {
                if name == "--watch" || name == "-w" {
                    return Err(format!("kubesim: `kubectl {verb} --watch` never returns; take snapshots with `get` at the times you want instead"));
                }
            }
            "--timeout" => {
                let v = value(&mut i, name, inline)?;
                let d = parse_duration(&v).map_err(|e| format!("error: {e}"))?;
                f.timeout = (d > 0).then_some(d);
            }
            "--update-period" | "--poll-interval" if verb == "rolling-update" => {
                let v = value(&mut i, name, inline)?;
                let d = parse_duration(&v).map_err(|e| {
                    format!("error: invalid argument \"{v}\" for \"{name}\" flag: {e}")
                })?;
                if name == "--update-period" {
                    f.update_period = Some(d);
                } else {
                    f.poll_interval = Some(d);
                }
            }
            "--rollback" if verb == "rolling-update" => {
                f.rollback = inline.is_none_or(|v| v == "true")
            }
            "--image" if verb == "rolling-update" => f.image = Some(value(&mut i, name, inline)?),
            "--revision" | "--to-revision" => {
                let v = value(&mut i, name, inline)?;
                f.revision = v.parse().map_err(|_| format!("error: invalid argument \"{v}\" for \"{name}\" flag: strconv.ParseInt: parsing \"{v}\": invalid syntax"))?;
            }
            _ => {
                return Err(format!(
                    "error: unknown flag: {name}\nSee 'kubectl {verb} --help' for usage."
                ))
            }
        }
        i += 1;
    }
    Ok(f)
}

fn target_from(verb: &str, flags: &Flags, load: &mut ManifestLoader) -> Result<Target, String> {
    let mut t = Target {
        namespace: flags.namespace.as_deref().map(Name::from),
        all_namespaces: flags.all_namespaces,
        ..Default::default()
    };
    if let Some(sel) = &flags.selector {
        t.label_selector = Some(LabelSelector::parse(sel).map_err(|e| format!("error: {e}"))?);
    }
    for f in &flags.files {
        for o in load(f)? {
            let ns = if o.kind().namespaced() {
                if o.meta.namespace.is_empty() {
                    t.namespace.clone().unwrap_or_else(|| "default".into())
                } else {
                    o.meta.namespace.clone()
                }
            } else {
                Name::default()
            };
            t.objects.push((o.kind(), ns, o.meta.name.clone()));
        }
    }
    let mut pos = flags.positional.iter();
    if let Some(first) = pos.next() {
        if let Some((kind, name)) = first.split_once('/') {
            t.kind = Some(resolve_kind(kind)?);
            t.names.push(name.into());
            for p in pos {
                let Some((k2, n2)) = p.split_once('/') else {
                    return Err("error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'".into());
                };
                if resolve_kind(k2)? != t.kind.expect("set") {
                    return Err(format!("kubesim: `kubectl {verb}` with several resource types in one command is not supported"));
                }
                t.names.push(n2.into());
            }
        } else {
            t.kind = Some(resolve_kind(first)?);
            t.names.extend(pos.map(|p| Name::from(p.as_str())));
        }
    }
    if let (Some(kind), Some(fs)) = (t.kind, &flags.field_selector) {
        t.field_selector = Some(FieldSelector::parse(kind, fs).map_err(|e| format!("Error from server (BadRequest): Unable to find \"/v1, Resource={}\" that match label selector \"\", field selector \"{fs}\": {e}", kind.resource()))?);
    }
    if t.kind.is_none() && t.objects.is_empty() && verb != "get" {
        return Err(format!("error: You must provide one or more resources by argument or filename.\nSee 'kubectl {verb} -h' for help and examples"));
    }
    Ok(t)
}

fn resolve_kind(arg: &str) -> Result<Kind, String> {
    Kind::from_resource_arg(arg)
        .ok_or_else(|| format!("error: the server doesn't have a resource type \"{arg}\""))
}

// ---------------------------------------------------------------------------------------------
// The component

/// A kubectl invocation in flight.
struct Invocation {
    at: SimTime,
    command: String,
    action: KubectlAction,
    output: Vec<String>,
    /// Requests not yet sent: kubectl handles one object at a time, waiting for each reply.
    queued: std::collections::VecDeque<(Request, Step)>,
    /// Whether a request is in flight.
    in_flight: bool,
    /// Requests a reply calls for (apply's create after its get): they go before the queue.
    follow_ups: Vec<(Request, Step)>,
    failed: bool,
    /// `--record`: the `kubernetes.io/change-cause` every write carries.
    change_cause: Option<String>,
}

/// What a reply means to the invocation that sent it.
enum Step {
    /// A single request whose success line is `line`.
    Simple {
        line: String,
    },
    /// `apply`: the GET that decides between create and patch.
    ApplyGet {
        object: Box<Object>,
        applied: serde_json::Value,
    },
    /// `get`/`describe`: a list or get whose objects are printed.
    Read,
    /// `delete` by selector: the list of what to delete.
    DeleteList,
    /// `label`/`scale`: the GET before the patch.
    Fetch,
    /// `rollout status`: a GET of the deployment, polled until the rollout is done.
    RolloutStatusGet,
    /// `rollout history|undo`: the deployment, then its ReplicaSets.
    RolloutGet,
    RolloutReplicaSets {
        deployment: Arc<Object>,
    },
    /// A request of a `rolling-update`: its updater reads the reply.
    RollingUpdate,
}

/// The scenario's kubectl: runs timeline commands at their times and records what kubectl
/// would have printed.
pub struct Kubectl {
    /// (time, command text, action) not yet started, by timer tag.
    scheduled: BTreeMap<u64, (SimTime, String, KubectlAction)>,
    running: BTreeMap<u64, Invocation>,
    pending: BTreeMap<RequestId, (u64, Step)>,
    /// `rollout status` polls waiting for their next GET, by timer.
    polls: BTreeMap<crate::client::TimerId, u64>,
    /// `rolling-update` runs, by invocation, and their sleeps, by timer.
    updaters: BTreeMap<u64, RollingUpdate>,
    sleeps: BTreeMap<crate::client::TimerId, u64>,
    transcript: Vec<TranscriptEntry>,
    errors: u64,
}

/// What kubectl printed for one command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TranscriptEntry {
    pub at: SimTime,
    pub command: String,
    pub output: Vec<String>,
    pub failed: bool,
}

impl Default for Kubectl {
    fn default() -> Self {
        Self::new()
    }
}

impl Kubectl {
    pub fn new() -> Kubectl {
        Kubectl {
            scheduled: BTreeMap::new(),
            running: BTreeMap::new(),
            pending: BTreeMap::new(),
            polls: BTreeMap::new(),
            updaters: BTreeMap::new(),
            sleeps: BTreeMap::new(),
            transcript: Vec::new(),
            errors: 0,
        }
    }

    /// Adds a command to run when the timer with `tag` fires.
    pub fn schedule(&mut self, tag: u64, at: SimTime, command: String, action: KubectlAction) {
        self.scheduled.insert(tag, (at, command, action));
    }

    /// Everything kubectl printed so far, command by command.
    pub fn transcript(&self) -> &[TranscriptEntry] {
        &self.transcript
    }

    /// Commands that failed (kubectl would have exited non-zero).
    pub fn errors(&self) -> u64 {
        self.errors
    }

    fn begin(&mut self, ctx: &mut Ctx, tag: u64) {
        let Some((at, command, action)) = self.scheduled.remove(&tag) else {
            return;
        };
        ctx.trace(Record::new("kubectl", "KubectlCommand").detail(command.clone()));
        let (action, change_cause) = match action {
            KubectlAction::Recorded { cause, action } => (*action, Some(cause)),
            other => (other, None),
        };
        // kubectl ≥ 1.22 warns that --record is deprecated.
        let record_warning = change_cause.is_some().then(|| {
            "Flag --record has been deprecated, --record will be removed in the future".to_string()
        });
        self.running.insert(
            tag,
            Invocation {
                at,
                command,
                action: action.clone(),
                output: Vec::new(),
                queued: Default::default(),
                in_flight: false,
                follow_ups: Vec::new(),
                failed: false,
                change_cause: change_cause.clone(),
            },
        );
        if let Some(w) = record_warning {
            self.out(tag, w);
        }
        match action {
            KubectlAction::Create { objects, .. } => {
                for o in objects {
                    let line = format!("{} created", kind_slash_name(&o));
                    self.send(
                        ctx,
                        tag,
                        Request::Create { object: o },
                        Step::Simple { line },
                    );
                }
            }
            KubectlAction::Replace { objects, .. } => {
                for o in objects {
                    let line = format!("{} replaced", kind_slash_name(&o));
                    self.send(
                        ctx,
                        tag,
                        Request::Update { object: o },
                        Step::Simple { line },
                    );
                }
            }
            KubectlAction::Apply { objects, .. } => {
                for mut o in objects {
                    // kubectl records before computing the applied configuration.
                    if let Some(c) = &change_cause {
                        o.meta
                            .annotations
                            .insert(CHANGE_CAUSE_ANNOTATION, c.as_str());
                    }
                    let mut applied = crate::api::json::to_json(&o);
                    strip_server_fields(&mut applied);
                    o.meta
                        .annotations
                        .insert(LAST_APPLIED_ANNOTATION, applied.to_string());
                    let req = Request::Get {
                        kind: o.kind(),
                        namespace: default_ns(&o),
                        name: o.meta.name.clone(),
                    };
                    self.send(
                        ctx,
                        tag,
                        req,
                        Step::ApplyGet {
                            object: Box::new(o),
                            applied,
                        },
                    );
                }
            }
            KubectlAction::Delete { target, options } => {
                if !target.names.is_empty() || !target.objects.is_empty() {
                    for (kind, ns, name) in named_targets(&target) {
                        let line = format!("{} \"{name}\" deleted", kind_singular(kind));
                        let req = Request::Delete {
                            kind,
                            namespace: ns,
                            name,
                            options: options.clone(),
                        };
                        self.send(ctx, tag, req, Step::Simple { line });
                    }
                } else if let Some(kind) = target.kind {
                    self.send(ctx, tag, list_request(kind, &target), Step::DeleteList);
                }
            }
            KubectlAction::Get { target, .. } | KubectlAction::Describe { target } => {
                if target.names.is_empty() && target.objects.is_empty() {
                    let kind = target.kind.expect("get has a kind");
                    self.send(ctx, tag, list_request(kind, &target), Step::Read);
                } else {
                    for (kind, namespace, name) in named_targets(&target) {
                        self.send(
                            ctx,
                            tag,
                            Request::Get {
                                kind,
                                namespace,
                                name,
                            },
                            Step::Read,
                        );
                    }
                }
            }
            KubectlAction::RolloutStatus { ref target, .. }
            | KubectlAction::RolloutHistory { ref target, .. }
            | KubectlAction::RolloutUndo { ref target, .. } => {
                // `status` polls the Deployment; `history`/`undo` go on to its ReplicaSets.
                let step = if matches!(action, KubectlAction::RolloutStatus { .. }) {
                    Step::RolloutStatusGet
                } else {
                    Step::RolloutGet
                };
                let (kind, namespace, name) = named_targets(target).remove(0);
                let req = Request::Get {
                    kind,
                    namespace,
                    name,
                };
                self.send(ctx, tag, req, step);
            }
            KubectlAction::Recorded { .. } => unreachable!("unwrapped above"),
            KubectlAction::Label { target, .. }
            | KubectlAction::Scale { target, .. }
            | KubectlAction::SetImage { target, .. }
            | KubectlAction::Edit { target, .. }
            | KubectlAction::RolloutRestart { target }
            | KubectlAction::RolloutPause { target, .. } => {
                if target.names.is_empty() && target.objects.is_empty() {
                    let kind = target.kind.expect("label has a kind");
                    self.send(ctx, tag, list_request(kind, &target), Step::Fetch);
                } else {
                    for (kind, namespace, name) in named_targets(&target) {
                        self.send(
                            ctx,
                            tag,
                            Request::Get {
                                kind,
                                namespace,
                                name,
                            },
                            Step::Fetch,
                        );
                    }
                }
            }
            KubectlAction::RollingUpdate(args) => {
                self.interrupt_rolling_updates(ctx, &args);
                let mut u = RollingUpdate::new(*args);
                let next = u.start();
                self.updaters.insert(tag, u);
                if let Some(inv) = self.running.get_mut(&tag) {
                    inv.in_flight = true;
                }
                self.drive(ctx, tag, next);
            }
            KubectlAction::Patch {
                target,
                patch,
                status,
                strategic,
            } => {
                for (kind, namespace, name) in named_targets(&target) {
                    let line = format!("{}/{name} patched", kind_singular(kind));
                    let req = Request::Patch {
                        kind,
                        namespace,
                        name,
                        patch: patch.clone(),
                        status,
                        strategic,
                    };
                    self.send(ctx, tag, req, Step::Simple { line });
                }
            }
        }
        self.maybe_finish(ctx, tag);
    }

    /// Queues a merge patch of `o` whose success prints `line`.
    fn send_patch(
        &mut self,
        ctx: &mut Ctx,
        tag: u64,
        o: &Object,
        patch: serde_json::Value,
        line: String,
    ) {
        let req = Request::Patch {
            kind: o.kind(),
            namespace: o.meta.namespace.clone(),
            name: o.meta.name.clone(),
            patch,
            status: false,
            strategic: false,
        };
        self.send(ctx, tag, req, Step::Simple { line });
    }

    /// Queues a request; it goes out when the ones before it have been answered.
    fn send(&mut self, ctx: &mut Ctx, tag: u64, mut req: Request, step: Step) {
        if let Some(inv) = self.running.get_mut(&tag) {
            if let Some(cause) = &inv.change_cause {
                record_change_cause(&mut req, cause);
            }
            if inv.in_flight {
                inv.follow_ups.push((req, step));
            } else {
                inv.queued.push_back((req, step));
            }
        }
        self.send_next(ctx, tag);
    }

    fn send_next(&mut self, ctx: &mut Ctx, tag: u64) {
        let Some(inv) = self.running.get_mut(&tag) else {
            return;
        };
        if inv.in_flight {
            return;
        }
        if let Some((req, step)) = inv.queued.pop_front() {
            inv.in_flight = true;
            let id = ctx.send(req);
            self.pending.insert(id, (tag, step));
        }
    }

    /// Carries out what a rolling update does next.
    fn drive(&mut self, ctx: &mut Ctx, tag: u64, next: Next) {
        if let Some(u) = self.updaters.get_mut(&tag) {
            for line in u.take_output() {
                self.out(tag, line);
            }
        }
        match next {
            Next::Send(req) => {
                let id = ctx.send(req);
                self.pending.insert(id, (tag, Step::RollingUpdate));
                return;
            }
            Next::Sleep(d) => {
                let t = ctx.set_timer(d, INTERNAL_TIMER);
                self.sleeps.insert(t, tag);
                return;
            }
            Next::Done => {}
            Next::Fail(line) => self.fail(tag, line),
        }
        self.updaters.remove(&tag);
        if let Some(inv) = self.running.get_mut(&tag) {
            inv.in_flight = false;
        }
        self.maybe_finish(ctx, tag);
    }

    /// A new rolling update of the same controllers stands for the user pressing Ctrl-C on
    /// the one still running (the only way to `--rollback` a partial update): that one stops
    /// where it is, mid-step.
    fn interrupt_rolling_updates(&mut self, ctx: &mut Ctx, args: &RollingUpdateArgs) {
        let mine: Vec<Name> = [Some(args.old_name.clone()), args.new_name.clone()]
            .into_iter()
            .chain([args.new_rc.as_ref().map(|o| o.meta.name.clone())])
            .flatten()
            .collect();
        let victims: Vec<u64> = self
            .updaters
            .iter()
            .filter(|(_, u)| {
                let (ns, old, new) = u.controllers();
                ns == args.namespace
                    && (mine.contains(&old) || new.is_some_and(|n| mine.contains(&n)))
            })
            .map(|(t, _)| *t)
            .collect();
        for t in victims {
            self.updaters.remove(&t);
            self.pending.retain(|_, (tag, _)| *tag != t);
            self.sleeps.retain(|_, tag| *tag != t);
            self.out(t, "^C".into());
            if let Some(inv) = self.running.get_mut(&t) {
                inv.in_flight = false;
                inv.queued.clear();
            }
            self.maybe_finish(ctx, t);
        }
    }

    fn on_response(&mut self, ctx: &mut Ctx, id: RequestId, result: Result<Response, Status>) {
        let Some((tag, step)) = self.pending.remove(&id) else {
            return;
        };
        let now = ctx.now();
        if let Step::RollingUpdate = step {
            let next = match self.updaters.get_mut(&tag) {
                Some(u) => u.on_response(now, result),
                None => return,
            };
            self.drive(ctx, tag, next);
            return;
        }
        match (step, result) {
            (Step::Simple { line }, Ok(_)) => self.out(tag, line),
            (Step::ApplyGet { object, .. }, Err(e)) if e.code == 404 => {
                let line = format!("{} created", kind_slash_name(&object));
                self.send(
                    ctx,
                    tag,
                    Request::Create { object: *object },
                    Step::Simple { line },
                );
            }
            (Step::ApplyGet { object, applied }, Ok(Response::Object(live))) => {
                let live_json = crate::api::json::to_json(&live);
                let original = live
                    .meta
                    .annotations
                    .get(LAST_APPLIED_ANNOTATION)
                    .and_then(|s| serde_json::from_str(s).ok())
                    .unwrap_or(serde_json::Value::Null);
                let mut patch =
                    crate::api::patch::three_way_merge_patch(&original, &applied, &live_json);
                let name = kind_slash_name(&object);
                if patch.as_object().is_some_and(|m| m.is_empty()) && original == applied {
                    self.out(tag, format!("{name} unchanged"));
                } else {
                    // Keep the annotation current.
                    crate::api::patch::merge_patch(
                        &mut patch,
                        &serde_json::json!({"metadata": {"annotations": {LAST_APPLIED_ANNOTATION: applied.to_string()}}}),
                    );
                    let req = Request::Patch {
                        kind: object.kind(),
                        namespace: default_ns(&object),
                        name: object.meta.name.clone(),
                        patch,
                        status: false,
                        strategic: false,
                    };
                    self.send(
                        ctx,
                        tag,
                        req,
                        Step::Simple {
                            line: format!("{name} configured"),
                        },
                    );
                }
            }
            (Step::Read, Ok(resp)) => {
                let objects: Vec<Arc<Object>> = match resp {
                    Response::Object(o) => vec![o],
                    Response::List { items, .. } => items,
                    Response::WatchStarted => Vec::new(),
                };
                if let Some(inv) = self.running.get_mut(&tag) {
                    let text = render_read(&inv.action, &objects, now);
                    inv.output.extend(text.lines().map(str::to_string));
                }
            }
            (Step::DeleteList, Ok(Response::List { items, .. })) => {
                let options = match self.running.get(&tag).map(|i| &i.action) {
                    Some(KubectlAction::Delete { options, .. }) => options.clone(),
                    _ => DeleteOptions::default(),
                };
                if items.is_empty() {
                    self.out(tag, "No resources found".into());
                }
                for o in items {
                    let line = format!("{} \"{}\" deleted", kind_singular(o.kind()), o.meta.name);
                    let req = Request::Delete {
                        kind: o.kind(),
                        namespace: o.meta.namespace.clone(),
                        name: o.meta.name.clone(),
                        options: options.clone(),
                    };
                    self.send(ctx, tag, req, Step::Simple { line });
                }
            }
            (Step::RolloutStatusGet, Ok(Response::Object(d))) => {
                let timeout = match self.running.get(&tag).map(|i| &i.action) {
                    Some(KubectlAction::RolloutStatus { timeout, .. }) => *timeout,
                    _ => None,
                };
                let started = self.running.get(&tag).map_or(now, |i| i.at);
                match rollout_status(&d) {
                    Err(e) => self.fail(tag, e),
                    Ok((msg, done)) => {
                        let repeated = self
                            .running
                            .get(&tag)
                            .and_then(|i| i.output.last())
                            .is_some_and(|l| *l == msg);
                        if !repeated {
                            self.out(tag, msg);
                        }
                        if !done {
                            if timeout.is_some_and(|t| now >= started + t) {
                                self.fail(tag, "error: timed out waiting for the condition".into());
                            } else {
                                // kubectl watches; kubesim polls once a second of virtual time.
                                if let Some(inv) = self.running.get_mut(&tag) {
                                    inv.queued.push_back((
                                        Request::Get {
                                            kind: Kind::Deployment,
                                            namespace: d.meta.namespace.clone(),
                                            name: d.meta.name.clone(),
                                        },
                                        Step::RolloutStatusGet,
                                    ));
                                    inv.in_flight = true; // held until the poll timer fires
                                }
                                let t = ctx.set_timer(crate::engine::SECOND, INTERNAL_TIMER);
                                self.polls.insert(t, tag);
                                self.pending.remove(&id);
                                return;
                            }
                        }
                    }
                }
            }
            (Step::RolloutGet, Ok(Response::Object(d))) => {
                let selector = match &d.body {
                    crate::api::types::Body::Deployment(dep) => Some(dep.selector.clone()),
                    _ => None,
                };
                let req = Request::List {
                    kind: Kind::ReplicaSet,
                    namespace: Some(d.meta.namespace.clone()),
                    label_selector: selector,
                    field_selector: None,
                };
                self.send(ctx, tag, req, Step::RolloutReplicaSets { deployment: d });
            }
            (Step::RolloutReplicaSets { deployment }, Ok(Response::List { items, .. })) => {
                let action = self.running.get(&tag).map(|i| i.action.clone());
                let owned: Vec<Arc<Object>> = items
                    .into_iter()
                    .filter(|rs| {
                        rs.meta
                            .controller_ref()
                            .is_some_and(|r| r.uid == deployment.meta.uid)
                    })
                    .collect();
                match action {
                    Some(KubectlAction::RolloutHistory { revision, .. }) => {
                        match rollout_history(&deployment, &owned, revision) {
                            Ok(lines) => {
                                for l in lines {
                                    self.out(tag, l);
                                }
                            }
                            Err(e) => self.fail(tag, e),
                        }
                    }
                    Some(KubectlAction::RolloutUndo { to_revision, .. }) => {
                        match rollback_patch(&deployment, &owned, to_revision) {
                            Ok(Some(patch)) => {
                                let line = format!("{} rolled back", kind_slash_name(&deployment));
                                self.send_patch(ctx, tag, &deployment, patch, line);
                            }
                            Ok(None) => self.out(
                                tag,
                                format!(
                                    "{} skipped rollback (current template already matches revision {to_revision})",
                                    kind_slash_name(&deployment)
                                ),
                            ),
                            Err(e) => self.fail(tag, e),
                        }
                    }
                    _ => {}
                }
            }
            (Step::Fetch, Ok(resp)) => {
                let objects: Vec<Arc<Object>> = match resp {
                    Response::Object(o) => vec![o],
                    Response::List { items, .. } => items,
                    Response::WatchStarted => Vec::new(),
                };
                let action = self.running.get(&tag).map(|i| i.action.clone());
                for o in objects {
                    match &action {
                        Some(KubectlAction::Label {
                            annotate,
                            set,
                            remove,
                            overwrite,
                            ..
                        }) => match label_patch(&o, *annotate, set, remove, *overwrite) {
                            Ok(Some(patch)) => {
                                let verb = if *annotate { "annotated" } else { "labeled" };
                                let line = format!("{} {verb}", kind_slash_name(&o));
                                self.send_patch(ctx, tag, &o, patch, line);
                            }
                            Ok(None) => {
                                self.out(tag, format!("{} not labeled", kind_slash_name(&o)))
                            }
                            Err(e) => self.fail(tag, e),
                        },
                        Some(KubectlAction::Scale { replicas, .. }) => {
                            let field = match o.kind() {
                                Kind::Job => "parallelism",
                                Kind::ReplicationController
                                | Kind::ReplicaSet
                                | Kind::Deployment => "replicas",
                                other => {
                                    self.fail(
                                        tag,
                                        format!(
                                            "error: cannot scale {}: no scale subresource",
                                            other.resource()
                                        ),
                                    );
                                    continue;
                                }
                            };
                            self.send_patch(
                                ctx,
                                tag,
                                &o,
                                serde_json::json!({ "spec": { field: replicas } }),
                                format!("{} scaled", kind_slash_name(&o)),
                            );
                        }
                        Some(KubectlAction::SetImage { images, .. }) => {
                            match set_image_patch(&o, images) {
                                Ok(patch) => {
                                    self.send_patch(
                                        ctx,
                                        tag,
                                        &o,
                                        patch,
                                        format!("{} image updated", kind_slash_name(&o)),
                                    );
                                }
                                Err(e) => self.fail(tag, e),
                            }
                        }
                        Some(KubectlAction::RolloutPause { pause, .. }) => {
                            let crate::api::types::Body::Deployment(d) = &o.body else {
                                self.fail(
                                    tag,
                                    format!(
                                        "error: {} is not supported by rollout",
                                        kind_slash_name(&o)
                                    ),
                                );
                                continue;
                            };
                            // kubectl's polymorphichelpers (ObjectPauser/ObjectResumer):
                            // pausing a paused deployment, or resuming a running one, is an
                            // error.
                            if d.paused == *pause {
                                let what = if *pause {
                                    "is already paused"
                                } else {
                                    "is not paused"
                                };
                                self.fail(
                                    tag,
                                    format!("error: deployments.apps \"{}\" {what}", o.meta.name),
                                );
                                continue;
                            }
                            let verb = if *pause { "paused" } else { "resumed" };
                            let line = format!("{} {verb}", kind_slash_name(&o));
                            let patch = serde_json::json!({ "spec": { "paused": pause } });
                            self.send_patch(ctx, tag, &o, patch, line);
                        }
                        Some(KubectlAction::Edit { changes, .. }) => {
                            // The editor shows the live object; kubectl sends what changed.
                            let live = crate::api::json::to_json(&o);
                            let mut edited = live.clone();
                            crate::api::patch::strategic_merge_patch(&mut edited, changes);
                            if edited == live {
                                self.out(tag, "Edit cancelled, no changes made.".into());
                                continue;
                            }
                            let patch =
                                crate::api::patch::three_way_merge_patch(&live, &edited, &live);
                            self.send_patch(
                                ctx,
                                tag,
                                &o,
                                patch,
                                format!("{} edited", kind_slash_name(&o)),
                            );
                        }
                        Some(KubectlAction::RolloutRestart { .. }) => {
                            // polymorphichelpers/objectrestarter.go: a template annotation
                            // with the time makes a new ReplicaSet.
                            let crate::api::types::Body::Deployment(d) = &o.body else {
                                self.fail(
                                    tag,
                                    format!(
                                        "error: {} is not supported by rollout restart",
                                        kind_slash_name(&o)
                                    ),
                                );
                                continue;
                            };
                            if d.paused {
                                self.fail(
                                    tag,
                                    "error: can't restart paused deployment (run rollout resume first)"
                                        .into(),
                                );
                                continue;
                            }
                            let stamp = crate::api::json::format_timestamp(now);
                            let patch = serde_json::json!({"spec": {"template": {"metadata":
                                {"annotations": {RESTARTED_AT_ANNOTATION: stamp}}}}});
                            let line = format!("{} restarted", kind_slash_name(&o));
                            self.send_patch(ctx, tag, &o, patch, line);
                        }
                        _ => {}
                    }
                }
            }
            (_, Err(e)) => self.fail(tag, e.kubectl_message()),
            (_, Ok(_)) => {}
        }
        if let Some(inv) = self.running.get_mut(&tag) {
            inv.in_flight = false;
            for f in std::mem::take(&mut inv.follow_ups).into_iter().rev() {
                inv.queued.push_front(f);
            }
        }
        self.send_next(ctx, tag);
        self.maybe_finish(ctx, tag);
    }

    fn out(&mut self, tag: u64, line: String) {
        if let Some(inv) = self.running.get_mut(&tag) {
            inv.output.push(line);
        }
    }

    fn fail(&mut self, tag: u64, line: String) {
        if let Some(inv) = self.running.get_mut(&tag) {
            inv.output.push(line);
            inv.failed = true;
        }
    }

    fn maybe_finish(&mut self, ctx: &mut Ctx, tag: u64) {
        if self
            .running
            .get(&tag)
            .is_some_and(|i| !i.in_flight && i.queued.is_empty())
        {
            let inv = self.running.remove(&tag).expect("present");
            if inv.failed {
                self.errors += 1;
            }
            let event = if inv.failed {
                "KubectlError"
            } else {
                "KubectlOutput"
            };
            ctx.trace(Record::new("kubectl", event).detail(inv.output.join("\n")));
            self.transcript.push(TranscriptEntry {
                at: inv.at,
                command: inv.command,
                output: inv.output,
                failed: inv.failed,
            });
        }
    }
}

impl Component for Kubectl {
    fn start(&mut self, _ctx: &mut Ctx) {}

    fn handle(&mut self, ctx: &mut Ctx, msg: Message) {
        match msg {
            Message::Timer { id, tag } => {
                if let Some(inv_tag) = self.sleeps.remove(&id) {
                    let now = ctx.now();
                    if let Some(next) = self.updaters.get_mut(&inv_tag).map(|u| u.on_wake(now)) {
                        self.drive(ctx, inv_tag, next);
                    }
                } else if let Some(inv_tag) = self.polls.remove(&id) {
                    if let Some(inv) = self.running.get_mut(&inv_tag) {
                        inv.in_flight = false;
                    }
                    self.send_next(ctx, inv_tag);
                } else if tag != INTERNAL_TIMER {
                    // A timeline command's timer. (A sleep or poll of a command interrupted
                    // meanwhile carries INTERNAL_TIMER and is simply over.)
                    self.begin(ctx, tag);
                }
            }
            Message::Response { id, result } => self.on_response(ctx, id, result),
            _ => {}
        }
    }
}

/// The revision annotation the Deployment controller keeps on ReplicaSets and Deployments.
const REVISION_ANNOTATION: &str = "deployment.kubernetes.io/revision";
const CHANGE_CAUSE_ANNOTATION: &str = "kubernetes.io/change-cause";
/// `kubectl rollout restart`'s pod-template annotation.
const RESTARTED_AT_ANNOTATION: &str = "kubectl.kubernetes.io/restartedAt";

/// `--record`: the change cause on an object kubectl writes, or in its patch.
fn record_change_cause(req: &mut Request, cause: &str) {
    match req {
        Request::Create { object } | Request::Update { object } => {
            object
                .meta
                .annotations
                .insert(CHANGE_CAUSE_ANNOTATION, cause);
        }
        Request::Patch {
            patch,
            status: false,
            ..
        } => crate::api::patch::merge_patch(
            patch,
            &serde_json::json!({"metadata": {"annotations": {CHANGE_CAUSE_ANNOTATION: cause}}}),
        ),
        _ => {}
    }
}

fn revision_of(o: &Object) -> i64 {
    o.meta
        .annotations
        .get(REVISION_ANNOTATION)
        .and_then(|r| r.parse().ok())
        .unwrap_or(0)
}

/// DeploymentStatusViewer.Status (kubectl/pkg/polymorphichelpers/rollout_status.go): the
/// message to print and whether the rollout is done; an error once the progress deadline
/// has passed.
fn rollout_status(o: &Object) -> Result<(String, bool), String> {
    let crate::api::types::Body::Deployment(d) = &o.body else {
        return Err(format!("error: {} is not a deployment", kind_slash_name(o)));
    };
    let name = &o.meta.name;
    if o.meta.generation > d.status.observed_generation {
        return Ok((
            "Waiting for deployment spec update to be observed...".into(),
            false,
        ));
    }
    if crate::api::types::find_condition(&d.status.conditions, "Progressing")
        .is_some_and(|c| c.reason() == "ProgressDeadlineExceeded")
    {
        return Err(format!(
            "error: deployment {name:?} exceeded its progress deadline"
        ));
    }
    let (replicas, updated, available) = (
        d.replicas,
        d.status.updated_replicas,
        d.status.available_replicas,
    );
    if updated < replicas {
        return Ok((format!("Waiting for deployment {name:?} rollout to finish: {updated} out of {replicas} new replicas have been updated..."), false));
    }
    if d.status.replicas > updated {
        return Ok((format!("Waiting for deployment {name:?} rollout to finish: {} old replicas are pending termination...", d.status.replicas - updated), false));
    }
    if available < updated {
        return Ok((format!("Waiting for deployment {name:?} rollout to finish: {available} of {updated} updated replicas are available..."), false));
    }
    Ok((format!("deployment {name:?} successfully rolled out"), true))
}

/// DeploymentHistoryViewer.ViewHistory (kubectl/pkg/polymorphichelpers/history.go).
fn rollout_history(
    d: &Object,
    owned: &[Arc<Object>],
    revision: i64,
) -> Result<Vec<String>, String> {
    let mut history: BTreeMap<i64, &Arc<Object>> = BTreeMap::new();
    for rs in owned {
        let r = revision_of(rs);
        if r > 0 {
            history.insert(r, rs);
        }
    }
    if revision > 0 {
        let Some(rs) = history.get(&revision) else {
            return Err("error: unable to find the specified revision".to_string());
        };
        let mut lines = vec![format!("{} with revision #{revision}", kind_slash_name(d))];
        let text = crate::api::json::to_json(rs);
        let template = text.pointer("/spec/template").cloned().unwrap_or_default();
        lines.push(format!(
            "Pod Template: {}",
            serde_json::to_string(&template).unwrap_or_default()
        ));
        return Ok(lines);
    }
    let mut lines = vec![kind_slash_name(d), "REVISION  CHANGE-CAUSE".into()];
    for (r, rs) in history {
        let cause = rs
            .meta
            .annotations
            .get(CHANGE_CAUSE_ANNOTATION)
            .unwrap_or("<none>");
        lines.push(format!("{r:<9} {cause}"));
    }
    lines.push(String::new());
    Ok(lines)
}

/// DeploymentRollbacker.Rollback (kubectl/pkg/polymorphichelpers/rollback.go): the patch that
/// puts revision `to_revision`'s pod template (the previous revision for 0) back, with its
/// annotations; `None` when the template already matches.
fn rollback_patch(
    d: &Object,
    owned: &[Arc<Object>],
    to_revision: i64,
) -> Result<Option<serde_json::Value>, String> {
    let crate::api::types::Body::Deployment(dep) = &d.body else {
        return Err(format!("error: {} is not a deployment", kind_slash_name(d)));
    };
    if dep.paused {
        return Err(format!("error: you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume deployment/{}' and try again", d.meta.name));
    }
    let mut by_revision: BTreeMap<i64, &Arc<Object>> = BTreeMap::new();
    for rs in owned {
        by_revision.insert(revision_of(rs), rs);
    }
    let rs = if to_revision == 0 {
        // The previous revision: the second highest.
        let mut revs: Vec<i64> = by_revision.keys().copied().filter(|r| *r > 0).collect();
        revs.sort_unstable();
        if revs.len() < 2 {
            return Err(
                "error: no rollout history found for deployment ".to_string()
                    + &format!("{:?}", d.meta.name.as_str()),
            );
        }
        by_revision[&revs[revs.len() - 2]]
    } else {
        match by_revision.get(&to_revision) {
            Some(rs) => *rs,
            None => {
                return Err(format!(
                    "error: unable to find specified revision {to_revision} in history"
                ))
            }
        }
    };
    let rs_json = crate::api::json::to_json(rs);
    let mut template = rs_json
        .pointer("/spec/template")
        .cloned()
        .unwrap_or_default();
    if let Some(labels) = template
        .pointer_mut("/metadata/labels")
        .and_then(|l| l.as_object_mut())
    {
        labels.remove("pod-template-hash");
    }
    let current = crate::api::json::to_json(d)
        .pointer("/spec/template")
        .cloned()
        .unwrap_or_default();
    if current == template {
        return Ok(None);
    }
    // The ReplicaSet's annotations go onto the Deployment, except the controller's own.
    let skip = [
        REVISION_ANNOTATION,
        "deployment.kubernetes.io/revision-history",
        "deployment.kubernetes.io/desired-replicas",
        "deployment.kubernetes.io/max-replicas",
        LAST_APPLIED_ANNOTATION,
    ];
    // rollback.go replaces the annotations wholesale: the Deployment's own (skipped) ones stay,
    // the rest become the ReplicaSet's; as a merge patch, others are removed with null.
    let mut annotations = serde_json::Map::new();
    for (k, _) in d.meta.annotations.iter() {
        if !skip.contains(&k) {
            annotations.insert(k.to_string(), serde_json::Value::Null);
        }
    }
    for (k, v) in rs.meta.annotations.iter() {
        if !skip.contains(&k) {
            annotations.insert(k.to_string(), serde_json::Value::String(v.to_string()));
        }
    }
    Ok(Some(serde_json::json!({
        "metadata": {"annotations": annotations},
        "spec": {"template": template},
    })))
}

/// `kubectl set image`: a merge patch replacing the containers of the pod template (or the
/// pod) with the new images.
fn set_image_patch(o: &Object, images: &[(Name, Name)]) -> Result<serde_json::Value, String> {
    let mut json = crate::api::json::to_json(o);
    let pointer = match o.kind() {
        Kind::Pod => "/spec",
        Kind::Deployment | Kind::ReplicaSet | Kind::ReplicationController | Kind::Job => {
            "/spec/template/spec"
        }
        other => {
            return Err(format!(
                "error: {} does not have a pod template",
                other.resource()
            ))
        }
    };
    let spec = json
        .pointer_mut(pointer)
        .ok_or_else(|| format!("error: {} has no pod template", kind_slash_name(o)))?;
    let mut patch_spec = serde_json::Map::new();
    for field in ["initContainers", "containers"] {
        let Some(list) = spec.get_mut(field).and_then(|c| c.as_array_mut()) else {
            continue;
        };
        let mut changed = false;
        for c in list.iter_mut() {
            let name = c
                .get("name")
                .and_then(|n| n.as_str())
                .unwrap_or("")
                .to_string();
            for (want, image) in images {
                if want == "*" || *want == name {
                    c["image"] = serde_json::Value::String(image.to_string());
                    changed = true;
                }
            }
        }
        if changed {
            patch_spec.insert(field.to_string(), serde_json::Value::Array(list.clone()));
        }
    }
    for (want, _) in images {
        let found = want == "*"
            || ["initContainers", "containers"].iter().any(|f| {
                spec.get(*f).and_then(|c| c.as_array()).is_some_and(|l| {
                    l.iter()
                        .any(|c| c.get("name").and_then(|n| n.as_str()) == Some(want.as_str()))
                })
            });
        if !found {
            return Err(format!("error: unable to find container named \"{want}\""));
        }
    }
    let mut patch = serde_json::Value::Object(Default::default());
    let mut cursor = &mut patch;
    for part in pointer.trim_start_matches('/').split('/') {
        cursor = cursor
            .as_object_mut()
            .expect("object")
            .entry(part)
            .or_insert_with(|| serde_json::Value::Object(Default::default()));
    }
    *cursor = serde_json::Value::Object(patch_spec);
    Ok(patch)
}

fn default_ns(o: &Object) -> Name {
    if o.kind().namespaced() && o.meta.namespace.is_empty() {
        "default".into()
    } else {
        o.meta.namespace.clone()
    }
}

/// `deployment.apps/web`, `pod/web`: how kubectl names an object in its output.
pub fn kind_slash_name(o: &Object) -> String {
    format!("{}/{}", kind_singular(o.kind()), o.meta.name)
}

fn kind_singular(kind: Kind) -> String {
    let lower = kind.as_str().to_lowercase();
    match kind.api_version().split_once('/') {
        Some((group, _)) => format!("{lower}.{group}"),
        None => lower,
    }
}

fn named_targets(t: &Target) -> Vec<(Kind, Name, Name)> {
    let ns = t.namespace.clone().unwrap_or_else(|| "default".into());
    let mut out = t.objects.clone();
    if let Some(kind) = t.kind {
        let ns = if kind.namespaced() {
            ns
        } else {
            Name::default()
        };
        out.extend(t.names.iter().map(|n| (kind, ns.clone(), n.clone())));
    }
    out
}

fn list_request(kind: Kind, t: &Target) -> Request {
    let namespace = if t.all_namespaces || !kind.namespaced() {
        None
    } else {
        Some(t.namespace.clone().unwrap_or_else(|| "default".into()))
    };
    Request::List {
        kind,
        namespace,
        label_selector: t.label_selector.clone(),
        field_selector: t.field_selector.clone(),
    }
}

/// Removes what the server owns before an object is recorded as last-applied.
fn strip_server_fields(v: &mut serde_json::Value) {
    if let Some(meta) = v.get_mut("metadata").and_then(|m| m.as_object_mut()) {
        for k in ["uid", "resourceVersion", "creationTimestamp", "generation"] {
            meta.remove(k);
        }
    }
    if let Some(obj) = v.as_object_mut() {
        obj.remove("status");
    }
}

/// The patch `kubectl label` sends, or an error like kubectl's when a key exists and
/// `--overwrite` is not given.
fn label_patch(
    o: &Object,
    annotate: bool,
    set: &[(Name, Name)],
    remove: &[Name],
    overwrite: bool,
) -> Result<Option<serde_json::Value>, String> {
    let current = if annotate {
        &o.meta.annotations
    } else {
        &o.meta.labels
    };
    let mut m = serde_json::Map::new();
    for (k, v) in set {
        if let Some(old) = current.get(k) {
            if !overwrite && old != v.as_str() {
                return Err(format!(
                    "error: '{k}' already has a value ({old}), and --overwrite is false"
                ));
            }
        }
        m.insert(k.to_string(), serde_json::Value::String(v.to_string()));
    }
    for k in remove {
        if current.contains_key(k) {
            m.insert(k.to_string(), serde_json::Value::Null);
        }
    }
    if m.is_empty() {
        return Ok(None);
    }
    let field = if annotate { "annotations" } else { "labels" };
    Ok(Some(serde_json::json!({ "metadata": { field: m } })))
}

fn render_read(action: &KubectlAction, objects: &[Arc<Object>], now: SimTime) -> String {
    use crate::api::printer;
    match action {
        KubectlAction::Get { target, output } => {
            let refs: Vec<&Object> = objects.iter().map(|o| o.as_ref()).collect();
            match output {
                OutputFormat::Table | OutputFormat::Wide => {
                    let kind = target.kind.or_else(|| objects.first().map(|o| o.kind()));
                    match kind {
                        Some(kind) if !refs.is_empty() => printer::get_table(
                            kind,
                            &refs,
                            now,
                            *output == OutputFormat::Wide,
                            target.all_namespaces,
                        ),
                        _ => {
                            let cluster_scoped = target.kind.is_some_and(|k| !k.namespaced());
                            let ns = (!target.all_namespaces && !cluster_scoped)
                                .then(|| target.namespace.as_deref().unwrap_or("default"));
                            printer::no_resources_found(ns)
                        }
                    }
                }
                OutputFormat::Name => refs
                    .iter()
                    .map(|o| format!("{}\n", kind_slash_name(o)))
                    .collect(),
                OutputFormat::Yaml | OutputFormat::Json => {
                    let docs: Vec<serde_json::Value> =
                        refs.iter().map(|o| crate::api::json::to_json(o)).collect();
                    let value = if target.names.len() == 1 && docs.len() == 1 {
                        docs.into_iter().next().expect("one")
                    } else {
                        serde_json::json!({"apiVersion": "v1", "kind": "List", "items": docs})
                    };
                    if *output == OutputFormat::Json {
                        serde_json::to_string_pretty(&value).unwrap_or_default()
                    } else {
                        serde_yaml::to_string(&value).unwrap_or_default()
                    }
                }
            }
        }
        KubectlAction::Describe { .. } => objects
            .iter()
            .map(|o| printer::describe(o, &[], now))
            .collect::<Vec<_>>()
            .join("\n\n"),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_split_handles_quotes() {
        assert_eq!(
            shell_split(r#"patch deploy web -p '{"spec":{"replicas":3}}' --type merge"#).unwrap(),
            vec![
                "patch",
                "deploy",
                "web",
                "-p",
                r#"{"spec":{"replicas":3}}"#,
                "--type",
                "merge"
            ]
        );
        assert_eq!(
            shell_split(r#"label pod a "x=y z""#).unwrap(),
            vec!["label", "pod", "a", "x=y z"]
        );
        assert!(shell_split("get 'pods").is_err());
    }

    fn parse(line: &str) -> Result<KubectlAction, String> {
        parse_kubectl(line, &mut |f: &str| Err(format!("no file {f}")))
    }

    #[test]
    fn record_is_a_go_bool_and_only_where_kubectl_has_it() {
        assert!(matches!(
            parse("scale deploy web --replicas=2 --record=TRUE").unwrap(),
            KubectlAction::Recorded { .. }
        ));
        assert!(matches!(
            parse("scale deploy web --replicas=2 --record=0").unwrap(),
            KubectlAction::Scale { .. }
        ));
        assert_eq!(
            parse("scale deploy web --replicas=2 --record=yes").unwrap_err(),
            "error: invalid argument \"yes\" for \"--record\" flag: strconv.ParseBool: parsing \"yes\": invalid syntax"
        );
        assert!(parse("get pods --record=false")
            .unwrap_err()
            .starts_with("error: unknown flag: --record"));
        assert!(parse("rollout undo deployment/web --record")
            .unwrap_err()
            .starts_with("error: unknown flag: --record"));
    }

    #[test]
    fn rolling_update_parses_and_validates_like_kubectl() {
        let rc = |name: &str| {
            crate::api::manifest::parse_manifests(
                &format!("apiVersion: v1\nkind: ReplicationController\nmetadata: {{name: {name}}}\nspec:\n  replicas: 3\n  selector: {{app: f, version: v2}}\n  template:\n    metadata: {{labels: {{app: f, version: v2}}}}\n    spec: {{containers: [{{name: c, image: x}}]}}\n"),
                "t",
            )
            .unwrap()
            .remove(0)
            .object
        };
        let mut load = |f: &str| -> Result<Vec<Object>, String> {
            match f {
                "v2.yaml" => Ok(vec![rc("frontend-v2")]),
                "two.yaml" => Ok(vec![rc("a"), rc("b")]),
                "staging.yaml" => {
                    let mut o = rc("frontend-v2");
                    o.meta.namespace = "staging".into();
                    Ok(vec![o])
                }
                _ => Err(format!("no file {f}")),
            }
        };
        let KubectlAction::RollingUpdate(a) = parse_kubectl(
            "rolling-update frontend-v1 -f v2.yaml --update-period=10s",
            &mut load,
        )
        .unwrap() else {
            panic!("not a rolling update")
        };
        assert_eq!(a.old_name, "frontend-v1");
        assert_eq!(a.update_period, 10 * crate::engine::SECOND);
        assert_eq!(a.poll_interval, rolling_update::DEFAULT_POLL_INTERVAL);
        assert_eq!(a.timeout, 5 * crate::engine::MINUTE);
        assert_eq!(a.new_rc.as_ref().unwrap().meta.namespace, "default");
        let KubectlAction::RollingUpdate(a) = parse_kubectl(
            "rolling-update frontend-v1 frontend-v2 --rollback",
            &mut load,
        )
        .unwrap() else {
            panic!("not a rolling update")
        };
        assert!(a.rollback && a.new_rc.is_none());
        assert_eq!(a.new_name.as_deref(), Some("frontend-v2"));
        let err = |line: &str, load: &mut ManifestLoader| parse_kubectl(line, load).unwrap_err();
        assert_eq!(
            err("rolling-update frontend-v1", &mut load),
            "error: Must specify --filename or --image for new controller\nSee 'kubectl rolling-update -h' for help and examples"
        );
        assert!(err("rolling-update a -f v2.yaml --rollback", &mut load)
            .starts_with("error: Don't specify --filename or --image on rollback"));
        assert!(err("rolling-update -f v2.yaml", &mut load)
            .starts_with("error: Must specify the controller to update"));
        assert_eq!(
            err("rolling-update a -f two.yaml", &mut load),
            "error: two.yaml specifies multiple items"
        );
        assert!(err("rolling-update a --image=nginx:2", &mut load).contains("--image"));
        assert!(err("rolling-update a -f staging.yaml -n prod", &mut load).starts_with(
            "error: the namespace from the provided object \"staging\" does not match the namespace \"prod\""
        ));
        assert!(err(
            "rolling-update a -f v2.yaml --update-period=soon",
            &mut load
        )
        .starts_with("error: invalid argument \"soon\" for \"--update-period\" flag"));
        assert!(
            err("get pods --rollback", &mut load).starts_with("error: unknown flag: --rollback")
        );
    }

    #[test]
    fn parses_common_commands() {
        match parse("kubectl get pods -n kube-system -o wide").unwrap() {
            KubectlAction::Get { target, output } => {
                assert_eq!(target.kind, Some(Kind::Pod));
                assert_eq!(target.namespace.as_deref(), Some("kube-system"));
                assert_eq!(output, OutputFormat::Wide);
            }
            other => panic!("{other:?}"),
        }
        match parse("delete pod/web-0 --grace-period=0 --force").unwrap() {
            KubectlAction::Delete { target, options } => {
                assert_eq!(target.names, vec![Name::from("web-0")]);
                assert_eq!(options.grace_period_seconds, Some(0));
            }
            other => panic!("{other:?}"),
        }
        match parse("label pod p app=x tier- --overwrite").unwrap() {
            KubectlAction::Label {
                target,
                set,
                remove,
                overwrite,
                annotate,
            } => {
                assert_eq!(target.names, vec![Name::from("p")]);
                assert_eq!(set, vec![(Name::from("app"), Name::from("x"))]);
                assert_eq!(remove, vec![Name::from("tier")]);
                assert!(overwrite && !annotate);
            }
            other => panic!("{other:?}"),
        }
        match parse("scale rc web --replicas=10").unwrap() {
            KubectlAction::Scale { target, replicas } => {
                assert_eq!(target.kind, Some(Kind::ReplicationController));
                assert_eq!(replicas, 10);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn errors_read_like_kubectl() {
        assert_eq!(
            parse("frobnicate pods").unwrap_err(),
            "error: unknown command \"frobnicate\" for \"kubectl\""
        );
        assert_eq!(
            parse("get widgets").unwrap_err(),
            "error: the server doesn't have a resource type \"widgets\""
        );
        assert!(parse("get pods --bogus")
            .unwrap_err()
            .starts_with("error: unknown flag: --bogus"));
        assert_eq!(
            parse("delete pods").unwrap_err(),
            "error: resource(s) were provided, but no name was specified"
        );
        assert_eq!(
            parse("create -f nope.yaml").unwrap_err(),
            "no file nope.yaml"
        );
        assert_eq!(
            parse("scale deploy web").unwrap_err(),
            "error: required flag(s) \"replicas\" not set"
        );
    }

    #[test]
    fn set_image_and_rollout_pause_parse_like_kubectl() {
        match parse("kubectl set image deployment/nginx nginx=nginx:1.9.1 --record").unwrap() {
            KubectlAction::Recorded { cause, action } => {
                assert_eq!(
                    cause,
                    "kubectl set image deployment/nginx nginx=nginx:1.9.1 --record"
                );
                let KubectlAction::SetImage { target, images } = *action else {
                    panic!("{action:?}")
                };
                assert_eq!(target.kind, Some(Kind::Deployment));
                assert_eq!(target.names, vec![Name::from("nginx")]);
                assert_eq!(
                    images,
                    vec![(Name::from("nginx"), Name::from("nginx:1.9.1"))]
                );
            }
            other => panic!("{other:?}"),
        }
        assert!(parse("set image deployment/nginx")
            .unwrap_err()
            .contains("at least one image update"));
        assert!(matches!(
            parse("rollout pause deployment/nginx").unwrap(),
            KubectlAction::RolloutPause { pause: true, .. }
        ));
        assert!(matches!(
            parse("rollout resume deploy nginx").unwrap(),
            KubectlAction::RolloutPause { pause: false, .. }
        ));
        assert!(parse("rollout pause pod/x")
            .unwrap_err()
            .contains("not supported by rollout pause"));
    }

    #[test]
    fn set_image_patch_replaces_only_the_named_containers_image() {
        let o = crate::api::manifest::parse_manifests(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: nginx}\nspec:\n  selector: {matchLabels: {app: nginx}}\n  template:\n    metadata: {labels: {app: nginx}}\n    spec: {containers: [{name: nginx, image: 'nginx:1.7.9'}, {name: side, image: busybox}]}\n",
            "t",
        )
        .unwrap()
        .remove(0)
        .object;
        let patch = set_image_patch(&o, &[("nginx".into(), "nginx:1.9.1".into())]).unwrap();
        let containers = &patch["spec"]["template"]["spec"]["containers"];
        assert_eq!(containers[0]["image"], "nginx:1.9.1");
        assert_eq!(containers[1]["image"], "busybox");
        let err = set_image_patch(&o, &[("nope".into(), "x".into())]).unwrap_err();
        assert_eq!(err, "error: unable to find container named \"nope\"");
    }

    fn deployment(yaml_extra: &str) -> Object {
        crate::api::manifest::parse_manifests(
            &format!("apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: nginx, namespace: default, uid: 00000000-0000-0000-0000-00000000000d}}\nspec:\n  replicas: 3\n  selector: {{matchLabels: {{app: nginx}}}}\n  template:\n    metadata: {{labels: {{app: nginx}}}}\n    spec: {{containers: [{{name: nginx, image: 'nginx:1.9.1'}}]}}\n{yaml_extra}"),
            "t",
        )
        .unwrap()
        .remove(0)
        .object
    }

    fn replica_set(revision: i64, image: &str, cause: Option<&str>) -> Arc<Object> {
        let cause = cause
            .map(|c| format!(", kubernetes.io/change-cause: '{c}'"))
            .unwrap_or_default();
        Arc::new(
            crate::api::manifest::parse_manifests(
                &format!("apiVersion: apps/v1\nkind: ReplicaSet\nmetadata:\n  name: nginx-{revision}\n  namespace: default\n  annotations: {{deployment.kubernetes.io/revision: '{revision}'{cause}}}\n  ownerReferences: [{{apiVersion: apps/v1, kind: Deployment, name: nginx, uid: 00000000-0000-0000-0000-00000000000d, controller: true}}]\nspec:\n  replicas: 0\n  selector: {{matchLabels: {{app: nginx}}}}\n  template:\n    metadata: {{labels: {{app: nginx, pod-template-hash: h{revision}}}}}\n    spec: {{containers: [{{name: nginx, image: '{image}'}}]}}\n"),
                "t",
            )
            .unwrap()
            .remove(0)
            .object,
        )
    }

    /// The messages of kubectl's DeploymentStatusViewer.Status
    /// (staging/src/k8s.io/kubectl/pkg/polymorphichelpers/rollout_status.go), one per branch.
    #[test]
    fn rollout_status_messages_match_kubectl() {
        let with = |generation: i64, observed: i64, replicas: i32, updated: i32, available: i32| {
            let mut d = deployment("");
            d.meta.generation = generation;
            if let crate::api::types::Body::Deployment(dep) = &mut d.body {
                dep.status.observed_generation = observed;
                dep.status.replicas = replicas;
                dep.status.updated_replicas = updated;
                dep.status.available_replicas = available;
            }
            rollout_status(&d).unwrap()
        };
        assert_eq!(with(0, 1, 1, 0, 1).0, "Waiting for deployment \"nginx\" rollout to finish: 0 out of 3 new replicas have been updated...");
        assert_eq!(with(1, 1, 4, 3, 3).0, "Waiting for deployment \"nginx\" rollout to finish: 1 old replicas are pending termination...");
        assert_eq!(with(1, 1, 3, 3, 1).0, "Waiting for deployment \"nginx\" rollout to finish: 1 of 3 updated replicas are available...");
        assert_eq!(
            with(1, 1, 3, 3, 3),
            ("deployment \"nginx\" successfully rolled out".into(), true)
        );
        assert_eq!(
            with(2, 1, 3, 3, 3).0,
            "Waiting for deployment spec update to be observed..."
        );
    }

    #[test]
    fn rollout_history_and_undo_read_the_replicasets() {
        let d = deployment("");
        let rss = vec![
            replica_set(1, "nginx:1.7.9", None),
            replica_set(
                2,
                "nginx:1.9.1",
                Some("kubectl set image deployment/nginx nginx=nginx:1.9.1 --record=true"),
            ),
        ];
        let lines = rollout_history(&d, &rss, 0).unwrap();
        assert_eq!(lines[0], "deployment.apps/nginx");
        assert_eq!(lines[1], "REVISION  CHANGE-CAUSE");
        assert_eq!(lines[2], "1         <none>");
        assert_eq!(
            lines[3],
            "2         kubectl set image deployment/nginx nginx=nginx:1.9.1 --record=true"
        );
        // Undo goes to revision 1's template, without its pod-template-hash.
        let patch = rollback_patch(&d, &rss, 0).unwrap().unwrap();
        assert_eq!(
            patch["spec"]["template"]["spec"]["containers"][0]["image"],
            "nginx:1.7.9"
        );
        assert!(patch["spec"]["template"]["metadata"]["labels"]
            .get("pod-template-hash")
            .is_none());
        // Undo to the current template is skipped; unknown revisions and paused are errors.
        assert_eq!(rollback_patch(&d, &rss, 2).unwrap(), None);
        assert_eq!(
            rollback_patch(&d, &rss, 7).unwrap_err(),
            "error: unable to find specified revision 7 in history"
        );
        let paused = deployment("  paused: true\n");
        assert!(rollback_patch(&paused, &rss, 0)
            .unwrap_err()
            .contains("you cannot rollback a paused deployment"));
    }
}
