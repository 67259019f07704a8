package dev.jgrad.spark;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * A partition's items processed a chunk at a time, in order: a model decodes a chunk together (in length-sorted
 * batches) while the partition streams through in bounded memory.
 */
final class Chunks {
    /** Items a model gets at once: enough to batch well, few enough to keep a partition's memory bounded. */
    static final int SIZE = 1024;

    private Chunks() {}

    /** Maps one chunk of inputs to as many outputs, in order. */
    @FunctionalInterface
    interface ChunkFunction<I, O> extends Serializable {
        List<O> apply(List<I> chunk) throws IOException;
    }

    /** {@code f} over {@code in}, {@link #SIZE} items at a time, lazily. */
    static <I, O> Iterator<O> map(Iterator<I> in, ChunkFunction<I, O> f) {
        return new Iterator<>() {
            private Iterator<O> current = List.<O>of().iterator();

            @Override
            public boolean hasNext() {
                while (!current.hasNext() && in.hasNext()) {
                    List<I> chunk = new ArrayList<>(SIZE);
                    while (chunk.size() < SIZE && in.hasNext()) chunk.add(in.next());
                    List<O> out;
                    try {
                        out = f.apply(chunk);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e.getMessage(), e);
                    }
                    if (out.size() != chunk.size()) throw new IllegalStateException("a chunk of " + chunk.size() + " items gave " + out.size() + " results");
                    current = out.iterator();
                }
                return current.hasNext();
            }

            @Override
            public O next() {
                if (!hasNext()) throw new NoSuchElementException();
                return current.next();
            }
        };
    }
}
