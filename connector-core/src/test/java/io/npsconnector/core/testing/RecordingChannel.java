package io.npsconnector.core.testing;

import io.npsconnector.core.delivery.Channel;
import io.npsconnector.core.delivery.Delivery;
import io.npsconnector.core.delivery.DeliveryException;
import io.npsconnector.core.delivery.DeliveryReceipt;
import io.npsconnector.core.delivery.HandOver;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A {@link Channel} that sends nothing and remembers every message that would have left, in order, for
 * tests of the send path ("no invitation sent twice", retries, crashes).
 *
 * <p>{@link #deliveries()} holds the messages that left (including those followed by a
 * {@linkplain #failAfterSending simulated crash}); {@link #attempts()} holds every call, failed ones
 * included. Failures are injected per call: {@link #failNextSends} (retriable), {@link #failPermanentlyFor}
 * (a rejected recipient), {@link #failAfterSending} (the message left, then the process "died"), and
 * {@link #holdNextSend} (the send waits at a gate the test opens).
 *
 * <p>Thread-safe: the scheduler sends from several threads. A held send waits without holding any lock.
 */
public final class RecordingChannel implements Channel {
  /** The default channel id. */
  public static final String EMAIL = "email";

  private final String id;
  // All state below is guarded by this.
  private final List<Delivery> deliveries = new ArrayList<>();
  private final List<Delivery> attempts = new ArrayList<>();
  private final Set<String> rejectedContacts = new HashSet<>();
  private final Deque<Gate> gates = new ArrayDeque<>();
  private int retriableFailures;
  private int crashesAfterSending;
  private int unansweredSends;

  /** A channel with id {@code email}. */
  public RecordingChannel() {
    this(EMAIL);
  }

  /** A channel with the given id ({@code webhook}, ...). */
  public RecordingChannel(String id) {
    Objects.requireNonNull(id, "id");
    if (id.isBlank()) {
      throw new IllegalArgumentException("channel id is blank");
    }
    this.id = id;
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public DeliveryReceipt send(Delivery delivery) {
    return send(delivery, HandOver.NONE);
  }

  /** As {@link #send(Delivery)}, handing over with the message id (after the gate, before any injected failure). */
  @Override
  public DeliveryReceipt send(Delivery delivery, HandOver handOver) {
    Objects.requireNonNull(delivery, "delivery");
    Gate gate;
    synchronized (this) {
      attempts.add(delivery);
      gate = gates.poll();
    }
    if (gate != null) {
      gate.pass(delivery);
    }
    String messageId = "<" + delivery.idempotencyKey() + "@" + id + ".recording.invalid>";
    handOver.begin(Optional.of(messageId));
    synchronized (this) {
      String contactId = delivery.contact().crmId();
      if (rejectedContacts.contains(contactId)) {
        throw new DeliveryException("recipient rejected (injected): contact " + contactId, false, null);
      }
      if (retriableFailures > 0) {
        retriableFailures--;
        throw new DeliveryException("service unavailable (injected): " + delivery.idempotencyKey(), true, null);
      }
      deliveries.add(delivery);
      if (unansweredSends > 0) {
        unansweredSends--;
        throw DeliveryException.outcomeUnknown("no answer to the whole message (injected): "
            + delivery.idempotencyKey(), null);
      }
      if (crashesAfterSending > 0) {
        crashesAfterSending--;
        throw new SimulatedCrash("crashed after sending " + delivery.idempotencyKey());
      }
      return DeliveryReceipt.of(messageId);
    }
  }

  // ---- what was sent ----

  /** The messages that left, in order. */
  public synchronized List<Delivery> deliveries() {
    return List.copyOf(deliveries);
  }

  /** How many messages left. */
  public synchronized int count() {
    return deliveries.size();
  }

  /** The idempotency keys of the messages that left, in first-sent order; fewer than {@link #count()} means repeats. */
  public synchronized Set<String> distinctKeys() {
    Set<String> keys = new LinkedHashSet<>();
    deliveries.forEach(delivery -> keys.add(delivery.idempotencyKey()));
    return keys;
  }

  /** How many messages (invitation and reminder) left for the invitation. */
  public synchronized int countFor(long invitationId) {
    return (int) deliveries.stream().filter(delivery -> delivery.invitationId() == invitationId).count();
  }

  /** Every call of {@link #send}, in order, whether the message left or not. */
  public synchronized List<Delivery> attempts() {
    return List.copyOf(attempts);
  }

  // ---- failures ----

  /** The next {@code times} sends throw a retriable {@link DeliveryException}; nothing leaves. */
  public synchronized void failNextSends(int times) {
    retriableFailures += requireNonNegative(times);
  }

  /** Every send to this contact throws a permanent {@link DeliveryException}, as for a rejected recipient. */
  public synchronized void failPermanentlyFor(String contactId) {
    rejectedContacts.add(Objects.requireNonNull(contactId, "contactId"));
  }

  /**
   * The next {@code times} sends record their message as sent and then throw a {@link DeliveryException} whose
   * outcome is unknown, as when an SMTP server got the whole message and its reply never came.
   */
  public synchronized void leaveOutcomeUnknown(int times) {
    unansweredSends += requireNonNegative(times);
  }

  /**
   * The next {@code times} sends record their message as sent and then throw {@link SimulatedCrash}, as if
   * the process died after the message left and before the send was stored.
   */
  public synchronized void failAfterSending(int times) {
    crashesAfterSending += requireNonNegative(times);
  }

  /**
   * The next send stops at the returned gate until {@link Gate#release()}; gates queue up, one per send.
   * A held send whose thread is interrupted throws a retriable {@link DeliveryException}, nothing sent.
   */
  public synchronized Gate holdNextSend() {
    Gate gate = new Gate();
    gates.add(gate);
    return gate;
  }

  private static int requireNonNegative(int times) {
    if (times < 0) {
      throw new IllegalArgumentException("times < 0: " + times);
    }
    return times;
  }

  /** Where one held send waits. */
  public static final class Gate {
    private final CountDownLatch reached = new CountDownLatch(1);
    private final CountDownLatch released = new CountDownLatch(1);
    private volatile Delivery delivery;

    private Gate() {}

    /** Waits until a send reaches the gate; false when {@code timeout} passed first. */
    public boolean awaitReached(Duration timeout) throws InterruptedException {
      return reached.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** The delivery waiting (or that waited) here. */
    public Optional<Delivery> delivery() {
      return Optional.ofNullable(delivery);
    }

    /** Lets the send go on; a gate released before its send arrives does not stop it. */
    public void release() {
      released.countDown();
    }

    private void pass(Delivery delivery) {
      this.delivery = delivery;
      reached.countDown();
      try {
        released.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new DeliveryException("interrupted before sending " + delivery.idempotencyKey(), true, e);
      }
    }
  }

  /** Thrown after a message left, to stand for the process dying there; not a {@link DeliveryException}. */
  public static final class SimulatedCrash extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SimulatedCrash(String message) {
      super(message);
    }
  }
}
