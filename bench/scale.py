#!/usr/bin/env python3
"""Writes the scale benchmark's templates: one per shape, each just under SIZE bytes.

Usage: bench/scale.py DIR [SIZE]   (SIZE defaults to 5 MiB minus 4 KiB, under the limit)
Shapes (file names): many-keys.yaml/.json (one mapping with as many keys as fit),
flow-seq.yaml/.json (one single-line flow sequence), deep.yaml (nesting to 120 levels,
repeated), flow-nesting.yaml (nested flow collections, repeated), flow-seq-nesting.yaml and
flow-map-nesting.yaml (one kind of flow collection nested), json-nesting.json (nested JSON
objects), many-resources.yaml/.json,
linked-resources.yaml and linked-resources-sam.yaml (resources that refer to each other).
"""
import json
import os
import sys

out = sys.argv[1]
size = int(sys.argv[2]) if len(sys.argv) > 2 else 5 * 1024 * 1024 - 4096
os.makedirs(out, exist_ok=True)
HEAD = "AWSTemplateFormatVersion: '2010-09-09'\n"
TOPIC = "Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n"


def fill(parts, budget):
    """Takes items from the generator `parts` while they fit in `budget` characters."""
    taken, used = [], 0
    for part in parts:
        if used + len(part) > budget:
            break
        taken.append(part)
        used += len(part)
    return taken


def write(name, text):
    assert len(text.encode()) <= size + 4096, (name, len(text))
    with open(os.path.join(out, name), "w") as f:
        f.write(text)


def counter():
    i = 0
    while True:
        yield i
        i += 1


# One mapping with as many keys as fit.
keys = fill((f"    Key{i}: value{i}\n" for i in counter()), size - 200)
write("many-keys.yaml", HEAD + "Metadata:\n  Big:\n" + "".join(keys) + TOPIC)
n = len(keys)
obj = {"AWSTemplateFormatVersion": "2010-09-09", "Metadata": {"Big": {}},
       "Resources": {"Topic": {"Type": "AWS::SNS::Topic"}}}
items = fill((f'"Key{i}":"value{i}",' for i in counter()), size - 200)
write("many-keys.json", json.dumps(obj).replace('"Big": {}', '"Big": {' + "".join(items).rstrip(",") + "}"))

# One single-line flow sequence.
seq = fill((f"item{i}, " for i in counter()), size - 200)
write("flow-seq.yaml", HEAD + "Metadata:\n  Items: [" + "".join(seq).rstrip(", ") + "]\n" + TOPIC)
seq = fill((f'"item{i}",' for i in counter()), size - 200)
write("flow-seq.json", json.dumps(obj).replace('"Big": {}', '"Big": [' + "".join(seq).rstrip(",") + "]"))

# Block nesting 120 levels deep (the limit is 128), repeated.
def deep_block(k):
    lines = [f"  D{k}:\n"]
    for level in range(1, 120):
        lines.append("  " * (level + 1) + f"L{level}:\n")
    lines.append("  " * 121 + "leaf\n")
    return "".join(lines)

blocks = fill((deep_block(k) for k in counter()), size - 200)
write("deep.yaml", HEAD + "Metadata:\n" + "".join(blocks) + TOPIC)

# Nested flow collections, 60 levels of [{ ... }] per item, repeated.
def flow_nest(k):
    return f"  N{k}: " + "[{a: " * 60 + "x" + "}]" * 60 + "\n"

nests = fill((flow_nest(k) for k in counter()), size - 200)
write("flow-nesting.yaml", HEAD + "Metadata:\n" + "".join(nests) + TOPIC)

# The same with one kind of collection: 120 levels of [ ... ] or of {a: ... } per item
# (the densest shapes: a node for every one or two bytes), and nested JSON objects.
def nest(k, opening, leaf, closing):
    return f"  N{k}: " + opening * 120 + leaf + closing * 120 + "\n"

for name, opening, leaf, closing in [("flow-seq-nesting.yaml", "[", "x", "]"),
                                      ("flow-map-nesting.yaml", "{a: ", "x", "}")]:
    nests = fill((nest(k, opening, leaf, closing) for k in counter()), size - 200)
    write(name, HEAD + "Metadata:\n" + "".join(nests) + TOPIC)
members = fill((f'"N{k}":' + '{"a":' * 120 + '"x"' + "}" * 120 + "," for k in counter()), size - 200)
write("json-nesting.json", json.dumps(obj).replace('"Big": {}', '"Big": {' + "".join(members).rstrip(",") + "}"))

# Many resources: a bucket and a queue policy-free pair, as a real (huge) stack has.
def resource(i):
    return (f"  Queue{i}:\n    Type: AWS::SQS::Queue\n    Properties:\n"
            f"      QueueName: !Sub '${{AWS::StackName}}-q{i}'\n      KmsMasterKeyId: alias/aws/sqs\n")

