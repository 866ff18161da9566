//! Next steps: a remediation for each failure, or the checks worth doing after a
//! successful deploy.

use super::DeployReport;
use crate::evaluate::sam::SamStatus;
use crate::finding::{Enforcement, HostRule};
use crate::gate::approval::ApprovalStatus;
use crate::gate::outcome::Outcome;
use crate::gate::smoke::SmokeStatus;

/// What to do next, in order.
pub fn next_steps(r: &DeployReport) -> Vec<String> {
    let mut steps = Vec::new();
    let stack = r.stack.as_deref().unwrap_or("STACK");
    match r.outcome {
        Outcome::Pending => {}
        Outcome::Error => {
            if let Some(e) = &r.gate.load_error {
                steps.push(format!(
                    "Fix {} at line {}, column {}: {}, then run preflight deploy again.",
                    r.template, e.line, e.column, e.message
                ));
            }
        }
        Outcome::Blocked => blocked_steps(r, &mut steps),
        Outcome::Failed => failed_steps(r, stack, &mut steps),
        Outcome::Deployed => deployed_steps(r, stack, &mut steps),
    }
    if let Some(d) = &r.security.drift
        && d.changed
    {
        steps.push(format!(
            "Stack {stack} was changed outside the gate since its last gated deploy (see Security changes): find out who changed it and why; this deploy {} it with the template checked here.",
            if r.outcome == Outcome::Deployed { "replaced" } else { "would replace" }
        ));
    }
    if r.outcome == Outcome::Failed {
        smoke_steps(r, &mut steps);
    }
    if let Some(error) = &r.state.error {
        steps.push(format!(
            "Recording failed ({error}): fix the permissions or space of {}; until then the next deploy compares against the previous baseline.",
            r.state.path
        ));
    }
    if let Some(error) = &r.state.audit_error {
        steps.push(format!(
            "The audit log could not be written ({error}): make {} a regular, writable file (not a link or a directory), then run preflight deploy again.",
            r.state.audit_log
        ));
    }
    steps
}

fn blocked_steps(r: &DeployReport, steps: &mut Vec<String>) {
    if r.stack_before.blocks()
        && let Some(remediation) = &r.stack_before.remediation
    {
        steps.push(format!("The deploy cannot start: {remediation}."));
    }
    if let Some(sam) = &r.gate.validation
        && sam.status != SamStatus::Passed
    {
        steps.push(format!(
            "Fix what `sam validate` reports (reproduce with `sam validate --template-file {}`).",
            r.template
        ));
    }
    let findings = r
        .gate
        .check
        .templates
        .iter()
        .flat_map(|t| &t.findings)
        .filter(|f| f.blocking);
    let mut soft = Vec::new();
    let mut hard = 0;
    let mut errors = Vec::new();
    for f in findings {
        if f.is(HostRule::PolicyError) {
            errors.push(f.policy.clone());
        } else if f.enforcement == Enforcement::SoftMandatory {
            if !soft.contains(&f.rule) {
                soft.push(f.rule.clone());
            }
        } else {
            hard += 1;
        }
    }
    if hard > 0 {
        steps.push(format!(
            "Fix the {hard} hard-mandatory finding{} above: {} cannot be overridden.",
            if hard == 1 { "" } else { "s" },
            if hard == 1 { "it" } else { "they" }
        ));
    }
    if !soft.is_empty() {
        let flags: Vec<String> = soft
            .iter()
            .map(|rule| format!("--override {rule} --reason \"...\""))
            .collect();
        steps.push(format!(
            "Fix the soft-mandatory finding{} above, or accept {} with a recorded reason: preflight deploy {}",
            if soft.len() == 1 { "" } else { "s" },
            if soft.len() == 1 { "it" } else { "them" },
            flags.join(" ")
        ));
    }
    for policy in errors {
        steps.push(format!(
            "Policy `{policy}` failed to evaluate (fail closed): fix or update the policy, or set `enforcement = \"advisory\"` under [policies.{policy}] in preflight.toml to let it warn only."
        ));
    }
    if let Some(approval) = &r.security.approval {
        let command = r.security.approve_command.as_deref().unwrap_or("");
        match approval.status {
            ApprovalStatus::Missing => steps.push(format!(
                "Review the security changes above; if they are intended, approve exactly this change set with:\n    {command}\n  (or run preflight deploy in a terminal to be asked)."
            )),
            ApprovalStatus::Mismatch => steps.push(format!(
                "The digest given does not match the current security changes (the template changed since it was approved, or the digest is wrong). Review the changes above, then approve them with:\n    {command}"
            )),
            ApprovalStatus::Declined => steps.push(
                "The security changes were declined: change the template, or run again and approve them.".into(),
            ),
            _ => {}
        }
    }
    if steps.is_empty() && r.outcome == Outcome::Blocked {
        steps.push("Fix the problems above, then run preflight deploy again.".into());
    }
}

