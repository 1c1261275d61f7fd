package dev.toolgate.server.admin.testcall;

import dev.toolgate.core.config.CredentialKind;
import dev.toolgate.core.config.McpRule;
import dev.toolgate.core.config.Policy;
import dev.toolgate.core.config.ToolConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The credential a test call carries ({@code credential.kind}): one Toolgate makes itself for the
 * chosen client or user (a signature, an access token, a customer token), one the caller hands over
 * because Toolgate keeps only its digest (a static token, an API key), or none.
 */
public enum TestCredential {
  /** The platform's request signature ({@code sendbird_signature}), with the client's signing secret. */
  SIGNATURE("signature"),
  /** A static token the caller gives ({@code Authorization: Bearer}). */
  STATIC_TOKEN("static_token"),
  /** An API key the caller gives, in the platform's API key header. */
  API_KEY("api_key"),
  /** A fresh access token of the client, as the token endpoint issues it. */
  CLIENT_TOKEN("client_token"),
  /** A fresh customer token of a user ({@code user_token} issued by Toolgate). */
  CUSTOMER_TOKEN("customer_token"),
  /** Nothing added: to see the refusal, or to send a credential of the caller's own in {@code headers}. */
  NONE("none");

  private final String value;

  TestCredential(String value) {
    this.value = value;
  }

  /** The name in the API. */
  public String value() {
    return value;
  }

  public static Optional<TestCredential> parse(String value) {
    return Arrays.stream(values()).filter(k -> k.value.equals(value)).findFirst();
  }

  /** For messages: {@code signature, static_token, ...}. */
  public static String names() {
    return String.join(", ", Arrays.stream(values()).map(TestCredential::value).toList());
  }

  /**
   * The kinds a test call of {@code tool} can carry: each one Toolgate can make or pass for a
   * credential its policy, or one of its MCP rules' policies, requires; and {@code none}, always.
   */
  public static List<TestCredential> takenBy(ToolConfig tool) {
    Set<TestCredential> taken = EnumSet.of(NONE);
    for (Policy policy : policies(tool)) {
      for (CredentialKind kind : policy.require()) {
        switch (kind) {
          case SENDBIRD_SIGNATURE -> taken.add(SIGNATURE);
          case STATIC_TOKEN -> taken.add(STATIC_TOKEN);
          case API_KEY -> taken.add(API_KEY);
          case CLIENT_TOKEN -> taken.add(CLIENT_TOKEN);
          case USER_TOKEN -> {
            if (policy.userToken().issuedByToolgate()) {
              taken.add(CUSTOMER_TOKEN);
            }
          }
          default -> { } // external JWTs, webhook signatures, certificates: Toolgate cannot make them
        }
      }
    }
    return List.copyOf(taken);
  }

  /** The tool's policy and those of its MCP rules that replace it. */
  public static List<Policy> policies(ToolConfig tool) {
    List<Policy> all = new ArrayList<>();
    all.add(tool.policy());
    if (tool.isMcp()) {
      Stream.concat(tool.mcp().methods().values().stream(), tool.mcp().tools().values().stream())
          .map(McpRule::policy).filter(p -> p != null).forEach(all::add);
    }
    return all;
  }
}
