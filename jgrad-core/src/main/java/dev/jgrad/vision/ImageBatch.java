package dev.jgrad.vision;

import dev.jgrad.tensor.IntTensor;
import dev.jgrad.tensor.Tensor;

/** One mini-batch: images [B, C, H, W], labels [B], and the dataset positions they came from. */
public record ImageBatch(Tensor images, IntTensor labels, int[] indices) {

    public int size() {
        return labels.size(0);
    }
}
