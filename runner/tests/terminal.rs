//! The terminal: shell completions, the manual page, `config schema`, config errors
//! with their line and column, and `init`.

mod common;

use common::{preflight, workspace};

fn stdout_of(args: &[&str]) -> String {
    let out = preflight().args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn completions_name_the_subcommands() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let script = stdout_of(&["completions", shell]);
        for sub in ["check", "audit", "deploy", "diff", "policy", "init"] {
            assert!(script.contains(sub), "{shell} completions lack `{sub}`");
        }
        // Options of a subcommand are completed too.
        assert!(script.contains("fail-on-broadening"), "{shell}");
    }
    let out = preflight().args(["completions", "tcsh"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn man_page_covers_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("man/preflight.1");
    preflight()
        .args(["man", "-o"])
        .arg(&page)
        .assert()
        .success();
    let text = std::fs::read_to_string(&page).unwrap();
    assert!(
        text.starts_with(".ie") || text.contains(".TH preflight"),
        "{}",
        &text[..200]
    );
    for section in ["PREFLIGHT CHECK", "PREFLIGHT AUDIT", "PREFLIGHT DEPLOY"] {
        assert!(text.contains(section), "man page lacks {section}");
    }
    assert!(
        text.contains("fail\\-on\\-broadening"),
        "options of subcommands"
    );
}

/// The schema `preflight config schema` prints.
fn schema() -> serde_json::Value {
    serde_json::from_str(&stdout_of(&["config", "schema"])).unwrap()
}

/// Validates `instance` against `schema` with the Python `jsonschema` package (in
/// target/venv; `make test-deps`), the validator editors and CI tools use. Returns the
/// errors.
fn violations(schema: &serde_json::Value, instance: &serde_json::Value) -> Vec<String> {
    let python = workspace().join("target/venv/bin/python");
    assert!(
        python.is_file(),
        "{} is missing: run `make test-deps`",
        python.display()
    );
    let dir = tempfile::tempdir().unwrap();
    let schema_file = dir.path().join("schema.json");
    let instance_file = dir.path().join("instance.json");
    std::fs::write(&schema_file, schema.to_string()).unwrap();
    std::fs::write(&instance_file, instance.to_string()).unwrap();
    let script = "import json, sys, jsonschema\n\
schema = json.load(open(sys.argv[1]))\n\
jsonschema.validators.validator_for(schema).check_schema(schema)\n\
v = jsonschema.validators.validator_for(schema)(schema)\n\
print(json.dumps([e.message for e in v.iter_errors(json.load(open(sys.argv[2])))]))\n";
    let out = std::process::Command::new(python)
        .arg("-c")
        .arg(script)
        .arg(&schema_file)
        .arg(&instance_file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn toml_to_json(text: &str) -> serde_json::Value {
    let table: toml::Table = toml::from_str(text).unwrap();
    serde_json::to_value(table).unwrap()
}

/// The example configuration in README.md (the first toml block of its configuration
/// section).
fn readme_example() -> String {
    let readme = std::fs::read_to_string(workspace().join("README.md")).unwrap();
    let section = readme
        .split("## Configuration")
        .nth(1)
        .expect("README has a configuration section");
    let block = section.split("```toml\n").nth(1).unwrap();
    block.split("```").next().unwrap().to_string()
}

#[test]
fn schema_accepts_the_readme_example_and_rejects_unknown_keys() {
    let schema = schema();
    assert_eq!(schema["title"], "preflight.toml");
    let example = readme_example();
    let errors = violations(&schema, &toml_to_json(&example));
    assert!(errors.is_empty(), "README example rejected: {errors:?}");
    // The example is also what preflight itself accepts (else the schema proves little).
    preflight::config::Config::parse(&example, std::path::Path::new("README.md")).unwrap();

    for (text, why) in [
        (
            "[sam]\nmode = \"auto\"\nregoin = \"eu-west-1\"\n",
            "unknown key",
        ),
        ("[sandboxes]\ntimeout-ms = 5\n", "unknown table"),
        (
            "[policies.template]\nenforcement = \"strict\"\n",
            "bad enum value",
        ),
        ("[sandbox]\ntimeout_ms = 5\n", "keys are kebab-case"),
        ("[sandbox]\nmemory-mib = 0\n", "limits are positive"),
    ] {
        let errors = violations(&schema, &toml_to_json(text));
        assert!(!errors.is_empty(), "{why}: {text}");
    }
}

/// Every configuration error names the file, line and column.
#[test]
fn config_errors_name_line_and_column() {
    let cases = [
        (
            "[sam]\nmode = \"auto\"\nregoin = \"x\"\n",
            "line 3, column 1",
        ),
        ("[sandbox]\ntimeout-ms = \"fast\"\n", "line 2, column 14"),
        (
            "[policies.template]\n\nenforcement = \"strict\"\n",
            "line 3, column 15",
        ),
        (
            "[deploy]\nstack = \"s\"\ntimeout = \"soon\"\n",
            "line 3, column 11",
        ),
        ("[sandbox]\nmemory-mib = 0\n", "line 2, column 14"),
        (
            "[policies.acme]\npath = \"acme.wasm\"\nsha256 = \"abc\"\n",
            "line 3, column 10",
        ),
        (
            "[policies.acme]\nenabled = true\npath = \"acme.wasm\"\n",
            "line 3, column 1",
        ),
        ("[deploy\n", "line 1, column 8"),
    ];
    let fixture = common::fixture("clean.yaml");
    for (text, at) in cases {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("preflight.toml");
        std::fs::write(&config, text).unwrap();
        let out = preflight()
            .args(["check", "--sam", "off", "--config"])
            .arg(&config)
            .arg(&fixture)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{text}: {stderr}");
        assert!(stderr.contains("preflight.toml"), "{text}: {stderr}");
        assert!(stderr.contains(at), "{text}: expected `{at}` in {stderr}");
    }
}

#[test]
fn init_writes_a_valid_commented_config_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        workspace().join("examples/hello-sam/template.yaml"),
        dir.path().join("template.yaml"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("samconfig.toml"),
        "version = 0.1\n[default.deploy.parameters]\nstack_name = \"hello\"\nregion = \"eu-north-1\"\n",
    )
    .unwrap();
    preflight()
        .current_dir(dir.path())
        .arg("init")
        .assert()
        .success();
    let path = dir.path().join("preflight.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.lines().filter(|l| l.starts_with('#')).count() > 5,
        "{text}"
    );
    let config = preflight::config::Config::load(&path).unwrap();
    assert_eq!(config.deploy.stack.as_deref(), Some("hello"));
    assert_eq!(config.sam.region.as_deref(), Some("eu-north-1"));
    assert_eq!(
        config.deploy.template.as_deref(),
        Some(std::path::Path::new("template.yaml"))
    );
    // The schema agrees.
    assert_eq!(
        violations(&schema(), &toml_to_json(&text)),
        Vec::<String>::new()
    );
    // A second init refuses and leaves the file alone.
    std::fs::write(&path, "# edited\n").unwrap();
    let out = preflight()
        .current_dir(dir.path())
        .arg("init")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("already exists"));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "# edited\n");
}

