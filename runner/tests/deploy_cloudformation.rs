//! End to end: the gate's CloudFormation client (the AWS SDK for Rust) against moto's
//! server on 127.0.0.1, with no `aws` CLI on PATH. The deploy command is
//! `fixtures/cloudformation/deploy.py` (boto3 creating or updating the stack, as
//! `aws cloudformation deploy` would), so every test controls what reaches
//! CloudFormation; moto runs through `fixtures/cloudformation/moto_server.py`, which makes
//! a resource moto refuses fail as CloudFormation fails (events, rollback), or plain.

mod common;

use std::path::PathBuf;

use common::moto::{Moto, tools};
use common::{fixture, preflight};
use serde_json::Value;

/// A queue, a role that reads it, and the queue's URL as an output.
const TEMPLATE: &str = r#"AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Queue:
    Type: AWS::SQS::Queue
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal:
              Service: lambda.amazonaws.com
            Action: sts:AssumeRole
      Policies:
        - PolicyName: read
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Action: sqs:ReceiveMessage
                Resource: !GetAtt Queue.Arn
Outputs:
  QueueUrl:
    Value: !Ref Queue
"#;

/// The role's policy with one more statement.
fn with_statement(template: &str) -> String {
    let widened = template.replace(
        "                Resource: !GetAtt Queue.Arn\n",
        "                Resource: !GetAtt Queue.Arn\n              - Effect: Allow\n                Action: sqs:DeleteQueue\n                Resource: !GetAtt Queue.Arn\n",
    );
    assert_ne!(widened, template);
    widened
}

/// A project deploying stack `demo` with `deploy.py`, against its own moto server.
struct Project {
    // Fields drop in order: the server stops before its directory goes.
    _moto: Moto,
    _dir: tempfile::TempDir,
    root: PathBuf,
    /// PATH with python3 and the system's tools, and no `aws`.
    path: String,
    endpoint: String,
    python: PathBuf,
}

impl Project {
    /// moto started (failing like CloudFormation, or `plain`), and the project.
    fn start(template: &str, plain: bool) -> Project {
        let bin = tools();
        let dir = tempfile::tempdir().unwrap();
        let moto =
            Moto::start_failing_like_cloudformation(&bin, &dir.path().join("moto.log"), plain);
        let root = dir.path().join("app");
        let shims = dir.path().join("bin");
        std::fs::create_dir_all(&root).unwrap();
        std::fs::create_dir_all(&shims).unwrap();
        std::os::unix::fs::symlink(bin.join("python3"), shims.join("python3")).unwrap();
        let path = format!("{}:/usr/bin:/bin", shims.display());
        let project = Project {
            root,
            path,
            endpoint: moto.endpoint(),
            python: bin.join("python3"),
            _moto: moto,
            _dir: dir,
        };
        project.write_template(template);
        std::fs::write(
            project.root.join("preflight.toml"),
            format!(
                "[deploy]\ncommand = [\"python3\", \"{}\", \"template.yaml\", \"demo\"]\nstack = \"demo\"\n\
                 template = \"template.yaml\"\n\n[deploy.env]\nAWS_ENDPOINT_URL = \"{}\"\n\
                 AWS_ACCESS_KEY_ID = \"testing\"\nAWS_SECRET_ACCESS_KEY = \"testing\"\n\
                 AWS_DEFAULT_REGION = \"us-east-1\"\n\n[sam]\nmode = \"off\"\n",
                fixture("cloudformation/deploy.py").display(),
                project.endpoint
            ),
        )
        .unwrap();
        project
    }

    fn write_template(&self, text: &str) {
        std::fs::write(self.root.join("template.yaml"), text).unwrap();
    }

