// The authorization code flow against Toolgate with two OAuth client libraries nobody on the team
// wrote: oauth4webapi and openid-client, each on its own (the second run meets the consent the
// first one left, so its login answers the final redirect directly).
// Per library: RFC 8414 discovery; authorization request with PKCE S256, state and RFC 8707
// `resource`; the headless browser logs in and consents; the library validates the authorization
// response including RFC 9207 `iss` (first shown to reject a forged iss, before the code is spent);
// token request with `resource`, public client (auth none); the access token is verified with jose
// (JWKS, iss, typ at+jwt) and its aud must be RESOURCE; then one refresh (oauth4webapi repeats
// `resource`, openid-client omits it: both are allowed by the token endpoint contract).
//
// Env: TOOLGATE_ISSUER, CLIENT_ID (public client, token_endpoint_auth_method none, REDIRECT_URI
// registered), REDIRECT_URI (loopback http URL, nothing needs to listen), RESOURCE, USERNAME,
// PASSWORD, SCOPE (optional).
// Prints one JSON line {"ok", "checks", "libraries": {name: {scope, aud, sub}}}; exit 1 on failure.
import * as oauth from 'oauth4webapi';
import * as client from 'openid-client';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { authorize } from './browser.mjs';
import { describe, env, run, StopRun } from './report.mjs';

const FORGED_ISSUER = 'https://attacker.invalid';
const insecure = { [oauth.allowInsecureRequests]: true }; // Toolgate runs on plain-HTTP loopback in tests

const config = {
  issuer: new URL(env('TOOLGATE_ISSUER')),
  clientId: env('CLIENT_ID'),
  redirectUri: env('REDIRECT_URI'),
  resource: env('RESOURCE'),
  username: env('USERNAME'),
  password: env('PASSWORD'),
  scope: process.env.SCOPE || undefined,
};

// Verifies the access token with the issuer's keys and answers its claims.
async function verifyToken(as, accessToken) {
  const jwks = createRemoteJWKSet(new URL(as.jwks_uri));
  const { payload } = await jwtVerify(accessToken, jwks, { issuer: as.issuer, audience: config.resource, typ: 'at+jwt' });
  return payload;
}

const audIsResource = (payload) => {
  const aud = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  return aud.length === 1 && aud[0] === config.resource;
};

// The error a synchronous call throws, or undefined when it does not throw.
function thrown(fn) {
  try {
    fn();
    return undefined;
  } catch (error) {
    return error;
  }
}

async function withOauth4webapi(report, name) {
  const as = await oauth.processDiscoveryResponse(config.issuer,
    await oauth.discoveryRequest(config.issuer, { algorithm: 'oauth2', ...insecure }));
  const c = { client_id: config.clientId };
  const clientAuth = oauth.None();
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const url = new URL(as.authorization_endpoint);
  url.search = new URLSearchParams({
    response_type: 'code', client_id: config.clientId, redirect_uri: config.redirectUri, state,
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', resource: config.resource,
    ...(config.scope ? { scope: config.scope } : {}),
  }).toString();

  const answer = await authorize(url, config);
  report.require(`${name}: code`, answer.params.code && !answer.params.error, { error: answer.params.error, state_echoed: answer.params.state === state });

  const forged = new URLSearchParams(answer.query);
  forged.set('iss', FORGED_ISSUER);
  const forgedError = thrown(() => oauth.validateAuthResponse(as, c, forged, state));
  const params = oauth.validateAuthResponse(as, c, answer.query, state);
  report.require(`${name}: iss verified`, answer.params.iss === as.issuer && forgedError, {
    iss: answer.params.iss, forged_iss_rejected: forgedError ? describe(forgedError) : false,
  });

  const tokens = await oauth.processAuthorizationCodeResponse(as, c, await oauth.authorizationCodeGrantRequest(
    as, c, clientAuth, params, config.redirectUri, verifier, { additionalParameters: { resource: config.resource }, ...insecure }));
  const claims = await verifyToken(as, tokens.access_token);
  report.require(`${name}: token aud == RESOURCE`, audIsResource(claims) && tokens.refresh_token, {
    aud: claims.aud, sub: claims.sub, scope: claims.scope, client_id: claims.client_id, refresh_token: Boolean(tokens.refresh_token),
  });

  const refreshed = await oauth.processRefreshTokenResponse(as, c, await oauth.refreshTokenGrantRequest(
    as, c, clientAuth, tokens.refresh_token, { additionalParameters: { resource: config.resource }, ...insecure }));
  const refreshedClaims = await verifyToken(as, refreshed.access_token);
  report.require(`${name}: refresh`, audIsResource(refreshedClaims) && refreshedClaims.sub === claims.sub
    && refreshed.refresh_token && refreshed.refresh_token !== tokens.refresh_token,
  { aud: refreshedClaims.aud, rotated: Boolean(refreshed.refresh_token) && refreshed.refresh_token !== tokens.refresh_token });
  return { scope: claims.scope, aud: claims.aud, sub: claims.sub, iss_parameter_supported: as.authorization_response_iss_parameter_supported };
}

