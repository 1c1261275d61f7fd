package dev.toolgate.server.admin;

import dev.toolgate.core.decision.Check;
import dev.toolgate.core.port.AuditEvent;
import dev.toolgate.server.http.Endpoint;
import dev.toolgate.server.store.AuditLog;
import dev.toolgate.server.store.NotFoundException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** {@code GET /admin/decisions/{request_id}}: the decision trace of one call, for "why was this denied?". */
public final class DecisionsAdminEndpoint implements Endpoint {
  private final AdminAuth auth;
  private final AuditLog audit;

  public DecisionsAdminEndpoint(AdminAuth auth, AuditLog audit) {
    this.auth = auth;
    this.audit = audit;
  }

  @Override
  public void mount(Router router) {
    router.get("/admin/decisions/:request_id").handler(auth).handler(this::get).failureHandler(AdminProblems::failed);
  }

  private void get(RoutingContext ctx) {
    String id = ctx.pathParam("request_id");
    AdminJson.respond(ctx, 200, () -> audit.find(id).orElseThrow(() -> new NotFoundException("no decision with request id '" + id + "'")),
        DecisionsAdminEndpoint::json);
  }

  static JsonObject json(AuditEvent e) {
    JsonArray checks = new JsonArray();
    for (Check c : e.trace()) {
      checks.add(new JsonObject().put("check", c.name()).put("passed", c.passed()).put("detail", c.detail()));
    }
    return new JsonObject()
        .put("request_id", e.requestId())
        .put("time", e.time().toString())
        .put("method", e.method())
        .put("path", e.path())
        .put("remote_address", e.remoteAddress())
        .put("tool", e.tool())
        .put("client_id", e.clientId())
        .put("credential_ids", new JsonArray(e.credentialIds()))
        .put("decision", e.decision())
        .put("code", e.code())
        .put("status", e.status())
        .put("latency_micros", e.latencyMicros())
        .put("detail", e.detail())
        .put("config_version", e.configVersion())
        .put("checks", checks);
  }
}
