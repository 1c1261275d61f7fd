// Interop checks against a running Toolgate, with OAuth/JOSE libraries nobody on the team wrote:
// oauth4webapi (discovery, client credentials, introspection, revocation), openid-client
// (discovery + client credentials) and jose (verifying an issued token through the JWKS).
// Env: TOOLGATE_ISSUER, CLIENT_ID, CLIENT_SECRET, SCOPE, RESOURCE, TOOL_URL (a tool requiring client_token).
import * as oauth from 'oauth4webapi';
import * as client from 'openid-client';
import { createRemoteJWKSet, jwtVerify } from 'jose';

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`missing env ${name}`);
  return value;
};
const issuer = new URL(env('TOOLGATE_ISSUER'));
const clientId = env('CLIENT_ID');
const clientSecret = env('CLIENT_SECRET');
const scope = env('SCOPE');
const resource = env('RESOURCE');
const toolUrl = env('TOOL_URL');
const insecure = { [oauth.allowInsecureRequests]: true }; // loopback test server speaks plain HTTP

const results = [];
const check = (name, ok, detail = '') => {
  results.push({ name, ok, detail });
  if (!ok) throw new Error(`${name} failed: ${detail}`);
};

// 1. RFC 8414 discovery
const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', ...insecure }));
check('discovery', as.issuer === issuer.href.replace(/\/$/, '') || as.issuer === issuer.href, as.issuer);
check('discovery endpoints', Boolean(as.token_endpoint && as.jwks_uri && as.introspection_endpoint && as.revocation_endpoint));

// 2. client credentials with client_secret_basic (oauth4webapi)
const c = { client_id: clientId };
const auth = oauth.ClientSecretBasic(clientSecret);
const params = new URLSearchParams({ scope, resource });
const tokenResponse = await oauth.processClientCredentialsResponse(as, c,
  await oauth.clientCredentialsGrantRequest(as, c, auth, params, insecure));
check('client_credentials (oauth4webapi)', typeof tokenResponse.access_token === 'string' && tokenResponse.token_type.toLowerCase() === 'bearer');
const accessToken = tokenResponse.access_token;

// 3. verify the issued token through the JWKS (jose)
const jwks = createRemoteJWKSet(new URL(as.jwks_uri));
const { payload, protectedHeader } = await jwtVerify(accessToken, jwks, { issuer: as.issuer, audience: resource, typ: 'at+jwt' });
check('jwks verification (jose)', payload.client_id === clientId && payload.scope === scope && Boolean(protectedHeader.kid), JSON.stringify(protectedHeader));

// 4. RFC 7662 introspection
let introspection = await oauth.processIntrospectionResponse(as, c,
  await oauth.introspectionRequest(as, c, auth, accessToken, insecure));
check('introspection active', introspection.active === true && introspection.client_id === clientId);

// 5. the token opens a tool behind the gateway
let tool = await fetch(toolUrl, { headers: { authorization: `Bearer ${accessToken}` } });
check('tool call with token', tool.status === 200, String(tool.status));

// 6. RFC 7009 revocation, then the token is dead everywhere
await oauth.processRevocationResponse(await oauth.revocationRequest(as, c, auth, accessToken, insecure));
introspection = await oauth.processIntrospectionResponse(as, c,
  await oauth.introspectionRequest(as, c, auth, accessToken, insecure));
check('introspection after revocation', introspection.active === false);
tool = await fetch(toolUrl, { headers: { authorization: `Bearer ${accessToken}` } });
check('tool call after revocation', tool.status === 401, String(tool.status));

// 7. openid-client: discovery + client credentials with client_secret_post
const config = await client.discovery(issuer, clientId, undefined, client.ClientSecretPost(clientSecret),
  { algorithm: 'oauth2', execute: [client.allowInsecureRequests] });
const grant = await client.clientCredentialsGrant(config, { scope, resource });
check('client_credentials (openid-client)', typeof grant.access_token === 'string');

console.log(JSON.stringify({ ok: true, results }));
