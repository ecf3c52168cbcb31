#!/usr/bin/env bash
# Tapline walkthrough with the AWS CLI v2: every Traffic Mirroring operation against a running
# Tapline (./tapline start, or any gateway), the way the provider's CLI documentation uses them.
#
#   api-gateway/walkthrough.sh              set up (or find again) the walkthrough's resources, show
#                                           modify/describe/tags, and create-then-delete a scratch set
#   api-gateway/walkthrough.sh --teardown   also delete the walkthrough's resources at the end
#
# Idempotent like the provider: creates carry fixed ClientTokens, so a second run gets the same
# ids back instead of duplicates; modifies and tags set the same values again; deleting something
# already deleted answers NotFound, which the script reports and accepts.
#
# Environment: TAPLINE_ENDPOINT (default http://localhost:8780), AWS_CLI (default /usr/bin/aws),
# AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY or AWS_PROFILE (default: the local stack's key, from the
# tapline profile the launcher wrote under .tapline/; there is no built-in key),
# AWS_DEFAULT_REGION (default us-east-1; any region works), WALKTHROUGH_PREFIX (ClientToken prefix,
# default "walkthrough").
set -euo pipefail

ENDPOINT="${TAPLINE_ENDPOINT:-http://localhost:8780}"
AWS_CLI="${AWS_CLI:-/usr/bin/aws}"
LOCAL_DATA="$(cd "$(dirname "$0")/.." && pwd)/.tapline"
if [[ -z "${AWS_ACCESS_KEY_ID:-}" && -z "${AWS_PROFILE:-}" ]]; then
  if [[ ! -f "$LOCAL_DATA/aws-credentials" ]]; then
    echo "walkthrough: no AWS_ACCESS_KEY_ID or AWS_PROFILE, and no $LOCAL_DATA/aws-credentials (./tapline up writes it)" >&2
    exit 1
  fi
  export AWS_SHARED_CREDENTIALS_FILE="$LOCAL_DATA/aws-credentials" AWS_CONFIG_FILE="$LOCAL_DATA/aws-config" AWS_PROFILE=tapline
fi
export AWS_DEFAULT_REGION="${AWS_DEFAULT_REGION:-us-east-1}"
export AWS_PAGER=""
PREFIX="${WALKTHROUGH_PREFIX:-walkthrough}"
TEARDOWN=false
[[ "${1:-}" == "--teardown" ]] && TEARDOWN=true

ec2() { "$AWS_CLI" ec2 --endpoint-url "$ENDPOINT" --output text "$@"; }
step() { printf '\n== %s\n' "$*"; }
show() { printf '%-28s %s\n' "$1" "$2"; }

# Deletes something that may be gone already: NotFound is the provider's answer then, and fine.
delete_ok() {
  local out
  if out=$(ec2 "$@" 2>&1); then
    echo "deleted: $out"
  elif grep -q 'NotFound' <<<"$out"; then
    echo "already deleted (NotFound): ${out##*: }"
  else
    echo "$out" >&2
    return 1
  fi
}

step "1. Network interfaces: a source (web server) and the IDS that receives the mirrored traffic"
SOURCE_ENI=$(ec2 create-network-interface --subnet-id subnet-0123456789abcdef0 --private-ip-address 10.0.0.10 \
  --description "web-1" --client-token "$PREFIX-eni-source" \
  --tag-specifications 'ResourceType=network-interface,Tags=[{Key=role,Value=web}]' \
  --query NetworkInterface.NetworkInterfaceId)
IDS_ENI=$(ec2 create-network-interface --subnet-id subnet-0123456789abcdef0 --private-ip-address 127.0.0.1 \
  --description "IDS" --client-token "$PREFIX-eni-ids" --query NetworkInterface.NetworkInterfaceId)
show "source interface" "$SOURCE_ENI"
show "IDS interface" "$IDS_ENI"
ec2 describe-network-interfaces --network-interface-ids "$SOURCE_ENI" "$IDS_ENI" \
  --query 'NetworkInterfaces[].[NetworkInterfaceId,PrivateIpAddress,AvailabilityZone,Description]'

step "2. Target: the IDS interface"
TARGET_ID=$(ec2 create-traffic-mirror-target --network-interface-id "$IDS_ENI" --description "My Target" \
  --client-token "$PREFIX-target" \
  --tag-specifications 'ResourceType=traffic-mirror-target,Tags=[{Key=env,Value=demo}]' \
  --query TrafficMirrorTarget.TrafficMirrorTargetId)
show "target" "$TARGET_ID"
ec2 describe-traffic-mirror-targets --filters "Name=network-interface-id,Values=$IDS_ENI" \
  --query 'TrafficMirrorTargets[].[TrafficMirrorTargetId,Type,NetworkInterfaceId,Description]'

