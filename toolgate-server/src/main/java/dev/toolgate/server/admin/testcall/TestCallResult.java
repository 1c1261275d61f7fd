package dev.toolgate.server.admin.testcall;

import dev.toolgate.core.port.AuditEvent;

/**
 * A test call as sent, what came back, and the gateway's decision as its audit log holds it.
 *
 * @param decision the audit record of the call; null when the answer had no request id or the
 *     record was not written in time (it may still be, under {@code /admin/decisions/{request_id}})
 */
public record TestCallResult(OutgoingCall request, LoopbackAnswer response, AuditEvent decision) {}
