//! The `aws` CLI, for the CloudFormation queries verification makes
//! (`describe-stacks`, `describe-stack-events`, `describe-stack-resources`), bounded in
//! time and interruptible. It reads the usual AWS environment; `AWS_ENDPOINT_URL` (and
//! `AWS_ENDPOINT_URL_CLOUDFORMATION`) are passed on as `--endpoint-url` too, for CLI
//! versions that predate them.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use serde_json::Value;

use super::command::Interrupts;

/// How long one `aws` call may take.
const AWS_TIMEOUT: Duration = Duration::from_secs(60);

/// Why an `aws` call failed.
#[derive(Debug, thiserror::Error)]
pub enum AwsError {
    /// The stack does not exist.
    #[error("stack {0} does not exist")]
    NoStack(String),
    /// The CLI failed.
    #[error("{0}")]
    Failed(String),
    /// The CLI could not be started, or waited for.
    #[error("{what}: {source}")]
    Io {
        /// What was tried: ``cannot run `aws cloudformation ...` ``.
        what: String,
        /// Why it failed.
        #[source]
        source: std::io::Error,
    },
    /// The CLI printed something other than JSON.
    #[error("`{command}` printed something other than JSON: {source}")]
    NotJson {
        /// The command, as shown.
        command: String,
        /// The parser's reason.
        #[source]
        source: serde_json::Error,
    },
    /// SIGINT or SIGTERM arrived.
    #[error("interrupted by {0}")]
    Interrupted(String),
}

/// The `aws` CLI, for CloudFormation queries.
#[derive(Debug, Clone)]
pub struct Aws {
    program: PathBuf,
    region: Option<String>,
    endpoint: Option<String>,
    env: Vec<(String, String)>,
}

/// A stack resource as `describe-stack-resources` lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StackResource {
    /// Logical id.
    pub logical_id: String,
    /// Type.
    pub resource_type: String,
    /// Physical id.
    pub physical_id: Option<String>,
    /// Status.
    pub status: String,
    /// Last updated.
    pub timestamp: String,
}

/// A stack event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StackEvent {
    /// When.
    pub timestamp: Option<jiff::Timestamp>,
    /// Logical id.
    pub logical_id: String,
    /// Physical id.
    pub physical_id: Option<String>,
    /// Type.
    pub resource_type: String,
    /// Status.
    pub status: String,
    /// Reason.
    pub reason: Option<String>,
}

impl Aws {
    /// The `aws` CLI on `PATH`, when there is one. `region` overrides the environment's;
    /// `env` is added to it (`[deploy.env]`).
    pub fn detect(region: Option<String>, env: &[(String, String)]) -> Option<Aws> {
        let program = crate::evaluate::sam::find_on_path("aws")?;
        let lookup = |name: &str| {
            env.iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
                .or_else(|| std::env::var(name).ok())
                .filter(|s| !s.trim().is_empty())
        };
        let endpoint =
            lookup("AWS_ENDPOINT_URL_CLOUDFORMATION").or_else(|| lookup("AWS_ENDPOINT_URL"));
        Some(Aws {
            program,
            region,
            endpoint,
            env: env.to_vec(),
        })
    }

    async fn call(&self, args: &[&str], interrupts: &mut Interrupts) -> Result<Value, AwsError> {
        let mut command = tokio::process::Command::new(&self.program);
        command
            .arg("cloudformation")
            .args(args)
            .args(["--output", "json"]);
        if let Some(region) = &self.region {
            command.args(["--region", region]);
        }
        if let Some(endpoint) = &self.endpoint {
            command.args(["--endpoint-url", endpoint]);
        }
        // A stack query is cheap to repeat later: a couple of attempts, not the CLI's
        // default backoff against an endpoint that is not up (yet).
        if std::env::var_os("AWS_MAX_ATTEMPTS").is_none() {
            command.env("AWS_MAX_ATTEMPTS", "2");
        }
        command
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .env("AWS_PAGER", "")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        let shown = format!("aws cloudformation {}", args.join(" "));
        let child = command.spawn().map_err(|source| AwsError::Io {
            what: format!("cannot run `{shown}`"),
            source,
        })?;
        let output = tokio::select! {
            output = tokio::time::timeout(AWS_TIMEOUT, child.wait_with_output()) => match output {
                Ok(Ok(output)) => output,
                Ok(Err(source)) => return Err(AwsError::Io { what: format!("`{shown}`"), source }),
                Err(_) => return Err(AwsError::Failed(format!("`{shown}` did not answer within {AWS_TIMEOUT:?}"))),
            },
            sig = interrupts.recv() => return Err(AwsError::Interrupted(sig.as_str().to_string())),
        };
        if !output.status.success() {
            let stderr = String::from_utf8_lossy(&output.stderr).trim().to_string();
            if stderr.contains("does not exist") {
                return Err(AwsError::NoStack(
                    args.iter()
                        .skip_while(|a| **a != "--stack-name")
                        .nth(1)
                        .unwrap_or(&"")
                        .to_string(),
                ));
            }
            return Err(AwsError::Failed(format!("`{shown}` failed: {stderr}")));
        }
        serde_json::from_slice(&output.stdout).map_err(|source| AwsError::NotJson {
            command: shown,
            source,
        })
    }

