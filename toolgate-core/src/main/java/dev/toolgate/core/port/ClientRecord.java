package dev.toolgate.core.port;

import java.time.Instant;

/** A machine caller: one integration of one platform (e.g. "the production Sendbird app"). */
public record ClientRecord(String id, String name, String platform, boolean enabled, Instant createdAt) {}
