//! The GitHub Action (`action.yml`): its run steps execute as GitHub's runner would run
//! them (bash, inputs through the environment, GITHUB_OUTPUT / GITHUB_STEP_SUMMARY
//! files), against a fixture repository, with the built binary on PATH. Its SARIF
//! passes Microsoft's SARIF multitool with no error and no warning.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::{fixture, workspace};

/// What the action did.
struct ActionRun {
    /// Each run step's id (or name), exit code and output.
    steps: Vec<(String, i32, String)>,
    /// The job summary.
    summary: String,
    /// The `sarif_file` the upload step was given (resolved), when it would run.
    uploaded: Option<PathBuf>,
}

/// Evaluates the `${{ }}` expressions the action uses.
fn expand(text: &str, ctx: &BTreeMap<String, String>) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("${{") {
        out.push_str(&rest[..start]);
        let end = rest[start..].find("}}").expect("closed expression") + start;
        let expr = rest[start + 3..end].trim();
        let value = ctx
            .get(expr)
            .unwrap_or_else(|| panic!("the test does not know `{expr}`"));
        out.push_str(value);
        rest = &rest[end + 2..];
    }
    out.push_str(rest);
    out
}

fn run_action(repo: &Path, inputs: &[(&str, &str)]) -> ActionRun {
    let action: serde_yaml::Value =
        serde_yaml::from_str(&std::fs::read_to_string(workspace().join("action.yml")).unwrap())
            .unwrap();
    assert_eq!(action["runs"]["using"].as_str(), Some("composite"));
    let mut ctx = BTreeMap::new();
    for (name, spec) in action["inputs"].as_mapping().unwrap() {
        let name = name.as_str().unwrap();
        let default = spec["default"].as_str().unwrap_or("").to_string();
        ctx.insert(format!("inputs.{name}"), default);
    }
    for (name, value) in inputs {
        let key = format!("inputs.{name}");
        assert!(ctx.contains_key(&key), "action.yml has no input `{name}`");
        ctx.insert(key, value.to_string());
    }
    ctx.insert(
        "github.action_path".into(),
        workspace().display().to_string(),
    );
    ctx.insert(
        "github.action_repository".into(),
        "example/preflight".into(),
    );

    let temp = tempfile::tempdir().unwrap();
    let summary = temp.path().join("summary.md");
    let github_path = temp.path().join("path");
    let github_env = temp.path().join("env");
    for f in [&summary, &github_path, &github_env] {
        std::fs::write(f, "").unwrap();
    }
    let bin = assert_cmd::cargo::cargo_bin("preflight");
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut run = ActionRun {
        steps: Vec::new(),
        summary: String::new(),
        uploaded: None,
    };
    for (i, step) in action["runs"]["steps"]
        .as_sequence()
        .unwrap()
        .iter()
        .enumerate()
    {
        let id = step["id"]
            .as_str()
            .or(step["name"].as_str())
            .unwrap_or("step")
            .to_string();
        if let Some(uses) = step["uses"].as_str() {
            assert!(
                uses.starts_with("github/codeql-action/upload-sarif@"),
                "{uses}"
            );
            // `if: always() && inputs.upload-sarif == 'true' && ...`: the test reads the
            // one input it depends on.
            if ctx["inputs.upload-sarif"] == "true" {
                let file = expand(step["with"]["sarif_file"].as_str().unwrap(), &ctx);
                run.uploaded = Some(repo.join(file));
            }
            continue;
        }
        let script = step["run"].as_str().expect("a run step");
        assert!(
            !script.contains("${{"),
            "step {id}: inputs reach scripts through env only (no expression in a script)"
        );
        assert_eq!(step["shell"].as_str(), Some("bash"), "step {id}");
        let dir = match step["working-directory"].as_str() {
            Some(w) => repo.join(expand(w, &ctx)),
            None => repo.to_path_buf(),
        };
        let output_file = temp.path().join(format!("output-{i}"));
        std::fs::write(&output_file, "").unwrap();
        let script_file = temp.path().join(format!("step-{i}.sh"));
        std::fs::write(&script_file, script).unwrap();
        let mut cmd = std::process::Command::new("bash");
        cmd.args(["--noprofile", "--norc", "-eo", "pipefail"])
            .arg(&script_file)
            .current_dir(&dir)
            .env("PATH", &path)
            .env("GITHUB_OUTPUT", &output_file)
            .env("GITHUB_STEP_SUMMARY", &summary)
            .env("GITHUB_PATH", &github_path)
            .env("GITHUB_ENV", &github_env)
            .env("GITHUB_ACTIONS", "true")
            .env("RUNNER_TEMP", temp.path())
            .env("NO_COLOR", "1")
            .env("PREFLIGHT_CACHE_DIR", workspace().join("target/test-cache"));
        if let Some(env) = step["env"].as_mapping() {
            for (k, v) in env {
                cmd.env(k.as_str().unwrap(), expand(v.as_str().unwrap_or(""), &ctx));
            }
        }
        let out = cmd.output().unwrap();
        let code = out.status.code().unwrap_or(-1);
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        for line in std::fs::read_to_string(&output_file).unwrap().lines() {
            if let Some((k, v)) = line.split_once('=') {
                ctx.insert(format!("steps.{id}.outputs.{k}"), v.to_string());
            }
        }
        run.steps.push((id, code, text));
        if code != 0 {
            break;
        }
    }
    run.summary = std::fs::read_to_string(&summary).unwrap();
    run
}