fn failed_steps(r: &DeployReport, stack: &str, steps: &mut Vec<String>) {
    if let Some(d) = &r.deploy {
        if !d.started {
            steps.push(format!(
                "The deploy command could not start: check that `{}` exists and is on PATH in {}, or set `command` under [deploy] in preflight.toml (or pass -- COMMAND...).",
                d.command, d.dir
            ));
        } else if let Some(sig) = &d.interrupted {
            steps.push(format!(
                "The deploy was interrupted ({sig}). The stack may be part-way through an update: check it with `aws cloudformation describe-stacks --stack-name {stack}` before deploying again."
            ));
        } else if d.timed_out {
            steps.push(
                "The deploy command ran past its timeout and was stopped: raise --timeout (or `timeout` under [deploy]), and check the stack before deploying again.".into(),
            );
        } else if d.exit_code != Some(0) {
            steps.push(format!(
                "The deploy command failed ({}): read its output above, fix the cause and run preflight deploy again.",
                match (d.exit_code, &d.signal) {
                    (Some(code), _) => format!("exit status {code}"),
                    (None, Some(sig)) => format!("killed by {sig}"),
                    _ => "no exit status".into(),
                }
            ));
        }
    }
    if let Some(v) = &r.verify {
        if let Some(m) = v.markers.first()
            && r.deploy.as_ref().is_some_and(|d| d.exit_code == Some(0))
        {
            steps.push(format!(
                "The command exited 0 but its output reports a failure (line {}: {}): check the deploy really succeeded.",
                m.line, m.text
            ));
        }
        match &v.root_cause {
            Some(cause) if !cause.failures.is_empty() => {
                for f in &cause.failures {
                    let path: String = f.stack_path.iter().map(|s| format!("{s} > ")).collect();
                    steps.push(format!(
                        "Resource {path}{} ({}) {}: {}{}",
                        f.logical_id,
                        f.resource_type,
                        f.status,
                        f.reason.as_deref().unwrap_or("no reason given"),
                        f.cause
                            .remediation()
                            .map(|r| format!(". Likely fix: {r}."))
                            .unwrap_or_default()
                    ));
                }
            }
            _ => {
                for f in v.resources.iter().flat_map(|c| &c.failed) {
                    steps.push(format!(
                        "Resource {} ({}) {}: {}",
                        f.logical_id,
                        f.resource_type,
                        f.status,
                        f.reason.as_deref().unwrap_or("see the stack events")
                    ));
                }
            }
        }
        if let Some(status) = &v.stack.status
            && v.stack.ok == Some(false)
            && v.stack.touched
        {
            match &v.stack.explanation {
                Some(explanation) => steps.push(format!("Stack {stack} is {status}: {explanation}.")),
                None => steps.push(format!(
                    "Stack {stack} is {status}: inspect `aws cloudformation describe-stack-events --stack-name {stack}` for the first failed resource."
                )),
            }
        }
        if let Some(error) = &v.stack.error
            && v.stack.status.is_none()
            && !error.contains("does not exist")
            && !error.starts_with("interrupted")
        {
            steps.push(format!(
                "Verification could not query stack {stack}: check the AWS credentials, region and AWS_ENDPOINT_URL preflight runs with; if the command does not deploy a CloudFormation stack named {stack}, set `verify = false` under [deploy] or pass --no-verify."
            ));
        }
    }
    if r.state.existed {
        steps.push(format!(
            "The previous baseline was kept ({}), so the next deploy is compared against the last verified one.",
            r.state.path
        ));
    } else {
        steps.push(
            "No baseline was recorded: the next deploy is again a first deploy through the gate."
                .into(),
        );
    }
}

fn deployed_steps(r: &DeployReport, stack: &str, steps: &mut Vec<String>) {
    let verify = r.verify.as_ref();
    let checked = verify.is_some_and(|v| v.stack.checked);
    if checked {
        if verify.is_some_and(|v| !v.stack.outputs.is_empty()) {
            steps.push(format!(
                "Try the deployed stack through its outputs (listed above), e.g. `sam remote invoke --stack-name {stack}` for a function."
            ));
        } else {
            steps.push(format!(
                "Smoke-test the deployed stack, e.g. `sam remote invoke --stack-name {stack}` for a function, or `sam logs --stack-name {stack}`."
            ));
        }
        steps.push(format!(
            "Check for drift later: `aws cloudformation detect-stack-drift --stack-name {stack}` starts a detection, then `aws cloudformation describe-stack-resource-drifts --stack-name {stack}` lists what changed outside CloudFormation."
        ));
    } else if let Some(reason) = verify.and_then(|v| v.stack.skipped.as_deref()) {
        steps.push(format!(
            "The stack itself was not verified ({reason}); confirm its status with `aws cloudformation describe-stacks --stack-name {stack}`."
        ));
    }
    let warnings: usize = r
        .gate
        .check
        .templates
        .iter()
        .flat_map(|t| &t.findings)
        .filter(|f| !f.blocking && f.suppressed.is_none())
        .count();
    if warnings > 0 {
        steps.push(format!(
            "Review the {warnings} non-blocking finding{} above before the next change.",
            if warnings == 1 { "" } else { "s" }
        ));
    }
    if !r.gate.overrides.is_empty() {
        steps.push(
            "Overrides were used (recorded in the audit log): fix the underlying findings so the next deploy needs none.".into(),
        );
    }
    if r.state.written {
        steps.push(format!(
            "The deployed template is now the baseline ({}): the next deploy's security changes are compared against it.",
            r.state.path
        ));
    }
}

/// After a smoke check failed: the stack is deployed, the baseline is not.
fn smoke_steps(r: &DeployReport, steps: &mut Vec<String>) {
    let Some(smoke) = &r.smoke else {
        return;
    };
    let failed: Vec<String> = smoke
        .checks
        .iter()
        .filter(|c| c.status == SmokeStatus::Failed)
        .map(|c| format!("`{}` ({})", c.name, c.detail))
        .collect();
    if failed.is_empty() {
        return;
    }
    steps.push(format!(
        "The stack is deployed but failed its smoke check{} {}: the previous baseline was kept, so the next deploy is compared against it again. Fix the cause and deploy again (--no-smoke skips the checks once the failure is understood).",
        if failed.len() == 1 { "" } else { "s" },
        failed.join(", ")
    ));
}
