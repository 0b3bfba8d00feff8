//! Field paths, field errors and name/label/annotation validation with upstream's exact
//! messages, mirroring `k8s.io/apimachinery/pkg/util/validation` (and its `field`
//! package), `pkg/api/validate/content`, `pkg/api/validation` and `apierrors.NewInvalid`.

// Upstream is mid-migration: label keys and values are checked by
// `pkg/api/validate/content` (whose length message says "bytes"), while the DNS name
// checks still live in `pkg/util/validation/validation.go` (whose says "characters").
// Both wordings are reproduced where upstream uses them.

use std::fmt;

// ---------------------------------------------------------------------------
// Field paths (staging/src/k8s.io/apimachinery/pkg/util/validation/field/path.go)
// ---------------------------------------------------------------------------

/// The path from an object's root to one field, e.g. `spec.containers[1].name`
/// (upstream `field.Path`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct FieldPath {
    elems: Vec<PathElem>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum PathElem {
    Name(String),
    Index(String),
}

impl FieldPath {
    /// The empty path; `FieldPath::root().child("spec")` is the path `spec`.
    pub fn root() -> Self {
        FieldPath::default()
    }

    /// A path starting at the field `name` (upstream `field.NewPath`).
    pub fn new(name: &str) -> Self {
        FieldPath::root().child(name)
    }

    /// The field `name` under this path (upstream `Path.Child`).
    pub fn child(&self, name: &str) -> Self {
        self.with(PathElem::Name(name.to_string()))
    }

    /// This path subscripted by a list index, `[1]` (upstream `Path.Index`).
    pub fn index(&self, index: usize) -> Self {
        self.with(PathElem::Index(index.to_string()))
    }

    /// This path subscripted by a map key, `[app]` (upstream `Path.Key`).
    pub fn key(&self, key: &str) -> Self {
        self.with(PathElem::Index(key.to_string()))
    }

    fn with(&self, elem: PathElem) -> Self {
        let mut elems = self.elems.clone();
        elems.push(elem);
        FieldPath { elems }
    }
}

impl fmt::Display for FieldPath {
    /// Upstream `Path.String()`: names joined by `.`, subscripts as `[x]`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, elem) in self.elems.iter().enumerate() {
            match elem {
                PathElem::Name(name) if !name.is_empty() => {
                    if i > 0 {
                        f.write_str(".")?;
                    }
                    f.write_str(name)?;
                }
                // An empty name prints as an empty subscript, as upstream does.
                PathElem::Name(_) => f.write_str("[]")?,
                PathElem::Index(index) => write!(f, "[{index}]")?,
            }
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------
// Field errors (staging/src/k8s.io/apimachinery/pkg/util/validation/field/errors.go)
// ---------------------------------------------------------------------------

/// Why a field is invalid (upstream `field.ErrorType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// A value that must be unique is repeated.
    Duplicate,
    /// A value is not permitted under the current conditions.
    Forbidden,
    /// A value is malformed or out of range.
    Invalid,
    /// A looked-up value does not exist.
    NotFound,
    /// A value is not one of an enumeration.
    NotSupported,
    /// A required value is missing.
    Required,
    /// A value is too long (the value itself is not shown).
    TooLong,
}

impl ErrorKind {
    /// The human-readable text (upstream `ErrorType.String()`), e.g. `Required value`.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::NotFound => "Not found",
            ErrorKind::Required => "Required value",
            ErrorKind::Duplicate => "Duplicate value",
            ErrorKind::Invalid => "Invalid value",
            ErrorKind::NotSupported => "Unsupported value",
            ErrorKind::Forbidden => "Forbidden",
            ErrorKind::TooLong => "Too long",
        }
    }

    /// The machine-readable cause type used in `Status.details.causes[].reason`
    /// (upstream `ErrorType` value), e.g. `FieldValueRequired`.
    pub fn cause_type(self) -> &'static str {
        match self {
            ErrorKind::NotFound => "FieldValueNotFound",
            ErrorKind::Required => "FieldValueRequired",
            ErrorKind::Duplicate => "FieldValueDuplicate",
            ErrorKind::Invalid => "FieldValueInvalid",
            ErrorKind::NotSupported => "FieldValueNotSupported",
            ErrorKind::Forbidden => "FieldValueForbidden",
            ErrorKind::TooLong => "FieldValueTooLong",
        }
    }
}

/// The offending value of a [`FieldError`], rendered the way upstream's `ErrorBody`
/// renders a Go value: strings are Go-quoted (`%q`), numbers, booleans and `Stringer`s
/// (such as a `resource.Quantity`) are printed as they are.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum BadValue {
    /// A Go `string`: shown quoted, `"web"`.
    Str(String),
    /// A number, boolean or `Stringer`, already formatted: shown verbatim, `-1`.
    Raw(String),
}

impl From<&str> for BadValue {
    fn from(s: &str) -> Self {
        BadValue::Str(s.to_string())
    }
}

impl From<String> for BadValue {
    fn from(s: String) -> Self {
        BadValue::Str(s)
    }
}

impl From<&String> for BadValue {
    fn from(s: &String) -> Self {
        BadValue::Str(s.clone())
    }
}

macro_rules! raw_bad_value {
    ($($t:ty),*) => {$(
        impl From<$t> for BadValue {
            fn from(v: $t) -> Self {
                BadValue::Raw(v.to_string())
            }
        }
    )*};
}
raw_bad_value!(i32, i64, u32, u64, usize, bool);

impl fmt::Display for BadValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BadValue::Str(s) => f.write_str(&go_quote(s)),
            BadValue::Raw(s) => f.write_str(s),
        }
    }
}

