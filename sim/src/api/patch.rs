//! JSON merge patch (RFC 7386), what `kubectl patch --type=merge` and the API server's
//! `application/merge-patch+json` apply; the strategic merge patch of `kubectl patch` and
//! `kubectl edit` (lists of named things merged by key); and the three-way patch `kubectl
//! apply` computes from the last-applied configuration.

use serde_json::{Map, Value};

/// Applies `patch` to `target` in place (RFC 7386 §2): objects merge recursively, `null`
/// deletes a key, anything else (arrays included) replaces.
pub fn merge_patch(target: &mut Value, patch: &Value) {
    let Value::Object(patch_map) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    let target_map = target.as_object_mut().expect("made an object");
    for (k, v) in patch_map {
        if v.is_null() {
            target_map.remove(k);
        } else {
            merge_patch(target_map.entry(k.clone()).or_insert(Value::Null), v);
        }
    }
}

/// The merge key of a list field that a strategic merge patch merges element by element
/// (the `patchStrategy:"merge"` / `patchMergeKey` tags of k8s.io/api): containers, volumes,
/// env and the like by `name`, mounts by path, container ports by `containerPort`, service
/// ports by `port`, conditions by `type`, owner references by `uid`. Other lists are replaced.
fn merge_key(field: &str, elements: &[Value]) -> Option<&'static str> {
    let has = |k: &str| elements.iter().all(|e| e.get(k).is_some());
    let key = match field {
        "containers"
        | "initContainers"
        | "ephemeralContainers"
        | "volumes"
        | "env"
        | "imagePullSecrets" => "name",
        "volumeMounts" => "mountPath",
        "volumeDevices" => "devicePath",
        "ports" if has("containerPort") => "containerPort",
        "ports" => "port",
        "hostAliases" => "ip",
        "conditions" => "type",
        "ownerReferences" => "uid",
        _ => return None,
    };
    has(key).then_some(key)
}

/// Applies a strategic merge patch (k8s.io/apimachinery/pkg/util/strategicpatch, the
/// default of `kubectl patch` and `kubectl edit` for built-in kinds): as a JSON merge patch,
/// except that the lists [`merge_key`] knows are merged by key — an element of the patch
/// updates the element with the same key or is appended, `{"$patch": "delete", KEY: ...}`
/// removes it, and elements the patch does not name stay.
pub fn strategic_merge_patch(target: &mut Value, patch: &Value) {
    let Value::Object(patch_map) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    let target_map = target.as_object_mut().expect("made an object");
    for (k, v) in patch_map {
        // Directives ($setElementOrder/..., $retainKeys, $patch) other than a list element's
        // `$patch: delete` are not modelled.
        if k.starts_with('$') {
            continue;
        }
        if v.is_null() {
            target_map.remove(k);
            continue;
        }
        let slot = target_map.entry(k.clone()).or_insert(Value::Null);
        match (slot, v) {
            (Value::Array(live), Value::Array(items)) => {
                let all: Vec<Value> = live.iter().chain(items).cloned().collect();
                match merge_key(k, &all) {
                    Some(key) => merge_list(live, items, key),
                    None => *live = items.clone(),
                }
            }
            (slot, v) => strategic_merge_patch(slot, v),
        }
    }
}

fn merge_list(live: &mut Vec<Value>, items: &[Value], key: &str) {
    for item in items {
        let id = &item[key];
        let pos = live.iter().position(|e| &e[key] == id);
        if item.get("$patch").and_then(Value::as_str) == Some("delete") {
            if let Some(i) = pos {
                live.remove(i);
            }
            continue;
        }
        let mut item = item.clone();
        if let Some(m) = item.as_object_mut() {
            m.remove("$patch");
        }
        match pos {
            Some(i) => strategic_merge_patch(&mut live[i], &item),
            None => {
                let mut fresh = Value::Object(Map::new());
                strategic_merge_patch(&mut fresh, &item);
                live.push(fresh);
            }
        }
    }
}

