package dev.toolgate.server.users;

import java.time.Instant;

/**
 * A platform's own user id (Sendbird's {@code user_id}, say) mapped to an internal user.
 *
 * @param platform platform name, as in {@code toolgate.yaml} ({@code sendbird})
 * @param platformUserId the id the platform knows the user by
 * @param userId the internal user ({@code usr_…})
 */
public record PlatformUser(String platform, String platformUserId, String userId, Instant createdAt) {}
