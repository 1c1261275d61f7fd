package dev.toolgate.server.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * {@code serve --pid-file}: the server's process id in a file, for {@code toolgate reload}, init
 * scripts and systemd's {@code PIDFile=}. Beside it, {@link ReloadReport} says how each reload went.
 */
final class PidFile {
  private PidFile() {}

  /**
   * Writes this process's id (replaced in one step: a reader never sees half a file).
   *
   * @throws UserError when the file names another process that is still running
   */
  static void write(Path file) {
    Long other = readIfPresent(file);
    if (other != null && other != ProcessHandle.current().pid() && ProcessHandle.of(other).map(ProcessHandle::isAlive).orElse(false)) {
      throw UserError.conflict(file + " names process " + other + ", which is still running: is another server using this pid file?");
    }
    try {
      Path dir = file.toAbsolutePath().getParent();
      Files.createDirectories(dir);
      Path temp = Files.createTempFile(dir, ".toolgate-pid-", ".tmp");
      Files.writeString(temp, ProcessHandle.current().pid() + "\n", StandardCharsets.US_ASCII);
      Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw UserError.failure("cannot write the pid file " + file + ": " + e.getMessage());
    }
  }

  /** Removes the file and its report if they are still this process's (a clean stop). */
  static void remove(Path file) {
    try {
      Long pid = readIfPresent(file);
      if (pid != null && pid == ProcessHandle.current().pid()) {
        Files.deleteIfExists(file);
        Files.deleteIfExists(ReloadReport.beside(file));
      }
    } catch (IOException | UserError e) {
      System.err.println("cannot remove the pid file " + file + ": " + e.getMessage());
    }
  }

  /**
   * The process id the file holds.
   *
   * @throws UserError when there is no such file or it holds no process id
   */
  static long read(Path file) {
    Long pid = readIfPresent(file);
    if (pid == null) {
      throw UserError.failure(file + " does not exist: is the server running, started with `toolgate serve --pid-file " + file + "`?");
    }
    return pid;
  }

  private static Long readIfPresent(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.US_ASCII).strip();
    } catch (java.nio.file.NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      throw UserError.failure("cannot read the pid file " + file + ": " + e.getMessage());
    }
    if (!text.matches("[1-9][0-9]{0,18}")) {
      throw UserError.failure(file + " does not hold a process id");
    }
    return Long.parseLong(text);
  }
}
