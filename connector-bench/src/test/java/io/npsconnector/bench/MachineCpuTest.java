package io.npsconnector.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class MachineCpuTest {
  @Test
  void theMachinesBusyTimeCountsThisThreadsWork() {
    assumeTrue(Files.isReadable(Path.of("/proc/stat")), "the machine's CPU is read from Linux's /proc/stat");
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    double before = MachineCpu.busySeconds();
    long started = threads.getCurrentThreadCpuTime();
    long spins = 0;
    while (threads.getCurrentThreadCpuTime() - started < 300_000_000L) { // 0.3 s of this thread's CPU
      spins++;
    }
    double busy = MachineCpu.busySeconds() - before;

    assertThat(spins).isPositive();
    // the kernel counts in hundredths of a second: 0.3 s of work is at least 0.28 s of the machine's
    assertThat(busy).isGreaterThanOrEqualTo(0.28);
  }

  @Test
  void thePostgresServersTimeIsACountOrUnknown() {
    double postgres = MachineCpu.postgresSeconds();

    assertThat(Double.isNaN(postgres) || postgres >= 0).as("NaN without a local server, else a count: %s", postgres)
        .isTrue();
  }

  @Test
  void theMachineRowSplitsTheBusyTimeByWho() {
    ObjectNode sync = new ObjectMapper().createObjectNode().put("wall", 10.0).put("cpu", 8.0)
        .put("machine-busy", 18.0).put("postgres-cpu", 6.0);
    ObjectNode pull = new ObjectMapper().createObjectNode().put("wall", 5.0).put("cpu", 3.0)
        .put("machine-busy", 8.0).put("postgres-cpu", 0.0);
    int cores = Runtime.getRuntime().availableProcessors();

    assertThat(Bench.machine(sync, "connector"))
        .isEqualTo("connector 8.00 s + PostgreSQL 6.00 s + sandbox and rest 4.00 s = 1.80 of " + cores + " cores");
    assertThat(Bench.machine(pull, "bare pull"))
        .isEqualTo("bare pull 3.00 s + sandbox and rest 5.00 s = 1.60 of " + cores + " cores");
  }
}
