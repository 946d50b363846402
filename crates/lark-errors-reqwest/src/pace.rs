//! Pacing: a client-side limiter per (app, API) from the API's documented rate-limit
//! tier, so that a burst is spread over the tier's windows instead of being sent into
//! 99991400.
//!
//! Each window of the tier (`1000/min` *and* `50/s`: [`RateLimit::windows`]) holds
//! `limit` slots. A request takes one slot of every window before it is sent; the slot
//! is held while the request is in flight and for one `period` after its response
//! arrived. Since the server saw the request before its response came back, no `period`
//! of the server's clock (a sliding window, or a fixed one starting anywhere) can see
//! more than `limit` requests, whatever the network delay: the count is exact at
//! window edges, not approximate. The cost is one round trip per window, not a margin
//! on the rate.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use lark_errors::catalog::{Api, RateLimit};
use tokio::sync::Notify;
use tokio::time::Instant;

/// Whether the middleware paces requests ([`crate::LarkMiddleware::with_pacing`]).
///
/// ```
/// use lark_errors_reqwest::{LarkMiddleware, Pacing};
/// let mw = LarkMiddleware::new().with_pacing(Pacing::Documented);
/// assert_eq!(mw.pacing(), Pacing::Documented);
/// assert_eq!(LarkMiddleware::new().pacing(), Pacing::Off);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Pacing {
    /// Requests are sent as soon as they are made (the default); a rate limit is only
    /// waited out after the platform answered 99991400.
    #[default]
    Off,
    /// Requests to an API with a documented tier are delayed so that, per app, no
    /// window of the tier is exceeded. APIs with a "special" tier (特殊频控) and
    /// requests that route to no documented API are not paced.
    Documented,
}

/// Lanes (one per app and API) above which idle ones are dropped; when all are busy, a
/// request to a further API is sent unpaced rather than growing the state.
const MAX_LANES: usize = 4096;

/// The limiter state behind [`Pacing::Documented`]: one lane per (app, API), shared by
/// every clone (it is an `Arc`). A middleware has one; [`crate::LarkMiddleware::with_pacer`]
/// shares one between middlewares (two clients of the same app).
///
/// Memory is bounded: at most 4096 lanes, each holding at most its tier's largest limit
/// of timestamps (1000 for `1000/min`).
///
/// ```
/// use lark_errors_reqwest::{LarkMiddleware, Pacer};
/// let pacer = Pacer::new();
/// let a = LarkMiddleware::new().with_pacer(pacer.clone());
/// let b = LarkMiddleware::new().with_pacer(pacer.clone());
/// assert_eq!(pacer.lanes(), 0); // lanes appear with the first paced request
/// ```
#[derive(Clone, Default)]
pub struct Pacer {
    lanes: Arc<Mutex<Lanes>>,
}

/// Per app, per API (keyed by the address of its static [`Api`]), its lane.
type Lanes = HashMap<Box<str>, HashMap<usize, Arc<Lane>>>;

impl std::fmt::Debug for Pacer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pacer").field("lanes", &self.lanes()).finish()
    }
}

impl Pacer {
    /// An empty limiter.
    pub fn new() -> Pacer {
        Pacer::default()
    }

    /// How many (app, API) lanes it holds.
    pub fn lanes(&self) -> usize {
        self.lanes.lock().unwrap_or_else(|e| e.into_inner()).values().map(HashMap::len).sum()
    }

