package dev.toolgate.core.decision;

/**
 * Stable machine codes of every way a call can be refused, with the HTTP status each answers.
 * These strings are an API: clients and dashboards match on them. Add, never rename.
 */
public enum DenialCode {
  BAD_PATH(400, "bad_path", "Request path is not routable"),
  BAD_REQUEST(400, "bad_request", "Malformed request"),
  REQUEST_TIMEOUT(408, "request_timeout", "The request did not arrive in time"),
  ROUTE_NOT_FOUND(404, "route_not_found", "No tool matches this route"),
  METHOD_NOT_ALLOWED(405, "method_not_allowed", "The tool does not accept this method"),
  BODY_TOO_LARGE(413, "body_too_large", "Request body is too large"),
  BODY_NOT_JSON(400, "body_not_json", "Request body is not a JSON object"),
  CONNECTION_LISTS_CHECKED_HEADER(400, "connection_lists_checked_header", "Connection lists a header Toolgate's checks read"),
  OVERRIDE_HEADER_NOT_ALLOWED(400, "override_header_not_allowed", "A method or path override header is not allowed for this tool"),
  DECISION_TARGET_INVALID(400, "decision_target_invalid", "The decision request does not say which call to judge"),
  DECISION_TARGET_AMBIGUOUS(400, "decision_target_ambiguous", "The decision request describes the call more than once"),
  MCP_PARSE_ERROR(400, "mcp_parse_error", "The body is not valid JSON"),
  MCP_INVALID_MESSAGE(400, "mcp_invalid_message", "The body is not a JSON-RPC message an MCP server takes"),
  MCP_HEADER_MISMATCH(400, "mcp_header_mismatch", "Mcp-Method or Mcp-Name does not match the JSON-RPC body"),
  TOKEN_IN_QUERY(400, "token_in_query", "An access token was sent in the query string"),
  MCP_ORIGIN_NOT_ALLOWED(403, "mcp_origin_not_allowed", "The request's Origin may not call this MCP server"),
  MCP_METHOD_DENIED(403, "mcp_method_denied", "This MCP method or tool is not offered"),
  MCP_SESSION_NOT_FOUND(404, "mcp_session_not_found", "The MCP session is not known to this caller"),

  SIGNATURE_MISSING(401, "signature_missing", "Request signature is missing"),
  SIGNATURE_INVALID(401, "signature_invalid", "Request signature is invalid"),
  TOKEN_MISSING(401, "token_missing", "Bearer token is missing"),
  TOKEN_INVALID(401, "token_invalid", "Bearer token is invalid"),
  TOKEN_EXPIRED(401, "token_expired", "Bearer token has expired"),
  TOKEN_REVOKED(401, "token_revoked", "Bearer token has been revoked"),
  API_KEY_MISSING(401, "api_key_missing", "API key is missing"),
  API_KEY_INVALID(401, "api_key_invalid", "API key is invalid"),
  API_KEY_EXPIRED(401, "api_key_expired", "API key has expired"),
  API_KEY_REVOKED(401, "api_key_revoked", "API key has been revoked"),
  REPLAYED(401, "replayed", "Request was already accepted once"),
  TIMESTAMP_OUT_OF_WINDOW(401, "timestamp_out_of_window", "Request timestamp is outside the accepted window"),
  CLIENT_CERTIFICATE_MISSING(401, "client_certificate_missing", "No client certificate was presented"),
  CLIENT_CERTIFICATE_INVALID(401, "client_certificate_invalid", "The client certificate is not valid for this tool's platform"),

  USER_TOKEN_MISSING(401, "user_token_missing", "End-user token is missing"),
  USER_TOKEN_INVALID(401, "user_token_invalid", "End-user token is invalid"),
  USER_TOKEN_EXPIRED(401, "user_token_expired", "End-user token has expired"),
  USER_TOKEN_REVOKED(401, "user_token_revoked", "End-user token has been revoked"),
  USER_TOKEN_TOO_OLD(401, "user_token_too_old", "End-user token was issued too long ago for this tool"),
  USER_TOKEN_WRONG_AUDIENCE(401, "user_token_wrong_audience", "End-user token was not minted for this tool"),
  INSUFFICIENT_SCOPE(403, "insufficient_scope", "The token lacks a required scope"),
  CLIENT_DISABLED(403, "client_disabled", "Client is disabled"),
  CLIENT_MISMATCH(403, "client_mismatch", "Credentials belong to different clients"),
  NOT_ALLOWED(403, "not_allowed", "Not allowed to call this tool"),
  USER_MISSING(403, "user_missing", "The call does not say which end user it is for"),
  USER_UNKNOWN(403, "user_unknown", "The end user named by the call is not known"),
  USER_DISABLED(403, "user_disabled", "The end user is disabled"),
  USER_MISMATCH(403, "user_mismatch", "The call's end-user identities name different users"),
  OWNER_MISMATCH(403, "owner_mismatch", "The resource belongs to another user"),
  IP_NOT_ALLOWED(403, "ip_not_allowed", "The caller's address is not allowed to call this tool"),
  CLIENT_CERTIFICATE_NOT_ALLOWED(403, "client_certificate_not_allowed", "The client certificate's identity may not call this tool"),
  RATE_LIMITED(429, "rate_limited", "Too many requests"),

  INTERNAL_ERROR(500, "internal_error", "Internal error"),
  UPSTREAM_UNREACHABLE(502, "upstream_unreachable", "Upstream is unreachable"),
  UPSTREAM_CERTIFICATE_INVALID(502, "upstream_certificate_invalid", "The upstream's TLS certificate does not verify"),
  UNAVAILABLE(503, "unavailable", "Toolgate is not ready"),
  ISSUER_UNAVAILABLE(503, "issuer_unavailable", "The token issuer's keys cannot be fetched"),
  UPSTREAM_TIMEOUT(504, "upstream_timeout", "Upstream did not answer in time"),
  USER_DIRECTORY_UNAVAILABLE(503, "user_directory_unavailable", "The user directory cannot be reached"),
  SHARED_STATE_UNAVAILABLE(503, "shared_state_unavailable", "Shared state (rate limits, once-only checks) cannot be reached"),
  AUDIT_UNAVAILABLE(503, "audit_unavailable", "The call's audit record could not be kept, so it was not answered");

  private final int status;
  private final String code;
  private final String title;

  DenialCode(int status, String code, String title) {
    this.status = status;
    this.code = code;
    this.title = title;
  }

  public int status() { return status; }
  public String code() { return code; }
  public String title() { return title; }
}
