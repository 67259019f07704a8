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
    private final List<UnaryModule> layers = new ArrayList<>();

    public Sequential(UnaryModule... modules) {
        for (UnaryModule m : modules) add(m);
    }

    public Sequential(List<? extends UnaryModule> modules) {
        for (UnaryModule m : modules) add(m);
    }

    /** Appends a module under the next index (torch's Sequential.append). */
    public Sequential add(UnaryModule module) {
        if (!(module instanceof Module m)) {
            throw new IllegalArgumentException("Sequential: element " + layers.size() + " ("
                    + (module == null ? "null" : module.getClass().getName()) + ") is not a Module");
        }
        registerModule(String.valueOf(layers.size()), m);
        layers.add(module);
        return this;
    }

    @Override
    public Tensor forward(Tensor x) {
        for (UnaryModule m : layers) x = m.forward(x);
        return x;
    }

    /** The i-th module; negative indices count from the end, as in Python. */
    public Module get(int index) {
        int i = index < 0 ? index + layers.size() : index;
        if (i < 0 || i >= layers.size()) {
            throw new IndexOutOfBoundsException("Sequential: index " + index + " is out of range for " + layers.size() + " modules");
        }
        return (Module) layers.get(i);
    }

    public int size() {
        return layers.size();
    }

    @Override
    public Iterator<Module> iterator() {
        return layers.stream().map(m -> (Module) m).iterator();
    }
}
