// The MCP client flow shared by mcp-client-v2.mjs (@modelcontextprotocol/client 2.x) and
// mcp-client-v1.mjs (@modelcontextprotocol/sdk 1.x). Each passes its own SDK classes in; everything
// OAuth is done by the SDK (discovery, CIMD/DCR, PKCE, token exchange, refresh). This file only
// supplies the OAuthClientProvider (in-memory storage + the headless browser for the user's part)
// and checks what happened.
import { randomBytes } from 'node:crypto';
import { decodeJwt } from 'jose';
import { authorize } from './browser.mjs';
import { describe, env } from './report.mjs';

const CORRUPTED_ACCESS_TOKEN = 'interop-test-invalidated-access-token';

// OAuthClientProvider keeping everything in memory for one run. Both SDK majors call the same
// methods; the 2.x-only ones (discoveryState, ctx arguments) are harmless for 1.x.
export class InteractiveProvider {
  constructor({ redirectUri, registration, clientMetadataUrl, username, password, scope }) {
    this.redirectUri = redirectUri;
    this.registration = registration;
    this.metadataUrl = clientMetadataUrl;
    this.credentials = { username, password };
    this.scope = scope;
    this.savedClients = [];
    this.savedTokens = [];
    this.authorizationUrls = [];
    this.invalidations = [];
  }

  get redirectUrl() {
    return this.redirectUri;
  }

  // Set only in CIMD mode: the SDK then uses it as client_id when the AS advertises
  // client_id_metadata_document_supported, and registers dynamically otherwise.
  get clientMetadataUrl() {
    return this.registration === 'cimd' ? this.metadataUrl : undefined;
  }

  get clientMetadata() {
    return {
      client_name: 'Toolgate interop MCP client',
      redirect_uris: [this.redirectUri],
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      ...(this.scope ? { scope: this.scope } : {}),
    };
  }

  state() {
    this.expectedState = randomBytes(16).toString('base64url');
    return this.expectedState;
  }

  clientInformation() {
    return this.client;
  }

  saveClientInformation(info) {
    this.client = info;
    this.savedClients.push(info);
  }

  tokens() {
    return this.current;
  }

  saveTokens(tokens) {
    this.current = tokens;
    this.savedTokens.push(tokens);
  }

  // The user's part: the headless browser logs in and consents; the redirect is kept for finishAuth.
  // A second authorization would mean the refresh path fell back to a new login: refuse it.
  async redirectToAuthorization(url) {
    this.authorizationUrls.push(new URL(url));
    if (this.authorizationUrls.length > 1) throw new Error('unexpected second authorization request (refresh did not work?)');
    this.authorization = await authorize(url, { ...this.credentials, redirectUri: this.redirectUri });
  }

  saveCodeVerifier(verifier) {
    this.verifier = verifier;
  }

  codeVerifier() {
    if (!this.verifier) throw new Error('no code verifier saved');
    return this.verifier;
  }

  saveDiscoveryState(state) {
    this.discovery = state;
  }

  discoveryState() {
    return this.discovery;
  }

  invalidateCredentials(scope) {
    this.invalidations.push(scope);
    if (scope === 'all' || scope === 'client') this.client = undefined;
    if (scope === 'all' || scope === 'tokens') this.current = undefined;
    if (scope === 'all' || scope === 'verifier') this.verifier = undefined;
    if (scope === 'all' || scope === 'discovery') this.discovery = undefined;
  }
}

function audience(accessToken) {
  try {
    const aud = decodeJwt(accessToken).aud;
    return Array.isArray(aud) ? aud : [aud];
  } catch {
    return [];
  }
}

function whoamiOf(result) {
  if (result?.structuredContent) return result.structuredContent;
  const text = result?.content?.find((c) => c.type === 'text')?.text;
  return text ? JSON.parse(text) : undefined;
}

