//! The schemas' `pattern` and `patternProperties` regular expressions, compiled for
//! matching, once per instance.
//!
//! The regex crate compiles a bounded repetition by writing its body out once per
//! allowed count, so `^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$` (a tag value) becomes 128
//! copies of a Unicode class's UTF-8 automaton: about 0.1 s to compile natively, more in
//! the sandbox, for one pattern. When a pattern (or a branch of its top-level `|`) is
//! anchored at both ends and holds a single repetition of variable length whose body,
//! like everything around it, matches a fixed number of characters, the text's length
//! decides how many times the body repeats: such a branch is compiled with the body
//! repeated without bound and matches only texts whose length in characters is in the
//! range the bounds allow. Both readings accept exactly the same texts.

use std::cell::RefCell;
use std::collections::HashMap;
use std::ops::RangeInclusive;
use std::rc::Rc;

use regex_syntax::hir::{Capture, Class, Hir, HirKind, Look, Repetition};

/// Repetitions with an upper bound below this are cheap enough as written.
const LONG_REPETITION: u32 = 16;

/// A compiled pattern.
#[derive(Debug)]
pub struct Pattern {
    /// It matches when one of these does.
    branches: Vec<Branch>,
}

#[derive(Debug)]
struct Branch {
    regex: regex::Regex,
    /// The lengths (in characters) of the texts it matches, when the regex alone allows
    /// more.
    chars: Option<RangeInclusive<usize>>,
}

impl Pattern {
    /// Compiles an ECMA-262 pattern as the schemas write it; `None` when the regex
    /// crate cannot read it (look-around, back-references, lone surrogates): such a
    /// pattern is not checked.
    pub fn new(ecma: &str) -> Option<Pattern> {
        // Python's `\Z` (end of text) is `\z` here.
        let pattern = ecma.replace("\\Z", "\\z");
        let hir = regex_syntax::parse(&pattern).ok()?;
        let alternatives = match hir.kind() {
            HirKind::Alternation(branches) => branches.as_slice(),
            _ => std::slice::from_ref(&hir),
        };
        let relaxed: Vec<Option<(Hir, RangeInclusive<usize>)>> =
            alternatives.iter().map(relax).collect();
        if relaxed.iter().all(Option::is_none) {
            let regex = regex::Regex::new(&pattern).ok()?;
            return Some(Pattern {
                branches: vec![Branch { regex, chars: None }],
            });
        }
        let branches = alternatives
            .iter()
            .zip(relaxed)
            .map(|(written, relaxed)| {
                let (hir, chars) = match relaxed {
                    Some((hir, chars)) => (hir, Some(chars)),
                    None => (written.clone(), None),
                };
                let regex = regex::Regex::new(&hir.to_string()).ok()?;
                Some(Branch { regex, chars })
            })
            .collect::<Option<Vec<Branch>>>()?;
        Some(Pattern { branches })
    }

    /// Whether `text` matches (anywhere, as `RegExp.test` and Python's `re.search`).
    pub fn is_match(&self, text: &str) -> bool {
        let mut length = None;
        self.branches.iter().any(|b| {
            b.chars.as_ref().is_none_or(|range| {
                range.contains(length.get_or_insert_with(|| text.chars().count()))
            }) && b.regex.is_match(text)
        })
    }
}

thread_local! {
    static CACHE: RefCell<HashMap<String, Option<Rc<Pattern>>>> = RefCell::new(HashMap::new());
}

/// The compiled `pattern`, from this instance's cache.
pub fn compiled(pattern: &str) -> Option<Rc<Pattern>> {
    CACHE.with(|cache| {
        if let Some(p) = cache.borrow().get(pattern) {
            return p.clone();
        }
        let compiled = Pattern::new(pattern).map(Rc::new);
        cache
            .borrow_mut()
            .insert(pattern.to_string(), compiled.clone());
        compiled
    })
}

/// A branch `^ fixed* R{m,n} fixed* $` with `n` large and the body of `R` of fixed
/// width `w`, as `^ fixed* R* fixed* $` and the lengths `k + w*m ..= k + w*n` (`k`:
/// the fixed parts' width). The repetition may sit in a capture group.
fn relax(branch: &Hir) -> Option<(Hir, RangeInclusive<usize>)> {
    let HirKind::Concat(items) = branch.kind() else {
        return None;
    };
    let anchored = |item: Option<&Hir>, look: Look| matches!(item.map(Hir::kind), Some(HirKind::Look(l)) if *l == look);
    if !anchored(items.first(), Look::Start) || !anchored(items.last(), Look::End) {
        return None;
    }
    let mut fixed = 0;
    let mut variable = None;
    for (i, item) in items.iter().enumerate() {
        if let Some(w) = width(item) {
            fixed += w;
        } else if variable.is_some() {
            return None;
        } else {
            variable = Some((i, unbounded(item)?));
        }
    }
    let (i, (hir, w, min, max)) = variable?;
    let mut items = items.clone();
    items[i] = hir;
    Some((
        Hir::concat(items),
        fixed + w * min as usize..=fixed + w * max as usize,
    ))
}

