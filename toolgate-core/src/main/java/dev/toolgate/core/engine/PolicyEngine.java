package dev.toolgate.core.engine;

import dev.toolgate.core.config.CredentialKind;
import dev.toolgate.core.config.IdentityKind;
import dev.toolgate.core.credential.OneTimeUse;
import dev.toolgate.core.port.UserDirectory;
import dev.toolgate.core.limit.Charge;
import dev.toolgate.core.limit.LimitKey;
import dev.toolgate.core.limit.LimitOutcome;
import dev.toolgate.core.limit.OnceKey;
import dev.toolgate.core.limit.QuotaOutcome;
import dev.toolgate.core.limit.QuotaRequest;
import dev.toolgate.core.limit.RateLimit;
import dev.toolgate.core.limit.ToolRateLimit;
import dev.toolgate.core.net.CidrSet;
import dev.toolgate.core.net.ClientAddress;
import dev.toolgate.core.credential.CredentialVerifier;
import dev.toolgate.core.credential.Verification;
import dev.toolgate.core.decision.Check;
import dev.toolgate.core.decision.Decision;
import dev.toolgate.core.decision.DenialCode;
import dev.toolgate.core.port.CredentialDirectory;
import dev.toolgate.core.port.CallQuota;
import dev.toolgate.core.port.UsageSink;
import dev.toolgate.core.request.ToolCall;
import dev.toolgate.core.route.Route;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Decides one call against its tool's policy: every required credential must verify, all of them
 * must belong to the same enabled client, and that client must be of the tool's platform.
 *
 * <p>Around the credentials: before any is looked at, the client IP (the connection peer, or what a
 * trusted proxy says) must be in the platform's and the tool's {@code allowed_ips}; an allowed call
 * then consumes from each of the tool's rate limits. Every failed authentication (a 401) takes one
 * token from the client IP's failed-authentication bucket, and once that is empty the IP's failures
 * are answered 429 instead of 401. Only failures are ever turned away by it: every call is still
 * verified, and one whose credentials verify passes, however many others failed from its address
 * (an agent platform sends all its tenants' calls from a few addresses).
 *
 * <p>After the credentials, a tool that binds a user checks that every identity the call carries
 * names the same user and that the resource it touches is that user's ({@link UserBinder}). Only a
 * call allowed by everything else uses up what may be used once (a webhook id, a single-use token),
 * so a refusal for another reason does not burn it.
 */
public final class PolicyEngine {
  private final Map<CredentialKind, CredentialVerifier> verifiers = new EnumMap<>(CredentialKind.class);
  private final CredentialDirectory directory;
  private final UsageSink usage;
  private final Clock clock;
  private final CallQuota quota;
  private final QuotaFallback fallback;
  private final ClientAddress clientAddress;
  private final FailedAuthBudget failures;
  private final UserBinder binder;

  /** No trusted proxies (the peer is the client), no rate limits, failed authentications not counted; allowlists still apply. */
  public PolicyEngine(List<CredentialVerifier> verifiers, CredentialDirectory directory, UsageSink usage, Clock clock) {
    this(verifiers, directory, usage, clock, CallQuota.UNLIMITED, new ClientAddress(new CidrSet(List.of())), null);
  }

  /**
   * @param quota the buckets of tools' rate limits and of failed authentications, and what is used once
   * @param clientAddress who the caller is, by IP (trusted proxies)
   * @param failedAuthLimit 401s one client IP may cause per period before its further failures are
   *     answered 429; null: not counted (failures stay 401)
   */
  public PolicyEngine(List<CredentialVerifier> verifiers, CredentialDirectory directory, UsageSink usage, Clock clock,
      CallQuota quota, ClientAddress clientAddress, RateLimit failedAuthLimit) {
    this(verifiers, directory, usage, clock, quota, clientAddress, failedAuthLimit,
        new UserBinder(UserDirectory.NONE, IdentityKind.OPAQUE_ID, null, false));
  }

  /** @param binder resolves the identities of tools that bind a user; when the quota cannot answer, {@link QuotaFallback#DEFAULT} */
  public PolicyEngine(List<CredentialVerifier> verifiers, CredentialDirectory directory, UsageSink usage, Clock clock,
      CallQuota quota, ClientAddress clientAddress, RateLimit failedAuthLimit, UserBinder binder) {
    this(verifiers, directory, usage, clock, quota, clientAddress, failedAuthLimit, binder, QuotaFallback.DEFAULT);
  }

  /**
   * @param binder resolves the identities of tools that bind a user
   * @param fallback what is decided when {@code quota} cannot answer
   */
  public PolicyEngine(List<CredentialVerifier> verifiers, CredentialDirectory directory, UsageSink usage, Clock clock,
      CallQuota quota, ClientAddress clientAddress, RateLimit failedAuthLimit, UserBinder binder, QuotaFallback fallback) {
    this.binder = binder;
    for (CredentialVerifier v : verifiers) {
      this.verifiers.put(v.kind(), v);
    }
    this.directory = directory;
    this.usage = usage;
    this.clock = clock;
    this.quota = quota;
    this.fallback = fallback;
    this.clientAddress = clientAddress;
    this.failures = new FailedAuthBudget(quota, failedAuthLimit, fallback);
  }

  /** The client IP of a call: its peer, or the address a trusted proxy forwarded it for. */
  public String clientIp(ToolCall call) {
    return clientAddress.resolve(call.remoteAddress(), call.headers());
  }

  /** Refuses to start with a policy that names a kind nobody verifies. */
  public void checkCovers(List<Route> routes) {
    for (Route route : routes) {
      for (CredentialKind kind : route.tool().policy().require()) {
        if (!verifiers.containsKey(kind)) {
          throw new IllegalStateException("tool " + route.name() + " requires " + kind.yamlName() + " but no verifier is installed for it");
        }
      }
    }
  }

  /**
   * Both steps at once, for callers whose {@link UserDirectory} answers from memory without
   * preparation. Waits for the {@link CallQuota}: an in-process one answers at once.
   */
  public Decision decide(ToolCall call, Route route) {
    return authenticate(call, route).thenCompose(a -> a.refused() ? done(a.refusal()) : authorize(a)).join();
  }

  /**
   * A call whose credentials all verified (or were refused: {@link #refusal}). What is left, user
   * binding and limits, may need the users it names: the server loads them between the two steps,
   * so nothing is looked up in the store for a call that did not authenticate.
   *
   * @param subject the end user a user credential named; null when none did
   * @param subjectIssuedAt when that user credential was issued; null when unknown
   */
  public record Authenticated(Decision refusal, ToolCall call, Route route, String ip, String clientId, String subject,
      Instant subjectIssuedAt, List<String> credentialIds, List<Pending> oneTimeUses, List<Check> trace, boolean delegated) {
    public Authenticated(Decision refusal, ToolCall call, Route route, String ip, String clientId, String subject,
        Instant subjectIssuedAt, List<String> credentialIds, List<Pending> oneTimeUses, List<Check> trace) {
      this(refusal, call, route, ip, clientId, subject, subjectIssuedAt, credentialIds, oneTimeUses, trace, false);
    }

    public boolean refused() {
      return refusal != null;
    }

    /** The kind of identity the subject is: a Toolgate user id for a delegated token; null: a customer token's subject. */
    public IdentityKind subjectKind() {
      return delegated ? IdentityKind.USER_ID : null;
    }

    static Authenticated refused(Decision refusal) {
      return new Authenticated(refusal, null, null, null, null, null, null, List.of(), List.of(), List.of());
    }
  }

  /**
   * The first step: the client IP, the allowlists, every credential, one enabled client of the tool's
   * platform. A failed authentication is counted against the IP (see {@link #counted}), which may
   * have to ask the shared state: hence the future, complete at once for most calls.
   */
  public CompletableFuture<Authenticated> authenticate(ToolCall call, Route route) {
    List<Check> trace = new ArrayList<>(6);
    trace.add(new Check("route", true, call.method() + " " + call.path().raw() + " is tool " + route.name()));
    String ip = clientIp(call);
    Decision early = AllowedIps.check(ip, route, trace);
    if (early != null) {
      return done(Authenticated.refused(early));
    }
    if (route.tool().policy().anonymous() && route.tool().policy().require().isEmpty()) {
      trace.add(new Check("policy", true, "tool " + route.name() + " declares anonymous access"));
      return done(new Authenticated(null, call, route, ip, null, null, null, List.of(), List.of(), trace));
    }

    List<String> credentialIds = new ArrayList<>(2);
    String clientId = null;
    String subject = null;
    Instant subjectIssuedAt = null;
    boolean delegated = false;
    List<Pending> oneTimeUses = new ArrayList<>(1);
    for (CredentialKind kind : route.tool().policy().require()) {
      CredentialVerifier verifier = verifiers.get(kind);
      Verification v = verifier.verify(call, route);
      trace.add(new Check(kind.yamlName(), v.passed(), v.detail()));
      if (!v.passed()) {
        // RFC 6750 §3: a challenge on 401, and on 403 insufficient_scope so the client learns the scope.
        boolean challenge = v.code().status() == 401 || v.code() == DenialCode.INSUFFICIENT_SCOPE;
        return counted(Decision.deny(v.code(), v.detail(), clientId, credentialIds,
            challenge ? List.of(verifier.challenge(route, v)) : List.of(), trace), ip).thenApply(Authenticated::refused);
      }
      credentialIds.add(v.credentialId());
      if (v.oneTime() != null) {
        oneTimeUses.add(new Pending(kind, v.oneTime()));
      }
      if (v.subject() != null) {
        if (subject != null && (!subject.equals(v.subject()) || delegated != v.delegated())) {
          // Two credentials that each name an end user must name the same one, the same way.
          String detail = kind.yamlName() + " names another end user than an earlier credential";
          trace.add(new Check("same_user", false, detail));
          return done(Authenticated.refused(Decision.deny(DenialCode.USER_MISMATCH, detail, clientId, credentialIds, List.of(), trace)));
        }
        subject = v.subject();
        subjectIssuedAt = v.issuedAt();
        delegated = v.delegated();
      }
      if (v.clientId() == null) {
        continue; // an end-user credential: it says who the user is, not which client calls
      }
      if (clientId == null) {
        clientId = v.clientId();
      } else if (!clientId.equals(v.clientId())) {
        String detail = kind.yamlName() + " belongs to client " + v.clientId() + ", earlier credentials to " + clientId;
        trace.add(new Check("same_client", false, detail));
        return done(Authenticated.refused(Decision.deny(DenialCode.CLIENT_MISMATCH, detail, clientId, credentialIds, List.of(), trace)));
      }
    }

    if (clientId != null) {
      Decision refused = CallingClient.refusal(directory, clientId, delegated, route, credentialIds, trace);
      if (refused != null) {
        return done(Authenticated.refused(refused));
      }
    } else if (credentialIds.isEmpty()) {
      String detail = "policy of tool " + route.name() + " requires no credential and does not declare anonymous access";
      trace.add(new Check("policy", false, detail));
      return done(Authenticated.refused(Decision.deny(DenialCode.NOT_ALLOWED, detail, null, credentialIds, List.of(), trace)));
    }
    return done(new Authenticated(null, call, route, ip, clientId, subject, subjectIssuedAt, credentialIds, oneTimeUses, trace, delegated));
  }


  /**
   * Whether the call's credentials satisfy {@code route}'s policy, counting nothing and using nothing
   * up: what a caller may call, for showing it (an MCP {@code tools/list} filtered to the tools the
   * caller may call). The IP allowlists, user binding and limits are left to the call itself.
   */
  public boolean credentialsPass(ToolCall call, Route route) {
    if (route.tool().policy().anonymous() && route.tool().policy().require().isEmpty()) {
      return true;
    }
    for (CredentialKind kind : route.tool().policy().require()) {
      if (!verifiers.get(kind).verify(call, route).passed()) {
        return false;
      }
    }
    return true;
  }

  /**
   * The second step: the user token's user still active, user binding and ownership, then the rate
   * limits and what the call uses up once, settled together in the {@link CallQuota}. Reads the
   * users it needs from the {@link UserDirectory}.
   */
  public CompletableFuture<Decision> authorize(Authenticated a) {
    return authorize(a, null);
  }

  /**
   * As {@link #authorize(Authenticated)}, the users answered by {@code users} (what was fetched for
   * this call, so nothing it needs can have left a cache in between); null: the engine's directory.
   */
  public CompletableFuture<Decision> authorize(Authenticated a, UserDirectory users) {
    if (a.refused()) {
      return done(a.refusal());
    }
    UserBinder binder = users == null ? this.binder : this.binder.with(users);
    Route route = a.route();
    List<Check> trace = new ArrayList<>(a.trace());
    String subject = a.subject();
    String userKey = subject;
    if (subject != null && (a.delegated() ? binder.checksDelegatedUser() : binder.checksTokenUser(route))) {
      UserBinder.Bound active = binder.checkTokenUser(route, a.subjectKind(), subject, a.subjectIssuedAt(), trace);
      if (active != null) {
        return deny(active, a, trace);
      }
    }
    if (route.tool().user() != null) {
      UserBinder.Bound bound = binder.bind(a.call(), route, a.subjectKind(), subject, trace);
      if (bound.refused()) {
        return deny(bound, a, trace);
      }
      subject = bound.forwarded();
      userKey = bound.userId();
    }
    Decision allowed = Decision.allow(a.clientId(), subject, a.credentialIds(), trace);
    List<ToolRateLimit> limits = route.tool().rateLimits();
    if (limits.isEmpty() && a.oneTimeUses().isEmpty()) {
      return done(used(allowed, a));
    }
    List<Charge> charges = new ArrayList<>(limits.size());
    for (int i = 0; i < limits.size(); i++) {
      ToolRateLimit limit = limits.get(i);
      charges.add(new Charge(BucketKey.of(route.name(), limit, BucketKey.twin(limits, i), a.clientId(), userKey, a.ip()), limit.limit()));
    }
    List<OnceKey> once = new ArrayList<>(a.oneTimeUses().size());
    for (Pending p : a.oneTimeUses()) {
      once.add(p.use().onceKey());
    }
    String finalSubject = subject;
    return quota.settle(new QuotaRequest(charges, once)).thenCompose(outcome -> settled(outcome, a, finalSubject, trace));
  }

  /** The decision once the quota answered. */
  private CompletableFuture<Decision> settled(QuotaOutcome outcome, Authenticated a, String subject, List<Check> trace) {
    Route route = a.route();
    List<ToolRateLimit> limits = route.tool().rateLimits();
    if (outcome instanceof QuotaOutcome.Granted granted) {
      LimitOutcome tightest = tightest(granted.limits());
      if (tightest != null) {
        trace.add(new Check("rate_limit", true, limits.size() + " rate limit(s) of tool " + route.name() + " allow the call ("
            + tightest.remaining() + " left in the tightest)"));
      }
      if (!a.oneTimeUses().isEmpty()) {
        trace.add(new Check("once", true, a.oneTimeUses().size() == 1 ? "its one-time use is claimed"
            : a.oneTimeUses().size() + " one-time uses are claimed"));
      }
      return done(used(new Decision(true, null, null, a.clientId(), subject, a.credentialIds(), List.of(), trace, tightest), a));
    }
    if (outcome instanceof QuotaOutcome.Limited limited) {
      ToolRateLimit limit = limits.get(limited.index());
      String detail = "rate limit of tool " + route.name() + " exceeded: " + limited.outcome().limit() + " per "
          + limit.limit().period().toSeconds() + " s per " + describe(limit.per());
      trace.add(new Check("rate_limit", false, detail));
      return done(Decision.deny(DenialCode.RATE_LIMITED, detail, a.clientId(), a.credentialIds(), List.of(), trace)
          .withLimit(limited.outcome()));
    }
    if (outcome instanceof QuotaOutcome.Used used) {
      // A replay: nothing was taken from the rate limits, and it counts as a failed authentication.
      Pending p = a.oneTimeUses().get(used.index());
      String detail = p.use().replayDetail();
      trace.add(new Check(p.kind().yamlName(), false, detail));
      Verification refused = Verification.fail(DenialCode.REPLAYED, p.use().credentialId(), detail);
      return counted(Decision.deny(DenialCode.REPLAYED, detail, a.clientId(), a.credentialIds(),
          List.of(verifiers.get(p.kind()).challenge(route, refused)), trace), a.ip());
    }
    // The reason (where Redis is, what it answered) goes to the audit trace only, never to the caller.
    String reason = ((QuotaOutcome.Unavailable) outcome).reason();
    if (!a.oneTimeUses().isEmpty()) {
      String detail = "whether this was used before could not be checked: the shared state is unavailable";
      trace.add(new Check("once", false, detail + " (" + reason + ")"));
      return done(Decision.deny(DenialCode.SHARED_STATE_UNAVAILABLE, detail, a.clientId(), a.credentialIds(), List.of(), trace));
    }
    if (!fallback.allowsUncounted(route)) {
      String detail = "the rate limits of tool " + route.name() + " could not be counted: the shared state is unavailable";
      trace.add(new Check("rate_limit", false, detail + " (" + reason + ")"));
      return done(Decision.deny(DenialCode.SHARED_STATE_UNAVAILABLE, detail, a.clientId(), a.credentialIds(), List.of(), trace));
    }
    // Marked in the audit record: this call passed without its rate limits being counted.
    trace.add(new Check("shared_state", true, "UNCOUNTED: the rate limits of tool " + route.name()
        + " could not be counted (" + reason + "); allowed by when_limits_unavailable: allow"));
    return done(used(Decision.allow(a.clientId(), subject, a.credentialIds(), trace), a));
  }

  /** An allowed decision, its credentials' last use recorded. */
  private Decision used(Decision allowed, Authenticated a) {
    var now = clock.instant();
    for (String id : a.credentialIds()) {
      usage.used(id, now);
    }
    return allowed;
  }

  /** The bucket with the fewest tokens left (the longest reset among equals): what the headers report. */
  private static LimitOutcome tightest(List<LimitOutcome> outcomes) {
    LimitOutcome tightest = null;
    for (LimitOutcome outcome : outcomes) {
      if (tightest == null || outcome.remaining() < tightest.remaining()
          || (outcome.remaining() == tightest.remaining() && outcome.resetAfter().compareTo(tightest.resetAfter()) > 0)) {
        tightest = outcome;
      }
    }
    return tightest;
  }

  private CompletableFuture<Decision> deny(UserBinder.Bound refused, Authenticated a, List<Check> trace) {
    boolean unauthorized = refused.code().status() == 401;
    // A delegated access token is a client_token: its challenge is the client_token's (invalid_token, the route's metadata).
    List<String> challenge = !unauthorized ? List.of() : a.delegated()
        ? List.of(verifiers.get(CredentialKind.CLIENT_TOKEN).challenge(a.route(), Verification.fail(refused.code(), refused.detail())))
        : List.of(verifiers.get(CredentialKind.USER_TOKEN).challenge(a.route(), null));
    return counted(Decision.deny(refused.code(), refused.detail(), a.clientId(), a.credentialIds(), challenge, trace), a.ip());
  }

  /** What a passed credential uses up once the call is allowed. */
  public record Pending(CredentialKind kind, OneTimeUse use) {}

  /**
   * Whether the call's client IP is known to have used up its failed-authentication budget. Its
   * failures will be answered 429 whatever they are, so nothing slow or outgoing (a trusted issuer's
   * keys) should be fetched for it; its credentials are still verified with what is at hand.
   */
  public boolean overFailureBudget(ToolCall call) {
    return failures.knownExhausted(clientIp(call));
  }

  private CompletableFuture<Decision> counted(Decision refusal, String ip) {
    return failures.counted(refusal, ip);
  }

  private static <T> CompletableFuture<T> done(T value) {
    return CompletableFuture.completedFuture(value);
  }


  private static String describe(List<LimitKey> per) {
    return String.join(" and ", per.stream().map(LimitKey::yamlName).toList());
  }
}
