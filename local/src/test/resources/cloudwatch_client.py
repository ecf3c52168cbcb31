"""boto3 against Tapline's CloudWatch API, for UsageIT (and the README's example).

usage: cloudwatch_client.py ENDPOINT PROTOCOL(cbor|json) SESSION_ID START_EPOCH END_EPOCH
Credentials come from the usual AWS_* variables or profile. Prints one line of JSON:
{"protocol": ..., "sums": {metric: sum of the Sum data points}, "metrics": [names listed for the session]}
"""
import json
import sys
from datetime import datetime, timezone

import boto3
import botocore.model

endpoint, protocol, session, start, end = sys.argv[1:6]
wire = {"cbor": "smithy-rpc-v2-cbor", "json": "json"}[protocol]
# botocore picks the first of its PRIORITY_ORDERED_SUPPORTED_PROTOCOLS the model lists: json for
# CloudWatch in 1.43 (then smithy-rpc-v2-cbor, then query); force the one asked for
botocore.model.ServiceModel.resolved_protocol = property(lambda self: wire)
client = boto3.client("cloudwatch", endpoint_url=endpoint, region_name="us-east-1")
assert client.meta.service_model.resolved_protocol == wire, client.meta.service_model.resolved_protocol
sums = {}
for metric in ("MirroredPackets", "MirroredBytes", "RejectedPackets", "TruncatedPackets"):
    answer = client.get_metric_statistics(
        Namespace="Tapline", MetricName=metric,
        Dimensions=[{"Name": "TrafficMirrorSessionId", "Value": session}],
        StartTime=datetime.fromtimestamp(int(start), timezone.utc),
        EndTime=datetime.fromtimestamp(int(end), timezone.utc),
        Period=60, Statistics=["Sum", "SampleCount"])
    sums[metric] = sum(point["Sum"] for point in answer["Datapoints"])
listed = client.list_metrics(Namespace="Tapline", Dimensions=[{"Name": "TrafficMirrorSessionId", "Value": session}])
error = None
try:
    client.get_metric_statistics(Namespace="Tapline", MetricName="MirroredPackets", StartTime=datetime.now(timezone.utc),
                                 EndTime=datetime.now(timezone.utc), Period=61, Statistics=["Sum"])
except client.exceptions.ClientError as e:
    error = e.response["Error"]["Code"]
print(json.dumps({"protocol": protocol, "sums": sums, "metrics": sorted(m["MetricName"] for m in listed["Metrics"]),
                  "error": error}))
