package dev.toolgate.core.credential;

import dev.toolgate.core.config.CredentialKind;
import dev.toolgate.core.request.ToolCall;
import dev.toolgate.core.route.Route;

/** Verifies one kind of credential on a call. One implementation per kind; stateless and thread-safe. */
public interface CredentialVerifier {
  CredentialKind kind();

  Verification verify(ToolCall call, Route route);

  /** The {@code WWW-Authenticate} challenge a caller gets when this credential is missing or bad. */
  String challenge(Route route, Verification failure);
}
