package dev.jgrad.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

class SpectralRadiusTest {

    private static final double TOL = 1e-9;

    @Test
    void diagonalMatrixGivesItsLargestAbsoluteEntry() {
        assertEquals(0.9, SpectralRadius.of(new double[][] {{0.3, 0, 0}, {0, -0.9, 0}, {0, 0, 0.5}}), TOL);
        assertEquals(2.5, SpectralRadius.of(new double[][] {{2.5}}), TOL);
        assertEquals(1.0, SpectralRadius.of(new double[][] {{1, 0}, {0, 1}}), TOL);
    }

    @Test
    void scaledRotationHasAComplexPairOfTheScaleInModulus() {
        double a = 0.7;
        double c = 1.2 * Math.cos(a), s = 1.2 * Math.sin(a); // eigenvalues 1.2 e^(+-ia): no dominant real one
        assertEquals(1.2, SpectralRadius.of(new double[][] {{c, -s}, {s, c}}), TOL);
        // a permutation matrix: all eigenvalues are roots of unity
        assertEquals(1.0, SpectralRadius.of(new double[][] {{0, 1, 0}, {0, 0, 1}, {1, 0, 0}}), TOL);
    }

    @Test
    void nonNormalTriangularAndDefectiveMatricesConverge() {
        // upper triangular: the eigenvalues are the diagonal, whatever the (large) entries above it
        assertEquals(0.7, SpectralRadius.of(new double[][] {{0.2, 50, -30}, {0, 0.7, 80}, {0, 0, -0.4}}), 1e-8);
        // a 4x4 Jordan block of 0.8: ||A^m|| grows like m^3 0.8^m before it shrinks
        double[][] j = new double[4][4];
        for (int i = 0; i < 4; i++) {
            j[i][i] = 0.8;
            if (i < 3) j[i][i + 1] = 1;
        }
        assertEquals(0.8, SpectralRadius.of(j), 1e-8);
        // nilpotent: radius 0
        assertEquals(0.0, SpectralRadius.of(new double[][] {{0, 1, 0}, {0, 0, 1}, {0, 0, 0}}), 0.0);
        assertEquals(0.0, SpectralRadius.of(new double[][] {{0, 0}, {0, 0}}), 0.0);
    }

    @Test
    void companionMatrixOfAPolynomialWithKnownRoots() {
        // (x - 0.5)(x + 1.5)(x - 2) = x^3 - x^2 - 2.75x + 1.5
        double[][] companion = {{1, 2.75, -1.5}, {1, 0, 0}, {0, 1, 0}};
        assertEquals(2.0, SpectralRadius.of(companion), 1e-9);
        // roots -3 and 3 of x^2 - 9: two eigenvalues of the same modulus and opposite sign
        assertEquals(3.0, SpectralRadius.of(new double[][] {{0, 9}, {1, 0}}), TOL);
    }

    @Test
    void similarityTransformKeepsTheEigenvalues() {
        // A = S diag(0.4, -1.3, 0.9, 0.1) S^-1 with S = I + N (N strictly upper triangular), S^-1 = I - N + N^2 - N^3
        int n = 4;
        double[] d = {0.4, -1.3, 0.9, 0.1};
        double[][] s = new double[n][n], sInv = new double[n][n], nMat = new double[n][n];
        for (int i = 0; i < n; i++) for (int k = i + 1; k < n; k++) nMat[i][k] = 0.5 + i - 0.3 * k;
        double[][] term = identity(n);
        for (int p = 0; p < n; p++) { // sum of (-N)^p
            for (int i = 0; i < n; i++) for (int k = 0; k < n; k++) sInv[i][k] += term[i][k];
            term = multiply(term, scale(nMat, -1));
        }
        for (int i = 0; i < n; i++) for (int k = 0; k < n; k++) s[i][k] = (i == k ? 1 : 0) + nMat[i][k];
        double[][] diag = new double[n][n];
        for (int i = 0; i < n; i++) diag[i][i] = d[i];
        double[][] a = multiply(multiply(s, diag), sInv);
        assertEquals(1.3, SpectralRadius.of(a), 1e-9);
    }

    @Test
    void tensorInputAndScaleTo() {
        Generator gen = new Generator(4);
        Tensor w = Tensor.uniform(-0.125f, 0.125f, gen, 64, 64);
        double before = SpectralRadius.of(w);
        // a random n x n matrix of entry variance v has radius near sqrt(n v) (the circular law)
        assertEquals(Math.sqrt(64 * 0.25 * 0.25 / 12), before, 0.15);
        assertEquals(before, SpectralRadius.scaleTo(w, 1.5), 0.0);
        assertEquals(1.5, SpectralRadius.of(w), 1e-5); // float32 entries
        // a gate block of a stacked LSTM weight, as a view
        Tensor stacked = Tensor.uniform(-0.1f, 0.1f, gen, 4 * 8, 8);
        Tensor block = stacked.narrow(0, 8, 8);
        assertEquals(SpectralRadius.of(block.contiguous()), SpectralRadius.of(block), 0.0);
    }

    @Test
    void badMatricesAreExplained() {
        var e = assertThrows(IllegalArgumentException.class, () -> SpectralRadius.of(Tensor.zeros(3, 4)));
        assertTrue(e.getMessage().contains("[3, 4]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SpectralRadius.of(Tensor.zeros(4)));
        assertThrows(IllegalArgumentException.class, () -> SpectralRadius.of(new double[][] {{1, 2}, {3}}));
        var nan = assertThrows(IllegalArgumentException.class, () -> SpectralRadius.of(new double[][] {{1, Double.NaN}, {0, 1}}));
        assertTrue(nan.getMessage().contains("NaN"), nan.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SpectralRadius.scaleTo(Tensor.zeros(2, 2), 1.0));
        assertThrows(IllegalArgumentException.class, () -> SpectralRadius.scaleTo(Tensor.ones(2, 2), -1.0));
    }

    private static double[][] identity(int n) {
        double[][] m = new double[n][n];
        for (int i = 0; i < n; i++) m[i][i] = 1;
        return m;
    }

    private static double[][] scale(double[][] a, double c) {
        double[][] m = new double[a.length][a.length];
        for (int i = 0; i < a.length; i++) for (int k = 0; k < a.length; k++) m[i][k] = c * a[i][k];
        return m;
    }

    private static double[][] multiply(double[][] a, double[][] b) {
        int n = a.length;
        double[][] m = new double[n][n];
        for (int i = 0; i < n; i++) for (int k = 0; k < n; k++) for (int j = 0; j < n; j++) m[i][j] += a[i][k] * b[k][j];
        return m;
    }
}