/// One field-level validation error (upstream `field.Error`).
///
/// Displays as `<field>: <body>` exactly like upstream's `Error()`, e.g.
/// `spec.containers[1].name: Duplicate value: "web"`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FieldError {
    /// What is wrong.
    pub kind: ErrorKind,
    /// The field path, already rendered (`spec.replicas`).
    pub field: String,
    /// The offending value; `None` is Go's `nil` and shows as `null`. Never shown for
    /// `Required`, `Forbidden` and `TooLong`.
    pub bad_value: Option<BadValue>,
    /// Extra explanation appended after the value.
    pub detail: String,
}

/// A list of field errors (upstream `field.ErrorList`).
pub type ErrorList = Vec<FieldError>;

impl FieldError {
    fn build(
        kind: ErrorKind,
        path: &FieldPath,
        bad_value: Option<BadValue>,
        detail: String,
    ) -> Self {
        FieldError {
            kind,
            field: path.to_string(),
            bad_value,
            detail,
        }
    }

    /// A required value is missing (upstream `field.Required`).
    pub fn required(path: &FieldPath, detail: impl Into<String>) -> Self {
        Self::build(ErrorKind::Required, path, None, detail.into())
    }

    /// A malformed value (upstream `field.Invalid`).
    pub fn invalid(
        path: &FieldPath,
        value: impl Into<BadValue>,
        detail: impl Into<String>,
    ) -> Self {
        Self::build(ErrorKind::Invalid, path, Some(value.into()), detail.into())
    }

    /// A repeated value that must be unique (upstream `field.Duplicate`).
    pub fn duplicate(path: &FieldPath, value: impl Into<BadValue>) -> Self {
        Self::build(
            ErrorKind::Duplicate,
            path,
            Some(value.into()),
            String::new(),
        )
    }

    /// A value outside an enumeration (upstream `field.NotSupported`); the detail lists
    /// the valid values Go-quoted: `supported values: "OnFailure", "Never"`.
    pub fn not_supported(path: &FieldPath, value: impl Into<BadValue>, valid: &[&str]) -> Self {
        let detail = if valid.is_empty() {
            String::new()
        } else {
            let quoted: Vec<String> = valid.iter().map(|v| go_quote(v)).collect();
            format!("supported values: {}", quoted.join(", "))
        };
        Self::build(ErrorKind::NotSupported, path, Some(value.into()), detail)
    }

    /// A value not allowed under the current conditions (upstream `field.Forbidden`).
    pub fn forbidden(path: &FieldPath, detail: impl Into<String>) -> Self {
        Self::build(ErrorKind::Forbidden, path, None, detail.into())
    }

    /// A value longer than `max_length` bytes (upstream `field.TooLong`); a negative
    /// `max_length` gives the generic "value is too long".
    pub fn too_long(path: &FieldPath, max_length: i64) -> Self {
        let detail = match max_length {
            1 => "may not be more than 1 byte".to_string(),
            n if n >= 0 => format!("may not be more than {n} bytes"),
            _ => "value is too long".to_string(),
        };
        Self::build(ErrorKind::TooLong, path, None, detail)
    }

    /// A looked-up value does not exist (upstream `field.NotFound`).
    pub fn not_found(path: &FieldPath, value: impl Into<BadValue>) -> Self {
        Self::build(ErrorKind::NotFound, path, Some(value.into()), String::new())
    }

    /// The message without the field name (upstream `Error.ErrorBody()`), as used in
    /// `Status.details.causes[].message`.
    pub fn body(&self) -> String {
        let mut s = self.kind.as_str().to_string();
        match self.kind {
            ErrorKind::Required | ErrorKind::Forbidden | ErrorKind::TooLong => {}
            _ => {
                s.push_str(": ");
                match &self.bad_value {
                    Some(v) => s.push_str(&v.to_string()),
                    None => s.push_str("null"),
                }
            }
        }
        if !self.detail.is_empty() {
            s.push_str(": ");
            s.push_str(&self.detail);
        }
        s
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.body())
    }
}

impl std::error::Error for FieldError {}

/// The text of `errs.ToAggregate()` (field/errors.go and util/errors/errors.go):
/// duplicate messages dropped, one message alone, several as `[a, b]`; `None` if empty.
pub fn aggregate_message(errs: &[FieldError]) -> Option<String> {
    let mut seen: Vec<String> = Vec::new();
    for err in errs {
        let msg = err.to_string();
        if !seen.contains(&msg) {
            seen.push(msg);
        }
    }
    match seen.len() {
        0 => None,
        1 => seen.pop(),
        _ => Some(format!("[{}]", seen.join(", "))),
    }
}

/// The message of the API server's 422 Invalid error (upstream `apierrors.NewInvalid`
/// in `staging/src/k8s.io/apimachinery/pkg/api/errors/errors.go`):
/// `Pod "web" is invalid: spec.containers[1].name: Duplicate value: "web"`.
///
/// `group` is empty for the core group; otherwise the kind is shown as
/// `Deployment.apps` (upstream `GroupKind.String()`).
pub fn invalid_message(group: &str, kind: &str, name: &str, errs: &[FieldError]) -> String {
    let qualified = if group.is_empty() {
        kind.to_string()
    } else {
        format!("{kind}.{group}")
    };
    match aggregate_message(errs) {
        Some(agg) => format!("{qualified} {} is invalid: {agg}", go_quote(name)),
        None => format!("{qualified} {} is invalid", go_quote(name)),
    }
}

/// Go's `strconv.Quote` (what `%q` prints for a string).
///
/// Exact for ASCII. For other characters Go consults `unicode.IsPrint`; this
/// approximation escapes controls, spaces other than U+0020, format characters and
/// private-use/non-characters, and prints everything else as is.
pub fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            c if go_is_print(c) => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out.push('"');
    out
}

