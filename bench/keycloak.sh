# Keycloak helpers for bench/tokens.sh and bench/codeflow.sh (sourced, not run). Keycloak is the
# baseline these benchmarks compare Toolgate with: its server distribution is fetched from Maven
# Central (org.keycloak:keycloak-quarkus-dist, zip) into a cache outside the repository, built once
# for the dev-file database, and configured through its admin REST API with curl.
#
# Expects from the caller: CACHE (cache dir), WORK (temp dir of this run), JAVA_HOME, KC_PORT,
# KC_ADMIN_PASS, KC_CLIENT_SECRET, and bench/lib.sh (log, die, now_ms, port_free, json_field).
# Sets: KC_VERSION, KC_HOME, KC_BASE, KC_SH_PID, KC_PID (the java process), KC_LAUNCH_MS.

KC_MAVEN=https://repo1.maven.org/maven2/org/keycloak/keycloak-quarkus-dist

# Newest version that resolves on Maven Central (BENCH_KC_VERSION pins one); the newest cached
# distribution if Maven Central cannot be reached.
kc_resolve_version() {
  if [[ -n "${BENCH_KC_VERSION:-}" ]]; then KC_VERSION=$BENCH_KC_VERSION; return; fi
  local versions v
  versions=$(curl -fsS --max-time 20 "$KC_MAVEN/maven-metadata.xml" 2>/dev/null \
    | sed -n 's:.*<version>\([0-9][0-9.]*\)</version>.*:\1:p' | sort -rV) || true
  for v in $versions; do
    if [[ -f "$CACHE/keycloak-quarkus-dist-$v.zip" ]] \
       || curl -fsSI --max-time 20 -o /dev/null "$KC_MAVEN/$v/keycloak-quarkus-dist-$v.zip"; then
      KC_VERSION=$v; return
    fi
  done
  v=$(ls "$CACHE" 2>/dev/null | sed -n 's/^keycloak-quarkus-dist-\([0-9.]*\)\.zip$/\1/p' | sort -rV | head -1)
  [[ -n "$v" ]] || die "cannot resolve a Keycloak version on Maven Central and none is cached in $CACHE"
  log "Maven Central unreachable; using cached Keycloak $v"
  KC_VERSION=$v
}

# Download (checked against Maven Central's SHA-1), unpack and `kc.sh build --db=dev-file`, each
# step once per version.
kc_prepare() {
  kc_resolve_version
  local zip="$CACHE/keycloak-quarkus-dist-$KC_VERSION.zip"
  KC_HOME="$CACHE/keycloak-$KC_VERSION"
  if [[ ! -f "$zip" ]]; then
    log "downloading Keycloak $KC_VERSION from Maven Central"
    curl -fsSL --max-time 600 -o "$zip.part" "$KC_MAVEN/$KC_VERSION/keycloak-quarkus-dist-$KC_VERSION.zip"
    local want got
    want=$(curl -fsSL --max-time 20 "$KC_MAVEN/$KC_VERSION/keycloak-quarkus-dist-$KC_VERSION.zip.sha1" | cut -c1-40)
    got=$(sha1sum "$zip.part" | cut -c1-40)
    [[ "$want" == "$got" ]] || { rm -f "$zip.part"; die "Keycloak zip SHA-1 mismatch ($got, Maven Central says $want)"; }
    mv "$zip.part" "$zip"
  fi
  if [[ ! -x "$KC_HOME/bin/kc.sh" ]]; then
    rm -rf "$KC_HOME" && (cd "$CACHE" && unzip -q "$zip")
    [[ -x "$KC_HOME/bin/kc.sh" ]] || die "unexpected layout in $zip"
  fi
  if [[ ! -f "$KC_HOME/.bench-built-dev-file" ]]; then
    log "kc.sh build --db=dev-file (once per version)"
    JAVA_HOME=$JAVA_HOME "$KC_HOME/bin/kc.sh" build --db=dev-file > "$WORK/kc-build.log" 2>&1 \
      || { tail -20 "$WORK/kc-build.log" >&2; die "kc.sh build failed"; }
    touch "$KC_HOME/.bench-built-dev-file"
  fi
  KC_BASE="http://127.0.0.1:$KC_PORT"
}

# Start Keycloak in the background; KC_LAUNCH_MS is the moment just before the process starts.
kc_start() {
  port_free "$KC_PORT" || die "port $KC_PORT is in use (BENCH_KC_PORT to change)"
  KC_LAUNCH_MS=$(now_ms)
  KC_BOOTSTRAP_ADMIN_USERNAME=admin KC_BOOTSTRAP_ADMIN_PASSWORD=$KC_ADMIN_PASS JAVA_HOME=$JAVA_HOME \
    "$KC_HOME/bin/kc.sh" start --optimized --cache=local --http-enabled=true --http-host=127.0.0.1 \
    --http-port="$KC_PORT" --hostname-strict=false >> "$WORK/keycloak.log" 2>&1 &
  KC_SH_PID=$!
  track_pid "$KC_SH_PID"
  KC_PID=""
  local _
  for _ in $(seq 1 100); do  # kc.sh starts java as its child
    KC_PID=$(pgrep -P "$KC_SH_PID" -x java || true)
    [[ -n "$KC_PID" ]] && { track_pid "$KC_PID"; return; }
    kill -0 "$KC_SH_PID" 2>/dev/null || break
    sleep 0.05
  done
  tail -30 "$WORK/keycloak.log" >&2; die "Keycloak did not start"
}

kc_stop() {
  [[ -n "${KC_PID:-}" ]] || return 0
  stop_pid "$KC_SH_PID"; stop_pid "$KC_PID"
  KC_PID=""; KC_SH_PID=""
}

