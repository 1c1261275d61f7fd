package dev.toolgate.core.engine;

import dev.toolgate.core.config.IdentityKind;
import dev.toolgate.core.config.IdentityLocation;
import dev.toolgate.core.config.Ownership;
import dev.toolgate.core.config.UserBinding;
import dev.toolgate.core.config.UserTokenPolicy;
import dev.toolgate.core.decision.Check;
import dev.toolgate.core.decision.DenialCode;
import dev.toolgate.core.port.UserDirectory;
import dev.toolgate.core.port.UserDirectory.Lookup;
import dev.toolgate.core.request.IdentityReader;
import dev.toolgate.core.request.ToolCall;
import dev.toolgate.core.route.Route;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * The end user of a call: a customer token's user must still be enabled and not have a newer
 * password; every identity the call carries must name the same Toolgate user (binding); the
 * resource the call touches must belong to that user (ownership). Refusals name kinds and places,
 * never identity values or user ids (the caller sees them); the trace of an allowed call names the
 * bound user (only administrators see it).
 */
public final class UserBinder {
  private final UserDirectory directory;
  private final IdentityKind userTokenSubject;
  private final String defaultOpaquePlatform;
  private final boolean checksTokenUsers;

  /**
   * @param userTokenSubject what the subject of a user token names (Toolgate's customer tokens: the
   *     opaque customer id by default, or the user id)
   * @param defaultOpaquePlatform the platform of the opaque id forwarded for a tool without a platform
   *     (the one Toolgate's customer tokens use as subject, so both agree)
   */
  public UserBinder(UserDirectory directory, IdentityKind userTokenSubject, String defaultOpaquePlatform) {
    this(directory, userTokenSubject, defaultOpaquePlatform, true);
  }

  /**
   * @param checksTokenUsers whether Toolgate's customer tokens are void once their user is disabled or
   *     gets a new password (the directory knows Toolgate's users)
   */
  public UserBinder(UserDirectory directory, IdentityKind userTokenSubject, String defaultOpaquePlatform, boolean checksTokenUsers) {
    this.directory = directory;
    this.userTokenSubject = userTokenSubject;
    this.defaultOpaquePlatform = defaultOpaquePlatform;
    this.checksTokenUsers = checksTokenUsers;
  }

  /** This binder answering from {@code users} (e.g. the lookups fetched for one call) instead. */
  public UserBinder with(UserDirectory users) {
    return new UserBinder(users, userTokenSubject, defaultOpaquePlatform, checksTokenUsers);
  }

  /** Whether the user of the tool's user token is checked: a Toolgate customer token, and a directory of Toolgate's users. */
  public boolean checksTokenUser(Route route) {
    UserTokenPolicy policy = route.tool().policy().userToken();
    return checksTokenUsers && policy != null && policy.issuedByToolgate();
  }

  /**
   * Null while the user a customer token names may still use it; otherwise why not: the user is
   * disabled, has a password set after the token was issued, or is gone (all 401: the token is void).
   */
  public Bound checkTokenUser(Route route, String subject, Instant issuedAt, List<Check> trace) {
    return checkTokenUser(route, userTokenSubject, subject, issuedAt, trace);
  }

  /** Whether a token a user handed a client may still act for them: as for a customer token. */
  public boolean checksDelegatedUser() {
    return checksTokenUsers;
  }

  /** As {@link #checkTokenUser(Route, String, Instant, List)}, the subject being of kind {@code subjectKind} (null: a customer token's). */
  public Bound checkTokenUser(Route route, IdentityKind subjectKind, String subject, Instant issuedAt, List<Check> trace) {
    Lookup user = directory.user(subjectKind != null ? subjectKind : userTokenSubject, route.tool().platform(), subject);
    switch (user.status()) {
      case UNAVAILABLE -> {
        return refuse(trace, "user_token_user", DenialCode.USER_DIRECTORY_UNAVAILABLE, "the user of the user token could not be looked up");
      }
      case UNKNOWN -> {
        return refuse(trace, "user_token_user", DenialCode.USER_TOKEN_REVOKED, "the user token names no user of this server any more");
      }
      case DISABLED -> {
        return refuse(trace, "user_token_user", DenialCode.USER_TOKEN_REVOKED, "the token's user is disabled");
      }
      case FOUND -> { }
    }
    Instant validAfter = user.tokensValidAfter();
    // iat is whole seconds: compare with the second the password was set in.
    if (validAfter != null && (issuedAt == null || issuedAt.isBefore(validAfter.truncatedTo(ChronoUnit.SECONDS)))) {
      return refuse(trace, "user_token_user", DenialCode.USER_TOKEN_REVOKED, "the user's password was set after this token was issued");
    }
    return null;
  }

  /** The bound user, or why the call is refused. */
  public record Bound(DenialCode code, String detail, String userId, String forwarded) {
    public boolean refused() {
      return code != null;
    }

    static Bound refuse(DenialCode code, String detail) {
      return new Bound(code, detail, null, null);
    }
  }

  private record Claim(IdentityKind kind, String value, String source) {}

  /**
   * @param tokenSubject the verified subject of the call's user token; null when the policy has none
   */
  public Bound bind(ToolCall call, Route route, String tokenSubject, List<Check> trace) {
    return bind(call, route, userTokenSubject, tokenSubject, trace);
  }

