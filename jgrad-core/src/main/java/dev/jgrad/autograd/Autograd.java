package dev.jgrad.autograd;

import dev.jgrad.tensor.BufferPool;
import dev.jgrad.tensor.Shape;
import dev.jgrad.tensor.Tensor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The reverse-mode engine. Walks the graph from the output in reverse topological order, so that a node
 * runs only after every use of its output has contributed its gradient. Gradients that reach the same
 * tensor along several paths add up: this is what makes backprop through time correct, where a shared
 * weight is used once per time step.
 */
public final class Autograd {
    private Autograd() {}

    /**
     * Backward from {@code root} with upstream gradient {@code gradRoot} (ones for a scalar when null):
     * fills {@link Tensor#grad()} of every leaf that requires grad and is reachable from {@code root},
     * adding to any gradient already there (as torch.autograd.backward; call {@code zeroGrad} between steps).
     * Runs under {@link GradMode#noGrad()}, so the backward pass itself records no graph.
     *
     * @param root        the output to differentiate, usually a scalar loss; must require grad
     * @param gradRoot    dL/d(root), of the same shape as {@code root}; null means 1 and is allowed only
     *                    when {@code root} has a single element
     * @param retainGraph true to keep the saved tensors of every node so that a second backward through the
     *                    same graph is possible (torch's {@code retain_graph=True}); false frees them as it goes
     * @throws IllegalStateException    if {@code root} does not require grad, or the graph was already
     *                                  released by an earlier backward
     * @throws IllegalArgumentException if {@code gradRoot} is null for a non-scalar root, or its shape
     *                                  differs from the shape of {@code root}
     */
    public static void backward(Tensor root, Tensor gradRoot, boolean retainGraph) {
        if (!root.requiresGrad()) {
            throw new IllegalStateException("backward: the tensor does not require grad and has no grad_fn "
                    + "(did you call it on a detached result, or inside GradMode.noGrad()?)");
        }
        if (gradRoot == null) {
            if (root.numel() != 1) {
                throw new IllegalArgumentException("backward: grad can be implicitly created only for scalar outputs, but the output has shape "
                        + Shape.str(root.shape()) + "; pass the upstream gradient explicitly");
            }
            gradRoot = Tensor.onesLike(root);
        } else if (!java.util.Arrays.equals(gradRoot.shape(), root.shape())) {
            throw new IllegalArgumentException("backward: upstream gradient of shape " + Shape.str(gradRoot.shape())
                    + " does not match the output shape " + Shape.str(root.shape()));
        }
        try (var ignored = GradMode.noGrad()) {
            Node rootNode = root.gradFn();
            if (rootNode == null) { // a leaf: its gradient is the upstream gradient itself
                accumulateLeaf(root, gradRoot);
                return;
            }
            List<Node> order = topologicalOrder(rootNode);
            Map<Node, Tensor> grads = new IdentityHashMap<>();
            grads.put(rootNode, gradRoot);
            // The gradients between nodes and the rules' temporaries are pooled (BufferPool): each rule runs in a
            // scope, each gradient waiting in `grads` holds its storage, and a gradient gives it back once its node
            // has used it. What the caller sees (leaf grads, retained grads) is copied outside the scopes.
            for (Node node : order) {
                Tensor g = grads.remove(node);
                if (g == null) continue; // no path from the root carries a gradient here
                if (node.retainedOutput != null) node.retainedOutput.setGrad(g.clone());
                Tensor[] inputs = node.inputs();
                Tensor[] inGrads;
                try (BufferPool.Scope rule = BufferPool.open(true)) {
                    inGrads = node.apply(g);
                    for (Tensor gi : inGrads) BufferPool.retain(gi);
                }
                BufferPool.release(g);
                for (int i = 0; i < inputs.length; i++) {
                    Tensor in = inputs[i];
                    Tensor gi = inGrads[i];
                    if (in == null || gi == null || !in.requiresGrad()) {
                        BufferPool.release(gi);
                        continue;
                    }
                    if (!java.util.Arrays.equals(gi.shape(), in.shape())) {
                        throw new IllegalStateException("internal error in " + node + ": gradient of shape " + Shape.str(gi.shape())
                                + " for input " + i + " of shape " + Shape.str(in.shape()));
                    }
                    Node producer = in.gradFn();
                    if (producer == null) {
                        accumulateLeaf(in, gi);
                        BufferPool.release(gi);
                    } else {
                        grads.merge(producer, gi, Autograd::sum);
                    }
                }
                if (!retainGraph) node.release();
            }
        }
    }

    /** Two gradients of one tensor added up, in pooled storage; the engine's holds move from the addends to the sum. */
    private static Tensor sum(Tensor a, Tensor b) {
        Tensor s;
        try (BufferPool.Scope merge = BufferPool.open(true)) {
            s = a.add(b);
            BufferPool.retain(s);
        }
        BufferPool.release(a);
        BufferPool.release(b);
        return s;
    }

    private static void accumulateLeaf(Tensor leaf, Tensor g) {
        Tensor existing = leaf.grad();
        if (existing == null) {
            // A fresh copy: g may be shared with another input (add passes its gradient through unchanged).
            leaf.setGrad(g.clone());
        } else {
            existing.addInPlace(g);
        }
    }

    /** Nodes reachable from root, each after all nodes that consume its output (iterative DFS, so deep BPTT graphs don't overflow the stack). */
    private static List<Node> topologicalOrder(Node root) {
        List<Node> postOrder = new ArrayList<>();
        Map<Node, Boolean> visited = new IdentityHashMap<>();
        ArrayDeque<Object[]> stack = new ArrayDeque<>();
        stack.push(new Object[] {root, 0});
        visited.put(root, Boolean.TRUE);
        while (!stack.isEmpty()) {
            Object[] frame = stack.peek();
            Node node = (Node) frame[0];
            int next = (Integer) frame[1];
            Tensor[] inputs = node.inputs();
            boolean descended = false;
            while (next < inputs.length) {
                Tensor in = inputs[next++];
                Node child = in == null ? null : in.gradFn();
                if (child != null && in.requiresGrad() && visited.put(child, Boolean.TRUE) == null) {
                    frame[1] = next;
                    stack.push(new Object[] {child, 0});
                    descended = true;
                    break;
                }
            }
            if (!descended) {
                stack.pop();
                postOrder.add(node);
            }
        }
        java.util.Collections.reverse(postOrder);
        return postOrder;
    }
}
