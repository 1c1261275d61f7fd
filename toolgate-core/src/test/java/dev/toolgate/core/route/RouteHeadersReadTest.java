package dev.toolgate.core.route;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.core.config.ConfigLoader;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Route.headersRead: every header a tool's checks read, per credential kind, identity and owner. */
class RouteHeadersReadTest {
  @Test
  void eachCredentialIdentityAndOwnerHeaderOfTheToolAndNoOther() {
    RouteTable table = RouteTable.from(ConfigLoader.parse("""
        trusted_issuers:
          idp: { issuer: "https://idp.example", jwks_uri: "https://idp.example/jwks", audiences: [api] }
        platforms:
          p: { signature_header: X-Sig, api_key_header: X-Key, stripe_signature_header: X-Stripe }
        tools:
          - { name: anon, method: GET, path: /anon, upstream: "http://127.0.0.1:9000", policy: { anonymous: true } }
          - { name: signed, platform: p, method: POST, path: /signed, upstream: "http://127.0.0.1:9000",
              policy: { require: [sendbird_signature, api_key] } }
          - { name: webhooks, platform: p, method: POST, path: /hooks, upstream: "http://127.0.0.1:9000",
              policy: { require: [standard_webhooks, stripe_signature] } }
          - { name: tokens, platform: p, method: GET, path: /tokens, upstream: "http://127.0.0.1:9000",
              policy: { require: [static_token, user_token], user_token: { header: x-customer, scheme: "" } },
              user: { platform_user_id: { query_param: uid }, opaque_id: { header: x-opaque } },
              owner: { header: x-owner, is: opaque_id } }
          - { name: external, method: GET, path: /external, upstream: "http://127.0.0.1:9000",
              policy: { require: [external_jwt], external_jwt: { issuer: idp, header: x-idp-token } } }
          - { name: query_token, method: GET, path: /query, upstream: "http://127.0.0.1:9000",
              policy: { require: [user_token], user_token: { query_param: jwt } } }
        """, Path.of("toolgate.yaml")));
    Map<String, java.util.Set<String>> read = table.routes().stream().collect(Collectors.toMap(Route::name, Route::headersRead));
    assertThat(read.get("anon")).containsExactlyInAnyOrder("host", "content-length", "content-type");
    assertThat(read.get("signed")).containsExactlyInAnyOrder("host", "content-length", "content-type", "x-sig", "x-key");
    assertThat(read.get("webhooks")).containsExactlyInAnyOrder("host", "content-length", "content-type",
        "webhook-id", "webhook-timestamp", "webhook-signature", "x-stripe");
    assertThat(read.get("tokens")).containsExactlyInAnyOrder("host", "content-length", "content-type",
        "authorization", "x-customer", "x-opaque", "x-owner");
    assertThat(read.get("external")).containsExactlyInAnyOrder("host", "content-length", "content-type", "x-idp-token");
    assertThat(read.get("query_token")).containsExactlyInAnyOrder("host", "content-length", "content-type");
  }
}
