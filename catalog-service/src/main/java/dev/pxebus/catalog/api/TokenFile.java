package dev.pxebus.catalog.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The write token kept in the data directory when none is configured: read if the file exists, else generated
 * (32 random bytes, base64url) and written readable by the owner only.
 */
public final class TokenFile {
  private TokenFile() {}

  /** The token and whether this call generated it (the caller prints a generated token, once). */
  public record Token(String value, boolean generated, Path file) {}

  public static Token loadOrCreate(Path file) throws IOException {
    if (Files.exists(file)) {
      String t = Files.readString(file, StandardCharsets.UTF_8).trim();
      if (t.isEmpty()) throw new IOException(file + " is empty: delete it to generate a new token, or set catalog.token");
      return new Token(t, false, file);
    }
    Files.createDirectories(file.toAbsolutePath().getParent());
    byte[] raw = new byte[32];
    new SecureRandom().nextBytes(raw);
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    Path temp = file.resolveSibling(file.getFileName() + ".new");
    Files.deleteIfExists(temp);
    try {
      Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      Files.createFile(temp);
    }
    Files.writeString(temp, token + "\n", StandardCharsets.UTF_8, StandardOpenOption.WRITE);
    try (var ch = java.nio.channels.FileChannel.open(temp, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
    try {
      Files.move(temp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (FileAlreadyExistsException e) {
      Files.deleteIfExists(temp);
      return loadOrCreate(file);
    }
    return new Token(token, true, file);
  }
}