    /// `describe-stacks`: the stack's status, reason and outputs.
    pub async fn stack(
        &self,
        stack: &str,
        interrupts: &mut Interrupts,
    ) -> Result<(String, Option<String>, BTreeMap<String, String>), AwsError> {
        let v = self
            .call(&["describe-stacks", "--stack-name", stack], interrupts)
            .await?;
        let s = &v["Stacks"][0];
        let status = s["StackStatus"]
            .as_str()
            .ok_or_else(|| AwsError::Failed("describe-stacks returned no StackStatus".into()))?
            .to_string();
        let reason = s["StackStatusReason"].as_str().map(str::to_string);
        let outputs = s["Outputs"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|o| {
                Some((
                    o["OutputKey"].as_str()?.to_string(),
                    o["OutputValue"].as_str().unwrap_or_default().to_string(),
                ))
            })
            .collect();
        Ok((status, reason, outputs))
    }

    /// `describe-stack-resources`; `None` when the stack does not exist.
    pub async fn resources(
        &self,
        stack: &str,
        interrupts: &mut Interrupts,
    ) -> Result<Option<Vec<StackResource>>, AwsError> {
        let v = match self
            .call(
                &["describe-stack-resources", "--stack-name", stack],
                interrupts,
            )
            .await
        {
            Ok(v) => v,
            Err(AwsError::NoStack(_)) => return Ok(None),
            Err(e) => return Err(e),
        };
        Ok(Some(parse_resources(&v)))
    }

    /// `describe-stack-events`, newest first.
    pub async fn events(
        &self,
        stack: &str,
        interrupts: &mut Interrupts,
    ) -> Result<Vec<StackEvent>, AwsError> {
        let v = self
            .call(
                &["describe-stack-events", "--stack-name", stack],
                interrupts,
            )
            .await?;
        Ok(parse_events(&v, stack))
    }
}

/// Parses `describe-stack-resources` output.
pub fn parse_resources(v: &Value) -> Vec<StackResource> {
    v["StackResources"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| {
            let logical_id = r["LogicalResourceId"].as_str()?.to_string();
            if logical_id.is_empty() {
                return None;
            }
            Some(StackResource {
                logical_id,
                resource_type: r["ResourceType"].as_str().unwrap_or_default().to_string(),
                physical_id: r["PhysicalResourceId"]
                    .as_str()
                    .filter(|s| !s.is_empty())
                    .map(str::to_string),
                status: r["ResourceStatus"].as_str().unwrap_or_default().to_string(),
                timestamp: r["Timestamp"].as_str().unwrap_or_default().to_string(),
            })
        })
        .collect()
}

/// Parses `describe-stack-events` output, leaving out the stack's own events.
pub fn parse_events(v: &Value, stack: &str) -> Vec<StackEvent> {
    v["StackEvents"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| {
            Some(StackEvent {
                timestamp: e["Timestamp"].as_str().and_then(parse_time),
                logical_id: e["LogicalResourceId"].as_str()?.to_string(),
                physical_id: e["PhysicalResourceId"]
                    .as_str()
                    .filter(|s| !s.is_empty())
                    .map(str::to_string),
                resource_type: e["ResourceType"].as_str().unwrap_or_default().to_string(),
                status: e["ResourceStatus"].as_str().unwrap_or_default().to_string(),
                reason: e["ResourceStatusReason"]
                    .as_str()
                    .filter(|s| !s.is_empty() && *s != "-")
                    .map(str::to_string),
            })
        })
        .map(|mut e| {
            if e.logical_id == stack && e.resource_type == "AWS::CloudFormation::Stack" {
                e.logical_id.clear();
            }
            e
        })
        .collect()
}

/// Parses an ISO 8601 timestamp as the AWS CLI prints them (`Z` or `+00:00`).
pub fn parse_time(text: &str) -> Option<jiff::Timestamp> {
    text.parse().ok()
}

#[cfg(test)]
mod tests {
    use std::error::Error as _;

    use super::*;

    fn call(program: &str) -> AwsError {
        let aws = Aws {
            program: PathBuf::from(program),
            region: None,
            endpoint: None,
            env: Vec::new(),
        };
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let mut interrupts = Interrupts::install().unwrap();
            aws.call(&["describe-stacks"], &mut interrupts)
                .await
                .unwrap_err()
        })
    }

    /// The messages say what was run; the causes stay attached as sources.
    #[test]
    fn cli_errors_keep_their_causes() {
        let missing = call("/nonexistent/aws");
        assert!(
            missing
                .to_string()
                .starts_with("cannot run `aws cloudformation describe-stacks`: "),
            "{missing}"
        );
        let io = missing.source().unwrap().downcast_ref::<std::io::Error>();
        assert_eq!(io.unwrap().kind(), std::io::ErrorKind::NotFound);

        // `echo` answers, but not in JSON.
        let text = call("echo");
        assert!(
            text.to_string().starts_with(
                "`aws cloudformation describe-stacks` printed something other than JSON: "
            ),
            "{text}"
        );
        assert!(text.source().unwrap().is::<serde_json::Error>());
    }
}