  /** As {@link #bind(ToolCall, Route, String, List)}, the token's subject being of kind {@code subjectKind} (null: a customer token's). */
  public Bound bind(ToolCall call, Route route, IdentityKind subjectKind, String tokenSubject, List<Check> trace) {
    UserBinding binding = route.tool().user();
    String platform = route.tool().platform();
    List<Claim> claims = new ArrayList<>(3);
    for (IdentityKind kind : IdentityKind.values()) { // a fixed order, so traces read the same every time
      IdentityLocation where = binding.identities().get(kind);
      if (where == null) {
        continue;
      }
      IdentityReader.Read read = IdentityReader.read(call, where);
      if (read.failed()) {
        return refuse(trace, "user_binding", read.code(), read.detail());
      }
      if (!read.present()) {
        return refuse(trace, "user_binding", DenialCode.USER_MISSING,
            "tool " + route.name() + " reads the " + kind.yamlName() + " from " + where.describe() + ", which the call leaves empty");
      }
      claims.add(new Claim(kind, read.value(), kind.yamlName() + " in " + where.describe()));
    }
    if (tokenSubject != null) {
      claims.add(new Claim(subjectKind != null ? subjectKind : userTokenSubject, tokenSubject, "the user token's subject"));
    }
    if (claims.isEmpty()) {
      return refuse(trace, "user_binding", DenialCode.USER_MISSING, "the call carries no end-user identity");
    }

    List<Lookup> found = new ArrayList<>(claims.size());
    for (Claim claim : claims) {
      Lookup lookup = directory.user(claim.kind(), platform, claim.value());
      if (lookup.status() == UserDirectory.Status.UNAVAILABLE) {
        return refuse(trace, "user_binding", DenialCode.USER_DIRECTORY_UNAVAILABLE, "the user named by " + claim.source() + " could not be looked up");
      }
      found.add(lookup);
    }
    // The anchor is a user some identity names for sure (the token's subject first). Against it, any
    // other identity that differs is a mismatch, whether it names another user, a disabled one or
    // none: the answer must not tell a caller which ids exist.
    int anchor = -1;
    for (int i = claims.size() - 1; i >= 0; i--) {
      if (found.get(i).status() == UserDirectory.Status.FOUND) {
        anchor = i;
        break;
      }
    }
    if (anchor < 0) {
      Claim claim = claims.get(0);
      if (found.get(0).status() == UserDirectory.Status.DISABLED) {
        return refuse(trace, "user_binding", DenialCode.USER_DISABLED, "the user named by " + claim.source() + " is disabled");
      }
      return refuse(trace, "user_binding", DenialCode.USER_UNKNOWN, claim.source() + " names no known user"
          + (claim.kind() == IdentityKind.PLATFORM_USER_ID ? " of platform " + platform + " (map it with `toolgate user map`)" : ""));
    }
    String userId = found.get(anchor).value();
    for (int i = 0; i < claims.size(); i++) {
      Lookup other = found.get(i);
      if (other.status() != UserDirectory.Status.FOUND || !userId.equals(other.value())) {
        return refuse(trace, "user_binding", DenialCode.USER_MISMATCH, claims.get(anchor).source() + " and " + claims.get(i).source()
            + " do not name the same user");
      }
    }
    trace.add(new Check("user_binding", true, describe(claims) + " name" + (claims.size() == 1 ? "s" : "") + " user " + userId));

    Ownership owner = route.tool().owner();
    if (owner != null) {
      Bound refused = checkOwner(call, route, owner, userId, platform, trace);
      if (refused != null) {
        return refused;
      }
    }
    return forward(binding, claims, userId, platform, trace);
  }

  private Bound checkOwner(ToolCall call, Route route, Ownership owner, String userId, String platform, List<Check> trace) {
    IdentityReader.Read read = IdentityReader.read(call, owner.location());
    String what = "the owner (" + owner.kind().yamlName() + " in " + owner.location().describe() + ")";
    if (read.failed()) {
      return refuse(trace, "ownership", read.code(), read.detail());
    }
    if (!read.present()) {
      return refuse(trace, "ownership", DenialCode.OWNER_MISMATCH, "tool " + route.name() + " reads " + what + ", which the call leaves empty");
    }
    Lookup found = directory.user(owner.kind(), platform, read.value());
    if (found.status() == UserDirectory.Status.UNAVAILABLE) {
      return refuse(trace, "ownership", DenialCode.USER_DIRECTORY_UNAVAILABLE, what + " could not be looked up");
    }
    if (found.status() == UserDirectory.Status.UNKNOWN || !userId.equals(found.value())) {
      // An unknown owner is refused like another user's: the answer must not reveal which ids exist.
      return refuse(trace, "ownership", DenialCode.OWNER_MISMATCH, what + " is not the bound user");
    }
    trace.add(new Check("ownership", true, what + " is the bound user"));
    return null;
  }

  private Bound forward(UserBinding binding, List<Claim> claims, String userId, String platform, List<Check> trace) {
    return switch (binding.forward()) {
      case USER_ID -> new Bound(null, null, userId, userId);
      case PLATFORM_USER_ID -> new Bound(null, null, userId,
          claims.stream().filter(c -> c.kind() == IdentityKind.PLATFORM_USER_ID).findFirst().orElseThrow().value());
      case OPAQUE_ID -> {
        String opaquePlatform = platform != null ? platform : defaultOpaquePlatform;
        Lookup opaque = directory.opaqueId(opaquePlatform, userId);
        if (opaque.status() != UserDirectory.Status.FOUND) {
          yield refuse(trace, "user_binding", DenialCode.USER_DIRECTORY_UNAVAILABLE,
              "the bound user's opaque customer id for platform " + opaquePlatform + " could not be looked up");
        }
        yield new Bound(null, null, userId, opaque.value());
      }
    };
  }

  private static String describe(List<Claim> claims) {
    return String.join(" and ", claims.stream().map(Claim::source).toList());
  }

  private static Bound refuse(List<Check> trace, String check, DenialCode code, String detail) {
    trace.add(new Check(check, false, detail));
    return Bound.refuse(code, detail);
  }
}
