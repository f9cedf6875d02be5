package org.hermod.config;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Folders and files only Hermod's own user may read: the data folder (a school's personal data), the secrets key,
 * a generated operator password. On a file system without POSIX permissions (Windows) they inherit the parent's ACL.
 */
public final class OwnerOnlyFiles {

    private OwnerOnlyFiles() {
    }

    /** Creates {@code dir} and its missing parents, the new folders 0700; an existing folder is left as it is. */
    public static void createDirectories(Path dir) throws IOException {
        Path absolute = dir.toAbsolutePath().normalize();
        if (Files.isDirectory(absolute)) {
            return;
        }
        if (posix(absolute)) {
            Files.createDirectories(absolute, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } else {
            Files.createDirectories(absolute);
        }
    }

    /**
     * Writes {@code content} to {@code file} (0600) through a temporary file beside it, so no one ever sees it half
     * written or readable by others. With {@code replace} false an existing file wins (another process may have made
     * it meanwhile) and false is returned.
     */
    public static boolean write(Path file, String content, boolean replace) throws IOException {
        Path target = file.toAbsolutePath().normalize();
        createDirectories(target.getParent());
        Path tmp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp"); // 0600 on POSIX
        try {
            Files.writeString(tmp, content);
            if (replace) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } else {
                Files.move(tmp, target);
            }
            return true;
        } catch (FileAlreadyExistsException madeMeanwhile) {
            return false;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static boolean posix(Path path) {
        return path.getFileSystem().supportedFileAttributeViews().contains("posix");
    }
}