/// Approximates Go's `unicode.IsPrint` (see [`go_quote`]).
fn go_is_print(c: char) -> bool {
    if c.is_ascii() {
        return (' '..='~').contains(&c);
    }
    let u = c as u32;
    let format_char = matches!(
        u,
        0xAD | 0x600..=0x605
            | 0x61C
            | 0x6DD
            | 0x70F
            | 0x8E2
            | 0x180E
            | 0x200B..=0x200F
            | 0x202A..=0x202E
            | 0x2060..=0x2064
            | 0x2066..=0x206F
            | 0xFEFF
            | 0xFFF9..=0xFFFB
            | 0x110BD
            | 0x110CD
            | 0x13430..=0x1343F
            | 0x1BCA0..=0x1BCA3
            | 0x1D173..=0x1D17A
            | 0xE0001
            | 0xE0020..=0xE007F
    );
    let private_or_nonchar = matches!(u, 0xE000..=0xF8FF | 0xF0000..=0x10FFFF)
        || (u & 0xFFFE) == 0xFFFE
        || (0xFDD0..=0xFDEF).contains(&u);
    !(c.is_control() || c.is_whitespace() || format_char || private_or_nonchar)
}

// ---------------------------------------------------------------------------
// Message helpers
// ---------------------------------------------------------------------------

/// `MaxLenError` of `staging/src/k8s.io/apimachinery/pkg/util/validation/validation.go`,
/// used by the DNS name checks: `must be no more than 63 characters`.
pub fn max_len_error(length: usize) -> String {
    format!("must be no more than {length} characters")
}

/// `MaxLenError` of `staging/src/k8s.io/apimachinery/pkg/api/validate/content/errors.go`,
/// used by the label key/value checks: `must be no more than 63 bytes`.
fn content_max_len_error(length: usize) -> String {
    format!("must be no more than {length} bytes")
}

/// `RegexError` (util/validation/validation.go, content/errors.go): the message, the
/// examples and the regex, e.g. `... (e.g. 'my-name',  or '123-abc', regex used for
/// validation is '...')` (sic: two spaces before "or", as upstream).
pub fn regex_error(msg: &str, regex: &str, examples: &[&str]) -> String {
    if examples.is_empty() {
        return format!("{msg} (regex used for validation is '{regex}')");
    }
    let mut out = format!("{msg} (e.g. ");
    for (i, example) in examples.iter().enumerate() {
        if i > 0 {
            out.push_str(" or ");
        }
        out.push('\'');
        out.push_str(example);
        out.push_str("', ");
    }
    out.push_str("regex used for validation is '");
    out.push_str(regex);
    out.push_str("')");
    out
}

/// `EmptyError` (util/validation/validation.go): `must be non-empty`.
pub fn empty_error() -> String {
    "must be non-empty".to_string()
}

// ---------------------------------------------------------------------------
// Predicates (util/validation/validation.go, api/validate/content/{dns,kube}.go)
// ---------------------------------------------------------------------------

/// `DNS1123LabelMaxLength` (util/validation/validation.go).
pub const DNS1123_LABEL_MAX_LENGTH: usize = 63;
/// `DNS1123SubdomainMaxLength` (util/validation/validation.go).
pub const DNS1123_SUBDOMAIN_MAX_LENGTH: usize = 253;
/// `DNS1035LabelMaxLength` (util/validation/validation.go).
pub const DNS1035_LABEL_MAX_LENGTH: usize = 63;
/// `labelKeyMaxLength` (api/validate/content/kube.go): the name part of a label key.
pub const LABEL_KEY_NAME_MAX_LENGTH: usize = 63;
/// `LabelValueMaxLength` (api/validate/content/kube.go).
pub const LABEL_VALUE_MAX_LENGTH: usize = 63;
/// `TotalAnnotationSizeLimitB` (api/validation/objectmeta.go): 256 KiB of keys + values.
pub const TOTAL_ANNOTATION_SIZE_LIMIT_B: usize = 256 * (1 << 10);
/// `MaxGeneratedNameLength` (apiserver/pkg/storage/names/generate.go): 63 - 5.
pub const MAX_GENERATED_NAME_LENGTH: usize = 58;

const DNS1123_LABEL_FMT: &str = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
const DNS1123_LABEL_ERR_MSG: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";
const DNS1123_SUBDOMAIN_FMT: &str =
    "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";
const DNS1123_SUBDOMAIN_ERR_MSG: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
const DNS1035_LABEL_FMT: &str = "[a-z]([-a-z0-9]*[a-z0-9])?";
const DNS1035_LABEL_ERR_MSG: &str = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character";
const LABEL_KEY_FMT: &str = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
const LABEL_KEY_ERR_MSG: &str = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const LABEL_VALUE_FMT: &str = "(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?";
const LABEL_VALUE_ERR_MSG: &str = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";

fn is_lower_alnum(b: u8) -> bool {
    b.is_ascii_lowercase() || b.is_ascii_digit()
}

/// Matches `^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`.
fn matches_dns1123_label(s: &str) -> bool {
    let b = s.as_bytes();
    match (b.first(), b.last()) {
        (Some(&first), Some(&last)) => {
            is_lower_alnum(first)
                && is_lower_alnum(last)
                && b.iter().all(|&c| is_lower_alnum(c) || c == b'-')
        }
        _ => false,
    }
}

/// Matches the DNS-1123 subdomain regex: dot-separated DNS-1123 labels.
fn matches_dns1123_subdomain(s: &str) -> bool {
    s.split('.').all(matches_dns1123_label)
}

