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
            ("ArnLike", "AWS:SourceArn", "${B.Arn}"),
            ("StringEquals", "AWS:SourceAccount", "${AWS::AccountId}")
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
