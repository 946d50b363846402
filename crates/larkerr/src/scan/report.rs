//! Aggregating the scanner's hits: per code, per category, over time; bounded memory.

use std::collections::HashMap;
use std::sync::Arc;

use lark_errors::diagnose::Diagnosis;
use lark_errors::extract::{Hit, Msg, Quoting, Summary, Timestamp};
use lark_errors::{Category, Entry};

/// Distinct live msgs remembered per code; beyond that the counts are approximate
/// (space-saving: the most frequent msgs are still found).
const MSGS_PER_CODE: usize = 16;
/// Distinct undocumented codes remembered; further ones are only counted.
const MAX_UNDOCUMENTED: usize = 1000;
/// Distinct (code, bucket) cells the timeline keeps before widening its buckets.
const MAX_CELLS: usize = 1 << 16;
/// Problems remembered for the JSON output (all are printed on stderr).
const MAX_PROBLEMS: usize = 1000;

/// Bucket widths, each a multiple of the one before.
const WIDTHS: &[i64] =
    &[1, 5, 10, 30, 60, 300, 600, 1800, 3600, 10_800, 21_600, 43_200, 86_400, 604_800];

/// Where a code was seen.
#[derive(Debug, Clone)]
pub struct Position {
    pub file: Arc<str>,
    pub line: u64,
    pub time: Option<Timestamp>,
}

/// A live msg and how often it was seen with a code.
#[derive(Debug)]
struct MsgCount {
    raw: Box<[u8]>,
    quoting: Quoting,
    count: u64,
}

/// What was seen of one code.
#[derive(Debug)]
pub struct CodeStats {
    pub code: u32,
    pub count: u64,
    pub first: Position,
    pub last: Position,
    pub earliest: Option<Timestamp>,
    pub latest: Option<Timestamp>,
    pub without_msg: u64,
    pub without_time: u64,
    msgs: Vec<MsgCount>,
    /// Per entry of `lookup(code)`: how many live msgs resolved to it.
    pub entry_counts: Vec<u64>,
    /// The last msg resolved among several entries, and to which.
    last_resolved: Option<(Box<[u8]>, usize)>,
}

impl CodeStats {
    /// The code's entries on the generic page (empty for a code only API pages
    /// document).
    pub fn entries(&self) -> &'static [Entry] {
        lark_errors::lookup(self.code)
    }

    /// Whether some page documents the code: the generic page or an API page
    /// ([`lark_errors::is_documented`]).
    pub fn is_documented(&self) -> bool {
        lark_errors::is_documented(self.code)
    }

    /// The live msgs, most frequent first, decoded (equal texts merged).
    pub fn msgs(&self) -> Vec<(String, u64)> {
        let mut merged: Vec<(String, u64)> = Vec::new();
        for m in &self.msgs {
            let text = Msg::new(&m.raw, m.quoting).decode();
            match merged.iter_mut().find(|(t, _)| *t == text) {
                Some((_, c)) => *c += m.count,
                None => merged.push((text, m.count)),
            }
        }
        merged.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        merged
    }

    /// The library's diagnosis of the code with its most common live msg: the catalog's
    /// entry when the code is documented, else the heuristic one.
    pub fn diagnosis(&self) -> Diagnosis {
        let msg = self.msgs().into_iter().next().map(|(m, _)| m).unwrap_or_default();
        Diagnosis::from_code_msg(i64::from(self.code), &msg)
    }

    /// The entry the most common live msg resolved to (the only one for most codes);
    /// `None` for a code not in the catalog.
    pub fn main_entry(&self) -> Option<&'static Entry> {
        if !self.is_documented() {
            return None;
        }
        self.diagnosis().entry.filter(|e| e.code() == self.code)
    }

    fn add_msg(&mut self, msg: Option<Msg<'_>>) {
        let Some(msg) = msg else {
            self.without_msg += 1;
            return;
        };
        if let Some(m) =
            self.msgs.iter_mut().find(|m| m.quoting == msg.quoting() && *m.raw == *msg.raw())
        {
            m.count += 1;
            return;
        }
        if self.msgs.len() < MSGS_PER_CODE {
            self.msgs.push(MsgCount { raw: msg.raw().into(), quoting: msg.quoting(), count: 1 });
            return;
        }
        // Space-saving: the new msg replaces the rarest and inherits its count.
        if let Some(min) = self.msgs.iter_mut().min_by_key(|m| m.count) {
            *min = MsgCount { raw: msg.raw().into(), quoting: msg.quoting(), count: min.count + 1 };
        }
    }

    fn resolve(&mut self, msg: Option<Msg<'_>>) {
        if self.entry_counts.is_empty() {
            return;
        }
        let index = match msg {
            None => 0,
            Some(msg) => match &self.last_resolved {
                Some((raw, i)) if **raw == *msg.raw() => *i,
                _ => {
                    let text = msg.decode();
                    let entries = self.entries();
                    // A code's entries are its rows on one page: the line tells them
                    // apart.
                    let i = lark_errors::resolve_match(self.code, &text)
                        .and_then(|r| entries.iter().position(|e| e.line() == r.entry.line()))
                        .unwrap_or(0);
                    self.last_resolved = Some((msg.raw().into(), i));
                    i
                }
            },
        };
        self.entry_counts[index] += 1;
    }
}

