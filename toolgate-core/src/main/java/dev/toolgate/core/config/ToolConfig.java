package dev.toolgate.core.config;

import java.net.URI;

/**
 * One tool: an HTTP route the platform calls, the upstream it is forwarded to, and its policy.
 *
 * @param name stable tool id (audit, API key scopes, {@code X-Toolgate-Tool})
 * @param method HTTP method, upper case, or {@code *} for any
 * @param path path pattern: literal segments, {@code {name}} for one segment, a final {@code **} for the rest
 * @param upstream where allowed calls go; if it has a path, that path (with {@code {name}} filled in)
 *     replaces the request path, otherwise the request path is kept
 * @param platform when set, only clients of this platform may call the tool
 * @param policy what a call must prove
 * @param line line in the config file where the tool is declared (for error messages)
 */
public record ToolConfig(String name, String method, String path, URI upstream, String platform, Policy policy, int line) {}
