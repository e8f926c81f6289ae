package dev.pxebus.events.boot;

/** One step of a machine's boot, as recorded on {@code pxebus.boot.events}. */
public enum BootStage {
  DHCP_DISCOVER(Family.DHCP),
  DHCP_OFFER(Family.DHCP),
  DHCP_REQUEST(Family.DHCP),
  DHCP_ACK(Family.DHCP),
  DHCP_NAK(Family.DHCP),
  DHCP_DECLINE(Family.DHCP),
  DHCP_RELEASE(Family.DHCP),
  DHCP_INFORM(Family.DHCP),
  /** proxyDHCP offer (boot information only, no address) on port 67. */
  PROXY_OFFER(Family.DHCP),
  /** PXE boot-server ACK on port 4011 (RFC 4578, PXE spec 2.1). */
  PROXY_ACK(Family.DHCP),
  TFTP_STARTED(Family.TFTP),
  TFTP_COMPLETED(Family.TFTP),
  TFTP_FAILED(Family.TFTP),
  HTTP_SERVED(Family.HTTP),
  HTTP_FAILED(Family.HTTP),
  MENU_RENDERED(Family.MENU),
  /** The installed machine reported its installation finished (menu-service's callback). */
  INSTALLED(Family.INSTALL);

  /** Which event record carries a stage. */
  public enum Family { DHCP, TFTP, HTTP, MENU, INSTALL }

  private final Family family;

  BootStage(Family family) {
    this.family = family;
  }

  public Family family() {
    return family;
  }

  void require(Family expected) {
    if (family != expected) {
      throw new IllegalArgumentException("stage " + this + " is a " + family + " stage, not " + expected);
    }
  }
}