/// A problem with one input.
#[derive(Debug)]
pub struct Problem {
    pub path: String,
    pub what: String,
    /// Whether the input (or part of it) could not be read: exit status 2.
    pub unreadable: bool,
}

/// The timeline: counts per code per bucket, widening its buckets to stay bounded.
#[derive(Debug)]
pub struct Timeline {
    /// The bucket width the counts are kept at, in seconds.
    pub resolution: i64,
    /// The width asked for, if any.
    pub asked: Option<i64>,
    cells: HashMap<(u32, i64), u64>,
    pub min: Option<i64>,
    pub max: Option<i64>,
}

impl Timeline {
    fn new(asked: Option<i64>) -> Timeline {
        Timeline {
            resolution: asked.unwrap_or(1),
            asked,
            cells: HashMap::new(),
            min: None,
            max: None,
        }
    }

    fn add(&mut self, code: u32, t: Timestamp) {
        let t = t.unix();
        self.min = Some(self.min.map_or(t, |m| m.min(t)));
        self.max = Some(self.max.map_or(t, |m| m.max(t)));
        *self.cells.entry((code, t.div_euclid(self.resolution))).or_insert(0) += 1;
        while self.cells.len() > MAX_CELLS {
            let wider = self.wider(self.resolution);
            self.rebucket(wider);
        }
    }

    /// The next bucket width after `width`, a multiple of it.
    fn wider(&self, width: i64) -> i64 {
        match self.asked {
            Some(_) => width * 2,
            None => WIDTHS.iter().copied().find(|&w| w > width).unwrap_or(width * 2),
        }
    }

    fn rebucket(&mut self, width: i64) {
        let old = std::mem::take(&mut self.cells);
        for ((code, bucket), n) in old {
            *self.cells.entry((code, (bucket * self.resolution).div_euclid(width))).or_insert(0) +=
                n;
        }
        self.resolution = width;
    }

    /// The display width: the one asked for, else the narrowest that shows the whole
    /// span in at most `columns` buckets; never narrower than the kept resolution.
    pub fn width(&self, columns: i64) -> i64 {
        let (Some(min), Some(max)) = (self.min, self.max) else {
            return self.resolution;
        };
        let mut w = self.resolution;
        if self.asked.is_none() {
            while max.div_euclid(w) - min.div_euclid(w) + 1 > columns {
                w = self.wider(w);
            }
        }
        w
    }

    /// The first bucket index and, per code, the counts per bucket at `width`.
    pub fn series(&self, width: i64) -> (i64, HashMap<u32, Vec<u64>>) {
        let mut series: HashMap<u32, Vec<u64>> = HashMap::new();
        let (Some(min), Some(max)) = (self.min, self.max) else {
            return (0, series);
        };
        let start = min.div_euclid(width);
        let len = (max.div_euclid(width) - start + 1) as usize;
        for (&(code, bucket), &n) in &self.cells {
            let counts = series.entry(code).or_insert_with(|| vec![0; len]);
            counts[((bucket * self.resolution).div_euclid(width) - start) as usize] += n;
        }
        (start, series)
    }
}

/// Everything a scan found.
#[derive(Debug)]
pub struct Report {
    codes: HashMap<u32, CodeStats>,
    undocumented: usize,
    /// Occurrences of undocumented codes beyond [`MAX_UNDOCUMENTED`] distinct ones.
    pub dropped: u64,
    pub timeline: Option<Timeline>,
    pub inputs: u64,
    pub bytes: u64,
    pub lines: u64,
    pub problems: Vec<Problem>,
    pub problem_count: u64,
    unreadable: bool,
}

impl Report {
    pub fn new(timeline: bool, bucket: Option<i64>) -> Report {
        Report {
            codes: HashMap::new(),
            undocumented: 0,
            dropped: 0,
            timeline: timeline.then(|| Timeline::new(bucket)),
            inputs: 0,
            bytes: 0,
            lines: 0,
            problems: Vec::new(),
            problem_count: 0,
            unreadable: false,
        }
    }

