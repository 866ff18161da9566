//! JSON text → [`Value`] with every array and object allocated at its exact size.
//!
//! serde_json's own `Value` grows each collection element by element, so a small one
//! keeps room for several (an object of one member holds four slots of entries and of
//! index). A template of many small nested collections then needs several times its
//! size in guest memory, enough to hit the sandbox's limit on a 5 MiB template, and the
//! regrowth costs time. Here the children of the open collections wait on two shared
//! stacks and move into storage of exactly their number when the collection closes.
//! The value is the one serde_json would build: same numbers, and for a repeated key
//! the last value at the first key's place.

use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

/// Parses one JSON text.
pub(crate) fn parse(text: &str) -> Result<Value, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(text);
    let mut stacks = Stacks::default();
    let value = Node(&mut stacks).deserialize(&mut de)?;
    de.end()?;
    Ok(value)
}

/// Collections up to this many children wait on the stacks; a longer one moves into its
/// own storage and grows there.
const STACKED: usize = 64;

/// The members waiting on the stacks from `base` and `key_base` on, as an object.
fn members(stacks: &mut Stacks, base: usize, key_base: usize) -> Map<String, Value> {
    let mut members = Map::with_capacity(stacks.values.len() - base);
    for (key, value) in stacks
        .keys
        .drain(key_base..)
        .zip(stacks.values.drain(base..))
    {
        members.insert(key, value);
    }
    members
}

/// Children of the open collections, innermost last.
#[derive(Default)]
struct Stacks {
    values: Vec<Value>,
    keys: Vec<String>,
}

/// One node, built on the shared stacks.
struct Node<'s>(&'s mut Stacks);

impl<'de> DeserializeSeed<'de> for Node<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Node<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any valid JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let stacks = self.0;
        let base = stacks.values.len();
        while let Some(item) = seq.next_element_seed(Node(&mut *stacks))? {
            stacks.values.push(item);
            if stacks.values.len() - base == STACKED {
                // A long one grows in its own storage, as serde_json's does: moved off
                // the stack at its end, it would need its size twice over.
                let mut items: Vec<Value> = stacks.values.drain(base..).collect();
                while let Some(item) = seq.next_element_seed(Node(&mut *stacks))? {
                    items.push(item);
                }
                return Ok(Value::Array(items));
            }
        }
        Ok(Value::Array(stacks.values.drain(base..).collect()))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let stacks = self.0;
        let base = stacks.values.len();
        let key_base = stacks.keys.len();
        while let Some(key) = map.next_key::<String>()? {
            stacks.keys.push(key);
            let value = map.next_value_seed(Node(&mut *stacks))?;
            stacks.values.push(value);
            if stacks.values.len() - base == STACKED {
                let mut members = members(stacks, base, key_base);
                while let Some(key) = map.next_key::<String>()? {
                    let value = map.next_value_seed(Node(&mut *stacks))?;
                    members.insert(key, value);
                }
                return Ok(Value::Object(members));
            }
        }
        Ok(Value::Object(members(stacks, base, key_base)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_the_value_serde_json_builds() {
        for text in [
            r#"{"a":[1,-2,3.5,-0.0,1e300,true,null,"x\u0041"],"b":{},"c":[],"d":{"e":{"f":[[]]}}}"#,
            r#"{"k":1,"j":2,"k":3}"#,
            "18446744073709551615",
            r#" [ {"a" : "b"} , "\ud83d\ude00" ] "#,
        ] {
            let ours = parse(text);
            let theirs = serde_json::from_str::<Value>(text);
            match (ours, theirs) {
                (Ok(a), Ok(b)) => {
                    assert_eq!(a, b, "{text}");
                    // Same order of members too (preserve_order).
                    assert_eq!(a.to_string(), b.to_string(), "{text}");
                }
                (a, b) => assert_eq!(a.is_err(), b.is_err(), "{text}"),
            }
        }
    }

    #[test]
    fn refuses_what_serde_json_refuses() {
        for text in ["", "{", "[1,]", "1e400", r#"{"a":1}x"#, "[1 2]", "nul"] {
            assert!(parse(text).is_err(), "{text}");
            assert!(serde_json::from_str::<Value>(text).is_err(), "{text}");
        }
    }

    #[test]
    fn allocates_small_collections_at_their_size() {
        let Value::Array(items) = parse(r#"[[{"a":1}],[1,2,3,4,5]]"#).unwrap() else {
            panic!("array");
        };
        let Value::Array(inner) = &items[0] else {
            panic!("array");
        };
        assert_eq!(inner.capacity(), 1);
        assert_eq!(items[0][0].as_object().unwrap().len(), 1);
        let Value::Array(five) = &items[1] else {
            panic!("array");
        };
        assert_eq!(five.capacity(), 5);
    }

    #[test]
    fn long_collections_past_the_stack_are_whole() {
        let items: Vec<String> = (0..200).map(|i| format!("[{i},{{\"k\":{i}}}]")).collect();
        let members: Vec<String> = (0..200).map(|i| format!("\"m{i}\":[{i}]")).collect();
        let text = format!(
            "{{\"a\":[{}],\"b\":{{{},\"m5\":0}}}}",
            items.join(","),
            members.join(",")
        );
        let ours = parse(&text).unwrap();
        let theirs: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(ours.to_string(), theirs.to_string());
        assert_eq!(ours["a"].as_array().unwrap().len(), 200);
        assert_eq!(ours["b"].as_object().unwrap().len(), 200);
        assert_eq!(ours["b"]["m5"], 0);
    }
}
