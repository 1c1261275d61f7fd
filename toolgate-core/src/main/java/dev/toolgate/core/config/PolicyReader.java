package dev.toolgate.core.config;

import dev.toolgate.core.config.HeaderUseCheck.Where;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * {@code tools[].policy} ({@link Policy}): the credential kinds a call must carry ({@code require})
 * or {@code anonymous: true}, and the sections of the JWT kinds: {@code client_token}
 * ({@link ClientTokenPolicy}), {@code user_token} ({@link UserTokenPolicy}) and {@code external_jwt}
 * ({@link ExternalJwtPolicy}). Headers the credentials would share are refused by {@link HeaderUseCheck}.
 */
final class PolicyReader {
  static final List<String> KEYS = List.of("require", "anonymous", "client_token", "user_token", "external_jwt", TlsReader.POLICY_KEY);
  static final List<String> CLIENT_TOKEN_KEYS = List.of("scopes", "audience");
  static final List<String> USER_TOKEN_KEYS = List.of("header", "scheme", "body_field", "query_param", "issuer", "scopes",
      "max_age", "single_use", "audience");
  static final List<String> EXTERNAL_JWT_KEYS = List.of("issuer", "header", "scheme", "scopes");
  static final String KNOWN_KINDS =
      Arrays.stream(CredentialKind.values()).map(CredentialKind::yamlName).collect(Collectors.joining(", "));
  /** The policy section of each JWT kind, in the order of {@link #KEYS}. */
  private static final Map<String, CredentialKind> SECTIONS = sections();

  private final Problems problems;
  private final AuthServerSettings authorizationServer;
  /** Every trusted issuer name written under {@code trusted_issuers}, valid or not. */
  private final Set<String> issuerNames;
  private final TlsReader tls;

  PolicyReader(Problems problems, AuthServerSettings authorizationServer, Set<String> issuerNames, TlsReader tls) {
    this.problems = problems;
    this.tls = tls;
    this.authorizationServer = authorizationServer;
    this.issuerNames = issuerNames;
  }

  /**
   * The policy at {@code node}; null when it has errors (recorded).
   *
   * @param platform where the tool's platform sends signatures and API keys (the defaults when the
   *     tool names none); null when the platform is unknown, already an error
   */
  Policy read(Node node, String field, PlatformConfig platform) {
    YamlMap m = YamlMap.read(node, field, problems, KEYS);
    if (m == null) {
      return null;
    }
    int errorsBefore = problems.size();
    List<CredentialKind> kinds = new ArrayList<>();
    Map<CredentialKind, Node> requireItems = new LinkedHashMap<>();
    Map<CredentialKind, String> requireFields = new LinkedHashMap<>();
    SequenceNode require = m.list("require");
    int written = require == null ? 0 : require.getValue().size();
    boolean requireReadable = !m.has("require") || require != null;
    if (require != null) {
      for (int i = 0; i < require.getValue().size(); i++) {
        Node item = require.getValue().get(i);
        String itemField = Yaml.index(m.field("require"), i);
        if (Yaml.isNull(item)) {
          problems.add(item, itemField, "expected a credential kind (" + KNOWN_KINDS + "), got nothing");
          requireReadable = false;
          continue;
        }
        String text = Yaml.text(item, itemField, problems);
        if (text == null) {
          requireReadable = false;
          continue;
        }
        Optional<CredentialKind> kind = CredentialKind.fromYaml(text);
        if (kind.isEmpty()) {
          problems.add(item, itemField, "unknown credential kind " + Yaml.quote(text) + " (known: " + KNOWN_KINDS + ")");
          requireReadable = false;
        } else if (requireItems.containsKey(kind.get())) {
          problems.add(item, itemField, "credential kind '" + text + "' is listed twice (first at line "
              + Yaml.line(requireItems.get(kind.get())) + ")");
        } else {
          requireItems.put(kind.get(), item);
          requireFields.put(kind.get(), itemField);
          kinds.add(kind.get());
        }
      }
    }
    Boolean anonymousValue = m.bool("anonymous");
    boolean anonymous = Boolean.TRUE.equals(anonymousValue);
    if (anonymous && written > 0) {
      m.error("anonymous", "`anonymous: true` cannot be combined with `require` entries: an anonymous tool requires nothing;"
          + " remove one of them");
    } else if (!anonymous && written == 0 && problems.size() == errorsBefore) {
      int line = m.written("require") ? m.lineOf("require") : m.line();
      problems.add(line, field, "the policy requires nothing: list credential kinds under `require` (" + KNOWN_KINDS
          + "), or declare `anonymous: true` for open access");
    }

    // A JWT kind's section only goes with the kind. When `require` itself has errors, a section may
    // well belong to the kind that was misspelt there: no second, misleading error then.
    if (requireReadable) {
      for (Map.Entry<String, CredentialKind> section : SECTIONS.entrySet()) {
        String key = section.getKey();
        if (m.has(key) && !kinds.contains(section.getValue())) {
          problems.add(m.lineOf(key), m.field(key), "policy." + key + " is set but " + key + " is not required: add " + key
              + " to `require`, or remove the section");
        }
      }
    }
    Map<CredentialKind, Where> headerWritten = new LinkedHashMap<>();
    ClientTokenPolicy clientToken = kinds.contains(CredentialKind.CLIENT_TOKEN) ? readClientToken(m) : null;
    UserTokenPolicy userToken = kinds.contains(CredentialKind.USER_TOKEN) ? readUserToken(m, headerWritten) : null;
    ExternalJwtPolicy externalJwt = kinds.contains(CredentialKind.EXTERNAL_JWT)
        ? readExternalJwt(m, requireItems.get(CredentialKind.EXTERNAL_JWT), headerWritten)
        : null;
    MtlsPolicy mtls = kinds.contains(CredentialKind.MTLS)
        ? tls.mtls(m, platform, requireItems.get(CredentialKind.MTLS), requireFields.get(CredentialKind.MTLS))
        : null;
    if (problems.size() == errorsBefore) {
      HeaderUseCheck.check(problems, kinds, requireItems, requireFields, headerWritten, platform, userToken, externalJwt);
    }
    return problems.size() == errorsBefore ? new Policy(kinds, anonymous, clientToken, userToken, externalJwt, mtls) : null;
  }

