package dev.toolgate.server.users;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The user directory of the gateway: what a call's identities resolve to, read from the store
 * before the decision (on its own threads, never the event loop) and kept for
 * {@link #ENTRY_LIFETIME}. A user's disabled flag and password change, and platform users are
 * mapped: on PostgreSQL the store announces each change and {@link #forgetUser} / {@link
 * #forgetPlatformUser} drop what it makes stale at once; otherwise (SQLite, or an announcement
 * missed) a disabled user, or a token older than a new password, is refused within that time.
 */
public final class CachedUserDirectory implements UserDirectory, Prefetch, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CachedUserDirectory.class);
  static final Duration ENTRY_LIFETIME = Duration.ofSeconds(30);
  static final long MAX_ENTRIES = 100_000;
  /** Lookups waiting for a thread at most; beyond, calls that need the store are refused at once. */
  static final int MAX_QUEUED_LOOKUPS = 1_000;

  private enum Op { PLATFORM_USER_ID, OPAQUE_ID, USER_ID, OPAQUE_ID_FOR }

  private record Key(Op op, String platform, String value) {}

  private final UserStore users;
  private final OpaqueIds opaqueIds;
  private final IdentityKind userTokenSubject;
  private final String defaultOpaquePlatform;
  private final Cache<Key, Lookup> cache;
  private final ExecutorService loaders;
  /** Moves at every forget: a lookup read from the store while it moved may predate the change. */
  private final java.util.concurrent.atomic.AtomicLong forgets = new java.util.concurrent.atomic.AtomicLong();
  private final dev.toolgate.server.store.FailureStreak lookups = new dev.toolgate.server.store.FailureStreak(LOG, "looking up users in the store");

  /**
   * @param userTokenSubject what the subject of Toolgate's customer tokens names
   * @param defaultOpaquePlatform the platform of the opaque id forwarded for tools without a platform
   */
  public CachedUserDirectory(UserStore users, OpaqueIds opaqueIds, IdentityKind userTokenSubject, String defaultOpaquePlatform) {
    this(users, opaqueIds, userTokenSubject, defaultOpaquePlatform, Ticker.systemTicker());
  }

  /** @param ticker the cache's time source (tests move it by hand) */
  CachedUserDirectory(UserStore users, OpaqueIds opaqueIds, IdentityKind userTokenSubject, String defaultOpaquePlatform, Ticker ticker) {
    this.users = users;
    this.opaqueIds = opaqueIds;
    this.userTokenSubject = userTokenSubject;
    this.defaultOpaquePlatform = defaultOpaquePlatform;
    this.cache = Caffeine.newBuilder().maximumSize(MAX_ENTRIES).expireAfterWrite(ENTRY_LIFETIME).ticker(ticker)
        .recordStats() // hits and misses for the metrics: a few adds per lookup
        .build();
    AtomicInteger n = new AtomicInteger();
    // A bounded queue: when the store is slow, calls are refused (503) at once instead of piling up
    // lookups that would still run long after their callers gave up.
    this.loaders = new ThreadPoolExecutor(4, 4, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(MAX_QUEUED_LOOKUPS), r -> {
      Thread t = new Thread(r, "toolgate-users-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    }, new ThreadPoolExecutor.AbortPolicy());
  }

  /** The cache itself, for its size and hit metrics only. */
  public Cache<?, ?> cache() {
    return cache;
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

  /**
   * What a verified call's identities name, and the opaque id the tool forwards: from the cache, or
   * loaded from the store on this class's threads. The answer holds this call's lookups itself, so
   * an entry that expires from the cache meanwhile cannot turn the decision into a 503.
   */
  @Override
  public CompletableFuture<UserDirectory> beforeAuthorization(PolicyEngine.Authenticated authenticated) {
    ToolCall call = authenticated.call();
    Route route = authenticated.route();
    UserBinding binding = route.tool().user();
    UserTokenPolicy userToken = route.tool().policy().userToken();
    String subject = authenticated.subject(); // verified
    boolean tokenUser = subject != null && (authenticated.delegated() || userToken != null && userToken.issuedByToolgate());
    if (binding == null && !tokenUser) {
      return NO_USERS;
    }
    String platform = route.tool().platform();
    List<Key> identities = new ArrayList<>(3);
    if (binding != null) {
      binding.identities().forEach((kind, where) -> present(call, kind, platform, where).ifPresent(identities::add));
    }
    if (tokenUser) {
      identities.add(keyOf(authenticated.subjectKind() != null ? authenticated.subjectKind() : userTokenSubject, platform, subject));
    }
    Key owner = route.tool().owner() == null ? null
        : present(call, route.tool().owner().kind(), platform, route.tool().owner().location()).orElse(null);
    // Only the bound user's opaque id is wanted, never an owner's (that could be anyone's).
    String opaquePlatform = binding == null || binding.forward() != UserBinding.Forward.OPAQUE_ID ? null
        : platform != null ? platform : defaultOpaquePlatform;
    CallLookups cached = new CallLookups();
    if (cached.fill(identities, owner, opaquePlatform, false)) {
      return CompletableFuture.completedFuture(cached); // the usual case: all in memory
    }
    CompletableFuture<UserDirectory> loading;
    try {
      loading = CompletableFuture.supplyAsync(() -> {
        CallLookups loaded = new CallLookups();
        loaded.fill(identities, owner, opaquePlatform, true);
        return (UserDirectory) loaded;
      }, loaders);
    } catch (RejectedExecutionException e) {
      return NO_USERS; // the store is behind: the decision answers 503 for what is not cached
    }
    return loading.handle((loaded, e) -> {
      if (e != null) {
        lookups.failed(e.getCause() != null ? e.getCause() : e); // the decision answers 503 for what is missing
        return null;
      }
      lookups.succeeded();
      return loaded;
    });
  }

  private Optional<Key> present(ToolCall call, IdentityKind kind, String platform, IdentityLocation where) {
    IdentityReader.Read read = IdentityReader.read(call, where);
    return read.present() ? Optional.of(keyOf(kind, platform, read.value())) : Optional.empty();
  }

  /** The lookups of one call, taken from the cache (and the store, when allowed to load). */
  private final class CallLookups implements UserDirectory {
    private final Map<Key, Lookup> found = new HashMap<>(8);

    /** @return whether everything the call needs is here */
    boolean fill(List<Key> identities, Key owner, String opaquePlatform, boolean load) {
      boolean complete = true;
      for (Key key : identities) {
        complete &= take(key, load);
      }
      if (owner != null) {
        complete &= take(owner, load);
      }
      if (opaquePlatform != null) {
        for (Key key : identities) {
          Lookup user = found.get(key);
          if (user != null && user.status() == Status.FOUND) {
            complete &= take(new Key(Op.OPAQUE_ID_FOR, opaquePlatform, user.value()), load);
          }
        }
      }
      return complete;
    }

    private boolean take(Key key, boolean load) {
      long forgetsBefore = forgets.get();
      Lookup lookup = load ? cache.get(key, CachedUserDirectory.this::lookUp) : cache.getIfPresent(key);
      if (lookup == null) {
        return false;
      }
      if (load && forgets.get() != forgetsBefore) {
        // A change was announced while this was read: this call may use it (it raced the change),
        // but the cache must not keep what may be older than the change.
        cache.invalidate(key);
      }
      found.put(key, lookup);
      return true;
    }

    @Override
    public Lookup user(IdentityKind kind, String platform, String value) {
      return found.getOrDefault(keyOf(kind, platform, value), Lookup.UNAVAILABLE);
    }

    @Override
    public Lookup opaqueId(String platform, String userId) {
      return found.getOrDefault(new Key(Op.OPAQUE_ID_FOR, platform, userId), Lookup.UNAVAILABLE);
    }
  }

  /** From the store; on this class's threads only. */
  private Lookup lookUp(Key key) {
    if (key.op() == Op.OPAQUE_ID_FOR) {
      return Lookup.found(opaqueIds.idFor(key.platform(), key.value())); // made on first use
    }
    Optional<String> userId = switch (key.op()) {
      case PLATFORM_USER_ID -> users.findPlatformUser(key.platform(), key.value()).map(PlatformUser::userId);
      case OPAQUE_ID -> opaqueIds.resolve(key.value()).map(OpaqueIds.OpaqueId::userId);
      default -> Optional.of(key.value());
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

  /**
   * Forgets everything cached about a user: the lookups of its id and every identity found to name
   * it (disabled, enabled, or its password reset). Scans the cache: announcements are rare.
   */
  public void forgetUser(String userId) {
    forgets.incrementAndGet();
    cache.asMap().entrySet().removeIf(entry -> entry.getKey().op() != Op.OPAQUE_ID_FOR
        && (userId.equals(entry.getValue().value()) || entry.getKey().op() == Op.USER_ID && userId.equals(entry.getKey().value())));
  }

  /** Forgets what a platform's user id was found to name (nothing, before it was mapped). */
  public void forgetPlatformUser(String platform, String platformUserId) {
    forgets.incrementAndGet();
    cache.invalidate(new Key(Op.PLATFORM_USER_ID, platform, platformUserId));
  }

  /** Forgets everything: after changes may have gone unannounced. */
  public void forgetAll() {
    forgets.incrementAndGet();
    cache.invalidateAll();
  }

  @Override
  public void close() {
    loaders.shutdownNow();
  }
}
