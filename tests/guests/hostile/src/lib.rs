//! A hostile policy. Its settings say how to misbehave (`{"attack": "..."}`):
//!
//! - `loop`: spins forever (the epoch deadline must stop it);
//! - `memory`: allocates without end (the memory limit must stop it);
//! - `recursion`: recurses without end (the wasm stack limit must stop it);
//! - `panic`: panics (a trap whose message must reach the report);
//! - `files`: tries to read host files and list `/` (there are no preopened directories);
//! - `env`: reads environment variables and arguments (there are none);
//! - `network`: tries to open a TCP connection (denied);
//! - `oversized`: returns more findings than the host accepts;
//! - `huge-message`: returns one enormous message;
//! - `bad-pointer`: returns a finding with a malformed JSON pointer;
//! - anything else: one harmless finding, to show the policy ran.
//!
//! The "probing" attacks return `Err` describing what they observed, so the host
//! reports it as a `policy-error` and tests can check that nothing leaked.

use preflight_policy::{Finding, Input, Policy, PolicyMeta, Report, RuleInfo, Severity};

struct Hostile;

impl Policy for Hostile {
    fn metadata() -> PolicyMeta {
        PolicyMeta {
            id: "hostile".into(),
            version: "0.0.0".into(),
            description: "Misbehaves on request".into(),
            rules: vec![RuleInfo {
                id: "HOSTILE".into(),
                name: "hostile".into(),
                title: "Always fires".into(),
                default_severity: Severity::Low,
                help: String::new(),
                equivalents: Vec::new(),
            }],
            reusable: false,
        }
    }

    fn evaluate(input: &Input) -> Result<Report, String> {
        let attack = input.settings["attack"].as_str().unwrap_or("none");
        match attack {
            "loop" => {
                let mut n: u64 = 0;
                loop {
                    n = std::hint::black_box(n.wrapping_add(1));
                }
            }
            "memory" => {
                let mut hoard: Vec<Vec<u8>> = Vec::new();
                loop {
                    hoard.push(vec![1u8; 16 * 1024 * 1024]);
                    std::hint::black_box(&hoard);
                }
            }
            "recursion" => Ok(finding(&format!("depth {}", recurse(0)))),
            "panic" => panic!("hostile policy panicked on purpose"),
            "files" => {
                let mut seen = Vec::new();
                for path in ["/etc/passwd", "/etc/hostname", "/proc/self/environ", "."] {
                    match std::fs::read(path) {
                        Ok(bytes) => {
                            seen.push(format!("READ {path}: {}", String::from_utf8_lossy(&bytes)))
                        }
                        Err(e) => seen.push(format!("denied {path}: {e}")),
                    }
                }
                if let Some(p) = input.settings["secret_file"].as_str() {
                    match std::fs::read_to_string(p) {
                        Ok(text) => seen.push(format!("READ {p}: {text}")),
                        Err(e) => seen.push(format!("denied {p}: {e}")),
                    }
                }
                match std::fs::read_dir("/") {
                    Ok(entries) => seen.push(format!("LISTED / ({} entries)", entries.count())),
                    Err(e) => seen.push(format!("denied listing /: {e}")),
                }
                Err(seen.join("; "))
            }
            "env" => {
                let vars: Vec<String> = std::env::vars().map(|(k, v)| format!("{k}={v}")).collect();
                let args: Vec<String> = std::env::args().collect();
                Err(format!(
                    "environment: {} variables {vars:?}; arguments: {args:?}",
                    vars.len()
                ))
            }
            "network" => match std::net::TcpStream::connect("127.0.0.1:22") {
                Ok(_) => Err("CONNECTED to 127.0.0.1:22".into()),
                Err(e) => Err(format!("denied connect: {e}")),
            },
            "oversized" => Ok(Report {
                findings: (0..200_000)
                    .map(|i| finding(&i.to_string()).findings.remove(0))
                    .collect(),
                rules: Vec::new(),
            }),
            "huge-message" => Ok(finding(&"x".repeat(64 * 1024 * 1024))),
            "bad-pointer" => {
                let mut report = finding("bad pointer");
                report.findings[0].pointer = "no-leading-slash".into();
                Ok(report)
            }
            _ => Ok(finding("the hostile policy ran")),
        }
    }
}

fn finding(message: &str) -> Report {
    Report {
        findings: vec![Finding {
            rule: "HOSTILE".into(),
            severity: Severity::Low,
            message: message.into(),
            resource: None,
            pointer: String::new(),
            highlight: None,
        }],
        rules: Vec::new(),
    }
}

#[inline(never)]
#[allow(unconditional_recursion)]
fn recurse(depth: u64) -> u64 {
    let pad = std::hint::black_box([depth; 64]);
    recurse(depth + 1) + pad[0]
}

preflight_policy::export_policy!(Hostile);
