// MCP client from @modelcontextprotocol/client 2.x (protocol revision 2026-07-28, pinned) against an
// MCP server whose authorization server is Toolgate. Everything OAuth is the SDK's: RFC 9728/8414
// discovery, CIMD or DCR, PKCE, RFC 8707 resource, RFC 9207 iss validation in finishAuth, refresh.
// See mcp-client-common.mjs for the flow and the checks.
//
// Env:
//   MCP_URL              the MCP server (e.g. resource-server.mjs's /mcp URL)
//   USERNAME, PASSWORD   the Toolgate user who logs in and consents
//   REDIRECT_URI         loopback http URL; nothing listens there (the headless browser stops at it)
//   REGISTRATION         cimd | dcr (default dcr)
//   CLIENT_METADATA_URL  cimd only: https URL of the client metadata document (hosted by the Java test;
//                        it must list REDIRECT_URI and token_endpoint_auth_method none)
//   SCOPE                optional: client metadata scope (the SDK prefers the PRM's scopes_supported)
// Prints one JSON line {"ok", "checks", "sdk", "registration", "protocolVersion"}; exit 1 on failure.
import { Client, StreamableHTTPClientTransport, UnauthorizedError } from '@modelcontextprotocol/client';
import { run } from './report.mjs';
import { runMcpClient } from './mcp-client-common.mjs';

await run((report) => runMcpClient(report, {
  label: 'client-2.x',
  Client,
  StreamableHTTPClientTransport,
  UnauthorizedError,
  clientOptions: { versionNegotiation: { mode: { pin: '2026-07-28' } } },
  // 2.x takes the callback's iss and validates it against the recorded issuer (RFC 9207) before redeeming the code.
  finishAuth: (transport, params) => transport.finishAuth(params.code, params.iss),
  protocolVersion: (client) => client.getNegotiatedProtocolVersion(),
}));
