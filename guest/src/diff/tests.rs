use serde_json::{Value, json};

use super::*;
use crate::permissions::Model;

fn role(statements: Value) -> Value {
    json!({"Resources": {"R": {"Type": "AWS::IAM::Role", "Properties": {
        "Policies": [{"PolicyName": "p", "PolicyDocument": {"Statement": statements}}]}}}})
}

fn statement(v: Value) -> crate::permissions::Statement {
    let m = Model::from_template(&role(json!([v])));
    m.statements().next().cloned().expect("one statement")
}

#[test]
fn coverage_handles_wildcards_not_fields_and_conditions() {
    let t = statement(json!({"Effect": "Allow", "Action": "s3:*", "Resource": "*"}));
    let s = statement(
        json!({"Effect": "Allow", "Action": ["s3:GetObject", "S3:put*"], "Resource": "arn:aws:s3:::b/*"}),
    );
    assert!(covers(&t, &s));
    assert!(!covers(&s, &t));
    // NotAction covers literal actions it does not exclude.
    let not = statement(json!({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}));
    assert!(covers(&not, &s));
    let iam = statement(json!({"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}));
    assert!(!covers(&not, &iam));
    // A Not field in the new statement is only covered by `*`.
    let star = statement(json!({"Effect": "Allow", "Action": "*", "Resource": "*"}));
    assert!(covers(&star, &not));
    assert!(!covers(&t, &not));
    // Conditions: the covering statement's conditions must all be kept.
    let cond = statement(json!({"Effect": "Allow", "Action": "s3:*", "Resource": "*",
        "Condition": {"StringEquals": {"aws:PrincipalOrgID": ["o-1", "o-2"]}}}));
    let stricter = statement(
        json!({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
        "Condition": {"StringEquals": {"AWS:PrincipalOrgId": "o-1"}, "Bool": {"aws:SecureTransport": "true"}}}),
    );
    assert!(covers(&cond, &stricter));
    assert!(!covers(&stricter, &cond));
    assert!(!covers(&cond, &s));
    // Effects must match; unknown statements are never covered.
    let deny = statement(json!({"Effect": "Deny", "Action": "s3:*", "Resource": "*"}));
    assert!(!covers(&deny, &s));
    let unknown = statement(json!("not a statement"));
    assert!(!covers(&star, &unknown));
}

#[test]
fn principals_any_covers_everyone() {
    let doc = |p: Value| {
        json!({"Resources": {"BP": {"Type": "AWS::S3::BucketPolicy", "Properties": {"Bucket": "b",
            "PolicyDocument": {"Statement": [{"Effect": "Allow", "Principal": p, "Action": "s3:GetObject", "Resource": "*"}]}}}}})
    };
    let any = doc(json!("*"));
    let account = doc(json!({"AWS": "111122223333"}));
    let service = doc(json!({"Service": "cloudfront.amazonaws.com"}));
    assert!(!diff(&any, &account).broadening);
    assert!(!diff(&any, &service).broadening);
    assert!(diff(&account, &any).broadening);
    assert!(diff(&account, &service).broadening);
    // `"*"` and `{"AWS": "*"}` are the same principal.
    assert!(diff(&any, &doc(json!({"AWS": "*"}))).changes.is_empty());
}

#[test]
fn identical_templates_have_no_changes() {
    let t = role(json!([{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]));
    let set = diff(&t, &t);
    assert!(set.is_empty());
    assert!(!set.broadening);
    assert_eq!(set.digest, diff(&json!({}), &json!({})).digest);
}

#[test]
fn moving_a_statement_to_a_standalone_policy_is_not_broadening() {
    let old = role(json!([{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]));
    let new = json!({"Resources": {
        "R": {"Type": "AWS::IAM::Role", "Properties": {}},
        "P": {"Type": "AWS::IAM::Policy", "Properties": {"PolicyName": "p", "Roles": [{"Ref": "R"}],
            "PolicyDocument": {"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}}}}});
    let set = diff(&old, &new);
    assert_eq!(set.changes.len(), 2);
    assert!(!set.broadening, "{set:#?}");
    assert!(set.cdk_broadening);
    // Attaching it to one more role is.
    let mut more = new.clone();
    more["Resources"]["P"]["Properties"]["Roles"] = json!([{"Ref": "R"}, {"Ref": "Other"}]);
    let set = diff(&new, &more);
    assert!(set.broadening);
    assert_eq!(set.changes.len(), 1);
    assert_eq!(set.changes[0].change, ChangeKind::Added);
}

#[test]
fn deny_removal_covered_by_another_deny_is_not_broadening() {
    let old = role(json!([
        {"Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "*"},
        {"Effect": "Deny", "Action": "s3:Delete*", "Resource": "*"}]));
    let new = role(json!([{"Effect": "Deny", "Action": "s3:Delete*", "Resource": "*"}]));
    let set = diff(&old, &new);
    assert_eq!(set.changes.len(), 1);
    assert!(!set.broadening);
    assert!(set.cdk_broadening, "cdk counts any removed Deny");
    let set = diff(&new, &role(json!([])));
    assert!(set.broadening);
}

#[test]
fn fn_if_branches_count() {
    let old = role(json!([{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]));
    let new = role(json!([{"Effect": "Allow",
        "Action": {"Fn::If": ["Prod", "s3:GetObject", "s3:*"]}, "Resource": "*"}]));
    let set = diff(&old, &new);
    assert!(set.broadening, "the else branch widens");
    let guarded = role(json!([{"Fn::If": ["Prod",
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}, {"Ref": "AWS::NoValue"}]}]));
    assert!(
        !diff(&old, &guarded).broadening,
        "now only under a condition"
    );
    assert!(diff(&guarded, &old).broadening, "now unconditional");
}

#[test]
fn sam_function_gets_its_implicit_role() {
    let old = json!({"Resources": {}});
    let new = json!({"Resources": {"Fn": {"Type": "AWS::Serverless::Function",
        "Properties": {"Handler": "a", "Runtime": "python3.12"}}}});
    let set = diff(&old, &new);
    assert!(set.broadening);
    let tables = set.tables();
    assert_eq!(tables.managed_policies.len(), 1);
    assert_eq!(tables.managed_policies[0].resource, "${FnRole}");
    assert_eq!(tables.statements.len(), 1);
    assert_eq!(
        tables.statements[0].principal,
        "Service:lambda.amazonaws.com"
    );
    assert_eq!(tables.statements[0].resource, "${FnRole.Arn}");
    // Naming the managed policy SAM adds anyway changes nothing.
    let mut same = new.clone();
    same["Resources"]["Fn"]["Properties"]["Policies"] = json!(["AWSLambdaBasicExecutionRole"]);
    let set = diff(&new, &same);
    assert!(!set.broadening, "{set:#?}");
}

#[test]
fn boundary_changes() {
    let user = |b: Option<&str>| {
        let mut props = json!({});
        if let Some(b) = b {
            props["PermissionsBoundary"] = json!(b);
        }
        json!({"Resources": {"U": {"Type": "AWS::IAM::User", "Properties": props}}})
    };
    assert!(!diff(&user(None), &user(Some("arn:b"))).broadening);
    assert!(diff(&user(Some("arn:b")), &user(None)).broadening);
    let set = diff(&user(Some("arn:a")), &user(Some("arn:b")));
    assert_eq!(set.changes[0].change, ChangeKind::Modified);
    assert!(set.broadening);
    assert!(
        !diff(&user(Some("arn:a")), &json!({})).broadening,
        "deleted with its user"
    );
}

#[test]
fn exposure_to_parameters_is_broadening() {
    let url = |auth: Value| json!({"Resources": {"U": {"Type": "AWS::Lambda::Url", "Properties": {"AuthType": auth}}}});
    assert!(diff(&url(json!("AWS_IAM")), &url(json!({"Ref": "Auth"}))).broadening);
    assert!(!diff(&url(json!({"Ref": "Auth"})), &url(json!("AWS_IAM"))).broadening);
    assert!(!diff(&url(json!("NONE")), &url(json!("AWS_IAM"))).broadening);
}

#[test]
fn odd_inputs_never_panic() {
    let odd = [
        json!(null),
        json!("x"),
        json!({"Resources": 3}),
        json!({"Resources": {"A": {"Type": 5}, "B": {"Type": "AWS::S3::Bucket", "DeletionPolicy": {"Fn::If": []}}}}),
        role(json!([1, {"Effect": "Allow", "Action": {"Fn::If": ["C"]}, "Condition": 4}])),
        json!({"Resources": {"T": {"Type": "AWS::DynamoDB::Table", "Properties": 7}}}),
    ];
    for a in &odd {
        for b in &odd {
            let set = diff(a, b);
            let _ = set.tables();
            let _ = serde_json::to_string(&set).expect("serialises");
        }
    }
}

/// The model's world ranges and endpoint marker show in the reasons (not in the digest);
/// an any-account principal does not cover a `NotPrincipal` (services and anonymous
/// callers are left).
#[test]
fn reasons_name_world_ranges_and_endpoint_policies() {
    let sg = |cidr: Value| {
        json!({"Parameters": {"Open": {"Type": "String", "Default": "0.0.0.0/0"}},
            "Mappings": {"Net": {"Any": {"V6": "0000::/0"}}},
            "Resources": {"SG": {"Type": "AWS::EC2::SecurityGroup", "Properties": {
                "SecurityGroupIngress": [{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIp": cidr}]}}}})
    };
    let reason = |set: &ChangeSet| set.changes[0].reason.clone().unwrap_or_default();
    let by_default = diff(&json!({}), &sg(json!({"Ref": "Open"})));
    assert!(
        reason(&by_default).contains(
            "(the whole internet if deployed with defaults: 0.0.0.0/0 is the default of parameter Open)"
        ),
        "{}",
        reason(&by_default)
    );
    let mapped = diff(
        &json!({}),
        &sg(json!({"Fn::FindInMap": ["Net", "Any", "V6"]})),
    );
    assert!(reason(&mapped).contains("(the whole internet: 0000::/0)"));
    let literal = diff(&json!({}), &sg(json!("0.0.0.0/0")));
    assert!(!reason(&literal).contains("whole internet"));
    assert_eq!(
        diff(&json!({}), &sg(json!({"Ref": "Open"}))).digest,
        by_default.digest
    );

    let endpoint = json!({"Resources": {"E": {"Type": "AWS::EC2::VPCEndpoint", "Properties": {
        "VpcId": "v", "ServiceName": "s3",
        "PolicyDocument": {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}]}}}}});
    let set = diff(&json!({}), &endpoint);
    assert!(set.broadening);
    assert!(
        reason(&set).contains("VPC endpoint policy"),
        "{}",
        reason(&set)
    );

    let bucket = |p: Value, not: bool| {
        let key = if not { "NotPrincipal" } else { "Principal" };
        json!({"Resources": {"BP": {"Type": "AWS::S3::BucketPolicy", "Properties": {"Bucket": "b",
            "PolicyDocument": {"Statement": [{"Effect": "Allow", key: p, "Action": "s3:GetObject", "Resource": "*"}]}}}}})
    };
    let any_account = bucket(json!({"AWS": "arn:aws:iam::*:root"}), false);
    let all_but_one = bucket(json!({"AWS": "arn:aws:iam::111122223333:root"}), true);
    assert!(diff(&any_account, &all_but_one).broadening);
    assert!(!diff(&bucket(json!("*"), false), &all_but_one).broadening);
}

#[test]
fn create_only_properties_mark_replacement_for_every_type() {
    let t = |table: &str, key: &str, bucket: &str, image: &str| {
        json!({"Resources": {
            "Table": {"Type": "AWS::DynamoDB::Table", "Properties": {
                "TableName": table, "KeySchema": [{"AttributeName": key, "KeyType": "HASH"}]}},
            "Bucket": {"Type": "AWS::S3::Bucket", "DeletionPolicy": "Retain",
                "UpdateReplacePolicy": "Retain", "Properties": {"BucketName": bucket}},
            "Instance": {"Type": "AWS::EC2::Instance", "Properties": {"ImageId": image}},
        }})
    };
    let old = t("orders", "id", "b1", "ami-1");
    let replaced = |new: &Value| -> Vec<(String, bool, Category)> {
        let mut v: Vec<_> = diff(&old, new)
            .changes
            .into_iter()
            .filter(|c| {
                matches!(
                    c.category,
                    Category::StatefulResource | Category::Replacement
                )
            })
            .map(|c| (c.resource, c.broadening, c.category))
            .collect();
        v.sort_by(|a, b| a.0.cmp(&b.0));
        v
    };
    assert!(replaced(&old).is_empty());
    // A table without a retaining policy loses its data: broadening (needs approval).
    assert_eq!(
        replaced(&t("orders2", "id", "b1", "ami-1")),
        [("Table".into(), true, Category::StatefulResource)]
    );
    assert_eq!(
        replaced(&t("orders", "pk", "b1", "ami-1")),
        [("Table".into(), true, Category::StatefulResource)]
    );
    // The bucket is retained: replaced, but not broadening.
    assert_eq!(
        replaced(&t("orders", "id", "b2", "ami-1")),
        [("Bucket".into(), false, Category::StatefulResource)]
    );
    // An instance holds no data the schema knows of: replaced, reported, not broadening.
    let set = diff(&old, &t("orders", "id", "b1", "ami-2"));
    let instance = set
        .changes
        .iter()
        .find(|c| c.resource == "Instance")
        .unwrap();
    assert_eq!(instance.category, Category::Replacement);
    assert!(instance.reason.as_deref().unwrap().contains("ImageId"));
    assert!(!set.broadening);
}

#[test]
fn added_statements_are_covered_through_the_action_index() {
    // Old statements the index files under an exact action, a service wildcard, and
    // "always" (a wildcard service, NotAction); many others that cover nothing.
    let mut old: Vec<Value> = (0..200)
        .map(|i| json!({"Effect": "Allow", "Action": format!("logs:Put{i}"), "Resource": "*"}))
        .collect();
    old.push(json!({"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "*"}));
    old.push(json!({"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}));
    old.push(json!({"Effect": "Allow", "Action": "ec?:Describe*", "Resource": "*"}));
    old.push(json!({"Effect": "Allow", "NotAction": "iam:*", "Resource": "arn:aws:kms:*"}));
    let covered = [
        json!({"Effect": "Allow", "Action": "SQS:sendmessage", "Resource": "*"}),
        json!({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}),
        json!({"Effect": "Allow", "Action": "ec2:DescribeVpcs", "Resource": "*"}),
        json!({"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "arn:aws:kms:*"}),
    ];
    let broadening = [
        json!({"Effect": "Allow", "Action": "s3:PutObject", "Resource": "*"}),
        json!({"Effect": "Allow", "Action": "iam:PassRole", "Resource": "arn:aws:kms:*"}),
        json!({"Effect": "Allow", "Action": "sns:Publish", "Resource": "*"}),
    ];
    for (added, expected) in covered
        .iter()
        .map(|s| (s, false))
        .chain(broadening.iter().map(|s| (s, true)))
    {
        let mut new = old.clone();
        new.push(added.clone());
        let changes = diff(&role(json!(old)), &role(json!(new)));
        assert_eq!(changes.changes.len(), 1, "{added}");
        assert_eq!(changes.broadening, expected, "{added}");
    }
}
