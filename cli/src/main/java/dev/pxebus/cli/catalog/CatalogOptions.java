package dev.pxebus.cli.catalog;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** Where catalog-service is and how to authenticate: the options every catalog command takes. */
public final class CatalogOptions {
  @Option(names = "--catalog", paramLabel = "URL", defaultValue = "${env:PXEBUS_CATALOG_URL:-" + CatalogClient.DEFAULT_URL + "}",
      description = "catalog-service base URL (env PXEBUS_CATALOG_URL, default " + CatalogClient.DEFAULT_URL + ")")
  String url;

  @Option(names = "--token", paramLabel = "TOKEN", defaultValue = "${env:PXEBUS_TOKEN}",
      description = "bearer token (env PXEBUS_TOKEN); prefer --token-file: a command line is visible to others")
  String token;

  @Option(names = "--token-file", paramLabel = "FILE", description = "file holding the bearer token (first line)")
  Path tokenFile;

  /** A client for the chosen service; {@code --token-file} wins over {@code --token} and the environment. */
  public CatalogClient client() throws CatalogException {
    return new CatalogClient(url, tokenText());
  }

  private Optional<String> tokenText() throws CatalogException {
    if (tokenFile != null) {
      try {
        String t = Files.readString(tokenFile, StandardCharsets.UTF_8).strip().lines().findFirst().orElse("");
        if (t.isEmpty()) throw CatalogException.usage("--token-file " + tokenFile + " is empty");
        return Optional.of(t);
      } catch (NoSuchFileException e) {
        throw CatalogException.usage("cannot read --token-file " + tokenFile + ": no such file");
      } catch (IOException e) {
        throw CatalogException.usage("cannot read --token-file " + tokenFile + ": " + e.getMessage());
      }
    }
    return Optional.ofNullable(token);
  }
}
