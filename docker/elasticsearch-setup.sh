#!/usr/bin/env bash
# One-shot setup run by the `es-setup` service of docker-compose.yml (in the Elasticsearch image,
# which has bash and curl). Idempotent: every call creates or updates, so it runs on every `up`.
#   1. kibana_system gets KIBANA_PASSWORD (Kibana 8 may not use the elastic superuser).
#   2. Role yuqing_writer: what the daemon needs and no more — manage its index templates, create,
#      write, read and delete (retention) indices named yuqing-*, and read cluster health.
#   3. User yuqing with YUQING_ES_PASSWORD and that role: the daemon's login.
set -euo pipefail
: "${ELASTIC_PASSWORD:?Set ELASTIC_PASSWORD in .env}"
: "${KIBANA_PASSWORD:?Set KIBANA_PASSWORD in .env}"
: "${YUQING_ES_PASSWORD:?Set YUQING_ES_PASSWORD in .env}"
ES="${ES_URL:-http://elasticsearch:9200}"

json_string() { printf '"%s"' "$(printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g')"; }

call() { # method path body
  local code
  code="$(curl -s -o /tmp/es-setup.out -w '%{http_code}' -u "elastic:${ELASTIC_PASSWORD}" \
    -H 'Content-Type: application/json' -X "$1" "$ES$2" -d "$3")"
  if [[ "$code" != 200 ]]; then
    echo "es-setup: $1 $2 failed with HTTP $code: $(cat /tmp/es-setup.out)" >&2
    exit 1
  fi
}

echo "es-setup: waiting for Elasticsearch at $ES"
until curl -s -o /dev/null -u "elastic:${ELASTIC_PASSWORD}" "$ES/_cluster/health?wait_for_status=yellow&timeout=5s"; do sleep 5; done

call POST /_security/user/kibana_system/_password "{\"password\":$(json_string "$KIBANA_PASSWORD")}"
call PUT /_security/role/yuqing_writer '{
  "cluster": ["monitor", "manage_index_templates"],
  "indices": [{ "names": ["yuqing-*"], "privileges": ["create_index", "manage", "read", "write"] }]
}'
call PUT /_security/user/yuqing "{\"password\":$(json_string "$YUQING_ES_PASSWORD"),\"roles\":[\"yuqing_writer\"],\"full_name\":\"Yuqing daemon\"}"
echo "es-setup: kibana_system password set; role yuqing_writer and user yuqing ready"