/// The progress bar: drawn on stderr when it is a terminal (util-linux `script` gives
/// the run one) and the audit takes more than a moment; never when stderr is a pipe.
#[test]
fn progress_bar_only_on_a_terminal() {
    let Some(corpus) = common::corpus("serverless-patterns") else {
        return;
    };
    let bin = assert_cmd::cargo::cargo_bin("preflight");
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report.json");
    let command = format!(
        "{} audit --sam off --format json -o {} {}",
        bin.display(),
        report.display(),
        corpus.display()
    );
    let out = std::process::Command::new("script")
        .args(["-q", "-e", "-c", &command, "/dev/null"])
        .env("PREFLIGHT_CACHE_DIR", workspace().join("target/test-cache"))
        // At once: the audit may well finish before the usual delay.
        .env("PREFLIGHT_PROGRESS_DELAY_MS", "0")
        .output()
        .expect("script (util-linux) runs the audit on a pseudo-terminal");
    let screen = String::from_utf8_lossy(&out.stdout);
    assert!(
        screen.contains("checking") && screen.contains("templates"),
        "no progress bar on a terminal: {screen}"
    );
    assert!(report.is_file());

    let piped = preflight()
        .env("PREFLIGHT_PROGRESS_DELAY_MS", "0")
        .args(["audit", "--sam", "off", "--format", "json", "-o"])
        .arg(&report)
        .arg(&corpus)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&piped.stderr);
    assert!(!stderr.contains("checking"), "a bar on a pipe: {stderr}");
}
