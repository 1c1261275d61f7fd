package dev.toolgate.server.tls;

import dev.toolgate.core.pki.Pem;
import dev.toolgate.core.route.Route;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.net.PemTrustOptions;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One event loop's HTTP clients to the upstreams: one for the tools that verify an https upstream
 * with the JVM's trust store, and one per distinct {@code upstream_ca} bundle (a client's trust is
 * fixed when it is made). Every client verifies the upstream's certificate and that it names the
 * host it was asked for (hostname verification, RFC 9110 §4.3.4); neither is ever switched off.
 */
public final class UpstreamClients {
  private final HttpClient jvmTrust;
  private final Map<String, HttpClient> byTool = new HashMap<>();
  private final List<HttpClient> all = new ArrayList<>();

  /**
   * @param upstreamCas each tool's {@code upstream_ca} certificates, by tool name (tools without one are absent)
   */
  public UpstreamClients(Vertx vertx, Map<String, List<X509Certificate>> upstreamCas) {
    jvmTrust = create(vertx, null);
    Map<List<X509Certificate>, HttpClient> byBundle = new HashMap<>();
    upstreamCas.forEach((tool, bundle) -> byTool.put(tool, byBundle.computeIfAbsent(bundle, b -> create(vertx, b))));
  }

  public HttpClient client(Route route) {
    return byTool.getOrDefault(route.name(), jvmTrust);
  }

  public Future<Void> close() {
    return Future.all(all.stream().map(HttpClient::close).toList()).mapEmpty();
  }

  private HttpClient create(Vertx vertx, List<X509Certificate> ca) {
    HttpClientOptions options = new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true).setDecompressionSupported(false)
        .setVerifyHost(true);
    if (ca != null) {
      PemTrustOptions trust = new PemTrustOptions();
      for (X509Certificate c : ca) {
        try {
          trust.addCertValue(Buffer.buffer(Pem.encode("CERTIFICATE", c.getEncoded())));
        } catch (CertificateEncodingException e) {
          throw new IllegalStateException("a parsed CA certificate cannot be encoded", e);
        }
      }
      options.setTrustOptions(trust);
    }
    HttpClient client = vertx.createHttpClient(options, new PoolOptions().setHttp1MaxSize(256));
    all.add(client);
    return client;
  }
}
