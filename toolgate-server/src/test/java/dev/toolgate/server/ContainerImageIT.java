package dev.toolgate.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image `mvn verify` writes to target/toolgate-image.tar (docs/deployment.md#container-image):
 * its configuration as `docker load` would read it, the files in its layers, and, as root, the image
 * itself run the way a container runtime runs it: its layers unpacked into a root directory, its
 * entrypoint started there under its user with its environment.
 */
class ContainerImageIT {
  private static final Path IMAGE = Path.of("target", "toolgate-image.tar");
  private static final String UID = "10001";
  /** By its path: {@code env -i} leaves the image's PATH, which does not have it. */
  private static final String CHROOT = java.util.stream.Stream.of("/usr/sbin/chroot", "/usr/bin/chroot", "/sbin/chroot")
      .filter(p -> Files.isExecutable(Path.of(p))).findFirst().orElse("chroot");

  @TempDir static Path unpacked;
  private static JsonObject config;
  private static List<Path> layers;

  @BeforeAll
  static void unpack() throws Exception {
    assumeTrue(Files.isRegularFile(IMAGE), "no " + IMAGE + ": the image is built on Linux only (profile container-image)");
    sh(unpacked, "tar", "-xf", IMAGE.toAbsolutePath().toString());
    JsonObject manifest = new JsonArray(Files.readString(unpacked.resolve("manifest.json"))).getJsonObject(0);
    assertThat(manifest.getJsonArray("RepoTags")).containsExactly("toolgate:" + Versions.pom());
    config = new JsonObject(Files.readString(unpacked.resolve(manifest.getString("Config"))));
    layers = manifest.getJsonArray("Layers").stream().map(l -> unpacked.resolve((String) l)).toList();
  }

  @Test
  void configurationRunsToolgateAsAnUnprivilegedUserWithItsVolumesPortAndLabels() throws Exception {
    JsonObject c = config.getJsonObject("config");
    assertThat(config.getString("os")).isEqualTo("linux");
    assertThat(c.getString("User")).isEqualTo(UID + ":" + UID);
    assertThat(c.getJsonArray("Entrypoint")).containsExactly(
        "/opt/java/openjdk/bin/java", "-cp", "@/app/jib-classpath-file", "dev.toolgate.server.cli.ToolgateCli");
    assertThat(c.getJsonArray("Cmd")).containsExactly("serve");
    assertThat(c.getJsonObject("ExposedPorts").fieldNames()).containsExactlyInAnyOrder("8080/tcp", "9464/tcp");
    assertThat(c.getJsonObject("Volumes").fieldNames()).containsExactlyInAnyOrder("/etc/toolgate", "/var/lib/toolgate");
    assertThat(c.getString("WorkingDir")).isEqualTo("/var/lib/toolgate");
    assertThat(env(c)).containsEntry("TOOLGATE_CONFIG", "/etc/toolgate/toolgate.yaml")
        .containsEntry("JAVA_HOME", "/opt/java/openjdk").containsEntry("LANG", "C.UTF-8");
    assertThat(env(c).get("JAVA_TOOL_OPTIONS")).contains("-XX:MaxRAMPercentage=75", "-XX:+UseSerialGC");
    JsonObject labels = c.getJsonObject("Labels");
    assertThat(labels.getString("org.opencontainers.image.version")).isEqualTo(Versions.pom());
    assertThat(labels.getString("org.opencontainers.image.revision")).isEqualTo(Versions.headCommit());
    assertThat(labels.getString("org.opencontainers.image.title")).isEqualTo("Toolgate");
    for (String label : List.of("source", "url", "licenses", "description")) {
      assertThat(labels.getString("org.opencontainers.image." + label)).as(label).isNotBlank();
    }
  }

  @Test
  void layersHoldTheRuntimeItsLibrariesTheUserAndTheApplication() throws Exception {
    Map<String, String> files = new HashMap<>();   // path -> "mode owner"
    for (Path layer : layers) {
      for (String line : sh(unpacked, "tar", "--numeric-owner", "-tvzf", layer.toString()).lines().filter(l -> !l.startsWith("tar: ")).toList()) {
        String[] f = line.split("\\s+", 6);
        files.put("/" + f[5].replaceFirst("^\\./", "").replaceFirst("/$", ""), f[0] + " " + f[1]);
      }
    }
    assertThat(files).containsKeys("/opt/java/openjdk/bin/java", "/opt/java/openjdk/lib/server/libjvm.so",
        "/opt/java/openjdk/lib/security/cacerts", "/lib64/ld-linux-x86-64.so.2", "/lib/x86_64-linux-gnu/libc.so.6",
        "/lib/x86_64-linux-gnu/libz.so.1", "/etc/passwd", "/usr/share/doc/toolgate-base/packages.txt",
        "/app/jib-classpath-file", "/app/libs/toolgate-core-" + Versions.pom() + ".jar",
        "/app/classes/dev/toolgate/server/cli/ToolgateCli.class", "/app/resources/db/migration/V1__credentials_and_audit.sql");
    assertThat(files.get("/var/lib/toolgate")).isEqualTo("drwxr-x--- " + UID + "/" + UID);
    assertThat(files.get("/etc/toolgate")).isEqualTo("drwxr-x--- " + UID + "/" + UID);
    assertThat(files.get("/tmp")).startsWith("drwxrwxrwt 0/0");
    assertThat(files.get("/opt/java/openjdk/bin/java")).startsWith("-rwxr-xr-x 0/0");
  }

  /** As a runtime would: the layers in order in one root, the entrypoint run there as the image's user. */
  @Test
  void theImageRunsToolgateAsItsUserAndServesAHealthyInstance() throws Exception {
    assumeTrue(canChroot(), "running the image's root needs root, unshare and chroot (the configuration tests ran)");
    Path root = Files.createDirectories(unpacked.resolve("rootfs"));
    for (Path layer : layers) {
      sh(unpacked, "tar", "--numeric-owner", "-xzf", layer.toString(), "-C", root.toString());
    }
    Files.createDirectories(root.resolve("proc"));

    assertThat(run(root, "--version").strip()).isEqualTo("toolgate " + Versions.pom() + " (commit " + Versions.headCommit() + ")");

    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Path yaml = root.resolve("etc/toolgate/toolgate.yaml");
    Files.writeString(yaml, """
        server: {host: 127.0.0.1, port: %d}
        store: {path: /var/lib/toolgate/toolgate.db, master_key_file: /var/lib/toolgate/toolgate.key}
        audit: {spill_dir: /var/lib/toolgate/audit-spill}
        tools:
          - {name: status, method: GET, path: /status, upstream: "http://127.0.0.1:9", policy: {anonymous: true}}
        """.formatted(port), StandardCharsets.UTF_8);
    sh(unpacked, "chown", UID + ":" + UID, yaml.toString());

    Process serve = start(root, List.of()).redirectErrorStream(true).redirectOutput(unpacked.resolve("serve.log").toFile()).start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      String health = "";
      while (System.nanoTime() < deadline && serve.isAlive()) {
        Process check = start(root, List.of("healthcheck")).redirectErrorStream(true).start();
        health = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (check.waitFor() == 0) {
          break;
        }
        Thread.sleep(500);
      }
      assertThat(health).as("serve log:%n%s", Files.readString(unpacked.resolve("serve.log")))
          .contains("http://127.0.0.1:" + port + "/readyz: 200");
      assertThat(sh(unpacked, "stat", "-c", "%u %a", root.resolve("var/lib/toolgate/toolgate.key").toString()).strip())
          .isEqualTo(UID + " 600");
    } finally {
      serve.destroy();
      serve.waitFor(30, TimeUnit.SECONDS);
    }
  }

  private static Map<String, String> env(JsonObject c) {
    Map<String, String> env = new HashMap<>();
    for (Object e : c.getJsonArray("Env")) {
      String[] kv = ((String) e).split("=", 2);
      env.put(kv[0], kv[1]);
    }
    return env;
  }

  private static boolean canChroot() throws Exception {
    return System.getProperty("os.name").equals("Linux") && sh(unpacked, "id", "-u").strip().equals("0")
        && new ProcessBuilder("unshare", "--mount", "--pid", "--fork", "true").start().waitFor() == 0;
  }

  /**
   * The image's entrypoint and these arguments in {@code root}, as its user, with only its environment:
   * in a mount and PID namespace of their own, the root a mount point with /proc mounted in it, as a container runtime would.
   */
  private static ProcessBuilder start(Path root, List<String> args) {
    JsonObject c = config.getJsonObject("config");
    List<String> command = new ArrayList<>(List.of("unshare", "--mount", "--pid", "--fork", "--kill-child", "sh", "-c",
        "mount --bind \"$0\" \"$0\" && mount -t proc proc \"$0/proc\" && exec \"$@\"", root.toString(), "env", "-i"));
    command.addAll(c.getJsonArray("Env").stream().map(String.class::cast).toList());
    command.addAll(List.of(CHROOT, "--userspec=" + c.getString("User"), root.toString()));
    command.addAll(c.getJsonArray("Entrypoint").stream().map(String.class::cast).toList());
    command.addAll(args.isEmpty() ? c.getJsonArray("Cmd").stream().map(String.class::cast).toList() : args);
    return new ProcessBuilder(command);
  }

  private static String run(Path root, String... args) throws Exception {
    Process p = start(root, List.of(args)).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("stdout:%n%s%nstderr:%n%s", out, err).isZero();
    return out;
  }

  static String sh(Path dir, String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("%s:%n%s", String.join(" ", command), out).isZero();
    return out;
  }

  /** The version and commit the build should have written, from the pom and from git itself. */
  static final class Versions {
    static String pom() throws IOException {
      Matcher m = Pattern.compile("<parent>.*?<version>([^<]+)</version>.*?</parent>", Pattern.DOTALL)
          .matcher(Files.readString(Path.of("pom.xml")));
      assertThat(m.find()).isTrue();
      return m.group(1);
    }

    static String headCommit() throws Exception {
      return sh(Path.of(".."), "git", "rev-parse", "HEAD").strip();
    }
  }
}