    pub fn problem(&mut self, path: &str, what: String, unreadable: bool) {
        self.problem_count += 1;
        self.unreadable |= unreadable;
        if self.problems.len() < MAX_PROBLEMS {
            self.problems.push(Problem { path: path.to_owned(), what, unreadable });
        }
    }

    pub fn any_unreadable(&self) -> bool {
        self.unreadable
    }

    pub fn begin_input(&mut self) {
        self.inputs += 1;
    }

    pub fn end_input(&mut self, summary: &Summary) {
        self.bytes += summary.bytes;
        self.lines += summary.lines;
    }

    /// Counts one hit in `file`.
    pub fn add(&mut self, file: &Arc<str>, hit: &Hit<'_>) {
        let pos = || Position { file: Arc::clone(file), line: hit.line, time: hit.time };
        if !self.codes.contains_key(&hit.code) {
            let entries = lark_errors::lookup(hit.code);
            if !lark_errors::is_documented(hit.code) {
                if self.undocumented >= MAX_UNDOCUMENTED {
                    self.dropped += 1;
                    return;
                }
                self.undocumented += 1;
            }
            let stats = CodeStats {
                code: hit.code,
                count: 0,
                first: pos(),
                last: pos(),
                earliest: None,
                latest: None,
                without_msg: 0,
                without_time: 0,
                msgs: Vec::new(),
                entry_counts: if entries.len() > 1 { vec![0; entries.len()] } else { Vec::new() },
                last_resolved: None,
            };
            self.codes.insert(hit.code, stats);
        }
        let Some(stats) = self.codes.get_mut(&hit.code) else { return };
        if stats.count > 0 {
            stats.last = pos();
        }
        stats.count += 1;
        match hit.time {
            Some(t) => {
                stats.earliest = Some(stats.earliest.map_or(t, |e| e.min(t)));
                stats.latest = Some(stats.latest.map_or(t, |e| e.max(t)));
                if let Some(timeline) = &mut self.timeline {
                    timeline.add(hit.code, t);
                }
            }
            None => stats.without_time += 1,
        }
        stats.add_msg(hit.msg);
        stats.resolve(hit.msg);
    }

    /// Every code seen, most frequent first, then by code.
    pub fn codes(&self) -> Vec<&CodeStats> {
        let mut codes: Vec<&CodeStats> = self.codes.values().collect();
        codes.sort_by(|a, b| b.count.cmp(&a.count).then(a.code.cmp(&b.code)));
        codes
    }

    /// All occurrences counted (including undocumented codes beyond the limit).
    pub fn total(&self) -> u64 {
        self.codes.values().map(|c| c.count).sum::<u64>() + self.dropped
    }

    /// Occurrences per category, most first: the catalog's category of the entry each
    /// live msg resolved to, or for codes not in the catalog the heuristic one (`None`
    /// when the heuristic has none). The second count is the part from codes not in
    /// the catalog.
    pub fn categories(&self) -> Vec<CategoryTotal> {
        let mut totals: Vec<CategoryTotal> = Vec::new();
        let mut add = |category: Option<Category>, n: u64, heuristic: bool| {
            if n == 0 {
                return;
            }
            let t = match totals.iter_mut().position(|t| t.category == category) {
                Some(i) => &mut totals[i],
                None => {
                    totals.push(CategoryTotal { category, count: 0, not_in_catalog: 0 });
                    totals.last_mut().unwrap()
                }
            };
            t.count += n;
            if heuristic {
                t.not_in_catalog += n;
            }
        };
        for stats in self.codes.values() {
            let entries = stats.entries();
            if entries.len() > 1 {
                for (entry, &n) in entries.iter().zip(&stats.entry_counts) {
                    add(Some(entry.category()), n, false);
                }
            } else {
                add(stats.diagnosis().category(), stats.count, !stats.is_documented());
            }
        }
        add(None, self.dropped, true);
        totals.sort_by(|a, b| {
            b.count.cmp(&a.count).then_with(|| {
                let name = |t: &CategoryTotal| t.category.map_or("~", Category::as_str);
                name(a).cmp(name(b))
            })
        });
        totals
    }
}

/// Occurrences of one category.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CategoryTotal {
    /// `None`: codes not in the catalog whose msgs say nothing the heuristic knows.
    pub category: Option<Category>,
    pub count: u64,
    pub not_in_catalog: u64,
}
