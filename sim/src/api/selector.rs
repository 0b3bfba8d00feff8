//! Label selectors: metav1.LabelSelector (matchLabels + matchExpressions) and the string form
//! `kubectl -l` and list requests use (`app=web,tier!=db,env in (a,b),!legacy`).
//! Mirrors staging/src/k8s.io/apimachinery/pkg/labels/selector.go and
//! pkg/apis/meta/v1/helpers.go (LabelSelectorAsSelector).

use crate::api::types::{Name, StringMap};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SelectorOperator {
    In,
    NotIn,
    Exists,
    DoesNotExist,
    Equals,
    NotEquals,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Requirement {
    pub key: Name,
    pub operator: SelectorOperator,
    /// Sorted, as upstream's NewRequirement sorts them.
    pub values: Vec<Name>,
}

impl Requirement {
    /// labels.Requirement.Matches.
    pub fn matches(&self, labels: &StringMap) -> bool {
        let value = labels.get(&self.key);
        match self.operator {
            SelectorOperator::In | SelectorOperator::Equals => {
                value.is_some_and(|v| self.values.iter().any(|x| x == v))
            }
            SelectorOperator::NotIn | SelectorOperator::NotEquals => {
                value.is_none_or(|v| !self.values.iter().any(|x| x == v))
            }
            SelectorOperator::Exists => value.is_some(),
            SelectorOperator::DoesNotExist => value.is_none(),
        }
    }
}

impl std::fmt::Display for Requirement {
    /// labels.Requirement.String.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.operator {
            SelectorOperator::Exists => write!(f, "{}", self.key),
            SelectorOperator::DoesNotExist => write!(f, "!{}", self.key),
            SelectorOperator::Equals => write!(f, "{}={}", self.key, self.values[0]),
            SelectorOperator::NotEquals => write!(f, "{}!={}", self.key, self.values[0]),
            SelectorOperator::In | SelectorOperator::NotIn => {
                let op = if self.operator == SelectorOperator::In {
                    "in"
                } else {
                    "notin"
                };
                write!(f, "{} {} (", self.key, op)?;
                for (i, v) in self.values.iter().enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    f.write_str(v)?;
                }
                f.write_str(")")
            }
        }
    }
}

/// metav1.LabelSelector. An empty selector matches everything (LabelSelectorAsSelector);
/// "matches nothing" is expressed by the absence of a selector (`Option::None`) at the use site.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct LabelSelector {
    pub match_labels: StringMap,
    pub match_expressions: Vec<Requirement>,
}

