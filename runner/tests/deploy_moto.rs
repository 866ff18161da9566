//! End to end: the real SAM CLI deploys examples/hello-sam through `make play` to moto's
//! CloudFormation-compatible server, behind `preflight deploy`.
//!
//! Setup installs the SAM CLI and moto's server from PyPI into `target/venv` once (the same venv and stamp as `make test-deps`), and starts
//! `moto_server` on a free 127.0.0.1 port for the test, stopping it afterwards. Without
//! Python, pip or PyPI the test fails with a message saying so: it never passes silently.

mod common;

use std::path::Path;

use common::moto::{Moto, tools};
use common::{json_of, preflight, workspace};
use serde_json::Value;

fn copy_example(to: &Path) {
    fn copy(from: &Path, to: &Path) {
        for entry in std::fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            let name = entry.file_name();
            // Build output and local state of a developer's own runs stay behind.
            if [".aws-sam", ".preflight", ".moto", "__pycache__"]
                .contains(&name.to_str().unwrap_or(""))
            {
                continue;
            }
            let target = to.join(&name);
            if entry.file_type().unwrap().is_dir() {
                std::fs::create_dir_all(&target).unwrap();
                copy(&entry.path(), &target);
            } else {
                std::fs::copy(entry.path(), target).unwrap();
            }
        }
    }
    copy(&workspace().join("examples/hello-sam"), to);
}

fn logical_ids(list: &Value) -> Vec<String> {
    let mut ids: Vec<String> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["logical_id"].as_str().unwrap().to_string())
        .collect();
    ids.sort();
    ids
}

#[test]
fn sam_deploys_the_example_to_moto_and_a_broadening_change_waits_for_approval() {
    let bin = tools();
    let dir = tempfile::tempdir().unwrap();
    let moto = Moto::start(&bin, &dir.path().join("moto.log"));
    let app = dir.path().join("hello-sam");
    std::fs::create_dir_all(&app).unwrap();
    copy_example(&app);
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let deploy = |args: &[&str]| {
        let mut cmd = preflight();
        moto.aim(cmd.current_dir(&app))
            .env("PATH", &path)
            .env("SAM_CLI_TELEMETRY", "0")
            .env("USER", "e2e")
            .args(["deploy", "--format", "json"])
            .args(args)
            .write_stdin("");
        json_of(&mut cmd)
    };

    // First deploy: gated (sam validate really runs), deployed by `sam deploy` through
    // `make play`, verified against the stack, recorded.
    let (code, report) = deploy(&[]);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(
        report["gate"]["validation"]["status"], "passed",
        "{report:#}"
    );
    assert_eq!(report["verify"]["stack"]["status"], "CREATE_COMPLETE");
    let resources = &report["verify"]["resources"];
    assert_eq!(
        logical_ids(&resources["created"]),
        ["GreetingsBucket", "HelloFunction", "HelloFunctionRole"],
        "{resources:#}"
    );
    let output = report["deploy"]["output_tail"].to_string();
    assert!(
        output.contains("Successfully created/updated stack - hello-sam"),
        "{output}"
    );
    let state = app.join(".preflight/state/hello-sam.json");
    assert!(state.exists());

    // Add an IAM statement: flagged as broadening, blocked without approval.
    let template = app.join("template.yaml");
    let text = std::fs::read_to_string(&template).unwrap();
    let broadened = text.replace(
        "        - S3ReadPolicy:\n            BucketName: !Ref GreetingsBucket\n",
        "        - S3ReadPolicy:\n            BucketName: !Ref GreetingsBucket\n        \
         - Statement:\n            - Effect: Allow\n              Action: s3:PutObject\n              \
         Resource: !Sub \"${GreetingsBucket.Arn}/*\"\n",
    );
    assert_ne!(
        broadened, text,
        "the example's template changed: update this test"
    );
    std::fs::write(&template, broadened).unwrap();
    let (code, report) = deploy(&[]);
    assert_eq!(code, 3, "{report:#}");
    assert_eq!(report["deploy"], Value::Null);
    let changes = &report["security"]["changes"];
    assert_eq!(changes["broadening"], true, "{changes:#}");
    assert!(
        changes["changes"].to_string().contains("s3:PutObject"),
        "{changes:#}"
    );
    let digest = changes["digest"].as_str().unwrap().to_string();

    // Approved by its digest: deployed as an update.
    let (code, report) = deploy(&["--approve", &digest, "--approve-reason", "uploads"]);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["security"]["approval"]["status"], "approved");
    assert_eq!(report["verify"]["stack"]["status"], "UPDATE_COMPLETE");
    assert!(
        logical_ids(&report["verify"]["resources"]["updated"])
            .contains(&"HelloFunctionRole".to_string()),
        "{:#}",
        report["verify"]["resources"]
    );
    assert!(
        std::fs::read_to_string(&state)
            .unwrap()
            .contains("s3:PutObject")
    );
}
