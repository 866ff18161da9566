//! End to end against moto's server: smoke checks after a verified deploy and the
//! estimated duration (issue 11, items 6 and 7).
//!
//! The deploy command is a small boto3 script (boto3 comes with moto in `target/venv`)
//! that creates or updates a plain CloudFormation stack whose `ApiUrl` output is a
//! parameter holding the address of an HTTP server this test runs on 127.0.0.1.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use common::moto::{Moto, tools};
use common::{json_of, preflight};
use serde_json::Value;

const TEMPLATE: &str = r#"AWSTemplateFormatVersion: "2010-09-09"
Description: smoke checks against a parameter's URL
Parameters:
  HealthUrl:
    Type: String
Resources:
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      KmsMasterKeyId: alias/aws/sqs
      Tags:
        - Key: health-url
          Value: !Ref HealthUrl
Outputs:
  ApiUrl:
    Value: !Ref HealthUrl
"#;

/// Creates the stack, or updates it when it exists, and waits for the result.
const DEPLOY: &str = r#"
import os, sys, boto3
from botocore.exceptions import ClientError
cf = boto3.client("cloudformation", region_name="us-east-1")
name = os.environ["PREFLIGHT_STACK_NAME"]
args = dict(
    StackName=name,
    TemplateBody=open(os.environ["PREFLIGHT_TEMPLATE"]).read(),
    Parameters=[{"ParameterKey": "HealthUrl", "ParameterValue": os.environ["HEALTH_URL"]}],
)
try:
    cf.describe_stacks(StackName=name)
    exists = True
except ClientError:
    exists = False
try:
    if exists:
        cf.update_stack(**args)
        waiter = "stack_update_complete"
    else:
        cf.create_stack(**args)
        waiter = "stack_create_complete"
except ClientError as e:
    if "No updates" in str(e):
        print("no changes")
        sys.exit(0)
    raise
cf.get_waiter(waiter).wait(StackName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
print("deployed", name)
"#;

/// An HTTP server on 127.0.0.1 answering `GET /ok` with 200 and anything else with
/// 500; it counts the requests and stops with the test process.
fn http_server() -> (u16, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut request = String::new();
            if BufReader::new(&stream).read_line(&mut request).is_err() {
                continue;
            }
            counter.fetch_add(1, Ordering::SeqCst);
            let status = if request.starts_with("GET /ok ") {
                "200 OK"
            } else {
                "500 Internal Server Error"
            };
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\ncontent-length: 2\r\nconnection: close\r\n\r\nhi"
            );
        }
    });
    (port, hits)
}

fn config(extra: &str) -> String {
    format!(
        r#"[deploy]
stack = "smoke-demo"
command = ["{python}", "deploy.py"]
verify = true

{extra}"#,
        python = tools().join("python").display()
    )
}

