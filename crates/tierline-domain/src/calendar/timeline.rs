//! The compiled form of a calendar: covered intervals as elapsed-time instants, in fixed windows.
//!
//! Instants are `i64` nanoseconds since the Unix epoch. That covers the supported range
//! (1970–2199) and, more to the point, any difference or sum of covered time inside it, so every
//! sum is exact and none can overflow. The range is cut into chunks of
//! 2^24 seconds (about 194 days); a chunk holds its covered intervals, merged and sorted, and the
//! running total of covered time at each interval's end, so that the covered time before any
//! instant is one binary search away.

use std::sync::OnceLock;

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

use super::{Calendar, CalendarError};
use crate::calendar::schedule::DAY_SECONDS;

/// Nanoseconds since the Unix epoch, or a length in nanoseconds.
pub(crate) type Ns = i64;

const NANOS: i64 = 1_000_000_000;
/// 1970-01-01T00:00:00Z.
const RANGE_START_S: i64 = 0;
/// 2200-01-01T00:00:00Z.
const RANGE_END_S: i64 = 7_258_118_400;
const RANGE_START: Ns = RANGE_START_S * NANOS;
const RANGE_END: Ns = RANGE_END_S * NANOS;
const CHUNK_S: i64 = 1 << 24;
const CHUNK_NS: Ns = CHUNK_S * NANOS;
/// Enough chunks to cover the range; the last one reaches a little past its end.
#[allow(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "a small positive constant"
)]
pub(crate) const CHUNK_COUNT: usize =
    ((RANGE_END_S - RANGE_START_S + CHUNK_S - 1) / CHUNK_S) as usize;

pub(crate) fn empty_chunks() -> Box<[OnceLock<Box<Chunk>>]> {
    (0..CHUNK_COUNT).map(|_| OnceLock::new()).collect()
}

/// An instant inside the supported range, as nanoseconds.
pub(crate) fn instant_ns(t: Timestamp) -> Result<Ns, CalendarError> {
    let n = t.as_nanosecond();
    if n < i128::from(RANGE_START) || n >= i128::from(RANGE_END) {
        return Err(CalendarError::OutOfRange(t));
    }
    i64::try_from(n).map_err(|_| CalendarError::OutOfRange(t))
}

/// The end of a span, which may be the end of the range itself.
pub(crate) fn end_ns(t: Timestamp) -> Result<Ns, CalendarError> {
    let n = t.as_nanosecond();
    if n <= i128::from(RANGE_START) || n > i128::from(RANGE_END) {
        return Err(CalendarError::OutOfRange(t));
    }
    i64::try_from(n).map_err(|_| CalendarError::OutOfRange(t))
}

/// An instant clamped into the range: one-off periods may extend past it harmlessly.
pub(crate) fn clamp_ns(t: Timestamp) -> Ns {
    let n = t
        .as_nanosecond()
        .clamp(i128::from(RANGE_START), i128::from(RANGE_END));
    i64::try_from(n).unwrap_or(RANGE_END)
}

pub(crate) fn duration_ns(d: SignedDuration) -> Result<Ns, CalendarError> {
    if d.is_negative() {
        return Err(CalendarError::NegativeDuration);
    }
    // Anything longer than the whole range cannot be satisfied; saturate into a value that fails
    // as "no coverage" rather than overflowing.
    Ok(i64::try_from(d.as_nanos())
        .unwrap_or(i64::MAX)
        .min(RANGE_END - RANGE_START))
}

pub(crate) fn to_timestamp(n: Ns) -> Timestamp {
    // Every Ns handled here lies inside the supported range, which jiff represents.
    Timestamp::from_nanosecond(i128::from(n)).unwrap_or(Timestamp::MAX)
}

pub(crate) fn date_in_range(d: Date) -> bool {
    (Date::constant(1970, 1, 1)..=Date::constant(2199, 12, 31)).contains(&d)
}

pub(crate) fn chunk_index(t: Ns) -> usize {
    usize::try_from((t - RANGE_START) / CHUNK_NS).unwrap_or(0)
}

/// The chunk in which a span ending at `t` ends (a span ending on a chunk border ends in the
/// chunk before it).
pub(crate) fn chunk_index_end(t: Ns) -> usize {
    chunk_index(t - 1)
}

pub(crate) fn chunk_start(k: usize) -> Ns {
    RANGE_START + i64::try_from(k).unwrap_or(0) * CHUNK_NS
}

