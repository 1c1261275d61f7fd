# The Toolgate side of bench/nginx.sh and bench/profile.sh (sourced, not run): one configuration with
# an anonymous, a signed, a bearer and a full-policy tool in front of the sample upstream, their
# credentials, and the two processes. Expects JAVA, JAR, WORK, GW_PORT, UP_PORT and the pids array.

# proxy_setup: writes $WORK/toolgate.yaml and $WORK/body.json, creates the client, its secret, a
# static token (TOKEN), the body's signature (SIG) and the user the full policy binds.
proxy_setup() {
  tg() { "$JAVA" -jar "$JAR" "$@" --config "$WORK/toolgate.yaml"; }
  cat > "$WORK/toolgate.yaml" <<YAML
server:
  host: 127.0.0.1
  port: $GW_PORT
  trusted_proxies: [127.0.0.1]     # nginx (auth_request) describes the call and the client in headers
failed_auth_limit: off
platforms:
  sendbird: {}
tools:
  - { name: anon, method: POST, path: /echo/anon, upstream: "http://127.0.0.1:$UP_PORT", policy: { anonymous: true } }
  - { name: signed, platform: sendbird, method: POST, path: /echo/signed, upstream: "http://127.0.0.1:$UP_PORT", policy: { require: [sendbird_signature] } }
  - { name: bearer, platform: sendbird, method: POST, path: /echo/bearer, upstream: "http://127.0.0.1:$UP_PORT", policy: { require: [static_token] } }
  - name: full
    platform: sendbird
    method: POST
    path: /echo/users/{user_id}/full
    upstream: "http://127.0.0.1:$UP_PORT"
    preset: sendbird
    owner: { path_param: user_id, is: platform_user_id }
    rate_limits:
      - { per: [client, user], limit: 1000000000, period: 1s }
YAML
  bench_body "$WORK/body.json"
  export BENCH_MASTER=bench-master-api-token-0123456789abcdef
  tg client create bench --platform sendbird >/dev/null 2>&1
  echo "$BENCH_MASTER" | tg secret add --client bench --from-stdin >/dev/null 2>&1
  TOKEN=$(tg token create --client bench --json 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["value"])')
  SIG=$("$JAVA" -jar "$JAR" sign --secret-env BENCH_MASTER --body-file "$WORK/body.json")
  BENCH_USER_PASSWORD=bench-user-password tg user create u42 --password-env BENCH_USER_PASSWORD >/dev/null 2>&1
  tg user map u42 --platform sendbird --platform-user-id u-42 >/dev/null 2>&1
}

# start_upstream_and_gateway: the sample upstream and Toolgate (with $TOOLGATE_JAVA_OPTS), ready.
start_upstream_and_gateway() {
  "$JAVA" -jar "$JAR" sample-upstream --port "$UP_PORT" > "$WORK/upstream.log" 2>&1 & pids+=($!)
  "$JAVA" ${TOOLGATE_JAVA_OPTS:-} -jar "$JAR" serve --config "$WORK/toolgate.yaml" > "$WORK/gateway.log" 2>&1 & pids+=($!); GW_PID=$!
  for _ in $(seq 1 100); do
    curl -sf "http://127.0.0.1:$GW_PORT/readyz" >/dev/null && curl -sf -o /dev/null -X POST "http://127.0.0.1:$UP_PORT/echo/x" && break
    sleep 0.2
  done
}