res = fill((resource(i) for i in counter()), size - 200)
write("many-resources.yaml", HEAD + "Resources:\n" + "".join(res))
resources = {}
budget = size - 200
used = 60
for i in counter():
    value = {"Type": "AWS::SQS::Queue", "Properties": {
        "QueueName": {"Fn::Sub": "${AWS::StackName}-q%d" % i}, "KmsMasterKeyId": "alias/aws/sqs"}}
    piece = len(json.dumps({f"Queue{i}": value})) 
    if used + piece > budget:
        break
    used += piece
    resources[f"Queue{i}"] = value
write("many-resources.json", json.dumps({"AWSTemplateFormatVersion": "2010-09-09", "Resources": resources}))

# Many resources that refer to each other, as a real stack's do: queues with dead-letter
# queues, roles with inline policies, functions on them, a condition, outputs, and some
# references to nothing (findings). Rules that match every resource against every other
# one of a kind show here, not in the flat shape above.
def linked(i):
    return f"""  Dlq{i}:
    Type: AWS::SQS::Queue
  Queue{i}:
    Type: AWS::SQS::Queue
    Condition: IsProd
    Properties:
      QueueName: !Sub '${{AWS::StackName}}-q{i}'
      RedrivePolicy:
        deadLetterTargetArn: !GetAtt Dlq{i}.Arn
        maxReceiveCount: 5
  Role{i}:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Principal: {{Service: lambda.amazonaws.com}}
            Action: sts:AssumeRole
      Policies:
        - PolicyName: access
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage']
                Resource: !GetAtt Queue{i}.Arn
  Fn{i}:
    Type: AWS::Lambda::Function
    DependsOn: [Role{i}, Missing{i}]
    Properties:
      Runtime: python3.12
      Handler: index.handler
      Role: !GetAtt Role{i}.Arn
      Code: {{ZipFile: 'def handler(e, c): return e'}}
      Environment:
        Variables:
          QUEUE: !Ref Queue{i}
          STAGE: !If [IsProd, !Ref Stage, !Ref 'AWS::NoValue']
          OTHER: !GetAtt Nowhere{i}.Arn
"""


# The same in SAM: functions with API and queue events, policy templates, generated
# names (`<Function>Role`, `<Function>.Alias`), tables and queues.
def linked_sam(i):
    return f"""  Table{i}:
    Type: AWS::Serverless::SimpleTable
  Fn{i}:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Policies:
        - DynamoDBCrudPolicy: {{TableName: !Ref Table{i}}}
        - SQSPollerPolicy: {{QueueName: !GetAtt Q{i}.QueueName}}
      Environment:
        Variables:
          TABLE: !Ref Table{i}
          ROLE: !Ref Fn{i}Role
          ALIAS: !Ref Fn{i}.Alias
          GONE: !Ref Gone{i}
      AutoPublishAlias: live
      Events:
        Api:
          Type: Api
          Properties: {{Path: /f{i}, Method: get}}
        Queue:
          Type: SQS
          Properties: {{Queue: !GetAtt Q{i}.Arn, BatchSize: 10}}
  Q{i}:
    Type: AWS::SQS::Queue
"""


def linked_template(name, make, sam):
    head = HEAD
    if sam:
        head += ("Transform: AWS::Serverless-2016-10-31\nGlobals:\n  Function:\n"
                 "    Runtime: python3.12\n    Timeout: 10\n")
    head += ("Parameters:\n  Stage:\n    Type: String\n    Default: prod\n"
             "Conditions:\n  IsProd: !Equals [!Ref Stage, prod]\nResources:\n")
    body, outputs, used = [], ["Outputs:\n"], len(head) + 200
    for i in counter():
        part = make(i)
        out = (f"  Out{i}:\n    Value: !GetAtt Fn{i}.Arn\n"
               f"    Export: {{Name: !Sub '${{AWS::StackName}}-fn{i}'}}\n") if i % 10 == 0 else ""
        if used + len(part) + len(out) > size:
            break
        body.append(part)
        outputs.append(out)
        used += len(part) + len(out)
    write(name, head + "".join(body) + "".join(outputs))


linked_template("linked-resources.yaml", linked, sam=False)
linked_template("linked-resources-sam.yaml", linked_sam, sam=True)

# `preflight diff` of a role whose policy has N statements, each changed (a different
# action and bucket), for 5,000 and 20,000 statements.
SERVICES = ["s3", "sqs", "sns", "dynamodb", "lambda", "kms", "logs", "events", "ssm", "ecr"]


def role(n, version):
    lines = [HEAD, "Resources:\n  Role:\n    Type: AWS::IAM::Role\n    Properties:\n",
             "      AssumeRolePolicyDocument:\n        Statement:\n",
             "          - Effect: Allow\n            Principal: {Service: lambda.amazonaws.com}\n",
             "            Action: sts:AssumeRole\n",
             "      Policies:\n        - PolicyName: big\n          PolicyDocument:\n",
             "            Statement:\n"]
    for i in range(n):
        service = SERVICES[i % len(SERVICES)]
        lines.append(f"              - Effect: Allow\n                Action: {service}:Action{i}v{version}\n"
                     f"                Resource: arn:aws:{service}:::thing-{i}-{version}\n")
    return "".join(lines)


for n in (5000, 20000):
    write(f"diff-{n}-old.yaml", role(n, 1))
    write(f"diff-{n}-new.yaml", role(n, 2))