/// Matches `^[a-z]([-a-z0-9]*[a-z0-9])?$`.
fn matches_dns1035_label(s: &str) -> bool {
    matches_dns1123_label(s) && s.as_bytes().first().is_some_and(u8::is_ascii_lowercase)
}

/// Matches `^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$`.
fn matches_label_key_name(s: &str) -> bool {
    let b = s.as_bytes();
    match (b.first(), b.last()) {
        (Some(first), Some(last)) => {
            first.is_ascii_alphanumeric()
                && last.is_ascii_alphanumeric()
                && b.iter()
                    .all(|&c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
        }
        _ => false,
    }
}

/// `IsDNS1123Label`: a DNS label (RFC 1123), at most 63 bytes. Empty result means valid.
pub fn is_dns1123_label(value: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if value.len() > DNS1123_LABEL_MAX_LENGTH {
        errs.push(max_len_error(DNS1123_LABEL_MAX_LENGTH));
    }
    if !matches_dns1123_label(value) {
        if matches_dns1123_subdomain(value) {
            // "It was a valid subdomain and not a valid label. Since we already checked
            // length, it must be dots." (validation.go)
            errs.push("must not contain dots".to_string());
        } else {
            errs.push(regex_error(
                DNS1123_LABEL_ERR_MSG,
                DNS1123_LABEL_FMT,
                &["my-name", "123-abc"],
            ));
        }
    }
    errs
}

/// The subdomain check with either upstream length message.
fn dns1123_subdomain_errors(value: &str, max_len: fn(usize) -> String) -> Vec<String> {
    let mut errs = Vec::new();
    if value.len() > DNS1123_SUBDOMAIN_MAX_LENGTH {
        errs.push(max_len(DNS1123_SUBDOMAIN_MAX_LENGTH));
    }
    if !matches_dns1123_subdomain(value) {
        errs.push(regex_error(
            DNS1123_SUBDOMAIN_ERR_MSG,
            DNS1123_SUBDOMAIN_FMT,
            &["example.com"],
        ));
    }
    errs
}

/// `IsDNS1123Subdomain`: a DNS subdomain (RFC 1123), at most 253 bytes.
pub fn is_dns1123_subdomain(value: &str) -> Vec<String> {
    dns1123_subdomain_errors(value, max_len_error)
}

/// `IsDNS1035Label`: a DNS label (RFC 1035, starts with a letter), at most 63 bytes.
pub fn is_dns1035_label(value: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if value.len() > DNS1035_LABEL_MAX_LENGTH {
        errs.push(max_len_error(DNS1035_LABEL_MAX_LENGTH));
    }
    if !matches_dns1035_label(value) {
        errs.push(regex_error(
            DNS1035_LABEL_ERR_MSG,
            DNS1035_LABEL_FMT,
            &["my-name", "abc-123"],
        ));
    }
    errs
}

/// `IsQualifiedName` (= `content.IsLabelKey`): a label or annotation key, a name of at
/// most 63 bytes with an optional DNS-subdomain prefix and `/`.
pub fn is_qualified_name(value: &str) -> Vec<String> {
    let mut errs = Vec::new();
    let parts: Vec<&str> = value.split('/').collect();
    let name = match parts.as_slice() {
        [name] => *name,
        [prefix, name] => {
            if prefix.is_empty() {
                errs.push(format!("prefix part {}", empty_error()));
            } else {
                for msg in dns1123_subdomain_errors(prefix, content_max_len_error) {
                    errs.push(format!("prefix part {msg}"));
                }
            }
            *name
        }
        _ => {
            errs.push(format!(
                "a valid label key {} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
                regex_error(LABEL_KEY_ERR_MSG, LABEL_KEY_FMT, &["MyName", "my.name", "123-abc"])
            ));
            return errs;
        }
    };
    if name.is_empty() {
        errs.push(format!("name part {}", empty_error()));
    } else if name.len() > LABEL_KEY_NAME_MAX_LENGTH {
        errs.push(format!(
            "name part {}",
            content_max_len_error(LABEL_KEY_NAME_MAX_LENGTH)
        ));
    }
    if !matches_label_key_name(name) {
        errs.push(format!(
            "name part {}",
            regex_error(
                LABEL_KEY_ERR_MSG,
                LABEL_KEY_FMT,
                &["MyName", "my.name", "123-abc"]
            )
        ));
    }
    errs
}

/// `IsValidLabelValue` (= `content.IsLabelValue`): empty, or a name-like value of at
/// most 63 bytes.
pub fn is_valid_label_value(value: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if value.len() > LABEL_VALUE_MAX_LENGTH {
        errs.push(content_max_len_error(LABEL_VALUE_MAX_LENGTH));
    }
    if !value.is_empty() && !matches_label_key_name(value) {
        errs.push(regex_error(
            LABEL_VALUE_ERR_MSG,
            LABEL_VALUE_FMT,
            &["MyValue", "my_value", "12345"],
        ));
    }
    errs
}

// ---------------------------------------------------------------------------
// Field validators (apis/meta/v1/validation/validation.go, api/validation/*.go)
// ---------------------------------------------------------------------------

/// `ValidateLabelName`: a label key, errors reported at `path`.
pub fn validate_label_name(name: &str, path: &FieldPath) -> ErrorList {
    is_qualified_name(name)
        .into_iter()
        .map(|msg| FieldError::invalid(path, name, msg))
        .collect()
}

/// `ValidateLabels`: every key and value; errors are reported at `path` itself
/// (`metadata.labels: Invalid value: "x": ...`), keys before values, in input order.
pub fn validate_labels<'a>(
    labels: impl IntoIterator<Item = (&'a str, &'a str)>,
    path: &FieldPath,
) -> ErrorList {
    let mut errs = ErrorList::new();
    for (key, value) in labels {
        errs.extend(validate_label_name(key, path));
        for msg in is_valid_label_value(value) {
            errs.push(FieldError::invalid(path, value, msg));
        }
    }
    errs
}

