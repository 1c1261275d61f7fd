package dev.toolgate.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderFileTest {

  @Test
  void missingFile(@TempDir Path dir) {
    Path file = dir.resolve("toolgate.yaml");
    ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(file));
    assertThat(e.file()).isEqualTo(file);
    assertThat(e.line()).isZero();
    assertThat(e.field()).isEqualTo("(file)");
    assertThat(e.getMessage()).isEqualTo(file + ":0: (file): no such file (`toolgate init` writes a commented starter configuration)");
  }

  @Test
  void directoryInsteadOfFile(@TempDir Path dir) {
    ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(dir));
    assertThat(e.field()).isEqualTo("(file)");
    assertThat(e.getMessage()).contains("cannot read the file");
  }

  /** A reload must never wait on a FIFO's writer (every later reload would queue behind it) nor read a device until out of memory. */
  @Test
  void aFifoOrADeviceIsRefusedWithoutBeingRead(@TempDir Path dir) throws Exception {
    Path fifo = dir.resolve("toolgate.yaml");
    Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
    assertThat(mkfifo.waitFor()).isZero();
    Path linkToDevice = dir.resolve("zero.yaml");
    Files.createSymbolicLink(linkToDevice, Path.of("/dev/zero"));
    for (Path file : new Path[] {fifo, Path.of("/dev/zero"), linkToDevice}) {
      ConfigException e = Assertions.assertTimeoutPreemptively(Duration.ofSeconds(10),
          () -> catchThrowableOfType(ConfigException.class, () -> ConfigLoader.read(file)));
      assertThat(e.line()).isZero();
      assertThat(e.getMessage()).as(file.toString()).isEqualTo(file + ":0: (file): cannot read the file: not a regular file (a FIFO, a device?)");
    }
  }

  @Test
  void notUtf8(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("toolgate.yaml");
    Files.write(file, new byte[] {'a', ':', ' ', (byte) 0xff, (byte) 0xfe, '\n'});
    ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(file));
    assertThat(e.getMessage()).endsWith("(file): not UTF-8 text");
  }

  @Test
  void tooLarge(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("toolgate.yaml");
    Files.writeString(file, "#" + "x".repeat(SafeYaml.MAX_CHARS + 1));
    ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(file));
    assertThat(e.line()).isZero();
    assertThat(e.getMessage()).contains("larger than 1024 KiB");
  }

  @Test
  void errorsNameTheFileAsGiven(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("gateway.yaml");
    Files.writeString(file, "tools: []\n");
    ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(file));
    assertThat(e.getMessage()).isEqualTo(file + ":1: tools: must list at least one tool (name, method, path, upstream, policy)");
  }
}
