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

/// Unescapes one reference token (`~1` is `/`, `~0` is `~`).
pub fn unescape(token: &str) -> Cow<'_, str> {
    if token.contains('~') {
        token.replace("~1", "/").replace("~0", "~").into()
    } else {
        token.into()
    }
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
    }
}
