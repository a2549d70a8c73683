//! Admission control for the work that costs CPU: searches, quote checks, suggestions and
//! page rendering.
//!
//! A key design decision: that work never runs on the async workers. Those two or so threads
//! also accept connections, read requests and answer `/healthz`, static files and cached
//! answers; a search running on one of them makes all of that wait (32 costly searches at
//! once took `/healthz` to 1–4 s). So the work runs on tokio's blocking threads, at most
//! `workers` at once (sized to the cores: more threads than cores only share them), and at
//! most `queue` more requests wait for a worker. A request that finds the queue full is
//! refused at once with 503 and `Retry-After`, which costs nothing: under overload the
//! server answers quickly that it is busy instead of slowly for everyone, the way
//! Elasticsearch's search pool answers 429 and Meilisearch's search queue 503.
//!
//! The second decision: two lanes. A request says what it will cost before it runs
//! ([`Cost`]: a page of many hits or a long query is [`Cost::Heavy`]); heavy work may take at
//! most `workers - 1` workers (one, on two cores) and waits in a queue of its own, so a flood
//! of costly searches cannot take the last worker from an ordinary one. Measured with 32
//! connections of the costliest page: with one queue, ordinary searches waited 2.7–3 s
//! behind them; with two lanes they wait for other ordinary searches only.
//!
//! It must never block an async worker: waiting for a place is an `await`, and the work
//! itself is on a blocking thread. A request whose client goes away while it waits gives its
//! place back; one that is running keeps its worker until the work ends, so the count of
//! busy workers is always the CPU really in use.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;

use serde::Serialize;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::AppError;

/// What a request will cost, judged from its parameters before it runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cost {
    /// An ordinary request: may use every worker.
    Light,
    /// Many hits, a long query or quote: at most `workers - 1` at once, in its own queue.
    Heavy,
}

/// The pool: `workers` at once, `queue` more waiting in each lane.
#[derive(Debug)]
pub struct Pool {
    workers: usize,
    queue: usize,
    /// One permit per worker.
    running: Arc<Semaphore>,
    light: Lane,
    heavy: Lane,
    completed: AtomicU64,
}

#[derive(Debug)]
struct Lane {
    /// Workers this lane may use at once (`None`: all of them).
    gate: Option<Arc<Semaphore>>,
    /// One permit per place: the workers it may use and its queue; taken first, without
    /// waiting.
    places: Arc<Semaphore>,
    capacity: usize,
    running: Arc<AtomicUsize>,
    rejected: AtomicU64,
}

impl Lane {
    fn new(workers: usize, queue: usize, gated: bool) -> Lane {
        Lane {
            gate: gated.then(|| Arc::new(Semaphore::new(workers))),
            places: Arc::new(Semaphore::new(workers + queue)),
            capacity: workers + queue,
            running: Arc::default(),
            rejected: AtomicU64::new(0),
        }
    }

    fn stats(&self) -> LaneStats {
        let admitted = self.capacity - self.places.available_permits();
        let running = self.running.load(Ordering::Relaxed);
        LaneStats { running, waiting: admitted.saturating_sub(running), rejected: self.rejected.load(Ordering::Relaxed) }
    }
}

/// A place in the pool, held while the work runs (and, before that, while it waits).
#[derive(Debug)]
pub struct Ticket {
    _place: OwnedSemaphorePermit,
    _gate: Option<OwnedSemaphorePermit>,
    _worker: OwnedSemaphorePermit,
    running: Arc<AtomicUsize>,
}

