//! Bad input gets a clear error naming file, line and column, and never a panic.

use preflight_template::{Limits, LoadErrorKind, Template};

fn load(text: &str) -> Result<Template, preflight_template::LoadError> {
    Template::parse(text, "t.yaml", &Limits::default())
}

fn error(text: &str) -> String {
    load(text).unwrap_err().to_string()
}

#[test]
fn error_messages() {
    let cases = [
        ("empty", ""),
        ("only comments", "# nothing here\n"),
        ("syntax", "Resources:\n  A: [1, 2\n"),
        (
            "duplicate key",
            "Resources:\n  A:\n    Type: X\n  A:\n    Type: Y\n",
        ),
        (
            "duplicate nested key",
            "Resources:\n  A:\n    Type: X\n    Type: Y\n",
        ),
        (
            "python tag",
            "Resources:\n  A: !!python/object/apply:os.system [ls]\n",
        ),
        ("binary tag", "Resources:\n  A:\n    Type: !!binary aGk=\n"),
        ("int tag on text", "Resources:\n  A:\n    Type: !!int abc\n"),
        ("float tag on text", "a: !!float x1\n"),
        ("bool tag on text", "a: !!bool maybe\n"),
        ("map tag on a sequence", "a: !!map [1]\n"),
        ("timestamp tag", "a: !!timestamp 2001-12-14\n"),
        ("verbatim tag", "a: !<tag:example.com,2000:x> 1\n"),
        (
            "ref on a mapping",
            "Resources:\n  A:\n    Type: !Ref {a: b}\n",
        ),
        (
            "getatt without dot",
            "Outputs:\n  O:\n    Value: !GetAtt Thing\n",
        ),
        ("two documents", "a: 1\n---\nb: 2\n"),
        ("undefined alias", "a: *nope\n"),
        ("complex key", "? [a, b]\n: c\n"),
        ("tab indentation", "Resources:\n\tA: 1\n"),
    ];
    let mut out = String::new();
    for (name, text) in cases {
        out.push_str(&format!("{name}: {}\n", error(text)));
    }
    insta::assert_snapshot!(out);
}

#[test]
fn deep_nesting_is_bounded() {
    let limits = Limits {
        max_depth: 50,
        ..Limits::default()
    };
    let yaml = "[".repeat(10_000) + &"]".repeat(10_000);
    let e = Template::parse(&yaml, "deep.yaml", &limits).unwrap_err();
    assert_eq!(e.kind, LoadErrorKind::TooDeep(50));
    assert_eq!(e.line, 1);
    let json = "[".repeat(100_000) + &"]".repeat(100_000);
    let e = Template::parse(&json, "deep.json", &limits).unwrap_err();
    assert_eq!(e.kind, LoadErrorKind::TooDeep(50));
    // Block-style nesting too.
    let mut block = String::new();
    for depth in 0..200 {
        block.push_str(&" ".repeat(depth));
        block.push_str("a:\n");
    }
    let e = Template::parse(&block, "deep.yaml", &limits).unwrap_err();
    assert_eq!(e.kind, LoadErrorKind::TooDeep(50));
    assert_eq!(e.line, 51);
}

#[test]
fn billion_laughs_is_refused() {
    let mut text = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..10 {
        let refs = vec![format!("*a{}", i - 1); 10].join(", ");
        text.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
    }
    let e = load(&text).unwrap_err();
    assert_eq!(e.kind, LoadErrorKind::AliasBomb(10_000));
    assert!(e.line >= 2 && e.line <= 5, "{e}");
}

#[test]
fn small_aliases_expand() {
    let t = load("base: &b {Type: AWS::SNS::Topic}\nResources:\n  A: *b\n").unwrap();
    assert_eq!(t.value()["Resources"]["A"]["Type"], "AWS::SNS::Topic");
}

#[test]
fn size_limit_is_checked_first() {
    let limits = Limits {
        max_bytes: 10,
        ..Limits::default()
    };
    let e = Template::parse("Resources: {}\n", "t.yaml", &limits).unwrap_err();
    assert!(matches!(
        e.kind,
        LoadErrorKind::TooLarge {
            size: 14,
            limit: 10
        }
    ));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.yaml");
    std::fs::write(&path, "a: 1\n".repeat(1000)).unwrap();
    let e = Template::load(&path, &limits).unwrap_err();
    assert!(matches!(
        e.kind,
        LoadErrorKind::TooLarge {
            size: 5000,
            limit: 10
        }
    ));
}

#[test]
fn standard_tags_cloudformation_takes_still_load() {
    let t = load(
        "a: !!str 012\nb: !!int 7\nc: !!float 1.5\nd: !!bool yes\ne: !!null ''\nf: !!seq [1]\ng: !!map {k: v}\nh: !!int 0123\n",
    )
    .unwrap();
    assert_eq!(
        t.value(),
        &serde_json::json!({"a": "012", "b": 7, "c": 1.5, "d": true, "e": null, "f": [1], "g": {"k": "v"}, "h": "0123"})
    );
}

