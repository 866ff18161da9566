//! JSON pointers (RFC 6901): the one place their reference tokens are escaped and
//! unescaped, for the SDK, the built-in policies and the host.

use std::borrow::Cow;

/// Escapes one reference token: `~` becomes `~0` and `/` becomes `~1`.
pub fn escape(token: &str) -> Cow<'_, str> {
    if token.contains(['~', '/']) {
        token.replace('~', "~0").replace('/', "~1").into()
    } else {
        token.into()
    }
}

/// The pointer of member `key` under `parent`: `parent/key`, escaped. Templates have
/// thousands of nodes and policies make a pointer for most of them, so this writes into
/// one allocation of the right size instead of going through `format!`.
pub fn member(parent: &str, key: &str) -> String {
    let token = escape(key);
    let mut out = String::with_capacity(parent.len() + 1 + token.len());
    out.push_str(parent);
    out.push('/');
    out.push_str(&token);
    out
}

/// The pointer of item `index` under `parent`: `parent/index`.
pub fn item(parent: &str, index: usize) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(parent.len() + 4);
    out.push_str(parent);
    out.push('/');
    let _ = write!(out, "{index}");
    out
}

/// Unescapes one reference token (`~1` is `/`, `~0` is `~`).
pub fn unescape(token: &str) -> Cow<'_, str> {
    if token.contains('~') {
        token.replace("~1", "/").replace("~0", "~").into()
    } else {
        token.into()
    }
}

/// Whether `pointer` is a JSON pointer: empty, or `/`-separated tokens in which every
/// `~` is followed by `0` or `1`.
pub fn is_well_formed(pointer: &str) -> bool {
    if pointer.is_empty() {
        return true;
    }
    pointer.starts_with('/')
        && pointer
            .split('~')
            .skip(1)
            .all(|after| after.starts_with(['0', '1']))
}

/// `/Resources/<id>/...` → `<id>` (unescaped).
pub fn resource_of(pointer: &str) -> Option<String> {
    let rest = pointer.strip_prefix("/Resources/")?;
    let token = rest.split('/').next()?;
    Some(unescape(token).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_round_trip() {
        assert_eq!(escape("a/b~c"), "a~1b~0c");
        assert_eq!(escape("plain"), "plain");
        assert_eq!(unescape("a~1b~0c"), "a/b~c");
        assert_eq!(unescape("~01"), "~1");
        assert_eq!(
            resource_of("/Resources/My~1Bucket/Properties").as_deref(),
            Some("My/Bucket")
        );
        assert_eq!(resource_of("/Outputs/X"), None);
        assert_eq!(member("/Resources", "A/b~c"), "/Resources/A~1b~0c");
        assert_eq!(member("", "Resources"), "/Resources");
        assert_eq!(item("/a/b", 12), "/a/b/12");
    }

    #[test]
    fn well_formed_pointers() {
        for ok in ["", "/", "/Resources/A~1b~0c", "/a//b", "/~0~1"] {
            assert!(is_well_formed(ok), "{ok}");
        }
        for bad in ["Resources", "/a~", "/a~2", "/~~0", "#/a"] {
            assert!(!is_well_formed(bad), "{bad}");
        }
    }
}
