package dev.jgrad.spark;

import dev.jgrad.inference.ImageEmbedder;
import dev.jgrad.vision.Image;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Image files' bytes, as a binary column holds them, embedded on an executor: decoded, then batched by size. */
final class EncodedImages {
    private EncodedImages() {}

    /**
     * One image file.
     *
     * @param bytes its contents
     * @param name  where it came from (binaryFile's path), for messages; null if unknown
     */
    record File(byte[] bytes, String name) {}

    /**
     * The representation of each image of {@code files}, in order: images of one size go through the network
     * together, in their order, other sizes apart.
     *
     * @param column names the column in the message for bytes that are not an image
     * @throws IllegalArgumentException naming the column and the file (or its place in the chunk) when bytes do not decode
     */
    static List<float[]> embed(ImageEmbedder embedder, List<File> files, String column) {
        Map<List<Integer>, List<Integer>> bySize = new LinkedHashMap<>();
        List<Image> images = new ArrayList<>(files.size());
        for (int i = 0; i < files.size(); i++) {
            Image im;
            try {
                im = Image.decode(files.get(i).bytes(), embedder.inChannels());
            } catch (IOException e) {
                String which = files.get(i).name() != null ? files.get(i).name() : "image " + (i + 1) + " of a chunk of " + files.size();
                throw new IllegalArgumentException("column '" + column + "', " + which + ": " + e.getMessage());
            }
            images.add(im);
            bySize.computeIfAbsent(List.of(im.height(), im.width()), k -> new ArrayList<>()).add(i);
        }
        float[][] out = new float[files.size()][];
        for (List<Integer> indices : bySize.values()) {
            List<Image> same = new ArrayList<>(indices.size());
            for (int i : indices) same.add(images.get(i));
            List<float[]> embedded = embedder.embed(same);
            for (int k = 0; k < indices.size(); k++) out[indices.get(k)] = embedded.get(k);
        }
        return Arrays.asList(out);
    }
}
