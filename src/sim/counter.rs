//! Requests received, per method and path template, for tests and benchmarks to read.

use std::collections::BTreeMap;

/// Counts keyed like `GET /conferencecalls` or `DELETE /conferencecalls/{id}`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counter {
    counts: BTreeMap<String, u64>,
    statuses: BTreeMap<u16, u64>,
}

impl Counter {
    pub fn record_status(&mut self, status: u16) {
        *self.statuses.entry(status).or_default() += 1;
    }

    /// Responses answered with this HTTP status (a dropped connection counts as 0).
    pub fn status(&self, status: u16) -> u64 {
        self.statuses.get(&status).copied().unwrap_or(0)
    }

    pub fn record(&mut self, key: String) {
        *self.counts.entry(key).or_default() += 1;
    }

    /// Requests to one method and path template.
    pub fn get(&self, method: &str, path: &str) -> u64 {
        self.counts
            .get(&format!("{method} {path}"))
            .copied()
            .unwrap_or(0)
    }

    /// Every request counted.
    pub fn total(&self) -> u64 {
        self.counts.values().sum()
    }

    /// Requests with the given method, whatever the path.
    pub fn method(&self, method: &str) -> u64 {
        self.counts
            .iter()
            .filter(|(k, _)| k.split(' ').next() == Some(method))
            .map(|(_, v)| v)
            .sum()
    }

    /// Responses by HTTP status (0: a dropped connection).
    pub fn statuses(&self) -> impl Iterator<Item = (u16, u64)> {
        self.statuses.iter().map(|(k, v)| (*k, *v))
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, u64)> {
        self.counts.iter().map(|(k, v)| (k.as_str(), *v))
    }
}
