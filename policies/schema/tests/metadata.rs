//! The policy's metadata: every rule has a stable, unique code, a kebab-case name, the
//! fixed help headings, and a fixture.

use std::path::Path;

use preflight_policy::testing::assert_rules_well_described;
use preflight_policy_schema::SchemaPolicy;

#[test]
fn rules_are_well_described() {
    let meta = assert_rules_well_described::<SchemaPolicy>(
        "SCH",
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures"),
    );
    assert_eq!(meta.id, "schema");
    assert!(meta.reusable);
}
