package dev.jgrad.spark;

import dev.jgrad.inference.ImageEmbedder;
import dev.jgrad.vision.Image;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link JgradSpark#embed} in local[2] over PNG files read by Spark's binaryFile source: one machine's answers, in the rows' order. */
class ImageEmbeddingTest {
    static SparkConnector.Connection spark;
    static JavaSparkContext sc;
    static Path model, pngs;

    @BeforeAll
    static void start() throws IOException {
        model = Fixtures.imageModel();
        pngs = Files.createDirectories(Fixtures.dir().resolve("pngs"));
        Random r = new Random(3);
        for (int i = 0; i < 40; i++) {
            int size = i % 10 == 9 ? 12 : 8; // a few of another size, embedded apart
            BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_BYTE_GRAY);
            for (int y = 0; y < size; y++) for (int x = 0; x < size; x++) img.getRaster().setSample(x, y, 0, r.nextInt(256));
            ImageIO.write(img, "png", pngs.resolve(String.format("%02d.png", i)).toFile());
        }
        spark = SparkConnector.open("local[2]", "jgrad embedding tests", SparkConnector.DEFAULT_TIMEOUT, List.of());
        sc = JavaSparkContext.fromSparkContext(spark.session().sparkContext());
    }

    @AfterAll
    static void stop() {
        spark.close();
    }

    static float[] floats(List<Float> values) {
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) out[i] = values.get(i);
        return out;
    }

    @Test
    void binaryFileImagesGetTheEmbeddingsOfOneMachineInTheRowsOrder() throws IOException {
        List<Row> files = spark.session().read().format("binaryFile").load(pngs.toString()).select("path", "content").collectAsList();
        assertEquals(40, files.size());
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) rows.add(RowFactory.create(i, files.get(i).getString(0), i == 7 ? null : files.get(i).get(1)));
        StructType schema = new StructType().add("id", DataTypes.IntegerType).add("path", DataTypes.StringType).add("content", DataTypes.BinaryType);
        Dataset<Row> df = spark.session().createDataFrame(sc.parallelize(rows, 3), schema);

        List<Row> out = JgradSpark.embed(df, "content", ModelSource.path(model)).collectAsList();
        ImageEmbedder alone = ImageEmbedder.load(model);
        assertEquals(rows.size(), out.size());
        for (int i = 0; i < out.size(); i++) {
            assertEquals(i, out.get(i).getInt(0), "rows keep their order");
            if (i == 7) {
                assertNull(out.get(i).get(3), "no image, no embedding");
                continue;
            }
            float[] expected = alone.embed(Image.decode((byte[]) rows.get(i).get(2), alone.inChannels()));
            float[] got = floats(out.get(i).getList(3));
            assertEquals(alone.dimension(), got.length);
            // Executors batch other images together than one call per image does: equal to rounding.
            for (int k = 0; k < got.length; k++) assertEquals(expected[k], got[k], 1e-5f * (1 + Math.abs(expected[k])), out.get(i).getString(1) + "[" + k + "]");
        }
    }

    @Test
    void theColumnMustHoldImageBytesAndBadBytesAreNamedByPath() {
        Dataset<Row> files = spark.session().read().format("binaryFile").load(pngs.toString());
        var wrongType = assertThrows(IllegalArgumentException.class, () -> JgradSpark.embed(files, "path", ModelSource.path(model)));
        assertEquals("column 'path' holds string, not image file bytes (binary, as Spark's binaryFile source reads them)", wrongType.getMessage());

        StructType schema = new StructType().add("path", DataTypes.StringType).add("content", DataTypes.BinaryType);
        Dataset<Row> bad = spark.session().createDataFrame(List.of(RowFactory.create("/data/broken.png", new byte[] {1, 2, 3})), schema);
        Exception e = assertThrows(Exception.class, () -> JgradSpark.embed(bad, "content", ModelSource.path(model)).collectAsList());
        String shown = SparkErrors.userError(e).getMessage();
        assertTrue(shown.startsWith("column 'content', /data/broken.png: not an image that javax.imageio can decode"), shown);
    }
}
