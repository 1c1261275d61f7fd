package dev.toolgate.core.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class McpBodyTest {
  private static McpBody.Reading read(String json) {
    return McpBody.read(json.getBytes(StandardCharsets.UTF_8));
  }

  private static McpBody.Refused refused(String json) {
    McpBody.Reading r = read(json);
    assertThat(r).as(json).isInstanceOf(McpBody.Refused.class);
    return (McpBody.Refused) r;
  }

  @Test
  void aToolCallNamesItsToolAndId() {
    var m = (McpBody.Messages) read("{\"params\":{\"arguments\":{\"name\":\"x\"},\"name\":\"refund\\u005forder\"},\"method\":\"tools/call\",\"jsonrpc\":\"2.0\",\"id\":0}");
    assertThat(m.batch()).isFalse();
    assertThat(m.messages()).singleElement().satisfies(msg -> {
      assertThat(msg.method()).isEqualTo("tools/call");
      assertThat(msg.name()).as("escapes decoded; arguments.name is not params.name").isEqualTo("refund_order");
      assertThat(msg.id()).isEqualTo(0);
    });
  }

  @Test
  void otherMethodsNameWhatTheyActOn() {
    var m = (McpBody.Messages) read("[{\"jsonrpc\":\"2.0\",\"id\":\"a\",\"method\":\"resources/read\",\"params\":{\"uri\":\"file:///x\"}},"
        + "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"},{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":{}}]");
    assertThat(m.batch()).isTrue();
    assertThat(m.messages()).extracting(McpMessage::describe).containsExactly("resources/read file:///x", "notifications/initialized", "(response)");
    assertThat(m.messages()).extracting(McpMessage::index).containsExactly(0, 1, 2);
  }

  @Test
  void ambiguousOrBrokenBodiesAreRefused() {
    assertThat(refused("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"a\",\"name\":\"b\"}}").jsonRpcCode())
        .isEqualTo(McpBody.PARSE_ERROR);
    assertThat(refused("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"a\",\"arguments\":{\"x\":1,\"x\":2}}}").jsonRpcCode())
        .as("a duplicate anywhere, even in what Toolgate does not read").isEqualTo(McpBody.PARSE_ERROR);
    assertThat(refused("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"} x").jsonRpcCode()).isEqualTo(McpBody.PARSE_ERROR);
    assertThat(McpBody.read(new byte[] {'{', '"', (byte) 0xC0, (byte) 0xAF, '"', ':', '1', '}'})).isInstanceOf(McpBody.Refused.class);
    assertThat(refused("{\"id\":1,\"method\":\"tools/list\"}").jsonRpcCode()).isEqualTo(McpBody.INVALID_REQUEST);
    assertThat(refused("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":7}}").detail()).contains("without a string params.name");
    assertThat(refused("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":[\"a\"]}").detail()).contains("params");
    assertThat(refused("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":3}").jsonRpcCode()).isEqualTo(McpBody.INVALID_REQUEST);
    assertThat(refused("[]").detail()).contains("empty");
    assertThat(refused("[[{\"jsonrpc\":\"2.0\",\"method\":\"ping\"}]]").jsonRpcCode()).isEqualTo(McpBody.INVALID_REQUEST);
    assertThat(refused("\"tools/call\"").jsonRpcCode()).isEqualTo(McpBody.INVALID_REQUEST);
    assertThat(refused("").jsonRpcCode()).isEqualTo(McpBody.INVALID_REQUEST);
    String many = "[" + String.join(",", java.util.Collections.nCopies(McpBody.MAX_BATCH + 1, "{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"id\":1}")) + "]";
    assertThat(refused(many).detail()).contains("at most " + McpBody.MAX_BATCH);
    assertThat(refused("[" + "[".repeat(100) + "]".repeat(100) + "]").jsonRpcCode()).isIn(McpBody.PARSE_ERROR, McpBody.INVALID_REQUEST);
  }
}
