//! `preflight mcp`: a Model Context Protocol server on stdio (the official Rust SDK,
//! rmcp), so a coding agent can call the gate as tools: `check`, `audit`, `diff`,
//! `explain_rule`, `plan_deploy` and `deploy`.
//!
//! Each tool runs the matching command line ([`invoke`]) in the project directory, with
//! `--format json` and standard input closed. The agent's arguments become option
//! values (`--stack=VALUE`) or positionals after `--`, never options of their own, so
//! no argument can smuggle in `--override` or `--approve`.
//!
//! An agent never approves its own security change: `deploy` runs a change set that
//! needs approval only when a person has approved its digest out of band with
//! `preflight approve DIGEST --reason TEXT` at a terminal ([`crate::gate::approvals`]),
//! and the approval level over MCP is never below `broadening`, whatever the
//! configuration says.

pub mod invoke;

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use rmcp::handler::server::wrapper::Parameters;
use rmcp::model::{
    CallToolResult, ContentBlock, Implementation, ProgressNotificationParam, RequestMetaObject,
    ServerCapabilities, ServerConfig,
};
use rmcp::{
    ErrorData, Peer, RoleServer, ServerHandler, ServiceExt, tool, tool_handler, tool_router,
};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::config::{ApprovalLevel, Config, SamMode};
use crate::gate::approvals;
use crate::gate::state::StateDir;

/// Why the server stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum McpError {
    /// The transport could not be set up or the session failed.
    #[error("MCP session: {0}")]
    Session(String),
}

/// Serves MCP on standard input and output until the client disconnects.
pub async fn serve(dir: PathBuf) -> Result<(), McpError> {
    let server = Server::new(dir);
    let running = server
        .serve(rmcp::transport::stdio())
        .await
        .map_err(|e| McpError::Session(e.to_string()))?;
    running
        .waiting()
        .await
        .map_err(|e| McpError::Session(e.to_string()))?;
    Ok(())
}

/// `check`'s arguments.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct CheckParams {
    /// Template files (YAML or JSON), relative to the project directory.
    pub templates: Vec<String>,
    /// Run `sam validate`: auto (when on PATH), required or off. Default: the
    /// configuration's, else auto.
    #[serde(default)]
    pub sam: Option<SamMode>,
}

/// `audit`'s arguments.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct AuditParams {
    /// Files or directories to search (default: the project directory).
    #[serde(default)]
    pub paths: Vec<String>,
    /// Globs of paths to leave out.
    #[serde(default)]
    pub exclude: Vec<String>,
    /// A findings baseline file: report only findings it does not list.
    #[serde(default)]
    pub findings_baseline: Option<String>,
}

/// `diff`'s arguments.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct DiffParams {
    /// The template as deployed.
    pub old: String,
    /// The template about to be deployed.
    pub new: String,
}

/// `explain_rule`'s arguments.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct ExplainParams {
    /// A rule id (`TPL001`, `SEC005`) or a policy id (`security`).
    pub rule: String,
}

/// `plan_deploy`'s and `deploy`'s arguments: which stack and template (defaults as
/// `preflight deploy` resolves them: preflight.toml, then samconfig.toml).
#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
pub struct DeployParams {
    /// Stack name.
    #[serde(default)]
    pub stack: Option<String>,
    /// Template file, relative to the project directory.
    #[serde(default)]
    pub template: Option<String>,
}

/// The MCP server: the project directory and the tools.
#[derive(Debug, Clone)]
pub struct Server {
    dir: PathBuf,
}

fn text_result(ok: bool, text: String) -> CallToolResult {
    if ok {
        CallToolResult::success(vec![ContentBlock::text(text)])
    } else {
        CallToolResult::error(vec![ContentBlock::text(text)])
    }
}

fn json_result(ok: bool, value: &Value) -> CallToolResult {
    text_result(
        ok,
        serde_json::to_string_pretty(value).unwrap_or_else(|e| e.to_string()),
    )
}

