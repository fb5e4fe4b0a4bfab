#!/bin/sh
# One-shot (docker-compose.yml, service temporal-setup): the namespace and the contract's search attributes.
# Idempotent: what exists is left alone, so it runs on every `docker compose up`.
set -eu
address=${TEMPORAL_ADDRESS:-temporal:7233}
namespace=${TEMPORAL_NAMESPACE:-default}

attempt=0
until temporal operator cluster health --address "$address" >/dev/null 2>&1; do
  attempt=$((attempt + 1))
  if [ "$attempt" -ge 60 ]; then echo "Temporal at $address is not healthy after 2 minutes" >&2; exit 1; fi
  sleep 2
done

temporal operator namespace describe --namespace "$namespace" --address "$address" >/dev/null 2>&1 ||
  temporal operator namespace create --namespace "$namespace" --address "$address"

# Keep in step with src/workflows/search-attributes.ts (test/compose/docker-compose.test.ts checks it).
for attribute in FlinksLoginId=Keyword FlinksCardStatus=Keyword FlinksLastRefreshAt=Datetime \
  FlinksEligibleUntil=Datetime FlinksErrorCode=Keyword; do
  name=${attribute%%=*}
  type=${attribute#*=}
  attempt=0
  # A namespace just created takes a moment to accept search attributes: retry a few times.
  until temporal operator search-attribute list --namespace "$namespace" --address "$address" | grep -qw "$name" ||
    temporal operator search-attribute create --namespace "$namespace" --address "$address" --name "$name" --type "$type"; do
    attempt=$((attempt + 1))
    if [ "$attempt" -ge 10 ]; then echo "could not register $name" >&2; exit 1; fi
    sleep 2
  done
  echo "search attribute $name ($type): registered"
done
