package dev.toolgate.core.config;

import static dev.toolgate.core.config.ConfigTesting.error;
import static dev.toolgate.core.config.ConfigTesting.parse;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class McpConfigTest {
  private static String mcpTool(String policy, String mcp) {
    return """
        authorization_server: {issuer: https://gw.example.com}
        tools:
          - name: shop
            path: /mcp
            upstream: http://127.0.0.1:9100/mcp
            policy: POLICY
            mcp: MCP
        """.replace("POLICY", policy).replace("MCP", mcp);
  }

  @Test
  void anMcpRouteTakesEveryMethodAndDefaultsItsResourceToTheIssuersOrigin() {
    GatewayConfig config = parse(mcpTool("{require: [client_token], client_token: {scopes: [mcp]}}",
        "{tools: {refund_order: {scopes: [orders.refund], rate_limits: [{per: user, limit: 5, period: 1h}]}}, methods: {prompts/get: {deny: true}}}"));
    ToolConfig tool = config.tools().get(0);
    assertThat(tool.method()).isEqualTo("*");
    assertThat(tool.mcp().resource()).isEqualTo("https://gw.example.com/mcp");
    McpRule refund = tool.mcp().tools().get("refund_order");
    assertThat(refund.key()).isEqualTo("tools/call refund_order");
    assertThat(refund.scopes()).containsExactly("orders.refund");
    assertThat(refund.rateLimits()).singleElement().satisfies(l -> assertThat(l.bucket()).isEqualTo("shop/tools/call refund_order"));
    assertThat(tool.mcp().methods().get("prompts/get").deny()).isTrue();
    assertThat(tool.mcp().ruleScopes()).containsExactly("orders.refund");
  }

  @Test
  void mistakesAreNamedWithTheirPlace() {
    assertThat(error(mcpTool("{require: [client_token], client_token: {audience: https://x.example}}", "{}")).getMessage())
        .contains("tools[0].policy.client_token.audience: on an MCP route the token's audience is the route's resource");
    assertThat(error(mcpTool("{require: [api_key]}", "{tools: {refund_order: {scopes: [a]}}}")).getMessage())
        .contains("tools[0].mcp.tools.refund_order.scopes: scopes are checked on a token");
    assertThat(error(mcpTool("{require: [api_key]}", "{tools: {\"bad name!\": {}}}")).getMessage()).contains("expected an MCP tool name");
    assertThat(error(mcpTool("{require: [api_key]}", "{resource: ftp://x/mcp}")).getMessage()).contains("tools[0].mcp.resource");
    assertThat(error(mcpTool("{require: [api_key]}", "{allowed_origins: [https://a.example/path]}")).getMessage()).contains("expected an origin");
    assertThat(error(mcpTool("{require: [api_key]}", "{unlisted_tools: maybe}")).getMessage()).contains("tools[0].mcp.unlisted_tools");
    assertThat(error(mcpTool("{require: [api_key]}", "{tools: {a: {deny: true, scopes: [x]}}}")).getMessage()).contains("a denied method or tool needs nothing else");
    assertThat(error(mcpTool("{require: [api_key]}", "{methods: {tools/call: {}}, tools: {a: {}}}")).getMessage()).contains("tools/call is judged per tool");
    assertThat(error(mcpTool("{anonymous: true}", "{tools: {a: {user: {forward: user_id}}}}")).getMessage()).contains("anonymous");
    assertThat(error(mcpTool("{require: [api_key]}", "{}").replace("path: /mcp", "path: /mcp/{x}")).getMessage())
        .contains("an MCP server is served at one literal path");
  }

  @Test
  void aBoundPortMovesADefaultResource() {
    GatewayConfig config = parse("""
        server: {port: 0}
        tools:
          - name: shop
            path: /mcp
            upstream: http://127.0.0.1:9100/mcp
            policy: {require: [api_key]}
            mcp: {}
        """).withBoundPort(4321);
    assertThat(config.tools().get(0).mcp().resource()).isEqualTo("http://127.0.0.1:4321/mcp");
  }
}
