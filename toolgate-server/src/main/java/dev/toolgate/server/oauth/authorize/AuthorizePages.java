package dev.toolgate.server.oauth.authorize;

import static dev.toolgate.server.oauth.authorize.Html.escape;

import dev.toolgate.core.net.RedirectUris;
import dev.toolgate.server.oauth.client.AuthorizationClient;
import java.net.URI;

/**
 * The HTML of the authorization pages: plain server-rendered forms, no JavaScript, no inline style
 * (the stylesheet is {@link #STYLESHEET_PATH}, same origin), readable without it. Every value shown
 * is escaped ({@link Html}); the form field names and button values are the contract a generic
 * driver relies on: {@code username}, {@code password}, hidden {@code request} and {@code csrf},
 * buttons {@code decision=allow|deny}.
 */
final class AuthorizePages {
  static final String STYLESHEET_PATH = "/oauth/authorize/style.css";
  static final String LOGIN_ACTION = "/oauth/authorize/login";
  static final String CONSENT_ACTION = "/oauth/authorize/consent";

  /** What the login and consent pages show and carry. */
  record Model(AuthorizationClient client, AuthorizationRequest request, String sealedRequest, String csrf) {}

  private AuthorizePages() {}

  /** The sign-in form; {@code error} (plain text, may be null) is shown above it. */
  static String login(Model m, String error) {
    StringBuilder b = head("Sign in");
    b.append("<h1>Sign in</h1>\n");
    b.append("<p>").append(clientLabel(m.client())).append(" wants to use <code>").append(escape(m.request().resource()))
        .append("</code> for you. Sign in to continue.</p>\n");
    if (error != null) {
      b.append("<p class=\"error\" role=\"alert\">").append(escape(error)).append("</p>\n");
    }
    b.append("<form method=\"post\" action=\"").append(LOGIN_ACTION).append("\">\n");
    hidden(b, m);
    b.append("<p><label for=\"username\">Username</label>\n")
        .append("<input id=\"username\" name=\"username\" type=\"text\" autocomplete=\"username\" autocapitalize=\"none\""
            + " spellcheck=\"false\" required autofocus></p>\n");
    b.append("<p><label for=\"password\">Password</label>\n")
        .append("<input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required></p>\n");
    b.append("<p><button type=\"submit\">Sign in</button></p>\n</form>\n");
    return tail(b);
  }

  /** The consent form for {@code username}, who signed in. */
  static String consent(Model m, String username) {
    AuthorizationRequest r = m.request();
    StringBuilder b = head("Allow access?");
    b.append("<h1>Allow access?</h1>\n");
    b.append("<p>Signed in as <strong>").append(escape(username)).append("</strong>.</p>\n");
    b.append("<p>").append(clientLabel(m.client())).append(" wants to act for you on:</p>\n");
    b.append("<p class=\"resource\"><code>").append(escape(r.resource())).append("</code></p>\n");
    if (r.scopes().isEmpty()) {
      b.append("<p>It asks for no particular permissions (no scopes).</p>\n");
    } else {
      b.append("<p>It asks for these permissions (scopes):</p>\n<ul class=\"scopes\">\n");
      for (String scope : r.scopes()) {
        b.append("<li><code>").append(escape(scope)).append("</code></li>\n");
      }
      b.append("</ul>\n");
    }
    b.append("<p>Your answer will be sent to <strong>").append(escape(ClientRedirect.displayHost(r.redirectUri()))).append("</strong>.</p>\n");
    if (RedirectUris.isLoopback(r.redirectUri())) {
      b.append("<p class=\"warning\" role=\"alert\"><strong>Warning:</strong> the answer goes to a program on this computer"
          + " (localhost). Only continue if you started this on this computer.</p>\n");
    }
    b.append("<form method=\"post\" action=\"").append(CONSENT_ACTION).append("\">\n");
    hidden(b, m);
    b.append("<p class=\"buttons\">")
        .append("<button type=\"submit\" name=\"decision\" value=\"allow\">Allow</button>\n")
        .append("<button type=\"submit\" name=\"decision\" value=\"deny\" class=\"secondary\">Deny</button></p>\n</form>\n");
    return tail(b);
  }

  /** A page that explains why the request stops here (no form, nothing sent to the application). */
  static String problem(String title, String message) {
    StringBuilder b = head(title);
    b.append("<h1>").append(escape(title)).append("</h1>\n");
    b.append("<p>").append(escape(message)).append("</p>\n");
    b.append("<p>You can close this page and start again from the application.</p>\n");
    return tail(b);
  }

  /**
   * The client's name, and for a client known by its metadata document the host that published it (the name is its author's claim).
   * A client without a name (client_name is optional in a metadata document) is shown by its client id, never as an empty label.
   */
  static String clientLabel(AuthorizationClient client) {
    String name = client.name() == null || client.name().isBlank() ? client.clientId() : client.name();
    StringBuilder b = new StringBuilder("<strong>").append(escape(name)).append("</strong>");
    if (client.source() == AuthorizationClient.Source.METADATA_DOCUMENT) {
      b.append(" (described by <strong>").append(escape(hostOf(client.clientId()))).append("</strong>)");
    } else if (!name.equals(client.clientId())) {
      b.append(" (client <code>").append(escape(client.clientId())).append("</code>)");
    }
    return b.toString();
  }

  private static String hostOf(String url) {
    try {
      String host = URI.create(url).getHost();
      return host == null ? url : host;
    } catch (IllegalArgumentException e) {
      return url;
    }
  }

  private static void hidden(StringBuilder b, Model m) {
    b.append("<input type=\"hidden\" name=\"request\" value=\"").append(escape(m.sealedRequest())).append("\">\n");
    b.append("<input type=\"hidden\" name=\"csrf\" value=\"").append(escape(m.csrf())).append("\">\n");
  }

  private static StringBuilder head(String title) {
    return new StringBuilder(2048)
        .append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<meta name=\"referrer\" content=\"same-origin\">\n")
        .append("<title>").append(escape(title)).append(" · Toolgate</title>\n")
        .append("<link rel=\"stylesheet\" href=\"").append(STYLESHEET_PATH).append("\">\n")
        .append("</head>\n<body>\n<main>\n");
  }

  private static String tail(StringBuilder b) {
    return b.append("</main>\n</body>\n</html>\n").toString();
  }
}