/// `ValidateAnnotations`: keys are qualified names compared lower-cased, and keys plus
/// values may total at most [`TOTAL_ANNOTATION_SIZE_LIMIT_B`] bytes.
pub fn validate_annotations<'a>(
    annotations: impl IntoIterator<Item = (&'a str, &'a str)>,
    path: &FieldPath,
) -> ErrorList {
    let mut errs = ErrorList::new();
    let mut total: usize = 0;
    for (key, value) in annotations {
        // "The rule is QualifiedName except that case doesn't matter" (objectmeta.go)
        for msg in is_qualified_name(&key.to_lowercase()) {
            errs.push(FieldError::invalid(path, key, msg));
        }
        total = total.saturating_add(key.len()).saturating_add(value.len());
    }
    if total > TOTAL_ANNOTATION_SIZE_LIMIT_B {
        errs.push(FieldError::too_long(
            path,
            TOTAL_ANNOTATION_SIZE_LIMIT_B as i64,
        ));
    }
    errs
}

/// Upstream `ValidateNameFunc`: `(name, prefix)` to messages; `prefix` is true when the
/// name is a `generateName` that will get a suffix appended.
pub type ValidateNameFn = fn(&str, bool) -> Vec<String>;

/// `maskTrailingDash` (api/validation/generic.go): for a generateName, a trailing `-`
/// is acceptable; upstream replaces the last *two* bytes with `a` (a kept quirk).
fn mask_trailing_dash(name: &str) -> String {
    if name.len() > 1 && name.ends_with('-') {
        let mut cut = name.len() - 2;
        while !name.is_char_boundary(cut) {
            cut -= 1;
        }
        format!("{}a", &name[..cut])
    } else {
        name.to_string()
    }
}

/// `NameIsDNSSubdomain` (api/validation/generic.go).
pub fn name_is_dns_subdomain(name: &str, prefix: bool) -> Vec<String> {
    if prefix {
        is_dns1123_subdomain(&mask_trailing_dash(name))
    } else {
        is_dns1123_subdomain(name)
    }
}

/// `NameIsDNSLabel` (api/validation/generic.go).
pub fn name_is_dns_label(name: &str, prefix: bool) -> Vec<String> {
    if prefix {
        is_dns1123_label(&mask_trailing_dash(name))
    } else {
        is_dns1123_label(name)
    }
}

/// `NameIsDNS1035Label` (api/validation/generic.go).
pub fn name_is_dns1035_label(name: &str, prefix: bool) -> Vec<String> {
    if prefix {
        is_dns1035_label(&mask_trailing_dash(name))
    } else {
        is_dns1035_label(name)
    }
}

fn name_errors(name: &str, path: &FieldPath, check: ValidateNameFn) -> ErrorList {
    check(name, false)
        .into_iter()
        .map(|msg| FieldError::invalid(path, name, msg))
        .collect()
}

/// A name that must be a DNS subdomain (most kinds), errors at `path`.
pub fn validate_name_dns1123_subdomain(name: &str, path: &FieldPath) -> ErrorList {
    name_errors(name, path, name_is_dns_subdomain)
}

/// A name that must be a DNS-1123 label (e.g. Namespace), errors at `path`.
pub fn validate_name_dns1123_label(name: &str, path: &FieldPath) -> ErrorList {
    name_errors(name, path, name_is_dns_label)
}

/// A name that must be a DNS-1035 label (e.g. Service), errors at `path`.
pub fn validate_name_dns1035_label(name: &str, path: &FieldPath) -> ErrorList {
    name_errors(name, path, name_is_dns1035_label)
}

/// The name part of `ValidateObjectMetaAccessor` (api/validation/objectmeta.go):
/// a non-empty `generate_name` is checked with `prefix = true` at
/// `<meta>.generateName`; an empty `name` is `Required` ("name or generateName is
/// required"), otherwise it is checked at `<meta>.name`. As upstream, this expects name
/// generation to have happened already (see [`generate_name`]).
pub fn validate_object_meta_name(
    name: &str,
    generate_name: &str,
    name_fn: ValidateNameFn,
    meta_path: &FieldPath,
) -> ErrorList {
    let mut errs = ErrorList::new();
    if !generate_name.is_empty() {
        let path = meta_path.child("generateName");
        for msg in name_fn(generate_name, true) {
            errs.push(FieldError::invalid(&path, generate_name, msg));
        }
    }
    let path = meta_path.child("name");
    if name.is_empty() {
        errs.push(FieldError::required(
            &path,
            "name or generateName is required",
        ));
    } else {
        for msg in name_fn(name, false) {
            errs.push(FieldError::invalid(&path, name, msg));
        }
    }
    errs
}

/// `SimpleNameGenerator.GenerateName` (apiserver/pkg/storage/names/generate.go):
/// `base` cut to [`MAX_GENERATED_NAME_LENGTH`] bytes, then the random suffix (upstream
/// draws 5 characters; a deterministic caller passes its own). The cut backs off to a
/// character boundary where upstream would split a multi-byte character.
pub fn generate_name(base: &str, random_suffix: &str) -> String {
    let mut cut = base.len().min(MAX_GENERATED_NAME_LENGTH);
    while !base.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}{random_suffix}", &base[..cut])
}

#[cfg(test)]
mod tests {
    use super::*;

    const LABEL_REGEX_MSG: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
    const SUBDOMAIN_REGEX_MSG: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

