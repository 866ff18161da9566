use serde_json::{Value, json};

use super::*;

fn model(resources: Value) -> Model {
    Model::from_template(&json!({ "Resources": resources }))
}

fn strings(t: &Targets) -> Vec<&str> {
    t.strings().collect()
}

#[test]
fn role_trust_inline_managed_and_boundary() {
    let m = model(json!({
        "R": {"Type": "AWS::IAM::Role", "Properties": {
            "AssumeRolePolicyDocument": {"Statement": [{
                "Effect": "Allow", "Action": "sts:AssumeRole",
                "Principal": {"Service": ["lambda.amazonaws.com"], "AWS": "123456789012"}}]},
            "Policies": [{"PolicyName": "p", "PolicyDocument": {"Statement": {
                "Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"],
                "Resource": {"Fn::Sub": "${Bucket.Arn}/*"},
                "Condition": {"Bool": {"aws:SecureTransport": "true"}}}}}],
            "ManagedPolicyArns": ["arn:aws:iam::aws:policy/ReadOnlyAccess", {"Ref": "Extra"}],
            "PermissionsBoundary": {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/b"}
        }}
    }));
    let trust: Vec<_> = m.statements_of_kind(PolicyKind::Trust).collect();
    assert_eq!(trust.len(), 1);
    assert_eq!(trust[0].applies_to, ["${R.Arn}"]);
    assert_eq!(
        strings(&trust[0].principals),
        [
            "AWS:arn:aws:iam::123456789012:root",
            "Service:lambda.amazonaws.com"
        ]
    );
    let principal = &trust[0].principals.values[1];
    assert_eq!(
        principal.pointer,
        "/Resources/R/Properties/AssumeRolePolicyDocument/Statement/0/Principal/Service/0"
    );
    let inline: Vec<_> = m.statements_of_kind(PolicyKind::Identity).collect();
    assert_eq!(inline.len(), 1);
    let s = inline[0];
    assert_eq!(s.applies_to, ["${R}"]);
    assert_eq!(
        s.pointer,
        "/Resources/R/Properties/Policies/0/PolicyDocument/Statement"
    );
    assert_eq!(strings(&s.actions), ["s3:GetObject", "s3:PutObject"]);
    assert_eq!(strings(&s.resources), ["${Bucket.Arn}/*"]);
    assert_eq!(s.conditions.len(), 1);
    assert_eq!(s.conditions[0].operator, "Bool");
    assert_eq!(s.conditions[0].key, "aws:SecureTransport");
    assert_eq!(
        s.origin,
        Origin::Document {
            property: "Policies".into(),
            name: Some("p".into())
        }
    );
    let arns: Vec<_> = m
        .managed_policies()
        .iter()
        .map(|p| p.arn.as_str())
        .collect();
    assert_eq!(
        arns,
        [
            "arn:${AWS::Partition}:iam::aws:policy/ReadOnlyAccess",
            "${Extra}"
        ]
    );
    assert_eq!(m.boundaries().len(), 1);
    assert_eq!(
        m.boundaries()[0].policy,
        "arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/b"
    );
}

#[test]
fn standalone_policy_applies_to_its_identities() {
    let m = model(json!({
        "P": {"Type": "AWS::IAM::Policy", "Properties": {
            "PolicyName": "x",
            "Roles": [{"Ref": "A"}, "literal-role"],
            "Groups": [{"Ref": "G"}],
            "PolicyDocument": {"Statement": [{"Effect": "Deny", "NotAction": "iam:*", "Resource": "*"}]}}}
    }));
    let s = m.statements().next().unwrap();
    assert_eq!(s.applies_to, ["${G}", "${A}", "literal-role"]);
    assert_eq!(s.effect, Effect::Deny);
    assert!(s.actions.not);
    assert!(!s.is_grant());
    assert!(!s.is_negative_cdk());
}

