//! Failure markers: lines of the deploy command's output that mean the deploy failed,
//! whatever its exit status says. The command runner notes them as lines go by;
//! verification counts them.

use serde::Serialize;

/// Output that means a deploy failed, whatever the exit status says.
pub const FAILURE_MARKERS: &[&str] = &[
    "Error:",
    "ROLLBACK",
    "CREATE_FAILED",
    "UPDATE_FAILED",
    "Failed to create/update",
];

/// The first failure marker in `line`, if any.
pub fn failure_marker(line: &str) -> Option<&'static str> {
    FAILURE_MARKERS.iter().copied().find(|m| line.contains(m))
}

/// A line of output that carries a failure marker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MarkerHit {
    /// 1-based line number in the command's output.
    pub line: usize,
    /// The marker found.
    pub marker: String,
    /// The line (ANSI escapes removed).
    pub text: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers() {
        assert_eq!(
            failure_marker("Error: Failed to create changeset"),
            Some("Error:")
        );
        assert_eq!(
            failure_marker("UPDATE_ROLLBACK_COMPLETE  AWS::CloudFormation::Stack"),
            Some("ROLLBACK")
        );
        assert_eq!(
            failure_marker("Bucket  CREATE_FAILED"),
            Some("CREATE_FAILED")
        );
        assert_eq!(
            failure_marker("Failed to create/update the stack: demo"),
            Some("Failed to create/update")
        );
        assert_eq!(
            failure_marker("Successfully created/updated stack - demo"),
            None
        );
        assert_eq!(failure_marker("no errors: 0"), None);
    }
}
