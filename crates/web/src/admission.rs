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
//! It must never block an async worker: waiting for a place is an `await`, and the work
//! itself is on a blocking thread. A request whose client goes away while it waits gives its
//! place back; one that is running keeps its worker until the work ends, so the count of
//! busy workers is always the CPU really in use.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use serde::Serialize;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::AppError;

/// The pool: `workers` at once, `queue` more waiting.
#[derive(Debug)]
pub struct Pool {
    workers: usize,
    queue: usize,
    /// One permit per worker.
    running: Arc<Semaphore>,
    /// One permit per worker or place in the queue: what a request takes first, without
    /// waiting.
    places: Arc<Semaphore>,
    rejected: AtomicU64,
    completed: AtomicU64,
}

/// A place in the pool, held while the work runs (and, before that, while it waits).
#[derive(Debug)]
pub struct Ticket {
    _place: OwnedSemaphorePermit,
    _worker: OwnedSemaphorePermit,
}

/// The queue is full.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Busy;

/// What the operator sees (`/metrics` on the operator address).
#[derive(Debug, Clone, Copy, Serialize)]
pub struct PoolStats {
    pub workers: usize,
    pub queue: usize,
    /// Requests being worked on now.
    pub running: usize,
    /// Requests waiting for a worker now.
    pub waiting: usize,
    /// Requests refused with 503 since the start.
    pub rejected: u64,
    /// Requests worked on to the end since the start.
    pub completed: u64,
}

impl Pool {
    /// A pool of `workers` (at least one) and a queue of `queue` places (0: no waiting).
    pub fn new(workers: usize, queue: usize) -> Pool {
        let workers = workers.max(1);
        Pool {
            workers,
            queue,
            running: Arc::new(Semaphore::new(workers)),
            places: Arc::new(Semaphore::new(workers + queue)),
            rejected: AtomicU64::new(0),
            completed: AtomicU64::new(0),
        }
    }

    /// One worker per core.
    pub fn default_workers() -> usize {
        std::thread::available_parallelism().map_or(2, |n| n.get())
    }

    /// Wait for a worker, or `Err(Busy)` at once when every worker is busy and the queue is
    /// full. Public so that a test can hold the pool busy.
    pub async fn admit(&self) -> Result<Ticket, Busy> {
        let place = match self.places.clone().try_acquire_owned() {
            Ok(p) => p,
            Err(_) => {
                self.rejected.fetch_add(1, Ordering::Relaxed);
                return Err(Busy);
            }
        };
        // The semaphores are never closed.
        let worker = self.running.clone().acquire_owned().await.map_err(|_| Busy)?;
        Ok(Ticket { _place: place, _worker: worker })
    }

    /// Run `work` on a blocking thread once admitted. A full queue is a 503 (JSON; the caller
    /// makes it a page with [`AppError::html`]); a panic in the work is a logged 500.
    pub async fn run<T: Send + 'static>(&self, work: impl FnOnce() -> T + Send + 'static) -> Result<T, AppError> {
        let ticket = self.admit().await.map_err(|Busy| AppError::busy())?;
        let done = tokio::task::spawn_blocking(move || {
            let _ticket = ticket;
            work()
        })
        .await;
        self.completed.fetch_add(1, Ordering::Relaxed);
        done.map_err(|e| AppError::internal(format!("a request's work failed: {e}")))
    }

    pub fn stats(&self) -> PoolStats {
        let running = self.workers - self.running.available_permits();
        let admitted = self.workers + self.queue - self.places.available_permits();
        PoolStats {
            workers: self.workers,
            queue: self.queue,
            running,
            waiting: admitted.saturating_sub(running),
            rejected: self.rejected.load(Ordering::Relaxed),
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
        let held = pool.admit().await.unwrap();
        // The one queue place: this request waits.
        let waiting = tokio::spawn({
            let pool = pool.clone();
            async move { pool.run(|| 42).await.ok() }
        });
        while pool.stats().waiting == 0 {
            tokio::task::yield_now().await;
        }
        assert_eq!(pool.admit().await.err(), Some(Busy), "worker busy and queue full");
        assert_eq!(pool.stats().rejected, 1);
        drop(held);
        assert_eq!(waiting.await.unwrap(), Some(42));
        let s = pool.stats();
        assert_eq!((s.running, s.waiting, s.completed), (0, 0, 1));
    }

    #[tokio::test]
    async fn a_panic_in_the_work_is_an_error_not_a_lost_worker() {
        let pool = Pool::new(1, 0);
        let r: Result<(), AppError> = pool.run(|| panic!("boom")).await;
        assert_eq!(r.unwrap_err().status, axum::http::StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(pool.run(|| 1).await.unwrap(), 1, "the worker was given back");
    }
}
