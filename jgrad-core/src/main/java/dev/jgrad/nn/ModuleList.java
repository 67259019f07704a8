package dev.jgrad.nn;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Modules held in a list (torch.nn.ModuleList): registered as children "0", "1", ..., so that a stack of
 * layers gets PyTorch's names such as "layers.0.self_attn.in_proj_weight". It has no forward: the owner
 * decides how to call its elements.
 *
 * @param <M> the elements' type, e.g. {@code TransformerEncoderLayer}
 */
// Constructors register modules, as PyTorch modules do in __init__; Module's maps exist by then.
@SuppressWarnings("this-escape")
public class ModuleList<M extends Module> extends Module implements Iterable<M> {
    private final List<M> items = new ArrayList<>();

    /** An empty list. */
    public ModuleList() {}

    /**
     * A list of the given modules, named "0", "1", ...
     *
     * @param modules the modules in order, none null
     * @throws IllegalArgumentException when an element is null
     */
    public ModuleList(List<? extends M> modules) {
        for (M m : modules) add(m);
    }

    /**
     * Appends a module under the next index (ModuleList.append).
     *
     * @param module the module, not null
     * @return this list
     * @throws IllegalArgumentException when module is null
     */
    public ModuleList<M> add(M module) {
        if (module == null) throw new IllegalArgumentException("ModuleList: element " + items.size() + " is null");
        registerModule(String.valueOf(items.size()), module);
        items.add(module);
        return this;
    }

    /**
     * The i-th module; negative indices count from the end, as in Python.
     *
     * @param index the position, in [-size, size)
     * @return the module
     * @throws IndexOutOfBoundsException when index is out of range
     */
    public M get(int index) {
        int i = index < 0 ? index + items.size() : index;
        if (i < 0 || i >= items.size()) {
            throw new IndexOutOfBoundsException("ModuleList: index " + index + " is out of range for " + items.size() + " modules");
        }
        return items.get(i);
    }

    /**
     * The number of modules (Python's len(list)).
     *
     * @return the count
     */
    public int size() {
        return items.size();
    }

    @Override
    public Iterator<M> iterator() {
        return List.copyOf(items).iterator();
    }
}
