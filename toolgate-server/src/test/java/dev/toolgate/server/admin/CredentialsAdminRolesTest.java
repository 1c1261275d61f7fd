package dev.toolgate.server.admin;

import static dev.toolgate.server.admin.AdminApiHarness.assertProblem;
import static dev.toolgate.server.admin.AdminApiHarness.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.core.port.ApiKey;
import dev.toolgate.core.port.StaticToken;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Which admin roles may read and change clients and credentials: every route, every role. */
class CredentialsAdminRolesTest extends AdminApiTestBase {
  String client;
  String secretId;
  String tokenId;
  String keyId;

  @BeforeEach
  void start() {
    client = api.credentials.createClient("sendbird-prod", "sendbird").id();
    secretId = api.credentials.addSigningSecret(client, new byte[] {1, 2, 3}, null).id();
    tokenId = api.credentials.createStaticToken(client, null).record().id();
    keyId = api.credentials.createApiKey(client, Set.of(ApiKey.ALL_TOOLS), null).record().id();
  }

  /** Every write this area adds, with a body that would succeed for an operator. */
  List<String[]> writes() {
    return List.of(
        new String[] {"/admin/clients", "{\"name\":\"mallory\",\"platform\":\"sendbird\"}"},
        new String[] {"/admin/signing-secrets", "{\"client_id\":\"" + client + "\"}"},
        new String[] {"/admin/signing-secrets", "{\"client_id\":\"" + client + "\",\"value\":\"attacker-chosen\"}"},
        new String[] {"/admin/signing-secrets/" + secretId + "/revoke", null},
        new String[] {"/admin/static-tokens", "{\"client_id\":\"" + client + "\"}"},
        new String[] {"/admin/static-tokens/" + tokenId + "/rotate", "{\"overlap_seconds\":0}"},
        new String[] {"/admin/static-tokens/" + tokenId + "/revoke", null},
        new String[] {"/admin/api-keys", "{\"client_id\":\"" + client + "\",\"tools\":[\"*\"]}"},
        new String[] {"/admin/api-keys/" + keyId + "/rotate", "{\"overlap_seconds\":0}"},
        new String[] {"/admin/api-keys/" + keyId + "/revoke", null});
  }

  List<String> reads() {
    return List.of("/admin/clients/" + client, "/admin/signing-secrets", "/admin/signing-secrets?client_id=" + client,
        "/admin/signing-secrets/" + secretId, "/admin/static-tokens", "/admin/static-tokens/" + tokenId,
        "/admin/api-keys", "/admin/api-keys?client_id=" + client, "/admin/api-keys/" + keyId);
  }

  long revision() {
    return api.credentials.revision();
  }

  @Test
  void readOnlyReadsEverythingAndChangesNothing() {
    String readOnly = api.token(AdminRole.READ_ONLY);
    for (String path : reads()) {
      assertThat(api.call("GET", path, null, readOnly).statusCode()).as(path).isEqualTo(200);
    }
    refusedEverywhere(readOnly, "read_only");
  }

  @Test
  void aTokenMinterNeitherReadsNorChangesCredentials() {
    String minter = api.token(AdminRole.TOKEN_MINTER);
    for (String path : reads()) {
      assertProblem(api.call("GET", path, null, minter), 403, "admin_role_forbidden");
    }
    refusedEverywhere(minter, "token_minter");
  }

  @Test
  void anOperatorMayDoEveryWriteAndEachIsMadeVisibleAtOnce() {
    String operator = api.token(AdminRole.OPERATOR);
    for (String[] write : writes()) {
      int refreshes = api.refreshes.get();
      HttpResponse<String> r = api.call("POST", write[0], write[1], operator);
      assertThat(r.statusCode()).as(write[0] + " " + r.body()).isBetween(200, 201);
      assertThat(api.refreshes.get()).as("this instance reloads after " + write[0]).isEqualTo(refreshes + 1);
    }
    assertThat(api.credentials.findStaticToken(tokenId).orElseThrow().revokedAt()).isNotNull();
  }

  @Test
  void withoutAnAdminTokenEveryWriteIs401() {
    for (String[] write : writes()) {
      assertProblem(api.call("POST", write[0], "not json", null), 401, "admin_token_invalid");
    }
  }

  private void refusedEverywhere(String token, String role) {
    long before = revision();
    int refreshes = api.refreshes.get();
    for (String[] write : writes()) {
      HttpResponse<String> r = api.call("POST", write[0], write[1], token);
      assertProblem(r, 403, "admin_role_forbidden");
      assertThat(json(r).getString("detail")).contains(role);
      // The Idempotency-Key path is refused as well, before any key is reserved.
      assertProblem(api.call("POST", write[0], write[1], token, "Idempotency-Key", "k-" + write[0].hashCode()), 403, "admin_role_forbidden");
    }
    assertThat(revision()).as("nothing was written").isEqualTo(before);
    assertThat(api.refreshes.get()).isEqualTo(refreshes);
    assertThat(api.credentials.listClients()).hasSize(1);
    assertThat(api.credentials.listSigningSecrets(null)).singleElement().satisfies(s -> assertThat(s.revokedAt()).isNull());
    assertThat(api.credentials.listStaticTokens(null)).singleElement().extracting(StaticToken::revokedAt).isNull();
    assertThat(api.credentials.listApiKeys(null)).singleElement().extracting(ApiKey::revokedAt).isNull();
  }
}