  private static Map<String, CredentialKind> sections() {
    Map<String, CredentialKind> sections = new LinkedHashMap<>();
    sections.put("client_token", CredentialKind.CLIENT_TOKEN);
    sections.put("user_token", CredentialKind.USER_TOKEN);
    sections.put("external_jwt", CredentialKind.EXTERNAL_JWT);
    sections.put(TlsReader.POLICY_KEY, CredentialKind.MTLS);
    return Collections.unmodifiableMap(sections);
  }

  /** policy.client_token; absent: no scopes, the default resource as audience. */
  private ClientTokenPolicy readClientToken(YamlMap policy) {
    YamlMap m = YamlMap.read(policy.value("client_token"), policy.field("client_token"), problems, CLIENT_TOKEN_KEYS);
    if (m == null) {
      return null;
    }
    List<String> scopes = m.strings("scopes", "a scope", ValueChecks::scopeProblem);
    String audience = authorizationServer.defaultResource();
    String audienceText = m.nonEmpty("audience");
    if (audienceText != null) {
      String problem = ValueChecks.resourceProblem(audienceText);
      if (problem != null) {
        m.error("audience", problem);
      } else {
        audience = audienceText;
      }
    }
    return new ClientTokenPolicy(scopes != null ? scopes : List.of(), audience);
  }