// sdk: {label, Client, StreamableHTTPClientTransport, UnauthorizedError, clientOptions, finishAuth(transport, params), protocolVersion(client, transport)}
export async function runMcpClient(report, sdk) {
  const mcpUrl = new URL(env('MCP_URL'));
  const registration = env('REGISTRATION', 'dcr');
  if (registration !== 'cimd' && registration !== 'dcr') throw new Error(`REGISTRATION must be cimd or dcr, got ${registration}`);
  const provider = new InteractiveProvider({
    redirectUri: env('REDIRECT_URI'), registration,
    clientMetadataUrl: registration === 'cimd' ? env('CLIENT_METADATA_URL') : undefined,
    username: env('USERNAME'), password: env('PASSWORD'), scope: process.env.SCOPE || undefined,
  });
  report.extra.sdk = sdk.label;
  report.extra.registration = registration;
  const newTransport = () => new sdk.StreamableHTTPClientTransport(mcpUrl, { authProvider: provider });
  const newClient = () => new sdk.Client({ name: `toolgate-interop-${sdk.label}`, version: '1.0.0' }, sdk.clientOptions);

  // 1. Unauthenticated connect: 401 → RFC 9728 + RFC 8414 discovery → CIMD or DCR → authorization
  //    request, which our provider completes through the headless browser; the SDK then throws.
  const firstTransport = newTransport();
  let firstError;
  try {
    await newClient().connect(firstTransport);
  } catch (error) {
    firstError = error;
  }
  report.require('first connect asks for authorization', firstError instanceof sdk.UnauthorizedError && provider.authorization,
    firstError ? describe(firstError) : 'connected without a token');

  const discovered = provider.discovery ?? {};
  const asMetadata = discovered.authorizationServerMetadata ?? {};
  report.require('discovery', discovered.resourceMetadata?.resource === mcpUrl.href && asMetadata.issuer
    && discovered.resourceMetadata?.authorization_servers?.includes(asMetadata.issuer),
  { resource: discovered.resourceMetadata?.resource, authorization_servers: discovered.resourceMetadata?.authorization_servers,
    issuer: asMetadata.issuer, cimd: asMetadata.client_id_metadata_document_supported, registration_endpoint: asMetadata.registration_endpoint });

  const clientId = provider.client?.client_id;
  const registeredAs = clientId === provider.metadataUrl ? 'cimd' : clientId ? 'dcr' : 'none';
  report.require(`registration (${registration})`, registeredAs === registration, { client_id: clientId, used: registeredAs });

  const authUrl = provider.authorizationUrls[0];
  const params = provider.authorization.params;
  report.require('authorize', params.code && !params.error && params.iss === asMetadata.issuer && params.state === provider.expectedState
    && authUrl.searchParams.get('resource') === mcpUrl.href && authUrl.searchParams.get('code_challenge_method') === 'S256', {
    code: Boolean(params.code), iss: params.iss, state_matched: params.state === provider.expectedState, error: params.error,
    resource: authUrl.searchParams.get('resource'), scope: authUrl.searchParams.get('scope'),
  });

  // 2. The redirect came back: the SDK exchanges the code (validating iss where it can).
  await sdk.finishAuth(firstTransport, params);
  const issued = provider.tokens();
  report.require('token', issued?.access_token && issued.refresh_token && issued.token_type?.toLowerCase() === 'bearer'
    && audience(issued.access_token).includes(mcpUrl.href),
  { token_type: issued?.token_type, refresh_token: Boolean(issued?.refresh_token), aud: audience(issued?.access_token ?? ''), scope: issued?.scope });

  // 3. Reconnect (a transport is started once, so a new one) with the token and call the tool.
  const transport = newTransport();
  const client = newClient();
  await client.connect(transport);
  report.extra.protocolVersion = sdk.protocolVersion(client, transport);
  const who = whoamiOf(await client.callTool({ name: 'whoami', arguments: {} }));
  report.require('tool call', who?.sub && who.client_id === clientId, who);

  // 4. Refresh through the SDK's own path: the stored access token is made invalid, the server
  //    answers 401, the SDK's auth() refreshes with the stored refresh token and retries.
  const before = provider.tokens();
  provider.current = { ...before, access_token: CORRUPTED_ACCESS_TOKEN };
  let after401;
  try {
    after401 = whoamiOf(await client.callTool({ name: 'whoami', arguments: {} }));
  } catch (error) {
    report.require('refresh', false, { error: describe(error), invalidations: provider.invalidations });
  }
  const refreshed = provider.tokens();
  report.require('refresh', refreshed.access_token !== CORRUPTED_ACCESS_TOKEN && refreshed.access_token !== before.access_token
    && provider.authorizationUrls.length === 1 && audience(refreshed.access_token).includes(mcpUrl.href), {
    new_access_token: refreshed.access_token !== before.access_token, rotated_refresh_token: refreshed.refresh_token !== before.refresh_token,
    authorizations: provider.authorizationUrls.length, invalidations: provider.invalidations,
  });
  report.check('refresh token rotated', refreshed.refresh_token && refreshed.refresh_token !== before.refresh_token);
  report.check('tool call after refresh', after401?.sub === who.sub && after401.client_id === clientId, after401);
  await client.close();
}
