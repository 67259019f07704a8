package dev.jgrad.conformance;

import dev.jgrad.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static dev.jgrad.conformance.AssertClose.assertClose;

/** Tensor ops against PyTorch 1.13: outputs and the input gradients of out.backward(grad_output). */
class TensorOpsConformanceTest {

    @ParameterizedTest
    @ValueSource(strings = {"matmul_2d", "matmul_batched_broadcast", "matmul_vector_matrix", "matmul_matrix_vector"})
    void matmul(String name) {
        Fixture f = Fixture.load(name);
        Tensor a = f.leaf("a"), b = f.leaf("b");
        Tensor out = a.matmul(b);
        assertClose(name + " out", f.get("out"), out);
        out.backward(f.get("grad_output"));
        assertClose(name + " a.grad", f.get("a.grad"), a.grad());
        assertClose(name + " b.grad", f.get("b.grad"), b.grad());
    }

    @ParameterizedTest
    @ValueSource(strings = {"softmax_dim0", "softmax_dim1", "softmax_dim-1", "log_softmax_dim0", "log_softmax_dim1", "log_softmax_dim-1"})
    void softmaxAndLogSoftmax(String name) {
        Fixture f = Fixture.load(name);
        int dim = f.metaInt("dim");
        Tensor x = f.leaf("x");
        Tensor out = f.meta("op").equals("softmax") ? x.softmax(dim) : x.logSoftmax(dim);
        assertClose(name + " out", f.get("out"), out);
        out.backward(f.get("grad_output"));
        assertClose(name + " x.grad", f.get("x.grad"), x.grad());
    }
}
