//! JSON merge patch (RFC 7386), what `kubectl patch --type=merge` and the API server's
//! `application/merge-patch+json` apply, and the three-way patch `kubectl apply` computes
//! from the last-applied configuration.

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
}
