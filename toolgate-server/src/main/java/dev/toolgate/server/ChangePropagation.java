package dev.toolgate.server;

import dev.toolgate.server.admin.AdminAuth;
import dev.toolgate.server.store.ChangeListener;
import dev.toolgate.server.store.CredentialCache;
import dev.toolgate.server.store.StoreChange;
import dev.toolgate.server.users.CachedUserDirectory;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Acts on the changes the store announces, so every instance of a cluster decides on them at once:
 * <ul>
 *   <li>a revoked JWT is marked revoked in the credential cache, with no reload;
 *   <li>any other credential change (token, API key, client secret, signing secret or key revoked,
 *       client disabled, ...) reloads the credential snapshot;
 *   <li>a user disabled or enabled, or its password reset, and a platform user mapped, are forgotten
 *       by the user directory, which reads them again on the next call that names them;
 *   <li>admin tokens created or revoked reload the admin tokens.
 * </ul>
 * Reloads run on one thread of their own, never the listener's; requests that arrive while one is
 * waiting to start are served by it, and a request that arrives while one runs gets a run that starts
 * after it (so it sees the change). After the listener (re)connects, everything is reloaded once,
 * since changes made meanwhile were announced to nobody. The periodic polling stays as the fallback.
 */
final class ChangePropagation implements ChangeListener.Handler, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ChangePropagation.class);

  private final CredentialCache credentials;
  private final CachedUserDirectory users;
  private final AdminAuth adminAuth;
  private final Runnable afterCredentialReload;
  private final ExecutorService reloads = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "toolgate-change-reloads");
    t.setDaemon(true);
    return t;
  });
  private final AtomicBoolean credentialReloadWanted = new AtomicBoolean();
  private final AtomicBoolean credentialCheckWanted = new AtomicBoolean();
  private final AtomicBoolean adminReloadWanted = new AtomicBoolean();

  /** @param afterCredentialReload runs after each credential reload this class makes (readiness) */
  ChangePropagation(CredentialCache credentials, CachedUserDirectory users, AdminAuth adminAuth, Runnable afterCredentialReload) {
    this.credentials = credentials;
    this.users = users;
    this.adminAuth = adminAuth;
    this.afterCredentialReload = afterCredentialReload;
  }

  @Override
  public void changed(List<StoreChange> changes) {
    // Revocations first: the revision each one moved to then needs no reload (see CredentialCache.revokedAt,
    // which checks each with the store: anyone who can connect to the database can announce anything).
    for (StoreChange change : changes) {
      if (change instanceof StoreChange.RevokedToken revoked) {
        try {
          credentials.revokedAt(revoked.jti(), revoked.revision());
        } catch (RuntimeException e) {
          // The store cannot be asked: the announcement is not believed; the reload below or the poll catches up.
          LOG.debug("could not check an announced token revocation: {}", e.toString());
        }
      }
    }
    for (StoreChange change : changes) {
      if (change instanceof StoreChange.Credentials moved) {
        if (credentials.revision() < moved.revision()) {
          reloadCredentials();
        }
      } else if (change instanceof StoreChange.User user) {
        users.forgetUser(user.userId());
      } else if (change instanceof StoreChange.PlatformUser platformUser) {
        users.forgetPlatformUser(platformUser.platform(), platformUser.platformUserId());
      } else if (change instanceof StoreChange.AdminTokens) {
        reloadAdminTokens();
      }
    }
  }

  @Override
  public void listening() {
    users.forgetAll();
    request(credentialCheckWanted, "credentials", () -> {
      if (credentials.refreshIfChanged()) { // nothing says which revision was missed: ask the store
        afterCredentialReload.run();
      }
    });
    reloadAdminTokens();
  }

  /** The announced revision is only a hint (anyone may announce one): the store's own revision decides, one cheap query. */
  private void reloadCredentials() {
    request(credentialReloadWanted, "credentials", () -> {
      if (credentials.refreshIfChanged()) {
        afterCredentialReload.run();
      }
    });
  }

  private void reloadAdminTokens() {
    request(adminReloadWanted, "admin tokens", adminAuth::reload);
  }

  private void request(AtomicBoolean wanted, String what, Runnable reload) {
    if (!wanted.compareAndSet(false, true)) {
      return; // a run that has not started yet will see this change too
    }
    try {
      reloads.execute(() -> {
        wanted.set(false); // from here on, a new change needs a new run
        try {
          reload.run();
        } catch (RuntimeException e) {
          // The store may be down; polling retries, and the listener reloads after reconnecting.
          LOG.warn("reloading {} after a store announcement failed: {}", what, e.toString());
        }
      });
    } catch (RejectedExecutionException e) {
      wanted.set(false); // shutting down
    }
  }

  @Override
  public void close() {
    reloads.shutdownNow();
    try {
      reloads.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
