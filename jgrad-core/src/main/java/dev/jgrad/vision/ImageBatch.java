package dev.jgrad.vision;

import dev.jgrad.tensor.IntTensor;
import dev.jgrad.tensor.Tensor;

/**
 * One mini-batch: images [B, C, H, W], labels [B], and the dataset positions they came from.
 *
 * @param images  the images, a new contiguous tensor of shape [B, C, H, W] outside autograd
 * @param labels  the class index of each image, of shape [B]
 * @param indices the position of each image in the dataset
 */
public record ImageBatch(Tensor images, IntTensor labels, int[] indices) {

    /**
     * The number of images.
     *
     * @return B
     */
    public int size() {
        return labels.size(0);
    }
}
