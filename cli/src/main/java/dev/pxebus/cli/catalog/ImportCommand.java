package dev.pxebus.cli.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code pxebus images import DIR}: uploads a directory of boot files, and with {@code --id} makes the image. */
@Command(name = "import",
    description = {
        "Upload a directory of boot files; with --id, add the image made of them.",
        "Every regular file of DIR goes to the blob store (POST /blobs, streamed), and its name, sha256 and size are "
            + "printed. Not imported, each reported: subdirectories, symbolic links leaving DIR, hidden and empty "
            + "files.",
        "The image's kernel, unless --kernel names it: the one file named vmlinuz*, vmlinux*, bzImage* or linux, "
            + "else the one *.efi file; several or none is an error asking for --kernel. Its initrds, unless --initrd "
            + "names them: the other files named initrd*, initramfs*, *.img or *.cpio*, sorted by name. Both are "
            + "decided before anything is uploaded."},
    exitCodeListHeading = ExitCodes.HEADING,
    exitCodeList = {ExitCodes.OK_HELP, ExitCodes.REFUSED_HELP, ExitCodes.USAGE_HELP, ExitCodes.UNREACHABLE_HELP})
final class ImportCommand extends CatalogCommand {
  @Parameters(index = "0", paramLabel = "DIR", description = "the directory of boot files")
  Path dir;

  @Option(names = "--id", paramLabel = "ID", description = "add the image ID from the files uploaded")
  String id;

  @Option(names = "--arch", paramLabel = "ARCH", description = "its architecture (needed with --id)")
  String arch;

  @Option(names = "--kernel", paramLabel = "NAME", description = "the kernel file (default: see above)")
  String kernel;

  @Option(names = "--initrd", paramLabel = "NAME", description = "an initrd file, repeatable, in order (default: see above)")
  List<String> initrds = new ArrayList<>();

  @Option(names = "--cmdline", paramLabel = "PARAMS", description = "kernel parameters")
  String cmdline;

  @Option(names = "--name", paramLabel = "TEXT", description = "display name")
  String name;

  @Option(names = "--version", paramLabel = "VERSION", description = "version text")
  String version;

  @Option(names = "--label", paramLabel = "KEY=VALUE", description = "a label, repeatable")
  List<String> labels;

  @Override
  int execute(CatalogClient client) throws CatalogException {
    if (id == null && (arch != null || kernel != null || !initrds.isEmpty() || cmdline != null || name != null
        || version != null || labels != null)) {
      throw CatalogException.usage("--arch, --kernel, --initrd, --cmdline, --name, --version and --label describe the "
          + "image: give --id too");
    }
    if (id != null && arch == null) throw CatalogException.usage("--id needs --arch");
    if (!Files.isDirectory(dir)) throw CatalogException.usage(dir + " is not a directory");
    ImportPlan plan;
    try {
      plan = ImportPlan.scan(dir);
    } catch (IOException e) {
      throw CatalogException.usage("cannot read " + dir + ": " + e.getMessage());
    }
    for (ImportPlan.Skip s : plan.skipped()) err().println("pxebus: skipped " + s.name() + ": " + s.why());
    if (plan.uploads().isEmpty()) throw CatalogException.usage("no files to import in " + dir);
    // Decide the image's files before uploading anything, so that a missing --kernel costs no upload.
    String kernelName = null;
    List<String> initrdNames = List.of();
    if (id != null) {
      kernelName = ImportPlan.kernel(plan.names(), Optional.ofNullable(kernel));
      initrdNames = ImportPlan.initrds(plan.names(), kernelName, initrds);
      if (initrdNames.contains(kernelName)) throw CatalogException.usage(kernelName + " cannot be kernel and initrd");
    }
    int width = plan.names().stream().mapToInt(String::length).max().orElse(0);
    Map<String, CatalogClient.Blob> blobs = new HashMap<>();
    for (ImportPlan.Upload u : plan.uploads()) {
      CatalogClient.Blob b = client.upload(u.path(), new UploadProgress(u.name(), u.size(), err(), System::nanoTime));
      blobs.put(u.name(), b);
      out().println(u.name() + " ".repeat(width - u.name().length()) + "  " + b.sha256() + "  " + b.size());
      out().flush();
    }
    if (id == null) return ExitCodes.OK;
    ObjectNode image = CatalogClient.MAPPER.createObjectNode().put("id", id).put("arch", arch);
    Fields.text(image, "name", name);
    Fields.text(image, "version", version);
    image.set("kernel", artifact(image, kernelName, blobs));
    ArrayNode list = image.putArray("initrds");
    for (String i : initrdNames) list.add(artifact(image, i, blobs));
    Fields.text(image, "cmdline", cmdline);
    Fields.pairs(image, "labels", "--label", labels, null);
    JsonNode stored = client.post(Kind.IMAGE.path(), image).body();
    out().println("added image " + id + revision(stored) + ": kernel " + kernelName
        + (initrdNames.isEmpty() ? ", no initrd" : ", initrds " + String.join(" ", initrdNames)));
    return ExitCodes.OK;
  }

  private static ObjectNode artifact(ObjectNode doc, String name, Map<String, CatalogClient.Blob> blobs) {
    CatalogClient.Blob b = blobs.get(name);
    return ImageFields.artifact(doc, name, b.sha256(), b.size());
  }
}