/// The merge patch `kubectl apply` sends: everything in `modified` that differs from
/// `current`, plus `null` for keys that were in `original` (the last-applied configuration)
/// but are no longer in `modified`. Keys the user never managed are left alone.
pub fn three_way_merge_patch(original: &Value, modified: &Value, current: &Value) -> Value {
    match (original, modified, current) {
        (_, Value::Object(m), c) => {
            let empty = Map::new();
            let o = original.as_object().unwrap_or(&empty);
            let c_map = c.as_object().unwrap_or(&empty);
            let mut out = Map::new();
            for (k, mv) in m {
                let cv = c_map.get(k).unwrap_or(&Value::Null);
                let ov = o.get(k).unwrap_or(&Value::Null);
                if mv.is_object() && cv.is_object() {
                    let sub = three_way_merge_patch(ov, mv, cv);
                    if sub.as_object().is_some_and(|s| !s.is_empty()) {
                        out.insert(k.clone(), sub);
                    }
                } else if mv != cv {
                    out.insert(k.clone(), mv.clone());
                }
            }
            for k in o.keys() {
                if !m.contains_key(k) && c_map.contains_key(k) {
                    out.insert(k.clone(), Value::Null);
                }
            }
            Value::Object(out)
        }
        (_, m, _) => m.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    // The examples of RFC 7386 Appendix A.
    #[test]
    fn rfc7386_examples() {
        let cases = [
            (json!({"a":"b"}), json!({"a":"c"}), json!({"a":"c"})),
            (json!({"a":"b"}), json!({"b":"c"}), json!({"a":"b","b":"c"})),
            (json!({"a":"b"}), json!({"a":null}), json!({})),
            (
                json!({"a":"b","b":"c"}),
                json!({"a":null}),
                json!({"b":"c"}),
            ),
            (json!({"a":["b"]}), json!({"a":"c"}), json!({"a":"c"})),
            (json!({"a":"c"}), json!({"a":["b"]}), json!({"a":["b"]})),
            (
                json!({"a":{"b":"c"}}),
                json!({"a":{"b":"d","c":null}}),
                json!({"a":{"b":"d"}}),
            ),
            (json!({"a":[{"b":"c"}]}), json!({"a":[1]}), json!({"a":[1]})),
            (json!(["a", "b"]), json!(["c", "d"]), json!(["c", "d"])),
            (json!({"a":"b"}), json!(["c"]), json!(["c"])),
            (json!({"a":"foo"}), json!(null), json!(null)),
            (json!({"a":"foo"}), json!("bar"), json!("bar")),
            (json!({"e":null}), json!({"a":1}), json!({"e":null,"a":1})),
            (json!([1, 2]), json!({"a":"b","c":null}), json!({"a":"b"})),
            (
                json!({}),
                json!({"a":{"bb":{"ccc":null}}}),
                json!({"a":{"bb":{}}}),
            ),
        ];
        for (target, patch, want) in cases {
            let mut t = target.clone();
            merge_patch(&mut t, &patch);
            assert_eq!(t, want, "{target} + {patch}");
        }
    }

    #[test]
    fn three_way_removes_only_what_the_user_managed() {
        let original =
            json!({"metadata":{"labels":{"app":"web","tier":"fe"}},"spec":{"replicas":3}});
        let modified = json!({"metadata":{"labels":{"app":"web"}},"spec":{"replicas":5}});
        let current = json!({"metadata":{"labels":{"app":"web","tier":"fe","added-by-hand":"x"}},"spec":{"replicas":3,"paused":false}});
        let patch = three_way_merge_patch(&original, &modified, &current);
        assert_eq!(
            patch,
            json!({"metadata":{"labels":{"tier":null}},"spec":{"replicas":5}})
        );
        let mut applied = current.clone();
        merge_patch(&mut applied, &patch);
        assert_eq!(
            applied["metadata"]["labels"],
            json!({"app":"web","added-by-hand":"x"})
        );
    }

    /// After strategicpatch's TestStrategicMergePatch cases for merging lists by key: the
    /// named container is updated in place and keeps its other fields, a new one is
    /// appended, `$patch: delete` removes one, a list without a merge key is replaced and
    /// `null` still deletes a map key.
    #[test]
    fn strategic_merge_patch_merges_named_lists() {
        let mut pod = json!({
            "metadata": {"labels": {"app": "web", "tier": "front"}},
            "spec": {
                "containers": [
                    {"name": "web", "image": "nginx:1.9", "ports": [{"containerPort": 80}]},
                    {"name": "log", "image": "fluentd"}
                ],
                "tolerations": [{"key": "a", "operator": "Exists"}]
            }
        });
        strategic_merge_patch(
            &mut pod,
            &json!({
                "metadata": {"labels": {"tier": null}},
                "spec": {
                    "containers": [
                        {"name": "web", "image": "nginx:1.10"},
                        {"name": "log", "$patch": "delete"},
                        {"name": "sidecar", "image": "envoy"}
                    ],
                    "tolerations": [{"key": "b", "operator": "Exists"}]
                }
            }),
        );
        assert_eq!(
            pod,
            json!({
                "metadata": {"labels": {"app": "web"}},
                "spec": {
                    "containers": [
                        {"name": "web", "image": "nginx:1.10", "ports": [{"containerPort": 80}]},
                        {"name": "sidecar", "image": "envoy"}
                    ],
                    "tolerations": [{"key": "b", "operator": "Exists"}]
                }
            })
        );
        // The same patch as a JSON merge patch replaces the containers list whole.
        let mut merged = json!({"spec": {"containers": [{"name": "web", "image": "a", "ports": [{"containerPort": 80}]}]}});
        merge_patch(
            &mut merged,
            &json!({"spec": {"containers": [{"name": "web", "image": "b"}]}}),
        );
        assert_eq!(
            merged,
            json!({"spec": {"containers": [{"name": "web", "image": "b"}]}})
        );
    }
}
