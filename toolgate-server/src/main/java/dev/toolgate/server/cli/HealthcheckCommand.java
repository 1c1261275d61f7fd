package dev.toolgate.server.cli;

import dev.toolgate.core.config.AuthServerSettings;
import dev.toolgate.core.config.GatewayConfig;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code toolgate healthcheck}: asks a running server's {@code /readyz} and exits 0 when it answers 200,
 * 1 otherwise. For container health checks: the image has no shell and no curl, only the JVM.
 */
@Command(name = "healthcheck", mixinStandardHelpOptions = true,
    description = {"Exit 0 if the server of this configuration is ready (GET /readyz answers 200), 1 if not.",
        "For container and service-manager health checks; prints the status it got",
        "(-o json: {\"url\", \"status\", \"ready\"}, and \"error\" when nothing answered)."})
final class HealthcheckCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ConfigOption config;
  @Mixin OutputOption output;
  @Mixin NoServer noServer;

  @Option(names = "--url", paramLabel = "URL",
      description = "Ask this URL instead (default: /readyz on the management port of the configuration, or on server.host and"
          + " server.port without one).")
  String url;

  @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "3",
      description = "Give up after this many seconds, 1-60 (default: ${DEFAULT-VALUE}).")
  int timeoutSeconds;

  @Override
  public Integer call() {
    if (timeoutSeconds < 1 || timeoutSeconds > 60) {
      throw UserError.usage("--timeout must be 1-60 seconds, got " + timeoutSeconds);
    }
    Duration limit = Duration.ofSeconds(timeoutSeconds);
    URI target = url != null ? httpUrl(url) : readyz(config.load());
    try {
      HttpURLConnection c = (HttpURLConnection) target.toURL().openConnection();
      c.setConnectTimeout((int) limit.toMillis());
      c.setReadTimeout((int) limit.toMillis());
      int status = c.getResponseCode();
      try (InputStream body = status < 400 ? c.getInputStream() : c.getErrorStream()) {
        if (body != null) {
          body.readAllBytes();
        }
      }
      JsonObject report = new JsonObject().put("url", target.toString()).put("status", status).put("ready", status == 200);
      output.print(spec, report, out -> out.println(target + ": " + status));
      return status == 200 ? 0 : 1;
    } catch (IOException | IllegalArgumentException e) {
      String problem = e.getClass().getSimpleName() + ": " + e.getMessage();
      if (output.json()) {
        output.print(spec, new JsonObject().put("url", target.toString()).put("status", null).put("ready", false).put("error", problem), out -> { });
      } else {
        spec.commandLine().getErr().println(target + ": " + problem);
      }
      return 1;
    }
  }

  /** {@code --url}: only HTTP is asked (a file: or ftp: URL would be read, not probed). */
  private static URI httpUrl(String text) {
    try {
      URI uri = new URI(text);
      if (uri.isAbsolute() && uri.getHost() != null && ("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))) {
        return uri;
      }
    } catch (java.net.URISyntaxException e) {
      // refused below
    }
    throw UserError.usage("--url must be an absolute http:// or https:// URL, e.g. http://127.0.0.1:8080/readyz");
  }

  /**
   * The configured server's /readyz, reached on loopback when it listens on every interface: on the
   * management port when there is one (plain HTTP, whatever the gateway port speaks), else on the
   * gateway port with its own scheme.
   */
  private static URI readyz(GatewayConfig config) {
    URI base = config.management()
        .map(m -> AuthServerSettings.defaultIssuer(m.host(), m.port()))
        .orElseGet(() -> AuthServerSettings.defaultIssuer(config.server().host(), config.server().port(), config.server().tls() != null));
    return URI.create(base + "/readyz");
  }
}
