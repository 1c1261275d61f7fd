package dev.toolgate.server.store;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * How a client came to be and what kind of app it is (columns {@code registration} and
 * {@code application_type} of {@code clients}, V9).
 *
 * @param registration who created it: an administrator (CLI, admin API) or the client itself (RFC 7591)
 * @param applicationType RFC 7591 / OpenID DCR {@code application_type}: which redirect URIs suit it
 */
public record ClientKind(Registration registration, ApplicationType applicationType) {
  /** What every client made by an administrator is, and what V9 gave existing clients. */
  public static final ClientKind ADMIN = new ClientKind(Registration.ADMIN, ApplicationType.WEB);

  /** Who created the client. */
  public enum Registration {
    ADMIN, DYNAMIC;

    /** As stored and as the CLI and admin API show it: {@code admin}, {@code dynamic}. */
    public String value() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Registration> parse(String value) {
      return Arrays.stream(values()).filter(r -> r.value().equals(value)).findFirst();
    }
  }

  /** A server-side web app, or an app on the user's device (RFC 8252). */
  public enum ApplicationType {
    WEB, NATIVE;

    /** As stored and as RFC 7591 spells it: {@code web}, {@code native}. */
    public String value() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<ApplicationType> parse(String value) {
      return Arrays.stream(values()).filter(t -> t.value().equals(value)).findFirst();
    }
  }

  public ClientKind {
    if (registration == null || applicationType == null) {
      throw new IllegalArgumentException("a client kind needs a registration and an application type");
    }
  }
}
