package db.migration;

import java.sql.Statement;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Toolgate store, version 6: on PostgreSQL, every change a running instance must act on is
 * announced with {@code NOTIFY}, from triggers, so it is sent only when the change commits and
 * whoever made it (an instance, the CLI, a hand-written UPDATE).
 *
 * <p>The only migration in Java: PL/pgSQL triggers have no SQLite form, and SQLite has nothing to
 * announce to (one instance; it keeps polling the store revision). On SQLite this version is
 * recorded and does nothing, so both backends keep one version sequence.
 *
 * <p>The channel is {@code toolgate_} + md5 of the tables' schema: NOTIFY is database-wide, and two
 * stores in two schemas of one database must not hear each other; a hash keeps any schema name
 * under PostgreSQL's 63-byte channel limit. Payloads name what changed, never a secret value:
 * <ul>
 *   <li>{@code credentials:<revision>}: the store revision moved (every credential change bumps it);
 *   <li>{@code revoked_token:<revision>:<jti>}: a JWT revoked, in the transaction of that revision
 *       (a revocation is a transaction of its own, so an instance can apply it without a reload);
 *   <li>{@code user:<user id>}: a user created, deleted, disabled or enabled, or its password reset;
 *   <li>{@code platform_user:<platform>:<platform user id>}: a platform user mapped or unmapped;
 *   <li>{@code admin_tokens}: an admin token created, revoked, deleted or its expiry changed.
 * </ul>
 * Last-used times change none of these, so they announce nothing.
 */
public class V6__Change_notifications extends BaseJavaMigration {
  private static final String SQL = """
      CREATE FUNCTION toolgate_announce() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        channel text := 'toolgate_' || md5(TG_TABLE_SCHEMA);
        revision bigint;
      BEGIN
        IF TG_TABLE_NAME = 'store_revision' THEN
          PERFORM pg_notify(channel, 'credentials:' || NEW.revision);
        ELSIF TG_TABLE_NAME = 'revoked_tokens' THEN
          EXECUTE format('SELECT revision FROM %I.store_revision WHERE id = 1', TG_TABLE_SCHEMA) INTO revision;
          PERFORM pg_notify(channel, 'revoked_token:' || revision || ':' || NEW.jti);
        ELSIF TG_TABLE_NAME = 'users' THEN
          PERFORM pg_notify(channel, 'user:' || CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END);
        ELSIF TG_TABLE_NAME = 'platform_users' THEN
          IF TG_OP <> 'INSERT' THEN
            PERFORM pg_notify(channel, 'platform_user:' || OLD.platform || ':' || OLD.platform_user_id);
          END IF;
          IF TG_OP <> 'DELETE' THEN
            PERFORM pg_notify(channel, 'platform_user:' || NEW.platform || ':' || NEW.platform_user_id);
          END IF;
        ELSIF TG_TABLE_NAME = 'admin_tokens' THEN
          PERFORM pg_notify(channel, 'admin_tokens');
        END IF;
        RETURN NULL;
      END
      $$;

      CREATE TRIGGER store_revision_announce AFTER UPDATE ON store_revision
        FOR EACH ROW EXECUTE FUNCTION toolgate_announce();
      CREATE TRIGGER revoked_tokens_announce AFTER INSERT ON revoked_tokens
        FOR EACH ROW EXECUTE FUNCTION toolgate_announce();

      CREATE TRIGGER users_announce_insert_delete AFTER INSERT OR DELETE ON users
        FOR EACH ROW EXECUTE FUNCTION toolgate_announce();
      -- A password hash upgraded to new Argon2 parameters changes neither column: nothing to announce.
      CREATE TRIGGER users_announce_update AFTER UPDATE ON users
        FOR EACH ROW WHEN (OLD.disabled IS DISTINCT FROM NEW.disabled
                           OR OLD.password_changed_at IS DISTINCT FROM NEW.password_changed_at)
        EXECUTE FUNCTION toolgate_announce();

      CREATE TRIGGER platform_users_announce AFTER INSERT OR UPDATE OR DELETE ON platform_users
        FOR EACH ROW EXECUTE FUNCTION toolgate_announce();

      CREATE TRIGGER admin_tokens_announce_insert_delete AFTER INSERT OR DELETE ON admin_tokens
        FOR EACH ROW EXECUTE FUNCTION toolgate_announce();
      CREATE TRIGGER admin_tokens_announce_update AFTER UPDATE ON admin_tokens
        FOR EACH ROW WHEN (OLD.revoked_at IS DISTINCT FROM NEW.revoked_at
                           OR OLD.expires_at IS DISTINCT FROM NEW.expires_at
                           OR OLD.digest IS DISTINCT FROM NEW.digest)
        EXECUTE FUNCTION toolgate_announce();
      """;

  @Override
  public void migrate(Context context) throws Exception {
    String product = context.getConnection().getMetaData().getDatabaseProductName();
    if (!"PostgreSQL".equalsIgnoreCase(product)) {
      return; // SQLite: one instance, nothing to announce to
    }
    try (Statement statement = context.getConnection().createStatement()) {
      statement.execute(SQL);
    }
  }
}