#[test]
fn sam_function_policies_expand() {
    let m = Model::from_template(&json!({
        "Transform": "AWS::Serverless-2016-10-31",
        "Resources": {"Fn": {"Type": "AWS::Serverless::Function", "Properties": {
            "Tracing": "Active",
            "Events": {"Q": {"Type": "SQS", "Properties": {"Queue": {"Fn::GetAtt": ["Q", "Arn"]}}}},
            "PermissionsBoundary": "arn:aws:iam::123456789012:policy/boundary",
            "Policies": [
                "AWSLambdaBasicExecutionRole",
                "AmazonS3ReadOnlyAccess",
                "arn:aws:iam::123456789012:policy/custom",
                {"Ref": "PolicyParam"},
                {"DynamoDBCrudPolicy": {"TableName": {"Ref": "Table"}}},
                {"VPCAccessPolicy": {}},
                {"NoSuchPolicyTemplate": {"X": 1}},
                {"Statement": [{"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "*"}]},
                {"Fn::If": ["IsProd", {"SQSPollerPolicy": {"QueueName": "q"}}, {"Ref": "AWS::NoValue"}]}
            ]}}}
    }));
    let managed: Vec<_> = m
        .managed_policies()
        .iter()
        .map(|p| (p.arn.as_str(), p.implicit))
        .collect();
    let basic = "arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole";
    let sqs = "arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole";
    let xray = "arn:${AWS::Partition}:iam::aws:policy/AWSXrayWriteOnlyAccess";
    let s3 = "arn:${AWS::Partition}:iam::aws:policy/AmazonS3ReadOnlyAccess";
    assert_eq!(
        managed,
        [
            // Named in `Policies` and added by SAM anyway: attached once, as written.
            (basic, false),
            (xray, true),
            (sqs, true),
            (s3, false),
            ("arn:aws:iam::123456789012:policy/custom", false),
            ("${PolicyParam}", false),
        ]
    );
    assert!(
        m.managed_policies()
            .iter()
            .all(|p| p.identity == "${FnRole}")
    );
    let trust: Vec<_> = m.statements_of_kind(PolicyKind::Trust).collect();
    assert_eq!(
        strings(&trust[0].principals),
        ["Service:lambda.amazonaws.com"]
    );
    let ids: Vec<_> = m.statements_of_kind(PolicyKind::Identity).collect();
    let crud = ids
        .iter()
        .find(|s| matches!(&s.origin, Origin::SamTemplate { name } if name == "DynamoDBCrudPolicy"))
        .unwrap();
    assert!(strings(&crud.resources).contains(
        &"arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${Table}"
    ));
    assert_eq!(
        crud.pointer,
        "/Resources/Fn/Properties/Policies/4/DynamoDBCrudPolicy"
    );
    let unknown = ids.iter().find(|s| s.effect == Effect::Unknown).unwrap();
    assert_eq!(
        unknown.raw.as_deref(),
        Some(r#"{"NoSuchPolicyTemplate":{"X":1}}"#)
    );
    let poller = ids
        .iter()
        .find(|s| matches!(&s.origin, Origin::SamTemplate { name } if name == "SQSPollerPolicy"))
        .unwrap();
    assert_eq!(
        poller.when,
        [Branch {
            condition: "IsProd".into(),
            value: true
        }]
    );
    assert!(strings(&poller.resources)[0].ends_with(":q"));
    assert_eq!(m.boundaries()[0].identity, "${FnRole}");
}

#[test]
fn every_sam_policy_template_expands() {
    let names: Vec<&str> = policy_template_names().collect();
    assert!(names.len() >= 80, "{}", names.len());
    for name in names {
        let m = Model::from_template(&json!({"Resources": {"F": {
            "Type": "AWS::Serverless::Function",
            "Properties": {"Policies": [{name: {}}]}}}}));
        let statements: Vec<_> = m
            .statements_of_kind(PolicyKind::Identity)
            .filter(|s| matches!(&s.origin, Origin::SamTemplate { .. }))
            .collect();
        assert!(!statements.is_empty(), "{name}");
        for s in statements {
            assert_ne!(s.effect, Effect::Unknown, "{name}");
            assert!(!s.actions.is_empty(), "{name}");
        }
    }
}

#[test]
fn explicit_role_means_no_generated_role() {
    let m = model(
        json!({"Fn": {"Type": "AWS::Serverless::Function", "Properties": {
        "Role": {"Fn::GetAtt": ["R", "Arn"]},
        "Policies": ["AmazonS3ReadOnlyAccess"]}}}),
    );
    assert_eq!(m.statements().count(), 0);
    assert!(m.managed_policies().is_empty());
    let m = model(
        json!({"Fn": {"Type": "AWS::Serverless::Function", "Properties": {
        "Role": {"Fn::If": ["UseOwn", {"Fn::GetAtt": ["R", "Arn"]}, {"Ref": "AWS::NoValue"}]}}}}),
    );
    let trust: Vec<_> = m.statements().collect();
    assert_eq!(trust.len(), 1);
    assert!(!trust[0].when[0].value);
}

#[test]
fn resource_policies_of_all_shapes() {
    let m = model(json!({
        "BP": {"Type": "AWS::S3::BucketPolicy", "Properties": {"Bucket": {"Ref": "B"},
            "PolicyDocument": {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}]}}},
        "QP": {"Type": "AWS::SQS::QueuePolicy", "Properties": {"Queues": [{"Ref": "Q1"}, {"Ref": "Q2"}],
            "PolicyDocument": {"Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sqs:*"}]}}},
        "K": {"Type": "AWS::KMS::Key", "Properties": {"KeyPolicy": {"Statement": [
            {"Effect": "Allow", "Principal": {"AWS": {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}}, "Action": "kms:*", "Resource": "*"}]}}},
        "Repo": {"Type": "AWS::ECR::Repository", "Properties": {"RepositoryPolicyText": "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"ecr:*\"}]}"}},
        "T": {"Type": "AWS::SNS::Topic", "Properties": {"DeliveryPolicy": {"Statement": []}}},
        "Q": {"Type": "AWS::SQS::Queue", "Properties": {"RedrivePolicy": {"deadLetterTargetArn": "x"}}},
        "Api": {"Type": "AWS::ApiGateway::RestApi", "Properties": {"Policy": {"Statement": [
            {"Effect": "Deny", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "*",
             "Condition": {"NotIpAddress": {"aws:SourceIp": ["10.0.0.0/8"]}}}]}}},
        "Perm": {"Type": "AWS::Lambda::Permission", "Properties": {"FunctionName": {"Ref": "Fn"},
            "Action": "lambda:InvokeFunction", "Principal": "s3.amazonaws.com",
            "SourceArn": {"Fn::GetAtt": ["B", "Arn"]}, "SourceAccount": {"Ref": "AWS::AccountId"}}}
    }));
    let by_owner = |o: &'static str| m.statements_of(o).collect::<Vec<_>>();
    let bp = by_owner("BP");
    assert_eq!(bp[0].applies_to, ["${B}"]);
    assert!(bp[0].allows_any_principal());
    assert_eq!(strings(&bp[0].principals), ["AWS:*"]);
    assert_eq!(by_owner("QP")[0].applies_to, ["${Q1}", "${Q2}"]);
    assert_eq!(strings(&by_owner("QP")[0].principals), ["AWS:*"]);
    let k = by_owner("K");
    assert_eq!(k[0].applies_to, ["${K.Arn}"]);
    assert_eq!(
        strings(&k[0].principals),
        ["AWS:arn:${AWS::Partition}:iam::${AWS::AccountId}:root"]
    );
    let repo = by_owner("Repo");
    assert_eq!(repo.len(), 1);
    assert_eq!(
        repo[0].pointer,
        "/Resources/Repo/Properties/RepositoryPolicyText"
    );
    assert_eq!(
        repo[0].actions.values[0].pointer,
        "/Resources/Repo/Properties/RepositoryPolicyText"
    );
    assert!(by_owner("T").is_empty());
    assert!(by_owner("Q").is_empty());
    let api = by_owner("Api");
    assert_eq!(api[0].effect, Effect::Deny);
    assert_eq!(api[0].conditions[0].values[0].value, "10.0.0.0/8");
    let perm = by_owner("Perm");
    assert_eq!(perm[0].origin, Origin::LambdaPermission);
    assert_eq!(strings(&perm[0].principals), ["Service:s3.amazonaws.com"]);
    assert_eq!(strings(&perm[0].resources), ["${Fn}"]);
    let conds: Vec<_> = perm[0]
        .conditions
        .iter()
        .map(|c| {
            (
                c.operator.as_str(),
                c.key.as_str(),
                c.values[0].value.as_str(),
            )
        })
        .collect();
    assert_eq!(
        conds,
        [
            ("ArnLike", "aws:SourceArn", "${B.Arn}"),
            ("StringEquals", "aws:SourceAccount", "${AWS::AccountId}")
        ]
    );
}