#[test]
fn large_mappings_and_long_lines_locate_every_node() {
    // A mapping large enough for the sorted index, on lines with and without non-ASCII
    // text, and a single-line flow sequence after a multi-byte character.
    let mut text = String::from("Big:\n");
    for i in 0..200 {
        let accent = if i % 3 == 0 { "é" } else { "" };
        text.push_str(&format!("  k{i}: v{accent}{i}\n"));
    }
    text.push_str("Seq: [ü");
    for i in 0..200 {
        text.push_str(&format!(", x{i}"));
    }
    text.push_str("]\n");
    let t = load(&text).unwrap();
    for i in 0..200 {
        let at = t.locate(&format!("/Big/k{i}")).unwrap();
        assert_eq!((at.line, at.column), (i + 2, 3), "k{i}");
        let value = &t.source()[at.start_byte..at.end_byte];
        assert!(value.starts_with(&format!("k{i}: v")), "{value}");
        let at = t.locate(&format!("/Seq/{}", i + 1)).unwrap();
        assert_eq!(&t.source()[at.start_byte..at.end_byte], format!("x{i}"));
        assert_eq!(at.line, 202);
        // `Seq: [ü` is 7 characters; each earlier item adds `, xN`.
        let before: usize = (0..i).map(|j| 2 + format!("x{j}").len()).sum();
        assert_eq!(at.column, 8 + 2 + before, "x{i}");
    }
    assert!(t.locate("/Big/k200").is_none());
}

#[test]
fn invalid_utf8_is_located() {
    let e = Template::from_bytes(b"a: 1\nb: \xff\n".to_vec(), "bin.yaml", &Limits::default())
        .unwrap_err();
    assert_eq!(e.kind, LoadErrorKind::NotUtf8);
    assert_eq!((e.line, e.column), (2, 4));
}

#[test]
fn strict_json_rejects_comments_and_trailing_commas() {
    let e = Template::parse("{\"a\": 1, // c\n}", "t.json", &Limits::default()).unwrap_err();
    assert!(matches!(e.kind, LoadErrorKind::Syntax(_)), "{e}");
    let e = Template::parse("{\"a\": [1,],}", "t.json", &Limits::default()).unwrap_err();
    assert!(matches!(e.kind, LoadErrorKind::Syntax(_)), "{e}");
    let e = Template::parse("{\"a\": 1, \"a\": 2}", "t.json", &Limits::default()).unwrap_err();
    assert!(matches!(e.kind, LoadErrorKind::DuplicateKey { .. }), "{e}");
}

#[test]
fn arbitrary_bytes_never_panic() {
    preflight_template::quiet_compat_parser_panics();
    // A cheap deterministic fuzz: mutate a real template byte by byte.
    let base = include_str!("fixtures/short-forms.yaml")
        .as_bytes()
        .to_vec();
    let mut seed: u64 = 0x9e3779b97f4a7c15;
    for _ in 0..3000 {
        let mut bytes = base.clone();
        for _ in 0..4 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let at = (seed as usize) % bytes.len();
            let alphabet = b"{}[]:-!&*'\"\n\t #|>,?%@`";
            bytes[at] = alphabet[(seed >> 32) as usize % alphabet.len()];
        }
        let _ = Template::from_bytes(bytes.clone(), "fuzz.yaml", &Limits::default());
        let _ = Template::from_bytes(bytes, "fuzz.json", &Limits::default());
    }
}

#[test]
fn large_texts_load_and_fail_as_small_ones_do() {
    // Large texts are parsed on a thread of their own; a comment after the document makes
    // a text large without changing its events, so each case must come out the same.
    let padding = format!("# {}\n", "x".repeat(300 * 1024));
    let resources = |n: usize| {
        let mut text = String::from("Resources:\n");
        for i in 0..n {
            text.push_str(&format!(
                "  R{i}: {{Type: 'AWS::SNS::Topic', N: [{i}, é, *a]}}\n"
            ));
        }
        text
    };
    // Under the size that is parsed on a thread of its own.
    let anchored = format!("Anchor: &a [1]\n{}", resources(2_000));
    assert!(anchored.len() < 200 * 1024);
    let cases = [
        anchored.as_str(),
        "a: 1\nb:\n  c: [1, {d: e}]\n",
        "a: 1\n b: 2\nc: 3\n",
        "a: 1\na: 2\n",
        "a: *nope\n",
        // libyaml's leniency: a flow collection's end at its key's indentation.
        "a:\n  b: [1,\n  2\n  ]\n",
    ];
    for text in cases {
        let padded = format!("{text}{padding}");
        match (load(text), load(&padded)) {
            (Ok(small), Ok(large)) => {
                assert_eq!(small.value(), large.value());
                let mut pointers = vec![String::new()];
                while let Some(pointer) = pointers.pop() {
                    assert_eq!(small.locate(&pointer), large.locate(&pointer), "{pointer}");
                    let value = small.value().pointer(&pointer).unwrap();
                    if let Some(map) = value.as_object() {
                        pointers.extend(map.keys().map(|k| format!("{pointer}/{k}")));
                    } else if let Some(items) = value.as_array() {
                        pointers.extend((0..items.len()).map(|i| format!("{pointer}/{i}")));
                    }
                }
            }
            (Err(small), Err(large)) => assert_eq!(small.to_string(), large.to_string()),
            (small, large) => panic!(
                "{:?} differs from {:?} for {text:.40}",
                small.err(),
                large.err()
            ),
        }
    }
    // The builder stops at the second key while the parser is far ahead of it: the load
    // ends with the error, not waiting on the parser.
    let e = load(&format!(
        "a: 1\na: 2\nAnchor: &a [1]\n{}",
        resources(20_000)
    ))
    .unwrap_err();
    assert!(matches!(e.kind, LoadErrorKind::DuplicateKey { .. }), "{e}");
    assert_eq!(e.line, 2);
}