kc_wait_ready() { # the master realm answers
  local deadline=$(( $(now_ms) + 180000 ))
  until curl -fs --max-time 2 -o /dev/null "$KC_BASE/realms/master"; do
    kill -0 "$KC_PID" 2>/dev/null || { tail -30 "$WORK/keycloak.log" >&2; die "Keycloak exited"; }
    (( $(now_ms) < deadline )) || die "Keycloak not ready after 180 s"
    sleep 0.2
  done
}

kc_token_url() { echo "$KC_BASE/realms/bench/protocol/openid-connect/token"; }
kc_authorize_url() { echo "$KC_BASE/realms/bench/protocol/openid-connect/auth"; }

# An access token of the bootstrap admin for the admin REST API (it lives a minute).
kc_admin_token() {
  local token
  token=$(curl -fsS --max-time 30 "$KC_BASE/realms/master/protocol/openid-connect/token" \
    -d grant_type=password -d client_id=admin-cli -d username=admin --data-urlencode "password=$KC_ADMIN_PASS" \
    | json_field access_token) && [[ -n "$token" ]] || die "Keycloak admin token failed"
  echo "$token"
}

# Realm `bench` (access tokens live an hour so one stays valid for the whole run), confidential
# client `bench-client` with a service account, client_secret_basic, the realm's default RS256 key.
# The client introspects its own tokens, and Keycloak 26.x answers {"active":false} ("Client is not
# in the token audience") unless the token's aud names the caller: an audience mapper adds it.
kc_configure() {
  local admin; admin=$(kc_admin_token) || exit 1
  local auth=(-H "Authorization: Bearer $admin" -H 'Content-Type: application/json')
  curl -fsS --max-time 60 -o /dev/null "${auth[@]}" "$KC_BASE/admin/realms" \
    -d '{"realm":"bench","enabled":true,"accessTokenLifespan":3600}' || die "creating realm bench failed"
  curl -fsS --max-time 30 -o /dev/null "${auth[@]}" "$KC_BASE/admin/realms/bench/clients" -d "{
      \"clientId\":\"bench-client\",\"enabled\":true,\"protocol\":\"openid-connect\",
      \"publicClient\":false,\"clientAuthenticatorType\":\"client-secret\",\"secret\":\"$KC_CLIENT_SECRET\",
      \"serviceAccountsEnabled\":true,\"standardFlowEnabled\":false,\"directAccessGrantsEnabled\":false,
      \"implicitFlowEnabled\":false,
      \"protocolMappers\":[{\"name\":\"bench-client-audience\",\"protocol\":\"openid-connect\",
        \"protocolMapper\":\"oidc-audience-mapper\",\"config\":{\"included.client.audience\":\"bench-client\",
        \"access.token.claim\":\"true\",\"introspection.token.claim\":\"true\",\"id.token.claim\":\"false\"}}]}" \
    || die "creating client bench-client failed"
}

# The authorization code flow in realm `bench` (after kc_configure): a user who signs in on
# Keycloak's login page, and a public client (no secret; PKCE S256 required) with consent off.
# Realm settings:
#   accessCodeLifespan        how long a code waits for its exchange (default 60 s; codes are made
#                             ahead of a run, so it is set to the longest Toolgate allows, 10 min)
#   accessCodeLifespanLogin   how long the login page may wait (default 30 min)
#   revokeRefreshToken        true: every refresh returns a new refresh token and the old one is spent
#   refreshTokenMaxReuse      0: a spent refresh token is refused at once (Toolgate rotates likewise)
#   ssoSessionIdleTimeout / ssoSessionMaxLifespan   10 h, so no session ends during a run (a
#                             refresh token lives no longer than its session)
# RFC 8707's resource parameter is an experimental Keycloak feature (26.6+: `kc.sh build
# --features=resource-indicators`), off in the default build used here; audiences come from mappers.
kc_configure_codeflow() { # username password client_id redirect_uri
  local admin; admin=$(kc_admin_token) || exit 1
  local auth=(-H "Authorization: Bearer $admin" -H 'Content-Type: application/json')
  curl -fsS --max-time 30 -o /dev/null -X PUT "${auth[@]}" "$KC_BASE/admin/realms/bench" -d '{
      "accessCodeLifespan":600,"accessCodeLifespanLogin":1800,
      "revokeRefreshToken":true,"refreshTokenMaxReuse":0,
      "ssoSessionIdleTimeout":36000,"ssoSessionMaxLifespan":36000}' \
    || die "updating realm bench failed"
  # Keycloak's user profile requires email, first and last name: without them the first login
  # would stop at an "update your profile" page.
  curl -fsS --max-time 30 -o /dev/null "${auth[@]}" "$KC_BASE/admin/realms/bench/users" -d "{
      \"username\":\"$1\",\"enabled\":true,\"email\":\"$1@bench.example\",\"emailVerified\":true,
      \"firstName\":\"Bench\",\"lastName\":\"User\",\"requiredActions\":[],
      \"credentials\":[{\"type\":\"password\",\"value\":\"$2\",\"temporary\":false}]}" \
    || die "creating user $1 failed"
  curl -fsS --max-time 30 -o /dev/null "${auth[@]}" "$KC_BASE/admin/realms/bench/clients" -d "{
      \"clientId\":\"$3\",\"enabled\":true,\"protocol\":\"openid-connect\",\"publicClient\":true,
      \"standardFlowEnabled\":true,\"directAccessGrantsEnabled\":false,\"implicitFlowEnabled\":false,
      \"serviceAccountsEnabled\":false,\"consentRequired\":false,\"redirectUris\":[\"$4\"],
      \"attributes\":{\"pkce.code.challenge.method\":\"S256\"}}" \
    || die "creating client $3 failed"
}
