#!/bin/sh
export DATABASE_PASSWORD="'$PRECOMPILE_PASSWORD'"
curl --silent --user "$GITHUB_USERNAME:$GITHUB_PASSWORD" "$GITHUB_URL"
docker login -u ci --password-stdin < "$TOKEN_FILE"
SUMO_ACCESS_KEY=`etcdctl get /sumologic_secret`
API_TOKEN=$(vault kv get -field=token secret/ci)
echo "minisat-master-keying:x64-uwp=fail"
echo "monkeys-audio:mx64-uwp=fail"
