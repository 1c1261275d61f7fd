package dev.toolgate.core.mcp;

import dev.toolgate.core.config.ClientTokenPolicy;
import dev.toolgate.core.config.CredentialKind;
import dev.toolgate.core.decision.DenialCode;
import dev.toolgate.core.request.JsonBody;
import dev.toolgate.core.request.ToolCall;
import dev.toolgate.core.config.ExternalJwtPolicy;
import dev.toolgate.core.config.IdentityKind;
import dev.toolgate.core.config.IdentityLocation;
import dev.toolgate.core.config.McpRule;
import dev.toolgate.core.config.McpSettings;
import dev.toolgate.core.config.Ownership;
import dev.toolgate.core.config.Policy;
import dev.toolgate.core.config.ToolConfig;
import dev.toolgate.core.config.UserBinding;
import dev.toolgate.core.limit.ToolRateLimit;
import dev.toolgate.core.route.Route;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
import java.util.function.BiPredicate;
import java.util.function.Predicate;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * An MCP route and what each of its messages is judged by. A message is judged as a tool call of the
 * route with the policy of its rule ({@code mcp.tools.<name>} for a {@code tools/call}, else
 * {@code mcp.methods.<method>}, else the route's own): the {@link Route} handed to
 * {@code PolicyEngine} is the route with that rule's policy, scopes, rate limits, user binding and
 * owner, its body fields pointing into the message. The engine needs nothing MCP-specific.
 */
public final class McpRoute {
  private final Route base;
  private final McpSettings settings;
  private final Route routeWide;
  /** The routes of single messages, per rule key (built once, not per call). */
  private final Map<String, Route> single = new HashMap<>();

  /** What a message is judged by: a route, or a refusal of the method or tool itself. */
  public record Judged(McpMessage message, Route route, String refusal) {}

  /** What an MCP POST is judged by: its messages, or why its body or headers are refused before any policy. */
  public sealed interface Judgement permits Refusal, Messages {}

  /**
   * @param jsonRpcCode the JSON-RPC error the caller gets ({@link McpBody#PARSE_ERROR}, ...)
   * @param id the id of the one message refused, echoed in the error; null when unknown or a batch
   */
  public record Refusal(DenialCode code, int jsonRpcCode, String detail, Object id) implements Judgement {
    public Refusal(DenialCode code, int jsonRpcCode, String detail) {
      this(code, jsonRpcCode, detail, null);
    }
  }

  public record Messages(List<Judged> judged, boolean batch) implements Judgement {}

  public McpRoute(Route base) {
    this.base = base;
    this.settings = base.tool().mcp();
    this.routeWide = withTool(routePolicy(base.tool().policy(), List.of()), base.tool().rateLimits(), base.tool().user(), null);
    for (McpRule rule : settings.methods().values()) {
      single.put(rule.key(), derive(rule, "/params"));
    }
    for (McpRule rule : settings.tools().values()) {
      single.put(rule.key(), derive(rule, "/params/arguments"));
    }
  }

  public Route base() {
    return base;
  }

  public McpSettings settings() {
    return settings;
  }

  /** The route a call without a JSON-RPC body (GET for the server's stream, DELETE of a session) is judged by. */
  public Route routeWide() {
    return routeWide;
  }

  /**
   * The messages of an MCP POST, each with the route it is judged by: the body read strictly
   * ({@link McpBody}), the standard headers checked against it ({@link McpHeaders}).
   */
  public Judgement judge(ToolCall call) {
    if (!JsonBody.declaredJson(call.headers())) {
      return new Refusal(DenialCode.MCP_INVALID_MESSAGE, McpBody.INVALID_REQUEST,
          "an MCP message is sent as Content-Type: application/json, without a Content-Encoding");
    }
    McpBody.Reading reading = McpBody.read(call.body());
    if (reading instanceof McpBody.Refused refused) {
      DenialCode code = refused.jsonRpcCode() == McpBody.PARSE_ERROR ? DenialCode.MCP_PARSE_ERROR : DenialCode.MCP_INVALID_MESSAGE;
      return new Refusal(code, refused.jsonRpcCode(), refused.detail());
    }
    McpBody.Messages messages = (McpBody.Messages) reading;
    String mismatch = McpHeaders.mismatch(call.headers(), messages.messages());
    if (mismatch != null) {
      Object id = messages.batch() ? null : messages.messages().get(0).id();
      return new Refusal(DenialCode.MCP_HEADER_MISMATCH, McpBody.HEADER_MISMATCH, mismatch, id);
    }
    List<Judged> judged = new ArrayList<>(messages.messages().size());
    for (McpMessage message : messages.messages()) {
      Judged j = judge(message, messages.batch());
      if (messages.messages().size() > 1 && j.route() != null && usesOnce(j.route().tool().policy())) {
        // Each message is judged on its own, and a credential usable once would be used up by the first.
        return new Refusal(DenialCode.MCP_INVALID_MESSAGE, McpBody.INVALID_REQUEST,
            "this route's credential is accepted once per request: send the batch's messages one by one");
      }
      judged.add(j);
    }
    return new Messages(judged, messages.batch());
  }

  private static boolean usesOnce(Policy policy) {
    return policy.requires(CredentialKind.STANDARD_WEBHOOKS) || policy.requires(CredentialKind.STRIPE_SIGNATURE)
        || policy.userToken() != null && policy.userToken().singleUse();
  }

  /** Judges one message; {@code batch} when it is an element of a batch (its body fields are then under its index). */
  public Judged judge(McpMessage message, boolean batch) {
    if (message.isToolCall() && !settings.tools().containsKey(message.name()) && settings.unlistedTools() == McpSettings.Unlisted.DENY) {
      return new Judged(message, null, "MCP tool " + message.name() + " is not offered by this route");
    }
    McpRule rule = ruleOf(message);
    if (rule == null) {
      return new Judged(message, routeWide, null);
    }
    if (rule.deny()) {
      return new Judged(message, null, (message.isToolCall() ? "MCP tool " + message.name() : "MCP method " + message.method())
          + " is not offered by this route");
    }
    // A tool's rule points into params.arguments, a method's (tools/call's included) into params.
    String prefix = (batch ? "/" + message.index() : "") + (isToolRule(rule) ? "/params/arguments" : "/params");
    return new Judged(message, batch ? derive(rule, prefix) : single.get(rule.key()), null);
  }

  /**
   * Which tools a {@code tools/list} answer hides from the caller of {@code call}: those refused to
   * everyone, those not listed when unlisted tools are refused, and those whose rule's credentials
   * (scopes above all) the call's do not satisfy ({@code passes}, which counts nothing).
   */
  public Predicate<String> hiddenTools(ToolCall call, BiPredicate<ToolCall, Route> passes) {
    Set<String> hidden = new HashSet<>();
    for (McpRule rule : settings.tools().values()) {
      if (rule.deny() || !passes.test(call, single.get(rule.key()))) {
        hidden.add(rule.key().substring((McpMessage.TOOLS_CALL + " ").length()));
      }
    }
    McpRule methodRule = settings.methods().get(McpMessage.TOOLS_CALL); // judges the tools without a rule of their own
    boolean unlistedHidden = settings.unlistedTools() == McpSettings.Unlisted.DENY
        || methodRule != null && (methodRule.deny() || !passes.test(call, single.get(methodRule.key())));
    return name -> settings.tools().containsKey(name) ? hidden.contains(name) : unlistedHidden;
  }

  /**
   * A tools/call's rule is its tool's; without one, the rule of the method tools/call (the configuration
   * allows that rule only when no tool has one): a method rule must apply to every call of the method.
   */
  private McpRule ruleOf(McpMessage message) {
    if (message.method() == null) {
      return null;
    }
    McpRule tool = message.isToolCall() ? settings.tools().get(message.name()) : null;
    return tool != null ? tool : settings.methods().get(message.method());
  }

  private static boolean isToolRule(McpRule rule) {
    return rule.key().startsWith(McpMessage.TOOLS_CALL + " ");
  }

  private Route derive(McpRule rule, String bodyPrefix) {
    Policy policy = routePolicy(rule.policy() != null ? rule.policy() : base.tool().policy(), rule.scopes());
    List<ToolRateLimit> limits = new ArrayList<>(base.tool().rateLimits());
    limits.addAll(rule.rateLimits());
    UserBinding user = rule.user() != null ? rule.user() : base.tool().user();
    if (rule.user() != null) {
      user = rebased(user, bodyPrefix);
    }
    Ownership owner = rule.owner() == null ? null : new Ownership(rebased(rule.owner().location(), bodyPrefix), rule.owner().kind());
    return withTool(policy, limits, user, owner);
  }

  private Route withTool(Policy policy, List<ToolRateLimit> limits, UserBinding user, Ownership owner) {
    ToolConfig tool = base.tool().judgedAs(policy, limits, user, owner);
    return new Route(tool, base.pattern(), base.platform());
  }

  /** A policy as an MCP route applies it: a client token for the resource alone, with the rule's scopes added. */
  private Policy routePolicy(Policy policy, List<String> extraScopes) {
    ClientTokenPolicy clientToken = policy.clientToken() == null ? null
        : new ClientTokenPolicy(union(policy.clientToken().scopes(), extraScopes), settings.resource(), true);
    ExternalJwtPolicy externalJwt = policy.externalJwt() == null ? null : new ExternalJwtPolicy(policy.externalJwt().issuer(),
        policy.externalJwt().header(), policy.externalJwt().scheme(), union(policy.externalJwt().scopes(), extraScopes));
    return new Policy(policy.require(), policy.anonymous(), clientToken, policy.userToken(), externalJwt, policy.mtls());
  }

  private static List<String> union(List<String> a, List<String> b) {
    LinkedHashSet<String> all = new LinkedHashSet<>(a);
    all.addAll(b);
    return List.copyOf(all);
  }

  private static UserBinding rebased(UserBinding binding, String prefix) {
    Map<IdentityKind, IdentityLocation> identities = new HashMap<>();
    binding.identities().forEach((kind, where) -> identities.put(kind, rebased(where, prefix)));
    return new UserBinding(identities, binding.forward());
  }

  private static IdentityLocation rebased(IdentityLocation where, String prefix) {
    return where.place() == IdentityLocation.Place.BODY ? IdentityLocation.body(prefix + where.name()) : where;
  }

  /**
   * The RFC 9728 metadata URL of a resource: {@code /.well-known/oauth-protected-resource} inserted
   * between its origin and its path.
   */
  public static String metadataUrl(String resource) {
    URI uri = URI.create(resource);
    String path = uri.getRawPath() == null || uri.getRawPath().equals("/") ? "" : uri.getRawPath();
    return uri.getScheme() + "://" + uri.getRawAuthority() + "/.well-known/oauth-protected-resource" + path;
  }
}