impl Drop for Ticket {
    fn drop(&mut self) {
        self.running.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Every free place of both queues, taken (see [`Pool::fill`]); given back when dropped.
#[derive(Debug)]
pub struct Filled {
    _places: Vec<OwnedSemaphorePermit>,
}

/// The queue is full.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Busy;

/// What the operator sees (`/metrics` on the operator address).
#[derive(Debug, Clone, Copy, Serialize)]
pub struct PoolStats {
    pub workers: usize,
    /// The most workers heavy requests may use at once.
    pub heavy_workers: usize,
    /// The length of each lane's queue.
    pub queue: usize,
    pub light: LaneStats,
    pub heavy: LaneStats,
    /// Requests worked on to the end since the start.
    pub completed: u64,
}

#[derive(Debug, Clone, Copy, Serialize)]
pub struct LaneStats {
    /// Requests being worked on now.
    pub running: usize,
    /// Requests waiting for a worker now.
    pub waiting: usize,
    /// Requests refused with 503 since the start.
    pub rejected: u64,
}

impl PoolStats {
    pub fn running(&self) -> usize {
        self.light.running + self.heavy.running
    }

    pub fn waiting(&self) -> usize {
        self.light.waiting + self.heavy.waiting
    }

    pub fn rejected(&self) -> u64 {
        self.light.rejected + self.heavy.rejected
    }
}

impl Pool {
    /// A pool of `workers` (at least one) and two queues of `queue` places (0: no waiting).
    pub fn new(workers: usize, queue: usize) -> Pool {
        let workers = workers.max(1);
        let heavy_workers = (workers - 1).max(1);
        Pool {
            workers,
            queue,
            running: Arc::new(Semaphore::new(workers)),
            light: Lane::new(workers, queue, false),
            heavy: Lane::new(heavy_workers, queue, true),
            completed: AtomicU64::new(0),
        }
    }

    /// One worker per core.
    pub fn default_workers() -> usize {
        std::thread::available_parallelism().map_or(2, |n| n.get())
    }

    fn lane(&self, cost: Cost) -> &Lane {
        match cost {
            Cost::Light => &self.light,
            Cost::Heavy => &self.heavy,
        }
    }

    /// Wait for a worker, or `Err(Busy)` at once when the lane's workers are busy and its
    /// queue is full. Public so that a test can hold a worker.
    pub async fn admit(&self, cost: Cost) -> Result<Ticket, Busy> {
        let lane = self.lane(cost);
        let place = match lane.places.clone().try_acquire_owned() {
            Ok(p) => p,
            Err(_) => {
                lane.rejected.fetch_add(1, Ordering::Relaxed);
                return Err(Busy);
            }
        };
        // The semaphores are never closed.
        let gate = match &lane.gate {
            Some(g) => Some(g.clone().acquire_owned().await.map_err(|_| Busy)?),
            None => None,
        };
        let worker = self.running.clone().acquire_owned().await.map_err(|_| Busy)?;
        lane.running.fetch_add(1, Ordering::Relaxed);
        Ok(Ticket { _place: place, _gate: gate, _worker: worker, running: lane.running.clone() })
    }

    /// Take every free place of both lanes, as a flood of requests would: until the result
    /// is dropped, every request that needs the pool is refused. For tests and drills.
    pub fn fill(&self) -> Filled {
        let mut held = Vec::new();
        for lane in [&self.light, &self.heavy] {
            let n = lane.places.available_permits() as u32;
            if n > 0 {
                held.push(lane.places.clone().try_acquire_many_owned(n).expect("free places"));
            }
        }
        Filled { _places: held }
    }

    /// Run `work` on a blocking thread once admitted. A full queue is a 503 (JSON; the caller
    /// makes it a page with [`AppError::html`]); a panic in the work is a logged 500.
    pub async fn run<T: Send + 'static>(&self, cost: Cost, work: impl FnOnce() -> T + Send + 'static) -> Result<T, AppError> {
        let ticket = self.admit(cost).await.map_err(|Busy| AppError::busy())?;
        let done = tokio::task::spawn_blocking(move || {
            let _ticket = ticket;
            work()
        })
        .await;
        self.completed.fetch_add(1, Ordering::Relaxed);
        done.map_err(|e| AppError::internal(format!("a request's work failed: {e}")))
    }

    pub fn stats(&self) -> PoolStats {
        PoolStats {
            workers: self.workers,
            heavy_workers: self.heavy.capacity - self.queue,
            queue: self.queue,
            light: self.light.stats(),
            heavy: self.heavy.stats(),
            completed: self.completed.load(Ordering::Relaxed),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_full_queue_refuses_at_once_and_a_freed_worker_takes_the_next() {
        let pool = Arc::new(Pool::new(1, 1));
        let held = pool.admit(Cost::Light).await.unwrap();
        // The one queue place: this request waits.
        let waiting = tokio::spawn({
            let pool = pool.clone();
            async move { pool.run(Cost::Light, || 42).await.ok() }
        });
        while pool.stats().light.waiting == 0 {
            tokio::task::yield_now().await;
        }
        assert_eq!(pool.admit(Cost::Light).await.err(), Some(Busy), "worker busy and queue full");
        assert_eq!(pool.stats().light.rejected, 1);
        drop(held);
        assert_eq!(waiting.await.unwrap(), Some(42));
        let s = pool.stats();
        assert_eq!((s.running(), s.waiting(), s.completed), (0, 0, 1));
    }

    #[tokio::test]
    async fn heavy_work_never_takes_the_last_worker() {
        let pool = Arc::new(Pool::new(2, 4));
        assert_eq!(pool.stats().heavy_workers, 1);
        let heavy = pool.admit(Cost::Heavy).await.unwrap();
        // A second heavy request waits in its lane although a worker is free...
        let queued = tokio::spawn({
            let pool = pool.clone();
            async move { pool.run(Cost::Heavy, || "heavy").await.ok() }
        });
        while pool.stats().heavy.waiting == 0 {
            tokio::task::yield_now().await;
        }
        // ...which a light one gets at once.
        assert_eq!(pool.run(Cost::Light, || "light").await.unwrap(), "light");
        assert_eq!(pool.stats().heavy.waiting, 1);
        drop(heavy);
        assert_eq!(queued.await.unwrap(), Some("heavy"));
    }

    #[tokio::test]
    async fn a_filled_pool_refuses_both_lanes_until_released() {
        let pool = Pool::new(2, 3);
        let filled = pool.fill();
        assert!(pool.run(Cost::Light, || ()).await.is_err());
        assert!(pool.run(Cost::Heavy, || ()).await.is_err());
        assert_eq!(pool.stats().rejected(), 2);
        drop(filled);
        assert!(pool.run(Cost::Heavy, || ()).await.is_ok());
    }

    #[tokio::test]
    async fn a_panic_in_the_work_is_an_error_not_a_lost_worker() {
        let pool = Pool::new(1, 0);
        let r: Result<(), AppError> = pool.run(Cost::Light, || panic!("boom")).await;
        assert_eq!(r.unwrap_err().status, axum::http::StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(pool.run(Cost::Light, || 1).await.unwrap(), 1, "the worker was given back");
    }
}
