//! The fuzz targets' bodies, run by the suite: every committed corpus entry and crash
//! input (`fuzz/corpus/<target>/`, `fuzz/artifacts/<target>/`), then a short
//! deterministic smoke of mutated corpus entries.

use preflight_template::fuzz;
use preflight_template::fuzz::committed_inputs;

/// xorshift: the same inputs on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

const DICTIONARY: &[&[u8]] = &[
    b"!Ref ",
    b"!GetAtt ",
    b"!Sub ",
    b"!!int ",
    b"!!binary ",
    b"!Rain::Embed ",
    b"&a ",
    b"*a",
    b"[",
    b"]",
    b"{",
    b"}",
    b": ",
    b"\n  ",
    b"- ",
    b"\"",
    b"'",
    b"\0",
    b"\xff",
    b"Fn::ForEach::L",
    b"${X}",
    b"&{X}",
    b"Transform: AWS::LanguageExtensions\n",
    b"~1",
];

fn mutate(rng: &mut Rng, seed: &[u8]) -> Vec<u8> {
    let mut data = seed.to_vec();
    for _ in 0..1 + rng.next() % 8 {
        let at = if data.is_empty() {
            0
        } else {
            (rng.next() as usize) % data.len()
        };
        match rng.next() % 4 {
            0 if !data.is_empty() => {
                data.remove(at);
            }
            1 => data.insert(at, rng.next() as u8),
            2 => {
                let word = DICTIONARY[(rng.next() as usize) % DICTIONARY.len()];
                data.splice(at..at, word.iter().copied());
            }
            _ if !data.is_empty() => {
                let end = (at + (rng.next() as usize) % 64).min(data.len());
                let chunk = data[at..end].to_vec();
                data.splice(at..at, chunk);
            }
            _ => {}
        }
    }
    data
}

fn replay_and_smoke(target: &str, body: fn(&[u8])) {
    let corpus = committed_inputs(target).unwrap();
    assert!(!corpus.is_empty(), "fuzz/corpus/{target} has entries");
    for input in &corpus {
        body(input);
    }
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for i in 0..1500 {
        let seed = &corpus[i % corpus.len()];
        body(&mutate(&mut rng, seed));
    }
}

#[test]
fn yaml_target() {
    preflight_template::quiet_compat_parser_panics();
    replay_and_smoke("yaml", fuzz::load_yaml);
}

#[test]
fn json_target() {
    replay_and_smoke("json", fuzz::load_json);
}

#[test]
fn locate_target() {
    preflight_template::quiet_compat_parser_panics();
    replay_and_smoke("locate", fuzz::locate);
}
