package dev.toolgate.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Requests racing with one code, one refresh token or one consent, from two instances of the
 * server (two connection pools on the same data); every backend. Each race is run a few rounds:
 * the interleavings differ from round to round, the outcome must not.
 */
abstract class AuthorizationStoreConcurrencyContract extends AuthorizationStoreTestBase {
  static final int THREADS = 8;
  static final int ROUNDS = 5;

  private Database secondInstance;
  private List<AuthorizationStore> instances;
  private ExecutorService pool;

  @BeforeEach
  void openSecondInstance() {
    secondInstance = backend.open();
    instances = List.of(authorizations, new AuthorizationStore(secondInstance, clock));
    pool = Executors.newFixedThreadPool(THREADS);
  }

  @AfterEach
  void closeSecondInstance() {
    pool.shutdownNow();
    secondInstance.close();
  }

  @Test
  void racingExchangesOfOneCodeIssueOnceAndRevokeWhatWasIssued() throws Exception {
    for (int round = 0; round < ROUNDS; round++) {
      String prefix = "jti-" + round + "-";
      AuthorizationStore.Code code = checkedCode();

      List<AuthorizationStore.Outcome> outcomes = race(i -> () -> instance(i).exchange(code, access(prefix + i), REFRESH_TTL));

      List<Integer> winners = indexesOf(outcomes, AuthorizationStore.Issued.class);
      assertThat(winners).as("round %d: %s", round, outcomes).hasSize(1);
      AuthorizationStore.Issued issued = (AuthorizationStore.Issued) outcomes.get(winners.get(0));
      assertThat(outcomes).as("round %d", round)
          .allMatch(o -> o instanceof AuthorizationStore.Issued || o instanceof AuthorizationStore.Revoked
              || o instanceof AuthorizationStore.Refused);
      assertThat(outcomes).filteredOn(o -> o instanceof AuthorizationStore.Revoked)
          .allMatch(o -> ((AuthorizationStore.Revoked) o).familyId().equals(issued.familyId()));
      // The code was used twice: what it issued is revoked, and told exactly once (to one caller).
      String winnerJti = prefix + winners.get(0);
      assertThat(listedJtis(outcomes)).as("round %d", round).containsExactly(winnerJti);
      assertThat(revokedJtis()).contains(winnerJti);
      assertThat(refresh(issued.refreshToken()).revokedAt()).as("round %d", round).isNotNull();
      assertThat(count(database, "SELECT COUNT(*) FROM refresh_tokens WHERE family_id = '" + issued.familyId() + "'")).isEqualTo(1);
    }
    assertThat(count(database, "SELECT COUNT(*) FROM refresh_families")).as("one family per code").isEqualTo(ROUNDS);
  }

  @Test
  void racingReplaysOfAUsedCodeRevokeItsFamilyOnce() throws Exception {
    for (int round = 0; round < ROUNDS; round++) {
      AuthorizationStore.Code code = checkedCode();
      AuthorizationStore.Issued issued = issued(authorizations.exchange(code, access("jti-" + round), REFRESH_TTL));

      List<AuthorizationStore.Outcome> outcomes = race(i -> () -> instance(i).replayed(code));

      assertThat(outcomes).as("round %d", round).allSatisfy(o -> assertThat(revoked(o).familyId()).isEqualTo(issued.familyId()));
      assertThat(listedJtis(outcomes)).as("round %d", round).containsExactly("jti-" + round);
      assertThat(refresh(issued.refreshToken()).revokedAt()).isNotNull();
    }
  }

  @Test
  void racingRefreshesWithinTheGraceAllRotate() throws Exception {
    for (int round = 0; round < ROUNDS; round++) {
      String prefix = "jti-" + round + "-";
      AuthorizationStore.Issued grant = grant(prefix + "first");

      // Each request checks the token itself, then commits, as the token endpoint does.
      List<AuthorizationStore.Outcome> outcomes = race(i -> () -> {
        AuthorizationStore store = instance(i);
        AuthorizationStore.Refresh checked = store.refresh(grant.refreshToken()).orElseThrow();
        return store.rotate(checked, Set.of("tools:read"), access(prefix + i), GRACE);
      });

      Set<String> tokens = new HashSet<>();
      for (AuthorizationStore.Outcome outcome : outcomes) {
        AuthorizationStore.Issued next = issued(outcome);
        assertThat(next.familyId()).isEqualTo(grant.familyId());
        assertThat(refresh(next.refreshToken()).generation()).isEqualTo(2);
        tokens.add(next.refreshToken());
      }
      assertThat(tokens).as("round %d: distinct new tokens", round).hasSize(THREADS);
      AuthorizationStore.Refresh first = refresh(grant.refreshToken());
      assertThat(first.revokedAt()).as("round %d", round).isNull();
      assertThat(first.familyGeneration()).isEqualTo(1);
      assertThat(count(database, "SELECT COUNT(*) FROM refresh_tokens WHERE family_id = '" + grant.familyId() + "'")).isEqualTo(1 + THREADS);
    }
    assertThat(revokedJtis()).isEmpty();
  }

