package dev.toolgate.server.admin;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** One {@link AdminApiHarness} per test: started before a subclass's own set-up, closed after the test. */
abstract class AdminApiTestBase {
  AdminApiHarness api;

  @BeforeEach
  final void startAdminApi() {
    api = AdminApiHarness.start();
  }

  @AfterEach
  final void closeAdminApi() {
    api.close();
  }
}
