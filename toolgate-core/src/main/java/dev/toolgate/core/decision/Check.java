package dev.toolgate.core.decision;

/** One step of a decision trace, in words a person can act on; never contains secret values. */
public record Check(String name, boolean passed, String detail) {}
