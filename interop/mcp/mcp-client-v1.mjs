// MCP client from @modelcontextprotocol/sdk 1.x (protocol revision 2025-11-25) against an MCP server
// whose authorization server is Toolgate. Everything OAuth is the SDK's: RFC 9728/8414 discovery,
// CIMD or DCR, PKCE, RFC 8707 resource, refresh. 1.x's finishAuth takes only the code and does not
// check iss; mcp-client-common.mjs checks it against the discovered issuer itself.
//
// Env: same as mcp-client-v2.mjs — MCP_URL, USERNAME, PASSWORD, REDIRECT_URI, REGISTRATION (cimd|dcr),
// CLIENT_METADATA_URL (cimd), SCOPE (optional).
// Prints one JSON line {"ok", "checks", "sdk", "registration", "protocolVersion"}; exit 1 on failure.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { run } from './report.mjs';
import { runMcpClient } from './mcp-client-common.mjs';

await run((report) => runMcpClient(report, {
  label: 'sdk-1.x',
  Client,
  StreamableHTTPClientTransport,
  UnauthorizedError,
  clientOptions: {},
  finishAuth: (transport, params) => transport.finishAuth(params.code),
  protocolVersion: (client, transport) => transport.protocolVersion,
}));