    fn check(f: fn(&str) -> Vec<String>, good: &[&str], bad: &[&str], name: &str) {
        for v in good {
            assert!(f(v).is_empty(), "{name}: expected valid {v:?}: {:?}", f(v));
        }
        for v in bad {
            assert!(!f(v).is_empty(), "{name}: expected invalid {v:?}");
        }
    }

    /// validation_test.go TestIsDNS1123Label.
    #[test]
    fn dns1123_label() {
        let long_ok = "a".repeat(63);
        let long_bad = "a".repeat(64);
        let good = [
            "a",
            "ab",
            "abc",
            "a1",
            "a-1",
            "a--1--2--b",
            "0",
            "01",
            "012",
            "1a",
            "1-a",
            "1--a--b--2",
            &long_ok,
        ];
        let bad = [
            "", "A", "ABC", "aBc", "A1", "A-1", "1-A", "-", "a-", "-a", "1-", "-1", "_", "a_",
            "_a", "a_b", "1_", "_1", "1_2", ".", "a.", ".a", "a.b", "1.", ".1", "1.2", " ", "a ",
            " a", "a b", "1 ", " 1", "1 2", &long_bad,
        ];
        check(is_dns1123_label, &good, &bad, "IsDNS1123Label");
        assert_eq!(is_dns1123_label("a.b"), vec!["must not contain dots"]);
        assert_eq!(is_dns1123_label("A"), vec![LABEL_REGEX_MSG]);
        assert_eq!(
            is_dns1123_label(&long_bad),
            vec!["must be no more than 63 characters"]
        );
    }

    /// validation_test.go TestIsDNS1123Subdomain.
    #[test]
    fn dns1123_subdomain() {
        let long_ok = "a".repeat(253);
        let long_bad = "a".repeat(254);
        let good = [
            "a",
            "ab",
            "abc",
            "a1",
            "a-1",
            "a--1--2--b",
            "0",
            "01",
            "012",
            "1a",
            "1-a",
            "1--a--b--2",
            "a.a",
            "ab.a",
            "abc.a",
            "a1.a",
            "a-1.a",
            "a--1--2--b.a",
            "a.1",
            "ab.1",
            "abc.1",
            "a1.1",
            "a-1.1",
            "a--1--2--b.1",
            "0.a",
            "01.a",
            "012.a",
            "1a.a",
            "1-a.a",
            "1--a--b--2",
            "0.1",
            "01.1",
            "012.1",
            "1a.1",
            "1-a.1",
            "1--a--b--2.1",
            "a.b.c.d.e",
            "aa.bb.cc.dd.ee",
            "1.2.3.4.5",
            "11.22.33.44.55",
            &long_ok,
        ];
        let bad = [
            "",
            "A",
            "ABC",
            "aBc",
            "A1",
            "A-1",
            "1-A",
            "-",
            "a-",
            "-a",
            "1-",
            "-1",
            "_",
            "a_",
            "_a",
            "a_b",
            "1_",
            "_1",
            "1_2",
            ".",
            "a.",
            ".a",
            "a..b",
            "1.",
            ".1",
            "1..2",
            " ",
            "a ",
            " a",
            "a b",
            "1 ",
            " 1",
            "1 2",
            "A.a",
            "aB.a",
            "ab.A",
            "A1.a",
            "a1.A",
            "A.1",
            "aB.1",
            "A1.1",
            "1A.1",
            "0.A",
            "01.A",
            "012.A",
            "1A.a",
            "1a.A",
            "A.B.C.D.E",
            "AA.BB.CC.DD.EE",
            "a.B.c.d.e",
            "aa.bB.cc.dd.ee",
            "a@b",
            "a,b",
            "a_b",
            "a;b",
            "a:b",
            "a%b",
            "a?b",
            "a$b",
            &long_bad,
        ];
        check(is_dns1123_subdomain, &good, &bad, "IsDNS1123Subdomain");
        assert_eq!(is_dns1123_subdomain("Web_1"), vec![SUBDOMAIN_REGEX_MSG]);
        assert_eq!(
            is_dns1123_subdomain(&long_bad),
            vec!["must be no more than 253 characters"]
        );
    }

    /// validation_test.go TestIsDNS1035Label.
    #[test]
    fn dns1035_label() {
        let long_ok = "a".repeat(63);
        let long_bad = "a".repeat(64);
        let good = ["a", "ab", "abc", "a1", "a-1", "a--1--2--b", &long_ok];
        let bad = [
            "0",
            "01",
            "012",
            "1a",
            "1-a",
            "1--a--b--2",
            "",
            "A",
            "ABC",
            "aBc",
            "A1",
            "A-1",
            "1-A",
            "-",
            "a-",
            "-a",
            "1-",
            "-1",
            "_",
            "a_",
            "_a",
            "a_b",
            "1_",
            "_1",
            "1_2",
            ".",
            "a.",
            ".a",
            "a.b",
            "1.",
            ".1",
            "1.2",
            " ",
            "a ",
            " a",
            "a b",
            "1 ",
            " 1",
            "1 2",
            &long_bad,
        ];
        check(is_dns1035_label, &good, &bad, "IsDNS1035Label");
        assert_eq!(
            is_dns1035_label("dummy_nginx"),
            vec!["a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"]
        );
    }

