package dev.toolgate.server.users;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.toolgate.core.config.IdentityKind;
import dev.toolgate.core.config.IdentityLocation;
import dev.toolgate.core.config.UserBinding;
import dev.toolgate.core.config.UserTokenPolicy;
import dev.toolgate.core.engine.PolicyEngine;
import dev.toolgate.core.port.UserDirectory;
import dev.toolgate.core.request.IdentityReader;
import dev.toolgate.core.request.ToolCall;
import dev.toolgate.core.route.Route;
import dev.toolgate.server.http.Prefetch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The user directory of the gateway: what a call's identities resolve to, read from the store
 * before the decision (on its own threads, never the event loop) and kept for
 * {@link #ENTRY_LIFETIME}. Mappings never change once made; a user's disabled flag and password
 * do, so a disabled user, or a token older than a new password, is refused within that time.
 */
public final class CachedUserDirectory implements UserDirectory, Prefetch, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CachedUserDirectory.class);
  static final Duration ENTRY_LIFETIME = Duration.ofSeconds(30);
  static final long MAX_ENTRIES = 100_000;

  private enum Op { PLATFORM_USER_ID, OPAQUE_ID, USER_ID, OPAQUE_ID_FOR }

  private record Key(Op op, String platform, String value) {}

  private final UserStore users;
  private final OpaqueIds opaqueIds;
  private final IdentityKind userTokenSubject;
  private final String defaultOpaquePlatform;
  private final Cache<Key, Lookup> cache;
  private final ExecutorService loaders;

  /**
   * @param userTokenSubject what the subject of Toolgate's customer tokens names
   * @param defaultOpaquePlatform the platform of the opaque id forwarded for tools without a platform
   */
  public CachedUserDirectory(UserStore users, OpaqueIds opaqueIds, IdentityKind userTokenSubject, String defaultOpaquePlatform) {
    this.users = users;
    this.opaqueIds = opaqueIds;
    this.userTokenSubject = userTokenSubject;
    this.defaultOpaquePlatform = defaultOpaquePlatform;
    this.cache = Caffeine.newBuilder().maximumSize(MAX_ENTRIES).expireAfterWrite(ENTRY_LIFETIME).build();
    AtomicInteger n = new AtomicInteger();
    this.loaders = Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "toolgate-users-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  @Override
  public Lookup user(IdentityKind kind, String platform, String value) {
    Lookup cached = cache.getIfPresent(keyOf(kind, platform, value));
    return cached != null ? cached : Lookup.UNAVAILABLE; // not fetched before the decision: the store could not answer
  }

  @Override
  public Lookup opaqueId(String platform, String userId) {
    Lookup cached = cache.getIfPresent(new Key(Op.OPAQUE_ID_FOR, platform, userId));
    return cached != null ? cached : Lookup.UNAVAILABLE;
  }

  /** Loads what a verified call's identities name, and the opaque id the tool forwards, unless cached. */
  @Override
  public CompletableFuture<Void> beforeAuthorization(PolicyEngine.Authenticated authenticated) {
    ToolCall call = authenticated.call();
    Route route = authenticated.route();
    UserBinding binding = route.tool().user();
    UserTokenPolicy userToken = route.tool().policy().userToken();
    String subject = authenticated.subject(); // verified
    boolean tokenUser = subject != null && userToken != null && userToken.issuedByToolgate();
    if (binding == null && !tokenUser) {
      return DONE;
    }
    String platform = route.tool().platform();
    List<Key> identities = new ArrayList<>(3);
    if (binding != null) {
      binding.identities().forEach((kind, where) -> present(call, kind, platform, where).ifPresent(identities::add));
    }
    if (tokenUser) {
      identities.add(keyOf(userTokenSubject, platform, subject));
    }
    List<Key> all = new ArrayList<>(identities);
    if (route.tool().owner() != null) {
      present(call, route.tool().owner().kind(), platform, route.tool().owner().location()).ifPresent(all::add);
    }
    // Only the bound user's opaque id is wanted, never an owner's (that could be anyone's).
    String opaquePlatform = binding == null || binding.forward() != UserBinding.Forward.OPAQUE_ID ? null
        : platform != null ? platform : defaultOpaquePlatform;
    if (all.stream().allMatch(k -> cache.getIfPresent(k) != null) && opaqueIdsCached(identities, opaquePlatform)) {
      return DONE; // the usual case
    }
    return CompletableFuture.runAsync(() -> load(all, identities, opaquePlatform), loaders)
        .exceptionally(e -> {
          LOG.warn("user lookup failed: {}", e.toString()); // the decision answers 503 for what is missing
          return null;
        });
  }

  private Optional<Key> present(ToolCall call, IdentityKind kind, String platform, IdentityLocation where) {
    IdentityReader.Read read = IdentityReader.read(call, where);
    return read.present() ? Optional.of(keyOf(kind, platform, read.value())) : Optional.empty();
  }

  private boolean opaqueIdsCached(List<Key> identities, String opaquePlatform) {
    if (opaquePlatform == null) {
      return true;
    }
    for (Key key : identities) {
      Lookup user = cache.getIfPresent(key);
      if (user != null && user.status() == Status.FOUND && cache.getIfPresent(new Key(Op.OPAQUE_ID_FOR, opaquePlatform, user.value())) == null) {
        return false;
      }
    }
    return true;
  }

  private void load(List<Key> all, List<Key> identities, String opaquePlatform) {
    for (Key key : all) {
      if (cache.getIfPresent(key) == null) {
        cache.put(key, lookUp(key));
      }
    }
    if (opaquePlatform == null) {
      return;
    }
    for (Key key : identities) {
      Lookup user = cache.getIfPresent(key);
      if (user != null && user.status() == Status.FOUND) {
        cache.get(new Key(Op.OPAQUE_ID_FOR, opaquePlatform, user.value()), k -> Lookup.found(opaqueIds.idFor(k.platform(), k.value())));
      }
    }
  }

  private Lookup lookUp(Key key) {
    Optional<String> userId = switch (key.op()) {
      case PLATFORM_USER_ID -> users.findPlatformUser(key.platform(), key.value()).map(PlatformUser::userId);
      case OPAQUE_ID -> opaqueIds.resolve(key.value()).map(OpaqueIds.OpaqueId::userId);
      case USER_ID -> Optional.of(key.value());
      case OPAQUE_ID_FOR -> throw new IllegalArgumentException("not an identity: " + key);
    };
    if (userId.isEmpty()) {
      return Lookup.UNKNOWN;
    }
    Optional<User> user = users.findUser(userId.get());
    if (user.isEmpty()) {
      return Lookup.UNKNOWN;
    }
    return user.get().disabled() ? Lookup.disabled(user.get().id()) : Lookup.user(user.get().id(), user.get().passwordChangedAt());
  }

  private static Key keyOf(IdentityKind kind, String platform, String value) {
    return switch (kind) {
      case PLATFORM_USER_ID -> new Key(Op.PLATFORM_USER_ID, platform, value);
      case OPAQUE_ID -> new Key(Op.OPAQUE_ID, null, value);
      case USER_ID -> new Key(Op.USER_ID, null, value);
    };
  }

  @Override
  public void close() {
    loaders.shutdownNow();
  }
}
