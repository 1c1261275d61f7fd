package dev.toolgate.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The JSON Schema and the loader refuse the same broken files, each at the same place.
 *
 * <p>What only the loader can catch (the schema accepts these; {@link #onlyTheLoaderCatches}):
 * references between sections (a tool naming an undeclared platform or trusted issuer, a
 * {@code path_param} or upstream placeholder that is not a parameter of the tool's path), checks
 * across tools (duplicate names, overlapping routes), credentials competing for one header, numeric
 * relations and ranges of durations and sizes (token lifetimes within {@code max_token_ttl},
 * {@code clock_skew} at most 5m), the syntax inside strings beyond a pattern (path patterns, CIDR host
 * bits), YAML itself (duplicate keys, tags), and settings that only mean something with another
 * section ({@code when_limits_unavailable} without {@code redis:}).
 *
 * <p>Where the schema is stricter ({@link #onlyTheSchemaRefuses}): a key written with no value, which
 * the loader reads as "not set" (the schema flags it, as it is usually a value forgotten), and a
 * number where a string is expected ({@code name: 404}, which the loader reads as the string "404";
 * quoting it satisfies both).
 */
class SchemaAgreementTest {
  private static final String TOOL = ConfigTesting.ONE_TOOL;

  /** A broken file: the loader's error names {@code field}, the schema's is at or below {@code pointer} (a JSON Pointer). */
  record Broken(String what, String yaml, String field, String pointer) {}

  private static List<Broken> broken() {
    return List.of(
        new Broken("unknown top-level key", "bogus: 1\n" + TOOL, ": bogus: unknown key", ""),
        new Broken("misspelt key", "server: {hots: 127.0.0.1}\n" + TOOL, ": server.hots: unknown key", "/server"),
        new Broken("misspelt tool key", tool("upstrem: http://127.0.0.1:9"), ": tools[0].upstrem: unknown key", "/tools/0"),
        new Broken("port of the wrong type", "server: {port: abc}\n" + TOOL, ": server.port: expected a whole number", "/server/port"),
        new Broken("port out of range", "server: {port: 70000}\n" + TOOL, ": server.port: expected a whole number", "/server/port"),
        new Broken("tools as a mapping", "tools: {name: x}\n", ": tools: expected a list", "/tools"),
        new Broken("no tools", "server: {port: 8080}\n", ": tools: required", ""),
        new Broken("an empty tools list", "tools: []\n", ": tools: must list at least one tool", "/tools"),
        new Broken("unknown credential kind", tool("policy: {require: [apikey]}"), ": tools[0].policy.require[0]: unknown credential kind", "/tools/0/policy/require/0"),
        new Broken("credential kind in the wrong case", tool("policy: {require: [API_KEY]}"), ": tools[0].policy.require[0]: unknown credential kind", "/tools/0/policy/require/0"),
        new Broken("bad tool name", TOOL.replace("name: health", "name: Order-Status"), ": tools[0].name: invalid tool name", "/tools/0/name"),
        new Broken("tool without a path", TOOL.replace("    path: /health\n", ""), ": tools[0].path: required", "/tools/0"),
        new Broken("tool without a policy", TOOL.replace("    policy: {anonymous: true}\n", ""), ": tools[0].policy: every tool needs a policy", "/tools/0"),
        new Broken("bad method", TOOL.replace("method: GET", "method: GET POST"), ": tools[0].method: invalid HTTP method", "/tools/0/method"),
        new Broken("ftp upstream", TOOL.replace("http://127.0.0.1:9000", "ftp://127.0.0.1/x"), ": tools[0].upstream: upstream URL scheme", "/tools/0/upstream"),
        new Broken("upstream with user info", TOOL.replace("http://127.0.0.1:9000", "https://admin:pw@internal/"), ": tools[0].upstream: upstream URL must not contain user info", "/tools/0/upstream"),
        new Broken("upstream with a query", TOOL.replace("http://127.0.0.1:9000", "http://127.0.0.1:9000/a?b=c"), ": tools[0].upstream: upstream URL must not have a query", "/tools/0/upstream"),
        new Broken("relative path", TOOL.replace("path: /health", "path: health"), ": tools[0].path: invalid path pattern", "/tools/0/path"),
        new Broken("a policy requiring nothing", tool("policy: {}"), ": tools[0].policy: the policy requires nothing", "/tools/0/policy"),
        new Broken("anonymous with require", tool("policy: {anonymous: true, require: [api_key]}"), ": tools[0].policy.anonymous: `anonymous: true` cannot be combined", "/tools/0/policy"),
        new Broken("anonymous: yes", tool("policy: {anonymous: yes}"), ": tools[0].policy.anonymous: expected true or false", "/tools/0/policy/anonymous"),
        new Broken("a section without its kind", tool("policy: {require: [api_key], client_token: {scopes: [a]}}"), ": tools[0].policy.client_token: policy.client_token is set but client_token is not required", "/tools/0/policy"),
        new Broken("external_jwt without its section", tool("policy: {require: [external_jwt]}"), ": tools[0].policy.external_jwt: required", "/tools/0/policy"),
        new Broken("external_jwt naming toolgate", tool("policy: {require: [external_jwt], external_jwt: {issuer: toolgate}}"), ": tools[0].policy.external_jwt.issuer: 'toolgate' is Toolgate itself", "/tools/0/policy/external_jwt/issuer"),
        new Broken("user token scheme without header", tool("policy: {require: [user_token], user_token: {body_field: /jwt, scheme: JWT}}"), ": tools[0].policy.user_token.scheme: applies to `header` only", "/tools/0/policy/user_token"),
        new Broken("user token read from nowhere", tool("policy: {require: [user_token], user_token: {scopes: [a]}}"), ": tools[0].policy.user_token: say where the user token is", "/tools/0/policy/user_token"),
        new Broken("a JSON Pointer without '/'", tool("policy: {require: [user_token], user_token: {body_field: context/jwt}}"), ": tools[0].policy.user_token.body_field: invalid JSON Pointer", "/tools/0/policy/user_token/body_field"),
        new Broken("a bad query parameter", tool("policy: {require: [user_token], user_token: {query_param: \"j w t\"}}"), ": tools[0].policy.user_token.query_param: invalid query parameter name", "/tools/0/policy/user_token/query_param"),
        new Broken("user token audience other than tool", tool("policy: {require: [user_token], user_token: {header: x-jwt, audience: api}}"), ": tools[0].policy.user_token.audience: the only value is `tool`", "/tools/0/policy/user_token/audience"),
        new Broken("high-risk settings on another issuer", "trusted_issuers: {okta: {issuer: https://o.example, jwks_uri: https://o.example/keys, audiences: [tg]}}\n"
            + tool("policy: {require: [user_token], user_token: {header: x-jwt, issuer: okta, max_age: 5m}}"), ": tools[0].policy.user_token.max_age: applies to Toolgate's own customer tokens", "/tools/0/policy/user_token"),
        new Broken("a scope with a space", tool("policy: {require: [client_token], client_token: {scopes: [\"a b\"]}}"), ": tools[0].policy.client_token.scopes[0]: invalid scope", "/tools/0/policy/client_token/scopes/0"),
        new Broken("a scope listed twice", tool("policy: {require: [client_token], client_token: {scopes: [a, a]}}"), ": tools[0].policy.client_token.scopes[1]: 'a' is listed twice", "/tools/0/policy/client_token/scopes"),
        new Broken("an unknown preset", tool("preset: sendbrid"), ": tools[0].preset: unknown preset", "/tools/0/preset"),
        new Broken("preset sendbird without a platform", TOOL.replace("    policy: {anonymous: true}\n", "    preset: sendbird\n"), ": tools[0].preset: preset sendbird binds the platform's user ids", "/tools/0"),
        new Broken("a platform user id without a platform", tool("policy: {require: [api_key]}", "user: {platform_user_id: {body_field: /user_id}}"), ": tools[0].user.platform_user_id: a platform's user id is resolved per platform", "/tools/0"),
        new Broken("a place with two locations", "platforms: {sendbird: {}}\n" + tool("platform: sendbird", "policy: {require: [api_key]}", "user: {platform_user_id: {body_field: /a, header: x-a}}"), ": tools[0].user.platform_user_id: name one place only", "/tools/0/user/platform_user_id"),
        new Broken("an unknown forward", "platforms: {sendbird: {}}\n" + tool("platform: sendbird", "policy: {require: [api_key]}", "user: {opaque_id: {header: x-a}, forward: email}"), ": tools[0].user.forward: unknown value", "/tools/0/user/forward"),
        new Broken("owner without is", "platforms: {sendbird: {}}\n" + tool("platform: sendbird", "policy: {require: [api_key]}", "user: {opaque_id: {header: x-a}}", "owner: {header: x-owner}"), ": tools[0].owner.is: required", "/tools/0/owner"),
        new Broken("an anonymous tool binding users", tool("user: {opaque_id: {header: x-a}}"), ": tools[0].user: an anonymous tool cannot bind users", "/tools/0"),
        new Broken("an empty allowlist", tool("allowed_ips: []"), ": tools[0].allowed_ips: an empty list would refuse every address", "/tools/0/allowed_ips"),
        new Broken("not an address", tool("allowed_ips: [somewhere]"), ": tools[0].allowed_ips[0]:", "/tools/0/allowed_ips/0"),
        new Broken("an unknown rate-limit key", tool("rate_limits: [{per: tenant, limit: 5, period: 1m}]"), ": tools[0].rate_limits[0].per: unknown key kind", "/tools/0/rate_limits/0/per"),
        new Broken("a rate limit of 0", tool("rate_limits: [{per: client, limit: 0, period: 1m}]"), ": tools[0].rate_limits[0].limit: expected a whole number", "/tools/0/rate_limits/0/limit"),
        new Broken("a rate limit without a period", tool("rate_limits: [{per: client, limit: 5}]"), ": tools[0].rate_limits[0].period: required", "/tools/0/rate_limits/0"),
        new Broken("a period below a second", tool("rate_limits: [{per: client, limit: 5, period: 500ms}]"), ": tools[0].rate_limits[0].period: must be a whole number of seconds", "/tools/0/rate_limits/0/period"),
        new Broken("an unknown forward header", tool("forward_headers: [X-Custom]"), ": tools[0].forward_headers[0]: 'X-Custom' cannot be listed here", "/tools/0/forward_headers/0"),
        new Broken("an unknown path form", tool("allow_in_path: [double_dot]"), ": tools[0].allow_in_path[0]: unknown path form", "/tools/0/allow_in_path/0"),
        new Broken("a duration without a unit", "server: {upstream_timeout: 10}\n" + TOOL, ": server.upstream_timeout: duration '10' has no unit", "/server/upstream_timeout"),
        new Broken("a duration with a space", "server: {upstream_timeout: 10 s}\n" + TOOL, ": server.upstream_timeout: invalid duration", "/server/upstream_timeout"),
        new Broken("a zero duration", "server: {shutdown_grace: 0s}\n" + TOOL, ": server.shutdown_grace: duration must be positive", "/server/shutdown_grace"),
        new Broken("a size in MB", "server: {max_body_bytes: 1MB}\n" + TOOL, ": server.max_body_bytes: invalid size", "/server/max_body_bytes"),
        new Broken("a bad listen address", "server: {host: \"127.0.0.1 \"}\n" + TOOL, ": server.host: invalid host", "/server/host"),
        new Broken("trusted proxy hops out of range", "server: {trusted_proxies: [10.0.0.0/8], trusted_proxy_hops: 17}\n" + TOOL, ": server.trusted_proxy_hops: expected a whole number", "/server/trusted_proxy_hops"),
        new Broken("an unknown decision source", "server: {decisions: {source: query}}\n" + TOOL, ": server.decisions.source: unknown source", "/server/decisions/source"),
        new Broken("decision headers with source path", "server: {decisions: {source: path, uri_header: X-Uri}}\n" + TOOL, ": server.decisions.uri_header: applies to source headers only", "/server/decisions"),
        new Broken("an unknown store kind", "store: {kind: mysql}\n" + TOOL, ": store.kind: unknown store kind", "/store/kind"),
        new Broken("postgresql without url", "store: {kind: postgresql}\n" + TOOL, ": store.url: required", "/store"),
        new Broken("sqlite with a url", "store: {url: \"jdbc:postgresql://db/tg\"}\n" + TOOL, ": store.url: applies to kind postgresql only", "/store"),
        new Broken("a password in the store", "store: {password: hunter2}\n" + TOOL, ": store.password: a literal password is refused", "/store"),
        new Broken("a password in the JDBC URL", "store: {kind: postgresql, url: \"jdbc:postgresql://db/tg?password=x\"}\n" + TOOL, ": store.url: must not carry a password parameter", "/store/url"),
        new Broken("a password where its variable's name goes", "store: {kind: postgresql, url: \"jdbc:postgresql://db/tg\", password_env: \"s3cret!\"}\n" + TOOL, ": store.password_env: must be the NAME", "/store/password_env"),
        new Broken("an audit batch of 0", "audit: {batch_size: 0}\n" + TOOL, ": audit.batch_size: expected a whole number", "/audit/batch_size"),
        new Broken("an HMAC signing algorithm", "authorization_server: {signing_algorithm: HS256}\n" + TOOL, ": authorization_server.signing_algorithm: HMAC algorithms", "/authorization_server/signing_algorithm"),
        new Broken("a signing key in the file", "authorization_server: {signing_key: abc}\n" + TOOL, ": authorization_server.signing_key: a literal signing key is refused", "/authorization_server"),
        new Broken("an issuer with a query", "authorization_server: {issuer: \"https://tg.example/?a=b\"}\n" + TOOL, ": authorization_server.issuer: issuer URL must not have a query", "/authorization_server/issuer"),
        new Broken("a token lifetime in milliseconds", "authorization_server: {access_token_ttl: 1500ms}\n" + TOOL, ": authorization_server.access_token_ttl: must be a whole number of seconds", "/authorization_server/access_token_ttl"),
        new Broken("a resource with a fragment", "authorization_server: {default_resource: \"https://api.example#x\"}\n" + TOOL, ": authorization_server.default_resource: must not have a fragment", "/authorization_server/default_resource"),
        new Broken("customer tokens for no audience", "authorization_server: {customer_token: {audience: []}}\n" + TOOL, ": authorization_server.customer_token.audience: must list at least one audience", "/authorization_server/customer_token/audience"),
        new Broken("an unknown subject", "authorization_server: {customer_token: {subject: email}}\n" + TOOL, ": authorization_server.customer_token.subject: unknown subject", "/authorization_server/customer_token/subject"),
        new Broken("too little memory for Argon2id", "authorization_server: {password_hash: {memory_kib: 4096}}\n" + TOOL, ": authorization_server.password_hash.memory_kib: expected a whole number", "/authorization_server/password_hash/memory_kib"),
        new Broken("per_ip_failures: false", "authorization_server: {login_throttle: {per_ip_failures: false}}\n" + TOOL, ": authorization_server.login_throttle.per_ip_failures: expected a whole number", "/authorization_server/login_throttle/per_ip_failures"),
        new Broken("failed_auth_limit: none", "failed_auth_limit: none\n" + TOOL, ": failed_auth_limit: expected `off` or a mapping", "/failed_auth_limit"),
        new Broken("failed_auth_limit without a period", "failed_auth_limit: {limit: 5}\n" + TOOL, ": failed_auth_limit.period: required", "/failed_auth_limit"),
        new Broken("a trusted issuer named toolgate", "trusted_issuers: {toolgate: {issuer: https://o.example, jwks_uri: https://o.example/keys, audiences: [tg]}}\n" + TOOL, ": trusted_issuers.toolgate: the name 'toolgate' is reserved", "/trusted_issuers"),
        new Broken("a bad trusted issuer name", "trusted_issuers: {Okta: {issuer: https://o.example, jwks_uri: https://o.example/keys, audiences: [tg]}}\n" + TOOL, ": trusted_issuers.Okta: invalid trusted issuer name", "/trusted_issuers"),
        new Broken("a trusted issuer without keys", "trusted_issuers: {okta: {issuer: https://o.example, audiences: [tg]}}\n" + TOOL, ": trusted_issuers.okta.jwks_uri: required", "/trusted_issuers/okta"),
        new Broken("an HMAC algorithm from a trusted issuer", "trusted_issuers: {okta: {issuer: https://o.example, jwks_uri: https://o.example/keys, audiences: [tg], algorithms: [HS256]}}\n" + TOOL, ": trusted_issuers.okta.algorithms[0]: algorithm 'HS256' is refused", "/trusted_issuers/okta/algorithms/0"),
        new Broken("a shared secret for a trusted issuer", "trusted_issuers: {okta: {issuer: https://o.example, jwks_uri: https://o.example/keys, audiences: [tg], secret: x}}\n" + TOOL, ": trusted_issuers.okta.secret: a shared secret is refused", "/trusted_issuers/okta"),
        new Broken("a bad platform name", "platforms: {Send Bird: {}}\n" + TOOL, ": platforms.Send Bird: invalid platform name", "/platforms"),
        new Broken("an unknown signature encoding", "platforms: {sendbird: {signature_encoding: HEX}}\n" + TOOL, ": platforms.sendbird.signature_encoding: unknown signature encoding", "/platforms/sendbird/signature_encoding"),
        new Broken("a header name with a space", "platforms: {sendbird: {api_key_header: api key}}\n" + TOOL, ": platforms.sendbird.api_key_header: invalid HTTP header name", "/platforms/sendbird/api_key_header"),
        new Broken("a platform binding with a path parameter", "platforms: {sendbird: {user: {platform_user_id: {path_param: id}}}}\n" + TOOL, ": platforms.sendbird.user: path_param names a parameter of one tool's path", "/platforms/sendbird/user"),
        new Broken("a platform binding that binds nothing", "platforms: {sendbird: {user: {forward: opaque_id}}}\n" + TOOL, ": platforms.sendbird.user: binds no identity", "/platforms/sendbird/user"),
        new Broken("redis at two places", "redis: {url: \"redis://r:6379\", cluster: {nodes: [\"r:7000\"]}}\n" + TOOL, ": redis.cluster: `url` is already set", "/redis"),
        new Broken("redis nowhere", "redis: {timeout: 1s}\n" + TOOL, ": redis: required", "/redis"),
        new Broken("a password in the Redis URL", "redis: {url: \"redis://:pw@r:6379\"}\n" + TOOL, ": redis.url: must not carry a user name or password", "/redis/url"),
        new Broken("an ACL user without a password", "redis: {url: \"redis://r:6379\", username: tg}\n" + TOOL, ": redis.username: an ACL user needs its password", "/redis"),
        new Broken("a sentinel without a master", "redis: {sentinel: {nodes: [\"r:26379\"]}}\n" + TOOL, ": redis.sentinel.master: required", "/redis/sentinel"),
        new Broken("a cluster node without a port", "redis: {cluster: {nodes: [r]}}\n" + TOOL, ": redis.cluster.nodes[0]: needs a port", "/redis/cluster/nodes/0"),
        new Broken("an unknown fallback", "redis: {url: \"redis://r:6379\", when_unavailable: {rate_limits: maybe}}\n" + TOOL, ": redis.when_unavailable.rate_limits: expected allow or refuse", "/redis/when_unavailable/rate_limits"),
        new Broken("a Redis password in the file", "redis: {url: \"redis://r:6379\", password: x}\n" + TOOL, ": redis.password: a literal password is refused", "/redis"));
  }

  @TestFactory
  Stream<DynamicTest> theSchemaAndTheLoaderRefuseTheSameBrokenFiles() {
    return broken().stream().map(b -> DynamicTest.dynamicTest(b.what(), () -> {
      assertThat(SchemaCheck.loaderErrors(b.yaml())).as("loader on%n%s", b.yaml()).anySatisfy(e -> assertThat(e).contains(b.field()));
      List<String> schema = SchemaCheck.schemaErrors(b.yaml());
      assertThat(schema).as("schema on%n%s", b.yaml()).isNotEmpty();
      assertThat(schema).as("schema on%n%s", b.yaml()).anySatisfy(e -> assertThat(e).matches(java.util.regex.Pattern.quote(b.pointer()) + "[/:].*"));
    }));
  }

  /** The schema accepts these; the loader refuses each, at the field named. */
  @TestFactory
  Stream<DynamicTest> onlyTheLoaderCatches() {
    String issuer = "trusted_issuers: {okta: {issuer: https://o.example, jwks_uri: https://o.example/keys, audiences: [tg]}}\n";
    return Stream.of(
        new Broken("a tool naming an undeclared platform", tool("platform: sendbird", "policy: {require: [api_key]}"), ": tools[0].platform: unknown platform 'sendbird'", null),
        new Broken("a policy naming an undeclared trusted issuer", tool("policy: {require: [external_jwt], external_jwt: {issuer: okta}}"), ": tools[0].policy.external_jwt.issuer: unknown trusted issuer", null),
        new Broken("two tools of one name", TOOL + TOOL.substring(TOOL.indexOf("  - ")).replace("/health", "/other"), ": tools[1].name: duplicate tool name", null),
        new Broken("overlapping routes", TOOL + TOOL.substring(TOOL.indexOf("  - ")).replace("name: health", "name: other").replace("/health", "/**"), ": tools[1].path: route GET /** of tool 'other' overlaps", null),
        new Broken("an upstream placeholder that is no path parameter", TOOL.replace("http://127.0.0.1:9000", "http://127.0.0.1:9000/{id}"), ": tools[0].upstream: placeholder {id} is not a parameter", null),
        new Broken("a path under Toolgate's own endpoints", TOOL.replace("path: /health", "path: /admin/tools"), ": tools[0].path: path '/admin/tools' is under /admin", null),
        new Broken("the web console's path", TOOL.replace("path: /health", "path: /console"), ": tools[0].path: path '/console' is under /console", null),
        new Broken("a path under the web console", TOOL.replace("path: /health", "path: /console/app.js"), ": tools[0].path: path '/console/app.js' is under /console", null),
        new Broken("an empty path segment", TOOL.replace("path: /health", "path: /a//b"), ": tools[0].path: invalid path pattern", null),
        new Broken("two credentials in one header", tool("policy: {require: [client_token, static_token]}"), ": tools[0].policy.require[1]: client_token and static_token both read", null),
        new Broken("a token lifetime beyond max_token_ttl", "authorization_server: {access_token_ttl: 48h}\n" + TOOL, ": authorization_server.access_token_ttl: must not exceed", null),
        new Broken("a replay window over an hour", "platforms: {sendbird: {sendbird_replay_window: 90m}}\n" + TOOL, ": platforms.sendbird.sendbird_replay_window: must be at most 1h", null),
        new Broken("a clock skew over 5m", issuer.replace("audiences: [tg]", "audiences: [tg], clock_skew: 10m") + TOOL, ": trusted_issuers.okta.clock_skew: must be at most 5m", null),
        new Broken("a CIDR block with host bits", tool("allowed_ips: [10.1.2.3/8]"), ": tools[0].allowed_ips[0]:", null),
        new Broken("a duplicate key", "server: {port: 1}\nserver: {port: 2}\n" + TOOL, ": server: duplicate key 'server'", null),
        new Broken("a YAML tag", TOOL.replace("name: health", "name: !custom health"), ": tools[0].name: YAML tag '!custom' is not allowed", null),
        new Broken("when_limits_unavailable without redis", tool("rate_limits: [{per: client, limit: 5, period: 1m}]", "when_limits_unavailable: allow"), ": tools[0].when_limits_unavailable: has no effect without a top-level `redis:` section", null))
        .map(b -> DynamicTest.dynamicTest(b.what(), () -> {
          assertThat(SchemaCheck.schemaErrors(b.yaml())).as("schema on%n%s", b.yaml()).isEmpty();
          assertThat(SchemaCheck.loaderErrors(b.yaml())).as("loader on%n%s", b.yaml()).anySatisfy(e -> assertThat(e).contains(b.field()));
        }));
  }

  /** The loader accepts these; the schema refuses them. */
  @TestFactory
  Stream<DynamicTest> onlyTheSchemaRefuses() {
    return Stream.of(
        new Broken("a key with no value", "server:\n  port:\n" + TOOL, null, "/server/port"),
        new Broken("a number for a name", TOOL.replace("name: health", "name: 404"), null, "/tools/0/name"))
        .map(b -> DynamicTest.dynamicTest(b.what(), () -> {
          assertThat(SchemaCheck.loaderErrors(b.yaml())).as("loader on%n%s", b.yaml()).isEmpty();
          assertThat(SchemaCheck.schemaErrors(b.yaml())).as("schema on%n%s", b.yaml()).anySatisfy(e -> assertThat(e).startsWith(b.pointer() + ":"));
        }));
  }

  /** One tool (line 2 on) with these extra keys after name, method, path and upstream; an anonymous policy unless one is given. */
  private static String tool(String... keys) {
    StringBuilder yaml = new StringBuilder("tools:\n  - name: health\n    method: GET\n    path: /health\n    upstream: http://127.0.0.1:9000\n");
    boolean policy = false;
    for (String key : keys) {
      yaml.append("    ").append(key).append('\n');
      policy |= key.startsWith("policy:") || key.startsWith("preset:");
    }
    if (!policy) {
      yaml.append("    policy: {anonymous: true}\n");
    }
    return yaml.toString();
  }
}