    /// The lane of `app` and `api`, if the API's tier is paced and there is room.
    pub(crate) fn lane(&self, app: &str, api: &'static Api) -> Option<Arc<Lane>> {
        let windows = api.rate_limit().map(|tier| Lane::windows_of(&tier))?;
        if windows.is_empty() {
            return None;
        }
        let key = std::ptr::from_ref(api) as usize;
        let mut lanes = self.lanes.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(lane) = lanes.get(app).and_then(|apis| apis.get(&key)) {
            return Some(Arc::clone(lane));
        }
        if lanes.values().map(HashMap::len).sum::<usize>() >= MAX_LANES {
            let now = Instant::now();
            for apis in lanes.values_mut() {
                apis.retain(|_, lane| Arc::strong_count(lane) > 1 || !lane.idle(now));
            }
            lanes.retain(|_, apis| !apis.is_empty());
            if lanes.values().map(HashMap::len).sum::<usize>() >= MAX_LANES {
                return None;
            }
        }
        let lane = Arc::new(Lane::new(windows));
        lanes.entry(app.into()).or_default().insert(key, Arc::clone(&lane));
        Some(lane)
    }
}

/// One (app, API): its windows and the requests holding slots in them.
pub(crate) struct Lane {
    /// `(limit, period)`, as the tier gives them.
    windows: Vec<(u32, Duration)>,
    /// The longest period: completions older than that hold no slot.
    longest: Duration,
    state: Mutex<State>,
    /// Waiters take turns (FIFO): one of them at a time watches the clock.
    turn: tokio::sync::Mutex<()>,
    /// Signalled when a request completes.
    done: Notify,
}

#[derive(Default)]
struct State {
    /// Requests sent and not answered yet: they hold a slot in every window.
    in_flight: u32,
    /// When requests were answered, oldest first, for the last `longest`.
    completed: VecDeque<Instant>,
    /// No request before this (the platform answered 99991400).
    blocked_until: Option<Instant>,
}

/// Why a request may not be sent yet.
#[derive(Debug, PartialEq, Eq)]
enum Wait {
    /// A slot frees at this instant.
    Until(Instant),
    /// Every slot is held by a request in flight: a slot frees one period after one
    /// of them is answered.
    Completion,
}

impl Lane {
    fn windows_of(tier: &RateLimit) -> Vec<(u32, Duration)> {
        tier.windows().filter(|w| w.limit() > 0).map(|w| (w.limit(), w.period())).collect()
    }