/// A long bounded repetition of a fixed-width body (possibly in a capture group), with
/// its upper bound removed: the new expression, the body's width and the bounds.
fn unbounded(item: &Hir) -> Option<(Hir, usize, u32, u32)> {
    match item.kind() {
        HirKind::Capture(c) => {
            let (sub, w, min, max) = unbounded(&c.sub)?;
            let capture = Capture {
                index: c.index,
                name: c.name.clone(),
                sub: Box::new(sub),
            };
            Some((Hir::capture(capture), w, min, max))
        }
        HirKind::Repetition(rep) => {
            let max = rep.max.filter(|&max| max >= LONG_REPETITION)?;
            let w = width(&rep.sub).filter(|&w| w > 0)?;
            let relaxed = Hir::repetition(Repetition {
                min: 0,
                max: None,
                greedy: rep.greedy,
                sub: rep.sub.clone(),
            });
            Some((relaxed, w, rep.min, max))
        }
        _ => None,
    }
}

/// The number of characters an expression always matches, when it is fixed.
fn width(hir: &Hir) -> Option<usize> {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => Some(0),
        HirKind::Literal(lit) => std::str::from_utf8(&lit.0).ok().map(|s| s.chars().count()),
        HirKind::Class(Class::Unicode(_)) => Some(1),
        HirKind::Class(Class::Bytes(_)) => None,
        HirKind::Capture(c) => width(&c.sub),
        HirKind::Repetition(rep) if Some(rep.min) == rep.max => {
            Some(width(&rep.sub)? * rep.min as usize)
        }
        HirKind::Repetition(_) => None,
        HirKind::Concat(items) => items.iter().map(width).sum(),
        HirKind::Alternation(branches) => {
            let first = width(branches.first()?)?;
            branches
                .iter()
                .all(|b| width(b) == Some(first))
                .then_some(first)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Texts around the bounds of the patterns below, ASCII and not.
    fn texts() -> Vec<String> {
        let mut out = vec![String::new()];
        for n in [1, 2, 3, 4, 15, 16, 17, 99, 100, 101, 127, 128, 129, 130] {
            for unit in ["a", "é", "_", "Z9", " ", "-", "\n", "\u{1F600}", "!"] {
                out.push(unit.repeat(n));
                out.push(format!("a{}", unit.repeat(n)));
                out.push(format!("{}:", unit.repeat(n)));
            }
        }
        out.push("resource-groups:Name".into());
        out.push("xxresource-groups:Namexx".into());
        out.push("ab-cd-12".into());
        out
    }

    #[test]
    fn matches_exactly_what_the_written_pattern_matches() {
        let patterns = [
            r"^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$|resource-groups:Name",
            r"^[\w][\w@.-]{2,99}$",
            r"^([\p{L}\p{Z}\p{N}_.:/=+\-@]{0,128})$",
            r"^(?:ab){2,40}-?$",
            r"^[a-z]{2}-[a-z0-9]{1,20}\d{2}$",
            r"^.{1,256}\Z",
            r"^[a-z]{1,20}[0-9]{1,20}$",
            r"[a-z]{1,64}",
            r"^(?i)[A-Z]{1,30}$",
        ];
        let texts = texts();
        for p in patterns {
            let written = regex::Regex::new(&p.replace("\\Z", "\\z")).unwrap();
            let pattern = Pattern::new(p).unwrap();
            for t in &texts {
                assert_eq!(
                    pattern.is_match(t),
                    written.is_match(t),
                    "pattern {p:?} on {t:?}"
                );
            }
        }
    }

    #[test]
    fn long_repetitions_anchored_at_both_ends_are_compiled_without_their_bounds() {
        let relaxed = |p: &str| -> Vec<Option<RangeInclusive<usize>>> {
            Pattern::new(p)
                .unwrap()
                .branches
                .into_iter()
                .map(|b| b.chars)
                .collect()
        };
        assert_eq!(
            relaxed(r"^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$|resource-groups:Name"),
            [Some(1..=128), None]
        );
        assert_eq!(relaxed(r"^[\w][\w@.-]{2,99}$"), [Some(3..=100)]);
        assert_eq!(relaxed(r"^(?:ab){2,40}-x$"), [Some(6..=82)]);
        // Short bounds, two variable parts, or no anchor: as written.
        assert_eq!(relaxed(r"^[a-z]{1,15}$"), [None]);
        assert_eq!(relaxed(r"^[a-z]{1,20}[0-9]{1,20}$"), [None]);
        assert_eq!(relaxed(r"[a-z]{1,64}"), [None]);
        assert!(
            Pattern::new(r"^(?=a)b$").is_none(),
            "look-ahead is not read"
        );
    }
}
