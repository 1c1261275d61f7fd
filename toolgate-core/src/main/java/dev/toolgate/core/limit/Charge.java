package dev.toolgate.core.limit;

/** One token a call takes from the bucket {@code key}, which holds {@code limit}. */
public record Charge(String key, RateLimit limit) {}
