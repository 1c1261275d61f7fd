package dev.toolgate.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The payloads of the store's announcements (migration V6), read strictly: anything else is ignored. */
class StoreChangeTest {
  @Test
  void eachKindOfAnnouncement() {
    assertThat(StoreChange.parse("credentials:42")).contains(new StoreChange.Credentials(42));
    assertThat(StoreChange.parse("revoked_token:43:jti:with:colons")).contains(new StoreChange.RevokedToken(43, "jti:with:colons"));
    assertThat(StoreChange.parse("user:usr_1")).contains(new StoreChange.User("usr_1"));
    assertThat(StoreChange.parse("platform_user:sendbird:sb:ada")).contains(new StoreChange.PlatformUser("sendbird", "sb:ada"));
    assertThat(StoreChange.parse("admin_tokens")).contains(new StoreChange.AdminTokens());
  }

  @Test
  void malformedOrUnknownAnnouncementsAreIgnored() {
    for (String payload : new String[] {null, "", "credentials", "credentials:", "credentials:x", "revoked_token:1", "revoked_token:1:",
        "revoked_token:x:j", "user", "user:", "platform_user:sendbird", "platform_user::id", "platform_user:sendbird:",
        "admin_tokens:1", "something_newer:1"}) {
      assertThat(StoreChange.parse(payload)).as(String.valueOf(payload)).isEqualTo(Optional.empty());
    }
  }
}