/// Covered intervals of one window of elapsed time.
#[derive(Debug, Clone)]
pub(crate) struct Chunk {
    spans: Vec<(Ns, Ns)>,
    /// `cum[i]`: covered time in the chunk before `spans[i]` starts; one more entry at the end
    /// holds the chunk's total.
    cum: Vec<Ns>,
}

impl Chunk {
    fn new(spans: Vec<(Ns, Ns)>) -> Chunk {
        let mut cum = Vec::with_capacity(spans.len() + 1);
        let mut acc = 0;
        cum.push(0);
        for &(s, e) in &spans {
            acc += e - s;
            cum.push(acc);
        }
        Chunk { spans, cum }
    }

    pub(crate) fn total(&self) -> Ns {
        self.cum[self.spans.len()]
    }

    /// Covered time in `[chunk start, t]`, for `t` within the chunk.
    pub(crate) fn covered_until(&self, t: Ns) -> Ns {
        let i = self.spans.partition_point(|&(s, _)| s <= t);
        if i == 0 {
            return 0;
        }
        let (s, e) = self.spans[i - 1];
        self.cum[i - 1] + t.min(e) - s
    }

    /// The instant at which `d` more covered time has passed after `t`, or the amount still left
    /// at the chunk's end.
    pub(crate) fn add(&self, t: Ns, d: Ns) -> Result<Ns, Ns> {
        let target = self.covered_until(t).saturating_add(d);
        if target > self.total() {
            return Err(target - self.total());
        }
        // The first span whose running total at its end reaches the target holds the answer;
        // taking the first makes a target that lands on a closing answer that closing.
        let j = self.cum[1..].partition_point(|&c| c < target);
        Ok(self.spans[j].0 + (target - self.cum[j]))
    }

    pub(crate) fn is_covered(&self, t: Ns) -> bool {
        let i = self.spans.partition_point(|&(s, _)| s <= t);
        i > 0 && t < self.spans[i - 1].1
    }

    pub(crate) fn next_open(&self, t: Ns) -> Option<Ns> {
        let i = self.spans.partition_point(|&(_, e)| e <= t);
        self.spans.get(i).map(|&(s, _)| s.max(t))
    }

    /// The spans clipped to `[a, b]`.
    pub(crate) fn spans_within(&self, a: Ns, b: Ns) -> impl Iterator<Item = (Ns, Ns)> + '_ {
        let i = self.spans.partition_point(|&(_, e)| e <= a);
        self.spans[i..]
            .iter()
            .take_while(move |&&(s, _)| s < b)
            .map(move |&(s, e)| (s.max(a), e.min(b)))
            .filter(|(s, e)| s < e)
    }
}

/// A stretch of elapsed time, in seconds, over which the zone's offset is constant.
struct Segment {
    start: i64,
    end: i64,
    offset: i64,
}

/// The offset segments of a zone over `[lo, hi]` (seconds), open-ended at both sides.
fn offset_segments(tz: &TimeZone, lo: i64, hi: i64) -> Vec<Segment> {
    let Ok(lo_ts) = Timestamp::from_second(lo) else {
        return Vec::new();
    };
    let mut offset = i64::from(tz.to_offset(lo_ts).seconds());
    let mut start = i64::MIN;
    let mut out = Vec::new();
    for tr in tz.following(lo_ts) {
        let at = tr.timestamp().as_second();
        if at > hi {
            break;
        }
        out.push(Segment {
            start,
            end: at,
            offset,
        });
        start = at;
        offset = i64::from(tr.offset().seconds());
    }
    out.push(Segment {
        start,
        end: i64::MAX,
        offset,
    });
    out
}

/// Seconds from the epoch to a date's midnight in civil time (as if the zone were UTC).
fn civil_midnight(date: Date) -> Option<i64> {
    date.to_zoned(TimeZone::UTC)
        .ok()
        .map(|z| z.timestamp().as_second())
}

