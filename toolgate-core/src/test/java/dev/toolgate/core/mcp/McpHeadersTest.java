package dev.toolgate.core.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.core.request.Headers;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

class McpHeadersTest {
  private static final McpMessage REFUND = new McpMessage("tools/call", "refund_order", 0, 1);
  private static final McpMessage LIST = new McpMessage("tools/list", null, 1, 2);

  private static Headers headers(String... pairs) {
    Map<String, List<String>> map = new java.util.LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      map.computeIfAbsent(pairs[i].toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(pairs[i + 1]);
    }
    return Headers.of(map);
  }

  @Test
  void agreeingHeadersPassAndOlderClientsNeedNone() {
    assertThat(McpHeaders.mismatch(headers("Mcp-Method", "tools/call", "Mcp-Name", " refund_order "), List.of(REFUND))).isNull();
    assertThat(McpHeaders.mismatch(headers("mcp-protocol-version", "2025-11-25"), List.of(REFUND))).isNull();
    assertThat(McpHeaders.mismatch(headers("mcp-name", "=?base64?cmVmdW5kX29yZGVy?="), List.of(REFUND))).isNull();
  }

  @Test
  void disagreeingMissingOrBrokenHeadersAreMismatches() {
    assertThat(McpHeaders.mismatch(headers("mcp-name", "lookup_order"), List.of(REFUND))).contains("Mcp-Name");
    assertThat(McpHeaders.mismatch(headers("mcp-method", "tools/list"), List.of(REFUND))).contains("Mcp-Method");
    assertThat(McpHeaders.mismatch(headers("mcp-method", "tools/call"), List.of(REFUND, LIST))).contains("batch element 1");
    assertThat(McpHeaders.mismatch(headers("mcp-name", "a", "mcp-name", "refund_order"), List.of(REFUND))).contains("once");
    assertThat(McpHeaders.mismatch(headers("mcp-name", "=?base64?cmVmdW5kX29yZGVy=?="), List.of(REFUND))).contains("invalid");
    assertThat(McpHeaders.mismatch(headers("mcp-protocol-version", "2026-07-28"), List.of(REFUND))).contains("must send Mcp-Method");
    assertThat(McpHeaders.mismatch(headers("mcp-protocol-version", "2026-07-28", "mcp-method", "tools/call"), List.of(REFUND)))
        .contains("must send Mcp-Name");
    assertThat(McpHeaders.mismatch(headers("mcp-protocol-version", "v999.0.0"), List.of(REFUND))).as("the server's to refuse").isNull();
  }
}
