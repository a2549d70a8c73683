//! A small, bounded cache of API search responses, keyed by the raw query string.
//!
//! The index never changes while the server runs (a rebuild is served by a restart), so a
//! response can be reused as long as it is kept. People ask the same questions: a plan has
//! a few hundred terms that most queries are about. The cache holds the serialized JSON, so
//! a repeated query costs a hash lookup. Eviction drops the least recently used entry;
//! capacity 0 turns the cache off.

use std::collections::HashMap;
use std::sync::Mutex;

use axum::body::Bytes;

#[derive(Debug)]
pub struct ResponseCache {
    capacity: usize,
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    tick: u64,
    entries: HashMap<String, (Bytes, u64)>,
    hits: u64,
    misses: u64,
}

impl ResponseCache {
    pub fn new(capacity: usize) -> ResponseCache {
        ResponseCache { capacity, inner: Mutex::new(Inner::default()) }
    }

    pub fn get(&self, key: &str) -> Option<Bytes> {
        if self.capacity == 0 {
            return None;
        }
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        inner.tick += 1;
        let tick = inner.tick;
        match inner.entries.get_mut(key) {
            Some((bytes, used)) => {
                *used = tick;
                let bytes = bytes.clone();
                inner.hits += 1;
                Some(bytes)
            }
            None => {
                inner.misses += 1;
                None
            }
        }
    }

    pub fn put(&self, key: String, bytes: Bytes) {
        if self.capacity == 0 || key.len() > 4096 {
            return;
        }
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        inner.tick += 1;
        let tick = inner.tick;
        if inner.entries.len() >= self.capacity && !inner.entries.contains_key(&key) {
            if let Some(oldest) = inner.entries.iter().min_by_key(|(_, (_, used))| *used).map(|(k, _)| k.clone()) {
                inner.entries.remove(&oldest);
            }
        }
        inner.entries.insert(key, (bytes, tick));
    }

    /// (entries, hits, misses)
    pub fn stats(&self) -> (usize, u64, u64) {
        let inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        (inner.entries.len(), inner.hits, inner.misses)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_at_most_capacity_and_drops_the_least_recently_used() {
        let c = ResponseCache::new(2);
        c.put("a".into(), Bytes::from_static(b"1"));
        c.put("b".into(), Bytes::from_static(b"2"));
        assert!(c.get("a").is_some());
        c.put("c".into(), Bytes::from_static(b"3"));
        assert!(c.get("b").is_none(), "b was least recently used");
        assert!(c.get("a").is_some() && c.get("c").is_some());
        assert_eq!(c.stats().0, 2);
    }

    #[test]
    fn capacity_zero_is_off() {
        let c = ResponseCache::new(0);
        c.put("a".into(), Bytes::from_static(b"1"));
        assert!(c.get("a").is_none());
    }
}
