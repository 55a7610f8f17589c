//! Latency summaries: percentiles of a sample, as the report shows them.

use std::time::Duration;

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Summary {
    pub count: usize,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
}

/// The nearest-rank percentiles of `samples` (any order); all zero for an empty sample.
pub fn summarize(samples: &[Duration]) -> Summary {
    let mut ms: Vec<f64> = samples.iter().map(|d| d.as_secs_f64() * 1000.0).collect();
    ms.sort_by(f64::total_cmp);
    Summary {
        count: ms.len(),
        p50_ms: percentile(&ms, 50.0),
        p99_ms: percentile(&ms, 99.0),
        max_ms: ms.last().copied().unwrap_or(0.0),
    }
}

/// Nearest-rank percentile of sorted values: the smallest value with at least `p`% at or below it.
fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(values: &[u64]) -> Vec<Duration> {
        values.iter().map(|&v| Duration::from_millis(v)).collect()
    }

    #[test]
    fn nearest_rank_percentiles() {
        let s = summarize(&ms(&(1..=100).rev().collect::<Vec<_>>()));
        assert_eq!((s.count, s.p50_ms, s.p99_ms, s.max_ms), (100, 50.0, 99.0, 100.0));
        let s = summarize(&ms(&[7, 3]));
        assert_eq!((s.p50_ms, s.p99_ms), (3.0, 7.0));
        let s = summarize(&ms(&[4]));
        assert_eq!((s.p50_ms, s.p99_ms, s.max_ms), (4.0, 4.0, 4.0));
    }

    #[test]
    fn an_empty_sample_is_all_zero() {
        assert_eq!(summarize(&[]), Summary { count: 0, p50_ms: 0.0, p99_ms: 0.0, max_ms: 0.0 });
    }
}