    /// `preflight deploy --format json ARGS`: exit code, report, stderr.
    fn deploy(&self, args: &[&str]) -> (i32, Value, String) {
        let mut cmd = preflight();
        cmd.current_dir(&self.root)
            .env("PATH", &self.path)
            .env("HOME", self.root.join("home"))
            .env("USER", "e2e")
            .env("AWS_EC2_METADATA_DISABLED", "true");
        for var in [
            "AWS_ENDPOINT_URL",
            "AWS_ACCESS_KEY_ID",
            "AWS_SECRET_ACCESS_KEY",
            "AWS_SESSION_TOKEN",
            "AWS_PROFILE",
            "AWS_REGION",
            "AWS_DEFAULT_REGION",
        ] {
            cmd.env_remove(var);
        }
        cmd.args(["deploy", "--format", "json"])
            .args(args)
            .write_stdin("");
        let output = cmd.output().unwrap();
        let report: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
            panic!(
                "not a JSON report ({e}): {}\n{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            )
        });
        (
            output.status.code().unwrap_or(-1),
            report,
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    }

    /// The template deployed directly, without the gate (as a teammate with the AWS
    /// console or CLI would).
    fn deploy_directly(&self, template: &str) {
        let path = self.root.join("direct.yaml");
        std::fs::write(&path, template).unwrap();
        self.python_ok(&[
            fixture("cloudformation/deploy.py").to_str().unwrap(),
            path.to_str().unwrap(),
            "demo",
        ]);
    }

