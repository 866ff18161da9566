use preflight_policy::prelude::*;
use preflight_policy::{LogLevel, log};
use serde_json::Value;

use crate::anchor;
use crate::date::Date;
use crate::runtimes::{self, Schedule};

declare_rule! {
    /// ## What it does
    /// Checks the Lambda runtimes the template uses against AWS's deprecation schedule
    /// (a data table in the policy, `src/data/runtimes.json`): `Runtime` of
    /// `AWS::Serverless::Function` (including `Globals.Function`) and
    /// `AWS::Lambda::Function`, `CompatibleRuntimes` of layers, and a SAM layer's
    /// `Metadata.BuildMethod` when it names a runtime. A `Ref` to a parameter is followed
    /// to the parameter's `Default`, and both branches of `Fn::If` are checked.
    ///
    /// A deprecated runtime is reported at medium severity; once Lambda blocks updating
    /// functions that use it, at high severity. A runtime deprecated within the next
    /// `runtime_warning_days` days (setting, default 90) is reported at info severity.
    ///
    /// The evaluation date is the `today` setting (`YYYY-MM-DD`) when given, otherwise
    /// the system clock.
    ///
    /// ## Why is this bad?
    /// A deprecated runtime gets no security patches. After the block dates, Lambda
    /// refuses to create, and then to update, functions that use it, so a routine deploy
    /// suddenly fails.
    ///
    /// ## Example
    /// ```yaml
    /// Globals:
    ///   Function:
    ///     Runtime: python3.8
    /// ```
    ///
    /// ## Fix
    /// Move to the runtime's successor (named in the message) and test the function on it.
    pub struct DeprecatedRuntime {
        id: "TPL007",
        name: "deprecated-runtime",
        title: "Lambda runtimes are not deprecated",
        severity: Medium,
        resource_types: [
            "AWS::Serverless::Function",
            "AWS::Lambda::Function",
            "AWS::Serverless::LayerVersion",
            "AWS::Lambda::LayerVersion",
        ],
        equivalents: {
            "cfn-lint": ["E2531", "E2533", "W2531"],
            "checkov": ["CKV_AWS_363"],
        },
    }
}

/// The evaluation date: the `today` setting, else the clock.
fn today(settings: &Value) -> Option<Date> {
    if let Some(text) = settings.get("today") {
        match text.as_str().and_then(Date::parse) {
            Some(date) => return Some(date),
            None => log(
                LogLevel::Error,
                &format!(
                    "template policy: setting `today` is not a YYYY-MM-DD date: {text}; using the clock"
                ),
            ),
        }
    }
    Date::today()
}

impl Rule for DeprecatedRuntime {
    fn check(&self, cx: &Context, out: &mut Findings) {
        let Some(today) = today(cx.settings) else {
            log(
                LogLevel::Error,
                "template policy: no clock and no `today` setting; runtimes not checked",
            );
            return;
        };
        let warning_days = cx
            .settings
            .get("runtime_warning_days")
            .and_then(Value::as_i64)
            .unwrap_or(90);
        for used in runtimes::uses(&cx.template) {
            if let Some(schedule) = runtimes::schedules().get(used.name) {
                report(out, &used.node, used.name, schedule, today, warning_days);
            }
        }
    }
}

fn report(out: &mut Findings, at: &Node, name: &str, s: &Schedule, today: Date, warning_days: i64) {
    let fix = match &s.successor {
        Some(next) => format!("; move to `{next}`"),
        None => String::new(),
    };
    let (message, severity) = if today < s.deprecated {
        let days = today.days_until(s.deprecated);
        if days > warning_days {
            return;
        }
        (
            format!(
                "runtime `{name}` will be deprecated on {} (in {days} days){fix}",
                s.deprecated
            ),
            Severity::Info,
        )
    } else if let Some(update) = s.block_update.filter(|u| today >= *u) {
        (
            format!(
                "runtime `{name}` is deprecated and Lambda blocks updating functions that use it since {update}{fix}"
            ),
            Severity::High,
        )
    } else {
        let blocks = match (s.block_create, s.block_update) {
            (Some(create), Some(update)) if today >= create => format!(
                "; Lambda blocks creating functions with it since {create} and will block updates on {update}"
            ),
            (Some(create), Some(update)) => format!(
                "; Lambda will block creating functions with it on {create} and updates on {update}"
            ),
            _ => String::new(),
        };
        (
            format!(
                "runtime `{name}` is deprecated since {}{blocks}{fix}",
                s.deprecated
            ),
            Severity::Medium,
        )
    };
    anchor::value(out, at, message).severity(severity);
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::test_support::render_rule_with;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule_with(
            "TPL007",
            "tests/fixtures/tpl007.yaml",
            json!({"today": "2026-03-15"})
        ));
    }

    #[test]
    fn later_date_raises_severity() {
        insta::assert_snapshot!(render_rule_with(
            "TPL007",
            "tests/fixtures/tpl007.yaml",
            json!({"today": "2027-03-03", "runtime_warning_days": 0})
        ));
    }

    #[test]
    fn every_table_entry_is_complete() {
        let table = crate::runtimes::schedules();
        assert!(table.len() > 40);
        for (name, s) in table {
            if let (Some(c), Some(u)) = (s.block_create, s.block_update) {
                assert!(c <= u, "{name}: block_create after block_update");
            }
            if let Some(next) = &s.successor {
                assert!(table.contains_key(next), "{name}: unknown successor {next}");
                assert!(
                    table[next].successor.is_none(),
                    "{name}: successor {next} is itself superseded"
                );
            }
        }
    }
}
