//! The embedded data (`data/schemas.bin`, made by `data/generate.py`): resource
//! provider schemas, regions, IAM actions and IAM condition operators.
//!
//! Format (little-endian): `PFSD`, format version (u32), entry count (u32), then one
//! 20-byte entry per key, sorted by key bytes: key offset, key length, data offset, data
//! length, raw length (u32 each; raw length 0 = stored, else raw deflate). Keys:
//! `meta` (JSON: source, regions, IAM operators and ARN pattern), `t:TYPE` (JSON
//! `[[region mask, schema id], ...]`), `s:ID` (a reduced schema, JSON), `i:SERVICE` (IAM
//! action names, lower case, one a line).
//!
//! Only what a template uses is decompressed and parsed, once per instance: the policy
//! is reusable, so a warm instance keeps what it decoded for the next evaluation.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use serde_json::Value;

static BLOB: &[u8] = include_bytes!("../data/schemas.bin");

const ENTRY: usize = 20;

fn u32_at(at: usize) -> usize {
    u32::from_le_bytes(BLOB[at..at + 4].try_into().expect("4 bytes")) as usize
}

fn count() -> usize {
    assert_eq!(&BLOB[..4], b"PFSD", "schemas.bin: bad magic");
    u32_at(8)
}

fn key(i: usize) -> &'static [u8] {
    let e = 12 + i * ENTRY;
    let (off, len) = (u32_at(e), u32_at(e + 4));
    &BLOB[off..off + len]
}

fn find(k: &str) -> Option<usize> {
    let (mut lo, mut hi) = (0, count());
    while lo < hi {
        let mid = (lo + hi) / 2;
        match key(mid).cmp(k.as_bytes()) {
            std::cmp::Ordering::Less => lo = mid + 1,
            std::cmp::Ordering::Greater => hi = mid,
            std::cmp::Ordering::Equal => return Some(mid),
        }
    }
    None
}

/// The bytes of an entry, decompressed.
fn read(i: usize) -> Vec<u8> {
    let e = 12 + i * ENTRY;
    let (off, len, raw) = (u32_at(e + 8), u32_at(e + 12), u32_at(e + 16));
    let stored = &BLOB[off..off + len];
    if raw == 0 {
        stored.to_vec()
    } else {
        miniz_oxide::inflate::decompress_to_vec_with_limit(stored, raw)
            .expect("schemas.bin: a chunk does not inflate")
    }
}

fn read_json(i: usize) -> Value {
    serde_json::from_slice(&read(i)).expect("schemas.bin: a chunk is not JSON")
}

/// The data's `meta` entry.
pub struct Meta {
    /// Region names, in mask bit order.
    pub regions: Vec<String>,
    /// Regular expressions of the IAM condition operators, and literal operator names.
    pub condition_patterns: Vec<regex::Regex>,
    /// Literal condition operators.
    pub condition_names: Vec<String>,
    /// The shape of an ARN in a policy's `Resource`.
    pub arn_pattern: Option<regex::Regex>,
}

thread_local! {
    static META: Rc<Meta> = Rc::new(load_meta());
    static SCHEMAS: RefCell<HashMap<usize, Rc<Value>>> = RefCell::new(HashMap::new());
    static ACTIONS: RefCell<HashMap<String, Option<Rc<Vec<String>>>>> = RefCell::new(HashMap::new());
}

fn load_meta() -> Meta {
    let meta = read_json(find("meta").expect("schemas.bin has meta"));
    let strings = |key: &str| -> Vec<String> {
        meta[key]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect()
    };
    Meta {
        regions: strings("regions"),
        condition_patterns: strings("iam_condition_patterns")
            .iter()
            .filter_map(|p| regex::Regex::new(p).ok())
            .collect(),
        condition_names: strings("iam_condition_names"),
        arn_pattern: meta["iam_arn_pattern"]
            .as_str()
            .and_then(|p| regex::Regex::new(p).ok()),
    }
}

/// The data's `meta` entry.
pub fn meta() -> Rc<Meta> {
    META.with(Rc::clone)
}

/// The index of `region` in [`Meta::regions`].
pub fn region_index(region: &str) -> Option<usize> {
    meta().regions.iter().position(|r| r == region)
}

/// What the data knows of a resource type.
pub enum Lookup {
    /// The type's schema in the region.
    Found(Rc<Value>),
    /// The type exists, but not in the region; the regions it exists in.
    NotInRegion(Vec<String>),
    /// No such type.
    Unknown,
}

/// The schema CloudFormation uses for `ty` in the region with index `region`.
pub fn resource(ty: &str, region: usize) -> Lookup {
    let Some(i) = find(&format!("t:{ty}")) else {
        return Lookup::Unknown;
    };
    let variants = read_json(i);
    let mut everywhere = 0u64;
    for v in variants.as_array().into_iter().flatten() {
        let mask = v[0].as_u64().unwrap_or(0);
        everywhere |= mask;
        if mask & (1 << region) != 0 {
            let id = v[1].as_u64().unwrap_or(0) as usize;
            return Lookup::Found(schema(id));
        }
    }
    let regions = meta()
        .regions
        .iter()
        .enumerate()
        .filter(|(i, _)| everywhere & (1 << i) != 0)
        .map(|(_, r)| r.clone())
        .collect();
    Lookup::NotInRegion(regions)
}

fn schema(id: usize) -> Rc<Value> {
    SCHEMAS.with(|cache| {
        if let Some(s) = cache.borrow().get(&id) {
            return Rc::clone(s);
        }
        let i = find(&format!("s:{id}")).expect("schemas.bin: a type names a missing schema");
        let s = Rc::new(read_json(i));
        cache.borrow_mut().insert(id, Rc::clone(&s));
        s
    })
}

/// Every resource type name (for suggestions).
pub fn type_names() -> Vec<&'static str> {
    (0..count())
        .map(key)
        .filter_map(|k| k.strip_prefix(b"t:"))
        .filter_map(|k| std::str::from_utf8(k).ok())
        .collect()
}

/// The IAM actions of a service prefix (lower case), or `None` for an unknown service.
pub fn actions(service: &str) -> Option<Rc<Vec<String>>> {
    let service = service.to_ascii_lowercase();
    ACTIONS.with(|cache| {
        if let Some(a) = cache.borrow().get(&service) {
            return a.clone();
        }
        let found = find(&format!("i:{service}")).map(|i| {
            let text = String::from_utf8(read(i)).unwrap_or_default();
            Rc::new(text.lines().map(str::to_string).collect::<Vec<_>>())
        });
        cache.borrow_mut().insert(service, found.clone());
        found
    })
}

/// Every IAM service prefix (for suggestions).
pub fn services() -> Vec<&'static str> {
    (0..count())
        .map(key)
        .filter_map(|k| k.strip_prefix(b"i:"))
        .filter_map(|k| std::str::from_utf8(k).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn looks_up_types_by_region() {
        let east = region_index("us-east-1").unwrap();
        let Lookup::Found(bucket) = resource("AWS::S3::Bucket", east) else {
            panic!("AWS::S3::Bucket is in us-east-1")
        };
        assert!(bucket["properties"]["BucketName"].is_object());
        assert!(matches!(
            resource("AWS::S3::Buckett", east),
            Lookup::Unknown
        ));
        assert!(matches!(
            resource("AWS::Serverless::Function", east),
            Lookup::Found(_)
        ));
        assert!(actions("s3").unwrap().iter().any(|a| a == "getobject"));
        assert!(actions("nosuchservice").is_none());
        assert!(meta().regions.len() > 30);
    }
}
