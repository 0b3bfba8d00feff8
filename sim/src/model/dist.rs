//! Latency distributions with integer-only sampling, so a sampled duration is the same on
//! every machine: constants, uniform ranges and empirical percentile tables (piecewise-linear
//! inverse CDF), which is how measured latencies are usually published.

use rand::Rng;
use serde::Deserialize;

use crate::engine::{parse_duration, SimDuration, SimRng};

/// Percentile points are kept in parts per million.
const PPM: u64 = 1_000_000;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Distribution {
    Constant(SimDuration),
    Uniform {
        min: SimDuration,
        max: SimDuration,
    },
    /// (percentile in ppm, value), sorted, from 0 to 1_000_000.
    Percentiles(Vec<(u64, SimDuration)>),
}

impl Distribution {
    pub fn sample(&self, rng: &mut SimRng) -> SimDuration {
        match self {
            Distribution::Constant(d) => *d,
            Distribution::Uniform { min, max } => rng.random_range(*min..=*max),
            Distribution::Percentiles(points) => {
                let u = rng.random_range(0..PPM);
                let i = points.partition_point(|(p, _)| *p <= u);
                let (p0, v0) = points[i - 1];
                let (p1, v1) = points[i];
                let span = u128::from(p1 - p0);
                let off = u128::from(u - p0);
                if v1 >= v0 {
                    v0 + (u128::from(v1 - v0) * off / span) as u64
                } else {
                    v0 - (u128::from(v0 - v1) * off / span) as u64
                }
            }
        }
    }

    /// The smallest value the distribution can produce.
    pub fn min(&self) -> SimDuration {
        match self {
            Distribution::Constant(d) => *d,
            Distribution::Uniform { min, .. } => *min,
            Distribution::Percentiles(p) => p[0].1,
        }
    }

    pub(crate) fn validate(&self) -> Result<(), String> {
        match self {
            Distribution::Constant(_) => Ok(()),
            Distribution::Uniform { min, max } if min > max => Err(format!(
                "uniform: min ({min}ns) is greater than max ({max}ns)"
            )),
            Distribution::Uniform { .. } => Ok(()),
            Distribution::Percentiles(p) => {
                if p.first().map(|x| x.0) != Some(0) || p.last().map(|x| x.0) != Some(PPM) {
                    return Err("percentiles must include p0 and p100".into());
                }
                if p.windows(2).any(|w| w[1].1 < w[0].1) {
                    return Err("percentile values must not decrease".into());
                }
                Ok(())
            }
        }
    }
}

/// YAML forms: `1ms` (constant), `{constant: 1ms}`, `{uniform: {min: 1ms, max: 3ms}}`,
/// `{percentiles: {p0: 1ms, p50: 2ms, p99: 9ms, p100: 20ms}}` (keys `pN` or `pN.M`).
impl<'de> Deserialize<'de> for Distribution {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Repr {
            Plain(String),
            Tagged(Tagged),
        }
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields, rename_all = "camelCase")]
        enum Tagged {
            Constant(String),
            Uniform { min: String, max: String },
            Percentiles(std::collections::BTreeMap<String, String>),
        }
        let dur = |s: &str| parse_duration(s).map_err(D::Error::custom);
        match Repr::deserialize(d).map_err(|_| {
            D::Error::custom(
                "expected a duration (\"2ms\") or one of {constant: D}, {uniform: {min: D, max: D}}, {percentiles: {p0: D, ..., p100: D}}",
            )
        })? {
            Repr::Plain(s) => Ok(Distribution::Constant(dur(&s)?)),
            Repr::Tagged(Tagged::Constant(s)) => Ok(Distribution::Constant(dur(&s)?)),
            Repr::Tagged(Tagged::Uniform { min, max }) => Ok(Distribution::Uniform {
                min: dur(&min)?,
                max: dur(&max)?,
            }),
            Repr::Tagged(Tagged::Percentiles(map)) => {
                let mut points = Vec::new();
                for (k, v) in map {
                    let pct = k
                        .strip_prefix('p')
                        .and_then(parse_percent_ppm)
                        .ok_or_else(|| D::Error::custom(format!("bad percentile key {k:?}; expected p0..p100 such as p50 or p99.9")))?;
                    points.push((pct, dur(&v)?));
                }
                points.sort();
                Ok(Distribution::Percentiles(points))
            }
        }
    }
}

/// "99.9" → 999_000 ppm.
fn parse_percent_ppm(s: &str) -> Option<u64> {
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    if int.is_empty()
        || frac.len() > 4
        || !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let int: u64 = int.parse().ok()?;
    let frac_ppm: u64 = if frac.is_empty() {
        0
    } else {
        frac.parse::<u64>().ok()? * 10u64.pow(4 - frac.len() as u32)
    };
    let ppm = int * 10_000 + frac_ppm;
    (ppm <= PPM).then_some(ppm)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{RngStreams, MILLISECOND};

    fn parse(y: &str) -> Distribution {
        serde_yaml::from_str(y).unwrap()
    }

    #[test]
    fn yaml_forms() {
        assert_eq!(parse("2ms"), Distribution::Constant(2 * MILLISECOND));
        assert_eq!(
            parse("{constant: 2ms}"),
            Distribution::Constant(2 * MILLISECOND)
        );
        assert_eq!(
            parse("{uniform: {min: 1ms, max: 3ms}}"),
            Distribution::Uniform {
                min: MILLISECOND,
                max: 3 * MILLISECOND
            }
        );
        assert_eq!(
            parse("{percentiles: {p0: 1ms, p99.9: 5ms, p100: 9ms}}"),
            Distribution::Percentiles(vec![
                (0, MILLISECOND),
                (999_000, 5 * MILLISECOND),
                (1_000_000, 9 * MILLISECOND)
            ])
        );
        assert!(serde_yaml::from_str::<Distribution>("{gamma: 1}").is_err());
    }

    #[test]
    fn percentile_sampling_follows_the_table() {
        let d = parse("{percentiles: {p0: 0ms, p50: 1ms, p100: 101ms}}");
        d.validate().unwrap();
        let mut rng = RngStreams::new(1).stream("t");
        let mut xs: Vec<u64> = (0..20_000).map(|_| d.sample(&mut rng)).collect();
        xs.sort();
        let below_p50 = xs.iter().filter(|x| **x <= MILLISECOND).count();
        assert!(
            (9_600..=10_400).contains(&below_p50),
            "{below_p50} of 20000 at or below p50"
        );
        let p75 = xs[xs.len() * 3 / 4];
        assert!(
            (45 * MILLISECOND..=56 * MILLISECOND).contains(&p75),
            "p75 {p75}"
        );
        assert!(*xs.last().unwrap() <= 101 * MILLISECOND);
    }

    #[test]
    fn uniform_stays_in_range() {
        let d = Distribution::Uniform { min: 5, max: 9 };
        let mut rng = RngStreams::new(3).stream("u");
        assert!((0..1000)
            .map(|_| d.sample(&mut rng))
            .all(|x| (5..=9).contains(&x)));
    }
}