step "3. Filter with rules: mirror HTTP answers (egress) and DNS answers (ingress), plus amazon-dns"
FILTER_ID=$(ec2 create-traffic-mirror-filter --description "web" --client-token "$PREFIX-filter" \
  --tag-specifications 'ResourceType=traffic-mirror-filter,Tags=[{Key=env,Value=demo}]' \
  --query TrafficMirrorFilter.TrafficMirrorFilterId)
show "filter" "$FILTER_ID"
HTTP_RULE=$(ec2 create-traffic-mirror-filter-rule --traffic-mirror-filter-id "$FILTER_ID" \
  --traffic-direction egress --rule-number 100 --rule-action accept --protocol 6 \
  --source-port-range FromPort=80,ToPort=80 --source-cidr-block 0.0.0.0/0 --destination-cidr-block 0.0.0.0/0 \
  --description "HTTP answers" --client-token "$PREFIX-rule-http" \
  --query TrafficMirrorFilterRule.TrafficMirrorFilterRuleId)
DNS_RULE=$(ec2 create-traffic-mirror-filter-rule --traffic-mirror-filter-id "$FILTER_ID" \
  --traffic-direction ingress --rule-number 100 --rule-action accept --protocol 17 \
  --source-port-range FromPort=53,ToPort=53 --source-cidr-block 0.0.0.0/0 --destination-cidr-block 0.0.0.0/0 \
  --description "DNS answers" --client-token "$PREFIX-rule-dns" \
  --query TrafficMirrorFilterRule.TrafficMirrorFilterRuleId)
show "egress rule (HTTP)" "$HTTP_RULE"
show "ingress rule (DNS)" "$DNS_RULE"
ec2 modify-traffic-mirror-filter-network-services --traffic-mirror-filter-id "$FILTER_ID" \
  --add-network-services amazon-dns --query 'TrafficMirrorFilter.NetworkServices'
# Modify sets absolute values, so it is idempotent as it is: rule 100 becomes rule 110, again on a rerun.
ec2 modify-traffic-mirror-filter-rule --traffic-mirror-filter-rule-id "$HTTP_RULE" --rule-number 110 \
  --destination-cidr-block 10.0.0.0/8 --remove-fields description \
  --query 'TrafficMirrorFilterRule.[TrafficMirrorFilterRuleId,RuleNumber,DestinationCidrBlock]'
ec2 describe-traffic-mirror-filters --traffic-mirror-filter-ids "$FILTER_ID" \
  --query 'TrafficMirrorFilters[].{id:TrafficMirrorFilterId,ingress:IngressFilterRules[].RuleNumber,egress:EgressFilterRules[].RuleNumber,services:NetworkServices}'
if "$AWS_CLI" ec2 describe-traffic-mirror-filter-rules help >/dev/null 2>&1; then
  ec2 describe-traffic-mirror-filter-rules --traffic-mirror-filter-id "$FILTER_ID" \
    --filters Name=traffic-direction,Values=egress --query 'TrafficMirrorFilterRules[].[TrafficMirrorFilterRuleId,RuleNumber]'
else
  echo "(this CLI has no describe-traffic-mirror-filter-rules; Tapline answers it for newer CLIs and SDKs)"
fi

step "4. Session: mirror web-1 to the IDS through the filter, VNI 0x800080, first 1500 bytes"
SESSION_ID=$(ec2 create-traffic-mirror-session --network-interface-id "$SOURCE_ENI" \
  --traffic-mirror-target-id "$TARGET_ID" --traffic-mirror-filter-id "$FILTER_ID" --session-number 1 \
  --virtual-network-id 8388736 --packet-length 1500 --description "web-1 to IDS" \
  --client-token "$PREFIX-session" \
  --tag-specifications 'ResourceType=traffic-mirror-session,Tags=[{Key=env,Value=demo}]' \
  --query TrafficMirrorSession.TrafficMirrorSessionId)
show "session" "$SESSION_ID"
ec2 modify-traffic-mirror-session --traffic-mirror-session-id "$SESSION_ID" --session-number 2 \
  --remove-fields packet-length --query 'TrafficMirrorSession.[TrafficMirrorSessionId,SessionNumber,VirtualNetworkId]'
ec2 describe-traffic-mirror-sessions --filters "Name=network-interface-id,Values=$SOURCE_ENI" "Name=tag:env,Values=demo" \
  --query 'TrafficMirrorSessions[].[TrafficMirrorSessionId,SessionNumber,VirtualNetworkId,TrafficMirrorTargetId]'
echo "page through every session, 5 per call (the CLI follows NextToken):"
ec2 describe-traffic-mirror-sessions --page-size 5 --query 'length(TrafficMirrorSessions)'

