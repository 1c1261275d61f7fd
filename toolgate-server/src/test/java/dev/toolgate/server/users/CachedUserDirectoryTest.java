package dev.toolgate.server.users;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.core.config.IdentityKind;
import dev.toolgate.core.config.IdentityLocation;
import dev.toolgate.core.config.Policy;
import dev.toolgate.core.config.PlatformConfig;
import dev.toolgate.core.config.ToolConfig;
import dev.toolgate.core.config.UserBinding;
import dev.toolgate.core.engine.PolicyEngine;
import dev.toolgate.core.port.UserDirectory;
import dev.toolgate.core.port.UserDirectory.Status;
import dev.toolgate.core.request.Headers;
import dev.toolgate.core.request.ToolCall;
import dev.toolgate.core.route.PathPattern;
import dev.toolgate.core.route.RequestPath;
import dev.toolgate.core.route.Route;
import dev.toolgate.server.store.MasterKey;
import dev.toolgate.server.store.SecretBox;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The gateway's user lookups: what a call is given, loaded off the event loop, cached 30 s. */
class CachedUserDirectoryTest {
  final AtomicLong nanos = new AtomicLong(1);
  TestDb db;
  UserStore users;
  OpaqueIds opaqueIds;
  CachedUserDirectory directory;
  User ada;
  Route route;

  @BeforeEach
  void start() {
    db = TestDb.sqlite();
    users = new UserStore(db.database());
    opaqueIds = new OpaqueIds(db.database(), new SecretBox(MasterKey.generate()));
    ada = users.createUser("ada", User.NO_PASSWORD);
    users.mapPlatformUser("sendbird", "sb-ada", "ada");
    directory = new CachedUserDirectory(users, opaqueIds, IdentityKind.OPAQUE_ID, "asapp", nanos::get);
    ToolConfig tool = new ToolConfig("t", "GET", "/t", URI.create("http://127.0.0.1:9000"), "sendbird",
        new Policy(List.of(dev.toolgate.core.config.CredentialKind.API_KEY), false), 1, null, List.of(),
        new UserBinding(Map.of(IdentityKind.PLATFORM_USER_ID, IdentityLocation.query("uid")), UserBinding.Forward.OPAQUE_ID), null);
    route = new Route(tool, PathPattern.parse("/t"), PlatformConfig.withDefaults("sendbird"));
  }

  @AfterEach
  void stop() {
    directory.close();
    db.close();
  }

  PolicyEngine.Authenticated authenticated(String query) {
    ToolCall call = new ToolCall("r", "GET", RequestPath.parse("/t").orElseThrow(), query, Headers.of(Map.of()), null, "127.0.0.1");
    return new PolicyEngine.Authenticated(null, call, route, "127.0.0.1", "cl_1", null, null, List.of("key_1"), List.of(), List.of());
  }

  @Test
  void aCallGetsItsUsersAndKeepsThemWhateverTheCacheDoesAfterwards() throws Exception {
    UserDirectory forCall = directory.beforeAuthorization(authenticated("uid=sb-ada")).get();
    assertThat(forCall.user(IdentityKind.PLATFORM_USER_ID, "sendbird", "sb-ada")).isEqualTo(UserDirectory.Lookup.user(ada.id(), ada.passwordChangedAt()));
    assertThat(forCall.opaqueId("sendbird", ada.id()).value()).isEqualTo(opaqueIds.idFor("sendbird", ada.id()));

    nanos.addAndGet(Duration.ofSeconds(31).toNanos()); // the shared cache's entries expire ...
    assertThat(directory.user(IdentityKind.PLATFORM_USER_ID, "sendbird", "sb-ada").status()).isEqualTo(Status.UNAVAILABLE);
    // ... while the call being decided still has what it was given
    assertThat(forCall.user(IdentityKind.PLATFORM_USER_ID, "sendbird", "sb-ada").status()).isEqualTo(Status.FOUND);
  }