  /** policy.user_token; absent: {@code customer-auth: JWT <token>} issued by Toolgate. */
  private UserTokenPolicy readUserToken(YamlMap policy, Map<CredentialKind, Where> headerWritten) {
    if (!policy.has("user_token")) {
      return UserTokenPolicy.defaults();
    }
    YamlMap m = YamlMap.read(policy.value("user_token"), policy.field("user_token"), problems, USER_TOKEN_KEYS);
    if (m == null) {
      return null;
    }
    String header = ValueChecks.header(m, "header");
    if (m.has("header")) {
      headerWritten.put(CredentialKind.USER_TOKEN, new Where(m.lineOf("header"), m.field("header")));
    }
    String scheme = ValueChecks.scheme(m);
    if (m.has("scheme") && !m.has("header")) {
      m.error("scheme", "applies to `header` only: in body_field or query_param the value is the bare token");
    }
    String bodyPointer = m.nonEmpty("body_field");
    if (bodyPointer != null) {
      String problem = ValueChecks.jsonPointerProblem(bodyPointer);
      if (problem != null) {
        m.error("body_field", problem);
      }
    }
    String queryParam = m.nonEmpty("query_param");
    String queryProblem = queryParam == null ? null : ValueChecks.queryParamProblem(queryParam);
    if (queryProblem != null) {
      m.error("query_param", queryProblem);
    }
    if (!m.has("header") && !m.has("body_field") && !m.has("query_param")) {
      problems.add(m.line(), m.path(), "say where the user token is: set at least one of header (e.g. `header: customer-auth`),"
          + " body_field (a JSON Pointer, e.g. `body_field: /context/jwt`) or query_param (e.g. `query_param: jwt`)");
    }
    String issuer = TrustedIssuer.TOOLGATE;
    String issuerText = m.nonEmpty("issuer");
    if (issuerText != null) {
      if (!issuerText.equals(TrustedIssuer.TOOLGATE) && !issuerNames.contains(issuerText)) {
        m.error("issuer", unknownIssuer(issuerText) + "; `toolgate` means Toolgate's own customer tokens");
      }
      issuer = issuerText;
    }
    List<String> scopes = m.strings("scopes", "a scope", ValueChecks::scopeProblem);
    Duration maxAge = m.duration("max_age");
    if (maxAge != null && (maxAge.isZero() || maxAge.isNegative())) {
      m.error("max_age", "must be positive, e.g. `max_age: 5m`");
      maxAge = null;
    }
    boolean singleUse = Boolean.TRUE.equals(m.bool("single_use"));
    boolean audienceIsTool = false;
    String audience = m.nonEmpty("audience");
    if (audience != null) {
      if (audience.equals("tool")) {
        audienceIsTool = true;
      } else {
        m.error("audience", "the only value is `tool` (the token must be minted for this tool alone, with"
            + " `tool=<name>` at /auth/customer_authenticate); other audiences are set under authorization_server.customer_token");
      }
    }
    if ((maxAge != null || singleUse || audienceIsTool) && !TrustedIssuer.TOOLGATE.equals(issuer)) {
      String key = maxAge != null ? "max_age" : singleUse ? "single_use" : "audience";
      m.error(key, "applies to Toolgate's own customer tokens (issuer toolgate) only");
    }
    return new UserTokenPolicy(header, header == null ? null : scheme != null ? scheme : UserTokenPolicy.DEFAULT_SCHEME,
        bodyPointer, queryParam, issuer, scopes != null ? scopes : List.of(), maxAge, singleUse, audienceIsTool);
  }

  /** policy.external_jwt; it must name a trusted issuer, so it is required with the kind. */
  private ExternalJwtPolicy readExternalJwt(YamlMap policy, Node requireItem, Map<CredentialKind, Where> headerWritten) {
    if (!policy.has("external_jwt")) {
      problems.add(requireItem, policy.field("external_jwt"), "required: external_jwt needs a section naming the trusted issuer"
          + " of its tokens, e.g. `external_jwt: {issuer: okta}`" + declaredIssuers());
      return null;
    }
    YamlMap m = YamlMap.read(policy.value("external_jwt"), policy.field("external_jwt"), problems, EXTERNAL_JWT_KEYS);
    if (m == null) {
      return null;
    }
    String issuer = null;
    if (m.require("issuer", "the name of the trusted issuer of its tokens, declared under `trusted_issuers`" + declaredIssuers())) {
      issuer = m.nonEmpty("issuer");
      if (TrustedIssuer.TOOLGATE.equals(issuer)) {
        m.error("issuer", "'toolgate' is Toolgate itself, not an external issuer: for Toolgate's access tokens require client_token,"
            + " for its customer tokens user_token");
      } else if (issuer != null && !issuerNames.contains(issuer)) {
        m.error("issuer", unknownIssuer(issuer));
      }
    }
    String header = ValueChecks.header(m, "header");
    // Without a header key, a conflict over the default header is reported at the section.
    headerWritten.put(CredentialKind.EXTERNAL_JWT, m.has("header")
        ? new Where(m.lineOf("header"), m.field("header"))
        : new Where(m.line(), m.path()));
    String scheme = ValueChecks.scheme(m);
    List<String> scopes = m.strings("scopes", "a scope", ValueChecks::scopeProblem);
    return new ExternalJwtPolicy(issuer,
        header != null ? header : ExternalJwtPolicy.DEFAULT_HEADER,
        scheme != null ? scheme : ExternalJwtPolicy.DEFAULT_SCHEME,
        scopes != null ? scopes : List.of());
  }

  private String unknownIssuer(String name) {
    return "unknown trusted issuer " + Yaml.quote(name) + (issuerNames.isEmpty()
        ? " (no trusted issuers are declared under `trusted_issuers:`)"
        : " (declared: " + String.join(", ", issuerNames) + ")");
  }

  private String declaredIssuers() {
    return issuerNames.isEmpty() ? " (none are declared yet)" : " (declared: " + String.join(", ", issuerNames) + ")";
  }
}
