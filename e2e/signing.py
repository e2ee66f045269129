"""Requests signed by real signers (botocore, awscrt, requests-aws4auth, curl), sent with plain HTTP."""
import datetime
import io
import json
import subprocess
import urllib.parse
from unittest import mock

import botocore.auth
import botocore.awsrequest
import botocore.credentials
import requests
from awscrt import auth as crt_auth
from awscrt import http as crt_http
from requests_aws4auth import AWS4Auth


def contact_path(instance, contact):
    return "/contacts/" + urllib.parse.quote(instance, safe="") + "/" + urllib.parse.quote(contact, safe="")


def botocore_signed(url, key, secret, token=None, region="us-east-1", service="connect", at=None, auth_class=None):
    """A GET signed by botocore's SigV4Auth; `at` pins the signing time."""
    creds = botocore.credentials.Credentials(key, secret, token)
    req = botocore.awsrequest.AWSRequest(method="GET", url=url)
    signer = (auth_class or botocore.auth.SigV4Auth)(creds, service, region)
    if at is None:
        signer.add_auth(req)
    else:
        with mock.patch("botocore.auth.get_current_datetime", return_value=at.replace(tzinfo=None)):
            signer.add_auth(req)
    return req


def send(req):
    prepared = req.prepare()
    return requests.request(prepared.method, prepared.url, headers=dict(prepared.headers), timeout=10)


def crt_get(url, key, secret, region="us-east-1"):
    return crt_request("GET", url, key, secret, region)


def crt_request(method, url, key, secret, region="us-east-1", json_body=None):
    """`method` to `url`, signed by awscrt (the CRT's own SigV4); a JSON body when given."""
    parsed = urllib.parse.urlsplit(url)
    path = parsed.path + ("?" + parsed.query if parsed.query else "")
    fields = [("Host", parsed.netloc)] + ([("Content-Type", "application/json")] if json_body is not None else [])
    body = json.dumps(json_body).encode() if json_body is not None else None
    request = crt_http.HttpRequest(method, path, crt_http.HttpHeaders(fields), body_stream=io.BytesIO(body) if body else None)
    config = crt_auth.AwsSigningConfig(
        algorithm=crt_auth.AwsSigningAlgorithm.V4, signature_type=crt_auth.AwsSignatureType.HTTP_REQUEST_HEADERS,
        credentials_provider=crt_auth.AwsCredentialsProvider.new_static(key, secret), region=region, service="connect",
        date=datetime.datetime.now(datetime.timezone.utc), use_double_uri_encode=True, should_normalize_uri_path=True)
    crt_auth.aws_sign_request(request, config).result(timeout=10)
    headers = {name: value for name, value in request.headers}
    return requests.request(method, url, headers=headers, data=body, timeout=10)


def aws4auth_get(url, key, secret, region="us-east-1"):
    return requests.get(url, auth=AWS4Auth(key, secret, region, "connect"), timeout=10)


def curl_get(url, key, secret, region="us-east-1"):
    out = subprocess.run(["curl", "-s", "-o", "-", "-w", "\n%{http_code}", "--aws-sigv4", f"aws:amz:{region}:connect",
                          "--user", f"{key}:{secret}", url], capture_output=True, text=True, timeout=30)
    body, _, status = out.stdout.rpartition("\n")
    return int(status), body
