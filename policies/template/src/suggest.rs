//! "Did you mean" suggestions for misspelt keys.

/// The candidate closest to `word` if it is close enough to be a likely typo: the same
/// ignoring case, or at most two edits away (and fewer edits than half its length).
pub fn closest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    if let Some(same) = candidates.iter().find(|c| c.eq_ignore_ascii_case(word)) {
        return Some(same);
    }
    let lower = word.to_ascii_lowercase();
    candidates
        .iter()
        .map(|c| (distance(&lower, &c.to_ascii_lowercase()), *c))
        .filter(|(d, c)| *d <= 2 && *d * 2 < c.len().min(word.len()))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// `; did you mean `X`?` or nothing.
pub fn did_you_mean(word: &str, candidates: &[&str]) -> String {
    match closest(word, candidates) {
        Some(c) => format!("; did you mean `{c}`?"),
        None => String::new(),
    }
}

/// Levenshtein distance over characters.
fn distance(a: &str, b: &str) -> usize {
    strsim::levenshtein(a, b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_words_only() {
        let sections = ["Outputs", "Resources", "Parameters"];
        assert_eq!(closest("Output", &sections), Some("Outputs"));
        assert_eq!(closest("resources", &sections), Some("Resources"));
        assert_eq!(closest("Paramters", &sections), Some("Parameters"));
        assert_eq!(closest("Foo", &sections), None);
        assert_eq!(closest("Out", &sections), None);
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(did_you_mean("Foo", &sections), "");
    }
}
