use preflight_policy::prelude::*;

use crate::support::{absent_at, lit, truthy};

declare_rule! {
    /// ## What it does
    /// Checks `AWS::Glue::DataCatalogEncryptionSettings`, as checkov's CKV_AWS_94 does: the
    /// catalog must be encrypted at rest (`EncryptionAtRest.CatalogEncryptionMode: SSE-KMS`) and
    /// return connection passwords encrypted
    /// (`ConnectionPasswordEncryption.ReturnConnectionPasswordEncrypted: true`).
    ///
    /// ## Why is this bad?
    /// The catalog holds table definitions and connection passwords for the data lake's
    /// sources; unencrypted, they are readable by anyone with catalog read access.
    ///
    /// ## Example
    /// ```yaml
    /// Settings:
    ///   Type: AWS::Glue::DataCatalogEncryptionSettings
    ///   Properties:
    ///     CatalogId: !Ref AWS::AccountId
    ///     DataCatalogEncryptionSettings:
    ///       EncryptionAtRest: {CatalogEncryptionMode: DISABLED}
    /// ```
    ///
    /// ## Fix
    /// Set `CatalogEncryptionMode: SSE-KMS` and `ReturnConnectionPasswordEncrypted: true` with
    /// a KMS key.
    pub struct GlueDataCatalogEncryption {
        id: "SEC151",
        name: "glue-data-catalog-encryption",
        title: "Glue Data Catalogs are encrypted",
        severity: Medium,
        resource_types: [
            "AWS::Glue::DataCatalogEncryptionSettings",
        ],
        equivalents: { "checkov": ["CKV_AWS_94"] },
    }
}

impl Rule for GlueDataCatalogEncryption {
    fn check(&self, cx: &Context, out: &mut Findings) {
        let t = cx.template;
        for r in t.resources_of_types(Self::META.resource_types) {
            if crate::support::opaque(&r) {
                continue;
            }
            let settings = r.property("DataCatalogEncryptionSettings");
            if settings.as_ref().is_some_and(|s| s.is_intrinsic()) {
                continue;
            }
            let get = |p: &str| settings.as_ref().and_then(|s| s.path(p));
            let at_rest = get("EncryptionAtRest/CatalogEncryptionMode")
                .and_then(|n| lit(&t, &n))
                .as_deref()
                == Some("SSE-KMS");
            let passwords = truthy(
                &t,
                get("ConnectionPasswordEncryption/ReturnConnectionPasswordEncrypted").as_ref(),
            );
            let why = match (at_rest, passwords) {
                (true, true) => continue,
                (false, true) => {
                    "is not encrypted at rest with KMS (`CatalogEncryptionMode: SSE-KMS`)"
                }
                (true, false) => "returns connection passwords unencrypted",
                (false, false) => {
                    "is not encrypted at rest and returns connection passwords unencrypted"
                }
            };
            let at = settings.unwrap_or_else(|| absent_at(&r));
            out.add(&at, format!("the Data Catalog of `{}` {why}", r.id));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC151", "tests/fixtures/sec151.yaml"));
    }
}
