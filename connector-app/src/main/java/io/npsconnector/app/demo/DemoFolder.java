package io.npsconnector.app.demo;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
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

  private final FileChannel channel;
  private final FileLock lock;

  private DemoFolder(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /** Locks {@code folder} (creating it); refuses, naming the holder and how to stop it, when another demo has it. */
  static DemoFolder lock(Path folder) throws IOException {
    Files.createDirectories(folder);
    Path file = folder.resolve(LOCK_FILE);
    FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
        StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null; // held by this very process
    } catch (IOException e) {
      channel.close();
      throw e;
    }
    if (lock == null) {
      String holder = Files.readString(file, StandardCharsets.UTF_8).strip();
      channel.close();
      throw new IllegalStateException("another demo is using " + folder + (holder.isEmpty() ? "" : " (process "
          + holder + ")") + ": stop it with Ctrl-C in its terminal" + (holder.isEmpty() ? "" : " or kill " + holder)
          + ", or give this one its own folder with --data DIR");
    }
    channel.truncate(0);
    channel.write(ByteBuffer.wrap(Long.toString(ProcessHandle.current().pid()).getBytes(StandardCharsets.UTF_8)));
    channel.force(false);
    return new DemoFolder(channel, lock);
  }

  @Override
  public void close() {
    try {
      lock.release();
      channel.close();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