  @Test
  void aCachedCallNeedsNoThreadAndAChangeIsSeenAfterTheEntryLifetime() throws Exception {
    directory.beforeAuthorization(authenticated("uid=sb-ada")).get();
    var again = directory.beforeAuthorization(authenticated("uid=sb-ada"));
    assertThat(again.isDone()).as("answered from memory").isTrue();

    users.setUserDisabled(ada.id(), true);
    assertThat(again.get().user(IdentityKind.PLATFORM_USER_ID, "sendbird", "sb-ada").status()).isEqualTo(Status.FOUND);
    nanos.addAndGet(Duration.ofSeconds(31).toNanos());
    UserDirectory later = directory.beforeAuthorization(authenticated("uid=sb-ada")).get();
    assertThat(later.user(IdentityKind.PLATFORM_USER_ID, "sendbird", "sb-ada").status()).isEqualTo(Status.DISABLED);
  }

  @Test
  void anUnmappedIdIsUnknownAndWhatTheCallDidNotNameIsNotThere() throws Exception {
    UserDirectory forCall = directory.beforeAuthorization(authenticated("uid=sb-nobody")).get();
    assertThat(forCall.user(IdentityKind.PLATFORM_USER_ID, "sendbird", "sb-nobody").status()).isEqualTo(Status.UNKNOWN);
    assertThat(forCall.user(IdentityKind.PLATFORM_USER_ID, "sendbird", "sb-other").status()).as("not asked for").isEqualTo(Status.UNAVAILABLE);
  }

  @Test
  void forgettingAUserDropsEveryIdentityThatNamesItAndNoOther() throws Exception {
    User bob = users.createUser("bob", User.NO_PASSWORD);
    users.mapPlatformUser("sendbird", "sb-bob", "bob");
    directory.beforeAuthorization(authenticated("uid=sb-ada")).get();
    directory.beforeAuthorization(authenticated("uid=sb-bob")).get();
    users.setUserDisabled(ada.id(), true); // as announced by the store

    directory.forgetUser(ada.id());
    assertThat(directory.user(IdentityKind.PLATFORM_USER_ID, "sendbird", "sb-ada").status()).as("forgotten").isEqualTo(Status.UNAVAILABLE);
    assertThat(directory.user(IdentityKind.PLATFORM_USER_ID, "sendbird", "sb-bob").status()).as("kept").isEqualTo(Status.FOUND);
    assertThat(directory.opaqueId("sendbird", ada.id()).status()).as("an opaque id never changes: kept").isEqualTo(Status.FOUND);
    UserDirectory reloaded = directory.beforeAuthorization(authenticated("uid=sb-ada")).get();
    assertThat(reloaded.user(IdentityKind.PLATFORM_USER_ID, "sendbird", "sb-ada").status()).isEqualTo(Status.DISABLED);
  }

  @Test
  void forgettingAPlatformUserLetsAMappingMadeSinceBeSeen() throws Exception {
    UserDirectory before = directory.beforeAuthorization(authenticated("uid=sb%3Anew")).get();
    assertThat(before.user(IdentityKind.PLATFORM_USER_ID, "sendbird", "sb:new").status()).isEqualTo(Status.UNKNOWN);
    User carl = users.createUser("carl", User.NO_PASSWORD);
    users.mapPlatformUser("sendbird", "sb:new", "carl");
    assertThat(directory.user(IdentityKind.PLATFORM_USER_ID, "sendbird", "sb:new").status()).as("remembered as unknown").isEqualTo(Status.UNKNOWN);

    directory.forgetPlatformUser("sendbird", "sb:new");
    UserDirectory after = directory.beforeAuthorization(authenticated("uid=sb%3Anew")).get();
    assertThat(after.user(IdentityKind.PLATFORM_USER_ID, "sendbird", "sb:new")).isEqualTo(UserDirectory.Lookup.user(carl.id(), carl.passwordChangedAt()));
  }

  @Test
  void forgettingEverythingEmptiesTheCache() throws Exception {
    directory.beforeAuthorization(authenticated("uid=sb-ada")).get();
    directory.forgetAll();
    assertThat(directory.user(IdentityKind.PLATFORM_USER_ID, "sendbird", "sb-ada").status()).isEqualTo(Status.UNAVAILABLE);
    UserDirectory reloaded = directory.beforeAuthorization(authenticated("uid=sb-ada")).get();
    assertThat(reloaded.user(IdentityKind.PLATFORM_USER_ID, "sendbird", "sb-ada").status()).as("read from the store again").isEqualTo(Status.FOUND);
  }
}