#[test]
fn smoke_checks_run_against_the_stack_outputs_and_the_estimate_follows_earlier_deploys() {
    let bin = tools();
    let dir = tempfile::tempdir().unwrap();
    let moto = Moto::start(&bin, &dir.path().join("moto.log"));
    let (port, hits) = http_server();
    let url = format!("http://127.0.0.1:{port}/ok");
    let app = dir.path().join("app");
    std::fs::create_dir_all(&app).unwrap();
    std::fs::write(app.join("template.yaml"), TEMPLATE).unwrap();
    std::fs::write(app.join("deploy.py"), DEPLOY).unwrap();
    let passing = format!(
        r#"[[deploy.smoke]]
name = "outputs in the environment"
command = 'test "$PREFLIGHT_OUTPUT_ApiUrl" = "{url}" && test "$PREFLIGHT_STACK_NAME" = smoke-demo && echo checked'

[[deploy.smoke]]
output = "ApiUrl"

[[deploy.smoke]]
name = "substituted"
url = "${{ApiUrl}}"
expect-status = 200
timeout = "10s"
"#
    );
    std::fs::write(app.join("preflight.toml"), config(&passing)).unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let deploy = |format: &str| {
        let mut cmd = preflight();
        moto.aim(cmd.current_dir(&app))
            .env("PATH", &path)
            .env("HEALTH_URL", &url)
            .env("USER", "e2e")
            .env_remove("HTTP_PROXY")
            .env_remove("http_proxy")
            .env_remove("ALL_PROXY")
            .args(["deploy", "--sam", "off", "--format", format])
            .write_stdin("");
        cmd
    };

    // First deploy: verified, the three checks pass, no estimate yet.
    let (code, report) = json_of(&mut deploy("json"));
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["verify"]["stack"]["status"], "CREATE_COMPLETE");
    assert_eq!(report["verify"]["stack"]["outputs"]["ApiUrl"], url.as_str());
    assert_eq!(report["estimate"], Value::Null, "{:#}", report["estimate"]);
    let checks = report["smoke"]["checks"].as_array().unwrap();
    let statuses: Vec<&str> = checks
        .iter()
        .map(|c| c["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["passed", "passed", "passed"], "{checks:#?}");
    assert_eq!(checks[0]["kind"], "command");
    assert!(
        checks[0]["detail"].as_str().unwrap().contains("checked"),
        "{checks:#?}"
    );
    assert_eq!(checks[1]["kind"], "http");
    assert_eq!(checks[1]["name"], "ApiUrl");
    assert_eq!(checks[1]["target"], url.as_str());
    assert_eq!(checks[2]["detail"], "GET answered 200");
    assert_eq!(hits.load(Ordering::SeqCst), 2);
    assert!(
        report["phases"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["name"] == "smoke" && p["status"] == "passed"),
        "{:#}",
        report["phases"]
    );
    let baseline = app.join(".preflight/state/smoke-demo.json");
    assert!(baseline.exists());

    // Second deploy, for people: the estimate on stderr before the command, and in
    // the report against the actual time; the outputs and the checks listed.
    let output = deploy("human").output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stdout}\n{stderr}");
    assert!(
        stderr.contains("estimated: about ") && stderr.contains("(median of 1 earlier deploy)"),
        "{stderr}"
    );
    assert!(
        stdout.contains("(median of 1 earlier deploy); took "),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("Outputs\n  ApiUrl = {url}\n")),
        "{stdout}"
    );
    assert!(stdout.contains("Smoke checks"), "{stdout}");
    assert!(
        stdout.contains("✓ substituted (http ") && stdout.contains("passed in "),
        "{stdout}"
    );

    // A failing check fails the deploy: exit 4, the reasons name the checks and why,
    // the baseline stays the one of the last good deploy; the audit log has the run.
    let before = std::fs::read(&baseline).unwrap();
    let failing = format!(
        r#"{passing}
[[deploy.smoke]]
name = "health"
output = "ApiUrl"
path = "/fail"

[[deploy.smoke]]
name = "queue"
command = 'echo "$PREFLIGHT_OUTPUT_QueueUrl"'

[[deploy.smoke]]
name = "exit"
command = "echo broken >&2; exit 3"
"#
    );
    std::fs::write(app.join("preflight.toml"), config(&failing)).unwrap();
    std::fs::write(
        app.join("template.yaml"),
        TEMPLATE.replace("Description: smoke", "Description: changed smoke"),
    )
    .unwrap();
    let (code, report) = json_of(&mut deploy("json"));
    assert_eq!(code, 4, "{report:#}");
    assert_eq!(report["outcome"], "failed");
    assert_eq!(report["verify"]["status"], "passed");
    let estimate = &report["estimate"];
    assert_eq!(estimate["deploys"], 2, "{estimate:#}");
    assert_eq!(estimate["basis"], "deploy-command");
    assert!(estimate["actual_ms"].as_u64().is_some(), "{estimate:#}");
    let reasons = report["reasons"].to_string();
    assert!(
        reasons.contains("smoke check `health` failed: GET answered 500, expected 200"),
        "{reasons}"
    );
    assert!(
        reasons.contains(
            "smoke check `queue` failed: stack output `QueueUrl` missing: the stack's outputs are ApiUrl"
        ),
        "{reasons}"
    );
    assert!(
        reasons.contains("smoke check `exit` failed: exit status 3: broken"),
        "{reasons}"
    );
    assert_eq!(report["state"]["written"], false);
    assert_eq!(std::fs::read(&baseline).unwrap(), before);
    let log = std::fs::read_to_string(app.join(".preflight/audit.jsonl")).unwrap();
    let last: Value = serde_json::from_str(log.lines().last().unwrap()).unwrap();
    assert_eq!(last["outcome"], "failed");
    assert!(last["deploy_ms"].as_u64().is_some(), "{last:#}");
    assert!(
        report["next_steps"].to_string().contains("smoke check"),
        "{:#}",
        report["next_steps"]
    );

    // --no-smoke: the same deploy goes through, and records the new baseline.
    let (code, report) = json_of(deploy("json").arg("--no-smoke"));
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["smoke"], Value::Null);
    assert_ne!(std::fs::read(&baseline).unwrap(), before);
}