  @Test
  void racingReusesOfASupersededTokenRevokeTheFamilyOnce() throws Exception {
    for (int round = 0; round < ROUNDS; round++) {
      String prefix = "jti-" + round + "-";
      AuthorizationStore.Issued g1 = grant(prefix + "g1");
      AuthorizationStore.Issued g2 = issued(rotate(g1.refreshToken(), prefix + "g2"));
      AuthorizationStore.Issued g3 = issued(rotate(g2.refreshToken(), prefix + "g3"));
      AuthorizationStore.Refresh checked = refresh(g1.refreshToken());

      List<AuthorizationStore.Outcome> outcomes = race(i -> () -> instance(i).rotate(checked, Set.of("tools:read"), access(prefix + i), GRACE));

      assertThat(outcomes).as("round %d: %s", round, outcomes)
          .allMatch(o -> o instanceof AuthorizationStore.Revoked || o instanceof AuthorizationStore.Refused);
      assertThat(listedJtis(outcomes)).as("round %d", round).containsExactlyInAnyOrder(prefix + "g1", prefix + "g2", prefix + "g3");
      assertThat(revokedJtis()).contains(prefix + "g1", prefix + "g2", prefix + "g3");
      assertThat(refresh(g3.refreshToken()).revokedAt()).isNotNull();
      assertThat(rotate(g3.refreshToken(), prefix + "after")).isInstanceOf(AuthorizationStore.Refused.class);
      assertThat(count(database, "SELECT COUNT(*) FROM refresh_tokens WHERE family_id = '" + g1.familyId() + "'")).isEqualTo(3);
    }
  }

  /**
   * A thief reuses an old token while the client refreshes with its newest one. Whichever commits
   * first, the family ends revoked and no access token issued in it stays valid.
   */
  @Test
  void aReuseRacingLegitimateRefreshesLeavesNoLiveToken() throws Exception {
    for (int round = 0; round < ROUNDS; round++) {
      String prefix = "jti-" + round + "-";
      AuthorizationStore.Issued g1 = grant(prefix + "g1");
      AuthorizationStore.Issued g2 = issued(rotate(g1.refreshToken(), prefix + "g2"));
      AuthorizationStore.Issued g3 = issued(rotate(g2.refreshToken(), prefix + "g3"));
      AuthorizationStore.Refresh stale = refresh(g1.refreshToken());
      AuthorizationStore.Refresh newest = refresh(g3.refreshToken());

      List<AuthorizationStore.Outcome> outcomes = race(i -> () ->
          instance(i).rotate(i % 2 == 0 ? stale : newest, Set.of("tools:read"), access(prefix + i), GRACE));

      Set<String> issuedJtis = new HashSet<>(Set.of(prefix + "g1", prefix + "g2", prefix + "g3"));
      for (int i = 0; i < THREADS; i++) {
        if (outcomes.get(i) instanceof AuthorizationStore.Issued issued) {
          assertThat(i % 2).as("round %d: only the newest token rotates", round).isEqualTo(1);
          assertThat(refresh(issued.refreshToken()).revokedAt()).isNotNull();
          issuedJtis.add(prefix + i);
        }
      }
      assertThat(indexesOf(outcomes, AuthorizationStore.Revoked.class)).as("round %d: %s", round, outcomes).isNotEmpty();
      assertThat(listedJtis(outcomes)).as("round %d", round).containsExactlyInAnyOrderElementsOf(issuedJtis);
      assertThat(revokedJtis()).containsAll(issuedJtis);
    }
  }

  @Test
  void racingConsentsAreMergedNotLost() throws Exception {
    for (int round = 0; round < ROUNDS; round++) {
      String user = "us_" + round;

      race(i -> () -> {
        instance(i).rememberConsent(user, CLIENT, Set.of("scope-" + i), "https://mcp" + i + ".example.com/mcp");
        return null;
      });

      Set<String> all = new HashSet<>();
      for (int i = 0; i < THREADS; i++) {
        all.add("scope-" + i);
      }
      for (int i = 0; i < THREADS; i++) {
        assertThat(authorizations.consented(user, CLIENT, all, "https://mcp" + i + ".example.com/mcp")).as("round %d, resource %d", round, i).isTrue();
      }
    }
  }

  private AuthorizationStore instance(int thread) {
    return instances.get(thread % instances.size());
  }

  /** Runs {@link #THREADS} tasks released together; their results in thread order. A task's failure fails the test. */
  private <T> List<T> race(IntFunction<Callable<T>> task) throws Exception {
    CyclicBarrier start = new CyclicBarrier(THREADS);
    List<Future<T>> futures = new ArrayList<>();
    for (int i = 0; i < THREADS; i++) {
      Callable<T> work = task.apply(i);
      futures.add(pool.submit(() -> {
        start.await(30, TimeUnit.SECONDS);
        return work.call();
      }));
    }
    List<T> results = new ArrayList<>();
    for (Future<T> future : futures) {
      results.add(future.get(60, TimeUnit.SECONDS)); // a hang guard, not a timing assertion
    }
    return results;
  }

  private static List<Integer> indexesOf(List<AuthorizationStore.Outcome> outcomes, Class<?> type) {
    List<Integer> indexes = new ArrayList<>();
    for (int i = 0; i < outcomes.size(); i++) {
      if (type.isInstance(outcomes.get(i))) {
        indexes.add(i);
      }
    }
    return indexes;
  }

  /** Every access token the racing calls reported revoked, duplicates kept: each must be told once. */
  private static List<String> listedJtis(List<AuthorizationStore.Outcome> outcomes) {
    List<String> listed = new ArrayList<>();
    for (AuthorizationStore.Outcome outcome : outcomes) {
      if (outcome instanceof AuthorizationStore.Revoked revoked) {
        listed.addAll(jtis(revoked));
      }
    }
    return listed;
  }
}
