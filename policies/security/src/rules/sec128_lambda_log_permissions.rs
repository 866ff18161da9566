use preflight_policy::prelude::*;

use crate::support::refers_to;
use serde_json::Value;

declare_rule! {
    /// ## What it does
    /// Checks that each Lambda function's role lets it write to CloudWatch Logs, as
    /// cfn_nag's W58 does: the role, found by the function's `Role` (`Ref` or `Fn::GetAtt` to an
    /// `AWS::IAM::Role` of the template), must attach a managed policy with log permissions
    /// (`AWSLambdaBasicExecutionRole`, `AWSLambdaExecute`, `CloudWatchLogsFullAccess`, the
    /// Lambda DynamoDB, Kinesis, SQS and VPC execution roles) or have an inline statement that
    /// allows `logs:CreateLogGroup`, `logs:CreateLogStream` and `logs:PutLogEvents` (wildcards
    /// included). A function whose role is not in the template (a parameter, an ARN) cannot be
    /// verified and is reported too, as cfn_nag does. SAM functions without `Role` pass: SAM's
    /// generated role attaches `AWSLambdaBasicExecutionRole`.
    ///
    /// ## Why is this bad?
    /// A function that cannot write logs fails silently: errors, timeouts and security
    /// events leave no trace.
    ///
    /// ## Example
    /// ```yaml
    /// Function:
    ///   Type: AWS::Lambda::Function
    ///   Properties:
    ///     Role: !GetAtt Role.Arn
    /// Role:
    ///   Type: AWS::IAM::Role
    ///   Properties:
    ///     Policies:
    ///       - PolicyName: data
    ///         PolicyDocument:
    ///           Statement:
    ///             - {Effect: Allow, Action: dynamodb:GetItem, Resource: "*"}
    /// ```
    ///
    /// ## Fix
    /// Attach `arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole` to the role,
    /// or allow `logs:CreateLogStream` and `logs:PutLogEvents` on the function's log group.
    pub struct LambdaLogPermissions {
        id: "SEC128",
        name: "lambda-log-permissions",
        title: "Lambda functions may write their logs",
        severity: Low,
        resource_types: [
            "AWS::Lambda::Function",
            "AWS::Serverless::Function",
        ],
        equivalents: { "cfn_nag": ["W58"] },
    }
}

/// Managed policies that let a function write its logs (cfn_nag's list).
const LOG_POLICIES: &[&str] = &[
    "CloudWatchLogsFullAccess",
    "service-role/AWSLambdaBasicExecutionRole",
    "service-role/AWSLambdaDynamoDBExecutionRole",
    "AWSLambdaExecute",
    "service-role/AWSLambdaKinesisExecutionRole",
    "service-role/AWSLambdaSQSQueueExecutionRole",
    "service-role/AWSLambdaVPCAccessExecutionRole",
];

const LOG_ACTIONS: &[&str] = &[
    "logs:CreateLogGroup",
    "logs:CreateLogStream",
    "logs:PutLogEvents",
];

/// Whether a managed policy ARN (literal, or `Fn::Sub` with `${AWS::Partition}`) is one
/// of [`LOG_POLICIES`].
fn log_policy(arn: &Value) -> bool {
    let text = match arn {
        Value::String(s) => s.clone(),
        Value::Object(m) => match m.get("Fn::Sub") {
            Some(Value::String(s)) => s.replace("${AWS::Partition}", "aws"),
            _ => return false,
        },
        _ => return false,
    };
    LOG_POLICIES
        .iter()
        .any(|p| text == format!("arn:aws:iam::aws:policy/{p}"))
}

/// cfn-model's `allows_action?`: the action itself, `*`, or the service with a pattern
/// that has `*` at either end of a part of the action's name.
fn allows(actions: &[&str], action: &str) -> bool {
    let (service, name) = action.split_once(':').unwrap_or(("", action));
    actions.iter().any(|a| {
        if *a == "*" || *a == action {
            return true;
        }
        let Some(pattern) = a.strip_prefix(service).and_then(|p| p.strip_prefix(':')) else {
            return false;
        };
        match (pattern.strip_prefix('*'), pattern.strip_suffix('*')) {
            _ if pattern == "*" => true,
            (Some(inner), _) if inner.ends_with('*') => name.contains(&inner[..inner.len() - 1]),
            (Some(tail), _) => !tail.is_empty() && name.ends_with(tail),
            (None, Some(head)) => name.starts_with(head),
            _ => false,
        }
    })
}

/// Whether an inline policy document has one `Allow` statement with all of [`LOG_ACTIONS`].
fn inline_logs(document: &Value) -> bool {
    let statements = match document.get("Statement") {
        Some(Value::Array(items)) => items.iter().collect::<Vec<_>>(),
        Some(one @ Value::Object(_)) => vec![one],
        _ => return false,
    };
    statements.iter().any(|s| {
        if s.get("Effect").and_then(Value::as_str) != Some("Allow") {
            return false;
        }
        let actions: Vec<&str> = match s.get("Action") {
            Some(Value::String(a)) => vec![a.as_str()],
            Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
            _ => return false,
        };
        LOG_ACTIONS.iter().all(|a| allows(&actions, a))
    })
}

/// Whether a role's own policies (managed ARNs, inline `Policies`) let it write logs.
fn role_writes_logs(role: &Resource<'_>) -> bool {
    let managed = role
        .property("ManagedPolicyArns")
        .is_some_and(|list| list.one_or_many().iter().any(|arn| log_policy(arn.value())));
    let inline = role.property("Policies").is_some_and(|list| {
        list.one_or_many().iter().any(|p| {
            p.get("PolicyDocument")
                .is_some_and(|d| inline_logs(d.value()))
        })
    });
    managed || inline
}

impl Rule for LambdaLogPermissions {
    fn check(&self, cx: &Context, out: &mut Findings) {
        let t = cx.template;
        for f in t.resources_of_types(Self::META.resource_types) {
            let Some(role) = f.property("Role") else {
                // SAM generates a role with AWSLambdaBasicExecutionRole; a plain function
                // without a role does not deploy.
                continue;
            };
            if role.value().get("Fn::If").is_some() {
                continue;
            }
            let target = refers_to(role.value()).and_then(|id| t.resource(id));
            match target {
                Some(r) if r.ty == "AWS::IAM::Role" => {
                    if !role_writes_logs(&r) {
                        out.add(
                            &role,
                            format!(
                                "the role of function `{}` (`{}`) grants no CloudWatch Logs permissions: the function cannot write its logs",
                                f.id, r.id
                            ),
                        );
                    }
                }
                Some(_) => {}
                None => {
                    out.add(
                        &role,
                        format!(
                            "the role of function `{}` is not in the template, so its CloudWatch Logs permissions cannot be verified",
                            f.id
                        ),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC128", "tests/fixtures/sec128.yaml"));
    }
}
