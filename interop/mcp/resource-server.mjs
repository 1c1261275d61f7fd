// A small MCP server (the SDK's own @modelcontextprotocol/server 2.x) acting as an OAuth protected
// resource that trusts Toolgate: the MCP server the interop clients connect to.
//
//   http://127.0.0.1:PORT/mcp                                   MCP over Streamable HTTP, bearer token required
//   http://127.0.0.1:PORT/.well-known/oauth-protected-resource/mcp   RFC 9728 metadata:
//        resource = the exact /mcp URL, authorization_servers = [TOOLGATE_ISSUER], scopes_supported = SCOPES
//
// Tokens are verified locally with jose: signature through the issuer's jwks_uri (RFC 8414 discovery,
// fetched on first use so this server may start before Toolgate), iss = TOOLGATE_ISSUER,
// aud = the exact resource URL, typ = at+jwt (RFC 9068), exp. A missing or bad token gets
// 401 + `WWW-Authenticate: Bearer …, resource_metadata="…"` (the SDK's bearer-auth helper).
// One tool, `whoami`, answers the token's sub, scope and client_id.
// Both protocol eras are served: 2026-07-28 (2.x clients) and, statelessly, 2025-era (1.x clients).
//
// Env: PORT (0 = any free port; default 0), TOOLGATE_ISSUER, SCOPES (space or comma separated, optional).
// Prints {"listening": "<the /mcp URL>"} on stdout once ready; logs one line per request on stderr.
// Runs until SIGTERM/SIGINT.
import http from 'node:http';
import { Readable } from 'node:stream';
import { createRemoteJWKSet, jwtVerify, errors as joseErrors } from 'jose';
import * as oauth from 'oauth4webapi';
import {
  McpServer, OAuthError, OAuthErrorCode, buildOAuthProtectedResourceMetadata, createMcpHandler,
  getOAuthProtectedResourceMetadataUrl, requireBearerAuth,
} from '@modelcontextprotocol/server';
import { env } from './report.mjs';

const issuer = env('TOOLGATE_ISSUER');
const scopes = env('SCOPES', '').split(/[\s,]+/).filter(Boolean);
const port = Number(env('PORT', '0'));

// The issuer's JWKS, discovered once; a failed discovery is retried on the next request.
let jwksPromise;
function jwks() {
  jwksPromise ??= (async () => {
    const issuerUrl = new URL(issuer);
    const response = await oauth.discoveryRequest(issuerUrl, { algorithm: 'oauth2', [oauth.allowInsecureRequests]: true });
    const as = await oauth.processDiscoveryResponse(issuerUrl, response);
    if (!as.jwks_uri) throw new Error('authorization server metadata has no jwks_uri');
    return createRemoteJWKSet(new URL(as.jwks_uri));
  })().catch((error) => {
    jwksPromise = undefined;
    throw error;
  });
  return jwksPromise;
}

function verifier(resource) {
  return {
    async verifyAccessToken(token) {
      let keys;
      try {
        keys = await jwks();
      } catch (error) {
        throw new OAuthError(OAuthErrorCode.ServerError, `cannot reach the authorization server's keys: ${error.message}`);
      }
      try {
        const { payload } = await jwtVerify(token, keys, { issuer, audience: resource, typ: 'at+jwt' });
        return {
          token,
          clientId: String(payload.client_id ?? ''),
          scopes: typeof payload.scope === 'string' ? payload.scope.split(' ').filter(Boolean) : [],
          expiresAt: payload.exp,
          resource: new URL(resource),
          extra: { sub: payload.sub, scope: payload.scope, client_id: payload.client_id, aud: payload.aud },
        };
      } catch (error) {
        const reason = error instanceof joseErrors.JOSEError ? `${error.code}: ${error.message}` : 'malformed token';
        throw new OAuthError(OAuthErrorCode.InvalidToken, reason);
      }
    },
  };
}

// One McpServer per request (the handler's model); the same definition serves both eras.
function mcpServer() {
  const server = new McpServer({ name: 'toolgate-interop-resource', version: '1.0.0' });
  server.registerTool('whoami', { description: 'The subject and scope of the presented access token.' }, (ctx) => {
    const extra = ctx.http?.authInfo?.extra ?? {};
    const who = { sub: extra.sub ?? null, scope: extra.scope ?? null, client_id: extra.client_id ?? null };
    return { content: [{ type: 'text', text: JSON.stringify(who) }], structuredContent: who };
  });
  return server;
}

// node:http <-> fetch API, the small part of @modelcontextprotocol/node's adapter this server needs.
function toWebRequest(req, origin) {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) value.forEach((v) => headers.append(name, v));
    else if (value !== undefined) headers.set(name, value);
  }
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
  return new Request(new URL(req.url, origin), {
    method: req.method, headers, body: hasBody ? Readable.toWeb(req) : undefined, duplex: hasBody ? 'half' : undefined,
  });
}

async function sendWebResponse(response, res) {
  res.writeHead(response.status, Object.fromEntries(response.headers));
  if (!response.body) return res.end();
  const body = Readable.fromWeb(response.body);
  res.on('close', () => body.destroy());
  body.pipe(res);
}

const httpServer = http.createServer();
httpServer.listen(port, '127.0.0.1', () => {
  const origin = `http://127.0.0.1:${httpServer.address().port}`;
  const resource = `${origin}/mcp`;
  const resourceUrl = new URL(resource);
  const metadataUrl = getOAuthProtectedResourceMetadataUrl(resourceUrl);
  // Only `issuer` of the AS metadata is used here: the protected-resource document names Toolgate and
  // nothing else, so clients must discover the rest from Toolgate itself.
  const metadata = buildOAuthProtectedResourceMetadata({
    oauthMetadata: { issuer }, resourceServerUrl: resourceUrl, scopesSupported: scopes.length ? scopes : undefined,
    resourceName: 'Toolgate interop MCP server',
  });
  const gate = requireBearerAuth({ verifier: verifier(resource), resourceMetadataUrl: metadataUrl, expectedResource: resourceUrl });
  const handler = createMcpHandler(() => mcpServer(), { onerror: (e) => process.stderr.write(`mcp error: ${e.message}\n`) });

  httpServer.on('request', async (req, res) => {
    const path = new URL(req.url, origin).pathname;
    try {
      let response;
      if (path === new URL(metadataUrl).pathname && (req.method === 'GET' || req.method === 'HEAD')) {
        response = Response.json(metadata, { headers: { 'access-control-allow-origin': '*' } });
      } else if (path === '/mcp') {
        const request = toWebRequest(req, origin);
        const auth = await gate(request);
        response = auth instanceof Response ? auth : await handler.fetch(request, { authInfo: auth });
      } else {
        response = Response.json({ error: 'not_found' }, { status: 404 });
      }
      process.stderr.write(`rs ${req.method} ${path} ${response.status}\n`);
      await sendWebResponse(response, res);
    } catch (error) {
      process.stderr.write(`rs ${req.method} ${path} failed: ${error.message}\n`);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'server_error' }));
    }
  });
  process.stdout.write(JSON.stringify({ listening: resource }) + '\n');
});

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    httpServer.close();
    httpServer.closeAllConnections();
    process.exit(0);
  });
}
