package dev.pxebus.events.catalog;

/** A file of an image (kernel, initrd, …) stored content-addressed by catalog-service. */
public record Artifact(String name, String sha256, long size) {}
