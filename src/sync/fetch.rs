//! Every request of a refresh goes through here: it waits for the budget, counts, and honours
//! `Retry-After` by pausing the whole budget before trying again.

use std::future::Future;
use std::time::Duration;

use tokio::time::Instant;

use crate::api::{ApiError, Client, ErrorKind};

use super::budget::Budget;

/// How often a request answered 429 is tried again within one refresh.
const RATE_LIMIT_RETRIES: u32 = 2;

/// How often a request that met a passing fault is tried again within one refresh.
const TRANSIENT_RETRIES: u32 = 2;

/// The longest `Retry-After` obeyed without question; longer ones are capped so that a
/// confused server cannot silence the dashboard for hours (the refresh fails meanwhile and
/// says so on screen).
const MAX_PAUSE: Duration = Duration::from_secs(120);

/// A `Retry-After` longer than this fails the refresh at once (so the screen says "rate
/// limited") instead of holding it; the budget stays paused for the whole period.
const WAIT_AT_MOST: Duration = Duration::from_secs(5);

/// The client and budget for one refresh, with the number of requests it made.
pub struct Fetcher<'a> {
    pub client: &'a Client,
    pub budget: &'a Budget,
    pub requests: u32,
    /// When the refresh started and how long until the next one.
    schedule: Option<(Instant, Duration)>,
    /// What the essential part of this refresh cost: the next one will need about as much.
    essential: u32,
    /// Whether a request that met a passing fault is tried again (not while probing an API
    /// that fails).
    retries: bool,
    /// When an essential request was last answered: how recent the picture is.
    pub answered: Option<jiff::Timestamp>,
}

impl<'a> Fetcher<'a> {
    pub fn new(client: &'a Client, budget: &'a Budget) -> Self {
        Fetcher {
            client,
            budget,
            requests: 0,
            schedule: None,
            essential: 0,
            retries: true,
            answered: None,
        }
    }

    /// Without retries of passing faults: one try per request (probing an API that fails).
    pub fn retrying(mut self, retries: bool) -> Self {
        self.retries = retries;
        self
    }

    /// The refresh started at `started` and the next one starts an `interval` later: optional
    /// work stops at half the interval and always leaves the next refresh what it will need.
    pub fn scheduled(mut self, started: Instant, interval: Duration) -> Self {
        self.schedule = Some((started, interval));
        self
    }

    /// Marks the end of the essential part: its cost is what the next refresh must find.
    pub fn essential_done(&mut self) {
        self.essential = self.requests;
    }

    /// Tokens optional work must leave now: what the next refresh needs, less what the budget
    /// refills before it starts; at least one.
    fn reserve(&self) -> f64 {
        let Some((started, interval)) = self.schedule else {
            return 1.0;
        };
        let until_next = (started + interval).saturating_duration_since(Instant::now());
        let refill = self.budget.rate().per_second * until_next.as_secs_f64();
        (self.essential as f64 - refill).max(1.0)
    }

    /// An essential request: waits for the budget, retries after 429, and tries a request that
    /// met a passing fault (a 5xx, a dropped connection) twice more before failing the
    /// refresh: on a busy account a full refresh is hundreds of requests, and one stray 500
    /// must not send it back to the start.
    pub async fn call<T, Fut>(&mut self, op: impl Fn(&'a Client) -> Fut) -> Result<T, ApiError>
    where
        Fut: Future<Output = Result<T, ApiError>>,
    {
        let mut attempt = 0;
        let mut transient = 0;
        loop {
            self.budget.acquire().await;
            self.requests += 1;
            match op(self.client).await {
                Err(e) if e.kind == ErrorKind::RateLimited => {
                    let pause = pause_for(&e);
                    self.budget.pause(pause);
                    self.budget.rate_limited(e.limited_by);
                    attempt += 1;
                    if attempt > RATE_LIMIT_RETRIES || pause > WAIT_AT_MOST {
                        return Err(e);
                    }
                }
                Err(e) if self.retries && is_passing(&e) && transient < TRANSIENT_RETRIES => {
                    transient += 1;
                    tokio::time::sleep(Duration::from_millis(100 * u64::from(transient))).await;
                }
                Ok(answer) => {
                    self.answered = Some(jiff::Timestamp::now());
                    return Ok(answer);
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// An optional request, made only before half the interval is over and only if the
    /// budget can spare a token without starving the next refresh; never retried. `None`
    /// means it was not sent.
    pub async fn spare<T, Fut>(
        &mut self,
        op: impl FnOnce(&'a Client) -> Fut,
    ) -> Option<Result<T, ApiError>>
    where
        Fut: Future<Output = Result<T, ApiError>>,
    {
        let too_late = self
            .schedule
            .is_some_and(|(started, interval)| Instant::now() >= started + interval / 2);
        if too_late || !self.budget.try_spare(self.reserve()) {
            return None;
        }
        Some(self.once(op).await)
    }

    /// One request sent once, counted; a 429 pauses and cuts the budget.
    async fn once<T, Fut>(&mut self, op: impl FnOnce(&'a Client) -> Fut) -> Result<T, ApiError>
    where
        Fut: Future<Output = Result<T, ApiError>>,
    {
        self.requests += 1;
        let result = op(self.client).await;
        if let Err(e) = &result
            && e.kind == ErrorKind::RateLimited
        {
            self.budget.pause(pause_for(e));
            self.budget.rate_limited(e.limited_by);
        }
        result
    }

    /// A request for what the user is looking at or waiting on (the names of rows on screen,
    /// everyone's during a search): drawn from the whole rate rather than optional work's
    /// share, but like optional work never after half the interval and never retried. `None`
    /// means it was not sent.
    pub async fn shown<T, Fut>(
        &mut self,
        op: impl FnOnce(&'a Client) -> Fut,
    ) -> Option<Result<T, ApiError>>
    where
        Fut: Future<Output = Result<T, ApiError>>,
    {
        let left = match self.schedule {
            Some((started, interval)) => {
                (started + interval / 2).saturating_duration_since(Instant::now())
            }
            None => WAIT_AT_MOST,
        };
        if left.is_zero() || !self.budget.acquire_within(left).await {
            return None;
        }
        Some(self.once(op).await)
    }
}

/// A fault worth trying again at once: a server error or a connection that broke (not one
/// refused, which says the server is down, nor a timeout, which already waited).
fn is_passing(e: &ApiError) -> bool {
    match e.kind {
        ErrorKind::Server => true,
        ErrorKind::Connect => e.message.as_deref() != Some("connection refused"),
        _ => false,
    }
}

/// How long to stop after a 429.
pub fn pause_for(e: &ApiError) -> Duration {
    e.retry_after
        .unwrap_or(Duration::from_secs(1))
        .clamp(Duration::from_millis(500), MAX_PAUSE)
}
