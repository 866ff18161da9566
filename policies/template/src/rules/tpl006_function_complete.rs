use preflight_policy::prelude::*;
use serde_json::Value;

use crate::{anchor, sam};

declare_rule! {
    /// ## What it does
    /// Checks that each Lambda function has what its package type needs, taking SAM
    /// `Globals.Function` (and the resource's `IgnoreGlobals`) into account:
    ///
    /// - `AWS::Serverless::Function`, zip package (the default `PackageType`): `Handler`,
    ///   `Runtime`, and `CodeUri` or `InlineCode`; no `ImageUri` or `ImageConfig`.
    /// - `AWS::Serverless::Function` with `PackageType: Image`: `ImageUri`, or the
    ///   `Metadata` (`DockerTag`, `Dockerfile`) from which `sam build` fills it in; no
    ///   `Handler`, `Runtime` or `Layers`, not even inherited from `Globals`.
    /// - `AWS::Lambda::Function`: `Code`; for a zip package `Handler` and `Runtime`, and
    ///   `Code` with `ZipFile` or `S3Bucket` and `S3Key` (or a local path for `package`);
    ///   for an image, `Code.ImageUri` and no `Handler` or `Runtime`.
    ///
    /// A `PackageType` other than `Zip` or `Image` is reported too. At low severity: a
    /// SAM function with neither `CodeUri` nor `InlineCode`, or a function without `Code`
    /// in a SAM template (`sam package` then uploads the whole template folder as the
    /// code), and a SAM function that sets both `InlineCode` and `CodeUri` (SAM silently
    /// ignores `CodeUri`).
    ///
    /// ## Why is this bad?
    /// The SAM transform or Lambda rejects such a function, and the whole deployment
    /// fails, often after other resources were created.
    ///
    /// ## Example
    /// ```yaml
    /// Resources:
    ///   Api:
    ///     Type: AWS::Serverless::Function
    ///     Properties:
    ///       CodeUri: src/
    ///       Runtime: python3.13
    /// ```
    ///
    /// ## Fix
    /// Add the missing property (for SAM, in `Properties` or once in `Globals.Function`),
    /// or remove the one the package type does not allow.
    pub struct FunctionComplete {
        id: "TPL006",
        name: "function-complete",
        title: "Lambda functions have what their package type needs",
        severity: High,
        resource_types: ["AWS::Serverless::Function", "AWS::Lambda::Function"],
        equivalents: { "cfn-lint": ["E3003"] },
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Package {
    Zip,
    Image,
}

impl Rule for FunctionComplete {
    fn check(&self, cx: &Context, out: &mut Findings) {
        for r in cx.template.resources() {
            match r.ty {
                "AWS::Serverless::Function" => check_sam(&r, out),
                "AWS::Lambda::Function" => check_lambda(&r, out),
                _ => {}
            }
        }
    }
}

/// The package type, or `None` when it is computed or invalid (invalid ones are reported).
fn package_type(r: &Resource, node: Option<Node>, out: &mut Findings) -> Option<Package> {
    let Some(node) = node.filter(|n| !n.value().is_null()) else {
        return Some(Package::Zip);
    };
    match node.as_str() {
        Some("Zip") => Some(Package::Zip),
        Some("Image") => Some(Package::Image),
        Some(other) => {
            anchor::value(
                out,
                &node,
                format!(
                    "function `{}` has PackageType `{other}`; use Zip or Image",
                    r.id
                ),
            );
            None
        }
        None if node.is_intrinsic() => None,
        None => {
            out.add(
                &node,
                format!(
                    "function `{}` has a PackageType that is not Zip or Image",
                    r.id
                ),
            );
            None
        }
    }
}

/// A property that is set: present and not null.
fn set(node: Option<Node<'_>>) -> Option<Node<'_>> {
    node.filter(|n| !n.value().is_null())
}

/// Reports the properties a zip package needs and lacks, in one finding.
fn missing_for_zip(out: &mut Findings, r: &Resource, missing: &[&str]) {
    if missing.is_empty() {
        return;
    }
    anchor::missing_property(
        out,
        r,
        format!(
            "function `{}` has no {}, which a zip package needs",
            r.id,
            missing.join(" and no ")
        ),
    );
}

fn check_sam(r: &Resource, out: &mut Findings) {
    let local = |name: &str| set(r.properties().and_then(|p| p.get(name)));
    let merged = |name: &str| set(sam::property(r, name));
    match package_type(r, local("PackageType"), out) {
        Some(Package::Zip) => {
            let missing: Vec<&str> = ["Handler", "Runtime"]
                .into_iter()
                .filter(|name| merged(name).is_none())
                .collect();
            missing_for_zip(out, r, &missing);
            match (local("InlineCode"), merged("CodeUri")) {
                (None, None) => {
                    // `sam build` / `sam package` use the template's folder: it deploys,
                    // but ships the whole project as the function's code.
                    anchor::missing_property(
                        out,
                        r,
                        format!(
                            "function `{}` has neither CodeUri nor InlineCode, so packaging ships the whole template folder",
                            r.id
                        ),
                    )
                    .severity(Severity::Low);
                }
                (Some(inline), Some(_)) if local("CodeUri").is_some() => {
                    anchor::at_key(
                        out,
                        &inline,
                        "InlineCode",
                        format!(
                            "function `{}` sets both InlineCode and CodeUri, and SAM ignores CodeUri",
                            r.id
                        ),
                    )
                    .severity(Severity::Low);
                }
                _ => {}
            }
            for name in ["ImageUri", "ImageConfig"] {
                if let Some(node) = local(name) {
                    anchor::at_key(
                        out,
                        &node,
                        name,
                        format!("function `{}` is a zip package and cannot set {name}", r.id),
                    );
                }
            }
        }
        Some(Package::Image) => {
            let built = r
                .attribute("Metadata")
                .is_some_and(|m| m.get("DockerTag").is_some() || m.get("Dockerfile").is_some());
            if local("ImageUri").is_none() && !built {
                anchor::missing_property(
                    out,
                    r,
                    format!(
                        "function `{}` is an image package and has no ImageUri (nor Metadata for sam build)",
                        r.id
                    ),
                );
            }
            for name in ["Handler", "Runtime", "Layers"] {
                if let Some(node) = local(name) {
                    anchor::at_key(
                        out,
                        &node,
                        name,
                        format!(
                            "function `{}` is an image package and cannot set {name}",
                            r.id
                        ),
                    );
                } else if merged(name).is_some() {
                    let package = local("PackageType").expect("Image is set locally");
                    out.add(
                        &package,
                        format!(
                            "function `{}` is an image package but inherits {name} from Globals; add it to IgnoreGlobals",
                            r.id
                        ),
                    );
                }
            }
        }
        None => {}
    }
}

fn check_lambda(r: &Resource, out: &mut Findings) {
    let local = |name: &str| set(r.properties().and_then(|p| p.get(name)));
    let package = package_type(r, local("PackageType"), out);
    let code = local("Code");
    if code.is_none() {
        if r.template().is_sam() {
            // `sam package` uploads the template's folder as the missing Code.
            anchor::missing_property(
                out,
                r,
                format!(
                    "function `{}` has no Code, so packaging ships the whole template folder",
                    r.id
                ),
            )
            .severity(Severity::Low);
        } else {
            anchor::missing_property(out, r, format!("function `{}` has no Code", r.id));
        }
    }
    match package {
        Some(Package::Zip) => {
            let missing: Vec<&str> = ["Handler", "Runtime"]
                .into_iter()
                .filter(|name| local(name).is_none())
                .collect();
            missing_for_zip(out, r, &missing);
            // A string is a local path that `cloudformation package` uploads.
            if let Some(code) = code
                && let Value::Object(map) = code.value()
                && !code.is_intrinsic()
            {
                if map.contains_key("ImageUri") {
                    out.add(
                        &code.get("ImageUri").expect("present"),
                        format!(
                            "function `{}` is a zip package and cannot use Code.ImageUri",
                            r.id
                        ),
                    )
                    .highlight("ImageUri");
                } else if !(map.contains_key("ZipFile")
                    || (map.contains_key("S3Bucket") && map.contains_key("S3Key")))
                {
                    out.add(
                        &code,
                        format!(
                            "Code of function `{}` needs ZipFile, or S3Bucket and S3Key",
                            r.id
                        ),
                    )
                    .highlight("Code");
                }
            }
        }
        Some(Package::Image) => {
            for name in ["Handler", "Runtime", "Layers"] {
                if let Some(node) = local(name) {
                    anchor::at_key(
                        out,
                        &node,
                        name,
                        format!(
                            "function `{}` is an image package and cannot set {name}",
                            r.id
                        ),
                    );
                }
            }
            if let Some(code) = code
                && code.is_object()
                && !code.is_intrinsic()
                && code.get("ImageUri").is_none()
            {
                out.add(
                    &code,
                    format!(
                        "function `{}` is an image package and its Code has no ImageUri",
                        r.id
                    ),
                )
                .highlight("Code");
            }
        }
        None => {}
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot_sam() {
        insta::assert_snapshot!(render_rule("TPL006", "tests/fixtures/tpl006_sam.yaml"));
    }

    #[test]
    fn snapshot_globals_complete() {
        insta::assert_snapshot!(render_rule("TPL006", "tests/fixtures/tpl006_globals.yaml"));
    }

    #[test]
    fn snapshot_lambda() {
        insta::assert_snapshot!(render_rule("TPL006", "tests/fixtures/tpl006_lambda.json"));
    }
}