step "5. Tags"
ec2 create-tags --resources "$SESSION_ID" "$FILTER_ID" --tags Key=team,Value=blue Key=scratch,Value=yes
ec2 delete-tags --resources "$SESSION_ID" "$FILTER_ID" --tags Key=scratch
ec2 describe-traffic-mirror-sessions --filters Name=tag:team,Values=blue --query 'TrafficMirrorSessions[].TrafficMirrorSessionId'

step "6. DryRun: runs the call's whole validation, changes nothing"
if out=$(ec2 create-traffic-mirror-filter --description "dry run" --dry-run 2>&1); then
  echo "unexpected: $out" >&2; exit 1
fi
grep -q DryRunOperation <<<"$out" && echo "DryRunOperation: the filter would have been created (it was not)"
# a call that would fail answers its real error, not DryRunOperation: the filter is in use by the session
if out=$(ec2 delete-traffic-mirror-filter --traffic-mirror-filter-id "$FILTER_ID" --dry-run 2>&1); then
  echo "unexpected: $out" >&2; exit 1
fi
grep -q TrafficMirrorFilterInUse <<<"$out" && echo "TrafficMirrorFilterInUse: deleting it would fail (it still exists)"

step "7. Scratch set: created, deleted, and deleted again (NotFound is accepted)"
SCRATCH_FILTER=$(ec2 create-traffic-mirror-filter --description "scratch" --client-token "$PREFIX-scratch-filter" \
  --query TrafficMirrorFilter.TrafficMirrorFilterId)
SCRATCH_RULE=$(ec2 create-traffic-mirror-filter-rule --traffic-mirror-filter-id "$SCRATCH_FILTER" \
  --traffic-direction ingress --rule-number 1 --rule-action reject --source-cidr-block 0.0.0.0/0 \
  --destination-cidr-block 0.0.0.0/0 --client-token "$PREFIX-scratch-rule" \
  --query TrafficMirrorFilterRule.TrafficMirrorFilterRuleId)
SCRATCH_ENI=$(ec2 create-network-interface --subnet-id subnet-0123456789abcdef0 --private-ip-address 10.0.0.11 \
  --description "scratch source" --client-token "$PREFIX-scratch-eni" --query NetworkInterface.NetworkInterfaceId)
SCRATCH_TARGET=$(ec2 create-traffic-mirror-target --network-interface-id "$IDS_ENI" --description "scratch" \
  --client-token "$PREFIX-scratch-target" --query TrafficMirrorTarget.TrafficMirrorTargetId)
SCRATCH_SESSION=$(ec2 create-traffic-mirror-session --network-interface-id "$SCRATCH_ENI" \
  --traffic-mirror-target-id "$SCRATCH_TARGET" --traffic-mirror-filter-id "$SCRATCH_FILTER" --session-number 1 \
  --client-token "$PREFIX-scratch-session" --query TrafficMirrorSession.TrafficMirrorSessionId)
show "scratch session" "$SCRATCH_SESSION"
for attempt in first again; do
  echo "-- delete ($attempt)"
  delete_ok delete-traffic-mirror-session --traffic-mirror-session-id "$SCRATCH_SESSION"
  delete_ok delete-traffic-mirror-filter-rule --traffic-mirror-filter-rule-id "$SCRATCH_RULE"
  delete_ok delete-traffic-mirror-filter --traffic-mirror-filter-id "$SCRATCH_FILTER"
  delete_ok delete-traffic-mirror-target --traffic-mirror-target-id "$SCRATCH_TARGET"
  delete_ok delete-network-interface --network-interface-id "$SCRATCH_ENI"
done

if $TEARDOWN; then
  step "8. Teardown: session first (a target or filter in use cannot be deleted), then the rest"
  delete_ok delete-traffic-mirror-session --traffic-mirror-session-id "$SESSION_ID"
  delete_ok delete-traffic-mirror-filter-rule --traffic-mirror-filter-rule-id "$DNS_RULE"
  delete_ok delete-traffic-mirror-filter-rule --traffic-mirror-filter-rule-id "$HTTP_RULE"
  delete_ok delete-traffic-mirror-filter --traffic-mirror-filter-id "$FILTER_ID"
  delete_ok delete-traffic-mirror-target --traffic-mirror-target-id "$TARGET_ID"
  delete_ok delete-network-interface --network-interface-id "$SOURCE_ENI"
  delete_ok delete-network-interface --network-interface-id "$IDS_ENI"
fi

step "Done"
echo "ids: source=$SOURCE_ENI ids=$IDS_ENI target=$TARGET_ID filter=$FILTER_ID rules=$HTTP_RULE,$DNS_RULE session=$SESSION_ID"
