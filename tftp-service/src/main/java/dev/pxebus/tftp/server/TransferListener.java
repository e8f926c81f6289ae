package dev.pxebus.tftp.server;

/** Told about each transfer on the server's event loop; must not block (publish, count, return). */
public interface TransferListener {
  void started(TransferReport report);

  /** The transfer ended (any outcome), or the request was refused before any data. */
  void ended(TransferReport report);

  TransferListener NONE = new TransferListener() {
    @Override
    public void started(TransferReport report) {}

    @Override
    public void ended(TransferReport report) {}
  };
}
