package dev.jgrad.autograd;

/**
 * Whether ops record the graph (torch.no_grad / torch.enable_grad). Per thread, and restored by
 * try-with-resources:
 * <pre>{@code try (var ignored = GradMode.noGrad()) { ... } }</pre>
 */
public final class GradMode {
    private static final ThreadLocal<boolean[]> ENABLED = ThreadLocal.withInitial(() -> new boolean[] {true});

    private GradMode() {}

    /**
     * Whether ops called on this thread record the graph right now (torch.is_grad_enabled).
     *
     * @return true unless inside a {@link #noGrad()} scope that is not itself inside {@link #enableGrad()}
     */
    public static boolean isEnabled() {
        return ENABLED.get()[0];
    }

    /** A scope that restores the previous mode when closed. */
    public interface Scope extends AutoCloseable {
        /** Restores the mode that was in force when the scope was opened; throws nothing. */
        @Override
        void close();
    }

    /**
     * Turns graph recording off on this thread until the returned scope is closed (torch.no_grad): for
     * evaluation, inference and in-place parameter updates in optimizers.
     *
     * @return the scope to close, best in try-with-resources
     */
    public static Scope noGrad() {
        return set(false);
    }

    /**
     * Turns graph recording on on this thread until the returned scope is closed (torch.enable_grad),
     * e.g. for a gradient computation nested in a {@link #noGrad()} block.
     *
     * @return the scope to close, best in try-with-resources
     */
    public static Scope enableGrad() {
        return set(true);
    }

    private static Scope set(boolean enabled) {
        boolean[] flag = ENABLED.get();
        boolean previous = flag[0];
        flag[0] = enabled;
        return () -> flag[0] = previous;
    }
}
