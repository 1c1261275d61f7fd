package dev.toolgate.server.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ToolsListFilterTest {
  private static final String LIST = "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"tools\":[{\"name\":\"a\"},{\"name\":\"b\"},{\"name\":\"c\"}]}}";

  @Test
  void jsonAnswerLosesTheHiddenTools() {
    String out = ToolsListFilter.filter(Buffer.buffer(LIST), false, Set.of("b")::contains).toString();
    assertThat(out).contains("\"a\"").contains("\"c\"").doesNotContain("\"b\"");
  }

  @Test
  void eventStreamKeepsOtherEventsAndFieldsAndRewritesTheResult() {
    String sse = ": hello\n\nevent: message\nid: 7\ndata: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\",\"params\":{}}\n\n"
        + "event: message\r\nid: 8\r\ndata: " + LIST + "\r\n\r\n";
    String out = ToolsListFilter.filter(Buffer.buffer(sse), true, Set.of("a", "c")::contains).toString();
    assertThat(out).startsWith(": hello\n\n").contains("notifications/progress").contains("id: 8\n").contains("\"b\"")
        .doesNotContain("{\"name\":\"a\"}").doesNotContain("{\"name\":\"c\"}").endsWith("\n\n");
  }

  @Test
  void anythingElsePassesAsItCame() {
    Buffer notJson = Buffer.buffer("not json");
    assertThat(ToolsListFilter.filter(notJson, false, name -> true)).isSameAs(notJson);
    Buffer error = Buffer.buffer("{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-1,\"message\":\"x\"}}");
    assertThat(ToolsListFilter.filter(error, true, name -> true)).isSameAs(error);
    Buffer nothingHidden = Buffer.buffer(LIST);
    assertThat(ToolsListFilter.filter(nothingHidden, false, name -> false)).isSameAs(nothingHidden);
  }
}