    /// validation_test.go TestIsQualifiedName (content/kube_test.go TestIsLabelKey).
    #[test]
    fn qualified_name() {
        let max_name = "a".repeat(63);
        let max_both = format!("{}/{}", "a".repeat(253), "b".repeat(63));
        let good = [
            "simple",
            "now-with-dashes",
            "1-starts-with-num",
            "1234",
            "simple/simple",
            "now-with-dashes/simple",
            "now-with-dashes/now-with-dashes",
            "now.with.dots/simple",
            "now-with.dashes-and.dots/simple",
            "1-num.2-num/3-num",
            "1234/5678",
            "1.2.3.4/5678",
            "Uppercase_Is_OK_123",
            "example.com/Uppercase_Is_OK_123",
            "requests.storage-foo",
            &max_name,
            &max_both,
        ];
        let long_name = "a".repeat(64);
        let long_prefix = format!("{}/abc", "a".repeat(254));
        let bad = [
            "nospecialchars%^=@",
            "cantendwithadash-",
            "-cantstartwithadash-",
            "only/one/slash",
            "Example.com/abc",
            "example_com/abc",
            "example.com/",
            "/simple",
            &long_name,
            &long_prefix,
        ];
        check(is_qualified_name, &good, &bad, "IsQualifiedName");

        let name_regex = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
        assert_eq!(
            is_qualified_name(&long_name),
            vec!["name part must be no more than 63 bytes"]
        );
        assert_eq!(
            is_qualified_name("only/one/slash"),
            vec![format!("a valid label key {name_regex} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')")]
        );
        assert_eq!(
            is_qualified_name("/simple"),
            vec!["prefix part must be non-empty"]
        );
        assert_eq!(
            is_qualified_name("example.com/"),
            vec![
                "name part must be non-empty".to_string(),
                format!("name part {name_regex}")
            ]
        );
        assert_eq!(
            is_qualified_name("Example.com/abc"),
            vec![format!("prefix part {SUBDOMAIN_REGEX_MSG}")]
        );
        assert_eq!(
            is_qualified_name(&long_prefix),
            vec!["prefix part must be no more than 253 bytes"]
        );
    }

    /// validation_test.go TestIsValidLabelValue (content/kube_test.go TestIsLabelValue).
    #[test]
    fn label_value() {
        let max = "a".repeat(63);
        let good = [
            "simple",
            "now-with-dashes",
            "1-starts-with-num",
            "end-with-num-1",
            "1234",
            &max,
            "",
        ];
        let too_long = "a".repeat(64);
        let bad = [
            "nospecialchars%^=@",
            "Tama-nui-te-rā.is.Māori.sun",
            "\\backslashes\\are\\bad",
            "-starts-with-dash",
            "ends-with-dash-",
            ".starts.with.dot",
            "ends.with.dot.",
            &too_long,
        ];
        check(is_valid_label_value, &good, &bad, "IsValidLabelValue");
        assert_eq!(
            is_valid_label_value(&too_long),
            vec!["must be no more than 63 bytes"]
        );
        assert_eq!(
            is_valid_label_value("-x"),
            vec!["a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"]
        );
    }

    /// generic_test.go TestMaskTrailingDash.
    #[test]
    fn mask_trailing_dash_cases() {
        for (before, after) in [
            ("", ""),
            ("-", "-"),
            ("-foo", "-foo"),
            ("-foo-", "-foa"),
            ("b-", "a"),
            ("ab", "ab"),
        ] {
            assert_eq!(mask_trailing_dash(before), after, "{before:?}");
        }
    }

    /// path_test.go TestPath (String forms).
    #[test]
    fn field_path_display() {
        let root = FieldPath::new("root");
        assert_eq!(root.to_string(), "root");
        assert_eq!(root.child("first").to_string(), "root.first");
        assert_eq!(root.index(1).to_string(), "root[1]");
        assert_eq!(root.key("key").to_string(), "root[key]");
        assert_eq!(
            FieldPath::new("spec")
                .child("containers")
                .index(1)
                .child("name")
                .to_string(),
            "spec.containers[1].name"
        );
        assert_eq!(
            FieldPath::root()
                .child("metadata")
                .child("labels")
                .key("app")
                .to_string(),
            "metadata.labels[app]"
        );
        assert_eq!(FieldPath::root().to_string(), "");
    }

    /// errors.go formatting: each kind's body, value quoting and NotSupported's list.
    #[test]
    fn field_error_display() {
        let containers = FieldPath::new("spec").child("containers");
        assert_eq!(
            FieldError::duplicate(&containers.index(1).child("name"), "web").to_string(),
            "spec.containers[1].name: Duplicate value: \"web\""
        );
        let name = FieldPath::new("metadata").child("name");
        assert_eq!(
            FieldError::required(&name, "name or generateName is required").to_string(),
            "metadata.name: Required value: name or generateName is required"
        );
        let policy = FieldPath::new("spec")
            .child("template")
            .child("spec")
            .child("restartPolicy");
        assert_eq!(
            FieldError::not_supported(&policy, "Always", &["OnFailure", "Never"]).to_string(),
            "spec.template.spec.restartPolicy: Unsupported value: \"Always\": supported values: \"OnFailure\", \"Never\""
        );
        assert_eq!(
            FieldError::not_supported(&policy, "x", &[]).to_string(),
            "spec.template.spec.restartPolicy: Unsupported value: \"x\""
        );
        assert_eq!(
            FieldError::invalid(&name, "Web_1", is_dns1123_subdomain("Web_1").remove(0))
                .to_string(),
            format!("metadata.name: Invalid value: \"Web_1\": {SUBDOMAIN_REGEX_MSG}")
        );
        let replicas = FieldPath::new("spec").child("replicas");
        assert_eq!(
            FieldError::invalid(&replicas, -1i64, "must be greater than or equal to 0").to_string(),
            "spec.replicas: Invalid value: -1: must be greater than or equal to 0"
        );
        assert_eq!(
            FieldError::forbidden(&replicas, "may not be set").to_string(),
            "spec.replicas: Forbidden: may not be set"
        );
        let annotations = FieldPath::new("metadata").child("annotations");
        assert_eq!(
            FieldError::too_long(&annotations, 262144).to_string(),
            "metadata.annotations: Too long: may not be more than 262144 bytes"
        );
        assert_eq!(
            FieldError::not_found(&name, "x").to_string(),
            "metadata.name: Not found: \"x\""
        );
        let nil = FieldError {
            kind: ErrorKind::Invalid,
            field: "spec".into(),
            bad_value: None,
            detail: String::new(),
        };
        assert_eq!(nil.to_string(), "spec: Invalid value: null");
        assert_eq!(
            FieldError::invalid(&name, "a\"b\\c\n\u{1}é\u{a0}", "").to_string(),
            "metadata.name: Invalid value: \"a\\\"b\\\\c\\n\\x01é\\u00a0\""
        );
        assert_eq!(ErrorKind::Required.cause_type(), "FieldValueRequired");
    }

