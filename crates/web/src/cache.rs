//! A cache of finished search answers (the API's JSON and the search page's HTML), bounded in
//! bytes and keyed by the parsed request.
//!
//! The index never changes while the server runs (a rebuild is served by a restart), so an
//! answer can be reused as long as it is kept. People ask the same questions: a plan has a
//! few hundred terms that most queries are about, and a cached answer costs a hash lookup
//! on the async worker instead of a place in the search pool.
//!
//! A key design decision: the key is the *parsed* request ([`key`]), not the query string,
//! so `&_=123`, a reordered or a repeated parameter make no new entry, and the bound is in
//! bytes (key, body and a fixed overhead per entry), not entries: a page of 100 hits is
//! ~700 KB, so a bound by count let 1,100 distinct requests take 570 MB. Eviction drops the
//! least recently used; a budget of 0 turns the cache off.
//!
//! It must never tell a client whether an answer came from the cache (that would say what
//! others searched recently): no header says so, and the counters are for the operator.

use std::sync::Mutex;

use axum::body::Bytes;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use lru::LruCache;
use serde::Serialize;

/// What an entry costs beyond its key and body: the map's node, the `Bytes` and `String`
/// headers, the allocator's rounding.
const ENTRY_OVERHEAD: usize = 128;

/// The default budget: 64 MiB.
pub const DEFAULT_CACHE_BYTES: usize = 64 << 20;

/// A cached answer: its content type and body.
#[derive(Debug, Clone)]
pub struct Answer {
    pub content_type: &'static str,
    pub body: Bytes,
}

impl IntoResponse for Answer {
    fn into_response(self) -> Response {
        ([(header::CONTENT_TYPE, self.content_type)], self.body).into_response()
    }
}

#[derive(Debug)]
pub struct ResponseCache {
    budget: usize,
    inner: Mutex<Inner>,
}

#[derive(Debug)]
struct Inner {
    entries: LruCache<String, Answer>,
    bytes: usize,
    hits: u64,
    misses: u64,
    evictions: u64,
}

/// The operator's view (`/metrics` on the operator address).
#[derive(Debug, Clone, Copy, Serialize)]
pub struct CacheStats {
    pub budget_bytes: usize,
    pub bytes: usize,
    pub entries: usize,
    pub hits: u64,
    pub misses: u64,
    pub evictions: u64,
}

/// The cache key of a parsed request: which answer (`api`, `page`…) and the parameters as
/// parsed, in their fixed field order. Built from the `Debug` form of the parsed parameters
/// so that a parameter added to them is part of the key without a second list to keep.
pub fn key(kind: &str, parsed: &impl std::fmt::Debug) -> String {
    format!("{kind} {parsed:?}")
}

fn cost(key: &str, answer: &Answer) -> usize {
    key.len() + answer.body.len() + ENTRY_OVERHEAD
}

impl ResponseCache {
    /// A cache holding at most `budget` bytes (0: none).
    pub fn new(budget: usize) -> ResponseCache {
        ResponseCache { budget, inner: Mutex::new(Inner { entries: LruCache::unbounded(), bytes: 0, hits: 0, misses: 0, evictions: 0 }) }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn get(&self, key: &str) -> Option<Answer> {
        if self.budget == 0 {
            return None;
        }
        let mut inner = self.lock();
        match inner.entries.get(key).cloned() {
            Some(a) => {
                inner.hits += 1;
                Some(a)
            }
            None => {
                inner.misses += 1;
                None
            }
        }
    }

    /// Keep an answer, dropping the least recently used until the budget holds. An answer
    /// larger than the whole budget is not kept.
    pub fn put(&self, key: String, answer: Answer) {
        let size = cost(&key, &answer);
        if size > self.budget {
            return;
        }
        let mut inner = self.lock();
        if let Some(old) = inner.entries.put(key.clone(), answer) {
            inner.bytes -= cost(&key, &old);
        }
        inner.bytes += size;
        while inner.bytes > self.budget {
            let Some((k, a)) = inner.entries.pop_lru() else { break };
            inner.bytes -= cost(&k, &a);
            inner.evictions += 1;
        }
    }

    pub fn stats(&self) -> CacheStats {
        let inner = self.lock();
        CacheStats {
            budget_bytes: self.budget,
            bytes: inner.bytes,
            entries: inner.entries.len(),
            hits: inner.hits,
            misses: inner.misses,
            evictions: inner.evictions,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(n: usize) -> Answer {
        Answer { content_type: "application/json", body: Bytes::from(vec![b'x'; n]) }
    }

    #[test]
    fn the_byte_budget_evicts_the_least_recently_used() {
        // Room for two answers of 1,000 bytes, not three.
        let c = ResponseCache::new(2 * (1000 + ENTRY_OVERHEAD + 1));
        c.put("a".into(), answer(1000));
        c.put("b".into(), answer(1000));
        assert!(c.get("a").is_some());
        c.put("c".into(), answer(1000));
        assert!(c.get("b").is_none(), "b was least recently used");
        assert!(c.get("a").is_some() && c.get("c").is_some());
        let s = c.stats();
        assert_eq!((s.entries, s.evictions), (2, 1));
        assert!(s.bytes <= s.budget_bytes, "{s:?}");
    }

    #[test]
    fn one_large_answer_evicts_many_small_ones_and_one_over_the_budget_is_not_kept() {
        let c = ResponseCache::new(10_000);
        for i in 0..20 {
            c.put(format!("small {i}"), answer(100));
        }
        assert_eq!(c.stats().entries, 20);
        c.put("large".into(), answer(9_000));
        let s = c.stats();
        assert!(s.bytes <= 10_000 && c.get("large").is_some(), "{s:?}");
        assert!(s.entries < 20, "{s:?}");
        c.put("huge".into(), answer(20_000));
        assert!(c.get("huge").is_none());
    }

    #[test]
    fn replacing_an_entry_counts_its_bytes_once() {
        let c = ResponseCache::new(100_000);
        c.put("a".into(), answer(1000));
        c.put("a".into(), answer(2000));
        assert_eq!(c.stats().bytes, 1 + 2000 + ENTRY_OVERHEAD);
    }

    #[test]
    fn budget_zero_is_off() {
        let c = ResponseCache::new(0);
        c.put("a".into(), answer(1));
        assert!(c.get("a").is_none());
    }
}
