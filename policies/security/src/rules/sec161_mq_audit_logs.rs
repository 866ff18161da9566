use preflight_policy::prelude::*;

use crate::support::{Expect, Requirement, check_one, lit};

declare_rule! {
    /// ## What it does
    /// Checks that Amazon MQ brokers set `Logs.Audit: true`, as checkov's CKV_AWS_197 does.
    /// RabbitMQ brokers are exempt: they have no audit log.
    ///
    /// ## Why is this bad?
    /// ActiveMQ's audit log records management actions (users, queues, configuration);
    /// without it, changes to the broker leave no trace.
    ///
    /// ## Example
    /// ```yaml
    /// Broker:
    ///   Type: AWS::AmazonMQ::Broker
    ///   Properties:
    ///     EngineType: ACTIVEMQ
    /// ```
    ///
    /// ## Fix
    /// Set `Logs: {Audit: true, General: true}`.
    pub struct MqAuditLogs {
        id: "SEC161",
        name: "mq-audit-logs",
        title: "ActiveMQ brokers write audit logs",
        severity: Low,
        resource_types: [
            "AWS::AmazonMQ::Broker",
        ],
        equivalents: { "checkov": ["CKV_AWS_197"] },
    }
}

const REQUIREMENT: Requirement = Requirement {
    types: &["AWS::AmazonMQ::Broker"],
    path: "Logs/Audit",
    expect: Expect::True,
    what: "management actions on the broker are not logged",
};

impl Rule for MqAuditLogs {
    fn check(&self, cx: &Context, out: &mut Findings) {
        let t = cx.template;
        for r in t.resources_of_types(Self::META.resource_types) {
            let engine = r.property("EngineType").and_then(|n| lit(&t, &n));
            if engine.is_some_and(|e| e.eq_ignore_ascii_case("RABBITMQ")) {
                continue;
            }
            check_one(&t, &r, &REQUIREMENT, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC161", "tests/fixtures/sec161.yaml"));
    }
}
