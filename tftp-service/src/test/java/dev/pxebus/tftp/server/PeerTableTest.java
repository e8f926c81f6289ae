package dev.pxebus.tftp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class PeerTableTest {
  record Transfer(InetSocketAddress peer) {}

  private final PeerTable<Transfer> table = new PeerTable<>(Transfer::peer);

  private static InetSocketAddress at(String ip, int port) throws Exception {
    return new InetSocketAddress(InetAddress.getByName(ip), port);
  }

  @Test
  void clientsOnOnePortAtDifferentAddressesAreToldApart() throws Exception {
    Transfer a = new Transfer(at("10.0.0.1", 2000));
    Transfer b = new Transfer(at("10.0.0.2", 2000));
    Transfer c = new Transfer(at("10.0.0.1", 2001));
    table.put(a);
    table.put(b);
    table.put(c);
    assertSame(a, table.get(at("10.0.0.1", 2000)));
    assertSame(b, table.get(at("10.0.0.2", 2000)));
    assertSame(c, table.get(at("10.0.0.1", 2001)));
    assertNull(table.get(at("10.0.0.3", 2000)));
    assertNull(table.get(at("10.0.0.1", 2002)));
    assertEquals(3, table.size());
  }

  @Test
  void removeTakesOnlyThatTransfer() throws Exception {
    Transfer a = new Transfer(at("10.0.0.1", 65535));
    Transfer b = new Transfer(at("10.0.0.2", 65535));
    table.put(a);
    table.put(b);
    table.remove(new Transfer(at("10.0.0.1", 65535))); // another transfer of the same peer: not registered
    assertSame(a, table.get(at("10.0.0.1", 65535)));
    table.remove(a);
    assertNull(table.get(at("10.0.0.1", 65535)));
    assertSame(b, table.get(at("10.0.0.2", 65535)));
    table.remove(b);
    assertNull(table.get(at("10.0.0.2", 65535)));
    assertEquals(0, table.size());
    table.remove(b); // twice: nothing happens
    assertEquals(0, table.size());
  }

  @Test
  void aSecondTransferForOnePeerIsRefused() throws Exception {
    table.put(new Transfer(at("10.0.0.1", 69)));
    assertThrows(IllegalStateException.class, () -> table.put(new Transfer(at("10.0.0.1", 69))));
  }
}
