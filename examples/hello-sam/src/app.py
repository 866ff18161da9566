"""hello-sam: returns the greeting stored in the bucket, or a default one."""

import json
import os

import boto3

DEFAULT = "Hello from hello-sam, deployed through preflight's gate!"


def handler(event, context):
    bucket = os.environ.get("GREETINGS_BUCKET")
    greeting = DEFAULT
    if bucket:
        try:
            body = boto3.client("s3").get_object(Bucket=bucket, Key="greeting.txt")["Body"]
            greeting = body.read().decode("utf-8").strip() or DEFAULT
        except Exception:  # no greeting stored yet
            pass
    return {"statusCode": 200, "body": json.dumps({"message": greeting})}