    /// Runs the venv's python with moto's endpoint and dummy credentials.
    fn python_ok(&self, args: &[&str]) {
        let output = std::process::Command::new(&self.python)
            .args(args)
            .env("AWS_ENDPOINT_URL", &self.endpoint)
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env("AWS_DEFAULT_REGION", "us-east-1")
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{args:?}: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

fn ids(list: &Value) -> Vec<String> {
    let mut ids: Vec<String> = list
        .as_array()
        .unwrap_or_else(|| panic!("not a list: {list}"))
        .iter()
        .map(|r| r["logical_id"].as_str().unwrap().to_string())
        .collect();
    ids.sort();
    ids
}

#[test]
fn a_clean_deploy_is_verified_with_its_events_resources_and_outputs_without_the_aws_cli() {
    let project = Project::start(TEMPLATE, false);
    assert!(
        which::which_in("aws", Some(&project.path), "/").is_err(),
        "the test's PATH must not have the aws CLI"
    );

    let (code, report, stderr) = project.deploy(&[]);
    assert_eq!(code, 0, "{report:#}\n{stderr}");
    assert_eq!(report["stack_before"]["checked"], true, "{report:#}");
    assert_eq!(report["stack_before"]["exists"], false);
    let stack = &report["verify"]["stack"];
    assert_eq!(stack["status"], "CREATE_COMPLETE", "{report:#}");
    assert_eq!(stack["ok"], true);
    assert_eq!(stack["touched"], true);
    assert!(
        stack["outputs"]["QueueUrl"]
            .as_str()
            .is_some_and(|u| u.contains("demo-Queue")),
        "{stack:#}"
    );
    assert_eq!(
        ids(&report["verify"]["resources"]["created"]),
        ["Queue", "Role"]
    );
    // The stack's events, as watched: in the report and as lines on stderr.
    let events = report["verify"]["progress"]["events"].as_array().unwrap();
    assert!(
        events
            .iter()
            .any(|e| e["logical_id"] == "" && e["status"] == "CREATE_COMPLETE"),
        "{events:#?}"
    );
    assert!(
        stderr.contains("cloudformation ") && stderr.contains("CREATE_COMPLETE"),
        "{stderr}"
    );
    // The deployed template is recorded, to tell later changes made outside the gate.
    assert!(
        project
            .root
            .join(".preflight/state/demo.deployed.json")
            .is_file()
    );

    // A command that fails before reaching CloudFormation: the stack's status is the
    // earlier deploy's, and not presented as this one's.
    let (code, report, _) = project.deploy(&["--", "false"]);
    assert_eq!(code, 4, "{report:#}");
    let stack = &report["verify"]["stack"];
    assert_eq!(stack["status"], "CREATE_COMPLETE");
    assert_eq!(stack["touched"], false);
    assert_eq!(stack["ok"], false, "{stack:#}");
    assert!(
        stack["explanation"]
            .as_str()
            .is_some_and(|e| e.contains("earlier deploy")),
        "{stack:#}"
    );
}

#[test]
fn a_resource_cloudformation_refuses_is_named_with_its_reason_and_the_stack_left_blocks_the_next_deploy()
 {
    let taken = format!(
        "{TEMPLATE}  Bucket:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: taken-by-someone\n"
    )
    .replace("Outputs:\n  QueueUrl:\n    Value: !Ref Queue\n", "");
    let project = Project::start(&taken, false);
    project.python_ok(&[
        "-c",
        "import boto3; boto3.client('s3').create_bucket(Bucket='taken-by-someone')",
    ]);

    let (code, report, stderr) = project.deploy(&[]);
    assert_eq!(code, 4, "{report:#}\n{stderr}");
    assert_eq!(report["outcome"], "failed");
    let verify = &report["verify"];
    assert_eq!(verify["stack"]["status"], "ROLLBACK_COMPLETE", "{verify:#}");
    assert!(
        verify["stack"]["explanation"]
            .as_str()
            .is_some_and(|e| e.contains("must be deleted")),
        "{verify:#}"
    );
    let failures = verify["root_cause"]["failures"].as_array().unwrap();
    assert_eq!(failures.len(), 1, "{failures:#?}");
    assert_eq!(failures[0]["logical_id"], "Bucket");
    assert_eq!(failures[0]["status"], "CREATE_FAILED");
    assert_eq!(failures[0]["cause"], "already-exists");
    assert!(
        failures[0]["reason"]
            .as_str()
            .is_some_and(|r| r.contains("BucketAlreadyExists")),
        "{failures:#?}"
    );
    let reasons = report["reasons"].to_string();
    assert!(
        reasons.contains("Bucket (AWS::S3::Bucket) CREATE_FAILED"),
        "{reasons}"
    );
    let steps = report["next_steps"].to_string();
    assert!(steps.contains("exists outside this stack"), "{steps}");
    assert!(!project.root.join(".preflight/state/demo.json").exists());

    // The stack is left in ROLLBACK_COMPLETE: the next deploy does not start.
    let (code, report, _) = project.deploy(&[]);
    assert_eq!(code, 3, "{report:#}");
    assert_eq!(report["deploy"], Value::Null);
    assert_eq!(report["stack_before"]["readiness"], "must-delete");
    let steps = report["next_steps"].to_string();
    assert!(steps.contains("delete-stack --stack-name demo"), "{steps}");
}

#[test]
fn a_failed_update_is_rolled_back_and_explained_and_the_next_deploy_may_proceed() {
    let project = Project::start(TEMPLATE, false);
    let (code, report, _) = project.deploy(&[]);
    assert_eq!(code, 0, "{report:#}");
    // A verified deploy says how to check its drift: the detection, then its results.
    let steps = report["next_steps"].to_string();
    assert!(
        steps.contains("detect-stack-drift --stack-name demo"),
        "{steps}"
    );
    assert!(
        steps.contains("describe-stack-resource-drifts --stack-name demo"),
        "{steps}"
    );
    project.python_ok(&[
        "-c",
        "import boto3; boto3.client('s3').create_bucket(Bucket='taken-too')",
    ]);
    project.write_template(&TEMPLATE.replace(
        "Outputs:",
        "  Bucket:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: taken-too\nOutputs:",
    ));
    let (code, report, _) = project.deploy(&[]);
    assert_eq!(code, 4, "{report:#}");
    let verify = &report["verify"];
    assert_eq!(
        verify["stack"]["status"], "UPDATE_ROLLBACK_COMPLETE",
        "{verify:#}"
    );
    assert!(
        verify["stack"]["explanation"]
            .as_str()
            .is_some_and(|e| e.contains("next deploy can proceed")),
        "{verify:#}"
    );
    assert_eq!(verify["root_cause"]["failures"][0]["logical_id"], "Bucket");
    // The stack runs its previous template: a deploy may start from it.
    project.write_template(TEMPLATE);
    let (code, report, _) = project.deploy(&[]);
    assert_ne!(code, 3, "{report:#}");
    assert_eq!(report["stack_before"]["readiness"], "deployable");
}

#[test]
fn a_stack_cloudformation_is_still_working_on_blocks_the_deploy() {
    // Plain moto leaves a stack whose create it refused in CREATE_IN_PROGRESS.
    let project = Project::start(TEMPLATE, true);
    project.python_ok(&[
        "-c",
        "import boto3, json\n\
         boto3.client('s3').create_bucket(Bucket='stuck-bucket')\n\
         cf = boto3.client('cloudformation')\n\
         try:\n    cf.create_stack(StackName='demo', TemplateBody=json.dumps({'Resources': {'B': {'Type': 'AWS::S3::Bucket', 'Properties': {'BucketName': 'stuck-bucket'}}}}))\n\
         except Exception as e:\n    print(e)\n\
         print(cf.describe_stacks(StackName='demo')['Stacks'][0]['StackStatus'])",
    ]);
    let (code, report, _) = project.deploy(&[]);
    assert_eq!(code, 3, "{report:#}");
    assert_eq!(report["deploy"], Value::Null);
    assert_eq!(report["stack_before"]["status"], "CREATE_IN_PROGRESS");
    assert_eq!(report["stack_before"]["readiness"], "busy");
    assert!(
        report["reasons"]
            .to_string()
            .contains("still working on it"),
        "{report:#}"
    );
}

#[test]
fn the_first_gated_deploy_of_an_existing_stack_compares_against_the_deployed_template() {
    let project = Project::start(TEMPLATE, false);
    project.deploy_directly(TEMPLATE);

    project.write_template(&with_statement(TEMPLATE));
    let (code, report, _) = project.deploy(&[]);
    assert_eq!(code, 3, "{report:#}");
    let security = &report["security"];
    assert_eq!(security["baseline_from"], "deployed-stack", "{security:#}");
    assert_eq!(security["baseline"], "stack demo (deployed)");
    let changes = &security["changes"];
    assert_eq!(changes["count"], 1, "{changes:#}");
    assert_eq!(changes["broadening"], true);
    assert!(
        changes.to_string().contains("sqs:DeleteQueue"),
        "{changes:#}"
    );
    let digest = changes["digest"].as_str().unwrap().to_string();
    let (code, report, _) = project.deploy(&["--approve", &digest]);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["verify"]["stack"]["status"], "UPDATE_COMPLETE");
}

#[test]
fn a_change_made_outside_the_gate_is_reported_as_drift_at_the_next_gated_deploy() {
    let project = Project::start(TEMPLATE, false);
    let (code, report, _) = project.deploy(&[]);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["security"]["drift"], Value::Null);

