//! CloudFormation short-form tags and their long forms.

/// The long-form key of a CloudFormation short-form tag (`Ref` → `Ref`,
/// `GetAtt` → `Fn::GetAtt`, `Condition` → `Condition`), or `None` if the tag is not one.
pub(crate) fn long_form(tag: &str) -> Option<&'static str> {
    Some(match tag {
        "Ref" => "Ref",
        "Condition" => "Condition",
        "GetAtt" => "Fn::GetAtt",
        "Sub" => "Fn::Sub",
        "Join" => "Fn::Join",
        "If" => "Fn::If",
        "Equals" => "Fn::Equals",
        "And" => "Fn::And",
        "Or" => "Fn::Or",
        "Not" => "Fn::Not",
        "Select" => "Fn::Select",
        "Split" => "Fn::Split",
        "FindInMap" => "Fn::FindInMap",
        "ImportValue" => "Fn::ImportValue",
        "Base64" => "Fn::Base64",
        "Cidr" => "Fn::Cidr",
        "GetAZs" => "Fn::GetAZs",
        "Transform" => "Fn::Transform",
        "ToJsonString" => "Fn::ToJsonString",
        "Length" => "Fn::Length",
        "ForEach" => "Fn::ForEach",
        "Contains" => "Fn::Contains",
        "EachMemberEquals" => "Fn::EachMemberEquals",
        "EachMemberIn" => "Fn::EachMemberIn",
        "RefAll" => "Fn::RefAll",
        "ValueOf" => "Fn::ValueOf",
        "ValueOfAll" => "Fn::ValueOfAll",
        "Implies" => "Fn::Implies",
        _ => return None,
    })
}

/// Whether a tag can take a node of this kind. Only the cases CloudFormation itself
/// rejects outright are refused; argument shapes are checked by the `template` policy,
/// which can report them with a rule id.
pub(crate) fn accepts_collection(tag: &str) -> bool {
    !matches!(tag, "Ref" | "Condition")
}
