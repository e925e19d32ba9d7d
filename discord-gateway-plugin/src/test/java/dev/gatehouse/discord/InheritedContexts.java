package dev.gatehouse.discord;

import java.lang.reflect.Field;
import java.security.AccessControlContext;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Finds threads that pin a class loader through {@code Thread.inheritedAccessControlContext}. On JDK 17
 * every new thread captures {@code AccessController.getContext()}: the protection domains of all
 * classes on its creator's stack, each holding its class loader. A host pool that starts a thread
 * lazily while a plugin calls into the host (the sink's {@code deliver}, a health signal whose effects
 * run on the caller's thread) therefore pins that plugin's class loader for the thread's whole life:
 * the fixed {@code gatehouse-handler} pool forever. That is the host's to fix (create pool threads in
 * a privileged block, or start them up front); this helper names such threads and, for measuring what
 * the plugin itself leaves behind, removes the plugin's domains from them. It needs
 * {@code --add-opens java.base/java.lang} and {@code java.base/java.security} (set for failsafe in the pom).
 */
@SuppressWarnings("removal") // AccessControlContext: deprecated with the SecurityManager, still captured on JDK 17
final class InheritedContexts {

    private InheritedContexts() {
    }

    /** Removes {@code loader}'s protection domains from every thread's inherited context; returns those threads. */
    static List<String> unpin(ClassLoader loader) throws ReflectiveOperationException {
        Field inherited = Thread.class.getDeclaredField("inheritedAccessControlContext");
        inherited.setAccessible(true);
        Field domains = AccessControlContext.class.getDeclaredField("context");
        domains.setAccessible(true);
        List<String> pinning = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            AccessControlContext acc = (AccessControlContext) inherited.get(t);
            ProtectionDomain[] pds = acc == null ? null : (ProtectionDomain[]) domains.get(acc);
            if (pds == null || Arrays.stream(pds).noneMatch(pd -> pd != null && pd.getClassLoader() == loader)) {
                continue;
            }
            pinning.add(t.getName());
            ProtectionDomain[] kept = Arrays.stream(pds).filter(pd -> pd == null || pd.getClassLoader() != loader)
                    .toArray(ProtectionDomain[]::new);
            inherited.set(t, new AccessControlContext(kept));
        }
        return pinning;
    }
}
