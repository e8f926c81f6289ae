package dev.pxebus.events.boot;

/** The boot menu languages menu-service renders. */
public enum MenuFormat { IPXE, PXELINUX, GRUB }