    /// apierrors.NewInvalid message and the aggregate's de-duplication.
    #[test]
    fn invalid_message_format() {
        let name = FieldPath::new("spec")
            .child("containers")
            .index(1)
            .child("name");
        let a = FieldError::duplicate(&name, "web");
        let b = FieldError::required(&FieldPath::new("spec").child("nodeName"), "");
        assert_eq!(
            invalid_message("", "Pod", "web", std::slice::from_ref(&a)),
            "Pod \"web\" is invalid: spec.containers[1].name: Duplicate value: \"web\""
        );
        assert_eq!(
            invalid_message("", "Pod", "web", &[a.clone(), b.clone(), a.clone()]),
            "Pod \"web\" is invalid: [spec.containers[1].name: Duplicate value: \"web\", spec.nodeName: Required value]"
        );
        assert_eq!(
            invalid_message("apps", "Deployment", "d", &[a.clone(), a.clone()]),
            "Deployment.apps \"d\" is invalid: spec.containers[1].name: Duplicate value: \"web\""
        );
        assert_eq!(
            invalid_message("", "Pod", "web", &[]),
            "Pod \"web\" is invalid"
        );
        assert_eq!(aggregate_message(&[]), None);
    }

    #[test]
    fn labels_and_annotations() {
        let path = FieldPath::new("metadata").child("labels");
        let labels = [("app", "web"), ("bad key", "ok"), ("tier", "-x")];
        let errs = validate_labels(labels, &path);
        assert_eq!(errs.len(), 2);
        assert_eq!(errs[0].bad_value, Some(BadValue::from("bad key")));
        assert!(errs[0]
            .to_string()
            .starts_with("metadata.labels: Invalid value: \"bad key\": name part must consist of"));
        assert!(errs[1]
            .to_string()
            .starts_with("metadata.labels: Invalid value: \"-x\": a valid label must be"));

        let path = FieldPath::new("metadata").child("annotations");
        // Case does not matter for annotation keys.
        assert!(validate_annotations([("Example.COM/Key", "v")], &path).is_empty());
        let big = "x".repeat(TOTAL_ANNOTATION_SIZE_LIMIT_B);
        assert!(validate_annotations([("a", "")], &path).is_empty());
        let errs = validate_annotations([("k", big.as_str())], &path);
        assert_eq!(
            errs.iter().map(ToString::to_string).collect::<Vec<_>>(),
            vec!["metadata.annotations: Too long: may not be more than 262144 bytes"]
        );
        let exact = "x".repeat(TOTAL_ANNOTATION_SIZE_LIMIT_B - 1);
        assert!(validate_annotations([("k", exact.as_str())], &path).is_empty());
    }

    #[test]
    fn names_and_generate_name() {
        let meta = FieldPath::new("metadata");
        assert!(validate_object_meta_name("web-1", "", name_is_dns_subdomain, &meta).is_empty());
        assert_eq!(
            validate_object_meta_name("", "", name_is_dns_subdomain, &meta)
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>(),
            vec!["metadata.name: Required value: name or generateName is required"]
        );
        // A trailing dash is fine in a generateName, not in a name.
        assert!(
            validate_object_meta_name("web-x7k2p", "web-", name_is_dns_label, &meta).is_empty()
        );
        let errs = validate_object_meta_name("", "Web-", name_is_dns_subdomain, &meta);
        assert_eq!(errs.len(), 2);
        assert_eq!(errs[0].field, "metadata.generateName");
        assert_eq!(errs[1].kind, ErrorKind::Required);
        assert_eq!(
            validate_name_dns1123_label("web-", &meta.child("name")).len(),
            1
        );
        assert_eq!(
            validate_name_dns1035_label("1web", &meta.child("name")).len(),
            1
        );
        assert!(validate_name_dns1123_subdomain("a.b", &meta.child("name")).is_empty());
        assert_eq!(
            validate_name_dns1123_label("a.b", &meta.child("name"))[0].to_string(),
            "metadata.name: Invalid value: \"a.b\": must not contain dots"
        );

        assert_eq!(generate_name("web-", "x7k2p"), "web-x7k2p");
        let long = "a".repeat(70);
        assert_eq!(generate_name(&long, "abcde").len(), 63);
        // Byte 58 falls inside an "é": the cut backs off to byte 57.
        let wide = format!("a{}", "é".repeat(40));
        assert_eq!(generate_name(&wide, "abcde").len(), 57 + 5);
    }

    proptest::proptest! {
        #[test]
        fn predicates_never_panic(s in "\\PC*") {
            let _ = (
                is_dns1123_label(&s),
                is_dns1123_subdomain(&s),
                is_dns1035_label(&s),
                is_qualified_name(&s),
                is_valid_label_value(&s),
                name_is_dns_subdomain(&s, true),
                name_is_dns_label(&s, true),
                name_is_dns1035_label(&s, true),
                generate_name(&s, "abcde"),
                go_quote(&s),
            );
        }
    }
}