#[test]
fn fn_if_keeps_both_branches() {
    let m = model(json!({
        "R": {"Type": "AWS::IAM::Role", "Properties": {
            "Policies": [{"Fn::If": ["C", {"PolicyName": "a", "PolicyDocument": {"Statement": [
                {"Effect": "Allow", "Action": {"Fn::If": ["D", "s3:*", ["s3:GetObject"]]}, "Resource": "*"}]}},
                {"Ref": "AWS::NoValue"}]}],
            "ManagedPolicyArns": {"Fn::If": ["C", ["then-arn"], ["else-arn"]]}
        }}
    }));
    let s: Vec<_> = m.statements().collect();
    assert_eq!(s.len(), 1);
    assert_eq!(s[0].when.len(), 1);
    let actions: Vec<_> = s[0]
        .actions
        .values
        .iter()
        .map(|e| (e.value.as_str(), e.when[0].value))
        .collect();
    assert_eq!(actions, [("s3:*", true), ("s3:GetObject", false)]);
    let arns: Vec<_> = m
        .managed_policies()
        .iter()
        .map(|p| p.arn.as_str())
        .collect();
    assert_eq!(arns, ["then-arn", "else-arn"]);
}

#[test]
fn security_group_rules() {
    let m = model(json!({
        "SG": {"Type": "AWS::EC2::SecurityGroup", "Properties": {
            "SecurityGroupIngress": [
                {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIp": "0.0.0.0/0"},
                {"IpProtocol": "-1", "SourceSecurityGroupId": {"Ref": "Other"}}],
            "SecurityGroupEgress": [{"IpProtocol": 6, "FromPort": "443", "ToPort": "443", "DestinationPrefixListId": "pl-1"}]}},
        "In": {"Type": "AWS::EC2::SecurityGroupIngress", "Properties": {
            "GroupId": {"Fn::GetAtt": ["SG", "GroupId"]}, "IpProtocol": "udp", "FromPort": {"Ref": "Port"}, "ToPort": {"Ref": "Port"}, "CidrIpv6": "::/0"}}
    }));
    let rules = m.network_rules();
    assert_eq!(rules.len(), 4);
    assert!(rules[0].is_open_to_world());
    assert_eq!(rules[0].covers_port(22), Some(true));
    assert_eq!(rules[0].describe_protocol(), "TCP 22");
    assert_eq!(rules[0].group, "${SG.GroupId}");
    assert_eq!(
        rules[0].pointer,
        "/Resources/SG/Properties/SecurityGroupIngress/0"
    );
    assert_eq!(rules[1].describe_protocol(), "Everything");
    assert_eq!(rules[1].port_range(), Some((0, 65535)));
    assert_eq!(rules[1].describe_peer(), "${Other}");
    assert_eq!(rules[2].protocol, "tcp");
    assert_eq!(rules[2].direction, Direction::Egress);
    assert_eq!(rules[3].covers_port(53), None);
    assert_eq!(rules[3].describe_peer(), "Everyone (IPv6)");
    assert_eq!(rules[3].group, "${SG.GroupId}");
}

#[test]
fn exposure_switches() {
    let m = model(json!({
        "B": {"Type": "AWS::S3::Bucket", "Properties": {
            "PublicAccessBlockConfiguration": {"BlockPublicAcls": true, "BlockPublicPolicy": false},
            "AccessControl": "PublicRead"}},
        "U": {"Type": "AWS::Lambda::Url", "Properties": {"AuthType": "NONE"}},
        "F": {"Type": "AWS::Serverless::Function", "Properties": {"FunctionUrlConfig": {"AuthType": "AWS_IAM"}}},
        "Api": {"Type": "AWS::Serverless::Api", "Properties": {}},
        "Db": {"Type": "AWS::RDS::DBInstance", "Properties": {"PubliclyAccessible": {"Ref": "P"}, "StorageEncrypted": true}},
        "T": {"Type": "AWS::DynamoDB::Table", "Properties": {}}
    }));
    let get = |r: &str, s: Switch| {
        m.exposure()
            .iter()
            .find(|e| e.resource == r && e.switch == s)
            .map(|e| (e.state, e.value.as_str()))
    };
    assert_eq!(
        get("B", Switch::BlockPublicAcls),
        Some((SwitchState::Protected, "true"))
    );
    assert_eq!(
        get("B", Switch::BlockPublicPolicy),
        Some((SwitchState::Unprotected, "false"))
    );
    assert_eq!(
        get("B", Switch::IgnorePublicAcls),
        Some((SwitchState::Unprotected, "absent"))
    );
    assert_eq!(
        get("B", Switch::BucketAcl),
        Some((SwitchState::Unprotected, "PublicRead"))
    );
    assert_eq!(
        get("B", Switch::Encryption),
        Some((SwitchState::Default, "absent"))
    );
    assert_eq!(
        get("U", Switch::FunctionUrlAuth),
        Some((SwitchState::Unprotected, "NONE"))
    );
    assert_eq!(
        get("F", Switch::FunctionUrlAuth),
        Some((SwitchState::Protected, "AWS_IAM"))
    );
    assert_eq!(
        get("Api", Switch::ApiAuthorizer),
        Some((SwitchState::Unprotected, "absent"))
    );
    assert_eq!(
        get("Db", Switch::PubliclyAccessible),
        Some((SwitchState::Unknown, "${P}"))
    );
    assert_eq!(
        get("Db", Switch::Encryption),
        Some((SwitchState::Protected, "true"))
    );
    assert_eq!(
        get("T", Switch::Encryption),
        Some((SwitchState::Default, "absent"))
    );
}

#[test]
fn sso_entries() {
    let m = model(json!({
        "PS": {"Type": "AWS::SSO::PermissionSet", "Properties": {
            "Name": "n", "InstanceArn": "arn:i",
            "ManagedPolicies": ["arn:aws:iam::aws:policy/ReadOnlyAccess"],
            "InlinePolicy": {"Statement": [{"Effect": "Allow", "Action": "iam:CreateServiceLinkedRole", "Resource": ["*"]}]}}},
        "A": {"Type": "AWS::SSO::Assignment", "Properties": {"PrincipalId": "p", "PermissionSetArn": {"Fn::GetAtt": ["PS", "PermissionSetArn"]}}}
    }));
    assert_eq!(m.sso().len(), 2);
    assert_eq!(
        m.sso()[0].properties.get("Name").map(String::as_str),
        Some("n")
    );
    assert!(!m.sso()[0].properties.contains_key("InlinePolicy"));
    assert_eq!(
        m.sso()[1]
            .properties
            .get("PermissionSetArn")
            .map(String::as_str),
        Some("${PS.PermissionSetArn}")
    );
    assert_eq!(m.statements_of("PS").next().unwrap().applies_to, ["${PS}"]);
    assert_eq!(m.managed_policies()[0].identity, "${PS}");
}

#[test]
fn odd_shapes_never_panic() {
    let odd = [
        json!(null),
        json!([1, 2]),
        json!({"Resources": []}),
        json!({"Resources": {"X": 5}}),
        json!({"Resources": {"R": {"Type": "AWS::IAM::Role", "Properties": {
            "AssumeRolePolicyDocument": {"Statement": [5, "x", null, {"Effect": 1, "Action": 7, "Principal": 3, "Condition": [1]}]},
            "Policies": [3, {"PolicyDocument": "not json"}, {"PolicyDocument": {"Statement": {"Ref": "X"}}}],
            "ManagedPolicyArns": 4, "PermissionsBoundary": [1]}}}}),
        json!({"Resources": {"R": {"Type": "AWS::IAM::Role", "Properties": 5}}}),
        json!({"Resources": {"F": {"Type": "AWS::Serverless::Function", "Properties": {
            "Policies": [{"Fn::If": ["C"]}, {}, [], {"S3ReadPolicy": 5}, 9],
            "Events": 3, "DeadLetterQueue": {"TargetArn": [1]}, "Role": {"Fn::If": 1}}}}}),
        json!({"Resources": {"SG": {"Type": "AWS::EC2::SecurityGroup", "Properties": {
            "SecurityGroupIngress": [1, {"FromPort": []}]}}}}),
        json!({"Resources": {"B": {"Type": "AWS::S3::Bucket", "Properties": {
            "PublicAccessBlockConfiguration": 3, "AccessControl": 4}}}}),
        json!({"Resources": {"P": {"Type": "AWS::Lambda::Permission", "Properties": {"Principal": {"a": 1}}}}}),
        json!({"Resources": {"Q": {"Type": "AWS::SQS::QueuePolicy", "Properties": {"PolicyDocument": {"Fn::If": ["C", {"Statement": []}, 5]}}}}}),
    ];
    for t in odd {
        let m = Model::from_template(&t);
        let _ = serde_json::to_string(&m).unwrap();
    }
}

#[test]
fn documents_built_as_json_text() {
    let doc = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::${B}/*"}]}"#;
    let m = model(json!({
        "R": {"Type": "AWS::IAM::Role", "Properties": {
            "Policies": [{"PolicyName": "p", "PolicyDocument": {"Fn::Sub": doc}}]}},
        "L": {"Type": "AWS::Logs::ResourcePolicy", "Properties": {"PolicyName": "l",
            "PolicyDocument": {"Fn::Join": ["", ["{\"Statement\": [{\"Effect\": \"Allow\", \"Principal\": {\"Service\": \"events.amazonaws.com\"}, \"Action\": \"logs:PutLogEvents\", \"Resource\": \"", {"Fn::GetAtt": ["G", "Arn"]}, "\"}]}"]]}}},
        "A": {"Type": "AWS::Logs::AccountPolicy", "Properties": {"PolicyName": "a", "PolicyType": "SUBSCRIPTION_FILTER_POLICY",
            "PolicyDocument": {"Fn::Sub": "{\"DestinationArn\": \"${F.Arn}\"}"}}}
    }));
    let r = m.statements_of("R").next().unwrap();
    assert_eq!(strings(&r.resources), ["arn:aws:s3:::${B}/*"]);
    assert_eq!(
        r.pointer,
        "/Resources/R/Properties/Policies/0/PolicyDocument"
    );
    let l = m.statements_of("L").next().unwrap();
    assert_eq!(strings(&l.resources), ["${G.Arn}"]);
    assert_eq!(strings(&l.principals), ["Service:events.amazonaws.com"]);
    assert_eq!(m.statements_of("A").count(), 0);
}

fn with_sections(sections: Value) -> Model {
    Model::from_template(&sections)
}

/// Issue 1 (and 6): any CIDR with prefix length 0 is the world, and so is a range given
/// as `Fn::FindInMap` with literal keys or as a `Ref` to a parameter whose `Default` is
/// one, if deployed with defaults.
#[test]
fn world_cidrs_in_any_spelling_mapping_or_parameter_default() {
    for world in [
        "0.0.0.0/0",
        "::/0",
        "0000::/0",
        "0:0:0:0:0:0:0:0/0",
        "0000:0000:0000:0000:0000:0000:0000:0000/0",
        " 0.0.0.0/0 ",
        "10.0.0.0/0",
    ] {
        assert!(is_world_cidr(world), "{world}");
    }
    for not_world in [
        "10.0.0.0/8",
        "2001:db8::/32",
        "::/128",
        "0.0.0.0",
        "::/01x",
        "",
    ] {
        assert!(!is_world_cidr(not_world), "{not_world}");
    }
    let m = with_sections(json!({
        "Parameters": {
            "Open": {"Type": "String", "Default": "0.0.0.0/0"},
            "Office": {"Type": "String", "Default": "10.1.0.0/16"},
            "NoDefault": {"Type": "String"}},
        "Mappings": {"Net": {"Any": {"V4": "0.0.0.0/0", "V6": "0000::/0"}, "Lan": {"V4": "10.0.0.0/8"}}},
        "Resources": {
            "SG": {"Type": "AWS::EC2::SecurityGroup", "Properties": {"SecurityGroupIngress": [
                {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIpv6": "0000::/0"},
                {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIp": {"Fn::FindInMap": ["Net", "Any", "V4"]}},
                {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIpv6": {"Fn::FindInMap": ["Net", "Any", "V6"]}},
                {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIp": {"Fn::FindInMap": ["Net", "Lan", "V4"]}},
                {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIp": {"Fn::FindInMap": ["Net", {"Ref": "Env"}, "V4"]}},
                {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIp": {"Ref": "Open"}},
                {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIp": {"Ref": "Office"}},
                {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIp": {"Ref": "NoDefault"}},
                {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIp": {"Fn::Sub": "${Base}/0"}},
                {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "SourceSecurityGroupId": "sg-1"}]}},
            "In": {"Type": "AWS::EC2::SecurityGroupIngress", "Properties": {
                "GroupId": "sg-2", "IpProtocol": "-1", "CidrIp": {"Ref": "Open"}}}
        }
    }));
    let rules = m.network_rules();
    let world: Vec<Option<&str>> = rules.iter().map(NetworkRule::world_cidr).collect();
    assert_eq!(
        world,
        [
            Some("0000::/0"),
            Some("0.0.0.0/0"),
            Some("0000::/0"),
            None,
            None,
            Some("0.0.0.0/0"),
            None,
            None,
            Some("${Base}/0"),
            None,
            Some("0.0.0.0/0"),
        ]
    );
    assert!(rules[0].is_open_to_world());
    assert!(!rules[3].is_open_to_world());
    // The peer as written stays symbolic (the diff compares what is written); the
    // resolved range and its parameter are beside it.
    assert_eq!(
        rules[5].peer,
        Peer::CidrIp {
            ip: "${Open}".into()
        }
    );
    assert_eq!(rules[5].cidr_parameter(), Some("Open"));
    assert_eq!(rules[1].cidr_parameter(), None);
    assert_eq!(rules[6].cidr(), Some("10.1.0.0/16"));
    assert_eq!(rules[7].cidr(), Some("${NoDefault}"));
    // Where the peer is written, for findings.
    assert_eq!(
        rules[0].peer_pointer,
        "/Resources/SG/Properties/SecurityGroupIngress/0/CidrIpv6"
    );
    assert_eq!(
        rules[9].peer_pointer,
        "/Resources/SG/Properties/SecurityGroupIngress/9/SourceSecurityGroupId"
    );
    assert_eq!(rules[10].peer_pointer, "/Resources/In/Properties/CidrIp");
}

/// Issue 6: the value if deployed with defaults, and `Fn::FindInMap` with literal keys.
#[test]
fn values_if_deployed_with_defaults() {
    let root = json!({
        "Parameters": {
            "Acl": {"Type": "String", "Default": "PublicRead"},
            "Flag": {"Type": "String", "Default": false},
            "Bare": {"Type": "String"}},
        "Mappings": {"M": {"a": {"b": "found"}}},
        "Resources": {"B": {"Type": "AWS::S3::Bucket"}}
    });
    let t = crate::Template::new(&root);
    let literal = json!("Private");
    let d = with_defaults(&t, &literal).unwrap();
    assert_eq!((d.value, d.parameter), (&literal, None));
    assert!(!d.is_default());
    let by_ref = json!({"Ref": "Acl"});
    let d = with_defaults(&t, &by_ref).unwrap();
    assert_eq!(d.as_text().as_deref(), Some("PublicRead"));
    assert_eq!(d.parameter, Some("Acl"));
    let flag = json!({"Ref": "Flag"});
    assert_eq!(
        with_defaults(&t, &flag).unwrap().as_text().as_deref(),
        Some("false")
    );
    for unknown in [
        json!({"Ref": "Bare"}),
        json!({"Ref": "AWS::Region"}),
        json!({"Ref": "B"}),
        json!({"Fn::Sub": "x"}),
        json!({"Ref": "Acl", "Extra": 1}),
    ] {
        assert!(with_defaults(&t, &unknown).is_none(), "{unknown}");
    }
    assert_eq!(parameter_default(&t, "Acl"), Some(&json!("PublicRead")));
    assert_eq!(parameter_default(&t, "Bare"), None);
    let found = json!({"Fn::FindInMap": ["M", "a", "b"]});
    assert_eq!(find_in_map(&t, &found), Some(&json!("found")));
    let missing = json!({"Fn::FindInMap": ["M", "a", "c", {"DefaultValue": "dflt"}]});
    assert_eq!(find_in_map(&t, &missing), Some(&json!("dflt")));
    for unknown in [
        json!({"Fn::FindInMap": ["M", {"Ref": "K"}, "b"]}),
        json!({"Fn::FindInMap": ["M", {"Ref": "K"}, "b", {"DefaultValue": "dflt"}]}),
        json!({"Fn::FindInMap": ["M", "a"]}),
        json!({"Fn::FindInMap": ["M", "x", "b"]}),
        json!("M"),
    ] {
        assert!(find_in_map(&t, &unknown).is_none(), "{unknown}");
    }
}

/// Issue 2: a `*` in the account of an AWS principal ARN is any account, so anyone.
#[test]
fn any_account_principal_is_a_star() {
    let m = model(json!({
        "BP": {"Type": "AWS::S3::BucketPolicy", "Properties": {"Bucket": "b", "PolicyDocument": {"Statement": [
            {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::*:root"}, "Action": "s3:GetObject", "Resource": "*"},
            {"Effect": "Allow", "Principal": {"AWS": {"Fn::Sub": "arn:${AWS::Partition}:iam::*:role/x"}}, "Action": "s3:GetObject", "Resource": "*"},
            {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "s3:GetObject", "Resource": "*"},
            {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:role/*"}, "Action": "s3:GetObject", "Resource": "*"},
            {"Effect": "Allow", "Principal": {"AWS": {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}}, "Action": "s3:GetObject", "Resource": "*"},
            {"Effect": "Allow", "NotPrincipal": {"AWS": "arn:aws:iam::*:root"}, "Action": "s3:GetObject", "Resource": "*"},
            {"Effect": "Deny", "Principal": {"AWS": "arn:aws:iam::*:root"}, "Action": "s3:GetObject", "Resource": "*"}]}}}
    }));
    let any: Vec<bool> = m
        .statements()
        .map(Statement::allows_any_principal)
        .collect();
    assert_eq!(any, [true, true, false, false, false, true, false]);
    let s: Vec<_> = m.statements().collect();
    assert!(s[0].principals.has_star());
    assert!(s[1].principals.has_star());
    assert!(!s[3].principals.has_star());
    assert!(!s[4].principals.has_star());
    assert!(is_any_account_principal("AWS:arn:aws-cn:iam::*:user/x"));
    assert!(!is_any_account_principal("Service:*"));
    assert!(!is_any_account_principal("AWS:arn:aws:iam::123456789012:*"));
    // A negated any-account principal still leaves services and anonymous callers.
    assert!(s[5].principals.is_unbounded());
}

/// Issue 3: the `aws:` prefix of condition keys reads in lower case everywhere, Lambda
/// permissions and IAM documents alike; other keys are as written.
#[test]
fn condition_keys_have_a_lower_case_aws_prefix() {
    let m = model(json!({
        "Perm": {"Type": "AWS::Lambda::Permission", "Properties": {"FunctionName": "f",
            "Action": "lambda:InvokeFunction", "Principal": "sns.amazonaws.com",
            "SourceArn": "arn:aws:sns:us-east-1:123456789012:t", "SourceAccount": "123456789012",
            "PrincipalOrgID": "o-1"}},
        "QP": {"Type": "AWS::SQS::QueuePolicy", "Properties": {"Queues": ["q"], "PolicyDocument": {"Statement": [
            {"Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage", "Resource": "*",
             "Condition": {"ArnEquals": {"AWS:SourceArn": "arn:x", "Aws:SourceAccount": "1"},
                           "StringEquals": {"aws:PrincipalOrgID": "o-1", "kms:CallerAccount": "1", "awsx:Key": "v"}}}]}}}
    }));
    let keys = |owner: &str| -> Vec<String> {
        m.statements_of(owner)
            .flat_map(|s| s.conditions.iter().map(|c| c.key.clone()))
            .collect()
    };
    assert_eq!(
        keys("Perm"),
        ["aws:SourceArn", "aws:PrincipalOrgID", "aws:SourceAccount"]
    );
    assert_eq!(
        keys("QP"),
        [
            "aws:SourceAccount",
            "aws:SourceArn",
            "aws:PrincipalOrgID",
            "awsx:Key",
            "kms:CallerAccount"
        ]
    );
}

/// Issue 4: VPC endpoint policies are resource policies with a marker.
#[test]
fn endpoint_policies_are_marked() {
    let m = model(json!({
        "E": {"Type": "AWS::EC2::VPCEndpoint", "Properties": {"VpcId": "v", "ServiceName": "s3",
            "PolicyDocument": {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "*"}]}}},
        "BP": {"Type": "AWS::S3::BucketPolicy", "Properties": {"Bucket": "b", "PolicyDocument": {"Statement": [
            {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}]}}}
    }));
    let e = m.statements_of("E").next().unwrap();
    assert_eq!(e.kind, PolicyKind::Resource);
    assert!(e.is_endpoint_policy());
    assert!(e.allows_any_principal());
    let bp = m.statements_of("BP").next().unwrap();
    assert!(!bp.is_endpoint_policy());
    let public: Vec<&str> = m
        .statements()
        .filter(|s| s.allows_any_principal() && !s.is_endpoint_policy())
        .map(|s| s.owner.as_str())
        .collect();
    assert_eq!(public, ["BP"]);
}

/// Issue 5: `OPTIONS` in any letter case is left out; a null or absent
/// `AuthorizationType` is CloudFormation's default `NONE`.
#[test]
fn method_authorization_defaults_and_options() {
    let m = model(json!({
        "Absent": {"Type": "AWS::ApiGateway::Method", "Properties": {"HttpMethod": "GET"}},
        "Null": {"Type": "AWS::ApiGateway::Method", "Properties": {"HttpMethod": "GET", "AuthorizationType": null}},
        "None": {"Type": "AWS::ApiGateway::Method", "Properties": {"HttpMethod": "GET", "AuthorizationType": "none"}},
        "Iam": {"Type": "AWS::ApiGateway::Method", "Properties": {"HttpMethod": "GET", "AuthorizationType": "AWS_IAM"}},
        "Param": {"Type": "AWS::ApiGateway::Method", "Properties": {"HttpMethod": "GET", "AuthorizationType": {"Ref": "A"}}},
        "Options": {"Type": "AWS::ApiGateway::Method", "Properties": {"HttpMethod": "options"}},
        "OPTIONS": {"Type": "AWS::ApiGateway::Method", "Properties": {"HttpMethod": "OPTIONS"}},
        "Route": {"Type": "AWS::ApiGatewayV2::Route", "Properties": {"RouteKey": "GET /x", "AuthorizationType": null}},
        "Cors": {"Type": "AWS::ApiGatewayV2::Route", "Properties": {"RouteKey": "options /x"}}
    }));
    let state = |r: &str| {
        m.exposure()
            .iter()
            .find(|e| e.resource == r && e.switch == Switch::MethodAuthorization)
            .map(|e| (e.state, e.value.as_str()))
    };
    assert_eq!(state("Absent"), Some((SwitchState::Unprotected, "absent")));
    assert_eq!(state("Null"), Some((SwitchState::Unprotected, "absent")));
    assert_eq!(state("None"), Some((SwitchState::Unprotected, "none")));
    assert_eq!(state("Iam"), Some((SwitchState::Protected, "AWS_IAM")));
    assert_eq!(state("Param"), Some((SwitchState::Unknown, "${A}")));
    assert_eq!(state("Options"), None);
    assert_eq!(state("OPTIONS"), None);
    assert_eq!(state("Route"), Some((SwitchState::Unprotected, "absent")));
    assert_eq!(state("Cors"), None);
}
