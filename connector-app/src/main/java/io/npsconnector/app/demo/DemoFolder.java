package io.npsconnector.app.demo;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The demo's data folder, held by one demo at a time: an OS lock on {@code demo.lock} (released when the
 * process ends, however it ends), which names the process that holds it.
 */
final class DemoFolder implements AutoCloseable {
  static final String LOCK_FILE = "demo.lock";
  /** Folders demos of this process hold: closing a second channel on the lock file would free the OS lock. */
  private static final java.util.Set<Path> HELD = java.util.concurrent.ConcurrentHashMap.newKeySet();

  private final Path folder;
  private final FileChannel channel;
  private final FileLock lock;

  private DemoFolder(Path folder, FileChannel channel, FileLock lock) {
    this.folder = folder;
    this.channel = channel;
    this.lock = lock;
  }

  /** Locks {@code folder} (creating it); refuses, naming the holder and how to stop it, when another demo has it. */
  static DemoFolder lock(Path folder) throws IOException {
    Files.createDirectories(folder);
    Path file = folder.resolve(LOCK_FILE);
    Path key = folder.toAbsolutePath().normalize();
    if (!HELD.add(key)) {
      throw refused(folder, Long.toString(ProcessHandle.current().pid()));
    }
    FileLock lock = null;
    FileChannel channel = null;
    try {
      channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      lock = channel.tryLock();
      if (lock == null) {
        throw refused(folder, Files.readString(file, StandardCharsets.UTF_8).strip());
      }
      channel.truncate(0);
      channel.write(ByteBuffer.wrap(Long.toString(ProcessHandle.current().pid()).getBytes(StandardCharsets.UTF_8)));
      channel.force(false);
      return new DemoFolder(key, channel, lock);
    } catch (IOException | RuntimeException e) {
      HELD.remove(key);
      if (channel != null) {
        channel.close();
      }
      throw e;
    }
  }

  private static IllegalStateException refused(Path folder, String holder) {
    return new IllegalStateException("another demo is using " + folder + (holder.isEmpty() ? "" : " (process "
        + holder + ")") + ": stop it with Ctrl-C in its terminal" + (holder.isEmpty() ? "" : " or kill " + holder)
        + ", or give this one its own folder with --data DIR");
  }

  @Override
  public void close() {
    try {
      lock.release();
      channel.close();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } finally {
      HELD.remove(folder);
    }
  }
}
