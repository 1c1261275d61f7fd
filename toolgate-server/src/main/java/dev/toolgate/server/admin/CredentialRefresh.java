package dev.toolgate.server.admin;

import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a stored credential change effective on this instance at once. The change is already
 * committed when this runs, so a failed reload (the store went away just then) does not fail the
 * request: answering 503 "nothing was changed" would be false, and a retry would create a second
 * credential. The periodic poll brings the change once the store answers again.
 */
record CredentialRefresh(Runnable refresh) {
  private static final Logger LOG = LoggerFactory.getLogger(CredentialRefresh.class);

  CredentialRefresh {
    Objects.requireNonNull(refresh, "refresh");
  }

  /** Called on a worker thread after each write. */
  void afterWrite() {
    try {
      refresh.run();
    } catch (RuntimeException e) {
      LOG.warn("a credential change is stored but this instance could not reload it now (it will at its next poll): {}", e.getMessage());
    }
  }
}
