package dev.toolgate.server.admin.testcall;

import java.util.List;

/**
 * What the gateway answered a test call: the upstream's answer relayed, or Toolgate's refusal.
 *
 * @param body the first {@value LoopbackSender#MAX_ANSWER_BYTES} bytes as UTF-8 text
 * @param truncated whether the answer went on beyond that, or past the deadline
 * @param requestId the call's {@code X-Request-Id}: the key of its audit record; null if the answer had none
 */
public record LoopbackAnswer(int status, List<TestCallRequest.Header> headers, String body, boolean truncated, String requestId) {
  public LoopbackAnswer {
    headers = List.copyOf(headers);
  }
}
