//! `preflight audit --shard K/N`: one part of an audit spread over N CI jobs. Templates
//! are found and sorted as for a whole audit, and shard K keeps those whose index in
//! that order is K-1 modulo N: the shards partition the templates, differ in size by
//! one at most, and every job of the same commit agrees on them.

use std::str::FromStr;

/// One shard of N.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// 1-based.
    pub index: usize,
    /// How many shards.
    pub count: usize,
}

/// A `--shard` value that is not K/N with 1 <= K <= N.
#[derive(Debug, thiserror::Error)]
#[error("--shard `{0}`: expected K/N with 1 <= K <= N, e.g. 2/4")]
pub struct ShardError(String);

impl FromStr for Shard {
    type Err = ShardError;

    fn from_str(text: &str) -> Result<Shard, ShardError> {
        let bad = || ShardError(text.to_string());
        let (k, n) = text.split_once('/').ok_or_else(bad)?;
        let index: usize = k.trim().parse().map_err(|_| bad())?;
        let count: usize = n.trim().parse().map_err(|_| bad())?;
        if index == 0 || count == 0 || index > count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

impl Shard {
    /// This shard's part of `sorted` (the templates in discovery order).
    pub fn select<T>(&self, sorted: Vec<T>) -> Vec<T> {
        sorted
            .into_iter()
            .enumerate()
            .filter(|(i, _)| i % self.count == self.index - 1)
            .map(|(_, t)| t)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_partition() {
        let all: Vec<usize> = (0..23).collect();
        let mut seen = Vec::new();
        for k in 1..=4 {
            let part = Shard { index: k, count: 4 }.select(all.clone());
            assert!(part.len() == 5 || part.len() == 6);
            seen.extend(part);
        }
        seen.sort();
        assert_eq!(seen, all);
        assert!("0/3".parse::<Shard>().is_err());
        assert!("4/3".parse::<Shard>().is_err());
        assert!("x".parse::<Shard>().is_err());
        assert_eq!(
            "2/3".parse::<Shard>().unwrap(),
            Shard { index: 2, count: 3 }
        );
    }
}
