package dev.pxebus.cli.catalog;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What {@code images import DIR} uploads, and which files make the image. The directory's own entries only
 * (artifact names cannot hold {@code /}), sorted by name:
 * <ul>
 *   <li>regular files are uploaded; a symbolic link is uploaded (under its own name) when it resolves to a regular
 *       file inside the directory;
 *   <li>skipped, each with its reason: links that leave the directory or are broken, subdirectories, hidden
 *       ({@code .}) files, empty files (an artifact has at least one byte) and anything that is not a file.
 * </ul>
 * Kernel, when {@code --kernel} does not name it: the single file named {@code vmlinuz*}, {@code vmlinux*},
 * {@code bzImage*} or {@code linux}; when there is none, the single {@code *.efi} file (an EFI-stub kernel or
 * unified kernel image). Names compare case-insensitively; several candidates, or none, is an error asking for
 * {@code --kernel}. Initrds, when no {@code --initrd} is given: every other file named {@code initrd*},
 * {@code initramfs*}, {@code *.img} or {@code *.cpio*}, sorted by name.
 */
public final class ImportPlan {
  /** A file to upload. */
  public record Upload(String name, Path path, long size) {}

  /** An entry not uploaded, and why. */
  public record Skip(String name, String why) {}

  private final List<Upload> uploads;
  private final List<Skip> skipped;

  private ImportPlan(List<Upload> uploads, List<Skip> skipped) {
    this.uploads = List.copyOf(uploads);
    this.skipped = List.copyOf(skipped);
  }

  public List<Upload> uploads() {
    return uploads;
  }

  public List<Skip> skipped() {
    return skipped;
  }

  public List<String> names() {
    return uploads.stream().map(Upload::name).toList();
  }

  /** Reads the directory. */
  public static ImportPlan scan(Path dir) throws IOException {
    Path root = dir.toRealPath();
    List<Path> entries = new ArrayList<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
      s.forEach(entries::add);
    }
    entries.sort(Comparator.comparing(p -> p.getFileName().toString()));
    List<Upload> uploads = new ArrayList<>();
    List<Skip> skipped = new ArrayList<>();
    for (Path p : entries) {
      String name = p.getFileName().toString();
      if (name.startsWith(".")) {
        skipped.add(new Skip(name, "hidden file"));
        continue;
      }
      Path file = p;
      if (Files.isSymbolicLink(p)) {
        Path target;
        try {
          target = p.toRealPath();
        } catch (IOException e) {
          skipped.add(new Skip(name, "broken symbolic link"));
          continue;
        }
        if (!target.startsWith(root)) {
          skipped.add(new Skip(name, "symbolic link out of the directory, to " + target));
          continue;
        }
        if (!Files.isRegularFile(target)) {
          skipped.add(new Skip(name, "symbolic link to " + (Files.isDirectory(target) ? "a directory" : "no regular file")));
          continue;
        }
        file = target;
      } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
        skipped.add(new Skip(name, "directory (only the files of DIR itself are imported)"));
        continue;
      } else if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
        skipped.add(new Skip(name, "not a regular file"));
        continue;
      }
      long size = Files.size(file);
      if (size == 0) {
        skipped.add(new Skip(name, "empty file"));
        continue;
      }
      uploads.add(new Upload(name, file, size));
    }
    return new ImportPlan(uploads, skipped);
  }

  /**
   * The kernel: {@code chosen} if given (it must be one of {@code names}), else by the naming rule.
   *
   * @throws CatalogException (usage) naming the candidates when the rule does not decide
   */
  public static String kernel(List<String> names, Optional<String> chosen) throws CatalogException {
    if (chosen.isPresent()) {
      if (!names.contains(chosen.get())) {
        throw CatalogException.usage("--kernel " + chosen.get() + " is not one of the files imported " + names);
      }
      return chosen.get();
    }
    List<String> named = names.stream().filter(ImportPlan::namedKernel).toList();
    List<String> efi = names.stream().filter(n -> lower(n).endsWith(".efi")).toList();
    List<String> candidates = !named.isEmpty() ? named : efi;
    if (candidates.size() == 1) return candidates.get(0);
    if (candidates.isEmpty()) {
      throw CatalogException.usage("no kernel among " + names + " (none is named vmlinuz*, vmlinux*, bzImage*, linux "
          + "or *.efi): name it with --kernel");
    }
    throw CatalogException.usage(candidates.size() + " files could be the kernel " + candidates
        + ": pick one with --kernel");
  }

  /**
   * The initrds: {@code chosen} in its order if not empty (each must be one of {@code names}), else by the naming
   * rule, sorted by name.
   */
  public static List<String> initrds(List<String> names, String kernel, List<String> chosen) throws CatalogException {
    if (!chosen.isEmpty()) {
      for (String c : chosen) {
        if (!names.contains(c)) throw CatalogException.usage("--initrd " + c + " is not one of the files imported " + names);
      }
      return List.copyOf(chosen);
    }
    return names.stream().filter(n -> !n.equals(kernel)).filter(ImportPlan::namedInitrd).sorted().toList();
  }

  private static boolean namedKernel(String name) {
    String n = lower(name);
    return n.startsWith("vmlinuz") || n.startsWith("vmlinux") || n.startsWith("bzimage") || n.equals("linux");
  }

  private static boolean namedInitrd(String name) {
    String n = lower(name);
    return n.startsWith("initrd") || n.startsWith("initramfs") || n.endsWith(".img") || n.contains(".cpio");
  }

  private static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }
}
