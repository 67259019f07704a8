package dev.jgrad.nn;

import dev.jgrad.autograd.GradMode;
import dev.jgrad.tensor.BufferPool;

/**
 * When a Transformer layer or stack may take its intermediates from the {@link BufferPool}: in grad mode (training,
 * where backward hands them back), when no key/value cache could keep a projection beyond the call, and when no
 * attention weights are returned to the caller. Decoding (no grad, caches) allocates as before.
 */
final class LayerScratch {
    private LayerScratch() {}

    /** A scope for a layer's internals, enabled when grad mode is on and none of the args holds a cache or asks for weights. */
    static BufferPool.Scope open(AttentionArgs... args) {
        boolean pool = GradMode.isEnabled();
        for (AttentionArgs a : args) pool &= a.cache() == null && !a.needWeights();
        return BufferPool.open(pool);
    }

    /**
     * A scope for a stack's layer outputs, enabled as {@link #open} and only when every layer is exactly the library's
     * class: a subclass may run code of its own, which must not see pooled tensors.
     */
    static BufferPool.Scope openForStack(Iterable<? extends Module> layers, Class<?> layerClass, AttentionArgs... args) {
        for (Module layer : layers) if (layer.getClass() != layerClass) return BufferPool.open(false);
        return open(args);
    }
}