/// Compiles chunk `k` of a calendar.
pub(crate) fn build_chunk(cal: &Calendar, k: usize) -> Chunk {
    let (w0, w1) = (chunk_start(k), (chunk_start(k) + CHUNK_NS).min(RANGE_END));
    let (w0s, w1s) = (w0 / NANOS, w1 / NANOS);
    let mut spans: Vec<(Ns, Ns)> = Vec::new();

    // A date's intervals reach at most two civil days past its midnight, and an offset moves them
    // by at most 26 hours: four days of margin on the left and two on the right are enough.
    let segments = offset_segments(&cal.tz, w0s - 5 * 86_400, w1s + 5 * 86_400);
    let first = Timestamp::from_second(w0s - 4 * 86_400)
        .map(|t| t.to_zoned(TimeZone::UTC).date())
        .ok();
    let last = Timestamp::from_second(w1s + 2 * 86_400)
        .map(|t| t.to_zoned(TimeZone::UTC).date())
        .ok();
    if let (Some(first), Some(last), Some(mut midnight)) =
        (first, last, first.and_then(civil_midnight))
    {
        let day = i64::from(DAY_SECONDS);
        let mut date = first;
        let mut closed_today = cal.is_closed_date(date);
        while date <= last {
            let Ok(next) = date.tomorrow() else { break };
            let closed_tomorrow = cal.is_closed_date(next);
            for iv in cal.intervals_on(date) {
                let (s, e) = iv.civil_offsets();
                let mut cs = midnight + i64::from(s);
                let mut ce = midnight + i64::from(e);
                // A holiday closes its whole date: cut off the part of the interval on it.
                if closed_today {
                    cs = cs.max(midnight + day);
                }
                if closed_tomorrow {
                    ce = ce.min(midnight + day);
                }
                if cs >= ce {
                    continue;
                }
                // The instants whose wall-clock time lies in [cs, ce): one piece per offset
                // segment, none in a skipped hour, two for a repeated one.
                for seg in &segments {
                    let a = (cs - seg.offset).max(seg.start).max(w0s);
                    let b = (ce - seg.offset).min(seg.end).min(w1s);
                    if a < b {
                        spans.push((a * NANOS, b * NANOS));
                    }
                }
            }
            date = next;
            closed_today = closed_tomorrow;
            midnight += day;
        }
    }
    for &(a, b) in &cal.open {
        let (a, b) = (a.max(w0), b.min(w1));
        if a < b {
            spans.push((a, b));
        }
    }
    let mut spans = merge(spans);
    if !cal.closed.is_empty() {
        spans = subtract(&spans, &cal.closed);
    }
    Chunk::new(spans)
}

/// Sorts and merges overlapping or touching spans.
pub(crate) fn merge<T: Ord + Copy>(mut spans: Vec<(T, T)>) -> Vec<(T, T)> {
    spans.sort_unstable();
    let mut out: Vec<(T, T)> = Vec::with_capacity(spans.len());
    for (s, e) in spans {
        match out.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => out.push((s, e)),
        }
    }
    out
}

/// Removes the closed periods from sorted, disjoint spans.
fn subtract(spans: &[(Ns, Ns)], closed: &[(Ns, Ns)]) -> Vec<(Ns, Ns)> {
    let closed = merge(closed.to_vec());
    let mut out = Vec::with_capacity(spans.len());
    for &(s, e) in spans {
        let mut cursor = s;
        for &(cs, ce) in closed.iter().filter(|&&(cs, ce)| cs < e && ce > s) {
            if cs > cursor {
                out.push((cursor, cs));
            }
            cursor = cursor.max(ce);
        }
        if cursor < e {
            out.push((cursor, e));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_tile_the_range_without_gaps() {
        assert_eq!(chunk_start(0), RANGE_START);
        assert!(chunk_start(CHUNK_COUNT) >= RANGE_END);
        assert!(chunk_start(CHUNK_COUNT - 1) < RANGE_END);
        assert_eq!(chunk_index(RANGE_END - 1), CHUNK_COUNT - 1);
        assert_eq!(chunk_index_end(chunk_start(3)), 2);
    }

    #[test]
    fn merge_joins_overlapping_and_touching_spans() {
        assert_eq!(
            merge(vec![(5, 7), (1, 3), (3, 4), (6, 9), (10, 11)]),
            vec![(1, 4), (5, 9), (10, 11)]
        );
    }

    #[test]
    fn subtract_cuts_holes_and_ends() {
        assert_eq!(
            subtract(&[(0, 10), (20, 30)], &[(2, 4), (8, 22), (29, 40)]),
            vec![(0, 2), (4, 8), (22, 29)]
        );
    }

    #[test]
    fn chunk_queries_on_a_small_example() {
        let c = Chunk::new(vec![(10, 20), (30, 40)]);
        assert_eq!(c.total(), 20);
        assert_eq!(c.covered_until(15), 5);
        assert_eq!(c.covered_until(25), 10);
        assert_eq!(
            c.add(0, 10),
            Ok(20),
            "ends at the closing, not the next opening"
        );
        assert_eq!(c.add(15, 6), Ok(31));
        assert_eq!(c.add(35, 10), Err(5));
        assert_eq!(c.next_open(20), Some(30));
        assert_eq!(c.next_open(35), Some(35));
        assert_eq!(c.next_open(40), None);
        assert!(c.is_covered(10) && !c.is_covered(20));
    }
}