fn os(args: &[&str]) -> Vec<OsString> {
    args.iter().map(OsString::from).collect()
}

/// `--name=value`: one argument, so a value can never be read as an option.
fn opt(name: &str, value: &str) -> OsString {
    OsString::from(format!("--{name}={value}"))
}

fn internal(e: impl std::fmt::Display) -> ErrorData {
    ErrorData::internal_error(e.to_string(), None)
}

/// A command's outcome as a tool result: its JSON report when it wrote one (exit 0 or
/// 1: findings are a result, not a failure), else its error message.
fn report_result(ran: &invoke::Ran) -> CallToolResult {
    match (ran.code, ran.json()) {
        (Some(0 | 1), Some(report)) => json_result(true, &report),
        (_, Some(report)) => json_result(
            false,
            &json!({"error": ran.stderr.trim(), "exit_code": ran.code, "report": report}),
        ),
        _ => text_result(
            false,
            format!(
                "preflight exited with {}: {}",
                ran.code.map_or("a signal".to_string(), |c| c.to_string()),
                ran.stderr.trim()
            ),
        ),
    }
}

/// The plan of a deploy: the gate's report without running the command.
struct Plan {
    report: Value,
    digest: Option<String>,
    required: bool,
    approved: Option<approvals::Approved>,
    state: StateDir,
}

impl Plan {
    fn gate_passed(&self) -> bool {
        self.report["outcome"] != "error" && self.report["gate"]["verdict"] != "fail"
    }

    fn would_deploy(&self) -> bool {
        self.gate_passed() && (!self.required || self.approved.is_some())
    }

    fn approve_command(&self) -> Option<String> {
        let digest = self.digest.as_ref()?;
        (self.required && self.approved.is_none()).then(|| {
            format!("preflight approve {digest} --reason \"<why these changes are acceptable>\"")
        })
    }

    fn summary(&self, dir: &Path) -> Value {
        let security = &self.report["security"];
        json!({
            "would_deploy": self.would_deploy(),
            "verdict": self.report["gate"]["verdict"],
            "reasons": self.report["reasons"],
            "findings": self.report["gate"]["check"]["templates"][0]["findings"],
            "security_changes": security["changes"],
            "digest": self.digest,
            "approval_required": self.required,
            "approved_out_of_band": self.approved,
            "approve_command": self.approve_command(),
            "approve_in": dir.display().to_string(),
            "note": "Approval is given by a person at a terminal in the project directory; \
                     an agent cannot approve. deploy runs once the digest is approved.",
            "report": self.report,
        })
    }
}

#[tool_router]
impl Server {
    /// A server for the project in `dir`.
    pub fn new(dir: PathBuf) -> Server {
        Server { dir }
    }

    async fn run(&self, args: Vec<OsString>) -> Result<invoke::Ran, ErrorData> {
        invoke::preflight(&self.dir, args, |_| {})
            .await
            .map_err(internal)
    }

    /// The approval level over MCP: the configuration's, but never `never`.
    fn approval_level(&self) -> Result<ApprovalLevel, String> {
        let config = Config::discover(None, &self.dir).map_err(|e| e.to_string())?;
        Ok(match config.deploy.require_approval {
            Some(ApprovalLevel::AnyChange) => ApprovalLevel::AnyChange,
            _ => ApprovalLevel::Broadening,
        })
    }

    fn deploy_args(&self, params: &DeployParams) -> Result<Vec<OsString>, String> {
        let level = match self.approval_level()? {
            ApprovalLevel::AnyChange => "any-change",
            _ => "broadening",
        };
        let mut args = os(&["deploy", "--format", "json"]);
        args.push(opt("require-approval", level));
        if let Some(stack) = &params.stack {
            args.push(opt("stack", stack));
        }
        if let Some(template) = &params.template {
            args.push(opt("template", template));
        }
        Ok(args)
    }

