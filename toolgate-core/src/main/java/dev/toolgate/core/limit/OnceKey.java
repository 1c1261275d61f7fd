package dev.toolgate.core.limit;

import java.time.Instant;

/** Something a call uses up, remembered as {@code key} until {@code until} (a replay-cache entry). */
public record OnceKey(String key, Instant until) {}