    // Unchanged since the gate deployed it: no drift.
    let (code, report, _) = project.deploy(&["--plan"]);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["security"]["drift"]["changed"], false, "{report:#}");

    project.deploy_directly(&with_statement(TEMPLATE));
    let (code, report, _) = project.deploy(&[]);
    assert_eq!(code, 0, "{report:#}");
    let drift = &report["security"]["drift"];
    assert_eq!(drift["changed"], true, "{drift:#}");
    assert_eq!(drift["compared_with"], "recorded");
    assert_eq!(drift["changes"]["count"], 1, "{drift:#}");
    assert!(drift.to_string().contains("sqs:DeleteQueue"), "{drift:#}");
    assert!(
        report["next_steps"]
            .to_string()
            .contains("changed outside the gate"),
        "{report:#}"
    );
}

#[test]
fn without_credentials_a_named_stack_is_not_reported_as_verified() {
    let project = Project::start(TEMPLATE, false);
    // The endpoint stays; the credentials go.
    std::fs::write(
        project.root.join("preflight.toml"),
        format!(
            "[deploy]\ncommand = \"true\"\nstack = \"demo\"\n\n[deploy.env]\nAWS_ENDPOINT_URL = \"{}\"\n\
             AWS_DEFAULT_REGION = \"us-east-1\"\n\n[sam]\nmode = \"off\"\n",
            project.endpoint
        ),
    )
    .unwrap();
    let (code, report, _) = project.deploy(&[]);
    assert_eq!(code, 4, "{report:#}");
    assert_eq!(report["outcome"], "failed");
    let reasons = report["reasons"].to_string();
    assert!(reasons.contains("not verified"), "{reasons}");
    assert!(reasons.to_lowercase().contains("credentials"), "{reasons}");
    assert!(!project.root.join(".preflight/state/demo.json").exists());

    let (code, report, _) = project.deploy(&["--no-verify"]);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["verify"]["stack"]["skipped"], "verification is off");
}