    fn new(windows: Vec<(u32, Duration)>) -> Lane {
        let longest = windows.iter().map(|w| w.1).max().unwrap_or_default();
        let most = windows.iter().map(|w| w.0).max().unwrap_or_default();
        Lane {
            windows,
            longest,
            state: Mutex::new(State {
                completed: VecDeque::with_capacity((most as usize).min(64)),
                ..State::default()
            }),
            turn: tokio::sync::Mutex::new(()),
            done: Notify::new(),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Nothing in flight, nothing held, not blocked: the lane can be dropped.
    fn idle(&self, now: Instant) -> bool {
        let st = self.state();
        st.in_flight == 0
            && st.blocked_until.is_none_or(|t| t <= now)
            && st.completed.back().is_none_or(|&c| c + self.longest <= now)
    }

    /// Waits (sleeping, in turn with other waiters) until a request may be sent, and
    /// takes its slot in every window. Returns how long it waited.
    pub(crate) async fn acquire(self: &Arc<Lane>) -> (Slot, Duration) {
        // The fast path: a free slot and nobody waiting for one.
        if let Ok(turn) = self.turn.try_lock() {
            if self.try_take(Instant::now()).is_ok() {
                return (Slot { lane: Arc::clone(self) }, Duration::ZERO);
            }
            drop(turn);
        }
        let start = Instant::now();
        let _turn = self.turn.lock().await;
        loop {
            // Registered before looking, so a completion in between is not missed.
            let completion = self.done.notified();
            match self.try_take(Instant::now()) {
                Ok(()) => return (Slot { lane: Arc::clone(self) }, start.elapsed()),
                Err(Wait::Until(at)) => tokio::time::sleep_until(at).await,
                Err(Wait::Completion) => completion.await,
            }
        }
    }

    /// Takes a slot of every window at `now`, or says what to wait for.
    fn try_take(&self, now: Instant) -> Result<(), Wait> {
        let mut st = self.state();
        while st.completed.front().is_some_and(|&c| c + self.longest <= now) {
            st.completed.pop_front();
        }
        if let Some(until) = st.blocked_until {
            if until > now {
                return Err(Wait::Until(until));
            }
            st.blocked_until = None;
        }
        let mut wait: Option<Wait> = None;
        for &(limit, period) in &self.windows {
            // The completions still holding a slot of this window.
            let first = st.completed.partition_point(|&c| c + period <= now);
            let held = st.completed.len() - first;
            let taken = st.in_flight as usize + held;
            if taken < limit as usize {
                continue;
            }
            // Slots to free before one is available: the oldest completions' first.
            let need = taken - limit as usize + 1;
            let this = if need <= held {
                Wait::Until(st.completed[first + need - 1] + period)
            } else {
                Wait::Completion
            };
            wait = Some(match (wait, this) {
                (Some(Wait::Until(a)), Wait::Until(b)) => Wait::Until(a.max(b)),
                (Some(Wait::Completion), _) | (_, Wait::Completion) => Wait::Completion,
                (None, this) => this,
            });
        }
        match wait {
            Some(wait) => Err(wait),
            None => {
                st.in_flight += 1;
                Ok(())
            }
        }
    }

    /// The platform answered 99991400: send nothing more on this lane for `wait`.
    pub(crate) fn block_for(&self, wait: Duration) {
        let until = Instant::now() + wait;
        let mut st = self.state();
        st.blocked_until = Some(st.blocked_until.map_or(until, |t| t.max(until)));
    }

    fn complete(&self) {
        let now = Instant::now();
        {
            let mut st = self.state();
            st.in_flight = st.in_flight.saturating_sub(1);
            // Taken under the lock, so the queue stays in order.
            let at = st.completed.back().map_or(now, |&last| last.max(now));
            st.completed.push_back(at);
        }
        self.done.notify_one();
    }
}

/// A request's slot in every window of its lane: dropped when the response (or the
/// transport error) arrived, from which moment it holds the slot for one period.
pub(crate) struct Slot {
    lane: Arc<Lane>,
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.lane.complete();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lane(windows: &[(u32, u64)]) -> Arc<Lane> {
        Arc::new(Lane::new(windows.iter().map(|&(n, s)| (n, Duration::from_secs(s))).collect()))
    }

    #[tokio::test(start_paused = true)]
    async fn a_burst_goes_out_limit_per_period_measured_from_the_answers() {
        let lane = lane(&[(3, 1)]);
        let t0 = Instant::now();
        let mut sent = Vec::new();
        for _ in 0..7 {
            let (slot, _) = lane.acquire().await;
            sent.push(t0.elapsed());
            tokio::time::sleep(Duration::from_millis(10)).await; // the round trip
            drop(slot);
        }
        let ms: Vec<u128> = sent.iter().map(Duration::as_millis).collect();
        // Three at once per second would be 0, 0, 0, 1000...; sequential round trips of
        // 10 ms put each one 1 s after the answer of the one three before it.
        assert_eq!(ms, [0, 10, 20, 1010, 1020, 1030, 2020]);
    }

    #[tokio::test(start_paused = true)]
    async fn every_window_applies_at_once() {
        // 2 per second and 3 per minute: the fourth request waits for the minute.
        let lane = lane(&[(2, 1), (3, 60)]);
        let t0 = Instant::now();
        let mut sent = Vec::new();
        for _ in 0..5 {
            let (slot, _) = lane.acquire().await;
            sent.push(t0.elapsed().as_secs());
            drop(slot);
        }
        assert_eq!(sent, [0, 0, 1, 60, 60]);
    }

    #[tokio::test(start_paused = true)]
    async fn requests_in_flight_hold_their_slots() {
        let lane = lane(&[(2, 1)]);
        let (a, _) = lane.acquire().await;
        let (b, _) = lane.acquire().await;
        assert_eq!(lane.try_take(Instant::now()), Err(Wait::Completion));
        let waiter = {
            let lane = Arc::clone(&lane);
            tokio::spawn(async move { lane.acquire().await.1 })
        };
        tokio::time::sleep(Duration::from_secs(5)).await; // long after any period
        assert!(!waiter.is_finished(), "two requests in flight hold both slots");
        drop(a);
        let waited = waiter.await.unwrap();
        // Freed one period after `a` was answered (at 5 s).
        assert_eq!(waited, Duration::from_secs(6));
        drop(b);
    }

    #[tokio::test(start_paused = true)]
    async fn a_rate_limit_answer_blocks_the_lane_until_its_reset() {
        let lane = lane(&[(50, 1)]);
        lane.block_for(Duration::from_secs(3));
        let (_, waited) = lane.acquire().await;
        assert_eq!(waited, Duration::from_secs(3));
    }

    #[tokio::test(start_paused = true)]
    async fn concurrent_waiters_never_exceed_a_window() {
        let lane = lane(&[(5, 1), (12, 60)]);
        let t0 = Instant::now();
        let tasks: Vec<_> = (0..20)
            .map(|i| {
                let lane = Arc::clone(&lane);
                tokio::spawn(async move {
                    let (slot, _) = lane.acquire().await;
                    let at = t0.elapsed();
                    tokio::time::sleep(Duration::from_millis(1 + i % 7)).await;
                    drop(slot);
                    at
                })
            })
            .collect();
        let mut at = Vec::new();
        for t in tasks {
            at.push(t.await.unwrap());
        }
        at.sort();
        for (limit, period) in [(5, Duration::from_secs(1)), (12, Duration::from_secs(60))] {
            for (i, &start) in at.iter().enumerate() {
                let within = at[i..].iter().take_while(|&&t| t < start + period).count();
                assert!(within <= limit, "{within} sent within {period:?} of {start:?}");
            }
        }
        // 20 requests, 12 a minute: the 13th goes out a minute after the first answers.
        assert!(at[12] >= Duration::from_secs(60), "{:?}", at[12]);
    }

    #[test]
    fn lanes_only_for_paced_tiers() {
        use lark_errors::catalog::{Method, apis, route};
        let pacer = Pacer::new();
        let special = apis().iter().find(|a| a.rate_limit() == Some(RateLimit::Special));
        if let Some(api) = special {
            assert!(pacer.lane("cli_a", api).is_none(), "{api}");
        }
        let api = route(Method::Post, "/open-apis/im/v1/messages").unwrap();
        let a = pacer.lane("cli_a", api).unwrap();
        let again = pacer.lane("cli_a", api).unwrap();
        assert!(Arc::ptr_eq(&a, &again), "one lane per app and API");
        let other = pacer.lane("cli_b", api).unwrap();
        assert!(!Arc::ptr_eq(&a, &other), "apps are paced apart");
        assert_eq!(pacer.lanes(), 2);
        let windows: Vec<_> =
            api.rate_limit().unwrap().windows().map(|w| (w.limit(), w.period())).collect();
        assert_eq!(a.windows, windows);
    }

    #[test]
    fn the_number_of_lanes_is_bounded() {
        let pacer = Pacer::new();
        let paced: Vec<_> = lark_errors::catalog::apis()
            .iter()
            .filter(|a| a.rate_limit().is_some_and(|t| t.windows().next().is_some()))
            .collect();
        assert!(!paced.is_empty());
        let mut held = Vec::new();
        'fill: for app in 0.. {
            for api in &paced {
                match pacer.lane(&format!("cli_{app}"), api) {
                    Some(lane) => held.push(lane),
                    None => break 'fill,
                }
            }
        }
        assert_eq!(pacer.lanes(), MAX_LANES, "held lanes are kept, no more are made");
        drop(held);
        // Idle lanes make room again.
        assert!(pacer.lane("cli_new", paced[0]).is_some());
        assert!(pacer.lanes() <= MAX_LANES);
    }
}
