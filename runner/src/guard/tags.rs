//! cfn-guard's table of short-form tags: which `!Tag` becomes which long form, for a
//! scalar and for a sequence. The template view ([`super::view`]) and the test runner's
//! inputs ([`super::suite::spec`]) both read YAML as cfn-guard does, from this one table.

/// The long form of a tag on a scalar: cfn-guard's `SINGLE_VALUE_FUNC_REF` with the
/// long forms of its `SHORT_FORM_TO_LONG_MAPPING`.
pub fn scalar_function(tag: &str) -> Option<&'static str> {
    Some(match tag {
        "Ref" => "Ref",
        "Base64" => "Fn::Base64",
        "Sub" => "Fn::Sub",
        "GetAZs" => "Fn::GetAZs",
        "ImportValue" => "Fn::ImportValue",
        "GetAtt" => "Fn::GetAtt",
        "Condition" => "Condition",
        "RefAll" => "Fn::RefAll",
        _ => return None,
    })
}

/// The long form of a tag on a sequence: cfn-guard's `SEQUENCE_VALUE_FUNC_REF`.
pub fn sequence_function(tag: &str) -> Option<&'static str> {
    Some(match tag {
        "GetAtt" => "Fn::GetAtt",
        "Sub" => "Fn::Sub",
        "Select" => "Fn::Select",
        "Split" => "Fn::Split",
        "Join" => "Fn::Join",
        "FindInMap" => "Fn::FindInMap",
        "And" => "Fn::And",
        "Equals" => "Fn::Equals",
        "Contains" => "Fn::Contains",
        "EachMemberIn" => "Fn::EachMemberIn",
        "EachMemberEquals" => "Fn::EachMemberEquals",
        "ValueOf" => "Fn::ValueOf",
        "If" => "Fn::If",
        "Not" => "Fn::Not",
        "Or" => "Fn::Or",
        _ => return None,
    })
}

/// The long form of a tag on any value, as `cfn-guard test` converts its inputs: the
/// scalar table, then the sequence table.
pub fn long_form(tag: &str) -> Option<&'static str> {
    scalar_function(tag).or_else(|| sequence_function(tag))
}

/// `GetAtt` for `!GetAtt`: a tag whose handle is exactly one `!`.
pub fn local_tag(tag: &str) -> Option<&str> {
    let handle = tag.chars().take_while(|c| *c == '!').count();
    (handle == 1).then(|| &tag[1..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_table_for_both_readers() {
        assert_eq!(scalar_function("GetAtt"), Some("Fn::GetAtt"));
        assert_eq!(sequence_function("Ref"), None);
        assert_eq!(long_form("Ref"), Some("Ref"));
        assert_eq!(long_form("If"), Some("Fn::If"));
        assert_eq!(long_form("Cidr"), None);
        assert_eq!(local_tag("!GetAtt"), Some("GetAtt"));
        assert_eq!(local_tag("!!str"), None);
    }
}
