//! Where a finding is. A policy points into the canonical template with a JSON pointer
//! (and may name a `highlight`, text inside the node such as `${Missing}` in a
//! `Fn::Sub`); the loader's span index turns that into file, line and column, the end,
//! and the byte range the reports underline. A pointer past what exists lands on the
//! nearest node that does.

use preflight_policy::Severity;
use preflight_template::Template;

use crate::finding::{Enforcement, Finding, HostRule};

/// A policy's finding, located in `template`. It is not judged yet: it does not block,
/// and its enforcement is decided later ([`crate::decide`]).
pub fn locate(template: &Template, policy: &str, finding: preflight_policy::Finding) -> Finding {
    let mut located = Finding {
        rule: finding.rule,
        policy: policy.to_string(),
        severity: finding.severity,
        message: finding.message,
        resource: finding.resource,
        pointer: String::new(),
        file: template.name().to_string(),
        line: 1,
        column: 1,
        end_line: 1,
        end_column: 1,
        blocking: false,
        enforcement: Enforcement::HardMandatory,
        suppressed: None,
        bytes: (0, 0),
    };
    place(
        template,
        &mut located,
        finding.pointer,
        finding.highlight.as_deref(),
    );
    located
}

/// Puts `finding` at `pointer` (narrowed to `highlight` when it is found there).
pub fn place(template: &Template, finding: &mut Finding, pointer: String, highlight: Option<&str>) {
    let (mut at, _) = template.locate_nearest(&pointer);
    if let Some(narrowed) = highlight.and_then(|h| template.narrow(at, h)) {
        at = narrowed;
    }
    finding.pointer = pointer;
    finding.line = at.line;
    finding.column = at.column;
    finding.end_line = at.end_line;
    finding.end_column = at.end_column;
    finding.bytes = (at.start_byte, at.end_byte);
}

/// A finding the host makes itself, at the top of the template: blocking and
/// hard-mandatory unless decided otherwise.
pub fn host_finding(
    template: &Template,
    policy: &str,
    rule: HostRule,
    severity: Severity,
    message: String,
) -> Finding {
    let (at, _) = template.locate_nearest("");
    Finding {
        rule: rule.id().to_string(),
        policy: policy.to_string(),
        severity,
        message,
        resource: None,
        pointer: String::new(),
        file: template.name().to_string(),
        line: at.line,
        column: at.column,
        end_line: at.line,
        end_column: at.column,
        blocking: true,
        enforcement: Enforcement::HardMandatory,
        suppressed: None,
        bytes: (0, 0),
    }
}