    async fn plan(&self, params: &DeployParams) -> Result<Result<Plan, CallToolResult>, ErrorData> {
        let mut args = match self.deploy_args(params) {
            Ok(args) => args,
            Err(e) => return Ok(Err(text_result(false, e))),
        };
        args.insert(1, OsString::from("--plan"));
        let ran = self.run(args).await?;
        let Some(report) = ran.json() else {
            return Ok(Err(report_result(&ran)));
        };
        let digest = report["security"]["changes"]["digest"]
            .as_str()
            .map(str::to_string);
        let required = report["security"]["approval"]["required"] == true;
        let audit_log = report["state"]["audit_log"]
            .as_str()
            .unwrap_or(".preflight/audit.jsonl");
        let root = self
            .dir
            .join(audit_log)
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| self.dir.join(".preflight"));
        let state = StateDir::new(root);
        let approved = match (&digest, required) {
            (Some(d), true) => approvals::find(&state, d).map_err(internal)?,
            _ => None,
        };
        Ok(Ok(Plan {
            report,
            digest,
            required,
            approved,
            state,
        }))
    }

    /// Check templates with every policy and `sam validate`; returns the JSON report
    /// (each finding with its rule, severity, message, file, line and column).
    #[tool(
        description = "Check CloudFormation/SAM templates with preflight's policies (and sam validate). \
        Returns the JSON report: per template a verdict (pass/warn/fail) and findings with rule, severity, \
        message, resource, file, line and column."
    )]
    async fn check(
        &self,
        Parameters(p): Parameters<CheckParams>,
    ) -> Result<CallToolResult, ErrorData> {
        if p.templates.is_empty() {
            return Err(ErrorData::invalid_params(
                "templates: name at least one file",
                None,
            ));
        }
        let mut args = os(&["check", "--format", "json"]);
        if let Some(sam) = p.sam {
            args.push(opt(
                "sam",
                match sam {
                    SamMode::Auto => "auto",
                    SamMode::Required => "required",
                    SamMode::Off => "off",
                },
            ));
        }
        args.push("--".into());
        args.extend(p.templates.iter().map(OsString::from));
        Ok(report_result(&self.run(args).await?))
    }

    /// Audit every template under some paths.
    #[tool(
        description = "Find every SAM/CloudFormation template under the given paths (default: the project) \
        and check them; returns the JSON report. With findings_baseline, only findings not in that file are reported."
    )]
    async fn audit(
        &self,
        Parameters(p): Parameters<AuditParams>,
    ) -> Result<CallToolResult, ErrorData> {
        let mut args = os(&["audit", "--format", "json"]);
        for glob in &p.exclude {
            args.push(opt("exclude", glob));
        }
        if let Some(file) = &p.findings_baseline {
            args.push(opt("findings-baseline", file));
        }
        args.push("--".into());
        args.extend(p.paths.iter().map(OsString::from));
        Ok(report_result(&self.run(args).await?))
    }

    /// The security diff between two templates.
    #[tool(
        description = "The security diff between two templates (IAM, network, exposure, stateful resources): \
        each change marked broadening or not, and the digest of the change set that approval names."
    )]
    async fn diff(
        &self,
        Parameters(p): Parameters<DiffParams>,
    ) -> Result<CallToolResult, ErrorData> {
        let mut args = os(&["diff", "--format", "json", "--"]);
        args.push(p.old.into());
        args.push(p.new.into());
        Ok(report_result(&self.run(args).await?))
    }

    /// One rule's documentation.
    #[tool(
        description = "Explain a rule (e.g. TPL001, SEC005) or a policy: what it checks, why it matters, \
        an example and how to fix it."
    )]
    async fn explain_rule(
        &self,
        Parameters(p): Parameters<ExplainParams>,
    ) -> Result<CallToolResult, ErrorData> {
        let args = vec![
            "policy".into(),
            "inspect".into(),
            "--".into(),
            p.rule.into(),
        ];
        let ran = self.run(args).await?;
        Ok(text_result(
            ran.code == Some(0),
            if ran.code == Some(0) {
                ran.stdout
            } else {
                ran.stderr
            },
        ))
    }

    /// The whole gate without running the deploy command.
    #[tool(
        description = "Plan a gated deploy without running it: the gate's verdict and findings, the security \
        changes against the last deployed template, their digest, whether a person must approve them, and the \
        exact command that person runs at a terminal to approve (`preflight approve DIGEST --reason TEXT`)."
    )]
    async fn plan_deploy(
        &self,
        Parameters(p): Parameters<DeployParams>,
    ) -> Result<CallToolResult, ErrorData> {
        Ok(match self.plan(&p).await? {
            Ok(plan) => json_result(true, &plan.summary(&self.dir)),
            Err(result) => result,
        })
    }

    /// The gated deploy.
    #[tool(
        description = "Run the gated deploy: check, then the deploy command, then verification, recorded in \
        .preflight/. Refused while the gate blocks or while security changes that need approval have not been \
        approved by a person (`preflight approve DIGEST --reason TEXT` at a terminal; see plan_deploy). Overrides \
        are never accepted here. Sends progress notifications with the command's output."
    )]
    async fn deploy(
        &self,
        Parameters(p): Parameters<DeployParams>,
        meta: RequestMetaObject,
        peer: Peer<RoleServer>,
    ) -> Result<CallToolResult, ErrorData> {
        let plan = match self.plan(&p).await? {
            Ok(plan) => plan,
            Err(result) => return Ok(result),
        };
        if !plan.gate_passed() {
            let mut summary = plan.summary(&self.dir);
            summary["refused"] = json!("the gate blocks this deploy: fix the findings listed");
            return Ok(json_result(false, &summary));
        }
        let mut args = match self.deploy_args(&p) {
            Ok(args) => args,
            Err(e) => return Ok(text_result(false, e)),
        };
        if plan.required {
            let (Some(digest), Some(approved)) = (&plan.digest, &plan.approved) else {
                let mut summary = plan.summary(&self.dir);
                summary["refused"] = json!(format!(
                    "the security changes need a person's approval: ask them to review the changes and run \
                     `{}` at a terminal in {}, then call deploy again",
                    plan.approve_command().unwrap_or_default(),
                    self.dir.display()
                ));
                return Ok(json_result(false, &summary));
            };
            args.push(opt("approve", digest));
            args.push(opt(
                "approve-reason",
                &format!(
                    "{} (approved by {} at {} with preflight approve; recorded in {})",
                    approved.reason,
                    approved.by,
                    approved.at,
                    approvals::path(&plan.state).display()
                ),
            ));
        }
        let token = meta.get_progress_token();
        let (send, mut receive) = tokio::sync::mpsc::unbounded_channel::<String>();
        let notifier = tokio::spawn(async move {
            let mut step = 0.0;
            while let Some(line) = receive.recv().await {
                step += 1.0;
                if let Some(token) = &token {
                    let message: String = line.chars().take(300).collect();
                    let _ = peer
                        .notify_progress(
                            ProgressNotificationParam::new(token.clone(), step)
                                .with_message(message),
                        )
                        .await;
                }
            }
        });
        let ran = invoke::preflight(&self.dir, args, |line| {
            let _ = send.send(line);
        })
        .await
        .map_err(internal)?;
        drop(send);
        let _ = notifier.await;
        let Some(report) = ran.json() else {
            return Ok(report_result(&ran));
        };
        let summary = json!({
            "outcome": report["outcome"],
            "exit_code": report["exit_code"],
            "reasons": report["reasons"],
            "next_steps": report["next_steps"],
            "report": report,
        });
        Ok(json_result(ran.code == Some(0), &summary))
    }
}

#[tool_handler]
impl ServerHandler for Server {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(Implementation::new("preflight", env!("CARGO_PKG_VERSION")))
            .with_instructions(
                "preflight gates AWS SAM/CloudFormation deploys. Use check or audit before proposing \
                 template changes, plan_deploy before deploy. When plan_deploy reports approval_required, \
                 show the security changes to the user and ask them to run approve_command themselves at a \
                 terminal; you cannot approve security changes.",
            )
    }
}
