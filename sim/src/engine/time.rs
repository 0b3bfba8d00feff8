//! Virtual time: integer nanoseconds since the start of the run, and Go-style duration
//! strings (`1h30m`, `1.5s`, `300ms`) as kubectl and Kubernetes configs write them.

pub type SimTime = u64;
pub type SimDuration = u64;

pub const MICROSECOND: SimDuration = 1_000;
pub const MILLISECOND: SimDuration = 1_000_000;
pub const SECOND: SimDuration = 1_000_000_000;
pub const MINUTE: SimDuration = 60 * SECOND;
pub const HOUR: SimDuration = 60 * MINUTE;

/// Parses a Go duration (time.ParseDuration): a sequence of decimal numbers with optional
/// fraction and a unit (`ns`, `us`/`µs`, `ms`, `s`, `m`, `h`); `0` alone is allowed.
/// Negative durations are rejected: virtual time only moves forward. Exact: fractions are
/// computed in integers.
pub fn parse_duration(s: &str) -> Result<SimDuration, String> {
    let orig = s;
    let s = s.trim();
    if s == "0" {
        return Ok(0);
    }
    if s.is_empty() {
        return Err("invalid duration \"\"".into());
    }
    let bad = || format!("invalid duration {orig:?} (expected e.g. \"30s\", \"1m30s\", \"250ms\")");
    let bytes = s.as_bytes();
    let mut i = 0;
    let mut total: u128 = 0;
    while i < bytes.len() {
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        let int_part = &s[start..i];
        let mut frac_part = "";
        if i < bytes.len() && bytes[i] == b'.' {
            i += 1;
            let fs = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            frac_part = &s[fs..i];
        }
        if int_part.is_empty() && frac_part.is_empty() {
            return Err(bad());
        }
        let us = i;
        while i < bytes.len() && !bytes[i].is_ascii_digit() && bytes[i] != b'.' {
            i += 1;
        }
        let unit: u128 = match &s[us..i] {
            "ns" => 1,
            "us" | "µs" | "μs" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            _ => return Err(bad()),
        };
        let int: u128 = if int_part.is_empty() {
            0
        } else {
            int_part.parse().map_err(|_| bad())?
        };
        let mut value = int.checked_mul(unit).ok_or_else(bad)?;
        if !frac_part.is_empty() {
            // Rounded to the nearest nanosecond (Go computes this part in float64).
            let digits = frac_part.len().min(20) as u32;
            let frac: u128 = frac_part[..digits as usize].parse().map_err(|_| bad())?;
            let scale = 10u128.pow(digits);
            value += (frac * unit + scale / 2) / scale;
        }
        total = total.checked_add(value).ok_or_else(bad)?;
    }
    u64::try_from(total).map_err(|_| bad())
}

/// Formats like Go's Duration.String (`1m30s`, `250ms`, `0s`).
pub fn format_duration(d: SimDuration) -> String {
    if d == 0 {
        return "0s".into();
    }
    if d < SECOND {
        let (unit, div) = if d < MICROSECOND {
            ("ns", 1)
        } else if d < MILLISECOND {
            ("µs", MICROSECOND)
        } else {
            ("ms", MILLISECOND)
        };
        return format!("{}{unit}", frac(d, div));
    }
    let mut out = String::new();
    let h = d / HOUR;
    let m = (d % HOUR) / MINUTE;
    let s = d % MINUTE;
    if h > 0 {
        out.push_str(&format!("{h}h"));
    }
    if h > 0 || m > 0 {
        out.push_str(&format!("{m}m"));
    }
    out.push_str(&format!("{}s", frac(s, SECOND)));
    out
}

fn frac(v: u64, div: u64) -> String {
    let int = v / div;
    let rem = v % div;
    if rem == 0 {
        return int.to_string();
    }
    let width = div.to_string().len() - 1;
    let digits = format!("{rem:0width$}");
    format!("{int}.{}", digits.trim_end_matches('0'))
}

#[cfg(test)]
mod tests {
    use super::*;

    // Cases from Go's time.TestParseDuration / TestDurationString.
    #[test]
    fn parses_go_durations() {
        let cases = [
            ("0", 0),
            ("5s", 5 * SECOND),
            ("30s", 30 * SECOND),
            ("1478s", 1478 * SECOND),
            ("1.5s", 1_500 * MILLISECOND),
            ("1.004s", 1_004 * MILLISECOND),
            ("100.00100s", 100 * SECOND + MILLISECOND),
            (".5s", 500 * MILLISECOND),
            ("10ns", 10),
            ("11us", 11 * MICROSECOND),
            ("12µs", 12 * MICROSECOND),
            ("13ms", 13 * MILLISECOND),
            ("15m", 15 * MINUTE),
            ("16h", 16 * HOUR),
            ("3h30m", 3 * HOUR + 30 * MINUTE),
            ("10.5s4m", 4 * MINUTE + 10 * SECOND + 500 * MILLISECOND),
            (
                "1h2m3s4ms5us6ns",
                HOUR + 2 * MINUTE + 3 * SECOND + 4 * MILLISECOND + 5 * MICROSECOND + 6,
            ),
            ("0.3333333333333333333h", 20 * MINUTE),
        ];
        for (s, want) in cases {
            assert_eq!(parse_duration(s), Ok(want), "{s}");
        }
        for bad in ["", "3", "-1s", "s", ".s", "1d", "1.2.3s", "5 s"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn formats_like_go() {
        let cases = [
            (0, "0s"),
            (1, "1ns"),
            (1100, "1.1µs"),
            (2200 * MICROSECOND, "2.2ms"),
            (3300 * MILLISECOND, "3.3s"),
            (4 * MINUTE + 5 * SECOND, "4m5s"),
            (4 * MINUTE + 5001 * MILLISECOND, "4m5.001s"),
            (5 * HOUR + 6 * MINUTE + 7001 * MILLISECOND, "5h6m7.001s"),
            (8 * MINUTE + 1, "8m0.000000001s"),
        ];
        for (d, want) in cases {
            assert_eq!(format_duration(d), want);
            assert_eq!(parse_duration(want), Ok(d));
        }
    }
}
