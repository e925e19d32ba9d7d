package dev.gatehouse.host.cli.doctor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether the host will be able to write its heartbeat file. Creates nothing that stays: operators run the
 * doctor as root (the tokens sit in a root-only file), and a folder created then would belong to root, so the
 * service user could never write its heartbeat. A missing folder is left for the host to create at start.
 */
final class HeartbeatCheck {

    private HeartbeatCheck() {
    }

    static Finding of(Path file) {
        Path dir = file.getParent();
        String check = "heartbeat.file " + file;
        String fix = "create " + dir + " writable by the user gatehouse runs as, or change heartbeat.file";
        if (Files.isDirectory(dir)) {
            // A file written and removed, not Files.isWritable: that asks permissions only, not the mount or quota.
            try {
                Files.delete(Files.createTempFile(dir, ".gatehouse-doctor", ".tmp"));
            } catch (IOException | RuntimeException e) {
                return Finding.fail(check, "folder " + dir + " cannot be written (" + e.getClass().getSimpleName() + ": "
                        + e.getMessage() + ")" + asRoot(dir), fix);
            }
            return Finding.ok(check, "folder " + dir + " is writable" + asRoot(dir));
        }
        if (Files.exists(dir)) {
            return Finding.fail(check, dir + " is not a folder", fix);
        }
        Path parent = dir.getParent();
        while (parent != null && !Files.exists(parent)) {
            parent = parent.getParent();
        }
        String missing = "folder " + dir + " is missing";
        if (parent == null || !Files.isDirectory(parent)) {
            return Finding.fail(check, missing + " and cannot be created: " + parent + " is not a folder", fix);
        }
        if (!Files.isWritable(parent)) {
            return Finding.fail(check, missing + " and cannot be created: " + parent + " is not writable" + asRoot(parent), fix);
        }
        return Finding.ok(check, missing + "; the host creates it at start (" + parent + " is writable" + asRoot(parent) + ")");
    }

    /** Root passes every permission check, so a pass as root says little about the service user. */
    private static String asRoot(Path checked) {
        if (!"root".equals(System.getProperty("user.name"))) {
            return "";
        }
        String owner;
        try {
            owner = Files.getOwner(checked).getName();
        } catch (IOException | UnsupportedOperationException e) {
            owner = "root";
        }
        return "; " + (owner.equals("root") ? "" : checked + " is owned by " + owner + "; ")
                + "running as root — permissions checked for root, not for the service user";
    }
}