impl LabelSelector {
    pub fn from_match_labels(labels: StringMap) -> Self {
        LabelSelector {
            match_labels: labels,
            match_expressions: Vec::new(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.match_labels.is_empty() && self.match_expressions.is_empty()
    }

    pub fn matches(&self, labels: &StringMap) -> bool {
        labels.contains_all(&self.match_labels)
            && self.match_expressions.iter().all(|r| r.matches(labels))
    }

    /// Parses the string form of a selector (labels.Parse). Errors carry upstream's wording.
    pub fn parse(s: &str) -> Result<LabelSelector, String> {
        let mut sel = LabelSelector::default();
        for req in split_top_level(s)? {
            let req = req.trim();
            if req.is_empty() {
                return Err(format!("found '', expected: identifier in selector {s:?}"));
            }
            sel.match_expressions.push(parse_requirement(req)?);
        }
        Ok(sel)
    }

    /// A selector that matches exactly the given labels and nothing beyond them.
    pub fn to_requirements(&self) -> Vec<Requirement> {
        let mut out: Vec<Requirement> = self
            .match_labels
            .iter()
            .map(|(k, v)| Requirement {
                key: k.into(),
                operator: SelectorOperator::In,
                values: vec![v.into()],
            })
            .collect();
        out.extend(self.match_expressions.iter().cloned());
        out
    }
}

impl std::fmt::Display for LabelSelector {
    /// The selector string as upstream prints it: requirements sorted by key, `=` for single
    /// matchLabels values.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut reqs: Vec<String> = self
            .match_labels
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        let mut exprs: Vec<&Requirement> = self.match_expressions.iter().collect();
        exprs.sort_by(|a, b| a.key.cmp(&b.key));
        reqs.extend(exprs.iter().map(|r| r.to_string()));
        reqs.sort();
        f.write_str(&reqs.join(","))
    }
}

/// Splits at commas that are not inside parentheses.
fn split_top_level(s: &str) -> Result<Vec<&str>, String> {
    if s.trim().is_empty() {
        return Ok(Vec::new());
    }
    let mut parts = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    for (i, c) in s.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth < 0 {
                    return Err(format!("unexpected ')' in selector {s:?}"));
                }
            }
            ',' if depth == 0 => {
                parts.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    if depth != 0 {
        return Err(format!("found '', expected: ')' in selector {s:?}"));
    }
    parts.push(&s[start..]);
    Ok(parts)
}

fn parse_requirement(req: &str) -> Result<Requirement, String> {
    let value_list = |rest: &str| -> Result<Vec<Name>, String> {
        let rest = rest.trim();
        let inner = rest
            .strip_prefix('(')
            .and_then(|r| r.strip_suffix(')'))
            .ok_or_else(|| format!("found '{rest}', expected: '('"))?;
        let mut values: Vec<Name> = inner
            .split(',')
            .map(|v| Name::from(v.trim()))
            .filter(|v| !v.is_empty())
            .collect();
        values.sort();
        values.dedup();
        Ok(values)
    };
    if let Some(key) = req.strip_prefix('!') {
        return Ok(Requirement {
            key: check_key(key.trim())?,
            operator: SelectorOperator::DoesNotExist,
            values: Vec::new(),
        });
    }
    for (word, op) in [
        (" notin ", SelectorOperator::NotIn),
        (" in ", SelectorOperator::In),
    ] {
        if let Some(i) = req.find(word) {
            return Ok(Requirement {
                key: check_key(req[..i].trim())?,
                operator: op,
                values: value_list(&req[i + word.len()..])?,
            });
        }
    }
    for (sym, op) in [
        ("!=", SelectorOperator::NotEquals),
        ("==", SelectorOperator::Equals),
        ("=", SelectorOperator::Equals),
    ] {
        if let Some(i) = req.find(sym) {
            let value = req[i + sym.len()..].trim();
            let problems = crate::api::validation::is_valid_label_value(value);
            if let Some(p) = problems.first() {
                return Err(format!("invalid label value: \"{value}\": {p}"));
            }
            return Ok(Requirement {
                key: check_key(req[..i].trim())?,
                operator: op,
                values: vec![value.into()],
            });
        }
    }
    Ok(Requirement {
        key: check_key(req.trim())?,
        operator: SelectorOperator::Exists,
        values: Vec::new(),
    })
}

fn check_key(key: &str) -> Result<Name, String> {
    let problems = crate::api::validation::is_qualified_name(key);
    match problems.first() {
        Some(p) => Err(format!("invalid label key \"{key}\": {p}")),
        None => Ok(key.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> StringMap {
        pairs.iter().copied().collect()
    }

    #[test]
    fn empty_selector_matches_everything() {
        let sel = LabelSelector::default();
        assert!(sel.matches(&labels(&[])));
        assert!(sel.matches(&labels(&[("a", "b")])));
    }

    // Cases after TestSelectorMatches in staging/src/k8s.io/apimachinery/pkg/labels/selector_test.go.
    #[test]
    fn string_selectors_match_as_upstream() {
        type Case<'a> = (&'a str, &'a [(&'a str, &'a str)], bool);
        let cases: &[Case] = &[
            ("", &[("x", "y")], true),
            ("x=y", &[("x", "y")], true),
            ("x=y,z=w", &[("x", "y"), ("z", "w")], true),
            ("x!=y,z!=w", &[("x", "z"), ("z", "a")], true),
            ("notin=in", &[("notin", "in")], true),
            ("x", &[("x", "z")], true),
            ("!x", &[("y", "z")], true),
            ("x in (y,z)", &[("x", "y")], true),
            ("x notin (y,z)", &[("x", "w")], true),
            ("x notin (y,z)", &[], true),
            ("x=z", &[], false),
            ("x=y", &[("x", "z")], false),
            ("x=y,z=w", &[("x", "w"), ("z", "w")], false),
            ("x!=y,z!=w", &[("x", "z"), ("z", "w")], false),
            ("x", &[("y", "z")], false),
            ("!x", &[("x", "z")], false),
            ("x in (y,z)", &[("x", "w")], false),
            ("x in (y,z)", &[], false),
            ("x notin (y,z)", &[("x", "y")], false),
        ];
        for (sel, lbls, want) in cases {
            let parsed = LabelSelector::parse(sel).unwrap();
            assert_eq!(parsed.matches(&labels(lbls)), *want, "{sel} on {lbls:?}");
        }
    }

    #[test]
    fn bad_selectors_are_errors() {
        for sel in ["x in (y", "x=a b", "-x=y", "x in y"] {
            assert!(LabelSelector::parse(sel).is_err(), "{sel}");
        }
    }

    #[test]
    fn match_labels_and_expressions_are_anded() {
        let sel = LabelSelector {
            match_labels: labels(&[("app", "web")]),
            match_expressions: vec![Requirement {
                key: "tier".into(),
                operator: SelectorOperator::NotIn,
                values: vec!["db".into()],
            }],
        };
        assert!(sel.matches(&labels(&[("app", "web"), ("tier", "fe")])));
        assert!(!sel.matches(&labels(&[("app", "web"), ("tier", "db")])));
        assert!(!sel.matches(&labels(&[("app", "api")])));
        assert_eq!(sel.to_string(), "app=web,tier notin (db)");
    }
}