/// A repository with one clean and one bad template.
fn fixture_repo() -> tempfile::TempDir {
    let repo = tempfile::tempdir().unwrap();
    for (from, to) in [
        ("clean.yaml", "infra/good/template.yaml"),
        ("sam-admin.yaml", "services/admin/template.yaml"),
        ("missing-sub.yaml", "services/queue/template.yaml"),
    ] {
        let to = repo.path().join(to);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(fixture(from), to).unwrap();
    }
    repo
}

/// `sarif-multitool validate`: the results it reports as errors or warnings.
fn multitool_problems(sarif: &Path) -> Vec<String> {
    let tool = workspace().join("target/node/sarif/node_modules/.bin/sarif-multitool");
    assert!(
        tool.is_file(),
        "{} is missing: run `make test-deps`",
        tool.display()
    );
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("validation.sarif");
    let out = std::process::Command::new(&tool)
        .arg("validate")
        .arg(sarif)
        .arg("--output")
        .arg(&log)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "multitool failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&log).unwrap()).unwrap();
    report["runs"][0]["results"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .filter(|r| matches!(r["level"].as_str(), None | Some("error") | Some("warning")))
        .map(|r| r.to_string())
        .collect()
}

#[test]
fn action_audits_uploads_annotates_and_summarises() {
    let repo = fixture_repo();
    let run = run_action(repo.path(), &[]);
    let names: Vec<&str> = run.steps.iter().map(|(id, _, _)| id.as_str()).collect();
    assert_eq!(names, ["install", "audit", "Verdict"], "{:#?}", run.steps);
    let (_, install, install_out) = &run.steps[0];
    assert_eq!(*install, 0, "{install_out}");
    assert!(
        install_out.contains("using "),
        "the binary on PATH is used: {install_out}"
    );
    let (_, audit, audit_out) = &run.steps[1];
    assert_eq!(*audit, 0, "{audit_out}");
    // Annotations for the bad templates, none for the good one.
    assert!(
        audit_out.contains("::error file=services/admin/template.yaml"),
        "{audit_out}"
    );
    assert!(
        audit_out.contains("file=services/queue/template.yaml"),
        "{audit_out}"
    );
    assert!(
        !audit_out.contains("::error file=infra/good"),
        "{audit_out}"
    );
    // The job summary is the markdown report.
    assert!(
        run.summary.contains("services/admin/template.yaml"),
        "{}",
        run.summary
    );
    assert!(
        run.summary.contains('|'),
        "a markdown table: {}",
        run.summary
    );
    // Blocking findings fail the job, with the audit's exit status.
    let (_, verdict, verdict_out) = &run.steps[2];
    assert_eq!(*verdict, 1, "{verdict_out}");
    // The SARIF handed to the upload step exists and passes the multitool.
    let sarif = run.uploaded.expect("upload step enabled by default");
    let value: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&sarif).unwrap()).unwrap();
    let uri =
        &value["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"];
    assert_eq!(uri["uriBaseId"], "%SRCROOT%", "{uri}");
    assert!(!uri["uri"].as_str().unwrap().starts_with('/'), "{uri}");
    assert_eq!(multitool_problems(&sarif), Vec::<String>::new());
}

#[test]
fn action_passes_a_clean_repository_and_honours_inputs() {
    let repo = fixture_repo();
    let run = run_action(
        repo.path(),
        &[
            ("paths", "infra"),
            ("upload-sarif", "false"),
            ("sarif-file", "out/report.sarif"),
        ],
    );
    assert!(
        run.steps.iter().all(|(_, code, _)| *code == 0),
        "{:#?}",
        run.steps
    );
    assert!(run.uploaded.is_none());
    assert!(repo.path().join("out/report.sarif").is_file());
    // With findings but fail-on-findings false, the job passes.
    let run = run_action(repo.path(), &[("fail-on-findings", "false")]);
    assert!(
        run.steps.iter().all(|(_, code, _)| *code == 0),
        "{:#?}",
        run.steps
    );
}

/// Absolute template paths (outside any base directory) give absolute file URIs, still
/// valid for the multitool.
#[test]
fn sarif_with_absolute_paths_passes_the_multitool() {
    let repo = fixture_repo();
    let elsewhere = tempfile::tempdir().unwrap();
    let sarif = elsewhere.path().join("report.sarif");
    common::preflight()
        .current_dir(elsewhere.path())
        .args(["audit", "--sam", "off", "--format", "sarif", "-o"])
        .arg(&sarif)
        .arg(repo.path())
        .assert()
        .code(1);
    let text = std::fs::read_to_string(&sarif).unwrap();
    assert!(text.contains("\"uri\": \"file:///"), "{text}");
    assert_eq!(multitool_problems(&sarif), Vec::<String>::new());
}
