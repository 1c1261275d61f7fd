package dev.toolgate.server.admin;

import dev.toolgate.core.port.AuditEvent;
import dev.toolgate.server.admin.AdminRole.Access;
import dev.toolgate.server.admin.testcall.LoopbackAnswer;
import dev.toolgate.server.admin.testcall.LoopbackSender;
import dev.toolgate.server.admin.testcall.OutgoingCall;
import dev.toolgate.server.admin.testcall.TestCallCredentials;
import dev.toolgate.server.admin.testcall.TestCallRequest;
import dev.toolgate.server.admin.testcall.TestCallResult;
import dev.toolgate.server.admin.testcall.TestCallTarget;
import dev.toolgate.server.http.Endpoint;
import dev.toolgate.server.store.AuditLog;
import dev.toolgate.server.store.AuditWriter;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /admin/tool-calls/test}: "test a tool call". Toolgate builds the request for a tool
 * ({@link TestCallTarget}), puts the chosen credential on it server-side ({@link TestCallCredentials}),
 * sends it through its own gateway on loopback ({@link LoopbackSender}), and answers with the request
 * as sent (credentials redacted), the answer, and the decision with its trace from the audit log.
 *
 * <p>A test call is a real call: it reaches the upstream, counts against rate limits and the
 * failed-authentication budget of the loopback address, and is in the audit log like any other. Each
 * one is logged with the admin token that made it, since the audit log sees it coming from loopback.
 * Built with each configuration ({@code PolicyWiring}): the tools are those in force.
 */
public final class ToolCallTestEndpoint implements Endpoint {
  private static final Logger LOG = LoggerFactory.getLogger(ToolCallTestEndpoint.class);
  /** How long the answer waits for the call's audit record to be written (a batch is written every audit.flush_interval). */
  static final Duration DECISION_WAIT = Duration.ofSeconds(5);

  private final AdminRoutes routes;
  private final TestCallTarget target;
  private final TestCallCredentials credentials;
  private final LoopbackSender sender;
  private final AuditWriter auditWriter;
  private final AuditLog auditLog;

  public ToolCallTestEndpoint(AdminRoutes routes, TestCallTarget target, TestCallCredentials credentials, LoopbackSender sender,
      AuditWriter auditWriter, AuditLog auditLog) {
    this.routes = routes;
    this.target = target;
    this.credentials = credentials;
    this.sender = sender;
    this.auditWriter = auditWriter;
    this.auditLog = auditLog;
  }

  @Override
  public void mount(Router router) {
    routes.post(router, "/admin/tool-calls/test", Access.OPERATE, this::test);
  }

  private record Sent(OutgoingCall call, LoopbackAnswer answer) {}

  private void test(RoutingContext ctx) {
    AdminProblems.requestId(ctx);
    Vertx vertx = ctx.vertx();
    vertx.executeBlocking(() -> { // the store: clients, secrets, users
      TestCallRequest request = TestCallRequest.read(AdminBody.readAnyFields(ctx));
      return credentials.add(request, target.resolve(request));
    }, false).compose(call -> sender.send(vertx, call).map(answer -> new Sent(call, answer))).onComplete(sent -> {
      if (sent.failed() && sent.cause() instanceof LoopbackSender.SendFailure failure) {
        LOG.warn("test call failed (admin request {}): {}", AdminProblems.requestId(ctx), failure.getMessage());
        AdminProblems.send(ctx, AdminProblems.Code.UNAVAILABLE, failure.getMessage());
      } else if (sent.failed()) {
        AdminProblems.fail(ctx, sent.cause());
      } else {
        Sent s = sent.result();
        LOG.info("test call of tool {} by admin token {}: request {} answered {}", s.call().route().name(),
            AdminAuth.caller(ctx).map(AdminToken::id).orElse("?"), s.answer().requestId(), s.answer().status());
        AdminJson.respond(ctx, 200, () -> new TestCallResult(s.call(), s.answer(), decision(s.answer().requestId())),
            AdminResources::toolCallTest);
      }
    });
  }

  /** The call's audit record: waits (on a worker thread) until what was recorded before now is written. */
  private AuditEvent decision(String requestId) {
    if (requestId == null || !auditWriter.flush(DECISION_WAIT)) {
      return null;
    }
    return auditLog.find(requestId).orElse(null);
  }
}
