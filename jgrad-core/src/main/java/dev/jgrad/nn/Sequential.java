package dev.jgrad.nn;

import dev.jgrad.tensor.Tensor;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Modules applied one after another (torch.nn.Sequential). Children are named "0", "1", ..., so
 * parameter names such as "0.weight" match PyTorch's.
 */
// Constructors register parameters, as PyTorch modules do in __init__; Module's maps exist by then.
@SuppressWarnings("this-escape")
public class Sequential extends Module implements UnaryModule, Iterable<Module> {
    // The layers live in Module's child map under "0", "1", ...; Sequential only counts them. Replacing a
    // child (registerModule("2", m), or set(2, m)) therefore changes both the state_dict and forward, as
    // assigning seq[2] = m does in PyTorch.
    private int size;

    /**
     * A chain of the given modules, named "0", "1", ...
     *
     * @param modules the layers in order; each must be a {@link Module}
     * @throws IllegalArgumentException when an element is null or not a Module
     */
    public Sequential(UnaryModule... modules) {
        for (UnaryModule m : modules) add(m);
    }

    /**
     * A chain of the given modules, named "0", "1", ...
     *
     * @param modules the layers in order; each must be a {@link Module}
     * @throws IllegalArgumentException when an element is null or not a Module
     */
    public Sequential(List<? extends UnaryModule> modules) {
        for (UnaryModule m : modules) add(m);
    }

    /**
     * Appends a module under the next index (torch's Sequential.append).
     *
     * @param module the layer to append; must be a {@link Module}
     * @return this Sequential
     * @throws IllegalArgumentException when module is null or not a Module
     */
    public Sequential add(UnaryModule module) {
        registerModule(String.valueOf(size), asModule(size, module));
        size++;
        return this;
    }

    /**
     * Replaces the i-th module (torch's {@code seq[i] = module}); negative indices count from the end.
     *
     * @param index the position, in [-size, size)
     * @param module the new layer; must be a {@link Module}
     * @return this Sequential
     * @throws IndexOutOfBoundsException when index is out of range
     * @throws IllegalArgumentException when module is null or not a Module
     */
    public Sequential set(int index, UnaryModule module) {
        int i = checkIndex(index);
        registerModule(String.valueOf(i), asModule(i, module));
        return this;
    }

    @Override
    public Tensor forward(Tensor x) {
        for (int i = 0; i < size; i++) x = layer(i).forward(x);
        return x;
    }

    /**
     * The i-th module; negative indices count from the end, as in Python.
     *
     * @param index the position, in [-size, size)
     * @return the module
     * @throws IndexOutOfBoundsException when index is out of range
     */
    public Module get(int index) {
        return getSubmodule(String.valueOf(checkIndex(index)));
    }

    /**
     * The number of modules (Python's len(seq)).
     *
     * @return the count
     */
    public int size() {
        return size;
    }

    @Override
    public Iterator<Module> iterator() {
        List<Module> layers = new ArrayList<>(size);
        for (int i = 0; i < size; i++) layers.add(get(i));
        return layers.iterator();
    }

    private UnaryModule layer(int i) {
        Module m = getSubmodule(String.valueOf(i));
        if (!(m instanceof UnaryModule u)) {
            throw new IllegalStateException("Sequential: module " + i + " (" + m.getClass().getName()
                    + ") was replaced by one that does not map a tensor to a tensor (not a UnaryModule)");
        }
        return u;
    }

    private int checkIndex(int index) {
        int i = index < 0 ? index + size : index;
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException("Sequential: index " + index + " is out of range for " + size + " modules");
        }
        return i;
    }

    private static Module asModule(int index, UnaryModule module) {
        if (!(module instanceof Module m)) {
            throw new IllegalArgumentException("Sequential: element " + index + " ("
                    + (module == null ? "null" : module.getClass().getName()) + ") is not a Module");
        }
        return m;
    }
}