async function withOpenidClient(report, name) {
  const configuration = await client.discovery(config.issuer, config.clientId, undefined, client.None(),
    { algorithm: 'oauth2', execute: [client.allowInsecureRequests] });
  const as = configuration.serverMetadata();
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const url = client.buildAuthorizationUrl(configuration, {
    redirect_uri: config.redirectUri, state, code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256', resource: config.resource, ...(config.scope ? { scope: config.scope } : {}),
  });

  const answer = await authorize(url, config);
  report.require(`${name}: code`, answer.params.code && !answer.params.error, { error: answer.params.error, state_echoed: answer.params.state === state });

  // authorizationCodeGrant validates the response (state, iss) before it calls the token endpoint,
  // so the forged attempt must fail without spending the code.
  const checks = { pkceCodeVerifier: verifier, expectedState: state };
  const forged = new URL(answer.redirect);
  forged.searchParams.set('iss', FORGED_ISSUER);
  const forgedError = await client.authorizationCodeGrant(configuration, forged, checks, { resource: config.resource })
    .then(() => undefined, (error) => error);
  const tokens = await client.authorizationCodeGrant(configuration, new URL(answer.redirect), checks, { resource: config.resource });
  report.require(`${name}: iss verified`, answer.params.iss === as.issuer && forgedError, {
    iss: answer.params.iss, forged_iss_rejected: forgedError ? describe(forgedError) : false,
  });

  const claims = await verifyToken(as, tokens.access_token);
  report.require(`${name}: token aud == RESOURCE`, audIsResource(claims) && tokens.refresh_token, {
    aud: claims.aud, sub: claims.sub, scope: claims.scope, client_id: claims.client_id, refresh_token: Boolean(tokens.refresh_token),
  });

  const refreshed = await client.refreshTokenGrant(configuration, tokens.refresh_token);
  const refreshedClaims = await verifyToken(as, refreshed.access_token);
  report.require(`${name}: refresh`, audIsResource(refreshedClaims) && refreshedClaims.sub === claims.sub
    && refreshed.refresh_token && refreshed.refresh_token !== tokens.refresh_token,
  { aud: refreshedClaims.aud, rotated: Boolean(refreshed.refresh_token) && refreshed.refresh_token !== tokens.refresh_token });
  return { scope: claims.scope, aud: claims.aud, sub: claims.sub };
}

await run(async (report) => {
  report.extra.libraries = {};
  for (const [name, flow] of [['oauth4webapi', withOauth4webapi], ['openid-client', withOpenidClient]]) {
    try {
      report.extra.libraries[name] = await flow(report, name);
    } catch (error) {
      // One library failing must not hide the other's result.
      if (!(error instanceof StopRun)) report.check(`${name}: flow`, false, describe(error));
      report.extra.libraries[name] = { failed: true };
    }
  }
  const as = await oauth.processDiscoveryResponse(config.issuer,
    await oauth.discoveryRequest(config.issuer, { algorithm: 'oauth2', ...insecure }));
  report.check('metadata advertises authorization_response_iss_parameter_supported', as.authorization_response_iss_parameter_supported === true,
    String(as.authorization_response_iss_parameter_supported));
});
