package dev.pxebus.tftp.transfer;

import dev.pxebus.tftp.codec.ErrorCode;

/** How a read transfer ended. {@link #kind()} is a small fixed set, fit for a metric tag. */
public sealed interface Outcome
    permits Outcome.Completed, Outcome.AbortedAfterOack, Outcome.ClientError, Outcome.TimedOut {

  enum Kind { COMPLETED, ABORTED_AFTER_OACK, CLIENT_ERROR, TIMED_OUT }

  Kind kind();

  /** The client acknowledged the last block. */
  record Completed() implements Outcome {
    @Override
    public Kind kind() {
      return Kind.COMPLETED;
    }
  }

  /**
   * The client answered the OACK with ERROR 8 (RFC 2347). A normal end, not a failure: EDK2 asks for tsize, reads it
   * from the OACK, aborts this way and sends a second request for the real transfer. (A client refusing the
   * negotiated options ends the same way; on the wire the two cannot be told apart.)
   */
  record AbortedAfterOack(String message) implements Outcome {
    @Override
    public Kind kind() {
      return Kind.ABORTED_AFTER_OACK;
    }
  }

  /** The client sent an ERROR (other than the case above). */
  record ClientError(ErrorCode code, String message) implements Outcome {
    @Override
    public Kind kind() {
      return Kind.CLIENT_ERROR;
    }
  }

  /**
   * Retransmissions exhausted. {@code index} is the packet never acknowledged (0 = the OACK);
   * {@code lastBlockSent} says the client had been sent everything — it probably has the file and its final ACK was
   * lost, which RFC 1350 §6 accepts as a possible end.
   */
  record TimedOut(long index, int retransmissions, boolean lastBlockSent) implements Outcome {
    @Override
    public Kind kind() {
      return Kind.TIMED_OUT;
    }
  }
}
